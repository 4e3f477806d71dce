//! Gaps that `seed --check` lists for contributors to fill without failing: source titles that
//! read as a description of the page rather than its headline, US-dollar figures with no year,
//! and start years that only repeat the year of a loan or contract; owns only these judgements
//! and reads the seed files as plain JSON.
//!
//! All are hints, not problems: a real headline may end in "report", some sources state a
//! figure without saying which year it belongs to, and works do sometimes begin the year a
//! contract is signed. So they are printed, never fatal.

use std::collections::BTreeMap;

use serde_json::Value;

use super::checks::{array, str_of};

/// One kind of gap and every record that has it, as printed under its heading.
#[derive(Debug)]
pub struct Gap {
    /// What the listed items lack, e.g. "USD figures without a year".
    pub heading: &'static str,
    /// One line per record: its ID, where in the file, and what to look at.
    pub items: Vec<String>,
}

/// Words that, closing a title, name the kind of page instead of quoting its headline.
const KIND_WORDS: &[&str] = &["report", "profile", "feature", "coverage", "page"];

/// Phrases that describe what a page is about instead of quoting it.
const ABOUT: &[&str] = &[
    "report on ",
    "news item on ",
    "news on ",
    "feature on ",
    "coverage of ",
];

/// Words in a figure's label that make it a deal (a loan, a credit, a contract) rather than a
/// cost: the year of a deal is not the year building began.
const DEAL_WORDS: &[&str] = &["loan", "credit", "contract", "award", "agreement"];

/// Words that, in the same clause of a note as a year, say that building began that year.
const BUILD_WORDS: &[&str] = &[
    "construction",
    "build",
    "built",
    "works",
    "ground",
    "cornerstone",
    "began",
    "start",
];

/// The label of the deal whose year a project's `startYear` repeats, when no note says that
/// building began that year: such a start year is likely the loan's or the award's, not the
/// start of construction.
pub fn start_year_from_a_deal(project: &Value) -> Option<String> {
    let start = project.get("startYear").and_then(Value::as_i64)?;
    let figures = project.get("value").and_then(Value::as_array)?;
    let deal = figures.iter().find_map(|m| {
        let label = str_of(m, "label")?;
        let lower = label.to_lowercase();
        let is_deal = DEAL_WORDS.iter().any(|w| lower.contains(w));
        (is_deal && m.get("year").and_then(Value::as_i64) == Some(start)).then_some(label)
    })?;
    let year = start.to_string();
    let notes = project.get("notes").and_then(Value::as_array);
    let said = notes
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .flat_map(|n| n.split(['.', ';']))
        .any(|clause| {
            let lower = clause.to_lowercase();
            lower.contains(&year) && BUILD_WORDS.iter().any(|w| lower.contains(w))
        });
    (!said).then(|| deal.to_owned())
}

/// Whether a title reads as a description ("Report on the X", "X completion report",
/// "Y company profile") rather than the page's own headline. A closing parenthetical such as
/// "(Japanese-language)" annotates the title, so only what comes before it is judged; a
/// headline like "Vietnam aims to start production in September-report" is left alone.
pub fn descriptive_title(title: &str) -> bool {
    let lower = title.trim().to_lowercase();
    let core = lower
        .strip_suffix(')')
        .and_then(|t| t.rfind('(').map(|open| t[..open].trim_end()))
        .unwrap_or(&lower);
    let about = ABOUT
        .iter()
        .any(|a| core.starts_with(a) || core.contains(&format!(" {a}")));
    let kind = KIND_WORDS.iter().any(|word| {
        core.strip_suffix(word)
            .is_some_and(|rest| rest.ends_with(' '))
    });
    about || kind
}

/// Every gap in the dataset, each heading in a fixed order.
pub fn find(files: &BTreeMap<String, Value>) -> Vec<Gap> {
    let titles = array(files, "sources")
        .iter()
        .filter_map(|s| {
            let title = str_of(s, "title")?;
            let id = str_of(s, "id").unwrap_or_default();
            descriptive_title(title).then(|| format!("{id}: \"{title}\""))
        })
        .collect();
    let mut undated = Vec::new();
    for (i, p) in array(files, "projects").iter().enumerate() {
        let id = str_of(p, "id").unwrap_or_default();
        let figures = p.get("value").and_then(Value::as_array);
        for (j, m) in figures.into_iter().flatten().enumerate() {
            // Other currencies without a year are already listed as unconverted.
            if str_of(m, "currency") == Some("USD") && m.get("year").is_none() {
                let amount = m.get("amount").and_then(Value::as_f64).unwrap_or(0.0);
                let label = str_of(m, "label").unwrap_or("no label");
                undated.push(format!(
                    "{id} $.projects[{i}].value[{j}]: US$ {amount} ({label})"
                ));
            }
        }
    }
    let starts = array(files, "projects")
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let deal = start_year_from_a_deal(p)?;
            let id = str_of(p, "id").unwrap_or_default();
            let year = p.get("startYear").and_then(Value::as_i64).unwrap_or_default();
            Some(format!(
                "{id} $.projects[{i}].startYear: {year} is the year of its {deal}; no note says building began then"
            ))
        })
        .collect();
    vec![
        Gap {
            heading: "titles that read as descriptions, not headlines",
            items: titles,
        },
        Gap {
            heading: "USD figures without a year",
            items: undated,
        },
        Gap {
            heading: "start years that repeat a loan or contract year",
            items: starts,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_year_that_only_repeats_a_deal_is_told_apart() {
        let mut project = serde_json::json!({
            "id": "project:p", "startYear": 2015,
            "value": [{"amount": 1.0, "currency": "USD", "year": 2015, "label": "China Exim Bank loan"}],
            "notes": ["Loan signed in May 2015 [source:a]."]
        });
        assert_eq!(
            start_year_from_a_deal(&project).as_deref(),
            Some("China Exim Bank loan")
        );
        project["notes"][0] =
            serde_json::json!("Loan signed in May 2015; construction began in 2015.");
        assert_eq!(start_year_from_a_deal(&project), None);
        project["notes"][0] = serde_json::json!("Construction began in 2016.");
        project["value"][0]["label"] = serde_json::json!("total cost");
        assert_eq!(start_year_from_a_deal(&project), None);
    }

    #[test]
    fn descriptions_are_told_from_headlines() {
        for title in [
            "Report on the Thai–Chinese high-speed railway",
            "Nam Ou cascade hydropower completion report",
            "Kuantan Port report (Japanese-language)",
            "DPWH report on the China-funded Manila bridges",
            "PowerChina news on the Nam Ou cascade",
            "News item on ASEAN as China's largest trading partner",
            "CHMC company profile",
            "Suramadu Bridge feature",
            "Vang Vieng expressway coverage (Thai-language tag page)",
            "Forest City review page",
        ] {
            assert!(descriptive_title(title), "{title}");
        }
        for title in [
            "Malaysia's Kuantan Port to double annual capacity to 52 million tonnes",
            "Vietnam aims to start alumina production in September-report",
            "Chinese embassy denies backing off from Northrail project (Xinhua report)",
            "Reporters visit the dam",
            "Progress Updates",
        ] {
            assert!(!descriptive_title(title), "{title}");
        }
    }
}
