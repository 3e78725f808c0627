//! What the sync engine hears of a member's connections: a pure rule (no libp2p in it) that
//! the network's event loop feeds with connection events.
//!
//! - A member is up when its first connection opens, and down when its last one closes.
//! - A member whose process restarted (a connection of a new process identified while those
//!   of the killed one were still open: a killed process sends no close) goes down at once,
//!   and up again only once those dead connections are closed. Until then a request could go
//!   out on one of them and fail, and the sessions its return starts would be lost. Not
//!   longer than [`CLOSE_WAIT`]: a TCP connection may take minutes to close towards an
//!   address that no longer answers.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::time::Duration;
use tokio::time::Instant;

/// Longest wait for a restarted member's dead connections to close before it counts as up.
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// A change the engine hears of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Up,
    Down,
}

/// Which members are up, and the dead connections of each restarted one still closing.
#[derive(Debug)]
pub struct Presence<P, C> {
    up: HashSet<P>,
    /// Per restarted member, its dead connections still closing, and until when to wait.
    closing: HashMap<P, (HashSet<C>, Instant)>,
}

impl<P, C> Default for Presence<P, C> {
    fn default() -> Self {
        Presence {
            up: HashSet::new(),
            closing: HashMap::new(),
        }
    }
}

impl<P: Copy + Eq + Hash, C: Copy + Eq + Hash> Presence<P, C> {
    /// Whether the engine counts `peer` as up.
    #[cfg(test)]
    pub fn is_up(&self, peer: &P) -> bool {
        self.up.contains(peer)
    }

    /// The members the engine counts as up.
    pub fn up(&self) -> impl Iterator<Item = &P> {
        self.up.iter()
    }

    /// A connection to `peer` opened; `established`: its connections now open, this one
    /// included.
    pub fn opened(&mut self, peer: P, established: usize) -> Option<Change> {
        (established == 1 && !self.closing.contains_key(&peer) && self.up.insert(peer))
            .then_some(Change::Up)
    }

    /// A connection to `peer` closed; `established`: its connections still open.
    pub fn closed(&mut self, peer: P, connection: C, established: usize) -> Option<Change> {
        if let Some((closing, _)) = self.closing.get_mut(&peer)
            && closing.remove(&connection)
            && closing.is_empty()
        {
            self.closing.remove(&peer);
            if established > 0 && self.up.insert(peer) {
                return Some(Change::Up);
            }
        }
        (established == 0 && self.up.remove(&peer)).then_some(Change::Down)
    }

    /// `peer` restarted: `closing` are the connections to its previous process, being closed
    /// now; `established`: its connections open, those included. Down at once, up once the
    /// last of them has closed (or at once when none is left to wait for).
    pub fn restarted(
        &mut self,
        peer: P,
        closing: impl IntoIterator<Item = C>,
        established: usize,
        now: Instant,
    ) -> Vec<Change> {
        let mut changes = Vec::new();
        if self.up.remove(&peer) {
            changes.push(Change::Down);
        }
        let (waiting, until) = self
            .closing
            .entry(peer)
            .or_insert_with(|| (HashSet::new(), now));
        waiting.extend(closing);
        *until = now + CLOSE_WAIT;
        if waiting.is_empty() {
            self.closing.remove(&peer);
            if established > 0 && self.up.insert(peer) {
                changes.push(Change::Up);
            }
        }
        changes
    }

    /// The restarted members whose dead connections took longer than [`CLOSE_WAIT`] to
    /// close: no longer waited for, and up if `open` (connected) still.
    pub fn overdue(&mut self, now: Instant, open: impl Fn(&P) -> bool) -> Vec<P> {
        let late: Vec<P> = self
            .closing
            .iter()
            .filter(|(_, (_, until))| now >= *until)
            .map(|(p, _)| *p)
            .collect();
        let mut up = Vec::new();
        for peer in late {
            self.closing.remove(&peer);
            if open(&peer) && self.up.insert(peer) {
                up.push(peer);
            }
        }
        up
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restarted_peer_is_down_at_once_and_up_only_when_its_dead_connections_are_closed() {
        let mut p: Presence<&str, u32> = Presence::default();
        assert_eq!(p.opened("lv", 1), Some(Change::Up));
        assert_eq!(
            p.opened("lv", 2),
            None,
            "a second connection changes nothing"
        );
        // The new process's connection (3) identified; 1 and 2 belong to the killed one.
        assert_eq!(p.opened("lv", 3), None);
        assert_eq!(p.restarted("lv", [1, 2], 3, Instant::now()), [Change::Down]);
        assert!(!p.is_up(&"lv"));
        assert_eq!(p.closed("lv", 1, 2), None, "one dead connection still open");
        assert!(!p.is_up(&"lv"));
        assert_eq!(
            p.closed("lv", 2, 1),
            Some(Change::Up),
            "only the new one left"
        );
        assert!(p.is_up(&"lv"));
        assert_eq!(p.closed("lv", 3, 0), Some(Change::Down));
        assert!(p.up().next().is_none());
    }

    #[test]
    fn a_dead_connection_that_does_not_close_is_waited_for_two_seconds_at_most() {
        let mut p: Presence<&str, u32> = Presence::default();
        let start = Instant::now();
        p.opened("se", 1);
        p.opened("se", 2);
        assert_eq!(p.restarted("se", [1], 2, start), [Change::Down]);
        let open = |_: &&str| true;
        assert!(p.overdue(start + CLOSE_WAIT / 2, open).is_empty());
        // A second restart while waiting: the wait starts again, for both.
        p.opened("se", 3);
        assert!(p.restarted("se", [2], 2, start + CLOSE_WAIT / 2).is_empty());
        assert!(p.overdue(start + CLOSE_WAIT, open).is_empty());
        assert_eq!(p.overdue(start + CLOSE_WAIT * 3 / 2, open), ["se"]);
        assert!(p.is_up(&"se"));
        // The late closes change nothing; the last connection's close takes it down.
        assert_eq!(p.closed("se", 1, 2), None);
        assert_eq!(p.closed("se", 2, 1), None);
        assert_eq!(p.closed("se", 3, 0), Some(Change::Down));
        // Overdue but no longer connected: not up.
        p.opened("se", 4);
        p.opened("se", 5);
        p.restarted("se", [4], 2, start);
        assert!(p.overdue(start + CLOSE_WAIT, |_| false).is_empty());
        assert!(!p.is_up(&"se"));
    }

    #[test]
    fn a_restart_with_nothing_left_to_close_is_down_then_up_and_a_vanished_peer_stays_down() {
        let mut p: Presence<&str, u32> = Presence::default();
        p.opened("fr", 1);
        p.opened("fr", 2);
        // The dead connection was already gone when its successor identified.
        assert_eq!(
            p.restarted("fr", [], 1, Instant::now()),
            [Change::Down, Change::Up]
        );
        // Another restart whose new connection too closes before the dead one.
        assert_eq!(p.restarted("fr", [1], 2, Instant::now()), [Change::Down]);
        assert_eq!(p.closed("fr", 2, 1), None);
        assert_eq!(p.closed("fr", 1, 0), None, "nothing open: it stays down");
        assert!(!p.is_up(&"fr"));
        assert_eq!(
            p.opened("fr", 1),
            Some(Change::Up),
            "its next connection brings it up"
        );
    }
}
