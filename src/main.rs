//! The `capgraph` binary: parses the command line, starts telemetry, runs the command, and maps
//! the outcome to an exit code (0 ok, 2 bad input, 1 failure).

use std::process::ExitCode;

use clap::Parser;

// Serving allocates many small, short-lived values (async-graphql's values and names, decoded
// records); mimalloc serves them faster than glibc's malloc (docs/benchmarks.md has figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = capgraph::cli::Cli::parse();
    let log_format = cli.log_format;
    let command = match cli.into_command() {
        Ok(command) => command,
        // A bad CAPGRAPH_* value for `serve`: clap says which, and exits 2.
        Err(error) => error.exit(),
    };
    let not_prepared = capgraph::cli::prepare_process(&command);
    let _logs =
        capgraph::telemetry::init(log_format, command.default_log_level(), command.log_queue());
    if let Some(what) = not_prepared {
        tracing::debug!("{what}");
    }
    for name in capgraph::cli::unknown_env_vars(std::env::vars().map(|(name, _)| name)) {
        tracing::warn!("{name} is set but no capgraph setting reads it; is it misspelt?");
    }
    match capgraph::cli::run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let code = capgraph::cli::exit_code(&error);
            eprintln!("error: {}", capgraph::cli::describe(&error));
            ExitCode::from(code)
        }
    }
}
