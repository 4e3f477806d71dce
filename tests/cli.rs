//! The command line as a script author meets it: help with examples, exit codes, environment
//! twins, JSON logs, `query` without a server, `serve` stopping cleanly on SIGTERM, and `serve`'s
//! HTTP caching and trusted-documents flags.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{capgraph, serve_json_logs, temp_dir, text};

fn run(command: &mut Command) -> Output {
    command.output().expect("capgraph runs")
}

fn data_dir() -> tempfile::TempDir {
    temp_dir("cli")
}

#[test]
fn every_command_has_help_with_an_example() {
    for command in ["serve", "seed", "query", "export", "schema", "generate"] {
        let out = run(capgraph().args([command, "--help"]));
        assert!(out.status.success(), "{command} --help failed");
        let help = text(&out.stdout);
        assert!(
            help.contains("Example"),
            "`capgraph {command} --help` shows no example:\n{help}"
        );
        assert!(
            help.contains(&format!("capgraph {command}")),
            "the example does not show `capgraph {command}`:\n{help}"
        );
    }
}

#[test]
fn query_answers_from_the_local_store_and_exits_2_on_errors() {
    let data = data_dir();
    let out = run(capgraph()
        .args(["query", "--data"])
        .arg(data.path())
        .arg(r#"{ country(code: "khm") { name } }"#));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the answer is JSON");
    assert_eq!(body["data"]["country"]["name"], "Cambodia");

    let out = run(capgraph()
        .args(["query", "--data"])
        .arg(data.path())
        .arg("{ nope }"));
    assert_eq!(out.status.code(), Some(2));
    let body: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("errors are printed as JSON too");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[test]
fn query_reads_stdin_and_files_and_takes_variables_and_an_operation() {
    let data = data_dir();
    let document =
        "query A { dataset { origin } } query B($code: String!) { country(code: $code) { code } }";
    let file = data.path().join("q.graphql");
    std::fs::write(&file, document).expect("writable");
    let out = run(capgraph()
        .args(["query", "--data"])
        .arg(data.path())
        .arg("-f")
        .arg(&file)
        .args(["--operation", "B", "--vars", r#"{"code": "VNM"}"#]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(r#""code": "VN""#),
        "{}",
        text(&out.stdout)
    );

    let mut child = capgraph()
        .args(["query", "--data"])
        .arg(data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    std::io::Write::write_all(
        child.stdin.as_mut().expect("stdin"),
        b"{ dataset { origin } }",
    )
    .expect("writes");
    let out = child.wait_with_output().expect("finishes");
    assert!(
        text(&out.stdout).contains("embedded"),
        "{}",
        text(&out.stdout)
    );

    let out = run(capgraph().args(["query", "--data"]).arg(data.path()).args([
        "--vars",
        "[1]",
        "{ dataset { origin } }",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--vars must be a JSON object"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn flags_have_environment_twins() {
    let data = data_dir();
    let out = run(capgraph()
        .arg("query")
        .env("CAPGRAPH_DATA", data.path())
        .env("CAPGRAPH_QUERY_OPERATION", "B")
        .arg("query A { dataset { origin } } query B { country(code: \"TH\") { name } }"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Thailand"));
    assert!(
        data.path().join("CURRENT").exists(),
        "CAPGRAPH_DATA chose where the store went"
    );
}

#[test]
fn a_misspelt_capgraph_variable_is_warned_about() {
    let out = run(capgraph()
        .args(["schema", "--json-schema", "sources"])
        .env("CAPGRAPH_ADRR", "127.0.0.1:1"));
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("CAPGRAPH_ADRR is set but no capgraph setting reads it"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_without_a_store_and_with_a_bad_format_are_bad_input() {
    let data = data_dir();
    let out = run(capgraph()
        .args(["export", "--format", "ndjson", "--data"])
        .arg(data.path().join("none")));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("capgraph seed"),
        "the error says how to make a store: {}",
        text(&out.stderr)
    );
    let out = run(capgraph().args(["export", "--format", "xml"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn schema_prints_the_checked_in_sdl_and_json_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(capgraph().arg("schema"));
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(root.join("schema.graphql")).expect("schema.graphql")
    );
    let out = run(capgraph().args(["schema", "--json-schema", "projects"]));
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(root.join("seed/schema/projects.schema.json"))
            .expect("schema file")
    );
    let out = run(capgraph().args(["schema", "--json-schema", "bridges"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_logs_are_one_json_object_per_line() {
    let data = data_dir();
    let out = run(capgraph()
        .args(["--log-format", "json", "seed", "--data"])
        .arg(data.path())
        .env("RUST_LOG", "info"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stderr).lines().map(str::to_owned).collect();
    assert!(!lines.is_empty(), "info logs were written");
    for line in lines {
        let parsed: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            parsed["level"].is_string() && parsed["fields"].is_object(),
            "{line}"
        );
    }
}

fn sigterm(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[test]
fn serve_stops_cleanly_on_sigterm_and_flushes_the_store() {
    let data = data_dir();
    let (mut child, port, lines) = serve_json_logs(data.path(), &[], &[]);
    let health = reqwest::blocking::get(format!("http://127.0.0.1:{port}/healthz"))
        .expect("the server answers");
    assert_eq!(health.status(), 200);

    sigterm(&child);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let exit = child.wait().expect("serve exits");
    assert!(exit.success(), "serve exited with {exit:?}");
    assert!(
        rest.iter().any(|l| l.contains("store flushed")),
        "the store was flushed on the way out: {rest:#?}"
    );
}

#[test]
fn cache_control_of_get_answers_comes_from_the_flags_and_their_environment_twins() {
    // Arrange: max-age from its flag, stale-while-revalidate from its variable.
    let data = data_dir();
    let (mut child, port, _lines) = serve_json_logs(
        data.path(),
        &["--cache-max-age-secs", "42"],
        &[("CAPGRAPH_CACHE_STALE_WHILE_REVALIDATE_SECS", "7")],
    );

    // Act
    let response = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{port}/graphql"))
        .query(&[("query", "{ dataset { digest } }")])
        .send()
        .expect("the server answers");

    // Assert
    assert_eq!(response.status(), 200);
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned());
    sigterm(&child);
    let _ = child.wait();
    assert_eq!(
        cache.as_deref(),
        Some("public, max-age=42, stale-while-revalidate=7")
    );
}

#[test]
fn serve_refuses_a_bad_trusted_documents_manifest_naming_the_file_and_the_fault() {
    // Arrange: a manifest whose key is not a SHA-256 (as a generator set to sha1 would write).
    let data = data_dir();
    let manifest = data.path().join("persisted-documents.json");
    std::fs::write(
        &manifest,
        r#"{ "da39a3ee5e6b4b0d3255bfef95601890afd80709": "{ dataset { digest } }" }"#,
    )
    .expect("written");

    // Act
    let out = run(capgraph()
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(data.path().join("data"))
        .arg("--trusted-documents")
        .arg(&manifest));

    // Assert
    assert_eq!(out.status.code(), Some(2), "bad input: {out:?}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&manifest.display().to_string()), "{stderr}");
    assert!(stderr.contains("is not a SHA-256 hash"), "{stderr}");
    assert!(
        !data.path().join("data").exists(),
        "refused before touching the store"
    );
}

#[test]
fn query_reads_stdin_when_the_document_or_the_file_is_a_dash() {
    let data = data_dir();
    for args in [&["-"][..], &["-f", "-"][..]] {
        let mut child = capgraph()
            .args(["query", "--data"])
            .arg(data.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        std::io::Write::write_all(
            child.stdin.as_mut().expect("stdin"),
            br#"{ country(code: "KH") { name } }"#,
        )
        .expect("writes");
        let out = child.wait_with_output().expect("finishes");
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let body: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("the answer is JSON");
        assert_eq!(body["data"]["country"]["name"], "Cambodia", "{args:?}");
    }

    let out = capgraph()
        .args(["query", "--data"])
        .arg(data.path())
        .arg("-")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "an empty stdin is bad input");
    assert!(
        text(&out.stderr).contains("stdin is empty"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn with_no_command_capgraph_serves() {
    let data = data_dir();
    let mut child = capgraph()
        .env("CAPGRAPH_ADDR", "127.0.0.1:0")
        .env("CAPGRAPH_DATA", data.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("capgraph starts");
    let stderr = BufReader::new(child.stderr.take().expect("piped"));
    let listening = stderr
        .lines()
        .map_while(Result::ok)
        .find(|line| line.contains("listening"));
    let _ = child.kill();
    let _ = child.wait();
    let line = listening.expect("capgraph with no command logs that it listens");
    assert!(line.contains("GraphiQL at http://127.0.0.1:"), "{line}");
}
