//! Peer-to-peer networking. For now only the node identity lives here: the federation
//! (transport, membership, sync) is built on it. Only this module names libp2p types
//! (ARCHITECTURE.md, invariant 2).

pub mod identity;
