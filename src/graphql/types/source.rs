//! Sources: the publications, datasets and pages facts come from.

use super::*;

pub(super) fn source_attrs(e: &Entity) -> ApiResult<Option<&model::SourceAttrs>> {
    Ok(match &e.node()?.attrs {
        NodeAttrs::Source(s) => Some(s),
        _ => None,
    })
}

node_object!(
    #[Object(serial)]
    /// A publication, dataset or web page that facts come from.
    Source {
        /// Title of the article, page or dataset.
        async fn title(&self) -> async_graphql::Result<&str> {
            Ok(source_attrs(&self.0)?.map_or("", |s| s.title.as_str()))
        }
        /// Who published it.
        async fn publisher(&self) -> async_graphql::Result<Option<&str>> {
            Ok(source_attrs(&self.0)?.and_then(|s| s.publisher.as_deref()))
        }
        /// Publication date (YYYY, YYYY-MM or YYYY-MM-DD).
        async fn date(&self) -> async_graphql::Result<Option<String>> {
            Ok(source_attrs(&self.0)?
                .and_then(|s| s.date.as_ref())
                .map(|d| d.to_string()))
        }
        /// Where it was read.
        async fn url(&self) -> async_graphql::Result<Option<&str>> {
            Ok(source_attrs(&self.0)?.and_then(|s| s.url.as_deref()))
        }
    }
);
