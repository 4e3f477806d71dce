//! The API's object types: one per node kind, the `Node` interface, connections and the small
//! value objects; every field resolves through [`Entity`] batches.

// Resolver arguments are the schema's arguments: a Relay connection with a filter and an
// ordering has more than clippy's seven, and bundling them would only hide that.
#![allow(clippy::too_many_arguments)]

use std::cmp::Ordering;
use std::sync::Arc;

use async_graphql::{ComplexObject, Context, InputObject, Interface, Object, SimpleObject, ID};

use super::connection::{page_cost, paginate, Page, PageArgs, PageInfo};
use super::entity::{Batch, Entity, Link};
use super::enums::*;
use super::error::{ApiError, ApiResult};
use super::filter::{tier_of, Evaluator, ProjectFilter};
use crate::model::{self, Direction as Dir, EdgeType as Et, Id, Kind, NodeAttrs};
use crate::store::{EdgeRef, Store};
use crate::text;

/// The store, as every resolver reaches it.
pub fn store<'c>(ctx: &Context<'c>) -> &'c Arc<Store> {
    ctx.data_unchecked::<Arc<Store>>()
}

/// Anything in the graph, by its ID.
#[derive(Interface, Clone)]
#[graphql(
    name = "Node",
    field(
        name = "id",
        ty = "ID",
        desc = "The stable, globally unique ID, `kind:slug`."
    ),
    field(name = "kind", ty = "NodeKind", desc = "Which kind of node this is."),
    field(
        name = "name",
        ty = "String",
        desc = "The name people use in English (a source's title)."
    )
)]
pub enum NodeIface {
    Country(Country),
    Enterprise(Enterprise),
    Project(Project),
    Sector(Sector),
    Zone(Zone),
    Framework(Framework),
    Indicator(Indicator),
    Source(Source),
}

impl From<Entity> for NodeIface {
    fn from(e: Entity) -> NodeIface {
        match e.node.kind() {
            Kind::Country => NodeIface::Country(Country(e)),
            Kind::Enterprise => NodeIface::Enterprise(Enterprise(e)),
            Kind::Project => NodeIface::Project(Project(e)),
            Kind::Sector => NodeIface::Sector(Sector(e)),
            Kind::Zone => NodeIface::Zone(Zone(e)),
            Kind::Framework => NodeIface::Framework(Framework(e)),
            Kind::Indicator => NodeIface::Indicator(Indicator(e)),
            Kind::Source => NodeIface::Source(Source(e)),
        }
    }
}

/// Sorting projects: `orderBy` entries in turn, then ID.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct ProjectOrder {
    /// What to sort by.
    pub field: ProjectOrderField,
    /// Which way; missing values always sort last.
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn project_attrs(e: &Entity) -> Option<&model::ProjectAttrs> {
    match &e.node.attrs {
        NodeAttrs::Project(p) => Some(p),
        _ => None,
    }
}

/// Compares two optional values with missing ones last whichever the direction.
fn by_key<T: PartialOrd>(a: Option<T>, b: Option<T>, direction: OrderDirection) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => {
            let o = a.partial_cmp(&b).unwrap_or(Ordering::Equal);
            if direction == OrderDirection::Desc {
                o.reverse()
            } else {
                o
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Puts projects in the order `orderBy` asks for; ID order when it is empty.
pub fn sort_projects(rows: &mut [Entity], order: &[ProjectOrder]) {
    rows.sort_by(|a, b| {
        for o in order {
            let (pa, pb) = (project_attrs(a), project_attrs(b));
            let c = match o.field {
                ProjectOrderField::Name => by_key(
                    Some(text::fold(&a.node.name)),
                    Some(text::fold(&b.node.name)),
                    o.direction,
                ),
                ProjectOrderField::StartYear => by_key(
                    pa.and_then(|p| p.start_year),
                    pb.and_then(|p| p.start_year),
                    o.direction,
                ),
                ProjectOrderField::CompletionYear => by_key(
                    pa.and_then(|p| p.completion_year),
                    pb.and_then(|p| p.completion_year),
                    o.direction,
                ),
                ProjectOrderField::ValueUsd => by_key(
                    pa.and_then(|p| p.value_usd()),
                    pb.and_then(|p| p.value_usd()),
                    o.direction,
                ),
                ProjectOrderField::Id => by_key(Some(a.id()), Some(b.id()), o.direction),
            };
            if c != Ordering::Equal {
                return c;
            }
        }
        a.id().cmp(b.id())
    });
}

/// Narrows linked projects by a filter (evaluated once per batch of siblings) and orders them.
pub fn filter_and_sort(
    ctx: &Context<'_>,
    mut rows: Vec<Entity>,
    filter: Option<&ProjectFilter>,
    order: Option<&[ProjectOrder]>,
) -> ApiResult<Vec<Entity>> {
    if let Some(filter) = filter {
        let keep = Evaluator::new(store(ctx)).projects(filter)?;
        rows.retain(|e| keep.contains(e.id()));
    }
    sort_projects(&mut rows, order.unwrap_or(&[]));
    Ok(rows)
}

macro_rules! connection {
    ($(#[$doc:meta])* $conn:ident, $edge:ident, $node:ident) => {
        $(#[$doc])*
        #[derive(SimpleObject)]
        pub struct $conn {
            /// The rows of this page, each with its cursor.
            pub edges: Vec<$edge>,
            /// The nodes of this page without cursors: a shortcut for `edges { node }`.
            pub nodes: Vec<$node>,
            /// Where this page stands in the whole list.
            pub page_info: PageInfo,
            /// How many rows the whole list has, across all pages.
            pub total_count: i32,
        }

        /// One row of a connection: a node and the cursor that points at it.
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Opaque position of this row, for `after` and `before`.
            pub cursor: String,
            /// The node in this row.
            pub node: $node,
        }

        impl $conn {
            pub fn from_page(page: Page<Entity>) -> Self {
                let nodes = page.rows.iter().map(|(_, e)| $node(e.clone())).collect();
                $conn {
                    edges: page.rows.into_iter().map(|(cursor, e)| $edge { cursor, node: $node(e) }).collect(),
                    nodes,
                    page_info: page.info,
                    total_count: i32::try_from(page.total).unwrap_or(i32::MAX),
                }
            }

            pub fn of(rows: Vec<Entity>, args: PageArgs<'_>) -> ApiResult<Self> {
                Ok($conn::from_page(paginate(rows, |e| e.id(), args)?))
            }
        }
    };
}

connection!(
    /// A page of projects, with the total count of the whole list.
    ProjectConnection, ProjectEdge, Project
);
connection!(
    /// A page of enterprises, with the total count of the whole list.
    EnterpriseConnection, EnterpriseEdge, Enterprise
);
connection!(
    /// A page of zones, with the total count of the whole list.
    ZoneConnection, ZoneEdge, Zone
);
connection!(
    /// A page of countries, with the total count of the whole list.
    CountryConnection, CountryEdge, Country
);
connection!(
    /// A page of sectors, with the total count of the whole list.
    SectorConnection, SectorEdge, Sector
);
connection!(
    /// A page of frameworks, with the total count of the whole list.
    FrameworkConnection, FrameworkEdge, Framework
);
connection!(
    /// A page of indicators, with the total count of the whole list.
    IndicatorConnection, IndicatorEdge, Indicator
);
connection!(
    /// A page of sources, with the total count of the whole list.
    SourceConnection, SourceEdge, Source
);

/// What an edge between an enterprise and a project or zone says about it.
struct Participation {
    link: Link,
    cursor: String,
    /// The batch of the node the edge was read from, which holds the edge sources.
    near: Arc<Batch>,
}

impl Participation {
    fn roles(&self) -> Vec<Role> {
        self.link
            .edge
            .props
            .roles
            .iter()
            .map(|&r| r.into())
            .collect()
    }

    fn sources(&self) -> ApiResult<Vec<Source>> {
        source_objects(&self.near, &self.link.edge.props.sources)
    }
}

/// The roles a client asked for, as model roles.
fn wanted_roles(roles: Option<&[Role]>) -> Option<Vec<model::Role>> {
    roles.map(|r| r.iter().map(|&r| r.into()).collect())
}

/// Whether an edge's roles include one of `wanted` (any edge when `None`).
fn plays(edge: &EdgeRef, wanted: Option<&[model::Role]>) -> bool {
    wanted.is_none_or(|w| edge.props.roles.iter().any(|r| w.contains(r)))
}

fn participations(near: &Entity, page: Page<Link>) -> (Vec<Participation>, PageInfo, i32) {
    let total = i32::try_from(page.total).unwrap_or(i32::MAX);
    let rows = page
        .rows
        .into_iter()
        .map(|(cursor, link)| Participation {
            link,
            cursor,
            near: Arc::clone(&near.batch),
        })
        .collect();
    (rows, page.info, total)
}

/// A page of `e`'s neighbours of `kind` over `types`, in ID order, kept by `keep`, cut before
/// any neighbour is read (see [`Batch::page`]). `field` and `extra` name the field and any
/// argument besides the page's, so that siblings asking the same share one read.
#[allow(clippy::too_many_arguments)]
fn neighbour_page(
    e: &Entity,
    field: &str,
    types: &[Et],
    dir: Dir,
    kind: Kind,
    args: PageArgs<'_>,
    extra: String,
    keep: Option<&KeepEdge>,
) -> ApiResult<Page<Link>> {
    let key = format!(
        "{field}|{:?}|{:?}|{:?}|{:?}|{}|{extra}",
        args.first, args.after, args.last, args.before, args.max
    );
    // Nothing to filter, one edge type, paging forward: a range scan from the cursor reads the
    // page and nothing else.
    if let (None, [edge_type], None, None) = (keep, types, args.last, args.before) {
        return e
            .batch
            .id_order_page(e.id(), *edge_type, dir, kind, args, key);
    }
    let keep = keep.unwrap_or(&|_| Ok(true));
    e.batch.page(e.id(), types, dir, key, &|edges| {
        let mut rows = Vec::new();
        for edge in edges {
            if edge.other.kind() == kind && keep(&edge)? {
                rows.push(edge);
            }
        }
        rows.sort_by(|a, b| a.other.cmp(&b.other));
        rows.dedup_by(|a, b| a.other == b.other);
        paginate(rows, |edge| &edge.other, args)
    })
}

/// A test on one edge of a connection: whether its row is kept.
type KeepEdge<'k> = dyn Fn(&EdgeRef) -> ApiResult<bool> + 'k;

/// A page of `e`'s neighbours with nothing filtered out, as nodes.
fn whole_list_page(
    e: &Entity,
    field: &str,
    types: &[Et],
    dir: Dir,
    kind: Kind,
    args: PageArgs<'_>,
) -> ApiResult<Page<Entity>> {
    Ok(neighbour_page(e, field, types, dir, kind, args, String::new(), None)?.map(|l| l.entity))
}

/// A keep-test for [`neighbour_page`] from an optional project filter, evaluated at most once.
fn project_filter_test<'f>(
    ctx: &'f Context<'_>,
    filter: Option<&'f ProjectFilter>,
) -> impl Fn(&EdgeRef) -> ApiResult<bool> + 'f {
    let set: std::cell::RefCell<Option<super::filter::IdSet>> = std::cell::RefCell::new(None);
    move |edge: &EdgeRef| {
        let Some(filter) = filter else {
            return Ok(true);
        };
        if set.borrow().is_none() {
            *set.borrow_mut() = Some(Evaluator::new(store(ctx)).projects(filter)?);
        }
        Ok(set
            .borrow()
            .as_ref()
            .is_some_and(|s| s.contains(&edge.other)))
    }
}

macro_rules! participation_types {
    ($(#[$cdoc:meta])* $conn:ident, $(#[$edoc:meta])* $edge:ident, $node:ident) => {
        $(#[$cdoc])*
        #[derive(SimpleObject)]
        pub struct $conn {
            /// The rows of this page.
            pub edges: Vec<$edge>,
            /// Where this page stands in the whole list.
            pub page_info: PageInfo,
            /// How many rows the whole list has, across all pages.
            pub total_count: i32,
        }

        $(#[$edoc])*
        pub struct $edge(Participation);

        $(#[$edoc])*
        #[Object]
        impl $edge {
            /// Opaque position of this row, for `after`.
            async fn cursor(&self) -> &str {
                &self.0.cursor
            }
            /// The node at the other end.
            async fn node(&self) -> $node {
                $node(self.0.link.entity.clone())
            }
            /// The main role (the first one sources list).
            async fn role(&self) -> Option<Role> {
                self.0.roles().into_iter().next()
            }
            /// Every role the enterprise plays here.
            async fn roles(&self) -> Vec<Role> {
                self.0.roles()
            }
            /// Ownership share in percent, where sources give one.
            async fn share(&self) -> Option<f64> {
                self.0.link.edge.props.share
            }
            /// Year the involvement began, where known.
            async fn since(&self) -> Option<i32> {
                self.0.link.edge.props.since
            }
            /// Sources for this relationship.
            async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
                Ok(self.0.sources()?)
            }
        }

        impl $conn {
            fn from_page(near: &Entity, page: Page<Link>) -> Self {
                let (rows, page_info, total_count) = participations(near, page);
                $conn { edges: rows.into_iter().map($edge).collect(), page_info, total_count }
            }
        }
    };
}

participation_types!(
    /// The enterprises in a project, with their roles.
    ProjectEnterpriseConnection,
    /// An enterprise's part in a project.
    ProjectEnterpriseEdge,
    Enterprise
);
participation_types!(
    /// The projects of an enterprise, with its roles in each.
    EnterpriseProjectConnection,
    /// An enterprise's part in a project.
    EnterpriseProjectEdge,
    Project
);
participation_types!(
    /// The developers of a zone, with their roles.
    ZoneDeveloperConnection,
    /// An enterprise's part in developing a zone.
    ZoneDeveloperEdge,
    Enterprise
);

/// The sources `ids` names, read through `batch` (once for every source its siblings cite),
/// as API objects.
pub fn source_objects(batch: &Batch, ids: &[Id]) -> ApiResult<Vec<Source>> {
    let nodes = batch
        .sources(ids)?
        .into_iter()
        .map(|n| (*n).clone())
        .collect();
    Ok(Batch::entities(batch.store(), nodes)
        .into_iter()
        .map(Source)
        .collect())
}

/// A sum of money as a source states it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Money {
    /// The amount, in `currency`, in units (not millions).
    pub amount: f64,
    /// ISO 4217 currency code: USD, CNY, MYR, ...
    pub currency: String,
    /// The year the figure refers to.
    pub year: Option<i32>,
    /// The value in US dollars, only when a source states it (never converted by us).
    pub usd: Option<f64>,
    /// True when the source gives it as approximate, a bound or a range.
    pub approximate: bool,
    /// What the figure measures: "total cost", "China Exim loan", ...
    pub label: Option<String>,
    #[graphql(skip)]
    source_ids: Vec<Id>,
    #[graphql(skip)]
    batch: Arc<Batch>,
}

#[ComplexObject]
impl Money {
    /// Where the figure comes from.
    async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
        Ok(source_objects(&self.batch, &self.source_ids)?)
    }
}

/// A measured size: capacity, length, area, throughput.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Quantity {
    /// The number.
    pub value: f64,
    /// Its unit: MW, km, km2, GWh/yr, TEU, ...
    pub unit: String,
    /// True when the source gives it as approximate.
    pub approximate: bool,
    /// What is measured, or the figure as the source wrote it when converted.
    pub label: Option<String>,
    #[graphql(skip)]
    source_ids: Vec<Id>,
    #[graphql(skip)]
    batch: Arc<Batch>,
}

#[ComplexObject]
impl Quantity {
    /// Where the figure comes from.
    async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
        Ok(source_objects(&self.batch, &self.source_ids)?)
    }
}

fn money(m: &model::Money, batch: &Arc<Batch>) -> Money {
    Money {
        amount: m.amount,
        currency: m.currency.clone(),
        year: m.year,
        usd: m.usd,
        approximate: m.approximate,
        label: m.label.clone(),
        source_ids: m.sources.clone(),
        batch: Arc::clone(batch),
    }
}

fn quantity(q: &model::Quantity, batch: &Arc<Batch>) -> Quantity {
    Quantity {
        value: q.value,
        unit: q.unit.clone(),
        approximate: q.approximate,
        label: q.label.clone(),
        source_ids: q.sources.clone(),
        batch: Arc::clone(batch),
    }
}

/// A WGS84 point with its precision.
#[derive(SimpleObject)]
pub struct Location {
    /// Latitude in degrees, north positive.
    pub lat: f64,
    /// Longitude in degrees, east positive.
    pub lon: f64,
    /// How exactly the point pins down the place.
    pub precision: Precision,
}

fn location(l: &model::Location) -> Location {
    Location {
        lat: l.lat,
        lon: l.lon,
        precision: l.precision.into(),
    }
}

fn wrap<T>(links: Vec<Link>, f: impl Fn(Entity) -> T) -> Vec<T> {
    links.into_iter().map(|l| f(l.entity)).collect()
}

/// Declares a node object with the fields every kind shares, then its own.
/// The first two tokens are always `#[Object]`: passing the attribute in from the call site
/// keeps the variables async-graphql binds for `complexity` expressions in the caller's hygiene.
macro_rules! node_object {
    ($pound:tt $object:tt $(#[$doc:meta])* $name:ident { $($body:tt)* }) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(pub Entity);

        $(#[$doc])*
        $pound $object
        impl $name {
            /// The stable, globally unique ID, `kind:slug`.
            async fn id(&self) -> ID {
                ID(self.0.node.id.to_string())
            }
            /// Which kind of node this is.
            async fn kind(&self) -> NodeKind {
                self.0.node.kind().into()
            }
            /// The name people use in English (a source's title).
            async fn name(&self) -> String {
                self.0.node.name.clone()
            }
            /// Other names: abbreviations, former names, names in Chinese and other scripts.
            async fn aliases(&self) -> &[String] {
                &self.0.node.aliases
            }
            /// A sentence or two about it, in capgraph's own words.
            async fn description(&self) -> Option<&str> {
                self.0.node.description.as_deref()
            }
            /// Caveats: where sources disagree, or a claim is not independently confirmed.
            async fn notes(&self) -> &[String] {
                &self.0.node.notes
            }
            /// Sources for this node's facts.
            async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
                Ok(source_objects(&self.0.batch, &self.0.node.sources)?)
            }
            /// Indicators (sourced figures) about this node.
            async fn indicators(&self) -> async_graphql::Result<Vec<Indicator>> {
                Ok(wrap(self.0.batch.linked(self.0.id(), &[Et::About], Dir::In, Kind::Indicator)?, Indicator))
            }
            $($body)*
        }
    };
}

fn links(e: &Entity, types: &[Et], dir: Dir, kind: Kind) -> ApiResult<Vec<Link>> {
    e.batch.linked(e.id(), types, dir, kind)
}

node_object!(
    #[Object]
    /// A country: China or an ASEAN member state.
    Country {
        /// ISO 3166-1 alpha-2 code, e.g. `KH`.
        async fn code(&self) -> &str {
            self.0.id().slug()
        }
        /// ISO 3166-1 alpha-3 code, e.g. `KHM`.
        async fn alpha3(&self) -> Option<&str> {
            match &self.0.node.attrs { NodeAttrs::Country(c) => Some(c.alpha3.as_str()), _ => None }
        }
        /// Official long name.
        async fn official_name(&self) -> Option<&str> {
            match &self.0.node.attrs { NodeAttrs::Country(c) => c.official_name.as_deref(), _ => None }
        }
        /// Capital city, where sourced.
        async fn capital(&self) -> Option<&str> {
            match &self.0.node.attrs { NodeAttrs::Country(c) => c.capital.as_deref(), _ => None }
        }
        /// Whether the country is an ASEAN member.
        async fn asean_member(&self) -> bool {
            matches!(&self.0.node.attrs, NodeAttrs::Country(c) if c.asean_member)
        }
        /// When it joined ASEAN (YYYY, YYYY-MM or YYYY-MM-DD).
        async fn asean_joined(&self) -> Option<String> {
            match &self.0.node.attrs { NodeAttrs::Country(c) => c.asean_joined.as_ref().map(|d| d.to_string()), _ => None }
        }
        /// Projects hosted here, filtered and ordered as asked.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>, #[graphql(desc = "Keep only the projects this filter matches.")] filter: Option<ProjectFilter>, #[graphql(desc = "Sort order: entries apply in turn, ties broken by ID; ID order when absent.")] order_by: Option<Vec<ProjectOrder>>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>, #[graphql(desc = "Return at most this many rows from the end (at most the page size limit, 500 by default).")] last: Option<i32>, #[graphql(desc = "Stop before the row with this cursor (a `startCursor` from a previous page).")] before: Option<String>) -> async_graphql::Result<ProjectConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            if order_by.as_ref().is_none_or(Vec::is_empty) {
                let keep = project_filter_test(ctx, filter.as_ref());
                let keep = filter.as_ref().map(|_| &keep as &KeepEdge);
                let page = neighbour_page(&self.0, "Country.projects", &[Et::LocatedIn], Dir::In, Kind::Project, args, format!("{filter:?}"), keep)?;
                return Ok(ProjectConnection::from_page(page.map(|l| l.entity)));
            }
            // Any other order needs every candidate's attributes, so all of them are read.
            let rows = links(&self.0, &[Et::LocatedIn], Dir::In, Kind::Project)?.into_iter().map(|l| l.entity).collect();
            let rows = filter_and_sort(ctx, rows, filter.as_ref(), order_by.as_deref())?;
            Ok(ProjectConnection::of(rows, args)?)
        }
        /// Cooperation zones and industrial parks hosted here.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn zones(&self, ctx: &Context<'_>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<ZoneConnection> {
            Ok(ZoneConnection::from_page(whole_list_page(&self.0, "ZoneConnection:LocatedIn", &[Et::LocatedIn], Dir::In, Kind::Zone, PageArgs::forward(ctx, first, after.as_ref()))?))
        }
        /// Enterprises active here: taking part in a project or developing a zone hosted here.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn enterprises(&self, ctx: &Context<'_>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<EnterpriseConnection> {
            let mut rows: Vec<Entity> = Vec::new();
            for place in self.0.batch.links(self.0.id(), &[Et::LocatedIn], Dir::In)? {
                let place = &place.entity;
                for l in place.batch.links(place.id(), &[Et::ParticipatesIn, Et::Develops], Dir::In)? {
                    if !rows.iter().any(|e| e.id() == l.entity.id()) {
                        rows.push(l.entity);
                    }
                }
            }
            rows.sort_by(|a, b| a.id().cmp(b.id()));
            Ok(EnterpriseConnection::of(rows, PageArgs::forward(ctx, first, after.as_ref()))?)
        }
        /// Enterprises whose home country this is.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn headquartered_enterprises(&self, ctx: &Context<'_>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<EnterpriseConnection> {
            Ok(EnterpriseConnection::from_page(whole_list_page(&self.0, "EnterpriseConnection:HeadquarteredIn", &[Et::HeadquarteredIn], Dir::In, Kind::Enterprise, PageArgs::forward(ctx, first, after.as_ref()))?))
        }
        /// Frameworks the country belongs to (ASEAN, ACFTA, RCEP, Belt and Road, ...).
        async fn frameworks(&self) -> async_graphql::Result<Vec<Framework>> {
            Ok(wrap(links(&self.0, &[Et::MemberOf], Dir::Out, Kind::Framework)?, Framework))
        }
    }
);

node_object!(
    #[Object]
    /// A company, group or bank.
    Enterprise {
        /// Who owns it, as far as sources say.
        async fn ownership(&self) -> Option<Ownership> {
            match &self.0.node.attrs { NodeAttrs::Enterprise(e) => e.ownership.map(Into::into), _ => None }
        }
        /// Home country.
        async fn headquarters(&self) -> async_graphql::Result<Option<Country>> {
            Ok(wrap(links(&self.0, &[Et::HeadquarteredIn], Dir::Out, Kind::Country)?, Country).into_iter().next())
        }
        /// City of the head office, where sourced.
        async fn headquarters_city(&self) -> Option<&str> {
            match &self.0.node.attrs { NodeAttrs::Enterprise(e) => e.headquarters_city.as_deref(), _ => None }
        }
        /// The group this enterprise belongs to.
        async fn parent(&self) -> async_graphql::Result<Option<Enterprise>> {
            Ok(wrap(links(&self.0, &[Et::SubsidiaryOf], Dir::Out, Kind::Enterprise)?, Enterprise).into_iter().next())
        }
        /// The group at the top of the parent chain (itself when it has no parent).
        async fn ultimate_parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Enterprise> {
            let store = store(ctx);
            let mut current = self.0.id().clone();
            for _ in 0..16 {
                match store.neighbour_ids(&current, Et::SubsidiaryOf, Dir::Out)?.into_iter().next() {
                    Some(parent) => current = parent,
                    None => break,
                }
            }
            if current == *self.0.id() {
                return Ok(self.clone());
            }
            let ultimate = Batch::load(store, &[current])?.pop();
            Ok(Enterprise(ultimate.ok_or_else(|| ApiError::internal("a parent enterprise is missing"))?))
        }
        /// Enterprises directly below this one.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn subsidiaries(&self, ctx: &Context<'_>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<EnterpriseConnection> {
            Ok(EnterpriseConnection::from_page(whole_list_page(&self.0, "EnterpriseConnection:SubsidiaryOf", &[Et::SubsidiaryOf], Dir::In, Kind::Enterprise, PageArgs::forward(ctx, first, after.as_ref()))?))
        }
        /// Projects the enterprise takes part in, with its roles; `includeSubsidiaries` adds
        /// those of every enterprise below it.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>, #[graphql(desc = "Keep only rows where the enterprise plays one of these roles.")] role: Option<Vec<Role>>, #[graphql(desc = "Keep only the projects this filter matches.")] filter: Option<ProjectFilter>, #[graphql(default, desc = "Also list the projects of every enterprise below this one in its group.")] include_subsidiaries: bool, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<EnterpriseProjectConnection> {
            let store = store(ctx);
            let args = PageArgs::forward(ctx, first, after.as_ref());
            let roles = wanted_roles(role.as_deref());
            if !include_subsidiaries {
                let in_filter = project_filter_test(ctx, filter.as_ref());
                let keep = |edge: &EdgeRef| Ok(plays(edge, roles.as_deref()) && in_filter(edge)?);
                let extra = format!("{roles:?}|{filter:?}");
                let keep = (roles.is_some() || filter.is_some()).then_some(&keep as &KeepEdge);
                let page = neighbour_page(&self.0, "Enterprise.projects", &[Et::ParticipatesIn], Dir::Out, Kind::Project, args, extra, keep)?;
                return Ok(EnterpriseProjectConnection::from_page(&self.0, page));
            }
            // A group's projects come from several enterprises' edges, so they are read whole.
            let mut all = links(&self.0, &[Et::ParticipatesIn], Dir::Out, Kind::Project)?;
            {
                let below = Evaluator::new(store).with_descendants(std::slice::from_ref(self.0.id()), Et::SubsidiaryOf)?;
                let others: Vec<Id> = below.into_iter().filter(|id| id != self.0.id()).collect();
                for sub in Batch::load(store, &others)? {
                    for l in sub.batch.linked(sub.id(), &[Et::ParticipatesIn], Dir::Out, Kind::Project)? {
                        if !all.iter().any(|a| a.entity.id() == l.entity.id()) {
                            all.push(l);
                        }
                    }
                }
            }
            if let Some(filter) = &filter {
                let keep = Evaluator::new(store).projects(filter)?;
                all.retain(|l| keep.contains(l.entity.id()));
            }
            all.retain(|l| plays(&l.edge, roles.as_deref()));
            all.sort_by(|a, b| a.entity.id().cmp(b.entity.id()));
            let page = paginate(all, |l| l.entity.id(), args)?;
            Ok(EnterpriseProjectConnection::from_page(&self.0, page))
        }
        /// Zones the enterprise develops.
        async fn zones(&self) -> async_graphql::Result<Vec<Zone>> {
            Ok(wrap(links(&self.0, &[Et::Develops], Dir::Out, Kind::Zone)?, Zone))
        }
        /// Sectors the enterprise works in.
        async fn sectors(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(wrap(links(&self.0, &[Et::InSector], Dir::Out, Kind::Sector)?, Sector))
        }
        /// Countries where it takes part in projects or develops zones.
        async fn countries(&self) -> async_graphql::Result<Vec<Country>> {
            let mut found: Vec<Entity> = Vec::new();
            for place in self.0.batch.links(self.0.id(), &[Et::ParticipatesIn, Et::Develops], Dir::Out)? {
                let place = &place.entity;
                for l in place.batch.linked(place.id(), &[Et::LocatedIn], Dir::Out, Kind::Country)? {
                    if !found.iter().any(|e| e.id() == l.entity.id()) {
                        found.push(l.entity);
                    }
                }
            }
            found.sort_by(|a, b| a.id().cmp(b.id()));
            Ok(found.into_iter().map(Country).collect())
        }
    }
);

node_object!(
    #[Object]
    /// A project: a bridge, railway, power plant, network, mine, factory, ...
    Project {
        /// Where it stands, as of its newest source.
        async fn status(&self) -> Option<ProjectStatus> {
            project_attrs(&self.0).map(|p| p.status.into())
        }
        /// Year construction (or the investment) started.
        async fn start_year(&self) -> Option<i32> {
            project_attrs(&self.0).and_then(|p| p.start_year)
        }
        /// Year it was completed or opened.
        async fn completion_year(&self) -> Option<i32> {
            project_attrs(&self.0).and_then(|p| p.completion_year)
        }
        /// Every sourced figure of its cost or finance, headline first; sources may disagree.
        async fn value(&self) -> Vec<Money> {
            project_attrs(&self.0).map(|p| p.value.iter().map(|m| money(m, &self.0.batch)).collect()).unwrap_or_default()
        }
        /// The headline value in US dollars: the first figure a source states in USD.
        async fn value_usd(&self) -> Option<f64> {
            project_attrs(&self.0).and_then(|p| p.value_usd())
        }
        /// Capacity and size figures (MW, km, ...).
        async fn capacity(&self) -> Vec<Quantity> {
            project_attrs(&self.0).map(|p| p.capacity.iter().map(|q| quantity(q, &self.0.batch)).collect()).unwrap_or_default()
        }
        /// Where it is, when sources give coordinates.
        async fn location(&self) -> Option<Location> {
            project_attrs(&self.0).and_then(|p| p.location.as_ref()).map(location)
        }
        /// Host countries.
        async fn host_countries(&self) -> async_graphql::Result<Vec<Country>> {
            Ok(wrap(links(&self.0, &[Et::LocatedIn], Dir::Out, Kind::Country)?, Country))
        }
        /// Sectors, most specific first as listed.
        async fn sectors(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(wrap(links(&self.0, &[Et::InSector], Dir::Out, Kind::Sector)?, Sector))
        }
        /// Frameworks a source ties the project to.
        async fn frameworks(&self) -> async_graphql::Result<Vec<Framework>> {
            Ok(wrap(links(&self.0, &[Et::AlignedWith], Dir::Out, Kind::Framework)?, Framework))
        }
        /// The cooperation zone it lies in, if any.
        async fn zone(&self) -> async_graphql::Result<Option<Zone>> {
            Ok(wrap(links(&self.0, &[Et::InZone], Dir::Out, Kind::Zone)?, Zone).into_iter().next())
        }
        /// Enterprises taking part, with their roles; `role` keeps only those playing one of them.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn enterprises(&self, ctx: &Context<'_>, #[graphql(desc = "Keep only rows where the enterprise plays one of these roles.")] role: Option<Vec<Role>>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<ProjectEnterpriseConnection> {
            let args = PageArgs::forward(ctx, first, after.as_ref());
            let roles = wanted_roles(role.as_deref());
            let keep = |edge: &EdgeRef| Ok(plays(edge, roles.as_deref()));
            let keep = roles.is_some().then_some(&keep as &KeepEdge);
            let page = neighbour_page(&self.0, "Project.enterprises", &[Et::ParticipatesIn], Dir::In, Kind::Enterprise, args, format!("{roles:?}"), keep)?;
            Ok(ProjectEnterpriseConnection::from_page(&self.0, page))
        }
    }
);

node_object!(
    #[Object]
    /// An economic sector. Three tiers (infrastructure, traditional, emerging industries) with
    /// sub-sectors beneath them.
    Sector {
        /// The tier this sector belongs to.
        async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SectorTier>> {
            Ok(tier_of(store(ctx), self.0.id())?)
        }
        /// The broader sector; null for a tier.
        async fn parent(&self) -> async_graphql::Result<Option<Sector>> {
            Ok(wrap(links(&self.0, &[Et::SubsectorOf], Dir::Out, Kind::Sector)?, Sector).into_iter().next())
        }
        /// Sectors directly beneath this one.
        async fn children(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(wrap(links(&self.0, &[Et::SubsectorOf], Dir::In, Kind::Sector)?, Sector))
        }
        /// Projects in this sector and, unless `includeSubsectors` is false, in its sub-sectors.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>, #[graphql(default = true, desc = "Include the projects of sub-sectors (true by default).")] include_subsectors: bool, #[graphql(desc = "Keep only the projects this filter matches.")] filter: Option<ProjectFilter>, #[graphql(desc = "Sort order: entries apply in turn, ties broken by ID; ID order when absent.")] order_by: Option<Vec<ProjectOrder>>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>, #[graphql(desc = "Return at most this many rows from the end (at most the page size limit, 500 by default).")] last: Option<i32>, #[graphql(desc = "Stop before the row with this cursor (a `startCursor` from a previous page).")] before: Option<String>) -> async_graphql::Result<ProjectConnection> {
            let store = store(ctx);
            let sectors = if include_subsectors {
                Evaluator::new(store).with_descendants(std::slice::from_ref(self.0.id()), Et::SubsectorOf)?
            } else {
                vec![self.0.id().clone()]
            };
            let mut ids: Vec<Id> = Vec::new();
            for (_, edges) in store.edges_of_many(&sectors, Some(&[Et::InSector]), Dir::In)? {
                ids.extend(edges.into_iter().map(|e| e.other).filter(|id| id.kind() == Kind::Project));
            }
            ids.sort();
            ids.dedup();
            let rows = filter_and_sort(ctx, Batch::load(store, &ids)?, filter.as_ref(), order_by.as_deref())?;
            Ok(ProjectConnection::of(rows, PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref()))?)
        }
        /// Enterprises working in this sector.
        async fn enterprises(&self) -> async_graphql::Result<Vec<Enterprise>> {
            Ok(wrap(links(&self.0, &[Et::InSector], Dir::In, Kind::Enterprise)?, Enterprise))
        }
        /// Zones focused on this sector.
        async fn zones(&self) -> async_graphql::Result<Vec<Zone>> {
            Ok(wrap(links(&self.0, &[Et::InSector], Dir::In, Kind::Zone)?, Zone))
        }
    }
);

fn zone_attrs(e: &Entity) -> Option<&model::ZoneAttrs> {
    match &e.node.attrs {
        NodeAttrs::Zone(z) => Some(z),
        _ => None,
    }
}

node_object!(
    #[Object]
    /// An overseas economic and trade cooperation zone, industrial park or special economic zone.
    Zone {
        /// Host country.
        async fn country(&self) -> async_graphql::Result<Option<Country>> {
            Ok(wrap(links(&self.0, &[Et::LocatedIn], Dir::Out, Kind::Country)?, Country).into_iter().next())
        }
        /// What sort of zone it is.
        async fn zone_kind(&self) -> Option<ZoneKind> {
            zone_attrs(&self.0).and_then(|z| z.zone_kind).map(Into::into)
        }
        /// Whether China's commerce ministry accredits it as a national-level overseas
        /// cooperation zone (null when sources do not say).
        async fn national_level(&self) -> Option<bool> {
            zone_attrs(&self.0).and_then(|z| z.national_level)
        }
        /// Year established.
        async fn established(&self) -> Option<i32> {
            zone_attrs(&self.0).and_then(|z| z.established)
        }
        /// Where it stands, as of its newest source.
        async fn status(&self) -> Option<ProjectStatus> {
            zone_attrs(&self.0).map(|z| z.status.into())
        }
        /// Area in square kilometres, with the figure as sourced.
        async fn area_km2(&self) -> Option<Quantity> {
            zone_attrs(&self.0).and_then(|z| z.area_km2.as_ref()).map(|q| quantity(q, &self.0.batch))
        }
        /// Where it is, when sources give coordinates.
        async fn location(&self) -> Option<Location> {
            zone_attrs(&self.0).and_then(|z| z.location.as_ref()).map(location)
        }
        /// Enterprises developing the zone, with their roles.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn developers(&self, ctx: &Context<'_>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<ZoneDeveloperConnection> {
            let args = PageArgs::forward(ctx, first, after.as_ref());
            let page = neighbour_page(&self.0, "Zone.developers", &[Et::Develops], Dir::In, Kind::Enterprise, args, String::new(), None)?;
            Ok(ZoneDeveloperConnection::from_page(&self.0, page))
        }
        /// Projects inside the zone.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<ProjectConnection> {
            Ok(ProjectConnection::from_page(whole_list_page(&self.0, "ProjectConnection:InZone", &[Et::InZone], Dir::In, Kind::Project, PageArgs::forward(ctx, first, after.as_ref()))?))
        }
        /// Sectors the zone focuses on.
        async fn sectors(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(wrap(links(&self.0, &[Et::InSector], Dir::Out, Kind::Sector)?, Sector))
        }
    }
);

node_object!(
    #[Object]
    /// An initiative, agreement, blueprint, plan, mechanism or organisation.
    Framework {
        /// What sort of framework it is.
        async fn framework_kind(&self) -> Option<FrameworkKind> {
            match &self.0.node.attrs { NodeAttrs::Framework(f) => f.framework_kind.map(Into::into), _ => None }
        }
        /// When it was launched, signed or adopted.
        async fn launched(&self) -> Option<String> {
            match &self.0.node.attrs { NodeAttrs::Framework(f) => f.launched.as_ref().map(|d| d.to_string()), _ => None }
        }
        /// Member countries.
        async fn members(&self) -> async_graphql::Result<Vec<Country>> {
            Ok(wrap(links(&self.0, &[Et::MemberOf], Dir::In, Kind::Country)?, Country))
        }
        /// Projects a source ties to this framework.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>, #[graphql(desc = "Return at most this many rows from the start (at most the page size limit, 500 by default; 50 when neither `first` nor `last` is given).")] first: Option<i32>, #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous page).")] after: Option<String>) -> async_graphql::Result<ProjectConnection> {
            Ok(ProjectConnection::from_page(whole_list_page(&self.0, "ProjectConnection:AlignedWith", &[Et::AlignedWith], Dir::In, Kind::Project, PageArgs::forward(ctx, first, after.as_ref()))?))
        }
    }
);

fn indicator_attrs(e: &Entity) -> Option<&model::IndicatorAttrs> {
    match &e.node.attrs {
        NodeAttrs::Indicator(i) => Some(i),
        _ => None,
    }
}

node_object!(
    #[Object]
    /// A sourced figure, such as the number of Chinese cooperation zones in ASEAN.
    Indicator {
        /// The figure.
        async fn value(&self) -> Option<f64> {
            indicator_attrs(&self.0).and_then(|i| i.value)
        }
        /// Its unit: USD, zones, companies, years, ...
        async fn unit(&self) -> Option<&str> {
            indicator_attrs(&self.0).and_then(|i| i.unit.as_deref())
        }
        /// The date the figure refers to.
        async fn as_of(&self) -> Option<String> {
            indicator_attrs(&self.0).and_then(|i| i.as_of.as_ref()).map(|d| d.to_string())
        }
        /// What the figure covers.
        async fn scope(&self) -> Option<&str> {
            indicator_attrs(&self.0).and_then(|i| i.scope.as_deref())
        }
        /// True when the figure is approximate or a bound.
        async fn approximate(&self) -> bool {
            indicator_attrs(&self.0).is_some_and(|i| i.approximate)
        }
        /// The nodes the figure is about.
        async fn about(&self) -> async_graphql::Result<Vec<NodeIface>> {
            Ok(self.0.batch.links(self.0.id(), &[Et::About], Dir::Out)?.into_iter().map(|l| l.entity.into()).collect())
        }
    }
);

fn source_attrs(e: &Entity) -> Option<&model::SourceAttrs> {
    match &e.node.attrs {
        NodeAttrs::Source(s) => Some(s),
        _ => None,
    }
}

node_object!(
    #[Object]
    /// A publication, dataset or web page that facts come from.
    Source {
        /// Title of the article, page or dataset.
        async fn title(&self) -> &str {
            source_attrs(&self.0).map_or("", |s| s.title.as_str())
        }
        /// Who published it.
        async fn publisher(&self) -> Option<&str> {
            source_attrs(&self.0).and_then(|s| s.publisher.as_deref())
        }
        /// Publication date (YYYY, YYYY-MM or YYYY-MM-DD).
        async fn date(&self) -> Option<String> {
            source_attrs(&self.0).and_then(|s| s.date.as_ref()).map(|d| d.to_string())
        }
        /// Where it was read.
        async fn url(&self) -> Option<&str> {
            source_attrs(&self.0).and_then(|s| s.url.as_deref())
        }
    }
);
