//! Operational endpoints: `/healthz` (the process answers), `/readyz` (the store is open and
//! seeded, and which dataset is live) and `/schema.graphql` (the SDL).

use actix_web::{web, HttpResponse};

use super::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/schema.graphql", web::get().to(schema));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok\n")
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.live.current();
    let meta = store.meta();
    if meta.node_count() == 0 {
        return HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "empty" }));
    }
    HttpResponse::Ok().json(serde_json::json!({
        "status": "ready",
        "digest": meta.digest,
        "nodes": meta.node_count(),
        "edges": meta.edges,
    }))
}

async fn schema() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(crate::graphql::sdl())
}
