//! No N+1: a nested page costs a few store reads per level of nesting, however many rows each
//! level has; and batching changes no answer: a nested query answers for each node what asking
//! for that node alone answers. These run the schema in-process, since only the store can count
//! its reads. Tests that count reads seed a store of their own, so no other test's reads count.

use std::sync::{Arc, LazyLock};

use capgraph::graphql::{build_schema, Limits};
use capgraph::seed::SeedFiles;
use capgraph::store::Store;
use serde_json::{json, Value};

use crate::common::data::{read_seed_dir, temp_dir, TempStore};
use crate::common::schema::{check, data, response_of};

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

/// The generated scale-1 dataset's seed files (about 1,000 projects), in a directory that
/// lives as long as the returned store.
fn generated_store() -> TempStore {
    let dir = temp_dir("generated");
    let out = dir.path().join("seed");
    capgraph::generate::generate(&out, 1, 42, &|_| {}).expect("a generated dataset");
    // The seed files are read; only the store needs to stay.
    TempStore::seeded(&read_seed_dir(&out))
}

/// A store of the generated scale-1 dataset (about 1,000 projects), built once.
fn generated() -> &'static TempStore {
    static STORE: LazyLock<TempStore> = LazyLock::new(generated_store);
    &STORE
}

/// The `data` of a query over `schema` that must succeed.
fn run_on(schema: &capgraph::graphql::AppSchema, query: &str, variables: Value) -> Value {
    let body = response_of(schema, query, variables);
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"].clone()
}

fn run(store: &Arc<Store>, query: &str, variables: Value) -> Value {
    run_on(
        &build_schema(Arc::clone(store), &Limits::default()),
        query,
        variables,
    )
}

/// Runs `NESTED` with `first` and returns the answer and how many store reads it took.
fn run_counting(store: &Arc<Store>, first: usize) -> (Value, u64) {
    let schema = build_schema(Arc::clone(store), &Limits::default());
    let before = store.read_count();
    let data = run_on(&schema, NESTED, json!({ "first": first }));
    let reads = store.read_count() - before;
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
    let embedded = TempStore::seeded(&SeedFiles::embedded());

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
    let embedded = TempStore::seeded(&SeedFiles::embedded());
    let schema = build_schema(Arc::clone(&embedded.store), &Limits::default());
    let store = &embedded.store;
    let before = store.read_count();
    run_on(
        &schema,
        r#"{ project(id: "project:suramadu-bridge") { name } }"#,
        json!({}),
    );
    assert_eq!(store.read_count() - before, 1, "one read for one node");
}

#[test]
fn a_small_page_under_a_long_list_reads_the_page_not_the_list() {
    // Arrange: a country of the generated dataset hosts about a hundred projects. The store is
    // this test's own, so that no other test's reads are counted.
    let own = generated_store();
    let store = &own.store;
    let schema = build_schema(Arc::clone(store), &Limits::default());
    let query = r#"{ country(code: "KH") { projects(first: 3) { totalCount
        nodes { id enterprises(first: 2) { totalCount edges { node { id } } } } } } }"#;

    // Act
    let before = store.decoded_count();
    let data = run_on(&schema, query, json!({}));
    let decoded = store.decoded_count() - before;

    // Assert
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
fn hub(projects: usize) -> TempStore {
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
    TempStore::of_dataset(&dataset, "hub")
}

static HUB: LazyLock<TempStore> = LazyLock::new(|| hub(100_000));

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

/// What a page of projects shows without reading their records: the fields the store's index
/// holds, and host countries.
const SUMMARY_FIELDS: &str =
    "id name status startYear completionYear valueUsd hostCountries { code name }";

#[test]
fn a_page_that_shows_only_what_the_index_holds_reads_no_project_record() {
    // A hub of its own, so that no other test has put its records in the cache.
    let own = hub(2_000);
    let store = &own.store;
    let schema = build_schema(Arc::clone(store), &Limits::default());
    let under_country = format!(
        r#"{{ country(code: "KH") {{ projects(first: 20) {{ nodes {{ {SUMMARY_FIELDS} }} }} }} }}"#
    );
    let planned = format!(
        r#"{{ projects(filter: {{ status: [OPERATIONAL] }}, orderBy: [{{ field: VALUE_USD, direction: DESC }}],
            first: 20) {{ nodes {{ {SUMMARY_FIELDS} }} }} }}"#
    );

    let (reads, before) = (store.read_count(), store.decoded_count());
    let page = run_on(&schema, &under_country, json!({}));
    let for_page = store.decoded_count() - before;
    let calls_for_page = store.read_count() - reads;
    let ordered = run_on(&schema, &planned, json!({}));
    let decoded = store.decoded_count() - before;

    // Countries only: the one looked up (found, then wrapped) and the host country of each
    // page. Reading the projects would be 40 more.
    assert!(
        decoded <= 4,
        "looked up {decoded} records for two pages of 20"
    );
    let nodes = page["country"]["projects"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 20);
    assert_eq!(nodes[0]["name"], "Hub project 0");
    assert_eq!(ordered["projects"]["nodes"].as_array().unwrap().len(), 20);

    // A field the index does not hold reads the page's records, all in one call.
    let (reads, decoded) = (store.read_count(), store.decoded_count());
    let with_description = under_country.replace("id name", "id description name");
    let described = run_on(&schema, &with_description, json!({}));
    assert_eq!(
        store.decoded_count() - decoded,
        for_page + 20,
        "the countries as before, and the page's 20 records"
    );
    // The records take one store call; the index's names and facets are then not asked for.
    let calls = store.read_count() - reads;
    assert!(
        calls <= calls_for_page + 1,
        "{calls} store calls, against {calls_for_page} without the records"
    );
    let names = |data: &Value| -> Vec<Value> {
        data["country"]["projects"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].clone())
            .collect()
    };
    assert_eq!(names(&described), names(&page));
}

#[test]
fn a_project_looked_up_by_id_shows_what_the_index_holds_without_its_record() {
    // A store of its own, so that no other test has put its records in the cache.
    let own = hub(200);
    let store = &own.store;
    let schema = build_schema(Arc::clone(store), &Limits::default());
    let query = format!(
        r#"{{ found: project(id: "project:p000007") {{ {SUMMARY_FIELDS} }}
            missing: project(id: "project:p999999") {{ id }}
            node(id: "project:p000008") {{ id ... on Project {{ name status }} }} }}"#
    );

    let before = store.decoded_count();
    let answer = run_on(&schema, &query, json!({}));
    let decoded = store.decoded_count() - before;

    assert_eq!(answer["found"]["id"], "project:p000007");
    assert_eq!(answer["found"]["name"], "Hub project 7");
    // `hub` gives project i the status `Status::ALL[i % 7]`.
    assert_eq!(answer["found"]["status"], "PLANNED");
    assert_eq!(answer["found"]["hostCountries"][0]["name"], "Cambodia");
    assert_eq!(answer["missing"], Value::Null);
    assert_eq!(answer["node"]["name"], "Hub project 8");
    // The host country's record only; reading the projects' would be two more.
    assert_eq!(decoded, 1, "looked up {decoded} records");

    // A field the index does not hold reads the record.
    let before = store.decoded_count();
    let described = run_on(
        &schema,
        r#"{ project(id: "project:p000007") { description name } }"#,
        json!({}),
    );
    assert_eq!(described["project"]["name"], "Hub project 7");
    assert_eq!(store.decoded_count() - before, 1);
}

#[test]
fn a_page_of_each_countrys_projects_answers_from_the_index_what_each_record_answers() {
    // Projects under a country are read lazily (their names and facets from the index). Asked
    // alone with `description` first, a project's record is read before the other fields,
    // which then come from it (fields resolve in turn): both must give the same answer.
    let page = data(
        &format!(
            "{{ countries(first: 20) {{ nodes {{ projects(first: 200) {{ nodes {{ {SUMMARY_FIELDS} }} }} }} }} }}"
        ),
        json!({}),
    );
    let projects: Vec<Value> = page["countries"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["projects"]["nodes"].as_array().unwrap().clone())
        .collect();
    assert!(projects.len() > 50, "{} projects", projects.len());
    assert!(projects.iter().any(|p| p["valueUsd"].is_number()));
    assert!(projects.iter().any(|p| p["completionYear"].is_number()));
    let alone =
        format!("query ($key: ID!) {{ project(id: $key) {{ description {SUMMARY_FIELDS} }} }}");
    for project in &projects {
        let mut from_record = data(&alone, json!({ "key": project["id"] }))["project"].clone();
        from_record
            .as_object_mut()
            .and_then(|fields| fields.remove("description"))
            .expect("the project and its description");
        assert_eq!(&from_record, project);
    }
}

/// `filter` and `orderBy` of the project list, as the planner gets them, and the same with a
/// redundant `and` that no index plan takes, so the fallback answers it.
fn planned_and_fallback(filter: &str, order: &str) -> (String, String) {
    let query = |filter: &str| {
        format!(
            r#"query ($after: String) {{ projects(filter: {filter}, orderBy: {order}, first: 50, after: $after) {{
            totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }}
            nodes {{ id name valueUsd startYear completionYear status }} }} }}"#
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

// ---------------------------------------------------------------------------------------------
// Batching changes no answer

/// A project's fields on every relationship a batch reads: lists, a single link, a paged
/// connection cut per sibling with edge properties, and links of the next level.
const PROJECT_FIELDS: &str = "id name status startYear valueUsd
  hostCountries { code name }
  sectors { id tier parent { id } }
  sources { title }
  zone { id name }
  frameworks { id }
  enterprises(first: 2) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { role sources { title } node { id headquarters { code } parent { id } ultimateParent { id } } }
  }";

/// Asks for each node of `nodes` alone, with `one` (a query taking `$key`), and checks that
/// the answer is the node as the batched query gave it.
#[track_caller]
fn check_each_alone(nodes: &[Value], key: &str, one: &str, root: &str) {
    for node in nodes {
        check(one, json!({ "key": node[key] }), json!({ root: node }));
    }
}

#[test]
fn a_page_of_projects_answers_for_each_project_what_asking_for_it_alone_answers() {
    // Arrange, Act: every project, a page at a time, each with its relationships batched.
    let page = data(
        &format!("{{ projects(first: 500) {{ nodes {{ {PROJECT_FIELDS} }} }} }}"),
        json!({}),
    );
    let nodes = page["projects"]["nodes"].as_array().unwrap();

    // Assert: the batch cut some enterprise pages short, and each project alone agrees.
    let cut = nodes
        .iter()
        .filter(|p| p["enterprises"]["pageInfo"]["hasNextPage"] == true)
        .count();
    assert!(
        cut > 0 && cut < nodes.len(),
        "{cut} of {} pages cut",
        nodes.len()
    );
    check_each_alone(
        nodes,
        "id",
        &format!("query ($key: ID!) {{ project(id: $key) {{ {PROJECT_FIELDS} }} }}"),
        "project",
    );
}

/// A country's connections: ID-ordered pages cut per sibling, a page in another order (which
/// reads the whole list), a filtered page, and a second level below each.
const COUNTRY_FIELDS: &str = "code
  projects(first: 3) { totalCount edges { cursor node { id sectors { id } } } }
  latest: projects(first: 2, orderBy: [{ field: START_YEAR, direction: DESC }]) {
    totalCount nodes { id startYear } }
  power: projects(filter: { sector: [\"sector:power\"] }, first: 5) { totalCount nodes { id } }
  headquarteredEnterprises(first: 3) {
    totalCount nodes { id subsidiaries(first: 2) { totalCount nodes { id } } } }
  zones(first: 2) { totalCount nodes { id } }";

#[test]
fn a_list_of_countries_answers_for_each_country_what_asking_for_it_alone_answers() {
    let page = data(
        &format!("{{ countries(first: 500) {{ nodes {{ {COUNTRY_FIELDS} }} }} }}"),
        json!({}),
    );
    let nodes = page["countries"]["nodes"].as_array().unwrap();
    assert!(nodes.len() > 10);
    assert!(
        nodes
            .iter()
            .any(|c| c["projects"]["totalCount"].as_u64() > Some(3)),
        "some pages are cut"
    );
    check_each_alone(
        nodes,
        "code",
        &format!("query ($key: String!) {{ country(code: $key) {{ {COUNTRY_FIELDS} }} }}"),
        "country",
    );
}

/// An enterprise's projects with and without its subsidiaries' (which reads the whole group).
const ENTERPRISE_FIELDS: &str = "id
  own: projects(first: 3) { totalCount edges { role node { id } } }
  group: projects(includeSubsidiaries: true, first: 3) { totalCount edges { role node { id } } }
  subsidiaries(first: 5) { totalCount nodes { id } }";

#[test]
fn a_page_of_enterprises_answers_for_each_enterprise_what_asking_for_it_alone_answers() {
    let page = data(
        &format!("{{ enterprises(first: 500) {{ nodes {{ {ENTERPRISE_FIELDS} }} }} }}"),
        json!({}),
    );
    let nodes = page["enterprises"]["nodes"].as_array().unwrap();
    assert!(
        nodes
            .iter()
            .any(|e| e["group"]["totalCount"] != e["own"]["totalCount"]),
        "some groups have more projects than their head"
    );
    check_each_alone(
        nodes,
        "id",
        &format!("query ($key: ID!) {{ enterprise(id: $key) {{ {ENTERPRISE_FIELDS} }} }}"),
        "enterprise",
    );
}

/// Each project's `hostCountries`, which come from the store's index, against its `LOCATED_IN`
/// edges as `neighbors` follows them: the same countries in the same order.
fn check_host_countries_follow_the_edges(run: impl Fn(&str, Value) -> Value) {
    let page = run(
        "{ projects(first: 500) { nodes { id hostCountries { id code } } } }",
        json!({}),
    );
    let projects = page["projects"]["nodes"].as_array().unwrap();
    assert!(!projects.is_empty());
    for project in projects {
        let reached = run(
            "query ($id: ID!) { neighbors(id: $id, edgeTypes: [LOCATED_IN], direction: OUT) {
                edges { toId } } }",
            json!({ "id": project["id"] }),
        );
        let by_edges: Vec<&Value> = reached["neighbors"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["toId"])
            .collect();
        let held: Vec<&Value> = project["hostCountries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["id"])
            .collect();
        assert_eq!(held, by_edges, "{}", project["id"]);
        assert!(!held.is_empty(), "{} has a host country", project["id"]);
    }
}

#[test]
fn host_countries_are_the_located_in_edges_on_the_real_and_a_generated_dataset() {
    check_host_countries_follow_the_edges(data);
    // A store of its own: the tests that count reads share `generated()`.
    let generated = generated_store();
    let store = Arc::clone(&generated.store);
    check_host_countries_follow_the_edges(|query, variables| run(&store, query, variables));
}

#[test]
fn an_enterprises_page_of_projects_hands_on_their_numbers_and_looks_up_no_project_id() {
    // A store of its own: another test's lookups must not count.
    let generated = generated_store();
    let store = Arc::clone(&generated.store);
    let query = "query ($id: ID!) { enterprise(id: $id) { projects(first: 50) { \
                 edges { role node { id name status hostCountries { code } } } } } }";
    let before = store.project_ids_looked_up();
    let mut projects = 0;
    for n in 0..20 {
        let data = run(
            &store,
            query,
            json!({ "id": format!("enterprise:gen-{n:07}") }),
        );
        let edges = data["enterprise"]["projects"]["edges"].as_array().unwrap();
        assert!(edges.iter().all(|e| e["role"].is_string()
            && e["node"]["name"].is_string()
            && e["node"]["status"].is_string()));
        projects += edges.len();
    }
    assert!(projects > 100, "{projects} projects");
    assert_eq!(store.project_ids_looked_up() - before, 0);

    // Projects reached through their country's edges are looked up by ID: the count counts.
    let before = store.project_ids_looked_up();
    run(
        &store,
        r#"{ country(code: "KH") { projects(first: 20) { nodes { name } } } }"#,
        json!({}),
    );
    assert_eq!(store.project_ids_looked_up() - before, 20);
}
