//! Conventions kept true by `cargo test`: module docs, where sled and bincode may appear, the
//! codemap naming every module, the checked-in contracts matching the code, imports going only
//! down the layers, `anyhow` only at the edge, and no line over 120 characters. Each checker of
//! the last three is also run on a fake input, to show that it can fail.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("readable source");
            let name = path
                .strip_prefix(root())
                .expect("under the root")
                .display()
                .to_string();
            (name, text)
        })
        .collect()
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(name, _)| name)
        .collect();
    assert!(
        missing.is_empty(),
        "these files need a `//!` line saying what the module owns: {missing:?}"
    );
}

#[test]
fn only_the_store_touches_sled_and_bincode() {
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(name, text)| {
            !name.starts_with("src/store/")
                && (text.contains("sled::") || text.contains("bincode::"))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        offenders.is_empty(),
        "sled and bincode belong to src/store only; found in {offenders:?}"
    );
}

#[test]
fn architecture_names_every_top_level_module() {
    let architecture =
        fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let mut missing = Vec::new();
    for entry in fs::read_dir(root().join("src")).expect("src exists") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if name == "main" || name == "lib" {
            continue;
        }
        if !architecture.contains(&format!("`{name}`"))
            && !architecture.contains(&format!("`src/{name}"))
        {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's codemap does not name these modules: {missing:?}"
    );
}

#[test]
fn schema_graphql_is_the_sdl_the_code_prints() {
    let checked_in =
        fs::read_to_string(root().join("schema.graphql")).expect("schema.graphql exists");
    let printed = capgraph::graphql::sdl();
    assert!(
        checked_in == printed,
        "schema.graphql differs from the schema in the code; regenerate it with \
         `cargo run -- schema > schema.graphql` and review the diff"
    );
}

#[test]
fn every_type_field_argument_and_enum_value_in_the_schema_has_a_description() {
    let query = r#"{ __schema { types { name description
        fields { name description args { name description } }
        inputFields { name description }
        enumValues { name description } } } }"#;
    let response =
        actix_web::rt::System::new().block_on(capgraph::graphql::bare_schema().execute(query));
    assert!(
        response.errors.is_empty(),
        "introspection failed: {:?}",
        response.errors
    );
    let data = response
        .data
        .into_json()
        .expect("introspection answers JSON");
    let described = |v: &serde_json::Value| {
        v["description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty())
    };
    let mut undocumented = Vec::new();
    for ty in data["__schema"]["types"]
        .as_array()
        .expect("a list of types")
    {
        let name = ty["name"].as_str().unwrap_or("?");
        // Built-in scalars and introspection types are the GraphQL spec's, not ours.
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if !described(ty) {
            undocumented.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or("?");
            if !described(field) {
                undocumented.push(format!("{name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(arg) {
                    undocumented.push(format!(
                        "{name}.{field_name}({})",
                        arg["name"].as_str().unwrap_or("?")
                    ));
                }
            }
        }
        for member in ty["inputFields"]
            .as_array()
            .into_iter()
            .chain(ty["enumValues"].as_array())
            .flatten()
        {
            if !described(member) {
                undocumented.push(format!("{name}.{}", member["name"].as_str().unwrap_or("?")));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "{} schema items have no description: {undocumented:#?}",
        undocumented.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Layering: imports only go downward, and `anyhow` stays at the edge

/// The top-level modules of `src/`, lowest layer first, each with the `crate::` modules it may
/// use. A module may only use modules listed above it (checked below), so the table is the
/// layering: http → graphql → store → model, with `config`, `startup` and `cli` on top and
/// `main.rs` (which sees the library as `capgraph::`) above them all.
const LAYERS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("text", &[]),
    ("telemetry", &[]),
    ("seed", &["model"]),
    ("store", &["model", "text"]),
    ("generate", &["model", "seed"]),
    ("export", &["model", "seed", "store"]),
    ("graphql", &["model", "store", "text"]),
    ("http", &["export", "graphql", "model", "store"]),
    // Settings hold the GraphQL limits, and default to the store's count of generations kept.
    ("config", &["graphql", "store"]),
    (
        "startup",
        &["config", "graphql", "http", "model", "seed", "store"],
    ),
    (
        "cli",
        &[
            "config",
            "export",
            "generate",
            "graphql",
            "model",
            "seed",
            "startup",
            "store",
            "telemetry",
        ],
    ),
];

/// Files that only declare modules or drive the library from outside: not in any layer.
const ABOVE_THE_LAYERS: [&str; 2] = ["src/lib.rs", "src/main.rs"];

/// Where `anyhow` may appear: the command line, which turns typed errors into messages and exit
/// codes. Everything below returns its own error type.
const ANYHOW_EDGE: [&str; 2] = ["src/main.rs", "src/cli/"];

/// The top-level module a source file belongs to: `src/store/keys.rs` and `src/store.rs` are both
/// `store`.
fn module_of(file: &str) -> &str {
    let path = file.strip_prefix("src/").unwrap_or(file);
    let first = path.split('/').next().unwrap_or(path);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// A source file's code as the program is built from it: without comment lines (`//`, `//!`,
/// `///`: a module a comment mentions is not one the code uses) and without its unit tests,
/// which may reach anywhere for a fixture. An inline `#[cfg(test)] mod tests { .. }` is taken
/// to run to the end of its file, as unit tests here do; also returns the names of the
/// modules the file declares as `#[cfg(test)] mod name;`, whose files are test code too.
fn split_code(text: &str) -> (String, Vec<String>) {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    let mut code = Vec::new();
    let mut test_files = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            let item = lines[i + 1..]
                .iter()
                .map(|l| l.trim())
                .position(|l| !l.starts_with("#["))
                .map(|at| (i + 1 + at, lines[i + 1 + at].trim()));
            if let Some((at, item)) = item {
                let declaration = ["mod ", "pub mod ", "pub(crate) mod "]
                    .iter()
                    .find_map(|prefix| item.strip_prefix(prefix));
                match declaration {
                    Some(rest) if rest.ends_with(';') => {
                        test_files.push(rest.trim_end_matches(';').trim().to_owned());
                        i = at + 1;
                        continue;
                    }
                    Some(_) => break,
                    None => {}
                }
            }
        }
        code.push(lines[i]);
        i += 1;
    }
    (code.join("\n"), test_files)
}

fn code_of(text: &str) -> String {
    split_code(text).0
}

/// The files that `#[cfg(test)] mod name;` declarations make test code: `name.rs` or
/// `name/mod.rs` beside a `mod.rs`, `lib.rs` or `main.rs`, or in the directory named after any
/// other file.
fn test_only_files(files: &[(String, String)]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (file, text) in files {
        let dir = match file.rsplit_once('/') {
            Some((dir, "mod.rs" | "lib.rs" | "main.rs")) => dir.to_owned(),
            _ => file.trim_end_matches(".rs").to_owned(),
        };
        for name in split_code(text).1 {
            found.insert(format!("{dir}/{name}.rs"));
            found.insert(format!("{dir}/{name}/mod.rs"));
        }
    }
    found
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The top-level modules a source file's code names through `crate::`, including each item of a
/// group (`use crate::{model::Id, store};`).
fn crate_uses(text: &str) -> BTreeSet<String> {
    let code = code_of(text);
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        // `$crate::` in a macro, or a path like `mycrate::`, is not ours.
        if code[..at].ends_with(|c: char| is_ident(c) || c == '$') {
            continue;
        }
        let rest = code[at + "crate::".len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && is_ident(c) => {
                        let name: String =
                            group[i..].chars().take_while(|&c| is_ident(c)).collect();
                        if name != "self" {
                            used.insert(name);
                        }
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

/// Every use of a module that the table does not allow, as `file: crate::module`, and every
/// file whose module has no row in the table.
fn layering_violations(files: &[(String, String)], layers: &[(&str, &[&str])]) -> Vec<String> {
    let mut found = Vec::new();
    let tests = test_only_files(files);
    for (file, text) in files {
        if ABOVE_THE_LAYERS.contains(&file.as_str()) || tests.contains(file) {
            continue;
        }
        let module = module_of(file);
        let Some((_, allowed)) = layers.iter().find(|(name, _)| *name == module) else {
            found.push(format!(
                "{file}: module `{module}` has no row in tests/tidy.rs's LAYERS; give it its place"
            ));
            continue;
        };
        for used in crate_uses(text) {
            if used != module && !allowed.contains(&used.as_str()) {
                found.push(format!(
                    "{file}: `crate::{used}`, but `{module}` may only use {allowed:?}"
                ));
            }
        }
    }
    found
}

/// Rows that allow a module at the same level or above (or one with no row): a table with
/// them would let imports go up.
fn upward_rows(layers: &[(&str, &[&str])]) -> Vec<String> {
    let mut found = Vec::new();
    for (row, (module, allowed)) in layers.iter().enumerate() {
        for dependency in allowed.iter() {
            let below = layers[..row].iter().any(|(name, _)| name == dependency);
            if !below {
                found.push(format!(
                    "`{module}` may use `{dependency}`, which is not below it"
                ));
            }
        }
    }
    found
}

/// Files outside the edge whose code names `anyhow`.
fn anyhow_outside_the_edge(files: &[(String, String)]) -> Vec<String> {
    let tests = test_only_files(files);
    files
        .iter()
        .filter(|(file, _)| !tests.contains(file))
        .filter(|(file, _)| !ANYHOW_EDGE.iter().any(|edge| file.starts_with(edge)))
        .filter(|(_, text)| code_of(text).contains("anyhow"))
        .map(|(file, _)| file.clone())
        .collect()
}

#[test]
fn imports_only_go_downward() {
    let violations = layering_violations(&sources(), LAYERS);
    assert!(
        violations.is_empty(),
        "imports that go the wrong way (see LAYERS in tests/tidy.rs and ARCHITECTURE.md):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_layer_table_only_points_downward() {
    let upward = upward_rows(LAYERS);
    assert!(upward.is_empty(), "{}", upward.join("\n"));
}

#[test]
fn anyhow_appears_only_at_the_edge() {
    let offenders = anyhow_outside_the_edge(&sources());
    assert!(
        offenders.is_empty(),
        "`anyhow` belongs to {ANYHOW_EDGE:?}; return a typed error (thiserror) from {offenders:?}"
    );
}

fn fake(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect()
}

#[test]
fn the_import_check_names_the_file_and_the_import_that_goes_up() {
    let files = fake(&[
        (
            "src/store/mod.rs",
            "use crate::model::Id;\nuse crate::graphql::Limits;\n",
        ),
        (
            "src/model/ids.rs",
            "use crate::{text::fold, store::{Store, Meta}};\n",
        ),
        ("src/seed/mod.rs", "fn f() { crate::http::configure(); }\n"),
        ("src/newthing.rs", "use crate::model::Id;\n"),
    ]);

    let found = layering_violations(&files, LAYERS);

    assert_eq!(
        found,
        [
            "src/store/mod.rs: `crate::graphql`, but `store` may only use [\"model\", \"text\"]",
            "src/model/ids.rs: `crate::store`, but `model` may only use []",
            "src/model/ids.rs: `crate::text`, but `model` may only use []",
            "src/seed/mod.rs: `crate::http`, but `seed` may only use [\"model\"]",
            "src/newthing.rs: module `newthing` has no row in tests/tidy.rs's LAYERS; give it its place",
        ]
    );
}

#[test]
fn the_import_check_ignores_comments_macros_own_modules_and_the_top() {
    let files = fake(&[
        (
            "src/store/keys.rs",
            concat!(
                "//! Unlike `crate::graphql`, ...\n",
                "/// See [`crate::http`].\n",
                "use crate::store::codec;\n",
                "macro_rules! m { () => { $crate::graphql::x() } }\n",
            ),
        ),
        ("src/main.rs", "use capgraph::cli;\n"),
        ("src/lib.rs", "pub mod cli;\n"),
    ]);

    assert_eq!(layering_violations(&files, LAYERS), Vec::<String>::new());
}

#[test]
fn the_import_check_leaves_unit_tests_alone_but_not_the_code_around_them() {
    let files = fake(&[
        (
            "src/store/mod.rs",
            concat!(
                "#[cfg(test)]\n",
                "mod golden;\n",
                "use crate::http::Thing;\n",
                "#[cfg(test)]\n",
                "#[allow(unused)]\n",
                "mod tests {\n",
                "    use crate::seed::load;\n",
                "}\n",
            ),
        ),
        (
            "src/store/golden.rs",
            "use crate::seed::{self, SeedFiles};\n",
        ),
        (
            "src/store/read.rs",
            "#[cfg(test)]\nfn helper() { crate::seed::load(); }\n",
        ),
    ]);

    assert_eq!(
        layering_violations(&files, LAYERS),
        [
            "src/store/mod.rs: `crate::http`, but `store` may only use [\"model\", \"text\"]",
            "src/store/read.rs: `crate::seed`, but `store` may only use [\"model\", \"text\"]",
        ]
    );
}

#[test]
fn the_layer_check_refuses_a_table_that_lets_imports_go_up() {
    let table: &[(&str, &[&str])] = &[
        ("model", &[]),
        ("store", &["model", "graphql"]),
        ("graphql", &["store", "graphql"]),
    ];

    assert_eq!(
        upward_rows(table),
        [
            "`store` may use `graphql`, which is not below it",
            "`graphql` may use `graphql`, which is not below it",
        ]
    );
}

#[test]
fn the_anyhow_check_names_files_below_the_edge_but_not_comments_or_the_cli() {
    let files = fake(&[
        (
            "src/startup.rs",
            "pub fn serve() -> anyhow::Result<()> { Ok(()) }\n",
        ),
        (
            "src/store/mod.rs",
            "//! Errors are typed here, not `anyhow`.\n",
        ),
        ("src/cli/mod.rs", "use anyhow::Context;\n"),
        (
            "src/main.rs",
            "fn main() { let _: anyhow::Result<()> = Ok(()); }\n",
        ),
    ]);

    assert_eq!(anyhow_outside_the_edge(&files), ["src/startup.rs"]);
}

/// The longest line a source file may have, in characters (STYLE.md). rustfmt keeps code
/// within it, but not macro bodies, long string literals or comments.
const MAX_LINE: usize = 120;

/// Every line longer than [`MAX_LINE`], as `file:line (length)`.
fn long_lines(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in files {
        for (number, line) in text.lines().enumerate() {
            let length = line.chars().count();
            if length > MAX_LINE {
                found.push(format!("{file}:{} ({length} characters)", number + 1));
            }
        }
    }
    found
}

#[test]
fn no_source_line_is_longer_than_the_limit() {
    let long = long_lines(&sources());
    assert!(
        long.is_empty(),
        "lines over {MAX_LINE} characters (break strings with `\\` continuations, wrap comments):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_line_check_names_each_long_line_and_counts_characters_not_bytes() {
    let exactly = "x".repeat(MAX_LINE);
    let over = format!("{exactly};");
    // Wide characters: 120 of them are 360 bytes but still within the limit.
    let wide = "≈".repeat(MAX_LINE);
    let text = format!("//! A module.\n{exactly}\n{over}\n{wide}\n");
    let files = vec![
        ("src/long.rs".to_owned(), text),
        ("src/short.rs".to_owned(), "//! Short.\n".to_owned()),
    ];

    assert_eq!(
        long_lines(&files),
        [format!("src/long.rs:3 ({} characters)", MAX_LINE + 1)]
    );
}
