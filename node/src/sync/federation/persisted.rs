//! The stored form of the federation state besides the replicas themselves: per-peer sync
//! state, subscriptions asked and requests received, under versioned keys of `sync_state`
//! (ARCHITECTURE.md, *Storage*). Pure: the driver reads the bytes, this module parses them.

use super::super::replica::{CatalogLimits, Replica};
use crate::storage::{SharedOp, StoredCatalog};
use serde::{Deserialize, Serialize};
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::identity::{NodeId, NodeSigner};
use sicc_protocol::wire::SubscriptionStatus;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Prefixes of the keys this module owns in `sync_state`.
pub const PEER_PREFIX: &str = "peer/";
pub const SUB_OUT_PREFIX: &str = "sub/out/";
pub const SUB_IN_PREFIX: &str = "sub/in/";
/// `manifest_confirmed/<catalogue>` → `{"epoch": n}`: in actor epoch `n`, a session with a
/// member showed that no partner held a newer manifest of this node's catalogue.
pub const CONFIRMED_PREFIX: &str = "manifest_confirmed/";

/// The `sync_state` prefixes a driver reads back for [`LoadedState::parse`].
pub fn persisted_prefixes() -> [&'static str; 4] {
    [PEER_PREFIX, SUB_OUT_PREFIX, SUB_IN_PREFIX, CONFIRMED_PREFIX]
}

/// The stored form of a confirmation (see [`CONFIRMED_PREFIX`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmed {
    pub epoch: u32,
}

/// Per (peer, catalogue) sync state, persisted so that restarts keep it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerSync {
    /// Time of the last completed session, RFC 3339.
    pub last_sync_at: Option<String>,
    /// Both sides held the same digest at its end.
    pub converged: bool,
    /// Documents that differed at the start of the last session.
    pub docs_differing: usize,
    /// The last failure, if the last session failed.
    pub last_error: Option<String>,
}

/// A subscription request as the owner stores it, or as the requester remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub status: SubscriptionStatus,
    /// When it was asked or decided, RFC 3339.
    pub at: String,
}

/// What a node persisted of its federation state, as read back at start.
#[derive(Debug, Default)]
pub struct LoadedState {
    pub catalogs: Vec<StoredCatalog>,
    pub peer_sync: BTreeMap<(NodeId, CatalogId), PeerSync>,
    pub subscriptions: BTreeMap<CatalogId, Subscription>,
    pub requests: BTreeMap<(CatalogId, NodeId), Subscription>,
    /// Per owned catalogue, the actor epoch in which its manifest was last confirmed current.
    pub confirmed: BTreeMap<CatalogId, u32>,
}

impl LoadedState {
    /// Parses stored catalogues and the `sync_state` entries (full keys and values without their
    /// version byte). Entries that do not parse are skipped: they are derived state a session
    /// or a new request rebuilds.
    pub fn parse(catalogs: Vec<StoredCatalog>, state: Vec<(String, Vec<u8>)>) -> LoadedState {
        let mut loaded = LoadedState {
            catalogs,
            ..LoadedState::default()
        };
        for (key, value) in state {
            if let Some(rest) = key.strip_prefix(PEER_PREFIX) {
                if let Some((peer, catalog)) = rest.split_once('/')
                    && let (Ok(peer), Ok(catalog), Ok(state)) = (
                        peer.parse::<NodeId>(),
                        catalog.parse::<CatalogId>(),
                        serde_json::from_slice::<PeerSync>(&value),
                    )
                {
                    loaded.peer_sync.insert((peer, catalog), state);
                }
            } else if let Some(rest) = key.strip_prefix(SUB_OUT_PREFIX) {
                if let (Ok(c), Ok(s)) = (
                    rest.parse::<CatalogId>(),
                    serde_json::from_slice::<Subscription>(&value),
                ) {
                    loaded.subscriptions.insert(c, s);
                }
            } else if let Some(rest) = key.strip_prefix(CONFIRMED_PREFIX) {
                if let (Ok(c), Ok(confirmed)) = (
                    rest.parse::<CatalogId>(),
                    serde_json::from_slice::<Confirmed>(&value),
                ) {
                    loaded.confirmed.insert(c, confirmed.epoch);
                }
            } else if let Some(rest) = key.strip_prefix(SUB_IN_PREFIX)
                && let Some((c, n)) = rest.rsplit_once('/')
                && let (Ok(c), Ok(n), Ok(s)) = (
                    c.parse::<CatalogId>(),
                    n.parse::<NodeId>(),
                    serde_json::from_slice::<Subscription>(&value),
                )
            {
                loaded.requests.insert((c, n), s);
            }
        }
        loaded
    }

    /// The replicas, rebuilt; the ones that cannot be read back are skipped, with why.
    pub(super) fn replicas(
        &self,
        signer: &Arc<NodeSigner>,
        epoch: u32,
        limits: CatalogLimits,
    ) -> (BTreeMap<CatalogId, Replica>, Vec<String>) {
        let mut replicas = BTreeMap::new();
        let mut skipped = Vec::new();
        for c in &self.catalogs {
            let docs = c
                .docs
                .iter()
                .map(|d| (d.doc.clone(), d.save.clone(), d.signatures.clone()));
            match Replica::restore(
                &c.manifest,
                docs,
                c.tombstones.clone(),
                signer.clone(),
                epoch,
            ) {
                Ok(r) => {
                    replicas.insert(r.manifest().id.clone(), r.with_limits(limits));
                }
                Err(e) => skipped.push(format!("{}: {e}", c.catalog)),
            }
        }
        (replicas, skipped)
    }
}

fn state_op(key: String, value: Option<Vec<u8>>) -> SharedOp {
    SharedOp::State { key, value }
}

pub(super) fn peer_sync_op(peer: &NodeId, catalog: &CatalogId, state: &PeerSync) -> SharedOp {
    state_op(
        format!("{PEER_PREFIX}{peer}/{catalog}"),
        Some(serde_json::to_vec(state).expect("serialises")),
    )
}

pub(super) fn confirmed_op(catalog: &CatalogId, epoch: u32) -> SharedOp {
    state_op(
        format!("{CONFIRMED_PREFIX}{catalog}"),
        Some(serde_json::to_vec(&Confirmed { epoch }).expect("serialises")),
    )
}

pub(super) fn subscription_op(catalog: &CatalogId, sub: Option<&Subscription>) -> SharedOp {
    state_op(
        format!("{SUB_OUT_PREFIX}{catalog}"),
        sub.map(|s| serde_json::to_vec(s).expect("serialises")),
    )
}

pub(super) fn request_op(catalog: &CatalogId, peer: &NodeId, sub: &Subscription) -> SharedOp {
    state_op(
        format!("{SUB_IN_PREFIX}{catalog}/{peer}"),
        Some(serde_json::to_vec(sub).expect("serialises")),
    )
}
