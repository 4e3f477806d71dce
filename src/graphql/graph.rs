//! Graph questions: the neighbourhood of a node, and the shortest path between two.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_graphql::{Context, Object, SimpleObject, ID};

use super::entity::{Batch, Entity};
use super::enums::{Direction, EdgeType, Role};
use super::error::{ApiError, ApiResult};
use super::filter::parse_id;
use super::types::{source_objects, store, IdText, NodeIface, Source};
use crate::model::{self, Id};
use crate::store::{EdgeRef, Store};

/// Deepest `neighbors` and `path` searches allowed.
const MAX_NEIGHBOR_DEPTH: i32 = 3;
const MAX_PATH_DEPTH: i32 = 6;
/// Most nodes a `neighbors` answer may hold.
const MAX_SUBGRAPH_NODES: usize = 2_000;
/// Most nodes a `path` search may visit before giving up.
const MAX_PATH_VISITS: usize = 200_000;

/// An edge as graph answers show it.
pub struct GraphEdge {
    edge: model::Edge,
    from: Entity,
    to: Entity,
}

/// An edge as graph answers show it, with both ends.
#[Object(serial)]
impl GraphEdge {
    /// ID of the node the edge leaves.
    async fn from_id(&self) -> IdText<'_> {
        IdText(self.edge.from.as_str())
    }
    /// ID of the node the edge arrives at.
    async fn to_id(&self) -> IdText<'_> {
        IdText(self.edge.to.as_str())
    }
    /// The node the edge leaves.
    async fn from(&self) -> NodeIface {
        self.from.clone().into()
    }
    /// The node the edge arrives at.
    async fn to(&self) -> NodeIface {
        self.to.clone().into()
    }
    /// The relationship.
    #[graphql(name = "type")]
    async fn edge_type(&self) -> EdgeType {
        self.edge.edge_type.into()
    }
    /// Roles, for an enterprise's part in a project or zone.
    async fn roles(&self) -> Vec<Role> {
        self.edge.props.roles.iter().map(|&r| r.into()).collect()
    }
    /// Ownership share in percent, where sourced.
    async fn share(&self) -> Option<f64> {
        self.edge.props.share
    }
    /// Year the relationship began, where known.
    async fn since(&self) -> Option<i32> {
        self.edge.props.since
    }
    /// Sources for the relationship.
    async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
        Ok(source_objects(&self.from.batch, &self.edge.props.sources)?)
    }
}

/// Nodes and the edges between them.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct Subgraph {
    /// Every node reached, the starting node first, then in ID order.
    pub nodes: Vec<NodeIface>,
    /// Every edge followed, in (from, type, to) order.
    pub edges: Vec<GraphEdge>,
}

/// A shortest path.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct Path {
    /// Number of edges on the path.
    pub length: i32,
    /// The nodes from start to end.
    pub nodes: Vec<NodeIface>,
    /// The edges from start to end; each may point either way along the path.
    pub edges: Vec<GraphEdge>,
}

#[derive(Default)]
pub struct GraphQuery;

fn types_of(edge_types: Option<Vec<EdgeType>>) -> Option<Vec<model::EdgeType>> {
    edge_types.map(|t| t.into_iter().map(Into::into).collect())
}

fn edge_key(near: &Id, e: &EdgeRef) -> (Id, model::EdgeType, Id) {
    let edge = e.to_edge(near);
    (edge.from, edge.edge_type, edge.to)
}

/// Loads the nodes of a subgraph as one batch and pairs each edge with its ends.
fn materialise(
    store: &std::sync::Arc<Store>,
    order: Vec<Id>,
    edges: Vec<model::Edge>,
) -> ApiResult<(Vec<Entity>, Vec<GraphEdge>)> {
    let entities = Batch::load(store, &order)?;
    let by_id: HashMap<&Id, &Entity> = entities.iter().map(|e| (e.id(), e)).collect();
    let edges = edges
        .into_iter()
        .filter_map(|edge| {
            let from = (*by_id.get(&edge.from)?).clone();
            let to = (*by_id.get(&edge.to)?).clone();
            Some(GraphEdge { edge, from, to })
        })
        .collect();
    Ok((entities, edges))
}

#[Object(serial)]
impl GraphQuery {
    /// The nodes within `depth` edges of a node, and the edges between them.
    async fn neighbors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where to start.")] id: ID,
        #[graphql(desc = "How many edges out to go, 1 to 3.", default = 1)] depth: i32,
        #[graphql(desc = "Follow only these relationships (all when absent).")] edge_types: Option<
            Vec<EdgeType>,
        >,
        #[graphql(desc = "Which way to follow edges.", default)] direction: Direction,
    ) -> async_graphql::Result<Subgraph> {
        if !(1..=MAX_NEIGHBOR_DEPTH).contains(&depth) {
            return Err(ApiError::LimitExceeded(format!(
                "`depth` is {depth}; neighbors goes 1 to {MAX_NEIGHBOR_DEPTH} edges out"
            ))
            .into());
        }
        let store = store(ctx);
        let start = parse_id(&id, None)?;
        if store.node(&start)?.is_none() {
            return Err(ApiError::NotFound(format!("no node `{start}`")).into());
        }
        let types = types_of(edge_types);
        let mut seen: BTreeSet<Id> = BTreeSet::from([start.clone()]);
        let mut edges: BTreeMap<(Id, model::EdgeType, Id), model::Edge> = BTreeMap::new();
        let mut frontier = vec![start.clone()];
        for _ in 0..depth {
            let found = store.edges_of_many(&frontier, types.as_deref(), direction.into())?;
            let mut next = Vec::new();
            for (near, list) in found {
                for e in list {
                    edges
                        .entry(edge_key(&near, &e))
                        .or_insert_with(|| e.to_edge(&near));
                    if seen.insert(e.other.clone()) {
                        next.push(e.other);
                    }
                }
            }
            if seen.len() > MAX_SUBGRAPH_NODES {
                return Err(ApiError::LimitExceeded(format!(
                    "neighbors would return more than {MAX_SUBGRAPH_NODES} nodes; lower `depth` or name `edgeTypes`"
                ))
                .into());
            }
            frontier = next;
        }
        let order: Vec<Id> = std::iter::once(start.clone())
            .chain(seen.into_iter().filter(|id| *id != start))
            .collect();
        let (entities, edges) = materialise(store, order, edges.into_values().collect())?;
        Ok(Subgraph {
            nodes: entities.into_iter().map(Into::into).collect(),
            edges,
        })
    }

    /// The shortest path between two nodes, following edges either way (or as `direction`
    /// says); null when none is within `maxDepth` edges. Among equally short paths, the one
    /// through the smallest IDs is returned, so the answer is stable.
    async fn path(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where the path starts.")] from: ID,
        #[graphql(desc = "Where the path ends.")] to: ID,
        #[graphql(desc = "Longest path to look for, 1 to 6 edges.", default = 4)] max_depth: i32,
        #[graphql(desc = "Follow only these relationships (all when absent).")] edge_types: Option<
            Vec<EdgeType>,
        >,
        #[graphql(desc = "Which way to follow edges.", default)] direction: Direction,
    ) -> async_graphql::Result<Option<Path>> {
        if !(1..=MAX_PATH_DEPTH).contains(&max_depth) {
            return Err(ApiError::LimitExceeded(format!(
                "`maxDepth` is {max_depth}; path looks 1 to {MAX_PATH_DEPTH} edges deep"
            ))
            .into());
        }
        let store = store(ctx);
        let (start, goal) = (parse_id(&from, None)?, parse_id(&to, None)?);
        for id in [&start, &goal] {
            if store.node(id)?.is_none() {
                return Err(ApiError::NotFound(format!("no node `{id}`")).into());
            }
        }
        let types = types_of(edge_types);
        let mut came_from: HashMap<Id, (Id, model::Edge)> = HashMap::new();
        let mut seen: BTreeSet<Id> = BTreeSet::from([start.clone()]);
        let mut frontier = vec![start.clone()];
        let mut depth = 0;
        while depth < max_depth && !seen.contains(&goal) && !frontier.is_empty() {
            depth += 1;
            let found = store.edges_of_many(&frontier, types.as_deref(), direction.into())?;
            let mut next = BTreeSet::new();
            // Frontier nodes in ID order, each one's edges in key order: the first way found
            // to a node is the one through the smallest IDs.
            for (near, mut list) in found {
                list.sort_by(|a, b| a.other.cmp(&b.other));
                for e in list {
                    if seen.insert(e.other.clone()) {
                        came_from.insert(e.other.clone(), (near.clone(), e.to_edge(&near)));
                        next.insert(e.other);
                    }
                }
            }
            if seen.len() > MAX_PATH_VISITS {
                return Err(ApiError::LimitExceeded(format!(
                    "path visited more than {MAX_PATH_VISITS} nodes; name `edgeTypes` or lower `maxDepth`"
                ))
                .into());
            }
            frontier = next.into_iter().collect();
        }
        if !seen.contains(&goal) {
            return Ok(None);
        }
        let mut ids = vec![goal.clone()];
        let mut path_edges = Vec::new();
        let mut current = goal;
        while let Some((previous, edge)) = came_from.get(&current) {
            path_edges.push(edge.clone());
            ids.push(previous.clone());
            current = previous.clone();
        }
        ids.reverse();
        path_edges.reverse();
        let length = i32::try_from(path_edges.len()).unwrap_or(i32::MAX);
        let (entities, edges) = materialise(store, ids, path_edges)?;
        Ok(Some(Path {
            length,
            nodes: entities.into_iter().map(Into::into).collect(),
            edges,
        }))
    }
}
