//! The in-process harness: GraphQL questions put straight to the schema (`build_schema` and
//! `execute`, as the HTTP handler and `capgraph query` call them) over the embedded dataset's
//! store, seeded once per test binary. No server, no HTTP: for resolver behaviour, where HTTP
//! adds nothing. The HTTP contract itself (status codes, headers, limits on bodies) is tested
//! over HTTP, with [`super::server`].

use std::sync::LazyLock;

use async_graphql::{Request, Variables};
use capgraph::graphql::{build_schema, execute, AppSchema, Limits};
use serde_json::Value;

use super::answers::{assert_clean_errors, assert_error};
use super::data::embedded_store;

/// The schema with default limits over [`embedded_store`], built once.
pub fn schema() -> &'static AppSchema {
    static SCHEMA: LazyLock<AppSchema> =
        LazyLock::new(|| build_schema(embedded_store().clone(), &Limits::default()));
    &SCHEMA
}

/// Runs `query` with `variables` against `schema` and returns the whole response as JSON
/// (`data`, and `errors` when there are any), after checking that its errors are clean.
pub fn response_of(schema: &AppSchema, query: &str, variables: Value) -> Value {
    let request = Request::new(query).variables(Variables::from_json(variables));
    // A runtime per request: tests run on libtest's threads, and execution yields to it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let response = runtime.block_on(execute(schema, request));
    let body = serde_json::to_value(&response).expect("a response serialises");
    assert_clean_errors(&body);
    body
}

/// [`response_of`] the shared [`schema`].
pub fn response(query: &str, variables: Value) -> Value {
    response_of(schema(), query, variables)
}

/// The `data` of a query that must succeed.
#[track_caller]
pub fn data(query: &str, variables: Value) -> Value {
    let body = response(query, variables);
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"].clone()
}

/// Asserts that `query` with `variables` succeeds and answers exactly `expected` as its `data`.
#[track_caller]
pub fn check(query: &str, variables: Value, expected: Value) {
    let found = data(query, variables.clone());
    assert!(
        found == expected,
        "the answer differs from what the seed files say\nquery: {query}\nvariables: {variables}\n\
         expected: {expected:#}\nfound: {found:#}"
    );
}

/// Asserts that `query` fails with errors of `code` only, and returns the first message.
#[track_caller]
pub fn error(query: &str, variables: Value, code: &str) -> String {
    assert_error(&response(query, variables), code)
}
