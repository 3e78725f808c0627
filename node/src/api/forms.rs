//! Creating and editing records in the browser: one form per kind, generated from the schema
//! (a box per language for texts, label pickers for codes, pickers of this node's and its
//! partners' records for links), problems shown at their field, the revision carried in the
//! form so that a concurrent save ends on a conflict page instead of overwriting.

use super::ui::{code_label, field_label, kind_label, page, title_for_reader};
use super::{ApiError, ApiState, ErrorCode};
use crate::app::{AppError, RecordFound, Row, Scope, StoreError};
use crate::i18n::{self, Lang};
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sicc_protocol::codes::CodeList;
use sicc_protocol::query::Filter;
use sicc_protocol::record::{COMMON_FIELDS, FieldError, Record};
use sicc_protocol::schema::{FieldSpec, FieldType, MAX_LIST_ITEMS, RecordKind};
use std::collections::BTreeMap;

/// Most records a link picker offers.
const PICKER_LIMIT: usize = 500;

/// The form as sent: repeated names (multiple selections) kept.
type Pairs = Vec<(String, String)>;

fn values<'a>(pairs: &'a Pairs, name: &str) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn one(pairs: &Pairs, name: &str) -> Option<String> {
    values(pairs, name).next().map(str::to_owned)
}

/// The record's JSON from the form, on top of `base` (the stored version when editing), so
/// that what the form does not show (source titles) is kept.
fn record_json(kind: RecordKind, pairs: &Pairs, base: Option<Value>) -> Value {
    let mut m: Map<String, Value> = match base {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    m.insert("kind".into(), json!(kind.as_str()));
    let set = |m: &mut Map<String, Value>, name: &str, v: Option<Value>| match v {
        Some(v) => {
            m.insert(name.to_owned(), v);
        }
        None => {
            m.remove(name);
        }
    };
    if let Some(id) = one(pairs, "id") {
        m.insert("id".into(), json!(id));
    }
    for name in ["access_level", "licence", "original_lang", "internal_notes"] {
        set(&mut m, name, one(pairs, name).map(Value::String));
    }
    let sources: Vec<Value> = values(pairs, "sources")
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|url| {
            // Keep the title and date of a source the form did not change.
            let known = m
                .get("sources")
                .and_then(Value::as_array)
                .and_then(|s| s.iter().find(|v| v["url"] == url).cloned());
            known.unwrap_or_else(|| json!({"url": url}))
        })
        .collect();
    set(
        &mut m,
        "sources",
        (!sources.is_empty()).then_some(Value::Array(sources)),
    );
    for spec in kind.fields() {
        let name = spec.name;
        let v = match spec.ty {
            FieldType::LangText { .. } => {
                let texts: Map<String, Value> = Lang::ALL
                    .iter()
                    .filter_map(|l| {
                        one(pairs, &format!("{name}.{}", l.tag()))
                            .map(|t| (l.tag().to_owned(), json!(t)))
                    })
                    .collect();
                // Languages the form has no box for stay as they were.
                let mut all = m
                    .get(name)
                    .and_then(Value::as_object)
                    .map(|o| {
                        o.iter()
                            .filter(|(l, _)| Lang::parse(l).is_none_or(|p| p.tag() != l.as_str()))
                            .map(|(l, t)| (l.clone(), t.clone()))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                all.extend(texts);
                (!all.is_empty()).then_some(Value::Object(all))
            }
            FieldType::TextList { .. } => {
                let items: Vec<Value> = values(pairs, name)
                    .flat_map(str::lines)
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| json!(l))
                    .collect();
                (!items.is_empty()).then_some(Value::Array(items))
            }
            FieldType::Int { .. } => one(pairs, name).map(|v| match v.parse::<i64>() {
                Ok(n) => json!(n),
                Err(_) => json!(v),
            }),
            FieldType::Bool => one(pairs, name).map(|v| json!(v == "true")),
            FieldType::Codes(_) | FieldType::Links(_) => {
                let items: Vec<Value> = values(pairs, name).map(|v| json!(v)).collect();
                (!items.is_empty()).then_some(Value::Array(items))
            }
            _ => one(pairs, name).map(Value::String),
        };
        set(&mut m, name, v);
    }
    Value::Object(m)
}

/// The problems of one field (`title.lv` and `partner_orgs[2]` belong to their field).
fn problems_of<'a>(errors: &'a [FieldError], field: &str) -> Vec<&'a str> {
    errors
        .iter()
        .filter(|e| {
            e.field == field
                || e.field.starts_with(&format!("{field}."))
                || e.field.starts_with(&format!("{field}["))
        })
        .map(|e| e.message.as_str())
        .collect()
}

/// Records a link field may point at: this node's and the partners' it holds, of the kinds
/// the field allows, with titles in the reader's language.
/// The pickers of one form, by the kinds they offer: an initiative's five organisation links
/// share one list.
type Pickers = std::collections::HashMap<&'static [RecordKind], Vec<(String, String)>>;

async fn candidates(
    state: &ApiState,
    kinds: &'static [RecordKind],
    pickers: &mut Pickers,
) -> Vec<(String, String)> {
    if let Some(list) = pickers.get(kinds) {
        return list.clone();
    }
    let list = list_candidates(state, kinds).await;
    pickers.insert(kinds, list.clone());
    list
}

async fn list_candidates(state: &ApiState, kinds: &[RecordKind]) -> Vec<(String, String)> {
    let list: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let Ok(filter) = Filter::parse([("kind", list.join(",").as_str())]) else {
        return Vec::new();
    };
    let Ok(page) = state.app.list(filter, Scope::All, None, PICKER_LIMIT).await else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = page
        .rows
        .into_iter()
        .map(|row| match row {
            Row::Local(r) => (r.id.to_string(), title_for_reader(&r)),
            Row::Shared(s) => {
                let country = s
                    .record
                    .codes_of(CodeList::Country)
                    .first()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                (
                    s.record.id.to_string(),
                    format!("{}{country}", title_for_reader(&s.record)),
                )
            }
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// The chosen targets the picker's list does not hold (beyond its first records, or gone),
/// each looked up once, so that a saved link always shows and stays selected.
async fn chosen_beyond(
    state: &ApiState,
    chosen: &[String],
    options: &[(String, String)],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for id in chosen
        .iter()
        .filter(|c| !options.iter().any(|(o, _)| o == *c))
        .take(MAX_LIST_ITEMS)
    {
        let title = match sicc_protocol::id::RecordId::new(id) {
            Ok(rid) => match state.app.record(rid).await {
                Ok(RecordFound::Local(r)) => title_for_reader(&r),
                Ok(RecordFound::Shared(all)) => all
                    .first()
                    .map(|s| title_for_reader(&s.record))
                    .unwrap_or_else(|| id.clone()),
                Err(_) => format!("{id} — {}", t!("record-no-longer-shared")),
            },
            Err(_) => id.clone(),
        };
        out.push((id.clone(), title));
    }
    out
}

/// One field of the form.
async fn field_input(
    state: &ApiState,
    spec: &FieldSpec,
    current: &Value,
    errors: &[FieldError],
    pickers: &mut Pickers,
) -> Markup {
    let name = spec.name;
    let problems = problems_of(errors, name);
    let text = |v: &Value| {
        v.as_str().map(str::to_owned).unwrap_or_else(|| {
            if v.is_null() {
                String::new()
            } else {
                v.to_string()
            }
        })
    };
    let listed = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default()
    };
    let value = &current[name];
    let input = match spec.ty {
        FieldType::LangText { max } => html! {
            div.tabs {
                @for l in Lang::ALL {
                    div {
                        label for={ (name) "." (l.tag()) } lang=(l.tag()) { (code_label(CodeList::Language, l.tag())) }
                        @if max > 300 {
                            textarea id={ (name) "." (l.tag()) } name={ (name) "." (l.tag()) } lang=(l.tag()) rows="4" maxlength=(max) { (text(&value[l.tag()])) }
                        } @else {
                            input type="text" id={ (name) "." (l.tag()) } name={ (name) "." (l.tag()) } lang=(l.tag()) maxlength=(max) value=(text(&value[l.tag()]));
                        }
                    }
                }
            }
        },
        FieldType::TextList { .. } => html! {
            textarea id=(name) name=(name) rows="3" { (listed(value).join("\n")) }
            div.hint { (t!("edit-lines-hint")) }
        },
        FieldType::Bool => html! {
            select id=(name) name=(name) {
                option value="" { (t!("edit-none")) }
                option value="true" selected[value == &json!(true)] { (t!("record-yes")) }
                option value="false" selected[value == &json!(false)] { (t!("record-no")) }
            }
        },
        FieldType::Code(list) => html! {
            select id=(name) name=(name) {
                option value="" { (t!("edit-none")) }
                @for (code, label) in labelled(list) { option value=(code) selected[value.as_str() == Some(code)] { (label) } }
            }
        },
        FieldType::Codes(list) => {
            let chosen = listed(value);
            html! {
                select id=(name) name=(name) multiple size="6" {
                    @for (code, label) in labelled(list) { option value=(code) selected[chosen.iter().any(|c| c == code)] { (label) } }
                }
                div.hint { (t!("edit-codes-hint")) }
            }
        }
        FieldType::Link(kinds) => {
            let chosen: Vec<String> = Some(text(value))
                .filter(|c| !c.is_empty())
                .into_iter()
                .collect();
            let options = candidates(state, kinds, pickers).await;
            let extra = chosen_beyond(state, &chosen, &options).await;
            html! {
                select id=(name) name=(name) {
                    option value="" { (t!("edit-none")) }
                    @for (id, title) in &extra { option value=(id) selected { (title) } }
                    @for (id, title) in &options { option value=(id) selected[chosen.contains(id)] { (title) } }
                }
            }
        }
        FieldType::Links(kinds) => {
            let chosen = listed(value);
            let options = candidates(state, kinds, pickers).await;
            let extra = chosen_beyond(state, &chosen, &options).await;
            html! {
                select id=(name) name=(name) multiple size="6" {
                    @for (id, title) in &extra { option value=(id) selected { (title) } }
                    @for (id, title) in &options { option value=(id) selected[chosen.contains(id)] { (title) } }
                }
                div.hint { (t!("edit-codes-hint")) }
            }
        }
        FieldType::Int { min, max } => html! {
            input type="number" id=(name) name=(name) min=(min) max=(max) value=(text(value));
        },
        FieldType::Date => html! { input type="date" id=(name) name=(name) value=(text(value)); },
        FieldType::Url => html! { input type="url" id=(name) name=(name) value=(text(value)); },
        FieldType::Email => html! { input type="email" id=(name) name=(name) value=(text(value)); },
        FieldType::Text { max } => {
            html! { input type="text" id=(name) name=(name) maxlength=(max) value=(text(value)); }
        }
    };
    html! {
        div.field id={ "field-" (name) } {
            @if !matches!(spec.ty, FieldType::LangText { .. }) {
                label for=(name) { (field_label(name)) @if spec.required { " (" (t!("edit-required")) ")" } }
            } @else {
                strong { (field_label(name)) @if spec.required { " (" (t!("edit-required")) ")" } }
            }
            // The schema's one-line docs are English: the field's label says it elsewhere.
            @if i18n::current() == Lang::En { " " span.hint { (spec.doc) } }
            @for p in &problems { div.problem role="alert" { (super::problems::localise(p)) } }
            (input)
        }
    }
}

/// A code list's entries with labels in the reader's language, sorted by label (numbered
/// lists — SDGs, evidence levels, ESF+ objectives — keep their order).
fn labelled(list: CodeList) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = list
        .entries()
        .iter()
        .map(|c| (c.code, code_label(list, c.code)))
        .collect();
    if !matches!(
        list,
        CodeList::Sdg | CodeList::EvidenceLevel | CodeList::EsfObjective | CodeList::Stage
    ) {
        out.sort_by(|a, b| a.1.cmp(&b.1));
    }
    if list == CodeList::Nuts {
        for (code, label) in &mut out {
            *label = format!("{label} ({code})");
        }
    }
    out
}

/// The whole form as a page.
async fn form_page(
    state: &ApiState,
    kind: RecordKind,
    current: &Value,
    revision: Option<u64>,
    errors: &[FieldError],
    heading: &str,
    action: &str,
) -> Html<String> {
    let body = html! {
        h1 { (heading) }
        (form_markup(state, kind, current, revision, errors, action).await)
    };
    page(state, heading, body)
}

/// The form: common fields, then the kind's, each with its problems.
async fn form_markup(
    state: &ApiState,
    kind: RecordKind,
    current: &Value,
    revision: Option<u64>,
    errors: &[FieldError],
    action: &str,
) -> Markup {
    let mut fields = Vec::new();
    let mut pickers = Pickers::new();
    for spec in kind.fields() {
        fields.push(field_input(state, spec, current, errors, &mut pickers).await);
    }
    let text = |name: &str| current[name].as_str().unwrap_or_default().to_owned();
    let common_problems = |name: &str| {
        problems_of(errors, name)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let sources: Vec<String> = current["sources"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["url"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let unplaced: Vec<&FieldError> = errors
        .iter()
        .filter(|e| {
            let root = e.field.split(['.', '[']).next().unwrap_or_default();
            !kind.fields().iter().any(|s| s.name == root) && !COMMON_FIELDS.contains(&root)
        })
        .collect();
    let lang_codes = ["en", "es", "fr", "sv", "lv"];
    html! {
        @if !errors.is_empty() {
            div.error role="alert" {
                p { (t!("edit-problems", count = errors.len())) }
                @if !unplaced.is_empty() { ul { @for e in &unplaced { li { (e.field) ": " (super::problems::localise(&e.message)) } } } }
            }
        }
        form method="post" action=(action) {
            (super::auth::csrf_field())
            input type="hidden" name="kind" value=(kind.as_str());
            @if let Some(r) = revision { input type="hidden" name="revision" value=(r); }
            @if revision.is_none() {
                div.field {
                    label for="id" { (field_label("id")) }
                    " " span.hint { (t!("edit-id-hint")) }
                    @for p in common_problems("id") { div.problem role="alert" { (super::problems::localise(&p)) } }
                    input type="text" id="id" name="id" value=(text("id"));
                }
            }
            div.field {
                label for="original_lang" { (field_label("original_lang")) }
                select id="original_lang" name="original_lang" {
                    @for code in lang_codes { option value=(code) selected[text("original_lang") == code] { (code_label(CodeList::Language, code)) } }
                }
            }
            @for f in &fields { (f) }
            div.field {
                label for="access_level" { (field_label("access_level")) }
                @for p in common_problems("access_level") { div.problem role="alert" { (super::problems::localise(&p)) } }
                select id="access_level" name="access_level" {
                    @for (code, label) in labelled(CodeList::AccessLevel) { option value=(code) selected[text("access_level") == code] { (label) } }
                }
            }
            div.field {
                label for="licence" { (field_label("licence")) }
                select id="licence" name="licence" {
                    option value="" { (t!("edit-none")) }
                    @for (code, label) in labelled(CodeList::Licence) { option value=(code) selected[text("licence") == code] { (label) } }
                }
            }
            div.field {
                label for="sources" { (field_label("sources")) }
                @for p in common_problems("sources") { div.problem role="alert" { (super::problems::localise(&p)) } }
                textarea id="sources" name="sources" rows="3" { (sources.join("\n")) }
                div.hint { (t!("edit-lines-hint")) }
            }
            div.field {
                label for="internal_notes" { (field_label("internal_notes")) }
                textarea id="internal_notes" name="internal_notes" rows="3" { (text("internal_notes")) }
            }
            p {
                button id="save" type="submit" { (t!("edit-save")) } " "
                a href=(if revision.is_some() { format!("/records/{}", text("id")) } else { "/".to_owned() }) { (t!("edit-cancel")) }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    kind: Option<String>,
}

/// `GET /records/new`: which kind, then its form.
pub async fn new_form(
    State(state): State<ApiState>,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, ApiError> {
    let Some(kind) = q.kind.as_deref().and_then(|k| k.parse::<RecordKind>().ok()) else {
        let body = html! {
            h1 { (t!("edit-title-new")) }
            form method="get" action="/records/new" {
                label for="kind" { (t!("edit-choose-kind")) }
                select id="kind" name="kind" {
                    @for k in RecordKind::ALL { option value=(k.as_str()) { (kind_label(*k)) } }
                }
                " " button type="submit" { (t!("edit-continue")) }
            }
        };
        return Ok(page(&state, &t!("edit-title-new"), body));
    };
    let lang = i18n::current().tag();
    let blank = json!({"original_lang": lang, "access_level": "local"});
    Ok(form_page(
        &state,
        kind,
        &blank,
        None,
        &[],
        &format!("{} — {}", t!("edit-title-new"), kind_label(kind)),
        "/records/new",
    )
    .await)
}

/// `GET /records/{id}/edit`.
pub async fn edit_form(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let rid = super::records::parse_id(&id)?;
    let record = local(&state, rid).await?;
    let heading = t!("edit-title-edit", title = title_for_reader(&record));
    Ok(form_page(
        &state,
        record.kind,
        &record.to_json(),
        Some(record.revision),
        &[],
        &heading,
        &format!("/records/{id}/edit"),
    )
    .await)
}

async fn local(state: &ApiState, id: sicc_protocol::id::RecordId) -> Result<Record, ApiError> {
    match state.app.record(id.clone()).await? {
        RecordFound::Local(r) => Ok(*r),
        // A partner's record is edited by its owner; here it is read-only.
        RecordFound::Shared(_) => Err(ApiError::new(
            ErrorCode::NotFound,
            format!(
                "record `{id}` is not this node's own (a partner's shared record is read-only)"
            ),
        )),
    }
}

fn kind_of(pairs: &Pairs) -> Result<RecordKind, ApiError> {
    one(pairs, "kind")
        .and_then(|k| k.parse().ok())
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidBody, "the form names no kind of record")
                .with_field("kind")
        })
}

/// The record the form describes, as the workflow lets this user write it, or every problem
/// to show at its field (a refusal of the workflow rule included).
async fn checked(
    state: &ApiState,
    principal: &crate::app::accounts::Principal,
    json: &Value,
) -> Result<Record, Vec<FieldError>> {
    let mut record = Record::from_json(json).map_err(|e| e.errors)?;
    let mut published = super::records::Published::default();
    super::records::editor_write(state, principal, &mut record, &mut published)
        .await
        .map_err(|e| {
            vec![FieldError {
                field: e.field.unwrap_or_default(),
                message: e.message,
            }]
        })?;
    Ok(record)
}

/// `POST /records/new`.
pub async fn create(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, ApiError> {
    super::ui::form_check(
        &headers,
        &principal,
        &one(&pairs, "csrf").unwrap_or_default(),
    )?;
    let kind = kind_of(&pairs)?;
    let mut json = record_json(kind, &pairs, None);
    // A title written in one language only is in the original language, whatever the
    // language of the pages suggested.
    if let Some(texts) = json[kind.title_field()].as_object()
        && texts.len() == 1
        && let Some(lang) = texts.keys().next().cloned()
    {
        json["original_lang"] = json!(lang);
    }
    let heading = format!("{} — {}", t!("edit-title-new"), kind_label(kind));
    let record = match checked(&state, &principal, &json).await {
        Ok(r) => r,
        Err(errors) => {
            let page = form_page(&state, kind, &json, None, &errors, &heading, "/records/new");
            return Ok(page.await.into_response());
        }
    };
    match state.app.create(record, &principal.label()).await {
        Ok(stored) => Ok(super::ui::back(
            &format!("/records/{}", stored.id),
            "created",
        )),
        Err(AppError::Store(StoreError::Invalid(e))) => Ok(form_page(
            &state,
            kind,
            &json,
            None,
            &e.errors,
            &heading,
            "/records/new",
        )
        .await
        .into_response()),
        Err(AppError::Store(StoreError::AlreadyExists(id))) => {
            let e = [FieldError {
                field: "id".into(),
                message: format!("a record `{id}` exists already"),
            }];
            Ok(
                form_page(&state, kind, &json, None, &e, &heading, "/records/new")
                    .await
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /records/{id}/edit`: saves if nobody saved since the form was opened; else shows
/// the conflict with the stored values, keeping the reader's text in the form.
pub async fn save(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, ApiError> {
    super::ui::form_check(
        &headers,
        &principal,
        &one(&pairs, "csrf").unwrap_or_default(),
    )?;
    let rid = super::records::parse_id(&id)?;
    let stored = local(&state, rid.clone()).await?;
    let kind = stored.kind;
    let revision: u64 = one(&pairs, "revision")
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let mut json = record_json(kind, &pairs, Some(stored.to_json()));
    json["id"] = json!(id);
    let action = format!("/records/{id}/edit");
    let heading = t!("edit-title-edit", title = title_for_reader(&stored));
    if revision != stored.revision {
        return Ok(conflict(&state, &stored, revision, kind, &json, &action).await);
    }
    let record = match checked(&state, &principal, &json).await {
        Ok(r) => r,
        Err(errors) => {
            let page = form_page(
                &state,
                kind,
                &json,
                Some(revision),
                &errors,
                &heading,
                &action,
            );
            return Ok(page.await.into_response());
        }
    };
    match state
        .app
        .replace(record, Some(revision), &principal.label())
        .await
    {
        Ok(_) => Ok(super::ui::back(&format!("/records/{id}"), "saved")),
        Err(AppError::Store(StoreError::Invalid(e))) => Ok(form_page(
            &state,
            kind,
            &json,
            Some(revision),
            &e.errors,
            &heading,
            &action,
        )
        .await
        .into_response()),
        Err(AppError::Store(StoreError::RevisionMismatch { .. })) => {
            let now = local(&state, rid).await?;
            Ok(conflict(&state, &now, revision, kind, &json, &action).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// Someone saved first: say so (409), show what is stored now, and the reader's form again,
/// at the current revision, so that they can merge by hand and save.
async fn conflict(
    state: &ApiState,
    now: &Record,
    theirs_from: u64,
    kind: RecordKind,
    mine: &Value,
    action: &str,
) -> Response {
    let stored = now.to_json();
    let mut differing: BTreeMap<String, (String, String)> = BTreeMap::new();
    if let (Some(a), Some(b)) = (stored.as_object(), mine.as_object()) {
        for k in a.keys().chain(b.keys()) {
            if ["revision", "updated_at", "created_at"].contains(&k.as_str()) {
                continue;
            }
            let (x, y) = (
                a.get(k).cloned().unwrap_or(Value::Null),
                b.get(k).cloned().unwrap_or(Value::Null),
            );
            if x != y {
                differing.insert(k.clone(), (x.to_string(), y.to_string()));
            }
        }
    }
    let form = form_markup(state, kind, mine, Some(now.revision), &[], action).await;
    let body = html! {
        h1 { (t!("edit-conflict-title")) }
        p.error role="alert" { (t!("edit-conflict-explained", theirs = now.revision, yours = theirs_from)) }
        table {
            thead { tr { th { (t!("history-what")) } th { (t!("edit-conflict-stored")) } th { (t!("edit-conflict-yours")) } } }
            tbody { @for (k, (x, y)) in &differing { tr { td { (field_label(k)) } td { code { (x) } } td { code { (y) } } } } }
        }
        p { a href={ "/records/" (now.id) } { (t!("edit-conflict-reload")) } }
        (form)
    };
    (
        axum::http::StatusCode::CONFLICT,
        page(state, &t!("edit-conflict-title"), body),
    )
        .into_response()
}

/// `POST /records/{id}/delete`: refused, naming them, while other records refer to it.
pub async fn delete(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, ApiError> {
    super::ui::form_check(
        &headers,
        &principal,
        &one(&pairs, "csrf").unwrap_or_default(),
    )?;
    let rid = super::records::parse_id(&id)?;
    super::records::editor_delete(&state, &principal, &rid).await?;
    state.app.delete(rid, &principal.label()).await?;
    Ok(Redirect::to("/?done=deleted").into_response())
}
