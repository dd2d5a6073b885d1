//! Single-server membership changes (dissertation §4.1): one server added or removed, C_new
//! in force as soon as it is in a log, new servers catching up first, and the 2015 rule
//! that a leader commits an entry of its term before it starts a change. Each step with
//! the exact outputs it emits, recorded in golden transcripts like the others.

use super::*;

fn config_entry(term: u64, voters: &[u32]) -> Entry {
    Entry { term: Term(term), payload: Payload::Config(Configuration::simple(voters.iter().map(|&v| ServerId(v)))) }
}

fn noop(term: u64) -> Entry {
    Entry { term: Term(term), payload: Payload::Noop }
}

fn single(l: &mut Node, voters: &[u32]) -> Result<(), ChangeError> {
    l.propose_change(T0, ids(voters), ChangeMethod::Single)
}

/// S1 leads {S1,S2,S3} in term 1 and has committed its no-op (S2 and S3 acknowledged it).
fn leader_with_its_noop_committed(t: &mut Transcript) -> Node {
    let mut l = leader_of(t, 3);
    for p in [2, 3] {
        l.step(T0, &ack(p, 1, true, 1));
        t.take(&format!("S1: S{p} acknowledges index 1"), &mut l);
    }
    assert_eq!(l.commit_index(), LogIndex(1));
    l
}

#[test]
fn adding_one_server_catches_it_up_then_puts_c_new_in_force_at_once() {
    let mut t = Transcript::new("single_server_add");
    let mut l = leader_with_its_noop_committed(&mut t);
    single(&mut l, &[1, 2, 3, 4]).unwrap();
    let out = t.take("S1: add S4, one server at a time", &mut l);
    // S4 catches up as a learner first: no configuration entry yet, and it is sent the log.
    assert_eq!(
        out,
        vec![
            Output::Membership(MembershipEvent::CatchingUp { servers: ids(&[4]) }),
            Output::Send(msg(1, 2, 1, append(1, 1, vec![], 1))),
            Output::Send(msg(1, 3, 1, append(1, 1, vec![], 1))),
            Output::Send(msg(1, 4, 1, append(1, 1, vec![], 1))),
        ]
    );
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3].map(ServerId)));
    // One change at a time: a second one waits, and says why.
    assert_eq!(
        single(&mut l, &[1, 2, 3, 4, 5]).unwrap_err(),
        ChangeError::ChangeInProgress { reason: InProgress::CatchingUp(vec![ServerId(4)]) }
    );
    t.take("S1: add S5 too, refused", &mut l);
    // S4 has nothing: it refuses, and the leader backs off to the start of the log.
    l.step(T0, &ack(4, 1, false, 0));
    t.take("S1: S4 refuses (empty log)", &mut l);
    l.step(T0, &ack(4, 1, true, 1));
    let out = t.take("S1: S4 acknowledges index 1", &mut l);
    // Caught up: C_new goes straight into the log, with no C_old,new, and is in force.
    let c_new = config_entry(1, &[1, 2, 3, 4]);
    assert_eq!(
        out,
        vec![
            Output::SaveLog { from: LogIndex(2), last: LogIndex(2) },
            Output::Membership(MembershipEvent::NewAppended { index: LogIndex(2) }),
            Output::Send(msg(1, 2, 1, append(1, 1, vec![c_new.clone()], 1))),
            Output::Send(msg(1, 3, 1, append(1, 1, vec![c_new.clone()], 1))),
            Output::Send(msg(1, 4, 1, append(1, 1, vec![c_new.clone()], 1))),
        ]
    );
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3, 4].map(ServerId)));
    // C_new counts at once: three of four, where C_old would have needed two of three.
    l.step(T0, &ack(2, 1, true, 2));
    t.take("S1: S2 acknowledges index 2", &mut l);
    assert_eq!(l.commit_index(), LogIndex(1), "two of C_new's four are not a majority");
    l.step(T0, &ack(4, 1, true, 2));
    let out = t.take("S1: S4 acknowledges index 2", &mut l);
    assert_eq!(
        out,
        vec![
            Output::Committed { index: LogIndex(2) },
            Output::Applied { first: LogIndex(2), last: LogIndex(2) },
            Output::Membership(MembershipEvent::NewCommitted { index: LogIndex(2) }),
        ]
    );
    // The next change may start now.
    single(&mut l, &[1, 2, 3]).unwrap();
    t.take("S1: remove S4", &mut l);
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3].map(ServerId)));
    t.check();
}

#[test]
fn a_follower_uses_c_new_as_soon_as_it_is_in_its_log() {
    let mut t = Transcript::new("single_server_follower");
    let mut f = node(3, 3);
    f.step(T0, &msg(1, 3, 1, append(0, 0, vec![noop(1), config_entry(1, &[1, 2, 3, 4])], 0)));
    t.take("S3: AppendEntries from S1 with C_new {S1..S4} at index 2, nothing committed", &mut f);
    assert_eq!(f.commit_index(), LogIndex(0));
    assert_eq!(f.configuration(), &Configuration::simple([1, 2, 3, 4].map(ServerId)), "uncommitted, in force");
    // Its election now asks all four and needs three votes.
    f.handle_election_timeout(T0);
    let out = t.take("S3: election timeout", &mut f);
    assert_eq!(sent(&out).iter().map(|m| m.to).collect::<Vec<_>>(), vec![ServerId(1), ServerId(2), ServerId(4)]);
    f.step(T0, &grant(2, 3, 2));
    t.take("S3: S2 grants its vote in t2", &mut f);
    assert_eq!(f.role_kind(), RoleKind::Candidate, "two of four are not a majority of C_new");
    f.step(T0, &grant(4, 3, 2));
    t.take("S3: S4 grants its vote in t2", &mut f);
    assert!(f.is_leader());
    t.check();
}

#[test]
fn a_leader_that_removes_itself_steps_down_once_c_new_commits() {
    let mut t = Transcript::new("single_server_remove_leader");
    let mut l = leader_with_its_noop_committed(&mut t);
    single(&mut l, &[2, 3]).unwrap();
    let out = t.take("S1: remove S1, one server at a time", &mut l);
    assert_eq!(out[1], Output::Membership(MembershipEvent::NewAppended { index: LogIndex(2) }));
    assert_eq!(l.configuration(), &Configuration::simple([2, 3].map(ServerId)));
    assert!(l.is_leader(), "it leads C_new without counting itself");
    l.step(T0, &ack(2, 1, true, 2));
    t.take("S1: S2 acknowledges index 2", &mut l);
    assert!(l.is_leader(), "one of C_new {{2,3}} is not a majority");
    l.step(T0, &ack(3, 1, true, 2));
    let out = t.take("S1: S3 acknowledges index 2", &mut l);
    assert!(out.contains(&Output::Membership(MembershipEvent::NewCommitted { index: LogIndex(2) })));
    assert!(out.contains(&Output::Membership(MembershipEvent::LeaderSteppedDown)));
    assert_eq!(l.role_kind(), RoleKind::Follower);
    assert!(!l.can_campaign(), "a server removed by a committed C_new stays out");
    t.check();
}

#[test]
fn single_server_refusals_are_typed() {
    let mut t = Transcript::new("single_server_refusals");
    let mut l = leader_of(&mut t, 3);
    // The 2015 rule: the no-op of term 1 is not committed yet.
    assert_eq!(single(&mut l, &[1, 2, 3, 4]).unwrap_err(), ChangeError::NoEntryOfTermCommitted { term: Term(1) });
    t.take("S1: add S4 before its no-op commits, refused", &mut l);
    // Joint consensus has no such rule: only the single-server method waits for it.
    assert!(l.clone().propose_membership(T0, ids(&[1, 2, 3, 4])).is_ok());
    l.step(T0, &ack(2, 1, true, 1));
    t.take("S1: S2 acknowledges index 1", &mut l);
    // Two servers at once, one way or both ways, is not a single-server change.
    assert_eq!(
        single(&mut l, &[1, 2, 3, 4, 5]).unwrap_err(),
        ChangeError::NotOneServer { added: vec![ServerId(4), ServerId(5)], removed: vec![] }
    );
    assert_eq!(
        single(&mut l, &[1, 2, 4]).unwrap_err(),
        ChangeError::NotOneServer { added: vec![ServerId(4)], removed: vec![ServerId(3)] }
    );
    assert_eq!(single(&mut l, &[1, 2, 3]).unwrap_err(), ChangeError::NoChange);
    assert_eq!(single(&mut l, &[]).unwrap_err(), ChangeError::EmptyConfiguration);
    t.take("S1: four refused changes", &mut l);
    // A removal appends C_new at once; until it commits, the next change waits.
    single(&mut l, &[1, 2]).unwrap();
    t.take("S1: remove S3", &mut l);
    assert_eq!(
        single(&mut l, &[1]).unwrap_err(),
        ChangeError::ChangeInProgress { reason: InProgress::Uncommitted(LogIndex(2)) }
    );
    t.take("S1: remove S2 as well, refused", &mut l);
    // A follower redirects.
    let mut f = node(2, 3);
    assert_eq!(single(&mut f, &[1, 2]).unwrap_err(), ChangeError::NotLeader { leader_hint: None });
    t.take("S2 (follower): remove S3, refused", &mut f);
    t.check();
}

#[test]
fn the_refusals_say_what_was_refused() {
    let two = ChangeError::NotOneServer { added: vec![ServerId(4), ServerId(5)], removed: vec![] };
    assert_eq!(
        two.to_string(),
        "a single-server change adds or removes exactly one server (this adds S4, S5, removes none)"
    );
    let early = ChangeError::NoEntryOfTermCommitted { term: Term(2) };
    assert_eq!(early.to_string(), "the leader has not yet committed an entry of its term 2");
}

#[test]
fn without_the_2015_rule_a_new_leader_changes_before_its_noop_commits() {
    let mut t = Transcript::new("change_before_term_commit");
    let mut l = leader_of(&mut t, 3);
    l.set_breaks(BreakSwitches::default().with(BreakSwitch::ChangeBeforeTermCommit));
    single(&mut l, &[1, 2]).unwrap();
    let out = t.take("S1 (change-before-term-commit on): remove S3 before its no-op commits", &mut l);
    assert_eq!(out[1], Output::Membership(MembershipEvent::NewAppended { index: LogIndex(2) }));
    assert_eq!(l.commit_index(), LogIndex(0));
    assert_eq!(l.configuration(), &Configuration::simple([1, 2].map(ServerId)));
    t.check();
}

/// The single-step break-switch still means two servers at once by joint consensus's
/// request, and does not touch a single-server change.
#[test]
fn the_single_step_switch_leaves_single_server_changes_alone() {
    let mut t = Transcript::new("single_server_with_single_step_on");
    let mut l = leader_with_its_noop_committed(&mut t);
    l.set_breaks(BreakSwitches::default().with(BreakSwitch::SingleStepMembership));
    assert_eq!(
        single(&mut l, &[1, 2, 3, 4, 5]).unwrap_err(),
        ChangeError::NotOneServer { added: vec![ServerId(4), ServerId(5)], removed: vec![] }
    );
    single(&mut l, &[1, 2, 3, 4]).unwrap();
    let out = t.take("S1 (single-step on): add S4, one server at a time", &mut l);
    assert_eq!(out[0], Output::Membership(MembershipEvent::CatchingUp { servers: ids(&[4]) }));
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3].map(ServerId)), "S4 catches up first");
    t.check();
}
