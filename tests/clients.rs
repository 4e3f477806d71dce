//! Real GraphQL clients against the real server on loopback: graphql-js (the reference
//! implementation), Python `gql`, Apollo Client's normalising cache, and Apollo Client's
//! persisted query link (automatic persisted queries over GET). Each client is a script
//! under `tests/clients/`, run as a child process with the server's URL; it prints one JSON report
//! on its last stdout line, and the tests here judge that report against `schema.graphql`, the
//! README, `bench/` and the seed files.
//!
//! Needs `node` with `npm ci` done at the repository root, and `python3` with `gql[requests]`;
//! `.ci/run` installs both. Without them a test prints `skipped: <reason>` on stderr and passes,
//! except under `CI=true`, where it fails.

mod common;
// Beside the client scripts it feeds.
#[path = "clients/documented.rs"]
mod documented;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::Digest;

use common::{node_packages, python_modules, report_of, require, TestApp};
use documented::documented_queries;

/// Longest one client script may run before the test kills it and fails.
const CLIENT_DEADLINE: Duration = Duration::from_secs(60);

/// One server for every client, with the default limits: they only read.
fn app() -> &'static TestApp {
    static APP: LazyLock<TestApp> = LazyLock::new(common::spawn_app);
    &APP
}

/// What graphql-js saw, and how many documented queries it was given: run once, judged by the
/// two tests below.
struct GraphqlJs {
    report: Value,
    queries: usize,
}

/// Runs the graphql-js client once; `None` when its tools are missing (and skipping is allowed).
fn graphql_js() -> Option<&'static GraphqlJs> {
    static RUN: LazyLock<Option<GraphqlJs>> = LazyLock::new(|| {
        if !available(node_packages(&["graphql"])) {
            return None;
        }
        let queries = documented_queries();
        let report = run_client(
            "node",
            &[
                "tests/clients/graphql-js.mjs",
                &app().address,
                "schema.graphql",
            ],
            &serde_json::to_string(&queries).expect("JSON"),
        );
        Some(GraphqlJs {
            report,
            queries: queries.len(),
        })
    });
    RUN.as_ref()
}

#[test]
fn graphql_js_builds_the_checked_in_schema_from_introspection_and_every_documented_query_validates()
{
    // Arrange, Act
    let Some(GraphqlJs { report, queries }) = graphql_js() else {
        return;
    };

    // Assert
    for variant in ["full", "plain"] {
        let answer = &report["introspection"][variant];
        assert_eq!(
            answer["errors"],
            Value::Null,
            "the server refused the {variant} introspection query:\n{answer:#}"
        );
        assert_eq!(answer["status"], 200, "{answer:#}");
        assert_eq!(
            answer["built"], true,
            "buildClientSchema rejected the {variant} answer:\n{answer:#}"
        );
        // The schema's own description is judged by the next test.
        assert_eq!(
            answer["matchesApartFromSchemaDescription"], true,
            "the schema built from the {variant} introspection differs from schema.graphql \
             (regenerate with `cargo run -- schema > schema.graphql` if the code is right):\n{answer:#}"
        );
    }
    assert_eq!(
        report["fullMatchesFile"], true,
        "the full introspection query does not carry all of schema.graphql: {:#}",
        report["fullDifference"]
    );
    let caught = report["mutationsCaught"].as_object().expect("an object");
    assert_eq!(caught.len(), 5, "{caught:#?}");
    assert!(
        caught.values().all(|c| *c == true),
        "the schema comparison misses a change: {caught:#?}"
    );

    let checked = report["validation"].as_array().expect("a list");
    let sources: Vec<&Value> = checked.iter().map(|q| &q["source"]).collect();
    println!(
        "validated {} documented queries: {sources:#?}",
        sources.len()
    );
    assert_eq!(checked.len(), *queries, "{report:#}");
    let invalid: Vec<&Value> = checked
        .iter()
        .filter(|q| q["errors"] != json!([]))
        .collect();
    assert!(
        invalid.is_empty(),
        "documented queries that graphql-js finds invalid against the server's schema: {invalid:#?}"
    );
}

#[test]
fn introspection_answers_the_schema_description_that_schema_graphql_has() {
    // Arrange, Act
    let Some(GraphqlJs { report, .. }) = graphql_js() else {
        return;
    };

    // Assert: the full query asks for it, and GraphiQL and code generators show it.
    for variant in ["full", "plain"] {
        let answer = &report["introspection"][variant];
        assert_eq!(
            answer["schemaDescription"], answer["expectedSchemaDescription"],
            "`__schema {{ description }}` in the {variant} introspection answers a text that \
             schema.graphql does not have (async-graphql 7.2 answers a fixed one)"
        );
        assert_eq!(answer["matches"], true, "{answer:#}");
    }
}

#[test]
fn python_gql_fetches_the_schema_and_runs_a_nested_query_that_agrees_with_the_seed() {
    // Arrange
    if !available(python_modules(
        &["gql", "gql.transport.requests"],
        "pip install 'gql[requests]'",
    )) {
        return;
    }
    let seed = common::seed();
    let country = busiest_country(seed);
    let code = country["id"]
        .as_str()
        .and_then(|id| id.strip_prefix("country:"))
        .expect("a country: ID");
    let expected = country_projects_with_enterprises(seed, code);

    // Act
    let report = run_client(
        "python3",
        &["tests/clients/gql_client.py", &app().address, code],
        "",
    );

    // Assert
    assert_eq!(report["schemaFetched"], true, "{report:#}");
    let fields = report["queryFields"].as_array().expect("a list");
    for field in ["country", "project", "projects", "search"] {
        assert!(fields.contains(&json!(field)), "{field} in {fields:?}");
    }
    assert_eq!(report["localValidationErrors"], json!([]), "{report:#}");

    let answer = &report["result"]["country"];
    assert_eq!(answer["code"], code, "{answer:#}");
    assert_eq!(answer["name"], country["name"], "{answer:#}");
    let projects = &answer["projects"];
    assert_eq!(
        projects["totalCount"],
        expected.len(),
        "{code} hosts these projects in the seed: {:?}",
        expected.keys()
    );
    assert_eq!(
        projects["nodes"].as_array().map(Vec::len),
        Some(expected.len()),
        "one page holds them all"
    );
    let found: BTreeMap<String, (String, BTreeSet<Participation>)> = projects["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|project| {
            let enterprises = &project["enterprises"];
            let edges = enterprises["edges"].as_array().expect("a list");
            assert_eq!(enterprises["totalCount"], edges.len(), "{project:#}");
            let participations = edges
                .iter()
                .map(|edge| Participation {
                    enterprise: text(&edge["node"]["id"]),
                    name: text(&edge["node"]["name"]),
                    role: text(&edge["role"]),
                    roles: edge["roles"]
                        .as_array()
                        .expect("a list")
                        .iter()
                        .map(text)
                        .collect(),
                })
                .collect();
            (
                text(&project["id"]),
                (text(&project["name"]), participations),
            )
        })
        .collect();
    assert_eq!(found, expected, "{answer:#}");
}

#[test]
fn apollo_client_merges_two_overlapping_answers_and_serves_a_third_from_its_cache() {
    // Arrange
    if !available(node_packages(&["@apollo/client", "graphql", "rxjs"])) {
        return;
    }
    let seed = common::seed();
    let project = seed
        .projects
        .iter()
        .find(|p| !common::strings(p, "hostCountries").is_empty())
        .expect("a project with a host country");
    let id = text(&project["id"]);
    let host_ids = common::strings(project, "hostCountries");

    // Act
    let report = run_client(
        "node",
        &["tests/clients/apollo.mjs", &app().address, &id],
        "",
    );

    // Assert
    assert_eq!(report["first"]["error"], Value::Null, "{report:#}");
    assert_eq!(report["second"]["error"], Value::Null, "{report:#}");
    let first = &report["first"]["data"]["project"];
    assert_eq!(first["name"], project["name"], "{report:#}");
    assert_eq!(common::ids(&first["hostCountries"]), host_ids, "{report:#}");
    let country = &report["second"]["data"]["country"];
    assert_eq!(country["id"], host_ids[0], "{report:#}");
    let listed = country["projects"]["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{id} is among its host country's projects: {report:#}"));
    assert_eq!(listed["name"], first["name"], "{report:#}");

    // Two answers, one object each: the project the country listed is the project asked for.
    let project_key = format!("Project:{id}");
    let country_key = format!("Country:{}", host_ids[0]);
    assert_eq!(report["projectKey"], project_key.as_str());
    assert_eq!(report["countryKey"], country_key.as_str());
    let keys = report["cacheKeys"].as_array().expect("a list");
    assert!(keys.contains(&json!(project_key)), "{keys:?}");
    assert!(keys.contains(&json!(country_key)), "{keys:?}");
    let refs = report["secondNodeRefs"]
        .as_array()
        .expect("stored references");
    assert!(
        refs.contains(&json!({ "__ref": project_key })),
        "the country's project list does not point at the normalised project: {refs:?}"
    );
    let merged = json!({
        "__typename": "Project",
        "id": id,
        "name": first["name"],
        "status": listed["status"],
        "hostCountries": first["hostCountries"],
    });
    assert_eq!(report["projectFragment"], merged, "{report:#}");
    assert_eq!(report["countryFragment"]["name"], country["name"]);
    assert_eq!(
        first["hostCountries"][0]["name"], country["name"],
        "{report:#}"
    );

    // The third query needs fields from both answers and is served by the cache alone.
    assert_eq!(
        report["requests"],
        json!(["ProjectWithHosts", "CountryWithProjects"]),
        "{report:#}"
    );
    assert_eq!(report["third"]["error"], Value::Null, "{report:#}");
    assert_eq!(report["third"]["data"]["project"], merged, "{report:#}");
    assert_eq!(merged["status"], project["status"], "{report:#}");
    // The control: before the second answer the cache could not answer the third query.
    assert_eq!(
        report["thirdBeforeSecond"],
        json!({ "data": null, "error": null }),
        "the cache answered before it held the status: {report:#}"
    );
}

#[test]
fn apollo_persisted_query_link_registers_a_document_after_a_miss_then_sends_its_hash_alone_over_get(
) {
    // Arrange
    if !available(node_packages(&["@apollo/client", "graphql", "rxjs"])) {
        return;
    }
    let country = &common::seed().countries[0];
    let id = text(&country["id"]);
    let code = id.strip_prefix("country:").expect("a country: ID");

    // Act
    let report = run_client(
        "node",
        &["tests/clients/apollo-persisted.mjs", &app().address, code],
        "",
    );

    // Assert: both runs answer what the seed says.
    let expected = json!({ "country": { "__typename": "Country", "id": id, "code": code, "name": country["name"] } });
    for run in ["first", "second"] {
        assert_eq!(report[run]["error"], Value::Null, "{report:#}");
        assert_eq!(report[run]["data"], expected, "{run}: {report:#}");
    }
    // The exchanges: a miss on the hash alone, the text with its hash, then the hash alone.
    let exchanges = report["exchanges"].as_array().expect("a list");
    let shape: Vec<(String, bool, bool)> = exchanges
        .iter()
        .map(|e| {
            (
                text(&e["method"]),
                e["hash"].is_string(),
                e["query"].is_string(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("GET".to_owned(), true, false),
            ("POST".to_owned(), true, true),
            ("GET".to_owned(), true, false),
        ],
        "(method, hash sent, text sent) of each request: {report:#}"
    );
    let (miss, register, hit) = (&exchanges[0], &exchanges[1], &exchanges[2]);
    assert_eq!(
        miss["errorCodes"],
        json!(["PERSISTED_QUERY_NOT_FOUND"]),
        "{miss:#}"
    );
    assert_eq!(
        miss["errorMessages"],
        json!(["PersistedQueryNotFound"]),
        "{miss:#}"
    );
    assert_eq!(
        miss["cacheControl"], "no-store",
        "a CDN must not keep the miss: {miss:#}"
    );
    // The hash is the SHA-256 of the text the link sent, and the same on every request.
    let sent = text(&register["query"]);
    let hash = hex::encode(sha2::Sha256::digest(sent.as_bytes()));
    for exchange in exchanges {
        assert_eq!(exchange["hash"], hash.as_str(), "{exchange:#}");
        assert_eq!(
            exchange["variables"],
            json!({ "code": code }),
            "{exchange:#}"
        );
    }
    assert_eq!(register["status"], 200, "{register:#}");
    assert_eq!(register["errorCodes"], json!([]), "{register:#}");
    // The hit is an answer a CDN may keep, named by an ETag.
    assert_eq!(hit["status"], 200, "{hit:#}");
    assert_eq!(hit["errorCodes"], json!([]), "{hit:#}");
    let cache = hit["cacheControl"].as_str().unwrap_or_default();
    assert!(cache.starts_with("public, max-age="), "{hit:#}");
    assert!(
        hit["etag"].as_str().is_some_and(|e| e.starts_with('"')),
        "{hit:#}"
    );
}

/// One enterprise's part in a project, as the seed says and as the API answers.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Participation {
    enterprise: String,
    name: String,
    /// The first role the seed lists.
    role: String,
    roles: BTreeSet<String>,
}

/// The country hosting the most projects (the first by ID among equals).
fn busiest_country(seed: &common::Seed) -> &Value {
    let hosted = |country: &Value| {
        seed.projects
            .iter()
            .filter(|p| common::strings(p, "hostCountries").contains(&text(&country["id"])))
            .count()
    };
    seed.countries
        .iter()
        .max_by(|a, b| {
            hosted(a)
                .cmp(&hosted(b))
                .then(text(&b["id"]).cmp(&text(&a["id"])))
        })
        .expect("countries")
}

/// The seed's projects hosted by `code`, each with its name and its enterprises' parts.
fn country_projects_with_enterprises(
    seed: &common::Seed,
    code: &str,
) -> BTreeMap<String, (String, BTreeSet<Participation>)> {
    let country = format!("country:{code}");
    let name_of = |id: &str| {
        text(
            &seed
                .enterprises
                .iter()
                .find(|e| e["id"] == id)
                .unwrap_or_else(|| panic!("the seed has {id}"))["name"],
        )
    };
    seed.projects
        .iter()
        .filter(|p| common::strings(p, "hostCountries").contains(&country))
        .map(|project| {
            let mut parts: Vec<Participation> = Vec::new();
            for part in project["participants"].as_array().into_iter().flatten() {
                let enterprise = text(&part["enterprise"]);
                let role = text(&part["role"]);
                match parts.iter_mut().find(|p| p.enterprise == enterprise) {
                    Some(known) => {
                        known.roles.insert(role);
                    }
                    None => parts.push(Participation {
                        name: name_of(&enterprise),
                        enterprise,
                        roles: BTreeSet::from([role.clone()]),
                        role,
                    }),
                }
            }
            (
                text(&project["id"]),
                (text(&project["name"]), parts.into_iter().collect()),
            )
        })
        .collect()
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
        .to_owned()
}

// ---- Running a client ---------------------------------------------------------------------

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether a test's tools are here; see [`require`] for when they are not.
fn available(tools: Result<(), String>) -> bool {
    require(tools).is_some()
}

/// Runs a client script from the repository root with `stdin` as its input, and returns the
/// JSON report on its last stdout line, failing the test if it fails or overruns.
fn run_client(program: &str, args: &[&str], stdin: &str) -> Value {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} starts: {e}"));
    // Write and read on their own threads so a chatty child never blocks on a full pipe.
    let mut input = child.stdin.take().expect("piped");
    let stdin = stdin.to_owned();
    let writer = thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let report = report_of(child, &format!("{program} {args:?}"), CLIENT_DEADLINE);
    let _ = writer.join();
    println!(
        "{program} {} finished in {:.1}s",
        args[0],
        started.elapsed().as_secs_f64()
    );
    report
}
