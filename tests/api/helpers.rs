//! The test server and what a user does with it: `spawn_app()` starts the real server on
//! `127.0.0.1:0` over a fresh data directory; `TestApp` speaks HTTP to it like any client.
//! Also: the seed files read as plain JSON, so that tests compute what to expect from the data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{LazyLock, Once};
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use capgraph::config::Settings;
use capgraph::startup::Application;
use reqwest::blocking::{Client, Response};
pub use reqwest::StatusCode;
use serde_json::{json, Value};
use tempfile::TempDir;

/// Logs only when asked: `TEST_LOG=1 cargo test --test api` (with `RUST_LOG` as usual).
static TRACING: Once = Once::new();

fn init_tracing() {
    TRACING.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            // The writer runs for the whole test process.
            std::mem::forget(capgraph::telemetry::init(
                capgraph::telemetry::LogFormat::Text,
                "info",
            ));
        }
    });
}

/// A running server and an HTTP client pointed at it. Dropping it stops the server and removes
/// its data directory.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub port: u16,
    client: Client,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    /// Held so that the store outlives the server; removed on drop.
    _data: TempDir,
}

/// A fresh data directory under cargo's temporary directory for integration tests.
///
/// Servers and stores kept in statics are never dropped, so their directories outlive the
/// process. Each directory is therefore named after the process that made it, and the first
/// call in a run removes those whose process has gone.
pub fn data_dir() -> TempDir {
    static SWEEP: Once = Once::new();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    SWEEP.call_once(|| sweep_leftovers(root));
    tempfile::Builder::new()
        .prefix(&format!("api-{}-", std::process::id()))
        .tempdir_in(root)
        .expect("a temporary data directory")
}

/// Removes `api-<pid>-*` directories of processes that no longer run (where the OS can say).
fn sweep_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("api-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let proc = Path::new("/proc");
        let gone =
            pid != std::process::id() && proc.is_dir() && !proc.join(pid.to_string()).exists();
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Starts the server with default settings over a fresh data directory, which it seeds from
/// the embedded dataset.
pub fn spawn_app() -> TestApp {
    spawn_app_with(|_| {})
}

/// Starts the server with settings adjusted by `adjust` (limits, CORS, ...).
pub fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_over(data_dir(), adjust)
}

/// Starts the server over a data directory prepared by the caller (seeded or not).
pub fn spawn_app_over(data: TempDir, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    init_tracing();
    let mut settings = Settings::new(
        "127.0.0.1:0".parse().expect("a socket address"),
        data.path().to_owned(),
    );
    // Two workers are plenty for a test and keep the thread count down on small machines.
    settings.workers = Some(2);
    adjust(&mut settings);
    let (started, ready) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            match Application::build(settings).await {
                Ok(app) => {
                    let _ = started.send(Ok((app.port(), app.handle())));
                    if let Err(error) = app.run_until_stopped().await {
                        eprintln!("the test server stopped with an error: {error}");
                    }
                }
                Err(error) => {
                    let _ = started.send(Err(error.to_string()));
                }
            }
        })
    });
    let (port, handle) = ready
        .recv()
        .expect("the server thread reports whether it started")
        .unwrap_or_else(|error| panic!("the server failed to start: {error}"));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client"),
        handle,
        thread: Some(thread),
        _data: data,
    }
}

/// One server with default settings for the tests that only read: starting a server seeds a
/// store, and most tests need nothing more than the embedded dataset.
pub fn shared_app() -> &'static TestApp {
    static APP: LazyLock<TestApp> = LazyLock::new(spawn_app);
    &APP
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // `stop` sends its command at once; the future only waits for completion, which the
        // join below does instead.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The error codes the API promises.
pub const ERROR_CODES: [&str; 7] = [
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "LIMIT_EXCEEDED",
    "INTERNAL",
    "TIMEOUT",
    "OVERLOADED",
    "INTROSPECTION_DISABLED",
];

/// Checks what every error body must satisfy: each error has a promised code and tells the
/// client nothing about the server's insides.
#[track_caller]
pub fn assert_clean_errors(body: &Value) {
    for error in body["errors"].as_array().into_iter().flatten() {
        let code = error["extensions"]["code"].as_str().unwrap_or_default();
        assert!(
            ERROR_CODES.contains(&code),
            "an error without a promised code: {error}"
        );
        let message = error["message"]
            .as_str()
            .expect("every error has a message");
        for leak in [
            "panicked", "sled", "/tmp", "/src/", ".rs:", "\\src\\", "/root/", "/home/",
        ] {
            assert!(
                !message.contains(leak),
                "an error message gives away `{leak}`: {message}"
            );
        }
    }
}

/// The codes of a body's errors, in order.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Asserts that a body has errors, all with `code`, and returns the first message.
#[track_caller]
pub fn assert_error(body: &Value, code: &str) -> String {
    let codes = error_codes(body);
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c == code),
        "expected {code} errors, got {body}"
    );
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs a GraphQL request as `application/json` and returns the status and the body.
    pub fn graphql(&self, query: &str, variables: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .expect("the server answers");
        let status = response.status();
        let body: Value = response.json().expect("a JSON body");
        assert_clean_errors(&body);
        (status, body)
    }

    /// Runs a query that must succeed, and returns its `data`.
    #[track_caller]
    pub fn data(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql(query, variables);
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs a query that must fail with errors of `code`, and returns the first message.
    #[track_caller]
    pub fn error(&self, query: &str, variables: Value, code: &str) -> String {
        let (status, body) = self.graphql(query, variables);
        assert_eq!(
            status,
            StatusCode::OK,
            "application/json answers 200: {body}"
        );
        assert_error(&body, code)
    }

    pub fn get(&self, path: &str) -> Response {
        self.get_with_headers(path, &[])
    }

    pub fn get_with_headers(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        headers
            .iter()
            .fold(self.client.get(self.url(path)), |r, (k, v)| {
                r.header(*k, *v)
            })
            .send()
            .expect("the server answers")
    }

    /// GET `/graphql` with the request in the query string.
    pub fn get_graphql(
        &self,
        query: &str,
        variables: Option<&Value>,
        operation_name: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut params = vec![("query", query.to_owned())];
        if let Some(v) = variables {
            params.push(("variables", v.to_string()));
        }
        if let Some(name) = operation_name {
            params.push(("operationName", name.to_owned()));
        }
        headers
            .iter()
            .fold(
                self.client.get(self.url("/graphql")).query(&params),
                |r, (k, v)| r.header(*k, *v),
            )
            .send()
            .expect("the server answers")
    }

    /// POSTs any body to `/graphql` with the given `Content-Type` and `Accept`.
    pub fn post_raw(
        &self,
        body: impl Into<reqwest::blocking::Body>,
        content_type: &str,
        accept: Option<&str>,
    ) -> Response {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header("content-type", content_type)
            .body(body);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        request.send().expect("the server answers")
    }

    /// Any method, any path, any headers: for CORS preflights and the like.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Response {
        headers
            .iter()
            .fold(self.client.request(method, self.url(path)), |r, (k, v)| {
                r.header(*k, *v)
            })
            .send()
            .expect("the server answers")
    }
}

/// A response header as text, if present.
pub fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("an ASCII header").to_owned())
}

/// The IDs in a list of `{ id }` objects (or `{ node { id } }` edges).
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|item| {
            item.get("node")
                .unwrap_or(item)
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("an id in {item}"))
                .to_owned()
        })
        .collect()
}

/// The same as [`ids`], as a set.
pub fn id_set(list: &Value) -> BTreeSet<String> {
    ids(list).into_iter().collect()
}

/// The seed files as plain JSON: what the dataset says, independently of the server.
pub struct Seed {
    pub projects: Vec<Value>,
    pub enterprises: Vec<Value>,
    pub countries: Vec<Value>,
    pub sectors: Vec<Value>,
    pub zones: Vec<Value>,
    pub indicators: Vec<Value>,
}

/// The embedded dataset's seed files, read once.
pub fn seed() -> &'static Seed {
    static SEED: LazyLock<Seed> = LazyLock::new(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
        let read = |kind: &str| -> Vec<Value> {
            let path = dir.join(format!("{kind}.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let file: Value = serde_json::from_str(&text).expect("seed files are JSON");
            file[kind].as_array().expect("a list of records").clone()
        };
        Seed {
            projects: read("projects"),
            enterprises: read("enterprises"),
            countries: read("countries"),
            sectors: read("sectors"),
            zones: read("zones"),
            indicators: read("indicators"),
        }
    });
    &SEED
}

/// The strings of a JSON list field (empty when absent).
pub fn strings(record: &Value, field: &str) -> Vec<String> {
    record[field]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

impl Seed {
    pub fn project(&self, id: &str) -> &Value {
        self.projects
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("the seed has {id}"))
    }

    /// `root` and everything below it, following `parent` links (sectors or enterprises).
    pub fn descendants(records: &[Value], root: &str) -> BTreeSet<String> {
        let parent_of: BTreeMap<String, String> = records
            .iter()
            .filter_map(|r| {
                let parent = match &r["parent"] {
                    Value::String(p) => p.clone(),
                    Value::Object(o) => o.get("enterprise")?.as_str()?.to_owned(),
                    _ => return None,
                };
                Some((r["id"].as_str()?.to_owned(), parent))
            })
            .collect();
        records
            .iter()
            .filter_map(|r| r["id"].as_str())
            .filter(|id| {
                let mut current = Some(id.to_string());
                while let Some(c) = current {
                    if c == root {
                        return true;
                    }
                    current = parent_of.get(&c).cloned();
                }
                false
            })
            .map(str::to_owned)
            .collect()
    }

    /// IDs of the projects for which `keep` holds.
    pub fn project_ids(&self, keep: impl Fn(&Value) -> bool) -> BTreeSet<String> {
        self.projects
            .iter()
            .filter(|p| keep(p))
            .map(|p| p["id"].as_str().expect("an id").to_owned())
            .collect()
    }

    /// The enterprises taking part in a project.
    pub fn participants(project: &Value) -> Vec<String> {
        project["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["enterprise"].as_str().expect("an id").to_owned())
            .collect()
    }

    /// A project's headline USD value: the first figure that states one.
    pub fn value_usd(project: &Value) -> Option<f64> {
        project["value"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|m| m["usd"].as_f64())
    }

    pub fn hosted_in(project: &Value, country: &str) -> bool {
        strings(project, "hostCountries")
            .iter()
            .any(|c| c == country)
    }
}
