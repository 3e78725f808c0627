//! The floor under cold subscribe, "raw + required work" (issue 19): what any subscriber must
//! do with a catalogue's signed changes, and nothing else. The changes are made by the node's
//! own code (`SharedDocument::publish`, one per record, signed as LV signs them); a sender
//! thread streams them over a Noise channel (XX, X25519, ChaCha20-Poly1305, SHA-256: what
//! libp2p's transport runs) on loopback TCP; the receiver decodes each change as the node
//! does (size caps, checksum, its hash), checks that the catalogue's owner signed it (strict
//! Ed25519, on every core: the node's pool and key cache) and writes each page of 1,000 to a
//! fresh RocksDB as one synced batch. No Automerge document is built, no readable record, no
//! index, no JSON: a real node does all of these, so the ratio to this floor is its overhead,
//! not its required work. One thread receives, checks and writes in turn (a page's fsync does
//! not overlap the next page's checks), as a node's session does.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use sicc_node::sync::document::SharedDocument;
use sicc_protocol::catalog::{CatalogId, ChangeSignature};
use sicc_protocol::identity::{self, NodeId, NodeSigner, SigningContext};
use sicc_protocol::record::Record;
use std::io::{Read, Write};
use std::time::Instant;

/// Changes per synced batch.
const PAGE: usize = 1_000;
/// Noise's largest message; each carries at most this much plaintext less its 16-byte tag.
const NOISE_MESSAGE: usize = 65_535;
const NOISE_PLAINTEXT: usize = NOISE_MESSAGE - 16;
const NOISE: &str = "Noise_XX_25519_ChaChaPoly_SHA256";

/// One change as a subscriber receives it.
pub struct Signed {
    doc: String,
    bytes: Vec<u8>,
    author: NodeId,
    epoch: u32,
    signature: [u8; 64],
}

/// How long the floor took, and its CPU time.
pub struct Floor {
    pub secs: f64,
    pub cpu_secs: f64,
    /// Noise ciphertext bytes on the connection.
    pub bytes: usize,
}

/// The signed change publishing each record makes, as the owner makes it (not timed).
pub fn signed_changes(values: &[Value]) -> Result<(CatalogId, Vec<Signed>)> {
    let signer = NodeSigner::from_seed([42; 32]);
    let catalog = CatalogId::new(signer.node_id(), "bench")?;
    let time = 1_780_000_000;
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let record = Record::from_json(v).map_err(|e| anyhow::anyhow!("{e}"))?;
        let doc_id = record.id.to_string();
        let mut doc = SharedDocument::new(catalog.clone(), &doc_id, &signer, 0);
        let change = doc
            .publish(&record, &signer, time)?
            .with_context(|| format!("{doc_id}: nothing to publish"))?;
        out.push(Signed {
            doc: doc_id,
            bytes: change.bytes,
            author: change.signature.author,
            epoch: change.signature.epoch,
            signature: change.signature.signature,
        });
    }
    Ok((catalog, out))
}

/// Streams `changes` from a sender thread to this one and takes them as described above.
pub fn measure(catalog: &CatalogId, changes: Vec<Signed>) -> Result<Floor> {
    let dir = tempfile::tempdir()?;
    let db = rocksdb::DB::open_default(dir.path())?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let expected = changes.len();
    let cpu_before = sicc_tests::process::cpu_secs("self")?;
    let started = Instant::now();
    let sender = std::thread::spawn(move || -> Result<usize> {
        let mut stream = std::net::TcpStream::connect(addr)?;
        let mut noise = handshake(&mut stream, true)?;
        let mut plain = Vec::with_capacity(4 * NOISE_PLAINTEXT);
        let mut out = vec![0u8; 2 + NOISE_MESSAGE];
        let mut sent = 0;
        for c in changes {
            encode(&c, &mut plain);
            while plain.len() >= NOISE_PLAINTEXT {
                sent += send(&mut stream, &mut noise, &plain[..NOISE_PLAINTEXT], &mut out)?;
                plain.drain(..NOISE_PLAINTEXT);
            }
        }
        if !plain.is_empty() {
            sent += send(&mut stream, &mut noise, &plain, &mut out)?;
        }
        stream.flush()?;
        Ok(sent)
    });
    let (mut conn, _) = listener.accept()?;
    let mut noise = handshake(&mut conn, false)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, conn);
    let mut options = rocksdb::WriteOptions::default();
    options.set_sync(true);
    let (mut plain, mut page, mut taken) = (Vec::new(), Vec::with_capacity(PAGE), 0);
    let (mut buf, mut message) = (vec![0u8; NOISE_MESSAGE], vec![0u8; NOISE_MESSAGE]);
    loop {
        let mut len = [0u8; 2];
        // The sender is done when the stream ends before a message's first byte.
        let first = loop {
            match reader.read(&mut len[..1]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        if first == 0 {
            break;
        }
        reader.read_exact(&mut len[1..])?;
        let len = u16::from_be_bytes(len) as usize;
        reader.read_exact(&mut message[..len])?;
        let n = noise.read_message(&message[..len], &mut buf)?;
        plain.extend_from_slice(&buf[..n]);
        let mut at = 0;
        while let Some((change, used)) = decode(&plain[at..])? {
            at += used;
            page.push(change);
            if page.len() == PAGE {
                let full = std::mem::replace(&mut page, Vec::with_capacity(PAGE));
                taken += take_page(&db, &options, catalog, full)?;
            }
        }
        plain.drain(..at);
    }
    if !page.is_empty() {
        taken += take_page(&db, &options, catalog, page)?;
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu_secs = sicc_tests::process::cpu_secs("self")? - cpu_before;
    let bytes = sender.join().expect("sender thread")?;
    if taken != expected || !plain.is_empty() {
        bail!("floor: took {taken} of {expected} changes");
    }
    Ok(Floor {
        secs,
        cpu_secs,
        bytes,
    })
}

/// Checks a page's changes on every core, then writes them as one synced batch.
fn take_page(
    db: &rocksdb::DB,
    options: &rocksdb::WriteOptions,
    catalog: &CatalogId,
    page: Vec<Signed>,
) -> Result<usize> {
    let checked = sicc_node::parallel::on_every_core(page, |c| {
        let hash = sicc_node::sync::document::decode(&c.bytes).ok()?.hash().0;
        let message = ChangeSignature::message(catalog, &c.doc, &hash, c.epoch);
        (&c.author == catalog.owner()
            && identity::verify(&c.author, SigningContext::Change, &message, &c.signature))
        .then_some(c)
    });
    let mut batch = rocksdb::WriteBatch::default();
    for c in checked {
        let c = c.context("floor: a change failed its check")?;
        let mut value = c.bytes;
        value.extend_from_slice(&c.signature);
        batch.put(c.doc.as_bytes(), value);
    }
    let n = batch.len();
    db.write_opt(batch, options)?;
    Ok(n)
}

/// The XX handshake (three messages, each with a 2-byte length as libp2p frames them).
fn handshake(stream: &mut std::net::TcpStream, initiator: bool) -> Result<snow::TransportState> {
    let params = NOISE.parse()?;
    let builder = snow::Builder::with_resolver(params, Box::new(Resolver));
    let keys = builder.generate_keypair()?;
    let builder = builder.local_private_key(&keys.private)?;
    let mut state = if initiator {
        builder.build_initiator()?
    } else {
        builder.build_responder()?
    };
    let mut buf = vec![0u8; NOISE_MESSAGE];
    let mut writes = initiator;
    while !state.is_handshake_finished() {
        if writes {
            let n = state.write_message(&[], &mut buf)?;
            stream.write_all(&(n as u16).to_be_bytes())?;
            stream.write_all(&buf[..n])?;
        } else {
            let mut len = [0u8; 2];
            stream.read_exact(&mut len)?;
            let mut message = vec![0u8; u16::from_be_bytes(len) as usize];
            stream.read_exact(&mut message)?;
            state.read_message(&message, &mut buf)?;
        }
        writes = !writes;
    }
    Ok(state.into_transport_mode()?)
}

/// ring's ciphers, hashes and randomness, x25519-dalek's key exchange: libp2p-noise's choice.
struct Resolver;

impl snow::resolvers::CryptoResolver for Resolver {
    fn resolve_rng(&self) -> Option<Box<dyn snow::types::Random>> {
        snow::resolvers::RingResolver.resolve_rng()
    }

    fn resolve_dh(&self, choice: &snow::params::DHChoice) -> Option<Box<dyn snow::types::Dh>> {
        matches!(choice, snow::params::DHChoice::Curve25519)
            .then(|| Box::new(X25519::default()) as Box<dyn snow::types::Dh>)
    }

    fn resolve_hash(
        &self,
        choice: &snow::params::HashChoice,
    ) -> Option<Box<dyn snow::types::Hash>> {
        snow::resolvers::RingResolver.resolve_hash(choice)
    }

    fn resolve_cipher(
        &self,
        choice: &snow::params::CipherChoice,
    ) -> Option<Box<dyn snow::types::Cipher>> {
        snow::resolvers::RingResolver.resolve_cipher(choice)
    }
}

#[derive(Default)]
struct X25519 {
    secret: [u8; 32],
    public: [u8; 32],
}

impl snow::types::Dh for X25519 {
    fn name(&self) -> &'static str {
        "25519"
    }

    fn pub_len(&self) -> usize {
        32
    }

    fn priv_len(&self) -> usize {
        32
    }

    fn set(&mut self, privkey: &[u8]) {
        self.secret.copy_from_slice(&privkey[..32]);
        self.public = x25519_dalek::x25519(self.secret, x25519_dalek::X25519_BASEPOINT_BYTES);
    }

    fn generate(&mut self, rng: &mut dyn snow::types::Random) -> Result<(), snow::Error> {
        rng.try_fill_bytes(&mut self.secret)?;
        self.public = x25519_dalek::x25519(self.secret, x25519_dalek::X25519_BASEPOINT_BYTES);
        Ok(())
    }

    fn pubkey(&self) -> &[u8] {
        &self.public
    }

    fn privkey(&self) -> &[u8] {
        &self.secret
    }

    fn dh(&self, pubkey: &[u8], out: &mut [u8]) -> Result<(), snow::Error> {
        let theirs: [u8; 32] = pubkey
            .get(..32)
            .and_then(|k| k.try_into().ok())
            .ok_or(snow::Error::Dh)?;
        out[..32].copy_from_slice(&x25519_dalek::x25519(self.secret, theirs));
        Ok(())
    }
}

/// Encrypts `plain` into `out` (2 + [`NOISE_MESSAGE`] bytes, reused) and sends it framed.
fn send(
    stream: &mut std::net::TcpStream,
    noise: &mut snow::TransportState,
    plain: &[u8],
    out: &mut [u8],
) -> Result<usize> {
    let n = noise.write_message(plain, &mut out[2..])?;
    out[..2].copy_from_slice(&(n as u16).to_be_bytes());
    stream.write_all(&out[..2 + n])?;
    Ok(2 + n)
}

/// A change on the floor's wire: document id, change bytes, author key, epoch, signature.
fn encode(c: &Signed, out: &mut Vec<u8>) {
    out.extend_from_slice(&(c.doc.len() as u16).to_be_bytes());
    out.extend_from_slice(c.doc.as_bytes());
    out.extend_from_slice(&(c.bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(&c.bytes);
    out.extend_from_slice(&c.author.public_key());
    out.extend_from_slice(&c.epoch.to_be_bytes());
    out.extend_from_slice(&c.signature);
}

/// The next whole change in `buf` and the bytes it took; `None` while it is incomplete.
fn decode(buf: &[u8]) -> Result<Option<(Signed, usize)>> {
    let take = |at: usize, n: usize| buf.get(at..at + n);
    let Some(doc_len) = take(0, 2) else {
        return Ok(None);
    };
    let doc_len = u16::from_be_bytes([doc_len[0], doc_len[1]]) as usize;
    let Some(bytes_len) = take(2 + doc_len, 4) else {
        return Ok(None);
    };
    let bytes_len = u32::from_be_bytes(bytes_len.try_into()?) as usize;
    let start = 2 + doc_len + 4;
    let end = start + bytes_len + 32 + 4 + 64;
    if buf.len() < end {
        return Ok(None);
    }
    let key: [u8; 32] = buf[start + bytes_len..start + bytes_len + 32].try_into()?;
    let epoch = u32::from_be_bytes(buf[end - 68..end - 64].try_into()?);
    Ok(Some((
        Signed {
            doc: String::from_utf8(buf[2..2 + doc_len].to_vec())?,
            bytes: buf[start..start + bytes_len].to_vec(),
            author: NodeId::from_public_key(key),
            epoch,
            signature: buf[end - 64..end].try_into()?,
        },
        end,
    )))
}
