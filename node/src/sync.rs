//! Federation sync: shared documents (`document`), a node's copy of a catalogue (`replica`),
//! the sans-IO `/sicc/sync/1` sessions (`session`) and the engine task that owns the replicas
//! and drives sessions over the network (`engine`).

pub mod document;
pub mod engine;
pub mod replica;
pub mod session;
