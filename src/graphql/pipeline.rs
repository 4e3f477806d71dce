//! The one async-graphql extension, through which every request passes: the document limits
//! and the parsed-document cache when the document is parsed, admission once validation knows
//! its cost, and the field policy on every field. It is one extension rather than one per
//! concern because async-graphql wraps every field of every request in a boxed future per
//! extension; each concern keeps its own module and state. A document it has vetted may skip it
//! on later requests (`super::fast`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
    NextResolve, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};

use super::admission::Admission;
use super::documents::{CachedDocument, DocumentCache};
use super::execution::FieldPolicy;
use super::limits::{self, Limits};

/// What every request of one schema shares, the fast path's included.
#[derive(Clone)]
pub struct Pipeline {
    limits: Arc<Limits>,
    pub(super) documents: Arc<DocumentCache>,
    pub(super) admission: Arc<Admission>,
    /// Requests the fast path answered.
    fast_answers: Arc<AtomicU64>,
}

impl Pipeline {
    pub fn new(limits: &Limits) -> Pipeline {
        Pipeline {
            limits: Arc::new(limits.clone()),
            documents: Arc::default(),
            admission: Arc::new(Admission::new(
                limits.max_concurrent_queries,
                limits.max_queued_queries,
            )),
            fast_answers: Arc::default(),
        }
    }

    pub(super) fn count_fast_answer(&self) {
        self.fast_answers.fetch_add(1, Ordering::Relaxed);
    }

    /// How many requests the fast path has answered.
    pub fn fast_answers(&self) -> u64 {
        self.fast_answers.load(Ordering::Relaxed)
    }
}

impl ExtensionFactory for Pipeline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestPipeline {
            limits: Arc::clone(&self.limits),
            documents: Arc::clone(&self.documents),
            admission: Arc::clone(&self.admission),
            document: OnceLock::new(),
            cost: AtomicUsize::new(usize::MAX),
            policy: FieldPolicy::default(),
        })
    }
}

/// One request's pass through the pipeline.
struct RequestPipeline {
    limits: Arc<Limits>,
    documents: Arc<DocumentCache>,
    admission: Arc<Admission>,
    /// This request's document as the cache keeps it, where validation leaves its cost.
    document: OnceLock<Arc<CachedDocument>>,
    /// What validating this request cost, with its own variables (the cache's entry holds the
    /// last request's, which another request may overwrite at any moment).
    cost: AtomicUsize,
    policy: FieldPolicy,
}

#[async_trait::async_trait]
impl Extension for RequestPipeline {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        limits::name_builtin_errors(&mut response, &self.limits);
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(cached) = self.documents.get(query) {
            self.admission.refuse_if_full(cached.known_cost())?;
            let parsed = cached.document();
            let _ = self.document.set(cached);
            return Ok(parsed);
        }
        limits::check_tokens(query, &self.limits)?;
        let parsed = next.run(ctx, query, variables).await?;
        limits::check_document(&parsed, &self.limits)?;
        let _ = self
            .document
            .set(self.documents.insert(query, parsed.clone()));
        Ok(parsed)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        self.cost.store(result.complexity, Ordering::Relaxed);
        if let Some(cached) = self.document.get() {
            cached.set_cost(result.complexity);
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let _slot = match self
            .admission
            .admit(self.cost.load(Ordering::Relaxed))
            .await
        {
            Ok(slot) => slot,
            Err(error) => return Response::from_errors(vec![error]),
        };
        let response = next.run(ctx, operation_name).await;
        let document = self.document.get().map(|cached| cached.parsed());
        self.policy.finish(response, document, operation_name)
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        self.policy.resolve(ctx, info, next).await
    }
}
