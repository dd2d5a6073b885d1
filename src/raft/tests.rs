//! Engine tests in the openraft style: feed one node inputs and assert the exact outputs
//! it emits, so each test reads like a rule of the paper.

use super::*;
use crate::sorted::SortedSet;

fn ids(v: &[u32]) -> SortedSet<ServerId> {
    v.iter().map(|&n| ServerId(n)).collect()
}

fn node(id: u32, n: u32) -> Node {
    Node::new(ServerId(id), Configuration::simple((1..=n).map(ServerId)), NodeConfig::default())
}

fn node_with_log(id: u32, n: u32, term: u64, terms: &[u64]) -> Node {
    let log = terms.iter().map(|&t| Entry { term: Term(t), payload: Payload::Noop }).collect();
    Node::with_state(
        ServerId(id),
        Configuration::simple((1..=n).map(ServerId)),
        NodeConfig::default(),
        Term(term),
        None,
        log,
    )
}

fn outputs(n: &mut Node) -> Vec<Output> {
    let mut v = Vec::new();
    n.take_outputs(&mut v);
    v
}

fn sent(out: &[Output]) -> Vec<Message> {
    out.iter().filter_map(|o| if let Output::Send(m) = o { Some(m.clone()) } else { None }).collect()
}

fn msg(from: u32, to: u32, term: u64, body: MessageBody) -> Message {
    Message { from: ServerId(from), to: ServerId(to), term: Term(term), body }
}

fn vote_req(from: u32, to: u32, term: u64, last_index: u64, last_term: u64) -> Message {
    msg(
        from,
        to,
        term,
        MessageBody::RequestVote { last_log_index: LogIndex(last_index), last_log_term: Term(last_term) },
    )
}

/// An AppendEntries body: prevLogIndex, prevLogTerm, entries, leaderCommit.
fn append(prev_index: u64, prev_term: u64, entries: Vec<Entry>, commit: u64) -> MessageBody {
    MessageBody::AppendEntries {
        prev_log_index: LogIndex(prev_index),
        prev_log_term: Term(prev_term),
        entries,
        leader_commit: LogIndex(commit),
    }
}

fn grant(from: u32, to: u32, term: u64) -> Message {
    msg(from, to, term, MessageBody::RequestVoteReply { granted: true })
}

const T0: Time = Time(0);

/// Elects node 1 of an `n`-server cluster leader in term 1 and drains its outputs.
fn leader_of(n: u32) -> Node {
    let mut l = node(1, n);
    l.handle_election_timeout(T0);
    for peer in 2..=n {
        l.step(T0, grant(peer, 1, 1));
    }
    outputs(&mut l);
    assert!(l.is_leader());
    l
}

#[test]
fn election_timeout_makes_a_candidate_that_votes_for_itself_and_asks_everyone() {
    let mut n = node(1, 3);
    n.handle_election_timeout(T0);
    let out = outputs(&mut n);
    assert_eq!(
        out,
        vec![
            Output::SaveHardState { term: Term(1), voted_for: Some(ServerId(1)) },
            Output::RoleChanged { role: RoleKind::Candidate, term: Term(1) },
            Output::ResetElectionTimer,
            Output::Send(vote_req(1, 2, 1, 0, 0)),
            Output::Send(vote_req(1, 3, 1, 0, 0)),
        ]
    );
}

#[test]
fn a_majority_of_votes_makes_a_leader_that_appends_a_noop_and_replicates_it() {
    let mut n = node(1, 3);
    n.handle_election_timeout(T0);
    outputs(&mut n);
    n.step(T0, grant(2, 1, 1));
    let out = outputs(&mut n);
    assert!(n.is_leader());
    assert_eq!(out[0], Output::RoleChanged { role: RoleKind::Leader, term: Term(1) });
    assert_eq!(out[1], Output::StopElectionTimer);
    assert_eq!(n.log().entry(LogIndex(1)).unwrap().payload, Payload::Noop);
    let appends = sent(&out);
    assert_eq!(appends.len(), 2);
    for m in appends {
        assert!(
            matches!(&m.body, MessageBody::AppendEntries { prev_log_index: LogIndex(0), entries, .. } if entries.len() == 1)
        );
    }
    assert!(out.contains(&Output::ResetHeartbeatTimer));
}

#[test]
fn one_vote_per_term_and_the_vote_is_persisted_before_the_reply() {
    let mut n = node(3, 3);
    n.step(T0, vote_req(1, 3, 1, 0, 0));
    let out = outputs(&mut n);
    assert_eq!(
        out,
        vec![
            Output::SaveHardState { term: Term(1), voted_for: None },
            Output::SaveHardState { term: Term(1), voted_for: Some(ServerId(1)) },
            Output::ResetElectionTimer,
            Output::Send(grant(3, 1, 1)),
        ]
    );
    // A second candidate in the same term is refused.
    n.step(T0, vote_req(2, 3, 1, 0, 0));
    assert_eq!(sent(&outputs(&mut n)), vec![msg(3, 2, 1, MessageBody::RequestVoteReply { granted: false })]);
    // The first candidate asking again (a retransmission) gets the vote again.
    n.step(T0, vote_req(1, 3, 1, 0, 0));
    assert_eq!(sent(&outputs(&mut n)), vec![grant(3, 1, 1)]);
}

#[test]
fn election_restriction_compares_last_term_then_length() {
    // The voter's log ends with term 3 at index 2.
    let mut n = node_with_log(3, 3, 3, &[1, 3]);
    n.step(T0, vote_req(1, 3, 4, 5, 2)); // longer, but an older last term
    assert_eq!(sent(&outputs(&mut n))[0].body, MessageBody::RequestVoteReply { granted: false });
    n.step(T0, vote_req(2, 3, 5, 1, 3)); // same last term, shorter
    assert_eq!(sent(&outputs(&mut n))[0].body, MessageBody::RequestVoteReply { granted: false });
    n.step(T0, vote_req(2, 3, 6, 2, 3)); // as up to date
    assert_eq!(sent(&outputs(&mut n))[0].body, MessageBody::RequestVoteReply { granted: true });
}

#[test]
fn the_no_election_restriction_switch_grants_stale_candidates() {
    let mut n = node_with_log(3, 3, 3, &[1, 3]);
    n.set_breaks(BreakSwitches::default().with(BreakSwitch::NoElectionRestriction));
    n.step(T0, vote_req(1, 3, 4, 0, 0));
    assert_eq!(sent(&outputs(&mut n))[0].body, MessageBody::RequestVoteReply { granted: true });
}

#[test]
fn a_higher_term_turns_a_leader_into_a_follower() {
    let mut l = leader_of(3);
    l.step(T0, msg(2, 1, 7, MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(0) }));
    let out = outputs(&mut l);
    assert_eq!(l.role_kind(), RoleKind::Follower);
    assert_eq!(l.term(), Term(7));
    assert_eq!(l.voted_for(), None);
    assert!(out.contains(&Output::SaveHardState { term: Term(7), voted_for: None }));
    assert!(out.contains(&Output::ResetElectionTimer));
}

#[test]
fn a_candidate_steps_down_for_a_leader_of_its_term() {
    let mut c = node(2, 3);
    c.handle_election_timeout(T0);
    outputs(&mut c);
    let ae = append(0, 0, vec![], 0);
    c.step(T0, msg(1, 2, 1, ae));
    assert_eq!(c.role_kind(), RoleKind::Follower);
    assert_eq!(c.leader(), Some(ServerId(1)));
}

#[test]
fn consistency_check_fails_where_logs_differ_and_conflicts_are_truncated() {
    let mut f = node_with_log(2, 3, 3, &[1, 1, 2, 2]);
    // prevLogIndex 3 with term 3: the follower has term 2 there.
    let bad = append(3, 3, vec![], 0);
    f.step(T0, msg(1, 2, 3, bad));
    assert_eq!(
        sent(&outputs(&mut f))[0].body,
        MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(2) }
    );
    // Matching at 2; the new entry of term 3 at index 3 replaces the two of term 2.
    let good = append(2, 1, vec![Entry { term: Term(3), payload: Payload::Noop }], 3);
    f.step(T0, msg(1, 2, 3, good));
    let out = outputs(&mut f);
    assert!(out.contains(&Output::SaveLog { from: LogIndex(3), last: LogIndex(3) }));
    assert_eq!(f.log().entries().iter().map(|e| e.term.0).collect::<Vec<_>>(), vec![1, 1, 3]);
    // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
    assert_eq!(f.commit_index(), LogIndex(3));
    assert_eq!(
        sent(&out).last().unwrap().body,
        MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(3) }
    );
}

#[test]
fn a_reordered_old_append_does_not_truncate_newer_entries() {
    let mut f = node_with_log(2, 3, 1, &[1, 1, 1]);
    let old = append(0, 0, vec![Entry { term: Term(1), payload: Payload::Noop }], 0);
    f.step(T0, msg(1, 2, 1, old));
    assert_eq!(f.log().last_index(), LogIndex(3));
}

#[test]
fn next_index_backs_off_and_match_index_advances() {
    let mut l = leader_of(3);
    // The leader's log is [noop]; follower 2 refuses, hinting it has nothing.
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(0) }));
    let out = outputs(&mut l);
    // nextIndex was already 1: nothing lower to try, no resend.
    assert!(sent(&out).is_empty());
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(1) }));
    let p = l.leader_state().unwrap().progress[&ServerId(2)];
    assert_eq!((p.match_index, p.next_index), (LogIndex(1), LogIndex(2)));
    // A majority (1 and 2) has the noop of the current term: committed.
    assert_eq!(l.commit_index(), LogIndex(1));
}

#[test]
fn figure_8_old_term_entries_are_not_committed_by_counting() {
    // S1 leads term 4 with an entry of term 2 at index 2 that it replicates to a majority.
    let build = |breaks: BreakSwitches| {
        let cfg = NodeConfig { breaks, ..NodeConfig::default() };
        let log =
            vec![Entry { term: Term(1), payload: Payload::Noop }, Entry { term: Term(2), payload: Payload::Noop }];
        let mut l =
            Node::with_state(ServerId(1), Configuration::simple((1..=5).map(ServerId)), cfg, Term(3), None, log);
        l.handle_election_timeout(T0);
        for p in 2..=3 {
            l.step(T0, grant(p, 1, 4));
        }
        outputs(&mut l);
        assert!(l.is_leader());
        // S2 and S3 acknowledge index 2 only (not the leader's no-op at index 3).
        for p in 2..=3 {
            l.step(T0, msg(p, 1, 4, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(2) }));
        }
        l.commit_index()
    };
    assert_eq!(build(BreakSwitches::default()), LogIndex(0), "§5.4.2: never by counting");
    assert_eq!(
        build(BreakSwitches::default().with(BreakSwitch::CommitOldTerms)),
        LogIndex(2),
        "the broken rule commits"
    );
}

#[test]
fn a_crash_keeps_term_vote_and_log_and_loses_everything_else() {
    let mut l = leader_of(3);
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(1) }));
    l.propose(T0, ClientRequest { client: ClientId(1), seq: 1, op: Op::Set { key: "x".into(), value: "1".into() } })
        .unwrap();
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(2) }));
    assert_eq!(l.kv().data.get("x").map(String::as_str), Some("1"));
    l.crash();
    assert_eq!(l.term(), Term(1));
    assert_eq!(l.voted_for(), Some(ServerId(1)));
    assert_eq!(l.log().last_index(), LogIndex(2));
    assert_eq!(l.role_kind(), RoleKind::Follower);
    assert_eq!(l.commit_index(), LogIndex(0));
    assert_eq!(l.last_applied(), LogIndex(0));
    assert!(l.kv().data.is_empty());
    assert!(l.leader_state().is_none());
}

#[test]
fn volatile_voted_for_switch_forgets_the_vote_in_a_crash() {
    let mut n = node(3, 3);
    n.set_breaks(BreakSwitches::default().with(BreakSwitch::VolatileVotedFor));
    n.step(T0, vote_req(1, 3, 1, 0, 0));
    outputs(&mut n);
    n.crash();
    assert_eq!(n.voted_for(), None);
    n.step(T0, vote_req(2, 3, 1, 0, 0));
    assert_eq!(
        sent(&outputs(&mut n))[0].body,
        MessageBody::RequestVoteReply { granted: true },
        "votes twice in term 1"
    );
}

#[test]
fn followers_redirect_clients_to_the_leader_they_know() {
    let mut f = node(2, 3);
    assert_eq!(
        f.propose(T0, ClientRequest { client: ClientId(1), seq: 1, op: Op::Get { key: "x".into() } }),
        Err(ProposeError::NotLeader { leader_hint: None })
    );
    let hb = append(0, 0, vec![], 0);
    f.step(T0, msg(1, 2, 1, hb));
    assert_eq!(
        f.propose(T0, ClientRequest { client: ClientId(1), seq: 1, op: Op::Get { key: "x".into() } }),
        Err(ProposeError::NotLeader { leader_hint: Some(ServerId(1)) })
    );
}

#[test]
fn a_retry_of_an_applied_request_is_answered_without_appending() {
    let mut l = leader_of(3);
    let req = ClientRequest { client: ClientId(9), seq: 1, op: Op::Incr { key: "n".into() } };
    l.propose(T0, req.clone()).unwrap();
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(2) }));
    let out = outputs(&mut l);
    assert!(out.contains(&Output::ClientReply {
        client: ClientId(9),
        seq: 1,
        result: OpResult::Value(Some("1".into()))
    }));
    let len = l.log().last_index();
    assert_eq!(l.propose(T0, req), Ok(Proposed::AlreadyApplied(OpResult::Value(Some("1".into())))));
    assert_eq!(l.log().last_index(), len);
    assert_eq!(l.kv().data["n"], "1");
}

#[test]
fn requests_are_ignored_within_the_minimum_election_timeout_of_a_leader() {
    let mut f = node(2, 3);
    let hb = append(0, 0, vec![], 0);
    f.step(Time::from_ms(1000), msg(1, 2, 1, hb));
    outputs(&mut f);
    // 100 ms later a removed server asks for votes in a higher term: ignored.
    f.step(Time::from_ms(1100), vote_req(3, 2, 5, 0, 0));
    assert_eq!(f.term(), Term(1));
    assert_eq!(sent(&outputs(&mut f))[0].body, MessageBody::RequestVoteReply { granted: false });
    // After the minimum election timeout it is heard.
    f.step(Time::from_ms(1200), vote_req(3, 2, 5, 0, 0));
    assert_eq!(f.term(), Term(5));
    assert_eq!(sent(&outputs(&mut f))[0].body, MessageBody::RequestVoteReply { granted: true });
}

#[test]
fn joint_consensus_catches_up_then_appends_joint_then_new() {
    let mut l = leader_of(3);
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(1) }));
    outputs(&mut l);
    l.propose_membership(T0, ids(&[1, 2, 3, 4, 5])).unwrap();
    let out = outputs(&mut l);
    assert_eq!(out[0], Output::Membership(MembershipEvent::CatchingUp { servers: ids(&[4, 5]) }));
    assert!(!l.configuration().is_joint(), "no configuration entry before the new servers catch up");
    // A second change is refused while this one is in flight, and the refusal says why.
    let refused = l.propose_membership(T0, ids(&[1, 2])).unwrap_err();
    assert_eq!(
        refused,
        ChangeError::ChangeInProgress { reason: InProgress::CatchingUp(vec![ServerId(4), ServerId(5)]) }
    );
    assert_eq!(refused.to_string(), "a membership change is already in progress: S4, S5 catching up");
    for p in [4, 5] {
        l.step(T0, msg(p, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(1) }));
    }
    let out = outputs(&mut l);
    assert!(out.contains(&Output::Membership(MembershipEvent::JointAppended { index: LogIndex(2) })));
    assert_eq!(l.configuration(), &Configuration::Joint { old: ids(&[1, 2, 3]), new: ids(&[1, 2, 3, 4, 5]) });
    let refused = l.propose_membership(T0, ids(&[1, 2])).unwrap_err();
    assert_eq!(refused, ChangeError::ChangeInProgress { reason: InProgress::Joint(l.configuration().clone()) });
    let joint = l.configuration().to_string();
    assert_eq!(
        refused.to_string(),
        format!("a membership change is already in progress: C_old,new {joint} is in force")
    );
    // C_old,new needs a majority of C_old (1,2) AND of C_new (1,2,4): 2 and 4 are not enough…
    l.step(T0, msg(4, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(2) }));
    l.step(T0, msg(5, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(2) }));
    assert_eq!(l.commit_index(), LogIndex(1), "a majority of C_new alone does not commit");
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(2) }));
    let out = outputs(&mut l);
    assert_eq!(l.commit_index(), LogIndex(2));
    assert!(out.contains(&Output::Membership(MembershipEvent::JointCommitted { index: LogIndex(2) })));
    assert!(out.contains(&Output::Membership(MembershipEvent::NewAppended { index: LogIndex(3) })));
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3, 4, 5].map(ServerId)));
    // C_new is appended but not committed: the next change waits for it.
    let refused = l.propose_membership(T0, ids(&[1, 2])).unwrap_err();
    assert_eq!(refused, ChangeError::ChangeInProgress { reason: InProgress::Uncommitted(LogIndex(3)) });
    assert_eq!(
        refused.to_string(),
        "a membership change is already in progress: configuration entry 3 is not committed yet"
    );
}

#[test]
fn a_leader_outside_c_new_keeps_leading_then_steps_down() {
    let mut l = leader_of(3);
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(1) }));
    outputs(&mut l);
    l.propose_membership(T0, ids(&[2, 3])).unwrap();
    assert!(l.configuration().is_joint());
    // Joint: old {1,2,3} needs two of three (1 counts itself), new {2,3} needs both.
    for p in [2, 3] {
        l.step(T0, msg(p, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(2) }));
    }
    assert_eq!(l.commit_index(), LogIndex(2));
    assert_eq!(l.configuration(), &Configuration::simple([2, 3].map(ServerId)));
    assert!(l.is_leader(), "it leads C_new without counting itself");
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(3) }));
    assert!(l.is_leader(), "one of C_new {{2,3}} is not a majority");
    l.step(T0, msg(3, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(3) }));
    let out = outputs(&mut l);
    assert_eq!(l.commit_index(), LogIndex(3));
    assert!(out.contains(&Output::Membership(MembershipEvent::LeaderSteppedDown)));
    assert_eq!(l.role_kind(), RoleKind::Follower);
    assert!(!l.can_campaign(), "a server removed by a committed C_new stays out");
}

#[test]
fn single_step_switch_skips_the_joint_configuration() {
    let mut l = leader_of(3);
    l.step(T0, msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(1) }));
    l.set_breaks(BreakSwitches::default().with(BreakSwitch::SingleStepMembership));
    l.propose_membership(T0, ids(&[1, 2, 3, 4, 5])).unwrap();
    assert_eq!(l.configuration(), &Configuration::simple([1, 2, 3, 4, 5].map(ServerId)));
}
