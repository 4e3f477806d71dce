//! The domain model: validated nodes and typed edges; knows nothing of JSON files, sled or GraphQL.
//!
//! Types here are already checked: an [`Id`] is well formed, a [`Node`] has the attributes of its
//! kind, an [`Edge`] joins the kinds its [`EdgeType`] allows. The serde derives give the codec a
//! shape to encode; the byte format itself is chosen only in `store::codec`.

mod dataset;
mod edge;
mod ids;
mod node;
mod values;

pub use dataset::Dataset;
pub use edge::{Direction, Edge, EdgeProps, EdgeType, Role};
pub use ids::{Id, IdError, Kind};
pub use node::{
    CountryAttrs, EnterpriseAttrs, FrameworkAttrs, FrameworkKind, IndicatorAttrs, Node, NodeAttrs,
    Ownership, ProjectAttrs, SectorAttrs, SourceAttrs, Status, ZoneAttrs, ZoneKind,
};
pub use values::{is_false, Location, Money, PartialDate, Precision, Quantity, YEAR_RANGE};
