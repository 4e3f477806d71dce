//! The parsed-document cache: a document text seen before is neither parsed nor checked
//! against the document limits again. Clients send the same few documents with different
//! variables, and parsing was the largest single cost of a point lookup. Validation still runs
//! on every request, since it depends on the variables (on the fast path, only the part that
//! does: `super::variables`); the entry keeps the cost validation last found, which is what
//! admission knows of a document before it is parsed, and whether the document may take the
//! fast path (`super::fast`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use quick_cache::sync::Cache;
use quick_cache::Weighter;

use super::fast::{may_run_fast, FAST_PATH_MAX_COST};

/// How much document text the cache holds; a parsed document takes several times its text.
const CACHED_TEXT_BYTES: u64 = 2 * 1024 * 1024;

/// Documents that parsed and passed the document limits, by their text.
pub struct DocumentCache {
    documents: Cache<Box<str>, Arc<CachedDocument>, TextLength>,
}

/// One document as parsed, with what validating it last cost.
pub struct CachedDocument {
    document: ExecutableDocument,
    /// `usize::MAX` until a validation has measured it.
    cost: AtomicUsize,
    /// Whether its cost is the same whatever its variables, and it may run fast.
    may_run_fast: bool,
}

impl CachedDocument {
    /// A copy of the parsed document, for async-graphql to own.
    pub fn document(&self) -> ExecutableDocument {
        self.document.clone()
    }

    /// The parsed document, to read.
    pub fn parsed(&self) -> &ExecutableDocument {
        &self.document
    }

    /// The cost the last validation found, if one has run.
    pub fn cost(&self) -> Option<usize> {
        Some(self.cost.load(Ordering::Relaxed)).filter(|&cost| cost != usize::MAX)
    }

    pub fn set_cost(&self, cost: usize) {
        self.cost.store(cost, Ordering::Relaxed);
    }

    /// The cost of any request of this document, known before validating it: a validation
    /// has measured it, and it does not depend on the variables. A document whose cost does
    /// (`first: $n`) is costed anew each time.
    pub fn known_cost(&self) -> Option<usize> {
        self.cost().filter(|_| self.may_run_fast)
    }

    /// Its cost, if it may take the fast path: known, and within the fast path's bound.
    pub fn fast_cost(&self) -> Option<usize> {
        self.known_cost().filter(|&cost| cost <= FAST_PATH_MAX_COST)
    }
}

/// Weighs an entry by its text, which bounds the size of its parsed form.
#[derive(Clone)]
struct TextLength;

impl Weighter<Box<str>, Arc<CachedDocument>> for TextLength {
    fn weight(&self, text: &Box<str>, _: &Arc<CachedDocument>) -> u64 {
        text.len() as u64 + 1
    }
}

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache {
            documents: Cache::with_weighter(4_096, CACHED_TEXT_BYTES, TextLength),
        }
    }
}

impl DocumentCache {
    /// The parsed form of `text`, if it has been seen and kept.
    pub fn get(&self, text: &str) -> Option<Arc<CachedDocument>> {
        self.documents.get(text)
    }

    /// Keeps the parsed form of `text`, which has passed every document limit.
    pub fn insert(&self, text: &str, document: ExecutableDocument) -> Arc<CachedDocument> {
        let cached = Arc::new(CachedDocument {
            may_run_fast: may_run_fast(&document),
            document,
            cost: AtomicUsize::new(usize::MAX),
        });
        self.documents.insert(text.into(), Arc::clone(&cached));
        cached
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_document_is_the_one_that_was_parsed() {
        let cache = DocumentCache::default();
        let text = "query Q($id: ID!) { project(id: $id) { name } }";
        assert!(cache.get(text).is_none());
        let parsed = async_graphql::parser::parse_query(text).unwrap();
        cache.insert(text, parsed.clone());
        let cached = cache.get(text).expect("kept");
        assert_eq!(format!("{:?}", cached.document()), format!("{parsed:?}"));
        assert_eq!(cached.cost(), None);
        cached.set_cost(7);
        assert_eq!(cache.get(text).and_then(|c| c.cost()), Some(7));
        assert!(cache.get("{ project(id: \"x\") { name } }").is_none());
    }

    #[test]
    fn the_cache_stays_within_its_text_budget() {
        let cache = DocumentCache::default();
        let parsed = async_graphql::parser::parse_query("{ __typename }").unwrap();
        let padding = " ".repeat(64 * 1024);
        for i in 0..100 {
            cache.insert(&format!("{{ __typename }}{padding}# {i}"), parsed.clone());
        }
        assert!(cache.documents.weight() <= CACHED_TEXT_BYTES);
        assert!(cache.documents.len() < 100);
    }
}
