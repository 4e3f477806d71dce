//! Each project's host countries, kept in the ordered index beside its facets.
//!
//! Nearly every project query asks for `hostCountries`. Read from sled, that is a scan of the
//! project's `out` edges: at a million projects, a random read of a page no cache holds for
//! every project on a page. The countries of a store are few, so each project's are bits of a
//! word here, read in memory; the `LOCATED_IN` edges stay in sled for everything else.

use serde::{Deserialize, Serialize};

use super::{OrderedIndex, ProjectNumber, Store, StoreError};
use crate::model::{Id, Kind};

/// How many countries a store may have for their projects' host countries to be held here;
/// a store with more keeps none, and `hostCountries` reads edges.
const MAX_COUNTRIES: usize = u64::BITS as usize;

/// Country IDs, and each project's host countries as bits of a word: bit `i` is `countries[i]`.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Hosts {
    /// In ID order, so that a project's bits, lowest first, list its countries in the order of
    /// its edge keys, as `hostCountries` gives them. Checked as IDs when the index is read.
    countries: Vec<Id>,
    /// One word per project, by number; empty when the index holds no host countries.
    masks: Vec<u64>,
}

impl Hosts {
    /// What is wrong with the host countries of `projects` projects, if anything.
    pub(super) fn check(&self, projects: usize) -> Result<(), String> {
        let known = if self.countries.len() >= MAX_COUNTRIES {
            u64::MAX
        } else {
            (1u64 << self.countries.len()) - 1
        };
        let sound = self.countries.len() <= MAX_COUNTRIES
            && self.countries.windows(2).all(|w| w[0] < w[1])
            && (self.masks.is_empty() || self.masks.len() == projects)
            && self.masks.iter().all(|&mask| mask & !known == 0);
        if sound {
            Ok(())
        } else {
            Err("has unreadable host countries".into())
        }
    }

    /// The word of the project numbered `number`; `None` when the index holds none.
    fn mask(&self, number: u32) -> Option<u64> {
        self.masks.get(number as usize).copied()
    }

    /// The countries of a project's word, in ID order.
    fn countries_of(&self, mask: u64) -> impl Iterator<Item = &Id> {
        self.countries
            .iter()
            .enumerate()
            .filter(move |(bit, _)| mask & (1 << bit) != 0)
            .map(|(_, id)| id)
    }
}

/// Gathers `LOCATED_IN` edges from projects to countries while a store is built, in any order.
#[derive(Default)]
pub(super) struct HostsBuilder {
    located: Vec<(Id, Id)>,
}

impl HostsBuilder {
    /// Keeps `project`'s edge to `country`; edges of other kinds of node are left out.
    pub(super) fn add(&mut self, project: &Id, country: &Id) {
        if project.kind() == Kind::Project && country.kind() == Kind::Country {
            self.located.push((project.clone(), country.clone()));
        }
    }

    /// The host countries of the projects of `index`, numbered as there.
    pub(super) fn build(self, index: &OrderedIndex) -> Hosts {
        let mut countries: Vec<Id> = self.located.iter().map(|(_, c)| c.clone()).collect();
        countries.sort_unstable();
        countries.dedup();
        if countries.len() > MAX_COUNTRIES {
            return Hosts::default();
        }
        let mut masks = vec![0u64; index.len()];
        for (project, country) in &self.located {
            let (Some(number), Ok(bit)) =
                (index.number_of(project), countries.binary_search(country))
            else {
                continue;
            };
            masks[number as usize] |= 1 << bit;
        }
        Hosts { countries, masks }
    }
}

impl Store {
    /// The countries each of `projects` is located in, each list in ID order, from memory in
    /// one call; `None` when the index holds no host countries (a store of more than 64
    /// countries) or one of `projects` is not a project of the store.
    pub fn host_countries(
        &self,
        projects: &[Option<ProjectNumber>],
    ) -> Result<Option<Vec<Vec<Id>>>, StoreError> {
        self.count_read();
        let index = self.ordered_index()?;
        // Every project's word first, in a loop of its own, so that their cache misses overlap
        // (see `Strings::get_each`); the lists are made after.
        let masks: Option<Vec<u64>> = projects
            .iter()
            .map(|project| project.and_then(|ProjectNumber(number)| index.hosts.mask(number)))
            .collect();
        Ok(masks.map(|masks| {
            masks
                .into_iter()
                .map(|mask| index.hosts.countries_of(mask).cloned().collect())
                .collect()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CountryAttrs, Direction, Edge, EdgeProps, EdgeType, Node, NodeAttrs};
    use crate::model::{ProjectAttrs, Status};
    use crate::store::{Access, StoreWriter};

    fn node(id: &Id, attrs: NodeAttrs) -> Node {
        super::super::bare_node(id, id.as_str(), attrs)
    }

    fn country(code: &str) -> Node {
        let attrs = NodeAttrs::Country(CountryAttrs {
            alpha3: format!("{code}X"),
            official_name: None,
            capital: None,
            asean_member: true,
            asean_joined: None,
        });
        node(&Id::new(Kind::Country, code).unwrap(), attrs)
    }

    fn project(n: usize) -> Node {
        let attrs = NodeAttrs::Project(ProjectAttrs {
            status: Status::ALL[n % Status::ALL.len()],
            ..ProjectAttrs::default()
        });
        node(&Id::new(Kind::Project, &format!("p{n:02}")).unwrap(), attrs)
    }

    fn located(from: &Node, to: &Node) -> Edge {
        Edge {
            from: from.id.clone(),
            edge_type: EdgeType::LocatedIn,
            to: to.id.clone(),
            props: EdgeProps::default(),
        }
    }

    /// A store of `countries` countries and 30 projects, the first in none and the others in
    /// one or more of them,
    /// their edges added in no particular order; also a zone's `LOCATED_IN` edge, which is
    /// not a project's.
    fn built(countries: usize) -> (tempfile::TempDir, Store, Vec<Node>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let mut writer = StoreWriter::create(&path).unwrap();
        let codes: Vec<String> = (0..countries)
            .map(|i| {
                format!(
                    "{}{}",
                    (b'A' + (i / 26) as u8) as char,
                    (b'A' + (i % 26) as u8) as char
                )
            })
            .collect();
        let countries: Vec<Node> = codes.iter().rev().map(|c| country(c)).collect();
        let projects: Vec<Node> = (0..30).rev().map(project).collect();
        let mut edges = Vec::new();
        for (n, p) in projects.iter().enumerate() {
            for k in 0..n % 4 {
                edges.push(located(p, &countries[(n * 7 + k * 5) % countries.len()]));
            }
        }
        // Every country some project's host, so that a store of more than 64 has them all.
        for (c, country) in countries.iter().enumerate() {
            let edge = located(&projects[1 + c % 29], country);
            if !edges.contains(&edge) {
                edges.push(edge);
            }
        }
        let zone = node(
            &Id::new(Kind::Zone, "z").unwrap(),
            NodeAttrs::Zone(Default::default()),
        );
        edges.push(located(&zone, &countries[0]));
        for edge in edges.iter().rev() {
            writer.add_edge(edge).unwrap();
        }
        for n in countries.iter().chain(&projects).chain([&zone]) {
            writer.add_node(n).unwrap();
        }
        drop(writer.finish("test").unwrap());
        let store = Store::open(&path, Access::Random).unwrap();
        (dir, store, projects)
    }

    /// Each project's countries as its `LOCATED_IN` edges give them.
    fn by_edges(store: &Store, projects: &[Id]) -> Vec<Vec<Id>> {
        projects
            .iter()
            .map(|p| {
                let edges = store.edges(p, Some(&[EdgeType::LocatedIn]), Direction::Out);
                edges.unwrap().into_iter().map(|e| e.other).collect()
            })
            .collect()
    }

    fn hosts_of(store: &Store, ids: &[Id]) -> Option<Vec<Vec<Id>>> {
        let numbers = store.project_numbers(ids).unwrap();
        store.host_countries(&numbers).unwrap()
    }

    #[test]
    fn host_countries_are_the_located_in_edges_in_their_order() {
        let (_dir, store, projects) = built(12);
        let ids: Vec<Id> = projects.iter().map(|p| p.id.clone()).collect();

        let held = hosts_of(&store, &ids).expect("the index holds them");

        let expected = by_edges(&store, &ids);
        assert_eq!(held, expected);
        let counts: Vec<usize> = expected.iter().map(Vec::len).collect();
        assert!(
            [0, 1, 2, 3].iter().all(|n| counts.contains(n)),
            "{counts:?}"
        );
    }

    #[test]
    fn the_index_holds_no_host_countries_past_64_countries_or_for_other_nodes() {
        let (_dir, store, projects) = built(65);
        assert_eq!(hosts_of(&store, &[projects[0].id.clone()]), None);

        let (_dir, store, projects) = built(64);
        let ids: Vec<Id> = projects.iter().map(|p| p.id.clone()).collect();
        let held = hosts_of(&store, &ids);
        assert_eq!(held, Some(by_edges(&store, &ids)));
        let zone = Id::new(Kind::Zone, "z").unwrap();
        assert_eq!(hosts_of(&store, &[zone]), None);
    }

    #[test]
    fn a_host_country_bit_past_the_countries_is_refused_when_the_store_opens() {
        let (dir, store, _) = built(3);
        drop(store);
        let path = dir.path().join("store");
        let mut index = OrderedIndex::read(&path).unwrap();
        index.hosts.masks[0] |= 1 << 3;
        index.write(&path).unwrap();

        let refused = Store::open(&path, Access::Random).err().expect("refused");

        assert!(
            refused
                .to_string()
                .contains("its ordered index has unreadable host countries"),
            "{refused}"
        );
    }
}
