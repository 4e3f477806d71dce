//! Server settings: the `serve` flags (each with a `CAPGRAPH_*` twin) and the limits they set.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `capgraph serve` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "CAPGRAPH_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub data: crate::cli::DataArgs,
}

/// Everything the server needs to start; built from flags, or directly by tests.
#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub request_timeout: Duration,
}

impl From<ServeArgs> for Settings {
    fn from(args: ServeArgs) -> Settings {
        Settings {
            addr: args.addr,
            data_dir: args.data.data,
            request_timeout: Duration::from_secs(10),
        }
    }
}
