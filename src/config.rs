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
    /// Longest time one request may take, in milliseconds.
    #[arg(long, env = "CAPGRAPH_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Worker threads serving HTTP (default: one per core).
    #[arg(long, env = "CAPGRAPH_WORKERS")]
    pub workers: Option<usize>,
}

/// Everything the server needs to start; built from flags, or directly by tests.
#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub cors_origins: Vec<String>,
    pub limits: Limits,
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
                max_page: args.max_page_size,
                max_body_bytes: args.max_body_bytes,
                request_timeout: Duration::from_millis(args.request_timeout_ms),
            },
            workers: args.workers,
        }
    }
}
