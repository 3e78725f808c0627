//! Record files: JSON, NDJSON and the mapping spreadsheet's CSV read into records (each with
//! its line, so that a report points at the row to fix), and records written back as CSV.
//! Formats only, no network: the CLI's import and export, the sample data and the tests use
//! them.

use serde_json::Value;
use sicc_protocol::record::FieldError;
use sicc_protocol::schema::RecordKind;
use sicc_protocol::tabular;
use std::io::Write;

/// One input record: its line number in the source file and the parsed JSON, or why it could
/// not be read.
pub type InputRecord = (usize, Result<Value, FieldError>);

/// A file that cannot be read or written as a whole (single bad records are [`InputRecord`]
/// errors instead).
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("CSV header: {source}")]
    CsvHeader {
        #[source]
        source: csv::Error,
    },
    #[error("cannot write CSV: {source}")]
    CsvWrite {
        #[source]
        source: csv::Error,
    },
    #[error("cannot write CSV: {source}")]
    Io {
        #[from]
        source: std::io::Error,
    },
}

/// Reads JSON: an array of records, or one record per line (NDJSON).
pub fn parse_json(text: &str) -> Vec<InputRecord> {
    let fail = |line, message: String| {
        (
            line,
            Err(FieldError {
                field: String::new(),
                message,
            }),
        )
    };
    if text.trim_start().starts_with('[') {
        // Line numbers of array elements are not kept by serde; report positions instead.
        return match serde_json::from_str::<Vec<Value>>(text) {
            Ok(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i + 1, Ok(v)))
                .collect(),
            Err(e) => vec![fail(e.line(), format!("not a valid JSON array: {e}"))],
        };
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| match serde_json::from_str(l) {
            Ok(v) => (i + 1, Ok(v)),
            Err(e) => fail(i + 1, format!("not valid JSON: {e}")),
        })
        .collect()
}

/// Reads a mapping spreadsheet saved as CSV (UTF-8, header row). `kind` is the kind of rows
/// in a file without a `kind` column.
pub fn parse_csv(text: &str, kind: Option<RecordKind>) -> Result<Vec<InputRecord>, TransferError> {
    // Spreadsheet programs often save UTF-8 CSV with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|source| TransferError::CsvHeader { source })?
        .clone();
    let mut out = Vec::new();
    for row in reader.records() {
        match row {
            Ok(row) => {
                let line = row.position().map(|p| p.line() as usize).unwrap_or(0);
                let pairs: Vec<(&str, &str)> = headers.iter().zip(row.iter()).collect();
                out.push((line, tabular::from_row(&pairs, kind)));
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                out.push((
                    line,
                    Err(FieldError {
                        field: String::new(),
                        message: e.to_string(),
                    }),
                ));
            }
        }
    }
    Ok(out)
}

/// How a CSV export is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions<'a> {
    /// A `<field>.label` column beside each coded field, in this language
    /// (`tabular::label_columns`).
    pub labels: Option<&'a str>,
    /// For a file opened in a spreadsheet (the web UI's download): a cell starting with `=`,
    /// `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so that text a partner wrote cannot run as a formula.
    /// Such a file does not import back unchanged.
    pub neutralise_formulas: bool,
}

/// A cell for a file opened in a spreadsheet: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, so that what a partner wrote cannot run as a formula.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Writes records as CSV with the union of their columns.
pub fn write_csv(
    out: &mut dyn Write,
    records: &[Value],
    options: CsvOptions<'_>,
) -> Result<(), TransferError> {
    let labels = options.labels;
    let rows: Vec<Vec<(String, String)>> = records
        .iter()
        .map(|r| {
            let mut row = tabular::to_row(r);
            if let Some(lang) = labels {
                row.extend(tabular::label_columns(r, lang));
            }
            row
        })
        .collect();
    let columns = tabular::column_order(rows.iter().flatten().map(|(c, _)| c.clone()));
    let mut writer = csv::Writer::from_writer(out);
    let err = |source: csv::Error| TransferError::CsvWrite { source };
    writer.write_record(&columns).map_err(err)?;
    for row in rows {
        let cells: Vec<std::borrow::Cow<'_, str>> = columns
            .iter()
            .map(|c| {
                let cell = row
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("");
                if options.neutralise_formulas {
                    neutralise_formula(cell)
                } else {
                    cell.into()
                }
            })
            .collect();
        writer
            .write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(err)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sicc_protocol::record::Record;

    /// Text as staff type it into spreadsheets: any printable characters, separators, quotes,
    /// brackets, newlines, accents; never empty and never only whitespace.
    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ;,\"'\\[\\]{}|\\n\\tāēīūčšžņļķģõöäåéèàñç€—-]{1,40}"
            .prop_filter("not blank", |s| !s.trim().is_empty())
    }

    proptest! {
        /// Whatever the text, a record written to CSV and read back is the same record.
        #[test]
        fn csv_export_then_import_is_the_identity(
            title_lv in text(), title_en in text(), summary in text(),
            core in proptest::collection::vec(text(), 0..4),
            year in proptest::option::of(1990i64..2030),
        ) {
            let mut v = serde_json::json!({
                "id": "x-1", "kind": "initiative", "title": {"lv": title_lv, "en": title_en}, "original_lang": "lv",
                "status": "active", "countries": ["LV", "SE"], "summary": {"en": summary},
                "sources": [{"url": "https://example.org/a;b"}], "sdgs": [3, 10],
            });
            if !core.is_empty() { v["core_elements"] = serde_json::json!(core); }
            if let Some(y) = year { v["start_year"] = serde_json::json!(y); }
            let record = Record::from_json(&v).unwrap();
            let mut out = Vec::new();
            write_csv(&mut out, &[record.to_json()], CsvOptions::default()).unwrap();
            let text = String::from_utf8(out).unwrap();
            let rows = parse_csv(&text, None).unwrap();
            prop_assert_eq!(rows.len(), 1);
            let back = Record::from_json(rows[0].1.as_ref().unwrap()).unwrap();
            prop_assert_eq!(back, record);
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_column() {
        let rows = parse_csv(
            "\u{feff}kind,id,name.lv,country,org_type\norganisation,o-1,X,LV,foundation\n",
            None,
        )
        .unwrap();
        let v = rows[0].1.as_ref().unwrap();
        assert_eq!(v["kind"], "organisation");
        assert_eq!(rows[0].0, 2, "line numbers count the header");
    }

    #[test]
    fn json_and_ndjson_inputs_carry_line_numbers() {
        let items = parse_json("{\"a\":1}\n\nnot json\n{\"b\":2}\n");
        let lines: Vec<_> = items.iter().map(|(l, r)| (*l, r.is_ok())).collect();
        assert_eq!(lines, [(1, true), (3, false), (4, true)]);
        let items = parse_json("[{\"a\":1},{\"b\":2}]");
        assert_eq!(items.len(), 2);
    }
}
