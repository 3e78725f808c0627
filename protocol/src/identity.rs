//! Node and actor identities, and domain-separated Ed25519 signatures.
//!
//! A node's id is the libp2p PeerId of its Ed25519 public key, computed here without libp2p:
//! the identity multihash of the protobuf-encoded public key,
//! `00 24 08 01 12 20 <32-byte key>`, written in base58btc (it starts with `12D3KooW`).
//! Because the key is inside the id, anyone holding a node id can verify that node's
//! signatures (SPEC.md §1).
//!
//! Automerge actor ids are derived from the node key and an epoch, so every change can be tied
//! to the node that made it; the epoch changes after a restore from backup so a restored node
//! never reuses sequence numbers (SPEC.md §2).

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

/// The most decoded keys a thread keeps (a federation has a few members; a flood of forged
/// authors only empties the cache).
const CACHED_KEYS: usize = 1_024;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Prefix of a PeerId for an Ed25519 key: identity multihash (0x00) of 36 bytes (0x24) holding
/// the protobuf `PublicKey { Type = Ed25519 (1), Data = 32 bytes }`.
const PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/// The node ids of SPEC.md §7's test keys (seeds of 32 bytes `01` and `02`): their private keys
/// are published, so a node must never admit them to its roster.
pub const PUBLISHED_TEST_NODE_IDS: [&str; 2] = [
    "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5",
    "12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq",
];

/// A node id: the PeerId of an Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId([u8; 32]);

/// A string is not a node id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidNodeId {
    /// Not base58btc.
    #[error("node id `{0}` is not base58")]
    NotBase58(String),
    /// Not the PeerId of an Ed25519 key.
    #[error("node id `{0}` is not the PeerId of an Ed25519 key")]
    NotEd25519(String),
    /// The embedded key is not a valid Ed25519 point.
    #[error("node id `{0}` holds an invalid Ed25519 key")]
    BadKey(String),
}

impl NodeId {
    /// The node id of an Ed25519 public key.
    pub fn from_public_key(key: [u8; 32]) -> NodeId {
        NodeId(key)
    }

    /// The Ed25519 public key inside the id.
    pub fn public_key(&self) -> [u8; 32] {
        self.0
    }

    /// The PeerId bytes (multihash).
    pub fn to_bytes(&self) -> [u8; 38] {
        let mut out = [0u8; 38];
        out[..6].copy_from_slice(&PEER_ID_PREFIX);
        out[6..].copy_from_slice(&self.0);
        out
    }

    /// The last 8 characters of the text form, for logs.
    pub fn short(&self) -> String {
        let s = self.to_string();
        s[s.len() - 8..].to_owned()
    }

    /// The key, decoded once per thread: decompressing the curve point is the costly part of
    /// setting up a verification, and a catalogue's thousands of changes come from a handful
    /// of authors. Only valid keys are kept, at most [`CACHED_KEYS`] per thread.
    fn verifying_key(&self) -> Option<VerifyingKey> {
        thread_local! {
            static KEYS: std::cell::RefCell<std::collections::HashMap<[u8; 32], VerifyingKey>> =
                std::cell::RefCell::new(std::collections::HashMap::new());
        }
        KEYS.with(|keys| {
            if let Some(key) = keys.borrow().get(&self.0) {
                return Some(*key);
            }
            let key = VerifyingKey::from_bytes(&self.0).ok()?;
            let mut keys = keys.borrow_mut();
            if keys.len() >= CACHED_KEYS {
                keys.clear();
            }
            keys.insert(self.0, key);
            Some(key)
        })
    }
}

impl fmt::Display for NodeId {
    /// The base58 text, encoded once per thread: the encoding is quadratic in the length, and
    /// scope checks and stored signatures name the same handful of authors thousands of times
    /// per session. At most [`CACHED_KEYS`] texts per thread.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        thread_local! {
            static TEXTS: std::cell::RefCell<std::collections::HashMap<[u8; 32], Box<str>>> =
                std::cell::RefCell::new(std::collections::HashMap::new());
        }
        let cached = TEXTS.try_with(|texts| {
            if let Some(text) = texts.borrow().get(&self.0) {
                return f.write_str(text);
            }
            let text: Box<str> = bs58::encode(self.to_bytes()).into_string().into();
            let mut texts = texts.borrow_mut();
            if texts.len() >= CACHED_KEYS {
                texts.clear();
            }
            f.write_str(texts.entry(self.0).or_insert(text))
        });
        // Formatted while the thread's locals are torn down: encoded without the cache.
        cached.unwrap_or_else(|_| f.write_str(&bs58::encode(self.to_bytes()).into_string()))
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({})", self.short())
    }
}

impl FromStr for NodeId {
    type Err = InvalidNodeId;
    fn from_str(s: &str) -> Result<NodeId, InvalidNodeId> {
        let shown: String = s.chars().take(80).collect();
        let bytes = bs58::decode(s)
            .into_vec()
            .map_err(|_| InvalidNodeId::NotBase58(shown.clone()))?;
        if bytes.len() != 38 || bytes[..6] != PEER_ID_PREFIX {
            return Err(InvalidNodeId::NotEd25519(shown));
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[6..]);
        let id = NodeId(key);
        id.verifying_key().ok_or(InvalidNodeId::BadKey(shown))?;
        Ok(id)
    }
}

impl serde::Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for NodeId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NodeId, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a signature is about. The context string is signed with the message, so a signature
/// made for one purpose can never be replayed as another (SPEC.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningContext {
    /// A catalogue manifest.
    Manifest,
    /// An Automerge change of a shared document.
    Change,
    /// The erasure of a shared document.
    Tombstone,
}

impl SigningContext {
    /// The context string, versioned.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningContext::Manifest => "sicc/manifest/1",
            SigningContext::Change => "sicc/change/1",
            SigningContext::Tombstone => "sicc/tombstone/1",
        }
    }

    /// The bytes actually signed: context, a zero byte, then the message.
    pub fn signed_bytes(self, message: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.as_str().len() + 1 + message.len());
        out.extend_from_slice(self.as_str().as_bytes());
        out.push(0);
        out.extend_from_slice(message);
        out
    }
}

/// A node's signing key. Held by the node; only the public half ever leaves it.
pub struct NodeSigner {
    key: SigningKey,
}

impl fmt::Debug for NodeSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeSigner({})", self.node_id().short())
    }
}

impl NodeSigner {
    /// A signer from the 32-byte Ed25519 secret seed.
    pub fn from_seed(seed: [u8; 32]) -> NodeSigner {
        NodeSigner {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The id of the node this key belongs to.
    pub fn node_id(&self) -> NodeId {
        NodeId(self.key.verifying_key().to_bytes())
    }

    /// Signs `message` for `context`.
    pub fn sign(&self, context: SigningContext, message: &[u8]) -> [u8; 64] {
        self.key.sign(&context.signed_bytes(message)).to_bytes()
    }
}

/// Checks that `node` signed `message` for `context` (strict verification: no malleable
/// signatures, no small-order keys).
pub fn verify(
    node: &NodeId,
    context: SigningContext,
    message: &[u8],
    signature: &[u8; 64],
) -> bool {
    let Some(key) = node.verifying_key() else {
        return false;
    };
    key.verify_strict(
        &context.signed_bytes(message),
        &Signature::from_bytes(signature),
    )
    .is_ok()
}

/// An Automerge actor id bound to a node: the first 16 bytes of
/// `SHA-256("sicc/actor/1" || 0x00 || public key || epoch as u32 big-endian)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorId([u8; 16]);

impl ActorId {
    /// The actor id of `node` in `epoch`.
    pub fn derive(node: &NodeId, epoch: u32) -> ActorId {
        let mut h = Sha256::new();
        h.update(b"sicc/actor/1\0");
        h.update(node.public_key());
        h.update(epoch.to_be_bytes());
        let digest = h.finalize();
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        ActorId(out)
    }

    /// The raw bytes, as Automerge stores them.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Whether these bytes are the actor of `node` in `epoch`.
    pub fn belongs_to(bytes: &[u8], node: &NodeId, epoch: u32) -> bool {
        bytes == ActorId::derive(node, epoch).0
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActorId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test vector of SPEC.md §1-2: the all-`0x01` seed.
    pub const SEED: [u8; 32] = [1; 32];

    #[test]
    fn node_ids_round_trip_and_reject_the_rest() {
        let signer = NodeSigner::from_seed(SEED);
        let id = signer.node_id();
        let text = id.to_string();
        assert!(text.starts_with("12D3KooW"), "{text}");
        assert_eq!(text.parse::<NodeId>().unwrap(), id);
        assert!("12D3KooW".parse::<NodeId>().is_err());
        assert!("not base58 0OIl".parse::<NodeId>().is_err());
        // An RSA-style or other multihash prefix is refused.
        let mut other = id.to_bytes();
        other[3] = 0x00;
        assert!(bs58::encode(other).into_string().parse::<NodeId>().is_err());
    }

    #[test]
    fn signatures_bind_the_context_and_the_signer() {
        let a = NodeSigner::from_seed(SEED);
        let b = NodeSigner::from_seed([2; 32]);
        let sig = a.sign(SigningContext::Change, b"hash");
        assert!(verify(&a.node_id(), SigningContext::Change, b"hash", &sig));
        assert!(
            !verify(&a.node_id(), SigningContext::Tombstone, b"hash", &sig),
            "replayed as another purpose"
        );
        assert!(
            !verify(&b.node_id(), SigningContext::Change, b"hash", &sig),
            "another signer"
        );
        assert!(
            !verify(&a.node_id(), SigningContext::Change, b"hasH", &sig),
            "another message"
        );
    }

    #[test]
    fn a_key_decoded_once_verifies_as_before_and_still_refuses_forgeries() {
        let a = NodeSigner::from_seed(SEED);
        let sig = a.sign(SigningContext::Change, b"hash");
        for _ in 0..3 {
            assert!(verify(&a.node_id(), SigningContext::Change, b"hash", &sig));
            assert!(!verify(
                &a.node_id(),
                SigningContext::Change,
                b"other",
                &sig
            ));
        }
        let mut forged = sig;
        forged[0] ^= 1;
        assert!(!verify(
            &a.node_id(),
            SigningContext::Change,
            b"hash",
            &forged
        ));
        // More authors than the cache keeps: it starts over and every key still verifies.
        for seed in 0..(CACHED_KEYS as u32 + 5) {
            let mut bytes = [7u8; 32];
            bytes[..4].copy_from_slice(&seed.to_le_bytes());
            let signer = NodeSigner::from_seed(bytes);
            let sig = signer.sign(SigningContext::Change, b"hash");
            assert!(verify(
                &signer.node_id(),
                SigningContext::Change,
                b"hash",
                &sig
            ));
        }
        assert!(verify(&a.node_id(), SigningContext::Change, b"hash", &sig));
    }

    #[test]
    fn actors_are_bound_to_node_and_epoch() {
        let a = NodeSigner::from_seed(SEED).node_id();
        let b = NodeSigner::from_seed([2; 32]).node_id();
        let actor = ActorId::derive(&a, 0);
        assert!(ActorId::belongs_to(actor.as_bytes(), &a, 0));
        assert!(
            !ActorId::belongs_to(actor.as_bytes(), &a, 1),
            "a new epoch is a new actor"
        );
        assert!(!ActorId::belongs_to(actor.as_bytes(), &b, 0));
    }
}
