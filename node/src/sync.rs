//! Federation sync. For now: shared documents (`document`), the pure core that the sync engine
//! and the `/sicc/sync/1` sessions will drive.

pub mod document;
