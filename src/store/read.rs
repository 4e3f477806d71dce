//! Reading an open store: nodes by ID, pages of edges by range scan, counts, and the lookup
//! indexes. Every read is counted, so tests can prove what a query costs.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use super::cache::{EdgeListKey, PageKey, RecordCache};
use super::codec::{self, FORMAT_VERSION};
use super::ordered::OrderedIndex;
use super::{
    decode, keys, open_db, parse_id, Access, EdgePage, EdgeRef, Meta, Store, StoreError,
    META_FORMAT, META_RECORD,
};
use crate::model::{Direction, EdgeType, Id, Kind, Node, Status};

impl Store {
    /// Opens a store written by [`Store::build`]; refuses one of another format.
    #[tracing::instrument(skip_all, fields(path = %path.display()), err, level = "debug")]
    pub fn open(path: &Path, access: Access) -> Result<Store, StoreError> {
        if access != Access::Random {
            return Store::from_db(path, open_db(path, access.cache_bytes())?, access, None);
        }
        // A server needs the ordered index before it is ready (see `from_db`), so it reads it
        // on a second thread while sled opens the trees. At a million projects both are mostly
        // first touches of fresh memory (about 600 MB) and, after a pause, reads of files the
        // page cache let go (about 200 MB); on this machine type that is about a second of a
        // start, and two threads do it in parallel.
        let span = tracing::Span::current();
        let (db, index) = std::thread::scope(|scope| {
            let index = scope.spawn(|| {
                span.in_scope(|| {
                    let index = Store::read_ordered_index(path)?;
                    index.build_number_tables();
                    Ok(index)
                })
            });
            let db = open_db(path, access.cache_bytes());
            let index = index
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (db, index)
        });
        Store::from_db(path, db?, access, Some(index))
    }

    /// Wraps an open sled database, checking its format first. A server's store takes its
    /// ordered index as `read_already` when it was read beside the database; any error in
    /// reading it counts only for a store of this format.
    pub(super) fn from_db(
        path: &Path,
        db: sled::Db,
        access: Access,
        read_already: Option<Result<OrderedIndex, StoreError>>,
    ) -> Result<Store, StoreError> {
        let meta_tree = db.open_tree("meta")?;
        let corrupt = |what: &str| StoreError::Corrupt {
            path: path.to_owned(),
            what: what.to_owned(),
        };
        let format = meta_tree
            .get(META_FORMAT)?
            .ok_or_else(|| corrupt("no format version"))?;
        match format.first() {
            Some(&v) if v == FORMAT_VERSION => {}
            Some(&found) => {
                // An older store can still say where its data came from, so that `serve` may
                // re-seed one that holds only the embedded dataset; a newer one is not read.
                let origin = if found < FORMAT_VERSION {
                    meta_tree
                        .get(META_RECORD)?
                        .and_then(|raw| codec::decode_any_format::<Meta>(&raw))
                        .map(|meta| meta.origin)
                } else {
                    None
                };
                return Err(StoreError::VersionMismatch {
                    path: path.to_owned(),
                    found,
                    origin,
                });
            }
            None => return Err(corrupt("empty format version")),
        }
        let raw = meta_tree
            .get(META_RECORD)?
            .ok_or_else(|| corrupt("no dataset record"))?;
        let meta = decode(META_RECORD, &raw)?;
        let store = Store {
            path: path.to_owned(),
            nodes: db.open_tree("nodes")?,
            out: db.open_tree("out")?,
            inn: db.open_tree("in")?,
            degree: db.open_tree("degree")?,
            ordered_index: OnceLock::new(),
            facet_counts: db.open_tree("facet_counts")?,
            facet_totals: OnceLock::new(),
            by_status: db.open_tree("by_status")?,
            by_year: db.open_tree("by_year")?,
            search: db.open_tree("search")?,
            db,
            meta,
            cache: access.record_cache_bytes().map(RecordCache::new),
            reads: AtomicU64::new(0),
            decoded: AtomicU64::new(0),
            index_entries: AtomicU64::new(0),
            ids_looked_up: AtomicU64::new(0),
        };
        // A server loads the index, and builds its tables of numbers, before it is ready, so
        // that no query waits for them and a damaged index is found at once; an export never
        // walks it, and a seeding's check only counts its projects.
        if let Some(index) = read_already {
            let _ = store.ordered_index.set(index?);
        }
        if access == Access::Random {
            store.ordered_index()?.build_number_tables();
        }
        Ok(store)
    }

    /// The ordered index, read from its file the first time it is asked for.
    pub(super) fn ordered_index(&self) -> Result<&OrderedIndex, StoreError> {
        if let Some(index) = self.ordered_index.get() {
            return Ok(index);
        }
        let index = Store::read_ordered_index(&self.path)?;
        Ok(self.ordered_index.get_or_init(|| index))
    }

    /// Reads the ordered index of the store at `path` from its file.
    fn read_ordered_index(path: &Path) -> Result<OrderedIndex, StoreError> {
        let started = std::time::Instant::now();
        let index = OrderedIndex::read(path)?;
        tracing::debug!(
            projects = index.len(),
            ms = started.elapsed().as_millis() as u64,
            "read the ordered index"
        );
        Ok(index)
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many read calls this store has served.
    pub fn read_count(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// How many node records point and batch lookups have looked up, whether they were decoded
    /// or found already decoded.
    pub fn decoded_count(&self) -> u64 {
        self.decoded.load(Ordering::Relaxed)
    }

    pub(super) fn count_read(&self) {
        self.reads.fetch_add(1, Ordering::Relaxed);
    }

    /// Flushes anything sled still holds in memory (the store is read-only, so this is cheap).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    pub fn node(&self, id: &Id) -> Result<Option<Arc<Node>>, StoreError> {
        self.count_read();
        self.get_node(id)
    }

    pub(super) fn get_node(&self, id: &Id) -> Result<Option<Arc<Node>>, StoreError> {
        self.decoded.fetch_add(1, Ordering::Relaxed);
        match &self.cache {
            Some(cache) => cache.node(id, || self.decode_node(id)),
            None => Ok(self.decode_node(id)?.0.map(Arc::new)),
        }
    }

    /// The node under `id`, decoded, and how many bytes its record took.
    fn decode_node(&self, id: &Id) -> Result<(Option<Node>, u64), StoreError> {
        let key = keys::node(id);
        match self.nodes.get(&key)? {
            Some(raw) => Ok((Some(decode(&key, &raw)?), raw.len() as u64)),
            None => Ok((None, 0)),
        }
    }

    /// Looks up many nodes in one call; the answer lines up with `ids`.
    pub fn nodes(&self, ids: &[Id]) -> Result<Vec<Option<Arc<Node>>>, StoreError> {
        self.count_read();
        ids.iter().map(|id| self.get_node(id)).collect()
    }

    /// Every node of a kind, in ID order, starting after `after`.
    pub fn scan_kind<'a>(
        &'a self,
        kind: Kind,
        after: Option<&Id>,
    ) -> impl Iterator<Item = Result<Node, StoreError>> + 'a {
        self.count_read();
        let prefix = keys::kind_prefix(kind);
        let start = match after {
            Some(id) => keys::node_after(id),
            None => prefix.clone(),
        };
        self.nodes
            .range(start..)
            .take_while(move |e| e.as_ref().map_or(true, |(k, _)| k.starts_with(&prefix)))
            .map(|entry| {
                let (key, value) = entry?;
                decode(&key, &value)
            })
    }

    /// Every ID of a kind, in order, without decoding the nodes.
    pub fn ids_of_kind(&self, kind: Kind) -> Result<Vec<Id>, StoreError> {
        self.count_read();
        let prefix = format!("{}:", kind.prefix());
        self.nodes
            .scan_prefix(prefix.as_bytes())
            .keys()
            .map(|k| {
                let k = k?;
                parse_id(&k).ok_or_else(|| self.corrupt_key(&k))
            })
            .collect()
    }

    /// Edges at `id`, of the given types (all when `None`), in the given direction.
    pub fn edges(
        &self,
        id: &Id,
        types: Option<&[EdgeType]>,
        direction: Direction,
    ) -> Result<Vec<EdgeRef>, StoreError> {
        self.count_read();
        self.edges_uncounted(id, types, direction)
    }

    /// Edges of many nodes in one call, keyed by node.
    pub fn edges_of_many(
        &self,
        ids: &[Id],
        types: Option<&[EdgeType]>,
        direction: Direction,
    ) -> Result<BTreeMap<Id, Vec<EdgeRef>>, StoreError> {
        self.count_read();
        ids.iter()
            .map(|id| Ok((id.clone(), self.edges_uncounted(id, types, direction)?)))
            .collect()
    }

    pub(super) fn edges_uncounted(
        &self,
        id: &Id,
        types: Option<&[EdgeType]>,
        direction: Direction,
    ) -> Result<Vec<EdgeRef>, StoreError> {
        let types: Vec<Option<EdgeType>> = match types {
            None => vec![None],
            Some(types) => types.iter().copied().map(Some).collect(),
        };
        let mut found = Vec::new();
        for edge_type in types {
            for side in [Direction::Out, Direction::In] {
                if direction == side || direction == Direction::Both {
                    found.extend(self.edge_list(id, edge_type, side)?.iter().cloned());
                }
            }
        }
        Ok(found)
    }

    /// Every edge of `near` of one type (all types when `None`) on one side (`Out` or `In`).
    fn edge_list(
        &self,
        near: &Id,
        edge_type: Option<EdgeType>,
        side: Direction,
    ) -> Result<Arc<[EdgeRef]>, StoreError> {
        let scan = || self.scan_edges(near, edge_type, side);
        match &self.cache {
            Some(cache) => {
                let key = EdgeListKey {
                    near: near.clone(),
                    edge_type,
                    direction: side,
                };
                cache.edge_list(key, scan)
            }
            None => Ok(scan()?.0.into()),
        }
    }

    /// One prefix scan of an adjacency tree, and how many bytes the edges' properties took.
    fn scan_edges(
        &self,
        near: &Id,
        edge_type: Option<EdgeType>,
        side: Direction,
    ) -> Result<(Vec<EdgeRef>, u64), StoreError> {
        let mut found = Vec::new();
        let mut bytes = 0;
        let prefix = keys::adjacency_prefix(near, edge_type);
        for entry in self.adjacency_tree(side).scan_prefix(&prefix) {
            let (key, value) = entry?;
            let (edge_type, other) =
                keys::parse_adjacency(&key).ok_or_else(|| self.corrupt_key(&key))?;
            bytes += value.len() as u64;
            found.push(EdgeRef {
                edge_type,
                direction: side,
                other,
                props: decode(&key, &value)?,
            });
        }
        Ok((found, bytes))
    }

    /// For each of `nears`, a page of its edges of one type and direction (`Out` or `In`) whose
    /// far ends are of `far_kind`, in far-end ID order, after the edge to `after`: at most
    /// `limit` edges, whether more follow, and how many there are in all. One range scan and
    /// one count per node, whatever its degree; one store call for all of them. Pages of
    /// participations are cut from the ordered index instead, when it holds them.
    pub fn edge_pages(
        &self,
        nears: &[Id],
        edge_type: EdgeType,
        direction: Direction,
        far_kind: Kind,
        after: Option<&Id>,
        limit: usize,
    ) -> Result<Vec<EdgePage>, StoreError> {
        self.count_read();
        nears
            .iter()
            .map(|near| self.edge_page(near, edge_type, direction, far_kind, after, limit))
            .collect()
    }

    pub(super) fn edge_page(
        &self,
        near: &Id,
        edge_type: EdgeType,
        direction: Direction,
        far_kind: Kind,
        after: Option<&Id>,
        limit: usize,
    ) -> Result<EdgePage, StoreError> {
        let page = PageKey {
            near: near.clone(),
            edge_type,
            direction,
            far_kind,
            after: after.cloned(),
            limit,
        };
        if let Some(page) = self.participation_page(&page)? {
            return Ok(page);
        }
        match &self.cache {
            Some(cache) => Ok(cache
                .page(page, |page| self.read_edge_page(page))?
                .as_ref()
                .clone()),
            None => Ok(self.read_edge_page(&page)?.0),
        }
    }

    /// The page `page` names, read from the trees, and how many bytes the edges' properties took.
    fn read_edge_page(&self, page: &PageKey) -> Result<(EdgePage, u64), StoreError> {
        let PageKey {
            near,
            edge_type,
            direction,
            far_kind,
            after,
            limit,
        } = page;
        let (edge_type, direction, far_kind, limit) = (*edge_type, *direction, *far_kind, *limit);
        let tree = self.adjacency_tree(direction);
        let prefix = keys::adjacency_kind_prefix(near, edge_type, far_kind);
        let start = match after {
            Some(after) => {
                let key = keys::adjacency(near, edge_type, after);
                if after.kind() != far_kind || !tree.contains_key(&key)? {
                    return Ok((EdgePage::AfterNotFound, 0));
                }
                keys::adjacency_after(near, edge_type, after)
            }
            None => prefix.clone(),
        };
        // Grown as read, not sized for the page asked for: a cached page of 20 rows must not keep
        // room for 500.
        let mut edges = Vec::new();
        let mut bytes = 0;
        let mut more = false;
        for entry in tree.range(start..) {
            let (key, value) = entry?;
            if !key.starts_with(&prefix) {
                break;
            }
            if edges.len() == limit {
                more = true;
                break;
            }
            let (edge_type, other) =
                keys::parse_adjacency(&key).ok_or_else(|| self.corrupt_key(&key))?;
            bytes += value.len() as u64;
            edges.push(EdgeRef {
                edge_type,
                direction,
                other,
                props: decode(&key, &value)?,
            });
        }
        // A page that starts at the first edge and ends at the last is every edge there is: its
        // length is the count, and looking it up would mean a second descent of `degree` and,
        // for a node with few edges, a second scan of the same keys (at a million projects,
        // about half the cost of an enterprise's page).
        let total = if after.is_none() && !more {
            edges.len() as u64
        } else {
            self.degree(near, edge_type, direction, far_kind)?
        };
        let page = EdgePage::Found {
            edges,
            more,
            total,
            numbers: Vec::new(),
        };
        Ok((page, bytes))
    }

    /// How many edges of one type and direction (`Out` or `In`) join `near` to nodes of
    /// `far_kind`: one lookup for a node with many, a short scan for one with few.
    pub(super) fn degree(
        &self,
        near: &Id,
        edge_type: EdgeType,
        direction: Direction,
        far_kind: Kind,
    ) -> Result<u64, StoreError> {
        let key = keys::degree(direction == Direction::Out, near, edge_type, far_kind);
        if let Some(raw) = self.degree.get(&key)? {
            let bytes: [u8; 8] = raw
                .as_ref()
                .try_into()
                .map_err(|_| self.corrupt_key(&key))?;
            return Ok(u64::from_be_bytes(bytes));
        }
        let prefix = keys::adjacency_kind_prefix(near, edge_type, far_kind);
        let mut count = 0;
        for key in self.adjacency_tree(direction).scan_prefix(&prefix).keys() {
            key?;
            count += 1;
        }
        Ok(count)
    }

    pub(super) fn adjacency_tree(&self, direction: Direction) -> &sled::Tree {
        match direction {
            Direction::In => &self.inn,
            _ => &self.out,
        }
    }

    /// The IDs at the far end of `id`'s edges of one type.
    pub fn neighbour_ids(
        &self,
        id: &Id,
        edge_type: EdgeType,
        direction: Direction,
    ) -> Result<Vec<Id>, StoreError> {
        self.count_read();
        let mut ids = Vec::new();
        for side in [Direction::Out, Direction::In] {
            if direction == side || direction == Direction::Both {
                let edges = self.edge_list(id, Some(edge_type), side)?;
                ids.extend(edges.iter().map(|edge| edge.other.clone()));
            }
        }
        Ok(ids)
    }

    /// IDs of the kind's nodes with any of the statuses.
    pub fn ids_with_status(&self, kind: Kind, statuses: &[Status]) -> Result<Vec<Id>, StoreError> {
        self.count_read();
        let mut ids = Vec::new();
        for &status in statuses {
            let key = keys::status(kind, status);
            for entry in self.by_status.scan_prefix(keys::id_list_parts(&key)) {
                let (key, value) = entry?;
                ids.extend(self.id_list(&key, &value)?);
            }
        }
        Ok(ids)
    }

    /// IDs of the kind's nodes whose start year (a zone's: year established) is in `lo..=hi`.
    pub fn ids_in_years(&self, kind: Kind, lo: i32, hi: i32) -> Result<Vec<Id>, StoreError> {
        self.count_read();
        let mut ids = Vec::new();
        if lo > hi {
            return Ok(ids);
        }
        for entry in self
            .by_year
            .range(keys::year(kind, lo)..keys::year(kind, hi.saturating_add(1)))
        {
            let (key, value) = entry?;
            ids.extend(self.id_list(&key, &value)?);
        }
        Ok(ids)
    }

    /// Index entries whose token starts with `prefix` (or equals it, when `exact`), in token
    /// then ID order.
    pub fn search_tokens(
        &self,
        prefix: &str,
        exact: bool,
    ) -> Result<Vec<(String, Id)>, StoreError> {
        self.count_read();
        let mut hits = Vec::new();
        let key = keys::search(prefix);
        let scan = if exact {
            keys::id_list_parts(&key)
        } else {
            key
        };
        for entry in self.search.scan_prefix(scan) {
            let (key, value) = entry?;
            let token = keys::id_list_key(&key)
                .and_then(|token| std::str::from_utf8(token).ok())
                .ok_or_else(|| self.corrupt_key(&key))?;
            for id in self.id_list(&key, &value)? {
                hits.push((token.to_owned(), id));
            }
        }
        Ok(hits)
    }

    /// The IDs one part of an index key's list holds.
    pub(super) fn id_list(&self, key: &[u8], value: &[u8]) -> Result<Vec<Id>, StoreError> {
        keys::id_list_key(key)
            .and_then(|_| keys::parse_id_list(value))
            .ok_or_else(|| StoreError::Corrupt {
                path: self.path.clone(),
                what: format!(
                    "unreadable ID list at index key {:?}",
                    String::from_utf8_lossy(key)
                ),
            })
    }

    pub(super) fn corrupt_key(&self, key: &[u8]) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what: format!("unreadable key {:?}", String::from_utf8_lossy(key)),
        }
    }
}
