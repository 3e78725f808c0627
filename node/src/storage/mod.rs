//! The node's durable store: records, indexes, the audit trail, shared documents and the
//! ordered change feed in RocksDB.
//!
//! One OS thread (the writer, `writer.rs`) owns every write. It takes commands from a bounded
//! channel, applies each logical write as one atomic `WriteBatch` that also appends the change
//! to the feed (`feed.rs`), then syncs the WAL once for the whole group before acknowledging any
//! of them (group commit): an acknowledged write survives `kill -9` and power loss. Reads run on
//! tokio's blocking pool against the shared `DB`, never on the async executor's threads. Only
//! this module names RocksDB (ARCHITECTURE.md, invariant 2).
//!
//! - `records.rs`: record, link and audit reads;
//! - `shared.rs`: the sync engine's stored form (manifests, documents, tombstones, readable
//!   shared records, sync state) and its reads;
//! - `feed.rs`: the change feed and its followers;
//! - `migrate.rs`: schema versions and forward migrations;
//! - `schema.rs`: column families, keys and value envelopes.

mod erasures;
mod feed;
mod migrate;
mod purge;
mod records;
mod schema;
mod shared;
mod writer;

pub use erasures::{Erased, Erasure, parse_time};
pub use feed::{Committed, Consumer, FeedChange, Follower, Written};
pub use schema::{ACTOR_EPOCH_KEY, AuditEntry, SCHEMA_VERSION, StoredDoc};
pub use shared::{QuarantinedRecord, SharedOp, SharedPage, SharedRecord, StoredCatalog};

use rocksdb::{ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options};
use schema::*;
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::{Record, ValidationError};
use sicc_protocol::schema::RecordKind;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, watch};

/// Capacity of the writer's command queue.
const WRITE_QUEUE: usize = 256;
/// Most commands folded into one group commit.
const MAX_GROUP: usize = 128;
/// Most records in one `put_many` call.
pub const MAX_BATCH_RECORDS: usize = 5_000;
/// RocksDB's block cache, shared by every column family (the OS page cache serves the rest).
const BLOCK_CACHE_BYTES: usize = 8 << 20;
/// Most bytes of memtables, all column families together.
const MEMTABLE_BYTES: usize = 8 << 20;
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

/// The actor epoch stored in sync state (`{"epoch": n, ...}`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct EpochRecord {
    pub epoch: u32,
    /// When a restore moved the node to this epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_at: Option<String>,
}

/// Counts for status displays.
#[derive(Debug, Clone, Default)]
pub struct StoreStats {
    pub records_by_kind: BTreeMap<RecordKind, u64>,
    pub audit_entries: u64,
}

enum Command {
    /// Adds a live follower of the feed.
    Follow {
        batches: mpsc::Sender<Arc<Vec<Committed>>>,
    },
    /// Records how far a follower has consumed the feed (not synced: a lost cursor only makes
    /// the follower replay entries, which it does idempotently).
    Consumed { consumer: Consumer, seq: u64 },
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
        /// Deletes even a record others link to (an erasure replayed on restore: the links
        /// that were removed before it are older than the backup).
        force: bool,
        reply: oneshot::Sender<Result<Record, StoreError>>,
    },
    /// Writes sync state (manifests, documents, tombstones, materialised records, per-peer
    /// state) in one atomic batch.
    WriteShared {
        ops: Vec<SharedOp>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    /// Writes staff accounts, sessions and tokens (`None`: removes the key) in one atomic,
    /// synced batch.
    Accounts {
        ops: Vec<(String, Option<Vec<u8>>)>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

/// Cheap, cloneable handle to the store.
#[derive(Clone)]
pub struct Store {
    db: Arc<DB>,
    writer: mpsc::Sender<Command>,
    /// The last feed sequence whose batch is durable (the writer moves it after each sync).
    committed: watch::Receiver<u64>,
    /// Purges of erased values completed since the store opened.
    purges: watch::Receiver<u64>,
    /// The shared entries that do not validate here, kept by the writer.
    quarantine: watch::Receiver<shared::Quarantine>,
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
    purger: std::thread::JoinHandle<()>,
}

impl StoreWriter {
    /// Waits until the writer has drained its queue and closed (after every `Store` is dropped),
    /// then until the purger has finished (it stops with the writer).
    pub fn join(self) {
        let _ = self.thread.join();
        let _ = self.purger.join();
    }
}

impl Store {
    /// Opens (or creates) the database under `path` and starts the writer thread.
    pub fn open(path: &Path) -> Result<(Store, StoreWriter), StoreError> {
        const READ_BY_KEY: &[&str] = &[
            CF_RECORDS,
            CF_SHARED_DOCS,
            CF_SHARED_RECORDS,
            CF_CATALOGS,
            CF_TOMBSTONES,
            CF_SYNC_STATE,
            CF_ACCOUNTS,
            CF_META,
        ];
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        opts.increase_parallelism(2);
        // Memtables of all column families together stay under 8 MiB (RocksDB flushes the
        // largest when the total reaches it): a node syncing 10,000 shared documents otherwise
        // kept ~60 MB of them resident until restart, and 27 MB with a 32 MiB cap
        // (sicc-bench, memory after sync).
        opts.set_db_write_buffer_size(MEMTABLE_BYTES);
        opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
        // One block cache for every column family, index and filter blocks included: left
        // alone, RocksDB gives each of the 13 column families its own 32 MiB cache, which a
        // restarted node reading its 10,000 shared documents filled (sicc-bench, memory).
        let cache = rocksdb::Cache::new_lru_cache(BLOCK_CACHE_BYTES);
        let table_options = |bloom_filter: bool| {
            let mut tables = rocksdb::BlockBasedOptions::default();
            tables.set_block_cache(&cache);
            tables.set_cache_index_and_filter_blocks(true);
            tables.set_pin_l0_filter_and_index_blocks_in_cache(true);
            if bloom_filter {
                tables.set_bloom_filter(10.0, false);
            }
            tables
        };
        let tables = table_options(false);
        opts.set_block_based_table_factory(&tables);
        // A Bloom filter per table of the column families read by key (10 bits a key, about 1%
        // false positives): a lookup of a key a table does not hold skips its data blocks. An
        // import checks whether each record exists already; without filters, each new id read
        // a data block of every level. The others are only scanned: a filter would cost
        // without helping.
        let filtered = table_options(true);
        let cfs = ALL_CFS.iter().map(|name| {
            let mut o = Options::default();
            o.set_compression_type(rocksdb::DBCompressionType::Lz4);
            o.set_block_based_table_factory(if READ_BY_KEY.contains(name) {
                &filtered
            } else {
                &tables
            });
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
        migrate::prepare_schema(&db, path)?;
        let db = Arc::new(db);
        let (tx, rx) = mpsc::channel(WRITE_QUEUE);
        let (purge, purges, purger) = purge::start(db.clone())?;
        let (writer, views) = writer::Writer::new(db.clone(), purge)?;
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
        Ok((
            Store {
                db,
                writer: tx,
                committed: views.committed,
                purges,
                quarantine: views.quarantine,
            },
            StoreWriter { thread, purger },
        ))
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

    /// Writes many records in one group commit; each is accepted or refused on its own by
    /// the checks (validation, links, revision, kind), and the accepted ones are written in
    /// atomic batches of a few MiB, each record whole: a storage failure fails a batch.
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
        self.delete_command(id, actor, false).await
    }

    /// Deletes a record even if others link to it (their links then dangle): an erasure
    /// replayed on restore, where the edits that removed those links predate nothing.
    pub async fn erase(&self, id: RecordId, actor: &str) -> Result<Record, StoreError> {
        self.delete_command(id, actor, true).await
    }

    async fn delete_command(
        &self,
        id: RecordId,
        actor: &str,
        force: bool,
    ) -> Result<Record, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.writer
            .send(Command::Delete {
                id,
                actor: actor.to_owned(),
                force,
                reply,
            })
            .await
            .map_err(|_| StoreError::Stopped)?;
        rx.await.map_err(|_| StoreError::Stopped)?
    }

    /// Writes to the accounts table (`accounts.rs`) as one atomic, synced batch; `None`
    /// removes the key.
    pub async fn write_accounts(
        &self,
        ops: Vec<(String, Option<Vec<u8>>)>,
    ) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.writer
            .send(Command::Accounts { ops, reply })
            .await
            .map_err(|_| StoreError::Stopped)?;
        rx.await.map_err(|_| StoreError::Stopped)?
    }

    /// One value of the accounts table.
    pub async fn read_account(&self, key: String) -> Result<Option<Vec<u8>>, StoreError> {
        let db = self.db.clone();
        blocking(move || {
            Ok(db
                .get_pinned_cf(cf(&db, schema::CF_ACCOUNTS), key.as_bytes())?
                .map(|v| v.to_vec()))
        })
        .await
    }

    /// The accounts table's `(key without prefix, value)` pairs under `prefix`, in key order.
    pub async fn scan_accounts(
        &self,
        prefix: String,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let db = self.db.clone();
        blocking(move || scan_prefix(&db, schema::CF_ACCOUNTS, prefix.as_bytes())).await
    }

    /// Every erasure this node journalled, oldest first (`storage/erasures.rs`).
    pub async fn erasures(&self) -> Result<Vec<Erasure>, StoreError> {
        erasures::read(self.db.clone()).await
    }

    /// Whether the node holds the catalogue `catalog` (its manifest is stored).
    pub async fn holds_catalog(&self, catalog: &str) -> Result<bool, StoreError> {
        let db = self.db.clone();
        let key = catalog.as_bytes().to_vec();
        blocking(move || {
            Ok(db
                .get_pinned_cf(cf(&db, schema::CF_CATALOGS), key)?
                .is_some())
        })
        .await
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

    /// Reads one record.
    pub async fn get(&self, id: RecordId) -> Result<Option<Record>, StoreError> {
        let db = self.db.clone();
        blocking(move || records::read_record(&db, &id)).await
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
        blocking(move || records::list_records(&db, &filter, cursor.as_deref(), limit)).await
    }

    /// Reads the audit trail, newest first, optionally for one record.
    pub async fn audit(
        &self,
        record: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let db = self.db.clone();
        blocking(move || records::read_audit(&db, record.as_ref(), limit.clamp(1, MAX_PAGE))).await
    }

    /// Reads many records at once (a follower catching up); missing ones are `None`.
    pub async fn get_many(&self, ids: Vec<RecordId>) -> Result<Vec<Option<Record>>, StoreError> {
        let db = self.db.clone();
        blocking(move || ids.iter().map(|id| records::read_record(&db, id)).collect()).await
    }

    // ------------------------------------------------------------------ the change feed

    /// The last feed sequence whose batch is durable and visible to reads.
    pub fn committed_seq(&self) -> u64 {
        *self.committed.borrow()
    }

    /// Follows the feed from just after `cursor`.
    pub async fn follow(&self, cursor: u64) -> Result<Follower, StoreError> {
        let (batches, live) = mpsc::channel(feed::FOLLOWER_QUEUE);
        self.writer
            .send(Command::Follow { batches })
            .await
            .map_err(|_| StoreError::Stopped)?;
        Ok(Follower::new(
            self.clone(),
            live,
            self.committed.clone(),
            cursor,
        ))
    }

    /// How far `consumer` had consumed the feed when it last said so (`None`: never, so it
    /// must rebuild what it derives from the store).
    pub async fn feed_cursor(&self, consumer: Consumer) -> Result<Option<u64>, StoreError> {
        let db = self.db.clone();
        blocking(move || feed::read_cursor(&db, consumer)).await
    }

    /// The oldest feed entry still kept (`None`: none is); a follower whose cursor is older
    /// than the one before it cannot resume and must rebuild.
    pub async fn feed_first_seq(&self) -> Result<Option<u64>, StoreError> {
        let db = self.db.clone();
        blocking(move || feed::first_seq(&db)).await
    }

    /// Records that `consumer` has durably consumed the feed up to `seq` (entries every
    /// consumer has passed are pruned).
    pub async fn feed_consumed(&self, consumer: Consumer, seq: u64) -> Result<(), StoreError> {
        self.writer
            .send(Command::Consumed { consumer, seq })
            .await
            .map_err(|_| StoreError::Stopped)
    }

    /// The node's current actor epoch (0 when none is stored).
    pub async fn actor_epoch(&self) -> Result<u32, StoreError> {
        let found = self.load_state(ACTOR_EPOCH_KEY).await?;
        Ok(found
            .into_iter()
            .find(|(k, _)| k == ACTOR_EPOCH_KEY)
            .and_then(|(_, v)| serde_json::from_slice::<EpochRecord>(&v).ok())
            .map_or(0, |e| e.epoch))
    }

    /// Purges of erased values from the store's files completed since it opened (see
    /// `storage/purge.rs`).
    pub fn purges_completed(&self) -> u64 {
        *self.purges.borrow()
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
            stats.audit_entries = records::last_audit_seq(&db)?;
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
        blocking(move || migrate::read_schema_version(&db).map(|_| ()))
            .await
            .is_ok()
            && !self.writer.is_closed()
    }
}

pub(crate) async fn blocking<T: Send + 'static>(
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
pub(crate) fn scan_prefix(
    db: &DB,
    name: &str,
    prefix: &[u8],
) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
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

pub(crate) fn cf<'a>(db: &'a DB, name: &str) -> &'a rocksdb::ColumnFamily {
    // Every CF in ALL_CFS is created at open, so this cannot fail on an opened DB.
    db.cf_handle(name).expect("column family created at open")
}

#[cfg(test)]
mod tests {
    use super::migrate::read_schema_version;
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
    async fn a_shared_document_holding_another_documents_record_is_quarantined() {
        let dir = tempfile::tempdir().unwrap();
        let (store, writer) = Store::open(dir.path()).unwrap();
        let org = |id: &str| {
            json!({"id": id, "kind": "organisation", "name": {"es": "Org"}, "country": "ES",
                   "org_type": "ngo_association", "access_level": "consortium"})
        };
        let materialise = |doc: &str, record: serde_json::Value| SharedOp::Materialised {
            catalog: "node-es/replication".into(),
            doc: doc.into(),
            origin: "node-es".into(),
            record: Some(record),
        };
        // Document `es-b` carries the record of `es-a` (SPEC.md §6.9: the ids must agree).
        store
            .write_shared(vec![
                materialise("es-a", org("es-a")),
                materialise("es-b", org("es-a")),
            ])
            .await
            .unwrap();
        let listed = store
            .list_shared(Filter::default(), None, 100)
            .await
            .unwrap();
        let ids: Vec<_> = listed
            .records
            .iter()
            .map(|s| s.record.id.as_str())
            .collect();
        assert_eq!(ids, ["es-a"], "listed once, under its own id");
        assert!(
            store
                .get_shared("es-b".parse().unwrap())
                .await
                .unwrap()
                .is_empty()
        );
        let quarantined = store.quarantined();
        assert_eq!(quarantined.len(), 1);
        assert_eq!(quarantined[0].id, "es-b");
        assert!(
            quarantined[0]
                .problem
                .contains("`es-a` is not the document id `es-b`"),
            "{}",
            quarantined[0].problem
        );

        // The writer keeps the quarantine; a store opened again finds the same by reading
        // every entry, and a valid version of the document takes it out.
        drop(store);
        writer.join();
        let (store, writer) = Store::open(dir.path()).unwrap();
        assert_eq!(store.quarantined(), quarantined);
        store
            .write_shared(vec![materialise("es-b", org("es-b"))])
            .await
            .unwrap();
        assert!(store.quarantined().is_empty());
        drop(store);
        writer.join();
        let (store, _writer) = Store::open(dir.path()).unwrap();
        assert!(store.quarantined().is_empty());
    }

    #[tokio::test]
    async fn a_shared_entry_of_an_unknown_storage_format_is_quarantined_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let (store, writer) = Store::open(dir.path()).unwrap();
        // As a newer version (or a damaged disk) might have left it.
        store
            .db
            .put_cf(
                cf(&store.db, schema::CF_SHARED_RECORDS),
                b"es-org-9\0node-es/replication",
                [0xEE, b'{', b'}'],
            )
            .unwrap();
        drop(store);
        writer.join();
        let (store, _writer) = Store::open(dir.path()).unwrap();
        let quarantined = store.quarantined();
        assert_eq!(quarantined.len(), 1);
        assert_eq!(quarantined[0].id, "es-org-9");
        assert!(
            quarantined[0].problem.contains("unknown format"),
            "{quarantined:?}"
        );
        let listed = store
            .list_shared(Filter::default(), None, 100)
            .await
            .unwrap();
        assert!(listed.records.is_empty(), "listings go on without it");
        let (valid, held) = store
            .get_shared_entries("es-org-9".parse().unwrap())
            .await
            .unwrap();
        assert!(valid.is_empty());
        assert_eq!(held, quarantined, "its page says why");
    }

    #[tokio::test]
    async fn a_local_record_links_across_borders_and_keeps_the_link_when_the_entry_goes() {
        let dir = tempfile::tempdir().unwrap();
        let (store, writer) = Store::open(dir.path()).unwrap();
        let partner_org = json!({"id": "es-org-1", "kind": "organisation", "name": {"es": "Org"},
                                 "country": "ES", "org_type": "ngo_association", "access_level": "consortium"});
        let materialise = |record: Option<serde_json::Value>| SharedOp::Materialised {
            catalog: "node-es/replication".into(),
            doc: "es-org-1".into(),
            origin: "node-es".into(),
            record,
        };
        store
            .write_shared(vec![materialise(Some(partner_org))])
            .await
            .unwrap();
        let tool = |summary: &str| {
            rec(
                json!({"id": "lv-tool-1", "kind": "support_tool", "name": {"lv": "Rīks"}, "tool_type": "training",
                       "summary": {"lv": summary}, "provider_org": "es-org-1"}),
            )
        };
        // A link to a partner's organisation this node holds is accepted; a wrong kind is not.
        store
            .put(tool("a"), PutMode::Create, "alice")
            .await
            .unwrap();
        let wrong_kind = rec(
            json!({"id": "lv-case-1", "kind": "replication_case", "title": {"lv": "C"},
                                    "origin_initiative": "es-org-1", "origin_country": "ES", "target_country": "LV",
                                    "status": "exploring"}),
        );
        let err = store
            .put(wrong_kind, PutMode::Create, "alice")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("origin_initiative")
                && err
                    .to_string()
                    .contains("a organisation; expected initiative"),
            "{err}"
        );

        // The partner erases its entry: the tool keeps its link through later edits, but a new
        // link to what is gone is refused.
        store.write_shared(vec![materialise(None)]).await.unwrap();
        let edited = store
            .put(tool("b"), PutMode::Upsert, "alice")
            .await
            .unwrap();
        assert_eq!(edited.revision, 2);
        assert!(
            edited
                .link_targets()
                .contains(&RecordId::new("es-org-1").unwrap())
        );
        let mut another = tool("c");
        another.id = RecordId::new("lv-tool-2").unwrap();
        let err = store
            .put(another, PutMode::Create, "alice")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        drop(store);
        writer.join();
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
    async fn a_batch_writes_each_accepted_record_whole_and_nothing_of_a_refused_one() {
        let dir = tempfile::tempdir().unwrap();
        let tool = |id: &str, provider: &str| {
            rec(
                json!({"id": id, "kind": "support_tool", "name": {"en": "T"},
                "tool_type": "training", "summary": {"en": "s"}, "provider_org": provider}),
            )
        };
        {
            let (store, writer) = Store::open(dir.path()).unwrap();
            store.put(org("org-0"), PutMode::Create, "a").await.unwrap();
            let mut follower = store.follow(store.committed_seq()).await.unwrap();
            // The tool links forward into the batch; the second one's target exists nowhere.
            let batch = vec![
                tool("tool-1", "org-1"),
                org("org-1"),
                tool("tool-2", "org-missing"),
                tool("tool-3", "org-0"),
            ];
            let results = store.put_many(batch, PutMode::Create, "b").await.unwrap();
            let ok: Vec<bool> = results.iter().map(Result::is_ok).collect();
            assert_eq!(ok, [true, true, false, true], "{results:?}");
            // One feed entry per accepted record, in the batch's order.
            let changes: Vec<FeedChange> = follower
                .next()
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.change)
                .collect();
            let local = |id: &str| FeedChange::Local(RecordId::new(id).unwrap());
            assert_eq!(changes, [local("tool-1"), local("org-1"), local("tool-3")]);
            drop(follower);
            drop(store);
            writer.join();
        }
        // After a reopen: audit entries numbered on from the first write, the link index
        // holding both tools' links, the kind index every accepted record, the refused none.
        let (store, writer) = Store::open(dir.path()).unwrap();
        let audit = store.audit(None, 100).await.unwrap();
        let numbered: Vec<(u64, &str)> = audit
            .iter()
            .map(|a| (a.seq, a.record_id.as_str()))
            .collect();
        assert_eq!(
            numbered,
            [(4, "tool-3"), (3, "org-1"), (2, "tool-1"), (1, "org-0")]
        );
        for (target, by) in [("org-1", "tool-1"), ("org-0", "tool-3")] {
            let err = store
                .delete(RecordId::new(target).unwrap(), "a")
                .await
                .unwrap_err();
            assert!(
                matches!(&err, StoreError::Referenced { by: b, .. } if b[0].as_str() == by),
                "{err}"
            );
        }
        let tools = store
            .list(Filter::kind(RecordKind::SupportTool), None, 10)
            .await
            .unwrap();
        let ids: Vec<&str> = tools.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["tool-1", "tool-3"]);
        // A batch larger than a part (4 KiB in tests) is written in several, numbered on.
        let many: Vec<Record> = (0..40).map(|i| org(&format!("org-many-{i:02}"))).collect();
        let results = store.put_many(many, PutMode::Create, "c").await.unwrap();
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        let audit = store.audit(None, 100).await.unwrap();
        let seqs: Vec<u64> = audit.iter().map(|a| a.seq).collect();
        assert_eq!(seqs, (1..=44).rev().collect::<Vec<u64>>());
        let orgs = store
            .list(Filter::kind(RecordKind::Organisation), None, 100)
            .await
            .unwrap();
        assert_eq!(orgs.records.len(), 42);
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
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("db.pre-v{SCHEMA_VERSION}-"))
            })
            .collect();
        assert_eq!(saved.len(), 1);
        let db = DB::open_cf(&Options::default(), saved[0].path(), ALL_CFS).unwrap();
        assert_eq!(read_schema_version(&db).unwrap(), Some(1));
    }
}
