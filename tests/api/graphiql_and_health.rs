//! GraphiQL served from the binary with no network, the SDL, and the health endpoints.

use serde_json::{json, Value};

use crate::helpers::{attribute_values, header, shared_app, StatusCode};

#[test]
fn graphiql_is_served_at_the_root_and_at_graphiql_with_nothing_from_the_network() {
    let app = shared_app();
    for path in ["/", "/graphiql"] {
        // Act
        let response = app.get(path);

        // Assert
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            header(&response, "content-type")
                .unwrap_or_default()
                .starts_with("text/html"),
            "{path}"
        );
        let html = response.text().unwrap();
        assert!(
            !html.contains("src=\"http"),
            "{path} loads a script from the network"
        );
        assert!(!html.contains("href=\"http"), "{path} links to the network");
        assert!(
            html.contains("suramadu-bridge"),
            "the default query is in place"
        );

        let assets: Vec<String> = attribute_values(&html, "src")
            .into_iter()
            .chain(attribute_values(&html, "href"))
            .filter(|url| !url.starts_with("data:"))
            .collect();
        assert!(
            assets.len() >= 2,
            "a script and a stylesheet at least: {assets:?}"
        );
        for asset in assets {
            assert!(asset.starts_with("/graphiql/assets/"), "{asset}");
            let response = app.get(&asset);
            assert_eq!(response.status(), StatusCode::OK, "{asset}");
            let content_type = header(&response, "content-type").unwrap_or_default();
            let expected = if asset.ends_with(".css") {
                "text/css"
            } else {
                "text/javascript"
            };
            assert!(
                content_type.starts_with(expected),
                "{asset}: {content_type}"
            );
            assert!(
                !response.bytes().unwrap().is_empty(),
                "{asset} is not empty"
            );
        }
    }
    assert_eq!(
        app.get("/graphiql/assets/no-such-file.js").status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn the_schema_endpoint_serves_the_sdl_the_code_prints() {
    let response = shared_app().get("/schema.graphql");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type")
        .unwrap_or_default()
        .starts_with("text/plain"));
    assert_eq!(response.text().unwrap(), capgraph::graphql::sdl());
}

#[test]
fn healthz_answers_and_readyz_names_the_dataset_being_served() {
    let app = shared_app();
    let health = app.get("/healthz");
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.url().port(), Some(app.port));

    let response = app.get("/readyz");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type")
        .unwrap_or_default()
        .starts_with("application/json"));
    let ready: Value = response.json().unwrap();
    let served = app.data("{ dataset { digest edges nodes { count } } }", json!({}));
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["digest"], served["dataset"]["digest"]);
    assert_eq!(ready["edges"], served["dataset"]["edges"]);
    let nodes: u64 = served["dataset"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["count"].as_u64().unwrap())
        .sum();
    assert_eq!(ready["nodes"], nodes);
}
