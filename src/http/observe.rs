//! Observability of HTTP traffic: one root span per request (with its request ID and GraphQL
//! operation), one log line when it finishes, and Prometheus metrics at `/metrics`.

use std::collections::HashSet;
use std::sync::RwLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, Error, HttpMessage, HttpResponse};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use tracing::Span;
use tracing_actix_web::{root_span, RootSpanBuilder};

use super::AppState;
use crate::model::Kind;
use crate::store::Meta;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics));
}

/// The GraphQL operation a request ran, for the root span and the metrics.
#[derive(Clone, Debug)]
pub struct Operation(pub String);

/// Most distinct operation names kept as metric labels; clients choose them, so past this they
/// are counted as `other` rather than growing the metrics without bound.
const MAX_OPERATION_LABELS: usize = 100;

/// The server's Prometheus metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    graphql_errors: IntCounterVec,
    /// The live store's counts, set again on every swap.
    nodes: IntGaugeVec,
    edges: IntGaugeVec,
    /// Subscriptions open when the metrics were last read.
    subscriptions: IntGauge,
    operations: RwLock<HashSet<String>>,
}

impl Metrics {
    /// Registers every metric, with the store's counts as gauges.
    pub fn new(meta: &Meta) -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "capgraph_http_requests_total",
                "HTTP requests by route, method and status.",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "capgraph_http_request_duration_seconds",
                "HTTP request latency by route and GraphQL operation.",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ]),
            &["route", "operation"],
        )
        .expect("valid metric");
        let graphql_errors = IntCounterVec::new(
            Opts::new(
                "capgraph_graphql_errors_total",
                "GraphQL errors by extensions.code.",
            ),
            &["code"],
        )
        .expect("valid metric");
        let nodes = IntGaugeVec::new(
            Opts::new("capgraph_store_nodes", "Nodes in the store by kind."),
            &["kind"],
        )
        .expect("valid metric");
        let edges = IntGaugeVec::new(
            Opts::new("capgraph_store_edges", "Edges in the store."),
            &[],
        )
        .expect("valid metric");
        let subscriptions = IntGauge::new(
            "capgraph_open_subscriptions",
            "Subscriptions open, over WebSocket and Server-Sent Events.",
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(graphql_errors.clone()),
            Box::new(nodes.clone()),
            Box::new(edges.clone()),
            Box::new(subscriptions.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        let metrics = Metrics {
            registry,
            requests,
            latency,
            graphql_errors,
            nodes,
            edges,
            subscriptions,
            operations: RwLock::default(),
        };
        metrics.set_dataset(meta);
        metrics
    }

    /// Sets the store gauges to a (new) live store's counts.
    pub fn set_dataset(&self, meta: &Meta) {
        for kind in Kind::ALL {
            self.nodes
                .with_label_values(&[kind.prefix()])
                .set(i64::try_from(meta.count_of(kind)).unwrap_or(i64::MAX));
        }
        self.edges
            .with_label_values(&[] as &[&str])
            .set(i64::try_from(meta.edges).unwrap_or(i64::MAX));
    }

    /// Counts the errors of one GraphQL response by code.
    pub fn graphql_errors<'a>(&self, codes: impl Iterator<Item = &'a str>) {
        for code in codes {
            self.graphql_errors.with_label_values(&[code]).inc();
        }
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation else {
            return String::new();
        };
        // Every request reads the set and few ever add to it, so readers share the lock.
        if let Ok(seen) = self.operations.read() {
            if seen.contains(name) {
                return name.to_owned();
            }
        }
        let Ok(mut seen) = self.operations.write() else {
            return "other".into();
        };
        if seen.contains(name) || seen.len() < MAX_OPERATION_LABELS {
            seen.insert(name.to_owned());
            return name.to_owned();
        }
        "other".into()
    }

    fn observe(
        &self,
        route: &str,
        method: &str,
        status: u16,
        operation: Option<&str>,
        seconds: f64,
    ) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        let operation = self.operation_label(operation);
        self.latency
            .with_label_values(&[route, &operation])
            .observe(seconds);
    }
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let mut buffer = Vec::new();
    let encoder = TextEncoder::new();
    let open = i64::try_from(state.subscriptions.open()).unwrap_or(i64::MAX);
    state.metrics.subscriptions.set(open);
    if let Err(error) = encoder.encode(&state.metrics.registry.gather(), &mut buffer) {
        tracing::error!(%error, "could not encode metrics");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(buffer)
}

/// Root spans with room for the GraphQL operation name, filled in by the GraphQL handler.
pub struct CapgraphRootSpan;

impl RootSpanBuilder for CapgraphRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        root_span!(request, graphql.operation = tracing::field::Empty)
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Times a request, counts it, logs one line when it finishes (inside the root span, so the
/// line carries the request ID), and returns the request ID in `x-request-id`. Never logs
/// bodies or variables. Mounted inside `TracingLogger`, which has assigned the ID.
pub async fn observe<B>(
    request_id: Option<String>,
    next: impl std::future::Future<Output = Result<ServiceResponse<B>, Error>>,
) -> Result<ServiceResponse<B>, Error> {
    let started = Instant::now();
    let mut response = next.await?;
    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    let seconds = started.elapsed().as_secs_f64();
    let request = response.request();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().to_string();
    let status = response.status().as_u16();
    let operation = request.extensions().get::<Operation>().map(|o| o.0.clone());
    if let Some(state) = request.app_data::<web::Data<AppState>>() {
        state
            .metrics
            .observe(&route, &method, status, operation.as_deref(), seconds);
    }
    tracing::info!(
        http.route = %route,
        http.method = %method,
        http.status_code = status,
        graphql.operation = operation.as_deref().unwrap_or(""),
        duration_ms = seconds * 1000.0,
        "request finished"
    );
    Ok(response)
}
