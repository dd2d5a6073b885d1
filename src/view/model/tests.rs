use super::*;
use crate::raft::{Duration, Op};
use crate::sim::{Action, SimConfig};

use crate::sim::elected;

#[test]
fn the_ring_shows_one_leader_and_running_timers_on_the_others() {
    let sim = elected(3);
    let servers = servers(&sim);
    assert_eq!(servers.len(), 5);
    let leaders: Vec<_> = servers.iter().filter(|s| s.role == RoleKind::Leader).collect();
    assert_eq!(leaders.len(), 1);
    assert_eq!(leaders[0].timer, None, "a leader has no election timer");
    for s in servers.iter().filter(|s| s.role == RoleKind::Follower) {
        let t = s.timer.expect("a follower's timer runs");
        assert!((0.0..=1.0).contains(&t));
    }
    assert!(servers.iter().all(|s| s.alive && s.voter && s.group.is_none()));
}

#[test]
fn a_candidate_shows_its_votes() {
    let mut sim = Sim::new(SimConfig::default()).unwrap();
    sim.act(Action::ForceTimeout { server: ServerId(2) }).unwrap();
    let s2 = servers(&sim).into_iter().find(|s| s.id == ServerId(2)).unwrap();
    assert_eq!(s2.role, RoleKind::Candidate);
    assert_eq!(s2.votes.len(), 5);
    assert_eq!(s2.granted_votes(), 1, "it votes for itself");
}

#[test]
fn messages_are_in_flight_between_sender_and_receiver_and_fade_once_dropped() {
    let mut sim = elected(5);
    let leader = sim.leader().unwrap();
    // Let the leader's next heartbeat leave.
    let t = sim.now();
    sim.run_until(t + Duration::from_ms(60));
    let mut views = messages(&sim, 20_000);
    if views.is_empty() {
        sim.run_until(sim.now() + Duration::from_ms(5));
        views = messages(&sim, 20_000);
    }
    assert!(!views.is_empty(), "something is in flight");
    assert!(views.iter().all(|m| (0.0..=1.0).contains(&m.progress) && m.dropped.is_none()));
    let heartbeat = views.iter().find(|m| m.kind == MessageKind::Heartbeat);
    if let Some(h) = heartbeat {
        assert_eq!(h.from_index, leader.0 as usize - 1);
    }
    let id = views[0].id;
    sim.act(Action::DropMessage { id: crate::sim::MessageId(id) }).unwrap();
    let dropped = messages(&sim, 20_000).into_iter().find(|m| m.id == id).expect("still drawn, fading");
    assert_eq!(dropped.dropped, Some(0.0));
    sim.run_until(sim.now() + Duration(DROP_FADE_US));
    assert!(messages(&sim, 20_000).iter().all(|m| m.id != id), "gone after the fade");
}

#[test]
fn logs_show_terms_commits_progress_and_state() {
    let mut sim = elected(7);
    let leader = sim.leader().unwrap();
    sim.act(Action::ClientRequest { via: leader, op: Op::parse("set x 3").unwrap() }).unwrap();
    sim.run_until(sim.now() + Duration::from_ms(300));
    let rows = log_rows(&sim, 0, 100);
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert_eq!(row.cells.len() as u64, row.last_index);
        assert_eq!(row.cells[0].kind, EntryKind::Noop);
        assert!(row.cells.iter().any(|c| c.kind == EntryKind::Command && c.committed));
        assert_eq!(row.kv, vec![("x".to_string(), "3".to_string())]);
        assert_eq!(row.progress.is_some(), row.id != leader, "nextIndex/matchIndex for followers");
    }
    let window = log_rows(&sim, 1, 1);
    assert!(window.iter().all(|r| r.cells.len() == 1 && r.cells[0].index == 2));
    assert!(log_rows(&sim, 50, 10).iter().all(|r| r.cells.is_empty()));
    let clients = clients(&sim, 5);
    assert!(matches!(clients[0].status, ClientState::Done { .. }));
    let st = status(&sim);
    assert_eq!(st.leader, Some(leader));
    assert!(st.commit_index >= 2 && st.safety.is_none());
}

#[test]
fn the_logs_signature_changes_with_the_logs_and_not_with_heartbeats() {
    let mut sim = elected(9);
    let leader = sim.leader().unwrap();
    // Let replication settle, then heartbeats alone leave the logs as they are.
    sim.run_until(sim.now() + Duration::from_ms(200));
    let settled = logs_signature(&sim);
    sim.run_until(sim.now() + Duration::from_ms(200));
    assert_eq!(logs_signature(&sim), settled);
    sim.act(Action::ClientRequest { via: leader, op: Op::parse("set y 1").unwrap() }).unwrap();
    assert_ne!(logs_signature(&sim), settled, "an appended entry changes it");
    sim.act(Action::Crash { server: leader }).unwrap();
    let crashed = logs_signature(&sim);
    sim.act(Action::Restart { server: leader }).unwrap();
    assert_ne!(logs_signature(&sim), crashed);
}

/// §4.2.1: the panel must not show "Catching up ✓" for a change abandoned there.
#[test]
fn an_abandoned_catch_up_is_reported_with_the_servers_left_behind() {
    let mut sim = elected(11);
    sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint }).unwrap();
    sim.act(Action::Crash { server: ServerId(6) }).unwrap();
    sim.run_until(sim.now() + Duration::from_ms(1_000));
    let m = membership(&sim).unwrap();
    assert_eq!((m.finished, m.abandoned.clone()), (false, None), "still catching up after 1s: {m:?}");
    assert_eq!(m.current(), Some(Phase::CatchingUp));
    sim.run_until(sim.now() + Duration::from_ms(1_000));
    let m = membership(&sim).unwrap();
    assert_eq!(m.abandoned, Some(vec![ServerId(6)]), "{m:?}");
    assert!(m.finished);
    let phases: Vec<Phase> = m.reached.iter().map(|(p, _)| *p).collect();
    assert_eq!(phases, vec![Phase::CatchingUp, Phase::CatchUpAborted]);
    assert_eq!(servers(&sim).len(), 6, "S6 stays, outside the configuration, and can be added again");
}

#[test]
fn a_membership_change_passes_through_its_phases() {
    let mut sim = elected(11);
    assert_eq!(membership(&sim), None);
    sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint }).unwrap();
    sim.run_until(sim.now() + Duration::from_ms(2_000));
    let m = membership(&sim).unwrap();
    assert!(m.finished, "{m:?}");
    assert_eq!(m.current(), Some(Phase::NewCommitted));
    let phases: Vec<Phase> = m.reached.iter().map(|(p, _)| *p).collect();
    assert!(phases.contains(&Phase::JointCommitted) && phases.contains(&Phase::NewAppended));
    let rows = log_rows(&sim, 0, 100);
    assert!(rows.iter().any(|r| r.cells.iter().any(|c| c.kind == EntryKind::Joint)));
    assert!(rows.iter().any(|r| r.cells.iter().any(|c| c.kind == EntryKind::NewConfig)));
    assert_eq!(servers(&sim).len(), 6);
}

#[test]
fn the_status_pairs_the_newest_term_with_its_leader_and_marks_a_stale_one() {
    let mut sim = elected(13);
    let old = sim.leader().unwrap();
    let old_term = sim.server(old).unwrap().node.term().0;
    let st = status(&sim);
    assert_eq!((st.term, st.leader, st.stale_leaders.clone()), (old_term, Some(old), vec![]));
    // Cut the leader off with one follower: the majority elects a new leader in a newer
    // term, while the old one still believes it leads.
    let others: Vec<ServerId> = sim.servers().iter().map(|s| s.node.id()).filter(|id| *id != old).collect();
    sim.act(Action::Partition { groups: vec![vec![old, others[0]], others[1..].to_vec()] }).unwrap();
    sim.run_for(Duration::from_ms(3_000));
    let st = status(&sim);
    let new = sim.leaders().into_iter().find(|l| *l != old).expect("the majority elected a leader");
    let new_term = sim.server(new).unwrap().node.term().0;
    assert!(new_term > old_term);
    assert_eq!((st.term, st.leader, st.stale_leaders), (new_term, Some(new), vec![(old, old_term)]));
    // The majority side's candidates raise the term with no leader yet: none, and stale.
    sim.act(Action::Crash { server: new }).unwrap();
    sim.act(Action::ForceTimeout { server: others[1..].iter().copied().find(|s| *s != new).unwrap() }).unwrap();
    let st = status(&sim);
    assert_eq!((st.leader, st.stale_leaders), (None, vec![(old, old_term)]));
}

#[test]
fn the_partition_in_force_is_read_from_the_network() {
    let mut sim = elected(3);
    assert_eq!(partition_in_force(&sim), None);
    let ids = |v: &[u32]| v.iter().map(|i| ServerId(*i)).collect::<Vec<_>>();
    sim.act(Action::Partition { groups: vec![ids(&[4, 5]), ids(&[1, 2, 3])] }).unwrap();
    let groups = partition_in_force(&sim).unwrap();
    let mut sorted = groups.clone();
    sorted.sort();
    assert_eq!(sorted, vec![ids(&[1, 2, 3]), ids(&[4, 5])]);
    sim.act(Action::Heal).unwrap();
    assert_eq!(partition_in_force(&sim), None);
}

fn label(sim: &Sim, id: ServerId) -> (Standing, K) {
    let s = servers(sim).into_iter().find(|s| s.id == id).unwrap();
    (s.standing(), role_key(s.role, s.alive, s.standing()))
}

use crate::view::i18n::K;

/// A new server is "catching up" only while no configuration in force counts it: once the
/// leader's log holds C_old,new the leader counts it, before the entry reaches it.
#[test]
fn a_new_server_is_labelled_by_what_the_leader_counts() {
    let mut sim = elected(31);
    let leader = sim.leader().unwrap();
    sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint }).unwrap();
    assert_eq!(label(&sim, ServerId(6)), (Standing::Learner, K::RoleCatchingUp));
    while !matches!(sim.server(leader).unwrap().node.configuration(), crate::raft::Configuration::Joint { .. }) {
        sim.step().unwrap();
        if !sim.server(leader).unwrap().node.configuration().contains(ServerId(6)) {
            assert_eq!(label(&sim, ServerId(6)), (Standing::Learner, K::RoleCatchingUp));
        }
    }
    assert!(!sim.server(ServerId(6)).unwrap().node.configuration().contains(ServerId(6)), "not in its own log yet");
    assert_eq!(label(&sim, ServerId(6)), (Standing::Member, K::RoleFollower));
    assert!(!servers(&sim).iter().any(|s| s.learner));
}

/// A server left behind by an abandoned change is in no configuration and nobody catches
/// it up: not "catching up" but "not a member".
#[test]
fn a_server_left_behind_by_an_abandoned_change_is_not_a_member() {
    let mut sim = elected(32);
    let leader = sim.leader().unwrap();
    sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint }).unwrap();
    let rest: Vec<ServerId> = (1..=5).map(ServerId).collect();
    sim.act(Action::Partition { groups: vec![rest, vec![ServerId(6)]] }).unwrap();
    assert_eq!(label(&sim, ServerId(6)), (Standing::Learner, K::RoleCatchingUp));
    while membership(&sim).unwrap().abandoned.is_none() {
        sim.step().unwrap();
    }
    assert_eq!(sim.leader(), Some(leader));
    let s6 = sim.server(ServerId(6)).unwrap();
    assert!(s6.alive && !s6.node.is_leader());
    // It times out and campaigns alone; as a follower it is labelled "not a member".
    let (standing, key) = label(&sim, ServerId(6));
    assert_eq!(standing, Standing::Outside);
    let role = servers(&sim).into_iter().find(|s| s.id == ServerId(6)).unwrap().role;
    assert_eq!(key, if role == RoleKind::Follower { K::RoleNotMember } else { K::RoleCandidate });
}

/// The membership view reports a lost change with its reason, and ends it.
#[test]
fn a_lost_change_is_reported_as_lost_and_finished() {
    let mut sim = elected(33);
    let leader = sim.leader().unwrap();
    sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint }).unwrap();
    sim.act(Action::Crash { server: ServerId(6) }).unwrap();
    sim.act(Action::Crash { server: leader }).unwrap();
    let m = membership(&sim).unwrap();
    assert_eq!(
        (m.finished, m.lost.clone(), m.current()),
        (true, Some(ChangeLost::LeaderGone { leader }), Some(Phase::CatchingUp))
    );
    assert!(servers(&sim).iter().all(|s| !s.learner), "nobody catches S6 up any more");
    assert_eq!(m.failed_step(), Some(Phase::CatchingUp), "the catch-up never finished");
    assert_eq!(label(&sim, ServerId(6)).0, Standing::Outside);
    let rows: Vec<Standing> = log_rows(&sim, 0, 10).iter().map(|r| r.standing).collect();
    assert_eq!(rows, servers(&sim).iter().map(|s| s.standing()).collect::<Vec<_>>(), "the logs say what the ring says");
}

/// An overwritten C_old,new was appended (that step happened) and never committed: the
/// commit is the step that failed.
#[test]
fn an_overwritten_change_failed_at_its_commit() {
    let mut sim = elected(34);
    let leader = sim.leader().unwrap();
    let others: Vec<ServerId> = (1..=5).map(ServerId).filter(|x| *x != leader).collect();
    sim.act(Action::Partition { groups: vec![vec![leader], others.clone()] }).unwrap();
    sim.act(Action::ChangeMembership { add: vec![], remove: vec![others[0]], method: ChangeMethod::Joint }).unwrap();
    sim.run_until(sim.now() + Duration::from_ms(1_500));
    sim.act(Action::Heal).unwrap();
    while membership(&sim).unwrap().lost.is_none() {
        sim.step().unwrap();
    }
    let m = membership(&sim).unwrap();
    assert!(matches!(m.lost, Some(ChangeLost::Overwritten { .. })), "{m:?}");
    assert_eq!((m.current(), m.failed_step()), (Some(Phase::JointAppended), Some(Phase::JointCommitted)));
}
