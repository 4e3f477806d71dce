//! The embedded graph store: sled trees for nodes, adjacency and indexes; the only module that
//! touches sled or bincode (the latter through [`codec`]).
//!
//! Trees:
//! - `nodes`: ID → node.
//! - `out`: `from \0 type \0 to` → edge properties; `in`: `to \0 type \0 from` → the same
//!   properties. Neighbours in either direction, with their edges, are one prefix scan, and a
//!   page of them in ID order is one range scan from the cursor.
//! - `degree`: how many edges of a type join a node to nodes of a kind, for nodes with many,
//!   so that a connection's `totalCount` is one lookup. These two trees are also the indexes
//!   for host country, sector, enterprise, zone and framework: "projects in Cambodia" is the
//!   `in` prefix `country:KH \0 LOCATED_IN \0`.
//! - `by_status`, `by_year`: kind-scoped indexes for project and zone status and start year;
//!   each key holds the list of its IDs.
//! - `search`: folded name tokens (see `crate::text`) → list of IDs.
//! - `meta`: format version, dataset digest, counts, origin.
//!
//! A store is written once, by [`Store::build`], into a directory nobody reads yet; see
//! [`swap`] for how it then replaces the live one.

pub mod codec;
pub mod keys;
pub mod ordered;
pub mod swap;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{
    Dataset, Direction, Edge, EdgeProps, EdgeType, Id, Kind, Node, NodeAttrs, Status,
};
use crate::text;
use codec::{CodecError, FORMAT_VERSION};

pub use swap::DataDir;

/// What can go wrong below the API. Absence is not an error: lookups return `Option`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store I/O failed: {0}")]
    Sled(#[from] sled::Error),
    #[error("store I/O failed at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("store value at key {key:?} is unreadable: {source}")]
    Codec { key: String, source: CodecError },
    #[error("the store at {path} was written by {} capgraph (store format {found}; this build reads format {FORMAT_VERSION}); {}", writer(*.found), advice(*.found))]
    VersionMismatch {
        path: PathBuf,
        found: u8,
        /// Where an older store's dataset came from, when its record still decodes.
        origin: Option<String>,
    },
    #[error("the store at {path} is damaged: {what}")]
    Corrupt { path: PathBuf, what: String },
    #[error("another `capgraph seed` is writing to {0}; wait for it to finish")]
    Busy(PathBuf),
}

fn writer(found: u8) -> &'static str {
    if found > FORMAT_VERSION {
        "a newer"
    } else {
        "an older"
    }
}

fn advice(found: u8) -> &'static str {
    if found > FORMAT_VERSION {
        "use that version, or seed a fresh data directory with this one"
    } else {
        "seed it again with this version"
    }
}

/// Facts about a stored dataset, kept in the `meta` tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// SHA-256 over every node and edge record, in key order: equal data, equal digest.
    pub digest: String,
    /// Number of nodes of each kind.
    pub nodes: BTreeMap<Kind, u64>,
    pub edges: u64,
    /// Where the data came from: `embedded` or the seed directory's path.
    pub origin: String,
}

impl Meta {
    pub fn node_count(&self) -> u64 {
        self.nodes.values().sum()
    }

    pub fn count_of(&self, kind: Kind) -> u64 {
        self.nodes.get(&kind).copied().unwrap_or(0)
    }
}

/// One edge seen from one of its ends.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRef {
    pub edge_type: EdgeType,
    /// `Out` when the node asked about is the edge's source.
    pub direction: Direction,
    /// The node at the other end.
    pub other: Id,
    pub props: EdgeProps,
}

impl EdgeRef {
    /// The edge as stored, seen from `near`.
    pub fn to_edge(&self, near: &Id) -> Edge {
        let (from, to) = match self.direction {
            Direction::In => (self.other.clone(), near.clone()),
            _ => (near.clone(), self.other.clone()),
        };
        Edge {
            from,
            edge_type: self.edge_type,
            to,
            props: self.props.clone(),
        }
    }
}

/// One node's page of edges, as [`Store::edge_pages`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum EdgePage {
    /// The page, whether more edges follow it, and how many there are in all.
    Found {
        edges: Vec<EdgeRef>,
        more: bool,
        total: u64,
    },
    /// The node has no such edge to the cursor's node.
    AfterNotFound,
}

/// An open, read-only graph store.
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    nodes: sled::Tree,
    out: sled::Tree,
    inn: sled::Tree,
    degree: sled::Tree,
    ordered: sled::Tree,
    facet_counts: sled::Tree,
    by_status: sled::Tree,
    by_year: sled::Tree,
    search: sled::Tree,
    meta: Meta,
    /// Calls that touched the trees; lets tests prove that nested queries read in batches.
    reads: AtomicU64,
    /// Node records decoded; lets tests prove that a page reads its rows, not the whole list.
    decoded: AtomicU64,
    /// `ordered` entries read by project walks.
    index_entries: AtomicU64,
}

const META_FORMAT: &[u8] = b"format";
const META_RECORD: &[u8] = b"meta";

impl Store {
    /// Opens a store written by [`Store::build`]; refuses one of another format.
    #[tracing::instrument(skip_all, fields(path = %path.display()), err, level = "debug")]
    pub fn open(path: &Path, access: Access) -> Result<Store, StoreError> {
        Store::from_db(path, open_db(path, access.cache_bytes())?)
    }

    /// Wraps an open sled database, checking its format first.
    fn from_db(path: &Path, db: sled::Db) -> Result<Store, StoreError> {
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
        Ok(Store {
            path: path.to_owned(),
            nodes: db.open_tree("nodes")?,
            out: db.open_tree("out")?,
            inn: db.open_tree("in")?,
            degree: db.open_tree("degree")?,
            ordered: db.open_tree("ordered")?,
            facet_counts: db.open_tree("facet_counts")?,
            by_status: db.open_tree("by_status")?,
            by_year: db.open_tree("by_year")?,
            search: db.open_tree("search")?,
            db,
            meta,
            reads: AtomicU64::new(0),
            decoded: AtomicU64::new(0),
            index_entries: AtomicU64::new(0),
        })
    }

    /// Writes `dataset` into a new store at `path` (which must not hold one), flushes it, and
    /// checks it by reading it back. `progress` hears the number of records written so far.
    #[tracing::instrument(skip_all, fields(path = %path.display()), err, level = "debug")]
    pub fn build(
        path: &Path,
        dataset: &Dataset,
        origin: &str,
        progress: &dyn Fn(u64),
    ) -> Result<Store, StoreError> {
        let db = open_db(path, Access::Random.cache_bytes())?;
        let meta_tree = db.open_tree("meta")?;
        if meta_tree.get(META_FORMAT)?.is_some() {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                what: "build target already holds a store".into(),
            });
        }
        let records = encode_records(dataset)?;
        let digest = digest_of(&records);
        let mut written = 0u64;

        // Plain inserts, not one batch per tree: the store is invisible until the swap, so
        // atomicity per tree buys nothing, and a batch of every record holds the whole dataset
        // in memory several times over while sled applies it.
        let nodes = db.open_tree("nodes")?;
        let ordered_tree = db.open_tree("ordered")?;
        let mut facet_counts: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mut index = Indexes::default();
        for (node, (key, value)) in dataset.nodes.iter().zip(&records.nodes) {
            nodes.insert(key.as_slice(), value.as_slice())?;
            index.add(node);
            for (key, value) in ordered::entries(node)? {
                ordered_tree.insert(key, value)?;
            }
            if let Some(facets) = ordered::Facets::of(node) {
                *facet_counts.entry(ordered::count_key(&facets)).or_default() += 1;
            }
            written += 1;
            if written.is_multiple_of(1024) {
                progress(written);
            }
        }
        index.write(&db)?;
        let counts_tree = db.open_tree("facet_counts")?;
        for (key, count) in facet_counts {
            counts_tree.insert(key, &count.to_be_bytes())?;
        }
        let out = db.open_tree("out")?;
        let inn = db.open_tree("in")?;
        for (edge, (key, value)) in dataset.edges.iter().zip(&records.edges) {
            out.insert(key.as_slice(), value.as_slice())?;
            let in_key = keys::adjacency(&edge.to, edge.edge_type, &edge.from);
            inn.insert(in_key, value.as_slice())?;
            written += 1;
            if written.is_multiple_of(1024) {
                progress(written);
            }
        }

        write_degrees(&db, &out, &inn)?;

        let mut counts = BTreeMap::new();
        for node in &dataset.nodes {
            *counts.entry(node.kind()).or_insert(0u64) += 1;
        }
        let meta = Meta {
            digest,
            nodes: counts,
            edges: dataset.edges.len() as u64,
            origin: origin.to_owned(),
        };
        meta_tree.insert(META_RECORD, encode(META_RECORD, &meta)?)?;
        // The format byte goes last: a store without it is unfinished and is never opened.
        meta_tree.insert(META_FORMAT, &[FORMAT_VERSION])?;
        db.flush()?;
        progress(written);
        drop(meta_tree);

        // Check through the same handle: re-opening would race sled's background threads for
        // the file lock, which they release only some time after the handle is dropped.
        let store = Store::from_db(path, db)?;
        store.verify()?;
        Ok(store)
    }

    /// Re-reads every node and edge record, checks that each decodes, and that the digest and
    /// counts match what `meta` says; checks that every index entry is a list of IDs.
    pub fn verify(&self) -> Result<(), StoreError> {
        let mut hasher = Sha256::new();
        let mut counts: BTreeMap<Kind, u64> = BTreeMap::new();
        for entry in self.nodes.iter() {
            let (key, value) = entry?;
            let node: Node = decode(&key, &value)?;
            *counts.entry(node.kind()).or_insert(0) += 1;
            hash_record(&mut hasher, &key, &value);
        }
        let mut edges = 0;
        for entry in self.out.iter() {
            let (key, value) = entry?;
            let _: EdgeProps = decode(&key, &value)?;
            edges += 1;
            hash_record(&mut hasher, &key, &value);
        }
        let digest = hex::encode(hasher.finalize());
        let corrupt = |what: String| StoreError::Corrupt {
            path: self.path.clone(),
            what,
        };
        if digest != self.meta.digest {
            return Err(corrupt(format!(
                "records hash to {digest}, meta says {}",
                self.meta.digest
            )));
        }
        if counts != self.meta.nodes || edges != self.meta.edges {
            return Err(corrupt("record counts differ from meta".into()));
        }
        if self.inn.len() != self.out.len() {
            return Err(corrupt("in and out adjacency differ in size".into()));
        }
        for entry in self.inn.iter() {
            let (key, value) = entry?;
            let _: EdgeProps = decode(&key, &value)?;
        }
        for entry in self.degree.iter().chain(self.facet_counts.iter()) {
            let (key, value) = entry?;
            if value.len() != 8 {
                return Err(corrupt(format!(
                    "count entry {:?} is not a count",
                    String::from_utf8_lossy(&key)
                )));
            }
        }
        for entry in self.ordered.iter() {
            let (key, value) = entry?;
            let _: ordered::Facets = decode(&key, &value)?;
        }
        for index in [&self.by_status, &self.by_year, &self.search] {
            for entry in index.iter() {
                let (key, value) = entry?;
                self.id_list(&key, &value)?;
            }
        }
        Ok(())
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

    /// How many node records point and batch lookups have decoded.
    pub fn decoded_count(&self) -> u64 {
        self.decoded.load(Ordering::Relaxed)
    }

    fn count_read(&self) {
        self.reads.fetch_add(1, Ordering::Relaxed);
    }

    /// Flushes anything sled still holds in memory (the store is read-only, so this is cheap).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    pub fn node(&self, id: &Id) -> Result<Option<Node>, StoreError> {
        self.count_read();
        self.get_node(id)
    }

    fn get_node(&self, id: &Id) -> Result<Option<Node>, StoreError> {
        self.decoded.fetch_add(1, Ordering::Relaxed);
        let key = keys::node(id);
        self.nodes
            .get(&key)?
            .map(|raw| decode(&key, &raw))
            .transpose()
    }

    /// Looks up many nodes in one call; the answer lines up with `ids`.
    pub fn nodes(&self, ids: &[Id]) -> Result<Vec<Option<Node>>, StoreError> {
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
        let prefix = format!("{}:", kind.prefix()).into_bytes();
        let start = match after {
            Some(id) => {
                let mut k = keys::node(id);
                k.push(0);
                k
            }
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

    fn edges_uncounted(
        &self,
        id: &Id,
        types: Option<&[EdgeType]>,
        direction: Direction,
    ) -> Result<Vec<EdgeRef>, StoreError> {
        let mut found = Vec::new();
        let prefixes: Vec<Vec<u8>> = match types {
            None => vec![keys::adjacency_prefix(id, None)],
            Some(types) => types
                .iter()
                .map(|t| keys::adjacency_prefix(id, Some(*t)))
                .collect(),
        };
        for prefix in &prefixes {
            if matches!(direction, Direction::Out | Direction::Both) {
                for entry in self.out.scan_prefix(prefix) {
                    let (key, value) = entry?;
                    let (edge_type, other) =
                        keys::parse_adjacency(&key).ok_or_else(|| self.corrupt_key(&key))?;
                    found.push(EdgeRef {
                        edge_type,
                        direction: Direction::Out,
                        other,
                        props: decode(&key, &value)?,
                    });
                }
            }
            if matches!(direction, Direction::In | Direction::Both) {
                for entry in self.inn.scan_prefix(prefix) {
                    let (key, value) = entry?;
                    let (edge_type, other) =
                        keys::parse_adjacency(&key).ok_or_else(|| self.corrupt_key(&key))?;
                    found.push(EdgeRef {
                        edge_type,
                        direction: Direction::In,
                        other,
                        props: decode(&key, &value)?,
                    });
                }
            }
        }
        Ok(found)
    }

    /// For each of `nears`, a page of its edges of one type and direction (`Out` or `In`) whose
    /// far ends are of `far_kind`, in far-end ID order, after the edge to `after`: at most
    /// `limit` edges, whether more follow, and how many there are in all. One range scan and
    /// one count per node, whatever its degree; one store call for all of them.
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

    fn edge_page(
        &self,
        near: &Id,
        edge_type: EdgeType,
        direction: Direction,
        far_kind: Kind,
        after: Option<&Id>,
        limit: usize,
    ) -> Result<EdgePage, StoreError> {
        let tree = self.adjacency_tree(direction);
        let prefix = keys::adjacency_kind_prefix(near, edge_type, far_kind);
        let start = match after {
            Some(after) => {
                let key = keys::adjacency(near, edge_type, after);
                if after.kind() != far_kind || !tree.contains_key(&key)? {
                    return Ok(EdgePage::AfterNotFound);
                }
                keys::adjacency_after(near, edge_type, after)
            }
            None => prefix.clone(),
        };
        let mut edges = Vec::with_capacity(limit.min(1024));
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
            edges.push(EdgeRef {
                edge_type,
                direction,
                other,
                props: decode(&key, &value)?,
            });
        }
        let total = self.degree(near, edge_type, direction, far_kind)?;
        Ok(EdgePage::Found { edges, more, total })
    }

    /// How many edges of one type and direction (`Out` or `In`) join `near` to nodes of
    /// `far_kind`: one lookup for a node with many, a short scan for one with few.
    fn degree(
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

    fn adjacency_tree(&self, direction: Direction) -> &sled::Tree {
        match direction {
            Direction::In => &self.inn,
            _ => &self.out,
        }
    }

    /// The IDs at the far end of `id`'s edges, without reading edge properties.
    pub fn neighbour_ids(
        &self,
        id: &Id,
        edge_type: EdgeType,
        direction: Direction,
    ) -> Result<Vec<Id>, StoreError> {
        self.count_read();
        let prefix = keys::adjacency_prefix(id, Some(edge_type));
        let mut ids = Vec::new();
        for tree in [(Direction::Out, &self.out), (Direction::In, &self.inn)] {
            if direction == tree.0 || direction == Direction::Both {
                for key in tree.1.scan_prefix(&prefix).keys() {
                    let key = key?;
                    let (_, other) =
                        keys::parse_adjacency(&key).ok_or_else(|| self.corrupt_key(&key))?;
                    ids.push(other);
                }
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
            if let Some(value) = self.by_status.get(&key)? {
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
        let mut add = |key: &[u8], value: &[u8]| -> Result<(), StoreError> {
            let token = std::str::from_utf8(key).map_err(|_| self.corrupt_key(key))?;
            for id in self.id_list(key, value)? {
                hits.push((token.to_owned(), id));
            }
            Ok(())
        };
        let key = keys::search(prefix);
        if exact {
            if let Some(value) = self.search.get(&key)? {
                add(&key, &value)?;
            }
        } else {
            for entry in self.search.scan_prefix(&key) {
                let (key, value) = entry?;
                add(&key, &value)?;
            }
        }
        Ok(hits)
    }

    /// The IDs an index key holds.
    fn id_list(&self, key: &[u8], value: &[u8]) -> Result<Vec<Id>, StoreError> {
        keys::parse_id_list(value).ok_or_else(|| StoreError::Corrupt {
            path: self.path.clone(),
            what: format!(
                "unreadable ID list at index key {:?}",
                String::from_utf8_lossy(key)
            ),
        })
    }

    fn corrupt_key(&self, key: &[u8]) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what: format!("unreadable key {:?}", String::from_utf8_lossy(key)),
        }
    }
}

/// How a store will be read; sets the size of sled's page cache (its default is 1 GiB).
///
/// sled counts on-disk bytes, and the memory it uses is several times its cache size (sled
/// issues 986 and 1309). Beside the cache, sled 0.34 keeps a few hundred bytes per page of every
/// tree in memory from the moment it opens, so a process's floor grows with the store whatever
/// the cache (docs/benchmarks.md has the figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Queries: the same pages (countries, sectors, index pages) are read again and again.
    Random,
    /// Exports: each page is read about once, in key order, so a cache would only hold pages
    /// that are not read again; keeping it tiny keeps the export's memory near sled's floor.
    Sequential,
}

impl Access {
    fn cache_bytes(self) -> u64 {
        match self {
            Access::Random => 64 * 1024 * 1024,
            Access::Sequential => 1024 * 1024,
        }
    }
}

/// How long [`open_db`] waits for a lock that this or another process is about to release.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// Opens the sled database at `path`. sled 0.34 lets go of its file lock from background
/// threads a moment after the last handle is dropped (spacejam/sled#1234), so reopening a store
/// just closed — as [`Store::build`] does to verify what it wrote — can find it still locked.
/// Waits a bounded time for that lock; any other error, or a lock held longer, is returned.
fn open_db(path: &Path, cache_bytes: u64) -> Result<sled::Db, StoreError> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .open()
        {
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock")
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return Ok(result?),
        }
    }
}

fn parse_id(key: &[u8]) -> Option<Id> {
    Id::parse(std::str::from_utf8(key).ok()?).ok()
}

fn decode<T: serde::de::DeserializeOwned>(key: &[u8], raw: &[u8]) -> Result<T, StoreError> {
    codec::decode(raw).map_err(|source| StoreError::Codec {
        key: String::from_utf8_lossy(key).into_owned(),
        source,
    })
}

fn encode<T: Serialize>(key: &[u8], value: &T) -> Result<Vec<u8>, StoreError> {
    codec::encode(value).map_err(|source| StoreError::Codec {
        key: String::from_utf8_lossy(key).into_owned(),
        source,
    })
}

/// The `by_status`, `by_year` and `search` trees, gathered in memory while nodes are written:
/// each key is written once, with all of its IDs.
#[derive(Default)]
struct Indexes {
    by_status: BTreeMap<Vec<u8>, BTreeSet<Id>>,
    by_year: BTreeMap<Vec<u8>, BTreeSet<Id>>,
    search: BTreeMap<Vec<u8>, BTreeSet<Id>>,
}

impl Indexes {
    fn add(&mut self, node: &Node) {
        let id = &node.id;
        for token in node.names().flat_map(text::tokens) {
            let ids = self.search.entry(keys::search(token.text())).or_default();
            ids.insert(id.clone());
        }
        let kind = node.kind();
        let (status, year) = match &node.attrs {
            NodeAttrs::Project(p) => (Some(p.status), p.start_year),
            NodeAttrs::Zone(z) => (Some(z.status), z.established),
            _ => (None, None),
        };
        if let Some(status) = status {
            let key = keys::status(kind, status);
            self.by_status.entry(key).or_default().insert(id.clone());
        }
        if let Some(year) = year {
            let key = keys::year(kind, year);
            self.by_year.entry(key).or_default().insert(id.clone());
        }
    }

    fn write(self, db: &sled::Db) -> Result<(), StoreError> {
        for (name, index) in [
            ("by_status", self.by_status),
            ("by_year", self.by_year),
            ("search", self.search),
        ] {
            let tree = db.open_tree(name)?;
            for (key, ids) in index {
                tree.insert(key, keys::id_list(&ids))?;
            }
        }
        Ok(())
    }
}

/// Writes the `degree` tree from one pass over each adjacency tree, whose keys come grouped
/// by near end, type and far kind: memory stays flat however many edges there are.
fn write_degrees(db: &sled::Db, out: &sled::Tree, inn: &sled::Tree) -> Result<(), StoreError> {
    let degree = db.open_tree("degree")?;
    for (is_out, tree) in [(true, out), (false, inn)] {
        let mut run: Option<(Vec<u8>, u64)> = None;
        let flush = |run: Option<(Vec<u8>, u64)>| -> Result<(), StoreError> {
            if let Some((group, count)) = run {
                if count >= keys::DEGREE_KEPT_FROM {
                    let mut key = vec![u8::from(!is_out)];
                    key.extend_from_slice(&group);
                    degree.insert(key, &count.to_be_bytes())?;
                }
            }
            Ok(())
        };
        for key in tree.iter().keys() {
            let key = key?;
            // `near \0 type \0 kind:` — through the colon that ends the far end's kind.
            let group = key
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == 0)
                .nth(1)
                .and_then(|(sep, _)| {
                    key[sep..]
                        .iter()
                        .position(|&b| b == b':')
                        .map(|c| sep + c + 1)
                })
                .map(|end| key[..end].to_vec())
                .ok_or_else(|| StoreError::Corrupt {
                    path: PathBuf::new(),
                    what: format!("unreadable key {:?}", String::from_utf8_lossy(&key)),
                })?;
            match &mut run {
                Some((current, count)) if *current == group => *count += 1,
                _ => {
                    flush(run.take())?;
                    run = Some((group, 1));
                }
            }
        }
        flush(run)?;
    }
    Ok(())
}

/// Key and value bytes of every node and edge record, in the order the dataset holds them.
struct Records {
    nodes: Vec<(Vec<u8>, Vec<u8>)>,
    edges: Vec<(Vec<u8>, Vec<u8>)>,
}

fn encode_records(dataset: &Dataset) -> Result<Records, StoreError> {
    let nodes = dataset
        .nodes
        .iter()
        .map(|n| {
            let key = keys::node(&n.id);
            let value = encode(&key, n)?;
            Ok((key, value))
        })
        .collect::<Result<_, StoreError>>()?;
    let edges = dataset
        .edges
        .iter()
        .map(|e| {
            let key = keys::adjacency(&e.from, e.edge_type, &e.to);
            let value = encode(&key, &e.props)?;
            Ok((key, value))
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Records { nodes, edges })
}

fn hash_record(hasher: &mut Sha256, key: &[u8], value: &[u8]) {
    for part in [key, value] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
}

/// The digest [`Store::verify`] recomputes: node records in key order, then edge records.
fn digest_of(records: &Records) -> String {
    let mut hasher = Sha256::new();
    for list in [&records.nodes, &records.edges] {
        let mut sorted: Vec<&(Vec<u8>, Vec<u8>)> = list.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, value) in sorted {
            hash_record(&mut hasher, key, value);
        }
    }
    hex::encode(hasher.finalize())
}

/// The digest a dataset would have once stored, without storing it.
pub fn dataset_digest(dataset: &Dataset) -> Result<String, StoreError> {
    Ok(digest_of(&encode_records(dataset)?))
}

/// Closes `store` and rewrites its format byte as capgraph of store format `version` would have
/// written it, for tests of what opening such a store does.
#[cfg(test)]
pub(crate) fn rewrite_format(store: Store, version: u8) {
    let path = store.path().to_owned();
    drop(store);
    let db = open_db(&path, Access::Random.cache_bytes()).expect("the store reopens");
    db.open_tree("meta")
        .and_then(|meta| meta.insert(META_FORMAT, &[version]))
        .expect("the format byte is rewritten");
    db.flush().expect("the rewrite is flushed");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeds an empty dataset, then rewrites the store's format byte as another version would.
    fn store_of_format(version: u8) -> (tempfile::TempDir, DataDir) {
        let root = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::new(root.path());
        let store = data
            .seed(&Dataset::default(), "test", &|_| {})
            .expect("an empty dataset seeds");
        rewrite_format(store, version);
        (root, data)
    }

    #[test]
    fn a_store_written_by_a_newer_format_is_refused_and_the_message_says_so() {
        // Arrange
        let newer = FORMAT_VERSION + 1;
        let (_root, data) = store_of_format(newer);

        // Act
        let error = data
            .open_current(Access::Random)
            .err()
            .expect("a newer store is refused");

        // Assert
        assert!(matches!(error, StoreError::VersionMismatch { found, .. } if found == newer));
        let message = error.to_string();
        assert!(message.contains("newer"), "{message}");
        assert!(
            message.contains(&format!("store format {newer}")),
            "{message}"
        );
        assert!(
            message.contains(&format!("reads format {FORMAT_VERSION}")),
            "{message}"
        );
    }

    #[test]
    fn verify_finds_an_index_entry_that_is_not_a_list_of_ids() {
        // Arrange
        let root = tempfile::tempdir().expect("a temp dir");
        let store = DataDir::new(root.path())
            .seed(&Dataset::default(), "test", &|_| {})
            .expect("an empty dataset seeds");
        store.verify().expect("a fresh store verifies");
        store
            .search
            .insert(keys::search("bridge"), b"project:a\0not an id\0".as_slice())
            .expect("the damage is written");

        // Act
        let error = store.verify().expect_err("the damage is found");

        // Assert
        let message = error.to_string();
        assert!(message.contains("ID list"), "{message}");
        assert!(message.contains("bridge"), "{message}");
    }

    #[test]
    fn a_store_written_by_an_older_format_is_refused_without_calling_it_newer() {
        // Arrange
        let (_root, data) = store_of_format(FORMAT_VERSION - 1);

        // Act
        let error = data
            .open_current(Access::Random)
            .err()
            .expect("an older store is refused");

        // Assert
        assert!(
            matches!(&error, StoreError::VersionMismatch { origin: Some(o), .. } if o == "test"),
            "the older store still tells where its data came from: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("an older capgraph"), "{message}");
        assert!(!message.contains("newer"), "{message}");
    }
}
