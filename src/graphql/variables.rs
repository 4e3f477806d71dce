//! Whether a request's variables hold values of the types its operation declares: the one
//! check of validation that depends on the variables, made once per variable so that the fast
//! path can skip the rest of validation, which depends on the document alone and passed when
//! the pipeline first validated it.
//!
//! async-graphql makes this check where each variable is used (its `ArgumentsOfCorrectType`
//! rule), against the argument's type; a document that passed validation uses each variable
//! only where its declared type fits, so a value that fits the declared type fits there too.
//! The check errs one way only: a value it cannot vouch for (a null anywhere, a type it does not
//! know, a `@oneOf` input) sends the request through the pipeline, whose validation answers it
//! as it always has.

use async_graphql::parser::types::VariableDefinition;
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{OutputType, Positioned, Value, Variables};

use super::Query;

/// The schema's input types, as validation knows them.
pub struct InputTypes(Registry);

impl InputTypes {
    /// Every type the queries' arguments can take.
    pub fn of_queries() -> InputTypes {
        let mut registry = Registry::default();
        Query::create_type_info(&mut registry);
        InputTypes(registry)
    }

    /// Whether every variable `definitions` declare that `variables` give a value has a value of
    /// its declared type. A variable given no value passes: validation checks no argument that
    /// uses it, and execution takes its default or fails (and a failure leaves the fast path).
    pub fn vouch_for(
        &self,
        definitions: &[Positioned<VariableDefinition>],
        variables: &Variables,
    ) -> bool {
        definitions.iter().all(|definition| {
            let definition = &definition.node;
            variables
                .get(&definition.name.node)
                .is_none_or(|value| self.holds(&definition.var_type.node.to_string(), value))
        })
    }

    /// Whether `value` is of the type named `type_name` (`[ProjectStatus!]!` and the like).
    fn holds(&self, type_name: &str, value: &Value) -> bool {
        // A null is valid or not depending on where the variable is used (a nullable variable
        // with a default may stand where a value is required): the pipeline decides.
        if matches!(value, Value::Null) {
            return false;
        }
        match MetaTypeName::create(type_name) {
            MetaTypeName::NonNull(inner) => self.holds(inner, value),
            MetaTypeName::List(item) => match value {
                Value::List(items) => items.iter().all(|value| self.holds(item, value)),
                // A single value stands for a list of one.
                single => self.holds(item, single),
            },
            MetaTypeName::Named(name) => self.holds_named(name, value),
        }
    }

    fn holds_named(&self, name: &str, value: &Value) -> bool {
        match self.0.types.get(name) {
            Some(MetaType::Scalar { is_valid, .. }) => {
                is_valid.as_ref().is_none_or(|is_valid| is_valid(value))
            }
            Some(MetaType::Enum { enum_values, .. }) => match value {
                Value::Enum(item) => enum_values.contains_key(item.as_str()),
                Value::String(item) => enum_values.contains_key(item.as_str()),
                _ => false,
            },
            Some(MetaType::InputObject {
                input_fields,
                oneof: false,
                ..
            }) => {
                let Value::Object(given) = value else {
                    return false;
                };
                given
                    .keys()
                    .all(|field| input_fields.contains_key(field.as_str()))
                    && input_fields
                        .values()
                        .all(|field| match given.get(field.name.as_str()) {
                            Some(value) => self.holds(&field.ty, value),
                            None => {
                                field.default_value.is_some()
                                    || !MetaTypeName::create(&field.ty).is_non_null()
                            }
                        })
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use serde_json::json;

    use super::*;

    /// Whether the variables of the one operation in `document` are vouched for.
    fn vouched(document: &str, variables: serde_json::Value) -> bool {
        let document = parse_query(document).unwrap();
        let (_, operation) = document.operations.iter().next().unwrap();
        InputTypes::of_queries().vouch_for(
            &operation.node.variable_definitions,
            &Variables::from_json(variables),
        )
    }

    const FILTERED: &str = "query Q($status: ProjectStatus!, $year: Int!) { projects(filter: \
                            {status: [$status], startYear: {min: $year}}) { totalCount } }";

    #[test]
    fn values_of_the_declared_types_are_vouched_for() {
        assert!(vouched(
            FILTERED,
            json!({ "status": "OPERATIONAL", "year": 2015 })
        ));
        assert!(vouched(
            "query Q($id: ID!, $roles: [Role!]) { project(id: $id) { \
             enterprises(role: $roles) { totalCount } } }",
            // An ID may be given as a number; a single value stands for a list of one.
            json!({ "id": 7, "roles": "INVESTOR" })
        ));
        assert!(vouched(
            "query Q($filter: ProjectFilter) { projects(filter: $filter) { totalCount } }",
            json!({ "filter": { "status": ["PLANNED", "COMPLETED"], "startYear": { "min": 2000 } } })
        ));
        // A variable given no value is left to execution (its default, or an error there).
        assert!(vouched(FILTERED, json!({ "status": "PLANNED" })));
    }

    #[test]
    fn anything_else_is_left_to_the_pipeline() {
        for wrong in [
            json!({ "status": "OPEN", "year": 2015 }),
            json!({ "status": 3, "year": 2015 }),
            json!({ "status": "OPERATIONAL", "year": "2015" }),
            json!({ "status": "OPERATIONAL", "year": 20.5 }),
            json!({ "status": ["OPERATIONAL"], "year": 2015 }),
            json!({ "status": null, "year": 2015 }),
        ] {
            assert!(!vouched(FILTERED, wrong.clone()), "{wrong}");
        }
        let filtered =
            "query Q($filter: ProjectFilter) { projects(filter: $filter) { totalCount } }";
        for wrong in [
            json!({ "filter": { "colour": "red" } }),
            json!({ "filter": { "status": ["PLANNED", "NEVER"] } }),
            json!({ "filter": { "startYear": { "min": "soon" } } }),
            json!({ "filter": { "status": null } }),
            json!({ "filter": "OPERATIONAL" }),
        ] {
            assert!(!vouched(filtered, wrong.clone()), "{wrong}");
        }
    }
}
