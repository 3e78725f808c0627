//! The HTTP API under `/api/v1`, plus `/healthz` and `/readyz`. Only this module knows HTTP and
//! JSON DTOs (ARCHITECTURE.md, invariant 2).

mod error;
mod federation;
mod metrics;
mod openapi;
mod records;
mod ui;

pub use error::ApiError;

use crate::storage::Store;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What the API needs of the node: cheap handles and read-only facts.
#[derive(Debug, Clone)]
pub struct ApiState {
    /// Cancelled when the node stops: long-lived responses (event streams) end with it.
    pub shutdown: tokio_util::sync::CancellationToken,
    pub store: Store,
    pub sync: crate::sync::engine::SyncHandle,
    pub network: crate::p2p::network::NetworkHandle,
    pub search: crate::search::SearchHandle,
    /// The node's metrics registry (read-only once started) and the handles the API sets.
    pub metrics: std::sync::Arc<crate::metrics::NodeMetrics>,
    /// When the node started (uptime in `/api/v1/status` and `/metrics`).
    pub started: std::time::Instant,
    pub node: NodeInfo,
}

/// Facts about the node shown by `/api/v1/status`.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub node_id: String,
    pub name: String,
    pub country: String,
    /// The data directory (backups copy its identity and configuration).
    pub data_dir: std::path::PathBuf,
    /// The configuration file the node was started with (backups copy it).
    pub config_file: std::path::PathBuf,
    /// The actor epoch this run signs its changes in.
    pub actor_epoch: u32,
}

/// Limits applied to requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_import_bytes: usize,
}

/// The OpenAPI description of the API (also served at `/api/v1/openapi.json`).
pub fn openapi_document() -> serde_json::Value {
    openapi::document()
}

/// Builds the router.
pub fn router(state: ApiState, limits: Limits) -> Router {
    let import = Router::new()
        .route("/api/v1/records/import", post(records::import))
        .layer(DefaultBodyLimit::max(limits.max_import_bytes));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/status", get(status))
        .route("/api/v1/records", get(records::list).post(records::create))
        .route(
            "/api/v1/records/{id}",
            get(records::get_one)
                .put(records::replace)
                .delete(records::delete),
        )
        .route("/api/v1/audit", get(records::audit))
        .route("/api/v1/search", get(records::search))
        .route("/api/v1/openapi.json", get(openapi::openapi))
        .route("/api/docs", get(openapi::explorer))
        .route("/", get(ui::search_page))
        .route("/records/{id}", get(ui::record_page))
        .route("/catalogs", get(ui::catalogs_page))
        .route("/peers", get(ui::peers_page))
        .route("/new", get(ui::new_page))
        .route("/ui/publish", post(ui::publish))
        .route("/ui/catalogs/{action}", post(ui::catalog_action))
        .route(
            "/api/v1/catalogs",
            get(federation::list).post(federation::create),
        )
        .route("/api/v1/catalogs/{owner}/{name}", get(federation::show))
        .route(
            "/api/v1/catalogs/{owner}/{name}/entries/{id}",
            get(federation::entry),
        )
        .route(
            "/api/v1/catalogs/{owner}/{name}/publish",
            post(federation::publish),
        )
        .route(
            "/api/v1/catalogs/{owner}/{name}/unpublish",
            post(federation::unpublish),
        )
        .route(
            "/api/v1/catalogs/{owner}/{name}/annotate",
            post(federation::annotate),
        )
        .route(
            "/api/v1/catalogs/{owner}/{name}/grant",
            post(federation::grant),
        )
        .route(
            "/api/v1/catalogs/{owner}/{name}/revoke",
            post(federation::revoke),
        )
        .route(
            "/api/v1/catalogs/{owner}/{name}/subscribe",
            post(federation::subscribe),
        )
        .route(
            "/api/v1/catalogs/{owner}/{name}/unsubscribe",
            post(federation::unsubscribe),
        )
        .route("/api/v1/subscriptions", get(federation::subscriptions))
        .route("/api/v1/peers", get(federation::peers))
        .route("/api/v1/events", get(federation::events))
        .route("/api/v1/codes", get(records::code_lists))
        .route("/api/v1/codes/{list}", get(records::code_list))
        .route("/api/v1/schema", get(records::schema))
        .route("/metrics", get(metrics::metrics))
        .route("/api/v1/admin/backup", post(backup))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .merge(import)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track_http,
        ))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such endpoint") })
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(120),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(state): State<ApiState>) -> impl IntoResponse {
    let storage = state.store.ready().await;
    let network = state
        .network
        .listen_addrs()
        .await
        .is_ok_and(|a| !a.is_empty());
    // The index is rebuilt before the API starts; it is ready while its indexer runs.
    let index = state.search.flush().await.is_ok();
    let ready = storage && network && index;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready {"ready"} else {"not_ready"},
            "checks": {"storage": storage, "network": network, "index": index},
        })),
    )
}

async fn status(State(state): State<ApiState>) -> Result<Json<serde_json::Value>, ApiError> {
    let stats = state.store.stats().await?;
    let by_kind: serde_json::Map<String, serde_json::Value> = stats
        .records_by_kind
        .iter()
        .map(|(k, n)| (k.to_string(), json!(n)))
        .collect();
    Ok(Json(json!({
        "node_id": state.node.node_id,
        "name": state.node.name,
        "country": state.node.country,
        "version": env!("CARGO_PKG_VERSION"),
        "schema_version": crate::storage::SCHEMA_VERSION,
        "records": stats.records_by_kind.values().sum::<u64>(),
        "records_by_kind": by_kind,
        "audit_entries": stats.audit_entries,
        "actor_epoch": state.node.actor_epoch,
        "uptime_secs": state.started.elapsed().as_secs(),
        "storage_bytes": state.store.disk_bytes().await?,
        "search_documents": state.search.len(),
    })))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupRequest {
    /// Absolute path of a directory to create.
    path: std::path::PathBuf,
}

/// Takes an online backup while the node keeps serving (`sicc backup`).
async fn backup(
    State(state): State<ApiState>,
    body: Result<Json<BackupRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Json(request) =
        body.map_err(|e| ApiError::bad_request("invalid_json", e.body_text()).with_field("path"))?;
    let started = std::time::Instant::now();
    let manifest = crate::backup::create(
        &state.store,
        &state.node.data_dir,
        &state.node.config_file,
        &state.node.node_id,
        &request.path,
    )
    .await?;
    tracing::info!(path = %request.path.display(), bytes = manifest.db_bytes, "backup taken");
    Ok(Json(json!({
        "path": request.path,
        "manifest": manifest,
        "duration_ms": started.elapsed().as_millis() as u64,
    })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_described_in_the_openapi_document() {
        let doc = super::openapi_document();
        let paths = doc["paths"].as_object().unwrap();
        let file = include_str!("api.rs");
        // The router's body: every string literal in it is a path or an error text.
        let start = file.find("pub fn router(").unwrap();
        let end = file[start..].find("async fn healthz").unwrap() + start;
        let source = &file[start..end];
        let mut routes = 0;
        for piece in source.split('"').skip(1).step_by(2) {
            let api = piece.starts_with("/api/v1/")
                || ["/healthz", "/readyz", "/metrics"].contains(&piece);
            if api && !piece.contains(' ') {
                routes += 1;
                assert!(paths.contains_key(piece), "{piece} is not in openapi.json");
            }
        }
        assert!(
            routes > 20,
            "found only {routes} routes: the scan is broken"
        );
        for path in paths.keys() {
            assert!(
                source.contains(&format!("\"{path}\"")),
                "openapi.json describes {path}, which the router lacks"
            );
        }
    }
}
