//! The `sicc` command line. Admin commands (`init`, `id`, `run`, `demo`, `config check`) work on
//! the data directory; staff commands (`records ...`, `status`) talk to the running daemon's
//! HTTP API, found through the `api` file in the data directory or `--api`.
//!
//! Exit codes: 0 success; 1 other failure; 2 usage error; 3 not found; 4 rejected (validation,
//! conflict, or some records of an import failed); 69 daemon unreachable; 78 configuration error.

mod client;
mod transfer;

/// Reading and sending records, for the demo and the tests.
pub mod transfer_api {
    pub use super::client::{Client, ClientError};
    pub use super::transfer::{
        ImportOutcome, InputRecord, import_values, parse_csv, parse_json, write_csv,
    };
}

use crate::config::{Config, ConfigError, DEFAULT_API_LISTEN, Overrides};
use crate::node;
use crate::p2p::identity::{IdentityError, NodeIdentity};
use clap::{Args, Parser, Subcommand, ValueEnum};
use client::{Client, ClientError};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use client::ClientError as CliClientError;

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
    /// Show the running node's status.
    Status,
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
            let config = Config::load(&dir, &Overrides::default())?;
            NodeIdentity::load(&dir)?;
            println!(
                "configuration OK: {}",
                dir.join(crate::config::CONFIG_FILE).display()
            );
            println!(
                "node.name = {:?}\nnode.country = {:?}",
                config.node.name, config.node.country
            );
            println!(
                "api.listen = {:?}\napi.max_body_bytes = {}\napi.max_import_bytes = {}",
                config.api.listen.to_string(),
                config.api.max_body_bytes,
                config.api.max_import_bytes
            );
            println!(
                "log.format = {:?}\nlog.filter = {:?}",
                config.log.format.as_str(),
                config.log.filter
            );
            Ok(())
        }
        Command::Run(args) => {
            let config = Config::load(
                &dir,
                &Overrides {
                    api_listen: args.api_listen,
                },
            )?;
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
        Command::Status => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            let status = client.get("/api/v1/status").await?;
            if cli.json {
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
                ] {
                    println!("{key:16}{}", plain(&status[key]));
                }
                if let Some(kinds) = status["records_by_kind"].as_object() {
                    for (k, n) in kinds {
                        println!("  {k:22}{n}");
                    }
                }
            }
            Ok(())
        }
        Command::Records(cmd) => {
            let client = Client::from_cli(cli.api.as_deref(), &dir)?;
            transfer::records(&client, cmd, cli.json).await
        }
    }
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
        let text = Config::template(&args.name, &args.country, args.api_listen);
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
    let node = node::start(config).await.map_err(start_failure)?;
    stop_on_signal(&node);
    node.stopped().await;
    Ok(())
}

fn start_failure(e: node::StartError) -> Failure {
    match e {
        node::StartError::Identity(i) => Failure::from(i),
        other => Failure::new(EXIT_FAILURE, other.to_string()),
    }
}

fn stop_on_signal(node: &node::RunningNode) {
    use tracing::Instrument;
    let token = node.shutdown_token();
    tokio::spawn(
        async move {
            wait_for_signal().await;
            token.cancel();
        }
        .instrument(node.span()),
    );
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received, shutting down"),
                _ = int.recv() => tracing::info!("SIGINT received, shutting down"),
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

async fn demo(dir: &Path, args: &DemoArgs) -> Result<(), Failure> {
    let dir = if dir.ends_with(".local/share/sicc") {
        PathBuf::from("sicc-demo")
    } else {
        dir.to_owned()
    };
    if !dir.join(crate::p2p::identity::IDENTITY_FILE).exists() {
        init(
            &dir,
            &InitArgs {
                name: "sicc demo node".into(),
                country: "LV".into(),
                api_listen: args.api_listen,
            },
            false,
        )?;
    }
    let config = Config::load(
        &dir,
        &Overrides {
            api_listen: Some(args.api_listen),
        },
    )?;
    crate::telemetry::init(config.log.format, "warn,sicc_node=info");
    let node = node::start(config).await.map_err(start_failure)?;
    let client = Client::new(&node.api_url(), "demo");
    let outcome =
        transfer::import_values(&client, crate::sample::records(), ImportMode::Import, true)
            .await?;
    let url = node.api_url();
    println!(
        "\nsicc demo node {id} is running with the sample data of ES, FR, SE and LV ({n} records).\n\n\
         API:        {url}/api/v1/records\n\
         Status:     {url}/api/v1/status\n\
         Data dir:   {dir}\n\n\
         Try:\n  \
         curl '{url}/api/v1/records?kind=initiative&nuts=LV005&esf_objective=ESO4.11&status=active'\n  \
         {sicc} --data-dir {dir} records list --kind initiative --where theme=housing_homelessness --where min_evidence_level=3\n  \
         {sicc} --data-dir {dir} records export --format csv -o initiatives.csv --kind initiative\n\n\
         Stop with Ctrl-C.",
        id = node.node_id,
        n = outcome.imported,
        dir = dir.display(),
        sicc = std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "sicc".into()),
    );
    if outcome.failed > 0 {
        eprintln!("warning: {} sample records were rejected", outcome.failed);
    }
    stop_on_signal(&node);
    node.stopped().await;
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
