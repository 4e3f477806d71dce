//! GraphiQL at `/` and `/graphiql`, from the bundles vendored in `assets/graphiql/` and compiled
//! into the binary: no CDN, so it works with no network at all.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(page))
        .route("/graphiql", web::get().to(page))
        .route("/graphiql/assets/{file}", web::get().to(asset));
}

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// What GraphiQL shows before the user types: a query that answers the design's first question.
pub const DEFAULT_QUERY: &str = r#"# Welcome to capgraph: who builds and invests in what across China–ASEAN cooperation.
# Press the ▶ button (or Ctrl-Enter) to run this query. Browse the schema with the docs icon.
{
  project(id: "project:suramadu-bridge") {
    name
    hostCountries { name }
    enterprises { edges { role node { name headquarters { name } } } }
    sources { title url }
  }
}
"#;

/// The vendored bundles, by the name the page asks for.
const ASSETS: [(&str, &str, &[u8]); 4] = [
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
];

/// The page with the default query in place, as a JSON string literal inside a script; `<` is
/// escaped so that nothing in the query can close the script element.
pub fn page_html() -> String {
    let literal = serde_json::to_string(DEFAULT_QUERY)
        .expect("a string serialises")
        .replace('<', "\\u003c");
    PAGE.replace("__DEFAULT_QUERY__", &literal)
}

async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page_html())
}

async fn asset(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, content_type, bytes)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => HttpResponse::NotFound()
            .content_type("text/plain")
            .body(format!("no asset `{file}`")),
    }
}
