//! `/graphql`: GraphQL over HTTP as the GraphQL-over-HTTP spec asks — POST and GET, both media
//! types with their status codes, body and time limits, persisted queries (`extensions`, through
//! `persisted`), and conditional GET (ETags and `Cache-Control`, through `caching`).
//!
//! This module owns the routes and the steps of each method; `request` reads what a request
//! asks (media type, body or query string, document, variables) and `response` runs it and
//! writes the answer, or the error that refuses it.

mod request;
mod response;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{guard, web, HttpRequest, HttpResponse};

use super::caching;
use super::AppState;

use request::{is_mutation, negotiate, require_json, GetParams};
pub(super) use request::{prepare, read_request, selected_operations, MediaType};
use response::{method_not_allowed, respond, run};
pub(super) use response::{Answer, Refused};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            // Subscriptions share the endpoint, told apart by the WebSocket upgrade and by the
            // event-stream media type (see `http::subscription`).
            .route(
                web::get()
                    .guard(guard::Header("upgrade", "websocket"))
                    .to(super::subscription::websocket),
            )
            .route(
                web::post()
                    .guard(super::subscription::accepts_event_stream)
                    .to(super::subscription::events),
            )
            .route(web::post().to(post))
            .route(web::get().to(get))
            .route(web::route().to(method_not_allowed)),
    );
}

async fn post(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    answer_post(&req, payload, &state)
        .await
        .unwrap_or_else(Refused::into_response)
}

async fn answer_post(req: &HttpRequest, payload: web::Payload, state: &AppState) -> Answer {
    let media = negotiate(req).ok_or_else(Refused::not_acceptable)?;
    require_json(req, media)?;
    let body = read_request(payload, state.limits.max_body_bytes, media).await?;
    let (_, request) = prepare(state, media, body)?;
    let response = run(req, state, request, state.live.current()).await;
    Ok(respond(
        media,
        response,
        None,
        HeaderValue::from_static("no-store"),
    ))
}

async fn get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    answer_get(&req, &state)
        .await
        .unwrap_or_else(Refused::into_response)
}

async fn answer_get(req: &HttpRequest, state: &AppState) -> Answer {
    let media = negotiate(req).ok_or_else(Refused::not_acceptable)?;
    let params =
        GetParams::parse(req.query_string()).map_err(|e| Refused::bad_request(media, e))?;
    let body = params.body().map_err(|e| Refused::bad_request(media, e))?;
    let (document, request) = prepare(state, media, body)?;
    // GET must not change anything; the schema has no mutations, so any mutation is refused
    // here, before execution, as the spec asks.
    if is_mutation(&document, params.operation_name.as_deref()) {
        return Err(Refused::mutation_over_get(media));
    }
    // One store for the ETag and the answer, so a swap between them cannot mislabel it.
    let store = state.live.current();
    let etag = caching::etag(
        &store.meta().digest,
        [
            media.name(),
            &document,
            params.variables.as_deref().unwrap_or(""),
            params.operation_name.as_deref().unwrap_or(""),
        ],
    );
    if caching::matches(req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, state.get_cache_control.clone()))
            .insert_header((header::VARY, "Accept"))
            .finish());
    }
    let response = run(req, state, request, store).await;
    Ok(respond(
        media,
        response,
        Some(etag),
        state.get_cache_control.clone(),
    ))
}
