//! Real libp2p connections between nodes on loopback: members meet and exchange
//! `/sicc/sync/1` messages over TCP and QUIC; a non-member gets no session.

use sicc_node::p2p::identity::NodeIdentity;
use sicc_node::p2p::network::{Member, NetworkConfig, NetworkEvent, NetworkHandle, spawn};
use sicc_protocol::identity::NodeId;
use sicc_protocol::wire::{Message, WIRE_VERSION};
use sicc_tests::wait_until;
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Peer {
    id: NodeId,
    identity: NodeIdentity,
    _dir: tempfile::TempDir,
}

fn peer() -> Peer {
    let dir = tempfile::tempdir().unwrap();
    let identity = NodeIdentity::create(dir.path()).unwrap();
    Peer {
        id: identity.signer().node_id(),
        identity,
        _dir: dir,
    }
}

fn config(listen: &[&str], members: Vec<Member>) -> NetworkConfig {
    NetworkConfig {
        listen: listen.iter().map(|s| s.to_string()).collect(),
        members,
        redial_every: Duration::from_millis(200),
        redial_max: Duration::from_secs(2),
        limits: Default::default(),
    }
}

fn summary() -> Message {
    Message::Summary {
        v: WIRE_VERSION,
        catalog: "test".into(),
        manifest_version: 1,
        digest: "00".repeat(32),
        docs: 0,
        after: None,
    }
}

/// Answers every request with `in_sync` and records who asked and what else happened.
fn answer_requests(
    handle: NetworkHandle,
    mut events: tokio::sync::mpsc::Receiver<NetworkEvent>,
) -> Arc<Mutex<Vec<String>>> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                NetworkEvent::Request { peer, slot, .. } => {
                    seen.lock().unwrap().push(format!("request from {peer}"));
                    let _ = handle
                        .respond(
                            slot,
                            Message::InSync {
                                v: WIRE_VERSION,
                                catalog: "test".into(),
                            },
                        )
                        .await;
                }
                NetworkEvent::PeerUp(p) => seen.lock().unwrap().push(format!("up {p}")),
                NetworkEvent::PeerDown(p) => seen.lock().unwrap().push(format!("down {p}")),
                NetworkEvent::Refused => seen.lock().unwrap().push("refused".into()),
            }
        }
    });
    log
}

async fn addrs(handle: &NetworkHandle, transport: &str) -> Vec<String> {
    wait_until("listen addresses", || async {
        let a: Vec<String> = handle
            .listen_addrs()
            .await
            .ok()?
            .into_iter()
            .filter(|a| a.contains(transport))
            .collect();
        (!a.is_empty()).then_some(a)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn members_exchange_sync_messages_and_a_non_member_gets_no_session() -> anyhow::Result<()> {
    let (a, b, c) = (peer(), peer(), peer());
    // B knows A (A dials in); C is nobody's member.
    let (hb, eb, _) = spawn(
        &b.identity,
        config(
            &["/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"],
            vec![Member {
                node_id: a.id,
                addrs: vec![],
            }],
        ),
        &mut sicc_node::metrics::NodeMetrics::new().registry,
    )?;
    let b_log = answer_requests(hb.clone(), eb);
    let b_tcp = addrs(&hb, "/tcp/").await;

    // A dials B over TCP and syncs.
    let (ha, ea, _) = spawn(
        &a.identity,
        config(
            &["/ip4/127.0.0.1/tcp/0"],
            vec![Member {
                node_id: b.id,
                addrs: b_tcp.clone(),
            }],
        ),
        &mut sicc_node::metrics::NodeMetrics::new().registry,
    )?;
    let _a_log = answer_requests(ha.clone(), ea);
    wait_until("A connected to B", || async {
        ha.connected().await.ok()?.contains(&b.id).then_some(())
    })
    .await?;
    let answer = ha.request(b.id, summary()).await?;
    assert_eq!(
        answer,
        Message::InSync {
            v: WIRE_VERSION,
            catalog: "test".into()
        }
    );

    // C dials B as if it were a member: B closes the connection after the handshake.
    let (hc, ec, _) = spawn(
        &c.identity,
        config(
            &["/ip4/127.0.0.1/tcp/0"],
            vec![Member {
                node_id: b.id,
                addrs: b_tcp,
            }],
        ),
        &mut sicc_node::metrics::NodeMetrics::new().registry,
    )?;
    let _c_log = answer_requests(hc.clone(), ec);
    wait_until("B refused C", || async {
        b_log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l == "refused")
            .then_some(())
    })
    .await?;
    let attempt = hc.request(b.id, summary()).await;
    assert!(attempt.is_err(), "a non-member got an answer: {attempt:?}");
    let log = b_log.lock().unwrap().clone();
    assert!(log.contains(&format!("request from {}", a.id)));
    assert!(
        !log.iter().any(|l| l.contains(&c.id.to_string())),
        "B saw C: {log:?}"
    );
    assert!(!hb.connected().await?.contains(&c.id));

    // A request to a node outside the roster is refused locally.
    let stranger = peer();
    assert!(ha.request(stranger.id, summary()).await.is_err());
    Ok(())
}

#[tokio::test]
async fn members_connect_over_quic() -> anyhow::Result<()> {
    let (a, b) = (peer(), peer());
    let (hb, eb, _) = spawn(
        &b.identity,
        config(
            &["/ip4/127.0.0.1/udp/0/quic-v1"],
            vec![Member {
                node_id: a.id,
                addrs: vec![],
            }],
        ),
        &mut sicc_node::metrics::NodeMetrics::new().registry,
    )?;
    let _b_log = answer_requests(hb.clone(), eb);
    let b_quic = addrs(&hb, "/quic-v1").await;
    let (ha, ea, _) = spawn(
        &a.identity,
        config(
            &["/ip4/127.0.0.1/udp/0/quic-v1"],
            vec![Member {
                node_id: b.id,
                addrs: b_quic,
            }],
        ),
        &mut sicc_node::metrics::NodeMetrics::new().registry,
    )?;
    let _a_log = answer_requests(ha.clone(), ea);
    let answer = wait_until("a sync answer over QUIC", || async {
        ha.request(b.id, summary()).await.ok()
    })
    .await?;
    assert!(matches!(answer, Message::InSync { .. }));
    Ok(())
}

/// A member that was down when first dialled is still dialled, with its roster address, once
/// it comes up. (libp2p's address book drops an address after a failed dial; the network
/// keeps the roster's own. Found by the backup/restore scenario, where both sides had failed
/// once and neither ever dialled again.)
#[tokio::test]
async fn a_member_that_was_down_at_first_is_reached_when_it_comes_up() -> anyhow::Result<()> {
    let (a, b) = (peer(), peer());
    // A port with nothing on it yet: A's first dials fail.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let b_addr = format!("/ip4/127.0.0.1/tcp/{port}");
    let mut metrics = sicc_node::metrics::NodeMetrics::new();
    let (ha, ea, _) = spawn(
        &a.identity,
        config(
            &["/ip4/127.0.0.1/tcp/0"],
            vec![Member {
                node_id: b.id,
                addrs: vec![b_addr.clone()],
            }],
        ),
        &mut metrics.registry,
    )?;
    let a_log = answer_requests(ha.clone(), ea);
    // Several dials fail first (redial every 200 ms), as libp2p's own metrics show.
    wait_until("three failed dials", || async {
        let failed: f64 = metrics
            .encode()
            .lines()
            .filter(|l| l.starts_with("sicc_libp2p_swarm_outgoing_connection_error_total"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        (failed >= 3.0).then_some(())
    })
    .await?;
    assert!(a_log.lock().unwrap().is_empty(), "nothing to meet yet");
    let (hb, eb, _) = spawn(
        &b.identity,
        config(
            &[&b_addr],
            vec![Member {
                node_id: a.id,
                addrs: vec![],
            }],
        ),
        &mut sicc_node::metrics::NodeMetrics::new().registry,
    )?;
    let _b_log = answer_requests(hb.clone(), eb);
    wait_until("A to reach B once B is up", || async {
        let up = format!("up {}", b.id);
        a_log.lock().unwrap().contains(&up).then_some(())
    })
    .await?;
    Ok(())
}
