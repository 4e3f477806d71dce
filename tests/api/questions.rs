//! The questions an analyst brings (DESIGN, "Who uses it"), answered from the data: who built
//! what and where, what one enterprise does in one country, how two nodes are connected, and
//! what the source article's figures say. Asked in-process (`common::schema`), since HTTP adds
//! nothing to them.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::common::schema;
use crate::helpers::{id_set, ids, seed, strings, Seed};

const ARTICLE: &str = "source:capacity-cooperation-2017";

#[test]
fn who_built_the_suramadu_bridge_and_where_matches_the_participants_in_the_seed() {
    // Arrange
    let seeded = seed().project("project:suramadu-bridge");
    let expected: BTreeSet<(String, String)> = seeded["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["enterprise"].as_str().unwrap().to_owned(),
                p["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();

    // Act
    let data = schema::data(
        r#"{ project(id: "project:suramadu-bridge") {
              name
              hostCountries { id code name }
              enterprises { totalCount edges { role roles node { id name } sources { id } } }
              sources { id title }
            } }"#,
        json!({}),
    );

    // Assert
    let project = &data["project"];
    assert_eq!(project["name"], seeded["name"]);
    let edges = project["enterprises"]["edges"].as_array().unwrap();
    let found: BTreeSet<(String, String)> = edges
        .iter()
        .map(|e| {
            (
                e["node"]["id"].as_str().unwrap().to_owned(),
                e["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found, expected,
        "enterprises and roles as the seed lists them"
    );
    assert_eq!(project["enterprises"]["totalCount"], expected.len());
    let role_of = |name: &str| {
        edges
            .iter()
            .find(|e| e["node"]["name"] == name)
            .unwrap_or_else(|| panic!("{name} took part: {project}"))["role"]
            .clone()
    };
    assert_eq!(
        role_of("China Communications Construction Company"),
        "CONTRACTOR"
    );
    assert_eq!(role_of("China Road and Bridge Corporation"), "CONTRACTOR");
    assert_eq!(role_of("Export-Import Bank of China"), "FINANCIER");
    for edge in edges {
        assert!(
            !edge["sources"].as_array().unwrap().is_empty(),
            "every participation is sourced: {edge}"
        );
    }

    assert_eq!(
        project["hostCountries"],
        json!([{ "id": "country:ID", "code": "ID", "name": "Indonesia" }])
    );
    assert_eq!(
        ids(&project["hostCountries"]),
        strings(seeded, "hostCountries")
    );

    let sources = id_set(&project["sources"]);
    assert!(sources.contains(ARTICLE), "{sources:?}");
    assert_eq!(
        sources,
        strings(seeded, "sources").into_iter().collect(),
        "the project's sources are the seed's"
    );
}

#[test]
fn everything_china_datang_does_in_cambodia_includes_stung_atay_both_ways_round() {
    // Arrange: the seed's answer, once for Datang itself and once with its subsidiaries (which
    // the `enterprise` filter includes).
    let data = seed();
    let group = Seed::descendants(&data.enterprises, "enterprise:china-datang");
    let direct = data.project_ids(|p| {
        Seed::hosted_in(p, "country:KH")
            && Seed::participants(p)
                .iter()
                .any(|e| e == "enterprise:china-datang")
    });
    let with_subsidiaries = data.project_ids(|p| {
        Seed::hosted_in(p, "country:KH") && Seed::participants(p).iter().any(|e| group.contains(e))
    });

    // Act
    let answer = schema::data(
        r#"{
          enterprise(id: "enterprise:china-datang") {
            projects(filter: { hostCountry: ["KH"] }) { totalCount edges { role node { id } } }
          }
          projects(filter: { enterprise: ["enterprise:china-datang"], hostCountry: ["khm"] }) {
            totalCount nodes { id }
          }
        }"#,
        json!({}),
    );

    // Assert
    let from_enterprise = id_set(&answer["enterprise"]["projects"]["edges"]);
    let from_filter = id_set(&answer["projects"]["nodes"]);
    assert!(from_enterprise.contains("project:stung-atay-hydropower"));
    assert!(from_filter.contains("project:stung-atay-hydropower"));
    assert_eq!(from_enterprise, direct);
    assert_eq!(from_filter, with_subsidiaries);
    assert_eq!(
        answer["enterprise"]["projects"]["totalCount"],
        direct.len(),
        "totalCount counts the filtered list"
    );
    for edge in answer["enterprise"]["projects"]["edges"]
        .as_array()
        .unwrap()
    {
        assert!(
            edge["role"].is_string(),
            "each project carries Datang's role: {edge}"
        );
    }
}

#[test]
fn every_power_project_in_indonesia_is_found_with_its_sub_sectors_and_builders() {
    // Arrange: power and every sector below it, from sectors.json.
    let data = seed();
    let power = Seed::descendants(&data.sectors, "sector:power");
    let expected = data.project_ids(|p| {
        Seed::hosted_in(p, "country:ID") && strings(p, "sectors").iter().any(|s| power.contains(s))
    });
    assert!(
        power.contains("sector:hydropower") && power.len() > 3,
        "{power:?}"
    );

    // Act
    let answer = schema::data(
        r#"{ projects(filter: { sector: ["sector:power"], hostCountry: ["ID"] }, first: 100) {
              totalCount
              nodes { id sectors { id } hostCountries { code }
                      enterprises(first: 50) { totalCount edges { role node { id name } } } }
            } }"#,
        json!({}),
    );

    // Assert
    let nodes = answer["projects"]["nodes"].as_array().unwrap();
    assert_eq!(id_set(&answer["projects"]["nodes"]), expected);
    assert_eq!(answer["projects"]["totalCount"], expected.len());
    let sectors: BTreeSet<String> = nodes.iter().flat_map(|n| ids(&n["sectors"])).collect();
    for sub in [
        "sector:hydropower",
        "sector:coal-power",
        "sector:geothermal-power",
    ] {
        assert!(
            sectors.contains(sub),
            "a {sub} project among them: {sectors:?}"
        );
    }
    for node in nodes {
        assert!(
            node["hostCountries"]
                .as_array()
                .unwrap()
                .contains(&json!({ "code": "ID" })),
            "{node}"
        );
        let builders = node["enterprises"]["edges"].as_array().unwrap();
        assert!(!builders.is_empty(), "each has enterprises: {node}");
        let seeded: BTreeSet<String> =
            Seed::participants(data.project(node["id"].as_str().unwrap()))
                .into_iter()
                .collect();
        assert_eq!(id_set(&node["enterprises"]["edges"]), seeded);
    }
}

#[test]
fn the_shortest_path_from_zte_to_cambodia_is_a_chain_of_edges_joining_consecutive_nodes() {
    // Arrange

    // Act
    let answer = schema::data(
        r#"query ($max: Int!) {
              path(from: "enterprise:zte", to: "country:KH") {
                length nodes { id } edges { fromId toId type from { id } to { id } }
              }
              tooShort: path(from: "enterprise:zte", to: "country:KH", maxDepth: $max) { length }
            }"#,
        json!({ "max": 1 }),
    );

    // Assert
    let path = &answer["path"];
    assert!(!path.is_null(), "ZTE is connected to Cambodia: {answer}");
    let nodes = ids(&path["nodes"]);
    let edges = path["edges"].as_array().unwrap();
    let length = path["length"].as_u64().unwrap() as usize;
    assert!(length >= 1);
    assert_eq!(edges.len(), length);
    assert_eq!(nodes.len(), length + 1);
    assert_eq!(nodes.first().map(String::as_str), Some("enterprise:zte"));
    assert_eq!(nodes.last().map(String::as_str), Some("country:KH"));
    for (i, edge) in edges.iter().enumerate() {
        let ends: BTreeSet<&str> = [edge["fromId"].as_str(), edge["toId"].as_str()]
            .into_iter()
            .flatten()
            .collect();
        let expected: BTreeSet<&str> = [nodes[i].as_str(), nodes[i + 1].as_str()].into();
        assert_eq!(ends, expected, "edge {i} joins node {i} and node {}", i + 1);
        assert_eq!(edge["from"]["id"], edge["fromId"]);
        assert_eq!(edge["to"]["id"], edge["toId"]);
    }
    assert!(
        answer["tooShort"].is_null(),
        "no path within 1 edge: {answer}"
    );

    // And it is the shortest: nothing is found one edge shorter.
    if length > 1 {
        let shorter = schema::data(
            r#"query ($max: Int!) { path(from: "enterprise:zte", to: "country:KH", maxDepth: $max) { length } }"#,
            json!({ "max": length - 1 }),
        );
        assert!(shorter["path"].is_null(), "{shorter}");
    }
}

const INDICATOR_FIELDS: &str = "id value unit asOf notes sources { id } about { id }";

/// Whether a note says that the figure is not independently confirmed.
fn unconfirmed(indicator: &Value) -> bool {
    indicator["notes"].as_array().unwrap().iter().any(|n| {
        let n = n.as_str().unwrap().to_lowercase();
        n.contains("independent") && n.contains("confirm")
    })
}

#[test]
fn the_cooperation_zone_figures_are_the_articles_and_say_they_are_unconfirmed() {
    // Arrange: the figures as the source article states them.
    let expected = [
        ("indicator:asean-cooperation-zones", 23.0, "zones"),
        (
            "indicator:asean-cooperation-zone-host-countries",
            8.0,
            "countries",
        ),
        (
            "indicator:asean-cooperation-zone-companies",
            421.0,
            "companies",
        ),
        ("indicator:asean-cooperation-zone-investment", 5.15e9, "USD"),
        ("indicator:asean-cooperation-zone-output", 21.39e9, "USD"),
    ];
    let query = format!(
        "{{ {} }}",
        expected
            .iter()
            .enumerate()
            .map(|(i, (id, _, _))| format!(
                "i{i}: indicator(id: \"{id}\") {{ {INDICATOR_FIELDS} }}"
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );

    // Act
    let answer = schema::data(&query, json!({}));

    // Assert
    for (i, (id, value, unit)) in expected.iter().enumerate() {
        let indicator = &answer[format!("i{i}")];
        assert_eq!(indicator["id"], *id);
        assert_eq!(indicator["value"].as_f64(), Some(*value), "{indicator}");
        let seeded = seed().indicators.iter().find(|i| i["id"] == *id).unwrap();
        assert_eq!(indicator["value"].as_f64(), seeded["value"].as_f64());
        assert_eq!(indicator["unit"], *unit, "{indicator}");
        assert!(
            id_set(&indicator["sources"]).contains(ARTICLE),
            "{id} cites the article: {indicator}"
        );
        assert!(
            unconfirmed(indicator),
            "{id} notes that no independent source confirms it: {indicator}"
        );
    }
    // The host-country count is about the countries it counts.
    let hosts = &answer["i1"];
    assert_eq!(hosts["about"].as_array().unwrap().len(), 8, "{hosts}");
}

#[test]
fn the_article_and_the_dataset_agree_that_singapore_and_the_philippines_host_no_zone() {
    // Arrange
    let data = seed();

    // Act
    let answer = schema::data(
        &format!(
            r#"{{ indicator(id: "indicator:asean-countries-without-cooperation-zone") {{ {INDICATOR_FIELDS} }}
                 countries(aseanMember: true) {{ nodes {{ code zones {{ totalCount }} }} }} }}"#
        ),
        json!({}),
    );

    // Assert: what the article says.
    let indicator = &answer["indicator"];
    let about = id_set(&indicator["about"]);
    assert_eq!(
        about,
        BTreeSet::from(["country:PH".to_owned(), "country:SG".to_owned()])
    );
    assert_eq!(indicator["value"].as_f64(), Some(about.len() as f64));
    assert!(id_set(&indicator["sources"]).contains(ARTICLE));
    assert!(unconfirmed(indicator), "{indicator}");

    // Assert: what the dataset's own zones say, counted from zones.json too.
    let mut without = Vec::new();
    for country in answer["countries"]["nodes"].as_array().unwrap() {
        let code = country["code"].as_str().unwrap();
        let zones = country["zones"]["totalCount"].as_u64().unwrap() as usize;
        let seeded = data
            .zones
            .iter()
            .filter(|z| z["country"] == format!("country:{code}"))
            .count();
        assert_eq!(zones, seeded, "zones hosted in {code}");
        if zones == 0 {
            without.push(code.to_owned());
        }
    }
    assert!(
        without.contains(&"SG".to_owned()) && without.contains(&"PH".to_owned()),
        "{without:?}"
    );
    let others: Vec<&String> = without
        .iter()
        .filter(|c| *c != "SG" && *c != "PH")
        .collect();
    println!("ASEAN members without a zone in the dataset besides SG and PH: {others:?}");
}
