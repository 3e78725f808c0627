//! The sync engine task: owns the [`Federation`] state machine and carries out what it decides.
//! It feeds it network events, responses, staff commands, the anti-entropy tick and the change
//! feed, each with the wall clock's `now`, and performs the returned effects in order: requests
//! go out on short-lived tasks whose responses come back through a bounded queue (the loop
//! never waits on a peer), persistence is awaited, events are broadcast. It makes no decisions.

use super::federation::{
    Command, Count, Effect, Federation, FederationConfig, InboundId, Input, LoadedState,
    MemberInfo, RequestId, SyncError, SyncEvent, persisted_prefixes,
};
use super::handle::{CommandRequest, Request, SyncHandle};
use crate::p2p::network::{NetworkEvent, NetworkHandle, ResponseSlot};
use crate::storage::{
    Committed, Consumer, FeedChange, Follower, PutMode, Store, StoreError, Written,
};
use sicc_protocol::id::RecordId;
use sicc_protocol::identity::{NodeId, NodeSigner};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{ErrorCode, Message};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::{broadcast, mpsc, watch};
use tracing::{debug, info, warn};

/// Capacity of the request queue from handles.
const REQUEST_QUEUE: usize = 256;
/// Capacity of the queue of responses coming back from request tasks.
const RESPONSE_QUEUE: usize = 1_024;
/// Capacity of the live event stream (slow subscribers miss events, never block the engine).
const EVENT_QUEUE: usize = 1_024;
/// The engine records its feed cursor at least every this many entries (a lost cursor only
/// replays entries, which is harmless).
const CURSOR_EVERY: u64 = 1_024;
/// Frames queued for the capture file before new ones are dropped (and the drop logged).
const CAPTURE_QUEUE: usize = 16_384;
/// After taking in at least this many changes from peers, and then none for
/// [`QUIET_BEFORE_RELEASE`], the engine hands freed memory back to the system
/// ([`crate::memory`]): the allocators keep pages a cold subscribe freed, about 20 MB of 145
/// at 10,000 documents (`sicc-bench --only subscribe`, memory after sync).
const RELEASE_AFTER_CHANGES: usize = 256;
/// How long no change may arrive before the release: the sync is over, not between pages.
const QUIET_BEFORE_RELEASE: Duration = Duration::from_secs(1);

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
    /// Caps on what this node keeps of each catalogue.
    pub limits: super::replica::CatalogLimits,
}

/// A response to one of our requests, fed back into the engine.
struct Response {
    id: RequestId,
    peer: NodeId,
    result: Result<Message, String>,
}

type Capture = (
    std::sync::mpsc::SyncSender<Vec<u8>>,
    std::thread::JoinHandle<()>,
);

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

struct Engine {
    federation: Federation,
    store: Store,
    network: NetworkHandle,
    metrics: crate::metrics::SyncMetrics,
    responses_tx: mpsc::Sender<Response>,
    events: broadcast::Sender<SyncEvent>,
    /// How far the publications follow the feed (handles wait on it).
    consumed: watch::Sender<u64>,
    /// Persisting failed: the engine stops until the node restarts (see [`Engine::halt`]).
    halted: bool,
    /// The cursor last recorded in the store.
    cursor_recorded: u64,
    /// Requests of peers awaiting our answer: who asked, and where the answer goes.
    inbound: HashMap<InboundId, (NodeId, ResponseSlot)>,
    next_inbound: u64,
    /// Frames for the capture file's writer thread (file I/O never runs on the executor).
    capture: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    /// When to hand freed memory back, from the changes taken in from peers.
    release: crate::memory::ReleaseTrigger,
    /// The release running, if any (one at a time).
    releasing: Option<tokio::task::JoinHandle<()>>,
    capture_thread: Option<std::thread::JoinHandle<()>>,
}

/// Loads the federation state from the store, brings the publications in line with the local
/// records where the feed cannot say what changed, then starts the engine task.
pub async fn spawn(
    store: Store,
    signer: Arc<NodeSigner>,
    network: NetworkHandle,
    network_events: mpsc::Receiver<NetworkEvent>,
    config: EngineConfig,
) -> Result<(SyncHandle, tokio::task::JoinHandle<()>), SyncError> {
    let (federation, skipped) = Federation::new(
        FederationConfig {
            signer,
            epoch: config.epoch,
            members: config.members.clone(),
            limits: config.limits,
        },
        load_durable(&store).await?,
    );
    for why in skipped {
        warn!(%why, "stored catalogue unreadable; skipped");
    }
    // Without a cursor (a new database, or one from before the feed), every publication is
    // brought in line with its local record once; from then on the feed says what changed.
    let (cursor, rebuild) = match store.feed_cursor(Consumer::Engine).await? {
        Some(c) => (c, None),
        None => {
            let upto = store.committed_seq();
            let ids: Vec<RecordId> = federation.published_ids().into_iter().collect();
            let records = store.get_many(ids.clone()).await?;
            let changed: Vec<_> = ids.into_iter().zip(records).collect();
            if !changed.is_empty() {
                info!(
                    entries = changed.len(),
                    "publications rebuilt from the local records"
                );
            }
            (upto, Some(Input::LocalRecords { upto, changed }))
        }
    };
    let follower = store.follow(cursor).await?;
    let (capture, capture_thread) = match &config.capture_frames {
        None => (None, None),
        Some(path) => {
            let (tx, thread) = start_capture(path)?;
            (Some(tx), Some(thread))
        }
    };
    let (requests_tx, requests) = mpsc::channel(REQUEST_QUEUE);
    let (responses_tx, responses) = mpsc::channel(RESPONSE_QUEUE);
    let (events, _) = broadcast::channel(EVENT_QUEUE);
    let (consumed, consumed_rx) = watch::channel(cursor);
    info!(
        catalogs = federation.catalog_count(),
        "sync engine started with {} catalogue(s)",
        federation.catalog_count()
    );
    let mut engine = Engine {
        federation,
        store,
        network,
        metrics: config.metrics,
        responses_tx,
        events: events.clone(),
        consumed,
        halted: false,
        cursor_recorded: cursor,
        inbound: HashMap::new(),
        next_inbound: 0,
        capture,
        capture_thread,
        release: crate::memory::ReleaseTrigger::new(RELEASE_AFTER_CHANGES, QUIET_BEFORE_RELEASE),
        releasing: None,
    };
    if let Some(input) = rebuild {
        let effects = engine.handle(input);
        if let Some(e) = engine.carry_out(effects).await {
            return Err(e.into());
        }
    }
    let span = tracing::Span::current();
    let task = tokio::spawn(tracing::Instrument::instrument(
        engine.run(
            requests,
            responses,
            network_events,
            follower,
            config.anti_entropy_every,
        ),
        span,
    ));
    Ok((SyncHandle::new(requests_tx, events, consumed_rx), task))
}

/// The federation state as the store holds it.
async fn load_durable(store: &Store) -> Result<LoadedState, StoreError> {
    let catalogs = store.load_catalogs().await?;
    let mut state = Vec::new();
    for prefix in persisted_prefixes() {
        state.extend(store.load_state(prefix).await?);
    }
    Ok(LoadedState::parse(catalogs, state))
}

/// Runs `f`, catching a panic: logged with `what`, counted in `panics`, `None` returned.
fn guard<R>(
    what: &str,
    panics: &prometheus_client::metrics::counter::Counter,
    f: impl FnOnce() -> R,
) -> Option<R> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => Some(r),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(step = what, panic = %message, "sync step panicked; its effects are dropped");
            panics.inc();
            None
        }
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

impl Engine {
    async fn run(
        mut self,
        mut requests: mpsc::Receiver<Request>,
        mut responses: mpsc::Receiver<Response>,
        mut network: mpsc::Receiver<NetworkEvent>,
        mut follower: Follower,
        anti_entropy_every: Duration,
    ) {
        let mut tick = tokio::time::interval(anti_entropy_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut following = true;
        // Set to the release's due time while one is due (`self.release` decides).
        let quiet = tokio::time::sleep(Duration::ZERO);
        tokio::pin!(quiet);
        let mut release_at = None;
        while !self.halted {
            let due = self.release.due_at();
            if due != release_at {
                release_at = due;
                if let Some(at) = due {
                    quiet.as_mut().reset(tokio::time::Instant::from_std(at));
                }
            }
            tokio::select! {
                request = requests.recv() => match request {
                    Some(r) => self.on_request(r).await,
                    // Every handle is gone: the node is shutting down.
                    None => break,
                },
                Some(r) = responses.recv() => {
                    if let Ok(message) = &r.result {
                        self.observe(&r.peer, "received", message);
                    }
                    self.step(Input::Response { id: r.id, result: r.result }).await;
                }
                Some(e) = network.recv() => self.on_network(e).await,
                batch = follower.next(), if following => match batch {
                    Ok(batch) => self.on_feed(batch).await,
                    Err(StoreError::Stopped) => {
                        // The node is shutting down.
                        debug!("change feed ended");
                        following = false;
                    }
                    Err(e) => self.halt(&e),
                },
                _ = tick.tick() => { self.step(Input::Tick).await; }
                () = &mut quiet, if release_at.is_some() => {
                    release_at = None;
                    let running = self.releasing.as_ref().is_some_and(|r| !r.is_finished());
                    if self.release.take_due(std::time::Instant::now()) && !running {
                        self.metrics.memory_releases.inc();
                        // Worth its copy only when a release will hand the old pages back.
                        if crate::memory::installed() {
                            self.repack();
                        }
                        // Not awaited: the engine goes on while the allocators are visited.
                        let release = crate::memory::start_release();
                        self.releasing = Some(tokio::task::spawn_blocking(release));
                    }
                }
            }
        }
        let consumed = *self.consumed.borrow();
        if consumed > self.cursor_recorded {
            let _ = self.store.feed_consumed(Consumer::Engine, consumed).await;
        }
        // Every captured frame is in the file once the engine has stopped.
        self.capture = None;
        if let Some(thread) = self.capture_thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        debug!("sync engine stopped");
    }

    /// Moves the federation's documents into new allocations made on a new thread, whose
    /// allocator heap starts empty, so that they fill fresh pages and the pages the burst left
    /// sparse empty out for the memory release that follows ([`Federation::reallocate`]).
    /// Blocks the engine for a copy of what it holds: milliseconds per 10,000 documents,
    /// once after a burst. Without a thread (none can be made), nothing moves.
    fn repack(&mut self) {
        let started = std::time::Instant::now();
        let federation = &mut self.federation;
        let mut copy = || {
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .name("sicc-repack".into())
                    .spawn_scoped(scope, || federation.reallocate())
                    .map(|thread| {
                        // Only copies run there, and a failed allocation aborts. A panic would be a
                        // defect that left replicas half moved: it must not be carried on from.
                        if let Err(panic) = thread.join() {
                            std::panic::resume_unwind(panic);
                        }
                    })
            })
        };
        // The copy holds this worker for its duration (about 0.1 s at 100,000 documents): on
        // the multi-thread runtime the worker's other tasks are first handed to another one.
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        let repacked = if multi_thread {
            tokio::task::block_in_place(copy)
        } else {
            copy()
        };
        debug!(?repacked, took = ?started.elapsed(), "documents repacked after a burst");
    }

    /// One input and its effects; the storage error that stopped them, if any.
    async fn step(&mut self, input: Input) -> Option<StoreError> {
        let effects = self.handle(input);
        self.carry_out(effects).await
    }

    /// One input to the federation. A panic in it (a defect, or Automerge on crafted input in
    /// a path not already guarded) loses that step's effects — logged and counted — instead of
    /// stopping sync for good: the next session or anti-entropy pass repeats the work.
    fn handle(&mut self, input: Input) -> Vec<Effect> {
        let kind = input.kind();
        self.guarded(kind, |f| f.handle(now(), input))
            .unwrap_or_default()
    }

    fn guarded<R>(&mut self, what: &str, f: impl FnOnce(&mut Federation) -> R) -> Option<R> {
        let federation = &mut self.federation;
        guard(what, &self.metrics.panics, || f(federation))
    }

    async fn on_request(&mut self, request: Request) {
        match request {
            Request::Command { command, reply } => {
                let command = match command {
                    CommandRequest::Publish { catalog, id } => {
                        match self.store.get(id.clone()).await {
                            Ok(Some(record)) => Command::Publish { catalog, record },
                            Ok(None) => {
                                let _ = reply.send(Err(SyncError::NoSuchRecord(id.to_string())));
                                return;
                            }
                            Err(e) => {
                                let _ = reply.send(Err(e.into()));
                                return;
                            }
                        }
                    }
                    CommandRequest::Other(c) => *c,
                };
                let (result, effects) = self
                    .guarded("command", |f| f.command(now(), command))
                    .unwrap_or_else(|| (Err(SyncError::Panicked), Vec::new()));
                let result = match self.carry_out(effects).await {
                    Some(e) => Err(SyncError::Store(e)),
                    None => result,
                };
                let _ = reply.send(result);
            }
            Request::Catalogs { reply } => {
                let _ = reply.send(self.federation.catalogs());
            }
            Request::Catalog { id, reply } => {
                let _ = reply.send(self.federation.catalog_detail(&id));
            }
            Request::Entry {
                catalog,
                doc,
                reply,
            } => {
                let entry = self
                    .guarded("entry", |f| f.entry(&catalog, &doc))
                    .unwrap_or(Err(SyncError::Panicked));
                let _ = reply.send(entry);
            }
            Request::Subscriptions { reply } => {
                let _ = reply.send(self.federation.subscriptions_view());
            }
            Request::Peers { reply } => {
                let _ = reply.send(self.federation.peers());
            }
        }
    }

    async fn on_network(&mut self, event: NetworkEvent) {
        let input = match event {
            NetworkEvent::PeerUp(peer) => Input::PeerUp(peer),
            NetworkEvent::PeerDown(peer) => Input::PeerDown(peer),
            NetworkEvent::Refused => Input::Refused,
            NetworkEvent::Request {
                peer,
                message,
                slot,
            } => {
                self.observe(&peer, "received", &message);
                self.next_inbound += 1;
                let id = InboundId(self.next_inbound);
                self.inbound.insert(id, (peer, slot));
                Input::Request { id, peer, message }
            }
        };
        self.step(input).await;
    }

    /// Local record changes from the feed: only those the publications depend on are read.
    async fn on_feed(&mut self, batch: Vec<Committed>) {
        let Some(upto) = batch.last().map(|c| c.seq) else {
            return;
        };
        let mut changed: Vec<(RecordId, Option<Option<Record>>)> = Vec::new();
        for c in batch {
            let FeedChange::Local(id) = c.change else {
                continue;
            };
            if !self.federation.publishes(&id) {
                continue;
            }
            let record = match c.written {
                Some(Written::Local(record)) => Some(record.map(Arc::unwrap_or_clone)),
                _ => None,
            };
            changed.push((id, record));
        }
        let unread: Vec<RecordId> = changed
            .iter()
            .filter(|(_, r)| r.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        let mut read = match self.store.get_many(unread).await {
            Ok(records) => records.into_iter(),
            Err(e) => {
                self.halt(&e);
                return;
            }
        };
        let changed = changed
            .into_iter()
            .map(|(id, r)| (id, r.unwrap_or_else(|| read.next().flatten())))
            .collect();
        self.step(Input::LocalRecords { upto, changed }).await;
    }

    /// A storage failure stops the engine until the node restarts: the federation may hold
    /// changes the store never made durable (a failed WAL sync leaves them readable in
    /// RocksDB's memtable, so reloading would not remove them either). Served to a partner and
    /// then lost, such a change makes this node's next change reuse its sequence number: an
    /// equivocation every partner refuses for good. After a failed WAL sync the store refuses
    /// writes until restart too. The API keeps answering record reads; catalogue, peer and
    /// entry views answer 503 and `/readyz` fails. At the next start the feed is replayed
    /// from the recorded cursor, which never passes an entry whose publication failed.
    fn halt(&mut self, e: &StoreError) {
        if !self.halted {
            tracing::error!(error = %e, "storage failure: sync stops until the node restarts");
            self.halted = true;
        }
    }

    /// Carries out effects in order (SPEC of the rules in `federation.rs`). Returns the storage
    /// error that stopped persistence, if any.
    async fn carry_out(&mut self, effects: Vec<Effect>) -> Option<StoreError> {
        let mut queue: VecDeque<Effect> = effects.into();
        let mut failed: Option<StoreError> = None;
        let mut persisted = false;
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Persist(ops) => {
                    if failed.is_none() {
                        persisted = true;
                        if let Err(e) = self.store.write_shared(ops).await {
                            warn!(error = %e, "sync state not persisted");
                            failed = Some(e);
                        }
                    }
                }
                Effect::Send { id, peer, message } => {
                    if failed.is_some() {
                        let more = self.handle(Input::Response {
                            id,
                            result: Err("storage failure".into()),
                        });
                        prepend(&mut queue, more);
                    } else {
                        self.send(id, peer, message);
                    }
                }
                Effect::Respond { id, message } => {
                    let message = if failed.is_some() {
                        Message::error(ErrorCode::Unavailable, "storage failure")
                    } else {
                        message
                    };
                    self.respond(id, message);
                }
                Effect::Emit(event) => {
                    if failed.is_none() {
                        let _ = self.events.send(event);
                    }
                }
                Effect::Count(count) => self.count(count),
                Effect::ReadForTakeBack {
                    catalog,
                    doc,
                    shared,
                } => {
                    if failed.is_some() {
                        continue;
                    }
                    match self.store.get(doc.clone()).await {
                        Ok(local) => {
                            let more = self.handle(Input::TakeBack {
                                catalog,
                                doc,
                                shared,
                                local,
                            });
                            prepend(&mut queue, more);
                        }
                        Err(e) => warn!(%doc, error = %e, "cannot read a record to take back"),
                    }
                }
                Effect::WriteLocal {
                    record,
                    expected_revision,
                } => {
                    if failed.is_some() {
                        continue;
                    }
                    let id = record.id.clone();
                    match self
                        .store
                        .put_checked(
                            record,
                            PutMode::Import,
                            Some(expected_revision),
                            "sync:taken-back",
                        )
                        .await
                    {
                        Ok(_) => {}
                        Err(StoreError::RevisionMismatch { .. }) => {
                            info!(%id, "not taken back: edited here meanwhile, the edit wins");
                        }
                        Err(e) => warn!(%id, error = %e, "own entry not taken back"),
                    }
                }
                Effect::Consumed(seq) => {
                    if failed.is_none() {
                        self.consumed.send_replace(seq);
                        if persisted || seq >= self.cursor_recorded + CURSOR_EVERY {
                            self.cursor_recorded = seq;
                            let _ = self.store.feed_consumed(Consumer::Engine, seq).await;
                        }
                    }
                }
            }
        }
        if let Some(e) = &failed {
            self.halt(e);
        }
        failed
    }

    /// Sends a request on its own task; the response comes back through the engine's bounded
    /// response queue, so the loop never waits on a peer.
    fn send(&mut self, id: RequestId, peer: NodeId, message: Message) {
        self.observe(&peer, "sent", &message);
        let network = self.network.clone();
        let tx = self.responses_tx.clone();
        tokio::spawn(async move {
            let result = network
                .request(peer, message)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(Response { id, peer, result }).await;
        });
    }

    fn respond(&mut self, id: InboundId, message: Message) {
        let Some((peer, slot)) = self.inbound.remove(&id) else {
            return;
        };
        self.observe(&peer, "sent", &message);
        let network = self.network.clone();
        // Responding goes through the network's bounded queue: never wait on it here.
        tokio::spawn(async move {
            let _ = network.respond(slot, message).await;
        });
    }

    fn count(&self, count: Count) {
        match count {
            Count::Rejected(code) => {
                self.metrics
                    .rejected
                    .get_or_create(&crate::metrics::ReasonLabel {
                        reason: code.to_string(),
                    })
                    .inc();
            }
            Count::Session(outcome, took) => {
                let label = crate::metrics::OutcomeLabel { outcome };
                self.metrics.sessions.get_or_create(&label).inc();
                self.metrics
                    .session_seconds
                    .get_or_create(&label)
                    .observe(took.as_secs_f64());
            }
            Count::RefusedConnection => {
                self.metrics.refused_connections.inc();
            }
        }
    }

    /// Counts a frame exchanged with `peer` and appends it to the capture file, if any.
    fn observe(&mut self, peer: &NodeId, direction: &'static str, message: &Message) {
        self.metrics.frame(&peer.to_string(), direction, message);
        if let ("received", Message::Changes { changes, .. }) = (direction, message) {
            self.release
                .received(changes.len(), std::time::Instant::now());
        }
        if let Some(tx) = &self.capture
            && tx.try_send(message.encode()).is_err()
        {
            warn!("frame capture cannot keep up: frames dropped from the capture file");
        }
    }
}

/// Puts `effects` at the front of the queue, in their order.
fn prepend(queue: &mut VecDeque<Effect>, effects: Vec<Effect>) {
    for e in effects.into_iter().rev() {
        queue.push_front(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_step_is_caught_counted_and_named() {
        let panics = prometheus_client::metrics::counter::Counter::default();
        assert_eq!(guard("tick", &panics, || 7), Some(7));
        let caught: Option<()> = guard("request", &panics, || panic!("crafted input"));
        assert_eq!(caught, None);
        assert_eq!(panics.get(), 1);
    }
}
