//! Seed data: reading `seed/` files (or the copy embedded in the binary), validating all of
//! them, and turning them into a [`Dataset`]; never touches the store.

pub mod checks;
pub mod convert;
pub mod files;
pub mod gaps;
pub mod report;
pub mod stream;
pub mod validate;
pub mod write;

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use serde_json::value::RawValue;

use crate::model::{Dataset, Kind};
pub use report::Problem;
use report::{SourceText, Step};

/// The repository's `seed/` directory, compiled into the binary.
static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/seed");

/// What went wrong reading seed data.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} problem(s) in the seed data:\n{}", .0.len(), render(.0))]
    Invalid(Vec<Problem>),
}

fn render(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of each seed file, by file name.
#[derive(Debug, Clone)]
pub struct SeedFiles {
    /// `(file name, contents)`, in name order.
    pub files: Vec<(String, String)>,
    /// Where they came from, for messages and the store's `origin`.
    pub origin: String,
}

impl SeedFiles {
    /// The dataset compiled into this binary.
    pub fn embedded() -> SeedFiles {
        let mut files: Vec<(String, String)> = EMBEDDED
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "json"))
            .map(|f| {
                let name = f.path().to_string_lossy().into_owned();
                (name, f.contents_utf8().unwrap_or_default().to_owned())
            })
            .collect();
        files.sort();
        SeedFiles {
            files,
            origin: "embedded".to_owned(),
        }
    }

    /// Every `*.json` file directly inside `dir`.
    pub fn from_dir(dir: &Path) -> Result<SeedFiles, SeedError> {
        let mut files = Vec::new();
        for name in json_file_names(dir)? {
            let path = dir.join(&name);
            let text =
                std::fs::read_to_string(&path).map_err(|source| SeedError::Io { path, source })?;
            files.push((name, text));
        }
        Ok(SeedFiles {
            files,
            origin: dir.display().to_string(),
        })
    }
}

/// The names of the `*.json` files directly inside `dir`, in name order.
fn json_file_names(dir: &Path) -> Result<Vec<String>, SeedError> {
    let io = |source| SeedError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            names.extend(path.file_name().map(|n| n.to_string_lossy().into_owned()));
        }
    }
    names.sort();
    Ok(names)
}

/// A record as read, with where it stands in its file.
pub struct Located<'a> {
    pub record: files::Record,
    pub text: SourceText<'a>,
    pub raw: &'a RawValue,
    /// Steps from the file's root to the record: `[projects, 3]`.
    pub base: Vec<Step>,
}

impl Located<'_> {
    /// A problem at `steps` below this record.
    pub fn problem(&self, steps: &[Step], message: impl Into<String>) -> Problem {
        let offset = self.text.locate(self.raw, steps);
        let mut full = self.base.clone();
        full.extend_from_slice(steps);
        self.text.problem_at(offset, &full, message)
    }
}

/// Reads, checks and converts seed files; reports every problem found, not just the first.
pub fn load(seed: &SeedFiles) -> Result<Dataset, SeedError> {
    let mut problems = Vec::new();
    let mut records = Vec::new();
    // The rate table sits beside the record files but holds no records; `checks` reads it.
    for (name, text) in seed.files.iter().filter(|(n, _)| n != checks::RATES_FILE) {
        parse_file(name, text, &mut records, &mut problems);
    }
    validate::check(&records, &mut problems);
    if !problems.is_empty() {
        return Err(SeedError::Invalid(problems));
    }
    Ok(convert::to_dataset(records.into_iter().map(|r| r.record)))
}

fn parse_file<'a>(
    name: &'a str,
    text: &'a str,
    records: &mut Vec<Located<'a>>,
    problems: &mut Vec<Problem>,
) {
    let source = SourceText { file: name, text };
    let Some(kind) = Kind::ALL
        .into_iter()
        .find(|k| format!("{}.json", k.plural()) == name)
    else {
        let expected: Vec<String> = Kind::ALL
            .iter()
            .map(|k| format!("{}.json", k.plural()))
            .collect();
        problems.push(source.problem_at(
            0,
            &[],
            format!(
                "unknown seed file `{name}`; expected one of {}",
                expected.join(", ")
            ),
        ));
        return;
    };
    let top: std::collections::BTreeMap<String, &'a RawValue> = match serde_json::from_str(text) {
        Ok(top) => top,
        Err(e) => {
            let (line, column) = (e.line().max(1), e.column().max(1));
            let message = if e.is_data() {
                "the file must be a JSON object with a `{}` array".replace("{}", kind.plural())
            } else {
                format!("malformed JSON: {}", strip_position(&e.to_string()))
            };
            problems.push(Problem {
                file: name.to_owned(),
                line,
                column,
                path: "$".into(),
                message,
            });
            return;
        }
    };
    for (key, value) in &top {
        if key != "$schema" && key != kind.plural() {
            let offset = source.offset_of(value.get());
            problems.push(source.problem_at(
                offset,
                &[Step::Key(key.clone())],
                format!(
                    "unknown field `{key}`; expected `$schema` or `{}`",
                    kind.plural()
                ),
            ));
        }
    }
    let Some(array) = top.get(kind.plural()) else {
        problems.push(source.problem_at(0, &[], format!("missing field `{}`", kind.plural())));
        return;
    };
    let items: Vec<&'a RawValue> = match serde_json::from_str(array.get()) {
        Ok(items) => items,
        Err(_) => {
            let offset = source.offset_of(array.get());
            problems.push(source.problem_at(
                offset,
                &[Step::key(kind.plural())],
                "expected an array of records",
            ));
            return;
        }
    };
    for (index, raw) in items.into_iter().enumerate() {
        let base = vec![Step::key(kind.plural()), Step::Index(index)];
        match files::parse_record(kind, raw.get()) {
            Ok(record) => records.push(Located {
                record,
                text: SourceText { file: name, text },
                raw,
                base,
            }),
            Err(e) => {
                // serde_json reports where it stopped reading (the closing quote of a bad ID, the
                // closing brace of a record missing a field); a problem points at the start of the
                // offending value, or of the nearest enclosing one, like every other problem.
                let mut steps = Vec::new();
                for segment in e.path() {
                    match segment {
                        serde_path_to_error::Segment::Seq { index } => {
                            steps.push(Step::Index(*index))
                        }
                        serde_path_to_error::Segment::Map { key } => steps.push(Step::key(key)),
                        serde_path_to_error::Segment::Enum { .. } => {}
                        serde_path_to_error::Segment::Unknown => break,
                    }
                }
                let offset = source.locate(raw, &steps);
                let mut full = base;
                full.extend(steps);
                problems.push(source.problem_at(
                    offset,
                    &full,
                    strip_position(&e.inner().to_string()),
                ));
            }
        }
    }
}

/// serde_json appends " at line L column C"; the problem states its position itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
