//! HTTP caching of GET queries: strong ETags that name the request and the dataset (and so agree
//! across replicas), conditional requests answered with 304, `Cache-Control` from the settings,
//! and no caching of POST.

use capgraph::seed::{self, SeedFiles};
use capgraph::store::DataDir;
use serde_json::json;

use crate::helpers::{
    data_dir, header, shared_app, spawn_app, spawn_app_over, StatusCode, TestApp,
};

const QUERY: &str = "{ projects(first: 3) { totalCount nodes { id } } }";

fn etag_of(app: &TestApp, query: &str) -> String {
    let response = app.get_graphql(query, None, None, &[]);
    assert_eq!(response.status(), StatusCode::OK);
    header(&response, "etag").expect("a GET answer has an ETag")
}

#[test]
fn a_get_answer_has_a_strong_etag_and_may_be_cached() {
    let response = shared_app().get_graphql(QUERY, None, None, &[]);
    assert_eq!(response.status(), StatusCode::OK);
    let etag = header(&response, "etag").expect("an ETag");
    assert!(!etag.starts_with("W/"), "a strong validator: {etag}");
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let cache = header(&response, "cache-control").expect("Cache-Control");
    assert!(
        cache.contains("max-age") && !cache.contains("no-store"),
        "{cache}"
    );
    let vary = header(&response, "vary").unwrap_or_default();
    assert!(
        vary.contains("Accept"),
        "the media type varies with Accept: {vary}"
    );
}

#[test]
fn repeating_a_get_with_if_none_match_is_304_with_an_empty_body() {
    let app = shared_app();
    let etag = etag_of(app, QUERY);

    let response = app.get_graphql(QUERY, None, None, &[("if-none-match", &etag)]);
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&response, "etag").as_deref(), Some(etag.as_str()));
    assert!(response.text().unwrap().is_empty());

    // A list of validators holding the right one matches too; a stale one does not.
    let list = format!("\"stale\", {etag}");
    let response = app.get_graphql(QUERY, None, None, &[("if-none-match", &list)]);
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    let response = app.get_graphql(QUERY, None, None, &[("if-none-match", "\"stale\"")]);
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn a_different_query_variables_or_media_type_gets_a_different_etag() {
    let app = shared_app();
    let etag = etag_of(app, QUERY);
    assert_eq!(etag_of(app, QUERY), etag, "the same request, the same ETag");
    assert_ne!(etag_of(app, "{ projects(first: 4) { totalCount } }"), etag);

    let with_vars = |code: &str| {
        let response = app.get_graphql(
            "query ($c: String!) { country(code: $c) { name } }",
            Some(&json!({ "c": code })),
            None,
            &[],
        );
        header(&response, "etag").unwrap()
    };
    assert_ne!(with_vars("KH"), with_vars("LA"));

    let response = app.get_graphql(
        QUERY,
        None,
        None,
        &[("accept", "application/graphql-response+json")],
    );
    assert_ne!(header(&response, "etag").unwrap(), etag);
}

#[test]
fn an_answer_with_errors_is_not_cached() {
    let response =
        shared_app().get_graphql(r#"{ project(id: "not an id") { id } }"#, None, None, &[]);
    assert!(header(&response, "etag").is_none());
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
}

#[test]
fn the_etag_depends_on_the_dataset() {
    // Arrange: a server over a generated dataset instead of the embedded one.
    let data = data_dir();
    let generated = data.path().join("generated-seed");
    capgraph::generate::generate(&generated, 1, 7, &|_| {}).expect("a generated dataset");
    let files = SeedFiles::from_dir(&generated).expect("readable seed files");
    let dataset = seed::load(&files).expect("a valid generated dataset");
    let store = DataDir::new(data.path().join("data"))
        .seed(&dataset, &files.origin, &|_| {})
        .expect("seeded");
    let digest = store.meta().digest.clone();
    drop(store);
    // The server's data directory is `data/`; `spawn_app_over` takes the temp dir that holds it.
    let other = spawn_app_over(data, |settings| {
        settings.data_dir = settings.data_dir.join("data");
    });

    // Act
    let here = etag_of(shared_app(), QUERY);
    let there = etag_of(&other, QUERY);

    // Assert
    let served = other.data("{ dataset { digest origin } }", json!({}));
    assert_eq!(served["dataset"]["digest"], digest.as_str(), "{served}");
    assert_ne!(
        here, there,
        "the same query over other data has another ETag"
    );
}

#[test]
fn two_replicas_seeded_from_the_same_seed_give_the_same_etag_and_bytes() {
    // Arrange: a second server over a data directory of its own, seeded anew from the same
    // embedded seed (a replica started on another machine).
    let replica = spawn_app();
    let query =
        "query ($c: String!) { country(code: $c) { name projects(first: 3) { nodes { id } } } }";
    let variables = json!({ "c": "KH" });

    // Act
    let answers: Vec<(String, String)> = [shared_app(), &replica]
        .into_iter()
        .map(|app| {
            let response = app.get_graphql(query, Some(&variables), None, &[]);
            assert_eq!(response.status(), StatusCode::OK);
            let etag = header(&response, "etag").expect("an ETag");
            (etag, response.text().expect("a body"))
        })
        .collect();

    // Assert: a CDN or a client may revalidate against either replica.
    assert_eq!(answers[0], answers[1]);
    let revalidated = replica.get_graphql(
        query,
        Some(&variables),
        None,
        &[("if-none-match", &answers[0].0)],
    );
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
}

#[test]
fn cache_control_follows_the_settings() {
    use std::time::Duration;
    for (max_age, stale, expected) in [
        (17, 0, "public, max-age=17, must-revalidate"),
        (5, 120, "public, max-age=5, stale-while-revalidate=120"),
    ] {
        let app = crate::helpers::spawn_app_with(|settings| {
            settings.http_caching.max_age = Duration::from_secs(max_age);
            settings.http_caching.stale_while_revalidate = Duration::from_secs(stale);
        });
        let response = app.get_graphql(QUERY, None, None, &[]);
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some(expected)
        );
        let etag = header(&response, "etag").expect("an ETag");
        let revalidated = app.get_graphql(QUERY, None, None, &[("if-none-match", &etag)]);
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            header(&revalidated, "cache-control").as_deref(),
            Some(expected)
        );
    }
}

#[test]
fn a_post_answer_is_never_stored() {
    let response = shared_app().post_raw(
        json!({ "query": QUERY }).to_string(),
        "application/json",
        None,
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    assert!(header(&response, "etag").is_none());
}
