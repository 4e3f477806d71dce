//! `capgraph serve` as a child process, as an operator runs it: started over a data directory
//! on a loopback port, sent signals, killed; and a client load that runs beside it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::Value;

use super::command::capgraph;

/// How long a server may take to start: the first start over an empty directory seeds it.
const START_DEADLINE: Duration = Duration::from_secs(120);

/// A running `capgraph serve`, killed when dropped.
pub struct ServeProcess {
    child: Child,
    pub port: u16,
    /// Every log line so far (JSON, one per line).
    logs: Arc<Mutex<Vec<String>>>,
}

impl ServeProcess {
    /// Starts `capgraph serve --addr ADDR --data DATA ARGS..` with JSON logs at `info`, and
    /// waits until it says which port it listens on.
    pub fn start(addr: &str, data: &Path, args: &[&str]) -> ServeProcess {
        let mut child = capgraph()
            .args(["--log-format", "json", "serve", "--addr", addr, "--data"])
            .arg(data)
            .args(args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("capgraph serve starts");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (port_found, port) = mpsc::channel();
        let lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let kept = Arc::clone(&logs);
        thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let parsed: Value = serde_json::from_str(&line).unwrap_or_default();
                if let Some(port) = parsed["fields"]["port"].as_u64() {
                    let _ = port_found.send(port as u16);
                }
                kept.lock().unwrap().push(line);
            }
        });
        let port = match port.recv_timeout(START_DEADLINE) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "capgraph serve did not say its port within {START_DEADLINE:?}:\n{}",
                    logs.lock().unwrap().join("\n")
                );
            }
        };
        ServeProcess { child, port, logs }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sends a signal by name (`HUP`, `TERM`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Kills the process with SIGKILL and waits for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The log lines so far that contain `text`.
    pub fn log_lines(&self, text: &str) -> Vec<Value> {
        self.logs
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains(text))
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// How many log lines so far contain `text`.
    pub fn count_lines(&self, text: &str) -> usize {
        self.logs
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains(text))
            .count()
    }

    /// Waits until the server has finished `more` requests beyond those it has logged so far.
    #[track_caller]
    pub fn wait_for_requests(&self, more: usize) {
        let start = self.count_lines("request finished");
        wait_until(
            &format!("{more} more requests"),
            Duration::from_secs(60),
            || self.count_lines("request finished") >= start + more,
        );
    }

    /// The digest `/readyz` reports, or `None` while the server does not answer ready.
    pub fn ready_digest(&self) -> Option<String> {
        ready_digest(&self.url("/readyz"))
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The digest a `/readyz` URL reports, or `None` while it does not answer ready.
pub fn ready_digest(url: &str) -> Option<String> {
    let response = reqwest::blocking::get(url).ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body: Value = response.json().ok()?;
    body["digest"].as_str().map(str::to_owned)
}

/// Waits until `condition` holds, polling every 50 ms; panics with `what` after `deadline`.
#[track_caller]
pub fn wait_until(what: &str, deadline: Duration, mut condition: impl FnMut() -> bool) {
    let give_up = Instant::now() + deadline;
    while !condition() {
        assert!(Instant::now() < give_up, "{what}: not within {deadline:?}");
        thread::sleep(Duration::from_millis(50));
    }
}

/// Client threads sending requests in a loop until stopped: each request's outcome is kept.
pub struct Load<T> {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<Vec<T>>>,
}

impl<T: Send + 'static> Load<T> {
    /// Starts `threads` clients, each calling `request(client, n)` for n = 0, 1, ... with a
    /// short pause between requests, so the load is steady but modest.
    pub fn start(
        threads: usize,
        request: impl Fn(&Client, u64) -> T + Send + Sync + 'static,
    ) -> Load<T> {
        let stop = Arc::new(AtomicBool::new(false));
        let request = Arc::new(request);
        let threads = (0..threads)
            .map(|_| {
                let (stop, request) = (Arc::clone(&stop), Arc::clone(&request));
                thread::spawn(move || {
                    let client = Client::builder()
                        .timeout(Duration::from_secs(30))
                        .build()
                        .expect("an HTTP client");
                    let mut outcomes = Vec::new();
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        outcomes.push(request(&client, n));
                        n += 1;
                        thread::sleep(Duration::from_millis(5));
                    }
                    outcomes
                })
            })
            .collect();
        Load { stop, threads }
    }

    /// Stops the clients and returns every outcome.
    pub fn stop(self) -> Vec<T> {
        self.stop.store(true, Ordering::Relaxed);
        self.threads
            .into_iter()
            .flat_map(|thread| thread.join().expect("a client thread"))
            .collect()
    }
}
