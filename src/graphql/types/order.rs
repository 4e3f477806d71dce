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

pub(super) fn project_attrs(e: &Entity) -> Option<&model::ProjectAttrs> {
    match &e.node.attrs {
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

/// Puts projects in the order `orderBy` asks for; ID order when it is empty.
pub fn sort_projects(rows: &mut [Entity], order: &[ProjectOrder]) {
    rows.sort_by(|a, b| {
        for o in order {
            let (pa, pb) = (project_attrs(a), project_attrs(b));
            let c = match o.field {
                ProjectOrderField::Name => by_key(
                    Some(text::fold(&a.node.name)),
                    Some(text::fold(&b.node.name)),
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
    sort_projects(&mut rows, order.unwrap_or(&[]));
    Ok(rows)
}
