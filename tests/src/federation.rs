//! A federation of whole nodes in one process, connected over real libp2p (TCP on loopback)
//! through small TCP proxies, one per direction of every pair, so that a test can cut and
//! restore the links between any two nodes (a partition in both directions) without touching
//! the nodes themselves. Nodes can be stopped and restarted on the same data directory.

use crate::{DEADLINE, wait_until};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sicc_node::config::{Config, Overrides};
use sicc_node::node::RunningNode;
use sicc_node::p2p::identity::NodeIdentity;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP proxy whose link can be cut (closing every connection and refusing new ones).
/// Its upstream is the port its node listens on, set once the node has started (nodes listen
/// on port 0, so no port is ever reserved and then lost to a race).
#[derive(Debug)]
struct Proxy {
    port: u16,
    cut: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: watch::Receiver<u16>) -> Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (cut, cut_rx) = watch::channel(false);
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = *upstream.borrow();
                if *cut_rx.borrow() || target == 0 {
                    drop(inbound);
                    continue;
                }
                let mut cut_rx = cut_rx.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", target)).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_rx.wait_for(|cut| *cut) => {}
                    }
                });
            }
        });
        Ok(Proxy { port, cut, task })
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One member of a test federation.
#[derive(Debug)]
pub struct Member {
    pub node_id: String,
    pub country: String,
    /// `None` while stopped.
    pub node: Option<RunningNode>,
    pub url: String,
    /// The running node's local credential (renewed at every start): the harness is its admin.
    pub token: String,
    dir: tempfile::TempDir,
}

impl Member {
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_owned()
    }
}

/// Nodes, their proxies and an HTTP client.
#[derive(Debug)]
pub struct Federation {
    pub members: Vec<Member>,
    proxies: BTreeMap<(usize, usize), Proxy>,
    /// Each node's libp2p port, once started; its proxies follow it.
    ports: Vec<watch::Sender<u16>>,
    http: reqwest::Client,
    /// Data directories replaced by [`Federation::move_to`], kept until the end of the test.
    retired: Vec<tempfile::TempDir>,
}

impl Federation {
    /// Starts one node per country, every node in every roster.
    pub async fn start(countries: &[&str]) -> Result<Federation> {
        Federation::start_with_members(countries, &[]).await
    }

    /// Like [`Federation::start`] with no periodic anti-entropy (once an hour): entries then
    /// travel only by live announcement and by the sessions that open on (re)connection.
    pub async fn start_live_only(countries: &[&str]) -> Result<Federation> {
        Federation::start_with(countries, &[], 3_600, true).await
    }

    /// Like [`Federation::start`] with the production defaults of the sync settings (anti-entropy
    /// every 30 s, redial from 2 s doubling up to 60 s) and no frame capture: what the
    /// benchmarks measure.
    pub async fn start_as_in_production(countries: &[&str]) -> Result<Federation> {
        Federation::start_with(countries, &[], 30, false).await
    }

    /// Like [`Federation::start`], with extra members (node ids) in every roster that no node
    /// dials: test-driven peers that dial in themselves.
    pub async fn start_with_members(countries: &[&str], extra: &[String]) -> Result<Federation> {
        Federation::start_with(countries, extra, 2, true).await
    }

    /// `test_network`: redial within 2 s and capture every frame (tests); otherwise the
    /// production defaults.
    async fn start_with(
        countries: &[&str],
        extra: &[String],
        anti_entropy_secs: u64,
        test_network: bool,
    ) -> Result<Federation> {
        // Quiet by default; `SICC_LOG=info` shows every node's sync log, each line tagged with its id.
        sicc_node::telemetry::init(Default::default(), "warn");
        let mut dirs = Vec::new();
        let mut ids = Vec::new();
        let mut ports = Vec::new();
        for _ in countries {
            let dir = tempfile::tempdir()?;
            ids.push(NodeIdentity::create(dir.path())?.node_id());
            ports.push(watch::channel(0u16).0);
            dirs.push(dir);
        }
        let mut proxies = BTreeMap::new();
        for from in 0..countries.len() {
            for (to, port) in ports.iter().enumerate() {
                if from != to {
                    proxies.insert((from, to), Proxy::start(port.subscribe()).await?);
                }
            }
        }
        let mut members = Vec::new();
        for (i, dir) in dirs.into_iter().enumerate() {
            let mut text = Config::with_p2p_listen(
                &Config::template(
                    &format!("test {}", countries[i]),
                    countries[i],
                    "127.0.0.1:0".parse()?,
                ),
                &["/ip4/127.0.0.1/tcp/0".to_owned()],
            )
            .replace(
                "anti_entropy_secs = 30",
                &format!("anti_entropy_secs = {anti_entropy_secs}"),
            );
            if test_network {
                // Links come back within 2 s of a heal, however long the partition lasted.
                text = text
                    .replace("redial_secs = 2", "redial_secs = 1")
                    .replace("redial_max_secs = 60", "redial_max_secs = 2");
                text.push_str(&format!(
                    "capture_frames = \"{}\"\n",
                    dir.path().join("frames.bin").display()
                ));
            }
            for (j, id) in ids.iter().enumerate() {
                let addrs = if i == j {
                    String::new()
                } else {
                    format!("\"/ip4/127.0.0.1/tcp/{}\"", proxies[&(i, j)].port)
                };
                text.push_str(&format!(
                    "\n[[members]]\nname = \"test {c}\"\ncountry = \"{c}\"\nnode_id = \"{id}\"\naddrs = [{addrs}]\n",
                    c = countries[j]
                ));
            }
            for id in extra {
                text.push_str(&format!(
                    "\n[[members]]\nname = \"test peer\"\ncountry = \"DE\"\nnode_id = \"{id}\"\n"
                ));
            }
            std::fs::write(dir.path().join(sicc_node::config::CONFIG_FILE), text)?;
            members.push(Member {
                node_id: ids[i].clone(),
                country: countries[i].to_owned(),
                node: None,
                url: String::new(),
                token: String::new(),
                dir,
            });
        }
        let mut fed = Federation {
            members,
            proxies,
            ports,
            http: reqwest::Client::new(),
            retired: Vec::new(),
        };
        for i in 0..countries.len() {
            fed.restart(i).await?;
        }
        Ok(fed)
    }

    /// Starts (again) a stopped node on its data directory.
    pub async fn restart(&mut self, i: usize) -> Result<()> {
        let m = &mut self.members[i];
        if m.node.is_some() {
            bail!("node {i} is running");
        }
        let config = Config::load(m.dir.path(), &Overrides::default())?;
        let node = sicc_node::node::start(config).await?;
        m.url = node.api_url();
        m.token = crate::local_credential(m.dir.path())?;
        m.node = Some(node);
        // Point the proxies at the port the node actually listens on.
        let addrs = wait_until("the node's libp2p listener", || async {
            let a = self.listen_addrs(i).await.ok()?;
            (!a.is_empty()).then_some(a)
        })
        .await?;
        let port = addrs[0]
            .rsplit('/')
            .next()
            .and_then(|p| p.parse::<u16>().ok())
            .context("listen address without a TCP port")?;
        self.ports[i].send_replace(port);
        Ok(())
    }

    /// Stops a node (its data directory stays).
    pub async fn stop(&mut self, i: usize) {
        self.ports[i].send_replace(0);
        if let Some(node) = self.members[i].node.take() {
            node.shutdown().await;
        }
    }

    /// Points the stopped node `i` at another data directory (e.g. one restored from a
    /// backup); the old one is kept until the federation is dropped.
    pub fn move_to(&mut self, i: usize, dir: tempfile::TempDir) -> Result<()> {
        if self.members[i].node.is_some() {
            bail!("node {i} is running");
        }
        let old = std::mem::replace(&mut self.members[i].dir, dir);
        self.retired.push(old);
        Ok(())
    }

    /// The base URL of node `i`'s API (for tasks that outlive a borrow of the federation).
    pub fn url(&self, i: usize) -> String {
        self.members[i].url.clone()
    }

    /// Stops every node.
    pub async fn stop_all(&mut self) {
        for i in 0..self.members.len() {
            self.stop(i).await;
        }
    }

    /// Cuts every link between a node of `a` and a node of `b`, in both directions.
    pub fn partition(&self, a: &[usize], b: &[usize]) {
        for &x in a {
            for &y in b {
                let _ = self.proxies[&(x, y)].cut.send(true);
                let _ = self.proxies[&(y, x)].cut.send(true);
            }
        }
    }

    /// Restores every link.
    pub fn heal(&self) {
        for p in self.proxies.values() {
            let _ = p.cut.send(false);
        }
    }

    /// Node `i`'s libp2p listen addresses.
    pub async fn listen_addrs(&self, i: usize) -> Result<Vec<String>> {
        let (_, v) = self.get(i, "/api/v1/peers").await?;
        Ok(v["listen"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect())
    }

    /// Changes node `i` rejected, over every reason.
    pub async fn rejected(&self, i: usize) -> Result<u64> {
        let (_, v) = self.get(i, "/api/v1/peers").await?;
        Ok(v["rejected_changes"]
            .as_object()
            .map_or(0, |m| m.values().filter_map(Value::as_u64).sum()))
    }

    /// The id of node `i`'s test catalogue.
    pub fn catalog(&self, i: usize) -> String {
        format!("{}/test", self.members[i].node_id)
    }

    /// `/api/v1/catalogs/<owner>/<name>` of node `i`'s test catalogue.
    pub fn catalog_path(&self, i: usize) -> String {
        format!("/api/v1/catalogs/{}/test", self.members[i].node_id)
    }

    async fn send(
        &self,
        i: usize,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value)> {
        let url = format!("{}{path}", self.members[i].url);
        let mut req = self
            .http
            .request(method, url)
            .bearer_auth(&self.members[i].token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await?;
        let status = r.status().as_u16();
        let text = r.text().await?;
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).context("json body")?
        };
        Ok((status, v))
    }

    /// GET on node `i`, as text (web UI pages).
    pub async fn get_text(&self, i: usize, path: &str) -> Result<(u16, String)> {
        let r = self
            .http
            .get(format!("{}{path}", self.members[i].url))
            .bearer_auth(&self.members[i].token)
            .send()
            .await?;
        Ok((r.status().as_u16(), r.text().await?))
    }

    /// GET on node `i`.
    pub async fn get(&self, i: usize, path: &str) -> Result<(u16, Value)> {
        self.send(i, reqwest::Method::GET, path, None).await
    }

    /// POST JSON on node `i`.
    pub async fn post(&self, i: usize, path: &str, body: Value) -> Result<(u16, Value)> {
        self.send(i, reqwest::Method::POST, path, Some(body)).await
    }

    /// PUT JSON on node `i`.
    pub async fn put(&self, i: usize, path: &str, body: Value) -> Result<(u16, Value)> {
        self.send(i, reqwest::Method::PUT, path, Some(body)).await
    }

    /// DELETE on node `i`.
    pub async fn delete(&self, i: usize, path: &str) -> Result<(u16, Value)> {
        self.send(i, reqwest::Method::DELETE, path, None).await
    }

    /// POST that must succeed.
    pub async fn ok(&self, i: usize, path: &str, body: Value) -> Result<Value> {
        let (status, v) = self.post(i, path, body).await?;
        if !(200..300).contains(&status) {
            bail!("POST {path} on node {i}: HTTP {status}: {v}");
        }
        Ok(v)
    }

    /// Node `owner` creates its test catalogue and grants `readers`; each reader subscribes.
    pub async fn share(&self, owner: usize, readers: &[usize]) -> Result<()> {
        self.ok(
            owner,
            "/api/v1/catalogs",
            json!({"name": "test", "title": {"en": "Test catalogue"}}),
        )
        .await?;
        for &r in readers {
            self.ok(
                owner,
                &format!("{}/grant", self.catalog_path(owner)),
                json!({"node_id": self.members[r].node_id}),
            )
            .await?;
            self.ok(
                r,
                &format!("{}/subscribe", self.catalog_path(owner)),
                json!({}),
            )
            .await?;
        }
        Ok(())
    }

    /// Creates a local record on node `i` and publishes it into node `i`'s test catalogue.
    pub async fn publish(&self, i: usize, record: Value) -> Result<()> {
        let (status, v) = self.post(i, "/api/v1/records", record.clone()).await?;
        if status != 201 {
            bail!("create on node {i}: HTTP {status}: {v}");
        }
        self.ok(
            i,
            &format!("{}/publish", self.catalog_path(i)),
            json!({"id": record["id"]}),
        )
        .await?;
        Ok(())
    }

    /// The shared record `id` as node `i` reads it (`None` if it has not got it).
    pub async fn shared(&self, i: usize, id: &str) -> Option<Value> {
        match self.get(i, &format!("/api/v1/records/{id}")).await {
            Ok((200, v)) if v.get("origin").is_some() => Some(v),
            _ => None,
        }
    }

    /// Waits until node `i` reads the shared record `id` and `check` accepts it.
    pub async fn wait_for(
        &self,
        i: usize,
        id: &str,
        check: impl Fn(&Value) -> bool,
    ) -> Result<Value> {
        wait_until(&format!("node {i} to read {id}"), || async {
            self.shared(i, id).await.filter(|v| check(v))
        })
        .await
    }

    /// How many shared records node `i` holds.
    pub async fn shared_count(&self, i: usize) -> Result<usize> {
        let mut n = 0;
        let mut cursor = String::new();
        loop {
            let (status, v) = self
                .get(
                    i,
                    &format!("/api/v1/records?origin=shared&limit=1000{cursor}"),
                )
                .await?;
            if status != 200 {
                bail!("HTTP {status}: {v}");
            }
            n += v["records"].as_array().map_or(0, Vec::len);
            match v["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => return Ok(n),
            }
        }
    }

    /// Waits until every listed node holds `n` shared records.
    pub async fn wait_counts(&self, nodes: &[usize], n: usize) -> Result<()> {
        for &i in nodes {
            wait_until(&format!("node {i} to hold {n} shared records"), || async {
                (self.shared_count(i).await.ok()? == n).then_some(())
            })
            .await?;
        }
        Ok(())
    }

    /// Waits until node `i` reports `peer` connected.
    pub async fn wait_connected(&self, i: usize, peer: usize) -> Result<()> {
        let id = self.members[peer].node_id.clone();
        wait_until(&format!("node {i} to see node {peer}"), || async {
            let (_, v) = self.get(i, "/api/v1/peers").await.ok()?;
            v["peers"]
                .as_array()?
                .iter()
                .any(|p| p["node_id"] == id.as_str() && p["connected"] == true)
                .then_some(())
        })
        .await
    }
}

/// An initiative in test form.
pub fn initiative(id: &str, country: &str, summary: &str) -> Value {
    json!({
        "id": id, "kind": "initiative", "access_level": "consortium",
        "title": {"en": format!("Initiative {id}")}, "status": "active",
        "countries": [country], "summary": {"en": summary},
    })
}

/// The deadline used by every wait.
pub const WAIT: std::time::Duration = DEADLINE;
