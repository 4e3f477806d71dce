//! Coverage: the figures `seed --check` prints about the dataset (projects by host country,
//! sector tier and status, zones by country, how many are located, how many sources have a URL
//! or a date, and by kind of site); never a problem.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::sources::source_kind;
use super::{array, str_of, Report};

/// Counts the coverage figures into `report.coverage`, one line each.
pub(super) fn figures(files: &BTreeMap<String, Value>, report: &mut Report) {
    let projects = array(files, "projects");
    let sectors = array(files, "sectors");
    let parent: HashMap<&str, &str> = sectors
        .iter()
        .filter_map(|s| Some((str_of(s, "id")?, str_of(s, "parent")?)))
        .collect();
    let tier = |start: &str| -> String {
        let mut s = start.to_owned();
        for _ in 0..16 {
            match parent.get(s.as_str()) {
                Some(p) => s = (*p).to_owned(),
                None => break,
            }
        }
        s.trim_start_matches("sector:").to_owned()
    };
    let with_url: BTreeSet<&str> = array(files, "sources")
        .iter()
        .filter(|s| s.get("url").is_some())
        .filter_map(|s| str_of(s, "id"))
        .collect();
    let mut by_country: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_tier: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let (mut located, mut sourced) = (0, 0);
    for p in projects {
        for c in p
            .get("hostCountries")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let c = c
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("country:");
            *by_country.entry(c.to_owned()).or_default() += 1;
        }
        let tiers: BTreeSet<String> = p
            .get("sectors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(tier)
            .collect();
        for t in tiers {
            *by_tier.entry(t).or_default() += 1;
        }
        *by_status
            .entry(str_of(p, "status").unwrap_or("UNKNOWN").to_owned())
            .or_default() += 1;
        located += usize::from(p.get("location").is_some());
        let ids = p.get("sources").and_then(Value::as_array);
        sourced += usize::from(
            ids.into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|s| with_url.contains(s)),
        );
    }
    let join = |m: &BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let zones = array(files, "zones");
    let zones_located = zones.iter().filter(|z| z.get("location").is_some()).count();
    let mut zones_by_country: BTreeMap<String, usize> = BTreeMap::new();
    for z in zones {
        let c = str_of(z, "country").unwrap_or_default();
        *zones_by_country
            .entry(c.trim_start_matches("country:").to_owned())
            .or_default() += 1;
    }
    let sources = array(files, "sources");
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for s in sources {
        let kind = source_kind(str_of(s, "publisher"), str_of(s, "url"));
        *by_kind.entry(kind.to_owned()).or_default() += 1;
    }
    let undated = sources.iter().filter(|s| s.get("date").is_none()).count();
    report.coverage = vec![
        format!("projects by host country: {}", join(&by_country)),
        format!("projects by sector tier: {}", join(&by_tier)),
        format!("projects by status: {}", join(&by_status)),
        format!("zones by country: {}", join(&zones_by_country)),
        format!(
            "projects located: {located} of {}; zones located: {zones_located} of {}",
            projects.len(),
            zones.len()
        ),
        format!(
            "projects with a source that has a URL: {sourced} of {}",
            projects.len()
        ),
        format!("sources by kind: {}", join(&by_kind)),
        format!("sources without a date: {undated} of {}", sources.len()),
    ];
}
