//! `sicc demo`: four national nodes in one process, federated over libp2p on this machine, each
//! sharing its sample data with the other three.

use super::admin::{Signals, init, start_failure};
use super::client::{Client, ClientError};
use super::import::import_values;
use super::staff::catalog_path;
use super::{DemoArgs, EXIT_FAILURE, Failure, ImportMode, InitArgs};
use crate::config::{Config, Overrides};
use crate::node::{self, RunningNode};
use crate::p2p::identity::NodeIdentity;
use crate::transfer::InputRecord;
use serde_json::{Value, json};
use sicc_protocol::record::FieldError;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The demo's four national nodes: directory, country, name, sample file.
const DEMO_NODES: [(&str, &str, &str, usize); 4] = [
    ("es", "ES", "SICC Spain (demo)", 0),
    ("fr", "FR", "SICC France (demo)", 1),
    ("se", "SE", "SICC Sweden (demo)", 2),
    ("lv", "LV", "SICC Latvia (demo)", 3),
];

/// How long the demo waits for the nodes to exchange their catalogues before showing them.
const EXCHANGE_WAIT: Duration = Duration::from_secs(120);

/// A catalogue one demo node shares, and how many entries it published.
struct Shared {
    catalog: String,
    entries: usize,
}

pub async fn demo(dir: &Path, args: &DemoArgs) -> Result<(), Failure> {
    let dir = if dir.ends_with(".local/share/sicc") {
        PathBuf::from("sicc-demo")
    } else {
        dir.to_owned()
    };
    let ids = identities(&dir, args)?;
    // The demo's own lines are the point; the four nodes' logs only when asked (SICC_LOG=info).
    crate::telemetry::init(crate::config::LogFormat::Pretty, "warn");
    let nodes = start_nodes(&dir, args, &ids).await?;
    // Each node's local credential (written beside it at start) makes the demo its admin.
    let clients: Vec<Client> = DEMO_NODES
        .iter()
        .map(|(sub, ..)| Client::from_cli(None, &dir.join(sub)))
        .collect::<Result<_, _>>()?;
    let login = staff_logins(&clients).await?;
    let (mut shared, waiting) = share_samples(&clients, &ids).await?;
    subscribe_to_the_others(&clients, &shared).await?;
    let total: usize = shared.iter().map(|s| s.entries).sum();
    println!("\nWaiting for the four nodes to exchange their catalogues ({total} entries)...");
    wait_for_exchange(&clients, &shared, total).await?;
    share_cross_border(&clients, &mut shared, waiting).await?;
    let total: usize = shared.iter().map(|s| s.entries).sum();
    println!("Loading the records that link across borders ({total} entries in all)...");
    wait_for_exchange(&clients, &shared, total).await?;
    print_guide(&dir, &nodes, &shared, total, &login);
    let token = nodes[0].shutdown_token();
    let tokens: Vec<_> = nodes.iter().map(|n| n.shutdown_token()).collect();
    tokio::spawn(async move {
        Signals::listen().wait().await;
        for t in tokens {
            t.cancel();
        }
    });
    token.cancelled().await;
    for n in nodes {
        n.stopped().await;
    }
    Ok(())
}

fn api_port(args: &DemoArgs, node: usize) -> u16 {
    args.api_listen.port() + node as u16
}

fn p2p_port(args: &DemoArgs, node: usize) -> u16 {
    api_port(args, 10 + node)
}

/// Creates the identities that do not exist yet and returns every node's id: the roster of
/// each node lists all four.
fn identities(dir: &Path, args: &DemoArgs) -> Result<Vec<String>, Failure> {
    let mut ids = Vec::new();
    for (i, (sub, country, name, _)) in DEMO_NODES.iter().enumerate() {
        let node_dir = dir.join(sub);
        if !node_dir.join(crate::p2p::identity::IDENTITY_FILE).exists() {
            init(
                &node_dir,
                &InitArgs {
                    name: (*name).into(),
                    country: (*country).into(),
                    api_listen: SocketAddr::new(args.api_listen.ip(), api_port(args, i)),
                    p2p_listen: Vec::new(),
                },
                false,
            )?;
        }
        ids.push(NodeIdentity::load(&node_dir)?.node_id());
    }
    Ok(ids)
}

/// Writes each node's config.toml (loopback addresses, the shared roster, a quicker
/// anti-entropy round than production) and starts the four nodes.
async fn start_nodes(
    dir: &Path,
    args: &DemoArgs,
    ids: &[String],
) -> Result<Vec<RunningNode>, Failure> {
    let mut roster = String::new();
    for (i, (_, country, name, _)) in DEMO_NODES.iter().enumerate() {
        roster.push_str(&format!(
            "\n[[members]]\nname = \"{name}\"\ncountry = \"{country}\"\nnode_id = \"{}\"\naddrs = [\"/ip4/127.0.0.1/tcp/{}\", \"/ip4/127.0.0.1/udp/{}/quic-v1\"]\n",
            ids[i],
            p2p_port(args, i),
            p2p_port(args, i)
        ));
    }
    let mut nodes = Vec::new();
    for (i, (sub, country, name, _)) in DEMO_NODES.iter().enumerate() {
        let node_dir = dir.join(sub);
        let api = SocketAddr::new(args.api_listen.ip(), api_port(args, i));
        let text = Config::with_p2p_listen(
            &Config::template(name, country, api),
            &[
                format!("/ip4/127.0.0.1/tcp/{}", p2p_port(args, i)),
                format!("/ip4/127.0.0.1/udp/{}/quic-v1", p2p_port(args, i)),
            ],
        )
        .replace("anti_entropy_secs = 30", "anti_entropy_secs = 10")
            + &roster;
        std::fs::write(node_dir.join(crate::config::CONFIG_FILE), text)
            .map_err(|e| Failure::new(EXIT_FAILURE, format!("{}: {e}", node_dir.display())))?;
        let config = Config::load(&node_dir, &Overrides::default())?;
        nodes.push(node::start(config).await.map_err(start_failure)?);
    }
    Ok(nodes)
}

/// Each centre loads its own sample data, publishes what it may share into its catalogue
/// `replication`, and lets the other three read it. Records that link to a partner's record
/// (a replication case naming a partner's initiative) are returned, to be loaded once the partners'
/// entries have arrived: see [`share_cross_border`].
async fn share_samples(
    clients: &[Client],
    ids: &[String],
) -> Result<(Vec<Shared>, Vec<Vec<InputRecord>>), Failure> {
    let mut shared = Vec::new();
    let mut waiting = Vec::new();
    for (i, (_, country, _, file)) in DEMO_NODES.iter().enumerate() {
        let c = &clients[i];
        let (name, text) = crate::sample::FILES[*file];
        let items = crate::transfer::parse_json(text);
        let outcome = import_values(c, items, ImportMode::Import, false).await?;
        let (later, wrong): (Vec<_>, Vec<_>) =
            outcome.rejected.into_iter().partition(|(_, _, errors)| {
                errors.iter().all(|e| e.message.contains("does not exist"))
            });
        refuse_rejections(name, &wrong)?;
        waiting.push(
            later
                .into_iter()
                .map(|(line, v, _)| (line, Ok(v)))
                .collect(),
        );
        let catalog = format!("{}/replication", ids[i]);
        let create = c
            .post_json(
                "/api/v1/catalogs",
                &json!({"name": "replication",
                        "title": {"en": format!("{country} practices open to replication")},
                        "description": {"en": "Initiatives, lessons, tools and plans this centre shares with the consortium."}}),
            )
            .await;
        match create {
            // A second run finds the catalogue of the first.
            Ok(_) | Err(ClientError::Api { status: 409, .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let entries = publish_shareable(c, &catalog, None).await?;
        for (j, other) in ids.iter().enumerate() {
            if j != i {
                // Writers may add their own annotation to an entry: a partner considering
                // an initiative for replication tells its owner so.
                c.post_json(
                    &format!("{}/grant", catalog_path(&catalog)?),
                    &json!({"node_id": other, "role": "writer"}),
                )
                .await?;
            }
        }
        shared.push(Shared { catalog, entries });
    }
    Ok((shared, waiting))
}

/// A sample record the demo could not load is a defect of the sample or of sicc: say which,
/// and stop, rather than show a demo with records silently missing.
fn refuse_rejections(
    file: &str,
    rejected: &[(usize, Value, Vec<FieldError>)],
) -> Result<(), Failure> {
    if rejected.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = rejected
        .iter()
        .flat_map(|(line, v, errors)| {
            errors.iter().map(move |e| {
                format!(
                    "  {file} line {} ({}): {}: {}",
                    line % 10_000,
                    v["id"],
                    e.field,
                    e.message
                )
            })
        })
        .collect();
    Err(Failure::new(
        EXIT_FAILURE,
        format!("the demo's sample data was refused:\n{}", lines.join("\n")),
    ))
}

/// Publishes every record of this node that may be shared into `catalog`: all of them, or
/// only those of `only`. Returns how many.
async fn publish_shareable(
    c: &Client,
    catalog: &str,
    only: Option<&[String]>,
) -> Result<usize, Failure> {
    let path = catalog_path(catalog)?;
    let local = c.get("/api/v1/records?origin=local&limit=1000").await?;
    let mut entries = 0;
    for r in local["records"].as_array().into_iter().flatten() {
        if r["access_level"] == "local" || r["kind"] == "person" {
            continue;
        }
        if only.is_some_and(|ids| !ids.iter().any(|id| r["id"] == id.as_str())) {
            continue;
        }
        c.post_json(&format!("{path}/publish"), &json!({"id": r["id"]}))
            .await?;
        entries += 1;
    }
    Ok(entries)
}

/// Once the partners' entries are here, each centre loads the records that link across
/// borders: those of its own file that waited, and the replication cases of `cross.ndjson`
/// (on the node of the country replicating, else of the country of origin; a record naming no
/// country goes where the first record it links to went). Every one must be accepted.
async fn share_cross_border(
    clients: &[Client],
    shared: &mut [Shared],
    waiting: Vec<Vec<InputRecord>>,
) -> Result<(), Failure> {
    let (name, text) = crate::sample::FILES[4];
    let mut per_node = waiting;
    let mut placed: Vec<(String, usize)> = Vec::new();
    for (line, item) in crate::transfer::parse_json(text) {
        let v = item.map_err(|e| Failure::new(EXIT_FAILURE, format!("{name} line {line}: {e}")))?;
        let country = |field: &str| {
            DEMO_NODES
                .iter()
                .position(|(_, c, ..)| v[field].as_str() == Some(*c))
        };
        let linked = || {
            placed.iter().find_map(|(id, node)| {
                v.to_string()
                    .contains(&format!("\"{id}\""))
                    .then_some(*node)
            })
        };
        let node = country("target_country")
            .or_else(|| country("origin_country"))
            .or_else(linked)
            .unwrap_or(0);
        placed.push((v["id"].as_str().unwrap_or_default().to_owned(), node));
        per_node[node].push((40_000 + line, Ok(v)));
    }
    for (i, items) in per_node.into_iter().enumerate() {
        if items.is_empty() {
            continue;
        }
        let ids: Vec<String> = items
            .iter()
            .filter_map(|(_, v)| v.as_ref().ok()?["id"].as_str().map(str::to_owned))
            .collect();
        let outcome = import_values(&clients[i], items, ImportMode::Import, false).await?;
        refuse_rejections(DEMO_NODES[i].0, &outcome.rejected)?;
        shared[i].entries += publish_shareable(&clients[i], &shared[i].catalog, Some(&ids)).await?;
    }
    Ok(())
}

async fn subscribe_to_the_others(clients: &[Client], shared: &[Shared]) -> Result<(), Failure> {
    for (i, c) in clients.iter().enumerate() {
        for (j, s) in shared.iter().enumerate() {
            if i != j {
                c.post_json(
                    &format!("{}/subscribe", catalog_path(&s.catalog)?),
                    &json!({}),
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Waits until every node holds the entries the other three published, or gives up after
/// [`EXCHANGE_WAIT`] (the demo is then shown half synced rather than not at all).
async fn wait_for_exchange(
    clients: &[Client],
    shared: &[Shared],
    total: usize,
) -> Result<(), Failure> {
    let deadline = Instant::now() + EXCHANGE_WAIT;
    loop {
        let mut done = true;
        for (i, c) in clients.iter().enumerate() {
            let expected = total - shared[i].entries;
            let records = c.get("/api/v1/records?origin=shared&limit=1000").await?;
            done &= records["records"].as_array().map_or(0, Vec::len) >= expected;
        }
        if done || Instant::now() > deadline {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The staff login and the API token the demo creates on each node (printed in the guide).
struct DemoLogin {
    password: String,
    token: String,
}

/// Creates the admin `demo`, with a random password, and a viewer API token `demo-curl` on
/// each node: the demo has no default password either.
async fn staff_logins(clients: &[Client]) -> Result<DemoLogin, Failure> {
    let password = crate::accounts::random_secret();
    let mut token = String::new();
    for (i, c) in clients.iter().enumerate() {
        let exists = c
            .get("/api/v1/admin/users")
            .await?
            .to_string()
            .contains("\"name\":\"demo\"");
        if exists {
            c.patch_json("/api/v1/admin/users/demo", &json!({"password": password}))
                .await?;
        } else {
            c.post_json(
                "/api/v1/admin/users",
                &json!({"name": "demo", "role": "admin", "password": password}),
            )
            .await?;
        }
        if i == 0 {
            let _ = c.delete("/api/v1/admin/tokens/demo-curl").await;
            let made = c
                .post_json(
                    "/api/v1/admin/tokens",
                    &json!({"name": "demo-curl", "role": "viewer"}),
                )
                .await?;
            token = made["token"].as_str().unwrap_or_default().to_owned();
        }
    }
    Ok(DemoLogin { password, token })
}

fn print_guide(
    dir: &Path,
    nodes: &[RunningNode],
    shared: &[Shared],
    total: usize,
    login: &DemoLogin,
) {
    let sicc = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "sicc".into());
    println!(
        "\nsicc demo: four national nodes, federated over libp2p (TCP and QUIC) on this machine.\n"
    );
    for (i, (sub, country, name, _)) in DEMO_NODES.iter().enumerate() {
        println!(
            "  {country}  {name:<22} {url}   {sicc} --data-dir {d} status",
            url = nodes[i].api_url(),
            d = dir.join(sub).display()
        );
    }
    println!(
        "\nOpen a node in a browser and log in as `demo`, password `{}` (an admin; \
         `sicc user add` makes more accounts).",
        login.password
    );
    let lv = dir.join("lv");
    println!(
        "\nEach node shares its catalogue `replication` ({total} entries in all) and subscribes to the other three.\n\n\
         Try:\n  \
         curl -H 'Authorization: Bearer {token}' '{es}/api/v1/records?origin=shared&country=LV&kind=initiative'\n  \
         {sicc} --data-dir {lv} catalog list\n  \
         {sicc} --data-dir {lv} peers\n  \
         curl -N -H 'Authorization: Bearer {token}' {es}/api/v1/events      # live: entries, peers\n\n\
         Publish on LV, read on ES, FR and SE within a second:\n  \
         {sicc} --data-dir {lv} records put my-record.json && {sicc} --data-dir {lv} catalog publish {cat} <id>\n\n\
         The nodes log warnings only; SICC_LOG=info shows what they do.\n\
         Stop with Ctrl-C.",
        es = nodes[0].api_url(),
        token = login.token,
        lv = lv.display(),
        cat = shared[3].catalog,
    );
}
