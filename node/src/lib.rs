//! # sicc-node
//!
//! The sicc daemon as a library, so that `tests/` can run several whole nodes in one process,
//! and the `sicc` binary on top of it.
//!
//! Layout (see ARCHITECTURE.md for the code map and invariants):
//! - [`node`]: composition root; `start(config)` returns a [`node::RunningNode`].
//! - [`config`]: the versioned TOML configuration.
//! - [`storage`]: RocksDB, owned by one writer thread; the cloneable [`storage::Store`] handle.
//! - [`api`]: HTTP API (axum).
//! - [`p2p`]: node identity (and, next, the federation).
//! - [`cli`]: the `sicc` command line, including the API client used by staff commands.
//! - [`sync`]: shared Automerge documents with signed changes (federation groundwork).
//! - [`sample`]: the sample data set of the four countries.
//! - [`telemetry`]: logging with the node id on every line.

pub mod api;
pub mod cli;
pub mod config;
pub mod node;
pub mod p2p;
pub mod sample;
pub mod storage;
pub mod sync;
pub mod telemetry;
