//! This node's entries: publishing a record's public projection, erasing, annotating, keeping
//! publications in line with local records (the feed), taking back own writes that return
//! after a restore, and turning what changed in a replica into one batch to persist.

use super::{Done, Effect, Federation, MAX_ANNOTATION_CHARS, SyncError, SyncEvent};
use crate::storage::{SharedOp, StoredDoc};
use crate::sync::document::ANNOTATIONS;
use serde_json::Value;
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::id::RecordId;
use sicc_protocol::record::Record;
use sicc_protocol::wire::{self, WireChange};
use tracing::{info, warn};

/// The shared fields of a document: its JSON without the members' annotations.
pub(super) fn without_annotations(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.remove(ANNOTATIONS);
    }
    v
}

impl Federation {
    pub(super) fn publish(&mut self, id: &CatalogId, record: &Record) -> Result<Done, SyncError> {
        self.held(id)?;
        let time = self.now.unix_timestamp();
        let replica = self.replicas.get_mut(id).expect("held");
        let change = replica.publish(record, time)?;
        self.persist(id);
        let changed = change.is_some();
        if let Some(c) = change {
            self.announce(
                id,
                vec![WireChange::new(&c.bytes, &c.signature)],
                Vec::new(),
            );
        }
        Ok(Done::Published {
            catalog: id.clone(),
            id: record.id.to_string(),
            changed,
        })
    }

    pub(super) fn unpublish(&mut self, id: &CatalogId, doc: &str) -> Result<Done, SyncError> {
        self.held(id)?;
        let at = self.now_rfc3339();
        let replica = self.replicas.get_mut(id).expect("held");
        let tombstone = replica.erase(doc, &at)?;
        self.persist(id);
        self.announce(id, Vec::new(), vec![wire::WireTombstone::new(&tombstone)]);
        info!(catalog = %id, doc, "entry erased");
        Ok(Done::Erased {
            catalog: id.clone(),
            id: doc.to_owned(),
        })
    }

    pub(super) fn annotate(
        &mut self,
        id: &CatalogId,
        doc: &str,
        text: &str,
    ) -> Result<Done, SyncError> {
        if text.chars().count() > MAX_ANNOTATION_CHARS {
            return Err(SyncError::Invalid(format!(
                "annotation is longer than {MAX_ANNOTATION_CHARS} characters"
            )));
        }
        self.held(id)?;
        let (at, time) = (self.now_rfc3339(), self.now.unix_timestamp());
        let replica = self.replicas.get_mut(id).expect("held");
        let change = replica.annotate(doc, text, &at, time)?;
        self.persist(id);
        if let Some(c) = change {
            self.announce(
                id,
                vec![WireChange::new(&c.bytes, &c.signature)],
                Vec::new(),
            );
        }
        Ok(Done::Annotated {
            catalog: id.clone(),
            id: doc.to_owned(),
        })
    }

    /// A local record changed (`Some`) or was deleted (`None`): every entry made from it in
    /// this node's catalogues follows, or is erased when the record is gone or no longer
    /// shareable.
    pub(super) fn local_record(&mut self, id: &RecordId, record: Option<Record>) {
        let owned: Vec<CatalogId> = self
            .replicas
            .iter()
            .filter(|(c, r)| c.owner() == &self.me && r.contains(id.as_str()))
            .map(|(c, _)| c.clone())
            .collect();
        let shareable = record.filter(|r| r.public_projection().is_some());
        for catalog in owned {
            let result = match &shareable {
                Some(r) => self.publish(&catalog, r).map(drop),
                None => self.unpublish(&catalog, id.as_str()).map(drop),
            };
            if let Err(e) = result {
                warn!(catalog = %catalog, %id, error = %e, "publication not updated");
            }
        }
    }

    /// Persists what changed in a replica as one atomic batch, with the readable form of other
    /// nodes' documents, and reports it live; own entries whose own changes came back from a
    /// peer are checked for take-back.
    pub(super) fn persist(&mut self, catalog: &CatalogId) {
        let Some(replica) = self.replicas.get_mut(catalog) else {
            return;
        };
        let dirty = replica.take_dirty();
        if dirty.is_empty() {
            return;
        }
        let key = catalog.to_string();
        let foreign = catalog.owner() != &self.me;
        let mut ops = Vec::new();
        let mut events = Vec::new();
        let mut returned = Vec::new();
        if dirty.manifest {
            ops.push(SharedOp::Manifest {
                catalog: key.clone(),
                bytes: replica.manifest_bytes(),
            });
        }
        let exported =
            replica.export_docs(&dirty.docs, |doc| foreign || dirty.returned.contains(doc));
        for ((id, save, signatures), json) in exported {
            let json = json.map(without_annotations);
            ops.push(SharedOp::Doc {
                catalog: key.clone(),
                doc: StoredDoc {
                    doc: id.clone(),
                    save,
                    signatures,
                },
            });
            match json {
                Some(shared) if !foreign => returned.push((id, shared)),
                Some(record) => {
                    ops.push(SharedOp::Materialised {
                        catalog: key.clone(),
                        doc: id.clone(),
                        origin: catalog.owner().to_string(),
                        record: Some(record),
                    });
                    events.push(if dirty.created.contains(&id) {
                        SyncEvent::EntryArrived {
                            catalog: catalog.clone(),
                            id,
                        }
                    } else {
                        SyncEvent::EntryChanged {
                            catalog: catalog.clone(),
                            id,
                        }
                    });
                }
                None => {}
            }
        }
        for doc in &dirty.erased {
            if let Some(bytes) = replica.tombstone_bytes(doc) {
                ops.push(SharedOp::Tombstone {
                    catalog: key.clone(),
                    doc: doc.clone(),
                    bytes,
                });
                events.push(SyncEvent::EntryRemoved {
                    catalog: catalog.clone(),
                    id: doc.clone(),
                });
            }
        }
        self.persist_ops(ops);
        for e in events {
            self.emit(e);
        }
        for (id, shared) in returned {
            if let Ok(doc) = id.parse::<RecordId>() {
                self.effects.push(Effect::ReadForTakeBack {
                    catalog: catalog.clone(),
                    doc,
                    shared,
                });
            }
        }
    }

    /// A node restored from a backup gets back its own writes that reached a partner before
    /// it lost them: the entry's shared fields replace the local record's, and the fields that
    /// never leave the node are kept from the local copy. Found by the restore-from-backup
    /// fault run (the restored node kept the backup's value while every partner held the
    /// later one it had published).
    pub(super) fn take_back(
        &mut self,
        catalog: &CatalogId,
        id: &RecordId,
        shared: Value,
        local: Option<Record>,
    ) {
        let local_public = local.as_ref().and_then(Record::public_projection);
        if local_public.as_ref() == Some(&shared) {
            return;
        }
        // The record may have been written again since the restore, concurrently with the
        // writes now coming back: the later of the two wins, and a later local record goes
        // back on top of the merged entry. Compared as instants, not as text
        // (`…T10:00:00+01:00` is before `…T09:30:00Z`).
        let at = |v: &Value| {
            v["updated_at"].as_str().and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            })
        };
        if let Some(local) = &local
            && at(&local.to_json()) >= at(&shared)
        {
            if local_public.is_some()
                && let Err(e) = self.publish(catalog, local)
            {
                warn!(%id, error = %e, "local record not put back on top");
            }
            return;
        }
        let mut merged = shared;
        if let (Some(local), Some(Value::Object(public)), Value::Object(m)) =
            (&local, &local_public, &mut merged)
            && let Value::Object(all) = local.to_json()
        {
            for (k, v) in all {
                if !public.contains_key(&k) {
                    m.insert(k, v);
                }
            }
        }
        match Record::from_json(&merged) {
            Ok(record) => {
                info!(%id, "own write taken back from a partner");
                self.effects.push(Effect::WriteLocal {
                    record,
                    expected_revision: local.as_ref().map_or(0, |r| r.revision),
                });
            }
            Err(e) => warn!(%id, error = %e, "own entry not taken back"),
        }
    }
}
