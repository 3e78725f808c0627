//! Catalogues and who may read them (SPEC.md §6.7): creating a catalogue, offers, the
//! subscription handshake, grants and revocations, unsubscribing.

use super::Subscription;
use super::persisted::{request_op, subscription_op};
use super::{
    Done, Federation, MAX_CATALOGS, MAX_REQUESTS_PER_CATALOG, Purpose, Role, SubscriptionStatus,
    SyncError, SyncEvent,
};
use crate::storage::SharedOp;
use crate::sync::replica::Replica;
use sicc_protocol::catalog::{CatalogId, Manifest, SignedManifest};
use sicc_protocol::identity::NodeId;
use sicc_protocol::wire::{self, ErrorCode, Message, WIRE_VERSION, WireChange};
use std::collections::BTreeMap;
use tracing::{debug, info, warn};

impl Federation {
    pub(super) fn create_catalog(
        &mut self,
        name: &str,
        title: BTreeMap<String, String>,
        description: BTreeMap<String, String>,
    ) -> Result<Done, SyncError> {
        let id = CatalogId::new(self.me, name)?;
        if self.replicas.contains_key(&id) {
            return Err(SyncError::CatalogExists(id.to_string()));
        }
        if self.replicas.len() >= MAX_CATALOGS {
            return Err(SyncError::TooManyCatalogs);
        }
        let mut m = Manifest::new(id.clone(), title);
        m.description = description;
        let signed = m.sign(&self.config.signer);
        // Judge our own manifest as peers will: a bad title fails here, not on every peer.
        signed.accept_after(None)?;
        self.replicas.insert(
            id.clone(),
            Replica::new(signed, self.config.signer.clone(), self.config.epoch)
                .with_limits(self.config.limits),
        );
        self.persist(&id);
        info!(catalog = %id, "catalogue created");
        // Members learn of it now rather than at their next anti-entropy pass.
        let peers: Vec<NodeId> = self.connected.iter().copied().collect();
        for peer in peers {
            let offers = self.own_offers();
            self.send(peer, offers, Purpose::PushOffers { peer });
        }
        Ok(Done::Catalog(Box::new(self.catalog_view(&id))))
    }

    pub(super) fn request_offers(&mut self, peer: NodeId) {
        self.send(
            peer,
            Message::Offers { v: WIRE_VERSION },
            Purpose::Offers { peer },
        );
    }

    /// Keeps the valid manifests a member offers (its own catalogues only).
    pub(super) fn record_offers(&mut self, peer: NodeId, catalogs: &[serde_json::Value]) {
        let manifests: Vec<SignedManifest> = catalogs
            .iter()
            .take(wire::MAX_OFFERS)
            .filter_map(|v| wire::manifest_from_value(v).ok())
            .filter(|m| m.manifest.id.owner() == &peer && m.accept_after(None).is_ok())
            .collect();
        self.offers.insert(peer, manifests);
    }

    pub(super) fn send_subscribe(&mut self, catalog: CatalogId) {
        let owner = *catalog.owner();
        let request = Message::Subscribe {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
        };
        self.send(owner, request, Purpose::Subscribe { catalog });
    }

    pub(super) fn on_subscribe_response(
        &mut self,
        catalog: CatalogId,
        result: Result<Message, String>,
    ) {
        let answered = match result {
            Ok(Message::Subscription { status, .. }) => {
                info!(catalog = %catalog, status = status.as_str(), "subscription answered");
                // When granted, the owner opens a session that brings the manifest and every
                // entry (see `answer_unknown`).
                if !self.replicas.contains_key(&catalog) {
                    self.set_subscription(catalog.clone(), status);
                }
                Some(status)
            }
            Ok(Message::Error { message, .. }) => {
                warn!(catalog = %catalog, %message, "subscription refused by the owner");
                None
            }
            other => {
                debug!(catalog = %catalog, ?other, "subscription request failed");
                None
            }
        };
        self.emit(SyncEvent::SubscriptionAnswered {
            catalog,
            status: answered,
        });
    }

    pub(super) fn set_subscription(&mut self, catalog: CatalogId, status: SubscriptionStatus) {
        let sub = Subscription {
            status,
            at: self.now_rfc3339(),
        };
        let op = subscription_op(&catalog, Some(&sub));
        self.subscriptions.insert(catalog, sub);
        self.persist_ops(vec![op]);
    }

    /// The owner's answer to a member asking to subscribe.
    pub(super) fn on_subscribe_request(&mut self, peer: NodeId, catalog: &str) -> Message {
        let Ok(id) = catalog.parse::<CatalogId>() else {
            return Message::error(
                ErrorCode::Malformed,
                format!("bad catalogue id `{catalog}`"),
            );
        };
        let owned = id.owner() == &self.me;
        let Some(replica) = self.replicas.get(&id).filter(|_| owned) else {
            return Message::error(
                ErrorCode::NotAllowed,
                format!("this node does not own {id}"),
            );
        };
        let status = if replica.manifest().may_read(&peer) {
            SubscriptionStatus::Granted
        } else {
            match self.requests.get(&(id.clone(), peer)) {
                Some(s) if s.status == SubscriptionStatus::Refused => SubscriptionStatus::Refused,
                Some(_) => SubscriptionStatus::Pending,
                None => {
                    let per_catalog = self.requests.keys().filter(|(c, _)| c == &id).count();
                    if per_catalog >= MAX_REQUESTS_PER_CATALOG {
                        return Message::error(ErrorCode::Unavailable, "too many pending requests");
                    }
                    info!(catalog = %id, peer = %peer.short(), "subscription requested");
                    let sub = Subscription {
                        status: SubscriptionStatus::Pending,
                        at: self.now_rfc3339(),
                    };
                    let op = request_op(&id, &peer, &sub);
                    self.requests.insert((id.clone(), peer), sub);
                    self.persist_ops(vec![op]);
                    self.emit(SyncEvent::SubscriptionRequested {
                        catalog: id.clone(),
                        node_id: peer,
                    });
                    SubscriptionStatus::Pending
                }
            }
        };
        if status == SubscriptionStatus::Granted {
            self.start_session(peer, id.clone());
        }
        Message::Subscription {
            v: WIRE_VERSION,
            catalog: id.to_string(),
            status,
        }
    }

    pub(super) fn access(
        &mut self,
        id: &CatalogId,
        peer: NodeId,
        grant: Option<Role>,
    ) -> Result<Done, SyncError> {
        self.owned(id)?;
        // Only roster members are granted; but a node that left the roster can still be
        // revoked while the manifest names it, or partners would keep serving it.
        let named = self
            .replicas
            .get(id)
            .is_some_and(|r| r.manifest().may_read(&peer));
        if self.member(&peer).is_none() && !(grant.is_none() && named) {
            return Err(SyncError::NotMember(peer.to_string()));
        }
        if !self.manifest_confirmed(id) {
            return Err(SyncError::ManifestUnconfirmed(id.to_string()));
        }
        let signer = self.config.signer.clone();
        let replica = self.replicas.get_mut(id).expect("owned checks");
        let mut m = replica.manifest().clone();
        match grant {
            Some(Role::Reader) => {
                m.readers.insert(peer);
            }
            Some(Role::Writer) => {
                m.readers.insert(peer);
                m.writers.insert(peer);
            }
            None => {
                m.readers.remove(&peer);
                m.writers.remove(&peer);
                m.admins.remove(&peer);
            }
        }
        let changed = &m != replica.manifest();
        let loses_write = replica.manifest().writers.contains(&peer) && !m.writers.contains(&peer);
        let mut endorsements = Vec::new();
        if changed {
            m.version += 1;
            replica.adopt_manifest(m.sign(&signer))?;
            if loses_write {
                // Its past changes stay valid for whoever fetches them later: the owner builds
                // on them (SPEC.md §4); whatever it signs from now on is refused.
                endorsements = replica
                    .endorse_changes_by(&peer, self.now.unix_timestamp())?
                    .iter()
                    .map(|c| WireChange::new(&c.bytes, &c.signature))
                    .collect();
            }
            self.persist(id);
            // This node just signed the latest version.
            self.confirm_manifest(id);
            info!(catalog = %id, peer = %peer.short(), ?grant, endorsed = endorsements.len(), "access changed");
        }
        let status = if grant.is_some() {
            SubscriptionStatus::Granted
        } else {
            SubscriptionStatus::Refused
        };
        if self.requests.contains_key(&(id.clone(), peer)) || grant.is_none() {
            let sub = Subscription {
                status,
                at: self.now_rfc3339(),
            };
            let op = request_op(id, &peer, &sub);
            self.requests.insert((id.clone(), peer), sub);
            self.persist_ops(vec![op]);
        }
        if changed {
            // Everyone still allowed learns the new manifest now; a revoked member is no longer
            // among them, and every node that holds the new manifest refuses it.
            self.announce(id, endorsements, Vec::new());
            if grant.is_some() && self.connected.contains(&peer) {
                self.start_session(peer, id.clone());
            }
        }
        Ok(Done::Catalog(Box::new(self.catalog_view(id))))
    }

    pub(super) fn subscribe(&mut self, id: &CatalogId) -> Result<Done, SyncError> {
        if id.owner() == &self.me {
            return Err(SyncError::Invalid(format!("this node owns {id}")));
        }
        if self.member(id.owner()).is_none() {
            return Err(SyncError::NotMember(id.owner().to_string()));
        }
        if self.replicas.contains_key(id) {
            return Ok(Done::Subscribed {
                catalog: id.clone(),
                status: SubscriptionStatus::Granted,
                owner_connected: None,
            });
        }
        self.set_subscription(id.clone(), SubscriptionStatus::Pending);
        let connected = self.connected.contains(id.owner());
        if connected {
            self.send_subscribe(id.clone());
        }
        Ok(Done::Subscribed {
            catalog: id.clone(),
            status: SubscriptionStatus::Pending,
            owner_connected: Some(connected),
        })
    }

    pub(super) fn unsubscribe(&mut self, id: &CatalogId) -> Result<Done, SyncError> {
        if id.owner() == &self.me {
            return Err(SyncError::Invalid(format!("this node owns {id}")));
        }
        let (docs, tombstones) = match self.replicas.get(id) {
            Some(r) => (
                r.doc_ids().map(str::to_owned).collect::<Vec<_>>(),
                r.tombstone_ids().map(str::to_owned).collect::<Vec<_>>(),
            ),
            None if self.subscriptions.contains_key(id) => (Vec::new(), Vec::new()),
            None => return Err(SyncError::UnknownCatalog(id.to_string())),
        };
        self.persist_ops(vec![
            SharedOp::DropCatalog {
                catalog: id.to_string(),
                docs: docs.clone(),
                tombstones,
            },
            subscription_op(id, None),
        ]);
        self.replicas.remove(id);
        self.subscriptions.remove(id);
        self.sessions.retain(|(_, c), _| c != id);
        self.peer_requests.retain(|(_, c), _| c != id);
        for doc in &docs {
            self.emit(SyncEvent::EntryRemoved {
                catalog: id.clone(),
                id: doc.clone(),
            });
        }
        info!(catalog = %id, entries = docs.len(), "unsubscribed");
        Ok(Done::Unsubscribed {
            catalog: id.clone(),
            removed_entries: docs.len(),
        })
    }
}
