//! Loading trees in key order while a store is built: pairs are gathered in runs of bounded
//! size, and loader threads sort each full run and insert it, while the caller goes on reading
//! the next records.
//!
//! Why: a sled 0.34 insert copies the page it lands on, and in random order each insert lands
//! on a page the cache may have evicted, so a store of a million projects took many times
//! longer than its size. Sorted runs touch each page once per run. Bounded runs keep the
//! builder's memory flat in the size of the dataset; a tree bigger than one run is loaded in
//! several sorted passes.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use super::{keys, StoreError};

/// Bytes of pairs one run holds before it goes to the loader (with its bookkeeping).
const RUN_BYTES: usize = 96 * 1024 * 1024;

/// Key-value pairs in one buffer: far fewer allocations than a vector of owned pairs, which
/// for the edges of a million projects cost more than the bytes themselves.
#[derive(Default)]
pub(super) struct Run {
    bytes: Vec<u8>,
    /// Where each pair's key starts, and the lengths of its key and value.
    pairs: Vec<(usize, u32, u32)>,
}

impl Run {
    pub(super) fn push(&mut self, key: &[u8], value: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(key);
        self.bytes.extend_from_slice(value);
        self.pairs.push((start, len32(key), len32(value)));
    }

    fn size(&self) -> usize {
        self.bytes.len() + self.pairs.len() * std::mem::size_of::<(usize, u32, u32)>()
    }

    fn pair(&self, &(start, key_len, value_len): &(usize, u32, u32)) -> (&[u8], &[u8]) {
        let key_end = start + key_len as usize;
        (
            &self.bytes[start..key_end],
            &self.bytes[key_end..key_end + value_len as usize],
        )
    }

    /// Sorts by key, then value (index trees gather one pair per ID under a key).
    fn sort(&mut self) {
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.sort_unstable_by(|a, b| self.pair(a).cmp(&self.pair(b)));
        self.pairs = pairs;
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.pairs.iter().map(|p| self.pair(p))
    }
}

fn len32(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.len()).expect("a key or value under 4 GiB")
}

/// How the pairs of a run become entries of its tree.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// One entry per pair; keys are unique. Inserted in key order, which leaves sled's leaves
    /// about half full: a point read of one record decodes the 9 of its leaf.
    Records,
    /// One entry per pair; keys are unique; leaves filled (`filling_order`). For small values
    /// read in ranges: half as many pages to keep in the page table, and a page of a node's
    /// edges in fewer leaves.
    FilledRecords,
    /// Pairs are `(key, ID)`; each key's IDs become one list in parts (`keys::id_list`), merged
    /// with the list an earlier run wrote; leaves filled, as for `FilledRecords` (the search
    /// index of a million projects holds about a million keys).
    IdLists,
}

/// One tree being loaded: the run being filled, sent to its lane of the loader when full.
pub(super) struct TreeLoad {
    tree: sled::Tree,
    shape: Shape,
    lane: usize,
    run: Run,
}

impl TreeLoad {
    /// A tree loaded by `lane` of the loader; trees on different lanes load at the same time.
    pub(super) fn new(tree: sled::Tree, shape: Shape, lane: usize) -> TreeLoad {
        TreeLoad {
            tree,
            shape,
            lane,
            run: Run::default(),
        }
    }

    pub(super) fn push(
        &mut self,
        loader: &Loader,
        key: &[u8],
        value: &[u8],
    ) -> Result<(), StoreError> {
        self.run.push(key, value);
        if self.run.size() >= RUN_BYTES {
            self.send(loader)?;
        }
        Ok(())
    }

    /// Sends what is gathered to the loader; the tree is whole once [`Loader::finish`] returns.
    pub(super) fn send(&mut self, loader: &Loader) -> Result<(), StoreError> {
        if self.run.pairs.is_empty() {
            return Ok(());
        }
        let job = Job {
            tree: self.tree.clone(),
            shape: self.shape,
            run: std::mem::take(&mut self.run),
        };
        match loader.lanes.get(self.lane % loader.lanes.len().max(1)) {
            Some(lane) if lane.jobs.send(job).is_ok() => Ok(()),
            // The lane stopped on an error: `finish` returns it.
            _ => Err(StoreError::LoaderStopped),
        }
    }
}

struct Job {
    tree: sled::Tree,
    shape: Shape,
    run: Run,
}

/// The threads that sort and insert runs: one per lane, each taking its runs in the order they
/// were sent.
pub(super) struct Loader {
    lanes: Vec<Lane>,
}

struct Lane {
    jobs: SyncSender<Job>,
    thread: JoinHandle<Result<(), StoreError>>,
}

impl Loader {
    pub(super) fn start(lanes: usize) -> Result<Loader, StoreError> {
        let lanes = (0..lanes.max(1))
            .map(|lane| {
                // One run waits while one loads: the reader never gets far ahead of a lane.
                let (jobs, receiver) = sync_channel(1);
                let thread = std::thread::Builder::new()
                    .name(format!("store-loader-{lane}"))
                    .spawn(move || load_runs(receiver))
                    .map_err(StoreError::Thread)?;
                Ok(Lane { jobs, thread })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Loader { lanes })
    }

    /// Waits until every run sent is in its tree; the first error any insert met. A loader
    /// dropped without this (a build abandoned half-way) stops its threads the same way, since
    /// they hold the store open.
    pub(super) fn finish(mut self) -> Result<(), StoreError> {
        self.stop()
    }

    /// Stops every lane; the first error any insert met. Runs sent afterwards are refused.
    pub(super) fn stop(&mut self) -> Result<(), StoreError> {
        let mut result = Ok(());
        for lane in self.lanes.drain(..) {
            drop(lane.jobs);
            let lane_result = match lane.thread.join() {
                Ok(lane_result) => lane_result,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            result = result.and(lane_result);
        }
        result
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn load_runs(jobs: Receiver<Job>) -> Result<(), StoreError> {
    for mut job in jobs {
        job.run.sort();
        match job.shape {
            Shape::Records => {
                for (key, value) in job.run.iter() {
                    job.tree.insert(key, value)?;
                }
            }
            Shape::FilledRecords => {
                for (key, value) in filling_order(&job.run) {
                    job.tree.insert(key, value)?;
                }
            }
            Shape::IdLists => load_id_lists(&job.tree, &job.run)?,
        }
    }
    Ok(())
}

/// Keys a sled 0.34 leaf holds before it splits.
const LEAF_KEYS: usize = 16;

/// Pairs in each chunk are inserted in passes; a multiple of [`LEAF_KEYS`], so that every
/// chunk starts a block, and small enough that a later pass finds its leaves in the cache.
const FILL_CHUNK: usize = LEAF_KEYS * 256;

/// Which pass inserts the pair at `position` of its chunk: in each block of [`LEAF_KEYS`]
/// pairs, the first takes every other one and the last (9, as many as a split leaves on the
/// left), and the second the 7 between.
fn pass_of(position: usize) -> usize {
    let at = position % LEAF_KEYS;
    if at.is_multiple_of(2) || at == LEAF_KEYS - 1 {
        0
    } else {
        1
    }
}

/// Whether the second pass inserts the pair at `position` with a stand-in value, which the
/// third pass replaces: 3 in each block of [`LEAF_KEYS`], so that a leaf's 7 pairs of the
/// second pass make 10 changes since it was last written whole, and sled 0.34 rewrites a page
/// whole on its tenth change. (sled skips a change that sets the same value.)
fn in_third_pass(position: usize) -> bool {
    matches!(position % LEAF_KEYS, 1 | 7 | 13)
}

/// A value other than `value`, for a pair the third pass sets again.
fn stand_in(value: &[u8]) -> &'static [u8] {
    if value == [0] {
        &[1]
    } else {
        &[0]
    }
}

/// The run's pairs in the order that leaves sled's leaves full and whole; a few pairs come
/// twice, first with a stand-in value and then with their own.
///
/// Why: sled splits a leaf of 17 keys into 9 and 8, so keys inserted in order leave every leaf
/// but the last with 9 of its 16 places used. A store's memory floor is sled's table of pages,
/// a few hundred bytes per page in every process that opens it (about 0.4 KB per node at a
/// million projects), so half-empty leaves cost a server and an export that much more. Inserted
/// in passes, a chunk's leaves split on the first pass's keys alone, any 9 of which in a row
/// span 16 pairs; the second fills the 7 places left in each leaf without a split, as 7
/// fragments on its page; the third sets 3 of them again, and the last of those rewrites the
/// page as one fragment, which is what a reader then reads and the table keeps. Every pair
/// ends with its own value whatever sled does: only the layout depends on its numbers.
fn filling_order(run: &Run) -> impl Iterator<Item = (&[u8], &[u8])> {
    run.pairs.chunks(FILL_CHUNK).flat_map(move |chunk| {
        let pairs = move || {
            chunk
                .iter()
                .enumerate()
                .map(|(at, pair)| (at, run.pair(pair)))
        };
        let first = pairs()
            .filter(|&(at, _)| pass_of(at) == 0)
            .map(|(_, pair)| pair);
        let second = pairs()
            .filter(|&(at, _)| pass_of(at) == 1)
            .map(|(at, (key, value))| {
                (
                    key,
                    if in_third_pass(at) {
                        stand_in(value)
                    } else {
                        value
                    },
                )
            });
        let third = pairs()
            .filter(|&(at, _)| in_third_pass(at))
            .map(|(_, pair)| pair);
        first.chain(second).chain(third)
    })
}

/// Writes each key's IDs as one list in parts (`keys::id_list_part`), merged with what an
/// earlier run of the tree wrote, with the tree's leaves filled (`filling_order`).
fn load_id_lists(tree: &sled::Tree, run: &Run) -> Result<(), StoreError> {
    // Every list is merged before any is written, so a merge reads earlier runs' parts only.
    let mut parts = Run::default();
    let mut pairs = run.iter().peekable();
    while let Some((key, first)) = pairs.next() {
        let mut ids: Vec<&[u8]> = vec![first];
        while let Some((_, id)) = pairs.next_if(|(next, _)| *next == key) {
            ids.push(id);
        }
        let earlier = tree
            .scan_prefix(keys::id_list_parts(key))
            .values()
            .collect::<Result<Vec<_>, _>>()?;
        if !earlier.is_empty() {
            ids.extend(earlier.iter().flat_map(|part| keys::split_id_list(part)));
            ids.sort_unstable();
        }
        ids.dedup();
        // A merged list is never shorter than the earlier one, so its parts overwrite all of
        // the earlier parts.
        for (part, value) in (0..).zip(keys::id_list(ids)) {
            parts.push(&keys::id_list_part(key, part), &value);
        }
    }
    // In key order already: the run's keys are sorted, and a key's parts sort after it and
    // before any longer key that starts with it.
    for (key, value) in filling_order(&parts) {
        tree.insert(key, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Of a leaf of 17 keys, sled's split keeps this many on the left.
    const SPLIT_KEEPS: usize = LEAF_KEYS / 2 + 1;

    /// Changes to a sled 0.34 page since it was last written whole, the last of which rewrites it.
    const PAGE_FRAGMENTS: usize = 10;

    #[test]
    fn the_filling_order_inserts_each_pair_and_leaves_each_leaf_full_and_rewritten_whole() {
        // Arrange: a run of three chunks and a bit, already sorted; values [0] and [1] too.
        let mut run = Run::default();
        let count = FILL_CHUNK * 3 + 21;
        let value = |n: usize| [(n % 3) as u8];
        for n in 0..count {
            run.push(format!("{n:08}").as_bytes(), &value(n));
        }

        // Act
        let inserted: Vec<(usize, Vec<u8>)> = filling_order(&run)
            .map(|(key, value)| {
                let n = std::str::from_utf8(key).unwrap().parse().unwrap();
                (n, value.to_vec())
            })
            .collect();
        let order: Vec<usize> = inserted.iter().map(|(n, _)| *n).collect();

        // Assert: each pair's last value is its own, and any earlier one another.
        let mut last = std::collections::BTreeMap::new();
        for (n, value) in &inserted {
            if let Some(earlier) = last.insert(*n, value.clone()) {
                assert_ne!(earlier, value.clone(), "{n}");
            }
        }
        assert!(last.iter().all(|(&n, v)| *v == value(n)));
        // Every pair, in chunks, each chunk's first pass first.
        let mut distinct = order.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct, (0..count).collect::<Vec<_>>());
        let chunk = &order[..FILL_CHUNK / LEAF_KEYS * (LEAF_KEYS + 3)];
        assert!(chunk.iter().all(|&n| n < FILL_CHUNK));
        let first: Vec<usize> = chunk
            .iter()
            .copied()
            .take_while(|&n| pass_of(n) == 0)
            .collect();
        assert_eq!(first.len(), FILL_CHUNK / LEAF_KEYS * SPLIT_KEEPS);
        // A leaf split off by the first pass holds SPLIT_KEEPS of its keys in a row and ends
        // where the next begins, so it spans LEAF_KEYS pairs wherever it starts; after it,
        // such a leaf is changed PAGE_FRAGMENTS times, and the last change rewrites it whole.
        for start in 0..first.len() - SPLIT_KEEPS {
            let (lo, hi) = (first[start], first[start + SPLIT_KEEPS]);
            assert_eq!(hi - lo, LEAF_KEYS, "from {start}");
            let later = chunk[first.len()..]
                .iter()
                .filter(|&&n| (lo..hi).contains(&n));
            assert_eq!(later.count(), PAGE_FRAGMENTS, "from {start}");
        }
    }

    #[test]
    fn a_run_sorts_its_pairs_by_key_then_value() {
        let mut run = Run::default();
        for (key, value) in [("b", "1"), ("a", "2"), ("ab", ""), ("a", "1")] {
            run.push(key.as_bytes(), value.as_bytes());
        }
        run.sort();
        let sorted: Vec<(&[u8], &[u8])> = run.iter().collect();
        let expected: Vec<(&[u8], &[u8])> =
            vec![(b"a", b"1"), (b"a", b"2"), (b"ab", b""), (b"b", b"1")];
        assert_eq!(sorted, expected);
    }

    #[test]
    fn id_lists_from_two_runs_merge_in_id_order() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("search").unwrap();
        let loader = Loader::start(1).unwrap();
        let mut load = TreeLoad::new(tree.clone(), Shape::IdLists, 0);
        for id in ["project:c", "project:a"] {
            load.push(&loader, b"port", id.as_bytes()).unwrap();
        }
        load.send(&loader).unwrap();
        for id in ["project:b", "project:a"] {
            load.push(&loader, b"port", id.as_bytes()).unwrap();
        }
        load.push(&loader, b"road", b"project:d").unwrap();
        load.send(&loader).unwrap();
        loader.finish().unwrap();

        let port = tree.get(keys::id_list_part(b"port", 0)).unwrap().unwrap();
        assert_eq!(&port[..], b"project:a\0project:b\0project:c\0");
        let road = tree.get(keys::id_list_part(b"road", 0)).unwrap().unwrap();
        assert_eq!(&road[..], b"project:d\0");
        assert_eq!(tree.len(), 2, "one part each");
    }

    #[test]
    fn a_long_id_list_is_written_in_small_parts_that_read_back_in_order() {
        // Arrange: 20,000 IDs under one key over three runs, which one list would write as a
        // value of 380 KB, and a key that is a prefix of it.
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        let tree = db.open_tree("search").unwrap();
        let loader = Loader::start(1).unwrap();
        let mut load = TreeLoad::new(tree.clone(), Shape::IdLists, 0);
        let ids: Vec<String> = (0..20_000).map(|n| format!("project:gen-{n:07}")).collect();
        for run in [0, 2, 1] {
            for id in ids.iter().skip(run).step_by(3) {
                load.push(&loader, b"port", id.as_bytes()).unwrap();
            }
            load.push(&loader, b"por", b"project:x").unwrap();
            load.send(&loader).unwrap();
        }

        // Act
        loader.finish().unwrap();
        db.flush().unwrap();

        // Assert: every part is small; "por"'s one part comes first, then the parts of "port",
        // which hold every ID once, in order; sled wrote no page of them to a blob file.
        let entries: Vec<(Vec<u8>, Vec<u8>)> = tree
            .iter()
            .map(|entry| entry.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
            .collect();
        assert!(entries.iter().all(|(_, v)| v.len() <= keys::ID_LIST_BYTES));
        assert!(entries.len() > 60, "{} parts", entries.len());
        assert_eq!(keys::id_list_key(&entries[0].0), Some(&b"por"[..]));
        let port: Vec<&[u8]> = entries[1..]
            .iter()
            .inspect(|(k, _)| assert_eq!(keys::id_list_key(k), Some(&b"port"[..])))
            .flat_map(|(_, v)| keys::split_id_list(v))
            .collect();
        let expected: Vec<&[u8]> = ids.iter().map(|id| id.as_bytes()).collect();
        assert_eq!(port, expected);
        let blobs = std::fs::read_dir(dir.path().join("blobs")).map_or(0, |dir| dir.count());
        assert_eq!(blobs, 0, "sled wrote a page of the index to a blob file");
    }
}
