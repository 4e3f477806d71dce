//! Data-quality checks run by `capgraph seed --check` on top of loading, one module per thing
//! checked: `sources` (none unused or repeated, rehosts marked, dates their URLs spell out),
//! `enterprises` (a Chinese participant in every project, sane parent groups, finished
//! projects dated), `money` (figures converted with `exchange-rates.json`) and `coverage`
//! (the figures printed); from `gaps`, the hints listed for contributors. This module owns the
//! [`Report`] and the order the checks run in.
//!
//! Loading (`seed::load`) only asks whether the files make a consistent graph, so synthetic and
//! exported datasets still load; these checks ask whether the real dataset is trustworthy.
//! They read the seed files as plain JSON and never touch the store.

mod coverage;
mod enterprises;
mod money;
mod sources;

use std::collections::BTreeMap;

use serde_json::Value;

use super::gaps::{self, Gap};
use super::report::Problem;
use super::SeedFiles;

pub use money::{rate_table, RATES_FILE};
pub use sources::{host, rehost_problem, source_kind, url_date};

/// What the checks found: problems fail `seed --check`; warnings and coverage are printed.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Figures that cannot be converted (no year, or no published rate for that year).
    pub warnings: Vec<String>,
    /// Human-readable coverage lines.
    pub coverage: Vec<String>,
    /// Hints for contributors (descriptive titles, undated USD figures); never fatal.
    pub gaps: Vec<Gap>,
}

fn problem(file: &str, path: String, message: String) -> Problem {
    Problem {
        file: file.to_owned(),
        line: 1,
        column: 1,
        path,
        message,
    }
}

pub(super) fn array<'a>(files: &'a BTreeMap<String, Value>, kind: &str) -> &'a [Value] {
    files
        .get(&format!("{kind}.json"))
        .and_then(|v| v.get(kind))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

pub(super) fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Runs every check on seed files that have already loaded without problems.
pub fn run(seed: &SeedFiles) -> Report {
    let mut report = Report::default();
    let mut files = BTreeMap::new();
    for (name, text) in &seed.files {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                files.insert(name.clone(), v);
            }
            Err(e) => report
                .problems
                .push(problem(name, "$".into(), e.to_string())),
        }
    }
    sources::check(&files, &mut report);
    enterprises::check(&files, &mut report);
    money::check(&files, &mut report);
    coverage::figures(&files, &mut report);
    report.gaps = gaps::find(&files);
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny dataset that passes every check; each test breaks one thing in it.
    pub(super) fn good() -> BTreeMap<&'static str, Value> {
        BTreeMap::from([
            (
                "sources.json",
                serde_json::json!({"sources": [
                    {"id": "source:a", "title": "A", "publisher": "Xinhua", "date": "2020-01-02",
                     "url": "http://www.news.cn/a"},
                    {"id": "source:fx", "title": "Rates", "date": "2024", "url": "https://example.org/fx"}
                ]}),
            ),
            (
                "enterprises.json",
                serde_json::json!({"enterprises": [
                    {"id": "enterprise:group", "name": "Group", "headquarters": "country:CN",
                     "sources": ["source:a"]},
                    {"id": "enterprise:sub", "name": "Sub", "parent": {"enterprise": "enterprise:group"},
                     "sources": ["source:a"]}
                ]}),
            ),
            (
                "projects.json",
                serde_json::json!({"projects": [
                    {"id": "project:p", "name": "P", "hostCountries": ["country:KH"], "sectors": ["sector:ports"],
                     "participants": [{"enterprise": "enterprise:sub", "role": "CONTRACTOR"}],
                     "status": "OPERATIONAL", "completionYear": 2015,
                     "value": [{"amount": 3000.0, "currency": "THB", "year": 2015, "usd": 100.0}],
                     "sources": ["source:a"]}
                ]}),
            ),
            (
                RATES_FILE,
                serde_json::json!({"rates": [{"currency": "THB", "perUsd": {"2015": 30.0}, "sources": ["source:fx"]}]}),
            ),
        ])
    }

    pub(super) fn report_of(files: BTreeMap<&'static str, Value>) -> Report {
        let seed = SeedFiles {
            files: files
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v.to_string()))
                .collect(),
            origin: "test".into(),
        };
        run(&seed)
    }

    #[track_caller]
    pub(super) fn fails_with(files: BTreeMap<&'static str, Value>, needle: &str) {
        let report = report_of(files);
        assert!(
            report.problems.iter().any(|p| p.message.contains(needle)),
            "no problem containing `{needle}` in {:#?}",
            report.problems
        );
    }

    #[test]
    fn the_good_dataset_passes() {
        let report = report_of(good());
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
        assert!(
            report.gaps.iter().all(|g| g.items.is_empty()),
            "{:#?}",
            report.gaps
        );
    }

    /// The items listed under the gap whose heading contains `heading`.
    fn gap<'r>(report: &'r Report, heading: &str) -> &'r [String] {
        let found = report.gaps.iter().find(|g| g.heading.contains(heading));
        &found.unwrap_or_else(|| panic!("no gap `{heading}`")).items
    }

    #[test]
    fn a_title_that_describes_the_page_is_listed_but_does_not_fail() {
        let mut files = good();
        files.get_mut("sources.json").unwrap()["sources"][0]["title"] =
            serde_json::json!("Report on the port");
        let report = report_of(files);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert_eq!(
            gap(&report, "titles"),
            ["source:a: \"Report on the port\"".to_owned()]
        );
    }

    #[test]
    fn a_start_year_that_repeats_a_loan_is_listed_but_does_not_fail() {
        let mut files = good();
        let project = &mut files.get_mut("projects.json").unwrap()["projects"][0];
        project["startYear"] = serde_json::json!(2015);
        project["value"][0]["label"] = serde_json::json!("buyer's credit");
        let report = report_of(files);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert_eq!(
            gap(&report, "start years"),
            [
                "project:p $.projects[0].startYear: 2015 is the year of its buyer's credit; \
              no note says building began then"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn a_usd_figure_without_a_year_is_listed_but_does_not_fail() {
        let mut files = good();
        files.get_mut("projects.json").unwrap()["projects"][0]["value"] = serde_json::json!(
            [{"amount": 5.0e8, "currency": "USD", "usd": 5.0e8, "label": "loan"}]
        );
        let report = report_of(files);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert_eq!(
            gap(&report, "USD figures"),
            ["project:p $.projects[0].value[0]: US$ 500000000 (loan)".to_owned()]
        );
    }
}
