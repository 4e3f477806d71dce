//! Project filters and ordering over HTTP, each checked against the same question asked of the
//! seed files directly.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{id_set, ids, seed, shared_app, strings, Seed};

const PROJECTS: &str = r#"query ($filter: ProjectFilter, $order: [ProjectOrder!]) {
  projects(filter: $filter, orderBy: $order, first: 500) {
    totalCount nodes { id startYear valueUsd status }
  }
}"#;

/// The IDs the API keeps under `filter`, checking totalCount on the way.
fn filtered(filter: Value) -> BTreeSet<String> {
    let data = shared_app().data(PROJECTS, json!({ "filter": filter }));
    let found = id_set(&data["projects"]["nodes"]);
    assert_eq!(data["projects"]["totalCount"], found.len(), "{filter}");
    found
}

fn all_ids() -> BTreeSet<String> {
    seed().project_ids(|_| true)
}

fn hosted_in(country: &'static str) -> BTreeSet<String> {
    seed().project_ids(move |p| Seed::hosted_in(p, country))
}

#[test]
fn or_keeps_the_union_and_and_keeps_the_intersection() {
    let data = seed();
    let power = Seed::descendants(&data.sectors, "sector:power");
    let power_projects =
        data.project_ids(|p| strings(p, "sectors").iter().any(|s| power.contains(s)));

    let either = filtered(json!({ "or": [{ "hostCountry": ["KH"] }, { "hostCountry": ["LA"] }] }));
    let union: BTreeSet<String> = hosted_in("country:KH")
        .union(&hosted_in("country:LA"))
        .cloned()
        .collect();
    assert_eq!(either, union);

    let both =
        filtered(json!({ "and": [{ "sector": ["sector:power"] }, { "hostCountry": ["KH"] }] }));
    let intersection: BTreeSet<String> = power_projects
        .intersection(&hosted_in("country:KH"))
        .cloned()
        .collect();
    assert!(!intersection.is_empty());
    assert_eq!(both, intersection);
}

#[test]
fn not_keeps_everything_the_inner_filter_drops() {
    let outside = filtered(json!({ "not": { "hostCountry": ["ID"] } }));
    let expected: BTreeSet<String> = all_ids()
        .difference(&hosted_in("country:ID"))
        .cloned()
        .collect();
    assert_eq!(outside, expected);
}

#[test]
fn a_status_set_keeps_projects_with_any_of_those_statuses() {
    let statuses = ["OPERATIONAL", "UNDER_CONSTRUCTION"];
    let found = filtered(json!({ "status": statuses }));
    let expected =
        seed().project_ids(|p| statuses.iter().any(|s| p["status"].as_str() == Some(*s)));
    assert!(!expected.is_empty());
    assert_eq!(found, expected);
}

#[test]
fn a_start_year_range_is_inclusive_and_leaves_out_projects_without_a_year() {
    let found = filtered(json!({ "startYear": { "min": 2010, "max": 2015 } }));
    let expected = seed().project_ids(|p| {
        p["startYear"]
            .as_i64()
            .is_some_and(|y| (2010..=2015).contains(&y))
    });
    assert!(!expected.is_empty());
    assert_eq!(found, expected);

    let open_ended = filtered(json!({ "startYear": { "min": 2016 } }));
    let expected = seed().project_ids(|p| p["startYear"].as_i64().is_some_and(|y| y >= 2016));
    assert_eq!(open_ended, expected);
}

#[test]
fn a_value_range_compares_the_headline_usd_value() {
    let found = filtered(json!({ "valueUsd": { "min": 1e9, "max": 5e9 } }));
    let expected =
        seed().project_ids(|p| Seed::value_usd(p).is_some_and(|v| (1e9..=5e9).contains(&v)));
    assert!(!expected.is_empty());
    assert_eq!(found, expected);
}

#[test]
fn ordering_by_start_year_descending_puts_missing_years_last_and_breaks_ties_by_id() {
    // Arrange: the order computed from projects.json.
    let mut expected: Vec<(Option<i64>, String)> = seed()
        .projects
        .iter()
        .map(|p| {
            (
                p["startYear"].as_i64(),
                p["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    expected.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    assert!(
        expected.iter().any(|(y, _)| y.is_none()),
        "the data has projects without a start year"
    );

    // Act
    let data = shared_app().data(
        PROJECTS,
        json!({ "order": [{ "field": "START_YEAR", "direction": "DESC" }] }),
    );

    // Assert
    let nodes = data["projects"]["nodes"].as_array().unwrap();
    let found: Vec<(Option<i64>, String)> = nodes
        .iter()
        .map(|n| {
            (
                n["startYear"].as_i64(),
                n["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn ordering_by_value_ascending_also_puts_missing_values_last() {
    let data = shared_app().data(
        PROJECTS,
        json!({ "order": [{ "field": "VALUE_USD", "direction": "ASC" }] }),
    );
    let values: Vec<Option<f64>> = data["projects"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["valueUsd"].as_f64())
        .collect();
    let known = values.iter().take_while(|v| v.is_some()).count();
    assert!(
        values[known..].iter().all(Option::is_none),
        "missing values last: {values:?}"
    );
    assert!(values[..known]
        .windows(2)
        .all(|w| w[0].unwrap() <= w[1].unwrap()));
}

#[test]
fn the_enterprise_filter_includes_subsidiaries_so_cccc_finds_crbcs_projects() {
    // Arrange
    let data = seed();
    let group = Seed::descendants(&data.enterprises, "enterprise:cccc");
    assert!(
        group.contains("enterprise:crbc"),
        "CRBC is below CCCC: {group:?}"
    );
    let crbc = data.project_ids(|p| Seed::participants(p).contains(&"enterprise:crbc".into()));
    let expected = data.project_ids(|p| Seed::participants(p).iter().any(|e| group.contains(e)));

    // Act
    let found = filtered(json!({ "enterprise": ["enterprise:cccc"] }));

    // Assert
    assert!(!crbc.is_empty());
    assert!(crbc.is_subset(&found), "{crbc:?} within {found:?}");
    assert_eq!(found, expected);
}

#[test]
fn role_with_enterprise_keeps_projects_where_those_enterprises_play_that_role() {
    let data = seed();
    let found =
        filtered(json!({ "enterprise": ["enterprise:china-exim-bank"], "role": ["FINANCIER"] }));
    let expected =
        data.project_ids(|p| {
            p["participants"].as_array().unwrap().iter().any(|x| {
                x["enterprise"] == "enterprise:china-exim-bank" && x["role"] == "FINANCIER"
            })
        });
    assert!(!expected.is_empty());
    assert_eq!(found, expected);
}

#[test]
fn filtering_by_an_unknown_country_or_sector_is_bad_user_input() {
    let app = shared_app();
    for filter in [
        json!({ "hostCountry": ["XX"] }),
        json!({ "sector": ["sector:no-such-sector"] }),
        json!({ "sector": ["country:KH"] }),
        json!({ "enterprise": ["not an id"] }),
    ] {
        app.error(PROJECTS, json!({ "filter": filter }), "BAD_USER_INPUT");
    }
}

#[test]
fn filters_apply_inside_relationships_too() {
    // Country.projects with a sector filter equals the top-level filter on both.
    let app = shared_app();
    let data = app.data(
        r#"{ country(code: "KH") { projects(filter: { sector: ["sector:power"] }, first: 500) { nodes { id } } }
             projects(filter: { hostCountry: ["KH"], sector: ["sector:power"] }, first: 500) { nodes { id } } }"#,
        json!({}),
    );
    assert_eq!(
        ids(&data["country"]["projects"]["nodes"]),
        ids(&data["projects"]["nodes"])
    );
}
