//! The API's object types: one per node kind, the `Node` interface, connections and the small
//! value objects; every field resolves through [`Entity`] batches.

// Resolver arguments are the schema's arguments: a Relay connection with a filter and an
// ordering has more than clippy's seven, and bundling them would only hide that.
#![allow(clippy::too_many_arguments)]

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    ComplexObject, Context, ContextSelectionSet, InputObject, Interface, Object, OutputType,
    Positioned, ServerResult, SimpleObject, Value, ID,
};

use super::connection::{cursor, page_cost, paginate, Page, PageArgs, PageInfo};
use super::entity::{Batch, Entity, Kept, Link, PageKey};
use super::enums::*;
use super::error::{ApiError, ApiResult};
use super::filter::{tier_of, Evaluator, ProjectFilter};
use crate::model::{self, Direction as Dir, EdgeType as Et, Id, Kind, NodeAttrs};
use crate::store::{EdgeRef, Store};
use crate::text;

/// The store, as every resolver reaches it.
pub fn store<'c>(ctx: &Context<'c>) -> &'c Arc<Store> {
    ctx.data_unchecked::<Arc<Store>>()
}

/// Anything in the graph, by its ID.
// `name` may read a record, so it can fail. `paged_object!` passes each return type on as a
// `ty` fragment, which async-graphql's `Object` does not see as a `Result` and wraps in another:
// the interface's type says so, and is still `String!` in the schema.
#[derive(Interface, Clone)]
#[graphql(
    name = "Node",
    field(
        name = "id",
        ty = "IdText<'_>",
        desc = "The stable, globally unique ID, `kind:slug`."
    ),
    field(name = "kind", ty = "NodeKind", desc = "Which kind of node this is."),
    field(
        name = "name",
        ty = "async_graphql::Result<async_graphql::Result<&str>>",
        desc = "The name people use in English (a source's title)."
    )
)]
pub enum NodeIface {
    Country(Country),
    Enterprise(Enterprise),
    Project(Project),
    Sector(Sector),
    Zone(Zone),
    Framework(Framework),
    Indicator(Indicator),
    Source(Source),
}

impl From<Entity> for NodeIface {
    fn from(e: Entity) -> NodeIface {
        match e.kind() {
            Kind::Country => NodeIface::Country(Country(e)),
            Kind::Enterprise => NodeIface::Enterprise(Enterprise(e)),
            Kind::Project => NodeIface::Project(Project(e)),
            Kind::Sector => NodeIface::Sector(Sector(e)),
            Kind::Zone => NodeIface::Zone(Zone(e)),
            Kind::Framework => NodeIface::Framework(Framework(e)),
            Kind::Indicator => NodeIface::Indicator(Indicator(e)),
            Kind::Source => NodeIface::Source(Source(e)),
        }
    }
}

/// `e`'s neighbours of `kind` over `types`, as API objects made by `f`, without their edges.
pub(super) fn neighbours<T>(
    e: &Entity,
    types: &[Et],
    dir: Dir,
    kind: Kind,
    f: impl Fn(Entity) -> T,
) -> ApiResult<Vec<T>> {
    Ok(e.batch
        .linked_nodes(e.id(), types, dir, kind)?
        .into_iter()
        .map(f)
        .collect())
}

/// An ID as the schema's `ID` scalar, borrowed from the node: async-graphql's own `ID` owns
/// its text and copies it again to answer, so each ID answered was copied twice.
pub struct IdText<'a>(pub &'a str);

impl OutputType for IdText<'_> {
    fn type_name() -> Cow<'static, str> {
        <ID as OutputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <ID as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        _: &ContextSelectionSet<'_>,
        _: &Positioned<Field>,
    ) -> ServerResult<Value> {
        Ok(Value::String(self.0.to_owned()))
    }
}

/// Declares a node object with the fields every kind shares, then its own, through
/// [`paged_object!`](crate::graphql::connection::paged_object), so paged fields name their Relay
/// arguments in brackets after the parameter list.
/// The first two tokens are always `#[Object]`: passing the attribute in from the call site
/// keeps the variables async-graphql binds for `complexity` expressions in the caller's hygiene.
macro_rules! node_object {
    ($pound:tt $object:tt $(#[$doc:meta])* $name:ident { $($body:tt)* }) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(pub Entity);

        $crate::graphql::connection::paged_object! {
        $pound $object
        $(#[$doc])*
        impl $name {
            /// The stable, globally unique ID, `kind:slug`.
            pub async fn id(&self) -> IdText<'_> {
                IdText(self.0.id().as_str())
            }
            /// Which kind of node this is.
            pub async fn kind(&self) -> NodeKind {
                self.0.kind().into()
            }
            /// The name people use in English (a source's title).
            pub async fn name(&self) -> async_graphql::Result<&str> {
                Ok(self.0.name()?)
            }
            /// Other names: abbreviations, former names, names in Chinese and other scripts.
            async fn aliases(&self) -> async_graphql::Result<&[String]> {
                Ok(&self.0.node()?.aliases)
            }
            /// A sentence or two about it, in capgraph's own words.
            async fn description(&self) -> async_graphql::Result<Option<&str>> {
                Ok(self.0.node()?.description.as_deref())
            }
            /// Caveats: where sources disagree, or a claim is not independently confirmed.
            async fn notes(&self) -> async_graphql::Result<&[String]> {
                Ok(&self.0.node()?.notes)
            }
            /// Sources for this node's facts.
            async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
                Ok(source_objects(&self.0.batch, &self.0.node()?.sources)?)
            }
            /// Indicators (sourced figures) about this node.
            async fn indicators(&self) -> async_graphql::Result<Vec<Indicator>> {
                Ok(neighbours(&self.0, &[Et::About], Dir::In, Kind::Indicator, Indicator)?)
            }
            $($body)*
        }
        }
    };
}

pub(super) fn links(e: &Entity, types: &[Et], dir: Dir, kind: Kind) -> ApiResult<Vec<Link>> {
    e.batch.linked(e.id(), types, dir, kind)
}

// After the macros, which children use by textual scope.
mod connections;
mod country;
mod enterprise;
mod framework;
mod indicator;
mod order;
mod project;
mod sector;
mod source;
mod values;
mod zone;

pub use connections::*;
pub use country::*;
pub use enterprise::*;
pub use framework::*;
pub use indicator::*;
pub use order::*;
pub use project::*;
pub use sector::*;
pub use source::*;
pub use values::*;
pub use zone::*;
