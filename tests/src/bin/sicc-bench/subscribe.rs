//! Cold subscribe, no-op reconciliation and memory, with two real `sicc run` processes on
//! loopback: LV owns a catalogue of N records; ES, which has never seen it, subscribes.
//!
//! - Cold subscribe: from ES's subscribe request to ES holding all N entries; bytes of
//!   `/sicc/sync/1` frames both ways and round trips (frames / 2) from ES's `/metrics`; peak
//!   RSS of ES's process. Baselines, same run: the same records' JSON sent over one loopback
//!   TCP connection and written to a fresh RocksDB in synced batches of 1,000 (raw); and the
//!   floor of raw + required work, signed changes checked on every core (`floor.rs`).
//! - No-op reconciliation: ES restarts; the reconnection sessions of both nodes find nothing
//!   to do. Round trips and bytes per session, read from ES's frame capture. Baseline: the
//!   bytes of one `heads` message listing every document (what a digest-less protocol sends).
//! - Memory: ES's RSS once synced and once restarted. Baseline: ES's RSS while idle and empty.

use super::{Figure, Goal, Scale, goals};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sicc_protocol::wire::{DocHeads, Message, WIRE_VERSION};
use sicc_tests::process::{Daemon, add_member, init, metric};
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

const MB: f64 = 1024.0 * 1024.0;

/// Polls `check` until it answers or `secs` pass.
pub async fn wait_for<T, F, Fut>(what: &str, secs: u64, check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    sicc_tests::wait_until_within(what, Duration::from_secs(secs), check).await
}

/// The bench records as the node would take them: shareable, with the sample they link to.
fn catalogue_records(n: usize) -> Result<Vec<Value>> {
    Ok(super::search::records(n)?
        .into_iter()
        .map(|r| {
            let mut v = r.to_json();
            v["access_level"] = json!("consortium");
            v
        })
        .collect())
}

pub async fn import(node: &Daemon, values: Vec<Value>) -> Result<()> {
    let client = sicc_node::cli::client::Client::new(
        &node.url,
        Some(sicc_tests::local_credential(&node.dir)?),
    );
    let items = values
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i + 1, Ok(v)))
        .collect();
    let outcome = sicc_node::cli::import::import_values(
        &client,
        items,
        sicc_node::cli::ImportMode::Import,
        false,
    )
    .await
    .map_err(|f| anyhow::anyhow!(f.message))?;
    if outcome.failed > 0 {
        bail!("{} records rejected on import", outcome.failed);
    }
    Ok(())
}

/// Publishes `ids` into `catalog` on `node`, 16 requests at a time.
pub async fn publish_all(node: &Daemon, catalog: &str, ids: Vec<String>) -> Result<()> {
    let http = node.http.clone();
    let url = format!("{}{catalog}/publish", node.url);
    let mut pending: tokio::task::JoinSet<Result<()>> = tokio::task::JoinSet::new();
    for id in ids {
        if pending.len() >= 16
            && let Some(done) = pending.join_next().await
        {
            done??;
        }
        let (http, url) = (http.clone(), url.clone());
        pending.spawn(async move {
            let r = http.post(&url).json(&json!({"id": id})).send().await?;
            if !r.status().is_success() {
                bail!("publish {id}: HTTP {}", r.status());
            }
            Ok(())
        });
    }
    while let Some(done) = pending.join_next().await {
        done??;
    }
    Ok(())
}

/// The memory goal for a node holding `n` shared documents, where the issue words one.
fn memory_goal(n: usize) -> Goal {
    match n {
        10_000 => Goal::Below(goals::MEMORY_10K_DOCS_MB),
        100_000 => Goal::Below(goals::MEMORY_100K_DOCS_MB),
        _ => Goal::None,
    }
}

/// Baseline: the records' JSON over one loopback TCP connection into RocksDB, synced batches.
fn baseline_transfer(docs: Vec<Vec<u8>>) -> Result<f64> {
    let dir = tempfile::tempdir()?;
    let db = rocksdb::DB::open_default(dir.path())?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let started = Instant::now();
    let sender = std::thread::spawn(move || -> std::io::Result<()> {
        let mut stream = std::io::BufWriter::new(std::net::TcpStream::connect(addr)?);
        for d in docs {
            stream.write_all(&(d.len() as u32).to_be_bytes())?;
            stream.write_all(&d)?;
        }
        stream.flush()
    });
    let (conn, _) = listener.accept()?;
    let mut reader = std::io::BufReader::new(conn);
    let mut options = rocksdb::WriteOptions::default();
    options.set_sync(true);
    let mut batch = rocksdb::WriteBatch::default();
    let mut i: u64 = 0;
    loop {
        let mut len = [0u8; 4];
        if reader.read_exact(&mut len).is_err() {
            break;
        }
        let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
        reader.read_exact(&mut body)?;
        batch.put(i.to_be_bytes(), body);
        i += 1;
        if batch.len() >= 1_000 {
            db.write_opt(std::mem::take(&mut batch), &options)?;
        }
    }
    db.write_opt(batch, &options)?;
    let secs = started.elapsed().as_secs_f64();
    sender.join().expect("sender thread")?;
    Ok(secs)
}

/// Median of 200 one-byte round trips over a loopback TCP connection: the floor under any
/// exchange of one request and its answer between two processes.
fn baseline_round_trip() -> Result<f64> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let echo = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut conn, _) = listener.accept()?;
        conn.set_nodelay(true)?;
        let mut byte = [0u8; 1];
        while conn.read_exact(&mut byte).is_ok() {
            conn.write_all(&byte)?;
        }
        Ok(())
    });
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    let mut times = Vec::new();
    let mut byte = [0u8; 1];
    for _ in 0..200 {
        let t = Instant::now();
        stream.write_all(&byte)?;
        stream.read_exact(&mut byte)?;
        times.push(t.elapsed().as_secs_f64());
    }
    drop(stream);
    echo.join().expect("echo thread")?;
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Sync frames of `catalog` in a capture file from byte `from`.
#[derive(Debug, Default)]
struct Captured {
    summaries: usize,
    summary_bytes: usize,
    in_syncs: usize,
    in_sync_bytes: usize,
    /// `heads` and `changes` frames: none in a no-op reconciliation.
    other: usize,
    other_bytes: usize,
}

fn captured(path: &Path, from: u64, catalog: &str) -> Result<Captured> {
    let bytes = std::fs::read(path)?;
    let mut at = from as usize;
    let mut c = Captured::default();
    while at < bytes.len() {
        let (message, used) = Message::decode(&bytes[at..]).context("capture frame")?;
        at += used;
        match &message {
            Message::Summary { catalog: x, .. } if x == catalog => {
                c.summaries += 1;
                c.summary_bytes += used;
            }
            Message::InSync { catalog: x, .. } if x == catalog => {
                c.in_syncs += 1;
                c.in_sync_bytes += used;
            }
            Message::Heads { catalog: x, .. } | Message::Changes { catalog: x, .. }
                if x == catalog =>
            {
                c.other += 1;
                c.other_bytes += used;
            }
            _ => {}
        }
    }
    Ok(c)
}

pub async fn run(binary: &Path, scale: Scale) -> Result<Vec<Figure>> {
    let n = scale.catalogue;
    let root = tempfile::tempdir()?;
    let (lv_dir, es_dir) = (root.path().join("lv"), root.path().join("es"));
    let lv_id = init(binary, &lv_dir, "LV")?;
    let es_id = init(binary, &es_dir, "ES")?;
    add_member(&lv_dir, "ES", &es_id, &[])?;
    let capture = root.path().join("es-frames.bin");
    let es_config = es_dir.join(sicc_node::config::CONFIG_FILE);
    let text =
        std::fs::read_to_string(&es_config)?.replace("redial_max_secs = 60", "redial_max_secs = 2");
    std::fs::write(&es_config, text)?;

    let lv = Daemon::start(binary, &lv_dir).await?;
    let listen: Vec<String> = lv.get("/api/v1/peers").await?["listen"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(String::from))
        .collect();
    add_member(&es_dir, "LV", &lv_id, &listen)?;
    let es = Daemon::start(binary, &es_dir).await?;
    wait_for("ES and LV connected", 60, || async {
        let v = es.get("/api/v1/peers").await.ok()?;
        (v["peers"][0]["connected"] == true).then_some(())
    })
    .await?;
    let idle_rss = es.memory("VmRSS")? as f64 / MB;

    let values = catalogue_records(n)?;
    let raw: Vec<Vec<u8>> = values
        .iter()
        .map(serde_json::to_vec)
        .collect::<Result<_, _>>()?;
    let raw_bytes: usize = raw.iter().map(Vec::len).sum();
    let ids: Vec<String> = values
        .iter()
        .filter_map(|v| v["id"].as_str().map(String::from))
        .collect();
    let sample: Vec<Value> = sicc_node::sample::records()
        .into_iter()
        .filter_map(|(_, v)| v.ok())
        .collect();
    import(&lv, sample).await?;
    // The floor's changes are made now, the floor itself is measured once ES is idle.
    let (floor_catalog, floor_changes) = super::floor::signed_changes(&values)?;
    import(&lv, values).await?;
    let catalog = format!("/api/v1/catalogs/{lv_id}/bench");
    lv.post(
        "/api/v1/catalogs",
        &json!({"name": "bench", "title": {"en": "Benchmark catalogue"}}),
    )
    .await?;
    publish_all(&lv, &catalog, ids.clone()).await?;
    lv.post(&format!("{catalog}/grant"), &json!({"node_id": es_id}))
        .await?;

    // Cold subscribe.
    let before = es.get_text("/metrics").await?;
    let cpu_before = (lv.cpu_secs()?, es.cpu_secs()?);
    let started = Instant::now();
    es.post(&format!("{catalog}/subscribe"), &json!({})).await?;
    let held = |v: Value| {
        v["catalogs"]
            .as_array()?
            .iter()
            .find(|c| c["owner"] == lv_id.as_str())?["entries"]
            .as_u64()
    };
    wait_for("ES to hold every entry", 1_800, || async {
        let v = es.get("/api/v1/catalogs").await.ok()?;
        (held(v)? == n as u64).then_some(())
    })
    .await?;
    let secs = started.elapsed().as_secs_f64();
    // Both processes' CPU time over the same span: far below 2 × the wall time (two cores)
    // means the sync waits (round trips, fsync), not computes.
    let cpu = (lv.cpu_secs()? - cpu_before.0, es.cpu_secs()? - cpu_before.1);
    let after = es.get_text("/metrics").await?;
    let peer = format!("peer=\"{lv_id}\"");
    let delta =
        |name: &str, labels: &[&str]| metric(&after, name, labels) - metric(&before, name, labels);
    let frames = delta("sicc_sync_frames_total", &[&peer]);
    let wire = delta("sicc_sync_frame_bytes_total", &[]);
    let transport = delta("sicc_libp2p_bandwidth_bytes_total", &[]);
    let peak_rss = es.memory("VmHWM")? as f64 / MB;
    let immediate_rss = es.memory("VmRSS")? as f64 / MB;
    // Settled: the search index has taken every entry and two quiet seconds have passed.
    wait_for("ES's index to hold every entry", 300, || async {
        let m = es.get_text("/metrics").await.ok()?;
        (metric(&m, "sicc_search_documents", &[]) >= n as f64).then_some(())
    })
    .await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let synced_rss = es.memory("VmRSS")? as f64 / MB;
    let live = es.get("/api/v1/catalogs").await?["catalogs"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["owner"] == lv_id.as_str()))
        .map(|c| c["live_documents"].clone())
        .unwrap_or_default();
    let memtables = metric(
        &es.get_text("/metrics").await?,
        "sicc_rocksdb_memtable_bytes",
        &[],
    );
    eprintln!(
        "after sync: {live} live documents, {:.1} MB of RocksDB memtables",
        memtables / MB
    );
    let synced_split = (
        es.memory("RssAnon")? as f64 / MB,
        es.memory("RssFile")? as f64 / MB,
    );
    let baseline = baseline_transfer(raw)?;
    let floor = super::floor::measure(&floor_catalog, floor_changes)?;

    // No-op reconciliation: restart ES; both nodes' reconnection sessions find nothing to do.
    let lv_before = lv.get_text("/metrics").await?;
    // Frames are captured from here on only: capturing costs an encode per frame.
    es.stop()?;
    // Anti-entropy every second: after the reconnection session, ES runs more no-op sessions
    // on its own, the steady state of a quiet federation.
    let text = std::fs::read_to_string(&es_config)?
        .replace(
            "redial_max_secs = 2",
            &format!(
                "redial_max_secs = 2\ncapture_frames = {:?}",
                capture.display().to_string()
            ),
        )
        .replace("anti_entropy_secs = 30", "anti_entropy_secs = 1");
    std::fs::write(&es_config, text)?;
    let es = Daemon::start(binary, &es_dir).await?;
    // Waits watch LV's metrics, not ES's: nothing polls the process being measured (a scrape
    // of ES's `/metrics` once decoded every shared entry it held, 220–320 ms each).
    let es_peer = format!("peer=\"{es_id}\"");
    let from_es = |t: &str| metric(t, "sicc_sync_frames_total", &[&es_peer, "received"]);
    wait_for("both reconnection sessions", 120, || async {
        let theirs = lv.get_text("/metrics").await.ok()?;
        let converged = |t: &str| metric(t, "sicc_sync_sessions_total", &["converged"]);
        (converged(&theirs) > converged(&lv_before) && from_es(&theirs) > from_es(&lv_before))
            .then_some(())
    })
    .await?;
    let entries = held(es.get("/api/v1/catalogs").await?);
    if entries != Some(n as u64) {
        bail!("ES lost entries over a restart: {entries:?}");
    }
    let restarted_rss = es.memory("VmRSS")? as f64 / MB;
    let restarted_split = (
        es.memory("RssAnon")? as f64 / MB,
        es.memory("RssFile")? as f64 / MB,
    );
    // The sessions ES started since its restart found nothing to do: the first at the
    // reconnection, the next ones at anti-entropy passes.
    let converged = r#"outcome="converged""#;
    let sessions_timed = |text: &str| {
        (
            metric(
                text,
                "sicc_sync_session_duration_seconds_count",
                &[converged],
            ),
            metric(text, "sicc_sync_session_duration_seconds_sum", &[converged]),
        )
    };
    let (first_count, first_sum) = wait_for("ES's reconnection session", 60, || async {
        let timed = sessions_timed(&es.get_text("/metrics").await.ok()?);
        (timed.0 >= 1.0).then_some(timed)
    })
    .await?;
    // Six anti-entropy passes of ES, with nothing polling either process meanwhile. LV's
    // reconnection session holds ES's passes back for 5 s (`PEER_SESSION_QUIET`): 12 s.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let scraped = Instant::now();
    let lv_metrics = lv.get_text("/metrics").await?;
    let lv_scrape_ms = scraped.elapsed().as_secs_f64() * 1000.0;
    let scraped = Instant::now();
    let (count, sum) = sessions_timed(&es.get_text("/metrics").await?);
    let scrape_ms = scraped.elapsed().as_secs_f64() * 1000.0;
    if from_es(&lv_metrics) < from_es(&lv_before) + 8.0 || count < first_count + 3.0 {
        bail!(
            "ES ran {} anti-entropy sessions and sent LV {} requests in 12 s (3 and 8 expected)",
            count - first_count,
            from_es(&lv_metrics) - from_es(&lv_before)
        );
    }
    let noop_first_ms = first_sum / first_count * 1000.0;
    let noop_ms = (sum - first_sum) / (count - first_count) * 1000.0;
    es.stop()?;
    let noop = captured(&capture, 0, &format!("{lv_id}/bench"))?;
    // A session ends with one `in_sync`; a `summary` still unanswered when ES stopped is not
    // a session. Per session: its frames and bytes, the summary counted at its mean size.
    let sessions = noop.in_syncs;
    if sessions == 0 {
        bail!("no reconciliation session was captured after the restart");
    }
    let mean_summary = noop.summary_bytes as f64 / noop.summaries.max(1) as f64;
    let noop_frames = 2 * sessions + noop.other;
    let noop_bytes =
        noop.in_sync_bytes as f64 + sessions as f64 * mean_summary + noop.other_bytes as f64;
    let naive = Message::Heads {
        v: WIRE_VERSION,
        catalog: format!("{lv_id}/bench"),
        manifest_version: 1,
        manifest: None,
        docs: ids
            .iter()
            .map(|id| DocHeads {
                doc: id.clone(),
                heads: vec!["0".repeat(64)],
            })
            .collect(),
        tombstones: Vec::new(),
        more: false,
    }
    .encode()
    .len();
    lv.stop()?;

    let detail = json!({
        "records": n, "record_json_bytes": raw_bytes, "frames": frames,
        "sync_frame_bytes": wire, "transport_bytes": transport,
        "peak_rss_mb": peak_rss, "idle_rss_mb": idle_rss,
    });
    Ok(vec![
        Figure::new(
            "cold subscribe",
            secs,
            "s",
            baseline,
            // The goal is worded for 10,000 records; other sizes are reported.
            if n == 10_000 {
                Goal::AtMost(goals::COLD_SUBSCRIBE_SECS)
            } else {
                Goal::None
            },
        )
        .detail(detail.clone()),
        Figure::new(
            "cold subscribe against its floor (raw + required work)",
            secs,
            "s",
            floor.secs,
            Goal::AtMost(goals::COLD_SUBSCRIBE_FLOOR_RATIO * floor.secs),
        )
        .detail(json!({"floor_secs": floor.secs, "floor_cpu_secs": floor.cpu_secs,
            "floor_noise_bytes": floor.bytes,
            "goal": format!("at most {}× the floor", goals::COLD_SUBSCRIBE_FLOOR_RATIO),
            "floor": "the same number of signed changes over Noise XX on loopback TCP, each decoded as the node does (caps, checksum, hash) and checked as the owner's (strict Ed25519) on every core, written in synced batches of 1,000"})),
        Figure::new(
            "cold subscribe CPU-seconds (owner + subscriber)",
            cpu.0 + cpu.1,
            "s",
            secs,
            Goal::None,
        )
        .detail(json!({"owner_cpu_secs": cpu.0, "subscriber_cpu_secs": cpu.1, "wall_secs": secs,
            "floor_cpu_secs": floor.cpu_secs})),
        Figure::new(
            "cold subscribe sync bytes",
            wire / MB,
            "MB",
            raw_bytes as f64 / MB,
            Goal::None,
        )
        .detail(detail.clone()),
        Figure::new(
            "cold subscribe round trips",
            frames / 2.0,
            "",
            1.0,
            Goal::None,
        ),
        Figure::new(
            "cold subscribe peak RSS",
            peak_rss,
            "MB",
            idle_rss,
            Goal::None,
        ),
        Figure::new(
            "no-op round trips per session",
            noop_frames as f64 / 2.0 / sessions as f64,
            "",
            1.0,
            Goal::AtMost(goals::NOOP_ROUND_TRIPS),
        )
        .detail(
            json!({"sessions": sessions, "frames": noop_frames, "captured": format!("{noop:?}")}),
        ),
        Figure::new(
            "no-op session time",
            noop_ms,
            "ms",
            baseline_round_trip()? * 1000.0,
            Goal::Below(goals::NOOP_MS),
        )
        .detail(json!({"anti_entropy_sessions": count - first_count,
            "reconnection_session_ms": noop_first_ms, "es_metrics_scrape_ms": scrape_ms, "lv_metrics_scrape_ms": lv_scrape_ms,
            "measured": "mean over ES's anti-entropy sessions, first request to last answer (sicc_sync_session_duration_seconds)"})),
        Figure::new(
            "no-op bytes per session",
            noop_bytes / sessions as f64,
            "B",
            naive as f64,
            Goal::Below(goals::NOOP_BYTES),
        ),
        Figure::new(
            &format!("memory, {n} shared docs, synced"),
            synced_rss,
            "MB",
            idle_rss,
            memory_goal(n),
        )
        .detail(json!({"anon_mb": synced_split.0, "file_mb": synced_split.1,
                       "immediately_after_sync_mb": immediate_rss,
                       "measured": "2 s after the index caught up"})),
        Figure::new(
            &format!("memory, {n} shared docs, restarted"),
            restarted_rss,
            "MB",
            idle_rss,
            memory_goal(n),
        )
        .detail(json!({"anon_mb": restarted_split.0, "file_mb": restarted_split.1})),
    ])
}
