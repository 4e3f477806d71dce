//! Building and running the server: open (or first seed) the store, build the schema once, bind,
//! serve until told to stop, then flush the store; meanwhile follow the data directory to new
//! generations (on SIGHUP, and by polling `CURRENT`) and retire the old ones.

use std::net::TcpListener;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle, Service};
use actix_web::http::header::{self, HeaderName};
use actix_web::{web, App, HttpMessage, HttpServer};
use tracing_actix_web::{RequestId, TracingLogger};

use crate::config::Settings;
use crate::graphql::{build_serving_schema, Subscriptions};
use crate::http::observe::CapgraphRootSpan;
use crate::http::{self, AppState};
use crate::seed::{self, SeedFiles};
use crate::store::codec::FORMAT_VERSION;
use crate::store::{dataset_digest, Access, DataDir, LiveStore, Reload, Store, StoreError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error(transparent)]
    TrustedDocuments(#[from] http::persisted::ManifestError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

/// How long a stopping server (SIGTERM, Ctrl-C) lets requests in flight finish. The Kubernetes
/// manifests size their `preStop` drain and `terminationGracePeriodSeconds` from it, and
/// `tests/deploy.rs` keeps them in step.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound, ready server.
pub struct Application {
    port: u16,
    server: Server,
    reloader: Reloader,
}

/// Opens the data directory's store, seeding it from the embedded dataset when it has none, and
/// re-seeding it when it was seeded from an older embedded dataset or by an older capgraph. A
/// store seeded from a directory is never replaced by the embedded dataset.
pub fn open_or_seed(data: &DataDir) -> Result<Store, StartupError> {
    let embedded = SeedFiles::embedded();
    let current = match data.open_current(Access::Random) {
        Err(StoreError::VersionMismatch {
            found,
            origin: Some(origin),
            ..
        }) if found < FORMAT_VERSION && origin == embedded.origin => {
            tracing::info!(
                format = found,
                "the store was written by an older capgraph: re-seeding from the embedded dataset"
            );
            let dataset = seed::load(&embedded)?;
            return Ok(data.seed(&dataset, &embedded.origin, &|_| {})?);
        }
        current => current?,
    };
    match current {
        None => {
            tracing::info!(data = %data.root().display(), "no store yet: seeding from the embedded dataset");
            let dataset = seed::load(&embedded)?;
            Ok(data.seed(&dataset, &embedded.origin, &|_| {})?)
        }
        Some(store) => {
            let dataset = seed::load(&embedded)?;
            let embedded_digest = dataset_digest(&dataset)?;
            if store.meta().digest == embedded_digest {
                return Ok(store);
            }
            if store.meta().origin == embedded.origin {
                tracing::info!(
                    store = %store.meta().digest,
                    embedded = %embedded_digest,
                    "the embedded dataset is newer than the store: re-seeding"
                );
                drop(store);
                return Ok(data.seed(&dataset, &embedded.origin, &|_| {})?);
            }
            tracing::warn!(
                origin = %store.meta().origin,
                embedded = %embedded_digest,
                "serving a store seeded from a directory; the embedded dataset differs from it"
            );
            Ok(store)
        }
    }
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        // Before the store: a bad manifest should stop the server at once, naming the file.
        let trusted = match &settings.trusted_documents {
            Some(path) => {
                let trusted = http::persisted::TrustedDocuments::load(path)?;
                tracing::info!(manifest = %path.display(), documents = trusted.len(), "running trusted documents only");
                Some(trusted)
            }
            None => None,
        };
        let data = DataDir::new(&settings.data_dir).keeping(settings.generations);
        let opening = data.clone();
        let store = Arc::new(
            actix_web::rt::task::spawn_blocking(move || open_or_seed(&opening))
                .await
                .expect("seeding does not panic")?,
        );
        let meta = store.meta();
        tracing::info!(
            digest = %meta.digest,
            origin = %meta.origin,
            nodes = meta.node_count(),
            edges = meta.edges,
            projects = meta.count_of(crate::model::Kind::Project),
            "store open"
        );
        let reloader = Reloader {
            live: Arc::new(LiveStore::new(data, Arc::clone(&store))),
            metrics: Arc::new(http::observe::Metrics::new(store.meta())),
            subscriptions: Arc::new(Subscriptions::new(store.meta(), &settings.limits)),
        };
        drop(store);
        let state = AppState {
            schema: build_serving_schema(&settings.limits, Arc::clone(&reloader.subscriptions)),
            live: Arc::clone(&reloader.live),
            subscriptions: Arc::clone(&reloader.subscriptions),
            limits: settings.limits.clone(),
            metrics: Arc::clone(&reloader.metrics),
            export_slots: Arc::new(tokio::sync::Semaphore::new(
                settings.limits.max_concurrent_exports,
            )),
            documents: Arc::new(http::persisted::PersistedDocuments::new(trusted)),
            get_cache_control: http::caching::cache_control(
                settings.http_caching.max_age,
                settings.http_caching.stale_while_revalidate,
            ),
        };
        let listener = TcpListener::bind(settings.addr).map_err(|source| StartupError::Bind {
            addr: settings.addr,
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: settings.addr,
                source,
            })?
            .port();
        let origins = settings.cors_origins.clone();
        let mut server = HttpServer::new(move || {
            let cors = cors(&origins);
            App::new()
                .app_data(web::Data::new(state.clone()))
                .configure(http::graphql::configure)
                .configure(http::graphiql::configure)
                .configure(http::explore::configure)
                .configure(http::health::configure)
                .configure(http::observe::configure)
                .configure(http::export::configure)
                .wrap(cors)
                .wrap_fn(|req, srv| {
                    let id = req.extensions().get::<RequestId>().map(|id| id.to_string());
                    http::observe::observe(id, srv.call(req))
                })
                .wrap(TracingLogger::<CapgraphRootSpan>::new())
        })
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .keep_alive(settings.connections.keep_alive)
        .client_request_timeout(settings.connections.request_head_timeout)
        .client_disconnect_timeout(Duration::from_secs(1));
        let workers = settings
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        // actix counts connections per worker; the setting is for the whole server.
        server = server.workers(workers).max_connections(
            settings
                .connections
                .max_connections
                .div_ceil(workers)
                .max(1),
        );
        let server = server
            .listen(listener)
            .map_err(|source| StartupError::Bind {
                addr: settings.addr,
                source,
            })?
            .run();
        tracing::info!(addr = %settings.addr, port, "listening; GraphiQL at http://{}:{port}/", settings.addr.ip());
        if !settings.reload_interval.is_zero() {
            actix_web::rt::spawn(reloader.clone().poll(settings.reload_interval));
        }
        Ok(Application {
            port,
            server,
            reloader,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// What swaps the live store: `serve` calls it on SIGHUP.
    pub fn reloader(&self) -> Reloader {
        self.reloader.clone()
    }

    /// Serves until stopped, then flushes the store.
    pub async fn run_until_stopped(self) -> Result<(), StoreError> {
        let result = self.server.await;
        if let Err(error) = result {
            tracing::error!(%error, "server stopped with an error");
        }
        self.reloader.live.current().flush()?;
        tracing::info!("stopped; store flushed");
        Ok(())
    }
}

/// How often a retiring store is checked for requests still holding it.
const RETIRE_CHECK: Duration = Duration::from_millis(100);
/// How long to wait, once the old store is closed, for sled to let go of its files (it does so
/// from background threads a moment later) before leaving it for the next sweep.
const RETIRE_WAIT: Duration = Duration::from_secs(10);

/// Swaps the live store to the generation the data directory's `CURRENT` names, and retires
/// the old one: removes old generations beyond the kept count once their requests have ended.
#[derive(Clone)]
pub struct Reloader {
    live: Arc<LiveStore>,
    metrics: Arc<http::observe::Metrics>,
    subscriptions: Arc<Subscriptions>,
}

impl Reloader {
    /// Swaps to a new generation if `CURRENT` names one. A store that fails to open is logged
    /// and never becomes live; the old one keeps answering.
    pub async fn reload(&self) {
        let live = Arc::clone(&self.live);
        let reload = actix_web::rt::task::spawn_blocking(move || live.reload()).await;
        match reload {
            Ok(Ok(Reload::Unchanged)) => {}
            Ok(Ok(Reload::Swapped { old, new })) => {
                self.metrics.set_dataset(new.meta());
                self.subscriptions.publish(new.meta());
                actix_web::rt::spawn(retire(Arc::clone(&self.live), Arc::downgrade(&old)));
            }
            Ok(Err(error)) => tracing::error!(
                error.cause_chain = ?error,
                "the data directory names a new store that does not open; still serving the old one"
            ),
            Err(error) => tracing::error!(%error, "reloading the store panicked"),
        }
    }

    /// Reloads every `interval`, for as long as the server runs.
    async fn poll(self, interval: Duration) {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            self.reload().await;
        }
    }
}

/// Waits for the last request holding the old store to end (the store closes then), and sweeps
/// the data directory once sled has let go of it.
async fn retire(live: Arc<LiveStore>, old: Weak<Store>) {
    while old.strong_count() > 0 {
        tokio::time::sleep(RETIRE_CHECK).await;
    }
    let deadline = Instant::now() + RETIRE_WAIT;
    loop {
        let data = live.data().clone();
        let Ok(sweep) = actix_web::rt::task::spawn_blocking(move || data.sweep()).await else {
            return;
        };
        if sweep.still_open.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            tracing::info!(stores = ?sweep.still_open, "old stores still open elsewhere; left for a later sweep");
            return;
        }
        tokio::time::sleep(RETIRE_CHECK).await;
    }
}

fn cors(origins: &[String]) -> Cors {
    let base = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::CONTENT_TYPE, header::ACCEPT, header::IF_NONE_MATCH])
        .expose_headers([header::ETAG, HeaderName::from_static("x-request-id")])
        .max_age(3600);
    if origins.is_empty() {
        return base.allow_any_origin();
    }
    origins
        .iter()
        .fold(base, |cors, origin| cors.allowed_origin(origin))
}

/// `capgraph serve`: runs until SIGTERM or Ctrl-C, finishing requests in flight; swaps to the
/// data directory's new generation on SIGHUP.
pub fn serve(settings: Settings) -> Result<(), StartupError> {
    actix_web::rt::System::new().block_on(async move {
        // Taken before anything is logged, so a SIGHUP sent as soon as the server says it
        // listens never meets the default action, which ends the process.
        #[cfg(unix)]
        let hangups = hangup_signals();
        let app = Application::build(settings).await?;
        #[cfg(unix)]
        if let Some(mut hangups) = hangups {
            let reloader = app.reloader();
            actix_web::rt::spawn(async move {
                while hangups.recv().await.is_some() {
                    tracing::info!("SIGHUP: looking for a new store");
                    reloader.reload().await;
                }
            });
        }
        let handle = app.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
            handle.stop(true).await;
        });
        app.run_until_stopped().await?;
        Ok(())
    })
}

#[cfg(unix)]
fn hangup_signals() -> Option<tokio::signal::unix::Signal> {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(signals) => Some(signals),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGHUP; only polling swaps the store");
            None
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dataset;
    use crate::store::rewrite_format;

    fn embedded_digest() -> String {
        let dataset = seed::load(&SeedFiles::embedded()).expect("the embedded dataset loads");
        dataset_digest(&dataset).expect("the embedded dataset encodes")
    }

    #[test]
    fn a_store_seeded_from_an_older_embedded_dataset_is_re_seeded() {
        // Arrange: an empty dataset stands in for an older embedded one
        let root = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::new(root.path());
        drop(
            data.seed(&Dataset::default(), "embedded", &|_| {})
                .expect("it seeds"),
        );

        // Act
        let store = open_or_seed(&data).expect("the server starts");

        // Assert
        assert_eq!(store.meta().digest, embedded_digest());
    }

    #[test]
    fn an_embedded_store_written_by_an_older_capgraph_is_re_seeded() {
        // Arrange
        let root = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::new(root.path());
        let old = open_or_seed(&data).expect("the first start seeds");
        let old_path = old.path().to_owned();
        rewrite_format(old, FORMAT_VERSION - 1);

        // Act
        let store = open_or_seed(&data).expect("the server starts");

        // Assert
        assert_ne!(store.path(), old_path, "a new store was built");
        assert_eq!(store.meta().digest, embedded_digest());
    }

    #[test]
    fn a_store_of_an_older_capgraph_seeded_from_a_directory_is_refused_not_replaced() {
        // Arrange
        let root = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::new(root.path());
        let old = data
            .seed(&Dataset::default(), "/home/me/my-seed", &|_| {})
            .expect("it seeds");
        let old_path = old.path().to_owned();
        rewrite_format(old, FORMAT_VERSION - 1);

        // Act
        let error = open_or_seed(&data)
            .err()
            .expect("the server refuses to start");

        // Assert
        let message = error.to_string();
        assert!(message.contains("an older capgraph"), "{message}");
        assert!(message.contains("seed it again"), "{message}");
        assert_eq!(
            data.current_path().expect("CURRENT reads"),
            Some(old_path),
            "the user's store is still the live one"
        );
    }
}
