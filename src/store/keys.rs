//! Byte layouts of every sled key; owns key ordering; knows nothing of GraphQL or JSON.
//!
//! IDs never contain a NUL byte (see `model::Id`), so `\0` separates the parts of a key and a
//! prefix that ends in `\0` matches one whole ID, never a longer one that starts the same way.
//! Numbers are big-endian so that byte order is numeric order.

use crate::model::{EdgeType, Id, Kind, Status};

const SEP: u8 = 0;

/// `nodes` tree: `id` → encoded node.
pub fn node(id: &Id) -> Vec<u8> {
    id.as_str().as_bytes().to_vec()
}

/// `out` tree: `from \0 type \0 to` → encoded edge properties.
/// `in` tree: `to \0 type \0 from` → empty.
///
/// ```text
///  p r o j e c t : x  00  07  00  f r a m e w o r k : y
///  └── near end ────┘ sep tag sep └──── far end ──────┘
/// ```
pub fn adjacency(near: &Id, edge_type: EdgeType, far: &Id) -> Vec<u8> {
    let mut key = adjacency_prefix(near, Some(edge_type));
    key.extend_from_slice(far.as_str().as_bytes());
    key
}

/// Prefix of every adjacency key of `near`, or of those of one edge type.
pub fn adjacency_prefix(near: &Id, edge_type: Option<EdgeType>) -> Vec<u8> {
    let mut key = Vec::with_capacity(near.as_str().len() + 3);
    key.extend_from_slice(near.as_str().as_bytes());
    key.push(SEP);
    if let Some(t) = edge_type {
        key.push(t.tag());
        key.push(SEP);
    }
    key
}

/// Splits an adjacency key into its edge type and far end.
pub fn parse_adjacency(key: &[u8]) -> Option<(EdgeType, Id)> {
    let sep = key.iter().position(|&b| b == SEP)?;
    let rest = key.get(sep + 1..)?;
    let (&tag, rest) = rest.split_first()?;
    let far = rest.strip_prefix(&[SEP])?;
    let edge_type = EdgeType::from_tag(tag)?;
    let far = Id::parse(std::str::from_utf8(far).ok()?).ok()?;
    Some((edge_type, far))
}

/// `by_status` tree: `kind status id` → empty.
pub fn status(kind: Kind, status: Status, id: &Id) -> Vec<u8> {
    let mut key = status_prefix(kind, status);
    key.extend_from_slice(id.as_str().as_bytes());
    key
}

pub fn status_prefix(kind: Kind, status: Status) -> Vec<u8> {
    vec![kind.tag(), status.tag()]
}

/// `by_year` tree: `kind year(u16 BE) id` → empty, for start years.
pub fn year(kind: Kind, year: i32, id: &Id) -> Vec<u8> {
    let mut key = year_bound(kind, year);
    key.extend_from_slice(id.as_str().as_bytes());
    key
}

/// The smallest `by_year` key of a year: scans run from `year_bound(lo)` to `year_bound(hi + 1)`.
pub fn year_bound(kind: Kind, year: i32) -> Vec<u8> {
    let year = u16::try_from(year.clamp(0, i32::from(u16::MAX))).unwrap_or(u16::MAX);
    let mut key = vec![kind.tag()];
    key.extend_from_slice(&year.to_be_bytes());
    key
}

/// The ID at the end of a `by_status` or `by_year` key.
pub fn id_after(key: &[u8], prefix_len: usize) -> Option<Id> {
    Id::parse(std::str::from_utf8(key.get(prefix_len..)?).ok()?).ok()
}

/// `search` tree: `token \0 id` → empty.
pub fn search(token: &str, id: &Id) -> Vec<u8> {
    let mut key = Vec::with_capacity(token.len() + 1 + id.as_str().len());
    key.extend_from_slice(token.as_bytes());
    key.push(SEP);
    key.extend_from_slice(id.as_str().as_bytes());
    key
}

/// Prefix of the `search` keys of one token (`exact`), or of every token starting with `token`.
pub fn search_prefix(token: &str, exact: bool) -> Vec<u8> {
    let mut key = token.as_bytes().to_vec();
    if exact {
        key.push(SEP);
    }
    key
}

/// Splits a `search` key into its token and ID.
pub fn parse_search(key: &[u8]) -> Option<(&str, Id)> {
    let sep = key.iter().position(|&b| b == SEP)?;
    let token = std::str::from_utf8(&key[..sep]).ok()?;
    let id = Id::parse(std::str::from_utf8(&key[sep + 1..]).ok()?).ok()?;
    Some((token, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> Id {
        Id::parse(text).unwrap()
    }

    #[test]
    fn adjacency_keys_round_trip_and_prefixes_match_whole_ids() {
        let key = adjacency(
            &id("project:a"),
            EdgeType::ParticipatesIn,
            &id("enterprise:b"),
        );
        assert_eq!(
            parse_adjacency(&key),
            Some((EdgeType::ParticipatesIn, id("enterprise:b")))
        );
        assert!(key.starts_with(&adjacency_prefix(&id("project:a"), None)));
        let longer = adjacency(&id("project:a-b"), EdgeType::LocatedIn, &id("country:KH"));
        assert!(!longer.starts_with(&adjacency_prefix(&id("project:a"), None)));
    }

    #[test]
    fn year_keys_sort_in_numeric_order() {
        let mut years = vec![2100, 1950, 2009, 1999, 2010, 2000];
        let mut keys: Vec<Vec<u8>> = years
            .iter()
            .map(|&y| year(Kind::Project, y, &id("project:x")))
            .collect();
        keys.sort();
        years.sort();
        let decoded: Vec<i32> = keys
            .iter()
            .map(|k| i32::from(u16::from_be_bytes([k[1], k[2]])))
            .collect();
        assert_eq!(decoded, years);
    }

    #[test]
    fn search_keys_round_trip() {
        let key = search("交建", &id("enterprise:cccc"));
        assert_eq!(parse_search(&key), Some(("交建", id("enterprise:cccc"))));
    }
}
