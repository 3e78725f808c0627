//! The sync engine's stored form: catalogue manifests, shared documents with their change
//! signatures, tombstones, the readable form of other nodes' documents, and small sync state.

use super::schema::*;
use super::{MAX_PAGE, Store, StoreError, blocking, cf, scan_prefix};
use rocksdb::{Direction, IteratorMode};
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::Record;

/// One write of the sync engine; a list of them is applied atomically by [`Store::write_shared`].
#[derive(Debug, Clone)]
pub enum SharedOp {
    /// A catalogue's signed manifest (stored form).
    Manifest { catalog: String, bytes: Vec<u8> },
    /// A shared document.
    Doc { catalog: String, doc: StoredDoc },
    /// An erasure: stores the tombstone and drops the document and its materialised record.
    Tombstone {
        catalog: String,
        doc: String,
        bytes: Vec<u8>,
    },
    /// The readable form of another node's shared document (`None`: remove it).
    Materialised {
        catalog: String,
        doc: String,
        origin: String,
        record: Option<serde_json::Value>,
    },
    /// A small piece of sync state under `key` (`None`: remove it).
    State { key: String, value: Option<Vec<u8>> },
    /// Forgets a catalogue this node stops holding: its manifest, the named documents with
    /// their materialised records, and the named tombstones.
    DropCatalog {
        catalog: String,
        docs: Vec<String>,
        tombstones: Vec<String>,
    },
}

/// One catalogue replica as stored.
#[derive(Debug, Clone)]
pub struct StoredCatalog {
    pub catalog: String,
    pub manifest: Vec<u8>,
    pub docs: Vec<StoredDoc>,
    pub tombstones: Vec<(String, Vec<u8>)>,
}

/// A record shared by another node, as materialised for reading.
#[derive(Debug, Clone)]
pub struct SharedRecord {
    pub record: Record,
    /// The node that published it.
    pub origin: String,
    /// The catalogue it arrived through.
    pub catalog: String,
}

/// A partner's shared record whose readable form does not validate here (an unknown code, a
/// newer schema, a hostile writer). It is kept, so that a later valid version or an erasure
/// still applies, but left out of listings and search; reading it answers why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantinedRecord {
    pub id: String,
    /// The node that published it.
    pub origin: String,
    /// The catalogue it arrived through.
    pub catalog: String,
    /// Why it does not validate.
    pub problem: String,
}

/// The quarantined shared entries, by (id, catalogue).
pub(super) type Quarantine = std::collections::BTreeMap<(String, String), QuarantinedRecord>;

/// Reads every shared entry once and keeps those that do not validate here.
pub(super) fn scan_quarantine(db: &rocksdb::DB) -> Result<Quarantine, StoreError> {
    let mut out = Quarantine::new();
    for item in db.iterator_cf(cf(db, CF_SHARED_RECORDS), IteratorMode::Start) {
        let (k, v) = item?;
        if let Decoded::Quarantined(q) = decode_shared_record(&k, &v) {
            out.insert((q.id.clone(), q.catalog.clone()), q);
        }
    }
    Ok(out)
}

/// A stored shared record, read back.
enum Decoded {
    Valid(SharedRecord),
    Quarantined(QuarantinedRecord),
}

/// One page of shared records.
#[derive(Debug, Clone)]
pub struct SharedPage {
    pub records: Vec<SharedRecord>,
    /// More follow.
    pub more: bool,
}

impl Store {
    /// Reads every catalogue replica.
    pub async fn load_catalogs(&self) -> Result<Vec<StoredCatalog>, StoreError> {
        let db = self.db.clone();
        blocking(move || {
            let mut out = Vec::new();
            for item in db.iterator_cf(cf(&db, CF_CATALOGS), IteratorMode::Start) {
                let (k, v) = item?;
                let catalog = String::from_utf8_lossy(&k).into_owned();
                let manifest = match v.split_first() {
                    Some((&SHARED_VALUE_VERSION, bytes)) => bytes.to_vec(),
                    _ => {
                        return Err(StoreError::Corrupt {
                            key: format!("catalogs/{catalog}"),
                            reason: "unknown format version".into(),
                        });
                    }
                };
                let mut docs = Vec::new();
                for (doc, v) in scan_prefix(&db, CF_SHARED_DOCS, &shared_doc_key(&catalog, ""))? {
                    let (save, signatures) =
                        decode_shared_doc(&v).ok_or_else(|| StoreError::Corrupt {
                            key: format!("shared_docs/{catalog}/{doc}"),
                            reason: "damaged value".into(),
                        })?;
                    docs.push(StoredDoc {
                        doc,
                        save,
                        signatures,
                    });
                }
                let mut tombstones = Vec::new();
                for (doc, v) in scan_prefix(&db, CF_TOMBSTONES, &shared_doc_key(&catalog, ""))? {
                    match v.split_first() {
                        Some((&SHARED_VALUE_VERSION, bytes)) => {
                            tombstones.push((doc, bytes.to_vec()))
                        }
                        _ => {
                            return Err(StoreError::Corrupt {
                                key: format!("tombstones/{catalog}/{doc}"),
                                reason: "unknown format version".into(),
                            });
                        }
                    }
                }
                out.push(StoredCatalog {
                    catalog,
                    manifest,
                    docs,
                    tombstones,
                });
            }
            Ok(out)
        })
        .await
    }

    /// Reads the sync state stored under keys starting with `prefix`.
    pub async fn load_state(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let db = self.db.clone();
        let prefix = prefix.to_owned();
        blocking(move || {
            scan_prefix(&db, CF_SYNC_STATE, prefix.as_bytes())?
                .into_iter()
                .map(|(k, v)| match v.split_first() {
                    Some((&SHARED_VALUE_VERSION, bytes)) => {
                        Ok((format!("{prefix}{k}"), bytes.to_vec()))
                    }
                    _ => Err(StoreError::Corrupt {
                        key: format!("sync_state/{prefix}{k}"),
                        reason: "unknown format version".into(),
                    }),
                })
                .collect()
        })
        .await
    }

    /// Lists records shared by other nodes that match `filter`, in (id, catalogue) order,
    /// starting strictly after the key `(after_id, after_catalog)`.
    pub async fn list_shared(
        &self,
        filter: Filter,
        after: Option<(String, String)>,
        limit: usize,
    ) -> Result<SharedPage, StoreError> {
        let db = self.db.clone();
        let limit = limit.clamp(1, MAX_PAGE);
        blocking(move || {
            let start = after.map(|(id, catalog)| {
                let mut k = shared_record_key(&id, &catalog);
                k.push(0);
                k
            });
            let mode = match &start {
                Some(s) => IteratorMode::From(s, Direction::Forward),
                None => IteratorMode::Start,
            };
            let mut records = Vec::new();
            for item in db.iterator_cf(cf(&db, CF_SHARED_RECORDS), mode) {
                let (k, v) = item?;
                let Decoded::Valid(shared) = decode_shared_record(&k, &v) else {
                    continue;
                };
                if filter.matches(&shared.record) {
                    if records.len() == limit {
                        return Ok(SharedPage {
                            records,
                            more: true,
                        });
                    }
                    records.push(shared);
                }
            }
            Ok(SharedPage {
                records,
                more: false,
            })
        })
        .await
    }

    /// Number of records shared by other nodes held here.
    pub async fn count_shared(&self) -> Result<u64, StoreError> {
        let db = self.db.clone();
        blocking(move || {
            let mut n = 0;
            for item in db.iterator_cf(cf(&db, CF_SHARED_RECORDS), IteratorMode::Start) {
                item?;
                n += 1;
            }
            Ok(n)
        })
        .await
    }

    /// Every shared entry that does not validate here (quarantined), in (id, catalogue) order.
    /// Kept by the writer (one scan when the store opens, then each synced group), so that
    /// `/api/v1/peers` and metrics scrapes do not decode every shared entry: at 10,000 shared
    /// documents a scrape took 220–320 ms (sicc-bench). After a failed WAL sync (the store then
    /// refuses every write until restart) it stays as of the last synced group.
    pub fn quarantined(&self) -> Vec<QuarantinedRecord> {
        self.quarantine.borrow().values().cloned().collect()
    }

    /// How many shared entries are quarantined.
    pub fn quarantined_count(&self) -> usize {
        self.quarantine.borrow().len()
    }

    /// Reads the shared records with this id (one per catalogue it arrived through) that
    /// validate here.
    pub async fn get_shared(&self, id: RecordId) -> Result<Vec<SharedRecord>, StoreError> {
        Ok(self.get_shared_entries(id).await?.0)
    }

    /// Reads every shared entry with this id, in one pass: those that validate here, and those
    /// quarantined.
    pub async fn get_shared_entries(
        &self,
        id: RecordId,
    ) -> Result<(Vec<SharedRecord>, Vec<QuarantinedRecord>), StoreError> {
        let (mut valid, mut quarantined) = (Vec::new(), Vec::new());
        for d in self.get_shared_all(id).await? {
            match d {
                Decoded::Valid(s) => valid.push(s),
                Decoded::Quarantined(q) => quarantined.push(q),
            }
        }
        Ok((valid, quarantined))
    }

    async fn get_shared_all(&self, id: RecordId) -> Result<Vec<Decoded>, StoreError> {
        let db = self.db.clone();
        blocking(move || {
            let prefix = shared_record_key(id.as_str(), "");
            let mut out = Vec::new();
            for item in db.iterator_cf(
                cf(&db, CF_SHARED_RECORDS),
                IteratorMode::From(&prefix, Direction::Forward),
            ) {
                let (k, v) = item?;
                if !k.starts_with(&prefix) {
                    break;
                }
                out.push(decode_shared_record(&k, &v));
            }
            Ok(out)
        })
        .await
    }
}

/// The kind of the partners' shared record `id` this node holds and can read, if any: the
/// target of a link across borders. A quarantined entry is no target.
pub(super) fn shared_kind(
    db: &rocksdb::DB,
    id: &RecordId,
) -> Option<sicc_protocol::schema::RecordKind> {
    let prefix = shared_record_key(id.as_str(), "");
    for item in db.iterator_cf(
        cf(db, CF_SHARED_RECORDS),
        IteratorMode::From(&prefix, Direction::Forward),
    ) {
        let (k, v) = item.ok()?;
        if !k.starts_with(&prefix) {
            return None;
        }
        if let Decoded::Valid(s) = decode_shared_record(&k, &v) {
            return Some(s.record.kind);
        }
    }
    None
}

/// Reads a stored shared record. Anything that does not validate here is quarantined, never
/// fatal: one bad entry must not stop listings, search or the node's start. That includes an
/// entry of another storage format (written by a newer version, or damaged): it is kept as
/// it is and named, and a later valid version replaces it.
fn decode_shared_record(key: &[u8], value: &[u8]) -> Decoded {
    // The key is `<id>\0<catalogue>`.
    let key = String::from_utf8_lossy(key);
    let (id, catalog) = key.split_once('\0').unwrap_or((&key, ""));
    let Some((&SHARED_VALUE_VERSION, json)) = value.split_first() else {
        return Decoded::Quarantined(QuarantinedRecord {
            id: id.to_owned(),
            origin: String::new(),
            catalog: catalog.to_owned(),
            problem: format!(
                "stored in an unknown format (version byte {:?})",
                value.first()
            ),
        });
    };
    let (v, record) = match serde_json::from_slice::<serde_json::Value>(json) {
        Ok(v) => {
            let record = Record::from_shared(id, &v["record"]).map_err(|e| e.to_string());
            (v, record)
        }
        Err(e) => (serde_json::Value::Null, Err(format!("not JSON: {e}"))),
    };
    let text = |k: &str| v["origin"][k].as_str().unwrap_or_default().to_owned();
    match record {
        Ok(record) => Decoded::Valid(SharedRecord {
            record,
            origin: text("node"),
            catalog: text("catalog"),
        }),
        Err(problem) => Decoded::Quarantined(QuarantinedRecord {
            id: id.to_owned(),
            origin: text("node"),
            catalog: catalog.to_owned(),
            problem,
        }),
    }
}
