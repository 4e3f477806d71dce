//! The store a running server answers from, and switching it to a new generation of its data
//! directory without a restart. Each request loads the live store once and answers from it
//! alone; a swap changes what the requests that follow load, and the old store closes when the
//! last request holding it ends. Knows nothing of HTTP or of what asks for a reload.
//!
//! The live store is an `ArcSwap`, not an `RwLock<Arc<Store>>`: every request on every worker
//! loads it, and `ArcSwap::load_full` is a lock-free read that never waits behind a swap and
//! never makes the workers contend on a shared reader count, while swaps are rare.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;

use super::{Access, DataDir, Store, StoreError};

/// The live store of a data directory.
pub struct LiveStore {
    data: DataDir,
    current: ArcSwap<Store>,
    /// Serialises reloads (a signal and a poll may ask at once), and remembers the generation
    /// that last failed to open, so that polling logs its error once rather than every time.
    reloading: Mutex<Option<PathBuf>>,
}

/// What a reload did.
pub enum Reload {
    /// `CURRENT` names the live store already.
    Unchanged,
    /// `CURRENT` names a new generation, which is now live.
    Swapped {
        /// The store that was live until now; it closes when the last request holding it ends.
        old: Arc<Store>,
        /// The store that answers from now on.
        new: Arc<Store>,
    },
}

impl LiveStore {
    /// Serves `store`, which is (or was, a moment ago) the live generation of `data`.
    pub fn new(data: DataDir, store: Arc<Store>) -> LiveStore {
        LiveStore {
            data,
            current: ArcSwap::new(store),
            reloading: Mutex::new(None),
        }
    }

    /// The store to answer one request from: load it once per request and keep it to the end.
    pub fn current(&self) -> Arc<Store> {
        self.current.load_full()
    }

    /// The data directory whose generations this follows.
    pub fn data(&self) -> &DataDir {
        &self.data
    }

    /// Swaps to the generation `CURRENT` names, if it is not the live one. Blocking (opening a
    /// store reads its files). A generation that fails to open is never swapped in: the live
    /// store keeps answering, and the error is returned (the first time for that generation)
    /// or `Unchanged` (on later tries, so that a poll does not repeat the same error).
    pub fn reload(&self) -> Result<Reload, StoreError> {
        let mut failed = self
            .reloading
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(path) = self.data.current_path()? else {
            return Ok(Reload::Unchanged);
        };
        let live = self.current();
        if path == live.path() {
            *failed = None;
            return Ok(Reload::Unchanged);
        }
        let new = match Store::open(&path, Access::Random) {
            Ok(store) => Arc::new(store),
            Err(error) if failed.as_ref() == Some(&path) => {
                tracing::debug!(%error, store = %path.display(), "the new store still does not open");
                return Ok(Reload::Unchanged);
            }
            Err(error) => {
                *failed = Some(path);
                return Err(error);
            }
        };
        *failed = None;
        self.current.store(Arc::clone(&new));
        tracing::info!(
            old = %live.meta().digest,
            new = %new.meta().digest,
            store = %path.display(),
            "swapped to a new store"
        );
        Ok(Reload::Swapped { old: live, new })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dataset;
    use crate::seed::{self, SeedFiles};

    fn live_over(root: &std::path::Path) -> LiveStore {
        let data = DataDir::new(root);
        let store = data
            .seed(&Dataset::default(), "empty", &|_| {})
            .expect("it seeds");
        LiveStore::new(data, Arc::new(store))
    }

    #[test]
    fn a_reload_swaps_to_the_new_generation_and_requests_keep_the_store_they_loaded() {
        // Arrange
        let root = tempfile::tempdir().expect("a temp dir");
        let live = live_over(root.path());
        let in_flight = live.current();
        let dataset = seed::load(&SeedFiles::embedded()).expect("it loads");
        drop(
            live.data()
                .seed(&dataset, "embedded", &|_| {})
                .expect("it seeds"),
        );

        // Act
        let reload = live.reload().expect("it reloads");

        // Assert
        let Reload::Swapped { old, new } = reload else {
            panic!("the new generation was not swapped in");
        };
        assert_eq!(old.meta().digest, in_flight.meta().digest);
        assert_eq!(live.current().meta().digest, new.meta().digest);
        assert_ne!(new.meta().digest, in_flight.meta().digest);
        assert_eq!(
            in_flight.meta().node_count(),
            0,
            "a request keeps its store"
        );
        assert!(matches!(live.reload(), Ok(Reload::Unchanged)));
    }

    #[test]
    fn a_generation_that_does_not_open_is_never_swapped_in_and_its_error_is_said_once() {
        // Arrange: CURRENT names a directory that holds no store
        let root = tempfile::tempdir().expect("a temp dir");
        let live = live_over(root.path());
        let before = live.current().path().to_owned();
        std::fs::create_dir_all(root.path().join("stores/store-1")).expect("a directory");
        std::fs::write(root.path().join("CURRENT"), "store-1").expect("CURRENT is written");

        // Act
        let first = live.reload();
        let second = live.reload();

        // Assert
        assert!(first.is_err(), "the first failure is reported");
        assert!(matches!(second, Ok(Reload::Unchanged)));
        assert_eq!(live.current().path(), before, "the old store still answers");
    }
}
