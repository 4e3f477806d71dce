//! The real server and what a user does with it: `spawn_app()` starts it on `127.0.0.1:0` over
//! a fresh data directory; `TestApp` speaks HTTP to it like any client.

use std::sync::{LazyLock, Once};
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use capgraph::config::Settings;
use capgraph::startup::Application;
use reqwest::blocking::{Client, Response};
pub use reqwest::StatusCode;
use serde_json::{json, Value};
use tempfile::TempDir;

use super::answers::{assert_clean_errors, assert_error};
use super::data::temp_dir;

/// Logs only when asked: `TEST_LOG=1 cargo test --test api` (with `RUST_LOG` as usual).
static TRACING: Once = Once::new();

fn init_tracing() {
    TRACING.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            // The writer runs for the whole test process.
            std::mem::forget(capgraph::telemetry::init(
                capgraph::telemetry::LogFormat::Text,
                "info",
                capgraph::telemetry::LogQueue::Dropping,
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

/// Starts the server with default settings over a fresh data directory, which it seeds from
/// the embedded dataset.
pub fn spawn_app() -> TestApp {
    spawn_app_with(|_| {})
}

/// Starts the server with settings adjusted by `adjust` (limits, CORS, ...).
pub fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_over(temp_dir("app"), adjust)
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
        self.get_graphql_params(&params, headers)
    }

    /// GET `/graphql` with exactly these query-string parameters (`extensions`, say).
    pub fn get_graphql_params(
        &self,
        params: &[(&str, String)],
        headers: &[(&str, &str)],
    ) -> Response {
        headers
            .iter()
            .fold(
                self.client.get(self.url("/graphql")).query(params),
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
