//! Crash test for seed-and-swap (`src/store/swap.rs`): SIGKILL a real `capgraph seed` while it
//! builds a new store, then check that the live store is still the one from before, whole; and
//! that the next seeding succeeds and removes what the killed ones left behind.
//!
//! A `harness = false` test binary (see `Cargo.toml`): it prints one line per case and a closing
//! `crash: N passed, N failed`, and cargo judges it by its exit code. Killing a child process is
//! the only honest way to test what a crash leaves, and it needs a plain `main`.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use capgraph::model::Kind;
use capgraph::store::{Access, DataDir, Meta};

/// Scale of the dataset the killed seedings write. At 8, `capgraph seed` takes about 3 s in a
/// debug build on the 2-core machine (measured; at 3 it took 1.5 s once the store build got
/// faster, and the last kill came after the swap), so every kill below lands mid-build.
const LARGE_SCALE: u64 = 8;

/// How long after the new store's directory appears each kill comes: early in the writes, in the
/// middle, and late (around the flush and verification).
const KILL_DELAYS: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(600),
    Duration::from_millis(1200),
];

/// How long to wait for a child to start building before calling the case failed.
const START_TIMEOUT: Duration = Duration::from_secs(60);

type Contents = (String, std::collections::BTreeMap<Kind, u64>, u64);

fn contents(meta: &Meta) -> Contents {
    (meta.digest.clone(), meta.nodes.clone(), meta.edges)
}

fn seed_command(from: &Path, data: &Path) -> Command {
    let mut command = common::capgraph();
    command
        .args(["seed", "--from"])
        .arg(from)
        .arg("--data")
        .arg(data);
    command
}

fn run_seed(from: &Path, data: &Path) -> Result<(), String> {
    let Output { status, stderr, .. } = seed_command(from, data)
        .output()
        .map_err(|e| format!("cannot run capgraph: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`capgraph seed --from {}` failed ({status}):\n{}",
            from.display(),
            String::from_utf8_lossy(&stderr)
        ))
    }
}

fn store_dirs(data: &Path) -> BTreeSet<PathBuf> {
    fs::read_dir(data.join("stores"))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The live store's contents, after checking every record against its digest.
fn live_contents(data: &Path) -> Result<Contents, String> {
    let store = DataDir::new(data)
        .open_current(Access::Random)
        .map_err(|e| format!("the live store does not open: {e}"))?
        .ok_or("the data directory has no live store")?;
    store
        .verify()
        .map_err(|e| format!("the live store does not verify: {e}"))?;
    Ok(contents(store.meta()))
}

/// Starts seeding `large` into `data`, kills it `delay` after its new store directory appears,
/// and checks that the live store still holds `expected`. Returns the half-built directory.
fn kill_mid_seed(
    large: &Path,
    data: &Path,
    delay: Duration,
    expected: &Contents,
) -> Result<PathBuf, String> {
    // Arrange
    let before = store_dirs(data);
    let current_before = fs::read_to_string(data.join("CURRENT")).map_err(|e| e.to_string())?;
    let mut child = seed_command(large, data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start capgraph: {e}"))?;

    // Act
    let started = Instant::now();
    let half_built = loop {
        if let Some(new) = store_dirs(data).difference(&before).next() {
            break new.clone();
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("seeding exited ({status}) before it began a store"));
        }
        if started.elapsed() > START_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no new store after {START_TIMEOUT:?}"));
        }
        sleep(Duration::from_millis(2));
    };
    sleep(delay);
    if let Ok(Some(status)) = child.try_wait() {
        return Err(format!(
            "seeding finished ({status}) before the kill; raise LARGE_SCALE so the build outlasts {delay:?}"
        ));
    }
    child.kill().map_err(|e| format!("cannot kill: {e}"))?;
    child.wait().map_err(|e| format!("cannot reap: {e}"))?;

    // Assert
    let current_after = fs::read_to_string(data.join("CURRENT")).map_err(|e| e.to_string())?;
    if current_after != current_before {
        return Err(format!(
            "CURRENT moved from {current_before} to {current_after}"
        ));
    }
    let after = live_contents(data)?;
    if &after != expected {
        return Err(format!(
            "the live store changed: digest {} with {} nodes, {} edges; expected digest {}",
            after.0,
            after.1.values().sum::<u64>(),
            after.2,
            expected.0
        ));
    }
    if !half_built.is_dir() {
        return Err(format!(
            "the half-built store {} vanished",
            half_built.display()
        ));
    }
    Ok(half_built)
}

/// Seeds `another` into `data` after the kills: it must succeed, become live, and leave only
/// itself and the store it replaced.
fn seed_after_crashes(
    another: &Path,
    data: &Path,
    replaced: &Contents,
    half_built: &[PathBuf],
) -> Result<(), String> {
    // Arrange
    let live_before = DataDir::new(data)
        .current_path()
        .map_err(|e| e.to_string())?
        .ok_or("no live store before the last seeding")?;

    // Act
    run_seed(another, data)?;

    // Assert
    let after = live_contents(data)?;
    if &after == replaced {
        return Err("the new dataset did not become live".into());
    }
    let live = DataDir::new(data)
        .current_path()
        .map_err(|e| e.to_string())?
        .ok_or("no live store after the last seeding")?;
    let left: Vec<&PathBuf> = half_built.iter().filter(|p| p.exists()).collect();
    if !left.is_empty() {
        return Err(format!("half-built stores were not removed: {left:?}"));
    }
    let expected: BTreeSet<PathBuf> = [live, live_before].into();
    let stores = store_dirs(data);
    if stores != expected {
        return Err(format!(
            "stores/ holds {stores:?}; expected the live store and the one it replaced"
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    // `cargo test NAME` passes NAME to every test binary: run only when it could mean this one.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| "crash".contains(f.as_str())) {
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let mut passed = 0;
    let mut failed = 0;
    let mut report = |case: &str, result: &Result<(), String>| match result {
        Ok(()) => {
            passed += 1;
            println!("crash: {case} ... ok");
        }
        Err(why) => {
            failed += 1;
            println!("crash: {case} ... FAILED: {why}");
        }
    };

    let work = tempfile::tempdir().expect("a temp dir");
    let small = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
    let large = work.path().join("large");
    let another = work.path().join("another");
    let data = work.path().join("data");
    capgraph::generate::generate(&large, LARGE_SCALE, 1, &|_| {}).expect("generating succeeds");
    // Another small dataset: the base fixture without its indicators, which nothing references.
    fs::create_dir_all(&another).expect("a directory for another dataset");
    for name in [
        "sources",
        "countries",
        "frameworks",
        "sectors",
        "enterprises",
        "zones",
        "projects",
    ] {
        let file = format!("{name}.json");
        fs::copy(small.join(&file), another.join(&file)).expect("a fixture file copies");
    }
    let expected = run_seed(&small, &data).and_then(|()| live_contents(&data));
    let expected = match expected {
        Ok(expected) => expected,
        Err(why) => {
            println!("crash: seeding the small dataset failed: {why}");
            println!("crash: 0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };

    let mut half_built = Vec::new();
    for delay in KILL_DELAYS {
        let result = kill_mid_seed(&large, &data, delay, &expected).map(|dir| {
            half_built.push(dir);
        });
        report(
            &format!("SIGKILL {delay:?} into building a store leaves the old one live and whole"),
            &result,
        );
    }
    let result = seed_after_crashes(&another, &data, &expected, &half_built);
    report(
        "the next seeding succeeds and removes the half-built stores",
        &result,
    );

    println!("crash: finished in {:.1}s", started.elapsed().as_secs_f64());
    println!("crash: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
