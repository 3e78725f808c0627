//! A federation of real `sicc run` processes, each in its own Linux network namespace with its
//! own address, joined by a bridge in the root namespace (iproute2 only: `ip netns`, veth,
//! bridge). Nodes reach each other over the bridge only, so cutting a node's bridge veth is a
//! real network partition. Each namespace also has a point-to-point management link to the
//! root namespace, on which the harness reaches the node's API even while it is cut off.
//!
//! Needs root (CAP_NET_ADMIN). Names carry a per-run prefix so parallel runs never collide, and
//! [`NetnsFederation::down`] (also run on drop) removes every process, namespace and link it
//! made; [`leftovers`] checks that.

use crate::wait_until;
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// One node of the federation.
#[derive(Debug)]
pub struct NetnsNode {
    pub country: String,
    pub namespace: String,
    /// Its address on the bridge (the federation's network).
    pub ip: String,
    /// Its address on the management link (the API, as the harness sees it).
    pub mgmt_ip: String,
    pub node_id: String,
    pub api: String,
    pub data_dir: PathBuf,
    /// The host side of its veth pair (down = the node is cut off).
    host_link: String,
    /// The host side of its management link.
    mgmt_link: String,
    /// Extra environment for its `sicc run` (e.g. libfaketime for clock skew).
    pub env: Vec<(String, String)>,
    /// Authenticated as the node's CLI with the local credential of its current run.
    pub http: reqwest::Client,
    process: Option<Child>,
}

/// Four (or any number of) nodes in namespaces.
#[derive(Debug)]
pub struct NetnsFederation {
    pub nodes: Vec<NetnsNode>,
    pub prefix: String,
    /// The root namespace's address on the bridge: where a harness-run peer (an attacker, a
    /// rogue member) listens so the nodes can reach it.
    pub bridge_ip: String,
    bridge: String,
    /// Loop-mounted filesystems under node data dirs ([`NetnsFederation::small_disk`]).
    mounts: Vec<PathBuf>,
    binary: PathBuf,
    /// Directed links cut by blackhole routes.
    cuts: std::collections::BTreeSet<(usize, usize)>,
    torn_down: bool,
    _work: tempfile::TempDir,
}

/// Runs a command, failing with its stderr.
fn run(args: &[&str]) -> Result<String> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .with_context(|| format!("running {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "{} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether this process may create namespaces (root, with `ip` installed).
pub fn available() -> bool {
    Command::new("ip")
        .args(["netns", "list"])
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The `sicc` binary next to the running test or tool (`target/<profile>/sicc`), or `SICC_BIN`.
pub fn sicc_binary() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("SICC_BIN") {
        return Ok(p.into());
    }
    let exe = std::env::current_exe()?;
    for dir in exe.ancestors().skip(1).take(2) {
        let candidate = dir.join("sicc");
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "no sicc binary near {}: build it (cargo build -p sicc-node) or set SICC_BIN",
        exe.display()
    )
}

/// Namespaces, links and loop devices whose names start with `prefix` (empty when all is
/// clean).
pub fn leftovers(prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(loops) = run(&["losetup", "-a"]) {
        found.extend(
            loops
                .lines()
                .filter(|l| l.contains(&format!("/{prefix}-disk")))
                .map(|l| format!("loop device {l}")),
        );
    }
    if let Ok(ns) = run(&["ip", "netns", "list"]) {
        found.extend(
            ns.lines()
                .filter_map(|l| l.split_whitespace().next())
                .filter(|n| n.starts_with(prefix))
                .map(|n| format!("namespace {n}")),
        );
    }
    if let Ok(links) = run(&["ip", "-o", "link", "show"]) {
        found.extend(
            links
                .lines()
                .filter_map(|l| l.split(':').nth(1))
                .map(|n| n.trim().split('@').next().unwrap_or_default().to_string())
                .filter(|n| n.starts_with(prefix))
                .map(|n| format!("link {n}")),
        );
    }
    found
}

impl NetnsFederation {
    /// Creates the namespaces and the bridge, initialises one node per country with the whole
    /// roster, starts every `sicc run` and waits until each API answers.
    pub async fn up(countries: &[&str]) -> Result<NetnsFederation> {
        NetnsFederation::up_with_members(countries, &[]).await
    }

    /// Like [`NetnsFederation::up`], with extra members in every roster: node ids the harness
    /// runs itself, reachable at `/ip4/<bridge_ip>/tcp/<7400 + k>` for the k-th of them.
    pub async fn up_with_members(
        countries: &[&str],
        extra_members: &[String],
    ) -> Result<NetnsFederation> {
        if !available() {
            bail!("network namespaces need root and iproute2 (`ip netns`)");
        }
        let binary = sicc_binary()?;
        let pid = std::process::id();
        // Short: interface names are limited to 15 bytes.
        let prefix = format!("sn{}", pid % 100_000);
        let a = 100 + (pid / 250) % 50;
        let subnet = format!("10.{a}.{}", pid % 250);
        let mgmt_subnet = format!("10.{}.{}", a + 100, pid % 250);
        let work = tempfile::tempdir()?;
        let bridge = format!("{prefix}br");
        let mut fed = NetnsFederation {
            nodes: Vec::new(),
            prefix: prefix.clone(),
            bridge_ip: format!("{subnet}.254"),
            bridge: bridge.clone(),
            mounts: Vec::new(),
            binary: binary.clone(),
            cuts: Default::default(),
            torn_down: false,
            _work: work,
        };
        // From here on, a failure still tears down what was made (Drop).
        run(&["ip", "link", "add", &bridge, "type", "bridge"])?;
        run(&[
            "ip",
            "addr",
            "add",
            &format!("{subnet}.254/24"),
            "dev",
            &bridge,
        ])?;
        run(&["ip", "link", "set", &bridge, "up"])?;
        for (i, country) in countries.iter().enumerate() {
            let namespace = format!("{prefix}-{}", country.to_lowercase());
            let (host, inner) = (format!("{prefix}h{i}"), format!("{prefix}n{i}"));
            let ip = format!("{subnet}.{}", i + 1);
            let (mgmt_host, mgmt_inner) = (format!("{prefix}m{i}"), format!("{prefix}k{i}"));
            let (mgmt_root_ip, mgmt_ip) = (
                format!("{mgmt_subnet}.{}", 4 * i + 1),
                format!("{mgmt_subnet}.{}", 4 * i + 2),
            );
            run(&["ip", "netns", "add", &namespace])?;
            run(&[
                "ip", "link", "add", &host, "type", "veth", "peer", "name", &inner,
            ])?;
            run(&["ip", "link", "set", &inner, "netns", &namespace])?;
            run(&["ip", "link", "set", &host, "master", &bridge])?;
            run(&["ip", "link", "set", &host, "up"])?;
            let ns = |args: &[&str]| {
                let mut full = vec!["ip", "netns", "exec", &namespace];
                full.extend_from_slice(args);
                run(&full)
            };
            ns(&["ip", "addr", "add", &format!("{ip}/24"), "dev", &inner])?;
            ns(&["ip", "link", "set", &inner, "up"])?;
            ns(&["ip", "link", "set", "lo", "up"])?;
            run(&[
                "ip",
                "link",
                "add",
                &mgmt_host,
                "type",
                "veth",
                "peer",
                "name",
                &mgmt_inner,
            ])?;
            run(&["ip", "link", "set", &mgmt_inner, "netns", &namespace])?;
            run(&[
                "ip",
                "addr",
                "add",
                &format!("{mgmt_root_ip}/30"),
                "dev",
                &mgmt_host,
            ])?;
            run(&["ip", "link", "set", &mgmt_host, "up"])?;
            ns(&[
                "ip",
                "addr",
                "add",
                &format!("{mgmt_ip}/30"),
                "dev",
                &mgmt_inner,
            ])?;
            ns(&["ip", "link", "set", &mgmt_inner, "up"])?;
            let data_dir = fed._work.path().join(country.to_lowercase());
            let out = Command::new(&binary)
                .arg("--data-dir")
                .arg(&data_dir)
                .args(["init", "--name", &format!("SICC {country} (netns)")])
                .args(["--country", country])
                // Every address of the namespace: the management link included.
                .args(["--api-listen", "0.0.0.0:7300"])
                .args(["--p2p-listen", &format!("/ip4/{ip}/tcp/7301")])
                .args(["--p2p-listen", &format!("/ip4/{ip}/udp/7301/quic-v1")])
                .output()?;
            if !out.status.success() {
                bail!("sicc init: {}", String::from_utf8_lossy(&out.stderr));
            }
            let node_id = run(&[
                binary.to_str().context("binary path")?,
                "--data-dir",
                data_dir.to_str().context("data dir")?,
                "id",
            ])?
            .trim()
            .to_string();
            fed.nodes.push(NetnsNode {
                country: country.to_string(),
                namespace,
                ip: ip.clone(),
                node_id,
                api: format!("http://{mgmt_ip}:7300"),
                mgmt_ip,
                data_dir,
                host_link: host,
                mgmt_link: mgmt_host,
                env: Vec::new(),
                http: reqwest::Client::new(),
                process: None,
            });
        }
        // Every node gets the whole roster (its own entry is skipped), TCP and QUIC addresses.
        let mut roster: String = fed
            .nodes
            .iter()
            .map(|n| {
                format!(
                    "\n[[members]]\nname = \"SICC {c}\"\ncountry = \"{c}\"\nnode_id = \"{id}\"\naddrs = [\"/ip4/{ip}/tcp/7301\", \"/ip4/{ip}/udp/7301/quic-v1\"]\n",
                    c = n.country,
                    id = n.node_id,
                    ip = n.ip
                )
            })
            .collect();
        for (k, id) in extra_members.iter().enumerate() {
            roster.push_str(&format!(
                "\n[[members]]\nname = \"extra {k}\"\ncountry = \"BE\"\nnode_id = \"{id}\"\naddrs = [\"/ip4/{}/tcp/{}\"]\n",
                fed.bridge_ip,
                7400 + k
            ));
        }
        for n in &fed.nodes {
            let config = n.data_dir.join(sicc_node::config::CONFIG_FILE);
            let mut text = std::fs::read_to_string(&config)?;
            // The API listens on the management link, which only this host reaches; a node
            // listening beyond loopback needs an account and states a TLS proxy in front.
            text = text
                .replace("anti_entropy_secs = 30", "anti_entropy_secs = 5")
                .replace("redial_max_secs = 60", "redial_max_secs = 4")
                .replace("behind_tls_proxy = false", "behind_tls_proxy = true");
            // Backups go beside the data directories (a restore replaces the directory).
            text.push_str(&format!(
                "\n[backup]\nroot = {:?}\n",
                n.data_dir
                    .parent()
                    .context("data dir parent")?
                    .display()
                    .to_string()
            ));
            text.push_str(&roster);
            std::fs::write(&config, text)?;
            // The harness itself uses the node's local credential; this account only has to exist.
            let password = format!("harness-{}", std::process::id());
            crate::process::add_user(&fed.binary, &n.data_dir, "harness", "admin", &password)?;
        }
        for i in 0..fed.nodes.len() {
            fed.start(i).await?;
        }
        Ok(fed)
    }

    /// Starts (again) node `i`'s `sicc run` inside its namespace and waits for its API.
    pub async fn start(&mut self, i: usize) -> Result<()> {
        let n = &mut self.nodes[i];
        if n.process.is_some() {
            bail!("node {i} runs already");
        }
        let _ = std::fs::remove_file(n.data_dir.join("api"));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(n.data_dir.join("daemon.log"))?;
        let child = Command::new("ip")
            .args(["netns", "exec", &n.namespace])
            .arg(&self.binary)
            .arg("--data-dir")
            .arg(&n.data_dir)
            .arg("run")
            .envs(n.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?;
        n.process = Some(child);
        let api = n.api.clone();
        let http = reqwest::Client::new();
        wait_until(&format!("{}'s API", n.country), || async {
            let r = http.get(format!("{api}/readyz")).send().await.ok()?;
            r.status().is_success().then_some(())
        })
        .await?;
        n.http = crate::admin_client(&n.data_dir)?;
        Ok(())
    }

    /// Stops node `i` with SIGKILL (`ip netns exec` execs, so the child is `sicc` itself).
    pub fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops node `i` with SIGTERM (after SIGCONT, in case it is paused) and waits for it;
    /// SIGKILL if it has not stopped within 15 s.
    pub fn terminate(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].process.take() {
            for signal in ["-CONT", "-TERM"] {
                let _ = Command::new("kill")
                    .args([signal, &child.id().to_string()])
                    .status();
            }
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Cuts node `i` off the bridge (both directions), or puts it back.
    pub fn set_connected(&self, i: usize, connected: bool) -> Result<()> {
        let state = if connected { "up" } else { "down" };
        run(&["ip", "link", "set", &self.nodes[i].host_link, state]).map(drop)
    }

    /// Drops every packet node `from` sends to node `to` (a blackhole route in `from`'s
    /// namespace): one direction of a link. `heal_links` removes every such cut.
    pub fn cut(&mut self, from: usize, to: usize) -> Result<()> {
        if self.cuts.insert((from, to)) {
            self.blackhole("add", from, to)?;
        }
        Ok(())
    }

    /// Adds or deletes (`verb`) the route in `from`'s namespace that drops packets to `to`.
    fn blackhole(&self, verb: &str, from: usize, to: usize) -> Result<()> {
        let dst = format!("{}/32", self.nodes[to].ip);
        let ns = &self.nodes[from].namespace;
        run(&[
            "ip",
            "netns",
            "exec",
            ns,
            "ip",
            "route",
            verb,
            "blackhole",
            &dst,
        ])
        .map(drop)
    }

    /// Cuts both directions between every node of `a` and every node of `b`.
    pub fn partition(&mut self, a: &[usize], b: &[usize]) -> Result<()> {
        for &x in a {
            for &y in b {
                self.cut(x, y)?;
                self.cut(y, x)?;
            }
        }
        Ok(())
    }

    /// Removes every cut made by [`NetnsFederation::cut`].
    pub fn heal_links(&mut self) -> Result<()> {
        for (from, to) in std::mem::take(&mut self.cuts) {
            self.blackhole("del", from, to)?;
        }
        Ok(())
    }

    /// Whether node `i`'s process runs (it may be paused).
    pub fn is_running(&self, i: usize) -> bool {
        self.nodes[i].process.is_some()
    }

    /// Sends a signal (`STOP`, `CONT`, ...) to node `i`'s process.
    pub fn signal(&self, i: usize, signal: &str) -> Result<()> {
        if let Some(child) = &self.nodes[i].process {
            run(&["kill", &format!("-{signal}"), &child.id().to_string()])?;
        }
        Ok(())
    }

    /// GET `path` on node `i`'s API.
    pub async fn get(&self, i: usize, path: &str) -> Result<(u16, Value)> {
        let r = self.nodes[i]
            .http
            .get(format!("{}{path}", self.nodes[i].api))
            .send()
            .await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    /// POST JSON `body` to `path` on node `i`'s API; fails unless 2xx.
    pub async fn post(&self, i: usize, path: &str, body: &Value) -> Result<Value> {
        let r = self.nodes[i]
            .http
            .post(format!("{}{path}", self.nodes[i].api))
            .json(body)
            .send()
            .await?;
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!(
                "POST {path} on {}: HTTP {status}: {v}",
                self.nodes[i].country
            );
        }
        Ok(v)
    }

    /// Kills every process and removes every namespace and link this federation made.
    pub fn down(&mut self) -> Result<()> {
        if self.torn_down {
            return Ok(());
        }
        self.torn_down = true;
        for i in 0..self.nodes.len() {
            self.terminate(i);
        }
        // `SICC_KEEP_LOGS=DIR`: each node's log is kept there (`<prefix>-<time>-<country>.log`),
        // to read a run's sessions after it (with `SICC_LOG=info,sicc_node::sync=debug`, say).
        if let Some(dir) = std::env::var_os("SICC_KEEP_LOGS") {
            let dir = PathBuf::from(dir);
            let _ = std::fs::create_dir_all(&dir);
            let at = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            for n in &self.nodes {
                let to = dir.join(format!("{}-{at}-{}.log", self.prefix, n.country));
                if let Err(e) = std::fs::copy(n.data_dir.join("daemon.log"), &to) {
                    eprintln!("netns federation: keeping {}: {e}", to.display());
                }
            }
        }
        let had_mounts = !self.mounts.is_empty();
        for dir in std::mem::take(&mut self.mounts) {
            if run(&["umount", &dir.display().to_string()]).is_err() {
                let _ = run(&["umount", "-l", &dir.display().to_string()]);
            }
        }
        // The kernel frees a loop device some time after its filesystem is unmounted: detach
        // ours explicitly, and give it a few seconds.
        for _ in 0..50 {
            if !had_mounts {
                break;
            }
            let loops: Vec<String> = run(&["losetup", "-a"])
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains(&format!("/{}-disk", self.prefix)))
                .filter_map(|l| l.split(':').next().map(str::to_owned))
                .collect();
            if loops.is_empty() {
                break;
            }
            for device in loops {
                let _ = run(&["losetup", "-d", &device]);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        for n in &self.nodes {
            // Deleting the namespace deletes its veth end, and with it the host end.
            let _ = run(&["ip", "netns", "del", &n.namespace]);
            let _ = run(&["ip", "link", "del", &n.host_link]);
            let _ = run(&["ip", "link", "del", &n.mgmt_link]);
        }
        let _ = run(&["ip", "link", "del", &self.bridge]);
        let left = leftovers(&self.prefix);
        if !left.is_empty() {
            bail!("teardown left {}", left.join(", "));
        }
        Ok(())
    }

    /// Moves node `i`'s data onto a filesystem of its own of `bytes` (ext4 in an image file on
    /// a loop device, no reserved blocks), so that [`NetnsFederation::fill_disk`] can fill it.
    /// The node is stopped (SIGTERM) and restarted on the same path.
    pub async fn small_disk(&mut self, i: usize, bytes: u64) -> Result<()> {
        self.terminate(i);
        let dir = self.nodes[i].data_dir.clone();
        let image = self
            ._work
            .path()
            .join(format!("{}-disk{i}.img", self.prefix));
        std::fs::File::create(&image)?.set_len(bytes)?;
        run(&["mkfs.ext4", "-q", "-m", "0", &image.display().to_string()])?;
        let moved = dir.with_extension("before-small-disk");
        std::fs::rename(&dir, &moved)?;
        std::fs::create_dir(&dir)?;
        run(&[
            "mount",
            "-o",
            "loop",
            &image.display().to_string(),
            &dir.display().to_string(),
        ])?;
        self.mounts.push(dir.clone());
        run(&[
            "cp",
            "-a",
            &format!("{}/.", moved.display()),
            &dir.display().to_string(),
        ])?;
        std::fs::remove_dir_all(&moved)?;
        self.start(i).await
    }

    /// Fills node `i`'s filesystem (see [`NetnsFederation::small_disk`]) with a filler file
    /// until the device reports no space; returns the bytes written.
    pub fn fill_disk(&self, i: usize) -> Result<u64> {
        use std::io::Write;
        let path = self.nodes[i].data_dir.join("filler");
        let mut file = std::fs::File::create(&path)?;
        let block = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => return Err(e.into()),
            }
        }
        // Whatever fits in the last partial block too.
        let small = [0u8; 512];
        while file.write(&small).is_ok_and(|n| n > 0) {
            written += small.len() as u64;
        }
        let _ = file.sync_all();
        Ok(written)
    }

    /// Removes the filler of [`NetnsFederation::fill_disk`].
    pub fn free_disk(&self, i: usize) -> Result<()> {
        std::fs::remove_file(self.nodes[i].data_dir.join("filler"))?;
        Ok(())
    }

    /// Replaces node `i`'s data with a backup taken by `sicc backup` (or the admin API): the
    /// node is killed (`kill -9`), its data directory set aside as `<dir>.lost`, the backup
    /// restored with `sicc restore`, and the node started again.
    pub async fn restore_from(&mut self, i: usize, backup: &Path) -> Result<()> {
        self.kill(i);
        let dir = self.nodes[i].data_dir.clone();
        std::fs::rename(&dir, dir.with_extension("lost"))?;
        run(&[
            self.binary.to_str().context("binary path")?,
            "--data-dir",
            dir.to_str().context("data dir")?,
            "restore",
            backup.to_str().context("backup path")?,
        ])?;
        self.start(i).await
    }

    /// Node `i`'s process id while it runs (`ip netns exec` execs `sicc run` in place).
    pub fn pid(&self, i: usize) -> Option<u32> {
        self.nodes[i].process.as_ref().map(Child::id)
    }

    /// Where node `i` keeps its data.
    pub fn data_dir(&self, i: usize) -> &Path {
        &self.nodes[i].data_dir
    }
}

impl Drop for NetnsFederation {
    fn drop(&mut self) {
        if let Err(e) = self.down() {
            eprintln!("netns federation: {e}");
        }
    }
}
