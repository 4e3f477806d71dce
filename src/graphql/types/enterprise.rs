//! Enterprises: companies, groups and banks, with their parents, subsidiaries and projects.

use super::*;

node_object!(
    #[Object(serial)]
    /// A company, group or bank.
    Enterprise {
        /// Who owns it, as far as sources say.
        async fn ownership(&self) -> async_graphql::Result<Option<Ownership>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Enterprise(e) => e.ownership.map(Into::into),
                _ => None,
            })
        }
        /// Home country.
        async fn headquarters(&self) -> async_graphql::Result<Option<Country>> {
            Ok(neighbours(&self.0, &[Et::HeadquarteredIn], Dir::Out, Kind::Country, Country)?
            .into_iter()
            .next())
        }
        /// City of the head office, where sourced.
        async fn headquarters_city(&self) -> async_graphql::Result<Option<&str>> {
            Ok(match &self.0.node()?.attrs {
                NodeAttrs::Enterprise(e) => e.headquarters_city.as_deref(),
                _ => None,
            })
        }
        /// The group this enterprise belongs to.
        async fn parent(&self) -> async_graphql::Result<Option<Enterprise>> {
            Ok(neighbours(&self.0, &[Et::SubsidiaryOf], Dir::Out, Kind::Enterprise, Enterprise)?
            .into_iter()
            .next())
        }
        /// The group at the top of the parent chain (itself when it has no parent).
        async fn ultimate_parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Enterprise> {
            let store = store(ctx);
            let Some(top) = store
                .ancestors(self.0.id(), Et::SubsidiaryOf)
                .map_err(ApiError::from)?
                .pop()
            else {
                return Ok(self.clone());
            };
            let ultimate = Batch::load(store, &[top])?.pop();
            Ok(Enterprise(ultimate.ok_or_else(|| {
                ApiError::internal("a parent enterprise is missing")
            })?))
        }
        /// Enterprises directly below this one.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn subsidiaries(
            &self,
            ctx: &Context<'_>
        ) [first, after] -> async_graphql::Result<EnterpriseConnection> {
            Ok(EnterpriseConnection::from_page(whole_list_page(
                &self.0,
                &[Et::SubsidiaryOf],
                Dir::In,
                Kind::Enterprise,
                PageArgs::forward(ctx, first, after.as_ref()),
            )?))
        }
        /// Projects the enterprise takes part in, with its roles; `includeSubsidiaries` adds
        /// those of every enterprise below it.
        #[graphql(complexity = "page_cost(first, None, child_complexity)")]
        async fn projects(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Keep only rows where the enterprise plays one of these roles.")]
            role: Option<Vec<Role>>,
            #[graphql(desc = "Keep only the projects this filter matches.")] filter: Option<
                ProjectFilter,
            >,
            #[graphql(
                default,
                desc = "Also list the projects of every enterprise below this one in its group."
            )]
            include_subsidiaries: bool
        ) [first, after] -> async_graphql::Result<EnterpriseProjectConnection> {
            let store = store(ctx);
            let args = PageArgs::forward(ctx, first, after.as_ref());
            let roles = wanted_roles(role.as_deref());
            if !include_subsidiaries {
                let kept = Kept {
                    roles,
                    projects: filter,
                };
                let page = neighbour_page(
                    &self.0,
                    &[Et::ParticipatesIn],
                    Dir::Out,
                    Kind::Project,
                    args,
                    kept,
                )?;
                return Ok(EnterpriseProjectConnection::from_page(&self.0, page));
            }
            // A group's projects come from several enterprises' edges, so they are read whole.
            let mut all = links(&self.0, &[Et::ParticipatesIn], Dir::Out, Kind::Project)?;
            {
                let others = store
                    .descendants(self.0.id(), Et::SubsidiaryOf)
                    .map_err(ApiError::from)?;
                for sub in Batch::load(store, &others)? {
                    for l in
                        sub.batch
                            .linked(sub.id(), &[Et::ParticipatesIn], Dir::Out, Kind::Project)?
                    {
                        if !all.iter().any(|a| a.entity.id() == l.entity.id()) {
                            all.push(l);
                        }
                    }
                }
            }
            if let Some(filter) = &filter {
                let keep = Evaluator::new(store).projects(filter)?;
                all.retain(|l| keep.contains(l.entity.id()));
            }
            all.retain(|l| plays(&l.edge, roles.as_deref()));
            all.sort_by(|a, b| a.entity.id().cmp(b.entity.id()));
            let page = paginate(all, |l| l.entity.id(), args)?;
            Ok(EnterpriseProjectConnection::from_page(&self.0, Arc::new(page)))
        }
        /// Zones the enterprise develops.
        async fn zones(&self) -> async_graphql::Result<Vec<Zone>> {
            Ok(neighbours(&self.0, &[Et::Develops], Dir::Out, Kind::Zone, Zone)?)
        }
        /// Sectors the enterprise works in.
        async fn sectors(&self) -> async_graphql::Result<Vec<Sector>> {
            Ok(neighbours(&self.0, &[Et::InSector], Dir::Out, Kind::Sector, Sector)?)
        }
        /// Countries where it takes part in projects or develops zones.
        async fn countries(&self) -> async_graphql::Result<Vec<Country>> {
            let mut found: Vec<Entity> = Vec::new();
            for place in
                self.0
                    .batch
                    .links(self.0.id(), &[Et::ParticipatesIn, Et::Develops], Dir::Out)?
            {
                let place = &place.entity;
                for l in place
                    .batch
                    .linked(place.id(), &[Et::LocatedIn], Dir::Out, Kind::Country)?
                {
                    if !found.iter().any(|e| e.id() == l.entity.id()) {
                        found.push(l.entity);
                    }
                }
            }
            found.sort_by(|a, b| a.id().cmp(b.id()));
            Ok(found.into_iter().map(Country).collect())
        }
    }
);
