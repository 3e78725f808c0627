//! Logging setup. Every line of a node carries its node id through a root span entered by each
//! of its tasks (ARCHITECTURE.md, invariant 6).

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once. `SICC_LOG` overrides `default_filter`.
/// Returns quietly if one is already installed (tests start several nodes in one process).
pub fn init(format: LogFormat, default_filter: &str) {
    let filter = EnvFilter::try_from_env("SICC_LOG")
        .or_else(|_| EnvFilter::try_new(default_filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// The root span of a node: every log line under it carries `node=<short id>`.
pub fn node_span(short_id: &str) -> tracing::Span {
    tracing::error_span!("node", id = %short_id)
}
