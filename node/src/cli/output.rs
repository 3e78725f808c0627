//! How the CLI prints: `--json` prints the API's JSON, pretty; otherwise every command prints
//! tables of one look (no borders, upper-case headers, two spaces between columns), or a
//! short key/value table for a single object. Widths count display columns, so accented
//! and wide characters line up.

use comfy_table::{Cell, CellAlignment, ColumnConstraint, Row, Table, Width, presets};
use serde_json::Value;

/// Spaces between two columns.
const COLUMN_GAP: u16 = 2;

pub fn print_json(v: &Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

/// A JSON value as a table cell: strings without quotes, null as nothing.
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Like [`plain`], with the items of an array joined by commas.
pub fn joined(v: &Value) -> String {
    match v {
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(","),
        other => plain(other),
    }
}

/// An RFC 3339 time to the second (the API's have nanoseconds); other values as [`plain`].
pub fn seconds(v: &Value) -> String {
    use time::format_description::well_known::Rfc3339;
    v.as_str()
        .and_then(|s| time::OffsetDateTime::parse(s, &Rfc3339).ok())
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| plain(v))
}

/// `yes` or `no` for a JSON boolean (anything but `true` is `no`).
pub fn yes_no(v: &Value) -> &'static str {
    if v.as_bool() == Some(true) {
        "yes"
    } else {
        "no"
    }
}

/// A table being filled, printed with [`TextTable::print`].
#[derive(Debug)]
pub struct TextTable {
    table: Table,
}

impl TextTable {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> TextTable {
        let mut table = TextTable::empty();
        table.table.set_header(headers.to_vec());
        table
    }

    /// A table of `key  value` lines, without a header.
    pub fn key_value() -> TextTable {
        TextTable::empty()
    }

    fn empty() -> TextTable {
        let mut table = Table::new();
        table.load_style(presets::NOTHING);
        TextTable { table }
    }

    /// Adds a row of one line; cells wider than their column's limit end in `…`.
    pub fn row<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) -> &mut TextTable {
        let mut row = Row::from(cells.into_iter().map(Into::into).collect::<Vec<Cell>>());
        // One line per row keeps the output greppable and `head`-able.
        row.max_height(1);
        self.table.add_row(row);
        self
    }

    /// Adds a `key  value` line; a value with line breaks continues under itself.
    pub fn pair(&mut self, key: &str, value: impl Into<String>) -> &mut TextTable {
        self.table.add_row(vec![key.to_owned(), value.into()]);
        self
    }

    /// Adds a `key  value` line unless the value is empty.
    pub fn pair_if_set(&mut self, key: &str, value: impl Into<String>) -> &mut TextTable {
        let value = value.into();
        if !value.is_empty() {
            self.pair(key, value);
        }
        self
    }

    /// Aligns a column (counted from 0) to the right: numbers.
    pub fn align_right(&mut self, column: usize) -> &mut TextTable {
        if let Some(c) = self.table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
        self
    }

    /// Keeps a column (counted from 0) at most `width` display columns wide: when a cell is
    /// wider, the column's cells are cut after the last whole word that fits (comfy-table then
    /// leaves room for the column gap, so they end up to two columns shorter).
    pub fn max_width(&mut self, column: usize, width: u16) -> &mut TextTable {
        if let Some(c) = self.table.column_mut(column) {
            c.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(width)));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The table as text, without trailing spaces.
    pub fn render(mut self) -> String {
        for column in self.table.column_iter_mut() {
            column.set_padding((0, COLUMN_GAP));
        }
        self.table.trim_fmt()
    }

    pub fn print(self) {
        println!("{}", self.render());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_display_width_and_long_cells_are_cut_after_a_word() {
        let mut t = TextTable::new(&["ID", "TITLE", "N"]);
        t.row(["lv-1", "Aprūpe mājās Rīgā un visā Latvijā", "5"]);
        t.row(["jp-1", "日本語のタイトル", "12345"]);
        t.max_width(1, 16).align_right(2);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        // TITLE is cut to 14 columns: 16 less the gap.
        assert_eq!(lines[0], "ID    TITLE               N");
        assert_eq!(lines[1], "lv-1  Aprūpe mājās…       5");
        assert_eq!(lines[2], "jp-1  日本語のタイ…   12345");
    }

    #[test]
    fn times_are_shown_to_the_second() {
        let t = serde_json::json!("2026-12-01T11:48:02.209731823Z");
        assert_eq!(seconds(&t), "2026-12-01T11:48:02Z");
        assert_eq!(seconds(&serde_json::json!("never")), "never");
        assert_eq!(seconds(&Value::Null), "");
    }

    #[test]
    fn a_key_value_table_has_no_header_and_skips_empty_values() {
        let mut t = TextTable::key_value();
        t.pair("catalogue", "n/replication")
            .pair_if_set("description", "")
            .pair("entries", "3");
        assert_eq!(t.render(), "catalogue  n/replication\nentries    3");
    }

    #[test]
    fn an_empty_table_prints_its_header() {
        assert_eq!(TextTable::new(&["PEER", "CC"]).render(), "PEER  CC");
    }
}
