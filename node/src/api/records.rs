//! Record endpoints.

use super::{ApiError, ApiState};
use crate::storage::{PutMode, StoreError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use sicc_protocol::codes::CodeList;
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::{FieldError, Record};
use sicc_protocol::schema::{FieldType, RecordKind};

/// Default page size of `GET /api/v1/records`.
const DEFAULT_LIMIT: usize = 50;
/// Header naming who makes a change, recorded in the audit trail.
const ACTOR_HEADER: &str = "x-sicc-actor";

fn actor(headers: &HeaderMap) -> Result<String, ApiError> {
    match headers.get(ACTOR_HEADER) {
        None => Ok("api".into()),
        Some(v) => {
            let s = v.to_str().unwrap_or_default().trim();
            if s.is_empty() || s.len() > 100 || s.chars().any(char::is_control) {
                Err(ApiError::bad_request(
                    "invalid_actor",
                    "x-sicc-actor must be 1-100 printable characters",
                ))
            } else {
                Ok(s.to_owned())
            }
        }
    }
}

fn body_json(body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    let bytes = body.map_err(rejection)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("request body is not valid JSON: {e}"),
        )
    })
}

fn rejection(r: BytesRejection) -> ApiError {
    let status = r.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            status,
            "payload_too_large",
            "request body exceeds the configured limit",
        )
    } else {
        ApiError::new(status, "bad_body", r.body_text())
    }
}

pub(super) fn parse_id(id: &str) -> Result<RecordId, ApiError> {
    RecordId::new(id)
        .map_err(|e| ApiError::bad_request("invalid_id", e.to_string()).with_field("id"))
}

fn query_pairs(raw: Option<String>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalid_query", e.to_string()))
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub async fn list(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let pairs = query_pairs(raw)?;
    let filter = Filter::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| ApiError::bad_request("invalid_filter", e.to_string()).with_field(e.param))?;
    let limit = match param(&pairs, "limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=crate::storage::MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_filter",
                    format!("limit must be 1-{}", crate::storage::MAX_PAGE),
                )
                .with_field("limit")
            })?,
    };
    let origin = param(&pairs, "origin").unwrap_or("all");
    if !matches!(origin, "all" | "local" | "shared") {
        return Err(ApiError::bad_request(
            "invalid_filter",
            format!("origin must be all, local or shared, not `{origin}`"),
        )
        .with_field("origin"));
    }
    // Cursor: `<id>` after a local record, `<id>~<catalogue>` after a shared one.
    let cursor = param(&pairs, "cursor").map(str::to_owned);
    let (after_id, after_catalog) = match cursor.as_deref().map(|c| c.split_once('~')) {
        None => (None, None),
        Some(None) => (cursor.clone(), None),
        Some(Some((id, catalog))) => (Some(id.to_owned()), Some(catalog.to_owned())),
    };
    // Local and shared records merge in (id, catalogue) order; local sorts first for an id.
    let mut rows: Vec<(String, String, Value)> = Vec::new();
    let mut more = false;
    if origin != "shared" {
        // After a shared record with id X, local X was already listed: either way, after X.
        let local_after = after_id.clone();
        let page = state.store.list(filter.clone(), local_after, limit).await?;
        more |= page.next_cursor.is_some();
        rows.extend(
            page.records
                .iter()
                .map(|r| (r.id.to_string(), String::new(), r.to_json())),
        );
    }
    if origin != "local" {
        let shared_after = after_id
            .clone()
            .map(|id| (id, after_catalog.clone().unwrap_or_default()));
        let page = state.store.list_shared(filter, shared_after, limit).await?;
        more |= page.more;
        rows.extend(
            page.records
                .iter()
                .map(|s| (s.record.id.to_string(), s.catalog.clone(), shared_json(s))),
        );
    }
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    if rows.len() > limit {
        rows.truncate(limit);
        more = true;
    }
    let next_cursor = if more {
        rows.last().map(|(id, catalog, _)| {
            if catalog.is_empty() {
                id.clone()
            } else {
                format!("{id}~{catalog}")
            }
        })
    } else {
        None
    };
    Ok(Json(json!({
        "records": rows.into_iter().map(|(_, _, v)| v).collect::<Vec<_>>(),
        "next_cursor": next_cursor,
    })))
}

/// A shared record as the API shows it: the record plus where it came from.
fn shared_json(s: &crate::storage::SharedRecord) -> Value {
    let mut v = s.record.to_json();
    v["origin"] = json!({"node_id": s.origin, "catalog": s.catalog});
    v
}

/// `ETag: "<revision>"`: send it back in `If-Match` to replace only what you read.
fn with_etag(status: StatusCode, record: &Record) -> impl IntoResponse + use<> {
    let etag = format!("\"{}\"", record.revision);
    (
        status,
        [(axum::http::header::ETAG, etag)],
        Json(record.to_json()),
    )
}

/// Parses `If-Match: "<revision>"` (a bare number is accepted too).
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(v) = headers.get(axum::http::header::IF_MATCH) else {
        return Ok(None);
    };
    let text = v.to_str().unwrap_or_default().trim();
    text.trim_matches('"')
        .parse::<u64>()
        .map(Some)
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_if_match",
                format!("If-Match must be a revision such as \"3\", not `{text}`"),
            )
        })
}

pub async fn get_one(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    if let Some(r) = state.store.get(id.clone()).await? {
        return Ok(with_etag(StatusCode::OK, &r).into_response());
    }
    // Not local: a record shared by another node, read-only here.
    match state.store.get_shared(id.clone()).await?.first() {
        Some(s) => Ok(Json(shared_json(s)).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("record `{id}` does not exist"),
        )),
    }
}

pub async fn create(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let actor = actor(&headers)?;
    let record = Record::from_json(&body_json(body)?).map_err(ApiError::invalid)?;
    let stored = state.store.put(record, PutMode::Create, &actor).await?;
    state.search.upsert_local(stored.clone()).await;
    Ok(with_etag(StatusCode::CREATED, &stored))
}

pub async fn replace(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let actor = actor(&headers)?;
    let expected_revision = if_match(&headers)?;
    let id = parse_id(&id)?;
    let mut value = body_json(body)?;
    match value.get("id") {
        None | Some(Value::Null) => {
            if let Some(o) = value.as_object_mut() {
                o.insert("id".into(), Value::String(id.to_string()));
            }
        }
        Some(Value::String(s)) if s == id.as_str() => {}
        Some(_) => {
            return Err(ApiError::bad_request(
                "id_mismatch",
                "the body's id differs from the URL's",
            )
            .with_field("id"));
        }
    }
    let record = Record::from_json(&value).map_err(ApiError::invalid)?;
    let stored = state
        .store
        .put_checked(record, PutMode::Upsert, expected_revision, &actor)
        .await?;
    state.search.upsert_local(stored.clone()).await;
    // Keep its publications current (or erase them if it became local).
    state
        .sync
        .local_record(stored.id.to_string(), Some(stored.clone()))
        .await;
    let status = if stored.revision == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(with_etag(status, &stored))
}

pub async fn delete(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let actor = actor(&headers)?;
    let deleted = state.store.delete(parse_id(&id)?, &actor).await?;
    state.search.delete_local(deleted.id.as_str()).await;
    // Erase it from every catalogue it was published in.
    state.sync.local_record(deleted.id.to_string(), None).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/records/import?mode=import|upsert|create`: a JSON array or NDJSON of records.
/// Each record is accepted or rejected on its own; the answer lists the rejected ones by index
/// (0-based position in the body) with the field at fault.
pub async fn import(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let actor = actor(&headers)?;
    let pairs = query_pairs(raw)?;
    let mode = match param(&pairs, "mode").unwrap_or("import") {
        "import" => PutMode::Import,
        "upsert" => PutMode::Upsert,
        "create" => PutMode::Create,
        other => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("unknown mode `{other}`; expected import, upsert or create"),
            )
            .with_field("mode"));
        }
    };
    let bytes = body.map_err(rejection)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::bad_request("invalid_json", "body is not UTF-8"))?;
    let items: Vec<Result<Value, String>> = if text.trim_start().starts_with('[') {
        match serde_json::from_str::<Vec<Value>>(text) {
            Ok(v) => v.into_iter().map(Ok).collect(),
            Err(e) => {
                return Err(ApiError::bad_request(
                    "invalid_json",
                    format!("body is not a JSON array: {e}"),
                ));
            }
        }
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| format!("not valid JSON: {e}")))
            .collect()
    };
    let mut failed: Vec<Value> = Vec::new();
    let mut valid = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let id = item
            .as_ref()
            .ok()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        match item
            .map_err(|m| FieldError {
                field: String::new(),
                message: m,
            })
            .and_then(|v| Record::from_json(&v).map_err(|mut e| e.errors.remove(0)))
        {
            Ok(r) => valid.push((index, r)),
            Err(e) => failed
                .push(json!({"index": index, "id": id, "field": e.field, "message": e.message})),
        }
    }
    let (indexes, records): (Vec<usize>, Vec<Record>) = valid.into_iter().unzip();
    let mut imported = Vec::new();
    let mut changed = Vec::new();
    for (index, result) in indexes
        .into_iter()
        .zip(state.store.put_many(records, mode, &actor).await?)
    {
        match result {
            Ok(r) => {
                imported.push(r.id.to_string());
                state.search.upsert_local(r.clone()).await;
                changed.push((r.id.to_string(), Some(r)));
            }
            Err(StoreError::Invalid(mut v)) => {
                let first = v.errors.remove(0);
                failed.push(json!({"index": index, "field": first.field, "message": first.message, "code": "invalid_record"}));
            }
            Err(e) => {
                let api = ApiError::from(e);
                failed.push(json!({"index": index, "field": api.field, "message": api.message, "code": api.code}));
            }
        }
    }
    // Keep the publications of any re-imported published record current, before answering.
    state.sync.local_records(changed).await;
    failed.sort_by_key(|f| f["index"].as_u64());
    Ok(Json(
        json!({"imported": imported.len(), "ids": imported, "failed": failed}),
    ))
}

/// `GET /api/v1/search?q=&FACET=&min_evidence_level=&sort=&offset=&limit=`.
pub async fn search(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let pairs = query_pairs(raw)?;
    let request =
        crate::search::SearchRequest::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let result = state.search.search(request).await?;
    Ok(Json(serde_json::to_value(result).unwrap_or_default()))
}

pub async fn audit(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let pairs = query_pairs(raw)?;
    let record = param(&pairs, "record").map(parse_id).transpose()?;
    let limit = param(&pairs, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(100);
    let entries = state.store.audit(record, limit).await?;
    Ok(Json(json!({ "entries": entries })))
}

pub async fn code_lists() -> Json<Value> {
    let lists: Vec<_> = CodeList::ALL
        .iter()
        .map(|l| json!({"name": l.name(), "size": l.entries().len()}))
        .collect();
    Json(json!({ "lists": lists }))
}

pub async fn code_list(Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    let list = CodeList::from_name(&name).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no code list `{name}`"),
        )
    })?;
    let codes: Vec<_> = if list == CodeList::Nuts {
        sicc_protocol::codes::nuts_regions()
            .iter()
            .map(|r| json!({"code": r.code, "label": r.name, "level": r.level, "version": r.version}))
            .collect()
    } else {
        list.entries()
            .iter()
            .map(|c| json!({"code": c.code, "label": c.label}))
            .collect()
    };
    Ok(Json(json!({"name": list.name(), "codes": codes})))
}

/// The record kinds and their fields, for clients that build forms or CSV templates.
pub async fn schema() -> Json<Value> {
    let kinds: Vec<_> = RecordKind::ALL
        .iter()
        .map(|k| {
            let fields: Vec<_> = k
                .fields()
                .iter()
                .map(|f| {
                    let (ty, list, links) = match f.ty {
                        FieldType::Text { .. } => ("text", None, None),
                        FieldType::LangText { .. } => ("lang_text", None, None),
                        FieldType::TextList { .. } => ("text_list", None, None),
                        FieldType::Int { .. } => ("integer", None, None),
                        FieldType::Bool => ("boolean", None, None),
                        FieldType::Date => ("date", None, None),
                        FieldType::Url => ("url", None, None),
                        FieldType::Email => ("email", None, None),
                        FieldType::Code(l) => ("code", Some(l.name()), None),
                        FieldType::Codes(l) => ("codes", Some(l.name()), None),
                        FieldType::Link(k) => ("link", None, Some(k)),
                        FieldType::Links(k) => ("links", None, Some(k)),
                    };
                    json!({"name": f.name, "type": ty, "code_list": list,
                           "link_kinds": links.map(|ks| ks.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
                           "required": f.required, "local_only": f.local_only, "doc": f.doc})
                })
                .collect();
            json!({"kind": k.as_str(), "fields": fields})
        })
        .collect();
    Json(json!({"common_fields": sicc_protocol::record::COMMON_FIELDS, "kinds": kinds}))
}
