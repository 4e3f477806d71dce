//! Reading the README as its tests do, shared by `tests/readme.rs` and `tests/clients.rs`.

/// The queries the README's "More to try:" paragraph suggests inline: its backquoted snippets
/// that hold a selection.
pub fn more_to_try(readme: &str) -> Vec<&str> {
    let start = readme
        .find("More to try:")
        .expect("the README suggests more queries");
    let end = readme[start..]
        .find("\n\n")
        .map_or(readme.len(), |e| start + e);
    let snippets: Vec<&str> = readme[start..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains('{'))
        .collect();
    assert!(snippets.len() >= 4, "found {snippets:?}");
    snippets
}
