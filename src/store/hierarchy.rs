//! Walks up and down a hierarchy of one edge type (sectors by `SUBSECTOR_OF`, enterprise groups
//! by `SUBSIDIARY_OF`) as `Store` reads; knows nothing of what a tier or a group means.
//!
//! Seeding refuses cycles, but a read must end on any store: each walk visits a node at most
//! once, so a cycle stops it instead of looping.

use std::collections::BTreeSet;

use super::{Store, StoreError};
use crate::model::{Direction, EdgeType, Id};

impl Store {
    /// The chain above `id` over `edge_type` edges, nearest first, `id` itself not included:
    /// its parent, its parent's parent, and so on up to a node with no parent. A node with
    /// several parents is followed by the first in ID order. Empty when `id` has no parent.
    pub fn ancestors(&self, id: &Id, edge_type: EdgeType) -> Result<Vec<Id>, StoreError> {
        let mut seen = BTreeSet::from([id.clone()]);
        let mut chain = Vec::new();
        let mut current = id.clone();
        while let Some(parent) = self
            .neighbour_ids(&current, edge_type, Direction::Out)?
            .into_iter()
            .next()
        {
            if !seen.insert(parent.clone()) {
                break;
            }
            chain.push(parent.clone());
            current = parent;
        }
        Ok(chain)
    }

    /// Every node below `id` over `edge_type` edges, at any depth, each once, in ID order; `id`
    /// itself not included.
    pub fn descendants(&self, id: &Id, edge_type: EdgeType) -> Result<Vec<Id>, StoreError> {
        let mut seen = BTreeSet::from([id.clone()]);
        let mut frontier = vec![id.clone()];
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for near in &frontier {
                for child in self.neighbour_ids(near, edge_type, Direction::In)? {
                    if seen.insert(child.clone()) {
                        next.push(child);
                    }
                }
            }
            frontier = next;
        }
        seen.remove(id);
        Ok(seen.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dataset, Edge, EdgeProps, Node, NodeAttrs, SectorAttrs};

    fn id(slug: &str) -> Id {
        Id::parse(&format!("sector:{slug}")).expect("a sector ID")
    }

    fn ids(slugs: &[&str]) -> Vec<Id> {
        slugs.iter().map(|s| id(s)).collect()
    }

    /// A store of sectors joined by `SUBSECTOR_OF` edges, `(child, parent)`.
    fn store_of(edges: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let mut slugs: Vec<&str> = edges.iter().flat_map(|&(c, p)| [c, p]).collect();
        slugs.sort();
        slugs.dedup();
        let mut dataset = Dataset {
            nodes: slugs
                .iter()
                .map(|s| Node {
                    id: id(s),
                    name: s.to_string(),
                    aliases: Vec::new(),
                    description: None,
                    notes: Vec::new(),
                    sources: Vec::new(),
                    attrs: NodeAttrs::Sector(SectorAttrs {}),
                })
                .collect(),
            edges: edges
                .iter()
                .map(|&(child, parent)| Edge {
                    from: id(child),
                    edge_type: EdgeType::SubsectorOf,
                    to: id(parent),
                    props: EdgeProps::default(),
                })
                .collect(),
        };
        dataset.sort();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = Store::build(&dir.path().join("store"), &dataset, "test", &|_| {})
            .expect("the sectors store");
        (dir, store)
    }

    #[test]
    fn ancestors_climb_to_the_root_nearest_first() {
        let (_dir, store) = store_of(&[("leaf", "mid"), ("mid", "root"), ("other", "root")]);
        let up = |s| store.ancestors(&id(s), EdgeType::SubsectorOf).unwrap();
        assert_eq!(up("leaf"), ids(&["mid", "root"]));
        assert_eq!(up("other"), ids(&["root"]));
        assert!(up("root").is_empty());
    }

    #[test]
    fn descendants_are_every_node_below_once_in_id_order() {
        let (_dir, store) = store_of(&[("leaf", "mid"), ("mid", "root"), ("other", "root")]);
        let down = |s| store.descendants(&id(s), EdgeType::SubsectorOf).unwrap();
        assert_eq!(down("root"), ids(&["leaf", "mid", "other"]));
        assert_eq!(down("mid"), ids(&["leaf"]));
        assert!(down("leaf").is_empty());
    }

    #[test]
    fn a_cycle_ends_both_walks_after_visiting_each_node_once() {
        // `a` → `b` → `c` → `a`, which seeding refuses but a store may still hold.
        let (_dir, store) = store_of(&[("a", "b"), ("b", "c"), ("c", "a"), ("x", "a")]);
        assert_eq!(
            store.ancestors(&id("a"), EdgeType::SubsectorOf).unwrap(),
            ids(&["b", "c"])
        );
        assert_eq!(
            store.ancestors(&id("x"), EdgeType::SubsectorOf).unwrap(),
            ids(&["a", "b", "c"])
        );
        assert_eq!(
            store.descendants(&id("a"), EdgeType::SubsectorOf).unwrap(),
            ids(&["b", "c", "x"])
        );
    }

    #[test]
    fn walks_follow_only_the_edge_type_asked_for() {
        let (_dir, store) = store_of(&[("leaf", "root")]);
        assert!(store
            .ancestors(&id("leaf"), EdgeType::SubsidiaryOf)
            .unwrap()
            .is_empty());
        assert!(store
            .descendants(&id("root"), EdgeType::SubsidiaryOf)
            .unwrap()
            .is_empty());
    }
}
