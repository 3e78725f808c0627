//! Which process of a member each of its connections reaches: a pure rule (no libp2p in it)
//! that the network's event loop feeds with identify results and closed connections.
//!
//! Each process puts a boot tag, drawn at start, in its identify agent version. A killed
//! process sends no close, so its partners keep its connections (dead) until they time out;
//! once a connection identifies another process than the one last identified, the member
//! restarted: every other connection not to that process is dead or about to be (a crossed
//! dial of the new process not yet identified is closed too: one is enough). A connection
//! that identifies a process already replaced is closed at once.
//!
//! A connection that never identified, opened well before another one that does, is dead too:
//! a live process answers identify first thing on a new connection, so it reached a process
//! killed just after connecting ([`UNIDENTIFIED_GRACE`]). Without this, a partner killed that
//! early would leave a dead connection that requests keep being sent on.
//!
//! Only a member's own connections are ever closed this way: they are keyed by its
//! authenticated peer id. A member without tags (an older version) closes nothing.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::time::Duration;
use tokio::time::Instant;

/// How long a connection may stay without identifying while a newer one of the same member
/// identifies before it counts as reaching a dead process. A closed live connection costs a
/// redial at most (the member keeps the one that identified).
pub const UNIDENTIFIED_GRACE: Duration = Duration::from_millis(500);

/// How many replaced processes of one member are remembered (a late identify of one of them
/// closes that connection instead of counting as another restart).
const RETIRED: usize = 8;

/// What an identify result means.
#[derive(Debug, PartialEq, Eq)]
pub enum Identified<C> {
    /// The process already known (or the first one, or no tag): nothing to close.
    Known,
    /// The member restarted: these connections, to its previous process, are to be closed.
    Restarted(Vec<C>),
    /// This connection is to be closed: it reaches a process that was already replaced, or
    /// its process changed its tag (a process never does; a member that pushes another one on
    /// a live connection would otherwise restart itself here at will).
    Replaced,
    /// The process already known; these older connections never identified and are dead
    /// ([`UNIDENTIFIED_GRACE`]): to be closed, with no restart to tell.
    Stale(Vec<C>),
}

#[derive(Debug)]
struct Connection {
    opened: Instant,
    tag: Option<String>,
}

#[derive(Debug)]
struct Member<C> {
    connections: HashMap<C, Connection>,
    current: Option<String>,
    retired: VecDeque<String>,
}

impl<C> Default for Member<C> {
    fn default() -> Self {
        Member {
            connections: HashMap::new(),
            current: None,
            retired: VecDeque::new(),
        }
    }
}

/// The processes of every connected member.
#[derive(Debug)]
pub struct Boots<P, C> {
    members: HashMap<P, Member<C>>,
}

impl<P, C> Default for Boots<P, C> {
    fn default() -> Self {
        Boots {
            members: HashMap::new(),
        }
    }
}

impl<P: Copy + Eq + Hash, C: Copy + Eq + Hash> Boots<P, C> {
    /// A connection to `peer` opened; its process is not known until it identifies.
    pub fn opened(&mut self, peer: P, connection: C, now: Instant) {
        let member = self.members.entry(peer).or_default();
        member.connections.entry(connection).or_insert(Connection {
            opened: now,
            tag: None,
        });
    }

    /// `connection` to `peer` identified the process tagged `tag`.
    pub fn identified(
        &mut self,
        peer: P,
        connection: C,
        tag: Option<String>,
        now: Instant,
    ) -> Identified<C> {
        let member = self.members.entry(peer).or_default();
        let this = member.connections.entry(connection).or_insert(Connection {
            opened: now,
            tag: None,
        });
        let opened = this.opened;
        let Some(tag) = tag else {
            return Identified::Known;
        };
        match &this.tag {
            // Identify again (periodically, or pushed): the same process.
            Some(had) if *had == tag => return Identified::Known,
            Some(_) => {
                member.connections.remove(&connection);
                return Identified::Replaced;
            }
            None => {}
        }
        if member.retired.contains(&tag) {
            member.connections.remove(&connection);
            return Identified::Replaced;
        }
        this.tag = Some(tag.clone());
        let previous = member.current.replace(tag.clone());
        let stale: Vec<C> = member
            .connections
            .iter()
            .filter(|(_, c)| {
                c.tag.is_none()
                    && c.opened < opened
                    && now.duration_since(c.opened) >= UNIDENTIFIED_GRACE
            })
            .map(|(id, _)| *id)
            .collect();
        let restarted = previous.as_ref().is_some_and(|p| p != &tag)
            || member
                .connections
                .values()
                .any(|c| c.tag.as_ref().is_some_and(|t| t != &tag))
            || (previous.is_none() && !stale.is_empty());
        if !restarted {
            if stale.is_empty() {
                return Identified::Known;
            }
            for c in &stale {
                member.connections.remove(c);
            }
            return Identified::Stale(stale);
        }
        let mut gone: Vec<String> = member
            .connections
            .values()
            .filter_map(|c| c.tag.as_ref())
            .filter(|t| **t != tag)
            .cloned()
            .collect();
        gone.extend(previous.filter(|p| p != &tag));
        for t in gone {
            if !member.retired.contains(&t) {
                if member.retired.len() == RETIRED {
                    member.retired.pop_front();
                }
                member.retired.push_back(t);
            }
        }
        let dead: Vec<C> = member
            .connections
            .iter()
            .filter(|(c, other)| **c != connection && other.tag.as_ref() != Some(&tag))
            .map(|(c, _)| *c)
            .collect();
        for c in &dead {
            member.connections.remove(c);
        }
        Identified::Restarted(dead)
    }

    /// A connection to `peer` closed; `established`: its connections still open. With none
    /// left, the member is forgotten: its next process is its first again (the engine heard
    /// it go down).
    pub fn closed(&mut self, peer: P, connection: C, established: usize) {
        if established == 0 {
            self.members.remove(&peer);
        } else if let Some(member) = self.members.get_mut(&peer) {
            member.connections.remove(&connection);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(t: &str) -> Option<String> {
        Some(t.to_owned())
    }

    fn sorted(mut v: Vec<u32>) -> Vec<u32> {
        v.sort_unstable();
        v
    }

    /// A member's connections, each opened and identified at a time in milliseconds.
    struct Member {
        boots: Boots<&'static str, u32>,
        start: Instant,
    }

    impl Member {
        fn new() -> Member {
            Member {
                boots: Boots::default(),
                start: Instant::now(),
            }
        }
        fn at(&self, ms: u64) -> Instant {
            self.start + Duration::from_millis(ms)
        }
        fn open(&mut self, c: u32, ms: u64) {
            let now = self.at(ms);
            self.boots.opened("lv", c, now);
        }
        fn identify(&mut self, c: u32, t: Option<String>, ms: u64) -> Identified<u32> {
            let now = self.at(ms);
            self.boots.identified("lv", c, t, now)
        }
        fn close(&mut self, c: u32, left: usize) {
            self.boots.closed("lv", c, left);
        }
    }

    fn restarted(i: Identified<u32>) -> Vec<u32> {
        match i {
            Identified::Restarted(dead) => sorted(dead),
            other => panic!("not a restart: {other:?}"),
        }
    }

    #[test]
    fn connections_to_a_previous_process_are_dead_once_its_successor_identifies() {
        let mut m = Member::new();
        // Two crossed dials of one process: both stay.
        m.open(1, 0);
        m.open(2, 1);
        assert_eq!(m.identify(1, tag("aaaa"), 2), Identified::Known);
        assert_eq!(m.identify(2, tag("aaaa"), 3), Identified::Known);
        // Its successor: both are dead.
        m.open(3, 5_000);
        assert_eq!(restarted(m.identify(3, tag("bbbb"), 5_001)), [1, 2]);
        // A late identify of the replaced process closes that connection, nothing else.
        m.open(4, 5_002);
        assert_eq!(m.identify(4, tag("aaaa"), 5_003), Identified::Replaced);
        assert_eq!(m.identify(3, tag("bbbb"), 5_004), Identified::Known);
    }

    #[test]
    fn a_restart_is_seen_when_the_previous_connection_closed_first_or_never_identified() {
        let mut m = Member::new();
        m.open(1, 0);
        m.identify(1, tag("aaaa"), 1);
        // The next process connects (2) before the killed one's connection (1) closes, and
        // identifies after that close: nothing left to close, a restart all the same.
        m.open(2, 1_000);
        m.close(1, 1);
        assert_eq!(
            restarted(m.identify(2, tag("bbbb"), 1_001)),
            Vec::<u32>::new()
        );
        // A process that connected (3) and was killed before identifying, then its successor
        // (4) half a second later: the unidentified connection is dead, and so is 2.
        m.open(3, 2_000);
        m.open(4, 2_500);
        assert_eq!(restarted(m.identify(4, tag("cccc"), 2_500)), [2, 3]);
    }

    #[test]
    fn a_crossed_dial_not_yet_identified_stays_and_a_first_process_is_no_restart() {
        let mut m = Member::new();
        // Two dials that crossed, the second identifying first: no restart, nothing closed,
        // whichever of them opened first.
        m.open(1, 0);
        m.open(2, 20);
        assert_eq!(m.identify(2, tag("aaaa"), 30), Identified::Known);
        assert_eq!(m.identify(1, tag("aaaa"), 40), Identified::Known);
        m.open(3, 1_000);
        m.open(4, 1_010);
        assert_eq!(m.identify(3, tag("aaaa"), 1_020), Identified::Known);
        // Once every connection closed, the engine heard the member go: its next process is
        // a first one.
        for (c, left) in [(1, 3), (2, 2), (3, 1), (4, 0)] {
            m.close(c, left);
        }
        m.open(5, 9_000);
        assert_eq!(m.identify(5, tag("bbbb"), 9_001), Identified::Known);
    }

    #[test]
    fn a_tag_changed_on_a_live_connection_closes_it_and_identify_again_changes_nothing() {
        let mut m = Member::new();
        m.open(1, 0);
        m.open(2, 1);
        m.identify(1, tag("aaaa"), 2);
        m.identify(2, tag("aaaa"), 3);
        // The periodic identify, minutes later, with an unidentified connection beside.
        m.open(3, 100_000);
        assert_eq!(m.identify(1, tag("aaaa"), 300_000), Identified::Known);
        // Another tag pushed on a live connection: that connection goes, no restart.
        assert_eq!(m.identify(2, tag("bbbb"), 300_001), Identified::Replaced);
        assert_eq!(m.identify(1, tag("aaaa"), 300_002), Identified::Known);
    }

    #[test]
    fn an_old_unidentified_connection_beside_the_known_process_is_closed_without_a_restart() {
        let mut m = Member::new();
        m.open(1, 0);
        m.identify(1, tag("aaaa"), 1);
        // 2 never identifies (its identify failed, or its process is gone); 3 is the same
        // process as 1.
        m.open(2, 1_000);
        m.open(3, 2_000);
        assert_eq!(
            m.identify(3, tag("aaaa"), 2_001),
            Identified::Stale(vec![2])
        );
    }

    #[test]
    fn the_oldest_replaced_process_is_forgotten_first() {
        let mut m = Member::new();
        for k in 0..=RETIRED as u32 {
            m.open(k, u64::from(k) * 1_000);
            m.identify(k, tag(&format!("t{k}")), u64::from(k) * 1_000 + 1);
        }
        // t0 … t7 were replaced; t8 runs. All eight are remembered.
        m.open(100, 50_000);
        assert_eq!(m.identify(100, tag("t0"), 50_001), Identified::Replaced);
        // One more process retires t8 and forgets t0, the oldest.
        m.open(101, 60_000);
        assert!(matches!(
            m.identify(101, tag("t9"), 60_001),
            Identified::Restarted(_)
        ));
        m.open(102, 60_002);
        assert_eq!(m.identify(102, tag("t1"), 60_003), Identified::Replaced);
        m.open(103, 60_004);
        assert!(matches!(
            m.identify(103, tag("t0"), 60_005),
            Identified::Restarted(_)
        ));
    }

    #[test]
    fn a_member_without_tags_closes_nothing() {
        let mut m = Member::new();
        m.open(1, 0);
        assert_eq!(m.identify(1, None, 1), Identified::Known);
        m.open(2, 5_000);
        assert_eq!(m.identify(2, None, 5_001), Identified::Known);
    }
}
