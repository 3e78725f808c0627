//! `sicc records ...`: put, get, list, delete, import, export, audit.

use super::client::Client;
use super::{
    EXIT_FAILURE, EXIT_REJECTED, EXIT_USAGE, Failure, FileFormat, FilterArgs, ImportMode,
    RecordsCommand, plain, print_json,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use sicc_protocol::record::{FieldError, Record};
use sicc_protocol::schema::RecordKind;
use sicc_protocol::tabular;
use std::io::{Read, Write};
use std::path::Path;

/// Records sent per import request.
const IMPORT_CHUNK: usize = 500;

/// One input record: its line number in the source file and the parsed JSON, or why it could
/// not be read.
pub type InputRecord = (usize, Result<Value, FieldError>);

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportOutcome {
    pub imported: usize,
    pub failed: usize,
}

pub async fn records(client: &Client, cmd: &RecordsCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        RecordsCommand::Put { file } => {
            let text = read_input(file)?;
            let value: Value = serde_json::from_str(&text).map_err(|e| {
                Failure::new(
                    EXIT_REJECTED,
                    format!("{}: not valid JSON: {e}", file.display()),
                )
            })?;
            let stored = match value.get("id").and_then(Value::as_str) {
                Some(id) => {
                    client
                        .put_json(&format!("/api/v1/records/{id}"), &value)
                        .await?
                }
                None => client.post_json("/api/v1/records", &value).await?,
            };
            if json {
                print_json(&stored);
            } else {
                println!(
                    "stored {} `{}` (revision {})",
                    plain(&stored["kind"]),
                    plain(&stored["id"]),
                    stored["revision"]
                );
            }
            Ok(())
        }
        RecordsCommand::Get { id } => {
            let record = client.get(&format!("/api/v1/records/{id}")).await?;
            if json {
                print_json(&record);
            } else {
                for (column, cell) in tabular::to_row(&record) {
                    println!("{column:28}{cell}");
                }
            }
            Ok(())
        }
        RecordsCommand::List(args) => {
            let query = filter_query(&args.filter)?;
            let records = fetch(client, query, args.limit, args.all).await?;
            if json {
                print_json(&Value::Array(records));
            } else {
                print_table(&records, &args.lang);
            }
            Ok(())
        }
        RecordsCommand::Delete { id } => {
            client.delete(&format!("/api/v1/records/{id}")).await?;
            if !json {
                println!("deleted `{id}`");
            }
            Ok(())
        }
        RecordsCommand::Import {
            file,
            format,
            mode,
            kind,
        } => {
            let kind = kind
                .as_deref()
                .map(|k| {
                    k.parse::<RecordKind>()
                        .map_err(|e| Failure::new(EXIT_USAGE, format!("--kind: {e}")))
                })
                .transpose()?;
            let format = match format {
                Some(f) => *f,
                None => format_from_extension(file)?,
            };
            let text = read_input(file)?;
            let items = match format {
                FileFormat::Csv => parse_csv(&text, kind)?,
                FileFormat::Json | FileFormat::Ndjson => parse_json(&text),
                FileFormat::Dcat => {
                    return Err(Failure::new(
                        EXIT_USAGE,
                        "DCAT-AP is an export format; import JSON, NDJSON or CSV",
                    ));
                }
            };
            let outcome = import_values(client, items, *mode, !json).await?;
            if json {
                print_json(
                    &serde_json::json!({"imported": outcome.imported, "failed": outcome.failed}),
                );
            }
            if outcome.failed > 0 {
                return Err(Failure::new(
                    EXIT_REJECTED,
                    format!(
                        "{} record(s) rejected, {} imported",
                        outcome.failed, outcome.imported
                    ),
                ));
            }
            Ok(())
        }
        RecordsCommand::Export {
            format,
            output,
            filter,
        } => {
            let records = fetch(client, filter_query(filter)?, 1_000, true).await?;
            let mut out: Box<dyn Write> = match output {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path).map_err(|e| {
                        Failure::new(
                            EXIT_FAILURE,
                            format!("cannot create {}: {e}", path.display()),
                        )
                    })?,
                )),
                None => Box::new(std::io::stdout().lock()),
            };
            let io = |e: std::io::Error| {
                Failure::new(EXIT_FAILURE, format!("cannot write the export: {e}"))
            };
            match format {
                FileFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &records).map_err(|e| io(e.into()))?;
                    writeln!(out).map_err(io)?;
                }
                FileFormat::Ndjson => {
                    for r in &records {
                        writeln!(out, "{r}").map_err(io)?;
                    }
                }
                FileFormat::Csv => write_csv(&mut out, &records)?,
                FileFormat::Dcat => {
                    let status = client.get("/api/v1/status").await?;
                    let parsed: Vec<Record> = records
                        .iter()
                        .filter_map(|v| Record::from_json(v).ok())
                        .collect();
                    let catalog = sicc_protocol::dcat::catalog(
                        &parsed,
                        status["name"].as_str().unwrap_or("sicc node"),
                        &format!(
                            "urn:sicc:node:{}",
                            status["node_id"].as_str().unwrap_or_default()
                        ),
                    );
                    serde_json::to_writer_pretty(&mut out, &catalog).map_err(|e| io(e.into()))?;
                    writeln!(out).map_err(io)?;
                }
            }
            out.flush().map_err(io)?;
            if let Some(path) = output {
                eprintln!("exported {} records to {}", records.len(), path.display());
            }
            Ok(())
        }
        RecordsCommand::Audit { id, limit } => {
            let mut query = vec![("limit".to_owned(), limit.to_string())];
            if let Some(id) = id {
                query.push(("record".into(), id.clone()));
            }
            let answer = client.get_query("/api/v1/audit", &query).await?;
            if json {
                print_json(&answer["entries"]);
            } else {
                println!(
                    "{:>6}  {:20}  {:12}  {:8}  {:>4}  RECORD",
                    "SEQ", "AT", "ACTOR", "ACTION", "REV"
                );
                for e in answer["entries"].as_array().into_iter().flatten() {
                    println!(
                        "{:>6}  {:20}  {:12}  {:8}  {:>4}  {}",
                        e["seq"],
                        plain(&e["at"]),
                        cut(&plain(&e["actor"]), 12),
                        plain(&e["action"]),
                        e["revision"],
                        plain(&e["record_id"])
                    );
                }
            }
            Ok(())
        }
    }
}

fn read_input(file: &Path) -> Result<String, Failure> {
    let mut text = String::new();
    let result = if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    result
        .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot read {}: {e}", file.display())))?;
    Ok(text)
}

fn format_from_extension(file: &Path) -> Result<FileFormat, Failure> {
    match file.extension().and_then(|e| e.to_str()) {
        Some("csv") => Ok(FileFormat::Csv),
        Some("json") => Ok(FileFormat::Json),
        Some("ndjson" | "jsonl") => Ok(FileFormat::Ndjson),
        _ => Err(Failure::new(
            EXIT_USAGE,
            format!(
                "cannot tell the format of {}; pass --format",
                file.display()
            ),
        )),
    }
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

/// Reads a mapping spreadsheet saved as CSV (UTF-8, header row).
pub fn parse_csv(text: &str, kind: Option<RecordKind>) -> Result<Vec<InputRecord>, Failure> {
    // Spreadsheet programs often save UTF-8 CSV with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Failure::new(EXIT_REJECTED, format!("CSV header: {e}")))?
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

fn kind_rank(v: &Value) -> usize {
    // Records that others link to go first, so that most links resolve within earlier chunks.
    const ORDER: &[&str] = &[
        "organisation",
        "person",
        "policy_instrument",
        "funding_instrument",
        "support_tool",
        "ecosystem_item",
        "capacity_priority",
        "initiative",
        "replication_case",
        "lesson",
        "action_item",
    ];
    v.get("kind")
        .and_then(Value::as_str)
        .and_then(|k| ORDER.iter().position(|o| *o == k))
        .unwrap_or(ORDER.len())
}

/// Sends records to the node in chunks, reporting every rejected record by its line.
pub async fn import_values(
    client: &Client,
    items: Vec<InputRecord>,
    mode: ImportMode,
    report: bool,
) -> Result<ImportOutcome, Failure> {
    let mode = match mode {
        ImportMode::Import => "import",
        ImportMode::Upsert => "upsert",
        ImportMode::Create => "create",
    };
    let mut failures: Vec<(usize, FieldError)> = Vec::new();
    let mut pending: Vec<(usize, Value)> = Vec::new();
    for (line, item) in items {
        match item {
            Ok(v) => pending.push((line, v)),
            Err(e) => failures.push((line, e)),
        }
    }
    pending.sort_by_key(|(_, v)| kind_rank(v));
    let bar = if report {
        ProgressBar::new(pending.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} records {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut outcome = ImportOutcome::default();
    // Records whose links point to a later chunk get a second chance once the rest is in.
    let mut retry: Vec<(usize, Value)> = Vec::new();
    for pass in 0..2 {
        if pass == 1 {
            bar.inc_length(retry.len() as u64);
        }
        let batch = if pass == 0 {
            std::mem::take(&mut pending)
        } else {
            std::mem::take(&mut retry)
        };
        for chunk in batch.chunks(IMPORT_CHUNK) {
            let body: String = chunk.iter().map(|(_, v)| format!("{v}\n")).collect();
            let answer = client
                .post_ndjson(&format!("/api/v1/records/import?mode={mode}"), body)
                .await?;
            let imported = answer["imported"].as_u64().unwrap_or(0) as usize;
            outcome.imported += imported;
            for f in answer["failed"].as_array().into_iter().flatten() {
                let index = f["index"].as_u64().unwrap_or(0) as usize;
                let Some((line, value)) = chunk.get(index) else {
                    continue;
                };
                let message = f["message"].as_str().unwrap_or("rejected").to_owned();
                if pass == 0 && message.contains("does not exist") {
                    retry.push((*line, value.clone()));
                } else {
                    let field = f["field"].as_str().unwrap_or_default().to_owned();
                    failures.push((*line, FieldError { field, message }));
                }
            }
            bar.inc((chunk.len()) as u64);
        }
    }
    bar.finish_and_clear();
    failures.sort_by_key(|(line, _)| *line);
    outcome.failed = failures.len();
    if report {
        for (line, e) in &failures {
            if e.field.is_empty() {
                eprintln!("line {line}: {}", e.message);
            } else {
                eprintln!("line {line}: field `{}`: {}", e.field, e.message);
            }
        }
        eprintln!(
            "imported {} records, {} rejected",
            outcome.imported, outcome.failed
        );
    }
    Ok(outcome)
}

fn filter_query(filter: &FilterArgs) -> Result<Vec<(String, String)>, Failure> {
    let mut query = Vec::new();
    if let Some(kind) = &filter.kind {
        query.push(("kind".to_owned(), kind.clone()));
    }
    if let Some(q) = &filter.q {
        query.push(("q".to_owned(), q.clone()));
    }
    for c in &filter.conditions {
        let (k, v) = c.split_once('=').ok_or_else(|| {
            Failure::new(EXIT_USAGE, format!("--where `{c}`: expected KEY=VALUE"))
        })?;
        query.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    Ok(query)
}

async fn fetch(
    client: &Client,
    query: Vec<(String, String)>,
    limit: usize,
    all: bool,
) -> Result<Vec<Value>, Failure> {
    let mut records = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = query.clone();
        q.push(("limit".into(), limit.to_string()));
        if let Some(c) = &cursor {
            q.push(("cursor".into(), c.clone()));
        }
        let page = client.get_query("/api/v1/records", &q).await?;
        if let Some(items) = page["records"].as_array() {
            records.extend(items.iter().cloned());
        }
        match page["next_cursor"].as_str() {
            Some(c) if all => cursor = Some(c.to_owned()),
            _ => break,
        }
    }
    Ok(records)
}

/// Writes records as CSV with the union of their columns.
pub fn write_csv(out: &mut dyn Write, records: &[Value]) -> Result<(), Failure> {
    let rows: Vec<Vec<(String, String)>> = records.iter().map(tabular::to_row).collect();
    let columns = tabular::column_order(rows.iter().flatten().map(|(c, _)| c.clone()));
    let mut writer = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Failure::new(EXIT_FAILURE, format!("cannot write CSV: {e}"));
    writer.write_record(&columns).map_err(err)?;
    for row in rows {
        let cells: Vec<&str> = columns
            .iter()
            .map(|c| {
                row.iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            })
            .collect();
        writer.write_record(&cells).map_err(err)?;
    }
    writer
        .flush()
        .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot write CSV: {e}")))
}

fn print_table(records: &[Value], lang: &str) {
    println!(
        "{:38}  {:18}  {:44}  {:8}  {:14}  STATUS",
        "ID", "KIND", "TITLE", "COUNTRY", "NUTS"
    );
    for r in records {
        let kind = plain(&r["kind"]);
        let title_field = kind
            .parse::<RecordKind>()
            .map(|k| k.title_field())
            .unwrap_or("title");
        let title = match &r[title_field] {
            Value::Object(m) => m
                .get(lang)
                .or_else(|| r["original_lang"].as_str().and_then(|l| m.get(l)))
                .map(plain)
                .unwrap_or_default(),
            other => plain(other),
        };
        let country = [&r["country"], &r["countries"], &r["origin_country"]]
            .into_iter()
            .map(list)
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        let nuts = [&r["nuts"], &r["target_nuts"]]
            .into_iter()
            .map(list)
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        let status = [&r["status"], &r["polarity"], &r["validation_status"]]
            .into_iter()
            .map(plain)
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        println!(
            "{:38}  {:18}  {:44}  {:8}  {:14}  {}",
            cut(&plain(&r["id"]), 38),
            kind,
            cut(&title, 44),
            cut(&country, 8),
            cut(&nuts, 14),
            status
        );
    }
    println!("({} records)", records.len());
}

fn list(v: &Value) -> String {
    match v {
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(","),
        other => plain(other),
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
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
            write_csv(&mut out, &[record.to_json()]).unwrap();
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
