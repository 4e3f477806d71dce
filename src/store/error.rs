//! What can go wrong below the API, and how it is put to the person who has to act on it.

use std::path::PathBuf;

use super::codec::{CodecError, FORMAT_VERSION};

/// What can go wrong below the API. Absence is not an error: lookups return `Option`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store I/O failed: {0}")]
    Sled(#[from] sled::Error),
    #[error("store I/O failed at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("store value at key {key:?} is unreadable: {source}")]
    Codec { key: String, source: CodecError },
    #[error(
        "the store at {path} was written by {} capgraph (store format {found}; this build reads format \
         {FORMAT_VERSION}); {}",
        writer(*.found),
        advice(*.found)
    )]
    VersionMismatch {
        path: PathBuf,
        found: u8,
        /// Where an older store's dataset came from, when its record still decodes.
        origin: Option<String>,
    },
    #[error("the store at {path} is damaged: {what}")]
    Corrupt { path: PathBuf, what: String },
    #[error("another `capgraph seed` is writing to {0}; wait for it to finish")]
    Busy(PathBuf),
    #[error("cannot start the thread that loads the store: {0}")]
    Thread(std::io::Error),
    /// The loader thread stopped on an error, which finishing the build reports.
    #[error("the store's loader stopped early")]
    LoaderStopped,
}

fn writer(found: u8) -> &'static str {
    if found > FORMAT_VERSION {
        "a newer"
    } else {
        "an older"
    }
}

fn advice(found: u8) -> &'static str {
    if found > FORMAT_VERSION {
        "use that version, or seed a fresh data directory with this one"
    } else {
        "seed it again with this version"
    }
}
