//! `search`: ranked, case- and accent-insensitive, prefix-aware matching over names and aliases,
//! in Latin and unspaced scripts alike.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};

use super::entity::{Batch, Entity};
use super::enums::NodeKind;
use super::error::{ApiError, ApiResult};
use super::types::{store, NodeIface};
use crate::model::{Id, Kind, Node};
use crate::text::{self, Lookup, Token};

/// Most hits one search returns.
const MAX_HITS: i32 = 100;
/// Most candidates ranked by name before the weakest are dropped.
const MAX_CANDIDATES: usize = 5_000;

/// One search result.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct SearchHit {
    /// The node found.
    pub node: NodeIface,
    /// Relevance, higher is better: 1 per query word matched exactly (prefixes count less),
    /// divided by the number of words, plus a bonus when a whole name matches; sources count
    /// four fifths, so that the things they describe come first.
    pub score: f64,
    /// The name or alias that matched best.
    pub matched: String,
}

#[derive(Default)]
pub struct SearchQuery;

/// How well an indexed token answers a query token: 1 for the same token, less for a prefix.
fn weight(query: &Token, found: &str) -> f64 {
    let q = query.text();
    if found == q {
        1.0
    } else {
        0.5 + 0.4 * (q.chars().count() as f64 / found.chars().count().max(1) as f64)
    }
}

/// How well one name matches the whole query, for the bonus and for `matched`.
fn name_match(name: &str, folded_query: &str) -> f64 {
    let folded = text::fold(name);
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded == folded_query {
        1.0
    } else if folded.starts_with(folded_query) {
        0.5
    } else if folded.contains(folded_query) {
        0.25
    } else {
        0.0
    }
}

#[Object(serial)]
impl SearchQuery {
    /// Finds nodes by name or alias: "suramadu", "Surabaya Madura", "CCCC", "china comm",
    /// "中国交建" and "大唐" all find what a person means. Best hits first.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for: words, a prefix, or characters in any script.")]
        text: String,
        #[graphql(desc = "Only these kinds of node (all kinds when absent).")] kinds: Option<
            Vec<NodeKind>,
        >,
        #[graphql(desc = "How many hits to return, at most 100.", default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<SearchHit>> {
        if !(0..=MAX_HITS).contains(&first) {
            return Err(ApiError::LimitExceeded(format!(
                "`first` is {first}; search returns 0 to {MAX_HITS} hits"
            ))
            .into());
        }
        let tokens = text::query_tokens(&text);
        if tokens.is_empty() {
            return Err(ApiError::BadUserInput(format!(
                "`text` has nothing to search for: `{text}`"
            ))
            .into());
        }
        let kinds: Option<Vec<Kind>> = kinds.map(|k| k.into_iter().map(Into::into).collect());
        let store = store(ctx);
        let mut best: HashMap<Id, Vec<f64>> = HashMap::new();
        for (i, token) in tokens.iter().enumerate() {
            let exact = text::lookup(&tokens, i) == Lookup::Whole;
            for (found, id) in store.search_tokens(token.text(), exact)? {
                if kinds.as_ref().is_some_and(|k| !k.contains(&id.kind())) {
                    continue;
                }
                let slot = &mut best.entry(id).or_insert_with(|| vec![0.0; tokens.len()])[i];
                *slot = slot.max(weight(token, &found));
            }
        }
        let n = tokens.len() as f64;
        let mut ranked: Vec<(Id, f64)> = best
            .into_iter()
            .map(|(id, w)| (id, w.iter().sum::<f64>() / n))
            .filter(|(_, s)| *s >= 0.5 || n == 1.0)
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(MAX_CANDIDATES);

        let ids: Vec<Id> = ranked.iter().map(|(id, _)| id.clone()).collect();
        // A node the index names may be missing from the store; scores go by ID, not position.
        let base_scores: HashMap<Id, f64> = ranked.into_iter().collect();
        let entities = Batch::load(store, &ids)?;
        let folded_query = text::fold(&text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut hits: Vec<(f64, String, Arc<Node>, Entity)> = entities
            .into_iter()
            .map(|entity| {
                let node = Arc::clone(entity.node()?);
                let base = base_scores.get(entity.id()).copied().unwrap_or_default();
                let (bonus, matched) = node
                    .names()
                    .map(|name| (name_match(name, &folded_query), name))
                    .fold((0.0, node.name.as_str()), |acc, (s, name)| {
                        if s > acc.0 {
                            (s, name)
                        } else {
                            acc
                        }
                    });
                let matched = matched.to_owned();
                // A source titled after a thing should not outrank the thing itself.
                let weight = if entity.kind() == Kind::Source {
                    0.8
                } else {
                    1.0
                };
                let score = (base + bonus * 0.5).min(1.5) * weight;
                Ok((score, matched, node, entity))
            })
            .collect::<ApiResult<_>>()?;
        hits.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.2.name.len().cmp(&b.2.name.len()))
                .then_with(|| a.3.id().cmp(b.3.id()))
        });
        Ok(hits
            .into_iter()
            .take(usize::try_from(first).unwrap_or(0))
            .map(|(score, matched, _, entity)| SearchHit {
                node: entity.into(),
                score: (score * 1000.0).round() / 1000.0,
                matched,
            })
            .collect())
    }
}
