//! Relay cursor pagination: page arguments, opaque cursors, and slicing an ordered list.

use async_graphql::{Context, Object};
use base64::Engine;

use super::error::{ApiError, ApiResult};
use crate::model::Id;

/// Largest `first` or `last` a request may ask for, unless the server's limits say otherwise.
pub const MAX_PAGE: i32 = 500;
/// The largest page a cost estimate multiplies by; bigger requests fail the page-size check.
const COST_PAGE_CAP: i32 = 10_000;
/// Page size when a request gives neither `first` nor `last`.
pub const DEFAULT_PAGE: i32 = 50;

/// Declares an `#[Object]` impl whose paged resolvers name their Relay arguments after the
/// parameter list, `[first, after]` or `[first, after, last, before]`; this macro adds them with
/// their types and descriptions, as the last arguments, so each is written once. A list of
/// projects that can be filtered and ordered names those two arguments after a `;`
/// (`[first, after, last, before; filter, order_by]`), and gets them, described, just before the
/// Relay ones.
///
/// The descriptions are literals because async-graphql takes nothing else in `desc` (not even a
/// `const`: its attribute parser reads a string literal); the test
/// `page_argument_descriptions_name_the_page_size_limit` keeps them true to [`MAX_PAGE`].
/// The first two tokens are the `#[Object]` attribute, passed in from the call site so that
/// the arguments a `complexity` expression names resolve in the caller's hygiene.
macro_rules! paged_object {
    (
        $pound:tt $object:tt
        $(#[$impl_attr:meta])*
        impl $type:ident {
            $(
                $(#[$attr:meta])*
                $vis:vis async fn $name:ident ( $($params:tt)* )
                $([
                    $first:ident, $after:ident $(, $last:ident, $before:ident)?
                    $(; $filter:ident, $order_by:ident)?
                ])?
                -> $ret:ty $body:block
            )*
        }
    ) => {
        $pound $object
        $(#[$impl_attr])*
        impl $type {
            $(
                $(#[$attr])*
                $vis async fn $name(
                    $($params)*
                    $(
                        $(
                            ,
                            #[graphql(desc = "Keep only the projects this filter matches.")]
                            $filter: Option<$crate::graphql::filter::ProjectFilter>,
                            #[graphql(desc = "Sort order: entries apply in turn, ties broken by ID; ID order when \
                                              absent.")]
                            $order_by: Option<Vec<$crate::graphql::types::ProjectOrder>>
                        )?
                        ,
                        #[graphql(desc = "Return at most this many rows from the start (at most the page size \
                                          limit, 500 by default; 50 when neither `first` nor `last` is given).")]
                        $first: Option<i32>,
                        #[graphql(desc = "Start after the row with this cursor (an `endCursor` from a previous \
                                          page).")]
                        $after: Option<String>
                        $(
                            ,
                            #[graphql(desc = "Return at most this many rows from the end (at most the page size \
                                              limit, 500 by default).")]
                            $last: Option<i32>,
                            #[graphql(desc = "Stop before the row with this cursor (a `startCursor` from a \
                                              previous page).")]
                            $before: Option<String>
                        )?
                    )?
                ) -> $ret $body
            )*
        }
    };
}
pub(crate) use paged_object;

/// The arguments a field's cost is computed from: the page sizes [`page_cost`] reads and the
/// `ids` of `nodes`. A document that takes none of them from a variable costs the same whatever
/// its variables, which is what lets it run on the fast path (`super::fast`).
pub const COST_ARGUMENTS: [&str; 3] = ["first", "last", "ids"];

/// Complexity of a connection field: its children cost once per row asked for, so nested pages
/// multiply (`first: 500` under `first: 500` costs 250,000).
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let rows = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE)
        .clamp(1, COST_PAGE_CAP);
    usize::try_from(rows)
        .unwrap_or(1)
        .saturating_mul(child_complexity.max(1))
        .saturating_add(1)
}

/// The four Relay arguments, as given, and the largest page the server allows.
#[derive(Debug, Clone, Copy)]
pub struct PageArgs<'a> {
    pub first: Option<i32>,
    pub after: Option<&'a str>,
    pub last: Option<i32>,
    pub before: Option<&'a str>,
    pub max: i32,
}

impl Default for PageArgs<'_> {
    fn default() -> Self {
        PageArgs {
            first: None,
            after: None,
            last: None,
            before: None,
            max: MAX_PAGE,
        }
    }
}

impl<'a> PageArgs<'a> {
    pub fn new(
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<&'a String>,
        last: Option<i32>,
        before: Option<&'a String>,
    ) -> Self {
        PageArgs {
            first,
            after: after.map(String::as_str),
            last,
            before: before.map(String::as_str),
            max: max_page(ctx),
        }
    }

    pub fn forward(ctx: &Context<'_>, first: Option<i32>, after: Option<&'a String>) -> Self {
        PageArgs::new(ctx, first, after, None, None)
    }

    pub fn check_size(&self, name: &str, value: Option<i32>) -> ApiResult<()> {
        match value {
            Some(n) if n < 0 => Err(ApiError::BadUserInput(format!(
                "`{name}` must not be negative (got {n})"
            ))),
            Some(n) if n > self.max => Err(ApiError::LimitExceeded(format!(
                "`{name}` is {n}, over the page size limit of {}",
                self.max
            ))),
            _ => Ok(()),
        }
    }
}

/// Where a page stands in its list. It keeps the IDs of the first and last rows, not their
/// cursors, which are made only when a client asks for them: most never do.
#[derive(Debug, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start: Option<Id>,
    pub end: Option<Id>,
}

impl PageInfo {
    /// The page info of `rows`, which are in the list's order.
    pub fn of<T>(rows: &[(Id, T)], has_previous_page: bool, has_next_page: bool) -> PageInfo {
        PageInfo {
            has_next_page,
            has_previous_page,
            start: rows.first().map(|(id, _)| id.clone()),
            end: rows.last().map(|(id, _)| id.clone()),
        }
    }
}

/// Whether the connection has pages before and after this one.
#[Object(serial)]
impl PageInfo {
    /// True when rows come after this page (request them with `after: endCursor`).
    async fn has_next_page(&self) -> bool {
        self.has_next_page
    }
    /// True when rows come before this page (request them with `before: startCursor`).
    async fn has_previous_page(&self) -> bool {
        self.has_previous_page
    }
    /// Cursor of the first row on this page; null when the page is empty.
    async fn start_cursor(&self) -> Option<String> {
        self.start.as_ref().map(cursor)
    }
    /// Cursor of the last row on this page; null when the page is empty.
    async fn end_cursor(&self) -> Option<String> {
        self.end.as_ref().map(cursor)
    }
}

/// The server's page size limit, from the schema's data (the default when none is set).
pub fn max_page(ctx: &Context<'_>) -> i32 {
    ctx.data_opt::<super::Limits>()
        .map_or(MAX_PAGE, |l| i32::try_from(l.max_page).unwrap_or(i32::MAX))
}

const CURSOR_PREFIX: &str = "c1:";

/// [`CURSOR_PREFIX`] in base64. The prefix is three bytes, a whole base64 group, so a cursor is
/// this followed by the ID's own base64: one allocation per row, where formatting the prefix
/// and ID together and then encoding them was 6% of a page of 50 projects.
const ENCODED_PREFIX: &str = "YzE6";

/// The opaque cursor of a row: stable for the same dataset and the same list.
pub fn cursor(id: &Id) -> String {
    let id = id.as_str();
    let mut cursor = String::with_capacity(ENCODED_PREFIX.len() + id.len().div_ceil(3) * 4);
    cursor.push_str(ENCODED_PREFIX);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_string(id, &mut cursor);
    cursor
}

pub fn decode_cursor(name: &str, cursor: &str) -> ApiResult<Id> {
    let bad = || {
        ApiError::BadUserInput(format!(
            "`{name}` is not a cursor from this API: `{cursor}`"
        ))
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let id = text.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
    Id::parse(id).map_err(|_| bad())
}

/// One page cut from an ordered list: each row with the ID its cursor is made from, when a
/// client asks for it.
#[derive(Clone)]
pub struct Page<T> {
    pub rows: Vec<(Id, T)>,
    pub info: PageInfo,
    pub total: usize,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        let mut f = f;
        Page {
            rows: self.rows.into_iter().map(|(c, t)| (c, f(t))).collect(),
            info: self.info,
            total: self.total,
        }
    }

    /// [`Page::map`] for a page that others share: `f` sees each row by reference.
    pub fn map_ref<U>(&self, mut f: impl FnMut(&T) -> U) -> Page<U> {
        Page {
            rows: self.rows.iter().map(|(c, t)| (c.clone(), f(t))).collect(),
            info: self.info.clone(),
            total: self.total,
        }
    }
}

/// Cuts the page that `args` asks for out of `items`, which must be in the list's final order.
pub fn paginate<T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> &Id,
    args: PageArgs<'_>,
) -> ApiResult<Page<T>> {
    args.check_size("first", args.first)?;
    args.check_size("last", args.last)?;
    let total = items.len();
    let position = |name: &str, cursor: &str| -> ApiResult<usize> {
        let id = decode_cursor(name, cursor)?;
        items.iter().position(|item| *id_of(item) == id).ok_or_else(|| {
            ApiError::BadUserInput(format!(
                "`{name}` names a row that is not in this list (was the filter or ordering changed?)"
            ))
        })
    };
    let mut start = 0;
    let mut end = total;
    if let Some(after) = args.after {
        start = position("after", after)? + 1;
    }
    if let Some(before) = args.before {
        end = position("before", before)?;
    }
    end = end.max(start);
    let count = |n: i32| usize::try_from(n).unwrap_or(0);
    // Relay's order: cut by the cursors, then keep the first `first`, then the last `last`.
    if let Some(first) = args.first {
        end = end.min(start + count(first));
    }
    if let Some(last) = args.last {
        start = start.max(end.saturating_sub(count(last)));
    }
    if args.first.is_none() && args.last.is_none() {
        end = end.min(start + count(DEFAULT_PAGE));
    }
    let has_previous_page = start > 0;
    let has_next_page = end < total;
    let rows: Vec<(Id, T)> = items
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(|item| (id_of(&item).clone(), item))
        .collect();
    let info = PageInfo::of(&rows, has_previous_page, has_next_page);
    Ok(Page { rows, info, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_the_prefix_and_the_id_encoded_together() {
        for id in [
            "country:KH",
            "project:a",
            "project:ab",
            "project:suramadu-bridge",
        ] {
            let together = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(format!("{CURSOR_PREFIX}{id}"));
            let id = Id::parse(id).unwrap();
            assert_eq!(cursor(&id), together);
            assert_eq!(decode_cursor("after", &cursor(&id)).unwrap(), id);
        }
    }

    fn ids(n: usize) -> Vec<Id> {
        (0..n)
            .map(|i| Id::parse(&format!("project:p{i:03}")).unwrap())
            .collect()
    }

    fn slugs(page: &Page<Id>) -> Vec<&str> {
        page.rows.iter().map(|(_, id)| id.slug()).collect()
    }

    /// The lines of `sdl` that state the page size limit, and those of them that state another
    /// default than `max`.
    fn limit_statements(sdl: &str, max: i32) -> (Vec<&str>, Vec<&str>) {
        let all: Vec<&str> = sdl
            .lines()
            .filter(|l| l.contains("page size limit"))
            .collect();
        let true_ones = [
            format!("limit, {max} by default"),
            format!("limit ({max} by default)"),
        ];
        let stale = all
            .iter()
            .copied()
            .filter(|l| !true_ones.iter().any(|t| l.contains(t.as_str())))
            .collect();
        (all, stale)
    }

    #[test]
    fn page_argument_descriptions_name_the_page_size_limit() {
        let sdl = crate::graphql::sdl();
        let (all, stale) = limit_statements(&sdl, MAX_PAGE);
        // `first` and `last` of every connection field, and `nodes(ids:)`.
        assert!(all.len() > 20, "too few page size statements: {all:#?}");
        assert!(
            stale.is_empty(),
            "these descriptions do not give MAX_PAGE ({MAX_PAGE}); update `paged_object!`: {stale:#?}"
        );
    }

    #[test]
    fn the_page_size_statement_check_finds_another_limit() {
        let sdl = "\"at most the page size limit, 500 by default\"\n\"at most the page size limit (400 by default)\"";
        let (all, stale) = limit_statements(sdl, 500);
        assert_eq!(all.len(), 2);
        assert_eq!(stale, ["\"at most the page size limit (400 by default)\""]);
    }

    #[test]
    fn forward_paging_visits_every_row_once() {
        let all = ids(7);
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = paginate(
                all.clone(),
                |id| id,
                PageArgs {
                    first: Some(3),
                    after: after.as_deref(),
                    ..PageArgs::default()
                },
            )
            .unwrap();
            seen.extend(page.rows.iter().map(|(_, id)| id.clone()));
            assert_eq!(page.total, 7);
            if !page.info.has_next_page {
                break;
            }
            after = page.info.end.as_ref().map(cursor);
        }
        assert_eq!(seen, all);
    }

    #[test]
    fn backward_paging_takes_the_rows_before_the_cursor() {
        let all = ids(5);
        let before = cursor(&all[4]);
        let page = paginate(
            all.clone(),
            |id| id,
            PageArgs {
                last: Some(2),
                before: Some(&before),
                ..PageArgs::default()
            },
        )
        .unwrap();
        assert_eq!(slugs(&page), ["p002", "p003"]);
        assert!(page.info.has_previous_page && page.info.has_next_page);
    }

    #[test]
    fn rejects_bad_cursors_and_sizes() {
        let all = ids(3);
        let r = paginate(
            all.clone(),
            |id| id,
            PageArgs {
                after: Some("nonsense"),
                ..PageArgs::default()
            },
        );
        assert!(matches!(r, Err(ApiError::BadUserInput(_))));
        let r = paginate(
            all.clone(),
            |id| id,
            PageArgs {
                first: Some(501),
                ..PageArgs::default()
            },
        );
        assert!(matches!(r, Err(ApiError::LimitExceeded(m)) if m.contains("500")));
        let r = paginate(
            all,
            |id| id,
            PageArgs {
                first: Some(-1),
                ..PageArgs::default()
            },
        );
        assert!(matches!(r, Err(ApiError::BadUserInput(_))));
    }
}
