//! Conventions kept true by `cargo test`: module docs, where sled and bincode may appear, the
//! codemap naming every module, and the checked-in contracts matching the code.

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
        "schema.graphql differs from the schema in the code; regenerate it with `cargo run -- schema > schema.graphql` and review the diff"
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
