//! Frameworks: initiatives, agreements, plans and organisations.

use super::*;

node_object!(
    #[Object(serial)]
    /// An initiative, agreement, blueprint, plan, mechanism or organisation.
    Framework {
        /// What sort of framework it is.
        async fn framework_kind(&self) -> async_graphql::Result<Option<FrameworkKind>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Framework(f) => f.framework_kind.map(Into::into),
                _ => None,
            })
        }
        /// When it was launched, signed or adopted.
        async fn launched(&self) -> async_graphql::Result<Option<String>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Framework(f) => f.launched.as_ref().map(|d| d.to_string()),
                _ => None,
            })
        }
        /// Member countries.
        async fn members(&self) -> async_graphql::Result<Vec<Country>> {
            Ok(neighbours(&self.0, &[Et::MemberOf], Dir::In, Kind::Country, Country)?)
        }
        /// Projects a source ties to this framework.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn projects(
            &self,
            ctx: &Context<'_>
        ) [first, after] -> async_graphql::Result<ProjectConnection> {
            Ok(ProjectConnection::from_page(whole_list_page(
                &self.0,
                &[Et::AlignedWith],
                Dir::In,
                Kind::Project,
                PageArgs::forward(ctx, first, after.as_ref()),
            )?))
        }
    }
);
