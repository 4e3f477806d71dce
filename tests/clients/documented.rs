//! The GraphQL queries the documentation shows, read from the files that show them: README.md
//! (fenced blocks, "More to try:" snippets, the curl, Python and JavaScript examples),
//! `bench/load.lua` and `benches/queries.rs`. `tests/clients.rs` hands them to graphql-js, which
//! validates each against the schema.

use std::collections::BTreeMap;
use std::path::Path;

/// A query shown somewhere in the repository, and where.
#[derive(Debug, serde::Serialize)]
pub struct Shown {
    source: String,
    query: String,
}

/// Every GraphQL query that README.md and the benchmarks show, read from the files themselves.
pub fn documented_queries() -> Vec<Shown> {
    let mut queries = readme_queries();
    queries.extend(load_script_queries());
    queries.extend(criterion_queries());
    queries
}

fn read(path: &str) -> String {
    let path_in_repo = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(path_in_repo).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The README's fenced GraphQL blocks, its "More to try:" snippets (each wrapped in braces, as
/// tests/readme.rs runs them), and the queries inside its curl, Python and JavaScript examples.
fn readme_queries() -> Vec<Shown> {
    let text = read("README.md");
    let mut found = Vec::new();

    let mut block: Option<(String, String)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match &mut block {
            None if trimmed.starts_with("```") && trimmed.len() > 3 => {
                block = Some((trimmed[3..].to_owned(), String::new()));
            }
            Some((language, body)) if trimmed == "```" => {
                let query = match language.as_str() {
                    "graphql" => Some(body.clone()),
                    "sh" if body.contains("\"query\":") => Some(string_after(body, "\"query\":")),
                    "python" if body.contains("query = ") => Some(string_after(body, "query = ")),
                    "javascript" if body.contains("query: ") => Some(string_after(body, "query: ")),
                    _ => None,
                };
                if let Some(query) = query {
                    let n = found.len() + 1;
                    found.push(Shown {
                        source: format!("README.md, example {n} ({language})"),
                        query,
                    });
                }
                block = None;
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    let graphql_blocks = found
        .iter()
        .filter(|q| q.source.contains("graphql"))
        .count();
    assert!(
        graphql_blocks >= 3,
        "the README's GraphQL examples: {found:#?}"
    );
    assert!(
        found.len() >= graphql_blocks + 3,
        "and its code examples: {found:#?}"
    );

    let snippets = crate::common::readme::more_to_try(&text);
    found.extend(snippets.into_iter().map(|snippet| Shown {
        source: format!("README.md, More to try: `{snippet}`"),
        query: format!("{{ {snippet} }}"),
    }));
    found
}

/// The double-quoted string literal that follows `marker` in `text`, unescaped (JSON, Python and
/// JavaScript agree on these escapes).
fn string_after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` in {text}"))
        + marker.len();
    let open = start + text[start..].find('"').expect("a string literal");
    let mut escaped = false;
    let close = text[open + 1..]
        .char_indices()
        .find(|&(_, c)| {
            let end = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            end
        })
        .map(|(i, _)| open + 1 + i)
        .expect("a closed string literal");
    serde_json::from_str(&text[open..=close]).expect("a JSON-compatible string literal")
}

/// The queries `bench/load.sh` drives, as `bench/load.lua` holds them: one entry `qN = ...` per
/// query, each a concatenation of string literals (`"..." .. "..."`) with GraphQL variables.
fn load_script_queries() -> Vec<Shown> {
    let script = read("bench/load.lua");
    let start = script
        .find("local documents = {")
        .expect("bench/load.lua lists its documents");
    let body = &script[start
        ..script[start..]
            .find("\n}")
            .map_or(script.len(), |e| start + e)];
    let mut found: Vec<Shown> = Vec::new();
    for line in body.lines().skip(1).map(str::trim) {
        if let Some((name, _)) = line.split_once(" = ") {
            found.push(Shown {
                source: format!("bench/load.lua, {name}"),
                query: String::new(),
            });
        }
        let current = found.last_mut().expect("a string continues an entry");
        // The literals on this line: every other piece between double quotes.
        for literal in line.split('"').skip(1).step_by(2) {
            current.query.push_str(literal);
        }
    }
    assert_eq!(
        found.len(),
        4,
        "bench/load.lua has the four canonical queries"
    );
    found
}

/// The canonical queries of `benches/queries.rs`, with the real dataset's IDs put into the
/// `format!` ones as the benchmark does.
fn criterion_queries() -> Vec<Shown> {
    let source = read("benches/queries.rs");
    let real_start = source
        .find("const REAL: Ids")
        .expect("the real dataset's IDs");
    let real_end = real_start + source[real_start..].find("};").expect("its end");
    let real: BTreeMap<&str, String> = source[real_start..real_end]
        .lines()
        .filter_map(|line| {
            let (field, value) = line.trim().split_once(": ")?;
            value
                .contains('"')
                .then(|| (field, string_after(value, "")))
        })
        .collect();

    let body_start = source.find("fn queries(").expect("fn queries");
    let body =
        &source[body_start..body_start + source[body_start..].find("\n}\n").expect("its end")];
    let mut found = Vec::new();
    let mut rest = body;
    // Each query is a raw string, named by the string literal just before it.
    while let Some(raw_at) = rest.find("r#\"") {
        let name_at = rest[..raw_at].rfind("\"q").expect("a query name");
        let name = string_after(&rest[name_at..], "");
        let open = raw_at + 3;
        let close = open + rest[open..].find("\"#").expect("its end");
        let raw = &rest[open..close];
        let after = rest[close + 2..].trim_start();
        let query = match after.strip_prefix(',') {
            // A `format!` string: its one argument is a field of `Ids`.
            Some(args) => {
                let field = args
                    .trim_start()
                    .strip_prefix("ids.")
                    .and_then(|a| a.split(|c: char| !c.is_alphanumeric() && c != '_').next())
                    .expect("an `ids.` argument");
                assert_eq!(raw.matches("{}").count(), 1, "one placeholder in {raw}");
                raw.replace("{}", &real[field])
                    .replace("{{", "{")
                    .replace("}}", "}")
            }
            None => raw.to_owned(),
        };
        found.push(Shown {
            source: format!("benches/queries.rs, {name}"),
            query,
        });
        rest = &rest[close..];
    }
    assert!(found.len() >= 4, "the canonical queries: {found:#?}");
    found
}
