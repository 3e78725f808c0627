//! The composition root: builds a node from its configuration, runs it, stops it in order.

use crate::api::{self, ApiState, Limits, NodeInfo};
use crate::config::Config;
use crate::p2p::identity::{IdentityError, NodeIdentity};
use crate::p2p::network::{self, Member, NetworkConfig};
use crate::storage::{Store, StoreError};
use crate::sync::engine::{self, EngineConfig, MemberInfo};
use crate::telemetry::node_span;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Name of the file, in the data directory, holding the API's URL while the node runs.
pub const API_FILE: &str = "api";
/// Subdirectory of the data directory holding RocksDB.
pub const DB_DIR: &str = "db";

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("network: {0}")]
    Network(#[from] crate::p2p::network::NetworkError),
    #[error("sync engine: {0}")]
    Sync(#[from] crate::sync::engine::SyncError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error("config: members: {0}")]
    Roster(String),
    #[error("cannot write {path}: {source}")]
    ApiFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A started node. Drop does not stop it: call [`RunningNode::shutdown`].
#[derive(Debug)]
pub struct RunningNode {
    /// The address the API actually listens on (useful with port 0).
    pub api_addr: SocketAddr,
    /// The node id (libp2p PeerId).
    pub node_id: String,
    shutdown: CancellationToken,
    span: tracing::Span,
    task: tokio::task::JoinHandle<()>,
}

impl RunningNode {
    /// The API's base URL, e.g. `http://127.0.0.1:7300`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    /// Stops accepting requests, lets running ones finish, syncs and closes the store.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        let _ = self.task.await;
    }

    /// A token that stops the node when cancelled (for signal handlers).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// The node's root span, for log lines emitted on its behalf outside its tasks.
    pub fn span(&self) -> tracing::Span {
        self.span.clone()
    }

    /// Waits until the node has stopped.
    pub async fn stopped(self) {
        let _ = self.task.await;
    }
}

/// Starts a node: identity, store, API. Returns once the API accepts connections.
pub async fn start(config: Config) -> Result<RunningNode, StartError> {
    let identity = NodeIdentity::load(&config.data_dir)?;
    let span = node_span(&identity.short_id());
    async move {
        let db_path = config.data_dir.join(DB_DIR);
        let (store, writer) = tokio::task::spawn_blocking(move || Store::open(&db_path))
            .await
            .map_err(|_| StoreError::Stopped)??;
        let listener = tokio::net::TcpListener::bind(config.api.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.api.listen,
                source,
            })?;
        let api_addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.api.listen,
            source,
        })?;

        let data_dir = config.data_dir.clone();
        let (search, indexer, fresh) =
            tokio::task::spawn_blocking(move || crate::search::open(&data_dir))
                .await
                .map_err(|_| StoreError::Stopped)??;
        ensure_index(&store, &search, fresh).await?;

        let mut members = Vec::new();
        let mut roster = Vec::new();
        for m in &config.members {
            let node_id: sicc_protocol::identity::NodeId = m
                .node_id
                .parse()
                .map_err(|_| StartError::Roster(format!("`{}` is not a node id", m.node_id)))?;
            if node_id.to_string() == identity.node_id() {
                continue;
            }
            members.push(Member {
                node_id,
                addrs: m.addrs.clone(),
            });
            roster.push(MemberInfo {
                node_id,
                name: m.name.clone(),
                country: m.country.clone(),
            });
        }
        let epoch = crate::backup::actor_epoch(&store).await?;
        let mut metrics = crate::metrics::NodeMetrics::new();
        let (network, network_events, network_task) = network::spawn(
            &identity,
            NetworkConfig {
                listen: config.network.listen.clone(),
                members,
                redial_every: Duration::from_secs(config.network.redial_secs),
                redial_max: Duration::from_secs(config.network.redial_max_secs),
            },
            &mut metrics.registry,
        )?;
        let (sync, sync_task) = engine::spawn(
            store.clone(),
            search.clone(),
            Arc::new(identity.signer()),
            network.clone(),
            network_events,
            EngineConfig {
                members: roster,
                anti_entropy_every: Duration::from_secs(config.network.anti_entropy_secs),
                epoch,
                capture_frames: config.network.capture_frames.clone(),
                metrics: metrics.sync.clone(),
            },
        )
        .await?;

        // Written last: when the file appears, the whole node (index, network, engine) is up.
        let api_file = config.data_dir.join(API_FILE);
        write_api_file(&api_file, &format!("http://{api_addr}"))?;
        let shutdown = CancellationToken::new();
        let state = ApiState {
            shutdown: shutdown.clone(),
            store,
            sync,
            network: network.clone(),
            search,
            metrics: Arc::new(metrics),
            started: std::time::Instant::now(),
            node: NodeInfo {
                node_id: identity.node_id(),
                name: config.node.name.clone(),
                country: config.node.country.clone(),
                data_dir: config.data_dir.clone(),
                config_file: config.file.clone(),
                actor_epoch: epoch,
            },
        };
        let router = api::router(
            state,
            Limits {
                max_body_bytes: config.api.max_body_bytes,
                max_import_bytes: config.api.max_import_bytes,
            },
        );
        let token = shutdown.clone();
        let task = tokio::spawn(
            async move {
                tracing::info!(api = %api_addr, "node started");
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(token.cancelled_owned())
                    .await;
                if let Err(e) = served {
                    tracing::error!(error = %e, "api server failed");
                }
                // The router held the last sync handle: the engine stops, then the network.
                let _ = sync_task.await;
                network.shutdown().await;
                let _ = network_task.await;
                // The last search handle went with the router and the engine: the indexer
                // commits what is queued and stops.
                let _ = tokio::task::spawn_blocking(move || indexer.join()).await;
                // The router (and with it every Store handle) is gone: the writer drains and closes.
                let _ = tokio::task::spawn_blocking(move || writer.join()).await;
                let _ = std::fs::remove_file(&api_file);
                tracing::info!("node stopped");
            }
            .instrument(tracing::Span::current()),
        );
        Ok(RunningNode {
            api_addr,
            node_id: identity.node_id(),
            shutdown,
            span: tracing::Span::current(),
            task,
        })
    }
    .instrument(span)
    .await
}

/// Makes sure the search index holds what the store holds: rebuilt when it was just created,
/// or when its count differs (a crash between a store write and its indexing).
async fn ensure_index(
    store: &Store,
    search: &crate::search::SearchHandle,
    fresh: bool,
) -> Result<(), StartError> {
    let local: u64 = store.stats().await?.records_by_kind.values().sum();
    let shared = store.count_shared().await?;
    if fresh || search.len() != local + shared {
        tracing::info!(
            local,
            shared,
            indexed = search.len(),
            "rebuilding the search index"
        );
        reindex(store, search).await?;
    }
    Ok(())
}

/// Rebuilds the search index from the store: every local record and every shared one.
pub async fn reindex(
    store: &Store,
    search: &crate::search::SearchHandle,
) -> Result<u64, StartError> {
    use sicc_protocol::query::Filter;
    search.clear().await?;
    let mut n = 0;
    let mut cursor = None;
    loop {
        let page = store
            .list(Filter::default(), cursor, crate::storage::MAX_PAGE)
            .await?;
        for r in page.records {
            search.upsert_local(r).await;
            n += 1;
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut after = None;
    loop {
        let page = store
            .list_shared(Filter::default(), after, crate::storage::MAX_PAGE)
            .await?;
        after = page
            .records
            .last()
            .map(|s| (s.record.id.to_string(), s.catalog.clone()));
        for s in page.records {
            search.upsert_shared(s.record, s.origin, s.catalog).await;
            n += 1;
        }
        if !page.more {
            break;
        }
    }
    search.flush().await?;
    Ok(n)
}

fn write_api_file(path: &Path, url: &str) -> Result<(), StartError> {
    let tmp = path.with_extension("tmp");
    let err = |source| StartError::ApiFile {
        path: path.to_owned(),
        source,
    };
    std::fs::write(&tmp, format!("{url}\n")).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
