//! The harness as the `api` binary's tests name it (`crate::helpers::…`): the shared test
//! harness in `tests/common/`, whose server, answer readers and seed files these re-export.

pub use crate::common::answers::*;
pub use crate::common::data::temp_dir;
pub use crate::common::seed_json::*;
pub use crate::common::server::*;

/// A fresh data directory for a server or store of the test's own.
pub fn data_dir() -> tempfile::TempDir {
    temp_dir("api")
}

/// The values of every `attr="..."` in a page.
pub fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}
