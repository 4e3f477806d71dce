//! Request limits, on by default: document size in tokens, depth, aliases, directives, cost
//! (which multiplies by page sizes), page size, body size and time, plus introspection's own
//! bounds. Each is a field of [`Limits`], set from `serve` flags; each refusal is a
//! `LIMIT_EXCEEDED` error that names the limit and its value in `extensions`.
//!
//! This module owns the settings and the error a refusal carries, and names async-graphql's own
//! limit errors the same way; `tokens` counts a document before it parses and `document` walks
//! it once parsed.

mod document;
mod tokens;

use std::time::Duration;

use async_graphql::{Pos, Response, ServerError};

use super::error::{coded_error, ErrorCode};

pub use document::check_document;
pub use tokens::check_tokens;

/// Every configurable limit, with the defaults a public server can live with. The document
/// limits follow graphql-armor's defaults where it has one (50 directives, 1,000 tokens).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest nesting of data fields (introspection has its own bound).
    pub max_depth: usize,
    /// Largest cost: each field costs 1, and a connection's children cost once per row asked
    /// for, so `first: 500` under `first: 500` costs about 250,000.
    pub max_cost: usize,
    /// Most aliased fields in one document.
    pub max_aliases: usize,
    /// Most directives in one document.
    pub max_directives: usize,
    /// Most directives on one field.
    pub max_field_directives: usize,
    /// Most lexical tokens in one document; counted before parsing, so a huge document costs
    /// one pass over its text and no parse.
    pub max_tokens: usize,
    /// Deepest nesting below `__schema` or `__type`.
    pub max_introspection_depth: usize,
    /// Longest chain of nested `ofType` selections.
    pub max_of_type_depth: usize,
    /// Most `__schema` and `__type` fields in one document.
    pub max_introspection_fields: usize,
    /// Whether introspection is answered at all (`--introspection off` turns it off).
    pub introspection: bool,
    /// Largest `first` or `last` on any connection (and most IDs in one `nodes` call).
    pub max_page: usize,
    /// Most queries costing over `admission::UNMETERED_COST` that run at once on one worker
    /// thread; more wait.
    pub max_concurrent_queries: usize,
    /// Most such queries waiting for a slot; more are refused with `OVERLOADED` (HTTP 503 and
    /// `Retry-After`).
    pub max_queued_queries: usize,
    /// Most exports streaming at once (each holds a thread while its client reads); more are
    /// refused with HTTP 503 and `Retry-After`.
    pub max_concurrent_exports: usize,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Longest time one request may take.
    pub request_timeout: Duration,
    /// Most subscriptions open at once, over WebSocket and Server-Sent Events together.
    pub max_subscriptions: usize,
    /// How long a subscription may go without an event before the server completes it.
    pub subscription_idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 12,
            max_cost: 50_000,
            max_aliases: 30,
            max_directives: 50,
            max_field_directives: 10,
            max_tokens: 1_000,
            max_introspection_depth: 20,
            max_of_type_depth: 10,
            max_introspection_fields: 3,
            introspection: true,
            max_page: super::connection::MAX_PAGE as usize,
            max_concurrent_queries: 2,
            max_queued_queries: 128,
            max_concurrent_exports: 4,
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(10),
            max_subscriptions: 1_000,
            subscription_idle_timeout: Duration::from_secs(3_600),
        }
    }
}

/// The limit errors async-graphql raises itself, recognised by their message, with the limit
/// each one enforces: `(name, value)`.
pub fn builtin_limit(message: &str, limits: &Limits) -> Option<(&'static str, usize)> {
    if message.contains("too complex") {
        Some(("maxCost", limits.max_cost))
    } else if message.contains("recursion depth") {
        Some(("maxRecursionDepth", recursion_depth(limits)))
    } else if message.contains("nested too deep") {
        Some(("maxDepth", limits.max_depth))
    } else {
        None
    }
}

/// async-graphql's own guard against deep recursion while parsing and walking a document; above
/// both depth limits so that it never refuses a document they accept.
pub fn recursion_depth(limits: &Limits) -> usize {
    limits
        .max_depth
        .max(limits.max_introspection_depth)
        .saturating_mul(4)
        .max(32)
}

/// A `LIMIT_EXCEEDED` error that names the limit, its value and what the document had.
pub fn limit_error(
    message: String,
    pos: Option<Pos>,
    limit: &str,
    max: usize,
    found: Option<usize>,
) -> ServerError {
    coded_error(ErrorCode::LimitExceeded, message, pos, |extensions| {
        extensions.set("limit", limit);
        extensions.set("max", max);
        if let Some(found) = found {
            extensions.set("found", found);
        }
    })
}

/// Gives async-graphql's own limit errors (cost, recursion) the code, limit and value that ours
/// carry.
pub fn name_builtin_errors(response: &mut Response, limits: &Limits) {
    for error in &mut response.errors {
        let uncoded = error
            .extensions
            .as_ref()
            .is_none_or(|e| e.get("code").is_none());
        if let Some((limit, max)) = builtin_limit(&error.message, limits) {
            if uncoded {
                *error = limit_error(
                    format!("{} (the {limit} limit is {max})", error.message),
                    error.locations.first().copied(),
                    limit,
                    max,
                    None,
                );
            }
        }
    }
}
