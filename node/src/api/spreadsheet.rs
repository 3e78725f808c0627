//! Importing a spreadsheet in the browser: upload a CSV or XLSX file, map its columns to the
//! record's fields (guessed from the headers, in any of the five languages), see every problem
//! of every row before anything is stored, then import the rows without problems. Cells of coded
//! fields may hold labels in any language (`Latgale` → `LV005`, `konsorcijs` → `consortium`).
//!
//! Nothing is kept on the server between the steps: each page carries the table (as JSON) in
//! its form, so an abandoned import leaves nothing behind.

use super::ui::{code_label, field_label, kind_label, page, title_for_reader};
use super::{ApiError, ApiState, ErrorCode};
use crate::app::{PutMode, RecordFound, StoreError};
use crate::i18n::{self, Lang};
use axum::extract::{Form, Multipart, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use maud::html;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sicc_protocol::codes::CodeList;
use sicc_protocol::id::RecordId;
use sicc_protocol::record::{FieldError, Record};
use sicc_protocol::schema::{FieldType, RecordKind};
use std::collections::BTreeSet;

/// Most rows one spreadsheet import takes (the API's batch limit).
const MAX_ROWS: usize = crate::app::MAX_BATCH_RECORDS;
/// Most columns: a record has at most ~60 fields, ~130 with a column per language.
const MAX_COLUMNS: usize = 200;
/// Most bytes an XLSX workbook may inflate to.
const MAX_INFLATED_BYTES: u64 = 256 * 1_000_000;
/// Most values one cell of a list field may hold (the schema's list limit).
const MAX_ITEMS: usize = sicc_protocol::schema::MAX_LIST_ITEMS;

/// The uploaded table: its header row and the rows below it, as text, with each row's line
/// in the file (the header is line 1; blank rows are dropped but keep the numbering).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    #[serde(default)]
    pub lines: Vec<usize>,
}

impl Table {
    fn line(&self, row: usize) -> usize {
        self.lines.get(row).copied().unwrap_or(row + 2)
    }
}

/// Why a file could not be read as a table.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    #[error("the file is not a CSV or XLSX table: {0}")]
    Unreadable(String),
    #[error("the file has no header row")]
    Empty,
    #[error("the file has {0} rows; one import takes at most {MAX_ROWS}: split it")]
    TooManyRows(usize),
    #[error("the file has {0} columns; a record has at most {MAX_COLUMNS}")]
    TooManyColumns(usize),
}

impl TableError {
    /// The refusal in the reader's language (the cause of an unreadable file as found).
    fn for_people(&self) -> String {
        match self {
            TableError::Unreadable(why) => t!("import-unreadable", why = why.clone()),
            TableError::Empty => t!("import-empty"),
            TableError::TooManyRows(n) => t!("import-too-many-rows", rows = *n, max = MAX_ROWS),
            TableError::TooManyColumns(n) => {
                t!("import-too-many-columns", columns = *n, max = MAX_COLUMNS)
            }
        }
    }
}

/// Reads a CSV (comma or semicolon separated, as spreadsheets export it) or an XLSX workbook's
/// first sheet. Rows, columns and list items are bounded before anything grows with them.
pub fn read_table(bytes: &[u8]) -> Result<Table, TableError> {
    let mut lines: Vec<(usize, Vec<String>)> = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    // Spreadsheets leave empty rows above and below the table.
    lines.retain(|(_, r)| !blank(r));
    if lines.is_empty() {
        return Err(TableError::Empty);
    }
    let (_, header) = lines.remove(0);
    let headers: Vec<String> = header.into_iter().map(|h| h.trim().to_owned()).collect();
    if lines.len() > MAX_ROWS {
        return Err(TableError::TooManyRows(lines.len()));
    }
    let width = headers.len();
    let mut table = Table {
        headers,
        ..Table::default()
    };
    for (line, mut r) in lines {
        r.resize(width, String::new());
        table.rows.push(r);
        table.lines.push(line);
    }
    Ok(table)
}

fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, TableError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| TableError::Unreadable("not UTF-8 text".into()))?;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| TableError::Unreadable(e.to_string()))?;
        if row.len() > MAX_COLUMNS {
            return Err(TableError::TooManyColumns(row.len()));
        }
        let line = row.position().map_or(out.len() + 1, |p| p.line() as usize);
        out.push((line, row.iter().map(str::to_owned).collect()));
        if out.len() > MAX_ROWS + 1 {
            return Err(TableError::TooManyRows(out.len() - 1));
        }
    }
    Ok(out)
}

/// The first sheet, cell by cell: a cell far out (`ZZZZ99999`) is refused before any grid
/// would be allocated for it.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, TableError> {
    use calamine::{DataRef, Reader};
    // A few megabytes of zip can inflate to gigabytes, and a part may say it is smaller than
    // it is: inflate each part into nothing first, counting, and stop past the bound.
    inflates_within(bytes, MAX_INFLATED_BYTES)?;
    let unreadable = |e: calamine::XlsxError| TableError::Unreadable(e.to_string());
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(TableError::Empty)?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_owned(),
            // Years and counts come as floats.
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => excel_date(d.as_f64()),
            DataRef::Error(e) => format!("#{e:?}"),
        };
        // Empty cells far down a template are no rows.
        if text.trim().is_empty() {
            continue;
        }
        if col >= MAX_COLUMNS {
            return Err(TableError::TooManyColumns(col + 1));
        }
        if row > MAX_ROWS + 1 {
            return Err(TableError::TooManyRows(row));
        }
        let r = rows.entry(row as u32).or_default();
        if r.len() <= col {
            r.resize(col + 1, String::new());
        }
        r[col] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect())
}

/// Whether every part of the zip inflates to `max` bytes at most, in all.
fn inflates_within(bytes: &[u8], max: u64) -> Result<(), TableError> {
    let unreadable = |e: &dyn std::fmt::Display| TableError::Unreadable(e.to_string());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let mut bounded = std::io::Read::take(part, max - total + 1);
        total += std::io::copy(&mut bounded, &mut std::io::sink()).map_err(|e| unreadable(&e))?;
        if total > max {
            return Err(TableError::Unreadable(format!(
                "the workbook inflates to more than {} MB",
                max / 1_000_000
            )));
        }
    }
    Ok(())
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let epoch = time::macros::date!(1899 - 12 - 30);
    match epoch.checked_add(time::Duration::days(serial.floor() as i64)) {
        Some(d) => format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
        None => serial.to_string(),
    }
}

/// A column of the form the table's columns may be mapped to: a common field, a field, or a
/// field's text in one language (`title.lv`).
fn targets(kind: RecordKind) -> Vec<(String, String)> {
    let mut out = vec![("id".to_owned(), field_label("id"))];
    for spec in kind.fields() {
        if matches!(spec.ty, FieldType::LangText { .. }) {
            for l in Lang::ALL {
                out.push((
                    format!("{}.{}", spec.name, l.tag()),
                    format!(
                        "{} — {}",
                        field_label(spec.name),
                        code_label(CodeList::Language, l.tag())
                    ),
                ));
            }
        } else {
            out.push((spec.name.to_owned(), field_label(spec.name)));
        }
    }
    for name in [
        "access_level",
        "validation_status",
        "licence",
        "original_lang",
        "sources",
        "internal_notes",
    ] {
        out.push((name.to_owned(), field_label(name)));
    }
    out
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The column a header most likely means: its own name, or a field's label in any of the five
/// languages, optionally followed by a language (`Nosaukums (lv)`, `Title en`).
pub fn guess(kind: RecordKind, header: &str) -> Option<String> {
    let all = targets(kind);
    let h = header.trim();
    if all.iter().any(|(t, _)| t == h) {
        return Some(h.to_owned());
    }
    let (label_part, lang_part) = match h.rsplit_once(['(', ' ', '.', '_']) {
        Some((l, tag)) if Lang::parse(tag.trim_end_matches(')')).is_some() => {
            (l.trim(), Lang::parse(tag.trim_end_matches(')')))
        }
        _ => (h, None),
    };
    let wanted = normalise(label_part);
    let names: Vec<&str> = [
        "id",
        "access_level",
        "validation_status",
        "licence",
        "original_lang",
        "sources",
        "internal_notes",
    ]
    .into_iter()
    .chain(kind.fields().iter().map(|s| s.name))
    .collect();
    for lang in Lang::ALL {
        for name in &names {
            let label = i18n::text(lang, &format!("field-{name}"), None);
            if normalise(&label) != wanted && normalise(name) != wanted {
                continue;
            }
            let text_field = kind
                .field(name)
                .is_some_and(|s| matches!(s.ty, FieldType::LangText { .. }));
            return Some(if text_field {
                format!("{name}.{}", lang_part.unwrap_or(lang).tag())
            } else {
                (*name).to_owned()
            });
        }
    }
    None
}

fn split(cell: &str) -> impl Iterator<Item = &str> {
    // One more than a list may hold, so that validation still says it is too long.
    cell.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(MAX_ITEMS + 1)
}

fn code_cell(
    list: CodeList,
    column: &str,
    cell: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match list.code_for(cell) {
        Ok(Some(code)) => Some(code.to_owned()),
        Ok(None) => {
            errors.push(FieldError {
                field: column.to_owned(),
                message: t!(
                    "import-no-code",
                    value = cell.to_owned(),
                    list = field_label(column.split('.').next().unwrap_or(column))
                ),
            });
            None
        }
        Err(codes) => {
            errors.push(FieldError {
                field: column.to_owned(),
                message: t!(
                    "import-ambiguous",
                    value = cell.to_owned(),
                    codes = codes.join(", ")
                ),
            });
            None
        }
    }
}

/// One row as a record's JSON, with every problem of its cells.
pub fn row_json(
    kind: RecordKind,
    mapping: &[Option<String>],
    cells: &[String],
) -> (Value, Vec<FieldError>) {
    let mut m = Map::new();
    let mut errors = Vec::new();
    m.insert("kind".into(), json!(kind.as_str()));
    for (column, cell) in mapping.iter().zip(cells) {
        let (Some(column), cell) = (column, cell.trim()) else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        let (name, lang) = match column.split_once('.') {
            Some((n, l)) => (n, Some(l)),
            None => (column.as_str(), None),
        };
        let common = |list| (name, list);
        let value = match (name, kind.field(name)) {
            ("id" | "internal_notes", _) => json!(cell),
            ("sources", _) => Value::Array(split(cell).map(|u| json!({"url": u})).collect()),
            ("access_level" | "validation_status" | "licence" | "original_lang", _) => {
                let (_, list) = common(match name {
                    "access_level" => CodeList::AccessLevel,
                    "validation_status" => CodeList::ValidationStatus,
                    "licence" => CodeList::Licence,
                    _ => CodeList::Language,
                });
                match code_cell(list, column, cell, &mut errors) {
                    Some(c) => json!(c),
                    None => continue,
                }
            }
            (_, None) => continue,
            (_, Some(spec)) => match (spec.ty, lang) {
                (FieldType::LangText { .. }, Some(lang)) => {
                    let entry = m.entry(name.to_owned()).or_insert_with(|| json!({}));
                    entry[lang] = json!(cell);
                    continue;
                }
                (FieldType::Code(list), _) => match code_cell(list, column, cell, &mut errors) {
                    Some(c) => json!(c),
                    None => continue,
                },
                (FieldType::Codes(list), _) => Value::Array(
                    split(cell)
                        .filter_map(|c| code_cell(list, column, c, &mut errors))
                        .map(Value::String)
                        .collect(),
                ),
                (FieldType::Links(_) | FieldType::TextList { .. }, _) => {
                    Value::Array(split(cell).map(|s| json!(s)).collect())
                }
                (FieldType::Int { .. }, _) => {
                    match cell.replace([' ', '\u{a0}'], "").parse::<i64>() {
                        Ok(n) => json!(n),
                        Err(_) => {
                            errors.push(FieldError {
                                field: column.clone(),
                                message: t!("import-not-a-number", value = cell.to_owned()),
                            });
                            continue;
                        }
                    }
                }
                (FieldType::Bool, _) => match normalise(cell).as_str() {
                    "true" | "yes" | "1" | "sí" | "si" | "oui" | "ja" | "jā" => json!(true),
                    "false" | "no" | "0" | "non" | "nej" | "nē" => json!(false),
                    _ => {
                        errors.push(FieldError {
                            field: column.clone(),
                            message: t!("import-not-yes-no", value = cell.to_owned()),
                        });
                        continue;
                    }
                },
                _ => json!(cell),
            },
        };
        m.insert(name.to_owned(), value);
    }
    (Value::Object(m), errors)
}

/// One row checked: the record it makes, or every problem it has.
struct Checked {
    /// 1-based line in the spreadsheet (the header is line 1).
    line: usize,
    record: Option<Record>,
    label: String,
    errors: Vec<FieldError>,
    /// The row names a record this node holds: importing it replaces that record whole.
    replaces: bool,
}

/// Checks every row: cells, the record's validation, and links (to this node's records, the
/// partners' records it holds, or other rows of the file, of a kind the field allows).
async fn check_rows(
    state: &ApiState,
    kind: RecordKind,
    mapping: &[Option<String>],
    table: &Table,
) -> Vec<Checked> {
    let mut out: Vec<Checked> = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            let (json, mut errors) = row_json(kind, mapping, cells);
            let record = match Record::from_json(&json) {
                Ok(r) => Some(r),
                Err(e) => {
                    // A cell already said what is wrong with its field ("required" would repeat it).
                    let root = |f: &str| f.split(['.', '[']).next().unwrap_or_default().to_owned();
                    let said: BTreeSet<String> = errors.iter().map(|e| root(&e.field)).collect();
                    errors.extend(
                        e.errors
                            .into_iter()
                            .filter(|e| !said.contains(&root(&e.field))),
                    );
                    None
                }
            };
            let label = record.as_ref().map(title_for_reader).unwrap_or_else(|| {
                json.get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            });
            Checked {
                line: table.line(i),
                record: record.filter(|_| errors.is_empty()),
                label,
                errors,
                replaces: false,
            }
        })
        .collect();
    let in_file: std::collections::HashMap<RecordId, RecordKind> = out
        .iter()
        .filter_map(|c| c.record.as_ref().map(|r| (r.id.clone(), r.kind)))
        .collect();
    // Each target is looked up once, however many rows name it.
    let mut known: std::collections::HashMap<RecordId, Option<RecordKind>> = Default::default();
    for c in &mut out {
        let Some(record) = &c.record else { continue };
        if state
            .app
            .local_record(record.id.clone())
            .await
            .ok()
            .flatten()
            .is_some()
        {
            c.replaces = true;
        }
        let mut problems = Vec::new();
        for link in record.links() {
            let target_kind = match in_file.get(link.target) {
                Some(k) => Some(*k),
                None => match known.get(link.target) {
                    Some(k) => *k,
                    None => {
                        let k = match state.app.record(link.target.clone()).await {
                            Ok(RecordFound::Local(r)) => Some(r.kind),
                            Ok(RecordFound::Shared(all)) => all.first().map(|s| s.record.kind),
                            Err(_) => None,
                        };
                        known.insert(link.target.clone(), k);
                        k
                    }
                },
            };
            match target_kind {
                None => problems.push(FieldError {
                    field: link.field.clone(),
                    message: format!("links to `{}`, which does not exist", link.target),
                }),
                Some(k) if !link.allowed.contains(&k) => {
                    // In protocol's words, which the pages show in the reader's language.
                    let allowed: Vec<&str> = link.allowed.iter().map(|k| k.as_str()).collect();
                    problems.push(FieldError {
                        field: link.field.clone(),
                        message: format!(
                            "links to `{}`, a {k}; expected {}",
                            link.target,
                            allowed.join(" or ")
                        ),
                    })
                }
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            c.errors = problems;
            c.record = None;
        }
    }
    out
}

/// `GET /import`.
pub async fn import_page(State(state): State<ApiState>) -> Html<String> {
    upload_page(&state, None)
}

fn upload_page(state: &ApiState, problem: Option<&str>) -> Html<String> {
    let body = html! {
        h1 { (t!("import-title")) }
        @if let Some(p) = problem { p.error role="alert" { (p) } }
        p { (t!("import-explained")) }
        form method="post" action="/import" enctype="multipart/form-data" {
            (super::auth::csrf_field())
            div.field {
                label for="kind" { (t!("edit-kind")) }
                select id="kind" name="kind" {
                    @for k in RecordKind::ALL { option value=(k.as_str()) { (kind_label(*k)) } }
                }
            }
            div.field {
                label for="file" { (t!("import-file")) }
                input id="file" type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required;
            }
            button id="upload" type="submit" { (t!("import-upload")) }
        }
    };
    page(state, &t!("import-title"), body)
}

/// `POST /import` (multipart): reads the file and shows the column mapping.
pub async fn upload(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    let (mut csrf, mut kind, mut file) = (String::new(), String::new(), Vec::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::new(ErrorCode::BadBody, e.to_string()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| ApiError::new(ErrorCode::BadBody, e.to_string()))?;
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "kind" => kind = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes.to_vec(),
            _ => {}
        }
    }
    super::ui::form_check(&headers, &principal, &csrf)?;
    let kind: RecordKind = kind.parse().map_err(|_| {
        ApiError::new(ErrorCode::InvalidBody, "the form names no kind of record").with_field("kind")
    })?;
    // Inflating and reading a workbook is CPU work: off the async workers.
    let read = tokio::task::spawn_blocking(move || read_table(&file))
        .await
        .map_err(|_| ApiError::new(ErrorCode::BadBody, "the file could not be read"))?;
    let table = match read {
        Ok(t) => t,
        Err(e) => {
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                upload_page(&state, Some(&e.for_people())),
            )
                .into_response());
        }
    };
    let mapping: Vec<Option<String>> = table.headers.iter().map(|h| guess(kind, h)).collect();
    Ok(mapping_page(&state, kind, &table, &mapping, None)
        .await
        .into_response())
}

/// The mapping form; with `checked`, also every row's problems and the import button.
async fn mapping_page(
    state: &ApiState,
    kind: RecordKind,
    table: &Table,
    mapping: &[Option<String>],
    checked: Option<&[Checked]>,
) -> Html<String> {
    let all = targets(kind);
    let table_json = serde_json::to_string(table).unwrap_or_default();
    let sample = |i: usize| -> String {
        table
            .rows
            .iter()
            .filter_map(|r| r.get(i).map(|c| c.trim()))
            .find(|c| !c.is_empty())
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect()
    };
    let ready = checked.map_or(0, |c| c.iter().filter(|r| r.record.is_some()).count());
    let body = html! {
        h1 { (t!("import-title")) " — " (kind_label(kind)) }
        form method="post" action="/import/preview" {
            (super::auth::csrf_field())
            input type="hidden" name="kind" value=(kind.as_str());
            input type="hidden" name="table" value=(table_json);
            h2 { (t!("import-columns")) }
            table {
                thead { tr { th { (t!("import-column")) } th { (t!("import-example")) } th { (t!("import-field")) } } }
                tbody {
                    @for (i, header) in table.headers.iter().enumerate() {
                        tr {
                            td { label for={ "map" (i) } { (header) } }
                            td { (sample(i)) }
                            td {
                                select id={ "map" (i) } name={ "map" (i) } {
                                    option value="" { (t!("import-ignore")) }
                                    @for (target, label) in &all {
                                        option value=(target) selected[mapping.get(i).and_then(Option::as_ref) == Some(target)] { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { button id="preview" type="submit" { (t!("import-preview")) } }
        }
        @if let Some(rows) = checked {
            h2 id="preview-summary" { (t!("import-summary", rows = rows.len(), ready = ready, problems = rows.len() - ready)) }
            table id="preview-rows" {
                thead { tr { th { (t!("import-line")) } th { (t!("import-record")) } th { (t!("import-problems")) } } }
                tbody {
                    @for r in rows {
                        tr class=(if r.record.is_some() { "ok" } else { "bad" }) {
                            td { (r.line) }
                            td { (r.label) }
                            td {
                                @if r.errors.is_empty() {
                                    (t!("import-ok"))
                                    @if r.replaces { " — " (t!("import-replaces")) }
                                }
                                @else { ul { @for e in &r.errors { li { strong { (e.field) } ": " (super::problems::localise(&e.message)) } } } }
                            }
                        }
                    }
                }
            }
            @if ready > 0 {
                form method="post" action="/import/commit" {
                    (super::auth::csrf_field())
                    input type="hidden" name="kind" value=(kind.as_str());
                    input type="hidden" name="table" value=(table_json);
                    @for (i, m) in mapping.iter().enumerate() {
                        input type="hidden" name={ "map" (i) } value=(m.clone().unwrap_or_default());
                    }
                    p { button id="commit" type="submit" { (t!("import-commit", ready = ready)) } }
                }
            }
        }
    };
    page(state, &t!("import-title"), body)
}

type Pairs = Vec<(String, String)>;

fn form_value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn parse_form(pairs: &Pairs) -> Result<(RecordKind, Table, Vec<Option<String>>), ApiError> {
    let form: std::collections::HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let value = |name: &str| form.get(name).copied().unwrap_or_default();
    let kind: RecordKind = value("kind").parse().map_err(|_| {
        ApiError::new(ErrorCode::InvalidBody, "the form names no kind of record").with_field("kind")
    })?;
    let mut table: Table = serde_json::from_str(value("table")).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidBody,
            format!("the table is not readable: {e}"),
        )
        .with_field("table")
    })?;
    // The table came back from the browser: the same bounds as a file.
    let too_large = |e: TableError| ApiError::new(ErrorCode::PayloadTooLarge, e.to_string());
    if table.rows.len() > MAX_ROWS {
        return Err(too_large(TableError::TooManyRows(table.rows.len())));
    }
    let width = table.headers.len();
    if width > MAX_COLUMNS {
        return Err(too_large(TableError::TooManyColumns(width)));
    }
    for row in &mut table.rows {
        row.resize(width, String::new());
    }
    let valid: BTreeSet<String> = targets(kind).into_iter().map(|(t, _)| t).collect();
    let mapping = (0..width)
        .map(|i| {
            let m = value(&format!("map{i}"));
            valid.contains(m).then(|| m.to_owned())
        })
        .collect();
    Ok((kind, table, mapping))
}

/// `POST /import/preview`: every problem of every row, nothing stored.
pub async fn preview(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, ApiError> {
    super::ui::form_check(&headers, &principal, form_value(&pairs, "csrf"))?;
    let (kind, table, mapping) = parse_form(&pairs)?;
    let checked = check_rows(&state, kind, &mapping, &table).await;
    Ok(mapping_page(&state, kind, &table, &mapping, Some(&checked))
        .await
        .into_response())
}

/// `POST /import/commit`: imports the rows without problems (checked again) and reports.
pub async fn commit(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, ApiError> {
    super::ui::form_check(&headers, &principal, form_value(&pairs, "csrf"))?;
    let (kind, table, mapping) = parse_form(&pairs)?;
    let checked = check_rows(&state, kind, &mapping, &table).await;
    let (ready, skipped): (Vec<Checked>, Vec<Checked>) =
        checked.into_iter().partition(|c| c.record.is_some());
    let mut lines = Vec::new();
    let mut records = Vec::new();
    let mut refused: Vec<(usize, String)> = Vec::new();
    let mut published = super::records::Published::default();
    for c in ready {
        let Some(mut record) = c.record else { continue };
        match super::records::editor_write(&state, &principal, &mut record, &mut published).await {
            Ok(()) => {
                lines.push(c.line);
                records.push(record);
            }
            Err(e) => refused.push((c.line, e.message)),
        }
    }
    let outcome = state
        .app
        .import(records, PutMode::Upsert, &principal.label())
        .await?;
    let mut stored = Vec::new();
    refused.extend(skipped.iter().map(|c| {
        (
            c.line,
            c.errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }));
    for (line, result) in lines.into_iter().zip(outcome.results) {
        match result {
            Ok(r) => stored.push(r),
            Err(StoreError::Invalid(v)) => refused.push((line, v.to_string())),
            Err(e) => refused.push((line, e.to_string())),
        }
    }
    refused.sort_by_key(|(l, _)| *l);
    let body = html! {
        h1 { (t!("import-title")) }
        p.notice role="status" id="import-result" { (t!("import-done", imported = stored.len(), refused = refused.len())) }
        @if !stored.is_empty() {
            ul { @for r in &stored { li { a href={ "/records/" (r.id) } { (title_for_reader(r)) } } } }
        }
        @if !refused.is_empty() {
            h2 { (t!("import-problems")) }
            ul { @for (line, why) in &refused { li { (t!("import-line")) " " (line) ": " (why) } } }
        }
        p { a href="/import" { (t!("import-another")) } }
    };
    Ok(page(&state, &t!("import-title"), body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_semicolon_csv_with_labels_in_latvian_maps_and_converts() {
        let csv = "Nosaukums (lv);Organizācijas veids;Valsts;Reģioni (NUTS);Piekļuve\nBiedrība Saule;konsorcijs;Latvija;Latgale;konsorcijs\n";
        let table = read_table(csv.as_bytes()).unwrap();
        assert_eq!(table.headers.len(), 5);
        let kind = RecordKind::Organisation;
        let mapping: Vec<Option<String>> = table.headers.iter().map(|h| guess(kind, h)).collect();
        let expected = ["name.lv", "org_type", "country", "nuts", "access_level"];
        assert_eq!(
            mapping,
            expected.map(|m| Some(m.to_owned())),
            "{:?}",
            table.headers
        );
        let (json, errors) = row_json(kind, &mapping, &table.rows[0]);
        assert_eq!(json["country"], "LV");
        assert_eq!(json["nuts"], json!(["LV005"]));
        assert_eq!(json["access_level"], "consortium");
        // "konsorcijs" is no organisation type: said, at its column.
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "org_type");
    }

    #[test]
    fn every_problem_of_a_row_is_reported() {
        let kind = RecordKind::Initiative;
        let mapping = vec![
            Some("title.en".to_owned()),
            Some("themes".to_owned()),
            Some("countries".to_owned()),
            Some("start_year".to_owned()),
        ];
        let cells: Vec<String> = ["", "housing_homelessness; no such theme", "Narnia", "soon"]
            .map(String::from)
            .to_vec();
        let (json, errors) = row_json(kind, &mapping, &cells);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["themes", "countries", "start_year"], "{errors:?}");
        let validation = Record::from_json(&json).unwrap_err();
        assert!(
            validation.errors.iter().any(|e| e.field == "title"),
            "{validation}"
        );
    }

    #[test]
    fn an_xlsx_sheet_is_read_like_a_csv() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "title.en").unwrap();
        sheet.write_string(0, 1, "start_year").unwrap();
        sheet.write_string(1, 0, "Community kitchen").unwrap();
        sheet.write_number(1, 1, 2019.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let table = read_table(&bytes).unwrap();
        assert_eq!(table.headers, ["title.en", "start_year"]);
        assert_eq!(table.rows, [["Community kitchen", "2019"]]);
        assert!(matches!(
            read_table(b"PK\x03\x04 not a zip"),
            Err(TableError::Unreadable(_))
        ));
        assert!(matches!(read_table(b""), Err(TableError::Empty)));
        // A part that inflates past the bound is refused before calamine reads it.
        assert!(inflates_within(&bytes, 1_000_000).is_ok());
        assert!(matches!(
            inflates_within(&bytes, 100),
            Err(TableError::Unreadable(m)) if m.contains("inflates")
        ));
        // Too wide: refused, not padded.
        let wide = format!("{}\n", vec!["c"; MAX_COLUMNS + 1].join(","));
        assert!(matches!(
            read_table(wide.as_bytes()),
            Err(TableError::TooManyColumns(_))
        ));
    }
}
