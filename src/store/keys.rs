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

// The index trees hold, for each indexed value, the IDs that have it as a few lists of up to
// `ID_LIST_BYTES` (see `id_list_part`), not a key per (value, ID) pair: sled 0.34 keeps a few
// hundred bytes of memory per page from the moment a store opens, and a page holds at most 16
// keys, so one key per pair made these indexes a third of every process's memory floor.

/// `by_status` tree: `kind status` → the IDs with that status (in parts: [`id_list_part`]).
pub fn status(kind: Kind, status: Status) -> Vec<u8> {
    vec![kind.tag(), status.tag()]
}

/// `by_year` tree: `kind year(u16 BE)` → the IDs that start in that year (in parts). Scans for
/// `lo..=hi` run from `year(lo)` to `year(hi + 1)`.
pub fn year(kind: Kind, year: i32) -> Vec<u8> {
    let year = u16::try_from(year.clamp(0, i32::from(u16::MAX))).unwrap_or(u16::MAX);
    let mut key = vec![kind.tag()];
    key.extend_from_slice(&year.to_be_bytes());
    key
}

/// `search` tree: `token` → the IDs whose names hold it (in parts). A prefix scan over the tree
/// finds every token that starts with some text.
pub fn search(token: &str) -> Vec<u8> {
    token.as_bytes().to_vec()
}

/// Bytes of IDs one part of an index key's list holds, unless a single ID is longer.
///
/// Why parts: sled 0.34 writes a page of more than a quarter of its 512 KiB log segment to a
/// blob file of its own, and every time a store opens it reads again each blob its last
/// segment points to. One list per key made the list of a common word a blob of megabytes,
/// read at every start when the seeding happened to write it last: about 6 MB more in the
/// memory floor of an export at scale 100. A leaf of 16 parts of this size stays under that
/// threshold.
pub const ID_LIST_BYTES: usize = 4096;

/// The key of part `part` of `key`'s list of IDs: `key \0 part(u32 BE)`. The parts of a key
/// follow it, in order, before any longer key that starts with it, since no index key holds
/// `\0` (tokens are letters and digits; statuses and years are fixed-length).
pub fn id_list_part(key: &[u8], part: u32) -> Vec<u8> {
    let mut bytes = id_list_parts(key);
    bytes.extend_from_slice(&part.to_be_bytes());
    bytes
}

/// The prefix every part of `key`'s list shares, and no other key.
pub fn id_list_parts(key: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(key.len() + 5);
    bytes.extend_from_slice(key);
    bytes.push(SEP);
    bytes
}

/// The index key that a part's key belongs to.
pub fn id_list_key(part_key: &[u8]) -> Option<&[u8]> {
    let (key, suffix) = part_key.split_at_checked(part_key.len().checked_sub(5)?)?;
    (suffix[0] == SEP).then_some(key)
}

/// The values of a list's parts: IDs in ascending order, each followed by `\0`, cut after
/// [`ID_LIST_BYTES`].
pub fn id_list<'a>(ids: impl IntoIterator<Item = &'a [u8]>) -> Vec<Vec<u8>> {
    let mut parts = Vec::new();
    let mut value = Vec::new();
    for id in ids {
        if !value.is_empty() && value.len() + id.len() + 1 > ID_LIST_BYTES {
            parts.push(std::mem::take(&mut value));
        }
        value.extend_from_slice(id);
        value.push(SEP);
    }
    if !value.is_empty() {
        parts.push(value);
    }
    parts
}

/// The IDs of one part of an [`id_list`], as bytes, unchecked.
pub fn split_id_list(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .strip_suffix(&[SEP])
        .into_iter()
        .flat_map(|body| body.split(|&b| b == SEP))
}

/// Reads one part of an [`id_list`] back; `None` when any piece is not an ID.
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
        let parts = id_list(ids.iter().map(|id| id.as_str().as_bytes()));
        let [value] = &parts[..] else {
            panic!("two short IDs make one part")
        };
        assert_eq!(parse_id_list(value), Some(ids.to_vec()));
        assert_eq!(
            parse_id_list(&value[..value.len() - 1]),
            None,
            "unterminated"
        );
        assert_eq!(parse_id_list(b"not an id\0"), None);
        assert_eq!(parse_id_list(b""), None, "an index key always has an ID");
    }

    #[test]
    fn the_parts_of_a_list_are_small_follow_their_key_and_name_it() {
        let ids: Vec<String> = (0..1_000).map(|n| format!("project:p{n:04}")).collect();
        let parts = id_list(ids.iter().map(|id| id.as_bytes()));
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|part| part.len() <= ID_LIST_BYTES));
        let joined: Vec<&[u8]> = parts.iter().flat_map(|part| split_id_list(part)).collect();
        assert_eq!(
            joined,
            ids.iter().map(|id| id.as_bytes()).collect::<Vec<_>>()
        );

        let long = "x".repeat(ID_LIST_BYTES);
        assert_eq!(
            id_list([long.as_bytes()]).len(),
            1,
            "an ID longer than a part"
        );

        let mut part_keys = [
            id_list_part(b"port", 1),
            id_list_part(b"portal", 0),
            id_list_part(b"port", 0),
            id_list_part(b"por", 7),
        ];
        part_keys.sort();
        let owners: Vec<&[u8]> = part_keys.iter().filter_map(|k| id_list_key(k)).collect();
        assert_eq!(owners, [&b"por"[..], b"port", b"port", b"portal"]);
        assert!(part_keys[1..3]
            .iter()
            .all(|k| k.starts_with(&id_list_parts(b"port"))));
        assert!(!part_keys[3].starts_with(&id_list_parts(b"port")));
        assert_eq!(id_list_key(b"port"), None, "no part suffix");
    }
}
