//! Typed read models of the federation state, for the API, the web UI and `/metrics` (which
//! turn them into JSON and HTML; nothing here knows either).

use super::{Federation, PeerSync, SyncError};
use crate::sync::document::ANNOTATIONS;
use serde_json::Value;
use sicc_protocol::catalog::{CatalogId, Manifest};
use sicc_protocol::identity::NodeId;
use sicc_protocol::wire::{self, SubscriptionStatus};
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

/// A node with its name for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRef {
    pub node_id: NodeId,
    pub name: String,
}

/// How this node relates to a catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// This node owns it.
    Owner,
    /// This node holds a replica of another node's catalogue.
    Subscriber,
    /// This node asked to subscribe and holds nothing yet.
    Requested,
    /// Another node offers it; this node has not asked.
    Offered,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Owner => "owner",
            Relation::Subscriber => "subscriber",
            Relation::Requested => "requested",
            Relation::Offered => "offered",
        }
    }
}

/// A signed manifest's content, with names for its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestView {
    pub version: u64,
    pub title: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    pub readers: Vec<MemberRef>,
    pub writers: Vec<MemberRef>,
    pub admins: Vec<MemberRef>,
}

/// What this node holds of a catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    /// Documents (erased ones excluded).
    pub entries: usize,
    /// Documents held live in memory right now.
    pub live_documents: usize,
}

/// One catalogue as this node sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogView {
    pub id: CatalogId,
    pub owner_name: String,
    pub relation: Relation,
    /// `None` for a catalogue asked for but not seen yet.
    pub manifest: Option<ManifestView>,
    /// `Some` when this node holds a replica.
    pub holding: Option<Holding>,
    /// This node's own request to subscribe, for catalogues it does not hold.
    pub subscription: Option<SubscriptionStatus>,
}

/// A subscription request, incoming (a member asking us) or outgoing (us asking an owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestView {
    pub catalog: CatalogId,
    /// The requester (incoming) or the owner (outgoing).
    pub node: MemberRef,
    pub status: SubscriptionStatus,
    pub at: Option<OffsetDateTime>,
}

/// The sync state of one (peer, catalogue) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCatalogSync {
    pub peer: MemberRef,
    pub catalog: CatalogId,
    pub last_sync_at: Option<OffsetDateTime>,
    pub converged: bool,
    /// Documents that differed at the start of the last session.
    pub docs_differing: usize,
    pub last_error: Option<String>,
}

impl PeerCatalogSync {
    /// Documents the peer was behind by at the last session (0 once converged).
    pub fn docs_behind(&self) -> usize {
        if self.converged {
            0
        } else {
            self.docs_differing
        }
    }
}

/// A held catalogue in detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogDetail {
    pub catalog: CatalogView,
    /// `None` for a catalogue only offered.
    pub held: Option<HeldDetail>,
}

/// What only a held catalogue has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldDetail {
    pub entry_ids: Vec<String>,
    /// The catalogue digest (SPEC.md §6.3), hex.
    pub digest: String,
    pub requests: Vec<RequestView>,
    pub peers: Vec<PeerCatalogSync>,
}

/// One change of a shared document's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeView {
    /// The change hash, hex.
    pub hash: String,
    /// The author node (from the change's signature), when known.
    pub author: Option<NodeId>,
    pub author_name: String,
    /// The time its author recorded.
    pub at: Option<OffsetDateTime>,
}

/// A member's annotation on an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationView {
    /// The annotating node, as written in the document.
    pub node: String,
    pub node_name: String,
    pub text: String,
    pub at: String,
}

/// One shared entry: its document, heads and history.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryView {
    pub catalog: CatalogId,
    pub id: String,
    pub origin_name: String,
    /// The shared fields (the record's public projection).
    pub record: Value,
    pub annotations: Vec<AnnotationView>,
    /// Heads, hex, sorted.
    pub heads: Vec<String>,
    /// Oldest first.
    pub history: Vec<ChangeView>,
}

/// Per-catalogue sync state with one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerView {
    pub node_id: NodeId,
    pub name: String,
    pub country: String,
    pub connected: bool,
    /// Catalogues this peer offers us.
    pub offers: usize,
    pub catalogs: Vec<PeerCatalogSync>,
}

impl PeerView {
    /// The latest session with this peer, over every catalogue.
    pub fn last_sync_at(&self) -> Option<OffsetDateTime> {
        self.catalogs.iter().filter_map(|c| c.last_sync_at).max()
    }

    /// Documents this peer was behind by, over every catalogue.
    pub fn docs_behind(&self) -> usize {
        self.catalogs.iter().map(PeerCatalogSync::docs_behind).sum()
    }
}

/// Every member of the roster and the federation's counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeersView {
    pub peers: Vec<PeerView>,
    /// Changes and tombstones refused since start, by reason code.
    pub rejected_changes: BTreeMap<&'static str, u64>,
    /// Non-members' connections closed since start.
    pub refused_connections: u64,
    /// Catalogues held.
    pub catalogs: usize,
}

/// Subscription requests, both ways.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionsView {
    /// Members asking to subscribe to this node's catalogues.
    pub incoming: Vec<RequestView>,
    /// This node's requests to other owners.
    pub outgoing: Vec<RequestView>,
}

fn parse_time(t: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
}

impl Federation {
    fn member_ref(&self, node: &NodeId) -> MemberRef {
        MemberRef {
            node_id: *node,
            name: self.name_of(node),
        }
    }

    fn manifest_view(&self, m: &Manifest) -> ManifestView {
        let refs = |s: &BTreeSet<NodeId>| s.iter().map(|n| self.member_ref(n)).collect();
        ManifestView {
            version: m.version,
            title: m.title.clone(),
            description: m.description.clone(),
            readers: refs(&m.readers),
            writers: refs(&m.writers),
            admins: refs(&m.admins),
        }
    }

    fn relation(&self, id: &CatalogId) -> Relation {
        if id.owner() == &self.me {
            Relation::Owner
        } else if self.replicas.contains_key(id) {
            Relation::Subscriber
        } else if self.subscriptions.contains_key(id) {
            Relation::Requested
        } else {
            Relation::Offered
        }
    }

    fn offered(&self, id: &CatalogId) -> Option<&Manifest> {
        self.offers
            .values()
            .flatten()
            .map(|m| &m.manifest)
            .find(|m| &m.id == id)
    }

    /// A catalogue as this node sees it: held, offered or asked for.
    pub(super) fn catalog_view(&self, id: &CatalogId) -> CatalogView {
        let held = self.replicas.get(id);
        let manifest = held
            .map(|r| r.manifest())
            .or_else(|| self.offered(id))
            .map(|m| self.manifest_view(m));
        CatalogView {
            id: id.clone(),
            owner_name: self.name_of(id.owner()),
            relation: self.relation(id),
            manifest,
            holding: held.map(|r| Holding {
                entries: r.len(),
                live_documents: r.live_len(),
            }),
            subscription: if held.is_some() {
                None
            } else {
                self.subscriptions.get(id).map(|s| s.status)
            },
        }
    }

    /// Every catalogue held, offered to this node, or asked for.
    pub fn catalogs(&self) -> Vec<CatalogView> {
        let mut seen: BTreeSet<&CatalogId> = self.replicas.keys().collect();
        let mut ids: Vec<&CatalogId> = self.replicas.keys().collect();
        let offered = self.offers.values().flatten().map(|m| &m.manifest.id);
        for id in offered.chain(self.subscriptions.keys()) {
            if seen.insert(id) {
                ids.push(id);
            }
        }
        ids.into_iter().map(|id| self.catalog_view(id)).collect()
    }

    fn request_views<'a>(
        &'a self,
        requests: impl Iterator<Item = (&'a (CatalogId, NodeId), &'a super::Subscription)>,
    ) -> Vec<RequestView> {
        requests
            .map(|((c, n), s)| RequestView {
                catalog: c.clone(),
                node: self.member_ref(n),
                status: s.status,
                at: parse_time(&s.at),
            })
            .collect()
    }

    fn sync_view(&self, peer: &NodeId, catalog: &CatalogId, s: &PeerSync) -> PeerCatalogSync {
        PeerCatalogSync {
            peer: self.member_ref(peer),
            catalog: catalog.clone(),
            last_sync_at: s.last_sync_at.as_deref().and_then(parse_time),
            converged: s.converged,
            docs_differing: s.docs_differing,
            last_error: s.last_error.clone(),
        }
    }

    /// One catalogue in detail.
    pub fn catalog_detail(&mut self, id: &CatalogId) -> Result<CatalogDetail, SyncError> {
        if !self.replicas.contains_key(id) && self.offered(id).is_none() {
            return Err(SyncError::UnknownCatalog(id.to_string()));
        }
        let catalog = self.catalog_view(id);
        let Some(replica) = self.replicas.get_mut(id) else {
            return Ok(CatalogDetail {
                catalog,
                held: None,
            });
        };
        let digest = wire::to_hex(&replica.digest());
        let entry_ids = replica.doc_ids().map(str::to_owned).collect();
        let requests = self.request_views(self.requests.iter().filter(|((c, _), _)| c == id));
        let peers = self
            .peer_sync
            .iter()
            .filter(|((_, c), _)| c == id)
            .map(|((n, c), s)| self.sync_view(n, c, s))
            .collect();
        Ok(CatalogDetail {
            catalog,
            held: Some(HeldDetail {
                entry_ids,
                digest,
                requests,
                peers,
            }),
        })
    }

    /// One entry's shared document, heads and history.
    pub fn entry(&mut self, id: &CatalogId, doc: &str) -> Result<EntryView, SyncError> {
        let replica = self
            .replicas
            .get_mut(id)
            .ok_or_else(|| SyncError::UnknownCatalog(id.to_string()))?;
        let mut document = replica
            .document_json(doc)
            .ok_or_else(|| crate::sync::replica::ReplicaError::NoSuchDocument(doc.to_owned()))?;
        let heads = crate::sync::replica::sorted_hex(replica.doc_heads(doc));
        let raw_history = replica.doc_history(doc);
        let annotations = match &mut document {
            Value::Object(m) => match m.remove(ANNOTATIONS) {
                Some(Value::Object(notes)) => notes
                    .into_iter()
                    .map(|(node, a)| {
                        let node_name = node
                            .parse::<NodeId>()
                            .map(|n| self.name_of(&n))
                            .unwrap_or_else(|_| node.clone());
                        AnnotationView {
                            text: a["text"].as_str().unwrap_or_default().to_owned(),
                            at: a["at"].as_str().unwrap_or_default().to_owned(),
                            node,
                            node_name,
                        }
                    })
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let history = raw_history
            .into_iter()
            .map(|(hash, author, at)| {
                let author = author.parse::<NodeId>().ok();
                ChangeView {
                    hash,
                    author_name: author.map(|n| self.name_of(&n)).unwrap_or_default(),
                    author,
                    // 0: a change committed without a time (before commit times were recorded).
                    at: (at != 0)
                        .then(|| OffsetDateTime::from_unix_timestamp(at).ok())
                        .flatten(),
                }
            })
            .collect();
        Ok(EntryView {
            catalog: id.clone(),
            id: doc.to_owned(),
            origin_name: self.name_of(id.owner()),
            record: document,
            annotations,
            heads,
            history,
        })
    }

    /// Subscription requests received and sent.
    pub fn subscriptions_view(&self) -> SubscriptionsView {
        SubscriptionsView {
            incoming: self.request_views(self.requests.iter()),
            outgoing: self
                .subscriptions
                .iter()
                .map(|(c, s)| RequestView {
                    catalog: c.clone(),
                    node: self.member_ref(c.owner()),
                    status: s.status,
                    at: parse_time(&s.at),
                })
                .collect(),
        }
    }

    /// Every member of the roster with its sync state, and the counters.
    pub fn peers(&self) -> PeersView {
        let peers = self
            .config
            .members
            .iter()
            .map(|m| PeerView {
                node_id: m.node_id,
                name: m.name.clone(),
                country: m.country.clone(),
                connected: self.connected.contains(&m.node_id),
                offers: self.offers.get(&m.node_id).map_or(0, Vec::len),
                catalogs: self
                    .peer_sync
                    .iter()
                    .filter(|((n, _), _)| n == &m.node_id)
                    .map(|((n, c), s)| self.sync_view(n, c, s))
                    .collect(),
            })
            .collect();
        PeersView {
            peers,
            rejected_changes: self.rejected.clone(),
            refused_connections: self.refused,
            catalogs: self.replicas.len(),
        }
    }
}
