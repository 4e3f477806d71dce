//! Small value types shared by nodes and edges: money, quantities, dates and places.
//!
//! They double as seed wire shapes (hence the schemars derives): a figure reads the same in a
//! seed file, in the store and in the API. No field may be skipped when serialising: the store's
//! encoding is not self-describing, so a skipped field would shift every field after it. The seed
//! writer prunes nulls from the JSON it writes instead.

use std::fmt;
use std::ops::RangeInclusive;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Id;

/// Years the dataset accepts anywhere: a figure outside them is a typo, not history.
pub const YEAR_RANGE: RangeInclusive<i32> = 1950..=2100;

/// A sum of money as a source states it, with its USD value when the source gives one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Money {
    /// The amount in `currency`, in units (US$160.2 million is 160200000).
    pub amount: f64,
    /// ISO 4217 code of the currency the source uses: USD, CNY, MYR, PHP, IDR, VND, ...
    pub currency: String,
    /// The year the figure refers to, when known.
    #[serde(default)]
    pub year: Option<i32>,
    /// The value in US dollars, only when a source states it (never converted by us).
    #[serde(default)]
    pub usd: Option<f64>,
    /// True when the source gives the figure as approximate, a bound or a range.
    #[serde(default)]
    pub approximate: bool,
    /// What the figure measures: "total cost", "China Exim loan", ...
    #[serde(default)]
    pub label: Option<String>,
    /// Where the figure comes from.
    #[serde(default)]
    pub sources: Vec<Id>,
}

/// A measured size: capacity, length, area, throughput.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quantity {
    pub value: f64,
    /// Unit of `value`: MW, km, km2, GWh/yr, TEU, ...
    pub unit: String,
    #[serde(default)]
    pub approximate: bool,
    /// What is measured, or the figure as the source wrote it when it was converted.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub sources: Vec<Id>,
}

/// How exactly a location pins down a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Precision {
    Exact,
    Site,
    City,
    Region,
}

/// A WGS84 point with its precision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    pub precision: Precision,
}

/// A date known to the year, month or day: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate(String);

impl PartialDate {
    pub fn parse(text: &str) -> Result<PartialDate, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let widths_ok = matches!(parts.as_slice(), [y] | [y, _] | [y, _, _] if y.len() == 4)
            && parts[1..].iter().all(|p| p.len() == 2)
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !widths_ok {
            return Err(format!(
                "`{text}` is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
            ));
        }
        let year: i32 = parts[0]
            .parse()
            .map_err(|_| format!("`{text}` has no year"))?;
        if !YEAR_RANGE.contains(&year) {
            return Err(format!("year {year} in `{text}` is outside 1950-2100"));
        }
        if let Some(month) = parts.get(1) {
            let month: u32 = month.parse().unwrap_or(0);
            if !(1..=12).contains(&month) {
                return Err(format!("`{text}` has no month {month}"));
            }
        }
        if let Some(day) = parts.get(2) {
            let day: u32 = day.parse().unwrap_or(0);
            if !(1..=31).contains(&day) {
                return Err(format!("`{text}` has no day {day}"));
            }
        }
        Ok(PartialDate(text.to_owned()))
    }

    pub fn year(&self) -> i32 {
        self.0[..4]
            .parse()
            .expect("a parsed date starts with a year")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PartialDate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PartialDate::parse(&value)
    }
}

impl From<PartialDate> for String {
    fn from(date: PartialDate) -> String {
        date.0
    }
}

impl JsonSchema for PartialDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PartialDate".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A date known to the year, month or day: YYYY, YYYY-MM or YYYY-MM-DD (years 1950-2100).",
            "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
        })
    }
}

impl JsonSchema for Id {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A node ID, `kind:slug`: e.g. `project:suramadu-bridge`, `country:KH`.",
            "pattern": concat!(
                "^(country:[A-Z]{2}|",
                "(source|framework|sector|enterprise|zone|project|indicator):[a-z0-9]+(-[a-z0-9]+)*)$"
            )
        })
    }
}

pub fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_accept_three_precisions_and_reject_the_rest() {
        assert_eq!(PartialDate::parse("2017").unwrap().year(), 2017);
        assert!(PartialDate::parse("2017-03").is_ok());
        assert!(PartialDate::parse("2017-03-27").is_ok());
        assert!(PartialDate::parse("17-03-27").is_err());
        assert!(PartialDate::parse("2017-13").is_err());
        assert!(PartialDate::parse("1899")
            .unwrap_err()
            .contains("outside 1950-2100"));
        assert!(PartialDate::parse("2017/03").is_err());
    }
}
