//! Ordering projects: the `orderBy` input and the sort it asks for.

use super::*;

/// Sorting projects: `orderBy` entries in turn, then ID.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct ProjectOrder {
    /// What to sort by.
    pub field: ProjectOrderField,
    /// Which way; missing values always sort last.
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub(super) fn project_attrs(e: &Entity) -> ApiResult<Option<&model::ProjectAttrs>> {
    Ok(project_of(e.node()?))
}

fn project_of(node: &model::Node) -> Option<&model::ProjectAttrs> {
    match &node.attrs {
        NodeAttrs::Project(p) => Some(p),
        _ => None,
    }
}

/// Compares two optional values with missing ones last whichever the direction.
pub(super) fn by_key<T: PartialOrd>(
    a: Option<T>,
    b: Option<T>,
    direction: OrderDirection,
) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => {
            let o = a.partial_cmp(&b).unwrap_or(Ordering::Equal);
            if direction == OrderDirection::Desc {
                o.reverse()
            } else {
                o
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Puts projects in the order `orderBy` asks for; ID order when it is empty. Reads their
/// records, all at once, unless the order is by ID alone.
pub fn sort_projects(rows: Vec<Entity>, order: &[ProjectOrder]) -> ApiResult<Vec<Entity>> {
    if order.iter().all(|o| o.field == ProjectOrderField::Id) {
        let mut rows = rows;
        rows.sort_by(|a, b| by_id(a, b, order));
        return Ok(rows);
    }
    let mut keyed = rows
        .into_iter()
        .map(|e| Ok((Arc::clone(e.node()?), e)))
        .collect::<ApiResult<Vec<_>>>()?;
    keyed.sort_by(|(a_node, a), (b_node, b)| {
        for o in order {
            let (pa, pb) = (project_of(a_node), project_of(b_node));
            let c = match o.field {
                ProjectOrderField::Name => by_key(
                    Some(text::fold(&a_node.name)),
                    Some(text::fold(&b_node.name)),
                    o.direction,
                ),
                ProjectOrderField::StartYear => by_key(
                    pa.and_then(|p| p.start_year),
                    pb.and_then(|p| p.start_year),
                    o.direction,
                ),
                ProjectOrderField::CompletionYear => by_key(
                    pa.and_then(|p| p.completion_year),
                    pb.and_then(|p| p.completion_year),
                    o.direction,
                ),
                ProjectOrderField::ValueUsd => by_key(
                    pa.and_then(|p| p.value_usd()),
                    pb.and_then(|p| p.value_usd()),
                    o.direction,
                ),
                ProjectOrderField::Id => by_key(Some(a.id()), Some(b.id()), o.direction),
            };
            if c != Ordering::Equal {
                return c;
            }
        }
        a.id().cmp(b.id())
    });
    Ok(keyed.into_iter().map(|(_, e)| e).collect())
}

/// The order of `orderBy` entries that are all by ID.
fn by_id(a: &Entity, b: &Entity, order: &[ProjectOrder]) -> Ordering {
    order
        .iter()
        .map(|o| by_key(Some(a.id()), Some(b.id()), o.direction))
        .find(|c| *c != Ordering::Equal)
        .unwrap_or_else(|| a.id().cmp(b.id()))
}

/// Narrows linked projects by a filter (evaluated once per batch of siblings) and orders them.
pub fn filter_and_sort(
    ctx: &Context<'_>,
    mut rows: Vec<Entity>,
    filter: Option<&ProjectFilter>,
    order: Option<&[ProjectOrder]>,
) -> ApiResult<Vec<Entity>> {
    if let Some(filter) = filter {
        let keep = Evaluator::new(store(ctx)).projects(filter)?;
        rows.retain(|e| keep.contains(e.id()));
    }
    sort_projects(rows, order.unwrap_or(&[]))
}
