//! The explorer at `/explore`: a map of projects and zones and a relationship graph, from the page
//! in `assets/explore/` and the libraries vendored in `assets/explore/vendor/`, all compiled into
//! the binary (no CDN, no tile server). The page reads the data through the public `/graphql`
//! endpoint like any client; this module only serves files and never touches the store.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/explore", web::get().to(page))
        .route("/explore/assets/{file}", web::get().to(asset));
}

const PAGE: &str = include_str!("../../assets/explore/index.html");

/// What the page may load: its own scripts, styles and data from this origin, and requests to
/// this origin's `/graphql`; no inline script at all. The one hash allows the single rule that
/// Cytoscape.js writes into a `<style>` element (`.__________cytoscape_container { position:
/// relative; }`); a new Cytoscape that writes another shows up as a CSP error in the browser test.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The page's files and the vendored ones, by the name the page asks for.
const ASSETS: [(&str, &str, &[u8]); 10] = [
    (
        "explore.js",
        JS,
        include_bytes!("../../assets/explore/explore.js"),
    ),
    (
        "explore.css",
        CSS,
        include_bytes!("../../assets/explore/explore.css"),
    ),
    (
        "leaflet.js",
        JS,
        include_bytes!("../../assets/explore/vendor/leaflet.js"),
    ),
    (
        "leaflet.css",
        CSS,
        include_bytes!("../../assets/explore/vendor/leaflet.css"),
    ),
    (
        "leaflet.markercluster.js",
        JS,
        include_bytes!("../../assets/explore/vendor/leaflet.markercluster.js"),
    ),
    (
        "MarkerCluster.css",
        CSS,
        include_bytes!("../../assets/explore/vendor/MarkerCluster.css"),
    ),
    (
        "cytoscape.min.js",
        JS,
        include_bytes!("../../assets/explore/vendor/cytoscape.min.js"),
    ),
    (
        "topojson-client.min.js",
        JS,
        include_bytes!("../../assets/explore/vendor/topojson-client.min.js"),
    ),
    (
        "countries-50m.json",
        "application/json",
        include_bytes!("../../assets/explore/vendor/countries-50m.json"),
    ),
    (
        "THIRD-PARTY-NOTICES.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/explore/vendor/THIRD-PARTY-NOTICES.txt"),
    ),
];

async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Source links open other sites; they need not learn which view led there.
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(PAGE)
}

async fn asset(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, content_type, bytes)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(*bytes),
        None => HttpResponse::NotFound()
            .content_type("text/plain")
            .body(format!("no asset `{file}`")),
    }
}
