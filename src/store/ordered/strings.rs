//! Strings by number, end to end in one buffer: the ordered index's project IDs and names.
//!
//! One `String` per project would cost a pointer, a length, a capacity and an allocation each,
//! more than most IDs and names themselves; here each costs its bytes and one offset.

use serde::{Deserialize, Serialize};

use super::{number, Numbers};

/// Strings numbered from 0, each found by where it ends.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Strings {
    pub(super) text: String,
    /// Where each string ends in `text`.
    pub(super) ends: Numbers,
}

impl Strings {
    pub(super) fn with_capacity(count: usize, bytes: usize) -> Strings {
        Strings {
            text: String::with_capacity(bytes),
            ends: Numbers(Vec::with_capacity(count)),
        }
    }

    /// Adds the next string; it takes the next number.
    pub(super) fn push(&mut self, string: &str) {
        self.text.push_str(string);
        let end =
            u32::try_from(self.text.len()).expect("a store's project IDs and names under 4 GiB");
        self.ends.push(end);
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn bytes(&self) -> usize {
        self.text.len()
    }

    /// The string numbered `at`, which must be below [`Strings::len`].
    pub(super) fn get(&self, at: u32) -> &str {
        let (start, end) = self.bounds(at);
        &self.text[start..end]
    }

    /// The strings numbered `numbers`, in their order.
    ///
    /// At a million projects each string's offsets and bytes are a cache miss of their own,
    /// one after the other. Reading every string's offsets in one loop and then every string's
    /// bytes in another lets the processor wait for the misses of a page together rather than
    /// in turn, where a loop that also copies each string, or makes an ID of it, waits for
    /// each one alone.
    pub(super) fn get_each(&self, numbers: impl Iterator<Item = u32>) -> Vec<&str> {
        let bounds: Vec<(usize, usize)> = numbers.map(|at| self.bounds(at)).collect();
        bounds
            .into_iter()
            .map(|(start, end)| &self.text[start..end])
            .collect()
    }

    /// Where the string numbered `at` starts and ends in `text`.
    fn bounds(&self, at: u32) -> (usize, usize) {
        let end = self.ends[at as usize] as usize;
        let start = match at.checked_sub(1) {
            Some(before) => self.ends[before as usize] as usize,
            None => 0,
        };
        (start, end)
    }

    /// Whether there are `count` strings, every one of them readable: ends in order, the last
    /// at the end of the text, each on a character boundary.
    pub(super) fn readable(&self, count: usize) -> bool {
        self.len() == count
            && self.ends.windows(2).all(|w| w[0] <= w[1])
            && self
                .ends
                .last()
                .is_none_or(|&e| e as usize == self.text.len())
            && self
                .ends
                .iter()
                .all(|&e| self.text.is_char_boundary(e as usize))
    }

    /// The numbers of every string, in order.
    pub(super) fn numbers(&self) -> std::ops::Range<u32> {
        0..number(self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_string_comes_back_by_its_number_empty_ones_and_other_scripts_included() {
        let mut strings = Strings::default();
        let written = ["Port", "", "桥梁", "Zone Ő"];
        for s in written {
            strings.push(s);
        }
        assert!(strings.readable(4));
        let read: Vec<&str> = strings.numbers().map(|n| strings.get(n)).collect();
        assert_eq!(read, written);
        assert!(!strings.readable(3), "the count is checked");
    }

    #[test]
    fn ends_past_the_text_or_inside_a_character_are_unreadable() {
        let mut strings = Strings::default();
        strings.push("桥");
        strings.ends[0] = 1;
        assert!(!strings.readable(1), "inside a character");
        strings.ends[0] = 9;
        assert!(!strings.readable(1), "past the text");
    }
}
