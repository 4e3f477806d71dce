//! Money: a project's figures in US dollars agree with `exchange-rates.json` (the yearly average
//! rate, within rounding), and a USD figure's `usd` is its amount; figures that cannot be
//! converted (no year, no published rate) are warnings, not problems.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::{array, problem, str_of, Report};

/// The rate table's file name inside the seed directory; not a record file.
pub const RATES_FILE: &str = "exchange-rates.json";

/// A `usd` computed from the table may differ from `amount / rate` by this fraction (rounding).
const TOLERANCE: f64 = 0.01;

/// `currency -> year -> units per US dollar`, from `exchange-rates.json`.
pub fn rate_table(files: &BTreeMap<String, Value>) -> HashMap<String, HashMap<i64, f64>> {
    let mut table = HashMap::new();
    let rows = files
        .get(RATES_FILE)
        .and_then(|v| v.get("rates"))
        .and_then(Value::as_array);
    for row in rows.into_iter().flatten() {
        let Some(currency) = str_of(row, "currency") else {
            continue;
        };
        let years = row.get("perUsd").and_then(Value::as_object);
        let rates: HashMap<i64, f64> = years
            .into_iter()
            .flatten()
            .filter_map(|(y, r)| Some((y.parse().ok()?, r.as_f64()?)))
            .collect();
        table.insert(currency.to_owned(), rates);
    }
    table
}

/// Checks every figure in `projects.json` against the rate table.
pub(super) fn check(files: &BTreeMap<String, Value>, report: &mut Report) {
    let table = rate_table(files);
    for (i, p) in array(files, "projects").iter().enumerate() {
        let id = str_of(p, "id").unwrap_or_default();
        let figures = p.get("value").and_then(Value::as_array);
        for (j, m) in figures.into_iter().flatten().enumerate() {
            let at = format!("$.projects[{i}].value[{j}]");
            let amount = m.get("amount").and_then(Value::as_f64).unwrap_or(0.0);
            let currency = str_of(m, "currency").unwrap_or_default();
            let usd = m.get("usd").and_then(Value::as_f64);
            let year = m.get("year").and_then(Value::as_i64);
            if currency == "USD" {
                if usd.is_some_and(|u| (u - amount).abs() > 0.5) {
                    report.problems.push(problem(
                        "projects.json",
                        at,
                        format!("`{id}`: a USD figure's usd must equal its amount"),
                    ));
                }
                continue;
            }
            // A label that quotes the source's own US$ equivalent keeps it.
            let stated = str_of(m, "label").is_some_and(|l| l.contains("US$"));
            let Some(year) = year else {
                report.warnings.push(format!(
                    "{id} {at}: {currency} {amount} has no year, so it cannot be converted"
                ));
                continue;
            };
            let Some(rate) = table.get(currency).and_then(|r| r.get(&year)) else {
                if usd.is_none() || !stated {
                    report.warnings.push(format!(
                        "{id} {at}: no {currency} rate for {year} in {RATES_FILE}; left unconverted"
                    ));
                }
                continue;
            };
            let expected = amount / rate;
            match usd {
                None => report.problems.push(problem(
                    "projects.json",
                    at,
                    format!(
                        "`{id}`: {currency} {amount} in {year} needs usd ≈ {expected:.0} ({currency} {rate} \
                         per US$)"
                    ),
                )),
                Some(u) if !stated && ((u - expected) / expected).abs() > TOLERANCE => {
                    report.problems.push(problem(
                        "projects.json",
                        at,
                        format!(
                            "`{id}`: usd {u} differs from {expected:.0}, the {year} average rate \
                             ({currency} {rate} per US$) applied to {amount}"
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fails_with, good, report_of};

    #[test]
    fn a_convertible_figure_without_usd_is_a_problem() {
        let mut files = good();
        let figure = &mut files.get_mut("projects.json").unwrap()["projects"][0]["value"][0];
        figure.as_object_mut().unwrap().remove("usd");
        fails_with(files, "needs usd ≈ 100");
    }

    #[test]
    fn a_usd_that_disagrees_with_the_rate_table_is_a_problem() {
        let mut files = good();
        files.get_mut("projects.json").unwrap()["projects"][0]["value"][0]["usd"] =
            serde_json::json!(120.0);
        fails_with(files, "differs from 100");
    }

    #[test]
    fn a_figure_without_a_year_or_rate_is_listed_as_unconverted() {
        let mut files = good();
        let figure = &mut files.get_mut("projects.json").unwrap()["projects"][0]["value"][0];
        figure.as_object_mut().unwrap().remove("year");
        figure.as_object_mut().unwrap().remove("usd");
        let report = report_of(files);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert!(report.warnings[0].contains("has no year"));
    }
}
