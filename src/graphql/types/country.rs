//! Countries: China and the ASEAN members, with what is located in them.

use super::*;

node_object!(
    #[Object(serial)]
    /// A country: China or an ASEAN member state.
    Country {
        /// ISO 3166-1 alpha-2 code, e.g. `KH`.
        async fn code(&self) -> &str {
            self.0.id().slug()
        }
        /// ISO 3166-1 alpha-3 code, e.g. `KHM`.
        async fn alpha3(&self) -> async_graphql::Result<Option<&str>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Country(c) => Some(c.alpha3.as_str()),
                _ => None,
            })
        }
        /// Official long name.
        async fn official_name(&self) -> async_graphql::Result<Option<&str>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Country(c) => c.official_name.as_deref(),
                _ => None,
            })
        }
        /// Capital city, where sourced.
        async fn capital(&self) -> async_graphql::Result<Option<&str>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Country(c) => c.capital.as_deref(),
                _ => None,
            })
        }
        /// Whether the country is an ASEAN member.
        async fn asean_member(&self) -> async_graphql::Result<bool> {
            Ok(matches!(&self.0.node()?.attrs, NodeAttrs::Country(c) if c.asean_member))
        }
        /// When it joined ASEAN (YYYY, YYYY-MM or YYYY-MM-DD).
        async fn asean_joined(&self) -> async_graphql::Result<Option<String>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Country(c) => c.asean_joined.as_ref().map(|d| d.to_string()),
                _ => None,
            })
        }
        /// Projects hosted here, filtered and ordered as asked.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn projects(
            &self,
            ctx: &Context<'_>
        ) [first, after, last, before; filter, order_by] -> async_graphql::Result<ProjectConnection> {
            let args = PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref());
            if order_by.as_ref().is_none_or(Vec::is_empty) {
                let kept = Kept {
                    roles: None,
                    projects: filter,
                };
                let page = neighbour_page(
                    &self.0,
                    &[Et::LocatedIn],
                    Dir::In,
                    Kind::Project,
                    args,
                    kept,
                )?;
                return Ok(ProjectConnection::from_page(page.map_ref(|l| l.entity.clone())));
            }
            // Any other order needs every candidate's attributes, so all of them are read.
            let rows = links(&self.0, &[Et::LocatedIn], Dir::In, Kind::Project)?
                .into_iter()
                .map(|l| l.entity)
                .collect();
            let rows = filter_and_sort(ctx, rows, filter.as_ref(), order_by.as_deref())?;
            Ok(ProjectConnection::of(rows, args)?)
        }
        /// Cooperation zones and industrial parks hosted here.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn zones(
            &self,
            ctx: &Context<'_>
        ) [first, after] -> async_graphql::Result<ZoneConnection> {
            Ok(ZoneConnection::from_page(whole_list_page(
                &self.0,
                &[Et::LocatedIn],
                Dir::In,
                Kind::Zone,
                PageArgs::forward(ctx, first, after.as_ref()),
            )?))
        }
        /// Enterprises active here: taking part in a project or developing a zone hosted here.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn enterprises(
            &self,
            ctx: &Context<'_>
        ) [first, after] -> async_graphql::Result<EnterpriseConnection> {
            let mut rows: Vec<Entity> = Vec::new();
            for place in self.0.batch.links(self.0.id(), &[Et::LocatedIn], Dir::In)? {
                let place = &place.entity;
                for l in place
                    .batch
                    .links(place.id(), &[Et::ParticipatesIn, Et::Develops], Dir::In)?
                {
                    if !rows.iter().any(|e| e.id() == l.entity.id()) {
                        rows.push(l.entity);
                    }
                }
            }
            rows.sort_by(|a, b| a.id().cmp(b.id()));
            Ok(EnterpriseConnection::of(
                rows,
                PageArgs::forward(ctx, first, after.as_ref()),
            )?)
        }
        /// Enterprises whose home country this is.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn headquartered_enterprises(
            &self,
            ctx: &Context<'_>
        ) [first, after] -> async_graphql::Result<EnterpriseConnection> {
            Ok(EnterpriseConnection::from_page(whole_list_page(
                &self.0,
                &[Et::HeadquarteredIn],
                Dir::In,
                Kind::Enterprise,
                PageArgs::forward(ctx, first, after.as_ref()),
            )?))
        }
        /// Frameworks the country belongs to (ASEAN, ACFTA, RCEP, Belt and Road, ...).
        async fn frameworks(&self) -> async_graphql::Result<Vec<Framework>> {
            Ok(neighbours(&self.0, &[Et::MemberOf], Dir::Out, Kind::Framework, Framework)?)
        }
    }
);
