//! Nodes as the API serves them, loaded in batches: the answer to N+1.
//!
//! Every node an API object wraps belongs to a [`Batch`]: the siblings it was loaded with (a page
//! of projects, the host countries of that page, ...). The first time one of them is asked for
//! a relationship, the batch reads it for all siblings at once — one store call for the edges —
//! and the far nodes form the next level's batch. Their records are read in one more call when a
//! field first needs one; a project's name and facets, and its host countries, come from the
//! store's index without it. A nested query therefore costs a few store calls per level,
//! however many rows each level has.

use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

// hashbrown's maps hash with foldhash, seeded per process: std's SipHash in these maps was 4%
// of the instructions of a page of 20 projects with their sectors and enterprises (Q2), every
// batch looking up its pages and far ends by ID. The keys are IDs and page arguments, short
// and many, which is what foldhash is for.
use hashbrown::HashMap;

use crate::model::{Direction, EdgeType, Id, Kind, Node, Role};
use crate::store::{EdgePage, EdgeRef, ProjectNumber, ProjectSummary, Store};

use super::connection::{decode_cursor, Page, PageArgs, PageInfo, DEFAULT_PAGE};
use super::error::{ApiError, ApiResult};
use super::filter::ProjectFilter;

/// A node plus the batch it came in. Its record is read when a field first needs it, for the
/// whole batch at once; a project's name and facets come from the store's index without it.
#[derive(Clone)]
pub struct Entity {
    slot: usize,
    /// Its ID's kind, parsed once: fields ask for it often.
    kind: Kind,
    pub batch: Arc<Batch>,
}

impl Entity {
    pub fn id(&self) -> &Id {
        &self.batch.ids[self.slot]
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The node's record, read with its siblings' on first use.
    pub fn node(&self) -> ApiResult<&Arc<Node>> {
        self.batch.node(self.slot)
    }

    /// What the store's index holds of this project without its record; `None` for other
    /// kinds, and once the records are read, since the record then costs nothing more.
    pub fn summary(&self) -> ApiResult<Option<&ProjectSummary>> {
        if self.kind != Kind::Project || self.batch.nodes.get().is_some() {
            return Ok(None);
        }
        self.batch.summary(self.slot)
    }

    /// The node's name, without reading its record when the index holds it.
    pub fn name(&self) -> ApiResult<&str> {
        if let Some(summary) = self.summary()? {
            return Ok(&summary.name);
        }
        Ok(&self.node()?.name)
    }
}

/// One neighbour of a node: the edge that leads there and the node it leads to.
#[derive(Clone)]
pub struct Link {
    pub edge: EdgeRef,
    pub entity: Entity,
}

type EdgeKey = (Vec<EdgeType>, u8);
/// Every sibling's neighbours over one kind of edge.
type LinksById = Arc<BTreeMap<Id, Vec<Link>>>;
/// Every sibling's edges over one kind of edge, without the nodes at their far ends.
type EdgesById = Arc<BTreeMap<Id, Vec<EdgeRef>>>;
/// Every sibling's page of one connection, or why its arguments do not fit its list. Each page
/// is shared with the connection that shows it rather than copied out, edge properties and all.
type PagesById = Arc<BTreeMap<Id, ApiResult<Arc<Page<Link>>>>>;

/// Which page of neighbours a cached page is: the edges read, the rows kept and the page asked
/// for. Siblings share a field's arguments, so one key holds the pages of them all, and two
/// aliases of a field with different arguments get two keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub types: Vec<EdgeType>,
    pub direction: Direction,
    pub kind: Kind,
    pub kept: Kept,
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    /// The server's page size limit, which decides whether `first` or `last` is refused.
    pub max: i32,
}

/// What a connection keeps of its neighbours besides their kind (everything by default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Kept {
    /// Only edges where the enterprise plays one of these roles.
    pub roles: Option<Vec<Role>>,
    /// Only projects this filter matches.
    pub projects: Option<ProjectFilter>,
}
/// Source nodes read so far, by ID.
type SourceCache = Option<Arc<HashMap<Id, Arc<Node>>>>;
/// Every sibling's host countries as the store's index holds them, or `None` when it holds none.
type HostsById = Arc<Option<BTreeMap<Id, Vec<Entity>>>>;

/// Siblings loaded together, with what has been read for all of them so far.
pub struct Batch {
    store: Arc<Store>,
    ids: Vec<Id>,
    /// The siblings' records, by slot, read on first use (a sibling without one has `None`),
    /// or why they could not be read, so that a failed read is made and logged once;
    /// the first `sources` call reads every source they cite. Kept rather than their
    /// citations, which most queries never ask for.
    nodes: OnceLock<ApiResult<Vec<Option<Arc<Node>>>>>,
    /// The siblings' numbers in the store's ordered index (`None` for one that is not a
    /// project), found on first use by the summaries or the host countries, whichever asks first.
    numbers: OnceLock<Vec<Option<ProjectNumber>>>,
    /// What the index holds of the siblings that are projects, by slot, read on first use.
    summaries: OnceLock<Vec<Option<ProjectSummary>>>,
    links: Mutex<HashMap<EdgeKey, LinksById>>,
    edges: Mutex<HashMap<EdgeKey, EdgesById>>,
    pages: Mutex<HashMap<PageKey, PagesById>>,
    sources: Mutex<SourceCache>,
    hosts: Mutex<Option<HostsById>>,
}

/// What `cache` holds under `key`, read by `read` on first use. The lock is held while reading,
/// so siblings that ask at once wait for the one read rather than each making it.
fn cached<K: Eq + Hash, V>(
    cache: &Mutex<HashMap<K, Arc<V>>>,
    what: &str,
    key: K,
    read: impl FnOnce() -> ApiResult<V>,
) -> ApiResult<Arc<V>> {
    let mut cache = cache
        .lock()
        .map_err(|_| ApiError::internal(&format!("poisoned {what} cache")))?;
    if let Some(found) = cache.get(&key) {
        return Ok(Arc::clone(found));
    }
    let value = Arc::new(read()?);
    cache.insert(key, Arc::clone(&value));
    Ok(value)
}

/// What `cell` holds, read by `read` on first use; a failed read is not kept, so the next use
/// reads again.
fn read_once<T>(cell: &OnceLock<T>, read: impl FnOnce() -> ApiResult<T>) -> ApiResult<&T> {
    match cell.get() {
        Some(value) => Ok(value),
        None => {
            let value = read()?;
            Ok(cell.get_or_init(|| value))
        }
    }
}

/// Each sibling's page of one connection, as cut from its edges, before the nodes on it are
/// read; an error is the client's (a bad cursor or size), the same for every sibling.
type Cut<'b> = BTreeMap<&'b Id, ApiResult<Page<EdgeRef>>>;

fn direction_key(direction: Direction) -> u8 {
    match direction {
        Direction::Out => 0,
        Direction::In => 1,
        Direction::Both => 2,
    }
}

impl Batch {
    /// Siblings `ids`, with their records if already read.
    fn siblings(
        store: &Arc<Store>,
        ids: Vec<Id>,
        nodes: OnceLock<ApiResult<Vec<Option<Arc<Node>>>>>,
        numbers: OnceLock<Vec<Option<ProjectNumber>>>,
    ) -> Vec<Entity> {
        let batch = Arc::new(Batch {
            store: Arc::clone(store),
            ids,
            nodes,
            numbers,
            summaries: OnceLock::new(),
            links: Mutex::default(),
            edges: Mutex::default(),
            pages: Mutex::default(),
            sources: Mutex::default(),
            hosts: Mutex::default(),
        });
        (0..batch.ids.len())
            .map(|slot| Entity {
                slot,
                kind: batch.ids[slot].kind(),
                batch: Arc::clone(&batch),
            })
            .collect()
    }

    /// Wraps nodes already read as one batch.
    pub fn entities(store: &Arc<Store>, nodes: Vec<Arc<Node>>) -> Vec<Entity> {
        let ids = nodes.iter().map(|n| n.id.clone()).collect();
        Batch::siblings(
            store,
            ids,
            OnceLock::from(Ok(nodes.into_iter().map(Some).collect())),
            OnceLock::new(),
        )
    }

    /// Reads nodes by ID in one call and wraps those that exist as one batch, in `ids` order.
    ///
    /// Projects are the exception: the store's ordered index says which of them exist, so they
    /// are wrapped unread, with their numbers there, and a lookup that shows only what the index
    /// holds (a name, a status, host countries) reads no record. At a million projects a record
    /// is a random read of a sled page that no cache holds, and it was most of such a lookup.
    pub fn load(store: &Arc<Store>, ids: &[Id]) -> ApiResult<Vec<Entity>> {
        if !ids.is_empty() && ids.iter().all(|id| id.kind() == Kind::Project) {
            let numbers = store.project_numbers(ids)?;
            let found = ids
                .iter()
                .zip(numbers)
                .filter_map(|(id, number)| Some((id.clone(), number?)))
                .collect();
            return Ok(Batch::unread_projects(store, found));
        }
        let nodes = store.nodes(ids)?.into_iter().flatten().collect();
        Ok(Batch::entities(store, nodes))
    }

    /// Wraps nodes the store is known to hold (the far ends of its edges, the projects of its
    /// index) as one batch, in `ids` order, without reading them: their records are read when
    /// a field first needs one.
    pub fn unread(store: &Arc<Store>, ids: Vec<Id>) -> Vec<Entity> {
        Batch::siblings(store, ids, OnceLock::new(), OnceLock::new())
    }

    /// Wraps projects found in the store's ordered index, with their numbers there, as one
    /// unread batch: their summaries need no lookup by ID.
    pub fn unread_projects(store: &Arc<Store>, projects: Vec<(Id, ProjectNumber)>) -> Vec<Entity> {
        let (ids, numbers): (Vec<Id>, Vec<ProjectNumber>) = projects.into_iter().unzip();
        let numbers = OnceLock::from(numbers.into_iter().map(Some).collect::<Vec<_>>());
        Batch::siblings(store, ids, OnceLock::new(), numbers)
    }

    /// The record of the sibling at `slot`, reading every sibling's in one call on first use.
    fn node(&self, slot: usize) -> ApiResult<&Arc<Node>> {
        let nodes = match self.nodes.get() {
            Some(nodes) => nodes,
            None => {
                let read = self.store.nodes(&self.ids).map_err(ApiError::from);
                self.nodes.get_or_init(|| read)
            }
        };
        let nodes = nodes.as_ref().map_err(Clone::clone)?;
        nodes[slot]
            .as_ref()
            .ok_or_else(|| ApiError::internal(&format!("{} has no record", self.ids[slot])))
    }

    /// What the index holds of the sibling at `slot`, read for every sibling on first use.
    fn summary(&self, slot: usize) -> ApiResult<Option<&ProjectSummary>> {
        let summaries = read_once(&self.summaries, || {
            Ok(self.store.project_summaries(self.numbers()?)?)
        })?;
        Ok(summaries[slot].as_ref())
    }

    /// The siblings' numbers in the store's ordered index, found for every sibling on first use.
    fn numbers(&self) -> ApiResult<&[Option<ProjectNumber>]> {
        read_once(&self.numbers, || {
            Ok(self.store.project_numbers(&self.ids)?)
        })
        .map(Vec::as_slice)
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The neighbours of `id` over edges of `types` in `direction`, read for the whole batch on
    /// first use. Neighbours keep the order of their edge keys.
    pub fn links(&self, id: &Id, types: &[EdgeType], direction: Direction) -> ApiResult<Vec<Link>> {
        let all = self.all_links(types, direction)?;
        Ok(all.get(id).cloned().unwrap_or_default())
    }

    /// Every sibling's neighbours over `types` in `direction`, read on first use.
    fn all_links(&self, types: &[EdgeType], direction: Direction) -> ApiResult<LinksById> {
        let key = (types.to_vec(), direction_key(direction));
        cached(&self.links, "links", key, || {
            self.read_links(types, direction)
        })
    }

    fn read_links(
        &self,
        types: &[EdgeType],
        direction: Direction,
    ) -> ApiResult<BTreeMap<Id, Vec<Link>>> {
        let edges = self
            .store
            .edges_of_many(&self.ids, Some(types), direction)?;
        let far = edges.values().flatten().map(|e| e.other.clone()).collect();
        let entities = self.load_far(far, Vec::new())?;
        Ok(edges
            .into_iter()
            .map(|(id, edges)| {
                let links = edges
                    .into_iter()
                    .filter_map(|edge| {
                        entities.get(&edge.other).map(|entity| Link {
                            entity: entity.clone(),
                            edge,
                        })
                    })
                    .collect();
                (id, links)
            })
            .collect())
    }

    /// Every sibling's edges over `types` in `direction`, read in one call on first use,
    /// without reading the nodes at their far ends.
    fn edges(&self, types: &[EdgeType], direction: Direction) -> ApiResult<EdgesById> {
        let key = (types.to_vec(), direction_key(direction));
        cached(&self.edges, "edges", key, || {
            Ok(self
                .store
                .edges_of_many(&self.ids, Some(types), direction)?)
        })
    }

    /// One page of `id`'s neighbours over `types`, cut before any neighbour is read.
    ///
    /// On first use `select` cuts every sibling's page from its edges (siblings share the
    /// field's arguments, so `key`, which names the edges, the rows kept and the page, is the
    /// same for all); then the nodes on all those pages are read in one call and become the
    /// next level's batch. A page of 20 under a country with 10,000 projects reads 20 projects,
    /// not 10,000.
    pub fn page(
        &self,
        id: &Id,
        types: &[EdgeType],
        direction: Direction,
        key: PageKey,
        select: &dyn Fn(Vec<EdgeRef>) -> ApiResult<Page<EdgeRef>>,
    ) -> ApiResult<Arc<Page<Link>>> {
        self.cached_page(id, key, || {
            let edges = self.edges(types, direction)?;
            let cut = self
                .ids
                .iter()
                .map(|near| (near, select(edges.get(near).cloned().unwrap_or_default())))
                .collect();
            Ok((cut, Vec::new()))
        })
    }

    /// One page of `id`'s neighbours of `kind` over one edge type, in ID order, as
    /// [`Batch::page`] gives it, but read by a range scan from the cursor for each sibling: a
    /// page of 20 reads 20 edges and 20 nodes however many edges the node has, and the total
    /// is the count the store keeps.
    pub fn id_order_page(
        &self,
        id: &Id,
        edge_type: EdgeType,
        direction: Direction,
        kind: Kind,
        args: PageArgs<'_>,
        key: PageKey,
    ) -> ApiResult<Arc<Page<Link>>> {
        self.cached_page(id, key, || {
            self.range_pages(edge_type, direction, kind, args)
        })
    }

    /// `id`'s page of the connection `key` names: read for every sibling on first use (`cut`
    /// cuts their pages from the edges, and gives the far ends' project numbers it knows; the
    /// nodes on them are then read in one call), and taken from the batch's cache after that.
    fn cached_page<'b>(
        &'b self,
        id: &Id,
        key: PageKey,
        cut: impl FnOnce() -> ApiResult<(Cut<'b>, Vec<(Id, ProjectNumber)>)>,
    ) -> ApiResult<Arc<Page<Link>>> {
        let pages = cached(&self.pages, "pages", key, || {
            let (cut, numbers) = cut()?;
            self.read_far_ends(cut, numbers)
        })?;
        pages
            .get(id)
            .cloned()
            .unwrap_or_else(|| Err(ApiError::internal("a sibling's page was not read")))
    }

    /// Every sibling's page as [`paginate`](super::connection::paginate) would cut it, read by
    /// range scans in one store call. The outer error is the store's; the inner ones are the
    /// client's (the same for every sibling, since they share the arguments).
    fn range_pages(
        &self,
        edge_type: EdgeType,
        direction: Direction,
        kind: Kind,
        args: PageArgs<'_>,
    ) -> ApiResult<(Cut<'_>, Vec<(Id, ProjectNumber)>)> {
        let refused = |error: ApiError| {
            let cut = self.ids.iter().map(|id| (id, Err(error.clone()))).collect();
            (cut, Vec::new())
        };
        if let Err(error) = args.check_size("first", args.first) {
            return Ok(refused(error));
        }
        let after = match args.after.map(|c| decode_cursor("after", c)).transpose() {
            Ok(after) => after,
            Err(error) => return Ok(refused(error)),
        };
        let size = usize::try_from(args.first.unwrap_or(DEFAULT_PAGE)).unwrap_or(0);
        let pages =
            self.store
                .edge_pages(&self.ids, edge_type, direction, kind, after.as_ref(), size)?;
        let mut cut = BTreeMap::new();
        let mut known = Vec::new();
        for (near, page) in self.ids.iter().zip(pages) {
            let EdgePage::Found {
                edges,
                more,
                total,
                numbers,
            } = page
            else {
                cut.insert(
                    near,
                    Err(ApiError::BadUserInput(
                        "`after` names a row that is not in this list (was the filter or \
                         ordering changed?)"
                            .into(),
                    )),
                );
                continue;
            };
            if numbers.len() == edges.len() {
                known.extend(edges.iter().map(|e| e.other.clone()).zip(numbers));
            }
            let rows: Vec<(Id, EdgeRef)> =
                edges.into_iter().map(|e| (e.other.clone(), e)).collect();
            let info = PageInfo::of(&rows, after.is_some(), more);
            let total = usize::try_from(total).unwrap_or(usize::MAX);
            cut.insert(near, Ok(Page { rows, info, total }));
        }
        Ok((cut, known))
    }

    /// Reads the nodes at the far ends of every sibling's page in one call; they become the
    /// next level's batch.
    fn read_far_ends(
        &self,
        cut: Cut<'_>,
        known: Vec<(Id, ProjectNumber)>,
    ) -> ApiResult<BTreeMap<Id, ApiResult<Arc<Page<Link>>>>> {
        let edges = cut.values().flatten().flat_map(|page| &page.rows);
        let far = edges.map(|(_, edge)| edge.other.clone()).collect();
        let entities = self.load_far(far, known)?;
        let pages: BTreeMap<Id, ApiResult<Arc<Page<Link>>>> = cut
            .into_iter()
            .map(|(near, page)| {
                let page = page.map(|page| {
                    Arc::new(Page {
                        rows: page
                            .rows
                            .into_iter()
                            .filter_map(|(cursor, edge)| {
                                entities.get(&edge.other).map(|entity| {
                                    (
                                        cursor,
                                        Link {
                                            entity: entity.clone(),
                                            edge,
                                        },
                                    )
                                })
                            })
                            .collect(),
                        info: page.info,
                        total: page.total,
                    })
                });
                (near.clone(), page)
            })
            .collect();
        Ok(pages)
    }

    /// The nodes at `far`, as one batch by ID, their records unread until a field needs one.
    /// When `known` gives the project number of every one of them, the batch starts with
    /// those numbers and looks none up.
    fn load_far(
        &self,
        mut far: Vec<Id>,
        mut known: Vec<(Id, ProjectNumber)>,
    ) -> ApiResult<HashMap<Id, Entity>> {
        far.sort();
        far.dedup();
        known.sort_by(|a, b| a.0.cmp(&b.0));
        known.dedup_by(|a, b| a.0 == b.0);
        let all_known = !far.is_empty()
            && known.len() == far.len()
            && known.iter().zip(&far).all(|((id, _), f)| id == f);
        let batch = match all_known {
            true => Batch::unread_projects(&self.store, known),
            false => Batch::unread(&self.store, far),
        };
        Ok(batch.into_iter().map(|e| (e.id().clone(), e)).collect())
    }

    /// The host countries of `id`, one of these projects, read for every sibling at once from
    /// the store's index instead of their edges; `None` when the index cannot say (a sibling
    /// that is not a project, or a store of too many countries), and edges must.
    pub fn host_countries(&self, id: &Id) -> ApiResult<Option<Vec<Entity>>> {
        let mut slot = self
            .hosts
            .lock()
            .map_err(|_| ApiError::internal("poisoned host countries cache"))?;
        let hosts = match &*slot {
            Some(hosts) => Arc::clone(hosts),
            None => Arc::clone(slot.insert(Arc::new(self.read_hosts()?))),
        };
        drop(slot);
        Ok(hosts
            .as_ref()
            .as_ref()
            .map(|by_id| by_id.get(id).cloned().unwrap_or_default()))
    }

    fn read_hosts(&self) -> ApiResult<Option<BTreeMap<Id, Vec<Entity>>>> {
        let Some(lists) = self.store.host_countries(self.numbers()?)? else {
            return Ok(None);
        };
        // The countries of all siblings form one batch, as the far ends of their edges would.
        let countries = self.load_far(lists.iter().flatten().cloned().collect(), Vec::new())?;
        Ok(Some(
            self.ids
                .iter()
                .cloned()
                .zip(lists)
                .map(|(id, list)| {
                    let found = list.iter().filter_map(|c| countries.get(c).cloned());
                    (id, found.collect())
                })
                .collect(),
        ))
    }

    /// Every source the siblings and the edges read for them so far cite, so that the first
    /// `sources` call reads them all at once. Gathered only then: walking the caches once
    /// costs less than noting citations on every read that never asks for them.
    fn cited(&self) -> Vec<Id> {
        let mut cited: Vec<Id> = self
            .nodes
            .get()
            .and_then(|read| read.as_ref().ok())
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|n| n.cited_sources().cloned())
            .collect();
        let mut add = |edge: &EdgeRef| cited.extend(edge.props.sources.iter().cloned());
        if let Ok(links) = self.links.lock() {
            links
                .values()
                .flat_map(|by_id| by_id.values().flatten())
                .for_each(|l| add(&l.edge));
        }
        if let Ok(edges) = self.edges.lock() {
            edges
                .values()
                .flat_map(|by_id| by_id.values().flatten())
                .for_each(&mut add);
        }
        if let Ok(pages) = self.pages.lock() {
            pages
                .values()
                .flat_map(|by_id| by_id.values().flatten())
                .flat_map(|page| &page.rows)
                .for_each(|(_, link)| add(&link.edge));
        }
        cited
    }

    /// Linked entities of one kind only (a country's `LOCATED_IN` in-edges come from projects
    /// and zones alike).
    pub fn linked(
        &self,
        id: &Id,
        types: &[EdgeType],
        direction: Direction,
        kind: Kind,
    ) -> ApiResult<Vec<Link>> {
        self.links_of_kind(id, types, direction, kind, Link::clone)
    }

    /// The nodes at the far ends of [`Batch::linked`]'s links, without their edges, so that
    /// no edge's properties are copied.
    pub fn linked_nodes(
        &self,
        id: &Id,
        types: &[EdgeType],
        direction: Direction,
        kind: Kind,
    ) -> ApiResult<Vec<Entity>> {
        self.links_of_kind(id, types, direction, kind, |l| l.entity.clone())
    }

    /// What `take` makes of each of `id`'s links to a node of `kind`, read from the batch's
    /// links by reference.
    fn links_of_kind<T>(
        &self,
        id: &Id,
        types: &[EdgeType],
        direction: Direction,
        kind: Kind,
        take: impl Fn(&Link) -> T,
    ) -> ApiResult<Vec<T>> {
        let all = self.all_links(types, direction)?;
        Ok(all
            .get(id)
            .into_iter()
            .flatten()
            .filter(|l| l.entity.kind() == kind)
            .map(take)
            .collect())
    }

    /// Source nodes by ID, read once for every source any sibling cites (on nodes or on edges
    /// already loaded).
    pub fn sources(&self, ids: &[Id]) -> ApiResult<Vec<Arc<Node>>> {
        let mut cache = self
            .sources
            .lock()
            .map_err(|_| ApiError::internal("poisoned sources cache"))?;
        if cache
            .as_ref()
            .is_none_or(|known| ids.iter().any(|id| !known.contains_key(id)))
        {
            let mut wanted: Vec<Id> = cache
                .as_ref()
                .map(|known| known.keys().cloned().collect())
                .unwrap_or_default();
            wanted.extend(self.cited());
            wanted.extend(ids.iter().cloned());
            wanted.sort();
            wanted.dedup();
            let found = self
                .store
                .nodes(&wanted)?
                .into_iter()
                .flatten()
                .map(|n| (n.id.clone(), n))
                .collect();
            *cache = Some(Arc::new(found));
        }
        let known = cache.as_ref().map(Arc::clone).unwrap_or_default();
        Ok(ids.iter().filter_map(|id| known.get(id).cloned()).collect())
    }
}
