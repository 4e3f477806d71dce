//! Projects in sorted order, for filtered and ordered lists that cost what their page costs.
//!
//! The `ordered` tree holds two entries per project and sort field, one among all projects and
//! one among those of its status, keyed so that key order is the API's order (values present
//! first, ascending; missing values last; ties by ID), and valued with the project's
//! [`Facets`], so that a walk can test status, years and value without reading the project. A
//! filter on one status walks that status's entries only. The `facet_counts` tree counts
//! projects per status and start year, so that a status and start-year filter is counted
//! without a walk.

use serde::{Deserialize, Serialize};

use super::{decode, Store, StoreError};
use crate::model::{Id, Node, NodeAttrs, Status};
use crate::text;

/// A project sort order that has an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    ValueUsd,
    StartYear,
    CompletionYear,
    Name,
}

impl SortField {
    pub const ALL: [SortField; 4] = [
        SortField::ValueUsd,
        SortField::StartYear,
        SortField::CompletionYear,
        SortField::Name,
    ];

    /// Pinned tag in the key: reordering the enum must not change stored bytes.
    fn tag(self) -> u8 {
        match self {
            SortField::ValueUsd => 1,
            SortField::StartYear => 2,
            SortField::CompletionYear => 3,
            SortField::Name => 4,
        }
    }
}

/// What a walk can test without reading a project.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub status: Status,
    pub start_year: Option<i32>,
    pub completion_year: Option<i32>,
    pub value_usd: Option<f64>,
}

impl Facets {
    /// A project's facets; `None` for any other kind of node.
    pub fn of(node: &Node) -> Option<Facets> {
        match &node.attrs {
            NodeAttrs::Project(p) => Some(Facets {
                status: p.status,
                start_year: p.start_year,
                completion_year: p.completion_year,
                value_usd: p.value_usd(),
            }),
            _ => None,
        }
    }
}

/// The bytes that order one project under one field: `None` when it has no value there.
fn sort_bytes(field: SortField, node: &Node, facets: &Facets) -> Option<Vec<u8>> {
    let year = |y: i32| ((y as u32) ^ 0x8000_0000).to_be_bytes().to_vec();
    match field {
        SortField::ValueUsd => facets.value_usd.map(|v| value_bytes(v).to_vec()),
        SortField::StartYear => facets.start_year.map(year),
        SortField::CompletionYear => facets.completion_year.map(year),
        SortField::Name => {
            // Folded names hold no NUL, so the separator sorts a name before its extensions.
            let mut bytes = text::fold(&node.name).into_bytes();
            bytes.push(0);
            Some(bytes)
        }
    }
}

/// IEEE 754 bits, flipped so that byte order is numeric order.
fn value_bytes(value: f64) -> [u8; 8] {
    let bits = value.to_bits();
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    ordered.to_be_bytes()
}

/// `ordered` key: `field partition present(0)|missing(1) [sort bytes] id`, where the
/// partition is 0 for all projects and 1 + the status tag for one status.
fn entry_key(field: SortField, status: Option<Status>, sort: Option<&[u8]>, id: &Id) -> Vec<u8> {
    let mut key = section(field, status, sort.is_some());
    if let Some(sort) = sort {
        key.extend_from_slice(sort);
    }
    key.extend_from_slice(id.as_str().as_bytes());
    key
}

fn section(field: SortField, status: Option<Status>, present: bool) -> Vec<u8> {
    let partition = status.map_or(0, |s| 1 + s.tag());
    vec![field.tag(), partition, u8::from(!present)]
}

/// One sled entry: key and value bytes.
type Entry = (Vec<u8>, Vec<u8>);

/// Every `ordered` entry of one project: `(key, encoded facets)`.
pub(super) fn entries(node: &Node) -> Result<Vec<Entry>, StoreError> {
    let Some(facets) = Facets::of(node) else {
        return Ok(Vec::new());
    };
    let value = super::encode(node.id.as_str().as_bytes(), &facets)?;
    let mut entries = Vec::with_capacity(2 * SortField::ALL.len());
    for field in SortField::ALL {
        let sort = sort_bytes(field, node, &facets);
        for partition in [None, Some(facets.status)] {
            let key = entry_key(field, partition, sort.as_deref(), &node.id);
            entries.push((key, value.clone()));
        }
    }
    Ok(entries)
}

/// `facet_counts` key of a project's status and start year (missing years sort last).
pub(super) fn count_key(facets: &Facets) -> Vec<u8> {
    let mut key = vec![facets.status.tag()];
    match facets.start_year {
        Some(y) => {
            key.push(0);
            key.extend_from_slice(&((y as u32) ^ 0x8000_0000).to_be_bytes());
        }
        None => key.push(1),
    }
    key
}

/// Where a walk starts: at the beginning, or just after a row of the list.
pub struct After<'a> {
    pub node: &'a Node,
}

impl Store {
    /// Visits projects in `field` order (descending when asked; ties and missing values as the
    /// API orders them), all of them or those of one `status`, starting after `after`, until
    /// `visit` returns false. Each visit is one index entry read; the count is kept for tests
    /// and logs.
    pub fn walk_projects(
        &self,
        field: SortField,
        status: Option<Status>,
        descending: bool,
        after: Option<After<'_>>,
        visit: &mut dyn FnMut(&Id, &Facets) -> bool,
    ) -> Result<(), StoreError> {
        self.count_read();
        let start = after.and_then(|a| {
            let facets = Facets::of(a.node)?;
            Some((sort_bytes(field, a.node, &facets), a.node.id.clone()))
        });
        let mut walk = Walk {
            store: self,
            status,
            visit,
            skip_through: start.as_ref().map(|(_, id)| id.clone()),
        };
        let present_from = start.as_ref().and_then(|(sort, _)| sort.clone());
        let starts_in_missing = start.as_ref().is_some_and(|(sort, _)| sort.is_none());
        if !starts_in_missing {
            let going = if descending {
                walk.present_descending(field, present_from.as_deref())?
            } else {
                walk.present_ascending(field, present_from.as_deref())?
            };
            if !going {
                return Ok(());
            }
        }
        walk.missing(field)?;
        Ok(())
    }

    /// How many projects have one of `statuses` (any when `None`) and a start year in `lo..=hi`
    /// (any, or none, when the range is `None`): one range read per status.
    pub fn count_projects(
        &self,
        statuses: Option<&[Status]>,
        years: Option<(i32, i32)>,
    ) -> Result<u64, StoreError> {
        self.count_read();
        let all = Status::ALL;
        let mut total = 0;
        for &status in statuses.unwrap_or(&all) {
            let tag = status.tag();
            let range = match years {
                Some((lo, hi)) if lo > hi => continue,
                Some((lo, hi)) => {
                    let key = |y: i32| {
                        let mut k = vec![tag, 0];
                        k.extend_from_slice(&((y as u32) ^ 0x8000_0000).to_be_bytes());
                        k
                    };
                    let end = match hi.checked_add(1) {
                        Some(next) => key(next),
                        None => vec![tag, 1],
                    };
                    self.facet_counts.range(key(lo)..end)
                }
                None => self.facet_counts.range(vec![tag]..vec![tag + 1]),
            };
            for entry in range {
                let (key, value) = entry?;
                let bytes: [u8; 8] = value
                    .as_ref()
                    .try_into()
                    .map_err(|_| self.corrupt_key(&key))?;
                total += u64::from_be_bytes(bytes);
            }
        }
        Ok(total)
    }

    /// Index entries that project walks have read so far; lets tests prove that a filtered,
    /// ordered page reads about its own size.
    pub fn index_entries_read(&self) -> u64 {
        self.index_entries
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

struct Walk<'s, 'v> {
    store: &'s Store,
    /// The partition walked: one status, or all projects.
    status: Option<Status>,
    visit: &'v mut dyn FnMut(&Id, &Facets) -> bool,
    /// The row the walk starts after: entries up to and including it are skipped.
    skip_through: Option<Id>,
}

impl Walk<'_, '_> {
    /// Offers one entry; false when the visitor has had enough.
    fn offer(&mut self, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        self.store
            .index_entries
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = id_of(key).ok_or_else(|| self.store.corrupt_key(key))?;
        if let Some(skip) = &self.skip_through {
            if *skip == id {
                self.skip_through = None;
            }
            return Ok(true);
        }
        let facets: Facets = decode(key, value)?;
        Ok((self.visit)(&id, &facets))
    }

    fn present_ascending(
        &mut self,
        field: SortField,
        from: Option<&[u8]>,
    ) -> Result<bool, StoreError> {
        let section = section(field, self.status, true);
        let mut start = section.clone();
        if let Some(from) = from {
            start.extend_from_slice(from);
        }
        for entry in self.store.ordered.range(start..) {
            let (key, value) = entry?;
            if !key.starts_with(&section) {
                break;
            }
            if !self.offer(&key, &value)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Values descending, each group of equal values in ascending ID order.
    fn present_descending(
        &mut self,
        field: SortField,
        from: Option<&[u8]>,
    ) -> Result<bool, StoreError> {
        let missing = section(field, self.status, false);
        let section = section(field, self.status, true);
        // Through the end of the starting value's group: every key that begins with it.
        let end = match from {
            Some(from) => {
                let mut end = section.clone();
                end.extend_from_slice(from);
                end.push(0xff);
                end
            }
            None => missing,
        };
        let width = sort_width(field);
        let mut group: Vec<(sled::IVec, sled::IVec)> = Vec::new();
        for entry in self.store.ordered.range(section.clone()..end).rev() {
            let (key, value) = entry?;
            let same = group.first().is_none_or(|(first, _)| {
                same_value(width, &first[section.len()..], &key[section.len()..])
            });
            if !same {
                for (key, value) in group.drain(..).rev() {
                    if !self.offer(&key, &value)? {
                        return Ok(false);
                    }
                }
            }
            group.push((key, value));
        }
        for (key, value) in group.drain(..).rev() {
            if !self.offer(&key, &value)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn missing(&mut self, field: SortField) -> Result<bool, StoreError> {
        let section = section(field, self.status, false);
        for entry in self.store.ordered.scan_prefix(&section) {
            let (key, value) = entry?;
            if !self.offer(&key, &value)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Bytes of a field's sort value; `None` for names, which end at their NUL.
fn sort_width(field: SortField) -> Option<usize> {
    match field {
        SortField::ValueUsd => Some(8),
        SortField::StartYear | SortField::CompletionYear => Some(4),
        SortField::Name => None,
    }
}

fn same_value(width: Option<usize>, a: &[u8], b: &[u8]) -> bool {
    let value = |k: &[u8]| -> usize {
        match width {
            Some(w) => w.min(k.len()),
            None => k.iter().position(|&c| c == 0).unwrap_or(k.len()),
        }
    };
    a[..value(a)] == b[..value(b)]
}

/// The project ID at the end of an `ordered` key: everything after the last byte that cannot
/// be part of an ID is ambiguous, so the ID is found by its `project:` prefix.
fn id_of(key: &[u8]) -> Option<Id> {
    let at = key.windows(8).rposition(|w| w == b"project:")?;
    Id::parse(std::str::from_utf8(&key[at..]).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_bytes_sort_as_numbers() {
        let mut values = [5.0, -1.0, 0.0, 1e12, 3.5, -2e9, 0.25];
        let mut keys: Vec<[u8; 8]> = values.iter().map(|&v| value_bytes(v)).collect();
        keys.sort();
        values.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let sorted: Vec<[u8; 8]> = values.iter().map(|&v| value_bytes(v)).collect();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn the_id_is_read_back_from_any_entry_key() {
        let id = Id::parse("project:a-b").unwrap();
        for sort in [None, Some(&b"suramadu\0"[..]), Some(&value_bytes(7.0)[..])] {
            let key = entry_key(SortField::Name, Some(Status::Operational), sort, &id);
            assert_eq!(id_of(&key), Some(id.clone()));
        }
    }
}
