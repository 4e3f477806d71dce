//! The README's promises, checked: its example queries answer without errors, its curl, Python
//! and JavaScript snippets work against a real server, and its seed example validates.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use serde_json::json;

fn readme() -> String {
    fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md exists")
}

/// The bodies of the README's fenced code blocks of one language, in order.
fn blocks(language: &str) -> Vec<String> {
    let text = readme();
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed == format!("```{language}") => current = Some(String::new()),
            Some(body) if trimmed == "```" => {
                found.push(std::mem::take(body));
                current = None;
            }
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    found
}

/// Whether a tool the README uses is on this machine; CI must have it.
fn have(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is missing, and CI must run every README snippet"
        );
        println!("skipped: {tool} is not installed here");
    }
    ok
}

#[test]
fn the_readme_example_queries_answer_with_data_and_no_errors() {
    let app = helpers::shared_app();
    let queries = blocks("graphql");
    assert!(
        queries.len() >= 3,
        "the README shows at least three example queries, found {}",
        queries.len()
    );
    for query in queries {
        let (status, body) = app.graphql(&query, json!({}));
        assert_eq!(status, 200, "{query}");
        assert!(
            body.get("errors").is_none(),
            "README query failed: {query}\n{body:#}"
        );
        let data = body["data"].as_object().expect("data");
        assert!(
            data.values().all(|v| !v.is_null()),
            "README query found nothing: {query}\n{body:#}"
        );
    }
}

#[test]
fn the_queries_suggested_inline_in_the_readme_answer_without_errors() {
    let app = helpers::shared_app();
    let text = readme();
    let start = text
        .find("More to try:")
        .expect("the README suggests more queries");
    let paragraph = &text[start..text[start..].find("\n\n").map_or(text.len(), |e| start + e)];
    let snippets: Vec<&str> = paragraph
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains('{'))
        .collect();
    assert!(snippets.len() >= 4, "found {snippets:?}");
    for snippet in snippets {
        let query = format!("{{ {snippet} }}");
        let (_, body) = app.graphql(&query, json!({}));
        assert!(body.get("errors").is_none(), "{query}\n{body:#}");
    }
}

#[test]
fn the_readme_curl_python_and_javascript_snippets_work_against_a_running_server() {
    let app = helpers::shared_app();
    let local = |snippet: &str| snippet.replace("http://127.0.0.1:8080", &app.address);
    if have("curl", &["--version"]) {
        let script = local(
            &blocks("sh")
                .into_iter()
                .find(|b| b.contains("curl"))
                .expect("a curl example"),
        );
        let out = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("sh runs");
        let body: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("curl prints JSON");
        assert_eq!(body["data"]["country"]["name"], "Cambodia", "{body:#}");
    }
    if have("python3", &["-c", "import requests"]) {
        let script = local(&blocks("python")[0]);
        let out = Command::new("python3")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Vietnam"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    if have("node", &["--version"]) {
        let script = local(&blocks("javascript")[0]);
        let out = Command::new("node")
            .args(["--input-type=module", "-e", &script])
            .output()
            .expect("node runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("project:suramadu-bridge"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn the_readme_example_project_validates_once_its_source_exists() {
    let example: serde_json::Value =
        serde_json::from_str(&blocks("json")[0]).expect("the example is JSON");
    let dir = tempfile::tempdir().expect("a temp dir");
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seed");
    for entry in fs::read_dir(&seed).expect("seed/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let mut file: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(&path).expect("readable")).expect("JSON");
            match path.file_name().and_then(|n| n.to_str()) {
                Some("projects.json") => file["projects"]
                    .as_array_mut()
                    .expect("projects")
                    .push(example.clone()),
                Some("sources.json") => file["sources"]
                    .as_array_mut()
                    .expect("sources")
                    .push(json!({ "id": "source:my-source", "title": "My source" })),
                _ => {}
            }
            fs::write(
                dir.path().join(path.file_name().expect("a name")),
                serde_json::to_string_pretty(&file).expect("JSON"),
            )
            .expect("writable");
        }
    }
    let files = capgraph::seed::SeedFiles::from_dir(dir.path()).expect("readable");
    let dataset = capgraph::seed::load(&files)
        .unwrap_or_else(|e| panic!("the README's example does not validate: {e}"));
    assert!(dataset
        .nodes
        .iter()
        .any(|n| n.id.as_str() == "project:my-new-bridge"));
}
