//! The staff web UI, rendered on the server (maud): search with facets, record pages with
//! provenance and history, catalogues with publish and subscribe actions, what is new since the
//! last visit, peers. Every page works without JavaScript; a few lines of hand-written script
//! add a live notice through server-sent events. Actions are POST forms accepted only from this
//! UI's own pages (same-origin check), so another site cannot trigger them in a staff browser.

use super::{ApiError, ApiState, ErrorCode};
use crate::app::accounts::Role as StaffRole;
use crate::app::{
    AppError, CatalogView, QuarantinedRecord, RecordFound, Relation, Role, Row, Scope,
};
use crate::i18n::{self, Lang};
use axum::extract::{Form, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::codes::CodeList;
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::{FieldValue, Record};
use sicc_protocol::schema::RecordKind;
use sicc_protocol::schema::{FieldSpec, FieldType};
use sicc_protocol::wire::SubscriptionStatus;
use std::collections::BTreeMap;

const STYLE: &str = r#"
:root { --accent: #1d4e89; --muted: #5b6470; --line: #d8dde3; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; color: #1b1f24; background: #fafbfc; line-height: 1.45; }
a { color: var(--accent); } a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f0b400; outline-offset: 1px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
header { background: var(--accent); color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; } header .node { font-weight: 600; } nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; margin: 0; padding: 0; }
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
nav.langs { font-size: .9rem; } nav.langs a, nav.langs strong { padding: 0 .15rem; }
.badge.warn { background: #fbe9e9; color: #8a1c1c; } .lang { color: var(--muted); font-size: .85rem; }
form.inline { display: inline; } a.button { display: inline-block; border: 1px solid var(--accent); border-radius: 4px; padding: .2rem .7rem; text-decoration: none; }
section h2 { font-size: 1.1rem; margin-bottom: .2rem; } details { margin: 1rem 0; } details summary { cursor: pointer; font-weight: 600; }
.field { margin-bottom: .9rem; } .field label { font-weight: 600; } .field .hint { color: var(--muted); font-size: .85rem; } .field .problem { color: #8a1c1c; font-weight: 600; }
.field input[type=text], .field textarea, .field select { width: 100%; box-sizing: border-box; font-size: 1rem; padding: .3rem; }
.tabs { display: flex; flex-wrap: wrap; gap: .6rem; } .tabs > div { flex: 1 1 14rem; }
@media (max-width: 30rem) { dl.fields { grid-template-columns: 1fr; } header { gap: .6rem; } main { padding: .8rem; } }
nav.countries { margin: .3rem 0 .8rem; } ul.cell { list-style: none; margin: 0; padding: 0; } ul.cell li { margin: .1rem 0; }
li.pol-strength a, li.pol-enabler a { color: #1b6e2a; } li.pol-weakness a, li.pol-barrier a { color: #8a1c1c; } li.pol-threat a { color: #8a4b00; }
table caption { text-align: left; font-weight: 600; padding: .3rem 0; } table.swot td { min-width: 7rem; } tr.shared th { background: #fff8d6; }
svg.chart text { font-size: 13px; fill: #1b1f24; } svg.chart .bar { fill: var(--accent); } svg.chart a:focus .bar, svg.chart a:hover .bar { fill: #f0b400; }
svg.map { max-width: 34rem; display: block; } svg.map path { stroke: #fff; stroke-width: .6; fill-rule: evenodd; } svg.map a:focus path, svg.map a:hover path { stroke: #f0b400; stroke-width: 2; }
svg.map .inset { fill: none; stroke: var(--line); } svg.map text { font-size: 13px; } figure.map { margin: 0 0 1rem; } .attribution { color: var(--muted); font-size: .85rem; }
div.board { display: grid; grid-template-columns: repeat(5, minmax(10rem, 1fr)); gap: .6rem; overflow-x: auto; } @media (max-width: 50rem) { div.board { grid-template-columns: 1fr; } }
section.stage { background: #eef2f7; border-radius: 6px; padding: .3rem .5rem; } ul.cards { list-style: none; margin: 0; padding: 0; }
li.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; margin-bottom: .5rem; font-size: .92rem; }
.badge.readiness-ready { background: #e7f5e9; color: #1b6e2a; } .badge.readiness-conditional { background: #fff8d6; color: #6b5200; } .badge.readiness-not_ready { background: #fbe9e9; color: #8a1c1c; }
meter { width: 7rem; } td.progress { white-space: nowrap; }
.map-with-table { display: grid; grid-template-columns: minmax(0, 30rem) 1fr; gap: 1.2rem; align-items: start; } @media (max-width: 50rem) { .map-with-table { grid-template-columns: 1fr; } }
@media print {
  header, nav.countries, form, button, .downloads, .print-note, #live, .skip { display: none !important; }
  body { background: #fff; } main { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; }
  table, svg, li.card, section.stage { break-inside: avoid; } div.board { grid-template-columns: repeat(5, 1fr); }
}
input[type=search] { width: 100%; font-size: 1.1rem; padding: .4rem; box-sizing: border-box; } button { font-size: 1rem; padding: .3rem .8rem; }
"#;

pub(super) const LIVE_SCRIPT: &str = r#"
(function () {
  if (!window.EventSource) return;
  var box = document.getElementById('live'), n = 0, es = null;
  function note(text) { n += 1; box.hidden = false; box.querySelector('span').textContent = text + (n > 1 ? ' (' + n + ')' : ''); }
  function open() {
    es = new EventSource('/api/v1/events');
    [['entry_arrived', 'arrived'], ['entry_changed', 'changed'], ['entry_removed', 'removed'], ['peer_up', 'up'], ['peer_down', 'down']].forEach(function (p) {
      es.addEventListener(p[0], function () { note(box.dataset[p[1]]); });
    });
  }
  // A page kept in the back-forward cache would keep its stream open, and a browser opens
  // only six connections to a host: close it when the page is left, reopen when it is back.
  window.addEventListener('pagehide', function () { if (es) { es.close(); es = null; } });
  window.addEventListener('pageshow', function () { if (!es) open(); });
  open();
})();
"#;

pub(super) fn page(state: &ApiState, title: &str, body: Markup) -> Html<String> {
    let who = super::auth::current();
    let node = state.app.node();
    let lang = i18n::current();
    Html(
        html! {
            (DOCTYPE)
            html lang=(lang.tag()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · " (node.name) }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    a.skip href="#main" { (t!("skip-to-content")) }
                    header {
                        span.node { (node.name) " · " (code_label(CodeList::Country, &node.country)) }
                        nav aria-label=(t!("nav-main")) {
                            ul {
                                li { a href="/" { (t!("nav-search")) } }
                                li { a href="/new" { (t!("nav-new")) } }
                                li { a href="/overview" { (t!("nav-overview")) } }
                                li { a href="/replication" { (t!("nav-replication")) } }
                                li { a href="/priorities" { (t!("nav-priorities")) } }
                                li { a href="/action-plan" { (t!("nav-action-plan")) } }
                                li { a href="/reports" { (t!("nav-reports")) } }
                                @if super::auth::may(StaffRole::Editor) {
                                    li { a href="/records/new" { (t!("nav-create")) } }
                                    li { a href="/import" { (t!("nav-import")) } }
                                }
                                li { a href="/catalogs" { (t!("nav-catalogs")) } }
                                li { a href="/peers" { (t!("nav-peers")) } }
                                li { a href="/api/docs" { (t!("nav-api")) } }
                            }
                        }
                        nav.langs aria-label=(t!("language-switch")) {
                            @for l in Lang::ALL {
                                @if l == lang {
                                    strong lang=(l.tag()) aria-current="true" { (l.tag().to_uppercase()) }
                                } @else {
                                    a href=(switch_link(l)) lang=(l.tag()) hreflang=(l.tag()) title=(l.endonym()) { (l.tag().to_uppercase()) }
                                }
                                " "
                            }
                        }
                        @if let Some(p) = &who {
                            span.who { a href="/account" { (p.label()) } }
                            form.logout method="post" action="/logout" {
                                (super::auth::csrf_field())
                                button type="submit" { (t!("log-out")) }
                            }
                        }
                    }
                    main id="main" {
                        div id="live" role="status" aria-live="polite" hidden
                            data-arrived=(t!("live-entry-arrived")) data-changed=(t!("live-entry-changed"))
                            data-removed=(t!("live-entry-removed")) data-up=(t!("live-peer-up")) data-down=(t!("live-peer-down")) {
                            span {} " " a href="" { (t!("live-reload")) }
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

/// The cookie the language switch sets.
pub(super) const LANG_COOKIE: &str = "sicc-lang";

/// Middleware: answers in the reader's language — `?lang=` (remembered in a cookie, then the
/// page is shown again without it), else the cookie, else `Accept-Language`, else English.
pub async fn language(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let pairs: Vec<(String, String)> = request
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let asked = pairs
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(v));
    if let Some(lang) = asked
        && request.method() == axum::http::Method::GET
        && !path.starts_with("/api/")
    {
        let rest: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "lang").collect();
        let mut to = path;
        if !rest.is_empty() {
            to.push('?');
            to.push_str(&serde_urlencoded::to_string(&rest).unwrap_or_default());
        }
        // Only a path of this site (`//host` would send the browser elsewhere).
        let to = super::auth::local_path(Some(&to));
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.tag()
        );
        return ([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response();
    }
    let lang = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == LANG_COOKIE).then(|| Lang::parse(v)).flatten()
        })
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::En);
    let here = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    HERE.scope(here, i18n::scope(lang, next.run(request))).await
}

tokio::task_local! {
    /// The page being answered (path and query), for the language switch's links.
    static HERE: String;
}

/// This page in `lang`: its query kept (search words, filters), `lang` set.
fn switch_link(lang: Lang) -> String {
    let here = HERE
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "/".to_owned());
    let (path, query) = here.split_once('?').unwrap_or((&here, ""));
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    pairs.retain(|(k, _)| k != "lang" && k != "done");
    pairs.push(("lang".into(), lang.tag().into()));
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// Middleware: an error on a page of the UI is a page in the site's layout and the reader's
/// language, with the same status, rather than the API's JSON.
pub async fn error_pages(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let ui = !(path.starts_with("/api/") || matches!(path, "/healthz" | "/readyz" | "/metrics"));
    let response = next.run(request).await;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !ui || !json || response.status().as_u16() < 400 {
        return response;
    }
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 256 * 1024)
        .await
        .unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let error = &v["error"];
    let message = error["message"].as_str().unwrap_or_default();
    let code = error["code"].as_str().unwrap_or_default();
    let body = html! {
        h1 { (t!("error-title")) }
        p.error role="alert" {
            @if let Some(f) = error["field"].as_str() { strong { (f) } ": " }
            (message)
        }
        p.meta { (t!("error-code", code = code.to_owned())) " (" (status.as_u16()) ")" }
        p { a href="/" { (t!("error-back")) } }
    };
    (status, page(&state, &t!("error-title"), body)).into_response()
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

/// The label of a code in the reader's language (the code itself if the list lacks it).
pub(super) fn code_label(list: CodeList, code: &str) -> String {
    list.label_in(code, i18n::current().tag())
        .map_or_else(|| code.to_owned(), str::to_owned)
}

fn facet_label(facet: &str) -> String {
    i18n::text(i18n::current(), &format!("facet-{facet}"), None)
}

pub(super) fn field_label(field: &str) -> String {
    i18n::text(i18n::current(), &format!("field-{field}"), None)
}

pub(super) fn kind_label(kind: RecordKind) -> String {
    i18n::text(i18n::current(), &format!("kind-{}", kind.as_str()), None)
}

fn records_count(n: usize) -> String {
    t!(
        "records-count",
        count = n,
        n = i18n::number(i18n::current(), n as u64)
    )
}

/// A record's text in the reader's language, else its original language, else English, else
/// any; with the language it is in.
fn text_in_reader_language<'a>(
    texts: &'a BTreeMap<String, String>,
    original: &str,
) -> Option<(&'a str, &'a str)> {
    let reader = i18n::current().tag();
    [reader, original, "en"]
        .iter()
        .find_map(|l| texts.get_key_value(*l))
        .or_else(|| texts.iter().next())
        .map(|(l, t)| (l.as_str(), t.as_str()))
}

fn lang_text(field: Option<&FieldValue>, original: &str) -> Option<(String, String)> {
    match field {
        Some(FieldValue::LangText(m)) => {
            text_in_reader_language(m, original).map(|(l, t)| (l.to_owned(), t.to_owned()))
        }
        Some(FieldValue::Text(t)) => Some((original.to_owned(), t.clone())),
        _ => None,
    }
}

/// A record's title in the reader's language (with fallbacks).
pub(super) fn title_for_reader(record: &Record) -> String {
    lang_text(
        record.fields.get(record.kind.title_field()),
        &record.original_lang,
    )
    .map(|(_, t)| t)
    .filter(|t| !t.is_empty())
    .unwrap_or_else(|| record.id.to_string())
}

/// "(in Latvian)" after a text that is not in the reader's language.
fn language_note(text_lang: &str) -> Markup {
    let reader = i18n::current().tag();
    html! {
        @if !text_lang.is_empty() && text_lang != reader {
            " " span.lang lang=(text_lang) { "(" (t!("record-in-language", language = code_label(CodeList::Language, text_lang))) ")" }
        }
    }
}

/// `GET /`: the search page.
pub async fn search_page(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, ApiError> {
    let mut pairs = ui_pairs(raw);
    // An action that ends here (a deletion) says what it did.
    let flash = Flash {
        done: pairs
            .iter()
            .find(|(k, _)| k == "done")
            .map(|(_, v)| v.clone()),
    };
    pairs.retain(|(k, _)| k != "done");
    let request =
        crate::app::SearchRequest::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let q = request.q.clone();
    let mut result = state.app.search(request.clone()).await?;
    // A ticked value must not hide the others of its facet: each facet with a filter counts
    // the hits of the other filters only, so a second country can be added.
    for (facet, values) in request.filters.iter().take(MAX_FACET_RECOUNTS) {
        if values.len() > MAX_FACET_VALUES {
            continue;
        }
        let mut others = request.clone();
        others.filters.retain(|(f, _)| f != facet);
        others.offset = 0;
        others.limit = 1;
        if let Ok(r) = state.app.search(others).await
            && let Some(buckets) = r.facets.get(facet)
        {
            result.facets.insert(facet.clone(), buckets.clone());
        }
    }
    let selected = |facet: &str, value: &str| {
        request
            .filters
            .iter()
            .any(|(f, vs)| f == facet && vs.iter().any(|v| v == value))
    };
    let names = origin_names(&state).await;
    let own_country = state.app.node().country.clone();
    let link_with_offset = |offset: usize| {
        let mut p: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "offset")
            .cloned()
            .collect();
        p.push(("offset".into(), offset.to_string()));
        format!("/?{}", serde_urlencoded::to_string(&p).unwrap_or_default())
    };
    let facet_lists: Vec<(&str, Vec<crate::app::FacetCount>)> = crate::app::FACETS
        .iter()
        .map(|facet| {
            let mut buckets = result.facets.get(*facet).cloned().unwrap_or_default();
            if *facet == "country" {
                // The node's own country first.
                buckets.sort_by_key(|b| b.value != own_country);
            }
            (*facet, buckets)
        })
        .collect();
    let mut cards = Vec::new();
    for hit in &result.hits {
        cards.push(card(&state, hit, &names).await);
    }
    let body = html! {
        (flash_notice(&flash))
        h1 { (t!("search-title")) }
        form method="get" action="/" role="search" {
            div.layout {
                div {
                    h2 { (t!("search-filters")) }
                    @for (facet, buckets) in &facet_lists {
                        @if !buckets.is_empty() {
                            fieldset {
                                legend { (facet_label(facet)) }
                                @for b in buckets.iter().take(40) {
                                    label {
                                        input type="checkbox" name=(facet) value=(b.value) checked[selected(facet, &b.value)];
                                        " " (display_value(facet, &b.value, &names)) " "
                                        span.count { "(" (i18n::number(i18n::current(), b.count)) ")" }
                                    }
                                }
                            }
                        }
                    }
                    button id="apply-filters" type="submit" { (t!("search-apply-filters")) }
                    " " a href="/" { (t!("search-clear-filters")) }
                }
                div {
                    label for="q" { (t!("search-label")) }
                    input id="q" type="search" name="q" value=(q) placeholder=(t!("search-placeholder"));
                    p {
                        label for="sort" style="display:inline" { (t!("search-order")) " " }
                        select id="sort" name="sort" {
                            option value="relevance" selected[request.sort == crate::app::Sort::Relevance] { (t!("search-best-match")) }
                            option value="date" selected[request.sort == crate::app::Sort::Date] { (t!("search-newest")) }
                        }
                        " " button id="search-button" type="submit" { (t!("search-button")) }
                    }
                    h2 id="count" { (records_count(result.total)) }
                    p.meta { a id="export-csv" href=(export_link(&pairs)) download { (t!("search-download-csv")) } }
                    @if result.total == 0 { p { (t!("search-no-results")) } }
                    @for c in &cards { (c) }
                    nav aria-label=(t!("nav-pages")) {
                        @if result.offset > 0 {
                            a href=(link_with_offset(result.offset.saturating_sub(result.limit))) { (t!("page-previous")) } " "
                        }
                        @if result.offset + result.hits.len() < result.total {
                            a href=(link_with_offset(result.offset + result.limit)) { (t!("page-next")) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&state, &t!("search-title"), body))
}

/// The record filters of the search page's query that `/export.csv` understands: the ticked
/// facets (the words, catalogue and text language are the search's own).
fn export_link(pairs: &[(String, String)]) -> String {
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, v)| {
            k == "origin" && (v == "local" || v == "shared")
                || Filter::parse([(k.as_str(), v.as_str())]).is_ok()
                    && !matches!(
                        k.as_str(),
                        "q" | "offset" | "sort" | "limit" | "catalog" | "language"
                    )
        })
        .collect();
    format!(
        "/export.csv?{}",
        serde_urlencoded::to_string(&kept).unwrap_or_default()
    )
}

/// Most records one CSV download holds.
const EXPORT_LIMIT: usize = 10_000;

/// `GET /export.csv`: the records matching the filters (`origin=local|shared`, and any record
/// filter), as CSV with a label column in the reader's language beside each coded field.
pub async fn export_csv(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = ui_pairs(raw);
    let scope = match pairs
        .iter()
        .find(|(k, _)| k == "origin")
        .map(|(_, v)| v.as_str())
    {
        Some("local") => Scope::Local,
        Some("shared") => Scope::Shared,
        _ => Scope::All,
    };
    let filter = Filter::parse(
        pairs
            .iter()
            .filter(|(k, _)| k != "origin")
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .map_err(|e| ApiError::new(ErrorCode::InvalidFilter, e.to_string()).with_field(e.param))?;
    let mut records = Vec::new();
    let mut cursor = None;
    loop {
        let page = state
            .app
            .list(filter.clone(), scope, cursor, crate::app::MAX_PAGE)
            .await?;
        records.extend(page.rows.into_iter().map(|row| match row {
            Row::Local(r) => r.to_json(),
            Row::Shared(s) => s.record.to_json(),
        }));
        match page.next_cursor {
            Some(c) if records.len() < EXPORT_LIMIT => cursor = Some(c),
            _ => break,
        }
    }
    records.truncate(EXPORT_LIMIT);
    let mut body = Vec::new();
    let options = crate::app::CsvOptions {
        labels: Some(i18n::current().tag()),
        neutralise_formulas: true,
    };
    crate::app::write_csv(&mut body, &records, options)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"sicc-records.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// Facets whose other values the search page recounts (one search each), and the most values
/// a ticked facet may have for it: a crafted URL cannot make one page run many searches.
const MAX_FACET_RECOUNTS: usize = 8;
const MAX_FACET_VALUES: usize = 20;

/// One search result: title and summary in the reader's language, kind, country, stage,
/// evidence, who holds it.
async fn card(state: &ApiState, hit: &crate::app::Hit, names: &BTreeMap<String, String>) -> Markup {
    let record = match RecordId::new(&hit.id) {
        Ok(id) => match state.app.record(id).await {
            Ok(RecordFound::Local(r)) => Some(*r),
            Ok(RecordFound::Shared(all)) => all
                .iter()
                .find(|s| Some(&s.catalog) == hit.catalog.as_ref())
                .or(all.first())
                .map(|s| s.record.clone()),
            Err(_) => None,
        },
        Err(_) => None,
    };
    let title = record
        .as_ref()
        .map_or_else(|| hit.title.clone(), title_for_reader);
    let summary = record.as_ref().and_then(|r| {
        [
            "summary",
            "description",
            "statement",
            "rationale",
            "objective",
        ]
        .iter()
        .find_map(|f| lang_text(r.fields.get(*f), &r.original_lang))
    });
    let codes = |list: CodeList| -> Vec<String> {
        record
            .as_ref()
            .map(|r| {
                r.codes_of(list)
                    .iter()
                    .map(|c| code_label(list, c))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (countries, stages, evidence) = (
        codes(CodeList::Country),
        codes(CodeList::Stage),
        codes(CodeList::EvidenceLevel),
    );
    let kind = hit
        .kind
        .parse::<RecordKind>()
        .map(kind_label)
        .unwrap_or_else(|_| hit.kind.clone());
    html! {
        article.hit {
            h3 { a href={ "/records/" (hit.id) } { (title) } }
            p.meta {
                span.badge { (kind) }
                @if hit.origin == "local" { span.badge { (t!("this-node")) } }
                @else { span.badge { (t!("shared-by", name = names.get(&hit.origin).cloned().unwrap_or_else(|| hit.origin.clone()))) } }
                @if !countries.is_empty() { span.badge { (countries.join(", ")) } }
                @for s in &stages { span.badge { (field_label("stage")) ": " (s) } }
                @for e in &evidence { span.badge { (field_label("evidence_level")) ": " (e) } }
                " " (t!("updated-on", date = i18n::stored_date(i18n::current(), Some(&hit.updated_at))))
            }
            @if !hit.highlight.is_empty() { p { (PreEscaped(&hit.highlight)) } }
            @else if let Some((l, s)) = &summary {
                p { (truncate(s, 280)) (language_note(l)) }
            }
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Node ids → "name (country)" for every member, from the sync engine's peer list.
async fn origin_names(state: &ApiState) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    if let Ok(v) = state.app.peers().await {
        for p in v.peers {
            names.insert(p.node_id.to_string(), format!("{} ({})", p.name, p.country));
        }
    }
    names.insert("local".into(), t!("this-node"));
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
        "kind" => value
            .parse::<RecordKind>()
            .map(kind_label)
            .unwrap_or_else(|_| value.to_owned()),
        "nuts" => format!("{} ({value})", code_label(CodeList::Nuts, value)),
        _ => match CodeList::from_name(facet) {
            Some(list) => code_label(list, value),
            None => value.replace('_', " "),
        },
    }
}

/// How many links of one field a record page looks up (titles, origin).
const LINKS_RESOLVED: usize = 50;

/// Where a link points, as this node sees it now.
enum Target {
    Local(Box<Record>),
    Shared {
        record: Box<Record>,
        origin: String,
    },
    /// Gone: a partner's entry erased or its catalogue dropped (or a local record deleted by a
    /// restore): the link is kept and says so.
    Gone,
}

async fn resolve(state: &ApiState, id: &RecordId) -> Target {
    match state.app.record(id.clone()).await {
        Ok(RecordFound::Local(r)) => Target::Local(r),
        Ok(RecordFound::Shared(all)) => match all.into_iter().next() {
            Some(s) => Target::Shared {
                record: Box::new(s.record),
                origin: s.origin,
            },
            None => Target::Gone,
        },
        Err(_) => Target::Gone,
    }
}

async fn link_markup(state: &ApiState, id: &RecordId, names: &BTreeMap<String, String>) -> Markup {
    match resolve(state, id).await {
        Target::Local(r) => html! { a href={ "/records/" (id) } { (title_for_reader(&r)) } },
        Target::Shared { record, origin } => html! {
            a href={ "/records/" (id) } { (title_for_reader(&record)) } " "
            span.badge { (t!("record-link-shared", name = names.get(&origin).cloned().unwrap_or(origin.clone()))) }
        },
        Target::Gone => html! {
            span.gone { (id) } " " span.badge.warn { (t!("record-no-longer-shared")) }
        },
    }
}

/// One field's value for people: texts in the reader's language, labels instead of codes,
/// titles instead of ids.
async fn value_markup(
    state: &ApiState,
    record: &Record,
    spec: &FieldSpec,
    value: &FieldValue,
    names: &BTreeMap<String, String>,
) -> Markup {
    match (spec.ty, value) {
        (_, FieldValue::LangText(m)) => match text_in_reader_language(m, &record.original_lang) {
            Some((l, text)) => html! { span lang=(l) { (text) } (language_note(l)) },
            None => html! {},
        },
        (FieldType::Url, FieldValue::Text(u))
            if u.starts_with("https://") || u.starts_with("http://") =>
        {
            html! { a href=(u) rel="noopener noreferrer" { (u) } }
        }
        (FieldType::Date, FieldValue::Text(d)) => html! { (d) },
        (_, FieldValue::Text(t)) => html! { (t) },
        (_, FieldValue::TextList(items)) => html! { ul { @for i in items { li { (i) } } } },
        (_, FieldValue::Int(n)) => {
            let shown = u64::try_from(*n)
                .map_or_else(|_| n.to_string(), |n| i18n::number(i18n::current(), n));
            html! { (shown) }
        }
        (_, FieldValue::Bool(b)) => {
            html! { @if *b { (t!("record-yes")) } @else { (t!("record-no")) } }
        }
        (FieldType::Code(list), FieldValue::Code(c)) => html! { (code_label(list, c)) },
        (FieldType::Codes(list), FieldValue::Codes(cs)) => html! {
            @for c in cs { span.badge title=(c) { (code_label(list, c)) } }
        },
        (_, FieldValue::Code(c)) => html! { (c) },
        (_, FieldValue::Codes(cs)) => html! { (cs.join(", ")) },
        (_, FieldValue::Link(id)) => link_markup(state, id, names).await,
        (_, FieldValue::Links(ids)) => {
            // A partner's record may carry 200 links: look up the first ones, list the rest.
            let mut items = Vec::new();
            for id in ids.iter().take(LINKS_RESOLVED) {
                items.push(link_markup(state, id, names).await);
            }
            html! {
                ul {
                    @for i in &items { li { (i) } }
                    @for id in ids.iter().skip(LINKS_RESOLVED) { li { a href={ "/records/" (id) } { (id) } } }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct Flash {
    #[serde(default)]
    done: Option<String>,
}

impl Flash {
    /// The notice of a `done` code a page read with its other parameters.
    pub(super) fn of(done: Option<String>) -> Flash {
        Flash { done }
    }
}

/// `GET /records/{id}`: the record in the sections staff expect (texts, classification,
/// links; technical fields folded under Details), what refers to it, provenance, history, and
/// the actions the reader's role allows.
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
    let title = title_for_reader(&record);
    let own: Vec<(CatalogId, String)> = state
        .app
        .catalogs()
        .await?
        .iter()
        .filter(|c| c.relation == Relation::Owner)
        .map(|c| (c.id.clone(), title_of(c)))
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
    // Where this node's own record is published.
    let mut published_in = Vec::new();
    // What partners noted on this node's published entries (e.g. "considering it for
    // replication").
    let mut partner_notes = Vec::new();
    if local.is_some() {
        for (cid, ctitle) in &own {
            if let Ok(e) = state.app.entry(cid.clone(), id.clone()).await {
                published_in.push((cid.clone(), ctitle.clone()));
                partner_notes.extend(e.annotations);
            }
        }
    }
    let shareable = local
        .as_ref()
        .is_some_and(|r| r.public_projection().is_some());
    let validated = !state.publish_validated_only
        || matches!(record.validation_status.as_str(), "validated" | "published");

    // The fields, in schema order, sorted into the page's sections.
    let mut texts = Vec::new();
    let mut classification = Vec::new();
    let mut links = Vec::new();
    let mut details = Vec::new();
    for spec in record.kind.fields() {
        let Some(value) = record.fields.get(spec.name) else {
            continue;
        };
        if spec.title || super::workpackages::shown_apart(record.kind, spec.name) {
            continue;
        }
        let shown = value_markup(&state, &record, spec, value, &names).await;
        let row = (field_label(spec.name), shown);
        match spec.ty {
            FieldType::LangText { .. } | FieldType::TextList { .. } => texts.push(row),
            FieldType::Link(_) | FieldType::Links(_) => links.push(row),
            FieldType::Code(_) | FieldType::Codes(_) | FieldType::Bool => classification.push(row),
            _ if spec.local_only => details.push(row),
            _ => classification.push(row),
        }
    }
    let referrers = referenced_by(&state, &rid).await;
    let lang = i18n::current();
    let body = html! {
        (flash_notice(&flash))
        h1 { (title) (lang_note_of_title(&record)) }
        p.meta {
            span.badge { (kind_label(record.kind)) }
            span.badge { (code_label(CodeList::ValidationStatus, &record.validation_status)) }
            @match origin {
                None => { span.badge { (t!("this-node")) } " " (t!("record-access", access = code_label(CodeList::AccessLevel, record.access_level.as_str()))) }
                Some(s) => {
                    (t!("record-shared-by", name = names.get(&s.origin).cloned().unwrap_or_else(|| s.origin.clone()), catalog = s.catalog.clone()))
                }
            }
        }
        @if local.is_some() && super::auth::may(StaffRole::Editor) {
            p { a.button id="edit" href={ "/records/" (id) "/edit" } { (t!("record-edit")) } }
        }
        @if let Some(s) = origin {
            (super::workpackages::consider_form(&record, &names.get(&s.origin).cloned().unwrap_or_else(|| s.origin.clone())))
        }
        @if record.kind == RecordKind::ReadinessAssessment {
            (super::workpackages::readiness_section(&record))
        }
        @for (label, shown) in &texts {
            section { h2 { (label) } div.text { (shown) } }
        }
        @if !classification.is_empty() {
            h2 { (t!("record-classification")) }
            dl.fields { @for (label, shown) in &classification { dt { (label) } dd { (shown) } } }
        }
        @if !links.is_empty() {
            h2 { (t!("record-links")) }
            dl.fields { @for (label, shown) in &links { dt { (label) } dd { (shown) } } }
        }
        h2 { (t!("record-referenced-by")) }
        @if referrers.is_empty() { p.meta { (t!("record-referenced-none")) } }
        @else {
            ul id="referenced-by" { @for (rid, rkind, rtitle, _) in &referrers { li { a href={ "/records/" (rid) } { (rtitle) } " " span.badge { (kind_label(*rkind)) } } } }
        }
        details {
            summary { (t!("record-details")) }
            dl.fields {
                dt { (field_label("id")) } dd { code { (record.id) } }
                dt { (field_label("revision")) } dd { (record.revision) }
                dt { (field_label("created_at")) } dd { (i18n::stored_date(lang, record.created_at.as_deref())) }
                dt { (field_label("updated_at")) } dd { (i18n::stored_date(lang, record.updated_at.as_deref())) }
                dt { (field_label("licence")) } dd { (code_label(CodeList::Licence, &record.licence)) }
                dt { (field_label("original_lang")) } dd { (code_label(CodeList::Language, &record.original_lang)) }
                @if !record.sources.is_empty() {
                    dt { (field_label("sources")) }
                    dd { ul { @for src in &record.sources { li {
                        @if src.url.starts_with("https://") || src.url.starts_with("http://") {
                            a href=(src.url) rel="noopener noreferrer" { (src.title.clone().unwrap_or_else(|| src.url.clone())) }
                        } @else { (src.url) }
                        @if let Some(r) = &src.retrieved { " (" (r) ")" }
                    } } } }
                }
                @if let Some(n) = &record.internal_notes { dt { (field_label("internal_notes")) } dd { (n) } }
                @for (label, shown) in &details { dt { (label) } dd { (shown) } }
            }
        }
        @if let Some(e) = &entry {
            @if !e.annotations.is_empty() {
                h2 { (t!("record-annotations")) }
                ul {
                    @for a in &e.annotations {
                        (annotation_item(a, lang))
                    }
                }
            }
            h2 { (t!("record-history")) }
            table {
                thead { tr { th scope="col" { (t!("history-when")) } th scope="col" { (t!("history-author")) } th scope="col" { (t!("history-change")) } } }
                tbody {
                    @for h in &e.history {
                        tr {
                            td { (h.at.map(|t| i18n::date_time(lang, t)).unwrap_or_else(|| t!("history-unknown"))) }
                            td { (h.author_name) }
                            td { code { (h.hash.get(..12).unwrap_or("")) } }
                        }
                    }
                }
            }
        }
        @if local.is_some() && super::auth::may(StaffRole::Editor) {
            h2 { (t!("record-workflow")) }
            p { (t!("record-status", status = code_label(CodeList::ValidationStatus, &record.validation_status))) }
            form.inline method="post" action={ "/records/" (id) "/status" } {
                (super::auth::csrf_field())
                input type="hidden" name="revision" value=(record.revision);
                @match record.validation_status.as_str() {
                    "draft" | "archived" => { button type="submit" name="to" value="submitted" { (t!("record-submit")) } }
                    "submitted" => {
                        @if super::auth::may(StaffRole::Validator) {
                            button type="submit" name="to" value="validated" { (t!("record-validate")) } " "
                        }
                        button type="submit" name="to" value="draft" { (t!("record-return-to-draft")) }
                    }
                    _ => { button type="submit" name="to" value="draft" { (t!("record-return-to-draft")) } }
                }
            }
        }
        @if !partner_notes.is_empty() {
            h2 { (t!("record-partner-notes")) }
            ul id="partner-notes" {
                @for a in &partner_notes {
                    (annotation_item(a, lang))
                }
            }
        }
        @if !published_in.is_empty() {
            h2 { (t!("record-published-in")) }
            ul {
                @for (cid, ctitle) in &published_in {
                    li {
                        (ctitle) " " code { (cid) }
                        @if super::auth::may(StaffRole::Validator) {
                            " "
                            form.inline method="post" action="/ui/unpublish" {
                                (super::auth::csrf_field())
                                input type="hidden" name="id" value=(id);
                                input type="hidden" name="catalog" value=(cid);
                                button type="submit" { (t!("record-unpublish")) }
                            }
                        }
                    }
                }
            }
        }
        @let unpublished: Vec<&(CatalogId, String)> = own.iter().filter(|(c, _)| !published_in.iter().any(|(p, _)| p == c)).collect();
        @if shareable && !unpublished.is_empty() && super::auth::may(StaffRole::Validator) {
            h2 { (t!("record-publish")) }
            @if validated {
                form method="post" action="/ui/publish" {
                    (super::auth::csrf_field())
                    input type="hidden" name="id" value=(id);
                    label for="catalog" { (t!("record-catalogue")) }
                    select id="catalog" name="catalog" {
                        @for (cid, ctitle) in &unpublished { option value=(cid) { (ctitle) } }
                    }
                    " " button type="submit" { (t!("record-publish-button")) }
                }
                p.meta { (t!("record-projection-note")) }
            } @else {
                p.meta { (t!("record-publish-needs-validation")) }
            }
        }
        @if local.is_some() && !shareable {
            p.meta { (t!("record-local-note")) }
        }
        @if local.is_some() && super::auth::may(StaffRole::Editor) {
            // Only this node's own records hold a deletion back (a partner's link then dangles,
            // and shows as such there).
            @let local_referrers: Vec<_> = referrers.iter().filter(|r| r.3).collect();
            @if local_referrers.is_empty() {
                form.inline method="post" action={ "/records/" (id) "/delete" } {
                    (super::auth::csrf_field())
                    button type="submit" { (t!("edit-delete")) }
                }
            } @else {
                p.meta { (t!("edit-delete-blocked")) " " @for (rid, _, rtitle, _) in &local_referrers { a href={ "/records/" (rid) } { (rtitle) } " " } }
            }
        }
        @if !audit.is_empty() {
            h2 { (t!("record-history")) }
            table {
                thead { tr { th scope="col" { (t!("history-when")) } th scope="col" { (t!("history-who")) } th scope="col" { (t!("history-what")) } th scope="col" { (t!("history-revision")) } } }
                tbody {
                    @for a in &audit {
                        tr {
                            td { (time::OffsetDateTime::parse(&a.at, &time::format_description::well_known::Rfc3339).map(|t| i18n::date_time(lang, t)).unwrap_or_else(|_| a.at.clone())) }
                            td { (a.actor) } td { (audit_action(&a.action)) } td { (a.revision) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&state, &title, body))
}

/// One partner's annotation of an entry: who, what, when.
fn annotation_item(a: &crate::app::AnnotationView, lang: Lang) -> Markup {
    let when = time::OffsetDateTime::parse(&a.at, &time::format_description::well_known::Rfc3339)
        .map(|t| i18n::date_time(lang, t))
        .unwrap_or_else(|_| a.at.clone());
    html! { li { strong { (a.node_name) } ": " (a.text) " " span.meta { (when) } } }
}

/// An audit action (`create`, `replace`, `import`, `delete`, `erase`) for people; an unknown
/// one as it is.
fn audit_action(action: &str) -> String {
    match action {
        "create" | "replace" | "import" | "delete" | "erase" => {
            i18n::text(i18n::current(), &format!("action-{action}"), None)
        }
        other => other.to_owned(),
    }
}

fn lang_note_of_title(record: &Record) -> Markup {
    match lang_text(
        record.fields.get(record.kind.title_field()),
        &record.original_lang,
    ) {
        Some((l, _)) => language_note(&l),
        None => html! {},
    }
}

/// The records on this node, its own and shared with it, that link to `id`: the lessons about
/// it, the actions addressing it, the cases replicating it.
async fn referenced_by(
    state: &ApiState,
    id: &RecordId,
) -> Vec<(RecordId, RecordKind, String, bool)> {
    let Ok(filter) = Filter::parse([("links_to", id.as_str())]) else {
        return Vec::new();
    };
    let Ok(page) = state.app.list(filter, Scope::All, None, 100).await else {
        return Vec::new();
    };
    page.rows
        .into_iter()
        .map(|row| {
            let (r, local) = match row {
                Row::Local(r) => (r, true),
                Row::Shared(s) => (s.record, false),
            };
            (r.id.clone(), r.kind, title_for_reader(&r), local)
        })
        .collect()
}

/// A partner's entry that does not validate here: what it is, who shared it, why it is kept
/// apart — rather than an error.
fn quarantined_page(state: &ApiState, q: &QuarantinedRecord) -> Html<String> {
    let body = html! {
        h1 { (q.id) }
        p.notice role="status" {
            (t!("quarantined-notice", origin = q.origin.clone(), catalog = q.catalog.clone()))
        }
        p { (t!("quarantined-why", problem = q.problem.clone())) }
        p { (t!("quarantined-explained")) }
    };
    page(state, &q.id, body)
}

/// Accepts a form POST only when it comes from this UI's own pages (the guard refuses the rest
/// before; checked again here, where the action is taken) and carries the session's CSRF token.
/// Every action of the pages calls it.
pub(super) fn form_check(
    headers: &HeaderMap,
    principal: &crate::app::accounts::Principal,
    csrf: &str,
) -> Result<(), ApiError> {
    if super::guard::from_another_site(headers) {
        return Err(ApiError::new(
            ErrorCode::CrossSite,
            "this action is accepted only from the node's own pages",
        ));
    }
    super::auth::check_csrf(principal, csrf)
}

/// Back to `to` after an action, with the code of what was done (`?done=published`): the page
/// shows the code's own text, never text taken from the URL.
pub(super) fn back(to: &str, done: &str) -> Response {
    let q = serde_urlencoded::to_string([("done", done)]).unwrap_or_default();
    Redirect::to(&format!("{to}?{q}")).into_response()
}

/// The `done` codes an action may redirect with; each has its message `done-<code>`.
const DONE: &[&str] = &[
    "published",
    "unpublished",
    "subscribed",
    "subscription-granted",
    "subscription-refused",
    "unsubscribed",
    "granted",
    "refused",
    "session-ended",
    "submitted",
    "validated",
    "draft",
    "saved",
    "created",
    "password-changed",
    "deleted",
    "replication-started",
    "replication-started-untold",
    "replication-exists",
];

/// The notice of a `done` code; an unknown code shows nothing.
pub(super) fn flash_notice(flash: &Flash) -> Markup {
    let text = flash
        .done
        .as_deref()
        .filter(|code| DONE.contains(code))
        .map(|code| i18n::text(i18n::current(), &format!("done-{code}"), None));
    html! { @if let Some(t) = text { p.notice role="status" { (t) } } }
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf: String,
    id: String,
    catalog: String,
}

fn catalog_param(catalog: &str) -> Result<CatalogId, ApiError> {
    catalog
        .parse()
        .map_err(|e: sicc_protocol::catalog::CatalogError| {
            ApiError::new(ErrorCode::InvalidRequest, e.to_string()).with_field("catalog")
        })
}

/// `POST /ui/publish`: only a validated record goes to partners from the UI.
pub async fn publish(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(form): Form<PublishForm>,
) -> Result<Response, ApiError> {
    form_check(&headers, &principal, &form.csrf)?;
    let rid = super::records::parse_id(&form.id)?;
    let catalog = catalog_param(&form.catalog)?;
    let record = state
        .app
        .local_record(rid.clone())
        .await?
        .ok_or(AppError::NotFound(rid.clone()))?;
    if state.publish_validated_only
        && !matches!(record.validation_status.as_str(), "validated" | "published")
    {
        return Err(ApiError::new(
            ErrorCode::NotValidated,
            t!("record-publish-needs-validation"),
        )
        .with_field("validation_status"));
    }
    state.app.publish(catalog, rid).await?;
    Ok(back(&format!("/records/{}", form.id), "published"))
}

/// `POST /ui/unpublish`: takes the record out of one of this node's catalogues.
pub async fn unpublish(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(form): Form<PublishForm>,
) -> Result<Response, ApiError> {
    form_check(&headers, &principal, &form.csrf)?;
    let rid = super::records::parse_id(&form.id)?;
    let catalog = catalog_param(&form.catalog)?;
    state.app.unpublish(catalog, rid.to_string()).await?;
    Ok(back(&format!("/records/{}", form.id), "unpublished"))
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    to: String,
    revision: u64,
}

/// `POST /records/{id}/status`: the validation workflow. Editors submit a draft or take it
/// back; validators validate what was submitted. The revision makes a stale page's click fail
/// rather than undo someone else's step.
pub async fn change_status(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(form): Form<StatusForm>,
) -> Result<Response, ApiError> {
    form_check(&headers, &principal, &form.csrf)?;
    let rid = super::records::parse_id(&id)?;
    let mut record = state
        .app
        .local_record(rid.clone())
        .await?
        .ok_or(AppError::NotFound(rid.clone()))?;
    let from = record.validation_status.as_str();
    let allowed = match (from, form.to.as_str()) {
        ("draft" | "archived", "submitted") => principal.role() >= StaffRole::Editor,
        ("submitted", "validated") => principal.role() >= StaffRole::Validator,
        (_, "draft") => principal.role() >= StaffRole::Editor,
        _ => false,
    };
    // Partners hold what is published: its status is a validator's to change.
    if allowed
        && principal.role() < StaffRole::Validator
        && super::records::published_here(&state, &rid).await?
    {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "`{rid}` is published to partners: a validator changes it, or unpublishes it first"
            ),
        )
        .with_field("to"));
    }
    if !allowed {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "a {} may not move a record from `{from}` to `{}`",
                principal.role().as_str(),
                form.to
            ),
        )
        .with_field("to"));
    }
    record.validation_status = form.to.clone();
    state
        .app
        .replace(record, Some(form.revision), &principal.label())
        .await?;
    Ok(back(&format!("/records/{id}"), &form.to))
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
    form_check(&headers, &principal, &form.csrf)?;
    let (owner, name) = form.catalog.split_once('/').unwrap_or((&form.catalog, ""));
    let catalog = super::federation::catalog_id(owner, name)?;
    let node = || super::federation::node_id(form.node_id.as_deref().unwrap_or_default());
    let done = match action.as_str() {
        "subscribe" => match state.app.subscribe(catalog).await? {
            // What the owner answered, when it could answer at once.
            crate::app::Done::Subscribed {
                status: SubscriptionStatus::Granted,
                ..
            } => "subscription-granted",
            crate::app::Done::Subscribed {
                status: SubscriptionStatus::Refused,
                ..
            } => "subscription-refused",
            _ => "subscribed",
        },
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

/// A catalogue's title for people: in the reader's language, else English, else any, else its
/// name.
fn title_of(c: &CatalogView) -> String {
    c.manifest
        .as_ref()
        .and_then(|m| {
            m.title
                .get(i18n::current().tag())
                .or_else(|| m.title.get("en"))
                .or_else(|| m.title.values().next())
        })
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
        h1 { (t!("catalogs-title")) }
        table {
            thead { tr { th scope="col" { (t!("catalogs-catalogue")) } th scope="col" { (t!("catalogs-owner")) } th scope="col" { (t!("catalogs-role")) } th scope="col" { (t!("catalogs-entries")) } th scope="col" { (t!("catalogs-action")) } } }
            tbody {
                @for c in &catalogs {
                    tr {
                        td { (title_of(c)) br; code { (c.id) } }
                        td { (c.owner_name) }
                        td { (i18n::text(i18n::current(), &format!("relation-{}", c.relation.as_str()), None)) @if let Some(s) = status(c) { " (" (i18n::text(i18n::current(), &format!("subscription-{}", s.as_str()), None)) ")" } }
                        td { (c.holding.map(|h| i18n::number(i18n::current(), h.entries as u64)).unwrap_or_default()) }
                        td {
                            @if admin && (c.relation == Relation::Subscriber || (c.relation == Relation::Requested && status(c) == Some(SubscriptionStatus::Pending))) {
                                form method="post" action="/ui/catalogs/unsubscribe" {
                                    (super::auth::csrf_field())
                                    input type="hidden" name="catalog" value=(c.id);
                                    button type="submit" { (t!("catalogs-unsubscribe")) }
                                }
                            }
                            @if admin && (c.relation == Relation::Offered || (c.relation == Relation::Requested && status(c) == Some(SubscriptionStatus::Refused))) {
                                form method="post" action="/ui/catalogs/subscribe" {
                                    (super::auth::csrf_field())
                                    input type="hidden" name="catalog" value=(c.id);
                                    button type="submit" { (t!("catalogs-subscribe")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t!("catalogs-requests")) }
        @if requests.incoming.is_empty() { p { (t!("catalogs-none")) } }
        @else {
            table {
                thead { tr { th scope="col" { (t!("catalogs-member")) } th scope="col" { (t!("catalogs-catalogue")) } th scope="col" { (t!("catalogs-status")) } th scope="col" { (t!("catalogs-action")) } } }
                tbody {
                    @for r in &requests.incoming {
                        tr {
                            td { (r.node.name) }
                            td { code { (r.catalog) } }
                            td { (i18n::text(i18n::current(), &format!("subscription-{}", r.status.as_str()), None)) }
                            td {
                                @if admin && r.status == SubscriptionStatus::Pending {
                                    form method="post" action="/ui/catalogs/grant" style="display:inline" {
                                        (super::auth::csrf_field())
                                        input type="hidden" name="catalog" value=(r.catalog);
                                        input type="hidden" name="node_id" value=(r.node.node_id);
                                        button type="submit" { (t!("catalogs-grant")) }
                                    }
                                    " "
                                    form method="post" action="/ui/catalogs/refuse" style="display:inline" {
                                        (super::auth::csrf_field())
                                        input type="hidden" name="catalog" value=(r.catalog);
                                        input type="hidden" name="node_id" value=(r.node.node_id);
                                        button type="submit" { (t!("catalogs-refuse")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&state, &t!("catalogs-title"), body))
}

/// `GET /peers`.
pub async fn peers_page(State(state): State<ApiState>) -> Result<Html<String>, ApiError> {
    let v = state.app.peers().await?;
    let quarantined = state.app.quarantined();
    let body = html! {
        h1 { (t!("peers-title")) }
        table {
            thead { tr { th scope="col" { (t!("peers-member")) } th scope="col" { (t!("peers-country")) } th scope="col" { (t!("peers-connected")) } th scope="col" { (t!("peers-last-sync")) } th scope="col" { (t!("peers-behind")) } th scope="col" { (t!("peers-quarantined")) } } }
            tbody {
                @for p in &v.peers {
                    tr {
                        td { (p.name) br; code { (p.node_id) } }
                        td { (code_label(CodeList::Country, &p.country)) }
                        td { @if p.connected { (t!("record-yes")) } @else { (t!("record-no")) } }
                        td { (p.last_sync_at().map(|t| i18n::date_time(i18n::current(), t)).unwrap_or_else(|| t!("peers-never"))) }
                        td { (p.docs_behind()) }
                        td { (quarantined.iter().filter(|q| q.origin == p.node_id.to_string()).count()) }
                    }
                }
            }
        }
        @if !quarantined.is_empty() {
            h2 { (t!("peers-quarantined-title")) }
            p { (t!("peers-quarantined-explained")) }
            ul {
                @for q in &quarantined {
                    li { a href=(format!("/records/{}", q.id)) { (q.id) } " — " (q.problem) }
                }
            }
        }
        @if !v.rejected_changes.is_empty() {
            h2 { (t!("peers-rejected")) }
            ul { @for (reason, n) in &v.rejected_changes { li { (reason) ": " (n) } } }
        }
    };
    Ok(page(&state, &t!("peers-title"), body))
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
        });
    let filter = Filter::parse(
        extra
            .iter()
            .filter(|(k, _)| k != "updated_since" && k != "since")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(since.as_deref().map(|s| ("updated_since", s))),
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
    let lang = i18n::current();
    let chosen = |name: &str| {
        extra
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (theme, country) = (chosen("theme"), chosen("country"));
    let mut themes: Vec<(&str, String)> = CodeList::Theme
        .entries()
        .iter()
        .map(|c| (c.code, code_label(CodeList::Theme, c.code)))
        .collect();
    themes.sort_by(|a, b| a.1.cmp(&b.1));
    let body = html! {
        h1 { (t!("new-title")) }
        @match &since {
            Some(t) => p.meta { (t!("new-since", date = time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).map(|t| i18n::date_time(lang, t)).unwrap_or_default())) },
            None => p.meta { (t!("new-first-visit")) },
        }
        form method="get" action="/new" {
            @if let Some(t) = &since { input type="hidden" name="since" value=(t); }
            label for="theme" style="display:inline" { (t!("new-theme")) " " }
            select id="theme" name="theme" {
                option value="" { (t!("new-any")) }
                @for (code, label) in &themes { option value=(code) selected[theme == *code] { (label) } }
            }
            " "
            label for="country" style="display:inline" { (t!("new-country")) " " }
            select id="country" name="country" {
                option value="" { (t!("new-any")) }
                @for c in ["ES", "FR", "SE", "LV"] { option value=(c) selected[country == c] { (code_label(CodeList::Country, c)) } }
            }
            " " button type="submit" { (t!("new-narrow")) }
        }
        h2 { (t!("new-shared", n = shared.len())) }
        ul {
            @for s in &shared {
                li { a href={ "/records/" (s.record.id) } { (title_for_reader(&s.record)) } " — " (names.get(&s.origin).cloned().unwrap_or_default()) }
            }
        }
        h2 { (t!("new-local", n = local.len())) }
        ul {
            @for r in &local {
                li { a href={ "/records/" (r.id) } { (title_for_reader(r)) } " — " (kind_label(r.kind)) }
            }
        }
    };
    let cookie = format!("{LAST_VISIT}={now}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly");
    Ok((
        [(header::SET_COOKIE, cookie)],
        page(&state, &t!("new-title"), body),
    )
        .into_response())
}
