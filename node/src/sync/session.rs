//! `/sicc/sync/1` sessions on one catalogue, sans I/O: messages in, messages and effects out.
//! The engine carries the messages over the network; tests drive both ends by hand.
//!
//! ```text
//! initiator                              responder (stateless: one answer per request)
//!   summary{digest}              ─────►  same digest?  ── yes ──► in_sync   (1 round trip)
//!                                ◄─────  heads{page 1: docs, tombstones, newer manifest?}
//!   changes{what it lacks, tombstones,
//!           want: what I lack}   ─────►  apply; answer the wants
//!                                ◄─────  changes{wanted changes, digest}
//!   summary{after: last id of page 1} ─► heads{page 2} ...           (2 round trips a page)
//! ```
//!
//! Pages keep every message within its limits whatever the catalogue's size; when a side has
//! more changes than fit in one message it says `more` and the initiator asks for the same
//! page again, so a session always converges in a bounded number of round trips.

use super::replica::{Applied, Outgoing, Replica};
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::identity::NodeId;
use sicc_protocol::wire::{self, DocHeads, ErrorCode, Message, WIRE_VERSION, WireTombstone};
use std::collections::{BTreeMap, BTreeSet};

/// Most round trips of one session before it gives up (a misbehaving peer cannot keep it busy).
pub const MAX_ROUND_TRIPS: u32 = 1_000;

/// What the initiator's driver must do next.
#[derive(Debug)]
pub enum Step {
    /// Send this request and feed the response back to [`Session::handle`].
    Send(Message),
    /// The session is over.
    Done(Outcome),
    /// The session failed.
    Failed(Failure),
}

/// Why a session failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The peer answered with an error.
    #[error("peer refused ({code:?}): {message}")]
    Refused { code: ErrorCode, message: String },
    /// The peer sent a manifest this node does not accept.
    #[error("manifest: {0}")]
    Manifest(String),
    /// The manifest no longer lets the peer read the catalogue.
    #[error("{0} may not read {1}")]
    NotReader(String, String),
    #[error("no convergence after {MAX_ROUND_TRIPS} round trips")]
    TooManyRoundTrips,
    /// The peer answered with a message that does not belong in a session.
    #[error("unexpected {0} response in a session on {1}")]
    Unexpected(&'static str, String),
    /// The request did not reach the peer, or its answer did not come back.
    #[error("{0}")]
    Transport(String),
    /// This node could not persist what it applied.
    #[error("storage: {0}")]
    Storage(String),
    /// This node stopped holding the catalogue during the session.
    #[error("catalogue dropped")]
    Dropped,
}

impl Failure {
    /// A failure expected while partners start or subscribe (a peer that does not hold the
    /// catalogue yet): not worth more than a debug line.
    pub fn is_expected(&self) -> bool {
        matches!(
            self,
            Failure::Refused {
                code: ErrorCode::NotAllowed,
                ..
            } | Failure::Dropped
        )
    }
}

/// How a finished session went.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// Both replicas were identical from the start (one round trip).
    pub in_sync: bool,
    /// The peer's digest equals ours at the end.
    pub converged: bool,
    /// Round trips used.
    pub round_trips: u32,
    /// Changes sent to the peer.
    pub sent: usize,
    /// Documents that differed between the two replicas.
    pub docs_differing: usize,
}

/// The initiator's side of a session.
#[derive(Debug)]
pub struct Session {
    catalog: CatalogId,
    peer: NodeId,
    /// Start of the current page (`""`: the first).
    after: String,
    /// End of the current page, once its heads arrived (`None`: to the end).
    upto: Option<String>,
    more_pages: bool,
    /// Our changes to the peer for this page did not all fit.
    truncated: bool,
    outcome: Outcome,
    differing: BTreeSet<String>,
}

fn hashes(heads: &[String]) -> Vec<[u8; 32]> {
    heads
        .iter()
        .filter_map(|h| wire::hash_from_hex(h))
        .collect()
}

fn summary(replica: &mut Replica, after: Option<String>) -> Message {
    Message::Summary {
        v: WIRE_VERSION,
        catalog: replica.manifest().id.to_string(),
        manifest_version: replica.manifest().version,
        digest: wire::to_hex(&replica.digest()),
        docs: replica.len() as u64,
        after,
    }
}

/// Adopts a newer manifest carried in a message, if any.
fn adopt(replica: &mut Replica, manifest: Option<&serde_json::Value>) -> Result<(), Failure> {
    let Some(v) = manifest else { return Ok(()) };
    let m = wire::manifest_from_value(v).map_err(|e| Failure::Manifest(e.to_string()))?;
    if m.manifest.version <= replica.manifest().version {
        return Ok(());
    }
    replica
        .adopt_manifest(m)
        .map_err(|e| Failure::Manifest(e.to_string()))
}

/// Accepts a batch of tombstones; the rejected ones are reported in `applied`.
fn accept_tombstones(replica: &mut Replica, tombstones: &[WireTombstone], applied: &mut Applied) {
    for t in tombstones {
        if let Err(reason) = replica.accept_tombstone(t) {
            applied.rejected.push(reason);
        }
    }
}

impl Session {
    /// Starts a session with `peer`; the returned request opens it.
    pub fn initiate(replica: &mut Replica, peer: NodeId) -> (Session, Message) {
        let message = summary(replica, None);
        (
            Session {
                catalog: replica.manifest().id.clone(),
                peer,
                after: String::new(),
                upto: None,
                more_pages: false,
                truncated: false,
                outcome: Outcome::default(),
                differing: BTreeSet::new(),
            },
            message,
        )
    }

    /// The catalogue.
    pub fn catalog(&self) -> &CatalogId {
        &self.catalog
    }

    /// The peer.
    pub fn peer(&self) -> &NodeId {
        &self.peer
    }

    fn finish(&mut self, converged: bool) -> Step {
        self.outcome.converged = converged;
        self.outcome.docs_differing = self.differing.len();
        Step::Done(self.outcome.clone())
    }

    /// Feeds the peer's response to the last request; `applied` collects what was applied
    /// and rejected (the replica's dirty set says what to persist).
    pub fn handle(
        &mut self,
        replica: &mut Replica,
        response: Message,
        applied: &mut Applied,
    ) -> Step {
        self.outcome.round_trips += 1;
        if self.outcome.round_trips > MAX_ROUND_TRIPS {
            return Step::Failed(Failure::TooManyRoundTrips);
        }
        let catalog = self.catalog.to_string();
        match response {
            Message::Error { code, message, .. } => {
                Step::Failed(Failure::Refused { code, message })
            }
            Message::InSync { catalog: c, .. } if c == catalog => {
                self.outcome.in_sync = self.outcome.round_trips == 1;
                self.finish(true)
            }
            Message::Heads {
                catalog: c,
                manifest_version,
                manifest,
                docs,
                tombstones,
                more,
                ..
            } if c == catalog => {
                if let Err(e) = adopt(replica, manifest.as_ref()) {
                    return Step::Failed(e);
                }
                if !replica.manifest().may_read(&self.peer) {
                    return Step::Failed(Failure::NotReader(self.peer.short(), catalog));
                }
                accept_tombstones(replica, &tombstones, applied);
                self.more_pages = more;
                self.upto = if more {
                    docs.iter()
                        .map(|d| d.doc.as_str())
                        .chain(tombstones.iter().map(|t| t.doc.as_str()))
                        .max()
                        .map(str::to_owned)
                } else {
                    None
                };
                let upto = self.upto.as_deref();
                let theirs: BTreeMap<&str, Vec<[u8; 32]>> = docs
                    .iter()
                    .map(|d| (d.doc.as_str(), hashes(&d.heads)))
                    .collect();
                let their_dead: BTreeSet<&str> =
                    tombstones.iter().map(|t| t.doc.as_str()).collect();
                let mut out = Outgoing::default();
                let mut want = Vec::new();
                for doc in replica.doc_ids_in(&self.after, upto) {
                    if their_dead.contains(doc.as_str()) {
                        continue;
                    }
                    let mut mine = replica.doc_heads(&doc);
                    mine.sort_unstable();
                    let their = theirs.get(doc.as_str()).cloned().unwrap_or_default();
                    let mut their_sorted = their.clone();
                    their_sorted.sort_unstable();
                    if mine == their_sorted {
                        continue;
                    }
                    self.differing.insert(doc.clone());
                    let fits = out.add(replica.changes_for(&doc, &their));
                    if theirs.contains_key(doc.as_str()) {
                        want.push(DocHeads {
                            doc: doc.clone(),
                            heads: mine.iter().map(|h| wire::to_hex(h)).collect(),
                        });
                    }
                    // The message is full: the rest of the page waits for the next round,
                    // which asks for this page again (`truncated`), rather than loading every
                    // remaining document for changes that cannot be sent now.
                    if !fits {
                        break;
                    }
                }
                for doc in theirs.keys() {
                    if !replica.contains(doc) && !replica.is_erased(doc) {
                        self.differing.insert((*doc).to_owned());
                        want.push(DocHeads {
                            doc: (*doc).to_owned(),
                            heads: Vec::new(),
                        });
                    }
                }
                let my_tombstones: Vec<WireTombstone> = replica
                    .tombstones_in(&self.after, upto)
                    .into_iter()
                    .filter(|t| !their_dead.contains(t.doc.as_str()))
                    .collect();
                self.truncated = out.more;
                self.outcome.sent += out.changes.len();
                let manifest = (replica.manifest().version > manifest_version)
                    .then(|| wire::manifest_value(replica.signed_manifest()));
                Step::Send(Message::Changes {
                    v: WIRE_VERSION,
                    catalog,
                    manifest,
                    changes: out.changes,
                    tombstones: my_tombstones,
                    want,
                    more: out.more,
                    digest: None,
                })
            }
            Message::Changes {
                catalog: c,
                manifest,
                changes,
                tombstones,
                more,
                digest,
                ..
            } if c == catalog => {
                if let Err(e) = adopt(replica, manifest.as_ref()) {
                    return Step::Failed(e);
                }
                accept_tombstones(replica, &tombstones, applied);
                if !changes.is_empty() {
                    applied.merge(replica.apply(&changes));
                }
                if more || self.truncated {
                    // Ask for the same page again: what was sent is now shared.
                    return Step::Send(summary(replica, Some(self.after.clone())));
                }
                if self.more_pages {
                    self.after = self.upto.take().unwrap_or_default();
                    return Step::Send(summary(replica, Some(self.after.clone())));
                }
                let mine = wire::to_hex(&replica.digest());
                self.finish(digest.as_deref() == Some(mine.as_str()))
            }
            other => Step::Failed(Failure::Unexpected(other.kind(), catalog)),
        }
    }
}

/// The responder's answer to one request on a catalogue it holds, with what it applied.
/// `peer` must already have been checked against the manifest (see [`super::replica::may_read`]).
pub fn answer(replica: &mut Replica, request: Message, applied: &mut Applied) -> Message {
    answer_paged(replica, request, applied, wire::MAX_DOCS_PER_MESSAGE)
}

/// [`answer`] with pages of heads of at most `page` entries (1 to 2,000): a responder may page
/// smaller than the bound, and the conformance transcript (`protocol/vectors/session.json`)
/// pages by two to show paging in a few frames.
pub fn answer_paged(
    replica: &mut Replica,
    request: Message,
    applied: &mut Applied,
    page: usize,
) -> Message {
    let page = page.clamp(1, wire::MAX_DOCS_PER_MESSAGE);
    let catalog = replica.manifest().id.to_string();
    match request {
        Message::Summary {
            catalog: c,
            manifest_version,
            digest,
            after,
            ..
        } if c == catalog => {
            if after.is_none() && digest == wire::to_hex(&replica.digest()) {
                return Message::InSync {
                    v: WIRE_VERSION,
                    catalog,
                };
            }
            let after = after.unwrap_or_default();
            let (docs, tombstones, more) = replica.heads_page(&after, page);
            let manifest = (replica.manifest().version > manifest_version)
                .then(|| wire::manifest_value(replica.signed_manifest()));
            Message::Heads {
                v: WIRE_VERSION,
                catalog,
                manifest_version: replica.manifest().version,
                manifest,
                docs,
                tombstones,
                more,
            }
        }
        Message::Changes {
            catalog: c,
            manifest,
            changes,
            tombstones,
            want,
            ..
        } if c == catalog => {
            if let Err(e) = adopt(replica, manifest.as_ref()) {
                return Message::error(ErrorCode::NotAllowed, e.to_string());
            }
            accept_tombstones(replica, &tombstones, applied);
            if !changes.is_empty() {
                applied.merge(replica.apply(&changes));
            }
            let mut out = Outgoing::default();
            let mut reply_tombstones = Vec::new();
            for w in &want {
                if replica.is_erased(&w.doc) {
                    reply_tombstones.extend(replica.tombstones_in_one(&w.doc));
                } else if !out.add(replica.changes_for(&w.doc, &hashes(&w.heads))) {
                    break;
                }
            }
            Message::Changes {
                v: WIRE_VERSION,
                catalog,
                manifest: None,
                changes: out.changes,
                tombstones: reply_tombstones,
                want: Vec::new(),
                more: out.more,
                digest: Some(wire::to_hex(&replica.digest())),
            }
        }
        other => Message::error(
            ErrorCode::Malformed,
            format!(
                "a {} message cannot open an exchange on {catalog}",
                other.kind()
            ),
        ),
    }
}

/// The answer of a node that holds no replica of the catalogue yet but asked to subscribe to
/// it: an empty page, so that the owner sends its manifest and every entry.
pub fn answer_empty(catalog: &str) -> Message {
    Message::Heads {
        v: WIRE_VERSION,
        catalog: catalog.to_owned(),
        manifest_version: 0,
        manifest: None,
        docs: Vec::new(),
        tombstones: Vec::new(),
        more: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::replica::Rejected;
    use serde_json::json;
    use sicc_protocol::catalog::Manifest;
    use sicc_protocol::identity::NodeSigner;
    use sicc_protocol::record::Record;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    struct Node {
        id: NodeId,
        replica: Replica,
    }

    fn network() -> (Node, Node, Node) {
        let owner = Arc::new(NodeSigner::from_seed([1; 32]));
        let a = Arc::new(NodeSigner::from_seed([2; 32]));
        let b = Arc::new(NodeSigner::from_seed([3; 32]));
        let mut m = Manifest::new(
            CatalogId::new(owner.node_id(), "replication").unwrap(),
            BTreeMap::from([("en".into(), "Replication".into())]),
        );
        m.readers.insert(a.node_id());
        m.readers.insert(b.node_id());
        let signed = m.sign(&owner);
        let node = |s: &Arc<NodeSigner>| Node {
            id: s.node_id(),
            replica: Replica::new(signed.clone(), s.clone(), 0),
        };
        (node(&owner), node(&a), node(&b))
    }

    fn record(id: &str, summary: &str) -> Record {
        Record::from_json(
            &json!({"id": id, "kind": "initiative", "access_level": "consortium",
            "title": {"en": format!("Initiative {id}")}, "status": "active", "countries": ["LV"],
            "summary": {"en": summary}}),
        )
        .unwrap()
    }

    /// Runs a session between two replicas until it ends, every message through the codec.
    /// Returns (messages, bytes on the wire, rejected changes).
    fn sync(initiator: &mut Node, responder: &mut Node) -> (usize, usize, Vec<Rejected>) {
        let (mut session, mut request) = Session::initiate(&mut initiator.replica, responder.id);
        let (mut messages, mut bytes) = (0, 0);
        let mut applied = Applied::default();
        let through_codec = |m: Message, messages: &mut usize, bytes: &mut usize| {
            let frame = m.encode();
            *messages += 1;
            *bytes += frame.len();
            Message::decode(&frame).unwrap().0
        };
        loop {
            let request_in = through_codec(request, &mut messages, &mut bytes);
            assert!(super::super::replica::may_read(
                &responder.replica,
                &initiator.id
            ));
            let response = answer(&mut responder.replica, request_in, &mut applied);
            let response_in = through_codec(response, &mut messages, &mut bytes);
            match session.handle(&mut initiator.replica, response_in, &mut applied) {
                Step::Send(next) => request = next,
                Step::Done(outcome) => {
                    assert!(outcome.converged, "{outcome:?}");
                    break;
                }
                Step::Failed(f) => panic!("session failed: {f}"),
            }
        }
        (messages, bytes, applied.rejected)
    }

    #[test]
    fn a_subscriber_catches_up_then_identical_catalogues_settle_in_one_round_trip() {
        let (mut owner, mut a, _) = network();
        for i in 0..20 {
            owner
                .replica
                .publish(&record(&format!("r{i}"), "first"), 0)
                .unwrap();
        }
        let (messages, _, rejected) = sync(&mut a, &mut owner);
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(messages, 4, "summary, heads, changes+want, changes");
        assert_eq!(a.replica.digest(), owner.replica.digest());
        assert_eq!(
            a.replica.document_json("r7"),
            owner.replica.document_json("r7")
        );

        let (messages, bytes, _) = sync(&mut a, &mut owner);
        assert_eq!(messages, 2, "one round trip when nothing differs");
        assert!(bytes < 1024, "{bytes} bytes for a no-op reconciliation");

        // An edit travels as one small change.
        owner.replica.publish(&record("r3", "edited"), 0).unwrap();
        let (_, bytes, _) = sync(&mut owner, &mut a);
        assert_eq!(
            a.replica.document_json("r3").unwrap()["summary"]["en"],
            "edited"
        );
        assert!(
            bytes < 4 * 1024,
            "{bytes} bytes to sync one edit among 20 documents"
        );
    }

    #[test]
    fn changes_relayed_by_a_third_node_verify_and_forgeries_are_rejected_everywhere() {
        let (mut owner, mut a, mut b) = network();
        owner
            .replica
            .publish(&record("r1", "from the owner"), 0)
            .unwrap();
        sync(&mut a, &mut owner);
        // b never talks to the owner: a relays the owner's signed changes.
        let (_, _, rejected) = sync(&mut b, &mut a);
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(
            b.replica.document_json("r1"),
            owner.replica.document_json("r1")
        );

        // a is only a reader. It forges changes anyway, under its own actor (a replica whose
        // manifest it signed itself) and under the owner's node id: b and the owner refuse both.
        let a_signer = Arc::new(NodeSigner::from_seed([2; 32]));
        let mut fake = owner.replica.manifest().clone();
        fake.writers.insert(a.id);
        let mut forger = Replica::new(fake.sign(&a_signer), a_signer.clone(), 0);
        forger
            .publish(&record("r1", "forged by a reader"), 0)
            .unwrap();
        let forged = forger.changes_for("r1", &[]);
        let mut impersonated = forged.clone();
        impersonated[0].author = owner.id.to_string();
        let mut unsigned = forged.clone();
        unsigned[0].signature = "00".repeat(64);
        for batch in [forged, impersonated, unsigned] {
            let rejected_by_b = b.replica.apply(&batch);
            assert_eq!(
                (rejected_by_b.applied, rejected_by_b.rejected.len()),
                (0, 1)
            );
            let rejected_by_owner = owner.replica.apply(&batch);
            assert_eq!(rejected_by_owner.applied, 0);
        }
        assert_eq!(
            owner.replica.document_json("r1").unwrap()["summary"]["en"],
            "from the owner"
        );
        assert_eq!(
            b.replica.document_json("r1").unwrap()["summary"]["en"],
            "from the owner"
        );
        assert!(a.replica.publish(&record("r1", "as a reader"), 0).is_err());
    }

    #[test]
    fn an_unexpected_message_gets_an_error_and_changes_nothing() {
        let (mut owner, _, _) = network();
        let before = owner.replica.digest();
        let mut applied = Applied::default();
        let reply = answer(
            &mut owner.replica,
            Message::InSync {
                v: WIRE_VERSION,
                catalog: "x".into(),
            },
            &mut applied,
        );
        assert!(matches!(
            reply,
            Message::Error {
                code: ErrorCode::Malformed,
                ..
            }
        ));
        assert_eq!(owner.replica.digest(), before);
    }

    #[test]
    fn large_catalogues_sync_in_pages_and_erasures_travel_and_never_resurrect() {
        let (mut owner, mut a, mut b) = network();
        let n = wire::MAX_DOCS_PER_MESSAGE * 2 + 10;
        for i in 0..n {
            owner
                .replica
                .publish(&record(&format!("r{i:05}"), "x"), 0)
                .unwrap();
        }

        let (messages, _, rejected) = sync(&mut a, &mut owner);
        assert!(rejected.is_empty());
        assert_eq!(a.replica.len(), n);
        assert_eq!(messages, 2 * 2 * 3, "three pages of two round trips");
        sync(&mut b, &mut a);
        assert_eq!(b.replica.digest(), owner.replica.digest());

        owner
            .replica
            .erase("r00007", "2026-11-28T00:00:00Z")
            .unwrap();
        sync(&mut owner, &mut a);
        assert!(a.replica.document_json("r00007").is_none());
        assert!(a.replica.is_erased("r00007"));
        // b still holds the document and offers it back: it is erased there, not resurrected.
        sync(&mut b, &mut a);
        assert!(b.replica.document_json("r00007").is_none());
        assert!(a.replica.document_json("r00007").is_none());
        assert_eq!(b.replica.digest(), owner.replica.digest());
        // A reader cannot erase.
        assert!(a.replica.erase("r00008", "2026-11-28T00:00:00Z").is_err());
    }

    #[test]
    fn concurrent_annotations_by_writers_converge() {
        let owner_signer = Arc::new(NodeSigner::from_seed([1; 32]));
        let (mut owner, mut a, mut b) = network();
        owner.replica.publish(&record("r1", "x"), 0).unwrap();
        let mut m = owner.replica.manifest().clone();
        m.writers.insert(a.id);
        m.writers.insert(b.id);
        m.version += 1;
        owner.replica.adopt_manifest(m.sign(&owner_signer)).unwrap();
        sync(&mut a, &mut owner);
        sync(&mut b, &mut owner);
        a.replica
            .annotate("r1", "we replicate this in Riga", "t1", 0)
            .unwrap();
        b.replica
            .annotate("r1", "piloted in Umeå", "t2", 0)
            .unwrap();
        owner.replica.publish(&record("r1", "edited"), 0).unwrap();
        sync(&mut a, &mut owner);
        sync(&mut b, &mut owner);
        sync(&mut a, &mut owner);
        let doc = owner.replica.document_json("r1").unwrap();
        assert_eq!(doc["annotations"].as_object().unwrap().len(), 2);
        assert_eq!(doc["summary"]["en"], "edited");
        assert_eq!(a.replica.digest(), owner.replica.digest());
        assert_eq!(b.replica.digest(), owner.replica.digest());
        assert_eq!(a.replica.document_json("r1"), Some(doc));
    }
}
