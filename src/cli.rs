//! The command line: clap definitions (every flag with a `CAPGRAPH_*` twin) and what each
//! command does. The only module besides `main` that uses `anyhow`.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::model::Kind;
use crate::seed::{self, SeedError, SeedFiles};
use crate::store::{Access, DataDir, Store};
use crate::telemetry::LogFormat;

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
                let serve = crate::config::ServeArgs::augment_args(clap::Command::new("serve"));
                let matches = serve.try_get_matches_from(["serve"])?;
                Ok(Command::Serve(crate::config::ServeArgs::from_arg_matches(
                    &matches,
                )?))
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
    Serve(crate::config::ServeArgs),
    /// Load a seed directory into the store, or check it with --check.
    #[command(
        after_help = "Examples:\n  capgraph seed --check              # validate the embedded dataset\n  capgraph seed --check --from seed   # validate a directory\n  capgraph seed --from seed --data ./capgraph-data"
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
        after_help = "Examples:\n  capgraph query '{ project(id: \"project:suramadu-bridge\") { name hostCountries { name } } }'\n  capgraph query -f query.graphql --vars '{\"code\": \"KH\"}' --operation CountryProjects\n  echo '{ dataset { digest } }' | capgraph query"
    )]
    Query(QueryArgs),
    /// Write the store out as NDJSON, JSON, CSV, GraphML, GeoJSON or seed files.
    #[command(
        after_help = "Examples:\n  capgraph export --format ndjson > capgraph.ndjson\n  capgraph export --format csv --kinds projects,zones --out /tmp/tables\n  capgraph export --format graphml --out capgraph.graphml\n  capgraph export --format seed --out /tmp/seed-copy"
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
    #[arg(long, env = "CAPGRAPH_SCALE", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100_000))]
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

/// Export formats. Each is ordered by kind and ID, so the same store gives the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line: every node (`"type":"node"`), then every edge (`"type":"edge"`).
    Ndjson,
    /// One JSON document: `{"nodes":[...],"edges":[...]}`, records shaped as in `ndjson`.
    Json,
    /// A seed directory that `capgraph seed --from` loads back to the same digest.
    Seed,
    /// A directory with one table per node kind (`projects.csv`, ...) and `edges.csv`.
    Csv,
    /// A GraphML 1.0 directed graph, for Gephi, Cytoscape or networkx.
    Graphml,
    /// A GeoJSON FeatureCollection of the projects and zones that have a location.
    Geojson,
}

impl ExportFormat {
    /// Whether `--out` names a directory rather than a file.
    fn writes_directory(self) -> bool {
        matches!(self, ExportFormat::Seed | ExportFormat::Csv)
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

/// An error that is the user's input, not a failure: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn exit_code(error: &anyhow::Error) -> u8 {
    let bad_input = error.chain().any(|cause| {
        cause.is::<BadInput>()
            || matches!(
                cause.downcast_ref::<SeedError>(),
                Some(SeedError::Invalid(_))
            )
    });
    if bad_input {
        2
    } else {
        1
    }
}

/// The error and its causes on one line each, without a backtrace.
pub fn describe(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    text
}

pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => crate::startup::serve(args.into()),
        Command::Seed(args) => seed_command(args),
        Command::Generate(args) => generate_command(args),
        Command::Schema(args) => schema_command(args),
        Command::Export(args) => export_command(args),
        Command::Query(args) => query_command(args),
    }
}

fn read_seed(from: Option<&Path>) -> anyhow::Result<SeedFiles> {
    match from {
        Some(dir) => SeedFiles::from_dir(dir)
            .with_context(|| format!("reading seed directory {}", dir.display())),
        None => Ok(SeedFiles::embedded()),
    }
}

/// A progress bar on stderr when stdout and stderr are terminals; silent otherwise.
fn progress_bar(message: &'static str) -> ProgressBar {
    // Drawn on stderr, and only for a person at a terminal: a script that pipes stdout (an
    // export to stdout, say) or captures stderr gets no control characters.
    if !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {human_pos} records ({elapsed})")
            .expect("a valid template"),
    );
    bar.set_message(message);
    bar
}

fn seed_command(args: SeedArgs) -> anyhow::Result<()> {
    let files = read_seed(args.from.as_deref())?;
    let dataset = seed::load(&files)?;
    if args.check {
        let report = seed::checks::run(&files);
        if !report.problems.is_empty() {
            return Err(seed::SeedError::Invalid(report.problems).into());
        }
        println!(
            "ok: {} is valid: {} nodes ({}), {} edges",
            files.origin,
            dataset.nodes.len(),
            Kind::ALL
                .iter()
                .map(|k| format!("{} {}", dataset.count_of(*k), k.plural()))
                .collect::<Vec<_>>()
                .join(", "),
            dataset.edges.len()
        );
        for line in &report.coverage {
            println!("  {line}");
        }
        if !report.warnings.is_empty() {
            println!("  unconverted money figures: {}", report.warnings.len());
            for line in &report.warnings {
                println!("    {line}");
            }
        }
        return Ok(());
    }
    let bar = progress_bar("seeding");
    let store = DataDir::new(&args.data.data)
        .seed(&dataset, &files.origin, &|n| bar.set_position(n))
        .with_context(|| format!("seeding {}", args.data.data.display()))?;
    bar.finish_and_clear();
    let meta = store.meta();
    println!(
        "seeded {} from {}: {} nodes, {} edges, digest {}",
        args.data.data.display(),
        files.origin,
        meta.node_count(),
        meta.edges,
        meta.digest
    );
    Ok(())
}

fn generate_command(args: GenerateArgs) -> anyhow::Result<()> {
    let bar = progress_bar("generating");
    let sizes =
        crate::generate::generate(&args.out, args.scale, args.seed, &|n| bar.set_position(n))
            .with_context(|| format!("writing {}", args.out.display()))?;
    bar.finish_and_clear();
    println!(
        "wrote a synthetic dataset to {}: {} projects, {} enterprises, {} zones, {} sources",
        args.out.display(),
        sizes.projects,
        sizes.enterprises,
        sizes.zones,
        sizes.sources
    );
    Ok(())
}

fn schema_command(args: SchemaArgs) -> anyhow::Result<()> {
    match args.json_schema {
        Some(name) => {
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.plural() == name.trim_end_matches(".json") || k.prefix() == name)
                .ok_or_else(|| {
                    BadInput(format!(
                        "unknown seed file kind `{name}`; use one of {}",
                        Kind::ALL.map(|k| k.plural()).join(", ")
                    ))
                })?;
            print!("{}", seed::write::schema_text(kind));
        }
        None => print!("{}", crate::graphql::sdl()),
    }
    Ok(())
}

/// Opens the live store of a data directory for one pass over it, or says how to create one.
fn open_store_for_export(data: &Path) -> anyhow::Result<Store> {
    DataDir::new(data)
        .open_current(Access::Sequential)
        .with_context(|| format!("opening the store in {}", data.display()))?
        .ok_or_else(|| {
            BadInput(format!(
                "{} holds no store yet; run `capgraph seed --data {}` first",
                data.display(),
                data.display()
            ))
            .into()
        })
}

fn export_command(args: ExportArgs) -> anyhow::Result<()> {
    use crate::export::{self, ExportError, Kinds};
    use clap::ValueEnum;

    let format = args.format;
    let name = format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned());
    let kinds = match &args.kinds {
        None => Kinds::all(),
        Some(_) if format == ExportFormat::Seed => {
            return Err(BadInput(
                "--kinds does not apply to `--format seed`: a seed directory holds every kind, or it would not load"
                    .into(),
            )
            .into())
        }
        Some(list) => Kinds::parse(list).map_err(|e| BadInput(format!("--kinds: {e}")))?,
    };
    if format.writes_directory() && args.out.is_none() {
        return Err(BadInput(format!(
            "`--format {name}` writes a directory: name it with --out DIR"
        ))
        .into());
    }
    let store = open_store_for_export(&args.data.data)?;
    let bar = progress_bar("exporting");
    let progress = |n| bar.set_position(n);
    let target = args
        .out
        .as_ref()
        .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    let result: Result<Option<export::Counts>, ExportError> = match (format, &args.out) {
        (ExportFormat::Seed, Some(dir)) => export::seed_dir(&store, dir, &progress).map(|()| None),
        (ExportFormat::Csv, Some(dir)) => {
            export::csv::write_dir(&store, &kinds, dir, &progress).map(Some)
        }
        (ExportFormat::Seed | ExportFormat::Csv, None) => unreachable!("checked above"),
        (_, Some(path)) => std::fs::File::create(path)
            .map_err(ExportError::from)
            .and_then(|file| write_single(format, &store, &kinds, file, &progress))
            .map(Some),
        (_, None) => {
            write_single(format, &store, &kinds, std::io::stdout().lock(), &progress).map(Some)
        }
    };
    bar.finish_and_clear();
    let counts = match result {
        Ok(counts) => counts,
        // A reader that stopped early (`capgraph export --format ndjson | head`) is not a failure.
        Err(ExportError::Io(e))
            if args.out.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            return Ok(())
        }
        Err(e) if e.is_bad_input() => return Err(BadInput(e.to_string()).into()),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("exporting {name} to {target}")))
        }
    };
    if args.out.is_some() {
        match counts {
            Some(counts) if format == ExportFormat::Geojson => {
                println!("exported {} features as {name} to {target}", counts.nodes)
            }
            Some(counts) => println!(
                "exported {} nodes and {} edges as {name} to {target}",
                counts.nodes, counts.edges
            ),
            None => println!("exported the store as {name} files to {target}"),
        }
    }
    Ok(())
}

/// Writes one of the single-file formats.
fn write_single(
    format: ExportFormat,
    store: &Store,
    kinds: &crate::export::Kinds,
    out: impl std::io::Write,
    progress: &dyn Fn(u64),
) -> Result<crate::export::Counts, crate::export::ExportError> {
    use crate::export::FileFormat;
    let format = match format {
        ExportFormat::Ndjson => FileFormat::Ndjson,
        ExportFormat::Json => FileFormat::Json,
        ExportFormat::Graphml => FileFormat::Graphml,
        ExportFormat::Geojson => FileFormat::Geojson,
        ExportFormat::Seed | ExportFormat::Csv => {
            unreachable!("directory formats are written elsewhere")
        }
    };
    format.write(store, kinds, out, progress)
}

fn query_command(args: QueryArgs) -> anyhow::Result<()> {
    let document = read_document(args.query, args.file.as_deref())?;
    let mut request = async_graphql::Request::new(document);
    if let Some(vars) = &args.vars {
        let value: serde_json::Value =
            serde_json::from_str(vars).map_err(|e| BadInput(format!("--vars is not JSON: {e}")))?;
        if !value.is_object() {
            return Err(BadInput(
                "--vars must be a JSON object, e.g. '{\"id\": \"country:KH\"}'".into(),
            )
            .into());
        }
        request = request.variables(async_graphql::Variables::from_json(value));
    }
    if let Some(operation) = args.operation {
        request = request.operation_name(operation);
    }
    let data = DataDir::new(&args.data.data);
    let store = crate::startup::open_or_seed(&data).with_context(|| {
        format!(
            "opening the store in {} (a running server holds it; query it over HTTP instead)",
            args.data.data.display()
        )
    })?;
    let schema = crate::graphql::build_schema(
        std::sync::Arc::new(store),
        &crate::graphql::Limits::default(),
    );
    let response = actix_web::rt::System::new().block_on(crate::graphql::execute(&schema, request));
    println!("{}", serde_json::to_string_pretty(&response)?);
    if response.errors.is_empty() {
        Ok(())
    } else {
        Err(BadInput(format!(
            "the response has {} error(s)",
            response.errors.len()
        ))
        .into())
    }
}

/// Reads a GraphQL document from an argument, a file, or stdin (`-` for either, as in every
/// Unix tool, or neither given).
pub fn read_document(inline: Option<String>, file: Option<&Path>) -> anyhow::Result<String> {
    let from_stdin = || -> anyhow::Result<String> {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the query from stdin")?;
        if text.trim().is_empty() {
            return Err(BadInput("the query on stdin is empty".into()).into());
        }
        Ok(text)
    };
    match (inline, file) {
        (Some(text), _) if text == "-" => from_stdin(),
        (Some(text), _) => Ok(text),
        (None, Some(path)) if path == Path::new("-") => from_stdin(),
        (None, Some(path)) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
        }
        (None, None) => from_stdin(),
    }
}
