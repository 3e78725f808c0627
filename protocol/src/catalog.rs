//! Catalogues: signed manifests that say who may read and write, and the provenance checks a
//! node runs before applying a change or an erasure (SPEC.md §3-5).

use crate::identity::{ActorId, NodeId, NodeSigner, SigningContext, verify};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// Format version of manifests.
pub const MANIFEST_FORMAT: u64 = 1;
/// Most members (admins + readers + writers) one manifest may name.
pub const MAX_MEMBERS: usize = 256;

/// A catalogue's id: its owner and a name, written `<owner node id>/<name>`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CatalogId {
    owner: NodeId,
    name: String,
}

/// Why a catalogue id, manifest, change or tombstone is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The id's text is malformed.
    #[error(
        "catalogue id `{0}`: expected `<node id>/<name>` with a name of 1-64 characters a-z, 0-9, '-'"
    )]
    BadId(String),
    /// The manifest is malformed.
    #[error("manifest: {0}")]
    BadManifest(String),
    /// The signature does not verify.
    #[error("signature of {what} by {signer} does not verify")]
    BadSignature {
        /// What was signed.
        what: &'static str,
        /// Who claims to have signed it.
        signer: String,
    },
    /// The signer may not sign this.
    #[error("{signer} may not {action} in catalogue {catalog}")]
    NotAllowed {
        /// Who signed.
        signer: String,
        /// What they tried.
        action: &'static str,
        /// Where.
        catalog: String,
    },
    /// A manifest update does not move forward.
    #[error("manifest version {new} does not follow {current}")]
    Stale {
        /// The version held.
        current: u64,
        /// The version offered.
        new: u64,
    },
    /// A change's actor is not its claimed author's.
    #[error("change actor {actor} does not belong to {author} in epoch {epoch}")]
    ActorMismatch {
        /// The change's actor, hex.
        actor: String,
        /// The claimed author.
        author: String,
        /// The claimed epoch.
        epoch: u32,
    },
}

impl CatalogId {
    /// A catalogue id; `name` is 1-64 characters of `a-z`, `0-9`, `-`.
    pub fn new(owner: NodeId, name: &str) -> Result<CatalogId, CatalogError> {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(CatalogId {
                owner,
                name: name.to_owned(),
            })
        } else {
            Err(CatalogError::BadId(format!("{owner}/{name}")))
        }
    }

    /// The owning node.
    pub fn owner(&self) -> &NodeId {
        &self.owner
    }

    /// The name, unique per owner.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for CatalogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl fmt::Debug for CatalogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CatalogId({}/{})", self.owner.short(), self.name)
    }
}

impl FromStr for CatalogId {
    type Err = CatalogError;
    fn from_str(s: &str) -> Result<CatalogId, CatalogError> {
        let bad = || CatalogError::BadId(s.chars().take(120).collect());
        let (owner, name) = s.split_once('/').ok_or_else(bad)?;
        let owner = owner.parse::<NodeId>().map_err(|_| bad())?;
        CatalogId::new(owner, name)
    }
}

/// What a catalogue is and who may do what in it. Signed by the owner or an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Which catalogue.
    pub id: CatalogId,
    /// Increases with every accepted update.
    pub version: u64,
    /// Title, by language.
    pub title: BTreeMap<String, String>,
    /// Description, by language.
    pub description: BTreeMap<String, String>,
    /// May sign manifest updates (besides the owner).
    pub admins: BTreeSet<NodeId>,
    /// May receive the catalogue's entries.
    pub readers: BTreeSet<NodeId>,
    /// May receive entries and attach annotations.
    pub writers: BTreeSet<NodeId>,
}

/// A manifest with its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedManifest {
    /// The manifest.
    pub manifest: Manifest,
    /// Who signed it: the owner or an admin.
    pub signer: NodeId,
    /// Ed25519 over [`Manifest::canonical_bytes`] in context `sicc/manifest/1`.
    pub signature: [u8; 64],
}

fn sorted_ids(set: &BTreeSet<NodeId>) -> Value {
    let mut ids: Vec<String> = set.iter().map(NodeId::to_string).collect();
    ids.sort();
    json!(ids)
}

impl Manifest {
    /// A first manifest (version 1) owned by `owner`.
    pub fn new(id: CatalogId, title: BTreeMap<String, String>) -> Manifest {
        Manifest {
            id,
            version: 1,
            title,
            description: BTreeMap::new(),
            admins: BTreeSet::new(),
            readers: BTreeSet::new(),
            writers: BTreeSet::new(),
        }
    }

    /// The canonical form that is signed: JSON with keys sorted, no whitespace, node-id lists
    /// sorted as text (RFC 8785 for these value types). SPEC.md §3 has a byte-level example.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut m = Map::new();
        m.insert("admins".into(), sorted_ids(&self.admins));
        m.insert("catalog".into(), json!(self.id.to_string()));
        m.insert("description".into(), json!(self.description));
        m.insert("format".into(), json!(MANIFEST_FORMAT));
        m.insert("readers".into(), sorted_ids(&self.readers));
        m.insert("title".into(), json!(self.title));
        m.insert("version".into(), json!(self.version));
        m.insert("writers".into(), sorted_ids(&self.writers));
        serde_json::to_vec(&Value::Object(m)).expect("a JSON value always serialises")
    }

    /// Whether `node` may receive the catalogue's entries.
    pub fn may_read(&self, node: &NodeId) -> bool {
        self.may_write(node) || self.readers.contains(node) || self.admins.contains(node)
    }

    /// Whether `node` may author changes in the catalogue's documents.
    pub fn may_write(&self, node: &NodeId) -> bool {
        node == self.id.owner() || self.writers.contains(node)
    }

    /// Whether `node` may sign manifest updates and erase entries.
    pub fn may_administer(&self, node: &NodeId) -> bool {
        node == self.id.owner() || self.admins.contains(node)
    }

    /// Signs the manifest.
    pub fn sign(self, signer: &NodeSigner) -> SignedManifest {
        let signature = signer.sign(SigningContext::Manifest, &self.canonical_bytes());
        SignedManifest {
            manifest: self,
            signer: signer.node_id(),
            signature,
        }
    }

    fn check_shape(&self) -> Result<(), CatalogError> {
        let members = self.admins.len() + self.readers.len() + self.writers.len();
        if members > MAX_MEMBERS {
            return Err(CatalogError::BadManifest(format!(
                "{members} members; the limit is {MAX_MEMBERS}"
            )));
        }
        if self.title.is_empty()
            || self
                .title
                .values()
                .any(|t| t.trim().is_empty() || t.chars().count() > 300)
        {
            return Err(CatalogError::BadManifest(
                "title must hold 1-300 characters in at least one language".into(),
            ));
        }
        // ASCII keys: the canonical form's key order (code points) is then RFC 8785's (UTF-16
        // code units) for every key a manifest can hold.
        if let Some(tag) = self
            .title
            .keys()
            .chain(self.description.keys())
            .find(|t| !is_language_tag(t))
        {
            let shown: String = tag.chars().take(40).collect();
            return Err(CatalogError::BadManifest(format!(
                "{shown:?} is not a language key (1-35 printable ASCII characters, no space)"
            )));
        }
        if self.description.values().any(|d| d.chars().count() > 2_000) {
            return Err(CatalogError::BadManifest(
                "description is longer than 2,000 characters".into(),
            ));
        }
        if self.version == 0 {
            return Err(CatalogError::BadManifest("version starts at 1".into()));
        }
        Ok(())
    }
}

/// A language key of a manifest (SPEC.md §3): 1-35 printable ASCII characters, no space (a
/// BCP 47 tag is recommended; `pt_BR` from an older node still passes, so no catalogue made
/// before this rule is cut off).
fn is_language_tag(tag: &str) -> bool {
    (1..=35).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_graphic())
}

impl Manifest {
    /// Parses a manifest from its canonical form (as stored and as sent).
    pub fn from_canonical(bytes: &[u8]) -> Result<Manifest, CatalogError> {
        let bad = |m: String| CatalogError::BadManifest(m);
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        let o = v
            .as_object()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        if o.get("format").and_then(Value::as_u64) != Some(MANIFEST_FORMAT) {
            return Err(bad(format!("format must be {MANIFEST_FORMAT}")));
        }
        let text_map = |key: &str| -> Result<BTreeMap<String, String>, CatalogError> {
            serde_json::from_value(o.get(key).cloned().unwrap_or(Value::Null))
                .map_err(|e| bad(format!("{key}: {e}")))
        };
        let ids = |key: &str| -> Result<BTreeSet<NodeId>, CatalogError> {
            let list: Vec<String> =
                serde_json::from_value(o.get(key).cloned().unwrap_or(Value::Null))
                    .map_err(|e| bad(format!("{key}: {e}")))?;
            list.iter()
                .map(|s| s.parse::<NodeId>().map_err(|e| bad(format!("{key}: {e}"))))
                .collect()
        };
        let id: CatalogId = o
            .get("catalog")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("catalog is missing".into()))?
            .parse()?;
        let manifest = Manifest {
            id,
            version: o
                .get("version")
                .and_then(Value::as_u64)
                .ok_or_else(|| bad("version is missing".into()))?,
            title: text_map("title")?,
            description: text_map("description")?,
            admins: ids("admins")?,
            readers: ids("readers")?,
            writers: ids("writers")?,
        };
        if manifest.canonical_bytes() != bytes {
            return Err(bad("not in canonical form".into()));
        }
        Ok(manifest)
    }
}

impl SignedManifest {
    /// The stored form: `{"manifest": <canonical form>, "signer": ..., "signature": hex}`.
    pub fn encode(&self) -> Vec<u8> {
        let manifest: Value = serde_json::from_slice(&self.manifest.canonical_bytes())
            .expect("canonical form is JSON");
        serde_json::to_vec(&json!({
            "manifest": manifest,
            "signer": self.signer.to_string(),
            "signature": hex(&self.signature),
        }))
        .expect("a JSON value always serialises")
    }

    /// Parses [`SignedManifest::encode`]'s output. Does not judge it: see [`SignedManifest::accept_after`].
    pub fn decode(bytes: &[u8]) -> Result<SignedManifest, CatalogError> {
        let bad = |m: String| CatalogError::BadManifest(m);
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        let canonical = serde_json::to_vec(
            v.get("manifest")
                .ok_or_else(|| bad("manifest is missing".into()))?,
        )
        .map_err(|e| bad(e.to_string()))?;
        let signer = v
            .get("signer")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("signer is missing".into()))?
            .parse::<NodeId>()
            .map_err(|e| bad(e.to_string()))?;
        let signature = v
            .get("signature")
            .and_then(Value::as_str)
            .and_then(crate::hex::from_hex)
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .ok_or_else(|| bad("signature must be 64 bytes of hex".into()))?;
        Ok(SignedManifest {
            manifest: Manifest::from_canonical(&canonical)?,
            signer,
            signature,
        })
    }

    /// Decides whether `self` may replace `current` (or be the first manifest held when
    /// `current` is `None`): well-formed, same catalogue, a higher version, signed by the owner
    /// or by an admin of the manifest it replaces, and the signature verifies.
    pub fn accept_after(&self, current: Option<&SignedManifest>) -> Result<(), CatalogError> {
        let m = &self.manifest;
        m.check_shape()?;
        let authority = match current {
            None => m.id.owner() == &self.signer,
            Some(cur) => {
                if cur.manifest.id != m.id {
                    return Err(CatalogError::BadManifest(format!(
                        "catalogue {} cannot replace {}",
                        m.id, cur.manifest.id
                    )));
                }
                if m.version <= cur.manifest.version {
                    return Err(CatalogError::Stale {
                        current: cur.manifest.version,
                        new: m.version,
                    });
                }
                // Admins cannot promote themselves: the previous manifest decides.
                cur.manifest.may_administer(&self.signer)
            }
        };
        if !authority {
            return Err(CatalogError::NotAllowed {
                signer: self.signer.to_string(),
                action: "sign the manifest",
                catalog: m.id.to_string(),
            });
        }
        if !verify(
            &self.signer,
            SigningContext::Manifest,
            &m.canonical_bytes(),
            &self.signature,
        ) {
            return Err(CatalogError::BadSignature {
                what: "manifest",
                signer: self.signer.to_string(),
            });
        }
        Ok(())
    }
}

/// The signature of one Automerge change of a shared document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSignature {
    /// The catalogue the document belongs to.
    pub catalog: CatalogId,
    /// The document (the publisher's record id).
    pub doc: String,
    /// The Automerge change hash.
    pub change_hash: [u8; 32],
    /// The node that made the change.
    pub author: NodeId,
    /// The author's actor epoch when it made the change.
    pub epoch: u32,
    /// Ed25519 over [`ChangeSignature::message`] in context `sicc/change/1`.
    pub signature: [u8; 64],
}

impl ChangeSignature {
    /// The signed message: catalogue id, 0x00, document id, 0x00, change hash, epoch (u32 BE).
    pub fn message(catalog: &CatalogId, doc: &str, change_hash: &[u8; 32], epoch: u32) -> Vec<u8> {
        let mut m = document_scope(catalog, doc);
        m.extend_from_slice(change_hash);
        m.extend_from_slice(&epoch.to_be_bytes());
        m
    }

    /// Signs a change made by `signer` in `epoch`.
    pub fn sign(
        signer: &NodeSigner,
        catalog: CatalogId,
        doc: &str,
        change_hash: [u8; 32],
        epoch: u32,
    ) -> ChangeSignature {
        let signature = signer.sign(
            SigningContext::Change,
            &ChangeSignature::message(&catalog, doc, &change_hash, epoch),
        );
        ChangeSignature {
            catalog,
            doc: doc.to_owned(),
            change_hash,
            author: signer.node_id(),
            epoch,
            signature,
        }
    }

    /// The stored form (JSON, with the catalogue, document, hash, author, epoch and signature).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "catalog": self.catalog.to_string(),
            "doc": self.doc,
            "hash": hex(&self.change_hash),
            "author": self.author.to_string(),
            "epoch": self.epoch,
            "signature": hex(&self.signature),
        }))
        .expect("a JSON value always serialises")
    }

    /// Parses [`ChangeSignature::encode`]'s output.
    pub fn decode(bytes: &[u8]) -> Result<ChangeSignature, CatalogError> {
        let bad = |m: &str| CatalogError::BadManifest(format!("change signature: {m}"));
        let v: Value = serde_json::from_slice(bytes).map_err(|_| bad("not JSON"))?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).ok_or_else(|| bad(k));
        Ok(ChangeSignature {
            catalog: text("catalog")?.parse()?,
            doc: text("doc")?.to_owned(),
            change_hash: crate::hex::hash_from_hex(text("hash")?).ok_or_else(|| bad("hash"))?,
            author: text("author")?.parse().map_err(|_| bad("author"))?,
            epoch: v
                .get("epoch")
                .and_then(Value::as_u64)
                .and_then(|e| u32::try_from(e).ok())
                .ok_or_else(|| bad("epoch"))?,
            signature: crate::hex::from_hex(text("signature")?)
                .and_then(|b| <[u8; 64]>::try_from(b).ok())
                .ok_or_else(|| bad("signature"))?,
        })
    }

    /// Everything a receiver checks before applying a change, whoever relayed it: the actor
    /// that made the change belongs to the author in that epoch, the author may write in the
    /// catalogue, and the signature verifies.
    pub fn verify(&self, manifest: &Manifest, change_actor: &[u8]) -> Result<(), CatalogError> {
        self.verify_authorship(manifest, change_actor)?;
        if !manifest.may_write(&self.author) {
            return Err(CatalogError::NotAllowed {
                signer: self.author.to_string(),
                action: "write",
                catalog: self.catalog.to_string(),
            });
        }
        Ok(())
    }

    /// [`ChangeSignature::verify`] without the author's rights under `manifest`: who made the
    /// change, for which catalogue, and that the signature verifies. A change of an author who
    /// may no longer write is still valid when the owner built on it (SPEC.md §4).
    pub fn verify_authorship(
        &self,
        manifest: &Manifest,
        change_actor: &[u8],
    ) -> Result<(), CatalogError> {
        if manifest.id != self.catalog {
            return Err(CatalogError::BadManifest(format!(
                "change is for {}, manifest for {}",
                self.catalog, manifest.id
            )));
        }
        if !ActorId::belongs_to(change_actor, &self.author, self.epoch) {
            return Err(CatalogError::ActorMismatch {
                actor: hex(change_actor),
                author: self.author.to_string(),
                epoch: self.epoch,
            });
        }
        let message =
            ChangeSignature::message(&self.catalog, &self.doc, &self.change_hash, self.epoch);
        if !verify(
            &self.author,
            SigningContext::Change,
            &message,
            &self.signature,
        ) {
            return Err(CatalogError::BadSignature {
                what: "change",
                signer: self.author.to_string(),
            });
        }
        Ok(())
    }
}

/// The erasure of a shared document: it and its history are removed everywhere and never
/// come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    /// The catalogue.
    pub catalog: CatalogId,
    /// The erased document.
    pub doc: String,
    /// When, RFC 3339.
    pub at: String,
    /// Who erased it: the owner or an admin.
    pub author: NodeId,
    /// Ed25519 over [`Tombstone::message`] in context `sicc/tombstone/1`.
    pub signature: [u8; 64],
}

impl Tombstone {
    /// The signed message: catalogue id, 0x00, document id, 0x00, time.
    pub fn message(catalog: &CatalogId, doc: &str, at: &str) -> Vec<u8> {
        let mut m = document_scope(catalog, doc);
        m.extend_from_slice(at.as_bytes());
        m
    }

    /// Signs an erasure.
    pub fn sign(signer: &NodeSigner, catalog: CatalogId, doc: &str, at: &str) -> Tombstone {
        let signature = signer.sign(
            SigningContext::Tombstone,
            &Tombstone::message(&catalog, doc, at),
        );
        Tombstone {
            catalog,
            doc: doc.to_owned(),
            at: at.to_owned(),
            author: signer.node_id(),
            signature,
        }
    }

    /// Checks the erasure: its author administers the catalogue and the signature verifies.
    pub fn verify(&self, manifest: &Manifest) -> Result<(), CatalogError> {
        if manifest.id != self.catalog || !manifest.may_administer(&self.author) {
            return Err(CatalogError::NotAllowed {
                signer: self.author.to_string(),
                action: "erase",
                catalog: self.catalog.to_string(),
            });
        }
        if !verify(
            &self.author,
            SigningContext::Tombstone,
            &Tombstone::message(&self.catalog, &self.doc, &self.at),
            &self.signature,
        ) {
            return Err(CatalogError::BadSignature {
                what: "tombstone",
                signer: self.author.to_string(),
            });
        }
        Ok(())
    }
}

/// The start of every per-document signed message: catalogue id, 0x00, document id, 0x00.
fn document_scope(catalog: &CatalogId, doc: &str) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(catalog.to_string().as_bytes());
    m.push(0);
    m.extend_from_slice(doc.as_bytes());
    m.push(0);
    m
}

/// Lower-case hex, for test vectors and logs.
pub use crate::hex::to_hex as hex;

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(n: u8) -> NodeSigner {
        NodeSigner::from_seed([n; 32])
    }

    fn manifest(owner: &NodeSigner) -> Manifest {
        let id = CatalogId::new(owner.node_id(), "replication").unwrap();
        let mut m = Manifest::new(
            id,
            BTreeMap::from([("en".to_owned(), "Replication catalogue".to_owned())]),
        );
        m.readers.insert(signer(2).node_id());
        m
    }

    #[test]
    fn catalog_ids_round_trip() {
        let id = CatalogId::new(signer(1).node_id(), "home-care").unwrap();
        assert_eq!(id.to_string().parse::<CatalogId>().unwrap(), id);
        assert!(CatalogId::new(signer(1).node_id(), "Home Care").is_err());
        assert!("nonsense/home-care".parse::<CatalogId>().is_err());
    }

    #[test]
    fn only_the_owner_or_a_previous_admin_signs_manifests() {
        let owner = signer(1);
        let first = manifest(&owner).sign(&owner);
        first.accept_after(None).unwrap();

        // A stranger cannot sign the first manifest of someone else's catalogue.
        let forged = manifest(&owner).sign(&signer(3));
        assert!(matches!(
            forged.accept_after(None),
            Err(CatalogError::NotAllowed { .. })
        ));

        // An admin named in version 2 may sign version 3, not version 2 itself.
        let mut v2 = manifest(&owner);
        v2.version = 2;
        v2.admins.insert(signer(3).node_id());
        let by_admin_early = v2.clone().sign(&signer(3));
        assert!(
            by_admin_early.accept_after(Some(&first)).is_err(),
            "admins cannot promote themselves"
        );
        let v2 = v2.sign(&owner);
        v2.accept_after(Some(&first)).unwrap();
        let mut v3 = v2.manifest.clone();
        v3.version = 3;
        v3.writers.insert(signer(2).node_id());
        v3.sign(&signer(3)).accept_after(Some(&v2)).unwrap();

        // Replays and tampering are refused.
        assert!(matches!(
            first.accept_after(Some(&v2)),
            Err(CatalogError::Stale { .. })
        ));
        let mut tampered = v2.clone();
        tampered.manifest.version = 9;
        tampered.manifest.readers.insert(signer(4).node_id());
        assert!(matches!(
            tampered.accept_after(Some(&v2)),
            Err(CatalogError::BadSignature { .. })
        ));
    }

    #[test]
    fn changes_are_checked_for_actor_writer_and_signature() {
        let owner = signer(1);
        let m = manifest(&owner);
        let hash = [7u8; 32];
        let sig = ChangeSignature::sign(&owner, m.id.clone(), "lv-1", hash, 0);
        let actor = ActorId::derive(&owner.node_id(), 0);
        sig.verify(&m, actor.as_bytes()).unwrap();

        // A member forging a change under another member's actor.
        let reader = signer(2);
        let forged = ChangeSignature::sign(&reader, m.id.clone(), "lv-1", hash, 0);
        assert!(matches!(
            forged.verify(&m, actor.as_bytes()),
            Err(CatalogError::ActorMismatch { .. })
        ));
        // A reader authoring under its own actor: not a writer.
        let own = ActorId::derive(&reader.node_id(), 0);
        assert!(matches!(
            forged.verify(&m, own.as_bytes()),
            Err(CatalogError::NotAllowed { .. })
        ));
        // A valid signature replayed into another catalogue.
        let other = Manifest::new(
            CatalogId::new(owner.node_id(), "other").unwrap(),
            m.title.clone(),
        );
        assert!(sig.verify(&other, actor.as_bytes()).is_err());
        // A change hash that was not signed.
        let mut altered = sig.clone();
        altered.change_hash[0] ^= 1;
        assert!(matches!(
            altered.verify(&m, actor.as_bytes()),
            Err(CatalogError::BadSignature { .. })
        ));
    }

    #[test]
    fn manifests_and_change_signatures_survive_their_stored_form() {
        let owner = signer(1);
        let mut m = manifest(&owner);
        m.admins.insert(signer(3).node_id());
        m.description
            .insert("lv".into(), "Apraksts ar \"pēdiņām\"".into());
        let signed = m.sign(&owner);
        let back = SignedManifest::decode(&signed.encode()).unwrap();
        assert_eq!(back, signed);
        back.accept_after(None).unwrap();
        let sig = ChangeSignature::sign(&owner, signed.manifest.id.clone(), "lv-1", [9; 32], 2);
        assert_eq!(ChangeSignature::decode(&sig.encode()).unwrap(), sig);
        assert!(SignedManifest::decode(b"{}").is_err());
        assert!(Manifest::from_canonical(b"{\"format\": 1}").is_err());
    }

    #[test]
    fn only_administrators_erase() {
        let owner = signer(1);
        let m = manifest(&owner);
        let t = Tombstone::sign(&owner, m.id.clone(), "lv-1", "2026-11-28T10:00:00Z");
        t.verify(&m).unwrap();
        let by_reader = Tombstone::sign(&signer(2), m.id.clone(), "lv-1", "2026-11-28T10:00:00Z");
        assert!(by_reader.verify(&m).is_err());
    }

    /// Prints the test vectors of SPEC.md (run with `--ignored --nocapture` to regenerate).
    #[test]
    #[ignore]
    fn print_spec_vectors() {
        for v in spec_vectors() {
            println!("{v}");
        }
    }

    /// The byte-level examples of SPEC.md are computed here; the test fails if SPEC.md drifts.
    #[test]
    fn spec_test_vectors_match() {
        let spec = include_str!("../SPEC.md");
        for v in spec_vectors() {
            assert!(spec.contains(&v), "SPEC.md lacks the test vector {v}");
        }
    }

    fn spec_vectors() -> Vec<String> {
        let owner = signer(1);
        let reader = signer(2);
        let mut m = Manifest::new(
            CatalogId::new(owner.node_id(), "replication").unwrap(),
            BTreeMap::from([("en".to_owned(), "Replication".to_owned())]),
        );
        m.readers.insert(reader.node_id());
        let vectors = [
            owner.node_id().to_string(),
            hex(&owner.node_id().to_bytes()),
            reader.node_id().to_string(),
            ActorId::derive(&owner.node_id(), 0).to_string(),
            ActorId::derive(&owner.node_id(), 1).to_string(),
            String::from_utf8(m.canonical_bytes()).unwrap(),
            hex(&m.clone().sign(&owner).signature),
            hex(&ChangeSignature::sign(&owner, m.id.clone(), "lv-1", [7; 32], 0).signature),
            hex(&ChangeSignature::message(&m.id, "lv-1", &[7; 32], 0)),
        ];
        vectors.to_vec()
    }
}
