//! The sample data set: real initiatives, organisations, SWOT items, tools, lessons, replication
//! cases and action items of Spain, France, Sweden and Latvia, with their public sources
//! (each record's `sources` names where its facts come from). Person records use obviously
//! fictitious names.

use crate::transfer::{InputRecord, parse_json};

/// The sample files, embedded in the binary so that `sicc demo` works anywhere.
pub const FILES: &[(&str, &str)] = &[
    ("es.ndjson", include_str!("../sample/es.ndjson")),
    ("fr.ndjson", include_str!("../sample/fr.ndjson")),
    ("se.ndjson", include_str!("../sample/se.ndjson")),
    ("lv.ndjson", include_str!("../sample/lv.ndjson")),
    ("cross.ndjson", include_str!("../sample/cross.ndjson")),
];

/// Every sample record, tagged with its line in its file (lines of later files are offset by
/// 10 000 per file, so a report still points at one line).
pub fn records() -> Vec<InputRecord> {
    FILES
        .iter()
        .enumerate()
        .flat_map(|(i, (_, text))| {
            parse_json(text)
                .into_iter()
                .map(move |(line, v)| (i * 10_000 + line, v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sicc_protocol::codes::CodeList;
    use sicc_protocol::id::RecordId;
    use sicc_protocol::record::{LinkResolver, Record};
    use sicc_protocol::schema::RecordKind;
    use std::collections::HashMap;

    struct Sample(HashMap<RecordId, RecordKind>);
    impl LinkResolver for Sample {
        fn kind_of(&self, id: &RecordId) -> Option<RecordKind> {
            self.0.get(id).copied()
        }
    }

    fn parsed() -> Vec<Record> {
        records()
            .into_iter()
            .map(|(line, v)| {
                let v = v.unwrap_or_else(|e| panic!("line {line}: {e}"));
                Record::from_json(&v).unwrap_or_else(|e| panic!("line {line} ({}): {e}", v["id"]))
            })
            .collect()
    }

    #[test]
    fn every_sample_record_is_valid_and_its_links_resolve() {
        let records = parsed();
        let index: HashMap<_, _> = records.iter().map(|r| (r.id.clone(), r.kind)).collect();
        assert_eq!(index.len(), records.len(), "duplicate ids in the sample");
        let resolver = Sample(index);
        for r in &records {
            r.check_links(&resolver)
                .unwrap_or_else(|e| panic!("{}: {e}", r.id));
        }
    }

    #[test]
    fn the_sample_covers_what_the_issue_asks_for() {
        let records = parsed();
        let count = |kind: RecordKind, country: &str| {
            records
                .iter()
                .filter(|r| {
                    r.kind == kind && r.codes_of(CodeList::Country).first() == Some(&country)
                })
                .count()
        };
        for country in ["ES", "FR", "SE", "LV"] {
            assert!(
                count(RecordKind::Initiative, country) >= 10,
                "initiatives of {country}"
            );
            assert!(
                count(RecordKind::EcosystemItem, country) >= 8,
                "SWOT items of {country}"
            );
            let initiatives = records.iter().filter(|r| {
                r.kind == RecordKind::Initiative
                    && r.codes_of(CodeList::Country).first() == Some(&country)
            });
            for r in initiatives {
                assert!(!r.sources.is_empty(), "{} has no source", r.id);
                let has_english = matches!(r.fields.get("title"), Some(sicc_protocol::record::FieldValue::LangText(m)) if m.contains_key("en"));
                assert!(has_english, "{} lacks an English title", r.id);
            }
        }
        let cross_border = records
            .iter()
            .filter(|r| r.kind == RecordKind::ReplicationCase)
            .filter(|r| {
                r.codes_of(CodeList::Country)
                    .windows(2)
                    .any(|w| w[0] != w[1])
            })
            .count();
        assert!(
            cross_border >= 2,
            "cross-border replication cases: {cross_border}"
        );
        for kind in [
            RecordKind::SupportTool,
            RecordKind::Lesson,
            RecordKind::ActionItem,
            RecordKind::Person,
        ] {
            assert!(records.iter().any(|r| r.kind == kind), "no {kind}");
        }
        // Action items address SWOT items.
        assert!(records.iter().any(|r| r.kind == RecordKind::ActionItem
            && r.links().iter().any(|l| {
                records
                    .iter()
                    .any(|t| &t.id == l.target && t.kind == RecordKind::EcosystemItem)
            })));
    }

    /// The work-package pages have something to show for every country (issue 18): each SWOT
    /// polarity, three priorities with areas that three or more countries share, an action plan
    /// with an overdue item, an indicator and an unaddressed weakness, cases in every stage, and
    /// one case with a readiness assessment and mentoring sessions.
    #[test]
    fn the_sample_fills_the_work_package_pages() {
        use crate::workpackages::{self as wp, Item};
        let items: Vec<Item> = parsed()
            .into_iter()
            .map(|record| Item {
                record,
                origin: None,
            })
            .collect();
        let today = wp::parse_date("2026-12-01").unwrap();
        let swot = wp::swot_matrix(&items);
        for country in wp::COUNTRIES {
            for polarity in ["strength", "weakness", "opportunity", "threat"] {
                let n: usize = CodeList::SwotDimension
                    .entries()
                    .iter()
                    .map(|d| swot.count(d.code, country, polarity))
                    .sum();
                assert!(n >= 1, "{country} has no {polarity}");
            }
        }
        let priorities = wp::priorities_side_by_side(&items);
        assert!(priorities.iter().filter(|r| r.shared_widely()).count() >= 2);
        for country in wp::COUNTRIES {
            let n: usize = priorities
                .iter()
                .map(|r| r.by_country.get(country).map_or(0, Vec::len))
                .sum();
            assert!(n >= 3, "{country} has {n} capacity priorities");
        }
        let progress = wp::action_progress(&items, today);
        assert!(!progress.overdue.is_empty() && !progress.kpis.is_empty());
        for country in wp::COUNTRIES {
            assert!(
                progress
                    .unaddressed
                    .iter()
                    .any(|id| id.as_str().starts_with(&country.to_lowercase())),
                "{country} has no unaddressed weakness"
            );
        }
        let board = wp::replication_board(&items, today);
        for stage in wp::STAGES {
            assert!(!board[stage].is_empty(), "no case in stage {stage}");
        }
        let assessed: Vec<_> = board
            .values()
            .flatten()
            .filter(|c| c.readiness.is_some() && c.sessions_held >= 2)
            .collect();
        assert_eq!(assessed.len(), 1, "one case with readiness and mentoring");
    }
}
