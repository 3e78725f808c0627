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

/// Sets the state gauges from the engine, the store and the index, then encodes the registry.
pub async fn metrics(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let gauges = &state.metrics.state;
    let peers = state.sync.peers().await?;
    for p in peers["peers"].as_array().into_iter().flatten() {
        let label = PeerLabel {
            peer: p["node_id"].as_str().unwrap_or_default().to_string(),
            name: p["name"].as_str().unwrap_or_default().to_string(),
        };
        gauges
            .peer_connected
            .get_or_create(&label)
            .set(i64::from(p["connected"].as_bool().unwrap_or(false)));
        gauges
            .peer_lag_documents
            .get_or_create(&label)
            .set(p["docs_behind"].as_i64().unwrap_or(0));
        let age = p["last_sync_at"]
            .as_str()
            .and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            })
            .map_or(-1.0, |t| {
                (time::OffsetDateTime::now_utc() - t).as_seconds_f64()
            });
        gauges.peer_last_sync_age.get_or_create(&label).set(age);
    }
    let catalogs = state.sync.list_catalogs().await?;
    for c in catalogs["catalogs"].as_array().into_iter().flatten() {
        if let Some(entries) = c["entries"].as_i64() {
            gauges
                .catalog_entries
                .get_or_create(&CatalogLabel {
                    catalog: c["id"].as_str().unwrap_or_default().to_string(),
                    role: c["role"].as_str().unwrap_or_default().to_string(),
                })
                .set(entries);
        }
    }
    let stats = state.store.stats().await?;
    for (kind, n) in &stats.records_by_kind {
        gauges
            .records
            .get_or_create(&KindLabel {
                kind: kind.to_string(),
            })
            .set(*n as i64);
    }
    for cf in state.store.column_family_stats().await? {
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
    gauges.search_documents.set(state.search.len() as i64);
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
