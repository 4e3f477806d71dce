//! GraphML 1.0 export, for Gephi, Cytoscape, networkx and yEd: a directed graph, nodes then
//! edges; owns the `<key>` declarations and XML escaping.
//!
//! Node data: `kind`, `name`, `label` (the name again, which Gephi shows), and where the node
//! has them `status`, `start_year` (a zone's: established) and `value_usd`. Edge data:
//! `edge_type`, and `roles` joined with `" | "`. Characters XML 1.0 cannot hold at all (most
//! control characters) are left out.

use std::borrow::Cow;
use std::io::Write;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::shape::name_of;
use super::{each_edge, each_node, Counts, ExportError, Kinds, Output};
use crate::model::{Node, NodeAttrs};
use crate::store::Store;

const NAMESPACE: &str = "http://graphml.graphdrawing.org/xmlns";
const SCHEMA_LOCATION: &str =
    "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd";

/// `(id and attr.name, for, attr.type)` of every `<key>`; the ids are what `<data key>` names.
const KEYS: [(&str, &str, &str); 8] = [
    ("kind", "node", "string"),
    ("name", "node", "string"),
    ("label", "node", "string"),
    ("status", "node", "string"),
    ("start_year", "node", "int"),
    ("value_usd", "node", "double"),
    ("edge_type", "edge", "string"),
    ("roles", "edge", "string"),
];

/// Streams the selected nodes and the edges between them as a GraphML document.
pub(super) fn write(
    store: &Store,
    kinds: &Kinds,
    out: &mut Output<'_, impl Write>,
) -> Result<Counts, ExportError> {
    let mut xml = Writer::new_with_indent(out, b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.write_event(Event::Start(BytesStart::new("graphml").with_attributes([
        ("xmlns", NAMESPACE),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("xsi:schemaLocation", SCHEMA_LOCATION),
    ])))?;
    for (id, domain, kind) in KEYS {
        xml.create_element("key")
            .with_attributes([
                ("id", id),
                ("for", domain),
                ("attr.name", id),
                ("attr.type", kind),
            ])
            .write_empty()?;
    }
    xml.write_event(Event::Start(
        BytesStart::new("graph").with_attributes([("id", "capgraph"), ("edgedefault", "directed")]),
    ))?;
    let counts = write_graph(store, kinds, &mut xml)?;
    xml.write_event(Event::End(BytesEnd::new("graph")))?;
    xml.write_event(Event::End(BytesEnd::new("graphml")))?;
    xml.get_mut().write_all(b"\n")?;
    Ok(counts)
}

fn write_graph<W: Write>(
    store: &Store,
    kinds: &Kinds,
    xml: &mut Writer<&mut Output<'_, W>>,
) -> Result<Counts, ExportError> {
    let nodes = each_node(store, kinds, |node| {
        let data = node_data(&node);
        xml.create_element("node")
            .with_attribute(("id", xml_safe(node.id.as_str()).as_ref()))
            .write_inner_content(|xml| write_data(xml, &data))?;
        xml.get_mut().tick();
        Ok(())
    })?;
    let edges = each_edge(store, kinds, |edge| {
        let mut data = vec![("edge_type", edge.edge_type.name().to_owned())];
        if !edge.props.roles.is_empty() {
            let roles: Vec<String> = edge.props.roles.iter().map(name_of).collect();
            data.push(("roles", roles.join(super::csv::LIST_SEPARATOR)));
        }
        xml.create_element("edge")
            .with_attributes([
                ("source", xml_safe(edge.from.as_str()).as_ref()),
                ("target", xml_safe(edge.to.as_str()).as_ref()),
            ])
            .write_inner_content(|xml| write_data(xml, &data))?;
        xml.get_mut().tick();
        Ok(())
    })?;
    Ok(Counts { nodes, edges })
}

/// The `<data>` of a node, in `KEYS` order.
fn node_data(node: &Node) -> Vec<(&'static str, String)> {
    let mut data = vec![
        ("kind", name_of(node.kind())),
        ("name", node.name.clone()),
        ("label", node.name.clone()),
    ];
    let (status, start_year, value_usd) = match &node.attrs {
        NodeAttrs::Project(a) => (Some(a.status), a.start_year, a.value_usd()),
        NodeAttrs::Zone(a) => (Some(a.status), a.established, None),
        _ => (None, None, None),
    };
    if let Some(status) = status {
        data.push(("status", name_of(status)));
    }
    if let Some(year) = start_year {
        data.push(("start_year", year.to_string()));
    }
    if let Some(value) = value_usd {
        data.push(("value_usd", value.to_string()));
    }
    data
}

fn write_data<W: Write>(xml: &mut Writer<W>, data: &[(&str, String)]) -> std::io::Result<()> {
    for (key, value) in data {
        xml.create_element("data")
            .with_attribute(("key", *key))
            .write_text_content(BytesText::new(&xml_safe(value)))?;
    }
    Ok(())
}

/// `text` without the characters XML 1.0 forbids even when escaped.
fn xml_safe(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_safe_drops_only_what_xml_cannot_hold() {
        assert!(matches!(xml_safe("Tab\tand <tags> & ü"), Cow::Borrowed(_)));
        assert_eq!(
            xml_safe("bell\u{7} and nul\u{0} gone\u{FFFF}"),
            "bell and nul gone"
        );
    }
}
