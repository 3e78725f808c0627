//! Multilingual full-text and faceted search over local and shared records: a tantivy index
//! beside RocksDB in `DATA_DIR/index`. It is a derived view: rebuilt from the store when it is
//! missing, of another version or out of step, and by `sicc reindex`.
//!
//! One thread (the indexer) owns the `IndexWriter`; it takes updates from a bounded channel,
//! applies what is queued, commits once for the group and reloads the reader, like the store's
//! writer. Searches run on the blocking pool against the shared reader. Only this module names
//! tantivy types.
//!
//! Text is indexed once per language with that language's analyzer (Spanish, French, Swedish
//! and English stemmed; Latvian and others folded only), and once more folded without stemming
//! (`text_all`), which also serves typo tolerance and highlights. A query word matches if any
//! language field or the folded field matches it, so a Latvian query finds a record through its
//! Latvian text and an English query through its English translation. Facets mirror the record
//! filters of `protocol::query` (a facet value counts the records the same filter would return).

use serde::Serialize;
use serde_json::{Value, json};
use sicc_protocol::codes::CodeList;
use sicc_protocol::record::Record;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value as _,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};
use tokio::sync::{mpsc, oneshot};

/// Version of the index layout; another version on disk is dropped and rebuilt.
pub const INDEX_VERSION: u32 = 2;
/// Subdirectory of the data directory holding the index.
pub const INDEX_DIR: &str = "index";
const VERSION_FILE: &str = "sicc-index-version";
/// Capacity of the indexer's queue.
const UPDATE_QUEUE: usize = 4_096;
/// Most updates folded into one commit.
const MAX_BATCH: usize = 5_000;
/// Largest page of hits.
pub const MAX_LIMIT: usize = 100;
/// Most words of a query (the rest is ignored).
pub const MAX_QUERY_WORDS: usize = 16;

/// Languages with their own analyzer, and the name of their field.
const LANGUAGES: [(&str, &str); 5] = [
    ("es", "text_es"),
    ("fr", "text_fr"),
    ("sv", "text_sv"),
    ("en", "text_en"),
    ("lv", "text_lv"),
];

/// Facets: the name (also the filter parameter) and how a record's values are found.
pub const FACETS: [&str; 13] = [
    "kind",
    "country",
    "nuts",
    "theme",
    "target_group",
    "esf_objective",
    "sdg",
    "stage",
    "evidence_level",
    "origin",
    "catalog",
    "language",
    "open_to_transfer",
];

/// What can go wrong in the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error("the search indexer has stopped")]
    Stopped,
}

/// Where a record came from, as the index knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Local,
    Shared { node: String, catalog: String },
}

impl Origin {
    fn key(&self, id: &str) -> String {
        match self {
            Origin::Local => format!("local:{id}"),
            Origin::Shared { catalog, .. } => format!("shared:{catalog}:{id}"),
        }
    }
}

enum Update {
    Upsert(Box<(Record, Origin)>),
    Delete(String),
    Clear,
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
struct Fields {
    key: Field,
    id: Field,
    title: Field,
    updated: Field,
    updated_at: Field,
    text_all: Field,
    texts: Vec<(&'static str, Field)>,
    facets: BTreeMap<&'static str, Field>,
    nuts_prefix: Field,
    /// `local` or `shared`, so that `origin=shared` selects every partner's records.
    scope: Field,
}

/// Cheap, cloneable handle: searches, and updates for the indexer.
#[derive(Clone)]
pub struct SearchHandle {
    reader: IndexReader,
    fields: Fields,
    analyzers: BTreeMap<&'static str, TextAnalyzer>,
    updates: mpsc::Sender<Update>,
}

impl std::fmt::Debug for SearchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchHandle")
    }
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

fn analyzer(stemmer: Option<Language>) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    // Stem the word as written (stemmers know accents), then fold what is left.
    match stemmer {
        Some(l) => base
            .filter(Stemmer::new(l))
            .filter(AsciiFoldingFilter)
            .build(),
        None => base.filter(AsciiFoldingFilter).build(),
    }
}

fn analyzers() -> BTreeMap<&'static str, TextAnalyzer> {
    BTreeMap::from([
        ("sicc_es", analyzer(Some(Language::Spanish))),
        ("sicc_fr", analyzer(Some(Language::French))),
        ("sicc_sv", analyzer(Some(Language::Swedish))),
        ("sicc_en", analyzer(Some(Language::English))),
        ("sicc_lv", analyzer(None)),
        ("sicc_folded", analyzer(None)),
    ])
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let key = b.add_text_field("key", STRING | STORED);
    let id = b.add_text_field("id", STRING | STORED);
    let title = b.add_text_field("title", STORED);
    let updated = b.add_i64_field("updated", FAST);
    let updated_at = b.add_text_field("updated_at", STORED);
    let text_all = b.add_text_field("text_all", text("sicc_folded").set_stored());
    let texts = LANGUAGES
        .iter()
        .map(|(lang, name)| (*lang, b.add_text_field(name, text(&format!("sicc_{lang}")))))
        .collect();
    let facets = FACETS
        .iter()
        .map(|name| (*name, b.add_text_field(name, STRING | FAST | STORED)))
        .collect();
    let nuts_prefix = b.add_text_field("nuts_prefix", STRING);
    let scope = b.add_text_field("scope", STRING);
    (
        b.build(),
        Fields {
            key,
            id,
            title,
            updated,
            updated_at,
            text_all,
            texts,
            facets,
            nuts_prefix,
            scope,
        },
    )
}

fn unix_seconds(rfc3339: Option<&str>) -> i64 {
    rfc3339
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map_or(0, |t| t.unix_timestamp())
}

/// The facet values of a record, as the record filters would match them.
fn facet_values(record: &Record, origin: &Origin) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut put = |facet: &'static str, v: &str| {
        out.entry(facet).or_default().insert(v.to_owned());
    };
    put("kind", record.kind.as_str());
    let lists = [
        ("country", CodeList::Country),
        ("nuts", CodeList::Nuts),
        ("theme", CodeList::Theme),
        ("target_group", CodeList::TargetGroup),
        ("esf_objective", CodeList::EsfObjective),
        ("sdg", CodeList::Sdg),
        ("stage", CodeList::Stage),
        ("evidence_level", CodeList::EvidenceLevel),
        ("open_to_transfer", CodeList::OpenToTransfer),
    ];
    for (facet, list) in lists {
        for code in record.codes_of(list) {
            put(facet, code);
        }
    }
    match origin {
        Origin::Local => put("origin", "local"),
        Origin::Shared { node, catalog } => {
            put("origin", node);
            put("catalog", catalog);
        }
    }
    for lang in record.languages() {
        put("language", lang);
    }
    out
}

fn to_document(fields: &Fields, record: &Record, origin: &Origin) -> TantivyDocument {
    let id = record.id.to_string();
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.key, origin.key(&id));
    doc.add_text(fields.id, &id);
    doc.add_text(fields.title, record.title("en"));
    doc.add_text(
        fields.scope,
        if *origin == Origin::Local {
            "local"
        } else {
            "shared"
        },
    );
    doc.add_i64(fields.updated, unix_seconds(record.updated_at.as_deref()));
    doc.add_text(
        fields.updated_at,
        record.updated_at.as_deref().unwrap_or(""),
    );
    for (lang, text) in record.searchable_text_by_lang() {
        doc.add_text(fields.text_all, text);
        if let Some((_, f)) = fields.texts.iter().find(|(l, _)| *l == lang) {
            doc.add_text(*f, text);
        }
    }
    for (facet, values) in facet_values(record, origin) {
        let f = fields.facets[facet];
        for v in &values {
            doc.add_text(f, v);
            if facet == "nuts" {
                for end in 2..=v.len() {
                    doc.add_text(fields.nuts_prefix, &v[..end]);
                }
            }
        }
    }
    doc
}

/// Opens (or creates, or rebuilds when its version differs) the index under `data_dir`, and
/// starts the indexer. Returns whether the index was created empty (the caller then fills it).
pub fn open(data_dir: &Path) -> Result<(SearchHandle, Indexer, bool), SearchError> {
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
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    // tantivy's smallest arena (15 MB): it stays allocated for the node's lifetime, and the
    // indexer commits small groups anyway.
    let writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(1, 15_000_000)?;
    let (tx, rx) = mpsc::channel(UPDATE_QUEUE);
    let span = tracing::Span::current();
    let (thread_fields, thread_reader) = (fields.clone(), reader.clone());
    let thread = std::thread::Builder::new()
        .name("sicc-indexer".into())
        .spawn(move || {
            let _enter = span.enter();
            run_indexer(writer, thread_reader, thread_fields, rx)
        })
        .map_err(io)?;
    Ok((
        SearchHandle {
            reader,
            fields,
            analyzers,
            updates: tx,
        },
        Indexer { thread },
        fresh,
    ))
}

fn run_indexer(
    mut writer: IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
    mut rx: mpsc::Receiver<Update>,
) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(u) => batch.push(u),
                Err(_) => break,
            }
        }
        let mut flushes = Vec::new();
        for update in batch {
            match update {
                Update::Upsert(b) => {
                    let (record, origin) = *b;
                    let key = origin.key(record.id.as_str());
                    writer.delete_term(Term::from_field_text(fields.key, &key));
                    if let Err(e) = writer.add_document(to_document(&fields, &record, &origin)) {
                        tracing::error!(error = %e, "record not indexed");
                    }
                }
                Update::Delete(key) => {
                    writer.delete_term(Term::from_field_text(fields.key, &key));
                }
                Update::Clear => {
                    if let Err(e) = writer.delete_all_documents() {
                        tracing::error!(error = %e, "index not cleared");
                    }
                }
                Update::Flush(tx) => flushes.push(tx),
            }
        }
        if let Err(e) = writer.commit() {
            tracing::error!(error = %e, "search index commit failed");
        }
        if let Err(e) = reader.reload() {
            tracing::error!(error = %e, "search index reload failed");
        }
        for f in flushes {
            let _ = f.send(());
        }
    }
    let _ = writer.commit();
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (newest first when there is no query).
    #[default]
    Relevance,
    /// Most recently updated first.
    Date,
}

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Words to find (any language).
    pub q: String,
    /// Facet filters: each entry is one condition (its values are alternatives); all hold.
    pub filters: Vec<(String, Vec<String>)>,
    /// `min_evidence_level`, if given.
    pub min_evidence_level: Option<u8>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

impl SearchRequest {
    /// Parses query parameters: `q`, `sort`, `offset`, `limit`, `min_evidence_level`, and any
    /// facet name (`a,b` means either; a repeated name requires each). Unknown names are
    /// refused, naming them.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchRequest, SearchError> {
        let mut r = SearchRequest {
            limit: 20,
            ..SearchRequest::default()
        };
        let bad = |m: String| SearchError::BadRequest(m);
        for (k, v) in pairs {
            match k {
                "q" => r.q = v.chars().take(500).collect(),
                "sort" => {
                    r.sort = match v {
                        "relevance" => Sort::Relevance,
                        "date" => Sort::Date,
                        _ => return Err(bad(format!("sort must be relevance or date, not `{v}`"))),
                    }
                }
                "offset" => {
                    r.offset = v
                        .parse()
                        .ok()
                        .filter(|n| *n <= 10_000)
                        .ok_or_else(|| bad(format!("offset must be 0-10000, not `{v}`")))?
                }
                "limit" => {
                    r.limit = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| bad(format!("limit must be 1-{MAX_LIMIT}, not `{v}`")))?
                }
                "min_evidence_level" => {
                    r.min_evidence_level = Some(
                        v.parse()
                            .ok()
                            .filter(|n| (1..=5).contains(n))
                            .ok_or_else(|| {
                                bad(format!("min_evidence_level must be 1-5, not `{v}`"))
                            })?,
                    )
                }
                "lang" => {}
                facet if FACETS.contains(&facet) => {
                    let values: Vec<String> = v
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    if !values.is_empty() {
                        r.filters.push((facet.to_owned(), values));
                    }
                }
                other => {
                    return Err(bad(format!(
                        "unknown search parameter `{other}` (facets: {})",
                        FACETS.join(", ")
                    )));
                }
            }
        }
        if r.filters.len() > 32 {
            return Err(bad("at most 32 filters".into()));
        }
        Ok(r)
    }
}

/// One hit.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub kind: String,
    pub title: String,
    /// `local`, or the node id of the publisher.
    pub origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
    pub score: f32,
    /// A passage of the record's text with the matched words in `<b>`, HTML-escaped.
    pub highlight: String,
    pub updated_at: String,
}

/// One value of a facet and how many hits carry it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// What a search found.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

impl SearchHandle {
    async fn send(&self, u: Update) -> Result<(), SearchError> {
        self.updates.send(u).await.map_err(|_| SearchError::Stopped)
    }

    /// Indexes (or re-indexes) a record of this node.
    pub async fn upsert_local(&self, record: Record) {
        if let Err(e) = self
            .send(Update::Upsert(Box::new((record, Origin::Local))))
            .await
        {
            tracing::warn!(error = %e, "record not indexed");
        }
    }

    /// Removes a record of this node.
    pub async fn delete_local(&self, id: &str) {
        let _ = self.send(Update::Delete(Origin::Local.key(id))).await;
    }

    /// Indexes a record shared by `node` through `catalog`.
    pub async fn upsert_shared(&self, record: Record, node: String, catalog: String) {
        let origin = Origin::Shared { node, catalog };
        let _ = self.send(Update::Upsert(Box::new((record, origin)))).await;
    }

    /// Removes a shared record.
    pub async fn delete_shared(&self, id: &str, catalog: &str) {
        let key = Origin::Shared {
            node: String::new(),
            catalog: catalog.to_owned(),
        }
        .key(id);
        let _ = self.send(Update::Delete(key)).await;
    }

    /// Empties the index (before a rebuild).
    pub async fn clear(&self) -> Result<(), SearchError> {
        self.send(Update::Clear).await
    }

    /// Waits until every update sent before is committed and searchable.
    pub async fn flush(&self) -> Result<(), SearchError> {
        let (tx, rx) = oneshot::channel();
        self.send(Update::Flush(tx)).await?;
        rx.await.map_err(|_| SearchError::Stopped)
    }

    /// Number of indexed records.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs a search on the blocking pool.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResult, SearchError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.search_blocking(&request))
            .await
            .map_err(|_| SearchError::Stopped)?
    }

    fn analyze(&self, analyzer: &str, text: &str) -> Vec<String> {
        let mut a = self.analyzers[analyzer].clone();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// The query for the words of `q`: every word must match, in any language field, folded,
    /// or (for words of 5 letters and more) within a typo or two.
    fn text_query(&self, q: &str) -> Option<Box<dyn Query>> {
        let words = self.analyze("sicc_folded", q);
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words.iter().take(MAX_QUERY_WORDS) {
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (lang, field) in &self.fields.texts {
                for token in self.analyze(&format!("sicc_{lang}"), word) {
                    let term = Term::from_field_text(*field, &token);
                    any.push((
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    ));
                }
            }
            let folded = Term::from_field_text(self.fields.text_all, word);
            any.push((
                Occur::Should,
                Box::new(TermQuery::new(folded.clone(), IndexRecordOption::WithFreqs)),
            ));
            let distance = match word.chars().count() {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            if distance > 0 {
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(FuzzyTermQuery::new(folded, distance, true)),
                        0.3,
                    )),
                ));
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        (!must.is_empty()).then(|| Box::new(BooleanQuery::new(must)) as Box<dyn Query>)
    }

    fn filter_query(&self, request: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let term_query = |field: Field, v: &str| -> (Occur, Box<dyn Query>) {
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, v),
                    IndexRecordOption::Basic,
                )),
            )
        };
        for (facet, values) in &request.filters {
            let field = if facet == "nuts" {
                self.fields.nuts_prefix
            } else {
                self.fields.facets[facet.as_str()]
            };
            let any = values
                .iter()
                .map(|v| match (facet.as_str(), v.as_str()) {
                    ("origin", "shared") => term_query(self.fields.scope, "shared"),
                    _ => term_query(field, v),
                })
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(min) = request.min_evidence_level {
            let field = self.fields.facets["evidence_level"];
            let any = (min..=5)
                .map(|l| term_query(field, &l.to_string()))
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        must
    }

    fn search_blocking(&self, request: &SearchRequest) -> Result<SearchResult, SearchError> {
        let searcher = self.reader.searcher();
        let text = self.text_query(&request.q);
        let mut clauses = self.filter_query(request);
        let has_text = text.is_some();
        if let Some(t) = text {
            clauses.push((Occur::Must, t));
        }
        let query: Box<dyn Query> = if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            if !has_text {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        };
        let aggs: Aggregations = serde_json::from_value(Value::Object(
            FACETS
                .iter()
                .map(|f| {
                    (
                        f.to_string(),
                        json!({"terms": {"field": f, "size": 500, "min_doc_count": 1}}),
                    )
                })
                .collect(),
        ))
        .map_err(|e| SearchError::BadRequest(e.to_string()))?;
        let top = TopDocs::with_limit(request.limit).and_offset(request.offset);
        let aggregation = AggregationCollector::from_aggs(aggs, Default::default());
        let (addresses, total, facets): (Vec<(f32, DocAddress)>, usize, _) =
            if request.sort == Sort::Date || !has_text {
                let (docs, total, facets) = searcher.search(
                    &*query,
                    &(
                        top.order_by_fast_field::<i64>("updated", Order::Desc),
                        Count,
                        aggregation,
                    ),
                )?;
                (
                    docs.into_iter().map(|(_, a)| (0.0, a)).collect(),
                    total,
                    facets,
                )
            } else {
                searcher.search(&*query, &(top.order_by_score(), Count, aggregation))?
            };
        let snippets = if has_text {
            let mut g = SnippetGenerator::create(&searcher, &*query, self.fields.text_all)?;
            g.set_max_num_chars(200);
            Some(g)
        } else {
            None
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let origin = text(self.fields.facets["origin"]);
            let catalog = text(self.fields.facets["catalog"]);
            let highlight = match &snippets {
                Some(g) => g.snippet_from_doc(&doc).to_html(),
                None => String::new(),
            };
            hits.push(Hit {
                id: text(self.fields.id),
                kind: text(self.fields.facets["kind"]),
                title: text(self.fields.title),
                origin,
                catalog: (!catalog.is_empty()).then_some(catalog),
                score,
                highlight,
                updated_at: text(self.fields.updated_at),
            });
        }
        let facets_json = serde_json::to_value(facets).unwrap_or_default();
        let facets = FACETS
            .iter()
            .map(|f| {
                let buckets = facets_json[f]["buckets"]
                    .as_array()
                    .map(|bs| {
                        bs.iter()
                            .filter_map(|b| {
                                Some(FacetCount {
                                    value: match &b["key"] {
                                        Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    },
                                    count: b["doc_count"].as_u64()?,
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (f.to_string(), buckets)
            })
            .collect();
        Ok(SearchResult {
            total,
            offset: request.offset,
            limit: request.limit,
            hits,
            facets,
        })
    }
}
