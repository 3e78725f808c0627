//! Replays every committed fuzz corpus input (`tests/fuzz/corpus/<target>/`) through its
//! target's body (`sicc_tests::fuzz`), on stable Rust, in every test run: an input that once
//! crashed a decoder stays a regression test. The corpora grow by fuzzing (`tests/fuzz/`);
//! `write_seed_corpora` (ignored) wrote their first inputs from real messages.

use sicc_tests::fuzz::TARGETS;
use std::path::PathBuf;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

#[test]
fn every_committed_corpus_input_decodes_without_a_crash() {
    for (target, body) in TARGETS {
        let dir = corpus_dir(target);
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("corpus of {target} at {}: {e}", dir.display()))
            .map(|e| e.expect("corpus entry").path())
            .collect();
        inputs.sort();
        assert!(
            inputs.len() >= 5,
            "the {target} corpus has {} inputs; it should be seeded and fuzzed",
            inputs.len()
        );
        for path in inputs {
            let data = std::fs::read(&path).expect("corpus input");
            let outcome = std::panic::catch_unwind(|| body(&data));
            assert!(outcome.is_ok(), "{target} panicked on {}", path.display());
        }
    }
}

/// Writes the first inputs of every corpus from real messages, records and changes:
/// `cargo test -p sicc-tests --test fuzz_corpora -- --ignored write_seed_corpora`.
#[test]
#[ignore]
fn write_seed_corpora() {
    use serde_json::json;
    use sicc_node::sync::document::SharedDocument;
    use sicc_protocol::catalog::{CatalogId, Manifest, Tombstone};
    use sicc_protocol::identity::NodeSigner;
    use sicc_protocol::record::Record;
    use sicc_protocol::wire::{self, DocHeads, Message, WIRE_VERSION, WireChange, WireTombstone};

    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    let owner = NodeSigner::from_seed([1; 32]);
    let catalog = CatalogId::new(owner.node_id(), "replication").unwrap();
    let mut manifest = Manifest::new(
        catalog.clone(),
        [("en".to_owned(), "Replication".to_owned())].into(),
    );
    manifest
        .readers
        .insert(NodeSigner::from_seed([2; 32]).node_id());
    let signed = manifest.clone().sign(&owner);
    write(
        "manifest",
        "seed-signed",
        &serde_json::to_vec(&wire::manifest_value(&signed)).unwrap(),
    );

    let samples: Vec<Record> = sicc_node::sample::records()
        .into_iter()
        .filter_map(|(_, v)| v.ok())
        .filter_map(|v| Record::from_json(&v).ok())
        .collect();
    for r in samples.iter().take(12) {
        write(
            "record",
            &format!("seed-{}", r.id),
            &serde_json::to_vec(&r.to_json()).unwrap(),
        );
    }

    let mut doc = SharedDocument::new(catalog.clone(), "doc", &owner, 0);
    let mut changes = Vec::new();
    for r in samples
        .iter()
        .filter(|r| r.public_projection().is_some())
        .take(6)
    {
        let mut again = r.clone();
        again.id = "doc".parse().unwrap();
        if let Ok(Some(c)) = doc.publish(&again, &owner, 0) {
            changes.push(c);
        }
    }
    for (k, c) in changes.iter().enumerate() {
        write("change", &format!("seed-{k}"), &c.bytes);
        write("signature", &format!("seed-sig-{k}"), &c.signature.encode());
        let w = WireChange::new(&c.bytes, &c.signature);
        write(
            "signature",
            &format!("seed-wire-{k}"),
            &serde_json::to_vec(&w).unwrap(),
        );
    }
    let t = Tombstone::sign(&owner, catalog.clone(), "doc", "2026-11-28T00:00:00Z");
    write(
        "signature",
        "seed-tombstone",
        &serde_json::to_vec(&WireTombstone::new(&t)).unwrap(),
    );

    let wire_changes: Vec<WireChange> = changes
        .iter()
        .map(|c| WireChange::new(&c.bytes, &c.signature))
        .collect();
    let messages = [
        Message::Summary {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
            manifest_version: 1,
            digest: "00".repeat(32),
            docs: 1,
            after: None,
        },
        Message::InSync {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
        },
        Message::Heads {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
            manifest_version: 1,
            manifest: Some(wire::manifest_value(&signed)),
            docs: vec![DocHeads {
                doc: "doc".into(),
                heads: wire_changes
                    .iter()
                    .take(1)
                    .map(|_| "ab".repeat(32))
                    .collect(),
            }],
            tombstones: vec![WireTombstone::new(&t)],
            more: false,
        },
        Message::Changes {
            v: WIRE_VERSION,
            catalog: catalog.to_string(),
            manifest: None,
            changes: wire_changes,
            tombstones: Vec::new(),
            want: Vec::new(),
            more: false,
            digest: Some("00".repeat(32)),
        },
        Message::Offers { v: WIRE_VERSION },
        Message::Catalogs {
            v: WIRE_VERSION,
            catalogs: vec![wire::manifest_value(&signed)],
        },
        Message::error(wire::ErrorCode::NotAllowed, "no"),
    ];
    for (k, m) in messages.iter().enumerate() {
        write("frame", &format!("seed-{k}-{}", m.kind()), &m.encode());
    }
    let subscribe = json!({"type": "subscribe", "v": 1, "catalog": catalog.to_string()});
    let body = serde_json::to_vec(&subscribe).unwrap();
    let mut frame = (body.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(&body);
    write("frame", "seed-subscribe", &frame);
}
