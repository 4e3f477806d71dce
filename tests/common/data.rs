//! Temporary directories and seeded temporary stores.
//!
//! Directories go under cargo's directory for integration tests (`CARGO_TARGET_TMPDIR`), not
//! `/tmp`: stores are large, and a failed run leaves them where `cargo clean` removes them.

use std::path::Path;
use std::sync::{Arc, LazyLock, Once};

use capgraph::model::Dataset;
use capgraph::seed::{self, SeedFiles};
use capgraph::store::{DataDir, Store};
use tempfile::TempDir;

/// A fresh directory named `<prefix>-<pid>-…` under cargo's temporary directory for
/// integration tests; removed when dropped.
///
/// Servers and stores kept in statics are never dropped, so their directories outlive the
/// process. The first call in a run therefore removes the directories of processes that have
/// gone (where the OS can say).
pub fn temp_dir(prefix: &str) -> TempDir {
    static SWEEP: Once = Once::new();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    SWEEP.call_once(|| sweep_leftovers(root));
    tempfile::Builder::new()
        .prefix(&format!("{prefix}-{}-", std::process::id()))
        .tempdir_in(root)
        .expect("a temporary directory")
}

/// Removes `<prefix>-<pid>-*` directories whose process no longer runs.
fn sweep_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return;
    }
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // The PID is the last all-digit part before the random suffix.
        let mut parts: Vec<&str> = name.split('-').collect();
        parts.pop();
        let Some(pid) = parts.last().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !proc.join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The seed files of a directory.
pub fn read_seed_dir(dir: &Path) -> SeedFiles {
    SeedFiles::from_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read seed files in {}: {e}", dir.display()))
}

/// Loads seed files and seeds them into the data directory `data`, as `capgraph seed` does,
/// and returns the new live store. Panics with every problem if they do not load.
pub fn seed_into(files: &SeedFiles, data: &Path) -> Store {
    let dataset = seed::load(files).unwrap_or_else(|e| panic!("{}: {e}", files.origin));
    DataDir::new(data)
        .seed(&dataset, &files.origin, &|_| {})
        .expect("seeding succeeds")
}

/// A seeded store in a data directory of its own, removed when dropped.
pub struct TempStore {
    pub store: Arc<Store>,
    /// Held so that the store's files outlive it.
    dir: TempDir,
}

impl TempStore {
    /// A store of these seed files.
    pub fn seeded(files: &SeedFiles) -> TempStore {
        let dir = temp_dir("store");
        let store = seed_into(files, dir.path());
        TempStore {
            store: Arc::new(store),
            dir,
        }
    }

    /// A store of a dataset built in code (it must be sorted, as `Dataset::sort` leaves it).
    pub fn of_dataset(dataset: &Dataset, origin: &str) -> TempStore {
        let dir = temp_dir("store");
        let store = DataDir::new(dir.path())
            .seed(dataset, origin, &|_| {})
            .expect("seeding succeeds");
        TempStore {
            store: Arc::new(store),
            dir,
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }
}

/// The embedded dataset's store, seeded once per test binary and shared by its tests. Only read
/// it: a test that counts the store's reads, or changes anything, seeds its own.
pub fn embedded_store() -> &'static Arc<Store> {
    static STORE: LazyLock<TempStore> = LazyLock::new(|| TempStore::seeded(&SeedFiles::embedded()));
    &STORE.store
}
