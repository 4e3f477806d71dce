//! HTTP routes: each module mounts its own with `configure`; none reads the store except through
//! the schema, the store API or the exports.

pub mod caching;
pub mod explore;
pub mod export;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod observe;
pub mod persisted;
pub mod subscription;

use std::sync::Arc;

use crate::graphql::{AppSchema, Limits, Subscriptions};
use crate::store::LiveStore;

/// What every handler may use, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    /// The serving schema, which holds no store: each request brings its own.
    pub schema: AppSchema,
    /// The live store: a handler loads it once and answers the whole request from that store,
    /// so a swap in the middle never mixes two datasets in one response.
    pub live: Arc<LiveStore>,
    /// Open subscriptions and the live dataset they watch.
    pub subscriptions: Arc<Subscriptions>,
    pub limits: Limits,
    pub metrics: Arc<observe::Metrics>,
    /// One permit per export that may stream at once.
    pub export_slots: Arc<tokio::sync::Semaphore>,
    /// Documents known by hash: registered through APQ, or the trusted manifest.
    pub documents: Arc<persisted::PersistedDocuments>,
    /// `Cache-Control` of a cacheable GET answer (see [`caching::cache_control`]).
    pub get_cache_control: actix_web::http::header::HeaderValue,
}
