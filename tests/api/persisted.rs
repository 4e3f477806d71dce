//! Persisted documents over HTTP: Automatic Persisted Queries (a hash alone over GET, the
//! `PersistedQueryNotFound` round trip, a hash that does not match its text) and
//! `--trusted-documents` (only the manifest's documents run).

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{
    assert_clean_errors, assert_error, data_dir, header, shared_app, spawn_app_with, StatusCode,
    TestApp,
};

const DIGEST: &str = "query Digest { dataset { digest } }";

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// `extensions` as Apollo's link sends it.
fn persisted(hash: &str) -> String {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string()
}

/// A GET with the hash alone, or with the text too when `query` is given.
fn get_hashed(app: &TestApp, hash: &str, query: Option<&str>) -> reqwest::blocking::Response {
    let mut params = vec![("extensions", persisted(hash))];
    if let Some(query) = query {
        params.push(("query", query.to_owned()));
    }
    app.get_graphql_params(&params, &[])
}

fn post_hashed(app: &TestApp, hash: &str, query: Option<&str>) -> (StatusCode, Value) {
    let mut body =
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    if let Some(query) = query {
        body["query"] = json!(query);
    }
    let response = app.post_raw(body.to_string(), "application/json", None);
    let status = response.status();
    let body: Value = response.json().expect("a JSON body");
    assert_clean_errors(&body);
    (status, body)
}

fn body_of(response: reqwest::blocking::Response) -> Value {
    let body: Value = response.json().expect("a JSON body");
    assert_clean_errors(&body);
    body
}

/// A document of this test's own, so no other test has registered it on the shared server.
fn fresh_document(name: &str) -> String {
    format!("query {name} {{ dataset {{ digest }} countries(first: 2) {{ nodes {{ id }} }} }}")
}

#[test]
fn an_unknown_hash_over_get_is_not_found_then_registered_then_served_and_cached() {
    // Arrange
    let app = shared_app();
    let query = fresh_document("ApqOverGet");
    let hash = sha256(&query);
    let expected = app.data(&query, json!({}));

    // Act, Assert: the hash alone is unknown, and the miss is not cacheable.
    let miss = get_hashed(app, &hash, None);
    assert_eq!(
        miss.status(),
        StatusCode::OK,
        "a request error under application/json"
    );
    assert_eq!(header(&miss, "cache-control").as_deref(), Some("no-store"));
    assert!(header(&miss, "etag").is_none());
    let body = body_of(miss);
    let message = assert_error(&body, "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(
        message, "PersistedQueryNotFound",
        "the message APQ clients look for"
    );

    // The hash with its text registers it and answers.
    let registered = get_hashed(app, &hash, Some(&query));
    assert_eq!(registered.status(), StatusCode::OK);
    let full_etag = header(&registered, "etag").expect("a cacheable answer");
    assert_eq!(body_of(registered)["data"], expected);

    // Now the hash alone answers, cacheably, with the ETag of the same document sent in full.
    let hit = get_hashed(app, &hash, None);
    assert_eq!(hit.status(), StatusCode::OK);
    assert_eq!(header(&hit, "etag").as_deref(), Some(full_etag.as_str()));
    let cache = header(&hit, "cache-control").expect("Cache-Control");
    assert!(cache.starts_with("public, max-age="), "{cache}");
    assert_eq!(body_of(hit)["data"], expected);
    let revalidated = app.get_graphql_params(
        &[("extensions", persisted(&hash))],
        &[("if-none-match", &full_etag)],
    );
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
}

#[test]
fn a_query_registered_over_post_is_served_by_hash_over_get() {
    let app = shared_app();
    let query = fresh_document("ApqOverPost");
    let hash = sha256(&query);

    let (status, body) = post_hashed(app, &hash, None);
    assert_eq!(status, StatusCode::OK);
    assert_error(&body, "PERSISTED_QUERY_NOT_FOUND");
    let (status, registered) = post_hashed(app, &hash, Some(&query));
    assert_eq!(status, StatusCode::OK, "{registered}");
    assert!(registered.get("errors").is_none(), "{registered}");

    let hit = get_hashed(app, &hash, None);
    assert_eq!(hit.status(), StatusCode::OK);
    assert_eq!(body_of(hit)["data"], registered["data"]);
}

#[test]
fn under_the_graphql_response_media_type_a_miss_is_a_400() {
    let app = shared_app();
    let hash = sha256(&fresh_document("NeverSent"));
    let response = app.get_graphql_params(
        &[("extensions", persisted(&hash))],
        &[("accept", "application/graphql-response+json")],
    );
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_error(&body_of(response), "PERSISTED_QUERY_NOT_FOUND");
}

#[test]
fn a_hash_that_is_not_the_sha256_of_the_text_is_refused_and_registers_nothing() {
    // Arrange
    let app = shared_app();
    let query = fresh_document("Mismatched");
    let wrong = sha256("{ __typename }");

    // Act
    let (status, body) = post_hashed(app, &wrong, Some(&query));

    // Assert
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = assert_error(&body, "BAD_USER_INPUT");
    assert!(
        message.contains(&wrong)
            && message.contains(&sha256(&query))
            && message.contains("SHA-256"),
        "{message}"
    );
    let (_, after) = post_hashed(app, &wrong, None);
    assert_error(&after, "PERSISTED_QUERY_NOT_FOUND");
}

#[test]
fn a_malformed_persisted_query_extension_says_what_is_wrong() {
    let app = shared_app();
    for (extensions, expected) in [
        (
            json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256(DIGEST) } }),
            "version 2",
        ),
        (
            json!({ "persistedQuery": { "version": 1, "sha256Hash": "abc" } }),
            "64 hexadecimal",
        ),
    ] {
        let response = app.get_graphql_params(&[("extensions", extensions.to_string())], &[]);
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let message = assert_error(&body_of(response), "BAD_USER_INPUT");
        assert!(message.contains(expected), "{extensions}: {message}");
    }
    let response = app.get_graphql_params(&[("extensions", "{not json".to_owned())], &[]);
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = assert_error(&body_of(response), "BAD_USER_INPUT");
    assert!(message.contains("`extensions` is not JSON"), "{message}");
}

#[test]
fn with_trusted_documents_only_the_manifest_runs() {
    // Arrange: a manifest as GraphQL Codegen's client preset writes it, holding one document.
    let dir = data_dir();
    let manifest = dir.path().join("persisted-documents.json");
    std::fs::write(&manifest, json!({ sha256(DIGEST): DIGEST }).to_string()).expect("written");
    let app = spawn_app_with(|settings| settings.trusted_documents = Some(manifest));
    let other = "query Other { dataset { digest } }";

    // Act, Assert: the trusted document runs by hash over GET, and by its full text.
    let by_hash = get_hashed(&app, &sha256(DIGEST), None);
    assert_eq!(by_hash.status(), StatusCode::OK);
    assert!(header(&by_hash, "etag").is_some());
    let digest = body_of(by_hash)["data"]["dataset"]["digest"].clone();
    assert!(digest.is_string(), "{digest}");
    assert_eq!(app.data(DIGEST, json!({}))["dataset"]["digest"], digest);

    // Any other document is refused naming the rule, whether sent in full, by hash, or both
    // (which would register it without the manifest).
    let (status, body) = app.graphql(other, json!({}));
    assert_eq!(status, StatusCode::FORBIDDEN);
    let message = assert_error(&body, "DOCUMENT_NOT_TRUSTED");
    assert!(
        message.contains("--trusted-documents") && message.contains(&sha256(other)),
        "{message}"
    );
    let (status, body) = post_hashed(&app, &sha256(other), Some(other));
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error(&body, "DOCUMENT_NOT_TRUSTED");
    let response = get_hashed(&app, &sha256(other), None);
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "not registered, not a retryable miss"
    );
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    assert_error(&body_of(response), "DOCUMENT_NOT_TRUSTED");
}
