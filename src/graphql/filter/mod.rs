//! Filters: the input types clients write (`inputs`), how a filter becomes a set of IDs with
//! `and`, `or` and `not` (`evaluator`), and what each field of each filter asks of the store
//! (`conditions`). Indexes answer where one exists (adjacency, status, year, search tokens);
//! nodes are read only for the rest.

mod conditions;
mod evaluator;
mod inputs;

pub use evaluator::{parse_id, resolve_country, tier_of, Evaluator, IdSet};
pub use inputs::{EnterpriseFilter, FloatRange, IntRange, ProjectFilter, ZoneFilter};
