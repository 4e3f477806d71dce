//! The response path of `/graphql`: running a request within the time limit, and the status,
//! headers and body of its answer under each media type; also the error responses that refuse
//! a request before it runs.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use async_graphql::{Request, Response, Value};

use super::request::{negotiate, MediaType, GRAPHQL_RESPONSE, JSON};
use crate::graphql::error::{coded_error, ErrorCode};
use crate::http::observe::Operation;
use crate::http::persisted::Refusal;
use crate::http::AppState;
use crate::store::Store;

/// A handler's answer; `Err` says why the request was refused before it ran.
pub(in crate::http) type Answer = Result<HttpResponse, Refused>;

/// A request refused before execution: the status, code and message of its error response.
pub(in crate::http) struct Refused {
    status: StatusCode,
    media: MediaType,
    code: ErrorCode,
    message: String,
    /// The methods `Allow` names, on a 405.
    allow: Option<&'static str>,
}

impl Refused {
    pub(super) fn new(
        status: StatusCode,
        media: MediaType,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Refused {
        Refused {
            status,
            media,
            code,
            message: message.into(),
            allow: None,
        }
    }

    /// A malformed request: 400 with `BAD_USER_INPUT`.
    pub(super) fn bad_request(media: MediaType, message: impl Into<String>) -> Refused {
        Refused::new(
            StatusCode::BAD_REQUEST,
            media,
            ErrorCode::BadUserInput,
            message,
        )
    }

    pub(super) fn not_acceptable() -> Refused {
        Refused::new(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            ErrorCode::BadUserInput,
            format!("this endpoint answers in {GRAPHQL_RESPONSE} or {JSON}; the Accept header allows neither"),
        )
    }

    /// 405, with the methods `Allow` names.
    fn not_allowed(media: MediaType, message: impl Into<String>, allow: &'static str) -> Refused {
        let status = StatusCode::METHOD_NOT_ALLOWED;
        Refused {
            allow: Some(allow),
            ..Refused::new(status, media, ErrorCode::BadUserInput, message)
        }
    }

    pub(super) fn mutation_over_get(media: MediaType) -> Refused {
        Refused::not_allowed(
            media,
            "mutations are not allowed over GET; use POST",
            "POST",
        )
    }

    /// A document `persisted` will not run.
    pub(super) fn persisted(media: MediaType, refusal: Refusal) -> Refused {
        let message = refusal.to_string();
        match refusal {
            // As a request error under each media type (the spec's 200 for application/json),
            // which is what Apollo's link and the other APQ clients expect before they send the
            // text.
            Refusal::NotFound => {
                let status = match media {
                    MediaType::Json => StatusCode::OK,
                    MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
                };
                Refused::new(status, media, ErrorCode::PersistedQueryNotFound, message)
            }
            Refusal::NotTrusted { .. } => Refused::new(
                StatusCode::FORBIDDEN,
                media,
                ErrorCode::DocumentNotTrusted,
                message,
            ),
            Refusal::HashMismatch { .. } | Refusal::Malformed(_) => {
                Refused::bad_request(media, message)
            }
        }
    }

    /// The error response: a GraphQL error body, never cached.
    pub(in crate::http) fn into_response(self) -> HttpResponse {
        let error = coded_error(self.code, self.message, None, |_| {});
        let body = serde_json::json!({ "errors": [error] });
        let mut response = HttpResponse::build(self.status);
        response
            .content_type(self.media.name())
            .insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(allow) = self.allow {
            response.insert_header((header::ALLOW, allow));
        }
        response.json(body)
    }
}

pub(super) async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let media = negotiate(&req).unwrap_or(MediaType::Json);
    let message = format!(
        "{} is not supported on /graphql; use GET or POST",
        req.method()
    );
    Refused::not_allowed(media, message, "GET, POST").into_response()
}

/// Executes over `store` (the live one when the request came in) within the time limit; notes
/// the operation name on the request's span and counts errors by code.
pub(super) async fn run(
    req: &HttpRequest,
    state: &AppState,
    request: Request,
    store: Arc<Store>,
) -> Response {
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

pub(super) fn respond(
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
