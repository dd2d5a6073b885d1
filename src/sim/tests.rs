//! Simulator tests: elections, replication, faults, time travel and determinism.

use super::*;
use crate::raft::{BreakSwitch, BreakSwitches, ChangeMethod, Duration, Op, OpResult, RoleKind, ServerId};
use checker::Property;

fn sim(seed: u64) -> Sim {
    Sim::new(SimConfig { seed, ..SimConfig::default() }).unwrap()
}

fn set(k: &str, v: &str) -> Op {
    Op::Set { key: k.into(), value: v.into() }
}

#[test]
fn a_leader_is_elected_and_stays() {
    let mut s = sim(7);
    let leader = s.run_until_leader(Duration::from_ms(2000)).expect("a leader within 2 s");
    let term = s.server(leader).unwrap().node.term();
    s.run_for(Duration::from_ms(5000));
    assert_eq!(s.leader(), Some(leader), "no needless elections while nothing fails");
    assert_eq!(s.server(leader).unwrap().node.term(), term);
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    // Heartbeats: every follower knows the leader.
    for slot in s.servers() {
        assert_eq!(slot.node.leader(), Some(leader));
    }
}

#[test]
fn a_client_request_is_applied_on_every_server() {
    let mut s = sim(3);
    let leader = s.run_until_leader(Duration::from_ms(2000)).unwrap();
    s.run_for(Duration::from_ms(100)); // the followers hear of the new leader
    let follower = s.servers().iter().map(|x| x.node.id()).find(|id| *id != leader).unwrap();
    // Sent to a follower: redirected, then applied.
    s.act(Action::ClientRequest { via: follower, op: set("x", "3") }).unwrap();
    s.run_for(Duration::from_ms(500));
    let c = &s.clients()[0];
    assert!(matches!(c.attempts[0].outcome, AttemptOutcome::Redirected { leader: Some(l) } if l == leader));
    assert!(matches!(&c.status, ClientStatus::Done { result: OpResult::Ok, .. }), "{:?}", c.status);
    for slot in s.servers() {
        assert_eq!(slot.node.kv().data.get("x").map(String::as_str), Some("3"), "{}", slot.node.id());
    }
}

#[test]
fn killing_the_leader_elects_another_and_restart_rebuilds_state() {
    let mut s = sim(11);
    let old = s.run_until_leader(Duration::from_ms(2000)).unwrap();
    s.act(Action::ClientRequest { via: old, op: set("k", "v") }).unwrap();
    s.run_for(Duration::from_ms(300));
    s.act(Action::Crash { server: old }).unwrap();
    let crashed = s.server(old).unwrap();
    assert_eq!(crashed.node.commit_index(), LogIndex(0), "a crash loses commitIndex");
    assert!(crashed.node.kv().data.is_empty(), "a crash loses the state machine");
    assert!(crashed.node.log().last_index() >= LogIndex(2), "the log survives");
    s.run_for(Duration::from_ms(1000));
    let new = s.leader().expect("a new leader");
    assert_ne!(new, old);
    s.act(Action::Restart { server: old }).unwrap();
    s.run_for(Duration::from_ms(500));
    let back = s.server(old).unwrap();
    assert_eq!(back.node.role_kind(), RoleKind::Follower);
    assert_eq!(back.node.kv().data.get("k").map(String::as_str), Some("v"), "state rebuilt from the log");
    assert!(s.violations().is_empty(), "{:?}", s.violations());
}

#[test]
fn same_seed_same_run_byte_for_byte() {
    let run = |seed| {
        let mut s = sim(seed);
        s.act(Action::SetLoss { loss: 0.05 }).unwrap();
        s.run_for(Duration::from_ms(1000));
        if let Some(l) = s.leader() {
            s.act(Action::Crash { server: l }).unwrap();
        }
        s.run_for(Duration::from_ms(2000));
        (serde_json::to_string(s.history()).unwrap(), s.state_hash())
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5).1, run(6).1);
}

#[test]
fn seeking_back_restores_the_state_exactly_and_acting_there_forks_the_run() {
    let mut s = sim(21);
    s.run_until(Time::from_ms(1_500));
    let (hash, events, messages) = (s.state_hash(), s.events(), s.history().messages.len());
    s.run_until(Time::from_ms(4_000));
    s.seek(Time::from_ms(1_500));
    assert_eq!((s.state_hash(), s.events(), s.history().messages.len()), (hash, events, messages));
    assert_eq!(s.horizon(), Time::from_ms(4_000), "the future is kept until someone acts");
    s.seek_event(events - 1);
    assert_eq!(s.events(), events - 1);
    s.step();
    assert_eq!(s.events(), events);
    s.seek(Time::from_ms(1_500));
    assert_eq!(s.state_hash(), hash);
    // Acting in the past, with no recorded action ahead, still forks: the old horizon
    // and the checkpoints taken ahead of now go.
    let leader = s.leader().expect("a leader by 1.5 s");
    s.act(Action::Crash { server: leader }).unwrap();
    assert_eq!(s.horizon(), s.now());
    s.run_until(Time::from_ms(4_000));
    s.seek(Time::from_ms(3_000));
    let forked = s.state_hash();
    let replay = Sim::replay(s.config().clone(), None, s.actions(), Time::from_ms(3_000)).unwrap();
    assert_eq!(replay.state_hash(), forked, "seeking in the forked run gives the forked past");
}

/// A run of `seed` with a checkpoint every `checkpoint_every_ms`: `elected_ms` to elect a
/// leader, a request through it, and `then_ms` more. Returns the run and the leader.
fn a_request_run(seed: u64, checkpoint_every_ms: u64, elected_ms: u64, then_ms: u64) -> (Sim, ServerId) {
    let mut s = Sim::new(SimConfig { seed, checkpoint_every_ms, ..SimConfig::default() }).unwrap();
    s.run_for(Duration::from_ms(elected_ms));
    let leader = s.leader().expect("a leader");
    s.act(Action::ClientRequest { via: leader, op: set("a", "1") }).unwrap();
    s.run_for(Duration::from_ms(then_ms));
    (s, leader)
}

#[test]
fn seeking_back_restores_the_exact_state_and_forward_replays_the_recorded_future() {
    let (mut s, leader) = a_request_run(21, 500, 1200, 900);
    let t1 = s.now();
    let at_t1 = s.state_hash();
    let messages_at_t1 = s.history().messages.len();
    // (An action at exactly t1 would belong to the state "at t1": act a little later.)
    s.run_for(Duration::from_ms(1));
    s.act(Action::Crash { server: leader }).unwrap();
    s.run_for(Duration::from_ms(2500));
    let t2 = s.now();
    let at_t2 = s.state_hash();
    assert_ne!(at_t1, at_t2);

    s.seek(t1);
    assert_eq!(s.now(), t1);
    assert_eq!(s.state_hash(), at_t1, "back in time: the same roles, terms, logs and states");
    assert_eq!(s.history().messages.len(), messages_at_t1, "the history is cut back too");
    assert!(s.history().messages.iter().all(|m| m.sent_at <= t1));

    s.seek(t2);
    assert_eq!(s.state_hash(), at_t2, "forward again: the recorded crash replays");

    // Acting in the past forks: the old future (the crash) is gone.
    s.seek(t1);
    s.act(Action::ClientRequest { via: leader, op: set("b", "2") }).unwrap();
    assert_eq!(s.actions().len(), 2, "the crash after t1 was discarded");
    s.run_until(t2);
    assert_ne!(s.state_hash(), at_t2);
    assert!(s.server(leader).unwrap().alive);
}

#[test]
fn a_seek_in_slices_lands_exactly_where_one_seek_does() {
    // A run played by hand: a request, a crash, a revival, each recorded as an action.
    let mut s = Sim::new(SimConfig { seed: 5, checkpoint_every_ms: 700, ..SimConfig::default() }).unwrap();
    s.run_for(Duration::from_ms(1500));
    let leader = s.leader().expect("a leader");
    s.act(Action::ClientRequest { via: leader, op: set("a", "1") }).unwrap();
    s.run_for(Duration::from_ms(1000));
    s.act(Action::Crash { server: leader }).unwrap();
    let crash = s.now();
    s.run_for(Duration::from_ms(2000));
    s.act(Action::Restart { server: leader }).unwrap();
    s.run_for(Duration::from_ms(3000));
    let end = s.now();
    s.seek(Time::ZERO);
    // Forward from the start: to the end, to the moment of the crash (an action at exactly
    // the target), between two events; and back from the end (checkpoint, then forward).
    let from_end = {
        let mut e = s.clone();
        e.seek(end);
        e
    };
    let cases = [(&s, end), (&s, crash), (&s, Time(end.0 / 3 + 17)), (&from_end, Time(end.0 / 2 + 3))];
    for (start, target) in cases {
        let mut whole = start.clone();
        whole.seek(target);
        for slice in [1, 7, 500, u64::MAX] {
            let (sliced, _, calls) = seek_in_slices(start, SeekTo::Time(target), slice);
            let at = (target, slice);
            assert_eq!(sliced.state_hash(), whole.state_hash(), "{at:?}");
            assert_eq!((sliced.now(), sliced.events()), (whole.now(), whole.events()), "{at:?}");
            assert_eq!(sliced.horizon(), whole.horizon(), "{at:?}");
            assert_eq!(sliced.applied_actions().len(), whole.applied_actions().len(), "{at:?}");
            assert_eq!(sliced.history().messages.len(), whole.history().messages.len(), "{at:?}");
            if slice == 1 && target > start.now() {
                assert_eq!(calls, whole.events() - start.events(), "one event a call: {at:?}");
            }
        }
    }
    assert_eq!(from_end.now(), end);
}

/// A seek of a copy of `start` to `to`, `slice` events a call: the copy, its event count
/// once [`Sim::seek_begin`] has gone back, and how many calls did not finish it.
fn seek_in_slices(start: &Sim, to: SeekTo, slice: u64) -> (Sim, u64, u64) {
    let mut sim = start.clone();
    let to = sim.seek_begin(to).expect("a seek within the run");
    let begun = sim.events();
    let mut calls = 0;
    while !sim.seek_advance(to, slice) {
        calls += 1;
    }
    (sim, begun, calls)
}

#[test]
fn one_event_back_in_slices_lands_where_stepping_from_the_start_does() {
    // Checkpoints far apart: one event back from the end replays a long stretch.
    let (s, _) = a_request_run(9, 3000, 1500, 4000);
    let end = s.events();
    for n in [end - 1, end / 2, 1] {
        // The reference: the recorded run replayed from its start, one event at a time.
        let mut reference = s.clone();
        reference.seek_event(0);
        while reference.events() < n {
            reference.step().expect("the recorded run goes on");
        }
        for slice in [1, 7, u64::MAX] {
            let (sliced, start, calls) = seek_in_slices(&s, SeekTo::Event(n), slice);
            assert!(start <= n, "back at a checkpoint first");
            assert_eq!((sliced.events(), sliced.now()), (reference.events(), reference.now()), "{n} by {slice}");
            assert_eq!(sliced.state_hash(), reference.state_hash(), "{n} by {slice}");
            if slice == 1 && n > start {
                assert_eq!(calls + 1, n - start, "{n}: one event a call");
            }
        }
    }
}

/// The same run twice: with a memory budget of `budget` bytes, and with the default budget,
/// which these tests never reach (everything kept).
fn bounded_and_unbounded(seed: u64, budget: usize) -> (Sim, Sim) {
    let config = SimConfig { seed, ..SimConfig::default() };
    let mut bounded = Sim::new(config.clone()).unwrap();
    bounded.set_memory_budget(budget);
    (bounded, Sim::new(config).unwrap())
}

#[test]
fn past_the_memory_budget_the_oldest_history_goes_and_time_travel_stays_exact_inside_the_window() {
    let budget = 2 << 20;
    let (mut s, mut full) = bounded_and_unbounded(7, budget);
    let mut peak = 0;
    for k in 0..60 {
        s.run_for(Duration::from_ms(10_000));
        full.run_for(Duration::from_ms(10_000));
        if let Some(leader) = s.leader() {
            let op = set("k", &k.to_string());
            s.act(Action::ClientRequest { via: leader, op: op.clone() }).unwrap();
            full.act(Action::ClientRequest { via: leader, op }).unwrap();
        }
        peak = peak.max(s.memory_bytes());
    }
    assert_eq!(full.reach(), Time::ZERO);
    let reach = s.reach();
    assert!(reach > Time::from_ms(300_000), "ten minutes of history do not fit in 2 MiB: {reach}");
    assert!(s.history().messages.first() > 0);
    assert!(full.memory_bytes() > 4 * budget, "the unbounded run holds more: {}", full.memory_bytes());
    // Bounded: the budget, plus what one checkpoint interval adds before the next check.
    assert!(peak < budget + budget / 4, "peak {peak} over a budget of {budget}");
    assert_eq!(s.state_hash(), full.state_hash());

    let in_flight = |sim: &Sim| sim.history().in_flight_at(sim.now()).map(|m| m.id).collect::<Vec<_>>();
    let notes_from =
        |sim: &Sim, t: Time| sim.history().notes.iter().filter(|n| n.time >= t).cloned().collect::<Vec<_>>();
    let end = s.now();
    for t in [reach, reach + Duration::from_ms(1_234), Time((reach.0 + end.0) / 2), Time(end.0 - 3_000_000), end] {
        s.seek(t);
        full.seek(t);
        assert_eq!(s.now(), t);
        assert_eq!(s.state_hash(), full.state_hash(), "exact at {t}");
        assert_eq!(in_flight(&s), in_flight(&full), "the same messages on the wire at {t}");
        assert_eq!(notes_from(&s, reach), notes_from(&full, reach), "the same notes from the reach on, at {t}");
    }
    // Before the window the run goes no further back than its reach.
    s.seek(Time::ZERO);
    assert_eq!(
        (s.now(), s.state_hash()),
        (reach, {
            full.seek(reach);
            full.state_hash()
        })
    );
    s.seek_event(0);
    assert_eq!(s.now(), reach);
}

#[test]
fn when_long_logs_fill_the_budget_the_oldest_checkpoints_go_and_travel_stays_exact() {
    // A request every 50 ms: the logs, copied into every checkpoint, outgrow the messages.
    let budget = 1 << 20;
    let (mut s, mut full) = bounded_and_unbounded(11, budget);
    full.run_for(Duration::from_ms(2_000));
    s.run_for(Duration::from_ms(2_000));
    for k in 0..2_400 {
        if let Some(leader) = s.leader() {
            let op = set("k", &k.to_string());
            s.act(Action::ClientRequest { via: leader, op: op.clone() }).unwrap();
            full.act(Action::ClientRequest { via: leader, op }).unwrap();
        }
        s.run_for(Duration::from_ms(50));
        full.run_for(Duration::from_ms(50));
    }
    assert_eq!(s.state_hash(), full.state_hash());
    // Each checkpoint holds every log twice (in memory and on disk): the unbounded run
    // holds some 60 MB, the bounded one its budget, or (the logs being longer than the
    // budget allows) two checkpoints.
    assert!(full.memory_bytes() > 10 * s.memory_bytes(), "{} against {}", full.memory_bytes(), s.memory_bytes());
    assert!(s.memory_bytes() <= budget + budget / 4 || s.checkpoint_count() == 2, "{} bytes", s.memory_bytes());
    assert!(s.history().messages.first() > 0, "the oldest messages went too");
    let reach = s.reach();
    assert!(reach > Time::ZERO);
    for t in [reach, Time((reach.0 + s.now().0) / 2)] {
        s.seek(t);
        full.seek(t);
        assert_eq!((s.now(), s.state_hash()), (t, full.state_hash()), "exact at {t}");
    }
}

#[test]
fn replaying_recorded_actions_gives_the_same_run() {
    let config = SimConfig { seed: 8, ..SimConfig::default() };
    let mut s = Sim::new(config.clone()).unwrap();
    s.run_for(Duration::from_ms(700));
    s.act(Action::Partition {
        groups: vec![vec![ServerId(1), ServerId(2)], vec![ServerId(3), ServerId(4), ServerId(5)]],
    })
    .unwrap();
    s.run_for(Duration::from_ms(900));
    s.act(Action::ClientRequest { via: ServerId(3), op: set("x", "9") }).unwrap();
    s.step();
    s.act(Action::Heal).unwrap();
    s.run_for(Duration::from_ms(1000));
    let replayed = Sim::replay(config, None, s.actions(), s.now()).unwrap();
    assert_eq!(replayed.state_hash(), s.state_hash());
    assert_eq!(serde_json::to_string(replayed.history()).unwrap(), serde_json::to_string(s.history()).unwrap());
}

#[test]
fn refused_actions_change_nothing_and_say_why() {
    let mut s = sim(4);
    let before = s.state_hash();
    assert_eq!(s.act(Action::Crash { server: ServerId(9) }), Err(ActionError::NoSuchServer(ServerId(9))));
    assert_eq!(s.act(Action::Restart { server: ServerId(1) }), Err(ActionError::AlreadyUp(ServerId(1))));
    assert_eq!(s.act(Action::SetLoss { loss: 2.0 }), Err(ActionError::Network(ConfigError::Loss("2".into()))));
    assert_eq!(
        s.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint }),
        Err(ActionError::NoLeader)
    );
    assert_eq!(s.state_hash(), before);
    assert!(s.actions().is_empty());
}

#[test]
fn the_checker_catches_a_broken_rule_in_a_scripted_run() {
    // votedFor is forgotten in a crash and a voter votes twice in one term: the checker
    // sees the second vote (before any second leader).
    let mut caught = false;
    for seed in 0..40 {
        let breaks = BreakSwitches::default().with(BreakSwitch::VolatileVotedFor);
        let mut s = Sim::new(SimConfig { seed, breaks, ..SimConfig::default() }).unwrap();
        s.act(Action::AlignTimers { servers: vec![ServerId(1), ServerId(2)] }).unwrap();
        // Step until S3 grants a vote, then crash and restart it at once.
        let mut bounced = false;
        while s.now() < Time::from_ms(400) && !bounced {
            s.step();
            if s.history()
                .messages
                .iter()
                .any(|m| m.message.from == ServerId(3) && m.kind() == crate::raft::MessageKind::VoteGranted)
            {
                s.act(Action::Crash { server: ServerId(3) }).unwrap();
                s.act(Action::Restart { server: ServerId(3) }).unwrap();
                bounced = true;
            }
        }
        s.run_for(Duration::from_ms(300));
        if s.violated(Property::ElectionSafety) {
            let v = s.violations().iter().find(|v| v.property == Property::ElectionSafety).unwrap();
            let crate::sim::checker::ViolationDetail::VotedTwice { voter, term, first, second } = v.detail else {
                panic!("not a second vote: {v}");
            };
            assert_eq!(
                (voter, v.servers.clone(), v.terms.clone()),
                (ServerId(3), vec![voter, first, second], vec![term])
            );
            assert!(first != second && [first, second].iter().all(|c| [ServerId(1), ServerId(2)].contains(c)));
            caught = true;
            break;
        }
    }
    assert!(caught, "a double vote must be caught");
}

#[test]
fn liveness_watch_catches_equal_timeouts() {
    let breaks = BreakSwitches::default().with(BreakSwitch::EqualTimeouts);
    let mut s = Sim::new(SimConfig { seed: 1, breaks, ..SimConfig::default() }).unwrap();
    s.run_for(Duration::from_ms(10_000));
    assert!(s.leader().is_none(), "equal timeouts split the vote forever");
    assert!(s.violated(Property::Liveness));
    assert!(s.safety_violations().next().is_none());
    // The same run with randomized timeouts elects a leader.
    let mut ok = Sim::new(SimConfig { seed: 1, ..SimConfig::default() }).unwrap();
    ok.run_for(Duration::from_ms(10_000));
    assert!(ok.leader().is_some() && ok.violations().is_empty());
}

/// Every error type of the core and the simulator is a `std::error::Error` whose message
/// carries its data, and an error that wraps another says what the wrapped one says. (The
/// words themselves are the catalogue's business: `view::format` holds the English
/// catalogue and each `Display` together.)
#[test]
fn errors_are_std_errors_with_their_messages() {
    fn error<E: std::error::Error>(e: E) -> String {
        e.to_string()
    }
    use crate::raft::{ChangeError, OpParseError, ProposeError};
    assert!(error(ActionError::NotInFlight(MessageId(12))).contains("12"));
    assert!(error(ActionError::TooManyServers(10)).contains("10"));
    assert_eq!(error(ActionError::Network(ConfigError::LatencyLimit(9000))), error(ConfigError::LatencyLimit(9000)));
    assert!(error(ConfigError::LatencyLimit(9000)).contains(&network::MAX_LATENCY_MS.to_string()));
    assert_eq!(
        error(ReplayError::Config(ConfigError::Servers { max: 9, found: 0 })),
        error(ConfigError::Servers { max: 9, found: 0 })
    );
    assert!(error(ProposeError::NotLeader { leader_hint: Some(ServerId(2)) }).contains("S2"));
    assert!(!error(ChangeError::NotLeader { leader_hint: None }).is_empty());
    assert!(error(OpParseError::OneKey("get".into())).contains("`get`"));
}

/// Every heartbeat resets a follower's election timer to a later deadline; the firing
/// queued for it stays queued and queues itself again when it comes (no push per
/// heartbeat). So each follower has one live election firing queued, and once the leader is
/// gone the first election timeout comes exactly at the deadline the last heartbeat set.
#[test]
fn a_reset_election_timer_stays_one_queued_firing_and_fires_at_its_last_deadline() {
    use events::{EventKind, Timer};
    let mut s = sim(7);
    let leader = s.run_until_leader(Duration::from_ms(2000)).unwrap();
    s.run_for(Duration::from_ms(3000)); // 60 rounds of heartbeats
    for slot in s.servers().iter().filter(|x| x.node.id() != leader) {
        let id = slot.node.id();
        let firings: Vec<(Time, u32)> = s
            .world
            .queue
            .iter()
            .filter_map(|q| match q.0.kind {
                EventKind::Timeout(i, Timer::Election, gen) if i == id => Some((q.0.time, gen)),
                _ => None,
            })
            .collect();
        // A reset to an earlier deadline leaves the older firing stale: at most one more.
        assert!(firings.len() <= 2, "{id}: {firings:?} queued, one per heartbeat");
        let current: Vec<Time> =
            firings.iter().filter(|(_, gen)| *gen == slot.timer_gen(Timer::Election)).map(|(t, _)| *t).collect();
        let deadline = slot.election_deadline.expect("a follower's timer runs");
        assert!(current.len() == 1 && current[0] <= deadline, "{id}: {current:?} for the deadline {deadline}");
    }
    s.act(Action::Crash { server: leader }).unwrap();
    s.run_for(Duration::from_ms(30)); // the heartbeats in flight arrive
    let deadlines: Vec<(ServerId, Time)> =
        s.servers().iter().filter_map(|x| Some((x.node.id(), x.election_deadline?))).collect();
    assert_eq!(deadlines.len(), 4, "every follower's timer runs");
    let first = loop {
        let e = s.step().expect("the run goes on");
        if let StepKind::ElectionTimeout { server } = e.kind {
            break (server, e.time);
        }
    };
    let earliest = deadlines.iter().min_by_key(|(_, t)| *t).copied().unwrap();
    assert_eq!(first, earliest, "the first timeout is the earliest deadline, at its time");
}
