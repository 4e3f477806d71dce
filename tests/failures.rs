//! What a client and an operator see when the store fails under a query: the failed field is
//! `null` in `data` with its error at its path (the null spreading up to the nearest nullable
//! field), the rest of the answer stands, and the server's log line for the failure carries the
//! request ID the response gave. The failure is real: one record of a seeded store is damaged on
//! disk before `capgraph serve` starts.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const DAMAGED: &str = "project:suramadu-bridge";

/// A server over a store whose record for [`DAMAGED`] no longer decodes, with its log lines.
struct DamagedServer {
    child: Child,
    port: u16,
    logs: Receiver<String>,
    _data: tempfile::TempDir,
}

impl DamagedServer {
    fn start() -> DamagedServer {
        let data = common::temp_dir("failures");
        let seeded = common::capgraph()
            .args(["seed", "--data"])
            .arg(data.path())
            .output()
            .expect("capgraph seed runs");
        assert!(seeded.status.success(), "{seeded:?}");
        let store = capgraph::store::DataDir::new(data.path())
            .current_path()
            .expect("CURRENT reads")
            .expect("a live store");
        {
            let db = sled::open(&store).expect("the store opens");
            let nodes = db.open_tree("nodes").expect("the nodes tree");
            assert!(nodes.get(DAMAGED).expect("readable").is_some());
            // A format byte no capgraph writes: the record is there but cannot be read.
            nodes.insert(DAMAGED, &[0xff, 0x00][..]).expect("writable");
            db.flush().expect("flushed");
        }
        let mut child = common::capgraph()
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--log-format",
                "json",
                "--data",
            ])
            .arg(data.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("capgraph serve starts");
        let (sender, logs) = mpsc::channel();
        let stderr = child.stderr.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = DamagedServer {
            child,
            port: 0,
            logs,
            _data: data,
        };
        let listening = server.wait_for_log(|line| line["fields"]["port"].is_u64());
        server.port = u16::try_from(listening["fields"]["port"].as_u64().expect("a port"))
            .expect("a port number");
        server
    }

    /// The first JSON log line that `wanted` accepts, within 30 s.
    fn wait_for_log(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(line) = self.logs.recv_timeout(left) else {
                break;
            };
            if let Ok(value) = serde_json::from_str::<Value>(&line) {
                if wanted(&value) {
                    return value;
                }
            }
            seen.push(line);
        }
        panic!("no such log line; saw:\n{}", seen.join("\n"));
    }

    fn post(&self, query: &str) -> (Value, String) {
        let response = reqwest::blocking::Client::new()
            .post(format!("http://127.0.0.1:{}/graphql", self.port))
            .json(&json!({ "query": query }))
            .send()
            .expect("the server answers");
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("an x-request-id header")
            .to_owned();
        (response.json().expect("a JSON body"), request_id)
    }
}

impl Drop for DamagedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn path_of(error: &Value) -> Vec<Value> {
    error["path"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_failed_nullable_field_is_null_with_its_error_and_path_and_the_rest_still_answers() {
    let server = DamagedServer::start();

    // The project is found without its record (the store's index knows it, and its name);
    // its `description` needs the record.
    let (body, _) = server.post(&format!(
        r#"{{ damaged: project(id: "{DAMAGED}") {{ name description }} sound: country(code: "KH") {{ name }} }}"#
    ));

    let damaged = body["data"]["damaged"]
        .as_object()
        .unwrap_or_else(|| panic!("the project is there: {body:#}"));
    assert!(damaged["name"].is_string(), "{body:#}");
    assert!(
        damaged.contains_key("description"),
        "the failed field is present: {body:#}"
    );
    assert_eq!(damaged["description"], Value::Null, "{body:#}");
    assert!(body["data"]["sound"]["name"].is_string(), "{body:#}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body:#}");
    assert_eq!(
        path_of(&errors[0]),
        vec![json!("damaged"), json!("description")],
        "{body:#}"
    );
    assert_eq!(errors[0]["extensions"]["code"], "INTERNAL");
    assert_eq!(errors[0]["message"], "internal error", "no internals leak");
}

#[test]
fn a_failed_non_null_field_turns_its_nearest_nullable_parent_null() {
    let server = DamagedServer::start();

    // `Country.projects` is non-null, so the country (nullable) becomes null in its place.
    // `aliases` needs each project's record; a project's name would come from the store's
    // index without it.
    let (body, _) = server.post(
        r#"{ country(code: "ID") { name projects(first: 500) { nodes { id aliases } } } dataset { edges } }"#,
    );

    assert_eq!(body["data"]["country"], Value::Null, "{body:#}");
    assert!(body["data"]["dataset"]["edges"].is_number(), "{body:#}");
    let errors = body["errors"].as_array().expect("errors");
    assert!(!errors.is_empty(), "{body:#}");
    let path = path_of(&errors[0]);
    assert_eq!(path.first(), Some(&json!("country")), "{body:#}");
    assert!(
        path.len() > 1,
        "the path names the field that failed: {body:#}"
    );
}

#[test]
fn the_log_line_of_a_store_failure_carries_the_request_id_of_the_response() {
    let server = DamagedServer::start();

    let (body, request_id) = server.post(&format!(
        r#"{{ project(id: "{DAMAGED}") {{ description }} }}"#
    ));
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTERNAL",
        "{body:#}"
    );

    let line = server.wait_for_log(|line| {
        line["level"] == "ERROR" && line.to_string().contains("store failure")
    });
    assert!(
        line.to_string().contains(&request_id),
        "the error's log line does not carry request ID {request_id}: {line:#}"
    );
}
