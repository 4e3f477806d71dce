//! The parsed-document cache: a document text seen before is neither parsed nor checked
//! against the document limits again. Clients send the same few documents with different
//! variables, and parsing was the largest single cost of a point lookup. Validation still runs
//! on every request, since it depends on the variables.

use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use quick_cache::sync::Cache;
use quick_cache::Weighter;

/// How much document text the cache holds; a parsed document takes several times its text.
const CACHED_TEXT_BYTES: u64 = 2 * 1024 * 1024;

/// Documents that parsed and passed the document limits, by their text.
pub struct DocumentCache {
    documents: Cache<Box<str>, Arc<ExecutableDocument>, TextLength>,
}

/// Weighs an entry by its text, which bounds the size of its parsed form.
#[derive(Clone)]
struct TextLength;

impl Weighter<Box<str>, Arc<ExecutableDocument>> for TextLength {
    fn weight(&self, text: &Box<str>, _: &Arc<ExecutableDocument>) -> u64 {
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
    /// A copy of the parsed form of `text`, if it has been seen and kept.
    pub fn get(&self, text: &str) -> Option<ExecutableDocument> {
        self.documents.get(text).map(|document| (*document).clone())
    }

    /// Keeps the parsed form of `text`, which has passed every document limit.
    pub fn insert(&self, text: &str, document: &ExecutableDocument) {
        self.documents
            .insert(text.into(), Arc::new(document.clone()));
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
        cache.insert(text, &parsed);
        let cached = cache.get(text).expect("kept");
        assert_eq!(format!("{cached:?}"), format!("{parsed:?}"));
        assert!(cache.get("{ project(id: \"x\") { name } }").is_none());
    }

    #[test]
    fn the_cache_stays_within_its_text_budget() {
        let cache = DocumentCache::default();
        let parsed = async_graphql::parser::parse_query("{ __typename }").unwrap();
        let padding = " ".repeat(64 * 1024);
        for i in 0..100 {
            cache.insert(&format!("{{ __typename }}{padding}# {i}"), &parsed);
        }
        assert!(cache.documents.weight() <= CACHED_TEXT_BYTES);
        assert!(cache.documents.len() < 100);
    }
}
