//! Overload cannot starve the server: while crowds of clients misbehave in three ways, a new
//! client's `{ __typename }` and `/healthz` keep answering within a second. The crowds: 600
//! clients that start an export and never read it, then 64 clients flooding a query whose cost
//! is close to the limit, then 2,000 connections that never send a request.
//!
//! The bound is generous on purpose (a second, where a quiet server answers in about a
//! millisecond): this checks that nothing queues the cheap request behind the crowd, not speed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::{spawn_app_with, TestApp};

/// How long each crowd is held while the probe runs.
const PHASE: Duration = Duration::from_secs(4);
/// The promise: a cheap request answers within this, whatever the crowd.
const BOUND: Duration = Duration::from_secs(1);

/// A client with no connection pool, so that every probe is a new client's first request.
fn fresh_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

/// Probes `{ __typename }` and `/healthz` every 100 ms until `until`, and returns the worst
/// latency of each; panics on any answer that is not a success.
fn probe(server: &TestApp, until: Instant) -> (Duration, Duration) {
    let client = fresh_client();
    let (mut worst_query, mut worst_health) = (Duration::ZERO, Duration::ZERO);
    while Instant::now() < until {
        let started = Instant::now();
        let response = client
            .post(server.url("/graphql"))
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .expect("the cheap query answers");
        let status = response.status();
        let body: Value = response.json().expect("a JSON body");
        worst_query = worst_query.max(started.elapsed());
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["__typename"], "Query", "{body}");

        let started = Instant::now();
        let health = client
            .get(server.url("/healthz"))
            .send()
            .expect("/healthz answers");
        worst_health = worst_health.max(started.elapsed());
        assert!(health.status().is_success(), "{:?}", health.status());
        thread::sleep(Duration::from_millis(100));
    }
    (worst_query, worst_health)
}

fn report(phase: &str, (query, health): (Duration, Duration)) {
    eprintln!("{phase}: worst {{ __typename }} {query:?}, worst /healthz {health:?}");
    assert!(query < BOUND, "{phase}: {{ __typename }} took {query:?}");
    assert!(health < BOUND, "{phase}: /healthz took {health:?}");
}

/// Sends one request on a keep-alive connection and reads the whole answer; its status, or
/// `None` when the connection closed.
fn exchange(stream: &mut TcpStream, request: &[u8]) -> Option<u16> {
    stream.write_all(request).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let status = line.split_whitespace().nth(1)?.parse().ok()?;
    let mut length = 0usize;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(status)
}

/// Close to the default cost limit of 50,000 (the page sizes multiply), yet accepted.
const COSTLY: &str =
    "{ projects(first: 500) { nodes { id name hostCountries { name } sectors { name } \
     enterprises(first: 15) { edges { role node { name } } } } } }";

#[test]
fn cheap_requests_answer_within_a_second_whatever_the_crowd() {
    // Default settings: as many workers as cores, as a deployment has.
    let server = spawn_app_with(|settings| settings.workers = None);
    let client = fresh_client();
    let (_, costly) = {
        let response = client
            .post(server.url("/graphql"))
            .json(&json!({ "query": COSTLY }))
            .send()
            .expect("answers");
        (response.status(), response.json::<Value>().expect("JSON"))
    };
    assert!(
        costly.get("errors").is_none(),
        "the flood query is within the limits: {costly}"
    );

    // 1. 600 clients ask for an export and never read it.
    let mut stalled = Vec::new();
    for _ in 0..600 {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connects");
        stream
            .write_all(b"GET /export/ndjson HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("the request is sent");
        stalled.push(stream);
    }
    report("600 unread exports", probe(&server, Instant::now() + PHASE));
    drop(stalled);

    // 2. 64 clients flood a costly query, each sending the next as soon as an answer comes (over
    // plain sockets, so that the test's own clients do not eat the CPU the server needs).
    let stop = Arc::new(AtomicBool::new(false));
    let (answered, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let body = json!({ "query": COSTLY }).to_string();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let flood: Vec<_> = (0..64)
        .map(|_| {
            let (stop, answered, refused) = (
                Arc::clone(&stop),
                Arc::clone(&answered),
                Arc::clone(&refused),
            );
            let (port, request) = (server.port, request.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
                        continue;
                    };
                    while !stop.load(Ordering::Relaxed) {
                        let Some(status) = exchange(&mut stream, request.as_bytes()) else {
                            break;
                        };
                        match status {
                            200 => answered.fetch_add(1, Ordering::Relaxed),
                            503 => refused.fetch_add(1, Ordering::Relaxed),
                            other => panic!("the flood query got {other}"),
                        };
                    }
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(500));
    report(
        "64 clients flooding a costly query",
        probe(&server, Instant::now() + PHASE),
    );
    stop.store(true, Ordering::Relaxed);
    for thread in flood {
        thread.join().expect("a flood thread");
    }
    eprintln!(
        "the flood: {} answered, {} refused with 503",
        answered.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed)
    );
    assert!(
        answered.load(Ordering::Relaxed) > 0,
        "the flood was served too"
    );

    // 3. 2,000 connections that never send a request.
    let idle: Vec<TcpStream> = (0..2_000)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).expect("connects"))
        .collect();
    report(
        "2,000 idle connections",
        probe(&server, Instant::now() + PHASE),
    );
    drop(idle);
}
