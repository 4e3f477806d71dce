//! Writing seed files: one pretty-printed JSON file per kind, streamed record by record, plus
//! the JSON Schemas they point at. Used by `export --format seed` and `generate`.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use super::files::{file_schema, Record};
use crate::model::Kind;

/// Streams `records` (all of `kind`) into `dir/<kind>.json`. Returns how many were written.
pub fn write_file(
    dir: &Path,
    kind: Kind,
    records: impl IntoIterator<Item = Record>,
) -> std::io::Result<u64> {
    let path = dir.join(format!("{}.json", kind.plural()));
    let mut out = BufWriter::new(File::create(&path)?);
    write!(
        out,
        "{{\n  \"$schema\": \"./schema/{}.schema.json\",\n  \"{}\": [",
        kind.plural(),
        kind.plural()
    )?;
    let mut count = 0u64;
    for record in records {
        let mut value = match &record {
            Record::Source(r) => serde_json::to_value(r),
            Record::Country(r) => serde_json::to_value(r),
            Record::Framework(r) => serde_json::to_value(r),
            Record::Sector(r) => serde_json::to_value(r),
            Record::Enterprise(r) => serde_json::to_value(r),
            Record::Zone(r) => serde_json::to_value(r),
            Record::Project(r) => serde_json::to_value(r),
            Record::Indicator(r) => serde_json::to_value(r),
        }?;
        prune(&mut value);
        let text = serde_json::to_string_pretty(&value)?;
        out.write_all(if count == 0 { b"\n" } else { b",\n" })?;
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            write!(out, "    {line}")?;
        }
        count += 1;
    }
    out.write_all(if count == 0 { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
    out.flush()?;
    Ok(count)
}

/// Drops null members and empty arrays: every optional field defaults to absent and every list
/// to empty, so the file means the same and reads as a person would write it.
fn prune(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
            map.values_mut().for_each(prune);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

/// Writes `dir/schema/<kind>.schema.json` for every kind.
pub fn write_schemas(dir: &Path) -> std::io::Result<()> {
    let schema_dir = dir.join("schema");
    fs::create_dir_all(&schema_dir)?;
    for kind in Kind::ALL {
        fs::write(
            schema_dir.join(format!("{}.schema.json", kind.plural())),
            schema_text(kind),
        )?;
    }
    Ok(())
}

/// The checked-in text of a kind's JSON Schema.
pub fn schema_text(kind: Kind) -> String {
    let mut text = serde_json::to_string_pretty(&file_schema(kind)).expect("a schema serialises");
    text.push('\n');
    text
}
