//! The explorer (`/explore`) as a person meets it: the real server on loopback, headless Chromium
//! driven by `tests/browser/explore.mjs` (puppeteer-core) with the network off, and everything it
//! saw judged against what the GraphQL API answers for the same question: the markers on the map,
//! the enterprises of a clicked project, a filter kept in the URL across a reload, the graph
//! around the Suramadu Bridge with a path highlighted, re-centring by mouse and keyboard, search,
//! and the page at 360 px wide. No request may leave 127.0.0.1.
//!
//! It also writes the README's screenshots, `docs/explore-map.png` and `docs/explore-graph.png`,
//! so they show the explorer as it is.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM`), `node` and `npm ci` at the repository root. Without
//! them the test prints `skipped: <reason>` and passes, except under `CI=true`, where it fails.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::browser::{self, assert_is_a_real_screenshot, repo_root};
use common::spawn_app;

/// Longest the browser script may run before the test kills it and fails (it takes about 12 s).
const BROWSER_DEADLINE: Duration = Duration::from_secs(120);

/// The graph the test opens, and the node its highlighted path leads to.
const GRAPH_NODE: &str = "project:suramadu-bridge";
const PATH_TO: &str = "country:CN";
/// The node the test clicks in that graph: the bridge's host country.
const RECENTRE_ON: &str = "country:ID";
/// The filter the test sets in the form: a host country and the first start year.
const COUNTRY: &str = "KH";
const FROM_YEAR: i64 = 2010;
/// What the test types into the search box: China Communications Construction's Chinese name.
const SEARCH: &str = "中国交建";

/// Generous: the map is ready in well under a second on a developer machine.
const MAP_READY_LIMIT_MS: u64 = 5_000;

#[test]
fn the_explorer_shows_what_the_api_answers_with_the_network_off() {
    // Arrange
    let Some(chromium) = browser::browser_or_skip() else {
        return;
    };
    let server = spawn_app();
    let api = Api::new(&server.address);
    let docs = repo_root().join("docs");
    let map_shot = docs.join("explore-map.png");
    let graph_shot = docs.join("explore-graph.png");
    let narrow_shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("explore-360.png");
    let config = json!({
        "mapShot": map_shot,
        "graphShot": graph_shot,
        "narrowShot": narrow_shot,
        "filter": { "country": COUNTRY, "from": FROM_YEAR },
        "graphNode": GRAPH_NODE,
        "pathTo": PATH_TO,
        "recentreOn": RECENTRE_ON,
        "search": SEARCH,
    });
    let config_file = tempfile::NamedTempFile::new().expect("a temp file");
    std::fs::write(config_file.path(), config.to_string()).expect("the config is written");

    // Act
    let started = Instant::now();
    let report = browser::drive_browser(
        &chromium,
        "tests/browser/explore.mjs",
        &[server.address.as_ref(), config_file.path().as_os_str()],
        BROWSER_DEADLINE,
    );
    println!(
        "browser finished in {:.1}s; map ready {} ms after navigation; steps: {}",
        started.elapsed().as_secs_f64(),
        report["mapReadyMs"],
        report["timings"]
    );

    // Assert: nothing left the machine, and nothing went wrong on the page.
    assert_eq!(report["blocked"], json!([]), "requests off this machine");
    assert_eq!(report["failedRequests"], json!([]), "{report:#}");
    assert_eq!(report["pageErrors"], json!([]), "{report:#}");
    // A Content-Security-Policy violation is a console error too.
    assert_eq!(report["consoleErrors"], json!([]), "{report:#}");
    let origin = &server.address;
    for url in report["requests"].as_array().expect("a list of URLs") {
        let url = url.as_str().expect("a URL");
        assert!(
            url.starts_with(&format!("{origin}/")) || url.starts_with("data:"),
            "the page asked for something off this machine: {url}"
        );
    }
    let ready_ms = report["mapReadyMs"].as_u64().expect("a time");
    assert!(
        ready_ms < MAP_READY_LIMIT_MS,
        "the map took {ready_ms} ms to show its markers"
    );

    // Every located project and zone is a marker, alone or in a cluster's count.
    let all = &report["allMarkers"];
    assert_eq!(
        (all["projects"].as_u64(), all["zones"].as_u64()),
        api.located(&json!({}), &json!({})),
        "markers on the whole map: {all:#}"
    );
    assert_eq!(all["outside"], 0, "every marker is in view: {all:#}");

    // A click on a project's marker shows its enterprises, roles and parents.
    let clicked = &report["clicked"];
    let project = clicked["id"].as_str().expect("the clicked project's ID");
    assert_eq!(
        enterprises_shown(clicked),
        api.enterprises_of(project),
        "the detail panel of {project}: {clicked:#}"
    );
    assert!(
        clicked["url"]
            .as_str()
            .unwrap()
            .contains(&format!("select={}", project.replace(':', "%3A"))),
        "{clicked:#}"
    );
    assert!(
        !clicked["sourceLinks"].as_array().unwrap().is_empty(),
        "sources are links: {clicked:#}"
    );

    // Every marker and cluster is reachable with Tab, and Enter on one shows its details.
    let keyboard_marker = &report["keyboardMarker"];
    assert_eq!(keyboard_marker["focusable"], true, "{keyboard_marker:#}");
    assert!(keyboard_marker["id"].is_string(), "{keyboard_marker:#}");
    assert_eq!(
        keyboard_marker["shown"], keyboard_marker["id"],
        "{keyboard_marker:#}"
    );

    // The filter set in the form is in the URL, and a reload restores the form and the map.
    let filtered = &report["filtered"];
    let query = filtered["urlAfter"].as_str().expect("the query string");
    assert!(
        query.contains(&format!("country={COUNTRY}"))
            && query.contains(&format!("from={FROM_YEAR}")),
        "{filtered:#}"
    );
    assert_eq!(filtered["urlBefore"], filtered["urlAfter"]);
    assert_eq!(filtered["form"]["country"], COUNTRY, "{filtered:#}");
    assert_eq!(
        filtered["form"]["from"],
        FROM_YEAR.to_string(),
        "{filtered:#}"
    );
    let markers = &filtered["markers"];
    let expected = api.located(
        &json!({ "hostCountry": [COUNTRY], "startYear": { "min": FROM_YEAR } }),
        &json!({ "hostCountry": [COUNTRY], "established": { "min": FROM_YEAR } }),
    );
    assert_eq!(
        (markers["projects"].as_u64(), markers["zones"].as_u64()),
        expected,
        "markers for {COUNTRY} from {FROM_YEAR}: {markers:#}"
    );
    assert!(
        expected.0.unwrap() > 0 && expected.0 < all["projects"].as_u64(),
        "the filter keeps some projects, not all: {expected:?}"
    );

    // The graph of the bridge: its neighbourhood and the path, as the API has them.
    let graph = &report["graph"];
    let path = api.path(GRAPH_NODE, PATH_TO);
    let mut expected_nodes = api.neighbours(GRAPH_NODE);
    expected_nodes.extend(path.iter().cloned());
    assert_eq!(ids(&graph["nodes"], "id"), expected_nodes, "{graph:#}");
    assert_eq!(ids(&graph["drawn"], ""), expected_nodes, "drawn: {graph:#}");
    assert_eq!(graph["path"], json!(path), "the path listed, in order");
    assert_eq!(
        ids(&graph["highlighted"], ""),
        path.iter().cloned().collect::<BTreeSet<_>>(),
        "the path drawn highlighted"
    );
    // Its contractors and host country, each with the edge that ties it to the bridge.
    let bridge = api.data(
        r#"query($id: ID!) { project(id: $id) {
            hostCountries { id }
            enterprises(role: [CONTRACTOR]) { edges { node { id } } } } }"#,
        json!({ "id": GRAPH_NODE }),
    );
    let contractors = ids(&bridge["project"]["enterprises"]["edges"], "node.id");
    let hosts = ids(&bridge["project"]["hostCountries"], "id");
    assert!(!contractors.is_empty() && !hosts.is_empty(), "{bridge:#}");
    let edges = graph["edges"].as_array().expect("a list of edges");
    for contractor in &contractors {
        assert!(
            edges.iter().any(|e| e["from"] == contractor.as_str()
                && e["type"] == "PARTICIPATES_IN"
                && e["to"] == GRAPH_NODE
                && e["text"].as_str().unwrap().contains("(contractor)")),
            "the graph shows {contractor} as a contractor: {graph:#}"
        );
    }
    for host in &hosts {
        assert!(
            edges.iter().any(|e| e["from"] == GRAPH_NODE
                && e["type"] == "LOCATED_IN"
                && e["to"] == host.as_str()),
            "the graph shows the host country {host}: {graph:#}"
        );
    }

    // A click on a node re-centres the graph on it (the path target stays).
    let recentred = &report["recentred"];
    assert_eq!(recentred["centre"], RECENTRE_ON, "{recentred:#}");
    let mut expected_nodes = api.neighbours(RECENTRE_ON);
    expected_nodes.extend(api.path(RECENTRE_ON, PATH_TO));
    assert_eq!(ids(&recentred["nodes"], "id"), expected_nodes);
    // So does Enter on a node in the text list.
    let keyboard = &report["keyboard"];
    assert_eq!(keyboard["centre"], keyboard["chosen"], "{keyboard:#}");

    // Search lists what the API's search finds, best first.
    let hits = api.data(
        "query($text: String!) { search(text: $text, first: 10) { node { id } } }",
        json!({ "text": SEARCH }),
    );
    let expected: Vec<&str> = hits["search"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["node"]["id"].as_str().unwrap())
        .collect();
    assert!(expected.contains(&"enterprise:cccc"), "{hits:#}");
    assert_eq!(report["search"], json!(expected));

    // Readable at 360 px: nothing is wider than the screen.
    let narrow = &report["narrow"];
    assert!(
        narrow["scrollWidth"].as_u64().unwrap() <= 360,
        "the page scrolls sideways at 360 px: {narrow:#}"
    );
    assert_eq!(narrow["overflowing"], json!([]), "{narrow:#}");
    assert!(narrow["markers"].as_u64().unwrap() > 0, "{narrow:#}");

    // The README's screenshots.
    for shot in [&map_shot, &graph_shot] {
        assert_is_a_real_screenshot(shot, (1280, 800), 32 * 1024);
    }
}

/// The enterprises the detail panel listed: (ID, roles, parent ID).
fn enterprises_shown(clicked: &Value) -> BTreeSet<(String, Vec<String>, Option<String>)> {
    clicked["enterprises"]
        .as_array()
        .expect("a list of enterprises")
        .iter()
        .map(|e| {
            (
                e["id"].as_str().expect("an ID").to_owned(),
                strings(&e["roles"]),
                e["parent"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

/// The strings at `path` (dotted; empty for the items themselves) in each item of a list.
fn ids(list: &Value, path: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|item| {
            path.split('.')
                .filter(|key| !key.is_empty())
                .fold(item, |value, key| &value[key])
                .as_str()
                .unwrap_or_else(|| panic!("a string at {path:?} in {item}"))
                .to_owned()
        })
        .collect()
}

/// The server's GraphQL API, asked the questions the page answers.
struct Api {
    client: reqwest::blocking::Client,
    url: String,
}

impl Api {
    fn new(origin: &str) -> Api {
        Api {
            client: reqwest::blocking::Client::new(),
            url: format!("{origin}/graphql"),
        }
    }

    fn data(&self, query: &str, variables: Value) -> Value {
        let body: Value = self
            .client
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .expect("the server answers")
            .json()
            .expect("a JSON answer");
        assert_eq!(body.get("errors"), None, "{body:#}");
        body["data"].clone()
    }

    /// How many projects and zones the filters keep that have a location (one page holds all).
    fn located(&self, projects: &Value, zones: &Value) -> (Option<u64>, Option<u64>) {
        let data = self.data(
            r#"query($pf: ProjectFilter, $zf: ZoneFilter) {
                projects(filter: $pf, first: 500) { totalCount nodes { location { lat } } }
                zones(filter: $zf, first: 500) { totalCount nodes { location { lat } } } }"#,
            json!({ "pf": projects, "zf": zones }),
        );
        let count = |list: &Value| {
            let nodes = list["nodes"].as_array().expect("a page of nodes");
            assert_eq!(list["totalCount"], nodes.len(), "one page holds them all");
            Some(nodes.iter().filter(|n| !n["location"].is_null()).count() as u64)
        };
        (count(&data["projects"]), count(&data["zones"]))
    }

    /// The project's enterprises as (ID, roles, parent ID).
    fn enterprises_of(&self, project: &str) -> BTreeSet<(String, Vec<String>, Option<String>)> {
        let data = self.data(
            r#"query($id: ID!) { project(id: $id) { enterprises(first: 100) {
                edges { roles node { id parent { id } } } } } }"#,
            json!({ "id": project }),
        );
        data["project"]["enterprises"]["edges"]
            .as_array()
            .expect("a list of edges")
            .iter()
            .map(|edge| {
                (
                    edge["node"]["id"].as_str().unwrap().to_owned(),
                    strings(&edge["roles"]),
                    edge["node"]["parent"]["id"].as_str().map(str::to_owned),
                )
            })
            .collect()
    }

    /// The IDs of the nodes within one edge of `id`, itself included.
    fn neighbours(&self, id: &str) -> BTreeSet<String> {
        let data = self.data(
            "query($id: ID!) { neighbors(id: $id, depth: 1) { nodes { id } } }",
            json!({ "id": id }),
        );
        ids(&data["neighbors"]["nodes"], "id")
    }

    /// The IDs along the shortest path, in order.
    fn path(&self, from: &str, to: &str) -> Vec<String> {
        let data = self.data(
            "query($from: ID!, $to: ID!) { path(from: $from, to: $to, maxDepth: 6) { nodes { id } } }",
            json!({ "from": from, "to": to }),
        );
        data["path"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("a path from {from} to {to}: {data}"))
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    }
}
