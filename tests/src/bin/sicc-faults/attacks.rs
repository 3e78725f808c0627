//! Attacks by a member: a node in every roster (it passes the handshake) that misbehaves. It
//! is a reader of LV's catalogue, a writer of SE's, and has no right on ES's and FR's. It runs
//! here, in the root namespace, over the real libp2p stack of `sicc_node`, and sends what an
//! honest node never would: reads and writes on catalogues it was never granted, changes
//! forged under another member's actor or under a manifest it signed itself, unsigned changes,
//! a valid change replayed into another catalogue, two changes with one actor and sequence
//! number (equivocation), a huge change, a 10,000-deep nesting, 5,000 tiny changes, an orphan
//! change, malformed and truncated changes, and an oversized frame. Then LV revokes it while
//! it is connected, and the run measures how long until every node refuses it.

use anyhow::{Context, Result, bail};
use automerge::transaction::Transactable;
use serde_json::{Value, json};
use sicc_node::p2p::network::{Member, NetworkConfig, NetworkHandle, spawn};
use sicc_node::sync::document::ANNOTATIONS;
use sicc_node::sync::replica::Replica;
use sicc_protocol::catalog::{CatalogId, ChangeSignature, Manifest};
use sicc_protocol::identity::{NodeId, NodeSigner};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{DocHeads, ErrorCode, Message, WIRE_VERSION, WireChange};
use sicc_tests::netns::NetnsFederation;
use sicc_tests::rogue::{
    annotation_of, changes_frame as changes, crafted, on_top_of, out_of_scope_writes,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the attacks achieved (all zero or refused, in a good run).
#[derive(Debug, Default)]
pub struct Report {
    /// Forged, unsigned, replayed or unauthorised changes that ended up applied on a node.
    pub forged_applied: usize,
    /// Answers carrying data to requests on catalogues the rogue may not read.
    pub unauthorised_served: usize,
    /// From LV's revoke to the last node refusing the rogue.
    pub revocation_delay_ms: Option<f64>,
    /// Nodes an honest edit of the equivocated document did not reach. Automerge cannot hold
    /// both branches; honest changes never build on another member's (SPEC.md §4.2), so none is
    /// stuck where the other branch was taken: 0 in a good run.
    pub honest_blocked: usize,
    /// Writes outside the writer's own annotation (the owner's fields, another member's
    /// annotation, a document of its own, the annotations map) found applied on a node.
    pub out_of_scope_applied: usize,
    /// The owner's local record changed by the writer's changes (the take-back attack).
    pub local_records_overwritten: usize,
    /// Files of the four nodes' data directories still holding a value erased before the
    /// attacks (the erasure canary), after the purge.
    pub erased_bytes_found: usize,
    /// Valid partners' entries quarantined on the four nodes at the end (only the entry SE
    /// signs with a newer code list is invalid, and it is not counted here).
    pub quarantined: usize,
    /// Nodes where the entry SE signs with a newer code list is not kept quarantined: listed,
    /// served as a record, missing from `/api/v1/peers`, or an error other than `409
    /// quarantined` — before or after the restart.
    pub invalid_entries_served: usize,
    /// Nodes that did not start again (`kill -9`, then `sicc run`) after the attacks, holding
    /// the invalid entry and everything the attacks left.
    pub nodes_failed_to_start: usize,
    /// The largest peak resident memory of the four nodes at the end of the attacks (VmHWM).
    pub peak_rss_under_attack_mb: Option<f64>,
    /// Rejected changes by reason, summed over the four nodes (`/metrics`).
    pub rejected: BTreeMap<String, f64>,
    /// One line per attack: what was sent and what came back.
    pub log: Vec<String>,
    pub problems: Vec<String>,
}

/// A peer the harness runs itself (a non-member, a rogue member) over the real libp2p stack.
pub struct Rogue {
    pub net: NetworkHandle,
    task: tokio::task::JoinHandle<()>,
    drain: tokio::task::JoinHandle<()>,
}

impl Rogue {
    /// Starts `identity`'s network, listening on `listen` and dialling `members`.
    pub fn start(
        identity: &sicc_node::p2p::identity::NodeIdentity,
        listen: String,
        members: Vec<Member>,
    ) -> Result<Rogue> {
        let mut metrics = sicc_node::metrics::NodeMetrics::new();
        let (net, mut events, task) = spawn(
            identity,
            NetworkConfig {
                listen: vec![listen],
                members,
                redial_every: Duration::from_millis(200),
                redial_max: Duration::from_secs(1),
                limits: Default::default(),
            },
            &mut metrics.registry,
        )?;
        // The network's event queue is bounded: drain it, or the rogue's own loop stalls.
        let drain = tokio::spawn(async move { while events.recv().await.is_some() {} });
        Ok(Rogue { net, task, drain })
    }

    /// Closes its connections and stops its tasks.
    pub async fn stop(self) {
        self.net.shutdown().await;
        let _ = self.task.await;
        self.drain.abort();
    }
}

/// A `summary` request on `catalog` from a peer that holds nothing of it.
pub fn summary(catalog: &CatalogId) -> Message {
    Message::Summary {
        v: WIRE_VERSION,
        catalog: catalog.to_string(),
        manifest_version: 0,
        digest: "00".repeat(32),
        docs: 0,
        after: None,
    }
}

async fn ask(net: &NetworkHandle, peer: NodeId, m: Message) -> Result<Message> {
    match tokio::time::timeout(Duration::from_secs(10), net.request(peer, m)).await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(e)) => bail!("request failed: {e}"),
        Err(_) => bail!("no answer within 10 s"),
    }
}

/// A short description of a reply, for the log.
fn describe(reply: &Result<Message>) -> String {
    match reply {
        Ok(Message::Error { code, message, .. }) => format!("error {code:?}: {message}"),
        Ok(m) => m.kind().to_string(),
        Err(e) => format!("{e:#}"),
    }
}

/// Several changes in a row by `signer` in `epoch`, each on the previous one, in its own
/// annotation.
fn many_tiny(
    signer: &NodeSigner,
    epoch: u32,
    catalog: &CatalogId,
    doc: &str,
    base: &[WireChange],
    n: usize,
) -> Result<Vec<WireChange>> {
    let mut d = on_top_of(signer, epoch, base)?;
    let mut out = Vec::with_capacity(n);
    let mine = annotation_of(&mut d, &signer.node_id())?;
    for k in 0..n {
        d.put(&mine, "tiny", k as i64)?;
        d.commit();
        let change = d.get_last_local_change().context("no change")?;
        let signature = ChangeSignature::sign(signer, catalog.clone(), doc, change.hash().0, epoch);
        out.push(WireChange::new(change.raw_bytes(), &signature));
    }
    Ok(out)
}

async fn summary_of(fed: &NetnsFederation, i: usize, id: &str) -> Option<String> {
    match fed.get(i, &format!("/api/v1/records/{id}")).await {
        Ok((200, v)) => v["summary"]["en"].as_str().map(String::from),
        _ => None,
    }
}

/// Waits until every node in `nodes` reads `id` with summary `want`; returns those that do not
/// within `limit`.
async fn reached(
    fed: &NetnsFederation,
    nodes: &[usize],
    id: &str,
    want: &str,
    limit: Duration,
) -> Vec<usize> {
    let deadline = Instant::now() + limit;
    loop {
        let mut missing = Vec::new();
        for &i in nodes {
            if summary_of(fed, i, id).await.as_deref() != Some(want) {
                missing.push(i);
            }
        }
        if missing.is_empty() || Instant::now() > deadline {
            return missing;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A value erased before the attacks (twenty different letters: LZ4 keeps it literally).
const ERASED: &str = "QZXJVKWBYPFMGHTDNRCL";

/// SE's annotation on its own entry.
const OWNER_NOTE: &str = "owner's note";

/// How many of the four nodes do not show SE's annotation on `se-target`.
async fn owner_note_missing(fed: &NetnsFederation, catalog_path: &str, owner: &NodeId) -> usize {
    let mut missing = 0;
    for i in 0..4 {
        match fed
            .get(i, &format!("{catalog_path}/entries/se-target"))
            .await
        {
            Ok((200, v)) if v["document"][ANNOTATIONS][owner.to_string()]["text"] == OWNER_NOTE => {
            }
            _ => missing += 1,
        }
    }
    missing
}

/// Carried by every write outside the rogue's scope, so that finding it anywhere shows one
/// was applied.
const SCOPE_MARKER: &str = "OUT-OF-SCOPE-7c1e";

/// Most a node's memory may peak at under the attacks (debug build: 138 MB seen; one unbounded
/// inflate of the 128 MiB changes below adds 256 MB).
const PEAK_RSS_BOUND_MB: f64 = 320.0;

/// A process's peak resident memory (VmHWM), in MB.
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// The entry SE signs with a newer code list, its epoch (one SE's node never uses) and the
/// status code this sicc does not know.
const NEWER_ID: &str = "se-newer";
const NEWER_EPOCH: u32 = 1_000;
const NEWER_CODE: &str = "dormant";

/// Whether node `i` reports SE's entry with a newer code list as quarantined.
async fn quarantines_newer(fed: &NetnsFederation, i: usize) -> bool {
    match fed.get(i, "/api/v1/peers").await {
        Ok((200, v)) => v["quarantined"]
            .as_array()
            .is_some_and(|q| q.iter().any(|e| e["id"] == NEWER_ID)),
        _ => false,
    }
}

/// How many of `nodes` do not keep SE's entry with a newer code list quarantined: it must be
/// counted in `/api/v1/peers`, answer `409 quarantined` when read, and stay out of the listing
/// of shared records, which answers 200.
async fn served_newer<const N: usize>(
    fed: &NetnsFederation,
    problems: &mut Vec<String>,
    nodes: [usize; N],
) -> usize {
    let mut served = 0;
    for i in nodes {
        let read = fed.get(i, &format!("/api/v1/records/{NEWER_ID}")).await;
        let listed = fed.get(i, "/api/v1/records?origin=shared&limit=1000").await;
        let problem = if !quarantines_newer(fed, i).await {
            Some("is not counted in /api/v1/peers".to_string())
        } else if !matches!(&read, Ok((409, v)) if v["error"]["code"] == "quarantined") {
            Some(format!("reads as {read:?}"))
        } else {
            match &listed {
                Ok((200, v)) if !v.to_string().contains(NEWER_ID) => None,
                other => Some(format!("lists as {other:?}")),
            }
        };
        if let Some(p) = problem {
            served += 1;
            problems.push(format!("node {i}: SE's entry with a newer code list {p}"));
        }
    }
    served
}

fn initiative(id: &str, country: &str, summary: &str) -> Value {
    json!({
        "id": id, "kind": "initiative", "access_level": "consortium",
        "title": {"en": format!("Initiative {id}")}, "status": "active",
        "countries": [country], "summary": {"en": summary},
    })
}

async fn put(fed: &NetnsFederation, i: usize, record: Value) -> Result<()> {
    let id = record["id"].as_str().unwrap_or_default().to_string();
    let r = fed.nodes[i]
        .http
        .put(format!("{}/api/v1/records/{id}", fed.nodes[i].api))
        .json(&record)
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("PUT {id} on node {i}: HTTP {}", r.status());
    }
    Ok(())
}

pub async fn run() -> Result<Report> {
    let mut report = Report::default();
    let dir = tempfile::tempdir()?;
    let rogue = sicc_node::p2p::identity::NodeIdentity::create(dir.path())?;
    let signer = Arc::new(rogue.signer());
    let me = signer.node_id();
    let mut fed =
        NetnsFederation::up_with_members(&["ES", "FR", "SE", "LV"], &[me.to_string()]).await?;
    let (es, fr, se, lv) = (0usize, 1usize, 2usize, 3usize);
    let ids: Vec<NodeId> = fed
        .nodes
        .iter()
        .map(|n| n.node_id.parse())
        .collect::<Result<_, _>>()?;
    let catalog =
        |i: usize| -> Result<CatalogId> { Ok(format!("{}/faults", fed.nodes[i].node_id).parse()?) };
    let path = |i: usize| format!("/api/v1/catalogs/{}/faults", fed.nodes[i].node_id);
    for i in 0..4 {
        fed.post(
            i,
            "/api/v1/catalogs",
            &json!({"name": "faults", "title": {"en": "attack run"}}),
        )
        .await?;
    }
    // SE's and LV's catalogues reach the three others; the rogue reads LV's and writes SE's.
    for owner in [se, lv] {
        for j in (0..4).filter(|&j| j != owner) {
            let node_id = fed.nodes[j].node_id.clone();
            fed.post(
                owner,
                &format!("{}/grant", path(owner)),
                &json!({"node_id": node_id}),
            )
            .await?;
            fed.post(j, &format!("{}/subscribe", path(owner)), &json!({}))
                .await?;
        }
    }
    fed.post(
        lv,
        &format!("{}/grant", path(lv)),
        &json!({"node_id": me.to_string(), "role": "reader"}),
    )
    .await?;
    fed.post(
        se,
        &format!("{}/grant", path(se)),
        &json!({"node_id": me.to_string(), "role": "writer"}),
    )
    .await?;
    for (owner, id, country) in [(lv, "lv-target", "LV"), (se, "se-target", "SE")] {
        put(&fed, owner, initiative(id, country, "genuine")).await?;
        fed.post(
            owner,
            &format!("{}/publish", path(owner)),
            &json!({"id": id}),
        )
        .await?;
        let missing = reached(
            &fed,
            &[es, fr, se, lv],
            id,
            "genuine",
            Duration::from_secs(30),
        )
        .await;
        if !missing.is_empty() {
            bail!("{id} did not reach nodes {missing:?} before the attacks");
        }
    }

    // An erasure before the attacks: LV publishes a record holding a unique value, every node
    // takes it, LV deletes it. At the end no file of any node may hold the value.
    put(
        &fed,
        lv,
        initiative("lv-erased", "LV", &format!("ask {ERASED}")),
    )
    .await?;
    fed.post(
        lv,
        &format!("{}/publish", path(lv)),
        &json!({"id": "lv-erased"}),
    )
    .await?;
    let missing = reached(
        &fed,
        &[es, fr, se, lv],
        "lv-erased",
        &format!("ask {ERASED}"),
        Duration::from_secs(30),
    )
    .await;
    if !missing.is_empty() {
        bail!("lv-erased did not reach nodes {missing:?}");
    }
    let r = fed.nodes[lv]
        .http
        .delete(format!("{}/api/v1/records/lv-erased", fed.nodes[lv].api))
        .send()
        .await?;
    if r.status().as_u16() != 204 {
        bail!("deleting lv-erased on LV: HTTP {}", r.status());
    }

    // SE's own annotation on its entry: a writer may neither touch it nor delete the map.
    fed.post(
        se,
        &format!("{}/annotate", path(se)),
        &json!({"id": "se-target", "text": OWNER_NOTE}),
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while owner_note_missing(&fed, &path(se), &ids[se]).await > 0 {
        if Instant::now() > deadline {
            bail!("SE's annotation did not reach every node before the attacks");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let members = fed
        .nodes
        .iter()
        .map(|n| {
            Ok(Member {
                node_id: n.node_id.parse()?,
                addrs: vec![format!("/ip4/{}/tcp/7301", n.ip)],
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let network = Rogue::start(&rogue, format!("/ip4/{}/tcp/7400", fed.bridge_ip), members)?;
    let net = network.net.clone();

    let (lv_cat, se_cat, es_cat, fr_cat) = (catalog(lv)?, catalog(se)?, catalog(es)?, catalog(fr)?);
    // Wait until LV answers the rogue as a reader (connection and grant in place).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Message::Heads { .. }) = ask(&net, ids[lv], summary(&lv_cat)).await {
            break;
        }
        if Instant::now() > deadline {
            bail!("the rogue member never got a session with LV");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // 1. Reads of catalogues it was never granted, on every node holding them and not.
    for cat in [&es_cat, &fr_cat] {
        for (i, id) in ids.iter().enumerate() {
            let want = vec![DocHeads {
                doc: "lv-target".into(),
                heads: Vec::new(),
            }];
            for m in [summary(cat), changes(cat, Vec::new(), want)] {
                let kind = m.kind();
                let reply = ask(&net, *id, m).await;
                let refused = matches!(
                    &reply,
                    Ok(Message::Error {
                        code: ErrorCode::NotAllowed,
                        ..
                    })
                );
                if !refused {
                    report.unauthorised_served += 1;
                    report.problems.push(format!(
                        "node {i} answered a {kind} on {cat}: {}",
                        describe(&reply)
                    ));
                }
            }
        }
    }
    report.log.push(format!(
        "reads of ES's and FR's catalogues on 4 nodes: {} answered with data",
        report.unauthorised_served
    ));

    // The genuine history of both targets, as a reader and a writer may fetch it.
    let fetch = |cat: CatalogId, owner: usize, doc: &'static str| {
        let net = net.clone();
        let peer = ids[owner];
        async move {
            let want = vec![DocHeads {
                doc: doc.into(),
                heads: Vec::new(),
            }];
            match ask(&net, peer, changes(&cat, Vec::new(), want)).await? {
                Message::Changes { changes, .. } if !changes.is_empty() => Ok(changes),
                other => bail!("fetching {doc}: {other:?}"),
            }
        }
    };
    let lv_genuine = fetch(lv_cat.clone(), lv, "lv-target").await?;
    let se_genuine = fetch(se_cat.clone(), se, "se-target").await?;

    // 2. Forgeries on LV's catalogue, where the rogue only reads: its own change under a
    // manifest it signed itself, the same claimed by LV (impersonation), and unsigned.
    let mut fake = Manifest::new(lv_cat.clone(), [("en".to_owned(), "x".to_owned())].into());
    fake.writers.insert(me);
    let mut forger = Replica::new(fake.sign(&signer), signer.clone(), 0);
    forger.publish(
        &Record::from_json(&initiative("lv-target", "LV", "FORGED"))?,
        0,
    )?;
    let own = forger.changes_for("lv-target", &[]);
    let mut impersonated = own.clone();
    impersonated[0].author = ids[lv].to_string();
    let mut unsigned = own.clone();
    unsigned[0].signature = "00".repeat(64);
    for (what, batch) in [
        ("a reader's own change", own.clone()),
        ("a change claimed by LV", impersonated),
        ("an unsigned change", unsigned),
    ] {
        for i in [es, fr, se, lv] {
            let reply = ask(&net, ids[i], changes(&lv_cat, batch.clone(), Vec::new())).await;
            report.log.push(format!(
                "{what} on LV's catalogue to node {i}: {}",
                describe(&reply)
            ));
        }
    }

    // 3. LV's valid change replayed into SE's catalogue (where the rogue may write).
    let reply = ask(
        &net,
        ids[es],
        changes(&se_cat, lv_genuine.clone(), Vec::new()),
    )
    .await;
    report.log.push(format!(
        "LV's change replayed into SE's catalogue: {}",
        describe(&reply)
    ));

    // 4. A write on ES's catalogue, which it was never granted.
    let mut es_fake = Manifest::new(es_cat.clone(), [("en".to_owned(), "x".to_owned())].into());
    es_fake.writers.insert(me);
    let mut es_forger = Replica::new(es_fake.sign(&signer), signer.clone(), 0);
    es_forger.publish(
        &Record::from_json(&initiative("es-forged", "ES", "FORGED"))?,
        0,
    )?;
    for i in [es, fr] {
        let batch = es_forger.changes_for("es-forged", &[]);
        let reply = ask(&net, ids[i], changes(&es_cat, batch, Vec::new())).await;
        report.log.push(format!(
            "a write on ES's catalogue to node {i}: {}",
            describe(&reply)
        ));
    }

    // 5. Equivocation on SE's catalogue (a writer's right): two different changes with one
    // actor and sequence number, one to ES, the other to FR.
    let a = crafted(&signer, 1, &se_cat, "se-target", &se_genuine, |d| {
        let mine = annotation_of(d, &me)?;
        d.put(&mine, "text", "A")?;
        Ok(())
    })?;
    let b = crafted(&signer, 1, &se_cat, "se-target", &se_genuine, |d| {
        let mine = annotation_of(d, &me)?;
        d.put(&mine, "text", "B")?;
        Ok(())
    })?;
    for (i, c) in [(es, a), (fr, b)] {
        let reply = ask(&net, ids[i], changes(&se_cat, vec![c], Vec::new())).await;
        report.log.push(format!(
            "equivocating change to node {i}: {}",
            describe(&reply)
        ));
    }

    // 6. Writes outside the rogue's own annotation, as a writer of SE's catalogue, to every
    // node: the owner's fields with a later `updated_at`; the owner's annotation; the
    // annotations map deleted; a document of its own shown as SE's. And to SE, the owner, the
    // batch that once overwrote its local record: the rogue's own change on the owner's fields
    // beside a bogus one claiming SE as author (take-back of "own writes coming back").
    let writes = out_of_scope_writes(
        &signer,
        7,
        &se_cat,
        "se-target",
        &se_genuine,
        "se-rogue",
        SCOPE_MARKER,
    )?;
    let rewrite = writes[0].1.clone();
    let mut bogus = rewrite.clone();
    bogus.author = ids[se].to_string();
    for i in [es, fr, se, lv] {
        for (what, change) in &writes {
            let reply = ask(
                &net,
                ids[i],
                changes(&se_cat, vec![change.clone()], Vec::new()),
            )
            .await;
            report
                .log
                .push(format!("{what} to node {i}: {}", describe(&reply)));
        }
    }
    let reply = ask(
        &net,
        ids[se],
        changes(&se_cat, vec![rewrite.clone(), bogus], Vec::new()),
    )
    .await;
    report.log.push(format!(
        "its change on SE's fields beside one claimed by SE, to SE: {}",
        describe(&reply)
    ));

    // 6b. An entry SE signs with a newer code list (an honest partner running a later sicc:
    // here SE's own key, in an epoch its node never uses), relayed by the rogue to the three
    // others. Each keeps it quarantined: out of lists, `409 quarantined` when read, counted in
    // `/api/v1/peers`; the node goes on serving, and at the end restarts.
    let se_signer =
        Arc::new(sicc_node::p2p::identity::NodeIdentity::load(fed.data_dir(se))?.signer());
    let se_manifest = Manifest::new(se_cat.clone(), [("en".to_owned(), "x".to_owned())].into());
    let mut newer_owner =
        Replica::new(se_manifest.sign(&se_signer), se_signer.clone(), NEWER_EPOCH);
    newer_owner.publish(
        &Record::from_json(&initiative(NEWER_ID, "SE", "newer code list"))?,
        0,
    )?;
    let mut newer = newer_owner.changes_for(NEWER_ID, &[]);
    newer.push(crafted(
        &se_signer,
        NEWER_EPOCH,
        &se_cat,
        NEWER_ID,
        &newer,
        |d| {
            d.put(automerge::ROOT, "status", NEWER_CODE)?;
            Ok(())
        },
    )?);
    for i in [es, fr, lv] {
        let reply = ask(&net, ids[i], changes(&se_cat, newer.clone(), Vec::new())).await;
        report.log.push(format!(
            "an entry of SE's with status `{NEWER_CODE}` (a newer code list) to node {i}: {}",
            describe(&reply)
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut missing = Vec::new();
        for i in [es, fr, lv] {
            if !quarantines_newer(&fed, i).await {
                missing.push(i);
            }
        }
        if missing.is_empty() {
            break;
        }
        if Instant::now() > deadline {
            report.problems.push(format!(
                "nodes {missing:?} do not report SE's entry with a newer code list as quarantined"
            ));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // 7. Revocation while connected (before the oversized frame, which ends the connection): from LV's answer to the last node refusing the rogue.
    let revoked = Instant::now();
    fed.post(
        lv,
        &format!("{}/revoke", path(lv)),
        &json!({"node_id": me.to_string()}),
    )
    .await?;
    let mut pending: Vec<usize> = vec![es, fr, se, lv];
    while !pending.is_empty() && revoked.elapsed() < Duration::from_secs(60) {
        let mut still = Vec::new();
        for i in pending {
            match ask(&net, ids[i], summary(&lv_cat)).await {
                Ok(Message::Error {
                    code: ErrorCode::NotAllowed,
                    ..
                }) => {}
                _ => still.push(i),
            }
        }
        pending = still;
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    if pending.is_empty() {
        report.revocation_delay_ms = Some(revoked.elapsed().as_secs_f64() * 1000.0);
    } else {
        report.problems.push(format!(
            "nodes {pending:?} still serve LV's catalogue to the rogue 60 s after the revoke"
        ));
    }

    // 8. Payloads a writer may send but no honest node would, all to SE's catalogue on ES.
    let huge = crafted(&signer, 2, &se_cat, "se-target", &se_genuine, |d| {
        // Not compressible: 700 KB of pseudo-random text.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let text: String = (0..700_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect();
        d.put(automerge::ROOT, "huge", text)?;
        Ok(())
    })?;
    let deep = crafted(&signer, 3, &se_cat, "se-target", &se_genuine, |d| {
        let mine = annotation_of(d, &me)?;
        let mut at = d.put_object(&mine, "deep", automerge::ObjType::Map)?;
        for _ in 0..10_000 {
            at = d.put_object(&at, "n", automerge::ObjType::Map)?;
        }
        Ok(())
    })?;
    let tiny = many_tiny(&signer, 4, &se_cat, "se-target", &se_genuine, 5_000)?;
    // 32 frames of ~2.8 MB sent at once: a node holds at most 32 MiB of one member's decoded
    // requests in front of its engine and answers the rest `unavailable`. How many it refused
    // depends on how fast it answers; the run logs it and checks the node and its memory.
    let flood_frame = vec![huge.clone(), huge.clone()];
    let flood = futures::future::join_all((0..32).map(|_| {
        ask(
            &net,
            ids[es],
            changes(&se_cat, flood_frame.clone(), Vec::new()),
        )
    }))
    .await;
    let busy = flood
        .iter()
        .filter(|r| {
            matches!(
                r,
                Ok(Message::Error {
                    code: ErrorCode::Unavailable,
                    ..
                })
            )
        })
        .count();
    report.log.push(format!(
        "32 frames of 2.8 MB at once to ES: {busy} answered unavailable (in-flight bound), {} answered",
        flood.iter().filter(|r| r.is_ok()).count()
    ));
    // An orphan: built on a change of the rogue's that is never sent.
    let hidden = crafted(&signer, 5, &se_cat, "se-target", &se_genuine, |d| {
        d.put(automerge::ROOT, "hidden", 1)?;
        Ok(())
    })?;
    let mut with_hidden = se_genuine.clone();
    with_hidden.push(hidden);
    let orphan = many_tiny(&signer, 5, &se_cat, "se-target", &with_hidden, 1)?;
    let mut bad_hex = orphan.clone();
    bad_hex[0].change = "zz".repeat(40);
    let mut truncated = se_genuine.clone();
    truncated.truncate(1);
    let half = (truncated[0].change.len() / 2) & !1;
    truncated[0].change.truncate(half);
    let mut unsigned_here = many_tiny(&signer, 6, &se_cat, "se-target", &se_genuine, 1)?;
    unsigned_here[0].signature = "00".repeat(64);
    // A compressed change that inflates to 128 MiB (DEFLATE of zeros), eight to a frame: an
    // unbounded inflate would hold 1 GiB before any signature is checked.
    let bomb = WireChange {
        change: sicc_protocol::hex::to_hex(&sicc_node::sync::document::deflate_bomb(128 << 20)?),
        ..orphan[0].clone()
    };
    let bombs = vec![bomb; 8];
    let oversized = vec![WireChange {
        change: "ab".repeat(4_300_000),
        ..orphan[0].clone()
    }];
    for (what, batch) in [
        ("a 700 KB change", vec![huge]),
        ("a 10,000-deep nesting", vec![deep]),
        ("5,000 tiny changes", tiny),
        ("an orphan change", orphan),
        ("a change that is not hex", bad_hex),
        ("a writer's change with a zeroed signature", unsigned_here),
        ("a truncated change", truncated),
        ("eight changes inflating to 128 MiB each", bombs),
        ("an 8.6 MB frame", oversized),
    ] {
        let t = Instant::now();
        let reply = ask(&net, ids[es], changes(&se_cat, batch, Vec::new())).await;
        report.log.push(format!(
            "{what} to ES: {} ({:.0} ms)",
            describe(&reply),
            t.elapsed().as_secs_f64() * 1000.0
        ));
        if !matches!(fed.get(es, "/readyz").await, Ok((200, _))) {
            report
                .problems
                .push(format!("ES stopped answering after {what}"));
            let log =
                std::fs::read_to_string(fed.data_dir(es).join("daemon.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(5).collect();
            report
                .problems
                .push(format!("ES's last log lines: {tail:?}"));
            break;
        }
    }

    // Every node still serves, nothing forged was applied, honest edits still flow.
    for i in 0..4 {
        if !matches!(fed.get(i, "/readyz").await, Ok((200, _))) {
            report
                .problems
                .push(format!("node {i} stopped answering after the attacks"));
        }
    }
    for i in 0..4 {
        if summary_of(&fed, i, "lv-target").await.as_deref() != Some("genuine") {
            report.forged_applied += 1;
            report
                .problems
                .push(format!("node {i} no longer reads LV's genuine lv-target"));
        }
        if let Ok((200, v)) = fed.get(i, "/api/v1/records/es-forged").await {
            report.forged_applied += 1;
            report
                .problems
                .push(format!("node {i} holds the forged es-forged: {v}"));
        }
        if let Ok((200, _)) = fed.get(i, &format!("{}/entries/lv-target", path(se))).await {
            report.forged_applied += 1;
            report.problems.push(format!(
                "node {i} took LV's replayed change into SE's catalogue"
            ));
        }
    }
    for i in 0..4 {
        let entry = fed.get(i, &format!("{}/entries/se-target", path(se))).await;
        match &entry {
            Ok((200, v)) if v.to_string().contains(SCOPE_MARKER) => {
                report.out_of_scope_applied += 1;
                report
                    .problems
                    .push(format!("node {i} applied an out-of-scope write: {v}"));
            }
            Ok((200, v))
                if v["document"][ANNOTATIONS][ids[se].to_string()]["text"] != OWNER_NOTE =>
            {
                report.out_of_scope_applied += 1;
                report
                    .problems
                    .push(format!("node {i} lost SE's annotation: {v}"));
            }
            Ok((200, _)) => {}
            other => report
                .problems
                .push(format!("node {i} does not serve SE's se-target: {other:?}")),
        }
        for url in [
            format!("{}/entries/se-rogue", path(se)),
            "/api/v1/records/se-rogue".to_string(),
        ] {
            if let Ok((200, v)) = fed.get(i, &url).await {
                report.out_of_scope_applied += 1;
                report
                    .problems
                    .push(format!("node {i} holds the rogue's own document: {v}"));
            }
        }
    }
    match fed.get(se, "/api/v1/records/se-target").await {
        Ok((200, v))
            if v["summary"]["en"] == "genuine" && !v.to_string().contains(SCOPE_MARKER) => {}
        other => {
            report.local_records_overwritten += 1;
            report
                .problems
                .push(format!("SE's local se-target was overwritten: {other:?}"));
        }
    }
    // The erasure before the attacks is gone from every file of every node (the purge follows
    // the erasure; waited on with a deadline).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut held = Vec::new();
        for i in 0..4 {
            held.extend(sicc_tests::files_holding(fed.data_dir(i), ERASED)?);
        }
        if held.is_empty() || Instant::now() > deadline {
            report.erased_bytes_found = held.len();
            if !held.is_empty() {
                report
                    .problems
                    .push(format!("an erased value is still in {held:?}"));
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for i in 0..4 {
        match fed.get(i, "/api/v1/peers").await {
            Ok((200, v)) => {
                report.quarantined += v["quarantined"]
                    .as_array()
                    .map_or(0, |q| q.iter().filter(|e| e["id"] != NEWER_ID).count());
            }
            other => report
                .problems
                .push(format!("node {i} serves no peers view: {other:?}")),
        }
    }
    report.invalid_entries_served += served_newer(&fed, &mut report.problems, [es, fr, lv]).await;
    let peaks: Vec<f64> = (0..4).filter_map(|i| peak_rss_mb(fed.pid(i)?)).collect();
    if peaks.len() == 4 {
        let peak = peaks.iter().copied().fold(0.0, f64::max);
        report.peak_rss_under_attack_mb = Some(peak);
        if peak > PEAK_RSS_BOUND_MB {
            report.problems.push(format!(
                "a node's memory peaked at {peak:.0} MB under the attacks (bound {PEAK_RSS_BOUND_MB} MB)"
            ));
        }
    } else {
        report
            .problems
            .push("the nodes' peak memory could not be read".into());
    }
    put(&fed, lv, initiative("lv-target", "LV", "honest edit")).await?;
    let missing = reached(
        &fed,
        &[es, fr, se, lv],
        "lv-target",
        "honest edit",
        Duration::from_secs(30),
    )
    .await;
    if !missing.is_empty() {
        report.problems.push(format!(
            "LV's honest edit after the attacks did not reach nodes {missing:?}"
        ));
    }
    put(&fed, se, initiative("se-target", "SE", "honest edit")).await?;
    let stuck = reached(
        &fed,
        &[es, fr, se, lv],
        "se-target",
        "honest edit",
        Duration::from_secs(30),
    )
    .await;
    report.honest_blocked = stuck.len();
    if !stuck.is_empty() {
        report.problems.push(format!(
            "SE's honest edit of the equivocated document did not reach nodes {stuck:?}"
        ));
    }

    network.stop().await;
    for i in 0..4 {
        let text = match fed.nodes[i]
            .http
            .get(format!("{}/metrics", fed.nodes[i].api))
            .send()
            .await
        {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(e) => {
                report
                    .problems
                    .push(format!("node {i} serves no /metrics: {e}"));
                continue;
            }
        };
        for line in text
            .lines()
            .filter(|l| l.starts_with("sicc_sync_rejected_changes_total{"))
        {
            let reason = line
                .split("reason=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("?");
            let n: f64 = line
                .rsplit(' ')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0);
            *report.rejected.entry(reason.to_string()).or_default() += n;
        }
    }
    for reason in [
        "not_allowed",
        "actor_mismatch",
        "bad_signature",
        "too_large",
        "equivocation",
        "out_of_scope",
    ] {
        if report.rejected.get(reason).copied().unwrap_or(0.0) < 1.0 {
            report
                .problems
                .push(format!("no node counted a change rejected as {reason}"));
        }
    }
    // Every node restarts after `kill -9` (after the metrics are read: they start from zero), holding the invalid entry and whatever the attacks
    // left, and still keeps the entry quarantined.
    for i in 0..4 {
        fed.kill(i);
        if let Err(e) = fed.start(i).await {
            report.nodes_failed_to_start += 1;
            let log =
                std::fs::read_to_string(fed.data_dir(i).join("daemon.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(5).collect();
            report.problems.push(format!(
                "node {i} did not start again after the attacks: {e:#}; last log lines {tail:?}"
            ));
        }
    }
    if report.nodes_failed_to_start == 0 {
        report.invalid_entries_served +=
            served_newer(&fed, &mut report.problems, [es, fr, lv]).await;
    }
    // Fails (and so fails the scenario) if any namespace, link or loop device is left.
    fed.down()?;
    Ok(report)
}
