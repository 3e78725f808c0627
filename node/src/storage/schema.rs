//! Column families, key layouts and value envelopes. The table in ARCHITECTURE.md mirrors this
//! file; change both together.
//!
//! | CF | key | value (first byte = format version) |
//! |---|---|---|
//! | `meta` | `schema_version` | u32 big-endian: the database schema version |
//! | `records` | record id (UTF-8) | `1` + canonical record JSON |
//! | `by_kind` | kind tag (1 byte) + record id | empty |
//! | `links_in` | target id + `0x00` + source id | empty |
//! | `audit` | sequence number, u64 big-endian | `1` + audit entry JSON |
//! | `catalogs` | catalogue id (UTF-8) | `1` + signed manifest (`SignedManifest::encode`) |
//! | `shared_docs` | catalogue id + `0x00` + document id | `1` + u32 BE length + Automerge save + u32 BE count + (u32 BE length + change signature)* |
//! | `tombstones` | catalogue id + `0x00` + document id | `1` + wire tombstone JSON (SPEC.md §5) |
//! | `shared_records` | document id + `0x00` + catalogue id | `1` + `{"record": public projection, "origin": {"node", "catalog"}}` |
//! | `sync_state` | `peer/` + node id + `/` + catalogue id, `sub/out/` + catalogue id, `sub/in/` + catalogue id + `/` + node id, `manifest_confirmed/` + catalogue id, `node/actor_epoch`, `backup/` + backup path | `1` + JSON |
//! | `feed` | sequence number, u64 big-endian | `1` + JSON `{"local": id}` or `{"shared": {"doc", "catalog"}}` |
//! | `accounts` | `user/` + name, `session/` + SHA-256 of the session token (hex), `token/` + SHA-256 of the API token (hex) | `1` + JSON (`accounts.rs`; passwords as argon2id PHC strings, never a token itself) |
//!
//! `meta` also holds the erasure journal, `erasure/` + u64 BE nanoseconds + u32 BE counter →
//! `1` + JSON (`storage/erasures.rs`), and `feed_cursor/<consumer>` (u64 big-endian): how far the search index and
//! the sync engine have consumed the feed; entries both have passed are pruned.

use serde::{Deserialize, Serialize};
use sicc_protocol::id::RecordId;
use sicc_protocol::schema::RecordKind;

/// The schema version this build reads and writes. A database with a larger one is refused;
/// a smaller one is checkpointed, then migrated forward (`storage::migrate`).
///
/// - 1: records, audit, shared catalogues, sync state.
/// - 2: the node's actor epoch is stored explicitly under `sync_state/node/actor_epoch`
///   (it changes when a node is restored from a backup; SPEC.md §2).
/// - 3: the ordered change feed (CF `feed`) and its consumers' cursors (`meta/feed_cursor/*`).
///   Nothing is rewritten: a follower without a cursor rebuilds what it derives once.
pub const SCHEMA_VERSION: u32 = 3;

/// Key, in `sync_state`, of the node's current actor epoch (`1` + JSON `{"epoch": n, ...}`).
pub const ACTOR_EPOCH_KEY: &str = "node/actor_epoch";

pub const CF_META: &str = "meta";
pub const CF_RECORDS: &str = "records";
pub const CF_BY_KIND: &str = "by_kind";
pub const CF_LINKS_IN: &str = "links_in";
pub const CF_AUDIT: &str = "audit";
pub const CF_CATALOGS: &str = "catalogs";
pub const CF_SHARED_DOCS: &str = "shared_docs";
pub const CF_TOMBSTONES: &str = "tombstones";
pub const CF_SHARED_RECORDS: &str = "shared_records";
pub const CF_SYNC_STATE: &str = "sync_state";
pub const CF_FEED: &str = "feed";
pub const CF_ACCOUNTS: &str = "accounts";
pub const ALL_CFS: &[&str] = &[
    CF_ACCOUNTS,
    CF_FEED,
    CF_TOMBSTONES,
    CF_SHARED_RECORDS,
    CF_SYNC_STATE,
    CF_META,
    CF_RECORDS,
    CF_BY_KIND,
    CF_LINKS_IN,
    CF_AUDIT,
    CF_CATALOGS,
    CF_SHARED_DOCS,
];

pub const META_SCHEMA_VERSION: &[u8] = b"schema_version";

/// Format version of record values.
pub const RECORD_VALUE_VERSION: u8 = sicc_protocol::RECORD_FORMAT_VERSION;
/// Format version of audit values.
pub const AUDIT_VALUE_VERSION: u8 = 1;
/// Format version of feed values.
pub const FEED_VALUE_VERSION: u8 = 1;

pub fn by_kind_key(kind: RecordKind, id: &RecordId) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + id.as_bytes().len());
    k.push(kind.tag());
    k.extend_from_slice(id.as_bytes());
    k
}

pub fn links_in_prefix(target: &RecordId) -> Vec<u8> {
    let mut k = Vec::with_capacity(target.as_bytes().len() + 1);
    k.extend_from_slice(target.as_bytes());
    k.push(0);
    k
}

pub fn links_in_key(target: &RecordId, source: &RecordId) -> Vec<u8> {
    let mut k = links_in_prefix(target);
    k.extend_from_slice(source.as_bytes());
    k
}

/// One entry of the audit trail: who changed what, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Sequence number (also the key).
    pub seq: u64,
    /// RFC 3339 UTC.
    pub at: String,
    /// Who asked for the change (the API caller's declared actor, e.g. a staff user name).
    pub actor: String,
    /// `create`, `replace`, `import` or `delete`.
    pub action: String,
    /// The record changed.
    pub record_id: String,
    /// Its kind.
    pub kind: String,
    /// Its revision after the change (the deleted revision for deletes).
    pub revision: u64,
}

/// Format version of catalogue and shared-document values.
pub const SHARED_VALUE_VERSION: u8 = 1;

pub fn shared_doc_key(catalog: &str, doc: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(catalog.len() + 1 + doc.len());
    k.extend_from_slice(catalog.as_bytes());
    k.push(0);
    k.extend_from_slice(doc.as_bytes());
    k
}

/// A shared document as stored: the Automerge save and the signatures of its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    pub doc: String,
    pub save: Vec<u8>,
    pub signatures: Vec<Vec<u8>>,
}

pub fn encode_shared_doc(save: &[u8], signatures: &[Vec<u8>]) -> Vec<u8> {
    let mut v = vec![SHARED_VALUE_VERSION];
    v.extend_from_slice(&(save.len() as u32).to_be_bytes());
    v.extend_from_slice(save);
    v.extend_from_slice(&(signatures.len() as u32).to_be_bytes());
    for s in signatures {
        v.extend_from_slice(&(s.len() as u32).to_be_bytes());
        v.extend_from_slice(s);
    }
    v
}

/// Inverse of [`encode_shared_doc`]; `None` if the value is damaged.
pub fn decode_shared_doc(value: &[u8]) -> Option<(Vec<u8>, Vec<Vec<u8>>)> {
    let (&version, mut rest) = value.split_first()?;
    if version != SHARED_VALUE_VERSION {
        return None;
    }
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
        rest = tail;
        Some(head)
    };
    let len = u32::from_be_bytes(take(4)?.try_into().ok()?) as usize;
    let save = take(len)?.to_vec();
    let count = u32::from_be_bytes(take(4)?.try_into().ok()?) as usize;
    let mut signatures = Vec::with_capacity(count.min(100_000));
    for _ in 0..count {
        let len = u32::from_be_bytes(take(4)?.try_into().ok()?) as usize;
        signatures.push(take(len)?.to_vec());
    }
    Some((save, signatures))
}

pub fn encode_versioned(version: u8, json: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(1 + json.len());
    v.push(version);
    v.extend_from_slice(json);
    v
}

pub fn shared_record_key(doc: &str, catalog: &str) -> Vec<u8> {
    shared_doc_key(doc, catalog)
}
