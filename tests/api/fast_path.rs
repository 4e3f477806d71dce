//! The fast path: once the pipeline has vetted a document, later requests of it run on the
//! schema built without the pipeline, and answer byte for byte what the pipeline answers. The
//! pipeline's answers come from a schema of their own that has never seen the document, so it
//! cannot take the fast path.

use std::sync::Arc;

use capgraph::graphql::{build_schema, AppSchema, Limits};
use serde_json::{json, Value};

use crate::common::answers::{assert_error, ids};
use crate::common::data::embedded_store;
use crate::common::schema::{data, response_of};

fn fresh(limits: &Limits) -> AppSchema {
    build_schema(Arc::clone(embedded_store()), limits)
}

/// The pipeline's answer: a schema that has not cached `query` runs it through the pipeline.
fn pipeline_answer(limits: &Limits, query: &str, variables: &Value) -> Value {
    let schema = fresh(limits);
    let answer = response_of(&schema, query, variables.clone());
    assert_eq!(
        schema.fast_answers(),
        0,
        "a first request runs through the pipeline"
    );
    answer
}

/// Runs `query` with each of `variables` on `schema` and checks that each answer is the
/// pipeline's; returns how many of them the fast path answered.
fn fast_answers_matching(schema: &AppSchema, query: &str, variables: &[Value]) -> u64 {
    let before = schema.fast_answers();
    for vars in variables {
        let expected = pipeline_answer(&Limits::default(), query, vars);
        let found = response_of(schema, query, vars.clone());
        assert_eq!(
            serde_json::to_string(&found).unwrap(),
            serde_json::to_string(&expected).unwrap(),
            "the answer to {query} with {vars} is not the pipeline's"
        );
    }
    schema.fast_answers() - before
}

/// The IDs of the first six nodes of a root list, each as the variables `{"id": ...}`.
fn some_ids(list: &str) -> Vec<Value> {
    let page = data(
        &format!("{{ {list}(first: 6) {{ nodes {{ id }} }} }}"),
        json!({}),
    );
    ids(&page[list]["nodes"])
        .into_iter()
        .map(|id| json!({ "id": id }))
        .collect()
}

/// The four queries of `bench/load.sh`.
const Q1: &str =
    "query Q1($id: ID!) { project(id: $id) { id name status hostCountries { code name } } }";
const Q2: &str = "query Q2($code: String!) { country(code: $code) { name projects(first: 20) { \
                  nodes { id name sectors { id name } enterprises { edges { role node { name } } } \
                  } } } }";
const Q3: &str = "query Q3($id: ID!) { enterprise(id: $id) { name projects(first: 500) { \
                  totalCount edges { role node { id name hostCountries { code name } } } } } }";
const Q4: &str = "query Q4($status: ProjectStatus!, $year: Int!) { projects(filter: \
                  {status: [$status], startYear: {min: $year}}, orderBy: [{field: VALUE_USD, \
                  direction: DESC}], first: 50) { totalCount nodes { id name valueUsd startYear } } }";

#[test]
fn a_vetted_document_runs_fast_and_answers_what_the_pipeline_answers() {
    let schema = fresh(&Limits::default());
    let projects = some_ids("projects");
    let enterprises = some_ids("enterprises");
    let countries: Vec<Value> = ["VN", "ID", "LA", "XX"]
        .iter()
        .map(|code| json!({ "code": code }))
        .collect();
    let filters: Vec<Value> = [
        ("OPERATIONAL", 2010),
        ("COMPLETED", 1990),
        ("PLANNED", 2030),
    ]
    .iter()
    .map(|(status, year)| json!({ "status": status, "year": year }))
    .collect();
    for (query, variables) in [
        (Q1, &projects),
        (Q2, &countries),
        (Q3, &enterprises),
        (Q4, &filters),
    ] {
        assert!(
            variables.len() >= 3,
            "enough variables to show a difference: {variables:?}"
        );
        // The first request of each document runs through the pipeline; every later one, fast.
        let fast = fast_answers_matching(&schema, query, variables);
        assert_eq!(fast, variables.len() as u64 - 1, "{query}");
    }
}

#[test]
fn a_request_that_fails_on_the_fast_path_gets_the_pipelines_answer() {
    let schema = fresh(&Limits::default());
    let query = "query ($after: String) { country(code: \"VN\") { name \
                 projects(first: 2, after: $after) { nodes { name } } } }";
    // Vetted with a cursor that works, then asked with one that names no row, and with a
    // variable of the wrong type: each fails on the fast path and goes through the pipeline.
    assert_eq!(
        fast_answers_matching(&schema, query, &[json!({ "after": null })]),
        0
    );
    let failing = [
        json!({ "after": "bm90IGEgY3Vyc29y" }),
        json!({ "after": 7 }),
    ];
    assert_eq!(fast_answers_matching(&schema, query, &failing), 0);
    let bad_cursor = response_of(&schema, query, json!({ "after": "bm90IGEgY3Vyc29y" }));
    assert_error(&bad_cursor, "BAD_USER_INPUT");
    // The pipeline's answer to a failed field: `null` where it failed, with its path.
    assert_eq!(
        bad_cursor["data"]["country"]["projects"],
        Value::Null,
        "{bad_cursor:#}"
    );
    assert_eq!(
        bad_cursor["errors"][0]["path"],
        json!(["country", "projects"])
    );
}

#[test]
fn a_bad_variable_where_nothing_runs_is_refused_on_the_fast_path_too() {
    // `role` sits under a country that does not exist, so no resolver ever reads it: only
    // validation can tell that `SHAREHOLDER` is no role, and the fast path runs little of it.
    let query = "query ($code: String!, $role: Role!) { country(code: $code) { \
                 projects(first: 1) { nodes { enterprises(role: [$role]) { totalCount } } } } }";
    let schema = fresh(&Limits::default());
    let good = [
        json!({ "code": "XX", "role": "INVESTOR" }),
        json!({ "code": "XX", "role": "CONTRACTOR" }),
    ];
    assert_eq!(fast_answers_matching(&schema, query, &good), 1);
    let bad = json!({ "code": "XX", "role": "SHAREHOLDER" });
    let refused = response_of(&schema, query, bad.clone());
    assert_error(&refused, "BAD_USER_INPUT");
    assert!(
        refused.get("data").is_none_or(Value::is_null),
        "{refused:#}"
    );
    assert_eq!(refused, pipeline_answer(&Limits::default(), query, &bad));
    assert_eq!(schema.fast_answers(), 1, "the bad request did not run fast");
}

/// No slot for a costly query: one of cost over 100 is refused, a cheaper one runs.
fn no_slots() -> Limits {
    Limits {
        max_concurrent_queries: 0,
        max_queued_queries: 0,
        ..Limits::default()
    }
}

#[test]
fn a_document_whose_cost_follows_its_variables_never_runs_fast() {
    let schema = fresh(&no_slots());
    let query = "query ($n: Int) { projects(first: $n) { nodes { id } } }";
    let cheap = response_of(&schema, query, json!({ "n": 3 }));
    assert_eq!(
        cheap["data"]["projects"]["nodes"].as_array().map(Vec::len),
        Some(3)
    );
    // Had the cost of `n: 3` been taken for this request's, it would have run.
    let costly = response_of(&schema, query, json!({ "n": 200 }));
    assert_error(&costly, "OVERLOADED");
    // Nor is its last cost taken for the next request's: this one is cheap again, and runs.
    let cheap_again = response_of(&schema, query, json!({ "n": 3 }));
    assert_eq!(cheap_again, cheap);
    assert_eq!(schema.fast_answers(), 0);
}

#[test]
fn a_costly_document_on_the_fast_path_still_needs_a_slot() {
    let limits = no_slots();
    let query = "{ projects(first: 200) { nodes { id } } }";
    let expected = pipeline_answer(&limits, query, &json!({}));
    assert_error(&expected, "OVERLOADED");
    let schema = fresh(&limits);
    for _ in 0..3 {
        assert_eq!(response_of(&schema, query, json!({})), expected);
    }
    // And with a slot, it runs fast.
    let schema = fresh(&Limits::default());
    assert_eq!(
        fast_answers_matching(&schema, query, &[json!({}), json!({})]),
        1
    );
}

#[test]
fn introspection_and_documents_over_the_fast_paths_cost_stay_with_the_pipeline() {
    let schema = fresh(&Limits::default());
    let introspection = "{ __schema { description queryType { name } } }";
    let costly = "{ projects(first: 500) { nodes { id enterprises(first: 10) { totalCount } } } }";
    for query in [introspection, costly] {
        let three = [json!({}), json!({}), json!({})];
        assert_eq!(fast_answers_matching(&schema, query, &three), 0, "{query}");
    }
    let answer = response_of(&schema, introspection, json!({}));
    assert_eq!(answer["data"]["__schema"]["description"], Value::Null);
}
