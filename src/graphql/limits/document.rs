//! The limits checked on a parsed document, in one walk over it: aliases, directives (per field
//! and per document), depth, and introspection's own bounds.
//!
//! Introspection documents are deep by nature (graphql-js's standard query nests `ofType` seven
//! to nine levels), so the depth limit counts data fields only and introspection has bounds of its
//! own: how deep its selections go, how long an `ofType` chain is, and how many `__schema` and
//! `__type` fields one document holds.

use std::collections::HashSet;

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Pos, ServerError, ServerResult};

use super::{limit_error, Limits};
use crate::graphql::error::{coded_error, ErrorCode};

/// What one walk over a document found.
#[derive(Default)]
struct Census {
    aliases: usize,
    directives: usize,
    introspection_fields: usize,
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    limits: &'a Limits,
    census: Census,
    /// Fragments being expanded on the current path: a cycle is the validator's to report.
    expanding: HashSet<&'a str>,
    /// Whether aliases and directives met now are counted: not inside a spread, since each
    /// fragment's are counted once where it is defined.
    counting: bool,
}

/// Where a selection set sits: among data fields, or inside introspection.
#[derive(Clone, Copy)]
enum Place {
    Data { depth: usize },
    Introspection { depth: usize, of_type_chain: usize },
}

/// Checks aliases, directives, depth and introspection's bounds, over every operation and
/// fragment (fragments are walked where they are spread, so depth counts them in place).
pub fn check_document(document: &ExecutableDocument, limits: &Limits) -> ServerResult<()> {
    let mut walker = Walker {
        document,
        limits,
        census: Census::default(),
        expanding: HashSet::new(),
        counting: true,
    };
    for (_, operation) in document.operations.iter() {
        walker.directives(operation.node.directives.len(), None)?;
        walker.selection_set(&operation.node.selection_set.node, Place::Data { depth: 0 })?;
    }
    // Aliases and directives inside fragments count once per definition, as written.
    for fragment in document.fragments.values() {
        walker.directives(fragment.node.directives.len(), None)?;
        walker.count_written(&fragment.node.selection_set.node)?;
    }
    Ok(())
}

impl<'a> Walker<'a> {
    fn directives(&mut self, on_field: usize, field: Option<(&Field, Pos)>) -> ServerResult<()> {
        let limits = self.limits;
        if let Some((field, pos)) = field {
            let max = limits.max_field_directives;
            at_most(on_field, max, "maxFieldDirectives", Some(pos), || {
                format!(
                    "the field `{}` has {on_field} directives, over the limit of {max} per field",
                    field.name.node
                )
            })?;
        }
        self.census.directives += on_field;
        let max = limits.max_directives;
        let pos = field.map(|(_, pos)| pos);
        at_most(self.census.directives, max, "maxDirectives", pos, || {
            format!("the document uses more than {max} directives, over the directive limit")
        })
    }

    fn alias(&mut self, pos: Pos) -> ServerResult<()> {
        self.census.aliases += 1;
        let max = self.limits.max_aliases;
        at_most(self.census.aliases, max, "maxAliases", Some(pos), || {
            format!("the document uses more than {max} aliases, over the alias limit")
        })
    }

    /// Counts aliases and directives inside a fragment definition, without following spreads.
    fn count_written(&mut self, set: &'a SelectionSet) -> ServerResult<()> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    if field.node.alias.is_some() {
                        self.alias(field.pos)?;
                    }
                    self.directives(field.node.directives.len(), Some((&field.node, field.pos)))?;
                    self.count_written(&field.node.selection_set.node)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.directives(fragment.node.directives.len(), None)?;
                    self.count_written(&fragment.node.selection_set.node)?;
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(spread.node.directives.len(), None)?;
                }
            }
        }
        Ok(())
    }

    fn selection_set(&mut self, set: &'a SelectionSet, place: Place) -> ServerResult<()> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    if self.counting {
                        if field.node.alias.is_some() {
                            self.alias(field.pos)?;
                        }
                        self.directives(
                            field.node.directives.len(),
                            Some((&field.node, field.pos)),
                        )?;
                    }
                    self.field(&field.node, field.pos, place)?;
                }
                Selection::InlineFragment(fragment) => {
                    if self.counting {
                        self.directives(fragment.node.directives.len(), None)?;
                    }
                    self.selection_set(&fragment.node.selection_set.node, place)?;
                }
                Selection::FragmentSpread(spread) => {
                    if self.counting {
                        self.directives(spread.node.directives.len(), None)?;
                    }
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue; // the validator names unknown fragments
                    };
                    if !self.expanding.insert(name) {
                        continue; // the validator names cycles
                    }
                    // Aliases and directives in fragments were counted where they are
                    // written; the spread is walked for depth and introspection only.
                    let counting = std::mem::replace(&mut self.counting, false);
                    let result = self.selection_set(&fragment.node.selection_set.node, place);
                    self.counting = counting;
                    self.expanding.remove(name);
                    result?;
                }
            }
        }
        Ok(())
    }

    fn field(&mut self, field: &'a Field, pos: Pos, place: Place) -> ServerResult<()> {
        let limits = self.limits;
        let name = field.name.node.as_str();
        let inner = match place {
            Place::Data { depth } if name == "__schema" || name == "__type" => {
                if !limits.introspection {
                    return Err(introspection_disabled(pos));
                }
                self.census.introspection_fields += 1;
                let (found, max) = (
                    self.census.introspection_fields,
                    limits.max_introspection_fields,
                );
                at_most(found, max, "maxIntrospectionFields", Some(pos), || {
                    format!(
                        "the document asks for `__schema` or `__type` more than {max} times, over the \
                         introspection limit"
                    )
                })?;
                // The introspection field itself stands where a data field would.
                self.data_depth(depth + 1, pos)?;
                Place::Introspection {
                    depth: 1,
                    of_type_chain: 0,
                }
            }
            Place::Data { depth } => {
                self.data_depth(depth + 1, pos)?;
                Place::Data { depth: depth + 1 }
            }
            Place::Introspection {
                depth,
                of_type_chain,
            } => {
                let depth = depth + 1;
                let max = limits.max_introspection_depth;
                at_most(depth, max, "maxIntrospectionDepth", Some(pos), || {
                    format!(
                        "the introspection selection is nested {depth} deep, over the introspection \
                         depth limit of {max}"
                    )
                })?;
                let of_type_chain = if name == "ofType" {
                    of_type_chain + 1
                } else {
                    0
                };
                let max = limits.max_of_type_depth;
                at_most(of_type_chain, max, "maxOfTypeDepth", Some(pos), || {
                    format!("the document nests `ofType` {of_type_chain} times, over the limit of {max}")
                })?;
                Place::Introspection {
                    depth,
                    of_type_chain,
                }
            }
        };
        self.selection_set(&field.selection_set.node, inner)
    }

    fn data_depth(&self, depth: usize, pos: Pos) -> ServerResult<()> {
        let max = self.limits.max_depth;
        at_most(depth, max, "maxDepth", Some(pos), || {
            format!("the query is nested {depth} fields deep, over the depth limit of {max}")
        })
    }
}

/// A `LIMIT_EXCEEDED` error naming `limit` when `found` is over `max`; `message` says so in
/// words, and is written only then.
fn at_most(
    found: usize,
    max: usize,
    limit: &str,
    pos: Option<Pos>,
    message: impl FnOnce() -> String,
) -> ServerResult<()> {
    if found > max {
        return Err(limit_error(message(), pos, limit, max, Some(found)));
    }
    Ok(())
}

fn introspection_disabled(pos: Pos) -> ServerError {
    coded_error(
        ErrorCode::IntrospectionDisabled,
        "introspection is turned off on this server (`--introspection off`); \
         ask its operators for the schema, or read /schema.graphql if they publish it",
        Some(pos),
        |_| {},
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Value;

    fn check(query: &str, limits: &Limits) -> Result<(), String> {
        let document = async_graphql::parser::parse_query(query).expect("it parses");
        check_document(&document, limits).map_err(|e| {
            let limit = e
                .extensions
                .as_ref()
                .and_then(|x| x.get("limit"))
                .cloned()
                .unwrap_or(Value::Null);
            format!("{limit}")
        })
    }

    #[test]
    fn depth_counts_data_fields_through_fragments_and_not_introspection() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert_eq!(check("{ a { b { c } } }", &limits), Ok(()));
        assert_eq!(
            check("{ a { b { c { d } } } }", &limits),
            Err("\"maxDepth\"".into())
        );
        assert_eq!(
            check("{ a { ...F } } fragment F on T { b { c { d } } }", &limits),
            Err("\"maxDepth\"".into())
        );
        let deep_introspection =
            "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }";
        assert_eq!(check(deep_introspection, &limits), Ok(()));
    }

    #[test]
    fn introspection_has_bounds_of_its_own() {
        let limits = Limits::default();
        let chain = |n: usize| {
            format!(
                "{{ __type(name: \"Query\") {{ fields {{ type {{ {} name {} }} }} }} }}",
                "ofType { ".repeat(n),
                "}".repeat(n)
            )
        };
        assert_eq!(check(&chain(limits.max_of_type_depth), &limits), Ok(()));
        assert_eq!(
            check(&chain(limits.max_of_type_depth + 1), &limits),
            Err("\"maxOfTypeDepth\"".into())
        );
        let repeated = (0..=limits.max_introspection_fields)
            .map(|i| format!("t{i}: __type(name: \"Query\") {{ name }}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            check(&format!("{{ {repeated} }}"), &limits),
            Err("\"maxIntrospectionFields\"".into())
        );
    }

    #[test]
    fn directives_are_limited_per_field_and_per_document() {
        let limits = Limits::default();
        let on_one = format!(
            "{{ a {} }}",
            "@include(if: true) ".repeat(limits.max_field_directives + 1)
        );
        assert_eq!(
            check(&on_one, &limits),
            Err("\"maxFieldDirectives\"".into())
        );
        let spread: Vec<String> = (0..=limits.max_directives)
            .map(|i| format!("f{i}: a @include(if: true)"))
            .collect();
        let raised = Limits {
            max_aliases: 1_000,
            ..Limits::default()
        };
        assert_eq!(
            check(&format!("{{ {} }}", spread.join(" ")), &raised),
            Err("\"maxDirectives\"".into())
        );
    }

    #[test]
    fn a_fragment_cycle_is_left_to_the_validator() {
        let limits = Limits::default();
        assert_eq!(
            check("{ a { ...F } } fragment F on T { b { ...F } }", &limits),
            Ok(())
        );
    }
}
