//! The built `capgraph` binary, run hermetically: whatever the developer's shell exports, a test
//! sees only the variables it sets itself; and waiting for a test's script with a deadline.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Lines, Read};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Output, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Removes from `command`'s environment every variable capgraph reads: all `CAPGRAPH_*` (flag
/// twins, and the typo warning's subject) and `RUST_LOG`. Variables the test then sets with
/// `.env(..)` still apply, since a `Command` applies its changes in order.
pub fn hermetic(command: &mut Command) -> &mut Command {
    command.env_remove("RUST_LOG");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CAPGRAPH_") {
            command.env_remove(name);
        }
    }
    command
}

/// The binary under test (`CARGO_BIN_EXE_capgraph`), with a [`hermetic`] environment.
pub fn capgraph() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capgraph"));
    hermetic(&mut command);
    command
}

/// Runs `capgraph args..` to its end and returns what it printed and how it exited.
pub fn capgraph_output<S: AsRef<OsStr>>(args: &[S]) -> Output {
    capgraph()
        .args(args)
        .output()
        .expect("the capgraph binary runs")
}

/// `capgraph serve` on a free port over `data` with JSON logs, more flags in `args` and
/// environment in `env`; returns the child, its port, and its log lines after the one giving it.
pub fn serve_json_logs(
    data: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Child, u16, Lines<BufReader<ChildStderr>>) {
    let mut child = capgraph()
        .args([
            "--log-format",
            "json",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
        ])
        .arg(data)
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut port = None;
    let mut seen = Vec::new();
    while port.is_none() && Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        port = parsed["fields"]["port"].as_u64();
        seen.push(line);
    }
    let port = port.unwrap_or_else(|| {
        panic!(
            "serve never logged the port it listens on; it said:\n{}",
            seen.join("\n")
        )
    });
    (child, u16::try_from(port).expect("a port number"), lines)
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits for a script the test started with piped stdout and stderr, and returns the JSON report
/// it prints as its last stdout line. Fails the test if it fails, prints no report, or runs past
/// `deadline`; then it is stopped with SIGTERM first (puppeteer closes Chromium on it, which
/// SIGKILL would leave running), and killed if it is still there 3 s later.
pub fn report_of(mut child: Child, what: &str, deadline: Duration) -> Value {
    // Read both pipes on their own threads so a chatty child never blocks on a full pipe.
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));
    let give_up = Instant::now() + deadline;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a child process") {
            break status;
        }
        if Instant::now() > give_up {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            thread::sleep(Duration::from_secs(3));
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what} ran past {deadline:?}; stderr:\n{}",
                stderr.join().unwrap()
            );
        }
        thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(
        status.success(),
        "{what} failed ({status}):\n{stderr}\n{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{what} printed no report ({e}):\n{stdout}\n{stderr}"))
}

fn read_all(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}
