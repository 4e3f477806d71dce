//! The black-box test suite: the real server on a free port, spoken to over HTTP the way a
//! client would, with expectations computed from the seed files rather than written in. The
//! harness is the one every test binary shares, in `tests/common/`.
//!
//! Read-only tests share one server (`helpers::shared_app`); tests that need other settings or
//! other data start their own (`helpers::spawn_app_with`, `helpers::spawn_app_over`).
//! `batching` is the exception: it counts store reads, so it runs the schema in-process.
//! Set `TEST_LOG=1` to see the server's logs.

#[path = "../common/mod.rs"]
mod common;
mod helpers;

mod aggregates;
mod batching;
mod caching;
mod cors_and_request_ids;
mod explore;
mod filters;
mod graphiql_and_health;
mod http_contract;
mod limits;
mod lookup;
mod paging;
mod questions;
mod search;
