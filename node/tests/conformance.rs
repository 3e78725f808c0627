//! Conformance vectors (`protocol/vectors/*.json`, SPEC.md §7). Each file is rebuilt here from
//! its inputs by the node's own code — identities, signatures, manifests, tombstones, digests,
//! frames, a receiver's verdict on every change, shared records, and a whole recorded session —
//! and must equal the file. A second implementation reads the same files and must compute the
//! same outputs.
//!
//! After a deliberate protocol change, `SICC_WRITE_VECTORS=1 cargo test -p sicc-node --test
//! conformance` rewrites the files; without it any difference fails and names the first
//! differing place.

use automerge::ReadDoc;
use automerge::transaction::{CommitOptions, Transactable};
use serde_json::{Value, json};
use sicc_node::sync::replica::{Applied, Replica};
use sicc_node::sync::session::{Session, Step, answer_paged};
use sicc_protocol::catalog::{CatalogError, CatalogId, ChangeSignature, Manifest, Tombstone};
use sicc_protocol::hex::to_hex;
use sicc_protocol::identity::{ActorId, NodeId, NodeSigner, SigningContext, verify};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{self, Message, WireChange, WireTombstone};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The members of every vector, by name, with the byte their 32-byte seed repeats.
const MEMBERS: [(&str, u8); 6] = [
    ("owner", 1),
    ("writer", 2),
    ("other_writer", 3),
    ("reader", 4),
    ("admin", 5),
    ("stranger", 6),
];

/// The time of every change (Unix seconds) and erasure in the vectors.
const TIME: i64 = 1_764_547_200;
const AT: &str = "2025-12-01T00:00:00Z";

fn signer(name: &str) -> Arc<NodeSigner> {
    let seed = MEMBERS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no member {name}"))
        .1;
    Arc::new(NodeSigner::from_seed([seed; 32]))
}

fn id(name: &str) -> NodeId {
    signer(name).node_id()
}

fn catalog() -> CatalogId {
    CatalogId::new(id("owner"), "replication").unwrap()
}

/// The catalogue of the vectors: writers `writer` and `other_writer`, reader `reader`, admin
/// `admin`; `stranger` is not a member.
fn manifest() -> Manifest {
    let mut m = Manifest::new(
        catalog(),
        BTreeMap::from([("en".into(), "Replication".into())]),
    );
    m.writers.insert(id("writer"));
    m.writers.insert(id("other_writer"));
    m.readers.insert(id("reader"));
    m.admins.insert(id("admin"));
    m
}

fn replica_of(name: &str) -> Replica {
    Replica::new(manifest().sign(&signer("owner")), signer(name), 0)
}

fn record(id: &str, summary: &str) -> Record {
    Record::from_json(&json!({
        "id": id, "kind": "initiative", "access_level": "consortium",
        "title": {"en": format!("Initiative {id}")}, "status": "active", "countries": ["LV"],
        "summary": {"en": summary}, "created_at": AT, "updated_at": AT, "revision": 1
    }))
    .unwrap()
}

fn hex_of(bytes: &[u8]) -> String {
    to_hex(bytes)
}

// ------------------------------------------------------------------------------ the files

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/vectors")
}

/// Compares `built` with the stored file, or writes it when `SICC_WRITE_VECTORS` is set.
fn check(name: &str, built: Value) {
    let path = vectors_dir().join(name);
    if std::env::var_os("SICC_WRITE_VECTORS").is_some() {
        let text = serde_json::to_string_pretty(&built).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (SICC_WRITE_VECTORS=1 writes it)", path.display()));
    let stored: Value = serde_json::from_str(&text).unwrap();
    if let Some(at) = first_difference(&stored, &built, String::new()) {
        panic!(
            "{name}: the node computes something else at {at} (a protocol change? see this file's header)"
        );
    }
}

fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (l, r) = (x.get(k), y.get(k));
                if l.is_none() || r.is_none() {
                    return Some(format!("{at}/{k} (present on one side only)"));
                }
                if let Some(d) = first_difference(l.unwrap(), r.unwrap(), format!("{at}/{k}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{at} (length {} vs {})", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (l, r))| first_difference(l, r, format!("{at}/{i}")))
        }
        _ => (a != b).then(|| format!("{at}: file {a} vs node {b}")),
    }
}

// ------------------------------------------------------------- identities and signatures

#[test]
fn identity_vectors() {
    let keys: Vec<Value> = MEMBERS
        .iter()
        .map(|(name, seed)| {
            let node = id(name);
            json!({
                "name": name,
                "seed": hex_of(&[*seed; 32]),
                "public_key": hex_of(&node.public_key()),
                "peer_id_bytes": hex_of(&node.to_bytes()),
                "node_id": node.to_string(),
            })
        })
        .collect();
    let actors: Vec<Value> = [
        ("owner", 0u32),
        ("owner", 1),
        ("writer", 0),
        ("owner", u32::MAX),
    ]
    .iter()
    .map(|(name, epoch)| {
        json!({"node": name, "epoch": epoch,
                   "actor": ActorId::derive(&id(name), *epoch).to_string()})
    })
    .collect();
    // Node ids a receiver refuses, each with why.
    let owner_bytes = id("owner").to_bytes();
    let mut secp = owner_bytes.to_vec();
    secp[3] = 0x02; // KeyType secp256k1 instead of Ed25519
    let not_a_point = (0u8..=255)
        .map(|b| {
            let mut key = [0u8; 32];
            key[0] = b;
            key[31] = 0x7f;
            key
        })
        .find(|k| {
            NodeId::from_public_key(*k)
                .to_string()
                .parse::<NodeId>()
                .is_err()
        })
        .expect("some y has no point");
    let mut not_a_point_id = owner_bytes[..6].to_vec();
    not_a_point_id.extend_from_slice(&not_a_point);
    let invalid: Vec<Value> = [
        (
            "not base58 (0, O, I and l are not in the alphabet)".to_owned(),
            "12D3KooW0OIl".to_owned(),
        ),
        (
            "the PeerId of a secp256k1 key".to_owned(),
            bs58::encode(&secp).into_string(),
        ),
        (
            "37 bytes: the key cut short".to_owned(),
            bs58::encode(&owner_bytes[..37]).into_string(),
        ),
        (
            "the key bytes are not a point of Ed25519".to_owned(),
            bs58::encode(&not_a_point_id).into_string(),
        ),
    ]
    .into_iter()
    .map(|(why, text)| {
        let error = text.parse::<NodeId>().expect_err(&why).to_string();
        json!({"node_id": text, "why": why, "error": error})
    })
    .collect();
    check(
        "identity.json",
        json!({
            "spec": "SPEC.md sections 1 and 2",
            "about": "Key pairs from 32-byte Ed25519 seeds (RFC 8032 secret keys), their PeerId bytes and node ids; actor ids per (node, epoch); node ids a receiver must refuse.",
            "keys": keys,
            "actors": actors,
            "invalid_node_ids": invalid,
        }),
    );
}

/// The group order of Ed25519, little-endian: a signature's `S` plus it verifies under a lax
/// check, and must not under the strict one.
const ORDER_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn add_order(signature: [u8; 64]) -> [u8; 64] {
    let mut out = signature;
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(signature[32 + i]) + u16::from(ORDER_L[i]) + carry;
        out[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

#[test]
fn signature_vectors() {
    let owner = signer("owner");
    let contexts = [
        SigningContext::Manifest,
        SigningContext::Change,
        SigningContext::Tombstone,
    ];
    let message = b"sicc conformance";
    let one =
        |node: &NodeId, context: SigningContext, message: &[u8], sig: &[u8; 64], why: &str| {
            json!({
                "why": why,
                "node_id": node.to_string(),
                "context": context.as_str(),
                "message": hex_of(message),
                "signed_bytes": hex_of(&context.signed_bytes(message)),
                "signature": hex_of(sig),
                "valid": verify(node, context, message, sig),
            })
        };
    let mut cases: Vec<Value> = contexts
        .iter()
        .map(|c| {
            let sig = owner.sign(*c, message);
            one(&owner.node_id(), *c, message, &sig, "signed by the owner")
        })
        .collect();
    let good = owner.sign(SigningContext::Change, message);
    let mut flipped = good;
    flipped[10] ^= 1;
    cases.push(one(
        &owner.node_id(),
        SigningContext::Change,
        message,
        &flipped,
        "one bit of R flipped",
    ));
    cases.push(one(
        &owner.node_id(),
        SigningContext::Tombstone,
        message,
        &good,
        "a change signature presented as a tombstone signature (another context)",
    ));
    cases.push(one(
        &id("writer"),
        SigningContext::Change,
        message,
        &good,
        "the owner's signature presented as the writer's",
    ));
    cases.push(one(
        &owner.node_id(),
        SigningContext::Change,
        message,
        &add_order(good),
        "S + L: the same signature with a non-canonical S (strict verification refuses it)",
    ));
    // The identity point as key, R = identity, S = 0: a lax verifier accepts it for every
    // message; the strict one refuses small-order keys and R.
    let mut identity_point = [0u8; 32];
    identity_point[0] = 1;
    let mut weak = [0u8; 64];
    weak[0] = 1;
    cases.push(one(
        &NodeId::from_public_key(identity_point),
        SigningContext::Change,
        message,
        &weak,
        "a small-order key with R = identity and S = 0 (valid for any message under a lax check)",
    ));
    check(
        "signatures.json",
        json!({
            "spec": "SPEC.md section 1",
            "about": "Ed25519 signatures over context || 00 || message, verified strictly (RFC 8032 section 5.1.7 with S < L, and small-order A and R refused). `valid` is the verdict a receiver must reach.",
            "cases": cases,
        }),
    );
}

// ------------------------------------------------------------------------------ manifests

fn manifest_verdict(r: Result<(), CatalogError>) -> String {
    match r {
        Ok(()) => "accepted".into(),
        Err(CatalogError::BadSignature { .. }) => "bad_signature".into(),
        Err(CatalogError::NotAllowed { .. }) => "not_allowed".into(),
        Err(CatalogError::Stale { .. }) => "stale".into(),
        Err(CatalogError::BadManifest(_) | CatalogError::BadId(_)) => "malformed".into(),
        Err(e) => format!("other: {e}"),
    }
}

#[test]
fn manifest_vectors() {
    let owner = signer("owner");
    let v1 = manifest();
    let mut texts = v1.clone();
    texts.version = 2;
    texts.title = BTreeMap::from([
        (
            "en".into(),
            "Quotes \" and \\ backslash, a tab\tand é".into(),
        ),
        ("lv".into(), "Mājas aprūpe 😀 \u{2028} end".into()),
    ]);
    texts.description = BTreeMap::from([("fr".into(), "Pratiques <à> répliquer\n".into())]);
    let canonical: Vec<Value> = [("version 1", &v1), ("texts that need escapes", &texts)]
        .iter()
        .map(|(what, m)| {
            let signed = (*m).clone().sign(&owner);
            json!({
                "what": what,
                "canonical": String::from_utf8(m.canonical_bytes()).unwrap(),
                "canonical_hex": hex_of(&m.canonical_bytes()),
                "signature": hex_of(&signed.signature),
                "wire": wire::manifest_value(&signed),
            })
        })
        .collect();

    // Acceptance, in order: each case names the manifest held and the one received.
    let signed_by = |m: &Manifest, who: &str| wire::manifest_value(&m.clone().sign(&signer(who)));
    let mut v2 = v1.clone();
    v2.version = 2;
    v2.readers.insert(id("stranger"));
    let mut self_promoted = v1.clone();
    self_promoted.version = 2;
    self_promoted.readers.remove(&id("reader"));
    self_promoted.admins.insert(id("reader"));
    let mut by_admin = v1.clone();
    by_admin.version = 2;
    by_admin.writers.remove(&id("other_writer"));
    let mut other_catalogue = v2.clone();
    other_catalogue.id = CatalogId::new(id("owner"), "other").unwrap();
    let mut bad_tag = v2.clone();
    bad_tag.title.insert("not a tag".into(), "x".into());
    let mut tampered = signed_by(&v2, "owner");
    tampered["manifest"]["version"] = json!(3);
    let mut reordered = serde_json::Map::new();
    let wire_v2 = signed_by(&v2, "owner");
    for key in [
        "writers",
        "version",
        "title",
        "readers",
        "format",
        "description",
        "catalog",
        "admins",
    ] {
        reordered.insert(key.into(), wire_v2["manifest"][key].clone());
    }
    let mut extra_key = wire_v2.clone();
    extra_key["manifest"]["note"] = json!("x");
    let cases: Vec<(&str, Option<Value>, Value)> = vec![
        (
            "the first manifest, signed by the owner",
            None,
            signed_by(&v1, "owner"),
        ),
        (
            "a first manifest signed by someone else than the owner",
            None,
            signed_by(&v1, "admin"),
        ),
        (
            "version 2 signed by the owner",
            Some(signed_by(&v1, "owner")),
            wire_v2.clone(),
        ),
        (
            "the same version again",
            Some(wire_v2.clone()),
            wire_v2.clone(),
        ),
        (
            "version 2 signed by an admin of version 1",
            Some(signed_by(&v1, "owner")),
            signed_by(&by_admin, "admin"),
        ),
        (
            "a reader of version 1 makes itself admin in version 2",
            Some(signed_by(&v1, "owner")),
            signed_by(&self_promoted, "reader"),
        ),
        (
            "a writer signs version 2",
            Some(signed_by(&v1, "owner")),
            signed_by(&v2, "writer"),
        ),
        (
            "version 2 altered after signing",
            Some(signed_by(&v1, "owner")),
            tampered,
        ),
        (
            "another catalogue's manifest",
            Some(signed_by(&v1, "owner")),
            signed_by(&other_catalogue, "owner"),
        ),
        (
            "a title keyed by something that is not a language tag",
            Some(signed_by(&v1, "owner")),
            signed_by(&bad_tag, "owner"),
        ),
        (
            "the manifest object's keys in another order (the receiver re-serialises it)",
            Some(signed_by(&v1, "owner")),
            json!({"manifest": Value::Object(reordered), "signer": wire_v2["signer"], "signature": wire_v2["signature"]}),
        ),
        (
            "a key the manifest does not have",
            Some(signed_by(&v1, "owner")),
            extra_key,
        ),
    ];
    let acceptance: Vec<Value> = cases
        .into_iter()
        .map(|(what, current, new)| {
            let held = current
                .as_ref()
                .map(|c| wire::manifest_from_value(c).unwrap());
            let verdict = match wire::manifest_from_value(&new) {
                Ok(m) => manifest_verdict(m.accept_after(held.as_ref())),
                Err(e) => manifest_verdict(Err(e)),
            };
            json!({"what": what, "held": current, "received": new, "verdict": verdict})
        })
        .collect();
    check(
        "manifests.json",
        json!({
            "spec": "SPEC.md section 3",
            "about": "Canonical forms (RFC 8785) of manifests and their signatures by the owner; then manifests received while holding another (or none), with the receiver's verdict: accepted, or refused as not_allowed, bad_signature, stale or malformed (the held manifest is kept).",
            "canonical": canonical,
            "acceptance": acceptance,
        }),
    );
}

#[test]
fn tombstone_vectors() {
    let m = manifest();
    let case = |what: &str, t: &Tombstone| {
        let verdict = match t.verify(&m) {
            Ok(()) => "accepted".to_owned(),
            Err(e) => manifest_verdict(Err(e)),
        };
        json!({
            "what": what,
            "catalog": t.catalog.to_string(),
            "message": hex_of(&Tombstone::message(&t.catalog, &t.doc, &t.at)),
            "wire": WireTombstone::new(t),
            "verdict": verdict,
        })
    };
    let by_owner = Tombstone::sign(&signer("owner"), catalog(), "lv-1", AT);
    let mut altered = by_owner.clone();
    altered.at = "2025-12-02T00:00:00Z".into();
    let elsewhere = Tombstone::sign(
        &signer("owner"),
        CatalogId::new(id("owner"), "other").unwrap(),
        "lv-1",
        AT,
    );
    let mut moved = elsewhere.clone();
    moved.catalog = catalog();
    let cases = vec![
        case("erased by the owner", &by_owner),
        case(
            "erased by an admin",
            &Tombstone::sign(&signer("admin"), catalog(), "lv-1", AT),
        ),
        case(
            "a writer may not erase",
            &Tombstone::sign(&signer("writer"), catalog(), "lv-1", AT),
        ),
        case(
            "a stranger may not erase",
            &Tombstone::sign(&signer("stranger"), catalog(), "lv-1", AT),
        ),
        case("its time changed after signing", &altered),
        case(
            "signed for another catalogue, presented in this one",
            &moved,
        ),
    ];
    check(
        "tombstones.json",
        json!({
            "spec": "SPEC.md section 5",
            "about": "Tombstones of document lv-1 in the catalogue of identity.json's owner (manifest as in write-scope.json) and the receiver's verdict.",
            "cases": cases,
        }),
    );
}

/// What a digest case holds: why, manifest version, documents with heads, tombstones.
type DigestCase = (
    &'static str,
    u64,
    Vec<(&'static str, Vec<[u8; 32]>)>,
    Vec<&'static str>,
);

#[test]
fn digest_vectors() {
    let h = |b: u8| [b; 32];
    let cases: Vec<DigestCase> = vec![
        ("empty catalogue, manifest version 1", 1, vec![], vec![]),
        (
            "one document, one tombstone",
            2,
            vec![("lv-1", vec![h(7)])],
            vec!["lv-0"],
        ),
        (
            "heads given out of order are sorted",
            2,
            vec![("lv-1", vec![h(9), h(3)]), ("lv-0", vec![h(1)])],
            vec![],
        ),
        (
            "ids are sorted bytewise (UTF-8)",
            1,
            vec![
                ("lv-b", vec![h(2)]),
                ("lv-B", vec![h(2)]),
                ("lv-a", vec![h(2)]),
            ],
            vec!["lv-z", "lv-Z"],
        ),
        ("no manifest held yet", 0, vec![], vec![]),
    ];
    let out: Vec<Value> = cases
        .into_iter()
        .map(|(what, version, docs, tombstones)| {
            let digest = wire::catalog_digest(
                version,
                docs.iter().map(|(d, heads)| (*d, heads.clone())),
                tombstones.iter().copied(),
            );
            json!({
                "what": what,
                "manifest_version": version,
                "docs": docs.iter().map(|(d, heads)| json!({"doc": d,
                    "heads": heads.iter().map(|x| hex_of(x)).collect::<Vec<_>>()})).collect::<Vec<_>>(),
                "tombstones": tombstones,
                "digest": hex_of(&digest),
            })
        })
        .collect();
    check(
        "digests.json",
        json!({"spec": "SPEC.md section 6.3", "cases": out}),
    );
}

// --------------------------------------------------------------------------------- frames

#[test]
fn frame_vectors() {
    let cat = catalog().to_string();
    let owner_replica = {
        let mut r = replica_of("owner");
        r.publish(&record("lv-1", "first"), TIME).unwrap();
        r
    };
    let mut r = owner_replica;
    let change = r.changes_for("lv-1", &[]);
    let head = r.doc_heads("lv-1")[0];
    let tomb = WireTombstone::new(&Tombstone::sign(&signer("owner"), catalog(), "lv-0", AT));
    let signed = wire::manifest_value(r.signed_manifest());
    let messages = vec![
        Message::Summary {
            v: 1,
            catalog: cat.clone(),
            manifest_version: 1,
            digest: hex_of(&r.digest()),
            docs: 1,
            after: None,
        },
        Message::Summary {
            v: 1,
            catalog: cat.clone(),
            manifest_version: 1,
            digest: hex_of(&r.digest()),
            docs: 1,
            after: Some(String::new()),
        },
        Message::InSync {
            v: 1,
            catalog: cat.clone(),
        },
        Message::Heads {
            v: 1,
            catalog: cat.clone(),
            manifest_version: 1,
            manifest: Some(signed.clone()),
            docs: vec![wire::DocHeads {
                doc: "lv-1".into(),
                heads: vec![hex_of(&head)],
            }],
            tombstones: vec![tomb.clone()],
            more: false,
        },
        Message::Changes {
            v: 1,
            catalog: cat.clone(),
            manifest: None,
            changes: Vec::new(),
            tombstones: Vec::new(),
            want: vec![wire::DocHeads {
                doc: "lv-1".into(),
                heads: Vec::new(),
            }],
            more: false,
            digest: None,
        },
        Message::Changes {
            v: 1,
            catalog: cat.clone(),
            manifest: None,
            changes: change,
            tombstones: vec![tomb],
            want: Vec::new(),
            more: false,
            digest: Some(hex_of(&r.digest())),
        },
        Message::Offers { v: 1 },
        Message::Catalogs {
            v: 1,
            catalogs: vec![signed],
        },
        Message::Subscribe {
            v: 1,
            catalog: cat.clone(),
        },
        Message::Subscription {
            v: 1,
            catalog: cat.clone(),
            status: wire::SubscriptionStatus::Granted,
        },
        Message::error(
            wire::ErrorCode::NotAllowed,
            "not a reader of this catalogue",
        ),
    ];
    let valid: Vec<Value> = messages
        .iter()
        .map(|m| {
            let frame = m.encode();
            assert_eq!(&Message::decode(&frame).unwrap().0, m);
            json!({"type": m.kind(), "message": serde_json::to_value(m).unwrap(), "frame": hex_of(&frame)})
        })
        .collect();

    let frame_of = |body: &[u8]| {
        let mut f = (body.len() as u32).to_be_bytes().to_vec();
        f.extend_from_slice(body);
        f
    };
    let digest = "00".repeat(32);
    let summary = |extra: &str| {
        format!(
            r#"{{"type":"summary","v":1,"catalog":"{cat}","manifest_version":1,"digest":"{digest}","docs":0{extra}}}"#
        )
    };
    let too_many_heads = format!(
        r#"{{"type":"changes","v":1,"catalog":"{cat}","changes":[],"tombstones":[],"want":[{{"doc":"lv-1","heads":[{}]}}],"more":false}}"#,
        vec![format!("\"{}\"", "07".repeat(32)); wire::MAX_HEADS + 1].join(",")
    );
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("fields in another order (accepted)", format!(r#"{{"docs":0,"digest":"{digest}","manifest_version":1,"catalog":"{cat}","v":1,"type":"summary"}}"#).into_bytes()),
        ("wire version 2", summary("").replace("\"v\":1", "\"v\":2").into_bytes()),
        ("wire version 2 with a type this version lacks", br#"{"type":"hello","v":2}"#.to_vec()),
        ("an unknown type", br#"{"type":"hello","v":1}"#.to_vec()),
        ("an unknown field", summary(",\"extra\":1").into_bytes()),
        ("a required field missing (changes without want)", format!(r#"{{"type":"changes","v":1,"catalog":"{cat}","changes":[],"tombstones":[],"more":false}}"#).into_bytes()),
        ("an optional field as null (read as absent)", summary(",\"after\":null").into_bytes()),
        ("a document id that is not a record id", summary(",\"after\":\"lv 1\"").into_bytes()),
        ("65 heads for one document", too_many_heads.into_bytes()),
        ("not JSON", b"summary".to_vec()),
    ];
    let mut invalid: Vec<Value> = bodies
        .into_iter()
        .map(|(what, body)| {
            let frame = frame_of(&body);
            json!({"what": what, "frame": hex_of(&frame), "verdict": frame_verdict(&frame)})
        })
        .collect();
    for (what, frame) in [
        (
            "a length beyond 8 MiB (refused before the body is read)",
            hex_of(&((wire::MAX_FRAME_BYTES + 1) as u32).to_be_bytes()),
        ),
        (
            "fewer bytes than the length announces",
            hex_of(&frame_of(b"{}")[..5]),
        ),
    ] {
        let bytes = sicc_protocol::hex::from_hex(&frame).unwrap();
        invalid.push(json!({"what": what, "frame": frame, "verdict": frame_verdict(&bytes)}));
    }
    check(
        "frames.json",
        json!({
            "spec": "SPEC.md sections 6.2 and 6.4",
            "about": "Every message type with its frame (u32 BE length, then the JSON body) as the node encodes it; then frames with the receiver's verdict: `accepted` (with the message read), the `error` code a request gets (`version`, `malformed`), or `reset` (the stream is reset: `too_large` before the body is read, `incomplete`).",
            "messages": valid,
            "frames": invalid,
        }),
    );
}

/// What a node does with a frame: the request it takes, the `error` code it answers (through
/// the same mapping the network codec uses), or the stream reset.
fn frame_verdict(frame: &[u8]) -> Value {
    match Message::decode(frame) {
        Ok((m, _)) => json!({"accepted": serde_json::to_value(m).unwrap()}),
        Err(e) => match e.answer_code() {
            Some(code) => json!({"error": code}),
            None => json!({"reset": match e {
                wire::FrameError::TooLarge(_) => "too_large",
                _ => "incomplete",
            }}),
        },
    }
}

// -------------------------------------------------------------------------------- changes

/// A hand-made change signed by `author` for `doc`, claiming `epoch`, made under the actor of
/// `actor_epoch` (they differ only to forge), by `edit` on top of `base` (a saved document).
fn raw_change(
    author: &str,
    epoch: u32,
    actor_epoch: u32,
    doc: &str,
    base: Option<&[u8]>,
    edit: impl FnOnce(&mut automerge::AutoCommit),
) -> WireChange {
    let actor = automerge::ActorId::from(
        ActorId::derive(&id(author), actor_epoch)
            .as_bytes()
            .to_vec(),
    );
    let mut d = match base {
        Some(save) => automerge::AutoCommit::load(save).unwrap().with_actor(actor),
        None => automerge::AutoCommit::new().with_actor(actor),
    };
    edit(&mut d);
    d.commit_with(CommitOptions::default().with_time(TIME));
    let change = d.get_last_local_change().unwrap().clone();
    let signature = ChangeSignature::sign(&signer(author), catalog(), doc, change.hash().0, epoch);
    WireChange::new(change.raw_bytes(), &signature)
}

fn verdict(applied: &Applied) -> Value {
    match applied.rejected.first() {
        None if applied.applied > 0 => json!("applied"),
        None => json!("already held"),
        Some(r) => json!(r.code),
    }
}

#[test]
fn change_vectors() {
    // The receiver: `other_writer`, holding lv-1 as the owner published it, with the
    // writer's annotation.
    let mut owner = replica_of("owner");
    owner.publish(&record("lv-1", "first"), TIME).unwrap();
    let mut writer = replica_of("writer");
    writer.apply(&owner.changes_for("lv-1", &[]));
    writer.annotate("lv-1", "we pilot this", AT, TIME).unwrap();
    let setup: Vec<WireChange> = writer.changes_for("lv-1", &[]);
    let base = saved(&setup);
    let annotations = annotations_of(&base);
    let writer_id = id("writer").to_string();

    let mut cases: Vec<(&str, Vec<WireChange>)> = Vec::new();
    let owner_edit = {
        let mut o = replica_of("owner");
        o.apply(&setup);
        o.publish(&record("lv-1", "edited"), TIME).unwrap();
        let heads = o.doc_heads("lv-1");
        let mut all = o.changes_for("lv-1", &[]);
        all.retain(|c| !setup.contains(c));
        assert_eq!(all.len(), 1, "{heads:?}");
        all
    };
    cases.push(("the owner edits its record", owner_edit.clone()));
    let mut w2 = replica_of("writer");
    w2.apply(&setup);
    w2.annotate("lv-1", "we pilot this, in Riga", AT, TIME)
        .unwrap();
    let mut annotation = w2.changes_for("lv-1", &[]);
    annotation.retain(|c| !setup.contains(c));
    cases.push(("the writer edits its own annotation", annotation.clone()));
    cases.push((
        "the writer rewrites the record's status",
        vec![raw_change("writer", 0, 0, "lv-1", Some(&base), |d| {
            d.put(automerge::ROOT, "status", "closed").unwrap();
        })],
    ));
    let ann = annotations.clone();
    let other = id("other_writer").to_string();
    cases.push((
        "the writer writes another member's annotation",
        vec![raw_change("writer", 0, 0, "lv-1", Some(&base), move |d| {
            let m = d
                .put_object(&ann, other.as_str(), automerge::ObjType::Map)
                .unwrap();
            d.put(&m, "text", "forged").unwrap();
        })],
    ));
    cases.push((
        "the writer replaces the annotations map",
        vec![raw_change("writer", 0, 0, "lv-1", Some(&base), |d| {
            d.put_object(automerge::ROOT, "annotations", automerge::ObjType::Map)
                .unwrap();
        })],
    ));
    cases.push((
        "the writer creates a document",
        vec![raw_change("writer", 0, 0, "lv-2", None, |d| {
            d.put(automerge::ROOT, "id", "lv-2").unwrap();
        })],
    ));
    let ann = annotations.clone();
    cases.push((
        "a reader writes an annotation of its own",
        vec![raw_change("reader", 0, 0, "lv-1", Some(&base), move |d| {
            let m = d
                .put_object(
                    &ann,
                    id("reader").to_string().as_str(),
                    automerge::ObjType::Map,
                )
                .unwrap();
            d.put(&m, "text", "a reader writes").unwrap();
        })],
    ));
    cases.push((
        "a stranger writes",
        vec![raw_change("stranger", 0, 0, "lv-1", Some(&base), |d| {
            d.put(automerge::ROOT, "status", "closed").unwrap();
        })],
    ));
    cases.push((
        "the owner's change under its epoch-1 actor, claimed as epoch 0",
        vec![raw_change("owner", 0, 1, "lv-1", Some(&base), |d| {
            d.put(automerge::ROOT, "status", "closed").unwrap();
        })],
    ));
    let mut flipped = owner_edit.clone();
    let mut sig = sicc_protocol::hex::from_hex(&flipped[0].signature).unwrap();
    sig[0] ^= 1;
    flipped[0].signature = hex_of(&sig);
    cases.push((
        "the owner's edit with one bit of its signature flipped",
        flipped,
    ));
    let mut moved = owner_edit.clone();
    moved[0].doc = "lv-2".into();
    cases.push((
        "the owner's edit of lv-1 sent as a change of lv-2 (the signature covers the document id)",
        moved,
    ));
    let mut claimed = owner_edit.clone();
    claimed[0].author = id("admin").to_string();
    cases.push(("the owner's edit claimed by the admin", claimed));
    let mut garbage = owner_edit.clone();
    garbage[0].change = "00ff00ff".into();
    cases.push(("bytes that are not an Automerge change", garbage));
    cases.push((
        "a change of more than 512 KiB",
        vec![raw_change("owner", 0, 0, "lv-1", Some(&base), |d| {
            // Letters that do not compress: a compressed change chunk stays beyond the bound.
            let mut state = 1u32;
            let text: String = (0..800 * 1024)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    char::from(b'a' + (state >> 27) as u8 % 26)
                })
                .collect();
            d.put(automerge::ROOT, "summary", text).unwrap();
        })],
    ));
    // The same actor and sequence number as the owner's edit, other content.
    cases.push((
        "another change with the owner's actor and the sequence number of its edit (after the edit)",
        {
            let mut both = owner_edit.clone();
            both.push(raw_change("owner", 0, 0, "lv-1", Some(&base), |d| {
                d.put(automerge::ROOT, "status", "closed").unwrap();
            }));
            both
        },
    ));
    let ann = annotations;
    cases.push((
        "the writer's change on an object the receiver does not hold",
        vec![{
            // Built on a map the receiver never saw: made in a change that is not sent.
            let mut hidden =
                automerge::AutoCommit::load(&base)
                    .unwrap()
                    .with_actor(automerge::ActorId::from(
                        ActorId::derive(&id("writer"), 0).as_bytes().to_vec(),
                    ));
            let mine = hidden.get(&ann, writer_id.as_str()).unwrap().unwrap().1;
            hidden
                .put_object(&mine, "links", automerge::ObjType::Map)
                .unwrap();
            hidden.commit_with(CommitOptions::default().with_time(TIME));
            let links = hidden.get(&mine, "links").unwrap().unwrap().1;
            let mut next = hidden.clone();
            next.put(&links, "a", "b").unwrap();
            next.commit_with(CommitOptions::default().with_time(TIME));
            let change = next.get_last_local_change().unwrap().clone();
            let s = ChangeSignature::sign(&signer("writer"), catalog(), "lv-1", change.hash().0, 0);
            WireChange::new(change.raw_bytes(), &s)
        }],
    ));

    // A stored change chunk with one bit of its checksum flipped: the signature (over the
    // hash, which the checksum is not part of) still verifies.
    let mut bad_checksum = owner_edit.clone();
    let mut bytes = bad_checksum[0].change_bytes().unwrap();
    bytes[4] ^= 1;
    bad_checksum[0].change = hex_of(&bytes);
    cases.push((
        "the owner's edit with its chunk checksum damaged",
        bad_checksum,
    ));
    let ann = annotations_of(&base);
    let me = writer_id.clone();
    cases.push((
        "the writer nests maps 20 deep inside its own annotation",
        vec![raw_change("writer", 0, 0, "lv-1", Some(&base), move |d| {
            let mut at = d.get(&ann, me.as_str()).unwrap().unwrap().1;
            for _ in 0..20 {
                at = d
                    .put_object(&at, "deeper", automerge::ObjType::Map)
                    .unwrap();
            }
        })],
    ));
    cases.push((
        "a compressed change chunk that inflates to 3 MiB",
        vec![deflate_bomb()],
    ));

    let mut out: Vec<Value> = cases
        .into_iter()
        .map(|(what, changes)| {
            let mut receiver = replica_of("other_writer");
            let held = receiver.apply(&setup);
            assert_eq!((held.applied, held.rejected.len()), (setup.len(), 0));
            // One change at a time, in order: each verdict is that change's.
            let verdicts: Vec<Value> = changes
                .iter()
                .map(|c| verdict(&receiver.apply(std::slice::from_ref(c))))
                .collect();
            json!({"what": what, "batches": changes.iter().map(|c| vec![shown(c)]).collect::<Vec<_>>(),
                   "verdicts": verdicts})
        })
        .collect();

    // After an erasure, nothing more of the document is taken.
    let mut receiver = replica_of("other_writer");
    receiver.apply(&setup);
    let tombstone = WireTombstone::new(&Tombstone::sign(&signer("owner"), catalog(), "lv-1", AT));
    receiver.accept_tombstone(&tombstone).unwrap();
    out.push(json!({
        "what": "the owner's edit after the receiver accepted the document's tombstone",
        "tombstone_first": tombstone,
        "batches": [[shown(&owner_edit[0])]],
        "verdicts": [verdict(&receiver.apply(&owner_edit))],
    }));

    // A demoted writer's past change stays valid where the owner built on it (SPEC.md §4,
    // check 4): a receiver that holds only manifest version 2, in which `writer` is a reader,
    // refuses the annotation alone and takes it with the owner's endorsement.
    let mut demoted = manifest();
    demoted.version = 2;
    demoted.writers.remove(&id("writer"));
    demoted.readers.insert(id("writer"));
    let demoted = demoted.sign(&signer("owner"));
    let mut owner_side = replica_of("owner");
    owner_side.apply(&setup);
    owner_side.adopt_manifest(demoted.clone()).unwrap();
    let endorsement: Vec<WireChange> = owner_side
        .endorse_changes_by(&id("writer"), TIME)
        .unwrap()
        .iter()
        .map(|c| WireChange::new(&c.bytes, &c.signature))
        .collect();
    assert_eq!(endorsement.len(), 1);
    let record_change: Vec<WireChange> = setup
        .iter()
        .filter(|c| c.author == id("owner").to_string())
        .cloned()
        .collect();
    let annotation: Vec<WireChange> = setup
        .iter()
        .filter(|c| c.author == writer_id)
        .cloned()
        .collect();
    let mut receiver = Replica::new(demoted.clone(), signer("other_writer"), 0);
    let batches = [
        record_change.clone(),
        annotation.clone(),
        [annotation, endorsement].concat(),
    ];
    let verdicts: Vec<Value> = batches
        .iter()
        .map(|b| verdict(&receiver.apply(b)))
        .collect();
    out.push(json!({
        "what": "a demoted writer's annotation: alone, then with the owner's endorsement built on it",
        "manifest": wire::manifest_value(&demoted),
        "holds_nothing_first": true,
        "batches": batches.iter().map(|b| b.iter().map(shown).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "verdicts": verdicts,
    }));
    check(
        "changes.json",
        json!({
            "spec": "SPEC.md sections 4 and 4.1",
            "about": "A receiver (other_writer of identity.json; the manifest of write-scope.json unless a case gives `manifest`) holding document lv-1 as `setup` built it — the owner's record and the writer's annotation — unless `holds_nothing_first`, receives each case's `batches` one after the other (after `tombstone_first`, if given). `verdicts` has one entry per batch: `applied`, `already held`, or the reason code of the first change refused. Changes longer than 1 KiB are shown cut short with their length (what is judged is only that length).",
            "setup": setup,
            "cases": out,
        }),
    );
}

/// A change as a vector file shows it: a change beyond 1 KiB is cut short (its size is what
/// the case is about), the rest in full.
fn shown(c: &WireChange) -> Value {
    let mut v = serde_json::to_value(c).unwrap();
    if c.change.len() > 2_048 {
        v["change"] = json!(format!(
            "{}… ({} bytes)",
            &c.change[..64],
            c.change.len() / 2
        ));
    }
    v
}

/// The document `changes` make, saved: the base hand-made changes build on.
fn saved(changes: &[WireChange]) -> Vec<u8> {
    let mut d = automerge::AutoCommit::new();
    for c in changes {
        d.apply_changes([automerge::Change::from_bytes(c.change_bytes().unwrap()).unwrap()])
            .unwrap();
    }
    d.save()
}

fn annotations_of(base: &[u8]) -> automerge::ObjId {
    let d = automerge::AutoCommit::load(base).unwrap();
    d.get(automerge::ROOT, "annotations").unwrap().unwrap().1
}

/// A compressed change chunk (type 2) whose DEFLATE data inflates to 3 MiB: refused while it
/// inflates, before anything else.
fn deflate_bomb() -> WireChange {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; 3 << 20]).unwrap();
    let data = encoder.finish().unwrap();
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
    let mut len = data.len();
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            chunk.push(b);
            break;
        }
        chunk.push(b | 0x80);
    }
    chunk.extend_from_slice(&data);
    let signature = ChangeSignature::sign(&signer("owner"), catalog(), "lv-1", [0; 32], 0);
    WireChange::new(&chunk, &signature)
}

// -------------------------------------------------------------------------- shared records

#[test]
fn shared_record_vectors() {
    let public = record("lv-1", "shared").public_projection().unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = public.clone();
        f(&mut v);
        v
    };
    let mut cases: Vec<(&str, &str, Value)> = vec![
        ("a valid record", "lv-1", public.clone()),
        ("the record of another document", "lv-2", public.clone()),
        (
            "no id",
            "lv-1",
            with(&|v| {
                v.as_object_mut().unwrap().remove("id");
            }),
        ),
        (
            "a code the list does not hold",
            "lv-1",
            with(&|v| v["status"] = json!("pilot")),
        ),
        (
            "a field the kind does not have",
            "lv-1",
            with(&|v| v["colour"] = json!("red")),
        ),
        (
            "access level local",
            "lv-1",
            with(&|v| v["access_level"] = json!("local")),
        ),
        (
            "internal notes",
            "lv-1",
            with(&|v| v["internal_notes"] = json!("call back")),
        ),
        (
            "a local-only field",
            "lv-1",
            with(&|v| v["contact_person"] = json!("person-1")),
        ),
        (
            "a person record (never shared; this one also lacks a required field, named first)",
            "lv-1",
            json!({"id": "lv-1", "kind": "person", "access_level": "consortium", "name": "A Person"}),
        ),
    ];
    // A string written as Automerge text: the owner's change replaces the title's `en`
    // string with a text object; a receiver reads the document and quarantines it.
    let mut owner = replica_of("owner");
    owner.publish(&record("lv-1", "shared"), TIME).unwrap();
    let setup = owner.changes_for("lv-1", &[]);
    let base = saved(&setup);
    let as_text = raw_change("owner", 0, 0, "lv-1", Some(&base), |d| {
        let title = d.get(automerge::ROOT, "title").unwrap().unwrap().1;
        let t = d
            .put_object(&title, "en", automerge::ObjType::Text)
            .unwrap();
        d.splice_text(&t, 0, 0, "Initiative lv-1").unwrap();
    });
    let mut receiver = replica_of("reader");
    let applied = receiver.apply(&[setup, vec![as_text.clone()]].concat());
    assert_eq!(applied.applied, 2, "{:?}", applied.rejected);
    let mut read = receiver.document_json("lv-1").unwrap();
    read.as_object_mut().unwrap().remove("annotations");
    cases.push(("a string written as Automerge text", "lv-1", read));
    let text_change = as_text;
    let out: Vec<Value> = cases
        .into_iter()
        .map(|(what, doc, v)| {
            let verdict = match Record::from_shared(doc, &v) {
                Ok(_) => json!("valid"),
                Err(e) => json!({"quarantined": e.field()}),
            };
            json!({"what": what, "doc": doc, "record": v, "verdict": verdict})
        })
        .collect();
    check(
        "shared-records.json",
        json!({
            "spec": "SPEC.md section 6.9 and protocol/schema/record.json",
            "about": "A document's root map without `annotations`, read as a record: `valid`, or quarantined naming the first field at fault. A quarantined document is kept and synced but never shown or searched as a record. The Automerge-text case is made by `text_change` (the owner's change, on top of the owner's publication of lv-1 as in changes.json) and shows the node's reading of a text object.",
            "text_change": text_change,
            "cases": out,
        }),
    );
}

// ----------------------------------------------------------------------- a whole session

/// One frame of the transcript.
fn frame(from: &str, role: &str, m: &Message) -> Value {
    let bytes = m.encode();
    let back = Message::decode(&bytes).unwrap().0;
    assert_eq!(&back, m);
    json!({"from": from, "role": role, "type": m.kind(), "frame": hex_of(&bytes)})
}

/// Runs a session from `initiator` to `responder` (heads pages of `page`), recording it.
fn recorded(
    initiator: (&str, &mut Replica),
    responder: (&str, &mut Replica),
    page: usize,
    frames: &mut Vec<Value>,
) {
    let (mut session, mut request) = Session::initiate(initiator.1, id(responder.0));
    let mut applied = Applied::default();
    loop {
        frames.push(frame(initiator.0, "request", &request));
        let response = answer_paged(responder.1, request, &mut applied, page);
        frames.push(frame(responder.0, "response", &response));
        match session.handle(initiator.1, response, &mut applied) {
            Step::Send(next) => request = next,
            Step::Done(outcome) => {
                assert!(outcome.converged, "{outcome:?}");
                break;
            }
            Step::Failed(f) => panic!("session failed: {f}"),
        }
    }
    assert!(applied.rejected.is_empty(), "{:?}", applied.rejected);
}

#[test]
fn session_transcript() {
    let mut owner = replica_of("owner");
    for (doc, text) in [("lv-a", "a"), ("lv-b", "b"), ("lv-c", "c"), ("lv-d", "d")] {
        owner.publish(&record(doc, text), TIME).unwrap();
    }
    let mut writer = replica_of("writer");
    let mut ignored = Vec::new();
    recorded(
        ("writer", &mut writer),
        ("owner", &mut owner),
        2_000,
        &mut ignored,
    );
    // What the writer holds before the transcript starts.
    let before: Vec<Value> = writer
        .doc_ids()
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
        .flat_map(|d| writer.changes_for(&d, &[]))
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    // Meanwhile: the owner edits lv-b, publishes lv-e and erases lv-c; the writer annotates lv-a.
    owner
        .publish(&record("lv-b", "b, edited"), TIME + 60)
        .unwrap();
    owner.publish(&record("lv-e", "e"), TIME + 60).unwrap();
    owner.erase("lv-c", AT).unwrap();
    writer
        .annotate("lv-a", "we pilot this", AT, TIME + 60)
        .unwrap();
    let owner_after: Vec<Value> = ["lv-a", "lv-b", "lv-d", "lv-e"]
        .iter()
        .flat_map(|d| owner.changes_for(d, &[]))
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    let owner_tombstones = owner.tombstones_in("", None);

    let mut frames = Vec::new();
    recorded(
        ("writer", &mut writer),
        ("owner", &mut owner),
        2,
        &mut frames,
    );
    let catching_up = std::mem::take(&mut frames);
    assert_eq!(writer.digest(), owner.digest());
    recorded(
        ("owner", &mut owner),
        ("writer", &mut writer),
        2,
        &mut frames,
    );
    let no_op = std::mem::take(&mut frames);
    assert_eq!(no_op.len(), 2, "one round trip");
    check(
        "session.json",
        json!({
            "spec": "SPEC.md section 6.5",
            "about": "A recorded /sicc/sync/1 session between the owner and the writer of identity.json (manifest of write-scope.json), with heads pages of 2 entries so that it pages. Before it, the writer holds `writer_holds` (the owner's lv-a..lv-d, first version) plus its own annotation on lv-a (in the frames); the owner holds `owner_holds` and `owner_tombstones` (lv-b edited, lv-e new, lv-c erased). Then the writer opens `catching_up`; afterwards both digests are equal and the owner's session `no_op` ends in one round trip. Each frame: who sent it, request or response, its type and its bytes (hex).",
            "catalog": catalog().to_string(),
            "manifest": wire::manifest_value(owner.signed_manifest()),
            "writer_holds": before,
            "owner_holds": owner_after,
            "owner_tombstones": owner_tombstones,
            "catching_up": catching_up,
            "no_op": no_op,
            "digest_after": hex_of(&owner.digest()),
            "document_after": {"lv-a": owner.document_json("lv-a"), "lv-b": owner.document_json("lv-b")},
        }),
    );
}

#[test]
fn documents_read_back_as_in_the_transcript() {
    // The receiver's reading of a shared document (SPEC.md §6.9): the record's fields, the
    // members' annotations beside them.
    let mut owner = replica_of("owner");
    owner.publish(&record("lv-a", "a"), TIME).unwrap();
    let doc = owner.document_json("lv-a").unwrap();
    assert_eq!(doc["annotations"], json!({}));
    assert_eq!(
        Record::from_shared("lv-a", &{
            let mut d = doc.clone();
            d.as_object_mut().unwrap().remove("annotations");
            d
        })
        .unwrap(),
        record("lv-a", "a")
    );
}
