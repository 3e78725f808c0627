//! The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`, and an API
//! explorer at `/api/docs` (hand-written, no third-party script: works offline).
//! `tests/tests/openapi.rs` checks that every route of the router is described here.

use axum::Json;
use axum::response::Html;
use serde_json::{Value, json};

fn param(name: &str, place: &str, description: &str, required: bool) -> Value {
    json!({"name": name, "in": place, "required": required, "description": description,
           "schema": {"type": "string"}})
}

fn q(name: &str, description: &str) -> Value {
    param(name, "query", description, false)
}

fn path(name: &str, description: &str) -> Value {
    param(name, "path", description, true)
}

fn ok(description: &str) -> Value {
    json!({
        "200": {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}},
        "default": {"$ref": "#/components/responses/Error"}
    })
}

fn body(description: &str, example: Value) -> Value {
    json!({"required": true, "description": description,
           "content": {"application/json": {"schema": {"type": "object"}, "example": example}}})
}

fn op(summary: &str, tag: &str, parameters: Vec<Value>, responses: Value) -> Value {
    json!({"summary": summary, "tags": [tag], "parameters": parameters, "responses": responses})
}

fn with_body(mut operation: Value, body: Value) -> Value {
    operation["requestBody"] = body;
    operation
}

/// The document.
pub fn document() -> Value {
    let filters = vec![
        q("kind", "record kind, e.g. initiative"),
        q(
            "q",
            "text in any title, summary or long-text field (accents and case ignored)",
        ),
        q("country", "ISO 3166-1 code; `a,b` means either"),
        q("nuts", "NUTS code prefix, e.g. LV00"),
        q("theme", "theme code"),
        q("target_group", "target group code"),
        q("esf_objective", "ESF+ objective, e.g. ESO4.11"),
        q("sdg", "SDG number"),
        q("stage", "stage code"),
        q("min_evidence_level", "Nesta evidence level at least 1-5"),
        q("origin", "all (default), local or shared"),
        q("updated_since", "RFC 3339 time"),
        q("limit", "page size, 1-1000 (default 50)"),
        q("cursor", "next_cursor of the previous page"),
    ];
    let catalog = || {
        vec![
            path("owner", "owner node id"),
            path("name", "catalogue name"),
        ]
    };
    let mut catalog_with_id = catalog();
    catalog_with_id.push(path("id", "entry (record) id"));
    let mut search_params = vec![
        q(
            "q",
            "words in any of es, fr, sv, lv, en; stemming, folding and typos handled",
        ),
        q("sort", "relevance (default) or date"),
        q("offset", "0-10000"),
        q("limit", "1-100 (default 20)"),
        q("min_evidence_level", "1-5"),
    ];
    for facet in crate::search::FACETS {
        search_params.push(q(facet, "facet filter; `a,b` means either"));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "sicc node API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The HTTP API of one sicc node: records (local and shared), search, catalogues, peers and live events. Errors are {\"error\": {\"code\", \"message\", \"field\", \"details\"}} with a stable code. Send x-sicc-actor to name yourself in the audit trail."
        },
        "paths": {
            "/healthz": {"get": op("Liveness", "operations", vec![], ok("the process answers"))},
            "/readyz": {"get": op("Readiness (storage, network, search index)", "operations", vec![], ok("ready; 503 otherwise"))},
            "/api/v1/admin/backup": {"post": with_body(op("Take an online backup (RocksDB checkpoint + identity + config) into a new directory", "operations", vec![], ok("{path, manifest, duration_ms}")),
                body("where", json!({"path": "/var/backups/sicc/2026-11-28"})))},
            "/metrics": {"get": op("Prometheus metrics (OpenMetrics text): sync, peers, catalogues, RocksDB, HTTP latency, libp2p", "operations", vec![], ok("text exposition"))},
            "/api/v1/status": {"get": op("Node identity and record counts", "operations", vec![], ok("status"))},
            "/api/v1/records": {
                "get": op("List local and shared records with filters", "records", filters, ok("{records, next_cursor}")),
                "post": with_body(op("Create a record", "records", vec![], ok("the stored record (201)")),
                    body("a record", json!({"kind": "initiative", "access_level": "consortium", "status": "active", "countries": ["LV"], "title": {"en": "Home care"}, "summary": {"en": "..."}})))
            },
            "/api/v1/records/{id}": {
                "get": op("Read a record (local, else shared)", "records", vec![path("id", "record id")], ok("the record; shared ones carry origin")),
                "put": with_body(op("Create or replace a record (If-Match: \"revision\" for optimistic concurrency)", "records", vec![path("id", "record id")], ok("the stored record")),
                    body("a record", json!({"kind": "initiative", "title": {"en": "..."}}))),
                "delete": op("Delete a record (erased from every catalogue it was published in)", "records", vec![path("id", "record id")], json!({"204": {"description": "deleted"}, "default": {"$ref": "#/components/responses/Error"}}))
            },
            "/api/v1/records/import": {"post": with_body(op("Import records (JSON array or NDJSON)", "records", vec![q("mode", "import (default), upsert or create")], ok("{imported, ids, failed}")),
                body("records", json!([{"kind": "initiative", "title": {"en": "..."}}])))},
            "/api/v1/audit": {"get": op("Audit trail, newest first", "records", vec![q("record", "record id"), q("limit", "1-1000")], ok("entries"))},
            "/api/v1/schema": {"get": op("Record kinds and their fields", "reference", vec![], ok("schema"))},
            "/api/v1/codes": {"get": op("Code lists", "reference", vec![], ok("lists"))},
            "/api/v1/codes/{list}": {"get": op("One code list", "reference", vec![path("list", "list name")], ok("codes"))},
            "/api/v1/search": {"get": op("Multilingual full-text and faceted search over local and shared records", "search", search_params, ok("{total, offset, limit, hits, facets}"))},
            "/api/v1/catalogs": {
                "get": op("Catalogues: owned, subscribed, requested and offered by connected members", "federation", vec![], ok("{catalogs}")),
                "post": with_body(op("Create a catalogue owned by this node", "federation", vec![], ok("the catalogue (201)")),
                    body("name, title and description", json!({"name": "replication", "title": {"en": "Practices open to replication"}, "description": {"en": "..."}})))
            },
            "/api/v1/catalogs/{owner}/{name}": {"get": op("A catalogue: manifest, entries, digest, requests, peers", "federation", catalog(), ok("catalogue"))},
            "/api/v1/catalogs/{owner}/{name}/entries/{id}": {"get": op("One shared document, its heads and history", "federation", catalog_with_id, ok("entry"))},
            "/api/v1/catalogs/{owner}/{name}/publish": {"post": with_body(op("Publish a local record's public projection", "federation", catalog(), ok("{changed}")), body("record id", json!({"id": "lv-samaritan-mobile-care"})))},
            "/api/v1/catalogs/{owner}/{name}/unpublish": {"post": with_body(op("Erase an entry everywhere (signed tombstone)", "federation", catalog(), ok("{erased}")), body("entry id", json!({"id": "lv-samaritan-mobile-care"})))},
            "/api/v1/catalogs/{owner}/{name}/annotate": {"post": with_body(op("Annotate an entry (writers)", "federation", catalog(), ok("{annotated}")), body("entry id and text", json!({"id": "lv-samaritan-mobile-care", "text": "We pilot this in 2027"})))},
            "/api/v1/catalogs/{owner}/{name}/grant": {"post": with_body(op("Grant a member read (or write) access (owner)", "federation", catalog(), ok("catalogue")), body("member and role", json!({"node_id": "12D3KooW...", "role": "reader"})))},
            "/api/v1/catalogs/{owner}/{name}/revoke": {"post": with_body(op("Revoke a member's access or refuse its request (owner)", "federation", catalog(), ok("catalogue")), body("member", json!({"node_id": "12D3KooW..."})))},
            "/api/v1/catalogs/{owner}/{name}/subscribe": {"post": op("Ask the owner for access", "federation", catalog(), ok("{status}"))},
            "/api/v1/catalogs/{owner}/{name}/unsubscribe": {"post": op("Stop holding a partner's catalogue (its entries are removed here)", "federation", catalog(), ok("{removed_entries}"))},
            "/api/v1/subscriptions": {"get": op("Subscription requests received and sent", "federation", vec![], ok("{incoming, outgoing}"))},
            "/api/v1/peers": {"get": op("Members: connection, last sync, documents behind, rejected changes", "federation", vec![], ok("{peers}"))},
            "/api/v1/events": {"get": {"summary": "Server-sent events: entry_arrived, entry_changed, entry_removed, peer_up, peer_down, subscription_requested, lagged", "tags": ["federation"],
                "responses": {"200": {"description": "an event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}}}},
            "/api/v1/openapi.json": {"get": op("This document", "reference", vec![], ok("OpenAPI 3.1"))}
        },
        "components": {
            "responses": {
                "Error": {"description": "an error with a stable code",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}, "details": {"type": "array"}}}}}}}}
            }
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<Value> {
    Json(document())
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
          var ex = op.requestBody.content['application/json'].example;
          var id = 'b' + Math.random().toString(36).slice(2);
          form.appendChild(el('label', {'for': id}, 'JSON body'));
          bodyArea = el('textarea', {id: id, rows: 6}); bodyArea.value = JSON.stringify(ex, null, 2); form.appendChild(bodyArea);
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
          var init = {method: method.toUpperCase(), headers: {'x-sicc-actor': 'api-explorer'}};
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
pub async fn explorer() -> Html<&'static str> {
    Html(EXPLORER)
}
