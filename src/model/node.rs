//! Nodes: what every node has (name, aliases, sources) plus the attributes of its kind.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, Kind, Location, Money, PartialDate, Quantity};

/// One node of the graph. Relationships are not here: they are [`super::Edge`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: Id,
    /// The name people use in English.
    pub name: String,
    /// Other names: abbreviations, former names, names in other scripts.
    pub aliases: Vec<String>,
    /// A sentence or two in the project's own words.
    pub description: Option<String>,
    /// Caveats: where sources disagree, or a claim is not independently confirmed.
    pub notes: Vec<String>,
    /// Sources for the node's own facts.
    pub sources: Vec<Id>,
    pub attrs: NodeAttrs,
}

impl Node {
    pub fn kind(&self) -> Kind {
        self.id.kind()
    }

    /// Every source the node cites: its own, and those of its figures.
    pub fn cited_sources(&self) -> impl Iterator<Item = &Id> {
        let (money, quantities): (&[Money], Vec<&Quantity>) = match &self.attrs {
            NodeAttrs::Project(p) => (&p.value, p.capacity.iter().collect()),
            NodeAttrs::Zone(z) => (&[], z.area_km2.iter().collect()),
            _ => (&[], Vec::new()),
        };
        self.sources
            .iter()
            .chain(money.iter().flat_map(|m| m.sources.iter()))
            .chain(quantities.into_iter().flat_map(|q| q.sources.iter()))
    }

    /// The name and every alias: what search and text filters match against.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The attributes that depend on a node's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NodeAttrs {
    Source(SourceAttrs),
    Country(CountryAttrs),
    Framework(FrameworkAttrs),
    Sector(SectorAttrs),
    Enterprise(EnterpriseAttrs),
    Zone(ZoneAttrs),
    Project(ProjectAttrs),
    Indicator(IndicatorAttrs),
}

impl NodeAttrs {
    pub fn kind(&self) -> Kind {
        match self {
            NodeAttrs::Source(_) => Kind::Source,
            NodeAttrs::Country(_) => Kind::Country,
            NodeAttrs::Framework(_) => Kind::Framework,
            NodeAttrs::Sector(_) => Kind::Sector,
            NodeAttrs::Enterprise(_) => Kind::Enterprise,
            NodeAttrs::Zone(_) => Kind::Zone,
            NodeAttrs::Project(_) => Kind::Project,
            NodeAttrs::Indicator(_) => Kind::Indicator,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SourceAttrs {
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<PartialDate>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CountryAttrs {
    /// ISO 3166-1 alpha-3 code.
    pub alpha3: String,
    pub official_name: Option<String>,
    pub capital: Option<String>,
    pub asean_member: bool,
    pub asean_joined: Option<PartialDate>,
}

/// What sort of framework a framework node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FrameworkKind {
    Initiative,
    Agreement,
    Blueprint,
    Plan,
    Mechanism,
    Organization,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FrameworkAttrs {
    pub framework_kind: Option<FrameworkKind>,
    pub launched: Option<PartialDate>,
}

/// Sectors have no attributes of their own: tier and parent come from `SUBSECTOR_OF` edges.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SectorAttrs {}

/// Who owns an enterprise, as far as sources say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Ownership {
    CentralSoe,
    LocalSoe,
    StateOwned,
    Private,
    Listed,
    JointVenture,
    PolicyBank,
    CommercialBank,
    Other,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EnterpriseAttrs {
    pub ownership: Option<Ownership>,
    pub headquarters_city: Option<String>,
}

/// Where a project or zone stands, as of its newest source.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Planned,
    UnderConstruction,
    Operational,
    Completed,
    Suspended,
    Cancelled,
    #[default]
    Unknown,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Planned,
        Status::UnderConstruction,
        Status::Operational,
        Status::Completed,
        Status::Suspended,
        Status::Cancelled,
        Status::Unknown,
    ];

    pub fn tag(self) -> u8 {
        // Written out rather than `self as u8`: the tag is in stored keys, so reordering the
        // variants must not change it (a golden-bytes test in `store` checks the stored bytes).
        match self {
            Status::Planned => 0,
            Status::UnderConstruction => 1,
            Status::Operational => 2,
            Status::Completed => 3,
            Status::Suspended => 4,
            Status::Cancelled => 5,
            Status::Unknown => 6,
        }
    }
}

/// What sort of zone a zone node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ZoneKind {
    CooperationZone,
    IndustrialPark,
    SpecialEconomicZone,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ZoneAttrs {
    pub zone_kind: Option<ZoneKind>,
    /// Accredited by China's commerce ministry as a national-level overseas cooperation zone.
    pub national_level: Option<bool>,
    pub established: Option<i32>,
    pub status: Status,
    pub area_km2: Option<Quantity>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProjectAttrs {
    pub status: Status,
    pub start_year: Option<i32>,
    pub completion_year: Option<i32>,
    /// Every sourced figure of the project's cost or finance, headline figure first.
    pub value: Vec<Money>,
    pub capacity: Vec<Quantity>,
    pub location: Option<Location>,
}

impl ProjectAttrs {
    /// The figure that filters and ordering use: the first one stated in US dollars.
    pub fn value_usd(&self) -> Option<f64> {
        self.value.iter().find_map(|m| m.usd)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndicatorAttrs {
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub as_of: Option<PartialDate>,
    pub scope: Option<String>,
    pub approximate: bool,
}
