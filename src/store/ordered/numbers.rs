//! Project numbers by ID: a hash table over the ordered index's IDs, so that finding a
//! project's number costs a hash and a probe or two instead of a binary search over every ID.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// Each project's number, found by its ID. It holds numbers only, and the IDs stay in the
/// index, which `id` reads: 5 bytes per bucket, 6 to 11 per project.
pub(in crate::store) struct NumberTable {
    numbers: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl NumberTable {
    /// The table of `count` projects whose IDs `id` gives by number.
    pub(super) fn build<'a>(count: u32, id: impl Fn(u32) -> &'a str) -> NumberTable {
        let hasher = DefaultHashBuilder::default();
        let mut numbers = HashTable::with_capacity(count as usize);
        for number in 0..count {
            numbers.insert_unique(hasher.hash_one(id(number)), number, |&n| {
                hasher.hash_one(id(n))
            });
        }
        NumberTable { numbers, hasher }
    }

    /// The number of the project whose ID is `wanted`, if one has it.
    pub(super) fn find<'a>(&self, wanted: &str, id: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.numbers
            .find(self.hasher.hash_one(wanted), |&n| id(n) == wanted)
            .copied()
    }
}

/// Built from the index's IDs, so two indexes with equal IDs have equal tables.
impl PartialEq for NumberTable {
    fn eq(&self, _: &NumberTable) -> bool {
        true
    }
}

impl std::fmt::Debug for NumberTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NumberTable({} projects)", self.numbers.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_finds_its_number_and_no_other_id_finds_one() {
        let ids: Vec<String> = (0..1000).map(|n| format!("project:p{n:05}")).collect();
        let table = NumberTable::build(1000, |n| ids[n as usize].as_str());
        for (number, id) in ids.iter().enumerate() {
            assert_eq!(
                table.find(id, |n| ids[n as usize].as_str()),
                Some(number as u32)
            );
        }
        for absent in [
            "project:p01000",
            "project:p0000",
            "project:",
            "enterprise:p00001",
        ] {
            assert_eq!(table.find(absent, |n| ids[n as usize].as_str()), None);
        }
        let none: Vec<String> = Vec::new();
        let empty = NumberTable::build(0, |n| none[n as usize].as_str());
        assert_eq!(
            empty.find("project:p00000", |n| none[n as usize].as_str()),
            None
        );
    }
}
