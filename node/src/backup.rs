//! Backups and restores of a whole node.
//!
//! A backup is a directory: `db/` (an online RocksDB checkpoint, consistent as of one instant,
//! holding every write acknowledged before it), `identity.key` (0600), `config.toml` and
//! `backup.json` (what it is). The search index is not copied: it is derived and rebuilt at
//! start. A restored node moves to a new actor epoch, so the changes it makes from now on
//! never reuse an (actor, sequence) pair the original made after the backup and already
//! gave to its peers; it then catches up from them (SPEC.md §2).
//!
//! Erasures outlive backups. Each backup holds the node's erasure journal (in `db/`, and a
//! copy in `erasures.json`) and is registered in the node (`sync_state/backup/<path>`), so
//! [`list`] shows which backups predate an erasure and so still hold erased data. A restore
//! replays every erasure that the backup predates, read from the `erasures.json` of the later
//! backups of the same node beside it and of any named with `--erasures-from`, then purges.

use crate::data_dir::{CONFIG_FILE, DB_DIR, IDENTITY_FILE};
use crate::storage::{
    ACTOR_EPOCH_KEY, EpochRecord, Erased, Erasure, SCHEMA_VERSION, SharedOp, Store, StoreError,
    parse_time,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// File, in a backup directory, describing the backup.
pub const MANIFEST_FILE: &str = "backup.json";
/// File, in a backup directory, holding the erasure journal as of the backup (JSON array).
pub const ERASURES_FILE: &str = "erasures.json";
/// Key prefix, in `sync_state`, of the backups this node took.
const REGISTRY_PREFIX: &str = "backup/";
/// Format version of `backup.json`.
pub const BACKUP_FORMAT: u32 = 1;

/// What can go wrong with a backup or a restore.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backup target {0}: must be an absolute path that does not exist yet")]
    Target(PathBuf),
    #[error("backup target {target}: backups go under {root} (backup.root) only")]
    OutsideRoot { target: PathBuf, root: PathBuf },
    #[error("`{0}` is not a backup name: 1-100 letters, digits, `.`, `-` or `_`")]
    Name(String),
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
    #[error("{0} is a symbolic link, which no sicc backup holds: refusing to restore through it")]
    Symlink(PathBuf),
    #[error("erasure journal {path}: {reason}")]
    Journal { path: PathBuf, reason: String },
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

/// Where a backup goes: a name under the backup root, or an absolute path (which must lie
/// under it too).
#[derive(Debug, Clone)]
pub enum Target {
    Name(String),
    Path(PathBuf),
}

impl Target {
    /// The backup's directory under `root`; a name is checked, a path is kept (and checked
    /// against the root when the backup is taken, once its parent exists).
    pub fn resolve(self, root: &Path) -> Result<PathBuf, BackupError> {
        match self {
            Target::Path(p) => Ok(p),
            Target::Name(name) => {
                let ok = (1..=100).contains(&name.len())
                    && name != "."
                    && name != ".."
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
                if ok {
                    Ok(root.join(name))
                } else {
                    Err(BackupError::Name(name))
                }
            }
        }
    }

    /// A name made of the time: `backup-20261206T134501Z`.
    pub fn now() -> Target {
        let t = time::OffsetDateTime::now_utc();
        Target::Name(format!(
            "backup-{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ))
    }
}

/// Takes a backup of the node whose data directory is `data_dir`, configuration `config_file`
/// and (open, possibly serving) store `store`, into the new directory `target`, which must lie
/// under `root` (`backup.root`; created private if missing).
pub async fn create(
    store: &Store,
    data_dir: &Path,
    config_file: &Path,
    node_id: &str,
    root: &Path,
    target: &Path,
) -> Result<BackupManifest, BackupError> {
    if !target.is_absolute() || target.exists() {
        return Err(BackupError::Target(target.to_owned()));
    }
    if target.components().any(|c| {
        !matches!(
            c,
            std::path::Component::RootDir | std::path::Component::Normal(_)
        )
    }) {
        return Err(BackupError::OutsideRoot {
            target: target.to_owned(),
            root: root.to_owned(),
        });
    }
    // File system calls block: off the executor.
    let (dir, to, root) = (data_dir.to_owned(), target.to_owned(), root.to_owned());
    tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        let uid = std::fs::metadata(&dir).map_err(io(&dir))?.uid();
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&root)
            .map_err(io(&root))?;
        let outside = || BackupError::OutsideRoot {
            target: to.clone(),
            root: root.clone(),
        };
        // Compared resolved: a symlink inside the root cannot lead out of it.
        let real_root = root.canonicalize().map_err(io(&root))?;
        let parent = to.parent().ok_or_else(outside)?;
        if !parent.starts_with(&root) && !parent.starts_with(&real_root) {
            return Err(outside());
        }
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let real_parent = parent.canonicalize().map_err(io(parent))?;
        if !real_parent.starts_with(&real_root) {
            return Err(outside());
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
    // Stamped before the checkpoint: an erasure made while it runs is later than the backup,
    // so a restore replays it whether or not the checkpoint caught it.
    let created_at = now();
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
                created_at,
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
    let made = match made {
        Ok(manifest) => register(store, target, manifest).await,
        Err(e) => Err(e),
    };
    if made.is_err() {
        // Never leave a half-written backup that looks like one.
        let _ = std::fs::remove_dir_all(target);
    }
    made
}

/// Writes the erasure journal beside a completed backup and registers the backup in the node.
/// The journal is read after the checkpoint: an erasure in between is listed in the file
/// though the checkpoint holds the value, so a restore replays it too.
async fn register(
    store: &Store,
    target: &Path,
    manifest: BackupManifest,
) -> Result<BackupManifest, BackupError> {
    let journal = store.erasures().await?;
    let path = target.join(ERASURES_FILE);
    let text = serde_json::to_vec_pretty(&journal).expect("serialises");
    tokio::task::spawn_blocking(move || write_new_private(&path, &text))
        .await
        .map_err(|_| BackupError::Store(StoreError::Stopped))??;
    let entry = Registered {
        created_at: manifest.created_at.clone(),
        node_id: manifest.node_id.clone(),
    };
    store
        .write_shared(vec![SharedOp::State {
            key: format!("{REGISTRY_PREFIX}{}", target.display()),
            value: Some(serde_json::to_vec(&entry).expect("serialises")),
        }])
        .await?;
    Ok(manifest)
}

/// Writes `bytes` into the new file `path` (never an existing one, never through a symlink),
/// readable by this user only.
fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))?;
    file.write_all(bytes).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

/// A backup as the node registered it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Registered {
    created_at: String,
    node_id: String,
}

/// A backup this node took, as `sicc backups` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct BackupListing {
    pub path: PathBuf,
    pub created_at: String,
    /// Its directory still holds a backup.
    pub present: bool,
    /// Erasures on this node since the backup was taken: the backup still holds their values
    /// (a restore replays them).
    pub erasures_since: usize,
}

/// The backups this node took, oldest first, with the erasures each predates.
pub async fn list(store: &Store) -> Result<Vec<BackupListing>, BackupError> {
    let registered = store.load_state(REGISTRY_PREFIX).await?;
    let journal = store.erasures().await?;
    let mut out = Vec::new();
    for (key, value) in registered {
        let Ok(entry) = serde_json::from_slice::<Registered>(&value) else {
            continue;
        };
        let path = PathBuf::from(key.trim_start_matches(REGISTRY_PREFIX));
        let taken = parse_time(&entry.created_at);
        let erasures_since = journal
            .iter()
            .filter(|e| match (e.instant(), taken) {
                (Some(at), Some(taken)) => at >= taken,
                _ => e.at >= entry.created_at,
            })
            .count();
        let present = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || path.join(MANIFEST_FILE).is_file())
                .await
                .unwrap_or(false)
        };
        out.push(BackupListing {
            path,
            created_at: entry.created_at,
            present,
            erasures_since,
        });
    }
    out.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    Ok(out)
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
    /// The erasure journals read (the later backups' `erasures.json`).
    pub erasure_journals: Vec<PathBuf>,
    /// Erasures the backup predated, replayed on the restored data (then purged).
    pub erasures_replayed: usize,
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

/// Refuses a symbolic link where a backup holds a file or directory: sicc never writes one, so
/// it was planted, and following it would restore (or copy the key from) somewhere else.
fn refuse_symlink(path: &Path) -> Result<(), BackupError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(BackupError::Symlink(path.to_owned())),
        _ => Ok(()),
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), BackupError> {
    refuse_symlink(from)?;
    std::fs::create_dir_all(to).map_err(io(to))?;
    for entry in std::fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(io(&entry.path()))?;
        if kind.is_symlink() {
            return Err(BackupError::Symlink(entry.path()));
        }
        if kind.is_dir() {
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
pub async fn restore(
    backup: &Path,
    data_dir: &Path,
    erasures_from: &[PathBuf],
) -> Result<RestoreReport, BackupError> {
    let (backup, data_dir) = (backup.to_owned(), data_dir.to_owned());
    let (from, to) = (backup.clone(), data_dir.clone());
    // File copies and opening RocksDB block: off the executor.
    let (manifest, store, writer) = tokio::task::spawn_blocking(move || {
        let manifest = read_manifest(&from)?;
        if to.join(IDENTITY_FILE).exists() || to.join(DB_DIR).exists() {
            return Err(BackupError::Occupied(to));
        }
        for file in [IDENTITY_FILE, CONFIG_FILE, MANIFEST_FILE] {
            refuse_symlink(&from.join(file))?;
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
    // Sessions open when the backup was taken are not brought back.
    let written = match written {
        Ok(()) => crate::accounts::Accounts::new(store.clone())
            .end_all_sessions()
            .await
            .map_err(|e| match e {
                crate::accounts::AccountError::Store(s) => s,
                other => StoreError::Corrupt {
                    key: "accounts".into(),
                    reason: other.to_string(),
                },
            }),
        Err(e) => Err(e),
    };
    let replayed = match written {
        Ok(()) => {
            let (from, node, taken) = (
                backup.clone(),
                manifest.node_id.clone(),
                manifest.created_at.clone(),
            );
            let extra = erasures_from.to_vec();
            match tokio::task::spawn_blocking(move || later_erasures(&from, &node, &taken, &extra))
                .await
                .map_err(|_| BackupError::Store(StoreError::Stopped))
            {
                Ok(Ok((journals, erasures))) => {
                    replay(&store, erasures).await.map(|n| (journals, n))
                }
                Ok(Err(e)) | Err(e) => Err(e),
            }
        }
        Err(e) => Err(e.into()),
    };
    drop(store);
    // Waits for the writer, then for the purger to finish the purge the replay asked for.
    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    let (erasure_journals, erasures_replayed) = replayed?;
    // The identity goes in last: until it is there, the directory is not a startable node.
    copy_private(&backup.join(IDENTITY_FILE), &data_dir.join(IDENTITY_FILE))?;
    Ok(RestoreReport {
        node_id: manifest.node_id,
        backup_created_at: manifest.created_at,
        previous_epoch: manifest.actor_epoch,
        epoch,
        erasure_journals,
        erasures_replayed,
    })
}

/// The erasures a backup of `node` taken at `taken` predates: from the `erasures.json` of
/// every later backup of the same node in the backup's directory, and of `extra` (backup
/// directories or journal files). Oldest first, each once.
fn later_erasures(
    backup: &Path,
    node: &str,
    taken: &str,
    extra: &[PathBuf],
) -> Result<(Vec<PathBuf>, Vec<Erasure>), BackupError> {
    use std::os::unix::fs::MetadataExt;
    let taken_at = parse_time(taken);
    let backup = backup.canonicalize().map_err(io(backup))?;
    let owner = std::fs::metadata(&backup).map_err(io(&backup))?.uid();
    // Another user's directory, or a journal others may write, is not trusted with erasures.
    let trusted = |path: &Path| {
        std::fs::symlink_metadata(path)
            .is_ok_and(|m| m.uid() == owner && m.mode() & 0o022 == 0 && !m.file_type().is_symlink())
    };
    let mut journals = Vec::new();
    if let Some(parent) = backup.parent()
        && let Ok(entries) = std::fs::read_dir(parent)
    {
        for entry in entries.flatten() {
            let dir = entry.path();
            let journal = dir.join(ERASURES_FILE);
            if dir == backup || !trusted(&dir) || !trusted(&journal) {
                continue;
            }
            if let Ok(m) = read_manifest(&dir)
                && m.node_id == node
                && match (parse_time(&m.created_at), taken_at) {
                    (Some(then), Some(taken)) => then > taken,
                    _ => m.created_at.as_str() > taken,
                }
            {
                journals.push(dir.join(ERASURES_FILE));
            }
        }
    }
    for path in extra {
        journals.push(if path.is_dir() {
            path.join(ERASURES_FILE)
        } else {
            path.clone()
        });
    }
    journals.sort();
    let mut erasures: Vec<Erasure> = Vec::new();
    for path in &journals {
        let text = std::fs::read(path).map_err(io(path))?;
        let journal: Vec<Erasure> =
            serde_json::from_slice(&text).map_err(|e| BackupError::Journal {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        for e in journal {
            let later = match (e.instant(), taken_at) {
                (Some(at), Some(taken)) => at >= taken,
                _ => e.at.as_str() >= taken,
            };
            if later && !erasures.iter().any(|seen| seen.what == e.what) {
                erasures.push(e);
            }
        }
    }
    erasures.sort_by(|a, b| a.at.cmp(&b.at));
    Ok((journals, erasures))
}

/// Replays erasures on a restored store: a record the backup holds under an erased id is
/// deleted (even if an old version of another record links to it); an entry of a catalogue
/// the node holds takes its tombstone. Returns how many were replayed.
async fn replay(store: &Store, erasures: Vec<Erasure>) -> Result<usize, BackupError> {
    let mut replayed = 0;
    for e in erasures {
        match &e.what {
            Erased::Record { id } => {
                let Ok(id) = id.parse::<sicc_protocol::id::RecordId>() else {
                    continue;
                };
                // Whatever the backup holds under that id predates the erasure.
                if store.get(id.clone()).await?.is_some() {
                    store.erase(id, "restore: erasure replayed").await?;
                    replayed += 1;
                }
            }
            Erased::Entry {
                catalog,
                doc,
                tombstone,
            } => {
                if tombstone.is_null() || !store.holds_catalog(catalog).await? {
                    continue;
                }
                store
                    .write_shared(vec![SharedOp::Tombstone {
                        catalog: catalog.clone(),
                        doc: doc.clone(),
                        bytes: serde_json::to_vec(tombstone).expect("serialises"),
                    }])
                    .await?;
                replayed += 1;
            }
        }
    }
    Ok(replayed)
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
    fn a_backup_holding_a_symbolic_link_is_not_restored_through_it() {
        let root = tempfile::tempdir().unwrap();
        let backup = root.path().join("backup");
        let db = backup.join(DB_DIR);
        std::fs::create_dir_all(&db).unwrap();
        std::fs::write(db.join("CURRENT"), "MANIFEST-000001\n").unwrap();
        let elsewhere = root.path().join("elsewhere");
        std::fs::write(&elsewhere, "someone else's file").unwrap();
        std::os::unix::fs::symlink(&elsewhere, db.join("000001.sst")).unwrap();
        let e = copy_tree(&db, &root.path().join("restored")).unwrap_err();
        assert!(matches!(e, BackupError::Symlink(_)), "{e}");
        // The key itself planted as a link.
        let planted = root.path().join("identity.key");
        std::os::unix::fs::symlink(&elsewhere, &planted).unwrap();
        assert!(matches!(
            refuse_symlink(&planted),
            Err(BackupError::Symlink(_))
        ));
        assert!(refuse_symlink(&elsewhere).is_ok());
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
