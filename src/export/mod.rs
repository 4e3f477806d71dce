//! Exports: streaming the store out in formats other tools read. Reads the store only through
//! its public API, and writes records one at a time so memory stays flat.

use std::path::Path;

use crate::model::{Direction, Edge, Kind, Node};
use crate::seed::convert::{to_record, Inline};
use crate::seed::files::Record;
use crate::seed::write::{write_file, write_schemas};
use crate::store::{Store, StoreError};

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
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
            if written % 1024 == 0 {
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
