//! GraphiQL as a person meets it: the real server on loopback, headless Chromium driven by
//! `tests/browser/graphiql.mjs` (puppeteer-core), a query typed and run, its answer on screen,
//! the documentation explorer listing `Query`'s fields, and completion offering fields while one
//! types, all with the browser's network off.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM`), `node` and `npm ci` at the repository root. Without
//! them the test prints `skipped: <reason>` and passes, except under `CI=true`, where it fails.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::browser::{self, assert_is_a_real_screenshot, repo_root};
use common::spawn_app;

/// Longest the browser script may run before the test kills it and fails.
const BROWSER_DEADLINE: Duration = Duration::from_secs(45);

/// What the browser script types into the empty editor to see completion at work.
const COMPLETION_PREFIX: &str = "{ proj";

const QUERY: &str = r#"{ project(id: "project:suramadu-bridge") { name hostCountries { name } } }"#;

#[test]
fn graphiql_runs_a_query_and_shows_the_answer_with_the_network_off() {
    // Arrange
    let Some(chromium) = browser::browser_or_skip() else {
        return;
    };
    let server = spawn_app();
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphiql.png");
    let _ = std::fs::remove_file(&screenshot);

    // Act
    let started = Instant::now();
    let report = browser::drive_browser(
        &chromium,
        "tests/browser/graphiql.mjs",
        &[
            server.url("/").as_ref(),
            QUERY,
            screenshot.to_str().expect("a UTF-8 path"),
            COMPLETION_PREFIX,
        ],
        BROWSER_DEADLINE,
    );
    println!(
        "browser finished in {:.1}s: {}",
        started.elapsed().as_secs_f64(),
        report["timings"]
    );
    println!("screenshot: {}", screenshot.display());

    // Assert
    assert_eq!(report["pageErrors"], Value::Array(vec![]), "{report:#}");
    assert_eq!(report["consoleErrors"], Value::Array(vec![]), "{report:#}");
    assert_eq!(report["failedRequests"], Value::Array(vec![]), "{report:#}");
    assert_eq!(report["status"], 200, "{report:#}");
    let requests = report["requests"].as_array().expect("a list of URLs");
    assert!(!requests.is_empty(), "{report:#}");
    let origin = server.url("/");
    for url in requests {
        let url = url.as_str().expect("a URL");
        assert!(
            url.starts_with(&origin) || url.starts_with("data:"),
            "the page asked for something off this machine: {url}"
        );
    }

    let shown: Value = serde_json::from_str(report["result"].as_str().expect("the pane's text"))
        .expect("the result pane holds JSON");
    assert_eq!(shown.get("errors"), None, "{shown:#}");
    let project = &shown["data"]["project"];
    assert_eq!(project["name"], "Suramadu Bridge", "{shown:#}");
    let hosts: Vec<&str> = project["hostCountries"]
        .as_array()
        .expect("a list of countries")
        .iter()
        .filter_map(|country| country["name"].as_str())
        .collect();
    assert!(hosts.contains(&"Indonesia"), "{shown:#}");

    // GraphiQL with a query and its answer is about 33 KiB.
    assert_is_a_real_screenshot(&screenshot, (1280, 800), 16 * 1024);

    // The documentation explorer shows the schema GraphiQL read by introspection.
    let docs = &report["docs"];
    assert_eq!(
        docs["error"],
        Value::Null,
        "the documentation explorer has no schema: {report:#}"
    );
    assert_eq!(docs["title"], "Query", "{report:#}");
    let listed: BTreeSet<&str> = docs["queryFields"]
        .as_array()
        .expect("a list of fields")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let fields = query_fields();
    assert!(
        ["project", "projects", "search"]
            .iter()
            .all(|f| fields.contains(*f)),
        "schema.graphql's Query: {fields:?}"
    );
    assert_eq!(
        listed,
        fields.iter().map(String::as_str).collect(),
        "the explorer lists Query's fields as schema.graphql has them"
    );

    // Typing the start of a field offers the schema's fields that start so.
    let offered: BTreeSet<&str> = report["completions"]
        .as_array()
        .unwrap_or_else(|| panic!("typing offered no completion: {report:#}"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let prefix = COMPLETION_PREFIX.trim_start_matches(['{', ' ']);
    let expected: BTreeSet<&str> = fields
        .iter()
        .map(String::as_str)
        .filter(|f| f.starts_with(prefix))
        .collect();
    assert!(expected.len() >= 2, "{expected:?}");
    assert_eq!(
        offered, expected,
        "completions after typing {:?}: {report:#}",
        report["typed"]
    );
}

/// The fields of `Query` in the checked-in schema.graphql, read line by line: at one tab's
/// indent, outside a description, a name followed by `(` or `:`.
fn query_fields() -> BTreeSet<String> {
    let sdl = std::fs::read_to_string(repo_root().join("schema.graphql")).expect("schema.graphql");
    let body = sdl
        .split("\ntype Query {\n")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .expect("a Query type in schema.graphql");
    let mut in_description = false;
    let mut fields = BTreeSet::new();
    for line in body.lines() {
        let Some(text) = line.strip_prefix('\t').filter(|t| !t.starts_with('\t')) else {
            continue;
        };
        if text.starts_with("\"\"\"") {
            in_description = !(in_description || text.len() > 6 && text.ends_with("\"\"\""));
            continue;
        }
        if in_description {
            continue;
        }
        let name: String = text
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && text[name.len()..].starts_with(['(', ':']) {
            fields.insert(name);
        }
    }
    fields
}
