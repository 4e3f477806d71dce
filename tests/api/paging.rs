//! Relay pagination, in-process (`common::schema`): every row once going forward, the same rows
//! going backward, and cursors that the API did not make are refused.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::common::schema::{data, error};
use crate::helpers::{id_set, ids, seed, Seed};

const PAGE: &str = r#"query ($first: Int, $after: String, $last: Int, $before: String, $order: [ProjectOrder!]) {
  projects(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}"#;

/// Pages forward with `first: size`, returning every ID seen and the totalCount of each page.
fn forward(size: usize, order: &Value) -> (Vec<String>, BTreeSet<u64>) {
    let mut seen = Vec::new();
    let mut totals = BTreeSet::new();
    let mut after = Value::Null;
    for _ in 0..1000 {
        let answer = data(
            PAGE,
            json!({ "first": size, "after": after, "order": order }),
        );
        let page = &answer["projects"];
        let rows = ids(&page["edges"]);
        assert!(rows.len() <= size, "a page holds at most `first` rows");
        totals.insert(page["totalCount"].as_u64().unwrap());
        seen.extend(rows);
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return (seen, totals);
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    panic!("paging did not end");
}

#[test]
fn paging_forward_seven_at_a_time_visits_every_project_exactly_once() {
    // Arrange
    let seeded: BTreeSet<String> = seed()
        .projects
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();

    // Act
    let (seen, totals) = forward(7, &Value::Null);

    // Assert
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no project twice");
    assert_eq!(unique, seeded, "every project of projects.json");
    assert_eq!(
        totals,
        BTreeSet::from([seeded.len() as u64]),
        "totalCount is the whole list on every page"
    );
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "ID order by default");
}

#[test]
fn paging_an_ordered_list_visits_every_project_exactly_once_in_that_order() {
    let order = json!([{ "field": "START_YEAR", "direction": "DESC" }]);
    let (seen, _) = forward(7, &order);
    let all = data(PAGE, json!({ "first": 500, "order": order }));
    assert_eq!(seen, ids(&all["projects"]["edges"]));
    assert_eq!(seen.len(), seed().projects.len());
}

#[test]
fn paging_backward_with_last_and_before_gives_the_same_rows_in_the_same_order() {
    // Arrange
    let (forward_order, _) = forward(7, &Value::Null);

    // Act: from the end, seven at a time.
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut before = Value::Null;
    loop {
        let answer = data(PAGE, json!({ "last": 7, "before": before }));
        let page = &answer["projects"];
        pages.push(ids(&page["edges"]));
        if !page["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = page["pageInfo"]["startCursor"].clone();
        assert!(pages.len() < 1000, "paging did not end");
    }

    // Assert
    let backward: Vec<String> = pages.into_iter().rev().flatten().collect();
    assert_eq!(backward, forward_order);
}

#[test]
fn a_page_in_the_middle_knows_it_has_neighbours_on_both_sides() {
    let mut seeded: Vec<String> = seed().project_ids(|_| true).into_iter().collect();
    seeded.truncate(6);
    let first = data(PAGE, json!({ "first": 3 }));
    let after = &first["projects"]["pageInfo"]["endCursor"];
    let second = data(PAGE, json!({ "first": 3, "after": after }));
    assert_eq!(
        ids(&second["projects"]["edges"]),
        seeded[3..],
        "the 4th to 6th IDs"
    );
    let info = &second["projects"]["pageInfo"];
    assert_eq!(info["hasPreviousPage"], true);
    assert_eq!(info["hasNextPage"], true);
    assert_eq!(
        info["startCursor"], second["projects"]["edges"][0]["cursor"],
        "startCursor is the first row's cursor"
    );
}

#[test]
fn a_cursor_the_api_did_not_make_is_bad_user_input() {
    for cursor in [
        "bogus",
        "",
        "YzE6bm90IGFuIGlk",
        "YzE6cHJvamVjdDpuby1zdWNoLXByb2plY3Q",
    ] {
        let message = error(
            PAGE,
            json!({ "first": 3, "after": cursor }),
            "BAD_USER_INPUT",
        );
        assert!(message.contains("after"), "{message}");
    }
    error(
        PAGE,
        json!({ "last": 3, "before": "bogus" }),
        "BAD_USER_INPUT",
    );
    error(PAGE, json!({ "first": -1 }), "BAD_USER_INPUT");
}

#[test]
fn aliases_of_one_connection_with_different_arguments_each_get_their_own_page() {
    // Arrange: the countries' projects, whole and kept by status, under one batch of countries.
    let seed = seed();
    let query = r#"{ countries(first: 20) { nodes {
        code
        all: projects(first: 100) { totalCount nodes { id } }
        done: projects(first: 100, filter: { status: [COMPLETED] }) { totalCount nodes { id } }
        planned: projects(first: 100, filter: { status: [PLANNED] }) { totalCount nodes { id } }
        firstTwo: projects(first: 2) { nodes { id } }
    } } }"#;

    // Act
    let answer = data(query, json!({}));

    // Assert: each alias answers its own arguments, although siblings share one batch.
    let countries = answer["countries"]["nodes"].as_array().unwrap();
    assert!(countries.len() > 5);
    assert!(countries.len() < 20, "every country on one page");
    for country in countries {
        let code = format!("country:{}", country["code"].as_str().unwrap());
        let hosted = |status: Option<&str>| {
            seed.project_ids(|p| {
                Seed::hosted_in(p, &code) && status.is_none_or(|s| p["status"] == s)
            })
        };
        let all: Vec<String> = ids(&country["all"]["nodes"]);
        assert_eq!(
            all.iter().cloned().collect::<BTreeSet<_>>(),
            hosted(None),
            "{code}"
        );
        assert_eq!(
            id_set(&country["done"]["nodes"]),
            hosted(Some("COMPLETED")),
            "{code}"
        );
        assert_eq!(
            id_set(&country["planned"]["nodes"]),
            hosted(Some("PLANNED")),
            "{code}"
        );
        let first_two: Vec<String> = all.into_iter().take(2).collect();
        assert_eq!(ids(&country["firstTwo"]["nodes"]), first_two, "{code}");
    }
}
