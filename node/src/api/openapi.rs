//! The OpenAPI 3.1 description of the API, served at `/api/v1/openapi.json`, and an API
//! explorer at `/api/docs` (hand-written, no third-party script: works offline). The paths and
//! schemas come from the handlers' `#[utoipa::path]` and the DTOs (`api.rs` builds both the
//! router and the document from the same route list); this file adds the title and the tags.

use axum::Json;
use axum::response::Html;
use std::sync::OnceLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sicc node API",
        description = "The HTTP API of one sicc node: records (local and shared), search, catalogues, peers and live events. Errors are {\"error\": {\"code\", \"message\", \"field\", \"details\"}} with a stable code (ARCHITECTURE.md, Errors). Every call but /healthz, /readyz and this document needs a logged-in session or `Authorization: Bearer <token>` (sicc token create); the audit trail names the user or token."
    ),
    tags(
        (name = "records", description = "Local and shared records, imports, the audit trail"),
        (name = "search", description = "Multilingual full-text and faceted search"),
        (name = "federation", description = "Catalogues, subscriptions, peers, live events"),
        (name = "reference", description = "Code lists, the record schema, this document"),
        (name = "operations", description = "Health, readiness, status, metrics, backups"),
    )
)]
struct Base;

/// The document's fixed part: title, description, tags.
pub(super) fn base() -> utoipa::openapi::OpenApi {
    let mut doc = Base::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "reference",
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
pub async fn openapi() -> Json<serde_json::Value> {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    Json(
        DOCUMENT
            .get_or_init(|| serde_json::to_value(super::openapi_document()).unwrap_or_default())
            .clone(),
    )
}

const EXPLORER: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sicc API explorer</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 0 auto; padding: 1rem; line-height: 1.4; }
details { border: 1px solid #d8dde3; border-radius: 6px; margin: .4rem 0; padding: .3rem .6rem; }
summary { cursor: pointer; } .m { display: inline-block; width: 4.5rem; font-weight: 700; }
label { display: block; margin: .2rem 0; } input, textarea { font-family: monospace; width: 100%; box-sizing: border-box; }
pre { background: #f3f5f7; padding: .5rem; overflow: auto; max-height: 24rem; }
</style></head><body>
<h1>sicc API explorer</h1>
<p><a href="/">Back to the node</a> · <a href="/api/v1/openapi.json">openapi.json</a>. Requests go to this node.</p>
<div id="ops" aria-live="polite">Loading the API description…</div>
<script>
(function () {
  function el(tag, attrs, text) { var e = document.createElement(tag); for (var k in attrs || {}) e.setAttribute(k, attrs[k]); if (text) e.textContent = text; return e; }
  fetch('/api/v1/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
    var root = document.getElementById('ops'); root.textContent = '';
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method], d = el('details'), s = el('summary');
        s.appendChild(el('span', {'class': 'm'}, method.toUpperCase())); s.appendChild(document.createTextNode(path + ' — ' + op.summary));
        d.appendChild(s);
        var form = el('form'), inputs = {};
        (op.parameters || []).forEach(function (p, i) {
          var id = 'p' + Math.random().toString(36).slice(2);
          var l = el('label', {'for': id}, p.name + ' (' + p['in'] + (p.required ? ', required' : '') + '): ' + (p.description || ''));
          var inp = el('input', {id: id, name: p.name}); inputs[p.name] = [p, inp]; form.appendChild(l); form.appendChild(inp);
        });
        var bodyArea = null;
        if (op.requestBody) {
          var media = op.requestBody.content['application/json'] || {}, ex = media.example;
          var id = 'b' + Math.random().toString(36).slice(2);
          form.appendChild(el('label', {'for': id}, 'JSON body'));
          bodyArea = el('textarea', {id: id, rows: 6}); bodyArea.value = ex === undefined ? '{}' : JSON.stringify(ex, null, 2); form.appendChild(bodyArea);
        }
        var btn = el('button', {type: 'submit'}, 'Send'); form.appendChild(btn);
        var out = el('pre'); form.appendChild(out);
        form.addEventListener('submit', function (ev) {
          ev.preventDefault();
          var url = path, query = [];
          Object.keys(inputs).forEach(function (n) {
            var p = inputs[n][0], v = inputs[n][1].value; if (!v) return;
            if (p['in'] === 'path') url = url.replace('{' + n + '}', encodeURIComponent(v)); else query.push(encodeURIComponent(n) + '=' + encodeURIComponent(v));
          });
          if (query.length) url += '?' + query.join('&');
          var init = {method: method.toUpperCase(), headers: {}};
          if (bodyArea) { init.body = bodyArea.value; init.headers['content-type'] = 'application/json'; }
          out.textContent = '…';
          fetch(url, init).then(function (r) { return r.text().then(function (t) {
            var shown = t; try { shown = JSON.stringify(JSON.parse(t), null, 2); } catch (e) {}
            out.textContent = r.status + ' ' + r.statusText + '\n\n' + shown; }); })
            .catch(function (e) { out.textContent = String(e); });
        });
        d.appendChild(form); root.appendChild(d);
      });
    });
  });
})();
</script></body></html>"#;

/// `GET /api/docs`.
/// The explorer's one inline script, exactly as served (its hash goes in the CSP).
pub(super) fn explorer_script() -> &'static str {
    EXPLORER
        .split_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map_or("", |(script, _)| script)
}

pub async fn explorer() -> Html<&'static str> {
    Html(EXPLORER)
}
