//! The sample data set: real initiatives, organisations, SWOT items, tools, lessons, replication
//! cases and action items of Spain, France, Sweden and Latvia, with their public sources
//! (facts from `research/domain.md` §6). Person records use obviously fictitious names.

use crate::cli::transfer_api::{InputRecord, parse_json};

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
