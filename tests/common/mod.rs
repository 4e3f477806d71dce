//! The test harness every test binary shares: `mod common;` at the top of `tests/<name>.rs`, or
//! `#[path = "../common/mod.rs"] mod common;` in a directory binary such as `tests/api/`.
//!
//! - [`command`]: the built `capgraph` binary, run hermetically (no `CAPGRAPH_*` or `RUST_LOG`
//!   from the developer's shell).
//! - [`data`]: temporary directories under cargo's test directory, and seeded temporary stores.
//! - [`schema`]: the in-process harness, `check(query, variables, expected)` against the schema
//!   over a store seeded once per test binary; no HTTP.
//! - [`server`]: the real server on `127.0.0.1:0` and an HTTP client for it (`spawn_app`).
//! - [`datasets`]: two datasets to swap between, what each answers, and asking which answers.
//! - [`process`]: `capgraph serve` as a child process (signals, kills) and a client load.
//! - [`answers`]: reading answers: IDs, error codes, and what every error must satisfy.
//! - [`seed_json`]: the seed files as plain JSON, to compute what to expect.
//! - [`skip`]: when a tool is missing, skip loudly on stderr, or fail under `CI=true`.
//! - [`readme`]: reading the README as its tests do.
//! - [`browser`]: headless Chromium for the browser tests: its tools, scripts and screenshots.

// Each test binary uses a part of the harness.
#![allow(dead_code, unused_imports)]

pub mod answers;
pub mod browser;
pub mod command;
pub mod data;
pub mod datasets;
pub mod process;
pub mod readme;
pub mod schema;
pub mod seed_json;
pub mod server;
pub mod skip;

pub use answers::*;
pub use command::*;
pub use data::*;
pub use datasets::*;
pub use process::*;
pub use seed_json::*;
pub use server::*;
pub use skip::*;
