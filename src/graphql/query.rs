//! The root `Query` type: lookups by ID, one connection per kind, and (in sibling modules)
//! search, graph questions and aggregates, merged into one root.

// Resolver arguments are the schema's arguments: a Relay connection with a filter and an
// ordering has more than clippy's seven, and bundling them would only hide that.
#![allow(clippy::too_many_arguments)]

use async_graphql::{Context, MergedObject, Object, SimpleObject, ID};

use super::aggregate::AggregateQuery;
use super::connection::{
    decode_cursor, page_cost, paged_object, paginate, PageArgs, PageInfo, DEFAULT_PAGE,
};
use super::entity::{Batch, Entity};
use super::enums::{NodeKind, SectorTier};
use super::error::{ApiError, ApiResult};
use super::filter::{parse_id, resolve_country, tier_of, EnterpriseFilter, Evaluator, ZoneFilter};
use super::graph::GraphQuery;
use super::search::SearchQuery;
use super::types::*;
use crate::model::{Id, Kind, NodeAttrs};

/// Every query capgraph answers.
#[derive(MergedObject, Default)]
pub struct Query(
    LookupQuery,
    ListQuery,
    SearchQuery,
    GraphQuery,
    AggregateQuery,
    DatasetQuery,
);

/// Lookups of single nodes.
#[derive(Default)]
pub struct LookupQuery;

fn one(ctx: &Context<'_>, raw: &str, kind: Option<Kind>) -> ApiResult<Option<Entity>> {
    let id = parse_id(raw, kind)?;
    Ok(Batch::load(store(ctx), &[id])?.pop())
}

#[Object(serial)]
impl LookupQuery {
    /// Any node by its ID (`project:suramadu-bridge`, `country:KH`, ...); null when none has it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Any node's ID, e.g. `project:suramadu-bridge` or `country:KH`.")] id: ID,
    ) -> async_graphql::Result<Option<NodeIface>> {
        Ok(one(ctx, &id, None)?.map(Into::into))
    }

    /// Several nodes by ID in one call, in the order asked; null for IDs that match nothing.
    #[graphql(complexity = "ids.len() * child_complexity + 1")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The IDs to look up, at most the page size limit (500 by default).")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<NodeIface>>> {
        let max = super::connection::max_page(ctx);
        if ids.len() > usize::try_from(max).unwrap_or(0) {
            return Err(ApiError::LimitExceeded(format!(
                "`ids` has {} entries, over the page size limit of {max}",
                ids.len()
            ))
            .into());
        }
        let parsed: Vec<Id> = ids
            .iter()
            .map(|raw| parse_id(raw, None))
            .collect::<ApiResult<_>>()?;
        let found = Batch::load(store(ctx), &parsed)?;
        Ok(parsed
            .iter()
            .map(|id| found.iter().find(|e| e.id() == id).cloned().map(Into::into))
            .collect())
    }

    /// A country by ISO alpha-2 or alpha-3 code in any case (`KH`, `khm`) or by ID.
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "An ISO 3166-1 alpha-2 or alpha-3 code in any case (`KH`, `khm`), or a `country:` ID."
        )]
        code: String,
    ) -> async_graphql::Result<Option<Country>> {
        let store = store(ctx);
        Ok(match resolve_country(store, &code)? {
            Some(id) => Batch::load(store, &[id])?.pop().map(Country),
            None => None,
        })
    }

    /// A project by ID.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID, e.g. `project:suramadu-bridge`.")] id: ID,
    ) -> async_graphql::Result<Option<Project>> {
        Ok(one(ctx, &id, Some(Kind::Project))?.map(Project))
    }

    /// An enterprise by ID.
    async fn enterprise(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID, e.g. `enterprise:cccc`.")] id: ID,
    ) -> async_graphql::Result<Option<Enterprise>> {
        Ok(one(ctx, &id, Some(Kind::Enterprise))?.map(Enterprise))
    }

    /// A sector by ID.
    async fn sector(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID, e.g. `sector:hydropower`.")] id: ID,
    ) -> async_graphql::Result<Option<Sector>> {
        Ok(one(ctx, &id, Some(Kind::Sector))?.map(Sector))
    }

    /// A zone by ID.
    async fn zone(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID, e.g. `zone:sihanoukville-sez`.")] id: ID,
    ) -> async_graphql::Result<Option<Zone>> {
        Ok(one(ctx, &id, Some(Kind::Zone))?.map(Zone))
    }

    /// A framework by ID.
    async fn framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID, e.g. `framework:belt-and-road`.")] id: ID,
    ) -> async_graphql::Result<Option<Framework>> {
        Ok(one(ctx, &id, Some(Kind::Framework))?.map(Framework))
    }

    /// An indicator by ID.
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID, e.g. `indicator:asean-cooperation-zones`.")] id: ID,
    ) -> async_graphql::Result<Option<Indicator>> {
        Ok(one(ctx, &id, Some(Kind::Indicator))?.map(Indicator))
    }

    /// A source by ID.
    async fn source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID, e.g. `source:capacity-cooperation-2017`.")] id: ID,
    ) -> async_graphql::Result<Option<Source>> {
        Ok(one(ctx, &id, Some(Kind::Source))?.map(Source))
    }
}

/// One connection per kind.
#[derive(Default)]
pub struct ListQuery;

/// Every node of a kind whose ID is in `keep` (all when `None`), in ID order, read at once.
fn all_of(
    ctx: &Context<'_>,
    kind: Kind,
    keep: Option<&std::collections::BTreeSet<Id>>,
) -> ApiResult<Vec<Entity>> {
    let store = store(ctx);
    let ids: Vec<Id> = match keep {
        Some(keep) => keep
            .iter()
            .filter(|id| id.kind() == kind)
            .cloned()
            .collect(),
        None => store.ids_of_kind(kind)?,
    };
    Batch::load(store, &ids)
}

/// A page of a kind in ID order, read straight from the store without loading the rest.
fn id_ordered_page(ctx: &Context<'_>, kind: Kind, args: PageArgs<'_>) -> ApiResult<Page> {
    let store = store(ctx);
    if args.last.is_none() && args.before.is_none() {
        // Forward paging in ID order is a range scan from the cursor: its cost is the page's,
        // not the graph's.
        args.check_size("first", args.first)?;
        let size = usize::try_from(args.first.unwrap_or(DEFAULT_PAGE)).unwrap_or(0);
        let after = match args.after {
            Some(cursor) => {
                let id = decode_cursor("after", cursor)?;
                if id.kind() != kind || store.node(&id)?.is_none() {
                    return Err(ApiError::BadUserInput(
                        "`after` names a row that is not in this list (was the filter or ordering \
                         changed?)"
                            .into(),
                    ));
                }
                Some(id)
            }
            None => None,
        };
        let mut nodes = store
            .scan_kind(kind, after.as_ref())
            .take(size + 1)
            .collect::<Result<Vec<_>, _>>()?;
        let has_next_page = nodes.len() > size;
        nodes.truncate(size);
        let nodes = nodes.into_iter().map(std::sync::Arc::new).collect();
        let rows: Vec<(Id, Entity)> = Batch::entities(store, nodes)
            .into_iter()
            .map(|e| (e.id().clone(), e))
            .collect();
        let info = PageInfo::of(&rows, after.is_some(), has_next_page);
        let total = usize::try_from(store.meta().count_of(kind)).unwrap_or(usize::MAX);
        return Ok(Page { rows, info, total });
    }
    let ids = store.ids_of_kind(kind)?;
    let page = paginate(ids, |id| id, args)?;
    let wanted: Vec<Id> = page.rows.iter().map(|(_, id)| id.clone()).collect();
    let entities = Batch::load(store, &wanted)?;
    Ok(page.map(|id| {
        entities
            .iter()
            .find(|e| *e.id() == id)
            .cloned()
            .expect("ids listed by the store exist")
    }))
}

type Page = super::connection::Page<Entity>;

paged_object! {
    #[Object(serial)]
    impl ListQuery {
        /// Projects, filtered and ordered as asked (ID order by default).
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn projects(
            &self,
            ctx: &Context<'_>
        ) [first, after, last, before; filter, order_by] -> async_graphql::Result<ProjectConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            if filter.is_none() && order_by.as_ref().is_none_or(Vec::is_empty) {
                return Ok(ProjectConnection::from_page(id_ordered_page(
                    ctx,
                    Kind::Project,
                    args,
                )?));
            }
            let order = order_by.as_deref().unwrap_or(&[]);
            if let Some(page) =
                super::plan::indexed_projects(store(ctx), filter.as_ref(), order, args)?
            {
                return Ok(ProjectConnection::from_page(page));
            }
            let keep = filter
                .as_ref()
                .map(|f| Evaluator::new(store(ctx)).projects(f))
                .transpose()?;
            let rows = all_of(ctx, Kind::Project, keep.as_ref())?;
            super::plan::log_fallback(Kind::Project, rows.len());
            let rows = sort_projects(rows, order)?;
            Ok(ProjectConnection::of(rows, args)?)
        }

        /// Enterprises, filtered as asked, in ID order.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn enterprises(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Keep only the enterprises this filter matches.")] filter: Option<
                EnterpriseFilter,
            >
        ) [first, after, last, before] -> async_graphql::Result<EnterpriseConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            let Some(filter) = filter else {
                return Ok(EnterpriseConnection::from_page(id_ordered_page(
                    ctx,
                    Kind::Enterprise,
                    args,
                )?));
            };
            let keep = Evaluator::new(store(ctx)).enterprises(&filter)?;
            Ok(EnterpriseConnection::of(
                all_of(ctx, Kind::Enterprise, Some(&keep))?,
                args,
            )?)
        }

        /// Zones, filtered as asked, in ID order.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn zones(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Keep only the zones this filter matches.")] filter: Option<
                ZoneFilter,
            >
        ) [first, after, last, before] -> async_graphql::Result<ZoneConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            let Some(filter) = filter else {
                return Ok(ZoneConnection::from_page(id_ordered_page(
                    ctx,
                    Kind::Zone,
                    args,
                )?));
            };
            let keep = Evaluator::new(store(ctx)).zones(&filter)?;
            Ok(ZoneConnection::of(
                all_of(ctx, Kind::Zone, Some(&keep))?,
                args,
            )?)
        }

        /// Countries in ID order; `aseanMember` keeps members (true) or the others (false).
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn countries(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "True for ASEAN members only, false for the others.")]
            asean_member: Option<bool>
        ) [first, after, last, before] -> async_graphql::Result<CountryConnection> {
            let mut rows = all_of(ctx, Kind::Country, None)?;
            if let Some(wanted) = asean_member {
                let mut members = Vec::with_capacity(rows.len());
                for e in rows {
                    if matches!(&e.node()?.attrs, NodeAttrs::Country(c) if c.asean_member == wanted) {
                        members.push(e);
                    }
                }
                rows = members;
            }
            Ok(CountryConnection::of(
                rows,
                PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref()),
            )?)
        }

        /// Sectors in ID order; `tier` keeps the sectors of those tiers, `topLevel` only the tiers.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn sectors(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Keep the sectors of these tiers.")] tier: Option<Vec<SectorTier>>,
            #[graphql(desc = "True for the three tiers only, false for the sectors beneath them.")]
            top_level: Option<bool>
        ) [first, after, last, before] -> async_graphql::Result<SectorConnection> {
            let store = store(ctx);
            let mut rows = Vec::new();
            for e in all_of(ctx, Kind::Sector, None)? {
                let is_tier = SectorTier::from_root(e.id()).is_some();
                if top_level.is_some_and(|t| t != is_tier) {
                    continue;
                }
                if let Some(tiers) = &tier {
                    if !tier_of(store, e.id())?.is_some_and(|t| tiers.contains(&t)) {
                        continue;
                    }
                }
                rows.push(e);
            }
            Ok(SectorConnection::of(
                rows,
                PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref()),
            )?)
        }

        /// Frameworks in ID order.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn frameworks(
            &self,
            ctx: &Context<'_>
        ) [first, after, last, before] -> async_graphql::Result<FrameworkConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            Ok(FrameworkConnection::from_page(id_ordered_page(
                ctx,
                Kind::Framework,
                args,
            )?))
        }

        /// Indicators in ID order.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn indicators(
            &self,
            ctx: &Context<'_>
        ) [first, after, last, before] -> async_graphql::Result<IndicatorConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            Ok(IndicatorConnection::from_page(id_ordered_page(
                ctx,
                Kind::Indicator,
                args,
            )?))
        }

        /// Sources in ID order.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn sources(
            &self,
            ctx: &Context<'_>
        ) [first, after, last, before] -> async_graphql::Result<SourceConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            Ok(SourceConnection::from_page(id_ordered_page(
                ctx,
                Kind::Source,
                args,
            )?))
        }
    }
}

/// Facts about the loaded dataset.
#[derive(Default)]
pub struct DatasetQuery;

/// How many nodes of one kind the dataset has.
#[derive(SimpleObject, Clone)]
#[graphql(serial)]
pub struct KindCount {
    /// The kind.
    pub kind: NodeKind,
    /// How many nodes of it.
    pub count: i32,
}

/// The dataset this server answers from.
#[derive(SimpleObject, Clone)]
#[graphql(serial)]
pub struct DatasetInfo {
    /// SHA-256 over every node and edge: equal data, equal digest.
    pub digest: String,
    /// Where the data came from: `embedded` or a seed directory.
    pub origin: String,
    /// Node counts by kind.
    pub nodes: Vec<KindCount>,
    /// Number of edges.
    pub edges: i32,
}

#[Object(serial)]
impl DatasetQuery {
    /// The dataset's digest and counts.
    async fn dataset(&self, ctx: &Context<'_>) -> DatasetInfo {
        DatasetInfo::of(store(ctx).meta())
    }
}

impl DatasetInfo {
    /// What a store's record says of its dataset.
    pub fn of(meta: &crate::store::Meta) -> DatasetInfo {
        DatasetInfo {
            digest: meta.digest.clone(),
            origin: meta.origin.clone(),
            nodes: Kind::ALL
                .iter()
                .map(|&k| KindCount {
                    kind: k.into(),
                    count: i32::try_from(meta.count_of(k)).unwrap_or(i32::MAX),
                })
                .collect(),
            edges: i32::try_from(meta.edges).unwrap_or(i32::MAX),
        }
    }
}
