//! The API's test suite, with expectations computed from the seed files rather than written in.
//!
//! Two ways in, both from the shared harness in `tests/common/`:
//! - over HTTP, the real server on a free port spoken to the way a client would, for what HTTP
//!   adds: the contract (`http_contract`, `cors_and_request_ids`, `caching`, `limits`, ...).
//!   Read-only tests share one server (`helpers::shared_app`); tests that need other settings
//!   or other data start their own (`helpers::spawn_app_with`, `helpers::spawn_app_over`);
//! - in-process, `common::schema::check(query, variables, expected)` against the schema over a
//!   store seeded once, for resolver behaviour where HTTP adds nothing: `filters`, `lookup`,
//!   `paging`, and `batching`, which also counts the store's reads.
//!
//! Set `TEST_LOG=1` to see the server's logs.

#[path = "../common/mod.rs"]
mod common;
mod helpers;

mod aggregates;
mod batching;
mod caching;
mod cors_and_request_ids;
mod explore;
mod fast_path;
mod filters;
mod graphiql_and_health;
mod http_contract;
mod limits;
mod lookup;
mod paging;
mod persisted;
mod questions;
mod search;
