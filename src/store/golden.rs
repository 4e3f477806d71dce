//! The golden-bytes test: a tiny store's every tree, key and value, against a file checked in
//! beside the test fixtures. Any change to how a record or key is encoded fails it, so a format
//! change is always a deliberate [`FORMAT_VERSION`] bump with a new golden file, never an
//! accident of reordering an enum or a struct's fields.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::codec::FORMAT_VERSION;
use super::{ordered, Store};
use crate::seed::{self, SeedFiles};

/// Every entry of every tree, one line each: `tree key value`, the key with non-ASCII bytes
/// escaped and the value in hex; trees and keys in order. Then the ordered index's file, in hex.
fn dump(store: &Store) -> String {
    let mut lines = String::new();
    let mut names = store.db.tree_names();
    names.sort();
    for name in names {
        let tree = store.db.open_tree(&name).expect("a listed tree opens");
        for entry in tree.iter() {
            let (key, value) = entry.expect("entries read");
            let name = String::from_utf8_lossy(&name);
            let key = key.escape_ascii();
            let _ = writeln!(lines, "{name} {key} {}", hex::encode(value));
        }
    }
    let index = std::fs::read(store.path.join(ordered::FILE)).expect("the ordered index reads");
    let _ = writeln!(lines, "{} {}", ordered::FILE, hex::encode(index));
    lines
}

fn golden_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("store-format-{FORMAT_VERSION}.txt"))
}

#[test]
fn the_stored_bytes_of_the_base_fixture_are_the_golden_ones() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
    let files = SeedFiles::from_dir(&fixture).expect("the base fixture reads");
    let dataset = seed::load(&files).expect("the base fixture is valid");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::build(&dir.path().join("store"), &dataset, "golden", &|_| {})
        .expect("the base fixture stores");
    let found = dump(&store);
    let path = golden_file();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &found).expect("the golden file is written");
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    if found != golden {
        let first = found
            .lines()
            .zip(golden.lines())
            .find(|(f, g)| f != g)
            .map_or_else(
                || "one has more lines than the other".to_owned(),
                |(f, g)| format!("first difference:\n  golden: {g}\n  now:    {f}"),
            );
        panic!(
            "the store's bytes differ from {} ({first}).\nIf the change is deliberate, bump \
             store::codec::FORMAT_VERSION (old stores must be refused, not misread) and write \
             the new golden file with UPDATE_GOLDEN=1 cargo test --lib golden.",
            path.display()
        );
    }
}
