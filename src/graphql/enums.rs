//! GraphQL enums, each mirroring a model enum value for value, with descriptions for clients.

use async_graphql::Enum;

use crate::model::Id;

/// The kinds of node in the graph.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::model::Kind")]
pub enum NodeKind {
    /// A publication, dataset or web page that facts come from.
    Source,
    /// A country: China or an ASEAN member state.
    Country,
    /// An initiative, agreement, blueprint, plan, mechanism or organisation.
    Framework,
    /// An economic sector; three tiers with sub-sectors beneath them.
    Sector,
    /// A company, group or bank.
    Enterprise,
    /// An overseas economic and trade cooperation zone, industrial park or special economic zone.
    Zone,
    /// A project: a bridge, railway, power plant, network, mine, factory, ...
    Project,
    /// A sourced figure, such as the number of cooperation zones.
    Indicator,
}

/// What a company does in a project or zone.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Hash)]
#[graphql(remote = "crate::model::Role")]
pub enum Role {
    /// Builds it under contract (EPC, civil works, installation).
    Contractor,
    /// Puts equity into it or owns it.
    Investor,
    /// Runs it once built.
    Operator,
    /// Lends money for it.
    Financier,
    /// Develops it: plans, promotes and manages it, as for an industrial zone.
    Developer,
    /// Supplies equipment for it.
    Supplier,
}

/// Where a project or zone stands, as of its newest source.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Hash)]
#[graphql(remote = "crate::model::Status")]
pub enum ProjectStatus {
    /// Agreed or proposed; construction has not begun.
    Planned,
    /// Being built.
    UnderConstruction,
    /// Built and in use.
    Operational,
    /// Finished (used where sources say completed without saying it operates).
    Completed,
    /// Halted, possibly for good.
    Suspended,
    /// Abandoned.
    Cancelled,
    /// Sources do not say.
    Unknown,
}

/// Who owns an enterprise, as far as sources say.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::model::Ownership")]
pub enum Ownership {
    /// Owned by China's central government (supervised by SASAC).
    CentralSoe,
    /// Owned by a Chinese provincial or city government.
    LocalSoe,
    /// State-owned, level not stated.
    StateOwned,
    /// Privately owned.
    Private,
    /// Listed on a stock exchange, ownership otherwise not stated.
    Listed,
    /// A joint venture.
    JointVenture,
    /// A state policy bank (China Development Bank, Export-Import Bank of China).
    PolicyBank,
    /// A commercial bank.
    CommercialBank,
    /// Something else.
    Other,
}

/// What sort of framework a framework node is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::model::FrameworkKind")]
pub enum FrameworkKind {
    /// A policy initiative, such as the Belt and Road.
    Initiative,
    /// A treaty or agreement, such as a free trade agreement.
    Agreement,
    /// A blueprint, such as the ASEAN Economic Community Blueprint 2025.
    Blueprint,
    /// A plan, such as the Master Plan on ASEAN Connectivity 2025.
    Plan,
    /// A cooperation mechanism or corridor.
    Mechanism,
    /// An organisation, such as ASEAN itself.
    Organization,
}

/// What sort of zone a zone node is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::model::ZoneKind")]
pub enum ZoneKind {
    /// An overseas economic and trade cooperation zone.
    CooperationZone,
    /// An industrial park.
    IndustrialPark,
    /// A special economic zone.
    SpecialEconomicZone,
}

/// How exactly a location pins down a place.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::model::Precision")]
pub enum Precision {
    /// The exact point.
    Exact,
    /// Somewhere on the site.
    Site,
    /// The nearest city.
    City,
    /// The region or province.
    Region,
}

/// The relationship an edge stands for.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::model::EdgeType")]
pub enum EdgeType {
    /// Enterprise → project, with roles.
    ParticipatesIn,
    /// Project or zone → host country.
    LocatedIn,
    /// Project, enterprise or zone → sector.
    InSector,
    /// Enterprise → home country.
    HeadquarteredIn,
    /// Enterprise → its parent group.
    SubsidiaryOf,
    /// Enterprise → zone it develops.
    Develops,
    /// Project → zone it lies in.
    InZone,
    /// Project → framework it is aligned with.
    AlignedWith,
    /// Country → framework it belongs to.
    MemberOf,
    /// Sector → broader sector.
    SubsectorOf,
    /// Indicator → what it is about.
    About,
}

/// Which way to follow edges.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
#[graphql(remote = "crate::model::Direction")]
pub enum Direction {
    /// Along edges leaving the node.
    Out,
    /// Along edges arriving at the node.
    In,
    /// Both ways.
    #[default]
    Both,
}

/// The three tiers of sectors named in the seed article.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum SectorTier {
    /// Roads, railways, power, telecommunications and other infrastructure.
    Infrastructure,
    /// Agriculture, fisheries, manufacturing, mining, real estate.
    TraditionalIndustries,
    /// Information technology, rail and marine equipment, energy saving, new-energy vehicles.
    EmergingIndustries,
}

impl SectorTier {
    /// The tier whose root sector is `root`, if it is one.
    pub fn from_root(root: &Id) -> Option<SectorTier> {
        match root.as_str() {
            "sector:infrastructure" => Some(SectorTier::Infrastructure),
            "sector:traditional-industries" => Some(SectorTier::TraditionalIndustries),
            "sector:emerging-industries" => Some(SectorTier::EmergingIndustries),
            _ => None,
        }
    }
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum OrderDirection {
    /// Smallest first; missing values last.
    #[default]
    Asc,
    /// Largest first; missing values last.
    Desc,
}

/// What to sort projects by. Ties are broken by ID, so every order is total.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum ProjectOrderField {
    /// Name, ignoring case and accents.
    Name,
    /// Year construction started.
    StartYear,
    /// Year completed or opened.
    CompletionYear,
    /// Headline value in US dollars.
    ValueUsd,
    /// ID (the default).
    Id,
}

/// What to group project aggregates by.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum AggregateDimension {
    /// Host country (a project with two hosts counts in both).
    HostCountry,
    /// Sector as listed on the project (no roll-up to parents).
    Sector,
    /// Participating enterprise (a project counts once per enterprise).
    Enterprise,
    /// Status.
    Status,
    /// Start year.
    StartYear,
}
