//! Handing freed memory back to the system after a burst of work (a cold subscribe, a large
//! catch-up). Allocators keep freed pages for reuse: per thread (mimalloc's heaps on the
//! threads that applied a page) and per arena (glibc's, which RocksDB's C++ uses). The
//! allocator is the binary's choice (`main.rs`), so the library only says *when*
//! ([`ReleaseTrigger`], followed by the sync engine); the binary installs *how*. Without an
//! installed release, nothing happens (tests, other embedders).

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The process's release: what it does for the process, and for the calling thread alone.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    /// Visits the threads and arenas it can reach from one blocking call.
    pub process: fn(),
    /// Hands back what the calling thread's allocator keeps: run by each long-lived thread
    /// when it next goes idle after a release ([`thread_idle`]), since no call reaches into
    /// another thread.
    pub this_thread: fn(),
}

static RELEASE: OnceLock<Release> = OnceLock::new();
/// Releases run so far; each long-lived thread catches up with it when it goes idle.
static RELEASES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The releases this thread has caught up with.
    static CAUGHT_UP: Cell<u64> = const { Cell::new(0) };
}

/// Installs the process's release of freed memory; the first call wins.
pub fn set_release(release: Release) {
    let _ = RELEASE.set(release);
}

/// Whether a release is installed (the binary installs one; tests and other embedders do
/// not, and then nothing is done for one).
pub fn installed() -> bool {
    RELEASE.get().is_some()
}

/// Starts a release: counts it at once, so that each long-lived thread does its part the
/// next time it goes idle ([`thread_idle`]), and returns the process's part. That may take
/// milliseconds (it visits worker threads and allocator arenas): run it on a blocking
/// thread, after a burst, not per step.
pub fn start_release() -> impl FnOnce() + Send + 'static {
    RELEASES.fetch_add(1, Ordering::Relaxed);
    || {
        if let Some(release) = RELEASE.get() {
            (release.process)();
        }
    }
}

/// For a long-lived thread each time it goes idle (the async runtime's workers, from
/// `on_thread_park`; the store's writer and the search indexer, before they wait for work):
/// once after each release, that thread's own part of it. The sync engine runs on the
/// workers, the writer persists what it applies, the indexer indexes it, and each keeps
/// what it freed after a burst. A worker goes idle again within a tick; the writer and the
/// indexer, which are usually waiting already when a release starts, do their part once
/// their next work is done. A load and a compare otherwise.
pub fn thread_idle() {
    if CAUGHT_UP.with(|caught_up| catch_up(caught_up, RELEASES.load(Ordering::Relaxed)))
        && let Some(release) = RELEASE.get()
    {
        (release.this_thread)();
    }
}

/// Whether a thread that has caught up with `caught_up` releases must do its part now that
/// `releases` have run; if so, it has caught up with them.
fn catch_up(caught_up: &Cell<u64>, releases: u64) -> bool {
    let behind = caught_up.get() != releases;
    caught_up.set(releases);
    behind
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

    #[test]
    fn an_idle_thread_does_its_part_once_after_each_release() {
        let caught_up = Cell::new(0);
        assert!(!catch_up(&caught_up, 0), "no release yet");
        assert!(catch_up(&caught_up, 1), "idle after a release");
        assert!(!catch_up(&caught_up, 1), "idle again: done already");
        assert!(catch_up(&caught_up, 3), "two more releases: once");
        assert!(!catch_up(&caught_up, 3));
    }

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
