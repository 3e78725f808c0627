//! `protocol/schema/record.json`, the normative schema of a shared record (SPEC.md §6.9), is
//! generated from the code (`schema.rs`, `record.rs`, `codes.rs`) and must equal it, so the
//! file cannot drift. `SICC_WRITE_VECTORS=1 cargo test -p sicc-protocol --test schema_file`
//! rewrites it after a deliberate change.

use serde_json::{Value, json};
use sicc_protocol::codes::CodeList;
use sicc_protocol::record::{
    COMMON_FIELDS, MAX_RECORD_BYTES, MAX_SAFE_INTEGER, MAX_SOURCES, numeric_codes,
};
use sicc_protocol::schema::{FieldType, MAX_LIST_ITEMS, RecordKind, SHORT_TEXT};

fn field_type(ty: FieldType) -> Value {
    let kinds = |ks: &[RecordKind]| ks.iter().map(|k| k.as_str()).collect::<Vec<_>>();
    match ty {
        FieldType::Text { max } => json!({"type": "text", "max_chars": max}),
        FieldType::LangText { max } => json!({"type": "lang_text", "max_chars": max}),
        FieldType::TextList { max } => {
            json!({"type": "text_list", "max_chars": max, "max_items": MAX_LIST_ITEMS})
        }
        FieldType::Int { min, max } => {
            // Every integer a record holds is one JavaScript's Automerge can read.
            assert!(
                min.unsigned_abs() <= MAX_SAFE_INTEGER && max.unsigned_abs() <= MAX_SAFE_INTEGER
            );
            json!({"type": "integer", "min": min, "max": max})
        }
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Date => json!({"type": "date"}),
        FieldType::Url => json!({"type": "url"}),
        FieldType::Email => json!({"type": "email"}),
        FieldType::Code(l) => json!({"type": "code", "code_list": l.name()}),
        FieldType::Codes(l) => {
            json!({"type": "codes", "code_list": l.name(), "max_items": MAX_LIST_ITEMS})
        }
        FieldType::Link(ks) => json!({"type": "link", "kinds": kinds(ks)}),
        FieldType::Links(ks) => {
            json!({"type": "links", "kinds": kinds(ks), "max_items": MAX_LIST_ITEMS})
        }
    }
}

fn schema() -> Value {
    let common = json!({
        "id": {"type": "record_id", "required": true,
               "doc": "1-64 characters of a-z, 0-9, '-', '_', '.', starting with a letter or digit; equal to the document id"},
        "kind": {"type": "kind", "required": true, "doc": "one of `kinds` below"},
        "revision": {"type": "integer", "min": 0, "max": MAX_SAFE_INTEGER, "doc": "the publisher's revision counter"},
        "created_at": {"type": "timestamp", "doc": "RFC 3339"},
        "updated_at": {"type": "timestamp", "doc": "RFC 3339"},
        "access_level": {"type": "code", "code_list": "access_level",
                         "doc": "`consortium` or `public` in a shared record (`local` is never shared)"},
        "validation_status": {"type": "code", "code_list": "validation_status"},
        "licence": {"type": "code", "code_list": "licence"},
        "original_lang": {"type": "code", "code_list": "language",
                          "doc": "required when the title is given in several languages; the title must be given in it"},
        "sources": {"type": "sources", "max_items": MAX_SOURCES,
                    "doc": "a list of objects {url (http or https, required), title (text, at most 300 characters), retrieved (date)}"},
        "internal_notes": {"type": "text", "local_only": true, "doc": "never in a shared record"},
    });
    assert_eq!(
        common.as_object().unwrap().len(),
        COMMON_FIELDS.len(),
        "every common field described"
    );
    let kinds: Vec<Value> = RecordKind::ALL
        .iter()
        .map(|k| {
            let fields: Vec<Value> = k
                .fields()
                .iter()
                .map(|f| {
                    let mut v = field_type(f.ty);
                    let o = v.as_object_mut().unwrap();
                    o.insert("name".into(), json!(f.name));
                    o.insert("required".into(), json!(f.required));
                    o.insert("local_only".into(), json!(f.local_only));
                    o.insert("doc".into(), json!(f.doc));
                    v
                })
                .collect();
            json!({
                "kind": k.as_str(),
                "shared": *k != RecordKind::Person,
                "title_field": k.title_field(),
                "fields": fields,
            })
        })
        .collect();
    let code_lists: serde_json::Map<String, Value> = CodeList::ALL
        .iter()
        .map(|l| {
            let codes: Value = if *l == CodeList::Nuts {
                json!("the NUTS 2016, 2021 and 2024 codes of protocol/data/nuts.tsv (first column)")
            } else if numeric_codes(*l) {
                // Written as JSON numbers in a record.
                l.entries()
                    .iter()
                    .map(|c| json!(c.code.parse::<i64>().expect("numeric code")))
                    .collect()
            } else {
                l.entries().iter().map(|c| json!(c.code)).collect()
            };
            (l.name().to_owned(), codes)
        })
        .collect();
    json!({
        "about": "The record a shared document holds (SPEC.md section 6.9). Kinds, fields, types, limits and code lists are generated from the node's validation code; the common fields and `rules` are written beside it. A record is a JSON object of the common fields and its kind's fields; no other key; a field given as null is absent. `lang_text` is an object from language code (code list `language`) to text; lengths are in Unicode scalar values. `date` is YYYY-MM-DD. `link` holds a record id of one of `kinds`. Codes of `sdg` and `evidence_level` are JSON numbers, all others strings; a list of codes holds each at most once. `local_only` fields never appear in a shared record: a receiver quarantines a document that holds one. Code labels in five languages: protocol/data/labels/*.tsv.",
        "rules": [
            "`access_level` absent means `local` (so a shared record must carry `consortium` or `public`); `validation_status` absent means `draft`; `licence` absent means `CC-BY-4.0` (`none` for a person)",
            "`original_lang` absent: the title's only language; required when the title has several; the title must be given in it",
            "`end_year` not before `start_year`, `open_until` not before `open_from`, `end_date` not before `start_date`, `grant_max_eur` not below `grant_min_eur`",
            "every NUTS code lies in one of the record's `countries` (its first two letters; Greece's NUTS prefix is EL for country GR)",
            "a `person` record is always `local`",
            "`url` is an absolute http or https URL; `email` is local-part@domain with a dot in the domain",
            "the record's JSON (as the node re-serialises it, keys sorted, no whitespace) is at most `max_record_bytes`"
        ],
        "max_record_bytes": MAX_RECORD_BYTES,
        "short_text_chars": SHORT_TEXT,
        "common_fields": common,
        "kinds": kinds,
        "code_lists": code_lists,
    })
}

#[test]
fn the_schema_file_is_what_the_code_validates() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/record.json");
    let built = schema();
    if std::env::var_os("SICC_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&built).unwrap() + "\n").unwrap();
        return;
    }
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (SICC_WRITE_VECTORS=1 writes it)", path.display())
        }))
        .unwrap();
    assert!(
        stored == built,
        "{} is not what the code validates: regenerate it (see this file's header)",
        path.display()
    );
}
