//! Exports: streaming the store out in formats other tools read. Reads the store only through
//! its public API, and holds one record at a time, so memory does not follow the output; what
//! grows with the store is sled's page table (docs/benchmarks.md, "Export memory").
//!
//! Every format is deterministic: nodes come kind by kind in [`Kind::ALL`] order and by ID
//! within a kind; edges come in the same order of their source node, then by type and target.
//! Equal stores give byte-identical exports.
//!
//! - [`ndjson`], [`json`], [`graphml`], [`geojson`]: one file, written to any `io::Write`.
//! - [`csv`]: a directory of tables; [`seed_dir`]: a seed directory that loads back.
//! - [`shape`]: the JSON shape of a node and an edge, shared by `ndjson` and `json`.

pub mod csv;
pub mod geojson;
pub mod graphml;
pub mod json;
pub mod ndjson;
pub mod shape;

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::model::{Direction, Edge, Kind, Node};
use crate::seed::convert::{to_record, Inline};
use crate::seed::files::Record;
use crate::seed::write::{write_file, write_schemas};
use crate::store::{Store, StoreError};

pub use shape::{edge_json, node_json};

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing CSV failed: {0}")]
    Csv(#[from] ::csv::Error),
    /// The caller named a kind that does not exist.
    #[error("unknown node kind `{0}`; use any of {list}", list = Kind::ALL.map(|k| k.plural()).join(", "))]
    UnknownKind(String),
    /// The caller's list of kinds was empty.
    #[error("no node kind named; use any of {list}", list = Kind::ALL.map(|k| k.plural()).join(", "))]
    NoKinds,
    /// The caller selected no kind that the format can hold.
    #[error("the {format} export holds only {holds}, and the selected kinds include neither")]
    NoKindFor {
        format: &'static str,
        holds: &'static str,
    },
}

impl ExportError {
    /// Whether the caller asked for something impossible (exit code 2, HTTP 400), rather than
    /// the export failing.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ExportError::UnknownKind(_) | ExportError::NoKinds | ExportError::NoKindFor { .. }
        )
    }
}

/// The node kinds an export holds; edges are kept when both of their ends are of held kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kinds(BTreeSet<Kind>);

impl Kinds {
    /// Every kind.
    pub fn all() -> Kinds {
        Kinds(Kind::ALL.into_iter().collect())
    }

    /// Parses a comma-separated list of kinds by plural name (`projects,zones`); the singular
    /// (`project`) and any case are accepted too.
    pub fn parse(list: &str) -> Result<Kinds, ExportError> {
        let mut kinds = BTreeSet::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let lower = name.to_ascii_lowercase();
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.plural() == lower || k.prefix() == lower)
                .ok_or_else(|| ExportError::UnknownKind(name.to_owned()))?;
            kinds.insert(kind);
        }
        if kinds.is_empty() {
            return Err(ExportError::NoKinds);
        }
        Ok(Kinds(kinds))
    }

    pub fn contains(&self, kind: Kind) -> bool {
        self.0.contains(&kind)
    }

    /// The kinds in [`Kind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Kind> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Kind> for Kinds {
    fn from_iter<I: IntoIterator<Item = Kind>>(iter: I) -> Kinds {
        Kinds(iter.into_iter().collect())
    }
}

/// The formats that are one file, as opposed to a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Ndjson,
    Json,
    Graphml,
    Geojson,
}

impl FileFormat {
    /// Every single-file format, in the order help lists them.
    pub const ALL: [FileFormat; 4] = [
        FileFormat::Ndjson,
        FileFormat::Json,
        FileFormat::Graphml,
        FileFormat::Geojson,
    ];

    /// The format's name in a URL or flag.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Ndjson => "ndjson",
            FileFormat::Json => "json",
            FileFormat::Graphml => "graphml",
            FileFormat::Geojson => "geojson",
        }
    }

    /// What the file holds, in one line (the command line's help shows it).
    pub fn description(self) -> &'static str {
        match self {
            FileFormat::Ndjson => {
                "One JSON object per line: every node (`\"type\":\"node\"`), then every edge (`\"type\":\"edge\"`)"
            }
            FileFormat::Json => {
                "One JSON document: `{\"nodes\":[...],\"edges\":[...]}`, records shaped as in `ndjson`"
            }
            FileFormat::Graphml => "A GraphML 1.0 directed graph, for Gephi, Cytoscape or networkx",
            FileFormat::Geojson => {
                "A GeoJSON FeatureCollection of the projects and zones that have a location"
            }
        }
    }

    /// The format named in a URL or flag: `ndjson`, `json`, `graphml`, `geojson`.
    pub fn parse(name: &str) -> Option<FileFormat> {
        FileFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The media type to serve it as.
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Ndjson => "application/x-ndjson",
            FileFormat::Json => "application/json",
            FileFormat::Graphml => "application/graphml+xml",
            FileFormat::Geojson => "application/geo+json",
        }
    }

    /// Streams the store in this format.
    pub fn write(
        self,
        store: &Store,
        kinds: &Kinds,
        out: impl Write,
        progress: &dyn Fn(u64),
    ) -> Result<Counts, ExportError> {
        let mut out = Output {
            out: BufWriter::new(out),
            progress: Progress::new(progress),
        };
        let counts = match self {
            FileFormat::Ndjson => ndjson::write(store, kinds, &mut out),
            FileFormat::Json => json::write(store, kinds, &mut out),
            FileFormat::Graphml => graphml::write(store, kinds, &mut out),
            FileFormat::Geojson => geojson::write(store, kinds, &mut out),
        }?;
        out.flush()?;
        out.progress.done();
        Ok(counts)
    }
}

/// The formats that write a directory of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirFormat {
    Seed,
    Csv,
}

impl DirFormat {
    /// Every directory format, in the order help lists them.
    pub const ALL: [DirFormat; 2] = [DirFormat::Seed, DirFormat::Csv];

    /// The format's name in a flag.
    pub fn name(self) -> &'static str {
        match self {
            DirFormat::Seed => "seed",
            DirFormat::Csv => "csv",
        }
    }

    /// What the directory holds, in one line (the command line's help shows it).
    pub fn description(self) -> &'static str {
        match self {
            DirFormat::Seed => {
                "A seed directory that `capgraph seed --from` loads back to the same digest"
            }
            DirFormat::Csv => {
                "A directory with one table per node kind (`projects.csv`, ...) and `edges.csv`"
            }
        }
    }

    /// Writes the store into `dir` (created if missing). A seed directory holds every kind, or
    /// it would not load, so `kinds` applies to CSV only; the seed export counts nothing.
    pub fn write(
        self,
        store: &Store,
        kinds: &Kinds,
        dir: &Path,
        progress: &dyn Fn(u64),
    ) -> Result<Option<Counts>, ExportError> {
        match self {
            DirFormat::Seed => seed_dir(store, dir, progress).map(|()| None),
            DirFormat::Csv => csv::write_dir(store, kinds, dir, progress).map(Some),
        }
    }
}

/// How many records an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub nodes: u64,
    pub edges: u64,
}

/// Tells a progress callback about every 1024th record, and the last.
struct Progress<'a> {
    callback: &'a dyn Fn(u64),
    written: u64,
}

impl<'a> Progress<'a> {
    fn new(callback: &'a dyn Fn(u64)) -> Progress<'a> {
        Progress {
            callback,
            written: 0,
        }
    }

    fn tick(&mut self) {
        self.written += 1;
        if self.written.is_multiple_of(1024) {
            (self.callback)(self.written);
        }
    }

    fn done(&self) {
        (self.callback)(self.written);
    }
}

/// Where a one-file format writes: the caller's writer, buffered, and the progress count.
/// [`FileFormat::write`] makes it, and flushes it and reports the total once the format is done.
struct Output<'a, W: Write> {
    out: BufWriter<W>,
    progress: Progress<'a>,
}

impl<W: Write> Output<'_, W> {
    /// Counts one more record written.
    fn tick(&mut self) {
        self.progress.tick();
    }
}

impl<W: Write> Write for Output<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Calls `visit` with every node of the selected kinds, in export order. Returns how many.
fn each_node(
    store: &Store,
    kinds: &Kinds,
    mut visit: impl FnMut(Node) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let mut count = 0;
    for kind in kinds.iter() {
        for node in store.scan_kind(kind, None) {
            visit(node?)?;
            count += 1;
        }
    }
    Ok(count)
}

/// Calls `visit` with every edge whose ends are both of selected kinds, in export order: by
/// source node as [`each_node`] orders them, then by edge type and target. Returns how many.
fn each_edge(
    store: &Store,
    kinds: &Kinds,
    mut visit: impl FnMut(Edge) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let mut count = 0;
    each_node(store, kinds, |node| {
        for edge in store.edges(&node.id, None, Direction::Out)? {
            if kinds.contains(edge.other.kind()) {
                visit(edge.to_edge(&node.id))?;
                count += 1;
            }
        }
        Ok(())
    })?;
    Ok(count)
}

/// A node with every edge at it, in either direction.
pub fn with_edges(store: &Store, node: &Node) -> Result<(Vec<Edge>, Vec<Edge>), StoreError> {
    let mut out = Vec::new();
    let mut incoming = Vec::new();
    for edge in store.edges(&node.id, None, Direction::Both)? {
        match edge.direction {
            Direction::In => incoming.push(edge.to_edge(&node.id)),
            _ => out.push(edge.to_edge(&node.id)),
        }
    }
    Ok((out, incoming))
}

/// Writes the store as a seed directory (with its JSON Schemas) that seeds back to the same
/// digest.
pub fn seed_dir(store: &Store, dir: &Path, progress: &dyn Fn(u64)) -> Result<(), ExportError> {
    std::fs::create_dir_all(dir)?;
    write_schemas(dir)?;
    let mut written = 0u64;
    for kind in Kind::ALL {
        let mut failure: Option<StoreError> = None;
        let records = store.scan_kind(kind, None).map_while(|node| {
            let record = node.and_then(|node| {
                let (out, incoming) = with_edges(store, &node)?;
                let inline = Inline {
                    out: out.iter().collect(),
                    incoming: incoming.iter().collect(),
                };
                Ok(to_record(&node, &inline))
            });
            match record {
                Ok(record) => Some(record),
                Err(e) => {
                    failure = Some(e);
                    None
                }
            }
        });
        let records = records.inspect(|_: &Record| {
            written += 1;
            if written.is_multiple_of(1024) {
                progress(written);
            }
        });
        write_file(dir, kind, records)?;
        if let Some(e) = failure {
            return Err(e.into());
        }
    }
    progress(written);
    Ok(())
}
