//! The `sicc` command line. Admin commands (`init`, `id`, `run`, `demo`, `config check`,
//! `reindex`, `backup`, `restore`) work on the data directory; staff commands (`records ...`,
//! `catalog ...`, `status`, `peers`, `search`) talk to the running daemon's HTTP API, found
//! through the `api` file in the data directory or `--api`, and print tables (`cli::output`),
//! or the API's JSON unchanged with `--json`.
//!
//! Exit codes: 0 success; 1 other failure; 2 usage error; 3 not found; 4 rejected (validation,
//! conflict, or some records of an import failed); 69 daemon unreachable; 78 configuration error.
//!
//! Layout: this module holds the clap definitions, exit codes and the dispatch; `admin`,
//! `staff`, `records` and `demo` the commands; `output` the tables and JSON printing;
//! `client` the API client and `import` the chunked import, both public for the test harness.

mod accounts;
mod admin;
pub mod client;
mod demo;
pub mod import;
mod output;
mod records;
mod staff;

use crate::config::{ConfigError, DEFAULT_API_LISTEN};
use crate::p2p::identity::IdentityError;
use clap::{Args, Parser, Subcommand, ValueEnum};
use client::{Client, ClientError};
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
        /// A name for it under `backup.root` (e.g. 2026-11-28; default: one made of the time),
        /// or a path under the root (anything with a `/`).
        target: Option<String>,
    },
    /// Staff accounts: add, list, passwd, role, disable, enable.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for scripts: create, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// List the backups this node took, each with the erasures made since: a backup that
    /// predates an erasure still holds the erased values (a restore from it replays them).
    Backups,
    /// Restore a backup into an empty data directory (`--data-dir`); the node then starts in a
    /// new actor epoch and catches up from its peers on `sicc run`. Erasures the backup
    /// predates are replayed, read from the later backups of the node beside it and from
    /// `--erasures-from`, and purged.
    Restore {
        /// A directory written by `sicc backup`.
        backup: PathBuf,
        /// A later backup (or its erasures.json) elsewhere, whose erasures to replay too.
        #[arg(long = "erasures-from", value_name = "PATH")]
        erasures_from: Vec<PathBuf>,
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
pub enum UserCommand {
    /// Add a user (the first one: `--role admin`). The password is asked for on a terminal,
    /// else read from the first line of standard input; there is no default.
    Add {
        name: String,
        /// viewer, editor, validator or admin.
        #[arg(long)]
        role: String,
    },
    /// List the users, their roles and open sessions.
    List,
    /// Set a user's password (asked for like `add`); the user's sessions end.
    Passwd { name: String },
    /// Change a user's role: viewer, editor, validator or admin.
    Role { name: String, role: String },
    /// Disable a user: no login, every session ends.
    Disable { name: String },
    /// Enable a disabled user again.
    Enable { name: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a script; it is printed once.
    Create {
        /// A name for it, e.g. nightly-import.
        #[arg(long)]
        name: String,
        /// viewer, editor, validator or admin.
        #[arg(long)]
        role: String,
    },
    /// List the tokens (never the tokens themselves) and when each was last used.
    List,
    /// Revoke a token.
    Revoke { name: String },
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
        /// DCAT-AP: include `consortium` records (a file for the partners; by default the
        /// export holds `public` records only, for an open data portal).
        #[arg(long)]
        include_consortium: bool,
        /// CSV: a `<field>.label` column beside each coded field, with the labels in this
        /// language (en, es, fr, sv, lv); import ignores those columns.
        #[arg(long, value_parser = ["en", "es", "fr", "sv", "lv"])]
        labels: Option<String>,
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
        .on_thread_park(crate::memory::thread_idle)
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

/// The client of the running daemon, for staff commands.
fn staff_client(cli: &Cli, dir: &Path) -> Result<Client, Failure> {
    Ok(Client::from_cli(cli.api.as_deref(), dir)?)
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let dir = data_dir(&cli);
    let json = cli.json;
    match &cli.command {
        Command::Init(args) => admin::init(&dir, args, json),
        Command::Id => admin::print_id(&dir),
        Command::Config(ConfigCommand::Check) => admin::config_check(&cli, &dir),
        Command::Run(args) => admin::run(&cli, &dir, args).await,
        Command::Demo(args) => {
            // Not the default data directory: the demo's four nodes are not this machine's node.
            let demo_dir = cli
                .data_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("sicc-demo"));
            demo::demo(&demo_dir, args).await
        }
        Command::Reindex => admin::reindex(&dir).await,
        Command::Backup { target } => admin::backup(&cli, &dir, target.as_deref()).await,
        Command::Backups => admin::backups(&cli, &dir).await,
        Command::User(command) => accounts::user(&cli, &dir, command).await,
        Command::Token(command) => accounts::token(&cli, &dir, command).await,
        Command::Restore {
            backup,
            erasures_from,
        } => admin::restore(&dir, backup, erasures_from, json).await,
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(*shell, &mut Cli::command(), "sicc", &mut std::io::stdout());
            Ok(())
        }
        Command::Healthcheck => staff::healthcheck(&staff_client(&cli, &dir)?).await,
        Command::Status => staff::status(&staff_client(&cli, &dir)?, json).await,
        Command::Peers => staff::peers(&staff_client(&cli, &dir)?, json).await,
        Command::Search(args) => staff::search(&staff_client(&cli, &dir)?, args, json).await,
        Command::Catalog(cmd) => staff::catalog(&staff_client(&cli, &dir)?, cmd, json).await,
        Command::Records(cmd) => records::records(&staff_client(&cli, &dir)?, cmd, json).await,
    }
}
