//! capgraph: a GraphQL API over a sourced knowledge graph of China–ASEAN production-capacity
//! cooperation — who builds and invests in what, where, in which sector, under which framework.
//!
//! # Layout
//! - [`model`]: validated IDs, nodes, edges and values; no I/O.
//! - [`text`]: folding names into search tokens.
//! - [`seed`]: seed JSON files → checked [`model::Dataset`], with every problem located.
//! - [`store`]: the sled store: layout, codec, reads, and seed-and-swap.
//! - [`generate`]: synthetic datasets of any size.
//! - [`export`]: streaming the store out as files.
//! - [`graphql`]: the schema and resolvers.
//! - [`config`], [`startup`], [`telemetry`], [`cli`]: the program around them.

pub mod cli;
pub mod config;
pub mod export;
pub mod generate;
pub mod graphql;
pub mod http;
pub mod model;
pub mod seed;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod text;
