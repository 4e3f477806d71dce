//! The data directory, and how a new store replaces the live one without a window of damage.
//!
//! Layout of a data directory:
//! ```text
//! DATA/CURRENT          name of the live store, e.g. "store-1764387000123456789"
//! DATA/stores/<name>/   one complete sled store per seeding
//! DATA/seed.lock        held by the process that is seeding
//! ```
//! Seeding, step by step, with what a crash at each step leaves:
//! 1. Take `seed.lock` (another seeder → `Busy`), and sweep (step 5) what killed seedings left.
//!    Crash: the OS drops the lock.
//! 2. Build the new store in `stores/<new>`, beside the live one: write every tree, write the
//!    format byte last, `flush`. Crash: `CURRENT` still names the old store, which nobody wrote
//!    to; the half-built directory is garbage, removed by the next seeding.
//! 3. Re-open and verify the new store (every record decodes, digest and counts match).
//!    Failure: as in 2.
//! 4. Write `CURRENT.tmp`, fsync it, rename it over `CURRENT`, fsync the directory. The rename
//!    is atomic: a crash leaves `CURRENT` naming either the old store or the new, both whole.
//! 5. Sweep: remove generations beyond the newest K (`--keep-generations`, default 2) up to the
//!    live one, and unfinished ones newer than it, except any store still open (a server may
//!    still be answering from it). Crash: leftovers cost disk space until the next sweep.
//!
//! A running server follows `CURRENT` (see [`super::live`]): it opens the new generation, swaps
//! it in, and sweeps too once its old store has closed. It never removes a generation newer
//! than the live one, since that may be a seeding in progress; only a seeder, holding
//! `seed.lock`, does.
//!
//! "Still open" is sled's own file lock: sled holds an exclusive `flock` on `<store>/db` while
//! any process (this one included) has the store open, so a sweep that can take that lock knows
//! nobody reads the store.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Access, Store, StoreError, StoreWriter};
use crate::model::Dataset;

const CURRENT: &str = "CURRENT";
const STORES: &str = "stores";
const GENERATION_PREFIX: &str = "store-";

/// How many generations a data directory keeps by default: the live one and the one before it,
/// so that a server started before the last seeding can still be reading it.
pub const DEFAULT_GENERATIONS: usize = 2;

/// A data directory holding the live store and its predecessors.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
    /// How many generations a sweep keeps, the live one included; at least 1.
    generations: usize,
}

/// What a sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Generations removed from disk.
    pub removed: Vec<PathBuf>,
    /// Generations due for removal but still open, left for a later sweep.
    pub still_open: Vec<PathBuf>,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir {
            root: root.into(),
            generations: DEFAULT_GENERATIONS,
        }
    }

    /// The same directory, keeping `generations` generations (at least the live one) on sweeps.
    pub fn keeping(self, generations: usize) -> DataDir {
        DataDir {
            generations: generations.max(1),
            ..self
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn io(&self, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.to_owned();
        move |source| StoreError::Io { path, source }
    }

    /// The live store's directory, if the data directory has been seeded.
    pub fn current_path(&self) -> Result<Option<PathBuf>, StoreError> {
        let pointer = self.root.join(CURRENT);
        match fs::read_to_string(&pointer) {
            Ok(name) => {
                let name = name.trim();
                if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                    return Err(StoreError::Corrupt {
                        path: pointer,
                        what: format!("CURRENT names `{name}`"),
                    });
                }
                Ok(Some(self.root.join(STORES).join(name)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(&pointer)(e)),
        }
    }

    /// Opens the live store, or `None` when the directory was never seeded.
    pub fn open_current(&self, access: Access) -> Result<Option<Store>, StoreError> {
        self.current_path()?
            .map(|path| Store::open(&path, access))
            .transpose()
    }

    /// Builds `dataset` into a new store and makes it the live one (steps 1–5 above).
    #[tracing::instrument(skip_all, fields(data = %self.root.display()), err)]
    pub fn seed(
        &self,
        dataset: &Dataset,
        origin: &str,
        progress: &dyn Fn(u64),
    ) -> Result<Store, StoreError> {
        self.seed_with(origin, |writer| writer.add_dataset(dataset, progress))
    }

    /// Builds a new store from whatever `fill` adds to it and makes it the live one (steps 1–5
    /// above). When `fill` fails, the new store is removed and the live one stays.
    pub fn seed_with<E: From<StoreError>>(
        &self,
        origin: &str,
        fill: impl FnOnce(&mut StoreWriter) -> Result<(), E>,
    ) -> Result<Store, E> {
        let stores = self.root.join(STORES);
        fs::create_dir_all(&stores).map_err(self.io(&stores))?;
        let lock_path = self.root.join("seed.lock");
        let lock = fs::File::create(&lock_path).map_err(self.io(&lock_path))?;
        if lock.try_lock().is_err() {
            return Err(StoreError::Busy(self.root.clone()).into());
        }
        // Unfinished generations of killed seedings first, so that they never count among the
        // K kept below.
        self.sweep_generations(true);

        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!("{GENERATION_PREFIX}{nanos}");
        let path = stores.join(&name);
        let mut writer = StoreWriter::create(&path)?;
        let built = match fill(&mut writer) {
            Ok(()) => writer.finish(origin).map_err(E::from),
            Err(e) => {
                drop(writer);
                Err(e)
            }
        };
        let store = match built {
            Ok(store) => store,
            Err(e) => {
                // What the writer wrote is no store; the live one stays as it was.
                let _ = fs::remove_dir_all(&path);
                return Err(e);
            }
        };

        let pointer = self.root.join(CURRENT);
        let tmp = self.root.join("CURRENT.tmp");
        let mut file = fs::File::create(&tmp).map_err(self.io(&tmp))?;
        file.write_all(name.as_bytes()).map_err(self.io(&tmp))?;
        file.sync_all().map_err(self.io(&tmp))?;
        fs::rename(&tmp, &pointer).map_err(self.io(&pointer))?;
        fs::File::open(&self.root)
            .and_then(|d| d.sync_all())
            .map_err(self.io(&self.root))?;
        tracing::info!(store = %name, digest = %store.meta().digest, "new store is live");

        self.sweep_generations(true);
        drop(lock);
        Ok(store)
    }

    /// Step 5 for a running server: removes generations older than the live one beyond the
    /// newest K, unless still open. Best effort, since a store left behind costs only disk space.
    pub fn sweep(&self) -> Sweep {
        self.sweep_generations(false)
    }

    /// Step 5; `unfinished` also removes generations newer than the live one, which only a
    /// holder of `seed.lock` may do.
    fn sweep_generations(&self, unfinished: bool) -> Sweep {
        let mut sweep = Sweep::default();
        let Ok(Some(live)) = self.current_path() else {
            return sweep;
        };
        let Some(live_stamp) = generation_stamp(&live) else {
            return sweep;
        };
        let mut older = Vec::new();
        for (stamp, path) in self.generations() {
            if stamp < live_stamp {
                older.push(path);
            } else if stamp > live_stamp && unfinished {
                self.remove_generation(path, &mut sweep);
            }
        }
        // Oldest first: the live generation and the newest `generations - 1` before it stay.
        let beyond = older.len().saturating_sub(self.generations - 1);
        for path in older.into_iter().take(beyond) {
            self.remove_generation(path, &mut sweep);
        }
        sweep
    }

    /// Every generation's stamp and directory, oldest first; other entries are not ours.
    fn generations(&self) -> Vec<(u128, PathBuf)> {
        let Ok(entries) = fs::read_dir(self.root.join(STORES)) else {
            return Vec::new();
        };
        let mut generations: Vec<(u128, PathBuf)> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter_map(|path| Some((generation_stamp(&path)?, path)))
            .collect();
        generations.sort();
        generations
    }

    fn remove_generation(&self, path: PathBuf, sweep: &mut Sweep) {
        if is_open(&path) {
            sweep.still_open.push(path);
            return;
        }
        match fs::remove_dir_all(&path) {
            Ok(()) => {
                tracing::info!(store = %path.display(), "removed an old store");
                sweep.removed.push(path);
            }
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "could not remove an old store")
            }
        }
    }
}

/// The nanosecond stamp in a generation's name (`store-<nanos>`).
fn generation_stamp(path: &Path) -> Option<u128> {
    path.file_name()?
        .to_str()?
        .strip_prefix(GENERATION_PREFIX)?
        .parse()
        .ok()
}

/// Whether a process (this one included) has the store open: sled holds an exclusive `flock`
/// on its `db` file while open, and `flock` locks taken through different open files conflict
/// even within one process. A directory with no `db` file was never a whole store.
fn is_open(store: &Path) -> bool {
    let Ok(file) = fs::File::open(store.join("db")) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => false,
        Err(fs::TryLockError::WouldBlock) => true,
        // A file system without locks: say open, since removing an open store is the worse mistake.
        Err(fs::TryLockError::Error(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded(data: &DataDir) -> Store {
        data.seed(&Dataset::default(), "empty", &|_| {})
            .expect("it seeds")
    }

    fn generations(data: &DataDir) -> Vec<PathBuf> {
        data.generations()
            .into_iter()
            .map(|(_, path)| path)
            .collect()
    }

    #[test]
    fn a_fill_that_fails_leaves_no_generation_and_the_live_store_as_it_was() {
        let root = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::new(root.path());
        let live = seeded(&data).path().to_owned();

        let result = data.seed_with("broken", |writer| {
            writer.add_dataset(&Dataset::default(), &|_| {})?;
            Err(StoreError::LoaderStopped)
        });

        assert!(matches!(result, Err(StoreError::LoaderStopped)));
        assert_eq!(generations(&data), vec![live.clone()]);
        assert_eq!(data.current_path().expect("CURRENT reads"), Some(live));
    }

    #[test]
    fn a_sweep_keeps_the_newest_generations_and_any_still_open() {
        // Arrange: three generations, all open
        let root = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::new(root.path()).keeping(2);
        let stores: Vec<Store> = (0..3).map(|_| seeded(&data)).collect();
        let paths: Vec<PathBuf> = stores.iter().map(|s| s.path().to_owned()).collect();
        let mut stores = stores.into_iter();
        let oldest = stores.next().expect("three stores");

        // Act
        let while_open = data.sweep();
        drop(oldest);
        let mut after_close = data.sweep();
        // sled lets go of its lock from background threads a moment after the close.
        for _ in 0..500 {
            if after_close.still_open.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            after_close = data.sweep();
        }

        // Assert
        assert_eq!(while_open.still_open, vec![paths[0].clone()]);
        assert!(while_open.removed.is_empty());
        assert_eq!(after_close.removed, vec![paths[0].clone()]);
        assert_eq!(generations(&data), paths[1..].to_vec());
    }

    #[test]
    fn a_server_sweep_leaves_generations_newer_than_the_live_one() {
        // Arrange: a generation newer than CURRENT, as a seeding in progress leaves it
        let root = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::new(root.path()).keeping(2);
        let first = seeded(&data);
        let building = root
            .path()
            .join(STORES)
            .join(format!("{GENERATION_PREFIX}{}", u128::MAX));
        fs::create_dir_all(&building).expect("a directory");

        // Act
        let server = data.sweep();
        let second = seeded(&data);

        // Assert
        assert!(server.removed.is_empty(), "{server:?}");
        assert!(
            !building.exists(),
            "the next seeding removes what a killed one left"
        );
        assert_eq!(
            generations(&data),
            vec![first.path().to_owned(), second.path().to_owned()]
        );
    }
}
