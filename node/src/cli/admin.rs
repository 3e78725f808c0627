//! Admin commands, which work on the data directory: `init`, `id`, `config check`, `run`,
//! `reindex`, `backup`, `restore`.

use super::client::{Client, ClientError};
use super::output::{plain, print_json};
use super::{Cli, EXIT_FAILURE, EXIT_REJECTED, EXIT_USAGE, Failure, InitArgs, RunArgs};
use crate::config::{Config, ConfigError, Overrides};
use crate::node;
use crate::p2p::identity::NodeIdentity;
use std::path::Path;

/// The configuration: `--config` (or `SICC_CONFIG`) if given, else `DATA_DIR/config.toml`.
fn load_config(cli: &Cli, dir: &Path, overrides: Overrides) -> Result<Config, ConfigError> {
    match &cli.config {
        Some(file) => Config::load_file(file, dir, &overrides),
        None => Config::load(dir, &overrides),
    }
}

/// `sicc init`: a data directory with an identity and, unless there is one, a config.toml.
pub fn init(dir: &Path, args: &InitArgs, json: bool) -> Result<(), Failure> {
    if !sicc_protocol::codes::CodeList::Country.contains(&args.country) {
        return Err(Failure::new(
            EXIT_USAGE,
            format!(
                "--country: `{}` is not an ISO 3166-1 alpha-2 code",
                args.country
            ),
        ));
    }
    std::fs::create_dir_all(dir)
        .and_then(|()| crate::data_dir::make_private(dir))
        .map_err(|e| {
            Failure::new(
                EXIT_FAILURE,
                format!("cannot create {} (private, 0700): {e}", dir.display()),
            )
        })?;
    let identity = NodeIdentity::create(dir)?;
    let config_path = dir.join(crate::config::CONFIG_FILE);
    if !config_path.exists() {
        let mut text = Config::template(&args.name, &args.country, args.api_listen);
        if !args.p2p_listen.is_empty() {
            text = Config::with_p2p_listen(&text, &args.p2p_listen);
        }
        std::fs::write(&config_path, text).map_err(|e| {
            Failure::new(
                EXIT_FAILURE,
                format!("cannot write {}: {e}", config_path.display()),
            )
        })?;
    }
    if json {
        print_json(&serde_json::json!({"node_id": identity.node_id(), "data_dir": dir}));
    } else {
        println!(
            "initialised {}\nnode id: {}",
            dir.display(),
            identity.node_id()
        );
    }
    Ok(())
}

/// `sicc id`: the bare node id, for scripts.
pub fn print_id(dir: &Path) -> Result<(), Failure> {
    let identity = NodeIdentity::load(dir)?;
    println!("{}", identity.node_id());
    Ok(())
}

/// `sicc config check`: the effective configuration, each key with where its value came from.
pub fn config_check(cli: &Cli, dir: &Path) -> Result<(), Failure> {
    let config = load_config(cli, dir, Overrides::from_env())?;
    let identity = NodeIdentity::load(dir)?;
    println!("configuration OK: {}", config.file.display());
    println!(
        "node id {} (identity key {}: not shown)",
        identity.node_id(),
        dir.join(crate::p2p::identity::IDENTITY_FILE).display()
    );
    // `key = value    # source` lines, not a table: they read like config.toml itself.
    for key in crate::config::KEYS {
        println!(
            "{key} = {}    # {}",
            config.value_of(key),
            config.source_of(key)
        );
    }
    println!(
        "members: {} node(s)    # {}",
        config.members.len(),
        config.source_of("members")
    );
    for m in &config.members {
        println!("  {} ({}) {} {:?}", m.name, m.country, m.node_id, m.addrs);
    }
    Ok(())
}

/// `sicc run`: the daemon, until SIGTERM or SIGINT.
pub async fn run(cli: &Cli, dir: &Path, args: &RunArgs) -> Result<(), Failure> {
    let overrides =
        Overrides::from_env().flag("api.listen", "--api-listen", args.api_listen.as_ref());
    let config = load_config(cli, dir, overrides)?;
    crate::telemetry::init(config.log.format, &config.log.filter);
    // Listen for signals before starting: a SIGTERM right after the `api` file appears is then
    // a clean stop, not the default action's abrupt death.
    let signals = Signals::listen();
    let node = node::start(config).await.map_err(start_failure)?;
    stop_on_signal(&node, signals);
    // Under systemd `Type=notify`, tell it the node is up (and later that it is stopping).
    sd_notify("READY=1");
    node.stopped().await;
    sd_notify("STOPPING=1");
    Ok(())
}

/// Sends a state line to systemd's notification socket, if `$NOTIFY_SOCKET` names one.
fn sd_notify(state: &str) {
    let Ok(path) = std::env::var("NOTIFY_SOCKET") else {
        return;
    };
    // Abstract sockets ("@name") are not reachable through std's path API; systemd uses a
    // path socket for services by default.
    if path.starts_with('/')
        && let Ok(socket) = std::os::unix::net::UnixDatagram::unbound()
        && let Err(e) = socket.send_to(state.as_bytes(), &path)
    {
        tracing::warn!(error = %e, "systemd notification failed");
    }
}

pub(super) fn start_failure(e: node::StartError) -> Failure {
    match e {
        node::StartError::Identity(i) => Failure::from(i),
        e @ node::StartError::NoAccounts(_) => Failure::new(super::EXIT_CONFIG, e.to_string()),
        other => Failure::new(EXIT_FAILURE, other.to_string()),
    }
}

fn stop_on_signal(node: &node::RunningNode, signals: Signals) {
    use tracing::Instrument;
    let token = node.shutdown_token();
    tokio::spawn(
        async move {
            signals.wait().await;
            token.cancel();
        }
        .instrument(node.span()),
    );
}

/// SIGTERM and SIGINT, registered when created (signals that arrive later are kept).
pub(super) struct Signals {
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    pub(super) fn listen() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        Signals {
            streams: signal(SignalKind::terminate())
                .ok()
                .zip(signal(SignalKind::interrupt()).ok()),
        }
    }

    pub(super) async fn wait(self) {
        match self.streams {
            Some((mut term, mut int)) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM received, shutting down"),
                    _ = int.recv() => tracing::info!("SIGINT received, shutting down"),
                }
            }
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

/// `sicc reindex`: rebuilds the search index from the store of a stopped node.
pub async fn reindex(dir: &Path) -> Result<(), Failure> {
    // Opening RocksDB and tantivy and joining their threads block: not on the executor.
    let store_dir = dir.join(node::DB_DIR);
    let index_dir = dir.to_owned();
    let opened = tokio::task::spawn_blocking(move || {
        let store = crate::storage::Store::open(&store_dir)
            .map_err(|e| Failure::new(EXIT_FAILURE, format!("{}: {e}", store_dir.display())))?;
        let search = crate::search::open(&index_dir)
            .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
        Ok::<_, Failure>((store, search))
    })
    .await
    .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))??;
    let ((store, writer), (search, indexer, _)) = opened;
    let n = node::reindex(&store, &search)
        .await
        .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
    drop(search);
    drop(store);
    let _ = tokio::task::spawn_blocking(move || {
        indexer.join();
        writer.join();
    })
    .await;
    println!("search index rebuilt: {n} records");
    Ok(())
}

/// `sicc backup`: through the daemon when it runs (online), else on the closed store.
pub async fn backup(cli: &Cli, dir: &Path, target: Option<&str>) -> Result<(), Failure> {
    use crate::backup::Target;
    let target = match target {
        None => Target::now(),
        Some(t) if t.contains('/') => {
            let path = Path::new(t);
            Target::Path(if path.is_absolute() {
                path.to_owned()
            } else {
                std::env::current_dir()
                    .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?
                    .join(path)
            })
        }
        Some(name) => Target::Name(name.to_owned()),
    };
    let body = match &target {
        Target::Name(name) => serde_json::json!({ "name": name }),
        Target::Path(path) => serde_json::json!({ "path": path }),
    };
    let result = match Client::from_cli(cli.api.as_deref(), dir) {
        Ok(client) => client.post_json("/api/v1/admin/backup", &body).await?,
        Err(ClientError::NoDaemon { .. }) => {
            let identity = NodeIdentity::load(dir)?;
            let (store, writer) = open_stopped_store(dir).await?;
            let config = load_config(cli, dir, Overrides::from_env())?;
            let root = config.backup_root();
            let target = target
                .resolve(&root)
                .map_err(|e| Failure::new(EXIT_REJECTED, e.to_string()))?;
            let made = crate::backup::create(
                &store,
                dir,
                &config.file,
                &identity.node_id(),
                &root,
                &target,
            )
            .await;
            close_store(store, writer).await;
            let manifest = made.map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
            serde_json::json!({"path": target, "manifest": manifest})
        }
        Err(e) => return Err(e.into()),
    };
    if cli.json {
        print_json(&result);
    } else {
        println!(
            "backup of node {} written to {} ({} bytes of database, actor epoch {})",
            plain(&result["manifest"]["node_id"]),
            plain(&result["path"]),
            plain(&result["manifest"]["db_bytes"]),
            plain(&result["manifest"]["actor_epoch"]),
        );
    }
    Ok(())
}

/// Opens the store of a node whose daemon is stopped (off the executor: RocksDB's open blocks).
pub(super) async fn open_stopped_store(
    dir: &Path,
) -> Result<(crate::storage::Store, crate::storage::StoreWriter), Failure> {
    let db = dir.join(node::DB_DIR);
    tokio::task::spawn_blocking(move || crate::storage::Store::open(&db))
        .await
        .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?
        .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))
}

/// Closes a store opened with [`open_stopped_store`]: waits until its writer has synced.
pub(super) async fn close_store(store: crate::storage::Store, writer: crate::storage::StoreWriter) {
    drop(store);
    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
}

/// `sicc backups`: through the daemon when it runs, else on the closed store.
pub async fn backups(cli: &Cli, dir: &Path) -> Result<(), Failure> {
    let listed = match Client::from_cli(cli.api.as_deref(), dir) {
        Ok(client) => client.get("/api/v1/admin/backups").await?,
        Err(ClientError::NoDaemon { .. }) => {
            let (store, writer) = open_stopped_store(dir).await?;
            let listed = crate::backup::list(&store).await;
            close_store(store, writer).await;
            let listed = listed.map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
            serde_json::json!({ "backups": listed })
        }
        Err(e) => return Err(e.into()),
    };
    if cli.json {
        print_json(&listed);
        return Ok(());
    }
    let rows = listed["backups"].as_array().cloned().unwrap_or_default();
    if rows.is_empty() {
        println!("no backups taken by this node");
    }
    for b in rows {
        let since = b["erasures_since"].as_u64().unwrap_or(0);
        println!(
            "{}  {}{}{}",
            plain(&b["created_at"]),
            plain(&b["path"]),
            if b["present"] == true { "" } else { "  (gone)" },
            if since > 0 {
                format!("  holds erased data: {since} erasures since (replayed on restore)")
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// `sicc restore`: a backup into an empty data directory, in a new actor epoch, with the
/// erasures it predates replayed.
pub async fn restore(
    dir: &Path,
    backup: &Path,
    erasures_from: &[std::path::PathBuf],
    json: bool,
) -> Result<(), Failure> {
    let report = crate::backup::restore(backup, dir, erasures_from)
        .await
        .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
    if json {
        print_json(&serde_json::to_value(&report).expect("serialises"));
    } else {
        println!(
            "restored node {} from the backup of {} into {}",
            report.node_id,
            report.backup_created_at,
            dir.display()
        );
        println!(
            "actor epoch {} -> {}: start it with `sicc --data-dir {} run`; it catches up \
             from its peers",
            report.previous_epoch,
            report.epoch,
            dir.display()
        );
        println!(
            "{} erasures made after the backup replayed and purged (journals read: {})",
            report.erasures_replayed,
            if report.erasure_journals.is_empty() {
                "none".to_string()
            } else {
                report
                    .erasure_journals
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
    }
    Ok(())
}
