//! Filters and ordering, in-process (`common::schema::check`): each filter shape the evaluator
//! knows (`and`, `or`, `not`, lists, statuses, years, values, sector tiers with their
//! hierarchy, enterprise groups with their subsidiaries, roles, text) is asked of the schema
//! and of the seed files directly, and the two must agree row for row.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::common::schema::{check, data, error};
use crate::helpers::{id_set, ids, seed, strings, Seed};

type Ids = BTreeSet<String>;

const PROJECT_IDS: &str = r#"query ($filter: ProjectFilter) {
  projects(filter: $filter, first: 500) { totalCount nodes { id } }
}"#;

/// Asserts that `filter` keeps exactly `expected`, in ID order, and counts them.
#[track_caller]
fn check_keeps(filter: Value, expected: &Ids) {
    let nodes: Vec<Value> = expected.iter().map(|id| json!({ "id": id })).collect();
    check(
        PROJECT_IDS,
        json!({ "filter": filter }),
        json!({ "projects": { "totalCount": expected.len(), "nodes": nodes } }),
    );
}

/// Asserts that a seed-side expectation can tell a right filter from a wrong one: it keeps
/// some projects and drops some.
#[track_caller]
fn discriminating(expected: &Ids) {
    assert!(!expected.is_empty(), "the data has projects to keep");
    assert!(
        expected.len() < all().len(),
        "the data has projects to drop"
    );
}

fn all() -> Ids {
    seed().project_ids(|_| true)
}

fn hosted_in(country: &'static str) -> Ids {
    seed().project_ids(move |p| Seed::hosted_in(p, country))
}

fn with_status(statuses: &[&str]) -> Ids {
    seed().project_ids(|p| statuses.iter().any(|s| p["status"].as_str() == Some(*s)))
}

fn starting_between(min: i64, max: i64) -> Ids {
    seed().project_ids(|p| {
        p["startYear"]
            .as_i64()
            .is_some_and(|y| (min..=max).contains(&y))
    })
}

/// Projects in `root` or any sector below it.
fn in_sector(root: &str) -> Ids {
    let sectors = Seed::descendants(&seed().sectors, root);
    seed().project_ids(|p| strings(p, "sectors").iter().any(|s| sectors.contains(s)))
}

/// Projects where `root` or any enterprise below it takes part.
fn with_enterprise(root: &str) -> Ids {
    let group = Seed::descendants(&seed().enterprises, root);
    seed().project_ids(|p| Seed::participants(p).iter().any(|e| group.contains(e)))
}

fn union(a: &Ids, b: &Ids) -> Ids {
    a.union(b).cloned().collect()
}

fn intersection(a: &Ids, b: &Ids) -> Ids {
    a.intersection(b).cloned().collect()
}

fn minus(a: &Ids, b: &Ids) -> Ids {
    a.difference(b).cloned().collect()
}

#[test]
fn or_keeps_the_union_and_and_keeps_the_intersection() {
    let either = union(&hosted_in("country:KH"), &hosted_in("country:LA"));
    check_keeps(
        json!({ "or": [{ "hostCountry": ["KH"] }, { "hostCountry": ["LA"] }] }),
        &either,
    );

    let both = intersection(&in_sector("sector:power"), &hosted_in("country:KH"));
    discriminating(&both);
    check_keeps(
        json!({ "and": [{ "sector": ["sector:power"] }, { "hostCountry": ["KH"] }] }),
        &both,
    );
}

#[test]
fn a_list_in_one_field_keeps_any_of_its_values_and_fields_combine_with_and() {
    let either = union(&hosted_in("country:KH"), &hosted_in("country:LA"));
    discriminating(&either);
    check_keeps(json!({ "hostCountry": ["KH", "LAO"] }), &either);

    let operating = with_status(&["OPERATIONAL"]);
    let expected = intersection(&either, &operating);
    discriminating(&expected);
    check_keeps(
        json!({ "hostCountry": ["KH", "LAO"], "status": ["OPERATIONAL"] }),
        &expected,
    );
}

#[test]
fn not_keeps_everything_the_inner_filter_drops() {
    let expected = minus(&all(), &hosted_in("country:ID"));
    discriminating(&expected);
    check_keeps(json!({ "not": { "hostCountry": ["ID"] } }), &expected);
}

#[test]
fn nested_and_or_not_evaluate_as_the_set_algebra_they_spell() {
    // (operational AND in Cambodia) OR NOT (started by 2015 OR infrastructure)
    let left = intersection(&with_status(&["OPERATIONAL"]), &hosted_in("country:KH"));
    let right = minus(
        &all(),
        &union(
            &starting_between(i64::MIN, 2015),
            &in_sector("sector:infrastructure"),
        ),
    );
    let expected = union(&left, &right);
    assert!(
        !left.is_empty() && !right.is_empty(),
        "both sides keep projects"
    );
    discriminating(&expected);

    check_keeps(
        json!({ "or": [
            { "and": [{ "status": ["OPERATIONAL"] }, { "hostCountry": ["KH"] }] },
            { "not": { "or": [
                { "startYear": { "max": 2015 } },
                { "sector": ["sector:infrastructure"] },
            ] } },
        ] }),
        &expected,
    );
}

#[test]
fn not_of_an_or_equals_the_and_of_the_nots() {
    let a = json!({ "hostCountry": ["VN"] });
    let b = json!({ "status": ["CANCELLED", "SUSPENDED"] });
    let expected = minus(
        &all(),
        &union(
            &hosted_in("country:VN"),
            &with_status(&["CANCELLED", "SUSPENDED"]),
        ),
    );
    discriminating(&expected);

    check_keeps(json!({ "not": { "or": [a, b] } }), &expected);
    check_keeps(json!({ "and": [{ "not": a }, { "not": b }] }), &expected);
}

#[test]
fn a_status_set_keeps_projects_with_any_of_those_statuses() {
    let expected = with_status(&["OPERATIONAL", "UNDER_CONSTRUCTION"]);
    discriminating(&expected);
    check_keeps(
        json!({ "status": ["OPERATIONAL", "UNDER_CONSTRUCTION"] }),
        &expected,
    );
}

#[test]
fn a_start_year_range_is_inclusive_and_leaves_out_projects_without_a_year() {
    let closed = starting_between(2010, 2015);
    discriminating(&closed);
    check_keeps(
        json!({ "startYear": { "min": 2010, "max": 2015 } }),
        &closed,
    );

    let open_ended = starting_between(2016, i64::MAX);
    discriminating(&open_ended);
    check_keeps(json!({ "startYear": { "min": 2016 } }), &open_ended);
}

#[test]
fn a_completion_year_range_is_inclusive_and_leaves_out_projects_without_one() {
    let expected = seed().project_ids(|p| {
        p["completionYear"]
            .as_i64()
            .is_some_and(|y| (2015..=2020).contains(&y))
    });
    discriminating(&expected);
    check_keeps(
        json!({ "completionYear": { "min": 2015, "max": 2020 } }),
        &expected,
    );
}

#[test]
fn a_value_range_compares_the_headline_usd_value() {
    let expected =
        seed().project_ids(|p| Seed::value_usd(p).is_some_and(|v| (1e9..=5e9).contains(&v)));
    discriminating(&expected);
    check_keeps(json!({ "valueUsd": { "min": 1e9, "max": 5e9 } }), &expected);
}

/// Ordered by anything but ID, a filter on statuses, years and values alone takes the
/// planner's walk of the ordered index; wrapped in an `and`, the same filter takes the
/// evaluator's ID sets and a sort. Both must keep what the seed says, in the same order.
#[test]
fn facet_filters_answer_the_same_through_the_index_walk_and_through_the_evaluator() {
    let ordered = r#"query ($filter: ProjectFilter) {
      projects(filter: $filter, orderBy: [{ field: START_YEAR, direction: DESC }], first: 500) {
        totalCount nodes { id startYear } } }"#;
    let valued = |p: &Value| Seed::value_usd(p).is_some_and(|v| v >= 1e8);
    let cases: [(Value, Ids); 3] = [
        (
            json!({ "status": ["OPERATIONAL", "COMPLETED"], "startYear": { "min": 2012 } }),
            intersection(
                &with_status(&["OPERATIONAL", "COMPLETED"]),
                &starting_between(2012, i64::MAX),
            ),
        ),
        (
            json!({ "startYear": { "max": 2014 }, "valueUsd": { "min": 1e8 } }),
            intersection(
                &starting_between(i64::MIN, 2014),
                &seed().project_ids(valued),
            ),
        ),
        (
            json!({ "status": ["PLANNED", "UNKNOWN"] }),
            with_status(&["PLANNED", "UNKNOWN"]),
        ),
    ];
    for (filter, expected) in cases {
        discriminating(&expected);
        check_keeps(filter.clone(), &expected);
        let walked = data(ordered, json!({ "filter": filter }));
        let evaluated = data(ordered, json!({ "filter": { "and": [filter] } }));
        assert_eq!(walked, evaluated, "{filter}");
        assert_eq!(id_set(&walked["projects"]["nodes"]), expected, "{filter}");
        assert_eq!(walked["projects"]["totalCount"], expected.len(), "{filter}");
    }
}

#[test]
fn a_sector_tier_covers_every_sector_below_it_at_any_depth() {
    // Arrange: infrastructure → railways → high-speed rail, and projects two levels down.
    let data = seed();
    let below = Seed::descendants(&data.sectors, "sector:infrastructure");
    let grandchildren: Ids = below
        .into_iter()
        .filter(|s| Seed::depth(&data.sectors, s) >= 2)
        .collect();
    let deep = data.project_ids(|p| {
        strings(p, "sectors")
            .iter()
            .any(|s| grandchildren.contains(s))
    });
    assert!(
        !deep.is_empty(),
        "some projects sit two levels below a tier"
    );
    let expected = in_sector("sector:infrastructure");
    discriminating(&expected);
    assert!(deep.is_subset(&expected));

    // Act, Assert
    check_keeps(json!({ "sector": ["sector:infrastructure"] }), &expected);
    check_keeps(
        json!({ "sector": ["sector:railways", "sector:power"] }),
        &union(&in_sector("sector:railways"), &in_sector("sector:power")),
    );
}

/// The seed's tier of each sector: the root of its `parent` chain, named as the schema's enum.
fn tiers() -> BTreeMap<String, String> {
    let data = seed();
    data.sectors
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap();
            let root = [
                "infrastructure",
                "traditional-industries",
                "emerging-industries",
            ]
            .into_iter()
            .find(|root| Seed::descendants(&data.sectors, &format!("sector:{root}")).contains(id))
            .expect("every sector is below one of the three tiers");
            (id.to_owned(), root.to_uppercase().replace('-', "_"))
        })
        .collect()
}

#[test]
fn every_sector_knows_its_tier_and_the_tier_argument_keeps_a_tier_with_everything_below_it() {
    // Arrange
    let tiers = tiers();
    let all: Vec<Value> = tiers
        .iter()
        .map(|(id, tier)| json!({ "id": id, "tier": tier }))
        .collect();
    let emerging: Vec<Value> = tiers
        .iter()
        .filter(|(_, tier)| *tier == "EMERGING_INDUSTRIES")
        .map(|(id, _)| json!({ "id": id }))
        .collect();
    assert!(emerging.len() > 1 && emerging.len() < tiers.len());

    // Act, Assert
    check(
        "{ sectors(first: 500) { nodes { id tier } } }",
        json!({}),
        json!({ "sectors": { "nodes": all } }),
    );
    check(
        "{ sectors(tier: [EMERGING_INDUSTRIES], first: 500) { nodes { id } } }",
        json!({}),
        json!({ "sectors": { "nodes": emerging } }),
    );
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
    let expected = with_enterprise("enterprise:cccc");

    // Act, Assert
    assert!(!crbc.is_empty());
    assert!(crbc.is_subset(&expected), "{crbc:?} within {expected:?}");
    discriminating(&expected);
    check_keeps(json!({ "enterprise": ["enterprise:cccc"] }), &expected);
}

#[test]
fn an_enterprise_group_reaches_subsidiaries_of_subsidiaries() {
    // Arrange: the seed's enterprise groups three levels deep (CCCG → CCCC → CRBC, ...).
    let data = seed();
    let roots: Vec<&str> = data
        .enterprises
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .filter(|id| Seed::depth(&data.enterprises, id) == 0)
        .filter(|root| {
            Seed::descendants(&data.enterprises, root)
                .iter()
                .any(|member| Seed::depth(&data.enterprises, member) >= 2)
        })
        .collect();
    assert!(!roots.is_empty(), "the data has groups three levels deep");

    for root in roots {
        // Act, Assert: the projects and the enterprises of the whole group.
        let expected = with_enterprise(root);
        check_keeps(json!({ "enterprise": [root] }), &expected);
        let members: Vec<Value> = Seed::descendants(&data.enterprises, root)
            .into_iter()
            .map(|id| json!({ "id": id }))
            .collect();
        check(
            r#"query ($group: ID!) { enterprises(filter: { group: [$group] }, first: 500) {
                 nodes { id } } }"#,
            json!({ "group": root }),
            json!({ "enterprises": { "nodes": members } }),
        );
    }
}

#[test]
fn role_with_enterprise_keeps_projects_where_those_enterprises_play_that_role() {
    let expected =
        seed().project_ids(|p| {
            p["participants"].as_array().unwrap().iter().any(|x| {
                x["enterprise"] == "enterprise:china-exim-bank" && x["role"] == "FINANCIER"
            })
        });
    discriminating(&expected);
    check_keeps(
        json!({ "enterprise": ["enterprise:china-exim-bank"], "role": ["FINANCIER"] }),
        &expected,
    );
}

#[test]
fn role_alone_keeps_projects_where_any_enterprise_plays_it() {
    let expected = seed().project_ids(|p| {
        p["participants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["role"] == "OPERATOR" || x["role"] == "DEVELOPER")
    });
    discriminating(&expected);
    check_keeps(json!({ "role": ["OPERATOR", "DEVELOPER"] }), &expected);
}

/// Latin-script words of a name, as a reader would fold them: lower case, accents dropped,
/// split at anything but letters and digits. Other scripts are left out.
fn words(name: &str) -> Vec<String> {
    let folded: String = name
        .chars()
        .map(|c| match c {
            c if c.is_ascii() => c.to_ascii_lowercase().to_string(),
            // Latin-1 to Latin Extended-B, and Latin Extended Additional (Vietnamese).
            '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => deunicode::deunicode_char(c)
                .unwrap_or(" ")
                .to_ascii_lowercase(),
            _ => " ".to_owned(),
        })
        .collect();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The names a project is known by: its name and its aliases.
fn names(project: &Value) -> Vec<String> {
    let mut names = strings(project, "aliases");
    names.push(project["name"].as_str().unwrap().to_owned());
    names
}

#[test]
fn text_keeps_projects_with_a_name_or_alias_word_starting_so_in_any_case_and_accent() {
    for query in ["hydro", "SURA", "Railw", "Cát"] {
        // Arrange
        let prefix = words(query).concat();
        let expected = seed().project_ids(|p| {
            names(p)
                .iter()
                .any(|name| words(name).iter().any(|w| w.starts_with(&prefix)))
        });
        discriminating(&expected);

        // Act, Assert
        check_keeps(json!({ "text": query }), &expected);
    }
}

#[test]
fn text_in_an_unspaced_script_matches_names_holding_its_characters() {
    let query = "电站";
    let expected = seed().project_ids(|p| names(p).iter().any(|name| name.contains(query)));
    discriminating(&expected);
    check_keeps(json!({ "text": query }), &expected);
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
    let nodes: Vec<Value> = expected
        .iter()
        .map(|(year, id)| json!({ "id": id, "startYear": year }))
        .collect();

    // Act, Assert
    check(
        "{ projects(orderBy: [{ field: START_YEAR, direction: DESC }], first: 500) { nodes { id startYear } } }",
        json!({}),
        json!({ "projects": { "nodes": nodes } }),
    );
}

#[test]
fn ordering_by_value_ascending_also_puts_missing_values_last() {
    let data = data(
        "{ projects(orderBy: [{ field: VALUE_USD, direction: ASC }], first: 500) { nodes { id valueUsd } } }",
        json!({}),
    );
    let nodes = data["projects"]["nodes"].as_array().unwrap();
    let values: Vec<Option<f64>> = nodes.iter().map(|n| n["valueUsd"].as_f64()).collect();
    let known = values.iter().take_while(|v| v.is_some()).count();
    assert!(
        values[known..].iter().all(Option::is_none),
        "missing values last: {values:?}"
    );
    assert!(values[..known]
        .windows(2)
        .all(|w| w[0].unwrap() <= w[1].unwrap()));
    let with_value = seed().project_ids(|p| Seed::value_usd(p).is_some());
    assert_eq!(
        known,
        with_value.len(),
        "every project with a value comes first"
    );
    assert_eq!(ids(&data["projects"]["nodes"]).len(), seed().projects.len());
}

#[test]
fn filtering_by_an_unknown_country_or_sector_is_bad_user_input() {
    for filter in [
        json!({ "hostCountry": ["XX"] }),
        json!({ "sector": ["sector:no-such-sector"] }),
        json!({ "sector": ["country:KH"] }),
        json!({ "enterprise": ["not an id"] }),
        json!({ "text": "  " }),
    ] {
        error(PROJECT_IDS, json!({ "filter": filter }), "BAD_USER_INPUT");
    }
}

#[test]
fn filters_apply_inside_relationships_too() {
    // Country.projects with a sector filter keeps what the seed says both keep.
    let expected = intersection(&hosted_in("country:KH"), &in_sector("sector:power"));
    discriminating(&expected);
    let nodes: Vec<Value> = expected.iter().map(|id| json!({ "id": id })).collect();
    check(
        r#"{ country(code: "KH") { projects(filter: { sector: ["sector:power"] }, first: 500) {
               totalCount nodes { id } } } }"#,
        json!({}),
        json!({ "country": { "projects": { "totalCount": expected.len(), "nodes": nodes } } }),
    );
}
