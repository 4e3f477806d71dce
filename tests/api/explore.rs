//! The explorer served from the binary: the page with its Content-Security-Policy, and every
//! asset it loads with the right content type, nothing from the network.

use crate::helpers::{attribute_values, header, shared_app, StatusCode};

fn expected_content_type(asset: &str) -> &'static str {
    match asset.rsplit('.').next() {
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("txt") => "text/plain",
        _ => panic!("an asset of an unexpected kind: {asset}"),
    }
}

#[test]
fn the_explorer_and_every_asset_it_loads_are_served_with_their_content_types() {
    let app = shared_app();

    // Act
    let response = app.get("/explore");

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    let policy = header(&response, "content-security-policy").expect("a CSP");
    assert_eq!(policy, capgraph::http::explore::CONTENT_SECURITY_POLICY);
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(
        header(&response, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let html = response.text().unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("style=\""),
        "no inline script or style: the CSP forbids them"
    );

    // What the page loads, plus the outlines and notices its script and links fetch.
    let mut assets: Vec<String> = attribute_values(&html, "src")
        .into_iter()
        .chain(attribute_values(&html, "href"))
        .filter(|url| !url.starts_with("data:") && !url.starts_with('#'))
        .filter(|url| url != "/graphiql")
        .collect();
    assert!(assets.len() >= 7, "scripts and stylesheets: {assets:?}");
    // Loaded by explore.js: the outlines, and the graph library when a graph is first drawn.
    assets.push("/explore/assets/countries-50m.json".to_owned());
    assets.push("/explore/assets/cytoscape.min.js".to_owned());
    for asset in &assets {
        assert!(asset.starts_with("/explore/assets/"), "{asset}");
        let response = app.get(asset);
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        let content_type = header(&response, "content-type").unwrap_or_default();
        assert!(
            content_type.starts_with(expected_content_type(asset)),
            "{asset}: {content_type}"
        );
        assert_eq!(
            header(&response, "x-content-type-options").as_deref(),
            Some("nosniff"),
            "{asset}"
        );
        let body = response.bytes().unwrap();
        assert!(!body.is_empty(), "{asset} is not empty");
        if asset.ends_with(".json") {
            let outlines: serde_json::Value =
                serde_json::from_slice(&body).expect("the outlines are JSON");
            assert_eq!(outlines["type"], "Topology", "TopoJSON");
        }
    }

    // The page's own script asks nothing of any other host.
    let script = app.get("/explore/assets/explore.js").text().unwrap();
    assert!(
        !script.contains("http://") && !script.contains("https://"),
        "explore.js names a URL off this server"
    );
    assert_eq!(
        app.get("/explore/assets/no-such-file.js").status(),
        StatusCode::NOT_FOUND
    );
}
