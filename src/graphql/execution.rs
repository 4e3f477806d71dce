//! How fields resolve, where async-graphql differs from the spec or from what a busy server
//! needs: a failed field becomes `null` with its error at its path, the null spreading up to the
//! nearest nullable field as the spec's "handling field errors" asks (async-graphql leaves the
//! field out of `data`, upstream issue 1449), a long execution yields to other requests every
//! few fields, because queries run on the HTTP workers, and `__schema { description }` is the
//! schema's (none) rather than async-graphql's fixed sentence.
//!
//! A yield must not change the order of an answer's keys, which the spec fixes as the order of
//! the selection. Below the root, objects resolve their fields one after another
//! (`#[Object(serial)]`), so they keep it; async-graphql resolves the root's fields together and
//! adds each as it completes, so a root field that yielded would come last: [`FieldPolicy::finish`]
//! puts the root's keys back in the document's order. What that leaves is a root key selected
//! twice with different sub-selections: when the first yields, the second is resolved first
//! and their merged object takes its keys in that order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use async_graphql::extensions::{ExtensionContext, NextResolve, ResolveInfo};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{
    Name, PathSegment, QueryPathNode, QueryPathSegment, Response, ServerError, ServerResult, Value,
};

/// Fields resolved between two yields to the runtime: small enough that a costly query holds a
/// worker for well under a millisecond at a time, large enough that yielding costs little.
const FIELDS_PER_SLICE: usize = 64;

/// The field policy's state for one request, driven by [`super::pipeline`]'s hooks.
#[derive(Default)]
pub struct FieldPolicy {
    resolved: AtomicUsize,
    /// Whether `failures.unabsorbed` may hold a path: the common case, none, takes no lock.
    any_unabsorbed: AtomicBool,
    failures: Mutex<Failures>,
}

#[derive(Default)]
struct Failures {
    /// Errors of fields this extension turned into `null`; async-graphql never saw them.
    errors: Vec<ServerError>,
    /// Paths of non-null fields that failed and whose null has not yet been absorbed by a
    /// nullable field above them.
    unabsorbed: Vec<Vec<PathSegment>>,
}

fn path_of(node: &QueryPathNode<'_>) -> Vec<PathSegment> {
    let mut path: Vec<PathSegment> = std::iter::once(node)
        .chain(node.parents())
        .map(|n| match n.segment {
            QueryPathSegment::Name(name) => PathSegment::Field(name.to_owned()),
            QueryPathSegment::Index(i) => PathSegment::Index(i),
        })
        .collect();
    path.reverse();
    path
}

/// `String` and `[Project!]` are nullable; `String!` and `[Project!]!` are not.
fn is_nullable(type_name: &str) -> bool {
    !type_name.ends_with('!')
}

/// For a list type, whether its items are nullable: `[Project]!` → true, `[Project!]` → false.
fn items_nullable(type_name: &str) -> Option<bool> {
    let inner = type_name.trim_end_matches('!');
    let inner = inner.strip_prefix('[')?.strip_suffix(']')?;
    Some(is_nullable(inner))
}

/// The operation a request runs: the one named, or the only one.
fn operation<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Appends the response keys `set` selects, fragments spread in place, each key once at its
/// first place: the order the spec's CollectFields gives the keys of an answer.
fn collect_keys<'d>(
    document: &'d ExecutableDocument,
    set: &'d SelectionSet,
    keys: &mut Vec<&'d Name>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect_keys(document, &fragment.node.selection_set.node, keys);
                }
            }
            Selection::InlineFragment(inline) => {
                collect_keys(document, &inline.node.selection_set.node, keys);
            }
        }
    }
}

/// Puts the keys of `data` in the order the operation selects them.
fn order_root_keys(data: &mut Value, document: &ExecutableDocument, operation_name: Option<&str>) {
    let (Value::Object(fields), Some(operation)) = (data, operation(document, operation_name))
    else {
        return;
    };
    let mut keys = Vec::new();
    collect_keys(document, &operation.selection_set.node, &mut keys);
    fields.sort_by_cached_key(|key, _| keys.iter().position(|k| *k == key));
}

impl FieldPolicy {
    /// Completes an executed response: the errors of fields turned null join the others, a
    /// failed non-null root field turns `data` null, and after a yield the root's keys are put
    /// back in the order of `document`'s operation.
    pub fn finish(
        &self,
        mut response: Response,
        document: Option<&ExecutableDocument>,
        operation_name: Option<&str>,
    ) -> Response {
        if let Some(document) = document {
            if self.resolved.load(Ordering::Relaxed) >= FIELDS_PER_SLICE {
                order_root_keys(&mut response.data, document, operation_name);
            }
        }
        let Ok(mut failures) = self.failures.lock() else {
            return response;
        };
        response.errors.append(&mut failures.errors);
        // A non-null root field failed: nothing above it is nullable but `data` itself.
        if !failures.unabsorbed.is_empty() {
            response.data = Value::Null;
        }
        response
    }

    /// Resolves one field under the policy.
    pub async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if self.resolved.fetch_add(1, Ordering::Relaxed) % FIELDS_PER_SLICE == FIELDS_PER_SLICE - 1
        {
            tokio::task::yield_now().await;
        }
        // async-graphql answers a fixed sentence of its own here; the schema has no description.
        if info.parent_type == "__Schema" && info.name == "description" {
            return Ok(Some(Value::Null));
        }
        let nullable = is_nullable(info.return_type);
        let items_nullable = items_nullable(info.return_type);
        let path_node = info.path_node;
        match next.run(ctx, info).await {
            // Paths cost allocations, so they are built only when some field has failed.
            Ok(value) if !self.any_unabsorbed.load(Ordering::Relaxed) => Ok(value),
            Ok(value) => Ok(self.absorb(&path_of(path_node), nullable, items_nullable, value)),
            Err(mut error) => {
                let path = path_of(path_node);
                if error.path.is_empty() {
                    error.path = path.clone();
                }
                let Ok(mut failures) = self.failures.lock() else {
                    return Err(error);
                };
                if nullable {
                    failures.errors.push(error);
                } else {
                    // async-graphql records the error and leaves the field out; the field
                    // above must turn null in its place.
                    failures.unabsorbed.push(path);
                    self.any_unabsorbed.store(true, Ordering::Relaxed);
                    return Err(error);
                }
                Ok(Some(Value::Null))
            }
        }
    }

    /// Applies the failures of non-null fields below `path` to this field's value: a nullable
    /// list item or a nullable field turns null; a non-null field fails in turn.
    fn absorb(
        &self,
        path: &[PathSegment],
        nullable: bool,
        items_nullable: Option<bool>,
        mut value: Option<Value>,
    ) -> Option<Value> {
        let Ok(mut failures) = self.failures.lock() else {
            return value;
        };
        let below: Vec<Vec<PathSegment>> = failures
            .unabsorbed
            .iter()
            .filter(|p| p.len() > path.len() && p.starts_with(path))
            .cloned()
            .collect();
        if below.is_empty() {
            return value;
        }
        failures
            .unabsorbed
            .retain(|p| !(p.len() > path.len() && p.starts_with(path)));
        self.any_unabsorbed
            .store(!failures.unabsorbed.is_empty(), Ordering::Relaxed);
        if items_nullable == Some(true) {
            // `[T]`: each item holding a failure becomes null; the list stands.
            if let Some(Value::List(items)) = value.as_mut() {
                for failed in &below {
                    if let Some(PathSegment::Index(i)) = failed.get(path.len()) {
                        if let Some(item) = items.get_mut(*i) {
                            *item = Value::Null;
                        }
                    }
                }
            }
            return value;
        }
        if !nullable {
            failures.unabsorbed.push(path.to_vec());
            self.any_unabsorbed.store(true, Ordering::Relaxed);
        }
        Some(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullability_is_read_from_the_type_name() {
        assert!(is_nullable("String"));
        assert!(is_nullable("[Project!]"));
        assert!(!is_nullable("String!"));
        assert!(!is_nullable("[Project]!"));
        assert_eq!(items_nullable("[Project]!"), Some(true));
        assert_eq!(items_nullable("[Project!]"), Some(false));
        assert_eq!(items_nullable("Project"), None);
    }
}
