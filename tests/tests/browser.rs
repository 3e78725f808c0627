//! The web UI in a real browser: Debian's chromium driven through chromedriver (W3C WebDriver,
//! spoken directly over HTTP). A staff member on the Latvian node searches, filters, opens a
//! record and publishes it; the Spanish node's page then shows it, marked with its origin.
//! `deploy/install-build-deps.sh` installs chromium and chromium-driver.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sicc_tests::federation::{Federation, initiative};
use sicc_tests::wait_until;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    url: String,
    http: reqwest::Client,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver and the chromium it started share a process group: end them all.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Result<Driver> {
        for bin in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            if !std::path::Path::new(bin).exists() {
                bail!(
                    "{bin} is missing: run deploy/install-build-deps.sh (Debian packages chromium, chromium-driver)"
                );
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("/usr/bin/chromedriver")
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start chromedriver")?;
        let url = format!("http://127.0.0.1:{port}");
        // Every WebDriver command answers within this, or the test fails instead of hanging.
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        wait_until("chromedriver to answer", || async {
            http.get(format!("{url}/status")).send().await.ok()?;
            Some(())
        })
        .await?;
        let profile = tempfile::tempdir()?;
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let v: Value = http
            .post(format!("{url}/session"))
            .json(&caps)
            .send()
            .await?
            .json()
            .await?;
        let session = v["value"]["sessionId"]
            .as_str()
            .with_context(|| format!("no session: {v}"))?
            .to_owned();
        Ok(Driver {
            child,
            url,
            http,
            session,
            _profile: profile,
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value> {
        let url = format!("{}/session/{}{path}", self.url, self.session);
        let v: Value = self
            .http
            .request(method, url)
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        if v["value"]["error"].is_string() {
            bail!("webdriver {path}: {}", v["value"]);
        }
        Ok(v["value"].clone())
    }

    async fn goto(&self, url: &str) -> Result<()> {
        self.call(reqwest::Method::POST, "/url", json!({"url": url}))
            .await?;
        Ok(())
    }

    async fn find(&self, css: &str) -> Result<String> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await?;
        Ok(v[ELEMENT].as_str().context("element id")?.to_owned())
    }

    async fn click(&self, css: &str) -> Result<()> {
        let e = self.find(css).await?;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{e}/click"),
            json!({}),
        )
        .await?;
        Ok(())
    }

    async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let e = self.find(css).await?;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{e}/value"),
            json!({"text": text}),
        )
        .await?;
        Ok(())
    }

    async fn text(&self, css: &str) -> Result<String> {
        let e = self.find(css).await?;
        let v = self
            .call(
                reqwest::Method::GET,
                &format!("/element/{e}/text"),
                Value::Null,
            )
            .await;
        // GET carries no body; some drivers refuse a JSON null body, so retry without one.
        match v {
            Ok(v) => Ok(v.as_str().unwrap_or_default().to_owned()),
            Err(_) => {
                let url = format!("{}/session/{}/element/{e}/text", self.url, self.session);
                let v: Value = self.http.get(url).send().await?.json().await?;
                Ok(v["value"].as_str().unwrap_or_default().to_owned())
            }
        }
    }

    /// Waits (navigation after a click is asynchronous) until the element's text satisfies
    /// `check`, and returns it.
    async fn wait_text(&self, css: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        wait_until(&format!("`{css}` to show the expected text"), || async {
            let t = self.text(css).await.ok()?;
            check(&t).then_some(t)
        })
        .await
    }

    async fn current_url(&self) -> Result<String> {
        let url = format!("{}/session/{}/url", self.url, self.session);
        let v: Value = self.http.get(url).send().await?.json().await?;
        Ok(v["value"].as_str().unwrap_or_default().to_owned())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_search_filter_open_and_publish_and_the_partner_sees_it() -> Result<()> {
    let mut fed = Federation::start(&["ES", "LV"]).await?;
    let (es, lv) = (0, 1);
    fed.share(lv, &[es]).await?;
    fed.wait_connected(es, lv).await?;
    let mut record = initiative(
        "lv-community-kitchen",
        "LV",
        "Neighbours cook together for older people",
    );
    record["title"] =
        json!({"lv": "Kopienas virtuve senioriem", "en": "Community kitchen for seniors"});
    record["original_lang"] = json!("lv");
    let (status, body) = fed.post(lv, "/api/v1/records", record).await?;
    assert_eq!(status, 201, "{body}");
    let driver = Driver::start().await?;
    let lv_url = fed.members[lv].url.clone();

    // Search (in Latvian, without diacritics), then narrow with a facet.
    driver.goto(&format!("{lv_url}/")).await?;
    let heading = driver.text("header .node").await?;
    assert!(
        heading.contains("LV"),
        "the node's name and country are shown: {heading}"
    );
    wait_until("the record to be indexed", || async {
        let (_, v) = fed.get(lv, "/api/v1/search?q=virtuve").await.ok()?;
        (v["total"] == 1).then_some(())
    })
    .await?;
    driver.type_into("#q", "kopienas virtuve").await?;
    driver.click("#search-button").await?;
    driver.wait_text("#count", |t| t.starts_with("1 ")).await?;
    driver
        .click("input[type=checkbox][name=kind][value=initiative]")
        .await?;
    driver.click("#apply-filters").await?;
    wait_until("the filtered page", || async {
        driver
            .current_url()
            .await
            .ok()?
            .contains("kind=initiative")
            .then_some(())
    })
    .await?;
    driver
        .wait_text("article.hit h3", |t| t.contains("Community kitchen"))
        .await?;

    // Open it and publish it into LV's catalogue.
    driver.click("article.hit h3 a").await?;
    driver
        .wait_text("h1", |t| t.contains("Community kitchen"))
        .await?;
    driver.click("form[action='/ui/publish'] button").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Published"))
        .await?;

    // The partner's page shows it, marked with its origin.
    let es_url = fed.members[es].url.clone();
    wait_until("the entry to reach the partner", || async {
        fed.shared(es, "lv-community-kitchen").await.map(|_| ())
    })
    .await?;
    driver
        .goto(&format!("{es_url}/records/lv-community-kitchen"))
        .await?;
    driver
        .wait_text("p.meta", |t| {
            t.contains("Shared by") && t.contains("test LV")
        })
        .await?;
    // And the partner's search finds it by its English words.
    driver.goto(&format!("{es_url}/?q=kitchen")).await?;
    wait_until("the partner's index", || async {
        let (_, v) = fed.get(es, "/api/v1/search?q=kitchen").await.ok()?;
        (v["total"] == 1).then_some(())
    })
    .await?;
    driver.goto(&format!("{es_url}/?q=kitchen")).await?;
    driver
        .wait_text("article.hit", |t| t.contains("shared by"))
        .await?;
    drop(driver);
    fed.stop_all().await;
    Ok(())
}
