//! What the ordered index knows of a project without reading its record: its name and facets.
//!
//! A page of projects usually shows little more than these (a name, a status, a year, a
//! value), and at a million projects reading each record is a random read of a sled page no
//! cache holds. Answering them from memory leaves the records to the fields that need them.

use super::{Facets, Store, StoreError};
use crate::model::Id;

/// A project as the ordered index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectSummary {
    /// As written, the same as the record's.
    pub name: String,
    pub facets: Facets,
}

/// A project's place in the ordered index of the store that gave it, found once from its ID.
///
/// Finding it is a hash lookup that compares ID bytes, a few cache misses at a million projects;
/// a page that asks for both the summaries and the host countries of its projects finds each
/// number once and hands it to both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectNumber(pub(super) u32);

impl Store {
    /// The number of each of `ids` in this store's ordered index: `None` for an ID that is not a
    /// project of the store. Only this store's reads take them. Not counted as a store read:
    /// it is the first half of the summaries or host countries read that follows.
    pub fn project_numbers(&self, ids: &[Id]) -> Result<Vec<Option<ProjectNumber>>, StoreError> {
        let index = self.ordered_index()?;
        self.ids_looked_up
            .fetch_add(ids.len() as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(ids
            .iter()
            .map(|id| index.number_of(id).map(ProjectNumber))
            .collect())
    }

    /// How many project IDs [`Store::project_numbers`] has looked up; lets tests prove that a
    /// page that knows its projects' numbers hands them on.
    pub fn project_ids_looked_up(&self) -> u64 {
        self.ids_looked_up
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The summary of each project of `numbers`, in memory in one call: `None` where the
    /// number is.
    pub fn project_summaries(
        &self,
        numbers: &[Option<ProjectNumber>],
    ) -> Result<Vec<Option<ProjectSummary>>, StoreError> {
        self.count_read();
        let index = self.ordered_index()?;
        let known = || numbers.iter().flatten().map(|&ProjectNumber(n)| n);
        // Facets and names gathered first, each in a loop of its own, so that their cache
        // misses overlap (see `Strings::get_each`); the names are copied after.
        let facets: Vec<Facets> = known().map(|n| index.facets[n as usize]).collect();
        let mut found = index.names.get_each(known()).into_iter().zip(facets);
        Ok(numbers
            .iter()
            .map(|number| {
                number
                    .and_then(|_| found.next())
                    .map(|(name, facets)| ProjectSummary {
                        name: name.to_owned(),
                        facets,
                    })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Node, NodeAttrs, ProjectAttrs, Status};
    use crate::store::{Access, StoreWriter};

    fn node(id: &str, name: &str, attrs: NodeAttrs) -> Node {
        super::super::bare_node(&Id::parse(id).unwrap(), name, attrs)
    }

    fn project(id: &str, name: &str, status: Status, start_year: Option<i32>) -> Node {
        node(
            id,
            name,
            NodeAttrs::Project(ProjectAttrs {
                status,
                start_year,
                completion_year: None,
                value: vec![],
                capacity: vec![],
                location: None,
            }),
        )
    }

    #[test]
    fn a_summary_holds_the_records_name_and_facets_and_other_ids_have_none() {
        let projects = [
            project(
                "project:b",
                "Kyaukphyu Deep-Sea Port",
                Status::Planned,
                Some(2015),
            ),
            project(
                "project:a",
                "万象赛色塔综合开发区",
                Status::Operational,
                None,
            ),
            project("project:c", "", Status::Unknown, Some(-5)),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let mut writer = StoreWriter::create(&path).unwrap();
        for p in &projects {
            writer.add_node(p).unwrap();
        }
        drop(writer.finish("test").unwrap());
        let store = Store::open(&path, Access::Random).unwrap();

        let mut ids: Vec<Id> = projects.iter().map(|p| p.id.clone()).collect();
        ids.push(Id::new(Kind::Zone, "a").unwrap());
        ids.push(Id::new(Kind::Project, "absent").unwrap());
        let numbers = store.project_numbers(&ids).unwrap();
        let summaries = store.project_summaries(&numbers).unwrap();

        let expected: Vec<Option<ProjectSummary>> = projects
            .iter()
            .map(|p| {
                Some(ProjectSummary {
                    name: p.name.clone(),
                    facets: Facets::of(p).unwrap(),
                })
            })
            .chain([None, None])
            .collect();
        assert_eq!(summaries, expected);
    }
}
