//! Multilingual full-text and faceted search over local and shared records: a tantivy index
//! beside RocksDB in `DATA_DIR/index`. It is a derived view: rebuilt from the store when it is
//! missing, of another version or out of step, and by `sicc reindex`.
//!
//! One thread (the indexer) owns the `IndexWriter`; it takes updates from a bounded channel and
//! applies them as they come, commits at once when idle and at most every 500 ms under load,
//! then reloads the reader. Searches run on the blocking pool against the shared reader. Only
//! this module names tantivy types.
//!
//! Text is indexed once per language with that language's analyzer (Spanish, French, Swedish
//! and English stemmed; Latvian and others folded only), and once more folded without stemming
//! (`text_all`), which also serves typo tolerance and highlights. A query word matches if any
//! language field or the folded field matches it, so a Latvian query finds a record through its
//! Latvian text and an English query through its English translation. Facets mirror the record
//! filters of `protocol::query` (a facet value counts the records the same filter would return).

//!
//! Layout: `schema.rs` (fields, analyzers, documents), `indexer.rs` (the indexer thread, the
//! feed follower, rebuilds); this file holds the handle and the queries.

mod facets;
mod indexer;
mod schema;

pub use indexer::{IndexStart, Indexer, StartIndexError, catch_up, follow_feed, open, rebuild};

use indexer::Update;
use schema::Fields;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value as _};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, IndexReader, Order, TantivyDocument, Term};
use tokio::sync::{mpsc, oneshot, watch};
/// How much a query word matching a code's label counts against one matching the record's own
/// text (1.0).
const LABEL_WEIGHT: f32 = 0.4;

/// Version of the index layout; another version on disk is dropped and rebuilt.
pub const INDEX_VERSION: u32 = 6;
/// Subdirectory of the data directory holding the index.
pub use crate::data_dir::INDEX_DIR;
pub(crate) const VERSION_FILE: &str = "sicc-index-version";
/// Largest page of hits.
pub const MAX_LIMIT: usize = 100;
/// Most words of a query (the rest is ignored).
pub const MAX_QUERY_WORDS: usize = 16;

/// Languages with their own analyzer, and the name of their field.
pub(crate) const LANGUAGES: [(&str, &str); 5] = [
    ("es", "text_es"),
    ("fr", "text_fr"),
    ("sv", "text_sv"),
    ("en", "text_en"),
    ("lv", "text_lv"),
];

/// Facets, by name (also the filter parameter); a record's values are `schema::facet_values`.
pub const FACETS: [&str; 24] = [
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
    "validation_status",
    "swot_dimension",
    "swot_polarity",
    "initiative_status",
    "replication_status",
    "action_status",
    "scope",
    "funding_source",
    "support_tool_type",
    "process_element",
    "ncc_function",
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
    pub(crate) fn key(&self, id: &str) -> String {
        match self {
            Origin::Local => format!("local:{id}"),
            Origin::Shared { catalog, .. } => format!("shared:{catalog}:{id}"),
        }
    }
}

/// Cheap, cloneable handle: searches, and updates for the indexer.
#[derive(Clone)]
pub struct SearchHandle {
    reader: IndexReader,
    fields: Fields,
    analyzers: BTreeMap<&'static str, TextAnalyzer>,
    label_words: std::sync::Arc<schema::LabelWords>,
    facet_terms: std::sync::Arc<facets::FacetTerms>,
    updates: mpsc::Sender<Update>,
    /// The feed sequence the committed index reflects.
    indexed: watch::Receiver<u64>,
    /// The feed sequence the indexer has applied (searchable at its next commit).
    applied: watch::Receiver<u64>,
}

impl std::fmt::Debug for SearchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchHandle")
    }
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
#[derive(Debug, Clone)]
pub struct Hit {
    pub id: String,
    pub kind: String,
    pub title: String,
    /// `local`, or the node id of the publisher.
    pub origin: String,
    pub catalog: Option<String>,
    pub score: f32,
    /// A passage of the record's text with the matched words in `<b>`, HTML-escaped.
    pub highlight: String,
    pub updated_at: String,
}

/// One value of a facet and how many hits carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// What a search found.
#[derive(Debug, Clone)]
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

    /// Waits until every update sent before is committed and searchable.
    pub async fn flush(&self) -> Result<(), SearchError> {
        let (tx, rx) = oneshot::channel();
        self.send(Update::Flush(tx)).await?;
        rx.await.map_err(|_| SearchError::Stopped)
    }

    /// Whether the indexer thread still takes updates.
    pub fn is_running(&self) -> bool {
        !self.updates.is_closed()
    }

    /// The feed sequence the committed index reflects.
    pub fn indexed_seq(&self) -> u64 {
        *self.indexed.borrow()
    }

    /// Waits until the index reflects the feed up to `seq` (returns at once if the indexer
    /// has stopped).
    pub async fn caught_up(&self, seq: u64) {
        let mut indexed = self.indexed.clone();
        let _ = indexed.wait_for(|s| *s >= seq).await;
    }

    /// Waits until the indexer has applied the feed up to `seq` (searchable at its next
    /// commit, within [`indexer::COMMIT_INTERVAL`] under load), or for at most `bound`.
    /// Returns at once if the indexer, or its feed follower, has stopped.
    pub async fn applied(&self, seq: u64, bound: std::time::Duration) {
        let mut applied = self.applied.clone();
        let _ = tokio::time::timeout(bound, applied.wait_for(|s| *s >= seq)).await;
    }

    /// Number of indexed records.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Number of segments the index is split into (a query visits each one).
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
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
    /// in a code's labels, or (for words of 5 letters and more) within a typo or two (which
    /// also finds other endings of Latvian words, which have no stemmer). A word that more than
    /// half the records hold (`à`, `de`, `the`) is left out when the query has a rarer one: it
    /// would not narrow the search, only slow it.
    fn text_query(&self, searcher: &tantivy::Searcher, q: &str) -> Option<Box<dyn Query>> {
        let mut words = self.analyze("sicc_folded", q);
        words.truncate(MAX_QUERY_WORDS);
        // Deleted records count in a word's frequency until their segment is merged: compare
        // with every record of the segments, deleted ones included.
        let records: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        let common = |word: &String| {
            let term = Term::from_field_text(self.fields.text_all, word);
            searcher
                .doc_freq(&term)
                .is_ok_and(|n| n.saturating_mul(2) > records)
        };
        if words.iter().any(|w| !common(w)) {
            words.retain(|w| !common(w));
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in &words {
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
            // The codes one of whose labels holds the word, weighed below the record's own
            // text: a record that says "aprūpe mājās" ranks above those merely coded home care.
            let coded: Vec<(Occur, Box<dyn Query>)> = self
                .label_words
                .codes(word)
                .iter()
                .map(|code| {
                    let term = Term::from_field_text(self.fields.codes, code);
                    let query: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, query)
                })
                .collect();
            if !coded.is_empty() {
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(BooleanQuery::new(coded)),
                        LABEL_WEIGHT,
                    )),
                ));
            }
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
        let text = self.text_query(&searcher, &request.q);
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
        let top = TopDocs::with_limit(request.limit).and_offset(request.offset);
        let aggregation = facets::FacetCollector {
            terms: &self.facet_terms,
            live: searcher
                .segment_readers()
                .iter()
                .map(|r| r.segment_id())
                .collect(),
        };
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
        let facets = FACETS
            .iter()
            .zip(facets)
            .map(|(f, values)| {
                let buckets = values
                    .into_iter()
                    .map(|(value, count)| FacetCount { value, count })
                    .collect();
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
