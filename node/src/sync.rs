//! Federation sync. The pure core: shared documents (`document`), a node's copy of a
//! catalogue (`replica`), the `/sicc/sync/1` session (`session`) and the federation policy
//! (`federation`), none of which does I/O or reads a clock. The engine task (`engine`) drives the
//! federation over the network, the store and the change feed; `handle` is how others ask it.

pub mod document;
pub mod engine;
pub mod federation;
pub mod handle;
pub mod replica;
pub mod session;

pub use federation::{Role, SyncError, SyncErrorKind, SyncEvent};
pub use handle::SyncHandle;
