//! Admission: how many costly queries run at once. A query's cost is known once it is validated;
//! one above [`UNMETERED_COST`] needs one of a fixed number of slots, waiting in a bounded queue
//! when none is free, and is refused with `OVERLOADED` when the queue is full too. So a crowd of
//! costly queries can neither queue without bound nor crowd out the cheap ones (a lookup,
//! `{ __typename }`), which never wait for a slot.
//! The costs of documents seen before are remembered, so that while the slots are full a
//! costly document is refused before it is even parsed: refusing stays cheaper than serving.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Queries at or below this cost run without a slot: a point lookup with a few nested lists.
pub const UNMETERED_COST: usize = 100;

/// Most document costs remembered; past it the memory starts afresh, so it stays bounded.
const REMEMBERED_COSTS: usize = 4_096;

/// The slots and the remembered costs shared by every request of one schema.
pub struct Admission {
    shared: Arc<Shared>,
}

struct Shared {
    slots: Arc<Semaphore>,
    max: usize,
    /// Costly queries waiting for a slot, and how many may.
    waiting: AtomicUsize,
    max_waiting: usize,
    /// Cost by document text hash (with the operation name), as validation found it.
    costs: Mutex<HashMap<u64, usize>>,
    hasher: RandomState,
}

impl Admission {
    pub fn new(max_concurrent: usize, max_waiting: usize) -> Admission {
        Admission {
            shared: Arc::new(Shared {
                slots: Arc::new(Semaphore::new(max_concurrent)),
                max: max_concurrent,
                waiting: AtomicUsize::new(0),
                max_waiting,
                costs: Mutex::default(),
                hasher: RandomState::new(),
            }),
        }
    }
}

impl ExtensionFactory for Admission {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AdmissionExtension {
            shared: Arc::clone(&self.shared),
            document: Mutex::new(0),
            cost: Mutex::new(0),
        })
    }
}

struct AdmissionExtension {
    shared: Arc<Shared>,
    /// The hash of this request's document text.
    document: Mutex<u64>,
    /// The validated cost of this request's document.
    cost: Mutex<usize>,
}

#[async_trait::async_trait]
impl Extension for AdmissionExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let shared = &self.shared;
        let hash = shared.hasher.hash_one(query);
        if let Ok(mut document) = self.document.lock() {
            *document = hash;
        }
        let known = shared.costs.lock().ok().and_then(|c| c.get(&hash).copied());
        if let Some(cost) = known.filter(|&cost| cost > UNMETERED_COST) {
            if shared.slots.available_permits() == 0
                && shared.waiting.load(Ordering::Relaxed) >= shared.max_waiting
            {
                return Err(overloaded_error(shared, cost));
            }
        }
        next.run(ctx, query, variables).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Ok(mut cost) = self.cost.lock() {
            *cost = result.complexity;
        }
        let document = self.document.lock().map(|d| *d).unwrap_or_default();
        if let Ok(mut costs) = self.shared.costs.lock() {
            if costs.len() >= REMEMBERED_COSTS {
                costs.clear();
            }
            costs.insert(document, result.complexity);
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let cost = self.cost.lock().map(|c| *c).unwrap_or(usize::MAX);
        let shared = &self.shared;
        let _slot: Option<OwnedSemaphorePermit> = if cost > UNMETERED_COST {
            match Arc::clone(&shared.slots).try_acquire_owned() {
                Ok(slot) => Some(slot),
                Err(_) => {
                    if shared.waiting.fetch_add(1, Ordering::Relaxed) >= shared.max_waiting {
                        shared.waiting.fetch_sub(1, Ordering::Relaxed);
                        return Response::from_errors(vec![overloaded_error(shared, cost)]);
                    }
                    // Dropped at the time limit like the rest of the request, leaving the queue.
                    let slot = WaitingTicket(shared).wait().await;
                    match slot {
                        Some(slot) => Some(slot),
                        None => return Response::from_errors(vec![overloaded_error(shared, cost)]),
                    }
                }
            }
        } else {
            None
        };
        next.run(ctx, operation_name).await
    }
}

/// A place in the queue for a slot; leaving it (by getting a slot, or by being dropped when the
/// request times out) frees the place.
struct WaitingTicket<'a>(&'a Shared);

impl WaitingTicket<'_> {
    async fn wait(self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.0.slots).acquire_owned().await.ok()
    }
}

impl Drop for WaitingTicket<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

fn overloaded_error(shared: &Shared, cost: usize) -> ServerError {
    let (max, queue) = (shared.max, shared.max_waiting);
    let mut error = ServerError::new(
        format!(
            "the server is running its limit of {max} costly queries with {queue} more waiting \
             (cost over {UNMETERED_COST}; this one costs {cost}); retry shortly"
        ),
        None,
    );
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", Value::from("OVERLOADED"));
    extensions.set("limit", Value::from("maxQueuedQueries"));
    extensions.set("max", Value::from(queue));
    error.extensions = Some(extensions);
    error
}
