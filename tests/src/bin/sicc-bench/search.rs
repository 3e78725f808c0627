//! Search: N records (100,000; `--quick`: 20,000) derived from the sample data (each sample
//! record copied with a new id, country rotation and numbered title), indexed by the node's
//! own search module; then a fixed mix of full-text queries in the five languages, faceted
//! filters and both together, idle and again while an import runs (the goal is judged on the
//! latter). Baseline: the same queries answered by a linear scan over the
//! same records in memory (folded substring match + the record filter), in the same run.

use super::{Figure, Goal, goals, percentile};
use anyhow::{Context, Result};
use serde_json::{Value, json};
use sicc_node::search::{SearchRequest, open};
use sicc_protocol::query::Filter;
use sicc_protocol::record::Record;
use std::time::Instant;

/// `n` realistic records derived from the sample data: each sample record (persons excluded)
/// copied with the id `bench-NNNNNN`, initiatives rotated over the four countries. Links still
/// point at the original sample records, so a node that holds the sample accepts them.
pub fn records(n: usize) -> Result<Vec<Record>> {
    let sample: Vec<Value> = sicc_node::sample::records()
        .into_iter()
        .filter_map(|(_, v)| v.ok())
        .filter(|v| v["kind"] != "person")
        .collect();
    let mut out = Vec::with_capacity(n);
    let countries = ["ES", "FR", "SE", "LV"];
    for i in 0..n {
        let mut v = sample[i % sample.len()].clone();
        v["id"] = json!(format!("bench-{i:06}"));
        if v["kind"] == "initiative" {
            v["countries"] = json!([countries[i % 4]]);
            v.as_object_mut().unwrap().remove("nuts");
        }
        // Links point at records the bench does not hold; the index does not check them.
        out.push(Record::from_json(&v).with_context(|| format!("record {i}"))?);
    }
    Ok(out)
}

/// Stores every sample record (in rounds, so that a record linking to one later in the files
/// goes in once its target is there); returns them as stored.
async fn store_sample(store: &sicc_node::storage::Store) -> Result<Vec<Record>> {
    let mut pending: Vec<Record> = sicc_node::sample::records()
        .into_iter()
        .filter_map(|(_, v)| Record::from_json(&v.ok()?).ok())
        .collect();
    let mut stored = Vec::new();
    while !pending.is_empty() {
        let mut refused = Vec::new();
        for chunk in pending.chunks(sicc_node::storage::MAX_BATCH_RECORDS) {
            let results = store
                .put_many(chunk.to_vec(), sicc_node::storage::PutMode::Import, "bench")
                .await?;
            for (record, result) in chunk.iter().zip(results) {
                match result {
                    Ok(r) => stored.push(r),
                    Err(e) => refused.push((record.clone(), e)),
                }
            }
        }
        if refused.len() == pending.len() {
            anyhow::bail!("sample records refused: {:?}", refused[0].1);
        }
        pending = refused.into_iter().map(|(r, _)| r).collect();
    }
    Ok(stored)
}

fn queries() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![("q", "aprupe majas")],
        vec![("q", "viviendas")],
        vec![("q", "hemtjänst")],
        vec![("q", "aide à domicile")],
        vec![("q", "home care rural")],
        vec![("q", "cuidados comunitarios")],
        vec![("q", "social enterprise")],
        vec![("q", "employment"), ("country", "ES")],
        vec![("kind", "initiative"), ("theme", "housing_homelessness")],
        vec![
            ("kind", "initiative"),
            ("min_evidence_level", "3"),
            ("country", "SE,ES"),
        ],
        vec![
            ("q", "homeless"),
            ("kind", "initiative"),
            ("min_evidence_level", "3"),
        ],
        vec![
            ("esf_objective", "ESO4.11"),
            ("target_group", "older_people"),
        ],
    ]
}

fn baseline(records: &[(Record, String)], query: &[(&str, &str)]) -> usize {
    let text: Vec<String> = query
        .iter()
        .filter(|(k, _)| *k == "q")
        .flat_map(|(_, v)| v.split_whitespace().map(sicc_protocol::text::fold))
        .collect();
    let filter =
        Filter::parse(query.iter().copied().filter(|(k, _)| *k != "q")).expect("valid filter");
    records
        .iter()
        .filter(|(r, folded)| filter.matches(r) && text.iter().all(|w| folded.contains(w)))
        .count()
}

/// Records imported again and again while the queries run a second time.
const IMPORTED_WHILE_SEARCHING: usize = 20_000;

/// Search latency over `n` indexed records, idle and while an import runs, against a linear
/// scan of the same records.
pub async fn run(n: usize, rounds: usize) -> Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    // The records go into a real store; the index is built from it as a node builds it. The
    // store checks links: the sample records they point at go in first.
    let (store, writer) = sicc_node::storage::Store::open(&dir.path().join("db"))?;
    let mut records = store_sample(&store).await?;
    let sample = records.len();
    let bench = self::records(n)?;
    for chunk in bench.chunks(sicc_node::storage::MAX_BATCH_RECORDS) {
        let results = store
            .put_many(chunk.to_vec(), sicc_node::storage::PutMode::Import, "bench")
            .await?;
        if let Some(Err(e)) = results.into_iter().find(Result::is_err) {
            anyhow::bail!("a bench record was refused: {e}");
        }
    }
    records.extend(bench);
    let (search, indexer, _) = open(dir.path())?;
    let t = Instant::now();
    sicc_node::search::rebuild(&store, &search, store.committed_seq()).await?;
    let index_secs = t.elapsed().as_secs_f64();
    // From here the index follows the store's change feed, as in a running node.
    let follower = store.follow(store.committed_seq()).await?;
    let following = tokio::spawn(sicc_node::search::follow_feed(
        store.clone(),
        search.clone(),
        follower,
    ));
    anyhow::ensure!(
        search.len() == records.len() as u64,
        "{} records indexed of {} stored",
        search.len(),
        records.len()
    );

    let scanned: Vec<(Record, String)> = records
        .into_iter()
        .map(|r| {
            let folded =
                sicc_protocol::text::fold(&r.searchable_text().collect::<Vec<_>>().join(" "));
            (r, folded)
        })
        .collect();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let idle_segments = search.segments();
    // Per query, its hits and times, idle and busy: the slowest queries say where the p99
    // comes from, and their hits why (facets are counted over every hit).
    let mut by_query: std::collections::BTreeMap<String, (usize, Vec<f64>, Vec<f64>)> =
        Default::default();
    let name = |q: &[(&str, &str)]| {
        let name: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
        name.join("&")
    };
    for _ in 0..rounds {
        for q in queries() {
            let request = SearchRequest::parse(q.iter().copied())?;
            let t = Instant::now();
            let result = search.search(request).await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            ours.push(ms);
            let entry = by_query.entry(name(&q)).or_default();
            entry.0 = result.total;
            entry.1.push(ms);
            let t = Instant::now();
            std::hint::black_box(baseline(&scanned, &q));
            theirs.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);

    // The same queries while an import runs: the first records imported again (validated,
    // written, fsynced, indexed from the feed), chunk after chunk, until the queries are done.
    let again = self::records(IMPORTED_WHILE_SEARCHING.min(n))?;
    let importing = tokio_util::sync::CancellationToken::new();
    let importer = {
        let (store, importing) = (store.clone(), importing.clone());
        tokio::spawn(async move {
            let mut written = 0usize;
            'import: loop {
                for chunk in again.chunks(500) {
                    if importing.is_cancelled() {
                        break 'import;
                    }
                    let results = store
                        .put_many(chunk.to_vec(), sicc_node::storage::PutMode::Import, "bench")
                        .await?;
                    if let Some(Err(e)) = results.into_iter().find(Result::is_err) {
                        anyhow::bail!("a record imported while searching was refused: {e}");
                    }
                    written += chunk.len();
                }
            }
            anyhow::Ok(written)
        })
    };
    // Stops the importer on every way out of the loop below, errors included.
    let stop_importing = importing.clone().drop_guard();
    let started = Instant::now();
    let mut busy = Vec::new();
    for _ in 0..rounds {
        for q in queries() {
            let request = SearchRequest::parse(q.iter().copied())?;
            let t = Instant::now();
            std::hint::black_box(search.search(request).await?);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            busy.push(ms);
            by_query.entry(name(&q)).or_default().2.push(ms);
        }
    }
    drop(stop_importing);
    let busy_segments = search.segments();
    let imported = importer.await??;
    let import_rate = imported as f64 / started.elapsed().as_secs_f64();
    busy.sort_by(f64::total_cmp);
    anyhow::ensure!(
        !following.is_finished(),
        "the index stopped following the feed during the import"
    );
    following.abort();
    let _ = following.await;
    drop(store);
    writer.join();
    drop(search);
    indexer.join();
    let round = |ms: f64| (ms * 100.0).round() / 100.0;
    eprintln!("  segments: {idle_segments} idle, {busy_segments} at the import's end");
    eprintln!("  idle p50   busy p50   busy p99     hits  query");
    let by_query: serde_json::Map<String, Value> = by_query
        .into_iter()
        .map(|(q, (hits, mut idle, mut busy))| {
            idle.sort_by(f64::total_cmp);
            busy.sort_by(f64::total_cmp);
            let (idle_p50, busy_p50, busy_p99) = (
                round(percentile(&idle, 0.5)),
                round(percentile(&busy, 0.5)),
                round(percentile(&busy, 0.99)),
            );
            eprintln!("  {idle_p50:>8.2} {busy_p50:>10.2} {busy_p99:>10.2} {hits:>8}  {q}");
            let figures = json!({"hits": hits, "idle_p50_ms": idle_p50,
                                 "busy_p50_ms": busy_p50, "busy_p99_ms": busy_p99});
            (q, figures)
        })
        .collect();
    let detail = json!({"records": n, "sample_records": sample, "queries": ours.len(), "index_secs": index_secs, "segments": idle_segments, "by_query": by_query});
    let busy_detail = json!({"records": n, "queries": busy.len(), "records_imported_per_s": import_rate, "segments_at_the_end": busy_segments});
    Ok(vec![
        Figure::new(
            "search p50, idle",
            percentile(&ours, 0.5),
            "ms",
            percentile(&theirs, 0.5),
            Goal::None,
        )
        .detail(detail.clone()),
        Figure::new(
            "search p99, idle",
            percentile(&ours, 0.99),
            "ms",
            percentile(&theirs, 0.99),
            Goal::None,
        )
        .detail(detail),
        Figure::new(
            "search p50 while importing",
            percentile(&busy, 0.5),
            "ms",
            percentile(&theirs, 0.5),
            Goal::None,
        )
        .detail(busy_detail.clone()),
        Figure::new(
            "search p99 while importing",
            percentile(&busy, 0.99),
            "ms",
            percentile(&theirs, 0.99),
            Goal::Below(goals::SEARCH_P99_MS),
        )
        .detail(busy_detail),
    ])
}
