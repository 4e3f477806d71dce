//! Writing a store once, from a validated dataset, and verifying what was written: records,
//! adjacency in both directions, the degree and facet counts, the ordered and lookup indexes,
//! and the digest that names the dataset.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::codec::FORMAT_VERSION;
use super::{
    decode, encode, keys, open_db, ordered, Access, Meta, Store, StoreError, META_FORMAT,
    META_RECORD,
};
use crate::model::{Dataset, EdgeProps, Id, Kind, Node, NodeAttrs};
use crate::text;

impl Store {
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
        let store = Store::from_db(path, db, Access::Random)?;
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
