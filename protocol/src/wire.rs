//! Messages of `/sicc/sync/1` and their framing (SPEC.md §6, draft).
//!
//! A frame is a u32 big-endian length followed by that many bytes of JSON (one [`Message`]).
//! The length is checked against [`MAX_FRAME_BYTES`] before anything is allocated, and every
//! list in a message has a bound, so a peer cannot make a node allocate without limit.

use crate::catalog::{CatalogId, ChangeSignature};
use crate::identity::NodeId;
use serde::{Deserialize, Serialize};

/// The libp2p protocol name.
pub const PROTOCOL: &str = "/sicc/sync/1";
/// Version carried in every message; a peer with another version gets [`ErrorCode::Version`].
pub const WIRE_VERSION: u32 = 1;
/// Largest frame, in bytes.
pub const MAX_FRAME_BYTES: usize = 8 * 1024 * 1024;
/// Most documents listed in one `heads` message.
pub const MAX_DOCS_PER_MESSAGE: usize = 2_000;
/// Most changes in one `changes` message.
pub const MAX_CHANGES_PER_MESSAGE: usize = 5_000;
/// Most heads of one document.
pub const MAX_HEADS: usize = 64;

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
        /// SHA-256 over the sorted (document, heads) pairs and tombstones, hex.
        digest: String,
        /// Number of live documents.
        docs: u64,
    },
    /// The responder holds exactly the same: the session ends.
    InSync {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
    },
    /// The responder's heads of every document, and its tombstones.
    Heads {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
        /// Documents and their heads.
        docs: Vec<DocHeads>,
        /// Erased documents.
        tombstones: Vec<String>,
    },
    /// Changes for documents, and requests for what the sender lacks.
    Changes {
        /// Wire version.
        v: u32,
        /// The catalogue.
        catalog: String,
        /// Signed changes, grouped by nothing: each names its document.
        changes: Vec<WireChange>,
        /// Documents the sender wants changes for, with the heads it has.
        want: Vec<DocHeads>,
    },
    /// The session failed.
    Error {
        /// Wire version.
        v: u32,
        /// Stable code.
        code: ErrorCode,
        /// For people.
        message: String,
    },
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
        let message: Message =
            serde_json::from_slice(body).map_err(|e| FrameError::Malformed(e.to_string()))?;
        message.check()?;
        Ok((message, 4 + len))
    }

    fn version(&self) -> u32 {
        match self {
            Message::Summary { v, .. }
            | Message::InSync { v, .. }
            | Message::Heads { v, .. }
            | Message::Changes { v, .. }
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
            Message::Heads {
                docs, tombstones, ..
            } => {
                limit("docs", docs.len(), MAX_DOCS_PER_MESSAGE)?;
                limit("tombstones", tombstones.len(), MAX_DOCS_PER_MESSAGE)?;
                for d in docs {
                    limit("heads", d.heads.len(), MAX_HEADS)?;
                }
            }
            Message::Changes { changes, want, .. } => {
                limit("changes", changes.len(), MAX_CHANGES_PER_MESSAGE)?;
                limit("want", want.len(), MAX_DOCS_PER_MESSAGE)?;
                for d in want {
                    limit("heads", d.heads.len(), MAX_HEADS)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    crate::catalog::hex(bytes)
}

/// Parses lower- or upper-case hex.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Parses a 32-byte hash written in hex.
pub fn hash_from_hex(s: &str) -> Option<[u8; 32]> {
    from_hex(s)?.try_into().ok()
}

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

/// The digest of a catalogue's state: SHA-256 over, for every live document in id order, the
/// id, a zero byte, its sorted heads (32 bytes each) and a newline; then, for every tombstone in
/// id order, `~`, the id and a newline. Equal digests mean identical catalogues.
pub fn catalog_digest<'a>(
    docs: impl IntoIterator<Item = (&'a str, Vec<[u8; 32]>)>,
    tombstones: impl IntoIterator<Item = &'a str>,
) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut docs: Vec<(&str, Vec<[u8; 32]>)> = docs.into_iter().collect();
    docs.sort_by(|a, b| a.0.cmp(b.0));
    let mut tombstones: Vec<&str> = tombstones.into_iter().collect();
    tombstones.sort_unstable();
    let mut h = Sha256::new();
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
            digest: "00".repeat(32),
            docs: 3,
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
            docs: vec![],
            tombstones: vec!["x".into(); MAX_DOCS_PER_MESSAGE + 1],
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
