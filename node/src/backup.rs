//! Backups and restores of a whole node.
//!
//! A backup is a directory: `db/` (an online RocksDB checkpoint, consistent as of one instant,
//! holding every write acknowledged before it), `identity.key` (0600), `config.toml` and
//! `backup.json` (what it is). The search index is not copied: it is derived and rebuilt at
//! start. A restored node moves to a new actor epoch, so the changes it makes from now on
//! never reuse an (actor, sequence) pair the original made after the backup and already
//! gave to its peers; it then catches up from them (SPEC.md §2).

use crate::data_dir::{CONFIG_FILE, DB_DIR, IDENTITY_FILE};
use crate::storage::{ACTOR_EPOCH_KEY, EpochRecord, SCHEMA_VERSION, SharedOp, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// File, in a backup directory, describing the backup.
pub const MANIFEST_FILE: &str = "backup.json";
/// Format version of `backup.json`.
pub const BACKUP_FORMAT: u32 = 1;

/// What can go wrong with a backup or a restore.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backup target {0}: must be an absolute path that does not exist yet")]
    Target(PathBuf),
    #[error(
        "backup target {path}: {why}; back up into a directory only this node's user (or root) can change"
    )]
    UnsafeTarget { path: PathBuf, why: String },
    #[error("{0} is not a sicc backup (no readable {MANIFEST_FILE})")]
    NotABackup(PathBuf),
    #[error("backup format {found} is newer than this sicc reads ({BACKUP_FORMAT}): upgrade sicc")]
    NewerFormat { found: u32 },
    #[error(
        "{0} already holds a node (identity or database): restore into an empty data directory"
    )]
    Occupied(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `backup.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: u32,
    pub node_id: String,
    pub created_at: String,
    pub sicc_version: String,
    pub schema_version: u32,
    /// The actor epoch the node was in when the backup was taken.
    pub actor_epoch: u32,
    /// Bytes of the database checkpoint.
    pub db_bytes: u64,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Copies a private file (identity, configuration) into a backup: the copy is created new
/// (never an existing file, never through a symlink) and readable by this user only, so no
/// other local account can have it written into a file of theirs.
fn copy_private(from: &Path, to: &Path) -> Result<(), BackupError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut source = std::fs::File::open(from).map_err(io(from))?;
    let mut copy = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .map_err(io(to))?;
    std::io::copy(&mut source, &mut copy).map_err(io(to))?;
    copy.sync_all().map_err(io(to))
}

/// Refuses a backup target another local account could redirect: each of its existing
/// ancestors (symlinks resolved) must belong to this node's user (`uid`) or root, and not be
/// writable by others unless it is sticky (like `/tmp`, where nobody renames another's entry).
/// Otherwise a user owning a parent could swap the new directory for one of theirs while the
/// checkpoint and the key are written into it.
fn check_target_safe(target: &Path, uid: u32) -> Result<(), BackupError> {
    use std::os::unix::fs::MetadataExt;
    let unsafe_target = |why: String| BackupError::UnsafeTarget {
        path: target.to_owned(),
        why,
    };
    let parent = target
        .parent()
        .ok_or_else(|| unsafe_target("it has no parent directory".into()))?;
    let parent = parent
        .canonicalize()
        .map_err(|e| unsafe_target(format!("its parent directory cannot be resolved: {e}")))?;
    for dir in parent.ancestors() {
        let meta = std::fs::metadata(dir).map_err(io(dir))?;
        let owner_ok = meta.uid() == uid || meta.uid() == 0;
        let writable_by_others = meta.mode() & 0o022 != 0;
        let sticky = meta.mode() & 0o1000 != 0;
        if !owner_ok {
            return Err(unsafe_target(format!(
                "{} belongs to another user (uid {})",
                dir.display(),
                meta.uid()
            )));
        }
        if writable_by_others && !sticky {
            return Err(unsafe_target(format!(
                "{} is writable by other users",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Takes a backup of the node whose data directory is `data_dir`, configuration `config_file`
/// and (open, possibly serving) store `store`, into the new directory `target`.
pub async fn create(
    store: &Store,
    data_dir: &Path,
    config_file: &Path,
    node_id: &str,
    target: &Path,
) -> Result<BackupManifest, BackupError> {
    if !target.is_absolute() || target.exists() {
        return Err(BackupError::Target(target.to_owned()));
    }
    // File system calls block: off the executor.
    let (dir, to) = (data_dir.to_owned(), target.to_owned());
    tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        let uid = std::fs::metadata(&dir).map_err(io(&dir))?.uid();
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        check_target_safe(&to, uid)?;
        // Created here, new (an existing directory or a symlink in its place is refused) and
        // private.
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&to)
            .map_err(io(&to))
    })
    .await
    .map_err(|_| BackupError::Store(StoreError::Stopped))??;
    let actor_epoch = store.actor_epoch().await?;
    let made = match store.checkpoint(target.join(DB_DIR)).await {
        Err(e) => Err(BackupError::from(e)),
        Ok(()) => {
            let (data_dir, config_file, target) = (
                data_dir.to_owned(),
                config_file.to_owned(),
                target.to_owned(),
            );
            let manifest = BackupManifest {
                format: BACKUP_FORMAT,
                node_id: node_id.to_owned(),
                created_at: now(),
                sicc_version: env!("CARGO_PKG_VERSION").into(),
                schema_version: SCHEMA_VERSION,
                actor_epoch,
                db_bytes: 0,
            };
            // File copies and fsyncs block: off the executor.
            tokio::task::spawn_blocking(move || {
                complete(manifest, &data_dir, &config_file, &target)
            })
            .await
            .map_err(|_| BackupError::Store(StoreError::Stopped))?
        }
    };
    if made.is_err() {
        // Never leave a half-written backup that looks like one.
        let _ = std::fs::remove_dir_all(target);
    }
    made
}

/// Adds identity, configuration and `backup.json` beside a fresh checkpoint.
fn complete(
    mut manifest: BackupManifest,
    data_dir: &Path,
    config_file: &Path,
    target: &Path,
) -> Result<BackupManifest, BackupError> {
    copy_private(&data_dir.join(IDENTITY_FILE), &target.join(IDENTITY_FILE))?;
    copy_private(config_file, &target.join(CONFIG_FILE))?;
    manifest.db_bytes = crate::storage::dir_bytes(&target.join(DB_DIR));
    let path = target.join(MANIFEST_FILE);
    let text = serde_json::to_vec_pretty(&manifest).expect("serialises");
    std::fs::write(&path, text).map_err(io(&path))?;
    // The manifest is written last: a directory without it is an interrupted backup.
    std::fs::File::open(target)
        .and_then(|d| d.sync_all())
        .map_err(io(target))?;
    Ok(manifest)
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub node_id: String,
    pub backup_created_at: String,
    pub previous_epoch: u32,
    pub epoch: u32,
}

/// Reads a backup's manifest.
pub fn read_manifest(backup: &Path) -> Result<BackupManifest, BackupError> {
    let text = std::fs::read(backup.join(MANIFEST_FILE))
        .map_err(|_| BackupError::NotABackup(backup.to_owned()))?;
    let manifest: BackupManifest =
        serde_json::from_slice(&text).map_err(|_| BackupError::NotABackup(backup.to_owned()))?;
    if manifest.format > BACKUP_FORMAT {
        return Err(BackupError::NewerFormat {
            found: manifest.format,
        });
    }
    Ok(manifest)
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), BackupError> {
    std::fs::create_dir_all(to).map_err(io(to))?;
    for entry in std::fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(io(&entry.path()))?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(io(&entry.path()))?;
        }
    }
    Ok(())
}

/// Restores `backup` into the empty (or absent) data directory `data_dir` and moves the node
/// to a new actor epoch: the larger of the backup's epoch + 1 and the current Unix time in
/// seconds, so that restoring the same backup twice still gives two different epochs.
pub async fn restore(backup: &Path, data_dir: &Path) -> Result<RestoreReport, BackupError> {
    let (backup, data_dir) = (backup.to_owned(), data_dir.to_owned());
    let (from, to) = (backup.clone(), data_dir.clone());
    // File copies and opening RocksDB block: off the executor.
    let (manifest, store, writer) = tokio::task::spawn_blocking(move || {
        let manifest = read_manifest(&from)?;
        if to.join(IDENTITY_FILE).exists() || to.join(DB_DIR).exists() {
            return Err(BackupError::Occupied(to));
        }
        std::fs::create_dir_all(&to).map_err(io(&to))?;
        copy_tree(&from.join(DB_DIR), &to.join(DB_DIR))?;
        copy_private(&from.join(CONFIG_FILE), &to.join(CONFIG_FILE))?;
        let (store, writer) = Store::open(&to.join(DB_DIR))?;
        Ok((manifest, store, writer))
    })
    .await
    .map_err(|_| StoreError::Stopped)??;
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let epoch = (manifest.actor_epoch + 1).max(u32::try_from(unix).unwrap_or(u32::MAX));
    let record = EpochRecord {
        epoch,
        restored_at: Some(now()),
    };
    let written = store
        .write_shared(vec![SharedOp::State {
            key: ACTOR_EPOCH_KEY.into(),
            value: Some(serde_json::to_vec(&record).expect("serialises")),
        }])
        .await;
    drop(store);
    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    written?;
    // The identity goes in last: until it is there, the directory is not a startable node.
    copy_private(&backup.join(IDENTITY_FILE), &data_dir.join(IDENTITY_FILE))?;
    Ok(RestoreReport {
        node_id: manifest.node_id,
        backup_created_at: manifest.created_at,
        previous_epoch: manifest.actor_epoch,
        epoch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    #[test]
    fn a_backup_target_another_user_could_redirect_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let uid = std::fs::metadata(root.path()).unwrap().uid();
        let mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        let private = root.path().join("private");
        std::fs::create_dir(&private).unwrap();
        mode(&private, 0o700);
        assert!(check_target_safe(&private.join("b"), uid).is_ok());

        let open = root.path().join("open");
        std::fs::create_dir(&open).unwrap();
        mode(&open, 0o777);
        let e = check_target_safe(&open.join("b"), uid).unwrap_err();
        assert!(e.to_string().contains("writable by other users"), "{e}");

        // Sticky, like /tmp: nobody renames another's entry.
        let sticky = root.path().join("sticky");
        std::fs::create_dir(&sticky).unwrap();
        mode(&sticky, 0o1777);
        assert!(check_target_safe(&sticky.join("b"), uid).is_ok());

        // A directory of another user, reached through a symlink.
        let theirs = root.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        let other = if uid == 65534 { 65533 } else { 65534 };
        if std::os::unix::fs::chown(&theirs, Some(other), None).is_ok() {
            let link = private.join("link");
            std::os::unix::fs::symlink(&theirs, &link).unwrap();
            let e = check_target_safe(&link.join("b"), uid).unwrap_err();
            assert!(e.to_string().contains("another user"), "{e}");
        }
    }

    #[test]
    fn a_private_copy_never_writes_into_an_existing_file_or_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("identity.key");
        std::fs::write(&key, b"secret").unwrap();
        // Planted by someone else: an existing file, and a symlink to a file of theirs.
        let planted = dir.path().join("planted");
        std::fs::write(&planted, b"").unwrap();
        assert!(copy_private(&key, &planted).is_err());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
        assert!(copy_private(&key, &link).is_err());
        assert!(!dir.path().join("elsewhere").exists());
        let fresh = dir.path().join("copy");
        copy_private(&key, &fresh).unwrap();
        assert_eq!(std::fs::read(&fresh).unwrap(), b"secret");
        assert_eq!(
            std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
