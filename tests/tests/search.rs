//! Multilingual search and facets over a real node with the sample data (and a few records of
//! the tests' own where the sample lacks a word form), through `GET /api/v1/search`.

use anyhow::Result;
use serde_json::{Value, json};
use sicc_tests::{TestNode, wait_until};

async fn node_with_sample() -> Result<TestNode> {
    let node = TestNode::start("search test", "LV").await?;
    let outcome = node.load_sample().await?;
    assert_eq!(outcome.failed, 0);
    let expected = outcome.imported as u64;
    // Indexing follows the store asynchronously: wait until every record is searchable.
    wait_until("the sample to be indexed", || async {
        let (_, v) = node.get("/api/v1/search?limit=1").await.ok()?;
        (v["total"].as_u64()? == expected).then_some(())
    })
    .await?;
    Ok(node)
}

async fn search(node: &TestNode, query: &str) -> Result<Value> {
    let (status, v) = node.get(&format!("/api/v1/search?{query}")).await?;
    assert_eq!(status, 200, "{query}: {v}");
    Ok(v)
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn post(node: &TestNode, record: Value) -> Result<()> {
    let r = node
        .http
        .post(format!("{}/api/v1/records", node.url))
        .json(&record)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await?);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_language_finds_its_records_stemmed_folded_and_with_typos() -> Result<()> {
    let node = node_with_sample().await?;
    // Swedish, French and English word forms the sample does not carry.
    post(
        &node,
        json!({"id": "se-test-hemtjanst", "kind": "initiative", "access_level": "consortium",
               "status": "active", "countries": ["SE"], "original_lang": "sv",
               "title": {"sv": "Digital tillsyn inom hemtjänsten", "en": "Digital night checks in home care"},
               "summary": {"sv": "Kommunens hemtjänstpersonal använder kameror för tillsyn nattetid."}}),
    )
    .await?;
    post(
        &node,
        json!({"id": "fr-test-logement", "kind": "initiative", "access_level": "consortium",
               "status": "active", "countries": ["FR"], "original_lang": "fr",
               "title": {"fr": "Un logement d'abord pour les jeunes", "en": "Housing first for young people"},
               "summary": {"fr": "Un toit stable avant tout accompagnement."}}),
    )
    .await?;
    // The French record went last: once it is searchable, both are (updates apply in order).
    wait_until("the new records to be searchable", || async {
        let v = search(&node, "q=young%20people").await.ok()?;
        ids(&v)
            .contains(&"fr-test-logement".to_owned())
            .then_some(())
    })
    .await?;

    // Latvian: folding ("aprupe majas" finds "aprūpe mājās").
    let v = search(&node, "q=aprupe%20majas").await?;
    assert!(ids(&v).contains(&"lv-samaritan-mobile-care".into()), "{v}");
    assert!(
        v["hits"][0]["highlight"].as_str().unwrap().contains("<b>"),
        "highlights mark the match: {v}"
    );
    // Latvian with a typo (one letter) still finds it.
    let v = search(&node, "q=vientuliem%20senjoriem").await?;
    assert!(ids(&v).contains(&"lv-samaritan-mobile-care".into()), "{v}");
    // Spanish: stemming ("viviendas" finds "vivienda").
    let v = search(&node, "q=viviendas").await?;
    assert!(ids(&v).contains(&"es-h4y-derechos-vivienda".into()), "{v}");
    // Swedish: stemming and folding ("hemtjänst" finds "hemtjänsten", "hemtjänstpersonal" not needed).
    let v = search(&node, "q=hemtj%C3%A4nst").await?;
    assert!(ids(&v).contains(&"se-test-hemtjanst".into()), "{v}");
    // French: "logements" finds "logement".
    let v = search(&node, "q=logements").await?;
    assert!(ids(&v).contains(&"fr-test-logement".into()), "{v}");
    // English query finds the Latvian record through its English translation.
    let v = search(&node, "q=mobile%20care&country=LV").await?;
    assert!(ids(&v).contains(&"lv-samaritan-mobile-care".into()), "{v}");
    // Words must all match: a word found nowhere gives nothing.
    let v = search(&node, "q=aprupe%20zzzqqq").await?;
    assert_eq!(v["total"], 0, "{v}");
    node.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facet_counts_equal_the_counts_of_the_same_filter() -> Result<()> {
    let node = node_with_sample().await?;
    let v = search(&node, "kind=initiative&limit=1").await?;
    let total = v["total"].as_u64().unwrap();
    assert_eq!(
        total as usize,
        node.ids("kind=initiative").await?.len(),
        "total = records of that kind"
    );
    // Every value of these facets counts exactly the records the record filter returns.
    for facet in [
        "country",
        "theme",
        "target_group",
        "esf_objective",
        "sdg",
        "stage",
        "evidence_level",
        "nuts",
    ] {
        let buckets = v["facets"][facet].as_array().unwrap().clone();
        assert!(!buckets.is_empty(), "{facet} has values");
        for b in buckets {
            let value = b["value"].as_str().unwrap();
            let count = b["count"].as_u64().unwrap() as usize;
            let filtered = node
                .ids(&format!("kind=initiative&{facet}={value}"))
                .await?
                .len();
            // NUTS filters by prefix; the facet counts exact codes, so it can only be smaller.
            if facet == "nuts" {
                assert!(count <= filtered, "{facet}={value}: {count} > {filtered}");
            } else {
                assert_eq!(count, filtered, "{facet}={value}");
            }
        }
    }
    // Filters narrow, combine with text, and agree with the record filter.
    let v = search(
        &node,
        "kind=initiative&theme=housing_homelessness&min_evidence_level=3",
    )
    .await?;
    let mut found = ids(&v);
    found.sort();
    let mut expected = node
        .ids("kind=initiative&theme=housing_homelessness&min_evidence_level=3")
        .await?;
    expected.sort();
    assert_eq!(found, expected);
    assert!(!expected.is_empty());
    // Sorting by date, and offset pagination without overlap.
    let first = search(&node, "kind=organisation&sort=date&limit=5").await?;
    let second = search(&node, "kind=organisation&sort=date&limit=5&offset=5").await?;
    let (a, b) = (ids(&first), ids(&second));
    assert_eq!((a.len(), b.len()), (5, 5));
    assert!(a.iter().all(|id| !b.contains(id)));
    // Bad parameters are named.
    let (status, body) = node.get("/api/v1/search?colour=red").await?;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
    node.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_follows_edits_and_deletes_and_is_rebuilt_after_a_restart() -> Result<()> {
    let node = TestNode::start("search test", "LV").await?;
    let record = json!({"id": "lv-reindex", "kind": "initiative", "access_level": "consortium",
                        "status": "active", "countries": ["LV"], "title": {"en": "Community kitchen"},
                        "summary": {"en": "Meals cooked together"}});
    post(&node, record.clone()).await?;
    wait_until("indexed", || async {
        (search(&node, "q=kitchen").await.ok()?["total"] == 1).then_some(())
    })
    .await?;
    let mut edited = record.clone();
    edited["title"] = json!({"en": "Community garden"});
    node.http
        .put(format!("{}/api/v1/records/lv-reindex", node.url))
        .json(&edited)
        .send()
        .await?;
    wait_until("re-indexed", || async {
        let v = search(&node, "q=garden").await.ok()?;
        (v["total"] == 1 && search(&node, "q=kitchen").await.ok()?["total"] == 0).then_some(())
    })
    .await?;
    // A lost index is rebuilt from the store at the next start.
    let dir = node.dir().to_owned();
    let data = node.data_dir;
    node.node.shutdown().await;
    std::fs::remove_dir_all(dir.join("index"))?;
    let config = sicc_node::config::Config::load(&dir, &Default::default())?;
    let restarted = sicc_node::node::start(config).await?;
    let url = restarted.api_url();
    let http = sicc_tests::admin_client(&dir)?;
    let v: Value = http
        .get(format!("{url}/api/v1/search?q=garden"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(v["total"], 1, "rebuilt before the API answers: {v}");
    http.delete(format!("{url}/api/v1/records/lv-reindex"))
        .send()
        .await?;
    wait_until("removed from the index", || async {
        let v: Value = http
            .get(format!("{url}/api/v1/search?q=garden"))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (v["total"] == 0).then_some(())
    })
    .await?;
    restarted.shutdown().await;
    drop(data);
    Ok(())
}

/// Staff search in their own language and find every country's records through the labels of
/// their codes (themes, target groups), though no text of those records is in that language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_or_latvian_query_finds_other_countries_records_through_code_labels() -> Result<()>
{
    let node = node_with_sample().await?;
    let cases: &[(&str, &[&str])] = &[
        // Latvian: homelessness records written in French, Spanish and English.
        (
            "bezpajumtnieki",
            &["fr-soliguide", "es-habitat-housing-first"],
        ),
        // Spanish: a French initiative, and Latvian ones.
        (
            "personas%20sin%20hogar",
            &["fr-soliguide", "fr-simon-de-cyrene"],
        ),
        (
            "cuidados%20comunitarios",
            &["lv-samaritan-mobile-care", "lv-riga-dementia-day-care"],
        ),
        ("personas%20mayores", &["fr-siel-bleu", "lv-senior-riga"]),
        ("soledad", &["lv-samaritan-mobile-care"]),
        (
            "discapacidad",
            &["lv-support-person-decisions", "fr-simon-de-cyrene"],
        ),
    ];
    for (q, expected) in cases {
        let v = search(&node, &format!("q={q}&limit=100")).await?;
        let found = ids(&v);
        for id in *expected {
            assert!(
                found.contains(&(*id).to_owned()),
                "`{q}` does not find {id}: {found:?}"
            );
        }
    }
    // Through the labels, not the text: the French record holds no Latvian word to highlight.
    let v = search(&node, "q=bezpajumtnieki&limit=100").await?;
    let soliguide = v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| h["id"] == "fr-soliguide")
        .cloned()
        .expect("bezpajumtnieki finds the French homelessness initiative");
    assert!(
        !soliguide["highlight"]
            .as_str()
            .unwrap_or_default()
            .contains("<b>"),
        "{soliguide}"
    );
    // A record's own words rank above a code's label: "aprūpe mājās" is the Latvian label of
    // home care, which twenty records hold, and the text of one.
    let v = search(&node, "q=aprupe%20majas").await?;
    assert_eq!(v["hits"][0]["id"], "lv-samaritan-mobile-care", "{v}");
    // A word that is in no label and no text still finds nothing.
    let v = search(&node, "q=zzqxj").await?;
    assert_eq!(v["total"], 0, "{v}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_most_records_hold_does_not_narrow_a_query_with_a_rarer_word() -> Result<()> {
    let node = TestNode::start("search test", "LV").await?;
    let summaries = [
        "Meals cooked together in the day centre",
        "Rides to the day centre",
        "Reading aloud at the day centre",
        "A zebra crossing near the school",
    ];
    for (i, summary) in summaries.iter().enumerate() {
        post(
            &node,
            json!({"id": format!("lv-common-{i}"), "kind": "initiative",
                   "access_level": "consortium", "status": "active", "countries": ["LV"],
                   "title": {"en": format!("Initiative {i}")}, "summary": {"en": summary}}),
        )
        .await?;
    }
    wait_until("indexed", || async {
        (search(&node, "q=zebra").await.ok()?["total"] == 1).then_some(())
    })
    .await?;
    // "centre" is in three records of four: beside "zebra" it is left out, so the zebra record
    // is found although it does not say "centre".
    let v = search(&node, "q=centre%20zebra").await?;
    assert_eq!(ids(&v), ["lv-common-3"], "{v}");
    // Alone, or beside another common word, it still selects.
    let v = search(&node, "q=centre").await?;
    assert_eq!(v["total"], 3, "{v}");
    let v = search(&node, "q=day%20centre").await?;
    assert_eq!(v["total"], 3, "{v}");
    Ok(())
}
