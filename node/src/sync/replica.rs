//! A node's copy of one catalogue: its manifest, its documents and its tombstones. Pure state;
//! the session decides what to exchange, the engine (next) persists it.

use super::document::{DocumentError, Rejection, SharedDocument, SignedChange};
use sicc_protocol::catalog::{Manifest, SignedManifest};
use sicc_protocol::identity::NodeSigner;
use sicc_protocol::record::Record;
use sicc_protocol::wire::{self, DocHeads, WireChange};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One catalogue as held by one node.
#[derive(Debug)]
pub struct Replica {
    manifest: SignedManifest,
    docs: BTreeMap<String, SharedDocument>,
    tombstones: BTreeSet<String>,
    signer: Arc<NodeSigner>,
    epoch: u32,
}

/// What applying a batch of wire changes did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Changes that passed every check and were applied.
    pub applied: usize,
    /// Changes refused, with the reason (never applied, never relayed).
    pub rejected: Vec<String>,
}

impl Replica {
    /// A replica of the catalogue `manifest` describes, held by `signer`'s node in `epoch`.
    pub fn new(manifest: SignedManifest, signer: Arc<NodeSigner>, epoch: u32) -> Replica {
        Replica {
            manifest,
            docs: BTreeMap::new(),
            tombstones: BTreeSet::new(),
            signer,
            epoch,
        }
    }

    /// The manifest in force.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest.manifest
    }

    /// Publishes (or re-publishes) a record into its document; returns the signed change, if
    /// anything changed.
    pub fn publish(&mut self, record: &Record) -> Result<Option<SignedChange>, DocumentError> {
        let doc_id = record.id.to_string();
        let catalog = self.manifest().id.clone();
        let (signer, epoch) = (self.signer.clone(), self.epoch);
        let doc = self
            .docs
            .entry(doc_id.clone())
            .or_insert_with(|| SharedDocument::new(catalog, &doc_id, &signer, epoch));
        doc.publish(record, &self.signer)
    }

    /// A document's content, if the replica holds it.
    pub fn document_json(&self, doc: &str) -> Option<serde_json::Value> {
        self.docs.get(doc).map(SharedDocument::to_json)
    }

    /// Ids of the live documents.
    pub fn doc_ids(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }

    /// Heads of every live document.
    pub fn heads(&mut self) -> Vec<DocHeads> {
        self.docs
            .iter_mut()
            .map(|(id, d)| {
                let mut heads: Vec<String> = d.heads().iter().map(|h| wire::to_hex(h)).collect();
                heads.sort();
                DocHeads {
                    doc: id.clone(),
                    heads,
                }
            })
            .collect()
    }

    /// Heads of one document (empty if the replica lacks it).
    pub fn doc_heads(&mut self, doc: &str) -> Vec<[u8; 32]> {
        self.docs
            .get_mut(doc)
            .map(|d| d.heads())
            .unwrap_or_default()
    }

    /// The catalogue digest (SPEC.md §6).
    pub fn digest(&mut self) -> [u8; 32] {
        let heads: Vec<(String, Vec<[u8; 32]>)> = self
            .docs
            .iter_mut()
            .map(|(id, d)| (id.clone(), d.heads()))
            .collect();
        wire::catalog_digest(
            heads.iter().map(|(id, h)| (id.as_str(), h.clone())),
            self.tombstones.iter().map(String::as_str),
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
    pub fn apply(&mut self, changes: &[WireChange]) -> Applied {
        let mut out = Applied::default();
        let catalog = self.manifest().id.clone();
        let mut by_doc: BTreeMap<&str, Vec<SignedChange>> = BTreeMap::new();
        for c in changes {
            if self.tombstones.contains(&c.doc) {
                out.rejected.push(format!("{}: document was erased", c.doc));
                continue;
            }
            // The hash is computed from the bytes themselves, never taken from the sender.
            let hash = sicc_protocol::wire::from_hex(&c.change)
                .and_then(|b| automerge::Change::from_bytes(b).ok())
                .map(|ch| ch.hash().0);
            match hash.and_then(|h| c.parts(&catalog, h)) {
                Some((bytes, signature)) => by_doc
                    .entry(c.doc.as_str())
                    .or_default()
                    .push(SignedChange { bytes, signature }),
                None => out.rejected.push(format!("{}: malformed change", c.doc)),
            }
        }
        let manifest = self.manifest.manifest.clone();
        for (doc_id, batch) in by_doc {
            let (signer, epoch) = (self.signer.clone(), self.epoch);
            let doc = self
                .docs
                .entry(doc_id.to_owned())
                .or_insert_with(|| SharedDocument::new(catalog.clone(), doc_id, &signer, epoch));
            match doc.apply(&batch, &manifest) {
                Ok(report) => {
                    out.applied += report.applied;
                    out.rejected.extend(
                        report
                            .rejected
                            .into_iter()
                            .map(|(_, r): (usize, Rejection)| format!("{doc_id}: {r}")),
                    );
                }
                Err(e) => out.rejected.push(format!("{doc_id}: {e}")),
            }
            // A document created for changes that were all rejected holds nothing: drop it.
            if self
                .docs
                .get_mut(doc_id)
                .is_some_and(|d| d.heads().is_empty())
            {
                self.docs.remove(doc_id);
            }
        }
        out
    }
}
