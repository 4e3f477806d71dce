//! One rule for a test whose tool (a browser, `node`, a Python module, a free port) is missing
//! here: off CI it passes after printing `skipped: <reason>` on stderr, where a person running
//! `cargo test` sees it; under `CI=true` it fails, so CI never passes a test it did not run.

use std::io::Write;
use std::process::Command;

/// Whether this run is CI's (`CI=true`), where nothing may be skipped.
pub fn under_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// `Some(found)` when the test can run. Otherwise `None` after saying why on stderr, or, under
/// `CI=true`, a panic with the reason.
#[track_caller]
pub fn require<T>(found: Result<T, String>) -> Option<T> {
    match found {
        Ok(found) => Some(found),
        Err(reason) if under_ci() => panic!("CI=true, so this test may not be skipped: {reason}"),
        Err(reason) => {
            // Straight to stderr: libtest captures `println!` and `eprintln!` and shows them
            // only for a failing test.
            let _ = writeln!(std::io::stderr(), "skipped: {reason}");
            None
        }
    }
}

/// Whether `program probe..` runs and succeeds here (e.g. `require_tool("curl", &["--version"])`);
/// see [`require`] for what happens when it does not.
#[track_caller]
pub fn require_tool(program: &str, probe: &[&str]) -> bool {
    require(tool(program, probe)).is_some()
}

/// `Ok` when `program probe..` succeeds; otherwise what is missing.
pub fn tool(program: &str, probe: &[&str]) -> Result<(), String> {
    match Command::new(program).args(probe).output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(_) => Err(format!("`{program} {}` failed", probe.join(" "))),
        Err(_) => Err(format!("no `{program}` on PATH")),
    }
}

/// `Ok` when `python3` can import every one of `modules`; otherwise what is missing and
/// `install`, the command that installs them.
pub fn python_modules(modules: &[&str], install: &str) -> Result<(), String> {
    let imports = format!("import {}", modules.join(", "));
    match Command::new("python3").args(["-c", &imports]).output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(format!(
            "python3 cannot `{imports}` (install with `{install}`): {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        )),
        Err(_) => Err("no `python3` on PATH".into()),
    }
}

/// `Ok` when `node` runs and these npm packages are installed at the repository root.
pub fn node_packages(packages: &[&str]) -> Result<(), String> {
    tool("node", &["--version"])?;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for package in packages {
        let manifest = root.join("node_modules").join(package).join("package.json");
        if !manifest.is_file() {
            return Err(format!(
                "the npm package {package} is not installed: run `npm ci` at the repository root"
            ));
        }
    }
    Ok(())
}
