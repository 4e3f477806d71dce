//! The filter input types of the schema: what a client may ask a list to keep, field by field,
//! with `and`, `or` and `not`. Plain data; `conditions` says what each field means.

use async_graphql::{InputObject, ID};

use crate::graphql::enums::{Ownership, ProjectStatus, Role};

/// An inclusive range of whole numbers; either end may be left open.
#[derive(InputObject, Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct IntRange {
    /// Smallest value kept (inclusive).
    pub min: Option<i32>,
    /// Largest value kept (inclusive).
    pub max: Option<i32>,
}

impl IntRange {
    pub(crate) fn contains(&self, value: Option<i32>) -> bool {
        value.is_some_and(|v| self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m))
    }
}

/// An inclusive range of numbers; either end may be left open.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct FloatRange {
    /// Smallest value kept (inclusive).
    pub min: Option<f64>,
    /// Largest value kept (inclusive).
    pub max: Option<f64>,
}

// Equal as cache keys when their bits are equal: GraphQL floats are never NaN, so this is
// the ordinary equality, and it can be hashed.
impl PartialEq for FloatRange {
    fn eq(&self, other: &Self) -> bool {
        self.min.map(f64::to_bits) == other.min.map(f64::to_bits)
            && self.max.map(f64::to_bits) == other.max.map(f64::to_bits)
    }
}

impl Eq for FloatRange {}

impl std::hash::Hash for FloatRange {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.min.map(f64::to_bits).hash(state);
        self.max.map(f64::to_bits).hash(state);
    }
}

impl FloatRange {
    pub(crate) fn contains(&self, value: Option<f64>) -> bool {
        value.is_some_and(|v| self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m))
    }
}

/// Which projects to keep. Fields combine with AND; use `and`, `or` and `not` for the rest.
// Eq and Hash make a filter part of a cached page's key (`entity::PageKey`).
#[derive(InputObject, Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProjectFilter {
    /// Words that the name or an alias must contain, in any case and with or without accents;
    /// the last word may be a prefix ("sura" finds Suramadu). Chinese, Thai, Khmer and other
    /// unspaced scripts match by characters ("大唐").
    pub text: Option<String>,
    /// Keep only these project IDs.
    pub ids: Option<Vec<ID>>,
    /// Host countries, by ISO alpha-2 or alpha-3 code in any case, or `country:` ID.
    pub host_country: Option<Vec<String>>,
    /// Sector IDs; a sector includes its sub-sectors (`sector:power` covers hydropower).
    pub sector: Option<Vec<ID>>,
    /// Enterprise IDs; an enterprise includes its subsidiaries (CCCC covers China Road and Bridge).
    pub enterprise: Option<Vec<ID>>,
    /// Roles: with `enterprise`, the roles those enterprises play; alone, projects where any
    /// enterprise plays one of them.
    pub role: Option<Vec<Role>>,
    /// Project statuses.
    pub status: Option<Vec<ProjectStatus>>,
    /// Start year range (projects without a start year are left out).
    pub start_year: Option<IntRange>,
    /// Completion year range (projects without one are left out).
    pub completion_year: Option<IntRange>,
    /// Range of the headline value in US dollars (projects without one are left out).
    pub value_usd: Option<FloatRange>,
    /// Cooperation zones the project lies in.
    pub zone: Option<Vec<ID>>,
    /// Frameworks the project is aligned with.
    pub framework: Option<Vec<ID>>,
    /// Every one of these filters must match.
    pub and: Option<Vec<ProjectFilter>>,
    /// At least one of these filters must match.
    pub or: Option<Vec<ProjectFilter>>,
    /// This filter must not match.
    pub not: Option<Box<ProjectFilter>>,
}

/// Which enterprises to keep. Fields combine with AND.
#[derive(InputObject, Debug, Clone, Default)]
pub struct EnterpriseFilter {
    /// Words the name or an alias must contain (as in `ProjectFilter.text`).
    pub text: Option<String>,
    /// Keep only these enterprise IDs.
    pub ids: Option<Vec<ID>>,
    /// Ownership types.
    pub ownership: Option<Vec<Ownership>>,
    /// Home countries, by ISO code or `country:` ID.
    pub headquarters: Option<Vec<String>>,
    /// Sectors the enterprise works in (sub-sectors included).
    pub sector: Option<Vec<ID>>,
    /// Keep these groups and every enterprise below them.
    pub group: Option<Vec<ID>>,
    /// Countries where the enterprise takes part in a project or develops a zone.
    pub active_in: Option<Vec<String>>,
    /// Every one of these filters must match.
    pub and: Option<Vec<EnterpriseFilter>>,
    /// At least one of these filters must match.
    pub or: Option<Vec<EnterpriseFilter>>,
    /// This filter must not match.
    pub not: Option<Box<EnterpriseFilter>>,
}

/// Which zones to keep. Fields combine with AND.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ZoneFilter {
    /// Words the name or an alias must contain (as in `ProjectFilter.text`).
    pub text: Option<String>,
    /// Keep only these zone IDs.
    pub ids: Option<Vec<ID>>,
    /// Host countries, by ISO code or `country:` ID.
    pub host_country: Option<Vec<String>>,
    /// Zone statuses.
    pub status: Option<Vec<ProjectStatus>>,
    /// Sectors (sub-sectors included).
    pub sector: Option<Vec<ID>>,
    /// Developers (subsidiaries included).
    pub developer: Option<Vec<ID>>,
    /// Year established.
    pub established: Option<IntRange>,
    /// Only zones China's commerce ministry accredits as national-level (true) or not (false).
    pub national_level: Option<bool>,
    /// Every one of these filters must match.
    pub and: Option<Vec<ZoneFilter>>,
    /// At least one of these filters must match.
    pub or: Option<Vec<ZoneFilter>>,
    /// This filter must not match.
    pub not: Option<Box<ZoneFilter>>,
}
