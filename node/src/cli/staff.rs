//! Staff commands about the node and the federation: `status`, `peers`, `healthcheck`,
//! `search` and `catalog ...`, through the running daemon's API.

use super::client::{Client, ClientError};
use super::output::{plain, print_json};
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
    for key in STATUS_KEYS {
        println!("{key:16}{}", plain(&status[key]));
    }
    if let Some(kinds) = status["records_by_kind"].as_object() {
        for (k, n) in kinds {
            println!("  {k:22}{n}");
        }
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

fn print_peers(peers: &Value) {
    println!(
        "{:<28} {:<3} {:<10} {:<26} {:>12}",
        "PEER", "CC", "CONNECTED", "LAST SYNC", "DOCS BEHIND"
    );
    for p in peers["peers"].as_array().into_iter().flatten() {
        println!(
            "{:<28} {:<3} {:<10} {:<26} {:>12}",
            plain(&p["name"]),
            plain(&p["country"]),
            if p["connected"].as_bool() == Some(true) {
                "yes"
            } else {
                "no"
            },
            p["last_sync_at"].as_str().unwrap_or("never"),
            plain(&p["docs_behind"]),
        );
    }
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
    println!("{:38}  {:18}  {:48}  ORIGIN", "ID", "KIND", "TITLE");
    for h in v["hits"].as_array().into_iter().flatten() {
        let title: String = plain(&h["title"]).chars().take(48).collect();
        let origin = match h["origin"].as_str() {
            Some("local") | None => "local".to_owned(),
            Some(node) => format!("shared by …{}", &node[node.len().saturating_sub(8)..]),
        };
        println!(
            "{:38}  {:18}  {:48}  {origin}",
            plain(&h["id"]),
            plain(&h["kind"]),
            title
        );
    }
    if args.facets
        && let Some(facets) = v["facets"].as_object()
    {
        for (name, buckets) in facets {
            let values: Vec<String> = buckets
                .as_array()
                .into_iter()
                .flatten()
                .take(12)
                .map(|b| format!("{} ({})", plain(&b["value"]), plain(&b["count"])))
                .collect();
            if !values.is_empty() {
                println!("{name:18}{}", values.join(", "));
            }
        }
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
    let out = match cmd {
        CatalogCommand::List => {
            let v = client.get("/api/v1/catalogs").await?;
            if !json {
                println!(
                    "{:<12} {:<8} {:<40} {:<24} ID",
                    "ROLE", "ENTRIES", "TITLE", "OWNER"
                );
                for c in v["catalogs"].as_array().into_iter().flatten() {
                    let title = c["title"]["en"]
                        .as_str()
                        .or_else(|| c["title"].as_object()?.values().next()?.as_str())
                        .unwrap_or("");
                    let role = match c["subscription"].as_str() {
                        Some(s) if c["role"] != "subscriber" => {
                            format!("{} ({s})", plain(&c["role"]))
                        }
                        _ => plain(&c["role"]),
                    };
                    println!(
                        "{:<12} {:<8} {:<40} {:<24} {}",
                        role,
                        plain(&c["entries"]),
                        title,
                        plain(&c["owner_name"]),
                        plain(&c["id"])
                    );
                }
                return Ok(());
            }
            v
        }
        CatalogCommand::Create {
            name,
            title,
            title_lang,
            description,
        } => {
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
            client.post_json("/api/v1/catalogs", &body).await?
        }
        CatalogCommand::Show { catalog } => client.get(&catalog_path(catalog)?).await?,
        CatalogCommand::Publish { catalog, ids } | CatalogCommand::Unpublish { catalog, ids } => {
            let verb = if matches!(cmd, CatalogCommand::Publish { .. }) {
                "publish"
            } else {
                "unpublish"
            };
            let path = format!("{}/{verb}", catalog_path(catalog)?);
            let mut results = Vec::new();
            for id in ids {
                results.push(client.post_json(&path, &json!({"id": id})).await?);
                if !json {
                    println!("{verb}ed {id}");
                }
            }
            if !json {
                return Ok(());
            }
            json!(results)
        }
        CatalogCommand::Grant {
            catalog,
            node_id,
            role,
        } => {
            let path = format!("{}/grant", catalog_path(catalog)?);
            client
                .post_json(&path, &json!({"node_id": node_id, "role": role}))
                .await?
        }
        CatalogCommand::Revoke { catalog, node_id } => {
            let path = format!("{}/revoke", catalog_path(catalog)?);
            client
                .post_json(&path, &json!({"node_id": node_id}))
                .await?
        }
        CatalogCommand::Subscribe { catalog } => {
            let path = format!("{}/subscribe", catalog_path(catalog)?);
            client.post_json(&path, &json!({})).await?
        }
        CatalogCommand::Unsubscribe { catalog } => {
            let path = format!("{}/unsubscribe", catalog_path(catalog)?);
            client.post_json(&path, &json!({})).await?
        }
        CatalogCommand::Requests => client.get("/api/v1/subscriptions").await?,
    };
    print_json(&out);
    Ok(())
}
