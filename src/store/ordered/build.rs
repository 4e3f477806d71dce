//! Building the ordered index: projects gathered as a store is written, in any order, then
//! numbered in ID order and sorted once per field.

use std::cmp::Ordering;

use super::hosts::{Hosts, HostsBuilder};
use super::strings::Strings;
use super::{
    number, status_slot, value_bits, Facets, FieldOrder, Numbers, OrderedIndex, SortField, MISSING,
};
use crate::model::{Id, Node, Status};
use crate::text;

/// Gathers the projects of a store being built, in any order, into its [`OrderedIndex`].
#[derive(Default)]
pub(in crate::store) struct IndexBuilder {
    ids: Strings,
    names: Strings,
    /// Folded names: the order of the name field.
    folded: Strings,
    facets: Vec<Facets>,
    hosts: HostsBuilder,
}

impl IndexBuilder {
    /// Adds a node; nodes other than projects are not indexed.
    pub(in crate::store) fn add(&mut self, node: &Node) {
        let Some(facets) = Facets::of(node) else {
            return;
        };
        self.ids.push(node.id.as_str());
        self.names.push(&node.name);
        self.folded.push(&text::fold(&node.name));
        self.facets.push(facets);
    }

    /// Adds a `LOCATED_IN` edge; only those from a project to a country are kept.
    pub(in crate::store) fn add_located(&mut self, from: &Id, to: &Id) {
        self.hosts.add(from, to);
    }

    pub(in crate::store) fn build(self) -> OrderedIndex {
        let mut by_id: Vec<u32> = self.ids.numbers().collect();
        by_id.sort_unstable_by(|&a, &b| self.ids.get(a).cmp(self.ids.get(b)));
        let count = by_id.len();
        let mut index = OrderedIndex {
            ids: Strings::with_capacity(count, self.ids.bytes()),
            names: Strings::with_capacity(count, self.names.bytes()),
            facets: Vec::with_capacity(count),
            fields: Vec::new(),
            hosts: Hosts::default(),
            participations: None,
            numbers: Default::default(),
        };
        let mut folded = Vec::with_capacity(count);
        for &p in &by_id {
            index.ids.push(self.ids.get(p));
            index.names.push(self.names.get(p));
            index.facets.push(self.facets[p as usize]);
            folded.push(self.folded.get(p));
        }
        index.fields = SortField::ALL
            .iter()
            .map(|&field| field_order(field, &index.facets, &folded))
            .collect();
        index.hosts = self.hosts.build(&index);
        index
    }
}

/// One field's ranks and orders, for projects numbered in ID order.
fn field_order(field: SortField, facets: &[Facets], names: &[&str]) -> FieldOrder {
    // Present values, compared as the API orders them; `None` when the project has none.
    let compare = |a: u32, b: u32| -> Option<Ordering> {
        let (fa, fb) = (&facets[a as usize], &facets[b as usize]);
        match field {
            SortField::ValueUsd => Some(value_bits(fa.value_usd?).cmp(&value_bits(fb.value_usd?))),
            SortField::StartYear => Some(fa.start_year?.cmp(&fb.start_year?)),
            SortField::CompletionYear => Some(fa.completion_year?.cmp(&fb.completion_year?)),
            SortField::Name => Some(names[a as usize].cmp(names[b as usize])),
        }
    };
    let present = |p: u32| compare(p, p).is_some();
    let count = number(facets.len());
    let mut all: Vec<u32> = (0..count).filter(|&p| present(p)).collect();
    all.sort_unstable_by(|&a, &b| compare(a, b).unwrap_or(Ordering::Equal).then(a.cmp(&b)));
    let mut rank = vec![MISSING; facets.len()];
    let mut current = 0;
    for (i, &p) in all.iter().enumerate() {
        if i > 0 && compare(all[i - 1], p) != Some(Ordering::Equal) {
            current += 1;
        }
        rank[p as usize] = current;
    }
    all.extend((0..count).filter(|&p| !present(p)));
    let mut by_status = vec![Numbers::default(); Status::ALL.len()];
    for &p in &all {
        by_status[status_slot(facets[p as usize].status)].push(p);
    }
    FieldOrder {
        rank: Numbers(rank),
        all: Numbers(all),
        by_status,
    }
}
