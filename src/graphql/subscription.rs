//! The `Subscription` root: `datasetChanged`, one event each time the server swaps to a new
//! dataset, so that frontends know when to refetch; and the bounds on open subscriptions (how
//! many at once, how long without an event). Knows nothing of the transports (`http`).

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ErrorExtensions, Subscription as SubscriptionRoot};
use futures_util::Stream;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use super::error::ErrorCode;
use super::limits::Limits;
use super::query::DatasetInfo;
use crate::store::Meta;

/// What every subscription of one server shares: the live dataset and the open slots.
pub struct Subscriptions {
    /// The live dataset; a swap sends the new one to every subscriber.
    dataset: watch::Sender<DatasetInfo>,
    /// One permit per subscription that may be open at once.
    slots: Arc<Semaphore>,
    max: usize,
    idle_timeout: Duration,
}

impl Subscriptions {
    /// Subscriptions over the dataset `meta` describes, within the limits.
    pub fn new(meta: &Meta, limits: &Limits) -> Subscriptions {
        Subscriptions {
            dataset: watch::Sender::new(DatasetInfo::of(meta)),
            slots: Arc::new(Semaphore::new(limits.max_subscriptions)),
            max: limits.max_subscriptions,
            idle_timeout: limits.subscription_idle_timeout,
        }
    }

    /// Tells every subscriber that the dataset `meta` describes is live now.
    pub fn publish(&self, meta: &Meta) {
        self.dataset.send_replace(DatasetInfo::of(meta));
    }

    /// How many subscriptions are open.
    pub fn open(&self) -> usize {
        self.max - self.slots.available_permits()
    }

    fn full_error(&self) -> async_graphql::Error {
        let max = self.max;
        async_graphql::Error::new(format!(
            "the server has its limit of {max} open subscriptions; retry later"
        ))
        .extend_with(|_, extensions| {
            extensions.set("code", ErrorCode::LimitExceeded.as_str());
            extensions.set("limit", "maxSubscriptions");
            extensions.set("max", max);
        })
    }
}

/// The root of subscriptions.
#[derive(Default)]
pub struct Subscription;

#[SubscriptionRoot]
impl Subscription {
    /// The dataset, each time the server switches to a new one (after `capgraph seed` and a
    /// reload); nothing until then. Refetch what you show when it fires. A subscription that
    /// sees no change for the server's idle timeout (an hour by default) is completed:
    /// subscribe again.
    async fn dataset_changed(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = DatasetInfo>> {
        let subscriptions = ctx.data::<Arc<Subscriptions>>().map_err(|_| {
            async_graphql::Error::new("subscriptions are served by `capgraph serve` only")
        })?;
        let slot = Arc::clone(&subscriptions.slots)
            .try_acquire_owned()
            .map_err(|_| subscriptions.full_error())?;
        // A new receiver has seen the live dataset: only the swaps after this one are events.
        let changes = subscriptions.dataset.subscribe();
        Ok(events(changes, slot, subscriptions.idle_timeout))
    }
}

/// Each new dataset, until none comes for `idle_timeout`; holds its slot until dropped.
fn events(
    changes: watch::Receiver<DatasetInfo>,
    slot: OwnedSemaphorePermit,
    idle_timeout: Duration,
) -> impl Stream<Item = DatasetInfo> {
    futures_util::stream::unfold((changes, slot), move |(mut changes, slot)| async move {
        match tokio::time::timeout(idle_timeout, changes.changed()).await {
            Ok(Ok(())) => {
                let dataset = changes.borrow_and_update().clone();
                Some((dataset, (changes, slot)))
            }
            // Idle for too long, or the server is stopping.
            Ok(Err(_)) | Err(_) => None,
        }
    })
}
