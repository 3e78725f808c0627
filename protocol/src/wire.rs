//! Messages of `/sicc/sync/1` and their framing (SPEC.md §6).
//!
//! A frame is a u32 big-endian length followed by that many bytes of JSON (one [`Message`]).
//! The length is checked against [`MAX_FRAME_BYTES`] before anything is allocated, and every
//! list in a message has a bound, so a peer cannot make a node allocate without limit.
//!
//! Every exchange is one request and one response on its own stream:
//!
//! | request | response |
//! |---|---|
//! | `summary` | `in_sync`, `heads` or `error` |
//! | `changes` | `changes` (answers to `want`, and the responder's digest) or `error` |
//! | `offers` | `catalogs` |
//! | `subscribe` | `subscription` or `error` |

use crate::catalog::{CatalogId, ChangeSignature, SignedManifest, Tombstone};
use crate::identity::NodeId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The libp2p protocol name.
pub const PROTOCOL: &str = "/sicc/sync/1";
/// Version carried in every message; a peer with another version gets [`ErrorCode::Version`].
pub const WIRE_VERSION: u32 = 1;
/// Largest frame, in bytes.
pub const MAX_FRAME_BYTES: usize = 8 * 1024 * 1024;
/// Most documents plus tombstones listed in one `heads` message.
pub const MAX_DOCS_PER_MESSAGE: usize = 2_000;
/// Most changes in one `changes` message.
pub const MAX_CHANGES_PER_MESSAGE: usize = 5_000;
/// Senders stop adding changes to one `changes` message once their hex reaches this size, and
/// set `more` (one change is always sent, and a change is at most 2 MiB of hex).
pub const CHANGES_BUDGET_BYTES: usize = 4 * 1024 * 1024;
/// Most heads of one document.
pub const MAX_HEADS: usize = 64;
/// Most catalogues in one `catalogs` message.
pub const MAX_OFFERS: usize = 256;

/// One message of a sync session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Message {
    /// Opens a session on one catalogue: "this is what I hold".
    Summary {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
        /// Version of the sender's manifest (0: it holds none yet).
        manifest_version: u64,
        /// The catalogue digest (SPEC.md §6.3), hex.
        digest: String,
        /// Number of live documents.
        docs: u64,
        /// Asks for the page of heads after this document id (the digest is then not compared).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
    },
    /// The responder holds exactly the same: the session ends.
    InSync {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
    },
    /// One page of the responder's documents with their heads, and its tombstones, in id order.
    Heads {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
        /// Version of the responder's manifest.
        manifest_version: u64,
        /// The responder's signed manifest, when it is newer than the initiator's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        manifest: Option<Value>,
        /// Documents and their heads.
        docs: Vec<DocHeads>,
        /// Erased documents.
        tombstones: Vec<WireTombstone>,
        /// More pages follow: ask with `summary.after` = the last id of this page.
        more: bool,
    },
    /// Changes for documents, and requests for what the sender lacks.
    Changes {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
        /// The sender's signed manifest, when it is newer than the receiver's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        manifest: Option<Value>,
        /// Signed changes; each names its document.
        changes: Vec<WireChange>,
        /// Erasures the receiver lacks.
        tombstones: Vec<WireTombstone>,
        /// Documents the sender wants changes for, with the heads it has.
        want: Vec<DocHeads>,
        /// The sender had more changes than fit in this message.
        more: bool,
        /// In a response: the responder's catalogue digest after applying the request.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        digest: Option<String>,
    },
    /// Asks which catalogues the responder owns.
    Offers {
        /// Wire version.
        v: u32,
    },
    /// The responder's catalogues: their signed manifests.
    Catalogs {
        /// Wire version.
        v: u32,
        /// Signed manifests.
        catalogs: Vec<Value>,
    },
    /// Asks the owner to be granted read access to a catalogue.
    Subscribe {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
    },
    /// The owner's answer to `subscribe`.
    Subscription {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
        /// Where the request stands.
        status: SubscriptionStatus,
    },
    /// The request failed.
    Error {
        /// Wire version.
        v: u32,
        /// Stable code.
        code: ErrorCode,
        /// For people.
        message: String,
    },
}

/// Where a subscription request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Waiting for the owner's decision.
    Pending,
    /// The requester is a reader; entries follow.
    Granted,
    /// The owner refused.
    Refused,
}

impl SubscriptionStatus {
    /// The value as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Pending => "pending",
            SubscriptionStatus::Granted => "granted",
            SubscriptionStatus::Refused => "refused",
        }
    }
}

/// A document and its heads (hex change hashes, sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocHeads {
    /// Document id.
    pub doc: String,
    /// Heads, hex.
    pub heads: Vec<String>,
}

/// A signed change on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireChange {
    /// Document id.
    pub doc: String,
    /// The Automerge change, hex.
    pub change: String,
    /// The author's node id.
    pub author: String,
    /// The author's actor epoch.
    pub epoch: u32,
    /// Ed25519 signature, hex (SPEC.md §4).
    pub signature: String,
}

/// A signed erasure on the wire (SPEC.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireTombstone {
    /// Document id.
    pub doc: String,
    /// When, RFC 3339.
    pub at: String,
    /// Who erased it.
    pub author: String,
    /// Ed25519 signature, hex.
    pub signature: String,
}

/// Stable error codes of [`Message::Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Unknown wire version.
    Version,
    /// The catalogue is unknown, or the peer may not read it.
    NotAllowed,
    /// A message broke a limit or the protocol.
    Malformed,
    /// The responder cannot answer now (shutting down, overloaded); retry later.
    Unavailable,
}

/// A frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Fewer than 4 bytes, or fewer than the announced length.
    #[error("incomplete frame")]
    Incomplete,
    /// The announced length exceeds [`MAX_FRAME_BYTES`].
    #[error("frame of {0} bytes exceeds the limit of {MAX_FRAME_BYTES}")]
    TooLarge(usize),
    /// The payload is not a valid message.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// A list exceeds its bound.
    #[error("{0}")]
    Limit(String),
    /// Another wire version.
    #[error("wire version {0} is not supported (this node speaks {WIRE_VERSION})")]
    Version(u32),
}

impl FrameError {
    /// The `error` code a request that failed to decode is answered with (SPEC.md §6.2), or
    /// `None` when the stream is reset instead (a frame too large or cut short).
    pub fn answer_code(&self) -> Option<ErrorCode> {
        match self {
            FrameError::Version(_) => Some(ErrorCode::Version),
            FrameError::Malformed(_) | FrameError::Limit(_) => Some(ErrorCode::Malformed),
            FrameError::TooLarge(_) | FrameError::Incomplete => None,
        }
    }
}

impl Message {
    /// Encodes the message as one frame.
    pub fn encode(&self) -> Vec<u8> {
        let json = serde_json::to_vec(self).expect("messages always serialise");
        let mut out = Vec::with_capacity(4 + json.len());
        out.extend_from_slice(&(json.len() as u32).to_be_bytes());
        out.extend_from_slice(&json);
        out
    }

    /// Decodes one frame from the start of `input`; returns the message and the bytes used.
    pub fn decode(input: &[u8]) -> Result<(Message, usize), FrameError> {
        let len_bytes: [u8; 4] = input
            .get(..4)
            .ok_or(FrameError::Incomplete)?
            .try_into()
            .map_err(|_| FrameError::Incomplete)?;
        let len = u32::from_be_bytes(len_bytes) as usize;
        if len > MAX_FRAME_BYTES {
            return Err(FrameError::TooLarge(len));
        }
        let body = input.get(4..4 + len).ok_or(FrameError::Incomplete)?;
        let message: Message = serde_json::from_slice(body).map_err(|e| {
            // A peer of another version may use types and fields this one lacks: name the
            // version rather than the first field it did not know. Only `v` is read again.
            #[derive(Deserialize)]
            struct Peek {
                v: Option<u64>,
            }
            match serde_json::from_slice::<Peek>(body) {
                Ok(Peek { v: Some(v) }) if v != u64::from(WIRE_VERSION) => {
                    FrameError::Version(u32::try_from(v).unwrap_or(u32::MAX))
                }
                _ => FrameError::Malformed(e.to_string()),
            }
        })?;
        message.check()?;
        Ok((message, 4 + len))
    }

    /// The message's `type`, for logs and errors.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Summary { .. } => "summary",
            Message::InSync { .. } => "in_sync",
            Message::Heads { .. } => "heads",
            Message::Changes { .. } => "changes",
            Message::Offers { .. } => "offers",
            Message::Catalogs { .. } => "catalogs",
            Message::Subscribe { .. } => "subscribe",
            Message::Subscription { .. } => "subscription",
            Message::Error { .. } => "error",
        }
    }

    /// An `error` message.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Message {
        Message::Error {
            v: WIRE_VERSION,
            code,
            message: message.into(),
        }
    }

    fn version(&self) -> u32 {
        match self {
            Message::Summary { v, .. }
            | Message::InSync { v, .. }
            | Message::Heads { v, .. }
            | Message::Changes { v, .. }
            | Message::Offers { v }
            | Message::Catalogs { v, .. }
            | Message::Subscribe { v, .. }
            | Message::Subscription { v, .. }
            | Message::Error { v, .. } => *v,
        }
    }

    /// Checks version and bounds.
    pub fn check(&self) -> Result<(), FrameError> {
        if self.version() != WIRE_VERSION {
            return Err(FrameError::Version(self.version()));
        }
        let limit = |what: &str, n: usize, max: usize| {
            if n > max {
                Err(FrameError::Limit(format!(
                    "{what}: {n} entries; the limit is {max}"
                )))
            } else {
                Ok(())
            }
        };
        match self {
            // `""` asks for the first page (SPEC.md §6.4).
            Message::Summary {
                after: Some(after), ..
            } if !after.is_empty() => doc_id(after)?,
            Message::Heads {
                docs, tombstones, ..
            } => {
                limit(
                    "docs and tombstones",
                    docs.len() + tombstones.len(),
                    MAX_DOCS_PER_MESSAGE,
                )?;
                for d in docs {
                    limit("heads", d.heads.len(), MAX_HEADS)?;
                    doc_id(&d.doc)?;
                }
                for t in tombstones {
                    doc_id(&t.doc)?;
                }
            }
            Message::Changes {
                changes,
                want,
                tombstones,
                ..
            } => {
                limit("changes", changes.len(), MAX_CHANGES_PER_MESSAGE)?;
                limit("want", want.len(), MAX_DOCS_PER_MESSAGE)?;
                limit("tombstones", tombstones.len(), MAX_DOCS_PER_MESSAGE)?;
                for d in want {
                    limit("heads", d.heads.len(), MAX_HEADS)?;
                    doc_id(&d.doc)?;
                }
                for c in changes {
                    doc_id(&c.doc)?;
                }
                for t in tombstones {
                    doc_id(&t.doc)?;
                }
            }
            Message::Catalogs { catalogs, .. } => {
                limit("catalogs", catalogs.len(), MAX_OFFERS)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// A document id on the wire is a record id (SPEC.md §6.9): anything else, a NUL that would
/// shadow a store key or a newline that would forge a log line, refuses the whole frame. The
/// error shows the id escaped and cut short.
fn doc_id(doc: &str) -> Result<(), FrameError> {
    match crate::id::RecordId::new(doc) {
        Ok(_) => Ok(()),
        Err(_) => {
            let shown: String = doc.chars().take(80).collect();
            Err(FrameError::Malformed(format!(
                "document id {shown:?} is not a record id"
            )))
        }
    }
}

pub use crate::hex::{from_hex, hash_from_hex, to_hex};

impl WireChange {
    /// The wire form of a change and its signature.
    pub fn new(bytes: &[u8], signature: &ChangeSignature) -> WireChange {
        WireChange {
            doc: signature.doc.clone(),
            change: to_hex(bytes),
            author: signature.author.to_string(),
            epoch: signature.epoch,
            signature: to_hex(&signature.signature),
        }
    }

    /// The change bytes (hex-decoded), if well formed.
    pub fn change_bytes(&self) -> Option<Vec<u8>> {
        from_hex(&self.change)
    }

    /// The change's signature. `change_hash` must be the hash of the decoded change bytes; the
    /// receiver computes it (the protocol crate does not parse Automerge), never the sender.
    pub fn signature(&self, catalog: &CatalogId, change_hash: [u8; 32]) -> Option<ChangeSignature> {
        let author: NodeId = self.author.parse().ok()?;
        let signature: [u8; 64] = from_hex(&self.signature)?.try_into().ok()?;
        Some(ChangeSignature {
            catalog: catalog.clone(),
            doc: self.doc.clone(),
            change_hash,
            author,
            epoch: self.epoch,
            signature,
        })
    }
}

impl WireTombstone {
    /// The wire form of an erasure.
    pub fn new(t: &Tombstone) -> WireTombstone {
        WireTombstone {
            doc: t.doc.clone(),
            at: t.at.clone(),
            author: t.author.to_string(),
            signature: to_hex(&t.signature),
        }
    }

    /// The erasure in `catalog`, if well formed (not yet verified: see [`Tombstone::verify`]).
    pub fn tombstone(&self, catalog: &CatalogId) -> Option<Tombstone> {
        Some(Tombstone {
            catalog: catalog.clone(),
            doc: self.doc.clone(),
            at: self.at.clone(),
            author: self.author.parse().ok()?,
            signature: from_hex(&self.signature)?.try_into().ok()?,
        })
    }
}

/// A signed manifest as carried in messages: its stored form as a JSON object.
pub fn manifest_value(m: &SignedManifest) -> Value {
    serde_json::from_slice(&m.encode()).expect("the stored form is JSON")
}

/// Parses a manifest carried in a message (not yet judged: see [`SignedManifest::accept_after`]).
pub fn manifest_from_value(v: &Value) -> Result<SignedManifest, crate::catalog::CatalogError> {
    let bytes = serde_json::to_vec(v).expect("a JSON value always serialises");
    SignedManifest::decode(&bytes)
}

/// The digest of a catalogue's state: SHA-256 over `sicc-digest/1`, a zero byte, the manifest
/// version (u64 big-endian); then, for every live document in id order, the id, a zero byte, its
/// sorted heads (32 bytes each) and a newline; then, for every tombstone in id order, `~`, the id
/// and a newline. Equal digests mean identical catalogues.
pub fn catalog_digest<'a>(
    manifest_version: u64,
    docs: impl IntoIterator<Item = (&'a str, Vec<[u8; 32]>)>,
    tombstones: impl IntoIterator<Item = &'a str>,
) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut docs: Vec<(&str, Vec<[u8; 32]>)> = docs.into_iter().collect();
    docs.sort_by(|a, b| a.0.cmp(b.0));
    let mut tombstones: Vec<&str> = tombstones.into_iter().collect();
    tombstones.sort_unstable();
    let mut h = Sha256::new();
    h.update(b"sicc-digest/1\0");
    h.update(manifest_version.to_be_bytes());
    for (doc, mut heads) in docs {
        heads.sort_unstable();
        h.update(doc.as_bytes());
        h.update([0]);
        for head in heads {
            h.update(head);
        }
        h.update(b"\n");
    }
    for t in tombstones {
        h.update(b"~");
        h.update(t.as_bytes());
        h.update(b"\n");
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_enforce_limits() {
        let m = Message::Summary {
            v: WIRE_VERSION,
            catalog: "c".into(),
            manifest_version: 1,
            digest: "00".repeat(32),
            docs: 3,
            after: None,
        };
        let frame = m.encode();
        assert_eq!(Message::decode(&frame).unwrap(), (m.clone(), frame.len()));
        assert_eq!(
            Message::decode(&frame[..frame.len() - 1]),
            Err(FrameError::Incomplete)
        );
        let mut huge = frame.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            Message::decode(&huge),
            Err(FrameError::TooLarge(_))
        ));
        let other_version = Message::InSync {
            v: 2,
            catalog: "c".into(),
        }
        .encode();
        assert_eq!(Message::decode(&other_version), Err(FrameError::Version(2)));
        let too_many = Message::Heads {
            v: WIRE_VERSION,
            catalog: "c".into(),
            manifest_version: 1,
            manifest: None,
            docs: vec![],
            tombstones: vec![
                WireTombstone {
                    doc: "x".into(),
                    at: "t".into(),
                    author: "a".into(),
                    signature: "00".into()
                };
                MAX_DOCS_PER_MESSAGE + 1
            ],
            more: false,
        }
        .encode();
        assert!(matches!(
            Message::decode(&too_many),
            Err(FrameError::Limit(_))
        ));
        let junk = [0, 0, 0, 3, b'{', b'x', b'}'];
        assert!(matches!(
            Message::decode(&junk),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn a_document_id_that_is_not_a_record_id_refuses_the_frame() {
        let change = |doc: &str| Message::Changes {
            v: WIRE_VERSION,
            catalog: "c".into(),
            manifest: None,
            changes: vec![WireChange {
                doc: doc.into(),
                change: "00".into(),
                author: "a".into(),
                epoch: 0,
                signature: "00".into(),
            }],
            tombstones: vec![],
            want: vec![],
            more: false,
            digest: None,
        };
        let ok = change("lv-samaritan").encode();
        assert!(Message::decode(&ok).is_ok());
        for bad in [
            "lv\0shadow",
            "lv\nWARN forged log line",
            "",
            "UPPER",
            &"x".repeat(65),
        ] {
            match Message::decode(&change(bad).encode()) {
                Err(FrameError::Malformed(why)) => {
                    assert!(why.contains("is not a record id"), "{why}");
                    assert!(!why.contains('\n') && !why.contains('\0'), "{why:?}");
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        let paging = Message::Summary {
            v: WIRE_VERSION,
            catalog: "c".into(),
            manifest_version: 1,
            digest: "00".repeat(32),
            docs: 3,
            after: Some("a\0b".into()),
        };
        assert!(matches!(
            Message::decode(&paging.encode()),
            Err(FrameError::Malformed(_))
        ));
        let first_page = Message::Summary {
            v: WIRE_VERSION,
            catalog: "c".into(),
            manifest_version: 1,
            digest: "00".repeat(32),
            docs: 3,
            after: Some(String::new()),
        };
        assert!(Message::decode(&first_page.encode()).is_ok());
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(
            from_hex(&to_hex(&[0, 1, 254, 255])).unwrap(),
            [0, 1, 254, 255]
        );
        assert!(from_hex("abc").is_none());
        assert!(from_hex("zz").is_none());
        assert!(hash_from_hex(&"ab".repeat(31)).is_none());
    }
}

#[cfg(test)]
mod spec_vectors {
    use super::*;

    /// The byte-level examples of SPEC.md §6.8; the spec and the code must agree.
    pub(super) fn vectors() -> Vec<(&'static str, String)> {
        let empty = to_hex(&catalog_digest(1, [], []));
        let one = to_hex(&catalog_digest(2, [("lv-1", vec![[7u8; 32]])], ["lv-0"]));
        let catalog = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5/replication";
        let summary = Message::Summary {
            v: WIRE_VERSION,
            catalog: catalog.into(),
            manifest_version: 1,
            digest: empty.clone(),
            docs: 0,
            after: None,
        }
        .encode();
        let in_sync = Message::InSync {
            v: WIRE_VERSION,
            catalog: catalog.into(),
        }
        .encode();
        vec![
            ("digest_empty_v1", empty),
            ("digest_one_doc_one_tombstone_v2", one),
            ("summary_frame", to_hex(&summary)),
            ("in_sync_frame", to_hex(&in_sync)),
        ]
    }

    #[test]
    fn spec_section_6_vectors_match() {
        let spec = include_str!("../SPEC.md");
        for (name, v) in vectors() {
            assert!(spec.contains(&v), "SPEC.md lacks the vector {name}: {v}");
        }
    }
}
