//! `search` as a person uses it: names, abbreviations, partial words, Chinese names and
//! accents all lead to what they meant.

use serde_json::{json, Value};

use crate::common::schema;

const SEARCH: &str = r#"query ($text: String!, $kinds: [NodeKind!], $first: Int! = 20) {
  search(text: $text, kinds: $kinds, first: $first) { score matched node { id kind name } }
}"#;

fn search(text: &str, kinds: Value) -> Vec<Value> {
    schema::data(SEARCH, json!({ "text": text, "kinds": kinds }))["search"]
        .as_array()
        .unwrap()
        .clone()
}

fn hit_ids(hits: &[Value]) -> Vec<&str> {
    hits.iter()
        .map(|h| h["node"]["id"].as_str().unwrap())
        .collect()
}

#[test]
fn each_name_a_person_might_type_finds_what_they_meant_first() {
    for (text, intended) in [
        ("suramadu", "project:suramadu-bridge"),
        ("Surabaya Madura", "project:suramadu-bridge"),
        ("CCCC", "enterprise:cccc"),
        ("中国交建", "enterprise:cccc"),
        ("大唐", "enterprise:china-datang"),
        ("Viet Nam", "country:VN"),
        ("việt nam", "country:VN"),
        ("VIỆT NAM", "country:VN"),
    ] {
        let hits = search(text, Value::Null);
        assert_eq!(
            hit_ids(&hits).first().copied(),
            Some(intended),
            "search({text:?}) finds {intended} first: {hits:?}"
        );
    }
}

#[test]
fn a_shared_prefix_finds_the_intended_enterprise_among_the_first_three() {
    // "china comm" is the start of both China Communications Construction Company (CCCC) and
    // its parent group, China Communications Construction Group (CCCG): both match every word
    // equally well, so either may come first, but CCCC must be near the top.
    let hits = search("china comm", Value::Null);
    let top: Vec<&str> = hit_ids(&hits).into_iter().take(3).collect();
    assert!(top.contains(&"enterprise:cccc"), "{hits:?}");
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best hits first: {scores:?}"
    );
}

#[test]
fn kinds_keeps_only_hits_of_those_kinds() {
    let everything = search("suramadu", Value::Null);
    assert!(everything.iter().any(|h| h["node"]["kind"] == "SOURCE"));

    let projects = search("suramadu", json!(["PROJECT"]));
    assert_eq!(hit_ids(&projects), ["project:suramadu-bridge"]);

    let sources = search("suramadu", json!(["SOURCE"]));
    assert!(!sources.is_empty());
    assert!(
        sources.iter().all(|h| h["node"]["kind"] == "SOURCE"),
        "{sources:?}"
    );

    let both = search("suramadu", json!(["SOURCE", "PROJECT"]));
    assert_eq!(both.len(), projects.len() + sources.len());
}

#[test]
fn first_caps_the_hits_and_an_empty_text_is_bad_user_input() {
    let hits = schema::data(SEARCH, json!({ "text": "china", "first": 3 }))["search"].clone();
    assert_eq!(hits.as_array().unwrap().len(), 3);
    schema::error(SEARCH, json!({ "text": "  !! " }), "BAD_USER_INPUT");
    schema::error(
        SEARCH,
        json!({ "text": "china", "first": 101 }),
        "LIMIT_EXCEEDED",
    );
}

/// `search` and a filter's `text` look words up by one rule (`text::lookup`), so every project
/// a filter's `text` finds is among the projects `search` finds for the same words, however the
/// words are cut.
#[test]
fn search_finds_every_project_that_a_text_filter_finds_for_the_same_words() {
    let filtered = r#"query ($text: String!) {
      projects(filter: { text: $text }, first: 100) { totalCount nodes { id } }
    }"#;
    let mut compared = 0;
    for text in [
        "sura",
        "surabaya mad",
        "china rail",
        "hydro",
        "中国",
        "port c",
        "a b",
    ] {
        let data = schema::data(filtered, json!({ "text": text }));
        let by_filter: Vec<&str> = data["projects"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        if data["projects"]["totalCount"].as_u64().unwrap() > 100 {
            continue;
        }
        let hits = schema::data(
            SEARCH,
            json!({ "text": text, "kinds": ["PROJECT"], "first": 100 }),
        );
        let by_search: Vec<&str> = hits["search"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["node"]["id"].as_str().unwrap())
            .collect();
        for id in &by_filter {
            assert!(
                by_search.contains(id),
                "the filter's text {text:?} finds {id}, search does not: {by_search:?}"
            );
        }
        compared += by_filter.len();
    }
    assert!(compared > 0, "some query found some project");
}
