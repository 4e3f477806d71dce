//! Stores the benches read: the embedded dataset seeded into a temp dir, and a synthetic scale-100
//! store (about 100,000 projects) cached under `target/bench-data/`, because seeding it takes
//! about 15 seconds that every run would otherwise repeat.
//!
//! The cache is reused only while it still matches the generator: every run regenerates the seed
//! files (under a second), hashes them, and compares that hash and the store's digest with the
//! stamp written beside the store. Any mismatch, or a store this build cannot open, rebuilds it.
//! Delete `target/bench-data/` to force a rebuild.

#![allow(dead_code)] // Each bench uses only some of these helpers.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use capgraph::seed::{self, SeedFiles};
use capgraph::store::{Access, DataDir, Store};
use sha2::{Digest, Sha256};

/// Scale of the synthetic store: 1,000 projects per unit.
pub const SCALE: u64 = 100;
/// Random seed of the synthetic store; the same value gives byte-identical seed files.
pub const GENERATOR_SEED: u64 = 42;

/// An open store and whatever must outlive it.
pub struct Fixture {
    /// Short name used in benchmark IDs: `real` or `scale-100`.
    pub name: &'static str,
    pub store: Arc<Store>,
    /// The temp dir holding the embedded store; `None` for the cached one.
    _dir: Option<tempfile::TempDir>,
}

/// The embedded (real) dataset, seeded into a fresh temp dir.
pub fn embedded() -> Fixture {
    let dir = tempfile::tempdir().expect("a temp dir");
    let files = SeedFiles::embedded();
    let started = Instant::now();
    let dataset = seed::load(&files).expect("the embedded dataset is valid");
    let store = DataDir::new(dir.path())
        .seed(&dataset, &files.origin, &|_| {})
        .expect("the embedded dataset seeds");
    eprintln!(
        "[fixture] real: loaded and seeded {} nodes, {} edges in {:.2?}",
        store.meta().node_count(),
        store.meta().edges,
        started.elapsed()
    );
    Fixture {
        name: "real",
        store: Arc::new(store),
        _dir: Some(dir),
    }
}

/// Where cached bench data lives: `$CARGO_TARGET_DIR/bench-data`, else `target/bench-data`.
fn bench_data_root() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("bench-data")
}

/// The data directory of the cached scale-100 store (`capgraph serve --data` takes it too).
pub fn scale_data_dir() -> PathBuf {
    bench_data_root()
        .join(format!("scale-{SCALE}"))
        .join("data")
}

/// SHA-256 over the seed files' names and contents, in name order.
fn hash_files(files: &SeedFiles) -> String {
    let mut hasher = Sha256::new();
    for (name, text) in &files.files {
        for part in [name.as_bytes(), text.as_bytes()] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
    }
    hex::encode(hasher.finalize())
}

/// The synthetic scale-100 store, built on first use and reused while its stamp matches.
pub fn scale_100() -> Fixture {
    let root = bench_data_root().join(format!("scale-{SCALE}"));
    let data = DataDir::new(root.join("data"));
    let stamp_path = root.join("stamp");

    let generated = tempfile::tempdir().expect("a temp dir");
    let started = Instant::now();
    capgraph::generate::generate(generated.path(), SCALE, GENERATOR_SEED, &|_| {})
        .expect("the generator writes its files");
    let generate_time = started.elapsed();
    let files = SeedFiles::from_dir(generated.path()).expect("the generated files read back");
    let files_hash = hash_files(&files);

    let stamp = std::fs::read_to_string(&stamp_path).unwrap_or_default();
    if let Ok(Some(store)) = data.open_current(Access::Random) {
        if stamp.trim() == format!("{files_hash} {}", store.meta().digest) {
            eprintln!(
                "[fixture] scale-{SCALE}: generated in {generate_time:.2?}; reusing the cached store at {} ({} nodes, {} edges)",
                data.root().display(),
                store.meta().node_count(),
                store.meta().edges
            );
            return Fixture {
                name: "scale-100",
                store: Arc::new(store),
                _dir: None,
            };
        }
    }

    eprintln!("[fixture] scale-{SCALE}: no matching cached store; building one (15 s or more)");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("the bench-data dir is writable");
    // The origin must not be `embedded`, or `capgraph serve` would re-seed over it.
    let origin = format!("capgraph generate --scale {SCALE} --seed {GENERATOR_SEED}");
    let started = Instant::now();
    let dataset = seed::load(&files).expect("generated data is valid");
    let load_time = started.elapsed();
    let started = Instant::now();
    let store = data
        .seed(&dataset, &origin, &|_| {})
        .expect("generated data seeds");
    let seed_time = started.elapsed();
    drop(dataset);
    std::fs::write(
        &stamp_path,
        format!("{files_hash} {}\n", store.meta().digest),
    )
    .expect("the stamp is written");
    eprintln!(
        "[fixture] scale-{SCALE}: generate {generate_time:.2?}, load+validate {load_time:.2?}, \
         seed (write+flush+verify) {seed_time:.2?}; {} nodes, {} edges, at {}",
        store.meta().node_count(),
        store.meta().edges,
        data.root().display()
    );
    Fixture {
        name: "scale-100",
        store: Arc::new(store),
        _dir: None,
    }
}
