//! The writer thread: the only code that writes to RocksDB. Each logical write is one atomic
//! batch that also appends its change to the feed; every group of queued commands shares one
//! WAL sync, after which the callers are answered and the feed's followers told.

use super::erasures::Erased;
use super::feed::{self, Committed, Consumer, FeedChange, Written};
use super::purge::PurgeSignal;
use super::records::{last_audit_seq, read_kind, read_record};
use super::schema::*;
use super::shared::{Quarantine, QuarantinedRecord};
use super::{Command, MAX_GROUP, PutMode, SharedOp, StoreError, cf};
use rocksdb::{DB, Direction, IteratorMode, WriteBatch, WriteOptions};
use sicc_protocol::id::RecordId;
use sicc_protocol::record::{FieldValue, LinkResolver, Record, ValidationError};
use sicc_protocol::schema::RecordKind;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// A put command's records are written in atomic batches of about this size (each record
/// whole): an import request may carry 64 MiB, which one batch would put in a single memtable.
/// (4 KiB in unit tests, so that a test's batch of a few dozen records spans several.)
const PART_BYTES: usize = if cfg!(test) { 4 << 10 } else { 4 << 20 };
/// Feed entries every consumer has passed are pruned once this many have accumulated.
const PRUNE_EVERY: u64 = 4_096;
/// A record id: the process aborts right after the group writing it is durable, before the
/// index or the sync engine hear of it (the crash test of `node/tests/process.rs`; nothing
/// else sets it).
const CRASH_AFTER_COMMIT: &str = "SICC_CRASH_AFTER_COMMIT";

/// The writer thread's state.
pub(super) struct Writer {
    db: Arc<DB>,
    audit_seq: u64,
    /// The last feed sequence written (durable once the group is synced).
    feed_seq: u64,
    poisoned: bool,
    /// Live followers of the feed.
    followers: Vec<mpsc::Sender<Arc<Vec<Committed>>>>,
    /// The last durable feed sequence, moved after each synced group.
    committed: watch::Sender<u64>,
    /// Changes written by the current group, handed to followers once it is synced.
    group_feed: Vec<Committed>,
    /// The group holds a write that must be synced before it is acknowledged.
    group_durable: bool,
    /// How far each consumer got, and where the feed was last pruned.
    cursors: [Option<u64>; 2],
    pruned_to: u64,
    crash_after_commit: Option<RecordId>,
    /// The current group erased something: purge it from the files once the group is synced.
    group_erased: bool,
    purge: PurgeSignal,
    /// Makes erasure journal keys of one instant unique.
    erasure_counter: u32,
    /// The shared entries that do not validate here, as of the last synced group (the store's
    /// handles read them).
    quarantine: watch::Sender<Quarantine>,
}

/// Resolves links against the records of the batch being written, this node's records, then
/// the partners' shared records it holds (a link across borders: a Latvian replication case
/// may point at the Spanish initiative it replicates).
struct BatchResolver<'a> {
    db: &'a DB,
    batch: &'a HashMap<RecordId, RecordKind>,
    /// The targets the replaced version already linked to.
    kept: BTreeSet<RecordId>,
}

impl LinkResolver for BatchResolver<'_> {
    fn kind_of(&self, id: &RecordId) -> Option<RecordKind> {
        if let Some(kind) = self.batch.get(id) {
            return Some(*kind);
        }
        // A read error is reported as "missing": the write is then refused, never half-done.
        match read_kind(self.db, id) {
            Ok(Some(kind)) => Some(kind),
            Ok(None) => super::shared::shared_kind(self.db, id),
            Err(_) => None,
        }
    }

    fn was_linked(&self, id: &RecordId) -> bool {
        self.kept.contains(id)
    }
}

type Acks = Vec<Box<dyn FnOnce(Result<(), StoreError>) + Send>>;

/// What the store's handles read of the writer's state.
pub(super) struct WriterViews {
    /// The last durable feed sequence.
    pub committed: watch::Receiver<u64>,
    /// The quarantined shared entries, as of the last synced group.
    pub quarantine: watch::Receiver<Quarantine>,
}

impl Writer {
    pub(super) fn new(
        db: Arc<DB>,
        purge: PurgeSignal,
    ) -> Result<(Writer, WriterViews), StoreError> {
        let (quarantine, quarantine_rx) = watch::channel(super::shared::scan_quarantine(&db)?);
        let audit_seq = last_audit_seq(&db)?;
        let feed_seq = feed::last_seq(&db)?;
        let cursors = [
            feed::read_cursor(&db, Consumer::ALL[0])?,
            feed::read_cursor(&db, Consumer::ALL[1])?,
        ];
        let pruned_to = feed::first_seq(&db)?.map_or(feed_seq, |s| s.saturating_sub(1));
        let (committed, committed_rx) = watch::channel(feed_seq);
        Ok((
            Writer {
                db,
                audit_seq,
                feed_seq,
                poisoned: false,
                followers: Vec::new(),
                committed,
                group_feed: Vec::new(),
                group_durable: false,
                cursors,
                pruned_to,
                crash_after_commit: std::env::var(CRASH_AFTER_COMMIT)
                    .ok()
                    .and_then(|id| RecordId::new(&id).ok()),
                group_erased: false,
                purge,
                erasure_counter: 0,
                quarantine,
            },
            WriterViews {
                committed: committed_rx,
                quarantine: quarantine_rx,
            },
        ))
    }

    pub(super) fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        loop {
            if rx.is_empty() {
                crate::memory::thread_idle();
            }
            let Some(first) = rx.blocking_recv() else {
                break;
            };
            // Group commit: everything already queued shares one WAL sync.
            let mut group = vec![first];
            while group.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(c) => group.push(c),
                    Err(_) => break,
                }
            }
            let mut acks: Acks = Vec::new();
            self.group_durable = false;
            self.group_erased = false;
            for command in group {
                self.apply(command, &mut acks);
            }
            let synced = if self.poisoned {
                Err(StoreError::Poisoned)
            } else if !self.group_durable {
                // Only cursors: nothing to acknowledge durably.
                Ok(())
            } else {
                self.db.flush_wal(true).map_err(StoreError::from)
            };
            if let Err(e) = &synced {
                tracing::error!(error = %e, "WAL sync failed; refusing further writes");
                self.poisoned = true;
                // Written but not durable: never handed to followers as committed.
                self.group_feed.clear();
            }
            if let Some(id) = &self.crash_after_commit
                && self
                    .group_feed
                    .iter()
                    .any(|c| c.change == FeedChange::Local(id.clone()))
            {
                tracing::error!(%id, "{CRASH_AFTER_COMMIT}: aborting after the commit");
                std::process::abort();
            }
            self.note_quarantine();
            self.publish_feed();
            if self.group_erased && synced.is_ok() {
                self.purge.request();
            }
            for ack in acks {
                ack(match &synced {
                    Ok(()) => Ok(()),
                    Err(_) => Err(StoreError::Poisoned),
                });
            }
            self.prune();
        }
        tracing::debug!("store writer stopped");
    }

    /// Brings the quarantine in line with the shared entries the synced group wrote (before
    /// the group is acknowledged: a reader after the ack sees it).
    fn note_quarantine(&mut self) {
        let group = &self.group_feed;
        if !group
            .iter()
            .any(|c| matches!(c.change, FeedChange::Shared { .. }))
        {
            return;
        }
        self.quarantine.send_if_modified(|quarantine| {
            let mut changed = false;
            for c in group {
                let (
                    FeedChange::Shared { doc, catalog },
                    Some(Written::Shared { origin, record }),
                ) = (&c.change, &c.written)
                else {
                    continue;
                };
                let key = (doc.clone(), catalog.clone());
                changed |= match record {
                    Some(Err(problem)) => {
                        let entry = QuarantinedRecord {
                            id: doc.clone(),
                            origin: origin.clone(),
                            catalog: catalog.clone(),
                            problem: problem.clone(),
                        };
                        quarantine.insert(key, entry.clone()) != Some(entry)
                    }
                    Some(Ok(_)) | None => quarantine.remove(&key).is_some(),
                };
            }
            changed
        });
    }

    /// Hands the group's changes to the followers, then moves the committed sequence (in that
    /// order: a follower that sees the sequence move without a batch knows it lost one).
    fn publish_feed(&mut self) {
        if self.group_feed.is_empty() {
            return;
        }
        let batch = Arc::new(std::mem::take(&mut self.group_feed));
        // A full queue drops the batch for that follower only; it reads it back later.
        self.followers.retain(|f| match f.try_send(batch.clone()) {
            Ok(()) | Err(mpsc::error::TrySendError::Full(_)) => true,
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        });
        self.committed.send_replace(self.feed_seq);
    }

    /// Deletes the feed entries every consumer has passed, a few thousand at a time.
    fn prune(&mut self) {
        let (Some(a), Some(b)) = (self.cursors[0], self.cursors[1]) else {
            return;
        };
        let upto = a.min(b).min(self.feed_seq);
        if upto < self.pruned_to + PRUNE_EVERY || self.poisoned {
            return;
        }
        let mut batch = WriteBatch::default();
        batch.delete_range_cf(
            cf(&self.db, CF_FEED),
            (self.pruned_to + 1).to_be_bytes(),
            (upto + 1).to_be_bytes(),
        );
        let mut wo = WriteOptions::default();
        wo.set_sync(false);
        match self.db.write_opt(batch, &wo) {
            Ok(()) => self.pruned_to = upto,
            Err(e) => tracing::warn!(error = %e, "feed entries not pruned"),
        }
    }

    /// Appends a change to the feed in `batch`; it reaches followers once the group is synced.
    fn feed(&mut self, batch: &mut WriteBatch, change: FeedChange, written: Written) {
        self.feed_seq += 1;
        batch.put_cf(
            cf(&self.db, CF_FEED),
            self.feed_seq.to_be_bytes(),
            feed::encode_entry(&change),
        );
        self.group_feed.push(Committed {
            seq: self.feed_seq,
            change,
            written: Some(written),
        });
    }

    /// Notes an erasure in the journal, in the batch that erases.
    fn journal_erasure(&mut self, batch: &mut WriteBatch, what: Erased) {
        super::erasures::journal(&self.db, batch, &mut self.erasure_counter, what);
    }

    fn now() -> String {
        time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    fn apply(&mut self, command: Command, acks: &mut Acks) {
        if matches!(
            command,
            Command::Put { .. }
                | Command::Delete { .. }
                | Command::WriteShared { .. }
                | Command::Accounts { .. }
        ) {
            self.group_durable = true;
        }
        match command {
            Command::Follow { batches } => self.followers.push(batches),
            Command::Consumed { consumer, seq } => self.consumed(consumer, seq),
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
                    self.write_shared(ops)
                };
                acks.push(Box::new(move |synced| {
                    let _ = reply.send(synced.and(result));
                }));
            }
            Command::Accounts { ops, reply } => {
                let result = if self.poisoned {
                    Err(StoreError::Poisoned)
                } else {
                    let mut batch = WriteBatch::default();
                    for (key, value) in ops {
                        match value {
                            Some(v) => batch.put_cf(cf(&self.db, CF_ACCOUNTS), key, v),
                            None => batch.delete_cf(cf(&self.db, CF_ACCOUNTS), key),
                        }
                    }
                    let mut wo = WriteOptions::default();
                    wo.set_sync(false);
                    self.db.write_opt(batch, &wo).map_err(StoreError::from)
                };
                acks.push(Box::new(move |synced| {
                    let _ = reply.send(synced.and(result));
                }));
            }
            Command::Delete {
                id,
                actor,
                force,
                reply,
            } => {
                let result = if self.poisoned {
                    Err(StoreError::Poisoned)
                } else {
                    self.delete(&id, &actor, force)
                };
                acks.push(Box::new(move |synced| {
                    let _ = reply.send(synced.and(result));
                }));
            }
        }
    }

    fn consumed(&mut self, consumer: Consumer, seq: u64) {
        let slot = &mut self.cursors[Consumer::ALL
            .iter()
            .position(|c| *c == consumer)
            .unwrap_or(0)];
        if slot.is_some_and(|s| s >= seq) {
            return;
        }
        *slot = Some(seq);
        let mut wo = WriteOptions::default();
        wo.set_sync(false);
        if let Err(e) = self.db.put_cf_opt(
            cf(&self.db, CF_META),
            consumer.cursor_key(),
            seq.to_be_bytes(),
            &wo,
        ) {
            tracing::warn!(error = %e, consumer = consumer.name(), "feed cursor not recorded");
        }
    }

    /// Writes the sync engine's ops as one atomic batch; every readable shared record they
    /// write or remove goes into the feed with them.
    fn write_shared(&mut self, ops: Vec<SharedOp>) -> Result<(), StoreError> {
        let (seq, pending) = (self.feed_seq, self.group_feed.len());
        let batch = self.shared_batch(ops);
        let mut wo = WriteOptions::default();
        wo.set_sync(false);
        let written = self.db.write_opt(batch, &wo).map_err(StoreError::from);
        if written.is_err() {
            // Nothing of the batch was written: neither are its feed entries.
            self.feed_seq = seq;
            self.group_feed.truncate(pending);
        }
        written
    }

    fn shared_batch(&mut self, ops: Vec<SharedOp>) -> WriteBatch {
        let db = self.db.clone();
        let db = &db;
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
                    self.group_erased = true;
                    self.journal_erasure(
                        &mut batch,
                        Erased::Entry {
                            catalog: catalog.clone(),
                            doc: doc.clone(),
                            tombstone: serde_json::from_slice(&bytes)
                                .unwrap_or(serde_json::Value::Null),
                        },
                    );
                    batch.delete_cf(cf(db, CF_SHARED_DOCS), shared_doc_key(&catalog, &doc));
                    batch.delete_cf(cf(db, CF_SHARED_RECORDS), shared_record_key(&doc, &catalog));
                    batch.put_cf(
                        cf(db, CF_TOMBSTONES),
                        shared_doc_key(&catalog, &doc),
                        encode_versioned(SHARED_VALUE_VERSION, &bytes),
                    );
                    let origin = String::new();
                    self.feed(
                        &mut batch,
                        FeedChange::Shared { doc, catalog },
                        Written::Shared {
                            origin,
                            record: None,
                        },
                    );
                }
                SharedOp::Materialised {
                    catalog,
                    doc,
                    origin,
                    record,
                } => {
                    let key = shared_record_key(&doc, &catalog);
                    match &record {
                        None => {
                            self.group_erased = true;
                            batch.delete_cf(cf(db, CF_SHARED_RECORDS), key)
                        }
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
                    // Validated once, here: the quarantine and the search index both use it.
                    let record = record.map(|v| {
                        Record::from_shared(&doc, &v)
                            .map(Arc::new)
                            .map_err(|e| e.to_string())
                    });
                    self.feed(
                        &mut batch,
                        FeedChange::Shared { doc, catalog },
                        Written::Shared { origin, record },
                    );
                }
                SharedOp::DropCatalog {
                    catalog,
                    docs,
                    tombstones,
                } => {
                    self.group_erased = true;
                    batch.delete_cf(cf(db, CF_CATALOGS), catalog.as_bytes());
                    for doc in docs {
                        batch.delete_cf(cf(db, CF_SHARED_DOCS), shared_doc_key(&catalog, &doc));
                        batch.delete_cf(
                            cf(db, CF_SHARED_RECORDS),
                            shared_record_key(&doc, &catalog),
                        );
                        let catalog = catalog.clone();
                        self.feed(
                            &mut batch,
                            FeedChange::Shared { doc, catalog },
                            Written::Shared {
                                origin: String::new(),
                                record: None,
                            },
                        );
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
            let mut changed = false;
            for (i, r) in records.iter().enumerate() {
                if results[i].is_some() {
                    continue;
                }
                let resolver = BatchResolver {
                    db: &self.db,
                    batch: &batch,
                    kept: existing[i]
                        .as_ref()
                        .map(Record::link_targets)
                        .unwrap_or_default(),
                };
                if let Err(e) = r.check_links(&resolver) {
                    results[i] = Some(Err(StoreError::Invalid(e)));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }

        // The accepted records go into atomic batches of up to `PART_BYTES`: one RocksDB write
        // for many records instead of one per record. Each record's entries are those a write
        // of it alone would make, and a batch holds every record of it whole or none.
        let mut accepted = Vec::new();
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
            stamp_status_since(record, prev, now.get(..10).unwrap_or_default(), keep_meta);
            accepted.push(i);
        }
        // Serialising the records is most of a write's work and needs nothing of the writer's
        // state: it runs on every core (this thread is the import's bottleneck).
        let stored_forms = crate::parallel::on_every_core(
            accepted.iter().map(|&i| &records[i]).collect(),
            stored_form,
        );
        let mut batch = WriteBatch::default();
        let mut part = Vec::new();
        let mut written = Vec::new();
        for (i, json) in accepted.into_iter().zip(stored_forms) {
            let record = &records[i];
            let prev = existing[i].as_ref();
            let action = match (mode, prev) {
                (PutMode::Import, _) => "import",
                (_, Some(_)) => "replace",
                (_, None) => "create",
            };
            let staging = json.and_then(|json| {
                self.stage_record(&mut batch, record, json, prev, actor, action, &now)
            });
            match staging {
                Ok(()) => part.push(i),
                Err(e) => results[i] = Some(Err(e)),
            }
            if batch.size_in_bytes() >= PART_BYTES {
                let full = std::mem::take(&mut batch);
                self.write_part(full, &mut part, &mut written, &mut results);
            }
        }
        self.write_part(batch, &mut part, &mut written, &mut results);
        // The records themselves go back (the feed holds its own copies).
        let mut written = written.into_iter().peekable();
        for (i, record) in records.into_iter().enumerate() {
            if written.next_if_eq(&i).is_some() {
                results[i] = Some(Ok(record));
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or(Err(StoreError::Stopped)))
            .collect()
    }

    /// Writes the staged records `part` as one batch and moves them to `written`; if the write
    /// fails, nothing of it was written, so neither are its feed and audit entries (the last
    /// ones staged) and each of its records gets the error.
    fn write_part(
        &mut self,
        batch: WriteBatch,
        part: &mut Vec<usize>,
        written: &mut Vec<usize>,
        results: &mut [Option<Result<Record, StoreError>>],
    ) {
        if part.is_empty() {
            return;
        }
        let mut wo = WriteOptions::default();
        // Not synced here: the group's single flush_wal(true) syncs before anything is
        // acknowledged.
        wo.set_sync(false);
        match self.db.write_opt(batch, &wo) {
            Ok(()) => written.append(part),
            Err(e) => {
                let n = part.len();
                self.feed_seq -= n as u64;
                self.audit_seq -= n as u64;
                self.group_feed.truncate(self.group_feed.len() - n);
                for i in part.drain(..) {
                    results[i] = Some(Err(StoreError::Rocks(e.clone())));
                }
            }
        }
    }

    /// The audit entry of a write, serialised, numbered `seq`.
    fn audit_entry(
        seq: u64,
        actor: &str,
        action: &str,
        record: &Record,
        now: &str,
    ) -> Result<Vec<u8>, StoreError> {
        let entry = AuditEntry {
            seq,
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
        Ok(encode_versioned(AUDIT_VALUE_VERSION, &json))
    }

    /// Adds one record's write to `batch`: the record, its kind and link index entries, its
    /// audit entry and its feed entry. Whatever can fail is done before anything is added, so
    /// a record is staged whole or not at all.
    #[allow(clippy::too_many_arguments)]
    fn stage_record(
        &mut self,
        batch: &mut WriteBatch,
        record: &Record,
        stored: Vec<u8>,
        prev: Option<&Record>,
        actor: &str,
        action: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let audit = Self::audit_entry(self.audit_seq + 1, actor, action, record, now)?;
        let db = self.db.clone();
        batch.put_cf(cf(&db, CF_RECORDS), record.id.as_bytes(), stored);
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
        self.audit_seq += 1;
        batch.put_cf(cf(&db, CF_AUDIT), self.audit_seq.to_be_bytes(), audit);
        self.feed(
            batch,
            FeedChange::Local(record.id.clone()),
            Written::Local(Some(Arc::new(record.clone()))),
        );
        Ok(())
    }

    /// Writes one logical write's batch, with its feed entry.
    fn commit(
        &mut self,
        mut batch: WriteBatch,
        change: FeedChange,
        written: Written,
    ) -> Result<(), StoreError> {
        let (seq, pending) = (self.feed_seq, self.group_feed.len());
        self.feed(&mut batch, change, written);
        // Not synced here: the group's single flush_wal(true) syncs before anything is acknowledged.
        let mut wo = WriteOptions::default();
        wo.set_sync(false);
        if let Err(e) = self.db.write_opt(batch, &wo) {
            self.feed_seq = seq;
            self.group_feed.truncate(pending);
            return Err(e.into());
        }
        self.audit_seq += 1;
        Ok(())
    }

    fn delete(&mut self, id: &RecordId, actor: &str, force: bool) -> Result<Record, StoreError> {
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
        if !by.is_empty() && !force {
            return Err(StoreError::Referenced { id: id.clone(), by });
        }
        let mut batch = WriteBatch::default();
        batch.delete_cf(cf(&db, CF_RECORDS), id.as_bytes());
        batch.delete_cf(cf(&db, CF_BY_KIND), by_kind_key(record.kind, id));
        for target in record.link_targets() {
            batch.delete_cf(cf(&db, CF_LINKS_IN), links_in_key(&target, id));
        }
        // Numbered as the next entry: `commit` counts it once the batch is written.
        let audit = Self::audit_entry(self.audit_seq + 1, actor, "delete", &record, &Self::now())?;
        batch.put_cf(cf(&db, CF_AUDIT), (self.audit_seq + 1).to_be_bytes(), audit);
        self.journal_erasure(&mut batch, Erased::Record { id: id.to_string() });
        self.commit(batch, FeedChange::Local(id.clone()), Written::Local(None))?;
        self.group_erased = true;
        Ok(record)
    }
}

/// A record as the store keeps it: its canonical JSON behind the format version.
fn stored_form(record: &Record) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_vec(&record.to_json()).map_err(|e| StoreError::Corrupt {
        key: record.id.to_string(),
        reason: e.to_string(),
    })?;
    Ok(encode_versioned(RECORD_VALUE_VERSION, &json))
}

/// A record whose kind keeps `status_since` (a replication case) gets a date there when its
/// `status` changes, unless the writer gives a new date itself: the board's "days in stage" then
/// needs no history. The date is today's, or for an import the record's own last change (a
/// restore keeps its history). With the status unchanged and no date given, the date it had is
/// kept (a case from before the field existed: the day of its last change).
pub(super) fn stamp_status_since(
    record: &mut Record,
    prev: Option<&Record>,
    today: &str,
    import: bool,
) {
    if record.kind.field("status_since").is_none() {
        return;
    }
    let day_of = |t: Option<&String>| t.and_then(|t| t.get(..10)).map(str::to_owned);
    let since = record.fields.get("status_since");
    let prev_since = prev.and_then(|p| p.fields.get("status_since"));
    let status_changed = prev.is_none_or(|p| p.fields.get("status") != record.fields.get("status"));
    let day = if status_changed {
        if since.is_some() && since != prev_since {
            return;
        }
        import
            .then(|| day_of(record.updated_at.as_ref()))
            .flatten()
            .unwrap_or_else(|| today.to_owned())
    } else if since.is_none() {
        match prev_since {
            Some(FieldValue::Text(d)) => d.clone(),
            _ => match prev.and_then(|p| {
                day_of(p.updated_at.as_ref()).or_else(|| day_of(p.created_at.as_ref()))
            }) {
                Some(d) => d,
                None => return,
            },
        }
    } else {
        return;
    };
    record.fields.insert("status_since", FieldValue::Text(day));
}

#[cfg(test)]
mod status_since_tests {
    use super::*;
    use serde_json::json;

    fn case(status: &str, since: Option<&str>) -> Record {
        let mut v = json!({"id": "c", "kind": "replication_case", "title": {"en": "c"},
            "origin_initiative": "i", "origin_country": "SE", "target_country": "LV", "status": status});
        if let Some(d) = since {
            v["status_since"] = json!(d);
        }
        Record::from_json(&v).unwrap()
    }

    fn since(r: &Record) -> Option<&str> {
        match r.fields.get("status_since") {
            Some(FieldValue::Text(d)) => Some(d),
            _ => None,
        }
    }

    const TODAY: &str = "2026-12-06";

    #[test]
    fn a_new_case_and_a_changed_status_are_dated_today_unless_a_date_is_given() {
        let mut new = case("exploring", None);
        stamp_status_since(&mut new, None, TODAY, false);
        assert_eq!(since(&new), Some(TODAY));
        let prev = case("exploring", Some("2026-01-01"));
        let mut moved = case("piloting", Some("2026-01-01"));
        stamp_status_since(&mut moved, Some(&prev), TODAY, false);
        assert_eq!(since(&moved), Some(TODAY), "the old date is not a new one");
        let mut given = case("piloting", Some("2026-11-01"));
        stamp_status_since(&mut given, Some(&prev), TODAY, false);
        assert_eq!(since(&given), Some("2026-11-01"));
    }

    #[test]
    fn an_edit_that_keeps_the_status_keeps_the_date() {
        let prev = case("piloting", Some("2026-01-01"));
        let mut edited = case("piloting", None);
        stamp_status_since(&mut edited, Some(&prev), TODAY, false);
        assert_eq!(since(&edited), Some("2026-01-01"));
        let mut older = case("piloting", None);
        older.updated_at = Some("2025-03-04T10:00:00Z".into());
        let mut edited = case("piloting", None);
        stamp_status_since(&mut edited, Some(&older), TODAY, false);
        assert_eq!(
            since(&edited),
            Some("2025-03-04"),
            "a case from before the field: its last change"
        );
    }

    #[test]
    fn an_import_dates_a_case_by_its_own_last_change() {
        let mut restored = case("operating", None);
        restored.updated_at = Some("2024-05-06T07:08:09Z".into());
        stamp_status_since(&mut restored, None, TODAY, true);
        assert_eq!(since(&restored), Some("2024-05-06"));
        let mut other =
            Record::from_json(&json!({"id": "o", "kind": "lesson", "title": {"en": "l"},
            "statement": {"en": "s"}, "lesson_type": "pitfall"}))
            .unwrap();
        stamp_status_since(&mut other, None, TODAY, false);
        assert!(!other.fields.contains_key("status_since"));
    }
}
