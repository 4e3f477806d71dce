//! Projects in sorted order, for filtered and ordered lists that cost what their page costs.
//!
//! The ordered index is an immutable file written beside the sled trees when a store is built
//! ([`FILE`] in the store's directory) and held in memory while the store is open. For each
//! sort field it keeps every project's rank among the field's distinct values, and the projects
//! in the API's order (values present first, ascending; missing values last; ties by ID),
//! among all projects and within each status, with each project's [`Facets`] beside them, so
//! that a walk can test status, years and value without reading the project. A filter on one
//! status walks that status's order only.
//!
//! Why a file and not a tree: the store never changes while it is open, so sorted arrays are
//! all an index needs. As a sled tree it was eight entries per project: 40% of the inserts of a
//! seeding, and a few hundred bytes of sled's page table per 16 entries in every process that
//! opened the store, far more than the arrays' 12 bytes per project and field.
//!
//! The `facet_counts` tree counts projects per status and start year, so that a status and
//! start-year filter is counted without a walk; the first count reads it into memory. The
//! index also holds each project's host countries ([`hosts`]), and who takes part in which
//! project ([`participations`]).

use std::collections::BTreeMap;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

mod build;
mod hosts;
mod numbers;
mod participations;
mod strings;
mod summaries;

pub(super) use build::IndexBuilder;
use hosts::Hosts;
use numbers::NumberTable;
use participations::Participations;
use strings::Strings;
pub use summaries::{ProjectNumber, ProjectSummary};

use super::{codec, Store, StoreError};
use crate::model::{Id, Node, NodeAttrs, Status};

/// The ordered index's file, in the store's directory.
pub(super) const FILE: &str = "ordered-index";

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

    /// Where the field's order is kept in [`OrderedIndex::fields`]: pinned, so that reordering
    /// the enum does not change stored bytes.
    fn slot(self) -> usize {
        match self {
            SortField::ValueUsd => 0,
            SortField::StartYear => 1,
            SortField::CompletionYear => 2,
            SortField::Name => 3,
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

/// IEEE 754 bits, flipped so that unsigned order is numeric order (as keys of format 3 sorted).
fn value_bits(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// A status's place in [`Status::ALL`], which is where its order is kept.
fn status_slot(status: Status) -> usize {
    usize::from(status.tag())
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

/// A count or place as a project number.
fn number(count: usize) -> u32 {
    u32::try_from(count).expect("fewer than 4 billion projects")
}

/// The rank of a project with no value in a field: after every value.
const MISSING: u32 = u32::MAX;

/// Project numbers (or offsets), stored as raw little-endian bytes rather than bincode's
/// one varint per number: each array is one read and one pass.
#[derive(Debug, Clone, Default, PartialEq)]
struct Numbers(Vec<u32>);

impl std::ops::Deref for Numbers {
    type Target = Vec<u32>;
    fn deref(&self) -> &Vec<u32> {
        &self.0
    }
}

impl std::ops::DerefMut for Numbers {
    fn deref_mut(&mut self) -> &mut Vec<u32> {
        &mut self.0
    }
}

impl Serialize for Numbers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = self.0.iter().flat_map(|n| n.to_le_bytes()).collect();
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> Deserialize<'de> for Numbers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Numbers, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Numbers;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes holding whole u32s")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Numbers, E> {
                if !bytes.len().is_multiple_of(4) {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                Ok(Numbers(
                    bytes
                        .chunks_exact(4)
                        .map(|n| u32::from_le_bytes([n[0], n[1], n[2], n[3]]))
                        .collect(),
                ))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Numbers, E> {
                self.visit_bytes(&bytes)
            }
        }
        deserializer.deserialize_byte_buf(Bytes)
    }
}

/// The projects of a store in every sorted order the API pages through. A project is known by
/// its number: its place in ID order.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct OrderedIndex {
    /// Project IDs in ID order.
    ids: Strings,
    /// Each project's name as written, by number: what a page of projects shows.
    names: Strings,
    facets: Vec<Facets>,
    /// One per sort field, at [`SortField::slot`].
    fields: Vec<FieldOrder>,
    hosts: Hosts,
    /// `None` when the store's participations are too varied to hold here.
    participations: Option<Participations>,
    /// Numbers by ID, built from `ids` on first use rather than stored.
    #[serde(skip)]
    numbers: OnceLock<NumberTable>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct FieldOrder {
    /// Each project's place among the field's distinct values: equal values, equal rank;
    /// [`MISSING`] when it has none.
    rank: Numbers,
    /// Project numbers by (rank, number): the API's ascending order.
    all: Numbers,
    /// The same order within each status, at [`status_slot`].
    by_status: Vec<Numbers>,
}

impl OrderedIndex {
    pub(super) fn len(&self) -> usize {
        self.facets.len()
    }

    fn id(&self, number: u32) -> &str {
        self.ids.get(number)
    }

    /// The number of the project with this ID, if it is one.
    fn number_of(&self, id: &Id) -> Option<u32> {
        self.numbers().find(id.as_str(), |n| self.id(n))
    }

    /// The table of numbers by ID, built from `ids` the first time it is asked for.
    fn numbers(&self) -> &NumberTable {
        self.numbers
            .get_or_init(|| NumberTable::build(number(self.len()), |n| self.id(n)))
    }

    /// Builds the tables of numbers by ID now rather than on first use.
    pub(super) fn build_number_tables(&self) {
        self.numbers();
        if let Some(held) = &self.participations {
            held.enterprise_numbers();
        }
    }

    /// Reads the index of the store at `dir`.
    pub(super) fn read(dir: &Path) -> Result<OrderedIndex, StoreError> {
        let path = dir.join(FILE);
        let file = std::fs::File::open(&path).map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })?;
        // Decoded as it is read: at a million projects the file is 90 MB.
        let index: OrderedIndex =
            codec::decode_from(BufReader::new(file)).map_err(|source| StoreError::Codec {
                key: path.display().to_string(),
                source,
            })?;
        index.check().map_err(|what| StoreError::Corrupt {
            path,
            what: format!("its ordered index {what}"),
        })?;
        Ok(index)
    }

    /// Writes the index into the store at `dir`, and syncs it.
    pub(super) fn write(&self, dir: &Path) -> Result<(), StoreError> {
        let path = dir.join(FILE);
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        let file = std::fs::File::create(&path).map_err(io)?;
        let mut writer = BufWriter::new(file);
        codec::encode_into(self, &mut writer).map_err(|source| StoreError::Codec {
            key: path.display().to_string(),
            source,
        })?;
        let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)
    }

    /// What is wrong with the index, if anything: IDs in ID order, and every order holding
    /// each project it should once, sorted by (rank, number), so that no walk reads out of
    /// bounds, misses a project, or searches an unsorted list. One pass over each list.
    fn check(&self) -> Result<(), String> {
        let n = self.len();
        if !self.ids.readable(n) {
            return Err("has unreadable IDs".into());
        }
        if !self.names.readable(n) {
            return Err("has unreadable names".into());
        }
        if !(1..n).all(|i| self.id(number(i - 1)) < self.id(number(i))) {
            return Err("has IDs out of order".into());
        }
        if self.fields.len() != SortField::ALL.len() {
            return Err("lacks a sort field".into());
        }
        for field in &self.fields {
            // Sorted strictly by (rank, number) and in bounds: no project twice.
            let sorted = |list: &[u32], keep: &dyn Fn(usize) -> bool| {
                list.iter().all(|&p| (p as usize) < n && keep(p as usize))
                    && list.windows(2).all(|w| {
                        (field.rank[w[0] as usize], w[0]) < (field.rank[w[1] as usize], w[1])
                    })
            };
            let whole = field.rank.len() == n
                && field.all.len() == n
                && sorted(&field.all, &|_| true)
                && field.by_status.len() == Status::ALL.len()
                && field.by_status.iter().map(|list| list.len()).sum::<usize>() == n
                && Status::ALL.iter().all(|&s| {
                    sorted(&field.by_status[status_slot(s)], &|p| {
                        self.facets[p].status == s
                    })
                });
            if !whole {
                return Err("does not hold every project once, in order".into());
            }
        }
        self.hosts.check(n)?;
        self.participations
            .as_ref()
            .map_or(Ok(()), |held| held.check(n))
    }

    /// Reads the participations from `out`, the loaded `out` tree of the store being built at
    /// `path`, into the index.
    pub(super) fn add_participations(
        &mut self,
        out: &sled::Tree,
        path: &Path,
    ) -> Result<(), StoreError> {
        self.participations = Participations::read(out, self, path)?;
        Ok(())
    }
}

/// A node of nothing but its ID, name and attributes: what the index's tests build stores of.
#[cfg(test)]
fn bare_node(id: &Id, name: &str, attrs: NodeAttrs) -> Node {
    Node {
        id: id.clone(),
        name: name.to_owned(),
        aliases: vec![],
        description: None,
        notes: vec![],
        sources: vec![],
        attrs,
    }
}

/// Where a walk starts: at the beginning, or just after a row of the list.
pub struct After<'a> {
    pub node: &'a Node,
}

impl Store {
    /// The first `limit` projects in `field` order (descending when asked; ties and missing
    /// values as the API orders them) whose facets `keep` accepts, among all projects or those
    /// of one `status`, starting after `after`. Each project tested is one index entry read;
    /// the count is kept for tests and logs. A walk after a project that is not in the order
    /// walked finds nothing. Each project comes with its number, which its summary needs.
    pub fn walk_projects(
        &self,
        field: SortField,
        status: Option<Status>,
        descending: bool,
        after: Option<After<'_>>,
        keep: &dyn Fn(&Facets) -> bool,
        limit: usize,
    ) -> Result<Vec<(Id, ProjectNumber)>, StoreError> {
        self.count_read();
        let index = self.ordered_index()?;
        let order = &index.fields[field.slot()];
        let list = match status {
            Some(s) => order.by_status[status_slot(s)].as_slice(),
            None => order.all.as_slice(),
        };
        let rank = |at: usize| order.rank[list[at] as usize];
        let mut kept = Vec::new();
        let mut tested = 0;
        // Walks `list[range]` in list order; false once the page is full.
        let mut take = |range: std::ops::Range<usize>| -> bool {
            for &p in &list[range] {
                if kept.len() == limit {
                    return false;
                }
                tested += 1;
                if keep(&index.facets[p as usize]) {
                    kept.push(p);
                }
            }
            kept.len() < limit
        };
        let present = list.partition_point(|&p| order.rank[p as usize] != MISSING);
        let after = match after {
            None => None,
            Some(After { node }) => {
                let at = index.number_of(&node.id).and_then(|a| {
                    let key = |p: u32| (order.rank[p as usize], p);
                    let at = list.partition_point(|&p| key(p) < key(a));
                    (list.get(at) == Some(&a)).then_some(at)
                });
                match at {
                    Some(at) => Some(at),
                    None => return Ok(Vec::new()),
                }
            }
        };
        if !descending {
            take(after.map_or(0, |at| at + 1)..list.len());
        } else {
            // Values descending, each group of equal values in ascending ID order, then the
            // missing ones in ID order. Groups are found by stepping, not searching: most are
            // one project long.
            let group_start = |end: usize| {
                let last = rank(end - 1);
                (0..end - 1)
                    .rev()
                    .find(|&at| rank(at) != last)
                    .map_or(0, |at| at + 1)
            };
            let (mut end, going) = match after {
                Some(at) if at >= present => (0, true),
                Some(at) => {
                    let group_end = (at + 1..present)
                        .find(|&next| rank(next) != rank(at))
                        .unwrap_or(present);
                    (group_start(at + 1), take(at + 1..group_end))
                }
                None => (present, true),
            };
            let mut going = going;
            while going && end > 0 {
                let start = group_start(end);
                going = take(start..end);
                end = start;
            }
            if going {
                let from = after
                    .filter(|&at| at >= present)
                    .map_or(present, |at| at + 1);
                take(from..list.len());
            }
        }
        self.index_entries.fetch_add(tested, Relaxed);
        let ids = index.ids.get_each(kept.iter().copied());
        ids.into_iter()
            .zip(kept)
            .map(|(id, p)| {
                let id = Id::parse(id).map_err(|_| self.corrupt_key(id.as_bytes()))?;
                Ok((id, ProjectNumber(p)))
            })
            .collect()
    }

    /// How many projects have facets that `keep` accepts: one pass over every project's facets,
    /// for filters that [`Store::count_projects`] cannot count.
    pub fn count_projects_where(&self, keep: &dyn Fn(&Facets) -> bool) -> Result<u64, StoreError> {
        self.count_read();
        let index = self.ordered_index()?;
        self.index_entries.fetch_add(index.len() as u64, Relaxed);
        Ok(index.facets.iter().filter(|f| keep(f)).count() as u64)
    }

    /// The `facet_counts` tree, read whole the first time a count asks for it.
    fn facet_totals(&self) -> Result<&BTreeMap<Vec<u8>, u64>, StoreError> {
        if let Some(totals) = self.facet_totals.get() {
            return Ok(totals);
        }
        let mut totals = BTreeMap::new();
        for entry in self.facet_counts.iter() {
            let (key, value) = entry?;
            let bytes: [u8; 8] = value
                .as_ref()
                .try_into()
                .map_err(|_| self.corrupt_key(&key))?;
            totals.insert(key.to_vec(), u64::from_be_bytes(bytes));
        }
        Ok(self.facet_totals.get_or_init(|| totals))
    }

    /// How many projects have one of `statuses` (any when `None`) and a start year in `lo..=hi`
    /// (any, or none, when the range is `None`): one range of the counts per status.
    pub fn count_projects(
        &self,
        statuses: Option<&[Status]>,
        years: Option<(i32, i32)>,
    ) -> Result<u64, StoreError> {
        self.count_read();
        let totals = self.facet_totals()?;
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
                    totals.range(key(lo)..end)
                }
                None => totals.range(vec![tag]..vec![tag + 1]),
            };
            total += range.map(|(_, count)| count).sum::<u64>();
        }
        Ok(total)
    }

    /// Index entries that project walks and counts have read so far; lets tests prove that a
    /// filtered, ordered page reads about its own size.
    pub fn index_entries_read(&self) -> u64 {
        self.index_entries.load(Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Money, ProjectAttrs};
    use crate::store::StoreWriter;
    use crate::text;
    use std::cmp::Ordering;

    #[test]
    fn value_bits_sort_as_numbers() {
        let mut values = [5.0, -1.0, 0.0, 1e12, 3.5, -2e9, 0.25];
        let mut bits: Vec<u64> = values.iter().map(|&v| value_bits(v)).collect();
        bits.sort_unstable();
        values.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let sorted: Vec<u64> = values.iter().map(|&v| value_bits(v)).collect();
        assert_eq!(bits, sorted);
    }

    /// A project whose facets come from `n`, with ties and gaps in every field.
    fn project(n: usize) -> Node {
        let pick = |values: &[Option<i32>]| values[n % values.len()];
        let value = [Some(5e6), None, Some(-1.0), Some(2.5e9), Some(5e6)][n % 5];
        Node {
            id: Id::new(Kind::Project, &format!("p{:02}", (n * 7) % 40)).unwrap(),
            name: ["Port", "Bridge", "port", "Zone Ő", "Bridge A"][n % 5].into(),
            aliases: vec![],
            description: None,
            notes: vec![],
            sources: vec![],
            attrs: NodeAttrs::Project(ProjectAttrs {
                status: Status::ALL[n % 3 * 2],
                start_year: pick(&[Some(2015), None, Some(1998), Some(2015)]),
                completion_year: pick(&[None, Some(2020), Some(-5)]),
                value: value
                    .map(|usd| Money {
                        amount: usd,
                        currency: "USD".into(),
                        year: Some(2020),
                        usd: Some(usd),
                        approximate: false,
                        label: None,
                        sources: vec![],
                    })
                    .into_iter()
                    .collect(),
                capacity: vec![],
                location: None,
            }),
        }
    }

    /// The API's order, by sorting whole lists: present values first (ascending, or descending
    /// when asked), ties and missing values by ID.
    fn sorted(nodes: &[Node], field: SortField, status: Option<Status>, desc: bool) -> Vec<Id> {
        let key = |node: &Node| {
            let facets = Facets::of(node).unwrap();
            match field {
                SortField::ValueUsd => facets
                    .value_usd
                    .map(|v| value_bits(v).to_be_bytes().to_vec()),
                SortField::StartYear => facets
                    .start_year
                    .map(|y| ((y as u32) ^ 1 << 31).to_be_bytes().to_vec()),
                SortField::CompletionYear => facets
                    .completion_year
                    .map(|y| ((y as u32) ^ 1 << 31).to_be_bytes().to_vec()),
                SortField::Name => Some(text::fold(&node.name).into_bytes()),
            }
        };
        let mut rows: Vec<&Node> = nodes
            .iter()
            .filter(|n| status.is_none_or(|s| Facets::of(n).unwrap().status == s))
            .collect();
        rows.sort_by(|a, b| match (key(a), key(b)) {
            (Some(x), Some(y)) if desc => y.cmp(&x).then(a.id.cmp(&b.id)),
            (Some(x), Some(y)) => x.cmp(&y).then(a.id.cmp(&b.id)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.id.cmp(&b.id),
        });
        rows.into_iter().map(|n| n.id.clone()).collect()
    }

    #[test]
    fn every_walk_from_every_row_follows_the_apis_order() {
        // Arrange: projects added out of ID order, into a store written and read back.
        let nodes: Vec<Node> = (0..40).map(project).collect();
        let dir = tempfile::tempdir().unwrap();
        let mut writer = StoreWriter::create(&dir.path().join("store")).unwrap();
        for node in &nodes {
            writer.add_node(node).unwrap();
        }
        let store = writer.finish("test").unwrap();

        for field in SortField::ALL {
            for status in [
                None,
                Some(Status::ALL[0]),
                Some(Status::ALL[2]),
                Some(Status::ALL[1]),
            ] {
                for desc in [false, true] {
                    let expected = sorted(&nodes, field, status, desc);
                    let walk = |after: Option<&Node>, limit: usize| {
                        let after = after.map(|node| After { node });
                        let walked =
                            store.walk_projects(field, status, desc, after, &|_| true, limit);
                        let (ids, numbers): (Vec<Id>, Vec<_>) = walked.unwrap().into_iter().unzip();
                        // Each project comes with the number its ID finds.
                        let found = store.project_numbers(&ids).unwrap();
                        assert_eq!(found, numbers.into_iter().map(Some).collect::<Vec<_>>());
                        ids
                    };
                    let case = format!("{field:?} {status:?} desc={desc}");
                    // Act, Assert: the whole walk, and the walk after each row.
                    assert_eq!(walk(None, usize::MAX), expected, "{case}");
                    for (i, id) in expected.iter().enumerate() {
                        let node = nodes.iter().find(|n| n.id == *id).unwrap();
                        assert_eq!(
                            walk(Some(node), usize::MAX),
                            expected[i + 1..],
                            "{case} after {id}"
                        );
                        assert_eq!(
                            walk(Some(node), 2),
                            expected[i + 1..]
                                .iter()
                                .take(2)
                                .cloned()
                                .collect::<Vec<_>>(),
                            "{case} after {id}, stopped"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_damaged_index_is_refused_when_the_store_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let mut writer = StoreWriter::create(&path).unwrap();
        for node in (0..12).map(project) {
            writer.add_node(&node).unwrap();
        }
        drop(writer.finish("test").unwrap());
        type Damage = fn(&mut OrderedIndex);
        let damages: [(&str, Damage, &str); 5] = [
            (
                "a project left out",
                |index| {
                    index.fields[1].all.pop();
                },
                "does not hold every project once, in order",
            ),
            (
                "two projects swapped",
                |index| {
                    index.fields[3].by_status[0].swap(0, 1);
                },
                "does not hold every project once, in order",
            ),
            (
                "ID ends out of order",
                |index| {
                    index.ids.ends.swap(0, 1);
                },
                "has unreadable IDs",
            ),
            (
                "a name's end past the names",
                |index| {
                    index.names.ends[0] = u32::MAX;
                },
                "has unreadable names",
            ),
            (
                "two IDs of one length swapped",
                |index| {
                    let (first, second) = (index.id(0).to_owned(), index.id(1).to_owned());
                    assert_eq!(
                        first.len(),
                        second.len(),
                        "the fixture's IDs are of one length"
                    );
                    index
                        .ids
                        .text
                        .replace_range(..first.len() * 2, &(second + &first));
                },
                "has IDs out of order",
            ),
        ];
        let whole = OrderedIndex::read(&path).unwrap();
        for (damage, apply, said) in damages {
            let mut index = OrderedIndex::read(&path).unwrap();
            apply(&mut index);
            index.write(&path).unwrap();

            let refused = Store::open(&path, super::super::Access::Random)
                .err()
                .expect(damage);
            assert!(
                refused
                    .to_string()
                    .contains(&format!("its ordered index {said}")),
                "{damage}: {refused}"
            );
            whole.write(&path).unwrap();
        }
        Store::open(&path, super::super::Access::Random).expect("the whole index opens");
    }
}
