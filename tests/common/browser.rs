//! Driving headless Chromium from a Rust test, shared by `tests/graphiql.rs` and
//! `tests/explore.rs`: finding the tools (or skipping, except under `CI=true`), the real server
//! on a loopback port, running a `tests/browser/*.mjs` script under a deadline and reading its
//! one-line JSON report, and checking a screenshot.

// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
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

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Chromium's path when the browser, node and puppeteer-core are all there. Otherwise the test
/// prints `skipped: <reason>` and gets `None`, except under `CI=true`, where it fails.
pub fn browser_or_skip() -> Option<PathBuf> {
    match browser_tools() {
        Ok(chromium) => Some(chromium),
        Err(reason) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true, so the browser test may not be skipped: {reason}")
        }
        Err(reason) => {
            // Straight to stderr: libtest hides what `println!` prints in a passing test.
            let _ = writeln!(std::io::stderr(), "skipped: {reason}");
            None
        }
    }
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

/// Runs `node <script> <args...>` from the repository root and returns the JSON report it prints
/// as its last line, failing the test if it fails or runs past `deadline`.
pub fn drive_browser<S: AsRef<OsStr>>(
    chromium: &Path,
    script: &str,
    args: &[S],
    deadline: Duration,
) -> Value {
    let mut child = Command::new("node")
        .arg(script)
        .args(args)
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
    let give_up = Instant::now() + deadline;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for node") {
            break status;
        }
        if Instant::now() > give_up {
            // SIGTERM first: puppeteer then closes Chromium, which SIGKILL would leave running.
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            thread::sleep(Duration::from_secs(3));
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{script} ran past {deadline:?}; stderr:\n{}",
                stderr.join().unwrap()
            );
        }
        thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(
        status.success(),
        "{script} failed ({status}):\n{stderr}\n{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{script} printed no report ({e}):\n{stdout}\n{stderr}"))
}

fn read_all(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// A PNG of the given size, and big enough (`min_bytes`) that it shows more than a blank page.
/// Measured with this Chromium: a blank 1280×800 page is about 5 KiB, a line of text on it 7 KiB.
pub fn assert_is_a_real_screenshot(path: &Path, size: (u32, u32), min_bytes: usize) {
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
    assert_eq!((width, height), size, "{}", path.display());
    assert!(
        png.len() > min_bytes,
        "the screenshot is only {} bytes: {}",
        png.len(),
        path.display()
    );
}

/// The real server on `127.0.0.1:0` over a fresh data directory, on its own thread; stopped on drop.
pub struct TestServer {
    pub port: u16,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    _data: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
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

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The root page, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("{}/", self.origin())
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
