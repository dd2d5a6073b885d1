//! Removed servers (§6): out of the cluster once C_new commits, still running until a
//! shutdown.

use super::*;
use crate::raft::{ChangeMethod, Duration, Phase, ServerId};

#[test]
fn a_removed_server_runs_on_until_it_is_shut_down() {
    let mut s = Sim::new(SimConfig { seed: 3, ..SimConfig::default() }).unwrap();
    let leader = s.run_until_leader(Duration::from_ms(2_000)).unwrap();
    let gone = if leader == ServerId(5) { ServerId(4) } else { ServerId(5) };
    // Refused while it is a member.
    assert_eq!(s.act(Action::Shutdown { server: gone }), Err(ActionError::NotRemoved(gone)));
    s.act(Action::ChangeMembership { add: vec![], remove: vec![gone], method: ChangeMethod::Joint }).unwrap();
    while !s.membership().is_some_and(|m| m.phases.iter().any(|p| p.2.phase() == Phase::NewCommitted)) {
        s.step().unwrap();
    }
    let slot = s.server(gone).unwrap();
    assert_eq!((slot.alive, slot.removed, slot.retired), (true, true, false));
    assert!(!s.active_servers().any(|x| x.node.id() == gone));
    assert_eq!(s.removed_servers().map(|x| x.node.id()).collect::<Vec<_>>(), vec![gone]);
    assert_eq!(s.history().notes.iter().filter(|n| n.kind == NoteKind::Removed).count(), 1);
    s.run_for(Duration::from_ms(1_000));
    assert!(s.server(gone).unwrap().alive, "still running a second later");
    s.act(Action::Shutdown { server: gone }).unwrap();
    let slot = s.server(gone).unwrap();
    assert_eq!((slot.alive, slot.removed, slot.retired), (false, true, true));
    assert_eq!(s.act(Action::Shutdown { server: gone }), Err(ActionError::Retired(gone)));
    assert_eq!(s.act(Action::Restart { server: gone }), Err(ActionError::Retired(gone)));
    assert!(s.violations().is_empty());
}

#[test]
fn a_removed_server_that_is_added_again_is_no_longer_removed() {
    let mut s = Sim::new(SimConfig { seed: 3, ..SimConfig::default() }).unwrap();
    let leader = s.run_until_leader(Duration::from_ms(2_000)).unwrap();
    let gone = if leader == ServerId(5) { ServerId(4) } else { ServerId(5) };
    s.act(Action::ChangeMembership { add: vec![], remove: vec![gone], method: ChangeMethod::Joint }).unwrap();
    s.run_for(Duration::from_ms(1_000));
    assert!(s.server(gone).unwrap().removed);
    assert_eq!(s.active_servers().count(), 4);
    s.act(Action::ChangeMembership { add: vec![gone], remove: vec![], method: ChangeMethod::Joint }).unwrap();
    // It is caught up as a learner again: in the cluster, and no longer shut down-able.
    assert!(!s.server(gone).unwrap().removed);
    assert_eq!(s.active_servers().count(), 5);
    assert_eq!(s.act(Action::Shutdown { server: gone }), Err(ActionError::NotRemoved(gone)));
}
