//! `datasetChanged` with the real clients of both subscription protocols: graphql-ws
//! (`graphql-transport-ws` over WebSocket) and graphql-sse (Server-Sent Events, distinct
//! connections), from `tests/clients/subscriptions.mjs`, against `capgraph serve`. A re-seed
//! and SIGHUP must deliver exactly one event with the new digest to each; past the cap on open
//! subscriptions, a new one is refused with `LIMIT_EXCEEDED`.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{
    generated, node_packages, report_of, require, seed_from, temp_dir, wait_until, ServeProcess,
};
use serde_json::Value;

const DEADLINE: Duration = Duration::from_secs(60);

/// Subscriptions open, as `/metrics` counts them.
fn open_subscriptions(server: &ServeProcess) -> Option<u64> {
    let text = reqwest::blocking::get(server.url("/metrics"))
        .ok()?
        .text()
        .ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("capgraph_open_subscriptions "))
        .and_then(|value| value.trim().parse().ok())
}

#[test]
fn a_re_seed_sends_one_dataset_changed_event_over_websocket_and_server_sent_events() {
    // Arrange: a server allowing two subscriptions, and the two clients subscribed
    if require(node_packages(&["graphql-ws", "graphql-sse", "ws"])).is_none() {
        return;
    }
    let dir = temp_dir("subscriptions");
    let data = dir.path().join("data");
    let server = ServeProcess::start(
        "127.0.0.1:0",
        &data,
        &["--reload-interval-ms", "0", "--max-subscriptions", "2"],
    );
    let (generated_dir, new) = generated(dir.path(), 31);
    let mut clients = Command::new("node")
        .arg("tests/clients/subscriptions.mjs")
        .arg(server.url(""))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let stdin = clients.stdin.take().expect("stdin is piped");
    wait_until("both clients have subscribed", DEADLINE, || {
        open_subscriptions(&server) == Some(2)
    });

    // Act: a third subscription, past the cap; then a re-seed and SIGHUP
    let refused = reqwest::blocking::Client::new()
        .post(server.url("/graphql"))
        .header("accept", "text/event-stream")
        .json(&serde_json::json!({ "query": "subscription { datasetChanged { digest } }" }))
        .send()
        .expect("the server answers")
        .text()
        .expect("an event stream");
    seed_from(Some(&generated_dir), &data);
    server.signal("HUP");
    wait_until("the server serves the new dataset", DEADLINE, || {
        server.ready_digest().as_deref() == Some(&*new.digest)
    });
    drop(stdin);
    let report = report_of(clients, "the subscription clients", DEADLINE);

    // Assert
    for protocol in ["websocket", "sse"] {
        let seen = &report[protocol];
        assert_eq!(
            seen["errors"],
            Value::Array(vec![]),
            "{protocol}: {report:#}"
        );
        let digests: Vec<&str> = seen["events"]
            .as_array()
            .expect("a list of events")
            .iter()
            .filter_map(|event| event["digest"].as_str())
            .collect();
        assert_eq!(
            digests,
            vec![&*new.digest],
            "{protocol}: one event, with the new digest: {report:#}"
        );
    }
    let events: Vec<&str> = refused.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert_eq!(events.len(), 2, "a `next` and a `complete`: {refused}");
    let next: Value = serde_json::from_str(
        events[0]
            .strip_prefix("event: next\ndata: ")
            .unwrap_or_else(|| panic!("a `next` event first: {refused}")),
    )
    .expect("its data is JSON");
    assert_eq!(
        next["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{next}"
    );
    assert_eq!(next["errors"][0]["extensions"]["limit"], "maxSubscriptions");
    assert_eq!(next["errors"][0]["extensions"]["max"], 2);
    assert_eq!(events[1], "event: complete\ndata:");
}
