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

/// Events to subscribe to, over WebSocket (`graphql-transport-ws`) or Server-Sent Events
/// (`graphql-sse`) on `/graphql`.
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

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    fn meta(digest: &str) -> Meta {
        Meta {
            digest: digest.into(),
            nodes: Default::default(),
            edges: 0,
            origin: "test".into(),
        }
    }

    fn open_one(subscriptions: &Subscriptions) -> impl Stream<Item = DatasetInfo> {
        let slot = Arc::clone(&subscriptions.slots)
            .try_acquire_owned()
            .expect("a free slot");
        events(
            subscriptions.dataset.subscribe(),
            slot,
            subscriptions.idle_timeout,
        )
    }

    #[tokio::test]
    async fn a_swap_is_one_event_with_the_new_dataset() {
        let subscriptions = Subscriptions::new(&meta("old"), &Limits::default());
        let mut events = Box::pin(open_one(&subscriptions));

        subscriptions.publish(&meta("new"));

        let event = events.next().await.expect("an event");
        assert_eq!(event.digest, "new");
        assert_eq!(subscriptions.open(), 1);
    }

    #[tokio::test]
    async fn a_subscription_idle_past_the_timeout_completes_and_frees_its_slot() {
        let limits = Limits {
            max_subscriptions: 1,
            subscription_idle_timeout: Duration::from_millis(10),
            ..Limits::default()
        };
        let subscriptions = Subscriptions::new(&meta("old"), &limits);
        let mut events = Box::pin(open_one(&subscriptions));
        assert!(Arc::clone(&subscriptions.slots)
            .try_acquire_owned()
            .is_err());

        let ended = events.next().await;

        assert!(ended.is_none(), "completed");
        assert_eq!(subscriptions.open(), 0, "its slot is free again");
    }
}
