//! Membership changes (§6, dissertation §4): catching up, joint consensus, a leader
//! outside C_new, the single-step switch, and a server with no configuration, each step
//! with its exact outputs recorded in golden transcripts like the others.

use super::*;

/// §4.2.1: a new server that is down never catches up; after [`CATCH_UP_TIMEOUTS`]
/// election timeouts the leader abandons the change (the configuration stays C_old) and
/// the next change is accepted.
#[test]
fn a_new_server_that_never_catches_up_is_abandoned_after_ten_election_timeouts() {
    let mut t = Transcript::new("catch_up_aborted");
    let mut l = leader_of(&mut t, 3);
    l.propose_membership(T0, ids(&[1, 2, 3, 4])).unwrap();
    t.take("S1: change to {S1..S4}; S4 is down and never answers", &mut l);
    let timeout = NodeConfig::default().election_timeout_min;
    // One heartbeat short of the limit: still catching up.
    let just_before = Time(timeout.0 * CATCH_UP_TIMEOUTS - 1);
    l.handle_heartbeat_timeout(just_before);
    let out = t.take("S1: heartbeat just before ten election timeouts", &mut l);
    assert!(!out.iter().any(|o| matches!(o, Output::Membership(_))));
    assert!(l.leader_state().unwrap().change.is_some());
    l.handle_heartbeat_timeout(Time(timeout.0 * CATCH_UP_TIMEOUTS));
    let out = t.take("S1: heartbeat at ten election timeouts", &mut l);
    assert_eq!(out[0], Output::Membership(MembershipEvent::CatchUpAborted { servers: ids(&[4]) }));
    let leader = l.leader_state().unwrap();
    assert_eq!(leader.change, None);
    assert_eq!(leader.progress.keys().copied().collect::<Vec<_>>(), vec![ServerId(2), ServerId(3)], "S4 dropped");
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3].map(ServerId)), "C_old stays");
    l.propose_membership(Time(timeout.0 * CATCH_UP_TIMEOUTS), ids(&[1, 2])).unwrap();
    t.take("S1: change to {S1,S2}, accepted", &mut l);
    t.check();
}

/// §4.2.1: a catch-up round that took longer than an election timeout, while the log
/// grew, is followed by another round to the new end of the log; a quick round ends it.
#[test]
fn a_slow_catch_up_round_is_followed_by_another() {
    let mut t = Transcript::new("catch_up_rounds");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ack(2, 1, true, 1));
    t.take("S1: S2 acknowledges index 1", &mut l);
    l.propose_membership(T0, ids(&[1, 2, 3, 4])).unwrap();
    t.take("S1: change to {S1..S4}: round 1 to index 1", &mut l);
    let request = ClientRequest { client: ClientId(1), seq: 1, op: Op::Get { key: "x".into() } };
    l.propose(Time::from_ms(100), request).unwrap();
    t.take("S1: a client request at 100ms (index 2)", &mut l);
    l.step(Time::from_ms(200), &ack(4, 1, true, 1));
    t.take("S1: S4 acknowledges index 1 at 200ms: round 1 took longer than 150ms", &mut l);
    let change = l.leader_state().unwrap().change.clone().expect("still catching up");
    assert_eq!((change.round, change.catch_up_index, change.round_started_at), (2, LogIndex(2), Time::from_ms(200)));
    assert!(!l.configuration().is_joint());
    l.step(Time::from_ms(240), &ack(4, 1, true, 2));
    let out = t.take("S1: S4 acknowledges index 2 at 240ms: round 2 took 40ms", &mut l);
    assert!(out.contains(&Output::Membership(MembershipEvent::JointAppended { index: LogIndex(3) })));
    t.check();
}

#[test]
fn joint_consensus_catches_up_then_appends_joint_then_new() {
    let mut t = Transcript::new("joint_consensus");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ack(2, 1, true, 1));
    t.take("S1: S2 acknowledges index 1", &mut l);
    l.propose_membership(T0, ids(&[1, 2, 3, 4, 5])).unwrap();
    let out = t.take("S1: change to {S1..S5}", &mut l);
    assert_eq!(out[0], Output::Membership(MembershipEvent::CatchingUp { servers: ids(&[4, 5]) }));
    assert!(!l.configuration().is_joint(), "no configuration entry before the new servers catch up");
    // A second change is refused while this one is in flight, and the refusal says why.
    let refused = l.propose_membership(T0, ids(&[1, 2])).unwrap_err();
    t.take("S1: change to {S1,S2}, refused", &mut l);
    assert_eq!(
        refused,
        ChangeError::ChangeInProgress { reason: InProgress::CatchingUp(vec![ServerId(4), ServerId(5)]) }
    );
    for p in [4, 5] {
        l.step(T0, &ack(p, 1, true, 1));
        t.take(&format!("S1: S{p} acknowledges index 1"), &mut l);
    }
    assert_eq!(l.configuration(), &Configuration::Joint { old: ids(&[1, 2, 3]), new: ids(&[1, 2, 3, 4, 5]) });
    let refused = l.propose_membership(T0, ids(&[1, 2])).unwrap_err();
    t.take("S1: change to {S1,S2}, refused", &mut l);
    assert_eq!(refused, ChangeError::ChangeInProgress { reason: InProgress::Joint(l.configuration().clone()) });
    // C_old,new needs a majority of C_old (1,2) AND of C_new (1,2,4): 2 and 4 are not enough…
    l.step(T0, &ack(4, 1, true, 2));
    t.take("S1: S4 acknowledges index 2", &mut l);
    l.step(T0, &ack(5, 1, true, 2));
    t.take("S1: S5 acknowledges index 2", &mut l);
    assert_eq!(l.commit_index(), LogIndex(1), "a majority of C_new alone does not commit");
    l.step(T0, &ack(2, 1, true, 2));
    let out = t.take("S1: S2 acknowledges index 2", &mut l);
    assert_eq!(l.commit_index(), LogIndex(2));
    assert!(out.contains(&Output::Membership(MembershipEvent::JointCommitted { index: LogIndex(2) })));
    assert!(out.contains(&Output::Membership(MembershipEvent::NewAppended { index: LogIndex(3) })));
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3, 4, 5].map(ServerId)));
    // C_new is appended but not committed: the next change waits for it.
    let refused = l.propose_membership(T0, ids(&[1, 2])).unwrap_err();
    t.take("S1: change to {S1,S2}, refused", &mut l);
    assert_eq!(refused, ChangeError::ChangeInProgress { reason: InProgress::Uncommitted(LogIndex(3)) });
    t.check();
}

#[test]
fn a_leader_outside_c_new_keeps_leading_then_steps_down() {
    let mut t = Transcript::new("leader_outside_c_new");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ack(2, 1, true, 1));
    t.take("S1: S2 acknowledges index 1", &mut l);
    l.propose_membership(T0, ids(&[2, 3])).unwrap();
    t.take("S1: change to {S2,S3}", &mut l);
    assert!(l.configuration().is_joint());
    // Joint: old {1,2,3} needs two of three (1 counts itself), new {2,3} needs both.
    for p in [2, 3] {
        l.step(T0, &ack(p, 1, true, 2));
        t.take(&format!("S1: S{p} acknowledges index 2"), &mut l);
    }
    assert_eq!(l.commit_index(), LogIndex(2));
    assert_eq!(l.configuration(), &Configuration::simple([2, 3].map(ServerId)));
    assert!(l.is_leader(), "it leads C_new without counting itself");
    l.step(T0, &ack(2, 1, true, 3));
    t.take("S1: S2 acknowledges index 3", &mut l);
    assert!(l.is_leader(), "one of C_new {{2,3}} is not a majority");
    l.step(T0, &ack(3, 1, true, 3));
    let out = t.take("S1: S3 acknowledges index 3", &mut l);
    assert_eq!(l.commit_index(), LogIndex(3));
    assert!(out.contains(&Output::Membership(MembershipEvent::LeaderSteppedDown)));
    assert_eq!(l.role_kind(), RoleKind::Follower);
    assert!(!l.can_campaign(), "a server removed by a committed C_new stays out");
    t.check();
}

#[test]
fn single_step_switch_skips_the_joint_configuration() {
    let mut t = Transcript::new("single_step_membership");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ack(2, 1, true, 1));
    t.take("S1: S2 acknowledges index 1", &mut l);
    l.set_breaks(BreakSwitches::default().with(BreakSwitch::SingleStepMembership));
    l.propose_membership(T0, ids(&[1, 2, 3, 4, 5])).unwrap();
    t.take("S1 (single-step on): change to {S1..S5}", &mut l);
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3, 4, 5].map(ServerId)));
    t.check();
}

/// A brand-new server knows no configuration (the empty one, which would win any vote:
/// see `quorum`): its election timer only restarts, it never campaigns.
#[test]
fn a_server_with_the_empty_configuration_never_campaigns() {
    let mut t = Transcript::new("empty_configuration");
    let mut n = Node::new(ServerId(4), Configuration::empty(), NodeConfig::default());
    n.start();
    t.take("S4 (no configuration): start", &mut n);
    n.handle_election_timeout(T0);
    let out = t.take("S4: election timeout", &mut n);
    assert_eq!(out, vec![Output::ResetElectionTimer]);
    assert_eq!((n.role_kind(), n.term()), (RoleKind::Follower, Term(0)));
    t.check();
}
