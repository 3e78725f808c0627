//! Records: parsing from JSON with field-by-field validation, canonical JSON, links, and the
//! public projection that is all a shared document may ever hold.
//!
//! Over 800 lines because validation is one walk over the schema with a case per field type,
//! and its error messages (which name the field and the rule) live beside each case.

use crate::codes::CodeList;
use crate::id::RecordId;
use crate::schema::{FieldSpec, FieldType, MAX_LIST_ITEMS, RecordKind, SHORT_TEXT, SUMMARY_TEXT};
use crate::text::has_forbidden_control;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The fields every record has, whatever its kind.
pub const COMMON_FIELDS: &[&str] = &[
    "id",
    "kind",
    "revision",
    "created_at",
    "updated_at",
    "access_level",
    "validation_status",
    "licence",
    "original_lang",
    "sources",
    "internal_notes",
];

/// Maximum number of sources on one record.
pub const MAX_SOURCES: usize = 50;
/// Maximum size of a record's canonical JSON in bytes.
pub const MAX_RECORD_BYTES: usize = 256 * 1024;
/// Largest integer a shared record may hold (2^53 - 1): JavaScript's Automerge reads no more.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Who may see a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    /// Never leaves this node.
    Local,
    /// The federation's members.
    Consortium,
    /// Anyone.
    Public,
}

impl AccessLevel {
    /// The code as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Local => "local",
            AccessLevel::Consortium => "consortium",
            AccessLevel::Public => "public",
        }
    }

    fn parse(s: &str) -> Option<AccessLevel> {
        match s {
            "local" => Some(AccessLevel::Local),
            "consortium" => Some(AccessLevel::Consortium),
            "public" => Some(AccessLevel::Public),
            _ => None,
        }
    }
}

/// A source a record's facts come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source {
    /// Where to read it.
    pub url: String,
    /// Its title.
    pub title: Option<String>,
    /// When it was read, `YYYY-MM-DD`.
    pub retrieved: Option<String>,
}

/// The value of a kind-specific field, already checked against its [`FieldSpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// [`FieldType::Text`], [`FieldType::Url`], [`FieldType::Email`] or [`FieldType::Date`].
    Text(String),
    /// [`FieldType::LangText`]: language tag → text, ordered by tag.
    LangText(BTreeMap<String, String>),
    /// [`FieldType::TextList`].
    TextList(Vec<String>),
    /// [`FieldType::Int`].
    Int(i64),
    /// [`FieldType::Bool`].
    Bool(bool),
    /// [`FieldType::Code`].
    Code(String),
    /// [`FieldType::Codes`].
    Codes(Vec<String>),
    /// [`FieldType::Link`].
    Link(RecordId),
    /// [`FieldType::Links`].
    Links(Vec<RecordId>),
}

/// A validated record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Unique within the node.
    pub id: RecordId,
    /// Which kind of record it is; decides its fields.
    pub kind: RecordKind,
    /// Incremented by the node on every accepted write; 0 before the first write.
    pub revision: u64,
    /// RFC 3339 UTC, set by the node on the first write (kept on import).
    pub created_at: Option<String>,
    /// RFC 3339 UTC, set by the node on every write (kept on import).
    pub updated_at: Option<String>,
    /// Who may see it. Defaults to `local`: nothing leaves the node unless someone says so.
    pub access_level: AccessLevel,
    /// Validation workflow state (code list `validation_status`).
    pub validation_status: String,
    /// Licence of the descriptive content (code list `licence`).
    pub licence: String,
    /// Language the record was written in (code list `language`).
    pub original_lang: String,
    /// Where its facts come from.
    pub sources: Vec<Source>,
    /// Internal notes: local only, never shared.
    pub internal_notes: Option<String>,
    /// The kind-specific fields that are set, by name.
    pub fields: BTreeMap<&'static str, FieldValue>,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's path, e.g. `title.lv`, `esf_objectives[1]` or `sources[0].url`.
    pub field: String,
    /// What is wrong, for people.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A record was rejected; every problem found is listed, the first one is the headline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// At least one problem.
    pub errors: Vec<FieldError>,
}

impl ValidationError {
    /// A rejection for one reason.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> ValidationError {
        ValidationError {
            errors: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// The first problem's field.
    pub fn field(&self) -> &str {
        self.errors.first().map(|e| e.field.as_str()).unwrap_or("")
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [] => f.write_str("invalid record"),
            [one] => write!(f, "{one}"),
            [first, rest @ ..] => write!(f, "{first} (and {} more problems)", rest.len()),
        }
    }
}

/// Answers "which kind is the record with this id?" for link checks, so that validation of
/// links stays pure: the node's store implements it.
pub trait LinkResolver {
    /// The kind of the record `id`, or `None` if there is none.
    fn kind_of(&self, id: &RecordId) -> Option<RecordKind>;

    /// Whether the version being replaced already linked to `id`. Such a link is kept even
    /// when its target is gone (a partner's entry erased, a catalogue dropped): an edit of
    /// other fields must not force staff to drop it, and the page shows it as no longer there.
    fn was_linked(&self, _id: &RecordId) -> bool {
        false
    }
}

/// A link from one record to another, as found in a link field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef<'a> {
    /// The link field, with index for lists (`partner_orgs[2]`).
    pub field: String,
    /// The target.
    pub target: &'a RecordId,
    /// The kinds the target may have.
    pub allowed: &'static [RecordKind],
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        // A bound, so that a hostile document cannot make the error list huge.
        if self.0.len() < 100 {
            self.0.push(FieldError {
                field: field.into(),
                message: message.into(),
            });
        }
    }
}

/// The length of `value` serialised as JSON, counted without keeping the bytes.
fn serialised_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // A `Value` always serialises, and counting cannot fail.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

impl Record {
    /// Parses and validates a record from JSON. Checks everything that needs no other record:
    /// required fields, types, code lists, sizes, dates, cross-field rules. Links are checked
    /// separately with [`Record::check_links`].
    pub fn from_json(value: &Value) -> Result<Record, ValidationError> {
        let obj = value
            .as_object()
            .ok_or_else(|| ValidationError::one("", "a record must be a JSON object"))?;
        let mut errs = Errors(Vec::new());

        let kind = match obj.get("kind") {
            None | Some(Value::Null) => {
                return Err(ValidationError::one("kind", "required field is missing"));
            }
            Some(Value::String(s)) => s.parse::<RecordKind>().map_err(|_| {
                let known: Vec<_> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
                ValidationError::one(
                    "kind",
                    format!("unknown kind `{s}`; expected one of {}", known.join(", ")),
                )
            })?,
            Some(_) => return Err(ValidationError::one("kind", "must be a string")),
        };

        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match RecordId::new(s) {
                Ok(id) => Some(id),
                Err(e) => {
                    errs.push("id", e.to_string());
                    None
                }
            },
            Some(_) => {
                errs.push("id", "must be a string");
                None
            }
        };

        let revision = match obj.get("revision") {
            None | Some(Value::Null) => 0,
            Some(v) => v.as_u64().unwrap_or_else(|| {
                errs.push("revision", "must be a non-negative integer");
                0
            }),
        };
        let created_at = timestamp(obj, "created_at", &mut errs);
        let updated_at = timestamp(obj, "updated_at", &mut errs);

        // Nothing leaves the node unless someone says so.
        let access_level = code_or_default(
            obj,
            "access_level",
            CodeList::AccessLevel,
            "local",
            &mut errs,
        );
        let access_level = AccessLevel::parse(&access_level).unwrap_or(AccessLevel::Local);
        let validation_status = code_or_default(
            obj,
            "validation_status",
            CodeList::ValidationStatus,
            "draft",
            &mut errs,
        );
        let default_licence = if kind == RecordKind::Person {
            "none"
        } else {
            "CC-BY-4.0"
        };
        let licence = code_or_default(
            obj,
            "licence",
            CodeList::Licence,
            default_licence,
            &mut errs,
        );
        let sources = sources(obj.get("sources"), &mut errs);
        let internal_notes = match obj.get("internal_notes") {
            None | Some(Value::Null) => None,
            Some(v) => text(v, SUMMARY_TEXT * 5, "internal_notes", &mut errs),
        };

        let mut fields = BTreeMap::new();
        for (key, v) in obj {
            if COMMON_FIELDS.contains(&key.as_str()) {
                continue;
            }
            let Some(spec) = kind.field(key) else {
                errs.push(key.clone(), format!("unknown field for kind `{kind}`"));
                continue;
            };
            if v.is_null() {
                continue;
            }
            if let Some(value) = parse_field(spec, v, &mut errs) {
                fields.insert(spec.name, value);
            }
        }
        for spec in kind.fields() {
            if spec.required
                && !fields.contains_key(spec.name)
                && !has_parse_error(&errs, spec.name)
            {
                errs.push(spec.name, "required field is missing");
            }
        }

        let original_lang = match obj.get("original_lang") {
            Some(Value::String(s)) => {
                if !CodeList::Language.contains(s) {
                    errs.push(
                        "original_lang",
                        format!("unknown code `{s}` in list `language`"),
                    );
                }
                s.clone()
            }
            Some(Value::Null) | None => {
                // Infer it from a title written in exactly one language.
                match fields.get(kind.title_field()) {
                    Some(FieldValue::LangText(m)) if m.len() == 1 => {
                        m.keys().next().cloned().unwrap_or_default()
                    }
                    Some(FieldValue::LangText(_)) => {
                        errs.push(
                            "original_lang",
                            "required when the title is given in several languages",
                        );
                        String::new()
                    }
                    _ => "en".to_owned(),
                }
            }
            Some(_) => {
                errs.push("original_lang", "must be a string");
                String::new()
            }
        };

        let record = Record {
            id: id.unwrap_or_else(|| RecordId::new("pending").expect("valid literal id")),
            kind,
            revision,
            created_at,
            updated_at,
            access_level,
            validation_status,
            licence,
            original_lang,
            sources,
            internal_notes,
            fields,
        };
        record.check_rules(&mut errs);
        if !errs.0.is_empty() {
            return Err(ValidationError { errors: errs.0 });
        }
        let size = serialised_len(&record.to_json());
        if size > MAX_RECORD_BYTES {
            return Err(ValidationError::one(
                "",
                format!("record is {size} bytes; the limit is {MAX_RECORD_BYTES}"),
            ));
        }
        Ok(record)
    }

    /// Reads a shared document's record (SPEC.md §6.9): valid here, its `id` present and equal
    /// to the document id, and nothing a publisher may not share (a `person` record, access
    /// level `local`, `internal_notes`, a local-only field). A receiver quarantines a document
    /// that fails: it is kept and synced, but never read as a record.
    pub fn from_shared(doc_id: &str, value: &Value) -> Result<Record, ValidationError> {
        let record = Record::from_json(value)?;
        let obj = value.as_object().expect("from_json accepted an object");
        match obj.get("id").and_then(Value::as_str) {
            Some(id) if id == doc_id => {}
            Some(id) => {
                return Err(ValidationError::one(
                    "id",
                    format!("`{id}` is not the document id `{doc_id}`"),
                ));
            }
            None => {
                return Err(ValidationError::one(
                    "id",
                    format!("missing; the document id is `{doc_id}`"),
                ));
            }
        }
        if record.revision > MAX_SAFE_INTEGER {
            return Err(ValidationError::one(
                "revision",
                format!(
                    "{} is beyond 2^53 - 1, which not every Automerge implementation reads",
                    record.revision
                ),
            ));
        }
        if record.kind == RecordKind::Person || record.access_level == AccessLevel::Local {
            return Err(ValidationError::one(
                "access_level",
                "a person record or a `local` record is never shared",
            ));
        }
        let private = std::iter::once("internal_notes").chain(
            record
                .kind
                .fields()
                .iter()
                .filter(|s| s.local_only)
                .map(|s| s.name),
        );
        for name in private {
            if obj.get(name).is_some_and(|v| !v.is_null()) {
                return Err(ValidationError::one(
                    name,
                    "local-only: never part of a shared record",
                ));
            }
        }
        Ok(record)
    }

    /// Whether the JSON carried an id (records without one get an id from the node).
    pub fn has_pending_id(&self) -> bool {
        self.id.as_str() == "pending"
    }

    /// Rules that span several fields.
    fn check_rules(&self, errs: &mut Errors) {
        let title = self.kind.title_field();
        if let Some(FieldValue::LangText(m)) = self.fields.get(title)
            && !self.original_lang.is_empty()
            && !m.contains_key(&self.original_lang)
        {
            errs.push(
                format!("{title}.{}", self.original_lang),
                format!(
                    "the title must be given in the original language `{}`",
                    self.original_lang
                ),
            );
        }
        if self.kind == RecordKind::Person && self.access_level != AccessLevel::Local {
            errs.push(
                "access_level",
                "person records hold personal data and must stay `local`",
            );
        }
        for (from, to) in [
            ("start_year", "end_year"),
            ("open_from", "open_until"),
            ("start_date", "end_date"),
        ] {
            if let (Some(a), Some(b)) = (self.fields.get(from), self.fields.get(to)) {
                let before = match (a, b) {
                    (FieldValue::Int(a), FieldValue::Int(b)) => b < a,
                    (FieldValue::Text(a), FieldValue::Text(b)) => b < a,
                    _ => false,
                };
                if before {
                    errs.push(to, format!("must not be before `{from}`"));
                }
            }
        }
        if let (Some(FieldValue::Int(min)), Some(FieldValue::Int(max))) = (
            self.fields.get("grant_min_eur"),
            self.fields.get("grant_max_eur"),
        ) && max < min
        {
            errs.push("grant_max_eur", "must not be below `grant_min_eur`");
        }
        // NUTS codes must lie in the record's countries (NUTS uses EL for Greece).
        let countries: BTreeSet<&str> = self
            .codes_of(CodeList::Country)
            .into_iter()
            .map(|c| if c == "GR" { "EL" } else { c })
            .collect();
        if !countries.is_empty() {
            for spec in self.kind.fields() {
                if let Some(FieldValue::Codes(codes)) = self.fields.get(spec.name)
                    && spec.ty == FieldType::Codes(CodeList::Nuts)
                {
                    for (i, code) in codes.iter().enumerate() {
                        if !countries.contains(&code[..2.min(code.len())]) {
                            errs.push(
                                format!("{}[{i}]", spec.name),
                                format!("region `{code}` is not in the record's countries"),
                            );
                        }
                    }
                }
            }
        }
    }

    /// Checks that every link names an existing record of an allowed kind.
    pub fn check_links(&self, resolver: &dyn LinkResolver) -> Result<(), ValidationError> {
        let mut errs = Errors(Vec::new());
        for link in self.links() {
            if link.target == &self.id {
                errs.push(link.field, "a record cannot link to itself");
                continue;
            }
            match resolver.kind_of(link.target) {
                None if resolver.was_linked(link.target) => {}
                None => errs.push(
                    link.field,
                    format!("links to `{}`, which does not exist", link.target),
                ),
                Some(kind) if !link.allowed.contains(&kind) => {
                    let allowed: Vec<_> = link.allowed.iter().map(|k| k.as_str()).collect();
                    errs.push(
                        link.field,
                        format!(
                            "links to `{}`, a {kind}; expected {}",
                            link.target,
                            allowed.join(" or ")
                        ),
                    )
                }
                Some(_) => {}
            }
        }
        if errs.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { errors: errs.0 })
        }
    }

    /// Every link the record holds, in field order.
    pub fn links(&self) -> Vec<LinkRef<'_>> {
        let mut out = Vec::new();
        for spec in self.kind.fields() {
            match (spec.ty, self.fields.get(spec.name)) {
                (FieldType::Link(allowed), Some(FieldValue::Link(id))) => out.push(LinkRef {
                    field: spec.name.to_owned(),
                    target: id,
                    allowed,
                }),
                (FieldType::Links(allowed), Some(FieldValue::Links(ids))) => {
                    for (i, id) in ids.iter().enumerate() {
                        out.push(LinkRef {
                            field: format!("{}[{i}]", spec.name),
                            target: id,
                            allowed,
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The distinct ids this record links to.
    pub fn link_targets(&self) -> BTreeSet<RecordId> {
        self.links().into_iter().map(|l| l.target.clone()).collect()
    }

    /// Every code the record holds, with its list, in field order (one pass over the fields,
    /// where [`Record::codes_of`] takes one per list).
    pub fn codes(&self) -> Vec<(CodeList, &str)> {
        let mut out = Vec::new();
        for spec in self.kind.fields() {
            match (spec.ty, self.fields.get(spec.name)) {
                (FieldType::Code(l), Some(FieldValue::Code(c))) => out.push((l, c.as_str())),
                (FieldType::Codes(l), Some(FieldValue::Codes(cs))) => {
                    out.extend(cs.iter().map(|c| (l, c.as_str())))
                }
                _ => {}
            }
        }
        out
    }

    /// All codes of `list` held by any field of the record (for example every country of
    /// `country`, `countries`, `origin_country` and `target_country`).
    pub fn codes_of(&self, list: CodeList) -> Vec<&str> {
        self.codes()
            .into_iter()
            .filter(|(l, _)| *l == list)
            .map(|(_, code)| code)
            .collect()
    }

    /// The record's title in `lang`, else in its original language, else any.
    pub fn title(&self, lang: &str) -> String {
        match self.fields.get(self.kind.title_field()) {
            Some(FieldValue::LangText(m)) => m
                .get(lang)
                .or_else(|| m.get(&self.original_lang))
                .or_else(|| m.values().next())
                .cloned()
                .unwrap_or_default(),
            Some(FieldValue::Text(s)) => s.clone(),
            _ => String::new(),
        }
    }

    /// The canonical JSON form: every set field, keys sorted, codes as stored, SDGs and
    /// evidence levels as numbers. [`Record::from_json`] of it gives back an equal record.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), Value::String(self.id.to_string()));
        m.insert("kind".into(), Value::String(self.kind.as_str().into()));
        m.insert("revision".into(), Value::from(self.revision));
        if let Some(t) = &self.created_at {
            m.insert("created_at".into(), Value::String(t.clone()));
        }
        if let Some(t) = &self.updated_at {
            m.insert("updated_at".into(), Value::String(t.clone()));
        }
        m.insert(
            "access_level".into(),
            Value::String(self.access_level.as_str().into()),
        );
        m.insert(
            "validation_status".into(),
            Value::String(self.validation_status.clone()),
        );
        m.insert("licence".into(), Value::String(self.licence.clone()));
        m.insert(
            "original_lang".into(),
            Value::String(self.original_lang.clone()),
        );
        if !self.sources.is_empty() {
            let sources = self
                .sources
                .iter()
                .map(|s| {
                    let mut o = Map::new();
                    o.insert("url".into(), Value::String(s.url.clone()));
                    if let Some(t) = &s.title {
                        o.insert("title".into(), Value::String(t.clone()));
                    }
                    if let Some(r) = &s.retrieved {
                        o.insert("retrieved".into(), Value::String(r.clone()));
                    }
                    Value::Object(o)
                })
                .collect();
            m.insert("sources".into(), Value::Array(sources));
        }
        if let Some(n) = &self.internal_notes {
            m.insert("internal_notes".into(), Value::String(n.clone()));
        }
        for spec in self.kind.fields() {
            if let Some(v) = self.fields.get(spec.name) {
                m.insert(spec.name.into(), field_to_json(spec, v));
            }
        }
        Value::Object(m)
    }

    /// What of this record may leave the node: `None` for local records and persons; otherwise
    /// the canonical JSON without local-only fields and internal notes (DESIGN §2 invariant 7).
    pub fn public_projection(&self) -> Option<Value> {
        if self.access_level == AccessLevel::Local || self.kind == RecordKind::Person {
            return None;
        }
        let mut v = self.to_json();
        if let Value::Object(m) = &mut v {
            m.remove("internal_notes");
            for spec in self.kind.fields().iter().filter(|s| s.local_only) {
                m.remove(spec.name);
            }
        }
        Some(v)
    }

    /// Searchable text with its language: the tag of a language map's entry, or the record's
    /// original language for plain text.
    pub fn searchable_text_by_lang(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        for spec in self.kind.fields().iter().filter(|s| s.searchable) {
            match self.fields.get(spec.name) {
                Some(FieldValue::LangText(m)) => {
                    out.extend(m.iter().map(|(l, t)| (l.as_str(), t.as_str())))
                }
                Some(FieldValue::Text(t)) => out.push((self.original_lang.as_str(), t.as_str())),
                Some(FieldValue::TextList(items)) => out.extend(
                    items
                        .iter()
                        .map(|t| (self.original_lang.as_str(), t.as_str())),
                ),
                _ => {}
            }
        }
        out
    }

    /// The languages the record's text is written in.
    pub fn languages(&self) -> std::collections::BTreeSet<&str> {
        self.searchable_text_by_lang()
            .into_iter()
            .map(|(l, _)| l)
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// All searchable text of the record (titles, summaries and long text, in every language).
    pub fn searchable_text(&self) -> impl Iterator<Item = &str> {
        self.kind
            .fields()
            .iter()
            .filter(|s| s.searchable)
            .filter_map(|s| self.fields.get(s.name))
            .flat_map(|v| -> Box<dyn Iterator<Item = &str>> {
                match v {
                    FieldValue::LangText(m) => Box::new(m.values().map(String::as_str)),
                    FieldValue::Text(s) => Box::new(std::iter::once(s.as_str())),
                    _ => Box::new(std::iter::empty()),
                }
            })
    }
}

fn has_parse_error(errs: &Errors, field: &str) -> bool {
    errs.0.iter().any(|e| {
        e.field == field
            || e.field.starts_with(&format!("{field}."))
            || e.field.starts_with(&format!("{field}["))
    })
}

fn timestamp(obj: &Map<String, Value>, key: &str, errs: &mut Errors) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            match time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
                Ok(_) => Some(s.clone()),
                Err(_) => {
                    errs.push(key, format!("`{s}` is not an RFC 3339 timestamp"));
                    None
                }
            }
        }
        Some(_) => {
            errs.push(key, "must be an RFC 3339 timestamp string");
            None
        }
    }
}

fn code_or_default(
    obj: &Map<String, Value>,
    key: &str,
    list: CodeList,
    default: &str,
    errs: &mut Errors,
) -> String {
    match obj.get(key) {
        None | Some(Value::Null) => default.to_owned(),
        Some(Value::String(s)) if list.contains(s) => s.clone(),
        Some(Value::String(s)) => {
            errs.push(key, unknown_code(s, list));
            default.to_owned()
        }
        Some(_) => {
            errs.push(key, "must be a string");
            default.to_owned()
        }
    }
}

fn unknown_code(code: &str, list: CodeList) -> String {
    let entries = list.entries();
    let shown: String = if entries.len() <= 20 {
        let all: Vec<_> = entries.iter().map(|c| c.code).collect();
        format!("; expected one of {}", all.join(", "))
    } else {
        format!("; see GET /api/v1/codes/{}", list.name())
    };
    let code: String = code.chars().take(60).collect();
    format!("unknown code `{code}` in list `{}`{shown}", list.name())
}

fn sources(v: Option<&Value>, errs: &mut Errors) -> Vec<Source> {
    let items = match v {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errs.push("sources", "must be a list of {url, title, retrieved}");
            return Vec::new();
        }
    };
    if items.len() > MAX_SOURCES {
        errs.push("sources", format!("at most {MAX_SOURCES} sources"));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("sources[{i}]");
        let Some(o) = item.as_object() else {
            errs.push(path, "must be an object {url, title, retrieved}");
            continue;
        };
        for k in o.keys() {
            if !matches!(k.as_str(), "url" | "title" | "retrieved") {
                errs.push(
                    format!("{path}.{k}"),
                    "unknown field; expected url, title, retrieved",
                );
            }
        }
        let url = match o.get("url") {
            Some(v) => url(v, &format!("{path}.url"), errs),
            None => {
                errs.push(format!("{path}.url"), "required field is missing");
                None
            }
        };
        let title = o
            .get("title")
            .filter(|v| !v.is_null())
            .and_then(|v| text(v, SHORT_TEXT, &format!("{path}.title"), errs));
        let retrieved = o
            .get("retrieved")
            .filter(|v| !v.is_null())
            .and_then(|v| date(v, &format!("{path}.retrieved"), errs));
        if let Some(url) = url {
            out.push(Source {
                url,
                title,
                retrieved,
            });
        }
    }
    out
}

fn text(v: &Value, max: usize, path: &str, errs: &mut Errors) -> Option<String> {
    let Some(s) = v.as_str() else {
        errs.push(path, "must be a string");
        return None;
    };
    check_text(s, max, path, errs).then(|| s.to_owned())
}

fn check_text(s: &str, max: usize, path: &str, errs: &mut Errors) -> bool {
    if s.trim().is_empty() {
        errs.push(path, "must not be empty");
        return false;
    }
    let n = s.chars().count();
    if n > max {
        errs.push(path, format!("is {n} characters long; the limit is {max}"));
        return false;
    }
    if has_forbidden_control(s) {
        errs.push(path, "holds control characters");
        return false;
    }
    true
}

fn url(v: &Value, path: &str, errs: &mut Errors) -> Option<String> {
    let s = text(v, 2_000, path, errs)?;
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !s.chars().any(char::is_whitespace) => Some(s),
        _ => {
            errs.push(path, format!("`{}` is not an http(s) URL", truncate(&s)));
            None
        }
    }
}

fn email(v: &Value, path: &str, errs: &mut Errors) -> Option<String> {
    let s = text(v, 254, path, errs)?;
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Some(s)
    } else {
        errs.push(path, format!("`{}` is not an e-mail address", truncate(&s)));
        None
    }
}

fn date(v: &Value, path: &str, errs: &mut Errors) -> Option<String> {
    let s = v.as_str().unwrap_or_default();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(s, format) {
        Ok(_) if s.len() == 10 => Some(s.to_owned()),
        _ => {
            errs.push(
                path,
                format!("`{}` is not a date YYYY-MM-DD", truncate(&v.to_string())),
            );
            None
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

fn code_value(v: &Value, list: CodeList, path: &str, errs: &mut Errors) -> Option<String> {
    let code = match v {
        Value::String(s) => s.clone(),
        // SDGs and evidence levels are numbers; accept them as JSON numbers too.
        Value::Number(n) if n.is_u64() => n.to_string(),
        _ => {
            errs.push(path, format!("must be a code of list `{}`", list.name()));
            return None;
        }
    };
    if list.contains(&code) {
        Some(code)
    } else {
        errs.push(path, unknown_code(&code, list));
        None
    }
}

fn list<'v>(v: &'v Value, path: &str, errs: &mut Errors) -> Option<&'v Vec<Value>> {
    match v {
        Value::Array(items) if items.len() <= MAX_LIST_ITEMS => Some(items),
        Value::Array(_) => {
            errs.push(path, format!("at most {MAX_LIST_ITEMS} items"));
            None
        }
        _ => {
            errs.push(path, "must be a list");
            None
        }
    }
}

fn parse_field(spec: &FieldSpec, v: &Value, errs: &mut Errors) -> Option<FieldValue> {
    let name = spec.name;
    match spec.ty {
        FieldType::Text { max } => text(v, max, name, errs).map(FieldValue::Text),
        FieldType::Url => url(v, name, errs).map(FieldValue::Text),
        FieldType::Email => email(v, name, errs).map(FieldValue::Text),
        FieldType::Date => date(v, name, errs).map(FieldValue::Text),
        FieldType::LangText { max } => {
            let Some(o) = v.as_object() else {
                errs.push(
                    name,
                    "must be a language map such as {\"en\": \"...\", \"lv\": \"...\"}",
                );
                return None;
            };
            if o.is_empty() {
                errs.push(name, "must hold at least one language");
                return None;
            }
            let mut m = BTreeMap::new();
            let before = errs.0.len();
            for (lang, t) in o {
                let path = format!("{name}.{lang}");
                if !CodeList::Language.contains(lang) {
                    errs.push(path, unknown_code(lang, CodeList::Language));
                    continue;
                }
                if let Some(t) = text(t, max, &path, errs) {
                    m.insert(lang.clone(), t);
                }
            }
            (errs.0.len() == before).then_some(FieldValue::LangText(m))
        }
        FieldType::TextList { max } => {
            let items = list(v, name, errs)?;
            let before = errs.0.len();
            let out: Vec<String> = items
                .iter()
                .enumerate()
                .filter_map(|(i, it)| text(it, max, &format!("{name}[{i}]"), errs))
                .collect();
            (errs.0.len() == before).then_some(FieldValue::TextList(out))
        }
        FieldType::Int { min, max } => match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => Some(FieldValue::Int(n)),
            Some(n) => {
                errs.push(name, format!("{n} is out of range {min}..={max}"));
                None
            }
            None => {
                errs.push(name, "must be an integer");
                None
            }
        },
        FieldType::Bool => match v.as_bool() {
            Some(b) => Some(FieldValue::Bool(b)),
            None => {
                errs.push(name, "must be true or false");
                None
            }
        },
        FieldType::Code(l) => code_value(v, l, name, errs).map(FieldValue::Code),
        FieldType::Codes(l) => {
            let items = list(v, name, errs)?;
            let before = errs.0.len();
            let mut out: Vec<String> = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                let path = format!("{name}[{i}]");
                if let Some(code) = code_value(it, l, &path, errs) {
                    if out.contains(&code) {
                        errs.push(path, format!("`{code}` is listed twice"));
                    } else {
                        out.push(code);
                    }
                }
            }
            if spec.required && out.is_empty() && errs.0.len() == before {
                errs.push(name, "must hold at least one code");
            }
            (errs.0.len() == before).then_some(FieldValue::Codes(out))
        }
        FieldType::Link(_) => match v.as_str().map(RecordId::new) {
            Some(Ok(id)) => Some(FieldValue::Link(id)),
            Some(Err(e)) => {
                errs.push(name, e.to_string());
                None
            }
            None => {
                errs.push(name, "must be a record id");
                None
            }
        },
        FieldType::Links(_) => {
            let items = list(v, name, errs)?;
            let before = errs.0.len();
            let mut out: Vec<RecordId> = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                let path = format!("{name}[{i}]");
                match it.as_str().map(RecordId::new) {
                    Some(Ok(id)) if out.contains(&id) => {
                        errs.push(path, format!("`{id}` is listed twice"))
                    }
                    Some(Ok(id)) => out.push(id),
                    Some(Err(e)) => errs.push(path, e.to_string()),
                    None => errs.push(path, "must be a record id"),
                }
            }
            (errs.0.len() == before).then_some(FieldValue::Links(out))
        }
    }
}

/// Whether codes of `list` are written as JSON numbers.
pub fn numeric_codes(list: CodeList) -> bool {
    matches!(list, CodeList::Sdg | CodeList::EvidenceLevel)
}

fn code_to_json(list: CodeList, code: &str) -> Value {
    if numeric_codes(list)
        && let Ok(n) = code.parse::<u64>()
    {
        return Value::from(n);
    }
    Value::String(code.to_owned())
}

fn field_to_json(spec: &FieldSpec, v: &FieldValue) -> Value {
    match (spec.ty, v) {
        (_, FieldValue::Text(s)) => Value::String(s.clone()),
        (_, FieldValue::LangText(m)) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        ),
        (_, FieldValue::TextList(items)) => {
            Value::Array(items.iter().cloned().map(Value::String).collect())
        }
        (_, FieldValue::Int(n)) => Value::from(*n),
        (_, FieldValue::Bool(b)) => Value::Bool(*b),
        (FieldType::Code(l), FieldValue::Code(c)) => code_to_json(l, c),
        (FieldType::Codes(l), FieldValue::Codes(cs)) => {
            Value::Array(cs.iter().map(|c| code_to_json(l, c)).collect())
        }
        (_, FieldValue::Code(c)) => Value::String(c.clone()),
        (_, FieldValue::Codes(cs)) => Value::Array(cs.iter().cloned().map(Value::String).collect()),
        (_, FieldValue::Link(id)) => Value::String(id.to_string()),
        (_, FieldValue::Links(ids)) => {
            Value::Array(ids.iter().map(|id| Value::String(id.to_string())).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_size_a_record_is_checked_at_is_its_serialised_length() {
        let mut v = initiative();
        v["summary"]["fr"] = json!("« Soins » \"mobiles\" à domicile \\ \u{1F690}");
        let record = Record::from_json(&v).unwrap();
        for value in [v, record.to_json()] {
            assert_eq!(
                serialised_len(&value),
                serde_json::to_vec(&value).unwrap().len()
            );
        }
    }

    fn initiative() -> Value {
        json!({
            "id": "lv-samaritan-mobile-care",
            "kind": "initiative",
            "access_level": "consortium",
            "title": {"lv": "Samariešu mobilā aprūpes komplekss", "en": "Samaritan Mobile Care Complex"},
            "original_lang": "lv",
            "status": "active",
            "countries": ["LV"],
            "nuts": ["LV005"],
            "summary": {"en": "Vehicles equipped as mobile care centres visit rural elderly at home."},
            "esf_objectives": ["ESO4.11"],
            "sdgs": [3, 10],
            "evidence_level": 2,
            "founder_names": ["Fictitious Founder"],
            "contact_person": "person-1",
            "internal_notes": "call back in spring",
            "sources": [{"url": "https://eng.lsm.lv/article/society/society/latvia-designed-mobile-care-centers-up-for-eu-award.a156191/"}]
        })
    }

    #[test]
    fn a_valid_record_round_trips_through_canonical_json() {
        let r = Record::from_json(&initiative()).unwrap();
        assert_eq!(r.kind, RecordKind::Initiative);
        assert_eq!(r.title("en"), "Samaritan Mobile Care Complex");
        assert_eq!(r.codes_of(CodeList::Sdg), vec!["3", "10"]);
        let again = Record::from_json(&r.to_json()).unwrap();
        assert_eq!(again, r);
        assert_eq!(r.to_json()["sdgs"], json!([3, 10]));
    }

    #[test]
    fn a_shared_record_is_its_documents_record_and_holds_nothing_private() {
        let doc = "lv-samaritan-mobile-care";
        let public = Record::from_json(&initiative())
            .unwrap()
            .public_projection()
            .unwrap();
        assert_eq!(Record::from_shared(doc, &public).unwrap().id.as_str(), doc);
        let refused = |v: &Value| Record::from_shared(doc, v).unwrap_err().errors.remove(0);
        let problem = refused(&initiative());
        assert_eq!(problem.field, "internal_notes", "{problem:?}");
        let mut other = public.clone();
        other["id"] = json!("lv-other");
        let problem = refused(&other);
        assert_eq!(problem.field, "id");
        assert!(
            problem.message.contains("`lv-other`"),
            "{}",
            problem.message
        );
        let mut no_id = public.clone();
        no_id.as_object_mut().unwrap().remove("id");
        assert_eq!(refused(&no_id).field, "id");
        let mut local = public.clone();
        local["access_level"] = json!("local");
        assert_eq!(refused(&local).field, "access_level");
        let mut personal = public.clone();
        personal["contact_person"] = json!("person-1");
        assert_eq!(refused(&personal).field, "contact_person");
        let mut unknown_code = public;
        unknown_code["status"] = json!("pilot");
        assert_eq!(refused(&unknown_code).field, "status");
    }

    fn first_error(v: Value) -> FieldError {
        Record::from_json(&v).unwrap_err().errors.remove(0)
    }

    #[test]
    fn errors_name_the_field() {
        let mut v = initiative();
        v["esf_objectives"] = json!(["ESO4.11", "ESO4.99"]);
        let e = first_error(v);
        assert_eq!(e.field, "esf_objectives[1]");
        assert!(e.message.contains("ESO4.99"), "{e}");

        let mut v = initiative();
        v.as_object_mut().unwrap().remove("summary");
        assert_eq!(first_error(v).field, "summary");

        let mut v = initiative();
        v["title"]["xx"] = json!("?");
        assert_eq!(first_error(v).field, "title.xx");

        let mut v = initiative();
        v["summary"]["en"] = json!("x".repeat(SUMMARY_TEXT + 1));
        let e = first_error(v);
        assert_eq!(e.field, "summary.en");
        assert!(e.message.contains("limit"));

        let mut v = initiative();
        v["favourite_colour"] = json!("blue");
        assert_eq!(first_error(v).field, "favourite_colour");

        let mut v = initiative();
        v["nuts"] = json!(["SE224"]);
        assert_eq!(first_error(v).field, "nuts[0]");

        let mut v = initiative();
        v["start_year"] = json!(2020);
        v["end_year"] = json!(2019);
        assert_eq!(first_error(v).field, "end_year");

        let mut v = initiative();
        v["kind"] = json!("initiatives");
        assert_eq!(first_error(v).field, "kind");

        let mut v = initiative();
        v["sources"] = json!([{"url": "ftp://x"}]);
        assert_eq!(first_error(v).field, "sources[0].url");

        let mut v = initiative();
        v["original_lang"] = json!("fr");
        assert_eq!(first_error(v).field, "title.fr");
    }

    #[test]
    fn persons_must_stay_local() {
        let v = json!({"kind": "person", "name": "Ada Example", "lawful_basis": "public_task",
                       "review_due": "2027-01-01", "access_level": "consortium"});
        assert_eq!(first_error(v).field, "access_level");
    }

    struct Known(Vec<(RecordId, RecordKind)>);
    impl LinkResolver for Known {
        fn kind_of(&self, id: &RecordId) -> Option<RecordKind> {
            self.0.iter().find(|(i, _)| i == id).map(|(_, k)| *k)
        }
    }

    #[test]
    fn links_must_exist_and_have_the_right_kind() {
        let r = Record::from_json(&initiative()).unwrap();
        let e = r.check_links(&Known(vec![])).unwrap_err();
        assert_eq!(e.field(), "contact_person");
        let wrong = Known(vec![(
            RecordId::new("person-1").unwrap(),
            RecordKind::Organisation,
        )]);
        assert!(
            r.check_links(&wrong).unwrap_err().errors[0]
                .message
                .contains("expected person")
        );
        let right = Known(vec![(
            RecordId::new("person-1").unwrap(),
            RecordKind::Person,
        )]);
        r.check_links(&right).unwrap();
    }

    #[test]
    fn public_projection_drops_local_only_data() {
        let r = Record::from_json(&initiative()).unwrap();
        let p = r.public_projection().unwrap();
        let text = p.to_string();
        for secret in ["Fictitious Founder", "person-1", "call back in spring"] {
            assert!(!text.contains(secret), "{secret} leaked into {text}");
        }
        assert!(text.contains("Samaritan Mobile Care Complex"));

        let mut local = initiative();
        local["access_level"] = json!("local");
        assert!(
            Record::from_json(&local)
                .unwrap()
                .public_projection()
                .is_none()
        );
    }

    #[test]
    fn a_mentoring_session_is_shared_at_organisation_level() {
        let r = Record::from_json(&json!({
            "id": "m1", "kind": "mentoring_session", "access_level": "consortium",
            "title": {"en": "First site visit"}, "replication_case": "case-1",
            "date": "2026-02-01", "format": "site_visit", "mentor_org": "org-1",
            "participant_count": 4, "participants": ["Anna Example", "Juris Paraugs"],
            "contact_person": "person-1"
        }))
        .unwrap();
        let text = r.public_projection().unwrap().to_string();
        for secret in [
            "Anna Example",
            "Juris Paraugs",
            "person-1",
            "participants\"",
            "contact_person",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {text}");
        }
        for shared in ["org-1", "site_visit", "participant_count"] {
            assert!(text.contains(shared), "{shared} missing from {text}");
        }
    }
}
