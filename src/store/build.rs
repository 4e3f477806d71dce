//! Writing a store once, from validated records given one at a time, and verifying what was
//! written: records, adjacency in both directions, the degree and facet counts, the ordered and
//! lookup indexes, and the digest that names the dataset.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::bulk::{Loader, Shape, TreeLoad};
use super::codec::FORMAT_VERSION;
use super::{
    decode, encode, keys, open_db, open_db_waiting, ordered, Access, Meta, Store, StoreError,
    META_FORMAT, META_RECORD,
};
use crate::model::{Dataset, Edge, EdgeProps, EdgeType, Kind, Node, NodeAttrs};
use crate::text;

/// A store being written: records are added one node or edge at a time, in any order, and
/// loaded into their trees in key order (see [`bulk`]); [`StoreWriter::finish`] writes what
/// needs all of them, and checks the store.
pub struct StoreWriter {
    path: PathBuf,
    db: sled::Db,
    loader: Loader,
    nodes: TreeLoad,
    out: TreeLoad,
    inn: TreeLoad,
    ordered: ordered::IndexBuilder,
    by_status: TreeLoad,
    by_year: TreeLoad,
    search: TreeLoad,
    facet_counts: BTreeMap<Vec<u8>, u64>,
    kinds: BTreeMap<Kind, u64>,
    edges: u64,
    /// Records added when progress was last reported.
    reported: u64,
}

impl StoreWriter {
    /// Starts a new store at `path`, which must not hold one.
    pub fn create(path: &Path) -> Result<StoreWriter, StoreError> {
        let db = open_db(path, Access::Random.cache_bytes())?;
        if db.open_tree("meta")?.get(META_FORMAT)?.is_some() {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                what: "build target already holds a store".into(),
            });
        }
        // Two lanes of about equal work: `out`, and everything else (at scale 50, `out` and
        // `in` took 3.1 s of CPU on one lane and the rest 0.7 s on the other).
        let load = |name: &str, shape, lane| {
            Ok::<_, StoreError>(TreeLoad::new(db.open_tree(name)?, shape, lane))
        };
        Ok(StoreWriter {
            path: path.to_owned(),
            loader: Loader::start(2)?,
            nodes: load("nodes", Shape::Records, 0)?,
            out: load("out", Shape::FilledRecords, 1)?,
            inn: load("in", Shape::FilledRecords, 0)?,
            ordered: ordered::IndexBuilder::default(),
            by_status: load("by_status", Shape::IdLists, 0)?,
            by_year: load("by_year", Shape::IdLists, 0)?,
            search: load("search", Shape::IdLists, 0)?,
            db,
            facet_counts: BTreeMap::new(),
            kinds: BTreeMap::new(),
            edges: 0,
            reported: 0,
        })
    }

    /// How many nodes and edges were added so far.
    pub fn records(&self) -> u64 {
        self.kinds.values().sum::<u64>() + self.edges
    }

    /// Calls `progress` with the records added so far, once in 1,024 or more.
    pub fn report_progress(&mut self, progress: &dyn Fn(u64)) {
        let records = self.records();
        if records >= self.reported + 1024 {
            self.reported = records;
            progress(records);
        }
    }

    /// Adds a node with its index entries. Each ID is added once.
    pub fn add_node(&mut self, node: &Node) -> Result<(), StoreError> {
        let pushed = self.push_node(node);
        self.with_cause(pushed)
    }

    /// Adds an edge, in both directions. Each `(from, type, to)` is added once.
    pub fn add_edge(&mut self, edge: &Edge) -> Result<(), StoreError> {
        let pushed = self.push_edge(edge);
        self.with_cause(pushed)
    }

    /// A push refused because a loader thread stopped becomes the error that stopped it, so
    /// that a full disk says so.
    fn with_cause(&mut self, pushed: Result<(), StoreError>) -> Result<(), StoreError> {
        match pushed {
            Err(StoreError::LoaderStopped) => Err(self
                .loader
                .stop()
                .err()
                .unwrap_or(StoreError::LoaderStopped)),
            other => other,
        }
    }

    fn push_node(&mut self, node: &Node) -> Result<(), StoreError> {
        let key = keys::node(&node.id);
        self.nodes.push(&self.loader, &key, &encode(&key, node)?)?;
        self.ordered.add(node);
        if let Some(facets) = ordered::Facets::of(node) {
            *self
                .facet_counts
                .entry(ordered::count_key(&facets))
                .or_default() += 1;
        }
        let id = node.id.as_str().as_bytes();
        // A token in two of the node's names is pushed twice; the loader keeps one.
        for token in node.names().flat_map(text::tokens) {
            self.search
                .push(&self.loader, &keys::search(token.text()), id)?;
        }
        let kind = node.kind();
        let (status, year) = match &node.attrs {
            NodeAttrs::Project(p) => (Some(p.status), p.start_year),
            NodeAttrs::Zone(z) => (Some(z.status), z.established),
            _ => (None, None),
        };
        if let Some(status) = status {
            self.by_status
                .push(&self.loader, &keys::status(kind, status), id)?;
        }
        if let Some(year) = year {
            self.by_year
                .push(&self.loader, &keys::year(kind, year), id)?;
        }
        *self.kinds.entry(kind).or_default() += 1;
        Ok(())
    }

    fn push_edge(&mut self, edge: &Edge) -> Result<(), StoreError> {
        let key = keys::adjacency(&edge.from, edge.edge_type, &edge.to);
        let value = encode(&key, &edge.props)?;
        self.out.push(&self.loader, &key, &value)?;
        let in_key = keys::adjacency(&edge.to, edge.edge_type, &edge.from);
        self.inn.push(&self.loader, &in_key, &value)?;
        if edge.edge_type == EdgeType::LocatedIn {
            self.ordered.add_located(&edge.from, &edge.to);
        }
        self.edges += 1;
        Ok(())
    }

    /// Adds every node and edge of `dataset`; `progress` hears the records added so far.
    pub fn add_dataset(
        &mut self,
        dataset: &Dataset,
        progress: &dyn Fn(u64),
    ) -> Result<(), StoreError> {
        for node in &dataset.nodes {
            self.add_node(node)?;
            self.report_progress(progress);
        }
        for edge in &dataset.edges {
            self.add_edge(edge)?;
            self.report_progress(progress);
        }
        progress(self.records());
        Ok(())
    }

    /// Loads what is left, writes the degree and facet counts and `meta`, flushes, and checks
    /// the store by reading it back.
    #[tracing::instrument(skip_all, fields(path = %self.path.display()), err, level = "debug")]
    pub fn finish(self, origin: &str) -> Result<Store, StoreError> {
        let StoreWriter {
            path,
            db,
            loader,
            mut nodes,
            mut out,
            mut inn,
            ordered,
            mut by_status,
            mut by_year,
            mut search,
            facet_counts,
            kinds,
            edges,
            reported: _,
        } = self;
        let sent = [
            &mut nodes,
            &mut out,
            &mut inn,
            &mut by_status,
            &mut by_year,
            &mut search,
        ]
        .into_iter()
        .try_for_each(|load| load.send(&loader));
        // A loader's own error first: a refused send only says that a loader stopped.
        loader.finish()?;
        sent?;
        // Every tree handle is let go before the store is closed below.
        drop((nodes, out, inn, by_status, by_year, search));
        let mut index = ordered.build();
        index.add_participations(&db.open_tree("out")?, &path)?;
        index.write(&path)?;
        let counts_tree = db.open_tree("facet_counts")?;
        for (key, count) in facet_counts {
            counts_tree.insert(key, &count.to_be_bytes())?;
        }
        drop(counts_tree);
        let summary = {
            let (nodes, out, inn) = (
                db.open_tree("nodes")?,
                db.open_tree("out")?,
                db.open_tree("in")?,
            );
            // Two passes over the trees at once: counting degrees, and reading records back.
            let (degrees, summary) = std::thread::scope(|scope| {
                let degrees = scope.spawn(|| write_degrees(&db, &out, &inn));
                let summary = summarize(&path, &nodes, &out);
                (join(degrees), summary)
            });
            degrees?;
            summary?
        };
        if summary.nodes != kinds || summary.edges != edges {
            return Err(StoreError::Corrupt {
                path,
                what: "the trees hold other records than were added".into(),
            });
        }
        let meta = Meta {
            digest: summary.digest,
            nodes: summary.nodes,
            edges: summary.edges,
            origin: origin.to_owned(),
        };
        let meta_tree = db.open_tree("meta")?;
        meta_tree.insert(META_RECORD, encode(META_RECORD, &meta)?)?;
        // The format byte goes last: a store without it is unfinished and is never opened.
        meta_tree.insert(META_FORMAT, &[FORMAT_VERSION])?;
        db.flush()?;
        drop(meta_tree);

        // The records were read back above, for the digest; the rest is checked through the
        // same handle too.
        let store = Store::from_db(&path, db, Access::Random, None)?;
        store.verify_indexes()?;
        drop(store);
        // sled 0.34 writes its snapshot of the page table only when it opens a store and finds
        // its log ahead of the last snapshot. Opened here, the store's first reader is not the
        // one to replay the whole log: at a million projects that took a server 14 s to start.
        // sled lets go of its file lock a moment after the close (see `open_db`).
        let db = open_db_waiting(&path, Access::Random.cache_bytes(), REOPEN_WAIT)?;
        Store::from_db(&path, db, Access::Random, None)
    }
}

/// How long the build waits for sled to let go of a store it has just closed.
const REOPEN_WAIT: Duration = Duration::from_secs(60);

impl Store {
    /// Writes `dataset` into a new store at `path` (which must not hold one), flushes it, and
    /// checks it by reading it back. `progress` hears the number of records written so far.
    pub fn build(
        path: &Path,
        dataset: &Dataset,
        origin: &str,
        progress: &dyn Fn(u64),
    ) -> Result<Store, StoreError> {
        let mut writer = StoreWriter::create(path)?;
        writer.add_dataset(dataset, progress)?;
        writer.finish(origin)
    }

    /// Re-reads every node and edge record, checks that each decodes, and that the digest and
    /// counts match what `meta` says; checks that every index entry is a list of IDs.
    pub fn verify(&self) -> Result<(), StoreError> {
        let summary = summarize(&self.path, &self.nodes, &self.out)?;
        let corrupt = |what: String| StoreError::Corrupt {
            path: self.path.clone(),
            what,
        };
        if summary.digest != self.meta.digest {
            return Err(corrupt(format!(
                "records hash to {}, meta says {}",
                summary.digest, self.meta.digest
            )));
        }
        if summary.nodes != self.meta.nodes || summary.edges != self.meta.edges {
            return Err(corrupt("record counts differ from meta".into()));
        }
        self.verify_indexes()
    }

    /// Everything [`Store::verify`] checks beyond the node and edge records.
    fn verify_indexes(&self) -> Result<(), StoreError> {
        let corrupt = |what: String| StoreError::Corrupt {
            path: self.path.clone(),
            what,
        };
        if self.inn.len() != self.out.len() {
            return Err(corrupt("in and out adjacency differ in size".into()));
        }
        // The `in` tree is as big as all the others together: read it on a thread of its own.
        std::thread::scope(|scope| {
            let inn = scope.spawn(|| {
                for entry in self.inn.iter() {
                    let (key, value) = entry?;
                    let _: EdgeProps = decode(&key, &value)?;
                }
                Ok(())
            });
            let others = self.verify_counts_and_indexes();
            join(inn).and(others)
        })
    }

    fn verify_counts_and_indexes(&self) -> Result<(), StoreError> {
        let corrupt = |what: String| StoreError::Corrupt {
            path: self.path.clone(),
            what,
        };
        for entry in self.degree.iter().chain(self.facet_counts.iter()) {
            let (key, value) = entry?;
            if value.len() != 8 {
                return Err(corrupt(format!(
                    "count entry {:?} is not a count",
                    String::from_utf8_lossy(&key)
                )));
            }
        }
        let projects = self.meta.count_of(Kind::Project);
        if self.ordered_index()?.len() as u64 != projects {
            return Err(corrupt(format!(
                "its ordered index does not hold the {projects} projects that meta counts"
            )));
        }
        for index in [&self.by_status, &self.by_year, &self.search] {
            for entry in index.iter() {
                let (key, value) = entry?;
                self.id_list(&key, &value)?;
            }
        }
        Ok(())
    }
}

/// What the node and edge records of a store add up to.
struct Summary {
    digest: String,
    nodes: BTreeMap<Kind, u64>,
    edges: u64,
}

/// Reads every node and edge record in key order, decoding each, into the dataset's digest and
/// counts: the same digest as [`dataset_digest`] of the dataset written.
fn summarize(path: &Path, nodes: &sled::Tree, out: &sled::Tree) -> Result<Summary, StoreError> {
    let mut hasher = Sha256::new();
    let mut counts: BTreeMap<Kind, u64> = BTreeMap::new();
    for entry in nodes.iter() {
        let (key, value) = entry?;
        let node: Node = decode(&key, &value)?;
        if keys::node(&node.id) != key.as_ref() {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                what: format!("node {} is stored under another key", node.id),
            });
        }
        *counts.entry(node.kind()).or_insert(0) += 1;
        hash_record(&mut hasher, &key, &value);
    }
    let mut edges = 0;
    for entry in out.iter() {
        let (key, value) = entry?;
        let _: EdgeProps = decode(&key, &value)?;
        edges += 1;
        hash_record(&mut hasher, &key, &value);
    }
    Ok(Summary {
        digest: hex::encode(hasher.finalize()),
        nodes: counts,
        edges,
    })
}

/// The result of a scoped thread; its panic, if it panicked, goes on in the caller.
fn join<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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
                    degree.insert(keys::degree_of_group(is_out, &group), &count.to_be_bytes())?;
                }
            }
            Ok(())
        };
        for key in tree.iter().keys() {
            let key = key?;
            let group = keys::adjacency_group(&key)
                .map(<[u8]>::to_vec)
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
    use std::cell::RefCell;

    use super::*;
    use crate::model::{EdgeType, Id};

    #[test]
    fn progress_is_heard_every_1024_records_whatever_each_add_brings() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut writer = StoreWriter::create(&dir.path().join("store")).expect("a writer");
        let heard = RefCell::new(Vec::new());
        let progress = |n| heard.borrow_mut().push(n);
        let id = |i: usize| Id::parse(&format!("project:p{i}")).expect("an ID");
        // Three edges at a time, as a record with three edges adds them: 1,024 is never a
        // multiple of what has been added when progress is asked.
        for i in 0..1000 {
            for j in 0..3 {
                let edge = Edge {
                    from: id(i),
                    edge_type: EdgeType::InSector,
                    to: id(j),
                    props: EdgeProps::default(),
                };
                writer.add_edge(&edge).expect("the edge is added");
            }
            writer.report_progress(&progress);
        }
        assert_eq!(heard.into_inner(), vec![1026, 2052]);
    }
}
