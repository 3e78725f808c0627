//! The layout of a node's data directory, in one place:
//!
//! ```text
//! DATA_DIR/
//!   config.toml     the configuration (`sicc init` writes it)
//!   identity.key    the Ed25519 key, mode 0600 (the node id derives from it)
//!   db/             RocksDB: records, audit, shared documents, sync state, change feed
//!   index/          the search index (derived from db/, rebuilt when missing)
//!   api             the API's URL while the node runs (the CLI reads it)
//! ```
//!
//! The directory is private (0700): it holds local-only and personal data and the key, and
//! RocksDB and tantivy create their files readable by all under the usual umask; no other
//! local account may enter it.

use std::path::{Path, PathBuf};

/// The configuration file.
pub const CONFIG_FILE: &str = "config.toml";
/// The node's private key.
pub const IDENTITY_FILE: &str = "identity.key";
/// RocksDB's directory.
pub const DB_DIR: &str = "db";
/// The search index's directory.
pub const INDEX_DIR: &str = "index";
/// The file holding the API's URL while the node runs.
pub const API_FILE: &str = "api";

/// A node's data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }

    pub fn identity(&self) -> PathBuf {
        self.root.join(IDENTITY_FILE)
    }

    pub fn db(&self) -> PathBuf {
        self.root.join(DB_DIR)
    }

    pub fn index(&self) -> PathBuf {
        self.root.join(INDEX_DIR)
    }

    pub fn api_file(&self) -> PathBuf {
        self.root.join(API_FILE)
    }
}

/// Makes `root` private (mode 0700) if any other user may enter or list it. Returns whether it
/// had to (the caller says so in the log).
pub fn make_private(root: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(root)?.permissions().mode();
    if mode & 0o077 == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_data_directory_others_can_enter_is_made_private() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(make_private(dir.path()).unwrap());
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(!make_private(dir.path()).unwrap(), "already private");
    }
}
