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
//! - `facet_counts`: projects per status and start year.
//! - `meta`: format version, dataset digest, counts, origin.
//!
//! Beside the trees, in the same directory, the [`ordered`] index: projects in every sort order
//! the API pages through, an immutable file loaded into memory.
//!
//! A store is written once, by [`Store::build`], into a directory nobody reads yet; see
//! [`swap`] for how it then replaces the live one, and [`live`] for how a running server follows.

mod build;
mod bulk;
mod cache;
pub(crate) mod codec;
mod error;
#[cfg(test)]
mod golden;
mod hierarchy;
mod keys;
pub mod live;
pub mod ordered;
mod read;
pub mod swap;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::model::{Direction, Edge, EdgeProps, EdgeType, Id, Kind};

#[cfg(test)]
pub(crate) use build::rewrite_format;
pub use build::{dataset_digest, StoreWriter};
pub use error::StoreError;
pub use live::{LiveStore, Reload};
pub use ordered::{ProjectNumber, ProjectSummary};
pub use swap::{DataDir, Sweep, DEFAULT_GENERATIONS};

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
        /// The far ends' numbers in the ordered index, edge for edge, when the page was cut
        /// from the index and its far ends are projects; empty otherwise. The batch of those
        /// projects then need not look them up by ID.
        numbers: Vec<ProjectNumber>,
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
    /// Loaded when the store opens for queries, or when first walked (see [`ordered`]).
    ordered_index: std::sync::OnceLock<ordered::OrderedIndex>,
    facet_counts: sled::Tree,
    /// `facet_counts` in memory, read whole on the first count: a few hundred entries, which
    /// every filtered list's `totalCount` ranges over.
    facet_totals: std::sync::OnceLock<std::collections::BTreeMap<Vec<u8>, u64>>,
    by_status: sled::Tree,
    by_year: sled::Tree,
    search: sled::Tree,
    meta: Meta,
    /// Decoded records kept between requests; `None` for a store read once through (exports).
    cache: Option<cache::RecordCache>,
    /// Calls that touched the trees; lets tests prove that nested queries read in batches.
    reads: AtomicU64,
    /// Node records looked up (from the cache or decoded); lets tests prove that a page reads
    /// its rows, not the whole list.
    decoded: AtomicU64,
    /// Ordered-index entries read by project walks and counts.
    index_entries: AtomicU64,
    /// Project IDs whose numbers in the ordered index were looked up.
    ids_looked_up: AtomicU64,
}

const META_FORMAT: &[u8] = b"format";
const META_RECORD: &[u8] = b"meta";

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

    /// How many bytes of decoded records [`cache`] keeps: none for a store read once through.
    fn record_cache_bytes(self) -> Option<u64> {
        match self {
            Access::Random => Some(96 * 1024 * 1024),
            Access::Sequential => None,
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
    open_db_waiting(path, cache_bytes, LOCK_WAIT)
}

/// [`open_db`], waiting up to `wait` for the lock.
fn open_db_waiting(path: &Path, cache_bytes: u64, wait: Duration) -> Result<sled::Db, StoreError> {
    let deadline = Instant::now() + wait;
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

#[cfg(test)]
mod tests {
    use super::codec::FORMAT_VERSION;
    use super::*;
    use crate::model::Dataset;

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
            .insert(
                keys::id_list_part(&keys::search("bridge"), 0),
                b"project:a\0not an id\0".as_slice(),
            )
            .expect("the damage is written");

        // Act
        let error = store.verify().expect_err("the damage is found");

        // Assert
        let message = error.to_string();
        assert!(message.contains("ID list"), "{message}");
        assert!(message.contains("bridge"), "{message}");
    }

    /// Opens `data`'s store as a server does, expecting it refused for its older format with
    /// its origin still told (`serve` re-seeds on that).
    fn refused_as_older(data: &DataDir) -> StoreError {
        let error = data
            .open_current(Access::Random)
            .err()
            .expect("an older store is refused");
        assert!(
            matches!(&error, StoreError::VersionMismatch { origin: Some(o), .. } if o == "test"),
            "the older store still tells where its data came from: {error:?}"
        );
        error
    }

    #[test]
    fn a_store_written_by_an_older_format_is_refused_without_calling_it_newer() {
        // Arrange
        let (_root, data) = store_of_format(FORMAT_VERSION - 1);

        // Act
        let error = refused_as_older(&data);

        // Assert
        let message = error.to_string();
        assert!(message.contains("an older capgraph"), "{message}");
        assert!(!message.contains("newer"), "{message}");
    }

    #[test]
    fn an_older_store_is_refused_for_its_format_even_when_its_ordered_index_does_not_read() {
        // Arrange: a server reads the ordered index while sled opens; this store's index file
        // is damaged, as an older format's file would not read either.
        let (_root, data) = store_of_format(FORMAT_VERSION - 1);
        let path = data.current_path().unwrap().expect("a current store");
        std::fs::write(path.join(ordered::FILE), b"damaged").unwrap();

        // Act and assert: the refusal names the format, which is what `serve` re-seeds on.
        refused_as_older(&data);
    }

    #[test]
    fn a_server_refuses_a_store_whose_ordered_index_does_not_read_and_says_where() {
        // Arrange
        let (_root, data) = store_of_format(FORMAT_VERSION);
        let path = data.current_path().unwrap().expect("a current store");
        std::fs::write(path.join(ordered::FILE), [FORMAT_VERSION, 0xff]).unwrap();

        // Act
        let error = data
            .open_current(Access::Random)
            .err()
            .expect("a damaged index is refused");

        // Assert
        let message = error.to_string();
        assert!(message.contains(ordered::FILE), "{message}");
        assert!(
            data.open_current(Access::Sequential).is_ok(),
            "an export never reads it"
        );
    }
}
