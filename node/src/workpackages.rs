//! What the work-package pages show (BuiCaSuS WP2–WP5), computed from records alone: the SWOT
//! matrix, counts by code, initiatives per NUTS region, the replication board, capacity
//! priorities side by side, action-plan progress and a readiness assessment's overall
//! readiness. No I/O and no clock: the caller passes the records and today's date, so every
//! figure can be tested on its own.

use sicc_protocol::codes::CodeList;
use sicc_protocol::id::RecordId;
use sicc_protocol::record::{FieldValue, Record};
use sicc_protocol::schema::{ESSENTIAL_CRITERIA, READINESS_CRITERIA, RecordKind};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The four countries of the consortium, in the order pages show them.
pub const COUNTRIES: [&str; 4] = ["ES", "FR", "SE", "LV"];

/// One record as a page counts it: this node's own or a partner's copy.
#[derive(Debug, Clone)]
pub struct Item {
    pub record: Record,
    /// The node that published it; `None` for this node's own record.
    pub origin: Option<String>,
}

/// Keeps one copy per id: this node's own record, else the first partner copy (a record shared
/// through two catalogues is counted once).
pub fn distinct(items: Vec<Item>) -> Vec<Item> {
    let mut by_id: BTreeMap<RecordId, Item> = BTreeMap::new();
    for item in items {
        match by_id.get(&item.record.id) {
            Some(kept) if kept.origin.is_none() || item.origin.is_some() => {}
            _ => {
                by_id.insert(item.record.id.clone(), item);
            }
        }
    }
    by_id.into_values().collect()
}

fn code<'a>(r: &'a Record, field: &str) -> Option<&'a str> {
    match r.fields.get(field) {
        Some(FieldValue::Code(c)) => Some(c),
        _ => None,
    }
}

fn codes<'a>(r: &'a Record, field: &str) -> Vec<&'a str> {
    match r.fields.get(field) {
        Some(FieldValue::Codes(c)) => c.iter().map(String::as_str).collect(),
        Some(FieldValue::Code(c)) => vec![c.as_str()],
        _ => Vec::new(),
    }
}

fn int(r: &Record, field: &str) -> Option<i64> {
    match r.fields.get(field) {
        Some(FieldValue::Int(n)) => Some(*n),
        _ => None,
    }
}

fn date(r: &Record, field: &str) -> Option<Date> {
    match r.fields.get(field) {
        Some(FieldValue::Text(t)) => parse_date(t),
        _ => None,
    }
}

fn links(r: &Record, field: &str) -> Vec<RecordId> {
    match r.fields.get(field) {
        Some(FieldValue::Links(l)) => l.clone(),
        Some(FieldValue::Link(l)) => vec![l.clone()],
        _ => Vec::new(),
    }
}

/// `YYYY-MM-DD` (or the date of an RFC 3339 timestamp).
pub fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.get(..10)?, &format).ok()
}

/// The country a record is about: its `country`, else the first of `countries`, else the
/// target of a replication.
pub fn country_of(r: &Record) -> Option<&str> {
    code(r, "country")
        .or_else(|| codes(r, "countries").first().copied())
        .or_else(|| code(r, "target_country"))
}

fn of_kind(items: &[Item], kind: RecordKind) -> impl Iterator<Item = &Item> {
    items.iter().filter(move |i| i.record.kind == kind)
}

// ---------------------------------------------------------------------------------- WP2

/// SWOT items counted by (dimension, country, polarity).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SwotMatrix {
    pub cells: BTreeMap<(String, String), BTreeMap<String, usize>>,
}

impl SwotMatrix {
    /// Count of one polarity in one cell.
    pub fn count(&self, dimension: &str, country: &str, polarity: &str) -> usize {
        self.cells
            .get(&(dimension.to_owned(), country.to_owned()))
            .and_then(|c| c.get(polarity))
            .copied()
            .unwrap_or(0)
    }
}

pub fn swot_matrix(items: &[Item]) -> SwotMatrix {
    let mut m = SwotMatrix::default();
    for i in of_kind(items, RecordKind::EcosystemItem) {
        let r = &i.record;
        let (Some(d), Some(c), Some(p)) = (
            code(r, "dimension"),
            code(r, "country"),
            code(r, "polarity"),
        ) else {
            continue;
        };
        *m.cells
            .entry((d.to_owned(), c.to_owned()))
            .or_default()
            .entry(p.to_owned())
            .or_default() += 1;
    }
    m
}

/// How many records of `kind` carry each code of `field`, most first (ties by code).
pub fn counts_by(items: &[Item], kind: RecordKind, field: &str) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for i in of_kind(items, kind) {
        for c in codes(&i.record, field) {
            *counts.entry(c.to_owned()).or_default() += 1;
        }
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Initiatives per map region.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RegionCounts {
    /// Region id → initiatives in it or in one of its sub-regions.
    pub counts: BTreeMap<String, usize>,
    /// Initiatives that name no region of the map (only a country, a coarser region, or a code
    /// of an older NUTS version such as Latvia's 2021 `LV006`), with the codes they carry.
    pub unplaced: Vec<(RecordId, Vec<String>)>,
}

/// Counts the initiatives in each of `regions` (NUTS ids): an initiative counts once in every
/// region one of its NUTS codes falls in (the code itself or a sub-region of it).
pub fn initiatives_per_region(items: &[Item], regions: &BTreeSet<String>) -> RegionCounts {
    let mut out = RegionCounts::default();
    for i in of_kind(items, RecordKind::Initiative) {
        let codes = codes(&i.record, "nuts");
        let hit: BTreeSet<&String> = regions
            .iter()
            .filter(|region| codes.iter().any(|c| c.starts_with(region.as_str())))
            .collect();
        if hit.is_empty() {
            out.unplaced.push((
                i.record.id.clone(),
                codes.iter().map(|c| (*c).to_owned()).collect(),
            ));
        }
        for region in hit {
            *out.counts.entry(region.clone()).or_default() += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------- WP3

/// The stages of the replication board, in order (`discontinued` cases are listed apart).
pub const STAGES: [&str; 5] = ["exploring", "planned", "piloting", "operating", "scaled"];

/// One replication case on the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: RecordId,
    pub origin_country: Option<String>,
    pub target_country: Option<String>,
    pub origin_initiative: Option<RecordId>,
    /// Days since the case entered its stage (`status_since`, else its last change).
    pub days_in_stage: Option<i64>,
    /// The newest readiness assessment's overall readiness.
    pub readiness: Option<&'static str>,
    /// Mentoring sessions held so far (dated today or earlier).
    pub sessions_held: usize,
}

/// Cards per stage code (every stage of [`STAGES`] present, plus `discontinued` when any).
pub fn replication_board(items: &[Item], today: Date) -> BTreeMap<String, Vec<Card>> {
    let mut board: BTreeMap<String, Vec<Card>> = STAGES
        .iter()
        .map(|s| ((*s).to_owned(), Vec::new()))
        .collect();
    // A case's assessments and sessions are those of the node that holds the case: a partner
    // cannot rate or pad another node's case by linking to it.
    let case_origin: BTreeMap<&RecordId, &Option<String>> =
        of_kind(items, RecordKind::ReplicationCase)
            .map(|i| (&i.record.id, &i.origin))
            .collect();
    let of_the_case =
        |i: &Item, case: &RecordId| case_origin.get(case).is_some_and(|o| **o == i.origin);
    let mut newest: BTreeMap<RecordId, (Date, &'static str)> = BTreeMap::new();
    for a in of_kind(items, RecordKind::ReadinessAssessment) {
        let (Some(case), Some(on)) = (
            links(&a.record, "replication_case").pop(),
            date(&a.record, "assessed_on"),
        ) else {
            continue;
        };
        if on > today || !of_the_case(a, &case) {
            continue;
        }
        let overall = overall_readiness(&a.record);
        if newest.get(&case).is_none_or(|(d, _)| *d <= on) {
            newest.insert(case, (on, overall));
        }
    }
    let mut sessions: BTreeMap<RecordId, usize> = BTreeMap::new();
    for s in of_kind(items, RecordKind::MentoringSession) {
        if date(&s.record, "date").is_some_and(|d| d <= today)
            && let Some(case) = links(&s.record, "replication_case").pop()
            && of_the_case(s, &case)
        {
            *sessions.entry(case).or_default() += 1;
        }
    }
    for i in of_kind(items, RecordKind::ReplicationCase) {
        let r = &i.record;
        let Some(stage) = code(r, "status") else {
            continue;
        };
        let since = date(r, "status_since")
            .or_else(|| r.updated_at.as_deref().and_then(parse_date))
            .or_else(|| r.created_at.as_deref().and_then(parse_date));
        board.entry(stage.to_owned()).or_default().push(Card {
            id: r.id.clone(),
            origin_country: code(r, "origin_country").map(str::to_owned),
            target_country: code(r, "target_country").map(str::to_owned),
            origin_initiative: links(r, "origin_initiative").pop(),
            days_in_stage: since.map(|s| (today - s).whole_days().max(0)),
            readiness: newest.get(&r.id).map(|(_, o)| *o),
            sessions_held: sessions.get(&r.id).copied().unwrap_or(0),
        });
    }
    for cards in board.values_mut() {
        cards.sort_by(|a, b| b.days_in_stage.cmp(&a.days_in_stage).then(a.id.cmp(&b.id)));
    }
    board
}

/// The overall readiness of a readiness assessment (code list `readiness`), from its 13
/// criteria scored 0–3 (3 favourable):
/// - `not_ready` when an essential criterion ([`ESSENTIAL_CRITERIA`]) scores 0, or the mean of
///   the scored criteria is below 1.5;
/// - `ready` when every criterion is scored and none below 2;
/// - `conditional` otherwise (some criteria weak or not yet scored).
pub fn overall_readiness(assessment: &Record) -> &'static str {
    let scores: Vec<(&str, i64)> = READINESS_CRITERIA
        .iter()
        .filter_map(|c| int(assessment, c).map(|s| (*c, s)))
        .collect();
    let essential_zero = scores
        .iter()
        .any(|(c, s)| *s == 0 && ESSENTIAL_CRITERIA.contains(c));
    let mean = if scores.is_empty() {
        0.0
    } else {
        scores.iter().map(|(_, s)| *s as f64).sum::<f64>() / scores.len() as f64
    };
    if essential_zero || mean < 1.5 {
        "not_ready"
    } else if scores.len() == READINESS_CRITERIA.len() && scores.iter().all(|(_, s)| *s >= 2) {
        "ready"
    } else {
        "conditional"
    }
}

// ---------------------------------------------------------------------------------- WP4

/// One priority area across the four countries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityRow {
    /// A code of `capacity_area`; `None` for priorities that name no area.
    pub area: Option<String>,
    /// Country → its priorities in this area (best rank first).
    pub by_country: BTreeMap<String, Vec<RecordId>>,
    /// The support tools the priorities name as addressing them.
    pub tools: BTreeSet<RecordId>,
}

impl PriorityRow {
    /// How many of the consortium's countries name this area; three or more is a
    /// consortium-wide priority.
    pub fn countries(&self) -> usize {
        self.by_country
            .keys()
            .filter(|c| COUNTRIES.contains(&c.as_str()))
            .count()
    }

    pub fn shared_widely(&self) -> bool {
        self.area.is_some() && self.countries() >= 3
    }
}

/// Capacity priorities by area, the areas most countries share first.
pub fn priorities_side_by_side(items: &[Item]) -> Vec<PriorityRow> {
    let mut rows: BTreeMap<Option<String>, PriorityRow> = BTreeMap::new();
    let mut ranked: Vec<&Item> = of_kind(items, RecordKind::CapacityPriority).collect();
    ranked.sort_by_key(|i| {
        (
            int(&i.record, "priority_rank").unwrap_or(i64::MAX),
            i.record.id.clone(),
        )
    });
    for i in ranked {
        let r = &i.record;
        let Some(country) = code(r, "country") else {
            continue;
        };
        let area = code(r, "area").map(str::to_owned);
        let row = rows.entry(area.clone()).or_insert_with(|| PriorityRow {
            area,
            by_country: BTreeMap::new(),
            tools: BTreeSet::new(),
        });
        row.by_country
            .entry(country.to_owned())
            .or_default()
            .push(r.id.clone());
        row.tools.extend(links(r, "related_tools"));
    }
    let mut v: Vec<PriorityRow> = rows.into_values().collect();
    v.sort_by(|a, b| {
        (a.area.is_none(), std::cmp::Reverse(a.countries()), &a.area).cmp(&(
            b.area.is_none(),
            std::cmp::Reverse(b.countries()),
            &b.area,
        ))
    });
    v
}

// ---------------------------------------------------------------------------------- WP5

/// An action item's indicator: target and value reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kpi {
    pub id: RecordId,
    pub target: i64,
    pub actual: i64,
}

impl Kpi {
    /// Percent of the target reached, capped at 100.
    pub fn percent(&self) -> i64 {
        if self.target <= 0 {
            return 100;
        }
        (self.actual.saturating_mul(100) / self.target).clamp(0, 100)
    }
}

/// Where the action plans stand.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ActionProgress {
    /// (NCC function or "", status) → number of items.
    pub by_function: BTreeMap<(String, String), usize>,
    /// Items past their planned end and not done or cancelled, most overdue first, with days.
    pub overdue: Vec<(RecordId, i64)>,
    pub kpis: Vec<Kpi>,
    /// Weaknesses and barriers no action item addresses.
    pub unaddressed: Vec<RecordId>,
}

pub fn action_progress(items: &[Item], today: Date) -> ActionProgress {
    let mut out = ActionProgress::default();
    let mut addressed: BTreeSet<RecordId> = BTreeSet::new();
    for i in of_kind(items, RecordKind::ActionItem) {
        let r = &i.record;
        let status = code(r, "status").unwrap_or_default();
        let function = code(r, "ncc_function").unwrap_or_default();
        *out.by_function
            .entry((function.to_owned(), status.to_owned()))
            .or_default() += 1;
        let open = !matches!(status, "done" | "cancelled");
        if let Some(end) = date(r, "end_date")
            && open
            && end < today
        {
            out.overdue.push((r.id.clone(), (today - end).whole_days()));
        }
        if let Some(target) = int(r, "kpi_target") {
            out.kpis.push(Kpi {
                id: r.id.clone(),
                target,
                actual: int(r, "kpi_actual").unwrap_or(0),
            });
        }
        if status != "cancelled" {
            addressed.extend(links(r, "addresses"));
        }
    }
    out.overdue
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.unaddressed = of_kind(items, RecordKind::EcosystemItem)
        .filter(|i| matches!(code(&i.record, "polarity"), Some("weakness" | "barrier")))
        .filter(|i| !addressed.contains(&i.record.id))
        .map(|i| i.record.id.clone())
        .collect();
    out
}

/// The code list of a coded field of `kind` (what its codes are labelled with).
pub fn list_of(kind: RecordKind, field: &str) -> Option<CodeList> {
    match kind.field(field)?.ty {
        sicc_protocol::schema::FieldType::Code(l) | sicc_protocol::schema::FieldType::Codes(l) => {
            Some(l)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn item(v: Value, origin: Option<&str>) -> Item {
        Item {
            record: Record::from_json(&v).unwrap_or_else(|e| panic!("{v}: {e}")),
            origin: origin.map(str::to_owned),
        }
    }

    fn day(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn swot(id: &str, country: &str, dimension: &str, polarity: &str) -> Value {
        json!({"id": id, "kind": "ecosystem_item", "statement": {"en": id}, "country": country,
               "dimension": dimension, "polarity": polarity})
    }

    #[test]
    fn the_swot_matrix_counts_each_polarity_per_dimension_and_country_once_per_record() {
        let items = distinct(vec![
            item(swot("a", "LV", "funding_finance", "weakness"), None),
            item(swot("b", "LV", "funding_finance", "weakness"), Some("n1")),
            // The same record through a second catalogue counts once.
            item(swot("b", "LV", "funding_finance", "weakness"), Some("n1")),
            item(swot("c", "ES", "funding_finance", "strength"), Some("n2")),
            item(swot("d", "LV", "policy_regulation", "threat"), None),
        ]);
        let m = swot_matrix(&items);
        assert_eq!(m.count("funding_finance", "LV", "weakness"), 2);
        assert_eq!(m.count("funding_finance", "ES", "strength"), 1);
        assert_eq!(m.count("funding_finance", "ES", "weakness"), 0);
        assert_eq!(m.count("policy_regulation", "LV", "threat"), 1);
    }

    #[test]
    fn a_local_record_wins_over_a_partner_copy_with_its_id() {
        let items = distinct(vec![
            item(swot("a", "LV", "funding_finance", "weakness"), Some("n1")),
            item(swot("a", "LV", "funding_finance", "strength"), None),
        ]);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].origin, None);
    }

    fn initiative(id: &str, nuts: &[&str]) -> Value {
        json!({"id": id, "kind": "initiative", "title": {"en": id}, "countries": ["LV"],
               "status": "active", "summary": {"en": "s"}, "nuts": nuts,
               "themes": ["housing_homelessness"]})
    }

    #[test]
    fn initiatives_count_in_every_region_their_codes_fall_in_and_the_rest_are_named() {
        let items = vec![
            item(initiative("i1", &["LV005"]), None),
            item(initiative("i2", &["LV005", "LV009"]), None),
            item(initiative("i3", &["LV006"]), None),
            item(initiative("i4", &[]), None),
        ];
        let regions: BTreeSet<String> = ["LV005", "LV009", "LV00A"].map(String::from).into();
        let c = initiatives_per_region(&items, &regions);
        assert_eq!(c.counts.get("LV005"), Some(&2));
        assert_eq!(c.counts.get("LV009"), Some(&1));
        assert_eq!(c.counts.get("LV00A"), None);
        let unplaced: Vec<&str> = c.unplaced.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(unplaced, ["i3", "i4"]);
        assert_eq!(c.unplaced[0].1, ["LV006"]);
        // A NUTS-3 code (of either version) counts in its NUTS-2 region.
        let nuts2: BTreeSet<String> = ["LV00"].map(String::from).into();
        assert_eq!(
            initiatives_per_region(&items, &nuts2).counts.get("LV00"),
            Some(&3)
        );
    }

    fn assessment(id: &str, case: &str, on: &str, scores: &[(&str, i64)]) -> Value {
        let mut v = json!({"id": id, "kind": "readiness_assessment", "title": {"en": id},
                           "replication_case": case, "assessed_on": on});
        for (c, s) in scores {
            v[*c] = json!(s);
        }
        v
    }

    fn all(score: i64) -> Vec<(&'static str, i64)> {
        READINESS_CRITERIA.iter().map(|c| (*c, score)).collect()
    }

    #[test]
    fn overall_readiness_follows_its_rule() {
        let of = |scores: &[(&str, i64)]| {
            overall_readiness(&item(assessment("a", "c", "2026-01-01", scores), None).record)
        };
        assert_eq!(of(&all(2)), "ready");
        assert_eq!(of(&all(3)), "ready");
        let mut one_weak = all(3);
        one_weak[2].1 = 1;
        assert_eq!(of(&one_weak), "conditional");
        let mut essential_zero = all(3);
        let i = READINESS_CRITERIA
            .iter()
            .position(|c| *c == "funding_path")
            .unwrap();
        essential_zero[i].1 = 0;
        assert_eq!(of(&essential_zero), "not_ready");
        let mut other_zero = all(3);
        let i = READINESS_CRITERIA
            .iter()
            .position(|c| *c == "ip_licence_terms")
            .unwrap();
        other_zero[i].1 = 0;
        assert_eq!(of(&other_zero), "conditional");
        assert_eq!(of(&all(1)), "not_ready");
        assert_eq!(
            of(&all(3)[..5]),
            "conditional",
            "unscored criteria keep it conditional"
        );
        assert_eq!(of(&[]), "not_ready");
    }

    fn case(id: &str, status: &str, since: &str) -> Value {
        json!({"id": id, "kind": "replication_case", "title": {"en": id}, "origin_initiative": "i1",
               "origin_country": "SE", "target_country": "LV", "status": status, "status_since": since})
    }

    #[test]
    fn the_board_has_every_stage_with_days_in_stage_the_newest_readiness_and_sessions_held() {
        let session = |id: &str, on: &str| {
            json!({"id": id, "kind": "mentoring_session", "title": {"en": id},
                   "replication_case": "c1", "date": on, "format": "online_session"})
        };
        let items = vec![
            item(case("c1", "piloting", "2026-11-01"), None),
            item(case("c2", "piloting", "2026-06-01"), Some("n1")),
            item(case("c3", "scaled", "2026-12-01"), None),
            item(assessment("a-old", "c1", "2025-01-01", &all(3)), None),
            item(assessment("a-new", "c1", "2026-10-01", &all(1)), None),
            item(session("s1", "2026-11-15"), None),
            item(session("s2", "2026-12-30"), None),
            // A partner's assessment and session of this node's case count for nothing, and
            // an assessment dated in the future is not the newest.
            item(
                assessment("a-partner", "c1", "2026-11-30", &all(3)),
                Some("n1"),
            ),
            item(session("s-partner", "2026-11-20"), Some("n1")),
            item(assessment("a-future", "c1", "2099-01-01", &all(3)), None),
        ];
        let board = replication_board(&items, day("2026-12-01"));
        assert_eq!(board.keys().cloned().collect::<Vec<_>>(), {
            let mut s: Vec<String> = STAGES.iter().map(|s| s.to_string()).collect();
            s.sort();
            s
        });
        let piloting = &board["piloting"];
        assert_eq!(piloting.len(), 2);
        assert_eq!(piloting[0].id.as_str(), "c2", "longest in stage first");
        assert_eq!(piloting[0].days_in_stage, Some(183));
        assert_eq!(piloting[1].days_in_stage, Some(30));
        assert_eq!(
            piloting[1].readiness,
            Some("not_ready"),
            "the newest assessment counts"
        );
        assert_eq!(
            piloting[1].sessions_held, 1,
            "a session planned later is not held"
        );
        assert_eq!(board["scaled"][0].days_in_stage, Some(0));
        assert!(board["exploring"].is_empty());
    }

    fn priority(id: &str, country: &str, area: Option<&str>, rank: i64, tools: &[&str]) -> Value {
        let mut v = json!({"id": id, "kind": "capacity_priority", "title": {"en": id},
                           "country": country, "audience": "municipality", "priority_rank": rank,
                           "related_tools": tools});
        if let Some(a) = area {
            v["area"] = json!(a);
        }
        v
    }

    #[test]
    fn priorities_shared_by_three_countries_are_flagged_and_come_first_with_their_tools() {
        let items = vec![
            item(
                priority("p1", "ES", Some("impact_measurement"), 1, &["t1"]),
                None,
            ),
            item(
                priority("p2", "FR", Some("impact_measurement"), 2, &["t2"]),
                None,
            ),
            item(
                priority("p3", "LV", Some("impact_measurement"), 1, &[]),
                None,
            ),
            item(priority("p4", "LV", Some("funding_access"), 2, &[]), None),
            item(priority("p5", "SE", Some("funding_access"), 1, &[]), None),
            item(priority("p6", "SE", None, 3, &[]), None),
        ];
        let rows = priorities_side_by_side(&items);
        assert_eq!(rows[0].area.as_deref(), Some("impact_measurement"));
        assert!(rows[0].shared_widely());
        assert_eq!(
            rows[0].tools.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            ["t1", "t2"]
        );
        assert_eq!(rows[1].area.as_deref(), Some("funding_access"));
        assert!(!rows[1].shared_widely());
        assert_eq!(rows[2].area, None, "priorities without an area come last");
    }

    #[test]
    fn action_progress_finds_overdue_items_kpis_and_unaddressed_weaknesses() {
        let action = |id: &str, status: &str, end: &str, addresses: &[&str]| {
            json!({"id": id, "kind": "action_item", "title": {"en": id}, "country": "LV",
                   "status": status, "end_date": end, "ncc_function": "capacity_building",
                   "kpi_target": 40, "kpi_actual": 10, "addresses": addresses})
        };
        let items = vec![
            item(swot("w1", "LV", "funding_finance", "weakness"), None),
            item(swot("w2", "LV", "policy_regulation", "weakness"), None),
            item(swot("w3", "LV", "policy_regulation", "barrier"), None),
            item(swot("s1", "LV", "policy_regulation", "strength"), None),
            item(action("a1", "in_progress", "2026-11-01", &["w1"]), None),
            item(action("a2", "done", "2026-01-01", &[]), None),
            item(action("a3", "delayed", "2026-06-01", &[]), None),
            item(action("a4", "cancelled", "2026-01-01", &["w2"]), None),
        ];
        let p = action_progress(&items, day("2026-12-01"));
        assert_eq!(
            p.overdue
                .iter()
                .map(|(id, d)| (id.as_str(), *d))
                .collect::<Vec<_>>(),
            [("a3", 183), ("a1", 30)]
        );
        assert_eq!(
            p.by_function[&("capacity_building".into(), "done".into())],
            1
        );
        assert_eq!(p.kpis[0].percent(), 25);
        let unaddressed: Vec<&str> = p.unaddressed.iter().map(|i| i.as_str()).collect();
        assert_eq!(
            unaddressed,
            ["w2", "w3"],
            "a cancelled action addresses nothing"
        );
    }

    #[test]
    fn counts_by_code_come_most_first() {
        let mut a = initiative("i1", &[]);
        a["themes"] = json!(["housing_homelessness", "employment"]);
        let items = vec![item(a, None), item(initiative("i2", &[]), None)];
        assert_eq!(
            counts_by(&items, RecordKind::Initiative, "themes"),
            [
                ("housing_homelessness".to_owned(), 2),
                ("employment".to_owned(), 1)
            ]
        );
    }
}
