//! `GET /metrics` (Prometheus text exposition) and the middleware timing every request.

use super::{ApiError, ApiState};
use crate::metrics::{CatalogLabel, ColumnFamilyLabel, HttpLabels, KindLabel, PeerLabel};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Records each request's latency under its route pattern, method and status.
pub async fn track_http(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    state
        .metrics
        .http
        .get_or_create(&HttpLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// Prometheus metrics (OpenMetrics text): sync, peers, catalogues, RocksDB, HTTP latency,
/// libp2p. The state gauges are set from the engine's, the store's and the index's views at
/// each scrape.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "OpenMetrics text exposition", content_type = "application/openmetrics-text")))]
pub async fn metrics(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let gauges = &state.metrics.state;
    let now = time::OffsetDateTime::now_utc();
    for p in state.app.peers().await?.peers {
        let label = PeerLabel {
            peer: p.node_id.to_string(),
            name: p.name.clone(),
        };
        gauges
            .peer_connected
            .get_or_create(&label)
            .set(i64::from(p.connected));
        gauges
            .peer_lag_documents
            .get_or_create(&label)
            .set(p.docs_behind() as i64);
        let age = p
            .last_sync_at()
            .map_or(-1.0, |t| (now - t).as_seconds_f64());
        gauges.peer_last_sync_age.get_or_create(&label).set(age);
    }
    for c in state.app.catalogs().await? {
        if let Some(h) = c.holding {
            gauges
                .catalog_entries
                .get_or_create(&CatalogLabel {
                    catalog: c.id.to_string(),
                    role: c.relation.as_str().to_owned(),
                })
                .set(h.entries as i64);
        }
    }
    let status = state.app.status().await?;
    for (kind, n) in &status.stats.records_by_kind {
        gauges
            .records
            .get_or_create(&KindLabel {
                kind: kind.to_string(),
            })
            .set(*n as i64);
    }
    for cf in state.app.storage_figures().await? {
        let label = ColumnFamilyLabel {
            cf: cf.name.to_string(),
        };
        gauges
            .rocksdb_keys
            .get_or_create(&label)
            .set(cf.estimated_keys as i64);
        gauges
            .rocksdb_sst_bytes
            .get_or_create(&label)
            .set(cf.sst_bytes as i64);
        gauges
            .rocksdb_memtable_bytes
            .get_or_create(&label)
            .set(cf.memtable_bytes as i64);
    }
    gauges.search_documents.set(status.search_documents as i64);
    gauges
        .quarantined_entries
        .set(state.app.quarantined_count() as i64);
    gauges
        .uptime_seconds
        .set(state.started.elapsed().as_secs_f64());
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response())
}
