//! Indicators: sourced figures about the cooperation as a whole.

use super::*;

pub(super) fn indicator_attrs(e: &Entity) -> Option<&model::IndicatorAttrs> {
    match &e.node.attrs {
        NodeAttrs::Indicator(i) => Some(i),
        _ => None,
    }
}

node_object!(
    #[Object(serial)]
    /// A sourced figure, such as the number of Chinese cooperation zones in ASEAN.
    Indicator {
        /// The figure.
        async fn value(&self) -> Option<f64> {
            indicator_attrs(&self.0).and_then(|i| i.value)
        }
        /// Its unit: USD, zones, companies, years, ...
        async fn unit(&self) -> Option<&str> {
            indicator_attrs(&self.0).and_then(|i| i.unit.as_deref())
        }
        /// The date the figure refers to.
        async fn as_of(&self) -> Option<String> {
            indicator_attrs(&self.0)
                .and_then(|i| i.as_of.as_ref())
                .map(|d| d.to_string())
        }
        /// What the figure covers.
        async fn scope(&self) -> Option<&str> {
            indicator_attrs(&self.0).and_then(|i| i.scope.as_deref())
        }
        /// True when the figure is approximate or a bound.
        async fn approximate(&self) -> bool {
            indicator_attrs(&self.0).is_some_and(|i| i.approximate)
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
