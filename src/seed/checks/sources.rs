//! Sources: each is cited somewhere, every ID a note or description names exists, no two share a
//! URL, a copy on another site says where it is read, and a source whose URL spells out a date
//! carries that date; also what a URL says about where a source is read (its host, its date, the
//! kind of site), which the coverage figures count.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::{array, problem, str_of, Report};

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

/// The `source:` IDs a text names, as in `[source:a][source:b]` or `(source:a, source:b)`; a
/// trailing full stop ends a sentence, not the ID, and a bare `source:` names nothing.
fn named_ids(text: &str) -> Vec<&str> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("source:") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:.".contains(c)))
            .unwrap_or(tail.len());
        let id = tail[..end].trim_end_matches('.');
        if id.len() > "source:".len() {
            ids.push(id);
        }
        rest = &tail[end..];
    }
    ids
}

/// Every `source:` ID mentioned anywhere in `value` (lists and `[source:…]` in notes).
fn mentions(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => out.extend(named_ids(s).into_iter().map(str::to_owned)),
        Value::Array(items) => items.iter().for_each(|v| mentions(v, out)),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "id")
            .for_each(|(_, v)| mentions(v, out)),
        _ => {}
    }
}

/// The `source:` IDs that free text in `value` names (notes, descriptions, labels), each with
/// the JSON path of its text. A string that is nothing but one ID is a citation in a `sources`
/// list, which loading already resolves.
fn text_mentions(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => {
            let ids = named_ids(s);
            if ids != [s.as_str()] {
                out.extend(ids.into_iter().map(|id| (path.to_owned(), id.to_owned())));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                text_mentions(v, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter().filter(|(k, _)| k.as_str() != "id") {
                text_mentions(v, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// Whether one of a source's notes speaks of its date (why it has none, or what its page prints
/// instead).
fn says_why_undated(source: &Value) -> bool {
    source["notes"].as_array().is_some_and(|notes| {
        notes
            .iter()
            .filter_map(Value::as_str)
            .any(|note| note.to_lowercase().contains("date"))
    })
}

/// Checks every source in `sources.json` against where the other files cite it.
pub(super) fn check(files: &BTreeMap<String, Value>, report: &mut Report) {
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
        // Readers weigh a claim by when it was made; where a page prints no date, the record
        // says so, so that "undated" always means "looked for and not there".
        if str_of(s, "date").is_none() && !says_why_undated(s) {
            report.problems.push(problem(
                "sources.json",
                at(".date"),
                format!(
                    "`{id}` has no date and no note saying why; add the date its page prints, \
                     or a note such as \"The stored copy prints no date.\""
                ),
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
    // A note that cites a source by an ID nobody has sends readers nowhere.
    let known: BTreeSet<&str> = array(files, "sources")
        .iter()
        .filter_map(|s| str_of(s, "id"))
        .collect();
    for (name, value) in files {
        let mut named = Vec::new();
        text_mentions(value, "$", &mut named);
        for (path, id) in named
            .into_iter()
            .filter(|(_, id)| !known.contains(id.as_str()))
        {
            report.problems.push(problem(
                name,
                path,
                format!("the text cites `{id}`, but no source has that ID"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fails_with, good, report_of};
    use super::*;

    #[test]
    fn an_undated_source_needs_a_note_saying_why() {
        let mut files = good();
        let sources = files.get_mut("sources.json").unwrap()["sources"]
            .as_array_mut()
            .unwrap();
        let source = sources[0].as_object_mut().unwrap();
        let id = source["id"].as_str().unwrap().to_owned();
        source.remove("date");
        source.remove("notes");
        fails_with(
            files.clone(),
            &format!("`{id}` has no date and no note saying why"),
        );

        files.get_mut("sources.json").unwrap()["sources"][0]["notes"] =
            serde_json::json!(["The stored copy prints no date."]);
        assert!(report_of(files).problems.is_empty());
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
    fn a_note_that_names_a_missing_source_is_a_problem() {
        let mut files = good();
        files.get_mut("projects.json").unwrap()["projects"][0]["notes"] =
            serde_json::json!(["Opened in 2015 [source:a][source:gone]."]);
        fails_with(
            files.clone(),
            "the text cites `source:gone`, but no source has that ID",
        );
        let report = report_of(files);
        let found: Vec<_> = report
            .problems
            .iter()
            .map(|p| (p.file.as_str(), p.path.as_str()))
            .collect();
        assert_eq!(found, [("projects.json", "$.projects[0].notes[0]")]);
    }

    #[test]
    fn ids_are_read_from_the_ways_notes_cite_them() {
        assert_eq!(
            named_ids("Built by X [source:a-1][source:b]. See (source:c, source:d.e)."),
            ["source:a-1", "source:b", "source:c", "source:d.e"]
        );
        assert!(named_ids("Operating as of the newest source: 20 investors").is_empty());
        let mut files = good();
        files.get_mut("sources.json").unwrap()["sources"][0]["notes"] =
            serde_json::json!(["Same story as the one cited as source:fx."]);
        files.get_mut("projects.json").unwrap()["projects"][0]["description"] =
            serde_json::json!("A port (source:a).");
        let report = report_of(files);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
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
        let source = &mut files.get_mut("sources.json").unwrap()["sources"][0];
        source["url"] = serde_json::json!("http://www.news.cn/2019-05/12/c_1.htm");
        source.as_object_mut().unwrap().remove("date");
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
}
