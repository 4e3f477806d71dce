//! The GraphQL API: one place builds the schema with its limits; resolvers read the store only
//! through its public API and never send internal error text to clients.

mod admission;
mod aggregate;
pub mod connection;
mod documents;
pub mod entity;
pub mod enums;
pub mod error;
mod execution;
mod fast;
pub mod filter;
mod graph;
mod limits;
mod pipeline;
mod plan;
mod query;
mod search;
pub mod subscription;
pub mod types;
mod variables;

use std::sync::Arc;

use async_graphql::{EmptyMutation, Request, Response, Schema, ValidationMode};

use error::ErrorCode;
pub use limits::Limits;
pub use query::Query;
pub use subscription::{Subscription, Subscriptions};

use crate::store::Store;

/// The schema as async-graphql executes it.
pub type Executable = Schema<Query, EmptyMutation, Subscription>;

/// The executable schema, built twice: with the pipeline, through which every document passes
/// first, and without it, for the documents the pipeline has vetted (see [`fast`]). Both builds
/// answer alike; [`execute`] chooses.
#[derive(Clone)]
pub struct AppSchema {
    with_pipeline: Executable,
    fast: fast::FastPath,
    pipeline: pipeline::Pipeline,
}

impl AppSchema {
    fn build(limits: &Limits, data: impl Fn(SchemaBuilder) -> SchemaBuilder) -> AppSchema {
        let pipeline = pipeline::Pipeline::new(limits);
        AppSchema {
            with_pipeline: data(builder(limits).extension(pipeline.clone())).finish(),
            // Validation's rules that depend on the document alone passed when the pipeline
            // first validated it; the one that depends on the variables is the fast path's.
            fast: fast::FastPath::new(
                data(builder(limits))
                    .validation_mode(ValidationMode::Fast)
                    .finish(),
            ),
            pipeline,
        }
    }

    /// The build with the pipeline, for what only it runs: subscriptions.
    pub fn with_pipeline(&self) -> &Executable {
        &self.with_pipeline
    }

    /// How many requests took the fast path.
    pub fn fast_answers(&self) -> u64 {
        self.pipeline.fast_answers()
    }
}

type SchemaBuilder = async_graphql::SchemaBuilder<Query, EmptyMutation, Subscription>;

/// Builds the schema over one store, with every limit applied: for answering in-process (the
/// CLI's `query`, tests), where the store never changes.
pub fn build_schema(store: Arc<Store>, limits: &Limits) -> AppSchema {
    AppSchema::build(limits, |builder| builder.data(Arc::clone(&store)))
}

/// Builds the schema a server runs, with every limit applied and no store: the store can change
/// under a running server, so each request brings the one it answers from as request data
/// (`request.data(store)`). Built once, it keeps the document cache and admission's slots
/// across swaps; `subscriptions` tells subscribers of each swap.
pub fn build_serving_schema(limits: &Limits, subscriptions: Arc<Subscriptions>) -> AppSchema {
    AppSchema::build(limits, |builder| builder.data(Arc::clone(&subscriptions)))
}

/// Both builds of the schema, but for the pipeline. Depth is checked by
/// [`limits::check_document`] (through [`pipeline::Pipeline`]) rather than async-graphql, whose
/// depth limit counts introspection fields too and so refuses every standard introspection query.
fn builder(limits: &Limits) -> SchemaBuilder {
    let builder = Schema::build(Query::default(), EmptyMutation, Subscription)
        .data(limits.clone())
        .limit_complexity(limits.max_cost)
        .limit_recursive_depth(limits::recursion_depth(limits));
    if limits.introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}

/// The schema without a store: enough for the SDL and introspection, not for data.
pub fn bare_schema() -> Executable {
    Schema::build(Query::default(), EmptyMutation, Subscription).finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    let mut sdl = bare_schema().sdl();
    if !sdl.ends_with('\n') {
        sdl.push('\n');
    }
    sdl
}

/// Runs a request and gives every error a stable `extensions.code`: the resolvers' own codes
/// and the limits' stay (see [`limits::name_builtin_errors`]); the rest (parse, validation and input
/// coercion errors) are the client's and become `BAD_USER_INPUT`.
pub async fn execute(schema: &AppSchema, request: Request) -> Response {
    let mut response = match schema.fast.run(&schema.pipeline, request).await {
        fast::Outcome::Answered(response) | fast::Outcome::Refused(response) => response,
        fast::Outcome::NotTaken(request) => schema.with_pipeline.execute(request).await,
    };
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if !has_code {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::BadUserInput.as_str());
        }
    }
    response
}
