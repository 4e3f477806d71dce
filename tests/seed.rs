//! Seed data from the outside: every kind of bad input is reported with its file, line:column,
//! JSON path and message; bad input never touches the store; seeding, export and generation are
//! deterministic; the checked-in JSON Schemas are what the code generates.
//!
//! Bad-input fixtures live in `tests/fixtures/<case>/` and hold only the files that differ from
//! the small valid dataset in `tests/fixtures/base/`; [`fixture_dir`] lays one over the other.
//! Expected positions were read off the fixture files: a problem points at the first character
//! of the offending value, or of the nearest enclosing one.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use capgraph::model::Kind;
use capgraph::seed::{self, Problem, SeedError, SeedFiles};
use capgraph::store::{Access, DataDir, Meta, Store};
use tempfile::TempDir;

use common::{capgraph_output, read_seed_dir, text};

/// Seeds the seed directory `seed_dir` into the data directory `data`, through the library.
fn seed_into(seed_dir: &Path, data: &Path) -> Store {
    common::seed_into(&read_seed_dir(seed_dir), data)
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// The `*.json` files directly inside `dir`.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// A temporary seed directory: `tests/fixtures/base/*.json`, then `tests/fixtures/<case>/*.json`
/// copied over it. `case` may be `base` itself.
fn fixture_dir(case: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    for layer in ["base", case] {
        let from = fixtures().join(layer);
        assert!(from.is_dir(), "no fixture directory {}", from.display());
        for file in json_files(&from) {
            fs::copy(
                &file,
                dir.path().join(file.file_name().expect("a file name")),
            )
            .expect("fixture file copies");
        }
    }
    dir
}

/// Every problem the loader reports for a fixture; panics if it loads cleanly.
fn problems_of(case: &str) -> Vec<Problem> {
    let dir = fixture_dir(case);
    let files = SeedFiles::from_dir(dir.path()).expect("the fixture directory is readable");
    match seed::load(&files) {
        Ok(_) => panic!("fixture `{case}` loaded without problems"),
        Err(SeedError::Invalid(problems)) => problems,
        Err(other) => panic!("fixture `{case}` failed to load for another reason: {other}"),
    }
}

fn listing(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that fixture `case` has exactly one problem, at `file:line:column`, JSON path `path`,
/// with `message` somewhere in its text.
#[track_caller]
fn check(case: &str, file: &str, line: usize, column: usize, path: &str, message: &str) {
    let problems = problems_of(case);
    let all = listing(&problems);
    assert_eq!(
        problems.len(),
        1,
        "fixture `{case}`: expected one problem, got:\n{all}"
    );
    assert_problem(
        &problems[0],
        (file, line, column, path, message),
        &format!("fixture `{case}`:\n{all}"),
    );
}

/// Asserts one problem's place and the gist of its message; `context` lists what was found.
#[track_caller]
fn assert_problem(
    problem: &Problem,
    (file, line, column, path, message): (&str, usize, usize, &str, &str),
    context: &str,
) {
    assert_eq!(
        (
            problem.file.as_str(),
            problem.line,
            problem.column,
            problem.path.as_str()
        ),
        (file, line, column, path),
        "wrong place in {context}"
    );
    assert!(
        problem.message.contains(message),
        "message lacks `{message}` in {context}"
    );
}

/// What must be equal between two stores of the same data: digest and counts, not origin.
fn contents(meta: &Meta) -> (String, BTreeMap<Kind, u64>, u64) {
    (meta.digest.clone(), meta.nodes.clone(), meta.edges)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Every file below `dir`, by path relative to it, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("below root").to_owned();
                out.insert(relative, fs::read(&path).expect("a readable file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// One fixture per kind of problem

#[test]
fn the_base_fixture_is_valid() {
    // Arrange
    let dir = fixture_dir("base");
    let files = SeedFiles::from_dir(dir.path()).expect("the base fixture is readable");

    // Act
    let loaded = seed::load(&files);

    // Assert
    let dataset = loaded.unwrap_or_else(|e| panic!("{e}"));
    for kind in Kind::ALL {
        assert!(dataset.count_of(kind) > 0, "the base fixture has no {kind}");
    }
}

#[test]
fn malformed_json_is_reported_where_the_parser_stopped() {
    check(
        "malformed-json",
        "projects.json",
        6,
        7,
        "$",
        "malformed JSON: expected `,` or `}`",
    );
}

#[test]
fn an_unknown_field_is_reported_at_its_value_with_its_name_in_the_path() {
    check(
        "unknown-field",
        "projects.json",
        6,
        17,
        "$.projects[0].colour",
        "unknown field `colour`",
    );
}

#[test]
fn a_missing_field_is_reported_at_the_record_that_lacks_it() {
    check(
        "missing-field",
        "projects.json",
        3,
        5,
        "$.projects[0]",
        "missing field `participants`",
    );
}

#[test]
fn a_badly_formed_id_is_reported_at_the_start_of_the_id() {
    check(
        "bad-id",
        "projects.json",
        4,
        13,
        "$.projects[0].id",
        "`project:Small_Port` has a bad slug",
    );
}

#[test]
fn a_duplicate_id_is_reported_at_the_second_one_and_names_the_first() {
    check(
        "duplicate-id",
        "projects.json",
        12,
        13,
        "$.projects[1].id",
        "duplicate ID `project:small-port`: first defined at projects.json:4:13",
    );
}

#[test]
fn a_reference_to_a_node_that_does_not_exist_is_reported_at_the_reference() {
    check(
        "missing-reference",
        "projects.json",
        8,
        40,
        "$.projects[0].participants[0].enterprise",
        "reference to a node that does not exist: `enterprise:nobody`",
    );
}

#[test]
fn a_project_hosted_in_a_sector_is_an_edge_between_the_wrong_kinds() {
    check(
        "wrong-kind-edge",
        "projects.json",
        6,
        25,
        "$.projects[0].hostCountries[0]",
        "edge between the wrong kinds: `sector:ports` would make LOCATED_IN lead from project to sector",
    );
}

#[test]
fn a_bad_enum_value_is_reported_with_the_values_allowed() {
    check(
        "bad-enum",
        "projects.json",
        9,
        17,
        "$.projects[0].status",
        "unknown variant `FINISHED`, expected one of `PLANNED`",
    );
}

#[test]
fn a_year_before_1950_is_out_of_range() {
    check(
        "year-out-of-range",
        "projects.json",
        9,
        20,
        "$.projects[0].startYear",
        "year 1949 is outside 1950-2100",
    );
}

#[test]
fn a_negative_amount_of_money_is_reported_at_the_amount() {
    check(
        "negative-money",
        "projects.json",
        9,
        29,
        "$.projects[0].value[0].amount",
        "negative money: amount is -5000000",
    );
}

#[test]
fn a_seed_file_with_an_unknown_name_is_reported_and_lists_the_known_names() {
    check(
        "unknown-file",
        "project.json",
        1,
        1,
        "$",
        "unknown seed file `project.json`; expected one of sources.json",
    );
}

#[test]
fn problems_in_several_files_are_all_reported_in_one_run() {
    // Arrange
    let expected = [
        (
            "indicators.json",
            6,
            15,
            "$.indicators[0].asOf",
            "`30 June 2017` is not a date",
        ),
        ("notes.json", 1, 1, "$", "unknown seed file `notes.json`"),
        (
            "projects.json",
            9,
            20,
            "$.projects[0].startYear",
            "year 1949 is outside 1950-2100",
        ),
        (
            "zones.json",
            7,
            38,
            "$.zones[0].developers[0].enterprise",
            "reference to a node that does not exist: `enterprise:nobody`",
        ),
    ];

    // Act
    let mut problems = problems_of("several");

    // Assert
    problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let all = listing(&problems);
    assert_eq!(problems.len(), expected.len(), "got:\n{all}");
    for (problem, expected) in problems.iter().zip(expected) {
        assert_problem(problem, expected, &all);
    }
}

// ---------------------------------------------------------------------------------------------
// The command line

/// `capgraph seed --check --from <dir>`, run to completion.
fn seed_check(dir: &TempDir) -> std::process::Output {
    capgraph_output(&[
        "seed".as_ref(),
        "--check".as_ref(),
        "--from".as_ref(),
        dir.path().as_os_str(),
    ])
}

#[test]
fn seed_check_on_a_bad_directory_exits_2_and_prints_every_problem_on_stderr() {
    // Arrange
    let dir = fixture_dir("several");
    let expected = [
        "indicators.json:6:15: $.indicators[0].asOf: `30 June 2017` is not a date",
        "notes.json:1:1: $: unknown seed file `notes.json`",
        "projects.json:9:20: $.projects[0].startYear: year 1949 is outside 1950-2100",
        "zones.json:7:38: $.zones[0].developers[0].enterprise: reference to a node that does not exist",
    ];

    // Act
    let output = seed_check(&dir);

    // Assert
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{stderr}");
    for line in expected {
        assert!(
            stderr.lines().any(|l| l.trim_start().starts_with(line)),
            "no line starting `{line}` in stderr:\n{stderr}"
        );
    }
    assert!(
        text(&output.stdout).is_empty(),
        "a failed check prints nothing on stdout"
    );
}

#[test]
fn seeding_a_bad_directory_exits_2_with_every_problem_and_leaves_no_store() {
    // Seeding streams its files; at the first problem it reads them whole, so that it reports
    // what `seed --check` does.
    let dir = fixture_dir("several");
    let data = tempfile::tempdir().expect("a temp dir");

    let output = capgraph_output(&[
        "seed".as_ref(),
        "--from".as_ref(),
        dir.path().as_os_str(),
        "--data".as_ref(),
        data.path().as_os_str(),
    ]);

    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{stderr}");
    for line in [
        "indicators.json:6:15: $.indicators[0].asOf: `30 June 2017` is not a date",
        "projects.json:9:20: $.projects[0].startYear: year 1949 is outside 1950-2100",
        "zones.json:7:38: $.zones[0].developers[0].enterprise: reference to a node that does not exist",
    ] {
        assert!(
            stderr.lines().any(|l| l.trim_start().starts_with(line)),
            "no line starting `{line}` in stderr:\n{stderr}"
        );
    }
    let generations = fs::read_dir(data.path().join("stores"))
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(generations, 0, "a failed seeding leaves no store behind");
}

#[test]
fn seeding_streams_a_generated_dataset_into_the_store_that_loading_it_whole_describes() {
    let work = tempfile::tempdir().expect("a temp dir");
    let generated = work.path().join("generated");
    capgraph::generate::generate(&generated, 2, 7, &|_| {}).expect("generation succeeds");
    let data = work.path().join("data");

    let output = capgraph_output(&[
        "seed".as_ref(),
        "--from".as_ref(),
        generated.as_os_str(),
        "--data".as_ref(),
        data.as_os_str(),
    ]);

    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let dataset = seed::load(&SeedFiles::from_dir(&generated).expect("readable"))
        .expect("the generated files load");
    let store = DataDir::new(&data)
        .open_current(Access::Random)
        .expect("the store opens")
        .expect("the store exists");
    let counts: BTreeMap<Kind, u64> = Kind::ALL
        .into_iter()
        .map(|kind| (kind, dataset.count_of(kind) as u64))
        .filter(|(_, n)| *n > 0)
        .collect();
    let digest = capgraph::store::dataset_digest(&dataset).expect("the dataset encodes");
    assert_eq!(
        contents(store.meta()),
        (digest, counts, dataset.edges.len() as u64)
    );
    store.verify().expect("the streamed store verifies");
}

#[test]
fn seed_check_on_the_base_fixture_exits_0() {
    // Arrange
    let dir = fixture_dir("base");

    // Act
    let output = seed_check(&dir);

    // Assert
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr:\n{}",
        text(&output.stderr)
    );
    assert!(text(&output.stdout).starts_with("ok: "));
}

#[test]
fn seed_check_lists_descriptive_titles_and_undated_usd_figures_but_still_exits_0() {
    // Arrange: the base fixture's `source:alpha` is titled "Alpha report on a made-up port", and
    // this case drops the year from its US$150 million figure.
    let dir = fixture_dir("gaps");

    // Act
    let output = seed_check(&dir);

    // Assert
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "stdout:\n{stdout}");
    assert!(
        stdout.contains("titles that read as descriptions, not headlines: 1\n")
            && stdout.contains("source:alpha: \"Alpha report on a made-up port\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("USD figures without a year: 1\n")
            && stdout
                .contains("project:river-port $.projects[0].value[0]: US$ 150000000 (total cost)"),
        "{stdout}"
    );
}

#[test]
fn the_dataset_embedded_in_the_binary_loads_without_problems() {
    // Arrange
    let files = SeedFiles::embedded();

    // Act
    let loaded = seed::load(&files);

    // Assert
    assert!(!files.files.is_empty(), "no seed files are embedded");
    if let Err(error) = loaded {
        panic!("the shipped seed data does not load: {error}");
    }
}

// ---------------------------------------------------------------------------------------------
// Seeding and the store

#[test]
fn seeding_bad_input_leaves_the_live_store_and_the_stores_directory_untouched() {
    // Arrange
    let good = fixture_dir("base");
    let bad = fixture_dir("several");
    let data = tempfile::tempdir().expect("a temp dir");
    let before = seed_into(good.path(), data.path()).meta().clone();
    let current_before = fs::read_to_string(data.path().join("CURRENT")).expect("CURRENT exists");
    let stores_before = entries(&data.path().join("stores"));

    // Act
    let output = capgraph_output(&[
        "seed".as_ref(),
        "--from".as_ref(),
        bad.path().as_os_str(),
        "--data".as_ref(),
        data.path().as_os_str(),
    ]);

    // Assert
    assert_eq!(
        output.status.code(),
        Some(2),
        "stderr:\n{}",
        text(&output.stderr)
    );
    let after = DataDir::new(data.path())
        .open_current(Access::Random)
        .expect("the store opens")
        .expect("the data directory still has a live store");
    assert_eq!(after.meta(), &before);
    after.verify().expect("the live store still verifies");
    assert_eq!(
        fs::read_to_string(data.path().join("CURRENT")).expect("CURRENT exists"),
        current_before
    );
    assert_eq!(entries(&data.path().join("stores")), stores_before);
}

#[test]
fn seeding_the_same_data_twice_gives_the_same_digest() {
    // Arrange
    let seed_dir = fixture_dir("base");
    let data = tempfile::tempdir().expect("a temp dir");
    let first = contents(seed_into(seed_dir.path(), data.path()).meta());

    // Act
    let second = seed_into(seed_dir.path(), data.path());

    // Assert
    assert_eq!(contents(second.meta()), first);
    assert_ne!(
        DataDir::new(data.path()).current_path().unwrap(),
        None,
        "the second seeding is live"
    );
}

/// Seeding reopens the store it has just written to verify it, and sled 0.34 releases its file
/// lock from background threads a moment after a handle is dropped. Without a wait for that lock,
/// about one seeding in fifty failed here with "could not acquire lock".
#[test]
fn seeding_many_small_stores_at_once_never_trips_over_sleds_file_lock() {
    // Arrange
    let seed_dir = fixture_dir("base");
    let files = SeedFiles::from_dir(seed_dir.path()).expect("the base fixture is readable");
    let dataset = seed::load(&files).unwrap_or_else(|e| panic!("{e}"));

    // Act
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..25)
                        .filter_map(|_| {
                            let data = tempfile::tempdir().expect("a temp dir");
                            DataDir::new(data.path())
                                .seed(&dataset, "test", &|_| {})
                                .err()
                                .map(|e| e.to_string())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker finishes"))
            .collect()
    });

    // Assert
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn exporting_the_base_fixture_and_seeding_the_export_gives_the_same_digest() {
    // Arrange
    let seed_dir = fixture_dir("base");
    let work = tempfile::tempdir().expect("a temp dir");
    let (first_data, export, second_data) = (
        work.path().join("first"),
        work.path().join("export"),
        work.path().join("second"),
    );
    let run = |args: &[&OsStr]| {
        let output = capgraph_output(args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "capgraph {args:?} failed:\n{}",
            text(&output.stderr)
        );
    };
    run(&[
        "seed".as_ref(),
        "--from".as_ref(),
        seed_dir.path().as_os_str(),
        "--data".as_ref(),
        first_data.as_os_str(),
    ]);

    // Act
    run(&[
        "export".as_ref(),
        "--format".as_ref(),
        "seed".as_ref(),
        "--data".as_ref(),
        first_data.as_os_str(),
        "--out".as_ref(),
        export.as_os_str(),
    ]);
    run(&[
        "seed".as_ref(),
        "--from".as_ref(),
        export.as_os_str(),
        "--data".as_ref(),
        second_data.as_os_str(),
    ]);

    // Assert
    let open = |data: &Path| {
        DataDir::new(data)
            .open_current(Access::Random)
            .expect("the store opens")
            .expect("the store exists")
    };
    let (first, second) = (open(&first_data), open(&second_data));
    assert_eq!(contents(second.meta()), contents(first.meta()));
}

#[test]
fn exporting_a_generated_dataset_and_seeding_the_export_gives_the_same_digest() {
    // Arrange
    let work = tempfile::tempdir().expect("a temp dir");
    let generated = work.path().join("generated");
    capgraph::generate::generate(&generated, 1, 42, &|_| {}).expect("generation succeeds");
    let first = seed_into(&generated, &work.path().join("first"));
    let export = work.path().join("export");

    // Act
    capgraph::export::seed_dir(&first, &export, &|_| {}).expect("the export succeeds");
    let files = SeedFiles::from_dir(&export).expect("the export is readable");
    let dataset = seed::load(&files).unwrap_or_else(|e| panic!("the export does not load: {e}"));

    // Assert
    // `dataset_digest` is what seeding writes into `meta`; computing it skips a second sled
    // build (about a second in a debug build). The base-fixture test above seeds for real.
    let digest = capgraph::store::dataset_digest(&dataset).expect("the export encodes");
    let counts: BTreeMap<Kind, u64> = Kind::ALL
        .into_iter()
        .map(|kind| (kind, dataset.count_of(kind) as u64))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(
        (digest, counts, dataset.edges.len() as u64),
        contents(first.meta())
    );
}

#[test]
fn generating_with_the_same_seed_twice_gives_byte_identical_files() {
    // Arrange
    let work = tempfile::tempdir().expect("a temp dir");
    let (a, b) = (work.path().join("a"), work.path().join("b"));

    // Act
    capgraph::generate::generate(&a, 1, 7, &|_| {}).expect("generation succeeds");
    capgraph::generate::generate(&b, 1, 7, &|_| {}).expect("generation succeeds");

    // Assert
    let (a, b) = (tree(&a), tree(&b));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs", path.display());
    }
}

#[test]
fn generating_with_another_seed_gives_other_data() {
    // Arrange
    let work = tempfile::tempdir().expect("a temp dir");
    let (a, b) = (work.path().join("a"), work.path().join("b"));

    // Act
    capgraph::generate::generate(&a, 1, 7, &|_| {}).expect("generation succeeds");
    capgraph::generate::generate(&b, 1, 8, &|_| {}).expect("generation succeeds");

    // Assert
    let read = |dir: &Path| fs::read(dir.join("projects.json")).expect("projects.json exists");
    assert!(read(&a) != read(&b), "seeds 7 and 8 gave the same projects");
}

// ---------------------------------------------------------------------------------------------
// JSON Schemas

const REGENERATE: &str = "for k in sources countries frameworks sectors enterprises zones projects indicators; do cargo run -q -- schema --json-schema $k > seed/schema/$k.schema.json; done";

#[test]
fn the_checked_in_json_schemas_are_what_the_code_generates() {
    // Arrange
    let schema_dir = repo().join("seed/schema");

    // Act
    let stale: Vec<String> = Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let name = format!("{}.schema.json", kind.plural());
            let generated = seed::write::schema_text(kind);
            match fs::read_to_string(schema_dir.join(&name)) {
                Ok(checked_in) if checked_in == generated => None,
                Ok(_) => Some(format!("seed/schema/{name} differs from the code")),
                Err(e) => Some(format!("seed/schema/{name} cannot be read: {e}")),
            }
        })
        .collect();

    // Assert
    assert!(
        stale.is_empty(),
        "{}\nRegenerate the schemas with:\n  {REGENERATE}",
        stale.join("\n")
    );
}

#[test]
fn every_shipped_seed_file_names_its_own_existing_schema() {
    // Arrange
    let seed_dir = repo().join("seed");
    let files = json_files(&seed_dir);

    // Act
    let wrong: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let stem = name.trim_end_matches(".json");
            let value: serde_json::Value = match fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            {
                Ok(value) => value,
                Err(e) => return Some(format!("seed/{name}: unreadable: {e}")),
            };
            let Some(pointer) = value.get("$schema").and_then(|v| v.as_str()) else {
                return Some(format!("seed/{name}: no `$schema` string"));
            };
            let target = seed_dir.join(pointer);
            let own = format!("{stem}.schema.json");
            if !target.is_file() {
                Some(format!("seed/{name}: `$schema` {pointer} is not a file"))
            } else if target.file_name().is_none_or(|f| f != own.as_str()) {
                Some(format!("seed/{name}: `$schema` {pointer} is not {own}"))
            } else {
                None
            }
        })
        .collect();

    // Assert
    assert!(!files.is_empty(), "seed/ holds no JSON files");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_shipped_dataset_passes_the_data_quality_checks_and_every_usd_matches_the_rate_table() {
    // Arrange
    let files = SeedFiles::embedded();

    // Act
    let report = seed::checks::run(&files);

    // Assert: unused or duplicate sources, unmarked rehosts, projects without a Chinese
    // participant, undated finished projects and any `usd` that `exchange-rates.json` does not
    // reproduce (within 1 %) all show up here.
    assert!(report.problems.is_empty(), "{}", listing(&report.problems));
}
