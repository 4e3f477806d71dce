//! Filter inputs and their evaluation to sets of IDs, using the store's indexes where one
//! exists (adjacency, status, year, search tokens) and reading nodes only for the rest.

use std::collections::BTreeSet;

use async_graphql::{InputObject, ID};

use super::enums::{Ownership, ProjectStatus, Role, SectorTier};
use super::error::{ApiError, ApiResult};
use crate::model::{self, Direction, EdgeType, Id, Kind, Node, NodeAttrs};
use crate::store::Store;
use crate::text::{self, Lookup};

pub type IdSet = BTreeSet<Id>;

/// An inclusive range of whole numbers; either end may be left open.
#[derive(InputObject, Debug, Clone, Copy, Default)]
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

impl FloatRange {
    pub(crate) fn contains(&self, value: Option<f64>) -> bool {
        value.is_some_and(|v| self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m))
    }
}

/// Which projects to keep. Fields combine with AND; use `and`, `or` and `not` for the rest.
#[derive(InputObject, Debug, Clone, Default)]
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

/// A test on one node, for conditions no index answers.
type Predicate<'f> = Box<dyn Fn(&Evaluator<'_>, &Node) -> ApiResult<bool> + 'f>;

/// What one filter object asks for, before `and`/`or`/`not`.
#[derive(Default)]
struct Conditions<'f> {
    sets: Vec<IdSet>,
    predicates: Vec<Predicate<'f>>,
}

/// The shape shared by every filter input.
trait BoolFilter: Sized {
    const KIND: Kind;
    fn parts(&self) -> (Option<&Vec<Self>>, Option<&Vec<Self>>, Option<&Self>);
    fn conditions<'f>(&'f self, ev: &Evaluator<'_>) -> ApiResult<Conditions<'f>>;
}

/// Evaluates filters against one store.
pub struct Evaluator<'s> {
    store: &'s Store,
}

impl<'s> Evaluator<'s> {
    pub fn new(store: &'s Store) -> Self {
        Evaluator { store }
    }

    pub fn projects(&self, filter: &ProjectFilter) -> ApiResult<IdSet> {
        self.eval(filter)
    }

    pub fn enterprises(&self, filter: &EnterpriseFilter) -> ApiResult<IdSet> {
        self.eval(filter)
    }

    pub fn zones(&self, filter: &ZoneFilter) -> ApiResult<IdSet> {
        self.eval(filter)
    }

    fn universe(&self, kind: Kind) -> ApiResult<IdSet> {
        Ok(self.store.ids_of_kind(kind)?.into_iter().collect())
    }

    fn eval<F: BoolFilter>(&self, filter: &F) -> ApiResult<IdSet> {
        let (and, or, not) = filter.parts();
        let mut conditions = filter.conditions(self)?;
        for f in and.into_iter().flatten() {
            conditions.sets.push(self.eval(f)?);
        }
        if let Some(or) = or {
            let mut union = IdSet::new();
            for f in or {
                union.extend(self.eval(f)?);
            }
            conditions.sets.push(union);
        }
        if let Some(not) = not {
            let excluded = self.eval(not)?;
            conditions.sets.push(
                self.universe(F::KIND)?
                    .into_iter()
                    .filter(|id| !excluded.contains(id))
                    .collect(),
            );
        }
        let mut sets = conditions.sets.into_iter();
        let mut candidates = match sets.next() {
            Some(first) => sets.fold(first, |acc, s| acc.intersection(&s).cloned().collect()),
            None => self.universe(F::KIND)?,
        };
        candidates.retain(|id| id.kind() == F::KIND);
        if conditions.predicates.is_empty() {
            return Ok(candidates);
        }
        let ids: Vec<Id> = candidates.into_iter().collect();
        let mut kept = IdSet::new();
        for node in self.store.nodes(&ids)?.into_iter().flatten() {
            let mut keep = true;
            for predicate in &conditions.predicates {
                if !predicate(self, &node)? {
                    keep = false;
                    break;
                }
            }
            if keep {
                kept.insert(node.id.clone());
            }
        }
        Ok(kept)
    }

    /// Nodes of `kind` whose names hold every word of `query` (the last as a prefix).
    pub fn text(&self, kind: Option<Kind>, query: &str) -> ApiResult<IdSet> {
        let tokens = text::query_tokens(query);
        if tokens.is_empty() {
            return Err(ApiError::BadUserInput(format!(
                "`text` has nothing to search for: `{query}`"
            )));
        }
        let mut result: Option<IdSet> = None;
        for (i, token) in tokens.iter().enumerate() {
            let exact = text::lookup(&tokens, i) == Lookup::Whole;
            let ids: IdSet = self
                .store
                .search_tokens(token.text(), exact)?
                .into_iter()
                .map(|(_, id)| id)
                .filter(|id| kind.is_none_or(|k| id.kind() == k))
                .collect();
            result = Some(match result {
                None => ids,
                Some(acc) => acc.intersection(&ids).cloned().collect(),
            });
        }
        Ok(result.unwrap_or_default())
    }

    /// Parses IDs given by a client, all of the expected kind.
    pub fn ids(&self, kind: Kind, ids: &[ID]) -> ApiResult<Vec<Id>> {
        ids.iter().map(|raw| parse_id(raw, Some(kind))).collect()
    }

    /// Resolves country codes (alpha-2, alpha-3, any case) or `country:` IDs.
    pub fn countries(&self, codes: &[String]) -> ApiResult<Vec<Id>> {
        codes.iter().map(|code| resolve_country(self.store, code)?.ok_or_else(|| ApiError::BadUserInput(format!("unknown country `{code}`: use an ISO alpha-2 or alpha-3 code, e.g. KH or KHM")))).collect()
    }

    /// Nodes with an edge of `edge_type` in `direction` to any of `targets`.
    fn linked_to(
        &self,
        targets: &[Id],
        edge_type: EdgeType,
        direction: Direction,
    ) -> ApiResult<IdSet> {
        let mut set = IdSet::new();
        for target in targets {
            set.extend(self.store.neighbour_ids(target, edge_type, direction)?);
        }
        Ok(set)
    }

    /// `ids` and everything below them over `edge_type` (sub-sectors, subsidiaries).
    pub fn with_descendants(&self, ids: &[Id], edge_type: EdgeType) -> ApiResult<Vec<Id>> {
        let mut seen: IdSet = ids.iter().cloned().collect();
        let mut frontier: Vec<Id> = ids.to_vec();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for id in &frontier {
                for child in self.store.neighbour_ids(id, edge_type, Direction::In)? {
                    if seen.insert(child.clone()) {
                        next.push(child);
                    }
                }
            }
            frontier = next;
        }
        Ok(seen.into_iter().collect())
    }

    fn existing(&self, ids: Vec<Id>, what: &str) -> ApiResult<Vec<Id>> {
        let found = self.store.nodes(&ids)?;
        for (id, node) in ids.iter().zip(&found) {
            if node.is_none() {
                return Err(ApiError::BadUserInput(format!("no {what} `{id}`")));
            }
        }
        Ok(ids)
    }

    fn sectors(&self, ids: &[ID]) -> ApiResult<Vec<Id>> {
        let ids = self.existing(self.ids(Kind::Sector, ids)?, "sector")?;
        self.with_descendants(&ids, EdgeType::SubsectorOf)
    }

    fn enterprise_groups(&self, ids: &[ID]) -> ApiResult<Vec<Id>> {
        let ids = self.existing(self.ids(Kind::Enterprise, ids)?, "enterprise")?;
        self.with_descendants(&ids, EdgeType::SubsidiaryOf)
    }
}

/// Parses a client-supplied ID, naming what was wrong.
pub fn parse_id(raw: &str, kind: Option<Kind>) -> ApiResult<Id> {
    let id = Id::parse(raw).map_err(|e| ApiError::BadUserInput(e.to_string()))?;
    match kind {
        Some(k) if id.kind() != k => Err(ApiError::BadUserInput(format!(
            "`{id}` is a {} ID where a {k} ID is expected",
            id.kind()
        ))),
        _ => Ok(id),
    }
}

/// Finds a country by alpha-2 or alpha-3 code in any case, or by `country:` ID. A well-formed
/// code that names no country is `None`; anything else is the client's mistake.
pub fn resolve_country(store: &Store, code: &str) -> ApiResult<Option<Id>> {
    let code = code.trim();
    let bare = code
        .strip_prefix("country:")
        .unwrap_or(code)
        .to_ascii_uppercase();
    if !matches!(bare.len(), 2 | 3) || !bare.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::BadUserInput(format!(
            "`{code}` is not a country code: use ISO alpha-2 or alpha-3 (KH, KHM) or a `country:` ID"
        )));
    }
    if bare.len() == 2 && bare.bytes().all(|b| b.is_ascii_uppercase()) {
        let id =
            Id::new(Kind::Country, &bare).map_err(|e| ApiError::BadUserInput(e.to_string()))?;
        return Ok(store.node(&id)?.map(|n| n.id.clone()));
    }
    if bare.len() == 3 {
        for node in store.scan_kind(Kind::Country, None) {
            let node = node?;
            if let NodeAttrs::Country(c) = &node.attrs {
                if c.alpha3 == bare {
                    return Ok(Some(node.id));
                }
            }
        }
    }
    Ok(None)
}

fn statuses(list: &[ProjectStatus]) -> Vec<model::Status> {
    list.iter().map(|s| (*s).into()).collect()
}

impl BoolFilter for ProjectFilter {
    const KIND: Kind = Kind::Project;

    fn parts(&self) -> (Option<&Vec<Self>>, Option<&Vec<Self>>, Option<&Self>) {
        (self.and.as_ref(), self.or.as_ref(), self.not.as_deref())
    }

    fn conditions<'f>(&'f self, ev: &Evaluator<'_>) -> ApiResult<Conditions<'f>> {
        let mut c = Conditions::default();
        if let Some(text) = &self.text {
            c.sets.push(ev.text(Some(Kind::Project), text)?);
        }
        if let Some(ids) = &self.ids {
            c.sets
                .push(ev.ids(Kind::Project, ids)?.into_iter().collect());
        }
        if let Some(codes) = &self.host_country {
            c.sets
                .push(ev.linked_to(&ev.countries(codes)?, EdgeType::LocatedIn, Direction::In)?);
        }
        if let Some(sectors) = &self.sector {
            c.sets
                .push(ev.linked_to(&ev.sectors(sectors)?, EdgeType::InSector, Direction::In)?);
        }
        let roles: Option<Vec<model::Role>> = self
            .role
            .as_ref()
            .map(|r| r.iter().map(|&r| r.into()).collect());
        if let Some(enterprises) = &self.enterprise {
            let mut set = IdSet::new();
            for enterprise in ev.enterprise_groups(enterprises)? {
                for edge in ev.store.edges(
                    &enterprise,
                    Some(&[EdgeType::ParticipatesIn]),
                    Direction::Out,
                )? {
                    if roles
                        .as_ref()
                        .is_none_or(|r| edge.props.roles.iter().any(|x| r.contains(x)))
                    {
                        set.insert(edge.other);
                    }
                }
            }
            c.sets.push(set);
        } else if let Some(roles) = roles {
            c.predicates.push(Box::new(move |ev, node| {
                let edges =
                    ev.store
                        .edges(&node.id, Some(&[EdgeType::ParticipatesIn]), Direction::In)?;
                Ok(edges
                    .iter()
                    .any(|e| e.props.roles.iter().any(|x| roles.contains(x))))
            }));
        }
        if let Some(list) = &self.status {
            c.sets.push(
                ev.store
                    .ids_with_status(Kind::Project, &statuses(list))?
                    .into_iter()
                    .collect(),
            );
        }
        if let Some(range) = self.start_year {
            let (lo, hi) = (range.min.unwrap_or(i32::MIN), range.max.unwrap_or(i32::MAX));
            c.sets.push(
                ev.store
                    .ids_in_years(Kind::Project, lo, hi)?
                    .into_iter()
                    .collect(),
            );
        }
        if let Some(range) = self.completion_year {
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Project(p) if range.contains(p.completion_year)))
            }));
        }
        if let Some(range) = self.value_usd {
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Project(p) if range.contains(p.value_usd())))
            }));
        }
        if let Some(zones) = &self.zone {
            c.sets.push(ev.linked_to(
                &ev.ids(Kind::Zone, zones)?,
                EdgeType::InZone,
                Direction::In,
            )?);
        }
        if let Some(frameworks) = &self.framework {
            c.sets.push(ev.linked_to(
                &ev.ids(Kind::Framework, frameworks)?,
                EdgeType::AlignedWith,
                Direction::In,
            )?);
        }
        Ok(c)
    }
}

impl BoolFilter for EnterpriseFilter {
    const KIND: Kind = Kind::Enterprise;

    fn parts(&self) -> (Option<&Vec<Self>>, Option<&Vec<Self>>, Option<&Self>) {
        (self.and.as_ref(), self.or.as_ref(), self.not.as_deref())
    }

    fn conditions<'f>(&'f self, ev: &Evaluator<'_>) -> ApiResult<Conditions<'f>> {
        let mut c = Conditions::default();
        if let Some(text) = &self.text {
            c.sets.push(ev.text(Some(Kind::Enterprise), text)?);
        }
        if let Some(ids) = &self.ids {
            c.sets
                .push(ev.ids(Kind::Enterprise, ids)?.into_iter().collect());
        }
        if let Some(list) = &self.ownership {
            let wanted: Vec<model::Ownership> = list.iter().map(|&o| o.into()).collect();
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Enterprise(e) if e.ownership.is_some_and(|o| wanted.contains(&o))))
            }));
        }
        if let Some(codes) = &self.headquarters {
            c.sets.push(ev.linked_to(
                &ev.countries(codes)?,
                EdgeType::HeadquarteredIn,
                Direction::In,
            )?);
        }
        if let Some(sectors) = &self.sector {
            c.sets
                .push(ev.linked_to(&ev.sectors(sectors)?, EdgeType::InSector, Direction::In)?);
        }
        if let Some(groups) = &self.group {
            c.sets
                .push(ev.enterprise_groups(groups)?.into_iter().collect());
        }
        if let Some(codes) = &self.active_in {
            let places = ev.linked_to(&ev.countries(codes)?, EdgeType::LocatedIn, Direction::In)?;
            let places: Vec<Id> = places.into_iter().collect();
            let mut set = ev.linked_to(&places, EdgeType::ParticipatesIn, Direction::In)?;
            set.extend(ev.linked_to(&places, EdgeType::Develops, Direction::In)?);
            c.sets.push(set);
        }
        Ok(c)
    }
}

impl BoolFilter for ZoneFilter {
    const KIND: Kind = Kind::Zone;

    fn parts(&self) -> (Option<&Vec<Self>>, Option<&Vec<Self>>, Option<&Self>) {
        (self.and.as_ref(), self.or.as_ref(), self.not.as_deref())
    }

    fn conditions<'f>(&'f self, ev: &Evaluator<'_>) -> ApiResult<Conditions<'f>> {
        let mut c = Conditions::default();
        if let Some(text) = &self.text {
            c.sets.push(ev.text(Some(Kind::Zone), text)?);
        }
        if let Some(ids) = &self.ids {
            c.sets.push(ev.ids(Kind::Zone, ids)?.into_iter().collect());
        }
        if let Some(codes) = &self.host_country {
            c.sets
                .push(ev.linked_to(&ev.countries(codes)?, EdgeType::LocatedIn, Direction::In)?);
        }
        if let Some(list) = &self.status {
            c.sets.push(
                ev.store
                    .ids_with_status(Kind::Zone, &statuses(list))?
                    .into_iter()
                    .collect(),
            );
        }
        if let Some(sectors) = &self.sector {
            c.sets
                .push(ev.linked_to(&ev.sectors(sectors)?, EdgeType::InSector, Direction::In)?);
        }
        if let Some(developers) = &self.developer {
            c.sets.push(ev.linked_to(
                &ev.enterprise_groups(developers)?,
                EdgeType::Develops,
                Direction::Out,
            )?);
        }
        if let Some(range) = self.established {
            let (lo, hi) = (range.min.unwrap_or(i32::MIN), range.max.unwrap_or(i32::MAX));
            c.sets.push(
                ev.store
                    .ids_in_years(Kind::Zone, lo, hi)?
                    .into_iter()
                    .collect(),
            );
        }
        if let Some(wanted) = self.national_level {
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Zone(z) if z.national_level.unwrap_or(false) == wanted))
            }));
        }
        Ok(c)
    }
}

/// The tier a sector belongs to: the root of its `SUBSECTOR_OF` chain.
pub fn tier_of(store: &Store, sector: &Id) -> ApiResult<Option<SectorTier>> {
    let mut current = sector.clone();
    for _ in 0..16 {
        match store
            .neighbour_ids(&current, EdgeType::SubsectorOf, Direction::Out)?
            .into_iter()
            .next()
        {
            Some(parent) => current = parent,
            None => break,
        }
    }
    Ok(SectorTier::from_root(&current))
}
