//! A node's copy of one catalogue: its manifest, its documents and its tombstones. Pure state;
//! sessions decide what to exchange, the engine persists what [`Replica::take_dirty`] reports.

use super::document::{self, DocumentError, Rejection, SharedDocument, SignedChange};
use crate::parallel::on_every_core;
use sicc_protocol::catalog::{
    CatalogError, CatalogId, ChangeSignature, Manifest, SignedManifest, Tombstone,
};
use sicc_protocol::identity::{NodeId, NodeSigner};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{self, DocHeads, WireChange, WireTombstone};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

/// One catalogue as held by one node.
#[derive(Debug)]
pub struct Replica {
    manifest: SignedManifest,
    /// The catalogue's id, one copy shared by every document (the manifest's never changes).
    catalog: Arc<CatalogId>,
    docs: BTreeMap<String, SharedDocument>,
    tombstones: BTreeMap<String, Tombstone>,
    signer: Arc<NodeSigner>,
    epoch: u32,
    dirty: Dirty,
    limits: CatalogLimits,
    /// Bytes of the documents as last stored (each document keeps its own): the catalogue's
    /// share of the disk, bounded by `limits.bytes`.
    stored_total: u64,
    /// The digest as last computed; every method that can change a document, a tombstone or
    /// the manifest clears it. Sessions compute the digest on both sides each time: over
    /// 10,000 documents that was most of a no-op session's time (`perf`, sicc-bench).
    cached_digest: Option<[u8; 32]>,
    /// The documents kept live after they were saved, oldest first, within [`LIVE_DOCS`] and
    /// [`LIVE_STORED_BYTES`].
    kept_live: std::collections::VecDeque<String>,
}

/// Documents a replica keeps live (beside their save) after persisting them: the sessions after
/// a heal apply and serve the same documents page after page, and loading a long history
/// each time cost more than checking its changes (`perf`, `sicc-bench --only convergence`).
pub const LIVE_DOCS: usize = 64;
/// And at most this many bytes of their stored form: a member may grow a document to
/// thousands of changes, and the live form of one takes several times its save.
pub const LIVE_STORED_BYTES: u64 = 1 << 20;

/// Caps on what a node keeps of one catalogue (`[limits]` in the configuration): a hostile
/// owner or member cannot make a node hold without bound. Past a cap, changes are refused
/// as `too_large`; what is held stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogLimits {
    /// Most documents.
    pub docs: usize,
    /// Most bytes of stored documents; checked before each batch, so one batch may pass it
    /// by at most one frame's worth.
    pub bytes: u64,
    /// Most changes of one member other than the owner in one document.
    pub changes_per_member: usize,
}

impl Default for CatalogLimits {
    fn default() -> Self {
        CatalogLimits {
            docs: MAX_DOCS_PER_CATALOG,
            bytes: MAX_BYTES_PER_CATALOG,
            changes_per_member: document::MAX_CHANGES_PER_MEMBER,
        }
    }
}

/// What changed since the last [`Replica::take_dirty`]: what the engine must persist.
#[derive(Debug, Default)]
pub struct Dirty {
    /// The manifest was replaced.
    pub manifest: bool,
    /// Documents created or changed.
    pub docs: BTreeSet<String>,
    /// Documents erased (their tombstones are new).
    pub erased: BTreeSet<String>,
    /// Documents among `docs` that are new to this replica.
    pub created: BTreeSet<String>,
    /// Documents among `docs` that received, from a peer, changes this node signed itself:
    /// its own writes coming back after it lost them (restored from a backup).
    pub returned: BTreeSet<String>,
}

impl Dirty {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.manifest && self.docs.is_empty() && self.erased.is_empty()
    }
}

/// One document in stored form: its id, its Automerge save, its encoded change signatures.
pub type ExportedDoc = (String, Vec<u8>, Vec<Vec<u8>>);

/// A stored replica could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("stored tombstone of `{0}` is damaged")]
    Tombstone(String),
}

/// Why a local operation on a replica failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("`{0}` was erased from this catalogue; erased entries never come back")]
    Erased(String),
    #[error("`{0}` is not in this catalogue")]
    NoSuchDocument(String),
    #[error("this node may not {0} in catalogue {1}")]
    NotAllowed(&'static str, String),
}

/// A change or tombstone refused (never applied, never relayed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The document it was for.
    pub doc: String,
    /// Stable code, for counting: `erased`, `malformed`, `too_large`, `wrong_document`,
    /// `hash_mismatch`, `bad_signature`, `not_allowed`, `actor_mismatch`.
    pub code: &'static str,
    /// For people.
    pub reason: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.doc, self.reason)
    }
}

impl Rejected {
    fn new(doc: &str, code: &'static str, reason: impl Into<String>) -> Rejected {
        Rejected {
            doc: doc.to_owned(),
            code,
            reason: reason.into(),
        }
    }
}

/// Default for the most documents a node keeps of one catalogue: a hostile owner cannot make
/// a subscriber hold without bound (the product's goal is 100,000 records in a catalogue).
pub const MAX_DOCS_PER_CATALOG: usize = 200_000;

/// Default for the most bytes of stored documents a node keeps of one catalogue (4 GiB: a
/// catalogue of 100,000 records with long histories stays well under it).
pub const MAX_BYTES_PER_CATALOG: u64 = 4 << 30;

/// What applying a batch of wire changes did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Changes that passed every check and were applied.
    pub applied: usize,
    /// Changes the documents already held, skipped unchecked (see [`ApplyReport::held`]).
    pub held: usize,
    /// Changes and tombstones refused.
    pub rejected: Vec<Rejected>,
}

impl Applied {
    /// Adds another report to this one.
    pub fn merge(&mut self, other: Applied) {
        self.applied += other.applied;
        self.held += other.held;
        self.rejected.extend(other.rejected);
    }
}

/// Changes for a peer, cut to one message's budget.
#[derive(Debug, Default)]
pub struct Outgoing {
    pub changes: Vec<WireChange>,
    /// Some changes did not fit.
    pub more: bool,
    bytes: usize,
}

impl Outgoing {
    /// Adds changes until the message budget is reached; returns false once it is.
    pub fn add(&mut self, changes: Vec<WireChange>) -> bool {
        for c in changes {
            let size = c.change.len() + c.signature.len() + c.doc.len() + 128;
            if !self.changes.is_empty()
                && (self.bytes + size > wire::CHANGES_BUDGET_BYTES
                    || self.changes.len() >= wire::MAX_CHANGES_PER_MESSAGE)
            {
                self.more = true;
                return false;
            }
            self.bytes += size;
            self.changes.push(c);
        }
        true
    }
}

impl Replica {
    /// A replica of the catalogue `manifest` describes, held by `signer`'s node in `epoch`.
    pub fn new(manifest: SignedManifest, signer: Arc<NodeSigner>, epoch: u32) -> Replica {
        Replica {
            catalog: Arc::new(manifest.manifest.id.clone()),
            manifest,
            docs: BTreeMap::new(),
            tombstones: BTreeMap::new(),
            signer,
            epoch,
            dirty: Dirty {
                manifest: true,
                ..Dirty::default()
            },
            limits: CatalogLimits::default(),
            stored_total: 0,
            cached_digest: None,
            kept_live: std::collections::VecDeque::new(),
        }
    }

    /// The same replica, keeping at most what `limits` allows from now on.
    pub fn with_limits(mut self, limits: CatalogLimits) -> Replica {
        self.limits = limits;
        self
    }

    /// Moves the documents (and the maps holding them and the tombstones) into new
    /// allocations made by the calling thread. A sync allocates what documents keep (about 1.5 KB each) on the
    /// threads that apply pages, between the frames, decoded changes and records it frees
    /// again: once it is over, the allocator's pages stay resident with a few kept blocks
    /// each. Called on a new thread after a burst, this packs them in fresh pages and leaves
    /// the old ones empty, for the memory release to hand back (`crate::memory`).
    pub fn reallocate(&mut self) {
        let docs = std::mem::take(&mut self.docs);
        self.docs = docs
            .into_iter()
            .map(|(id, mut doc)| {
                doc.reallocate();
                (id.as_str().to_owned(), doc)
            })
            .collect();
        self.tombstones = std::mem::take(&mut self.tombstones).into_iter().collect();
    }

    /// Bytes of this catalogue's documents as last stored.
    pub fn stored_bytes(&self) -> u64 {
        self.stored_total
    }

    /// Records the stored size of `doc`, a document the replica holds.
    fn set_stored(&mut self, doc: &str, bytes: u64) {
        if let Some(d) = self.docs.get_mut(doc) {
            self.stored_total = self.stored_total - d.stored_bytes() + bytes;
            d.set_stored_bytes(bytes);
        }
    }

    /// Drops `doc` and its share of the stored bytes.
    fn remove_doc(&mut self, doc: &str) {
        if let Some(d) = self.docs.remove(doc) {
            self.stored_total -= d.stored_bytes();
        }
    }

    /// Rebuilds a replica from its stored form (the inverse of [`Replica::export_doc`],
    /// [`Replica::manifest_bytes`] and [`Replica::tombstone_bytes`]).
    pub fn restore(
        manifest: &[u8],
        docs: impl IntoIterator<Item = ExportedDoc>,
        tombstones: impl IntoIterator<Item = (String, Vec<u8>)>,
        signer: Arc<NodeSigner>,
        epoch: u32,
    ) -> Result<Replica, RestoreError> {
        let manifest = SignedManifest::decode(manifest)?;
        let mut replica = Replica::new(manifest, signer, epoch);
        let catalog = Arc::clone(&replica.catalog);
        let mut loaded = Vec::new();
        for (id, save, signatures) in docs {
            // Counted as `export_docs` counts it: the save and its encoded signatures.
            let stored = save.len() + signatures.iter().map(Vec::len).sum::<usize>();
            let signatures = signatures
                .iter()
                .map(|s| ChangeSignature::decode(s))
                .collect::<Result<Vec<_>, _>>()?;
            let mut doc = SharedDocument::load(
                Arc::clone(&catalog),
                &id,
                &save,
                signatures,
                &replica.signer,
                epoch,
            )?;
            doc.set_stored_bytes(stored as u64);
            loaded.push((id, doc));
        }
        // Built in one go, its nodes full: filled one insert at a time in key order, a map
        // leaves its nodes a little over half full (about 150 bytes more for each document).
        // Of an id stored twice, the last is kept, as inserting would.
        replica.docs = loaded.into_iter().collect();
        replica.stored_total = replica
            .docs
            .values()
            .map(SharedDocument::stored_bytes)
            .sum();
        for (doc, bytes) in tombstones {
            let t = serde_json::from_slice::<WireTombstone>(&bytes)
                .ok()
                .and_then(|w| w.tombstone(&catalog))
                .ok_or_else(|| RestoreError::Tombstone(doc.clone()))?;
            replica.tombstones.insert(doc, t);
        }
        replica.dirty = Dirty::default();
        replica.cached_digest = None;
        Ok(replica)
    }

    /// The stored form of the manifest.
    pub fn manifest_bytes(&self) -> Vec<u8> {
        self.manifest.encode()
    }

    /// The stored form of one document, if the replica holds it ([`Replica::export_docs`] for
    /// one, on the calling thread).
    pub fn export_doc(&mut self, doc: &str) -> Option<ExportedDoc> {
        let one = BTreeSet::from([doc.to_owned()]);
        self.export_docs(&one, |_| false)
            .pop()
            .map(|(exported, _)| exported)
    }

    /// The stored form of each named document the replica holds, in order, each with its
    /// content read first when `with_json` says so. The documents are read and saved on every
    /// core (each is its own state; the results are those of one after the other).
    pub fn export_docs(
        &mut self,
        docs: &BTreeSet<String>,
        with_json: impl Fn(&str) -> bool + Sync,
    ) -> Vec<(ExportedDoc, Option<serde_json::Value>)> {
        let ids: Vec<&str> = docs.iter().map(String::as_str).collect();
        let exported = on_every_core(docs_mut(&mut self.docs, &ids), |(id, d)| {
            // Read before saving: the document is live now.
            let json = with_json(id).then(|| d.to_json());
            let signatures: Vec<Vec<u8>> = d.signatures().map(|s| s.encode()).collect();
            let save = d.save_kept_live();
            ((id.to_owned(), save, signatures), json)
        });
        for ((id, save, signatures), _) in &exported {
            let bytes = save.len() + signatures.iter().map(Vec::len).sum::<usize>();
            self.set_stored(id, bytes as u64);
            self.keep_live(id);
        }
        exported
    }

    /// Notes that `doc` was just used live; the least recently used beyond [`LIVE_DOCS`] or
    /// [`LIVE_STORED_BYTES`] go back to their saved form only (the one just used stays).
    fn keep_live(&mut self, doc: &str) {
        if let Some(at) = self.kept_live.iter().position(|d| d == doc) {
            self.kept_live.remove(at);
        }
        self.kept_live.push_back(doc.to_owned());
        let stored = |r: &Replica| -> u64 {
            r.kept_live
                .iter()
                .filter_map(|d| Some(r.docs.get(d)?.stored_bytes()))
                .sum()
        };
        while self.kept_live.len() > 1
            && (self.kept_live.len() > LIVE_DOCS || stored(self) > LIVE_STORED_BYTES)
        {
            if let Some(old) = self.kept_live.pop_front()
                && let Some(d) = self.docs.get_mut(&old)
            {
                d.unload();
            }
        }
    }

    /// The stored form of one tombstone.
    pub fn tombstone_bytes(&self, doc: &str) -> Option<Vec<u8>> {
        self.tombstones
            .get(doc)
            .map(|t| serde_json::to_vec(&WireTombstone::new(t)).expect("serialises"))
    }

    /// What changed since the last call.
    pub fn take_dirty(&mut self) -> Dirty {
        std::mem::take(&mut self.dirty)
    }

    /// The manifest in force.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest.manifest
    }

    /// The manifest in force, with its signature.
    pub fn signed_manifest(&self) -> &SignedManifest {
        &self.manifest
    }

    /// Replaces the manifest with a newer one signed by someone allowed to (SPEC.md §3).
    pub fn adopt_manifest(&mut self, newer: SignedManifest) -> Result<(), CatalogError> {
        self.cached_digest = None;
        newer.accept_after(Some(&self.manifest))?;
        self.manifest = newer;
        self.dirty.manifest = true;
        Ok(())
    }

    /// Whether this node may write documents here.
    fn check_may(&self, action: &'static str, allowed: bool) -> Result<(), ReplicaError> {
        if allowed {
            Ok(())
        } else {
            Err(ReplicaError::NotAllowed(
                action,
                self.manifest().id.to_string(),
            ))
        }
    }

    /// Publishes (or re-publishes) a record into its document; returns the signed change, if
    /// anything changed.
    /// `time` is the change's time (Unix seconds).
    pub fn publish(
        &mut self,
        record: &Record,
        time: i64,
    ) -> Result<Option<SignedChange>, ReplicaError> {
        self.cached_digest = None;
        let doc_id = record.id.to_string();
        self.check_may("publish", self.manifest().may_write(&self.signer.node_id()))?;
        if self.tombstones.contains_key(&doc_id) {
            return Err(ReplicaError::Erased(doc_id));
        }
        let catalog = Arc::clone(&self.catalog);
        let (signer, epoch) = (self.signer.clone(), self.epoch);
        let doc = self
            .docs
            .entry(doc_id.clone())
            .or_insert_with(|| SharedDocument::new(catalog, &doc_id, &signer, epoch));
        let change = doc.publish(record, &self.signer, time);
        if doc.heads().is_empty() {
            self.remove_doc(&doc_id);
        }
        let change = change?;
        if change.is_some() {
            self.dirty.docs.insert(doc_id);
        } else if self.docs.contains_key(&doc_id) {
            // Nothing changed, so nothing will be persisted: counted among those kept live.
            self.keep_live(&doc_id);
        }
        Ok(change)
    }

    /// Writes this node's annotation on a document.
    pub fn annotate(
        &mut self,
        doc_id: &str,
        text: &str,
        at: &str,
        time: i64,
    ) -> Result<Option<SignedChange>, ReplicaError> {
        self.cached_digest = None;
        let me = self.signer.node_id();
        self.check_may("annotate", self.manifest().may_write(&me))?;
        let doc = self
            .docs
            .get_mut(doc_id)
            .ok_or_else(|| ReplicaError::NoSuchDocument(doc_id.to_owned()))?;
        let change = doc.annotate(&me.to_string(), text, at, &self.signer, time)?;
        if change.is_some() {
            self.dirty.docs.insert(doc_id.to_owned());
        }
        Ok(change)
    }

    /// The owner's endorsement of every change `node` made (SPEC.md §4): an empty signed change
    /// on top of each document holding one, made when `node` loses its write right, so that
    /// nodes fetching those documents afresh still accept its past changes.
    pub fn endorse_changes_by(
        &mut self,
        node: &NodeId,
        time: i64,
    ) -> Result<Vec<SignedChange>, ReplicaError> {
        self.cached_digest = None;
        let me = self.signer.node_id();
        self.check_may("endorse", self.manifest().id.owner() == &me)?;
        let mut made = Vec::new();
        for (id, doc) in self.docs.iter_mut() {
            if doc.has_changes_by(node)
                && let Some(change) = doc.endorse(&self.signer, time)?
            {
                self.dirty.docs.insert(id.clone());
                made.push(change);
            }
        }
        Ok(made)
    }

    /// Erases a document: drops it with its history and returns the signed tombstone.
    pub fn erase(&mut self, doc_id: &str, at: &str) -> Result<Tombstone, ReplicaError> {
        self.cached_digest = None;
        self.check_may(
            "erase",
            self.manifest().may_administer(&self.signer.node_id()),
        )?;
        if let Some(t) = self.tombstones.get(doc_id) {
            return Ok(t.clone());
        }
        if !self.docs.contains_key(doc_id) {
            return Err(ReplicaError::NoSuchDocument(doc_id.to_owned()));
        }
        let t = Tombstone::sign(&self.signer, self.manifest().id.clone(), doc_id, at);
        self.remove_doc(doc_id);
        self.dirty.docs.remove(doc_id);
        self.tombstones.insert(doc_id.to_owned(), t.clone());
        self.dirty.erased.insert(doc_id.to_owned());
        Ok(t)
    }

    /// Checks and applies an erasure received from a peer; returns whether it was new.
    pub fn accept_tombstone(&mut self, wire: &WireTombstone) -> Result<bool, Rejected> {
        self.cached_digest = None;
        if self.tombstones.contains_key(&wire.doc) {
            return Ok(false);
        }
        let t = wire
            .tombstone(&self.manifest().id)
            .ok_or_else(|| Rejected::new(&wire.doc, "malformed", "malformed tombstone"))?;
        t.verify(self.manifest())
            .map_err(|e| Rejected::new(&wire.doc, document::provenance_code(&e), e.to_string()))?;
        self.remove_doc(&t.doc);
        self.dirty.docs.remove(&t.doc);
        self.dirty.created.remove(&t.doc);
        self.dirty.erased.insert(t.doc.clone());
        self.tombstones.insert(t.doc.clone(), t);
        Ok(true)
    }

    /// The wire form of one document's tombstone, if it was erased.
    pub fn tombstones_in_one(&self, doc: &str) -> Option<WireTombstone> {
        self.tombstones.get(doc).map(WireTombstone::new)
    }

    /// Ids of the erased documents.
    pub fn tombstone_ids(&self) -> impl Iterator<Item = &str> {
        self.tombstones.keys().map(String::as_str)
    }

    /// Whether the document was erased.
    pub fn is_erased(&self, doc: &str) -> bool {
        self.tombstones.contains_key(doc)
    }

    /// The wire form of every tombstone in `(after, upto]` (`upto` `None`: to the end).
    pub fn tombstones_in(&self, after: &str, upto: Option<&str>) -> Vec<WireTombstone> {
        let hi = upto.map_or(Bound::Unbounded, Bound::Included);
        self.tombstones
            .range::<str, _>((Bound::Excluded(after), hi))
            .map(|(_, t)| WireTombstone::new(t))
            .collect()
    }

    /// A document's content, if the replica holds it.
    pub fn document_json(&self, doc: &str) -> Option<serde_json::Value> {
        self.docs.get(doc).map(SharedDocument::to_json)
    }

    /// Whether the replica holds this live document.
    pub fn contains(&self, doc: &str) -> bool {
        self.docs.contains_key(doc)
    }

    /// Ids of the documents (erased ones excluded).
    pub fn doc_ids(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }

    /// Documents held live (the rest are kept saved until used).
    pub fn live_len(&self) -> usize {
        self.docs.values().filter(|d| d.is_live()).count()
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the replica holds no live document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Ids of the live documents in `(after, upto]`.
    pub fn doc_ids_in(&self, after: &str, upto: Option<&str>) -> Vec<String> {
        let hi = upto.map_or(Bound::Unbounded, Bound::Included);
        self.docs
            .range::<str, _>((Bound::Excluded(after), hi))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// One page of heads and tombstones after `after`, in id order: at most `max` entries, and
    /// whether more follow.
    pub fn heads_page(
        &mut self,
        after: &str,
        max: usize,
    ) -> (Vec<DocHeads>, Vec<WireTombstone>, bool) {
        let mut docs = Vec::new();
        let mut tombstones = Vec::new();
        let mut live = self
            .docs
            .range_mut::<str, _>((Bound::Excluded(after), Bound::Unbounded))
            .peekable();
        let mut dead = self
            .tombstones
            .range::<str, _>((Bound::Excluded(after), Bound::Unbounded))
            .peekable();
        loop {
            let next_live = live.peek().map(|(k, _)| k.as_str());
            let next_dead = dead.peek().map(|(k, _)| k.as_str());
            let take_live = match (next_live, next_dead) {
                (None, None) => return (docs, tombstones, false),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => a < b,
            };
            if docs.len() + tombstones.len() == max {
                return (docs, tombstones, true);
            }
            if take_live {
                let (id, d) = live.next().expect("peeked");
                docs.push(DocHeads {
                    doc: id.clone(),
                    heads: sorted_hex(d.heads()),
                });
            } else {
                let (_, t) = dead.next().expect("peeked");
                tombstones.push(WireTombstone::new(t));
            }
        }
    }

    /// One document's history (see [`SharedDocument::history`]).
    pub fn doc_history(&mut self, doc: &str) -> Vec<(String, String, i64)> {
        self.docs
            .get_mut(doc)
            .map(SharedDocument::history)
            .unwrap_or_default()
    }

    /// Heads of one document (empty if the replica lacks it).
    pub fn doc_heads(&mut self, doc: &str) -> Vec<[u8; 32]> {
        self.docs
            .get_mut(doc)
            .map(|d| d.heads())
            .unwrap_or_default()
    }

    /// The catalogue digest (SPEC.md §6.3).
    pub fn digest(&mut self) -> [u8; 32] {
        if let Some(digest) = self.cached_digest {
            // Tests, the simulator and debug builds check that no change went past the cache.
            debug_assert_eq!(digest, self.compute_digest(), "stale catalogue digest");
            return digest;
        }
        let digest = self.compute_digest();
        self.cached_digest = Some(digest);
        digest
    }

    fn compute_digest(&mut self) -> [u8; 32] {
        // Ids borrowed, heads copied once.
        wire::catalog_digest(
            self.manifest.manifest.version,
            self.docs.iter_mut().map(|(id, d)| (id.as_str(), d.heads())),
            self.tombstones.keys().map(String::as_str),
        )
    }

    /// The signed changes of `doc` that a peer holding `heads` lacks, in wire form.
    pub fn changes_for(&mut self, doc: &str, heads: &[[u8; 32]]) -> Vec<WireChange> {
        match self.docs.get_mut(doc) {
            None => Vec::new(),
            Some(d) => d
                .changes_since(heads)
                .iter()
                .map(|c| WireChange::new(&c.bytes, &c.signature))
                .collect(),
        }
    }

    /// Checks and applies changes received from a peer (author or relay).
    ///
    /// The caps are judged per document before its changes are decoded: past a cap, every
    /// change of a new document is `too_large`, whatever else is wrong with it, and a new
    /// document counts towards `limits.docs` until the end of the batch even if all its
    /// changes are then refused (stricter than one document after the other, never looser).
    pub fn apply(&mut self, changes: &[WireChange]) -> Applied {
        self.cached_digest = None;
        let mut out = Applied::default();
        let catalog = Arc::clone(&self.catalog);
        let mut by_doc: BTreeMap<&str, Vec<(usize, &WireChange)>> = BTreeMap::new();
        for (i, c) in changes.iter().enumerate() {
            if self.tombstones.contains_key(&c.doc) {
                out.rejected
                    .push(Rejected::new(&c.doc, "erased", "document was erased"));
                continue;
            }
            by_doc.entry(c.doc.as_str()).or_default().push((i, c));
        }
        let manifest = self.manifest.manifest.clone();
        // First, one after the other: the caps and the documents to create.
        let mut jobs: Vec<ApplyJob> = Vec::new();
        for (doc_id, batch) in by_doc {
            let (signer, epoch) = (self.signer.clone(), self.epoch);
            if self.stored_total >= self.limits.bytes {
                let (held, most) = (self.stored_total, self.limits.bytes);
                out.rejected.extend(batch.iter().map(|_| {
                    Rejected::new(
                        doc_id,
                        "too_large",
                        format!(
                            "the catalogue holds {held} bytes, the most this node keeps is {most}"
                        ),
                    )
                }));
                continue;
            }
            if !self.docs.contains_key(doc_id) {
                if self.docs.len() >= self.limits.docs {
                    let most = self.limits.docs;
                    out.rejected.extend(batch.iter().map(|_| {
                        Rejected::new(
                            doc_id,
                            "too_large",
                            format!(
                                "the catalogue holds {most} documents, the most this node keeps"
                            ),
                        )
                    }));
                    continue;
                }
                self.dirty.created.insert(doc_id.to_owned());
                self.docs.insert(
                    doc_id.to_owned(),
                    SharedDocument::new(Arc::clone(&catalog), doc_id, &signer, epoch),
                );
            }
            jobs.push(ApplyJob {
                doc: doc_id.to_owned(),
                batch,
            });
        }
        // Then decoding, the checks and Automerge, on every core: each document is its own
        // state, and the results are those of one after the other. Verifying signatures and
        // applying changes is most of a cold subscribe's work (`perf`, sicc-bench).
        let ids: Vec<&str> = jobs.iter().map(|j| j.doc.as_str()).collect();
        let changes_per_member = self.limits.changes_per_member;
        let (mine, my_epoch) = (self.signer.node_id(), self.epoch);
        let work: Vec<_> = docs_mut(&mut self.docs, &ids)
            .into_iter()
            .zip(jobs)
            .collect();
        let done = on_every_core(work, |((id, doc), job)| {
            debug_assert_eq!(id, job.doc, "each document with its own changes");
            let before = doc.heads();
            let changes = job.batch.len();
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut rejected = Vec::new();
                let mut batch = Vec::with_capacity(changes);
                for (i, c) in job.batch {
                    // Decoded once; the hash is computed from the bytes, never taken from the
                    // sender.
                    let decoded = c
                        .change_bytes()
                        .ok_or_else(|| Rejected::new(&c.doc, "malformed", "change is not hex"))
                        .and_then(|b| {
                            document::decode(&b)
                                .map_err(|r| Rejected::new(&c.doc, r.code(), r.to_string()))
                        })
                        .and_then(|change| {
                            c.signature(&catalog, change.hash().0)
                                .map(|sig| (change, sig))
                                .ok_or_else(|| {
                                    Rejected::new(&c.doc, "malformed", "malformed signature")
                                })
                        });
                    match decoded {
                        Ok((change, signature)) => batch.push((i, change, signature)),
                        Err(r) => rejected.push(r),
                    }
                }
                // This node's own changes from an earlier epoch that the document does not
                // hold yet, by position: judged after the checks, on what was accepted, never
                // on what the sender claims.
                let returning: BTreeSet<usize> = batch
                    .iter()
                    .filter(|(_, _, sig)| {
                        sig.author == mine && sig.epoch < my_epoch && !doc.holds(&sig.change_hash)
                    })
                    .map(|(i, _, _)| *i)
                    .collect();
                // Nothing decoded: the document is left as it is (not even loaded).
                let report = (!batch.is_empty()).then(|| {
                    doc.apply_decoded(batch, &manifest, Default::default(), changes_per_member)
                });
                (rejected, returning, report)
            }));
            // A panic not caught inside (`document.rs` catches Automerge's known ones): the
            // document's state moves only after Automerge returns, so it is as it was; its
            // share of the batch is refused, and the other documents' shares count as usual
            // (rayon would otherwise carry the panic out of the whole batch, past the
            // bookkeeping below).
            let (rejected, returning, report) = checked.unwrap_or_else(|_| {
                let failed =
                    Rejected::new(&job.doc, "malformed", "these changes made Automerge fail");
                (vec![failed; changes], BTreeSet::new(), None)
            });
            let after = doc.heads();
            (job.doc, rejected, before, returning, report, after)
        });
        // Last, one after the other: what to persist, and the documents kept live.
        for (doc_id, rejected, before, returning, report, after) in done {
            out.rejected.extend(rejected);
            let touched = report.is_some();
            let mut own_returning = false;
            match report {
                None => {}
                Some(Ok(report)) => {
                    let refused: BTreeSet<usize> =
                        report.rejected.iter().map(|(i, _)| *i).collect();
                    own_returning = returning.iter().any(|i| !refused.contains(i));
                    out.applied += report.applied;
                    out.held += report.held;
                    out.rejected.extend(report.rejected.into_iter().map(
                        |(_, r): (usize, Rejection)| {
                            Rejected::new(&doc_id, r.code(), r.to_string())
                        },
                    ));
                }
                Some(Err(e)) => {
                    out.rejected
                        .push(Rejected::new(&doc_id, "malformed", e.to_string()))
                }
            }
            if after.is_empty() {
                // A document created for changes that were all rejected holds nothing: drop it.
                self.remove_doc(&doc_id);
                self.dirty.created.remove(&doc_id);
            } else if after != before {
                self.dirty.docs.insert(doc_id.clone());
                if own_returning {
                    self.dirty.returned.insert(doc_id);
                }
            } else if touched && self.docs.get(&doc_id).is_some_and(SharedDocument::is_live) {
                // Nothing new (a duplicate relay): nothing will be persisted, so it is counted
                // among the documents kept live here.
                self.keep_live(&doc_id);
            }
        }
        out
    }
}

/// One document's share of a batch of changes, checked and applied apart from the others.
struct ApplyJob<'a> {
    doc: String,
    batch: Vec<(usize, &'a WireChange)>,
}

/// The named documents (`ids` sorted, each at most once) that `docs` holds, each borrowed
/// mutably, in the order of `ids`.
fn docs_mut<'a>(
    docs: &'a mut BTreeMap<String, SharedDocument>,
    ids: &[&str],
) -> Vec<(&'a str, &'a mut SharedDocument)> {
    let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
        return Vec::new();
    };
    let mut wanted = ids.iter().peekable();
    let mut out = Vec::with_capacity(ids.len());
    for (id, doc) in docs.range_mut::<str, _>((Bound::Included(*first), Bound::Included(*last))) {
        while wanted.next_if(|w| **w < id.as_str()).is_some() {}
        if wanted.next_if(|w| **w == id.as_str()).is_some() {
            out.push((id.as_str(), doc));
        }
    }
    out
}

/// Sorted hex heads.
pub fn sorted_hex(mut heads: Vec<[u8; 32]>) -> Vec<String> {
    heads.sort_unstable();
    heads.iter().map(|h| wire::to_hex(h)).collect()
}

/// Whether `node` may receive the catalogue (used by both ends of a session).
pub fn may_read(replica: &Replica, node: &NodeId) -> bool {
    replica.manifest().may_read(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{SharedOp, Store, StoredDoc};
    use serde_json::json;

    /// An owner, a reader, and the owner's catalogue manifest naming the reader.
    fn owner_and_reader() -> (Arc<NodeSigner>, Arc<NodeSigner>, SignedManifest) {
        let owner = Arc::new(NodeSigner::from_seed([1; 32]));
        let reader = Arc::new(NodeSigner::from_seed([2; 32]));
        let mut m = Manifest::new(
            CatalogId::new(owner.node_id(), "replication").unwrap(),
            BTreeMap::from([("en".into(), "Replication".into())]),
        );
        m.readers.insert(reader.node_id());
        let manifest = m.sign(&owner);
        (owner, reader, manifest)
    }

    #[test]
    fn reallocated_documents_hold_and_serve_what_they_held() {
        let (owner, reader, manifest) = owner_and_reader();
        let mut mine = Replica::new(manifest.clone(), owner, 0);
        // Two subscribers take the same changes; one is reallocated, the twin is not.
        let mut theirs = Replica::new(manifest.clone(), Arc::clone(&reader), 0);
        let mut twin = Replica::new(manifest, reader, 0);
        let record = |id: &str, summary: &str| {
            Record::from_json(&json!({"id": id, "kind": "initiative",
                "access_level": "public", "title": {"en": "One"}, "status": "active",
                "countries": ["FR"], "summary": {"en": summary}}))
            .unwrap()
        };
        // A long history: compacted when saved, its signatures in a map.
        for v in 0..12 {
            mine.publish(&record("many", &format!("V {v}")), 0).unwrap();
        }
        let mut ids = vec!["many".to_owned()];
        for i in 0..LIVE_DOCS + 3 {
            let id = format!("r{i}");
            mine.publish(&record(&id, &format!("S {i}")), 0).unwrap();
            ids.push(id);
        }
        for id in &ids {
            let changes = mine.changes_for(id, &[]);
            assert!(theirs.apply(&changes).applied > 0);
            twin.apply(&changes);
        }
        // Saved, kept live beside their save, and live (r0, never saved here).
        for id in ids.iter().filter(|id| *id != "r0") {
            theirs.export_doc(id).unwrap();
        }
        assert!(theirs.docs["r0"].is_live() && theirs.docs.values().any(|d| !d.is_live()));
        let (digest, live, stored) = (theirs.digest(), theirs.live_len(), theirs.stored_bytes());
        let served: Vec<_> = ids.iter().map(|id| theirs.changes_for(id, &[])).collect();
        theirs.reallocate();
        assert_eq!(theirs.digest(), digest);
        assert_eq!((theirs.live_len(), theirs.stored_bytes()), (live, stored));
        assert!(theirs.docs["r0"].is_live(), "the live form stays");
        for (id, changes) in ids.iter().zip(served) {
            assert_eq!(
                theirs.changes_for(id, &[]),
                changes,
                "{id} serves the same changes"
            );
            // Signatures in any order: a map's order is its own.
            let stored = |r: &mut Replica| {
                let (doc, save, mut signatures) = r.export_doc(id).unwrap();
                signatures.sort();
                (doc, save, signatures)
            };
            assert_eq!(
                stored(&mut theirs),
                stored(&mut twin),
                "{id} stores as its twin"
            );
        }
    }

    #[test]
    fn documents_are_kept_live_after_use_up_to_a_bound() {
        let (owner, reader, manifest) = owner_and_reader();
        let mut mine = Replica::new(manifest.clone(), owner.clone(), 0);
        let record = Record::from_json(&json!({"id": "r1", "kind": "initiative",
            "access_level": "public", "title": {"en": "One"}, "status": "active",
            "countries": ["FR"], "summary": {"en": "Summary"}}))
        .unwrap();
        mine.publish(&record, 0).unwrap();
        let changes = mine.changes_for("r1", &[]);
        mine.export_doc("r1").unwrap();
        assert_eq!(mine.live_len(), 1, "kept live beside its save");
        // Publishing the same record again changes nothing.
        assert!(mine.publish(&record, 0).unwrap().is_none());
        assert_eq!(mine.live_len(), 1);
        // A subscriber applying the same changes twice.
        let mut theirs = Replica::new(manifest, reader, 0);
        assert_eq!(theirs.apply(&changes).applied, 1);
        theirs.export_doc("r1").unwrap();
        let again = theirs.apply(&changes);
        assert_eq!((again.applied, again.held), (0, 1));
        assert_eq!(theirs.live_len(), 1);
        // Past the bound, the least recently used go back to their saved form, unchanged.
        let digest = mine.digest();
        for i in 0..LIVE_DOCS + 10 {
            let r = Record::from_json(&json!({"id": format!("r{}", i + 2),
                "kind": "initiative", "access_level": "public", "title": {"en": "One"},
                "status": "active", "countries": ["FR"], "summary": {"en": "Summary"}}))
            .unwrap();
            mine.publish(&r, 0).unwrap();
            mine.export_doc(&format!("r{}", i + 2)).unwrap();
        }
        assert_eq!(mine.live_len(), LIVE_DOCS);
        assert!(
            !mine.docs["r1"].is_live(),
            "the least recently used went back"
        );
        assert_ne!(mine.digest(), digest);
        let saved = mine.export_doc("r1").unwrap();
        assert_eq!(theirs.export_doc("r1").unwrap().1, saved.1, "the same save");
    }

    #[test]
    fn a_batch_over_many_documents_gives_what_one_document_at_a_time_gives() {
        let (owner, reader, manifest) = owner_and_reader();
        let record = |i: usize, summary: &str| {
            Record::from_json(&json!({"id": format!("r{i:02}"), "kind": "initiative",
                "access_level": "public", "title": {"en": format!("Initiative {i}")},
                "status": "active", "countries": ["FR"], "summary": {"en": summary}}))
            .unwrap()
        };
        let mut mine = Replica::new(manifest.clone(), owner.clone(), 0);
        let n = 3 * crate::parallel::PARALLEL_FROM;
        for i in 0..n {
            mine.publish(&record(i, "first"), 0).unwrap();
        }
        for i in (0..n).step_by(3) {
            mine.publish(&record(i, "edited"), 0).unwrap();
        }
        // A reader's own change to a document (it may not write) and a change whose signature
        // was swapped for another document's: both refused, on either path.
        let mut forged_manifest = manifest.manifest.clone();
        forged_manifest.writers.insert(reader.node_id());
        let mut forger = Replica::new(forged_manifest.sign(&reader), reader.clone(), 0);
        forger.publish(&record(n, "forged"), 0).unwrap();
        let mut batch: Vec<WireChange> = (0..n)
            .flat_map(|i| mine.changes_for(&format!("r{i:02}"), &[]))
            .collect();
        batch.extend(forger.changes_for(&format!("r{n:02}"), &[]));
        let mut swapped = mine.changes_for("r01", &[]);
        swapped[0].signature = batch[0].signature.clone();
        batch.extend(swapped);

        // All at once (on every core) on one replica, one document at a time on another.
        let mut at_once = Replica::new(manifest.clone(), reader.clone(), 0);
        let mut one_by_one = Replica::new(manifest, reader.clone(), 0);
        let together = at_once.apply(&batch);
        let mut apart = Applied::default();
        for doc in batch.iter().map(|c| c.doc.clone()).collect::<BTreeSet<_>>() {
            let only: Vec<WireChange> = batch.iter().filter(|c| c.doc == doc).cloned().collect();
            apart.merge(one_by_one.apply(&only));
        }
        assert_eq!(together.applied, n + n.div_ceil(3));
        assert_eq!(
            (together.applied, together.held),
            (apart.applied, apart.held)
        );
        let codes = |a: &Applied| {
            let mut c: Vec<(String, &str)> =
                a.rejected.iter().map(|r| (r.doc.clone(), r.code)).collect();
            c.sort();
            c
        };
        assert_eq!(codes(&together).len(), 2, "{:?}", together.rejected);
        assert_eq!(codes(&together), codes(&apart));
        assert_eq!(at_once.digest(), mine.digest());
        assert_eq!(one_by_one.digest(), mine.digest());
        let (d1, d2) = (at_once.take_dirty(), one_by_one.take_dirty());
        assert_eq!((&d1.docs, &d1.created), (&d2.docs, &d2.created));
        assert_eq!(d1.docs.len(), n);
        // Exported on every core: the same stored forms and contents as one by one.
        let exported = at_once.export_docs(&d1.docs, |_| true);
        assert_eq!(exported.len(), n);
        for ((id, save, mut signatures), json) in exported {
            let (_, save2, mut signatures2) = one_by_one.export_doc(&id).unwrap();
            // Signatures are kept in a hash map: the same set, in any order.
            signatures.sort();
            signatures2.sort();
            assert_eq!((save, signatures), (save2, signatures2), "{id}");
            assert_eq!(json, one_by_one.document_json(&id), "{id}");
        }
        assert_eq!(at_once.stored_bytes(), one_by_one.stored_bytes());
        assert_eq!(at_once.live_len(), one_by_one.live_len());
    }

    #[test]
    fn a_catalogue_past_its_caps_refuses_what_would_grow_it_and_keeps_what_it_holds() {
        let (owner, reader, manifest) = owner_and_reader();
        let mut mine = Replica::new(manifest.clone(), owner.clone(), 0);
        for i in 0..3 {
            let r = Record::from_json(&json!({"id": format!("r{i}"), "kind": "initiative",
                "access_level": "public", "title": {"en": "One"}, "status": "active",
                "countries": ["FR"], "summary": {"en": "Summary"}}))
            .unwrap();
            mine.publish(&r, 0).unwrap();
        }
        let changes = |id: &str, mine: &mut Replica| mine.changes_for(id, &[]);
        let (r0, r1, r2) = (
            changes("r0", &mut mine),
            changes("r1", &mut mine),
            changes("r2", &mut mine),
        );

        // Two documents at most: the third is refused, the two held stay.
        let mut theirs =
            Replica::new(manifest.clone(), reader.clone(), 0).with_limits(CatalogLimits {
                docs: 2,
                ..CatalogLimits::default()
            });
        assert_eq!(theirs.apply(&r0).applied, 1);
        assert_eq!(theirs.apply(&r1).applied, 1);
        let refused = theirs.apply(&r2);
        assert_eq!(refused.applied, 0);
        assert_eq!(refused.rejected[0].code, "too_large");
        assert!(
            refused.rejected[0].reason.contains("2 documents"),
            "{refused:?}"
        );
        assert!(theirs.contains("r0") && theirs.contains("r1") && !theirs.contains("r2"));

        // A byte budget: once the stored documents reach it, nothing more is taken; erasing one
        // frees its share.
        let mut theirs = Replica::new(manifest, reader, 0).with_limits(CatalogLimits {
            bytes: 1,
            ..CatalogLimits::default()
        });
        assert_eq!(
            theirs.apply(&r0).applied,
            1,
            "under the budget before the batch"
        );
        theirs.export_doc("r0").unwrap();
        assert!(theirs.stored_bytes() > 1);
        let refused = theirs.apply(&r1);
        assert_eq!(refused.applied, 0);
        assert_eq!(refused.rejected[0].code, "too_large");
        assert!(refused.rejected[0].reason.contains("bytes"), "{refused:?}");
        assert!(theirs.contains("r0"));
        let t = mine.erase("r0", "2026-12-06T00:00:00Z").unwrap();
        assert!(theirs.accept_tombstone(&WireTombstone::new(&t)).unwrap());
        assert_eq!(theirs.stored_bytes(), 0);
        assert_eq!(theirs.apply(&r1).applied, 1);
    }

    #[tokio::test]
    async fn a_replica_survives_a_restart_through_the_store() {
        let owner = Arc::new(NodeSigner::from_seed([1; 32]));
        let manifest = Manifest::new(
            CatalogId::new(owner.node_id(), "replication").unwrap(),
            BTreeMap::from([("en".into(), "Replication".into())]),
        )
        .sign(&owner);
        let mut replica = Replica::new(manifest, owner.clone(), 0);
        for i in 0..3 {
            let r = Record::from_json(
                &json!({"id": format!("r{i}"), "kind": "initiative", "access_level": "public",
                "title": {"en": format!("Initiative {i}")}, "status": "active", "countries": ["FR"],
                "summary": {"en": "Summary"}}),
            )
            .unwrap();
            replica.publish(&r, 0).unwrap();
        }
        let catalog = replica.manifest().id.to_string();

        replica.erase("r0", "2026-11-28T00:00:00Z").unwrap();
        let digest = replica.digest();
        let dir = tempfile::tempdir().unwrap();
        {
            let (store, writer) = Store::open(dir.path()).unwrap();
            let dirty = replica.take_dirty();
            let mut ops = vec![SharedOp::Manifest {
                catalog: catalog.clone(),
                bytes: replica.manifest_bytes(),
            }];
            for doc in &dirty.docs {
                let (doc, save, signatures) = replica.export_doc(doc).unwrap();
                ops.push(SharedOp::Doc {
                    catalog: catalog.clone(),
                    doc: StoredDoc {
                        doc,
                        save,
                        signatures,
                    },
                });
            }
            for doc in &dirty.erased {
                ops.push(SharedOp::Tombstone {
                    catalog: catalog.clone(),
                    doc: doc.clone(),
                    bytes: replica.tombstone_bytes(doc).unwrap(),
                });
            }
            store.write_shared(ops).await.unwrap();
            drop(store);
            writer.join();
        }
        let (store, _writer) = Store::open(dir.path()).unwrap();
        let mut stored = store.load_catalogs().await.unwrap();
        assert_eq!(stored.len(), 1);
        let c = stored.remove(0);
        assert_eq!(c.docs.len(), 2, "the erased document is not stored");
        let mut restored = Replica::restore(
            &c.manifest,
            c.docs.into_iter().map(|d| (d.doc, d.save, d.signatures)),
            c.tombstones,
            owner,
            0,
        )
        .unwrap();
        assert!(restored.is_erased("r0"));
        assert_eq!(restored.digest(), digest);
        assert_eq!(
            restored.stored_bytes(),
            replica.stored_bytes(),
            "the byte budget counts the same after a restart"
        );
        assert_eq!(restored.document_json("r1"), replica.document_json("r1"));
        // The restored replica can still relay every change with its signature.
        assert_eq!(restored.changes_for("r2", &[]).len(), 1);
    }

    /// Take-back writes a shared entry over the local record: only this node's own writes,
    /// lost to a restore and coming back, may cause it (issue 14: a writer's batch holding its
    /// own change and a bogus one claiming the owner made the owner take the writer's JSON).
    #[test]
    fn take_back_comes_only_from_own_lost_writes_never_from_a_partner() {
        let owner = Arc::new(NodeSigner::from_seed([1; 32]));
        let writer = Arc::new(NodeSigner::from_seed([3; 32]));
        let mut m = Manifest::new(
            CatalogId::new(owner.node_id(), "replication").unwrap(),
            BTreeMap::from([("en".into(), "Replication".into())]),
        );
        m.writers.insert(writer.node_id());
        let manifest = m.sign(&owner);
        let record = |summary: &str| {
            Record::from_json(&json!({"id": "r1", "kind": "initiative",
                "access_level": "public", "title": {"en": "One"}, "status": "active",
                "countries": ["FR"], "summary": {"en": summary}}))
            .unwrap()
        };
        // Epoch 0 published v1, then v2; the backup restored (epoch 1) holds v1 only.
        let mut before = Replica::new(manifest.clone(), owner.clone(), 0);
        before.publish(&record("v1"), 0).unwrap();
        let v1 = before.changes_for("r1", &[]);
        let heads_v1 = before.doc_heads("r1");
        before.publish(&record("v2"), 0).unwrap();
        let lost = before.changes_for("r1", &heads_v1);
        assert_eq!(lost.len(), 1);
        let mut restored = Replica::new(manifest.clone(), owner.clone(), 1);
        restored.apply(&v1);
        restored.take_dirty();

        // The writer's own change, and the same bytes claimed as the owner's (refused).
        let mut partner = Replica::new(manifest, writer.clone(), 0);
        partner.apply(&v1);
        let note = partner
            .annotate("r1", "a note", "2026-12-06T00:00:00Z", 0)
            .unwrap()
            .unwrap();
        let honest = WireChange::new(&note.bytes, &note.signature);
        let mut claimed = honest.clone();
        claimed.author = owner.node_id().to_string();
        let applied = restored.apply(&[honest.clone(), claimed]);
        assert_eq!(applied.applied, 1, "{:?}", applied.rejected);
        assert_eq!(applied.rejected.len(), 1);
        let dirty = restored.take_dirty();
        assert!(dirty.docs.contains("r1"));
        assert!(
            dirty.returned.is_empty(),
            "a partner's change is never taken back"
        );

        // The owner's own change relayed again (held already) beside a partner's: no take-back.
        let again = partner
            .annotate("r1", "another note", "2026-12-06T00:00:01Z", 0)
            .unwrap()
            .unwrap();
        let mut relayed = v1.clone();
        relayed.push(WireChange::new(&again.bytes, &again.signature));
        let applied = restored.apply(&relayed);
        assert_eq!((applied.applied, applied.held), (1, 1));
        assert!(restored.take_dirty().returned.is_empty());

        // Its lost write coming back: taken back.
        assert_eq!(restored.apply(&lost).applied, 1);
        assert!(restored.take_dirty().returned.contains("r1"));
    }
}
