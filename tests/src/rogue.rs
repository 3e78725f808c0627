//! What a rogue member with a real key builds: changes no honest node would make, signed with
//! its own key, on top of a genuine history. Used by the simulator's scenarios and by
//! `sicc-faults`' member attacks against real processes.

use anyhow::{Context, Result, bail};
use automerge::ReadDoc;
use automerge::transaction::Transactable;
use sicc_node::sync::document::ANNOTATIONS;
use sicc_protocol::catalog::{CatalogId, ChangeSignature};
use sicc_protocol::identity::{ActorId, NodeId, NodeSigner};
use sicc_protocol::wire::{DocHeads, Message, WIRE_VERSION, WireChange};

/// A `changes` message on `catalog` carrying `changes` and asking for `want`, as a member
/// (honest or not) sends one.
pub fn changes_frame(
    catalog: &CatalogId,
    changes: Vec<WireChange>,
    want: Vec<DocHeads>,
) -> Message {
    Message::Changes {
        v: WIRE_VERSION,
        catalog: catalog.to_string(),
        manifest: None,
        changes,
        tombstones: Vec::new(),
        want,
        more: false,
        digest: None,
    }
}

/// A change built by `signer` in `epoch` on top of `base`, signed for `doc` of `catalog`.
pub fn crafted(
    signer: &NodeSigner,
    epoch: u32,
    catalog: &CatalogId,
    doc: &str,
    base: &[WireChange],
    build: impl FnOnce(&mut automerge::AutoCommit) -> Result<()>,
) -> Result<WireChange> {
    let mut d = on_top_of(signer, epoch, base)?;
    build(&mut d)?;
    d.commit();
    let change = d.get_last_local_change().context("nothing was changed")?;
    let signature = ChangeSignature::sign(signer, catalog.clone(), doc, change.hash().0, epoch);
    Ok(WireChange::new(change.raw_bytes(), &signature))
}

/// A document holding `base`, whose next changes are `signer`'s in `epoch`.
pub fn on_top_of(
    signer: &NodeSigner,
    epoch: u32,
    base: &[WireChange],
) -> Result<automerge::AutoCommit> {
    let actor = ActorId::derive(&signer.node_id(), epoch);
    let mut d = automerge::AutoCommit::new().with_actor(automerge::ActorId::from(actor.as_bytes()));
    let mut history = Vec::new();
    for c in base {
        let bytes = c.change_bytes().context("base change hex")?;
        history.push(automerge::Change::from_bytes(bytes)?);
    }
    d.apply_changes(history)?;
    Ok(d)
}

/// `node`'s annotation map in a document built on a catalogue entry (created if absent): the
/// one place a writer may write (SPEC.md §4.1).
pub fn annotation_of(d: &mut automerge::AutoCommit, node: &NodeId) -> Result<automerge::ObjId> {
    let annotations = match d.get(automerge::ROOT, ANNOTATIONS)? {
        Some((_, id)) => id,
        None => bail!("the entry has no annotations map"),
    };
    Ok(match d.get(&annotations, node.to_string())? {
        Some((_, id)) => id,
        None => d.put_object(&annotations, node.to_string(), automerge::ObjType::Map)?,
    })
}

/// The changes a writer may sign but must never get applied, each on top of the genuine
/// history `base` of `doc` (owned by `owner`), each carrying `marker`: the owner's fields
/// rewritten with a later `updated_at`; the owner's annotation written; the annotations map
/// deleted; and a document of its own (`forged_doc`) in the owner's catalogue. Epochs from
/// `first_epoch` on, one per change, so that none depends on another.
pub fn out_of_scope_writes(
    signer: &NodeSigner,
    first_epoch: u32,
    catalog: &CatalogId,
    doc: &str,
    base: &[WireChange],
    forged_doc: &str,
    marker: &str,
) -> Result<Vec<(&'static str, WireChange)>> {
    let owner = *catalog.owner();
    let rewrite = crafted(signer, first_epoch, catalog, doc, base, |d| {
        let summary = match d.get(automerge::ROOT, "summary")? {
            Some((_, id)) => id,
            None => bail!("the entry has no summary"),
        };
        d.put(&summary, "en", marker)?;
        d.put(automerge::ROOT, "updated_at", "2099-01-01T00:00:00Z")?;
        Ok(())
    })?;
    let owners_note = crafted(signer, first_epoch + 1, catalog, doc, base, |d| {
        let theirs = annotation_of(d, &owner)?;
        d.put(&theirs, "text", marker)?;
        Ok(())
    })?;
    let wipe = crafted(signer, first_epoch + 2, catalog, doc, base, |d| {
        d.delete(automerge::ROOT, ANNOTATIONS)?;
        Ok(())
    })?;
    let created = crafted(signer, first_epoch + 3, catalog, forged_doc, &[], |d| {
        for (k, v) in [
            ("id", forged_doc),
            ("kind", "initiative"),
            ("access_level", "consortium"),
            ("status", "active"),
        ] {
            d.put(automerge::ROOT, k, v)?;
        }
        let title = d.put_object(automerge::ROOT, "title", automerge::ObjType::Map)?;
        d.put(&title, "en", marker)?;
        let countries = d.put_object(automerge::ROOT, "countries", automerge::ObjType::List)?;
        d.insert(&countries, 0, "SE")?;
        d.put_object(automerge::ROOT, ANNOTATIONS, automerge::ObjType::Map)?;
        Ok(())
    })?;
    Ok(vec![
        ("a rewrite of the owner's fields", rewrite),
        ("a write into the owner's annotation", owners_note),
        ("a deletion of the annotations map", wipe),
        ("a document of its own", created),
    ])
}
