//! Export formats end to end: each holds what the store holds, the same store gives the same
//! bytes, and real readers (the csv crate, networkx, pandas, the geojson package) open them.
//!
//! The Python readers are optional here: a test whose module is missing prints
//! `skipped: <reason>` on stderr, except under `CI=true`, where it fails instead
//! (`common::require`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{capgraph_output, python_modules, require};

use capgraph::export::{self, Counts, ExportError, FileFormat, Kinds};
use capgraph::model::{Direction, EdgeType, Id, Kind, NodeAttrs};
use capgraph::seed::{self, SeedFiles};
use capgraph::store::{Access, DataDir, Store};
use serde_json::{json, Value};
use tempfile::TempDir;

/// A project whose text needs quoting in CSV and escaping in XML and JSON.
const TRICKY_PROJECT: &str = "project:gen-0000000";
const TRICKY_NAME: &str = "Tricky \"quoted\", <b>&amp; 'name'";
const TRICKY_DESCRIPTION: &str = "Line one, with a comma;\nline \"two\" & <three>.";
/// A zone given a location, since generated zones have none.
const LOCATED_ZONE: &str = "zone:gen-0000000";

/// A temporary directory with a generated (scale 1) seed directory in `gen/`, adjusted so that
/// some text needs escaping and a zone has a location.
struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temp dir");
        let gen = dir.path().join("gen");
        capgraph::generate::generate(&gen, 1, 42, &|_| {}).expect("generated seed files");
        edit_seed(
            &gen.join("projects.json"),
            "projects",
            TRICKY_PROJECT,
            |p| {
                p["name"] = json!(TRICKY_NAME);
                p["description"] = json!(TRICKY_DESCRIPTION);
                p["aliases"] = json!(["A, B", "Ü \"C\""]);
            },
        );
        edit_seed(&gen.join("zones.json"), "zones", LOCATED_ZONE, |z| {
            z["location"] = json!({"lat": 10.61, "lon": 103.52, "precision": "CITY"});
        });
        Fixture { dir }
    }

    /// Seeds a store into `name/` from the fixture's seed files and returns its data directory;
    /// the store is closed again, so that a child process may open it.
    fn seed(&self, name: &str) -> PathBuf {
        let data = self.dir.path().join(name);
        common::seed_into(&common::read_seed_dir(&self.dir.path().join("gen")), &data);
        data
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn edit_seed(path: &Path, array: &str, id: &str, edit: impl FnOnce(&mut Value)) {
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let record = file[array]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in {}", path.display()));
    edit(record);
    std::fs::write(path, serde_json::to_string_pretty(&file).unwrap()).unwrap();
}

fn open(data: &Path) -> Store {
    DataDir::new(data)
        .open_current(Access::Random)
        .expect("store opens")
        .expect("store exists")
}

/// A fixture and its store, for tests that do not run the binary.
fn store() -> (Fixture, Store) {
    let fixture = Fixture::new();
    let data = fixture.seed("data");
    let store = open(&data);
    (fixture, store)
}

type Writer = fn(&Store, &Kinds, &mut Vec<u8>, &dyn Fn(u64)) -> Result<Counts, ExportError>;

const NDJSON: Writer = |s, k, o, p| FileFormat::Ndjson.write(s, k, o, p);
const JSON: Writer = |s, k, o, p| FileFormat::Json.write(s, k, o, p);
const GRAPHML: Writer = |s, k, o, p| FileFormat::Graphml.write(s, k, o, p);
const GEOJSON: Writer = |s, k, o, p| FileFormat::Geojson.write(s, k, o, p);

fn export_bytes(store: &Store, kinds: &Kinds, writer: Writer) -> (Vec<u8>, Counts) {
    let mut out = Vec::new();
    let counts = writer(store, kinds, &mut out, &|_| {}).expect("export succeeds");
    (out, counts)
}

fn ndjson_lines(store: &Store, kinds: &Kinds) -> Vec<Value> {
    let (bytes, _) = export_bytes(store, kinds, NDJSON);
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// Every file in a directory, by name.
fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

/// Whether python3 can import `module`; see [`require`] for when it cannot.
fn python_has(module: &str) -> bool {
    require(python_modules(
        &[module],
        "pip install networkx pandas geojson",
    ))
    .is_some()
}

/// Runs a Python script with arguments and parses the JSON it prints.
fn python(script: &str, args: &[&Path]) -> Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python prints JSON")
}

/// How many projects and zones have a location.
fn located_count(store: &Store) -> u64 {
    [Kind::Zone, Kind::Project]
        .into_iter()
        .flat_map(|kind| store.scan_kind(kind, None))
        .filter(|node| match &node.as_ref().unwrap().attrs {
            NodeAttrs::Project(a) => a.location.is_some(),
            NodeAttrs::Zone(a) => a.location.is_some(),
            _ => false,
        })
        .count() as u64
}

#[test]
fn ndjson_holds_every_node_then_every_edge_one_object_per_line() {
    // Arrange
    let (_fixture, store) = store();
    let meta = store.meta().clone();

    // Act
    let (_, counts) = export_bytes(&store, &Kinds::all(), NDJSON);
    let lines = ndjson_lines(&store, &Kinds::all());

    // Assert
    let node_lines = lines.iter().take_while(|l| l["type"] == "node").count();
    assert_eq!(node_lines as u64, meta.node_count());
    assert!(lines[node_lines..].iter().all(|l| l["type"] == "edge"));
    assert_eq!((lines.len() - node_lines) as u64, meta.edges);
    assert_eq!(
        counts,
        Counts {
            nodes: meta.node_count(),
            edges: meta.edges
        }
    );
    for kind in Kind::ALL {
        let of_kind: Vec<&str> = lines[..node_lines]
            .iter()
            .filter(|l| l["kind"] == json!(kind))
            .map(|l| l["id"].as_str().unwrap())
            .collect();
        assert_eq!(of_kind.len() as u64, meta.count_of(kind), "{kind}");
        assert!(
            of_kind.windows(2).all(|w| w[0] < w[1]),
            "{kind} in ID order"
        );
    }
    let project = lines
        .iter()
        .find(|l| l["id"] == TRICKY_PROJECT)
        .expect("the project is exported");
    assert_eq!(project["name"], TRICKY_NAME);
    assert_eq!(project["description"], TRICKY_DESCRIPTION);
    assert_eq!(project["kind"], "PROJECT");
    for key in [
        "status",
        "startYear",
        "completionYear",
        "value",
        "valueUsd",
        "location",
    ] {
        assert!(project.get(key).is_some(), "projects have `{key}`");
    }
    let edge = &lines[node_lines];
    for key in [
        "from", "edgeType", "to", "roles", "share", "since", "sources",
    ] {
        assert!(edge.get(key).is_some(), "edges have `{key}`");
    }
}

#[test]
fn json_is_one_document_whose_records_match_the_ndjson_lines() {
    // Arrange
    let (_fixture, store) = store();
    let lines = ndjson_lines(&store, &Kinds::all());

    // Act
    let (bytes, counts) = export_bytes(&store, &Kinds::all(), JSON);

    // Assert
    let document: Value = serde_json::from_slice(&bytes).expect("one JSON document");
    let nodes = document["nodes"].as_array().unwrap();
    let edges = document["edges"].as_array().unwrap();
    assert_eq!(nodes.len() as u64, store.meta().node_count());
    assert_eq!(edges.len() as u64, store.meta().edges);
    assert_eq!(
        (counts.nodes, counts.edges),
        (nodes.len() as u64, edges.len() as u64)
    );
    let without_type = |line: &Value| {
        let mut line = line.clone();
        line.as_object_mut().unwrap().remove("type");
        line
    };
    let records: Vec<Value> = nodes.iter().chain(edges).cloned().collect();
    assert_eq!(records, lines.iter().map(without_type).collect::<Vec<_>>());
}

#[test]
fn every_format_gives_the_same_bytes_from_the_same_data() {
    // Arrange: two stores seeded from the same files.
    let fixture = Fixture::new();
    let first = open(&fixture.seed("one"));
    let second = open(&fixture.seed("two"));

    for (name, writer) in [
        ("ndjson", NDJSON),
        ("json", JSON),
        ("graphml", GRAPHML),
        ("geojson", GEOJSON),
    ] {
        // Act
        let (a, _) = export_bytes(&first, &Kinds::all(), writer);
        let (b, _) = export_bytes(&first, &Kinds::all(), writer);
        let (c, _) = export_bytes(&second, &Kinds::all(), writer);

        // Assert
        assert!(!a.is_empty(), "{name} wrote something");
        assert!(a == b, "{name} differs between two exports of one store");
        assert!(a == c, "{name} differs between two stores of the same data");
    }
    for (store, dir) in [(&first, "csv-a"), (&first, "csv-b"), (&second, "csv-c")] {
        export::csv::write_dir(store, &Kinds::all(), &fixture.path(dir), &|_| {}).unwrap();
    }
    let a = read_dir(&fixture.path("csv-a"));
    assert_eq!(
        a.len(),
        Kind::ALL.len() + 1,
        "a table per kind and edges.csv"
    );
    assert!(
        a == read_dir(&fixture.path("csv-b")),
        "csv differs between two exports"
    );
    assert!(
        a == read_dir(&fixture.path("csv-c")),
        "csv differs between two stores"
    );
}

#[test]
fn csv_tables_parse_back_with_their_header_and_equal_row_lengths() {
    // Arrange
    let (fixture, store) = store();
    let dir = fixture.path("csv");

    // Act
    let counts = export::csv::write_dir(&store, &Kinds::all(), &dir, &|_| {}).unwrap();

    // Assert
    let meta = store.meta();
    assert_eq!(
        (counts.nodes, counts.edges),
        (meta.node_count(), meta.edges)
    );
    let tables = Kind::ALL
        .iter()
        .map(|k| {
            (
                format!("{}.csv", k.plural()),
                export::csv::columns(*k),
                meta.count_of(*k),
            )
        })
        .chain([(
            "edges.csv".to_owned(),
            export::csv::EDGE_COLUMNS.to_vec(),
            meta.edges,
        )]);
    for (file, columns, expected_rows) in tables {
        let mut reader = csv::Reader::from_path(dir.join(&file)).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, columns, "{file} header");
        let mut rows = 0u64;
        for record in reader.records() {
            let record = record.unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(record.len(), header.len(), "{file} row {rows}");
            rows += 1;
        }
        assert_eq!(rows, expected_rows, "{file} rows");
    }
    let header = &export::csv::columns(Kind::Project);
    assert_eq!(header[..4], ["id", "name", "aliases", "description"]);
    assert_eq!(header[header.len() - 2..], ["notes", "sources"]);
}

/// The row of `id` in a CSV table, by column name.
fn csv_row(path: &Path, id: &str) -> BTreeMap<String, String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let record = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == id)
        .unwrap_or_else(|| panic!("{id} in {}", path.display()));
    header
        .iter()
        .map(String::from)
        .zip(record.iter().map(String::from))
        .collect()
}

#[test]
fn csv_project_rows_keep_quoted_text_and_carry_value_location_and_relationships() {
    // Arrange
    let (fixture, store) = store();
    let dir = fixture.path("csv");
    let id = Id::parse(TRICKY_PROJECT).unwrap();
    let node = store.node(&id).unwrap().unwrap();
    let NodeAttrs::Project(attrs) = &node.attrs else {
        panic!("a project")
    };
    let ids_of = |edge_type: EdgeType, direction: Direction| {
        store
            .neighbour_ids(&id, edge_type, direction)
            .unwrap()
            .iter()
            .map(Id::to_string)
            .collect::<Vec<_>>()
            .join(" | ")
    };

    // Act
    export::csv::write_dir(&store, &Kinds::all(), &dir, &|_| {}).unwrap();

    // Assert
    let row = csv_row(&dir.join("projects.csv"), TRICKY_PROJECT);
    assert_eq!(row["name"], TRICKY_NAME);
    assert_eq!(row["description"], TRICKY_DESCRIPTION);
    assert_eq!(row["aliases"], "A, B | Ü \"C\"");
    assert_eq!(row["status"], "SUSPENDED");
    let value: f64 = row["value_usd"].parse().unwrap();
    assert_eq!(Some(value), attrs.value_usd());
    let location = attrs.location.as_ref().expect("located");
    assert_eq!(row["lat"].parse::<f64>().unwrap(), location.lat);
    assert_eq!(row["lon"].parse::<f64>().unwrap(), location.lon);
    assert_eq!(row["start_year"], attrs.start_year.unwrap().to_string());
    assert_eq!(
        row["host_countries"],
        ids_of(EdgeType::LocatedIn, Direction::Out)
    );
    assert_eq!(row["sectors"], ids_of(EdgeType::InSector, Direction::Out));
    assert_eq!(
        row["enterprises"],
        ids_of(EdgeType::ParticipatesIn, Direction::In)
    );
    assert!(!row["enterprises"].is_empty());
    assert_eq!(
        row["sources"],
        node.sources
            .iter()
            .map(Id::to_string)
            .collect::<Vec<_>>()
            .join(" | ")
    );
}

#[test]
fn csv_opens_in_pandas_the_same_way_as_in_the_csv_crate() {
    if !python_has("pandas") {
        return;
    }
    // Arrange
    let (fixture, store) = store();
    let dir = fixture.path("csv");
    export::csv::write_dir(&store, &Kinds::all(), &dir, &|_| {}).unwrap();

    // Act
    let tables = python(
        r#"
import json, os, sys
import pandas as pd
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    path = os.path.join(sys.argv[1], name)
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    typed = pd.read_csv(path)
    out[name] = {"columns": list(text.columns), "rows": text.values.tolist(),
                 "typed_shape": list(typed.shape)}
print(json.dumps(out))
"#,
        &[&dir],
    );

    // Assert
    for (file, table) in tables.as_object().unwrap() {
        let mut reader = csv::Reader::from_path(dir.join(file)).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(table["columns"], json!(header), "{file} columns");
        assert_eq!(table["rows"], json!(rows), "{file} cells");
        assert_eq!(
            table["typed_shape"],
            json!([rows.len(), header.len()]),
            "{file} shape"
        );
    }
}

#[test]
fn graphml_reads_back_in_networkx_with_every_node_edge_and_attribute() {
    if !python_has("networkx") {
        return;
    }
    // Arrange
    let (fixture, store) = store();
    let path = fixture.path("graph.graphml");
    let (bytes, counts) = export_bytes(&store, &Kinds::all(), GRAPHML);
    std::fs::write(&path, bytes).unwrap();
    let mut edge_types: BTreeMap<String, u64> = BTreeMap::new();
    for line in ndjson_lines(&store, &Kinds::all()) {
        if line["type"] == "edge" {
            *edge_types
                .entry(line["edgeType"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }

    // Act
    let graph = python(
        r#"
import collections, json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1], force_multigraph=True)
types = collections.Counter(d["edge_type"] for _, _, d in g.edges(data=True))
print(json.dumps({
    "directed": g.is_directed(),
    "nodes": g.number_of_nodes(),
    "edges": g.number_of_edges(),
    "project": g.nodes[sys.argv[2]],
    "country": g.nodes["country:KH"],
    "edge_types": dict(types),
    "with_roles": sum(1 for _, _, d in g.edges(data=True) if "roles" in d),
}))
"#,
        &[&path, Path::new(TRICKY_PROJECT)],
    );

    // Assert
    let meta = store.meta();
    assert_eq!(graph["directed"], true);
    assert_eq!(graph["nodes"], meta.node_count());
    assert_eq!(graph["edges"], meta.edges);
    assert_eq!(
        (counts.nodes, counts.edges),
        (meta.node_count(), meta.edges)
    );
    assert_eq!(graph["edge_types"], json!(edge_types));
    assert!(graph["with_roles"].as_u64().unwrap() >= edge_types["PARTICIPATES_IN"]);
    let project = &graph["project"];
    let node = store
        .node(&Id::parse(TRICKY_PROJECT).unwrap())
        .unwrap()
        .unwrap();
    let NodeAttrs::Project(attrs) = &node.attrs else {
        panic!("a project")
    };
    assert_eq!(project["kind"], "PROJECT");
    assert_eq!(project["name"], TRICKY_NAME);
    assert_eq!(project["label"], TRICKY_NAME);
    assert_eq!(project["status"], "SUSPENDED");
    assert_eq!(project["start_year"], json!(attrs.start_year.unwrap()));
    assert_eq!(project["value_usd"].as_f64(), attrs.value_usd());
    assert_eq!(graph["country"]["kind"], "COUNTRY");
    assert!(graph["country"].get("status").is_none());
}

/// Checks one feature against the GeoJSON rules and this export's properties.
#[track_caller]
fn check_feature(feature: &Value) {
    assert_eq!(feature["type"], "Feature");
    assert_eq!(feature["geometry"]["type"], "Point");
    let coordinates = feature["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(coordinates.len(), 2);
    let (lon, lat) = (
        coordinates[0].as_f64().unwrap(),
        coordinates[1].as_f64().unwrap(),
    );
    assert!((-180.0..=180.0).contains(&lon), "lon {lon}");
    assert!((-90.0..=90.0).contains(&lat), "lat {lat}");
    let properties = &feature["properties"];
    for key in [
        "id",
        "name",
        "kind",
        "status",
        "hostCountries",
        "sectors",
        "enterprises",
        "precision",
        "valueUsd",
    ] {
        assert!(
            properties.get(key).is_some(),
            "property `{key}` in {feature}"
        );
    }
    assert_eq!(feature["id"], properties["id"]);
    assert!(["PROJECT", "ZONE"].contains(&properties["kind"].as_str().unwrap()));
    assert!(!properties["hostCountries"].as_array().unwrap().is_empty());
    for enterprise in properties["enterprises"].as_array().unwrap() {
        assert!(enterprise["name"].is_string() && enterprise["roles"].is_array());
    }
}

#[test]
fn geojson_has_a_point_in_range_with_the_required_properties_for_each_located_node() {
    // Arrange
    let (_fixture, store) = store();

    // Act
    let (bytes, counts) = export_bytes(&store, &Kinds::all(), GEOJSON);

    // Assert
    let collection: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().unwrap();
    assert_eq!(features.len() as u64, located_count(&store));
    assert_eq!(counts.nodes, features.len() as u64);
    features.iter().for_each(check_feature);
    let zone = features
        .iter()
        .find(|f| f["id"] == LOCATED_ZONE)
        .expect("the located zone is a feature");
    assert_eq!(zone["geometry"]["coordinates"], json!([103.52, 10.61]));
    assert_eq!(zone["properties"]["kind"], "ZONE");
    assert_eq!(zone["properties"]["precision"], "CITY");
    assert!(zone["properties"]["valueUsd"].is_null());
    assert_eq!(
        zone["properties"]["enterprises"][0]["roles"],
        json!(["DEVELOPER"])
    );
    let project = features.iter().find(|f| f["id"] == TRICKY_PROJECT).unwrap();
    assert!(project["properties"]["valueUsd"].is_number());
    assert!(project["properties"]["hostCountries"][0]
        .as_str()
        .unwrap()
        .starts_with("Synthetic country"));
}

#[test]
fn geojson_is_valid_for_the_python_geojson_package() {
    if !python_has("geojson") {
        return;
    }
    // Arrange
    let (fixture, store) = store();
    let path = fixture.path("map.geojson");
    let (bytes, counts) = export_bytes(&store, &Kinds::all(), GEOJSON);
    std::fs::write(&path, bytes).unwrap();

    // Act
    let checked = python(
        r#"
import json, sys
import geojson
collection = geojson.load(open(sys.argv[1]))
print(json.dumps({"valid": collection.is_valid, "errors": str(collection.errors()),
                  "features": len(collection["features"])}))
"#,
        &[&path],
    );

    // Assert
    assert_eq!(checked["valid"], true, "{}", checked["errors"]);
    assert_eq!(checked["features"], counts.nodes);
}

#[test]
fn kinds_keep_only_those_nodes_and_the_edges_between_them() {
    // Arrange
    let (fixture, store) = store();
    let kinds = Kinds::parse("projects,Zones").unwrap();
    let expected_edges: Vec<Value> = ndjson_lines(&store, &Kinds::all())
        .into_iter()
        .filter(|l| {
            let end_ok = |end: &Value| {
                let id = Id::parse(end.as_str().unwrap()).unwrap();
                matches!(id.kind(), Kind::Project | Kind::Zone)
            };
            l["type"] == "edge" && end_ok(&l["from"]) && end_ok(&l["to"])
        })
        .collect();

    // Act
    let lines = ndjson_lines(&store, &kinds);
    let dir = fixture.path("csv");
    export::csv::write_dir(&store, &kinds, &dir, &|_| {}).unwrap();

    // Assert
    let meta = store.meta();
    let nodes: Vec<&Value> = lines.iter().filter(|l| l["type"] == "node").collect();
    assert_eq!(
        nodes.len() as u64,
        meta.count_of(Kind::Zone) + meta.count_of(Kind::Project)
    );
    assert!(nodes
        .iter()
        .all(|n| n["kind"] == "ZONE" || n["kind"] == "PROJECT"));
    let edges: Vec<Value> = lines.into_iter().filter(|l| l["type"] == "edge").collect();
    assert!(!edges.is_empty(), "projects lie in zones");
    assert_eq!(edges, expected_edges);
    let files: Vec<String> = read_dir(&dir).into_keys().collect();
    assert_eq!(files, ["edges.csv", "projects.csv", "zones.csv"]);
}

#[test]
fn kind_lists_name_what_is_wrong() {
    assert!(
        matches!(Kinds::parse("projects,bridges"), Err(ExportError::UnknownKind(k)) if k == "bridges")
    );
    assert!(matches!(Kinds::parse(" , "), Err(ExportError::NoKinds)));
    assert_eq!(
        Kinds::parse("project, zones,").unwrap(),
        [Kind::Zone, Kind::Project].into_iter().collect()
    );
}

#[test]
fn the_command_writes_ndjson_to_standard_output_without_out() {
    // Arrange
    let fixture = Fixture::new();
    let data = fixture.seed("data");
    let data_arg = data.to_str().unwrap();

    // Act
    let output = capgraph_output(&["export", "--format", "ndjson", "--data", data_arg]);

    // Assert
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (expected, _) = export_bytes(&open(&data), &Kinds::all(), NDJSON);
    assert!(output.stdout == expected, "stdout is the library's export");
}

/// An export is a process of its own, so it can afford 4 KiB pages; with mimalloc's huge
/// pages every export held about 40 MB more (docs/benchmarks.md, "Export memory").
#[test]
#[cfg(target_os = "linux")]
fn an_export_runs_with_transparent_huge_pages_turned_off() {
    use std::io::Read;
    use std::process::Stdio;

    // Arrange
    let fixture = Fixture::new();
    let data = fixture.seed("data");

    // Act: nobody reads the export yet, so it stops on a full pipe and can be looked at.
    let mut child = common::capgraph()
        .args(["export", "--format", "ndjson", "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("capgraph export starts");
    let mut stdout = child.stdout.take().expect("a piped stdout");
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("the export writes");
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .expect("the export's /proc status");
    let mut rest = Vec::new();
    stdout
        .read_to_end(&mut rest)
        .expect("the rest of the export");
    let exit = child.wait().expect("the export ends");

    // Assert
    assert!(exit.success(), "the export exits 0");
    let thp = status
        .lines()
        .find_map(|line| line.strip_prefix("THP_enabled:"))
        .expect("the kernel reports THP_enabled (Linux 5.0 and later)");
    assert_eq!(
        thp.trim(),
        "0",
        "transparent huge pages are off in an export"
    );
    assert!(
        rest.len() > 64 * 1024,
        "the export was still writing when looked at"
    );
}

#[test]
fn the_command_writes_each_file_format_to_out_and_says_what_it_wrote() {
    // Arrange
    let fixture = Fixture::new();
    let data = fixture.seed("data");
    let data_arg = data.to_str().unwrap();

    for format in ["json", "graphml", "geojson", "csv", "seed"] {
        // Act
        let out = fixture.path(&format!("out-{format}"));
        let output = capgraph_output(&[
            "export",
            "--format",
            format,
            "--data",
            data_arg,
            "--out",
            out.to_str().unwrap(),
        ]);

        // Assert
        assert!(
            output.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            String::from_utf8_lossy(&output.stdout).starts_with("exported "),
            "{format}"
        );
        assert!(out.exists(), "{format} wrote {}", out.display());
    }
    let files = SeedFiles::from_dir(&fixture.path("out-seed")).unwrap();
    let reloaded = capgraph::store::dataset_digest(&seed::load(&files).unwrap()).unwrap();
    assert_eq!(
        reloaded,
        open(&data).meta().digest,
        "the seed export loads back to the same digest"
    );
}

#[test]
fn the_command_calls_bad_kinds_and_missing_directories_bad_input_with_exit_code_2() {
    // Arrange
    let fixture = Fixture::new();
    let data = fixture.seed("data");
    let data_arg = data.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--format", "ndjson", "--kinds", "projects,bridges"],
            "unknown node kind `bridges`",
        ),
        (&["--format", "csv"], "--out DIR"),
        (&["--format", "seed"], "--out DIR"),
        (
            &["--format", "seed", "--kinds", "projects", "--out", "x"],
            "--kinds",
        ),
        (
            &["--format", "geojson", "--kinds", "countries"],
            "projects and zones",
        ),
    ];

    for (args, message) in cases {
        // Act
        let mut all = vec!["export", "--data", data_arg];
        all.extend_from_slice(args);
        let output = capgraph_output(&all);

        // Assert
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?} says `{message}`: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?} wrote nothing to stdout");
    }
}
