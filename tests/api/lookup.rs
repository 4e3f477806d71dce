//! Single lookups: country codes in every spelling the API promises, absence as null, and
//! malformed input as the client's error.

use serde_json::json;

use crate::helpers::{seed, shared_app, strings};

#[test]
fn a_country_is_found_by_alpha_2_alpha_3_or_id_in_any_case() {
    // Arrange
    let app = shared_app();

    for code in ["kh", "KH", "KHM", "khm", "country:KH"] {
        // Act
        let data = app.data(
            "query ($code: String!) { country(code: $code) { id code alpha3 } }",
            json!({ "code": code }),
        );

        // Assert
        assert_eq!(
            data["country"],
            json!({ "id": "country:KH", "code": "KH", "alpha3": "KHM" }),
            "country(code: {code:?})"
        );
    }
}

#[test]
fn every_seeded_country_is_found_by_its_alpha_3_code() {
    let app = shared_app();
    for country in &seed().countries {
        let Some(alpha3) = country["alpha3"].as_str() else {
            continue;
        };
        let data = app.data(
            "query ($code: String!) { country(code: $code) { id } }",
            json!({ "code": alpha3.to_lowercase() }),
        );
        assert_eq!(data["country"]["id"], country["id"], "{alpha3}");
    }
}

#[test]
fn an_unknown_but_well_formed_id_or_code_gives_null_not_an_error() {
    let app = shared_app();
    let data = app.data(
        r#"{ a: country(code: "XX") { id } b: country(code: "XXX") { id }
             c: country(code: "country:XX") { id }
             d: project(id: "project:no-such-project") { id }
             e: node(id: "enterprise:no-such-enterprise") { id } }"#,
        json!({}),
    );
    assert_eq!(
        data,
        json!({ "a": null, "b": null, "c": null, "d": null, "e": null })
    );
}

#[test]
fn a_malformed_id_is_bad_user_input() {
    let app = shared_app();
    for query in [
        r#"{ project(id: "not an id") { id } }"#,
        r#"{ project(id: "project:Suramadu Bridge") { id } }"#,
        r#"{ project(id: "country:KH") { id } }"#,
        r#"{ node(id: "nonsense:thing") { id } }"#,
        r#"{ country(code: "not a code!") { id } }"#,
        r#"{ country(code: "project:suramadu-bridge") { id } }"#,
        r#"{ country(code: "country:") { id } }"#,
    ] {
        let message = app.error(query, json!({}), "BAD_USER_INPUT");
        assert!(!message.is_empty(), "{query}");
    }
}

#[test]
fn nodes_come_back_in_the_order_asked_with_null_for_the_missing() {
    let app = shared_app();
    let suramadu = seed().project("project:suramadu-bridge");
    let data = app.data(
        r#"{ nodes(ids: ["country:KH", "project:no-such-project", "project:suramadu-bridge"]) {
              id kind name } }"#,
        json!({}),
    );
    assert_eq!(
        data["nodes"],
        json!([
            { "id": "country:KH", "kind": "COUNTRY", "name": "Cambodia" },
            null,
            { "id": "project:suramadu-bridge", "kind": "PROJECT", "name": suramadu["name"] },
        ])
    );
    assert_eq!(strings(suramadu, "hostCountries"), ["country:ID"]);
}
