//! The sync engine: one task that owns every catalogue replica, the subscriptions and the
//! per-peer sync state. The API talks to it through a cheap [`SyncHandle`]; the network hands
//! it requests and peer events; sessions run as sans-IO state machines ([`super::session`])
//! whose requests go out on short-lived tasks that feed the responses back to this task, so the
//! loop never waits on a peer.

use super::replica::{Applied, Replica, ReplicaError};
use super::session::{self, Session, Step};
use crate::p2p::network::{NetworkEvent, NetworkHandle};
use crate::storage::{SharedOp, Store, StoreError, StoredDoc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sicc_protocol::catalog::{CatalogError, CatalogId, Manifest, SignedManifest};
use sicc_protocol::identity::{NodeId, NodeSigner};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{
    self, ErrorCode, MAX_OFFERS, Message, SubscriptionStatus, WIRE_VERSION, WireChange,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};
use tracing::{debug, info, warn};

/// Capacity of the command queue from handles.
const COMMAND_QUEUE: usize = 256;
/// Capacity of the queue of responses coming back from request tasks.
const RESPONSE_QUEUE: usize = 1_024;
/// Capacity of the live event stream (slow subscribers miss events, never block the engine).
const EVENT_QUEUE: usize = 1_024;
/// Most catalogues a node holds (own and subscribed).
pub const MAX_CATALOGS: usize = 256;
/// Most pending subscription requests kept per catalogue.
pub const MAX_REQUESTS_PER_CATALOG: usize = 64;

/// A member of the federation, as the engine knows it (from the roster).
#[derive(Debug, Clone, Serialize)]
pub struct MemberInfo {
    pub node_id: NodeId,
    pub name: String,
    pub country: String,
}

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The roster, this node excluded.
    pub members: Vec<MemberInfo>,
    /// Period of the anti-entropy pass over every (peer, catalogue) pair.
    pub anti_entropy_every: Duration,
    /// Actor epoch of this node's changes (SPEC.md §2).
    pub epoch: u32,
    /// Appends every frame sent or received to this file (debugging and the wire-canary test).
    pub capture_frames: Option<PathBuf>,
    /// Where the engine counts frames, changes, rejections and sessions.
    pub metrics: crate::metrics::SyncMetrics,
}

/// What can go wrong when asking the engine for something.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("catalogue `{0}` is not known to this node")]
    UnknownCatalog(String),
    #[error("catalogue `{0}` already exists")]
    CatalogExists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("only the owner of `{0}` can do that")]
    NotOwner(String),
    #[error("`{0}` is not a member of the federation")]
    NotMember(String),
    #[error(transparent)]
    Replica(#[from] ReplicaError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("this node holds the limit of {MAX_CATALOGS} catalogues")]
    TooManyCatalogs,
    #[error("the sync engine has stopped")]
    Stopped,
}

/// A live event for the API's server-sent events.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    EntryArrived { catalog: String, id: String },
    EntryChanged { catalog: String, id: String },
    EntryRemoved { catalog: String, id: String },
    PeerUp { node_id: String },
    PeerDown { node_id: String },
    SubscriptionRequested { catalog: String, node_id: String },
}

/// Role to grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reader,
    Writer,
}

/// Per (peer, catalogue) sync state, persisted so that restarts keep it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PeerSync {
    /// Time of the last completed session, RFC 3339.
    pub last_sync_at: Option<String>,
    /// Both sides held the same digest at its end.
    pub converged: bool,
    /// Documents that differed at the start of the last session.
    pub docs_differing: usize,
    /// The last failure, if the last session failed.
    pub last_error: Option<String>,
}

/// A subscription request as the owner stores it, or as the requester remembers it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subscription {
    pub status: SubscriptionStatus,
    pub at: String,
}

type Reply<T> = oneshot::Sender<Result<T, SyncError>>;

enum Command {
    CreateCatalog {
        name: String,
        title: BTreeMap<String, String>,
        description: BTreeMap<String, String>,
        reply: Reply<Value>,
    },
    ListCatalogs {
        reply: Reply<Value>,
    },
    ShowCatalog {
        id: String,
        reply: Reply<Value>,
    },
    Entry {
        catalog: String,
        id: String,
        reply: Reply<Value>,
    },
    Publish {
        catalog: String,
        record: Record,
        reply: Reply<Value>,
    },
    Unpublish {
        catalog: String,
        id: String,
        reply: Reply<Value>,
    },
    Annotate {
        catalog: String,
        id: String,
        text: String,
        reply: Reply<Value>,
    },
    Access {
        catalog: String,
        node: String,
        grant: Option<Role>,
        reply: Reply<Value>,
    },
    Subscribe {
        catalog: String,
        reply: Reply<Value>,
    },
    Unsubscribe {
        catalog: String,
        reply: Reply<Value>,
    },
    Requests {
        reply: Reply<Value>,
    },
    Peers {
        reply: Reply<Value>,
    },
    /// A local record changed (`Some`) or was deleted (`None`): keep every publication current.
    /// Answered once the publications are persisted, so the record's acknowledgement covers
    /// them.
    LocalRecords {
        changed: Vec<(String, Option<Record>)>,
        reply: oneshot::Sender<()>,
    },
}

/// Cheap, cloneable handle to the engine.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    commands: mpsc::Sender<Command>,
    events: broadcast::Sender<SyncEvent>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Command")
    }
}

macro_rules! ask {
    ($self:ident, $variant:ident { $($field:ident),* }) => {{
        let (reply, rx) = oneshot::channel();
        $self.commands
            .send(Command::$variant { $($field,)* reply })
            .await
            .map_err(|_| SyncError::Stopped)?;
        rx.await.map_err(|_| SyncError::Stopped)?
    }};
}

impl SyncHandle {
    pub async fn create_catalog(
        &self,
        name: String,
        title: BTreeMap<String, String>,
        description: BTreeMap<String, String>,
    ) -> Result<Value, SyncError> {
        ask!(
            self,
            CreateCatalog {
                name,
                title,
                description
            }
        )
    }
    pub async fn list_catalogs(&self) -> Result<Value, SyncError> {
        ask!(self, ListCatalogs {})
    }
    pub async fn show_catalog(&self, id: String) -> Result<Value, SyncError> {
        ask!(self, ShowCatalog { id })
    }
    /// One entry's shared document (record and annotations) and its heads.
    pub async fn entry(&self, catalog: String, id: String) -> Result<Value, SyncError> {
        ask!(self, Entry { catalog, id })
    }
    pub async fn publish(&self, catalog: String, record: Record) -> Result<Value, SyncError> {
        ask!(self, Publish { catalog, record })
    }
    pub async fn unpublish(&self, catalog: String, id: String) -> Result<Value, SyncError> {
        ask!(self, Unpublish { catalog, id })
    }
    pub async fn annotate(
        &self,
        catalog: String,
        id: String,
        text: String,
    ) -> Result<Value, SyncError> {
        ask!(self, Annotate { catalog, id, text })
    }
    /// Grants a role (`Some`) or revokes every role (`None`); also refuses a pending request.
    pub async fn access(
        &self,
        catalog: String,
        node: String,
        grant: Option<Role>,
    ) -> Result<Value, SyncError> {
        ask!(
            self,
            Access {
                catalog,
                node,
                grant
            }
        )
    }
    pub async fn subscribe(&self, catalog: String) -> Result<Value, SyncError> {
        ask!(self, Subscribe { catalog })
    }
    /// Stops holding a catalogue of another node: its entries are removed here.
    pub async fn unsubscribe(&self, catalog: String) -> Result<Value, SyncError> {
        ask!(self, Unsubscribe { catalog })
    }
    pub async fn requests(&self) -> Result<Value, SyncError> {
        ask!(self, Requests {})
    }
    pub async fn peers(&self) -> Result<Value, SyncError> {
        ask!(self, Peers {})
    }
    /// Tells the engine a local record changed or was deleted.
    pub async fn local_record(&self, id: String, record: Option<Record>) {
        self.local_records(vec![(id, record)]).await;
    }

    /// Like [`SyncHandle::local_record`] for many records at once (imports).
    pub async fn local_records(&self, changed: Vec<(String, Option<Record>)>) {
        let (reply, done) = oneshot::channel();
        if self
            .commands
            .send(Command::LocalRecords { changed, reply })
            .await
            .is_ok()
        {
            let _ = done.await;
        }
    }
    /// Live events (entries arriving, changing, removed; peers up and down).
    pub fn events(&self) -> broadcast::Receiver<SyncEvent> {
        self.events.subscribe()
    }
}

/// A response to one of our requests, fed back into the engine.
enum Response {
    Session {
        peer: NodeId,
        catalog: CatalogId,
        result: Result<Message, String>,
    },
    Announce {
        peer: NodeId,
        catalog: CatalogId,
        result: Result<Message, String>,
    },
    Offers {
        peer: NodeId,
        result: Result<Message, String>,
    },
    Subscribe {
        catalog: CatalogId,
        result: Result<Message, String>,
    },
}

#[derive(Default)]
struct SessionSlot {
    session: Option<Session>,
    /// Run another session as soon as this one ends (something changed meanwhile).
    again: bool,
}

struct Engine {
    me: NodeId,
    signer: Arc<NodeSigner>,
    config: EngineConfig,
    store: Store,
    search: crate::search::SearchHandle,
    network: NetworkHandle,
    replicas: BTreeMap<CatalogId, Replica>,
    connected: BTreeSet<NodeId>,
    sessions: BTreeMap<(NodeId, CatalogId), SessionSlot>,
    peer_sync: BTreeMap<(NodeId, CatalogId), PeerSync>,
    offers: BTreeMap<NodeId, Vec<SignedManifest>>,
    /// Catalogues this node asked to subscribe to.
    subscriptions: BTreeMap<CatalogId, Subscription>,
    /// Requests from partners to subscribe to this node's catalogues.
    requests: BTreeMap<(CatalogId, NodeId), Subscription>,
    /// Rejected changes and tombstones, by reason code.
    rejected: BTreeMap<&'static str, u64>,
    /// Connections from non-members closed after their handshake.
    refused: u64,
    responses_tx: mpsc::Sender<Response>,
    events: broadcast::Sender<SyncEvent>,
    /// Frames for the capture file's writer thread (file I/O never runs on the executor).
    capture: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    capture_thread: Option<std::thread::JoinHandle<()>>,
}

type Capture = (
    std::sync::mpsc::SyncSender<Vec<u8>>,
    std::thread::JoinHandle<()>,
);

/// Frames queued for the capture file before new ones are dropped (and the drop logged).
const CAPTURE_QUEUE: usize = 16_384;

fn start_capture(path: &std::path::Path) -> Result<Capture, SyncError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| SyncError::Invalid(format!("{}: {e}", path.display())))?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(CAPTURE_QUEUE);
    let thread = std::thread::Builder::new()
        .name("sicc-frame-capture".into())
        .spawn(move || {
            // Ends when the engine (the only sender) is gone.
            while let Ok(frame) = rx.recv() {
                if file.write_all(&frame).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| SyncError::Invalid(format!("capture thread: {e}")))?;
    Ok((tx, thread))
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn parse_catalog(id: &str) -> Result<CatalogId, SyncError> {
    id.parse::<CatalogId>()
        .map_err(|e| SyncError::Invalid(e.to_string()))
}

/// Starts the engine: loads every replica from the store, then serves.
pub async fn spawn(
    store: Store,
    search: crate::search::SearchHandle,
    signer: Arc<NodeSigner>,
    network: NetworkHandle,
    network_events: mpsc::Receiver<NetworkEvent>,
    config: EngineConfig,
) -> Result<(SyncHandle, tokio::task::JoinHandle<()>), SyncError> {
    let me = signer.node_id();
    let mut replicas = BTreeMap::new();
    for c in store.load_catalogs().await? {
        let docs = c.docs.into_iter().map(|d| (d.doc, d.save, d.signatures));
        match Replica::restore(
            &c.manifest,
            docs,
            c.tombstones,
            signer.clone(),
            config.epoch,
        ) {
            Ok(r) => {
                replicas.insert(r.manifest().id.clone(), r);
            }
            Err(e) => {
                warn!(catalog = %c.catalog, error = %e, "stored catalogue unreadable; skipped")
            }
        }
    }
    let mut peer_sync = BTreeMap::new();
    for (key, value) in store.load_state("peer/").await? {
        let mut parts = key.splitn(3, '/').skip(1);
        let (Some(peer), Some(catalog)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(peer), Ok(catalog), Ok(state)) = (
            peer.parse::<NodeId>(),
            catalog.parse::<CatalogId>(),
            serde_json::from_slice::<PeerSync>(&value),
        ) {
            peer_sync.insert((peer, catalog), state);
        }
    }
    let mut subscriptions = BTreeMap::new();
    for (key, value) in store.load_state("sub/out/").await? {
        if let (Ok(c), Ok(s)) = (
            key["sub/out/".len()..].parse::<CatalogId>(),
            serde_json::from_slice::<Subscription>(&value),
        ) {
            subscriptions.insert(c, s);
        }
    }
    let mut requests = BTreeMap::new();
    for (key, value) in store.load_state("sub/in/").await? {
        let rest = &key["sub/in/".len()..];
        if let Some((c, n)) = rest.rsplit_once('/')
            && let (Ok(c), Ok(n), Ok(s)) = (
                c.parse::<CatalogId>(),
                n.parse::<NodeId>(),
                serde_json::from_slice::<Subscription>(&value),
            )
        {
            requests.insert((c, n), s);
        }
    }
    let (capture, capture_thread) = match &config.capture_frames {
        None => (None, None),
        Some(path) => {
            let (tx, thread) = start_capture(path)?;
            (Some(tx), Some(thread))
        }
    };
    let (commands_tx, commands) = mpsc::channel(COMMAND_QUEUE);
    let (responses_tx, responses) = mpsc::channel(RESPONSE_QUEUE);
    let (events, _) = broadcast::channel(EVENT_QUEUE);
    info!(
        catalogs = replicas.len(),
        "sync engine started with {} catalogue(s)",
        replicas.len()
    );
    let engine = Engine {
        me,
        signer,
        config,
        store,
        search,
        network,
        replicas,
        connected: BTreeSet::new(),
        sessions: BTreeMap::new(),
        peer_sync,
        offers: BTreeMap::new(),
        subscriptions,
        requests,
        rejected: BTreeMap::new(),
        refused: 0,
        responses_tx,
        events: events.clone(),
        capture,
        capture_thread,
    };
    let span = tracing::Span::current();
    let task = tokio::spawn(tracing::Instrument::instrument(
        engine.run(commands, responses, network_events),
        span,
    ));
    Ok((
        SyncHandle {
            commands: commands_tx,
            events,
        },
        task,
    ))
}

impl Engine {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut responses: mpsc::Receiver<Response>,
        mut network: mpsc::Receiver<NetworkEvent>,
    ) {
        self.reconcile_publications().await;
        let mut tick = tokio::time::interval(self.config.anti_entropy_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(c) => self.on_command(c).await,
                    // Every handle is gone: the node is shutting down.
                    None => break,
                },
                Some(r) = responses.recv() => self.on_response(r).await,
                Some(e) = network.recv() => self.on_network(e).await,
                _ = tick.tick() => self.anti_entropy(),
            }
        }
        // Every captured frame is in the file once the engine has stopped.
        self.capture = None;
        if let Some(thread) = self.capture_thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        debug!("sync engine stopped");
    }

    fn member(&self, node: &NodeId) -> Option<&MemberInfo> {
        self.config.members.iter().find(|m| &m.node_id == node)
    }

    fn name_of(&self, node: &NodeId) -> String {
        if node == &self.me {
            return "this node".into();
        }
        self.member(node)
            .map(|m| format!("{} ({})", m.name, m.country))
            .unwrap_or_else(|| node.short())
    }

    /// Counts a frame exchanged with `peer` and appends it to the capture file, if any.
    fn observe(&mut self, peer: &NodeId, direction: &'static str, message: &Message) {
        self.config
            .metrics
            .frame(&peer.to_string(), direction, message);
        self.capture(message);
    }

    fn capture(&mut self, message: &Message) {
        if let Some(tx) = &self.capture
            && tx.try_send(message.encode()).is_err()
        {
            warn!("frame capture cannot keep up: frames dropped from the capture file");
        }
    }

    fn emit(&self, event: SyncEvent) {
        let _ = self.events.send(event);
    }

    // ---------------------------------------------------------------- persistence

    /// Persists what changed in a replica (one atomic synced batch) and reports it live.
    async fn persist(&mut self, catalog: &CatalogId) -> Result<(), StoreError> {
        let Some(replica) = self.replicas.get_mut(catalog) else {
            return Ok(());
        };
        let dirty = replica.take_dirty();
        if dirty.is_empty() {
            return Ok(());
        }
        let key = catalog.to_string();
        let foreign = catalog.owner() != &self.me;
        let mut ops = Vec::new();
        let mut events = Vec::new();
        if dirty.manifest {
            ops.push(SharedOp::Manifest {
                catalog: key.clone(),
                bytes: replica.manifest_bytes(),
            });
        }
        // This node's own entries whose own changes came back from a peer, as they now read.
        let mut returned = Vec::new();
        for doc in &dirty.docs {
            // Read before exporting: exporting compacts the document, reading it afterwards
            // would load it again.
            let json = if foreign || dirty.returned.contains(doc) {
                replica.document_json(doc)
            } else {
                None
            };
            let json = match json {
                Some(mut v) if !foreign => {
                    if let Value::Object(m) = &mut v {
                        m.remove(super::document::ANNOTATIONS);
                    }
                    returned.push((doc.clone(), v));
                    None
                }
                other => other,
            };
            let Some((id, save, signatures)) = replica.export_doc(doc) else {
                continue;
            };
            ops.push(SharedOp::Doc {
                catalog: key.clone(),
                doc: StoredDoc {
                    doc: id.clone(),
                    save,
                    signatures,
                },
            });
            if let Some(json) = json {
                let mut record = json;
                if let Value::Object(m) = &mut record {
                    m.remove(super::document::ANNOTATIONS);
                }
                ops.push(SharedOp::Materialised {
                    catalog: key.clone(),
                    doc: id.clone(),
                    origin: catalog.owner().to_string(),
                    record: Some(record),
                });
                events.push(if dirty.created.contains(doc) {
                    SyncEvent::EntryArrived {
                        catalog: key.clone(),
                        id,
                    }
                } else {
                    SyncEvent::EntryChanged {
                        catalog: key.clone(),
                        id,
                    }
                });
            }
        }
        for doc in &dirty.erased {
            if let Some(bytes) = replica.tombstone_bytes(doc) {
                ops.push(SharedOp::Tombstone {
                    catalog: key.clone(),
                    doc: doc.clone(),
                    bytes,
                });
                events.push(SyncEvent::EntryRemoved {
                    catalog: key.clone(),
                    id: doc.clone(),
                });
            }
        }
        // What the search index must learn once the batch is durable.
        let mut index = Vec::new();
        for op in &ops {
            match op {
                SharedOp::Materialised {
                    catalog,
                    doc,
                    origin,
                    record,
                } => index.push((doc.clone(), catalog.clone(), origin.clone(), record.clone())),
                SharedOp::Tombstone { catalog, doc, .. } => {
                    index.push((doc.clone(), catalog.clone(), String::new(), None))
                }
                _ => {}
            }
        }
        self.store.write_shared(ops).await?;
        for (doc, catalog, origin, record) in index {
            match record.map(|v| Record::from_json(&v)) {
                Some(Ok(r)) => self.search.upsert_shared(r, origin, catalog).await,
                Some(Err(e)) => {
                    warn!(doc = %doc, error = %e, "shared record not searchable");
                    self.search.delete_shared(&doc, &catalog).await
                }
                None => self.search.delete_shared(&doc, &catalog).await,
            }
        }
        for e in events {
            self.emit(e);
        }
        for (id, shared) in returned {
            self.take_back(catalog, &id, shared).await;
        }
        Ok(())
    }

    /// A node restored from a backup gets back its own writes that reached a partner before
    /// it lost them: the entry's shared fields replace the local record's, and the fields that
    /// never leave the node are kept from the local copy. Found by the restore-from-backup
    /// fault run (the restored node kept the backup's value while every partner held the
    /// later one it had published).
    async fn take_back(&mut self, catalog: &CatalogId, id: &str, shared: Value) {
        let Ok(record_id) = id.parse::<sicc_protocol::id::RecordId>() else {
            return;
        };
        let local = match self.store.get(record_id).await {
            Ok(r) => r,
            Err(e) => {
                warn!(id, error = %e, "cannot read a record to take back");
                return;
            }
        };
        let local_public = local.as_ref().and_then(Record::public_projection);
        if local_public.as_ref() == Some(&shared) {
            return;
        }
        // The record may have been written again since the restore, concurrently with the
        // writes now coming back: the later of the two wins (RFC 3339 UTC strings order by
        // time), and a later local record goes back on top of the merged entry.
        let at = |v: &Value| v["updated_at"].as_str().map(str::to_owned);
        if let Some(local) = &local
            && at(&local.to_json()) >= at(&shared)
        {
            if local_public.is_some()
                // Boxed: publishing persists, and persisting may take back (never twice: a
                // local publish brings no returning changes).
                && let Err(e) = Box::pin(self.publish(&catalog.to_string(), local)).await
            {
                warn!(id, error = %e, "local record not put back on top");
            }
            return;
        }
        let mut merged = shared;
        if let (Some(local), Some(Value::Object(public)), Value::Object(m)) =
            (&local, &local_public, &mut merged)
            && let Value::Object(all) = local.to_json()
        {
            for (k, v) in all {
                if !public.contains_key(&k) {
                    m.insert(k, v);
                }
            }
        }
        let record = match Record::from_json(&merged) {
            Ok(r) => r,
            Err(e) => {
                warn!(id, error = %e, "own entry not taken back");
                return;
            }
        };
        match self
            .store
            .put(record, crate::storage::PutMode::Import, "sync:taken-back")
            .await
        {
            Ok(stored) => {
                info!(id, "own write taken back from a partner");
                self.search.upsert_local(stored).await;
            }
            Err(e) => warn!(id, error = %e, "own entry not taken back"),
        }
    }

    async fn persist_state(&self, key: String, value: Option<Vec<u8>>) {
        if let Err(e) = self
            .store
            .write_shared(vec![SharedOp::State { key, value }])
            .await
        {
            warn!(error = %e, "sync state not persisted");
        }
    }

    fn count_rejections(&mut self, peer: &NodeId, catalog: &CatalogId, applied: &Applied) {
        for r in &applied.rejected {
            warn!(peer = %peer.short(), catalog = %catalog, doc = %r.doc, code = r.code, reason = %r.reason, "change rejected");
            *self.rejected.entry(r.code).or_default() += 1;
            self.config
                .metrics
                .rejected
                .get_or_create(&crate::metrics::ReasonLabel {
                    reason: r.code.to_string(),
                })
                .inc();
        }
    }

    // ---------------------------------------------------------------- sessions

    /// Peers a catalogue syncs with: connected members the manifest lets read it.
    fn sync_peers(&self, catalog: &CatalogId) -> Vec<NodeId> {
        let Some(r) = self.replicas.get(catalog) else {
            return Vec::new();
        };
        self.connected
            .iter()
            .filter(|p| r.manifest().may_read(p))
            .copied()
            .collect()
    }

    fn anti_entropy(&mut self) {
        // Catalogues created or changed since a peer connected show up in its offers.
        let peers: Vec<NodeId> = self.connected.iter().copied().collect();
        for peer in peers {
            self.request_offers(peer);
        }
        let pairs: Vec<(NodeId, CatalogId)> = self
            .replicas
            .keys()
            .flat_map(|c| self.sync_peers(c).into_iter().map(|p| (p, c.clone())))
            .collect();
        for (peer, catalog) in pairs {
            self.start_session(peer, catalog);
        }
    }

    fn start_session(&mut self, peer: NodeId, catalog: CatalogId) {
        let slot = self.sessions.entry((peer, catalog.clone())).or_default();
        if slot.session.is_some() {
            slot.again = true;
            return;
        }
        let Some(replica) = self.replicas.get_mut(&catalog) else {
            return;
        };
        let (session, request) = Session::initiate(replica, peer);
        slot.session = Some(session);
        slot.again = false;
        self.send_session_request(peer, catalog, request);
    }

    /// Sends a request on its own task; the response comes back through the engine's bounded
    /// response queue, wrapped by `wrap`, so the loop never waits on a peer.
    fn request(
        &mut self,
        peer: NodeId,
        request: Message,
        wrap: impl FnOnce(Result<Message, String>) -> Response + Send + 'static,
    ) {
        self.observe(&peer, "sent", &request);
        let network = self.network.clone();
        let tx = self.responses_tx.clone();
        tokio::spawn(async move {
            let result = network
                .request(peer, request)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(wrap(result)).await;
        });
    }

    fn send_session_request(&mut self, peer: NodeId, catalog: CatalogId, request: Message) {
        self.request(peer, request, move |result| Response::Session {
            peer,
            catalog,
            result,
        });
    }

    async fn on_session_response(
        &mut self,
        peer: NodeId,
        catalog: CatalogId,
        result: Result<Message, String>,
    ) {
        let key = (peer, catalog.clone());
        let Some(mut session) = self.sessions.get_mut(&key).and_then(|s| s.session.take()) else {
            return;
        };
        let step = match result {
            Err(e) => Step::Failed(e),
            Ok(message) => {
                self.observe(&peer, "received", &message);
                if !self.replicas.contains_key(&catalog) {
                    Step::Failed("catalogue dropped".into())
                } else {
                    let replica = self.replicas.get_mut(&catalog).expect("checked");
                    let mut applied = Applied::default();
                    let step = session.handle(replica, message, &mut applied);
                    self.count_rejections(&peer, &catalog, &applied);
                    match self.persist(&catalog).await {
                        Err(e) => Step::Failed(format!("storage: {e}")),
                        Ok(()) => step,
                    }
                }
            }
        };
        match step {
            Step::Send(request) => {
                if let Some(slot) = self.sessions.get_mut(&key) {
                    slot.session = Some(session);
                }
                self.send_session_request(peer, catalog, request);
            }
            Step::Done(outcome) => {
                debug!(peer = %peer.short(), catalog = %catalog, ?outcome, "session done");
                let label = if outcome.converged {
                    "converged"
                } else {
                    "differing"
                };
                self.config
                    .metrics
                    .sessions
                    .get_or_create(&crate::metrics::OutcomeLabel { outcome: label })
                    .inc();
                let state = PeerSync {
                    last_sync_at: Some(now()),
                    converged: outcome.converged,
                    docs_differing: outcome.docs_differing,
                    last_error: None,
                };
                self.record_peer_sync(peer, catalog.clone(), state).await;
                self.session_ended(peer, catalog);
            }
            Step::Failed(reason) => {
                info!(peer = %peer.short(), catalog = %catalog, %reason, "session failed");
                self.config
                    .metrics
                    .sessions
                    .get_or_create(&crate::metrics::OutcomeLabel { outcome: "failed" })
                    .inc();
                let mut state = self.peer_sync.get(&key).cloned().unwrap_or_default();
                state.converged = false;
                state.last_error = Some(reason);
                self.record_peer_sync(peer, catalog, state).await;
                if let Some(slot) = self.sessions.get_mut(&key) {
                    // Retry at the next anti-entropy pass, not in a tight loop.
                    slot.again = false;
                }
            }
        }
    }

    fn session_ended(&mut self, peer: NodeId, catalog: CatalogId) {
        let again = self
            .sessions
            .get(&(peer, catalog.clone()))
            .is_some_and(|s| s.again);
        if again && self.connected.contains(&peer) {
            self.start_session(peer, catalog);
        }
    }

    async fn record_peer_sync(&mut self, peer: NodeId, catalog: CatalogId, state: PeerSync) {
        let key = format!("peer/{peer}/{catalog}");
        let bytes = serde_json::to_vec(&state).expect("serialises");
        self.peer_sync.insert((peer, catalog), state);
        self.persist_state(key, Some(bytes)).await;
    }

    /// Pushes fresh changes (or tombstones, or a new manifest) to every connected reader.
    fn announce(
        &mut self,
        catalog: &CatalogId,
        changes: Vec<WireChange>,
        tombstones: Vec<wire::WireTombstone>,
    ) {
        let Some(replica) = self.replicas.get(catalog) else {
            return;
        };
        let manifest = wire::manifest_value(replica.signed_manifest());
        for peer in self.sync_peers(catalog) {
            let request = Message::Changes {
                v: WIRE_VERSION,
                catalog: catalog.to_string(),
                manifest: Some(manifest.clone()),
                changes: changes.clone(),
                tombstones: tombstones.clone(),
                want: Vec::new(),
                more: false,
                digest: None,
            };
            let catalog = catalog.clone();
            self.request(peer, request, move |result| Response::Announce {
                peer,
                catalog,
                result,
            });
        }
    }

    // ---------------------------------------------------------------- responses

    async fn on_response(&mut self, response: Response) {
        match response {
            Response::Session {
                peer,
                catalog,
                result,
            } => self.on_session_response(peer, catalog, result).await,
            Response::Announce {
                peer,
                catalog,
                result,
            } => {
                // The peer answers with its digest; if it still differs from ours (it missed
                // something earlier), a full session repairs it now.
                if let Ok(message) = &result {
                    self.observe(&peer, "received", message);
                }
                let differs = match &result {
                    Ok(Message::Changes {
                        digest: Some(d), ..
                    }) => self
                        .replicas
                        .get_mut(&catalog)
                        .is_some_and(|r| &wire::to_hex(&r.digest()) != d),
                    Ok(_) => true,
                    Err(e) => {
                        debug!(peer = %peer.short(), error = %e, "announce failed");
                        false
                    }
                };
                if differs && self.connected.contains(&peer) {
                    self.start_session(peer, catalog);
                }
            }
            Response::Offers { peer, result } => {
                if let Ok(Message::Catalogs { catalogs, .. }) = result {
                    let manifests: Vec<SignedManifest> = catalogs
                        .iter()
                        .filter_map(|v| wire::manifest_from_value(v).ok())
                        .filter(|m| m.manifest.id.owner() == &peer && m.accept_after(None).is_ok())
                        .collect();
                    self.offers.insert(peer, manifests);
                }
            }
            Response::Subscribe { catalog, result } => match result {
                Ok(Message::Subscription { status, .. }) => {
                    info!(catalog = %catalog, status = status.as_str(), "subscription answered");
                    // When granted, the owner opens a session that brings the manifest and
                    // every entry (see `answer_unknown`).
                    if !self.replicas.contains_key(&catalog) {
                        self.set_subscription(catalog.clone(), status).await;
                    }
                }
                Ok(Message::Error { message, .. }) => {
                    warn!(catalog = %catalog, %message, "subscription refused by the owner");
                }
                other => debug!(catalog = %catalog, ?other, "subscription request failed"),
            },
        }
    }

    fn request_offers(&mut self, peer: NodeId) {
        self.request(peer, Message::Offers { v: WIRE_VERSION }, move |result| {
            Response::Offers { peer, result }
        });
    }

    fn send_subscribe(&mut self, catalog: CatalogId) {
        let owner = *catalog.owner();
        let request = Message::Subscribe {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
        };
        self.request(owner, request, move |result| Response::Subscribe {
            catalog,
            result,
        });
    }

    async fn set_subscription(&mut self, catalog: CatalogId, status: SubscriptionStatus) {
        let sub = Subscription { status, at: now() };
        let bytes = serde_json::to_vec(&sub).expect("serialises");
        self.subscriptions.insert(catalog.clone(), sub);
        self.persist_state(format!("sub/out/{catalog}"), Some(bytes))
            .await;
    }

    // ---------------------------------------------------------------- network

    async fn on_network(&mut self, event: NetworkEvent) {
        match event {
            NetworkEvent::PeerUp(peer) => {
                info!(peer = %peer.short(), name = %self.name_of(&peer), "peer up");
                self.connected.insert(peer);
                self.emit(SyncEvent::PeerUp {
                    node_id: peer.to_string(),
                });
                self.request_offers(peer);
                let pending: Vec<CatalogId> = self
                    .subscriptions
                    .iter()
                    .filter(|(c, s)| {
                        c.owner() == &peer
                            && s.status == SubscriptionStatus::Pending
                            && !self.replicas.contains_key(*c)
                    })
                    .map(|(c, _)| c.clone())
                    .collect();
                for c in pending {
                    self.send_subscribe(c);
                }
                let catalogs: Vec<CatalogId> = self
                    .replicas
                    .iter()
                    .filter(|(_, r)| r.manifest().may_read(&peer))
                    .map(|(c, _)| c.clone())
                    .collect();
                for c in catalogs {
                    self.start_session(peer, c);
                }
            }
            NetworkEvent::PeerDown(peer) => {
                info!(peer = %peer.short(), name = %self.name_of(&peer), "peer down");
                self.connected.remove(&peer);
                self.offers.remove(&peer);
                self.emit(SyncEvent::PeerDown {
                    node_id: peer.to_string(),
                });
            }
            NetworkEvent::Request {
                peer,
                message,
                slot,
            } => {
                self.observe(&peer, "received", &message);
                let reply = self.answer(peer, message).await;
                self.observe(&peer, "sent", &reply);
                let network = self.network.clone();
                // Responding goes through the network's bounded queue: never wait on it here.
                tokio::spawn(async move {
                    let _ = network.respond(slot, reply).await;
                });
            }
            NetworkEvent::Refused => {
                self.refused += 1;
                self.config.metrics.refused_connections.inc();
            }
        }
    }

    async fn answer(&mut self, peer: NodeId, message: Message) -> Message {
        match message {
            Message::Offers { .. } => {
                let catalogs = self
                    .replicas
                    .values()
                    .filter(|r| r.manifest().id.owner() == &self.me)
                    .take(MAX_OFFERS)
                    .map(|r| wire::manifest_value(r.signed_manifest()))
                    .collect();
                Message::Catalogs {
                    v: WIRE_VERSION,
                    catalogs,
                }
            }
            Message::Subscribe { catalog, .. } => self.on_subscribe_request(peer, &catalog).await,
            Message::Summary { ref catalog, .. } | Message::Changes { ref catalog, .. } => {
                let Ok(id) = catalog.parse::<CatalogId>() else {
                    return Message::error(
                        ErrorCode::Malformed,
                        format!("bad catalogue id `{catalog}`"),
                    );
                };
                if !self.replicas.contains_key(&id) {
                    return self.answer_unknown(peer, id, message).await;
                }
                if !self.replicas[&id].manifest().may_read(&peer) {
                    return Message::error(
                        ErrorCode::NotAllowed,
                        format!("{} may not read {id}", peer.short()),
                    );
                }
                self.answer_held(peer, &id, message).await
            }
            // The network turns an undecodable request into an `error` (SPEC.md §6.2).
            Message::Error { code, message, .. } => {
                warn!(peer = %peer.short(), %message, "undecodable request");
                Message::error(code, format!("your request: {message}"))
            }
            other => Message::error(
                ErrorCode::Malformed,
                format!("a {} message is not a request", other.kind()),
            ),
        }
    }

    /// Answers a request on a catalogue this node holds, then persists what it applied.
    async fn answer_held(&mut self, peer: NodeId, id: &CatalogId, message: Message) -> Message {
        let Some(replica) = self.replicas.get_mut(id) else {
            return Message::error(ErrorCode::NotAllowed, format!("{id} is not held here"));
        };
        let mut applied = Applied::default();
        let reply = session::answer(replica, message, &mut applied);
        self.count_rejections(&peer, id, &applied);
        if let Err(e) = self.persist(id).await {
            warn!(error = %e, "could not persist received changes");
            return Message::error(ErrorCode::Unavailable, "storage failure");
        }
        reply
    }

    /// A request about a catalogue this node holds no replica of: only its owner, for a
    /// catalogue we asked to subscribe to, gets an answer (an empty one, to receive everything).
    async fn answer_unknown(&mut self, peer: NodeId, id: CatalogId, message: Message) -> Message {
        let asked = self.subscriptions.contains_key(&id);
        if !asked || id.owner() != &peer {
            return Message::error(
                ErrorCode::NotAllowed,
                format!("this node does not subscribe to {id}"),
            );
        }
        match message {
            Message::Summary { .. } => session::answer_empty(&id.to_string()),
            Message::Changes {
                manifest: Some(ref m),
                ..
            } => {
                let manifest = match wire::manifest_from_value(m) {
                    Ok(m) => m,
                    Err(e) => {
                        return Message::error(ErrorCode::Malformed, format!("manifest: {e}"));
                    }
                };
                if let Err(e) = manifest.accept_after(None) {
                    return Message::error(ErrorCode::NotAllowed, format!("manifest: {e}"));
                }
                if manifest.manifest.id != id || !manifest.manifest.may_read(&self.me) {
                    return Message::error(
                        ErrorCode::NotAllowed,
                        "manifest does not grant this node",
                    );
                }
                if self.replicas.len() >= MAX_CATALOGS {
                    return Message::error(ErrorCode::Unavailable, "too many catalogues");
                }
                info!(catalog = %id, "subscribed: first entries arriving");
                let replica = Replica::new(manifest, self.signer.clone(), self.config.epoch);
                self.replicas.insert(id.clone(), replica);
                self.set_subscription(id.clone(), SubscriptionStatus::Granted)
                    .await;
                self.answer_held(peer, &id, message).await
            }
            _ => Message::error(ErrorCode::NotAllowed, "send the manifest first"),
        }
    }

    async fn on_subscribe_request(&mut self, peer: NodeId, catalog: &str) -> Message {
        let Ok(id) = catalog.parse::<CatalogId>() else {
            return Message::error(
                ErrorCode::Malformed,
                format!("bad catalogue id `{catalog}`"),
            );
        };
        let owned = id.owner() == &self.me;
        let Some(replica) = self.replicas.get(&id).filter(|_| owned) else {
            return Message::error(
                ErrorCode::NotAllowed,
                format!("this node does not own {id}"),
            );
        };
        let status = if replica.manifest().may_read(&peer) {
            SubscriptionStatus::Granted
        } else {
            match self.requests.get(&(id.clone(), peer)) {
                Some(s) if s.status == SubscriptionStatus::Refused => SubscriptionStatus::Refused,
                Some(_) => SubscriptionStatus::Pending,
                None => {
                    let per_catalog = self.requests.keys().filter(|(c, _)| c == &id).count();
                    if per_catalog >= MAX_REQUESTS_PER_CATALOG {
                        return Message::error(ErrorCode::Unavailable, "too many pending requests");
                    }
                    info!(catalog = %id, peer = %peer.short(), "subscription requested");
                    let sub = Subscription {
                        status: SubscriptionStatus::Pending,
                        at: now(),
                    };
                    let bytes = serde_json::to_vec(&sub).expect("serialises");
                    self.requests.insert((id.clone(), peer), sub);
                    self.persist_state(format!("sub/in/{id}/{peer}"), Some(bytes))
                        .await;
                    self.emit(SyncEvent::SubscriptionRequested {
                        catalog: id.to_string(),
                        node_id: peer.to_string(),
                    });
                    SubscriptionStatus::Pending
                }
            }
        };
        if status == SubscriptionStatus::Granted {
            self.start_session(peer, id.clone());
        }
        Message::Subscription {
            v: WIRE_VERSION,
            catalog: id.to_string(),
            status,
        }
    }

    // ---------------------------------------------------------------- commands

    async fn on_command(&mut self, command: Command) {
        match command {
            Command::CreateCatalog {
                name,
                title,
                description,
                reply,
            } => {
                let _ = reply.send(self.create_catalog(&name, title, description).await);
            }
            Command::ListCatalogs { reply } => {
                let _ = reply.send(Ok(self.list_catalogs()));
            }
            Command::ShowCatalog { id, reply } => {
                let _ = reply.send(self.show_catalog(&id));
            }
            Command::Entry { catalog, id, reply } => {
                let _ = reply.send(self.entry(&catalog, &id));
            }
            Command::Publish {
                catalog,
                record,
                reply,
            } => {
                let _ = reply.send(self.publish(&catalog, &record).await);
            }
            Command::Unpublish { catalog, id, reply } => {
                let _ = reply.send(self.unpublish(&catalog, &id).await);
            }
            Command::Annotate {
                catalog,
                id,
                text,
                reply,
            } => {
                let _ = reply.send(self.annotate(&catalog, &id, &text).await);
            }
            Command::Access {
                catalog,
                node,
                grant,
                reply,
            } => {
                let _ = reply.send(self.access(&catalog, &node, grant).await);
            }
            Command::Subscribe { catalog, reply } => {
                let _ = reply.send(self.subscribe(&catalog).await);
            }
            Command::Unsubscribe { catalog, reply } => {
                let _ = reply.send(self.unsubscribe(&catalog).await);
            }
            Command::Requests { reply } => {
                let _ = reply.send(Ok(self.list_requests()));
            }
            Command::Peers { reply } => {
                let _ = reply.send(Ok(self.peers()));
            }
            Command::LocalRecords { changed, reply } => {
                for (id, record) in changed {
                    self.local_record(&id, record).await;
                }
                let _ = reply.send(());
            }
        }
    }

    fn owned(&self, catalog: &str) -> Result<CatalogId, SyncError> {
        let id = parse_catalog(catalog)?;
        if !self.replicas.contains_key(&id) {
            return Err(SyncError::UnknownCatalog(catalog.to_owned()));
        }
        if id.owner() != &self.me {
            return Err(SyncError::NotOwner(catalog.to_owned()));
        }
        Ok(id)
    }

    async fn create_catalog(
        &mut self,
        name: &str,
        title: BTreeMap<String, String>,
        description: BTreeMap<String, String>,
    ) -> Result<Value, SyncError> {
        let id = CatalogId::new(self.me, name)?;
        if self.replicas.contains_key(&id) {
            return Err(SyncError::CatalogExists(id.to_string()));
        }
        if self.replicas.len() >= MAX_CATALOGS {
            return Err(SyncError::TooManyCatalogs);
        }
        let mut m = Manifest::new(id.clone(), title);
        m.description = description;
        let signed = m.sign(&self.signer);
        // Judge our own manifest as peers will: a bad title fails here, not on every peer.
        signed.accept_after(None)?;
        self.replicas.insert(
            id.clone(),
            Replica::new(signed, self.signer.clone(), self.config.epoch),
        );
        if let Err(e) = self.persist(&id).await {
            self.replicas.remove(&id);
            return Err(e.into());
        }
        info!(catalog = %id, "catalogue created");
        Ok(self.describe(&id))
    }

    fn role_of(&self, id: &CatalogId) -> &'static str {
        if id.owner() == &self.me {
            "owner"
        } else if self.replicas.contains_key(id) {
            "subscriber"
        } else if self.subscriptions.contains_key(id) {
            "requested"
        } else {
            "offered"
        }
    }

    fn manifest_json(&self, m: &Manifest) -> Value {
        let ids = |s: &BTreeSet<NodeId>| {
            s.iter()
                .map(|n| json!({"node_id": n.to_string(), "name": self.name_of(n)}))
                .collect::<Vec<_>>()
        };
        json!({
            "id": m.id.to_string(),
            "name": m.id.name(),
            "owner": m.id.owner().to_string(),
            "owner_name": self.name_of(m.id.owner()),
            "version": m.version,
            "title": m.title,
            "description": m.description,
            "readers": ids(&m.readers),
            "writers": ids(&m.writers),
            "admins": ids(&m.admins),
        })
    }

    fn describe(&self, id: &CatalogId) -> Value {
        let Some(r) = self.replicas.get(id) else {
            return Value::Null;
        };
        let mut v = self.manifest_json(r.manifest());
        v["role"] = json!(self.role_of(id));
        v["entries"] = json!(r.len());
        v["live_documents"] = json!(r.live_len());
        v
    }

    fn list_catalogs(&self) -> Value {
        let mut out: Vec<Value> = self.replicas.keys().map(|id| self.describe(id)).collect();
        let mut seen: BTreeSet<CatalogId> = self.replicas.keys().cloned().collect();
        for manifests in self.offers.values() {
            for m in manifests {
                if seen.insert(m.manifest.id.clone()) {
                    let mut v = self.manifest_json(&m.manifest);
                    v["role"] = json!(self.role_of(&m.manifest.id));
                    if let Some(s) = self.subscriptions.get(&m.manifest.id) {
                        v["subscription"] = json!(s.status.as_str());
                    }
                    out.push(v);
                }
            }
        }
        for (id, s) in &self.subscriptions {
            if seen.insert(id.clone()) {
                out.push(json!({
                    "id": id.to_string(), "name": id.name(), "owner": id.owner().to_string(),
                    "owner_name": self.name_of(id.owner()), "role": "requested",
                    "subscription": s.status.as_str(),
                }));
            }
        }
        json!({ "catalogs": out })
    }

    fn show_catalog(&mut self, id: &str) -> Result<Value, SyncError> {
        let cid = parse_catalog(id)?;
        let Some(r) = self.replicas.get(&cid) else {
            // An offer we can see but do not hold.
            for m in self.offers.values().flatten() {
                if m.manifest.id == cid {
                    let mut v = self.manifest_json(&m.manifest);
                    v["role"] = json!(self.role_of(&cid));
                    return Ok(v);
                }
            }
            return Err(SyncError::UnknownCatalog(id.to_owned()));
        };
        let entry_ids: Vec<String> = r.doc_ids().map(str::to_owned).collect();
        let mut v = self.describe(&cid);
        v["entry_ids"] = json!(entry_ids);
        if let Some(r) = self.replicas.get_mut(&cid) {
            v["digest"] = json!(wire::to_hex(&r.digest()));
        }
        v["requests"] = json!(
            self.requests
                .iter()
                .filter(|((c, _), _)| c == &cid)
                .map(|((_, n), s)| json!({"node_id": n.to_string(), "name": self.name_of(n), "status": s.status.as_str(), "at": s.at}))
                .collect::<Vec<_>>()
        );
        v["peers"] = json!(
            self.peer_sync
                .iter()
                .filter(|((_, c), _)| c == &cid)
                .map(|((n, _), s)| json!({"node_id": n.to_string(), "name": self.name_of(n), "sync": s}))
                .collect::<Vec<_>>()
        );
        Ok(v)
    }

    fn entry(&mut self, catalog: &str, doc: &str) -> Result<Value, SyncError> {
        let id = parse_catalog(catalog)?;
        let replica = self
            .replicas
            .get_mut(&id)
            .ok_or_else(|| SyncError::UnknownCatalog(catalog.to_owned()))?;
        let document = replica
            .document_json(doc)
            .ok_or_else(|| ReplicaError::NoSuchDocument(doc.to_owned()))?;
        let heads = super::replica::sorted_hex(replica.doc_heads(doc));
        let raw_history = replica.doc_history(doc);
        let history: Vec<Value> = raw_history
            .into_iter()
            .map(|(hash, author, at)| {
                let at = time::OffsetDateTime::from_unix_timestamp(at)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    });
                let name = author
                    .parse::<NodeId>()
                    .map(|n| self.name_of(&n))
                    .unwrap_or_default();
                json!({"change": hash, "author": author, "author_name": name, "at": at})
            })
            .collect();
        Ok(json!({
            "catalog": id.to_string(), "id": doc, "origin": id.owner().to_string(),
            "origin_name": self.name_of(id.owner()),
            "document": document, "heads": heads, "history": history,
        }))
    }

    async fn publish(&mut self, catalog: &str, record: &Record) -> Result<Value, SyncError> {
        let id = parse_catalog(catalog)?;
        let replica = self
            .replicas
            .get_mut(&id)
            .ok_or_else(|| SyncError::UnknownCatalog(catalog.to_owned()))?;
        let change = replica.publish(record)?;
        self.persist(&id).await?;
        let changed = change.is_some();
        if let Some(c) = change {
            self.announce(
                &id,
                vec![WireChange::new(&c.bytes, &c.signature)],
                Vec::new(),
            );
        }
        Ok(json!({"catalog": id.to_string(), "id": record.id.to_string(), "changed": changed}))
    }

    async fn unpublish(&mut self, catalog: &str, doc: &str) -> Result<Value, SyncError> {
        let id = parse_catalog(catalog)?;
        let replica = self
            .replicas
            .get_mut(&id)
            .ok_or_else(|| SyncError::UnknownCatalog(catalog.to_owned()))?;
        let tombstone = replica.erase(doc, &now())?;
        self.persist(&id).await?;
        self.announce(&id, Vec::new(), vec![wire::WireTombstone::new(&tombstone)]);
        info!(catalog = %id, doc, "entry erased");
        Ok(json!({"catalog": id.to_string(), "id": doc, "erased": true}))
    }

    async fn annotate(&mut self, catalog: &str, doc: &str, text: &str) -> Result<Value, SyncError> {
        if text.chars().count() > 2_000 {
            return Err(SyncError::Invalid(
                "annotation is longer than 2,000 characters".into(),
            ));
        }
        let id = parse_catalog(catalog)?;
        let replica = self
            .replicas
            .get_mut(&id)
            .ok_or_else(|| SyncError::UnknownCatalog(catalog.to_owned()))?;
        let change = replica.annotate(doc, text, &now())?;
        self.persist(&id).await?;
        if let Some(c) = change {
            self.announce(
                &id,
                vec![WireChange::new(&c.bytes, &c.signature)],
                Vec::new(),
            );
        }
        Ok(json!({"catalog": id.to_string(), "id": doc, "annotated": true}))
    }

    async fn access(
        &mut self,
        catalog: &str,
        node: &str,
        grant: Option<Role>,
    ) -> Result<Value, SyncError> {
        let id = self.owned(catalog)?;
        let peer: NodeId = node
            .parse()
            .map_err(|_| SyncError::Invalid(format!("`{node}` is not a node id")))?;
        if self.member(&peer).is_none() {
            return Err(SyncError::NotMember(node.to_owned()));
        }
        let replica = self.replicas.get_mut(&id).expect("owned checks");
        let mut m = replica.manifest().clone();
        match grant {
            Some(Role::Reader) => {
                m.readers.insert(peer);
            }
            Some(Role::Writer) => {
                m.readers.insert(peer);
                m.writers.insert(peer);
            }
            None => {
                m.readers.remove(&peer);
                m.writers.remove(&peer);
                m.admins.remove(&peer);
            }
        }
        let changed = &m != replica.manifest();
        if changed {
            m.version += 1;
            replica.adopt_manifest(m.sign(&self.signer))?;
            self.persist(&id).await?;
            info!(catalog = %id, peer = %peer.short(), ?grant, "access changed");
        }
        let status = if grant.is_some() {
            SubscriptionStatus::Granted
        } else {
            SubscriptionStatus::Refused
        };
        if self.requests.contains_key(&(id.clone(), peer)) || grant.is_none() {
            let sub = Subscription { status, at: now() };
            let bytes = serde_json::to_vec(&sub).expect("serialises");
            self.requests.insert((id.clone(), peer), sub);
            self.persist_state(format!("sub/in/{id}/{peer}"), Some(bytes))
                .await;
        }
        if changed {
            // Everyone still allowed learns the new manifest now; a revoked member is no longer
            // among them, and every node that holds the new manifest refuses it.
            self.announce(&id, Vec::new(), Vec::new());
            if grant.is_some() && self.connected.contains(&peer) {
                self.start_session(peer, id.clone());
            }
        }
        Ok(self.describe(&id))
    }

    async fn subscribe(&mut self, catalog: &str) -> Result<Value, SyncError> {
        let id = parse_catalog(catalog)?;
        if id.owner() == &self.me {
            return Err(SyncError::Invalid(format!("this node owns {id}")));
        }
        if self.member(id.owner()).is_none() {
            return Err(SyncError::NotMember(id.owner().to_string()));
        }
        if self.replicas.contains_key(&id) {
            return Ok(json!({"catalog": id.to_string(), "status": "granted"}));
        }
        self.set_subscription(id.clone(), SubscriptionStatus::Pending)
            .await;
        let connected = self.connected.contains(id.owner());
        if connected {
            self.send_subscribe(id.clone());
        }
        Ok(json!({
            "catalog": id.to_string(),
            "status": "pending",
            "owner_connected": connected,
        }))
    }

    async fn unsubscribe(&mut self, catalog: &str) -> Result<Value, SyncError> {
        let id = parse_catalog(catalog)?;
        if id.owner() == &self.me {
            return Err(SyncError::Invalid(format!("this node owns {id}")));
        }
        let (docs, tombstones) = match self.replicas.get(&id) {
            Some(r) => (
                r.doc_ids().map(str::to_owned).collect::<Vec<_>>(),
                r.tombstone_ids().map(str::to_owned).collect::<Vec<_>>(),
            ),
            None if self.subscriptions.contains_key(&id) => (Vec::new(), Vec::new()),
            None => return Err(SyncError::UnknownCatalog(catalog.to_owned())),
        };
        self.store
            .write_shared(vec![
                SharedOp::DropCatalog {
                    catalog: id.to_string(),
                    docs: docs.clone(),
                    tombstones,
                },
                SharedOp::State {
                    key: format!("sub/out/{id}"),
                    value: None,
                },
            ])
            .await?;
        self.replicas.remove(&id);
        self.subscriptions.remove(&id);
        self.sessions.retain(|(_, c), _| c != &id);
        for doc in &docs {
            self.search.delete_shared(doc, &id.to_string()).await;
            self.emit(SyncEvent::EntryRemoved {
                catalog: id.to_string(),
                id: doc.clone(),
            });
        }
        info!(catalog = %id, entries = docs.len(), "unsubscribed");
        Ok(json!({"catalog": id.to_string(), "removed_entries": docs.len()}))
    }

    fn list_requests(&self) -> Value {
        let incoming: Vec<Value> = self
            .requests
            .iter()
            .map(|((c, n), s)| {
                json!({"catalog": c.to_string(), "node_id": n.to_string(), "name": self.name_of(n), "status": s.status.as_str(), "at": s.at})
            })
            .collect();
        let outgoing: Vec<Value> = self
            .subscriptions
            .iter()
            .map(|(c, s)| json!({"catalog": c.to_string(), "owner_name": self.name_of(c.owner()), "status": s.status.as_str(), "at": s.at}))
            .collect();
        json!({"incoming": incoming, "outgoing": outgoing})
    }

    fn peers(&self) -> Value {
        let peers: Vec<Value> = self
            .config
            .members
            .iter()
            .map(|m| {
                let catalogs: Vec<Value> = self
                    .peer_sync
                    .iter()
                    .filter(|((n, _), _)| n == &m.node_id)
                    .map(|((_, c), s)| {
                        json!({
                            "catalog": c.to_string(),
                            "last_sync_at": s.last_sync_at,
                            "converged": s.converged,
                            "docs_behind": if s.converged { 0 } else { s.docs_differing },
                            "last_error": s.last_error,
                        })
                    })
                    .collect();
                json!({
                    "node_id": m.node_id.to_string(),
                    "name": m.name,
                    "country": m.country,
                    "connected": self.connected.contains(&m.node_id),
                    "last_sync_at": catalogs.iter().filter_map(|c| c["last_sync_at"].as_str()).max(),
                    "docs_behind": catalogs.iter().filter_map(|c| c["docs_behind"].as_u64()).sum::<u64>(),
                    "offers": self.offers.get(&m.node_id).map_or(0, Vec::len),
                    "catalogs": catalogs,
                })
            })
            .collect();
        json!({
            "peers": peers,
            "rejected_changes": self.rejected,
            "refused_connections": self.refused,
            "catalogs": self.replicas.len(),
        })
    }

    /// Brings every entry of this node's own catalogues in line with its local record: a
    /// crash between a record's durable write and the publication update that follows it
    /// (`local_record`) would otherwise leave the entry stale, or an erased record shared,
    /// until the record is next edited. Found by the kill -9 fault runs.
    async fn reconcile_publications(&mut self) {
        let owned: Vec<(CatalogId, Vec<String>)> = self
            .replicas
            .iter()
            .filter(|(c, _)| c.owner() == &self.me)
            .map(|(c, r)| (c.clone(), r.doc_ids().map(str::to_owned).collect()))
            .collect();
        let mut repaired = 0;
        for (catalog, ids) in owned {
            for id in ids {
                let Ok(record_id) = id.parse::<sicc_protocol::id::RecordId>() else {
                    continue;
                };
                let record = match self.store.get(record_id).await {
                    Ok(r) => r,
                    Err(e) => {
                        warn!(id, error = %e, "cannot read a published record");
                        continue;
                    }
                };
                let want = record.as_ref().and_then(Record::public_projection);
                let have = self.replicas.get(&catalog).and_then(|r| {
                    let mut v = r.document_json(&id)?;
                    if let Value::Object(m) = &mut v {
                        m.remove(super::document::ANNOTATIONS);
                    }
                    Some(v)
                });
                if want == have {
                    continue;
                }
                repaired += 1;
                let result = match (&record, want) {
                    (Some(r), Some(_)) => self.publish(&catalog.to_string(), r).await.map(drop),
                    _ => self.unpublish(&catalog.to_string(), &id).await.map(drop),
                };
                if let Err(e) = result {
                    warn!(catalog = %catalog, id, error = %e, "publication not repaired");
                }
            }
        }
        if repaired > 0 {
            info!(
                repaired,
                "publications brought back in line with their local records"
            );
        }
    }

    async fn local_record(&mut self, id: &str, record: Option<Record>) {
        let owned: Vec<CatalogId> = self
            .replicas
            .iter()
            .filter(|(c, r)| c.owner() == &self.me && r.contains(id))
            .map(|(c, _)| c.clone())
            .collect();
        for catalog in owned {
            let shareable = record.as_ref().filter(|r| r.public_projection().is_some());
            let result = match shareable {
                Some(r) => self.publish(&catalog.to_string(), r).await.map(|_| ()),
                // Deleted, or no longer shareable: the entry is erased everywhere.
                None => self.unpublish(&catalog.to_string(), id).await.map(|_| ()),
            };
            if let Err(e) = result {
                warn!(catalog = %catalog, id, error = %e, "publication not updated");
            }
        }
    }
}
