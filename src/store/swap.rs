//! The data directory, and how a new store replaces the live one without a window of damage.
//!
//! Layout of a data directory:
//! ```text
//! DATA/CURRENT          name of the live store, e.g. "store-1764387000123456789"
//! DATA/stores/<name>/   one complete sled store per seeding
//! DATA/seed.lock        held by the process that is seeding
//! ```
//! Seeding, step by step, with what a crash at each step leaves:
//! 1. Take `seed.lock` (another seeder → `Busy`). Crash: the OS drops the lock.
//! 2. Build the new store in `stores/<new>`, beside the live one: write every tree, write the
//!    format byte last, `flush`. Crash: `CURRENT` still names the old store, which nobody wrote
//!    to; the half-built directory is garbage, removed by the next seeding.
//! 3. Re-open and verify the new store (every record decodes, digest and counts match).
//!    Failure: as in 2.
//! 4. Write `CURRENT.tmp`, fsync it, rename it over `CURRENT`, fsync the directory. The rename
//!    is atomic: a crash leaves `CURRENT` naming either the old store or the new, both whole.
//! 5. Remove stores that are neither live nor the one just replaced (a server started before
//!    the swap may still be reading that one).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Access, Store, StoreError};
use crate::model::Dataset;

const CURRENT: &str = "CURRENT";
const STORES: &str = "stores";

/// A data directory holding the live store and its predecessors.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
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
        let stores = self.root.join(STORES);
        fs::create_dir_all(&stores).map_err(self.io(&stores))?;
        let lock_path = self.root.join("seed.lock");
        let lock = fs::File::create(&lock_path).map_err(self.io(&lock_path))?;
        if lock.try_lock().is_err() {
            return Err(StoreError::Busy(self.root.clone()));
        }

        let previous = self.current_path()?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!("store-{nanos}");
        let path = stores.join(&name);
        let store = Store::build(&path, dataset, origin, progress)?;

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

        self.remove_stale(&path, previous.as_deref());
        drop(lock);
        Ok(store)
    }

    /// Step 5: best effort, since a store left behind costs only disk space.
    fn remove_stale(&self, live: &Path, previous: Option<&Path>) {
        let Ok(entries) = fs::read_dir(self.root.join(STORES)) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path != live && Some(path.as_path()) != previous {
                if let Err(error) = fs::remove_dir_all(&path) {
                    tracing::warn!(path = %path.display(), %error, "could not remove an old store");
                }
            }
        }
    }
}
