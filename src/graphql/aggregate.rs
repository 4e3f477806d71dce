//! Aggregates: project counts and USD value sums grouped by a dimension, under any filter.

use std::collections::BTreeMap;

use async_graphql::{Context, Object, SimpleObject};

use super::entity::{Batch, Entity};
use super::enums::AggregateDimension;
use super::error::ApiResult;
use super::filter::{Evaluator, ProjectFilter};
use super::types::{store, NodeIface};
use crate::model::{Direction, EdgeType, Id, Kind, Node, NodeAttrs};

/// One group of projects.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct AggregateBucket {
    /// The group's key: a node ID, a status name or a year; `none` for projects without one.
    pub key: String,
    /// A readable label: the node's name, the status or the year.
    pub label: String,
    /// The node the group stands for, when grouping by country, sector or enterprise.
    pub node: Option<NodeIface>,
    /// Number of projects in the group.
    pub count: i32,
    /// Sum of the headline USD values of the projects that have one.
    pub value_usd: f64,
    /// How many of the group's projects have a USD value (the rest are not in `valueUsd`).
    pub valued_count: i32,
}

#[derive(Default)]
pub struct AggregateQuery;

/// The group keys of one project under the chosen dimension.
type GroupKeys = Box<dyn Fn(&Entity, &Node) -> Vec<String>>;

#[derive(Default)]
struct Tally {
    count: i32,
    value_usd: f64,
    valued: i32,
}

#[Object(serial)]
impl AggregateQuery {
    /// Project counts and value sums grouped by host country, sector, enterprise, status or
    /// start year, for the projects `filter` keeps (all when absent). Largest groups first.
    async fn project_aggregates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to group the projects by.")] group_by: AggregateDimension,
        #[graphql(desc = "Keep only the projects this filter matches.")] filter: Option<
            ProjectFilter,
        >,
    ) -> async_graphql::Result<Vec<AggregateBucket>> {
        let store = store(ctx);
        let ids: Vec<Id> = match &filter {
            Some(f) => Evaluator::new(store).projects(f)?.into_iter().collect(),
            None => store.ids_of_kind(Kind::Project)?,
        };
        let projects = Batch::load(store, &ids)?;
        // A project's keys along an edge: the IDs at the other end, read for every project at once.
        let by_edge =
            |edge_type: EdgeType, direction: Direction| -> async_graphql::Result<GroupKeys> {
                let map: BTreeMap<Id, Vec<Id>> = store
                    .edges_of_many(&ids, Some(&[edge_type]), direction)?
                    .into_iter()
                    .map(|(id, edges)| (id, edges.into_iter().map(|e| e.other).collect()))
                    .collect();
                Ok(Box::new(move |e, _| {
                    map.get(e.id())
                        .map(|v| v.iter().map(Id::to_string).collect())
                        .unwrap_or_default()
                }))
            };
        let keys_of: GroupKeys = match group_by {
            AggregateDimension::HostCountry => by_edge(EdgeType::LocatedIn, Direction::Out)?,
            AggregateDimension::Sector => by_edge(EdgeType::InSector, Direction::Out)?,
            AggregateDimension::Enterprise => by_edge(EdgeType::ParticipatesIn, Direction::In)?,
            AggregateDimension::Status => Box::new(|_, node| match &node.attrs {
                NodeAttrs::Project(p) => vec![serde_json::to_value(p.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()],
                _ => vec![],
            }),
            AggregateDimension::StartYear => Box::new(|_, node| match &node.attrs {
                NodeAttrs::Project(p) => {
                    vec![p.start_year.map_or("none".to_owned(), |y| y.to_string())]
                }
                _ => vec![],
            }),
        };
        let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
        for project in &projects {
            let node = project.node()?;
            let value = match &node.attrs {
                NodeAttrs::Project(p) => p.value_usd(),
                _ => None,
            };
            let mut keys = keys_of(project, node);
            keys.sort();
            keys.dedup();
            for key in keys {
                let t = tallies.entry(key).or_default();
                t.count += 1;
                if let Some(v) = value {
                    t.value_usd += v;
                    t.valued += 1;
                }
            }
        }
        let node_ids: Vec<Id> = tallies.keys().filter_map(|k| Id::parse(k).ok()).collect();
        let nodes = Batch::load(store, &node_ids)?;
        let mut buckets: Vec<AggregateBucket> = tallies
            .into_iter()
            .map(|(key, t)| {
                let node = nodes.iter().find(|e| e.id().as_str() == key).cloned();
                let label = match &node {
                    Some(e) => e.name()?.to_owned(),
                    None => key.clone(),
                };
                Ok(AggregateBucket {
                    key,
                    label,
                    node: node.map(Into::into),
                    count: t.count,
                    value_usd: t.value_usd,
                    valued_count: t.valued,
                })
            })
            .collect::<ApiResult<_>>()?;
        buckets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        Ok(buckets)
    }
}
