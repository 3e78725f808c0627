//! The HTTP API under `/api/v1`, `/healthz`, `/readyz`, `/metrics` and the web UI. Only this
//! module knows HTTP and JSON DTOs (ARCHITECTURE.md, invariant 2); every action goes through
//! [`App`]. The API's routes are declared with their OpenAPI description (utoipa), so the
//! document served at `/api/v1/openapi.json` is derived from the handlers and their DTOs.

mod auth;
mod charts;
mod dto;
mod error;
mod federation;
mod forms;
mod guard;
mod metrics;
mod openapi;
mod problems;
mod records;
mod spreadsheet;
mod ui;
mod workpackages;

pub use error::{ApiError, ErrorCode};

use crate::app::App;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What the API needs of the node: the application service and its own bits.
#[derive(Debug, Clone)]
pub struct ApiState {
    /// Cancelled when the node stops: long-lived responses (event streams) end with it.
    pub shutdown: tokio_util::sync::CancellationToken,
    pub app: App,
    /// Staff accounts, sessions and tokens (who may use the API and the UI).
    pub accounts: crate::app::accounts::Accounts,
    /// A TLS proxy in front (`api.behind_tls_proxy`): the client's address is the last one of
    /// `X-Forwarded-For`, which the proxy sets (the login throttle counts per address).
    pub behind_proxy: bool,
    /// `api.publish_validated_only`: the UI publishes validated records only.
    pub publish_validated_only: bool,
    /// The node's metrics registry (read-only once started) and the handles the API sets.
    pub metrics: std::sync::Arc<crate::metrics::NodeMetrics>,
    /// When the node started (uptime in `/api/v1/status` and `/metrics`).
    pub started: std::time::Instant,
}

/// Limits applied to requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_import_bytes: usize,
}

/// The documented API routes (everything but the web UI and the explorer).
fn api_routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(status))
        .routes(routes!(backup))
        .routes(routes!(backups))
        .routes(routes!(auth::users, auth::add_user))
        .routes(routes!(auth::change_user))
        .routes(routes!(auth::tokens, auth::create_token))
        .routes(routes!(auth::revoke_token))
        .routes(routes!(metrics::metrics))
        .routes(routes!(records::list, records::create))
        .routes(routes!(records::get_one, records::replace, records::delete))
        .routes(routes!(records::audit))
        .routes(routes!(records::search))
        .routes(routes!(records::code_lists))
        .routes(routes!(records::code_list))
        .routes(routes!(records::schema))
        .routes(routes!(federation::list, federation::create))
        .routes(routes!(federation::show))
        .routes(routes!(federation::entry))
        .routes(routes!(federation::publish))
        .routes(routes!(federation::unpublish))
        .routes(routes!(federation::annotate))
        .routes(routes!(federation::grant))
        .routes(routes!(federation::revoke))
        .routes(routes!(federation::subscribe))
        .routes(routes!(federation::unsubscribe))
        .routes(routes!(federation::subscriptions))
        .routes(routes!(federation::peers))
        .routes(routes!(federation::events))
        .routes(routes!(openapi::openapi))
}

/// Imports take larger bodies than every other route.
fn import_routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(records::import))
}

/// The OpenAPI description of the API (also served at `/api/v1/openapi.json`).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api_routes().split_for_parts();
    doc.merge(import_routes().split_for_parts().1);
    doc
}

/// Builds the router. `allowed_hosts`: `api.allowed_hosts` (see `api/guard.rs`).
pub fn router(state: ApiState, limits: Limits, allowed_hosts: Vec<String>) -> Router {
    let guard = guard::Guard::new(
        allowed_hosts,
        &[ui::LIVE_SCRIPT, openapi::explorer_script()],
    );
    let (api, _) = api_routes().split_for_parts();
    let (import, _) = import_routes().split_for_parts();
    let import = import
        .route(
            "/import",
            get(spreadsheet::import_page).post(spreadsheet::upload),
        )
        .route("/import/preview", post(spreadsheet::preview))
        .route("/import/commit", post(spreadsheet::commit))
        .layer(DefaultBodyLimit::max(limits.max_import_bytes));
    Router::new()
        .merge(api)
        .route("/api/docs", get(openapi::explorer))
        .route("/", get(ui::search_page))
        .route("/records/new", get(forms::new_form).post(forms::create))
        .route("/records/{id}", get(ui::record_page))
        .route(
            "/records/{id}/edit",
            get(forms::edit_form).post(forms::save),
        )
        .route("/records/{id}/delete", post(forms::delete))
        .route("/catalogs", get(ui::catalogs_page))
        .route("/peers", get(ui::peers_page))
        .route("/new", get(ui::new_page))
        .route("/export.csv", get(ui::export_csv))
        .route("/overview", get(workpackages::overview))
        .route("/replication", get(workpackages::replication))
        .route("/priorities", get(workpackages::priorities))
        .route("/action-plan", get(workpackages::action_plan))
        .route("/reports", get(workpackages::reports_page))
        .route("/reports/{file}", get(workpackages::report))
        .route(
            "/ui/replicate",
            post(workpackages::consider_for_replication),
        )
        .route("/ui/publish", post(ui::publish))
        .route("/ui/unpublish", post(ui::unpublish))
        .route("/records/{id}/status", post(ui::change_status))
        .route("/ui/catalogs/{action}", post(ui::catalog_action))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/account", get(auth::account_page))
        .route("/account/password", post(auth::change_password))
        .route("/account/language", post(auth::set_language))
        .route("/account/sessions/end", post(auth::end_session))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .merge(import)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track_http,
        ))
        .fallback(|| async { ApiError::new(ErrorCode::NoRoute, "no such endpoint") })
        // Inside authentication (the page shows who is logged in, in the account's
        // language), and again outside it, so that a refused role is a page too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ui::error_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ui::error_pages,
        ))
        .layer(axum::middleware::from_fn(ui::language))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(120),
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(guard, guard::guard))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "the process answers", body = dto::Health)))]
async fn healthz() -> Json<dto::Health> {
    Json(dto::Health {
        status: "ok".into(),
    })
}

/// Readiness: storage, network, search index and sync engine (503 when one is not ready).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready", body = dto::Ready),
              (status = 503, description = "not ready", body = dto::Ready)))]
async fn readyz(State(state): State<ApiState>) -> impl IntoResponse {
    let r = state.app.readiness().await;
    let status = if r.ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(dto::Ready {
            status: if r.ready() { "ready" } else { "not_ready" }.into(),
            checks: dto::ReadyChecks {
                storage: r.storage,
                network: r.network,
                index: r.index,
                sync: r.sync,
            },
        }),
    )
}

/// The node's identity and record counts.
#[utoipa::path(get, path = "/api/v1/status", tag = "operations",
    responses((status = 200, description = "status", body = dto::Status),
              (status = "default", description = "an error", body = dto::ErrorBody)))]
async fn status(State(state): State<ApiState>) -> Result<Json<dto::Status>, ApiError> {
    let s = state.app.status().await?;
    let node = state.app.node();
    Ok(Json(dto::Status {
        node_id: node.node_id.to_string(),
        name: node.name.clone(),
        country: node.country.clone(),
        version: env!("CARGO_PKG_VERSION").into(),
        schema_version: crate::app::SCHEMA_VERSION,
        records: s.stats.records_by_kind.values().sum(),
        records_by_kind: s
            .stats
            .records_by_kind
            .iter()
            .map(|(k, n)| (k.to_string(), *n))
            .collect(),
        audit_entries: s.stats.audit_entries,
        actor_epoch: node.actor_epoch,
        uptime_secs: state.started.elapsed().as_secs(),
        storage_bytes: s.storage_bytes,
        search_documents: s.search_documents,
    }))
}

/// Takes an online backup (RocksDB checkpoint + identity + config) into a new directory while
/// the node keeps serving (`sicc backup`).
#[utoipa::path(post, path = "/api/v1/admin/backup", tag = "operations",
    request_body(content = dto::BackupRequest, example = json!({"name": "2026-11-28"})),
    responses((status = 200, description = "the backup taken", body = dto::BackupTaken),
              (status = "default", description = "an error", body = dto::ErrorBody)))]
async fn backup(
    State(state): State<ApiState>,
    body: Result<Json<dto::BackupRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<dto::BackupTaken>, ApiError> {
    let Json(request) =
        body.map_err(|e| ApiError::new(ErrorCode::InvalidJson, e.body_text()).with_field("path"))?;
    let target = match (request.name, request.path) {
        (Some(name), None) => crate::app::BackupTarget::Name(name),
        (None, Some(path)) => crate::app::BackupTarget::Path(path),
        (None, None) => crate::app::BackupTarget::now(),
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                ErrorCode::InvalidBackupTarget,
                "give a name or a path, not both",
            ));
        }
    };
    let path = state.app.backup_target(target)?;
    let started = std::time::Instant::now();
    let manifest = state.app.backup(path.clone()).await?;
    tracing::info!(path = %path.display(), bytes = manifest.db_bytes, "backup taken");
    Ok(Json(dto::BackupTaken {
        path,
        manifest: serde_json::to_value(&manifest).unwrap_or_default(),
        duration_ms: started.elapsed().as_millis() as u64,
    }))
}

/// Lists the backups this node took, each with the erasures made since (`sicc backups`): a
/// backup that predates an erasure still holds the erased values until it is deleted; a
/// restore from it replays the erasures.
#[utoipa::path(get, path = "/api/v1/admin/backups", tag = "operations",
    responses((status = 200, description = "the backups, oldest first", body = dto::Backups),
              (status = "default", description = "an error", body = dto::ErrorBody)))]
async fn backups(State(state): State<ApiState>) -> Result<Json<dto::Backups>, ApiError> {
    let listed = state.app.backups().await?;
    Ok(Json(dto::Backups {
        backups: listed
            .into_iter()
            .map(|b| dto::BackupListed {
                path: b.path,
                created_at: b.created_at,
                present: b.present,
                erasures_since: b.erasures_since,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn document() -> Value {
        serde_json::to_value(super::openapi_document()).unwrap()
    }

    #[test]
    fn every_operation_answers_with_a_described_schema() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.len() > 20, "only {} paths", paths.len());
        for (path, ops) in paths {
            for (method, op) in ops.as_object().unwrap() {
                let responses = op["responses"].as_object().unwrap();
                assert!(
                    !responses.is_empty(),
                    "{method} {path} describes no response"
                );
                if ["/api/v1/events", "/metrics", "/api/v1/openapi.json"].contains(&path.as_str()) {
                    continue;
                }
                let described = responses.values().any(|r| {
                    r["content"]["application/json"]["schema"]
                        .as_object()
                        .is_some_and(|s| s.contains_key("$ref") || s.contains_key("properties"))
                });
                assert!(
                    described,
                    "{method} {path} has no JSON schema in its responses"
                );
            }
        }
    }

    #[test]
    fn the_schemas_name_the_fields_the_api_answers_with() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        for (schema, field) in [
            ("Catalog", "owner_name"),
            ("Entry", "history"),
            ("Peer", "last_sync_at"),
            ("ErrorDetail", "code"),
            ("SearchAnswer", "facets"),
            ("ImportReport", "failed"),
        ] {
            assert!(
                schemas[schema]["properties"].get(field).is_some(),
                "schema {schema} lacks {field}: {}",
                schemas[schema]
            );
        }
    }
}
