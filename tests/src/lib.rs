//! The multi-node test harness: whole sicc nodes in one process, each with its own data
//! directory, RocksDB and API on port 0, and helpers to wait on conditions with deadlines.
//!
//! The test binaries in `tests/` use it: scenarios, federation, network, netns, search,
//! browser, fuzz corpora, the deterministic simulator (`sim`) and a rogue member's changes
//! (`rogue`).

pub mod federation;
pub mod fuzz;
pub mod netns;
pub mod process;
pub mod rogue;
pub mod sim;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use sicc_node::cli::ImportMode;
use sicc_node::cli::client::Client;
use sicc_node::cli::import::{ImportOutcome, import_values};
use sicc_node::config::{Config, Overrides};
use sicc_node::node::RunningNode;
use sicc_node::p2p::identity::NodeIdentity;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long any wait in a test may take.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The local credential a running node wrote in its data directory (`accounts.rs`): the
/// harness acts as the node's own CLI, an admin. It changes at every start.
pub fn local_credential(data_dir: &Path) -> Result<String> {
    let path = data_dir.join(sicc_node::accounts::LOCAL_CREDENTIAL_FILE);
    Ok(std::fs::read_to_string(&path)
        .with_context(|| format!("reading {}", path.display()))?
        .trim()
        .to_owned())
}

/// An HTTP client that sends `token` as `Authorization: Bearer` with every request.
pub fn client_with(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
        .expect("a token is ASCII");
    value.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, value);
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("an HTTP client")
}

/// An HTTP client authenticated as the running node of `data_dir`'s CLI (admin).
pub fn admin_client(data_dir: &Path) -> Result<reqwest::Client> {
    Ok(client_with(&local_credential(data_dir)?))
}

/// One node of a test network.
#[derive(Debug)]
pub struct TestNode {
    pub node: RunningNode,
    pub http: reqwest::Client,
    pub url: String,
    /// Kept alive as long as the node: dropping it removes the data directory.
    pub data_dir: tempfile::TempDir,
}

impl TestNode {
    /// Starts a node with a fresh identity and data directory, API on 127.0.0.1:0.
    pub async fn start(name: &str, country: &str) -> Result<TestNode> {
        sicc_node::telemetry::init(Default::default(), "warn");
        let dir = tempfile::tempdir()?;
        NodeIdentity::create(dir.path())?;
        let text = Config::with_p2p_listen(
            &Config::template(name, country, "127.0.0.1:0".parse()?),
            &["/ip4/127.0.0.1/tcp/0".into()],
        );
        std::fs::write(dir.path().join(sicc_node::config::CONFIG_FILE), text)?;
        let config = Config::load(dir.path(), &Overrides::default())?;
        let node = sicc_node::node::start(config).await?;
        let url = node.api_url();
        Ok(TestNode {
            node,
            http: admin_client(dir.path())?,
            url,
            data_dir: dir,
        })
    }

    /// Loads the embedded sample data of the four countries through the API.
    pub async fn load_sample(&self) -> Result<ImportOutcome> {
        let client = Client::new(&self.url, Some(local_credential(self.dir())?));
        import_values(
            &client,
            sicc_node::sample::records(),
            ImportMode::Import,
            false,
        )
        .await
        .map_err(|f| anyhow::anyhow!(f.message))
    }

    /// GET a path; returns status and JSON body.
    pub async fn get(&self, path_and_query: &str) -> Result<(u16, Value)> {
        let r = self
            .http
            .get(format!("{}{path_and_query}", self.url))
            .send()
            .await?;
        Ok((r.status().as_u16(), r.json().await.context("json body")?))
    }

    /// The ids of all records matching a query string such as `kind=initiative&nuts=LV005`.
    pub async fn ids(&self, query: &str) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        let mut cursor = String::new();
        loop {
            let (status, body) = self
                .get(&format!("/api/v1/records?{query}&limit=100{cursor}"))
                .await?;
            if status != 200 {
                bail!("HTTP {status}: {body}");
            }
            for r in body["records"].as_array().into_iter().flatten() {
                ids.push(r["id"].as_str().unwrap_or_default().to_owned());
            }
            match body["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => return Ok(ids),
            }
        }
    }

    /// Stops the node and waits until its store is closed.
    pub async fn stop(self) {
        self.node.shutdown().await;
    }

    /// The node's data directory.
    pub fn dir(&self) -> &Path {
        self.data_dir.path()
    }
}

/// Polls `check` until it yields `Some`, failing after [`DEADLINE`]. Never a bare sleep.
pub async fn wait_until<T, F, Fut>(what: &str, check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    wait_until_within(what, DEADLINE, check).await
}

/// Like [`wait_until`] with the caller's deadline (benchmarks wait on large syncs).
pub async fn wait_until_within<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return Ok(v);
        }
        if start.elapsed() > deadline {
            bail!("timed out after {deadline:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The files under `dir` holding `text`, as written or folded to lower case (as the search
/// index stores it), except `frames.bin` (the harness's own capture of the wire). A file that
/// vanishes while the scan runs (RocksDB and tantivy delete obsolete files as they go) holds
/// nothing.
pub fn files_holding(dir: &Path, text: &str) -> Result<Vec<std::path::PathBuf>> {
    let needles = [text.to_owned(), text.to_lowercase()];
    let mut found = Vec::new();
    let mut files = vec![dir.to_path_buf()];
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p)?.filter_map(|e| e.ok().map(|e| e.path())));
        } else if p.file_name().is_some_and(|n| n != "frames.bin")
            && let Ok(bytes) = std::fs::read(&p)
            && needles
                .iter()
                .any(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes()))
        {
            found.push(p);
        }
    }
    Ok(found)
}
