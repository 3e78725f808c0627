//! The application service: every staff action, from the HTTP API, the web UI or the CLI
//! (through the API), goes through [`App`]. It knows no HTTP and no JSON.
//!
//! Writes take one path: the store's writer commits the change with the next feed sequence;
//! the search index and the sync engine follow the feed in that order; an acknowledgement
//! waits until the engine has passed the write's sequence, so it covers the publications the
//! write implies (ARCHITECTURE.md, invariant 8 and "Life of a write"). Reads merge the local
//! store, the records shared by partners, the index and the engine's views.

use crate::search::SearchHandle;
use crate::storage::{ColumnFamilyStats, Store, StoreStats};
use crate::sync::SyncHandle;

// The vocabulary of staff actions: what `App` takes, returns and fails with. The API and the UI
// name these through `app` only, never the modules that own them (ARCHITECTURE.md, module graph).
/// Staff accounts, sessions and tokens: the HTTP layer authenticates through them.
pub use crate::accounts;
pub use crate::backup::{BackupError, BackupManifest, Target as BackupTarget};
pub use crate::search::{FACETS, FacetCount, Hit, SearchError, SearchRequest, SearchResult, Sort};
pub use crate::storage::{
    AuditEntry, MAX_BATCH_RECORDS, MAX_PAGE, PutMode, QuarantinedRecord, SCHEMA_VERSION,
    SharedRecord, StoreError,
};
pub use crate::sync::document::ANNOTATIONS;
pub use crate::sync::federation::{
    AnnotationView, CatalogDetail, CatalogView, ChangeView, Done, EntryView, MemberRef,
    PeerCatalogSync, PeersView, Relation, RequestView, Role, SubscriptionsView,
};
pub use crate::sync::{SyncError, SyncErrorKind, SyncEvent};
pub use crate::transfer::{CsvOptions, neutralise_formula, write_csv};
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::id::RecordId;
use sicc_protocol::identity::NodeId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::Record;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The longest an import request waits for the search index to take in the writes before it
/// (`App::import`): a safety bound, not a pace; the index normally catches up far sooner.
const IMPORT_INDEX_WAIT: Duration = Duration::from_secs(5);

/// Why a staff action failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error("record `{0}` does not exist")]
    NotFound(RecordId),
    #[error(
        "record `{}` shared by {} through `{}` does not validate on this node and is quarantined: {}",
        .0.id, .0.origin, .0.catalog, .0.problem
    )]
    Quarantined(Box<QuarantinedRecord>),
}

/// Facts about the node that do not change while it runs.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub node_id: NodeId,
    pub name: String,
    pub country: String,
    /// The data directory (backups copy its identity and configuration).
    pub data_dir: PathBuf,
    /// The configuration file the node was started with (backups copy it).
    pub config_file: PathBuf,
    /// The only directory backups are written under (`backup.root`).
    pub backup_root: PathBuf,
    /// The actor epoch this run signs its changes in.
    pub actor_epoch: u32,
}

/// Which records a listing covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Local,
    Shared,
}

/// One row of a record listing.
#[derive(Debug, Clone)]
pub enum Row {
    Local(Record),
    /// A record another node shared, as it arrived through one catalogue.
    Shared(SharedRecord),
}

impl Row {
    pub fn id(&self) -> &RecordId {
        match self {
            Row::Local(r) => &r.id,
            Row::Shared(s) => &s.record.id,
        }
    }

    /// The catalogue a shared row came through (empty for a local one).
    fn catalog(&self) -> &str {
        match self {
            Row::Local(_) => "",
            Row::Shared(s) => &s.catalog,
        }
    }
}

/// One page of a record listing.
#[derive(Debug, Clone)]
pub struct RecordPage {
    pub rows: Vec<Row>,
    /// Pass back as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// A record as staff open it: this node's own, or the copies partners shared.
#[derive(Debug, Clone)]
pub enum RecordFound {
    Local(Box<Record>),
    Shared(Vec<SharedRecord>),
}

/// What an import did, record by record.
#[derive(Debug)]
pub struct Imported {
    /// Per record given, in order: stored as, or why not.
    pub results: Vec<Result<Record, StoreError>>,
}

/// The node's counts for `/api/v1/status` and `/metrics`.
#[derive(Debug, Clone)]
pub struct Status {
    pub stats: StoreStats,
    pub storage_bytes: u64,
    pub search_documents: u64,
}

/// What `/readyz` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub storage: bool,
    pub network: bool,
    pub index: bool,
    pub sync: bool,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.storage && self.network && self.index && self.sync
    }
}

/// The application service: a cheap, cloneable set of handles.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    search: SearchHandle,
    sync: SyncHandle,
    network: crate::p2p::network::NetworkHandle,
    node: NodeInfo,
}

impl App {
    pub fn new(
        store: Store,
        search: SearchHandle,
        sync: SyncHandle,
        network: crate::p2p::network::NetworkHandle,
        node: NodeInfo,
    ) -> App {
        App {
            store,
            search,
            sync,
            network,
            node,
        }
    }

    pub fn node(&self) -> &NodeInfo {
        &self.node
    }

    /// Waits until everything committed so far is reflected in the publications, or until the
    /// engine stopped (a storage failure stops it until restart): the publications then
    /// follow at the next start, and the write itself is durable all the same.
    async fn publications_caught_up(&self) {
        self.sync.caught_up(self.store.committed_seq()).await;
    }

    // ------------------------------------------------------------------ record writes

    /// Creates a record (its id must be new).
    pub async fn create(&self, record: Record, actor: &str) -> Result<Record, AppError> {
        let stored = self.store.put(record, PutMode::Create, actor).await?;
        self.publications_caught_up().await;
        Ok(stored)
    }

    /// Creates or replaces a record, if it is still at `expected_revision` when one is given
    /// (0: it must not exist). Its publications follow before this returns.
    pub async fn replace(
        &self,
        record: Record,
        expected_revision: Option<u64>,
        actor: &str,
    ) -> Result<Record, AppError> {
        let stored = self
            .store
            .put_checked(record, PutMode::Upsert, expected_revision, actor)
            .await?;
        self.publications_caught_up().await;
        Ok(stored)
    }

    /// Deletes a record nothing links to; it is erased from every catalogue before this returns.
    pub async fn delete(&self, id: RecordId, actor: &str) -> Result<Record, AppError> {
        let deleted = self.store.delete(id, actor).await?;
        self.publications_caught_up().await;
        Ok(deleted)
    }

    /// Imports many records; each is accepted or refused on its own. Returns once they are
    /// durable, published where they belong, and the index has caught up with the writes
    /// before them.
    pub async fn import(
        &self,
        records: Vec<Record>,
        mode: PutMode,
        actor: &str,
    ) -> Result<Imported, AppError> {
        let before = self.store.committed_seq();
        let results = self.store.put_many(records, mode, actor).await?;
        self.publications_caught_up().await;
        // An import goes no faster than the search index takes it in: each answer waits until
        // the index has applied what was committed before this request, so the index lags an
        // import by the requests in flight, not by a backlog that grows with the import (100,000
        // records acknowledged at 16,000/s were searchable up to 4 s after the last answer).
        // Bounded too: a batch the index failed to take in moves no mark (the next one does).
        self.search.applied(before, IMPORT_INDEX_WAIT).await;
        Ok(Imported { results })
    }

    // ------------------------------------------------------------------ record reads

    /// A record: this node's own, else the copies partners shared.
    pub async fn record(&self, id: RecordId) -> Result<RecordFound, AppError> {
        if let Some(r) = self.store.get(id.clone()).await? {
            return Ok(RecordFound::Local(Box::new(r)));
        }
        let (shared, mut quarantined) = self.store.get_shared_entries(id.clone()).await?;
        if shared.is_empty() {
            return Err(match quarantined.pop() {
                Some(q) => AppError::Quarantined(Box::new(q)),
                None => AppError::NotFound(id),
            });
        }
        Ok(RecordFound::Shared(shared))
    }

    /// This node's own record, if it exists.
    pub async fn local_record(&self, id: RecordId) -> Result<Option<Record>, AppError> {
        Ok(self.store.get(id).await?)
    }

    /// Local and shared records matching `filter`, merged in (id, catalogue) order (a local
    /// record sorts before shared ones with its id). The cursor is `<id>` after a local record,
    /// `<id>~<catalogue>` after a shared one.
    pub async fn list(
        &self,
        filter: Filter,
        scope: Scope,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<RecordPage, AppError> {
        let (after_id, after_catalog) = match cursor.as_deref().map(|c| c.split_once('~')) {
            None => (None, None),
            Some(None) => (cursor.clone(), None),
            Some(Some((id, catalog))) => (Some(id.to_owned()), Some(catalog.to_owned())),
        };
        let mut rows: Vec<Row> = Vec::new();
        let mut more = false;
        if scope != Scope::Shared {
            // After a shared record with id X, local X was already listed: either way, after X.
            let page = self
                .store
                .list(filter.clone(), after_id.clone(), limit)
                .await?;
            more |= page.next_cursor.is_some();
            rows.extend(page.records.into_iter().map(Row::Local));
        }
        if scope != Scope::Local {
            let shared_after = after_id.map(|id| (id, after_catalog.unwrap_or_default()));
            let page = self.store.list_shared(filter, shared_after, limit).await?;
            more |= page.more;
            rows.extend(page.records.into_iter().map(Row::Shared));
        }
        rows.sort_by(|a, b| (a.id(), a.catalog()).cmp(&(b.id(), b.catalog())));
        if rows.len() > limit {
            rows.truncate(limit);
            more = true;
        }
        let next_cursor = if more {
            rows.last().map(|r| match r {
                Row::Local(r) => r.id.to_string(),
                Row::Shared(s) => format!("{}~{}", s.record.id, s.catalog),
            })
        } else {
            None
        };
        Ok(RecordPage { rows, next_cursor })
    }

    /// The audit trail, newest first, optionally of one record.
    pub async fn audit(
        &self,
        record: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, AppError> {
        Ok(self.store.audit(record, limit).await?)
    }

    pub async fn search(&self, request: SearchRequest) -> Result<SearchResult, AppError> {
        Ok(self.search.search(request).await?)
    }

    // ------------------------------------------------------------------ federation

    pub async fn create_catalog(
        &self,
        name: String,
        title: BTreeMap<String, String>,
        description: BTreeMap<String, String>,
    ) -> Result<Done, AppError> {
        Ok(self.sync.create_catalog(name, title, description).await?)
    }

    /// Publishes the local record `id` into a catalogue, as it is now.
    pub async fn publish(&self, catalog: CatalogId, id: RecordId) -> Result<Done, AppError> {
        Ok(self.sync.publish(catalog, id).await?)
    }

    pub async fn unpublish(&self, catalog: CatalogId, id: String) -> Result<Done, AppError> {
        Ok(self.sync.unpublish(catalog, id).await?)
    }

    pub async fn annotate(
        &self,
        catalog: CatalogId,
        id: String,
        text: String,
    ) -> Result<Done, AppError> {
        Ok(self.sync.annotate(catalog, id, text).await?)
    }

    pub async fn grant(
        &self,
        catalog: CatalogId,
        node: NodeId,
        role: Role,
    ) -> Result<Done, AppError> {
        Ok(self.sync.access(catalog, node, Some(role)).await?)
    }

    /// Revokes every role of a member, or refuses its pending request.
    pub async fn revoke(&self, catalog: CatalogId, node: NodeId) -> Result<Done, AppError> {
        Ok(self.sync.access(catalog, node, None).await?)
    }

    pub async fn subscribe(&self, catalog: CatalogId) -> Result<Done, AppError> {
        Ok(self.sync.subscribe(catalog).await?)
    }

    pub async fn unsubscribe(&self, catalog: CatalogId) -> Result<Done, AppError> {
        Ok(self.sync.unsubscribe(catalog).await?)
    }

    pub async fn catalogs(&self) -> Result<Vec<CatalogView>, AppError> {
        Ok(self.sync.catalogs().await?)
    }

    pub async fn catalog(&self, id: CatalogId) -> Result<CatalogDetail, AppError> {
        Ok(self.sync.catalog(id).await?)
    }

    pub async fn entry(&self, catalog: CatalogId, id: String) -> Result<EntryView, AppError> {
        Ok(self.sync.entry(catalog, id).await?)
    }

    pub async fn subscriptions(&self) -> Result<SubscriptionsView, AppError> {
        Ok(self.sync.subscriptions().await?)
    }

    pub async fn peers(&self) -> Result<PeersView, AppError> {
        Ok(self.sync.peers().await?)
    }

    /// Partners' shared entries that do not validate here: kept, shown as such on their page,
    /// left out of lists and search.
    pub fn quarantined(&self) -> Vec<QuarantinedRecord> {
        self.store.quarantined()
    }

    /// How many partners' shared entries are quarantined.
    pub fn quarantined_count(&self) -> usize {
        self.store.quarantined_count()
    }

    /// The addresses this node listens on for partners.
    pub async fn listen_addrs(&self) -> Vec<String> {
        self.network.listen_addrs().await.unwrap_or_default()
    }

    /// Live events for staff.
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<SyncEvent> {
        self.sync.events()
    }

    // ------------------------------------------------------------------ operations

    /// Takes an online backup into `target` (under the backup root, not existing yet).
    pub async fn backup(&self, target: PathBuf) -> Result<BackupManifest, AppError> {
        Ok(crate::backup::create(
            &self.store,
            &self.node.data_dir,
            &self.node.config_file,
            &self.node.node_id.to_string(),
            &self.node.backup_root,
            &target,
        )
        .await?)
    }

    /// Where a backup named `name` goes, or an absolute path asked for.
    pub fn backup_target(&self, target: BackupTarget) -> Result<PathBuf, AppError> {
        Ok(target.resolve(&self.node.backup_root)?)
    }

    /// The backups this node took, with the erasures each predates.
    pub async fn backups(&self) -> Result<Vec<crate::backup::BackupListing>, AppError> {
        Ok(crate::backup::list(&self.store).await?)
    }

    pub async fn status(&self) -> Result<Status, AppError> {
        Ok(Status {
            stats: self.store.stats().await?,
            storage_bytes: self.store.disk_bytes().await?,
            search_documents: self.search.len(),
        })
    }

    /// RocksDB's figures per column family.
    pub async fn storage_figures(&self) -> Result<Vec<ColumnFamilyStats>, AppError> {
        Ok(self.store.column_family_stats().await?)
    }

    pub async fn readiness(&self) -> Readiness {
        let storage = self.store.ready().await;
        let network = self
            .network
            .listen_addrs()
            .await
            .is_ok_and(|a| !a.is_empty());
        // The index is brought in line before the API starts; it is ready while its indexer
        // runs. Not a flush: that commits at once, and probes would undo the indexer's policy
        // of one commit per interval under load.
        let index = self.search.is_running();
        Readiness {
            storage,
            network,
            index,
            sync: self.sync.is_running(),
        }
    }
}
