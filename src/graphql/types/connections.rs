//! Connection types (Relay pages of nodes, and of enterprises with their roles) and the
//! helpers that cut a page of neighbours before any of them is read.

use super::*;

macro_rules! connection {
    ($(#[$doc:meta])* $conn:ident, $edge:ident, $node:ident) => {
        $(#[$doc])*
        #[derive(SimpleObject)]
        #[graphql(serial)]
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

        /// One row of a connection: its node, and the ID its cursor is made from when a client
        /// asks for it.
        pub struct $edge {
            position: Id,
            node: $node,
        }

        /// One row of a connection: a node and the cursor that points at it.
        #[Object(serial)]
        impl $edge {
            /// Opaque position of this row, for `after` and `before`.
            async fn cursor(&self) -> String {
                cursor(&self.position)
            }
            /// The node in this row.
            async fn node(&self) -> &$node {
                &self.node
            }
        }

        impl $conn {
            pub fn from_page(page: Page<Entity>) -> Self {
                let nodes = page.rows.iter().map(|(_, e)| $node(e.clone())).collect();
                $conn {
                    edges: page.rows.into_iter().map(|(position, e)| $edge { position, node: $node(e) }).collect(),
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

/// What an edge between an enterprise and a project or zone says about it: one row of a page
/// that its connection's rows share.
pub(super) struct Participation {
    page: Arc<Page<Link>>,
    row: usize,
    /// The batch of the node the edge was read from, which holds the edge sources.
    near: Arc<Batch>,
}

impl Participation {
    /// The ID the row's cursor is made from.
    fn position(&self) -> &Id {
        &self.page.rows[self.row].0
    }

    fn link(&self) -> &Link {
        &self.page.rows[self.row].1
    }

    fn roles(&self) -> Vec<Role> {
        self.link()
            .edge
            .props
            .roles
            .iter()
            .map(|&r| r.into())
            .collect()
    }

    fn sources(&self) -> ApiResult<Vec<Source>> {
        source_objects(&self.near, &self.link().edge.props.sources)
    }
}

/// The roles a client asked for, as model roles.
pub(super) fn wanted_roles(roles: Option<&[Role]>) -> Option<Vec<model::Role>> {
    roles.map(|r| r.iter().map(|&r| r.into()).collect())
}

/// Whether an edge's roles include one of `wanted` (any edge when `None`).
pub(super) fn plays(edge: &EdgeRef, wanted: Option<&[model::Role]>) -> bool {
    wanted.is_none_or(|w| edge.props.roles.iter().any(|r| w.contains(r)))
}

pub(super) fn participations(
    near: &Entity,
    page: Arc<Page<Link>>,
) -> (Vec<Participation>, PageInfo, i32) {
    let total = i32::try_from(page.total).unwrap_or(i32::MAX);
    let rows = (0..page.rows.len())
        .map(|row| Participation {
            page: Arc::clone(&page),
            row,
            near: Arc::clone(&near.batch),
        })
        .collect();
    (rows, page.info.clone(), total)
}

/// A page of `e`'s neighbours of `kind` over `types`, in ID order, as many as `kept` keeps,
/// cut before any neighbour is read (see [`Batch::page`]). Siblings asking for the same page
/// share one read, since the cache key is everything that decides the page.
pub(super) fn neighbour_page(
    e: &Entity,
    types: &[Et],
    dir: Dir,
    kind: Kind,
    args: PageArgs<'_>,
    kept: Kept,
) -> ApiResult<Arc<Page<Link>>> {
    let key = PageKey {
        types: types.to_vec(),
        direction: dir,
        kind,
        kept,
        first: args.first,
        after: args.after.map(str::to_owned),
        last: args.last,
        before: args.before.map(str::to_owned),
        max: args.max,
    };
    // Nothing to filter, one edge type, paging forward: a range scan from the cursor reads the
    // page and nothing else.
    if let (true, [edge_type], None, None) =
        (key.kept == Kept::default(), types, args.last, args.before)
    {
        return e
            .batch
            .id_order_page(e.id(), *edge_type, dir, kind, args, key);
    }
    let kept = key.kept.clone();
    let in_filter = project_filter_test(e.batch.store(), kept.projects.as_ref());
    e.batch.page(e.id(), types, dir, key, &|edges| {
        let mut rows = Vec::new();
        for edge in edges {
            if edge.other.kind() == kind && plays(&edge, kept.roles.as_deref()) && in_filter(&edge)?
            {
                rows.push(edge);
            }
        }
        rows.sort_by(|a, b| a.other.cmp(&b.other));
        rows.dedup_by(|a, b| a.other == b.other);
        paginate(rows, |edge| &edge.other, args)
    })
}

/// A page of `e`'s neighbours with nothing filtered out, as nodes.
pub(super) fn whole_list_page(
    e: &Entity,
    types: &[Et],
    dir: Dir,
    kind: Kind,
    args: PageArgs<'_>,
) -> ApiResult<Page<Entity>> {
    Ok(neighbour_page(e, types, dir, kind, args, Kept::default())?.map_ref(|l| l.entity.clone()))
}

/// A keep-test from an optional project filter, evaluated at most once.
fn project_filter_test<'f>(
    store: &'f Store,
    filter: Option<&'f ProjectFilter>,
) -> impl Fn(&EdgeRef) -> ApiResult<bool> + 'f {
    let set: std::cell::RefCell<Option<crate::graphql::filter::IdSet>> =
        std::cell::RefCell::new(None);
    move |edge: &EdgeRef| {
        let Some(filter) = filter else {
            return Ok(true);
        };
        if set.borrow().is_none() {
            *set.borrow_mut() = Some(Evaluator::new(store).projects(filter)?);
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
        #[graphql(serial)]
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
        #[Object(serial)]
        impl $edge {
            /// Opaque position of this row, for `after`.
            async fn cursor(&self) -> String {
                cursor(self.0.position())
            }
            /// The node at the other end.
            async fn node(&self) -> $node {
                $node(self.0.link().entity.clone())
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
                self.0.link().edge.props.share
            }
            /// Year the involvement began, where known.
            async fn since(&self) -> Option<i32> {
                self.0.link().edge.props.since
            }
            /// Sources for this relationship.
            async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
                Ok(self.0.sources()?)
            }
        }

        impl $conn {
            pub(super) fn from_page(near: &Entity, page: Arc<Page<Link>>) -> Self {
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
