//! Seed files read one record at a time, so that seeding a million projects holds one record of
//! text, not hundreds of megabytes of it: a first pass gathers every ID and parent link, a second
//! checks each record against them and hands on its node and edges.
//!
//! The stream only decides whether the files are regular: it stops at the first problem or
//! oddity, and the caller then reads them whole with [`super::load`], which reports every problem
//! with its line and column (or, for an oddity that is no problem, such as a key written twice,
//! loads them as it always has). Both use the same checks (`validate`) and conversion.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufReader, Read};
use std::marker::PhantomData;
use std::path::PathBuf;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::files::RecordOf;
use super::report::{SourceText, Step};
use super::validate::{check_record, links_in_cycles, ParentLink};
use super::{checks, convert, json_file_names, Located, SeedError, EMBEDDED};
use crate::model::{Edge, Id, Kind, Node};

/// Where seed files are read from.
#[derive(Debug, Clone)]
pub enum Input {
    /// The dataset compiled into this binary.
    Embedded,
    /// Every `*.json` file directly inside a directory.
    Dir(PathBuf),
}

impl Input {
    /// Where the files came from, as [`super::SeedFiles::origin`] says it.
    pub fn origin(&self) -> String {
        match self {
            Input::Embedded => "embedded".to_owned(),
            Input::Dir(dir) => dir.display().to_string(),
        }
    }

    /// The record files' names, in name order, as [`super::load`] reads them.
    fn record_files(&self) -> Result<Vec<String>, SeedError> {
        let mut names = match self {
            Input::Embedded => EMBEDDED
                .files()
                .filter_map(|f| f.path().to_str())
                .map(str::to_owned)
                .collect(),
            Input::Dir(dir) => json_file_names(dir)?,
        };
        names.retain(|name| name.ends_with(".json") && name != checks::RATES_FILE);
        names.sort();
        Ok(names)
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + '_>, SeedError> {
        match self {
            Input::Embedded => {
                let contents = EMBEDDED.get_file(name).map_or(&[][..], |f| f.contents());
                Ok(Box::new(contents))
            }
            Input::Dir(dir) => {
                let path = dir.join(name);
                let file =
                    std::fs::File::open(&path).map_err(|source| SeedError::Io { path, source })?;
                Ok(Box::new(BufReader::with_capacity(1 << 20, file)))
            }
        }
    }
}

/// Why a stream stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError<E> {
    /// A file could not be read.
    #[error(transparent)]
    Seed(SeedError),
    /// The files hold a problem, or something the stream does not read; [`super::load`] reads
    /// them whole and says what.
    #[error("the seed files need to be read whole")]
    Irregular,
    /// The sink refused a record.
    #[error(transparent)]
    Sink(E),
}

impl<E> From<E> for StreamError<E> {
    fn from(e: E) -> StreamError<E> {
        StreamError::Sink(e)
    }
}

/// Reads, checks and converts every record of `input`, handing each node and the edges its
/// record states to `sink`, in file order. Stops at the first problem: see the module's note.
pub fn stream<E>(
    input: &Input,
    mut sink: impl FnMut(Node, Vec<Edge>) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    let mut files = Vec::new();
    for name in input.record_files().map_err(StreamError::Seed)? {
        let kind = Kind::ALL
            .into_iter()
            .find(|k| format!("{}.json", k.plural()) == name)
            .ok_or(StreamError::Irregular)?;
        files.push((name, kind));
    }
    let known = gather_ids(input, &files)?;

    // Problems found here are not reported (the stream stops, and `load` finds them again with
    // their positions), so a record is checked without its text.
    let no_text = RawValue::from_string("{}".to_owned()).expect("`{}` is JSON");
    for (name, kind) in &files {
        let mut failure = None;
        let reader = input.open(name).map_err(StreamError::Seed)?;
        let regular = each_record(
            reader,
            kind.plural(),
            || RecordOf(*kind),
            &mut |index, record| {
                let located = Located {
                    record,
                    text: SourceText {
                        file: name,
                        text: no_text.get(),
                    },
                    raw: &no_text,
                    base: vec![Step::key(kind.plural()), Step::Index(index)],
                };
                let mut problems = Vec::new();
                check_record(&located, |id| known.get(id).copied(), &mut problems);
                if !problems.is_empty() {
                    return false;
                }
                let (node, edges) = convert::to_parts(located.record);
                match sink(node, edges) {
                    Ok(()) => true,
                    Err(e) => {
                        failure = Some(e);
                        false
                    }
                }
            },
        );
        if let Some(e) = failure {
            return Err(StreamError::Sink(e));
        }
        if !regular {
            return Err(StreamError::Irregular);
        }
    }
    Ok(())
}

/// The first pass: every ID with its kind. Irregular when a record has no readable ID, is in
/// the wrong file or repeats an ID, or when a parent chain loops.
fn gather_ids<E>(
    input: &Input,
    files: &[(String, Kind)],
) -> Result<HashMap<Id, Kind>, StreamError<E>> {
    let mut known: HashMap<Id, Kind> = HashMap::new();
    let mut parents: Vec<(Id, Id)> = Vec::new();
    for (name, kind) in files {
        let reader = input.open(name).map_err(StreamError::Seed)?;
        // The second pass reads whole records; this one skips all but two fields.
        let regular = each_record(
            reader,
            kind.plural(),
            PhantomData::<Skeleton>::default,
            &mut |_, skeleton| {
                if skeleton.id.kind() != *kind {
                    return false;
                }
                if let Some(parent) = skeleton.parent {
                    parents.push((skeleton.id.clone(), parent.id()));
                }
                let kind = skeleton.id.kind();
                known.insert(skeleton.id, kind).is_none()
            },
        );
        if !regular {
            return Err(StreamError::Irregular);
        }
    }
    let links: Vec<ParentLink<'_, ()>> = parents
        .iter()
        .map(|(child, parent)| ParentLink {
            child,
            parent,
            at: (),
            steps: Vec::new(),
        })
        .collect();
    if !links_in_cycles(&links).is_empty() {
        return Err(StreamError::Irregular);
    }
    Ok(known)
}

/// What the first pass reads of a record. A parent is a sector's ID, or an enterprise's group
/// with its ID under `enterprise` (the links `validate::ParentLink::of` reads from a record).
#[derive(serde::Deserialize)]
struct Skeleton {
    id: Id,
    #[serde(default)]
    parent: Option<Parent>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Parent {
    Sector(Id),
    Enterprise { enterprise: Id },
}

impl Parent {
    fn id(self) -> Id {
        match self {
            Parent::Sector(id) | Parent::Enterprise { enterprise: id } => id,
        }
    }
}

/// Calls `each` with the index and value of every record in one seed file, read by `seed`,
/// holding one record at a time, until it returns `false`. `false` too when a record does not
/// read, or the file is not JSON, or not an object with only `$schema` and the `plural` array.
fn each_record<T, S: for<'de> DeserializeSeed<'de, Value = T>>(
    reader: impl Read,
    plural: &str,
    seed: impl Fn() -> S,
    each: &mut dyn FnMut(usize, T) -> bool,
) -> bool {
    let mut file = FileVisitor {
        plural,
        records: Records {
            seed: &seed,
            each,
            stopped: false,
        },
        records_seen: false,
    };
    let mut json = serde_json::Deserializer::from_reader(reader);
    let read = (&mut file).deserialize(&mut json).and_then(|()| json.end());
    read.is_ok() && file.records_seen && !file.records.stopped
}

struct FileVisitor<'v, T, S> {
    plural: &'v str,
    records: Records<'v, T, S>,
    records_seen: bool,
}

impl<'de, T, S: for<'s> DeserializeSeed<'s, Value = T>> DeserializeSeed<'de>
    for &mut FileVisitor<'_, T, S>
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T, S: for<'s> DeserializeSeed<'s, Value = T>> Visitor<'de>
    for &mut FileVisitor<'_, T, S>
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` array", self.plural)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == self.plural && !self.records_seen {
                self.records_seen = true;
                map.next_value_seed(&mut self.records)?;
            } else if key == "$schema" {
                map.next_value::<IgnoredAny>()?;
            } else {
                self.records.stopped = true;
            }
            if self.records.stopped {
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

struct Records<'v, T, S> {
    seed: &'v dyn Fn() -> S,
    each: &'v mut dyn FnMut(usize, T) -> bool,
    /// `each` said stop, or the file has a key it should not.
    stopped: bool,
}

impl<'de, T, S: for<'s> DeserializeSeed<'s, Value = T>> DeserializeSeed<'de>
    for &mut Records<'_, T, S>
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T, S: for<'s> DeserializeSeed<'s, Value = T>> Visitor<'de> for &mut Records<'_, T, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(record) = seq.next_element_seed((self.seed)())? {
            if !(self.each)(index, record) {
                self.stopped = true;
                return Err(serde::de::Error::custom("stopped"));
            }
            index += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dataset;
    use crate::seed::SeedFiles;

    fn streamed(input: &Input) -> Result<Dataset, StreamError<std::convert::Infallible>> {
        let mut dataset = Dataset::default();
        stream(input, |node, edges| {
            dataset.nodes.push(node);
            dataset.edges.extend(edges);
            Ok(())
        })?;
        dataset.sort();
        Ok(dataset)
    }

    fn copy_of_embedded() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in SeedFiles::embedded().files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn streaming_yields_the_dataset_that_loading_whole_files_does() {
        let whole = super::super::load(&SeedFiles::embedded()).unwrap();
        let embedded = streamed(&Input::Embedded).unwrap();
        assert_eq!(embedded, whole);
        let dir = copy_of_embedded();
        let from_dir = streamed(&Input::Dir(dir.path().to_owned())).unwrap();
        assert_eq!(from_dir, whole);
    }

    #[test]
    fn a_problem_or_oddity_in_any_file_stops_the_stream_as_irregular() {
        type Damage = fn(String) -> String;
        let cases: [(&str, Damage); 5] = [
            // A reference to nothing, found only in the second pass.
            ("projects.json", |t| {
                t.replacen("\"country:", "\"country:zz", 1)
            }),
            // An ID defined twice.
            ("sectors.json", |t| {
                let first = t.find("\"id\": \"").unwrap() + 7;
                let second = t[first..].find("\"id\": \"").unwrap() + first + 7;
                let end = t[first..].find('"').unwrap() + first;
                let id = t[first..end].to_owned();
                let second_end = t[second..].find('"').unwrap() + second;
                format!("{}{}{}", &t[..second], id, &t[second_end..])
            }),
            // Not JSON.
            ("zones.json", |t| t.replacen('{', "{,", 1)),
            // A key the file may not have.
            ("sources.json", |t| t.replacen('{', "{\"extra\": 1,", 1)),
            // A record serde refuses.
            ("countries.json", |t| t.replacen("\"name\"", "\"nmae\"", 1)),
        ];
        for (file, damage) in cases {
            let dir = copy_of_embedded();
            let path = dir.path().join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            let damaged = damage(text.clone());
            assert_ne!(damaged, text, "{file}: the damage changed nothing");
            std::fs::write(&path, damaged).unwrap();
            let result = streamed(&Input::Dir(dir.path().to_owned()));
            assert!(
                matches!(result, Err(StreamError::Irregular)),
                "{file}: {:?}",
                result.map(|d| d.nodes.len())
            );
            assert!(
                super::super::load(&SeedFiles::from_dir(dir.path()).unwrap()).is_err(),
                "{file}: loading whole files finds the problem too"
            );
        }
    }

    #[test]
    fn an_unknown_file_name_stops_the_stream_as_irregular() {
        let dir = copy_of_embedded();
        std::fs::write(dir.path().join("ports.json"), "{}").unwrap();
        let result = streamed(&Input::Dir(dir.path().to_owned()));
        assert!(matches!(result, Err(StreamError::Irregular)));
    }
}
