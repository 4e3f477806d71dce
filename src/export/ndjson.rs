//! NDJSON export: one JSON object per line, every node and then every edge; owns the line
//! framing only, the shape of a record is [`super::shape`]'s.
//!
//! ```text
//! {"type":"node","aliases":[],...,"id":"project:suramadu-bridge","kind":"PROJECT",...}
//! {"type":"edge","edgeType":"PARTICIPATES_IN","from":"enterprise:cccc",...,"to":"project:suramadu-bridge"}
//! ```

use std::io::Write;

use serde_json::Value;

use super::shape::{edge_json, node_json, write_tagged};
use super::{each_edge, each_node, Counts, ExportError, Kinds, Output};
use crate::store::Store;

/// Streams the selected nodes, then the edges between them, one JSON object per line.
pub(super) fn write(
    store: &Store,
    kinds: &Kinds,
    out: &mut Output<'_, impl Write>,
) -> Result<Counts, ExportError> {
    let nodes = each_node(store, kinds, |node| line(out, "node", &node_json(&node)))?;
    let edges = each_edge(store, kinds, |edge| line(out, "edge", &edge_json(&edge)))?;
    Ok(Counts { nodes, edges })
}

/// Writes `record` on a line of its own, its `type` (`tag`) first.
fn line(out: &mut Output<'_, impl Write>, tag: &str, record: &Value) -> Result<(), ExportError> {
    write_tagged(out, tag, record)?;
    out.write_all(b"\n")?;
    out.tick();
    Ok(())
}
