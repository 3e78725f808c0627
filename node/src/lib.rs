//! # sicc-node
//!
//! The sicc daemon as a library, so that `tests/` can run several whole nodes in one process,
//! and the `sicc` binary on top of it.
//!
//! Layout (see ARCHITECTURE.md for the code map and invariants):
//! - [`node`]: composition root; `start(config)` returns a [`node::RunningNode`].
//! - [`app`]: the application service every staff action goes through (one write path).
//! - [`data_dir`]: the data directory's layout.
//! - [`config`]: the versioned TOML configuration, merged from defaults, file, env and flags.
//! - [`backup`]: online backups (RocksDB checkpoint + identity + config) and restores.
//! - [`storage`]: RocksDB, owned by one writer thread; the cloneable [`storage::Store`] handle.
//! - [`api`]: HTTP API (axum), JSON DTOs, the web UI; talks only to [`app`].
//! - [`p2p`]: node identity and the libp2p transport with roster membership.
//! - [`cli`]: the `sicc` command line, including the API client used by staff commands.
//! - [`transfer`]: record files (JSON, NDJSON, CSV) read into records and written back.
//! - [`sync`]: shared Automerge documents, catalogue replicas, sans-IO sessions, the engine.
//! - [`search`]: the multilingual full-text and faceted index (tantivy), a derived view.
//! - [`sample`]: the sample data set of the four countries.
//! - [`metrics`]: the Prometheus registry (sicc's and libp2p's metrics) behind `/metrics`.
//! - [`telemetry`]: logging with the node id on every line.

#[macro_use]
pub mod i18n;
pub mod accounts;
pub mod api;
pub mod app;
pub mod backup;
pub mod cli;
pub mod config;
pub mod data_dir;
pub mod memory;
pub mod metrics;
pub mod node;
pub mod p2p;
pub mod parallel;
pub mod sample;
pub mod search;
pub mod storage;
pub mod sync;
pub mod telemetry;
pub mod transfer;
pub mod workpackages;
