//! Driving headless Chromium from a Rust test, shared by `tests/graphiql.rs` and
//! `tests/explore.rs`: finding the tools (or skipping by the harness's rule, [`require`]),
//! running a `tests/browser/*.mjs` script under a deadline and reading its one-line JSON report,
//! and checking a screenshot. The server they drive is the harness's [`super::server`].

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::command::report_of;
use super::skip::{node_packages, require};

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Chromium's path when the browser, node and puppeteer-core are all there; otherwise `None`
/// after [`require`] has said why (or failed the test under `CI=true`).
pub fn browser_or_skip() -> Option<PathBuf> {
    require(browser_tools())
}

/// Finds the browser, node and puppeteer-core, or says which is missing.
fn browser_tools() -> Result<PathBuf, String> {
    let chromium =
        PathBuf::from(std::env::var_os("CHROMIUM").unwrap_or("/usr/bin/chromium".into()));
    if !chromium.is_file() {
        return Err(format!("no Chromium at {}", chromium.display()));
    }
    node_packages(&["puppeteer-core"])?;
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
    let child = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(repo_root())
        .env("CHROMIUM", chromium)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    report_of(child, script, deadline)
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
