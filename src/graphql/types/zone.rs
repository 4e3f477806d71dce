//! Zones: cooperation zones, industrial parks and special economic zones.

use super::*;

pub(super) fn zone_attrs(e: &Entity) -> ApiResult<Option<&model::ZoneAttrs>> {
    Ok(match &e.node()?.attrs {
        NodeAttrs::Zone(z) => Some(z),
        _ => None,
    })
}

node_object!(
    #[Object(serial)]
    /// An overseas economic and trade cooperation zone, industrial park or special economic zone.
    Zone {
        /// Host country.
        async fn country(&self) -> async_graphql::Result<Option<Country>> {
            Ok(neighbours(&self.0, &[Et::LocatedIn], Dir::Out, Kind::Country, Country)?
            .into_iter()
            .next())
        }
        /// What sort of zone it is.
        async fn zone_kind(&self) -> async_graphql::Result<Option<ZoneKind>> {
            Ok(zone_attrs(&self.0)?
                .and_then(|z| z.zone_kind)
                .map(Into::into))
        }
        /// Whether China's commerce ministry accredits it as a national-level overseas
        /// cooperation zone (null when sources do not say).
        async fn national_level(&self) -> async_graphql::Result<Option<bool>> {
            Ok(zone_attrs(&self.0)?.and_then(|z| z.national_level))
        }
        /// Year established.
        async fn established(&self) -> async_graphql::Result<Option<i32>> {
            Ok(zone_attrs(&self.0)?.and_then(|z| z.established))
        }
        /// Where it stands, as of its newest source.
        async fn status(&self) -> async_graphql::Result<Option<ProjectStatus>> {
            Ok(zone_attrs(&self.0)?.map(|z| z.status.into()))
        }
        /// Area in square kilometres, with the figure as sourced.
        async fn area_km2(&self) -> async_graphql::Result<Option<Quantity>> {
            Ok(zone_attrs(&self.0)?
                .and_then(|z| z.area_km2.as_ref())
                .map(|q| quantity(q, &self.0.batch)))
        }
        /// Where it is, when sources give coordinates.
        async fn location(&self) -> async_graphql::Result<Option<Location>> {
            Ok(zone_attrs(&self.0)?
                .and_then(|z| z.location.as_ref())
                .map(location))
        }
        /// Enterprises developing the zone, with their roles.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn developers(
            &self,
            ctx: &Context<'_>
        ) [first, after] -> async_graphql::Result<ZoneDeveloperConnection> {
            let args = PageArgs::forward(ctx, first, after.as_ref());
            let page = neighbour_page(
                &self.0,
                &[Et::Develops],
                Dir::In,
                Kind::Enterprise,
                args,
                Kept::default(),
            )?;
            Ok(ZoneDeveloperConnection::from_page(&self.0, page))
        }
        /// Projects inside the zone.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn projects(
            &self,
            ctx: &Context<'_>
        ) [first, after] -> async_graphql::Result<ProjectConnection> {
            Ok(ProjectConnection::from_page(whole_list_page(
                &self.0,
                &[Et::InZone],
                Dir::In,
                Kind::Project,
                PageArgs::forward(ctx, first, after.as_ref()),
            )?))
        }
        /// Sectors the zone focuses on.
        async fn sectors(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(neighbours(&self.0, &[Et::InSector], Dir::Out, Kind::Sector, Sector)?)
        }
    }
);
