//! Request limits, on by default: depth, aliases, cost (which multiplies by page sizes), page
//! size, body size and time. Each is a field of [`Limits`], set from `serve` flags.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, Value, Variables};

/// Every configurable limit, with the defaults a public server can live with.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest nesting of fields.
    pub max_depth: usize,
    /// Largest cost: each field costs 1, and a connection's children cost once per row asked
    /// for, so `first: 500` under `first: 500` costs about 250,000.
    pub max_cost: usize,
    /// Most aliased fields in one document.
    pub max_aliases: usize,
    /// Largest `first` or `last` on any connection (and most IDs in one `nodes` call).
    pub max_page: usize,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Longest time one request may take.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 12,
            max_cost: 50_000,
            max_aliases: 30,
            max_page: 500,
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Whether an error message is one of async-graphql's own limit errors.
pub fn is_limit_message(message: &str) -> bool {
    message.contains("nested too deep")
        || message.contains("too complex")
        || message.contains("too many")
}

/// Rejects documents with more aliased fields than allowed: aliases let one small query ask
/// for the same expensive field many times over.
pub struct AliasLimit {
    pub max: usize,
}

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimitExtension { max: self.max })
    }
}

struct AliasLimitExtension {
    max: usize,
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

#[async_trait::async_trait]
impl Extension for AliasLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let operations: usize = document
            .operations
            .iter()
            .map(|(_, op)| count_aliases(&op.node.selection_set.node))
            .sum();
        let fragments: usize = document
            .fragments
            .values()
            .map(|f| count_aliases(&f.node.selection_set.node))
            .sum();
        let total = operations + fragments;
        if total > self.max {
            let mut error = ServerError::new(
                format!(
                    "the document uses {total} aliases, over the alias limit of {}",
                    self.max
                ),
                None,
            );
            let mut extensions = ErrorExtensionValues::default();
            extensions.set("code", Value::from("LIMIT_EXCEEDED"));
            error.extensions = Some(extensions);
            return Err(error);
        }
        Ok(document)
    }
}
