//! The DataLoader question (async-graphql issue 1306 reports a large throughput penalty for its
//! `DataLoader`): on the scale-100 store, loading the `LOCATED_IN` out-edges of N projects
//! (a) with one `Store::edges_of_many` call, which is what `graphql::entity::Batch` does, versus
//! (b) with async-graphql's `DataLoader` over a `Loader<Id>` that makes that same call, driven by
//! N concurrent `load_one` calls as N sibling resolvers would.
//!
//! (b) is run three ways: with the default 1 ms batching delay; with no delay (the workaround
//! suggested in the issue), which still waits for the next tick of tokio's 1 ms timer; and with
//! `max_batch_size(N)`, which loads as soon as the N-th key arrives and so never waits for the
//! timer. A resolver cannot know N in advance; that last way only shows how much of the cost is
//! the timer and how much is the loader's own bookkeeping. Every iteration builds a fresh
//! `DataLoader`, since loaders live for one request. The runtime is tokio's current-thread one,
//! as in an actix-web worker.
//!
//! Run with `cargo bench --bench batching`; results are in `docs/benchmarks.md`.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use capgraph::model::{Direction, EdgeType, Id, Kind};
use capgraph::store::{EdgeRef, Store, StoreError};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use futures_util::future::join_all;

const EDGE_TYPES: &[EdgeType] = &[EdgeType::LocatedIn];

/// Loads a node's `LOCATED_IN` out-edges, through the same batched store call as (a).
struct EdgeLoader {
    store: Arc<Store>,
}

impl Loader<Id> for EdgeLoader {
    type Value = Vec<EdgeRef>;
    type Error = Arc<StoreError>;

    async fn load(&self, keys: &[Id]) -> Result<HashMap<Id, Vec<EdgeRef>>, Arc<StoreError>> {
        Ok(self
            .store
            .edges_of_many(keys, Some(EDGE_TYPES), Direction::Out)?
            .into_iter()
            .collect())
    }
}

/// N `load_one` calls in flight at once, as N sibling resolvers issue them.
async fn through_dataloader(loader: DataLoader<EdgeLoader>, ids: &[Id]) -> usize {
    join_all(ids.iter().map(|id| loader.load_one(id.clone())))
        .await
        .into_iter()
        .map(|edges| edges.expect("the store reads").map_or(0, |e| e.len()))
        .sum()
}

fn benches(c: &mut Criterion) {
    let fixture = common::scale_100();
    let store = &fixture.store;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let all = store.ids_of_kind(Kind::Project).expect("project IDs");

    let mut group = c.benchmark_group("batching/located_in_out");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for n in [50usize, 500] {
        let ids: Vec<Id> = all.iter().take(n).cloned().collect();
        let loader = |delay: Option<Duration>, max_batch: Option<usize>| {
            let mut loader = DataLoader::new(
                EdgeLoader {
                    store: Arc::clone(store),
                },
                tokio::spawn,
            );
            if let Some(delay) = delay {
                loader = loader.delay(delay);
            }
            if let Some(max_batch) = max_batch {
                loader = loader.max_batch_size(max_batch);
            }
            loader
        };
        let ways = [
            ("dataloader_default_1ms", None, None),
            ("dataloader_delay_0", Some(Duration::ZERO), None),
            ("dataloader_max_batch_n", None, Some(n)),
        ];

        // Every way must find the same edges, and each must take one store call.
        let plain: usize = store
            .edges_of_many(&ids, Some(EDGE_TYPES), Direction::Out)
            .expect("the store reads")
            .values()
            .map(Vec::len)
            .sum();
        for (name, delay, max_batch) in ways {
            let before = store.read_count();
            let found = rt.block_on(through_dataloader(loader(delay, max_batch), &ids));
            let calls = store.read_count() - before;
            assert_eq!(found, plain, "{name} finds the same edges");
            assert_eq!(calls, 1, "{name} batches all {n} keys into one store call");
            eprintln!("[batching] n={n} {name}: {found} edges in {calls} store call");
        }

        group.bench_with_input(
            BenchmarkId::new("plain_edges_of_many", n),
            &ids,
            |b, ids| {
                b.iter(|| {
                    store
                        .edges_of_many(ids, Some(EDGE_TYPES), Direction::Out)
                        .unwrap()
                })
            },
        );
        for (name, delay, max_batch) in ways {
            group.bench_with_input(BenchmarkId::new(name, n), &ids, |b, ids| {
                b.iter(|| rt.block_on(through_dataloader(loader(delay, max_batch), ids)))
            });
        }
    }
    group.finish();
}

criterion_group!(batching_benches, benches);
criterion_main!(batching_benches);
