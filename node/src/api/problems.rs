//! Validation problems in the reader's language. `protocol` names each problem in English (the
//! API's words, stable for scripts); the pages show the common ones through their Fluent
//! messages, recognised by their shape, and any other as it is.

use super::ui::{code_label, field_label, kind_label};
use crate::i18n::{self, Lang};
use fluent_bundle::FluentArgs;
use sicc_protocol::codes::CodeList;
use sicc_protocol::schema::RecordKind;

/// The text between `prefix` and `suffix`, if `s` is exactly that.
fn between<'a>(s: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    s.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// The first `…`-quoted part of `s`.
fn quoted(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(&s[start..start + len])
}

fn say(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.clone());
    }
    i18n::text(lang, key, Some(&fluent))
}

/// `message` (a `FieldError`'s) in the current language when its shape is known.
pub(super) fn localise(message: &str) -> String {
    let lang = i18n::current();
    if lang == Lang::En {
        return message.to_owned();
    }
    let m = message;
    let fixed = [
        ("required field is missing", "problem-required"),
        ("must be an integer", "problem-integer"),
        ("must hold at least one language", "problem-one-language"),
        ("must hold at least one code", "problem-one-code"),
        ("a record cannot link to itself", "problem-self-link"),
        ("must not be empty", "problem-empty"),
    ];
    if let Some((_, key)) = fixed.iter().find(|(text, _)| *text == m) {
        return say(lang, key, &[]);
    }
    if let Some(l) = between(m, "the title must be given in the original language `", "`") {
        return say(
            lang,
            "problem-title-original",
            &[("language", code_label(CodeList::Language, l))],
        );
    }
    if m.starts_with("unknown code `") {
        let value = quoted(m).unwrap_or_default().to_owned();
        return say(lang, "problem-unknown-code", &[("value", value)]);
    }
    if let Some(id) = between(m, "links to `", "`, which does not exist") {
        return say(lang, "problem-link-missing", &[("id", id.to_owned())]);
    }
    if m.starts_with("links to `") && m.contains("; expected ") {
        let id = quoted(m).unwrap_or_default().to_owned();
        let kind = m
            .split("`, a ")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .and_then(|k| k.parse::<RecordKind>().ok())
            .map(kind_label)
            .unwrap_or_default();
        return say(lang, "problem-link-kind", &[("id", id), ("kind", kind)]);
    }
    if let Some(rest) = m.strip_prefix("is ")
        && let Some((n, max)) = rest.split_once(" characters long; the limit is ")
    {
        return say(
            lang,
            "problem-too-long",
            &[("n", n.to_owned()), ("max", max.to_owned())],
        );
    }
    for (suffix, key) in [
        ("` is not an http(s) URL", "problem-url"),
        ("` is not an e-mail address", "problem-email"),
        ("` is not a date YYYY-MM-DD", "problem-date"),
        ("` is listed twice", "problem-twice"),
    ] {
        if let Some(value) = between(m, "`", suffix) {
            return say(lang, key, &[("value", value.to_owned())]);
        }
    }
    if let Some(field) = between(m, "must not be before `", "`") {
        return say(lang, "problem-before", &[("field", field_label(field))]);
    }
    if let Some(code) = between(m, "region `", "` is not in the record's countries") {
        return say(
            lang,
            "problem-region",
            &[("region", code_label(CodeList::Nuts, code))],
        );
    }
    if let Some((n, range)) = m.split_once(" is out of range ")
        && let Some((min, max)) = range.split_once("..=")
    {
        return say(
            lang,
            "problem-range",
            &[
                ("n", n.to_owned()),
                ("min", min.to_owned()),
                ("max", max.to_owned()),
            ],
        );
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sicc_protocol::record::Record;

    /// The shapes recognised here are the ones `protocol` writes: a record with each problem,
    /// read in Latvian, shows no English.
    #[tokio::test]
    async fn the_common_problems_of_a_record_read_in_latvian() {
        let v = serde_json::json!({
            "id": "lv-x", "kind": "initiative", "original_lang": "lv",
            "title": {"en": "Only English"}, "status": "active", "countries": ["XX"],
            "website": "ftp://example", "start_year": "soon", "themes": ["ageing", "ageing"]
        });
        let errors = Record::from_json(&v).unwrap_err().errors;
        assert!(errors.len() >= 4, "{errors:?}");
        let shown: Vec<String> = i18n::scope(Lang::Lv, async {
            errors.iter().map(|e| localise(&e.message)).collect()
        })
        .await;
        for (e, s) in errors.iter().zip(&shown) {
            assert_ne!(&e.message, s, "not localised: {}", e.message);
            assert!(!s.starts_with("problem-"), "no such message: {s}");
        }
        let english = i18n::scope(Lang::En, async { localise(&errors[0].message) }).await;
        assert_eq!(english, errors[0].message);
    }
}
