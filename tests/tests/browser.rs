//! The web UI in a real browser: Debian's chromium driven through chromedriver (W3C WebDriver,
//! through the `fantoccini` client). A staff member on the Latvian node searches, filters, opens a
//! record and publishes it; the Spanish node's page then shows it, marked with its origin.
//! `deploy/install-build-deps.sh` installs chromium and chromium-driver.

use anyhow::{Context, Result, bail};
use fantoccini::Locator;
use serde_json::{Value, json};
use sicc_tests::federation::{Federation, initiative};
use sicc_tests::wait_until;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Every WebDriver command answers within this, or the test fails instead of hanging.
const COMMAND_LIMIT: Duration = Duration::from_secs(30);

/// One browser at a time: two chromiums and two federations would share two cores.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// chromedriver and a fantoccini session on it, ended (both processes) when dropped.
struct Driver {
    child: Child,
    client: fantoccini::Client,
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

/// Runs one WebDriver command under [`COMMAND_LIMIT`], naming it in the error.
async fn within<T, E: std::fmt::Display>(
    what: &str,
    command: impl Future<Output = Result<T, E>>,
) -> Result<T> {
    match tokio::time::timeout(COMMAND_LIMIT, command).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => bail!("webdriver {what}: {e}"),
        Err(_) => bail!("webdriver {what}: no answer within {COMMAND_LIMIT:?}"),
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
        let mut child = Command::new("/usr/bin/chromedriver")
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start chromedriver")?;
        let url = format!("http://127.0.0.1:{port}");
        let probe = reqwest::Client::builder().timeout(COMMAND_LIMIT).build()?;
        if let Err(e) = wait_until("chromedriver to answer", || async {
            probe.get(format!("{url}/status")).send().await.ok()?;
            Some(())
        })
        .await
        {
            let _ = child.kill();
            let _ = child.wait();
            return Err(e);
        }
        let profile = tempfile::tempdir()?;
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--lang=en-US",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        });
        let Value::Object(caps) = caps else {
            unreachable!("a JSON object literal")
        };
        // chromedriver listens on loopback over plain HTTP: no TLS stack needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = within(
            "new session",
            fantoccini::ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&url),
        )
        .await;
        match client {
            Ok(client) => Ok(Driver {
                child,
                client,
                _profile: profile,
            }),
            Err(e) => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                Err(e)
            }
        }
    }

    async fn goto(&self, url: &str) -> Result<()> {
        within(&format!("go to {url}"), self.client.goto(url)).await
    }

    async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        within(
            &format!("find `{css}`"),
            self.client.find(Locator::Css(css)),
        )
        .await
    }

    async fn click(&self, css: &str) -> Result<()> {
        let e = self.find(css).await?;
        within(&format!("click `{css}`"), e.click()).await
    }

    async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let e = self.find(css).await?;
        within(&format!("type into `{css}`"), e.send_keys(text)).await
    }

    async fn text(&self, css: &str) -> Result<String> {
        let e = self.find(css).await?;
        within(&format!("text of `{css}`"), e.text()).await
    }

    /// Waits (navigation after a click is asynchronous) until the element's text satisfies
    /// `check`, and returns it.
    async fn wait_text(&self, css: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        let waited = wait_until(&format!("`{css}` to show the expected text"), || async {
            let t = self.text(css).await.ok()?;
            check(&t).then_some(t)
        })
        .await;
        // A failure shows the page the browser is on.
        match waited {
            Ok(t) => Ok(t),
            Err(e) => {
                let url = self.current_url().await.unwrap_or_default();
                let page = self.text("body").await.unwrap_or_default();
                bail!("{e}\non {url}:\n{page}")
            }
        }
    }

    /// How many elements match `css` on the current page.
    async fn count(&self, css: &str) -> Result<usize> {
        let found = within(
            &format!("find all `{css}`"),
            self.client.find_all(Locator::Css(css)),
        )
        .await?;
        Ok(found.len())
    }

    /// Logs in on the login page the browser was sent to, and waits to be let through.
    async fn log_in(&self, name: &str, password: &str) -> Result<()> {
        self.wait_text("h1", |t| t == "Log in").await?;
        self.type_into("#name", name).await?;
        self.type_into("#password", password).await?;
        self.click("form[action='/login'] button").await?;
        let who = format!("{name} (");
        self.wait_text("header .who", |t| t.starts_with(&who))
            .await?;
        Ok(())
    }

    async fn select(&self, css: &str, value: &str) -> Result<()> {
        let e = self.find(css).await?;
        within(
            &format!("select `{value}` in `{css}`"),
            e.select_by_value(value),
        )
        .await
    }

    async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        let e = self.find(css).await?;
        within(&format!("attribute {name} of `{css}`"), e.attr(name)).await
    }

    async fn run_script(&self, script: &str) -> Result<Value> {
        within("script", self.client.execute(script, vec![])).await
    }

    async fn current_url(&self) -> Result<String> {
        let url = within("current url", self.client.current_url()).await?;
        Ok(url.to_string())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_search_filter_open_and_publish_and_the_partner_sees_it() -> Result<()> {
    let _one = ONE_BROWSER.lock().await;
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
    // Staff accounts: an editor and a validator on LV, a viewer and an admin on ES.
    const PASSWORD: &str = "correct horse battery";
    for (i, name, role) in [
        (lv, "eva", "editor"),
        (lv, "liga", "validator"),
        (es, "elena", "viewer"),
        (es, "ernesto", "admin"),
    ] {
        let (status, body) = fed
            .post(
                i,
                "/api/v1/admin/users",
                json!({"name": name, "role": role, "password": PASSWORD}),
            )
            .await?;
        assert_eq!(status, 201, "{body}");
    }
    let driver = Driver::start().await?;
    let lv_url = fed.members[lv].url.clone();

    // Nothing without logging in: the page sends the browser to the login form; a wrong
    // password is refused with a message.
    driver.goto(&format!("{lv_url}/")).await?;
    driver.wait_text("h1", |t| t == "Log in").await?;
    driver.type_into("#name", "eva").await?;
    driver.type_into("#password", "not the password").await?;
    driver.click("form[action='/login'] button").await?;
    driver
        .wait_text("p.error", |t| t.contains("wrong user name or password"))
        .await?;
    driver.log_in("eva", PASSWORD).await?;

    // Search (in Latvian, without diacritics), then narrow with a facet.
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

    // Open it: an editor may not publish it, nor validate it, but submits it for validation;
    // a validator validates it, and only then may publish it.
    driver.click("article.hit h3 a").await?;
    driver
        .wait_text("h1", |t| t.contains("Community kitchen"))
        .await?;
    let record_url = driver.current_url().await?;
    assert_eq!(driver.count("form[action='/ui/publish']").await?, 0);
    assert_eq!(driver.count("button[value=validated]").await?, 0);
    driver.click("button[value=submitted]").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Submitted for validation"))
        .await?;
    driver.click("header form.logout button").await?;
    // Logging out ends on the login page: wait for it, or the next navigation could overtake it.
    driver.wait_text("h1", |t| t == "Log in").await?;
    driver.goto(&record_url).await?;
    driver.log_in("liga", PASSWORD).await?;
    driver
        .wait_text("h1", |t| t.contains("Community kitchen"))
        .await?;
    assert_eq!(
        driver.count("form[action='/ui/publish']").await?,
        0,
        "a record not validated yet is not offered for publication"
    );
    driver.click("button[value=validated]").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Validated"))
        .await?;
    driver.click("form[action='/ui/publish'] button").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Published"))
        .await?;
    // The page says where it is published, with Unpublish instead of a second Publish form.
    assert_eq!(driver.count("form[action='/ui/unpublish']").await?, 1);
    assert_eq!(driver.count("form[action='/ui/publish']").await?, 0);

    // The partner's page shows it, marked with its origin.
    let es_url = fed.members[es].url.clone();
    wait_until("the entry to reach the partner", || async {
        fed.shared(es, "lv-community-kitchen").await.map(|_| ())
    })
    .await?;
    driver
        .goto(&format!("{es_url}/records/lv-community-kitchen"))
        .await?;
    driver.log_in("elena", PASSWORD).await?;
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
    // A viewer sees the catalogues but no action on them, and the API refuses her changes.
    driver.goto(&format!("{es_url}/catalogs")).await?;
    driver.wait_text("h1", |t| t == "Catalogues").await?;
    assert_eq!(driver.count("form[action^='/ui/catalogs/']").await?, 0);
    // An admin sees them, and may unsubscribe.
    driver.click("header form.logout button").await?;
    driver.wait_text("h1", |t| t == "Log in").await?;
    driver.goto(&format!("{es_url}/catalogs")).await?;
    driver.log_in("ernesto", PASSWORD).await?;
    driver.wait_text("h1", |t| t == "Catalogues").await?;
    assert_eq!(
        driver
            .count("form[action='/ui/catalogs/unsubscribe']")
            .await?,
        1
    );
    driver
        .click("form[action='/ui/catalogs/unsubscribe'] button")
        .await?;
    driver
        .wait_text("p.notice", |t| t.contains("Unsubscribed"))
        .await?;
    wait_until("the partner's entries to go", || async {
        fed.shared(es, "lv-community-kitchen")
            .await
            .is_none()
            .then_some(())
    })
    .await?;
    drop(driver);
    fed.stop_all().await;
    Ok(())
}

/// A Latvian editor creates a replication case linking to the Spanish initiative it
/// replicates (a record LV holds through the federation), edits it while a colleague saves it
/// first, has it validated, publishes and unpublishes it, imports a spreadsheet with labels
/// in Latvian after seeing every row's problems, reads the search page on a phone, and
/// switches the pages to Latvian.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_create_link_across_borders_edit_validate_import_and_switch_language() -> Result<()> {
    let _one = ONE_BROWSER.lock().await;
    let mut fed = Federation::start(&["ES", "LV"]).await?;
    let (es, lv) = (0, 1);
    fed.share(es, &[lv]).await?;
    fed.share(lv, &[es]).await?;
    fed.wait_connected(es, lv).await?;
    let mut shuttles = initiative(
        "es-shuttles",
        "ES",
        "Teams of unemployed people look for work together",
    );
    shuttles["title"] = json!({"es": "Lanzaderas de empleo", "en": "Employment shuttles"});
    shuttles["original_lang"] = json!("es");
    fed.publish(es, shuttles).await?;
    fed.wait_for(lv, "es-shuttles", |_| true).await?;
    const PASSWORD: &str = "correct horse battery";
    for (name, role) in [("ilze", "editor"), ("janis", "validator")] {
        let (status, body) = fed
            .post(
                lv,
                "/api/v1/admin/users",
                json!({"name": name, "role": role, "password": PASSWORD}),
            )
            .await?;
        assert_eq!(status, 201, "{body}");
    }
    // Only a validator validates, through the API too: an editor's token may submit a record
    // but not mark it validated.
    let made = fed
        .ok(
            lv,
            "/api/v1/admin/tokens",
            json!({"name": "ed-script", "role": "editor"}),
        )
        .await?;
    let editor = sicc_tests::client_with(made["token"].as_str().unwrap_or_default());
    let mut draft = initiative("lv-by-script", "LV", "Written by a script");
    draft["validation_status"] = json!("validated");
    let url = format!("{}/api/v1/records", fed.members[lv].url);
    let refused = editor.post(&url).json(&draft).send().await?;
    assert_eq!(refused.status().as_u16(), 403, "{}", refused.text().await?);
    draft["validation_status"] = json!("submitted");
    let accepted = editor.post(&url).json(&draft).send().await?;
    assert_eq!(
        accepted.status().as_u16(),
        201,
        "{}",
        accepted.text().await?
    );
    // Nor through the page's own action.
    let lv_base = fed.members[lv].url.clone();
    let step = editor
        .post(format!("{lv_base}/records/lv-by-script/status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("to=validated&revision=1")
        .send()
        .await?;
    assert_eq!(step.status().as_u16(), 403, "{}", step.text().await?);
    // An editor's change to a validated record sends it back to the validator...
    let mut checked = initiative("lv-checked", "LV", "Checked by a validator");
    checked["validation_status"] = json!("validated");
    let (status, body) = fed.post(lv, "/api/v1/records", checked.clone()).await?;
    assert_eq!(status, 201, "{body}");
    checked["summary"] = json!({"en": "Changed by an editor"});
    let changed = editor
        .put(format!("{url}/lv-checked"))
        .json(&checked)
        .send()
        .await?;
    assert_eq!(changed.status().as_u16(), 200);
    let changed: Value = changed.json().await?;
    assert_eq!(changed["validation_status"], "submitted", "{changed}");
    // ...and one partners hold is a validator's to change.
    fed.publish(lv, initiative("lv-held", "LV", "Held by partners"))
        .await?;
    let held = editor
        .put(format!("{url}/lv-held"))
        .json(&initiative("lv-held", "LV", "Rewritten by an editor"))
        .send()
        .await?;
    assert_eq!(held.status().as_u16(), 403, "{}", held.text().await?);

    let driver = Driver::start().await?;
    let lv_url = fed.members[lv].url.clone();

    // Create: the form is generated from the schema; the link picker offers the Spanish
    // initiative, marked with its country.
    driver.goto(&format!("{lv_url}/records/new")).await?;
    driver.log_in("ilze", PASSWORD).await?;
    driver.select("#kind", "replication_case").await?;
    driver.click("form[action='/records/new'] button").await?;
    driver
        .wait_text("h1", |t| t.contains("Replication case"))
        .await?;
    let option = driver
        .text("#origin_initiative option[value='es-shuttles']")
        .await?;
    assert!(option.contains("(ES)"), "{option}");
    // A first try without the required fields shows the problems at their fields.
    driver.type_into("#id", "lv-case-shuttles").await?;
    driver.click("#save").await?;
    driver
        .wait_text("div.error", |t| t.contains("problem"))
        .await?;
    assert!(driver.count("#field-title .problem").await? >= 1);
    assert!(driver.count("#field-origin_initiative .problem").await? >= 1);
    driver
        .type_into("[name='title.lv']", "Nodarbinātības maršruti Latgalē")
        .await?;
    driver.select("#origin_initiative", "es-shuttles").await?;
    driver.select("#origin_country", "ES").await?;
    driver.select("#target_country", "LV").await?;
    driver.select("#status", "exploring").await?;
    driver.select("#access_level", "consortium").await?;
    driver.click("#save").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Created"))
        .await?;
    let links = driver
        .text("dl.fields a[href='/records/es-shuttles']")
        .await?;
    assert_eq!(
        links, "Employment shuttles",
        "the link shows the partner's title"
    );
    let page = driver.text("main").await?;
    assert!(
        page.contains("shared by"),
        "the link says whose it is: {page}"
    );
    let case_url = driver.current_url().await?;

    // Edit while a colleague saves first: a conflict page, nothing overwritten; saving again
    // from it succeeds.
    driver.click("#edit").await?;
    driver.wait_text("h1", |t| t.starts_with("Edit")).await?;
    let (status, stored) = fed.get(lv, "/api/v1/records/lv-case-shuttles").await?;
    assert_eq!(status, 200);
    let mut theirs = stored["record"].clone();
    if theirs.is_null() {
        theirs = stored.clone();
    }
    theirs["target_place"] = json!("Rēzekne");
    for key in ["revision", "created_at", "updated_at"] {
        theirs.as_object_mut().map(|m| m.remove(key));
    }
    let (status, body) = fed
        .put(lv, "/api/v1/records/lv-case-shuttles", theirs)
        .await?;
    assert_eq!(status, 200, "{body}");
    driver.type_into("#target_place", "Daugavpils").await?;
    driver.click("#save").await?;
    driver
        .wait_text("h1", |t| t.contains("Someone else saved this record first"))
        .await?;
    let conflict = driver.text("main").await?;
    assert!(
        conflict.contains("Rēzekne"),
        "the stored value is shown: {conflict}"
    );
    let (_, now) = fed.get(lv, "/api/v1/records/lv-case-shuttles").await?;
    assert!(
        now.to_string().contains("Rēzekne"),
        "nothing overwritten: {now}"
    );
    driver.click("#save").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Saved"))
        .await?;
    let (_, now) = fed.get(lv, "/api/v1/records/lv-case-shuttles").await?;
    assert!(now.to_string().contains("Daugavpils"), "{now}");

    // Validate, publish, unpublish.
    driver.click("button[value=submitted]").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Submitted"))
        .await?;
    driver.click("header form.logout button").await?;
    driver.wait_text("h1", |t| t == "Log in").await?;
    driver.goto(&case_url).await?;
    driver.log_in("janis", PASSWORD).await?;
    driver.click("button[value=validated]").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Validated"))
        .await?;
    driver.click("form[action='/ui/publish'] button").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Published"))
        .await?;
    fed.wait_for(es, "lv-case-shuttles", |_| true).await?;
    driver.click("form[action='/ui/unpublish'] button").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Unpublished"))
        .await?;
    wait_until("the partner to drop the unpublished entry", || async {
        fed.shared(es, "lv-case-shuttles")
            .await
            .is_none()
            .then_some(())
    })
    .await?;
    // The Spanish initiative's page on LV lists the case among what refers to it.
    driver
        .goto(&format!("{lv_url}/records/es-shuttles"))
        .await?;
    driver
        .wait_text("#referenced-by", |t| {
            t.contains("Nodarbinātības maršruti Latgalē")
        })
        .await?;

    // Import a spreadsheet: labels in Latvian become codes; every problem of every row is
    // shown before anything is stored; then the good rows are imported.
    let csv = "Nosaukums (lv);Valsts;Reģioni (NUTS);Organizācijas veids;Piekļuve\n\
               Biedrība Saulgrieži;Latvija;Latgale;NVO vai biedrība;konsorcijs\n\
               Nekas;Narnija;Latgale;NVO vai biedrība;nezināms\n";
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("organisations.csv");
    std::fs::write(&file, csv)?;
    driver.goto(&format!("{lv_url}/import")).await?;
    driver.select("#kind", "organisation").await?;
    driver
        .type_into("#file", &file.display().to_string())
        .await?;
    driver.click("#upload").await?;
    driver
        .wait_text("h1", |t| t.contains("Organisation"))
        .await?;
    // Every column is recognised from its Latvian header.
    for (column, field) in ["name.lv", "country", "nuts", "org_type", "access_level"]
        .iter()
        .enumerate()
    {
        let guessed = driver
            .attr(&format!("#map{column} option[selected]"), "value")
            .await?;
        assert_eq!(guessed.as_deref(), Some(*field), "column {column}");
    }
    driver.click("#preview").await?;
    driver
        .wait_text("#preview-summary", |t| t.starts_with("2 rows: 1 ready"))
        .await?;
    let bad = driver.text("#preview-rows tr.bad").await?;
    assert!(
        bad.contains("Narnija") && bad.contains("nezināms"),
        "every problem of the row: {bad}"
    );
    let (_, before) = fed
        .get(lv, "/api/v1/records?kind=organisation&origin=local")
        .await?;
    assert_eq!(
        before["records"].as_array().map_or(0, Vec::len),
        0,
        "nothing stored by a preview"
    );
    driver.click("#commit").await?;
    driver
        .wait_text("#import-result", |t| t.starts_with("1 record imported"))
        .await?;
    let (_, after) = fed
        .get(lv, "/api/v1/records?kind=organisation&origin=local")
        .await?;
    let org = &after["records"][0];
    assert_eq!(
        (
            org["country"].as_str(),
            org["nuts"][0].as_str(),
            org["access_level"].as_str()
        ),
        (Some("LV"), Some("LV005"), Some("consortium")),
        "{after}"
    );

    // Delete it again: the search page says so.
    let org_id = org["id"].as_str().unwrap_or_default().to_owned();
    driver.goto(&format!("{lv_url}/records/{org_id}")).await?;
    driver
        .click(&format!("form[action='/records/{org_id}/delete'] button"))
        .await?;
    driver
        .wait_text("p.notice", |t| t.contains("Deleted"))
        .await?;
    let (status, _) = fed.get(lv, &format!("/api/v1/records/{org_id}")).await?;
    assert_eq!(status, 404);

    // Spain stops sharing the initiative: the case keeps its link, shown as no longer shared,
    // and can still be edited.
    fed.ok(
        es,
        &format!("{}/unpublish", fed.catalog_path(es)),
        json!({"id": "es-shuttles"}),
    )
    .await?;
    wait_until("LV to drop the unshared initiative", || async {
        fed.shared(lv, "es-shuttles").await.is_none().then_some(())
    })
    .await?;
    driver.goto(&case_url).await?;
    driver
        .wait_text("dl.fields .badge.warn", |t| t == "no longer shared")
        .await?;
    driver.click("#edit").await?;
    driver.wait_text("h1", |t| t.starts_with("Edit")).await?;
    driver.type_into("#target_place", " un Rēzekne").await?;
    driver.click("#save").await?;
    driver
        .wait_text("p.notice", |t| t.contains("Saved"))
        .await?;
    let (_, now) = fed.get(lv, "/api/v1/records/lv-case-shuttles").await?;
    assert!(
        now.to_string().contains("es-shuttles"),
        "the link is kept: {now}"
    );

    // On a phone: the search page fits 390 px without sideways scrolling.
    within("window size", driver.client.set_window_size(390, 844)).await?;
    driver.goto(&format!("{lv_url}/?q=maršruti")).await?;
    driver.wait_text("#count", |t| t.starts_with("1 ")).await?;
    let widths = driver
        .run_script("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await?;
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "page wider than the screen: {widths}"
    );
    within("window size", driver.client.set_window_size(1280, 900)).await?;

    // Switch to Latvian on a search: every label of the page follows, the search stays, and
    // so does the choice.
    driver.goto(&format!("{lv_url}/?q=maršruti")).await?;
    driver.click("header a[hreflang=lv]").await?;
    driver.wait_text("h1", |t| t == "Meklēt prakses").await?;
    assert_eq!(driver.attr("html", "lang").await?.as_deref(), Some("lv"));
    assert_eq!(driver.text("nav a[href='/']").await?, "Meklēt");
    assert_eq!(
        driver.attr("#q", "value").await?.as_deref(),
        Some("maršruti")
    );
    driver.wait_text("#count", |t| t.starts_with("1 ")).await?;
    driver.goto(&case_url).await?;
    driver
        .wait_text("header nav a[href='/']", |t| t == "Meklēt")
        .await?;
    let page = driver.text("main").await?;
    assert!(page.contains("Replicēšanas gadījums"), "{page}");
    // The account's language holds in any browser without a switch cookie.
    driver.goto(&format!("{lv_url}/account")).await?;
    driver.select("#account-lang", "sv").await?;
    driver
        .click("form[action='/account/language'] button")
        .await?;
    driver.wait_text("h1", |t| t == "Mitt konto").await?;
    within(
        "forget the switch",
        driver.client.delete_cookie("sicc-lang"),
    )
    .await?;
    driver.goto(&format!("{lv_url}/")).await?;
    driver
        .wait_text("header nav a[href='/']", |t| t == "Sök")
        .await?;
    drop(driver);
    fed.stop_all().await;
    Ok(())
}

/// The work packages at a glance across two nodes: the overview counts a partner's shared SWOT
/// item and initiative on the map, priorities line up by area, the action plan finds what is
/// behind schedule and what no action addresses; a Latvian editor considers a Spanish
/// initiative for replication, the case lands on the board, its readiness and mentoring show,
/// the Spanish centre reads the note on its own record, and the reports download.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_follow_the_work_packages_and_start_a_replication_across_borders() -> Result<()> {
    let _one = ONE_BROWSER.lock().await;
    let mut fed = Federation::start(&["ES", "LV"]).await?;
    let (es, lv) = (0, 1);
    fed.share(es, &[lv]).await?;
    // Latvia may annotate Spain's entries: that is how the originating centre is told.
    fed.ok(
        es,
        &format!("{}/grant", fed.catalog_path(es)),
        json!({"node_id": fed.members[lv].node_id, "role": "writer"}),
    )
    .await?;
    fed.wait_connected(es, lv).await?;
    let mut care = initiative(
        "es-rural-care",
        "ES",
        "Case management for older people in villages",
    );
    care["title"] = json!({"en": "Rural Care"});
    care["nuts"] = json!(["ES416"]);
    care["themes"] = json!(["social_services_care"]);
    care["validation_status"] = json!("validated");
    fed.publish(es, care).await?;
    fed.publish(
        es,
        json!({"id": "es-weak-funding", "kind": "ecosystem_item", "access_level": "consortium",
               "statement": {"en": "Funding is short-term and project-based"}, "country": "ES",
               "dimension": "funding_finance", "polarity": "weakness"}),
    )
    .await?;
    fed.publish(
        es,
        json!({"id": "es-prio-impact", "kind": "capacity_priority", "access_level": "consortium",
               "title": {"en": "Measure impact in municipalities"}, "country": "ES",
               "audience": "municipality", "area": "impact_measurement", "priority_rank": 1}),
    )
    .await?;
    for id in ["es-rural-care", "es-weak-funding", "es-prio-impact"] {
        fed.wait_for(lv, id, |_| true).await?;
    }
    let mut public = initiative("lv-kitchen", "LV", "Soup kitchen in Daugavpils");
    public["access_level"] = json!("public");
    public["validation_status"] = json!("validated");
    let mut consortium = initiative("lv-consortium", "LV", "Kept in the consortium");
    consortium["validation_status"] = json!("validated");
    for record in [
        public,
        consortium,
        json!({"id": "lv-weak-policy", "kind": "ecosystem_item",
               "statement": {"en": "No national social innovation strategy"}, "country": "LV",
               "dimension": "policy_regulation", "polarity": "weakness"}),
        json!({"id": "lv-prio-impact", "kind": "capacity_priority",
               "title": {"en": "Evidence of impact for social enterprises"}, "country": "LV",
               "audience": "innovator", "area": "impact_measurement", "priority_rank": 1}),
        json!({"id": "lv-action-late", "kind": "action_item", "title": {"en": "Train municipal staff"},
               "country": "LV", "ncc_function": "capacity_building", "status": "in_progress",
               "end_date": "2020-06-30", "kpi": "people trained", "kpi_target": 200, "kpi_actual": 50}),
    ] {
        let (status, body) = fed.post(lv, "/api/v1/records", record).await?;
        assert_eq!(status, 201, "{body}");
    }
    const PASSWORD: &str = "correct horse battery";
    let (status, body) = fed
        .post(
            lv,
            "/api/v1/admin/users",
            json!({"name": "anda", "role": "editor", "password": PASSWORD}),
        )
        .await?;
    assert_eq!(status, 201, "{body}");
    let driver = Driver::start().await?;
    let lv_url = fed.members[lv].url.clone();
    driver.goto(&format!("{lv_url}/overview")).await?;
    driver.log_in("anda", PASSWORD).await?;

    // The overview: the Spanish weakness counted in its cell, which links to exactly it.
    driver.goto(&format!("{lv_url}/overview")).await?;
    driver
        .wait_text("h1", |t| t == "Ecosystem overview")
        .await?;
    let cell =
        "table.swot li.pol-weakness a[href*='swot_dimension=funding_finance'][href*='country=ES']";
    assert_eq!(driver.text(cell).await?, "Weakness: 1");
    // The map: the region of the Spanish initiative (Castilla y León, ES41) is coloured and
    // links to its initiatives; regions without any are not; the attribution is shown.
    let region = "svg.map a[href*='nuts=ES41'] path";
    assert_ne!(
        driver.attr(region, "fill").await?.as_deref(),
        Some("#f4f4f4")
    );
    assert_eq!(
        driver
            .attr("svg.map path[data-region='ES51']", "fill")
            .await?
            .as_deref(),
        Some("#f4f4f4")
    );
    assert!(
        driver
            .text("figure.map figcaption")
            .await?
            .contains("© EuroGeographics for the administrative boundaries")
    );
    assert_eq!(
        driver
            .attr("svg.map a[href*='nuts=ES41']", "aria-label")
            .await?
            .as_deref(),
        Some("Castilla y León: 1 initiative")
    );
    driver
        .wait_text("table.regions", |t| t.contains("Castilla y León"))
        .await?;
    driver
        .wait_text("table.figures", |t| t.contains("Social services"))
        .await?;
    driver.click(cell).await?;
    driver.wait_text("#count", |t| t.starts_with("1 ")).await?;
    driver
        .wait_text("article.hit h3", |t| t.contains("Funding is short-term"))
        .await?;
    // Only Spain: the Latvian weakness is not counted.
    driver
        .goto(&format!("{lv_url}/overview?country=ES"))
        .await?;
    assert_eq!(driver.count("table.swot li.pol-weakness").await?, 1);

    // Priorities side by side: the shared area has both countries' priorities.
    driver.goto(&format!("{lv_url}/priorities")).await?;
    let row = driver
        .wait_text("table.priorities tbody tr:first-child", |t| {
            t.contains("Impact measurement")
        })
        .await?;
    assert!(
        row.contains("Measure impact in municipalities") && row.contains("Evidence of impact"),
        "{row}"
    );

    // The action plan: the late item, its indicator at 25 %, and both unaddressed weaknesses.
    driver.goto(&format!("{lv_url}/action-plan")).await?;
    driver
        .wait_text("ul.overdue", |t| t.contains("Train municipal staff"))
        .await?;
    assert_eq!(
        driver.attr("table.kpis meter", "value").await?.as_deref(),
        Some("25")
    );
    let unaddressed = driver.text("ul.unaddressed").await?;
    assert!(
        unaddressed.contains("No national social innovation strategy")
            && unaddressed.contains("Funding is short-term"),
        "{unaddressed}"
    );

    // Consider the Spanish initiative for replication.
    driver
        .goto(&format!("{lv_url}/records/es-rural-care"))
        .await?;
    driver.wait_text("h1", |t| t.contains("Rural Care")).await?;
    driver.click("#consider").await?;
    driver
        .wait_text("p.notice", |t| t.contains("originating centre was told"))
        .await?;
    driver
        .wait_text("h1", |t| t.contains("Replication of Rural Care"))
        .await?;
    let case_url = driver.current_url().await?;
    let case_id = case_url
        .rsplit("/records/")
        .next()
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_default()
        .to_owned();
    let (_, case) = fed.get(lv, &format!("/api/v1/records/{case_id}")).await?;
    assert_eq!(case["origin_initiative"], "es-rural-care", "{case}");
    assert_eq!(
        (case["status"].as_str(), case["target_country"].as_str()),
        (Some("exploring"), Some("LV"))
    );
    assert!(
        case["status_since"].is_string(),
        "the node dates the stage: {case}"
    );

    // Considering it again opens no second case.
    driver
        .goto(&format!("{lv_url}/records/es-rural-care"))
        .await?;
    driver.click("#consider").await?;
    driver
        .wait_text("p.notice", |t| t.contains("already has a replication case"))
        .await?;
    assert_eq!(
        driver.current_url().await?.split('?').next(),
        case_url.split('?').next()
    );

    // The board: in Exploring since today (a run crossing midnight sees 1 day), not assessed.
    driver.goto(&format!("{lv_url}/replication")).await?;
    let card = format!("li.card[data-case='{case_id}']");
    let text = driver
        .wait_text(&format!("#stage-exploring ~ ul.cards {card}"), |t| {
            t.contains("Replication of Rural Care")
        })
        .await?;
    assert!(
        (text.contains("0 days in this stage") || text.contains("1 day in this stage"))
            && text.contains("No readiness assessment yet"),
        "{text}"
    );

    // A readiness assessment scoring every criterion 2, and one mentoring session held.
    let mut assessment = json!({"id": "lv-readiness-rural-care", "kind": "readiness_assessment",
        "title": {"en": "Readiness of Rural Care for Latgale"}, "replication_case": case_id,
        "assessed_on": "2026-01-15"});
    for c in sicc_protocol::schema::READINESS_CRITERIA {
        assessment[*c] = json!(2);
    }
    assessment["funding_path_note"] = json!("ESF+ programme 2021-2027, measure 4.3.6");
    let (status, body) = fed.post(lv, "/api/v1/records", assessment).await?;
    assert_eq!(status, 201, "{body}");
    let (status, body) = fed
        .post(
            lv,
            "/api/v1/records",
            json!({"id": "lv-mentoring-1", "kind": "mentoring_session", "title": {"en": "First visit"},
                   "replication_case": case_id, "date": "2026-02-01", "format": "site_visit",
                   "participants": ["Anna Example"], "participant_count": 4}),
        )
        .await?;
    assert_eq!(status, 201, "{body}");
    driver.goto(&format!("{lv_url}/replication")).await?;
    let text = driver
        .wait_text(&card, |t| t.contains("Readiness: Ready"))
        .await?;
    assert!(text.contains("1 mentoring session held"), "{text}");
    driver
        .goto(&format!("{lv_url}/records/lv-readiness-rural-care"))
        .await?;
    driver
        .wait_text("section.readiness .badge", |t| t == "Readiness: Ready")
        .await?;
    assert_eq!(driver.count("section.readiness tbody tr").await?, 13);
    driver
        .wait_text("section.readiness", |t| {
            t.contains("ESF+ programme 2021-2027")
        })
        .await?;

    // The originating centre reads the note on its own record.
    let entry = format!("{}/entries/es-rural-care", fed.catalog_path(es));
    wait_until("Spain to hold Latvia's note", || async {
        let (_, v) = fed.get(es, &entry).await.ok()?;
        v["document"]["annotations"]
            .to_string()
            .contains("considering this initiative for replication")
            .then_some(())
    })
    .await?;
    let (status, page) = fed.get_text(es, "/records/es-rural-care").await?;
    assert_eq!(status, 200);
    assert!(
        page.contains("id=\"partner-notes\"") && page.contains(&case_id),
        "the owner's page shows the note"
    );

    // Reports: CSV with labels, XLSX as a real workbook, the SIM export of validated initiatives.
    let (status, csv) = fed.get_text(lv, "/reports/replication.csv").await?;
    assert_eq!(status, 200, "{csv}");
    assert!(
        csv.starts_with("Title,Status,Days in stage")
            && csv.contains("Replication of Rural Care,Exploring,")
            && csv.contains(",Spain,Latvia,Rural Care,Ready,1,"),
        "{csv}"
    );
    let xlsx = sicc_tests::client_with(&fed.members[lv].token)
        .get(format!("{lv_url}/reports/priorities.xlsx"))
        .send()
        .await?;
    assert_eq!(xlsx.status().as_u16(), 200);
    let bytes = xlsx.bytes().await?;
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    let (_, esim) = fed.get_text(lv, "/reports/esim.csv").await?;
    assert!(
        esim.starts_with("Title,Lead organisation and partners,Countries"),
        "{esim}"
    );
    // Only this node's own validated public initiatives: not a partner's, not a consortium one.
    assert!(esim.contains("Soup kitchen in Daugavpils"), "{esim}");
    assert!(!esim.contains("Kept in the consortium"), "{esim}");
    assert!(
        !esim.contains("Case management for older people in villages"),
        "{esim}"
    );

    // In Latvian: the page and its labels.
    driver.goto(&format!("{lv_url}/overview?lang=lv")).await?;
    driver.wait_text("html", |_| true).await?;
    assert_eq!(driver.attr("html", "lang").await?.as_deref(), Some("lv"));
    assert_ne!(driver.text("h1").await?, "Ecosystem overview");
    assert!(driver.text("table.swot").await?.contains("Spānija"));
    fed.stop_all().await;
    Ok(())
}
