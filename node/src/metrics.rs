//! Prometheus metrics: one `prometheus-client` registry per node, into which libp2p registers
//! its own (`libp2p_*`), the sync engine counts what it sends, receives and rejects, the API
//! times every request, and `/metrics` sets the gauges read from the engine and RocksDB at
//! scrape time. Metric handles are atomics behind `Arc`s: cheap to clone into each owner, and
//! the registry itself is read-only once the node has started.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PeerDirection {
    /// The partner's node id.
    pub peer: String,
    /// `sent` or `received`.
    pub direction: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PeerLabel {
    pub peer: String,
    pub name: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CatalogLabel {
    pub catalog: String,
    pub role: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ColumnFamilyLabel {
    pub cf: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    pub kind: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    /// The route pattern (`/api/v1/records/{id}`), never the raw path: bounded cardinality.
    pub route: String,
    pub status: u16,
}

type FloatGauge = Gauge<f64, AtomicU64>;
type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 0.25 ms .. ~4 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

fn session_histogram() -> Histogram {
    // 0.25 ms (a no-op) .. ~65 s (a cold subscribe of a large catalogue).
    Histogram::new(exponential_buckets(0.000_25, 2.0, 19))
}

/// What the sync engine counts as it works.
#[derive(Debug, Clone)]
pub struct SyncMetrics {
    /// Signed Automerge changes in sync frames, per peer and direction.
    pub changes: Family<PeerDirection, Counter>,
    /// Bytes of those changes (the Automerge payload, before hex), per peer and direction.
    pub change_bytes: Family<PeerDirection, Counter>,
    /// Distinct documents those changes touched, per frame, per peer and direction.
    pub documents: Family<PeerDirection, Counter>,
    /// Sync frames, per peer and direction.
    pub frames: Family<PeerDirection, Counter>,
    /// Changes refused (not applied, not relayed), by stable reason code.
    pub rejected: Family<ReasonLabel, Counter>,
    /// Reconciliation sessions, by outcome (`converged`, `differing`, `failed`).
    pub sessions: Family<OutcomeLabel, Counter>,
    /// Duration of the sessions this node started, from the first request to the last
    /// answer (wall clock, as the engine steps see it), by outcome.
    pub session_seconds: HistogramFamily<OutcomeLabel>,
    /// Connections from nodes outside the roster, closed after the handshake.
    pub refused_connections: Counter,
    /// Steps of the sync engine that panicked (their effects dropped, the engine went on).
    pub panics: Counter,
    /// Times the engine handed freed memory back to the system after a burst of received
    /// changes (`sicc_node::memory`).
    pub memory_releases: Counter,
}

impl Default for SyncMetrics {
    fn default() -> Self {
        SyncMetrics {
            changes: Family::default(),
            change_bytes: Family::default(),
            documents: Family::default(),
            frames: Family::default(),
            rejected: Family::default(),
            sessions: Family::default(),
            session_seconds: Family::new_with_constructor(session_histogram),
            refused_connections: Counter::default(),
            panics: Counter::default(),
            memory_releases: Counter::default(),
        }
    }
}

/// Gauges set from the engine's, the store's and the index's state at each scrape.
#[derive(Debug, Clone, Default)]
pub struct StateGauges {
    pub peer_connected: Family<PeerLabel, Gauge>,
    /// Documents that differed at the last session with the peer (0 once converged).
    pub peer_lag_documents: Family<PeerLabel, Gauge>,
    /// Seconds since the last completed session with the peer (-1: never).
    pub peer_last_sync_age: Family<PeerLabel, FloatGauge>,
    pub catalog_entries: Family<CatalogLabel, Gauge>,
    pub records: Family<KindLabel, Gauge>,
    pub rocksdb_keys: Family<ColumnFamilyLabel, Gauge>,
    pub rocksdb_sst_bytes: Family<ColumnFamilyLabel, Gauge>,
    pub rocksdb_memtable_bytes: Family<ColumnFamilyLabel, Gauge>,
    pub search_documents: Gauge,
    pub quarantined_entries: Gauge,
    pub uptime_seconds: FloatGauge,
}

/// Every metric of a node, and the registry that exposes them.
#[derive(Debug)]
pub struct NodeMetrics {
    pub registry: Registry,
    pub sync: SyncMetrics,
    pub state: StateGauges,
    pub http: HistogramFamily<HttpLabels>,
}

impl Default for NodeMetrics {
    fn default() -> Self {
        NodeMetrics::new()
    }
}

impl NodeMetrics {
    /// Exports the configured caps (`[limits]`) as `sicc_limit{name}`, beside the counters of
    /// what they refused.
    pub fn register_limits(&mut self, values: &[(&'static str, u64)]) {
        let limits = Family::<Vec<(String, String)>, Gauge>::default();
        for (name, value) in values {
            limits
                .get_or_create(&vec![("name".to_owned(), (*name).to_owned())])
                .set(i64::try_from(*value).unwrap_or(i64::MAX));
        }
        self.registry.register(
            "limit",
            "Caps on what partners can make this node hold ([limits] in the configuration)",
            limits,
        );
    }

    /// Creates the registry with every sicc metric; libp2p adds its own in `p2p::network`.
    pub fn new() -> NodeMetrics {
        let mut registry = Registry::with_prefix("sicc");
        let sync = SyncMetrics::default();
        let state = StateGauges::default();
        let http: HistogramFamily<HttpLabels> =
            Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let r = &mut registry;
        r.register(
            "sync_changes",
            "Signed Automerge changes in sync frames",
            sync.changes.clone(),
        );
        r.register(
            "sync_change_bytes",
            "Bytes of Automerge changes in sync frames",
            sync.change_bytes.clone(),
        );
        r.register(
            "sync_documents",
            "Documents carried by sync frames (distinct per frame)",
            sync.documents.clone(),
        );
        r.register("sync_frames", "Sync frames", sync.frames.clone());
        r.register(
            "sync_panics",
            "Sync engine steps that panicked (effects dropped; the engine went on)",
            sync.panics.clone(),
        );
        r.register(
            "sync_rejected_changes",
            "Changes refused by provenance and access checks, by reason",
            sync.rejected.clone(),
        );
        r.register(
            "sync_sessions",
            "Reconciliation sessions, by outcome",
            sync.sessions.clone(),
        );
        r.register(
            "sync_session_duration_seconds",
            "Duration of the reconciliation sessions this node started, by outcome",
            sync.session_seconds.clone(),
        );
        r.register(
            "memory_releases",
            "Times freed memory was handed back to the system after a burst of received changes",
            sync.memory_releases.clone(),
        );
        r.register(
            "refused_connections",
            "Connections from nodes outside the roster",
            sync.refused_connections.clone(),
        );
        r.register(
            "peer_connected",
            "1 while the member is connected",
            state.peer_connected.clone(),
        );
        r.register(
            "peer_lag_documents",
            "Documents that differed at the last session with the member (0 once converged)",
            state.peer_lag_documents.clone(),
        );
        r.register(
            "peer_last_sync_age_seconds",
            "Seconds since the last completed session with the member (-1: never)",
            state.peer_last_sync_age.clone(),
        );
        r.register(
            "catalog_entries",
            "Entries held per catalogue",
            state.catalog_entries.clone(),
        );
        r.register("records", "Local records by kind", state.records.clone());
        r.register(
            "rocksdb_estimated_keys",
            "RocksDB rocksdb.estimate-num-keys per column family",
            state.rocksdb_keys.clone(),
        );
        r.register(
            "rocksdb_sst_bytes",
            "RocksDB rocksdb.total-sst-files-size per column family",
            state.rocksdb_sst_bytes.clone(),
        );
        r.register(
            "rocksdb_memtable_bytes",
            "RocksDB rocksdb.cur-size-all-mem-tables per column family",
            state.rocksdb_memtable_bytes.clone(),
        );
        r.register(
            "search_documents",
            "Records in the search index",
            state.search_documents.clone(),
        );
        r.register(
            "shared_quarantined_entries",
            "Partners' shared entries that do not validate here (kept out of lists and search)",
            state.quarantined_entries.clone(),
        );
        r.register(
            "uptime_seconds",
            "Seconds since the node started",
            state.uptime_seconds.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "HTTP request latency by method, route and status",
            http.clone(),
        );
        let info: Family<Vec<(String, String)>, Gauge> = Family::default();
        info.get_or_create(&vec![(
            "version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        )])
        .set(1);
        r.register("build_info", "Version of this sicc build", info);
        NodeMetrics {
            registry,
            sync,
            state,
            http,
        }
    }

    /// The registry's text exposition (OpenMetrics).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl SyncMetrics {
    /// Counts one sync frame exchanged with `peer`.
    pub fn frame(
        &self,
        peer: &str,
        direction: &'static str,
        message: &sicc_protocol::wire::Message,
    ) {
        let labels = PeerDirection {
            peer: peer.to_string(),
            direction,
        };
        self.frames.get_or_create(&labels).inc();
        if let sicc_protocol::wire::Message::Changes { changes, .. } = message
            && !changes.is_empty()
        {
            let bytes: usize = changes.iter().map(|c| c.change.len() / 2).sum();
            let docs: std::collections::BTreeSet<&str> =
                changes.iter().map(|c| c.doc.as_str()).collect();
            self.changes
                .get_or_create(&labels)
                .inc_by(changes.len() as u64);
            self.change_bytes
                .get_or_create(&labels)
                .inc_by(bytes as u64);
            self.documents
                .get_or_create(&labels)
                .inc_by(docs.len() as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_names_every_family() {
        let m = NodeMetrics::new();
        m.sync
            .rejected
            .get_or_create(&ReasonLabel {
                reason: "bad_signature".into(),
            })
            .inc();
        let text = m.encode();
        for name in [
            "sicc_sync_rejected_changes_total{reason=\"bad_signature\"} 1",
            "sicc_refused_connections_total 0",
            "sicc_memory_releases_total 0",
            "sicc_shared_quarantined_entries 0",
            "sicc_build_info",
            "# EOF",
        ] {
            assert!(text.contains(name), "{name} missing from:\n{text}");
        }
    }
}
