//! Decoded records kept between requests: nodes, edge lists and pages of edges. A store never
//! changes while it is open (a new dataset is a new store, see [`super::swap`]), so what was
//! decoded once stays true until the store closes, and no entry ever needs invalidating.
//!
//! Why: under load, a request spent about half its time in sled (walking its tree, its page
//! cache's bookkeeping) and bincode, re-reading the same countries, sectors and enterprises for
//! every request. Each cache is bounded by an estimate of the bytes its entries hold
//! (`quick_cache`, which also resists a scan of one-off keys evicting the hot ones).

use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use super::{EdgePage, EdgeRef};
use crate::model::{Direction, EdgeType, Id, Kind, Node};

/// What an entry costs beyond its own bytes: the key, the `Arc`, the cache's slot.
const ENTRY_OVERHEAD: u64 = 96;

/// Bytes a decoded edge takes beyond its far end's ID and its encoded properties: the struct
/// itself and an allocation or two.
const EDGE_OVERHEAD: u64 = std::mem::size_of::<EdgeRef>() as u64 + 32;

/// Bytes a decoded node takes beyond about twice its encoded bytes: the struct itself.
const NODE_OVERHEAD: u64 = std::mem::size_of::<Node>() as u64;

/// A cached value and the bytes it is estimated to hold.
#[derive(Clone)]
pub(super) struct Weighed<T> {
    pub value: T,
    bytes: u64,
}

impl<T> Weighed<T> {
    pub fn new(value: T, bytes: u64) -> Weighed<T> {
        Weighed { value, bytes }
    }
}

#[derive(Clone)]
struct ByBytes;

impl<K, T> Weighter<K, Weighed<T>> for ByBytes {
    fn weight(&self, _: &K, value: &Weighed<T>) -> u64 {
        value.bytes + ENTRY_OVERHEAD
    }
}

/// The edges of one node over one edge type (all types when `None`) in one direction (`Out` or
/// `In`), as one prefix scan reads them.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct EdgeListKey {
    pub near: Id,
    pub edge_type: Option<EdgeType>,
    pub direction: Direction,
}

/// One page of a node's edges, as [`super::Store::edge_pages`] reads it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct PageKey {
    pub near: Id,
    pub edge_type: EdgeType,
    pub direction: Direction,
    pub far_kind: Kind,
    pub after: Option<Id>,
    pub limit: usize,
}

/// The three caches of one open store.
pub(super) struct RecordCache {
    nodes: Cache<Id, Weighed<Option<Arc<Node>>>, ByBytes>,
    edge_lists: Cache<EdgeListKey, Weighed<Arc<[EdgeRef]>>, ByBytes>,
    pages: Cache<PageKey, Weighed<Arc<EdgePage>>, ByBytes>,
}

impl RecordCache {
    /// Caches holding about `bytes` in all: half for nodes, a quarter each for edge lists and
    /// pages.
    pub fn new(bytes: u64) -> RecordCache {
        // quick_cache sizes its tables from an item count; a node or list is a few hundred bytes.
        let items = |share: u64| usize::try_from(share / 512).unwrap_or(usize::MAX).max(16);
        let (half, quarter) = (bytes / 2, bytes / 4);
        RecordCache {
            nodes: Cache::with_weighter(items(half), half, ByBytes),
            edge_lists: Cache::with_weighter(items(quarter), quarter, ByBytes),
            pages: Cache::with_weighter(items(quarter), quarter, ByBytes),
        }
    }

    /// The node (or its absence) under `id`, decoding it with `read` on a miss; `read` also says
    /// how many bytes the record took on disk.
    pub fn node<E>(
        &self,
        id: &Id,
        read: impl FnOnce() -> Result<(Option<Node>, u64), E>,
    ) -> Result<Option<Arc<Node>>, E> {
        if let Some(hit) = self.nodes.get(id) {
            return Ok(hit.value);
        }
        let (node, encoded) = read()?;
        let node = node.map(Arc::new);
        // Decoded strings and vectors take about twice their encoded bytes.
        let bytes = NODE_OVERHEAD + 2 * encoded + id.as_str().len() as u64;
        let entry = Weighed::new(node.clone(), bytes);
        self.nodes.insert(id.clone(), entry);
        Ok(node)
    }

    /// The edge list `key` names, read with `read` on a miss.
    pub fn edge_list<E>(
        &self,
        key: EdgeListKey,
        read: impl FnOnce() -> Result<(Vec<EdgeRef>, u64), E>,
    ) -> Result<Arc<[EdgeRef]>, E> {
        if let Some(hit) = self.edge_lists.get(&key) {
            return Ok(hit.value);
        }
        let (edges, encoded) = read()?;
        let edges: Arc<[EdgeRef]> = edges.into();
        let bytes = edges_bytes(&edges, encoded);
        self.edge_lists
            .insert(key, Weighed::new(Arc::clone(&edges), bytes));
        Ok(edges)
    }

    /// The page `key` names, read with `read` (given the key) on a miss.
    pub fn page<E>(
        &self,
        key: PageKey,
        read: impl FnOnce(&PageKey) -> Result<(EdgePage, u64), E>,
    ) -> Result<Arc<EdgePage>, E> {
        if let Some(hit) = self.pages.get(&key) {
            return Ok(hit.value);
        }
        let (page, encoded) = read(&key)?;
        let bytes = match &page {
            EdgePage::Found { edges, .. } => edges_bytes(edges, encoded),
            EdgePage::AfterNotFound => 0,
        };
        let page = Arc::new(page);
        self.pages
            .insert(key, Weighed::new(Arc::clone(&page), bytes));
        Ok(page)
    }
}

fn edges_bytes(edges: &[EdgeRef], encoded: u64) -> u64 {
    edges
        .iter()
        .map(|e| e.other.as_str().len() as u64 + EDGE_OVERHEAD)
        .sum::<u64>()
        + 2 * encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> Id {
        Id::parse(text).expect("a valid ID")
    }

    #[test]
    fn a_node_is_read_once_then_served_from_memory() {
        let cache = RecordCache::new(1 << 20);
        let mut reads = 0;
        for _ in 0..3 {
            let node = cache
                .node(&id("country:KH"), || {
                    reads += 1;
                    Ok::<_, ()>((None, 10))
                })
                .unwrap();
            assert!(node.is_none(), "an absent node stays absent");
        }
        assert_eq!(reads, 1);
    }

    #[test]
    fn a_read_that_fails_is_not_remembered() {
        let cache = RecordCache::new(1 << 20);
        let failed = cache.node(&id("country:KH"), || Err::<(Option<Node>, u64), _>("disk"));
        assert_eq!(failed.err(), Some("disk"));
        let mut read_again = false;
        cache
            .node(&id("country:KH"), || {
                read_again = true;
                Ok::<_, ()>((None, 10))
            })
            .unwrap();
        assert!(read_again);
    }

    #[test]
    fn the_caches_stay_within_their_budget() {
        let budget = 64 * 1024;
        let cache = RecordCache::new(budget);
        for i in 0..10_000 {
            let key = EdgeListKey {
                near: id(&format!("project:p{i}")),
                edge_type: None,
                direction: Direction::Out,
            };
            cache
                .edge_list(key, || Ok::<_, ()>((Vec::new(), 100)))
                .unwrap();
        }
        assert!(cache.edge_lists.weight() <= budget / 4);
        assert!(cache.edge_lists.len() < 10_000, "old lists were evicted");
    }
}
