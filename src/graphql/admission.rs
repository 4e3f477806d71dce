//! Admission: how many costly queries run at once. A query's cost is known once it is validated;
//! one above [`UNMETERED_COST`] needs one of a fixed number of slots, waiting in a bounded queue
//! when none is free, and is refused with `OVERLOADED` when the queue is full too. So a crowd of
//! costly queries can neither queue without bound nor crowd out the cheap ones (a lookup,
//! `{ __typename }`), which never wait for a slot.
//! The document cache remembers what each document cost, so that while the slots are full a
//! costly document is refused before it is even parsed: refusing stays cheaper than serving.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_graphql::ServerError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::{coded_error, ErrorCode};

/// Queries at or below this cost run without a slot: a point lookup with a few nested lists.
pub const UNMETERED_COST: usize = 100;

/// The slots and the queue shared by every request of one schema.
pub struct Admission {
    slots: Arc<Semaphore>,
    max: usize,
    /// Costly queries waiting for a slot, and how many may.
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Admission {
    pub fn new(max_concurrent: usize, max_waiting: usize) -> Admission {
        Admission {
            slots: Arc::new(Semaphore::new(max_concurrent)),
            max: max_concurrent,
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// Before parsing: refuses a document known to be costly (its cost when last validated)
    /// while every slot and every place in the queue is taken.
    pub fn refuse_if_full(&self, known_cost: Option<usize>) -> Result<(), ServerError> {
        if let Some(cost) = known_cost.filter(|&cost| cost > UNMETERED_COST) {
            if self.slots.available_permits() == 0
                && self.waiting.load(Ordering::Relaxed) >= self.max_waiting
            {
                return Err(self.overloaded_error(cost));
            }
        }
        Ok(())
    }

    /// Before execution: a slot for a costly query (`None` for a cheap one, which needs none),
    /// waiting in the queue if it has room; `OVERLOADED` if it has none. The slot is held
    /// until the returned permit drops.
    pub async fn admit(&self, cost: usize) -> Result<Option<OwnedSemaphorePermit>, ServerError> {
        if cost <= UNMETERED_COST {
            return Ok(None);
        }
        if let Ok(slot) = Arc::clone(&self.slots).try_acquire_owned() {
            return Ok(Some(slot));
        }
        if self.waiting.fetch_add(1, Ordering::Relaxed) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(self.overloaded_error(cost));
        }
        // Dropped at the time limit like the rest of the request, leaving the queue.
        match WaitingTicket(self).wait().await {
            Some(slot) => Ok(Some(slot)),
            None => Err(self.overloaded_error(cost)),
        }
    }

    fn overloaded_error(&self, cost: usize) -> ServerError {
        let (max, queue) = (self.max, self.max_waiting);
        let message = format!(
            "the server is running its limit of {max} costly queries with {queue} more waiting \
             (cost over {UNMETERED_COST}; this one costs {cost}); retry shortly"
        );
        coded_error(ErrorCode::Overloaded, message, None, |extensions| {
            extensions.set("limit", "maxQueuedQueries");
            extensions.set("max", queue);
        })
    }
}

/// A place in the queue for a slot; leaving it (by getting a slot, or by being dropped when the
/// request times out) frees the place.
struct WaitingTicket<'a>(&'a Admission);

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
