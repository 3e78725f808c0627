//! `sicc records ...`: put, get, list, delete, import, export, audit, through the running
//! daemon's API.

use super::client::Client;
use super::import::import_values;
use super::output::{TextTable, joined, plain, print_json, seconds};
use super::{
    EXIT_FAILURE, EXIT_REJECTED, EXIT_USAGE, Failure, FileFormat, FilterArgs, ImportMode, ListArgs,
    RecordsCommand,
};
use crate::transfer::{parse_csv, parse_json, write_csv};
use serde_json::Value;
use sicc_protocol::record::Record;
use sicc_protocol::schema::RecordKind;
use sicc_protocol::tabular;
use std::io::{Read, Write};
use std::path::Path;

/// Records per page when exporting.
const EXPORT_PAGE: usize = 1_000;

/// Widest title in the `records list` table, in display columns.
const TITLE_WIDTH: u16 = 44;

/// Widest country and NUTS lists in the `records list` table.
const CODES_WIDTH: u16 = 16;

/// Widest actor in the `records audit` table.
const ACTOR_WIDTH: u16 = 24;

pub async fn records(client: &Client, cmd: &RecordsCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        RecordsCommand::Put { file } => put(client, file, json).await,
        RecordsCommand::Get { id } => get(client, id, json).await,
        RecordsCommand::List(args) => list(client, args, json).await,
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
        } => import(client, file, *format, *mode, kind.as_deref(), json).await,
        RecordsCommand::Export {
            format,
            output,
            include_consortium,
            labels,
            filter,
        } => {
            let audience = if *include_consortium {
                sicc_protocol::dcat::Audience::Consortium
            } else {
                sicc_protocol::dcat::Audience::Public
            };
            export(
                client,
                *format,
                output.as_deref(),
                filter,
                audience,
                labels.as_deref(),
            )
            .await
        }
        RecordsCommand::Audit { id, limit } => audit(client, id.as_deref(), *limit, json).await,
    }
}

/// Creates or replaces one record: PUT when the JSON names its id, else POST.
async fn put(client: &Client, file: &Path, json: bool) -> Result<(), Failure> {
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

/// One record, as the columns of its CSV row (`title.lv`, `countries`, ...).
async fn get(client: &Client, id: &str, json: bool) -> Result<(), Failure> {
    let record = client.get(&format!("/api/v1/records/{id}")).await?;
    if json {
        print_json(&record);
    } else {
        let mut table = TextTable::key_value();
        for (column, cell) in tabular::to_row(&record) {
            table.pair(&column, cell);
        }
        table.print();
    }
    Ok(())
}

async fn list(client: &Client, args: &ListArgs, json: bool) -> Result<(), Failure> {
    let query = filter_query(&args.filter)?;
    let records = fetch(client, query, args.limit, args.all).await?;
    if json {
        print_json(&Value::Array(records));
    } else {
        print_records(&records, &args.lang);
    }
    Ok(())
}

async fn import(
    client: &Client,
    file: &Path,
    format: Option<FileFormat>,
    mode: ImportMode,
    kind: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let kind = kind
        .map(|k| {
            k.parse::<RecordKind>()
                .map_err(|e| Failure::new(EXIT_USAGE, format!("--kind: {e}")))
        })
        .transpose()?;
    let format = match format {
        Some(f) => f,
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
    // The progress bar and the per-line report go to stderr; with --json, stdout is the count.
    let outcome = import_values(client, items, mode, !json).await?;
    if json {
        print_json(&serde_json::json!({"imported": outcome.imported, "failed": outcome.failed}));
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

/// Writes every matching record to `output` (or stdout) in `format`.
async fn export(
    client: &Client,
    format: FileFormat,
    output: Option<&Path>,
    filter: &FilterArgs,
    audience: sicc_protocol::dcat::Audience,
    labels: Option<&str>,
) -> Result<(), Failure> {
    let records = fetch(client, filter_query(filter)?, EXPORT_PAGE, true).await?;
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
    let io =
        |e: std::io::Error| Failure::new(EXIT_FAILURE, format!("cannot write the export: {e}"));
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
        FileFormat::Csv => write_csv(
            &mut out,
            &records,
            crate::transfer::CsvOptions {
                labels,
                neutralise_formulas: false,
            },
        )?,
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
                audience,
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

/// The audit trail of one record, or of the node.
async fn audit(client: &Client, id: Option<&str>, limit: usize, json: bool) -> Result<(), Failure> {
    let mut query = vec![("limit".to_owned(), limit.to_string())];
    if let Some(id) = id {
        query.push(("record".into(), id.to_owned()));
    }
    let answer = client.get_query("/api/v1/audit", &query).await?;
    if json {
        print_json(&answer["entries"]);
        return Ok(());
    }
    let mut table = TextTable::new(&["SEQ", "AT", "ACTOR", "ACTION", "REV", "RECORD"]);
    for e in answer["entries"].as_array().into_iter().flatten() {
        table.row([
            plain(&e["seq"]),
            seconds(&e["at"]),
            plain(&e["actor"]),
            plain(&e["action"]),
            plain(&e["revision"]),
            plain(&e["record_id"]),
        ]);
    }
    table
        .align_right(0)
        .align_right(4)
        .max_width(2, ACTOR_WIDTH);
    table.print();
    Ok(())
}

/// A file's text, or stdin's for `-`.
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

/// The API query of `--kind`, `-q` and `--where KEY=VALUE` filters.
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

/// The records matching `query`: one page of `limit`, or with `all` every page.
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

/// The first of these fields that a record has, as text: kinds name the same idea differently.
fn first_set(record: &Value, fields: &[&str], show: fn(&Value) -> String) -> String {
    fields
        .iter()
        .map(|f| show(&record[*f]))
        .find(|s| !s.is_empty())
        .unwrap_or_default()
}

fn print_records(records: &[Value], lang: &str) {
    let mut table = TextTable::new(&["ID", "KIND", "TITLE", "COUNTRY", "NUTS", "STATUS"]);
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
        table.row([
            plain(&r["id"]),
            kind,
            title,
            first_set(r, &["country", "countries", "origin_country"], joined),
            first_set(r, &["nuts", "target_nuts"], joined),
            first_set(r, &["status", "polarity", "validation_status"], plain),
        ]);
    }
    table
        .max_width(2, TITLE_WIDTH)
        .max_width(3, CODES_WIDTH)
        .max_width(4, CODES_WIDTH);
    table.print();
    println!("({} records)", records.len());
}
