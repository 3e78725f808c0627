//! The real `sicc` binary as separate processes on loopback: for figures that belong to one
//! node's process (resident memory) and for the CLI's own throughput.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `sicc run` process on its own data directory.
#[derive(Debug)]
pub struct Daemon {
    pub dir: PathBuf,
    pub url: String,
    /// Authenticated as the node's CLI (its local credential of this run).
    pub http: reqwest::Client,
    binary: PathBuf,
    child: Child,
}

/// Runs `sicc --data-dir DIR ARGS...`, failing with its stderr.
pub fn sicc(binary: &Path, dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(binary)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .context("running sicc")?;
    if !out.status.success() {
        bail!(
            "sicc {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Adds a staff account to the stopped node of `dir` with `sicc user add`, the password on
/// standard input.
pub fn add_user(binary: &Path, dir: &Path, name: &str, role: &str, password: &str) -> Result<()> {
    use std::io::Write;
    let mut child = Command::new(binary)
        .arg("--data-dir")
        .arg(dir)
        .args(["user", "add", name, "--role", role])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("running sicc user add")?;
    child
        .stdin
        .take()
        .context("stdin")?
        .write_all(format!("{password}\n").as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "sicc user add {name}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Creates a node directory listening on loopback port 0 (API and libp2p); returns its id.
pub fn init(binary: &Path, dir: &Path, country: &str) -> Result<String> {
    sicc(
        binary,
        dir,
        &[
            "init",
            "--name",
            &format!("bench {country}"),
            "--country",
            country,
            "--api-listen",
            "127.0.0.1:0",
            "--p2p-listen",
            "/ip4/127.0.0.1/tcp/0",
        ],
    )?;
    Ok(sicc(binary, dir, &["id"])?.trim().to_string())
}

/// Appends a roster entry to a node's config.
pub fn add_member(dir: &Path, country: &str, node_id: &str, addrs: &[String]) -> Result<()> {
    let path = dir.join(sicc_node::config::CONFIG_FILE);
    let mut text = std::fs::read_to_string(&path)?;
    let addrs: Vec<String> = addrs.iter().map(|a| format!("{a:?}")).collect();
    text.push_str(&format!(
        "\n[[members]]\nname = \"bench {country}\"\ncountry = \"{country}\"\nnode_id = \"{node_id}\"\naddrs = [{}]\n",
        addrs.join(", ")
    ));
    std::fs::write(path, text)?;
    Ok(())
}

impl Daemon {
    /// Starts `sicc run` and waits until `/readyz` answers 200.
    pub async fn start(binary: &Path, dir: &Path) -> Result<Daemon> {
        let api_file = dir.join("api");
        let _ = std::fs::remove_file(&api_file);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("daemon.log"))?;
        let child = Command::new(binary)
            .arg("--data-dir")
            .arg(dir)
            .arg("run")
            .env("SICC_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?;
        let start = Instant::now();
        let url = loop {
            if let Ok(s) = std::fs::read_to_string(&api_file)
                && !s.trim().is_empty()
            {
                break s.trim().to_string();
            }
            if start.elapsed() > Duration::from_secs(300) {
                bail!("{} did not start", dir.display());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let daemon = Daemon {
            http: crate::admin_client(dir)?,
            dir: dir.to_owned(),
            url,
            binary: binary.to_owned(),
            child,
        };
        Ok(daemon)
    }

    /// Stops the process with SIGTERM and waits for it.
    pub fn stop(mut self) -> Result<()> {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        self.child.wait()?;
        Ok(())
    }

    /// Starts the same node again (after [`Daemon::stop`]).
    pub async fn restart(self) -> Result<Daemon> {
        let (binary, dir) = (self.binary.clone(), self.dir.clone());
        self.stop()?;
        Daemon::start(&binary, &dir).await
    }

    /// A line of `/proc/<pid>/status` in bytes (`VmRSS`, `VmHWM`).
    pub fn memory(&self, field: &str) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: u64 = status
            .lines()
            .find(|l| l.starts_with(&format!("{field}:")))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("{field} missing"))?;
        Ok(kb * 1024)
    }

    /// CPU time the process has used so far (user + system), in seconds.
    pub fn cpu_secs(&self) -> Result<f64> {
        cpu_secs(&self.child.id().to_string())
    }

    /// GET `path` as JSON.
    pub async fn get(&self, path: &str) -> Result<Value> {
        let r = self.http.get(format!("{}{path}", self.url)).send().await?;
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("GET {path}: HTTP {status}: {v}");
        }
        Ok(v)
    }

    /// GET `path` as text.
    pub async fn get_text(&self, path: &str) -> Result<String> {
        Ok(self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .await?
            .text()
            .await?)
    }

    /// POST JSON; fails unless 2xx.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value> {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await?;
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("POST {path}: HTTP {status}: {v}");
        }
        Ok(v)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sum of the samples of metric `name` whose label text contains every one of `labels`.
pub fn metric(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .filter(|l| labels.iter().all(|want| l.contains(want)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// CPU time process `pid` (or `self`) has used so far (user + system), in seconds:
/// `/proc/<pid>/stat` fields 14 and 15, in clock ticks of 1/100 s (`CLK_TCK` on Linux).
pub fn cpu_secs(pid: &str) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) may hold spaces: count from the closing parenthesis.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("stat format")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64> {
        Ok(fields
            .get(i)
            .context("stat field missing")?
            .parse::<u64>()? as f64)
    };
    // `after` starts at field 3, so fields 14 and 15 are at 11 and 12.
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}
