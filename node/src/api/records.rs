//! Record endpoints, search and the reference lists.

use super::dto::{self, ErrorBody, RecordBody};
use super::{ApiError, ApiState, ErrorCode};
use crate::app::accounts::Principal;
use crate::app::{MAX_BATCH_RECORDS, PutMode, RecordFound, Scope, StoreError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::Value;
use sicc_protocol::codes::CodeList;
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::{FieldError, Record};
use sicc_protocol::schema::{FieldType, RecordKind};
use utoipa::IntoParams;

/// Default page size of `GET /api/v1/records`.
const DEFAULT_LIMIT: usize = 50;
/// Who makes a change, as the audit trail records it: the authenticated user or token
/// (`api/auth.rs`), never a name the caller sends.
fn actor(principal: &Principal) -> String {
    principal.label()
}

/// The validation workflow for a write below the validator role (an editor, an editor's
/// token), whatever path it takes (API, import, form, spreadsheet). Only a validator validates:
/// such a write may not give a record the status `validated` or `published`; a validated
/// record an editor changes goes back to `submitted`, for a validator to look at again; and a
/// record partners hold (in one of this node's catalogues) is changed by a validator only, so
/// that no unreviewed text reaches them. Validators and admins pass unchanged.
pub(super) async fn editor_write(
    state: &ApiState,
    principal: &Principal,
    record: &mut Record,
    published: &mut Published,
) -> Result<(), ApiError> {
    if principal.role() >= crate::app::accounts::Role::Validator {
        return Ok(());
    }
    let stored = state.app.local_record(record.id.clone()).await?;
    let stored_status = stored.as_ref().map(|r| r.validation_status.as_str());
    let validating = matches!(record.validation_status.as_str(), "validated" | "published");
    if validating && stored_status != Some(record.validation_status.as_str()) {
        return Err(refusal(
            principal,
            format!(
                "may not set validation_status to `{}`: only a validator validates (submit the record instead)",
                record.validation_status
            ),
        ));
    }
    let Some(stored) = stored else {
        return Ok(());
    };
    let content_changed = !same_content(&stored, record);
    if !content_changed && stored.validation_status == record.validation_status {
        return Ok(());
    }
    // Partners hold it: its text and its status are a validator's to change.
    if published.contains(state, &record.id).await? {
        return Err(published_refusal(principal, &record.id));
    }
    if content_changed && matches!(stored.validation_status.as_str(), "validated" | "published") {
        record.validation_status = "submitted".into();
    }
    Ok(())
}

/// A deletion below the validator role: a record partners hold is a validator's to remove
/// (deleting it erases it from their nodes, as unpublishing would).
pub(super) async fn editor_delete(
    state: &ApiState,
    principal: &Principal,
    id: &RecordId,
) -> Result<(), ApiError> {
    if principal.role() < crate::app::accounts::Role::Validator
        && Published::default().contains(state, id).await?
    {
        return Err(published_refusal(principal, id));
    }
    Ok(())
}

fn refusal(principal: &Principal, why: String) -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        format!("{}: {why}", principal.label()),
    )
    .with_field("validation_status")
}

fn published_refusal(principal: &Principal, id: &RecordId) -> ApiError {
    refusal(
        principal,
        format!("`{id}` is published to partners: a validator changes it, or unpublishes it first"),
    )
}

/// Whether two versions of a record say the same (bookkeeping and status aside).
fn same_content(a: &Record, b: &Record) -> bool {
    let strip = |r: &Record| {
        let mut v = r.to_json();
        if let Some(m) = v.as_object_mut() {
            for k in ["revision", "created_at", "updated_at", "validation_status"] {
                m.remove(k);
            }
        }
        v
    };
    strip(a) == strip(b)
}

/// The entries of this node's own catalogues, read once per request, when first asked.
#[derive(Debug, Default)]
pub(super) struct Published(Option<std::collections::HashSet<String>>);

impl Published {
    pub(super) async fn contains(
        &mut self,
        state: &ApiState,
        id: &RecordId,
    ) -> Result<bool, ApiError> {
        if self.0.is_none() {
            let mut ids = std::collections::HashSet::new();
            let catalogs = state.app.catalogs().await?;
            for c in catalogs
                .iter()
                .filter(|c| c.relation == crate::app::Relation::Owner)
            {
                if let Some(held) = state.app.catalog(c.id.clone()).await?.held {
                    ids.extend(held.entry_ids);
                }
            }
            self.0 = Some(ids);
        }
        Ok(self.0.as_ref().is_some_and(|ids| ids.contains(id.as_str())))
    }
}

/// Whether `id` is an entry of one of this node's own catalogues.
pub(super) async fn published_here(state: &ApiState, id: &RecordId) -> Result<bool, ApiError> {
    Published::default().contains(state, id).await
}

fn body_json(body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    let bytes = body.map_err(rejection)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidJson,
            format!("request body is not valid JSON: {e}"),
        )
    })
}

pub(super) fn rejection(r: BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            "request body exceeds the configured limit",
        )
    } else {
        ApiError::new(ErrorCode::BadBody, r.body_text())
    }
}

pub(super) fn parse_id(id: &str) -> Result<RecordId, ApiError> {
    RecordId::new(id)
        .map_err(|e| ApiError::new(ErrorCode::InvalidId, e.to_string()).with_field("id"))
}

pub(super) fn query_pairs(raw: Option<String>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::new(ErrorCode::InvalidQuery, e.to_string()))
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The record filters (`protocol::query::Filter`), for the document only: the handler parses
/// the raw query so that unknown parameters are named in the error.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(super) struct RecordFilters {
    /// Record kind, e.g. `initiative`.
    kind: Option<String>,
    /// Text in any title, summary or long-text field (accents and case ignored).
    q: Option<String>,
    /// ISO 3166-1 code; `a,b` means either.
    country: Option<String>,
    /// NUTS code prefix, e.g. `LV00`.
    nuts: Option<String>,
    /// Theme code.
    theme: Option<String>,
    /// Target group code.
    target_group: Option<String>,
    /// ESF+ objective, e.g. `ESO4.11`.
    esf_objective: Option<String>,
    /// SDG number.
    sdg: Option<String>,
    /// Stage code.
    stage: Option<String>,
    /// Nesta evidence level at least 1-5.
    min_evidence_level: Option<String>,
    /// `all` (default), `local` or `shared`.
    origin: Option<String>,
    /// RFC 3339 time.
    updated_since: Option<String>,
    /// Page size, 1-1000 (default 50).
    limit: Option<usize>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Lists local and shared records with filters, merged in (id, catalogue) order.
#[utoipa::path(get, path = "/api/v1/records", tag = "records", params(RecordFilters),
    responses((status = 200, description = "one page", body = dto::RecordList),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn list(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<dto::RecordList>, ApiError> {
    let pairs = query_pairs(raw)?;
    let filter = Filter::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| ApiError::new(ErrorCode::InvalidFilter, e.to_string()).with_field(e.param))?;
    let limit = match param(&pairs, "limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=crate::app::MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidFilter,
                    format!("limit must be 1-{}", crate::app::MAX_PAGE),
                )
                .with_field("limit")
            })?,
    };
    let scope = match param(&pairs, "origin").unwrap_or("all") {
        "all" => Scope::All,
        "local" => Scope::Local,
        "shared" => Scope::Shared,
        other => {
            return Err(ApiError::new(
                ErrorCode::InvalidFilter,
                format!("origin must be all, local or shared, not `{other}`"),
            )
            .with_field("origin"));
        }
    };
    let cursor = param(&pairs, "cursor").map(str::to_owned);
    let page = state.app.list(filter, scope, cursor, limit).await?;
    Ok(Json(dto::RecordList::new(&page.rows, page.next_cursor)))
}

/// `ETag: "<revision>"`: send it back in `If-Match` to replace only what you read.
fn with_etag(status: StatusCode, record: &Record) -> impl IntoResponse + use<> {
    let etag = format!("\"{}\"", record.revision);
    (
        status,
        [(axum::http::header::ETAG, etag)],
        Json(RecordBody::local(record)),
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
            ApiError::new(
                ErrorCode::InvalidIfMatch,
                format!("If-Match must be a revision such as \"3\", not `{text}`"),
            )
        })
}

/// Reads a record: this node's own (with its revision as `ETag`), else one a partner shared,
/// read-only here and carrying `origin`.
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, description = "the record", body = RecordBody),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn get_one(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let found = state.app.record(parse_id(&id)?).await?;
    Ok(match &found {
        RecordFound::Local(r) => with_etag(StatusCode::OK, r).into_response(),
        RecordFound::Shared(_) => Json(RecordBody::found(&found)).into_response(),
    })
}

/// Creates a record (201).
#[utoipa::path(post, path = "/api/v1/records", tag = "records",
    request_body(content = RecordBody, example = json!({"kind": "initiative", "access_level": "consortium", "status": "active", "countries": ["LV"], "title": {"en": "Home care"}, "summary": {"en": "..."}})),
    responses((status = 201, description = "the stored record", body = RecordBody),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn create(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let actor = actor(&principal);
    let mut record = Record::from_json(&body_json(body)?).map_err(ApiError::invalid)?;
    editor_write(&state, &principal, &mut record, &mut Published::default()).await?;
    let stored = state.app.create(record, &actor).await?;
    Ok(with_etag(StatusCode::CREATED, &stored))
}

/// Creates or replaces a record (`If-Match: "revision"` for optimistic concurrency); its
/// publications follow before the answer.
#[utoipa::path(put, path = "/api/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "record id"),
           ("If-Match" = Option<String>, Header, description = "the revision last read, e.g. \"3\"")),
    request_body(content = RecordBody, example = json!({"kind": "initiative", "title": {"en": "..."}})),
    responses((status = 200, description = "the stored record", body = RecordBody),
              (status = 201, description = "created", body = RecordBody),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn replace(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let actor = actor(&principal);
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
            return Err(ApiError::new(
                ErrorCode::IdMismatch,
                "the body's id differs from the URL's",
            )
            .with_field("id"));
        }
    }
    let mut record = Record::from_json(&value).map_err(ApiError::invalid)?;
    editor_write(&state, &principal, &mut record, &mut Published::default()).await?;
    let stored = state.app.replace(record, expected_revision, &actor).await?;
    let status = if stored.revision == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(with_etag(status, &stored))
}

/// Deletes a record nothing links to; it is erased from every catalogue it was published in.
#[utoipa::path(delete, path = "/api/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "record id")),
    responses((status = 204, description = "deleted"),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn delete(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let actor = actor(&principal);
    let id = parse_id(&id)?;
    editor_delete(&state, &principal, &id).await?;
    state.app.delete(id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Imports records, a JSON array or NDJSON. Each record is accepted or refused on its own; the
/// answer lists the refused ones by index (0-based position in the body) with the field at
/// fault.
#[utoipa::path(post, path = "/api/v1/records/import", tag = "records",
    params(("mode" = Option<String>, Query, description = "import (default: keep timestamps and revisions), upsert or create")),
    request_body(content = Vec<RecordBody>, example = json!([{"kind": "initiative", "title": {"en": "..."}}])),
    responses((status = 200, description = "what was imported", body = dto::ImportReport),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn import(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    RawQuery(raw): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<dto::ImportReport>, ApiError> {
    let actor = actor(&principal);
    let pairs = query_pairs(raw)?;
    let mode = match param(&pairs, "mode").unwrap_or("import") {
        "import" => PutMode::Import,
        "upsert" => PutMode::Upsert,
        "create" => PutMode::Create,
        other => {
            return Err(ApiError::new(
                ErrorCode::InvalidQuery,
                format!("unknown mode `{other}`; expected import, upsert or create"),
            )
            .with_field("mode"));
        }
    };
    let bytes = body.map_err(rejection)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::new(ErrorCode::InvalidJson, "body is not UTF-8"))?;
    let mut failed = Vec::new();
    let mut valid = Vec::new();
    for (index, item) in import_items(text)?.into_iter().enumerate() {
        match item {
            Ok(r) => valid.push((index, r)),
            Err((id, errors)) => {
                // A line that is not JSON names no field.
                let code = match errors.first() {
                    Some(e) if e.field.is_empty() && id.is_none() => ErrorCode::InvalidJson,
                    _ => ErrorCode::InvalidRecord,
                };
                failed.push(dto::ImportFailure::of(index, id, errors, code))
            }
        }
    }
    // An editor's import follows the workflow too.
    if principal.role() < crate::app::accounts::Role::Validator {
        let mut allowed = Vec::with_capacity(valid.len());
        let mut published = Published::default();
        for (index, mut record) in valid {
            match editor_write(&state, &principal, &mut record, &mut published).await {
                Ok(()) => allowed.push((index, record)),
                Err(e) => failed.push(dto::ImportFailure {
                    index,
                    id: Some(record.id.to_string()),
                    field: e.field.clone(),
                    message: e.message.clone(),
                    code: Some(e.code.as_str().to_owned()),
                    errors: Vec::new(),
                }),
            }
        }
        valid = allowed;
    }
    let (indexes, records): (Vec<usize>, Vec<Record>) = valid.into_iter().unzip();
    let mut ids = Vec::new();
    let imported = state.app.import(records, mode, &actor).await?;
    for (index, result) in indexes.into_iter().zip(imported.results) {
        match result {
            Ok(r) => ids.push(r.id.to_string()),
            Err(StoreError::Invalid(v)) => failed.push(dto::ImportFailure::of(
                index,
                None,
                v.errors,
                ErrorCode::InvalidRecord,
            )),
            Err(e) => {
                let api = ApiError::from(e);
                failed.push(dto::ImportFailure {
                    index,
                    id: None,
                    field: api.field.clone(),
                    message: api.message.clone(),
                    code: Some(api.code.as_str().to_owned()),
                    errors: Vec::new(),
                });
            }
        }
    }
    failed.sort_by_key(|f| f.index);
    Ok(Json(dto::ImportReport {
        imported: ids.len(),
        ids,
        failed,
    }))
}

/// The search parameters, for the document only (the handler parses the raw query).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(super) struct SearchParams {
    /// Words in any of es, fr, sv, lv, en; stemming, folding and typos handled.
    q: Option<String>,
    /// `relevance` (default) or `date`.
    sort: Option<String>,
    /// 0-10000.
    offset: Option<usize>,
    /// 1-100 (default 20).
    limit: Option<usize>,
    /// 1-5.
    min_evidence_level: Option<u8>,
    /// Facet filter; `a,b` means either.
    kind: Option<String>,
    /// Facet filter; `a,b` means either.
    country: Option<String>,
    /// Facet filter; `a,b` means either.
    nuts: Option<String>,
    /// Facet filter; `a,b` means either.
    theme: Option<String>,
    /// Facet filter; `a,b` means either.
    target_group: Option<String>,
    /// Facet filter; `a,b` means either.
    esf_objective: Option<String>,
    /// Facet filter; `a,b` means either.
    sdg: Option<String>,
    /// Facet filter; `a,b` means either.
    stage: Option<String>,
    /// Facet filter; `a,b` means either.
    evidence_level: Option<String>,
    /// Facet filter; `a,b` means either.
    origin: Option<String>,
    /// Facet filter; `a,b` means either.
    catalog: Option<String>,
    /// Facet filter; `a,b` means either.
    language: Option<String>,
    /// Facet filter; `a,b` means either.
    open_to_transfer: Option<String>,
}

/// Multilingual full-text and faceted search over local and shared records.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, description = "hits and facets", body = dto::SearchAnswer),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn search(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<dto::SearchAnswer>, ApiError> {
    let pairs = query_pairs(raw)?;
    let request =
        crate::app::SearchRequest::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    Ok(Json(state.app.search(request).await?.into()))
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "records",
    params(("record" = Option<String>, Query, description = "one record's entries"),
           ("limit" = Option<usize>, Query, description = "1-1000 (default 100)")),
    responses((status = 200, description = "entries", body = dto::AuditList),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn audit(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<dto::AuditList>, ApiError> {
    let pairs = query_pairs(raw)?;
    let record = param(&pairs, "record").map(parse_id).transpose()?;
    let limit = param(&pairs, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(100);
    let entries = state.app.audit(record, limit).await?;
    Ok(Json(dto::AuditList {
        entries: entries.into_iter().map(dto::AuditItem::from).collect(),
    }))
}

/// The code lists.
#[utoipa::path(get, path = "/api/v1/codes", tag = "reference",
    responses((status = 200, description = "lists", body = dto::CodeLists)))]
pub async fn code_lists() -> Json<dto::CodeLists> {
    Json(dto::CodeLists {
        lists: CodeList::ALL
            .iter()
            .map(|l| dto::CodeListSummary {
                name: l.name().to_owned(),
                size: l.entries().len(),
            })
            .collect(),
    })
}

/// One code list with its labels.
#[utoipa::path(get, path = "/api/v1/codes/{list}", tag = "reference",
    params(("list" = String, Path, description = "list name")),
    responses((status = 200, description = "codes", body = dto::CodeListBody),
              (status = "default", description = "an error", body = ErrorBody)))]
pub async fn code_list(Path(name): Path<String>) -> Result<Json<dto::CodeListBody>, ApiError> {
    let list = CodeList::from_name(&name)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no code list `{name}`")))?;
    let codes = if list == CodeList::Nuts {
        sicc_protocol::codes::nuts_regions()
            .iter()
            .map(|r| dto::Code {
                code: r.code.to_owned(),
                label: r.name.to_owned(),
                level: Some(r.level),
                version: Some(r.version),
            })
            .collect()
    } else {
        list.entries()
            .iter()
            .map(|c| dto::Code {
                code: c.code.to_owned(),
                label: c.label.to_owned(),
                level: None,
                version: None,
            })
            .collect()
    };
    Ok(Json(dto::CodeListBody {
        name: list.name().to_owned(),
        codes,
    }))
}

/// The record kinds and their fields, for clients that build forms or CSV templates.
#[utoipa::path(get, path = "/api/v1/schema", tag = "reference",
    responses((status = 200, description = "kinds and fields", body = dto::SchemaBody)))]
pub async fn schema() -> Json<dto::SchemaBody> {
    let kinds = RecordKind::ALL
        .iter()
        .map(|k| dto::KindSchema {
            kind: k.as_str().to_owned(),
            fields: k
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
                    dto::FieldSchema {
                        name: f.name.to_owned(),
                        ty: ty.to_owned(),
                        code_list: list.map(str::to_owned),
                        link_kinds: links
                            .map(|ks| ks.iter().map(|k| k.as_str().to_owned()).collect()),
                        required: f.required,
                        local_only: f.local_only,
                        doc: f.doc.to_owned(),
                    }
                })
                .collect(),
        })
        .collect();
    Json(dto::SchemaBody {
        common_fields: sicc_protocol::record::COMMON_FIELDS
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        kinds,
    })
}

/// One item of an import: the record, or its id (if it has one) and its first problem.
type ImportItem = Result<Record, (Option<String>, Vec<FieldError>)>;

/// Parses one item, dropping its JSON value once it is a record (values take ~3 times the
/// record's text; 5,000 of them held at once doubled an import's peak memory).
fn import_item(item: Result<Value, String>) -> ImportItem {
    let v = item.map_err(|message| {
        (
            None,
            vec![FieldError {
                field: String::new(),
                message,
            }],
        )
    })?;
    Record::from_json(&v).map_err(|e| {
        let id = v.get("id").and_then(Value::as_str).map(str::to_owned);
        (id, e.errors)
    })
}

/// The items of an import body (a JSON array, or one JSON value per line), at most
/// [`MAX_BATCH_RECORDS`] of them, each parsed into a record as it is read: parsing stops at the
/// first one beyond, so a body of many tiny items (`[{},{},…]`, each a value and a reported
/// failure) cannot take memory in proportion to its count (0.75 MB of `{}` cost 84 MB).
fn import_items(text: &str) -> Result<Vec<ImportItem>, ApiError> {
    let too_many = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "an import holds at most {MAX_BATCH_RECORDS} records; send the rest in another request"
            ),
        )
    };
    if text.trim_start().starts_with('[') {
        use serde::de::{Deserializer as _, SeqAccess, Visitor};
        struct Limited;
        impl<'de> Visitor<'de> for Limited {
            type Value = Vec<ImportItem>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a JSON array of at most {MAX_BATCH_RECORDS} records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<ImportItem>, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    if items.len() == MAX_BATCH_RECORDS {
                        return Err(serde::de::Error::custom(TOO_MANY));
                    }
                    items.push(import_item(Ok(v)));
                }
                Ok(items)
            }
        }
        const TOO_MANY: &str = "too many records";
        let mut de = serde_json::Deserializer::from_str(text);
        match de
            .deserialize_seq(Limited)
            .and_then(|v| de.end().map(|()| v))
        {
            Ok(items) => Ok(items),
            Err(e) if e.to_string().starts_with(TOO_MANY) => Err(too_many()),
            Err(e) => Err(ApiError::new(
                ErrorCode::InvalidJson,
                format!("body is not a JSON array: {e}"),
            )),
        }
    } else {
        let mut items = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if items.len() == MAX_BATCH_RECORDS {
                return Err(too_many());
            }
            items.push(import_item(
                serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}")),
            ));
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_body_is_parsed_up_to_the_record_limit_and_no_further() {
        let array = |n: usize| format!("[{}]", vec!["{}"; n].join(","));
        assert_eq!(
            import_items(&array(MAX_BATCH_RECORDS)).unwrap().len(),
            MAX_BATCH_RECORDS
        );
        let e = import_items(&array(MAX_BATCH_RECORDS + 1)).unwrap_err();
        assert_eq!(e.code, ErrorCode::PayloadTooLarge);
        let lines = |n: usize| vec!["{}"; n].join("\n");
        assert_eq!(import_items(&lines(3)).unwrap().len(), 3);
        let e = import_items(&lines(MAX_BATCH_RECORDS + 1)).unwrap_err();
        assert_eq!(e.code, ErrorCode::PayloadTooLarge);
        let e = import_items("[{}, oops]").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
    }
}
