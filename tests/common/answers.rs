//! Reading answers, in-process or over HTTP: the IDs in a list, the codes of the errors, and
//! what every error must satisfy.

use std::collections::BTreeSet;

use serde_json::Value;

/// The error codes the API promises.
pub const ERROR_CODES: [&str; 9] = [
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "LIMIT_EXCEEDED",
    "INTERNAL",
    "TIMEOUT",
    "OVERLOADED",
    "INTROSPECTION_DISABLED",
    "PERSISTED_QUERY_NOT_FOUND",
    "DOCUMENT_NOT_TRUSTED",
];

/// Checks what every error body must satisfy: each error has a promised code and tells the
/// client nothing about the server's insides.
#[track_caller]
pub fn assert_clean_errors(body: &Value) {
    for error in body["errors"].as_array().into_iter().flatten() {
        let code = error["extensions"]["code"].as_str().unwrap_or_default();
        assert!(
            ERROR_CODES.contains(&code),
            "an error without a promised code: {error}"
        );
        let message = error["message"]
            .as_str()
            .expect("every error has a message");
        for leak in [
            "panicked", "sled", "/tmp", "/src/", ".rs:", "\\src\\", "/root/", "/home/",
        ] {
            assert!(
                !message.contains(leak),
                "an error message gives away `{leak}`: {message}"
            );
        }
    }
}

/// The codes of a body's errors, in order.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Asserts that a body has errors, all with `code`, and returns the first message.
#[track_caller]
pub fn assert_error(body: &Value, code: &str) -> String {
    let codes = error_codes(body);
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c == code),
        "expected {code} errors, got {body}"
    );
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The IDs in a list of `{ id }` objects (or `{ node { id } }` edges).
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|item| {
            item.get("node")
                .unwrap_or(item)
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("an id in {item}"))
                .to_owned()
        })
        .collect()
}

/// The same as [`ids`], as a set.
pub fn id_set(list: &Value) -> BTreeSet<String> {
    ids(list).into_iter().collect()
}
