//! Record filters: what `GET /api/v1/records?...` and `sicc records list` accept, as a pure
//! predicate over [`Record`]s.
//!
//! Parameters (all optional, combined with AND; a comma-separated value means any of):
//!
//! | parameter | matches |
//! |---|---|
//! | `kind` | the record kind |
//! | `q` | text contained in any title, summary or long-text field, in any language (case and accents ignored) |
//! | a code-list name (`country`, `theme`, `target_group`, `esf_objective`, `sdg`, `stage`, `evidence_level`, `funding_source`, ...) | any field of the record coded with that list; for `nuts`, a code *prefix* (`LV00` matches `LV005`) |
//! | a field name (`status`, `polarity`, `dimension`, `levels`, `in_force`, `year`, `addresses`, ...) | that field: code, code list, boolean, integer, link or links |
//! | `min_FIELD`, `max_FIELD` | inclusive bounds on an integer, date or numeric-code field (`min_evidence_level=3`, `max_review_due=2026-12-31`) |
//! | `access_level`, `validation_status`, `licence`, `original_lang` | the common field |
//! | `links_to` | records that link to the given id from any link field |
//! | `updated_since` | records updated at or after an RFC 3339 time |
//!
//! Repeating a parameter requires each value (AND): `process_element=develop_test&process_element=realise_disseminate`.

use crate::codes::CodeList;
use crate::id::RecordId;
use crate::record::{FieldValue, Record, numeric_codes};
use crate::schema::{FieldType, RecordKind};
use crate::text::fold;
use std::fmt;

/// Maximum number of conditions in one filter.
pub const MAX_CONDITIONS: usize = 32;

/// One condition of a [`Filter`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Condition {
    Kind(Vec<RecordKind>),
    Text(String),
    List(CodeList, Vec<String>),
    Field(String, Vec<String>),
    Min(String, String),
    Max(String, String),
    Common(&'static str, Vec<String>),
    LinksTo(RecordId),
    UpdatedSince(String),
}

/// A parsed filter. Build it with [`Filter::parse`]; test records with [`Filter::matches`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    conditions: Vec<Condition>,
}

/// A filter parameter that is not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{param}: {message}")]
pub struct FilterError {
    /// The offending parameter.
    pub param: String,
    /// What is wrong with it.
    pub message: String,
}

fn err(param: &str, message: impl Into<String>) -> FilterError {
    FilterError {
        param: param.to_owned(),
        message: message.into(),
    }
}

/// Parameters that are not filters (paging, formatting) and are skipped by [`Filter::parse`].
pub const NON_FILTER_PARAMS: &[&str] = &["cursor", "limit", "format", "lang", "origin"];

impl Filter {
    /// Parses `(name, value)` pairs as found in a query string.
    pub fn parse<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Filter, FilterError> {
        let mut conditions = Vec::new();
        for (name, value) in params {
            if NON_FILTER_PARAMS.contains(&name) {
                continue;
            }
            let values: Vec<String> = value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect();
            if values.is_empty() {
                return Err(err(name, "needs a value"));
            }
            let condition = match name {
                "kind" => Condition::Kind(
                    values
                        .iter()
                        .map(|v| {
                            v.parse::<RecordKind>()
                                .map_err(|e| err(name, e.to_string()))
                        })
                        .collect::<Result<_, _>>()?,
                ),
                "q" => Condition::Text(fold(value.trim())),
                "links_to" => {
                    Condition::LinksTo(RecordId::new(value).map_err(|e| err(name, e.to_string()))?)
                }
                "updated_since" => {
                    time::OffsetDateTime::parse(
                        value,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .map_err(|_| err(name, "must be an RFC 3339 timestamp"))?;
                    Condition::UpdatedSince(value.to_owned())
                }
                "access_level" | "validation_status" | "licence" | "original_lang" => {
                    let list = match name {
                        "access_level" => CodeList::AccessLevel,
                        "validation_status" => CodeList::ValidationStatus,
                        "licence" => CodeList::Licence,
                        _ => CodeList::Language,
                    };
                    check_codes(name, list, &values)?;
                    let name = match name {
                        "access_level" => "access_level",
                        "validation_status" => "validation_status",
                        "licence" => "licence",
                        _ => "original_lang",
                    };
                    Condition::Common(name, values)
                }
                _ => {
                    if let Some(field) = name.strip_prefix("min_") {
                        check_bound_field(name, field)?;
                        Condition::Min(field.to_owned(), value.trim().to_owned())
                    } else if let Some(field) = name.strip_prefix("max_") {
                        check_bound_field(name, field)?;
                        Condition::Max(field.to_owned(), value.trim().to_owned())
                    } else if let Some(list) = CodeList::from_name(name) {
                        if list != CodeList::Nuts {
                            check_codes(name, list, &values)?;
                        }
                        Condition::List(list, values)
                    } else if field_exists(name) {
                        Condition::Field(name.to_owned(), values)
                    } else {
                        return Err(err(name, "unknown filter"));
                    }
                }
            };
            conditions.push(condition);
            if conditions.len() > MAX_CONDITIONS {
                return Err(err(name, format!("at most {MAX_CONDITIONS} conditions")));
            }
        }
        Ok(Filter { conditions })
    }

    /// A filter on kind only.
    pub fn kind(kind: RecordKind) -> Filter {
        Filter {
            conditions: vec![Condition::Kind(vec![kind])],
        }
    }

    /// The single kind the filter restricts to, if it names exactly one (lets stores use an index).
    pub fn only_kind(&self) -> Option<RecordKind> {
        self.conditions.iter().find_map(|c| match c {
            Condition::Kind(kinds) if kinds.len() == 1 => Some(kinds[0]),
            _ => None,
        })
    }

    /// Whether `record` satisfies every condition.
    pub fn matches(&self, record: &Record) -> bool {
        self.conditions.iter().all(|c| condition_matches(c, record))
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} condition(s)", self.conditions.len())
    }
}

fn check_codes(name: &str, list: CodeList, values: &[String]) -> Result<(), FilterError> {
    for v in values {
        if !list.contains(v) {
            return Err(err(
                name,
                format!("unknown code `{v}` in list `{}`", list.name()),
            ));
        }
    }
    Ok(())
}

fn field_exists(name: &str) -> bool {
    RecordKind::ALL.iter().any(|k| {
        k.field(name).is_some_and(|s| {
            !matches!(
                s.ty,
                FieldType::LangText { .. } | FieldType::TextList { .. }
            )
        })
    })
}

fn check_bound_field(param: &str, field: &str) -> Result<(), FilterError> {
    let ok = RecordKind::ALL.iter().any(|k| {
        k.field(field).is_some_and(|s| match s.ty {
            FieldType::Int { .. } | FieldType::Date => true,
            FieldType::Code(l) => numeric_codes(l),
            _ => false,
        })
    });
    if ok {
        Ok(())
    } else {
        Err(err(
            param,
            format!("`{field}` is not an integer, date or numeric-code field"),
        ))
    }
}

fn condition_matches(c: &Condition, r: &Record) -> bool {
    match c {
        Condition::Kind(kinds) => kinds.contains(&r.kind),
        Condition::Text(needle) => {
            needle.is_empty()
                || r.searchable_text()
                    .any(|t| fold(t).contains(needle.as_str()))
        }
        Condition::List(list, wanted) => {
            let have = r.codes_of(*list);
            if *list == CodeList::Nuts {
                wanted
                    .iter()
                    .any(|w| have.iter().any(|h| h.starts_with(w.as_str())))
            } else {
                wanted.iter().any(|w| have.contains(&w.as_str()))
            }
        }
        Condition::Field(name, wanted) => match r.fields.get(name.as_str()) {
            Some(FieldValue::Code(c)) => wanted.contains(c),
            Some(FieldValue::Codes(cs)) => wanted.iter().any(|w| cs.contains(w)),
            Some(FieldValue::Bool(b)) => wanted.iter().any(|w| w == &b.to_string()),
            Some(FieldValue::Int(n)) => wanted.iter().any(|w| w == &n.to_string()),
            Some(FieldValue::Text(t)) => wanted.iter().any(|w| w == t),
            Some(FieldValue::Link(id)) => wanted.iter().any(|w| w == id.as_str()),
            Some(FieldValue::Links(ids)) => {
                wanted.iter().any(|w| ids.iter().any(|i| i.as_str() == w))
            }
            _ => false,
        },
        Condition::Min(field, bound) => compare(r, field, bound).is_some_and(|o| o.is_ge()),
        Condition::Max(field, bound) => compare(r, field, bound).is_some_and(|o| o.is_le()),
        Condition::Common(name, wanted) => {
            let have = match *name {
                "access_level" => r.access_level.as_str(),
                "validation_status" => r.validation_status.as_str(),
                "licence" => r.licence.as_str(),
                _ => r.original_lang.as_str(),
            };
            wanted.iter().any(|w| w == have)
        }
        Condition::LinksTo(id) => r.links().iter().any(|l| l.target == id),
        Condition::UpdatedSince(t) => r.updated_at.as_deref().is_some_and(|u| {
            // Compare as instants, not strings: offsets may differ.
            let parse = |s: &str| {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            };
            matches!((parse(u), parse(t)), (Some(u), Some(t)) if u >= t)
        }),
    }
}

/// Orders the record's value of `field` against `bound`.
fn compare(r: &Record, field: &str, bound: &str) -> Option<std::cmp::Ordering> {
    match r.fields.get(field)? {
        FieldValue::Int(n) => bound.parse::<i64>().ok().map(|b| n.cmp(&b)),
        FieldValue::Code(c) => {
            let (c, b) = (c.parse::<i64>().ok()?, bound.parse::<i64>().ok()?);
            Some(c.cmp(&b))
        }
        // Dates are YYYY-MM-DD, so text order is date order.
        FieldValue::Text(d) => Some(d.as_str().cmp(bound)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: serde_json::Value) -> Record {
        Record::from_json(&v).unwrap()
    }

    fn latgale() -> Record {
        rec(
            json!({"id": "a", "kind": "initiative", "title": {"lv": "Aprūpe mājās Latgalē"},
            "status": "active", "countries": ["LV"], "nuts": ["LV005"],
            "summary": {"en": "Home care"}, "esf_objectives": ["ESO4.11"], "evidence_level": 3,
            "themes": ["social_services_care", "ageing"], "partner_orgs": ["org-1"]}),
        )
    }

    fn f(q: &[(&str, &str)]) -> Filter {
        Filter::parse(q.iter().copied()).unwrap()
    }

    #[test]
    fn query_2_active_latgale_eso4_11() {
        let q = f(&[
            ("kind", "initiative"),
            ("nuts", "LV005"),
            ("esf_objective", "ESO4.11"),
            ("status", "active"),
        ]);
        assert!(q.matches(&latgale()));
        assert!(!f(&[("status", "ended")]).matches(&latgale()));
        assert!(
            f(&[("nuts", "LV0")]).matches(&latgale()),
            "NUTS is a prefix match"
        );
        assert!(!f(&[("nuts", "LV006")]).matches(&latgale()));
    }

    #[test]
    fn text_ignores_case_and_accents() {
        assert!(f(&[("q", "aprupe majas")]).matches(&latgale()));
        assert!(f(&[("q", "HOME CARE")]).matches(&latgale()));
        assert!(!f(&[("q", "vivienda")]).matches(&latgale()));
    }

    #[test]
    fn bounds_lists_and_links() {
        assert!(f(&[("min_evidence_level", "3")]).matches(&latgale()));
        assert!(!f(&[("min_evidence_level", "4")]).matches(&latgale()));
        assert!(f(&[("theme", "housing_homelessness,ageing")]).matches(&latgale()));
        assert!(!f(&[("theme", "ageing"), ("theme", "housing_homelessness")]).matches(&latgale()));
        assert!(f(&[("links_to", "org-1")]).matches(&latgale()));
        assert!(f(&[("partner_orgs", "org-1")]).matches(&latgale()));
    }

    #[test]
    fn bad_filters_name_the_parameter() {
        assert_eq!(
            Filter::parse([("colour", "red")]).unwrap_err().param,
            "colour"
        );
        assert_eq!(
            Filter::parse([("theme", "nope")]).unwrap_err().param,
            "theme"
        );
        assert_eq!(Filter::parse([("kind", "x")]).unwrap_err().param, "kind");
        assert_eq!(
            Filter::parse([("min_title", "x")]).unwrap_err().param,
            "min_title"
        );
        assert!(Filter::parse([("cursor", "abc"), ("limit", "5")]).is_ok());
    }
}
