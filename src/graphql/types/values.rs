//! Small value objects: money, quantities, locations, and sources as API objects.

use super::*;

/// The sources `ids` names, read through `batch` (once for every source its siblings cite),
/// as API objects.
pub fn source_objects(batch: &Batch, ids: &[Id]) -> ApiResult<Vec<Source>> {
    Ok(Batch::entities(batch.store(), batch.sources(ids)?)
        .into_iter()
        .map(Source)
        .collect())
}

/// A sum of money as a source states it.
#[derive(SimpleObject)]
#[graphql(complex, serial)]
pub struct Money {
    /// The amount, in `currency`, in units (not millions).
    pub amount: f64,
    /// ISO 4217 currency code: USD, CNY, MYR, ...
    pub currency: String,
    /// The year the figure refers to.
    pub year: Option<i32>,
    /// The value in US dollars, only when a source states it (never converted by us).
    pub usd: Option<f64>,
    /// True when the source gives it as approximate, a bound or a range.
    pub approximate: bool,
    /// What the figure measures: "total cost", "China Exim loan", ...
    pub label: Option<String>,
    #[graphql(skip)]
    cited: Cited,
}

/// A measured size: capacity, length, area, throughput.
#[derive(SimpleObject)]
#[graphql(complex, serial)]
pub struct Quantity {
    /// The number.
    pub value: f64,
    /// Its unit: MW, km, km2, GWh/yr, TEU, ...
    pub unit: String,
    /// True when the source gives it as approximate.
    pub approximate: bool,
    /// What is measured, or the figure as the source wrote it when converted.
    pub label: Option<String>,
    #[graphql(skip)]
    cited: Cited,
}

/// The sources a figure cites, and the batch to read them through.
struct Cited {
    ids: Vec<Id>,
    batch: Arc<Batch>,
}

/// The `sources` field of [`Money`] and [`Quantity`], written once for both.
macro_rules! figure_sources {
    ($($figure:ident),+) => {$(
        #[ComplexObject]
        impl $figure {
            /// Where the figure comes from.
            async fn sources(&self) -> async_graphql::Result<Vec<Source>> {
                Ok(source_objects(&self.cited.batch, &self.cited.ids)?)
            }
        }
    )+};
}

figure_sources!(Money, Quantity);

pub(super) fn money(m: &model::Money, batch: &Arc<Batch>) -> Money {
    Money {
        amount: m.amount,
        currency: m.currency.clone(),
        year: m.year,
        usd: m.usd,
        approximate: m.approximate,
        label: m.label.clone(),
        cited: Cited {
            ids: m.sources.clone(),
            batch: Arc::clone(batch),
        },
    }
}

pub(super) fn quantity(q: &model::Quantity, batch: &Arc<Batch>) -> Quantity {
    Quantity {
        value: q.value,
        unit: q.unit.clone(),
        approximate: q.approximate,
        label: q.label.clone(),
        cited: Cited {
            ids: q.sources.clone(),
            batch: Arc::clone(batch),
        },
    }
}

/// A WGS84 point with its precision.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct Location {
    /// Latitude in degrees, north positive.
    pub lat: f64,
    /// Longitude in degrees, east positive.
    pub lon: f64,
    /// How exactly the point pins down the place.
    pub precision: Precision,
}

pub(super) fn location(l: &model::Location) -> Location {
    Location {
        lat: l.lat,
        lon: l.lon,
        precision: l.precision.into(),
    }
}
