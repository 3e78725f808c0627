//! Propagation and convergence after heal: four whole nodes in this process (real RocksDB,
//! real libp2p over loopback through the test federation's cuttable TCP proxies; redial
//! backoff capped at 2 s, anti-entropy every 2 s).
//!
//! - Propagation: LV publishes 10 records a second; each subscriber's event stream
//!   (`/api/v1/events`, sent once the entry is stored and readable) marks its arrival. Latency
//!   = arrival − the moment LV's API acknowledged the publish. Baseline, same run: the latency
//!   of a durable local write (`POST /api/v1/records`) on the subscriber ES at each tick.
//! - Convergence: every node is a writer of LV's catalogue; all four are cut apart, each makes
//!   E annotations (one change each), then every link is healed: time until the four
//!   catalogue digests are equal (equal digests ⇔ equal documents and heads). Baseline: the
//!   time the nodes took to make those edits locally (mean per node).

use super::{Figure, Goal, Scale, goals, percentile};
use anyhow::{Result, bail};
use serde_json::{Value, json};
use sicc_tests::federation::{Federation, initiative};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ES: usize = 0;
const FR: usize = 1;
const SE: usize = 2;
const LV: usize = 3;

type Arrivals = Arc<Mutex<HashMap<(usize, String), Instant>>>;

/// Follows node `i`'s event stream, recording when each entry arrived.
fn follow(
    i: usize,
    url: String,
    token: String,
    arrivals: Arrivals,
) -> tokio::task::JoinHandle<Result<()>> {
    tokio::spawn(async move {
        let mut response = sicc_tests::client_with(&token)
            .get(format!("{url}/api/v1/events"))
            .send()
            .await?;
        let mut buffer = String::new();
        while let Some(chunk) = response.chunk().await? {
            let now = Instant::now();
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find('\n') {
                let line: String = buffer.drain(..=end).collect();
                if let Some(data) = line.strip_prefix("data:")
                    && let Ok(v) = serde_json::from_str::<Value>(data.trim())
                    && v["event"] == "entry_arrived"
                    && let Some(id) = v["id"].as_str()
                {
                    arrivals.lock().unwrap().insert((i, id.to_string()), now);
                }
            }
        }
        Ok(())
    })
}

pub async fn propagation(scale: Scale) -> Result<Vec<Figure>> {
    let mut fed = Federation::start_as_in_production(&["ES", "FR", "SE", "LV"]).await?;
    fed.share(LV, &[ES, FR, SE]).await?;
    for i in [ES, FR, SE] {
        fed.wait_connected(i, LV).await?;
    }
    // The first entry opens every subscription; timing starts after it.
    fed.publish(LV, initiative("warm-up", "LV", "warm up"))
        .await?;
    for i in [ES, FR, SE] {
        fed.wait_for(i, "warm-up", |_| true).await?;
    }
    let arrivals: Arrivals = Arc::default();
    let followers: Vec<_> = [ES, FR, SE]
        .iter()
        .map(|&i| {
            follow(
                i,
                fed.url(i),
                fed.members[i].token.clone(),
                arrivals.clone(),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let http = reqwest::Client::new();
    let (lv_url, es_url) = (fed.url(LV), fed.url(ES));
    let (lv_token, es_token) = (fed.members[LV].token.clone(), fed.members[ES].token.clone());
    let catalog = format!("{lv_url}{}/publish", fed.catalog_path(LV));
    let total = scale.propagation_secs * 10;
    let mut acked = Vec::new();
    let mut local = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    for n in 0..total {
        tick.tick().await;
        let id = format!("prop-{n:05}");
        let r = http
            .post(format!("{lv_url}/api/v1/records"))
            .bearer_auth(&lv_token)
            .json(&initiative(&id, "LV", "propagation probe"))
            .send()
            .await?;
        if r.status() != 201 {
            bail!("create {id}: HTTP {}", r.status());
        }
        let r = http
            .post(&catalog)
            .bearer_auth(&lv_token)
            .json(&json!({"id": id}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("publish {id}: HTTP {}", r.status());
        }
        acked.push((id, Instant::now()));
        // The baseline: one durable local write on a subscriber.
        let started = Instant::now();
        let r = http
            .post(format!("{es_url}/api/v1/records"))
            .bearer_auth(&es_token)
            .json(&initiative(
                &format!("local-{n:05}"),
                "ES",
                "baseline write",
            ))
            .send()
            .await?;
        if r.status() != 201 {
            bail!("local write: HTTP {}", r.status());
        }
        local.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut latencies = Vec::new();
    for (id, at) in &acked {
        for i in [ES, FR, SE] {
            let arrived = loop {
                if let Some(t) = arrivals.lock().unwrap().get(&(i, id.clone())) {
                    break *t;
                }
                if Instant::now() > deadline {
                    bail!("{id} never arrived on node {i}");
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            };
            // An arrival can beat the acknowledgement back to the client: count it as 0.
            latencies.push(arrived.saturating_duration_since(*at).as_secs_f64() * 1000.0);
        }
    }
    for f in followers {
        f.abort();
    }
    fed.stop_all().await;
    latencies.sort_by(f64::total_cmp);
    local.sort_by(f64::total_cmp);
    let detail = json!({"publishes": total, "observations": latencies.len()});
    Ok(vec![
        Figure::new(
            "propagation p50",
            percentile(&latencies, 0.5),
            "ms",
            percentile(&local, 0.5),
            Goal::None,
        )
        .detail(detail.clone()),
        Figure::new(
            "propagation p99",
            percentile(&latencies, 0.99),
            "ms",
            percentile(&local, 0.99),
            Goal::Below(goals::PROPAGATION_P99_MS),
        )
        .detail(detail.clone()),
        Figure::new(
            "propagation max",
            percentile(&latencies, 1.0),
            "ms",
            percentile(&local, 1.0),
            Goal::None,
        )
        .detail(detail),
    ])
}

pub async fn convergence(scale: Scale) -> Result<Vec<Figure>> {
    let docs = 50;
    let mut fed = Federation::start_as_in_production(&["ES", "FR", "SE", "LV"]).await?;
    fed.share(LV, &[ES, FR, SE]).await?;
    for i in [ES, FR, SE] {
        fed.ok(
            LV,
            &format!("{}/grant", fed.catalog_path(LV)),
            json!({"node_id": fed.members[i].node_id, "role": "writer"}),
        )
        .await?;
        fed.wait_connected(i, LV).await?;
    }
    for d in 0..docs {
        fed.publish(
            LV,
            initiative(&format!("doc-{d:03}"), "LV", "edited everywhere"),
        )
        .await?;
    }
    let catalog = fed.catalog_path(LV);
    let digest = |i: usize| {
        let (fed, catalog) = (&fed, &catalog);
        async move {
            let (_, v) = fed.get(i, catalog).await.ok()?;
            Some((v["digest"].as_str()?.to_string(), v["entries"].as_u64()?))
        }
    };
    // Everyone holds every document (and is a writer) before the partition.
    super::subscribe::wait_for("every node to hold every document", 300, || async {
        let first = digest(LV).await?;
        for i in [ES, FR, SE] {
            if digest(i).await? != first || first.1 != docs as u64 {
                return None;
            }
        }
        Some(())
    })
    .await?;
    let before = digest(LV).await.unwrap_or_default().0;
    for i in 0..4 {
        let others: Vec<usize> = (0..4).filter(|&j| j != i).collect();
        fed.partition(&[i], &others);
    }
    let mut tasks = Vec::new();
    for i in 0..4 {
        let url = format!("{}{catalog}/annotate", fed.url(i));
        let token = fed.members[i].token.clone();
        let edits = scale.edits;
        tasks.push(tokio::spawn(async move {
            let http = sicc_tests::client_with(&token);
            let started = Instant::now();
            for e in 0..edits {
                let r = http
                    .post(&url)
                    .json(&json!({"id": format!("doc-{:03}", e % docs), "text": format!("edit {e} by node {i}")}))
                    .send()
                    .await?;
                if !r.status().is_success() {
                    bail!("annotate: HTTP {}: {}", r.status(), r.text().await?);
                }
            }
            Ok::<_, anyhow::Error>(started.elapsed().as_secs_f64())
        }));
    }
    let mut local = 0.0;
    for t in tasks {
        local += t.await??;
    }
    let local = local / 4.0;
    let healed = Instant::now();
    fed.heal();
    super::subscribe::wait_for("the four digests to agree", 300, || async {
        let first = digest(LV).await?;
        if first.0 == before {
            return None;
        }
        for i in [ES, FR, SE] {
            if digest(i).await? != first {
                return None;
            }
        }
        Some(())
    })
    .await?;
    let secs = healed.elapsed().as_secs_f64();
    let rejected: u64 = {
        let mut sum = 0;
        for i in 0..4 {
            sum += fed.rejected(i).await?;
        }
        sum
    };
    fed.stop_all().await;
    if rejected > 0 {
        bail!("{rejected} changes were rejected during convergence");
    }
    Ok(vec![
        Figure::new(
            "convergence after heal",
            secs,
            "s",
            local,
            Goal::Below(goals::CONVERGENCE_SECS),
        )
        .detail(json!({"edits_per_node": scale.edits, "documents": docs, "nodes": 4})),
    ])
}
