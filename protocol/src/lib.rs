//! # sicc-protocol
//!
//! The pure core of sicc, the federated exchange network of the national Social Innovation
//! Competence Centres. It does no I/O and depends on no async runtime, network or storage crate
//! (ARCHITECTURE.md, invariant 1), so everything here is tested without a node.
//!
//! Layout:
//! - [`codes`]: the controlled vocabularies (countries, NUTS, SDGs, ESF+ objectives, themes, ...).
//! - [`schema`]: the record kinds and their field tables, the single description of the model.
//! - [`record`]: parsing and validation of records, canonical JSON, links, public projection.
//! - [`query`]: the record filter language of the API and CLI.
//! - [`tabular`]: the flat CSV form of records.
//! - [`dcat`]: DCAT-AP (JSON-LD) export of what may leave the node.
//! - [`id`]: record identifiers.
//! - [`catalog`]: signed catalogue manifests, change signatures, tombstones.
//! - [`scope`]: where each member may write in a shared document (the authorisation rule).
//! - [`identity`]: node ids (libp2p-compatible PeerIds), actor ids, domain-separated signatures.
//! - [`wire`]: the `/sicc/sync/1` messages, framing and limits (version 1, SPEC.md §6).
//! - [`hex`]: the hex form of hashes, changes and signatures.
//! - [`text`]: accent folding and text checks.
//!
//! ```
//! use sicc_protocol::record::Record;
//! let json = serde_json::json!({
//!     "kind": "organisation",
//!     "name": {"lv": "Sabiedrības integrācijas fonds", "en": "Society Integration Foundation"},
//!     "original_lang": "lv",
//!     "country": "LV",
//!     "org_type": "public_agency",
//! });
//! let record = Record::from_json(&json).unwrap();
//! assert_eq!(record.title("en"), "Society Integration Foundation");
//! ```
#![deny(missing_docs)]

pub mod catalog;
pub mod codes;
pub mod dcat;
pub mod hex;
pub mod id;
pub mod identity;
pub mod query;
pub mod record;
pub mod schema;
pub mod scope;
pub mod tabular;
pub mod text;
pub mod wire;

/// Version of the stored record format (the envelope written by `node::storage`).
pub const RECORD_FORMAT_VERSION: u8 = 1;
