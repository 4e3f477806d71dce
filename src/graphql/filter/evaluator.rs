//! Evaluating a filter to the set of IDs it keeps: the `and`, `or` and `not` every filter
//! shares, then each filter's own conditions as ID sets (from indexes) and predicates (on nodes
//! read only for them); also parsing the IDs, country codes and sectors that filters name.

use std::collections::BTreeSet;

use async_graphql::ID;

use super::inputs::{EnterpriseFilter, IntRange, ProjectFilter, ZoneFilter};
use crate::graphql::enums::{ProjectStatus, SectorTier};
use crate::graphql::error::{ApiError, ApiResult};
use crate::model::{self, Direction, EdgeType, Id, Kind, Node, NodeAttrs};
use crate::store::Store;
use crate::text::{self, Lookup};

pub type IdSet = BTreeSet<Id>;

/// A test on one node, for conditions no index answers.
pub(super) type Predicate<'f> = Box<dyn Fn(&Evaluator<'_>, &Node) -> ApiResult<bool> + 'f>;

/// What one filter object asks for, before `and`/`or`/`not`.
#[derive(Default)]
pub(super) struct Conditions<'f> {
    pub sets: Vec<IdSet>,
    pub predicates: Vec<Predicate<'f>>,
}

/// The shape shared by every filter input.
pub(super) trait BoolFilter: Sized {
    const KIND: Kind;
    /// The fields every filter has.
    fn shared(&self) -> Shared<'_, Self>;
    /// Adds what the filter's own fields ask for to `c`.
    fn conditions<'f>(&'f self, ev: &Evaluator<'_>, c: &mut Conditions<'f>) -> ApiResult<()>;
}

/// The fields every filter has: `text` and `ids`, evaluated before its own, and `and`, `or`
/// and `not`, after them.
pub(super) struct Shared<'a, F> {
    text: Option<&'a str>,
    ids: Option<&'a [ID]>,
    and: Option<&'a [F]>,
    or: Option<&'a [F]>,
    not: Option<&'a F>,
}

impl<'a, F> Shared<'a, F> {
    pub(super) fn of(
        text: &'a Option<String>,
        ids: &'a Option<Vec<ID>>,
        and: &'a Option<Vec<F>>,
        or: &'a Option<Vec<F>>,
        not: &'a Option<Box<F>>,
    ) -> Self {
        Shared {
            text: text.as_deref(),
            ids: ids.as_deref(),
            and: and.as_deref(),
            or: or.as_deref(),
            not: not.as_deref(),
        }
    }
}

/// Evaluates filters against one store.
pub struct Evaluator<'s> {
    pub(super) store: &'s Store,
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
        let Shared {
            text,
            ids,
            and,
            or,
            not,
        } = filter.shared();
        let mut conditions = Conditions::default();
        if let Some(text) = text {
            conditions.sets.push(self.text(Some(F::KIND), text)?);
        }
        if let Some(ids) = ids {
            conditions
                .sets
                .push(self.ids(F::KIND, ids)?.into_iter().collect());
        }
        filter.conditions(self, &mut conditions)?;
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
        codes
            .iter()
            .map(|code| {
                resolve_country(self.store, code)?.ok_or_else(|| {
                    ApiError::BadUserInput(format!(
                        "unknown country `{code}`: use an ISO alpha-2 or alpha-3 code, e.g. KH or KHM"
                    ))
                })
            })
            .collect()
    }

    /// Nodes with an edge of `edge_type` in `direction` to any of `targets`.
    pub(super) fn linked_to(
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

    /// Nodes located in any of the countries `codes` name: projects and zones by host country,
    /// and the places an enterprise is active in.
    pub(super) fn located_in(&self, codes: &[String]) -> ApiResult<IdSet> {
        self.linked_to(&self.countries(codes)?, EdgeType::LocatedIn, Direction::In)
    }

    /// Nodes in any of the sectors `ids` name or their sub-sectors.
    pub(super) fn in_sectors(&self, ids: &[ID]) -> ApiResult<IdSet> {
        self.linked_to(&self.sectors(ids)?, EdgeType::InSector, Direction::In)
    }

    /// `ids` and everything below them over `edge_type` (sub-sectors, subsidiaries), each once,
    /// in ID order.
    fn with_descendants(&self, ids: &[Id], edge_type: EdgeType) -> ApiResult<Vec<Id>> {
        let mut all: IdSet = ids.iter().cloned().collect();
        for id in ids {
            all.extend(self.store.descendants(id, edge_type)?);
        }
        Ok(all.into_iter().collect())
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

    /// Nodes of `kind` in any of these statuses, from the status index.
    pub(super) fn with_status(&self, kind: Kind, list: &[ProjectStatus]) -> ApiResult<IdSet> {
        let statuses: Vec<model::Status> = list.iter().map(|s| (*s).into()).collect();
        Ok(self
            .store
            .ids_with_status(kind, &statuses)?
            .into_iter()
            .collect())
    }

    /// Nodes of `kind` whose year (a project's start, a zone's establishment) is in `range`,
    /// from the year index.
    pub(super) fn in_years(&self, kind: Kind, range: IntRange) -> ApiResult<IdSet> {
        let (lo, hi) = (range.min.unwrap_or(i32::MIN), range.max.unwrap_or(i32::MAX));
        Ok(self.store.ids_in_years(kind, lo, hi)?.into_iter().collect())
    }

    pub(super) fn sectors(&self, ids: &[ID]) -> ApiResult<Vec<Id>> {
        let ids = self.existing(self.ids(Kind::Sector, ids)?, "sector")?;
        self.with_descendants(&ids, EdgeType::SubsectorOf)
    }

    pub(super) fn enterprise_groups(&self, ids: &[ID]) -> ApiResult<Vec<Id>> {
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

/// The tier a sector belongs to: the root of its `SUBSECTOR_OF` chain.
pub fn tier_of(store: &Store, sector: &Id) -> ApiResult<Option<SectorTier>> {
    let root = store.ancestors(sector, EdgeType::SubsectorOf)?.pop();
    Ok(SectorTier::from_root(root.as_ref().unwrap_or(sector)))
}
