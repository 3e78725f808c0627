//! Federation sync, sans I/O so far: shared documents (`document`), a node's copy of a
//! catalogue (`replica`) and the `/sicc/sync/1` session state machine (`session`). The engine
//! that persists replicas and the libp2p transport that carries sessions come next.

pub mod document;
pub mod replica;
pub mod session;
