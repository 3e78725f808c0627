//! The purger thread: after an erasure (a record deleted, an entry erased or unpublished, a
//! catalogue dropped), the erased values are gone from reads at once but still sit in the
//! memtable's WAL and in SST files until RocksDB compacts them away — possibly never. The
//! writer signals this thread after each group that erased something; it flushes every
//! column family (so the WAL files holding the values become obsolete and are deleted) and
//! compacts the column families that hold record content down to the bottommost level, which
//! drops deleted values and their tombstones. Signals that arrive during a purge coalesce into
//! the next one, so a bulk delete costs one or two purges.

use super::schema::{ALL_CFS, CF_RECORDS, CF_SHARED_DOCS, CF_SHARED_RECORDS};
use super::{StoreError, cf};
use rocksdb::{BottommostLevelCompaction, CompactOptions, DB, FlushOptions};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use tokio::sync::watch;

/// The column families whose values hold record content.
const CONTENT_CFS: [&str; 3] = [CF_RECORDS, CF_SHARED_DOCS, CF_SHARED_RECORDS];

/// Asks the purger for a purge; never blocks (a pending request already covers this one).
#[derive(Debug, Clone)]
pub(super) struct PurgeSignal(SyncSender<()>);

impl PurgeSignal {
    pub(super) fn request(&self) {
        match self.0.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) => {}
            // The purger stopped: the node is shutting down.
            Err(TrySendError::Disconnected(())) => {}
        }
    }
}

/// Starts the purger thread. `done` counts completed purges (tests and status wait on it).
pub(super) fn start(
    db: Arc<DB>,
) -> Result<
    (
        PurgeSignal,
        watch::Receiver<u64>,
        std::thread::JoinHandle<()>,
    ),
    StoreError,
> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let (done, done_rx) = watch::channel(0);
    let span = tracing::Span::current();
    let thread = std::thread::Builder::new()
        .name("sicc-store-purger".into())
        .spawn(move || {
            let _enter = span.enter();
            run(&db, &rx, &done)
        })
        .map_err(|e| StoreError::Corrupt {
            key: "purger thread".into(),
            reason: e.to_string(),
        })?;
    Ok((PurgeSignal(tx), done_rx, thread))
}

fn run(db: &DB, rx: &Receiver<()>, done: &watch::Sender<u64>) {
    while rx.recv().is_ok() {
        match purge(db) {
            Ok(()) => {
                done.send_modify(|n| *n += 1);
                tracing::info!("erased values purged from the store's files");
            }
            Err(e) => {
                tracing::warn!(error = %e, "erased values not purged yet (retried at the next erasure)")
            }
        }
    }
}

fn purge(db: &DB) -> Result<(), StoreError> {
    let mut flush = FlushOptions::default();
    flush.set_wait(true);
    let all: Vec<_> = ALL_CFS.iter().map(|name| cf(db, name)).collect();
    db.flush_cfs_opt(&all.iter().collect::<Vec<_>>(), &flush)?;
    let mut compact = CompactOptions::default();
    compact.set_bottommost_level_compaction(BottommostLevelCompaction::Force);
    for name in CONTENT_CFS {
        db.compact_range_cf_opt(cf(db, name), None::<&[u8]>, None::<&[u8]>, &compact);
    }
    Ok(())
}
