//! A node's copy of one catalogue: its manifest, its documents and its tombstones. Pure state;
//! the session decides what to exchange, the engine (next) persists it.

use super::document::{self, DocumentError, Rejection, SharedDocument, SignedChange};
use sicc_protocol::catalog::{ChangeSignature, Manifest, SignedManifest};
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

/// One document in stored form: its id, its Automerge save, its encoded change signatures.
pub type ExportedDoc = (String, Vec<u8>, Vec<Vec<u8>>);

/// A stored replica could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(transparent)]
    Catalog(#[from] sicc_protocol::catalog::CatalogError),
    #[error(transparent)]
    Document(#[from] DocumentError),
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

    /// The replica in its stored form: the encoded manifest, and per document its id, its
    /// Automerge save and the encoded signatures of its changes.
    pub fn export(&mut self) -> (Vec<u8>, Vec<ExportedDoc>) {
        let docs = self
            .docs
            .iter_mut()
            .map(|(id, d)| {
                let signatures = d.signatures().map(|s| s.encode()).collect();
                (id.clone(), d.save(), signatures)
            })
            .collect();
        (self.manifest.encode(), docs)
    }

    /// Rebuilds a replica from [`Replica::export`]'s output.
    pub fn restore(
        manifest: &[u8],
        docs: impl IntoIterator<Item = ExportedDoc>,
        signer: Arc<NodeSigner>,
        epoch: u32,
    ) -> Result<Replica, RestoreError> {
        let manifest = SignedManifest::decode(manifest)?;
        let mut replica = Replica::new(manifest, signer, epoch);
        let catalog = replica.manifest().id.clone();
        for (id, save, signatures) in docs {
            let signatures = signatures
                .iter()
                .map(|s| ChangeSignature::decode(s))
                .collect::<Result<Vec<_>, _>>()?;
            let doc = SharedDocument::load(
                catalog.clone(),
                &id,
                &save,
                signatures,
                &replica.signer,
                epoch,
            )?;
            replica.docs.insert(id, doc);
        }
        Ok(replica)
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
        type Batch = Vec<(usize, automerge::Change, ChangeSignature)>;
        let mut by_doc: BTreeMap<&str, Batch> = BTreeMap::new();
        for (i, c) in changes.iter().enumerate() {
            if self.tombstones.contains(&c.doc) {
                out.rejected.push(format!("{}: document was erased", c.doc));
                continue;
            }
            // Decoded once; the hash is computed from the bytes, never taken from the sender.
            let decoded = c
                .change_bytes()
                .ok_or_else(|| "change is not hex".to_owned())
                .and_then(|b| document::decode(&b).map_err(|r| r.to_string()))
                .and_then(|change| {
                    c.signature(&catalog, change.hash().0)
                        .map(|sig| (change, sig))
                        .ok_or_else(|| "malformed signature".to_owned())
                });
            match decoded {
                Ok((change, signature)) => by_doc
                    .entry(c.doc.as_str())
                    .or_default()
                    .push((i, change, signature)),
                Err(reason) => out.rejected.push(format!("{}: {reason}", c.doc)),
            }
        }
        let manifest = self.manifest.manifest.clone();
        for (doc_id, batch) in by_doc {
            let (signer, epoch) = (self.signer.clone(), self.epoch);
            let doc = self
                .docs
                .entry(doc_id.to_owned())
                .or_insert_with(|| SharedDocument::new(catalog.clone(), doc_id, &signer, epoch));
            match doc.apply_decoded(batch, &manifest, Default::default()) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Store, StoredDoc};
    use serde_json::json;
    use sicc_protocol::catalog::CatalogId;

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
            replica.publish(&r).unwrap();
        }
        let digest = replica.digest();
        let catalog = replica.manifest().id.to_string();

        let dir = tempfile::tempdir().unwrap();
        let (manifest_bytes, docs) = replica.export();
        {
            let (store, writer) = Store::open(dir.path()).unwrap();
            let docs = docs
                .into_iter()
                .map(|(doc, save, signatures)| StoredDoc {
                    doc,
                    save,
                    signatures,
                })
                .collect();
            store
                .put_shared(&catalog, Some(manifest_bytes), docs)
                .await
                .unwrap();
            drop(store);
            writer.join();
        }
        let (store, _writer) = Store::open(dir.path()).unwrap();
        let (manifest, docs) = store.load_shared(&catalog).await.unwrap();
        let mut restored = Replica::restore(
            &manifest.unwrap(),
            docs.into_iter().map(|d| (d.doc, d.save, d.signatures)),
            owner,
            0,
        )
        .unwrap();
        assert_eq!(restored.digest(), digest);
        assert_eq!(restored.document_json("r1"), replica.document_json("r1"));
        // The restored replica can still relay every change with its signature.
        assert_eq!(restored.changes_for("r2", &[]).len(), 1);
    }
}
