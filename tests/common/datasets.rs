//! Two datasets a test swaps between, and what each answers: the embedded one and synthetic
//! ones from `capgraph generate`; seeding them as an operator does; and asking a server which
//! one answers.

use std::path::{Path, PathBuf};

use capgraph::seed::{self, SeedFiles};
use capgraph::store::dataset_digest;
use reqwest::blocking::Client;
use serde_json::{json, Value};

use super::command::{capgraph, text};

/// The dataset's digest with a field read from the data itself, which differs between the two
/// datasets: a response mixing them would pair a digest with the other's first project.
pub const QUERY: &str = "{ dataset { digest } projects(first: 1) { edges { node { id } } } }";

/// What one dataset answers to [`QUERY`], computed from its seed files.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub digest: String,
    pub first_project: String,
}

impl Expected {
    fn of(files: &SeedFiles, projects_json: &Path) -> Expected {
        let dataset = seed::load(files).expect("the seed files load");
        let file: Value = serde_json::from_str(
            &std::fs::read_to_string(projects_json).expect("projects.json reads"),
        )
        .expect("projects.json is JSON");
        let first_project = file["projects"]
            .as_array()
            .expect("a list of projects")
            .iter()
            .filter_map(|p| p["id"].as_str())
            .min()
            .expect("some project")
            .to_owned();
        Expected {
            digest: dataset_digest(&dataset).expect("the dataset encodes"),
            first_project,
        }
    }

    pub fn embedded() -> Expected {
        let projects = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/projects.json");
        Expected::of(&SeedFiles::embedded(), &projects)
    }
}

/// A synthetic dataset written by `capgraph generate`, and what it answers.
pub fn generated(dir: &Path, seed: u64) -> (PathBuf, Expected) {
    let out = dir.join(format!("generated-{seed}"));
    let run = capgraph()
        .args([
            "generate",
            "--scale",
            "1",
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("capgraph generate runs");
    assert!(run.status.success(), "{}", text(&run.stderr));
    let files = SeedFiles::from_dir(&out).expect("the generated files read");
    let expected = Expected::of(&files, &out.join("projects.json"));
    (out, expected)
}

/// `capgraph seed --from FROM --data DATA`, as an operator runs it beside the server.
pub fn seed_from(from: Option<&Path>, data: &Path) {
    let mut command = capgraph();
    command.arg("seed");
    if let Some(from) = from {
        command.arg("--from").arg(from);
    }
    let run = command
        .arg("--data")
        .arg(data)
        .output()
        .expect("capgraph seed runs");
    assert!(run.status.success(), "{}", text(&run.stderr));
}

/// One answer as a client sees it.
#[derive(Debug)]
pub struct Answer {
    pub digest: String,
    pub first_project: String,
    /// The ETag of a GET answer.
    pub etag: Option<String>,
}

/// Asks [`QUERY`] by POST, and every third time by GET (which carries an ETag).
pub fn ask(client: &Client, base: &str, n: u64) -> Result<Answer, String> {
    let url = format!("{base}/graphql");
    let request = if n.is_multiple_of(3) {
        client.get(&url).query(&[("query", QUERY)])
    } else {
        client.post(&url).json(&json!({ "query": QUERY }))
    };
    let response = request.send().map_err(|e| format!("no answer: {e}"))?;
    let status = response.status();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = response.json().map_err(|e| format!("not JSON: {e}"))?;
    if status != 200 || body.get("errors").is_some() {
        return Err(format!("{status}: {body}"));
    }
    let field = |value: &Value| value.as_str().map(str::to_owned);
    Ok(Answer {
        digest: field(&body["data"]["dataset"]["digest"]).ok_or(format!("no digest: {body}"))?,
        first_project: field(&body["data"]["projects"]["edges"][0]["node"]["id"])
            .ok_or(format!("no project: {body}"))?,
        etag,
    })
}

/// Which of `datasets` answered, or what is wrong: an unknown digest, or a response that pairs
/// one dataset's digest with another's data.
pub fn dataset_of<'a>(answer: &Answer, datasets: &[&'a Expected]) -> Result<&'a Expected, String> {
    let dataset = datasets
        .iter()
        .find(|d| d.digest == answer.digest)
        .ok_or_else(|| format!("an answer from no known dataset: {answer:?}"))?;
    if answer.first_project != dataset.first_project {
        return Err(format!("a response mixed two datasets: {answer:?}"));
    }
    Ok(dataset)
}
