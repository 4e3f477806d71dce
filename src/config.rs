//! Server settings as plain values: what `startup` needs to run a server. `cli` builds them from
//! flags and `CAPGRAPH_*` variables, tests build them directly; this module knows nothing of the
//! command line, and the library never reads the environment itself.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::graphql::Limits;

/// How the server treats client connections.
#[derive(Debug, Clone)]
pub struct Connections {
    /// Most open connections, across all workers.
    pub max_connections: usize,
    /// How long an idle keep-alive connection stays open.
    pub keep_alive: Duration,
    /// How long a new connection may take to send its request head; idle connections that
    /// never send one are closed after it.
    pub request_head_timeout: Duration,
}

impl Default for Connections {
    fn default() -> Self {
        Connections {
            max_connections: 10_000,
            keep_alive: Duration::from_secs(5),
            request_head_timeout: Duration::from_secs(5),
        }
    }
}

/// How long caches may keep a GET answer (`Cache-Control`); POST answers and errors are never
/// cached. Answers change only with the dataset, which their ETag names, so revalidating costs
/// a hash, not a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpCaching {
    /// `max-age`: how long an answer is fresh.
    pub max_age: Duration,
    /// `stale-while-revalidate`: how long after that a cache may serve it while it revalidates
    /// in the background; zero asks caches to revalidate first (`must-revalidate`).
    pub stale_while_revalidate: Duration,
}

impl Default for HttpCaching {
    fn default() -> Self {
        // A re-seeded dataset reaches clients within a minute of their last revalidation, and
        // a CDN answers from its copy meanwhile.
        HttpCaching {
            max_age: Duration::from_secs(60),
            stale_while_revalidate: Duration::from_secs(300),
        }
    }
}

/// Everything the server needs to start; built from flags, or directly by tests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The data directory holding the store (seeded from the embedded dataset if it has none).
    pub data_dir: PathBuf,
    /// Origins allowed to call the API from a browser; any origin when empty.
    pub cors_origins: Vec<String>,
    /// Every limit on a query, a request and an export.
    pub limits: Limits,
    /// How client connections are treated.
    pub connections: Connections,
    /// HTTP worker threads; one per core when `None`.
    pub workers: Option<usize>,
    /// `Cache-Control` of GET answers.
    pub http_caching: HttpCaching,
    /// A manifest of the only documents to run (hash → text); any document when `None`.
    pub trusted_documents: Option<PathBuf>,
    /// How often to look for a new generation in the data directory; never when zero (then
    /// only SIGHUP swaps).
    pub reload_interval: Duration,
    /// How many generations of the data directory to keep on disk, the live one included.
    pub generations: usize,
}

/// How often a server looks for a new generation by default.
pub const DEFAULT_RELOAD_INTERVAL: Duration = Duration::from_secs(2);

impl Settings {
    /// Defaults for a server on `addr` over `data_dir`.
    pub fn new(addr: SocketAddr, data_dir: PathBuf) -> Settings {
        Settings {
            addr,
            data_dir,
            cors_origins: Vec::new(),
            limits: Limits::default(),
            connections: Connections::default(),
            workers: None,
            http_caching: HttpCaching::default(),
            trusted_documents: None,
            reload_interval: DEFAULT_RELOAD_INTERVAL,
            generations: crate::store::DEFAULT_GENERATIONS,
        }
    }
}
