//! When to dial a member that is not connected: a pure policy (every time is passed in) that the
//! network's event loop asks on each tick.
//!
//! - A member never seen, or not seen for [`RECENT`], is dialled with exponential backoff: the
//!   configured first delay, doubling, up to the configured maximum (a centre that is down for
//!   days is not hammered).
//! - A member seen within [`RECENT`] was just cut off (a restart, a partition, a flaky link):
//!   it is dialled from [`FAST_FIRST`], doubling up to [`FAST_MAX`], so links come back within
//!   a quarter of a second of the network healing instead of after the backoff reached so far.
//! - Any member connecting is evidence that the network is back: every member still waiting is
//!   dialled at once.
//!
//! Each delay gets up to a quarter more, fixed per member, so that the members of a
//! federation cut off together do not all dial at the same instant.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;
use tokio::time::Instant;

/// How long after it was last connected a member counts as recently seen.
pub const RECENT: Duration = Duration::from_secs(300);
/// First delay before redialling a recently seen member.
pub const FAST_FIRST: Duration = Duration::from_millis(100);
/// Longest delay between two dials of a recently seen member. A dial is cheap (refused at
/// once when the partner's process is down; never two at once to one member when packets are
/// dropped), and this bounds the wait for the first dial after a network heals.
pub const FAST_MAX: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, Copy)]
struct Waiting {
    next: Instant,
    delay: Duration,
}

/// The redial schedule of every member that is not connected.
#[derive(Debug)]
pub struct Redial<P> {
    first: Duration,
    max: Duration,
    last_seen: HashMap<P, Instant>,
    waiting: HashMap<P, Waiting>,
}

impl<P: Copy + Eq + Hash> Redial<P> {
    /// `first` and `max`: the backoff of members not recently seen (`redial_secs`,
    /// `redial_max_secs`).
    pub fn new(first: Duration, max: Duration) -> Redial<P> {
        Redial {
            first,
            max: max.max(first),
            last_seen: HashMap::new(),
            waiting: HashMap::new(),
        }
    }

    /// How often the event loop should ask [`Redial::due`].
    pub fn tick(&self) -> Duration {
        self.first.min(FAST_FIRST)
    }

    /// `peer` connected: it waits no more, and every member still waiting is due at once.
    pub fn connected(&mut self, peer: P, now: Instant) {
        self.last_seen.insert(peer, now);
        self.waiting.remove(&peer);
        let recent = |p: &P| self.recently_seen(p, now);
        let restarted: Vec<(P, Duration)> = self
            .waiting
            .keys()
            .map(|p| (*p, if recent(p) { FAST_FIRST } else { self.first }))
            .collect();
        for (p, delay) in restarted {
            self.waiting.insert(p, Waiting { next: now, delay });
        }
    }

    /// `peer`'s last connection closed: it is recently seen from now on.
    pub fn disconnected(&mut self, peer: P, now: Instant) {
        self.last_seen.insert(peer, now);
        let delay = FAST_FIRST.min(self.first);
        self.waiting.insert(
            peer,
            Waiting {
                next: now + self.jittered(&peer, delay),
                delay: (delay * 2).min(self.cap(&peer, now)),
            },
        );
    }

    /// Of the members not connected (`missing`), those to dial now; their next dial is
    /// scheduled. A member met here for the first time is due at once.
    pub fn due(&mut self, missing: impl IntoIterator<Item = P>, now: Instant) -> Vec<P> {
        let mut out = Vec::new();
        for peer in missing {
            let first = if self.recently_seen(&peer, now) {
                FAST_FIRST.min(self.first)
            } else {
                self.first
            };
            let w = *self.waiting.entry(peer).or_insert(Waiting {
                next: now,
                delay: first,
            });
            if now < w.next {
                continue;
            }
            let cap = self.cap(&peer, now);
            let delay = w.delay.min(cap);
            self.waiting.insert(
                peer,
                Waiting {
                    next: now + self.jittered(&peer, delay),
                    delay: (delay * 2).min(cap),
                },
            );
            out.push(peer);
        }
        out
    }

    fn recently_seen(&self, peer: &P, now: Instant) -> bool {
        self.last_seen
            .get(peer)
            .is_some_and(|t| now.saturating_duration_since(*t) < RECENT)
    }

    fn cap(&self, peer: &P, now: Instant) -> Duration {
        if self.recently_seen(peer, now) {
            FAST_MAX.min(self.max)
        } else {
            self.max
        }
    }

    /// `delay` plus 0-24 % of it, fixed per member.
    fn jittered(&self, peer: &P, delay: Duration) -> Duration {
        use std::hash::Hasher;
        let mut h = std::hash::DefaultHasher::new();
        peer.hash(&mut h);
        let spread = u32::try_from(h.finish() % 25).expect("below 25");
        delay + delay * spread / 100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [u8; 2] = [1, 2];
    const B: [u8; 2] = [3, 4];

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// The times (ms from `start`) at which `peer` is dialled over `until` ms, asked every ms.
    fn dials(r: &mut Redial<[u8; 2]>, peer: [u8; 2], start: Instant, until: u64) -> Vec<u64> {
        (0..until)
            .filter(|t| !r.due([peer], start + ms(*t)).is_empty())
            .collect()
    }

    #[test]
    fn a_member_never_seen_is_dialled_with_the_configured_backoff() {
        let start = Instant::now();
        let mut r = Redial::new(ms(2_000), ms(8_000));
        let times = dials(&mut r, A, start, 40_000);
        assert_eq!(times[0], 0, "due at once");
        let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        // 2 s, 4 s, 8 s, 8 s ... each up to a quarter more.
        for (gap, base) in gaps.iter().zip([2_000, 4_000, 8_000, 8_000]) {
            assert!((base..=base * 5 / 4).contains(gap), "{gaps:?}");
        }
    }

    #[test]
    fn a_member_just_cut_off_is_redialled_within_a_fraction_of_a_second() {
        let start = Instant::now();
        let mut r = Redial::new(ms(2_000), ms(60_000));
        r.connected(A, start);
        r.disconnected(A, start + ms(1_000));
        let times = dials(&mut r, A, start + ms(1_000), 20_000);
        assert!((100..=125).contains(&times[0]), "{times:?}");
        let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            gaps.iter().all(|g| *g <= 313),
            "never more than 0.25 s (and its jitter) apart: {gaps:?}"
        );
        assert!(
            gaps.iter().rev().take(3).all(|g| *g >= 250),
            "backs off to 0.25 s: {gaps:?}"
        );
    }

    #[test]
    fn a_member_gone_for_long_goes_back_to_the_slow_backoff() {
        let start = Instant::now();
        let mut r = Redial::new(ms(2_000), ms(60_000));
        r.connected(A, start);
        r.disconnected(A, start);
        let later = start + RECENT + ms(1);
        let times = dials(&mut r, A, later, 200_000);
        let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().any(|g| *g >= 60_000), "{gaps:?}");
    }

    #[test]
    fn any_member_connecting_makes_every_waiting_member_due_at_once() {
        let start = Instant::now();
        let mut r = Redial::new(ms(2_000), ms(60_000));
        // B has never been reachable and has backed off far.
        let _ = dials(&mut r, B, start, 100_000);
        let now = start + ms(100_000);
        assert!(r.due([B], now).is_empty(), "waiting");
        r.connected(A, now);
        assert_eq!(r.due([B], now), vec![B]);
        // And from there the backoff starts over.
        let times = dials(&mut r, B, now + ms(1), 3_000);
        assert!(times.first().is_some_and(|t| *t >= 1_999), "{times:?}");
    }
}
