//! Admission: how many costly queries run at once. A query's cost is known once it is validated;
//! one above [`UNMETERED_COST`] needs one of a fixed number of slots of the worker it runs on,
//! waiting in a bounded queue when none is free, and is refused with `OVERLOADED` when the queue
//! is full too. So a crowd of costly queries can neither queue without bound nor crowd out the
//! cheap ones (a lookup, `{ __typename }`), which never wait for a slot.
//! Slots are per worker thread because a connection stays on its worker: with slots shared by
//! all workers, every slot could be held by queries on one worker while the other worker's
//! queries waited, and that worker sat idle with work queued (measured: a quarter of each
//! worker's time idle under a load of nested queries, with 4 slots shared by 2 workers).
//! The document cache remembers what each document cost, so that while the slots are full a
//! costly document is refused before it is even parsed: refusing stays cheaper than serving.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_graphql::ServerError;
use thread_local::ThreadLocal;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::{coded_error, ErrorCode};

/// Queries at or below this cost run without a slot: a point lookup with a few nested lists.
pub const UNMETERED_COST: usize = 100;

/// Each worker's slots and the queue shared by every request of one schema.
pub struct Admission {
    /// The slots of each thread that has admitted a costly query, made on its first.
    slots: ThreadLocal<Arc<Semaphore>>,
    /// Slots per worker thread.
    max: usize,
    /// Costly queries waiting for a slot, and how many may.
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Admission {
    pub fn new(max_concurrent_per_worker: usize, max_waiting: usize) -> Admission {
        Admission {
            slots: ThreadLocal::new(),
            max: max_concurrent_per_worker,
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// This worker thread's slots.
    fn slots(&self) -> Arc<Semaphore> {
        Arc::clone(self.slots.get_or(|| Arc::new(Semaphore::new(self.max))))
    }

    /// Before parsing: refuses a document known to be costly (validated before, with a cost its
    /// variables cannot change) while every slot of this worker and every place in the queue is
    /// taken.
    pub fn refuse_if_full(&self, known_cost: Option<usize>) -> Result<(), ServerError> {
        if let Some(cost) = known_cost.filter(|&cost| cost > UNMETERED_COST) {
            if self.slots().available_permits() == 0
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
        if let Ok(slot) = self.slots().try_acquire_owned() {
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
            "this server worker is running its limit of {max} costly queries with {queue} more \
             waiting (cost over {UNMETERED_COST}; this one costs {cost}); retry shortly"
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
        self.0.slots().acquire_owned().await.ok()
    }
}

impl Drop for WaitingTicket<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COSTLY: usize = UNMETERED_COST + 1;

    /// Admits one costly query on a thread of its own, as on a worker of its own.
    fn admit_on_another_worker(admission: &Arc<Admission>) -> bool {
        let admission = Arc::clone(admission);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a runtime");
            runtime
                .block_on(admission.admit(COSTLY))
                .is_ok_and(|slot| slot.is_some())
        })
        .join()
        .expect("the worker finishes")
    }

    #[test]
    fn a_worker_whose_slots_are_taken_refuses_while_another_worker_admits() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        // One slot per worker and no queue.
        let admission = Arc::new(Admission::new(1, 0));

        let held = runtime
            .block_on(admission.admit(COSTLY))
            .expect("a free slot");
        let refused = runtime.block_on(admission.admit(COSTLY));
        let cheap = runtime.block_on(admission.admit(UNMETERED_COST));

        assert!(held.is_some(), "a costly query holds a slot");
        assert!(
            refused.is_err(),
            "this worker's only slot is taken and nobody may wait"
        );
        assert!(
            cheap.is_ok_and(|slot| slot.is_none()),
            "a cheap query needs no slot"
        );
        assert!(
            admit_on_another_worker(&admission),
            "the other worker has a slot of its own"
        );
        drop(held);
        assert!(
            runtime.block_on(admission.admit(COSTLY)).is_ok(),
            "a freed slot is reused"
        );
    }
}
