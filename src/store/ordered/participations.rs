//! Who takes part in what, kept in the ordered index: each enterprise's projects and each
//! project's enterprises over `PARTICIPATES_IN`, with the edges' properties.
//!
//! An enterprise with its projects, and a page of projects with their enterprises, are among
//! the commonest questions. At a million projects there are a hundred thousand enterprises, and
//! a page of an enterprise's edges read from sled is a leaf that no cache holds: a fifth of the
//! time of such a query. The edges are few per node and their properties few in kind (a role or
//! two, rarely a share, a year or a source), so each edge here is two numbers: the far end's,
//! and its properties' place in a table of the distinct ones. Pages are cut from these lists
//! exactly as [`Store::edge_pages`] cuts them from the trees; the edges stay in sled for every
//! other read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::numbers::NumberTable;
use super::strings::Strings;
use super::{number, Numbers, OrderedIndex, ProjectNumber, Store, StoreError};
use crate::model::{Direction, EdgeProps, EdgeType, Id, Kind};
use crate::store::cache::PageKey;
use crate::store::{decode, keys, EdgePage, EdgeRef};

/// How many distinct sets of edge properties the index holds at most. A store whose
/// participations differ more than that (each citing its own sources, say) keeps none here,
/// and its pages are read from the trees: the table would cost what the edges do.
const MAX_DISTINCT_PROPS: usize = 1 << 16;

/// The `PARTICIPATES_IN` edges from enterprises to projects, numbered: projects as the ordered
/// index numbers them, enterprises by their place in ID order among those that take part in
/// something.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Participations {
    /// The IDs of the enterprises with at least one such edge, in ID order.
    enterprises: Strings,
    /// Each distinct set of edge properties once.
    props: Vec<EdgeProps>,
    /// Each enterprise's projects.
    by_enterprise: Lists,
    /// Each project's enterprises.
    by_project: Lists,
    /// Enterprise numbers by ID, built from `enterprises` on first use rather than stored.
    #[serde(skip)]
    numbers: OnceLock<NumberTable>,
}

/// Each near end's edges, one after another: far ends ascending (which is ID order, the order
/// of the trees' keys), each with its properties.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct Lists {
    /// Where each near end's edges end in `far` and `props`, by the near end's number.
    ends: Numbers,
    far: Numbers,
    /// Places in [`Participations::props`].
    props: Numbers,
}

impl Lists {
    /// The lists of `nears` near ends from `(near, far, properties)` edges sorted by near end,
    /// each near end's far ends ascending.
    fn gathered(edges: &[(u32, u32, u32)], nears: usize) -> Lists {
        let mut ends = vec![0u32; nears];
        for &(near, _, _) in edges {
            ends[near as usize] += 1;
        }
        let mut end = 0;
        for count in &mut ends {
            end += *count;
            *count = end;
        }
        Lists {
            ends: Numbers(ends),
            far: Numbers(edges.iter().map(|&(_, far, _)| far).collect()),
            props: Numbers(edges.iter().map(|&(_, _, props)| props).collect()),
        }
    }

    /// The far ends and properties of the edges of near end `near`; none past the last.
    fn of(&self, near: u32) -> (&[u32], &[u32]) {
        let Some(&end) = self.ends.get(near as usize) else {
            return (&[], &[]);
        };
        let start = match near.checked_sub(1) {
            Some(before) => self.ends[before as usize],
            None => 0,
        };
        let range = start as usize..end as usize;
        (&self.far[range.clone()], &self.props[range])
    }

    /// Whether the lists of `nears` near ends can be read without going out of bounds, and
    /// each is strictly ascending, so that a cursor is found by a binary search.
    fn sound(&self, nears: usize, fars: usize, props: usize) -> bool {
        self.ends.len() == nears
            && self.ends.windows(2).all(|w| w[0] <= w[1])
            && self.ends.last().map_or(0, |&e| e as usize) == self.far.len()
            && self.props.len() == self.far.len()
            && self.far.iter().all(|&f| (f as usize) < fars)
            && self.props.iter().all(|&p| (p as usize) < props)
            && (0..number(nears)).all(|n| self.of(n).0.windows(2).all(|w| w[0] < w[1]))
    }
}

impl Participations {
    /// The participations among the edges of `out` (a store's loaded `out` tree), with its
    /// projects numbered as `index` numbers them; `None` when they cannot be held here (too
    /// many distinct properties, or an edge to a project the index does not number). One scan
    /// of the enterprises' edges; `path` names the store in errors.
    pub(super) fn read(
        out: &sled::Tree,
        index: &OrderedIndex,
        path: &Path,
    ) -> Result<Option<Participations>, StoreError> {
        Participations::read_within(out, index, path, MAX_DISTINCT_PROPS)
    }

    /// [`Participations::read`], holding at most `max_props` distinct properties.
    fn read_within(
        out: &sled::Tree,
        index: &OrderedIndex,
        path: &Path,
        max_props: usize,
    ) -> Result<Option<Participations>, StoreError> {
        let corrupt = |key: &[u8]| StoreError::Corrupt {
            path: path.to_owned(),
            what: format!("unreadable key {:?}", String::from_utf8_lossy(key)),
        };
        let mut held = Participations::default();
        let mut distinct: HashMap<sled::IVec, u32> = HashMap::new();
        // (enterprise, project, properties) of every edge.
        let mut edges: Vec<(u32, u32, u32)> = Vec::new();
        // Keys come in order of their near end: each enterprise's edges one after another.
        for entry in out.scan_prefix(keys::kind_prefix(Kind::Enterprise)) {
            let (key, value) = entry?;
            let (Some(near), Some((edge_type, far))) =
                (keys::adjacency_near(&key), keys::parse_adjacency(&key))
            else {
                return Err(corrupt(&key));
            };
            if edge_type != EdgeType::ParticipatesIn || far.kind() != Kind::Project {
                continue;
            }
            let Some(project) = index.number_of(&far) else {
                return Ok(None);
            };
            let enterprises = &mut held.enterprises;
            let last = enterprises.len().checked_sub(1).map(number);
            if last.is_none_or(|last| enterprises.get(last) != near) {
                if Id::parse(near).map(|id| id.kind()) != Ok(Kind::Enterprise) {
                    return Err(corrupt(&key));
                }
                enterprises.push(near);
            }
            let enterprise = number(enterprises.len() - 1);
            let props = match distinct.get(&value) {
                Some(&place) => place,
                None if held.props.len() == max_props => return Ok(None),
                None => {
                    held.props.push(decode(&key, &value)?);
                    let place = number(held.props.len() - 1);
                    distinct.insert(value, place);
                    place
                }
            };
            edges.push((enterprise, project, props));
        }
        held.by_enterprise = Lists::gathered(&edges, held.enterprises.len());
        let mut by_project: Vec<(u32, u32, u32)> = edges
            .into_iter()
            .map(|(e, p, props)| (p, e, props))
            .collect();
        // Stable, so that each project's enterprises stay in the order they were read: by number.
        by_project.sort_by_key(|&(project, _, _)| project);
        held.by_project = Lists::gathered(&by_project, index.len());
        Ok(Some(held))
    }

    /// What is wrong with the participations of a store of `projects` projects, if anything.
    pub(super) fn check(&self, projects: usize) -> Result<(), String> {
        let enterprises = self.enterprises.len();
        let sound = self.enterprises.readable(enterprises)
            && (1..number(enterprises))
                .all(|n| self.enterprises.get(n - 1) < self.enterprises.get(n))
            && (0..number(enterprises)).all(|n| {
                Id::parse(self.enterprises.get(n)).is_ok_and(|id| id.kind() == Kind::Enterprise)
            })
            && self.props.len() <= MAX_DISTINCT_PROPS
            && self
                .by_enterprise
                .sound(enterprises, projects, self.props.len())
            && self
                .by_project
                .sound(projects, enterprises, self.props.len())
            && self.by_enterprise.far.len() == self.by_project.far.len();
        if sound {
            Ok(())
        } else {
            Err("has unreadable participations".into())
        }
    }

    /// The table of enterprise numbers by ID, built the first time it is asked for.
    pub(super) fn enterprise_numbers(&self) -> &NumberTable {
        self.numbers.get_or_init(|| {
            NumberTable::build(number(self.enterprises.len()), |n| self.enterprises.get(n))
        })
    }

    /// The number of the enterprise with this ID, if it takes part in anything.
    fn enterprise_number(&self, id: &Id) -> Option<u32> {
        self.enterprise_numbers()
            .find(id.as_str(), |n| self.enterprises.get(n))
    }
}

/// One side of the participations, as a page reads it: whose lists, and how the far ends are
/// numbered.
struct Side<'a> {
    lists: &'a Lists,
    near: Option<u32>,
    far_number: &'a dyn Fn(&Id) -> Option<u32>,
    far_ids: &'a Strings,
}

impl Store {
    /// The page [`Store::edge_pages`] reads for `near`, cut from the index's participations
    /// when the page is one of theirs (an enterprise's projects, or a project's enterprises,
    /// over `PARTICIPATES_IN`) and the index holds them; `None` for any other page, which the
    /// trees must give.
    pub(in crate::store) fn participation_page(
        &self,
        page: &PageKey,
    ) -> Result<Option<EdgePage>, StoreError> {
        let (near, direction, far_kind) = (&page.near, page.direction, page.far_kind);
        if page.edge_type != EdgeType::ParticipatesIn {
            return Ok(None);
        }
        let index = self.ordered_index()?;
        let Some(held) = &index.participations else {
            return Ok(None);
        };
        let project_number = |id: &Id| index.number_of(id);
        let enterprise_number = |id: &Id| held.enterprise_number(id);
        let side = match (direction, near.kind(), far_kind) {
            (Direction::Out, Kind::Enterprise, Kind::Project) => Side {
                lists: &held.by_enterprise,
                near: held.enterprise_number(near),
                far_number: &project_number,
                far_ids: &index.ids,
            },
            (Direction::In, Kind::Project, Kind::Enterprise) => Side {
                lists: &held.by_project,
                near: index.number_of(near),
                far_number: &enterprise_number,
                far_ids: &held.enterprises,
            },
            _ => return Ok(None),
        };
        let (far, props) = side.near.map_or((&[][..], &[][..]), |n| side.lists.of(n));
        let start = match &page.after {
            None => 0,
            Some(after) => {
                let found = (after.kind() == far_kind)
                    .then(|| (side.far_number)(after))
                    .flatten()
                    .and_then(|a| far.binary_search(&a).ok());
                match found {
                    Some(at) => at + 1,
                    None => return Ok(Some(EdgePage::AfterNotFound)),
                }
            }
        };
        let end = far.len().min(start.saturating_add(page.limit));
        let far_ids = side.far_ids.get_each(far[start..end].iter().copied());
        let edges = far_ids
            .into_iter()
            .zip(&props[start..end])
            .map(|(id, &props)| {
                Ok(EdgeRef {
                    edge_type: page.edge_type,
                    direction,
                    other: Id::parse(id).map_err(|_| self.corrupt_key(id.as_bytes()))?,
                    props: held.props[props as usize].clone(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Far ends that are projects are numbered as the ordered index numbers them.
        let numbers = match far_kind {
            Kind::Project => far[start..end].iter().map(|&p| ProjectNumber(p)).collect(),
            _ => Vec::new(),
        };
        Ok(Some(EdgePage::Found {
            edges,
            more: end < far.len(),
            total: far.len() as u64,
            numbers,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, Node, NodeAttrs, ProjectAttrs, Role};
    use crate::store::{Access, StoreWriter};

    fn id(text: &str) -> Id {
        Id::parse(text).unwrap()
    }

    fn node(id: &Id, attrs: NodeAttrs) -> Node {
        super::super::bare_node(id, id.as_str(), attrs)
    }

    fn edge(from: &Id, edge_type: EdgeType, to: &Id, props: EdgeProps) -> Edge {
        Edge {
            from: from.clone(),
            edge_type,
            to: to.clone(),
            props,
        }
    }

    /// Properties of a few kinds: one role or two, a share, a year, a source.
    fn props(n: usize) -> EdgeProps {
        let roles = [
            Role::Contractor,
            Role::Investor,
            Role::Operator,
            Role::Financier,
        ];
        EdgeProps {
            roles: match n % 5 {
                0 => vec![roles[0], roles[1]],
                k => vec![roles[k - 1]],
            },
            share: n.is_multiple_of(7).then_some(51.5),
            since: n.is_multiple_of(3).then_some(2010 + (n % 4) as i32),
            sources: if n.is_multiple_of(11) {
                vec![id("source:s")]
            } else {
                vec![]
            },
        }
    }

    /// What the test store holds.
    struct Built {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
        enterprises: Vec<Id>,
        projects: Vec<Id>,
    }

    /// Enterprises whose IDs start alike (`e1`, `e1-x`, `e10`), 40 projects, and edges from
    /// enterprises of several types: participations with varied properties (one enterprise in
    /// none, one in many), a participation in a zone, and others; added in no particular order.
    fn built() -> Built {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let enterprises: Vec<Id> = ["e1", "e1-x", "e10", "e2", "idle", "many"]
            .iter()
            .map(|e| Id::new(Kind::Enterprise, e).unwrap())
            .collect();
        let projects: Vec<Id> = (0..40)
            .map(|n| Id::new(Kind::Project, &format!("p{n}")).unwrap())
            .collect();
        let zone = id("zone:z");
        let country = id("country:KH");
        let mut edges = Vec::new();
        for (n, project) in projects.iter().enumerate() {
            for (k, enterprise) in enterprises[..4].iter().enumerate() {
                if (n + k) % 3 == 0 {
                    edges.push(edge(
                        enterprise,
                        EdgeType::ParticipatesIn,
                        project,
                        props(n + k),
                    ));
                }
            }
            edges.push(edge(
                &enterprises[5],
                EdgeType::ParticipatesIn,
                project,
                props(n),
            ));
            edges.push(edge(
                project,
                EdgeType::LocatedIn,
                &country,
                EdgeProps::default(),
            ));
        }
        for enterprise in &enterprises {
            edges.push(edge(
                enterprise,
                EdgeType::HeadquarteredIn,
                &country,
                props(1),
            ));
        }
        edges.push(edge(
            &enterprises[0],
            EdgeType::ParticipatesIn,
            &zone,
            props(2),
        ));
        edges.push(edge(&enterprises[2], EdgeType::Develops, &zone, props(3)));
        let mut writer = StoreWriter::create(&path).unwrap();
        for (n, e) in edges.iter().enumerate().rev() {
            if n % 2 == 0 {
                writer.add_edge(e).unwrap();
            }
        }
        for e in edges.iter().skip(1).step_by(2) {
            writer.add_edge(e).unwrap();
        }
        let nodes = enterprises
            .iter()
            .map(|e| node(e, NodeAttrs::Enterprise(Default::default())))
            .chain(
                projects
                    .iter()
                    .map(|p| node(p, NodeAttrs::Project(ProjectAttrs::default()))),
            )
            .chain([
                node(&zone, NodeAttrs::Zone(Default::default())),
                node(&country, NodeAttrs::Country(Default::default())),
            ]);
        for n in nodes.rev() {
            writer.add_node(&n).unwrap();
        }
        drop(writer.finish("test").unwrap());
        Built {
            _dir: dir,
            path,
            enterprises,
            projects,
        }
    }

    /// Rewrites the store's index after `change`.
    fn rewrite_index(path: &Path, change: impl FnOnce(&mut OrderedIndex)) {
        let mut index = OrderedIndex::read(path).unwrap();
        change(&mut index);
        index.write(path).unwrap();
    }

    /// `page`, once its far ends' numbers, where it has them, are checked to be theirs in the
    /// index; without them, as the trees give none.
    fn numbers_checked(store: &Store, mut page: EdgePage) -> EdgePage {
        if let EdgePage::Found { edges, numbers, .. } = &mut page {
            if !numbers.is_empty() {
                let ids: Vec<Id> = edges.iter().map(|e| e.other.clone()).collect();
                let expected: Vec<Option<ProjectNumber>> =
                    numbers.iter().copied().map(Some).collect();
                assert_eq!(store.project_numbers(&ids).unwrap(), expected);
                numbers.clear();
            }
        }
        page
    }

    /// Every page a client can ask of `near` over `PARTICIPATES_IN`: both directions, each
    /// far kind, from the start and after each edge, a node that is not on the list, and one of
    /// another kind, at several page sizes.
    fn every_page(store: &Store, near: &Id) -> Vec<EdgePage> {
        let mut afters: Vec<Option<Id>> =
            vec![None, Some(id("project:absent")), Some(id("zone:z"))];
        for direction in [Direction::Out, Direction::In] {
            let all = store
                .edges(near, Some(&[EdgeType::ParticipatesIn]), direction)
                .unwrap();
            afters.extend(all.into_iter().map(|e| Some(e.other)));
        }
        let mut pages = Vec::new();
        for direction in [Direction::Out, Direction::In] {
            for far_kind in [Kind::Project, Kind::Enterprise, Kind::Zone] {
                for after in &afters {
                    for limit in [0, 1, 2, 7, 100] {
                        let page = store.edge_pages(
                            std::slice::from_ref(near),
                            EdgeType::ParticipatesIn,
                            direction,
                            far_kind,
                            after.as_ref(),
                            limit,
                        );
                        pages.extend(page.unwrap().into_iter().map(|p| numbers_checked(store, p)));
                    }
                }
            }
        }
        pages
    }

    #[test]
    fn every_page_of_participations_is_the_page_the_trees_give() {
        let built = built();
        let nears: Vec<Id> = built
            .enterprises
            .iter()
            .chain(&built.projects)
            .cloned()
            .chain([id("enterprise:absent"), id("zone:z")])
            .collect();
        let store = Store::open(&built.path, Access::Random).unwrap();
        let held: Vec<Vec<EdgePage>> = nears.iter().map(|n| every_page(&store, n)).collect();
        let from_memory = store
            .participation_page(&PageKey {
                near: built.enterprises[5].clone(),
                edge_type: EdgeType::ParticipatesIn,
                direction: Direction::Out,
                far_kind: Kind::Project,
                after: None,
                limit: 100,
            })
            .unwrap();
        assert!(from_memory.is_some(), "the index holds the participations");
        drop(store);

        rewrite_index(&built.path, |index| index.participations = None);
        let store = Store::open(&built.path, Access::Random).unwrap();
        let from_trees: Vec<Vec<EdgePage>> = nears.iter().map(|n| every_page(&store, n)).collect();

        assert_eq!(held, from_trees);
        let found = |pages: &Vec<EdgePage>| {
            pages
                .iter()
                .filter(|p| matches!(p, EdgePage::Found { edges, .. } if !edges.is_empty()))
                .count()
        };
        assert!(
            found(&held[5]) > 100,
            "the enterprise in every project has pages"
        );
        assert_eq!(
            found(&held[4]),
            0,
            "the idle enterprise takes part in nothing"
        );
        let edges = store
            .edges(
                &built.enterprises[5],
                Some(&[EdgeType::ParticipatesIn]),
                Direction::Out,
            )
            .unwrap();
        let ids: Vec<Id> = edges.iter().map(|e| e.other.clone()).collect();
        let numbers = store.project_numbers(&ids).unwrap().into_iter().flatten();
        assert_eq!(
            from_memory,
            Some(EdgePage::Found {
                edges,
                more: false,
                total: 40,
                numbers: numbers.collect(),
            })
        );
    }

    #[test]
    fn pages_of_participations_come_from_the_index_not_the_trees() {
        let built = built();
        let changed = EdgeProps {
            roles: vec![Role::Supplier],
            ..EdgeProps::default()
        };
        rewrite_index(&built.path, |index| {
            let held = index.participations.as_mut().unwrap();
            for props in &mut held.props {
                *props = changed.clone();
            }
        });
        let store = Store::open(&built.path, Access::Random).unwrap();

        let pages = store
            .edge_pages(
                &built.projects[..3],
                EdgeType::ParticipatesIn,
                Direction::In,
                Kind::Enterprise,
                None,
                10,
            )
            .unwrap();

        for page in pages {
            let EdgePage::Found { edges, .. } = page else {
                panic!("a page from the start is found");
            };
            assert!(!edges.is_empty());
            assert!(edges.iter().all(|e| e.props == changed), "{edges:?}");
        }
    }

    #[test]
    fn too_many_distinct_properties_are_not_held() {
        let built = built();
        let store = Store::open(&built.path, Access::Random).unwrap();
        let index = OrderedIndex::read(&built.path).unwrap();
        let distinct = index.participations.as_ref().unwrap().props.len();
        assert!(distinct > 4, "{distinct}");
        let out = store.db.open_tree("out").unwrap();

        let read = |max| Participations::read_within(&out, &index, &built.path, max).unwrap();

        assert_eq!(read(distinct - 1), None);
        assert_eq!(read(distinct).as_ref(), index.participations.as_ref());
    }

    #[test]
    fn participations_out_of_order_are_refused_when_the_store_opens() {
        let built = built();
        rewrite_index(&built.path, |index| {
            let held = index.participations.as_mut().unwrap();
            // The enterprise in every project: its first two projects swapped.
            let many = held.enterprise_number(&built.enterprises[5]).unwrap();
            let start = held.by_enterprise.ends[many as usize - 1] as usize;
            held.by_enterprise.far.swap(start, start + 1);
        });

        let refused = Store::open(&built.path, Access::Random)
            .err()
            .expect("refused");

        assert!(
            refused
                .to_string()
                .contains("its ordered index has unreadable participations"),
            "{refused}"
        );
    }
}
