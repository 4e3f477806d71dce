//! What each field of each filter asks of the store: an ID set where an index answers it
//! (adjacency, status, years, search tokens), a predicate on the node where none does.

use super::evaluator::{BoolFilter, Conditions, Evaluator, IdSet, Shared};
use super::inputs::{EnterpriseFilter, ProjectFilter, ZoneFilter};
use crate::graphql::error::ApiResult;
use crate::model::{self, Direction, EdgeType, Id, Kind, NodeAttrs};

impl BoolFilter for ProjectFilter {
    const KIND: Kind = Kind::Project;

    fn shared(&self) -> Shared<'_, Self> {
        Shared::of(&self.text, &self.ids, &self.and, &self.or, &self.not)
    }

    fn conditions<'f>(&'f self, ev: &Evaluator<'_>, c: &mut Conditions<'f>) -> ApiResult<()> {
        if let Some(codes) = &self.host_country {
            c.sets.push(ev.located_in(codes)?);
        }
        if let Some(sectors) = &self.sector {
            c.sets.push(ev.in_sectors(sectors)?);
        }
        let roles: Option<Vec<model::Role>> = self
            .role
            .as_ref()
            .map(|r| r.iter().map(|&r| r.into()).collect());
        if let Some(enterprises) = &self.enterprise {
            let mut set = IdSet::new();
            for enterprise in ev.enterprise_groups(enterprises)? {
                for edge in ev.store.edges(
                    &enterprise,
                    Some(&[EdgeType::ParticipatesIn]),
                    Direction::Out,
                )? {
                    if roles
                        .as_ref()
                        .is_none_or(|r| edge.props.roles.iter().any(|x| r.contains(x)))
                    {
                        set.insert(edge.other);
                    }
                }
            }
            c.sets.push(set);
        } else if let Some(roles) = roles {
            c.predicates.push(Box::new(move |ev, node| {
                let edges =
                    ev.store
                        .edges(&node.id, Some(&[EdgeType::ParticipatesIn]), Direction::In)?;
                Ok(edges
                    .iter()
                    .any(|e| e.props.roles.iter().any(|x| roles.contains(x))))
            }));
        }
        if let Some(list) = &self.status {
            c.sets.push(ev.with_status(Kind::Project, list)?);
        }
        if let Some(range) = self.start_year {
            c.sets.push(ev.in_years(Kind::Project, range)?);
        }
        if let Some(range) = self.completion_year {
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Project(p) if range.contains(p.completion_year)))
            }));
        }
        if let Some(range) = self.value_usd {
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Project(p) if range.contains(p.value_usd())))
            }));
        }
        if let Some(zones) = &self.zone {
            c.sets.push(ev.linked_to(
                &ev.ids(Kind::Zone, zones)?,
                EdgeType::InZone,
                Direction::In,
            )?);
        }
        if let Some(frameworks) = &self.framework {
            c.sets.push(ev.linked_to(
                &ev.ids(Kind::Framework, frameworks)?,
                EdgeType::AlignedWith,
                Direction::In,
            )?);
        }
        Ok(())
    }
}

impl BoolFilter for EnterpriseFilter {
    const KIND: Kind = Kind::Enterprise;

    fn shared(&self) -> Shared<'_, Self> {
        Shared::of(&self.text, &self.ids, &self.and, &self.or, &self.not)
    }

    fn conditions<'f>(&'f self, ev: &Evaluator<'_>, c: &mut Conditions<'f>) -> ApiResult<()> {
        if let Some(list) = &self.ownership {
            let wanted: Vec<model::Ownership> = list.iter().map(|&o| o.into()).collect();
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Enterprise(e) if e.ownership.is_some_and(|o| wanted.contains(&o))))
            }));
        }
        if let Some(codes) = &self.headquarters {
            c.sets.push(ev.linked_to(
                &ev.countries(codes)?,
                EdgeType::HeadquarteredIn,
                Direction::In,
            )?);
        }
        if let Some(sectors) = &self.sector {
            c.sets.push(ev.in_sectors(sectors)?);
        }
        if let Some(groups) = &self.group {
            c.sets
                .push(ev.enterprise_groups(groups)?.into_iter().collect());
        }
        if let Some(codes) = &self.active_in {
            let places = ev.located_in(codes)?;
            let places: Vec<Id> = places.into_iter().collect();
            let mut set = ev.linked_to(&places, EdgeType::ParticipatesIn, Direction::In)?;
            set.extend(ev.linked_to(&places, EdgeType::Develops, Direction::In)?);
            c.sets.push(set);
        }
        Ok(())
    }
}

impl BoolFilter for ZoneFilter {
    const KIND: Kind = Kind::Zone;

    fn shared(&self) -> Shared<'_, Self> {
        Shared::of(&self.text, &self.ids, &self.and, &self.or, &self.not)
    }

    fn conditions<'f>(&'f self, ev: &Evaluator<'_>, c: &mut Conditions<'f>) -> ApiResult<()> {
        if let Some(codes) = &self.host_country {
            c.sets.push(ev.located_in(codes)?);
        }
        if let Some(list) = &self.status {
            c.sets.push(ev.with_status(Kind::Zone, list)?);
        }
        if let Some(sectors) = &self.sector {
            c.sets.push(ev.in_sectors(sectors)?);
        }
        if let Some(developers) = &self.developer {
            c.sets.push(ev.linked_to(
                &ev.enterprise_groups(developers)?,
                EdgeType::Develops,
                Direction::Out,
            )?);
        }
        if let Some(range) = self.established {
            c.sets.push(ev.in_years(Kind::Zone, range)?);
        }
        if let Some(wanted) = self.national_level {
            c.predicates.push(Box::new(move |_, node| {
                Ok(matches!(&node.attrs, NodeAttrs::Zone(z) if z.national_level.unwrap_or(false) == wanted))
            }));
        }
        Ok(())
    }
}
