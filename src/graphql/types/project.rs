//! Projects: what was built or invested in, where, by whom, in which sector.

use super::*;

// A project's name, status, years and USD value come from the store's index while its record
// is unread (`Entity::summary`): a page that shows only those reads no record.
node_object!(
    #[Object(serial)]
    /// A project: a bridge, railway, power plant, network, mine, factory, ...
    Project {
        /// Where it stands, as of its newest source.
        async fn status(&self) -> async_graphql::Result<Option<ProjectStatus>> {
            if let Some(summary) = self.0.summary()? {
                return Ok(Some(summary.facets.status.into()));
            }
            Ok(project_attrs(&self.0)?.map(|p| p.status.into()))
        }
        /// Year construction (or the investment) started.
        async fn start_year(&self) -> async_graphql::Result<Option<i32>> {
            if let Some(summary) = self.0.summary()? {
                return Ok(summary.facets.start_year);
            }
            Ok(project_attrs(&self.0)?.and_then(|p| p.start_year))
        }
        /// Year it was completed or opened.
        async fn completion_year(&self) -> async_graphql::Result<Option<i32>> {
            if let Some(summary) = self.0.summary()? {
                return Ok(summary.facets.completion_year);
            }
            Ok(project_attrs(&self.0)?.and_then(|p| p.completion_year))
        }
        /// Every sourced figure of its cost or finance, headline first; sources may disagree.
        async fn value(&self) -> async_graphql::Result<Vec<Money>> {
            Ok(project_attrs(&self.0)?
                .map(|p| p.value.iter().map(|m| money(m, &self.0.batch)).collect())
                .unwrap_or_default())
        }
        /// The headline value in US dollars: the first figure a source states in USD.
        async fn value_usd(&self) -> async_graphql::Result<Option<f64>> {
            if let Some(summary) = self.0.summary()? {
                return Ok(summary.facets.value_usd);
            }
            Ok(project_attrs(&self.0)?.and_then(|p| p.value_usd()))
        }
        /// Capacity and size figures (MW, km, ...).
        async fn capacity(&self) -> async_graphql::Result<Vec<Quantity>> {
            Ok(project_attrs(&self.0)?
                .map(|p| {
                    p.capacity
                        .iter()
                        .map(|q| quantity(q, &self.0.batch))
                        .collect()
                })
                .unwrap_or_default())
        }
        /// Where it is, when sources give coordinates.
        async fn location(&self) -> async_graphql::Result<Option<Location>> {
            Ok(project_attrs(&self.0)?
                .and_then(|p| p.location.as_ref())
                .map(location))
        }
        /// Host countries.
        async fn host_countries(&self) -> async_graphql::Result<Vec<Country>> {
            // From the store's index when it holds them: the same countries, in the same
            // order, as the `LOCATED_IN` edges, without reading them.
            if let Some(countries) = self.0.batch.host_countries(self.0.id())? {
                return Ok(countries.into_iter().map(Country).collect());
            }
            Ok(neighbours(&self.0, &[Et::LocatedIn], Dir::Out, Kind::Country, Country)?)
        }
        /// Sectors, most specific first as listed.
        async fn sectors(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(neighbours(&self.0, &[Et::InSector], Dir::Out, Kind::Sector, Sector)?)
        }
        /// Frameworks a source ties the project to.
        async fn frameworks(&self) -> async_graphql::Result<Vec<Framework>> {
            Ok(neighbours(&self.0, &[Et::AlignedWith], Dir::Out, Kind::Framework, Framework)?)
        }
        /// The cooperation zone it lies in, if any.
        async fn zone(&self) -> async_graphql::Result<Option<Zone>> {
            Ok(
                neighbours(&self.0, &[Et::InZone], Dir::Out, Kind::Zone, Zone)?
                    .into_iter()
                    .next(),
            )
        }
        /// Enterprises taking part, with their roles; `role` keeps only those playing one of them.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn enterprises(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Keep only rows where the enterprise plays one of these roles.")]
            role: Option<Vec<Role>>
        ) [first, after] -> async_graphql::Result<ProjectEnterpriseConnection> {
            let args = PageArgs::forward(ctx, first, after.as_ref());
            let kept = Kept {
                roles: wanted_roles(role.as_deref()),
                projects: None,
            };
            let page = neighbour_page(
                &self.0,
                &[Et::ParticipatesIn],
                Dir::In,
                Kind::Enterprise,
                args,
                kept,
            )?;
            Ok(ProjectEnterpriseConnection::from_page(&self.0, page))
        }
    }
);
