//! Single lookups, in-process (`common::schema`): country codes in every spelling the API
//! promises, absence as null, and malformed input as the client's error.

use serde_json::{json, Value};

use crate::common::schema::{check, error};
use crate::helpers::seed;

#[test]
fn a_country_is_found_by_alpha_2_alpha_3_or_id_in_any_case() {
    // Arrange
    let cambodia = seed()
        .countries
        .iter()
        .find(|c| c["id"] == "country:KH")
        .expect("the seed has Cambodia");
    let expected = json!({ "country": {
        "id": cambodia["id"],
        "code": "KH",
        "alpha3": cambodia["alpha3"],
    } });
    assert_eq!(cambodia["alpha3"], "KHM");

    for code in ["kh", "KH", "KHM", "khm", "country:KH"] {
        // Act, Assert
        check(
            "query ($code: String!) { country(code: $code) { id code alpha3 } }",
            json!({ "code": code }),
            expected.clone(),
        );
    }
}

#[test]
fn every_seeded_country_is_found_by_its_alpha_3_code() {
    let mut found = 0;
    for country in &seed().countries {
        let Some(alpha3) = country["alpha3"].as_str() else {
            continue;
        };
        check(
            "query ($code: String!) { country(code: $code) { id } }",
            json!({ "code": alpha3.to_lowercase() }),
            json!({ "country": { "id": country["id"] } }),
        );
        found += 1;
    }
    assert!(found > 10, "the seed's countries have alpha-3 codes");
}

#[test]
fn an_unknown_but_well_formed_id_or_code_gives_null_not_an_error() {
    check(
        r#"{ a: country(code: "XX") { id } b: country(code: "XXX") { id }
             c: country(code: "country:XX") { id }
             d: project(id: "project:no-such-project") { id }
             e: node(id: "enterprise:no-such-enterprise") { id } }"#,
        json!({}),
        json!({ "a": null, "b": null, "c": null, "d": null, "e": null }),
    );
}

#[test]
fn a_malformed_id_is_bad_user_input() {
    for query in [
        r#"{ project(id: "not an id") { id } }"#,
        r#"{ project(id: "project:Suramadu Bridge") { id } }"#,
        r#"{ project(id: "country:KH") { id } }"#,
        r#"{ node(id: "nonsense:thing") { id } }"#,
        r#"{ country(code: "not a code!") { id } }"#,
        r#"{ country(code: "project:suramadu-bridge") { id } }"#,
        r#"{ country(code: "country:") { id } }"#,
    ] {
        let message = error(query, json!({}), "BAD_USER_INPUT");
        assert!(!message.is_empty(), "{query}");
    }
}

#[test]
fn nodes_come_back_in_the_order_asked_with_null_for_the_missing() {
    let data = seed();
    let cambodia = data
        .countries
        .iter()
        .find(|c| c["id"] == "country:KH")
        .expect("the seed has Cambodia");
    let suramadu = data.project("project:suramadu-bridge");
    let node = |record: &Value, kind: &str| json!({ "id": record["id"], "kind": kind, "name": record["name"] });
    check(
        r#"{ nodes(ids: ["country:KH", "project:no-such-project", "project:suramadu-bridge"]) {
              id kind name } }"#,
        json!({}),
        json!({ "nodes": [node(cambodia, "COUNTRY"), null, node(suramadu, "PROJECT")] }),
    );
}
