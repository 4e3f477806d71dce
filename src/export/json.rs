//! JSON export: one document `{"nodes":[...],"edges":[...]}`, still written record by record;
//! owns the brackets and commas, the shape of a record is [`super::shape`]'s.

use std::io::Write;

use serde_json::Value;

use super::shape::{edge_json, node_json};
use super::{each_edge, each_node, Counts, ExportError, Kinds, Output};
use crate::store::Store;

/// Streams the selected nodes and the edges between them as one JSON document, one record per
/// line so that it also reads well and diffs well.
pub(super) fn write(
    store: &Store,
    kinds: &Kinds,
    out: &mut Output<'_, impl Write>,
) -> Result<Counts, ExportError> {
    out.write_all(b"{\"nodes\":[")?;
    let mut first = true;
    let nodes = each_node(store, kinds, |node| {
        element(out, &mut first, &node_json(&node))
    })?;
    out.write_all(if nodes == 0 {
        b"],\n\"edges\":["
    } else {
        b"\n],\n\"edges\":["
    })?;
    first = true;
    let edges = each_edge(store, kinds, |edge| {
        element(out, &mut first, &edge_json(&edge))
    })?;
    out.write_all(if edges == 0 { b"]}\n" } else { b"\n]}\n" })?;
    Ok(Counts { nodes, edges })
}

/// Writes `record` as the next element of an array, on a line of its own, after a comma unless
/// it is the `first`.
fn element(
    out: &mut Output<'_, impl Write>,
    first: &mut bool,
    record: &Value,
) -> Result<(), ExportError> {
    out.write_all(if *first { b"\n" } else { b",\n" })?;
    *first = false;
    serde_json::to_writer(&mut *out, record).map_err(std::io::Error::from)?;
    out.tick();
    Ok(())
}
