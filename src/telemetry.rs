//! Logging setup: `tracing` to stderr, human-readable or JSON, filtered by `RUST_LOG`, through
//! a non-blocking writer so that a request never waits for the terminal or a log collector.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

/// Keeps the log writer's thread running; dropping it flushes what is queued. Hold it until
/// the process ends.
#[must_use = "dropping the guard stops the log writer"]
pub struct LogGuard {
    _writer: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Lines the writer queues before it drops new ones rather than make a request wait.
const QUEUED_LINES: usize = 128_000;

/// Installs the global subscriber. `default_level` applies when `RUST_LOG` is unset.
pub fn init(format: LogFormat, default_level: &str) -> LogGuard {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let registry = tracing_subscriber::registry().with(filter);
    // Logs go to stderr so that stdout carries only command output (query results, exports).
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .lossy(true)
        .finish(std::io::stderr());
    let result = match format {
        LogFormat::Text => registry.with(fmt::layer().with_writer(writer)).try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_writer(writer),
            )
            .try_init(),
    };
    // A second init (tests start several apps in one process) keeps the first subscriber, and
    // its writer.
    match result {
        Ok(()) => LogGuard {
            _writer: Some(guard),
        },
        Err(_) => LogGuard { _writer: None },
    }
}
