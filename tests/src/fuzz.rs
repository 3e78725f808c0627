//! The bodies of the fuzz targets: every decoder of what a peer or a client sends. The
//! cargo-fuzz targets in `tests/fuzz/` call these on generated inputs;
//! `tests/tests/fuzz_corpora.rs` calls them on every committed corpus input, on stable Rust,
//! so a corpus input that once crashed stays a regression test. Each must return (not panic,
//! not abort) for any input; a decoded value must encode back to something that decodes to
//! the same value.

use serde_json::Value;
use sicc_protocol::catalog::{CatalogId, ChangeSignature};
use sicc_protocol::record::Record;
use sicc_protocol::wire::{self, Message, WireChange, WireTombstone};

/// The catalogue inputs are decoded against (a fixed, valid id).
fn catalog() -> CatalogId {
    "12D3KooWHPCEjMHjM9LcDvdgbhhVAySRNoMpi7UL2Hr3mmkEUVyG/fuzz"
        .parse()
        .expect("a valid catalogue id")
}

/// A `/sicc/sync/1` frame: length, JSON message, version and bounds.
pub fn frame(data: &[u8]) {
    if let Ok((message, used)) = Message::decode(data) {
        assert!(used <= data.len());
        let again = message.encode();
        let (decoded, n) = Message::decode(&again).expect("a re-encoded frame decodes");
        assert_eq!(decoded, message);
        assert_eq!(n, again.len());
    }
}

/// A signed catalogue manifest as carried in `heads`, `changes` and `catalogs` messages.
pub fn manifest(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if let Ok(m) = wire::manifest_from_value(&v) {
        let again = wire::manifest_value(&m);
        assert_eq!(wire::manifest_from_value(&again).ok().as_ref(), Some(&m));
    }
}

/// Change signatures (stored form), and the signature, change and tombstone fields of wire
/// changes and tombstones.
pub fn signature(data: &[u8]) {
    if let Ok(s) = ChangeSignature::decode(data) {
        assert_eq!(ChangeSignature::decode(&s.encode()).ok().as_ref(), Some(&s));
    }
    let catalog = catalog();
    if let Ok(c) = serde_json::from_slice::<WireChange>(data) {
        if let Some(bytes) = c.change_bytes() {
            assert_eq!(wire::to_hex(&bytes), c.change.to_lowercase());
        }
        let _ = c.signature(&catalog, [0; 32]);
    }
    if let Ok(t) = serde_json::from_slice::<WireTombstone>(data) {
        let _ = t.tombstone(&catalog);
    }
}

/// An Automerge change as a peer sends it: the size bound and parsing, applying it to an
/// empty document the way the node does (Automerge panics on some crafted changes; the node
/// catches that and refuses the change), saving, loading as a shared document and reading it
/// back (the reader has a depth bound).
pub fn change(data: &[u8]) {
    use sicc_node::sync::document::{SharedDocument, apply_batch, decode};
    let Ok(change) = decode(data) else {
        return;
    };
    let mut doc = automerge::AutoCommit::new();
    match apply_batch(&mut doc, vec![(0, change)]) {
        Some(Ok(refused)) if refused.is_empty() => {}
        _ => return,
    }
    let saved = doc.save();
    let signer = sicc_protocol::identity::NodeSigner::from_seed([7; 32]);
    if let Ok(shared) = SharedDocument::load(catalog(), "fuzz", &saved, Vec::new(), &signer, 0) {
        let _ = shared.to_json();
    }
}

/// A record as a client sends it (API, import): parsing and validation. A valid record
/// serialises to JSON that parses back to the same record.
pub fn record(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if let Ok(r) = Record::from_json(&v) {
        let again = Record::from_json(&r.to_json()).expect("a record's own JSON is valid");
        assert_eq!(again.to_json(), r.to_json());
    }
}

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target by name, for the corpus replay.
pub const TARGETS: &[(&str, Target)] = &[
    ("frame", frame),
    ("manifest", manifest),
    ("signature", signature),
    ("change", change),
    ("record", record),
];
