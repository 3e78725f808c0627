//! The federation policy as a sans-IO state machine: every catalogue replica this node holds,
//! the subscriptions, the per-peer sync state, the sessions in flight, and the rules of
//! SPEC.md §6.6-6.7 (when sessions run, offers, subscriptions, grants, revocation, take-back).
//!
//! It does no I/O and reads no clock: the engine task (`engine.rs`) or the simulator feeds it
//! [`Input`]s and [`Command`]s with `now`, and carries out the [`Effect`]s it returns, in order:
//!
//! ```text
//!  peer up/down, request, response, tick,        ┌────────────┐   send, respond, persist, emit,
//!  local records (feed), take-back read  ──────► │ Federation │ ─► count, read for take-back,
//!  staff command (create, publish, grant…) ────► └────────────┘   write local, consumed(seq)
//! ```
//!
//! Rules for whoever carries out the effects (both drivers keep them):
//! - every `Send` gets exactly one `Input::Response` back, a failure if it could not be sent;
//! - every `Request` input is answered by the one `Respond` effect with its id;
//! - after a `Persist` fails, the remaining effects of the same step are not carried out as
//!   such: `Respond` answers `error unavailable`, `Send` fails at once (its response is a
//!   failure), and the command's result becomes that storage error; then the driver stops
//!   until the node restarts: this state may hold changes that were never made durable, and
//!   one served and then lost in a restart would make the node's next change reuse its
//!   sequence number (an equivocation no peer accepts).
//!
//! Split by concern: `sessions.rs` (scheduling, anti-entropy, announcements, the responder),
//! `subscriptions.rs` (offers, subscribe, grant, revoke), `publications.rs` (publish, erase,
//! annotate, local records, take-back, what to persist), `views.rs` (typed read models),
//! `persisted.rs` (the stored form of sync state).

mod persisted;
mod publications;
mod sessions;
mod subscriptions;
mod views;

pub use persisted::{LoadedState, PeerSync, Subscription, persisted_prefixes};
pub use views::{
    AnnotationView, CatalogDetail, CatalogView, ChangeView, EntryView, HeldDetail, Holding,
    ManifestView, MemberRef, PeerCatalogSync, PeerView, PeersView, Relation, RequestView,
    SubscriptionsView,
};

use super::document::DocumentError;
use super::replica::{CatalogLimits, Replica, ReplicaError};
use super::session::Session;
use crate::storage::SharedOp;
use sicc_protocol::catalog::{CatalogError, CatalogId, SignedManifest};
use sicc_protocol::id::RecordId;
use sicc_protocol::identity::{NodeId, NodeSigner};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{Message, SubscriptionStatus};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use time::OffsetDateTime;

/// Most catalogues a node holds (own and subscribed).
pub const MAX_CATALOGS: usize = 256;
/// Most pending subscription requests kept per catalogue.
pub const MAX_REQUESTS_PER_CATALOG: usize = 64;
/// Longest annotation, in characters.
pub const MAX_ANNOTATION_CHARS: usize = 2_000;
/// A peer that sent a session's summary on a catalogue this recently (a session sends one per
/// page; a live announcement sends none) is taken to be running a session with this node on
/// it: the anti-entropy pass leaves that pair to the peer's session (sessions carry changes
/// both ways) instead of starting a second one that sends the same changes again. A cold
/// subscribe of 100,000 documents outlasts the 30 s pass.
pub const PEER_SESSION_QUIET: time::Duration = time::Duration::seconds(5);

/// A member of the federation, as the roster names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInfo {
    pub node_id: NodeId,
    pub name: String,
    pub country: String,
}

/// Who this node is and whom it federates with.
#[derive(Debug, Clone)]
pub struct FederationConfig {
    /// Signs this node's changes, manifests and tombstones.
    pub signer: Arc<NodeSigner>,
    /// Actor epoch of this node's changes (SPEC.md §2).
    pub epoch: u32,
    /// The roster, this node excluded.
    pub members: Vec<MemberInfo>,
    /// Caps on what this node keeps of each catalogue.
    pub limits: CatalogLimits,
}

/// Identifies one of our requests to a peer, so its response finds its purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// Identifies one request from a peer, so the answer finds its way back (chosen by the driver).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InboundId(pub u64);

/// What happens to the federation.
#[derive(Debug)]
pub enum Input {
    /// A member connected.
    PeerUp(NodeId),
    /// A member's last connection closed.
    PeerDown(NodeId),
    /// A connection from outside the roster was closed after its handshake.
    Refused,
    /// A member's request; answer with `Respond { id }`.
    Request {
        id: InboundId,
        peer: NodeId,
        message: Message,
    },
    /// The response to one of our `Send`s (`Err`: it failed, with why).
    Response {
        id: RequestId,
        result: Result<Message, String>,
    },
    /// The anti-entropy period elapsed.
    Tick,
    /// Local records changed (the feed, up to and including `upto`): their publications follow.
    /// Only records [`Federation::publishes`] names need to be passed; the rest may be left out.
    LocalRecords {
        upto: u64,
        changed: Vec<(RecordId, Option<Record>)>,
    },
    /// The answer to `ReadForTakeBack`: the local record as it is now.
    TakeBack {
        catalog: CatalogId,
        doc: RecordId,
        shared: serde_json::Value,
        local: Option<Record>,
    },
}

impl Input {
    /// A short name of the input, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Input::PeerUp(_) => "peer_up",
            Input::PeerDown(_) => "peer_down",
            Input::Refused => "refused",
            Input::Request { .. } => "request",
            Input::Response { .. } => "response",
            Input::Tick => "tick",
            Input::LocalRecords { .. } => "local_records",
            Input::TakeBack { .. } => "take_back",
        }
    }
}

/// What the driver must do, in order.
#[derive(Debug)]
pub enum Effect {
    /// Send a request to a peer; feed its response back with this id.
    Send {
        id: RequestId,
        peer: NodeId,
        message: Message,
    },
    /// Answer the peer's request `id`.
    Respond { id: InboundId, message: Message },
    /// Write these as one atomic, synced batch before going on.
    Persist(Vec<SharedOp>),
    /// Tell live readers (server-sent events).
    Emit(SyncEvent),
    /// Count something for `/metrics`.
    Count(Count),
    /// Read the local record `doc` and feed it back as [`Input::TakeBack`].
    ReadForTakeBack {
        catalog: CatalogId,
        doc: RecordId,
        shared: serde_json::Value,
    },
    /// Write a record taken back from a partner to the local store, unless the local record is
    /// no longer at `expected_revision` (0: absent): a staff edit made meanwhile wins.
    WriteLocal {
        record: Record,
        expected_revision: u64,
    },
    /// Every local record change up to `seq` is reflected in the publications: once the effects
    /// before this one are done, the feed is consumed up to here.
    Consumed(u64),
}

/// A counter to increment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// A change or tombstone was refused, by reason code.
    Rejected(&'static str),
    /// A session this node started ended: `converged`, `differing` or `failed`, after this
    /// long (from its first request to its last answer).
    Session(&'static str, std::time::Duration),
    /// A non-member's connection was closed.
    RefusedConnection,
}

/// A live event for staff (the API's server-sent events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    EntryArrived {
        catalog: CatalogId,
        id: String,
    },
    EntryChanged {
        catalog: CatalogId,
        id: String,
    },
    EntryRemoved {
        catalog: CatalogId,
        id: String,
    },
    PeerUp {
        node_id: NodeId,
    },
    PeerDown {
        node_id: NodeId,
    },
    SubscriptionRequested {
        catalog: CatalogId,
        node_id: NodeId,
    },
    /// The owner answered our subscription request (`None`: the request failed or was refused
    /// with an error; it is sent again on the next connection).
    SubscriptionAnswered {
        catalog: CatalogId,
        status: Option<SubscriptionStatus>,
    },
}

/// A role the owner grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reader,
    Writer,
}

/// A staff action on the federation.
#[derive(Debug)]
pub enum Command {
    CreateCatalog {
        name: String,
        title: BTreeMap<String, String>,
        description: BTreeMap<String, String>,
    },
    /// Publishes (or re-publishes) a local record; the driver reads it from the store.
    Publish {
        catalog: CatalogId,
        record: Record,
    },
    /// Erases an entry everywhere.
    Unpublish {
        catalog: CatalogId,
        doc: String,
    },
    Annotate {
        catalog: CatalogId,
        doc: String,
        text: String,
    },
    /// Grants a role (`Some`), or revokes every role and refuses a pending request (`None`).
    Access {
        catalog: CatalogId,
        node: NodeId,
        grant: Option<Role>,
    },
    Subscribe {
        catalog: CatalogId,
    },
    /// Stops holding another node's catalogue: its entries are removed here.
    Unsubscribe {
        catalog: CatalogId,
    },
}

/// What a command did.
#[derive(Debug)]
pub enum Done {
    /// The catalogue as it now is (create, grant, revoke).
    Catalog(Box<CatalogView>),
    Published {
        catalog: CatalogId,
        id: String,
        /// Whether the entry changed (re-publishing an unchanged record changes nothing).
        changed: bool,
    },
    Erased {
        catalog: CatalogId,
        id: String,
    },
    Annotated {
        catalog: CatalogId,
        id: String,
    },
    Subscribed {
        catalog: CatalogId,
        status: SubscriptionStatus,
        /// For a pending request: whether the owner was connected to receive it now.
        owner_connected: Option<bool>,
    },
    Unsubscribed {
        catalog: CatalogId,
        removed_entries: usize,
    },
}

/// Most log lines about rejected changes per peer and minute.
pub const REJECTION_LOG_LINES_PER_MINUTE: u32 = 20;

/// The rejection-log window of one peer.
#[derive(Debug, Clone, Copy)]
struct RejectionLog {
    since: OffsetDateTime,
    logged: u32,
    suppressed: u64,
}

/// Why a command failed.
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
    #[error(
        "this node was restored from a backup and has not yet learnt the latest manifest of `{0}` from a partner; grants and revocations wait until a member holding it has synced (see the peers page)"
    )]
    ManifestUnconfirmed(String),
    #[error("local record `{0}` does not exist")]
    NoSuchRecord(String),
    #[error(transparent)]
    Replica(#[from] ReplicaError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] crate::storage::StoreError),
    #[error("this node holds the limit of {MAX_CATALOGS} catalogues")]
    TooManyCatalogs,
    #[error("the sync engine has stopped")]
    Stopped,
    #[error("the sync engine failed on this request (a defect, logged)")]
    Panicked,
}

/// What kind of failure a [`SyncError`] is, for whoever reports it (the API maps each kind to
/// one stable error code) without looking into the replica's and the document's own errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncErrorKind {
    UnknownCatalog,
    CatalogExists,
    Invalid,
    NotOwner,
    NotMember,
    ManifestUnconfirmed,
    NotFound,
    NotAllowed,
    Erased,
    NotShareable,
    TooManyCatalogs,
    /// The store failed: see [`SyncError::Store`].
    Store,
    Stopped,
    /// A shared document could not be changed: a defect, not a caller's mistake.
    Internal,
}

impl SyncError {
    pub fn kind(&self) -> SyncErrorKind {
        match self {
            SyncError::UnknownCatalog(_) => SyncErrorKind::UnknownCatalog,
            SyncError::CatalogExists(_) => SyncErrorKind::CatalogExists,
            SyncError::Invalid(_) | SyncError::Catalog(_) => SyncErrorKind::Invalid,
            SyncError::NotOwner(_) => SyncErrorKind::NotOwner,
            SyncError::NotMember(_) => SyncErrorKind::NotMember,
            SyncError::ManifestUnconfirmed(_) => SyncErrorKind::ManifestUnconfirmed,
            SyncError::NoSuchRecord(_) => SyncErrorKind::NotFound,
            SyncError::Replica(ReplicaError::NotAllowed(..)) => SyncErrorKind::NotAllowed,
            SyncError::Replica(ReplicaError::Erased(_)) => SyncErrorKind::Erased,
            SyncError::Replica(ReplicaError::NoSuchDocument(_)) => SyncErrorKind::NotFound,
            SyncError::Replica(ReplicaError::Document(DocumentError::NotShareable(_))) => {
                SyncErrorKind::NotShareable
            }
            SyncError::Replica(ReplicaError::Document(_)) => SyncErrorKind::Internal,
            SyncError::TooManyCatalogs => SyncErrorKind::TooManyCatalogs,
            SyncError::Store(_) => SyncErrorKind::Store,
            SyncError::Stopped => SyncErrorKind::Stopped,
            SyncError::Panicked => SyncErrorKind::Internal,
        }
    }
}

/// What an outstanding request of ours is for.
#[derive(Debug, Clone)]
enum Purpose {
    Session {
        peer: NodeId,
        catalog: CatalogId,
    },
    Announce {
        peer: NodeId,
        catalog: CatalogId,
    },
    Offers {
        peer: NodeId,
    },
    Subscribe {
        catalog: CatalogId,
    },
    /// We told a member which catalogues we offer (it answers with its own offers).
    PushOffers {
        peer: NodeId,
    },
}

/// Most changes and tombstones held back for one peer while an announcement to it is
/// unanswered; beyond them, a session sends what it lacks instead.
const HELD_MAX: usize = 500;
/// Most bytes of them (a quarter of a frame: one large record's changes are up to 256 KiB).
const HELD_MAX_BYTES: usize = sicc_protocol::wire::MAX_FRAME_BYTES / 4;

/// Changes held back for a peer while an announcement to it is unanswered.
#[derive(Debug, Default)]
struct Held {
    changes: Vec<sicc_protocol::wire::WireChange>,
    tombstones: Vec<sicc_protocol::wire::WireTombstone>,
    /// The bytes of their strings.
    bytes: usize,
    /// More than [`HELD_MAX`] or [`HELD_MAX_BYTES`] were held: a session follows instead.
    overflow: bool,
}

impl Held {
    fn hold(
        &mut self,
        changes: &[sicc_protocol::wire::WireChange],
        tombstones: &[sicc_protocol::wire::WireTombstone],
    ) {
        if self.overflow {
            return;
        }
        let count = self.changes.len() + self.tombstones.len() + changes.len() + tombstones.len();
        let bytes = self.bytes
            + changes
                .iter()
                .map(|c| c.doc.len() + c.change.len() + c.author.len() + c.signature.len())
                .sum::<usize>()
            + tombstones
                .iter()
                .map(|t| t.doc.len() + t.at.len() + t.author.len() + t.signature.len())
                .sum::<usize>();
        if count > HELD_MAX || bytes > HELD_MAX_BYTES {
            *self = Held {
                overflow: true,
                ..Held::default()
            };
        } else {
            self.changes.extend_from_slice(changes);
            self.tombstones.extend_from_slice(tombstones);
            self.bytes = bytes;
        }
    }

    fn is_empty(&self) -> bool {
        !self.overflow && self.changes.is_empty() && self.tombstones.is_empty()
    }
}

#[derive(Debug, Default)]
struct SessionSlot {
    session: Option<Session>,
    /// Run another session as soon as this one ends (something changed meanwhile).
    again: bool,
    /// When the running session sent its first request.
    started: Option<OffsetDateTime>,
    /// The last anti-entropy pass left this pair to the peer's session: the next one runs it
    /// whatever the peer does (only the side that starts a session confirms the manifest and
    /// retries what failed).
    pass_skipped: bool,
}

/// The federation state of one node. See the module documentation.
#[derive(Debug)]
pub struct Federation {
    me: NodeId,
    config: FederationConfig,
    replicas: BTreeMap<CatalogId, Replica>,
    connected: BTreeSet<NodeId>,
    sessions: BTreeMap<(NodeId, CatalogId), SessionSlot>,
    peer_sync: BTreeMap<(NodeId, CatalogId), PeerSync>,
    offers: BTreeMap<NodeId, Vec<SignedManifest>>,
    /// Catalogues this node asked to subscribe to.
    subscriptions: BTreeMap<CatalogId, Subscription>,
    /// Requests from partners to subscribe to this node's catalogues.
    requests: BTreeMap<(CatalogId, NodeId), Subscription>,
    /// Per owned catalogue, the actor epoch in which its manifest was last confirmed current
    /// (see [`Federation::manifest_confirmed`]).
    confirmed: BTreeMap<CatalogId, u32>,
    /// Rejected changes and tombstones, by reason code.
    rejected: BTreeMap<&'static str, u64>,
    /// Per peer, how many rejections were logged in the current minute.
    rejection_log: BTreeMap<NodeId, RejectionLog>,
    /// Connections from non-members closed after their handshake.
    refused: u64,
    outstanding: BTreeMap<RequestId, Purpose>,
    /// When each peer last sent a session's summary on each catalogue (not persisted).
    peer_requests: BTreeMap<(NodeId, CatalogId), OffsetDateTime>,
    /// Per peer and catalogue, an announcement of ours not answered yet, and the changes made
    /// meanwhile, sent together once it is answered. One at a time: over a link that drops
    /// packets, one announcement per change would pile up until the connection's stream limit
    /// refuses the session that repairs it.
    announcing: BTreeMap<(NodeId, CatalogId), Held>,
    next_request: u64,
    /// Effects of the step in progress.
    effects: Vec<Effect>,
    /// The time of the step in progress.
    now: OffsetDateTime,
}

impl Federation {
    /// The federation state rebuilt from what was persisted (a new node: `LoadedState::default()`).
    /// Catalogues that cannot be read back are skipped and returned with why.
    pub fn new(config: FederationConfig, loaded: LoadedState) -> (Federation, Vec<String>) {
        let me = config.signer.node_id();
        let (replicas, skipped) = loaded.replicas(&config.signer, config.epoch, config.limits);
        (
            Federation {
                me,
                config,
                replicas,
                connected: BTreeSet::new(),
                sessions: BTreeMap::new(),
                peer_sync: loaded.peer_sync,
                offers: BTreeMap::new(),
                subscriptions: loaded.subscriptions,
                requests: loaded.requests,
                confirmed: loaded.confirmed,
                rejection_log: BTreeMap::new(),
                rejected: BTreeMap::new(),
                refused: 0,
                outstanding: BTreeMap::new(),
                peer_requests: BTreeMap::new(),
                announcing: BTreeMap::new(),
                next_request: 0,
                effects: Vec::new(),
                now: OffsetDateTime::UNIX_EPOCH,
            },
            skipped,
        )
    }

    /// This node's id.
    pub fn me(&self) -> NodeId {
        self.me
    }

    /// Number of catalogues held.
    pub fn catalog_count(&self) -> usize {
        self.replicas.len()
    }

    /// Feeds one input; returns the effects to carry out, in order.
    pub fn handle(&mut self, now: OffsetDateTime, input: Input) -> Vec<Effect> {
        self.now = now;
        match input {
            Input::PeerUp(peer) => self.on_peer_up(peer),
            Input::PeerDown(peer) => self.on_peer_down(peer),
            Input::Refused => {
                self.refused += 1;
                self.effects.push(Effect::Count(Count::RefusedConnection));
            }
            Input::Request { id, peer, message } => {
                let reply = self.answer(peer, message);
                self.effects.push(Effect::Respond { id, message: reply });
            }
            Input::Response { id, result } => self.on_response(id, result),
            Input::Tick => self.anti_entropy(),
            Input::LocalRecords { upto, changed } => {
                for (id, record) in changed {
                    self.local_record(&id, record);
                }
                self.effects.push(Effect::Consumed(upto));
            }
            Input::TakeBack {
                catalog,
                doc,
                shared,
                local,
            } => self.take_back(&catalog, &doc, shared, local),
        }
        std::mem::take(&mut self.effects)
    }

    /// Carries out a staff command; returns its result and the effects to carry out before
    /// answering (the result holds only once they are done).
    pub fn command(
        &mut self,
        now: OffsetDateTime,
        command: Command,
    ) -> (Result<Done, SyncError>, Vec<Effect>) {
        self.now = now;
        let result = match command {
            Command::CreateCatalog {
                name,
                title,
                description,
            } => self.create_catalog(&name, title, description),
            Command::Publish { catalog, record } => self.publish(&catalog, &record),
            Command::Unpublish { catalog, doc } => self.unpublish(&catalog, &doc),
            Command::Annotate { catalog, doc, text } => self.annotate(&catalog, &doc, &text),
            Command::Access {
                catalog,
                node,
                grant,
            } => self.access(&catalog, node, grant),
            Command::Subscribe { catalog } => self.subscribe(&catalog),
            Command::Unsubscribe { catalog } => self.unsubscribe(&catalog),
        };
        (result, std::mem::take(&mut self.effects))
    }

    /// Whether a change to this local record must update a publication (it is an entry of one
    /// of this node's catalogues).
    pub fn publishes(&self, id: &RecordId) -> bool {
        self.replicas
            .iter()
            .any(|(c, r)| c.owner() == &self.me && r.contains(id.as_str()))
    }

    /// Every entry of this node's own catalogues: what a publications rebuild must read.
    pub fn published_ids(&self) -> BTreeSet<RecordId> {
        self.replicas
            .iter()
            .filter(|(c, _)| c.owner() == &self.me)
            .flat_map(|(_, r)| r.doc_ids().filter_map(|d| d.parse::<RecordId>().ok()))
            .collect()
    }

    // ------------------------------------------------------------------ inspection
    /// Moves every replica's documents into new allocations made by the calling thread
    /// ([`Replica::reallocate`]): the engine calls it on a new thread after a burst, before
    /// the memory release. Changes nothing a peer or a reader can see.
    pub fn reallocate(&mut self) {
        for replica in self.replicas.values_mut() {
            replica.reallocate();
        }
    }

    // Read-only questions for drivers, tests and the simulator's invariant checks.

    /// The catalogues held.
    pub fn held_catalogs(&self) -> Vec<CatalogId> {
        self.replicas.keys().cloned().collect()
    }

    /// A held catalogue's digest (SPEC.md §6.3).
    pub fn digest(&mut self, catalog: &CatalogId) -> Option<[u8; 32]> {
        self.replicas.get_mut(catalog).map(Replica::digest)
    }

    /// Whether the manifest in force here lets `node` read `catalog`.
    pub fn may_read(&self, catalog: &CatalogId, node: &NodeId) -> bool {
        self.replicas
            .get(catalog)
            .is_some_and(|r| r.manifest().may_read(node))
    }

    /// The version of the manifest in force here.
    pub fn manifest_version(&self, catalog: &CatalogId) -> Option<u64> {
        self.replicas.get(catalog).map(|r| r.manifest().version)
    }

    /// The live documents of a held catalogue.
    pub fn documents(&self, catalog: &CatalogId) -> Vec<String> {
        self.replicas
            .get(catalog)
            .map(|r| r.doc_ids().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// The erased documents of a held catalogue.
    pub fn erased(&self, catalog: &CatalogId) -> Vec<String> {
        self.replicas
            .get(catalog)
            .map(|r| r.tombstone_ids().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// A document's content (shared fields and annotations).
    pub fn document(&self, catalog: &CatalogId, doc: &str) -> Option<serde_json::Value> {
        self.replicas.get(catalog)?.document_json(doc)
    }

    /// Requests of ours awaiting a response, and sessions in flight.
    pub fn in_flight(&self) -> (usize, usize) {
        let sessions = self
            .sessions
            .values()
            .filter(|s| s.session.is_some())
            .count();
        (self.outstanding.len(), sessions)
    }

    /// Pending subscription requests kept, per catalogue (the largest count).
    pub fn most_requests_per_catalog(&self) -> usize {
        let mut counts: BTreeMap<&CatalogId, usize> = BTreeMap::new();
        for (c, _) in self.requests.keys() {
            *counts.entry(c).or_default() += 1;
        }
        counts.values().copied().max().unwrap_or(0)
    }

    // ------------------------------------------------------------------ shared helpers

    fn member(&self, node: &NodeId) -> Option<&MemberInfo> {
        self.config.members.iter().find(|m| &m.node_id == node)
    }

    /// A node's name for people: "this node", "Name (CC)", or its short id.
    pub fn name_of(&self, node: &NodeId) -> String {
        if node == &self.me {
            return "this node".into();
        }
        self.member(node)
            .map(|m| format!("{} ({})", m.name, m.country))
            .unwrap_or_else(|| node.short())
    }

    fn now_rfc3339(&self) -> String {
        self.now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    fn send(&mut self, peer: NodeId, message: Message, purpose: Purpose) {
        self.next_request += 1;
        let id = RequestId(self.next_request);
        self.outstanding.insert(id, purpose);
        self.effects.push(Effect::Send { id, peer, message });
    }

    fn emit(&mut self, event: SyncEvent) {
        self.effects.push(Effect::Emit(event));
    }

    fn persist_ops(&mut self, ops: Vec<SharedOp>) {
        if !ops.is_empty() {
            self.effects.push(Effect::Persist(ops));
        }
    }

    fn held(&self, catalog: &CatalogId) -> Result<(), SyncError> {
        if self.replicas.contains_key(catalog) {
            Ok(())
        } else {
            Err(SyncError::UnknownCatalog(catalog.to_string()))
        }
    }

    fn owned(&self, catalog: &CatalogId) -> Result<(), SyncError> {
        self.held(catalog)?;
        if catalog.owner() != &self.me {
            return Err(SyncError::NotOwner(catalog.to_string()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
