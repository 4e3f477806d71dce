//! Seed problems and where they are: file, line:column, JSON path, what is wrong.

use std::fmt;

use serde_json::value::RawValue;

/// One thing wrong with the seed data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File name inside the seed directory, e.g. `projects.json`.
    pub file: String,
    /// 1-based line and column of the offending value (or of the nearest enclosing one).
    pub line: usize,
    pub column: usize,
    /// JSONPath of the offending value, e.g. `$.projects[3].participants[0].enterprise`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.path, self.message
        )
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    pub fn key(name: &str) -> Step {
        Step::Key(name.to_owned())
    }
}

/// Renders steps below `$` as a JSONPath.
pub fn json_path(steps: &[Step]) -> String {
    let mut path = String::from("$");
    for step in steps {
        match step {
            Step::Key(k) if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                path.push('.');
                path.push_str(k);
            }
            Step::Key(k) => path.push_str(&format!("[{}]", serde_json::Value::from(k.as_str()))),
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

/// A seed file's text, able to turn byte offsets and paths into line:column.
pub struct SourceText<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl<'a> SourceText<'a> {
    /// Line and column (1-based, in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// Byte offset of `raw`, a slice borrowed from this text.
    pub fn offset_of(&self, raw: &str) -> usize {
        (raw.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    /// The byte offset of the value at `steps` below `root`, or of the deepest value on the way
    /// that exists. Uses borrowed raw values, so the offsets point into this text.
    pub fn locate(&self, root: &'a RawValue, steps: &[Step]) -> usize {
        let mut current: &'a RawValue = root;
        for step in steps {
            let next: Option<&'a RawValue> = match step {
                Step::Key(k) => serde_json::from_str::<
                    std::collections::BTreeMap<String, &'a RawValue>,
                >(current.get())
                .ok()
                .and_then(|map| map.get(k).copied()),
                Step::Index(i) => serde_json::from_str::<Vec<&'a RawValue>>(current.get())
                    .ok()
                    .and_then(|list| list.get(*i).copied()),
            };
            match next {
                Some(value) => current = value,
                None => break,
            }
        }
        self.offset_of(current.get())
    }

    pub fn problem_at(&self, offset: usize, steps: &[Step], message: impl Into<String>) -> Problem {
        let (line, column) = self.position(offset);
        Problem {
            file: self.file.to_owned(),
            line,
            column,
            path: json_path(steps),
            message: message.into(),
        }
    }
}
