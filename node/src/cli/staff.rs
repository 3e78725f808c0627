//! Staff commands about the node and the federation: `status`, `peers`, `healthcheck`,
//! `search` and `catalog ...`. Each asks the running daemon's API and prints a table, or the
//! API's JSON with `--json`.

use super::client::{Client, ClientError};
use super::output::{TextTable, plain, print_json, seconds, yes_no};
use super::{CatalogCommand, EXIT_FAILURE, EXIT_REJECTED, Failure, SearchArgs};
use serde_json::{Value, json};

/// Keys of `/api/v1/status` that `sicc status` shows, in this order.
const STATUS_KEYS: [&str; 11] = [
    "name",
    "country",
    "node_id",
    "version",
    "schema_version",
    "records",
    "audit_entries",
    "uptime_secs",
    "storage_bytes",
    "search_documents",
    "actor_epoch",
];

/// Facet values `sicc search --facets` shows per facet.
const FACET_VALUES_SHOWN: usize = 12;

/// Widest title in the `catalog list` and `search` tables, in display columns.
const TITLE_WIDTH: u16 = 44;

/// `sicc healthcheck`: exit 0 when ready. Prints the checks as the API's JSON on one line,
/// which health-check logs keep whole.
pub async fn healthcheck(client: &Client) -> Result<(), Failure> {
    match client.get("/readyz").await {
        Ok(v) => {
            println!("ready: {}", v["checks"]);
            Ok(())
        }
        Err(ClientError::Api { status, .. }) => Err(Failure::new(
            EXIT_FAILURE,
            format!("not ready (HTTP {status}): see /readyz for which check failed"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `sicc status`: the node, its records by kind, and every peer's sync state.
pub async fn status(client: &Client, json: bool) -> Result<(), Failure> {
    let mut status = client.get("/api/v1/status").await?;
    let peers = client.get("/api/v1/peers").await?;
    if json {
        status["peers"] = peers["peers"].clone();
        status["rejected_changes"] = peers["rejected_changes"].clone();
        print_json(&status);
        return Ok(());
    }
    let mut node = TextTable::key_value();
    for key in STATUS_KEYS {
        node.pair(key, plain(&status[key]));
    }
    node.print();
    if let Some(kinds) = status["records_by_kind"].as_object() {
        let mut by_kind = TextTable::new(&["KIND", "RECORDS"]);
        for (kind, n) in kinds {
            by_kind.row([kind.clone(), plain(n)]);
        }
        by_kind.align_right(1);
        println!();
        by_kind.print();
    }
    println!();
    print_peers(&peers);
    Ok(())
}

/// `sicc peers`: the federation's members and their sync state with this node.
pub async fn peers(client: &Client, json: bool) -> Result<(), Failure> {
    let peers = client.get("/api/v1/peers").await?;
    if json {
        print_json(&peers);
    } else {
        print_peers(&peers);
    }
    Ok(())
}

/// When a peer last completed a sync session, or `never`.
fn last_sync(at: &Value) -> String {
    match at.as_str() {
        Some(_) => seconds(at),
        None => "never".into(),
    }
}

fn print_peers(peers: &Value) {
    let mut table = TextTable::new(&["PEER", "CC", "CONNECTED", "LAST SYNC", "DOCS BEHIND"]);
    for p in peers["peers"].as_array().into_iter().flatten() {
        table.row([
            plain(&p["name"]),
            plain(&p["country"]),
            yes_no(&p["connected"]).to_owned(),
            last_sync(&p["last_sync_at"]),
            plain(&p["docs_behind"]),
        ]);
    }
    table.align_right(4);
    table.print();
    if let Some(r) = peers["rejected_changes"]
        .as_object()
        .filter(|r| !r.is_empty())
    {
        println!("rejected changes: {}", Value::Object(r.clone()));
    }
}

/// `sicc search`: hits, then (with `--facets`) the counts per facet value.
pub async fn search(client: &Client, args: &SearchArgs, json: bool) -> Result<(), Failure> {
    let mut query: Vec<(String, String)> = vec![
        ("q".into(), args.query.join(" ")),
        ("sort".into(), args.sort.clone()),
        ("limit".into(), args.limit.to_string()),
        ("offset".into(), args.offset.to_string()),
    ];
    for f in &args.filters {
        let (k, v) = f.split_once('=').ok_or_else(|| {
            Failure::new(EXIT_REJECTED, format!("--where `{f}`: use FACET=VALUE"))
        })?;
        query.push((k.into(), v.into()));
    }
    let encoded = serde_urlencoded::to_string(&query).unwrap_or_default();
    let v = client.get(&format!("/api/v1/search?{encoded}")).await?;
    if json {
        print_json(&v);
        return Ok(());
    }
    println!("{} found", plain(&v["total"]));
    let mut hits = TextTable::new(&["ID", "KIND", "TITLE", "ORIGIN"]);
    for h in v["hits"].as_array().into_iter().flatten() {
        let origin = match h["origin"].as_str() {
            Some("local") | None => "local".to_owned(),
            Some(node) => format!("shared by …{}", &node[node.len().saturating_sub(8)..]),
        };
        hits.row([
            plain(&h["id"]),
            plain(&h["kind"]),
            plain(&h["title"]),
            origin,
        ]);
    }
    hits.max_width(2, TITLE_WIDTH);
    hits.print();
    if args.facets
        && let Some(facets) = v["facets"].as_object()
    {
        let mut table = TextTable::new(&["FACET", "VALUES (COUNT)"]);
        for (name, buckets) in facets {
            let values: Vec<String> = buckets
                .as_array()
                .into_iter()
                .flatten()
                .take(FACET_VALUES_SHOWN)
                .map(|b| format!("{} ({})", plain(&b["value"]), plain(&b["count"])))
                .collect();
            if !values.is_empty() {
                table.pair(name, values.join(", "));
            }
        }
        println!();
        table.print();
    }
    Ok(())
}

/// The API path of a catalogue id `owner-node-id/name`.
pub(super) fn catalog_path(catalog: &str) -> Result<String, Failure> {
    let (owner, name) = catalog.split_once('/').ok_or_else(|| {
        Failure::new(
            EXIT_REJECTED,
            format!("`{catalog}` is not a catalogue id (owner-node-id/name)"),
        )
    })?;
    Ok(format!("/api/v1/catalogs/{owner}/{name}"))
}

/// `sicc catalog ...`.
pub async fn catalog(client: &Client, cmd: &CatalogCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        CatalogCommand::List => catalog_list(client, json).await,
        CatalogCommand::Create {
            name,
            title,
            title_lang,
            description,
        } => {
            catalog_create(
                client,
                name,
                title,
                title_lang,
                description.as_deref(),
                json,
            )
            .await
        }
        CatalogCommand::Show { catalog } => catalog_show(client, catalog, json).await,
        CatalogCommand::Publish { catalog, ids } => {
            catalog_entries(client, catalog, ids, EntryChange::Publish, json).await
        }
        CatalogCommand::Unpublish { catalog, ids } => {
            catalog_entries(client, catalog, ids, EntryChange::Unpublish, json).await
        }
        CatalogCommand::Grant {
            catalog,
            node_id,
            role,
        } => {
            let body = json!({"node_id": node_id, "role": role});
            catalog_access(client, catalog, "grant", &body, role, json).await
        }
        CatalogCommand::Revoke { catalog, node_id } => {
            let body = json!({"node_id": node_id});
            catalog_access(client, catalog, "revoke", &body, "none (revoked)", json).await
        }
        CatalogCommand::Subscribe { catalog } => {
            catalog_subscription(client, catalog, "subscribe", json).await
        }
        CatalogCommand::Unsubscribe { catalog } => {
            catalog_subscription(client, catalog, "unsubscribe", json).await
        }
        CatalogCommand::Requests => catalog_requests(client, json).await,
    }
}

/// A catalogue's title in English, else in its first language.
fn title_of(catalog: &Value) -> String {
    catalog["title"]["en"]
        .as_str()
        .or_else(|| catalog["title"].as_object()?.values().next()?.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// The names of a manifest's member list (`readers`, `writers`), `-` if none.
fn names(members: &Value) -> String {
    let names: Vec<String> = members
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| plain(&m["name"]))
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}

async fn catalog_list(client: &Client, json: bool) -> Result<(), Failure> {
    let v = client.get("/api/v1/catalogs").await?;
    if json {
        print_json(&v);
        return Ok(());
    }
    let mut table = TextTable::new(&["ROLE", "ENTRIES", "TITLE", "OWNER", "ID"]);
    for c in v["catalogs"].as_array().into_iter().flatten() {
        let role = match c["subscription"].as_str() {
            Some(s) if c["role"] != "subscriber" => format!("{} ({s})", plain(&c["role"])),
            _ => plain(&c["role"]),
        };
        table.row([
            role,
            plain(&c["entries"]),
            title_of(c),
            plain(&c["owner_name"]),
            plain(&c["id"]),
        ]);
    }
    table.align_right(1).max_width(2, TITLE_WIDTH);
    table.print();
    Ok(())
}

async fn catalog_create(
    client: &Client,
    name: &str,
    title: &str,
    title_lang: &[String],
    description: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let mut titles = serde_json::Map::new();
    titles.insert("en".into(), json!(title));
    for t in title_lang {
        let (lang, text) = t.split_once('=').ok_or_else(|| {
            Failure::new(EXIT_REJECTED, format!("--title-lang `{t}`: use lang=text"))
        })?;
        titles.insert(lang.into(), json!(text));
    }
    let mut body = json!({"name": name, "title": titles});
    if let Some(d) = description {
        body["description"] = json!({"en": d});
    }
    let created = client.post_json("/api/v1/catalogs", &body).await?;
    if json {
        print_json(&created);
    } else {
        manifest_table(&created).print();
    }
    Ok(())
}

/// A catalogue's manifest as a key/value table: id, titles and descriptions per language,
/// owner, this node's role, entries, readers and writers.
fn manifest_table(c: &Value) -> TextTable {
    let mut table = TextTable::key_value();
    table.pair("catalogue", plain(&c["id"]));
    for field in ["title", "description"] {
        for (lang, text) in c[field].as_object().into_iter().flatten() {
            table.pair(&format!("{field}.{lang}"), plain(text));
        }
    }
    table
        .pair("owner", plain(&c["owner_name"]))
        .pair("role", plain(&c["role"]))
        .pair_if_set("version", plain(&c["version"]))
        .pair_if_set("entries", plain(&c["entries"]))
        .pair("readers", names(&c["readers"]))
        .pair("writers", names(&c["writers"]));
    table
}

async fn catalog_show(client: &Client, catalog: &str, json: bool) -> Result<(), Failure> {
    let c = client.get(&catalog_path(catalog)?).await?;
    if json {
        print_json(&c);
        return Ok(());
    }
    let mut manifest = manifest_table(&c);
    manifest.pair_if_set("digest", plain(&c["digest"]));
    manifest.print();
    // An offer this node does not hold has no entries, requests or peers to show.
    if let Some(ids) = c["entry_ids"].as_array() {
        let mut entries = TextTable::new(&["ENTRY"]);
        for id in ids {
            entries.row([plain(id)]);
        }
        println!();
        entries.print();
    }
    if let Some(requests) = c["requests"].as_array().filter(|r| !r.is_empty()) {
        let mut table = TextTable::new(&["REQUEST FROM", "NODE ID", "STATUS", "SINCE"]);
        for r in requests {
            table.row([
                plain(&r["name"]),
                plain(&r["node_id"]),
                plain(&r["status"]),
                seconds(&r["at"]),
            ]);
        }
        println!();
        table.print();
    }
    if let Some(peers) = c["peers"].as_array().filter(|p| !p.is_empty()) {
        let mut table =
            TextTable::new(&["PEER", "LAST SYNC", "IN STEP", "DOCS DIFFERING", "ERROR"]);
        for p in peers {
            let sync = &p["sync"];
            table.row([
                plain(&p["name"]),
                last_sync(&sync["last_sync_at"]),
                yes_no(&sync["converged"]).to_owned(),
                plain(&sync["docs_differing"]),
                plain(&sync["last_error"]),
            ]);
        }
        table.align_right(3);
        println!();
        table.print();
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryChange {
    Publish,
    Unpublish,
}

/// `catalog publish` and `catalog unpublish`: one request per record, a table of what each did.
async fn catalog_entries(
    client: &Client,
    catalog: &str,
    ids: &[String],
    change: EntryChange,
    json: bool,
) -> Result<(), Failure> {
    let verb = match change {
        EntryChange::Publish => "publish",
        EntryChange::Unpublish => "unpublish",
    };
    let path = format!("{}/{verb}", catalog_path(catalog)?);
    let mut results = Vec::new();
    let mut table = TextTable::new(&["ID", "RESULT"]);
    for id in ids {
        let answer = match client.post_json(&path, &json!({"id": id})).await {
            Ok(answer) => answer,
            Err(e) => {
                // Say what was done before the failure, then the failure.
                if !json && !table.is_empty() {
                    table.print();
                }
                return Err(e.into());
            }
        };
        let result = match change {
            EntryChange::Publish if answer["changed"] == false => "unchanged",
            EntryChange::Publish => "published",
            EntryChange::Unpublish => "unpublished",
        };
        table.row([id.as_str(), result]);
        results.push(answer);
    }
    if json {
        print_json(&json!(results));
    } else {
        table.print();
    }
    Ok(())
}

/// `catalog grant` and `catalog revoke`: the member's access and the catalogue's readers and
/// writers after the change.
async fn catalog_access(
    client: &Client,
    catalog: &str,
    verb: &str,
    body: &Value,
    access: &str,
    json: bool,
) -> Result<(), Failure> {
    let path = format!("{}/{verb}", catalog_path(catalog)?);
    let c = client.post_json(&path, body).await?;
    if json {
        print_json(&c);
        return Ok(());
    }
    let mut table = TextTable::key_value();
    table
        .pair("catalogue", plain(&c["id"]))
        .pair("member", plain(&body["node_id"]))
        .pair("access", access)
        .pair("readers", names(&c["readers"]))
        .pair("writers", names(&c["writers"]));
    table.print();
    Ok(())
}

/// `catalog subscribe` and `catalog unsubscribe`.
async fn catalog_subscription(
    client: &Client,
    catalog: &str,
    verb: &str,
    json: bool,
) -> Result<(), Failure> {
    let path = format!("{}/{verb}", catalog_path(catalog)?);
    let answer = client.post_json(&path, &json!({})).await?;
    if json {
        print_json(&answer);
        return Ok(());
    }
    let mut table = TextTable::key_value();
    table
        .pair("catalogue", plain(&answer["catalog"]))
        .pair_if_set("status", plain(&answer["status"]))
        .pair_if_set("removed entries", plain(&answer["removed_entries"]));
    if !answer["owner_connected"].is_null() {
        table.pair("owner connected", yes_no(&answer["owner_connected"]));
    }
    table.print();
    Ok(())
}

/// `catalog requests`: requests received (to grant or revoke) and sent, in one table.
async fn catalog_requests(client: &Client, json: bool) -> Result<(), Failure> {
    let v = client.get("/api/v1/subscriptions").await?;
    if json {
        print_json(&v);
        return Ok(());
    }
    let mut table = TextTable::new(&[
        "DIRECTION",
        "CATALOGUE",
        "MEMBER",
        "NODE ID",
        "STATUS",
        "SINCE",
    ]);
    for r in v["incoming"].as_array().into_iter().flatten() {
        table.row([
            "received".to_owned(),
            plain(&r["catalog"]),
            plain(&r["name"]),
            plain(&r["node_id"]),
            plain(&r["status"]),
            seconds(&r["at"]),
        ]);
    }
    for r in v["outgoing"].as_array().into_iter().flatten() {
        let catalog = plain(&r["catalog"]);
        let owner = catalog.split_once('/').map(|(o, _)| o.to_owned());
        table.row([
            "sent".to_owned(),
            catalog.clone(),
            plain(&r["owner_name"]),
            owner.unwrap_or_default(),
            plain(&r["status"]),
            seconds(&r["at"]),
        ]);
    }
    table.print();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_shows_every_title_and_its_members_by_name() {
        let c = json!({
            "id": "12D3Koo/replication", "title": {"en": "Practices", "lv": "Prakses"},
            "description": {}, "owner_name": "this node", "role": "owner", "version": 2,
            "entries": 1, "readers": [{"node_id": "x", "name": "SICC Spain (ES)"}], "writers": [],
        });
        let text = manifest_table(&c).render();
        assert_eq!(
            text,
            "catalogue  12D3Koo/replication\n\
             title.en   Practices\n\
             title.lv   Prakses\n\
             owner      this node\n\
             role       owner\n\
             version    2\n\
             entries    1\n\
             readers    SICC Spain (ES)\n\
             writers    -"
        );
    }

    #[test]
    fn a_catalogue_id_needs_an_owner_and_a_name() {
        assert_eq!(
            catalog_path("abc/replication").unwrap(),
            "/api/v1/catalogs/abc/replication"
        );
        assert_eq!(catalog_path("replication").unwrap_err().code, EXIT_REJECTED);
    }
}
