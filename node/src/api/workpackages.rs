//! The work packages at a glance (BuiCaSuS WP2–WP5): the ecosystem overview (SWOT matrix,
//! NUTS map, themes and target groups), the replication board, capacity priorities side by
//! side, action-plan progress, and their reports as CSV and XLSX. The figures come from
//! [`crate::workpackages`]; this module reads the records and draws the pages.

use super::charts::{self, Bar, MapText};
use super::ui::{Flash, code_label, field_label, flash_notice, page, title_for_reader};
use super::{ApiError, ApiState, ErrorCode};
use crate::app::{AppError, RecordFound, Row, Scope};
use crate::i18n;
use crate::workpackages::{self as wp, COUNTRIES, Item, STAGES};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use sicc_protocol::codes::CodeList;
use sicc_protocol::id::RecordId;
use sicc_protocol::query::Filter;
use sicc_protocol::record::{FieldValue, Record};
use sicc_protocol::schema::{READINESS_CRITERIA, RecordKind};
use std::collections::{BTreeMap, HashMap};

/// The most records of one kind a page counts (it says so when there are more).
const MAX_RECORDS: usize = 20_000;

/// The records of the kinds a page counts, this node's and partners', one copy per id, with
/// their titles.
struct Loaded {
    items: Vec<Item>,
    /// Where each id sits in `items`.
    index: HashMap<RecordId, usize>,
    truncated: bool,
    titles: HashMap<RecordId, String>,
}

impl Loaded {
    fn get(&self, id: &RecordId) -> Option<&Record> {
        self.index.get(id).map(|i| &self.items[*i].record)
    }

    fn title(&self, id: &RecordId) -> String {
        self.titles
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    fn link(&self, id: &RecordId) -> Markup {
        html! { a href={ "/records/" (id) } { (self.title(id)) } }
    }

    /// The records a page for `country` counts: the country-bound kinds of that country, and
    /// every record of the other kinds (assessments, sessions, tools, organisations, lessons,
    /// which name their country through what they link to). All of them for `None`.
    fn in_country(&self, country: Option<&str>) -> Vec<Item> {
        const COUNTRY_BOUND: &[RecordKind] = &[
            RecordKind::EcosystemItem,
            RecordKind::Initiative,
            RecordKind::ReplicationCase,
            RecordKind::ActionItem,
            RecordKind::CapacityPriority,
        ];
        self.items
            .iter()
            .filter(|i| !COUNTRY_BOUND.contains(&i.record.kind) || in_country(&i.record, country))
            .cloned()
            .collect()
    }

    /// The record's title as a link, with its country when the page covers several.
    fn link_with_country(&self, id: &RecordId, several: bool) -> Markup {
        let country = several
            .then(|| self.get(id).and_then(|r| wp::country_of(r)))
            .flatten();
        html! {
            (self.link(id))
            @if let Some(c) = country { " " span.badge { (code_label(CodeList::Country, c)) } }
        }
    }
}

/// Loads each kind on its own (a kind with many records cannot crowd out another) up to
/// [`MAX_RECORDS`] each.
async fn load(state: &ApiState, kinds: &[RecordKind]) -> Result<Loaded, ApiError> {
    let mut items = Vec::new();
    let mut truncated = false;
    for kind in kinds {
        let filter = Filter::parse([("kind", kind.as_str())])
            .map_err(|e| ApiError::new(ErrorCode::InvalidFilter, e.to_string()))?;
        let mut cursor = None;
        let mut count = 0;
        loop {
            let page = state
                .app
                .list(filter.clone(), Scope::All, cursor, crate::app::MAX_PAGE)
                .await?;
            count += page.rows.len();
            items.extend(page.rows.into_iter().map(|row| match row {
                Row::Local(record) => Item {
                    record,
                    origin: None,
                },
                Row::Shared(s) => Item {
                    record: s.record,
                    origin: Some(s.origin),
                },
            }));
            match page.next_cursor {
                Some(_) if count >= MAX_RECORDS => {
                    truncated = true;
                    break;
                }
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
    }
    let items = wp::distinct(items);
    let index = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.record.id.clone(), i))
        .collect();
    let titles = items
        .iter()
        .map(|i| (i.record.id.clone(), title_for_reader(&i.record)))
        .collect();
    Ok(Loaded {
        items,
        index,
        truncated,
        titles,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct CountryQuery {
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

impl CountryQuery {
    /// One of the four countries, or `None` for all of them.
    fn country(&self) -> Result<Option<&'static str>, ApiError> {
        match self.country.as_deref().filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(c) => COUNTRIES
                .iter()
                .find(|x| **x == c)
                .copied()
                .map(Some)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidRequest,
                        format!("unknown country `{c}`: one of ES, FR, SE, LV"),
                    )
                    .with_field("country")
                }),
        }
    }
}

/// A page's heading, naming the country when the page shows one (printed pages keep it).
fn heading(title: String, country: Option<&str>) -> String {
    match country {
        Some(c) => format!("{title} — {}", code_label(CodeList::Country, c)),
        None => title,
    }
}

fn in_country(r: &Record, country: Option<&str>) -> bool {
    country.is_none_or(|c| r.codes_of(CodeList::Country).contains(&c))
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn truncated_note(loaded: &Loaded) -> Markup {
    html! { @if loaded.truncated { p.error { (t!("wp-truncated", n = i18n::number(i18n::current(), MAX_RECORDS as u64))) } } }
}

/// The All / ES / FR / SE / LV switch of a page.
fn country_switch(path: &str, country: Option<&str>) -> Markup {
    html! {
        nav.countries aria-label=(t!("wp-country-switch")) {
            @if country.is_none() { strong aria-current="page" { (t!("wp-all-countries")) } }
            @else { a href=(path) { (t!("wp-all-countries")) } }
            @for c in COUNTRIES {
                " · "
                @if country == Some(c) { strong aria-current="page" { (code_label(CodeList::Country, c)) } }
                @else { a href={ (path) "?country=" (c) } { (code_label(CodeList::Country, c)) } }
            }
        }
    }
}

/// Links to a report's CSV and XLSX.
fn downloads(report: &str, country: Option<&str>) -> Markup {
    let q = country.map(|c| format!("?country={c}")).unwrap_or_default();
    html! {
        p.downloads {
            (t!("wp-download")) ": "
            a href={ "/reports/" (report) ".csv" (q) } download { (t!("wp-download-csv")) } " · "
            a href={ "/reports/" (report) ".xlsx" (q) } download { (t!("wp-download-xlsx")) }
        }
    }
}

fn search_link(pairs: &[(&str, &str)]) -> String {
    format!(
        "/?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

// ------------------------------------------------------------------------ the overview

const OVERVIEW_KINDS: &[RecordKind] = &[RecordKind::EcosystemItem, RecordKind::Initiative];

/// `GET /overview`: the SWOT matrix, the map and the counts by theme and target group, for one
/// country or all four.
pub async fn overview(
    State(state): State<ApiState>,
    Query(q): Query<CountryQuery>,
) -> Result<Html<String>, ApiError> {
    let country = q.country()?;
    let loaded = load(&state, OVERVIEW_KINDS).await?;
    let items = loaded.in_country(country);
    let columns: Vec<&str> = match country {
        Some(c) => vec![c],
        None => COUNTRIES.to_vec(),
    };
    let matrix = wp::swot_matrix(&items);
    let dimensions = CodeList::SwotDimension.entries();
    let polarities = CodeList::SwotPolarity.entries();
    let regions = charts::map_regions(country);
    let placed = wp::initiatives_per_region(&items, &charts::region_ids(&regions));
    let region_text =
        |name: &str, n: usize| t!("overview-map-region", name = name.to_owned(), count = n);
    let map_title = t!("overview-map-title");
    let map_desc = t!("overview-map-desc", regions = regions.len());
    let map = charts::choropleth(
        &regions,
        &placed.counts,
        &|id| search_link(&[("kind", "initiative"), ("nuts", id)]),
        &MapText {
            title: &map_title,
            description: &map_desc,
            region: &region_text,
            legend: &t!("overview-map-legend"),
            none: &t!("overview-map-none"),
        },
    );
    let mut with_initiatives: Vec<_> = regions
        .iter()
        .filter_map(|r| placed.counts.get(&r.id).map(|n| (r, *n)))
        .collect();
    with_initiatives.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    let by_code = |field: &str, list: CodeList, facet: &str| -> Vec<Bar> {
        wp::counts_by(&items, RecordKind::Initiative, field)
            .into_iter()
            .map(|(code, value)| Bar {
                label: code_label(list, &code),
                value,
                href: {
                    let mut pairs = vec![("kind", "initiative"), (facet, code.as_str())];
                    if let Some(c) = country {
                        pairs.push(("country", c));
                    }
                    search_link(&pairs)
                },
            })
            .collect()
    };
    let themes = by_code("themes", CodeList::Theme, "theme");
    let groups = by_code("target_groups", CodeList::TargetGroup, "target_group");
    let here = country.map(|c| format!("?country={c}")).unwrap_or_default();
    let body = html! {
        h1 { (heading(t!("overview-title"), country)) }
        (country_switch("/overview", country))
        p.meta { (t!("overview-intro")) }
        (truncated_note(&loaded))
        section {
            h2 id="swot" { (t!("overview-swot")) }
            table.swot {
                caption { (t!("overview-swot-caption")) }
                thead { tr {
                    th scope="col" { (t!("overview-swot-dimension")) }
                    @for c in &columns { th scope="col" { (code_label(CodeList::Country, c)) } }
                } }
                tbody {
                    @for d in dimensions {
                        tr {
                            th scope="row" { (code_label(CodeList::SwotDimension, d.code)) }
                            @for c in &columns {
                                td {
                                    ul.cell {
                                        @for p in polarities {
                                            @let n = matrix.count(d.code, c, p.code);
                                            @if n > 0 {
                                                li class={ "pol-" (p.code) } {
                                                    a href=(search_link(&[("kind", "ecosystem_item"), ("swot_dimension", d.code), ("country", c), ("swot_polarity", p.code)])) {
                                                        (t!("wp-label-count", label = code_label(CodeList::SwotPolarity, p.code), count = n))
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (downloads("swot", country))
        }
        section {
            h2 id="map" { (t!("overview-map")) }
            div.map-with-table {
            figure.map {
                (map)
                figcaption.attribution { (t!("overview-map-attribution")) }
            }
            table.regions {
                caption { (t!("overview-map-table")) }
                thead { tr { th scope="col" { (t!("overview-region")) } th scope="col" { (t!("overview-count")) } } }
                tbody {
                    @for (r, n) in &with_initiatives {
                        tr { td { a href=(search_link(&[("kind", "initiative"), ("nuts", &r.id)])) { (r.name) } " " span.meta { (r.id) } } td { (n) } }
                    }
                }
            }
            }
            @if !placed.unplaced.is_empty() {
                p.meta { (t!("overview-unplaced", count = placed.unplaced.len())) }
                ul.unplaced {
                    @for (id, codes) in &placed.unplaced {
                        li { (loaded.link(id)) @if !codes.is_empty() { " " span.meta { (codes.join(", ")) } } }
                    }
                }
            }
            (downloads("regions", country))
        }
        section {
            h2 id="themes" { (t!("overview-themes")) }
            (chart_with_table("themes-chart", &t!("overview-themes"), &t!("overview-themes-desc"), &field_label("themes"), &themes))
            (downloads("themes", country))
        }
        section {
            h2 id="target-groups" { (t!("overview-target-groups")) }
            (chart_with_table("groups-chart", &t!("overview-target-groups"), &t!("overview-target-groups-desc"), &field_label("target_groups"), &groups))
            (downloads("target-groups", country))
        }
        p.meta.print-note { (t!("wp-print-note")) " " a href={ "/reports" (here) } { (t!("nav-reports")) } }
    };
    Ok(page(&state, &t!("overview-title"), body))
}

/// A bar chart and the same figures as a table (for screen readers, print and copying).
fn chart_with_table(
    id: &str,
    title: &str,
    description: &str,
    column: &str,
    bars: &[Bar],
) -> Markup {
    html! {
        @if bars.is_empty() { p.meta { (t!("wp-nothing-yet")) } }
        @else {
            (charts::bar_chart(id, title, description, bars))
            table.figures {
                caption { (title) }
                thead { tr { th scope="col" { (column) } th scope="col" { (t!("overview-count")) } } }
                tbody { @for b in bars { tr { td { a href=(b.href) { (b.label) } } td { (b.value) } } } }
            }
        }
    }
}

// ------------------------------------------------------------------ the replication board

const REPLICATION_KINDS: &[RecordKind] = &[
    RecordKind::ReplicationCase,
    RecordKind::ReadinessAssessment,
    RecordKind::MentoringSession,
    RecordKind::Initiative,
];

/// `GET /replication`: one column per stage, each case with its countries, days in stage,
/// readiness and mentoring sessions held.
pub async fn replication(
    State(state): State<ApiState>,
    Query(q): Query<CountryQuery>,
) -> Result<Html<String>, ApiError> {
    let country = q.country()?;
    let loaded = load(&state, REPLICATION_KINDS).await?;
    let items = loaded.in_country(country);
    let board = wp::replication_board(&items, today());
    let columns: Vec<&str> = STAGES.to_vec();
    let card = |c: &wp::Card| {
        html! {
            li.card data-case=(c.id) {
                strong { (loaded.link(&c.id)) }
                br;
                span.meta {
                    (c.origin_country.as_deref().map(|x| code_label(CodeList::Country, x)).unwrap_or_default())
                    " → "
                    (c.target_country.as_deref().map(|x| code_label(CodeList::Country, x)).unwrap_or_default())
                }
                @if let Some(origin) = &c.origin_initiative { br; span.meta { (field_label("origin_initiative")) ": " (loaded.link(origin)) } }
                br;
                @if let Some(d) = c.days_in_stage { span.days { (t!("replication-days", days = d)) } br; }
                @match c.readiness {
                    Some(r) => { span class={ "badge readiness-" (r) } { (t!("replication-readiness", readiness = code_label(CodeList::Readiness, r))) } }
                    None => { span.meta { (t!("replication-no-assessment")) } }
                }
                br;
                span.meta { (t!("replication-sessions", count = c.sessions_held)) }
            }
        }
    };
    let body = html! {
        (flash_notice(&Flash::of(q.done.clone())))
        h1 { (heading(t!("replication-title"), country)) }
        (country_switch("/replication", country))
        p.meta { (t!("replication-intro")) }
        (truncated_note(&loaded))
        div.board {
            @for stage in &columns {
                section.stage aria-labelledby={ "stage-" (stage) } {
                    h2 id={ "stage-" (stage) } { (code_label(CodeList::ReplicationStatus, stage)) " " span.count { "(" (board.get(*stage).map_or(0, Vec::len)) ")" } }
                    @let cards = board.get(*stage).map(Vec::as_slice).unwrap_or(&[]);
                    @if cards.is_empty() { p.meta { (t!("replication-empty-stage")) } }
                    @if !cards.is_empty() { ul.cards { @for c in cards { (card(c)) } } }
                }
            }
        }
        @if let Some(stopped) = board.get("discontinued").filter(|c| !c.is_empty()) {
            h2 { (code_label(CodeList::ReplicationStatus, "discontinued")) }
            ul.cards { @for c in stopped { (card(c)) } }
        }
        (downloads("replication", country))
    };
    Ok(page(&state, &t!("replication-title"), body))
}

// ----------------------------------------------------------------------- priorities (WP4)

const PRIORITY_KINDS: &[RecordKind] = &[RecordKind::CapacityPriority, RecordKind::SupportTool];

/// `GET /priorities`: the four countries' capacity-building priorities by area.
pub async fn priorities(State(state): State<ApiState>) -> Result<Html<String>, ApiError> {
    let loaded = load(&state, PRIORITY_KINDS).await?;
    let rows = wp::priorities_side_by_side(&loaded.items);
    let body = html! {
        h1 { (t!("priorities-title")) }
        p.meta { (t!("priorities-intro")) }
        (truncated_note(&loaded))
        @if rows.is_empty() { p.meta { (t!("wp-nothing-yet")) } }
        @else {
            table.priorities {
                caption { (t!("priorities-title")) }
                thead { tr {
                    th scope="col" { (t!("priorities-area")) }
                    @for c in COUNTRIES { th scope="col" { (code_label(CodeList::Country, c)) } }
                    th scope="col" { (t!("priorities-tools")) }
                } }
                tbody {
                    @for row in &rows {
                        tr class=[row.shared_widely().then_some("shared")] {
                            th scope="row" {
                                (row.area.as_deref().map(|a| code_label(CodeList::CapacityArea, a)).unwrap_or_else(|| t!("priorities-no-area")))
                                @if row.shared_widely() { br; span.badge { (t!("priorities-shared", count = row.countries())) } }
                            }
                            @for c in COUNTRIES {
                                td { ul.cell { @for id in row.by_country.get(c).map(Vec::as_slice).unwrap_or(&[]) { li { (loaded.link(id)) } } } }
                            }
                            td { ul.cell { @for id in &row.tools { li { (loaded.link(id)) } } } }
                        }
                    }
                }
            }
        }
        (downloads("priorities", None))
    };
    Ok(page(&state, &t!("priorities-title"), body))
}

// --------------------------------------------------------------------- action plans (WP5)

const ACTION_KINDS: &[RecordKind] = &[
    RecordKind::ActionItem,
    RecordKind::EcosystemItem,
    RecordKind::CapacityPriority,
];

/// `GET /action-plan`: items by NCC function and status, overdue items, indicators, and the
/// weaknesses no action addresses.
pub async fn action_plan(
    State(state): State<ApiState>,
    Query(q): Query<CountryQuery>,
) -> Result<Html<String>, ApiError> {
    let country = q.country()?;
    let loaded = load(&state, ACTION_KINDS).await?;
    let items = loaded.in_country(country);
    let progress = wp::action_progress(&items, today());
    let statuses = CodeList::ActionStatus.entries();
    let mut functions: Vec<&str> = CodeList::NccFunction
        .entries()
        .iter()
        .map(|c| c.code)
        .collect();
    if progress.by_function.keys().any(|(f, _)| f.is_empty()) {
        functions.push("");
    }
    let count = |f: &str, s: &str| {
        progress
            .by_function
            .get(&(f.to_owned(), s.to_owned()))
            .copied()
            .unwrap_or(0)
    };
    let function_label = |f: &str| {
        if f.is_empty() {
            t!("actions-no-function")
        } else {
            code_label(CodeList::NccFunction, f)
        }
    };
    let cell_href = |function: &str, status: &str| {
        let mut pairs = vec![("kind", "action_item"), ("action_status", status)];
        if !function.is_empty() {
            pairs.push(("ncc_function", function));
        }
        if let Some(c) = country {
            pairs.push(("country", c));
        }
        search_link(&pairs)
    };
    let body = html! {
        h1 { (heading(t!("actions-title"), country)) }
        (country_switch("/action-plan", country))
        p.meta { (t!("actions-intro")) }
        (truncated_note(&loaded))
        section {
            h2 { (t!("actions-by-function")) }
            table.actions {
                caption { (t!("actions-by-function")) }
                thead { tr {
                    th scope="col" { (t!("actions-function")) }
                    @for s in statuses { th scope="col" { (code_label(CodeList::ActionStatus, s.code)) } }
                    th scope="col" { (t!("actions-total")) }
                } }
                tbody {
                    @for f in &functions {
                        tr {
                            th scope="row" { (function_label(f)) }
                            @for s in statuses {
                                @let n = count(f, s.code);
                                td { @if n > 0 && !f.is_empty() { a href=(cell_href(f, s.code)) { (n) } } @else { (n) } }
                            }
                            td { (statuses.iter().map(|s| count(f, s.code)).sum::<usize>()) }
                        }
                    }
                }
            }
        }
        section {
            h2 id="overdue" { (t!("actions-overdue")) }
            @if progress.overdue.is_empty() { p.meta { (t!("actions-none-overdue")) } }
            @if !progress.overdue.is_empty() { ul.overdue { @for (id, days) in &progress.overdue { li { (loaded.link_with_country(id, country.is_none())) " " span.badge.warn { (t!("actions-overdue-days", days = *days)) } } } } }
        }
        section {
            h2 id="kpis" { (t!("actions-kpis")) }
            @if progress.kpis.is_empty() { p.meta { (t!("wp-nothing-yet")) } }
            @else {
                table.kpis {
                    caption { (t!("actions-kpis")) }
                    thead { tr {
                        th scope="col" { (t!("actions-item")) } th scope="col" { (t!("actions-kpi")) }
                        th scope="col" { (t!("actions-actual")) } th scope="col" { (t!("actions-target")) } th scope="col" { (t!("actions-progress")) }
                    } }
                    tbody {
                        @for k in &progress.kpis {
                            @let kpi = match loaded.get(&k.id).and_then(|r| r.fields.get("kpi")) { Some(FieldValue::Text(t)) => t.clone(), _ => String::new() };
                            tr {
                                td { (loaded.link_with_country(&k.id, country.is_none())) } td { (kpi) }
                                td { (i18n::number(i18n::current(), k.actual.max(0) as u64)) } td { (i18n::number(i18n::current(), k.target.max(0) as u64)) }
                                td.progress { meter min="0" max="100" value=(k.percent()) { (t!("wp-percent", percent = k.percent())) } " " (t!("wp-percent", percent = k.percent())) }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 id="unaddressed" { (t!("actions-unaddressed")) }
            @if progress.unaddressed.is_empty() { p.meta { (t!("actions-all-addressed")) } }
            @if !progress.unaddressed.is_empty() { ul.unaddressed { @for id in &progress.unaddressed { li { (loaded.link_with_country(id, country.is_none())) } } } }
        }
        (downloads("actions", country))
    };
    Ok(page(&state, &t!("actions-title"), body))
}

// ------------------------------------------------------------------------------ reports

/// A report as rows of text: the same for CSV and XLSX.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The columns that hold counts (numbers in XLSX, so that sums work); every other cell is
    /// text, whatever it looks like.
    numeric: &'static [usize],
}

/// The most characters a spreadsheet cell holds (Excel's limit, which rust_xlsxwriter
/// enforces): longer text is cut, marked with "…", rather than failing the whole report.
const MAX_CELL: usize = 32_767;

fn fit_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.len() <= MAX_CELL {
        return cell.into();
    }
    let mut end = MAX_CELL - '…'.len_utf8();
    while !cell.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &cell[..end]).into()
}

/// The reports, by file name without extension.
const REPORTS: &[&str] = &[
    "swot",
    "regions",
    "themes",
    "target-groups",
    "replication",
    "priorities",
    "actions",
    "esim",
];

/// `GET /reports`: every report, as CSV and XLSX.
pub async fn reports_page(
    State(state): State<ApiState>,
    Query(q): Query<CountryQuery>,
) -> Result<Html<String>, ApiError> {
    let country = q.country()?;
    let body = html! {
        h1 { (heading(t!("reports-title"), country)) }
        (country_switch("/reports", country))
        p.meta { (t!("reports-intro")) }
        table.reports {
            thead { tr { th scope="col" { (t!("reports-report")) } th scope="col" { (t!("wp-download")) } } }
            tbody {
                @for r in REPORTS {
                    tr {
                        td { (i18n::text(i18n::current(), &format!("report-{r}"), None)) }
                        td { (downloads(r, country)) }
                    }
                }
            }
        }
        p.meta { (t!("reports-esim-note")) }
    };
    Ok(page(&state, &t!("reports-title"), body))
}

/// `GET /reports/{name}.{csv,xlsx}`.
pub async fn report(
    State(state): State<ApiState>,
    Path(file): Path<String>,
    Query(q): Query<CountryQuery>,
) -> Result<Response, ApiError> {
    let unknown = || {
        ApiError::new(
            ErrorCode::NotFound,
            format!(
                "no report `{file}`: one of {} as .csv or .xlsx",
                REPORTS.join(", ")
            ),
        )
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(unknown)?;
    if !REPORTS.contains(&name) || !matches!(ext, "csv" | "xlsx") {
        return Err(unknown());
    }
    let country = q.country()?;
    let table = report_table(&state, name, country).await?;
    let stem = match country {
        Some(c) => format!("sicc-{name}-{}", c.to_lowercase()),
        None => format!("sicc-{name}"),
    };
    let (content_type, body) = if ext == "csv" {
        ("text/csv; charset=utf-8", csv_bytes(&table)?)
    } else {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_bytes(name, &table)?,
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

fn csv_bytes(table: &Table) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail =
        |e: csv::Error| ApiError::new(ErrorCode::Internal, format!("writing the report: {e}"));
    w.write_record(&table.headers).map_err(fail)?;
    for row in &table.rows {
        w.write_record(
            row.iter()
                .map(|c| crate::app::neutralise_formula(&fit_cell(c)).into_owned()),
        )
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("writing the report: {e}")))
}

fn xlsx_bytes(name: &str, table: &Table) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| {
        ApiError::new(ErrorCode::Internal, format!("writing the report: {e}"))
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(fail)?;
    let bold = Format::new().set_bold();
    for (c, h) in table.headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(fail)?;
        sheet.set_column_width(c as u16, 24).map_err(fail)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // Counts as numbers; everything else as text, never as a formula.
            match cell.parse::<i64>() {
                Ok(n) if table.numeric.contains(&c) => {
                    sheet.write_number(r as u32 + 1, c as u16, n as f64)
                }
                _ => sheet.write_string(r as u32 + 1, c as u16, &*fit_cell(cell)),
            }
            .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

async fn report_table(
    state: &ApiState,
    name: &str,
    country: Option<&str>,
) -> Result<Table, ApiError> {
    let kinds: &[RecordKind] = match name {
        "swot" | "regions" | "themes" | "target-groups" => OVERVIEW_KINDS,
        "replication" => REPLICATION_KINDS,
        "priorities" => PRIORITY_KINDS,
        "actions" => ACTION_KINDS,
        _ => &[
            RecordKind::Initiative,
            RecordKind::Organisation,
            RecordKind::Lesson,
        ],
    };
    let loaded = load(state, kinds).await?;
    let items = loaded.in_country(country);
    let country_label = |c: &str| code_label(CodeList::Country, c);
    Ok(match name {
        "swot" => {
            let m = wp::swot_matrix(&items);
            let mut rows = Vec::new();
            for ((d, c), counts) in &m.cells {
                for (p, n) in counts {
                    rows.push(vec![
                        code_label(CodeList::SwotDimension, d),
                        country_label(c),
                        code_label(CodeList::SwotPolarity, p),
                        n.to_string(),
                    ]);
                }
            }
            Table {
                headers: vec![
                    field_label("dimension"),
                    field_label("country"),
                    field_label("polarity"),
                    t!("overview-count-items"),
                ],
                rows,
                numeric: &[3],
            }
        }
        "regions" => {
            let regions = charts::map_regions(country);
            let placed = wp::initiatives_per_region(&items, &charts::region_ids(&regions));
            let mut rows: Vec<Vec<String>> = regions
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.name.clone(),
                        placed.counts.get(&r.id).copied().unwrap_or(0).to_string(),
                    ]
                })
                .collect();
            for (id, codes) in &placed.unplaced {
                rows.push(vec![
                    codes.join(" "),
                    format!("{} ({})", t!("overview-unplaced-row"), loaded.title(id)),
                    "1".into(),
                ]);
            }
            Table {
                headers: vec![
                    field_label("nuts"),
                    t!("overview-region"),
                    t!("overview-count"),
                ],
                rows,
                numeric: &[2],
            }
        }
        "themes" | "target-groups" => {
            let (field, list) = if name == "themes" {
                ("themes", CodeList::Theme)
            } else {
                ("target_groups", CodeList::TargetGroup)
            };
            Table {
                headers: vec![field_label(field), t!("overview-count")],
                rows: wp::counts_by(&items, RecordKind::Initiative, field)
                    .into_iter()
                    .map(|(c, n)| vec![code_label(list, &c), n.to_string()])
                    .collect(),
                numeric: &[1],
            }
        }
        "replication" => {
            let board = wp::replication_board(&items, today());
            let order = STAGES.iter().copied().chain(["discontinued"]);
            let mut rows = Vec::new();
            for stage in order {
                for c in board.get(stage).into_iter().flatten() {
                    rows.push(vec![
                        loaded.title(&c.id),
                        code_label(CodeList::ReplicationStatus, stage),
                        c.days_in_stage.map(|d| d.to_string()).unwrap_or_default(),
                        c.origin_country
                            .as_deref()
                            .map(country_label)
                            .unwrap_or_default(),
                        c.target_country
                            .as_deref()
                            .map(country_label)
                            .unwrap_or_default(),
                        c.origin_initiative
                            .as_ref()
                            .map(|i| loaded.title(i))
                            .unwrap_or_default(),
                        c.readiness
                            .map(|r| code_label(CodeList::Readiness, r))
                            .unwrap_or_default(),
                        c.sessions_held.to_string(),
                        c.id.to_string(),
                    ]);
                }
            }
            Table {
                headers: vec![
                    field_label("title"),
                    field_label("status"),
                    t!("report-days-in-stage"),
                    field_label("origin_country"),
                    field_label("target_country"),
                    field_label("origin_initiative"),
                    t!("report-readiness"),
                    t!("report-sessions-held"),
                    field_label("id"),
                ],
                rows,
                numeric: &[2, 7],
            }
        }
        "priorities" => {
            let rows = wp::priorities_side_by_side(&items)
                .into_iter()
                .map(|row| {
                    let mut cells = vec![
                        row.area
                            .as_deref()
                            .map(|a| code_label(CodeList::CapacityArea, a))
                            .unwrap_or_else(|| t!("priorities-no-area")),
                    ];
                    cells.push(row.countries().to_string());
                    for c in COUNTRIES {
                        cells.push(
                            row.by_country
                                .get(c)
                                .into_iter()
                                .flatten()
                                .map(|id| loaded.title(id))
                                .collect::<Vec<_>>()
                                .join("; "),
                        );
                    }
                    cells.push(
                        row.tools
                            .iter()
                            .map(|id| loaded.title(id))
                            .collect::<Vec<_>>()
                            .join("; "),
                    );
                    cells
                })
                .collect();
            let mut headers = vec![t!("priorities-area"), t!("report-countries-sharing")];
            headers.extend(COUNTRIES.map(country_label));
            headers.push(t!("priorities-tools"));
            Table {
                headers,
                rows,
                numeric: &[1],
            }
        }
        "actions" => {
            let progress = wp::action_progress(&items, today());
            let overdue: BTreeMap<&RecordId, i64> =
                progress.overdue.iter().map(|(id, d)| (id, *d)).collect();
            let rows = items
                .iter()
                .filter(|i| i.record.kind == RecordKind::ActionItem)
                .map(|i| {
                    let r = &i.record;
                    let text = |f: &str| match r.fields.get(f) {
                        Some(FieldValue::Text(t)) => t.clone(),
                        Some(FieldValue::Int(n)) => n.to_string(),
                        Some(FieldValue::Code(c)) => match wp::list_of(r.kind, f) {
                            Some(list) => code_label(list, c),
                            None => c.clone(),
                        },
                        _ => String::new(),
                    };
                    vec![
                        loaded.title(&r.id),
                        text("country"),
                        text("ncc_function"),
                        text("status"),
                        text("start_date"),
                        text("end_date"),
                        overdue
                            .get(&r.id)
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        text("kpi"),
                        text("kpi_actual"),
                        text("kpi_target"),
                        match r.fields.get("addresses") {
                            Some(FieldValue::Links(l)) => l
                                .iter()
                                .map(|id| loaded.title(id))
                                .collect::<Vec<_>>()
                                .join("; "),
                            _ => String::new(),
                        },
                    ]
                })
                .collect();
            Table {
                headers: vec![
                    field_label("title"),
                    field_label("country"),
                    field_label("ncc_function"),
                    field_label("status"),
                    field_label("start_date"),
                    field_label("end_date"),
                    t!("report-days-overdue"),
                    field_label("kpi"),
                    field_label("kpi_actual"),
                    field_label("kpi_target"),
                    field_label("addresses"),
                ],
                rows,
                numeric: &[6, 8, 9],
            }
        }
        _ => esim_table(&items, &loaded),
    })
}

/// The columns of the European Social Innovation Match case layout, and the fields of an
/// initiative each is filled from (documented in `docs/work-packages.md`).
pub const ESIM_COLUMNS: &[(&str, &[&str])] = &[
    ("Title", &["title"]),
    (
        "Lead organisation and partners",
        &["lead_org", "partner_orgs"],
    ),
    ("Countries", &["countries"]),
    ("Regions", &["nuts"]),
    ("Target groups", &["target_groups"]),
    ("Themes", &["themes"]),
    ("ESF+ specific objectives", &["esf_objectives"]),
    ("Summary", &["summary"]),
    ("Problem addressed", &["problem"]),
    ("Innovative solution", &["solution"]),
    ("Key results and benefits", &["results"]),
    ("Lessons learned", &["difficulties"]),
    ("Funding", &["funding_sources"]),
    (
        "Potential for scaling up and transfer",
        &["open_to_transfer", "transferability"],
    ),
    ("Status", &["status"]),
    ("Start year", &["start_year"]),
    ("Website", &["website"]),
    ("Sources", &[]),
    ("sicc id", &[]),
];

/// This node's own initiatives for a public platform: validated, and public (`access_level`),
/// with this node's own lessons about them. A partner's records are the partner's to submit,
/// and a consortium or local record is not for publication. SIM takes case studies in English:
/// texts are the English ones, else the original with its language named; codes as English
/// labels.
fn esim_table(items: &[Item], loaded: &Loaded) -> Table {
    let own = |i: &&Item| i.origin.is_none();
    let lesson_titles: BTreeMap<&RecordId, Vec<String>> = {
        let mut m: BTreeMap<&RecordId, Vec<String>> = BTreeMap::new();
        for l in items.iter().filter(own).filter(|i| {
            i.record.kind == RecordKind::Lesson && i.record.access_level.as_str() == "public"
        }) {
            if let Some(FieldValue::Links(about)) = l.record.fields.get("about") {
                for a in about {
                    m.entry(a).or_default().push(english(&l.record, "title"));
                }
            }
        }
        m
    };
    let rows = items
        .iter()
        .filter(own)
        .filter(|i| {
            i.record.kind == RecordKind::Initiative && i.record.access_level.as_str() == "public"
        })
        .filter(|i| {
            matches!(
                i.record.validation_status.as_str(),
                "validated" | "published"
            )
        })
        .map(|i| {
            let r = &i.record;
            ESIM_COLUMNS
                .iter()
                .map(|(column, fields)| match *column {
                    "Sources" => r
                        .sources
                        .iter()
                        .map(|s| s.url.clone())
                        .collect::<Vec<_>>()
                        .join(" "),
                    "sicc id" => r.id.to_string(),
                    "Lessons learned" => {
                        let mut parts: Vec<String> = fields
                            .iter()
                            .map(|f| english(r, f))
                            .filter(|t| !t.is_empty())
                            .collect();
                        parts.extend(lesson_titles.get(&r.id).cloned().unwrap_or_default());
                        parts.join("\n")
                    }
                    _ => fields
                        .iter()
                        .map(|f| match r.fields.get(*f) {
                            Some(FieldValue::Link(id)) => loaded.english_title(id),
                            Some(FieldValue::Links(ids)) => ids
                                .iter()
                                .map(|id| loaded.english_title(id))
                                .collect::<Vec<_>>()
                                .join("; "),
                            _ => english(r, f),
                        })
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n"),
                })
                .collect()
        })
        .collect();
    Table {
        headers: ESIM_COLUMNS.iter().map(|(c, _)| (*c).to_owned()).collect(),
        rows,
        numeric: &[],
    }
}

impl Loaded {
    fn english_title(&self, id: &RecordId) -> String {
        self.get(id)
            .map(|r| english(r, r.kind.title_field()))
            .unwrap_or_else(|| id.to_string())
    }
}

/// A field in English: texts in English (else the original, with its language named), codes as
/// their English labels.
fn english(r: &Record, field: &str) -> String {
    let list = wp::list_of(r.kind, field);
    let label = |c: &str| list.and_then(|l| l.label(c)).unwrap_or(c).to_owned();
    match r.fields.get(field) {
        Some(FieldValue::LangText(m)) => match m.get("en") {
            Some(t) => t.clone(),
            None => m
                .get(&r.original_lang)
                .or_else(|| m.values().next())
                .map(|t| {
                    let lang = m
                        .iter()
                        .find(|(_, v)| *v == t)
                        .map(|(l, _)| l.as_str())
                        .unwrap_or("");
                    format!("[{}] {t}", CodeList::Language.label(lang).unwrap_or(lang))
                })
                .unwrap_or_default(),
        },
        Some(FieldValue::Text(t)) => t.clone(),
        Some(FieldValue::TextList(l)) => l.join("; "),
        Some(FieldValue::Int(n)) => n.to_string(),
        Some(FieldValue::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
        Some(FieldValue::Code(c)) => label(c),
        Some(FieldValue::Codes(cs)) => cs.iter().map(|c| label(c)).collect::<Vec<_>>().join("; "),
        Some(FieldValue::Link(id)) => id.to_string(),
        Some(FieldValue::Links(ids)) => ids
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        None => String::new(),
    }
}

// --------------------------------------------------------- consider for replication (WP3)

#[derive(Deserialize)]
pub struct ConsiderForm {
    #[serde(default)]
    csrf: String,
    id: String,
}

/// `POST /ui/replicate`: on a partner's initiative, creates a replication case on this node
/// linked to it (a draft, to be completed and validated here) and tells the originating centre
/// through the federation with an annotation on its entry. The annotation's text is fixed:
/// an editor cannot send free text to partners this way.
pub async fn consider_for_replication(
    State(state): State<ApiState>,
    headers: HeaderMap,
    axum::Extension(principal): axum::Extension<crate::app::accounts::Principal>,
    Form(form): Form<ConsiderForm>,
) -> Result<Response, ApiError> {
    super::ui::form_check(&headers, &principal, &form.csrf)?;
    let id = super::records::parse_id(&form.id)?;
    let shared = match state.app.record(id.clone()).await? {
        RecordFound::Shared(copies) => copies
            .into_iter()
            .next()
            .ok_or(AppError::NotFound(id.clone()))?,
        RecordFound::Local(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("`{id}` is this node's own initiative: a replication case starts from a partner's"),
            )
            .with_field("id"));
        }
    };
    let initiative = &shared.record;
    if initiative.kind != RecordKind::Initiative {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!("`{id}` is a {}, not an initiative", initiative.kind),
        )
        .with_field("id"));
    }
    // Once per initiative: a second click (or a second editor) finds the case already opened.
    let filter = Filter::parse([("kind", "replication_case"), ("links_to", id.as_str())])
        .map_err(|e| ApiError::new(ErrorCode::InvalidFilter, e.to_string()))?;
    let existing = state.app.list(filter, Scope::Local, None, 50).await?;
    let found = existing.rows.iter().find_map(|row| match row {
        Row::Local(r)
            if r.fields.get("origin_initiative") == Some(&FieldValue::Link(id.clone())) =>
        {
            Some(r.id.clone())
        }
        _ => None,
    });
    if let Some(case) = found {
        return Ok(super::ui::back(
            &format!("/records/{case}"),
            "replication-exists",
        ));
    }
    let node = state.app.node();
    let lang = i18n::current().tag();
    // A partner's title near the limit still makes a valid title here.
    let mut title = t!(
        "replication-case-title",
        title = title_for_reader(initiative)
    );
    if title.chars().count() > sicc_protocol::schema::SHORT_TEXT {
        title = title
            .chars()
            .take(sicc_protocol::schema::SHORT_TEXT - 1)
            .chain(['…'])
            .collect();
    }
    let origin_country = initiative
        .codes_of(CodeList::Country)
        .first()
        .map(|c| (*c).to_owned())
        .unwrap_or_default();
    let mut case = json!({
        "kind": "replication_case",
        "title": {lang: title},
        "original_lang": lang,
        "origin_initiative": id.as_str(),
        "origin_country": origin_country,
        "target_country": node.country,
        "status": "exploring",
        "access_level": "consortium",
        "validation_status": "draft",
    });
    if let Some(FieldValue::Codes(themes)) = initiative.fields.get("themes") {
        case["themes"] = json!(themes);
    }
    if let Some(FieldValue::Codes(nuts)) = initiative.fields.get("nuts") {
        case["origin_nuts"] = json!(nuts);
    }
    // The originating organisation, when its record is held here (a link must resolve).
    if let Some(FieldValue::Link(org)) = initiative.fields.get("lead_org")
        && state.app.record(org.clone()).await.is_ok()
    {
        case["originator_org"] = json!(org.as_str());
    }
    let mut record = Record::from_json(&case)
        .map_err(|e| ApiError::from(AppError::Store(crate::app::StoreError::Invalid(e))))?;
    let mut published = super::records::Published::default();
    super::records::editor_write(&state, &principal, &mut record, &mut published).await?;
    let stored = state.app.create(record, &principal.label()).await?;
    let note = format!(
        "{} ({}) is considering this initiative for replication: case {} opened on {}.",
        node.name,
        node.country,
        stored.id,
        today()
    );
    let told = match shared.catalog.parse() {
        Ok(catalog) => state.app.annotate(catalog, id.to_string(), note).await,
        Err(_) => Err(AppError::NotFound(id.clone())),
    };
    let done = match told {
        Ok(_) => "replication-started",
        Err(e) => {
            tracing::warn!(initiative = %id, error = %e, "the originating centre could not be told of a replication case");
            "replication-started-untold"
        }
    };
    Ok(super::ui::back(&format!("/records/{}", stored.id), done))
}

// ---------------------------------------------------------------- readiness on its page

/// The criteria table of a readiness assessment's page, with its overall readiness.
pub(super) fn readiness_section(record: &Record) -> Markup {
    let overall = wp::overall_readiness(record);
    let text = |f: String| match record.fields.get(f.as_str()) {
        Some(FieldValue::Text(t)) => t.clone(),
        _ => String::new(),
    };
    html! {
        section.readiness {
            h2 { (t!("readiness-title")) }
            p { span class={ "badge readiness-" (overall) } { (t!("replication-readiness", readiness = code_label(CodeList::Readiness, overall))) } }
            p.meta { (t!("readiness-rule")) }
            table {
                thead { tr {
                    th scope="col" { (t!("readiness-criterion")) } th scope="col" { (t!("readiness-score")) }
                    th scope="col" { (t!("readiness-note")) } th scope="col" { (t!("readiness-source")) }
                } }
                tbody {
                    @for c in READINESS_CRITERIA {
                        tr {
                            th scope="row" { (field_label(c)) }
                            td { @match record.fields.get(*c) { Some(FieldValue::Int(n)) => { (t!("readiness-score-of", score = *n)) } _ => { "–" } } }
                            td { (text(format!("{c}_note"))) }
                            td {
                                @let source = text(format!("{c}_source"));
                                @if source.starts_with("https://") || source.starts_with("http://") { a href=(source) rel="noopener noreferrer" { (source) } }
                                @else { (source) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Whether a field of `kind` is shown in its own section rather than in the generic lists.
pub(super) fn shown_apart(kind: RecordKind, field: &str) -> bool {
    kind == RecordKind::ReadinessAssessment
        && READINESS_CRITERIA.iter().any(|c| {
            field == *c
                || field
                    .strip_prefix(c)
                    .is_some_and(|rest| rest == "_note" || rest == "_source")
        })
}

/// The "Consider for replication" form on a partner's initiative.
pub(super) fn consider_form(record: &Record, origin_name: &str) -> Markup {
    html! {
        @if record.kind == RecordKind::Initiative && super::auth::may(crate::app::accounts::Role::Editor) {
            section.consider {
                h2 { (t!("consider-title")) }
                p.meta { (t!("consider-intro", name = origin_name.to_owned())) }
                form method="post" action="/ui/replicate" {
                    (super::auth::csrf_field())
                    input type="hidden" name="id" value=(record.id);
                    button type="submit" id="consider" { (t!("consider-button")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cell: &str) -> Table {
        Table {
            headers: vec!["Title".into(), "Count".into()],
            rows: vec![
                vec![cell.into(), "7".into()],
                vec!["007".into(), "12".into()],
            ],
            numeric: &[1],
        }
    }

    #[test]
    fn a_report_cell_cannot_run_as_a_formula_nor_break_the_workbook() {
        let csv =
            String::from_utf8(csv_bytes(&table("=HYPERLINK(\"http://x\")")).unwrap()).unwrap();
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",7"), "{csv}");
        // A partner's text past a spreadsheet cell's limit is cut, not a failed download.
        let long = "å".repeat(40_000);
        let csv = String::from_utf8(csv_bytes(&table(&long)).unwrap()).unwrap();
        let first = csv.lines().nth(1).unwrap();
        assert!(
            first.len() <= MAX_CELL + 4 && first.contains('…'),
            "{}",
            first.len()
        );
        let xlsx = xlsx_bytes("report", &table(&long)).unwrap();
        assert!(xlsx.starts_with(b"PK"));
    }

    #[test]
    fn only_count_columns_become_numbers_in_a_workbook() {
        let book = xlsx_bytes("report", &table("title")).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        // "007" stays text (a shared string), 7 and 12 are numbers.
        assert!(
            sheet.contains("<v>7</v>") && sheet.contains("<v>12</v>"),
            "{sheet}"
        );
        assert!(!sheet.contains("<v>7</v></c><c r=\"A3\""), "{sheet}");
        let mut strings = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/sharedStrings.xml").unwrap(),
            &mut strings,
        )
        .unwrap();
        assert!(strings.contains(">007<"), "{strings}");
    }

    #[test]
    fn a_page_heading_names_its_country() {
        assert_eq!(heading("Overview".into(), None), "Overview");
        assert_eq!(heading("Overview".into(), Some("LV")), "Overview — Latvia");
    }
}
