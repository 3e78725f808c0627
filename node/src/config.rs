//! The node's configuration, merged explicitly in four layers: built-in defaults <
//! `DATA_DIR/config.toml` < `SICC_<SECTION>__<KEY>` environment variables < command-line flags.
//! The environment is read, never written. Every effective key remembers which layer set it, so
//! an error (and `sicc config check`) names both the key and where its value came from.
//! Unknown keys — in the file or as `SICC_*__*` variables — are rejected so a typo never goes
//! unnoticed.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// File name of the configuration inside the data directory.
pub use crate::data_dir::CONFIG_FILE;
/// The configuration format this build reads.
pub const CONFIG_VERSION: u32 = 1;
/// Default API address: loopback only, so nothing is exposed without a deliberate change.
pub const DEFAULT_API_LISTEN: &str = "127.0.0.1:7300";

/// What can be wrong with a configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: key `version` is {found}; this sicc reads version {CONFIG_VERSION}")]
    Version { path: PathBuf, found: u32 },
    #[error("key `{key}` (from {origin}): {message}")]
    Invalid {
        key: String,
        origin: Source,
        message: String,
    },
    #[error("environment variable {var}: no configuration key `{key}`; known keys: {known}")]
    UnknownEnv {
        var: String,
        key: String,
        known: String,
    },
}

/// Where an effective configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(String),
    Flag(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Env(var) => write!(f, "environment variable {var}"),
            Source::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// Every key that can be set outside `[[members]]`, in the order `config check` prints them.
/// Each is also settable as `SICC_<SECTION>__<KEY>` (e.g. `SICC_API__LISTEN`); list values
/// (`network.listen`) are comma-separated there.
pub const KEYS: [&str; 21] = [
    "node.name",
    "node.country",
    "api.listen",
    "api.max_body_bytes",
    "api.max_import_bytes",
    "api.allowed_hosts",
    "api.behind_tls_proxy",
    "api.publish_validated_only",
    "log.format",
    "log.filter",
    "network.listen",
    "network.anti_entropy_secs",
    "network.redial_secs",
    "network.redial_max_secs",
    "network.capture_frames",
    "limits.docs_per_catalog",
    "limits.mib_per_catalog",
    "limits.changes_per_member",
    "limits.in_flight_mib_per_peer",
    "limits.handshakes_per_address",
    "backup.root",
];

/// Environment variables starting with `SICC_` that are not configuration keys.
const NON_CONFIG_ENV: [&str; 4] = ["SICC_DATA_DIR", "SICC_API", "SICC_LOG", "SICC_CONFIG"];

/// The environment variable that sets `key` (`api.listen` → `SICC_API__LISTEN`).
pub fn env_var_of(key: &str) -> String {
    format!("SICC_{}", key.replace('.', "__").to_uppercase())
}

/// The effective configuration of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub data_dir: PathBuf,
    /// The file this configuration was read from (`DATA_DIR/config.toml` unless `--config`).
    pub file: PathBuf,
    pub node: NodeSection,
    pub api: ApiSection,
    pub log: LogSection,
    pub network: NetworkSection,
    pub limits: LimitsSection,
    pub backup: BackupSection,
    /// The federation roster (may include this node; it is skipped).
    pub members: Vec<MemberSection>,
    /// Where each key of [`KEYS`] (and `members`) got its effective value.
    pub sources: BTreeMap<String, Source>,
}

/// Default libp2p listen addresses: TCP and QUIC on port 7301 of every interface.
pub const DEFAULT_P2P_LISTEN: [&str; 2] =
    ["/ip4/0.0.0.0/tcp/7301", "/ip4/0.0.0.0/udp/7301/quic-v1"];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSection {
    /// libp2p multiaddrs to listen on.
    pub listen: Vec<String>,
    /// Seconds between anti-entropy passes over every (peer, catalogue) pair.
    pub anti_entropy_secs: u64,
    /// First delay before redialling an unreachable member, in seconds (it doubles). A member
    /// connected within the last 5 minutes is redialled from 0.1 s, doubling up to 2 s, and
    /// any member connecting makes every waiting member due at once (`p2p/redial.rs`).
    pub redial_secs: u64,
    /// Longest delay between two dials of an unreachable member, in seconds.
    pub redial_max_secs: u64,
    /// Debugging aid: append every sync frame sent or received to this file.
    pub capture_frames: Option<PathBuf>,
}

impl Default for NetworkSection {
    fn default() -> Self {
        NetworkSection {
            listen: DEFAULT_P2P_LISTEN.iter().map(|s| s.to_string()).collect(),
            anti_entropy_secs: 30,
            redial_secs: 2,
            redial_max_secs: 60,
            capture_frames: None,
        }
    }
}

/// Caps on what partners, even a hostile member, can make this node hold or decode. Changes
/// past a catalogue cap are refused (`too_large`, counted in
/// `sicc_sync_rejected_changes_total`); requests past the in-flight cap are answered
/// `unavailable` (`sicc_p2p_requests_refused_total`); connections past the handshake cap are
/// denied. The effective values are exported as `sicc_limit{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsSection {
    /// Most documents kept of one catalogue.
    pub docs_per_catalog: usize,
    /// Most MiB of stored documents kept of one catalogue.
    pub mib_per_catalog: u64,
    /// Most changes one member other than the owner may have in one document.
    pub changes_per_member: usize,
    /// Most MiB of one member's decoded requests waiting for an answer.
    pub in_flight_mib_per_peer: usize,
    /// Most connections one IP address may have in the handshake at once (loopback aside).
    pub handshakes_per_address: usize,
}

impl Default for LimitsSection {
    fn default() -> Self {
        let catalog = crate::sync::replica::CatalogLimits::default();
        LimitsSection {
            docs_per_catalog: catalog.docs,
            mib_per_catalog: catalog.bytes >> 20,
            changes_per_member: catalog.changes_per_member,
            in_flight_mib_per_peer: crate::p2p::network::MAX_IN_FLIGHT_BYTES_PER_PEER >> 20,
            handshakes_per_address: crate::p2p::per_address::MAX_PENDING_PER_ADDRESS,
        }
    }
}

impl LimitsSection {
    /// The caps the sync engine applies to each catalogue.
    pub fn catalog(&self) -> crate::sync::replica::CatalogLimits {
        crate::sync::replica::CatalogLimits {
            docs: self.docs_per_catalog,
            bytes: self.mib_per_catalog << 20,
            changes_per_member: self.changes_per_member,
        }
    }

    /// The caps the network applies to each peer and address.
    pub fn network(&self) -> crate::p2p::network::NetworkLimits {
        crate::p2p::network::NetworkLimits {
            in_flight_bytes_per_peer: self.in_flight_mib_per_peer << 20,
            handshakes_per_address: self.handshakes_per_address,
        }
    }

    /// `(key, value)` of every limit, for `sicc_limit{name}`.
    pub fn values(&self) -> [(&'static str, u64); 5] {
        [
            ("docs_per_catalog", self.docs_per_catalog as u64),
            ("bytes_per_catalog", self.mib_per_catalog << 20),
            ("changes_per_member", self.changes_per_member as u64),
            (
                "in_flight_bytes_per_peer",
                (self.in_flight_mib_per_peer as u64) << 20,
            ),
            ("handshakes_per_address", self.handshakes_per_address as u64),
        ]
    }
}

/// Where backups go.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct BackupSection {
    /// The only directory backups are written under (default `DATA_DIR/backups`): a caller of
    /// the API names a backup, it does not pick a place on the machine.
    pub root: Option<PathBuf>,
}

impl Config {
    /// The directory backups are written under.
    pub fn backup_root(&self) -> PathBuf {
        self.backup
            .root
            .clone()
            .unwrap_or_else(|| self.data_dir.join("backups"))
    }
}

/// One member of the federation roster.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSection {
    pub name: String,
    pub country: String,
    /// The member's node id (`sicc id` on its machine).
    pub node_id: String,
    /// Where to dial it (libp2p multiaddrs); empty if it dials this node.
    #[serde(default)]
    pub addrs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSection {
    /// Human name of the node, shown in the UI and to partners.
    pub name: String,
    /// ISO 3166-1 country of the competence centre.
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiSection {
    /// Address of the HTTP API and web UI.
    pub listen: SocketAddr,
    /// Largest request body for single-record requests, in bytes.
    pub max_body_bytes: usize,
    /// Largest request body for imports, in bytes.
    pub max_import_bytes: usize,
    /// Host names (without port) the API answers to besides `localhost` and IP addresses:
    /// a request naming another host is refused (421), so a page whose name was rebound to
    /// this node's address cannot reach it.
    pub allowed_hosts: Vec<String>,
    /// The operator states that a reverse proxy in front of the node terminates TLS (e.g.
    /// `deploy/Caddyfile`). Required to listen beyond loopback: passwords and session cookies
    /// must not cross a network in clear.
    pub behind_tls_proxy: bool,
    /// The web UI publishes only records a validator validated (the validation workflow).
    /// The API and CLI publish what they are told (scripts, migrations).
    pub publish_validated_only: bool,
}

impl Default for ApiSection {
    fn default() -> Self {
        ApiSection {
            listen: DEFAULT_API_LISTEN.parse().expect("valid default address"),
            max_body_bytes: 1024 * 1024,
            max_import_bytes: 64 * 1024 * 1024,
            allowed_hosts: Vec::new(),
            behind_tls_proxy: false,
            publish_validated_only: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

impl LogFormat {
    /// The value as written in config.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Pretty => "pretty",
            LogFormat::Json => "json",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    pub format: LogFormat,
    /// `tracing` filter, e.g. `info,sicc_node=debug`. `SICC_LOG` overrides it.
    pub filter: String,
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            format: LogFormat::Pretty,
            filter: "info".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    version: u32,
    node: NodeSection,
    #[serde(default)]
    api: ApiSection,
    #[serde(default)]
    log: LogSection,
    #[serde(default)]
    network: NetworkSection,
    #[serde(default)]
    limits: LimitsSection,
    #[serde(default)]
    backup: BackupSection,
    #[serde(default)]
    members: Vec<MemberSection>,
}

/// The layers above the file: environment variables, then command-line flags. Built
/// explicitly by the caller ([`Overrides::from_env`]), so tests never touch the process
/// environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `(variable, value)` pairs of `SICC_*__*` variables.
    pub env: Vec<(String, String)>,
    /// `(key, flag, value)` triples, e.g. `("api.listen", "--api-listen", "127.0.0.1:0")`.
    pub flags: Vec<(String, String, String)>,
}

impl Overrides {
    /// The configuration variables of this process's environment (`SICC_<SECTION>__<KEY>`).
    pub fn from_env() -> Overrides {
        let env = std::env::vars()
            .filter(|(k, _)| k.starts_with("SICC_") && !NON_CONFIG_ENV.contains(&k.as_str()))
            .filter(|(k, _)| k.contains("__"))
            .collect();
        Overrides {
            env,
            flags: Vec::new(),
        }
    }

    /// Adds a command-line flag's value for `key`.
    pub fn flag(mut self, key: &str, flag: &str, value: Option<impl ToString>) -> Overrides {
        if let Some(v) = value {
            self.flags.push((key.into(), flag.into(), v.to_string()));
        }
        self
    }
}

/// Sets one key of `raw` from a string (an environment variable or a flag).
fn set_key(raw: &mut RawConfig, key: &str, value: &str) -> Result<(), String> {
    fn number<T: std::str::FromStr>(value: &str) -> Result<T, String> {
        value
            .trim()
            .parse()
            .map_err(|_| format!("`{value}` is not a whole number"))
    }
    match key {
        "node.name" => raw.node.name = value.into(),
        "node.country" => raw.node.country = value.into(),
        "api.listen" => {
            raw.api.listen = value
                .trim()
                .parse()
                .map_err(|_| format!("`{value}` is not a socket address such as 127.0.0.1:7300"))?
        }
        "api.max_body_bytes" => raw.api.max_body_bytes = number(value)?,
        "api.max_import_bytes" => raw.api.max_import_bytes = number(value)?,
        "api.allowed_hosts" => {
            raw.api.allowed_hosts = value
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        }
        "api.behind_tls_proxy" => {
            raw.api.behind_tls_proxy = match value.trim() {
                "true" => true,
                "false" => false,
                other => return Err(format!("`{other}` is not true or false")),
            }
        }
        "api.publish_validated_only" => {
            raw.api.publish_validated_only = match value.trim() {
                "true" => true,
                "false" => false,
                other => return Err(format!("`{other}` is not true or false")),
            }
        }
        "log.format" => {
            raw.log.format = match value.trim() {
                "pretty" => LogFormat::Pretty,
                "json" => LogFormat::Json,
                other => return Err(format!("`{other}` is not one of: pretty, json")),
            }
        }
        "log.filter" => raw.log.filter = value.into(),
        "network.listen" => {
            raw.network.listen = value
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect()
        }
        "network.anti_entropy_secs" => raw.network.anti_entropy_secs = number(value)?,
        "network.redial_secs" => raw.network.redial_secs = number(value)?,
        "network.redial_max_secs" => raw.network.redial_max_secs = number(value)?,
        "network.capture_frames" => {
            raw.network.capture_frames = (!value.is_empty()).then(|| PathBuf::from(value))
        }
        "limits.docs_per_catalog" => raw.limits.docs_per_catalog = number(value)?,
        "limits.mib_per_catalog" => raw.limits.mib_per_catalog = number(value)?,
        "limits.changes_per_member" => raw.limits.changes_per_member = number(value)?,
        "limits.in_flight_mib_per_peer" => raw.limits.in_flight_mib_per_peer = number(value)?,
        "limits.handshakes_per_address" => raw.limits.handshakes_per_address = number(value)?,
        "backup.root" => raw.backup.root = (!value.is_empty()).then(|| PathBuf::from(value)),
        _ => return Err("no such key".into()),
    }
    Ok(())
}

impl Config {
    /// Reads `data_dir/config.toml` and applies `overrides` (environment, then flags).
    pub fn load(data_dir: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        Config::load_file(&data_dir.join(CONFIG_FILE), data_dir, overrides)
    }

    /// Reads the configuration file `path` (e.g. `/etc/sicc/config.toml`) for the node whose
    /// data directory is `data_dir`, and applies `overrides`.
    pub fn load_file(
        path: &Path,
        data_dir: &Path,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        let path = path.to_owned();
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Config::parse_with(&text, &path, data_dir, overrides)
    }

    /// Parses a configuration file's text.
    pub fn parse(text: &str, path: &Path, data_dir: &Path) -> Result<Config, ConfigError> {
        Config::parse_with(text, path, data_dir, &Overrides::default())
    }

    /// Parses a configuration file's text and applies `overrides` on top of it.
    pub fn parse_with(
        text: &str,
        path: &Path,
        data_dir: &Path,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        let mut raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim().to_owned(),
        })?;
        if raw.version != CONFIG_VERSION {
            return Err(ConfigError::Version {
                path: path.to_owned(),
                found: raw.version,
            });
        }
        // Which keys the file set (the typed parse above already proved it well-formed).
        let table: toml::Table = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let mut sources = BTreeMap::new();
        for key in KEYS {
            let (section, name) = key.split_once('.').expect("keys are section.name");
            let in_file = table.get(section).and_then(|s| s.get(name)).is_some();
            let source = if in_file {
                Source::File(path.to_owned())
            } else {
                Source::Default
            };
            sources.insert(key.to_string(), source);
        }
        let members_source = if raw.members.is_empty() {
            Source::Default
        } else {
            Source::File(path.to_owned())
        };
        sources.insert("members".into(), members_source);

        for (var, value) in &overrides.env {
            let key = KEYS.iter().find(|k| env_var_of(k) == *var).ok_or_else(|| {
                ConfigError::UnknownEnv {
                    var: var.clone(),
                    key: var
                        .trim_start_matches("SICC_")
                        .replace("__", ".")
                        .to_lowercase(),
                    known: KEYS.map(env_var_of).join(", "),
                }
            })?;
            let source = Source::Env(var.clone());
            set_key(&mut raw, key, value).map_err(|message| ConfigError::Invalid {
                key: key.to_string(),
                origin: source.clone(),
                message,
            })?;
            sources.insert(key.to_string(), source);
        }
        for (key, flag, value) in &overrides.flags {
            let source = Source::Flag(flag.clone());
            set_key(&mut raw, key, value).map_err(|message| ConfigError::Invalid {
                key: key.clone(),
                origin: source.clone(),
                message,
            })?;
            sources.insert(key.clone(), source);
        }
        let mut config = Config::validate(raw, data_dir, sources)?;
        config.file = path.to_owned();
        Ok(config)
    }

    /// Checks the merged values; an error names the key and the layer its value came from.
    fn validate(
        raw: RawConfig,
        data_dir: &Path,
        sources: BTreeMap<String, Source>,
    ) -> Result<Config, ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            key: key.into(),
            origin: sources.get(key).cloned().unwrap_or(Source::Default),
            message,
        };
        if !sicc_protocol::codes::CodeList::Country.contains(&raw.node.country) {
            return Err(invalid(
                "node.country",
                format!("`{}` is not an ISO 3166-1 alpha-2 code", raw.node.country),
            ));
        }
        if raw.node.name.trim().is_empty() || raw.node.name.chars().count() > 100 {
            return Err(invalid("node.name", "must be 1-100 characters".into()));
        }
        if raw.api.max_body_bytes < 1024 {
            return Err(invalid(
                "api.max_body_bytes",
                "must be at least 1024".into(),
            ));
        }
        if !raw.api.listen.ip().is_loopback() && !raw.api.behind_tls_proxy {
            return Err(invalid(
                "api.listen",
                format!(
                    "{} is reachable from other machines, and staff passwords and session cookies \
                     would cross the network in clear: listen on 127.0.0.1 behind a TLS reverse \
                     proxy (deploy/Caddyfile) and set api.behind_tls_proxy = true",
                    raw.api.listen
                ),
            ));
        }
        if raw.api.max_import_bytes < raw.api.max_body_bytes {
            return Err(invalid(
                "api.max_import_bytes",
                "must be at least api.max_body_bytes".into(),
            ));
        }
        if tracing_subscriber::EnvFilter::try_new(&raw.log.filter).is_err() {
            return Err(invalid(
                "log.filter",
                format!(
                    "`{}` is not a tracing filter such as `info`",
                    raw.log.filter
                ),
            ));
        }
        if raw.network.listen.is_empty() {
            return Err(invalid(
                "network.listen",
                "needs at least one address".into(),
            ));
        }
        for addr in &raw.network.listen {
            if !crate::p2p::network::is_multiaddr(addr) {
                return Err(invalid(
                    "network.listen",
                    format!("`{addr}` is not a multiaddr such as /ip4/0.0.0.0/tcp/7301"),
                ));
            }
        }
        for key in [
            "network.anti_entropy_secs",
            "network.redial_secs",
            "network.redial_max_secs",
        ] {
            let value = match key {
                "network.anti_entropy_secs" => raw.network.anti_entropy_secs,
                "network.redial_secs" => raw.network.redial_secs,
                _ => raw.network.redial_max_secs,
            };
            if value == 0 {
                return Err(invalid(key, "must be at least 1 second".into()));
            }
        }
        if raw.network.redial_max_secs < raw.network.redial_secs {
            return Err(invalid(
                "network.redial_max_secs",
                "must be at least network.redial_secs".into(),
            ));
        }
        for (key, value, most) in [
            (
                "limits.docs_per_catalog",
                raw.limits.docs_per_catalog as u64,
                10_000_000,
            ),
            (
                "limits.mib_per_catalog",
                raw.limits.mib_per_catalog,
                1 << 20,
            ),
            (
                "limits.changes_per_member",
                raw.limits.changes_per_member as u64,
                1_000_000,
            ),
            (
                "limits.in_flight_mib_per_peer",
                raw.limits.in_flight_mib_per_peer as u64,
                4096,
            ),
            (
                "limits.handshakes_per_address",
                raw.limits.handshakes_per_address as u64,
                64,
            ),
        ] {
            if !(1..=most).contains(&value) {
                return Err(invalid(key, format!("must be 1-{most}")));
            }
        }
        if let Some(root) = &raw.backup.root
            && !root.is_absolute()
        {
            return Err(invalid(
                "backup.root",
                format!("`{}` is not an absolute path", root.display()),
            ));
        }
        if raw.members.len() > 64 {
            return Err(invalid("members", "at most 64 members".into()));
        }
        for (i, m) in raw.members.iter().enumerate() {
            let key = |field: &str| format!("members[{i}].{field}");
            let member_err = |field: &str, message: String| ConfigError::Invalid {
                key: key(field),
                origin: sources.get("members").cloned().unwrap_or(Source::Default),
                message,
            };
            if m.node_id
                .parse::<sicc_protocol::identity::NodeId>()
                .is_err()
            {
                return Err(member_err(
                    "node_id",
                    format!("`{}` is not a node id", m.node_id),
                ));
            }
            if sicc_protocol::identity::PUBLISHED_TEST_NODE_IDS.contains(&m.node_id.as_str()) {
                return Err(member_err(
                    "node_id",
                    format!(
                        "`{}` is a test key of protocol/SPEC.md whose private key is published: anyone could sign as it",
                        m.node_id
                    ),
                ));
            }
            if !sicc_protocol::codes::CodeList::Country.contains(&m.country) {
                return Err(member_err(
                    "country",
                    format!("`{}` is not an ISO 3166-1 alpha-2 code", m.country),
                ));
            }
            for addr in &m.addrs {
                if !crate::p2p::network::is_multiaddr(addr) {
                    return Err(member_err("addrs", format!("`{addr}` is not a multiaddr")));
                }
            }
        }
        Ok(Config {
            data_dir: data_dir.to_owned(),
            file: data_dir.join(CONFIG_FILE),
            node: raw.node,
            api: raw.api,
            log: raw.log,
            network: raw.network,
            limits: raw.limits,
            backup: raw.backup,
            members: raw.members,
            sources,
        })
    }

    /// The effective value of `key` (one of [`KEYS`]) as TOML would write it.
    pub fn value_of(&self, key: &str) -> String {
        let q = |s: &str| format!("{s:?}");
        match key {
            "node.name" => q(&self.node.name),
            "node.country" => q(&self.node.country),
            "api.listen" => q(&self.api.listen.to_string()),
            "api.max_body_bytes" => self.api.max_body_bytes.to_string(),
            "api.max_import_bytes" => self.api.max_import_bytes.to_string(),
            "api.allowed_hosts" => format!("{:?}", self.api.allowed_hosts),
            "api.behind_tls_proxy" => self.api.behind_tls_proxy.to_string(),
            "api.publish_validated_only" => self.api.publish_validated_only.to_string(),
            "log.format" => q(self.log.format.as_str()),
            "log.filter" => q(&self.log.filter),
            "network.listen" => format!("{:?}", self.network.listen),
            "network.anti_entropy_secs" => self.network.anti_entropy_secs.to_string(),
            "network.redial_secs" => self.network.redial_secs.to_string(),
            "network.redial_max_secs" => self.network.redial_max_secs.to_string(),
            "network.capture_frames" => match &self.network.capture_frames {
                Some(p) => q(&p.display().to_string()),
                None => "(off)".into(),
            },
            "limits.docs_per_catalog" => self.limits.docs_per_catalog.to_string(),
            "limits.mib_per_catalog" => self.limits.mib_per_catalog.to_string(),
            "limits.changes_per_member" => self.limits.changes_per_member.to_string(),
            "limits.in_flight_mib_per_peer" => self.limits.in_flight_mib_per_peer.to_string(),
            "limits.handshakes_per_address" => self.limits.handshakes_per_address.to_string(),
            "backup.root" => q(&self.backup_root().display().to_string()),
            _ => "?".into(),
        }
    }

    /// Where `key` got its effective value.
    pub fn source_of(&self, key: &str) -> Source {
        self.sources.get(key).cloned().unwrap_or(Source::Default)
    }

    /// Replaces the `network.listen` line of a [`Config::template`] text.
    pub fn with_p2p_listen(template: &str, addrs: &[String]) -> String {
        let default = format!("listen = {:?}", DEFAULT_P2P_LISTEN);
        template.replace(&default, &format!("listen = {addrs:?}"))
    }

    /// The commented configuration `sicc init` writes.
    pub fn template(name: &str, country: &str, api_listen: SocketAddr) -> String {
        format!(
            r#"# sicc node configuration. Every key is documented in deploy/sicc.example.toml.
# Format version of this file; sicc refuses versions it does not know.
version = {CONFIG_VERSION}

[node]
# Name of this competence centre's node, shown to staff and partners.
name = "{name}"
# ISO 3166-1 alpha-2 country of the centre.
country = "{country}"

[api]
# HTTP API and web UI. Loopback by default: exposing it is a deliberate change.
listen = "{api_listen}"
# Largest request body for one record, and for an import request, in bytes.
max_body_bytes = 1048576
max_import_bytes = 67108864
# Staff reach the node from their desks through a TLS reverse proxy (deploy/Caddyfile). Set this
# to true once one is in front: it is required to listen beyond loopback, with an account.
behind_tls_proxy = false
# The web UI publishes only validated records (draft -> submitted -> validated).
publish_validated_only = true

[log]
# "pretty" for people, "json" for log collectors. SICC_LOG overrides the filter.
format = "pretty"
filter = "info"

[limits]
# Caps on what partners can make this node hold (a hostile member included): documents and
# MiB kept of one catalogue, changes of one member in one document, MiB of one member's
# requests waiting for an answer, connections of one IP address in the handshake.
docs_per_catalog = 200000
mib_per_catalog = 4096
changes_per_member = 1000
in_flight_mib_per_peer = 32
handshakes_per_address = 4

[network]
# libp2p addresses for partners (TCP and QUIC).
listen = ["/ip4/0.0.0.0/tcp/7301", "/ip4/0.0.0.0/udp/7301/quic-v1"]
# Seconds between anti-entropy passes; first and longest redial delay of an unreachable member.
anti_entropy_secs = 30
redial_secs = 2
redial_max_secs = 60

# The federation roster: one [[members]] table per partner node. Only these nodes get in.
# [[members]]
# name = "SICC Spain"
# country = "ES"
# node_id = "12D3KooW..."
# addrs = ["/dns4/sicc.example.es/tcp/7301", "/dns4/sicc.example.es/udp/7301/quic-v1"]
"#
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_and_typos_are_named() {
        let text = Config::template("LV SICC", "LV", DEFAULT_API_LISTEN.parse().unwrap());
        let c = Config::parse(&text, Path::new("config.toml"), Path::new("/d")).unwrap();
        assert_eq!(c.node.country, "LV");
        assert_eq!(c.api.listen.to_string(), DEFAULT_API_LISTEN);

        assert_eq!(c.network.listen, DEFAULT_P2P_LISTEN);
        let local = Config::with_p2p_listen(&text, &["/ip4/127.0.0.1/tcp/0".into()]);
        let c = Config::parse(&local, Path::new("config.toml"), Path::new("/d")).unwrap();
        assert_eq!(c.network.listen, ["/ip4/127.0.0.1/tcp/0"]);

        let typo = text.replace("listen =", "lisen =");
        let e = Config::parse(&typo, Path::new("config.toml"), Path::new("/d")).unwrap_err();
        assert!(e.to_string().contains("lisen"), "{e}");

        let bad = text.replace("country = \"LV\"", "country = \"XX\"");
        let e = Config::parse(&bad, Path::new("config.toml"), Path::new("/d")).unwrap_err();
        assert!(e.to_string().contains("node.country"), "{e}");

        let newer = text.replace("version = 1", "version = 2");
        assert!(matches!(
            Config::parse(&newer, Path::new("c"), Path::new("/d")),
            Err(ConfigError::Version { found: 2, .. })
        ));
    }

    #[test]
    fn limits_are_configurable_within_bounds_and_reach_the_engine_and_the_network() {
        let text = Config::template("LV SICC", "LV", DEFAULT_API_LISTEN.parse().unwrap());
        let c = Config::parse(&text, Path::new("config.toml"), Path::new("/d")).unwrap();
        assert_eq!(
            c.limits,
            LimitsSection::default(),
            "the template writes the defaults"
        );
        let smaller = text
            .replace("mib_per_catalog = 4096", "mib_per_catalog = 16")
            .replace("handshakes_per_address = 4", "handshakes_per_address = 2");
        let c = Config::parse(&smaller, Path::new("config.toml"), Path::new("/d")).unwrap();
        assert_eq!(c.limits.catalog().bytes, 16 << 20);
        assert_eq!(c.limits.network().handshakes_per_address, 2);
        assert_eq!(c.value_of("limits.mib_per_catalog"), "16");
        let zero = text.replace("docs_per_catalog = 200000", "docs_per_catalog = 0");
        let e = Config::parse(&zero, Path::new("config.toml"), Path::new("/d")).unwrap_err();
        assert!(e.to_string().contains("limits.docs_per_catalog"), "{e}");
        let env = Overrides {
            env: vec![("SICC_LIMITS__CHANGES_PER_MEMBER".into(), "10".into())],
            flags: Vec::new(),
        };
        let c = Config::parse_with(&text, Path::new("c"), Path::new("/d"), &env).unwrap();
        assert_eq!(c.limits.catalog().changes_per_member, 10);
    }

    #[test]
    fn listening_beyond_loopback_needs_a_tls_proxy_in_front() {
        let text = Config::template("LV SICC", "LV", "0.0.0.0:7300".parse().unwrap());
        let e = Config::parse(&text, Path::new("config.toml"), Path::new("/d")).unwrap_err();
        assert!(
            e.to_string().contains("api.listen") && e.to_string().contains("behind_tls_proxy"),
            "{e}"
        );
        let proxied = text.replace("behind_tls_proxy = false", "behind_tls_proxy = true");
        let c = Config::parse(&proxied, Path::new("config.toml"), Path::new("/d")).unwrap();
        assert!(c.api.behind_tls_proxy);
        let env = Overrides {
            env: vec![("SICC_API__BEHIND_TLS_PROXY".into(), "true".into())],
            flags: Vec::new(),
        };
        assert!(Config::parse_with(&text, Path::new("c"), Path::new("/d"), &env).is_ok());
    }

    #[test]
    fn a_roster_naming_a_published_test_key_is_refused() {
        let text = Config::template("LV SICC", "LV", DEFAULT_API_LISTEN.parse().unwrap());
        let with = |id: &str| {
            format!(
                "{text}\n[[members]]\nname = \"X\"\ncountry = \"ES\"\nnode_id = \"{id}\"\naddrs = [\"/ip4/127.0.0.1/tcp/7301\"]\n"
            )
        };
        for id in sicc_protocol::identity::PUBLISHED_TEST_NODE_IDS {
            let e =
                Config::parse(&with(id), Path::new("config.toml"), Path::new("/d")).unwrap_err();
            assert!(e.to_string().contains("published"), "{e}");
        }
        let fine = "12D3KooWLR7Yq2y8bBomzi5cRQikxMCxfMF5tiHTyqamYxhrK8Br";
        assert!(Config::parse(&with(fine), Path::new("config.toml"), Path::new("/d")).is_ok());
    }

    #[test]
    fn layers_merge_in_order_and_errors_name_key_and_source() {
        let text = Config::template("LV SICC", "LV", DEFAULT_API_LISTEN.parse().unwrap());
        let file = Path::new("/d/config.toml");
        let env = |pairs: &[(&str, &str)]| Overrides {
            env: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            flags: Vec::new(),
        };

        // Environment beats the file; a flag beats the environment.
        let o = env(&[
            ("SICC_API__LISTEN", "127.0.0.1:9000"),
            (
                "SICC_NETWORK__LISTEN",
                "/ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2",
            ),
            ("SICC_LOG__FORMAT", "json"),
        ]);
        let c = Config::parse_with(&text, file, Path::new("/d"), &o).unwrap();
        assert_eq!(c.api.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(c.network.listen.len(), 2);
        assert_eq!(c.log.format, LogFormat::Json);
        assert_eq!(
            c.source_of("api.listen"),
            Source::Env("SICC_API__LISTEN".into())
        );
        assert_eq!(c.source_of("node.name"), Source::File(file.into()));
        assert_eq!(c.source_of("network.capture_frames"), Source::Default);
        let o = o.flag("api.listen", "--api-listen", Some("127.0.0.1:9001"));
        let c = Config::parse_with(&text, file, Path::new("/d"), &o).unwrap();
        assert_eq!(c.api.listen.to_string(), "127.0.0.1:9001");
        assert_eq!(
            c.source_of("api.listen"),
            Source::Flag("--api-listen".into())
        );

        // A bad value names the key and the variable.
        let e = Config::parse_with(
            &text,
            file,
            Path::new("/d"),
            &env(&[("SICC_API__LISTEN", "not-an-address")]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("`api.listen`") && e.contains("SICC_API__LISTEN"),
            "{e}"
        );
        // An unknown variable is refused, not ignored.
        let e = Config::parse_with(
            &text,
            file,
            Path::new("/d"),
            &env(&[("SICC_API__LISTN", "127.0.0.1:1")]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("SICC_API__LISTN") && e.contains("SICC_API__LISTEN"),
            "{e}"
        );
        // A value that parses but fails validation still names where it came from.
        let e = Config::parse_with(
            &text,
            file,
            Path::new("/d"),
            &env(&[("SICC_NODE__COUNTRY", "XX")]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("node.country") && e.contains("SICC_NODE__COUNTRY"),
            "{e}"
        );
        let bad_file = text.replace("redial_max_secs = 60", "redial_max_secs = 0");
        let e = Config::parse(&bad_file, file, Path::new("/d"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("network.redial_max_secs") && e.contains("/d/config.toml"),
            "{e}"
        );
    }

    #[test]
    fn the_deploy_example_documents_every_key_and_the_federation_configs_parse() {
        let example = include_str!("../../deploy/sicc.example.toml");
        for key in KEYS {
            let (section, name) = key.split_once('.').unwrap();
            let at = example
                .find(&format!("[{section}]"))
                .unwrap_or_else(|| panic!("[{section}] missing"));
            assert!(
                example[at..].contains(&format!("{name} =")),
                "{key} is not documented in deploy/sicc.example.toml"
            );
        }
        assert!(
            example.contains("SICC_<SECTION>__<KEY>"),
            "the layers are documented"
        );
        for (name, text) in [
            ("es", include_str!("../../deploy/federation/es.toml")),
            ("fr", include_str!("../../deploy/federation/fr.toml")),
            ("se", include_str!("../../deploy/federation/se.toml")),
            ("lv", include_str!("../../deploy/federation/lv.toml")),
        ] {
            let c = Config::parse(text, Path::new(name), Path::new("/var/lib/sicc")).unwrap();
            assert_eq!(c.node.country.to_lowercase(), name);
        }
    }

    #[test]
    fn the_deploy_example_parses() {
        let text = include_str!("../../deploy/sicc.example.toml");
        Config::parse(
            text,
            Path::new("sicc.example.toml"),
            Path::new("/var/lib/sicc"),
        )
        .unwrap();
    }
}
