//! Facet counts of a search: for every facet, how many matching records hold each value.
//!
//! Counted on the facets' fast fields by term ordinal (one counter per distinct value of the
//! segment), turned into strings once per segment at the end. tantivy's general terms
//! aggregation did the same work at about twice the cost per matching record (sicc-bench
//! `--only search`: half of a query's time went to it).

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Most values reported per facet (the most frequent first).
pub(super) const MAX_VALUES: usize = 500;

/// Per facet (in the order given), its values with their counts: most frequent first, then by
/// value.
pub(super) type Counts = Vec<Vec<(String, u64)>>;

pub(super) struct FacetCollector {
    pub(super) facets: &'static [&'static str],
}

pub(super) struct FacetSegment {
    /// Per facet, absent when no record of the segment has a value.
    columns: Vec<Option<FacetColumn>>,
    /// Matching records not counted yet: counted a block at a time.
    pending: Vec<DocId>,
    /// Scratch space for a block: records and rows of its values, then the values.
    docs: Vec<DocId>,
    rows: Vec<u32>,
    ords: Vec<u64>,
}

/// Records counted together (tantivy's own block size).
const BLOCK: usize = tantivy::COLLECT_BLOCK_BUFFER_LEN;

/// One facet's column in one segment.
struct FacetColumn {
    strings: StrColumn,
    ords: Column<u64>,
    /// One counter per term ordinal.
    counters: Vec<u32>,
}

impl Collector for FacetCollector {
    type Fruit = Counts;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let fast = reader.fast_fields();
        let mut columns = Vec::with_capacity(self.facets.len());
        for facet in self.facets {
            columns.push(
                fast.str(facet)?
                    .filter(|c| c.num_terms() > 0)
                    .map(|strings| FacetColumn {
                        ords: strings.ords().clone(),
                        counters: vec![0u32; strings.num_terms()],
                        strings,
                    }),
            );
        }
        Ok(FacetSegment {
            columns,
            pending: Vec::with_capacity(BLOCK),
            docs: Vec::new(),
            rows: Vec::new(),
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged: Vec<std::collections::HashMap<String, u64>> =
            vec![Default::default(); self.facets.len()];
        for segment in segments {
            for (total, counts) in merged.iter_mut().zip(segment) {
                for (value, n) in counts {
                    *total.entry(value).or_default() += n;
                }
            }
        }
        Ok(merged
            .into_iter()
            .map(|m| {
                let mut values: Vec<(String, u64)> = m.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(MAX_VALUES);
                values
            })
            .collect())
    }
}

impl FacetSegment {
    fn count_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        for column in self.columns.iter_mut().flatten() {
            self.docs.clear();
            self.rows.clear();
            column
                .ords
                .row_ids_for_docs(&self.pending, &mut self.docs, &mut self.rows);
            self.ords.clear();
            self.ords.resize(self.rows.len(), 0);
            column.ords.values.get_vals(&self.rows, &mut self.ords);
            for ord in &self.ords {
                if let Some(c) = column.counters.get_mut(*ord as usize) {
                    *c += 1;
                }
            }
        }
        self.pending.clear();
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.pending.push(doc);
        if self.pending.len() == BLOCK {
            self.count_pending();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.pending.extend_from_slice(docs);
        self.count_pending();
    }

    fn harvest(mut self) -> Counts {
        self.count_pending();
        self.columns
            .into_iter()
            .map(|column| {
                let Some(column) = column else {
                    return Vec::new();
                };
                let mut out = Vec::new();
                for (ord, n) in column.counters.into_iter().enumerate() {
                    if n == 0 {
                        continue;
                    }
                    let mut value = String::new();
                    if column
                        .strings
                        .ord_to_str(ord as u64, &mut value)
                        .unwrap_or(false)
                    {
                        out.push((value, u64::from(n)));
                    }
                }
                out
            })
            .collect()
    }
}
