//! No N+1: a nested page costs a few store reads per level of nesting, however many rows each
//! level has. These run the schema in-process, since only the store can count its reads.

use std::sync::{Arc, LazyLock};

use async_graphql::{Request, Variables};
use capgraph::graphql::{build_schema, execute, Limits};
use capgraph::seed::{self, SeedFiles};
use capgraph::store::{DataDir, Store};
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::helpers::data_dir;

/// A page of projects with four levels below it: host countries, sources, enterprises with
/// their edge sources, and each enterprise's headquarters.
const NESTED: &str = r#"query ($first: Int!) {
  projects(first: $first) {
    edges { node {
      id name
      hostCountries { code name }
      sources { title }
      enterprises(first: 10) {
        edges { role sources { title } node { id name headquarters { code name } } }
      }
    } }
  }
}"#;

/// Levels of the query that read the store: the page itself, host countries, project sources,
/// enterprises, edge sources and headquarters.
const LEVELS: u64 = 6;

/// A store seeded from `files` in its own data directory; the directory lives as long as it.
struct Seeded {
    store: Arc<Store>,
    _dir: TempDir,
}

fn seeded(files: &SeedFiles) -> Seeded {
    let dir = data_dir();
    let dataset = seed::load(files).expect("a valid dataset");
    let store = DataDir::new(dir.path())
        .seed(&dataset, &files.origin, &|_| {})
        .expect("seeded");
    Seeded {
        store: Arc::new(store),
        _dir: dir,
    }
}

/// A store of the generated scale-1 dataset (about 1,000 projects), built once.
fn generated() -> &'static Seeded {
    static STORE: LazyLock<Seeded> = LazyLock::new(|| {
        let dir = data_dir();
        let out = dir.path().join("seed");
        capgraph::generate::generate(&out, 1, 42, &|_| {}).expect("a generated dataset");
        let files = SeedFiles::from_dir(&out).expect("readable seed files");
        // The seed files are read; only the store needs to stay.
        seeded(&files)
    });
    &STORE
}

/// Runs `NESTED` with `first` and returns the answer and how many store reads it took.
fn run_counting(store: &Arc<Store>, first: usize) -> (Value, u64) {
    let schema = build_schema(Arc::clone(store), &Limits::default());
    let request = Request::new(NESTED).variables(Variables::from_json(json!({ "first": first })));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let before = store.read_count();
    let response = runtime.block_on(execute(&schema, request));
    let reads = store.read_count() - before;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("JSON data");
    (data, reads)
}

/// How many rows each level of an answer has, to show the query really was nested.
fn rows(data: &Value) -> (usize, usize, usize) {
    let projects = data["projects"]["edges"].as_array().unwrap();
    let enterprises: Vec<&Value> = projects
        .iter()
        .flat_map(|p| p["node"]["enterprises"]["edges"].as_array().unwrap())
        .collect();
    let headquarters = enterprises
        .iter()
        .filter(|e| !e["node"]["headquarters"].is_null())
        .count();
    (projects.len(), enterprises.len(), headquarters)
}

#[test]
fn a_nested_page_of_fifty_projects_costs_a_few_store_reads_per_level() {
    // Arrange
    let embedded = seeded(&SeedFiles::embedded());

    // Act
    let (data, reads) = run_counting(&embedded.store, 50);

    // Assert
    let (projects, enterprises, headquarters) = rows(&data);
    assert_eq!(projects, 50);
    assert!(
        enterprises > 50 && headquarters > 50,
        "{enterprises} {headquarters}"
    );
    println!("{projects} projects, {enterprises} enterprise rows: {reads} store reads");
    assert!(
        reads <= 2 * LEVELS,
        "{reads} store reads for {LEVELS} levels: batching is broken"
    );
}

#[test]
fn the_store_reads_of_a_nested_page_do_not_grow_with_the_page() {
    // Arrange
    let generated = generated();
    assert!(
        generated
            .store
            .meta()
            .count_of(capgraph::model::Kind::Project)
            >= 1000
    );

    // Act
    let (small, small_reads) = run_counting(&generated.store, 5);
    let (large, large_reads) = run_counting(&generated.store, 50);

    // Assert
    assert_eq!(rows(&small).0, 5);
    assert_eq!(rows(&large).0, 50);
    assert!(rows(&large).1 > rows(&small).1, "more rows below, too");
    assert_eq!(
        small_reads, large_reads,
        "ten times the rows, the same number of store reads"
    );
    assert!(large_reads <= 2 * LEVELS, "{large_reads}");
}

#[test]
fn a_lookup_by_id_reads_the_store_once_per_level() {
    let embedded = seeded(&SeedFiles::embedded());
    let schema = build_schema(Arc::clone(&embedded.store), &Limits::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let store = &embedded.store;
    let before = store.read_count();
    let response = runtime.block_on(execute(
        &schema,
        Request::new(r#"{ project(id: "project:suramadu-bridge") { name } }"#),
    ));
    assert!(response.errors.is_empty());
    assert_eq!(store.read_count() - before, 1, "one read for one node");
}

#[test]
fn a_small_page_under_a_long_list_reads_the_page_not_the_list() {
    // Arrange: a country of the generated dataset hosts about a hundred projects. The store is
    // this test's own, so that no other test's reads are counted.
    let dir = data_dir();
    let out = dir.path().join("seed");
    capgraph::generate::generate(&out, 1, 42, &|_| {}).expect("a generated dataset");
    let own = seeded(&SeedFiles::from_dir(&out).expect("readable seed files"));
    let store = &own.store;
    let schema = build_schema(Arc::clone(store), &Limits::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let query = r#"{ country(code: "KH") { projects(first: 3) { totalCount
        nodes { id enterprises(first: 2) { totalCount edges { node { id } } } } } } }"#;

    // Act
    let before = store.decoded_count();
    let response = runtime.block_on(execute(&schema, Request::new(query)));
    let decoded = store.decoded_count() - before;

    // Assert
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("JSON data");
    let total = data["country"]["projects"]["totalCount"].as_u64().unwrap();
    let page = data["country"]["projects"]["nodes"].as_array().unwrap();
    let enterprises: usize = page
        .iter()
        .map(|p| p["enterprises"]["edges"].as_array().unwrap().len())
        .sum();
    assert!(total > 50, "the list is long: {total}");
    assert_eq!(page.len(), 3);
    // The country (looked up, then wrapped), the three projects and their enterprises.
    let wanted = 2 + 3 + enterprises as u64;
    assert!(
        decoded <= wanted,
        "decoded {decoded} nodes for a page of {} rows under a list of {total}",
        wanted
    );
}

/// A store whose one country hosts `projects` projects, with statuses, start years and values
/// spread over them: a hub far larger than the real dataset's, built straight from the model.
fn hub(projects: usize) -> Seeded {
    use capgraph::model::{
        CountryAttrs, Dataset, Edge, EdgeProps, EdgeType, Id, Money, Node, NodeAttrs, ProjectAttrs,
        Status,
    };
    let node = |id: &str, name: String, attrs: NodeAttrs| Node {
        id: Id::parse(id).expect("an ID"),
        name,
        aliases: vec![],
        description: None,
        notes: vec![],
        sources: vec![],
        attrs,
    };
    let mut dataset = Dataset::default();
    dataset.nodes.push(node(
        "country:KH",
        "Cambodia".into(),
        NodeAttrs::Country(CountryAttrs::default()),
    ));
    for i in 0..projects {
        let id = format!("project:p{i:06}");
        // Every seventh value is missing; the rest repeat so that ties occur.
        let value = (i % 7 != 3).then(|| Money {
            amount: ((i * 7919) % 5_000) as f64 * 1e6,
            currency: "USD".into(),
            year: Some(2020),
            usd: Some(((i * 7919) % 5_000) as f64 * 1e6),
            approximate: false,
            label: None,
            sources: vec![],
        });
        dataset.nodes.push(node(
            &id,
            format!("Hub project {i}"),
            NodeAttrs::Project(ProjectAttrs {
                status: Status::ALL[i % Status::ALL.len()],
                start_year: (i % 11 != 5).then_some(1990 + ((i * 13) % 35) as i32),
                completion_year: None,
                value: value.into_iter().collect(),
                capacity: vec![],
                location: None,
            }),
        ));
        dataset.edges.push(Edge {
            from: Id::parse(&id).expect("an ID"),
            edge_type: EdgeType::LocatedIn,
            to: Id::parse("country:KH").expect("an ID"),
            props: EdgeProps::default(),
        });
    }
    dataset.sort();
    let dir = data_dir();
    let store = DataDir::new(dir.path())
        .seed(&dataset, "hub", &|_| {})
        .expect("seeded");
    Seeded {
        store: Arc::new(store),
        _dir: dir,
    }
}

static HUB: LazyLock<Seeded> = LazyLock::new(|| hub(100_000));

fn run(store: &Arc<Store>, query: &str, variables: Value) -> Value {
    let schema = build_schema(Arc::clone(store), &Limits::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let request = Request::new(query).variables(Variables::from_json(variables));
    let response = runtime.block_on(execute(&schema, request));
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    response.data.into_json().expect("JSON data")
}

#[test]
fn a_page_of_twenty_under_a_country_with_100000_projects_reads_about_twenty_records() {
    let store = &HUB.store;
    let query = r#"query ($after: String) { country(code: "KH") { projects(first: 20, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } } }"#;

    let before = store.decoded_count();
    let first = run(store, query, json!({}));
    let decoded = store.decoded_count() - before;

    let page = &first["country"]["projects"];
    assert_eq!(page["totalCount"], 100_000);
    let ids: Vec<&str> = page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..20).map(|i| format!("project:p{i:06}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert!(decoded <= 30, "decoded {decoded} records for a page of 20");

    let second = run(
        store,
        query,
        json!({ "after": page["pageInfo"]["endCursor"] }),
    );
    let page = &second["country"]["projects"];
    assert_eq!(page["nodes"][0]["id"], "project:p000020");
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
}

/// `filter` and `orderBy` of the project list, as the planner gets them, and the same with a
/// redundant `and` that no index plan takes, so the fallback answers it.
fn planned_and_fallback(filter: &str, order: &str) -> (String, String) {
    let query = |filter: &str| {
        format!(
            r#"query ($after: String) {{ projects(filter: {filter}, orderBy: {order}, first: 50, after: $after) {{
            totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }} nodes {{ id valueUsd startYear status }} }} }}"#
        )
    };
    let fallback = format!("{{ and: [{filter}] }}");
    (query(filter), query(&fallback))
}

#[test]
fn a_filtered_ordered_page_reads_a_few_hundred_index_entries_and_answers_as_the_full_sort_does() {
    let store = &HUB.store;
    for (filter, order) in [
        (
            "{ status: [OPERATIONAL], startYear: { min: 2015 } }",
            "[{ field: VALUE_USD, direction: DESC }]",
        ),
        ("{ status: [PLANNED, UNKNOWN] }", "[{ field: START_YEAR }]"),
        (
            "{ startYear: { max: 1995 } }",
            "[{ field: NAME, direction: DESC }]",
        ),
        (
            "{ status: [CANCELLED], valueUsd: { min: 1e9 } }",
            "[{ field: VALUE_USD }]",
        ),
    ] {
        let (planned, fallback) = planned_and_fallback(filter, order);
        let before = store.index_entries_read();
        let fast = run(store, &planned, json!({}));
        let entries = store.index_entries_read() - before;
        let slow = run(store, &fallback, json!({}));
        assert_eq!(fast, slow, "{filter} {order}");
        assert_eq!(fast["projects"]["nodes"].as_array().unwrap().len(), 50);
        if filter.starts_with("{ status: [OPERATIONAL]") {
            assert!(entries <= 300, "{entries} index entries for a page of 50");
        }
        // The next page follows on, in both.
        let after = json!({ "after": fast["projects"]["pageInfo"]["endCursor"] });
        assert_eq!(
            run(store, &planned, after.clone()),
            run(store, &fallback, after),
            "{filter} {order}, page 2"
        );
    }
}
