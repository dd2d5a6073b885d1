//! Pacing: how much simulated time one second of wall time plays. Pacing never changes what
//! the simulator does (the same seed gives the same run, event for event, at any pace); it
//! only decides how long the reader has to watch each part of it.
//!
//! Two rules on top of the speed the reader chose:
//! - **An election in slow motion.** While a vote request or its reply (a pre-vote's too) is
//!   on the wire, time runs [`ELECTION_SLOWDOWN`] times slower, down to the slowest speed.
//!   At the default speed a heartbeat round takes about half a second of wall time, but an
//!   election's votes arrive within 20–40 ms of simulated time: without slow motion the
//!   candidate, its tally and the win flash by in about half a second.
//! - **Fast-forward** ([`FAST_FORWARD`] times the chosen speed), for exercises, whose goals
//!   often ask the cluster to hold a state for seconds of simulated time.

use crate::raft::MessageKind;
use crate::sim::Sim;
use crate::view::format::{SPEED_MAX, SPEED_MIN};

/// While votes are on the wire, time runs this many times slower.
pub const ELECTION_SLOWDOWN: f64 = 5.0;
/// Fast-forward plays this many times the chosen speed.
pub const FAST_FORWARD: f64 = 10.0;

/// The pace the page plays at now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// The speed the reader chose.
    Chosen,
    /// An election is under way: slow motion.
    Election,
    /// The reader asked for fast-forward.
    FastForward,
}

impl Pace {
    /// The simulated time one wall second plays at this pace, for the chosen `speed`. Slow
    /// motion never goes below the slowest speed (or the chosen one, if that is slower).
    pub fn speed(self, speed: f64) -> f64 {
        match self {
            Pace::Chosen => speed,
            Pace::Election => (speed / ELECTION_SLOWDOWN).max(SPEED_MIN.min(speed)),
            Pace::FastForward => (speed * FAST_FORWARD).min(SPEED_MAX),
        }
    }
}

/// The pace for the cluster as it is now: fast-forward if asked for, else slow motion while
/// votes are on the wire, at speeds a reader watches (real time or slower) and above the
/// slowest (which slow motion would not change: the page never says it slows when it does not).
pub fn pace(sim: &Sim, speed: f64, fast_forward: bool) -> Pace {
    if fast_forward {
        Pace::FastForward
    } else if speed <= 1.0 && speed > SPEED_MIN && votes_in_flight(sim) {
        Pace::Election
    } else {
        Pace::Chosen
    }
}

/// A vote request or a reply to one (pre-votes included) is on the wire now.
pub fn votes_in_flight(sim: &Sim) -> bool {
    use MessageKind::*;
    sim.history().in_flight_at(sim.now()).any(|m| {
        matches!(m.kind(), RequestVote | VoteGranted | VoteRefused | PreVote | PreVoteGranted | PreVoteRefused)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{RoleKind, Time};
    use crate::sim::SimConfig;
    use crate::view::format::DEFAULT_SPEED;

    /// Plays `sim` as the page does, one 60 Hz frame at a time at `speed`, paced, until
    /// `done` holds: the wall time it took, in ms (computed, not measured), and each frame's
    /// pace.
    fn play(sim: &mut Sim, speed: f64, done: impl Fn(&Sim) -> bool) -> (f64, Vec<Pace>) {
        const FRAME_MS: f64 = 1000.0 / 60.0;
        let (mut wall, mut carry, mut paces) = (0.0, 0.0, Vec::new());
        while !done(sim) {
            let p = pace(sim, speed, false);
            paces.push(p);
            carry += FRAME_MS * 1000.0 * p.speed(speed);
            let whole = carry.floor();
            carry -= whole;
            sim.run_until(Time(sim.now().0 + whole as u64));
            wall += FRAME_MS;
            assert!(wall < 600_000.0, "ten minutes of wall time and still not done");
        }
        (wall, paces)
    }

    fn roles(sim: &Sim, role: RoleKind) -> usize {
        sim.servers().iter().filter(|s| s.alive && s.node.role_kind() == role).count()
    }

    #[test]
    fn slow_motion_and_fast_forward_change_the_speed_within_its_bounds() {
        assert_eq!(Pace::Chosen.speed(0.05), 0.05);
        assert_eq!(Pace::Election.speed(0.05), 0.01);
        assert_eq!(Pace::Election.speed(0.02), SPEED_MIN, "never below the slowest speed");
        assert_eq!(Pace::Election.speed(0.005), 0.005, "nor below a slower chosen one");
        assert_eq!(Pace::FastForward.speed(0.05), 0.5);
        assert_eq!(Pace::FastForward.speed(50.0), SPEED_MAX);
    }

    /// At the default speed the first election (the candidate, the votes coming back, the
    /// win) lasts seconds of wall time, in slow motion; the quiet time before it does not.
    #[test]
    fn at_the_default_speed_an_election_plays_in_slow_motion() {
        let mut sim = Sim::new(SimConfig { seed: 1, servers: 5, ..SimConfig::default() }).unwrap();
        let (before, paces) = play(&mut sim, DEFAULT_SPEED, |s| roles(s, RoleKind::Candidate) > 0);
        assert!(paces.iter().all(|p| *p == Pace::Chosen), "nothing on the wire before the first timeout");
        assert!(before > 2_000.0, "the first timeout comes after {before} ms");
        let (election, paces) = play(&mut sim, DEFAULT_SPEED, |s| s.leader().is_some());
        assert!(paces.iter().filter(|p| **p == Pace::Election).count() * 10 >= paces.len() * 9, "{paces:?}");
        // Unpaced, the same election would take a fifth of this.
        assert!(election >= 2_000.0, "the election took {election} ms of wall time");
        // The votes are in: 100 ms on, the pace is the chosen one again.
        let won = sim.now().0;
        let (_, paces) = play(&mut sim, DEFAULT_SPEED, |s| s.now().0 > won + 100_000);
        assert_eq!(paces.last(), Some(&Pace::Chosen));
    }

    #[test]
    fn above_real_time_an_election_is_not_slowed_and_fast_forward_wins() {
        let mut sim = Sim::new(SimConfig { seed: 1, servers: 5, ..SimConfig::default() }).unwrap();
        for _ in 0..10_000 {
            if votes_in_flight(&sim) {
                break;
            }
            sim.step();
        }
        assert_eq!(pace(&sim, 1.0, false), Pace::Election);
        assert_eq!(pace(&sim, 2.0, false), Pace::Chosen);
        assert_eq!(pace(&sim, SPEED_MIN, false), Pace::Chosen, "nothing slower to go to");
        assert_eq!(pace(&sim, 0.05, true), Pace::FastForward);
    }

    /// Pacing changes how runs are cut into frames, never the run: the state at the same
    /// moment is the same as an unpaced run's.
    #[test]
    fn pacing_does_not_change_the_run() {
        let config = SimConfig { seed: 7, servers: 5, ..SimConfig::default() };
        let mut paced = Sim::new(config.clone()).unwrap();
        play(&mut paced, DEFAULT_SPEED, |s| s.now().0 >= 1_500_000);
        let mut plain = Sim::new(config).unwrap();
        plain.run_until(paced.now());
        assert_eq!(paced.state_hash(), plain.state_hash());
        assert_eq!(paced.events(), plain.events());
    }
}
