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
