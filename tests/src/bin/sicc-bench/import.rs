//! Import throughput, then backup and restore of the node that imported.
//!
//! Import: N records (~1 KB of JSON each) through `sicc records import FILE` (the
//! CLI process, chunks of 1,000 over HTTP, validated, written and fsynced by the daemon), against
//! raw RocksDB batched puts of the same bytes (batches of 500, one synced write each) in the
//! same run, and against a floor of the work an import cannot skip (`import_floor`).

use super::{Figure, Goal, goals};
use anyhow::{Result, bail};
use serde_json::{Value, json};
use sicc_protocol::id::RecordId;
use sicc_protocol::record::{LinkResolver, Record};
use sicc_protocol::schema::RecordKind;
use sicc_tests::process::{Daemon, init, sicc};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// The documented bound on a node's peak memory after the largest import request (docs/trust.md).
const IMPORT_PEAK_BOUND_MB: f64 = 512.0;

fn raw_rocksdb(lines: &[(String, Vec<u8>)]) -> Result<f64> {
    let dir = tempfile::tempdir()?;
    let db = rocksdb::DB::open_default(dir.path())?;
    let mut options = rocksdb::WriteOptions::default();
    options.set_sync(true);
    let started = Instant::now();
    for chunk in lines.chunks(500) {
        let mut batch = rocksdb::WriteBatch::default();
        for (id, bytes) in chunk {
            batch.put(id.as_bytes(), bytes);
        }
        db.write_opt(batch, &options)?;
    }
    Ok(started.elapsed().as_secs_f64())
}

/// The work an import cannot skip, in one process with no HTTP and no index: each line parsed
/// and validated as a record (on every core, as the node's request handlers do), its links
/// checked against the records already in and those of its batch, the record serialised as
/// the store keeps it, and each batch of 500 written to RocksDB as one synced write. The
/// node's import adds HTTP, the CLI, its audit trail, kind and link indexes, the change feed
/// and the search index; the ratio to this floor is their cost.
fn import_floor(lines: &[(String, Vec<u8>)], known: &HashMap<RecordId, RecordKind>) -> Result<f64> {
    struct Resolver<'a> {
        known: &'a HashMap<RecordId, RecordKind>,
        batch: &'a HashMap<RecordId, RecordKind>,
    }
    impl LinkResolver for Resolver<'_> {
        fn kind_of(&self, id: &RecordId) -> Option<RecordKind> {
            self.batch.get(id).or_else(|| self.known.get(id)).copied()
        }
    }
    let dir = tempfile::tempdir()?;
    let db = rocksdb::DB::open_default(dir.path())?;
    let mut options = rocksdb::WriteOptions::default();
    options.set_sync(true);
    let mut known = known.clone();
    let started = Instant::now();
    for chunk in lines.chunks(500) {
        let records = sicc_node::parallel::on_every_core(chunk.iter().collect(), |(_, bytes)| {
            let value: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            Record::from_json(&value).map_err(|e| e.to_string())
        });
        let records: Vec<Record> = records
            .into_iter()
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| anyhow::anyhow!("the floor refused a record: {e}"))?;
        let batch_kinds: HashMap<RecordId, RecordKind> =
            records.iter().map(|r| (r.id.clone(), r.kind)).collect();
        let mut batch = rocksdb::WriteBatch::default();
        for record in &records {
            let resolver = Resolver {
                known: &known,
                batch: &batch_kinds,
            };
            record
                .check_links(&resolver)
                .map_err(|e| anyhow::anyhow!("the floor refused {}: {e}", record.id))?;
            batch.put(record.id.as_bytes(), serde_json::to_vec(&record.to_json())?);
        }
        db.write_opt(batch, &options)?;
        known.extend(batch_kinds);
    }
    Ok(started.elapsed().as_secs_f64())
}

pub async fn run(binary: &Path, n: usize) -> Result<Vec<Figure>> {
    let root = tempfile::tempdir()?;
    let dir = root.path().join("node");
    init(binary, &dir, "ES")?;
    let node = Daemon::start(binary, &dir).await?;
    // The records link to sample records: load those first.
    let sample: Vec<Value> = sicc_node::sample::records()
        .into_iter()
        .filter_map(|(_, v)| v.ok())
        .collect();
    let sample_kinds: HashMap<RecordId, RecordKind> = sample
        .iter()
        .filter_map(|v| Record::from_json(v).ok())
        .map(|r| (r.id, r.kind))
        .collect();
    super::subscribe::import(&node, sample).await?;
    let lines: Vec<(String, Vec<u8>)> = super::search::records(n)?
        .into_iter()
        .map(|r| {
            let v = r.to_json();
            let id = v["id"].as_str().unwrap_or_default().to_string();
            (id, serde_json::to_vec(&v).expect("serialises"))
        })
        .collect();
    let bytes: usize = lines.iter().map(|(_, b)| b.len()).sum();
    let file = root.path().join("records.ndjson");
    let mut text = Vec::with_capacity(bytes + n);
    for (_, b) in &lines {
        text.extend_from_slice(b);
        text.push(b'\n');
    }
    std::fs::write(&file, text)?;

    let started = Instant::now();
    sicc(
        binary,
        &dir,
        &["records", "import", file.to_str().unwrap_or_default()],
    )?;
    let secs = started.elapsed().as_secs_f64();
    let acked = Instant::now();
    let status = node.get("/api/v1/status").await?;
    let stored = status["records"].as_u64().unwrap_or(0);
    if stored < n as u64 {
        bail!("only {stored} records stored after importing {n}");
    }
    // Every acknowledged record searchable: from the CLI's exit (its last ack) until the
    // index holds them all. Polled every 50 ms: a status read counts records by kind, work
    // done by the node being measured.
    let searchable = 'wait: {
        while acked.elapsed() < Duration::from_secs(120) {
            let status = node.get("/api/v1/status").await?;
            if status["search_documents"].as_u64().unwrap_or(0) >= stored {
                break 'wait acked.elapsed().as_secs_f64();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("the imported records were not all searchable 120 s after the last ack");
    };

    // The largest import one request may carry: MAX_BATCH_RECORDS records, each with a
    // summary of 2,000 characters (the most) in six languages, close to the 64 MiB body
    // limit. The node's peak memory after it, against its peak before (after the CLI's
    // chunked import).
    let largest = sicc_node::app::MAX_BATCH_RECORDS.min(lines.len());
    let long: String = "solidarity kitchen ".repeat(106)[..2_000].to_owned();
    let mut body = Vec::new();
    for (_, b) in &lines[..largest] {
        let mut v: Value = serde_json::from_slice(b)?;
        v["summary"] = json!({"en": long, "es": long, "fr": long, "sv": long, "lv": long,
            "de": long});
        body.extend_from_slice(&serde_json::to_vec(&v)?);
        body.push(b'\n');
    }
    let peak_before = node.memory("VmHWM")? as f64 / 1024.0 / 1024.0;
    let r = node
        .http
        .post(format!("{}/api/v1/records/import?mode=upsert", node.url))
        .header("content-type", "application/x-ndjson")
        .body(body.clone())
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("the largest import request: HTTP {}", r.status());
    }
    let peak_after = node.memory("VmHWM")? as f64 / 1024.0 / 1024.0;

    // Backup and restore of that node (RPO/RTO): online backup while it serves, restore into
    // a fresh directory, start until ready. Baseline: copying the data directory (`cp -a`).
    let backup = dir.join("backups").join("bench");
    let started = Instant::now();
    let taken = node
        .post("/api/v1/admin/backup", &json!({"name": "bench"}))
        .await?;
    let backup_secs = started.elapsed().as_secs_f64();
    node.stop()?;
    let started = Instant::now();
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(&dir)
        .arg(root.path().join("copy"))
        .status()?;
    let copy_secs = started.elapsed().as_secs_f64();
    if !copied.success() {
        bail!("cp -a failed");
    }
    let restored = root.path().join("restored");
    let started = Instant::now();
    sicc(
        binary,
        &restored,
        &["restore", backup.to_str().unwrap_or_default()],
    )?;
    let restore_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let node = Daemon::start(binary, &restored).await?;
    let ready_secs = started.elapsed().as_secs_f64();
    let back = node.get("/api/v1/status").await?["records"]
        .as_u64()
        .unwrap_or(0);
    node.stop()?;
    if back != stored {
        bail!("the restored node holds {back} records, the original {stored}");
    }
    let raw = raw_rocksdb(&lines)?;
    let floor = import_floor(&lines, &sample_kinds)?;
    let rate = n as f64 / secs;
    let raw_rate = n as f64 / raw;
    let floor_rate = n as f64 / floor;
    let db_mb = taken["manifest"]["db_bytes"].as_f64().unwrap_or(0.0) / 1024.0 / 1024.0;
    let detail = json!({"records": stored, "database_mb": db_mb});
    Ok(vec![
        Figure::new(
            "import",
            rate,
            "rec/s",
            raw_rate,
            Goal::AtLeast(goals::IMPORT_RECORDS_PER_SEC),
        )
        .detail(
            json!({"records": n, "bytes": bytes, "secs": secs, "raw_secs": raw,
            "floor_secs": floor}),
        ),
        // The import against its floor (baseline): the share of the rate the node's extra work
        // (HTTP, CLI, audit, indexes, feed, search) costs.
        Figure::new(
            "import against its floor (parse + validate + batched synced put)",
            rate,
            "rec/s",
            floor_rate,
            Goal::None,
        )
        .detail(json!({"floor_secs": floor, "raw_rate": raw_rate})),
        Figure::new(
            "import: all searchable after the last ack",
            searchable,
            "s",
            secs,
            Goal::AtMost(goals::IMPORT_SEARCHABLE_SECS),
        ),
        Figure::new(
            "import, largest request: peak memory",
            peak_after,
            "MB",
            peak_before,
            Goal::AtMost(IMPORT_PEAK_BOUND_MB),
        )
        .detail(json!({"records": largest, "body_bytes": body.len()})),
        Figure::new("backup, online", backup_secs, "s", copy_secs, Goal::None)
            .detail(detail.clone()),
        Figure::new("restore", restore_secs, "s", copy_secs, Goal::None).detail(detail.clone()),
        Figure::new(
            "restored node ready",
            ready_secs,
            "s",
            copy_secs,
            Goal::None,
        )
        .detail(detail),
    ])
}
