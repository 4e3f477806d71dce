//! `/graphql`: GraphQL over HTTP as the GraphQL-over-HTTP spec asks — POST and GET, both media
//! types with their status codes, body and time limits, persisted queries (`extensions`, through
//! `persisted`), and conditional GET (ETags and `Cache-Control`, through `caching`).

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{guard, web, HttpMessage, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, Value, Variables};
use futures_util::StreamExt;
use serde::Deserialize;

use super::caching;
use super::observe::Operation;
use super::persisted::{PersistedQuery, Refusal};
use super::AppState;
use crate::graphql::error::{coded_error, ErrorCode};
use crate::store::Store;

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

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The two response media types the spec defines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum MediaType {
    /// `application/graphql-response+json`: status codes say what kind of failure it was.
    GraphqlResponse,
    /// `application/json`: the legacy type; well-formed requests always get 200.
    Json,
}

impl MediaType {
    fn name(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => GRAPHQL_RESPONSE,
            MediaType::Json => JSON,
        }
    }
}

/// Picks the response type from `Accept`; `None` when the client accepts neither.
fn negotiate(req: &HttpRequest) -> Option<MediaType> {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match media.as_str() {
            GRAPHQL_RESPONSE => Some(MediaType::GraphqlResponse),
            JSON | "*/*" | "application/*" => Some(MediaType::Json),
            _ => None,
        };
        if let Some(candidate) = candidate {
            if q > 0.0
                && best.is_none_or(|(bq, bm)| {
                    q > bq
                        || (q == bq
                            && bm == MediaType::Json
                            && candidate == MediaType::GraphqlResponse)
                })
            {
                best = Some((q, candidate));
            }
        }
    }
    best.map(|(_, m)| m)
}

/// A GraphQL error body for a request that never reached execution.
pub(super) fn request_error(
    status: StatusCode,
    media: MediaType,
    code: ErrorCode,
    message: impl Into<String>,
) -> HttpResponse {
    let error = coded_error(code, message, None, |_| {});
    let body = serde_json::json!({ "errors": [error] });
    HttpResponse::build(status)
        .content_type(media.name())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

fn not_acceptable() -> HttpResponse {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        ErrorCode::BadUserInput,
        format!("this endpoint answers in {GRAPHQL_RESPONSE} or {JSON}; the Accept header allows neither"),
    )
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let media = negotiate(&req).unwrap_or(MediaType::Json);
    let mut response = request_error(
        StatusCode::METHOD_NOT_ALLOWED,
        media,
        ErrorCode::BadUserInput,
        format!(
            "{} is not supported on /graphql; use GET or POST",
            req.method()
        ),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

/// The body of a POST, as the spec defines it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Body {
    pub query: Option<serde_json::Value>,
    #[serde(default)]
    pub variables: Option<serde_json::Value>,
    #[serde(default)]
    pub operation_name: Option<serde_json::Value>,
    #[serde(default)]
    pub extensions: Option<serde_json::Value>,
}

/// The document a request runs: its `query`, or the persisted document its
/// `extensions.persistedQuery` names (registering the query under it, or checking it against the
/// trusted documents, as `persisted` decides).
pub(super) fn resolve_document(
    state: &AppState,
    query: Option<serde_json::Value>,
    extensions: Option<&serde_json::Value>,
) -> Result<Arc<str>, Refusal> {
    let query = match query {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(q)) => Some(q),
        Some(_) => return Err(Refusal::Malformed("`query` must be a string".into())),
    };
    let persisted = match extensions {
        Some(extensions) => PersistedQuery::from_extensions(extensions)?,
        None => None,
    };
    state.documents.resolve(query, persisted)
}

/// The answer to a request whose document will not run; never cached.
pub(super) fn refused(media: MediaType, refusal: Refusal) -> HttpResponse {
    let message = refusal.to_string();
    match refusal {
        // As a request error under each media type (the spec's 200 for application/json), which
        // is what Apollo's link and the other APQ clients expect before they send the text.
        Refusal::NotFound => {
            let status = match media {
                MediaType::Json => StatusCode::OK,
                MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
            };
            request_error(status, media, ErrorCode::PersistedQueryNotFound, message)
        }
        Refusal::NotTrusted { .. } => request_error(
            StatusCode::FORBIDDEN,
            media,
            ErrorCode::DocumentNotTrusted,
            message,
        ),
        Refusal::HashMismatch { .. } | Refusal::Malformed(_) => request_error(
            StatusCode::BAD_REQUEST,
            media,
            ErrorCode::BadUserInput,
            message,
        ),
    }
}

/// Turns the document and the request parameters into an async-graphql request, or says what
/// is malformed.
pub(super) fn build_request(
    document: &str,
    variables: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
) -> Result<Request, String> {
    let mut request = Request::new(document);
    match operation_name {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string or null".into()),
    }
    match variables {
        None | Some(serde_json::Value::Null) => {}
        Some(v @ serde_json::Value::Object(_)) => {
            request = request.variables(Variables::from_json(v))
        }
        Some(_) => return Err("`variables` must be an object or null".into()),
    }
    Ok(request)
}

pub(super) async fn read_body(
    mut payload: web::Payload,
    limit: usize,
) -> Result<Vec<u8>, HttpResponse> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            request_error(
                StatusCode::BAD_REQUEST,
                MediaType::Json,
                ErrorCode::BadUserInput,
                format!("could not read the request body: {e}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                MediaType::Json,
                ErrorCode::LimitExceeded,
                format!("the request body is over the body size limit of {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn post(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let Some(media) = negotiate(&req) else {
        return not_acceptable();
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != JSON {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            ErrorCode::BadUserInput,
            format!("POST bodies must be {JSON}, not `{content_type}`"),
        );
    }
    let body = match read_body(payload, state.limits.max_body_bytes).await {
        Ok(body) => body,
        Err(mut response) => {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(media.name()));
            return response;
        }
    };
    let body: Body = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadUserInput,
                format!("the body is not a GraphQL request in JSON: {e}"),
            )
        }
    };
    let document = match resolve_document(&state, body.query, body.extensions.as_ref()) {
        Ok(document) => document,
        Err(refusal) => return refused(media, refusal),
    };
    let request = match build_request(&document, body.variables, body.operation_name) {
        Ok(request) => request,
        Err(message) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadUserInput,
                message,
            )
        }
    };
    let response = run(&req, &state, request, state.live.current()).await;
    respond(media, response, None, HeaderValue::from_static("no-store"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    operation_name: Option<String>,
    /// JSON, as in a POST body: where a persisted query's hash travels.
    extensions: Option<String>,
}

/// A query-string parameter that holds JSON (`variables`, `extensions`), if present.
fn json_param(name: &str, value: Option<&str>) -> Result<Option<serde_json::Value>, String> {
    value
        .map(|text| serde_json::from_str(text).map_err(|e| format!("`{name}` is not JSON: {e}")))
        .transpose()
}

async fn get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(media) = negotiate(&req) else {
        return not_acceptable();
    };
    let params: GetParams = match web::Query::<GetParams>::from_query(req.query_string()) {
        Ok(q) => q.into_inner(),
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadUserInput,
                format!("bad query string: {e}"),
            )
        }
    };
    let (variables, extensions) = match (
        json_param("variables", params.variables.as_deref()),
        json_param("extensions", params.extensions.as_deref()),
    ) {
        (Ok(variables), Ok(extensions)) => (variables, extensions),
        (Err(message), _) | (_, Err(message)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadUserInput,
                message,
            )
        }
    };
    let query = params.query.clone().map(serde_json::Value::String);
    let document = match resolve_document(&state, query, extensions.as_ref()) {
        Ok(document) => document,
        Err(refusal) => return refused(media, refusal),
    };
    let request = match build_request(
        &document,
        variables,
        params.operation_name.clone().map(serde_json::Value::String),
    ) {
        Ok(request) => request,
        Err(message) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadUserInput,
                message,
            )
        }
    };
    // GET must not change anything; the schema has no mutations, so any mutation is refused
    // here, before execution, as the spec asks.
    if is_mutation(&document, params.operation_name.as_deref()) {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            ErrorCode::BadUserInput,
            "mutations are not allowed over GET; use POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
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
    if caching::matches(&req, &etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, state.get_cache_control.clone()))
            .insert_header((header::VARY, "Accept"))
            .finish();
    }
    let response = run(&req, &state, request, store).await;
    respond(media, response, Some(etag), state.get_cache_control.clone())
}

fn is_mutation(query: &str, operation: Option<&str>) -> bool {
    selected_operations(query, operation)
        .into_iter()
        .any(|ty| ty != OperationType::Query)
}

/// The types of the operations in `query` that `operation` names (every one when `None`);
/// none when the document does not parse, which execution then reports.
pub(super) fn selected_operations(query: &str, operation: Option<&str>) -> Vec<OperationType> {
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return Vec::new();
    };
    doc.operations
        .iter()
        .filter(|(name, _)| match operation {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        })
        .map(|(_, op)| op.node.ty)
        .collect()
}

/// Executes over `store` (the live one when the request came in) within the time limit; notes
/// the operation name on the request's span and counts errors by code.
async fn run(req: &HttpRequest, state: &AppState, request: Request, store: Arc<Store>) -> Response {
    let operation = request
        .operation_name
        .clone()
        .unwrap_or_else(|| "anonymous".to_owned());
    tracing::Span::current().record("graphql.operation", operation.as_str());
    req.extensions_mut().insert(Operation(operation));
    let response = execute_within_limits(state, request.data(store)).await;
    let codes = response
        .errors
        .iter()
        .filter_map(|e| e.extensions.as_ref().and_then(|x| x.get("code")));
    state.metrics.graphql_errors(codes.filter_map(|c| match c {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    }));
    response
}

/// Runs a request on this worker, within the time limit.
///
/// Execution runs here rather than on a blocking thread: store reads take microseconds, a
/// thread hand-off per request cost more than most queries do, and `graphql::execution` yields
/// every few fields so that a costly query never holds the worker for long. At the time limit
/// the future is dropped, which cancels the work (a blocking thread could not be stopped).
/// How many costly queries run at once is `graphql::admission`'s to bound.
async fn execute_within_limits(state: &AppState, request: Request) -> Response {
    let timeout = state.limits.request_timeout;
    match tokio::time::timeout(timeout, crate::graphql::execute(&state.schema, request)).await {
        Ok(response) => response,
        Err(_) => error_response(
            ErrorCode::Timeout,
            format!(
                "the request took longer than the time limit of {} ms",
                timeout.as_millis()
            ),
        ),
    }
}

fn error_response(code: ErrorCode, message: String) -> Response {
    Response::from_errors(vec![coded_error(code, message, None, |_| {})])
}

/// Seconds a client is asked to wait before retrying an overloaded server.
const RETRY_AFTER_SECONDS: &str = "1";

fn respond(
    media: MediaType,
    response: Response,
    etag: Option<String>,
    cache: HeaderValue,
) -> HttpResponse {
    // Execution began when a field gave data or failed at a path. Errors with neither came
    // before execution (parse, validation, a limit) or stopped it (the time limit, a panic):
    // the spec's 4xx for the new media type, and no `data` entry at all. A field error is not
    // a request error: async-graphql leaves `data` null when the only root field failed, but
    // the request ran, so the answer is 200 with `data`.
    let executed =
        response.data != Value::Null || response.errors.iter().any(|e| !e.path.is_empty());
    let request_failed = !executed && !response.errors.is_empty();
    let has_code = |wanted: ErrorCode| response.errors.iter().any(|e| wanted.is_on(e));
    // The server's own conditions answer 5xx under both media types: a client may retry them.
    let (status, retry_after) = if has_code(ErrorCode::Overloaded) {
        (StatusCode::SERVICE_UNAVAILABLE, true)
    } else if has_code(ErrorCode::Timeout) {
        (StatusCode::SERVICE_UNAVAILABLE, false)
    } else if has_code(ErrorCode::Internal) && response.data == Value::Null {
        (StatusCode::INTERNAL_SERVER_ERROR, false)
    } else if media == MediaType::GraphqlResponse && request_failed {
        (StatusCode::BAD_REQUEST, false)
    } else {
        (StatusCode::OK, false)
    };
    let mut builder = HttpResponse::build(status);
    builder
        .content_type(media.name())
        .insert_header((header::VARY, "Accept"));
    if retry_after {
        builder.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
    }
    match etag {
        Some(etag) if response.errors.is_empty() => {
            builder
                .insert_header((header::ETAG, etag))
                .insert_header((header::CACHE_CONTROL, cache));
        }
        _ => {
            builder.insert_header((header::CACHE_CONTROL, "no-store"));
        }
    }
    if !request_failed {
        return builder.json(response);
    }
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| serde_json::json!({}));
    if let Some(object) = body.as_object_mut() {
        object.remove("data");
    }
    builder.json(body)
}
