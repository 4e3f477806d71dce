//! Subscriptions on `/graphql`: over WebSocket with the `graphql-transport-ws` protocol
//! (async-graphql's actix-web transport), and over Server-Sent Events with the `graphql-sse`
//! protocol in its distinct-connections mode (a POST accepting `text/event-stream`, answered
//! with `next` events and one `complete`). Queries sent these ways are answered too, from the
//! store that is live when each one starts; subscriptions hold no store, so an open one never
//! keeps an old store from closing.

use std::sync::Arc;

use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response};
use async_graphql_actix_web::GraphQLSubscription;
use futures_util::stream::{self, BoxStream, StreamExt};

use super::graphql::{prepare, read_request, selected_operations, Answer, MediaType, Refused};
use super::persisted::{PersistedDocuments, Refusal};
use super::AppState;
use crate::graphql::error::{coded_error, ErrorCode};
use crate::graphql::AppSchema;
use crate::store::LiveStore;

const EVENT_STREAM: &str = "text/event-stream";

/// The serving schema, giving each operation that reads data the store live when it starts.
#[derive(Clone)]
struct LiveExecutor {
    schema: AppSchema,
    live: Arc<LiveStore>,
    /// So that `--trusted-documents` holds over WebSocket too.
    documents: Arc<PersistedDocuments>,
}

impl LiveExecutor {
    fn new(state: &AppState) -> LiveExecutor {
        LiveExecutor {
            schema: state.schema.clone(),
            live: Arc::clone(&state.live),
            documents: Arc::clone(&state.documents),
        }
    }

    /// Why the request's document may not run here: only under `--trusted-documents`, for a
    /// document the manifest does not hold.
    fn refusal(&self, request: &Request) -> Option<Response> {
        let refusal = self
            .documents
            .resolve(Some(request.query.clone()), None)
            .err()?;
        let code = match refusal {
            Refusal::NotTrusted { .. } => ErrorCode::DocumentNotTrusted,
            _ => ErrorCode::BadUserInput,
        };
        let error = coded_error(code, refusal.to_string(), None, |_| {});
        Some(Response::from_errors(vec![error]))
    }

    /// The request with the live store, unless it only subscribes (a subscription never reads
    /// the store, and holding one would keep it open for as long as the subscription lasts).
    fn with_store(&self, request: Request) -> Request {
        let operation = request.operation_name.as_deref();
        let types = selected_operations(&request.query, operation);
        if !types.is_empty() && types.iter().all(|ty| *ty == OperationType::Subscription) {
            return request;
        }
        request.data(self.live.current())
    }
}

impl Executor for LiveExecutor {
    async fn execute(&self, request: Request) -> Response {
        if let Some(refused) = self.refusal(&request) {
            return refused;
        }
        crate::graphql::execute(&self.schema, self.with_store(request)).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if let Some(refused) = self.refusal(&request) {
            return stream::once(async move { refused }).boxed();
        }
        let request = self.with_store(request);
        match session_data {
            Some(session) => self
                .schema
                .with_pipeline()
                .execute_stream_with_session_data(request, session),
            None => self.schema.with_pipeline().execute_stream(request),
        }
    }
}

/// `GET /graphql` with `Upgrade: websocket`: the `graphql-transport-ws` protocol (and the
/// older `graphql-ws` one, which async-graphql speaks too).
pub async fn websocket(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    GraphQLSubscription::new(LiveExecutor::new(&state)).start(&req, payload)
}

/// Whether a request asks for Server-Sent Events.
pub fn accepts_event_stream(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains(EVENT_STREAM))
}

/// `POST /graphql` accepting `text/event-stream`: the `graphql-sse` protocol's
/// distinct-connections mode, one operation per connection.
pub async fn events(payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    stream_events(payload, &state)
        .await
        .unwrap_or_else(Refused::into_response)
}

async fn stream_events(payload: web::Payload, state: &AppState) -> Answer {
    let body = read_request(payload, state.limits.max_body_bytes, MediaType::Json).await?;
    // Persisted and trusted documents apply to subscriptions as to queries.
    let (_, request) = prepare(state, MediaType::Json, body)?;
    let responses = LiveExecutor::new(state).execute_stream(request, None);
    let events = responses
        .map(|response| {
            let json = serde_json::to_string(&response).unwrap_or_else(|_| "{}".into());
            format!("event: next\ndata: {json}\n\n")
        })
        .chain(stream::once(async {
            "event: complete\ndata:\n\n".to_owned()
        }))
        .map(|event| Ok::<_, actix_web::Error>(Bytes::from(event)));
    Ok(HttpResponse::Ok()
        .content_type(EVENT_STREAM)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // Proxies such as nginx would otherwise hold events back in their buffers.
        .insert_header(("x-accel-buffering", "no"))
        .streaming(events))
}
