//! GraphQL over HTTP as the spec has it: media types and the status codes that go with them,
//! GET and POST, operation names, and malformed requests.

use std::collections::BTreeSet;

use capgraph::graphql::error::ErrorCode;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{
    assert_clean_errors, assert_error, header, shared_app, StatusCode, ERROR_CODES,
};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const QUERY: &str = r#"{ country(code: "KH") { name } }"#;

fn body(query: &str) -> String {
    json!({ "query": query }).to_string()
}

fn json_body(response: reqwest::blocking::Response) -> Value {
    let body: Value = response.json().expect("a JSON body");
    assert_clean_errors(&body);
    body
}

#[test]
fn a_json_post_answers_200_with_data_in_application_json() {
    let app = shared_app();
    let response = app.post_raw(body(QUERY), "application/json", None);
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(
        json_body(response),
        json!({ "data": { "country": { "name": "Cambodia" } } })
    );

    // A charset parameter on the request's media type is fine.
    let response = app.post_raw(body(QUERY), "application/json; charset=utf-8", None);
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn asking_for_graphql_response_json_gets_that_media_type() {
    let app = shared_app();
    for accept in [
        GRAPHQL_RESPONSE,
        "application/graphql-response+json, application/json;q=0.9",
        "application/json;q=0.5, application/graphql-response+json",
    ] {
        let response = app.post_raw(body(QUERY), "application/json", Some(accept));
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert_eq!(
            header(&response, "content-type").as_deref(),
            Some(GRAPHQL_RESPONSE),
            "{accept}"
        );
        assert_eq!(json_body(response)["data"]["country"]["name"], "Cambodia");
    }
    // Preferring application/json by quality gets application/json.
    let response = app.post_raw(
        body(QUERY),
        "application/json",
        Some("application/graphql-response+json;q=0.5, application/json"),
    );
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("application/json"));
}

#[test]
fn a_syntax_error_is_400_without_data_in_graphql_response_json() {
    let response = shared_app().post_raw(
        body("{ country( "),
        "application/json",
        Some(GRAPHQL_RESPONSE),
    );
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some(GRAPHQL_RESPONSE)
    );
    let body = json_body(response);
    assert_error(&body, "BAD_USER_INPUT");
    assert!(
        body.get("data").is_none(),
        "a request that never ran has no data entry: {body}"
    );
}

#[test]
fn a_validation_error_is_400_without_data_in_graphql_response_json() {
    let response = shared_app().post_raw(
        body("{ country(code: \"KH\") { noSuchField } }"),
        "application/json",
        Some(GRAPHQL_RESPONSE),
    );
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = json_body(response);
    assert_error(&body, "BAD_USER_INPUT");
    assert!(body.get("data").is_none(), "{body}");
}

#[test]
fn a_syntax_error_is_200_with_errors_in_application_json() {
    let response = shared_app().post_raw(body("{ country( "), "application/json", None);
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_body(response);
    assert_error(&body, "BAD_USER_INPUT");
    assert!(body.get("data").is_none(), "{body}");
}

#[test]
fn a_field_error_after_execution_began_is_200_with_data_even_in_graphql_response_json() {
    // The request was valid and ran; one field failed. The spec's status for that is 2xx.
    let app = shared_app();
    for query in [
        r#"{ project(id: "not an id") { id } }"#,
        r#"{ ok: country(code: "KH") { name } bad: project(id: "not an id") { id } }"#,
    ] {
        let response = app.post_raw(body(query), "application/json", Some(GRAPHQL_RESPONSE));
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let body = json_body(response);
        assert_error(&body, "BAD_USER_INPUT");
        assert!(
            body.get("data").is_some(),
            "execution began, so data is there: {body}"
        );
    }
}

#[test]
fn a_get_with_query_variables_and_operation_name_works() {
    let app = shared_app();
    let response = app.get_graphql(
        "query Other { dataset { edges } } query Country($code: String!) { country(code: $code) { name } }",
        Some(&json!({ "code": "LA" })),
        Some("Country"),
        &[],
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json_body(response),
        json!({ "data": { "country": { "name": "Laos" } } })
    );
}

#[test]
fn a_mutation_over_get_is_405_and_says_to_use_post() {
    let app = shared_app();
    let response = app.get_graphql("mutation { anything }", None, None, &[]);
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = header(&response, "allow").unwrap_or_default();
    assert!(allow.contains("POST"), "Allow: {allow}");
    let message = assert_error(&json_body(response), "BAD_USER_INPUT");
    assert!(message.contains("POST"), "{message}");

    // The query operation of a document that also holds a mutation may be chosen over GET.
    let response = app.get_graphql(
        "query Q { dataset { edges } } mutation M { anything }",
        None,
        Some("Q"),
        &[],
    );
    assert_eq!(response.status(), StatusCode::OK);

    // The schema has no mutations at all: over POST one is a validation error.
    let (status, body) = app.graphql("mutation { anything }", json!({}));
    assert_eq!(status, StatusCode::OK);
    assert_error(&body, "BAD_USER_INPUT");
}

#[test]
fn other_methods_on_graphql_are_405_with_an_allow_header() {
    let response = shared_app().request(Method::PUT, "/graphql", &[]);
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = header(&response, "allow").unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[test]
fn a_post_in_an_unsupported_content_type_is_415() {
    let app = shared_app();
    for content_type in [
        "text/plain",
        "application/graphql",
        "application/x-www-form-urlencoded",
    ] {
        let response = app.post_raw(QUERY, content_type, None);
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
        assert_error(&json_body(response), "BAD_USER_INPUT");
    }
}

#[test]
fn accepting_only_html_is_406() {
    let app = shared_app();
    let response = app.post_raw(body(QUERY), "application/json", Some("text/html"));
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
    let response = app.get_graphql(QUERY, None, None, &[("accept", "text/html")]);
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
}

#[test]
fn a_request_without_a_query_is_400() {
    let app = shared_app();
    let response = app.post_raw(r#"{"variables": {}}"#, "application/json", None);
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = assert_error(&json_body(response), "BAD_USER_INPUT");
    assert!(message.contains("query"), "{message}");

    let response = app.get("/graphql");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn operation_name_picks_one_of_two_operations() {
    let app = shared_app();
    let document = r#"query Cambodia { country(code: "KH") { name } } query Laos { country(code: "LA") { name } }"#;
    for (operation, name) in [("Cambodia", "Cambodia"), ("Laos", "Laos")] {
        let response = app.post_raw(
            json!({ "query": document, "operationName": operation }).to_string(),
            "application/json",
            None,
        );
        assert_eq!(
            json_body(response)["data"]["country"]["name"],
            name,
            "{operation}"
        );
    }
    // Without a name, a document of two operations is ambiguous.
    let (_, body) = app.graphql(document, json!({}));
    assert_error(&body, "BAD_USER_INPUT");
    // A name that matches no operation is the client's error.
    let response = app.post_raw(
        json!({ "query": document, "operationName": "Thailand" }).to_string(),
        "application/json",
        None,
    );
    assert_error(&json_body(response), "BAD_USER_INPUT");
}

#[test]
fn variables_must_be_an_object() {
    let app = shared_app();
    for variables in [json!([1, 2]), json!("code=KH"), json!(7)] {
        let response = app.post_raw(
            json!({ "query": QUERY, "variables": variables }).to_string(),
            "application/json",
            None,
        );
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{variables}");
        let message = assert_error(&json_body(response), "BAD_USER_INPUT");
        assert!(message.contains("variables"), "{message}");
    }
    // null is as good as absent.
    let response = app.post_raw(
        json!({ "query": QUERY, "variables": null }).to_string(),
        "application/json",
        None,
    );
    assert_eq!(response.status(), StatusCode::OK);
    // Over GET, variables that are not JSON are refused too.
    let response = app.get("/graphql?query=%7B__typename%7D&variables=%7Bnot-json");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn a_body_that_is_not_json_is_400() {
    let response = shared_app().post_raw(
        "{ country(code: \"KH\") { name } }",
        "application/json",
        None,
    );
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_error(&json_body(response), "BAD_USER_INPUT");
}

#[test]
fn the_codes_clients_are_promised_are_exactly_the_servers_and_the_readme_names_each() {
    // Arrange
    let server: BTreeSet<&str> = ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
    let promised: BTreeSet<&str> = ERROR_CODES.into_iter().collect();
    let readme = include_str!("../../README.md");

    // Assert: the codes every test accepts (`assert_clean_errors`) are the server's own.
    assert_eq!(promised, server);
    assert_eq!(server.len(), ErrorCode::ALL.len(), "no code twice");
    for code in server {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README.md does not tell clients about `{code}`"
        );
    }
}

/// The keys of a JSON object, in the order the text has them.
struct KeysInOrder(Vec<String>);

impl<'de> serde::Deserialize<'de> for KeysInOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = KeysInOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeysInOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(KeysInOrder(keys))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// An answer's root keys, and the keys of each node of its page `a`.
#[derive(serde::Deserialize)]
struct Answer<T> {
    data: T,
}
#[derive(serde::Deserialize)]
struct PageA {
    a: Nodes,
}
#[derive(serde::Deserialize)]
struct Nodes {
    nodes: Vec<KeysInOrder>,
}

#[test]
fn every_object_lists_its_fields_in_the_order_the_query_selects_them_even_a_long_one() {
    // Arrange: more fields than a request resolves between two yields to other requests (64),
    // in an order that is neither alphabetical nor the schema's; the yield falls in the first
    // root field, and a first request of a document runs through the pipeline, the path that
    // yields.
    let selection = ["startYear", "name", "status", "id"];
    let query = format!(
        "{{ a: projects(first: 40) {{ nodes {{ {} }} }} ...More c: countries {{ totalCount }} }}
         fragment More on Query {{ b: dataset {{ digest }} }}",
        selection.join(" ")
    );

    // Act
    let response = shared_app().post_raw(body(&query), "application/json", None);

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().unwrap();
    let root: Answer<KeysInOrder> = serde_json::from_str(&text).expect("an answer");
    assert_eq!(root.data.0, ["a", "b", "c"], "the root's keys");
    let page: Answer<PageA> = serde_json::from_str(&text).expect("an answer");
    assert_eq!(page.data.a.nodes.len(), 40, "the page is full");
    for (at, node) in page.data.a.nodes.iter().enumerate() {
        assert_eq!(node.0, selection, "the keys of node {at}");
    }
}
