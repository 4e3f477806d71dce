//! Data-quality checks run by `capgraph seed --check` on top of loading: no unused or duplicate
//! source, every rehost marked, a date on every source whose URL encodes one, a Chinese
//! participant in every project, sane parent groups, finished projects dated, money converted
//! with `exchange-rates.json`; also the coverage figures and, from `gaps`, the hints listed for
//! contributors.
//!
//! Loading (`seed::load`) only asks whether the files make a consistent graph, so synthetic and
//! exported datasets still load; these checks ask whether the real dataset is trustworthy.
//! They read the seed files as plain JSON and never touch the store.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::gaps::{self, Gap};
use super::report::Problem;
use super::SeedFiles;

/// The rate table's file name inside the seed directory; not a record file.
pub const RATES_FILE: &str = "exchange-rates.json";

/// Publishers that are often copied onto unrelated domains, with the domains that are their own.
/// A source naming one of them but read elsewhere must say so: `Xinhua (via example.com)`.
const WIRES: &[(&str, &[&str])] = &[
    ("xinhua", &["xinhuanet.com", "news.cn"]),
    (
        "china daily",
        &[
            "chinadaily.com.cn",
            "chinadailyasia.com",
            "chinadailyhk.com",
        ],
    ),
    ("people's daily", &["people.cn", "people.com.cn"]),
    ("cgtn", &["cgtn.com"]),
    ("global times", &["globaltimes.cn"]),
    ("china.org.cn", &["china.org.cn", "chinagate.cn"]),
    ("wikipedia", &["wikipedia.org"]),
];

/// A `usd` computed from the table may differ from `amount / rate` by this fraction (rounding).
const TOLERANCE: f64 = 0.01;

/// Hosts of finance trackers and project databases: a source read there counts as a dataset.
const DATASET_HOSTS: &[&str] = &[
    "aiddata.org",
    "bu.edu",
    "aei.org",
    "gem.wiki",
    "landmatrix.org",
    "thepeoplesmap.net",
    "ejatlas.org",
    "brimonitor.org",
    "databoks.katadata.co.id",
    "github.com",
];

/// Hosts of governments, intergovernmental bodies and the companies or agencies the source is
/// about, beyond those a government suffix (`.gov`, `.gov.xx`, `.go.xx`, `gouv.fr`) already
/// marks: a source read there counts as official.
const OFFICIAL_HOSTS: &[&str] = &[
    "asean.org",
    "ccccltd.cn",
    "chmc.cc",
    "crfeb.com.cn",
    "powerchina.cn",
    "cscec.com",
    "yoic.cn",
    "decent-china.com",
    "tssgroup.com.cn",
    "forestcityjohor.com",
    "nydc.com.mm",
    "ecerdc.com.my",
    "gaikindo.or.id",
    "investinquangninh.vn",
    "ccct.org.cn",
    "china-aseanbusiness.org.cn",
    "cria.org.cn",
];

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

/// The host of a URL without `www.` or `m.`.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let host = host.strip_prefix("m.").unwrap_or(host);
    Some(host.to_owned())
}

fn on_domain(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// Why a source's publisher misleads about where it is read, if it does.
pub fn rehost_problem(publisher: &str, url: &str) -> Option<String> {
    let host = host(url)?;
    if let Some(start) = publisher.find("(via ") {
        let via = publisher[start + 5..].trim_end_matches(')').trim();
        return (!on_domain(&host, via) && !on_domain(via, &host))
            .then(|| format!("publisher says it is read via `{via}`, but the URL is on `{host}`"));
    }
    // A publisher naming several wires ("China Daily/Xinhua") is at home on any of their domains.
    let lower = publisher.to_lowercase();
    let named: Vec<_> = WIRES
        .iter()
        .filter(|(name, _)| lower.contains(name))
        .collect();
    let at_home = named
        .iter()
        .any(|(_, own)| own.iter().any(|d| on_domain(&host, d)));
    (!named.is_empty() && !at_home).then(|| {
        format!(
            "a copy of a {} text on `{host}` must say so: `{publisher} (via {host})`",
            named[0].0
        )
    })
}

/// The publication date a URL's path spells out, as `YYYY-MM-DD` or `YYYY-MM`, if it has one:
/// `/2019-05/12/`, `/2019-05-12/`, `/20190512/`, `/2019/05/12/`, `/2019/0512/` or `/2019/05/`
/// as folders, or a `t20190512_123.html` page name. A year alone is not read as a date.
pub fn url_date(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let path = rest.split(['?', '#']).next()?;
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let year = |s: &str| digits(s, 4) && (1990..=2035).contains(&s.parse::<u32>().unwrap_or(0));
    let month = |s: &str| digits(s, 2) && (1..=12).contains(&s.parse::<u32>().unwrap_or(0));
    let day = |s: &str| digits(s, 2) && (1..=31).contains(&s.parse::<u32>().unwrap_or(0));
    let ymd =
        |y: &str, m: &str, d: &str| (year(y) && month(m) && day(d)).then(|| format!("{y}-{m}-{d}"));
    // A segment is a folder when another segment follows it; the last one is the page.
    let folder = |i: usize| i + 1 < segments.len();
    for (i, s) in segments.iter().enumerate() {
        if !folder(i) {
            break;
        }
        let next = segments.get(i + 1).copied().filter(|_| folder(i + 1));
        let after = segments.get(i + 2).copied().filter(|_| folder(i + 2));
        if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
            if let Some(d) = ymd(&s[..4], &s[5..7], &s[8..]) {
                return Some(d);
            }
        }
        if digits(s, 8) {
            if let Some(d) = ymd(&s[..4], &s[4..6], &s[6..]) {
                return Some(d);
            }
        }
        if s.len() == 7 && s.as_bytes()[4] == b'-' && year(&s[..4]) && month(&s[5..]) {
            return Some(match next.filter(|d| day(d)) {
                Some(d) => format!("{s}-{d}"),
                None => s.to_string(),
            });
        }
        if year(s) {
            if let Some(m) = next.filter(|m| month(m)) {
                return Some(match after.filter(|d| day(d)) {
                    Some(d) => format!("{s}-{m}-{d}"),
                    None => format!("{s}-{m}"),
                });
            }
            if let Some(d) = next
                .filter(|md| digits(md, 4))
                .and_then(|md| ymd(s, &md[..2], &md[2..]))
            {
                return Some(d);
            }
        }
    }
    // Chinese publishing systems name pages `t<yyyymmdd>_<n>.html`.
    let page = segments.last()?;
    let stamp = page.strip_prefix('t')?.split('_').next()?;
    (digits(stamp, 8) && page.len() > 10).then(|| ymd(&stamp[..4], &stamp[4..6], &stamp[6..]))?
}

/// Where a source is read, for the coverage figures: a copy on another site (`rehost`), a finance
/// tracker or project database (`dataset`), a government, intergovernmental body or the company
/// concerned (`official`), or else a news or other `publisher`.
pub fn source_kind(publisher: Option<&str>, url: Option<&str>) -> &'static str {
    if publisher.is_some_and(|p| p.contains("via ")) {
        return "rehost";
    }
    let Some(host) = url.and_then(host) else {
        return "publisher";
    };
    if DATASET_HOSTS.iter().any(|d| on_domain(&host, d)) {
        return "dataset";
    }
    let government = host.ends_with(".gov")
        || host.contains(".gov.")
        || host.contains(".go.")
        || on_domain(&host, "gouv.fr");
    if government || OFFICIAL_HOSTS.iter().any(|d| on_domain(&host, d)) {
        return "official";
    }
    "publisher"
}

/// Every `source:` ID mentioned anywhere in `value` (lists and `[source:…]` in notes).
fn mentions(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(i) = rest.find("source:") {
                let tail = &rest[i..];
                let end = tail
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:.".contains(c)))
                    .unwrap_or(tail.len());
                out.insert(tail[..end].trim_end_matches('.').to_owned());
                rest = &tail[end..];
            }
        }
        Value::Array(items) => items.iter().for_each(|v| mentions(v, out)),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "id")
            .for_each(|(_, v)| mentions(v, out)),
        _ => {}
    }
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
    sources(&files, &mut report);
    enterprises_and_projects(&files, &mut report);
    money(&files, &mut report);
    coverage(&files, &mut report);
    report.gaps = gaps::find(&files);
    report
}

fn sources(files: &BTreeMap<String, Value>, report: &mut Report) {
    let mut used = BTreeSet::new();
    for (name, value) in files {
        if name != "sources.json" {
            mentions(value, &mut used);
        }
    }
    let mut urls: HashMap<String, String> = HashMap::new();
    for (i, s) in array(files, "sources").iter().enumerate() {
        let id = str_of(s, "id").unwrap_or_default();
        let at = |field: &str| format!("$.sources[{i}]{field}");
        if !used.contains(id) {
            report.problems.push(problem(
                "sources.json",
                at(".id"),
                format!("`{id}` is cited nowhere; cite it where it belongs or remove it"),
            ));
        }
        if let Some(url) = str_of(s, "url") {
            let key = url.trim_end_matches('/').to_owned();
            if let Some(first) = urls.insert(key, id.to_owned()) {
                report.problems.push(problem(
                    "sources.json",
                    at(".url"),
                    format!("`{id}` has the same URL as `{first}`"),
                ));
            }
            if let Some(msg) = str_of(s, "publisher").and_then(|p| rehost_problem(p, url)) {
                report
                    .problems
                    .push(problem("sources.json", at(".publisher"), msg));
            }
            // A copy's URL dates the copy, not the original, so only sources read where they
            // were published are held to the date in their URL.
            let rehost = str_of(s, "publisher").is_some_and(|p| p.contains("via "));
            if let (false, Some(encoded)) = (rehost, url_date(url)) {
                let date = str_of(s, "date");
                let same = date.is_some_and(|d| {
                    d == encoded || (encoded.len() == 7 && d.starts_with(&format!("{encoded}-")))
                });
                if !same {
                    let found = date.map_or("no date".to_owned(), |d| format!("the date `{d}`"));
                    report.problems.push(problem(
                        "sources.json",
                        at(".date"),
                        format!("`{id}`: its URL is dated {encoded} but it has {found}"),
                    ));
                }
            }
        }
    }
}

fn enterprises_and_projects(files: &BTreeMap<String, Value>, report: &mut Report) {
    let enterprises = array(files, "enterprises");
    let by_id: HashMap<&str, &Value> = enterprises
        .iter()
        .filter_map(|e| Some((str_of(e, "id")?, e)))
        .collect();
    let parent_of = |e: &Value| {
        e.get("parent")
            .and_then(|p| str_of(p, "enterprise"))
            .and_then(|id| by_id.get(id).copied())
    };
    let names = |e: &Value| -> BTreeSet<String> {
        let mut all: BTreeSet<String> = e
            .get("aliases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_lowercase)
            .collect();
        all.extend(str_of(e, "name").map(str::to_lowercase));
        all
    };
    // Chinese: headquartered in China, or with an ancestor that is.
    let chinese = |e: &Value| {
        let mut seen = BTreeSet::new();
        let mut current = Some(e);
        while let Some(c) = current {
            if str_of(c, "headquarters") == Some("country:CN") {
                return true;
            }
            if !seen.insert(str_of(c, "id").unwrap_or_default()) {
                return false;
            }
            current = parent_of(c);
        }
        false
    };
    for (i, e) in enterprises.iter().enumerate() {
        let id = str_of(e, "id").unwrap_or_default();
        let Some(parent) = parent_of(e) else { continue };
        let pid = str_of(parent, "id").unwrap_or_default();
        if pid == id {
            report.problems.push(problem(
                "enterprises.json",
                format!("$.enterprises[{i}].parent"),
                format!("`{id}` is its own parent"),
            ));
        }
        if let Some(shared) = names(e).intersection(&names(parent)).next() {
            report.problems.push(problem(
                "enterprises.json",
                format!("$.enterprises[{i}].parent"),
                format!("`{id}` and its parent `{pid}` share the name `{shared}`: one company recorded twice?"),
            ));
        }
    }
    for (i, p) in array(files, "projects").iter().enumerate() {
        let id = str_of(p, "id").unwrap_or_default();
        let participants = p.get("participants").and_then(Value::as_array);
        let has_chinese = participants.into_iter().flatten().any(|row| {
            str_of(row, "enterprise")
                .and_then(|e| by_id.get(e))
                .is_some_and(|e| chinese(e))
        });
        if !has_chinese {
            report.problems.push(problem(
                "projects.json",
                format!("$.projects[{i}].participants"),
                format!("`{id}` has no Chinese participant (an enterprise headquartered in China, or owned by one that is)"),
            ));
        }
        let status = str_of(p, "status").unwrap_or("UNKNOWN");
        let finished = matches!(status, "OPERATIONAL" | "COMPLETED");
        let explained = p
            .get("notes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|n| n.to_lowercase().contains("complet"));
        if finished && p.get("completionYear").is_none() && !explained {
            report.problems.push(problem(
                "projects.json",
                format!("$.projects[{i}].status"),
                format!("`{id}` is {status} but has no completionYear and no note saying why"),
            ));
        }
    }
}

/// `currency -> year -> units per US dollar`, from `exchange-rates.json`.
pub fn rate_table(files: &BTreeMap<String, Value>) -> HashMap<String, HashMap<i64, f64>> {
    let mut table = HashMap::new();
    let rows = files
        .get(RATES_FILE)
        .and_then(|v| v.get("rates"))
        .and_then(Value::as_array);
    for row in rows.into_iter().flatten() {
        let Some(currency) = str_of(row, "currency") else {
            continue;
        };
        let years = row.get("perUsd").and_then(Value::as_object);
        let rates: HashMap<i64, f64> = years
            .into_iter()
            .flatten()
            .filter_map(|(y, r)| Some((y.parse().ok()?, r.as_f64()?)))
            .collect();
        table.insert(currency.to_owned(), rates);
    }
    table
}

fn money(files: &BTreeMap<String, Value>, report: &mut Report) {
    let table = rate_table(files);
    for (i, p) in array(files, "projects").iter().enumerate() {
        let id = str_of(p, "id").unwrap_or_default();
        let figures = p.get("value").and_then(Value::as_array);
        for (j, m) in figures.into_iter().flatten().enumerate() {
            let at = format!("$.projects[{i}].value[{j}]");
            let amount = m.get("amount").and_then(Value::as_f64).unwrap_or(0.0);
            let currency = str_of(m, "currency").unwrap_or_default();
            let usd = m.get("usd").and_then(Value::as_f64);
            let year = m.get("year").and_then(Value::as_i64);
            if currency == "USD" {
                if usd.is_some_and(|u| (u - amount).abs() > 0.5) {
                    report.problems.push(problem(
                        "projects.json",
                        at,
                        format!("`{id}`: a USD figure's usd must equal its amount"),
                    ));
                }
                continue;
            }
            // A label that quotes the source's own US$ equivalent keeps it.
            let stated = str_of(m, "label").is_some_and(|l| l.contains("US$"));
            let Some(year) = year else {
                report.warnings.push(format!(
                    "{id} {at}: {currency} {amount} has no year, so it cannot be converted"
                ));
                continue;
            };
            let Some(rate) = table.get(currency).and_then(|r| r.get(&year)) else {
                if usd.is_none() || !stated {
                    report.warnings.push(format!(
                        "{id} {at}: no {currency} rate for {year} in {RATES_FILE}; left unconverted"
                    ));
                }
                continue;
            };
            let expected = amount / rate;
            match usd {
                None => report.problems.push(problem(
                    "projects.json",
                    at,
                    format!("`{id}`: {currency} {amount} in {year} needs usd ≈ {expected:.0} ({currency} {rate} per US$)"),
                )),
                Some(u) if !stated && ((u - expected) / expected).abs() > TOLERANCE => {
                    report.problems.push(problem(
                        "projects.json",
                        at,
                        format!("`{id}`: usd {u} differs from {expected:.0}, the {year} average rate ({currency} {rate} per US$) applied to {amount}"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
}

fn coverage(files: &BTreeMap<String, Value>, report: &mut Report) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny dataset that passes every check; each test breaks one thing in it.
    fn good() -> BTreeMap<&'static str, Value> {
        BTreeMap::from([
            (
                "sources.json",
                serde_json::json!({"sources": [
                    {"id": "source:a", "title": "A", "publisher": "Xinhua", "url": "http://www.news.cn/a"},
                    {"id": "source:fx", "title": "Rates", "url": "https://example.org/fx"}
                ]}),
            ),
            (
                "enterprises.json",
                serde_json::json!({"enterprises": [
                    {"id": "enterprise:group", "name": "Group", "headquarters": "country:CN", "sources": ["source:a"]},
                    {"id": "enterprise:sub", "name": "Sub", "parent": {"enterprise": "enterprise:group"}, "sources": ["source:a"]}
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

    fn report_of(files: BTreeMap<&'static str, Value>) -> Report {
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
    fn fails_with(files: BTreeMap<&'static str, Value>, needle: &str) {
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

    #[test]
    fn an_unused_source_is_a_problem() {
        let mut files = good();
        files.get_mut("sources.json").unwrap()["sources"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"id": "source:orphan", "title": "O"}));
        fails_with(files, "`source:orphan` is cited nowhere");
    }

    #[test]
    fn a_duplicate_url_is_a_problem() {
        let mut files = good();
        files.get_mut("sources.json").unwrap()["sources"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"id": "source:b", "title": "B", "url": "https://example.org/fx/"}));
        files.get_mut("projects.json").unwrap()["projects"][0]["sources"] =
            serde_json::json!(["source:a", "source:b"]);
        fails_with(files, "same URL as `source:fx`");
    }

    #[test]
    fn an_unmarked_rehost_is_a_problem() {
        let mut files = good();
        files.get_mut("sources.json").unwrap()["sources"][0]["url"] =
            serde_json::json!("http://spam.example.com/xinhua-copy");
        fails_with(files, "(via spam.example.com)");
    }

    #[test]
    fn a_via_that_names_another_domain_is_a_problem() {
        assert!(rehost_problem("Xinhua (via other.com)", "http://spam.com/a").is_some());
        assert!(rehost_problem("Xinhua (via spam.com)", "http://www.spam.com/a").is_none());
    }

    #[test]
    fn a_source_whose_url_is_dated_must_carry_that_date() {
        let mut files = good();
        files.get_mut("sources.json").unwrap()["sources"][0]["url"] =
            serde_json::json!("http://www.news.cn/2019-05/12/c_1.htm");
        fails_with(
            files.clone(),
            "its URL is dated 2019-05-12 but it has no date",
        );
        files.get_mut("sources.json").unwrap()["sources"][0]["date"] = serde_json::json!("2019");
        fails_with(files.clone(), "but it has the date `2019`");
        files.get_mut("sources.json").unwrap()["sources"][0]["date"] =
            serde_json::json!("2019-05-12");
        assert!(report_of(files).problems.is_empty());
    }

    #[test]
    fn a_copy_is_not_held_to_the_date_in_its_url() {
        let mut files = good();
        let source = &mut files.get_mut("sources.json").unwrap()["sources"][0];
        source["url"] = serde_json::json!("https://blog.example.com/2009/06/11/copy/");
        source["publisher"] = serde_json::json!("Xinhua (via blog.example.com)");
        source["date"] = serde_json::json!("2009-06-10");
        assert!(report_of(files).problems.is_empty());
    }

    #[test]
    fn dates_are_read_from_the_usual_url_shapes_and_only_from_them() {
        let cases = [
            ("http://www.news.cn/2019-05/12/c_1.htm", Some("2019-05-12")),
            (
                "https://www.kunming.cn/en/c/2022-04-07/13528058.shtml",
                Some("2022-04-07"),
            ),
            (
                "https://english.news.cn/20230610/46c13ce7/c.html",
                Some("2023-06-10"),
            ),
            (
                "https://thestar.com.my/business/2016/01/22/country-garden",
                Some("2016-01-22"),
            ),
            (
                "http://en.people.cn/n3/2025/0517/c90000-20316209.html",
                Some("2025-05-17"),
            ),
            (
                "https://mindanews.com/business/2022/09/chinese-contractor/",
                Some("2022-09"),
            ),
            (
                "http://casic-gx.com/english/2018-12/c_1.htm",
                Some("2018-12"),
            ),
            (
                "http://en.ccccltd.cn/overseas/201011/t20101112_1551.html",
                Some("2010-11-12"),
            ),
            (
                "http://aecnewstoday.com/2015/2015-kuala-lumpur-declaration/",
                None,
            ),
            ("https://landmatrix.org/deal/4114/compare/65814/87742", None),
            ("https://china.aiddata.org/projects/2019", None),
            ("https://example.com/2019/13/40/x", None),
            ("https://example.com/a/20191340/x", None),
        ];
        for (url, expected) in cases {
            assert_eq!(url_date(url).as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn sources_are_counted_by_where_they_are_read() {
        assert_eq!(
            source_kind(Some("Xinhua (via spam.com)"), Some("http://spam.com/a")),
            "rehost"
        );
        assert_eq!(
            source_kind(
                Some("AidData"),
                Some("https://china.aiddata.org/projects/1")
            ),
            "dataset"
        );
        assert_eq!(
            source_kind(Some("MAS"), Some("https://www.mas.gov.sg/news")),
            "official"
        );
        assert_eq!(
            source_kind(Some("CCCC"), Some("http://en.ccccltd.cn/a")),
            "official"
        );
        assert_eq!(
            source_kind(Some("Reuters"), Some("https://www.reuters.com/a")),
            "publisher"
        );
        assert_eq!(source_kind(None, None), "publisher");
    }

    #[test]
    fn a_project_without_a_chinese_participant_is_a_problem() {
        let mut files = good();
        files.get_mut("enterprises.json").unwrap()["enterprises"][0]["headquarters"] =
            serde_json::json!("country:PH");
        fails_with(files, "has no Chinese participant");
    }

    #[test]
    fn an_enterprise_sharing_a_name_with_its_parent_is_a_problem() {
        let mut files = good();
        files.get_mut("enterprises.json").unwrap()["enterprises"][1]["aliases"] =
            serde_json::json!(["GROUP"]);
        fails_with(files, "share the name `group`");
    }

    #[test]
    fn a_finished_project_without_a_completion_year_or_note_is_a_problem() {
        let mut files = good();
        let project = &mut files.get_mut("projects.json").unwrap()["projects"][0];
        project.as_object_mut().unwrap().remove("completionYear");
        fails_with(files.clone(), "has no completionYear");
        files.get_mut("projects.json").unwrap()["projects"][0]["notes"] =
            serde_json::json!(["Completion year not reported [source:a]."]);
        assert!(report_of(files).problems.is_empty());
    }

    #[test]
    fn a_convertible_figure_without_usd_is_a_problem() {
        let mut files = good();
        let figure = &mut files.get_mut("projects.json").unwrap()["projects"][0]["value"][0];
        figure.as_object_mut().unwrap().remove("usd");
        fails_with(files, "needs usd ≈ 100");
    }

    #[test]
    fn a_usd_that_disagrees_with_the_rate_table_is_a_problem() {
        let mut files = good();
        files.get_mut("projects.json").unwrap()["projects"][0]["value"][0]["usd"] =
            serde_json::json!(120.0);
        fails_with(files, "differs from 100");
    }

    #[test]
    fn a_figure_without_a_year_or_rate_is_listed_as_unconverted() {
        let mut files = good();
        let figure = &mut files.get_mut("projects.json").unwrap()["projects"][0]["value"][0];
        figure.as_object_mut().unwrap().remove("year");
        figure.as_object_mut().unwrap().remove("usd");
        let report = report_of(files);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert!(report.warnings[0].contains("has no year"));
    }
}
