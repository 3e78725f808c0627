//! The staff web UI, rendered on the server (maud): search with facets, record pages with
//! provenance and history, catalogues with publish and subscribe actions, what is new since the
//! last visit, peers. Every page works without JavaScript; a few lines of hand-written script
//! add a live notice through server-sent events. Actions are POST forms accepted only from this
//! UI's own pages (same-origin check), so another site cannot trigger them in a staff browser.

use super::{ApiError, ApiState, ErrorCode};
use crate::app::{
    AppError, CatalogView, QuarantinedRecord, RecordFound, Relation, Role, Row, Scope,
};
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;
use serde_json::Value;
use sicc_protocol::query::Filter;
use sicc_protocol::schema::RecordKind;
use sicc_protocol::wire::SubscriptionStatus;
use std::collections::BTreeMap;

const STYLE: &str = r#"
:root { --accent: #1d4e89; --muted: #5b6470; --line: #d8dde3; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; color: #1b1f24; background: #fafbfc; line-height: 1.45; }
a { color: var(--accent); } a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f0b400; outline-offset: 1px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
header { background: var(--accent); color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; } header .node { font-weight: 600; } nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
.layout { display: grid; grid-template-columns: 17rem 1fr; gap: 1.5rem; } @media (max-width: 50rem) { .layout { grid-template-columns: 1fr; } }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .8rem; padding: .4rem .7rem; max-height: 14rem; overflow: auto; background: #fff; }
legend { font-weight: 600; } label { display: block; } .count { color: var(--muted); }
.hit { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; margin-bottom: .7rem; }
.hit h3 { margin: 0 0 .2rem; font-size: 1.05rem; } .meta { color: var(--muted); font-size: .9rem; } b { background: #fff2a8; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .4rem; font-size: .8rem; background: #e8eef6; color: var(--accent); margin-right: .3rem; }
table { border-collapse: collapse; width: 100%; background: #fff; } th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
dl.fields { display: grid; grid-template-columns: 14rem 1fr; gap: .3rem 1rem; background: #fff; border: 1px solid var(--line); padding: .8rem; border-radius: 6px; }
dl.fields dt { font-weight: 600; } dl.fields dd { margin: 0; }
.notice { background: #e7f5e9; border: 1px solid #9ccc9f; padding: .5rem .8rem; border-radius: 6px; margin-bottom: 1rem; }
#live[hidden] { display: none; } #live { position: sticky; top: 0; background: #fff8d6; border: 1px solid #e5c100; padding: .4rem .8rem; }
header .who { margin-left: auto; } header form.logout { display: inline; margin: 0; }
.error { background: #fbe9e9; border: 1px solid #d99; padding: .5rem .8rem; border-radius: 6px; }
input[type=password], input[name=name] { display: block; font-size: 1rem; padding: .3rem; margin-bottom: .6rem; min-width: 18rem; }
input[type=search] { width: 100%; font-size: 1.1rem; padding: .4rem; box-sizing: border-box; } button { font-size: 1rem; padding: .3rem .8rem; }
"#;

pub(super) const LIVE_SCRIPT: &str = r#"
(function () {
  if (!window.EventSource) return;
  var box = document.getElementById('live'), n = 0;
  var es = new EventSource('/api/v1/events');
  function note(text) { n += 1; box.hidden = false; box.querySelector('span').textContent = text + (n > 1 ? ' (' + n + ' updates)' : ''); }
  ['entry_arrived', 'entry_changed', 'entry_removed'].forEach(function (t) {
    es.addEventListener(t, function (e) { var d = JSON.parse(e.data); note('Shared entry ' + d.id + ' ' + t.replace('entry_', '') + '.'); });
  });
  es.addEventListener('peer_up', function () { note('A partner node connected.'); });
  es.addEventListener('peer_down', function () { note('A partner node disconnected.'); });
})();
"#;

pub(super) fn page(state: &ApiState, title: &str, body: Markup) -> Html<String> {
    let who = super::auth::current();
    let node = state.app.node();
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · " (node.name) }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    a.skip href="#main" { "Skip to content" }
                    header {
                        span.node { (node.name) " · " (node.country) }
                        nav aria-label="Main" {
                            ul {
                                li { a href="/" { "Search" } }
                                li { a href="/new" { "What is new" } }
                                li { a href="/catalogs" { "Catalogues" } }
                                li { a href="/peers" { "Peers" } }
                                li { a href="/api/docs" { "API" } }
                            }
                        }
                        @if let Some(p) = &who {
                            span.who { a href="/account" { (p.label()) } }
                            form.logout method="post" action="/logout" {
                                (super::auth::csrf_field())
                                button type="submit" { "Log out" }
                            }
                        }
                    }
                    main id="main" {
                        div id="live" role="status" aria-live="polite" hidden {
                            span {} " " a href="" { "Reload" }
                        }
                        (body)
                    }
                    script { (PreEscaped(LIVE_SCRIPT)) }
                }
            }
        }
        .into_string(),
    )
}

/// Query pairs, with the UI's repeated facet checkboxes merged into one "either" condition.
fn ui_pairs(raw: Option<String>) -> Vec<(String, String)> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        if v.is_empty() {
            continue;
        }
        match merged.iter_mut().find(|(mk, _)| *mk == k) {
            Some((_, mv)) if crate::app::FACETS.contains(&k.as_str()) => {
                mv.push(',');
                mv.push_str(&v);
            }
            Some((_, mv)) => *mv = v,
            None => merged.push((k, v)),
        }
    }
    merged
}

fn facet_label(name: &str) -> String {
    let mut s = name.replace('_', " ");
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s
}

/// `GET /`: the search page.
pub async fn search_page(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, ApiError> {
    let pairs = ui_pairs(raw);
    let request =
        crate::app::SearchRequest::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let q = request.q.clone();
    let result = state.app.search(request.clone()).await?;
    let selected = |facet: &str, value: &str| {
        request
            .filters
            .iter()
            .any(|(f, vs)| f == facet && vs.iter().any(|v| v == value))
    };
    let names = origin_names(&state).await;
    let link_with_offset = |offset: usize| {
        let mut p: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "offset")
            .cloned()
            .collect();
        p.push(("offset".into(), offset.to_string()));
        format!("/?{}", serde_urlencoded::to_string(&p).unwrap_or_default())
    };
    let body = html! {
        h1 { "Find practices" }
        form method="get" action="/" role="search" {
            div.layout {
                div {
                    h2 { "Filters" }
                    @for facet in crate::app::FACETS {
                        @let buckets = result.facets.get(facet).cloned().unwrap_or_default();
                        @if !buckets.is_empty() {
                            fieldset {
                                legend { (facet_label(facet)) }
                                @for b in buckets.iter().take(40) {
                                    label {
                                        input type="checkbox" name=(facet) value=(b.value) checked[selected(facet, &b.value)];
                                        " " (display_value(facet, &b.value, &names)) " "
                                        span.count { "(" (b.count) ")" }
                                    }
                                }
                            }
                        }
                    }
                    button id="apply-filters" type="submit" { "Apply filters" }
                }
                div {
                    label for="q" { "Search in any language (es, fr, sv, lv, en)" }
                    input id="q" type="search" name="q" value=(q) placeholder="e.g. aprūpe mājās, vivienda, hemtjänst, home care";
                    p {
                        label for="sort" style="display:inline" { "Order: " }
                        select id="sort" name="sort" {
                            option value="relevance" selected[request.sort == crate::app::Sort::Relevance] { "best match" }
                            option value="date" selected[request.sort == crate::app::Sort::Date] { "newest" }
                        }
                        " " button id="search-button" type="submit" { "Search" }
                    }
                    h2 id="count" { (result.total) " records" }
                    @for hit in &result.hits {
                        article.hit {
                            h3 { a href={ "/records/" (hit.id) } { (hit.title) } }
                            p.meta {
                                span.badge { (hit.kind.replace('_', " ")) }
                                @if hit.origin == "local" { span.badge { "this node" } }
                                @else { span.badge { "shared by " (names.get(&hit.origin).cloned().unwrap_or_else(|| hit.origin.clone())) } }
                                " updated " (hit.updated_at.get(..10).unwrap_or(""))
                            }
                            @if !hit.highlight.is_empty() { p { (PreEscaped(&hit.highlight)) } }
                        }
                    }
                    nav aria-label="Pages" {
                        @if result.offset > 0 {
                            a href=(link_with_offset(result.offset.saturating_sub(result.limit))) { "← Previous" } " "
                        }
                        @if result.offset + result.hits.len() < result.total {
                            a href=(link_with_offset(result.offset + result.limit)) { "Next →" }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&state, "Search", body))
}

/// Node ids → "name (country)" for every member, from the sync engine's peer list.
async fn origin_names(state: &ApiState) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    if let Ok(v) = state.app.peers().await {
        for p in v.peers {
            names.insert(p.node_id.to_string(), format!("{} ({})", p.name, p.country));
        }
    }
    names.insert("local".into(), "this node".into());
    names
}

fn display_value(facet: &str, value: &str, names: &BTreeMap<String, String>) -> String {
    match facet {
        "origin" => names
            .get(value)
            .cloned()
            .unwrap_or_else(|| value.to_owned()),
        "catalog" => value
            .rsplit('/')
            .next()
            .map(|n| {
                let owner = value.split('/').next().unwrap_or_default();
                format!(
                    "{n} — {}",
                    names.get(owner).cloned().unwrap_or_else(|| "?".into())
                )
            })
            .unwrap_or_default(),
        _ => value.replace('_', " "),
    }
}

fn render_value(v: &Value, link: bool) -> Markup {
    html! {
        @match v {
            Value::Object(m) => {
                @for (k, item) in m {
                    div { span.badge { (k) } (render_value(item, link)) }
                }
            }
            Value::Array(items) => {
                ul {
                    @for item in items { li { (render_value(item, link)) } }
                }
            }
            Value::String(s) if link => { a href={ "/records/" (s) } { (s) } }
            Value::String(s) if s.starts_with("https://") || s.starts_with("http://") => {
                a href=(s) rel="noopener noreferrer" { (s) }
            }
            Value::String(s) => { (s) }
            other => { (other.to_string()) }
        }
    }
}

fn is_link_field(kind: RecordKind, field: &str) -> bool {
    use sicc_protocol::schema::FieldType;
    kind.fields()
        .iter()
        .find(|s| s.name == field)
        .is_some_and(|s| matches!(s.ty, FieldType::Link(..) | FieldType::Links(..)))
}

#[derive(Deserialize)]
pub struct Flash {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /records/{id}`: every field, links, provenance, history, and actions.
pub async fn record_page(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    axum::extract::Query(flash): axum::extract::Query<Flash>,
) -> Result<Html<String>, ApiError> {
    let rid = super::records::parse_id(&id)?;
    let found = match state.app.record(rid.clone()).await {
        Err(AppError::Quarantined(q)) => return Ok(quarantined_page(&state, &q)),
        other => other?,
    };
    let (local, shared) = match found {
        RecordFound::Local(r) => (Some(*r), None),
        RecordFound::Shared(all) => (None, all.into_iter().next()),
    };
    let (record, origin) = match (&local, &shared) {
        (Some(r), _) => (r.clone(), None),
        (_, Some(s)) => (s.record.clone(), Some(s)),
        (None, None) => unreachable!("a found record is local or shared"),
    };
    let names = origin_names(&state).await;
    let json = record.to_json();
    let title = record.title("en");
    let own: Vec<(String, String)> = state
        .app
        .catalogs()
        .await?
        .iter()
        .filter(|c| c.relation == Relation::Owner)
        .map(|c| (c.id.to_string(), title_of(c)))
        .collect();
    let entry = match origin.and_then(|s| s.catalog.parse().ok()) {
        Some(catalog) => state.app.entry(catalog, id.clone()).await.ok(),
        None => None,
    };
    let audit = if local.is_some() {
        state.app.audit(Some(rid.clone()), 50).await?
    } else {
        Vec::new()
    };
    let shareable = local
        .as_ref()
        .is_some_and(|r| r.public_projection().is_some());
    let body = html! {
        (flash_notice(&flash))
        h1 { (title) }
        p.meta {
            span.badge { (record.kind.as_str().replace('_', " ")) }
            @match origin {
                None => { span.badge { "this node" } " access: " (record.access_level.as_str()) }
                Some(s) => {
                    "Shared by " strong { (names.get(&s.origin).cloned().unwrap_or_else(|| s.origin.clone())) }
                    " through catalogue " code { (s.catalog) }
                }
            }
        }
        h2 { "Fields" }
        dl.fields {
            @if let Value::Object(m) = &json {
                @for (k, v) in m {
                    dt { (facet_label(k)) }
                    dd { (render_value(v, is_link_field(record.kind, k))) }
                }
            }
        }
        @if let Some(e) = &entry {
            @if !e.annotations.is_empty() {
                h2 { "Annotations by members" }
                ul {
                    @for a in &e.annotations {
                        li { strong { (a.node_name) } ": " (a.text) " " span.meta { (a.at) } }
                    }
                }
            }
            h2 { "History" }
            table {
                thead { tr { th scope="col" { "When" } th scope="col" { "Author" } th scope="col" { "Change" } } }
                tbody {
                    @for h in &e.history {
                        tr {
                            td { (h.at.map(when).unwrap_or_else(|| "unknown".into())) }
                            td { (h.author_name) }
                            td { code { (h.hash.get(..12).unwrap_or("")) } }
                        }
                    }
                }
            }
        }
        @if !audit.is_empty() {
            h2 { "History" }
            table {
                thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "Revision" } } }
                tbody {
                    @for a in &audit {
                        tr { td { (a.at) } td { (a.actor) } td { (a.action) } td { (a.revision) } }
                    }
                }
            }
        }
        @if shareable && !own.is_empty() && super::auth::may(crate::app::accounts::Role::Validator) {
            h2 { "Publish" }
            form method="post" action="/ui/publish" {
                (super::auth::csrf_field())
                input type="hidden" name="id" value=(id);
                label for="catalog" { "Catalogue" }
                select id="catalog" name="catalog" {
                    @for (cid, ctitle) in &own { option value=(cid) { (ctitle) } }
                }
                " " button type="submit" { "Publish to partners" }
            }
            p.meta { "Only the record's public projection is shared: never internal notes, contact people or founders' names." }
        }
        @if local.is_some() && !shareable {
            p.meta { "This record is local (or personal data) and cannot be shared." }
        }
    };
    Ok(page(&state, &title, body))
}

/// A partner's entry that does not validate here: what it is, who shared it, why it is kept
/// apart — rather than an error.
fn quarantined_page(state: &ApiState, q: &QuarantinedRecord) -> Html<String> {
    let body = html! {
        h1 { (q.id) }
        p.notice role="status" {
            "Quarantined: this record, shared by " code { (q.origin) } " through the catalogue "
            code { (q.catalog) } ", does not validate on this node."
        }
        p { "Why: " (q.problem) }
        p { "It is kept as it arrived, and left out of lists and search until it validates — after an update of this node's code lists, or a corrected record from its owner. The peers page counts quarantined entries per partner." }
    };
    page(state, &q.id, body)
}

/// Accepts a form POST only when it comes from this UI's own pages (the guard refuses the rest
/// before; checked again here, where the action is taken).
fn same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    if super::guard::from_another_site(headers) {
        return Err(ApiError::new(
            ErrorCode::CrossSite,
            "this action is accepted only from the node's own pages",
        ));
    }
    Ok(())
}

/// Back to `to` after an action, with the code of what was done (`?done=published`): the page
/// shows the code's own text, never text taken from the URL.
pub(super) fn back(to: &str, done: &str) -> Response {
    let q = serde_urlencoded::to_string([("done", done)]).unwrap_or_default();
    Redirect::to(&format!("{to}?{q}")).into_response()
}

/// What each `done` code says.
const DONE: &[(&str, &str)] = &[
    (
        "published",
        "Published: partners subscribed to the catalogue receive it now.",
    ),
    (
        "subscribed",
        "Subscription requested: entries arrive once the owner grants it.",
    ),
    (
        "unsubscribed",
        "Unsubscribed: the catalogue's entries were removed from this node.",
    ),
    ("granted", "Access granted."),
    ("refused", "Access withdrawn or request refused."),
    ("session-ended", "The session was ended."),
];

/// The notice of a `done` code; an unknown code shows nothing.
pub(super) fn flash_notice(flash: &Flash) -> Markup {
    let text = flash
        .done
        .as_deref()
        .and_then(|code| DONE.iter().find(|(c, _)| *c == code))
        .map(|(_, text)| *text);
    html! { @if let Some(t) = text { p.notice role="status" { (t) } } }
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf: String,
    id: String,
    catalog: String,
}

/// `POST /ui/publish`.
pub async fn publish(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(form): Form<PublishForm>,
) -> Result<Response, ApiError> {
    same_origin(&headers)?;
    super::auth::check_csrf(&principal, &form.csrf)?;
    let rid = super::records::parse_id(&form.id)?;
    let catalog = form
        .catalog
        .parse()
        .map_err(|e: sicc_protocol::catalog::CatalogError| {
            ApiError::new(ErrorCode::InvalidRequest, e.to_string())
        })?;
    state.app.publish(catalog, rid).await?;
    Ok(back(&format!("/records/{}", form.id), "published"))
}

#[derive(Deserialize)]
pub struct CatalogForm {
    #[serde(default)]
    csrf: String,
    catalog: String,
    #[serde(default)]
    node_id: Option<String>,
}

/// `POST /ui/catalogs/{action}`: `subscribe`, `unsubscribe` (a partner's catalogue), `grant`,
/// `refuse` (a member's request to one of this node's catalogues).
pub async fn catalog_action(
    State(state): State<ApiState>,
    Path(action): Path<String>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(form): Form<CatalogForm>,
) -> Result<Response, ApiError> {
    same_origin(&headers)?;
    super::auth::check_csrf(&principal, &form.csrf)?;
    let (owner, name) = form.catalog.split_once('/').unwrap_or((&form.catalog, ""));
    let catalog = super::federation::catalog_id(owner, name)?;
    let node = || super::federation::node_id(form.node_id.as_deref().unwrap_or_default());
    let done = match action.as_str() {
        "subscribe" => {
            state.app.subscribe(catalog).await?;
            "subscribed"
        }
        "unsubscribe" => {
            state.app.unsubscribe(catalog).await?;
            "unsubscribed"
        }
        "grant" => {
            state.app.grant(catalog, node()?, Role::Reader).await?;
            "granted"
        }
        "refuse" => {
            state.app.revoke(catalog, node()?).await?;
            "refused"
        }
        other => {
            return Err(ApiError::new(
                ErrorCode::NoRoute,
                format!("no catalogue action `{other}`"),
            ));
        }
    };
    Ok(back("/catalogs", done))
}

/// A catalogue's title for people: English, else any language, else its name.
fn title_of(c: &CatalogView) -> String {
    c.manifest
        .as_ref()
        .and_then(|m| m.title.get("en").or_else(|| m.title.values().next()))
        .cloned()
        .unwrap_or_else(|| c.id.name().to_owned())
}

/// `GET /catalogs`.
pub async fn catalogs_page(
    State(state): State<ApiState>,
    axum::extract::Query(flash): axum::extract::Query<Flash>,
) -> Result<Html<String>, ApiError> {
    let catalogs = state.app.catalogs().await?;
    let requests = state.app.subscriptions().await?;
    let status = |c: &CatalogView| c.subscription;
    // Subscriptions and grants are an admin's; other roles see the state only.
    let admin = super::auth::may(crate::app::accounts::Role::Admin);
    let body = html! {
        (flash_notice(&flash))
        h1 { "Catalogues" }
        table {
            thead { tr { th scope="col" { "Catalogue" } th scope="col" { "Owner" } th scope="col" { "Role" } th scope="col" { "Entries" } th scope="col" { "Action" } } }
            tbody {
                @for c in &catalogs {
                    tr {
                        td { (title_of(c)) br; code { (c.id) } }
                        td { (c.owner_name) }
                        td { (c.relation.as_str()) @if let Some(s) = status(c) { " (" (s.as_str()) ")" } }
                        td { (c.holding.map(|h| h.entries.to_string()).unwrap_or_default()) }
                        td {
                            @if admin && (c.relation == Relation::Subscriber || (c.relation == Relation::Requested && status(c) == Some(SubscriptionStatus::Pending))) {
                                form method="post" action="/ui/catalogs/unsubscribe" {
                                    (super::auth::csrf_field())
                                    input type="hidden" name="catalog" value=(c.id);
                                    button type="submit" { "Unsubscribe" }
                                }
                            }
                            @if admin && (c.relation == Relation::Offered || (c.relation == Relation::Requested && status(c) == Some(SubscriptionStatus::Refused))) {
                                form method="post" action="/ui/catalogs/subscribe" {
                                    (super::auth::csrf_field())
                                    input type="hidden" name="catalog" value=(c.id);
                                    button type="submit" { "Subscribe" }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Requests to subscribe to this node's catalogues" }
        @if requests.incoming.is_empty() { p { "None." } }
        @else {
            table {
                thead { tr { th scope="col" { "Member" } th scope="col" { "Catalogue" } th scope="col" { "Status" } th scope="col" { "Action" } } }
                tbody {
                    @for r in &requests.incoming {
                        tr {
                            td { (r.node.name) }
                            td { code { (r.catalog) } }
                            td { (r.status.as_str()) }
                            td {
                                @if admin && r.status == SubscriptionStatus::Pending {
                                    form method="post" action="/ui/catalogs/grant" style="display:inline" {
                                        (super::auth::csrf_field())
                                        input type="hidden" name="catalog" value=(r.catalog);
                                        input type="hidden" name="node_id" value=(r.node.node_id);
                                        button type="submit" { "Grant" }
                                    }
                                    " "
                                    form method="post" action="/ui/catalogs/refuse" style="display:inline" {
                                        (super::auth::csrf_field())
                                        input type="hidden" name="catalog" value=(r.catalog);
                                        input type="hidden" name="node_id" value=(r.node.node_id);
                                        button type="submit" { "Refuse" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&state, "Catalogues", body))
}

/// A time for people: `2026-12-01 14:03 UTC`.
fn when(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `GET /peers`.
pub async fn peers_page(State(state): State<ApiState>) -> Result<Html<String>, ApiError> {
    let v = state.app.peers().await?;
    let quarantined = state.app.quarantined().await?;
    let body = html! {
        h1 { "Peers" }
        table {
            thead { tr { th scope="col" { "Member" } th scope="col" { "Country" } th scope="col" { "Connected" } th scope="col" { "Last sync" } th scope="col" { "Documents behind" } th scope="col" { "Quarantined" } } }
            tbody {
                @for p in &v.peers {
                    tr {
                        td { (p.name) br; code { (p.node_id) } }
                        td { (p.country) }
                        td { @if p.connected { "yes" } @else { "no" } }
                        td { (p.last_sync_at().map(when).unwrap_or_else(|| "never".into())) }
                        td { (p.docs_behind()) }
                        td { (quarantined.iter().filter(|q| q.origin == p.node_id.to_string()).count()) }
                    }
                }
            }
        }
        @if !quarantined.is_empty() {
            h2 { "Quarantined entries" }
            p { "Shared by partners but not valid on this node (an unknown code, a newer schema). They are kept, and left out of lists and search until they validate." }
            ul {
                @for q in &quarantined {
                    li { a href=(format!("/records/{}", q.id)) { (q.id) } " — " (q.problem) }
                }
            }
        }
        @if !v.rejected_changes.is_empty() {
            h2 { "Rejected changes" }
            ul { @for (reason, n) in &v.rejected_changes { li { (reason) ": " (n) } } }
        }
    };
    Ok(page(&state, "Peers", body))
}

const LAST_VISIT: &str = "sicc_last_visit";

/// `GET /new`: records created or changed since the last visit (a cookie), local and shared,
/// optionally narrowed with the record filters (`?theme=…&country=…`).
pub async fn new_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let extra = ui_pairs(raw);
    // The time of the previous visit: from the narrowing form (it carries it), else the cookie.
    let given = extra
        .iter()
        .find(|(k, _)| k == "since")
        .map(|(_, v)| v.clone());
    let since = given
        .or_else(|| {
            headers
                .get(header::COOKIE)
                .and_then(|c| c.to_str().ok())
                .and_then(|c| {
                    c.split(';')
                        .filter_map(|kv| kv.trim().split_once('='))
                        .find(|(k, _)| *k == LAST_VISIT)
                        .map(|(_, v)| v.to_owned())
                })
        })
        .filter(|v| {
            time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).is_ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let filter = Filter::parse(
        extra
            .iter()
            .filter(|(k, _)| k != "updated_since" && k != "since")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("updated_since", since.as_str())]),
    )
    .map_err(|e| ApiError::new(ErrorCode::InvalidFilter, e.to_string()).with_field(e.param))?;
    let rows = |page: crate::app::RecordPage| page.rows;
    let local: Vec<_> = rows(
        state
            .app
            .list(filter.clone(), Scope::Local, None, 200)
            .await?,
    )
    .into_iter()
    .filter_map(|r| match r {
        Row::Local(r) => Some(r),
        Row::Shared(_) => None,
    })
    .collect();
    let shared: Vec<_> = rows(state.app.list(filter, Scope::Shared, None, 200).await?)
        .into_iter()
        .filter_map(|r| match r {
            Row::Shared(s) => Some(s),
            Row::Local(_) => None,
        })
        .collect();
    let names = origin_names(&state).await;
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let body = html! {
        h1 { "What is new" }
        p.meta { "Since your last visit (" (since.get(..19).unwrap_or(&since)) ")." }
        form method="get" action="/new" {
            input type="hidden" name="since" value=(since);
            label for="theme" style="display:inline" { "Theme " }
            input id="theme" name="theme" size="24" placeholder="e.g. housing_homelessness";
            " "
            label for="country" style="display:inline" { "Country " }
            input id="country" name="country" size="6" placeholder="e.g. ES,SE";
            " " button type="submit" { "Narrow" }
        }
        h2 { "Shared by partners (" (shared.len()) ")" }
        ul {
            @for s in &shared {
                li { a href={ "/records/" (s.record.id) } { (s.record.title("en")) } " — " (names.get(&s.origin).cloned().unwrap_or_default()) }
            }
        }
        h2 { "On this node (" (local.len()) ")" }
        ul {
            @for r in &local {
                li { a href={ "/records/" (r.id) } { (r.title("en")) } " — " (r.kind.as_str().replace('_', " ")) }
            }
        }
    };
    let cookie = format!("{LAST_VISIT}={now}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly");
    Ok((
        [(header::SET_COOKIE, cookie)],
        page(&state, "What is new", body),
    )
        .into_response())
}
