//! A membership change that ends without any leader reporting it: lost with the leader
//! that was catching its new servers up, or with its uncommitted configuration entry.

use super::*;
use crate::raft::{ChangeMethod, Duration, Phase, ServerId};

fn elected(seed: u64) -> (Sim, ServerId) {
    let mut s = Sim::new(SimConfig { seed, ..SimConfig::default() }).unwrap();
    let leader = s.run_until_leader(Duration::from_ms(2_000)).unwrap();
    s.run_for(Duration::from_ms(100));
    (s, leader)
}

fn add(server: u32) -> Action {
    Action::ChangeMembership { add: vec![ServerId(server)], remove: vec![], method: ChangeMethod::Joint }
}

fn phases(s: &Sim) -> Vec<Phase> {
    s.membership().unwrap().phases.iter().map(|(_, _, e)| e.phase()).collect()
}

/// The catch-up lives in the leader's memory: when that leader crashes, no server knows of
/// the change. Before the fix the status said "catching up" for ever.
#[test]
fn a_change_is_lost_with_the_leader_catching_up_when_it_crashes() {
    let (mut s, leader) = elected(21);
    s.act(add(6)).unwrap();
    s.act(Action::Crash { server: ServerId(6) }).unwrap();
    s.run_for(Duration::from_ms(300));
    assert_eq!(s.membership().unwrap().lost, None, "still catching up while the leader leads");
    assert!(!s.membership().unwrap().finished);
    s.act(Action::Crash { server: leader }).unwrap();
    let m = s.membership().unwrap();
    assert_eq!((m.finished, m.lost.clone()), (true, Some(ChangeLost::LeaderGone { leader })));
    assert_eq!(phases(&s), vec![Phase::CatchingUp]);
    // The next leader knows nothing of it and takes a new change.
    let next = s.run_until_leader(Duration::from_ms(3_000)).unwrap();
    assert_ne!(next, leader);
    assert!(s.server(next).unwrap().node.configuration().members().iter().all(|m| m.0 <= 5));
    s.act(Action::Restart { server: ServerId(6) }).unwrap();
    s.act(add(6)).unwrap();
    let m = s.membership().unwrap();
    assert_eq!((m.finished, m.lost.clone(), phases(&s)), (false, None, vec![Phase::CatchingUp]));
    assert!(s.violations().is_empty());
}

/// A leader cut off with a minority keeps its catch-up (it still leads its side); once the
/// partition heals it hears the higher term and steps down, and the change is lost then.
#[test]
fn a_change_is_lost_when_the_leader_catching_up_steps_down() {
    // S6, not named, joins the first group: the leader's.
    let (mut s, leader) = elected(22);
    let others: Vec<ServerId> = (1..=5).map(ServerId).filter(|x| *x != leader).collect();
    s.act(Action::Partition { groups: vec![vec![leader], others.clone()] }).unwrap();
    s.act(add(6)).unwrap();
    s.act(Action::Crash { server: ServerId(6) }).unwrap();
    s.run_for(Duration::from_ms(1_000));
    assert!(s.leaders().len() == 2, "a new leader among the majority, the old one stale: {:?}", s.leaders());
    assert_eq!(s.membership().unwrap().lost, None, "the stale leader still holds the change");
    s.act(Action::Heal).unwrap();
    while s.server(leader).unwrap().node.is_leader() {
        s.step().unwrap();
    }
    let m = s.membership().unwrap();
    assert_eq!((m.finished, m.lost.clone()), (true, Some(ChangeLost::LeaderGone { leader })));
    assert!(s.violations().is_empty());
}

/// C_old,new appended by a leader that then loses to a leader without it: once the last
/// copy is overwritten, the change is lost, and the configuration is C_old again.
#[test]
fn a_change_is_lost_when_its_uncommitted_entry_is_overwritten() {
    let (mut s, leader) = elected(23);
    let others: Vec<ServerId> = (1..=5).map(ServerId).filter(|x| *x != leader).collect();
    s.act(Action::Partition { groups: vec![vec![leader], others.clone()] }).unwrap();
    let gone = others[0];
    s.act(Action::ChangeMembership { add: vec![], remove: vec![gone], method: ChangeMethod::Joint }).unwrap();
    assert_eq!(phases(&s), vec![Phase::JointAppended]);
    let (index, term) = s.membership().unwrap().entry.unwrap();
    assert_eq!(s.server(leader).unwrap().node.log().last_index(), index);
    s.run_for(Duration::from_ms(1_500));
    let next = s.leaders().into_iter().find(|l| *l != leader).expect("the majority elects a leader");
    assert_ne!(s.server(next).unwrap().node.log().term_at(index), Some(term));
    assert_eq!(s.membership().unwrap().lost, None, "the old leader still holds C_old,new");
    s.act(Action::Heal).unwrap();
    while s.server(leader).unwrap().node.log().term_at(index) == Some(term) {
        s.step().unwrap();
    }
    let m = s.membership().unwrap();
    assert_eq!((m.finished, m.lost.clone()), (true, Some(ChangeLost::Overwritten { index })));
    assert_eq!(s.server(leader).unwrap().node.configuration().members().len(), 5, "C_old again");
    assert!(s.violations().is_empty());
}

/// A change whose entry survives on the new leader is carried on by it, not lost.
#[test]
fn a_change_carried_on_by_the_next_leader_is_not_lost() {
    let (mut s, leader) = elected(24);
    let gone = (1..=5).map(ServerId).find(|x| *x != leader).unwrap();
    s.act(Action::ChangeMembership { add: vec![], remove: vec![gone], method: ChangeMethod::Joint }).unwrap();
    // Let C_old,new reach the followers, then take the leader down before it commits more.
    let (index, _) = s.membership().unwrap().entry.unwrap();
    while !s.active_servers().filter(|x| x.node.id() != leader).all(|x| x.node.log().last_index() >= index) {
        s.step().unwrap();
    }
    s.act(Action::Crash { server: leader }).unwrap();
    s.run_for(Duration::from_ms(3_000));
    let m = s.membership().unwrap();
    assert_eq!((m.finished, m.lost.clone()), (true, None), "{m:?}");
    assert_eq!(phases(&s).last(), Some(&Phase::NewCommitted));
    assert!(s.violations().is_empty());
}
