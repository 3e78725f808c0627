//! Attacks by a local attacker: another account on the node's machine (`nobody`), and a web
//! page in a staff member's browser. One real `sicc run` on loopback, with an admin and a
//! viewer account, a record and a catalogue. The attacker reads every route without
//! credentials, changes things with a viewer's session, replays an admin's session from
//! another site and under a rebound host name, guesses a password past the throttle, reads the
//! data directory as `nobody`, and aims a backup at a directory `nobody` owns.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sicc_tests::process::{Daemon, add_user, init};
use std::path::Path;
use std::process::Command;

/// What the local attacker achieved (all zero in a good run).
#[derive(Debug, Default)]
pub struct Report {
    /// Routes (API and pages) that answered with data to a request without credentials.
    pub unauthenticated_served: usize,
    /// Changes accepted from a viewer's session (a role it does not have).
    pub role_bypassed: usize,
    /// Changes accepted from another site, with an admin's session cookie.
    pub cross_site_accepted: usize,
    /// Requests under a rebound host name answered, with an admin's session cookie.
    pub rebound_served: usize,
    /// Logins with the right password accepted after failed guesses engaged the throttle.
    pub throttle_bypassed: usize,
    /// Files of the data directory the local user `nobody` could read.
    pub files_readable_by_others: usize,
    /// Copies of the identity key `nobody` could read after backups aimed at its directory.
    pub key_copies_for_others: usize,
    /// Routes tried, requests made.
    pub routes: usize,
    pub requests: usize,
    pub problems: Vec<String>,
}

const ADMIN_PASSWORD: &str = "admin passphrase 1";
const VIEWER_PASSWORD: &str = "viewer passphrase 1";
/// The uid and gid of `nobody`.
const NOBODY: &str = "65534";

/// A client that neither follows redirects nor keeps cookies: the attacker sees every answer.
fn raw_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// An `application/x-www-form-urlencoded` body.
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Logs in through the login form; returns the session cookie (`name=value`).
async fn log_in(url: &str, name: &str, password: &str) -> Result<(u16, Option<String>)> {
    let r = raw_client()?
        .post(format!("{url}/login"))
        .header("origin", url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("name", name),
            ("password", password),
            ("next", "/"),
        ]))
        .send()
        .await?;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-sicc-") && !v.contains("=;"))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned());
    Ok((r.status().as_u16(), cookie))
}

/// Whether `nobody` can read `path` (run as `nobody` with no groups).
fn nobody_reads(path: &Path) -> bool {
    Command::new("setpriv")
        .args([
            &format!("--reuid={NOBODY}"),
            &format!("--regid={NOBODY}"),
            "--clear-groups",
            "--",
            "cat",
        ])
        .arg(path)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The routes of the OpenAPI document with `method`, their parameters filled in.
fn routes(doc: &Value, method: &str, fill: &[(&str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        if ops.get(method).is_some() {
            let mut p = path.clone();
            for (k, v) in fill {
                p = p.replace(k, v);
            }
            out.push(p);
        }
    }
    out
}

pub async fn run() -> Result<Report> {
    let mut report = Report::default();
    let binary = sicc_tests::netns::sicc_binary()?;
    // The data directory's parent is open to everyone: only the node's own modes protect it.
    let root = tempfile::tempdir()?;
    std::fs::set_permissions(
        root.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let dir = root.path().join("node");
    let node_id = init(&binary, &dir, "LV")?;
    add_user(&binary, &dir, "ana", "admin", ADMIN_PASSWORD)?;
    add_user(&binary, &dir, "vic", "viewer", VIEWER_PASSWORD)?;
    let node = Daemon::start(&binary, &dir).await?;
    let url = node.url.clone();
    let record = json!({"id": "lv-local-target", "kind": "initiative", "access_level": "consortium",
        "title": {"en": "Local target"}, "status": "active", "countries": ["LV"],
        "summary": {"en": "held by the node"}});
    node.post("/api/v1/records", &record).await?;
    node.post(
        "/api/v1/catalogs",
        &json!({"name": "local", "title": {"en": "Local"}}),
    )
    .await?;
    let http = raw_client()?;
    let doc: Value = http
        .get(format!("{url}/api/v1/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    let fill = [
        ("{id}", "lv-local-target"),
        ("{owner}", node_id.as_str()),
        ("{name}", "local"),
        ("{list}", "country"),
    ];

    // 1. Every GET route and page without credentials: nothing but a 401 or the login page.
    let mut gets = routes(&doc, "get", &fill);
    gets.retain(|p| p != "/healthz" && p != "/readyz" && p != "/api/v1/openapi.json");
    gets.extend(
        [
            "/",
            "/records/lv-local-target",
            "/catalogs",
            "/peers",
            "/new",
            "/account",
        ]
        .map(String::from),
    );
    for path in &gets {
        report.routes += 1;
        report.requests += 1;
        let r = http.get(format!("{url}{path}")).send().await?;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap_or_default();
        if status == 200 || body.contains("lv-local-target") {
            report.unauthenticated_served += 1;
            report
                .problems
                .push(format!("GET {path} without credentials: HTTP {status}"));
        }
    }

    // 2. A viewer's session changes nothing.
    let (_, viewer) = log_in(&url, "vic", VIEWER_PASSWORD).await?;
    let viewer = viewer.context("the viewer could not log in")?;
    let (_, admin) = log_in(&url, "ana", ADMIN_PASSWORD).await?;
    let admin = admin.context("the admin could not log in")?;
    let mut changes: Vec<(reqwest::Method, String)> = Vec::new();
    for method in ["post", "put", "patch", "delete"] {
        for path in routes(&doc, method, &fill) {
            changes.push((method.to_uppercase().parse()?, path.replace("{name}", "x")));
        }
    }
    let body = serde_json::to_vec(&record)?;
    for (method, path) in &changes {
        report.routes += 1;
        report.requests += 1;
        let r = http
            .request(method.clone(), format!("{url}{path}"))
            .header("cookie", &viewer)
            .header("origin", &url)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
        if r.status().is_success() {
            report.role_bypassed += 1;
            report
                .problems
                .push(format!("{method} {path} as a viewer: HTTP {}", r.status()));
        }
    }

    // 3. An admin's session, from another site and under a rebound host name.
    for (method, path) in &changes {
        for (what, headers) in [
            (
                "another site",
                vec![("origin", "https://evil.example".to_string())],
            ),
            ("Origin: null", vec![("origin", "null".to_string())]),
            (
                "a rebound host",
                vec![
                    ("host", "evil.example".to_string()),
                    ("origin", "http://evil.example".to_string()),
                ],
            ),
        ] {
            report.requests += 1;
            let mut request = http
                .request(method.clone(), format!("{url}{path}"))
                .header("cookie", &admin)
                .header("content-type", "application/json")
                .body(body.clone());
            for (k, v) in headers {
                request = request.header(k, v);
            }
            let status = request.send().await?.status();
            if status.is_success() {
                report.cross_site_accepted += 1;
                report
                    .problems
                    .push(format!("{method} {path} from {what}: HTTP {status}"));
            }
        }
    }
    for path in &gets {
        report.requests += 1;
        let r = http
            .get(format!("{url}{path}"))
            .header("cookie", &admin)
            .header("host", "evil.example")
            .send()
            .await?;
        if r.status().as_u16() != 421 {
            report.rebound_served += 1;
            report.problems.push(format!(
                "GET {path} under a rebound host: HTTP {}",
                r.status()
            ));
        }
    }

    // 4. `nobody` on the same machine: the data directory and a backup aimed at its directory.
    // The probe can see: `nobody` reads a world-readable file beside the data directory.
    let control = root.path().join("control.txt");
    std::fs::write(&control, "readable")?;
    std::fs::set_permissions(
        &control,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )?;
    if !nobody_reads(&control) {
        bail!("`setpriv` cannot read a world-readable file as nobody: the probe would see nothing");
    }
    let mut files = Vec::new();
    files_under(&dir, &mut files);
    if files.len() < 5 {
        bail!("the data directory holds only {files:?}");
    }
    for f in &files {
        if nobody_reads(f) {
            report.files_readable_by_others += 1;
            report
                .problems
                .push(format!("nobody reads {}", f.display()));
        }
    }
    let theirs = root.path().join("nobody-owns");
    std::fs::create_dir(&theirs)?;
    std::os::unix::fs::chown(&theirs, Some(65534), Some(65534))?;
    for target in [theirs.join("backup"), theirs.join("link").join("backup")] {
        let _ = std::os::unix::fs::symlink(&dir, theirs.join("link"));
        report.requests += 1;
        let _ = node
            .http
            .post(format!("{url}/api/v1/admin/backup"))
            .json(&json!({"path": target}))
            .send()
            .await?;
    }
    let mut copies = Vec::new();
    files_under(&theirs, &mut copies);
    for f in copies {
        if f.file_name().is_some_and(|n| n == "identity.key") && nobody_reads(&f) {
            report.key_copies_for_others += 1;
            report
                .problems
                .push(format!("nobody reads a key copy at {}", f.display()));
        }
    }

    // 5. Password guesses: after the throttle engages, the right password is refused too.
    for n in 0..sicc_node::accounts::MAX_FAILURES_PER_USER {
        report.requests += 1;
        let (status, _) = log_in(&url, "ana", &format!("guess {n}")).await?;
        if status != 401 {
            report
                .problems
                .push(format!("wrong password {n}: HTTP {status}"));
        }
    }
    report.requests += 1;
    let (status, cookie) = log_in(&url, "ana", ADMIN_PASSWORD).await?;
    if cookie.is_some() || status != 429 {
        report.throttle_bypassed += 1;
        report.problems.push(format!(
            "the right password after {} wrong ones: HTTP {status}",
            sicc_node::accounts::MAX_FAILURES_PER_USER
        ));
    }
    node.stop()?;
    Ok(report)
}
