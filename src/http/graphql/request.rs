//! What a request to `/graphql` asks: the media type it accepts, its body (POST) or query string
//! (GET), and the document and variables those name, made into an async-graphql request; any
//! of them malformed becomes the error response that refuses it.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Variables};
use futures_util::StreamExt;
use serde::Deserialize;

use super::response::Refused;
use crate::graphql::error::ErrorCode;
use crate::http::persisted::{PersistedQuery, Refusal};
use crate::http::AppState;

pub(super) const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
pub(super) const JSON: &str = "application/json";

/// The two response media types the spec defines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(in crate::http) enum MediaType {
    /// `application/graphql-response+json`: status codes say what kind of failure it was.
    GraphqlResponse,
    /// `application/json`: the legacy type; well-formed requests always get 200.
    Json,
}

impl MediaType {
    pub(super) fn name(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => GRAPHQL_RESPONSE,
            MediaType::Json => JSON,
        }
    }
}

/// Picks the response type from `Accept`; `None` when the client accepts neither.
pub(super) fn negotiate(req: &HttpRequest) -> Option<MediaType> {
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

/// Refuses a POST whose body is not JSON.
pub(super) fn require_json(req: &HttpRequest, media: MediaType) -> Result<(), Refused> {
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
        return Err(Refused::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            ErrorCode::BadUserInput,
            format!("POST bodies must be {JSON}, not `{content_type}`"),
        ));
    }
    Ok(())
}

/// The body of a POST, as the spec defines it; a GET's parameters make one too.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(in crate::http) struct Body {
    pub query: Option<serde_json::Value>,
    #[serde(default)]
    pub variables: Option<serde_json::Value>,
    #[serde(default)]
    pub operation_name: Option<serde_json::Value>,
    #[serde(default)]
    pub extensions: Option<serde_json::Value>,
}

/// Reads a POST body of at most `limit` bytes as a GraphQL request in JSON.
pub(in crate::http) async fn read_request(
    mut payload: web::Payload,
    limit: usize,
    media: MediaType,
) -> Result<Body, Refused> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            Refused::bad_request(media, format!("could not read the request body: {e}"))
        })?;
        if body.len() + chunk.len() > limit {
            return Err(Refused::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                ErrorCode::LimitExceeded,
                format!("the request body is over the body size limit of {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| {
        Refused::bad_request(
            media,
            format!("the body is not a GraphQL request in JSON: {e}"),
        )
    })
}

/// The query string of a GET.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GetParams {
    query: Option<String>,
    pub variables: Option<String>,
    pub operation_name: Option<String>,
    /// JSON, as in a POST body: where a persisted query's hash travels.
    extensions: Option<String>,
}

impl GetParams {
    pub(super) fn parse(query_string: &str) -> Result<GetParams, String> {
        web::Query::<GetParams>::from_query(query_string)
            .map(web::Query::into_inner)
            .map_err(|e| format!("bad query string: {e}"))
    }

    /// The request these parameters make, as a POST body would make it.
    pub(super) fn body(&self) -> Result<Body, String> {
        let variables = json_param("variables", self.variables.as_deref())?;
        let extensions = json_param("extensions", self.extensions.as_deref())?;
        Ok(Body {
            query: self.query.clone().map(serde_json::Value::String),
            variables,
            operation_name: self.operation_name.clone().map(serde_json::Value::String),
            extensions,
        })
    }
}

/// A query-string parameter that holds JSON (`variables`, `extensions`), if present.
fn json_param(name: &str, value: Option<&str>) -> Result<Option<serde_json::Value>, String> {
    value
        .map(|text| serde_json::from_str(text).map_err(|e| format!("`{name}` is not JSON: {e}")))
        .transpose()
}

/// The document a request runs and the async-graphql request it makes, or the answer that
/// refuses it: a malformed parameter, or a persisted query `persisted` refuses.
pub(in crate::http) fn prepare(
    state: &AppState,
    media: MediaType,
    body: Body,
) -> Result<(Arc<str>, Request), Refused> {
    let document = resolve_document(state, body.query, body.extensions.as_ref())
        .map_err(|refusal| Refused::persisted(media, refusal))?;
    let request = build_request(&document, body.variables, body.operation_name)
        .map_err(|message| Refused::bad_request(media, message))?;
    Ok((document, request))
}

/// The document a request runs: its `query`, or the persisted document its
/// `extensions.persistedQuery` names (registering the query under it, or checking it against the
/// trusted documents, as `persisted` decides).
fn resolve_document(
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

/// Turns the document and the request parameters into an async-graphql request, or says what
/// is malformed.
fn build_request(
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

pub(super) fn is_mutation(query: &str, operation: Option<&str>) -> bool {
    selected_operations(query, operation)
        .into_iter()
        .any(|ty| ty != OperationType::Query)
}

/// The types of the operations in `query` that `operation` names (every one when `None`);
/// none when the document does not parse, which execution then reports.
pub(in crate::http) fn selected_operations(
    query: &str,
    operation: Option<&str>,
) -> Vec<OperationType> {
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
