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

/// Where the nodes of `kind` start in the `nodes` tree: every such key has this prefix.
pub fn kind_prefix(kind: Kind) -> Vec<u8> {
    format!("{}:", kind.prefix()).into_bytes()
}

/// The first `nodes` key after `id`'s (and after any key that extends it).
pub fn node_after(id: &Id) -> Vec<u8> {
    let mut key = node(id);
    key.push(SEP);
    key
}

/// `out` tree: `from \0 type \0 to` → encoded edge properties.
/// `in` tree: `to \0 type \0 from` → the same encoded edge properties, so that a page of
/// in-edges is one range scan.
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

/// Prefix of the adjacency keys of `near` over `edge_type` whose far end is of `far_kind`:
/// `near \0 type \0 kind:`. Far ends sort by ID, so a page in ID order is one range scan.
pub fn adjacency_kind_prefix(near: &Id, edge_type: EdgeType, far_kind: Kind) -> Vec<u8> {
    let mut key = adjacency_prefix(near, Some(edge_type));
    key.extend_from_slice(far_kind.prefix().as_bytes());
    key.push(b':');
    key
}

/// The first adjacency key after `near \0 type \0 far` and everything that starts with it.
pub fn adjacency_after(near: &Id, edge_type: EdgeType, far: &Id) -> Vec<u8> {
    let mut key = adjacency(near, edge_type, far);
    key.push(SEP);
    key
}

/// `degree` tree: `direction near \0 type \0 kind:` → how many edges of `type` join `near`
/// to nodes of `kind` in that direction (u64 big-endian), for nodes with at least
/// [`DEGREE_KEPT_FROM`] of them; fewer are counted by scanning.
pub fn degree(out: bool, near: &Id, edge_type: EdgeType, far_kind: Kind) -> Vec<u8> {
    degree_of_group(out, &adjacency_kind_prefix(near, edge_type, far_kind))
}

/// The `degree` key of a group of adjacency keys, as [`adjacency_group`] finds it.
pub fn degree_of_group(out: bool, group: &[u8]) -> Vec<u8> {
    let mut key = vec![u8::from(!out)];
    key.extend_from_slice(group);
    key
}

/// The part of an adjacency key that names its group, `near \0 type \0 kind:` (through the
/// colon that ends the far end's kind); `None` for a key of another shape.
pub fn adjacency_group(key: &[u8]) -> Option<&[u8]> {
    let (second_sep, _) = key.iter().enumerate().filter(|(_, &b)| b == SEP).nth(1)?;
    let colon = key[second_sep..].iter().position(|&b| b == b':')?;
    Some(&key[..second_sep + colon + 1])
}

/// Smallest count the `degree` tree keeps: below it, a scan of the adjacency keys is as cheap
/// as a lookup, and the tree stays small.
pub const DEGREE_KEPT_FROM: u64 = 32;

/// The near end of an adjacency key, as it is written; `None` for a key of another shape.
pub fn adjacency_near(key: &[u8]) -> Option<&str> {
    let sep = key.iter().position(|&b| b == SEP)?;
    std::str::from_utf8(&key[..sep]).ok()
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

// The index trees hold one key per indexed value, and the IDs that have it as one value (see
// `id_list`), not a key per (value, ID) pair: sled 0.34 keeps a few hundred bytes of memory per
// page from the moment a store opens, and a page holds at most 16 keys, so one key per pair made
// these indexes a third of every process's memory floor.

/// `by_status` tree: `kind status` → the IDs with that status.
pub fn status(kind: Kind, status: Status) -> Vec<u8> {
    vec![kind.tag(), status.tag()]
}

/// `by_year` tree: `kind year(u16 BE)` → the IDs that start in that year. Scans for `lo..=hi` run
/// from `year(lo)` to `year(hi + 1)`.
pub fn year(kind: Kind, year: i32) -> Vec<u8> {
    let year = u16::try_from(year.clamp(0, i32::from(u16::MAX))).unwrap_or(u16::MAX);
    let mut key = vec![kind.tag()];
    key.extend_from_slice(&year.to_be_bytes());
    key
}

/// `search` tree: `token` → the IDs whose names hold it. A prefix scan over the tree finds every
/// token that starts with some text.
pub fn search(token: &str) -> Vec<u8> {
    token.as_bytes().to_vec()
}

/// The value of an index key: IDs in ascending order, each followed by `\0`.
pub fn id_list<'a>(ids: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut value = Vec::new();
    for id in ids {
        value.extend_from_slice(id);
        value.push(SEP);
    }
    value
}

/// The IDs of an [`id_list`], as bytes, unchecked.
pub fn split_id_list(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .strip_suffix(&[SEP])
        .into_iter()
        .flat_map(|body| body.split(|&b| b == SEP))
}

/// Reads an [`id_list`] back; `None` when any part is not an ID.
pub fn parse_id_list(value: &[u8]) -> Option<Vec<Id>> {
    value.strip_suffix(&[SEP])?;
    split_id_list(value)
        .map(|part| Id::parse(std::str::from_utf8(part).ok()?).ok())
        .collect()
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
    fn an_adjacency_keys_group_is_the_degree_key_of_its_near_end_type_and_far_kind() {
        let near = id("country:KH");
        let key = adjacency(&near, EdgeType::LocatedIn, &id("project:a"));
        let group = adjacency_group(&key).expect("an adjacency key has a group");
        assert_eq!(
            degree_of_group(false, group),
            degree(false, &near, EdgeType::LocatedIn, Kind::Project)
        );
        assert_eq!(adjacency_group(b"country:KH"), None);
    }

    #[test]
    fn year_keys_sort_in_numeric_order() {
        let mut years = vec![2100, 1950, 2009, 1999, 2010, 2000];
        let mut keys: Vec<Vec<u8>> = years.iter().map(|&y| year(Kind::Project, y)).collect();
        keys.sort();
        years.sort();
        let decoded: Vec<i32> = keys
            .iter()
            .map(|k| i32::from(u16::from_be_bytes([k[1], k[2]])))
            .collect();
        assert_eq!(decoded, years);
    }

    #[test]
    fn id_lists_round_trip_and_refuse_what_is_not_one() {
        let ids = [id("enterprise:cccc"), id("project:suramadu-bridge")];
        let value = id_list(ids.iter().map(|id| id.as_str().as_bytes()));
        assert_eq!(parse_id_list(&value), Some(ids.to_vec()));
        assert_eq!(
            parse_id_list(&value[..value.len() - 1]),
            None,
            "unterminated"
        );
        assert_eq!(parse_id_list(b"not an id\0"), None);
        assert_eq!(parse_id_list(b""), None, "an index key always has an ID");
    }
}
