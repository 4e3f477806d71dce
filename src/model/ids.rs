//! Node identity: `kind:slug` IDs parsed once, so the rest of the code never re-checks them.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The eight kinds of node in the graph. The order is the order kinds are listed and exported in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    Source,
    Country,
    Framework,
    Sector,
    Enterprise,
    Zone,
    Project,
    Indicator,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Source,
        Kind::Country,
        Kind::Framework,
        Kind::Sector,
        Kind::Enterprise,
        Kind::Zone,
        Kind::Project,
        Kind::Indicator,
    ];

    /// The prefix before the colon in an ID.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Country => "country",
            Kind::Framework => "framework",
            Kind::Sector => "sector",
            Kind::Enterprise => "enterprise",
            Kind::Zone => "zone",
            Kind::Project => "project",
            Kind::Indicator => "indicator",
        }
    }

    /// The seed file that holds nodes of this kind, and the name of its array.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Source => "sources",
            Kind::Country => "countries",
            Kind::Framework => "frameworks",
            Kind::Sector => "sectors",
            Kind::Enterprise => "enterprises",
            Kind::Zone => "zones",
            Kind::Project => "projects",
            Kind::Indicator => "indicators",
        }
    }

    pub fn from_prefix(prefix: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.prefix() == prefix)
    }

    /// A stable one-byte tag, used in index keys.
    pub fn tag(self) -> u8 {
        // Written out rather than `self as u8`: the tag is in stored keys, so reordering the
        // variants must not change it (a golden-bytes test in `store` checks the stored bytes).
        match self {
            Kind::Source => 0,
            Kind::Country => 1,
            Kind::Framework => 2,
            Kind::Sector => 3,
            Kind::Enterprise => 4,
            Kind::Zone => 5,
            Kind::Project => 6,
            Kind::Indicator => 7,
        }
    }

    pub fn from_tag(tag: u8) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|candidate| candidate.tag() == tag)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// Why a string is not an ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("`{0}` is not an ID: expected `kind:slug`, e.g. `project:suramadu-bridge`")]
    NoColon(String),
    #[error(
        "`{id}` has an unknown kind `{kind}`; kinds are source, country, framework, sector, enterprise, \
         zone, project, indicator"
    )]
    UnknownKind { id: String, kind: String },
    #[error(
        "`{0}` is not a country ID: expected `country:` and an ISO 3166-1 alpha-2 code in upper case, \
         e.g. `country:KH`"
    )]
    BadCountryCode(String),
    #[error("`{0}` has a bad slug: use lower-case letters, digits and single dashes, e.g. `project:suramadu-bridge`")]
    BadSlug(String),
}

/// A node's stable, globally unique ID: `kind:slug`.
///
/// Slugs are `[a-z0-9]+(-[a-z0-9]+)*`; a country's slug is its ISO alpha-2 code in upper case.
/// Neither can contain a NUL byte, which is what lets store keys use `\0` as a separator.
///
/// Shared rather than owned text: a query copies IDs into batches, edges, pages and cache keys
/// many times over, and a copy is then a count, not an allocation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Id(Arc<str>);

impl Id {
    pub fn parse(text: &str) -> Result<Id, IdError> {
        let (prefix, slug) = text
            .split_once(':')
            .ok_or_else(|| IdError::NoColon(text.to_owned()))?;
        let kind = Kind::from_prefix(prefix).ok_or_else(|| IdError::UnknownKind {
            id: text.to_owned(),
            kind: prefix.to_owned(),
        })?;
        let ok = if kind == Kind::Country {
            slug.len() == 2 && slug.bytes().all(|b| b.is_ascii_uppercase())
        } else {
            is_slug(slug)
        };
        if ok {
            Ok(Id(Arc::from(text)))
        } else if kind == Kind::Country {
            Err(IdError::BadCountryCode(text.to_owned()))
        } else {
            Err(IdError::BadSlug(text.to_owned()))
        }
    }

    /// Builds an ID from its kind and slug, checked as [`Id::parse`] checks any ID.
    pub fn new(kind: Kind, slug: &str) -> Result<Id, IdError> {
        Id::parse(&format!("{}:{slug}", kind.prefix()))
    }

    pub fn kind(&self) -> Kind {
        let prefix = self.0.split_once(':').map_or("", |(p, _)| p);
        Kind::from_prefix(prefix).expect("a parsed Id has a known kind")
    }

    pub fn slug(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, s)| s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Lower-case ASCII letters and digits, in parts joined by single hyphens. One pass over the
/// bytes: every ID read from the store is parsed, a few hundred for a page of 20 projects with
/// their neighbours.
fn is_slug(slug: &str) -> bool {
    // A hyphen before the first byte, so that a leading hyphen or an empty slug fails.
    let mut previous = b'-';
    for byte in slug.bytes() {
        match byte {
            b'a'..=b'z' | b'0'..=b'9' => {}
            b'-' if previous != b'-' => {}
            _ => return false,
        }
        previous = byte;
    }
    previous != b'-'
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Id {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Id::parse(&value)
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.0.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_checks_the_slug_as_parse_does() {
        assert_eq!(
            Id::new(Kind::Country, "KH").map(|id| id.as_str().to_owned()),
            Ok("country:KH".to_owned())
        );
        assert!(Id::new(Kind::Country, "kh").is_err());
        assert!(Id::new(Kind::Project, "").is_err());
    }

    #[test]
    fn parses_each_kind_and_rejects_bad_forms() {
        assert_eq!(
            Id::parse("project:suramadu-bridge").unwrap().kind(),
            Kind::Project
        );
        assert_eq!(Id::parse("country:KH").unwrap().slug(), "KH");
        assert!(matches!(
            Id::parse("country:kh"),
            Err(IdError::BadCountryCode(_))
        ));
        assert!(matches!(
            Id::parse("project:Suramadu"),
            Err(IdError::BadSlug(_))
        ));
        assert!(matches!(
            Id::parse("project:a--b"),
            Err(IdError::BadSlug(_))
        ));
        assert!(matches!(Id::parse("project:-a"), Err(IdError::BadSlug(_))));
        assert!(matches!(
            Id::parse("bridge:x"),
            Err(IdError::UnknownKind { .. })
        ));
        assert!(matches!(Id::parse("suramadu"), Err(IdError::NoColon(_))));
    }

    #[test]
    fn a_slug_is_lower_case_letters_and_digits_in_parts_joined_by_single_hyphens() {
        let by_parts = |slug: &str| {
            !slug.is_empty()
                && slug.split('-').all(|part| {
                    !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                })
        };
        // Every string of up to four of these characters.
        let alphabet = ["a", "z", "0", "9", "-", "A", "_", " ", "é", ":"];
        let mut slugs = vec![String::new()];
        let mut longest = vec![String::new()];
        for _ in 0..4 {
            longest = longest
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            slugs.extend(longest.iter().cloned());
        }
        assert!(slugs.len() > 10_000);
        for slug in &slugs {
            assert_eq!(is_slug(slug), by_parts(slug), "{slug:?}");
        }
        assert!(is_slug("a-0-z9"));
        assert!(!is_slug("a-"));
    }

    #[test]
    fn kind_tags_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_tag(kind.tag()), Some(kind));
        }
    }
}
