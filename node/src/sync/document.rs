//! One shared record as an Automerge document: written from the record's public projection
//! with minimal changes, every local change signed, every incoming change checked before it is
//! applied (SPEC.md §4). Pure: no I/O, no clock, no network; the sync engine drives it.
//!
//! Over 800 lines because of its tests (from `mod tests` on, ~400 lines): they build signed
//! changes by hand against the private helpers, which they could not reach from elsewhere.

use automerge::{
    AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value as AmValue, transaction::Transactable,
};
use serde_json::{Map, Value};
use sicc_protocol::catalog::{CatalogError, CatalogId, ChangeSignature, Manifest};
use sicc_protocol::identity::{ActorId, NodeId, NodeSigner};
use sicc_protocol::record::Record;
use sicc_protocol::scope::{self, OutOfScope, Step, Write};
use sicc_protocol::wire::MAX_HEADS;
use std::collections::HashMap;
use std::sync::Arc;

/// Largest accepted change, in bytes (a record is at most 256 KiB of JSON).
pub const MAX_CHANGE_BYTES: usize = 512 * 1024;

/// Largest a compressed change may inflate to. DEFLATE expands up to ~1,030 times: without a
/// bound, one 512 KiB change from any member became ~514 MiB before its signature was checked.
pub const MAX_INFLATED_CHANGE_BYTES: usize = 4 * MAX_CHANGE_BYTES;

/// Default for the most changes a member other than the catalogue's owner may have in one
/// document (its annotation: a note, edited now and then; `limits.changes_per_member`). The
/// owner, whose record it is, has no such bound.
pub const MAX_CHANGES_PER_MEMBER: usize = 1_000;

/// Decodes one change, refusing oversized input before parsing it. Automerge 0.12's decoder
/// panics on some malformed input (an `unwrap` on an integer conversion, found by fuzzing the
/// `change` target); it runs before the signature is checked, so any member could have sent
/// such bytes and stopped the sync engine. The panic is caught and the change refused.
pub fn decode(bytes: &[u8]) -> Result<automerge::Change, Rejection> {
    if bytes.len() > MAX_CHANGE_BYTES {
        return Err(Rejection::TooLarge { got: bytes.len() });
    }
    check_inflated_size(bytes, MAX_INFLATED_CHANGE_BYTES)?;
    let change = match std::panic::catch_unwind(|| automerge::Change::from_bytes(bytes.to_vec())) {
        Ok(decoded) => decoded.map_err(|e| Rejection::Malformed(e.to_string()))?,
        Err(_) => {
            return Err(Rejection::Malformed(
                "not an Automerge change (the decoder failed on it)".into(),
            ));
        }
    };
    // Automerge's decoder does not check a change chunk's checksum (the first four bytes of its
    // hash, SPEC.md §6.9); the hash does not cover it, so without this check a change with a
    // damaged checksum would verify, be stored and be relayed.
    if bytes.get(4..8) != Some(&change.hash().0[..4]) {
        return Err(Rejection::Malformed(
            "the change chunk's checksum is not the start of its hash".into(),
        ));
    }
    Ok(change)
}

/// Automerge's chunk header: magic bytes, checksum, chunk type, uLEB128 data length.
const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type of a DEFLATE-compressed change.
const CHUNK_COMPRESSED_CHANGE: u8 = 2;

/// Refuses a compressed change that inflates to more than `limit` bytes, reading at most
/// `limit + 1` of them (Automerge itself inflates without a bound). Anything that is not a
/// well-formed compressed chunk is left for Automerge's decoder to judge.
fn check_inflated_size(bytes: &[u8], limit: usize) -> Result<(), Rejection> {
    use std::io::Read;
    if bytes.len() < 10 || bytes[..4] != CHUNK_MAGIC || bytes[8] != CHUNK_COMPRESSED_CHANGE {
        return Ok(());
    }
    let (mut len, mut at) = (0u64, 9usize);
    for shift in (0..64).step_by(7) {
        let Some(&b) = bytes.get(at) else {
            return Ok(());
        };
        at += 1;
        len |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
    }
    let Some(data) = usize::try_from(len)
        .ok()
        .and_then(|len| bytes.get(at..at.checked_add(len)?))
    else {
        return Ok(());
    };
    let mut inflated = flate2::bufread::DeflateDecoder::new(data).take(limit as u64 + 1);
    let got = std::io::copy(&mut inflated, &mut std::io::sink()).unwrap_or(0);
    if got > limit as u64 {
        return Err(Rejection::InflatesTooLarge { limit });
    }
    Ok(())
}

/// A compressed-change chunk that inflates to `inflated` zero bytes, with a zero checksum: what
/// a hostile member may send, for the tests and the member-attack run (a receiver must refuse
/// it on its size before inflating it whole).
pub fn deflate_bomb(inflated: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; inflated.min(1 << 20)];
    let mut left = inflated;
    while left > 0 {
        let n = left.min(zeros.len());
        z.write_all(&zeros[..n])?;
        left -= n;
    }
    let data = z.finish()?;
    let mut chunk = CHUNK_MAGIC.to_vec();
    chunk.extend([0; 4]);
    chunk.push(CHUNK_COMPRESSED_CHANGE);
    let mut len = data.len();
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        chunk.push(if len == 0 { b } else { b | 0x80 });
        if len == 0 {
            break;
        }
    }
    chunk.extend(data);
    Ok(chunk)
}

/// An Automerge change with its author's signature, as it travels between nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedChange {
    /// The change, as Automerge encodes it.
    pub bytes: Vec<u8>,
    /// Its signature (SPEC.md §4).
    pub signature: ChangeSignature,
}

/// Why a document operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("record `{0}` is local or personal data and cannot be shared")]
    NotShareable(String),
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

/// Why an incoming change was rejected (it is then not applied and not relayed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("change of {got} bytes exceeds {MAX_CHANGE_BYTES}")]
    TooLarge { got: usize },
    #[error("compressed change inflates to more than {limit} bytes")]
    InflatesTooLarge { limit: usize },
    #[error("not an Automerge change: {0}")]
    Malformed(String),
    #[error("signature is for {catalog}/{doc}, not this document")]
    WrongDocument { catalog: String, doc: String },
    #[error("the signed hash is not the hash of the change")]
    HashMismatch,
    #[error("another change with the same actor and sequence number exists (equivocation)")]
    Equivocation,
    #[error("nests deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("would leave the document with more than {limit} heads")]
    TooManyHeads { limit: usize },
    #[error("its author already has {limit} changes in this document")]
    TooManyChanges { limit: usize },
    #[error("out of its author's scope: {0}")]
    OutOfScope(#[from] OutOfScope),
    #[error(transparent)]
    Provenance(#[from] CatalogError),
}

impl Rejection {
    /// A stable code for counting rejections by reason.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::TooLarge { .. }
            | Rejection::InflatesTooLarge { .. }
            | Rejection::TooDeep { .. }
            | Rejection::TooManyHeads { .. }
            | Rejection::TooManyChanges { .. } => "too_large",
            Rejection::Malformed(_) => "malformed",
            Rejection::WrongDocument { .. } => "wrong_document",
            Rejection::HashMismatch => "hash_mismatch",
            Rejection::Equivocation => "equivocation",
            // Honest out-of-order delivery also gets here; the next session sends the change
            // again with its dependencies.
            Rejection::OutOfScope(OutOfScope::UnknownObject) => "missing_dependencies",
            Rejection::OutOfScope(_) => "out_of_scope",
            Rejection::Provenance(e) => provenance_code(e),
        }
    }
}

/// A stable code for a provenance failure.
pub fn provenance_code(e: &CatalogError) -> &'static str {
    match e {
        CatalogError::BadSignature { .. } => "bad_signature",
        CatalogError::NotAllowed { .. } => "not_allowed",
        CatalogError::ActorMismatch { .. } => "actor_mismatch",
        CatalogError::BadId(_) | CatalogError::BadManifest(_) | CatalogError::Stale { .. } => {
            "malformed"
        }
    }
}

/// What applying a batch of incoming changes did.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Changes accepted and handed to Automerge.
    pub applied: usize,
    /// Changes refused, with the reason, by position in the batch.
    pub rejected: Vec<(usize, Rejection)>,
    /// Changes already in the document's history, dropped before any check: the same bytes
    /// (the hash is computed from them, never taken from the sender) were checked when they
    /// first came, and Automerge ignores them. Both ends of a pair open a session when they
    /// connect, so after a partition most changes arrive twice.
    pub held: usize,
}

/// A shared document held by one node.
///
/// Between uses a document is kept in its saved form (about 1 KB for a record: its change
/// chunks for a short history, a compacted save otherwise) with its heads, not as a live
/// Automerge document (about 30 KB in memory each): a node holds
/// every entry of every catalogue it shares or subscribes to, and the live form is only needed
/// while a change is made, applied or read. Once saved it is kept live beside its save
/// (`LiveSaved`) until the replica, which keeps a bounded number live, drops the live form.
/// Saved is not persisted: a new document is `LiveSaved` as soon as it takes the changes it
/// was sent; what to persist is the replica's dirty set, never a document's state.
#[derive(Debug)]
pub struct SharedDocument {
    /// Shared with the replica's other documents (one allocation per catalogue).
    catalog: Arc<CatalogId>,
    doc_id: String,
    epoch: u32,
    actor: automerge::ActorId,
    state: DocState,
    /// The signature of every change the document holds, so that it can relay them.
    signatures: Signatures,
    /// Bytes of its stored form as last stored (the replica's account of its disk budget).
    stored: u64,
}

/// A change signature as its document keeps it: without the catalogue and document ids, which
/// are the document's own (every change is checked to name them before it is kept; the wire
/// and stored forms are rebuilt with them). Each kept copy of the ids took 80 bytes and two
/// allocations, for every document of every catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeptSignature {
    change_hash: [u8; 32],
    author: NodeId,
    epoch: u32,
    signature: [u8; 64],
}

impl KeptSignature {
    fn from_full(s: ChangeSignature) -> KeptSignature {
        KeptSignature {
            change_hash: s.change_hash,
            author: s.author,
            epoch: s.epoch,
            signature: s.signature,
        }
    }

    fn to_full(&self, catalog: &CatalogId, doc: &str) -> ChangeSignature {
        ChangeSignature {
            catalog: catalog.clone(),
            doc: doc.to_owned(),
            change_hash: self.change_hash,
            author: self.author,
            epoch: self.epoch,
            signature: self.signature,
        }
    }
}

/// A document's change signatures by change hash. Most shared documents hold one change or a
/// few: those are kept in a vector (a kept signature takes 132 bytes; a hash map's smallest
/// table, for one to three, takes about 1 KB, for each of the catalogue's documents).
#[derive(Debug)]
enum Signatures {
    Few(Vec<KeptSignature>),
    Many(HashMap<[u8; 32], KeptSignature>),
}

/// Most signatures kept in a vector before a document's move to a hash map.
const FEW_SIGNATURES: usize = 8;

impl Signatures {
    fn new() -> Signatures {
        Signatures::Few(Vec::new())
    }

    /// Keeps `signature` under its change hash, replacing any kept there.
    fn insert(&mut self, signature: KeptSignature) {
        match self {
            Signatures::Few(few) => {
                if let Some(kept) = few
                    .iter_mut()
                    .find(|s| s.change_hash == signature.change_hash)
                {
                    *kept = signature;
                } else if few.len() < FEW_SIGNATURES {
                    // Exactly: a vector's first growth would make room for four.
                    few.reserve_exact(1);
                    few.push(signature);
                } else {
                    let mut many: HashMap<[u8; 32], KeptSignature> =
                        few.drain(..).map(|s| (s.change_hash, s)).collect();
                    many.insert(signature.change_hash, signature);
                    *self = Signatures::Many(many);
                }
            }
            Signatures::Many(many) => {
                many.insert(signature.change_hash, signature);
            }
        }
    }

    fn get(&self, change_hash: &[u8; 32]) -> Option<&KeptSignature> {
        match self {
            Signatures::Few(few) => few.iter().find(|s| &s.change_hash == change_hash),
            Signatures::Many(many) => many.get(change_hash),
        }
    }

    fn contains_key(&self, change_hash: &[u8; 32]) -> bool {
        self.get(change_hash).is_some()
    }

    fn remove(&mut self, change_hash: &[u8; 32]) -> Option<KeptSignature> {
        match self {
            Signatures::Few(few) => {
                let at = few.iter().position(|s| &s.change_hash == change_hash)?;
                Some(few.swap_remove(at))
            }
            Signatures::Many(many) => many.remove(change_hash),
        }
    }

    fn values(&self) -> impl Iterator<Item = &KeptSignature> {
        let (few, many) = match self {
            Signatures::Few(few) => (Some(few.iter()), None),
            Signatures::Many(many) => (None, Some(many.values())),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }
}

impl FromIterator<KeptSignature> for Signatures {
    fn from_iter<I: IntoIterator<Item = KeptSignature>>(iter: I) -> Signatures {
        let mut signatures = Signatures::new();
        for s in iter {
            signatures.insert(s);
        }
        signatures
    }
}

#[derive(Debug)]
enum DocState {
    Live(Box<AutoCommit>),
    Saved {
        bytes: Vec<u8>,
        heads: Vec<[u8; 32]>,
        /// When `bytes` are the document's changes, chunk after chunk (a short history, see
        /// [`MAX_CHANGES_KEPT_AS_CHUNKS`]): each change's hash and place, so that a peer
        /// lacking the document is served without loading it.
        chunks: Option<Vec<([u8; 32], std::ops::Range<usize>)>>,
    },
    /// Live, and unchanged since it was saved as `bytes`: kept live for the sessions and
    /// persists that come next (each load of a long history costs more than checking its
    /// changes), and back to `Saved` at no cost ([`SharedDocument::unload`]). The replica
    /// bounds how many documents it keeps live.
    LiveSaved {
        doc: Box<AutoCommit>,
        bytes: Vec<u8>,
        heads: Vec<[u8; 32]>,
        chunks: Option<Vec<([u8; 32], std::ops::Range<usize>)>>,
    },
}

impl DocState {
    /// A placeholder for the moment a state moves from one variant to another (nothing that
    /// can fail or panic runs while it is in place).
    fn empty() -> DocState {
        DocState::Saved {
            bytes: Vec::new(),
            heads: Vec::new(),
            chunks: None,
        }
    }
}

/// Documents of at most this many changes are kept and stored as their change chunks one
/// after the other instead of a compacted save: saving them costs no document encoding and no
/// DEFLATE (Automerge 0.12 still re-encodes each change from its operations), and a peer that
/// lacks them is served the chunks as they are (most shared records have one or two changes).
/// `AutoCommit::load` reads both forms.
pub const MAX_CHANGES_KEPT_AS_CHUNKS: usize = 8;

/// The place and hash of every change chunk in `bytes`, if `bytes` are only uncompressed change
/// chunks (type 1) with valid checksums; `None` for a compacted document or anything else.
fn change_chunks(bytes: &[u8]) -> Option<Vec<([u8; 32], std::ops::Range<usize>)>> {
    use sha2::{Digest, Sha256};
    const CHUNK_CHANGE: u8 = 1;
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let chunk = &bytes[at..];
        if chunk.len() < 10 || chunk[..4] != CHUNK_MAGIC || chunk[8] != CHUNK_CHANGE {
            return None;
        }
        // uLEB128 length of the data after the header, in its shortest form (as Automerge
        // requires, and as the hash below assumes: it covers the header bytes as they are).
        let (mut len, mut shift, mut i) = (0u64, 0u32, 9);
        loop {
            let b = *chunk.get(i)?;
            len |= u64::from(b & 0x7f) << shift;
            i += 1;
            if b & 0x80 == 0 {
                if b == 0 && i > 10 {
                    return None;
                }
                break;
            }
            shift += 7;
            if shift > 28 {
                return None;
            }
        }
        let len = usize::try_from(len).ok()?;
        let end = i.checked_add(len).filter(|e| *e <= chunk.len())?;
        // Automerge's change hash: SHA-256 over the chunk type, the length and the data; its
        // first four bytes are the chunk's checksum.
        let hash: [u8; 32] = Sha256::digest(&chunk[8..end]).into();
        if hash[..4] != chunk[4..8] {
            return None;
        }
        out.push((hash, at..at + end));
        at += end;
    }
    // Kept with the document for its lifetime: most hold one change, not the four a vector
    // first makes room for.
    out.shrink_to_fit();
    (!out.is_empty()).then_some(out)
}

/// The saved form of a live document, its heads, and its chunks when kept as change chunks.
type SavedForm = (
    Vec<u8>,
    Vec<[u8; 32]>,
    Option<Vec<([u8; 32], std::ops::Range<usize>)>>,
);

/// A change a new document took, kept to become its saved form
/// ([`SharedDocument::keep_received_as_saved`]).
struct FreshChange {
    hash: [u8; 32],
    deps: Vec<[u8; 32]>,
    bytes: Vec<u8>,
}

fn saved_form(doc: &mut AutoCommit) -> SavedForm {
    let heads = doc.get_heads().into_iter().map(|h| h.0).collect();
    // Counted from the metadata first: building every change of a long history only to
    // compact it after all would encode it twice.
    let short = doc.get_changes_meta(&[]).len() <= MAX_CHANGES_KEPT_AS_CHUNKS;
    if short {
        let changes = doc.get_changes(&[]);
        let mut bytes = Vec::new();
        let mut chunks = Vec::with_capacity(changes.len());
        for c in changes {
            let start = bytes.len();
            bytes.extend_from_slice(c.raw_bytes());
            chunks.push((c.hash().0, start..bytes.len()));
        }
        (bytes, heads, Some(chunks))
    } else {
        (doc.save(), heads, None)
    }
}

impl SharedDocument {
    /// An empty document whose local changes are made by `signer` in `epoch`.
    pub fn new(
        catalog: impl Into<Arc<CatalogId>>,
        doc_id: &str,
        signer: &NodeSigner,
        epoch: u32,
    ) -> SharedDocument {
        let actor = automerge::ActorId::from(ActorId::derive(&signer.node_id(), epoch).as_bytes());
        SharedDocument {
            catalog: catalog.into(),
            doc_id: doc_id.to_owned(),
            epoch,
            state: DocState::Live(Box::new(AutoCommit::new().with_actor(actor.clone()))),
            actor,
            signatures: Signatures::new(),
            stored: 0,
        }
    }

    /// Loads a saved document and the signatures of its changes.
    pub fn load(
        catalog: impl Into<Arc<CatalogId>>,
        doc_id: &str,
        bytes: &[u8],
        signatures: Vec<ChangeSignature>,
        signer: &NodeSigner,
        epoch: u32,
    ) -> Result<SharedDocument, DocumentError> {
        let actor = automerge::ActorId::from(ActorId::derive(&signer.node_id(), epoch).as_bytes());
        // Loaded once to check the bytes and learn the heads, then kept saved.
        let mut doc = AutoCommit::load(bytes)?;
        let heads = doc.get_heads().into_iter().map(|h| h.0).collect();
        let chunks = change_chunks(bytes).filter(|chunks| {
            let mut held: Vec<[u8; 32]> = doc
                .get_changes_meta(&[])
                .into_iter()
                .map(|m| m.hash.0)
                .collect();
            let mut listed: Vec<[u8; 32]> = chunks.iter().map(|(h, _)| *h).collect();
            held.sort_unstable();
            listed.sort_unstable();
            held == listed
        });
        // A stored signature naming another document is not this document's.
        let catalog: Arc<CatalogId> = catalog.into();
        let signatures = signatures
            .into_iter()
            .filter(|s| s.catalog == *catalog && s.doc == doc_id)
            .map(KeptSignature::from_full)
            .collect();
        Ok(SharedDocument {
            catalog,
            doc_id: doc_id.to_owned(),
            epoch,
            actor,
            state: DocState::Saved {
                bytes: bytes.to_vec(),
                heads,
                chunks,
            },
            signatures,
            stored: 0,
        })
    }

    /// The live document, loaded from its saved form if needed; from here on it may change, so
    /// a save kept beside it is dropped. Automerge runs on a borrow before the state moves: a
    /// panic in it (the engine survives those) leaves the document as it was.
    fn doc(&mut self) -> Result<&mut AutoCommit, DocumentError> {
        match &self.state {
            DocState::Saved { bytes, .. } => {
                let doc = AutoCommit::load(bytes)?.with_actor(self.actor.clone());
                self.state = DocState::Live(Box::new(doc));
            }
            DocState::LiveSaved { .. } => {
                if let DocState::LiveSaved { doc, .. } =
                    std::mem::replace(&mut self.state, DocState::empty())
                {
                    self.state = DocState::Live(doc);
                }
            }
            DocState::Live(_) => {}
        }
        match &mut self.state {
            DocState::Live(doc) => Ok(doc),
            _ => unreachable!("made live just above"),
        }
    }

    /// Runs `f` on the live document, or on a copy loaded for the call when it is saved (so
    /// serving peers and readers does not make documents live). `f` must not change it.
    fn with_copy<R>(&mut self, f: impl FnOnce(&mut AutoCommit) -> R) -> Option<R> {
        match &mut self.state {
            DocState::Live(doc) | DocState::LiveSaved { doc, .. } => Some(f(doc)),
            DocState::Saved { bytes, .. } => AutoCommit::load(bytes).ok().map(|mut d| f(&mut d)),
        }
    }

    /// Reads the document without keeping it live.
    fn read<R>(&self, f: impl FnOnce(&AutoCommit) -> R) -> Option<R> {
        match &self.state {
            DocState::Live(doc) | DocState::LiveSaved { doc, .. } => Some(f(doc)),
            DocState::Saved { bytes, .. } => AutoCommit::load(bytes).ok().map(|d| f(&d)),
        }
    }

    /// Like [`SharedDocument::save`], but a live document stays live beside its save, until
    /// [`SharedDocument::unload`] drops it.
    pub fn save_kept_live(&mut self) -> Vec<u8> {
        let DocState::Live(doc) = &mut self.state else {
            return self.save_bytes();
        };
        let (bytes, heads, chunks) = saved_form(doc);
        if let DocState::Live(doc) = std::mem::replace(&mut self.state, DocState::empty()) {
            self.state = DocState::LiveSaved {
                doc,
                bytes: bytes.clone(),
                heads,
                chunks,
            };
        }
        bytes
    }

    /// Back to the saved form only: at no cost when the live document was kept beside its
    /// save (nothing changed since), with a save when it is live; nothing when already saved.
    pub fn unload(&mut self) {
        match &self.state {
            DocState::Saved { .. } => {}
            DocState::Live(_) => {
                self.save();
            }
            DocState::LiveSaved { .. } => {
                if let DocState::LiveSaved {
                    bytes,
                    heads,
                    chunks,
                    ..
                } = std::mem::replace(&mut self.state, DocState::empty())
                {
                    self.state = DocState::Saved {
                        bytes,
                        heads,
                        chunks,
                    };
                }
            }
        }
    }

    /// Moves what the document keeps between uses (its id, saved bytes, heads, change places
    /// and signatures) into new allocations made by the calling thread, vectors at their
    /// length. The live form, which a replica keeps for a bounded few, stays where it is. See [`Replica::reallocate`](super::replica::Replica::reallocate).
    pub fn reallocate(&mut self) {
        self.doc_id = self.doc_id.as_str().to_owned();
        match &mut self.state {
            DocState::Saved {
                bytes,
                heads,
                chunks,
            }
            | DocState::LiveSaved {
                bytes,
                heads,
                chunks,
                ..
            } => {
                *bytes = bytes.as_slice().to_vec();
                *heads = heads.as_slice().to_vec();
                if let Some(chunks) = chunks {
                    *chunks = chunks.as_slice().to_vec();
                }
            }
            // At most a bounded few, in Automerge's own form.
            DocState::Live(_) => {}
        }
        self.signatures = match &self.signatures {
            Signatures::Few(few) => Signatures::Few(few.as_slice().to_vec()),
            Signatures::Many(many) => Signatures::Many(many.clone()),
        };
    }

    /// The saved bytes of a document that is saved (kept live or not).
    fn save_bytes(&self) -> Vec<u8> {
        match &self.state {
            DocState::Saved { bytes, .. } | DocState::LiveSaved { bytes, .. } => bytes.clone(),
            DocState::Live(_) => unreachable!("only called on a saved document"),
        }
    }

    /// The whole document for storage (its change chunks for a short history, a compacted save
    /// otherwise); the document stays in that saved form
    /// until it is used again.
    pub fn save(&mut self) -> Vec<u8> {
        match &mut self.state {
            DocState::Saved { bytes, .. } => bytes.clone(),
            DocState::LiveSaved { .. } => {
                self.unload();
                self.save_bytes()
            }
            DocState::Live(doc) => {
                let (bytes, heads, chunks) = saved_form(doc);
                self.state = DocState::Saved {
                    bytes: bytes.clone(),
                    heads,
                    chunks,
                };
                bytes
            }
        }
    }

    /// Whether the document is held live (in Automerge's in-memory form) right now.
    pub fn is_live(&self) -> bool {
        matches!(self.state, DocState::Live(_) | DocState::LiveSaved { .. })
    }

    /// The document's current heads.
    pub fn heads(&mut self) -> Vec<[u8; 32]> {
        match &mut self.state {
            DocState::Saved { heads, .. } | DocState::LiveSaved { heads, .. } => heads.clone(),
            DocState::Live(doc) => doc.get_heads().into_iter().map(|h| h.0).collect(),
        }
    }

    /// Writes the record's public projection into the document with the smallest change that
    /// gets there (nothing if nothing changed), and returns that change signed.
    pub fn publish(
        &mut self,
        record: &Record,
        signer: &NodeSigner,
        time: i64,
    ) -> Result<Option<SignedChange>, DocumentError> {
        let projection = record
            .public_projection()
            .ok_or_else(|| DocumentError::NotShareable(record.id.to_string()))?;
        let Value::Object(want) = projection else {
            return Err(DocumentError::NotShareable(record.id.to_string()));
        };
        if want.contains_key(ANNOTATIONS) {
            return Err(DocumentError::NotShareable(record.id.to_string()));
        }
        let owner = *self.catalog.owner();
        self.edit_on_own_base(&[owner], signer, time, |doc| {
            reconcile_map(doc, &automerge::ROOT, &want, &[ANNOTATIONS])?;
            // The owner creates the annotations map once, so that members' concurrent
            // annotations land in the same map instead of competing maps of which only one
            // would survive.
            if doc.get(&automerge::ROOT, ANNOTATIONS)?.is_none() {
                doc.put_object(&automerge::ROOT, ANNOTATIONS, ObjType::Map)?;
            }
            Ok(())
        })
    }

    /// Makes a change on the document as `authors` (the owner; or the owner and this member)
    /// wrote it, and signs it: when another member's change is among the heads, the edit is made
    /// on a fork at the heads of `authors`' own changes, so the new change depends on none of
    /// anyone else's (SPEC.md §4.2). A member that equivocates — two changes with one sequence
    /// number, one to each half of the federation — then splits its own changes only: nobody
    /// builds on them, so every honest change applies on every node whichever half it holds.
    fn edit_on_own_base(
        &mut self,
        authors: &[NodeId],
        signer: &NodeSigner,
        time: i64,
        edit: impl FnOnce(&mut AutoCommit) -> Result<(), automerge::AutomergeError>,
    ) -> Result<Option<SignedChange>, DocumentError> {
        let own: std::collections::HashSet<[u8; 32]> = self
            .signatures
            .values()
            .filter(|s| authors.contains(&s.author))
            .map(|s| s.change_hash)
            .collect();
        let actor = self.actor.clone();
        let doc = self.doc()?;
        let heads = doc.get_heads();
        if heads.iter().all(|h| own.contains(&h.0)) {
            // A failed edit leaves its operations in the open transaction: undo them, or the
            // next read of the heads would commit them as a change nobody signed (never sent,
            // so the partners' digests would differ from this node's for good).
            if let Err(e) = edit(doc) {
                doc.rollback();
                return Err(e.into());
            }
            return self.commit_signed(signer, time);
        }
        // The heads of the subgraph of `authors`' changes the document holds (a signature may
        // be kept for a change Automerge still queues for its dependencies).
        let meta = doc.get_changes_meta(&[]);
        let held: Vec<&automerge::ChangeMetadata<'_>> =
            meta.iter().filter(|m| own.contains(&m.hash.0)).collect();
        let depended: std::collections::HashSet<[u8; 32]> = held
            .iter()
            .flat_map(|m| m.deps.iter().map(|d| d.0))
            .collect();
        let base: Vec<automerge::ChangeHash> = held
            .iter()
            .map(|m| m.hash)
            .filter(|h| !depended.contains(&h.0))
            .collect();
        drop(meta);
        let mut fork = doc.fork_at(&base)?;
        fork.set_actor(actor);
        edit(&mut fork)?;
        let Some(hash) =
            fork.commit_with(automerge::transaction::CommitOptions::default().with_time(time))
        else {
            return Ok(None);
        };
        let change = fork
            .get_change_by_hash(&hash)
            .expect("a change just committed is in the fork");
        let bytes = change.raw_bytes().to_vec();
        doc.apply_changes(std::iter::once(change))?;
        let signature = ChangeSignature::sign(
            signer,
            (*self.catalog).clone(),
            &self.doc_id,
            hash.0,
            self.epoch,
        );
        self.keep_signature(signature.clone());
        Ok(Some(SignedChange { bytes, signature }))
    }

    /// Writes (or replaces) `node`'s annotation on the document: a short note such as "we
    /// intend to replicate this". Each member has its own key, so concurrent annotations merge.
    pub fn annotate(
        &mut self,
        node: &str,
        text: &str,
        at: &str,
        signer: &NodeSigner,
        time: i64,
    ) -> Result<Option<SignedChange>, DocumentError> {
        let mut want = Map::new();
        want.insert("text".into(), Value::from(text));
        want.insert("at".into(), Value::from(at));
        let authors = [*self.catalog.owner(), signer.node_id()];
        self.edit_on_own_base(&authors, signer, time, |doc| {
            let annotations = match doc.get(&automerge::ROOT, ANNOTATIONS)? {
                Some((AmValue::Object(ObjType::Map), id)) => id,
                _ => doc.put_object(&automerge::ROOT, ANNOTATIONS, ObjType::Map)?,
            };
            let mine = match doc.get(&annotations, node)? {
                Some((AmValue::Object(ObjType::Map), id)) => id,
                _ => doc.put_object(&annotations, node, ObjType::Map)?,
            };
            reconcile_map(doc, &mine, &want, &[])
        })
    }

    /// Commits what the caller changed, recording `time` (Unix seconds) as the change's time,
    /// which the record page's history shows.
    fn commit_signed(
        &mut self,
        signer: &NodeSigner,
        time: i64,
    ) -> Result<Option<SignedChange>, DocumentError> {
        let doc = self.doc()?;
        let Some(hash) =
            doc.commit_with(automerge::transaction::CommitOptions::default().with_time(time))
        else {
            return Ok(None);
        };
        let bytes = doc
            .get_change_by_hash(&hash)
            .expect("a change just committed is in the document")
            .raw_bytes()
            .to_vec();
        let signature = ChangeSignature::sign(
            signer,
            (*self.catalog).clone(),
            &self.doc_id,
            hash.0,
            self.epoch,
        );
        self.keep_signature(signature.clone());
        Ok(Some(SignedChange { bytes, signature }))
    }

    /// Checks and applies incoming changes, whoever relayed them. Only changes that pass every
    /// check of SPEC.md §4 reach Automerge.
    pub fn apply(
        &mut self,
        incoming: &[SignedChange],
        manifest: &Manifest,
    ) -> Result<ApplyReport, DocumentError> {
        let mut report = ApplyReport::default();
        let mut decoded = Vec::with_capacity(incoming.len());
        for (i, c) in incoming.iter().enumerate() {
            match decode(&c.bytes) {
                Ok(change) => decoded.push((i, change, c.signature.clone())),
                Err(r) => report.rejected.push((i, r)),
            }
        }
        self.apply_decoded(decoded, manifest, report, MAX_CHANGES_PER_MEMBER)
    }

    /// Like [`SharedDocument::apply`] for changes the caller has already decoded (the replica
    /// decodes each change once, to compute the hash it checks the signature against), with at
    /// most `changes_per_member` changes of each member other than the owner.
    pub fn apply_decoded(
        &mut self,
        incoming: Vec<(usize, automerge::Change, ChangeSignature)>,
        manifest: &Manifest,
        mut report: ApplyReport,
        changes_per_member: usize,
    ) -> Result<ApplyReport, DocumentError> {
        let mut incoming = incoming;
        // The saved state to fall back on if Automerge fails (below), taken before the document
        // is loaded: a saved document's bytes as they are, no save and no reload.
        let heads = self.heads();
        let snapshot = (!incoming.is_empty() && !heads.is_empty()).then(|| self.save_kept_live());
        let snapshot_chunks = match &self.state {
            DocState::Saved { chunks, .. } | DocState::LiveSaved { chunks, .. } => chunks.clone(),
            DocState::Live(_) => None,
        };
        // Changes already held are asked of Automerge's history, not of the kept signatures (a
        // signature is also kept for a change Automerge queues for its dependencies).
        // Automerge counts a queued change as present, but its queue does not survive a save:
        // a document with a queue (it then misses dependencies) drops nothing.
        if !incoming.is_empty() && self.doc()?.get_missing_deps(&[]).is_empty() {
            let hashes: Vec<automerge::ChangeHash> =
                incoming.iter().map(|(_, c, _)| c.hash()).collect();
            let missing: std::collections::HashSet<automerge::ChangeHash> =
                self.doc()?.get_missing_deps(&hashes).into_iter().collect();
            let before = incoming.len();
            // A change held without its signature (which it needs to be relayed) comes
            // through: the checks give it one back.
            incoming.retain(|(_, c, _)| {
                missing.contains(&c.hash()) || !self.signatures.contains_key(&c.hash().0)
            });
            report.held += before - incoming.len();
        }
        let mut accepted = Vec::new();
        // Validly signed changes by authors who may not write now: kept only if the owner
        // built on them in this batch (a revoked writer's past changes, SPEC.md §4).
        let mut unendorsed = Vec::new();
        for (i, change, signature) in incoming {
            match self.check(&change, &signature, manifest) {
                Ok(()) => {
                    self.keep_signature(signature);
                    accepted.push((i, change))
                }
                Err(r @ Rejection::Provenance(CatalogError::NotAllowed { .. })) => {
                    unendorsed.push((i, change, signature, r))
                }
                Err(r) => report.rejected.push((i, r)),
            }
        }
        // A member other than the owner writes only its annotation: a bounded number of changes
        // per document (5,000 tiny changes a frame would otherwise grow every replica's copy).
        let owner = *manifest.id.owner();
        let by_members = accepted.iter().any(|(_, c)| {
            self.signatures
                .get(&c.hash().0)
                .is_some_and(|s| s.author != owner)
        });
        // Counted over the whole history only when a member's change is in the batch: a cold
        // subscribe (the owner's changes alone) does not pay for it.
        let mut by_author: HashMap<NodeId, usize> = HashMap::new();
        if by_members {
            for s in self.signatures.values() {
                *by_author.entry(s.author).or_default() += 1;
            }
        }
        let mut excess: HashMap<NodeId, usize> = by_author
            .into_iter()
            .filter(|(a, n)| *a != owner && *n > changes_per_member)
            .map(|(a, n)| (a, n - changes_per_member))
            .collect();
        if !excess.is_empty() {
            // The batch's last changes go first: the ones kept never depend on one refused.
            let mut k = accepted.len();
            while k > 0 && !excess.is_empty() {
                k -= 1;
                let hash = accepted[k].1.hash().0;
                let Some(author) = self.signatures.get(&hash).map(|s| s.author) else {
                    continue;
                };
                let Some(left) = excess.get_mut(&author) else {
                    continue;
                };
                *left -= 1;
                if *left == 0 {
                    excess.remove(&author);
                }
                self.signatures.remove(&hash);
                let (i, _) = accepted.remove(k);
                report.rejected.push((
                    i,
                    Rejection::TooManyChanges {
                        limit: changes_per_member,
                    },
                ));
            }
        }
        // The manifest as it was for the endorsed changes: their authors could write then.
        let mut as_written = None;
        if !unendorsed.is_empty() {
            let endorsed = endorsed_by_owner(manifest.id.owner(), &accepted, &unendorsed, self);
            let mut then = manifest.clone();
            for (i, change, signature, why) in unendorsed {
                // Already held: accepted when its author could write (a duplicate relay).
                if endorsed.contains(&signature.change_hash) || self.holds(&signature.change_hash) {
                    then.writers.insert(signature.author);
                    self.keep_signature(signature);
                    accepted.push((i, change));
                } else {
                    report.rejected.push((i, why));
                }
            }
            as_written = Some(then);
        }
        let manifest = as_written.as_ref().unwrap_or(manifest);
        if !accepted.is_empty() {
            // Every operation is checked against its author's scope (SPEC.md §4.1) before
            // Automerge sees the change; one operation out of scope refuses the change whole.
            let authors: HashMap<usize, NodeId> = accepted
                .iter()
                .filter_map(|(i, c)| Some((*i, self.signatures.get(&c.hash().0)?.author)))
                .collect();
            let refused = scope_refusals(self.doc()?, &accepted, &authors, manifest);
            if !refused.is_empty() {
                accepted.retain(|(i, c)| {
                    let Some(why) = refused.get(i) else {
                        return true;
                    };
                    self.signatures.remove(&c.hash().0);
                    report.rejected.push((*i, why.clone()));
                    false
                });
            }
        }
        report.applied = accepted.len();
        if !accepted.is_empty() {
            // Automerge 0.12 can panic on a crafted change ("Obj ... Missing from Index", found
            // by fuzzing the `change` target): keep the saved state to fall back on, and
            // refuse the batch instead of losing the engine task. An empty document (every
            // new one in a cold subscribe) falls back to empty, without a save and a reload.
            let hashes: Vec<(usize, [u8; 32])> =
                accepted.iter().map(|(i, c)| (*i, c.hash().0)).collect();
            // A new document (every one in a cold subscribe): if all its changes apply, its
            // saved form, the changes' chunks, is what was received, and saving it needs no
            // rebuilding of every change by Automerge (`get_changes`).
            let fresh: Option<Vec<FreshChange>> =
                (heads.is_empty() && accepted.len() <= MAX_CHANGES_KEPT_AS_CHUNKS).then(|| {
                    accepted
                        .iter()
                        .map(|(_, c)| FreshChange {
                            hash: c.hash().0,
                            deps: c.deps().iter().map(|d| d.0).collect(),
                            bytes: c.raw_bytes().to_vec(),
                        })
                        .collect()
                });
            let refused = match apply_batch(self.doc()?, accepted) {
                Some(Ok(refused)) if self.heads().len() <= MAX_HEADS => refused,
                Some(Ok(mut refused)) => {
                    // Concurrent changes from many actors (a writer using one epoch after
                    // another) would leave more heads than a wire message may carry, and every
                    // session page holding the document would be refused: back to the state
                    // before the batch, which is refused whole.
                    let limit = MAX_HEADS;
                    self.state = match snapshot {
                        Some(bytes) => DocState::Saved {
                            chunks: change_chunks(&bytes),
                            bytes,
                            heads,
                        },
                        None => DocState::Live(Box::new(
                            AutoCommit::new().with_actor(self.actor.clone()),
                        )),
                    };
                    let already: Vec<usize> = refused.iter().map(|(i, _, _)| *i).collect();
                    refused.extend(
                        hashes
                            .into_iter()
                            .filter(|(i, _)| !already.contains(i))
                            .map(|(i, hash)| (i, hash, Rejection::TooManyHeads { limit })),
                    );
                    refused
                }
                Some(Err(e)) => {
                    // Nothing applied: keep no signature of it either.
                    for (_, hash) in hashes {
                        self.signatures.remove(&hash);
                    }
                    return Err(e.into());
                }
                None => {
                    self.state = match snapshot {
                        Some(bytes) => DocState::Saved {
                            chunks: change_chunks(&bytes),
                            bytes,
                            heads,
                        },
                        None => DocState::Live(Box::new(
                            AutoCommit::new().with_actor(self.actor.clone()),
                        )),
                    };
                    hashes
                        .into_iter()
                        .map(|(i, hash)| {
                            (
                                i,
                                hash,
                                Rejection::Malformed("Automerge could not apply it".into()),
                            )
                        })
                        .collect()
                }
            };
            let all_applied = refused.is_empty();
            for (i, hash, why) in refused {
                self.signatures.remove(&hash);
                report.applied -= 1;
                report.rejected.push((i, why));
            }
            if let Some(fresh) = fresh.filter(|_| all_applied) {
                self.keep_received_as_saved(fresh)?;
            }
        } else if let Some(bytes) = snapshot {
            // Nothing to apply (all held, or all refused): still what was saved, so no persist
            // needs to save it again.
            self.state = match std::mem::replace(&mut self.state, DocState::empty()) {
                DocState::Live(doc) => DocState::LiveSaved {
                    doc,
                    chunks: snapshot_chunks,
                    bytes,
                    heads,
                },
                other => other,
            };
        }
        report.rejected.sort_by_key(|(i, _)| *i);
        Ok(report)
    }

    /// A new document that took every change of `fresh`: those changes' chunks, in an order
    /// where each follows its dependencies, become its saved form beside the live document.
    /// Left live (saved later the usual way) if Automerge queued any, if the document holds
    /// any other change (one queued before, released by this batch), or if they do not order.
    fn keep_received_as_saved(&mut self, fresh: Vec<FreshChange>) -> Result<(), DocumentError> {
        let mut left: Vec<FreshChange> = Vec::with_capacity(fresh.len());
        for c in fresh {
            // The same change twice in a batch: Automerge holds it once.
            if !left.iter().any(|l| l.hash == c.hash) {
                left.push(c);
            }
        }
        let doc = self.doc()?;
        if !doc.get_missing_deps(&[]).is_empty() || doc.get_changes_meta(&[]).len() != left.len() {
            return Ok(());
        }
        let mut ordered: Vec<FreshChange> = Vec::with_capacity(left.len());
        while !left.is_empty() {
            let Some(next) = left
                .iter()
                .position(|c| c.deps.iter().all(|d| ordered.iter().any(|o| &o.hash == d)))
            else {
                return Ok(());
            };
            ordered.push(left.remove(next));
        }
        let mut bytes = Vec::new();
        let mut chunks = Vec::with_capacity(ordered.len());
        for c in ordered {
            let start = bytes.len();
            bytes.extend_from_slice(&c.bytes);
            chunks.push((c.hash, start..bytes.len()));
        }
        let heads = self.heads();
        debug_assert!(
            AutoCommit::load(&bytes).is_ok_and(|mut d| {
                let mut loaded: Vec<[u8; 32]> = d.get_heads().into_iter().map(|h| h.0).collect();
                let mut mine = heads.clone();
                loaded.sort_unstable();
                mine.sort_unstable();
                loaded == mine
            }),
            "the received chunks load as the document they built"
        );
        if let DocState::Live(doc) = std::mem::replace(&mut self.state, DocState::empty()) {
            self.state = DocState::LiveSaved {
                doc,
                bytes,
                heads,
                chunks: Some(chunks),
            };
        }
        Ok(())
    }

    fn check(
        &self,
        change: &automerge::Change,
        signature: &ChangeSignature,
        manifest: &Manifest,
    ) -> Result<(), Rejection> {
        if signature.catalog != *self.catalog || signature.doc != self.doc_id {
            return Err(Rejection::WrongDocument {
                catalog: signature.catalog.to_string(),
                doc: signature.doc.clone(),
            });
        }
        if change.hash().0 != signature.change_hash {
            return Err(Rejection::HashMismatch);
        }
        signature.verify(manifest, change.actor_id().to_bytes())?;
        Ok(())
    }

    /// Whether `node` authored any change this document holds.
    pub fn has_changes_by(&self, node: &NodeId) -> bool {
        self.signatures.values().any(|s| &s.author == node)
    }

    /// An empty change of the owner on top of everything the document holds, signed: the
    /// owner's endorsement of the changes it built on. Made when a writer loses its right, so
    /// that its past changes stay valid for nodes that fetch the history afresh (SPEC.md §4).
    pub fn endorse(
        &mut self,
        signer: &NodeSigner,
        time: i64,
    ) -> Result<Option<SignedChange>, DocumentError> {
        let doc = self.doc()?;
        doc.empty_change(automerge::transaction::CommitOptions::default().with_time(time));
        let Some(change) = doc.get_last_local_change() else {
            return Ok(None);
        };
        let (hash, bytes) = (change.hash(), change.raw_bytes().to_vec());
        let signature = ChangeSignature::sign(
            signer,
            (*self.catalog).clone(),
            &self.doc_id,
            hash.0,
            self.epoch,
        );
        self.keep_signature(signature.clone());
        Ok(Some(SignedChange { bytes, signature }))
    }

    /// The signed changes a peer holding `heads` lacks (heads this document does not know are
    /// ignored, so a diverged peer may receive a few changes twice; applying is idempotent).
    pub fn changes_since(&mut self, heads: &[[u8; 32]]) -> Vec<SignedChange> {
        if self.heads() == heads {
            return Vec::new();
        }
        if let (
            [],
            DocState::Saved {
                bytes,
                chunks: Some(chunks),
                ..
            }
            | DocState::LiveSaved {
                bytes,
                chunks: Some(chunks),
                ..
            },
        ) = (heads, &self.state)
        {
            // The peer lacks the document: every change, as stored, without loading it.
            return chunks
                .iter()
                .filter_map(|(hash, place)| {
                    let signature = self
                        .signatures
                        .get(hash)?
                        .to_full(&self.catalog, &self.doc_id);
                    Some(SignedChange {
                        bytes: bytes[place.clone()].to_vec(),
                        signature,
                    })
                })
                .collect();
        }
        let raw = self.with_copy(|doc| {
            let have: Vec<automerge::ChangeHash> = heads
                .iter()
                .map(|h| automerge::ChangeHash(*h))
                .filter(|h| doc.get_change_by_hash(h).is_some())
                .collect();
            doc.get_changes(&have)
                .into_iter()
                .map(|c| (c.hash().0, c.raw_bytes().to_vec()))
                .collect::<Vec<_>>()
        });
        raw.unwrap_or_default()
            .into_iter()
            .filter_map(|(hash, bytes)| {
                // A change without a signature cannot be relayed: peers would reject it.
                let signature = self
                    .signatures
                    .get(&hash)?
                    .to_full(&self.catalog, &self.doc_id);
                Some(SignedChange { bytes, signature })
            })
            .collect()
    }

    /// The document's history, oldest first: per change its hash, author node (from its
    /// signature) and the time its author recorded (Unix seconds).
    pub fn history(&mut self) -> Vec<(String, String, i64)> {
        let Some(changes) = self.with_copy(|doc| {
            doc.get_changes(&[])
                .into_iter()
                .map(|c| (c.hash().0, c.timestamp()))
                .collect::<Vec<_>>()
        }) else {
            return Vec::new();
        };
        changes
            .into_iter()
            .map(|(hash, timestamp)| {
                let author = self
                    .signatures
                    .get(&hash)
                    .map(|s| s.author.to_string())
                    .unwrap_or_default();
                (sicc_protocol::catalog::hex(&hash), author, timestamp)
            })
            .collect()
    }

    /// Whether the document holds the change with this hash (its signature is kept).
    pub fn holds(&self, change_hash: &[u8; 32]) -> bool {
        self.signatures.contains_key(change_hash)
    }

    /// The signatures of the document's changes, for storage.
    pub fn signatures(&self) -> impl Iterator<Item = ChangeSignature> + '_ {
        self.signatures
            .values()
            .map(|s| s.to_full(&self.catalog, &self.doc_id))
    }

    /// Keeps the signature of a change this document holds (checked to name this document, or
    /// made by this node for it).
    fn keep_signature(&mut self, signature: ChangeSignature) {
        debug_assert!(
            signature.catalog == *self.catalog && signature.doc == self.doc_id,
            "a signature kept for the document it names"
        );
        self.signatures.insert(KeptSignature::from_full(signature));
    }

    /// Bytes of its stored form as last recorded by [`SharedDocument::set_stored_bytes`].
    pub fn stored_bytes(&self) -> u64 {
        self.stored
    }

    pub fn set_stored_bytes(&mut self, bytes: u64) {
        self.stored = bytes;
    }

    /// The document id.
    pub fn id(&self) -> &str {
        &self.doc_id
    }

    /// The document as JSON: the record's public projection plus members' `annotations`.
    pub fn to_json(&self) -> Value {
        self.read(|doc| read_map(doc, &automerge::ROOT, 0))
            .unwrap_or(Value::Null)
    }

    /// The shared record alone (the document without its annotations).
    pub fn record_json(&self) -> Value {
        let mut v = self.to_json();
        if let Value::Object(m) = &mut v {
            m.remove(ANNOTATIONS);
        }
        v
    }
}

fn scalar(v: &Value) -> ScalarValue {
    match v {
        Value::Null => ScalarValue::Null,
        Value::Bool(b) => ScalarValue::Boolean(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => ScalarValue::Int(i),
            (None, Some(u)) => ScalarValue::Uint(u),
            _ => ScalarValue::F64(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => ScalarValue::Str(s.as_str().into()),
        // Callers handle composites.
        Value::Array(_) | Value::Object(_) => ScalarValue::Null,
    }
}

/// Root key of members' annotations; never a record field.
pub use sicc_protocol::scope::ANNOTATIONS;

fn reconcile_map(
    doc: &mut AutoCommit,
    obj: &ObjId,
    want: &Map<String, Value>,
    keep: &[&str],
) -> Result<(), automerge::AutomergeError> {
    let stale: Vec<String> = doc
        .keys(obj)
        .filter(|k| !want.contains_key(k) && !keep.contains(&k.as_str()))
        .collect();
    for key in stale {
        doc.delete(obj, key.as_str())?;
    }
    for (key, value) in want {
        let current = doc.get(obj, key.as_str())?;
        match value {
            Value::Object(m) => {
                let child = match current {
                    Some((AmValue::Object(ObjType::Map), id)) => id,
                    _ => doc.put_object(obj, key.as_str(), ObjType::Map)?,
                };
                reconcile_map(doc, &child, m, &[])?;
            }
            Value::Array(items) => {
                let same = match &current {
                    Some((AmValue::Object(ObjType::List), id)) => read_list(doc, id, 1) == *items,
                    _ => false,
                };
                if !same {
                    // Lists here are short (codes, links, sources): replacing a changed list
                    // whole keeps the code simple and the change small.
                    let list = doc.put_object(obj, key.as_str(), ObjType::List)?;
                    for (i, item) in items.iter().enumerate() {
                        match item {
                            Value::Object(m) => {
                                let child = doc.insert_object(&list, i, ObjType::Map)?;
                                reconcile_map(doc, &child, m, &[])?;
                            }
                            other => doc.insert(&list, i, scalar(other))?,
                        }
                    }
                }
            }
            other => {
                let same = matches!(&current, Some((AmValue::Scalar(s), _)) if scalar_to_json(s) == *other);
                if !same {
                    doc.put(obj, key.as_str(), scalar(other))?;
                }
            }
        }
    }
    Ok(())
}

fn scalar_to_json(s: &ScalarValue) -> Value {
    match s {
        ScalarValue::Str(s) => Value::String(s.to_string()),
        ScalarValue::Int(i) => Value::from(*i),
        ScalarValue::Uint(u) => Value::from(*u),
        ScalarValue::F64(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        ScalarValue::Boolean(b) => Value::Bool(*b),
        ScalarValue::Timestamp(t) => Value::from(*t),
        _ => Value::Null,
    }
}

/// Changes refused by [`apply_batch`]: index in the batch, hash, why.
pub type Refused = Vec<(usize, [u8; 32], Rejection)>;

/// Applies checked changes; returns those refused. Automerge checks a whole batch before
/// applying any of it, so a refused batch leaves the document as it was. `None`: Automerge
/// panicked, and the document must be dropped (reloaded from its saved form). Public for the
/// `change` fuzz target, which runs the node's own path.
pub fn apply_batch(
    doc: &mut AutoCommit,
    accepted: Vec<(usize, automerge::Change)>,
) -> Option<Result<Refused, automerge::AutomergeError>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| apply_each(doc, accepted))).ok()
}

fn apply_each(
    doc: &mut AutoCommit,
    accepted: Vec<(usize, automerge::Change)>,
) -> Result<Refused, automerge::AutomergeError> {
    match doc.apply_changes(accepted.iter().map(|(_, c)| c.clone())) {
        Ok(()) => Ok(Vec::new()),
        Err(automerge::AutomergeError::DuplicateSeqNumber(..)) => {
            // Someone signed two different changes with one actor and sequence number. Applied
            // as a batch, that would sink every honest change beside it: refuse (never relay)
            // the changes that reuse a sequence number, then apply the rest as one batch.
            // One by one would cost a pass over the whole document per change, and a peer on
            // the other branch sends the same changes at every session.
            let (rest, mut refused) = refuse_equivocations(doc, accepted);
            match doc.apply_changes(rest.iter().map(|(_, c)| c.clone())) {
                Ok(()) => {}
                // Left for the slow path: a conflict with a change still queued for its
                // dependencies, which the history read above does not hold.
                Err(automerge::AutomergeError::DuplicateSeqNumber(..)) => {
                    for (i, change) in rest {
                        let hash = change.hash().0;
                        if let Err(e) = doc.apply_changes(std::iter::once(change)) {
                            let why = match e {
                                automerge::AutomergeError::DuplicateSeqNumber(..) => {
                                    Rejection::Equivocation
                                }
                                other => Rejection::Malformed(other.to_string()),
                            };
                            refused.push((i, hash, why));
                        }
                    }
                }
                Err(e) => return Err(e),
            }
            Ok(refused)
        }
        Err(e) => Err(e),
    }
}

/// Splits a batch into the changes that may be applied and those refused as equivocations: a
/// change the document does not hold whose actor already has a change at that sequence
/// number in the document, or earlier in the batch.
fn refuse_equivocations(
    doc: &mut AutoCommit,
    batch: Vec<(usize, automerge::Change)>,
) -> (Vec<(usize, automerge::Change)>, Refused) {
    let mut held: HashMap<(automerge::ActorId, u64), automerge::ChangeHash> = doc
        .get_changes_meta(&[])
        .into_iter()
        .map(|m| ((m.actor.into_owned(), m.seq), m.hash))
        .collect();
    let mut rest = Vec::with_capacity(batch.len());
    let mut refused = Vec::new();
    for (i, change) in batch {
        let key = (change.actor_id().clone(), change.seq());
        match held.get(&key) {
            Some(hash) if *hash == change.hash() => {} // already held: nothing to do
            Some(_) => refused.push((i, change.hash().0, Rejection::Equivocation)),
            None => {
                held.insert(key, change.hash());
                rest.push((i, change));
            }
        }
    }
    (rest, refused)
}

/// The hashes of `unendorsed` changes the catalogue's owner built on: ancestors, within the
/// batch, of a change by the owner (accepted in the batch, or already held).
fn endorsed_by_owner(
    owner: &NodeId,
    accepted: &[(usize, automerge::Change)],
    unendorsed: &[(usize, automerge::Change, ChangeSignature, Rejection)],
    doc: &SharedDocument,
) -> std::collections::HashSet<[u8; 32]> {
    let deps: HashMap<[u8; 32], Vec<[u8; 32]>> = accepted
        .iter()
        .map(|(_, c)| c)
        .chain(unendorsed.iter().map(|(_, c, _, _)| c))
        .map(|c| (c.hash().0, c.deps().iter().map(|d| d.0).collect()))
        .collect();
    let mut stack: Vec<[u8; 32]> = accepted
        .iter()
        .map(|(_, c)| c.hash().0)
        .filter(|h| doc.signatures.get(h).is_some_and(|s| &s.author == owner))
        .collect();
    let mut reached = std::collections::HashSet::new();
    while let Some(h) = stack.pop() {
        for d in deps.get(&h).into_iter().flatten() {
            if reached.insert(*d) {
                stack.push(*d);
            }
        }
    }
    reached
}

/// The changes of a batch with an operation outside its author's scope (SPEC.md §4.1), by
/// position in the batch. Each operation is resolved to the path of the value it writes: its
/// object is either made by a change of the batch (followed through the batch, in any order)
/// or already in `doc` (followed through Automerge's parents); an object found in neither is
/// refused, since its place cannot be checked. A panic while decoding refuses the whole batch.
fn scope_refusals(
    doc: &AutoCommit,
    batch: &[(usize, automerge::Change)],
    authors: &HashMap<usize, NodeId>,
    manifest: &Manifest,
) -> HashMap<usize, Rejection> {
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let expanded: Vec<Expanded> = batch
            .iter()
            .map(|(i, c)| {
                let deps = c.deps().iter().map(|d| d.0).collect();
                (*i, c.hash().0, deps, c.decode())
            })
            .collect();
        let mut places = Places::new(doc, &expanded);
        let mut refused = HashMap::new();
        for (i, hash, _, change) in &expanded {
            let Some(author) = authors.get(i) else {
                refused.insert(*i, Rejection::OutOfScope(OutOfScope::UnknownObject));
                continue;
            };
            for op in &change.operations {
                let mut path = match places.path_of(&op.obj, *hash) {
                    Ok(path) => path,
                    Err(why) => {
                        refused.insert(*i, why);
                        break;
                    }
                };
                path.push(step_of(&op.key));
                let write = Write {
                    path,
                    makes_map: matches!(op.action, automerge::legacy::OpType::Make(ObjType::Map)),
                    replaces: !op.pred.is_empty(),
                };
                if let Err(why) = scope::authorize(manifest, author, &write) {
                    refused.insert(*i, Rejection::OutOfScope(why));
                    break;
                }
            }
        }
        refused
    }));
    checked.unwrap_or_else(|_| {
        batch
            .iter()
            .map(|(i, _)| {
                (
                    *i,
                    Rejection::Malformed("its operations could not be read".into()),
                )
            })
            .collect()
    })
}

fn step_of(key: &automerge::legacy::Key) -> Step {
    match key {
        automerge::legacy::Key::Map(k) => Step::Key(k.to_string()),
        automerge::legacy::Key::Seq(_) => Step::Element,
    }
}

/// Deepest path followed when resolving where an operation writes; deeper is refused (a record
/// nests 4 levels, an annotation 2).
const MAX_PATH_DEPTH: usize = MAX_READ_DEPTH;

/// The paths of objects, from the document root: objects made in a batch, then the document.
struct Places<'a> {
    doc: &'a AutoCommit,
    /// Objects made by the batch's operations: the change that made each (by hash), and its
    /// object and key. Two changes with one actor and sequence number (an equivocation) number
    /// their objects alike: each operation is then resolved in its own change's history.
    made: HashMap<automerge::legacy::OpId, Vec<([u8; 32], automerge::legacy::ObjectId, Step)>>,
    /// The batch's changes and their dependencies.
    deps: HashMap<[u8; 32], Vec<[u8; 32]>>,
    /// Paths found, by object and the change that made it (`None`: the document).
    known: HashMap<(automerge::legacy::OpId, Option<[u8; 32]>), PathFound>,
}

/// Where an object was made: the change (hash), the object it was made in, and its key there.
type Maker = ([u8; 32], automerge::legacy::ObjectId, Step);
/// A change of a batch: its position, hash, dependencies and operations.
type Expanded = (usize, [u8; 32], Vec<[u8; 32]>, automerge::ExpandedChange);
type PathFound = Result<Vec<Step>, Rejection>;

impl<'a> Places<'a> {
    fn new(doc: &'a AutoCommit, batch: &[Expanded]) -> Places<'a> {
        let mut made: HashMap<automerge::legacy::OpId, Vec<Maker>> = HashMap::new();
        let mut deps = HashMap::new();
        for (_, hash, change_deps, change) in batch {
            deps.insert(*hash, change_deps.clone());
            for (n, op) in change.operations.iter().enumerate() {
                if let automerge::legacy::OpType::Make(_) = op.action {
                    let id = automerge::legacy::OpId(
                        change.start_op.get() + n as u64,
                        change.actor_id.clone(),
                    );
                    made.entry(id)
                        .or_default()
                        .push((*hash, op.obj.clone(), step_of(&op.key)));
                }
            }
        }
        Places {
            doc,
            made,
            deps,
            known: HashMap::new(),
        }
    }

    /// The path of `obj` as the change `context` sees it.
    fn path_of(
        &mut self,
        obj: &automerge::legacy::ObjectId,
        context: [u8; 32],
    ) -> Result<Vec<Step>, Rejection> {
        self.follow(obj, context, 0)
    }

    /// Whether `ancestor` is `of` or one of its dependencies within the batch.
    fn in_history(&self, ancestor: [u8; 32], of: [u8; 32]) -> bool {
        let mut stack = vec![of];
        let mut seen = std::collections::HashSet::new();
        while let Some(h) = stack.pop() {
            if h == ancestor {
                return true;
            }
            if seen.insert(h) {
                stack.extend(self.deps.get(&h).into_iter().flatten().copied());
            }
        }
        false
    }

    fn follow(
        &mut self,
        obj: &automerge::legacy::ObjectId,
        context: [u8; 32],
        depth: usize,
    ) -> Result<Vec<Step>, Rejection> {
        let id = match obj {
            automerge::legacy::ObjectId::Root => return Ok(Vec::new()),
            automerge::legacy::ObjectId::Id(id) => id,
        };
        if depth > MAX_PATH_DEPTH {
            return Err(Rejection::TooDeep {
                limit: MAX_PATH_DEPTH,
            });
        }
        let maker: Option<Maker> = match self.made.get(id).map(Vec::as_slice) {
            None | Some([]) => None,
            Some([one]) => Some(one.clone()),
            Some(several) => several
                .iter()
                .find(|(h, _, _)| self.in_history(*h, context))
                .cloned(),
        };
        let key = (id.clone(), maker.as_ref().map(|m| m.0));
        if let Some(known) = self.known.get(&key) {
            return known.clone();
        }
        // Bounded by the path's length, not only by the recursion: with earlier objects
        // remembered, a 10,000-deep nesting recursed one level at a time while its paths grew
        // (and were copied) without bound (found by the member-attack run).
        let path = match maker {
            Some((made_in, parent, step)) => {
                self.follow(&parent, made_in, depth + 1).and_then(|mut p| {
                    p.push(step);
                    if p.len() > MAX_PATH_DEPTH {
                        return Err(Rejection::TooDeep {
                            limit: MAX_PATH_DEPTH,
                        });
                    }
                    Ok(p)
                })
            }
            None => self.in_document(id),
        };
        self.known.insert(key, path.clone());
        path
    }

    fn in_document(&self, id: &automerge::legacy::OpId) -> Result<Vec<Step>, Rejection> {
        let unknown = || Rejection::OutOfScope(OutOfScope::UnknownObject);
        let (obj, _) = self.doc.import(&id.to_string()).map_err(|_| unknown())?;
        let path = self.doc.parents(&obj).map_err(|_| unknown())?.path();
        if path.len() > MAX_PATH_DEPTH {
            return Err(Rejection::TooDeep {
                limit: MAX_PATH_DEPTH,
            });
        }
        Ok(path
            .into_iter()
            .map(|(_, prop)| match prop {
                automerge::Prop::Map(k) => Step::Key(k),
                automerge::Prop::Seq(_) => Step::Element,
            })
            .collect())
    }
}

/// Deepest nesting read out of a shared document. A record's projection nests 4 levels at most;
/// a writer can make an Automerge document nest without bound, and reading 10,000 levels
/// recursively overflowed the stack and aborted the node (found by the member-attack run).
/// Deeper objects read as `null`.
pub const MAX_READ_DEPTH: usize = 16;

fn read_value(doc: &AutoCommit, value: AmValue<'_>, id: &ObjId, depth: usize) -> Value {
    if depth >= MAX_READ_DEPTH && matches!(value, AmValue::Object(_)) {
        return Value::Null;
    }
    match value {
        AmValue::Object(ObjType::Map | ObjType::Table) => read_map(doc, id, depth + 1),
        AmValue::Object(ObjType::List) => Value::Array(read_list(doc, id, depth + 1)),
        // Strings are scalars (SPEC.md §6.9). Text reads as a marked object, which no record
        // field accepts, so the document is quarantined naming the field; read as a list of
        // characters it would pass as a list of short strings.
        AmValue::Object(ObjType::Text) => {
            serde_json::json!({ "automerge_text": doc.text(id).unwrap_or_default() })
        }
        AmValue::Scalar(s) => scalar_to_json(&s),
    }
}

/// The id of an item's object, asked only when the item is one (computing it costs a lookup).
fn object_id(value: &automerge::ValueRef<'_>, id: impl FnOnce() -> ObjId) -> ObjId {
    match value {
        automerge::ValueRef::Object(_) => id(),
        automerge::ValueRef::Scalar(_) => automerge::ROOT,
    }
}

// One pass over each object (`map_range`, `list_range`) rather than a lookup per key or index.
fn read_map(doc: &AutoCommit, obj: &ObjId, depth: usize) -> Value {
    let mut out = Map::new();
    for item in doc.map_range(obj, ..) {
        let id = object_id(&item.value, || item.id());
        let v = read_value(doc, item.value.into_value(), &id, depth);
        out.insert(item.key.into_owned(), v);
    }
    Value::Object(out)
}

fn read_list(doc: &AutoCommit, obj: &ObjId, depth: usize) -> Vec<Value> {
    doc.list_range(obj, ..)
        .map(|item| {
            let id = object_id(&item.value, || item.id());
            read_value(doc, item.value.into_value(), &id, depth)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    const CANARY: &str = "CANARY-local-only-4f1d";

    fn record(summary: &str) -> Record {
        Record::from_json(&json!({
            "id": "lv-samaritan", "kind": "initiative", "access_level": "consortium",
            "title": {"lv": "Samariešu mobilā aprūpe", "en": "Samaritan mobile care"}, "original_lang": "lv",
            "status": "active", "countries": ["LV"], "nuts": ["LV005"], "summary": {"en": summary},
            "sdgs": [3, 10], "evidence_level": 2, "founder_names": [CANARY], "internal_notes": CANARY,
            "sources": [{"url": "https://example.org/samaritans", "title": "Source"}]
        }))
        .unwrap()
    }

    #[test]
    fn signatures_are_a_map_by_change_hash_in_a_vector_while_few() {
        let (owner, _, m) = setup();
        let signature = |i: u8| {
            KeptSignature::from_full(ChangeSignature::sign(
                &owner,
                m.id.clone(),
                "lv-samaritan",
                [i; 32],
                0,
            ))
        };
        let mut kept = Signatures::new();
        kept.insert(signature(0));
        assert!(
            matches!(&kept, Signatures::Few(v) if v.capacity() == 1),
            "one signature takes room for one"
        );
        let loaded: Signatures = [signature(0)].into_iter().collect();
        assert!(matches!(&loaded, Signatures::Few(v) if v.capacity() == 1));
        // A scripted run of inserts (some replacing under a hash held, with another epoch)
        // and removes, in the vector and then in the map, each step compared with a map.
        let same = |kept: &Signatures, model: &HashMap<[u8; 32], KeptSignature>| {
            let mut held: Vec<&KeptSignature> = kept.values().collect();
            held.sort_by_key(|s| s.change_hash);
            let mut expected: Vec<&KeptSignature> = model.values().collect();
            expected.sort_by_key(|s| s.change_hash);
            assert_eq!(held, expected);
            for i in 0..20u8 {
                assert_eq!(kept.get(&[i; 32]), model.get(&[i; 32]));
                assert_eq!(kept.contains_key(&[i; 32]), model.contains_key(&[i; 32]));
            }
            // (The script never goes back under nine once a map: a map does not shrink.)
            assert_eq!(
                matches!(kept, Signatures::Few(_)),
                model.len() <= FEW_SIGNATURES,
                "a vector while few"
            );
        };
        let mut kept = Signatures::new();
        let mut model = HashMap::new();
        enum Step {
            Insert(u8, u32),
            Remove(u8),
        }
        use Step::{Insert, Remove};
        let script = [
            Insert(0, 0),
            Insert(1, 0),
            Insert(2, 0),
            Insert(1, 7), // replaces, in the vector
            Remove(0),
            Remove(9), // not held
            Insert(3, 0),
            Insert(4, 0),
            Insert(5, 0),
            Insert(6, 0),
            Insert(7, 0),
            Insert(8, 0),
            Insert(9, 0), // the ninth: now a map
            Insert(10, 0),
            Insert(2, 7), // replaces, in the map
            Remove(5),
            Remove(19), // not held
        ];
        for step in script {
            match step {
                Insert(i, epoch) => {
                    let mut s = signature(i);
                    s.epoch = epoch;
                    kept.insert(s.clone());
                    model.insert(s.change_hash, s);
                }
                Remove(i) => assert_eq!(kept.remove(&[i; 32]), model.remove(&[i; 32])),
            }
            same(&kept, &model);
        }
        assert!(matches!(kept, Signatures::Many(_)));
        assert_eq!(
            kept.get(&[1; 32]).map(|s| s.epoch),
            Some(7),
            "the last insert wins"
        );
        assert_eq!(kept.get(&[2; 32]).map(|s| s.epoch), Some(7));
    }

    fn setup() -> (NodeSigner, NodeSigner, Manifest) {
        let owner = NodeSigner::from_seed([1; 32]);
        let reader = NodeSigner::from_seed([2; 32]);
        let mut m = Manifest::new(
            CatalogId::new(owner.node_id(), "replication").unwrap(),
            BTreeMap::from([("en".into(), "Replication".into())]),
        );
        m.readers.insert(reader.node_id());
        (owner, reader, m)
    }

    #[test]
    fn publishing_writes_the_public_projection_and_nothing_local() {
        let (owner, _, m) = setup();
        let mut doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let r = record("Mobile care for rural elderly.");
        assert!(doc.publish(&r, &owner, 0).unwrap().is_some());
        assert_eq!(doc.record_json(), r.public_projection().unwrap());
        let bytes = doc.doc().unwrap().save_nocompress();
        assert!(
            !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
            "local-only data entered the document"
        );
    }

    #[test]
    fn a_saved_document_stays_compact_and_behaves_like_a_live_one() {
        let (owner, member, m) = setup();
        let mut doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let first = doc
            .publish(&record("Mobile care."), &owner, 0)
            .unwrap()
            .unwrap();
        let heads = doc.heads();
        let saved = doc.save();
        assert!(
            matches!(doc.state, DocState::Saved { .. }),
            "persisting compacts"
        );
        // Reads, heads and serving peers do not make it live again.
        assert_eq!(doc.heads(), heads);
        assert_eq!(
            doc.record_json(),
            record("Mobile care.").public_projection().unwrap()
        );
        assert_eq!(doc.changes_since(&[]).len(), 1);
        assert!(doc.changes_since(&heads).is_empty());
        assert_eq!(doc.history().len(), 1);
        assert!(matches!(doc.state, DocState::Saved { .. }));
        // Changes load it and keep working from where it was.
        let second = doc
            .publish(&record("Mobile care, now weekly."), &owner, 0)
            .unwrap()
            .unwrap();
        assert!(matches!(doc.state, DocState::Live(_)));
        let mut other = SharedDocument::new(m.id.clone(), "lv-samaritan", &member, 0);
        let report = other.apply(&[first, second], &m).unwrap();
        assert_eq!(report.applied, 2);
        assert_eq!(other.heads(), doc.heads());
        assert_ne!(doc.save(), saved);
    }

    #[test]
    fn a_new_document_keeps_the_chunks_it_received_as_its_saved_form() {
        let (owner, member, m) = setup();
        let mut source = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let made: Vec<SignedChange> = (0..3)
            .map(|i| {
                source
                    .publish(&record(&format!("Mobile care, version {i}.")), &owner, 0)
                    .unwrap()
                    .unwrap()
            })
            .collect();
        // Received all at once, out of their causal order.
        let mut other = SharedDocument::new(m.id.clone(), "lv-samaritan", &member, 0);
        let shuffled = [made[2].clone(), made[0].clone(), made[1].clone()];
        assert_eq!(other.apply(&shuffled, &m).unwrap().applied, 3);
        assert!(
            matches!(&other.state, DocState::LiveSaved { chunks: Some(c), .. } if c.len() == 3),
            "saved as received, beside the live document"
        );
        let in_causal_order: Vec<u8> = made.iter().flat_map(|c| c.bytes.clone()).collect();
        assert_eq!(other.save(), in_causal_order);
        assert_eq!(
            other.save(),
            source.save(),
            "what Automerge's own save makes"
        );
        assert_eq!(other.heads(), source.heads());
        assert_eq!(other.record_json(), source.record_json());
        // A document whose earlier changes Automerge queued for a missing dependency has no
        // heads either (the checks refuse a change on objects the document lacks, but one on
        // the root alone would queue): when the missing change releases them, the document is
        // saved from what Automerge holds, not as the one change received.
        let mut queued = SharedDocument::new(m.id.clone(), "lv-samaritan", &member, 0);
        let later = made[1..]
            .iter()
            .map(|c| automerge::Change::from_bytes(c.bytes.clone()).unwrap());
        queued.doc().unwrap().apply_changes(later).unwrap();
        assert!(queued.heads().is_empty(), "held back by Automerge");
        assert_eq!(queued.apply(&made[..1], &m).unwrap().applied, 1);
        assert_eq!(queued.heads(), source.heads(), "the queue was released");
        assert!(matches!(queued.state, DocState::Live(_)));
        assert_eq!(queued.save(), source.save());
        // The same change twice in one batch is kept once.
        let mut twice = SharedDocument::new(m.id.clone(), "lv-samaritan", &member, 0);
        twice
            .apply(&[made[0].clone(), made[0].clone()], &m)
            .unwrap();
        assert!(
            matches!(&twice.state, DocState::LiveSaved { chunks: Some(c), .. } if c.len() == 1)
        );
        assert_eq!(twice.save(), made[0].bytes);
        // A document that held something already is saved the usual way too.
        let mut known = SharedDocument::new(m.id.clone(), "lv-samaritan", &member, 0);
        known.apply(&made[..1], &m).unwrap();
        known.apply(&made[1..], &m).unwrap();
        assert!(matches!(known.state, DocState::Live(_)));
        assert_eq!(known.save(), source.save());
    }

    #[test]
    fn a_short_history_is_kept_as_its_change_chunks_and_served_without_a_load() {
        let (owner, member, m) = setup();
        let mut doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let mut made = Vec::new();
        for i in 0..MAX_CHANGES_KEPT_AS_CHUNKS {
            made.push(
                doc.publish(&record(&format!("Mobile care, version {i}.")), &owner, 0)
                    .unwrap()
                    .unwrap(),
            );
        }
        let saved = doc.save();
        let chunked = |d: &SharedDocument| matches!(&d.state, DocState::Saved { chunks: Some(c), .. } if c.len() == MAX_CHANGES_KEPT_AS_CHUNKS);
        assert!(chunked(&doc), "stored as its changes");
        // Served as stored, byte for byte what Automerge holds, in an order a peer can apply.
        let served = doc.changes_since(&[]);
        let mut bytes: Vec<&[u8]> = served.iter().map(|c| c.bytes.as_slice()).collect();
        let mut expected: Vec<&[u8]> = made.iter().map(|c| c.bytes.as_slice()).collect();
        bytes.sort_unstable();
        expected.sort_unstable();
        assert_eq!(bytes, expected);
        assert!(chunked(&doc), "serving did not load it");
        let mut peer = SharedDocument::new(m.id.clone(), "lv-samaritan", &member, 0);
        assert_eq!(peer.apply(&served, &m).unwrap().applied, served.len());
        assert_eq!(peer.record_json(), doc.record_json());
        // Signatures are kept without their ids and served whole, as they were made.
        let mut signed: Vec<ChangeSignature> = made.iter().map(|c| c.signature.clone()).collect();
        let mut served_signatures: Vec<ChangeSignature> =
            served.iter().map(|c| c.signature.clone()).collect();
        signed.sort_by_key(|s| s.change_hash);
        served_signatures.sort_by_key(|s| s.change_hash);
        assert_eq!(served_signatures, signed);
        // Read back from storage, the chunks are found again (and checked against the document).
        // A stored signature naming another document is not kept for this one.
        let mut signatures: Vec<_> = served.iter().map(|c| c.signature.clone()).collect();
        let mut foreign = signatures[0].clone();
        foreign.doc = "lv-other".into();
        foreign.change_hash = [7; 32];
        signatures.push(foreign);
        let mut loaded =
            SharedDocument::load(m.id.clone(), "lv-samaritan", &saved, signatures, &owner, 0)
                .unwrap();
        assert!(chunked(&loaded));
        assert_eq!(loaded.heads(), doc.heads());
        assert_eq!(loaded.changes_since(&[]).len(), served.len());
        assert!(!loaded.holds(&[7; 32]), "a foreign signature is dropped");
        assert_eq!(loaded.signatures().count(), served.len());
        // A damaged chunk is no chunk: the bytes are then judged by Automerge alone.
        let mut damaged = saved.clone();
        damaged[20] ^= 1;
        assert!(change_chunks(&damaged).is_none());
        // A longer history is compacted.
        doc.publish(&record("Mobile care, one more."), &owner, 0)
            .unwrap()
            .unwrap();
        doc.save();
        assert!(matches!(&doc.state, DocState::Saved { chunks: None, .. }));
        assert_eq!(doc.changes_since(&[]).len(), MAX_CHANGES_KEPT_AS_CHUNKS + 1);
    }

    #[test]
    fn an_edit_that_fails_halfway_leaves_the_document_as_it_was() {
        let (owner, _, m) = setup();
        let mut doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        doc.publish(&record("Mobile care for rural elderly."), &owner, 0)
            .unwrap()
            .unwrap();
        let before = doc.heads();
        let failed = doc.edit_on_own_base(&[owner.node_id()], &owner, 0, |d| {
            d.put(automerge::ROOT, "half", "written")?;
            Err(automerge::AutomergeError::Fail)
        });
        assert!(failed.is_err());
        assert_eq!(
            doc.heads(),
            before,
            "no unsigned change from the failed edit"
        );
        assert!(doc.to_json()["half"].is_null());
    }

    #[test]
    fn republishing_an_edit_makes_a_minimal_change_and_no_edit_makes_none() {
        let (owner, _, m) = setup();
        let mut doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let first = doc
            .publish(&record("Mobile care for rural elderly."), &owner, 0)
            .unwrap()
            .unwrap();
        assert!(
            doc.publish(&record("Mobile care for rural elderly."), &owner, 0)
                .unwrap()
                .is_none()
        );
        let edit = doc
            .publish(
                &record("Mobile care for elderly people in Latgale."),
                &owner,
                0,
            )
            .unwrap()
            .unwrap();
        // One op: the new summary text. Not a new copy of the record.
        let ops = |c: &SignedChange| {
            automerge::Change::from_bytes(c.bytes.clone())
                .unwrap()
                .len()
        };
        assert_eq!(
            ops(&edit),
            1,
            "edit: {} bytes, first: {} bytes",
            edit.bytes.len(),
            first.bytes.len()
        );
        assert!(ops(&first) > 10);
        let local = Record::from_json(
            &json!({"id": "x", "kind": "organisation", "name": {"lv": "X"},
            "country": "LV", "org_type": "foundation"}),
        )
        .unwrap();
        assert!(matches!(
            doc.publish(&local, &owner, 0),
            Err(DocumentError::NotShareable(_))
        ));
    }

    #[test]
    fn a_replica_applies_signed_changes_and_rejects_forgeries() {
        let (owner, reader, m) = setup();
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let c1 = origin.publish(&record("v1"), &owner, 0).unwrap().unwrap();
        let c2 = origin.publish(&record("v2"), &owner, 0).unwrap().unwrap();

        let mut replica = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        // Tampered bytes: the hash no longer matches.
        let mut tampered = c2.clone();
        let last = tampered.bytes.len() - 1;
        tampered.bytes[last] ^= 0x55;
        // A reader forging a change under its own actor (not a writer).
        let mut forger_doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        let forged = forger_doc
            .publish(&record("forged"), &reader, 0)
            .unwrap()
            .unwrap();
        // The owner's valid change re-signed by the reader (actor does not belong to the signer).
        let mut resigned = c1.clone();
        resigned.signature = ChangeSignature::sign(
            &reader,
            m.id.clone(),
            "lv-samaritan",
            c1.signature.change_hash,
            0,
        );
        // A valid change replayed under another document id.
        let mut elsewhere = c1.clone();
        elsewhere.signature.doc = "other-doc".into();

        let report = replica
            .apply(
                &[
                    tampered,
                    forged,
                    resigned,
                    elsewhere,
                    c1.clone(),
                    c2.clone(),
                ],
                &m,
            )
            .unwrap();
        assert_eq!(report.applied, 2);
        let reasons: Vec<_> = report
            .rejected
            .iter()
            .map(|(i, r)| (*i, r.to_string()))
            .collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(matches!(
            report.rejected[0].1,
            Rejection::Malformed(_) | Rejection::HashMismatch
        ));
        assert!(matches!(
            report.rejected[1].1,
            Rejection::Provenance(CatalogError::NotAllowed { .. })
        ));
        assert!(matches!(
            report.rejected[2].1,
            Rejection::Provenance(CatalogError::ActorMismatch { .. })
        ));
        assert!(matches!(
            report.rejected[3].1,
            Rejection::WrongDocument { .. }
        ));
        assert_eq!(replica.to_json(), origin.to_json());
        assert_eq!(replica.heads(), origin.heads());
    }

    #[test]
    fn honest_changes_never_build_on_another_members_so_an_equivocation_blocks_none() {
        let (owner, reader, mut m) = setup();
        let (liar, honest_writer) = (
            NodeSigner::from_seed([3; 32]),
            NodeSigner::from_seed([4; 32]),
        );
        m.writers.insert(liar.node_id());
        m.writers.insert(honest_writer.node_id());
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let base = origin.publish(&record("v1"), &owner, 0).unwrap().unwrap();
        let copy = |signer: &NodeSigner| {
            let mut d = SharedDocument::new(m.id.clone(), "lv-samaritan", signer, 0);
            d.apply(std::slice::from_ref(&base), &m).unwrap();
            d
        };
        let who = liar.node_id().to_string();
        let a = copy(&liar)
            .annotate(&who, "A", "t", &liar, 0)
            .unwrap()
            .unwrap();
        let b = copy(&liar)
            .annotate(&who, "B", "t", &liar, 0)
            .unwrap()
            .unwrap();
        // The owner holds A, and so does the honest writer; both write after it.
        origin.apply(std::slice::from_ref(&a), &m).unwrap();
        let edit = origin.publish(&record("v2"), &owner, 0).unwrap().unwrap();
        let mut at_writer = copy(&honest_writer);
        at_writer.apply(&[a.clone(), edit.clone()], &m).unwrap();
        let me = honest_writer.node_id().to_string();
        let note = at_writer
            .annotate(&me, "we replicate it", "t", &honest_writer, 0)
            .unwrap()
            .unwrap();
        let deps = |c: &SignedChange| {
            automerge::Change::from_bytes(c.bytes.clone())
                .unwrap()
                .deps()
                .iter()
                .map(|d| d.0)
                .collect::<Vec<_>>()
        };
        assert!(!deps(&edit).contains(&a.signature.change_hash));
        assert!(!deps(&note).contains(&a.signature.change_hash));
        // A node on the other half (it took B) takes every honest change.
        let mut other_half = copy(&reader);
        other_half.apply(std::slice::from_ref(&b), &m).unwrap();
        let report = other_half.apply(&[a, edit, note], &m).unwrap();
        assert_eq!(report.applied, 2, "{:?}", report.rejected);
        assert_eq!(report.rejected[0].1.code(), "equivocation");
        let json = other_half.to_json();
        assert_eq!(json["summary"]["en"], "v2");
        assert_eq!(json[ANNOTATIONS][&me]["text"], "we replicate it");
        // The owner's own view still holds everything it received.
        assert_eq!(origin.to_json()[ANNOTATIONS][&who]["text"], "A");
    }

    #[test]
    fn an_equivocating_change_is_refused_and_does_not_sink_the_honest_ones_beside_it() {
        let (owner, reader, mut m) = setup();
        let writer = NodeSigner::from_seed([3; 32]);
        m.writers.insert(writer.node_id());
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let base = origin.publish(&record("v1"), &owner, 0).unwrap().unwrap();
        // The writer annotates from two copies of the same state: two different changes with
        // one actor and sequence number.
        let mut fork_a = SharedDocument::new(m.id.clone(), "lv-samaritan", &writer, 0);
        let mut fork_b = SharedDocument::new(m.id.clone(), "lv-samaritan", &writer, 0);
        for fork in [&mut fork_a, &mut fork_b] {
            fork.apply(std::slice::from_ref(&base), &m).unwrap();
        }
        let who = writer.node_id().to_string();
        let a = fork_a
            .annotate(&who, "A", "t", &writer, 0)
            .unwrap()
            .unwrap();
        let b = fork_b
            .annotate(&who, "B", "t", &writer, 0)
            .unwrap()
            .unwrap();
        assert_ne!(a.signature.change_hash, b.signature.change_hash);
        let honest = origin.publish(&record("v2"), &owner, 0).unwrap().unwrap();

        let mut replica = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        let first = replica.apply(&[base.clone(), a.clone()], &m).unwrap();
        assert_eq!(first.applied, 2);
        // Before the fix, the duplicate sequence number refused the whole batch, honest included.
        let second = replica.apply(&[b.clone(), honest.clone()], &m).unwrap();
        assert_eq!(second.applied, 1, "{:?}", second.rejected);
        assert_eq!(second.rejected.len(), 1);
        assert_eq!(second.rejected[0].0, 0);
        assert_eq!(second.rejected[0].1.code(), "equivocation");
        assert_eq!(replica.record_json()["summary"]["en"], "v2");
        // The refused change is never offered onwards.
        let relayed: Vec<_> = replica
            .changes_since(&[])
            .into_iter()
            .map(|c| c.signature.change_hash)
            .collect();
        assert!(relayed.contains(&a.signature.change_hash));
        assert!(!relayed.contains(&b.signature.change_hash));

        // Both in one batch, to a replica holding neither: the first is taken, the second
        // refused, and the honest change after them still applies.
        let mut fresh = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        let both = fresh
            .apply(&[base, b.clone(), a.clone(), honest], &m)
            .unwrap();
        assert_eq!(both.applied, 3, "{:?}", both.rejected);
        assert_eq!(both.rejected.len(), 1);
        assert_eq!(both.rejected[0].0, 2);
        assert_eq!(both.rejected[0].1.code(), "equivocation");
        assert_eq!(fresh.record_json()["summary"]["en"], "v2");
        // Sent again (a peer on the other branch does, at every session): refused again, and
        // nothing else changes.
        let heads = fresh.heads();
        let again = fresh.apply(&[a], &m).unwrap();
        assert_eq!(again.applied, 0);
        assert_eq!(again.rejected[0].1.code(), "equivocation");
        assert_eq!(fresh.heads(), heads);
    }

    #[test]
    fn a_compressed_change_is_refused_before_it_inflates_past_the_bound() {
        let bomb = deflate_bomb(MAX_INFLATED_CHANGE_BYTES + 1024 * 1024).unwrap();
        assert!(bomb.len() < 8 * 1024, "{} bytes on the wire", bomb.len());
        assert_eq!(
            decode(&bomb).unwrap_err(),
            Rejection::InflatesTooLarge {
                limit: MAX_INFLATED_CHANGE_BYTES
            }
        );
        assert_eq!(decode(&bomb).unwrap_err().code(), "too_large");
        // Under the bound the same kind of chunk reaches Automerge's decoder, which judges it
        // (zeros are no change): the bound, not the shape, refused the one above.
        let small = deflate_bomb(64 * 1024).unwrap();
        assert!(matches!(decode(&small), Err(Rejection::Malformed(_))));
        // An honest change still decodes, as sent (uncompressed) and compressed by Automerge
        // (another implementation may send it so).
        let (owner, _reader, m) = setup();
        let mut doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let big = record(&"long summary ".repeat(150));
        let change = doc.publish(&big, &owner, 0).unwrap().unwrap();
        let mut decoded = decode(&change.bytes).unwrap();
        let compressed = decoded.bytes().into_owned();
        assert_eq!(
            compressed[8], CHUNK_COMPRESSED_CHANGE,
            "Automerge compressed it"
        );
        assert_eq!(decode(&compressed).unwrap().hash(), decoded.hash());
    }

    #[test]
    fn a_writer_writes_only_its_own_annotation_and_nobody_writes_anothers() {
        let (owner, reader, mut m) = setup();
        let (w1, w2) = (
            NodeSigner::from_seed([3; 32]),
            NodeSigner::from_seed([4; 32]),
        );
        m.writers.insert(w1.node_id());
        m.writers.insert(w2.node_id());
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let first = origin.publish(&record("v1"), &owner, 0).unwrap().unwrap();
        let copy = |signer: &NodeSigner| {
            let mut d = SharedDocument::new(m.id.clone(), "lv-samaritan", signer, 0);
            assert_eq!(
                d.apply(std::slice::from_ref(&first), &m).unwrap().applied,
                1
            );
            d
        };
        let (mut at_w1, mut at_w2) = (copy(&w1), copy(&w2));
        let (id1, id2) = (w1.node_id().to_string(), w2.node_id().to_string());
        let own = at_w1
            .annotate(&id1, "we replicate this", "t", &w1, 0)
            .unwrap()
            .unwrap();
        let w2_own = at_w2
            .annotate(&id2, "so do we", "t", &w2, 0)
            .unwrap()
            .unwrap();
        // A writer rewriting the owner's record, with a later `updated_at`.
        let hijack = copy(&w1)
            .publish(&record("hijacked"), &w1, 0)
            .unwrap()
            .unwrap();
        // A writer writing into another member's annotation.
        let mut at_w1b = copy(&w1);
        at_w1b.apply(std::slice::from_ref(&w2_own), &m).unwrap();
        let theirs = at_w1b
            .annotate(&id2, "overwritten", "t", &w1, 0)
            .unwrap()
            .unwrap();
        // A writer creating a document of its own in the owner's catalogue.
        let created = SharedDocument::new(m.id.clone(), "lv-samaritan", &w1, 1)
            .publish(&record("mine now"), &w1, 0)
            .unwrap()
            .unwrap();
        // A writer deleting the annotations map (everyone's annotations).
        let mut at_w1c = copy(&w1);
        at_w1c
            .doc()
            .unwrap()
            .delete(automerge::ROOT, ANNOTATIONS)
            .unwrap();
        let wipe = at_w1c.commit_signed(&w1, 0).unwrap().unwrap();
        // The owner editing a writer's annotation.
        let mut at_owner = copy(&owner);
        at_owner.apply(std::slice::from_ref(&own), &m).unwrap();
        let owner_edit = at_owner
            .annotate(&id1, "edited by owner", "t", &owner, 0)
            .unwrap()
            .unwrap();

        let mut replica = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        let batch = [
            first.clone(),
            hijack,
            own.clone(),
            theirs,
            created,
            wipe,
            owner_edit,
            w2_own.clone(),
        ];
        let report = replica.apply(&batch, &m).unwrap();
        let refused: Vec<usize> = report.rejected.iter().map(|(i, _)| *i).collect();
        assert_eq!(refused, vec![1, 3, 4, 5, 6], "{:?}", report.rejected);
        for (_, why) in &report.rejected {
            assert_eq!(why.code(), "out_of_scope", "{why}");
        }
        assert_eq!(report.applied, 3);
        let json = replica.to_json();
        assert_eq!(json["summary"]["en"], "v1");
        assert_eq!(json[ANNOTATIONS][&id1]["text"], "we replicate this");
        assert_eq!(json[ANNOTATIONS][&id2]["text"], "so do we");
        // Refused changes are neither held nor relayed.
        assert_eq!(replica.changes_since(&[]).len(), 3);
    }

    #[test]
    fn a_writers_nesting_10000_deep_in_its_own_annotation_is_refused_as_too_large() {
        let (owner, reader, mut m) = setup();
        let writer = NodeSigner::from_seed([3; 32]);
        m.writers.insert(writer.node_id());
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let first = origin.publish(&record("v1"), &owner, 0).unwrap().unwrap();
        let mut at_writer = SharedDocument::new(m.id.clone(), "lv-samaritan", &writer, 0);
        at_writer.apply(std::slice::from_ref(&first), &m).unwrap();
        let me = writer.node_id().to_string();
        let doc = at_writer.doc().unwrap();
        let (_, annotations) = doc.get(automerge::ROOT, ANNOTATIONS).unwrap().unwrap();
        let mut at = doc
            .put_object(&annotations, me.as_str(), ObjType::Map)
            .unwrap();
        for _ in 0..10_000 {
            at = doc.put_object(&at, "n", ObjType::Map).unwrap();
        }
        let deep = at_writer.commit_signed(&writer, 0).unwrap().unwrap();
        let mut replica = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        let report = replica.apply(&[first, deep], &m).unwrap();
        assert_eq!(report.applied, 1);
        assert!(
            matches!(report.rejected[..], [(1, Rejection::TooDeep { .. })]),
            "{:?}",
            report.rejected
        );
    }

    #[test]
    fn a_writer_cannot_give_a_document_more_heads_than_a_message_may_carry() {
        let (owner, reader, mut m) = setup();
        let writer = NodeSigner::from_seed([3; 32]);
        m.writers.insert(writer.node_id());
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let first = origin.publish(&record("v1"), &owner, 0).unwrap().unwrap();
        let me = writer.node_id().to_string();
        // One concurrent annotation per actor epoch, each on the owner's first change only.
        let concurrent: Vec<SignedChange> = (0..=MAX_HEADS as u32)
            .map(|epoch| {
                let mut d = SharedDocument::new(m.id.clone(), "lv-samaritan", &writer, epoch);
                d.apply(std::slice::from_ref(&first), &m).unwrap();
                d.annotate(&me, &format!("epoch {epoch}"), "t", &writer, 0)
                    .unwrap()
                    .unwrap()
            })
            .collect();
        let mut replica = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        replica.apply(std::slice::from_ref(&first), &m).unwrap();
        let report = replica.apply(&concurrent[..MAX_HEADS], &m).unwrap();
        assert_eq!(report.applied, MAX_HEADS, "{:?}", report.rejected);
        assert_eq!(replica.heads().len(), MAX_HEADS);
        let report = replica.apply(&concurrent[MAX_HEADS..], &m).unwrap();
        assert_eq!(report.applied, 0);
        assert!(matches!(
            report.rejected[..],
            [(0, Rejection::TooManyHeads { .. })]
        ));
        assert_eq!(replica.heads().len(), MAX_HEADS, "rolled back");
        assert_eq!(replica.changes_since(&[]).len(), 1 + MAX_HEADS);
    }

    #[test]
    fn a_member_has_a_bounded_number_of_changes_per_document_and_the_owner_none() {
        let (owner, reader, mut m) = setup();
        let writer = NodeSigner::from_seed([3; 32]);
        m.writers.insert(writer.node_id());
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let mut all = vec![origin.publish(&record("v0"), &owner, 0).unwrap().unwrap()];
        let mut at_writer = SharedDocument::new(m.id.clone(), "lv-samaritan", &writer, 0);
        at_writer.apply(&all, &m).unwrap();
        let me = writer.node_id().to_string();
        for k in 0..MAX_CHANGES_PER_MEMBER + 5 {
            all.push(
                at_writer
                    .annotate(&me, &format!("note {k}"), "t", &writer, 0)
                    .unwrap()
                    .unwrap(),
            );
        }
        for k in 1..=5 {
            all.push(
                origin
                    .publish(&record(&format!("v{k}")), &owner, 0)
                    .unwrap()
                    .unwrap(),
            );
        }
        let mut replica = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
        let report = replica.apply(&all, &m).unwrap();
        let refused: Vec<usize> = report.rejected.iter().map(|(i, _)| *i).collect();
        // The writer's last five are refused; every owner change is kept.
        assert_eq!(
            refused,
            (1 + MAX_CHANGES_PER_MEMBER..1 + MAX_CHANGES_PER_MEMBER + 5).collect::<Vec<_>>()
        );
        assert!(
            report
                .rejected
                .iter()
                .all(|(_, r)| matches!(r, Rejection::TooManyChanges { .. }))
        );
        assert_eq!(replica.record_json()["summary"]["en"], "v5");
        let json = replica.to_json();
        assert_eq!(
            json[ANNOTATIONS][&me]["text"],
            format!("note {}", MAX_CHANGES_PER_MEMBER - 1)
        );
    }

    #[test]
    fn a_document_nested_10000_deep_reads_without_overflowing_the_stack() {
        use automerge::transaction::Transactable;
        let mut doc = AutoCommit::new();
        let mut at = doc
            .put_object(automerge::ROOT, "deep", ObjType::Map)
            .unwrap();
        for _ in 0..10_000 {
            at = doc.put_object(&at, "n", ObjType::Map).unwrap();
        }
        // Run where a stack overflow would show: a thread with a small stack.
        let read = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || read_map(&doc, &automerge::ROOT, 0))
            .unwrap()
            .join()
            .expect("reading did not overflow");
        let mut depth = 0;
        let mut v = &read["deep"];
        while let Some(next) = v.get("n") {
            v = next;
            depth += 1;
        }
        assert_eq!(depth, MAX_READ_DEPTH);
        assert!(v.is_null());
    }

    /// One step of a random history: the owner publishes a summary, or a writer annotates.
    #[derive(Debug, Clone)]
    enum Step {
        Publish(String),
        Annotate(usize, String),
    }

    fn step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            "[a-z]{1,12}".prop_map(Step::Publish),
            (0usize..2, "[a-z]{1,8}").prop_map(|(w, t)| Step::Annotate(w, t)),
        ]
    }

    /// Plays `steps` on an owner's document and two writers' copies (each writer syncs from
    /// the owner before writing), returning the owner's merged document and every signed
    /// change made.
    fn history(steps: &[Step]) -> (Manifest, SharedDocument, Vec<SignedChange>) {
        let (owner, _, mut m) = setup();
        let writers = [
            NodeSigner::from_seed([3; 32]),
            NodeSigner::from_seed([4; 32]),
        ];
        for w in &writers {
            m.writers.insert(w.node_id());
        }
        let mut origin = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        let mut all = vec![
            origin
                .publish(&record("first"), &owner, 0)
                .unwrap()
                .expect("a first change"),
        ];
        let mut copies: Vec<SharedDocument> = writers
            .iter()
            .map(|w| SharedDocument::new(m.id.clone(), "lv-samaritan", w, 0))
            .collect();
        for s in steps {
            let made = match s {
                Step::Publish(text) => origin.publish(&record(text), &owner, 0).unwrap(),
                Step::Annotate(w, text) => {
                    copies[*w].apply(&all, &m).unwrap();
                    let who = writers[*w].node_id().to_string();
                    copies[*w]
                        .annotate(&who, text, "t", &writers[*w], 0)
                        .unwrap()
                }
            };
            if let Some(c) = made {
                origin.apply(std::slice::from_ref(&c), &m).unwrap();
                all.push(c);
            }
        }
        (m, origin, all)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever order changes arrive in, with duplicates and with some lost on the way
        /// (then repaired by a later full exchange), a replica ends identical to the origin.
        #[test]
        fn replicas_converge_under_any_delivery_order_with_duplicates_and_drops(
            steps in proptest::collection::vec(step(), 0..12),
            order in proptest::collection::vec(0usize..1000, 0..40),
            dropped in proptest::collection::vec(proptest::bool::ANY, 40),
        ) {
            let (m, mut origin, all) = history(&steps);
            let reader = NodeSigner::from_seed([2; 32]);
            let mut replica = SharedDocument::new(m.id.clone(), "lv-samaritan", &reader, 0);
            // First pass: a shuffled delivery with repeats, some dropped.
            let mut first: Vec<SignedChange> = order
                .iter()
                .enumerate()
                .filter(|(k, _)| !dropped[*k])
                .map(|(_, i)| all[i % all.len()].clone())
                .collect();
            first.reverse();
            for c in &first {
                // A change that arrives before the object it writes into was made cannot be
                // placed, so it is refused and comes again with its dependencies.
                let report = replica.apply(std::slice::from_ref(c), &m).unwrap();
                proptest::prop_assert!(
                    report.rejected.iter().all(|(_, r)| r.code() == "missing_dependencies"),
                    "{:?}",
                    report.rejected
                );
            }
            // Anti-entropy: what the replica lacks, from its heads.
            let missing = origin.changes_since(&replica.heads());
            replica.apply(&missing, &m).unwrap();
            // Heads a replica does not know are ignored, so a diverged one may still lack
            // some: a second exchange from no heads completes it (applying is idempotent).
            if replica.heads() != origin.heads() {
                replica.apply(&origin.changes_since(&[]), &m).unwrap();
            }
            proptest::prop_assert_eq!(replica.heads(), origin.heads());
            proptest::prop_assert_eq!(replica.to_json(), origin.to_json());
        }

        /// A document saved and loaded again reads, heads and history the same.
        #[test]
        fn a_document_survives_save_and_load(steps in proptest::collection::vec(step(), 0..12)) {
            let (m, mut origin, all) = history(&steps);
            let bytes = origin.save();
            let signatures: Vec<ChangeSignature> = origin.signatures().collect();
            let reader = NodeSigner::from_seed([2; 32]);
            let mut loaded =
                SharedDocument::load(m.id.clone(), "lv-samaritan", &bytes, signatures, &reader, 0)
                    .unwrap();
            proptest::prop_assert_eq!(loaded.to_json(), origin.to_json());
            proptest::prop_assert_eq!(loaded.heads(), origin.heads());
            proptest::prop_assert_eq!(loaded.changes_since(&[]).len(), all.len());
        }
    }

    #[test]
    fn a_saved_document_loads_back_identical() {
        let (owner, _, m) = setup();
        let mut doc = SharedDocument::new(m.id.clone(), "lv-samaritan", &owner, 0);
        doc.publish(&record("v1"), &owner, 0).unwrap();
        let bytes = doc.save();
        let signatures = doc.signatures().collect();
        let mut loaded =
            SharedDocument::load(m.id.clone(), "lv-samaritan", &bytes, signatures, &owner, 0)
                .unwrap();
        assert_eq!(loaded.to_json(), doc.to_json());
        assert_eq!(loaded.heads(), doc.heads());
        assert_eq!(loaded.changes_since(&[]).len(), 1);
    }
}
