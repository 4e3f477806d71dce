//! Swapping the dataset under a running `capgraph serve`: re-seeding the data directory it
//! serves while clients keep asking, on SIGHUP and by the server's own polling. Every request
//! must succeed and be answered from exactly one dataset; the server must end on the new one,
//! and old stores beyond the kept count must leave the disk.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{
    ask, dataset_of, generated, seed_from, temp_dir, wait_until, Answer, Expected, Load,
    ServeProcess,
};

const SWAP_DEADLINE: Duration = Duration::from_secs(60);

/// Judges every outcome of a load that ran across swaps between `datasets`: none failed, each
/// was answered from one dataset alone, both datasets answered, and a GET's ETag named its
/// dataset (one ETag per dataset for the same request, never shared).
fn judge(outcomes: Vec<Result<Answer, String>>, datasets: &[&Expected]) {
    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} requests failed during the swaps, e.g. {:?}",
        failures.len(),
        outcomes.len(),
        &failures[..failures.len().min(5)]
    );
    let answers: Vec<&Answer> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    let per_dataset: Vec<usize> = datasets
        .iter()
        .map(|d| answers.iter().filter(|a| a.digest == d.digest).count())
        .collect();
    eprintln!(
        "{} requests, {} failed; answered per dataset: {per_dataset:?}",
        outcomes.len(),
        failures.len()
    );
    for answer in &answers {
        if let Err(wrong) = dataset_of(answer, datasets) {
            panic!("{wrong}");
        }
    }
    let mut etags_by_dataset = Vec::new();
    for dataset in datasets {
        assert!(
            answers.iter().any(|a| a.digest == dataset.digest),
            "no answer came from {dataset:?}: the load did not span the swap"
        );
        let mut etags: Vec<&str> = answers
            .iter()
            .filter(|a| a.digest == dataset.digest)
            .filter_map(|a| a.etag.as_deref())
            .collect();
        etags.sort_unstable();
        etags.dedup();
        assert_eq!(etags.len(), 1, "one ETag per dataset: {etags:?}");
        etags_by_dataset.push(etags[0]);
    }
    etags_by_dataset.sort_unstable();
    etags_by_dataset.dedup();
    assert_eq!(
        etags_by_dataset.len(),
        datasets.len(),
        "ETags differ by dataset"
    );
}

/// The generations in the data directory's `stores/`.
fn stores(data: &Path) -> Vec<PathBuf> {
    let mut stores: Vec<PathBuf> = std::fs::read_dir(data.join("stores"))
        .expect("stores/ reads")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    stores.sort();
    stores
}

fn live_store(data: &Path) -> PathBuf {
    let name = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT reads");
    data.join("stores").join(name.trim())
}

#[test]
fn a_re_seed_swaps_the_dataset_on_sighup_with_no_failed_or_mixed_answer() {
    // Arrange: a server over the embedded dataset, polling off, and a load on it
    let dir = temp_dir("live-sighup");
    let data = dir.path().join("data");
    let server = ServeProcess::start("127.0.0.1:0", &data, &["--reload-interval-ms", "0"]);
    let (generated_dir, generated) = generated(dir.path(), 7);
    let embedded = Expected::embedded();
    assert_eq!(server.ready_digest().as_deref(), Some(&*embedded.digest));
    let first_store = live_store(&data);
    let base = server.url("");
    let load = Load::start(3, move |client, n| ask(client, &base, n));
    server.wait_for_requests(20);

    // Act: re-seed with another dataset, then swap; then back again (a third generation)
    seed_from(Some(&generated_dir), &data);
    server.wait_for_requests(20);
    let before_signal = server.ready_digest();
    server.signal("HUP");
    wait_until("the server serves the new dataset", SWAP_DEADLINE, || {
        server.ready_digest().as_deref() == Some(&*generated.digest)
    });
    server.wait_for_requests(20);
    seed_from(None, &data);
    server.signal("HUP");
    wait_until(
        "the server serves the embedded dataset again",
        SWAP_DEADLINE,
        || server.ready_digest().as_deref() == Some(&*embedded.digest),
    );
    server.wait_for_requests(20);
    let outcomes = load.stop();

    // Assert
    assert_eq!(
        before_signal.as_deref(),
        Some(&*embedded.digest),
        "with polling off, nothing swaps before the signal"
    );
    judge(outcomes, &[&embedded, &generated]);
    wait_until(
        "the first store leaves the disk (two generations are kept)",
        SWAP_DEADLINE,
        || !first_store.exists(),
    );
    assert_eq!(stores(&data).len(), 2, "{:?}", stores(&data));
    let swaps = server.log_lines("swapped to a new store");
    let pairs: Vec<(&str, &str)> = swaps
        .iter()
        .map(|line| {
            let fields = &line["fields"];
            (
                fields["old"].as_str().unwrap(),
                fields["new"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            (&*embedded.digest, &*generated.digest),
            (&*generated.digest, &*embedded.digest)
        ],
        "each swap is logged with the old and the new digest"
    );
}

#[test]
fn a_re_seed_swaps_the_dataset_by_polling_and_the_old_store_leaves_the_disk() {
    // Arrange: a server keeping one generation, polling often, and a load on it
    let dir = temp_dir("live-poll");
    let data = dir.path().join("data");
    let server = ServeProcess::start(
        "127.0.0.1:0",
        &data,
        &["--reload-interval-ms", "100", "--keep-generations", "1"],
    );
    let (generated_dir, generated) = generated(dir.path(), 11);
    let embedded = Expected::embedded();
    let first_store = live_store(&data);
    let base = server.url("");
    let load = Load::start(3, move |client, n| ask(client, &base, n));
    server.wait_for_requests(20);

    // Act
    seed_from(Some(&generated_dir), &data);
    wait_until("the server serves the new dataset", SWAP_DEADLINE, || {
        server.ready_digest().as_deref() == Some(&*generated.digest)
    });
    server.wait_for_requests(20);
    let outcomes = load.stop();

    // Assert
    judge(outcomes, &[&embedded, &generated]);
    wait_until(
        "the old store leaves the disk once its requests end",
        SWAP_DEADLINE,
        || !first_store.exists(),
    );
    assert_eq!(stores(&data), vec![live_store(&data)]);
}
