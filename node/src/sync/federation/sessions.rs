//! When sessions run (SPEC.md §6.6): on connect, every anti-entropy period, again after a
//! session that overlapped a change; live announcements of local changes; and the stateless
//! responder side with what it persists.

use super::persisted::{confirmed_op, peer_sync_op};
use super::{
    Count, Effect, Federation, PEER_SESSION_QUIET, PeerSync, Purpose,
    REJECTION_LOG_LINES_PER_MINUTE, RejectionLog, RequestId, SessionSlot, SyncEvent,
};
use crate::sync::replica::{Applied, Replica};
use crate::sync::session::{self, Failure, Session, Step};
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::identity::NodeId;
use sicc_protocol::wire::{self, ErrorCode, MAX_OFFERS, Message, WIRE_VERSION, WireChange};
use tracing::{debug, info, warn};

/// Whether a peer's summary this long ago no longer tells of a running session (a clock set
/// back makes it negative: expired too, rather than holding passes back until it catches up).
fn expired(since: time::Duration) -> bool {
    since < time::Duration::ZERO || since >= PEER_SESSION_QUIET
}

impl Federation {
    // ------------------------------------------------------------------ peers

    pub(super) fn on_peer_up(&mut self, peer: NodeId) {
        debug!(peer = %peer.short(), name = %self.name_of(&peer), "peer up");
        self.connected.insert(peer);
        self.emit(SyncEvent::PeerUp { node_id: peer });
        self.request_offers(peer);
        let pending: Vec<CatalogId> = self
            .subscriptions
            .iter()
            .filter(|(c, s)| {
                c.owner() == &peer
                    && s.status == wire::SubscriptionStatus::Pending
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

    pub(super) fn on_peer_down(&mut self, peer: NodeId) {
        debug!(peer = %peer.short(), name = %self.name_of(&peer), "peer down");
        self.connected.remove(&peer);
        self.offers.remove(&peer);
        // Its sessions ended with the connection.
        self.peer_requests.retain(|(p, _), _| *p != peer);
        // So did ours with it: their requests' failures, still to come, are not waited for.
        // Otherwise a session to a restarted peer, still held open when it comes back (a killed
        // process sends no close), would take the place of the one its return starts, and end
        // in a failure that leaves the pair to the next anti-entropy pass.
        self.announcing.retain(|(p, _), _| *p != peer);
        self.outstanding.retain(|_, purpose| match purpose {
            Purpose::Session { peer: p, .. }
            | Purpose::Announce { peer: p, .. }
            | Purpose::Offers { peer: p }
            | Purpose::PushOffers { peer: p } => *p != peer,
            Purpose::Subscribe { .. } => true,
        });
        for ((p, _), slot) in self.sessions.iter_mut() {
            if *p == peer {
                slot.session = None;
                slot.started = None;
            }
        }
        self.emit(SyncEvent::PeerDown { node_id: peer });
    }

    // ------------------------------------------------------------------ sessions

    /// Peers a catalogue syncs with: connected members the manifest lets read it.
    pub(super) fn sync_peers(&self, catalog: &CatalogId) -> Vec<NodeId> {
        let Some(r) = self.replicas.get(catalog) else {
            return Vec::new();
        };
        self.connected
            .iter()
            .filter(|p| r.manifest().may_read(p))
            .copied()
            .collect()
    }

    pub(super) fn anti_entropy(&mut self) {
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
        let now = self.now;
        self.peer_requests.retain(|_, at| !expired(now - *at));
        for (peer, catalog) in pairs {
            let running = self.peer_requests.contains_key(&(peer, catalog.clone()));
            let slot = self.sessions.entry((peer, catalog.clone())).or_default();
            // Never twice in a row: passes of both sides may keep the same phase.
            if running && !slot.pass_skipped {
                slot.pass_skipped = true;
                continue;
            }
            slot.pass_skipped = false;
            self.start_session(peer, catalog);
        }
    }

    pub(super) fn start_session(&mut self, peer: NodeId, catalog: CatalogId) {
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
        slot.started = Some(self.now);
        self.send(peer, request, Purpose::Session { peer, catalog });
    }

    pub(super) fn on_response(&mut self, id: RequestId, result: Result<Message, String>) {
        let Some(purpose) = self.outstanding.remove(&id) else {
            return;
        };
        match purpose {
            Purpose::Session { peer, catalog } => self.on_session_response(peer, catalog, result),
            Purpose::Announce { peer, catalog } => {
                let held = self
                    .announcing
                    .remove(&(peer, catalog.clone()))
                    .unwrap_or_default();
                // The peer answers with its digest; if it still differs from ours (it missed
                // something earlier), a full session repairs it now. Changes held back while
                // this one was on its way go next, together, and its answer is checked in turn.
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
                        true
                    }
                };
                // Gone, or no longer a reader (revoked meanwhile): nothing more goes to it.
                if !self.sync_peers(&catalog).contains(&peer) {
                    return;
                }
                // A failed one (a timeout over a bad link) is repaired by a session too.
                if held.overflow || result.is_err() {
                    self.start_session(peer, catalog);
                } else if !held.is_empty() {
                    self.send_announcement(peer, catalog, held.changes, held.tombstones);
                } else if differs {
                    self.start_session(peer, catalog);
                }
            }
            Purpose::Offers { peer } | Purpose::PushOffers { peer } => {
                if let Ok(Message::Catalogs { catalogs, .. }) = result {
                    self.record_offers(peer, &catalogs);
                }
            }
            Purpose::Subscribe { catalog } => self.on_subscribe_response(catalog, result),
        }
    }

    fn on_session_response(
        &mut self,
        peer: NodeId,
        catalog: CatalogId,
        result: Result<Message, String>,
    ) {
        let key = (peer, catalog.clone());
        let Some(mut session) = self.sessions.get_mut(&key).and_then(|s| s.session.take()) else {
            return;
        };
        let took = self
            .sessions
            .get(&key)
            .and_then(|s| s.started)
            .and_then(|t| std::time::Duration::try_from(self.now - t).ok())
            .unwrap_or_default();
        let step = match result {
            Err(e) => Step::Failed(Failure::Transport(e)),
            Ok(message) => match self.replicas.get_mut(&catalog) {
                None => Step::Failed(Failure::Dropped),
                Some(replica) => {
                    let mut applied = Applied::default();
                    let step = session.handle(replica, message, &mut applied);
                    self.count_rejections(&peer, &catalog, &applied);
                    self.persist(&catalog);
                    step
                }
            },
        };
        match step {
            Step::Send(request) => {
                if let Some(slot) = self.sessions.get_mut(&key) {
                    slot.session = Some(session);
                }
                self.send(peer, request, Purpose::Session { peer, catalog });
            }
            Step::Done(outcome) => {
                debug!(peer = %peer.short(), catalog = %catalog, ?outcome, "session done");
                let label = if outcome.converged {
                    "converged"
                } else {
                    "differing"
                };
                self.effects
                    .push(Effect::Count(Count::Session(label, took)));
                let state = PeerSync {
                    last_sync_at: Some(self.now_rfc3339()),
                    converged: outcome.converged,
                    docs_differing: outcome.docs_differing,
                    last_error: None,
                };
                self.record_peer_sync(peer, catalog.clone(), state);
                // Both manifests were compared (and the newer adopted): a node restored from a
                // backup now holds at least what this member holds.
                if catalog.owner() == &self.me {
                    self.confirm_manifest(&catalog);
                }
                self.session_ended(peer, catalog);
            }
            Step::Failed(failure) => {
                if failure.is_expected() {
                    debug!(peer = %peer.short(), catalog = %catalog, %failure, "session not run");
                } else {
                    info!(peer = %peer.short(), catalog = %catalog, %failure, "session failed");
                }
                self.effects
                    .push(Effect::Count(Count::Session("failed", took)));
                let mut state = self.peer_sync.get(&key).cloned().unwrap_or_default();
                state.converged = false;
                state.last_error = Some(failure.to_string());
                self.record_peer_sync(peer, catalog, state);
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
            .is_some_and(|s: &SessionSlot| s.again);
        if again && self.connected.contains(&peer) {
            self.start_session(peer, catalog);
        }
    }

    /// Records that this catalogue's manifest is current in this actor epoch.
    pub(super) fn confirm_manifest(&mut self, catalog: &CatalogId) {
        let epoch = self.config.epoch;
        if epoch > 0 && self.confirmed.get(catalog) != Some(&epoch) {
            self.confirmed.insert(catalog.clone(), epoch);
            self.persist_ops(vec![confirmed_op(catalog, epoch)]);
        }
    }

    /// Whether this node may sign a new manifest of its catalogue: it never was restored from a
    /// backup, or since the restore a session with a member compared manifests (a partner may
    /// hold versions signed after the backup was taken: signing from the backup's would reuse a
    /// version, and the partner's later one would undo it silently), or nobody else is named.
    pub(super) fn manifest_confirmed(&self, catalog: &CatalogId) -> bool {
        let epoch = self.config.epoch;
        epoch == 0
            || self.confirmed.get(catalog) == Some(&epoch)
            || self.replicas.get(catalog).is_some_and(|r| {
                let m = r.manifest();
                m.readers.is_empty() && m.writers.is_empty() && m.admins.is_empty()
            })
    }

    pub(super) fn record_peer_sync(&mut self, peer: NodeId, catalog: CatalogId, state: PeerSync) {
        let op = peer_sync_op(&peer, &catalog, &state);
        self.peer_sync.insert((peer, catalog), state);
        self.persist_ops(vec![op]);
    }

    /// Pushes fresh changes (or tombstones, or a new manifest) to every connected reader.
    pub(super) fn announce(
        &mut self,
        catalog: &CatalogId,
        changes: Vec<WireChange>,
        tombstones: Vec<wire::WireTombstone>,
    ) {
        for peer in self.sync_peers(catalog) {
            if let Some(held) = self.announcing.get_mut(&(peer, catalog.clone())) {
                held.hold(&changes, &tombstones);
                continue;
            }
            self.send_announcement(peer, catalog.clone(), changes.clone(), tombstones.clone());
        }
    }

    /// One announcement to `peer`, with the catalogue's current manifest.
    fn send_announcement(
        &mut self,
        peer: NodeId,
        catalog: CatalogId,
        changes: Vec<WireChange>,
        tombstones: Vec<wire::WireTombstone>,
    ) {
        let Some(replica) = self.replicas.get(&catalog) else {
            return;
        };
        let request = Message::Changes {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
            manifest: Some(wire::manifest_value(replica.signed_manifest())),
            changes,
            tombstones,
            want: Vec::new(),
            more: false,
            digest: None,
        };
        self.announcing
            .insert((peer, catalog.clone()), Default::default());
        self.send(peer, request, Purpose::Announce { peer, catalog });
    }

    pub(super) fn count_rejections(
        &mut self,
        peer: &NodeId,
        catalog: &CatalogId,
        applied: &Applied,
    ) {
        for r in &applied.rejected {
            if self.may_log_rejection(peer) {
                warn!(peer = %peer.short(), catalog = %catalog, doc = %r.doc, code = r.code, reason = %r.reason, "change rejected");
            }
            *self.rejected.entry(r.code).or_default() += 1;
            self.effects.push(Effect::Count(Count::Rejected(r.code)));
        }
    }

    /// At most [`REJECTION_LOG_LINES_PER_MINUTE`] log lines of rejected changes per peer and
    /// minute (one hostile member sending 5,000 bad changes a frame must not flood the log);
    /// the rest is counted in the metrics and summed up in one line when the minute is over.
    pub(super) fn may_log_rejection(&mut self, peer: &NodeId) -> bool {
        let now = self.now;
        let window = self.rejection_log.entry(*peer).or_insert(RejectionLog {
            since: now,
            logged: 0,
            suppressed: 0,
        });
        if now - window.since >= time::Duration::MINUTE {
            if window.suppressed > 0 {
                warn!(peer = %peer.short(), suppressed = window.suppressed, "more changes rejected in the last minute than logged (rate limit); see the metrics");
            }
            *window = RejectionLog {
                since: now,
                logged: 0,
                suppressed: 0,
            };
        }
        if window.logged < REJECTION_LOG_LINES_PER_MINUTE {
            window.logged += 1;
            true
        } else {
            window.suppressed += 1;
            false
        }
    }

    // ------------------------------------------------------------------ the responder

    /// The answer to a member's request (persisting what it applied comes first).
    pub(super) fn answer(&mut self, peer: NodeId, message: Message) -> Message {
        match message {
            Message::Offers { .. } => self.own_offers(),
            Message::Catalogs { ref catalogs, .. } => {
                // A member telling us what it offers (it just created a catalogue): note it,
                // and tell it ours in return.
                self.record_offers(peer, catalogs);
                self.own_offers()
            }
            Message::Subscribe { catalog, .. } => self.on_subscribe_request(peer, &catalog),
            Message::Summary { ref catalog, .. } | Message::Changes { ref catalog, .. } => {
                let Ok(id) = catalog.parse::<CatalogId>() else {
                    return Message::error(
                        ErrorCode::Malformed,
                        format!("bad catalogue id `{catalog}`"),
                    );
                };
                let Some(replica) = self.replicas.get(&id) else {
                    return self.answer_unknown(peer, id, message);
                };
                if !replica.manifest().may_read(&peer) {
                    return Message::error(
                        ErrorCode::NotAllowed,
                        format!("{} may not read {id}", peer.short()),
                    );
                }
                self.answer_held(peer, &id, message)
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

    /// The manifests of this node's own catalogues.
    pub(super) fn own_offers(&self) -> Message {
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

    /// Answers a request on a catalogue this node holds, then persists what it applied.
    pub(super) fn answer_held(
        &mut self,
        peer: NodeId,
        id: &CatalogId,
        message: Message,
    ) -> Message {
        let opening = matches!(message, Message::Summary { after: None, .. });
        // A session sends a summary at least every other round trip (one per page); a live
        // announcement is a lone `changes` and says nothing of a session.
        if matches!(message, Message::Summary { .. }) {
            self.peer_requests.insert((peer, id.clone()), self.now);
        }
        let Some(replica) = self.replicas.get_mut(id) else {
            return Message::error(ErrorCode::NotAllowed, format!("{id} is not held here"));
        };
        let mut applied = Applied::default();
        let reply = session::answer(replica, message, &mut applied);
        self.count_rejections(&peer, id, &applied);
        self.persist(id);
        self.note_answered(peer, id, opening, &reply);
        reply
    }

    /// Keeps the per-peer state of sessions the peer started, so that a subscriber shows when
    /// it last synced with the owner too. Persisted only when convergence changes: answering
    /// must not cost a synced write per request.
    fn note_answered(&mut self, peer: NodeId, id: &CatalogId, opening: bool, reply: &Message) {
        let key = (peer, id.clone());
        let previous = self.peer_sync.get(&key).cloned();
        let mut state = previous.clone().unwrap_or_default();
        state.last_sync_at = Some(self.now_rfc3339());
        state.last_error = None;
        if opening {
            state.converged = matches!(reply, Message::InSync { .. });
            if state.converged {
                state.docs_differing = 0;
            }
        }
        let persist = previous
            .as_ref()
            .is_none_or(|p| p.converged != state.converged);
        if persist {
            self.record_peer_sync(peer, id.clone(), state);
        } else {
            self.peer_sync.insert(key, state);
        }
    }

    /// A request about a catalogue this node holds no replica of: only its owner, for a
    /// catalogue we asked to subscribe to, gets an answer (an empty one, to receive everything).
    fn answer_unknown(&mut self, peer: NodeId, id: CatalogId, message: Message) -> Message {
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
                if self.replicas.len() >= super::MAX_CATALOGS {
                    return Message::error(ErrorCode::Unavailable, "too many catalogues");
                }
                info!(catalog = %id, "subscribed: first entries arriving");
                let replica = Replica::new(manifest, self.config.signer.clone(), self.config.epoch)
                    .with_limits(self.config.limits);
                self.replicas.insert(id.clone(), replica);
                self.set_subscription(id.clone(), wire::SubscriptionStatus::Granted);
                self.answer_held(peer, &id, message)
            }
            _ => Message::error(ErrorCode::NotAllowed, "send the manifest first"),
        }
    }
}
