//! GraphiQL as a person meets it: the real server on loopback, headless Chromium driven by
//! `tests/browser/graphiql.mjs` (puppeteer-core), a query typed and run, its answer on screen,
//! the documentation explorer listing `Query`'s fields, and completion offering fields while one
//! types, all with the browser's network off.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM`), `node` and `npm ci` at the repository root. Without
//! them the test prints `skipped: <reason>` and passes, except under `CI=true`, where it fails.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use capgraph::config::Settings;
use capgraph::startup::Application;
use serde_json::Value;

/// Longest the browser script may run before the test kills it and fails.
const BROWSER_DEADLINE: Duration = Duration::from_secs(45);

/// What the browser script types into the empty editor to see completion at work.
const COMPLETION_PREFIX: &str = "{ proj";

const QUERY: &str = r#"{ project(id: "project:suramadu-bridge") { name hostCountries { name } } }"#;

#[test]
fn graphiql_runs_a_query_and_shows_the_answer_with_the_network_off() {
    // Arrange
    let chromium = match browser_tools() {
        Ok(chromium) => chromium,
        Err(reason) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true, so the browser test may not be skipped: {reason}")
        }
        Err(reason) => {
            // Straight to stderr: libtest hides what `println!` prints in a passing test.
            let _ = writeln!(std::io::stderr(), "skipped: {reason}");
            return;
        }
    };
    let server = TestServer::start();
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphiql.png");
    let _ = std::fs::remove_file(&screenshot);

    // Act
    let started = Instant::now();
    let report = drive_browser(&chromium, &server.url(), &screenshot);
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
    let origin = server.url();
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

    assert_is_a_real_screenshot(&screenshot);

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

/// Finds the browser, node and puppeteer-core, or says which is missing.
fn browser_tools() -> Result<PathBuf, String> {
    let chromium =
        PathBuf::from(std::env::var_os("CHROMIUM").unwrap_or("/usr/bin/chromium".into()));
    if !chromium.is_file() {
        return Err(format!("no Chromium at {}", chromium.display()));
    }
    match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => {}
        _ => return Err("no `node` on PATH".into()),
    }
    let puppeteer = repo_root().join("node_modules/puppeteer-core/package.json");
    if !puppeteer.is_file() {
        return Err("puppeteer-core is not installed: run `npm ci` at the repository root".into());
    }
    Ok(chromium)
}

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the browser script and returns what it saw, failing the test if it fails or overruns.
fn drive_browser(chromium: &Path, url: &str, screenshot: &Path) -> Value {
    let mut child = Command::new("node")
        .arg("tests/browser/graphiql.mjs")
        .arg(url)
        .arg(QUERY)
        .arg(screenshot)
        .arg(COMPLETION_PREFIX)
        .current_dir(repo_root())
        .env("CHROMIUM", chromium)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    // Read both pipes on their own threads so a chatty child never blocks on a full pipe.
    let stdout = read_all(child.stdout.take().expect("piped"));
    let stderr = read_all(child.stderr.take().expect("piped"));
    let deadline = Instant::now() + BROWSER_DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for node") {
            break status;
        }
        if Instant::now() > deadline {
            // SIGTERM first: puppeteer then closes Chromium, which SIGKILL would leave running.
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            thread::sleep(Duration::from_secs(3));
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the browser script ran past {BROWSER_DEADLINE:?}; stderr:\n{}",
                stderr.join().unwrap()
            );
        }
        thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(
        status.success(),
        "the browser script failed ({status}):\n{stderr}\n{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| {
        panic!("the browser script printed no report ({e}):\n{stdout}\n{stderr}")
    })
}

fn read_all(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// A PNG of the viewport's size, and big enough that it shows more than a blank page.
fn assert_is_a_real_screenshot(path: &Path) {
    let png = std::fs::read(path).expect("the screenshot was written");
    assert_eq!(
        &png[..8],
        b"\x89PNG\r\n\x1a\n",
        "not a PNG: {}",
        path.display()
    );
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 800), "{}", path.display());
    // Measured with this Chromium: a blank 1280×800 page is about 5 KiB, a line of text on it 7 KiB,
    // and GraphiQL with a query and its answer about 33 KiB.
    assert!(
        png.len() > 16 * 1024,
        "the screenshot is only {} bytes: {}",
        png.len(),
        path.display()
    );
}

/// The real server on `127.0.0.1:0` over a fresh data directory, on its own thread; stopped on drop.
struct TestServer {
    port: u16,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    _data: tempfile::TempDir,
}

impl TestServer {
    fn start() -> TestServer {
        let data = tempfile::tempdir().expect("a temp dir");
        let settings = Settings::new(
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            data.path().to_path_buf(),
        );
        let (tx, rx) = mpsc::channel();
        let thread = thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(settings)
                    .await
                    .expect("the server starts");
                tx.send((app.port(), app.handle())).expect("the test waits");
                app.run_until_stopped().await.expect("the store flushes");
            })
        });
        let (port, handle) = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server starts within 30s");
        TestServer {
            port,
            handle,
            thread: Some(thread),
            _data: data,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(true));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
