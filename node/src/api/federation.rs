//! Catalogues, subscriptions, peers and live events: `/api/v1/catalogs`, `/api/v1/peers`,
//! `/api/v1/subscriptions`, `/api/v1/events`. Everything goes through the sync engine's handle.

use super::{ApiError, ApiState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

fn body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|e| ApiError::bad_request("invalid_body", e.body_text()))?;
    let bytes = if bytes.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        bytes
    };
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("request body: {e}")))
}

fn catalog_id(owner: &str, name: &str) -> String {
    format!("{owner}/{name}")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCatalog {
    name: String,
    title: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
}

pub async fn list(State(state): State<ApiState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.sync.list_catalogs().await?))
}

pub async fn create(
    State(state): State<ApiState>,
    b: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let c: CreateCatalog = body(b)?;
    let v = state
        .sync
        .create_catalog(c.name, c.title, c.description)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

pub async fn show(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        state.sync.show_catalog(catalog_id(&owner, &name)).await?,
    ))
}

pub async fn entry(
    State(state): State<ApiState>,
    Path((owner, name, id)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.sync.entry(catalog_id(&owner, &name), id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    id: String,
    #[serde(default)]
    text: Option<String>,
}

pub async fn publish(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: EntryRequest = body(b)?;
    let id = super::records::parse_id(&req.id)?;
    let record = state.store.get(id.clone()).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("local record `{id}` does not exist"),
        )
    })?;
    Ok(Json(
        state
            .sync
            .publish(catalog_id(&owner, &name), record)
            .await?,
    ))
}

pub async fn unpublish(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: EntryRequest = body(b)?;
    Ok(Json(
        state
            .sync
            .unpublish(catalog_id(&owner, &name), req.id)
            .await?,
    ))
}

pub async fn annotate(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: EntryRequest = body(b)?;
    let text = req.text.ok_or_else(|| {
        ApiError::bad_request("invalid_body", "text is required").with_field("text")
    })?;
    Ok(Json(
        state
            .sync
            .annotate(catalog_id(&owner, &name), req.id, text)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    node_id: String,
    #[serde(default)]
    role: Option<crate::sync::engine::Role>,
}

pub async fn grant(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: AccessRequest = body(b)?;
    let role = req.role.unwrap_or(crate::sync::engine::Role::Reader);
    Ok(Json(
        state
            .sync
            .access(catalog_id(&owner, &name), req.node_id, Some(role))
            .await?,
    ))
}

/// Revokes every role of a member, or refuses its pending request.
pub async fn revoke(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: AccessRequest = body(b)?;
    Ok(Json(
        state
            .sync
            .access(catalog_id(&owner, &name), req.node_id, None)
            .await?,
    ))
}

pub async fn subscribe(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.sync.subscribe(catalog_id(&owner, &name)).await?))
}

pub async fn unsubscribe(
    State(state): State<ApiState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        state.sync.unsubscribe(catalog_id(&owner, &name)).await?,
    ))
}

pub async fn subscriptions(State(state): State<ApiState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.sync.requests().await?))
}

pub async fn peers(State(state): State<ApiState>) -> Result<Json<Value>, ApiError> {
    let mut v = state.sync.peers().await?;
    v["listen"] = serde_json::json!(state.network.listen_addrs().await.unwrap_or_default());
    Ok(Json(v))
}

/// Server-sent events: `entry_arrived`, `entry_changed`, `entry_removed`, `peer_up`,
/// `peer_down`, `subscription_requested`; each event's data is a JSON object.
pub async fn events(State(state): State<ApiState>) -> impl IntoResponse {
    let rx = state.sync.events();
    let state = state.clone();
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        let event = match rx.recv().await {
            Ok(e) => {
                let data = serde_json::to_value(&e).unwrap_or_default();
                let name = data["event"].as_str().unwrap_or("event").to_owned();
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
