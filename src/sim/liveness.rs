//! The liveness watch: a leader must appear, within a bound, whenever a connected quorum
//! of live servers could elect one.

use super::checker::{Property, Violation, ViolationDetail};
use super::{describe_step, Sim};
use crate::raft::{Duration, ServerId, Time};
use crate::sorted::SortedSet;

/// The liveness watch: how long the cluster has gone without a leader while it could
/// have elected one.
#[derive(Clone, Debug, Default)]
pub(super) struct LivenessWatch {
    pub(super) next_check: Time,
    pub(super) leaderless_since: Option<Time>,
    /// The quorum candidates (sets of live, pairwise connected servers that no outsider
    /// can reach); recomputed when servers or links change.
    pub(super) groups: Option<Vec<Vec<ServerId>>>,
    /// How many groups the watch has judged, and how many servers it has looked at one
    /// by one to do so, since the run started: its work, which [`super::Work`] reports.
    pub(super) judged: u64,
    pub(super) visited: u64,
}

/// How often liveness is checked, in simulated microseconds.
pub(super) const LIVENESS_CHECK_US: u64 = 10_000;
/// No leader for this many maximum election timeouts, while one could be elected, is a
/// liveness violation.
pub const LIVENESS_TIMEOUTS: u64 = 20;
/// Above this loss rate the liveness watch does not judge.
pub const LIVENESS_MAX_LOSS: f64 = 0.1;

impl Sim {
    // ---- Liveness ---------------------------------------------------------------------

    /// Liveness is judged only while a leader could be elected: loss at most
    /// [`LIVENESS_MAX_LOSS`], a round trip shorter than the minimum election timeout, and
    /// some set Q of live servers that are connected to each other in both directions and
    /// that no other live server can reach, where the most up-to-date member of Q is a
    /// voter and Q holds a quorum of that member's configuration (both halves of a joint
    /// one). Then a leader must appear in Q within [`LIVENESS_TIMEOUTS`] maximum election
    /// timeouts.
    pub(super) fn check_liveness(&mut self) {
        let c = &self.world.config;
        let judged = c.network.loss <= LIVENESS_MAX_LOSS && 2 * c.network.latency_max_ms < c.election_timeout_min_ms;
        let limit = LIVENESS_TIMEOUTS * c.election_timeout_max_ms * 1000;
        let stuck = judged && self.leaderless_quorum().is_some();
        let now = self.world.now;
        if !stuck {
            self.world.liveness.leaderless_since = None;
            return;
        }
        let since = *self.world.liveness.leaderless_since.get_or_insert(now);
        if now.0 - since.0 > limit && !self.world.checker.violated(Property::Liveness) {
            let q = self.leaderless_quorum().unwrap_or_default();
            let terms = q.iter().filter_map(|s| self.slot(*s)).map(|s| s.node.term()).collect::<SortedSet<_>>();
            let detail = ViolationDetail::NoLeader {
                servers: q.iter().copied().collect(),
                waited: Duration(now.0 - since.0),
                timeouts: LIVENESS_TIMEOUTS,
            };
            let event = describe_step(&self.history, self.world.current_event.as_ref());
            self.world.checker.report(Violation {
                property: Property::Liveness,
                time: now,
                event: self.world.events,
                event_description: event,
                servers: q,
                terms: terms.into_iter().collect(),
                indices: vec![],
                detail,
            });
        }
    }

    /// A quorum group (see [`Sim::check_liveness`]) that has no leader, if there is one.
    fn leaderless_quorum(&mut self) -> Option<Vec<ServerId>> {
        if self.world.liveness.groups.is_none() {
            self.world.liveness.groups = Some(self.isolated_groups());
        }
        let groups = self.world.liveness.groups.as_ref().expect("just computed");
        let leaders = self.live_leaders();
        let (mut judged, mut visited) = (0, 0);
        let mut found = None;
        for q in groups {
            // A group lists its servers in order (see `isolated_groups`): membership is a
            // binary search. A group with a leader is passed over without looking at its
            // other servers: a long sweep keeps hundreds of removed servers running.
            debug_assert!(q.is_sorted());
            let member = |id: ServerId| Some(q.binary_search(&id).is_ok());
            judged += 1;
            visited += leaders.len() as u64;
            if leaders.iter().any(|l| q.binary_search(l).is_ok()) {
                continue;
            }
            visited += q.len() as u64;
            let best = q
                .iter()
                .filter_map(|s| self.slot(*s))
                .map(|s| (s.node.log().last_term(), s.node.log().last_index()))
                .max();
            let electable = q.iter().filter_map(|s| self.slot(*s)).any(|s| {
                let n = &s.node;
                Some((n.log().last_term(), n.log().last_index())) == best
                    && n.can_campaign()
                    && n.configuration().vote_result(member) == crate::raft::VoteResult::Won
            });
            if electable {
                found = Some(q.clone());
                break;
            }
        }
        self.world.liveness.judged += judged;
        self.world.liveness.visited += visited;
        found
    }

    /// Sets of live servers, pairwise connected both ways, that no other live server can
    /// send to; each in the order of the servers' numbers.
    fn isolated_groups(&self) -> Vec<Vec<ServerId>> {
        let live: Vec<ServerId> = self.world.servers.iter().filter(|s| s.alive).map(|s| s.node.id()).collect();
        let t = &self.world.topology;
        let isolated = |q: &[ServerId]| {
            q.iter().all(|a| q.iter().all(|b| a == b || t.connected(*a, *b)))
                && live.iter().filter(|o| !q.contains(o)).all(|o| q.iter().all(|m| !t.can_send(*o, *m)))
        };
        let mut groups: Vec<Vec<ServerId>> = Vec::new();
        if t.cut_links().is_empty() {
            // Partition groups alone: each group's live members.
            let mut by_group: crate::sorted::SortedMap<u32, Vec<ServerId>> = Default::default();
            for s in &live {
                by_group.get_or_insert_with(t.group_of(*s), Vec::new).push(*s);
            }
            groups.extend(by_group.into_values());
        } else if live.len() <= 12 {
            for mask in 1u32..(1 << live.len()) {
                let q: Vec<ServerId> = (0..live.len()).filter(|b| mask & (1 << b) != 0).map(|b| live[b]).collect();
                if isolated(&q) {
                    groups.push(q);
                }
            }
        }
        groups
    }
}
