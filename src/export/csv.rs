//! CSV export: one table per node kind (`projects.csv`, ...) and `edges.csv`, RFC 4180 quoting;
//! owns the columns of every table.
//!
//! Columns are `id, name, aliases, description`, then the kind's own, then `notes, sources`.
//! Lists inside a cell are joined with `" | "`. Node tables repeat some relationships by ID for
//! convenience (a project's host countries, sectors and enterprises); `edges.csv` has them all.
//! Absent values are empty cells; numbers are plain decimals, enums their API names.

use std::fmt::Display;
use std::io::Write;
use std::path::Path;

use ::csv::{Writer, WriterBuilder};

use super::shape::name_of;
use super::{each_edge, each_node, with_edges, Counts, ExportError, Kinds, Progress};
use crate::model::{Edge, EdgeType, Id, Kind, Location, Node, NodeAttrs};
use crate::store::Store;

/// What joins the items of a list inside one cell.
pub const LIST_SEPARATOR: &str = " | ";

/// The header of `edges.csv`.
pub const EDGE_COLUMNS: [&str; 7] = [
    "from",
    "edge_type",
    "to",
    "roles",
    "share",
    "since",
    "sources",
];

/// The columns of a kind's own, between `description` and `notes`.
fn own_columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Source => &["title", "publisher", "date", "url"],
        Kind::Country => &[
            "alpha3",
            "official_name",
            "capital",
            "asean_member",
            "asean_joined",
            "member_of",
        ],
        Kind::Framework => &["framework_kind", "launched"],
        Kind::Sector => &["parent"],
        Kind::Enterprise => &[
            "ownership",
            "headquarters",
            "headquarters_city",
            "parent",
            "sectors",
        ],
        Kind::Zone => &[
            "zone_kind",
            "national_level",
            "established",
            "status",
            "area_km2",
            "lat",
            "lon",
            "precision",
            "country",
            "sectors",
            "developers",
        ],
        Kind::Project => &[
            "status",
            "start_year",
            "completion_year",
            "value_usd",
            "lat",
            "lon",
            "precision",
            "host_countries",
            "sectors",
            "enterprises",
            "zone",
            "frameworks",
        ],
        Kind::Indicator => &["value", "unit", "as_of", "scope", "approximate", "about"],
    }
}

/// The header of a kind's table.
pub fn columns(kind: Kind) -> Vec<&'static str> {
    let mut columns = vec!["id", "name", "aliases", "description"];
    columns.extend_from_slice(own_columns(kind));
    columns.extend_from_slice(&["notes", "sources"]);
    columns
}

/// Writes `<plural>.csv` for every selected kind and `edges.csv` (the edges between selected
/// kinds) into `dir`, creating it when missing.
pub fn write_dir(
    store: &Store,
    kinds: &Kinds,
    dir: &Path,
    progress: &dyn Fn(u64),
) -> Result<Counts, ExportError> {
    std::fs::create_dir_all(dir)?;
    let mut progress = Progress::new(progress);
    let mut nodes = 0;
    for kind in kinds.iter() {
        let file = std::fs::File::create(dir.join(format!("{}.csv", kind.plural())))?;
        nodes += table(store, kind, file, &mut progress)?;
    }
    let file = std::fs::File::create(dir.join("edges.csv"))?;
    let edges = edge_table(store, kinds, file, &mut progress)?;
    progress.done();
    Ok(Counts { nodes, edges })
}

/// Streams one kind's table. Returns the number of rows below the header.
pub fn write_table(store: &Store, kind: Kind, out: impl Write) -> Result<u64, ExportError> {
    table(store, kind, out, &mut Progress::new(&|_| {}))
}

/// Streams `edges.csv`: the edges whose ends are both of selected kinds.
pub fn write_edges(store: &Store, kinds: &Kinds, out: impl Write) -> Result<u64, ExportError> {
    edge_table(store, kinds, out, &mut Progress::new(&|_| {}))
}

fn writer<W: Write>(out: W) -> Writer<W> {
    WriterBuilder::new().from_writer(out)
}

fn table(
    store: &Store,
    kind: Kind,
    out: impl Write,
    progress: &mut Progress<'_>,
) -> Result<u64, ExportError> {
    let mut csv = writer(out);
    csv.write_record(columns(kind))?;
    let rows = each_node(store, &Kinds::from_iter([kind]), |node| {
        let (out, incoming) = with_edges(store, &node)?;
        csv.write_record(row(&node, &out, &incoming))?;
        progress.tick();
        Ok(())
    })?;
    csv.flush()?;
    Ok(rows)
}

fn edge_table(
    store: &Store,
    kinds: &Kinds,
    out: impl Write,
    progress: &mut Progress<'_>,
) -> Result<u64, ExportError> {
    let mut csv = writer(out);
    csv.write_record(EDGE_COLUMNS)?;
    let rows = each_edge(store, kinds, |edge| {
        csv.write_record([
            edge.from.to_string(),
            edge.edge_type.name().to_owned(),
            edge.to.to_string(),
            join(edge.props.roles.iter().map(name_of)),
            cell(edge.props.share),
            cell(edge.props.since),
            ids(&edge.props.sources),
        ])?;
        progress.tick();
        Ok(())
    })?;
    csv.flush()?;
    Ok(rows)
}

/// A node's row; `out` and `incoming` are its edges, for the relationship columns.
fn row(node: &Node, out: &[Edge], incoming: &[Edge]) -> Vec<String> {
    let targets = |t: EdgeType| join(out.iter().filter(|e| e.edge_type == t).map(|e| &e.to));
    let origins = |t: EdgeType| {
        join(
            incoming
                .iter()
                .filter(|e| e.edge_type == t)
                .map(|e| &e.from),
        )
    };
    let mut row = vec![
        node.id.to_string(),
        node.name.clone(),
        join(&node.aliases),
        node.description.clone().unwrap_or_default(),
    ];
    match &node.attrs {
        NodeAttrs::Source(a) => row.extend([
            a.title.clone(),
            cell(a.publisher.as_ref()),
            cell(a.date.as_ref()),
            cell(a.url.as_ref()),
        ]),
        NodeAttrs::Country(a) => row.extend([
            a.alpha3.clone(),
            cell(a.official_name.as_ref()),
            cell(a.capital.as_ref()),
            a.asean_member.to_string(),
            cell(a.asean_joined.as_ref()),
            targets(EdgeType::MemberOf),
        ]),
        NodeAttrs::Framework(a) => row.extend([
            a.framework_kind.map(name_of).unwrap_or_default(),
            cell(a.launched.as_ref()),
        ]),
        NodeAttrs::Sector(_) => row.push(targets(EdgeType::SubsectorOf)),
        NodeAttrs::Enterprise(a) => row.extend([
            a.ownership.map(name_of).unwrap_or_default(),
            targets(EdgeType::HeadquarteredIn),
            cell(a.headquarters_city.as_ref()),
            targets(EdgeType::SubsidiaryOf),
            targets(EdgeType::InSector),
        ]),
        NodeAttrs::Zone(a) => {
            row.extend([
                a.zone_kind.map(name_of).unwrap_or_default(),
                cell(a.national_level),
                cell(a.established),
                name_of(a.status),
                cell(a.area_km2.as_ref().map(|q| q.value)),
            ]);
            row.extend(location_cells(a.location.as_ref()));
            row.extend([
                targets(EdgeType::LocatedIn),
                targets(EdgeType::InSector),
                origins(EdgeType::Develops),
            ]);
        }
        NodeAttrs::Project(a) => {
            row.extend([
                name_of(a.status),
                cell(a.start_year),
                cell(a.completion_year),
                cell(a.value_usd()),
            ]);
            row.extend(location_cells(a.location.as_ref()));
            row.extend([
                targets(EdgeType::LocatedIn),
                targets(EdgeType::InSector),
                origins(EdgeType::ParticipatesIn),
                targets(EdgeType::InZone),
                targets(EdgeType::AlignedWith),
            ]);
        }
        NodeAttrs::Indicator(a) => row.extend([
            cell(a.value),
            cell(a.unit.as_ref()),
            cell(a.as_of.as_ref()),
            cell(a.scope.as_ref()),
            a.approximate.to_string(),
            targets(EdgeType::About),
        ]),
    }
    row.push(join(&node.notes));
    row.push(ids(&node.sources));
    row
}

/// An optional value as a cell: empty when absent.
/// The `lat`, `lon` and `precision` cells, empty when there is no location.
fn location_cells(location: Option<&Location>) -> [String; 3] {
    [
        cell(location.map(|l| l.lat)),
        cell(location.map(|l| l.lon)),
        location.map(|l| name_of(l.precision)).unwrap_or_default(),
    ]
}

fn cell(value: Option<impl Display>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn join(items: impl IntoIterator<Item = impl Display>) -> String {
    let mut text = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            text.push_str(LIST_SEPARATOR);
        }
        text.push_str(&item.to_string());
    }
    text
}

fn ids(ids: &[Id]) -> String {
    join(ids)
}
