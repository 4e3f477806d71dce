//! Seed file wire types: the JSON shape people edit, with serde and JSON Schema derives.
//!
//! These types only describe the files. IDs are parsed here (a malformed one is a serde error
//! with its position); whether a referenced node exists, and everything else that needs the
//! whole dataset, is `validate`'s job.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{
    FrameworkKind, Id, Kind, Location, Money, Ownership, PartialDate, Quantity, Role, Status,
    ZoneKind,
};

/// The fields every record but a source has, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Common<'a> {
    pub id: &'a Id,
    pub name: &'a str,
    pub aliases: &'a [String],
    pub description: Option<&'a str>,
    pub notes: &'a [String],
    pub sources: &'a [Id],
}

/// Declares a record type with the common fields first. Written as a macro rather than with
/// `#[serde(flatten)]` because serde cannot deny unknown fields through a flattened struct, and
/// an unknown field must be an error that names itself.
macro_rules! record {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            /// The stable ID, `kind:slug`. Never changes once published.
            pub id: Id,
            /// The name people use in English.
            pub name: String,
            /// Other names: abbreviations, former names, names in other scripts.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub aliases: Vec<String>,
            /// One or two sentences in our own words.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub description: Option<String>,
            /// Caveats: where sources disagree, or a claim is not independently confirmed.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub notes: Vec<String>,
            /// Sources of this record's facts; at least one.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub sources: Vec<Id>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $name {
            pub fn common(&self) -> Common<'_> {
                Common {
                    id: &self.id,
                    name: &self.name,
                    aliases: &self.aliases,
                    description: self.description.as_deref(),
                    notes: &self.notes,
                    sources: &self.sources,
                }
            }
        }
    };
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceRecord {
    pub id: Id,
    /// Title of the article, page or dataset.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A membership of a country in a framework (`MEMBER_OF`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Membership {
    pub framework: Id,
    /// Year the country joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
}

record! {
    pub struct CountryRecord {
    /// ISO 3166-1 alpha-3 code.
    pub alpha3: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capital: Option<String>,
    #[serde(default)]
    pub asean_member: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asean_joined: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_of: Vec<Membership>,
}
}

record! {
    pub struct FrameworkRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_kind: Option<FrameworkKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launched: Option<PartialDate>,
}
}

record! {
    pub struct SectorRecord {
    /// The broader sector this one belongs to (`SUBSECTOR_OF`); tiers have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
}
}

/// An enterprise's parent group (`SUBSIDIARY_OF`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParentLink {
    pub enterprise: Id,
    /// The parent's share, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
}

record! {
    pub struct EnterpriseRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Ownership>,
    /// Home country (`HEADQUARTERED_IN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headquarters: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headquarters_city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentLink>,
    /// Sectors the enterprise works in (`IN_SECTOR`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<Id>,
}
}

/// An enterprise's part in a project (`PARTICIPATES_IN`) or zone (`DEVELOPS`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participant {
    pub enterprise: Id,
    pub role: Role,
    /// Ownership share, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
}

record! {
    pub struct ZoneRecord {
    /// Host country (`LOCATED_IN`).
    pub country: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_kind: Option<ZoneKind>,
    /// Accredited by China's commerce ministry as a national-level overseas cooperation zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_level: Option<bool>,
    /// Year established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established: Option<i32>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub developers: Vec<Participant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_km2: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}
}

record! {
    pub struct ProjectRecord {
    /// Host countries (`LOCATED_IN`); at least one.
    pub host_countries: Vec<Id>,
    /// Sectors (`IN_SECTOR`); at least one, the most specific that fit.
    pub sectors: Vec<Id>,
    /// Enterprises and their roles (`PARTICIPATES_IN`); at least one.
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_year: Option<i32>,
    /// The cooperation zone the project sits in (`IN_ZONE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<Id>,
    /// Frameworks a source ties the project to (`ALIGNED_WITH`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<Id>,
    /// Cost and finance figures, headline first, each with its own sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value: Vec<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity: Vec<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}
}

record! {
    pub struct IndicatorRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Unit of `value`: USD, zones, companies, years, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    /// What the figure covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "crate::model::is_false")]
    pub approximate: bool,
    /// The nodes the figure is about (`ABOUT`); at least one.
    pub about: Vec<Id>,
}
}

/// One parsed record of any kind.
#[derive(Debug, Clone)]
pub enum Record {
    Source(SourceRecord),
    Country(CountryRecord),
    Framework(FrameworkRecord),
    Sector(SectorRecord),
    Enterprise(EnterpriseRecord),
    Zone(ZoneRecord),
    Project(ProjectRecord),
    Indicator(IndicatorRecord),
}

impl Record {
    pub fn id(&self) -> &Id {
        match self.common() {
            Some(common) => common.id,
            None => match self {
                Record::Source(r) => &r.id,
                _ => unreachable!("only sources lack common fields"),
            },
        }
    }

    /// The common fields; `None` for sources, which have a title instead.
    pub fn common(&self) -> Option<Common<'_>> {
        match self {
            Record::Source(_) => None,
            Record::Country(r) => Some(r.common()),
            Record::Framework(r) => Some(r.common()),
            Record::Sector(r) => Some(r.common()),
            Record::Enterprise(r) => Some(r.common()),
            Record::Zone(r) => Some(r.common()),
            Record::Project(r) => Some(r.common()),
            Record::Indicator(r) => Some(r.common()),
        }
    }
}

/// Parses one record of `kind` from its JSON text, naming the JSON path of any error.
pub fn parse_record(
    kind: Kind,
    json: &str,
) -> Result<Record, serde_path_to_error::Error<serde_json::Error>> {
    let mut track = serde_path_to_error::Track::new();
    let mut json = serde_json::Deserializer::from_str(json);
    serde::de::DeserializeSeed::deserialize(
        RecordOf(kind),
        serde_path_to_error::Deserializer::new(&mut json, &mut track),
    )
    .map_err(|e| serde_path_to_error::Error::new(track.path(), e))
}

/// Reads one record of a kind from any deserializer: a record's own text, or, as streaming reads
/// it, the next element of a file's array.
pub struct RecordOf(pub Kind);

impl<'de> serde::de::DeserializeSeed<'de> for RecordOf {
    type Value = Record;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Record, D::Error> {
        Ok(match self.0 {
            Kind::Source => Record::Source(Deserialize::deserialize(d)?),
            Kind::Country => Record::Country(Deserialize::deserialize(d)?),
            Kind::Framework => Record::Framework(Deserialize::deserialize(d)?),
            Kind::Sector => Record::Sector(Deserialize::deserialize(d)?),
            Kind::Enterprise => Record::Enterprise(Deserialize::deserialize(d)?),
            Kind::Zone => Record::Zone(Deserialize::deserialize(d)?),
            Kind::Project => Record::Project(Deserialize::deserialize(d)?),
            Kind::Indicator => Record::Indicator(Deserialize::deserialize(d)?),
        })
    }
}

/// The JSON Schema of a kind's seed file, as checked in under `seed/schema/`.
pub fn file_schema(kind: Kind) -> serde_json::Value {
    fn schema_of<T: JsonSchema>(kind: Kind) -> serde_json::Value {
        let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
        let record = generator.subschema_for::<T>();
        let defs = generator.take_definitions(true);
        serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": format!("capgraph seed file: {}", kind.plural()),
            "description": format!("The {} of the capgraph dataset. See docs/seed-format.md.", kind.plural()),
            "type": "object",
            "additionalProperties": false,
            "required": [kind.plural()],
            "properties": {
                "$schema": { "type": "string", "description": "Path of this schema, for editors." },
                kind.plural(): { "type": "array", "items": record }
            },
            "$defs": defs
        })
    }
    match kind {
        Kind::Source => schema_of::<SourceRecord>(kind),
        Kind::Country => schema_of::<CountryRecord>(kind),
        Kind::Framework => schema_of::<FrameworkRecord>(kind),
        Kind::Sector => schema_of::<SectorRecord>(kind),
        Kind::Enterprise => schema_of::<EnterpriseRecord>(kind),
        Kind::Zone => schema_of::<ZoneRecord>(kind),
        Kind::Project => schema_of::<ProjectRecord>(kind),
        Kind::Indicator => schema_of::<IndicatorRecord>(kind),
    }
}
