//! The real `sicc` binary as a process: crash safety under `kill -9`, the CLI's contract
//! (exit codes, errors naming fields and lines), export/import round trips, graceful stop.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SICC: &str = env!("CARGO_BIN_EXE_sicc");
const DEADLINE: Duration = Duration::from_secs(30);

fn sicc(dir: &Path, args: &[&str]) -> Output {
    Command::new(SICC)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("SICC_API")
        .output()
        .expect("run sicc")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn init(dir: &Path) {
    let out = sicc(
        dir,
        &[
            "init",
            "--name",
            "test node",
            "--country",
            "LV",
            "--api-listen",
            "127.0.0.1:0",
            "--p2p-listen",
            "/ip4/127.0.0.1/tcp/0",
        ],
    );
    assert!(out.status.success(), "init failed: {}", stderr(&out));
}

/// Polls `check` until it returns `Some` or the deadline passes.
fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The local credential of each daemon started here, by API URL: the tests act as its CLI
/// (an admin), as `sicc` on the node's machine does.
static CREDENTIALS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// An HTTP client authenticated for the daemon whose API `url` belongs to (none if unknown).
fn client_for(url: &str) -> reqwest::Client {
    let token = CREDENTIALS
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|(base, _)| url.starts_with(base.as_str()))
        .map(|(_, t)| t.clone());
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(t) = token {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {t}").parse().unwrap(),
        );
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// A `sicc run` process.
struct Daemon {
    child: Child,
    url: String,
    dir: PathBuf,
}

impl Daemon {
    fn start(dir: &Path) -> Daemon {
        Daemon::start_with_env(dir, &[])
    }

    fn start_with_env(dir: &Path, env: &[(&str, &str)]) -> Daemon {
        let api_file = dir.join("api");
        // A node killed with SIGKILL leaves its api file behind; wait for the new one.
        let _ = std::fs::remove_file(&api_file);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("daemon.log"))
            .expect("log file");
        let child = Command::new(SICC)
            .arg("--data-dir")
            .arg(dir)
            .arg("run")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn sicc run");
        let url = wait_for("the api file", || {
            std::fs::read_to_string(&api_file)
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        });
        // Written before the api file.
        let token = std::fs::read_to_string(dir.join("cli.token")).expect("the local credential");
        CREDENTIALS
            .lock()
            .unwrap()
            .push((url.clone(), token.trim().to_owned()));
        Daemon {
            child,
            url,
            dir: dir.to_owned(),
        }
    }

    fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(sent.success());
        wait_for("the daemon to exit", || {
            self.child.try_wait().ok().flatten()
        })
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn initiative(id: &str, n: u64) -> Value {
    json!({
        "id": id, "kind": "initiative", "access_level": "consortium",
        "title": {"lv": format!("Aprūpe mājās {n}"), "en": format!("Home care {n}")}, "original_lang": "lv",
        "status": "active", "countries": ["LV"], "nuts": ["LV005"], "esf_objectives": ["ESO4.11"],
        "summary": {"en": format!("Write number {n}")}
    })
}

/// Acknowledged writes survive `kill -9`: writers hammer the API from several tasks, the daemon
/// is killed at a random moment, restarted, and every write it acknowledged must be there with
/// at least the acknowledged revision. Cycles: `SICC_CRASH_CYCLES` (default 8; the README's
/// figure comes from 1,000 cycles run by hand).
#[test]
fn acknowledged_writes_survive_kill_9() {
    let cycles: u64 = std::env::var("SICC_CRASH_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(8);
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let acked: Arc<Mutex<Vec<(String, u64, u64)>>> = Arc::default();
    let mut seed: u64 = 0x5eed_1234;
    let mut total_lost = 0usize;
    for cycle in 0..cycles {
        let daemon = Daemon::start(dir.path());
        // What the previous crash interrupted must be here (all cycles are checked at the end).
        let previous: Vec<_> = acked
            .lock()
            .unwrap()
            .iter()
            .filter(|(id, _, _)| cycle > 0 && id.starts_with(&format!("c{}-", cycle - 1)))
            .cloned()
            .collect();
        let lost = runtime.block_on(verify(&daemon.url, &previous));
        total_lost += lost.len();
        assert!(
            lost.is_empty(),
            "cycle {cycle}: lost acknowledged writes {lost:?}"
        );

        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = Duration::from_millis(100 + seed % 400);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (url, acked, stop) = (daemon.url.clone(), acked.clone(), stop.clone());
                runtime.spawn(async move {
                    let http = client_for(&url);
                    let mut n = 0u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        // Every third write replaces an earlier record of this writer: revisions grow.
                        let id = if n % 3 == 2 {
                            format!("c{cycle}-w{w}-{}", n - 2)
                        } else {
                            format!("c{cycle}-w{w}-{n}")
                        };
                        let resp = http
                            .put(format!("{url}/api/v1/records/{id}"))
                            .json(&initiative(&id, n))
                            .send()
                            .await;
                        match resp {
                            Ok(r) if r.status().is_success() => {
                                let body: Value = r.json().await.unwrap_or_default();
                                let revision = body["revision"].as_u64().unwrap_or(0);
                                acked.lock().unwrap().push((id, revision, n));
                            }
                            _ => break,
                        }
                        n += 1;
                    }
                })
            })
            .collect();
        std::thread::sleep(kill_after);
        daemon.kill9();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for w in writers {
            let _ = runtime.block_on(w);
        }
    }
    let daemon = Daemon::start(dir.path());
    let acked = acked.lock().unwrap().clone();
    let lost = runtime.block_on(verify(&daemon.url, &acked));
    total_lost += lost.len();
    eprintln!(
        "kill -9 cycles: {cycles}, acknowledged writes: {}, lost: {total_lost}",
        acked.len()
    );
    assert!(
        acked.len() as u64 > cycles,
        "the writers made too few writes to prove anything"
    );
    assert!(
        lost.is_empty(),
        "lost acknowledged writes after the last restart: {lost:?}"
    );
    let _ = daemon.terminate();
}

/// Returns the acknowledged writes that are missing or older than acknowledged.
async fn verify(url: &str, acked: &[(String, u64, u64)]) -> Vec<String> {
    let http = client_for(url);
    let mut lost = Vec::new();
    for (id, revision, _) in acked {
        let r = http
            .get(format!("{url}/api/v1/records/{id}"))
            .send()
            .await
            .expect("daemon answers");
        if !r.status().is_success() {
            lost.push(format!("{id}: HTTP {}", r.status()));
            continue;
        }
        let body: Value = r.json().await.expect("json");
        let stored = body["revision"].as_u64().unwrap_or(0);
        if stored < *revision {
            lost.push(format!("{id}: revision {stored} < acknowledged {revision}"));
        }
    }
    lost
}

#[test]
fn the_cli_names_the_field_of_an_invalid_record_and_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let _daemon = Daemon::start(dir.path());
    let mut bad = initiative("bad-1", 1);
    bad["esf_objectives"] = json!(["ESO4.99"]);
    let file = dir.path().join("bad.json");
    std::fs::write(&file, bad.to_string()).unwrap();
    let out = sicc(dir.path(), &["records", "put", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("esf_objectives[0]"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("ESO4.99"), "{}", stderr(&out));

    let out = sicc(dir.path(), &["records", "get", "bad-1"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "nothing was stored: {}",
        stderr(&out)
    );

    std::fs::write(&file, initiative("good-1", 1).to_string()).unwrap();
    let out = sicc(dir.path(), &["records", "put", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sicc(dir.path(), &["--json", "records", "get", "good-1"]);
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["title"]["lv"], "Aprūpe mājās 1");
    assert_eq!(got["revision"], 1);
}

#[test]
fn a_bad_csv_row_is_reported_by_line_and_field_and_the_rest_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let _daemon = Daemon::start(dir.path());
    let csv = "kind,id,original_lang,name.lv,name.en,country,org_type,ecosystem_roles\n\
               organisation,org-a,lv,Fonds A,Fund A,LV,foundation,funder\n\
               organisation,org-b,lv,Biedrība B,Association B,LV,not_a_type,promoter\n\
               organisation,org-c,lv,\"Biedrība \"\"C\"\"\",Association C,LV,ngo_association,promoter; funder\n";
    let file = dir.path().join("orgs.csv");
    std::fs::write(&file, csv).unwrap();
    let out = sicc(dir.path(), &["records", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("line 3") && err.contains("org_type") && err.contains("not_a_type"),
        "{err}"
    );
    let out = sicc(
        dir.path(),
        &["--json", "records", "list", "--kind", "organisation"],
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["org-a", "org-c"]);
    let out = sicc(
        dir.path(),
        &[
            "--json",
            "records",
            "list",
            "--where",
            "ecosystem_roles=funder",
        ],
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

fn sample_file(dir: &Path) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let mut all = String::new();
    for f in ["es", "fr", "se", "lv", "cross"] {
        all.push_str(&std::fs::read_to_string(sample.join(format!("{f}.ndjson"))).unwrap());
    }
    let path = dir.join("sample.ndjson");
    std::fs::write(&path, all).unwrap();
    path
}

/// The sample data imports with zero errors; JSON and CSV exports re-import into fresh nodes as
/// exactly the same records (ids, revisions, timestamps and every field).
#[test]
fn export_then_import_round_trips_every_record_exactly() {
    let work = tempfile::tempdir().unwrap();
    let source = work.path().join("source");
    init(&source);
    let _a = Daemon::start(&source);
    let sample = sample_file(work.path());
    let out = sicc(&source, &["records", "import", sample.to_str().unwrap()]);
    assert!(out.status.success(), "sample import: {}", stderr(&out));
    assert!(stderr(&out).contains("0 rejected"), "{}", stderr(&out));

    let export = |dir: &Path, format: &str, file: &Path| {
        let out = sicc(
            dir,
            &[
                "records",
                "export",
                "--format",
                format,
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "export: {}", stderr(&out));
    };
    let original = work.path().join("original.json");
    export(&source, "json", &original);
    let original_records: Value =
        serde_json::from_str(&std::fs::read_to_string(&original).unwrap()).unwrap();
    assert!(original_records.as_array().unwrap().len() >= 150);

    // DCAT-AP (for an open data portal) holds exactly the public records, without local-only
    // data; with --include-consortium (a file for the partners) the consortium ones too.
    let dcat = work.path().join("catalog.jsonld");
    export(&source, "dcat", &dcat);
    let catalog: Value = serde_json::from_str(&std::fs::read_to_string(&dcat).unwrap()).unwrap();
    let count = |levels: &[&str]| {
        original_records
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                levels.contains(&r["access_level"].as_str().unwrap_or_default())
                    && r["kind"] != "person"
            })
            .count()
    };
    assert!(count(&["public"]) > 0 && count(&["consortium"]) > 0);
    assert_eq!(
        catalog["dcat:dataset"].as_array().unwrap().len(),
        count(&["public"])
    );
    let partners = work.path().join("partners.jsonld");
    let out = sicc(
        &source,
        &[
            "records",
            "export",
            "--format",
            "dcat",
            "--include-consortium",
            "-o",
            partners.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let for_partners: Value =
        serde_json::from_str(&std::fs::read_to_string(&partners).unwrap()).unwrap();
    assert_eq!(
        for_partners["dcat:dataset"].as_array().unwrap().len(),
        count(&["public", "consortium"])
    );
    let text = catalog.to_string();
    assert!(
        !text.contains("Illustrative sample item") && !text.contains("lv-person-contact"),
        "local data leaked"
    );

    for format in ["json", "csv", "ndjson"] {
        let exported = work.path().join(format!("export.{format}"));
        export(&source, format, &exported);
        let target = work.path().join(format!("target-{format}"));
        init(&target);
        let _b = Daemon::start(&target);
        let out = sicc(&target, &["records", "import", exported.to_str().unwrap()]);
        assert!(out.status.success(), "import {format}: {}", stderr(&out));
        let again = work.path().join(format!("again-{format}.json"));
        export(&target, "json", &again);
        let again_records: Value =
            serde_json::from_str(&std::fs::read_to_string(&again).unwrap()).unwrap();
        assert_eq!(
            again_records, original_records,
            "{format} round trip changed records"
        );
    }
}

#[test]
fn exit_codes_for_config_errors_and_an_unreachable_daemon() {
    let dir = tempfile::tempdir().unwrap();
    let out = sicc(dir.path(), &["records", "list"]);
    assert_eq!(out.status.code(), Some(69), "{}", stderr(&out));
    std::fs::write(
        dir.path().join("config.toml"),
        "version = 1\n[node]\nname = \"n\"\ncountry = \"LV\"\n",
    )
    .unwrap();
    let out = sicc(dir.path(), &["run"]);
    assert_eq!(out.status.code(), Some(78), "no identity: {}", stderr(&out));
    assert!(stderr(&out).contains("sicc init"), "{}", stderr(&out));
    std::fs::remove_file(dir.path().join("config.toml")).unwrap();
    init(dir.path());
    let config = dir.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("filter = \"info\"", "filtre = \"info\""),
    )
    .unwrap();
    let out = sicc(dir.path(), &["config", "check"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(stderr(&out).contains("filtre"), "{}", stderr(&out));
    let out = sicc(dir.path(), &["run"]);
    assert_eq!(
        out.status.code(),
        Some(78),
        "run refuses a bad config: {}",
        stderr(&out)
    );
    let out = sicc(dir.path(), &["init"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "init never overwrites an identity"
    );

    // Environment overrides: a bad value or an unknown variable names itself and the key.
    std::fs::write(&config, &text).unwrap();
    let with_env = |var: &str, value: &str, args: &[&str]| {
        Command::new(SICC)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env(var, value)
            .output()
            .unwrap()
    };
    for args in [&["config", "check"][..], &["run"][..]] {
        let out = with_env("SICC_API__LISTEN", "localhost-7300", args);
        assert_eq!(out.status.code(), Some(78), "{args:?}: {}", stderr(&out));
        let e = stderr(&out);
        assert!(
            e.contains("`api.listen`") && e.contains("SICC_API__LISTEN"),
            "{e}"
        );
    }
    let out = with_env("SICC_API__LISTN", "127.0.0.1:0", &["config", "check"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(stderr(&out).contains("SICC_API__LISTN"), "{}", stderr(&out));
    // A good override shows up in the effective configuration with its source.
    let out = with_env("SICC_LOG__FORMAT", "json", &["config", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        shown.contains("log.format = \"json\"    # environment variable SICC_LOG__FORMAT"),
        "{shown}"
    );
}

#[test]
fn backup_while_serving_then_restore_elsewhere_in_a_new_epoch() {
    let root = tempfile::tempdir().unwrap();
    let (dir, restored) = (root.path().join("node"), root.path().join("restored"));
    init(&dir);
    let daemon = Daemon::start(&dir);
    for n in 0..3 {
        let url = format!("{}/api/v1/records", daemon.url);
        let (code, _) = http(
            reqwest::Method::POST,
            &url,
            Some(initiative(&format!("kept-{n}"), n)),
        );
        assert_eq!(code, 201);
    }
    // Backups are named; they go under the backup root (default: DATA_DIR/backups).
    let target = dir.join("backups").join("nightly");
    let out = sicc(&dir, &["backup", "nightly"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.join("backup.json").is_file());
    // Outside the root: refused, nothing written.
    let outside = root.path().join("elsewhere");
    let out = sicc(&dir, &["backup", outside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("backup.root"), "{}", stderr(&out));
    assert!(!outside.exists());
    let out = sicc(&dir, &["backup", "../escape"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    // Refuses to overwrite.
    let again = sicc(&dir, &["backup", "nightly"]);
    assert_eq!(again.status.code(), Some(4), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("does not exist yet"),
        "{}",
        stderr(&again)
    );
    daemon.kill9();

    let out = sicc(&restored, &["restore", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sicc(&restored, &["restore", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "never restores over a node");
    assert!(
        stderr(&out).contains("already holds a node"),
        "{}",
        stderr(&out)
    );
    let daemon = Daemon::start(&restored);
    for n in 0..3 {
        let url = format!("{}/api/v1/records/kept-{n}", daemon.url);
        assert_eq!(
            http(reqwest::Method::GET, &url, None).0,
            200,
            "kept-{n} restored"
        );
    }
    let (_, status) = http(
        reqwest::Method::GET,
        &format!("{}/api/v1/status", daemon.url),
        None,
    );
    assert!(status["actor_epoch"].as_u64().unwrap() > 0, "{status}");
    let out = sicc(&restored, &["status"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("actor_epoch"));
    daemon.terminate();
}

#[test]
fn sigterm_stops_the_daemon_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let daemon = Daemon::start(dir.path());
    // A second daemon on the same data directory is refused with a clear message.
    let second = sicc(dir.path(), &["run"]);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains("in use by another process"),
        "{}",
        stderr(&second)
    );
    let api_file = daemon.dir.join("api");
    let status = daemon.terminate();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        !api_file.exists(),
        "the api file is removed on a clean stop"
    );
    let log = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap();
    let id = String::from_utf8(sicc(dir.path(), &["id"]).stdout).unwrap();
    let short = &id.trim()[id.trim().len() - 8..];
    for line in log.lines().filter(|l| l.contains("INFO")) {
        assert!(line.contains(short), "log line without the node id: {line}");
    }
}

#[test]
fn catalog_commands_create_publish_show_and_name_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let _daemon = Daemon::start(dir.path());
    let id = String::from_utf8(sicc(dir.path(), &["id"]).stdout).unwrap();
    let catalog = format!("{}/replication", id.trim());
    let file = dir.path().join("r.json");
    std::fs::write(&file, initiative("lv-shared-1", 1).to_string()).unwrap();
    assert!(
        sicc(dir.path(), &["records", "put", file.to_str().unwrap()])
            .status
            .success()
    );

    let out = sicc(
        dir.path(),
        &[
            "catalog",
            "create",
            "replication",
            "--title",
            "Practices",
            "--title-lang",
            "lv=Prakses",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let again = sicc(
        dir.path(),
        &["catalog", "create", "replication", "--title", "Practices"],
    );
    assert_eq!(again.status.code(), Some(4), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    let out = sicc(dir.path(), &["catalog", "publish", &catalog, "lv-shared-1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sicc(dir.path(), &["catalog", "list"]);
    let table = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        table.contains("owner") && table.contains("Practices"),
        "{table}"
    );
    let out = sicc(dir.path(), &["--json", "catalog", "show", &catalog]);
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["entry_ids"], json!(["lv-shared-1"]));
    assert_eq!(shown["title"]["lv"], "Prakses");

    // A missing record, an unknown catalogue, a malformed id: each named, each with its code.
    let out = sicc(dir.path(), &["catalog", "publish", &catalog, "nope"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
    let unknown = format!("{}/other", id.trim());
    let out = sicc(dir.path(), &["catalog", "show", &unknown]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = sicc(dir.path(), &["catalog", "show", "not-a-catalogue"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a catalogue id"),
        "{}",
        stderr(&out)
    );
    // Unpublished entries never come back.
    assert!(
        sicc(
            dir.path(),
            &["catalog", "unpublish", &catalog, "lv-shared-1"]
        )
        .status
        .success()
    );
    let out = sicc(dir.path(), &["catalog", "publish", &catalog, "lv-shared-1"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("never come back"), "{}", stderr(&out));
    let out = sicc(dir.path(), &["peers"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The record is searchable from the CLI, in any word form.
    let found = wait_for("the CLI search to find the record", || {
        let out = sicc(dir.path(), &["--json", "search", "aprupe", "majas"]);
        let v: Value = serde_json::from_slice(&out.stdout).ok()?;
        (v["total"].as_u64()? >= 1).then_some(v)
    });
    assert_eq!(found["hits"][0]["id"], "lv-shared-1");
    let out = sicc(dir.path(), &["search", "--where", "colour=red"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("colour"), "{}", stderr(&out));
}

/// Appends a roster member to a node's config.toml.
fn add_member(dir: &Path, name: &str, node_id: &str, addrs: &[String]) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("config.toml"))
        .unwrap();
    writeln!(
        f,
        "\n[[members]]\nname = \"{name}\"\ncountry = \"LV\"\nnode_id = \"{node_id}\"\naddrs = {addrs:?}"
    )
    .unwrap();
}

#[test]
fn a_subscriber_killed_with_sigkill_catches_up_when_restarted() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    init(a.path());
    init(b.path());
    let id = |d: &Path| {
        String::from_utf8(sicc(d, &["id"]).stdout)
            .unwrap()
            .trim()
            .to_owned()
    };
    let (a_id, b_id) = (id(a.path()), id(b.path()));
    // The owner knows the subscriber's id (its allow list) but not its address: B dials A.
    add_member(a.path(), "subscriber", &b_id, &[]);
    let _owner = Daemon::start(a.path());
    let peers: Value =
        serde_json::from_slice(&sicc(a.path(), &["--json", "peers"]).stdout).unwrap();
    let a_addrs: Vec<String> = serde_json::from_value(peers["listen"].clone()).unwrap();
    add_member(b.path(), "owner", &a_id, &a_addrs);
    let subscriber = Daemon::start(b.path());

    let catalog = format!("{a_id}/replication");
    let put_and_publish = |rid: &str| {
        let file = a.path().join(format!("{rid}.json"));
        std::fs::write(&file, initiative(rid, 1).to_string()).unwrap();
        let out = sicc(a.path(), &["records", "put", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = sicc(a.path(), &["catalog", "publish", &catalog, rid]);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let ok = |d: &Path, args: &[&str]| {
        let out = sicc(d, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    ok(
        a.path(),
        &["catalog", "create", "replication", "--title", "Replication"],
    );
    put_and_publish("lv-before");
    ok(a.path(), &["catalog", "grant", &catalog, &b_id]);
    ok(b.path(), &["catalog", "subscribe", &catalog]);
    let readable = |rid: &str| {
        let out = sicc(b.path(), &["--json", "records", "get", rid]);
        out.status.success().then(|| {
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["origin"]["node_id"], a_id.as_str());
        })
    };
    wait_for("the subscriber to read the first entry", || {
        readable("lv-before")
    });

    subscriber.kill9();
    for i in 0..20 {
        put_and_publish(&format!("lv-during-{i:02}"));
    }
    let _subscriber = Daemon::start(b.path());
    for i in 0..20 {
        wait_for("the subscriber to catch up", || {
            readable(&format!("lv-during-{i:02}"))
        });
    }
    assert!(readable("lv-before").is_some(), "kept across kill -9");
    let out = sicc(b.path(), &["--json", "peers"]);
    let peers: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(peers["peers"][0]["connected"], true, "{peers}");
}

#[test]
fn healthcheck_and_systemd_readiness() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = sicc(dir.path(), &["healthcheck"]);
    assert_eq!(out.status.code(), Some(69), "no daemon: {}", stderr(&out));

    // Started as systemd would under Type=notify: READY=1 arrives once the node is up.
    let socket_path = dir.path().join("notify.sock");
    let socket = std::os::unix::net::UnixDatagram::bind(&socket_path).unwrap();
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut child = Command::new(SICC)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("run")
        .env("NOTIFY_SOCKET", &socket_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 64];
    let n = socket.recv(&mut buf).expect("READY=1 within the deadline");
    assert_eq!(&buf[..n], b"READY=1");
    assert!(
        dir.path().join("api").exists(),
        "ready means the API answers"
    );
    let out = sicc(dir.path(), &["healthcheck"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("\"index\":true"), "{said}");
    assert!(said.contains("\"sync\":true"), "{said}");
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let n = socket.recv(&mut buf).expect("STOPPING=1");
    assert_eq!(&buf[..n], b"STOPPING=1");
    assert!(child.wait().unwrap().success());
}

/// One HTTP request from a synchronous test: (status, JSON body or null).
fn http(method: reqwest::Method, url: &str, body: Option<Value>) -> (u16, Value) {
    block_on(async {
        let mut request = client_for(url).request(method, url);
        if let Some(b) = body {
            request = request.json(&b);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let value = response.json().await.unwrap_or(Value::Null);
        (status, value)
    })
}

/// One GET from a synchronous test: the body as text.
fn http_text(url: &str) -> String {
    block_on(async {
        client_for(url)
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    })
}

/// Runs one future to its end on a runtime of its own (the tests here are synchronous).
fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The store commits a write, then the process dies before the search index or the sync engine
/// hear of it (a failpoint aborts it exactly there). At restart both catch up from the change
/// feed: the record is found by its new words, and its published entry carries the new text.
#[test]
fn a_crash_between_a_commit_and_its_indexing_and_publication_is_caught_up_at_restart() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let id = String::from_utf8(sicc(dir.path(), &["id"]).stdout).unwrap();
    let entry = |url: &str| {
        format!(
            "{url}/api/v1/catalogs/{}/shared/entries/lv-crash",
            id.trim()
        )
    };
    let daemon = Daemon::start(dir.path());
    let (status, _) = http(
        reqwest::Method::POST,
        &format!("{}/api/v1/catalogs", daemon.url),
        Some(json!({"name": "shared", "title": {"en": "Shared"}})),
    );
    assert_eq!(status, 201);
    let mut record = initiative("lv-crash", 1);
    let (status, _) = http(
        reqwest::Method::POST,
        &format!("{}/api/v1/records", daemon.url),
        Some(record.clone()),
    );
    assert_eq!(status, 201);
    let (status, body) = http(
        reqwest::Method::POST,
        &format!(
            "{}/api/v1/catalogs/{}/shared/publish",
            daemon.url,
            id.trim()
        ),
        Some(json!({"id": "lv-crash"})),
    );
    assert_eq!(status, 200, "{body}");
    daemon.terminate();

    let mut doomed = Daemon::start_with_env(dir.path(), &[("SICC_CRASH_AFTER_COMMIT", "lv-crash")]);
    record["summary"] = json!({"en": "zanzibarian outreach"});
    let url = format!("{}/api/v1/records/lv-crash", doomed.url);
    let crash_client = client_for(&url);
    let put = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            crash_client
                .put(url)
                .json(&record)
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    });
    let exit = wait_for("the daemon to abort after the commit", || {
        doomed.child.try_wait().ok().flatten()
    });
    assert!(!exit.success(), "the failpoint did not stop the daemon");
    assert!(
        put.join().unwrap().is_err(),
        "the write was answered, so the crash came too late"
    );
    drop(doomed);

    let daemon = Daemon::start(dir.path());
    let (_, stored) = http(
        reqwest::Method::GET,
        &format!("{}/api/v1/records/lv-crash", daemon.url),
        None,
    );
    assert_eq!(
        stored["summary"]["en"], "zanzibarian outreach",
        "the committed write is durable"
    );
    let found = wait_for("the index to catch up from the feed", || {
        let (_, result) = http(
            reqwest::Method::GET,
            &format!("{}/api/v1/search?q=zanzibarian", daemon.url),
            None,
        );
        (result["total"] == 1).then_some(result)
    });
    assert_eq!(found["hits"][0]["id"], "lv-crash");
    wait_for("the publication to catch up from the feed", || {
        let (_, shared) = http(reqwest::Method::GET, &entry(&daemon.url), None);
        (shared["document"]["summary"]["en"] == "zanzibarian outreach").then_some(())
    });
}

/// A partner's shared record that does not validate here (a code this node's list lacks, as
/// from a partner running a newer code list) is quarantined: listings, search and the node's
/// start go on, and reading it answers why. Written into the store as the sync engine writes
/// what partners send, then the node is started on it, twice.
#[test]
fn a_shared_record_that_does_not_validate_is_quarantined_and_the_node_still_starts() {
    use sicc_node::storage::{SharedOp, Store};
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let partner = "12D3KooWJ2mmz6bSqxy4GgikuiBMrwmEUih3S64R62c6ZqSiohsu";
    let catalog = format!("{partner}/replication");
    let mut newer = initiative("es-newer", 2);
    newer["esf_objectives"] = json!(["ESO9.99"]);
    newer["summary"] = json!({"en": "zanzibarian newer code list"});
    let mut good = initiative("es-good", 1);
    good["summary"] = json!({"en": "zanzibarian valid entry"});
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (store, writer) = Store::open(&dir.path().join("db")).unwrap();
        let op = |doc: &str, record: &Value| SharedOp::Materialised {
            catalog: catalog.clone(),
            doc: doc.into(),
            origin: partner.into(),
            record: Some(record.clone()),
        };
        store
            .write_shared(vec![op("es-good", &good), op("es-newer", &newer)])
            .await
            .unwrap();
        drop(store);
        writer.join();
    });

    for start in ["first", "second"] {
        let daemon = Daemon::start(dir.path());
        let (status, body) = http(
            reqwest::Method::GET,
            &format!("{}/readyz", daemon.url),
            None,
        );
        assert_eq!(status, 200, "{start} start: {body}");
        let (status, body) = http(
            reqwest::Method::GET,
            &format!("{}/api/v1/records?origin=shared", daemon.url),
            None,
        );
        assert_eq!(status, 200, "{start} start, listing: {body}");
        let ids: Vec<&str> = body["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert_eq!(ids, ["es-good"], "{start} start: {body}");
        let (status, body) = http(
            reqwest::Method::GET,
            &format!("{}/api/v1/records/es-newer", daemon.url),
            None,
        );
        assert_eq!(status, 409, "{start} start: {body}");
        assert_eq!(body["error"]["code"], "quarantined");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("esf_objectives") && message.contains(partner),
            "the answer names the field and the partner: {message}"
        );
        let (status, _) = http(
            reqwest::Method::GET,
            &format!("{}/records/es-good", daemon.url),
            None,
        );
        assert_eq!(status, 200, "{start} start: the valid entry's page");
        let page = http_text(&format!("{}/records/es-newer", daemon.url));
        assert!(
            page.contains("Quarantined") && page.contains("esf_objectives"),
            "the quarantined entry's page says so and why: {page}"
        );
        let hits = wait_for("the valid entry to be searchable", || {
            let (_, v) = http(
                reqwest::Method::GET,
                &format!("{}/api/v1/search?q=zanzibarian", daemon.url),
                None,
            );
            (v["total"] == 1).then_some(v)
        });
        assert_eq!(hits["hits"][0]["id"], "es-good", "{hits}");
        // Counted where an admin looks: the peers view and the metrics.
        let (status, peers) = http(
            reqwest::Method::GET,
            &format!("{}/api/v1/peers", daemon.url),
            None,
        );
        assert_eq!(status, 200, "{peers}");
        let held: Vec<&str> = peers["quarantined"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|q| q["id"].as_str())
            .collect();
        assert_eq!(held, ["es-newer"], "{peers}");
        let metrics = http_text(&format!("{}/metrics", daemon.url));
        assert!(
            metrics.contains("sicc_shared_quarantined_entries 1"),
            "{metrics}"
        );
        assert_eq!(daemon.terminate().code(), Some(0), "{start} start");
    }
}

/// Local-only data and the key stay with the node's user: the data directory is made private
/// at start, and a backup cannot be aimed at a directory another local account could swap
/// (the key was once copied into such an account's file on the 20th try).
#[test]
fn the_data_directory_is_private_and_a_backup_cannot_be_aimed_where_another_user_can_reach() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("node");
    init(&dir);
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700,
        "init makes it private"
    );
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The backup root is the temporary directory: the attempts below are under it, and the
    // ownership checks still refuse what another user could redirect.
    let daemon = Daemon::start_with_env(
        &dir,
        &[("SICC_BACKUP__ROOT", root.path().to_str().unwrap())],
    );
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700,
        "run makes it private again"
    );
    let backup = |path: &Path| {
        http(
            reqwest::Method::POST,
            &format!("{}/api/v1/admin/backup", daemon.url),
            Some(serde_json::json!({"path": path})),
        )
    };
    let open = root.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let (code, body) = backup(&open.join("b"));
    assert_eq!(code, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_backup_target");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("writable by other users"),
        "{body}"
    );
    assert!(!open.join("b").exists(), "nothing created there");
    let theirs = root.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    if std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).is_ok() {
        let (code, body) = backup(&theirs.join("b"));
        assert_eq!(code, 422, "{body}");
        assert!(!theirs.join("b").exists());
    }
    let (code, body) = backup(&root.path().join("mine"));
    assert_eq!(code, 200, "a private place works: {body}");
    let key = root.path().join("mine").join("identity.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(root.path().join("mine"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    assert_eq!(daemon.terminate().code(), Some(0));
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                found.push(path);
            }
        }
    }
    found
}

/// Erasures outlive backups: a backup taken before a contact person is erased is listed as
/// holding erased data, and restoring it replays the erasure (the later backup beside it
/// carries the journal) even though the backup's initiative still links the person; nothing
/// of the person is left in any file of the restored node.
#[test]
fn a_backup_taken_before_an_erasure_is_listed_as_such_and_a_restore_replays_the_erasure() {
    const CANARY: &str = "QZXJVKWBYPFMGHTDNRCL";
    let root = tempfile::tempdir().unwrap();
    let (dir, restored) = (root.path().join("node"), root.path().join("restored"));
    let backups = dir.join("backups");
    init(&dir);
    let daemon = Daemon::start(&dir);
    let records = format!("{}/api/v1/records", daemon.url);
    let person = json!({"id": "lv-contact", "kind": "person", "name": CANARY,
        "lawful_basis": "consent", "review_due": "2027-01-01"});
    assert_eq!(http(reqwest::Method::POST, &records, Some(person)).0, 201);
    let mut with_contact = initiative("lv-home-care", 1);
    with_contact["contact_person"] = json!("lv-contact");
    assert_eq!(
        http(reqwest::Method::POST, &records, Some(with_contact)).0,
        201
    );
    let before = backups.join("before");
    let out = sicc(&dir, &["backup", "before"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // The erasure: the link removed, then the person deleted.
    let (code, _) = http(
        reqwest::Method::PUT,
        &format!("{records}/lv-home-care"),
        Some(initiative("lv-home-care", 2)),
    );
    assert_eq!(code, 200);
    let (code, body) = http(
        reqwest::Method::DELETE,
        &format!("{records}/lv-contact"),
        None,
    );
    assert_eq!(code, 204, "{body}");
    let out = sicc(&dir, &["backup", "after"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = sicc(&dir, &["--json", "backups"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let since: Vec<(String, u64)> = listed["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let name = b["path"].as_str().unwrap().rsplit('/').next().unwrap();
            (name.to_owned(), b["erasures_since"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        since,
        [("before".to_string(), 1), ("after".to_string(), 0)],
        "{listed}"
    );
    let text = sicc(&dir, &["backups"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("holds erased data: 1 erasures since"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
    daemon.kill9();
    // The canary can fail: the older backup does hold the person.
    assert!(!files_holding(&before, CANARY).is_empty());

    let out = sicc(&restored, &["--json", "restore", before.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["erasures_replayed"], 1, "{report}");
    assert!(report["erasure_journals"].to_string().contains("after"));
    let held = files_holding(&restored, CANARY);
    assert!(held.is_empty(), "the erased person is still in {held:?}");

    let daemon = Daemon::start(&restored);
    let get = |id: &str| {
        http(
            reqwest::Method::GET,
            &format!("{}/api/v1/records/{id}", daemon.url),
            None,
        )
        .0
    };
    assert_eq!(get("lv-contact"), 404, "the erasure was replayed");
    assert_eq!(get("lv-home-care"), 200, "the rest of the backup is back");
    daemon.terminate();
}

/// `sicc user …` and `sicc token …` through a running daemon (the CLI's local credential is
/// its admin): a user added with the password on stdin logs in, a token reads and stops
/// working once revoked, the audit names the token, and nothing is readable without one.
#[test]
fn users_and_tokens_through_the_cli_of_a_running_node() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("node");
    init(&dir);
    let daemon = Daemon::start(&dir);
    let add = |name: &str, role: &str, password: &str| {
        use std::io::Write;
        let mut child = Command::new(SICC)
            .arg("--data-dir")
            .arg(&dir)
            .args(["user", "add", name, "--role", role])
            .env_remove("SICC_API")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = add("bea", "editor", "a long enough secret");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = add("bea", "viewer", "a long enough secret");
    assert_eq!(out.status.code(), Some(4), "exists: {}", stderr(&out));
    let out = add("cid", "editor", "short");
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("at least 10 characters"),
        "{}",
        stderr(&out)
    );
    let out = sicc(&dir, &["--json", "user", "list"]);
    let users: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(users["users"][0]["name"], "bea");
    assert_eq!(users["users"][0]["role"], "editor");

    // Without credentials: nothing.
    let records = format!("{}/api/v1/records", daemon.url);
    let anonymous = block_on(async { reqwest::get(&records).await.unwrap().status().as_u16() });
    assert_eq!(anonymous, 401);

    let out = sicc(
        &dir,
        &["token", "create", "--name", "nightly", "--role", "editor"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(token.starts_with("sicc_"), "{token}");
    let with_token = |method: reqwest::Method, url: &str, body: Option<Value>| {
        block_on(async {
            let mut r = reqwest::Client::new()
                .request(method, url)
                .bearer_auth(&token);
            if let Some(b) = body {
                r = r.json(&b);
            }
            r.send().await.unwrap().status().as_u16()
        })
    };
    assert_eq!(
        with_token(
            reqwest::Method::POST,
            &records,
            Some(initiative("by-token", 1))
        ),
        201
    );
    let (_, audit) = http(
        reqwest::Method::GET,
        &format!("{}/api/v1/audit?record=by-token", daemon.url),
        None,
    );
    assert!(
        audit.to_string().contains("token nightly (editor)"),
        "the audit names the token: {audit}"
    );
    // An editor's token may not grant or create catalogues.
    assert_eq!(
        with_token(
            reqwest::Method::POST,
            &format!("{}/api/v1/catalogs", daemon.url),
            Some(json!({"name": "c", "title": {"en": "C"}}))
        ),
        403
    );
    let out = sicc(&dir, &["token", "revoke", "nightly"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(with_token(reqwest::Method::GET, &records, None), 401);
    daemon.terminate();
}
