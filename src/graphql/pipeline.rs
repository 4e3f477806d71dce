//! The one async-graphql extension, through which every request passes: the document limits
//! and the parsed-document cache when the document is parsed, admission once validation knows
//! its cost, and the field policy on every field. It is one extension rather than one per
//! concern because async-graphql wraps every field of every request in a boxed future per
//! extension; each concern keeps its own module and state.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
    NextResolve, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};

use super::admission::Admission;
use super::documents::DocumentCache;
use super::execution::FieldPolicy;
use super::limits::{self, Limits};

/// What every request of one schema shares.
pub struct Pipeline {
    limits: Arc<Limits>,
    documents: Arc<DocumentCache>,
    admission: Arc<Admission>,
    hasher: RandomState,
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
            hasher: RandomState::new(),
        }
    }
}

impl ExtensionFactory for Pipeline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestPipeline {
            limits: Arc::clone(&self.limits),
            documents: Arc::clone(&self.documents),
            admission: Arc::clone(&self.admission),
            hasher: self.hasher.clone(),
            document: AtomicU64::new(0),
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
    hasher: RandomState,
    /// The hash of this request's document text, which names it to admission.
    document: AtomicU64,
    /// The validated cost of this request's document.
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
        let document = self.hasher.hash_one(query);
        self.document.store(document, Ordering::Relaxed);
        self.admission.refuse_if_full(document)?;
        if let Some(parsed) = self.documents.get(query) {
            return Ok(parsed);
        }
        limits::check_tokens(query, &self.limits)?;
        let parsed = next.run(ctx, query, variables).await?;
        limits::check_document(&parsed, &self.limits)?;
        self.documents.insert(query, &parsed);
        Ok(parsed)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        self.cost.store(result.complexity, Ordering::Relaxed);
        self.admission
            .remember(self.document.load(Ordering::Relaxed), result.complexity);
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
        self.policy.finish(next.run(ctx, operation_name).await)
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
