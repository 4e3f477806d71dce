//! Whole-dataset checks that serde cannot make: duplicate IDs, references to missing nodes or
//! to nodes of the wrong kind, years and money out of range, empty required lists, cycles.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::files::{Participant, Record};
use super::report::{Problem, Step};
use super::Located;
use crate::model::{EdgeType, Id, Kind, Location, Money, Quantity, YEAR_RANGE};

/// What a reference must point at.
#[derive(Clone, Copy)]
enum Target {
    /// Any existing source.
    Source,
    /// The far end of an edge of this type leaving the record's node.
    Edge(EdgeType),
    /// The near end of an edge of this type arriving at the record's node (a project lists the
    /// enterprises whose `PARTICIPATES_IN` edges lead to it).
    EdgeFrom(EdgeType),
}

struct Reference<'r> {
    steps: Vec<Step>,
    id: &'r Id,
    target: Target,
}

/// Everything in one record that the whole-dataset checks look at.
#[derive(Default)]
struct Facts<'r> {
    references: Vec<Reference<'r>>,
    years: Vec<(Vec<Step>, i32)>,
    amounts: Vec<(Vec<Step>, &'static str, f64)>,
    shares: Vec<(Vec<Step>, f64)>,
    locations: Vec<(Vec<Step>, &'r Location)>,
    required: Vec<(Vec<Step>, bool, &'static str)>,
}

fn k(name: &str) -> Step {
    Step::key(name)
}

impl<'r> Facts<'r> {
    fn sources(&mut self, at: Vec<Step>, ids: &'r [Id]) {
        for (i, id) in ids.iter().enumerate() {
            let mut steps = at.clone();
            steps.push(Step::Index(i));
            self.references.push(Reference {
                steps,
                id,
                target: Target::Source,
            });
        }
    }

    fn edges(&mut self, field: &str, ids: &'r [Id], edge_type: EdgeType) {
        for (i, id) in ids.iter().enumerate() {
            self.references.push(Reference {
                steps: vec![k(field), Step::Index(i)],
                id,
                target: Target::Edge(edge_type),
            });
        }
    }

    fn edge(&mut self, steps: Vec<Step>, id: &'r Id, edge_type: EdgeType) {
        self.references.push(Reference {
            steps,
            id,
            target: Target::Edge(edge_type),
        });
    }

    fn year(&mut self, steps: Vec<Step>, year: Option<i32>) {
        if let Some(year) = year {
            self.years.push((steps, year));
        }
    }

    fn money(&mut self, field: &str, figures: &'r [Money]) {
        for (i, m) in figures.iter().enumerate() {
            let at = vec![k(field), Step::Index(i)];
            self.amounts.push((with(&at, "amount"), "amount", m.amount));
            if let Some(usd) = m.usd {
                self.amounts.push((with(&at, "usd"), "usd", usd));
            }
            self.year(with(&at, "year"), m.year);
            self.sources(with(&at, "sources"), &m.sources);
        }
    }

    fn quantities(
        &mut self,
        at: Vec<Step>,
        figures: impl IntoIterator<Item = (Vec<Step>, &'r Quantity)>,
    ) {
        for (steps, q) in figures {
            let mut full = at.clone();
            full.extend(steps);
            self.sources(with(&full, "sources"), &q.sources);
        }
    }

    fn participants(&mut self, field: &str, rows: &'r [Participant], edge_type: EdgeType) {
        for (i, row) in rows.iter().enumerate() {
            let at = vec![k(field), Step::Index(i)];
            self.references.push(Reference {
                steps: with(&at, "enterprise"),
                id: &row.enterprise,
                target: Target::EdgeFrom(edge_type),
            });
            self.year(with(&at, "since"), row.since);
            if let Some(share) = row.share {
                self.shares.push((with(&at, "share"), share));
            }
            self.sources(with(&at, "sources"), &row.sources);
        }
    }
}

fn with(at: &[Step], key: &str) -> Vec<Step> {
    let mut steps = at.to_vec();
    steps.push(k(key));
    steps
}

fn facts(record: &Record) -> Facts<'_> {
    let mut f = Facts::default();
    if let Some(common) = record.common() {
        f.sources(vec![k("sources")], common.sources);
        f.required.push((
            vec![k("sources")],
            !common.sources.is_empty(),
            "at least one source",
        ));
        f.required.push((
            vec![k("name")],
            !common.name.trim().is_empty(),
            "a non-empty name",
        ));
    }
    match record {
        Record::Source(r) => {
            f.required.push((
                vec![k("title")],
                !r.title.trim().is_empty(),
                "a non-empty title",
            ));
        }
        Record::Country(r) => {
            for (i, m) in r.member_of.iter().enumerate() {
                let at = vec![k("memberOf"), Step::Index(i)];
                f.edge(with(&at, "framework"), &m.framework, EdgeType::MemberOf);
                f.year(with(&at, "since"), m.since);
                f.sources(with(&at, "sources"), &m.sources);
            }
        }
        Record::Framework(_) => {}
        Record::Sector(r) => {
            if let Some(parent) = &r.parent {
                f.edge(vec![k("parent")], parent, EdgeType::SubsectorOf);
            }
        }
        Record::Enterprise(r) => {
            if let Some(hq) = &r.headquarters {
                f.edge(vec![k("headquarters")], hq, EdgeType::HeadquarteredIn);
            }
            if let Some(parent) = &r.parent {
                f.edge(
                    vec![k("parent"), k("enterprise")],
                    &parent.enterprise,
                    EdgeType::SubsidiaryOf,
                );
                f.year(vec![k("parent"), k("since")], parent.since);
                if let Some(share) = parent.share {
                    f.shares.push((vec![k("parent"), k("share")], share));
                }
                f.sources(vec![k("parent"), k("sources")], &parent.sources);
            }
            f.edges("sectors", &r.sectors, EdgeType::InSector);
        }
        Record::Zone(r) => {
            f.edge(vec![k("country")], &r.country, EdgeType::LocatedIn);
            f.participants("developers", &r.developers, EdgeType::Develops);
            f.edges("sectors", &r.sectors, EdgeType::InSector);
            f.year(vec![k("established")], r.established);
            if let Some(area) = &r.area_km2 {
                f.quantities(vec![k("areaKm2")], [(vec![], area)]);
            }
            if let Some(location) = &r.location {
                f.locations.push((vec![k("location")], location));
            }
        }
        Record::Project(r) => {
            f.edges("hostCountries", &r.host_countries, EdgeType::LocatedIn);
            f.edges("sectors", &r.sectors, EdgeType::InSector);
            f.participants("participants", &r.participants, EdgeType::ParticipatesIn);
            if let Some(zone) = &r.zone {
                f.edge(vec![k("zone")], zone, EdgeType::InZone);
            }
            f.edges("frameworks", &r.frameworks, EdgeType::AlignedWith);
            f.year(vec![k("startYear")], r.start_year);
            f.year(vec![k("completionYear")], r.completion_year);
            f.money("value", &r.value);
            f.quantities(
                vec![k("capacity")],
                r.capacity
                    .iter()
                    .enumerate()
                    .map(|(i, q)| (vec![Step::Index(i)], q)),
            );
            if let Some(location) = &r.location {
                f.locations.push((vec![k("location")], location));
            }
            f.required.push((
                vec![k("hostCountries")],
                !r.host_countries.is_empty(),
                "at least one host country",
            ));
            f.required.push((
                vec![k("sectors")],
                !r.sectors.is_empty(),
                "at least one sector",
            ));
            f.required.push((
                vec![k("participants")],
                !r.participants.is_empty(),
                "at least one participant",
            ));
        }
        Record::Indicator(r) => {
            f.edges("about", &r.about, EdgeType::About);
            f.required.push((
                vec![k("about")],
                !r.about.is_empty(),
                "at least one node it is about",
            ));
        }
    }
    f
}

/// Appends every problem found across all records to `problems`.
pub fn check(records: &[Located<'_>], problems: &mut Vec<Problem>) {
    let mut kinds: HashMap<&Id, Kind> = HashMap::new();
    let mut first_seen: HashMap<&Id, &Located<'_>> = HashMap::new();
    for located in records {
        let id = located.record.id();
        problems.extend(check_file_kind(located));
        if let Some(first) = first_seen.get(id) {
            let at = first.problem(&[k("id")], "");
            problems.push(located.problem(
                &[k("id")],
                format!(
                    "duplicate ID `{id}`: first defined at {}:{}:{}",
                    at.file, at.line, at.column
                ),
            ));
            continue;
        }
        first_seen.insert(id, located);
        kinds.insert(id, id.kind());
    }
    for located in records {
        check_record(located, |id| kinds.get(id).copied(), problems);
    }
    let links: Vec<ParentLink<'_, &Located<'_>>> = records
        .iter()
        .filter_map(|located| ParentLink::of(&located.record, located))
        .collect();
    for link in links_in_cycles(&links) {
        let start = link.child;
        problems.push(link.at.problem(
            &link.steps,
            format!("`{start}` is its own ancestor through its parent chain"),
        ));
    }
}

/// A problem when a record's ID is of another kind than its file holds.
fn check_file_kind(located: &Located<'_>) -> Option<Problem> {
    let id = located.record.id();
    let file_kind = kind_of_record(&located.record);
    (id.kind() != file_kind).then(|| {
        located.problem(
            &[k("id")],
            format!(
                "`{id}` is a {} ID, but this file holds {}",
                id.kind(),
                file_kind.plural()
            ),
        )
    })
}

/// Every check of one record that needs no other record, and its references checked against
/// `kind_of`, which says what kind of node an ID names in the whole dataset (`None`: none).
pub(super) fn check_record(
    located: &Located<'_>,
    kind_of: impl Fn(&Id) -> Option<Kind>,
    problems: &mut Vec<Problem>,
) {
    let own_kind = located.record.id().kind();
    let f = facts(&located.record);
    for r in &f.references {
        match (kind_of(r.id), r.target) {
            (None, _) => problems.push(located.problem(
                &r.steps,
                format!("reference to a node that does not exist: `{}`", r.id),
            )),
            (Some(kind), Target::Source) if kind != Kind::Source => {
                problems.push(located.problem(
                    &r.steps,
                    format!("`{}` is a {kind}, but sources must be source IDs", r.id),
                ));
            }
            (Some(kind), Target::Edge(edge_type)) if !edge_type.allows(own_kind, kind) => {
                problems
                    .push(located.problem(&r.steps, wrong_kinds(edge_type, own_kind, kind, r.id)));
            }
            (Some(kind), Target::EdgeFrom(edge_type)) if !edge_type.allows(kind, own_kind) => {
                problems
                    .push(located.problem(&r.steps, wrong_kinds(edge_type, kind, own_kind, r.id)));
            }
            _ => {}
        }
    }
    for (steps, year) in &f.years {
        if !YEAR_RANGE.contains(year) {
            problems.push(located.problem(steps, format!("year {year} is outside 1950-2100")));
        }
    }
    for (steps, what, amount) in &f.amounts {
        if !amount.is_finite() || *amount < 0.0 {
            problems.push(located.problem(
                steps,
                format!("negative money: {what} is {amount}; amounts are 0 or more"),
            ));
        }
    }
    for (steps, share) in &f.shares {
        if !(0.0..=100.0).contains(share) {
            problems.push(located.problem(
                steps,
                format!("share {share} is not a percentage between 0 and 100"),
            ));
        }
    }
    for (steps, loc) in &f.locations {
        if !(-90.0..=90.0).contains(&loc.lat) || !(-180.0..=180.0).contains(&loc.lon) {
            problems.push(located.problem(
                steps,
                format!(
                    "coordinates {}, {} are outside latitude ±90 and longitude ±180",
                    loc.lat, loc.lon
                ),
            ));
        }
    }
    for (steps, ok, what) in &f.required {
        if !ok {
            problems.push(located.problem(steps, format!("a {own_kind} needs {what}")));
        }
    }
    check_record_specifics(located, problems);
}

fn wrong_kinds(edge_type: EdgeType, from: Kind, to: Kind, id: &Id) -> String {
    format!(
        "edge between the wrong kinds: `{id}` would make {} lead from {from} to {to}",
        edge_type.name()
    )
}

fn kind_of_record(record: &Record) -> Kind {
    match record {
        Record::Source(_) => Kind::Source,
        Record::Country(_) => Kind::Country,
        Record::Framework(_) => Kind::Framework,
        Record::Sector(_) => Kind::Sector,
        Record::Enterprise(_) => Kind::Enterprise,
        Record::Zone(_) => Kind::Zone,
        Record::Project(_) => Kind::Project,
        Record::Indicator(_) => Kind::Indicator,
    }
}

fn check_record_specifics(located: &Located<'_>, problems: &mut Vec<Problem>) {
    let participants: &[Participant] = match &located.record {
        Record::Project(p) => {
            if let (Some(start), Some(end)) = (p.start_year, p.completion_year) {
                if end < start {
                    problems.push(located.problem(
                        &[k("completionYear")],
                        format!("completion year {end} is before start year {start}"),
                    ));
                }
            }
            &p.participants
        }
        Record::Zone(z) => &z.developers,
        Record::Country(c) => {
            if c.alpha3.len() != 3 || !c.alpha3.bytes().all(|b| b.is_ascii_uppercase()) {
                problems.push(located.problem(
                    &[k("alpha3")],
                    format!(
                        "`{}` is not an ISO alpha-3 code (three upper-case letters)",
                        c.alpha3
                    ),
                ));
            }
            return;
        }
        _ => return,
    };
    let field = if matches!(located.record, Record::Zone(_)) {
        "developers"
    } else {
        "participants"
    };
    let mut seen = BTreeSet::new();
    for (i, row) in participants.iter().enumerate() {
        if !seen.insert((&row.enterprise, row.role)) {
            problems.push(located.problem(
                &[k(field), Step::Index(i)],
                format!("`{}` is listed twice with the same role", row.enterprise),
            ));
        }
    }
}

/// A sector's link to its parent sector, or an enterprise's to its parent group, with where the
/// link is written (`at`: whatever the caller needs to report a problem there).
pub(super) struct ParentLink<'r, At> {
    pub child: &'r Id,
    pub parent: &'r Id,
    pub at: At,
    pub steps: Vec<Step>,
}

impl<'r, At> ParentLink<'r, At> {
    pub fn of(record: &'r Record, at: At) -> Option<ParentLink<'r, At>> {
        let (child, parent, steps) = match record {
            Record::Sector(s) => (&s.id, s.parent.as_ref()?, vec![k("parent")]),
            Record::Enterprise(e) => (
                &e.id,
                &e.parent.as_ref()?.enterprise,
                vec![k("parent"), k("enterprise")],
            ),
            _ => return None,
        };
        Some(ParentLink {
            child,
            parent,
            at,
            steps,
        })
    }
}

/// The links whose child is its own ancestor (a sector may not be, nor an enterprise its own
/// parent group), one per node on a cycle, in ID order.
pub(super) fn links_in_cycles<'l, 'r, At>(
    links: &'l [ParentLink<'r, At>],
) -> Vec<&'l ParentLink<'r, At>> {
    let parent_of: BTreeMap<&Id, &ParentLink<'r, At>> =
        links.iter().map(|link| (link.child, link)).collect();
    let mut found = Vec::new();
    for (&start, &link) in &parent_of {
        let mut seen = BTreeSet::from([start]);
        let mut current = start;
        while let Some(next) = parent_of.get(current).map(|l| l.parent) {
            if next == start {
                found.push(link);
                break;
            }
            if !seen.insert(next) {
                break;
            }
            current = next;
        }
    }
    found
}
