//! GeoJSON export (RFC 7946): a FeatureCollection with one Point per located project and zone;
//! owns the feature properties, and leaves out every node without a `location`.
//!
//! Properties: `id`, `name`, `kind`, `status`, `startYear` (a zone's: established),
//! `hostCountries` and `sectors` (names), `enterprises` (`{id, name, roles}`: a project's
//! participants, a zone's developers), `precision`, and `valueUsd` (`null` where unknown).

use std::io::Write;

use serde_json::{json, Value};

use super::shape::name_of;
use super::{each_node, with_edges, Counts, ExportError, Kinds, Output};
use crate::model::{Edge, EdgeType, Id, Kind, Node, NodeAttrs};
use crate::store::Store;

/// The kinds that can have a location.
pub const KINDS: [Kind; 2] = [Kind::Zone, Kind::Project];

/// Streams the located projects and zones among the selected kinds as one FeatureCollection,
/// one feature per line. `Counts::nodes` is the number of features; there are no edges.
pub(super) fn write(
    store: &Store,
    kinds: &Kinds,
    out: &mut Output<'_, impl Write>,
) -> Result<Counts, ExportError> {
    let located: Kinds = KINDS.into_iter().filter(|k| kinds.contains(*k)).collect();
    if located.iter().next().is_none() {
        return Err(ExportError::NoKindFor {
            format: "geojson",
            holds: "projects and zones",
        });
    }
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
    let mut features = 0u64;
    each_node(store, &located, |node| {
        let Some(feature) = feature(store, &node)? else {
            return Ok(());
        };
        out.write_all(if features == 0 { b"\n" } else { b",\n" })?;
        out.write_all(feature.as_bytes())?;
        features += 1;
        out.tick();
        Ok(())
    })?;
    out.write_all(if features == 0 { b"]}\n" } else { b"\n]}\n" })?;
    Ok(Counts {
        nodes: features,
        edges: 0,
    })
}

/// The feature of a located project or zone, as text with `type` first; `None` for the rest.
fn feature(store: &Store, node: &Node) -> Result<Option<String>, ExportError> {
    let (location, status, start_year, value_usd, enterprise_edge) = match &node.attrs {
        NodeAttrs::Project(a) => (
            &a.location,
            a.status,
            a.start_year,
            a.value_usd(),
            EdgeType::ParticipatesIn,
        ),
        NodeAttrs::Zone(a) => (
            &a.location,
            a.status,
            a.established,
            None,
            EdgeType::Develops,
        ),
        _ => return Ok(None),
    };
    let Some(location) = location else {
        return Ok(None);
    };
    let (out, incoming) = with_edges(store, node)?;
    let host_countries = names(store, targets(&out, EdgeType::LocatedIn))?;
    let sectors = names(store, targets(&out, EdgeType::InSector))?;
    let enterprise_edges: Vec<&Edge> = incoming
        .iter()
        .filter(|e| e.edge_type == enterprise_edge)
        .collect();
    let enterprise_names = names(store, enterprise_edges.iter().map(|e| e.from.clone()))?;
    let enterprises: Vec<Value> = enterprise_edges
        .iter()
        .zip(enterprise_names)
        .map(|(edge, name)| json!({"id": edge.from, "name": name, "roles": edge.props.roles}))
        .collect();
    let properties = json!({
        "id": node.id,
        "name": node.name,
        "kind": node.kind(),
        "status": status,
        "startYear": start_year,
        "hostCountries": host_countries,
        "sectors": sectors,
        "enterprises": enterprises,
        "precision": name_of(location.precision),
        "valueUsd": value_usd,
    });
    let geometry = json!({"type": "Point", "coordinates": [location.lon, location.lat]});
    Ok(Some(format!(
        "{{\"type\":\"Feature\",\"id\":{},\"geometry\":{},\"properties\":{}}}",
        json!(node.id),
        geometry,
        properties
    )))
}

fn targets(out: &[Edge], edge_type: EdgeType) -> impl Iterator<Item = Id> + '_ {
    out.iter()
        .filter(move |e| e.edge_type == edge_type)
        .map(|e| e.to.clone())
}

/// The names of nodes, in the order given; a node missing from the store keeps its ID.
fn names(store: &Store, ids: impl Iterator<Item = Id>) -> Result<Vec<String>, ExportError> {
    let ids: Vec<Id> = ids.collect();
    let nodes = store.nodes(&ids)?;
    Ok(ids
        .into_iter()
        .zip(nodes)
        .map(|(id, node)| node.map_or_else(|| id.to_string(), |n| n.name.clone()))
        .collect())
}
