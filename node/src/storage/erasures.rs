//! The erasure journal. Every erasure — a local record deleted, a catalogue entry erased
//! (its signed tombstone) — is noted in `meta` under `erasure/`, in the same atomic batch as
//! the erasure itself, by id and tombstone only: never an erased value. Backups carry the
//! journal (and a copy of it in `erasures.json`), so that a backup taken before an erasure is
//! listed as holding erased data and a restore replays the erasures the backup predates
//! (`backup.rs`): restoring old data never brings erased data back.

use super::schema::CF_META;
use super::{StoreError, blocking, cf};
use rocksdb::{DB, Direction, IteratorMode, WriteBatch};
use serde::{Deserialize, Serialize};

/// Key prefix, in `meta`, of the journal; then u64 big-endian nanoseconds since the Unix
/// epoch and a u32 big-endian counter (unique within one process).
pub const ERASURE_PREFIX: &[u8] = b"erasure/";
/// Format version of a journal entry (first byte of the value).
const ERASURE_VERSION: u8 = 1;

/// One erasure, as journalled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Erasure {
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    #[serde(flatten)]
    pub what: Erased,
}

/// What was erased.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Erased {
    /// A local record, deleted.
    Record { id: String },
    /// A catalogue entry, erased by its owner (this node or a partner): its signed tombstone
    /// (SPEC.md §5), which holds no record value.
    Entry {
        catalog: String,
        doc: String,
        tombstone: serde_json::Value,
    },
}

impl Erasure {
    /// The time, if it parses.
    pub fn instant(&self) -> Option<time::OffsetDateTime> {
        parse_time(&self.at)
    }
}

/// An RFC 3339 time.
pub fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Appends the erasure of `what`, now, to the journal in `batch`; `counter` makes keys of one
/// instant unique. The time is kept to the nanosecond: it is compared with backups' times.
pub(super) fn journal(db: &DB, batch: &mut WriteBatch, counter: &mut u32, what: Erased) {
    let now = time::OffsetDateTime::now_utc();
    let erasure = Erasure {
        at: now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        what,
    };
    let nanos = now.unix_timestamp_nanos();
    let mut key = ERASURE_PREFIX.to_vec();
    key.extend_from_slice(&u64::try_from(nanos).unwrap_or(0).to_be_bytes());
    key.extend_from_slice(&counter.to_be_bytes());
    *counter = counter.wrapping_add(1);
    let mut value = vec![ERASURE_VERSION];
    value.extend(serde_json::to_vec(&erasure).expect("serialises"));
    batch.put_cf(cf(db, CF_META), key, value);
}

/// Every journalled erasure, oldest first.
pub(super) async fn read(db: std::sync::Arc<DB>) -> Result<Vec<Erasure>, StoreError> {
    blocking(move || {
        let mut out = Vec::new();
        for item in db.iterator_cf(
            cf(&db, CF_META),
            IteratorMode::From(ERASURE_PREFIX, Direction::Forward),
        ) {
            let (k, v) = item?;
            if !k.starts_with(ERASURE_PREFIX) {
                break;
            }
            let entry = match v.split_first() {
                Some((&ERASURE_VERSION, json)) => serde_json::from_slice(json).ok(),
                _ => None,
            };
            out.push(entry.ok_or_else(|| StoreError::Corrupt {
                key: format!("meta/erasure/{}", sicc_protocol::hex::to_hex(&k)),
                reason: "unreadable erasure journal entry".into(),
            })?);
        }
        Ok(out)
    })
    .await
}
