//! Catalogues, subscriptions, peers and live events: `/api/v1/catalogs`, `/api/v1/peers`,
//! `/api/v1/subscriptions`, `/api/v1/events`.

use super::dto::{self, Answer, ErrorBody};
use super::{ApiError, ApiState, ErrorCode};
use crate::app::Role;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::identity::NodeId;
use std::convert::Infallible;
use std::time::Duration;

fn body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|e| ApiError::new(ErrorCode::InvalidBody, e.body_text()))?;
    let bytes = if bytes.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        bytes
    };
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::new(ErrorCode::InvalidJson, format!("request body: {e}")))
}

/// The catalogue named by the path's owner and name.
pub(super) fn catalog_id(owner: &str, name: &str) -> Result<CatalogId, ApiError> {
    format!("{owner}/{name}")
        .parse::<CatalogId>()
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))
}

pub(super) fn node_id(text: &str) -> Result<NodeId, ApiError> {
    text.parse::<NodeId>().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            format!("`{text}` is not a node id"),
        )
        .with_field("node_id")
    })
}

/// Catalogues: owned, subscribed, requested, and offered by connected members.
#[utoipa::path(get, path = "/api/v1/catalogs", tag = "federation",
    responses((status = 200, description = "every catalogue", body = dto::CatalogList),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn list(State(state): State<ApiState>) -> Result<Json<dto::CatalogList>, ApiError> {
    let catalogs = state.app.catalogs().await?;
    Ok(Json(dto::CatalogList {
        catalogs: catalogs.iter().map(dto::Catalog::from).collect(),
    }))
}

/// Creates a catalogue owned by this node (201); connected members learn of it at once.
#[utoipa::path(post, path = "/api/v1/catalogs", tag = "federation",
    request_body(content = dto::CreateCatalog, example = json!({"name": "replication", "title": {"en": "Practices open to replication"}, "description": {"en": "..."}})),
    responses((status = 201, description = "the catalogue", body = dto::Catalog),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn create(
    State(state): State<ApiState>,
    b: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let c: dto::CreateCatalog = body(b)?;
    let done = state
        .app
        .create_catalog(c.name, c.title, c.description)
        .await?;
    Ok((StatusCode::CREATED, Json(Answer::from(done))))
}

/// A catalogue: manifest, entries, digest, requests and per-peer sync state.
#[utoipa::path(get, path = "/api/v1/catalogs/{owner}/{name}", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    responses((status = 200, description = "the catalogue", body = dto::CatalogDetails),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn show(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<dto::CatalogDetails>, ApiError> {
    let detail = state.app.catalog(catalog_id(&owner, &name)?).await?;
    Ok(Json(dto::CatalogDetails::from(&detail)))
}

/// One shared document, its heads and its history.
#[utoipa::path(get, path = "/api/v1/catalogs/{owner}/{name}/entries/{id}", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name"),
           ("id" = String, Path, description = "entry (record) id")),
    responses((status = 200, description = "the entry", body = dto::Entry),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn entry(
    State(state): State<ApiState>,
    Path((owner, name, id)): Path<(String, String, String)>,
) -> Result<Json<dto::Entry>, ApiError> {
    let entry = state.app.entry(catalog_id(&owner, &name)?, id).await?;
    Ok(Json(dto::Entry::from(&entry)))
}

/// Publishes a local record's public projection (never its local-only fields).
#[utoipa::path(post, path = "/api/v1/catalogs/{owner}/{name}/publish", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    request_body(content = dto::EntryRequest, example = json!({"id": "lv-samaritan-mobile-care"})),
    responses((status = 200, description = "published; `changed` is false when nothing changed", body = dto::Outcome),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn publish(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer>, ApiError> {
    let req: dto::EntryRequest = body(b)?;
    let id = super::records::parse_id(&req.id)?;
    let done = state.app.publish(catalog_id(&owner, &name)?, id).await?;
    Ok(Json(done.into()))
}

/// Erases an entry everywhere (a signed tombstone; it never comes back).
#[utoipa::path(post, path = "/api/v1/catalogs/{owner}/{name}/unpublish", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    request_body(content = dto::EntryRequest, example = json!({"id": "lv-samaritan-mobile-care"})),
    responses((status = 200, description = "erased", body = dto::Outcome),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn unpublish(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer>, ApiError> {
    let req: dto::EntryRequest = body(b)?;
    let done = state
        .app
        .unpublish(catalog_id(&owner, &name)?, req.id)
        .await?;
    Ok(Json(done.into()))
}

/// Annotates an entry (members with write access).
#[utoipa::path(post, path = "/api/v1/catalogs/{owner}/{name}/annotate", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    request_body(content = dto::EntryRequest, example = json!({"id": "lv-samaritan-mobile-care", "text": "We pilot this in 2027"})),
    responses((status = 200, description = "annotated", body = dto::Outcome),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn annotate(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer>, ApiError> {
    let req: dto::EntryRequest = body(b)?;
    let text = req.text.ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidBody, "text is required").with_field("text")
    })?;
    let done = state
        .app
        .annotate(catalog_id(&owner, &name)?, req.id, text)
        .await?;
    Ok(Json(done.into()))
}

/// Grants a member read (or write) access (the owner only).
#[utoipa::path(post, path = "/api/v1/catalogs/{owner}/{name}/grant", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    request_body(content = dto::AccessRequest, example = json!({"node_id": "12D3KooW...", "role": "reader"})),
    responses((status = 200, description = "the catalogue", body = dto::Catalog),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn grant(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer>, ApiError> {
    let req: dto::AccessRequest = body(b)?;
    let role = match req.role.unwrap_or(dto::RoleName::Reader) {
        dto::RoleName::Reader => Role::Reader,
        dto::RoleName::Writer => Role::Writer,
    };
    let done = state
        .app
        .grant(catalog_id(&owner, &name)?, node_id(&req.node_id)?, role)
        .await?;
    Ok(Json(done.into()))
}

/// Revokes every role of a member, or refuses its pending request (the owner only).
#[utoipa::path(post, path = "/api/v1/catalogs/{owner}/{name}/revoke", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    request_body(content = dto::AccessRequest, example = json!({"node_id": "12D3KooW..."})),
    responses((status = 200, description = "the catalogue", body = dto::Catalog),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn revoke(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer>, ApiError> {
    let req: dto::AccessRequest = body(b)?;
    let done = state
        .app
        .revoke(catalog_id(&owner, &name)?, node_id(&req.node_id)?)
        .await?;
    Ok(Json(done.into()))
}

/// Asks the owner for read access.
#[utoipa::path(post, path = "/api/v1/catalogs/{owner}/{name}/subscribe", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    responses((status = 200, description = "`pending` until the owner decides, or `granted`", body = dto::Outcome),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn subscribe(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Answer>, ApiError> {
    let done = state.app.subscribe(catalog_id(&owner, &name)?).await?;
    Ok(Json(done.into()))
}

/// Stops holding a partner's catalogue: its entries are removed here.
#[utoipa::path(post, path = "/api/v1/catalogs/{owner}/{name}/unsubscribe", tag = "federation",
    params(("owner" = String, Path, description = "owner node id"),
           ("name" = String, Path, description = "catalogue name")),
    responses((status = 200, description = "unsubscribed", body = dto::Outcome),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn unsubscribe(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Answer>, ApiError> {
    let done = state.app.unsubscribe(catalog_id(&owner, &name)?).await?;
    Ok(Json(done.into()))
}

/// Subscription requests received and sent.
#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "federation",
    responses((status = 200, description = "requests", body = dto::Subscriptions),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn subscriptions(
    State(state): State<ApiState>,
) -> Result<Json<dto::Subscriptions>, ApiError> {
    let v = state.app.subscriptions().await?;
    Ok(Json(dto::Subscriptions::from(&v)))
}

/// Members: connection, last sync, documents behind; rejected changes and refused connections.
#[utoipa::path(get, path = "/api/v1/peers", tag = "federation",
    responses((status = 200, description = "peers", body = dto::Peers),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn peers(State(state): State<ApiState>) -> Result<Json<dto::Peers>, ApiError> {
    let v = state.app.peers().await?;
    let quarantined = state.app.quarantined();
    Ok(Json(dto::Peers::new(
        &v,
        state.app.listen_addrs().await,
        &quarantined,
    )))
}

/// Server-sent events: `entry_arrived`, `entry_changed`, `entry_removed`, `peer_up`,
/// `peer_down`, `subscription_requested`, and `lagged` when a slow reader missed some; each
/// event's data is a JSON object.
#[utoipa::path(get, path = "/api/v1/events", tag = "federation",
    responses((status = 200, description = "an event stream", content_type = "text/event-stream")))]
pub async fn events(State(state): State<ApiState>) -> impl IntoResponse {
    let rx = state.app.events();
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        let event = match rx.recv().await {
            Ok(e) => {
                let (name, data) = dto::event(&e);
                Event::default().event(name).data(data.to_string())
            }
            // A slow reader missed events: tell it, so it can reload.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => Event::default()
                .event("lagged")
                .data(format!("{{\"missed\":{n}}}")),
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok::<_, Infallible>(event), rx))
    });
    // The stream ends when the node stops, so a browser left open never holds a shutdown.
    let stream = futures::StreamExt::take_until(stream, state.shutdown.clone().cancelled_owned());
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
