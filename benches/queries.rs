//! Store reads and four canonical GraphQL queries, run in-process on the real embedded dataset
//! and on a synthetic scale-100 store (about 100,000 projects).
//!
//! Run with `cargo bench --bench queries`; results are in `docs/benchmarks.md`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::Request;
use capgraph::graphql::{build_schema, execute, AppSchema, Limits};
use capgraph::model::{Direction, Id, Kind};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};

use common::Fixture;

/// The IDs each canonical query starts from; they differ between the two datasets.
struct Ids {
    project: &'static str,
    country: &'static str,
    enterprise: &'static str,
}

const REAL: Ids = Ids {
    project: "project:suramadu-bridge",
    country: "KH",
    enterprise: "enterprise:cccc",
};

const GENERATED: Ids = Ids {
    project: "project:gen-0000001",
    country: "KH",
    enterprise: "enterprise:gen-0000010",
};

/// The four canonical queries, named as in `docs/benchmarks.md` (and in `bench/load.sh`).
fn queries(ids: &Ids) -> [(&'static str, String); 4] {
    [
        (
            "q1_project_with_country",
            format!(
                r#"{{ project(id: "{}") {{ id name status hostCountries {{ code name }} }} }}"#,
                ids.project
            ),
        ),
        (
            "q2_country_20_projects_sectors_enterprises",
            format!(
                r#"{{ country(code: "{}") {{ name projects(first: 20) {{ nodes {{ id name
                    sectors {{ id name }}
                    enterprises {{ edges {{ role node {{ name }} }} }} }} }} }} }}"#,
                ids.country
            ),
        ),
        (
            "q3_enterprise_projects_countries",
            format!(
                r#"{{ enterprise(id: "{}") {{ name projects(first: 500) {{ totalCount
                    edges {{ role node {{ id name hostCountries {{ code name }} }} }} }} }} }}"#,
                ids.enterprise
            ),
        ),
        (
            "q4_filtered_ordered_first_50",
            r#"{ projects(filter: {status: [OPERATIONAL], startYear: {min: 2015}},
                orderBy: [{field: VALUE_USD, direction: DESC}], first: 50) {
                totalCount nodes { id name valueUsd startYear } } }"#
                .to_owned(),
        ),
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
}

/// Small samples and short times keep a full run to a few minutes on two cores. Queries take
/// ten samples: the slowest runs near a second at scale 100, and criterion then samples it flat
/// (one iteration per sample) on its own.
fn configure<'a>(c: &'a mut Criterion, name: &str, samples: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(samples)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group
}

fn bench_store(c: &mut Criterion, fixture: &Fixture, ids: &Ids) {
    let store = &fixture.store;
    let project = Id::parse(ids.project).expect("a project ID");
    let country = Id::new(Kind::Country, ids.country).expect("a country code");
    let fifty: Vec<Id> = store
        .ids_of_kind(Kind::Project)
        .expect("project IDs")
        .into_iter()
        .take(50)
        .collect();
    assert!(store.node(&project).expect("a read").is_some());
    let in_edges = store.edges(&country, None, Direction::In).expect("a scan");
    let out_edges = store.edges(&country, None, Direction::Out).expect("a scan");
    eprintln!(
        "[{}] {} nodes in the 50-node read; {country} has {} in-edges and {} out-edges",
        fixture.name,
        fifty.len(),
        in_edges.len(),
        out_edges.len()
    );

    let mut group = configure(c, &format!("store/{}", fixture.name), 20);
    group.bench_function("node", |b| b.iter(|| store.node(&project).unwrap()));
    group.bench_function("nodes_50", |b| b.iter(|| store.nodes(&fifty).unwrap()));
    group.bench_function("edges_country_out", |b| {
        b.iter(|| store.edges(&country, None, Direction::Out).unwrap())
    });
    group.bench_function("edges_country_in", |b| {
        b.iter(|| store.edges(&country, None, Direction::In).unwrap())
    });
    group.finish();
}

fn bench_queries(c: &mut Criterion, fixture: &Fixture, ids: &Ids) {
    let schema: AppSchema = build_schema(Arc::clone(&fixture.store), &Limits::default());
    let rt = runtime();
    let mut group = configure(c, &format!("graphql/{}", fixture.name), 10);
    for (name, query) in queries(ids) {
        let before = fixture.store.read_count();
        let response = rt.block_on(execute(&schema, Request::new(query.as_str())));
        let reads = fixture.store.read_count() - before;
        assert!(
            response.errors.is_empty(),
            "{name} on {} failed: {:?}",
            fixture.name,
            response.errors
        );
        let bytes = serde_json::to_vec(&response.data).map_or(0, |v| v.len());
        eprintln!(
            "[{}] {name}: {reads} store calls, {bytes} bytes of data",
            fixture.name
        );
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(execute(&schema, Request::new(query.as_str()))))
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let real = common::embedded();
    bench_store(c, &real, &REAL);
    bench_queries(c, &real, &REAL);
    drop(real);

    let generated = common::scale_100();
    bench_store(c, &generated, &GENERATED);
    bench_queries(c, &generated, &GENERATED);
}

criterion_group!(queries_benches, benches);
criterion_main!(queries_benches);
