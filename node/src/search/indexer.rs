//! The indexer: one thread owns tantivy's `IndexWriter` and applies updates from a bounded
//! queue as they come, committing at once when idle and at most once per
//! [`COMMIT_INTERVAL`] under load; a task follows the store's change feed and turns each
//! committed change into an update. The feed sequence the index reflects is stored in each
//! commit's payload, so after a restart (or a crash between a store write and its indexing)
//! the index resumes from exactly there.

use super::schema::{Fields, LabelWords, analyzers, schema, to_document};
use super::{INDEX_DIR, INDEX_VERSION, Origin, SearchError, SearchHandle, VERSION_FILE};
use crate::storage::{Committed, Consumer, FeedChange, Follower, Store, StoreError, Written};
use sicc_protocol::query::Filter;
use sicc_protocol::record::Record;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use tokio::sync::{mpsc, oneshot, watch};

/// Capacity of the indexer's queue.
const UPDATE_QUEUE: usize = 4_096;

pub(super) enum Update {
    Upsert(Box<(Arc<Record>, Origin)>),
    Delete(String),
    Clear,
    /// Every update before this one reflects the feed up to this sequence.
    Mark(u64),
    /// The feed follower stopped: nothing will be applied any more, so nobody waits for it.
    Unfollowed,
    Flush(oneshot::Sender<()>),
}

/// Joins the indexer thread.
#[derive(Debug)]
pub struct Indexer {
    thread: std::thread::JoinHandle<()>,
}

impl Indexer {
    /// Waits until the indexer has committed what was queued (after every handle is dropped).
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

/// Where an opened index stands with respect to the store's feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexStart {
    /// Created just now (missing, or of another layout version): rebuild it.
    Fresh,
    /// Reflects the feed up to this sequence (`None`: no commit recorded one).
    At(Option<u64>),
}

/// Opens (or creates) the index under `data_dir` and starts the indexer thread.
pub fn open(data_dir: &Path) -> Result<(SearchHandle, Indexer, IndexStart), SearchError> {
    let dir = data_dir.join(INDEX_DIR);
    let io = |source| SearchError::Io {
        path: dir.clone(),
        source,
    };
    let version_file = dir.join(VERSION_FILE);
    let current = std::fs::read_to_string(&version_file)
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok());
    let fresh = current != Some(INDEX_VERSION);
    if fresh && dir.exists() {
        tracing::info!(found = ?current, "search index of another version: rebuilding it");
        std::fs::remove_dir_all(&dir).map_err(io)?;
    }
    std::fs::create_dir_all(&dir).map_err(io)?;
    let (schema, fields) = schema();
    let index = Index::open_or_create(
        tantivy::directory::MmapDirectory::open(&dir).map_err(|e| SearchError::Io {
            path: dir.clone(),
            source: std::io::Error::other(e.to_string()),
        })?,
        schema,
    )?;
    let analyzers = analyzers();
    for (name, a) in &analyzers {
        index.tokenizers().register(name, a.clone());
    }
    std::fs::write(&version_file, INDEX_VERSION.to_string()).map_err(io)?;
    let start = if fresh {
        IndexStart::Fresh
    } else {
        IndexStart::At(
            index
                .load_metas()?
                .payload
                .and_then(|p| p.trim().parse::<u64>().ok()),
        )
    };
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let (tx, rx) = mpsc::channel(UPDATE_QUEUE);
    let (indexed, indexed_rx) = watch::channel(match start {
        IndexStart::At(Some(seq)) => seq,
        _ => 0,
    });
    let (applied, applied_rx) = watch::channel(*indexed_rx.borrow());
    // The indexer thread's own clock, to wait for a queued update or a commit deadline,
    // whichever comes first.
    let clock = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(io)?;
    let span = tracing::Span::current();
    let (thread_fields, thread_reader) = (fields.clone(), reader.clone());
    let (opened, writer_opened) = std::sync::mpsc::sync_channel(1);
    let thread = std::thread::Builder::new()
        .name("sicc-indexer".into())
        .spawn(move || {
            let _enter = span.enter();
            // Indexing yields the CPU to queries: this thread, and tantivy's indexing and merge
            // threads, which it creates and which inherit its priority, run below the rest of
            // the node. On two cores, an import otherwise took the cores from staff searching.
            lower_this_threads_priority();
            // tantivy's smallest arena (15 MB): it stays allocated for the node's lifetime.
            match index.writer_with_num_threads(1, 15_000_000) {
                Ok(writer) => {
                    let _ = opened.send(Ok(()));
                    let state = IndexerThread {
                        writer,
                        reader: thread_reader,
                        fields: thread_fields,
                        indexed,
                        applied,
                        mark: None,
                        last_commit: None,
                        pending: Pending::default(),
                        added: HashSet::new(),
                    };
                    run_indexer(state, rx, clock)
                }
                Err(e) => {
                    let _ = opened.send(Err(e));
                }
            }
        })
        .map_err(io)?;
    writer_opened.recv().map_err(|_| SearchError::Stopped)??;
    Ok((
        SearchHandle {
            reader,
            fields,
            label_words: std::sync::Arc::new(LabelWords::new(&analyzers["sicc_folded"])),
            facet_terms: Default::default(),
            analyzers,
            updates: tx,
            indexed: indexed_rx,
            applied: applied_rx,
        },
        Indexer { thread },
        start,
    ))
}

/// Once a commit is due, queued updates are still taken into it while fewer than this many
/// were applied since the last commit.
const MAX_GROUP: usize = 10_000;
/// While updates keep coming, at most one commit per this interval. Each commit writes a
/// segment, fsyncs it and reloads the reader: committing every few hundred records during an
/// import left many small segments (a typo query walks each one's term dictionary) and kept
/// the merges busy on a core the queries need.
pub(super) const COMMIT_INTERVAL: Duration = Duration::from_millis(500);

/// When the updates applied since the last commit are to be committed (`None`: at once).
/// At once when someone waits on a flush or the index was idle for an interval, so a staff
/// member's write is searchable as soon as it is indexed; otherwise one interval after the
/// last commit, so an import is searchable within about a second of its last write.
pub(super) fn commit_deadline(
    last_commit: Option<Instant>,
    flush_waiting: bool,
) -> Option<Instant> {
    if flush_waiting {
        return None;
    }
    last_commit.map(|t| t + COMMIT_INTERVAL)
}

/// How much lower than the node's own the indexer's CPU priority is (a `nice` increment).
#[cfg(target_os = "linux")]
const INDEXER_NICENESS: libc::c_int = 5;

/// Lowers the calling thread's CPU priority by [`INDEXER_NICENESS`] (Linux keeps a nice
/// value per thread; threads created afterwards by this one inherit it). Failing to is
/// harmless: indexing then competes with queries as before.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn lower_this_threads_priority() {
    // SAFETY: `gettid` and `getpriority`/`setpriority` on the calling thread's own id have no
    // memory effects; errors come back as return values.
    unsafe {
        let me = libc::gettid() as libc::id_t;
        let now = libc::getpriority(libc::PRIO_PROCESS, me);
        if libc::setpriority(libc::PRIO_PROCESS, me, now + INDEXER_NICENESS) != 0 {
            tracing::debug!("the indexer's CPU priority was not lowered");
        }
    }
}

/// Elsewhere a nice value is the whole process's: indexing keeps the node's priority.
#[cfg(not(target_os = "linux"))]
fn lower_this_threads_priority() {}

/// What the indexer gathered since its last commit.
#[derive(Default)]
struct Pending {
    updates: usize,
    flushes: Vec<oneshot::Sender<()>>,
    erased: bool,
}

/// The indexer thread's state: tantivy's writer, the reader it reloads after each commit,
/// and what it gathered since its last commit.
struct IndexerThread {
    writer: IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
    indexed: watch::Sender<u64>,
    /// The feed sequence the updates applied so far reflect (committed or not).
    applied: watch::Sender<u64>,
    /// Every update before the last `Mark` reflects the feed up to this sequence.
    mark: Option<u64>,
    last_commit: Option<Instant>,
    pending: Pending,
    /// Keys of the records added since the last commit, which the reader does not see yet.
    added: HashSet<String>,
}

impl IndexerThread {
    fn apply(&mut self, update: Update) {
        self.pending.updates += 1;
        match update {
            Update::Upsert(b) => {
                let (record, origin) = *b;
                let key = origin.key(record.id.as_str());
                let term = Term::from_field_text(self.fields.key, &key);
                if self.may_hold(&term, &key) {
                    self.writer.delete_term(term);
                }
                let doc = to_document(&self.fields, &record, &origin);
                match self.writer.add_document(doc) {
                    Ok(_) => {
                        self.added.insert(key);
                    }
                    Err(e) => tracing::error!(error = %e, "record not indexed"),
                }
            }
            Update::Delete(key) => {
                self.writer
                    .delete_term(Term::from_field_text(self.fields.key, &key));
                self.pending.erased = true;
            }
            Update::Clear => {
                if let Err(e) = self.writer.delete_all_documents() {
                    tracing::error!(error = %e, "index not cleared");
                }
            }
            Update::Mark(seq) => {
                self.mark = Some(seq);
                self.applied.send_replace(seq);
            }
            Update::Unfollowed => {
                self.applied.send_replace(u64::MAX);
            }
            Update::Flush(tx) => self.pending.flushes.push(tx),
        }
    }

    /// Whether the index may hold a record under `key`: added since the last commit, or
    /// counted by the committed index (deleted ones included, until merged away; an
    /// unreadable count counts as held). A record it cannot hold (a new record: every one of
    /// a cold subscribe or a first import) is added without a delete. Each delete builds a
    /// query of about 1 KB that tantivy keeps in its delete queue until the index is next
    /// written to, and checks against every segment at the commit.
    fn may_hold(&self, term: &Term, key: &str) -> bool {
        self.added.contains(key) || !matches!(self.reader.searcher().doc_freq(term), Ok(0))
    }

    /// Commits what was applied (with the feed sequence it reflects), makes it searchable,
    /// purges erased records from the files, and answers the flushes waiting on it.
    fn commit(&mut self) {
        let committed = self.writer.prepare_commit().and_then(|mut prepared| {
            if let Some(seq) = self.mark {
                prepared.set_payload(&seq.to_string());
            }
            prepared.commit()
        });
        match &committed {
            Ok(_) => {
                if let Some(seq) = self.mark {
                    self.indexed.send_replace(seq);
                }
            }
            Err(e) => tracing::error!(error = %e, "search index commit failed"),
        }
        self.last_commit = Some(Instant::now());
        match self.reader.reload() {
            // The records added are the reader's to count from now on.
            // A new set: the last one's table is as large as the largest commit's.
            Ok(()) if committed.is_ok() => self.added = HashSet::new(),
            Ok(()) => {}
            Err(e) => tracing::error!(error = %e, "search index reload failed"),
        }
        let done = std::mem::take(&mut self.pending);
        if done.erased
            && let Err(e) = purge_deleted(&mut self.writer, &self.reader)
        {
            tracing::warn!(error = %e, "erased records not purged from the index files yet");
        }
        for f in done.flushes {
            let _ = f.send(());
        }
    }
}

fn run_indexer(
    mut state: IndexerThread,
    mut rx: mpsc::Receiver<Update>,
    clock: tokio::runtime::Runtime,
) {
    loop {
        let next = if state.pending.updates == 0 {
            if rx.is_empty() {
                crate::memory::thread_idle();
            }
            rx.blocking_recv()
        } else {
            let flush_waiting = !state.pending.flushes.is_empty();
            match commit_deadline(state.last_commit, flush_waiting) {
                Some(deadline) if Instant::now() < deadline => match rx.try_recv() {
                    Ok(update) => Some(update),
                    Err(mpsc::error::TryRecvError::Disconnected) => None,
                    Err(mpsc::error::TryRecvError::Empty) => {
                        let deadline = tokio::time::Instant::from_std(deadline);
                        // The timer is made inside `block_on`: it needs the clock's context.
                        let wait = async { tokio::time::timeout_at(deadline, rx.recv()).await };
                        match clock.block_on(wait) {
                            Ok(received) => received,
                            // The deadline passed: commit below.
                            Err(_) => continue,
                        }
                    }
                },
                // Due: what is queued already goes into this commit too, up to a bound on
                // the updates since the last commit, so a steady stream cannot put it off.
                _ if state.pending.updates < MAX_GROUP && !rx.is_empty() => rx.blocking_recv(),
                _ => {
                    state.commit();
                    continue;
                }
            }
        };
        match next {
            Some(update) => state.apply(update),
            None => break,
        }
    }
    // Every handle is gone: what is pending is committed (and erasures purged) before the
    // thread ends.
    if state.pending.updates > 0 {
        state.commit();
    }
}

/// A deleted document stays in its segment's files (stored text included) until the segment
/// is merged: rewrites the segments holding deleted documents without them and removes the old
/// files, so an erased record's text is gone from the index directory, not only from results.
fn purge_deleted(
    writer: &mut IndexWriter<TantivyDocument>,
    reader: &IndexReader,
) -> tantivy::Result<()> {
    let with_deletes: Vec<tantivy::index::SegmentId> = reader
        .searcher()
        .segment_readers()
        .iter()
        .filter(|s| s.num_deleted_docs() > 0)
        .map(|s| s.segment_id())
        .collect();
    if !with_deletes.is_empty() {
        writer.merge(&with_deletes).wait()?;
    }
    reader.reload()?;
    writer.garbage_collect_files().wait()?;
    Ok(())
}

/// Brings the index in line with the store as the node starts: resumes from the sequence its
/// last commit recorded, or rebuilds it from every record when it is new, carries no
/// sequence, or the feed no longer holds the entries after it. Returns the sequence to follow
/// the feed from.
pub async fn catch_up(
    store: &Store,
    search: &SearchHandle,
    start: IndexStart,
) -> Result<u64, StartIndexError> {
    let first_kept = store.feed_first_seq().await?;
    let resumable = match start {
        IndexStart::At(Some(seq)) => first_kept.is_none_or(|first| seq + 1 >= first),
        _ => false,
    };
    match start {
        IndexStart::At(Some(seq)) if resumable => Ok(seq),
        _ => {
            tracing::info!(?start, "rebuilding the search index");
            let upto = store.committed_seq();
            rebuild(store, search, upto).await?;
            Ok(upto)
        }
    }
}

/// Why the index could not be brought in line at start.
#[derive(Debug, thiserror::Error)]
pub enum StartIndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// Rebuilds the index from the store (every local record and every shared one) and marks it
/// as reflecting the feed up to `upto` (read before the scan: what is written meanwhile is
/// replayed from the feed, idempotently). Returns the number of records indexed.
pub async fn rebuild(
    store: &Store,
    search: &SearchHandle,
    upto: u64,
) -> Result<u64, StartIndexError> {
    search.send(Update::Clear).await?;
    let mut n = 0;
    let mut cursor = None;
    loop {
        let page = store
            .list(Filter::default(), cursor, crate::storage::MAX_PAGE)
            .await?;
        for r in page.records {
            search
                .send(Update::Upsert(Box::new((Arc::new(r), Origin::Local))))
                .await?;
            n += 1;
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut after = None;
    loop {
        let page = store
            .list_shared(Filter::default(), after, crate::storage::MAX_PAGE)
            .await?;
        after = page
            .records
            .last()
            .map(|s| (s.record.id.to_string(), s.catalog.clone()));
        for s in page.records {
            let origin = Origin::Shared {
                node: s.origin,
                catalog: s.catalog,
            };
            search
                .send(Update::Upsert(Box::new((Arc::new(s.record), origin))))
                .await?;
            n += 1;
        }
        if !page.more {
            break;
        }
    }
    search.send(Update::Mark(upto)).await?;
    search.flush().await?;
    Ok(n)
}

/// Follows the feed until the store stops: each committed change becomes an index update, in
/// feed order; the index tells the store how far it got once that is committed.
pub async fn follow_feed(store: Store, search: SearchHandle, mut follower: Follower) {
    let mut indexed = search.indexed.clone();
    let mut reported = *indexed.borrow();
    loop {
        tokio::select! {
            batch = follower.next() => match batch {
                Ok(batch) => {
                    if let Err(e) = index_batch(&store, &search, batch).await {
                        tracing::warn!(error = %e, "index not updated from the feed");
                    }
                }
                Err(StoreError::Stopped) => break,
                Err(e) => {
                    tracing::error!(error = %e, "the search index stopped following the feed");
                    break;
                }
            },
            changed = indexed.changed() => {
                if changed.is_err() {
                    break;
                }
                let seq = *indexed.borrow_and_update();
                if seq > reported && store.feed_consumed(Consumer::Index, seq).await.is_ok() {
                    reported = seq;
                }
            }
        }
    }
    // Imports wait on what the index applied (`SearchHandle::applied`): they must not wait
    // for a follower that is gone.
    let _ = search.send(Update::Unfollowed).await;
}

async fn index_batch(
    store: &Store,
    search: &SearchHandle,
    batch: Vec<Committed>,
) -> Result<(), StartIndexError> {
    let Some(upto) = batch.last().map(|c| c.seq) else {
        return Ok(());
    };
    for c in batch {
        let update = match (c.change, c.written) {
            (FeedChange::Local(id), Some(Written::Local(record))) => local_update(&id, record),
            (FeedChange::Local(id), _) => {
                let record = store.get(id.clone()).await?;
                local_update(&id, record.map(Arc::new))
            }
            (FeedChange::Shared { doc, catalog }, Some(Written::Shared { origin, record })) => {
                shared_update(&doc, catalog, origin, record)
            }
            (FeedChange::Shared { doc, catalog }, _) => {
                let found = match doc.parse() {
                    Ok(id) => store
                        .get_shared(id)
                        .await
                        .map(|all| all.into_iter().find(|s| s.catalog == catalog)),
                    Err(_) => Ok(None),
                };
                match found {
                    Ok(Some(s)) => {
                        shared_update(&doc, catalog, s.origin, Some(Ok(Arc::new(s.record))))
                    }
                    Ok(None) => shared_update(&doc, catalog, String::new(), None),
                    Err(e) => {
                        tracing::warn!(%doc, error = %e, "shared record not readable; not searchable");
                        shared_update(&doc, catalog, String::new(), None)
                    }
                }
            }
        };
        search.send(update).await?;
    }
    search.send(Update::Mark(upto)).await?;
    Ok(())
}

fn local_update(id: &sicc_protocol::id::RecordId, record: Option<Arc<Record>>) -> Update {
    match record {
        Some(r) => Update::Upsert(Box::new((r, Origin::Local))),
        None => Update::Delete(Origin::Local.key(id.as_str())),
    }
}

fn shared_update(
    doc: &str,
    catalog: String,
    node: String,
    record: Option<Result<Arc<Record>, String>>,
) -> Update {
    let origin = Origin::Shared { node, catalog };
    match record {
        Some(Ok(r)) => Update::Upsert(Box::new((r, origin))),
        Some(Err(e)) => {
            tracing::warn!(%doc, error = %e, "shared record not searchable");
            Update::Delete(origin.key(doc))
        }
        None => Update::Delete(origin.key(doc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_index_commits_at_once_and_a_busy_one_once_per_interval() {
        let now = Instant::now();
        // Never committed, or someone waits on a flush: at once.
        assert_eq!(commit_deadline(None, false), None);
        assert_eq!(commit_deadline(Some(now), true), None);
        // Otherwise one interval after the last commit (the caller commits at once when that
        // moment has passed, as after an idle spell).
        assert_eq!(
            commit_deadline(Some(now), false),
            Some(now + COMMIT_INTERVAL)
        );
        assert!(
            COMMIT_INTERVAL <= Duration::from_secs(1),
            "imports searchable within 1 s"
        );
    }

    /// A local initiative `id`, indexed as the feed follower would send it.
    fn upsert(id: &str) -> Update {
        upsert_in(id, "LV")
    }

    /// A local initiative `id` of `country`.
    fn upsert_in(id: &str, country: &str) -> Update {
        Update::Upsert(Box::new((
            Arc::new(initiative_in(id, country)),
            Origin::Local,
        )))
    }

    /// Initiative `id` as published by `node` in its catalogue `lv-catalog`.
    fn shared_upsert(id: &str, node: &str) -> Update {
        let origin = Origin::Shared {
            node: node.into(),
            catalog: "lv-catalog".into(),
        };
        Update::Upsert(Box::new((Arc::new(initiative(id)), origin)))
    }

    fn initiative(id: &str) -> Record {
        initiative_in(id, "LV")
    }

    fn initiative_in(id: &str, country: &str) -> Record {
        Record::from_json(&serde_json::json!({
            "id": id, "kind": "initiative", "access_level": "consortium",
            "title": {"en": "Home care"}, "status": "active", "countries": [country],
            "summary": {"en": "Home care in rural Latgale"},
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn a_record_indexed_again_replaces_itself_within_a_commit_and_across_commits() {
        let dir = tempfile::tempdir().unwrap();
        let (search, indexer, _) = open(dir.path()).unwrap();
        // New records go in without a delete; the same one again within one commit (added
        // since the last commit, unseen by the reader) and after it must replace itself.
        search.send(upsert("lv-init-1")).await.unwrap();
        search.send(upsert("lv-init-2")).await.unwrap();
        search.send(upsert("lv-init-1")).await.unwrap();
        search.flush().await.unwrap();
        assert_eq!(search.len(), 2, "indexed twice in one commit, held once");
        search.send(upsert("lv-init-2")).await.unwrap();
        search.send(upsert("lv-init-3")).await.unwrap();
        search.flush().await.unwrap();
        assert_eq!(search.len(), 3, "indexed again after a commit, held once");
        // The same id from a partner is another entry.
        search
            .send(shared_upsert("lv-init-1", "lv-node"))
            .await
            .unwrap();
        search.flush().await.unwrap();
        assert_eq!(search.len(), 4);
        drop(search);
        indexer.join();
        // Reopened: the committed index still tells a held record from a new one.
        let (search, indexer, _) = open(dir.path()).unwrap();
        search.send(upsert("lv-init-3")).await.unwrap();
        search.flush().await.unwrap();
        assert_eq!(search.len(), 4, "indexed again after a restart, held once");
        drop(search);
        indexer.join();
    }

    #[tokio::test]
    async fn applied_follows_the_marks_the_indexer_has_taken_in() {
        let dir = tempfile::tempdir().unwrap();
        let (search, indexer, _) = open(dir.path()).unwrap();
        search.send(upsert("lv-init-1")).await.unwrap();
        search.send(Update::Mark(3)).await.unwrap();
        // The wait ends with the mark, long before its own bound (a deadline, not a pace).
        let deadline = Duration::from_secs(60);
        let mark = |seq| tokio::time::timeout(deadline, search.applied(seq, deadline * 60));
        mark(3).await.expect("the mark was applied");
        assert_eq!(*search.applied.borrow(), 3);
        // A sequence no mark reached: the wait ends at its bound, the sequence unmoved.
        search.applied(4, Duration::from_millis(10)).await;
        assert_eq!(*search.applied.borrow(), 3);
        search.send(upsert("lv-init-2")).await.unwrap();
        search.send(Update::Mark(5)).await.unwrap();
        mark(4).await.expect("a later mark covers it");
        assert_eq!(*search.applied.borrow(), 5);
        drop(search);
        indexer.join();
    }

    #[tokio::test]
    async fn what_is_pending_when_the_indexer_stops_is_committed_and_erasures_purged() {
        let dir = tempfile::tempdir().unwrap();
        let (search, indexer, _) = open(dir.path()).unwrap();
        // Two records in one segment: a segment whose records are all deleted is dropped
        // whole, while one keeping a record keeps the erased one's text until it is merged.
        search.send(upsert("lv-init-1")).await.unwrap();
        search.send(upsert("lv-init-3")).await.unwrap();
        search.flush().await.unwrap();
        assert_eq!(search.len(), 2, "a flush commits at once");
        // Sent right after a commit: held for the next one, which only the stop brings.
        search
            .send(Update::Delete(Origin::Local.key("lv-init-1")))
            .await
            .unwrap();
        search.send(upsert("lv-init-2")).await.unwrap();
        search.send(Update::Mark(7)).await.unwrap();
        drop(search);
        indexer.join();

        let (search, indexer, start) = open(dir.path()).unwrap();
        assert_eq!(
            start,
            IndexStart::At(Some(7)),
            "the commit carries the feed sequence"
        );
        assert_eq!(search.len(), 2);
        let searcher = search.reader.searcher();
        assert!(
            searcher
                .segment_readers()
                .iter()
                .all(|s| s.num_deleted_docs() == 0),
            "the erased record is gone from the files, not only from results"
        );
        drop(search);
        indexer.join();
    }

    /// The facet counts of a search with no conditions, as `facet=value` → count.
    async fn facet_counts(search: &SearchHandle) -> std::collections::BTreeMap<String, u64> {
        let request = super::super::SearchRequest::parse([]).unwrap();
        let result = search.search(request).await.unwrap();
        result
            .facets
            .into_iter()
            .flat_map(|(facet, buckets)| {
                buckets
                    .into_iter()
                    .map(move |b| (format!("{facet}={}", b.value), b.count))
            })
            .collect()
    }

    #[tokio::test]
    async fn facets_count_every_segment_and_follow_a_record_that_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (search, indexer, _) = open(dir.path()).unwrap();
        // Three commits: three segments, each with its own dictionary of facet values.
        search.send(upsert_in("a", "LV")).await.unwrap();
        search.send(upsert_in("b", "LV")).await.unwrap();
        search.flush().await.unwrap();
        search.send(upsert_in("c", "SE")).await.unwrap();
        search.flush().await.unwrap();
        search.send(upsert_in("d", "ES")).await.unwrap();
        search.flush().await.unwrap();
        assert!(search.segments() >= 2, "{} segments", search.segments());
        let counts = facet_counts(&search).await;
        assert_eq!(counts["country=LV"], 2);
        assert_eq!(counts["country=SE"], 1);
        assert_eq!(counts["country=ES"], 1);
        assert_eq!(counts["kind=initiative"], 4);
        assert_eq!(counts["origin=local"], 4);
        // A record that moves country: its old entry, in a segment whose values were decoded
        // already, no longer counts.
        search.send(upsert_in("a", "FR")).await.unwrap();
        search.flush().await.unwrap();
        let counts = facet_counts(&search).await;
        assert_eq!(counts["country=LV"], 1);
        assert_eq!(counts["country=FR"], 1);
        assert_eq!(counts["kind=initiative"], 4);
        // A partner's record, whose origin holds a `:`: the facet's name ends at the first.
        search.send(shared_upsert("e", "lv:node")).await.unwrap();
        search.flush().await.unwrap();
        let counts = facet_counts(&search).await;
        assert_eq!(counts["origin=lv:node"], 1);
        assert_eq!(counts["catalog=lv-catalog"], 1);
        assert_eq!(counts["country=LV"], 2);
        // An erasure merges the segments holding deleted records away (here into nothing: the
        // segment of `a` and `b` holds no live record after it): their values are forgotten.
        search
            .send(Update::Delete(Origin::Local.key("b")))
            .await
            .unwrap();
        search.flush().await.unwrap();
        let counts = facet_counts(&search).await;
        assert_eq!(counts["country=LV"], 1);
        assert_eq!(counts["kind=initiative"], 4);
        assert_eq!(search.facet_terms.len(), search.segments());
        // Opened again, with nothing decoded yet: the same counts.
        drop(search);
        indexer.join();
        let (search, indexer, _) = open(dir.path()).unwrap();
        assert_eq!(facet_counts(&search).await, counts);
        drop(search);
        indexer.join();
    }
}
