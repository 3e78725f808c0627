//! The index layout: fields, per-language analyzers, and how a record becomes a document.

use super::{FACETS, LANGUAGES, Origin};
use sicc_protocol::codes::CodeList;
use sicc_protocol::record::Record;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

#[derive(Clone)]
pub(super) struct Fields {
    pub(super) key: Field,
    pub(super) id: Field,
    pub(super) title: Field,
    pub(super) updated: Field,
    pub(super) updated_at: Field,
    pub(super) text_all: Field,
    pub(super) texts: Vec<(&'static str, Field)>,
    pub(super) facets: BTreeMap<&'static str, Field>,
    /// Every facet value of the record, counted for facets ([`super::facets`]).
    pub(super) facet_values: Field,
    pub(super) nuts_prefix: Field,
    /// Every labelled code the record holds, as `list:code`. A query word is matched against
    /// the codes' labels in the five languages and the words staff type for them
    /// ([`LabelWords`]), so `bezpajumtnieki` finds homelessness records written in any
    /// language without the labels being indexed with every record.
    pub(super) codes: Field,
    /// `local` or `shared`, so that `origin=shared` selects every partner's records.
    pub(super) scope: Field,
}

pub(super) fn analyzer(stemmer: Option<Language>) -> TextAnalyzer {
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

pub(super) fn analyzers() -> BTreeMap<&'static str, TextAnalyzer> {
    BTreeMap::from([
        ("sicc_es", analyzer(Some(Language::Spanish))),
        ("sicc_fr", analyzer(Some(Language::French))),
        ("sicc_sv", analyzer(Some(Language::Swedish))),
        ("sicc_en", analyzer(Some(Language::English))),
        ("sicc_lv", analyzer(None)),
        ("sicc_folded", analyzer(None)),
    ])
}

/// The facets a hit reports (stored with each document).
const HIT_FACETS: [&str; 3] = ["kind", "origin", "catalog"];

pub(super) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let key = b.add_text_field("key", STRING);
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
        .map(|name| {
            // Stored only where a hit reads it: every stored value is compressed at indexing
            // and decompressed with the hit.
            let options = if HIT_FACETS.contains(name) {
                STRING | STORED
            } else {
                STRING
            };
            (*name, b.add_text_field(name, options))
        })
        .collect();
    // Counted, never searched: a fast column only, not indexed.
    let facet_values = b.add_text_field(super::facets::FACET_VALUES, FAST);
    let nuts_prefix = b.add_text_field("nuts_prefix", STRING);
    let codes = b.add_text_field("codes", STRING);
    let scope = b.add_text_field("held_as", STRING);
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
            facet_values,
            nuts_prefix,
            codes,
            scope,
        },
    )
}

/// The code lists whose labels a query word may match (language names and lawful bases would
/// only add noise).
fn labelled(list: CodeList) -> bool {
    !matches!(list, CodeList::Language | CodeList::LawfulBasis)
}

/// The `codes` field's term for one code.
fn code_term(list: CodeList, code: &str) -> String {
    format!("{}:{code}", list.name())
}

/// Folded word → the codes (`codes` terms) one of whose labels or search words holds it.
/// Built once when the index opens, from the embedded code lists.
#[derive(Debug, Default)]
pub(super) struct LabelWords(HashMap<String, Vec<String>>);

impl LabelWords {
    pub(super) fn new(folded: &TextAnalyzer) -> LabelWords {
        let mut words: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut folded = folded.clone();
        for list in CodeList::ALL.iter().copied().filter(|l| labelled(*l)) {
            for entry in list.entries() {
                let term = code_term(list, entry.code);
                for (_, text) in list.search_texts(entry.code) {
                    let mut stream = folded.token_stream(text);
                    while stream.advance() {
                        words
                            .entry(stream.token().text.clone())
                            .or_default()
                            .insert(term.clone());
                    }
                }
            }
        }
        LabelWords(
            words
                .into_iter()
                .map(|(w, terms)| (w, terms.into_iter().collect()))
                .collect(),
        )
    }

    /// The `codes` terms whose labels hold the folded word `word`.
    pub(super) fn codes(&self, word: &str) -> &[String] {
        self.0.get(word).map_or(&[], Vec::as_slice)
    }
}

pub(super) fn unix_seconds(rfc3339: Option<&str>) -> i64 {
    rfc3339
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map_or(0, |t| t.unix_timestamp())
}

/// The facet values of a record, as the record filters would match them.
pub(super) fn facet_values(
    record: &Record,
    origin: &Origin,
) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut put = |facet: &'static str, v: &str| {
        out.entry(facet).or_default().insert(v.to_owned());
    };
    put("kind", record.kind.as_str());
    const LISTS: [(&str, CodeList); 19] = [
        ("country", CodeList::Country),
        ("nuts", CodeList::Nuts),
        ("theme", CodeList::Theme),
        ("target_group", CodeList::TargetGroup),
        ("esf_objective", CodeList::EsfObjective),
        ("sdg", CodeList::Sdg),
        ("stage", CodeList::Stage),
        ("evidence_level", CodeList::EvidenceLevel),
        ("open_to_transfer", CodeList::OpenToTransfer),
        ("swot_dimension", CodeList::SwotDimension),
        ("swot_polarity", CodeList::SwotPolarity),
        ("initiative_status", CodeList::InitiativeStatus),
        ("replication_status", CodeList::ReplicationStatus),
        ("action_status", CodeList::ActionStatus),
        ("scope", CodeList::Scope),
        ("funding_source", CodeList::FundingSource),
        ("support_tool_type", CodeList::SupportToolType),
        ("process_element", CodeList::ProcessElement),
        ("ncc_function", CodeList::NccFunction),
    ];
    for (list, code) in record.codes() {
        if let Some((facet, _)) = LISTS.iter().find(|(_, l)| *l == list) {
            put(facet, code);
        }
    }
    put("validation_status", &record.validation_status);
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

pub(super) fn to_document(fields: &Fields, record: &Record, origin: &Origin) -> TantivyDocument {
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
    for (list, code) in record.codes() {
        if labelled(list) {
            doc.add_text(fields.codes, code_term(list, code));
        }
    }
    for (facet, values) in facet_values(record, origin) {
        let f = fields.facets[facet];
        for v in &values {
            doc.add_text(fields.facet_values, super::facets::facet_value(facet, v));
            // A NUTS filter matches by prefix (`nuts_prefix`, the whole code included).
            if facet == "nuts" {
                for end in 2..=v.len() {
                    doc.add_text(fields.nuts_prefix, &v[..end]);
                }
            } else {
                doc.add_text(f, v);
            }
        }
    }
    doc
}
