//! Where a member may write in a shared document (SPEC.md §4.1).
//!
//! A catalogue entry holds the owner's record and, under `annotations`, one subtree per member.
//! Signatures say who wrote a change; this module says whether that author may write *there*.
//! A receiver checks every operation of a change against it before the change reaches
//! Automerge, and refuses the whole change if one operation reaches outside its author's scope.
//! It is pure: the node resolves each operation to a [`Write`] (its path from the document
//! root), this module decides.

use crate::catalog::Manifest;
use crate::identity::NodeId;

/// Root key of members' annotations in a shared document; never a record field.
pub const ANNOTATIONS: &str = "annotations";

/// One step of a path from the document root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a map.
    Key(String),
    /// An element of a list (its position does not matter for authorisation).
    Element,
}

/// One operation of a change, as the authorisation rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// The path of the value the operation writes, creates or deletes: the path of the object
    /// it applies to, then the key (or list element) within that object.
    pub path: Vec<Step>,
    /// The operation creates a map (Automerge `make map`).
    pub makes_map: bool,
    /// The operation overwrites or deletes values that existed (it has predecessors).
    pub replaces: bool,
}

/// Why an operation is outside its author's scope (reason code `out_of_scope`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutOfScope {
    /// Only the catalogue's owner writes the record's fields.
    #[error("{author} may not write the record field `{field}`: only the owner writes the record")]
    RecordField {
        /// The author of the change.
        author: String,
        /// The root key written.
        field: String,
    },
    /// The annotations map is created once by the owner and never replaced or deleted.
    #[error("{author} may not replace or delete the annotations map")]
    AnnotationsMap {
        /// The author of the change.
        author: String,
    },
    /// A member writes only its own annotation.
    #[error("{author} may not write the annotation of {member}")]
    OtherAnnotation {
        /// The author of the change.
        author: String,
        /// Whose annotation it touched.
        member: String,
    },
    /// The author may not write in this catalogue at all.
    #[error("{author} may not write in this catalogue")]
    NotWriter {
        /// The author of the change.
        author: String,
    },
    /// The operation's object is not in the document nor created by the change (or its path
    /// could not be followed), so its place cannot be checked.
    #[error("writes into an object the document does not hold")]
    UnknownObject,
}

/// Whether `author` may perform `write` under `manifest` (SPEC.md §4.1):
///
/// - a root key other than `annotations` (the record): the owner only;
/// - the root key `annotations` itself: the owner only, and only to create the map where no
///   value was (`makes_map` and not `replaces`);
/// - `annotations/<m>` and anything below it: member `m` only (owner or writer), where `m` is
///   the node id in text form.
///
/// Readers and admins write nothing.
pub fn authorize(manifest: &Manifest, author: &NodeId, write: &Write) -> Result<(), OutOfScope> {
    let who = || author.to_string();
    if !manifest.may_write(author) {
        return Err(OutOfScope::NotWriter { author: who() });
    }
    let owner = author == manifest.id.owner();
    match write.path.as_slice() {
        [] => Err(OutOfScope::UnknownObject),
        [Step::Key(root)] if root == ANNOTATIONS => {
            if owner && write.makes_map && !write.replaces {
                Ok(())
            } else {
                Err(OutOfScope::AnnotationsMap { author: who() })
            }
        }
        [Step::Key(root), member, ..] if root == ANNOTATIONS => match member {
            Step::Key(m) if *m == who() => Ok(()),
            Step::Key(m) => Err(OutOfScope::OtherAnnotation {
                author: who(),
                member: m.clone(),
            }),
            // The annotations map is a map: a list step under it is nobody's annotation.
            Step::Element => Err(OutOfScope::OtherAnnotation {
                author: who(),
                member: "a list element".into(),
            }),
        },
        [first, ..] => {
            if owner {
                Ok(())
            } else {
                Err(OutOfScope::RecordField {
                    author: who(),
                    field: match first {
                        Step::Key(k) => k.clone(),
                        Step::Element => "[]".into(),
                    },
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogId;
    use crate::identity::NodeSigner;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// The conformance vectors of SPEC.md §4.1, shared with other implementations.
    const VECTORS: &str = include_str!("../vectors/write-scope.json");

    /// A member of the vectors by role, from its seed in the file.
    fn node(name: &str) -> NodeId {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let seed = vectors["members"][name]
            .as_str()
            .and_then(crate::hex::from_hex)
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .unwrap_or_else(|| panic!("no seed for {name} in the vectors"));
        NodeSigner::from_seed(seed).node_id()
    }

    fn manifest() -> Manifest {
        let mut m = Manifest::new(
            CatalogId::new(node("owner"), "replication").unwrap(),
            BTreeMap::from([("en".into(), "Replication".into())]),
        );
        m.writers.insert(node("writer"));
        m.writers.insert(node("other_writer"));
        m.readers.insert(node("reader"));
        m.admins.insert(node("admin"));
        m
    }

    /// Vector paths name members by role (`{writer}`); they stand for that member's node id.
    fn step(v: &Value) -> Step {
        match v {
            Value::String(s) => match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(role) => Step::Key(node(role).to_string()),
                None => Step::Key(s.clone()),
            },
            Value::Null => Step::Element,
            other => panic!("bad step {other}"),
        }
    }

    #[test]
    fn the_conformance_vectors_hold() {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let m = manifest();
        let cases = vectors["cases"].as_array().unwrap();
        assert!(cases.len() >= 15);
        for case in cases {
            let write = Write {
                path: case["path"].as_array().unwrap().iter().map(step).collect(),
                makes_map: case["makes_map"].as_bool().unwrap(),
                replaces: case["replaces"].as_bool().unwrap(),
            };
            let author = node(case["author"].as_str().unwrap());
            let got = authorize(&m, &author, &write);
            let want = case["allowed"].as_bool().unwrap();
            assert_eq!(got.is_ok(), want, "{case}: {got:?}");
        }
    }

    #[test]
    fn a_refusal_names_who_and_where() {
        let m = manifest();
        let write = Write {
            path: vec![Step::Key("summary".into())],
            makes_map: false,
            replaces: true,
        };
        let e = authorize(&m, &node("writer"), &write).unwrap_err();
        assert!(e.to_string().contains("summary"), "{e}");
        assert!(e.to_string().contains(&node("writer").to_string()), "{e}");
    }
}
