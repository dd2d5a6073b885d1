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

/// While a message is on the wire the page draws about 24 frames a second (film's rate):
/// at the default speed a message crosses the ring in 200–400 ms of wall time, 5–10 drawn
/// positions. Each frame costs the page about 5 ms of main-thread time whatever moved
/// (docs/performance.md, "Main-thread time"), so the rate is the main lever on that cost.
pub const MOVING_FRAME_MS: f64 = 1000.0 / 24.0;
/// While nothing is on the wire (the clock runs, the election timers drain) it draws about
/// 12: each frame costs the same main-thread time however little moved (docs/performance.md).
pub const STILL_FRAME_MS: f64 = 1000.0 / 12.0;

/// The wall time from one drawn frame to the next while playing at `speed` (the pace's):
/// [`MOVING_FRAME_MS`] while a message is on the wire, else up to [`STILL_FRAME_MS`] but not
/// past the next event, so that a message sent is drawn as it leaves its sender.
pub fn frame_gap_ms(sim: &Sim, speed: f64) -> f64 {
    let now = sim.now();
    if sim.history().in_flight_at(now).next().is_some() {
        return MOVING_FRAME_MS;
    }
    let wall_ms = |t: crate::raft::Time| t.0.saturating_sub(now.0) as f64 / 1000.0 / speed.max(SPEED_MIN);
    sim.next_event_time().map_or(STILL_FRAME_MS, wall_ms).clamp(MOVING_FRAME_MS, STILL_FRAME_MS)
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

    /// Plays `sim` as the page draws it, until simulated `end_us`: each frame waits
    /// `frame_gap_ms` of wall time, then runs the simulated time that wall time plays at its
    /// pace and is drawn. The simulated time of each drawn frame, and the wall ms it took.
    fn play_drawn(sim: &mut Sim, speed: f64, end_us: u64) -> (Vec<Time>, f64) {
        let (mut drawn, mut wall, mut carry) = (vec![sim.now()], 0.0, 0.0);
        while sim.now().0 < end_us {
            let p = pace(sim, speed, false);
            let gap = frame_gap_ms(sim, p.speed(speed));
            carry += gap * 1000.0 * p.speed(speed);
            let whole = carry.floor();
            carry -= whole;
            sim.run_until(Time(sim.now().0 + whole as u64));
            wall += gap;
            drawn.push(sim.now());
        }
        (drawn, wall)
    }

    #[test]
    fn frames_come_at_the_moving_rate_while_a_message_moves_and_less_often_when_none_does() {
        let mut sim = Sim::new(SimConfig { seed: 1, servers: 5, ..SimConfig::default() }).unwrap();
        // Nothing on the wire, the first timeout 150 ms or more away: the slow rate.
        assert_eq!(frame_gap_ms(&sim, DEFAULT_SPEED), STILL_FRAME_MS);
        while sim.history().in_flight_at(sim.now()).next().is_none() {
            sim.step();
        }
        assert_eq!(frame_gap_ms(&sim, DEFAULT_SPEED), MOVING_FRAME_MS, "a vote request is on the wire");
        while sim.history().in_flight_at(sim.now()).next().is_some() || sim.leader().is_none() {
            sim.step();
        }
        // Between two heartbeats: the gap ends at the next event (the next heartbeat), in
        // wall time at this speed, and never goes under the moving rate's.
        let next_us = sim.next_event_time().unwrap().0 - sim.now().0;
        let expected = (next_us as f64 / 1000.0 / DEFAULT_SPEED).clamp(MOVING_FRAME_MS, STILL_FRAME_MS);
        assert_eq!(frame_gap_ms(&sim, DEFAULT_SPEED), expected);
        // 3 ms of simulated time before it: 60 ms of wall time at 0.05×; 1 ms before, 20 ms,
        // which is less than a moving frame's gap.
        let next = sim.next_event_time().unwrap().0;
        sim.run_until(Time(next - 3_000));
        assert!((frame_gap_ms(&sim, DEFAULT_SPEED) - 60.0).abs() < 1e-9, "{}", frame_gap_ms(&sim, DEFAULT_SPEED));
        sim.run_until(Time(next - 1_000));
        assert_eq!(frame_gap_ms(&sim, DEFAULT_SPEED), MOVING_FRAME_MS);
    }

    /// Drawing fewer frames while nothing is on the wire loses no message: each is drawn
    /// within one moving frame of leaving its sender and at five places or more on its way.
    #[test]
    fn every_message_is_drawn_as_it_leaves_and_along_its_way() {
        for seed in 1..=3 {
            let mut sim = Sim::new(SimConfig { seed, servers: 5, ..SimConfig::default() }).unwrap();
            let (drawn, wall) = play_drawn(&mut sim, DEFAULT_SPEED, 1_000_000);
            let one_frame_us = (MOVING_FRAME_MS * 1000.0 * DEFAULT_SPEED).ceil() as u64;
            let mut messages = 0;
            for m in sim.history().messages.iter().filter(|m| m.dropped.is_none() && m.deliver_at <= sim.now()) {
                let shown: Vec<Time> = drawn.iter().copied().filter(|t| m.in_flight_at(*t)).collect();
                let first = shown.first().map(|t| t.0 - m.sent_at.0);
                assert!(
                    first.is_some_and(|us| us <= one_frame_us),
                    "seed {seed}: message {:?} first drawn {first:?} µs after it left",
                    m.id
                );
                assert!(shown.len() >= 5, "seed {seed}: message {:?} drawn at {} places", m.id, shown.len());
                messages += 1;
            }
            assert!(messages > 100, "seed {seed}: {messages} messages");
            // And the frames saved: about 24 a second over this run's first second (its
            // election keeps messages on the wire), not 30.
            let rate = (drawn.len() - 1) as f64 / (wall / 1000.0);
            assert!(rate < 27.0 && rate > 12.0, "seed {seed}: {rate} frames a second");
        }
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
        // Nor do the frames' gaps, which cut it differently again.
        let mut drawn = Sim::new(SimConfig { seed: 7, servers: 5, ..SimConfig::default() }).unwrap();
        play_drawn(&mut drawn, DEFAULT_SPEED, paced.now().0);
        let mut plain = Sim::new(SimConfig { seed: 7, servers: 5, ..SimConfig::default() }).unwrap();
        plain.run_until(drawn.now());
        assert_eq!((drawn.state_hash(), drawn.events()), (plain.state_hash(), plain.events()));
    }
}
