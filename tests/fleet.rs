//! Three `capgraph serve` replicas behind HAProxy (`deploy/haproxy.cfg`, rendered with loopback
//! ports), under a continuous client load through HAProxy: a rolling dataset update, one
//! replica at a time, must fail no request; a replica killed with SIGKILL mid-load and restarted
//! may fail only what HAProxy could not retry. The fleet must end on the new dataset
//! everywhere. Prints the failure counts and how long the rolling update took.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{
    ask, dataset_of, generated, ready_digest, require, seed_from, temp_dir, tool, wait_until,
    Answer, Expected, Load, ServeProcess,
};

const DEADLINE: Duration = Duration::from_secs(60);

/// The phases of the load, by what the fleet is going through.
const ROLLING_UPDATE: usize = 0;
const KILL_AND_RESTART: usize = 1;

/// HAProxy in the foreground, stopped when dropped.
struct Haproxy(Child);

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `deploy/haproxy.cfg` with the frontend and the replicas' addresses filled in, in `dir`.
fn render_config(dir: &Path, frontend: &str, replicas: &[String]) -> std::path::PathBuf {
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/haproxy.cfg");
    let mut config = std::fs::read_to_string(&template).expect("deploy/haproxy.cfg reads");
    config = config.replace("@FRONTEND@", frontend);
    for (n, address) in replicas.iter().enumerate() {
        config = config.replace(&format!("@REPLICA{}@", n + 1), address);
    }
    assert!(!config.contains("@REPLICA"), "every replica is filled in");
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, config).expect("the config is written");
    path
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn a_fleet_behind_haproxy_rolls_out_a_dataset_and_survives_a_killed_replica() {
    // Arrange: three replicas over their own data directories, HAProxy in front, a load
    if require(tool("haproxy", &["-v"])).is_none() {
        return;
    }
    let dir = temp_dir("fleet");
    let (generated_dir, new) = generated(dir.path(), 23);
    let old = Expected::embedded();
    let data: Vec<_> = (1..=3)
        .map(|n| dir.path().join(format!("data-{n}")))
        .collect();
    let mut replicas: Vec<ServeProcess> = data
        .iter()
        .map(|data| ServeProcess::start("127.0.0.1:0", data, &["--reload-interval-ms", "0"]))
        .collect();
    let addresses: Vec<String> = replicas
        .iter()
        .map(|r| format!("127.0.0.1:{}", r.port))
        .collect();
    let frontend = format!("127.0.0.1:{}", free_port());
    let config = render_config(dir.path(), &frontend, &addresses);
    let _haproxy = Haproxy(
        Command::new("haproxy")
            .args(["-db", "-f"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("haproxy starts"),
    );
    let base = format!("http://{frontend}");
    wait_until("HAProxy serves", DEADLINE, || {
        ready_digest(&format!("{base}/readyz")).is_some()
    });
    let phase = Arc::new(AtomicUsize::new(ROLLING_UPDATE));
    let answered = Arc::new(AtomicUsize::new(0));
    let load = {
        let (phase, answered) = (Arc::clone(&phase), Arc::clone(&answered));
        Load::start(3, move |client, n| {
            let during = phase.load(Ordering::Relaxed);
            let answer = ask(client, &base, n);
            answered.fetch_add(1, Ordering::Relaxed);
            (during, answer)
        })
    };
    let wait_for_answers = |more: usize| {
        let start = answered.load(Ordering::Relaxed);
        wait_until(&format!("{more} more answers"), DEADLINE, || {
            answered.load(Ordering::Relaxed) >= start + more
        });
    };
    wait_for_answers(30);

    // Act 1: the rolling update, one replica at a time
    let rollout = Instant::now();
    for (replica, data) in replicas.iter().zip(&data) {
        seed_from(Some(&generated_dir), data);
        replica.signal("HUP");
        wait_until("the replica serves the new dataset", DEADLINE, || {
            replica.ready_digest().as_deref() == Some(&*new.digest)
        });
    }
    let rollout = rollout.elapsed();
    wait_for_answers(30);

    // Act 2: SIGKILL one replica mid-load, then restart it on its port
    phase.store(KILL_AND_RESTART, Ordering::Relaxed);
    wait_for_answers(10);
    replicas[1].kill();
    wait_for_answers(60);
    replicas[1] = ServeProcess::start(&addresses[1], &data[1], &["--reload-interval-ms", "0"]);
    wait_until("the restarted replica is ready", DEADLINE, || {
        replicas[1].ready_digest().is_some()
    });
    // HAProxy takes it back after two good health checks.
    wait_for_answers(60);
    let outcomes = load.stop();

    // Assert
    let failed = |wanted: usize| -> Vec<&String> {
        outcomes
            .iter()
            .filter(|(during, _)| *during == wanted)
            .filter_map(|(_, outcome)| outcome.as_ref().err())
            .collect()
    };
    let (rolling_failed, kill_failed) = (failed(ROLLING_UPDATE), failed(KILL_AND_RESTART));
    let count = |wanted: usize| outcomes.iter().filter(|(d, _)| *d == wanted).count();
    println!(
        "fleet: rolling update: {} requests, {} failed; rollout from the first re-seed to every \
         replica serving the new digest: {} ms; kill and restart: {} requests, {} failed",
        count(ROLLING_UPDATE),
        rolling_failed.len(),
        rollout.as_millis(),
        count(KILL_AND_RESTART),
        kill_failed.len()
    );
    assert!(
        rolling_failed.is_empty(),
        "requests failed during the rolling update: {rolling_failed:?}"
    );
    // The client threads each have one request in flight; only those that reached the killed
    // replica's socket before it died, and that HAProxy then could not replay, may fail.
    assert!(
        kill_failed.len() <= 3,
        "more failures during the kill than requests in flight: {kill_failed:?}"
    );
    let answers: Vec<&Answer> = outcomes
        .iter()
        .filter_map(|(_, outcome)| outcome.as_ref().ok())
        .collect();
    for answer in &answers {
        if let Err(wrong) = dataset_of(answer, &[&old, &new]) {
            panic!("{wrong}");
        }
    }
    let after_rollout = outcomes
        .iter()
        .filter(|(during, _)| *during == KILL_AND_RESTART)
        .filter_map(|(_, outcome)| outcome.as_ref().ok());
    for answer in after_rollout {
        assert_eq!(
            answer.digest, new.digest,
            "after the rollout, only the new dataset answers"
        );
    }
    for replica in &replicas {
        assert_eq!(replica.ready_digest().as_deref(), Some(&*new.digest));
    }
}
