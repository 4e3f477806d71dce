//! The command line: what each command does, and how its outcome becomes an exit code. The
//! clap definitions are in [`args`]. With `main`, the only module that uses `anyhow`: below the
//! command line every error is typed.

mod args;

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::export::{DirFormat, ExportError, FileFormat, Kinds};
use crate::model::Kind;
use crate::seed::stream::{Input, StreamError};
use crate::seed::{self, SeedError, SeedFiles};
use crate::store::{Access, DataDir, Store};

pub use args::{
    unknown_env_vars, Cli, Command, DataArgs, ExportArgs, ExportFormat, GenerateArgs, QueryArgs,
    SchemaArgs, SeedArgs, ServeArgs, Switch,
};

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
            || matches!(
                cause.downcast_ref::<crate::startup::StartupError>(),
                Some(crate::startup::StartupError::TrustedDocuments(_))
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
        Command::Serve(args) => Ok(crate::startup::serve(args.into())?),
        Command::Seed(args) => seed_command(args),
        Command::Generate(args) => generate_command(args),
        Command::Schema(args) => schema_command(args),
        Command::Export(args) => export_command(args),
        Command::Query(args) => query_command(args),
    }
}

/// Sets the process up for a short-lived command (`export`, `query`): no transparent huge
/// pages, and freed memory returned at once. Called first thing in `main`, before the log
/// writer's queue and thread: the allocations made before it keep their huge pages. Returns
/// what could not be done, for `main` to log once logging has started.
pub fn prepare_process(command: &Command) -> Option<String> {
    if !command.is_short_lived() {
        return None;
    }
    purging_at_once();
    without_huge_pages()
}

/// mimalloc's `mi_option_purge_delay` (the same number in `mimalloc.h` of its v2 and v3).
/// libmimalloc-sys names only its stable options and says to pass the number of the others.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc return memory it no longer uses to the system at once, rather than 10 ms later
/// (100 ms for an arena's). Opening a store reads sled's snapshot of its page table into a
/// vector that doubles as it grows, and then builds the table: with the delay, every outgrown
/// copy of the vector stayed resident beside them, and the peak of an export of a 118,000-node
/// store was 12 MB higher, 8 MB of it from the snapshot (docs/benchmarks.md, "Export memory").
/// A server keeps the delay, which spares it system calls for memory it will soon use again.
fn purging_at_once() {
    // SAFETY: `mi_option_set` stores a number that mimalloc reads whenever it next purges. It is
    // not thread-safe, and `prepare_process` calls it before the process starts a thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// Turns transparent huge pages off for this process. mimalloc asks for them, and each first
/// touch of its heap then faults in 2 MiB: about 40 MB more resident memory in every process
/// (docs/benchmarks.md, "Export memory"). An export or a one-shot query holds one record at a
/// time and would not notice the speed; a server keeps them, as they buy its nested queries a
/// quarter of their throughput.
fn without_huge_pages() -> Option<String> {
    #[cfg(target_os = "linux")]
    if let Err(error) = rustix::thread::disable_transparent_huge_pages(true) {
        // An old kernel or a sandbox that forbids prctl: the command still works, with more memory.
        return Some(format!("transparent huge pages stay on: {error}"));
    }
    None
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
    if args.check {
        return check_seed(&read_seed(args.from.as_deref())?);
    }
    let input = match &args.from {
        Some(dir) => Input::Dir(dir.clone()),
        None => Input::Embedded,
    };
    let data = DataDir::new(&args.data.data).keeping(args.generations.keep);
    let bar = progress_bar("seeding");
    let progress = |n| bar.set_position(n);
    // Streamed, so that memory does not follow the dataset; files that hold a problem (or
    // anything unusual) are read whole instead, which reports every problem with its position.
    let streamed = data.seed_with(&input.origin(), |writer| {
        seed::stream::stream(&input, |node, edges| {
            writer.add_node(&node)?;
            for edge in &edges {
                writer.add_edge(edge)?;
            }
            writer.report_progress(&progress);
            Ok(())
        })
    });
    let store = match streamed {
        Ok(store) => store,
        Err(StreamError::Irregular) => {
            let files = read_seed(args.from.as_deref())?;
            let dataset = seed::load(&files)?;
            data.seed(&dataset, &files.origin, &progress)
                .with_context(|| format!("seeding {}", args.data.data.display()))?
        }
        Err(StreamError::Seed(e)) => {
            return Err(e).with_context(|| format!("reading seed directory {}", input.origin()))
        }
        Err(StreamError::Sink(e)) => {
            return Err(e).with_context(|| format!("seeding {}", args.data.data.display()))
        }
    };
    bar.finish_and_clear();
    let meta = store.meta();
    println!(
        "seeded {} from {}: {} nodes, {} edges, digest {}",
        args.data.data.display(),
        input.origin(),
        meta.node_count(),
        meta.edges,
        meta.digest
    );
    Ok(())
}

/// `seed --check`: the data-quality checks and coverage figures, over files read whole.
fn check_seed(files: &SeedFiles) -> anyhow::Result<()> {
    let dataset = seed::load(files)?;
    let report = seed::checks::run(files);
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
    for gap in report.gaps.iter().filter(|g| !g.items.is_empty()) {
        println!("  {}: {}", gap.heading, gap.items.len());
        for line in &gap.items {
            println!("    {line}");
        }
    }
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
    let format = args.format;
    let name = format.name();
    let kinds = match &args.kinds {
        None => Kinds::all(),
        Some(_) if format == ExportFormat::Directory(DirFormat::Seed) => {
            return Err(BadInput(
                "--kinds does not apply to `--format seed`: a seed directory holds every kind, or it would not load"
                    .into(),
            )
            .into())
        }
        Some(list) => Kinds::parse(list).map_err(|e| BadInput(format!("--kinds: {e}")))?,
    };
    let target = args
        .out
        .as_ref()
        .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    let result = match (format, args.out.as_deref()) {
        (ExportFormat::Directory(_), None) => {
            return Err(BadInput(format!(
                "`--format {name}` writes a directory: name it with --out DIR"
            ))
            .into())
        }
        (ExportFormat::Directory(format), Some(dir)) => {
            let store = open_store_for_export(&args.data.data)?;
            with_progress(|progress| format.write(&store, &kinds, dir, progress))
        }
        (ExportFormat::File(format), Some(path)) => {
            let store = open_store_for_export(&args.data.data)?;
            with_progress(|progress| {
                let file = std::fs::File::create(path)?;
                format.write(&store, &kinds, file, progress).map(Some)
            })
        }
        (ExportFormat::File(format), None) => {
            let store = open_store_for_export(&args.data.data)?;
            let out = std::io::stdout().lock();
            with_progress(|progress| format.write(&store, &kinds, out, progress).map(Some))
        }
    };
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
            Some(counts) if format == ExportFormat::File(FileFormat::Geojson) => {
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

/// Runs an export with a progress bar (see [`progress_bar`]), cleared when it ends.
fn with_progress<T>(export: impl FnOnce(&dyn Fn(u64)) -> T) -> T {
    let bar = progress_bar("exporting");
    let result = export(&|n| bar.set_position(n));
    bar.finish_and_clear();
    result
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::telemetry::LogQueue;

    fn command(args: &[&str]) -> Command {
        Cli::parse_from(args)
            .into_command()
            .expect("valid arguments")
    }

    #[test]
    fn a_short_lived_command_has_mimalloc_return_freed_memory_at_once() {
        // Arrange
        let serve = command(&["capgraph", "serve"]);
        let export = command(&["capgraph", "export", "--format", "ndjson"]);
        // SAFETY: reads a number mimalloc keeps; only this test sets an option, and this test
        // binary's allocator is not mimalloc, so no other thread reads or writes them.
        let delay = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };

        // Act and assert: a server keeps mimalloc's delay, an export turns it off.
        prepare_process(&serve);
        assert_ne!(delay(), 0, "a server keeps the purge delay");
        prepare_process(&export);
        assert_eq!(delay(), 0);
    }

    #[test]
    fn export_and_query_wait_for_their_log_lines_and_other_commands_drop_them() {
        // Arrange
        let short = [
            command(&["capgraph", "export", "--format", "ndjson"]),
            command(&["capgraph", "query", "{ dataset { digest } }"]),
        ];
        let long = [
            command(&["capgraph", "serve"]),
            command(&["capgraph", "seed"]),
        ];

        // Act and assert
        for command in &short {
            assert_eq!(command.log_queue(), LogQueue::Waiting, "{command:?}");
        }
        for command in &long {
            assert_eq!(command.log_queue(), LogQueue::Dropping, "{command:?}");
        }
    }
}
