//! Charts drawn on the server as SVG, with no script: horizontal bar charts and the NUTS
//! choropleth map. Each chart has a title and a description for screen readers, and the page
//! gives the same figures as a table beside it.
//!
//! The map's boundaries are Eurostat GISCO's NUTS 2024 regions at 1:20 million
//! (`node/data/nuts/`, see its README), © EuroGeographics for the administrative boundaries.

use maud::{Markup, html};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::OnceLock;

/// One bar: its label, its value and where it links to.
pub(super) struct Bar {
    pub label: String,
    pub value: usize,
    pub href: String,
}

const BAR_ROW: usize = 24;
const LABEL_WIDTH: usize = 260;
const CHART_WIDTH: usize = 640;

/// A horizontal bar chart; each bar links to the records it counts.
pub(super) fn bar_chart(id: &str, title: &str, description: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = bars.len() * BAR_ROW + 8;
    let span = (CHART_WIDTH - LABEL_WIDTH - 50) as f64;
    html! {
        svg.chart id=(id) viewBox={ "0 0 " (CHART_WIDTH) " " (height) } width="100%"
            role="group" aria-labelledby={ (id) "-title" } aria-describedby={ (id) "-desc" } {
            title id={ (id) "-title" } { (title) }
            desc id={ (id) "-desc" } { (description) }
            @for (i, bar) in bars.iter().enumerate() {
                @let y = i * BAR_ROW + 4;
                @let w = (bar.value as f64 / max as f64 * span).max(1.0);
                a href=(bar.href) aria-label=(t!("wp-label-count", label = bar.label.clone(), count = bar.value)) {
                    text x=(LABEL_WIDTH - 8) y=(y + 16) text-anchor="end" { (shorten(&bar.label, 38)) }
                    rect x=(LABEL_WIDTH) y=(y + 3) width=(format!("{w:.1}")) height=(BAR_ROW - 8) class="bar" {
                        title { (t!("wp-label-count", label = bar.label.clone(), count = bar.value)) }
                    }
                    text x=(format!("{:.1}", LABEL_WIDTH as f64 + w + 6.0)) y=(y + 16) { (bar.value) }
                }
            }
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

// ------------------------------------------------------------------------------ the map

/// One NUTS region of the boundary files.
pub(super) struct Region {
    pub id: String,
    pub name: String,
    /// Polygons of rings of (longitude, latitude).
    rings: Vec<Vec<(f64, f64)>>,
}

struct Boundaries {
    nuts2: Vec<Region>,
    nuts3: Vec<Region>,
}

fn boundaries() -> &'static Boundaries {
    static B: OnceLock<Boundaries> = OnceLock::new();
    B.get_or_init(|| Boundaries {
        nuts2: regions(include_str!("../../data/nuts/nuts2-2024-20M.geojson")),
        nuts3: regions(include_str!("../../data/nuts/nuts3-2024-20M.geojson")),
    })
}

/// The features of a GeoJSON `FeatureCollection` of polygons and multipolygons. The files are
/// part of the binary and checked by a test, so a malformed feature is a build defect.
fn regions(geojson: &str) -> Vec<Region> {
    let doc: Value = serde_json::from_str(geojson).expect("embedded NUTS GeoJSON parses");
    let ring = |r: &Value| -> Vec<(f64, f64)> {
        r.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
            .collect()
    };
    doc["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let g = &f["geometry"];
            let polygons: Vec<&Value> = match g["type"].as_str() {
                Some("Polygon") => vec![&g["coordinates"]],
                _ => g["coordinates"].as_array().into_iter().flatten().collect(),
            };
            Region {
                id: f["properties"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                name: f["properties"]["na"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                rings: polygons
                    .into_iter()
                    .flat_map(|p| p.as_array().into_iter().flatten().map(ring))
                    .collect(),
            }
        })
        .collect()
}

/// Outermost regions, far from mainland Europe: drawn as insets.
fn outermost(id: &str) -> bool {
    id.starts_with("ES70") || id.starts_with("FRY")
}

/// The regions a map of `country` (or of the four countries) shows: NUTS-3 for one country;
/// NUTS-2 for all four, except Latvia, which is one NUTS-2 region and shows its NUTS-3.
pub(super) fn map_regions(country: Option<&str>) -> Vec<&'static Region> {
    let b = boundaries();
    match country {
        Some(c) => b.nuts3.iter().filter(|r| r.id.starts_with(c)).collect(),
        None => b
            .nuts2
            .iter()
            .filter(|r| !r.id.starts_with("LV"))
            .chain(b.nuts3.iter().filter(|r| r.id.starts_with("LV")))
            .collect(),
    }
}

/// Fits longitude/latitude into a box: an equirectangular projection scaled by the cosine of
/// the box's middle latitude, which is close enough at 1:20 million for an overview.
struct Fit {
    min_x: f64,
    max_y: f64,
    k: f64,
    cos: f64,
    left: f64,
    top: f64,
}

impl Fit {
    fn new(regions: &[&Region], left: f64, top: f64, width: f64, height: f64) -> Option<Fit> {
        let points = || regions.iter().flat_map(|r| r.rings.iter().flatten());
        let (min_lat, max_lat) =
            points().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        if min_lat > max_lat {
            return None;
        }
        let cos = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let (min_x, max_x) = points().fold((f64::MAX, f64::MIN), |(a, b), p| {
            (a.min(p.0 * cos), b.max(p.0 * cos))
        });
        let k = (width / (max_x - min_x).max(1e-6)).min(height / (max_lat - min_lat).max(1e-6));
        Some(Fit {
            min_x,
            max_y: max_lat,
            k,
            cos,
            left,
            top,
        })
    }

    fn path(&self, region: &Region) -> String {
        let mut d = String::new();
        for ring in &region.rings {
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let x = self.left + (lon * self.cos - self.min_x) * self.k;
                let y = self.top + (self.max_y - lat) * self.k;
                let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
            }
            d.push('Z');
        }
        d
    }
}

/// The colour classes of the choropleth, lightest first (ColorBrewer Blues, readable in print).
const CLASSES: [&str; 5] = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
const EMPTY: &str = "#f4f4f4";

/// The upper bound of each colour class for counts up to `max`.
pub(super) fn class_bounds(max: usize) -> Vec<usize> {
    let step = max.div_ceil(CLASSES.len()).max(1);
    let mut bounds: Vec<usize> = (1..=CLASSES.len()).map(|i| (i * step).min(max)).collect();
    bounds.dedup();
    bounds
}

fn fill(count: usize, bounds: &[usize]) -> &'static str {
    if count == 0 {
        return EMPTY;
    }
    let class = bounds
        .iter()
        .position(|b| count <= *b)
        .unwrap_or(bounds.len() - 1);
    // Spread fewer classes over the palette's range.
    let index = if bounds.len() <= 1 {
        CLASSES.len() - 1
    } else {
        class * (CLASSES.len() - 1) / (bounds.len() - 1)
    };
    CLASSES[index]
}

/// What the map's words say, in the reader's language.
pub(super) struct MapText<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// "{name}: {count}" for a region's tooltip and accessible name.
    pub region: &'a dyn Fn(&str, usize) -> String,
    pub legend: &'a str,
    pub none: &'a str,
}

const MAP_WIDTH: f64 = 480.0;
const MAP_HEIGHT: f64 = 640.0;
const INSET: f64 = 70.0;

/// The choropleth: every region a link to `href(region id)`, coloured by its count.
pub(super) fn choropleth(
    regions: &[&Region],
    counts: &BTreeMap<String, usize>,
    href: &dyn Fn(&str) -> String,
    text: &MapText<'_>,
) -> Markup {
    let (main, far): (Vec<&Region>, Vec<&Region>) = regions.iter().partition(|r| !outermost(&r.id));
    // Insets: one box per territory (Canarias, each overseas department).
    let mut territories: BTreeMap<&str, Vec<&Region>> = BTreeMap::new();
    for r in &far {
        territories
            .entry(r.id.get(..4).unwrap_or(&r.id))
            .or_default()
            .push(r);
    }
    let inset_row = if territories.is_empty() {
        0.0
    } else {
        INSET + 10.0
    };
    let max = counts.values().copied().max().unwrap_or(0);
    let bounds = class_bounds(max);
    let legend_y = MAP_HEIGHT + inset_row + 10.0;
    let height = legend_y + 30.0;
    let main_fit = Fit::new(&main, 4.0, 4.0, MAP_WIDTH - 8.0, MAP_HEIGHT - 8.0);
    let draw = |fit: &Fit, r: &Region| {
        let n = counts.get(&r.id).copied().unwrap_or(0);
        let name = (text.region)(&r.name, n);
        html! {
            a href=(href(&r.id)) aria-label=(name) {
                path d=(fit.path(r)) fill=(fill(n, &bounds)) data-region=(r.id) { title { (name) } }
            }
        }
    };
    html! {
        svg.map viewBox={ "0 0 " (MAP_WIDTH) " " (height) } width="100%" role="group" aria-labelledby="map-title" aria-describedby="map-desc" {
            title id="map-title" { (text.title) }
            desc id="map-desc" { (text.description) }
            @if let Some(fit) = &main_fit {
                g.regions { @for r in &main { (draw(fit, r)) } }
            }
            @for (i, (_, rs)) in territories.iter().enumerate() {
                @let left = 4.0 + i as f64 * (INSET + 10.0);
                @let top = MAP_HEIGHT;
                rect.inset x=(left) y=(top) width=(INSET) height=(INSET) {}
                @if let Some(fit) = Fit::new(rs, left + 4.0, top + 4.0, INSET - 8.0, INSET - 8.0) {
                    g.regions { @for r in rs { (draw(&fit, r)) } }
                }
            }
            g.legend {
                text x="4" y=(legend_y + 14.0) { (text.legend) }
                rect x="110" y=(legend_y) width="18" height="18" fill=(EMPTY) {}
                text x="132" y=(legend_y + 14.0) { (text.none) }
                @for (i, upper) in bounds.iter().enumerate().filter(|_| max > 0) {
                    @let lower = if i == 0 { 1 } else { bounds[i - 1] + 1 };
                    @let x = 190.0 + i as f64 * 58.0;
                    rect x=(x) y=(legend_y) width="18" height="18" fill=(fill(*upper, &bounds)) {}
                    text x=(x + 22.0) y=(legend_y + 14.0) {
                        @if lower == *upper { (upper) } @else { (lower) "–" (upper) }
                    }
                }
            }
        }
    }
}

/// The ids of the regions a map shows.
pub(super) fn region_ids(regions: &[&Region]) -> BTreeSet<String> {
    regions.iter().map(|r| r.id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundary_files_hold_every_region_of_the_four_countries() {
        let b = boundaries();
        let count = |rs: &[Region], c: &str| rs.iter().filter(|r| r.id.starts_with(c)).count();
        // The counts of NUTS 2024 the files' README states.
        assert_eq!(
            ["ES", "FR", "SE", "LV"].map(|c| count(&b.nuts3, c)),
            [59, 101, 21, 5]
        );
        assert_eq!(
            ["ES", "FR", "SE", "LV"].map(|c| count(&b.nuts2, c)),
            [19, 27, 8, 1]
        );
        for r in b.nuts2.iter().chain(&b.nuts3) {
            assert!(!r.name.is_empty() && !r.rings.is_empty(), "{}", r.id);
            assert!(r.rings.iter().all(|ring| ring.len() >= 3), "{}", r.id);
        }
    }

    #[test]
    fn the_overview_map_shows_nuts2_and_latvia_at_nuts3() {
        let all = region_ids(&map_regions(None));
        assert!(all.contains("ES51") && all.contains("FRK2") && all.contains("SE11"));
        assert!(all.contains("LV005") && !all.contains("LV00"));
        assert_eq!(all.len(), 19 + 27 + 8 + 5);
        let fr = region_ids(&map_regions(Some("FR")));
        assert_eq!(fr.len(), 101);
    }

    #[test]
    fn the_map_draws_each_region_as_a_link_coloured_by_its_count_inside_its_box() {
        let regions = map_regions(Some("LV"));
        let counts: BTreeMap<String, usize> =
            [("LV005".to_owned(), 4), ("LV00A".to_owned(), 1)].into();
        let region = |name: &str, n: usize| format!("{name}: {n}");
        let text = MapText {
            title: "t",
            description: "d",
            region: &region,
            legend: "l",
            none: "0",
        };
        let svg = choropleth(&regions, &counts, &|id| format!("/?nuts={id}"), &text).into_string();
        assert_eq!(svg.matches("<path ").count(), 5);
        assert!(
            svg.contains(r#"href="/?nuts=LV005" aria-label="Latgale: 4""#),
            "{svg}"
        );
        assert!(svg.contains(&format!(r#"fill="{}" data-region="LV005""#, CLASSES[4])));
        assert!(svg.contains(&format!(r#"fill="{}" data-region="LV00A""#, CLASSES[0])));
        assert!(svg.contains(&format!(r#"fill="{EMPTY}" data-region="LV009""#)));
        // Every point of every region lies inside the map's box.
        let paths = svg
            .split(" d=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or(""));
        for point in paths
            .flat_map(|d| d.split(['M', 'L', 'Z']))
            .filter(|p| !p.is_empty())
        {
            let (x, y) = point.split_once(',').expect("x,y");
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!((0.0..=MAP_WIDTH).contains(&x), "x {x} outside the map");
            assert!((0.0..=MAP_HEIGHT).contains(&y), "y {y} outside the map");
        }
    }

    #[test]
    fn colour_classes_cover_every_count() {
        assert_eq!(class_bounds(0), [0]);
        assert_eq!(class_bounds(3), [1, 2, 3]);
        assert_eq!(class_bounds(10), [2, 4, 6, 8, 10]);
        let b = class_bounds(10);
        assert_eq!(fill(1, &b), CLASSES[0]);
        assert_eq!(fill(10, &b), CLASSES[4]);
        assert_eq!(fill(0, &b), EMPTY);
    }

    #[test]
    fn a_bar_chart_links_each_bar_and_names_its_value() {
        let bars = [
            Bar {
                label: "Housing".into(),
                value: 4,
                href: "/?theme=housing".into(),
            },
            Bar {
                label: "Employment".into(),
                value: 2,
                href: "/?theme=employment".into(),
            },
        ];
        let svg = bar_chart("c", "Themes", "Initiatives per theme", &bars).into_string();
        assert!(svg.contains("<title id=\"c-title\">Themes</title>"));
        assert!(
            svg.contains(r#"<a href="/?theme=housing" aria-label="Housing: 4">"#),
            "{svg}"
        );
        assert!(svg.contains("<title>Employment: 2</title>"));
    }
}
