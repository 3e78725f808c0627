//! Search: N records (100,000; `--quick`: 20,000) derived from the sample data (each sample
//! record copied with a new id, country rotation and numbered title), indexed by the node's
//! own search module; then a fixed mix of full-text queries in the five languages, faceted
//! filters and both together. Baseline: the same queries answered by a linear scan over the
//! same records in memory (folded substring match + the record filter), in the same run.

use super::{Figure, Goal, percentile};
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

/// Search latency over `n` indexed records, against a linear scan of the same records.
pub async fn run(n: usize, rounds: usize) -> Result<Vec<Figure>> {
    let records = records(n)?;
    let dir = tempfile::tempdir()?;
    // The records go into a real store; the index is built from it as a node builds it.
    let (store, writer) = sicc_node::storage::Store::open(&dir.path().join("db"))?;
    for chunk in records.chunks(sicc_node::storage::MAX_BATCH_RECORDS) {
        store
            .put_many(chunk.to_vec(), sicc_node::storage::PutMode::Import, "bench")
            .await?;
    }
    let (search, indexer, _) = open(dir.path())?;
    let t = Instant::now();
    sicc_node::search::rebuild(&store, &search, store.committed_seq()).await?;
    let index_secs = t.elapsed().as_secs_f64();
    drop(store);
    writer.join();
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
    drop(search);
    indexer.join();
    let detail = json!({"records": n, "queries": ours.len(), "index_secs": index_secs});
    Ok(vec![
        Figure::new(
            "search p50",
            percentile(&ours, 0.5),
            "ms",
            percentile(&theirs, 0.5),
            Goal::None,
        )
        .detail(detail.clone()),
        Figure::new(
            "search p99",
            percentile(&ours, 0.99),
            "ms",
            percentile(&theirs, 0.99),
            Goal::Below(10.0),
        )
        .detail(detail),
    ])
}
