//! The four-country federation as real `sicc run` processes in Linux network namespaces, each
//! with its own address: it comes up, converges, survives a node being cut off the network,
//! and tears down leaving no namespace, link or process behind.
//!
//! Needs root. Without it the test says so and passes, unless `SICC_REQUIRE_NETNS=1` (set by
//! `.ci/run`), which turns the missing capability into a failure.

use anyhow::Result;
use serde_json::json;
use sicc_tests::netns::{NetnsFederation, available, leftovers};
use sicc_tests::wait_until;

fn initiative(id: &str) -> serde_json::Value {
    json!({
        "id": id, "kind": "initiative", "access_level": "consortium",
        "title": {"en": format!("Initiative {id}")}, "status": "active",
        "countries": ["LV"], "summary": {"en": "Published inside a network namespace"},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_countries_in_network_namespaces_converge_and_tear_down_cleanly() -> Result<()> {
    if !available() {
        assert!(
            std::env::var("SICC_REQUIRE_NETNS").is_err(),
            "SICC_REQUIRE_NETNS is set but network namespaces are unavailable (need root and iproute2)"
        );
        eprintln!("skipped: network namespaces need root and iproute2");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut fed = NetnsFederation::up(&["ES", "FR", "SE", "LV"]).await?;
    eprintln!("up after {:?}", started.elapsed());
    let prefix = fed.prefix.clone();
    let (es, fr, se, lv) = (0, 1, 2, 3);
    let owner = fed.nodes[lv].node_id.clone();
    let catalog = format!("/api/v1/catalogs/{owner}/replication");
    fed.post(
        lv,
        "/api/v1/catalogs",
        &json!({"name": "replication", "title": {"en": "LV"}}),
    )
    .await?;
    for i in [es, fr, se] {
        let node_id = fed.nodes[i].node_id.clone();
        fed.post(
            lv,
            &format!("{catalog}/grant"),
            &json!({"node_id": node_id}),
        )
        .await?;
        fed.post(i, &format!("{catalog}/subscribe"), &json!({}))
            .await?;
    }
    let publish = |id: &'static str| {
        let (fed, catalog) = (&fed, &catalog);
        async move {
            fed.post(lv, "/api/v1/records", &initiative(id)).await?;
            fed.post(lv, &format!("{catalog}/publish"), &json!({"id": id}))
                .await
        }
    };
    let has = |i: usize, id: &'static str| {
        let fed = &fed;
        async move {
            let (status, v) = fed.get(i, &format!("/api/v1/records/{id}")).await.ok()?;
            (status == 200 && v.get("origin").is_some()).then_some(())
        }
    };
    publish("lv-netns-1").await?;
    for i in [es, fr, se] {
        wait_until("the entry on every subscriber", || has(i, "lv-netns-1")).await?;
    }

    eprintln!("converged after {:?}", started.elapsed());
    // SE is cut off the network: ES and FR still get the next entry, SE once it is back.
    fed.set_connected(se, false)?;
    publish("lv-netns-2").await?;
    for i in [es, fr] {
        wait_until("the entry while SE is cut off", || has(i, "lv-netns-2")).await?;
    }
    assert!(has(se, "lv-netns-2").await.is_none(), "SE is cut off");
    eprintln!("cut-off checked after {:?}", started.elapsed());
    fed.set_connected(se, true)?;
    wait_until("SE to catch up after the heal", || has(se, "lv-netns-2")).await?;
    eprintln!("SE caught up after {:?}", started.elapsed());

    // Each node saw the others over its own address, not loopback.
    let (_, peers) = fed.get(es, "/api/v1/peers").await?;
    let listen = peers["listen"].to_string();
    assert!(listen.contains(&fed.nodes[es].ip), "{listen}");

    fed.down()?;
    assert!(leftovers(&prefix).is_empty(), "{:?}", leftovers(&prefix));
    let ps = std::process::Command::new("pgrep")
        .args(["-f", &fed.data_dir(lv).display().to_string()])
        .output()?;
    assert!(ps.stdout.is_empty(), "a sicc process outlived the teardown");
    Ok(())
}
