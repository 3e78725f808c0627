//! The flat, spreadsheet form of records used by CSV import and export.
//!
//! Columns (see `docs/csv-format.md`):
//! - `kind`, `id`, `revision`, `created_at`, `updated_at`, `access_level`, `validation_status`,
//!   `licence`, `original_lang`, `internal_notes`: the common fields;
//! - `sources`: URLs separated by `;`, or a JSON array of `{url, title, retrieved}`;
//! - one column per field, named as the field; human text has one column per language,
//!   `title.en`, `title.lv`, ...;
//! - lists (codes, links, text items) are separated by `;`, or written as a JSON array when an
//!   item itself holds a `;`.
//!
//! - `<field>.label` (export only, with [`label_columns`]): the labels of a coded field's codes in
//!   one language, for people reading the file; import ignores these columns.
//!
//! An empty cell means "not set". Export then import gives back the same records.

use crate::codes::CodeList;
use crate::record::{COMMON_FIELDS, FieldError};
use crate::schema::{FieldType, RecordKind};
use serde_json::{Map, Value};

/// Converts a record's canonical JSON into `(column, cell)` pairs. Unset fields give no pair.
pub fn to_row(record: &Value) -> Vec<(String, String)> {
    let mut row = Vec::new();
    let Some(obj) = record.as_object() else {
        return row;
    };
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .and_then(|k| k.parse::<RecordKind>().ok());
    for name in COMMON_FIELDS {
        match (*name, obj.get(*name)) {
            (_, None | Some(Value::Null)) => {}
            ("sources", Some(Value::Array(items))) => {
                let plain: Option<Vec<&str>> = items
                    .iter()
                    .map(|s| {
                        let o = s.as_object()?;
                        (o.len() == 1).then(|| o.get("url")?.as_str())?
                    })
                    .collect();
                let cell = match plain {
                    Some(urls) if urls.iter().all(|u| !u.contains(';')) => urls.join("; "),
                    _ => Value::Array(items.clone()).to_string(),
                };
                row.push(("sources".into(), cell));
            }
            (_, Some(v)) => row.push(((*name).into(), scalar(v))),
        }
    }
    let Some(kind) = kind else { return row };
    for spec in kind.fields() {
        match obj.get(spec.name) {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (lang, text) in m {
                    row.push((format!("{}.{lang}", spec.name), scalar(text)));
                }
            }
            Some(Value::Array(items)) => {
                let cells: Vec<String> = items.iter().map(scalar).collect();
                let plain = cells.iter().enumerate().all(|(i, c)| {
                    !c.contains(';')
                        && c.trim() == c
                        && !c.is_empty()
                        && (i != 0 || !c.starts_with('['))
                });
                let cell = if plain {
                    cells.join("; ")
                } else {
                    Value::Array(items.clone()).to_string()
                };
                row.push((spec.name.into(), cell));
            }
            Some(v) => row.push((spec.name.into(), scalar(v))),
        }
    }
    row
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Converts one spreadsheet row into record JSON, ready for [`crate::record::Record::from_json`].
/// `default_kind` applies when the row has no `kind` cell. Errors name the column.
pub fn from_row(
    row: &[(&str, &str)],
    default_kind: Option<RecordKind>,
) -> Result<Value, FieldError> {
    let fail = |field: &str, message: String| FieldError {
        field: field.to_owned(),
        message,
    };
    let kind = match row
        .iter()
        .find(|(c, _)| *c == "kind")
        .map(|(_, v)| v.trim())
    {
        Some(k) if !k.is_empty() => k
            .parse::<RecordKind>()
            .map_err(|e| fail("kind", e.to_string()))?,
        _ => default_kind
            .ok_or_else(|| fail("kind", "required column is missing or empty".into()))?,
    };
    let mut obj = Map::new();
    for (column, cell) in row {
        if cell.is_empty() {
            continue;
        }
        let column = column.trim();
        // Labels are for people; the codes beside them are what is imported.
        if column.ends_with(LABEL_SUFFIX) {
            continue;
        }
        if column == "kind" {
            obj.insert("kind".into(), Value::String(kind.as_str().into()));
            continue;
        }
        if column == "revision" {
            let n: u64 = cell
                .trim()
                .parse()
                .map_err(|_| fail(column, format!("`{cell}` is not a non-negative integer")))?;
            obj.insert(column.into(), Value::from(n));
            continue;
        }
        if column == "sources" {
            let sources = if cell.trim_start().starts_with('[') {
                serde_json::from_str(cell)
                    .map_err(|e| fail(column, format!("not a JSON array: {e}")))?
            } else {
                Value::Array(
                    split(cell)
                        .map(|u| serde_json::json!({ "url": u }))
                        .collect(),
                )
            };
            obj.insert(column.into(), sources);
            continue;
        }
        if COMMON_FIELDS.contains(&column) {
            obj.insert(column.into(), Value::String((*cell).into()));
            continue;
        }
        let (name, lang) = match column.split_once('.') {
            Some((n, l)) => (n, Some(l)),
            None => (column, None),
        };
        let spec = kind
            .field(name)
            .ok_or_else(|| fail(column, format!("unknown column for kind `{kind}`")))?;
        let value = match (spec.ty, lang) {
            (FieldType::LangText { .. }, Some(lang)) => {
                let entry = obj
                    .entry(spec.name)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = entry {
                    m.insert(lang.into(), Value::String((*cell).into()));
                }
                continue;
            }
            (FieldType::LangText { .. }, None) => {
                return Err(fail(
                    column,
                    format!("human text needs a language column such as `{name}.en`"),
                ));
            }
            (_, Some(_)) => {
                return Err(fail(
                    column,
                    "only human-text fields have language columns".into(),
                ));
            }
            (FieldType::Int { .. }, None) => Value::from(
                cell.trim()
                    .parse::<i64>()
                    .map_err(|_| fail(column, format!("`{cell}` is not an integer")))?,
            ),
            (FieldType::Bool, None) => match cell.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Value::Bool(true),
                "false" | "no" | "0" => Value::Bool(false),
                _ => return Err(fail(column, format!("`{cell}` is not true or false"))),
            },
            (FieldType::Codes(_) | FieldType::Links(_) | FieldType::TextList { .. }, None) => {
                if cell.trim_start().starts_with('[') {
                    serde_json::from_str(cell)
                        .map_err(|e| fail(column, format!("not a JSON array: {e}")))?
                } else {
                    Value::Array(split(cell).map(|s| Value::String(s.into())).collect())
                }
            }
            (_, None) => Value::String((*cell).into()),
        };
        obj.insert(spec.name.into(), value);
    }
    obj.insert("kind".into(), Value::String(kind.as_str().into()));
    Ok(Value::Object(obj))
}

fn split(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// The suffix of a label column (`themes.label`).
pub const LABEL_SUFFIX: &str = ".label";

/// For each coded field of a record's JSON (common ones included), a `<field>.label` column
/// with its codes' labels in `lang` (one of `codes::LABEL_LANGUAGES`, else English).
pub fn label_columns(record: &Value, lang: &str) -> Vec<(String, String)> {
    let Some(obj) = record.as_object() else {
        return Vec::new();
    };
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .and_then(|k| k.parse::<RecordKind>().ok());
    let common = [
        ("access_level", CodeList::AccessLevel),
        ("validation_status", CodeList::ValidationStatus),
        ("licence", CodeList::Licence),
        ("original_lang", CodeList::Language),
    ];
    let fields = kind
        .into_iter()
        .flat_map(|k| k.fields())
        .filter_map(|spec| match spec.ty {
            FieldType::Code(l) | FieldType::Codes(l) => Some((spec.name, l)),
            _ => None,
        });
    let mut out = Vec::new();
    for (name, list) in common.into_iter().chain(fields) {
        let codes: Vec<&str> = match obj.get(name) {
            Some(Value::String(c)) => vec![c.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        let labels: Vec<&str> = codes
            .iter()
            .map(|c| list.label_in(c, lang).unwrap_or(c))
            .collect();
        out.push((format!("{name}{LABEL_SUFFIX}"), labels.join("; ")));
    }
    out
}

/// Orders column names for a file: common fields first, then fields in schema order (kinds in
/// [`RecordKind::ALL`] order), language columns of one field sorted by language.
pub fn column_order(columns: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut cols: Vec<String> = columns.into_iter().collect();
    cols.sort();
    cols.dedup();
    let rank = |c: &str| -> (usize, usize, String) {
        let (name, lang) = c.split_once('.').unwrap_or((c, ""));
        if let Some(i) = COMMON_FIELDS.iter().position(|f| *f == name) {
            let i = if name == "kind" { 0 } else { i + 1 };
            return (0, i, lang.to_owned());
        }
        let mut n = 0;
        for kind in RecordKind::ALL {
            for spec in kind.fields() {
                if spec.name == name {
                    return (1, n, lang.to_owned());
                }
                n += 1;
            }
        }
        (2, 0, c.to_owned())
    };
    cols.sort_by_key(|c| rank(c));
    cols
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;
    use serde_json::json;

    #[test]
    fn label_columns_name_codes_in_the_readers_language_and_import_ignores_them() {
        let v = json!({"id": "lv-x", "kind": "initiative", "title": {"lv": "X"}, "status": "active",
                       "countries": ["LV", "ES"], "themes": ["housing_homelessness"], "access_level": "consortium"});
        let labels = label_columns(&v, "lv");
        let get = |c: &str| labels.iter().find(|(k, _)| k == c).map(|(_, v)| v.as_str());
        assert_eq!(get("countries.label"), Some("Latvija; Spānija"));
        assert!(
            get("themes.label").is_some_and(|l| l.to_lowercase().contains("bezpajumt")),
            "{labels:?}"
        );
        let mut row = to_row(&v);
        row.extend(labels);
        let pairs: Vec<(&str, &str)> = row.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            from_row(&pairs, None).unwrap()["countries"],
            json!(["LV", "ES"])
        );
    }

    #[test]
    fn rows_round_trip_records() {
        let v = json!({
            "id": "es-lanzaderas", "kind": "initiative", "revision": 3,
            "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-02-02T03:04:05Z",
            "title": {"es": "Lanzaderas de Empleo", "en": "Employment shuttles"}, "original_lang": "es",
            "status": "active", "countries": ["ES", "PT"], "summary": {"en": "Team coaching; for job-seekers"},
            "core_elements": ["team of 20; 5 months", "coach"], "sdgs": [8, 10], "evidence_level": 2,
            "beneficiaries_reached": 20000, "sources": [{"url": "https://innovaspain.com/x"}],
        });
        let record = Record::from_json(&v).unwrap();
        let row = to_row(&record.to_json());
        let pairs: Vec<(&str, &str)> = row.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let cell = |c: &str| pairs.iter().find(|(k, _)| *k == c).map(|(_, v)| *v);
        assert_eq!(cell("countries"), Some("ES; PT"));
        assert_eq!(cell("title.es"), Some("Lanzaderas de Empleo"));
        assert_eq!(
            cell("core_elements"),
            Some(r#"["team of 20; 5 months","coach"]"#)
        );
        let back = Record::from_json(&from_row(&pairs, None).unwrap()).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn row_errors_name_the_column() {
        let e = from_row(&[("kind", "initiative"), ("colour", "red")], None).unwrap_err();
        assert_eq!(e.field, "colour");
        let e = from_row(&[("kind", "initiative"), ("start_year", "twenty")], None).unwrap_err();
        assert_eq!(e.field, "start_year");
        let e = from_row(&[("title", "x")], None).unwrap_err();
        assert_eq!(e.field, "kind");
        let e = from_row(&[("kind", "initiative"), ("title", "x")], None).unwrap_err();
        assert_eq!(e.field, "title");
    }

    #[test]
    fn columns_are_ordered_common_first() {
        let cols = column_order([
            "title.lv".into(),
            "id".into(),
            "kind".into(),
            "title.en".into(),
            "status".into(),
        ]);
        assert_eq!(cols, ["kind", "id", "title.en", "title.lv", "status"]);
    }
}
