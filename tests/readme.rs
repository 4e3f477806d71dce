//! The README's promises, checked: its example queries answer without errors, its curl, Python
//! and JavaScript snippets work against a real server, and its seed example validates.

mod common;

use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

/// The commands of the README's first shell block, without their comments.
fn first_commands() -> Vec<String> {
    blocks("sh")
        .first()
        .expect("the README opens with a shell block")
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn the_readme_promises_two_commands_and_ci_runs_the_second_as_written() {
    let commands = first_commands();
    assert_eq!(commands, ["cargo run --release", "cargo test"]);
    // The second runs everything, this test included, so CI runs it rather than a test.
    let ci = fs::read_to_string(repo().join(".ci/run")).expect(".ci/run exists");
    assert!(
        ci.lines().any(|line| line.trim() == commands[1]),
        ".ci/run does not run `{}` as the README writes it",
        commands[1]
    );
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the project as a fresh clone would have it: no build output, data or packages.
fn copy_project(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a directory");
    for entry in fs::read_dir(from).expect("readable") {
        let entry = entry.expect("an entry");
        let name = entry.file_name();
        if [".git", "target", "node_modules", "capgraph-data"]
            .iter()
            .any(|skip| name == *skip)
        {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_project(&path, &to.join(&name));
        } else {
            fs::copy(&path, to.join(&name)).expect("copied");
        }
    }
}

/// Longest the README's first command may take to build and start on a 2-core CI machine.
const SERVE_DEADLINE: Duration = Duration::from_secs(30 * 60);

#[test]
fn the_readme_first_command_serves_graphiql_and_answers_a_query_on_port_8080() {
    // Arrange: a clean copy of the project; the README's port must be free.
    let free = TcpListener::bind("127.0.0.1:8080")
        .map(drop)
        .map_err(|_| "port 8080 is taken on this machine".to_owned());
    if common::require(free).is_none() {
        return;
    }
    let copy = tempfile::Builder::new()
        .prefix("readme-clean-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp dir");
    copy_project(&repo(), copy.path());
    let command = &first_commands()[0];

    // Act: the command exactly as written, in its own process group so that it stops whole.
    // Its own target directory: the outer `cargo test` holds the lock on this one.
    let mut child = Command::new("sh");
    child
        .args(["-c", command])
        .current_dir(copy.path())
        .env(
            "CARGO_TARGET_DIR",
            repo().join("target/readme-first-command"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    common::hermetic(&mut child);
    let mut child = child.spawn().expect("sh starts");
    let stderr = child.stderr.take().expect("piped");
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut text);
        text
    });
    let stop = |child: &mut std::process::Child| {
        let _ = Command::new("kill")
            // `--` so that the negative process group ID is not read as a signal name.
            .args(["-s", "TERM", "--", &format!("-{}", child.id())])
            .status();
        let _ = child.wait();
    };

    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    let page = loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "`{command}` exited ({status}) instead of serving:\n{}",
                log.join().unwrap_or_default()
            );
        }
        if started.elapsed() > SERVE_DEADLINE {
            stop(&mut child);
            panic!(
                "`{command}` did not serve within {SERVE_DEADLINE:?}:\n{}",
                log.join().unwrap_or_default()
            );
        }
        match client.get("http://127.0.0.1:8080/").send() {
            Ok(response) => break response,
            Err(_) => std::thread::sleep(Duration::from_millis(500)),
        }
    };
    let status = page.status();
    let html = page.text().unwrap_or_default();
    let answer = client
        .post("http://127.0.0.1:8080/graphql")
        .json(&json!({ "query": r#"{ project(id: "project:suramadu-bridge") { name } }"# }))
        .send()
        .and_then(|r| r.json::<serde_json::Value>());
    stop(&mut child);
    let log = log.join().unwrap_or_default();

    // Assert
    assert_eq!(status, 200, "{log}");
    assert!(
        html.to_lowercase().contains("graphiql"),
        "not GraphiQL:\n{html}"
    );
    let answer = answer.expect("the server answers GraphQL");
    assert_eq!(
        answer["data"]["project"]["name"], "Suramadu Bridge",
        "{answer}"
    );
    assert!(
        copy.path().join("capgraph-data").is_dir(),
        "the first start seeds ./capgraph-data, as the README says"
    );
}

#[test]
fn the_readme_example_queries_answer_with_data_and_no_errors() {
    let app = common::shared_app();
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
    let app = common::shared_app();
    let text = readme();
    let snippets = common::readme::more_to_try(&text);
    for snippet in snippets {
        let query = format!("{{ {snippet} }}");
        let (_, body) = app.graphql(&query, json!({}));
        assert!(body.get("errors").is_none(), "{query}\n{body:#}");
    }
}

#[test]
fn the_readme_curl_python_and_javascript_snippets_work_against_a_running_server() {
    let app = common::shared_app();
    let local = |snippet: &str| snippet.replace("http://127.0.0.1:8080", &app.address);
    if common::require_tool("curl", &["--version"]) {
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
    if common::require(common::python_modules(
        &["requests"],
        "pip install requests",
    ))
    .is_some()
    {
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
    if common::require_tool("node", &["--version"]) {
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
