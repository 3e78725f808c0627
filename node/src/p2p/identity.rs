//! The node's Ed25519 identity. The node id is the libp2p PeerId of its public key.

use libp2p::identity::Keypair;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// File name of the identity key inside the data directory.
pub use crate::data_dir::IDENTITY_FILE;

/// What can go wrong with the identity file.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("identity {0} already exists; refusing to overwrite it")]
    Exists(PathBuf),
    #[error("no identity at {0}; run `sicc init` first")]
    Missing(PathBuf),
    #[error("identity {path} is readable by others (mode {mode:o}); run `chmod 600 {path}`")]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("identity {path} is not a valid key: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("cannot access identity {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The node's key pair.
#[derive(Clone)]
pub struct NodeIdentity {
    keypair: Keypair,
}

impl std::fmt::Debug for NodeIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret key.
        f.debug_struct("NodeIdentity")
            .field("node_id", &self.node_id())
            .finish()
    }
}

impl NodeIdentity {
    /// Creates a new key in `data_dir` with mode 0600. Never overwrites an existing one.
    pub fn create(data_dir: &Path) -> Result<NodeIdentity, IdentityError> {
        let path = data_dir.join(IDENTITY_FILE);
        let keypair = Keypair::generate_ed25519();
        let bytes = keypair
            .to_protobuf_encoding()
            .map_err(|e| IdentityError::Invalid {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        let io = |source| IdentityError::Io {
            path: path.clone(),
            source,
        };
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    IdentityError::Exists(path.clone())
                } else {
                    io(e)
                }
            })?;
        file.write_all(&bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(NodeIdentity { keypair })
    }

    /// Loads the key from `data_dir`, refusing a file others can read.
    pub fn load(data_dir: &Path) -> Result<NodeIdentity, IdentityError> {
        let path = data_dir.join(IDENTITY_FILE);
        let meta = fs::metadata(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                IdentityError::Missing(path.clone())
            } else {
                IdentityError::Io {
                    path: path.clone(),
                    source: e,
                }
            }
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(IdentityError::TooOpen { path, mode });
        }
        let bytes = fs::read(&path).map_err(|source| IdentityError::Io {
            path: path.clone(),
            source,
        })?;
        let keypair =
            Keypair::from_protobuf_encoding(&bytes).map_err(|e| IdentityError::Invalid {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        if keypair.key_type() != libp2p::identity::KeyType::Ed25519 {
            return Err(IdentityError::Invalid {
                path,
                reason: "not an Ed25519 key".into(),
            });
        }
        Ok(NodeIdentity { keypair })
    }

    /// The node id: the base58 PeerId of the public key.
    pub fn node_id(&self) -> String {
        self.keypair.public().to_peer_id().to_base58()
    }

    /// The signer of this node's manifests, changes and tombstones (protocol types: the
    /// libp2p key never leaves this module).
    pub fn signer(&self) -> sicc_protocol::identity::NodeSigner {
        let ed = self
            .keypair
            .clone()
            .try_into_ed25519()
            .expect("load() and create() only accept Ed25519 keys");
        let mut seed = [0u8; 32];
        seed.copy_from_slice(ed.secret().as_ref());
        sicc_protocol::identity::NodeSigner::from_seed(seed)
    }

    /// The key pair, for the transport (stays inside `p2p`).
    pub(crate) fn keypair(&self) -> Keypair {
        self.keypair.clone()
    }

    /// The node id shortened for logs (last 8 characters, as libp2p tools do).
    pub fn short_id(&self) -> String {
        let id = self.node_id();
        id[id.len().saturating_sub(8)..].to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_load_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let created = NodeIdentity::create(dir.path()).unwrap();
        let mode = fs::metadata(dir.path().join(IDENTITY_FILE))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        let loaded = NodeIdentity::load(dir.path()).unwrap();
        assert_eq!(created.node_id(), loaded.node_id());
        assert!(created.node_id().starts_with("12D3KooW"));
        assert!(matches!(
            NodeIdentity::create(dir.path()),
            Err(IdentityError::Exists(_))
        ));
        assert_eq!(
            NodeIdentity::load(dir.path()).unwrap().node_id(),
            created.node_id()
        );
        // protocol's NodeId, computed without libp2p, is exactly libp2p's PeerId.
        assert_eq!(created.signer().node_id().to_string(), created.node_id());
        assert_eq!(
            created
                .node_id()
                .parse::<sicc_protocol::identity::NodeId>()
                .unwrap(),
            created.signer().node_id()
        );

        fs::set_permissions(
            dir.path().join(IDENTITY_FILE),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        assert!(matches!(
            NodeIdentity::load(dir.path()),
            Err(IdentityError::TooOpen { .. })
        ));
    }
}
