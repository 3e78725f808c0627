//! One `/sicc/sync/1` session on one catalogue, sans I/O: messages in, messages and events
//! out. The network layer carries the messages; tests drive two sessions by hand.
//!
//! ```text
//! initiator                         responder
//!   Summary{digest}        ─────►   same digest?  ── yes ──► InSync   (1 round trip, done)
//!                          ◄─────   Heads{every doc's heads}
//!   Changes{what it lacks,
//!           want: docs I lack}  ─►  apply; answer the wants
//!                          ◄─────   Changes{wanted changes}           (2 round trips, done)
//! ```

use super::replica::{Applied, Replica};
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::wire::{self, DocHeads, ErrorCode, Message, WIRE_VERSION};
use std::collections::BTreeMap;

/// What a session asks its driver to do.
#[derive(Debug)]
pub enum Output {
    /// Send this message to the peer.
    Send(Message),
    /// Changes were applied to the replica (persist it) and some may have been rejected.
    Applied(Applied),
    /// The session is over.
    Done {
        /// The two replicas were already identical.
        in_sync: bool,
    },
    /// The session failed; the peer has been sent an error if it was at fault.
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Initiator: waiting for `InSync` or `Heads`.
    AwaitHeads,
    /// Responder: waiting for `Summary`.
    AwaitSummary,
    /// Waiting for the final `Changes`.
    AwaitChanges {
        answer_wants: bool,
    },
    Done,
}

/// A sync session on one catalogue.
#[derive(Debug)]
pub struct Session {
    catalog: CatalogId,
    step: Step,
}

fn hashes(heads: &[String]) -> Vec<[u8; 32]> {
    heads
        .iter()
        .filter_map(|h| wire::hash_from_hex(h))
        .collect()
}

impl Session {
    /// Starts a session as the initiator; the returned message opens it.
    pub fn initiate(replica: &mut Replica) -> (Session, Message) {
        let catalog = replica.manifest().id.clone();
        let docs = replica.doc_ids().count() as u64;
        let message = Message::Summary {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
            digest: wire::to_hex(&replica.digest()),
            docs,
        };
        (
            Session {
                catalog,
                step: Step::AwaitHeads,
            },
            message,
        )
    }

    /// A session that waits for the peer's `Summary`.
    pub fn respond(replica: &Replica) -> Session {
        Session {
            catalog: replica.manifest().id.clone(),
            step: Step::AwaitSummary,
        }
    }

    /// Whether the session has ended.
    pub fn is_done(&self) -> bool {
        self.step == Step::Done
    }

    fn fail(&mut self, out: &mut Vec<Output>, code: ErrorCode, message: String) {
        out.push(Output::Send(Message::Error {
            v: WIRE_VERSION,
            code,
            message: message.clone(),
        }));
        out.push(Output::Failed(message));
        self.step = Step::Done;
    }

    /// Feeds one message from the peer.
    pub fn handle(&mut self, replica: &mut Replica, message: Message, out: &mut Vec<Output>) {
        let catalog = self.catalog.to_string();
        match (self.step, message) {
            (_, Message::Error { code, message, .. }) => {
                out.push(Output::Failed(format!("peer error {code:?}: {message}")));
                self.step = Step::Done;
            }
            (
                Step::AwaitSummary,
                Message::Summary {
                    catalog: c, digest, ..
                },
            ) if c == catalog => {
                if digest == wire::to_hex(&replica.digest()) {
                    out.push(Output::Send(Message::InSync {
                        v: WIRE_VERSION,
                        catalog,
                    }));
                    out.push(Output::Done { in_sync: true });
                    self.step = Step::Done;
                } else {
                    let docs = replica.heads();
                    if docs.len() > wire::MAX_DOCS_PER_MESSAGE {
                        // Paging of heads lands with the sync engine; refuse rather than break a limit.
                        return self.fail(
                            out,
                            ErrorCode::Malformed,
                            format!("{} documents exceed one heads message", docs.len()),
                        );
                    }
                    out.push(Output::Send(Message::Heads {
                        v: WIRE_VERSION,
                        catalog,
                        docs,
                        tombstones: Vec::new(),
                    }));
                    self.step = Step::AwaitChanges { answer_wants: true };
                }
            }
            (Step::AwaitHeads, Message::InSync { catalog: c, .. }) if c == catalog => {
                out.push(Output::Done { in_sync: true });
                self.step = Step::Done;
            }
            (
                Step::AwaitHeads,
                Message::Heads {
                    catalog: c, docs, ..
                },
            ) if c == catalog => {
                let theirs: BTreeMap<String, Vec<[u8; 32]>> = docs
                    .iter()
                    .map(|d| (d.doc.clone(), hashes(&d.heads)))
                    .collect();
                let mut changes = Vec::new();
                let mut want = Vec::new();
                let mine: Vec<String> = replica.doc_ids().map(str::to_owned).collect();
                for doc in &mine {
                    let mut my_heads = replica.doc_heads(doc);
                    my_heads.sort_unstable();
                    let their_heads = theirs.get(doc).cloned().unwrap_or_default();
                    let mut sorted_theirs = their_heads.clone();
                    sorted_theirs.sort_unstable();
                    if sorted_theirs != my_heads {
                        changes.extend(replica.changes_for(doc, &their_heads));
                        if theirs.contains_key(doc) {
                            want.push(DocHeads {
                                doc: doc.clone(),
                                heads: my_heads.iter().map(|h| wire::to_hex(h)).collect(),
                            });
                        }
                    }
                }
                for doc in theirs.keys().filter(|d| !mine.contains(d)) {
                    want.push(DocHeads {
                        doc: doc.clone(),
                        heads: Vec::new(),
                    });
                }
                let finished = want.is_empty();
                out.push(Output::Send(Message::Changes {
                    v: WIRE_VERSION,
                    catalog,
                    changes,
                    want,
                }));
                if finished {
                    out.push(Output::Done { in_sync: false });
                    self.step = Step::Done;
                } else {
                    self.step = Step::AwaitChanges {
                        answer_wants: false,
                    };
                }
            }
            (
                Step::AwaitChanges { answer_wants },
                Message::Changes {
                    catalog: c,
                    changes,
                    want,
                    ..
                },
            ) if c == catalog => {
                if !changes.is_empty() {
                    out.push(Output::Applied(replica.apply(&changes)));
                }
                if answer_wants {
                    let mut reply = Vec::new();
                    for w in &want {
                        reply.extend(replica.changes_for(&w.doc, &hashes(&w.heads)));
                    }
                    out.push(Output::Send(Message::Changes {
                        v: WIRE_VERSION,
                        catalog,
                        changes: reply,
                        want: Vec::new(),
                    }));
                }
                out.push(Output::Done { in_sync: false });
                self.step = Step::Done;
            }
            (step, other) => {
                let kind = match other {
                    Message::Summary { .. } => "summary",
                    Message::InSync { .. } => "in_sync",
                    Message::Heads { .. } => "heads",
                    Message::Changes { .. } => "changes",
                    Message::Error { .. } => "error",
                };
                self.fail(
                    out,
                    ErrorCode::Malformed,
                    format!("unexpected {kind} message in step {step:?} of catalogue {catalog}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sicc_protocol::catalog::Manifest;
    use sicc_protocol::identity::NodeSigner;
    use sicc_protocol::record::Record;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    struct Node {
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

    /// Runs a session between two replicas until both sides are done, through the codec.
    /// Returns (messages, bytes on the wire, rejected changes).
    fn sync(initiator: &mut Node, responder: &mut Node) -> (usize, usize, Vec<String>) {
        let (mut si, first) = Session::initiate(&mut initiator.replica);
        let mut sr = Session::respond(&responder.replica);
        let mut to_responder = vec![first];
        let mut to_initiator: Vec<Message> = Vec::new();
        let (mut messages, mut bytes, mut rejected) = (0, 0, Vec::new());
        let mut pass =
            |msg: Message, session: &mut Session, node: &mut Node, replies: &mut Vec<Message>| {
                let frame = msg.encode();
                messages += 1;
                bytes += frame.len();
                let (decoded, _) = Message::decode(&frame).unwrap();
                let mut out = Vec::new();
                session.handle(&mut node.replica, decoded, &mut out);
                for o in out {
                    match o {
                        Output::Send(m) => replies.push(m),
                        Output::Applied(a) => rejected.extend(a.rejected),
                        Output::Failed(f) => panic!("session failed: {f}"),
                        Output::Done { .. } => {}
                    }
                }
            };
        for _ in 0..10 {
            for m in std::mem::take(&mut to_responder) {
                pass(m, &mut sr, responder, &mut to_initiator);
            }
            for m in std::mem::take(&mut to_initiator) {
                pass(m, &mut si, initiator, &mut to_responder);
            }
            if to_responder.is_empty() && to_initiator.is_empty() {
                break;
            }
        }
        assert!(si.is_done() && sr.is_done(), "session did not finish");
        (messages, bytes, rejected)
    }

    #[test]
    fn a_subscriber_catches_up_then_identical_catalogues_settle_in_one_round_trip() {
        let (mut owner, mut a, _) = network();
        for i in 0..20 {
            owner
                .replica
                .publish(&record(&format!("r{i}"), "first"))
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
        owner.replica.publish(&record("r3", "edited")).unwrap();
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
            .publish(&record("r1", "from the owner"))
            .unwrap();
        sync(&mut a, &mut owner);
        // b never talks to the owner: a relays the owner's signed changes.
        let (_, _, rejected) = sync(&mut b, &mut a);
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(
            b.replica.document_json("r1"),
            owner.replica.document_json("r1")
        );

        // a is only a reader: its own edit is refused by b and by the owner.
        a.replica
            .publish(&record("r1", "forged by a reader"))
            .unwrap();
        let (_, _, rejected_by_b) = sync(&mut a, &mut b);
        assert_eq!(rejected_by_b.len(), 1, "{rejected_by_b:?}");
        let (_, _, rejected_by_owner) = sync(&mut a, &mut owner);
        assert_eq!(rejected_by_owner.len(), 1);
        assert_eq!(
            owner.replica.document_json("r1").unwrap()["summary"]["en"],
            "from the owner"
        );
        assert_eq!(
            b.replica.document_json("r1").unwrap()["summary"]["en"],
            "from the owner"
        );
    }

    #[test]
    fn an_unexpected_message_fails_the_session_with_an_error_to_the_peer() {
        let (mut owner, _, _) = network();
        let mut s = Session::respond(&owner.replica);
        let mut out = Vec::new();
        s.handle(
            &mut owner.replica,
            Message::InSync {
                v: WIRE_VERSION,
                catalog: "x".into(),
            },
            &mut out,
        );
        assert!(matches!(
            out[0],
            Output::Send(Message::Error {
                code: ErrorCode::Malformed,
                ..
            })
        ));
        assert!(s.is_done());
    }
}
