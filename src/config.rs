//! Server settings: the `serve` flags (each with a `CAPGRAPH_*` twin) and the limits they set.
//! The library never reads the environment itself; clap does, here.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::graphql::Limits;

/// `capgraph serve` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "CAPGRAPH_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub data: crate::cli::DataArgs,
    /// Origins allowed to call the API from a browser (repeat the flag, or comma-separate);
    /// any origin when none is given.
    #[arg(
        long = "cors-origin",
        env = "CAPGRAPH_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Deepest nesting of fields a query may have.
    #[arg(long, env = "CAPGRAPH_MAX_DEPTH", default_value_t = Limits::default().max_depth)]
    pub max_depth: usize,
    /// Largest query cost; a connection's fields cost once per row asked for.
    #[arg(long, env = "CAPGRAPH_MAX_COST", default_value_t = Limits::default().max_cost)]
    pub max_cost: usize,
    /// Most aliased fields in one query.
    #[arg(long, env = "CAPGRAPH_MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    pub max_aliases: usize,
    /// Largest `first` or `last` on any connection.
    #[arg(long, env = "CAPGRAPH_MAX_PAGE_SIZE", default_value_t = Limits::default().max_page)]
    pub max_page_size: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "CAPGRAPH_MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Most directives in one query.
    #[arg(long, env = "CAPGRAPH_MAX_DIRECTIVES", default_value_t = Limits::default().max_directives)]
    pub max_directives: usize,
    /// Most directives on one field.
    #[arg(long, env = "CAPGRAPH_MAX_FIELD_DIRECTIVES", default_value_t = Limits::default().max_field_directives)]
    pub max_field_directives: usize,
    /// Most tokens (names, punctuation, values) in one query document.
    #[arg(long, env = "CAPGRAPH_MAX_TOKENS", default_value_t = Limits::default().max_tokens)]
    pub max_tokens: usize,
    /// Answer introspection (`__schema`, `__type`), which GraphiQL and client tooling need.
    #[arg(long, env = "CAPGRAPH_INTROSPECTION", value_enum, default_value_t = Switch::On)]
    pub introspection: Switch,
    /// Most costly queries (cost over 100) running at once; more wait in a queue.
    #[arg(long, env = "CAPGRAPH_MAX_CONCURRENT_QUERIES", default_value_t = Limits::default().max_concurrent_queries)]
    pub max_concurrent_queries: usize,
    /// Most costly queries waiting for a slot; more get 503 with Retry-After.
    #[arg(long, env = "CAPGRAPH_MAX_QUEUED_QUERIES", default_value_t = Limits::default().max_queued_queries)]
    pub max_queued_queries: usize,
    /// Most exports streaming at once; more get 503 with Retry-After.
    #[arg(long, env = "CAPGRAPH_MAX_CONCURRENT_EXPORTS", default_value_t = Limits::default().max_concurrent_exports)]
    pub max_concurrent_exports: usize,
    /// Longest time one request may take, in milliseconds.
    #[arg(long, env = "CAPGRAPH_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Most open client connections; past it, new ones wait to be accepted.
    #[arg(long, env = "CAPGRAPH_MAX_CONNECTIONS", default_value_t = Connections::default().max_connections)]
    pub max_connections: usize,
    /// How long an idle keep-alive connection stays open, in seconds.
    #[arg(long, env = "CAPGRAPH_KEEP_ALIVE_SECS", default_value_t = Connections::default().keep_alive.as_secs())]
    pub keep_alive_secs: u64,
    /// How long a new connection may take to send its request head, in milliseconds.
    #[arg(
        long,
        env = "CAPGRAPH_REQUEST_HEAD_TIMEOUT_MS",
        default_value_t = 5_000
    )]
    pub request_head_timeout_ms: u64,
    /// Worker threads serving HTTP (default: one per core).
    #[arg(long, env = "CAPGRAPH_WORKERS")]
    pub workers: Option<usize>,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

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

/// Everything the server needs to start; built from flags, or directly by tests.
#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub cors_origins: Vec<String>,
    pub limits: Limits,
    pub connections: Connections,
    pub workers: Option<usize>,
}

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
        }
    }
}

impl From<ServeArgs> for Settings {
    fn from(args: ServeArgs) -> Settings {
        Settings {
            addr: args.addr,
            data_dir: args.data.data,
            cors_origins: args
                .cors_origins
                .into_iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            limits: Limits {
                max_depth: args.max_depth,
                max_cost: args.max_cost,
                max_aliases: args.max_aliases,
                max_directives: args.max_directives,
                max_field_directives: args.max_field_directives,
                max_tokens: args.max_tokens,
                introspection: args.introspection == Switch::On,
                max_page: args.max_page_size,
                max_concurrent_queries: args.max_concurrent_queries,
                max_queued_queries: args.max_queued_queries,
                max_concurrent_exports: args.max_concurrent_exports,
                max_body_bytes: args.max_body_bytes,
                request_timeout: Duration::from_millis(args.request_timeout_ms),
                ..Limits::default()
            },
            connections: Connections {
                max_connections: args.max_connections,
                keep_alive: Duration::from_secs(args.keep_alive_secs),
                request_head_timeout: Duration::from_millis(args.request_head_timeout_ms),
            },
            workers: args.workers,
        }
    }
}
