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

use std::sync::Arc;

use crate::graphql::{AppSchema, Limits};
use crate::store::Store;

/// What every handler may use, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub store: Arc<Store>,
    pub limits: Limits,
    pub metrics: Arc<observe::Metrics>,
    /// One permit per export that may stream at once.
    pub export_slots: Arc<tokio::sync::Semaphore>,
    /// Documents known by hash: registered through APQ, or the trusted manifest.
    pub documents: Arc<persisted::PersistedDocuments>,
    /// `Cache-Control` of a cacheable GET answer (see [`caching::cache_control`]).
    pub get_cache_control: actix_web::http::header::HeaderValue,
}
