//! The command line's shape: clap definitions of every command and flag (each flag with a
//! `CAPGRAPH_*` twin), and turning `serve`'s flags into [`Settings`]. Parses; runs nothing.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config::{Connections, HttpCaching, Settings, DEFAULT_RELOAD_INTERVAL};
use crate::export::{DirFormat, FileFormat};
use crate::graphql::Limits;
use crate::store::DEFAULT_GENERATIONS;
use crate::telemetry::{LogFormat, LogQueue};

/// capgraph: a GraphQL API over a sourced graph of China–ASEAN production-capacity cooperation.
///
/// With no command, capgraph serves as `capgraph serve` does with no flags: on
/// 127.0.0.1:8080, over ./capgraph-data, with GraphiQL (CAPGRAPH_* variables apply).
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Log line format.
    #[arg(long, global = true, env = "CAPGRAPH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    command: Option<Command>,
}

impl Cli {
    /// The command to run: `serve` with its defaults (and environment) when none was named.
    pub fn into_command(self) -> Result<Command, clap::Error> {
        use clap::{Args, FromArgMatches};
        match self.command {
            Some(command) => Ok(command),
            None => {
                let serve = ServeArgs::augment_args(clap::Command::new("serve"));
                let matches = serve.try_get_matches_from(["serve"])?;
                Ok(Command::Serve(ServeArgs::from_arg_matches(&matches)?))
            }
        }
    }
}

/// Where the store lives.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Data directory holding the store.
    #[arg(long = "data", env = "CAPGRAPH_DATA", default_value = "capgraph-data")]
    pub data: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve GraphQL and GraphiQL over HTTP, seeding the store from the embedded dataset the first time.
    #[command(
        after_help = "Example:\n  capgraph serve --addr 127.0.0.1:8080 --data ./capgraph-data"
    )]
    Serve(ServeArgs),
    /// Load a seed directory into the store, or check it with --check.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  capgraph seed --check              # validate the embedded dataset\n",
            "  capgraph seed --check --from seed   # validate a directory\n",
            "  capgraph seed --from seed --data ./capgraph-data",
        )
    )]
    Seed(SeedArgs),
    /// Write a synthetic dataset of any size (for benchmarks; never mixed with real data).
    #[command(after_help = "Example:\n  capgraph generate --scale 100 --out /tmp/gen100")]
    Generate(GenerateArgs),
    /// Print the GraphQL schema (SDL), or the seed files' JSON Schema.
    #[command(
        after_help = "Examples:\n  capgraph schema > schema.graphql\n  capgraph schema --json-schema projects"
    )]
    Schema(SchemaArgs),
    /// Run a GraphQL query against the local store, without a server; exits 2 if the answer has errors.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  capgraph query '{ project(id: \"project:suramadu-bridge\") { name hostCountries { name } } }'\n",
            "  capgraph query -f query.graphql --vars '{\"code\": \"KH\"}' --operation CountryProjects\n",
            "  echo '{ dataset { digest } }' | capgraph query",
        )
    )]
    Query(QueryArgs),
    /// Write the store out as NDJSON, JSON, CSV, GraphML, GeoJSON or seed files.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  capgraph export --format ndjson > capgraph.ndjson\n",
            "  capgraph export --format csv --kinds projects,zones --out /tmp/tables\n",
            "  capgraph export --format graphml --out capgraph.graphml\n",
            "  capgraph export --format seed --out /tmp/seed-copy",
        )
    )]
    Export(ExportArgs),
}

impl Command {
    /// The log level when RUST_LOG is unset: servers say what they do, one-shot commands stay quiet.
    pub fn default_log_level(&self) -> &'static str {
        match self {
            Command::Serve(_) => "info",
            _ => "warn",
        }
    }

    /// `export` and `query` run for seconds and hold a record or an answer at a time, so they
    /// give up speed the server keeps for less memory (`cli::prepare_process`).
    pub fn is_short_lived(&self) -> bool {
        matches!(self, Command::Export(_) | Command::Query(_))
    }

    /// The log writer's queue: a short-lived command waits for its lines; others keep the
    /// server's long queue, which drops lines rather than wait.
    pub fn log_queue(&self) -> LogQueue {
        if self.is_short_lived() {
            LogQueue::Waiting
        } else {
            LogQueue::Dropping
        }
    }
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Seed directory to read; the dataset embedded in the binary when absent.
    #[arg(long, env = "CAPGRAPH_SEED_FROM")]
    pub from: Option<PathBuf>,
    /// Only validate; write nothing.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub generations: GenerationArgs,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The GraphQL document; `-`, or nothing with no --file, reads it from stdin.
    pub query: Option<String>,
    /// Read the document from this file (`-` for stdin).
    #[arg(short = 'f', long = "file", conflicts_with = "query")]
    pub file: Option<PathBuf>,
    /// Variables as a JSON object.
    #[arg(long, env = "CAPGRAPH_QUERY_VARS")]
    pub vars: Option<String>,
    /// Which operation to run when the document has several.
    #[arg(long, env = "CAPGRAPH_QUERY_OPERATION")]
    pub operation: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Size: 1 is about 1,000 projects, 1000 about a million.
    #[arg(
        long,
        env = "CAPGRAPH_SCALE",
        default_value_t = 1,
        value_parser = clap::value_parser!(u64).range(1..=100_000)
    )]
    pub scale: u64,
    /// Random seed: the same value gives byte-identical output.
    #[arg(long, env = "CAPGRAPH_GENERATE_SEED", default_value_t = 42)]
    pub seed: u64,
    /// Directory to write the seed files into (created if missing).
    #[arg(long, env = "CAPGRAPH_OUT")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the JSON Schema of one seed file kind (e.g. `projects`) instead of the GraphQL SDL.
    #[arg(long, value_name = "FILE")]
    pub json_schema: Option<String>,
}

/// What `--format` names: one of export's single-file or directory formats. Each is ordered by
/// kind and ID, so the same store gives the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One file, to `--out` or standard output.
    File(FileFormat),
    /// A directory, which `--out` must name.
    Directory(DirFormat),
}

impl ExportFormat {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::File(format) => format.name(),
            ExportFormat::Directory(format) => format.name(),
        }
    }
}

impl clap::ValueEnum for ExportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        static VARIANTS: LazyLock<Vec<ExportFormat>> = LazyLock::new(|| {
            let files = FileFormat::ALL.into_iter().map(ExportFormat::File);
            let directories = DirFormat::ALL.into_iter().map(ExportFormat::Directory);
            files.chain(directories).collect()
        });
        &VARIANTS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            ExportFormat::File(format) => format.description(),
            ExportFormat::Directory(format) => format.description(),
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, env = "CAPGRAPH_EXPORT_FORMAT")]
    pub format: ExportFormat,
    /// Where to write: a file, or a directory for `csv` and `seed` (required for those two).
    /// Standard output when absent.
    #[arg(long, env = "CAPGRAPH_OUT")]
    pub out: Option<PathBuf>,
    /// Only these node kinds, by plural name (`projects,zones`), and the edges between them.
    /// Every kind when absent; `seed` always writes every kind.
    #[arg(long, env = "CAPGRAPH_EXPORT_KINDS", value_name = "KINDS")]
    pub kinds: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// `CAPGRAPH_*` variables in `vars` that no flag reads: most likely typos, which would
/// otherwise be silently ignored.
pub fn unknown_env_vars(vars: impl Iterator<Item = String>) -> Vec<String> {
    use clap::CommandFactory;
    fn collect(command: &clap::Command, known: &mut std::collections::BTreeSet<String>) {
        for arg in command.get_arguments() {
            if let Some(env) = arg.get_env() {
                known.insert(env.to_string_lossy().into_owned());
            }
        }
        for sub in command.get_subcommands() {
            collect(sub, known);
        }
    }
    let mut known = std::collections::BTreeSet::new();
    collect(&Cli::command(), &mut known);
    let mut unknown: Vec<String> = vars
        .filter(|v| v.starts_with("CAPGRAPH_") && !known.contains(v))
        .collect();
    unknown.sort();
    unknown
}

/// `capgraph serve` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "CAPGRAPH_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub data: DataArgs,
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
    /// Most costly queries (cost over 100) running at once on each worker; more wait in a queue.
    #[arg(long, env = "CAPGRAPH_MAX_CONCURRENT_QUERIES", default_value_t = Limits::default().max_concurrent_queries)]
    pub max_concurrent_queries: usize,
    /// Most costly queries waiting for a slot; more get 503 with Retry-After.
    #[arg(long, env = "CAPGRAPH_MAX_QUEUED_QUERIES", default_value_t = Limits::default().max_queued_queries)]
    pub max_queued_queries: usize,
    /// Most exports streaming at once; more get 503 with Retry-After.
    #[arg(long, env = "CAPGRAPH_MAX_CONCURRENT_EXPORTS", default_value_t = Limits::default().max_concurrent_exports)]
    pub max_concurrent_exports: usize,
    /// Most subscriptions open at once (WebSocket and Server-Sent Events together); past it,
    /// a new one gets a LIMIT_EXCEEDED error.
    #[arg(long, env = "CAPGRAPH_MAX_SUBSCRIPTIONS", default_value_t = Limits::default().max_subscriptions)]
    pub max_subscriptions: usize,
    /// How long a subscription may go without an event before the server completes it, in
    /// seconds.
    #[arg(
        long,
        env = "CAPGRAPH_SUBSCRIPTION_IDLE_TIMEOUT_SECS",
        default_value_t = Limits::default().subscription_idle_timeout.as_secs()
    )]
    pub subscription_idle_timeout_secs: u64,
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
    /// How long a GET answer stays fresh in caches and CDNs (`Cache-Control: max-age`), in seconds.
    #[arg(long, env = "CAPGRAPH_CACHE_MAX_AGE_SECS", default_value_t = HttpCaching::default().max_age.as_secs())]
    pub cache_max_age_secs: u64,
    /// How long after that a cache may serve a GET answer while it revalidates
    /// (`stale-while-revalidate`), in seconds; 0 makes caches revalidate first.
    #[arg(
        long,
        env = "CAPGRAPH_CACHE_STALE_WHILE_REVALIDATE_SECS",
        default_value_t = HttpCaching::default().stale_while_revalidate.as_secs()
    )]
    pub cache_stale_while_revalidate_secs: u64,
    /// Run only the documents in this manifest (JSON: SHA-256 hash → document, as GraphQL
    /// Codegen's persisted-documents.json, or Apollo's persisted query manifest); any other is
    /// refused. Automatic persisted queries then register nothing new.
    #[arg(long, env = "CAPGRAPH_TRUSTED_DOCUMENTS", value_name = "FILE")]
    pub trusted_documents: Option<PathBuf>,
    /// How often to look for a new store that `capgraph seed` made in the data directory, in
    /// milliseconds; 0 turns polling off (SIGHUP still swaps).
    #[arg(
        long,
        env = "CAPGRAPH_RELOAD_INTERVAL_MS",
        default_value_t = DEFAULT_RELOAD_INTERVAL.as_millis() as u64
    )]
    pub reload_interval_ms: u64,
    #[command(flatten)]
    pub generations: GenerationArgs,
}

/// How many stores a data directory keeps.
#[derive(Debug, Clone, Args)]
pub struct GenerationArgs {
    /// Stores (generations) to keep in the data directory, the live one included; older ones
    /// are removed once nothing has them open.
    #[arg(
        long = "keep-generations",
        env = "CAPGRAPH_KEEP_GENERATIONS",
        default_value_t = DEFAULT_GENERATIONS,
        value_parser = clap::builder::ValueParser::new(
            clap::builder::TypedValueParser::map(clap::value_parser!(u16).range(1..), usize::from)
        )
    )]
    pub keep: usize,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
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
                max_subscriptions: args.max_subscriptions,
                subscription_idle_timeout: Duration::from_secs(args.subscription_idle_timeout_secs),
                ..Limits::default()
            },
            connections: Connections {
                max_connections: args.max_connections,
                keep_alive: Duration::from_secs(args.keep_alive_secs),
                request_head_timeout: Duration::from_millis(args.request_head_timeout_ms),
            },
            workers: args.workers,
            http_caching: HttpCaching {
                max_age: Duration::from_secs(args.cache_max_age_secs),
                stale_while_revalidate: Duration::from_secs(args.cache_stale_while_revalidate_secs),
            },
            trusted_documents: args.trusted_documents,
            reload_interval: Duration::from_millis(args.reload_interval_ms),
            generations: args.generations.keep,
        }
    }
}
