//! The staff UI's languages: English, Spanish, French, Swedish and Latvian.
//!
//! Strings live in Fluent files (`node/i18n/<lang>.ftl`) a translator edits without touching
//! code; Fluent carries each language's plural rules (Latvian has three forms). A file's
//! machine-assisted messages sit under a `## review:` group comment until a native speaker
//! checks them. A message missing in one language falls back to English, and a missing English
//! one shows its key (a test keeps both from happening).
//!
//! The language of a request is chosen by the API's `language` middleware (`?lang=`, then the
//! `sicc-lang` cookie the switch sets, then `Accept-Language`) and read here through a
//! task-local, so that page code writes `t!("search-title")` without passing it around.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::OnceLock;

/// A language of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Es,
    Fr,
    Sv,
    Lv,
}

impl Lang {
    /// Every UI language, in the order the switch lists them.
    pub const ALL: [Lang; 5] = [Lang::En, Lang::Es, Lang::Fr, Lang::Sv, Lang::Lv];

    /// The BCP-47 tag (`lv`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Sv => "sv",
            Lang::Lv => "lv",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Fr => "Français",
            Lang::Sv => "Svenska",
            Lang::Lv => "Latviešu",
        }
    }

    /// A tag's language, if the UI has it (`lv-LV` → Latvian).
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The best of the UI's languages for an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut choices: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        choices.first().map(|c| c.2)
    }

    fn index(self) -> usize {
        Lang::ALL.iter().position(|l| *l == self).unwrap_or(0)
    }
}

/// The Fluent files, in the order of [`Lang::ALL`].
pub const FILES: [(&str, &str); 5] = [
    ("en.ftl", include_str!("../i18n/en.ftl")),
    ("es.ftl", include_str!("../i18n/es.ftl")),
    ("fr.ftl", include_str!("../i18n/fr.ftl")),
    ("sv.ftl", include_str!("../i18n/sv.ftl")),
    ("lv.ftl", include_str!("../i18n/lv.ftl")),
];

fn bundles() -> &'static [FluentBundle<FluentResource>] {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        Lang::ALL
            .iter()
            .zip(FILES)
            .map(|(lang, (_, text))| {
                let id: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Isolation marks would land inside HTML attributes and URLs.
                bundle.set_use_isolating(false);
                // A syntax error drops only the broken message (a test keeps the files clean).
                let resource = FluentResource::try_new(text.to_owned()).unwrap_or_else(|(r, _)| r);
                let _ = bundle.add_resource(resource);
                bundle
            })
            .collect()
    })
}

/// The message `key` in `lang` (else English, else the key itself).
pub fn text(lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
    let all = bundles();
    for bundle in [&all[lang.index()], &all[0]] {
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned();
        }
    }
    key.to_owned()
}

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being answered (English outside one).
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or(Lang::En)
}

/// Runs `f` answering in `lang`.
pub async fn scope<F: std::future::Future>(lang: Lang, f: F) -> F::Output {
    LANG.scope(lang, f).await
}

/// A message of the current language: `t!("key")`, `t!("key", count = n, name = s)`.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::text($crate::i18n::current(), $key, None)
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = fluent_bundle::FluentArgs::new();
        $(args.set(stringify!($name), $value);)+
        $crate::i18n::text($crate::i18n::current(), $key, Some(&args))
    }};
}

/// A whole number for people: `12,345` in English, `12 345` in French, Swedish and Latvian,
/// `12.345` in Spanish (which groups from five digits).
pub fn number(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let (separator, from) = match lang {
        Lang::En => (",", 4),
        Lang::Es => (".", 5),
        Lang::Fr | Lang::Sv | Lang::Lv => ("\u{a0}", 4),
    };
    if digits.len() < from {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// A date for people, in the language's usual numeric form: `1 Dec 2026`, `1/12/2026`,
/// `01/12/2026`, `2026-12-01`, `01.12.2026.`.
pub fn date(lang: Lang, t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let (y, m, d) = (t.year(), u8::from(t.month()), t.day());
    match lang {
        Lang::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!("{d} {} {y}", MONTHS[usize::from(m) - 1])
        }
        Lang::Es => format!("{d}/{m}/{y}"),
        Lang::Fr => format!("{d:02}/{m:02}/{y}"),
        Lang::Sv => format!("{y}-{m:02}-{d:02}"),
        Lang::Lv => format!("{d:02}.{m:02}.{y}."),
    }
}

/// A date and time (UTC) for people.
pub fn date_time(lang: Lang, t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", date(lang, t), t.hour(), t.minute())
}

/// [`date`] of an RFC 3339 timestamp as stored in records (empty when there is none).
pub fn stored_date(lang: Lang, rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
        })
        .map(|t| date(lang, t))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast::Entry;
    use std::collections::BTreeSet;

    fn keys(text: &str) -> BTreeSet<String> {
        let resource = fluent_syntax::parser::parse(text)
            .unwrap_or_else(|(_, errors)| panic!("a Fluent file does not parse: {errors:?}"));
        resource
            .body
            .iter()
            .filter_map(|e| match e {
                Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_message_and_every_file_parses() {
        let english = keys(FILES[0].1);
        assert!(english.len() > 50, "the English file holds the UI");
        for (name, text) in &FILES[1..] {
            let these = keys(text);
            let missing: Vec<_> = english.difference(&these).collect();
            let extra: Vec<_> = these.difference(&english).collect();
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{name} has messages English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn every_message_the_code_uses_exists() {
        let english = keys(FILES[0].1);
        let mut used = BTreeSet::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // Comments name macros too (`t!("key")` above).
                    let src: String = text
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("//"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    for (i, _) in src.match_indices("t!(\"") {
                        // `t!`, not `format!` or `print!`.
                        let before = src[..i].chars().next_back();
                        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                            continue;
                        }
                        let rest = &src[i + 4..];
                        let key = &rest[..rest.find('"').unwrap()];
                        used.insert(key.to_owned());
                    }
                }
            }
        }
        let missing: Vec<_> = used.difference(&english).collect();
        assert!(missing.is_empty(), "used but not in en.ftl: {missing:?}");
    }

    #[test]
    fn every_field_kind_facet_and_relation_has_a_message() {
        use sicc_protocol::schema::RecordKind;
        let english = keys(FILES[0].1);
        let mut wanted: Vec<String> = sicc_protocol::record::COMMON_FIELDS
            .iter()
            .map(|f| format!("field-{f}"))
            .collect();
        for kind in RecordKind::ALL {
            wanted.push(format!("kind-{}", kind.as_str()));
            wanted.extend(kind.fields().iter().map(|f| format!("field-{}", f.name)));
        }
        wanted.extend(crate::search::FACETS.iter().map(|f| format!("facet-{f}")));
        wanted.extend(
            ["owner", "subscriber", "requested", "offered", "member"]
                .map(|r| format!("relation-{r}")),
        );
        let missing: Vec<_> = wanted.iter().filter(|k| !english.contains(*k)).collect();
        assert!(missing.is_empty(), "en.ftl lacks {missing:?}");
    }

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(text(Lang::En, "records-count", Some(&args(1))), "1 record");
        assert_eq!(text(Lang::En, "records-count", Some(&args(2))), "2 records");
        // Latvian: 1 and 21 take the singular, 11 the plural.
        let lv = |n| text(Lang::Lv, "records-count", Some(&args(n)));
        assert_eq!(lv(1).split(' ').nth(1), lv(21).split(' ').nth(1));
        assert_ne!(lv(1).split(' ').nth(1), lv(11).split(' ').nth(1));
    }

    fn args(n: u64) -> FluentArgs<'static> {
        let mut a = FluentArgs::new();
        a.set("count", n);
        a.set("n", n.to_string());
        a
    }

    #[test]
    fn the_language_comes_from_the_header_by_quality() {
        assert_eq!(
            Lang::from_accept_language("lv-LV,lv;q=0.9,en;q=0.8"),
            Some(Lang::Lv)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,de;q=0.9,fr;q=0.5,es;q=0.7"),
            Some(Lang::Es)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::from_accept_language("sv;q=0,en"), Some(Lang::En));
    }

    #[test]
    fn numbers_and_dates_are_localised() {
        assert_eq!(number(Lang::En, 12345), "12,345");
        assert_eq!(number(Lang::Es, 1234), "1234");
        assert_eq!(number(Lang::Es, 12345), "12.345");
        assert_eq!(number(Lang::Lv, 1234567), "1\u{a0}234\u{a0}567");
        let t = time::macros::datetime!(2026-12-01 14:03 UTC);
        assert_eq!(date(Lang::En, t), "1 Dec 2026");
        assert_eq!(date(Lang::Lv, t), "01.12.2026.");
        assert_eq!(date(Lang::Sv, t), "2026-12-01");
    }
}
