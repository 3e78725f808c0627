//! The node's durable store: records, indexes and the audit trail in RocksDB.
//!
//! One OS thread (the writer) owns every write. It takes commands from a bounded channel,
//! applies each logical write as one atomic `WriteBatch`, then syncs the WAL once for the whole
//! group before acknowledging any of them (group commit): an acknowledged write survives
//! `kill -9` and power loss. Reads run on tokio's blocking pool against the shared `DB`, never on
//! the async executor's threads. Only this module names RocksDB (ARCHITECTURE.md, invariant 2).

mod schema;

pub use schema::{ACTOR_EPOCH_KEY, AuditEntry, SCHEMA_VERSION, StoredDoc};

use rocksdb::{
    ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options, WriteBatch, WriteOptions,
};
use schema::*;
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::{LinkResolver, Record, ValidationError};
use sicc_protocol::schema::RecordKind;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Capacity of the writer's command queue.
const WRITE_QUEUE: usize = 256;
/// Most commands folded into one group commit.
const MAX_GROUP: usize = 128;
/// Most records in one `put_many` call.
pub const MAX_BATCH_RECORDS: usize = 5_000;
/// Largest page a list call returns.
pub const MAX_PAGE: usize = 1_000;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record `{0}` does not exist")]
    NotFound(RecordId),
    #[error("record `{0}` already exists")]
    AlreadyExists(RecordId),
    #[error("record `{id}` is a {existing}; it cannot become a {requested}")]
    KindChange {
        id: RecordId,
        existing: RecordKind,
        requested: RecordKind,
    },
    #[error("record `{id}` is linked from {}; remove those links first", by.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", "))]
    Referenced { id: RecordId, by: Vec<RecordId> },
    #[error("record `{id}` is at revision {current}, not {expected}: it changed since it was read")]
    RevisionMismatch {
        id: RecordId,
        expected: u64,
        current: u64,
    },
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    #[error(
        "database at {path} has schema version {found}; this sicc supports up to {supported}: upgrade sicc"
    )]
    NewerSchema {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error(
        "the database at {0} is in use by another process (is another `sicc run` using this data directory?)"
    )]
    Locked(String),
    #[error("stored value under {key} is corrupt: {reason}")]
    Corrupt { key: String, reason: String },
    #[error("storage failure: {0}")]
    Rocks(#[from] rocksdb::Error),
    #[error("a previous WAL sync failed; the store refuses writes until restarted")]
    Poisoned,
    #[error("batch of {0} records exceeds the limit of {MAX_BATCH_RECORDS}")]
    BatchTooLarge(usize),
    #[error("the store has stopped")]
    Stopped,
}

/// How a put treats an existing record and the record's own metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutMode {
    /// Fail if the id exists.
    Create,
    /// Create or replace; the node sets timestamps and revision.
    Upsert,
    /// Create or replace, keeping `created_at`, `updated_at` and `revision` when the record
    /// carries them (restoring an export).
    Import,
}

/// One page of records.
#[derive(Debug, Clone)]
pub struct Page {
    pub records: Vec<Record>,
    /// Pass back to get the next page; `None` at the end.
    pub next_cursor: Option<String>,
}

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

/// One page of shared records.
#[derive(Debug, Clone)]
pub struct SharedPage {
    pub records: Vec<SharedRecord>,
    /// More follow.
    pub more: bool,
}

/// Counts for status displays.
#[derive(Debug, Clone, Default)]
pub struct StoreStats {
    pub records_by_kind: BTreeMap<RecordKind, u64>,
    pub audit_entries: u64,
}

enum Command {
    Put {
        records: Vec<Record>,
        mode: PutMode,
        /// For a single record: the revision the caller last read (0: must not exist yet).
        expected_revision: Option<u64>,
        actor: String,
        reply: oneshot::Sender<Vec<Result<Record, StoreError>>>,
    },
    Delete {
        id: RecordId,
        actor: String,
        reply: oneshot::Sender<Result<Record, StoreError>>,
    },
    /// Writes sync state (manifests, documents, tombstones, materialised records, per-peer
    /// state) in one atomic batch.
    WriteShared {
        ops: Vec<SharedOp>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

/// Cheap, cloneable handle to the store.
#[derive(Clone)]
pub struct Store {
    db: Arc<DB>,
    writer: mpsc::Sender<Command>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.db.path())
            .finish()
    }
}

/// Joins the writer thread when the node shuts down.
#[derive(Debug)]
pub struct StoreWriter {
    thread: std::thread::JoinHandle<()>,
}

impl StoreWriter {
    /// Waits until the writer has drained its queue and closed (after every `Store` is dropped).
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

impl Store {
    /// Opens (or creates) the database under `path` and starts the writer thread.
    pub fn open(path: &Path) -> Result<(Store, StoreWriter), StoreError> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        opts.increase_parallelism(2);
        // Memtables of all column families together stay under 32 MiB (RocksDB flushes the
        // largest when the total reaches it): a node syncing 10,000 shared documents otherwise
        // kept ~60 MB of them resident until restart (sicc-bench, memory after sync).
        opts.set_db_write_buffer_size(32 << 20);
        opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
        let cfs = ALL_CFS.iter().map(|name| {
            let mut o = Options::default();
            o.set_compression_type(rocksdb::DBCompressionType::Lz4);
            ColumnFamilyDescriptor::new(*name, o)
        });
        let db = DB::open_cf_descriptors(&opts, path, cfs).map_err(|e| {
            // RocksDB reports a held LOCK file as an IO error mentioning "lock".
            if e.to_string().to_ascii_lowercase().contains("lock") {
                StoreError::Locked(path.display().to_string())
            } else {
                StoreError::Rocks(e)
            }
        })?;
        prepare_schema(&db, path)?;
        let db = Arc::new(db);
        let (tx, rx) = mpsc::channel(WRITE_QUEUE);
        let writer = Writer::new(db.clone())?;
        let span = tracing::Span::current();
        let thread = std::thread::Builder::new()
            .name("sicc-store-writer".into())
            .spawn(move || {
                let _enter = span.enter();
                writer.run(rx)
            })
            .map_err(|e| StoreError::Corrupt {
                key: "writer thread".into(),
                reason: e.to_string(),
            })?;
        Ok((Store { db, writer: tx }, StoreWriter { thread }))
    }

    /// Writes one record. Returns it as stored (id, revision and timestamps set).
    pub async fn put(
        &self,
        record: Record,
        mode: PutMode,
        actor: &str,
    ) -> Result<Record, StoreError> {
        self.put_checked(record, mode, None, actor).await
    }

    /// Writes one record if the stored revision is `expected_revision` (0: the record must not
    /// exist yet): optimistic concurrency, so two editors cannot silently overwrite each other.
    pub async fn put_checked(
        &self,
        record: Record,
        mode: PutMode,
        expected_revision: Option<u64>,
        actor: &str,
    ) -> Result<Record, StoreError> {
        self.send_put(vec![record], mode, expected_revision, actor)
            .await?
            .pop()
            .unwrap_or(Err(StoreError::Stopped))
    }

    /// Writes many records in one group commit; each is accepted or rejected on its own.
    /// Links may point at other records of the same call (in any order, even in cycles).
    pub async fn put_many(
        &self,
        records: Vec<Record>,
        mode: PutMode,
        actor: &str,
    ) -> Result<Vec<Result<Record, StoreError>>, StoreError> {
        if records.len() > MAX_BATCH_RECORDS {
            return Err(StoreError::BatchTooLarge(records.len()));
        }
        self.send_put(records, mode, None, actor).await
    }

    async fn send_put(
        &self,
        records: Vec<Record>,
        mode: PutMode,
        expected_revision: Option<u64>,
        actor: &str,
    ) -> Result<Vec<Result<Record, StoreError>>, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.writer
            .send(Command::Put {
                records,
                mode,
                expected_revision,
                actor: actor.to_owned(),
                reply,
            })
            .await
            .map_err(|_| StoreError::Stopped)?;
        rx.await.map_err(|_| StoreError::Stopped)
    }

    /// Deletes a record that nothing links to. Returns the deleted record.
    pub async fn delete(&self, id: RecordId, actor: &str) -> Result<Record, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.writer
            .send(Command::Delete {
                id,
                actor: actor.to_owned(),
                reply,
            })
            .await
            .map_err(|_| StoreError::Stopped)?;
        rx.await.map_err(|_| StoreError::Stopped)?
    }

    /// Applies sync writes as one atomic, synced batch.
    pub async fn write_shared(&self, ops: Vec<SharedOp>) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        let (reply, rx) = oneshot::channel();
        self.writer
            .send(Command::WriteShared { ops, reply })
            .await
            .map_err(|_| StoreError::Stopped)?;
        rx.await.map_err(|_| StoreError::Stopped)?
    }

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
                let shared = decode_shared_record(&k, &v)?;
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

    /// Reads the shared records with this id (one per catalogue it arrived through).
    pub async fn get_shared(&self, id: RecordId) -> Result<Vec<SharedRecord>, StoreError> {
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
                out.push(decode_shared_record(&k, &v)?);
            }
            Ok(out)
        })
        .await
    }

    /// Reads one record.
    pub async fn get(&self, id: RecordId) -> Result<Option<Record>, StoreError> {
        let db = self.db.clone();
        blocking(move || read_record(&db, &id)).await
    }

    /// Lists records matching `filter` in id order, starting after `cursor`.
    pub async fn list(
        &self,
        filter: Filter,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let db = self.db.clone();
        let limit = limit.clamp(1, MAX_PAGE);
        blocking(move || list_records(&db, &filter, cursor.as_deref(), limit)).await
    }

    /// Reads the audit trail, newest first, optionally for one record.
    pub async fn audit(
        &self,
        record: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let db = self.db.clone();
        blocking(move || read_audit(&db, record.as_ref(), limit.clamp(1, MAX_PAGE))).await
    }

    /// Counts records by kind.
    pub async fn stats(&self) -> Result<StoreStats, StoreError> {
        let db = self.db.clone();
        blocking(move || {
            let mut stats = StoreStats::default();
            let cf = cf(&db, CF_BY_KIND);
            for item in db.iterator_cf(cf, IteratorMode::Start) {
                let (k, _) = item?;
                if let Some(kind) = k.first().and_then(|t| RecordKind::from_tag(*t)) {
                    *stats.records_by_kind.entry(kind).or_default() += 1;
                }
            }
            stats.audit_entries = last_audit_seq(&db)?;
            Ok(stats)
        })
        .await
    }

    /// RocksDB's own figures per column family: estimated keys, SST bytes, memtable bytes.
    pub async fn column_family_stats(&self) -> Result<Vec<ColumnFamilyStats>, StoreError> {
        let db = self.db.clone();
        blocking(move || {
            let mut out = Vec::new();
            for name in ALL_CFS {
                let handle = cf(&db, name);
                let int = |property: &str| {
                    db.property_int_value_cf(handle, property)
                        .map(|v| v.unwrap_or(0))
                };
                out.push(ColumnFamilyStats {
                    name,
                    estimated_keys: int("rocksdb.estimate-num-keys")?,
                    sst_bytes: int("rocksdb.total-sst-files-size")?,
                    memtable_bytes: int("rocksdb.cur-size-all-mem-tables")?,
                });
            }
            Ok(out)
        })
        .await
    }

    /// Takes an online, consistent checkpoint of the whole database into `dir` (which must not
    /// exist): SST files are hard-linked where possible, the memtables are flushed first, so
    /// every acknowledged write is in it. Writers keep going meanwhile.
    pub async fn checkpoint(&self, dir: std::path::PathBuf) -> Result<(), StoreError> {
        let db = self.db.clone();
        blocking(move || {
            let checkpoint = rocksdb::checkpoint::Checkpoint::new(&db)?;
            checkpoint.create_checkpoint(&dir)?;
            Ok(())
        })
        .await
    }

    /// Bytes of the database's files on disk (a directory walk, on the blocking pool).
    pub async fn disk_bytes(&self) -> Result<u64, StoreError> {
        let path = self.db.path().to_owned();
        blocking(move || Ok(dir_bytes(&path))).await
    }

    /// Whether the store answers reads (for `/readyz`).
    pub async fn ready(&self) -> bool {
        let db = self.db.clone();
        blocking(move || read_schema_version(&db).map(|_| ()))
            .await
            .is_ok()
            && !self.writer.is_closed()
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| StoreError::Stopped)?
}

/// Bytes of every file under `dir`.
pub fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// RocksDB's figures for one column family (`/metrics`).
#[derive(Debug, Clone)]
pub struct ColumnFamilyStats {
    pub name: &'static str,
    pub estimated_keys: u64,
    pub sst_bytes: u64,
    pub memtable_bytes: u64,
}

/// Every (key suffix, value) under `prefix` in a column family.
fn scan_prefix(db: &DB, name: &str, prefix: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut out = Vec::new();
    for item in db.iterator_cf(cf(db, name), IteratorMode::From(prefix, Direction::Forward)) {
        let (k, v) = item?;
        if !k.starts_with(prefix) {
            break;
        }
        out.push((
            String::from_utf8_lossy(&k[prefix.len()..]).into_owned(),
            v.to_vec(),
        ));
    }
    Ok(out)
}

fn decode_shared_record(key: &[u8], value: &[u8]) -> Result<SharedRecord, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        key: format!("shared_records/{}", String::from_utf8_lossy(key)),
        reason,
    };
    let Some((&SHARED_VALUE_VERSION, json)) = value.split_first() else {
        return Err(corrupt("unknown format version".into()));
    };
    let v: serde_json::Value = serde_json::from_slice(json).map_err(|e| corrupt(e.to_string()))?;
    let record = Record::from_json(&v["record"]).map_err(|e| corrupt(e.to_string()))?;
    let text = |k: &str| v["origin"][k].as_str().unwrap_or_default().to_owned();
    Ok(SharedRecord {
        record,
        origin: text("node"),
        catalog: text("catalog"),
    })
}

fn cf<'a>(db: &'a DB, name: &str) -> &'a rocksdb::ColumnFamily {
    // Every CF in ALL_CFS is created at open, so this cannot fail on an opened DB.
    db.cf_handle(name).expect("column family created at open")
}

fn read_schema_version(db: &DB) -> Result<Option<u32>, StoreError> {
    match db.get_cf(cf(db, CF_META), META_SCHEMA_VERSION)? {
        None => Ok(None),
        Some(v) => {
            let bytes: [u8; 4] = v.as_slice().try_into().map_err(|_| StoreError::Corrupt {
                key: "meta/schema_version".into(),
                reason: format!("{} bytes, expected 4", v.len()),
            })?;
            Ok(Some(u32::from_be_bytes(bytes)))
        }
    }
}

/// Refuses a newer database, stamps a new one, and migrates an older one forward after taking
/// a checkpoint next to it (`db.pre-v<N>-<unix time>`), so a failed or regretted upgrade can be
/// rolled back by moving that directory into place.
fn prepare_schema(db: &DB, path: &Path) -> Result<(), StoreError> {
    let mut wo = WriteOptions::default();
    wo.set_sync(true);
    match read_schema_version(db)? {
        Some(found) if found > SCHEMA_VERSION => Err(StoreError::NewerSchema {
            path: path.display().to_string(),
            found,
            supported: SCHEMA_VERSION,
        }),
        Some(found) if found == SCHEMA_VERSION => Ok(()),
        Some(found) => {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let name = format!(
                "{}.pre-v{SCHEMA_VERSION}-{stamp}",
                path.file_name()
                    .map_or("db".into(), |n| n.to_string_lossy())
            );
            let saved = path.with_file_name(name);
            rocksdb::checkpoint::Checkpoint::new(db)?.create_checkpoint(&saved)?;
            tracing::info!(from = found, to = SCHEMA_VERSION, checkpoint = %saved.display(), "migrating the database");
            for version in found..SCHEMA_VERSION {
                let mut batch = WriteBatch::default();
                migrate(db, version, &mut batch)?;
                batch.put_cf(
                    cf(db, CF_META),
                    META_SCHEMA_VERSION,
                    (version + 1).to_be_bytes(),
                );
                db.write_opt(batch, &wo)?;
            }
            Ok(())
        }
        None => {
            let mut batch = WriteBatch::default();
            batch.put_cf(
                cf(db, CF_META),
                META_SCHEMA_VERSION,
                SCHEMA_VERSION.to_be_bytes(),
            );
            batch.put_cf(
                cf(db, CF_SYNC_STATE),
                ACTOR_EPOCH_KEY,
                encode_versioned(SHARED_VALUE_VERSION, br#"{"epoch":0}"#),
            );
            db.write_opt(batch, &wo)?;
            Ok(())
        }
    }
}

/// The forward migration from schema `from` to `from + 1`, as one atomic batch.
fn migrate(db: &DB, from: u32, batch: &mut WriteBatch) -> Result<(), StoreError> {
    match from {
        1 => {
            // v1 nodes always ran in actor epoch 0.
            if db.get_cf(cf(db, CF_SYNC_STATE), ACTOR_EPOCH_KEY)?.is_none() {
                batch.put_cf(
                    cf(db, CF_SYNC_STATE),
                    ACTOR_EPOCH_KEY,
                    encode_versioned(SHARED_VALUE_VERSION, br#"{"epoch":0}"#),
                );
            }
            Ok(())
        }
        other => Err(StoreError::Corrupt {
            key: "meta/schema_version".into(),
            reason: format!("no migration from schema version {other}"),
        }),
    }
}

fn decode_record(key: &[u8], value: &[u8]) -> Result<Record, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        key: format!("records/{}", String::from_utf8_lossy(key)),
        reason,
    };
    match value.split_first() {
        Some((&RECORD_VALUE_VERSION, json)) => {
            let v: serde_json::Value =
                serde_json::from_slice(json).map_err(|e| corrupt(e.to_string()))?;
            Record::from_json(&v).map_err(|e| corrupt(e.to_string()))
        }
        Some((version, _)) => Err(corrupt(format!("unknown record format version {version}"))),
        None => Err(corrupt("empty value".into())),
    }
}

fn read_record(db: &DB, id: &RecordId) -> Result<Option<Record>, StoreError> {
    match db.get_pinned_cf(cf(db, CF_RECORDS), id.as_bytes())? {
        None => Ok(None),
        Some(v) => decode_record(id.as_bytes(), &v).map(Some),
    }
}

fn list_records(
    db: &DB,
    filter: &Filter,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page, StoreError> {
    let mut records = Vec::with_capacity(limit.min(64));
    let mut last: Option<Vec<u8>> = None;
    let mut more = false;
    let mut visit = |key: &[u8], value: &[u8]| -> Result<bool, StoreError> {
        let record = decode_record(key, value)?;
        if filter.matches(&record) {
            if records.len() == limit {
                more = true;
                return Ok(false);
            }
            last = Some(key.to_vec());
            records.push(record);
        }
        Ok(true)
    };
    let start = cursor.map(|c| {
        let mut k = c.as_bytes().to_vec();
        k.push(0); // strictly after the cursor
        k
    });
    if let Some(kind) = filter.only_kind() {
        // Walk the kind index and fetch each record: avoids decoding records of other kinds.
        let mut from = vec![kind.tag()];
        if let Some(s) = &start {
            from.extend_from_slice(s);
        }
        let records_cf = cf(db, CF_RECORDS);
        for item in db.iterator_cf(
            cf(db, CF_BY_KIND),
            IteratorMode::From(&from, Direction::Forward),
        ) {
            let (k, _) = item?;
            if k.first() != Some(&kind.tag()) {
                break;
            }
            let id = &k[1..];
            let Some(v) = db.get_pinned_cf(records_cf, id)? else {
                return Err(StoreError::Corrupt {
                    key: format!("by_kind/{}", String::from_utf8_lossy(id)),
                    reason: "index entry without record".into(),
                });
            };
            if !visit(id, &v)? {
                break;
            }
        }
    } else {
        let mode = match &start {
            Some(s) => IteratorMode::From(s, Direction::Forward),
            None => IteratorMode::Start,
        };
        for item in db.iterator_cf(cf(db, CF_RECORDS), mode) {
            let (k, v) = item?;
            if !visit(&k, &v)? {
                break;
            }
        }
    }
    let next_cursor = if more {
        last.map(|k| String::from_utf8_lossy(&k).into_owned())
    } else {
        None
    };
    Ok(Page {
        records,
        next_cursor,
    })
}

fn last_audit_seq(db: &DB) -> Result<u64, StoreError> {
    match db.iterator_cf(cf(db, CF_AUDIT), IteratorMode::End).next() {
        None => Ok(0),
        Some(item) => {
            let (k, _) = item?;
            let bytes: [u8; 8] = k.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                key: "audit/<last>".into(),
                reason: "key is not 8 bytes".into(),
            })?;
            Ok(u64::from_be_bytes(bytes))
        }
    }
}

fn read_audit(
    db: &DB,
    record: Option<&RecordId>,
    limit: usize,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut out = Vec::new();
    for item in db.iterator_cf(cf(db, CF_AUDIT), IteratorMode::End) {
        let (k, v) = item?;
        let entry: AuditEntry = match v.split_first() {
            Some((&AUDIT_VALUE_VERSION, json)) => {
                serde_json::from_slice(json).map_err(|e| StoreError::Corrupt {
                    key: format!("audit/{k:?}"),
                    reason: e.to_string(),
                })?
            }
            _ => {
                return Err(StoreError::Corrupt {
                    key: format!("audit/{k:?}"),
                    reason: "unknown audit format version".into(),
                });
            }
        };
        if record.is_none_or(|r| r.as_str() == entry.record_id) {
            out.push(entry);
            if out.len() == limit {
                break;
            }
        }
    }
    Ok(out)
}

/// The writer thread's state.
struct Writer {
    db: Arc<DB>,
    audit_seq: u64,
    poisoned: bool,
}

/// Resolves links against the database plus the records of the batch being written.
struct BatchResolver<'a> {
    db: &'a DB,
    batch: &'a HashMap<RecordId, RecordKind>,
}

impl LinkResolver for BatchResolver<'_> {
    fn kind_of(&self, id: &RecordId) -> Option<RecordKind> {
        if let Some(kind) = self.batch.get(id) {
            return Some(*kind);
        }
        // A read error is reported as "missing": the write is then refused, never half-done.
        read_record(self.db, id).ok().flatten().map(|r| r.kind)
    }
}

type Acks = Vec<Box<dyn FnOnce(Result<(), StoreError>) + Send>>;

impl Writer {
    fn new(db: Arc<DB>) -> Result<Writer, StoreError> {
        let audit_seq = last_audit_seq(&db)?;
        Ok(Writer {
            db,
            audit_seq,
            poisoned: false,
        })
    }

    fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        while let Some(first) = rx.blocking_recv() {
            // Group commit: everything already queued shares one WAL sync.
            let mut group = vec![first];
            while group.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(c) => group.push(c),
                    Err(_) => break,
                }
            }
            let mut acks: Acks = Vec::new();
            for command in group {
                self.apply(command, &mut acks);
            }
            let synced = if self.poisoned {
                Err(StoreError::Poisoned)
            } else {
                self.db.flush_wal(true).map_err(StoreError::from)
            };
            if let Err(e) = &synced {
                tracing::error!(error = %e, "WAL sync failed; refusing further writes");
                self.poisoned = true;
            }
            for ack in acks {
                ack(match &synced {
                    Ok(()) => Ok(()),
                    Err(_) => Err(StoreError::Poisoned),
                });
            }
        }
        tracing::debug!("store writer stopped");
    }

    fn now() -> String {
        time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    fn apply(&mut self, command: Command, acks: &mut Acks) {
        match command {
            Command::Put {
                records,
                mode,
                expected_revision,
                actor,
                reply,
            } => {
                let results = if self.poisoned {
                    records
                        .into_iter()
                        .map(|_| Err(StoreError::Poisoned))
                        .collect()
                } else {
                    self.put_batch(records, mode, expected_revision, &actor)
                };
                acks.push(Box::new(move |synced| {
                    let results = match synced {
                        Ok(()) => results,
                        Err(_) => results
                            .into_iter()
                            .map(|r| r.and(Err(StoreError::Poisoned)))
                            .collect(),
                    };
                    let _ = reply.send(results);
                }));
            }
            Command::WriteShared { ops, reply } => {
                let result = if self.poisoned {
                    Err(StoreError::Poisoned)
                } else {
                    let mut wo = WriteOptions::default();
                    wo.set_sync(false);
                    self.db
                        .write_opt(self.shared_batch(ops), &wo)
                        .map_err(StoreError::from)
                };
                acks.push(Box::new(move |synced| {
                    let _ = reply.send(synced.and(result));
                }));
            }
            Command::Delete { id, actor, reply } => {
                let result = if self.poisoned {
                    Err(StoreError::Poisoned)
                } else {
                    self.delete(&id, &actor)
                };
                acks.push(Box::new(move |synced| {
                    let _ = reply.send(synced.and(result));
                }));
            }
        }
    }

    fn shared_batch(&self, ops: Vec<SharedOp>) -> WriteBatch {
        let db = &self.db;
        let mut batch = WriteBatch::default();
        for op in ops {
            match op {
                SharedOp::Manifest { catalog, bytes } => batch.put_cf(
                    cf(db, CF_CATALOGS),
                    catalog.as_bytes(),
                    encode_versioned(SHARED_VALUE_VERSION, &bytes),
                ),
                SharedOp::Doc { catalog, doc } => batch.put_cf(
                    cf(db, CF_SHARED_DOCS),
                    shared_doc_key(&catalog, &doc.doc),
                    encode_shared_doc(&doc.save, &doc.signatures),
                ),
                SharedOp::Tombstone {
                    catalog,
                    doc,
                    bytes,
                } => {
                    batch.delete_cf(cf(db, CF_SHARED_DOCS), shared_doc_key(&catalog, &doc));
                    batch.delete_cf(cf(db, CF_SHARED_RECORDS), shared_record_key(&doc, &catalog));
                    batch.put_cf(
                        cf(db, CF_TOMBSTONES),
                        shared_doc_key(&catalog, &doc),
                        encode_versioned(SHARED_VALUE_VERSION, &bytes),
                    );
                }
                SharedOp::Materialised {
                    catalog,
                    doc,
                    origin,
                    record,
                } => {
                    let key = shared_record_key(&doc, &catalog);
                    match record {
                        None => batch.delete_cf(cf(db, CF_SHARED_RECORDS), key),
                        Some(record) => {
                            let value = serde_json::json!({
                                "record": record,
                                "origin": {"node": origin, "catalog": catalog},
                            });
                            batch.put_cf(
                                cf(db, CF_SHARED_RECORDS),
                                key,
                                encode_versioned(
                                    SHARED_VALUE_VERSION,
                                    &serde_json::to_vec(&value).expect("serialises"),
                                ),
                            )
                        }
                    }
                }
                SharedOp::DropCatalog {
                    catalog,
                    docs,
                    tombstones,
                } => {
                    batch.delete_cf(cf(db, CF_CATALOGS), catalog.as_bytes());
                    for doc in &docs {
                        batch.delete_cf(cf(db, CF_SHARED_DOCS), shared_doc_key(&catalog, doc));
                        batch
                            .delete_cf(cf(db, CF_SHARED_RECORDS), shared_record_key(doc, &catalog));
                    }
                    for doc in &tombstones {
                        batch.delete_cf(cf(db, CF_TOMBSTONES), shared_doc_key(&catalog, doc));
                    }
                }
                SharedOp::State { key, value } => match value {
                    None => batch.delete_cf(cf(db, CF_SYNC_STATE), key.as_bytes()),
                    Some(v) => batch.put_cf(
                        cf(db, CF_SYNC_STATE),
                        key.as_bytes(),
                        encode_versioned(SHARED_VALUE_VERSION, &v),
                    ),
                },
            }
        }
        batch
    }

    fn put_batch(
        &mut self,
        records: Vec<Record>,
        mode: PutMode,
        expected_revision: Option<u64>,
        actor: &str,
    ) -> Vec<Result<Record, StoreError>> {
        let now = Self::now();
        // Give ids to records that came without one.
        let mut records: Vec<Record> = records
            .into_iter()
            .map(|mut r| {
                if r.has_pending_id() {
                    r.id = RecordId::new(&uuid::Uuid::now_v7().to_string())
                        .expect("uuid is a valid id");
                }
                r
            })
            .collect();
        let mut results: Vec<Option<Result<Record, StoreError>>> =
            (0..records.len()).map(|_| None).collect();

        // Checks that need the database but not the links.
        let mut seen = HashSet::new();
        let mut existing: Vec<Option<Record>> = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let prev = match read_record(&self.db, &r.id) {
                Ok(p) => p,
                Err(e) => {
                    results[i] = Some(Err(e));
                    existing.push(None);
                    continue;
                }
            };
            let current = prev.as_ref().map_or(0, |p| p.revision);
            if let Some(expected) = expected_revision.filter(|e| *e != current) {
                results[i] = Some(Err(StoreError::RevisionMismatch {
                    id: r.id.clone(),
                    expected,
                    current,
                }));
            } else if !seen.insert(r.id.clone()) {
                results[i] = Some(Err(StoreError::Invalid(ValidationError::one(
                    "id",
                    format!("`{}` appears twice in this batch", r.id),
                ))));
            } else if let Some(p) = &prev {
                if mode == PutMode::Create {
                    results[i] = Some(Err(StoreError::AlreadyExists(r.id.clone())));
                } else if p.kind != r.kind {
                    results[i] = Some(Err(StoreError::KindChange {
                        id: r.id.clone(),
                        existing: p.kind,
                        requested: r.kind,
                    }));
                }
            }
            existing.push(prev);
        }

        // Links may point into the batch, so drop failing records until the rest is closed.
        loop {
            let batch: HashMap<RecordId, RecordKind> = records
                .iter()
                .zip(&results)
                .filter(|(_, res)| res.is_none())
                .map(|(r, _)| (r.id.clone(), r.kind))
                .collect();
            let resolver = BatchResolver {
                db: &self.db,
                batch: &batch,
            };
            let mut changed = false;
            for (i, r) in records.iter().enumerate() {
                if results[i].is_none()
                    && let Err(e) = r.check_links(&resolver)
                {
                    results[i] = Some(Err(StoreError::Invalid(e)));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }

        for (i, record) in records.iter_mut().enumerate() {
            if results[i].is_some() {
                continue;
            }
            let prev = existing[i].as_ref();
            let keep_meta = mode == PutMode::Import;
            record.revision = match (keep_meta && record.revision > 0, prev) {
                (true, _) => record.revision,
                (false, Some(p)) => p.revision + 1,
                (false, None) => 1,
            };
            record.created_at = match (keep_meta, &record.created_at, prev) {
                (true, Some(c), _) => Some(c.clone()),
                (_, _, Some(p)) => p.created_at.clone(),
                _ => Some(now.clone()),
            };
            if !(keep_meta && record.updated_at.is_some()) {
                record.updated_at = Some(now.clone());
            }
            let action = match (mode, prev) {
                (PutMode::Import, _) => "import",
                (_, Some(_)) => "replace",
                (_, None) => "create",
            };
            results[i] = Some(
                self.write_record(record, prev, actor, action, &now)
                    .map(|()| record.clone()),
            );
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or(Err(StoreError::Stopped)))
            .collect()
    }

    fn audit(
        &mut self,
        batch: &mut WriteBatch,
        actor: &str,
        action: &str,
        record: &Record,
        now: &str,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            seq: self.audit_seq + 1,
            at: now.to_owned(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            record_id: record.id.to_string(),
            kind: record.kind.to_string(),
            revision: record.revision,
        };
        let json = serde_json::to_vec(&entry).map_err(|e| StoreError::Corrupt {
            key: "audit".into(),
            reason: e.to_string(),
        })?;
        batch.put_cf(
            cf(&self.db, CF_AUDIT),
            entry.seq.to_be_bytes(),
            encode_versioned(AUDIT_VALUE_VERSION, &json),
        );
        Ok(())
    }

    /// One logical write = one atomic batch: record, kind index, link index, audit entry.
    fn write_record(
        &mut self,
        record: &Record,
        prev: Option<&Record>,
        actor: &str,
        action: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let db = self.db.clone();
        let mut batch = WriteBatch::default();
        let json = serde_json::to_vec(&record.to_json()).map_err(|e| StoreError::Corrupt {
            key: record.id.to_string(),
            reason: e.to_string(),
        })?;
        batch.put_cf(
            cf(&db, CF_RECORDS),
            record.id.as_bytes(),
            encode_versioned(RECORD_VALUE_VERSION, &json),
        );
        batch.put_cf(
            cf(&db, CF_BY_KIND),
            by_kind_key(record.kind, &record.id),
            b"",
        );
        let new_links = record.link_targets();
        if let Some(p) = prev {
            for old in p.link_targets().difference(&new_links) {
                batch.delete_cf(cf(&db, CF_LINKS_IN), links_in_key(old, &record.id));
            }
        }
        for target in &new_links {
            batch.put_cf(cf(&db, CF_LINKS_IN), links_in_key(target, &record.id), b"");
        }
        self.audit(&mut batch, actor, action, record, now)?;
        self.commit(batch)
    }

    fn commit(&mut self, batch: WriteBatch) -> Result<(), StoreError> {
        // Not synced here: the group's single flush_wal(true) syncs before anything is acknowledged.
        let mut wo = WriteOptions::default();
        wo.set_sync(false);
        self.db.write_opt(batch, &wo)?;
        self.audit_seq += 1;
        Ok(())
    }

    fn delete(&mut self, id: &RecordId, actor: &str) -> Result<Record, StoreError> {
        let db = self.db.clone();
        let record = read_record(&db, id)?.ok_or_else(|| StoreError::NotFound(id.clone()))?;
        let prefix = links_in_prefix(id);
        let mut by = Vec::new();
        for item in db.iterator_cf(
            cf(&db, CF_LINKS_IN),
            IteratorMode::From(&prefix, Direction::Forward),
        ) {
            let (k, _) = item?;
            if !k.starts_with(&prefix) || by.len() >= 20 {
                break;
            }
            if let Ok(source) = RecordId::new(&String::from_utf8_lossy(&k[prefix.len()..])) {
                by.push(source);
            }
        }
        if !by.is_empty() {
            return Err(StoreError::Referenced { id: id.clone(), by });
        }
        let mut batch = WriteBatch::default();
        batch.delete_cf(cf(&db, CF_RECORDS), id.as_bytes());
        batch.delete_cf(cf(&db, CF_BY_KIND), by_kind_key(record.kind, id));
        for target in record.link_targets() {
            batch.delete_cf(cf(&db, CF_LINKS_IN), links_in_key(&target, id));
        }
        self.audit(&mut batch, actor, "delete", &record, &Self::now())?;
        self.commit(batch)?;
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: serde_json::Value) -> Record {
        Record::from_json(&v).unwrap()
    }

    fn org(id: &str) -> Record {
        rec(
            json!({"id": id, "kind": "organisation", "name": {"en": "Org"}, "country": "LV", "org_type": "ngo_association"}),
        )
    }

    #[tokio::test]
    async fn put_get_list_delete_with_audit_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let (store, writer) = Store::open(dir.path()).unwrap();
        let stored = store
            .put(org("org-1"), PutMode::Create, "alice")
            .await
            .unwrap();
        assert_eq!(stored.revision, 1);
        assert!(stored.created_at.is_some());
        assert!(matches!(
            store.put(org("org-1"), PutMode::Create, "alice").await,
            Err(StoreError::AlreadyExists(_))
        ));
        let replaced = store
            .put(org("org-1"), PutMode::Upsert, "bob")
            .await
            .unwrap();
        assert_eq!(replaced.revision, 2);
        assert_eq!(replaced.created_at, stored.created_at);

        // A dangling link is refused and nothing is stored.
        let tool = json!({"id": "tool-1", "kind": "support_tool", "name": {"en": "T"}, "tool_type": "training",
                          "summary": {"en": "s"}, "provider_org": "org-2"});
        let err = store
            .put(rec(tool.clone()), PutMode::Upsert, "alice")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("provider_org"), "{err}");
        assert!(
            store
                .get(RecordId::new("tool-1").unwrap())
                .await
                .unwrap()
                .is_none()
        );

        // In one batch, links may point forward.
        let results = store
            .put_many(vec![rec(tool), org("org-2")], PutMode::Upsert, "alice")
            .await
            .unwrap();
        assert!(results.iter().all(Result::is_ok), "{results:?}");

        // A linked record cannot be deleted.
        let err = store
            .delete(RecordId::new("org-2").unwrap(), "alice")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Referenced { .. }), "{err}");
        store
            .delete(RecordId::new("tool-1").unwrap(), "alice")
            .await
            .unwrap();
        store
            .delete(RecordId::new("org-2").unwrap(), "alice")
            .await
            .unwrap();

        let page = store
            .list(Filter::kind(RecordKind::Organisation), None, 10)
            .await
            .unwrap();
        assert_eq!(page.records.len(), 1);
        let audit = store.audit(None, 100).await.unwrap();
        let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(
            actions,
            ["delete", "delete", "create", "create", "replace", "create"]
        );
        assert_eq!(audit[4].actor, "bob");
        drop(store);
        writer.join();
    }

    #[tokio::test]
    async fn pagination_visits_every_record_once() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _writer) = Store::open(dir.path()).unwrap();
        let batch: Vec<_> = (0..57).map(|i| org(&format!("org-{i:03}"))).collect();
        store.put_many(batch, PutMode::Create, "t").await.unwrap();
        for filter in [Filter::default(), Filter::kind(RecordKind::Organisation)] {
            let mut seen = Vec::new();
            let mut cursor = None;
            loop {
                let page = store.list(filter.clone(), cursor, 10).await.unwrap();
                seen.extend(page.records.into_iter().map(|r| r.id.to_string()));
                match page.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            let expected: Vec<_> = (0..57).map(|i| format!("org-{i:03}")).collect();
            assert_eq!(seen, expected);
        }
    }

    #[tokio::test]
    async fn shared_documents_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let docs = vec![
            StoredDoc {
                doc: "a".into(),
                save: vec![1, 2, 3],
                signatures: vec![b"sig-1".to_vec(), vec![]],
            },
            StoredDoc {
                doc: "b".into(),
                save: vec![],
                signatures: vec![],
            },
        ];
        {
            let (store, writer) = Store::open(dir.path()).unwrap();
            let doc_ops = |catalog: &str, docs: &[StoredDoc]| {
                docs.iter()
                    .map(|d| SharedOp::Doc {
                        catalog: catalog.into(),
                        doc: d.clone(),
                    })
                    .collect::<Vec<_>>()
            };
            let mut ops = vec![SharedOp::Manifest {
                catalog: "cat-1".into(),
                bytes: b"manifest".to_vec(),
            }];
            ops.extend(doc_ops("cat-1", &docs));
            ops.push(SharedOp::Manifest {
                catalog: "cat-10".into(),
                bytes: b"other".to_vec(),
            });
            ops.extend(doc_ops(
                "cat-10",
                &[StoredDoc {
                    doc: "x".into(),
                    save: vec![9],
                    signatures: vec![],
                }],
            ));
            ops.push(SharedOp::State {
                key: "peer/p1/cat-1".into(),
                value: Some(b"{}".to_vec()),
            });
            store.write_shared(ops).await.unwrap();
            drop(store);
            writer.join();
        }
        let (store, _writer) = Store::open(dir.path()).unwrap();
        let catalogs = store.load_catalogs().await.unwrap();
        assert_eq!(catalogs.len(), 2);
        assert_eq!(catalogs[0].catalog, "cat-1");
        assert_eq!(catalogs[0].manifest, b"manifest");
        assert_eq!(
            catalogs[0].docs, docs,
            "documents of cat-10 must not leak into cat-1"
        );
        assert_eq!(catalogs[1].docs.len(), 1);
        assert_eq!(
            store.load_state("peer/").await.unwrap(),
            vec![("peer/p1/cat-1".to_owned(), b"{}".to_vec())]
        );
    }

    #[tokio::test]
    async fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (store, writer) = Store::open(dir.path()).unwrap();
            let db = store.db.clone();
            db.put_cf(
                cf(&db, CF_META),
                META_SCHEMA_VERSION,
                (SCHEMA_VERSION + 1).to_be_bytes(),
            )
            .unwrap();
            drop(db);
            drop(store);
            writer.join();
        }
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }), "{err}");
        assert!(err.to_string().contains("upgrade sicc"));
    }

    #[tokio::test]
    async fn an_older_schema_is_checkpointed_then_migrated_keeping_its_records() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("db");
        let record = org("org-migrated");
        {
            // A version-1 database: no stored actor epoch.
            let (store, writer) = Store::open(&path).unwrap();
            store
                .put(record.clone(), PutMode::Create, "test")
                .await
                .unwrap();
            let db = store.db.clone();
            db.put_cf(cf(&db, CF_META), META_SCHEMA_VERSION, 1u32.to_be_bytes())
                .unwrap();
            db.delete_cf(cf(&db, CF_SYNC_STATE), ACTOR_EPOCH_KEY)
                .unwrap();
            drop(db);
            drop(store);
            writer.join();
        }
        let (store, writer) = Store::open(&path).unwrap();
        assert_eq!(
            read_schema_version(&store.db).unwrap(),
            Some(SCHEMA_VERSION)
        );
        let epoch = store.load_state(ACTOR_EPOCH_KEY).await.unwrap();
        assert_eq!(epoch.len(), 1, "the migration stored the epoch");
        assert!(store.get(record.id.clone()).await.unwrap().is_some());
        drop(store);
        writer.join();
        // The pre-migration checkpoint is a whole version-1 database beside it.
        let saved: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("db.pre-v2-"))
            .collect();
        assert_eq!(saved.len(), 1);
        let db = DB::open_cf(&Options::default(), saved[0].path(), ALL_CFS).unwrap();
        assert_eq!(read_schema_version(&db).unwrap(), Some(1));
    }
}
