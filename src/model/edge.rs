//! Edges: typed, directed relationships between nodes, with their properties.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, Kind};

/// The relationship an edge stands for. Each joins a fixed set of source and target kinds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EdgeType {
    ParticipatesIn,
    LocatedIn,
    InSector,
    HeadquarteredIn,
    SubsidiaryOf,
    Develops,
    InZone,
    AlignedWith,
    MemberOf,
    SubsectorOf,
    About,
}

impl EdgeType {
    pub const ALL: [EdgeType; 11] = [
        EdgeType::ParticipatesIn,
        EdgeType::LocatedIn,
        EdgeType::InSector,
        EdgeType::HeadquarteredIn,
        EdgeType::SubsidiaryOf,
        EdgeType::Develops,
        EdgeType::InZone,
        EdgeType::AlignedWith,
        EdgeType::MemberOf,
        EdgeType::SubsectorOf,
        EdgeType::About,
    ];

    /// The name used in the API, exports and messages.
    pub fn name(self) -> &'static str {
        match self {
            EdgeType::ParticipatesIn => "PARTICIPATES_IN",
            EdgeType::LocatedIn => "LOCATED_IN",
            EdgeType::InSector => "IN_SECTOR",
            EdgeType::HeadquarteredIn => "HEADQUARTERED_IN",
            EdgeType::SubsidiaryOf => "SUBSIDIARY_OF",
            EdgeType::Develops => "DEVELOPS",
            EdgeType::InZone => "IN_ZONE",
            EdgeType::AlignedWith => "ALIGNED_WITH",
            EdgeType::MemberOf => "MEMBER_OF",
            EdgeType::SubsectorOf => "SUBSECTOR_OF",
            EdgeType::About => "ABOUT",
        }
    }

    pub fn from_name(name: &str) -> Option<EdgeType> {
        EdgeType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// A stable one-byte tag, used in adjacency keys.
    pub fn tag(self) -> u8 {
        // Written out rather than `self as u8`: the tag is in stored keys, so reordering the
        // variants must not change it (a golden-bytes test in `store` checks the stored bytes).
        match self {
            EdgeType::ParticipatesIn => 0,
            EdgeType::LocatedIn => 1,
            EdgeType::InSector => 2,
            EdgeType::HeadquarteredIn => 3,
            EdgeType::SubsidiaryOf => 4,
            EdgeType::Develops => 5,
            EdgeType::InZone => 6,
            EdgeType::AlignedWith => 7,
            EdgeType::MemberOf => 8,
            EdgeType::SubsectorOf => 9,
            EdgeType::About => 10,
        }
    }

    pub fn from_tag(tag: u8) -> Option<EdgeType> {
        EdgeType::ALL
            .into_iter()
            .find(|candidate| candidate.tag() == tag)
    }

    /// Whether an edge of this type may go from a `from` node to a `to` node.
    pub fn allows(self, from: Kind, to: Kind) -> bool {
        use Kind::*;
        match self {
            EdgeType::ParticipatesIn => from == Enterprise && to == Project,
            EdgeType::LocatedIn => matches!(from, Project | Zone) && to == Country,
            EdgeType::InSector => matches!(from, Project | Enterprise | Zone) && to == Sector,
            EdgeType::HeadquarteredIn => from == Enterprise && to == Country,
            EdgeType::SubsidiaryOf => from == Enterprise && to == Enterprise,
            EdgeType::Develops => from == Enterprise && to == Zone,
            EdgeType::InZone => from == Project && to == Zone,
            EdgeType::AlignedWith => from == Project && to == Framework,
            EdgeType::MemberOf => from == Country && to == Framework,
            EdgeType::SubsectorOf => from == Sector && to == Sector,
            EdgeType::About => from == Indicator && to != Source,
        }
    }
}

/// What a company does in a project or zone.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Contractor,
    Investor,
    Operator,
    Financier,
    Developer,
    Supplier,
}

/// Which way to follow edges from a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Out,
    In,
    Both,
}

/// Properties an edge may carry. Several seed rows for the same pair (say a company that both
/// invests and builds) merge into one edge with several roles.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EdgeProps {
    /// Roles in the order the seed lists them; the first is the primary one.
    pub roles: Vec<Role>,
    /// Ownership share in percent.
    pub share: Option<f64>,
    /// Year the relationship began.
    pub since: Option<i32>,
    pub sources: Vec<Id>,
}

/// A directed, typed edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub from: Id,
    pub edge_type: EdgeType,
    pub to: Id,
    pub props: EdgeProps,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_names_round_trip() {
        for t in EdgeType::ALL {
            assert_eq!(EdgeType::from_tag(t.tag()), Some(t));
            assert_eq!(EdgeType::from_name(t.name()), Some(t));
        }
    }
}
