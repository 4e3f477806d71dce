//! The project list's planner: a filtered, ordered page is answered by walking the store's
//! ordered index in the page's order and testing the filter's facets on the way, until the page
//! is full, when the shape allows it (one sort field; filters on status, years and value only;
//! paging forward). Any other shape returns `None` and the caller evaluates ID sets and sorts,
//! logging what that cost.

use super::connection::{decode_cursor, Page, PageArgs, PageInfo, DEFAULT_PAGE};
use super::entity::{Batch, Entity};
use super::enums::{OrderDirection, ProjectOrderField};
use super::error::{ApiError, ApiResult};
use super::filter::{FloatRange, IntRange, ProjectFilter};
use super::types::ProjectOrder;
use crate::model::{Id, Kind, Status};
use crate::store::ordered::{After, Facets, SortField};
use crate::store::Store;
use std::sync::Arc;

/// The tests of a filter that uses facets only.
struct FacetTest {
    statuses: Option<Vec<Status>>,
    start_year: Option<IntRange>,
    completion_year: Option<IntRange>,
    value_usd: Option<FloatRange>,
}

impl FacetTest {
    /// `None` when the filter tests anything a facet does not hold.
    fn of(filter: Option<&ProjectFilter>) -> Option<FacetTest> {
        let Some(f) = filter else {
            return Some(FacetTest {
                statuses: None,
                start_year: None,
                completion_year: None,
                value_usd: None,
            });
        };
        let facet_only = f.text.is_none()
            && f.ids.is_none()
            && f.host_country.is_none()
            && f.sector.is_none()
            && f.enterprise.is_none()
            && f.role.is_none()
            && f.zone.is_none()
            && f.framework.is_none()
            && f.and.is_none()
            && f.or.is_none()
            && f.not.is_none();
        facet_only.then(|| FacetTest {
            statuses: f
                .status
                .as_ref()
                .map(|list| list.iter().map(|&s| s.into()).collect()),
            start_year: f.start_year,
            completion_year: f.completion_year,
            value_usd: f.value_usd,
        })
    }

    fn matches(&self, facets: &Facets) -> bool {
        self.statuses
            .as_ref()
            .is_none_or(|s| s.contains(&facets.status))
            && self
                .start_year
                .is_none_or(|r| r.contains(facets.start_year))
            && self
                .completion_year
                .is_none_or(|r| r.contains(facets.completion_year))
            && self.value_usd.is_none_or(|r| r.contains(facets.value_usd))
    }
}

/// A page of `Query.projects` read through the ordered index, or `None` when this shape has
/// no index plan.
pub fn indexed_projects(
    store: &Arc<Store>,
    filter: Option<&ProjectFilter>,
    order: &[ProjectOrder],
    args: PageArgs<'_>,
) -> ApiResult<Option<Page<Entity>>> {
    let [order] = order else {
        return Ok(None);
    };
    let field = match order.field {
        ProjectOrderField::ValueUsd => SortField::ValueUsd,
        ProjectOrderField::StartYear => SortField::StartYear,
        ProjectOrderField::CompletionYear => SortField::CompletionYear,
        ProjectOrderField::Name => SortField::Name,
        ProjectOrderField::Id => return Ok(None),
    };
    let Some(test) = FacetTest::of(filter) else {
        return Ok(None);
    };
    if args.last.is_some() || args.before.is_some() {
        return Ok(None);
    }
    args.check_size("first", args.first)?;
    let size = usize::try_from(args.first.unwrap_or(DEFAULT_PAGE)).unwrap_or(0);
    let not_in_list = || {
        ApiError::BadUserInput(
            "`after` names a row that is not in this list (was the filter or ordering changed?)"
                .into(),
        )
    };
    let after_node = match args.after {
        Some(c) => {
            let id = decode_cursor("after", c)?;
            let node = store.node(&id)?.ok_or_else(not_in_list)?;
            let facets = Facets::of(&node).ok_or_else(not_in_list)?;
            if !test.matches(&facets) {
                return Err(not_in_list());
            }
            Some(node)
        }
        None => None,
    };
    let descending = order.direction == OrderDirection::Desc;
    // One status: walk its own entries, so the walk skips no project of another status.
    let partition = match test.statuses.as_deref() {
        Some([status]) => Some(*status),
        _ => None,
    };
    let mut projects = store.walk_projects(
        field,
        partition,
        descending,
        after_node.as_ref().map(|node| After { node }),
        &|facets| test.matches(facets),
        size.saturating_add(1),
    )?;
    let has_next_page = projects.len() > size;
    projects.truncate(size);
    let total = count(store, &test)?;
    // The walk found them in the index, so they exist: their records wait for a field that
    // needs one, and their summaries need no lookup by ID.
    let entities = Batch::unread_projects(store, projects);
    let rows: Vec<(Id, Entity)> = entities.into_iter().map(|e| (e.id().clone(), e)).collect();
    let info = PageInfo::of(&rows, after_node.is_some(), has_next_page);
    Ok(Some(Page { rows, info, total }))
}

/// How many projects the filter keeps: from the status-and-start-year counts when those are
/// all it tests, else by testing every project's facets (logged, since it grows with the store).
fn count(store: &Store, test: &FacetTest) -> ApiResult<usize> {
    if test.completion_year.is_none() && test.value_usd.is_none() {
        let years = test
            .start_year
            .map(|r| (r.min.unwrap_or(i32::MIN), r.max.unwrap_or(i32::MAX)));
        let total = store.count_projects(test.statuses.as_deref(), years)?;
        return Ok(usize::try_from(total).unwrap_or(usize::MAX));
    }
    let before = store.index_entries_read();
    let total = store.count_projects_where(&|facets| test.matches(facets))?;
    tracing::debug!(
        entries = store.index_entries_read() - before,
        "counted a project filter by testing every project's facets"
    );
    Ok(usize::try_from(total).unwrap_or(usize::MAX))
}

/// Logs what a list answered without an index plan read, so that its cost is visible.
pub fn log_fallback(kind: Kind, ids_considered: usize) {
    tracing::debug!(
        kind = %kind,
        entries = ids_considered,
        "no index plan for this list: evaluated ID sets and sorted"
    );
}
