//! A whole dataset in memory: the unit that seeding validates, stores and digests.

use super::{Edge, Kind, Node};

/// Nodes in ID order and edges in `(from, type, to)` order, so equal data is equal bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Dataset {
    /// Puts nodes and edges in their canonical order.
    pub fn sort(&mut self) {
        self.nodes.sort_by(|a, b| a.id.cmp(&b.id));
        self.edges
            .sort_by(|a, b| (&a.from, a.edge_type, &a.to).cmp(&(&b.from, b.edge_type, &b.to)));
    }

    pub fn count_of(&self, kind: Kind) -> usize {
        self.nodes.iter().filter(|n| n.kind() == kind).count()
    }
}
