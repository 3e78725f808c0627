//! Scenarios over whole nodes started in this process.

use serde_json::{Value, json};
use sicc_tests::TestNode;

/// The seven local queries staff run most, on the sample data, each answered by one filter:
/// care initiatives by country, theme, target group and setting; initiatives by region and ESF+
/// objective; funders; open funding calls; weaknesses and the actions addressing them; support
/// tools by process element and level.
#[tokio::test]
async fn local_queries_1_to_7_are_answered_by_filters() -> anyhow::Result<()> {
    let node = TestNode::start("LV test", "LV").await?;
    let outcome = node.load_sample().await?;
    assert_eq!(outcome.failed, 0, "the sample imports with zero errors");
    assert!(outcome.imported >= 170, "imported {}", outcome.imported);

    // 1. Social services for older people in rural areas in my country.
    let q1 = node
        .ids("kind=initiative&country=LV&theme=social_services_care&target_group=older_people&urban_rural=rural")
        .await?;
    assert_eq!(q1, ["lv-samaritan-mobile-care"]);
    let q1_es = node
        .ids("kind=initiative&country=ES&theme=social_services_care&urban_rural=rural")
        .await?;
    assert_eq!(q1_es, ["es-etxean-bizi", "es-rural-care"]);

    // 2. Initiatives in Latgale (LV005) addressing ESO4.11 that are still active.
    let q2 = node
        .ids("kind=initiative&nuts=LV005&esf_objective=ESO4.11&status=active")
        .await?;
    assert_eq!(q2, ["lv-samaritan-mobile-care"]);

    // 3. Funders, and funding instruments open in the next 6 months.
    let funders = node
        .ids("kind=organisation&country=LV&ecosystem_roles=funder")
        .await?;
    assert!(
        funders.contains(&"lv-org-altum".to_owned()) && funders.contains(&"lv-org-sif".to_owned()),
        "{funders:?}"
    );
    let open = node
        .ids("kind=funding_instrument&max_open_from=2027-05-28&min_open_until=2026-11-28")
        .await?;
    assert_eq!(open, ["lv-fund-esf-social-entrepreneurship"]);

    // 4. Weaknesses of the 2022 mapping in funding_finance, and the action items that address them.
    let weak = node
        .ids("kind=ecosystem_item&polarity=weakness&dimension=funding_finance&year=2022")
        .await?;
    assert_eq!(weak, ["se-swot-long-term-support"]);
    let actions = node
        .ids(&format!("kind=action_item&addresses={}", weak[0]))
        .await?;
    assert_eq!(actions, ["se-action-long-term-support"]);

    // 5. Support tools covering develop_test AND realise_disseminate at system level.
    let tools = node
        .ids("kind=support_tool&process_element=develop_test&process_element=realise_disseminate&levels=system")
        .await?;
    assert_eq!(tools, ["fr-tool-dla", "se-tool-msi-process-model"]);

    // 6. Contact records overdue for review.
    let overdue = node.ids("kind=person&max_review_due=2026-11-28").await?;
    assert_eq!(
        overdue,
        [
            "es-person-contact-lanzaderas",
            "lv-person-contact-samaritans",
            "se-person-contact-msi"
        ]
    );

    // 7. Validated initiatives, for export (the export itself is covered by the process tests).
    let validated = node
        .ids("kind=initiative&validation_status=validated")
        .await?;
    assert!(validated.len() >= 40, "{}", validated.len());

    // Cross-country teasers that the same filters already answer (8 and 21 without stemming).
    let q8 = node
        .ids("kind=initiative&theme=housing_homelessness&min_evidence_level=3&open_to_transfer=yes,with_conditions")
        .await?;
    assert_eq!(q8, ["es-habitat-housing-first"]);
    let q21 = node.ids("q=aprupe%20majas").await?;
    assert_eq!(q21, ["lv-samaritan-mobile-care"]);
    node.stop().await;
    Ok(())
}

async fn send(
    node: &TestNode,
    method: reqwest::Method,
    path: &str,
    body: Option<String>,
) -> anyhow::Result<(u16, Value)> {
    let mut req = node.http.request(method, format!("{}{path}", node.url));
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b);
    }
    let r = req.send().await?;
    let status = r.status().as_u16();
    let body = if status == 204 {
        Value::Null
    } else {
        r.json().await?
    };
    Ok((status, body))
}

fn org(id: &str) -> Value {
    json!({"id": id, "kind": "organisation", "name": {"lv": "Biedrība", "en": "Association"}, "original_lang": "lv",
           "country": "LV", "org_type": "ngo_association"})
}

/// Every error is JSON with a stable code, and names the offending field where there is one.
#[tokio::test]
async fn api_errors_name_the_problem_and_store_nothing() -> anyhow::Result<()> {
    use reqwest::Method;
    let node = TestNode::start("errors", "LV").await?;

    let mut bad = org("org-bad");
    bad["country"] = json!("XX");
    let (status, body) = send(
        &node,
        Method::POST,
        "/api/v1/records",
        Some(bad.to_string()),
    )
    .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_record"))
    );
    assert_eq!(body["error"]["field"], "country");
    let (status, _) = node.get("/api/v1/records/org-bad").await?;
    assert_eq!(status, 404, "a rejected record is not stored");

    let (status, body) = send(
        &node,
        Method::POST,
        "/api/v1/records",
        Some("{\"kind\": ".into()),
    )
    .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_json"))
    );

    let (status, body) = node.get("/api/v1/records?theme=nonsense").await?;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("theme"))
    );

    let (status, _) = send(
        &node,
        Method::POST,
        "/api/v1/records",
        Some(org("org-1").to_string()),
    )
    .await?;
    assert_eq!(status, 201);
    let (status, body) = send(
        &node,
        Method::POST,
        "/api/v1/records",
        Some(org("org-1").to_string()),
    )
    .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("already_exists"))
    );

    let tool = json!({"id": "tool-1", "kind": "support_tool", "name": {"en": "Tool"}, "tool_type": "training",
                      "summary": {"en": "A tool"}, "provider_org": "org-1"});
    let (status, _) = send(
        &node,
        Method::PUT,
        "/api/v1/records/tool-1",
        Some(tool.to_string()),
    )
    .await?;
    assert_eq!(status, 201);
    let (status, body) = send(&node, Method::DELETE, "/api/v1/records/org-1", None).await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("referenced"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("tool-1")
    );

    let (status, body) = send(
        &node,
        Method::PUT,
        "/api/v1/records/tool-2",
        Some(tool.to_string()),
    )
    .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("id_mismatch"))
    );

    let mut person = json!({"kind": "person", "name": "Ada Example", "lawful_basis": "consent", "review_due": "2027-01-01"});
    person["access_level"] = json!("public");
    let (status, body) = send(
        &node,
        Method::POST,
        "/api/v1/records",
        Some(person.to_string()),
    )
    .await?;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("access_level"))
    );

    let huge = json!({"kind": "organisation", "name": {"en": "x".repeat(2 * 1024 * 1024)}});
    let (status, body) = send(
        &node,
        Method::POST,
        "/api/v1/records",
        Some(huge.to_string()),
    )
    .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );

    let (status, body) = node.get("/api/v1/records/NOT_AN_ID").await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_id"))
    );
    let (status, body) = node.get("/api/v1/nowhere").await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("no_route"))
    );

    // Optimistic concurrency: replacing what you read works once; a stale If-Match is refused.
    let r = node
        .http
        .get(format!("{}/api/v1/records/tool-1", node.url))
        .send()
        .await?;
    let etag = r.headers()["etag"].to_str()?.to_owned();
    assert_eq!(etag, "\"1\"");
    let put = |etag: String| {
        node.http
            .put(format!("{}/api/v1/records/tool-1", node.url))
            .header("if-match", etag)
            .json(&tool)
            .send()
    };
    assert_eq!(put(etag.clone()).await?.status().as_u16(), 200);
    let stale = put(etag).await?;
    assert_eq!(stale.status().as_u16(), 412);
    let body: Value = stale.json().await?;
    assert_eq!(body["error"]["code"], "revision_mismatch");

    // The audit trail saw exactly the three accepted writes.
    let (_, audit) = node.get("/api/v1/audit").await?;
    let actions: Vec<_> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["replace", "create", "create"]);
    node.stop().await;
    Ok(())
}

/// Two nodes in one process have separate identities and stores.
#[tokio::test]
async fn two_nodes_in_one_process_keep_their_own_data() -> anyhow::Result<()> {
    let lv = TestNode::start("LV", "LV").await?;
    let se = TestNode::start("SE", "SE").await?;
    assert_ne!(lv.node.node_id, se.node.node_id);
    let (status, _) = send(
        &lv,
        reqwest::Method::PUT,
        "/api/v1/records/org-1",
        Some(org("org-1").to_string()),
    )
    .await?;
    assert_eq!(status, 201);
    assert_eq!(lv.ids("kind=organisation").await?, ["org-1"]);
    assert!(se.ids("kind=organisation").await?.is_empty());
    let (_, status_lv) = lv.get("/api/v1/status").await?;
    assert_eq!(
        (status_lv["country"].as_str(), status_lv["records"].as_u64()),
        (Some("LV"), Some(1))
    );
    let (ready, _) = se.get("/readyz").await?;
    assert_eq!(ready, 200);
    lv.stop().await;
    se.stop().await;
    Ok(())
}

/// A restarted node serves what it stored before, from disk.
#[tokio::test]
async fn a_node_restarts_from_disk() -> anyhow::Result<()> {
    let node = TestNode::start("restart", "LV").await?;
    node.load_sample().await?;
    let before = node.ids("kind=initiative").await?;
    let dir = node.dir().to_owned();
    // Keep the TempDir alive across the restart by stopping only the running node.
    let TestNode {
        node: running,
        data_dir,
        ..
    } = node;
    running.shutdown().await;
    let config = sicc_node::config::Config::load(&dir, &Default::default())?;
    let restarted = sicc_node::node::start(config).await?;
    let client = sicc_tests::admin_client(&dir)?;
    let body: Value = client
        .get(format!(
            "{}/api/v1/records?kind=initiative&limit=1000",
            restarted.api_url()
        ))
        .send()
        .await?
        .json()
        .await?;
    let after: Vec<_> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(after, before);
    restarted.shutdown().await;
    drop(data_dir);
    Ok(())
}

/// One refused request: what it is, its headers, the status expected.
type Attempt = (&'static str, Vec<(&'static str, String)>, u16);

/// A web page in a staff member's browser, or a name rebound to the node's address, cannot
/// change anything: every mutating route of the API (taken from its OpenAPI document) and of
/// the UI refuses a foreign `Origin`, `Origin: null`, a cross-site fetch, a body that is not
/// JSON (the content types a browser sends cross-site without asking) and a foreign `Host`,
/// and nothing is stored.
#[tokio::test]
async fn no_mutating_route_accepts_another_site_a_rebound_host_or_a_non_json_body()
-> anyhow::Result<()> {
    let node = TestNode::start("LV test", "LV").await?;
    // With the admin's credentials, as a page in a logged-in staff browser would have them.
    let http = sicc_tests::admin_client(node.dir())?;
    let (_, status) = node.get("/api/v1/status").await?;
    let me = status["node_id"].as_str().unwrap().to_owned();
    let body = serde_json::to_vec(&json!({"name": "shared", "title": {"en": "Shared"}}))?;
    let created = http
        .post(format!("{}/api/v1/catalogs", node.url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    assert_eq!(created.status(), 201);
    let (_, before) = node.get("/api/v1/status").await?;

    let (_, doc) = node.get("/api/v1/openapi.json").await?;
    let mut routes: Vec<(reqwest::Method, String)> = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if ops.get(method).is_some() {
                let path = path
                    .replace("{owner}", &me)
                    .replace("{name}", "shared")
                    .replace("{id}", "lv-guarded");
                routes.push((method.to_uppercase().parse()?, path));
            }
        }
    }
    routes.push((reqwest::Method::POST, "/ui/publish".into()));
    routes.push((reqwest::Method::POST, "/ui/unpublish".into()));
    routes.push((reqwest::Method::POST, "/records/lv-guarded/status".into()));
    routes.push((reqwest::Method::POST, "/ui/catalogs/subscribe".into()));
    routes.push((reqwest::Method::POST, "/ui/replicate".into()));
    assert!(routes.len() >= 15, "{routes:?}");
    let record = serde_json::to_vec(&json!({
        "id": "lv-guarded", "kind": "initiative", "title": {"en": "Guarded"},
        "status": "active", "countries": ["LV"], "summary": {"en": "x"}
    }))?;
    let here = node.url.trim_start_matches("http://").to_owned();
    let mut tried = 0;
    for (method, path) in &routes {
        let url = format!("{}{path}", node.url);
        let mut attempts: Vec<Attempt> = vec![
            (
                "a foreign Origin",
                vec![
                    ("origin", "https://evil.example".into()),
                    ("content-type", "application/json".into()),
                ],
                403,
            ),
            (
                "Origin: null",
                vec![
                    ("origin", "null".into()),
                    ("content-type", "application/json".into()),
                ],
                403,
            ),
            (
                "a cross-site fetch",
                vec![
                    ("sec-fetch-site", "cross-site".into()),
                    ("content-type", "application/json".into()),
                ],
                403,
            ),
            (
                "a rebound Host",
                vec![
                    ("host", "evil.example".into()),
                    ("content-type", "application/json".into()),
                ],
                421,
            ),
        ];
        if path.starts_with("/api/") && *method != reqwest::Method::DELETE {
            attempts.push((
                "text/plain",
                vec![
                    ("origin", format!("http://{here}")),
                    ("content-type", "text/plain".into()),
                ],
                415,
            ));
            attempts.push(("no Content-Type", vec![], 415));
        }
        for (what, headers, want) in attempts {
            let mut request = http.request(method.clone(), &url).body(record.clone());
            for (k, v) in headers {
                request = request.header(k, v);
            }
            let response = request.send().await?;
            assert_eq!(
                response.status().as_u16(),
                want,
                "{method} {path} with {what}"
            );
            let headers = response.headers().clone();
            assert_eq!(headers["x-frame-options"], "DENY");
            assert!(
                headers["content-security-policy"]
                    .to_str()?
                    .contains("frame-ancestors 'none'")
            );
            tried += 1;
        }
    }
    assert!(tried >= routes.len() * 4, "{tried}");
    let (_, after) = node.get("/api/v1/status").await?;
    assert_eq!(after["records"], before["records"]);
    assert_eq!(after["audit_entries"], before["audit_entries"]);
    let (code, _) = node.get("/api/v1/records/lv-guarded").await?;
    assert_eq!(code, 404);
    // The same requests from the node's own origin, or from a script, still work.
    let ok = http
        .post(format!("{}/api/v1/records", node.url))
        .header("origin", format!("http://{here}"))
        .header("content-type", "application/json")
        .body(record.clone())
        .send()
        .await?;
    assert_eq!(ok.status(), 201, "{}", ok.text().await?);
    node.stop().await;
    Ok(())
}
