//! The JSON shape of a node and of an edge in exports, shared by `ndjson` and `json`; knows
//! nothing of files or of the store.
//!
//! The shape is stable: keys are camelCase (as in seed files), in alphabetical order, and every
//! key of a kind is always present, `null` or `[]` when unknown, so that tools reading the export
//! see the same columns on every record of a kind.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::model::{Edge, Node, NodeAttrs};

/// A node as an export writes it: `id`, `kind` (`PROJECT`), `name`, `aliases`, `description`,
/// `notes`, `sources`, then the attributes of its kind.
///
/// Relationships are not here: they are edges. A project also carries `valueUsd`, the figure
/// filters and ordering use ([`crate::model::ProjectAttrs::value_usd`]), beside every figure in
/// `value`.
pub fn node_json(node: &Node) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), json!(node.id));
    map.insert("kind".into(), json!(node.kind()));
    map.insert("name".into(), json!(node.name));
    map.insert("aliases".into(), json!(node.aliases));
    map.insert("description".into(), json!(node.description));
    map.insert("notes".into(), json!(node.notes));
    map.insert("sources".into(), json!(node.sources));
    let attrs = match &node.attrs {
        NodeAttrs::Source(a) => json!({
            "title": a.title,
            "publisher": a.publisher,
            "date": a.date,
            "url": a.url,
        }),
        NodeAttrs::Country(a) => json!({
            "alpha3": a.alpha3,
            "officialName": a.official_name,
            "capital": a.capital,
            "aseanMember": a.asean_member,
            "aseanJoined": a.asean_joined,
        }),
        NodeAttrs::Framework(a) => json!({
            "frameworkKind": a.framework_kind,
            "launched": a.launched,
        }),
        NodeAttrs::Sector(_) => json!({}),
        NodeAttrs::Enterprise(a) => json!({
            "ownership": a.ownership,
            "headquartersCity": a.headquarters_city,
        }),
        NodeAttrs::Zone(a) => json!({
            "zoneKind": a.zone_kind,
            "nationalLevel": a.national_level,
            "established": a.established,
            "status": a.status,
            "areaKm2": a.area_km2,
            "location": a.location,
        }),
        NodeAttrs::Project(a) => json!({
            "status": a.status,
            "startYear": a.start_year,
            "completionYear": a.completion_year,
            "value": a.value,
            "valueUsd": a.value_usd(),
            "capacity": a.capacity,
            "location": a.location,
        }),
        NodeAttrs::Indicator(a) => json!({
            "value": a.value,
            "unit": a.unit,
            "asOf": a.as_of,
            "scope": a.scope,
            "approximate": a.approximate,
        }),
    };
    if let Value::Object(attrs) = attrs {
        map.extend(attrs);
    }
    Value::Object(map)
}

/// An edge as an export writes it: `from`, `edgeType` (`PARTICIPATES_IN`), `to`, `roles`,
/// `share`, `since`, `sources`.
pub fn edge_json(edge: &Edge) -> Value {
    json!({
        "from": edge.from,
        "edgeType": edge.edge_type.name(),
        "to": edge.to,
        "roles": edge.props.roles,
        "share": edge.props.share,
        "since": edge.props.since,
        "sources": edge.props.sources,
    })
}

/// Writes `value` (an object) as one JSON object whose first member is `"type": tag`, the rest
/// in the value's own order: `{"type":"node","aliases":...}`.
pub(crate) fn write_tagged(
    out: &mut impl std::io::Write,
    tag: &str,
    value: &Value,
) -> std::io::Result<()> {
    let text = serde_json::to_string(value)?;
    let rest = text.strip_prefix('{').unwrap_or(&text);
    write!(out, "{{\"type\":\"{tag}\"")?;
    if rest != "}" {
        out.write_all(b",")?;
    }
    out.write_all(rest.as_bytes())
}

/// The name an enum has in the API and in seed files (`UNDER_CONSTRUCTION`), for formats that
/// write plain text.
pub(crate) fn name_of(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(value: Value) -> String {
        let mut out = Vec::new();
        write_tagged(&mut out, "node", &value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn write_tagged_puts_the_type_first() {
        assert_eq!(
            tagged(json!({"b": 1, "a": [2]})),
            r#"{"type":"node","a":[2],"b":1}"#
        );
        assert_eq!(tagged(json!({})), r#"{"type":"node"}"#);
    }
}
