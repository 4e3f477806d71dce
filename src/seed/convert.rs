//! Conversion between seed records and the model, both ways: inline relationships become typed
//! edges on the way in, and are written back inline on the way out (for `export --format seed`).

use std::collections::BTreeMap;

use super::files::*;
use crate::model::*;

/// Turns checked records into a dataset.
pub fn to_dataset(records: impl IntoIterator<Item = Record>) -> Dataset {
    let mut dataset = Dataset::default();
    for record in records {
        let (node, edges) = to_parts(record);
        dataset.nodes.push(node);
        dataset.edges.extend(edges);
    }
    dataset.sort();
    dataset
}

/// One checked record as its node and the edges it states, in `(from, type, to)` order. Rows
/// naming the same pair twice (a company that both invests in and builds a project) merge into
/// one edge whose roles keep the seed's order. Every edge has the record's node at one end, so
/// no two records state the same edge.
pub fn to_parts(record: Record) -> (Node, Vec<Edge>) {
    let mut edges: BTreeMap<(Id, EdgeType, Id), EdgeProps> = BTreeMap::new();
    let mut add = |from: &Id, edge_type: EdgeType, to: &Id, props: EdgeProps| {
        let merged = edges
            .entry((from.clone(), edge_type, to.clone()))
            .or_default();
        for role in props.roles {
            if !merged.roles.contains(&role) {
                merged.roles.push(role);
            }
        }
        merged.share = merged.share.or(props.share);
        merged.since = merged.since.or(props.since);
        for source in props.sources {
            if !merged.sources.contains(&source) {
                merged.sources.push(source);
            }
        }
    };
    let plain = EdgeProps::default;
    let linked = |sources: &[Id], since: Option<i32>| EdgeProps {
        since,
        sources: sources.to_vec(),
        ..EdgeProps::default()
    };
    let participant = |row: &Participant| EdgeProps {
        roles: vec![row.role],
        share: row.share,
        since: row.since,
        sources: row.sources.clone(),
    };

    let (common, attrs) = match record {
        Record::Source(r) => {
            let node = Node {
                id: r.id,
                name: r.title.clone(),
                aliases: Vec::new(),
                description: r.description,
                notes: r.notes,
                sources: Vec::new(),
                attrs: NodeAttrs::Source(SourceAttrs {
                    title: r.title,
                    publisher: r.publisher,
                    date: r.date,
                    url: r.url,
                }),
            };
            return (node, Vec::new());
        }
        Record::Country(r) => {
            for m in &r.member_of {
                add(
                    &r.id,
                    EdgeType::MemberOf,
                    &m.framework,
                    linked(&m.sources, m.since),
                );
            }
            let attrs = NodeAttrs::Country(CountryAttrs {
                alpha3: r.alpha3.clone(),
                official_name: r.official_name.clone(),
                capital: r.capital.clone(),
                asean_member: r.asean_member,
                asean_joined: r.asean_joined.clone(),
            });
            (owned(r.common()), attrs)
        }
        Record::Framework(r) => {
            let attrs = NodeAttrs::Framework(FrameworkAttrs {
                framework_kind: r.framework_kind,
                launched: r.launched.clone(),
            });
            (owned(r.common()), attrs)
        }
        Record::Sector(r) => {
            if let Some(parent) = &r.parent {
                add(&r.id, EdgeType::SubsectorOf, parent, plain());
            }
            (owned(r.common()), NodeAttrs::Sector(SectorAttrs {}))
        }
        Record::Enterprise(r) => {
            if let Some(hq) = &r.headquarters {
                add(&r.id, EdgeType::HeadquarteredIn, hq, plain());
            }
            if let Some(p) = &r.parent {
                add(
                    &r.id,
                    EdgeType::SubsidiaryOf,
                    &p.enterprise,
                    EdgeProps {
                        share: p.share,
                        ..linked(&p.sources, p.since)
                    },
                );
            }
            for s in &r.sectors {
                add(&r.id, EdgeType::InSector, s, plain());
            }
            let attrs = NodeAttrs::Enterprise(EnterpriseAttrs {
                ownership: r.ownership,
                headquarters_city: r.headquarters_city.clone(),
            });
            (owned(r.common()), attrs)
        }
        Record::Zone(r) => {
            add(&r.id, EdgeType::LocatedIn, &r.country, plain());
            for d in &r.developers {
                add(&d.enterprise, EdgeType::Develops, &r.id, participant(d));
            }
            for s in &r.sectors {
                add(&r.id, EdgeType::InSector, s, plain());
            }
            let attrs = NodeAttrs::Zone(ZoneAttrs {
                zone_kind: r.zone_kind,
                national_level: r.national_level,
                established: r.established,
                status: r.status,
                area_km2: r.area_km2.clone(),
                location: r.location.clone(),
            });
            (owned(r.common()), attrs)
        }
        Record::Project(r) => {
            for c in &r.host_countries {
                add(&r.id, EdgeType::LocatedIn, c, plain());
            }
            for s in &r.sectors {
                add(&r.id, EdgeType::InSector, s, plain());
            }
            for p in &r.participants {
                add(
                    &p.enterprise,
                    EdgeType::ParticipatesIn,
                    &r.id,
                    participant(p),
                );
            }
            if let Some(zone) = &r.zone {
                add(&r.id, EdgeType::InZone, zone, plain());
            }
            for f in &r.frameworks {
                add(&r.id, EdgeType::AlignedWith, f, plain());
            }
            let attrs = NodeAttrs::Project(ProjectAttrs {
                status: r.status,
                start_year: r.start_year,
                completion_year: r.completion_year,
                value: r.value.clone(),
                capacity: r.capacity.clone(),
                location: r.location.clone(),
            });
            (owned(r.common()), attrs)
        }
        Record::Indicator(r) => {
            for a in &r.about {
                add(&r.id, EdgeType::About, a, plain());
            }
            let attrs = NodeAttrs::Indicator(IndicatorAttrs {
                value: r.value,
                unit: r.unit.clone(),
                as_of: r.as_of.clone(),
                scope: r.scope.clone(),
                approximate: r.approximate,
            });
            (owned(r.common()), attrs)
        }
    };
    let node = Node {
        id: common.id,
        name: common.name,
        aliases: common.aliases,
        description: common.description,
        notes: common.notes,
        sources: common.sources,
        attrs,
    };
    let edges = edges
        .into_iter()
        .map(|((from, edge_type, to), props)| Edge {
            from,
            edge_type,
            to,
            props,
        })
        .collect();
    (node, edges)
}

struct OwnedCommon {
    id: Id,
    name: String,
    aliases: Vec<String>,
    description: Option<String>,
    notes: Vec<String>,
    sources: Vec<Id>,
}

fn owned(c: Common<'_>) -> OwnedCommon {
    OwnedCommon {
        id: c.id.clone(),
        name: c.name.to_owned(),
        aliases: c.aliases.to_vec(),
        description: c.description.map(str::to_owned),
        notes: c.notes.to_vec(),
        sources: c.sources.to_vec(),
    }
}

/// The edges of one node, as the seed writes them inline.
#[derive(Default)]
pub struct Inline<'a> {
    /// Edges leaving the node, in key order.
    pub out: Vec<&'a Edge>,
    /// Edges arriving at the node, in key order.
    pub incoming: Vec<&'a Edge>,
}

impl<'a> Inline<'a> {
    fn targets(&self, edge_type: EdgeType) -> Vec<Id> {
        self.out
            .iter()
            .filter(|e| e.edge_type == edge_type)
            .map(|e| e.to.clone())
            .collect()
    }

    fn target(&self, edge_type: EdgeType) -> Option<&'a Edge> {
        self.out.iter().copied().find(|e| e.edge_type == edge_type)
    }

    /// One participant row per role of each incoming edge of the type.
    fn participants(&self, edge_type: EdgeType) -> Vec<Participant> {
        self.incoming
            .iter()
            .filter(|e| e.edge_type == edge_type)
            .flat_map(|e| {
                e.props.roles.iter().map(|&role| Participant {
                    enterprise: e.from.clone(),
                    role,
                    share: e.props.share,
                    since: e.props.since,
                    sources: e.props.sources.clone(),
                })
            })
            .collect()
    }
}

/// Writes a node and its edges back as the seed record that would produce them.
pub fn to_record(node: &Node, edges: &Inline<'_>) -> Record {
    macro_rules! with_common {
        ($ty:ident { $($field:ident : $value:expr),* $(,)? }) => {
            $ty {
                id: node.id.clone(),
                name: node.name.clone(),
                aliases: node.aliases.clone(),
                description: node.description.clone(),
                notes: node.notes.clone(),
                sources: node.sources.clone(),
                $($field: $value),*
            }
        };
    }
    match &node.attrs {
        NodeAttrs::Source(a) => Record::Source(SourceRecord {
            id: node.id.clone(),
            title: a.title.clone(),
            publisher: a.publisher.clone(),
            date: a.date.clone(),
            url: a.url.clone(),
            description: node.description.clone(),
            notes: node.notes.clone(),
        }),
        NodeAttrs::Country(a) => Record::Country(with_common!(CountryRecord {
            alpha3: a.alpha3.clone(),
            official_name: a.official_name.clone(),
            capital: a.capital.clone(),
            asean_member: a.asean_member,
            asean_joined: a.asean_joined.clone(),
            member_of: edges
                .out
                .iter()
                .filter(|e| e.edge_type == EdgeType::MemberOf)
                .map(|e| Membership {
                    framework: e.to.clone(),
                    since: e.props.since,
                    sources: e.props.sources.clone()
                })
                .collect(),
        })),
        NodeAttrs::Framework(a) => Record::Framework(with_common!(FrameworkRecord {
            framework_kind: a.framework_kind,
            launched: a.launched.clone(),
        })),
        NodeAttrs::Sector(_) => Record::Sector(with_common!(SectorRecord {
            parent: edges.target(EdgeType::SubsectorOf).map(|e| e.to.clone()),
        })),
        NodeAttrs::Enterprise(a) => Record::Enterprise(with_common!(EnterpriseRecord {
            ownership: a.ownership,
            headquarters: edges
                .target(EdgeType::HeadquarteredIn)
                .map(|e| e.to.clone()),
            headquarters_city: a.headquarters_city.clone(),
            parent: edges.target(EdgeType::SubsidiaryOf).map(|e| ParentLink {
                enterprise: e.to.clone(),
                share: e.props.share,
                since: e.props.since,
                sources: e.props.sources.clone(),
            }),
            sectors: edges.targets(EdgeType::InSector),
        })),
        NodeAttrs::Zone(a) => Record::Zone(with_common!(ZoneRecord {
            country: edges
                .target(EdgeType::LocatedIn)
                .map(|e| e.to.clone())
                .unwrap_or_else(|| node.id.clone()),
            zone_kind: a.zone_kind,
            national_level: a.national_level,
            established: a.established,
            status: a.status,
            developers: edges.participants(EdgeType::Develops),
            sectors: edges.targets(EdgeType::InSector),
            area_km2: a.area_km2.clone(),
            location: a.location.clone(),
        })),
        NodeAttrs::Project(a) => Record::Project(with_common!(ProjectRecord {
            host_countries: edges.targets(EdgeType::LocatedIn),
            sectors: edges.targets(EdgeType::InSector),
            participants: edges.participants(EdgeType::ParticipatesIn),
            status: a.status,
            start_year: a.start_year,
            completion_year: a.completion_year,
            zone: edges.target(EdgeType::InZone).map(|e| e.to.clone()),
            frameworks: edges.targets(EdgeType::AlignedWith),
            value: a.value.clone(),
            capacity: a.capacity.clone(),
            location: a.location.clone(),
        })),
        NodeAttrs::Indicator(a) => Record::Indicator(with_common!(IndicatorRecord {
            value: a.value,
            unit: a.unit.clone(),
            as_of: a.as_of.clone(),
            scope: a.scope.clone(),
            approximate: a.approximate,
            about: edges.targets(EdgeType::About),
        })),
    }
}
