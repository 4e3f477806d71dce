//! Indicators: sourced figures about the cooperation as a whole.

use super::*;

pub(super) fn indicator_attrs(e: &Entity) -> ApiResult<Option<&model::IndicatorAttrs>> {
    Ok(match &e.node()?.attrs {
        NodeAttrs::Indicator(i) => Some(i),
        _ => None,
    })
}

node_object!(
    #[Object(serial)]
    /// A sourced figure, such as the number of Chinese cooperation zones in ASEAN.
    Indicator {
        /// The figure.
        async fn value(&self) -> async_graphql::Result<Option<f64>> {
            Ok(indicator_attrs(&self.0)?.and_then(|i| i.value))
        }
        /// Its unit: USD, zones, companies, years, ...
        async fn unit(&self) -> async_graphql::Result<Option<&str>> {
            Ok(indicator_attrs(&self.0)?.and_then(|i| i.unit.as_deref()))
        }
        /// The date the figure refers to.
        async fn as_of(&self) -> async_graphql::Result<Option<String>> {
            Ok(indicator_attrs(&self.0)?
                .and_then(|i| i.as_of.as_ref())
                .map(|d| d.to_string()))
        }
        /// What the figure covers.
        async fn scope(&self) -> async_graphql::Result<Option<&str>> {
            Ok(indicator_attrs(&self.0)?.and_then(|i| i.scope.as_deref()))
        }
        /// True when the figure is approximate or a bound.
        async fn approximate(&self) -> async_graphql::Result<bool> {
            Ok(indicator_attrs(&self.0)?.is_some_and(|i| i.approximate))
        }
        /// The nodes the figure is about.
        async fn about(&self) -> async_graphql::Result<Vec<NodeIface>> {
            Ok(self
                .0
                .batch
                .links(self.0.id(), &[Et::About], Dir::Out)?
                .into_iter()
                .map(|l| l.entity.into())
                .collect())
        }
    }
);
