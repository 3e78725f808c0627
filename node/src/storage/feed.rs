//! The ordered change feed: every committed change to a record, local or shared, gets the next
//! sequence number from the writer, in the same atomic batch as the change itself (CF `feed`).
//! The search index and the sync engine follow it and remember the last sequence each has
//! consumed, so neither can see writes in another order than the store, and after a crash each
//! resumes from where it stopped instead of comparing counts or rescanning everything.
//!
//! Live, a follower receives each group commit from the writer with what it wrote (no read
//! back). A follower that falls behind loses live batches rather than slowing the writer; it
//! notices the gap in sequence numbers (or the committed sequence moving without a batch) and
//! reads the missing entries back from the CF, and then the current state of what they name.

use super::schema::{CF_FEED, FEED_VALUE_VERSION, encode_versioned};
use super::{Store, StoreError, blocking, cf};
use rocksdb::{DB, Direction, IteratorMode};
use serde::{Deserialize, Serialize};
use sicc_protocol::id::RecordId;
use sicc_protocol::record::Record;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// Batches queued for one follower before the writer drops the next ones for it (it reads them
/// back from the CF when it catches up).
pub(super) const FOLLOWER_QUEUE: usize = 16;
/// Most entries a follower reads back from the CF at once.
const READ_BACK: usize = 1_000;

/// What one feed entry names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedChange {
    /// A local record was written or deleted.
    Local(RecordId),
    /// The readable form of another node's shared document was written or removed.
    Shared { doc: String, catalog: String },
}

/// What a change wrote, as the writer hands it to live followers.
#[derive(Debug, Clone)]
pub enum Written {
    /// The local record as stored (`None`: deleted). Shared by every follower's copy of the
    /// batch: an import's records are not copied once per follower.
    Local(Option<Arc<Record>>),
    /// The shared record as validated here, or why it does not validate (quarantined), and
    /// its origin node (`None`: removed).
    Shared {
        origin: String,
        record: Option<Result<Arc<Record>, String>>,
    },
}

/// One committed change.
#[derive(Debug, Clone)]
pub struct Committed {
    pub seq: u64,
    pub change: FeedChange,
    /// What it wrote, when the follower learnt of it live; `None` when it was read back from the
    /// CF: the follower then reads the current state of what `change` names, which is at least
    /// as new.
    pub written: Option<Written>,
}

/// The followers of the feed; each persists how far it got (`meta/feed_cursor/<name>`), and the
/// writer prunes what all of them have consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Consumer {
    Index,
    Engine,
}

impl Consumer {
    pub const ALL: [Consumer; 2] = [Consumer::Index, Consumer::Engine];

    pub fn name(self) -> &'static str {
        match self {
            Consumer::Index => "index",
            Consumer::Engine => "engine",
        }
    }

    pub(super) fn cursor_key(self) -> Vec<u8> {
        format!("feed_cursor/{}", self.name()).into_bytes()
    }
}

pub(super) fn encode_entry(change: &FeedChange) -> Vec<u8> {
    encode_versioned(
        FEED_VALUE_VERSION,
        &serde_json::to_vec(change).expect("a feed change serialises"),
    )
}

fn seq_of(key: &[u8]) -> Result<u64, StoreError> {
    let bytes: [u8; 8] = key.try_into().map_err(|_| StoreError::Corrupt {
        key: format!("feed/{}", String::from_utf8_lossy(key)),
        reason: "key is not 8 bytes".into(),
    })?;
    Ok(u64::from_be_bytes(bytes))
}

fn decode_entry(key: &[u8], value: &[u8]) -> Result<Committed, StoreError> {
    let seq = seq_of(key)?;
    let corrupt = |reason: String| StoreError::Corrupt {
        key: format!("feed/{seq}"),
        reason,
    };
    match value.split_first() {
        Some((&FEED_VALUE_VERSION, json)) => Ok(Committed {
            seq,
            change: serde_json::from_slice(json).map_err(|e| corrupt(e.to_string()))?,
            written: None,
        }),
        _ => Err(corrupt("unknown feed format version".into())),
    }
}

/// The entries after `after`, at most `limit`, in order.
fn read_after(db: &DB, after: u64, limit: usize) -> Result<Vec<Committed>, StoreError> {
    let from = (after + 1).to_be_bytes();
    let mut out = Vec::new();
    for item in db.iterator_cf(
        cf(db, CF_FEED),
        IteratorMode::From(&from, Direction::Forward),
    ) {
        let (k, v) = item?;
        out.push(decode_entry(&k, &v)?);
        if out.len() == limit {
            break;
        }
    }
    Ok(out)
}

/// The sequence of the oldest entry still kept (`None`: the feed is empty).
pub(super) fn first_seq(db: &DB) -> Result<Option<u64>, StoreError> {
    match db.iterator_cf(cf(db, CF_FEED), IteratorMode::Start).next() {
        None => Ok(None),
        Some(item) => Ok(Some(seq_of(&item?.0)?)),
    }
}

/// The sequence of the newest entry (0: none was ever written).
pub(super) fn last_seq(db: &DB) -> Result<u64, StoreError> {
    match db.iterator_cf(cf(db, CF_FEED), IteratorMode::End).next() {
        None => Ok(0),
        Some(item) => seq_of(&item?.0),
    }
}

pub(super) fn read_cursor(db: &DB, consumer: Consumer) -> Result<Option<u64>, StoreError> {
    use super::schema::CF_META;
    match db.get_cf(cf(db, CF_META), consumer.cursor_key())? {
        None => Ok(None),
        Some(v) => {
            let bytes: [u8; 8] = v.as_slice().try_into().map_err(|_| StoreError::Corrupt {
                key: format!("meta/feed_cursor/{}", consumer.name()),
                reason: format!("{} bytes, expected 8", v.len()),
            })?;
            Ok(Some(u64::from_be_bytes(bytes)))
        }
    }
}

/// A follower of the feed: yields committed changes in sequence order, each once, starting
/// after the cursor it was made with.
#[derive(Debug)]
pub struct Follower {
    store: Store,
    live: mpsc::Receiver<Arc<Vec<Committed>>>,
    committed: watch::Receiver<u64>,
    cursor: u64,
}

impl Follower {
    pub(super) fn new(
        store: Store,
        live: mpsc::Receiver<Arc<Vec<Committed>>>,
        committed: watch::Receiver<u64>,
        cursor: u64,
    ) -> Follower {
        Follower {
            store,
            live,
            committed,
            cursor,
        }
    }

    /// The last sequence handed out.
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// The next changes after the cursor (at least one), waiting for them if need be.
    /// `Err(Stopped)` once the store has stopped and everything was handed out.
    pub async fn next(&mut self) -> Result<Vec<Committed>, StoreError> {
        loop {
            // Live batches first; one that starts past the cursor means batches were dropped
            // for us: the gap is read back.
            match self.live.try_recv() {
                Ok(batch) => {
                    if let Some(out) = self.take(&batch).await? {
                        return Ok(out);
                    }
                    continue;
                }
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    return self.read_back().await?.ok_or(StoreError::Stopped);
                }
                Err(mpsc::error::TryRecvError::Empty) => {}
            }
            // The writer queues the batch before it moves the committed sequence, so a sequence
            // past the cursor with no batch queued means the batch was dropped.
            if *self.committed.borrow_and_update() > self.cursor {
                if let Some(out) = self.read_back().await? {
                    return Ok(out);
                }
                continue;
            }
            tokio::select! {
                batch = self.live.recv() => match batch {
                    Some(batch) => {
                        if let Some(out) = self.take(&batch).await? {
                            return Ok(out);
                        }
                    }
                    None => return self.read_back().await?.ok_or(StoreError::Stopped),
                },
                changed = self.committed.changed() => {
                    if changed.is_err() {
                        return self.read_back().await?.ok_or(StoreError::Stopped);
                    }
                }
            }
        }
    }

    /// The part of a live batch after the cursor, with any gap before it read back first.
    async fn take(&mut self, batch: &[Committed]) -> Result<Option<Vec<Committed>>, StoreError> {
        let Some(first) = batch.first() else {
            return Ok(None);
        };
        if first.seq > self.cursor + 1 {
            return self.read_back().await;
        }
        let out: Vec<Committed> = batch
            .iter()
            .filter(|c| c.seq > self.cursor)
            .cloned()
            .collect();
        match out.last() {
            None => Ok(None),
            Some(last) => {
                self.cursor = last.seq;
                Ok(Some(out))
            }
        }
    }

    async fn read_back(&mut self) -> Result<Option<Vec<Committed>>, StoreError> {
        let db = self.store.db.clone();
        let after = self.cursor;
        let out = blocking(move || read_after(&db, after, READ_BACK)).await?;
        if let Some(first) = out.first()
            && first.seq != after + 1
        {
            // Pruned past our cursor: only possible if the cursor was never recorded.
            return Err(StoreError::Corrupt {
                key: format!("feed/{}", after + 1),
                reason: format!(
                    "the feed resumes at {} after {after}: it was pruned ahead of a follower",
                    first.seq
                ),
            });
        }
        match out.last() {
            None => Ok(None),
            Some(last) => {
                self.cursor = last.seq;
                Ok(Some(out))
            }
        }
    }
}
