//! Reads of local records, their kind and link indexes, and the audit trail.

use super::schema::*;
use super::{Page, StoreError, cf};
use rocksdb::{DB, Direction, IteratorMode};
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::Record;
use sicc_protocol::schema::RecordKind;

pub(super) fn decode_record(key: &[u8], value: &[u8]) -> Result<Record, StoreError> {
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

pub(super) fn read_record(db: &DB, id: &RecordId) -> Result<Option<Record>, StoreError> {
    match db.get_pinned_cf(cf(db, CF_RECORDS), id.as_bytes())? {
        None => Ok(None),
        Some(v) => decode_record(id.as_bytes(), &v).map(Some),
    }
}

/// The kind of the local record `id`, read without decoding the record: a link check needs
/// only that (a full decode of each link target took a large share of an import's writer).
/// Unlike [`read_record`], the rest of the record is not validated again: a stored record
/// that no longer validates (a code removed from a list without a migration) can still be
/// linked to; reading it whole still reports the problem.
pub(super) fn read_kind(db: &DB, id: &RecordId) -> Result<Option<RecordKind>, StoreError> {
    #[derive(serde::Deserialize)]
    struct KindOnly {
        kind: RecordKind,
    }
    let Some(value) = db.get_pinned_cf(cf(db, CF_RECORDS), id.as_bytes())? else {
        return Ok(None);
    };
    let corrupt = |reason: String| StoreError::Corrupt {
        key: format!("records/{id}"),
        reason,
    };
    match value.split_first() {
        Some((&RECORD_VALUE_VERSION, json)) => serde_json::from_slice::<KindOnly>(json)
            .map(|k| Some(k.kind))
            .map_err(|e| corrupt(e.to_string())),
        Some((version, _)) => Err(corrupt(format!("unknown record format version {version}"))),
        None => Err(corrupt("empty value".into())),
    }
}

pub(super) fn list_records(
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

pub(super) fn last_audit_seq(db: &DB) -> Result<u64, StoreError> {
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

pub(super) fn read_audit(
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
