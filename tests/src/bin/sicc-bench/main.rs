//! `sicc-bench`: every figure measured against a baseline from the same run, because absolute
//! times on shared two-core machines drift. Build in release, with the `sicc` binary beside it:
//!
//! ```sh
//! cargo build --release -p sicc-node --bin sicc -p sicc-tests --bin sicc-bench
//! /var/tmp/sicc-target/release/sicc-bench [--quick|--full] [--json PATH] [--only NAME]
//! ```
//!
//! Figures (issue 7): cold subscribe and no-op reconciliation and memory (two `sicc run`
//! processes), propagation and convergence after heal (four in-process nodes over real
//! libp2p), search (the node's index), import (`sicc records import` against a daemon).
//! `--only` runs one group: `subscribe`, `propagation`, `convergence`, `search`, `import`.
//! `--catalogue N` sets the cold-subscribe catalogue's size (10,000; the issue asks for
//! 100,000 to be reported too, with its own memory goal).

mod federation;
mod floor;
mod import;
mod search;
mod subscribe;

use anyhow::Result;
use serde_json::{Value, json};

/// What a figure must meet.
#[derive(Debug, Clone, Copy)]
pub enum Goal {
    None,
    /// value < x
    Below(f64),
    /// value <= x
    AtMost(f64),
    /// value >= x
    AtLeast(f64),
}

/// The product's goals (issue 19), in one place: every figure is judged against these and
/// nothing looser.
pub mod goals {
    /// Cold subscribe of 10,000 records, durable and readable: 10× faster than PouchDB's
    /// 2.5 s on the development machine.
    pub const COLD_SUBSCRIBE_SECS: f64 = 0.25;
    /// ... and at most this many times its same-run floor: the same signed changes over
    /// Noise, verified on every core, written in synced batches (`floor.rs`).
    pub const COLD_SUBSCRIBE_FLOOR_RATIO: f64 = 2.0;
    /// No-op reconciliation: one round trip, under 1 KB, under 5 ms.
    pub const NOOP_ROUND_TRIPS: f64 = 1.0;
    pub const NOOP_BYTES: f64 = 1024.0;
    pub const NOOP_MS: f64 = 5.0;
    /// Publish → readable on three subscribers at 10/s, fsync included.
    pub const PROPAGATION_P99_MS: f64 = 10.0;
    /// Four nodes × 1,000 edits, production redial and anti-entropy settings.
    pub const CONVERGENCE_SECS: f64 = 1.0;
    /// Through the CLI, validation and link checks included.
    pub const IMPORT_RECORDS_PER_SEC: f64 = 50_000.0;
    /// Every imported record searchable within 1 s of the last acknowledgement.
    pub const IMPORT_SEARCHABLE_SECS: f64 = 1.0;
    /// RSS at 10,000 shared documents, after sync and after restart.
    pub const MEMORY_10K_DOCS_MB: f64 = 100.0;
    /// ... and at 100,000 (`--only subscribe --catalogue 100000`).
    pub const MEMORY_100K_DOCS_MB: f64 = 250.0;
    /// Search p99 on 100,000 records.
    pub const SEARCH_P99_MS: f64 = 5.0;
}

/// One measured figure with its same-run baseline.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    pub baseline: f64,
    pub goal: Goal,
    pub detail: Value,
}

impl Figure {
    pub fn new(name: &str, value: f64, unit: &'static str, baseline: f64, goal: Goal) -> Figure {
        Figure {
            name: name.into(),
            value,
            unit,
            baseline,
            goal,
            detail: Value::Null,
        }
    }

    pub fn detail(mut self, detail: Value) -> Figure {
        self.detail = detail;
        self
    }

    pub fn ratio(&self) -> f64 {
        if self.baseline == 0.0 {
            f64::NAN
        } else {
            self.value / self.baseline
        }
    }

    pub fn met(&self) -> Option<bool> {
        match self.goal {
            Goal::None => None,
            Goal::Below(x) => Some(self.value < x),
            Goal::AtMost(x) => Some(self.value <= x),
            Goal::AtLeast(x) => Some(self.value >= x),
        }
    }

    fn goal_text(&self) -> String {
        // A goal computed from a same-run baseline has many digits: three are enough.
        let short = |x: f64| {
            let text = format!("{x:.3}");
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        };
        match self.goal {
            Goal::None => String::new(),
            Goal::Below(x) => format!("< {}", short(x)),
            Goal::AtMost(x) => format!("<= {}", short(x)),
            Goal::AtLeast(x) => format!(">= {}", short(x)),
        }
    }

    fn json(&self) -> Value {
        json!({
            "name": self.name, "value": self.value, "unit": self.unit,
            "baseline": self.baseline, "ratio": self.ratio(), "goal": self.goal_text(),
            "met": self.met(), "detail": self.detail,
        })
    }
}

/// The `p` quantile of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Sizes of one run.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub quick: bool,
    /// Records in the cold-subscribe catalogue and in the memory figure.
    pub catalogue: usize,
    /// Seconds of publishing at 10/s.
    pub propagation_secs: u64,
    /// Edits per node during the partition.
    pub edits: usize,
    pub search_records: usize,
    pub search_rounds: usize,
    pub import_records: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    sicc_node::telemetry::init(Default::default(), "error");
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let value_of = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let json_path = value_of("--json");
    let only = value_of("--only");
    let catalogue = value_of("--catalogue")
        .map(|n| n.parse::<usize>())
        .transpose()
        .map_err(|e| anyhow::anyhow!("--catalogue: {e}"))?;
    let scale = if quick {
        Scale {
            quick,
            catalogue: 2_000,
            propagation_secs: 10,
            edits: 200,
            search_records: 20_000,
            search_rounds: 20,
            import_records: 20_000,
        }
    } else {
        Scale {
            quick,
            catalogue: 10_000,
            propagation_secs: 60,
            edits: 1_000,
            search_records: 100_000,
            search_rounds: 50,
            import_records: 100_000,
        }
    };
    let scale = Scale {
        catalogue: catalogue.unwrap_or(scale.catalogue),
        ..scale
    };
    let binary = sicc_tests::netns::sicc_binary()?;
    let wanted = |group: &str| only.as_deref().is_none_or(|o| o == group);
    let mut figures = Vec::new();
    if wanted("subscribe") {
        eprintln!(
            "cold subscribe, no-op reconciliation, memory ({} records)",
            scale.catalogue
        );
        figures.extend(subscribe::run(&binary, scale).await?);
    }
    if wanted("propagation") {
        eprintln!(
            "propagation ({} s at 10 publishes/s)",
            scale.propagation_secs
        );
        figures.extend(federation::propagation(scale).await?);
    }
    if wanted("convergence") {
        eprintln!("convergence after heal ({} edits per node)", scale.edits);
        figures.extend(federation::convergence(scale).await?);
    }
    if wanted("search") {
        eprintln!("search ({} records)", scale.search_records);
        figures.extend(search::run(scale.search_records, scale.search_rounds).await?);
    }
    if wanted("import") {
        eprintln!("import ({} records)", scale.import_records);
        figures.extend(import::run(&binary, scale.import_records).await?);
    }

    println!(
        "\n{:<36} {:>12} {:>6} {:>12} {:>9} {:>22} {:>5}",
        "figure", "value", "unit", "baseline", "ratio", "goal", "met"
    );
    for f in &figures {
        println!(
            "{:<36} {:>12.3} {:>6} {:>12.3} {:>9.3} {:>22} {:>5}",
            f.name,
            f.value,
            f.unit,
            f.baseline,
            f.ratio(),
            f.goal_text(),
            match f.met() {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            }
        );
    }
    if let Some(path) = json_path {
        let all: Vec<Value> = figures.iter().map(Figure::json).collect();
        std::fs::write(&path, serde_json::to_string_pretty(&all)?)?;
        eprintln!("wrote {path}");
    }
    Ok(())
}
