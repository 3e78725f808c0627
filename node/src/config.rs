//! The node's configuration: a versioned TOML file in the data directory, overlaid by
//! command-line flags. Unknown keys are rejected so that a typo never goes unnoticed.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// File name of the configuration inside the data directory.
pub const CONFIG_FILE: &str = "config.toml";
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
    #[error("{source_name}: key `{key}`: {message}")]
    Invalid {
        source_name: String,
        key: String,
        message: String,
    },
}

/// The effective configuration of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub data_dir: PathBuf,
    pub node: NodeSection,
    pub api: ApiSection,
    pub log: LogSection,
    pub network: NetworkSection,
    /// The federation roster (may include this node; it is skipped).
    pub members: Vec<MemberSection>,
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
    /// First delay before redialling an unreachable member, in seconds (it doubles).
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
}

impl Default for ApiSection {
    fn default() -> Self {
        ApiSection {
            listen: DEFAULT_API_LISTEN.parse().expect("valid default address"),
            max_body_bytes: 1024 * 1024,
            max_import_bytes: 64 * 1024 * 1024,
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
    members: Vec<MemberSection>,
}

/// Overrides given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub api_listen: Option<SocketAddr>,
}

impl Config {
    /// Reads `data_dir/config.toml` and applies `overrides`.
    pub fn load(data_dir: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        let path = data_dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let mut config = Config::parse(&text, &path, data_dir)?;
        if let Some(listen) = overrides.api_listen {
            config.api.listen = listen;
        }
        Ok(config)
    }

    /// Parses a configuration file's text.
    pub fn parse(text: &str, path: &Path, data_dir: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim().to_owned(),
        })?;
        if raw.version != CONFIG_VERSION {
            return Err(ConfigError::Version {
                path: path.to_owned(),
                found: raw.version,
            });
        }
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            source_name: path.display().to_string(),
            key: key.into(),
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
        if raw.api.max_body_bytes < 1024 || raw.api.max_import_bytes < raw.api.max_body_bytes {
            return Err(invalid(
                "api.max_body_bytes",
                "must be at least 1024 and at most api.max_import_bytes".into(),
            ));
        }
        if raw.network.anti_entropy_secs == 0 || raw.network.redial_secs == 0 {
            return Err(invalid(
                "network.anti_entropy_secs",
                "intervals must be at least 1 second".into(),
            ));
        }
        if raw.members.len() > 64 {
            return Err(invalid("members", "at most 64 members".into()));
        }
        for (i, m) in raw.members.iter().enumerate() {
            if m.node_id
                .parse::<sicc_protocol::identity::NodeId>()
                .is_err()
            {
                return Err(invalid(
                    &format!("members[{i}].node_id"),
                    format!("`{}` is not a node id", m.node_id),
                ));
            }
            if !sicc_protocol::codes::CodeList::Country.contains(&m.country) {
                return Err(invalid(
                    &format!("members[{i}].country"),
                    format!("`{}` is not an ISO 3166-1 alpha-2 code", m.country),
                ));
            }
        }
        Ok(Config {
            data_dir: data_dir.to_owned(),
            node: raw.node,
            api: raw.api,
            log: raw.log,
            network: raw.network,
            members: raw.members,
        })
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

[log]
# "pretty" for people, "json" for log collectors. SICC_LOG overrides the filter.
format = "pretty"
filter = "info"

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
