//! Peer-to-peer networking: the node identity and the libp2p transport with roster-based
//! membership. Only this module names libp2p types (ARCHITECTURE.md, invariant 2).

mod boots;
pub mod identity;
pub mod network;
pub mod per_address;
mod presence;
mod redial;
