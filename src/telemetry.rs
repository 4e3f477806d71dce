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

/// How many lines the writer queues, and what happens to a line once they are all taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogQueue {
    /// A server: 128,000 lines, and new ones are dropped rather than make a request wait.
    Dropping,
    /// A short-lived command: 1,024 lines, and the command waits for stderr rather than lose
    /// one. The queue is made whole at the start, 32 bytes a line: the server's 4 MB was a
    /// fifth of a small export's memory (docs/benchmarks.md, "Export memory").
    Waiting,
}

impl LogQueue {
    /// Lines queued before the writer drops or waits.
    pub fn lines(self) -> usize {
        match self {
            LogQueue::Dropping => 128_000,
            LogQueue::Waiting => 1_024,
        }
    }
}

/// Installs the global subscriber. `default_level` applies when `RUST_LOG` is unset.
pub fn init(format: LogFormat, default_level: &str, queue: LogQueue) -> LogGuard {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let registry = tracing_subscriber::registry().with(filter);
    // Logs go to stderr so that stdout carries only command output (query results, exports).
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(queue.lines())
        .lossy(queue == LogQueue::Dropping)
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
