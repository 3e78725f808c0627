//! The `sicc` command line. Admin commands (`init`, `id`, `run`, `demo`, `config check`) work on
//! the data directory; staff commands (`records ...`, `status`) talk to the running daemon's
//! HTTP API, found through the `api` file in the data directory or `--api`.
//!
//! Exit codes: 0 success; 1 other failure; 2 usage error; 3 not found; 4 rejected (validation,
//! conflict, or some records of an import failed); 69 daemon unreachable; 78 configuration error.

pub mod client;
pub mod import;
mod transfer;

use crate::config::{Config, ConfigError, DEFAULT_API_LISTEN, Overrides};
use crate::node;
use crate::p2p::identity::{IdentityError, NodeIdentity};
use clap::{Args, Parser, Subcommand, ValueEnum};
use client::{Client, ClientError};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: any other failure.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code: the command line is wrong (clap's own code).
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the record does not exist.
pub const EXIT_NOT_FOUND: i32 = 3;
/// Exit code: the node rejected the request or some records (validation, conflict).
pub const EXIT_REJECTED: i32 = 4;
/// Exit code: the daemon cannot be reached (EX_UNAVAILABLE).
pub const EXIT_UNAVAILABLE: i32 = 69;
/// Exit code: the configuration is invalid (EX_CONFIG).
pub const EXIT_CONFIG: i32 = 78;

#[derive(Debug, Parser)]
#[command(
    name = "sicc",
    version,
    about = "Federated exchange node of the Social Innovation Competence Centres"
)]
pub struct Cli {
    /// Data directory (identity, config.toml, database).
    #[arg(long, global = true, env = "SICC_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (default: DATA_DIR/config.toml), e.g. /etc/sicc/config.toml.
    #[arg(long, global = true, env = "SICC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Base URL of the node's API (default: read from DATA_DIR/api).
    #[arg(long, global = true, env = "SICC_API")]
    pub api: Option<String>,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a data directory with a commented config.toml and a new identity key.
    Init(InitArgs),
    /// Print this node's id.
    Id,
    /// Run the daemon.
    Run(RunArgs),
    /// Start a node with the sample data of the four countries and print where to query it.
    Demo(DemoArgs),
    /// Configuration commands.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Work with records on the running node.
    #[command(subcommand)]
    Records(RecordsCommand),
    /// Exit 0 if the running node is ready (storage, network, index), 1 if not, 69 if it cannot
    /// be reached: for container health checks and monitoring.
    Healthcheck,
    /// Show the running node's status, with every peer's sync state.
    Status,
    /// Search local and shared records in any language, with facet filters.
    Search(SearchArgs),
    /// Rebuild the search index from the store (the daemon must be stopped).
    Reindex,
    /// Replication catalogues: create, publish into, grant, subscribe.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// The federation's members and their sync state with this node.
    Peers,
    /// Take a backup (RocksDB checkpoint, identity, config) into a new directory. Online
    /// through the running daemon, which keeps serving; directly when it is stopped.
    Backup {
        /// Directory to create, e.g. /var/backups/sicc/2026-11-28.
        target: PathBuf,
    },
    /// Restore a backup into an empty data directory (`--data-dir`); the node then starts in a
    /// new actor epoch and catches up from its peers on `sicc run`.
    Restore {
        /// A directory written by `sicc backup`.
        backup: PathBuf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find, in any language (accents and small typos forgiven).
    pub query: Vec<String>,
    /// Facet filter FACET=VALUE (VALUE may be `a,b`); repeat for several. Facets: kind,
    /// country, nuts, theme, target_group, esf_objective, sdg, stage, evidence_level, origin,
    /// catalog, language, open_to_transfer; also min_evidence_level.
    #[arg(long = "where", value_name = "FACET=VALUE")]
    pub filters: Vec<String>,
    /// `relevance` (default) or `date`.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Also print the facet counts.
    #[arg(long)]
    pub facets: bool,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List this node's catalogues, its subscriptions and what connected members offer.
    List,
    /// Create a catalogue owned by this node.
    Create {
        /// Short name: a-z, 0-9 and '-', e.g. `replication`.
        name: String,
        /// Title in English (add others with --title-lang).
        #[arg(long)]
        title: String,
        /// Extra titles, `lang=text`, e.g. `--title-lang lv="Replikācija"`.
        #[arg(long = "title-lang")]
        title_lang: Vec<String>,
        /// Description in English.
        #[arg(long)]
        description: Option<String>,
    },
    /// Describe a catalogue: manifest, entries, requests, peers.
    Show { catalog: String },
    /// Publish local records (their public projection) into a catalogue this node owns.
    Publish {
        catalog: String,
        /// Record ids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Remove entries from a catalogue everywhere (a signed tombstone; they never come back).
    Unpublish {
        catalog: String,
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Let a member read (or write annotations in) a catalogue; accepts its request.
    Grant {
        catalog: String,
        node_id: String,
        /// `reader` or `writer`.
        #[arg(long, default_value = "reader")]
        role: String,
    },
    /// Withdraw a member's access, or refuse its request.
    Revoke { catalog: String, node_id: String },
    /// Ask a catalogue's owner for access; entries arrive once it grants.
    Subscribe { catalog: String },
    /// Stop holding a partner's catalogue; its entries are removed from this node.
    Unsubscribe { catalog: String },
    /// Subscription requests: received (to grant or revoke) and sent.
    Requests,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Name of the node, e.g. "SICC Latvia (SIF)".
    #[arg(long, default_value = "sicc node")]
    pub name: String,
    /// ISO 3166-1 country of the centre.
    #[arg(long, default_value = "LV")]
    pub country: String,
    /// API address written into config.toml.
    #[arg(long, default_value = DEFAULT_API_LISTEN)]
    pub api_listen: SocketAddr,
    /// libp2p listen addresses written into config.toml (repeat for several; default: TCP and
    /// QUIC on port 7301 of every interface).
    #[arg(long = "p2p-listen")]
    pub p2p_listen: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Override `api.listen` from config.toml.
    #[arg(long)]
    pub api_listen: Option<SocketAddr>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// API address of the demo node.
    #[arg(long, default_value = DEFAULT_API_LISTEN)]
    pub api_listen: SocketAddr,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check config.toml and print the effective configuration.
    Check,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormat {
    Json,
    Ndjson,
    Csv,
    /// DCAT-AP catalogue in JSON-LD (export only; shareable records only).
    Dcat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportMode {
    /// Create or replace; keep revision and timestamps found in the file (restores exports).
    Import,
    /// Create or replace; the node sets revision and timestamps.
    Upsert,
    /// Create only; existing ids are rejected.
    Create,
}

#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
    /// Create or replace one record from a JSON file (or stdin with `-`).
    Put {
        /// JSON file holding one record.
        file: PathBuf,
    },
    /// Show one record.
    Get { id: String },
    /// List records, with filters.
    List(ListArgs),
    /// Delete one record.
    Delete { id: String },
    /// Import records from CSV, JSON or NDJSON.
    Import {
        /// The file to import.
        file: PathBuf,
        /// File format (default: from the extension).
        #[arg(long)]
        format: Option<FileFormat>,
        /// How existing records and metadata are treated.
        #[arg(long, value_enum, default_value = "import")]
        mode: ImportMode,
        /// Kind of the rows of a CSV file without a `kind` column.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Export records as JSON, NDJSON, CSV or DCAT-AP (JSON-LD).
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: FileFormat,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Show the audit trail (of one record, or of the node).
    Audit {
        /// Only this record.
        id: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only records of this kind.
    #[arg(long)]
    pub kind: Option<String>,
    /// Text the record must contain (any language; case and accents ignored).
    #[arg(long, short)]
    pub q: Option<String>,
    /// Filter KEY=VALUE, repeatable: country=LV, nuts=LV005, theme=ageing, min_evidence_level=3, ...
    #[arg(long = "where", short = 'w', value_name = "KEY=VALUE")]
    pub conditions: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Records per page.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Fetch every page.
    #[arg(long)]
    pub all: bool,
    /// Language of titles in the table.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

/// A failure of a command, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    fn new(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        let code = match &e {
            ClientError::Unreachable { .. } | ClientError::NoDaemon { .. } => EXIT_UNAVAILABLE,
            ClientError::Api { status, .. } if *status == 404 => EXIT_NOT_FOUND,
            ClientError::Api { status, .. } if (400..500).contains(status) => EXIT_REJECTED,
            _ => EXIT_FAILURE,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<crate::transfer::TransferError> for Failure {
    fn from(e: crate::transfer::TransferError) -> Failure {
        let code = match &e {
            // The file itself is unreadable: the input is at fault, not this machine.
            crate::transfer::TransferError::CsvHeader { .. } => EXIT_REJECTED,
            _ => EXIT_FAILURE,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Failure {
        Failure::new(EXIT_CONFIG, e.to_string())
    }
}

impl From<IdentityError> for Failure {
    fn from(e: IdentityError) -> Failure {
        let code = match e {
            IdentityError::Missing(_)
            | IdentityError::TooOpen { .. }
            | IdentityError::Invalid { .. } => EXIT_CONFIG,
            _ => EXIT_FAILURE,
        };
        Failure::new(code, e.to_string())
    }
}

/// Entry point of the binary: returns the process exit code.
pub fn main() -> i32 {
    // `println!` panics when stdout is a closed pipe (`sicc records list | head`); like other
    // Unix tools, stop quietly instead of printing a panic.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(EXIT_OK);
        }
        default_hook(info);
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => EXIT_OK,
        Err(f) => {
            eprintln!("error: {}", f.message);
            f.code
        }
    }
}

/// The configuration: `--config` (or `SICC_CONFIG`) if given, else `DATA_DIR/config.toml`.
fn load_config(cli: &Cli, dir: &Path, overrides: Overrides) -> Result<Config, ConfigError> {
    match &cli.config {
        Some(file) => Config::load_file(file, dir, &overrides),
        None => Config::load(dir, &overrides),
    }
}

fn data_dir(cli: &Cli) -> PathBuf {
    if let Some(d) = &cli.data_dir {
        return d.clone();
    }
    match std::env::var_os("HOME") {
        Some(home) => Path::new(&home).join(".local/share/sicc"),
        None => PathBuf::from("sicc-data"),
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let dir = data_dir(&cli);
    match &cli.command {
        Command::Init(args) => init(&dir, args, cli.json),
        Command::Id => {
            let identity = NodeIdentity::load(&dir)?;
            println!("{}", identity.node_id());
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            let config = load_config(&cli, &dir, Overrides::from_env())?;
            let identity = NodeIdentity::load(&dir)?;
            println!("configuration OK: {}", config.file.display());
            println!(
                "node id {} (identity key {}: not shown)",
                identity.node_id(),
                dir.join(crate::p2p::identity::IDENTITY_FILE).display()
            );
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
        Command::Run(args) => {
            let overrides =
                Overrides::from_env().flag("api.listen", "--api-listen", args.api_listen.as_ref());
            let config = load_config(&cli, &dir, overrides)?;
            crate::telemetry::init(config.log.format, &config.log.filter);
            run_until_signal(config).await
        }
        Command::Demo(args) => {
            let dir = cli
                .data_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("sicc-demo"));
            demo(&dir, args).await
        }
        Command::Search(args) => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            search_command(&client, args, cli.json).await
        }
        Command::Reindex => {
            // Opening RocksDB and tantivy and joining their threads block: not on the executor.
            let store_dir = dir.join(node::DB_DIR);
            let index_dir = dir.clone();
            let opened = tokio::task::spawn_blocking(move || {
                let store = crate::storage::Store::open(&store_dir).map_err(|e| {
                    Failure::new(EXIT_FAILURE, format!("{}: {e}", store_dir.display()))
                })?;
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
        Command::Catalog(cmd) => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            catalog_command(&client, cmd, cli.json).await
        }
        Command::Peers => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            let peers = client.get("/api/v1/peers").await?;
            if cli.json {
                print_json(&peers);
            } else {
                print_peers(&peers);
            }
            Ok(())
        }
        Command::Healthcheck => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            match client.get("/readyz").await {
                Ok(v) => {
                    println!("ready: {}", v["checks"]);
                    Ok(())
                }
                Err(ClientError::Api { status, .. }) => Err(Failure::new(
                    EXIT_FAILURE,
                    format!("not ready (HTTP {status}): see /readyz for which check failed"),
                )),
                Err(e) => Err(e.into()),
            }
        }
        Command::Status => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            let mut status = client.get("/api/v1/status").await?;
            let peers = client.get("/api/v1/peers").await?;
            if cli.json {
                status["peers"] = peers["peers"].clone();
                status["rejected_changes"] = peers["rejected_changes"].clone();
                print_json(&status);
            } else {
                for key in [
                    "name",
                    "country",
                    "node_id",
                    "version",
                    "schema_version",
                    "records",
                    "audit_entries",
                    "uptime_secs",
                    "storage_bytes",
                    "search_documents",
                    "actor_epoch",
                ] {
                    println!("{key:16}{}", plain(&status[key]));
                }
                if let Some(kinds) = status["records_by_kind"].as_object() {
                    for (k, n) in kinds {
                        println!("  {k:22}{n}");
                    }
                }
                println!();
                print_peers(&peers);
            }
            Ok(())
        }
        Command::Records(cmd) => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            transfer::records(&client, cmd, cli.json).await
        }
        Command::Backup { target } => backup(&cli, &dir, target).await,
        Command::Restore { backup } => {
            let report = crate::backup::restore(backup, &dir)
                .await
                .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
            if cli.json {
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
            }
            Ok(())
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "sicc", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// `sicc backup`: through the daemon when it runs (online), else on the closed store.
async fn backup(cli: &Cli, dir: &Path, target: &Path) -> Result<(), Failure> {
    let target = if target.is_absolute() {
        target.to_owned()
    } else {
        std::env::current_dir()
            .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?
            .join(target)
    };
    let result = match Client::from_cli(cli.api.as_deref(), dir) {
        Ok(client) => {
            client
                .post_json("/api/v1/admin/backup", &serde_json::json!({"path": target}))
                .await?
        }
        Err(ClientError::NoDaemon { .. }) => {
            let identity = NodeIdentity::load(dir)?;
            let db = dir.join(node::DB_DIR);
            let (store, writer) =
                tokio::task::spawn_blocking(move || crate::storage::Store::open(&db))
                    .await
                    .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?
                    .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
            let config_file = cli
                .config
                .clone()
                .unwrap_or_else(|| dir.join(crate::config::CONFIG_FILE));
            let made =
                crate::backup::create(&store, dir, &config_file, &identity.node_id(), &target)
                    .await;
            drop(store);
            let _ = tokio::task::spawn_blocking(move || writer.join()).await;
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
            target.display(),
            plain(&result["manifest"]["db_bytes"]),
            plain(&result["manifest"]["actor_epoch"]),
        );
    }
    Ok(())
}

fn init(dir: &Path, args: &InitArgs, json: bool) -> Result<(), Failure> {
    if !sicc_protocol::codes::CodeList::Country.contains(&args.country) {
        return Err(Failure::new(
            EXIT_USAGE,
            format!(
                "--country: `{}` is not an ISO 3166-1 alpha-2 code",
                args.country
            ),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::new(
            EXIT_FAILURE,
            format!("cannot create {}: {e}", dir.display()),
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

async fn run_until_signal(config: Config) -> Result<(), Failure> {
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

fn start_failure(e: node::StartError) -> Failure {
    match e {
        node::StartError::Identity(i) => Failure::from(i),
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
struct Signals {
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn listen() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        Signals {
            streams: signal(SignalKind::terminate())
                .ok()
                .zip(signal(SignalKind::interrupt()).ok()),
        }
    }

    async fn wait(self) {
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

async fn wait_for_signal() {
    Signals::listen().wait().await;
}

/// The demo's four national nodes: directory, country, name, sample file.
const DEMO_NODES: [(&str, &str, &str, usize); 4] = [
    ("es", "ES", "SICC Spain (demo)", 0),
    ("fr", "FR", "SICC France (demo)", 1),
    ("se", "SE", "SICC Sweden (demo)", 2),
    ("lv", "LV", "SICC Latvia (demo)", 3),
];

async fn demo(dir: &Path, args: &DemoArgs) -> Result<(), Failure> {
    use serde_json::json;
    let dir = if dir.ends_with(".local/share/sicc") {
        PathBuf::from("sicc-demo")
    } else {
        dir.to_owned()
    };
    let ip = args.api_listen.ip();
    let port = |offset: u16| args.api_listen.port() + offset;
    // Identities first: every roster lists every node.
    let mut ids = Vec::new();
    for (i, (sub, country, name, _)) in DEMO_NODES.iter().enumerate() {
        let node_dir = dir.join(sub);
        if !node_dir.join(crate::p2p::identity::IDENTITY_FILE).exists() {
            init(
                &node_dir,
                &InitArgs {
                    name: (*name).into(),
                    country: (*country).into(),
                    api_listen: SocketAddr::new(ip, port(i as u16)),
                    p2p_listen: Vec::new(),
                },
                false,
            )?;
        }
        ids.push(NodeIdentity::load(&node_dir)?.node_id());
    }
    let p2p = |i: usize| port(10 + i as u16);
    let mut roster = String::new();
    for (i, (_, country, name, _)) in DEMO_NODES.iter().enumerate() {
        roster.push_str(&format!(
            "\n[[members]]\nname = \"{name}\"\ncountry = \"{country}\"\nnode_id = \"{}\"\naddrs = [\"/ip4/127.0.0.1/tcp/{}\", \"/ip4/127.0.0.1/udp/{}/quic-v1\"]\n",
            ids[i],
            p2p(i),
            p2p(i)
        ));
    }
    crate::telemetry::init(crate::config::LogFormat::Pretty, "warn,sicc_node=info");
    let mut nodes = Vec::new();
    for (i, (sub, country, name, _)) in DEMO_NODES.iter().enumerate() {
        let node_dir = dir.join(sub);
        let text = Config::with_p2p_listen(
            &Config::template(name, country, SocketAddr::new(ip, port(i as u16))),
            &[
                format!("/ip4/127.0.0.1/tcp/{}", p2p(i)),
                format!("/ip4/127.0.0.1/udp/{}/quic-v1", p2p(i)),
            ],
        )
        .replace("anti_entropy_secs = 30", "anti_entropy_secs = 10")
            + &roster;
        std::fs::write(node_dir.join(crate::config::CONFIG_FILE), text)
            .map_err(|e| Failure::new(EXIT_FAILURE, format!("{}: {e}", node_dir.display())))?;
        let config = Config::load(&node_dir, &Overrides::default())?;
        nodes.push(node::start(config).await.map_err(start_failure)?);
    }
    let clients: Vec<Client> = nodes
        .iter()
        .map(|n| Client::new(&n.api_url(), "demo"))
        .collect();
    // Each centre loads its own sample data and publishes what it may share.
    let mut published = Vec::new();
    for (i, (_, country, _, file)) in DEMO_NODES.iter().enumerate() {
        let c = &clients[i];
        let (_, text) = crate::sample::FILES[*file];
        let items = crate::transfer::parse_json(text);
        import::import_values(c, items, ImportMode::Import, false).await?;
        let catalog = format!("{}/replication", ids[i]);
        let create = c
            .post_json(
                "/api/v1/catalogs",
                &json!({"name": "replication",
                        "title": {"en": format!("{country} practices open to replication")},
                        "description": {"en": "Initiatives, lessons, tools and plans this centre shares with the consortium."}}),
            )
            .await;
        match create {
            Ok(_) | Err(ClientError::Api { status: 409, .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let path = catalog_path(&catalog)?;
        let local = c.get("/api/v1/records?origin=local&limit=1000").await?;
        let mut n = 0;
        for r in local["records"].as_array().into_iter().flatten() {
            if r["access_level"] == "local" || r["kind"] == "person" {
                continue;
            }
            c.post_json(&format!("{path}/publish"), &json!({"id": r["id"]}))
                .await?;
            n += 1;
        }
        for (j, other) in ids.iter().enumerate() {
            if j != i {
                c.post_json(&format!("{path}/grant"), &json!({"node_id": other}))
                    .await?;
            }
        }
        published.push((catalog, n));
    }
    for (i, c) in clients.iter().enumerate() {
        for (j, (catalog, _)) in published.iter().enumerate() {
            if i != j {
                c.post_json(&format!("{}/subscribe", catalog_path(catalog)?), &json!({}))
                    .await?;
            }
        }
    }
    let total: usize = published.iter().map(|(_, n)| n).sum();
    println!("\nWaiting for the four nodes to exchange their catalogues ({total} entries)...");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let mut done = true;
        for (i, c) in clients.iter().enumerate() {
            let expected = total - published[i].1;
            let shared = c.get("/api/v1/records?origin=shared&limit=1000").await?;
            done &= shared["records"].as_array().map_or(0, Vec::len) >= expected;
        }
        if done || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let sicc = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "sicc".into());
    println!(
        "\nsicc demo: four national nodes, federated over libp2p (TCP and QUIC) on this machine.\n"
    );
    for (i, (sub, country, name, _)) in DEMO_NODES.iter().enumerate() {
        println!(
            "  {country}  {name:<22} {url}   {sicc} --data-dir {d} status",
            url = nodes[i].api_url(),
            d = dir.join(sub).display()
        );
    }
    let lv = dir.join("lv");
    println!(
        "\nEach node shares its catalogue `replication` ({total} entries in all) and subscribes to the other three.\n\n\
         Try:\n  \
         curl '{es}/api/v1/records?origin=shared&country=LV&kind=initiative'\n  \
         {sicc} --data-dir {lv} catalog list\n  \
         {sicc} --data-dir {lv} peers\n  \
         curl -N {es}/api/v1/events      # live: entries arriving, peers up and down\n\n\
         Publish on LV, read on ES, FR and SE within a second:\n  \
         {sicc} --data-dir {lv} records put my-record.json && {sicc} --data-dir {lv} catalog publish {cat} <id>\n\n\
         Stop with Ctrl-C.",
        es = nodes[0].api_url(),
        lv = lv.display(),
        cat = published[3].0,
    );
    let token = nodes[0].shutdown_token();
    let tokens: Vec<_> = nodes.iter().map(|n| n.shutdown_token()).collect();
    tokio::spawn(async move {
        wait_for_signal().await;
        for t in tokens {
            t.cancel();
        }
    });
    token.cancelled().await;
    for n in nodes {
        n.stopped().await;
    }
    Ok(())
}

fn print_peers(peers: &Value) {
    println!(
        "{:<28} {:<3} {:<10} {:<26} {:>12}",
        "PEER", "CC", "CONNECTED", "LAST SYNC", "DOCS BEHIND"
    );
    for p in peers["peers"].as_array().into_iter().flatten() {
        println!(
            "{:<28} {:<3} {:<10} {:<26} {:>12}",
            plain(&p["name"]),
            plain(&p["country"]),
            if p["connected"].as_bool() == Some(true) {
                "yes"
            } else {
                "no"
            },
            p["last_sync_at"].as_str().unwrap_or("never"),
            plain(&p["docs_behind"]),
        );
    }
    if let Some(r) = peers["rejected_changes"]
        .as_object()
        .filter(|r| !r.is_empty())
    {
        println!("rejected changes: {}", Value::Object(r.clone()));
    }
}

async fn search_command(client: &Client, args: &SearchArgs, json: bool) -> Result<(), Failure> {
    let mut query: Vec<(String, String)> = vec![
        ("q".into(), args.query.join(" ")),
        ("sort".into(), args.sort.clone()),
        ("limit".into(), args.limit.to_string()),
        ("offset".into(), args.offset.to_string()),
    ];
    for f in &args.filters {
        let (k, v) = f.split_once('=').ok_or_else(|| {
            Failure::new(EXIT_REJECTED, format!("--where `{f}`: use FACET=VALUE"))
        })?;
        query.push((k.into(), v.into()));
    }
    let encoded = serde_urlencoded::to_string(&query).unwrap_or_default();
    let v = client.get(&format!("/api/v1/search?{encoded}")).await?;
    if json {
        print_json(&v);
        return Ok(());
    }
    println!("{} found", plain(&v["total"]));
    println!("{:38}  {:18}  {:48}  ORIGIN", "ID", "KIND", "TITLE");
    for h in v["hits"].as_array().into_iter().flatten() {
        let title: String = plain(&h["title"]).chars().take(48).collect();
        let origin = match h["origin"].as_str() {
            Some("local") | None => "local".to_owned(),
            Some(node) => format!("shared by …{}", &node[node.len().saturating_sub(8)..]),
        };
        println!(
            "{:38}  {:18}  {:48}  {origin}",
            plain(&h["id"]),
            plain(&h["kind"]),
            title
        );
    }
    if args.facets
        && let Some(facets) = v["facets"].as_object()
    {
        for (name, buckets) in facets {
            let values: Vec<String> = buckets
                .as_array()
                .into_iter()
                .flatten()
                .take(12)
                .map(|b| format!("{} ({})", plain(&b["value"]), plain(&b["count"])))
                .collect();
            if !values.is_empty() {
                println!("{name:18}{}", values.join(", "));
            }
        }
    }
    Ok(())
}

fn catalog_path(catalog: &str) -> Result<String, Failure> {
    let (owner, name) = catalog.split_once('/').ok_or_else(|| {
        Failure::new(
            EXIT_REJECTED,
            format!("`{catalog}` is not a catalogue id (owner-node-id/name)"),
        )
    })?;
    Ok(format!("/api/v1/catalogs/{owner}/{name}"))
}

async fn catalog_command(client: &Client, cmd: &CatalogCommand, json: bool) -> Result<(), Failure> {
    use serde_json::json;
    let out = match cmd {
        CatalogCommand::List => {
            let v = client.get("/api/v1/catalogs").await?;
            if !json {
                println!(
                    "{:<12} {:<8} {:<40} {:<24} ID",
                    "ROLE", "ENTRIES", "TITLE", "OWNER"
                );
                for c in v["catalogs"].as_array().into_iter().flatten() {
                    let title = c["title"]["en"]
                        .as_str()
                        .or_else(|| c["title"].as_object()?.values().next()?.as_str())
                        .unwrap_or("");
                    let role = match c["subscription"].as_str() {
                        Some(s) if c["role"] != "subscriber" => {
                            format!("{} ({s})", plain(&c["role"]))
                        }
                        _ => plain(&c["role"]),
                    };
                    println!(
                        "{:<12} {:<8} {:<40} {:<24} {}",
                        role,
                        plain(&c["entries"]),
                        title,
                        plain(&c["owner_name"]),
                        plain(&c["id"])
                    );
                }
                return Ok(());
            }
            v
        }
        CatalogCommand::Create {
            name,
            title,
            title_lang,
            description,
        } => {
            let mut titles = serde_json::Map::new();
            titles.insert("en".into(), json!(title));
            for t in title_lang {
                let (lang, text) = t.split_once('=').ok_or_else(|| {
                    Failure::new(EXIT_REJECTED, format!("--title-lang `{t}`: use lang=text"))
                })?;
                titles.insert(lang.into(), json!(text));
            }
            let mut body = json!({"name": name, "title": titles});
            if let Some(d) = description {
                body["description"] = json!({"en": d});
            }
            client.post_json("/api/v1/catalogs", &body).await?
        }
        CatalogCommand::Show { catalog } => client.get(&catalog_path(catalog)?).await?,
        CatalogCommand::Publish { catalog, ids } | CatalogCommand::Unpublish { catalog, ids } => {
            let verb = if matches!(cmd, CatalogCommand::Publish { .. }) {
                "publish"
            } else {
                "unpublish"
            };
            let path = format!("{}/{verb}", catalog_path(catalog)?);
            let mut results = Vec::new();
            for id in ids {
                results.push(client.post_json(&path, &json!({"id": id})).await?);
                if !json {
                    println!("{verb}ed {id}");
                }
            }
            if !json {
                return Ok(());
            }
            json!(results)
        }
        CatalogCommand::Grant {
            catalog,
            node_id,
            role,
        } => {
            let path = format!("{}/grant", catalog_path(catalog)?);
            client
                .post_json(&path, &json!({"node_id": node_id, "role": role}))
                .await?
        }
        CatalogCommand::Revoke { catalog, node_id } => {
            let path = format!("{}/revoke", catalog_path(catalog)?);
            client
                .post_json(&path, &json!({"node_id": node_id}))
                .await?
        }
        CatalogCommand::Subscribe { catalog } => {
            let path = format!("{}/subscribe", catalog_path(catalog)?);
            client.post_json(&path, &json!({})).await?
        }
        CatalogCommand::Unsubscribe { catalog } => {
            let path = format!("{}/unsubscribe", catalog_path(catalog)?);
            client.post_json(&path, &json!({})).await?
        }
        CatalogCommand::Requests => client.get("/api/v1/subscriptions").await?,
    };
    print_json(&out);
    Ok(())
}

fn print_json(v: &Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
