//! The composition root: builds a node from its configuration, runs it, stops it in order.

use crate::api::{self, ApiState, Limits};
use crate::app::{App, NodeInfo};
use crate::config::Config;
use crate::data_dir::DataDir;
use crate::p2p::identity::{IdentityError, NodeIdentity};
use crate::p2p::network::{self, Member, NetworkConfig};
use crate::storage::{Consumer, Store, StoreError};
use crate::sync::engine::{self, EngineConfig};
use crate::sync::federation::MemberInfo;
use crate::telemetry::node_span;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

pub use crate::data_dir::{API_FILE, DB_DIR};

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
    Sync(#[from] crate::sync::SyncError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error("search index: {0}")]
    Index(#[from] crate::search::StartIndexError),
    #[error("config: members: {0}")]
    Roster(String),
    #[error("cannot make the data directory {path} private: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "api.listen {0} is reachable beyond this machine but the node has no staff account: \
         add the first admin with `sicc user add NAME --role admin`, then start it"
    )]
    NoAccounts(SocketAddr),
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
        let data_dir = DataDir::new(config.data_dir.clone());
        match crate::data_dir::make_private(data_dir.root()) {
            Ok(true) => tracing::warn!(dir = %data_dir.root().display(), "the data directory was open to other users; it is now private (0700)"),
            Ok(false) => {}
            Err(source) => {
                return Err(StartError::DataDir {
                    path: data_dir.root().to_owned(),
                    source,
                });
            }
        }
        let db_path = data_dir.db();
        let (store, writer) = tokio::task::spawn_blocking(move || Store::open(&db_path))
            .await
            .map_err(|_| StoreError::Stopped)??;
        // Beyond loopback only with accounts (the configuration already required the TLS
        // proxy): a node reachable from other machines never runs without logins.
        if !config.api.listen.ip().is_loopback()
            && !crate::accounts::Accounts::new(store.clone())
                .any_user()
                .await
                .map_err(|e| match e {
                    crate::accounts::AccountError::Store(s) => StartError::Store(s),
                    other => StartError::Store(StoreError::Corrupt {
                        key: "accounts".into(),
                        reason: other.to_string(),
                    }),
                })?
        {
            drop(store);
            let _ = tokio::task::spawn_blocking(move || writer.join()).await;
            return Err(StartError::NoAccounts(config.api.listen));
        }
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

        let root = config.data_dir.clone();
        let (search, indexer, index_start) =
            tokio::task::spawn_blocking(move || crate::search::open(&root))
                .await
                .map_err(|_| StoreError::Stopped)??;
        // The index resumes from the feed sequence its last commit recorded (or is rebuilt),
        // then follows the feed.
        let indexed = crate::search::catch_up(&store, &search, index_start).await?;
        let follower = store.follow(indexed).await?;
        let index_follower = tokio::spawn(
            crate::search::follow_feed(store.clone(), search.clone(), follower)
                .instrument(tracing::Span::current()),
        );

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
        let epoch = store.actor_epoch().await?;
        let mut metrics = crate::metrics::NodeMetrics::new();
        metrics.register_limits(&config.limits.values());
        let (network, network_events, network_task) = network::spawn(
            &identity,
            NetworkConfig {
                listen: config.network.listen.clone(),
                members,
                redial_every: Duration::from_secs(config.network.redial_secs),
                redial_max: Duration::from_secs(config.network.redial_max_secs),
                limits: config.limits.network(),
            },
            &mut metrics.registry,
        )?;
        let (sync, sync_task) = engine::spawn(
            store.clone(),
            Arc::new(identity.signer()),
            network.clone(),
            network_events,
            EngineConfig {
                members: roster,
                anti_entropy_every: Duration::from_secs(config.network.anti_entropy_secs),
                epoch,
                capture_frames: config.network.capture_frames.clone(),
                metrics: metrics.sync.clone(),
                limits: config.limits.catalog(),
            },
        )
        .await?;

        // The local credential is written before the API file: a CLI that finds the API also
        // finds the credential.
        let accounts = crate::accounts::Accounts::with_local_credential(
            store.clone(),
            &config.data_dir,
        )
        .map_err(|source| StartError::ApiFile {
            path: config
                .data_dir
                .join(crate::accounts::LOCAL_CREDENTIAL_FILE),
            source,
        })?;
        // Written last: when the file appears, the whole node (index, network, engine) is up.
        let api_file = data_dir.api_file();
        write_api_file(&api_file, &format!("http://{api_addr}"))?;
        let shutdown = CancellationToken::new();
        let app = App::new(
            store,
            search,
            sync,
            network.clone(),
            NodeInfo {
                node_id: identity.signer().node_id(),
                name: config.node.name.clone(),
                country: config.node.country.clone(),
                data_dir: config.data_dir.clone(),
                config_file: config.file.clone(),
                backup_root: config.backup_root(),
                actor_epoch: epoch,
            },
        );
        let state = ApiState {
            shutdown: shutdown.clone(),
            app,
            accounts,
            behind_proxy: config.api.behind_tls_proxy,
            publish_validated_only: config.api.publish_validated_only,
            metrics: Arc::new(metrics),
            started: std::time::Instant::now(),
        };
        let router = api::router(
            state,
            Limits {
                max_body_bytes: config.api.max_body_bytes,
                max_import_bytes: config.api.max_import_bytes,
            },
            config.api.allowed_hosts.clone(),
        );
        let token = shutdown.clone();
        let task = tokio::spawn(
            async move {
                tracing::info!(api = %api_addr, "node started");
                let served = axum::serve(
                    listener,
                    router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
                )
                    .with_graceful_shutdown(token.cancelled_owned())
                    .await;
                if let Err(e) = served {
                    tracing::error!(error = %e, "api server failed");
                }
                // The router held the last sync handle: the engine stops, then the network.
                let _ = sync_task.await;
                network.shutdown().await;
                let _ = network_task.await;
                // The index's feed follower holds the last store and search handles: it stops
                // with the store's feed, after which the indexer commits what is queued.
                index_follower.abort();
                let _ = index_follower.await;
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

/// Rebuilds the search index from the store (`sicc reindex`, with the node stopped): every
/// local record and every shared one. Returns the number of records indexed.
pub async fn reindex(
    store: &Store,
    search: &crate::search::SearchHandle,
) -> Result<u64, StartError> {
    let upto = store.committed_seq();
    let n = crate::search::rebuild(store, search, upto).await?;
    store.feed_consumed(Consumer::Index, upto).await?;
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
