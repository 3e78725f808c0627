//! A deterministic simulator of a federation: N nodes, each the real [`Federation`] state
//! machine driven exactly as the engine task drives it, with an in-memory store (records, the
//! change feed, the persisted sync state) and an in-memory network with seeded delay, drops,
//! duplicated requests, partitions, crashes and restores from backup, all in virtual time.
//!
//! Nothing reads a clock or a global random source, so a run is a function of its seed:
//! `Sim::new(seed, ..)` replays it exactly. After every step [`Sim::check`] verifies the
//! invariants of ARCHITECTURE.md that can be judged at any instant; [`Sim::check_converged`]
//! verifies the rest once the network is healed and quiet. (iroh-gossip's `proto/sim.rs` and
//! FoundationDB's simulation testing are the models.)

use serde_json::{Value, json};
use sicc_node::storage::{SharedOp, StoredCatalog, StoredDoc};
use sicc_node::sync::document::{ANNOTATIONS, SharedDocument};
use sicc_node::sync::federation::{
    Command, Done, Effect, Federation, FederationConfig, InboundId, Input, LoadedState, MemberInfo,
    Relation, RequestId, Role, persisted_prefixes,
};
use sicc_protocol::catalog::{CatalogId, ChangeSignature};
use sicc_protocol::id::RecordId;
use sicc_protocol::identity::{NodeId, NodeSigner};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{self, ErrorCode, Message};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;
use time::OffsetDateTime;

/// Marks local-only fields: it must never reach a shared document or the wire.
pub const CANARY: &str = "LOCAL-ONLY-CANARY";
/// Virtual milliseconds between two anti-entropy passes of a node.
const ANTI_ENTROPY_MS: u64 = 30_000;
/// How long a request waits before the network reports a timeout.
const TIMEOUT_MS: u64 = 30_000;
const COUNTRIES: [&str; 5] = ["LV", "ES", "FR", "SE", "EE"];

/// A seeded pseudo-random source (splitmix64): the simulator's only randomness.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.next_u64() % 1000 < per_mille
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

/// How the simulated network misbehaves (per mille).
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// A request or response is lost (the sender sees a timeout).
    pub drop: u64,
    /// A request is delivered twice (the second answer is discarded, as a transport would).
    pub duplicate: u64,
    /// Largest one-way delay, in virtual milliseconds.
    pub max_delay_ms: u64,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            drop: 30,
            duplicate: 30,
            max_delay_ms: 80,
        }
    }
}

impl Faults {
    /// A perfect network, for scripted scenarios.
    pub fn none() -> Faults {
        Faults {
            drop: 0,
            duplicate: 0,
            max_delay_ms: 5,
        }
    }
}

/// One node's durable state: what the RocksDB store would hold.
#[derive(Debug, Clone, Default)]
pub struct MemStore {
    pub records: BTreeMap<RecordId, Record>,
    /// The change feed (local records only: the simulator has no search index).
    feed: Vec<(u64, RecordId)>,
    seq: u64,
    catalogs: BTreeMap<String, Vec<u8>>,
    docs: BTreeMap<(String, String), StoredDoc>,
    tombstones: BTreeMap<(String, String), Vec<u8>>,
    /// Other nodes' documents in readable form, by (document, catalogue).
    pub materialised: BTreeMap<(String, String), Value>,
    state: BTreeMap<String, Vec<u8>>,
    engine_cursor: Option<u64>,
    epoch: u32,
}

impl MemStore {
    /// Applies the sync engine's ops as the store's writer does (`shared_batch`).
    fn apply(&mut self, ops: Vec<SharedOp>) {
        for op in ops {
            match op {
                SharedOp::Manifest { catalog, bytes } => {
                    self.catalogs.insert(catalog, bytes);
                }
                SharedOp::Doc { catalog, doc } => {
                    self.docs.insert((catalog, doc.doc.clone()), doc);
                }
                SharedOp::Tombstone {
                    catalog,
                    doc,
                    bytes,
                } => {
                    self.docs.remove(&(catalog.clone(), doc.clone()));
                    self.materialised.remove(&(doc.clone(), catalog.clone()));
                    self.tombstones.insert((catalog, doc), bytes);
                }
                SharedOp::Materialised {
                    catalog,
                    doc,
                    record,
                    ..
                } => match record {
                    Some(v) => {
                        self.materialised.insert((doc, catalog), v);
                    }
                    None => {
                        self.materialised.remove(&(doc, catalog));
                    }
                },
                SharedOp::State { key, value } => match value {
                    Some(v) => {
                        self.state.insert(key, v);
                    }
                    None => {
                        self.state.remove(&key);
                    }
                },
                SharedOp::DropCatalog {
                    catalog,
                    docs,
                    tombstones,
                } => {
                    self.catalogs.remove(&catalog);
                    for d in docs {
                        self.docs.remove(&(catalog.clone(), d.clone()));
                        self.materialised.remove(&(d, catalog.clone()));
                    }
                    for d in tombstones {
                        self.tombstones.remove(&(catalog.clone(), d));
                    }
                }
            }
        }
    }

    /// What the engine reads back at start.
    fn loaded(&self) -> LoadedState {
        let catalogs = self
            .catalogs
            .iter()
            .map(|(c, manifest)| StoredCatalog {
                catalog: c.clone(),
                manifest: manifest.clone(),
                docs: self
                    .docs
                    .iter()
                    .filter(|((dc, _), _)| dc == c)
                    .map(|(_, d)| d.clone())
                    .collect(),
                tombstones: self
                    .tombstones
                    .iter()
                    .filter(|((tc, _), _)| tc == c)
                    .map(|((_, d), b)| (d.clone(), b.clone()))
                    .collect(),
            })
            .collect();
        let prefixes = persisted_prefixes();
        let state = self
            .state
            .iter()
            .filter(|(k, _)| prefixes.iter().any(|p| k.starts_with(p)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        LoadedState::parse(catalogs, state)
    }

    /// A staff write (upsert): the store sets revision and times, and appends to the feed.
    fn put(&mut self, mut record: Record, now: &str) -> u64 {
        let prev = self.records.get(&record.id);
        record.revision = prev.map_or(1, |p| p.revision + 1);
        record.created_at = prev
            .and_then(|p| p.created_at.clone())
            .or_else(|| Some(now.to_owned()));
        record.updated_at = Some(now.to_owned());
        self.append(record)
    }

    /// An import-mode write (take-back): the record keeps its own revision and times.
    fn import(&mut self, record: Record) -> u64 {
        self.append(record)
    }

    fn append(&mut self, record: Record) -> u64 {
        self.seq += 1;
        self.feed.push((self.seq, record.id.clone()));
        self.records.insert(record.id.clone(), record);
        self.seq
    }

    fn delete(&mut self, id: &RecordId) -> Option<u64> {
        self.records.remove(id)?;
        self.seq += 1;
        self.feed.push((self.seq, id.clone()));
        Some(self.seq)
    }

    /// A persisted document's signed changes, as its node would send them.
    fn persisted_changes(
        &self,
        catalog: &CatalogId,
        doc: &str,
        signer: &NodeSigner,
    ) -> Vec<wire::WireChange> {
        let Some(stored) = self.docs.get(&(catalog.to_string(), doc.to_owned())) else {
            return Vec::new();
        };
        let signatures = stored
            .signatures
            .iter()
            .filter_map(|s| ChangeSignature::decode(s).ok())
            .collect();
        match SharedDocument::load(catalog.clone(), doc, &stored.save, signatures, signer, 0) {
            Ok(mut d) => d
                .changes_since(&[])
                .iter()
                .map(|c| wire::WireChange::new(&c.bytes, &c.signature))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// A persisted document's shared content, decoded as a peer would.
    fn persisted_document(
        &self,
        catalog: &CatalogId,
        doc: &str,
        signer: &NodeSigner,
    ) -> Option<Value> {
        let stored = self.docs.get(&(catalog.to_string(), doc.to_owned()))?;
        let signatures = stored
            .signatures
            .iter()
            .filter_map(|s| ChangeSignature::decode(s).ok())
            .collect();
        let d =
            SharedDocument::load(catalog.clone(), doc, &stored.save, signatures, signer, 0).ok()?;
        Some(d.to_json())
    }
}

/// A simulated node.
#[derive(Debug)]
pub struct SimNode {
    pub name: String,
    pub country: &'static str,
    pub id: NodeId,
    signer: Arc<NodeSigner>,
    /// `None` while the node is down.
    fed: Option<Federation>,
    /// Changes at each restart, so that messages for an earlier run are not delivered.
    incarnation: u64,
    pub store: MemStore,
    /// How far the publications follow the feed (the engine's in-memory cursor).
    consumed: u64,
    /// Requests being answered: inbound id → (requester, its request id, duplicate?).
    inbound: BTreeMap<u64, (usize, RequestId, bool)>,
    next_inbound: u64,
    /// A backup of the store, taken by a `backup` step.
    backup: Option<MemStore>,
    /// The node's disk is full: every persist of the sync engine fails (`Sim::fill_disk`).
    disk_full: bool,
    /// (catalogue, document) pairs this node has seen erased: they must never come back.
    seen_erased: BTreeSet<(CatalogId, String)>,
}

impl SimNode {
    pub fn federation(&mut self) -> Option<&mut Federation> {
        self.fed.as_mut()
    }

    pub fn is_up(&self) -> bool {
        self.fed.is_some()
    }
}

/// Something scheduled on the simulated network.
#[derive(Debug)]
enum Event {
    Request {
        from: usize,
        from_incarnation: u64,
        to: usize,
        id: RequestId,
        message: Message,
        duplicate: bool,
    },
    Response {
        to: usize,
        incarnation: u64,
        id: RequestId,
        result: Result<Message, String>,
    },
    /// The node's engine reads the feed.
    Feed { node: usize, incarnation: u64 },
    /// The node's anti-entropy timer.
    Tick { node: usize, incarnation: u64 },
}

/// What a run counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub steps: u64,
    pub messages: u64,
    pub dropped: u64,
    pub duplicated: u64,
    pub crashes: u64,
    pub restores: u64,
    pub partitions: u64,
    pub acknowledged_writes: u64,
    pub commands_ok: u64,
    pub commands_refused: u64,
    pub rejected_changes: u64,
    /// Refused changes and tombstones by reason code.
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    pub take_backs: u64,
    /// Persists refused by a full disk.
    pub failed_persists: u64,
    /// Nodes whose sync stopped after a failed persist (not counted as crashes).
    pub halts: u64,
}

/// The simulator. See the module documentation.
#[derive(Debug)]
pub struct Sim {
    pub seed: u64,
    rng: Rng,
    faults: Faults,
    now_ms: u64,
    queue: BTreeMap<(u64, u64), Event>,
    next_event: u64,
    pub nodes: Vec<SimNode>,
    /// `cut[a][b]`: the link between a and b is down.
    cut: Vec<Vec<bool>>,
    /// Who is connected to whom, as the nodes were told.
    connected: Vec<Vec<bool>>,
    /// Writers ever granted per catalogue (their changes may appear in its documents).
    writers_ever: BTreeMap<CatalogId, BTreeSet<NodeId>>,
    pub stats: Stats,
    /// Each step, briefly: printed when a run fails, so it can be read next to its seed.
    pub trace: Vec<String>,
}

/// A violated invariant, with the run's seed and its recent steps.
#[derive(Debug)]
pub struct Violation(pub String);

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Violation {}

impl Sim {
    /// `n` nodes, all members of one roster, none connected yet (see [`Sim::connect_all`]).
    pub fn new(seed: u64, n: usize, faults: Faults) -> Sim {
        assert!(n <= COUNTRIES.len());
        let signers: Vec<Arc<NodeSigner>> = (0..n)
            .map(|i| {
                let mut key = [0u8; 32];
                key[..8].copy_from_slice(&seed.to_be_bytes());
                key[8] = i as u8 + 1;
                Arc::new(NodeSigner::from_seed(key))
            })
            .collect();
        let roster: Vec<MemberInfo> = signers
            .iter()
            .enumerate()
            .map(|(i, s)| MemberInfo {
                node_id: s.node_id(),
                name: format!("Node {}", COUNTRIES[i]),
                country: COUNTRIES[i].into(),
            })
            .collect();
        let nodes = signers
            .into_iter()
            .enumerate()
            .map(|(i, signer)| {
                let id = signer.node_id();
                let members = roster.iter().filter(|m| m.node_id != id).cloned().collect();
                let (fed, _) = Federation::new(
                    FederationConfig {
                        signer: signer.clone(),
                        epoch: 0,
                        members,
                        limits: Default::default(),
                    },
                    LoadedState::default(),
                );
                SimNode {
                    name: roster[i].name.clone(),
                    country: COUNTRIES[i],
                    id,
                    signer,
                    fed: Some(fed),
                    incarnation: 0,
                    store: MemStore {
                        engine_cursor: Some(0),
                        ..MemStore::default()
                    },
                    consumed: 0,
                    inbound: BTreeMap::new(),
                    next_inbound: 0,
                    backup: None,
                    disk_full: false,
                    seen_erased: BTreeSet::new(),
                }
            })
            .collect();
        let mut sim = Sim {
            seed,
            rng: Rng::new(seed),
            faults,
            now_ms: 0,
            queue: BTreeMap::new(),
            next_event: 0,
            nodes,
            cut: vec![vec![false; n]; n],
            connected: vec![vec![false; n]; n],
            writers_ever: BTreeMap::new(),
            stats: Stats::default(),
            trace: Vec::new(),
        };
        for i in 0..n {
            sim.schedule_tick(i);
        }
        sim
    }

    fn roster(&self) -> Vec<MemberInfo> {
        self.nodes
            .iter()
            .map(|n| MemberInfo {
                node_id: n.id,
                name: n.name.clone(),
                country: n.country.into(),
            })
            .collect()
    }

    /// The virtual time.
    pub fn now(&self) -> OffsetDateTime {
        time::macros::datetime!(2026-01-01 00:00 UTC)
            + time::Duration::milliseconds(self.now_ms as i64)
    }

    fn now_rfc3339(&self) -> String {
        self.now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    fn note(&mut self, line: String) {
        self.trace.push(format!("{:>8} ms  {line}", self.now_ms));
    }

    fn schedule(&mut self, delay_ms: u64, event: Event) {
        self.next_event += 1;
        self.queue
            .insert((self.now_ms + delay_ms, self.next_event), event);
    }

    fn delay(&mut self) -> u64 {
        1 + self.rng.below(self.faults.max_delay_ms as usize) as u64
    }

    fn schedule_tick(&mut self, node: usize) {
        let incarnation = self.nodes[node].incarnation;
        // Spread the nodes' timers so that they do not all fire at once.
        let jitter = self.rng.below(5_000) as u64;
        self.schedule(ANTI_ENTROPY_MS + jitter, Event::Tick { node, incarnation });
    }

    fn index_of(&self, id: &NodeId) -> Option<usize> {
        self.nodes.iter().position(|n| &n.id == id)
    }

    // ------------------------------------------------------------------ connectivity

    fn link_up(&self, a: usize, b: usize) -> bool {
        !self.cut[a][b] && self.nodes[a].is_up() && self.nodes[b].is_up()
    }

    /// Tells every node whose connections changed (libp2p's connection events).
    fn update_connections(&mut self) -> Result<(), Violation> {
        let n = self.nodes.len();
        for a in 0..n {
            for b in 0..n {
                if a == b {
                    continue;
                }
                let up = self.link_up(a, b);
                if up != self.connected[a][b] {
                    self.connected[a][b] = up;
                    if self.nodes[a].is_up() {
                        let peer = self.nodes[b].id;
                        let input = if up {
                            Input::PeerUp(peer)
                        } else {
                            Input::PeerDown(peer)
                        };
                        self.input(a, input)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Cuts (or heals) the link between two nodes, both ways.
    pub fn set_cut(&mut self, a: usize, b: usize, cut: bool) -> Result<(), Violation> {
        self.cut[a][b] = cut;
        self.cut[b][a] = cut;
        if cut {
            self.stats.partitions += 1;
        }
        self.note(format!(
            "link {a}-{b} {}",
            if cut { "cut" } else { "healed" }
        ));
        self.update_connections()
    }

    /// Heals every link.
    pub fn heal_all(&mut self) -> Result<(), Violation> {
        for row in &mut self.cut {
            row.iter_mut().for_each(|c| *c = false);
        }
        self.note("all links healed".into());
        self.update_connections()
    }

    /// Connects every node to every other (the start of most scenarios).
    pub fn connect_all(&mut self) -> Result<(), Violation> {
        self.heal_all()
    }

    // ------------------------------------------------------------------ driving one node

    /// Feeds one input to a node and carries out the effects; `Ok(false)` when a persist
    /// failed (the node's disk is full).
    fn input(&mut self, node: usize, input: Input) -> Result<bool, Violation> {
        let now = self.now();
        let Some(fed) = self.nodes[node].fed.as_mut() else {
            return Ok(true);
        };
        let effects = fed.handle(now, input);
        self.carry_out(node, effects)
    }

    /// Carries out effects as the engine task does (`node/src/sync/engine.rs`), with its rules
    /// after a failed persist: the rest of the step fails, then the node's sync stops until it
    /// restarts (its memory may hold what the store does not). `Ok(false)` when a persist
    /// failed.
    fn carry_out(&mut self, node: usize, effects: Vec<Effect>) -> Result<bool, Violation> {
        let mut queue: VecDeque<Effect> = effects.into();
        let mut failed = false;
        while let Some(effect) = queue.pop_front() {
            if failed && !matches!(effect, Effect::Count(_)) {
                self.after_failure(node, effect, &mut queue);
                continue;
            }
            match effect {
                Effect::Persist(ops) => {
                    if self.nodes[node].disk_full {
                        self.stats.failed_persists += 1;
                        self.note(format!("node {node}: persist failed (disk full)"));
                        failed = true;
                    } else {
                        self.nodes[node].store.apply(ops);
                    }
                }
                Effect::Send { id, peer, message } => {
                    self.check_wire(node, &message)?;
                    self.send(node, peer, id, message);
                }
                Effect::Respond { id, message } => {
                    self.check_wire(node, &message)?;
                    if let Some((to, request, duplicate)) = self.nodes[node].inbound.remove(&id.0)
                        && !duplicate
                    {
                        self.respond(node, to, request, message);
                    }
                }
                Effect::Emit(_) => {}
                Effect::Count(count) => {
                    if let sicc_node::sync::federation::Count::Rejected(reason) = count {
                        self.stats.rejected_changes += 1;
                        *self.stats.rejected_by_reason.entry(reason).or_default() += 1;
                    }
                }
                Effect::ReadForTakeBack {
                    catalog,
                    doc,
                    shared,
                } => {
                    let local = self.nodes[node].store.records.get(&doc).cloned();
                    let input = Input::TakeBack {
                        catalog,
                        doc,
                        shared,
                        local,
                    };
                    self.prepend_effects(node, input, &mut queue);
                }
                Effect::WriteLocal {
                    record,
                    expected_revision,
                } => {
                    let store = &mut self.nodes[node].store;
                    let current = store.records.get(&record.id).map_or(0, |r| r.revision);
                    if current == expected_revision {
                        self.stats.take_backs += 1;
                        store.import(record);
                        self.schedule_feed(node);
                    }
                }
                Effect::Consumed(seq) => {
                    let n = &mut self.nodes[node];
                    n.consumed = n.consumed.max(seq);
                    n.store.engine_cursor = Some(n.consumed);
                }
            }
        }
        if failed {
            // The engine stops: to its partners the node is gone, as after a crash (the real
            // node stays connected and fails their requests; the simulator does not model
            // that difference).
            self.stats.halts += 1;
            self.note(format!(
                "node {node}: sync stopped until restart (storage failure)"
            ));
            self.stop(node)?;
        }
        Ok(!failed)
    }

    /// Feeds `input` to the node within the step in progress: its effects come before the
    /// step's remaining ones, as the engine's `prepend` does.
    fn prepend_effects(&mut self, node: usize, input: Input, queue: &mut VecDeque<Effect>) {
        let now = self.now();
        if let Some(fed) = self.nodes[node].fed.as_mut() {
            for e in fed.handle(now, input).into_iter().rev() {
                queue.push_front(e);
            }
        }
    }

    /// An effect of a step whose persist failed, as the engine carries it out: a request is
    /// not sent (it fails at once), a request of a peer is answered `unavailable`, nothing
    /// else happens.
    fn after_failure(&mut self, node: usize, effect: Effect, queue: &mut VecDeque<Effect>) {
        match effect {
            Effect::Send { id, .. } => {
                let result = Err("storage failure".into());
                self.prepend_effects(node, Input::Response { id, result }, queue);
            }
            Effect::Respond { id, .. } => {
                if let Some((to, request, duplicate)) = self.nodes[node].inbound.remove(&id.0)
                    && !duplicate
                {
                    let message = Message::error(ErrorCode::Unavailable, "storage failure");
                    self.respond(node, to, request, message);
                }
            }
            Effect::Persist(_)
            | Effect::Emit(_)
            | Effect::Count(_)
            | Effect::ReadForTakeBack { .. }
            | Effect::WriteLocal { .. }
            | Effect::Consumed(_) => {}
        }
    }

    /// The node's disk fills up: from now on every persist of its sync engine fails, and its
    /// store refuses staff writes.
    pub fn fill_disk(&mut self, node: usize) {
        self.nodes[node].disk_full = true;
        self.note(format!("node {node}: disk full"));
    }

    /// Space returns on the node's disk (a node whose sync stopped still waits for a restart).
    pub fn free_disk(&mut self, node: usize) {
        self.nodes[node].disk_full = false;
        self.note(format!("node {node}: disk freed"));
    }

    fn send(&mut self, from: usize, peer: NodeId, id: RequestId, message: Message) {
        self.stats.messages += 1;
        let from_incarnation = self.nodes[from].incarnation;
        let Some(to) = self.index_of(&peer) else {
            let result = Err("not a member".into());
            self.schedule(
                1,
                Event::Response {
                    to: from,
                    incarnation: from_incarnation,
                    id,
                    result,
                },
            );
            return;
        };
        if !self.link_up(from, to) {
            self.schedule(
                1,
                Event::Response {
                    to: from,
                    incarnation: from_incarnation,
                    id,
                    result: Err("not connected".into()),
                },
            );
            return;
        }
        if self.rng.chance(self.faults.drop) {
            self.stats.dropped += 1;
            self.schedule(
                TIMEOUT_MS,
                Event::Response {
                    to: from,
                    incarnation: from_incarnation,
                    id,
                    result: Err("request timed out".into()),
                },
            );
            return;
        }
        let copies = if self.rng.chance(self.faults.duplicate) {
            self.stats.duplicated += 1;
            2
        } else {
            1
        };
        for copy in 0..copies {
            let delay = self.delay();
            self.schedule(
                delay,
                Event::Request {
                    from,
                    from_incarnation,
                    to,
                    id,
                    message: message.clone(),
                    duplicate: copy == 1,
                },
            );
        }
    }

    fn respond(&mut self, from: usize, to: usize, id: RequestId, message: Message) {
        self.stats.messages += 1;
        let incarnation = self.nodes[to].incarnation;
        let (delay, result) = if !self.link_up(from, to) {
            (1, Err("connection closed".into()))
        } else if self.rng.chance(self.faults.drop) {
            self.stats.dropped += 1;
            (TIMEOUT_MS, Err("request timed out".into()))
        } else {
            (self.delay(), Ok(message))
        };
        self.schedule(
            delay,
            Event::Response {
                to,
                incarnation,
                id,
                result,
            },
        );
    }

    fn schedule_feed(&mut self, node: usize) {
        let incarnation = self.nodes[node].incarnation;
        let delay = self.rng.below(5) as u64;
        self.schedule(delay, Event::Feed { node, incarnation });
    }

    /// The engine reads the feed after its cursor: only records its publications depend on
    /// are passed, as `engine.rs` does.
    fn consume_feed(&mut self, node: usize) -> Result<(), Violation> {
        let n = &self.nodes[node];
        let Some(fed) = n.fed.as_ref() else {
            return Ok(());
        };
        let after = n.consumed;
        let entries: Vec<(u64, RecordId)> = n
            .store
            .feed
            .iter()
            .filter(|(s, _)| *s > after)
            .cloned()
            .collect();
        let Some(upto) = entries.last().map(|(s, _)| *s) else {
            return Ok(());
        };
        let changed = entries
            .into_iter()
            .filter(|(_, id)| fed.publishes(id))
            .map(|(_, id)| {
                let record = n.store.records.get(&id).cloned();
                (id, record)
            })
            .collect();
        if !self.input(node, Input::LocalRecords { upto, changed })? {
            // Not consumed: the node's sync stopped; its restart replays the feed.
            return Ok(());
        }
        self.stats.acknowledged_writes += 1;
        self.check_publications_cover(node)
    }

    /// Invariant 8: once the feed is consumed, every entry of this node's catalogues made
    /// from a local record holds that record's public projection, in the persisted store.
    fn check_publications_cover(&mut self, node: usize) -> Result<(), Violation> {
        let n = &mut self.nodes[node];
        let Some(fed) = n.fed.as_mut() else {
            return Ok(());
        };
        let me = fed.me();
        for catalog in fed.held_catalogs() {
            if catalog.owner() != &me {
                continue;
            }
            for doc in fed.documents(&catalog) {
                let Ok(id) = doc.parse::<RecordId>() else {
                    continue;
                };
                let want = n.store.records.get(&id).and_then(Record::public_projection);
                let Some(want) = want else {
                    return Err(self.violation(format!(
                        "node {node}: {catalog}/{doc} is still published though its record is gone or local"
                    )));
                };
                let persisted = n
                    .store
                    .persisted_document(&catalog, &doc, &n.signer)
                    .map(without_annotations);
                if persisted.as_ref() != Some(&want) {
                    return Err(self.violation(format!(
                        "node {node}: the persisted entry {catalog}/{doc} differs from its record's projection after the write was acknowledged"
                    )));
                }
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------ the event loop

    /// Delivers the next scheduled event, advancing virtual time; false when none is left.
    pub fn deliver_next(&mut self) -> Result<bool, Violation> {
        let Some((&(at, key), _)) = self.queue.iter().next() else {
            return Ok(false);
        };
        let event = self.queue.remove(&(at, key)).expect("peeked");
        self.now_ms = self.now_ms.max(at);
        match event {
            Event::Request {
                from,
                from_incarnation,
                to,
                id,
                message,
                duplicate,
            } => {
                if self.nodes[from].incarnation != from_incarnation {
                    return Ok(true);
                }
                if !self.link_up(from, to) {
                    if !duplicate {
                        self.schedule(
                            1,
                            Event::Response {
                                to: from,
                                incarnation: from_incarnation,
                                id,
                                result: Err("connection closed".into()),
                            },
                        );
                    }
                    return Ok(true);
                }
                self.request(from, to, id, duplicate, message)?;
            }
            Event::Response {
                to,
                incarnation,
                id,
                result,
            } => {
                if self.nodes[to].incarnation == incarnation {
                    self.input(to, Input::Response { id, result })?;
                }
            }
            Event::Feed { node, incarnation } => {
                if self.nodes[node].incarnation == incarnation {
                    self.consume_feed(node)?;
                }
            }
            Event::Tick { node, incarnation } => {
                if self.nodes[node].incarnation == incarnation {
                    self.input(node, Input::Tick)?;
                    self.schedule_tick(node);
                }
            }
        }
        Ok(true)
    }

    /// Delivers events until only timers are left (or `max` events were delivered).
    pub fn run_until_quiet(&mut self, max: usize) -> Result<(), Violation> {
        for _ in 0..max {
            let busy = self
                .queue
                .values()
                .any(|e| !matches!(e, Event::Tick { .. }));
            if !busy {
                return Ok(());
            }
            self.deliver_next()?;
            self.check()?;
        }
        Ok(())
    }

    /// Runs `rounds` anti-entropy periods of virtual time, delivering everything.
    pub fn run_rounds(&mut self, rounds: u64) -> Result<(), Violation> {
        let until = self.now_ms + rounds * (ANTI_ENTROPY_MS + 5_000);
        while let Some((&(at, _), _)) = self.queue.iter().next() {
            if at > until {
                break;
            }
            self.deliver_next()?;
            self.check()?;
        }
        self.now_ms = self.now_ms.max(until);
        Ok(())
    }

    // ------------------------------------------------------------------ staff actions

    /// Runs a staff command on a node, as the engine does; `Err` only for a violated invariant.
    pub fn command(&mut self, node: usize, command: Command) -> Result<Option<Done>, Violation> {
        let now = self.now();
        let Some(fed) = self.nodes[node].fed.as_mut() else {
            return Ok(None);
        };
        let text = format!("{command:?}");
        let (result, effects) = fed.command(now, command);
        let persisted = self.carry_out(node, effects)?;
        let result = match result {
            Ok(_) if !persisted => Err("storage failure".to_string()),
            other => other.map_err(|e| e.to_string()),
        };
        match result {
            Ok(done) => {
                self.stats.commands_ok += 1;
                self.note(format!("node {node}: {} → ok", short(&text)));
                Ok(Some(done))
            }
            Err(e) => {
                self.stats.commands_refused += 1;
                self.note(format!("node {node}: {} → {e}", short(&text)));
                Ok(None)
            }
        }
    }

    /// A node's own catalogue of that name.
    /// Node `node`'s key: what a rogue member holding it signs with.
    pub fn signer(&self, node: usize) -> Arc<NodeSigner> {
        self.nodes[node].signer.clone()
    }

    /// The signed changes of `doc` as node `node` persisted them (empty if it holds none).
    pub fn stored_changes(
        &self,
        node: usize,
        catalog: &CatalogId,
        doc: &str,
    ) -> Vec<wire::WireChange> {
        let n = &self.nodes[node];
        n.store.persisted_changes(catalog, doc, &n.signer)
    }

    /// Delivers `message` to node `to` as a request from node `from`, as a member running
    /// other code could send it: the rogue member's path in the scenarios. The answer is
    /// dropped.
    pub fn inject(&mut self, from: usize, to: usize, message: Message) -> Result<(), Violation> {
        self.note(format!(
            "node {from} injects a {} into node {to}",
            message.kind()
        ));
        // Marked as a duplicate so that the answer goes nowhere.
        self.request(from, to, RequestId(u64::MAX), true, message)
    }

    /// Hands node `to` a request from node `from`; its answer goes back as request `id` of
    /// `from`, unless `duplicate`.
    fn request(
        &mut self,
        from: usize,
        to: usize,
        id: RequestId,
        duplicate: bool,
        message: Message,
    ) -> Result<(), Violation> {
        let peer = self.nodes[from].id;
        let n = &mut self.nodes[to];
        n.next_inbound += 1;
        let inbound = n.next_inbound;
        n.inbound.insert(inbound, (from, id, duplicate));
        self.input(
            to,
            Input::Request {
                id: InboundId(inbound),
                peer,
                message,
            },
        )?;
        Ok(())
    }

    pub fn catalog_of(&self, node: usize, name: &str) -> CatalogId {
        CatalogId::new(self.nodes[node].id, name).expect("a valid catalogue name")
    }

    pub fn create_catalog(&mut self, node: usize, name: &str) -> Result<CatalogId, Violation> {
        self.command(
            node,
            Command::CreateCatalog {
                name: name.into(),
                title: [("en".to_owned(), format!("Catalogue {name}"))].into(),
                description: BTreeMap::new(),
            },
        )?;
        Ok(self.catalog_of(node, name))
    }

    /// Writes a record on a node (a staff edit): stored at once, publications follow from
    /// the feed.
    pub fn write(&mut self, node: usize, id: &str, summary: &str, shareable: bool) {
        let n = &self.nodes[node];
        let mut v = json!({
            "id": id, "kind": "initiative",
            "access_level": if shareable { "consortium" } else { "local" },
            "title": {"en": format!("Initiative {id}")}, "status": "active",
            "countries": [n.country], "summary": {"en": summary},
            "internal_notes": format!("{CANARY} of {id}"),
        });
        if let Some(prev) = n.store.records.get(&RecordId::new(id).expect("id")) {
            v["created_at"] = json!(prev.created_at);
        }
        let record = Record::from_json(&v).expect("a valid record");
        if self.nodes[node].disk_full {
            self.note(format!("node {node}: write {id} refused (disk full)"));
            return;
        }
        let now = self.now_rfc3339();
        self.nodes[node].store.put(record, &now);
        self.note(format!(
            "node {node}: write {id} ({summary}, shareable {shareable})"
        ));
        self.schedule_feed(node);
    }

    pub fn delete(&mut self, node: usize, id: &str) {
        let id = RecordId::new(id).expect("id");
        if self.nodes[node].store.delete(&id).is_some() {
            self.note(format!("node {node}: delete {id}"));
            self.schedule_feed(node);
        }
    }

    /// Publishes a local record, read from the store as the engine does.
    pub fn publish(
        &mut self,
        node: usize,
        catalog: &CatalogId,
        id: &str,
    ) -> Result<bool, Violation> {
        let Some(record) = self.nodes[node]
            .store
            .records
            .get(&RecordId::new(id).expect("id"))
            .cloned()
        else {
            return Ok(false);
        };
        Ok(self
            .command(
                node,
                Command::Publish {
                    catalog: catalog.clone(),
                    record,
                },
            )?
            .is_some())
    }

    pub fn grant(
        &mut self,
        node: usize,
        catalog: &CatalogId,
        to: usize,
        role: Role,
    ) -> Result<bool, Violation> {
        let peer = self.nodes[to].id;
        let ok = self
            .command(
                node,
                Command::Access {
                    catalog: catalog.clone(),
                    node: peer,
                    grant: Some(role),
                },
            )?
            .is_some();
        if ok && role == Role::Writer {
            self.writers_ever
                .entry(catalog.clone())
                .or_default()
                .insert(peer);
        }
        Ok(ok)
    }

    pub fn revoke(
        &mut self,
        node: usize,
        catalog: &CatalogId,
        from: usize,
    ) -> Result<bool, Violation> {
        let peer = self.nodes[from].id;
        Ok(self
            .command(
                node,
                Command::Access {
                    catalog: catalog.clone(),
                    node: peer,
                    grant: None,
                },
            )?
            .is_some())
    }

    pub fn subscribe(&mut self, node: usize, catalog: &CatalogId) -> Result<bool, Violation> {
        Ok(self
            .command(
                node,
                Command::Subscribe {
                    catalog: catalog.clone(),
                },
            )?
            .is_some())
    }

    pub fn unsubscribe(&mut self, node: usize, catalog: &CatalogId) -> Result<bool, Violation> {
        let ok = self
            .command(
                node,
                Command::Unsubscribe {
                    catalog: catalog.clone(),
                },
            )?
            .is_some();
        if ok {
            self.nodes[node].seen_erased.retain(|(c, _)| c != catalog);
        }
        Ok(ok)
    }

    pub fn annotate(
        &mut self,
        node: usize,
        catalog: &CatalogId,
        doc: &str,
        text: &str,
    ) -> Result<bool, Violation> {
        Ok(self
            .command(
                node,
                Command::Annotate {
                    catalog: catalog.clone(),
                    doc: doc.into(),
                    text: text.into(),
                },
            )?
            .is_some())
    }

    pub fn unpublish(
        &mut self,
        node: usize,
        catalog: &CatalogId,
        doc: &str,
    ) -> Result<bool, Violation> {
        Ok(self
            .command(
                node,
                Command::Unpublish {
                    catalog: catalog.clone(),
                    doc: doc.into(),
                },
            )?
            .is_some())
    }

    // ------------------------------------------------------------------ crashes and restores

    /// `kill -9`: the node's memory is gone; its store keeps what was persisted.
    pub fn crash(&mut self, node: usize) -> Result<(), Violation> {
        if !self.nodes[node].is_up() {
            return Ok(());
        }
        self.stats.crashes += 1;
        self.note(format!("node {node}: crashed"));
        self.stop(node)
    }

    /// The node's sync is gone (a crash, or a halt after a failed persist).
    fn stop(&mut self, node: usize) -> Result<(), Violation> {
        let n = &mut self.nodes[node];
        n.fed = None;
        n.incarnation += 1;
        n.inbound.clear();
        self.update_connections()
    }

    /// Starts a node again from its store, as `engine::spawn` does: replicas and sync state
    /// read back, the feed replayed from the engine's cursor (or the publications rebuilt).
    pub fn restart(&mut self, node: usize) -> Result<(), Violation> {
        if self.nodes[node].is_up() {
            return Ok(());
        }
        let roster = self.roster();
        let n = &mut self.nodes[node];
        let members = roster.into_iter().filter(|m| m.node_id != n.id).collect();
        let (fed, skipped) = Federation::new(
            FederationConfig {
                signer: n.signer.clone(),
                epoch: n.store.epoch,
                members,
                limits: Default::default(),
            },
            n.store.loaded(),
        );
        if !skipped.is_empty() {
            return Err(self.violation(format!(
                "node {node}: stored catalogues unreadable: {skipped:?}"
            )));
        }
        let n = &mut self.nodes[node];
        n.fed = Some(fed);
        n.incarnation += 1;
        let rebuild = match n.store.engine_cursor {
            Some(c) => {
                n.consumed = c;
                None
            }
            None => {
                let fed = n.fed.as_ref().expect("just set");
                let changed = fed
                    .published_ids()
                    .into_iter()
                    .map(|id| {
                        let r = n.store.records.get(&id).cloned();
                        (id, r)
                    })
                    .collect();
                n.consumed = n.store.seq;
                Some(Input::LocalRecords {
                    upto: n.store.seq,
                    changed,
                })
            }
        };
        self.note(format!("node {node}: restarted"));
        if let Some(input) = rebuild {
            self.input(node, input)?;
        }
        self.schedule_tick(node);
        self.schedule_feed(node);
        self.update_connections()
    }

    /// Takes a backup of a node's store (`sicc backup`: consistent as of now).
    pub fn backup(&mut self, node: usize) {
        let n = &mut self.nodes[node];
        n.backup = Some(n.store.clone());
        self.note(format!("node {node}: backup taken"));
    }

    /// Loses the node and restores its last backup into a new actor epoch (`sicc restore`).
    pub fn restore(&mut self, node: usize) -> Result<bool, Violation> {
        let Some(backup) = self.nodes[node].backup.clone() else {
            return Ok(false);
        };
        self.crash(node)?;
        self.stats.restores += 1;
        let n = &mut self.nodes[node];
        let epoch = n.store.epoch + 1;
        n.store = backup;
        n.store.epoch = epoch;
        // The restored node's own view of erasures is what the backup held.
        n.seen_erased.clear();
        self.note(format!(
            "node {node}: restored from backup into epoch {epoch}"
        ));
        self.restart(node)?;
        Ok(true)
    }

    // ------------------------------------------------------------------ invariants

    fn violation(&self, what: String) -> Violation {
        let recent: Vec<&String> = self.trace.iter().rev().take(40).collect();
        let mut text = format!("seed {}: {what}\nlast steps (newest first):\n", self.seed);
        for line in recent {
            let _ = writeln!(text, "  {line}");
        }
        Violation(text)
    }

    /// Invariant 7 on the wire: no local-only text in any message, nor inside a change.
    fn check_wire(&self, node: usize, message: &Message) -> Result<(), Violation> {
        let text = serde_json::to_string(message).unwrap_or_default();
        let mut leaked = text.contains(CANARY);
        if let Message::Changes { changes, .. } = message {
            for c in changes {
                if let Some(bytes) = wire::from_hex(&c.change)
                    && bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes())
                {
                    leaked = true;
                }
            }
        }
        if leaked {
            return Err(self.violation(format!(
                "node {node} put local-only data on the wire: {}",
                message.kind()
            )));
        }
        Ok(())
    }

    /// The invariants that hold at every instant.
    pub fn check(&mut self) -> Result<(), Violation> {
        let nodes = self.nodes.len();
        for i in 0..nodes {
            if let Some(problem) = Self::check_node(&mut self.nodes[i], i, nodes) {
                return Err(self.violation(problem));
            }
        }
        Ok(())
    }

    /// One node's share of [`Sim::check`]; also records what it has seen erased.
    fn check_node(node: &mut SimNode, i: usize, nodes: usize) -> Option<String> {
        let fed = node.fed.as_mut()?;
        let (outstanding, sessions) = fed.in_flight();
        let catalogs = fed.held_catalogs();
        if outstanding > 10_000 || sessions > catalogs.len() * nodes {
            return Some(format!(
                "node {i}: {outstanding} requests and {sessions} sessions in flight"
            ));
        }
        if fed.most_requests_per_catalog() > sicc_node::sync::federation::MAX_REQUESTS_PER_CATALOG {
            return Some(format!("node {i}: too many subscription requests kept"));
        }
        let me = fed.me();
        for c in &catalogs {
            let docs: BTreeSet<String> = fed.documents(c).into_iter().collect();
            if let Some((_, d)) = node
                .seen_erased
                .iter()
                .find(|(ec, ed)| ec == c && docs.contains(ed))
            {
                return Some(format!("node {i}: erased entry {c}/{d} came back"));
            }
            let key = c.to_string();
            if c.owner() == &me && node.store.materialised.keys().any(|(_, mc)| mc == &key) {
                return Some(format!(
                    "node {i} materialised its own catalogue {c} as a partner's"
                ));
            }
            for d in fed.erased(c) {
                node.seen_erased.insert((c.clone(), d));
            }
        }
        None
    }

    /// The invariants of a healed, quiet federation: every catalogue converged on every node
    /// that asked for it and may read it; no local-only data in any document; every change in
    /// a document authored by its owner or a member once granted write access.
    pub fn check_converged(&mut self) -> Result<(), Violation> {
        if let Some(problem) = self.converged_problem() {
            return Err(self.violation(problem));
        }
        Ok(())
    }

    fn converged_problem(&mut self) -> Option<String> {
        let n = self.nodes.len();
        let ids: Vec<NodeId> = self.nodes.iter().map(|n| n.id).collect();
        if let Some(down) = self.nodes.iter().position(|n| !n.is_up()) {
            return Some(format!("node {down} is down at the end"));
        }
        for o in 0..n {
            let owner = self.nodes[o].fed.as_mut().expect("up");
            let me = owner.me();
            let owned: Vec<CatalogId> = owner
                .held_catalogs()
                .into_iter()
                .filter(|c| c.owner() == &me)
                .collect();
            for c in owned {
                let owner = self.nodes[o].fed.as_mut().expect("up");
                let digest = owner.digest(&c);
                let version = owner.manifest_version(&c);
                let readers: Vec<usize> = (0..n)
                    .filter(|r| *r != o && owner.may_read(&c, &ids[*r]))
                    .collect();
                for r in readers {
                    let fed = self.nodes[r].fed.as_mut().expect("up");
                    let asked = fed.catalogs().iter().any(|v| {
                        v.id == c
                            && matches!(v.relation, Relation::Subscriber | Relation::Requested)
                    });
                    if asked && (fed.digest(&c) != digest || fed.manifest_version(&c) != version) {
                        return Some(format!(
                            "node {r} did not converge on {c} (owner node {o}): holds it {}, manifest {:?} vs {:?}",
                            fed.digest(&c).is_some(),
                            fed.manifest_version(&c),
                            version
                        ));
                    }
                }
            }
        }
        for i in 0..n {
            let fed = self.nodes[i].fed.as_mut().expect("up");
            for c in fed.held_catalogs() {
                for d in fed.documents(&c) {
                    let text = fed
                        .document(&c, &d)
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    if text.contains(CANARY) {
                        return Some(format!("node {i}: local-only data in {c}/{d}"));
                    }
                    let entry = match fed.entry(&c, &d) {
                        Ok(e) => e,
                        Err(e) => return Some(format!("node {i}: {c}/{d} unreadable: {e}")),
                    };
                    for change in entry.history {
                        let allowed = change.author.as_ref().is_some_and(|a| {
                            a == c.owner()
                                || self.writers_ever.get(&c).is_some_and(|w| w.contains(a))
                        });
                        if !allowed {
                            return Some(format!(
                                "node {i}: {c}/{d} holds a change by {:?}, never a writer",
                                change.author
                            ));
                        }
                    }
                }
            }
        }
        None
    }

    // ------------------------------------------------------------------ random schedules

    /// Plays `steps` random steps: staff actions, faults and deliveries.
    pub fn run_random(&mut self, steps: u64) -> Result<(), Violation> {
        let n = self.nodes.len();
        self.connect_all()?;
        for node in 0..n {
            let name = format!("c{node}");
            self.create_catalog(node, &name)?;
        }
        for _ in 0..steps {
            self.stats.steps += 1;
            let roll = self.rng.below(1000);
            if roll < 550 {
                if !self.deliver_next()? {
                    self.now_ms += 100;
                }
            } else {
                self.random_action()?;
            }
            self.check()?;
        }
        // Heal, free every disk, restart, and let anti-entropy finish the job.
        self.heal_all()?;
        for node in 0..n {
            self.free_disk(node);
            self.restart(node)?;
        }
        self.faults = Faults::none();
        self.run_rounds(6)?;
        self.check_converged()
    }

    fn random_node(&mut self) -> usize {
        self.rng.below(self.nodes.len())
    }

    fn record_ids(&self, node: usize) -> Vec<String> {
        (0..4)
            .map(|i| format!("{}-r{i}", self.nodes[node].country.to_lowercase()))
            .collect()
    }

    fn random_action(&mut self) -> Result<(), Violation> {
        let node = self.random_node();
        let other = self.random_node();
        let owner_catalog = self.catalog_of(other, &format!("c{other}"));
        let own_catalog = self.catalog_of(node, &format!("c{node}"));
        let ids = self.record_ids(node);
        let id = self.rng.pick(&ids).cloned().expect("ids");
        match self.rng.below(100) {
            0..=24 => {
                let shareable = !self.rng.chance(100);
                let summary = format!("text {}", self.rng.below(1_000));
                self.write(node, &id, &summary, shareable);
            }
            25..=29 => self.delete(node, &id),
            30..=44 => {
                self.publish(node, &own_catalog, &id)?;
            }
            45..=47 => {
                self.unpublish(node, &own_catalog, &id)?;
            }
            48..=55 => {
                if other != node {
                    self.subscribe(node, &owner_catalog)?;
                }
            }
            56..=65 => {
                if other != node {
                    let role = if self.rng.chance(300) {
                        Role::Writer
                    } else {
                        Role::Reader
                    };
                    self.grant(node, &own_catalog, other, role)?;
                }
            }
            66..=67 => {
                // Revoking a member that held write access can strand its earlier changes on
                // nodes that judge them by today's manifest (issue 14: "write rights are
                // checked against today's manifest"); random schedules revoke readers only.
                let was_writer = self
                    .writers_ever
                    .get(&own_catalog)
                    .is_some_and(|w| w.contains(&self.nodes[other].id));
                if other != node && !was_writer {
                    self.revoke(node, &own_catalog, other)?;
                }
            }
            68..=69 => {
                if other != node {
                    self.unsubscribe(node, &owner_catalog)?;
                }
            }
            70..=74 => {
                let docs = self.nodes[node]
                    .fed
                    .as_ref()
                    .map(|f| f.documents(&owner_catalog))
                    .unwrap_or_default();
                if let Some(doc) = self.rng.pick(&docs).cloned() {
                    let text = format!("note {}", self.rng.below(100));
                    self.annotate(node, &owner_catalog, &doc, &text)?;
                }
            }
            75..=81 => {
                if other != node {
                    let cut = !self.cut[node][other];
                    self.set_cut(node, other, cut)?;
                }
            }
            82..=84 => self.heal_all()?,
            85..=88 => {
                if self.nodes[node].is_up() {
                    self.crash(node)?;
                } else {
                    self.restart(node)?;
                }
            }
            89..=90 => self.backup(node),
            91 => {
                // A node that has a backup: restoring one without would do nothing, and a
                // restore after later writes is what exercises taking them back.
                let backed_up: Vec<usize> = (0..self.nodes.len())
                    .filter(|n| self.nodes[*n].backup.is_some())
                    .collect();
                if let Some(node) = self.rng.pick(&backed_up).copied() {
                    self.restore(node)?;
                }
            }
            92..=95 => {
                self.input(node, Input::Tick)?;
            }
            96 => {
                if self.nodes[node].disk_full {
                    self.free_disk(node);
                } else {
                    self.fill_disk(node);
                }
            }
            _ => {
                // Let time pass: timeouts fire, timers tick.
                self.now_ms += self.rng.below(10_000) as u64;
            }
        }
        Ok(())
    }
}

fn without_annotations(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.remove(ANNOTATIONS);
    }
    v
}

fn short(text: &str) -> String {
    let one_line = text.replace('\n', " ");
    match one_line.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}
