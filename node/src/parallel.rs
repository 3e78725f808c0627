//! Work spread over the cores inside one step of the task that owns the state (the sync
//! engine's replicas): the items are borrowed for the call only, and the results come back in
//! the items' order, as one after the other would give them.

/// Below this many items, they are worked through on the calling thread (handing work to
/// other threads costs microseconds; a session page holds up to 2,000 documents).
pub const PARALLEL_FROM: usize = 8;

/// `f` over each item, on every core when there are enough items (rayon's pool, one thread
/// per core); the results in the items' order. Each task runs inside the caller's tracing
/// span, so a line logged there (Automerge logs some malformed input) names the node.
pub fn on_every_core<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    if items.len() < PARALLEL_FROM {
        items.into_iter().map(f).collect()
    } else {
        let span = tracing::Span::current();
        items
            .into_par_iter()
            .map(|item| span.in_scope(|| f(item)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_of_the_items() {
        for n in [0, 1, PARALLEL_FROM - 1, PARALLEL_FROM, 1_000] {
            let items: Vec<usize> = (0..n).collect();
            let squares = on_every_core(items, |i| i * i);
            assert_eq!(squares, (0..n).map(|i| i * i).collect::<Vec<_>>());
        }
    }
}
