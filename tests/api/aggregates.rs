//! `projectAggregates`: groups that add up, and agree with the connections they summarise.

use std::collections::BTreeMap;

use serde_json::json;

use crate::common::schema;
use crate::helpers::{seed, strings};

#[test]
fn counts_by_host_country_cover_every_project_and_match_each_countrys_project_list() {
    // Arrange
    let data = seed();
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for project in &data.projects {
        for country in strings(project, "hostCountries") {
            *expected.entry(country).or_default() += 1;
        }
    }

    // Act
    let answer = schema::data(
        r#"{ projectAggregates(groupBy: HOST_COUNTRY) {
              key label count valueUsd valuedCount
              node { id ... on Country { name projects { totalCount } } }
            } }"#,
        json!({}),
    );

    // Assert
    let buckets = answer["projectAggregates"].as_array().unwrap();
    let total: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert!(
        total >= data.projects.len() as u64,
        "every project counts in at least one country: {total}"
    );
    let mut found = BTreeMap::new();
    for bucket in buckets {
        let node = &bucket["node"];
        assert_eq!(bucket["key"], node["id"], "{bucket}");
        assert_eq!(bucket["label"], node["name"], "{bucket}");
        assert_eq!(
            bucket["count"], node["projects"]["totalCount"],
            "the bucket's count is the country's project count: {bucket}"
        );
        assert!(bucket["valuedCount"].as_u64() <= bucket["count"].as_u64());
        found.insert(
            bucket["key"].as_str().unwrap().to_owned(),
            bucket["count"].as_u64().unwrap(),
        );
    }
    assert_eq!(found, expected, "counts per country from projects.json");
    let counts: Vec<u64> = buckets
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "largest groups first: {counts:?}"
    );
}

#[test]
fn counts_by_status_under_a_filter_add_up_to_the_filtered_total() {
    let answer = schema::data(
        r#"{ projectAggregates(groupBy: STATUS, filter: { hostCountry: ["ID"] }) { key count }
             projects(filter: { hostCountry: ["ID"] }) { totalCount } }"#,
        json!({}),
    );
    let total: u64 = answer["projectAggregates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        total,
        answer["projects"]["totalCount"].as_u64().unwrap(),
        "each project has one status"
    );
}
