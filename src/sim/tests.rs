//! Simulator tests: elections, replication, faults, time travel and determinism.

use super::*;
use crate::raft::{Op, RoleKind};

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
