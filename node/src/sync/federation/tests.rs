//! The federation policy without a network: inputs in, effects checked. (The simulator in
//! `tests/src/sim.rs` runs many federations over a faulty network; these pin single rules.)

use super::*;
use serde_json::json;
use std::collections::VecDeque;

fn signer(n: u8) -> Arc<NodeSigner> {
    Arc::new(NodeSigner::from_seed([n; 32]))
}

fn at(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_000_000 + secs).unwrap()
}

/// Node `me` with the others of `0..count` as its roster.
fn node(me: u8, count: u8) -> Federation {
    let members = (0..count)
        .filter(|n| *n != me)
        .map(|n| MemberInfo {
            node_id: signer(n).node_id(),
            name: format!("Node {n}"),
            country: "LV".into(),
        })
        .collect();
    Federation::new(
        FederationConfig {
            signer: signer(me),
            epoch: 0,
            members,
            limits: Default::default(),
        },
        LoadedState::default(),
    )
    .0
}

fn record(id: &str, summary: &str) -> Record {
    Record::from_json(&json!({
        "id": id, "kind": "initiative", "access_level": "consortium",
        "title": {"en": "Home care"}, "status": "active", "countries": ["LV"],
        "summary": {"en": summary}, "internal_notes": "local only",
    }))
    .unwrap()
}

fn sends(effects: &[Effect]) -> Vec<(&NodeId, &Message)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { peer, message, .. } => Some((peer, message)),
            _ => None,
        })
        .collect()
}

/// Delivers every request between the nodes (indexed by their seed) until none is left.
fn settle(nodes: &mut [Federation], first: Vec<(usize, Effect)>, now: OffsetDateTime) {
    let mut queue: VecDeque<(usize, Effect)> = first.into();
    let index = |nodes: &[Federation], id: &NodeId| nodes.iter().position(|n| &n.me() == id);
    while let Some((from, effect)) = queue.pop_front() {
        if let Effect::Send { id, peer, message } = effect {
            let to = index(nodes, &peer).unwrap();
            let peer_id = nodes[from].me();
            let answer = nodes[to].handle(
                now,
                Input::Request {
                    id: InboundId(0),
                    peer: peer_id,
                    message,
                },
            );
            let mut reply = None;
            for e in answer {
                match e {
                    Effect::Respond { message, .. } => reply = Some(message),
                    other => queue.push_back((to, other)),
                }
            }
            let more = nodes[from].handle(
                now,
                Input::Response {
                    id,
                    result: reply.ok_or_else(|| "no answer".to_owned()),
                },
            );
            queue.extend(more.into_iter().map(|e| (from, e)));
        }
    }
}

fn connect(nodes: &mut [Federation], now: OffsetDateTime) {
    let mut first = Vec::new();
    for i in 0..nodes.len() {
        for j in 0..nodes.len() {
            if i != j {
                let peer = nodes[j].me();
                first.extend(
                    nodes[i]
                        .handle(now, Input::PeerUp(peer))
                        .into_iter()
                        .map(|e| (i, e)),
                );
            }
        }
    }
    settle(nodes, first, now);
}

fn create(nodes: &mut [Federation], owner: usize, name: &str, now: OffsetDateTime) -> CatalogId {
    let (done, effects) = nodes[owner].command(
        now,
        Command::CreateCatalog {
            name: name.into(),
            title: [("en".to_owned(), "Shared".to_owned())].into(),
            description: BTreeMap::new(),
        },
    );
    done.unwrap();
    settle(
        nodes,
        effects.into_iter().map(|e| (owner, e)).collect(),
        now,
    );
    CatalogId::new(nodes[owner].me(), name).unwrap()
}

#[test]
fn peer_up_asks_for_offers_and_opens_sessions_only_for_what_the_peer_may_read() {
    let mut owner = node(0, 3);
    let catalog = {
        let (done, _) = owner.command(
            at(0),
            Command::CreateCatalog {
                name: "shared".into(),
                title: [("en".to_owned(), "Shared".to_owned())].into(),
                description: BTreeMap::new(),
            },
        );
        done.unwrap();
        CatalogId::new(owner.me(), "shared").unwrap()
    };
    let reader = signer(1).node_id();
    owner
        .command(
            at(1),
            Command::Access {
                catalog: catalog.clone(),
                node: reader,
                grant: Some(Role::Reader),
            },
        )
        .0
        .unwrap();
    let to_reader = owner.handle(at(2), Input::PeerUp(reader));
    let kinds: Vec<&str> = sends(&to_reader).iter().map(|(_, m)| m.kind()).collect();
    assert_eq!(
        kinds,
        ["offers", "summary"],
        "offers, then a session on the catalogue"
    );
    let stranger = owner.handle(at(3), Input::PeerUp(signer(2).node_id()));
    let kinds: Vec<&str> = sends(&stranger).iter().map(|(_, m)| m.kind()).collect();
    assert_eq!(
        kinds,
        ["offers"],
        "no session with a member that may not read it"
    );
}

#[test]
fn a_publish_persists_before_it_announces_and_carries_its_commit_time() {
    let mut nodes = [node(0, 2), node(1, 2)];
    connect(&mut nodes, at(0));
    let catalog = create(&mut nodes, 0, "shared", at(1));
    let (done, effects) = nodes[0].command(
        at(2),
        Command::Access {
            catalog: catalog.clone(),
            node: signer(1).node_id(),
            grant: Some(Role::Reader),
        },
    );
    done.unwrap();
    // The grant's announcement is answered (one announcement at a time per peer).
    settle(
        &mut nodes,
        effects.into_iter().map(|e| (0, e)).collect(),
        at(2),
    );
    let (done, effects) = nodes[0].command(
        at(60),
        Command::Publish {
            catalog: catalog.clone(),
            record: record("lv-1", "first"),
        },
    );
    assert!(matches!(done, Ok(Done::Published { changed: true, .. })));
    let persist = effects.iter().position(|e| matches!(e, Effect::Persist(_)));
    let announce = effects
        .iter()
        .position(|e| matches!(e, Effect::Send { .. }));
    assert!(
        persist.unwrap() < announce.unwrap(),
        "the change is durable before any peer hears of it"
    );
    let history = nodes[0].entry(&catalog, "lv-1").unwrap().history;
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].at,
        Some(at(60)),
        "the change records when it was made"
    );
    assert_eq!(history[0].author, Some(nodes[0].me()));
}

#[test]
fn a_new_catalogue_is_offered_to_connected_members_at_once() {
    let mut nodes = [node(0, 2), node(1, 2)];
    connect(&mut nodes, at(0));
    assert!(nodes[1].catalogs().is_empty());
    let catalog = create(&mut nodes, 0, "later", at(5));
    let seen = nodes[1].catalogs();
    assert_eq!(
        seen.len(),
        1,
        "the partner lists the new catalogue without waiting"
    );
    assert_eq!(seen[0].id, catalog);
    assert_eq!(seen[0].relation, Relation::Offered);
}

/// Node 0 owns catalogue `shared`; node 1 subscribed and was granted reading (time 0 to 3).
fn owner_and_reader() -> ([Federation; 2], CatalogId) {
    let mut nodes = [node(0, 2), node(1, 2)];
    connect(&mut nodes, at(0));
    let catalog = create(&mut nodes, 0, "shared", at(1));
    let (done, effects) = nodes[1].command(
        at(2),
        Command::Subscribe {
            catalog: catalog.clone(),
        },
    );
    done.unwrap();
    settle(
        &mut nodes,
        effects.into_iter().map(|e| (1, e)).collect(),
        at(2),
    );
    let (done, effects) = nodes[0].command(
        at(3),
        Command::Access {
            catalog: catalog.clone(),
            node: nodes[1].me(),
            grant: Some(Role::Reader),
        },
    );
    done.unwrap();
    settle(
        &mut nodes,
        effects.into_iter().map(|e| (0, e)).collect(),
        at(3),
    );
    (nodes, catalog)
}

#[test]
fn a_subscriber_records_when_the_owner_last_synced_with_it() {
    let (mut nodes, _) = owner_and_reader();
    // A later pass started by the owner finds both sides equal.
    let effects = nodes[0].handle(at(40), Input::Tick);
    settle(
        &mut nodes,
        effects.into_iter().map(|e| (0, e)).collect(),
        at(40),
    );
    let peers = nodes[1].peers();
    let owner = &peers.peers[0];
    assert_eq!(owner.node_id, nodes[0].me());
    assert_eq!(
        owner.last_sync_at(),
        Some(at(40)),
        "the subscriber knows when it last synced"
    );
    assert_eq!(owner.catalogs.len(), 1);
    assert!(owner.catalogs[0].converged);
}

#[test]
fn the_anti_entropy_pass_leaves_a_pair_to_the_session_the_peer_is_running() {
    let (mut nodes, catalog) = owner_and_reader();
    let owner = nodes[0].me();
    let opens_session = |effects: &[Effect]| {
        effects.iter().any(|e| {
            matches!(e, Effect::Send { peer, message: Message::Summary { catalog: c, .. }, .. }
                if *peer == owner && *c == catalog.to_string())
        })
    };
    // Node `i`'s pass at `secs`, carried out to the end; whether it opened a session.
    let pass = |nodes: &mut [Federation], i: usize, secs: i64| {
        let effects = nodes[i].handle(at(secs), Input::Tick);
        let opened = opens_session(&effects);
        settle(
            nodes,
            effects.into_iter().map(|e| (i, e)).collect(),
            at(secs),
        );
        opened
    };
    // Without a session of the owner's, the reader's pass opens one.
    assert!(pass(&mut nodes, 1, 30));
    // The owner runs a session with the reader (a long one, say: a large catalogue)...
    pass(&mut nodes, 0, 40);
    // ...so the reader's pass a moment later leaves the pair to it: the same changes would
    // otherwise be sent twice.
    assert!(!opens_session(&nodes[1].handle(at(41), Input::Tick)));
    // Once the owner has been quiet that long, the pass runs as usual.
    assert!(pass(&mut nodes, 1, 40 + PEER_SESSION_QUIET.whole_seconds()));
    // A live announcement is no session: an owner publishing every few seconds must not hold
    // the reader's passes back (they repair what an announcement of the reader's missed).
    let (done, effects) = nodes[0].command(
        at(60),
        Command::Publish {
            catalog: catalog.clone(),
            record: record("lv-1", "first"),
        },
    );
    done.unwrap();
    let announced = |e: &Effect| {
        matches!(
            e,
            Effect::Send {
                message: Message::Changes { .. },
                ..
            }
        )
    };
    assert!(effects.iter().any(announced), "announced");
    settle(
        &mut nodes,
        effects.into_iter().map(|e| (0, e)).collect(),
        at(60),
    );
    assert!(pass(&mut nodes, 1, 61));
    // Never twice in a row: the passes of both sides may keep the same phase, and only the
    // side that starts a session confirms the manifest and retries what failed.
    pass(&mut nodes, 0, 70);
    assert!(!opens_session(&nodes[1].handle(at(71), Input::Tick)));
    assert!(opens_session(&nodes[1].handle(at(72), Input::Tick)));
}

#[test]
fn requests_about_a_catalogue_not_held_or_not_readable_are_refused() {
    let mut owner = node(0, 2);
    let (done, _) = owner.command(
        at(0),
        Command::CreateCatalog {
            name: "shared".into(),
            title: [("en".to_owned(), "Shared".to_owned())].into(),
            description: BTreeMap::new(),
        },
    );
    done.unwrap();
    let stranger = signer(1).node_id();
    for catalog in [
        CatalogId::new(owner.me(), "shared").unwrap(),
        CatalogId::new(owner.me(), "missing").unwrap(),
    ] {
        let effects = owner.handle(
            at(1),
            Input::Request {
                id: InboundId(7),
                peer: stranger,
                message: Message::Summary {
                    v: sicc_protocol::wire::WIRE_VERSION,
                    catalog: catalog.to_string(),
                    manifest_version: 0,
                    digest: String::new(),
                    docs: 0,
                    after: None,
                },
            },
        );
        let answers: Vec<&Message> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Respond { id, message } if *id == InboundId(7) => Some(message),
                _ => None,
            })
            .collect();
        assert_eq!(answers.len(), 1, "exactly one answer per request");
        assert!(
            matches!(
                answers[0],
                Message::Error {
                    code: sicc_protocol::wire::ErrorCode::NotAllowed,
                    ..
                }
            ),
            "{:?}",
            answers[0]
        );
    }
}

/// Node 0 owns catalogue `shared` and grants node 1 reading, with no peer connected yet
/// (time 0 to 1).
fn owner_granting_a_reader() -> (Federation, CatalogId, NodeId) {
    let mut owner = node(0, 2);
    let (done, _) = owner.command(
        at(0),
        Command::CreateCatalog {
            name: "shared".into(),
            title: [("en".to_owned(), "Shared".to_owned())].into(),
            description: BTreeMap::new(),
        },
    );
    done.unwrap();
    let catalog = CatalogId::new(owner.me(), "shared").unwrap();
    let reader = signer(1).node_id();
    owner
        .command(
            at(1),
            Command::Access {
                catalog: catalog.clone(),
                node: reader,
                grant: Some(Role::Reader),
            },
        )
        .0
        .unwrap();
    (owner, catalog, reader)
}

#[test]
fn a_failed_session_is_retried_at_the_next_pass_not_at_once() {
    let (mut owner, _catalog, reader) = owner_granting_a_reader();
    let effects = owner.handle(at(2), Input::PeerUp(reader));
    let session = effects
        .iter()
        .find_map(|e| match e {
            Effect::Send { id, message, .. } if message.kind() == "summary" => Some(*id),
            _ => None,
        })
        .unwrap();
    let after_failure = owner.handle(
        at(3),
        Input::Response {
            id: session,
            result: Err("connection reset".into()),
        },
    );
    assert!(sends(&after_failure).is_empty(), "no retry in a tight loop");
    assert!(
        after_failure.iter().any(|e| matches!(
            e,
            Effect::Count(Count::Session("failed", took)) if *took == std::time::Duration::from_secs(1)
        )),
        "the session is counted with its time, first request to answer: {after_failure:?}"
    );
    assert_eq!(
        owner.peers().peers[0].catalogs[0].last_error.as_deref(),
        Some("connection reset")
    );
    let next_pass = owner.handle(at(33), Input::Tick);
    assert!(
        sends(&next_pass).iter().any(|(_, m)| m.kind() == "summary"),
        "the next anti-entropy pass retries"
    );
}

#[test]
fn a_peer_that_comes_back_gets_a_new_session_whatever_the_old_one_still_waits_for() {
    let (mut owner, catalog, reader) = owner_granting_a_reader();
    let summary_of = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::Send { id, message, .. } if message.kind() == "summary" => Some(*id),
            _ => None,
        })
    };
    let first = summary_of(&owner.handle(at(2), Input::PeerUp(reader))).unwrap();
    // The reader's process is killed and restarted: its old connection is closed only now,
    // with the first session's request still unanswered on it.
    owner.handle(at(3), Input::PeerDown(reader));
    let back = owner.handle(at(3), Input::PeerUp(reader));
    let second = summary_of(&back).expect("its return starts a session at once");
    assert_ne!(first, second);
    // The first request's failure arrives late: it neither ends nor holds back the new one.
    let late = owner.handle(
        at(4),
        Input::Response {
            id: first,
            result: Err("connection closed".into()),
        },
    );
    assert!(
        late.is_empty(),
        "a forgotten request's answer does nothing: {late:?}"
    );
    let slot = &owner.sessions[&(reader, catalog.clone())];
    assert!(slot.session.is_some(), "the new session still runs");
    assert!(owner.outstanding.contains_key(&second));
}

#[test]
fn announcements_to_a_peer_go_one_at_a_time_and_what_waited_follows_together() {
    let ([mut owner, mut reader], catalog) = owner_and_reader();
    let reader_id = reader.me();
    // The announcements to the reader in `effects`: (request id, changes carried).
    let announces = |effects: &[Effect]| -> Vec<(RequestId, Message)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Send { id, peer, message }
                    if *peer == reader_id && message.kind() == "changes" =>
                {
                    Some((*id, message.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let carried = |m: &Message| match m {
        Message::Changes { changes, .. } => changes.len(),
        _ => 0,
    };
    let mut n = 0;
    let mut publish = |owner: &mut Federation, count: usize| {
        let mut effects = Vec::new();
        for _ in 0..count {
            n += 1;
            let (done, more) = owner.command(
                at(10 + n),
                Command::Publish {
                    catalog: catalog.clone(),
                    record: record(&format!("lv-{n}"), "over a slow link"),
                },
            );
            done.unwrap();
            effects.extend(more);
        }
        effects
    };
    // The reader answers an announcement as it would.
    let owner_id = owner.me();
    let mut answer = |message: Message| {
        let effects = reader.handle(
            at(30),
            Input::Request {
                id: InboundId(1),
                peer: owner_id,
                message,
            },
        );
        effects
            .into_iter()
            .find_map(|e| match e {
                Effect::Respond { message, .. } => Some(message),
                _ => None,
            })
            .unwrap()
    };

    let first = announces(&publish(&mut owner, 1));
    assert_eq!(first.len(), 1);
    // The link is slow: the next changes wait while the first is unanswered.
    assert!(announces(&publish(&mut owner, 19)).is_empty());
    // Answered: the 19 go in one announcement, and its answer finds the reader in sync.
    let reply = answer(first[0].1.clone());
    let after = owner.handle(
        at(40),
        Input::Response {
            id: first[0].0,
            result: Ok(reply),
        },
    );
    let next = announces(&after);
    assert_eq!(next.len(), 1, "{after:?}");
    assert_eq!(carried(&next[0].1), 19);
    assert!(!sends(&after).iter().any(|(_, m)| m.kind() == "summary"));
    let reply = answer(next[0].1.clone());
    let after = owner.handle(
        at(41),
        Input::Response {
            id: next[0].0,
            result: Ok(reply),
        },
    );
    assert!(
        sends(&after).is_empty(),
        "in sync: nothing more to send: {after:?}"
    );

    // An announcement that fails (a timeout over a bad link), with nothing held back: a
    // session repairs the pair all the same.
    let lone = announces(&publish(&mut owner, 1));
    let failed = owner.handle(
        at(45),
        Input::Response {
            id: lone[0].0,
            result: Err("timed out".into()),
        },
    );
    let session = failed
        .iter()
        .find_map(|e| match e {
            Effect::Send { id, message, .. } if message.kind() == "summary" => Some(*id),
            _ => None,
        })
        .expect("a session follows a failed announcement");
    owner.handle(
        at(46),
        Input::Response {
            id: session,
            result: Err("timed out".into()),
        },
    );

    // An announcement that fails with changes held back: a session sends them.
    let lost = announces(&publish(&mut owner, 1));
    publish(&mut owner, 1);
    let failed = owner.handle(
        at(50),
        Input::Response {
            id: lost[0].0,
            result: Err("timed out".into()),
        },
    );
    assert!(announces(&failed).is_empty());
    let session = failed
        .iter()
        .find_map(|e| match e {
            Effect::Send { id, peer, message }
                if *peer == reader_id && message.kind() == "summary" =>
            {
                Some(*id)
            }
            _ => None,
        })
        .expect("a session follows");
    // That session fails too (the link is still bad); the next is left to anti-entropy.
    owner.handle(
        at(51),
        Input::Response {
            id: session,
            result: Err("timed out".into()),
        },
    );

    // More held back than one announcement carries: a session instead.
    let slow = announces(&publish(&mut owner, 1));
    assert_eq!(slow.len(), 1);
    publish(&mut owner, HELD_MAX + 1);
    let reply = answer(slow[0].1.clone());
    let after = owner.handle(
        at(60),
        Input::Response {
            id: slow[0].0,
            result: Ok(reply),
        },
    );
    assert!(announces(&after).is_empty());
    assert!(sends(&after).iter().any(|(_, m)| m.kind() == "summary"));

    // A peer that goes down takes its unanswered announcement with it.
    announces(&publish(&mut owner, 1));
    owner.handle(at(70), Input::PeerDown(reader_id));
    owner.handle(at(71), Input::PeerUp(reader_id));
    assert_eq!(announces(&publish(&mut owner, 1)).len(), 1);
}

#[test]
fn changes_held_for_a_peer_overflow_by_count_or_by_bytes() {
    let change = |bytes: usize| sicc_protocol::wire::WireChange {
        doc: "d".into(),
        change: "0".repeat(bytes),
        author: "a".into(),
        epoch: 0,
        signature: "s".into(),
    };
    let mut held = Held::default();
    held.hold(&[change(HELD_MAX_BYTES / 2)], &[]);
    assert!(!held.overflow && held.changes.len() == 1);
    held.hold(&[change(HELD_MAX_BYTES / 2)], &[]);
    assert!(held.overflow, "past the bytes");
    assert!(held.changes.is_empty() && !held.is_empty());
    let mut held = Held::default();
    held.hold(&vec![change(1); HELD_MAX], &[]);
    assert!(!held.overflow, "exactly the most");
    held.hold(&[change(1)], &[]);
    assert!(held.overflow, "past the count");
}

#[test]
fn a_local_edit_from_the_feed_updates_the_entry_and_a_deletion_erases_it() {
    let mut owner = node(0, 1);
    let (done, _) = owner.command(
        at(0),
        Command::CreateCatalog {
            name: "shared".into(),
            title: [("en".to_owned(), "Shared".to_owned())].into(),
            description: BTreeMap::new(),
        },
    );
    done.unwrap();
    let catalog = CatalogId::new(owner.me(), "shared").unwrap();
    owner
        .command(
            at(1),
            Command::Publish {
                catalog: catalog.clone(),
                record: record("lv-1", "first"),
            },
        )
        .0
        .unwrap();
    let id = RecordId::new("lv-1").unwrap();
    assert!(owner.publishes(&id));
    assert!(!owner.publishes(&RecordId::new("lv-2").unwrap()));
    let effects = owner.handle(
        at(2),
        Input::LocalRecords {
            upto: 9,
            changed: vec![(id.clone(), Some(record("lv-1", "second")))],
        },
    );
    assert!(
        matches!(effects.last(), Some(Effect::Consumed(9))),
        "consumed once done"
    );
    assert_eq!(
        owner.document(&catalog, "lv-1").unwrap()["summary"]["en"],
        "second"
    );
    assert!(
        owner
            .document(&catalog, "lv-1")
            .unwrap()
            .get("internal_notes")
            .is_none(),
        "local-only fields never enter the document"
    );
    owner.handle(
        at(3),
        Input::LocalRecords {
            upto: 10,
            changed: vec![(id, None)],
        },
    );
    assert!(owner.documents(&catalog).is_empty());
    assert_eq!(owner.erased(&catalog), ["lv-1"]);
}

#[test]
fn a_member_that_left_the_roster_can_still_be_revoked_but_not_granted() {
    let mut nodes = vec![node(0, 3)];
    let catalog = create(&mut nodes, 0, "shared", at(0));
    let owner = &mut nodes[0];
    let gone = signer(1).node_id();
    let access = |owner: &mut Federation, grant| {
        owner
            .command(
                at(1),
                Command::Access {
                    catalog: catalog.clone(),
                    node: gone,
                    grant,
                },
            )
            .0
    };
    access(owner, Some(Role::Writer)).unwrap();
    assert!(owner.may_read(&catalog, &gone));
    // The node leaves the roster (the admin removed it from config.toml and restarted).
    owner.config.members.retain(|m| m.node_id != gone);
    let version = owner.manifest_version(&catalog);
    access(owner, None).expect("a node the manifest still names can be revoked");
    assert!(!owner.may_read(&catalog, &gone));
    assert_eq!(owner.manifest_version(&catalog), version.map(|v| v + 1));
    assert!(matches!(
        access(owner, Some(Role::Reader)),
        Err(SyncError::NotMember(_))
    ));
    // Revoking it again changes nothing and is refused as for any non-member.
    assert!(matches!(access(owner, None), Err(SyncError::NotMember(_))));
}

#[test]
fn rejected_changes_are_logged_at_most_twenty_times_a_minute_per_peer() {
    let mut fed = node(0, 3);
    let (a, b) = (signer(1).node_id(), signer(2).node_id());
    fed.now = at(0);
    let logged = |fed: &mut Federation, peer: &NodeId, n: usize| {
        (0..n).filter(|_| fed.may_log_rejection(peer)).count()
    };
    assert_eq!(
        logged(&mut fed, &a, 5_000),
        REJECTION_LOG_LINES_PER_MINUTE as usize
    );
    // Another peer has its own allowance.
    assert_eq!(logged(&mut fed, &b, 3), 3);
    fed.now = at(59);
    assert_eq!(logged(&mut fed, &a, 1), 0);
    fed.now = at(60);
    assert_eq!(
        logged(&mut fed, &a, 100),
        REJECTION_LOG_LINES_PER_MINUTE as usize
    );
}
