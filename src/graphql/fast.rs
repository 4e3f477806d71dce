//! The fast path: a document the pipeline has already parsed, checked and costed runs again on
//! a second build of the schema that has no extension at all.
//!
//! async-graphql gives every field of every request two registry lookups, a boxed future and
//! two type names formatted per list item as soon as a schema has one extension, whatever the
//! extension does; on Q2 (a page of 20 projects with their sectors and enterprises) that was
//! a fifth to a third of the request. The pipeline's per-field work (yielding, and turning a failed
//! field into `null` as the spec asks) matters only for long executions and failed fields, so:
//! - a document runs fast only once the pipeline has seen it: it is in the document cache, so it
//!   parsed and passed the document limits, and a validation has measured its cost;
//! - its cost must not depend on its variables (no variable in a page size or an `ids` list, nor
//!   in a directive), so the measured cost is this request's cost too, and admission gives a
//!   costly one a slot exactly as the pipeline would;
//! - its cost is at most [`FAST_PATH_MAX_COST`], so it may hold the worker without yielding;
//! - it asks nothing of introspection (the pipeline answers `__schema { description }`);
//! - its variables hold values of the types the operation declares ([`super::variables`]): the
//!   build runs only the validation a document's cost needs, since the rules that depend on the
//!   document alone passed when the pipeline first validated it;
//! - any error sends the request through the pipeline after all, so a failed field, a bad
//!   variable or an unknown operation name is answered exactly as it would have been.
//!
//! A successful answer is therefore the pipeline's answer byte for byte, which
//! `tests/api/fast_path.rs` checks against a schema that has not yet cached the document.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{Positioned, Request, Response};

use super::connection::COST_ARGUMENTS;
use super::documents::CachedDocument;
use super::pipeline::Pipeline;
use super::variables::InputTypes;
use super::Executable;
use crate::store::Store;

/// The costliest document that runs without yielding: at most this many fields, which took
/// about 6 ms on this machine type with every page full (a cost counts each row a page may
/// hold), and takes well under one as pages usually are. Costlier documents run through the
/// pipeline, which yields to other requests every 64 fields.
pub const FAST_PATH_MAX_COST: usize = 5_000;

/// Whether a document may take the fast path once its cost is known: one query operation,
/// no variable that the cost depends on, and no introspection.
pub fn may_run_fast(document: &ExecutableDocument) -> bool {
    let mut operations = document.operations.iter();
    let (Some((_, operation)), None) = (operations.next(), operations.next()) else {
        return false;
    };
    operation.node.ty == OperationType::Query
        && fixed_directives(&operation.node.directives)
        && fixed_selections(&operation.node.selection_set.node)
        && document.fragments.values().all(|fragment| {
            fixed_directives(&fragment.node.directives)
                && fixed_selections(&fragment.node.selection_set.node)
        })
}

/// No field below asks for introspection or takes a cost argument or directive argument from a
/// variable (a value holds none when it converts to a constant). Fragment spreads are checked
/// where the fragments are defined.
fn fixed_selections(set: &SelectionSet) -> bool {
    set.items.iter().all(|item| match &item.node {
        Selection::Field(field) => {
            let field = &field.node;
            let name = field.name.node.as_str();
            name != "__schema"
                && name != "__type"
                && field.arguments.iter().all(|(argument, value)| {
                    !COST_ARGUMENTS.contains(&argument.node.as_str())
                        || value.node.clone().into_const().is_some()
                })
                && fixed_directives(&field.directives)
                && fixed_selections(&field.selection_set.node)
        }
        Selection::InlineFragment(fragment) => {
            fixed_directives(&fragment.node.directives)
                && fixed_selections(&fragment.node.selection_set.node)
        }
        Selection::FragmentSpread(spread) => fixed_directives(&spread.node.directives),
    })
}

/// `@skip(if: $x)` and `@include(if: $x)` decide which fields run, and so the cost.
fn fixed_directives(directives: &[Positioned<Directive>]) -> bool {
    directives.iter().all(|directive| {
        directive
            .node
            .arguments
            .iter()
            .all(|(_, value)| value.node.clone().into_const().is_some())
    })
}

/// What the fast path made of a request.
pub enum Outcome {
    /// It answered, without an error: the pipeline's answer.
    Answered(Response),
    /// Admission refused it, as the pipeline would have.
    Refused(Response),
    /// It is the pipeline's to run.
    NotTaken(Request),
}

/// The build of the schema without the pipeline, and what it needs to check variables.
#[derive(Clone)]
pub struct FastPath {
    schema: Executable,
    input_types: Arc<InputTypes>,
}

impl FastPath {
    /// `schema` is built with no extension and validates only what a document's cost needs.
    pub fn new(schema: Executable) -> FastPath {
        FastPath {
            schema,
            input_types: Arc::new(InputTypes::of_queries()),
        }
    }

    /// Runs `request` if its document qualifies (see the module's documentation).
    pub async fn run(&self, pipeline: &Pipeline, request: Request) -> Outcome {
        let Some(cached) = pipeline.documents.get(&request.query) else {
            return Outcome::NotTaken(request);
        };
        let Some(cost) = cached.fast_cost() else {
            return Outcome::NotTaken(request);
        };
        let definitions = cached
            .parsed()
            .operations
            .iter()
            .next()
            .map(|(_, operation)| &operation.node.variable_definitions[..])
            .unwrap_or_default();
        if !self.input_types.vouch_for(definitions, &request.variables) {
            return Outcome::NotTaken(request);
        }
        run_vetted(pipeline, &self.schema, request, &cached, cost).await
    }
}

/// Runs a request whose document and variables qualify, once admission lets it.
async fn run_vetted(
    pipeline: &Pipeline,
    fast: &Executable,
    request: Request,
    cached: &CachedDocument,
    cost: usize,
) -> Outcome {
    // The store is the only data a request brings; anything else, the pipeline handles.
    let store = request
        .data
        .get(&TypeId::of::<Arc<Store>>())
        .and_then(|data| data.downcast_ref::<Arc<Store>>())
        .cloned();
    if request.data.len() > usize::from(store.is_some()) || !request.uploads.is_empty() {
        return Outcome::NotTaken(request);
    }
    if let Err(error) = pipeline.admission.refuse_if_full(Some(cost)) {
        return Outcome::Refused(Response::from_errors(vec![error]));
    }
    let _slot = match pipeline.admission.admit(cost).await {
        Ok(slot) => slot,
        Err(error) => return Outcome::Refused(Response::from_errors(vec![error])),
    };
    let mut attempt = Request::new(request.query.clone()).variables(request.variables.clone());
    attempt.operation_name = request.operation_name.clone();
    attempt.extensions = request.extensions.clone();
    attempt.introspection_mode = request.introspection_mode;
    if let Some(store) = store {
        attempt = attempt.data(store);
    }
    attempt.set_parsed_query(cached.document());
    let response = fast.execute(attempt).await;
    if response.errors.is_empty() {
        pipeline.count_fast_answer();
        Outcome::Answered(response)
    } else {
        Outcome::NotTaken(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(text: &str) -> bool {
        may_run_fast(&async_graphql::parser::parse_query(text).unwrap())
    }

    #[test]
    fn only_documents_whose_cost_cannot_change_with_their_variables_run_fast() {
        assert!(fast("query Q($id: ID!) { project(id: $id) { name } }"));
        assert!(fast(
            "query Q($c: String!) { country(code: $c) { projects(first: 20) { nodes { name } } } }"
        ));
        assert!(fast(
            "query Q($a: String) { projects(first: 5, after: $a) { nodes { ...P } } } \
             fragment P on Project { name }"
        ));
        // A page size, an `ids` list or a directive from a variable changes the cost.
        assert!(!fast(
            "query Q($n: Int) { projects(first: $n) { nodes { name } } }"
        ));
        assert!(!fast("query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }"));
        assert!(!fast(
            "query Q($s: Boolean!) { projects { nodes { name @skip(if: $s) } } }"
        ));
        assert!(!fast(
            "query Q($n: Int) { projects { nodes { ...P } } } \
             fragment P on Project { enterprises(first: $n) { totalCount } }"
        ));
        // Introspection, more than one operation, and subscriptions stay with the pipeline.
        assert!(!fast("{ __schema { description } }"));
        assert!(!fast(
            "query A { projects { totalCount } } query B { sectors { totalCount } }"
        ));
        assert!(!fast("subscription { datasetChanged { digest } }"));
    }
}
