//! NDJSON export: one JSON object per line, every node and then every edge; owns the line
//! framing only, the shape of a record is [`super::shape`]'s.
//!
//! ```text
//! {"type":"node","aliases":[],...,"id":"project:suramadu-bridge","kind":"PROJECT",...}
//! {"type":"edge","edgeType":"PARTICIPATES_IN","from":"enterprise:cccc",...,"to":"project:suramadu-bridge"}
//! ```

use std::io::{BufWriter, Write};

use super::shape::{edge_json, node_json, write_tagged};
use super::{each_edge, each_node, Counts, ExportError, Kinds, Progress};
use crate::store::Store;

/// Streams the selected nodes, then the edges between them, one JSON object per line.
pub fn write(
    store: &Store,
    kinds: &Kinds,
    out: impl Write,
    progress: &dyn Fn(u64),
) -> Result<Counts, ExportError> {
    let mut out = BufWriter::new(out);
    let mut progress = Progress::new(progress);
    let nodes = each_node(store, kinds, |node| {
        write_tagged(&mut out, "node", &node_json(&node))?;
        out.write_all(b"\n")?;
        progress.tick();
        Ok(())
    })?;
    let edges = each_edge(store, kinds, |edge| {
        write_tagged(&mut out, "edge", &edge_json(&edge))?;
        out.write_all(b"\n")?;
        progress.tick();
        Ok(())
    })?;
    out.flush()?;
    progress.done();
    Ok(Counts { nodes, edges })
}
