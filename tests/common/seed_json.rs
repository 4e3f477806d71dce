//! The seed files as plain JSON: what the dataset says, read independently of the code under
//! test, so that tests compute what to expect rather than copy it from an answer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

use serde_json::Value;

/// The seed files as plain JSON: what the dataset says, independently of the server.
pub struct Seed {
    pub projects: Vec<Value>,
    pub enterprises: Vec<Value>,
    pub countries: Vec<Value>,
    pub sectors: Vec<Value>,
    pub zones: Vec<Value>,
    pub indicators: Vec<Value>,
}

/// The embedded dataset's seed files, read once.
pub fn seed() -> &'static Seed {
    static SEED: LazyLock<Seed> = LazyLock::new(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
        let read = |kind: &str| -> Vec<Value> {
            let path = dir.join(format!("{kind}.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let file: Value = serde_json::from_str(&text).expect("seed files are JSON");
            file[kind].as_array().expect("a list of records").clone()
        };
        Seed {
            projects: read("projects"),
            enterprises: read("enterprises"),
            countries: read("countries"),
            sectors: read("sectors"),
            zones: read("zones"),
            indicators: read("indicators"),
        }
    });
    &SEED
}

/// The strings of a JSON list field (empty when absent).
pub fn strings(record: &Value, field: &str) -> Vec<String> {
    record[field]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

impl Seed {
    pub fn project(&self, id: &str) -> &Value {
        self.projects
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("the seed has {id}"))
    }

    /// The record's parent (a sector's `parent`, an enterprise's `parent.enterprise`), if any.
    pub fn parent(record: &Value) -> Option<String> {
        match &record["parent"] {
            Value::String(p) => Some(p.clone()),
            Value::Object(o) => Some(o.get("enterprise")?.as_str()?.to_owned()),
            _ => None,
        }
    }

    /// How many `parent` links lead up from `id` to the top of its hierarchy.
    pub fn depth(records: &[Value], id: &str) -> usize {
        let mut depth = 0;
        let mut current = id.to_owned();
        while let Some(parent) = records
            .iter()
            .find(|r| r["id"] == current.as_str())
            .and_then(Self::parent)
        {
            depth += 1;
            current = parent;
            assert!(depth < 100, "a cycle of parents through {id}");
        }
        depth
    }

    /// `root` and everything below it, following `parent` links (sectors or enterprises).
    pub fn descendants(records: &[Value], root: &str) -> BTreeSet<String> {
        let parent_of: BTreeMap<String, String> = records
            .iter()
            .filter_map(|r| Some((r["id"].as_str()?.to_owned(), Self::parent(r)?)))
            .collect();
        records
            .iter()
            .filter_map(|r| r["id"].as_str())
            .filter(|id| {
                let mut current = Some(id.to_string());
                while let Some(c) = current {
                    if c == root {
                        return true;
                    }
                    current = parent_of.get(&c).cloned();
                }
                false
            })
            .map(str::to_owned)
            .collect()
    }

    /// IDs of the projects for which `keep` holds.
    pub fn project_ids(&self, keep: impl Fn(&Value) -> bool) -> BTreeSet<String> {
        self.projects
            .iter()
            .filter(|p| keep(p))
            .map(|p| p["id"].as_str().expect("an id").to_owned())
            .collect()
    }

    /// The enterprises taking part in a project.
    pub fn participants(project: &Value) -> Vec<String> {
        project["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["enterprise"].as_str().expect("an id").to_owned())
            .collect()
    }

    /// A project's headline USD value: the first figure that states one.
    pub fn value_usd(project: &Value) -> Option<f64> {
        project["value"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|m| m["usd"].as_f64())
    }

    pub fn hosted_in(project: &Value, country: &str) -> bool {
        strings(project, "hostCountries")
            .iter()
            .any(|c| c == country)
    }
}
