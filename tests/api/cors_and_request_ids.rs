//! Browser access and tracing: CORS open by default and closed to other origins when
//! configured, and a fresh request ID on every response.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{header, shared_app, spawn_app_with, StatusCode, TestApp};

fn preflight(app: &TestApp, origin: &str) -> reqwest::blocking::Response {
    app.request(
        Method::OPTIONS,
        "/graphql",
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
    )
}

#[test]
fn a_preflight_from_any_origin_is_allowed_by_default() {
    let app = shared_app();
    for origin in ["https://example.org", "http://localhost:3000"] {
        let response = preflight(app, origin);
        assert!(
            response.status().is_success(),
            "{origin}: {}",
            response.status()
        );
        let allowed = header(&response, "access-control-allow-origin");
        assert!(
            allowed.as_deref() == Some(origin) || allowed.as_deref() == Some("*"),
            "{origin}: {allowed:?}"
        );
        let methods = header(&response, "access-control-allow-methods").unwrap_or_default();
        assert!(methods.contains("POST"), "{methods}");
        let headers = header(&response, "access-control-allow-headers").unwrap_or_default();
        assert!(headers.to_lowercase().contains("content-type"), "{headers}");
    }
}

#[test]
fn a_cross_origin_get_may_read_the_answer_and_its_etag_and_request_id() {
    let app = shared_app();
    let response = app.request(
        Method::GET,
        "/graphql?query=%7B__typename%7D",
        &[("origin", "https://example.org")],
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "access-control-allow-origin").is_some());
    let exposed = header(&response, "access-control-expose-headers")
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("x-request-id"),
        "{exposed}"
    );
}

#[test]
fn with_configured_origins_another_origin_gets_no_allow_origin() {
    // Arrange
    let app = spawn_app_with(|settings| {
        settings.cors_origins = vec!["https://example.org".to_owned()];
    });

    // Act
    let allowed = preflight(&app, "https://example.org");
    let refused = preflight(&app, "https://evil.example");
    let refused_get = app.request(
        Method::GET,
        "/graphql?query=%7B__typename%7D",
        &[("origin", "https://evil.example")],
    );

    // Assert
    assert!(allowed.status().is_success());
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some("https://example.org")
    );
    assert!(
        header(&refused, "access-control-allow-origin").is_none(),
        "no CORS grant for another origin ({})",
        refused.status()
    );
    assert!(header(&refused_get, "access-control-allow-origin").is_none());
    // Without an Origin header (not a browser), the API still answers.
    assert_eq!(app.data("{ __typename }", json!({}))["__typename"], "Query");
}

#[test]
fn every_response_carries_a_request_id_and_no_two_are_the_same() {
    let app = shared_app();
    let responses = [
        app.get("/healthz"),
        app.get("/readyz"),
        app.get("/schema.graphql"),
        app.get("/"),
        app.get("/no-such-page"),
        app.get_graphql("{ __typename }", None, None, &[]),
        app.get_graphql("{ __typename }", None, None, &[]),
        app.post_raw(r#"{"query":"{ __typename }"}"#, "application/json", None),
        app.post_raw("x", "text/plain", None),
        app.request(Method::DELETE, "/graphql", &[]),
        preflight(app, "https://example.org"),
    ];
    let mut seen = BTreeSet::new();
    for response in &responses {
        let id = header(response, "x-request-id")
            .unwrap_or_else(|| panic!("{} has no x-request-id", response.url()));
        assert!(!id.is_empty());
        assert!(seen.insert(id.clone()), "request id {id} repeated");
    }
}
