//! `sicc-bench`: figures measured against a baseline from the same run. For now: search
//! latency over a realistic index (issue 4); the sync, propagation, import and memory figures
//! join it with the benchmark issue. Build in release: `cargo run --release -p sicc-tests
//! --bin sicc-bench -- [--quick] [--json PATH]`.
//!
//! Search: N records (100,000; `--quick`: 20,000) derived from the sample data (each sample
//! record copied with a new id, country rotation and numbered title), indexed by the node's
//! own search module; then a fixed mix of full-text queries in the five languages, faceted
//! filters and both together. Baseline: the same queries answered by a linear scan over the
//! same records in memory (folded substring match + the record filter), in the same run.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use sicc_node::search::{SearchRequest, open};
use sicc_protocol::query::Filter;
use sicc_protocol::record::Record;
use std::time::Instant;

fn records(n: usize) -> Result<Vec<Record>> {
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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let json_path = args
        .iter()
        .position(|a| a == "--json")
        .and_then(|i| args.get(i + 1).cloned());
    let n = if quick { 20_000 } else { 100_000 };
    let rounds = if quick { 20 } else { 50 };

    let records = records(n)?;
    let dir = tempfile::tempdir()?;
    let (search, indexer, _) = open(dir.path())?;
    let t = Instant::now();
    for r in &records {
        search.upsert_local(r.clone()).await;
    }
    search.flush().await?;
    let index_secs = t.elapsed().as_secs_f64();
    assert_eq!(search.len(), n as u64);

    let scanned: Vec<(Record, String)> = records
        .into_iter()
        .map(|r| {
            let folded =
                sicc_protocol::text::fold(&r.searchable_text().collect::<Vec<_>>().join(" "));
            (r, folded)
        })
        .collect();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for q in queries() {
            let request = SearchRequest::parse(q.iter().copied())?;
            let t = Instant::now();
            let result = search.search(request).await?;
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(result);
            let t = Instant::now();
            std::hint::black_box(baseline(&scanned, &q));
            theirs.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);
    let figures = [
        (
            "search p50",
            percentile(&ours, 0.5),
            percentile(&theirs, 0.5),
            None,
        ),
        (
            "search p99",
            percentile(&ours, 0.99),
            percentile(&theirs, 0.99),
            Some(10.0),
        ),
    ];
    println!(
        "records: {n}; indexed in {index_secs:.1} s; {} queries per figure",
        ours.len()
    );
    println!(
        "{:<12} {:>10} {:>14} {:>8} {:>8}",
        "figure", "ms", "baseline ms", "ratio", "goal"
    );
    let mut out = Vec::new();
    for (name, value, base, goal) in figures {
        let met = goal.is_none_or(|g| value < g);
        println!(
            "{name:<12} {value:>10.2} {base:>14.2} {:>8.3} {:>8}",
            value / base,
            goal.map(|g| format!("<{g} ms")).unwrap_or_default()
        );
        out.push(
            json!({"name": name, "value": value, "unit": "ms", "baseline": base,
                        "ratio": value / base, "goal": goal, "met": met, "records": n}),
        );
    }
    if let Some(path) = json_path {
        std::fs::write(&path, serde_json::to_string_pretty(&out)?)?;
    }
    drop(search);
    indexer.join();
    Ok(())
}
