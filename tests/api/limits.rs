//! Errors and limits: every error carries a promised code and no internals; each limit is on by
//! default, answers LIMIT_EXCEEDED, and moves when the settings move it.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use capgraph::graphql::Limits;
use serde_json::{json, Value};

use crate::helpers::{
    assert_clean_errors, assert_error, error_codes, header, seed, shared_app, spawn_app_with,
    StatusCode, TestApp,
};

/// A server whose every limit is far above the defaults.
fn raised_app() -> &'static TestApp {
    static APP: LazyLock<TestApp> = LazyLock::new(|| {
        spawn_app_with(|settings| {
            settings.limits = Limits {
                max_depth: 64,
                max_cost: 2_000_000,
                max_aliases: 100,
                max_page: 1_000,
                max_body_bytes: 1 << 20,
                request_timeout: Duration::from_secs(60),
                ..Limits::default()
            }
        })
    });
    &APP
}

/// `sector { id parent { id parent { ... } } }`, `levels` parents deep.
fn deep_query(levels: usize) -> String {
    format!(
        r#"{{ sector(id: "sector:bridges") {{ {} id {} }} }}"#,
        "id parent { ".repeat(levels),
        "}".repeat(levels)
    )
}

/// `count` aliased copies of one cheap field.
fn aliased_query(count: usize) -> String {
    let fields: Vec<String> = (0..count)
        .map(|i| format!("a{i}: dataset {{ edges }}"))
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

const COSTLY: &str = "{ projects(first: 500) { edges { node { enterprises(first: 500) { edges { node { name } } } } } } }";

/// Enough work to take well over a millisecond, while within the default cost limit.
const SLOW: &str = r#"{
  neighbors(id: "country:CN", depth: 3) { nodes { id name } edges { fromId toId type } }
  projects(first: 100) { nodes { id name hostCountries { name } sectors { name }
    enterprises(first: 20) { edges { role node { name headquarters { name } } } } sources { title } } }
}"#;

#[test]
fn every_error_has_a_promised_code_and_gives_nothing_away() {
    let app = shared_app();
    let bad_queries = [
        "{ projects( ",
        "{ noSuchField }",
        r#"{ project(id: "not an id") { id } }"#,
        r#"{ projects(after: "bogus") { totalCount } }"#,
        r#"{ projects(first: 501) { totalCount } }"#,
        r#"{ neighbors(id: "project:no-such-project") { nodes { id } } }"#,
        r#"{ path(from: "enterprise:zte", to: "country:KH", maxDepth: 99) { length } }"#,
        r#"query ($n: Int!) { projects(first: $n) { totalCount } }"#,
        r#"{ search(text: "") { score } }"#,
        &deep_query(40),
        &aliased_query(31),
        COSTLY,
    ];
    for query in bad_queries {
        // `graphql` checks codes and messages of every response; here each must have errors.
        let (_, body) = app.graphql(query, json!({}));
        assert!(!error_codes(&body).is_empty(), "{query} fails: {body}");
    }
    for (body, content_type) in [
        ("{not json", "application/json"),
        (r#"{"query": 5}"#, "application/json"),
        (
            r#"{"query": "{ dataset { edges } }", "variables": "x"}"#,
            "application/json",
        ),
        ("{ dataset { edges } }", "application/graphql"),
    ] {
        let response = app.post_raw(body, content_type, None);
        assert!(response.status().is_client_error(), "{body}");
        let body: Value = response.json().expect("errors come as JSON");
        assert_clean_errors(&body);
        assert!(!error_codes(&body).is_empty());
    }
}

#[test]
fn a_not_found_start_for_a_graph_question_is_not_found() {
    let app = shared_app();
    app.error(
        r#"{ neighbors(id: "project:no-such-project") { nodes { id } } }"#,
        json!({}),
        "NOT_FOUND",
    );
    app.error(
        r#"{ path(from: "enterprise:zte", to: "country:XX") { length } }"#,
        json!({}),
        "NOT_FOUND",
    );
}

#[test]
fn a_query_nested_deeper_than_the_depth_limit_is_refused_unless_the_limit_is_raised() {
    let limit = Limits::default().max_depth;
    let query = deep_query(limit + 5);
    shared_app().error(&query, json!({}), "LIMIT_EXCEEDED");
    // A query well inside the limit runs.
    shared_app().data(&deep_query(3), json!({}));

    let data = raised_app().data(&query, json!({}));
    assert_eq!(data["sector"]["id"], "sector:bridges");
    assert_eq!(data["sector"]["parent"]["id"], "sector:roads");
}

/// Parsed documents are kept and reused (graphql/documents.rs): a refused one must not be kept,
/// and a kept one must answer each request with that request's own variables.
#[test]
fn a_document_sent_again_is_refused_again_or_answered_with_its_new_variables() {
    let app = shared_app();
    let too_deep = deep_query(Limits::default().max_depth + 5);
    for _ in 0..3 {
        app.error(&too_deep, json!({}), "LIMIT_EXCEEDED");
    }
    let lookup = "query ($id: ID!) { sector(id: $id) { id parent { id } } }";
    let with_parents = seed().sectors.iter().filter(|s| s["parent"].is_string());
    for sector in with_parents.take(3) {
        for _ in 0..2 {
            let data = app.data(lookup, json!({ "id": sector["id"] }));
            assert_eq!(data["sector"]["id"], sector["id"]);
            assert_eq!(data["sector"]["parent"]["id"], sector["parent"], "{data}");
        }
    }
    // A variable of the wrong type is refused each time, however often the document was seen.
    for _ in 0..2 {
        app.error(lookup, json!({ "id": 5 }), "BAD_USER_INPUT");
    }
}

#[test]
fn more_aliases_than_the_limit_are_refused_unless_the_limit_is_raised() {
    let limit = Limits::default().max_aliases;
    shared_app().data(&aliased_query(limit), json!({}));
    let message = shared_app().error(&aliased_query(limit + 1), json!({}), "LIMIT_EXCEEDED");
    assert!(message.contains(&limit.to_string()), "{message}");

    let data = raised_app().data(&aliased_query(limit + 1), json!({}));
    assert_eq!(data.as_object().unwrap().len(), limit + 1);
}

#[test]
fn a_page_over_500_rows_is_refused_and_names_the_limit() {
    let app = shared_app();
    let message = app.error(
        "{ projects(first: 501) { totalCount } }",
        json!({}),
        "LIMIT_EXCEEDED",
    );
    assert!(message.contains("500"), "{message}");
    app.error(
        "{ projects(last: 501) { totalCount } }",
        json!({}),
        "LIMIT_EXCEEDED",
    );
    app.data("{ projects(first: 500) { totalCount } }", json!({}));

    let data = raised_app().data(
        "{ projects(first: 501) { totalCount edges { cursor } } }",
        json!({}),
    );
    let rows = data["projects"]["edges"].as_array().unwrap().len() as u64;
    assert_eq!(
        rows,
        data["projects"]["totalCount"].as_u64().unwrap().min(501)
    );
}

#[test]
fn nested_pages_that_multiply_past_the_cost_limit_are_refused_unless_the_limit_is_raised() {
    shared_app().error(COSTLY, json!({}), "LIMIT_EXCEEDED");

    let data = raised_app().data(COSTLY, json!({}));
    assert!(!data["projects"]["edges"].as_array().unwrap().is_empty());
}

/// A valid query padded with a comment to `size` bytes of JSON body.
fn padded_body(size: usize) -> String {
    let head = r#"{"query":"{ dataset { edges } }\n#"#;
    let tail = r#""}"#;
    format!("{head}{}{tail}", "x".repeat(size - head.len() - tail.len()))
}

#[test]
fn a_body_over_64_kib_is_413_with_a_limit_error_unless_the_limit_is_raised() {
    let limit = Limits::default().max_body_bytes;
    assert_eq!(limit, 64 * 1024);
    let app = shared_app();

    let response = app.post_raw(padded_body(limit + 1), "application/json", None);
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().expect("a GraphQL error body");
    let message = assert_error(&body, "LIMIT_EXCEEDED");
    assert!(message.contains(&limit.to_string()), "{message}");

    let fits = app.post_raw(padded_body(limit), "application/json", None);
    assert_eq!(fits.status(), StatusCode::OK);

    let raised = raised_app().post_raw(padded_body(limit + 1), "application/json", None);
    assert_eq!(raised.status(), StatusCode::OK);
    let body: Value = raised.json().unwrap();
    assert!(body["data"]["dataset"]["edges"].is_number(), "{body}");
}

#[test]
fn a_request_over_the_time_limit_is_503_timeout_under_both_media_types() {
    // Arrange
    let hasty = spawn_app_with(|settings| {
        settings.limits.request_timeout = Duration::from_millis(1);
    });

    // Act
    let started = Instant::now();
    let legacy = hasty.post_raw(
        json!({ "query": SLOW }).to_string(),
        "application/json",
        None,
    );
    let elapsed = started.elapsed();
    let modern = hasty.post_raw(
        json!({ "query": SLOW }).to_string(),
        "application/json",
        Some("application/graphql-response+json"),
    );

    // Assert
    assert!(elapsed < Duration::from_secs(5), "answered in {elapsed:?}");
    for (response, media) in [
        (legacy, "application/json"),
        (modern, "application/graphql-response+json"),
    ] {
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{media}"
        );
        assert_eq!(header(&response, "content-type").as_deref(), Some(media));
        let body: Value = response.json().expect("a GraphQL error body");
        let message = assert_error(&body, "TIMEOUT");
        assert!(message.contains("time limit of 1 ms"), "{message}");
    }

    // The same query runs under the default time limit, and under a raised one.
    shared_app().data(SLOW, json!({}));
    raised_app().data(SLOW, json!({}));
}

/// The standard introspection documents of graphql-js 16, as `getIntrospectionQuery()` prints
/// them with no options and with every option on (descriptions, `specifiedByURL`,
/// `isRepeatable`, the schema's description, deprecated input values).
const INTROSPECTION: [(&str, &str); 2] = [
    (
        "default",
        include_str!("../fixtures/introspection/graphql-js-16-default.graphql"),
    ),
    (
        "all options",
        include_str!("../fixtures/introspection/graphql-js-16-all-options.graphql"),
    ),
];

#[test]
fn the_standard_introspection_queries_pass_the_default_limits() {
    let app = shared_app();
    for (name, query) in INTROSPECTION {
        let data = app.data(query, json!({}));
        let types = data["__schema"]["types"].as_array().expect("types");
        assert!(
            types.iter().any(|t| t["name"] == "Project"),
            "{name}: no Project type"
        );
        assert_eq!(data["__schema"]["queryType"]["name"], "Query", "{name}");
    }
}

#[test]
fn introspection_keeps_bounds_of_its_own() {
    let app = shared_app();
    let limits = Limits::default();
    let chain = format!(
        r#"{{ __type(name: "Project") {{ fields {{ type {{ {} name {} }} }} }} }}"#,
        "ofType { ".repeat(limits.max_of_type_depth + 1),
        "}".repeat(limits.max_of_type_depth + 1)
    );
    let (_, body) = app.graphql(&chain, json!({}));
    assert_limit(&body, "maxOfTypeDepth", limits.max_of_type_depth);

    let repeated: Vec<String> = (0..=limits.max_introspection_fields)
        .map(|i| format!("s{i}: __schema {{ types {{ name }} }}"))
        .collect();
    let (_, body) = app.graphql(&format!("{{ {} }}", repeated.join(" ")), json!({}));
    assert_limit(
        &body,
        "maxIntrospectionFields",
        limits.max_introspection_fields,
    );

    // Data fields still count toward the depth limit.
    let (_, body) = app.graphql(&deep_query(limits.max_depth + 1), json!({}));
    assert_limit(&body, "maxDepth", limits.max_depth);
}

#[test]
fn introspection_turned_off_is_refused_with_a_clear_error_and_data_still_answers() {
    let closed = spawn_app_with(|settings| settings.limits.introspection = false);
    for (_, query) in INTROSPECTION {
        let message = closed.error(query, json!({}), "INTROSPECTION_DISABLED");
        assert!(message.contains("--introspection off"), "{message}");
    }
    closed.data(
        r#"{ project(id: "project:suramadu-bridge") { name } }"#,
        json!({}),
    );
}

/// Asserts one LIMIT_EXCEEDED error that names `limit` and its value.
#[track_caller]
fn assert_limit(body: &Value, limit: &str, max: usize) {
    assert_error(body, "LIMIT_EXCEEDED");
    let extensions = &body["errors"][0]["extensions"];
    assert_eq!(extensions["limit"], limit, "{body}");
    assert_eq!(extensions["max"], max, "{body}");
}

#[test]
fn five_hundred_directives_on_a_field_are_refused_naming_the_limit() {
    let limits = Limits::default();
    let query = format!(
        "{{ dataset {{ edges {} }} }}",
        "@include(if: true) ".repeat(500)
    );
    // By default the document is refused for its size before its directives are counted...
    let (_, body) = shared_app().graphql(&query, json!({}));
    assert_limit(&body, "maxTokens", limits.max_tokens);
    // ...and with room for its tokens, for its directives.
    let roomy = spawn_app_with(|settings| {
        settings.limits.max_tokens = 10_000;
        settings.limits.max_aliases = 1_000;
    });
    let (_, body) = roomy.graphql(&query, json!({}));
    assert_limit(&body, "maxFieldDirectives", limits.max_field_directives);

    let spread: Vec<String> = (0..=limits.max_directives)
        .map(|i| format!("e{i}: edges @include(if: true)"))
        .collect();
    let (_, body) = roomy.graphql(
        &format!("{{ dataset {{ {} }} }}", spread.join(" ")),
        json!({}),
    );
    assert_limit(&body, "maxDirectives", limits.max_directives);
    // As many directives as the limit allows run.
    let within: Vec<&str> = spread[..limits.max_directives]
        .iter()
        .map(String::as_str)
        .collect();
    roomy.data(
        &format!("{{ dataset {{ {} }} }}", within.join(" ")),
        json!({}),
    );
}

#[test]
fn a_document_over_the_token_limit_is_refused_before_it_is_parsed() {
    let app = shared_app();
    let max = Limits::default().max_tokens;
    // `{ dataset { edges edges ... } }`: 5 tokens of frame and one per field.
    let query = |fields: usize| format!("{{ dataset {{ {} }} }}", "edges ".repeat(fields));
    app.data(&query(max - 5), json!({}));
    let (_, body) = app.graphql(&query(max - 4), json!({}));
    assert_limit(&body, "maxTokens", max);
}

#[test]
fn every_limit_error_names_its_limit_and_value() {
    let app = shared_app();
    let limits = Limits::default();
    let (_, body) = app.graphql(COSTLY, json!({}));
    assert_limit(&body, "maxCost", limits.max_cost);
    let (_, body) = app.graphql(&aliased_query(limits.max_aliases + 1), json!({}));
    assert_limit(&body, "maxAliases", limits.max_aliases);
}

#[test]
fn costly_queries_past_the_concurrency_limit_get_503_and_cheap_ones_still_run() {
    // No slot and no queue: every costly query is over the limit, and a cheap one needs none.
    let full = spawn_app_with(|settings| {
        settings.limits.max_concurrent_queries = 0;
        settings.limits.max_queued_queries = 0;
    });

    let response = full.post_raw(
        json!({ "query": SLOW }).to_string(),
        "application/json",
        None,
    );
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, "retry-after").as_deref(), Some("1"));
    let body: Value = response.json().expect("a GraphQL error body");
    assert_error(&body, "OVERLOADED");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "maxQueuedQueries");

    full.data("{ __typename }", json!({}));
    full.data(
        r#"{ project(id: "project:suramadu-bridge") { name } }"#,
        json!({}),
    );
}

#[test]
fn exports_past_the_concurrency_limit_get_503_with_retry_after() {
    let full = spawn_app_with(|settings| settings.limits.max_concurrent_exports = 0);
    let response = full.get("/export/ndjson");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(header(&response, "retry-after").is_some());
    let text = response.text().expect("a message");
    assert!(text.contains("exports at once"), "{text}");
}
