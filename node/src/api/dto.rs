//! The JSON the API speaks: request and response bodies as serde types, built from the typed
//! views of `app`, `sync` and `search`. The OpenAPI document's schemas are derived from these
//! types (`utoipa`), so the document and the answers cannot drift apart.
//!
//! Over 800 lines because it is one flat list of small types, one per body the API answers
//! with; splitting it per endpoint would scatter the shared ones (records, entries, members).

use crate::app::{
    AuditEntry, CatalogDetail, CatalogView, ChangeView, Done, EntryView, FacetCount, Hit,
    MemberRef, PeerCatalogSync, PeersView, QuarantinedRecord, RecordFound, RequestView, Row,
    SearchResult, SharedRecord, SubscriptionsView, SyncEvent,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sicc_protocol::record::Record;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::ToSchema;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------- errors

/// An error answer: `{"error": {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code (ARCHITECTURE.md, *Errors*).
    pub code: String,
    /// For people.
    pub message: String,
    /// The field or parameter at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every problem found, for `invalid_record`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldProblem>,
}

/// One problem with one field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

// ---------------------------------------------------------------------- records

/// A record in its canonical JSON form (fields per kind: `GET /api/v1/schema`). Records
/// shared by another node carry `origin`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(value_type = Object)]
pub struct RecordBody(pub Value);

impl RecordBody {
    pub fn local(r: &Record) -> RecordBody {
        RecordBody(r.to_json())
    }

    pub fn shared(s: &SharedRecord) -> RecordBody {
        let mut v = s.record.to_json();
        v["origin"] = serde_json::json!({"node_id": s.origin, "catalog": s.catalog});
        RecordBody(v)
    }

    pub fn found(f: &RecordFound) -> RecordBody {
        match f {
            RecordFound::Local(r) => RecordBody::local(r),
            RecordFound::Shared(all) => RecordBody::shared(&all[0]),
        }
    }
}

/// One page of records.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordList {
    pub records: Vec<RecordBody>,
    /// Pass as `cursor` for the next page; `null` at the end.
    pub next_cursor: Option<String>,
}

impl RecordList {
    pub fn new(rows: &[Row], next_cursor: Option<String>) -> RecordList {
        RecordList {
            records: rows
                .iter()
                .map(|r| match r {
                    Row::Local(r) => RecordBody::local(r),
                    Row::Shared(s) => RecordBody::shared(s),
                })
                .collect(),
            next_cursor,
        }
    }
}

/// A record refused by an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportFailure {
    /// Its 0-based position in the body.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub field: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Every problem of the record, `field` and `message` above being the first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

impl ImportFailure {
    /// A record refused for these problems (at least one).
    pub fn of(
        index: usize,
        id: Option<String>,
        errors: Vec<sicc_protocol::record::FieldError>,
        code: super::ErrorCode,
    ) -> ImportFailure {
        let first = errors.first();
        ImportFailure {
            index,
            id,
            field: first.map(|e| e.field.clone()).filter(|f| !f.is_empty()),
            message: first.map_or_else(|| "rejected".to_owned(), |e| e.message.clone()),
            code: Some(code.as_str().to_owned()),
            errors: errors
                .into_iter()
                .map(|e| FieldProblem {
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        }
    }
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub imported: usize,
    pub ids: Vec<String>,
    pub failed: Vec<ImportFailure>,
}

/// The audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditItem>,
}

/// One entry of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditItem {
    pub seq: u64,
    /// RFC 3339 UTC.
    pub at: String,
    pub actor: String,
    /// `create`, `replace`, `import` or `delete`.
    pub action: String,
    pub record_id: String,
    pub kind: String,
    pub revision: u64,
}

impl From<AuditEntry> for AuditItem {
    fn from(a: AuditEntry) -> AuditItem {
        AuditItem {
            seq: a.seq,
            at: a.at,
            actor: a.actor,
            action: a.action,
            record_id: a.record_id,
            kind: a.kind,
            revision: a.revision,
        }
    }
}

// ---------------------------------------------------------------------- search

/// What a search found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchAnswer {
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<SearchHit>,
    /// Per facet, its values with how many hits carry each.
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

/// One hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub id: String,
    pub kind: String,
    pub title: String,
    /// `local`, or the node id of the publisher.
    pub origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
    pub score: f32,
    /// A passage with the matched words in `<b>`, HTML-escaped.
    pub highlight: String,
    pub updated_at: String,
}

/// One value of a facet.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

impl From<SearchResult> for SearchAnswer {
    fn from(r: SearchResult) -> SearchAnswer {
        let hit = |h: Hit| SearchHit {
            id: h.id,
            kind: h.kind,
            title: h.title,
            origin: h.origin,
            catalog: h.catalog,
            score: h.score,
            highlight: h.highlight,
            updated_at: h.updated_at,
        };
        let facet = |f: FacetCount| FacetValue {
            value: f.value,
            count: f.count,
        };
        SearchAnswer {
            total: r.total,
            offset: r.offset,
            limit: r.limit,
            hits: r.hits.into_iter().map(hit).collect(),
            facets: r
                .facets
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().map(facet).collect()))
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------- catalogues

/// `POST /api/v1/catalogs`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCatalog {
    /// 1-64 characters of `a-z0-9-_`.
    pub name: String,
    /// Per language, e.g. `{"en": "Housing first"}`.
    pub title: BTreeMap<String, String>,
    #[serde(default)]
    pub description: BTreeMap<String, String>,
}

/// Publish, unpublish or annotate one entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    /// The record (document) id.
    pub id: String,
    /// The annotation (annotate only), at most 2,000 characters.
    #[serde(default)]
    pub text: Option<String>,
}

/// A role to grant.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Reader,
    Writer,
}

/// Grant or revoke access.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    pub node_id: String,
    /// For a grant: `reader` (default) or `writer`.
    #[serde(default)]
    pub role: Option<RoleName>,
}

/// A member of the federation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub node_id: String,
    pub name: String,
}

impl From<&MemberRef> for Member {
    fn from(m: &MemberRef) -> Member {
        Member {
            node_id: m.node_id.to_string(),
            name: m.name.clone(),
        }
    }
}

/// A catalogue as this node sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Catalog {
    /// `<owner node id>/<name>`.
    pub id: String,
    pub name: String,
    pub owner: String,
    pub owner_name: String,
    /// `owner`, `subscriber`, `requested` or `offered`.
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readers: Option<Vec<Member>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writers: Option<Vec<Member>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admins: Option<Vec<Member>>,
    /// Held catalogues: documents held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<usize>,
    /// Held catalogues: documents live in memory now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live_documents: Option<usize>,
    /// This node's request to subscribe (`pending`, `granted`, `refused`), when not held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
}

impl From<&CatalogView> for Catalog {
    fn from(c: &CatalogView) -> Catalog {
        let members = |v: &[MemberRef]| v.iter().map(Member::from).collect();
        let m = c.manifest.as_ref();
        Catalog {
            id: c.id.to_string(),
            name: c.id.name().to_owned(),
            owner: c.id.owner().to_string(),
            owner_name: c.owner_name.clone(),
            role: c.relation.as_str().to_owned(),
            version: m.map(|m| m.version),
            title: m.map(|m| m.title.clone()),
            description: m.map(|m| m.description.clone()),
            readers: m.map(|m| members(&m.readers)),
            writers: m.map(|m| members(&m.writers)),
            admins: m.map(|m| members(&m.admins)),
            entries: c.holding.map(|h| h.entries),
            live_documents: c.holding.map(|h| h.live_documents),
            subscription: c.subscription.map(|s| s.as_str().to_owned()),
        }
    }
}

/// Every catalogue held, offered or asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogList {
    pub catalogs: Vec<Catalog>,
}

/// A member's request to subscribe to one of this node's catalogues.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncomingRequest {
    pub catalog: String,
    pub node_id: String,
    pub name: String,
    /// `pending`, `granted` or `refused`.
    pub status: String,
    /// RFC 3339.
    pub at: Option<String>,
}

impl From<&RequestView> for IncomingRequest {
    fn from(r: &RequestView) -> IncomingRequest {
        IncomingRequest {
            catalog: r.catalog.to_string(),
            node_id: r.node.node_id.to_string(),
            name: r.node.name.clone(),
            status: r.status.as_str().to_owned(),
            at: r.at.map(rfc3339),
        }
    }
}

/// This node's request to subscribe to another owner's catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutgoingRequest {
    pub catalog: String,
    pub owner_name: String,
    pub status: String,
    pub at: Option<String>,
}

/// Subscription requests, both ways.
#[derive(Debug, Serialize, ToSchema)]
pub struct Subscriptions {
    pub incoming: Vec<IncomingRequest>,
    pub outgoing: Vec<OutgoingRequest>,
}

impl From<&SubscriptionsView> for Subscriptions {
    fn from(s: &SubscriptionsView) -> Subscriptions {
        Subscriptions {
            incoming: s.incoming.iter().map(IncomingRequest::from).collect(),
            outgoing: s
                .outgoing
                .iter()
                .map(|r| OutgoingRequest {
                    catalog: r.catalog.to_string(),
                    owner_name: r.node.name.clone(),
                    status: r.status.as_str().to_owned(),
                    at: r.at.map(rfc3339),
                })
                .collect(),
        }
    }
}

/// The sync state with one peer for one catalogue, as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncState {
    pub last_sync_at: Option<String>,
    pub converged: bool,
    pub docs_differing: usize,
    pub last_error: Option<String>,
}

/// One peer's sync state for a catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogPeer {
    pub node_id: String,
    pub name: String,
    pub sync: SyncState,
}

/// A catalogue in detail.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogDetails {
    #[serde(flatten)]
    pub catalog: Catalog,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_ids: Option<Vec<String>>,
    /// The catalogue digest (SPEC.md §6.3), hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<Vec<IncomingRequest>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peers: Option<Vec<CatalogPeer>>,
}

impl From<&CatalogDetail> for CatalogDetails {
    fn from(d: &CatalogDetail) -> CatalogDetails {
        let held = d.held.as_ref();
        CatalogDetails {
            catalog: Catalog::from(&d.catalog),
            entry_ids: held.map(|h| h.entry_ids.clone()),
            digest: held.map(|h| h.digest.clone()),
            requests: held.map(|h| h.requests.iter().map(IncomingRequest::from).collect()),
            peers: held.map(|h| {
                h.peers
                    .iter()
                    .map(|p| CatalogPeer {
                        node_id: p.peer.node_id.to_string(),
                        name: p.peer.name.clone(),
                        sync: SyncState {
                            last_sync_at: p.last_sync_at.map(rfc3339),
                            converged: p.converged,
                            docs_differing: p.docs_differing,
                            last_error: p.last_error.clone(),
                        },
                    })
                    .collect()
            }),
        }
    }
}

/// One change of an entry's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    /// The change hash, hex.
    pub change: String,
    pub author: String,
    pub author_name: String,
    /// When its author made it, RFC 3339 (`null` for changes made before times were kept).
    pub at: Option<String>,
}

impl From<&ChangeView> for Change {
    fn from(c: &ChangeView) -> Change {
        Change {
            change: c.hash.clone(),
            author: c.author.map(|a| a.to_string()).unwrap_or_default(),
            author_name: c.author_name.clone(),
            at: c.at.map(rfc3339),
        }
    }
}

/// One shared entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    pub catalog: String,
    pub id: String,
    pub origin: String,
    pub origin_name: String,
    /// The shared document: the record's public projection plus `annotations` by node.
    #[schema(value_type = Object)]
    pub document: Value,
    pub heads: Vec<String>,
    pub history: Vec<Change>,
}

impl From<&EntryView> for Entry {
    fn from(e: &EntryView) -> Entry {
        let mut document = e.record.clone();
        if let Value::Object(m) = &mut document {
            let notes: serde_json::Map<String, Value> = e
                .annotations
                .iter()
                .map(|a| {
                    (
                        a.node.clone(),
                        serde_json::json!({"text": a.text, "at": a.at}),
                    )
                })
                .collect();
            m.insert(crate::app::ANNOTATIONS.to_owned(), Value::Object(notes));
        }
        Entry {
            catalog: e.catalog.to_string(),
            id: e.id.clone(),
            origin: e.catalog.owner().to_string(),
            origin_name: e.origin_name.clone(),
            document,
            heads: e.heads.clone(),
            history: e.history.iter().map(Change::from).collect(),
        }
    }
}

/// What a publish, unpublish, annotate, subscribe or unsubscribe did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Outcome {
    pub catalog: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Publish: whether the entry changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotated: Option<bool>,
    /// Subscribe: `pending` or `granted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Subscribe: whether the owner was connected to receive the request now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_connected: Option<bool>,
    /// Unsubscribe: entries removed from this node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_entries: Option<usize>,
}

impl Outcome {
    fn of(catalog: String) -> Outcome {
        Outcome {
            catalog,
            id: None,
            changed: None,
            erased: None,
            annotated: None,
            status: None,
            owner_connected: None,
            removed_entries: None,
        }
    }
}

/// A command's result as the API answers it: a catalogue (create, grant, revoke) or an outcome.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Answer {
    Catalog(Box<Catalog>),
    Outcome(Outcome),
}

impl From<Done> for Answer {
    fn from(d: Done) -> Answer {
        match d {
            Done::Catalog(c) => Answer::Catalog(Box::new(Catalog::from(&*c))),
            Done::Published {
                catalog,
                id,
                changed,
            } => Answer::Outcome(Outcome {
                id: Some(id),
                changed: Some(changed),
                ..Outcome::of(catalog.to_string())
            }),
            Done::Erased { catalog, id } => Answer::Outcome(Outcome {
                id: Some(id),
                erased: Some(true),
                ..Outcome::of(catalog.to_string())
            }),
            Done::Annotated { catalog, id } => Answer::Outcome(Outcome {
                id: Some(id),
                annotated: Some(true),
                ..Outcome::of(catalog.to_string())
            }),
            Done::Subscribed {
                catalog,
                status,
                owner_connected,
            } => Answer::Outcome(Outcome {
                status: Some(status.as_str().to_owned()),
                owner_connected,
                ..Outcome::of(catalog.to_string())
            }),
            Done::Unsubscribed {
                catalog,
                removed_entries,
            } => Answer::Outcome(Outcome {
                removed_entries: Some(removed_entries),
                ..Outcome::of(catalog.to_string())
            }),
        }
    }
}

// ---------------------------------------------------------------------- peers

/// One catalogue's sync state with a peer.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerCatalog {
    pub catalog: String,
    pub last_sync_at: Option<String>,
    pub converged: bool,
    pub docs_behind: usize,
    pub last_error: Option<String>,
}

impl From<&PeerCatalogSync> for PeerCatalog {
    fn from(s: &PeerCatalogSync) -> PeerCatalog {
        PeerCatalog {
            catalog: s.catalog.to_string(),
            last_sync_at: s.last_sync_at.map(rfc3339),
            converged: s.converged,
            docs_behind: s.docs_behind(),
            last_error: s.last_error.clone(),
        }
    }
}

/// A member of the roster and how syncing with it goes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Peer {
    pub node_id: String,
    pub name: String,
    pub country: String,
    pub connected: bool,
    /// The latest session with it, over every catalogue.
    pub last_sync_at: Option<String>,
    pub docs_behind: usize,
    /// Catalogues it offers.
    pub offers: usize,
    pub catalogs: Vec<PeerCatalog>,
    /// Its shared entries that do not validate here (quarantined).
    pub quarantined: usize,
}

/// A partner's shared entry that does not validate on this node: kept, but left out of lists
/// and search.
#[derive(Debug, Serialize, ToSchema)]
pub struct Quarantined {
    pub id: String,
    /// The node that published it.
    pub origin: String,
    pub catalog: String,
    /// Why it does not validate (an unknown code, a newer schema…).
    pub problem: String,
}

/// Every member, the counters, and this node's listen addresses.
#[derive(Debug, Serialize, ToSchema)]
pub struct Peers {
    pub peers: Vec<Peer>,
    /// Changes and tombstones refused since start, by reason.
    pub rejected_changes: BTreeMap<String, u64>,
    pub refused_connections: u64,
    /// Catalogues held.
    pub catalogs: usize,
    pub listen: Vec<String>,
    /// Partners' entries that do not validate here.
    pub quarantined: Vec<Quarantined>,
}

impl Peers {
    pub fn new(v: &PeersView, listen: Vec<String>, quarantined: &[QuarantinedRecord]) -> Peers {
        let of = |node: &str| quarantined.iter().filter(|q| q.origin == node).count();
        Peers {
            peers: v
                .peers
                .iter()
                .map(|p| Peer {
                    node_id: p.node_id.to_string(),
                    name: p.name.clone(),
                    country: p.country.clone(),
                    connected: p.connected,
                    last_sync_at: p.last_sync_at().map(rfc3339),
                    docs_behind: p.docs_behind(),
                    offers: p.offers,
                    catalogs: p.catalogs.iter().map(PeerCatalog::from).collect(),
                    quarantined: of(&p.node_id.to_string()),
                })
                .collect(),
            rejected_changes: v
                .rejected_changes
                .iter()
                .map(|(k, n)| ((*k).to_owned(), *n))
                .collect(),
            refused_connections: v.refused_connections,
            catalogs: v.catalogs,
            listen,
            quarantined: quarantined
                .iter()
                .map(|q| Quarantined {
                    id: q.id.clone(),
                    origin: q.origin.clone(),
                    catalog: q.catalog.clone(),
                    problem: q.problem.clone(),
                })
                .collect(),
        }
    }
}

/// A live event's name and data (server-sent events).
pub fn event(e: &SyncEvent) -> (&'static str, Value) {
    use serde_json::json;
    match e {
        SyncEvent::EntryArrived { catalog, id } => (
            "entry_arrived",
            json!({"event": "entry_arrived", "catalog": catalog.to_string(), "id": id}),
        ),
        SyncEvent::EntryChanged { catalog, id } => (
            "entry_changed",
            json!({"event": "entry_changed", "catalog": catalog.to_string(), "id": id}),
        ),
        SyncEvent::EntryRemoved { catalog, id } => (
            "entry_removed",
            json!({"event": "entry_removed", "catalog": catalog.to_string(), "id": id}),
        ),
        SyncEvent::PeerUp { node_id } => (
            "peer_up",
            json!({"event": "peer_up", "node_id": node_id.to_string()}),
        ),
        SyncEvent::PeerDown { node_id } => (
            "peer_down",
            json!({"event": "peer_down", "node_id": node_id.to_string()}),
        ),
        SyncEvent::SubscriptionRequested { catalog, node_id } => (
            "subscription_requested",
            json!({"event": "subscription_requested", "catalog": catalog.to_string(), "node_id": node_id.to_string()}),
        ),
        SyncEvent::SubscriptionAnswered { catalog, status } => (
            "subscription_answered",
            json!({"event": "subscription_answered", "catalog": catalog.to_string(),
                   "status": status.map(|s| s.as_str())}),
        ),
    }
}

// ---------------------------------------------------------------------- node

/// `GET /api/v1/status`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    pub node_id: String,
    pub name: String,
    pub country: String,
    pub version: String,
    pub schema_version: u32,
    pub records: u64,
    pub records_by_kind: BTreeMap<String, u64>,
    pub audit_entries: u64,
    pub actor_epoch: u32,
    pub uptime_secs: u64,
    pub storage_bytes: u64,
    pub search_documents: u64,
}

/// `GET /readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ready` or `not_ready`.
    pub status: String,
    pub checks: ReadyChecks,
}

/// What `/readyz` checked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyChecks {
    pub storage: bool,
    pub network: bool,
    pub index: bool,
    /// The sync engine task runs (a stopped engine publishes and syncs nothing).
    pub sync: bool,
}

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

/// `POST /api/v1/admin/backup`: a name under the backup root (default: one made of the time),
/// or an absolute path under it.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct BackupRequest {
    /// A name for the backup's directory under `backup.root`.
    pub name: Option<String>,
    /// Absolute path of a directory to create under `backup.root`.
    #[schema(value_type = Option<String>)]
    pub path: Option<std::path::PathBuf>,
}

/// A backup taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct BackupTaken {
    #[schema(value_type = String)]
    pub path: std::path::PathBuf,
    /// The backup's `backup.json`.
    #[schema(value_type = Object)]
    pub manifest: Value,
    pub duration_ms: u64,
}

/// `GET /api/v1/admin/backups`: the backups this node took, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Backups {
    pub backups: Vec<BackupListed>,
}

/// One backup this node took.
#[derive(Debug, Serialize, ToSchema)]
pub struct BackupListed {
    #[schema(value_type = String)]
    pub path: std::path::PathBuf,
    pub created_at: String,
    /// Its directory still holds a backup.
    pub present: bool,
    /// Erasures on this node since it was taken: the backup still holds their values (a
    /// restore replays them).
    pub erasures_since: usize,
}

/// The code lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeLists {
    pub lists: Vec<CodeListSummary>,
}

/// One code list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeListSummary {
    pub name: String,
    pub size: usize,
}

/// One code list with its codes and labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeListBody {
    pub name: String,
    pub codes: Vec<Code>,
}

/// A code and its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct Code {
    pub code: String,
    pub label: String,
    /// NUTS only: the level (0-3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// NUTS only: the NUTS version (2021 or 2024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u16>,
}

/// The record kinds and their fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemaBody {
    pub common_fields: Vec<String>,
    pub kinds: Vec<KindSchema>,
}

/// One record kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindSchema {
    pub kind: String,
    pub fields: Vec<FieldSchema>,
}

/// One field of a kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldSchema {
    pub name: String,
    /// `text`, `lang_text`, `text_list`, `integer`, `boolean`, `date`, `url`, `email`, `code`,
    /// `codes`, `link` or `links`.
    #[serde(rename = "type")]
    pub ty: String,
    pub code_list: Option<String>,
    pub link_kinds: Option<Vec<String>>,
    pub required: bool,
    pub local_only: bool,
    pub doc: String,
}
