//! Sectors: three tiers with sub-sectors beneath them.

use super::*;

node_object!(
    #[Object(serial)]
    /// An economic sector. Three tiers (infrastructure, traditional, emerging industries) with
    /// sub-sectors beneath them.
    Sector {
        /// The tier this sector belongs to.
        async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SectorTier>> {
            Ok(tier_of(store(ctx), self.0.id())?)
        }
        /// The broader sector; null for a tier.
        async fn parent(&self) -> async_graphql::Result<Option<Sector>> {
            Ok(neighbours(&self.0, &[Et::SubsectorOf], Dir::Out, Kind::Sector, Sector)?
            .into_iter()
            .next())
        }
        /// Sectors directly beneath this one.
        async fn children(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(neighbours(&self.0, &[Et::SubsectorOf], Dir::In, Kind::Sector, Sector)?)
        }
        /// Projects in this sector and, unless `includeSubsectors` is false, in its sub-sectors.
        #[graphql(complexity = "page_cost(first, last, child_complexity)")]
        async fn projects(
            &self,
            ctx: &Context<'_>,
            #[graphql(
                default = true,
                desc = "Include the projects of sub-sectors (true by default)."
            )]
            include_subsectors: bool
        ) [first, after, last, before; filter, order_by] -> async_graphql::Result<ProjectConnection> {
            let store = store(ctx);
            let mut sectors = vec![self.0.id().clone()];
            if include_subsectors {
                sectors.extend(
                    store
                        .descendants(self.0.id(), Et::SubsectorOf)
                        .map_err(ApiError::from)?,
                );
            }
            let mut ids: Vec<Id> = Vec::new();
            for (_, edges) in store.edges_of_many(&sectors, Some(&[Et::InSector]), Dir::In)? {
                ids.extend(
                    edges
                        .into_iter()
                        .map(|e| e.other)
                        .filter(|id| id.kind() == Kind::Project),
                );
            }
            ids.sort();
            ids.dedup();
            let rows = filter_and_sort(
                ctx,
                Batch::load(store, &ids)?,
                filter.as_ref(),
                order_by.as_deref(),
            )?;
            Ok(ProjectConnection::of(
                rows,
                PageArgs::new(ctx, first, after.as_ref(), last, before.as_ref()),
            )?)
        }
        /// Enterprises working in this sector.
        async fn enterprises(&self) -> async_graphql::Result<Vec<Enterprise>> {
            Ok(neighbours(&self.0, &[Et::InSector], Dir::In, Kind::Enterprise, Enterprise)?)
        }
        /// Zones focused on this sector.
        async fn zones(&self) -> async_graphql::Result<Vec<Zone>> {
            Ok(neighbours(&self.0, &[Et::InSector], Dir::In, Kind::Zone, Zone)?)
        }
    }
);
