//! Every project and zone in the shipped `seed/` is on the map: it has a `location`, and the
//! point falls inside a bounding box of its host country (one of its hosts, for a project).
//!
//! The boxes are rough public geography (latitude and longitude extremes of each country,
//! outlying islands included), widened by about half a degree so that coastal and border sites
//! pass; they catch swapped coordinates, a lost minus sign or a point in the wrong country, not a
//! point a few kilometres off.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use serde_json::Value;

/// `(south, north, west, east)` in degrees.
type LatLonBox = (f64, f64, f64, f64);

/// Each host country's box, already widened.
const BOXES: &[(&str, LatLonBox)] = &[
    ("country:BN", (3.5, 5.6, 113.5, 115.9)),
    ("country:KH", (9.5, 15.2, 101.8, 108.2)),
    ("country:ID", (-11.6, 6.6, 94.4, 141.6)),
    ("country:LA", (13.4, 23.0, 99.6, 108.2)),
    ("country:MY", (0.3, 8.0, 99.1, 119.8)),
    ("country:MM", (9.0, 29.1, 91.6, 101.7)),
    ("country:PH", (4.0, 21.7, 116.4, 127.2)),
    ("country:SG", (0.75, 1.95, 103.1, 104.6)),
    ("country:TH", (5.1, 21.0, 96.8, 106.2)),
    ("country:VN", (7.9, 23.9, 101.6, 110.0)),
    ("country:TL", (-9.9, -7.7, 123.9, 127.8)),
];

fn records(kind: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("seed")
        .join(format!("{kind}.json"));
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    file[kind]
        .as_array()
        .unwrap_or_else(|| panic!("{} has no `{kind}` array", path.display()))
        .clone()
}

/// The problems with one record's location: missing, or outside every host's box.
fn check(record: &Value, hosts: &[&str], boxes: &BTreeMap<&str, LatLonBox>) -> Option<String> {
    let id = record["id"].as_str().unwrap_or("<no id>");
    let location = &record["location"];
    let (Some(lat), Some(lon)) = (location["lat"].as_f64(), location["lon"].as_f64()) else {
        return Some(format!("{id}: no location"));
    };
    if location["precision"].as_str().is_none() {
        return Some(format!("{id}: location has no precision"));
    }
    if hosts.is_empty() {
        return Some(format!("{id}: no host country"));
    }
    let mut unknown = Vec::new();
    for host in hosts {
        match boxes.get(host) {
            Some(&(south, north, west, east)) => {
                if (south..=north).contains(&lat) && (west..=east).contains(&lon) {
                    return None;
                }
            }
            None => unknown.push(*host),
        }
    }
    if !unknown.is_empty() {
        return Some(format!(
            "{id}: no bounding box for {} in tests/locations.rs",
            unknown.join(", ")
        ));
    }
    Some(format!(
        "{id}: ({lat}, {lon}) lies outside the box of {}",
        hosts.join(" / ")
    ))
}

#[test]
fn every_project_and_zone_has_a_location_inside_its_host_country() {
    // Arrange
    let boxes: BTreeMap<&str, LatLonBox> = BOXES.iter().copied().collect();
    let projects = records("projects");
    let zones = records("zones");

    // Act
    let mut problems = Vec::new();
    for project in &projects {
        let hosts: Vec<&str> = project["hostCountries"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        problems.extend(check(project, &hosts, &boxes));
    }
    for zone in &zones {
        let hosts: Vec<&str> = zone["country"].as_str().into_iter().collect();
        problems.extend(check(zone, &hosts, &boxes));
    }

    // Assert
    assert!(
        !projects.is_empty() && !zones.is_empty(),
        "seed/ has no projects or no zones"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_boxes_catch_a_point_in_the_wrong_country() {
    // Arrange: Phnom Penh, and the same point with its latitude's sign lost.
    let boxes: BTreeMap<&str, LatLonBox> = BOXES.iter().copied().collect();
    let inside = serde_json::json!({
        "id": "project:x",
        "location": { "lat": 11.56, "lon": 104.92, "precision": "CITY" }
    });
    let flipped = serde_json::json!({
        "id": "project:y",
        "location": { "lat": -11.56, "lon": 104.92, "precision": "CITY" }
    });
    let missing = serde_json::json!({ "id": "project:z" });

    // Act
    let results = [
        check(&inside, &["country:KH"], &boxes),
        check(&flipped, &["country:KH"], &boxes),
        check(&inside, &["country:ID"], &boxes),
        check(&missing, &["country:KH"], &boxes),
    ];

    // Assert
    assert_eq!(results[0], None);
    assert!(results[1].as_deref().is_some_and(|p| p.contains("outside")));
    assert!(results[2].as_deref().is_some_and(|p| p.contains("outside")));
    assert!(results[3]
        .as_deref()
        .is_some_and(|p| p.contains("no location")));
}
