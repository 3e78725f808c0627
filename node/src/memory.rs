//! Handing freed memory back to the system after a burst of work (a cold subscribe, a large
//! catch-up). Allocators keep freed pages for reuse: per thread (mimalloc's heaps on the
//! threads that applied a page) and per arena (glibc's, which RocksDB's C++ uses). The
//! allocator is the binary's choice (`main.rs`), so the library only says *when*
//! ([`ReleaseTrigger`], followed by the sync engine); the binary installs *how*. Without an
//! installed release, nothing happens (tests, other embedders).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Installs the process's release of freed memory; the first call wins.
pub fn set_release(release: fn()) {
    let _ = RELEASE.set(release);
}

/// Runs the installed release, if any. It may take milliseconds (it visits worker threads
/// and allocator arenas): call it from a blocking context, after a burst, not per step.
pub fn release() {
    if let Some(release) = RELEASE.get() {
        release();
    }
}

/// When to hand freed memory back: once at least `after_changes` changes were received since
/// the last release, as soon as `quiet` has passed without any received change (so not in the
/// middle of a sync, nor while a trickle of edits goes on). Pure: the caller passes the time.
#[derive(Debug, Clone)]
pub struct ReleaseTrigger {
    after_changes: usize,
    quiet: Duration,
    received: usize,
    last_received: Option<Instant>,
}

impl ReleaseTrigger {
    pub fn new(after_changes: usize, quiet: Duration) -> ReleaseTrigger {
        ReleaseTrigger {
            after_changes,
            quiet,
            received: 0,
            last_received: None,
        }
    }

    /// `changes` arrived from a peer at `now`.
    pub fn received(&mut self, changes: usize, now: Instant) {
        if changes > 0 {
            self.received = self.received.saturating_add(changes);
            self.last_received = Some(now);
        }
    }

    /// When the release falls due, if enough changes arrived: the last one plus `quiet`.
    pub fn due_at(&self) -> Option<Instant> {
        let last = self.last_received?;
        (self.received >= self.after_changes).then(|| last + self.quiet)
    }

    /// Whether the release is due at `now`; if so, counting starts again.
    pub fn take_due(&mut self, now: Instant) -> bool {
        match self.due_at() {
            Some(at) if now >= at => {
                self.received = 0;
                self.last_received = None;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIET: Duration = Duration::from_secs(1);

    #[test]
    fn a_release_falls_due_only_after_enough_changes_and_a_quiet_second() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut trigger = ReleaseTrigger::new(500, QUIET);
        trigger.received(499, at(0));
        assert_eq!(trigger.due_at(), None, "below the threshold");
        assert!(!trigger.take_due(at(10_000)));
        trigger.received(0, at(100));
        assert_eq!(trigger.due_at(), None, "an empty frame counts nothing");
        trigger.received(1, at(200));
        assert_eq!(trigger.due_at(), Some(at(1_200)));
        // Any change, however few, postpones it: the sync is still going.
        trigger.received(1, at(900));
        assert_eq!(trigger.due_at(), Some(at(1_900)));
        assert!(!trigger.take_due(at(1_899)));
        assert!(trigger.take_due(at(1_900)));
        // Once taken, counting starts again.
        assert_eq!(trigger.due_at(), None);
        assert!(!trigger.take_due(at(5_000)));
        trigger.received(300, at(6_000));
        assert_eq!(trigger.due_at(), None);
        trigger.received(200, at(6_500));
        assert_eq!(trigger.due_at(), Some(at(7_500)));
    }

    #[test]
    fn a_trickle_of_edits_never_falls_due_while_it_lasts() {
        let start = Instant::now();
        let mut trigger = ReleaseTrigger::new(500, QUIET);
        for i in 0..10_000u64 {
            let now = start + Duration::from_millis(200 * i);
            assert!(!trigger.take_due(now), "due at edit {i}");
            trigger.received(1, now);
        }
        let last = start + Duration::from_millis(200 * 9_999);
        assert!(trigger.take_due(last + QUIET), "due once it stops");
    }
}
