//! Schema versions: a new database is stamped, a newer one refused, an older one checkpointed
//! and then migrated forward one version at a time.

use super::schema::*;
use super::{StoreError, cf};
use rocksdb::{DB, WriteBatch, WriteOptions};
use std::path::Path;

pub(super) fn read_schema_version(db: &DB) -> Result<Option<u32>, StoreError> {
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
pub(super) fn prepare_schema(db: &DB, path: &Path) -> Result<(), StoreError> {
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
        // The feed's column family is created at open; followers without a cursor rebuild.
        2 => Ok(()),
        other => Err(StoreError::Corrupt {
            key: "meta/schema_version".into(),
            reason: format!("no migration from schema version {other}"),
        }),
    }
}
