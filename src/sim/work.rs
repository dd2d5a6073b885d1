//! How much work the simulator's own bookkeeping has done, counted rather than timed: a
//! test can hold it to a bound per event without a clock (docs/performance.md, "Long
//! runs").

use super::checker::CheckerWork;
use super::Sim;

/// The work of a run so far. None of it changes what the run does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Events processed ([`Sim::events`]).
    pub events: u64,
    /// Groups of servers the liveness watch judged: each check takes the groups that
    /// could hold an election in turn, until one lacks a leader it could elect.
    pub liveness_groups: u64,
    /// Servers the liveness watch looked at one by one: the live leaders for each group
    /// it judges, and every server of a group that has no leader.
    pub liveness_visits: u64,
    /// The safety checker's work against the servers' (see [`CheckerWork`]).
    pub checker: CheckerWork,
}

impl Sim {
    /// The work of the run so far (it follows the run back when it travels back in time).
    pub fn work(&self) -> Work {
        Work {
            events: self.world.events,
            liveness_groups: self.world.liveness.judged,
            liveness_visits: self.world.liveness.visited,
            checker: self.world.checker.work(),
        }
    }
}
