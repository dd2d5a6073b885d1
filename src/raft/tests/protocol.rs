//! PreVote (dissertation §9.6), CheckQuorum (etcd) and leadership transfer (§3.10), each
//! step with the exact outputs it emits, recorded in golden transcripts like the others.

use super::*;

const MS: u64 = 1000;

fn at_ms(ms: u64) -> Time {
    Time(ms * MS)
}

fn with(mut n: Node, option: ProtocolOption) -> Node {
    n.set_options(ProtocolOptions::default().with(option));
    n
}

fn pre_vote(from: u32, to: u32, term: u64, last_index: u64, last_term: u64) -> Message {
    msg(from, to, term, MessageBody::PreVote { last_log_index: LogIndex(last_index), last_log_term: Term(last_term) })
}

fn pre_vote_reply(from: u32, to: u32, term: u64, granted: bool) -> Message {
    msg(from, to, term, MessageBody::PreVoteReply { granted })
}

fn ok(from: u32, term: u64, match_index: u64) -> Message {
    ack(from, term, true, match_index)
}

fn heartbeat(to: u32, commit: u64, prev: u64) -> Output {
    Output::Send(msg(1, to, 1, append(prev, if prev == 0 { 0 } else { 1 }, vec![], commit)))
}

fn incr() -> ClientRequest {
    ClientRequest { client: ClientId(1), seq: 1, op: Op::Incr { key: "n".into() } }
}

// ---- PreVote --------------------------------------------------------------------------

#[test]
fn prevote_asks_for_the_next_term_without_raising_its_own() {
    let mut t = Transcript::new("prevote_asks");
    let mut n = with(node_with_log(1, 3, 2, &[1, 2]), ProtocolOption::PreVote);
    n.handle_election_timeout(T0);
    assert_eq!(
        t.take("S1 (PreVote, t2): election timeout", &mut n),
        vec![
            Output::RoleChanged { role: RoleKind::PreCandidate, term: Term(2) },
            Output::ResetElectionTimer,
            Output::Send(pre_vote(1, 2, 3, 2, 2)),
            Output::Send(pre_vote(1, 3, 3, 2, 2)),
        ]
    );
    assert_eq!((n.term(), n.voted_for()), (Term(2), None), "nothing persisted");
    // Its timer fires again: a new round, still in term 2.
    n.handle_election_timeout(T0);
    assert_eq!(
        t.take("S1: election timeout again", &mut n),
        vec![Output::ResetElectionTimer, Output::Send(pre_vote(1, 2, 3, 2, 2)), Output::Send(pre_vote(1, 3, 3, 2, 2))]
    );
    t.check();
}

#[test]
fn a_voter_grants_a_pre_vote_without_changing_anything() {
    let mut t = Transcript::new("prevote_granted");
    let mut v = node_with_log(2, 3, 2, &[1, 2]);
    v.step(T0, &pre_vote(1, 2, 3, 2, 2));
    assert_eq!(t.take("S2 (t2): PreVote from S1 for t3", &mut v), vec![Output::Send(pre_vote_reply(2, 1, 3, true))]);
    assert_eq!((v.term(), v.voted_for(), v.role_kind()), (Term(2), None, RoleKind::Follower));
    // A pre-vote does not count as a vote: a real candidate of term 3 still gets it.
    v.step(T0, &vote_req(3, 2, 3, 2, 2));
    assert_eq!(sent(&t.take("S2: RequestVote from S3 in t3", &mut v)), vec![grant(2, 3, 3)]);
    t.check();
}

#[test]
fn a_voter_refuses_a_stale_log_a_stale_term_and_within_a_leader_lease() {
    let mut t = Transcript::new("prevote_refused");
    let refused = vec![Output::Send(pre_vote_reply(2, 1, 2, false))];
    // Its log ends in term 2; the pre-candidate's in term 1: §5.4.1.
    let mut v = node_with_log(2, 3, 2, &[1, 2]);
    v.step(T0, &pre_vote(1, 2, 3, 5, 1));
    assert_eq!(t.take("S2 (t2, log ends in t2): PreVote from S1, log ends (5,t1)", &mut v), refused);
    // Asking for a term it is already in: the refusal carries that term.
    v.step(T0, &pre_vote(1, 2, 2, 2, 2));
    assert_eq!(t.take("S2: PreVote from S1 for t2", &mut v), refused);
    // It heard from leader S3 100ms ago (§6 lease), then not for 150ms.
    v.step(T0, &msg(3, 2, 2, append(2, 2, vec![], 0)));
    t.take("S2: heartbeat from leader S3 at 0ms", &mut v);
    v.step(at_ms(100), &pre_vote(1, 2, 3, 2, 2));
    assert_eq!(t.take("S2: PreVote from S1 for t3 at 100ms", &mut v), refused);
    v.step(at_ms(150), &pre_vote(1, 2, 3, 2, 2));
    assert_eq!(
        t.take("S2: PreVote from S1 for t3 at 150ms", &mut v),
        vec![Output::Send(pre_vote_reply(2, 1, 3, true))]
    );
    assert_eq!((v.term(), v.leader()), (Term(2), Some(ServerId(3))), "still S3's follower in term 2");
    t.check();
}

#[test]
fn a_quorum_of_pre_votes_starts_the_real_election() {
    let mut t = Transcript::new("prevote_quorum");
    let mut n = with(node(1, 3), ProtocolOption::PreVote);
    n.handle_election_timeout(T0);
    t.take("S1 (PreVote): election timeout", &mut n);
    // A grant for another term is from an earlier round and does not count.
    n.step(T0, &pre_vote_reply(3, 1, 7, true));
    assert_eq!(t.take("S1: S3 grants a pre-vote for t7", &mut n), vec![]);
    n.step(T0, &pre_vote_reply(2, 1, 1, true));
    assert_eq!(
        t.take("S1: S2 grants a pre-vote for t1", &mut n),
        s1_campaigns_in_term_1_of_3(),
        "the paper's election, from here on"
    );
    t.check();
}

#[test]
fn refusals_send_the_pre_candidate_back_to_following() {
    let mut t = Transcript::new("prevote_refusals");
    // A quorum refuses: it waits as a follower, in its own term (etcd).
    let mut n = with(node(1, 3), ProtocolOption::PreVote);
    n.handle_election_timeout(T0);
    t.take("S1 (PreVote): election timeout", &mut n);
    n.step(T0, &pre_vote_reply(2, 1, 0, false));
    assert_eq!(t.take("S1: S2 refuses in t0", &mut n), vec![]);
    n.step(T0, &pre_vote_reply(3, 1, 0, false));
    assert_eq!(
        t.take("S1: S3 refuses in t0", &mut n),
        vec![Output::RoleChanged { role: RoleKind::Follower, term: Term(0) }, Output::ResetElectionTimer]
    );
    // A refusal from a later term teaches it that term (§5.1).
    let mut n = with(node(1, 3), ProtocolOption::PreVote);
    n.handle_election_timeout(T0);
    t.take("another S1 (PreVote): election timeout", &mut n);
    n.step(T0, &pre_vote_reply(2, 1, 4, false));
    assert_eq!(
        t.take("S1: S2 refuses in t4", &mut n),
        vec![
            Output::SaveHardState { term: Term(4), voted_for: None },
            Output::RoleChanged { role: RoleKind::Follower, term: Term(4) },
            Output::ResetElectionTimer,
        ]
    );
    t.check();
}

#[test]
fn a_pre_candidate_follows_a_leader_of_its_term() {
    let mut t = Transcript::new("prevote_follows_a_leader");
    let mut n = with(node(2, 3), ProtocolOption::PreVote);
    n.handle_election_timeout(T0);
    t.take("S2 (PreVote): election timeout", &mut n);
    n.step(T0, &msg(1, 2, 0, append(0, 0, vec![], 0)));
    assert_eq!(
        t.take("S2: heartbeat from S1 in t0", &mut n),
        vec![
            Output::RoleChanged { role: RoleKind::Follower, term: Term(0) },
            Output::ResetElectionTimer,
            Output::ResetElectionTimer,
            Output::Send(msg(2, 1, 0, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(0) })),
        ]
    );
    assert_eq!(n.leader(), Some(ServerId(1)));
    t.check();
}

// ---- CheckQuorum ----------------------------------------------------------------------

/// Elects S1 of `n` with CheckQuorum on, and lets every follower acknowledge the no-op.
fn quorum_leader(t: &mut Transcript, n: u32) -> Node {
    let mut l = with(leader_of(t, n), ProtocolOption::CheckQuorum);
    for p in 2..=n {
        l.step(T0, &ok(p, 1, 1));
        t.take(&format!("S1 (CheckQuorum): S{p} acknowledges the no-op"), &mut l);
    }
    l
}

#[test]
fn a_leader_that_hears_from_a_quorum_stays() {
    let mut t = Transcript::new("check_quorum_stays");
    let mut l = quorum_leader(&mut t, 3);
    l.step(at_ms(250), &ok(2, 1, 1));
    t.take("S1: S2 acknowledges at 250ms", &mut l);
    l.handle_heartbeat_timeout(at_ms(400));
    assert_eq!(
        t.take("S1: heartbeat timeout at 400ms", &mut l),
        vec![heartbeat(2, 1, 1), heartbeat(3, 1, 1), Output::ResetHeartbeatTimer],
        "S1 and S2 are two of three"
    );
    let recent = l.recent_contacts(at_ms(400)).unwrap();
    assert_eq!((recent.heard, recent.quorum), (vec![ServerId(1), ServerId(2)], true));
    t.check();
}

#[test]
fn a_leader_that_hears_from_no_quorum_for_an_election_timeout_steps_down() {
    let mut t = Transcript::new("check_quorum_steps_down");
    let mut l = quorum_leader(&mut t, 5);
    l.step(at_ms(250), &ok(2, 1, 1));
    t.take("S1: S2 acknowledges at 250ms", &mut l);
    // 299ms after its election nothing is decided yet: a leader gets one election timeout.
    l.handle_heartbeat_timeout(at_ms(299));
    assert_eq!(t.take("S1: heartbeat timeout at 299ms", &mut l).last(), Some(&Output::ResetHeartbeatTimer));
    l.handle_heartbeat_timeout(at_ms(300));
    assert_eq!(
        t.take("S1: heartbeat timeout at 300ms", &mut l),
        vec![
            Output::Protocol(ProtocolEvent::QuorumLost { heard: vec![ServerId(1), ServerId(2)] }),
            Output::RoleChanged { role: RoleKind::Follower, term: Term(1) },
            Output::ResetElectionTimer,
        ]
    );
    assert_eq!((l.term(), l.leader()), (Term(1), None));
    // Without CheckQuorum the same leader stays.
    let mut l = leader_of(&mut t, 5);
    l.handle_heartbeat_timeout(at_ms(30_000));
    t.take("S1 (no CheckQuorum): heartbeat timeout at 30s", &mut l);
    assert!(l.is_leader());
    t.check();
}

#[test]
fn check_quorum_needs_both_halves_of_a_joint_configuration() {
    let mut t = Transcript::new("check_quorum_joint");
    let mut l = quorum_leader(&mut t, 3);
    l.propose_membership(T0, ids(&[1, 4, 5])).unwrap();
    t.take("S1: change to {S1, S4, S5}", &mut l);
    for p in [4, 5] {
        l.step(T0, &ok(p, 1, 1));
        t.take(&format!("S1: S{p} has caught up"), &mut l);
    }
    assert!(l.configuration().is_joint());
    // S2 and S3 answer (all of C_old), S4 and S5 do not (only S1 of C_new).
    for p in [2, 3] {
        l.step(at_ms(200), &ok(p, 1, 2));
        t.take(&format!("S1: S{p} acknowledges C_old,new at 200ms"), &mut l);
    }
    let recent = l.recent_contacts(at_ms(300)).unwrap();
    assert_eq!((recent.heard, recent.quorum), (vec![ServerId(1), ServerId(2), ServerId(3)], false));
    l.handle_heartbeat_timeout(at_ms(300));
    assert_eq!(
        t.take("S1: heartbeat timeout at 300ms", &mut l)[0],
        Output::Protocol(ProtocolEvent::QuorumLost { heard: vec![ServerId(1), ServerId(2), ServerId(3)] })
    );
    assert_eq!(l.role_kind(), RoleKind::Follower);
    t.check();
}

// ---- Leadership transfer --------------------------------------------------------------

#[test]
fn transfer_to_an_up_to_date_follower_sends_timeout_now_at_once() {
    let mut t = Transcript::new("transfer_up_to_date");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ok(3, 1, 1));
    t.take("S1: S3 acknowledges the no-op", &mut l);
    l.transfer_leadership(T0, ServerId(3)).unwrap();
    assert_eq!(
        t.take("S1: transfer leadership to S3", &mut l),
        vec![
            Output::Protocol(ProtocolEvent::TransferStarted { to: ServerId(3) }),
            Output::Protocol(ProtocolEvent::TimeoutNowSent { to: ServerId(3) }),
            Output::Send(msg(1, 3, 1, MessageBody::TimeoutNow)),
        ]
    );
    // It takes no new requests meanwhile.
    assert_eq!(l.propose(T0, incr()), Err(ProposeError::Transferring { to: ServerId(3) }));
    assert_eq!(t.take("S1: a client request", &mut l), vec![]);
    assert_eq!(l.transfer_target(), Some(ServerId(3)));
    t.check();
}

#[test]
fn transfer_to_a_lagging_follower_catches_it_up_first() {
    let mut t = Transcript::new("transfer_catches_up");
    let mut l = leader_of(&mut t, 3);
    l.transfer_leadership(T0, ServerId(2)).unwrap();
    assert_eq!(
        t.take("S1: transfer leadership to S2", &mut l),
        vec![
            Output::Protocol(ProtocolEvent::TransferStarted { to: ServerId(2) }),
            Output::Send(msg(1, 2, 1, append(0, 0, vec![Entry { term: Term(1), payload: Payload::Noop }], 0))),
        ]
    );
    l.step(T0, &ok(2, 1, 1));
    assert_eq!(
        t.take("S1: S2 acknowledges the no-op", &mut l),
        vec![
            Output::Protocol(ProtocolEvent::TimeoutNowSent { to: ServerId(2) }),
            Output::Send(msg(1, 2, 1, MessageBody::TimeoutNow)),
            Output::Committed { index: LogIndex(1) },
            Output::Applied { first: LogIndex(1), last: LogIndex(1) },
        ]
    );
    t.check();
}

#[test]
fn timeout_now_starts_an_election_at_once_that_ignores_the_lease_and_prevote() {
    let mut t = Transcript::new("timeout_now");
    let mut s3 = with(node_with_log(3, 3, 1, &[1]), ProtocolOption::PreVote);
    s3.step(T0, &msg(1, 3, 1, append(1, 1, vec![], 1)));
    t.take("S3 (PreVote, t1): heartbeat from S1", &mut s3);
    s3.step(at_ms(10), &msg(1, 3, 1, MessageBody::TimeoutNow));
    let transfer_vote = |to| {
        msg(3, to, 2, MessageBody::RequestVote { last_log_index: LogIndex(1), last_log_term: Term(1), transfer: true })
    };
    assert_eq!(
        t.take("S3: TimeoutNow from S1 at 10ms", &mut s3),
        vec![
            Output::SaveHardState { term: Term(2), voted_for: Some(ServerId(3)) },
            Output::RoleChanged { role: RoleKind::Candidate, term: Term(2) },
            Output::ResetElectionTimer,
            Output::Send(transfer_vote(1)),
            Output::Send(transfer_vote(2)),
        ]
    );
    // A voter that heard from the leader 10ms ago grants it, and would refuse a plain one.
    let mut v = node_with_log(2, 3, 1, &[1]);
    v.step(T0, &msg(1, 2, 1, append(1, 1, vec![], 1)));
    t.take("S2 (t1): heartbeat from S1", &mut v);
    v.step(at_ms(10), &vote_req(4, 2, 2, 1, 1));
    assert_eq!(
        sent(&t.take("S2: RequestVote from S4 in t2 at 10ms", &mut v)),
        vec![msg(2, 4, 1, MessageBody::RequestVoteReply { granted: false })]
    );
    v.step(at_ms(10), &transfer_vote(2));
    assert_eq!(
        t.take("S2: transfer RequestVote from S3 in t2 at 10ms", &mut v),
        vec![
            Output::SaveHardState { term: Term(2), voted_for: None },
            Output::SaveHardState { term: Term(2), voted_for: Some(ServerId(3)) },
            Output::ResetElectionTimer,
            Output::Send(grant(2, 3, 2)),
        ]
    );
    // A TimeoutNow of an earlier term is stale.
    let mut stale = node_with_log(2, 3, 5, &[1]);
    stale.step(T0, &msg(1, 2, 1, MessageBody::TimeoutNow));
    assert_eq!(sent(&t.take("S2 (t5): TimeoutNow from S1 in t1", &mut stale)), vec![]);
    assert_eq!(stale.role_kind(), RoleKind::Follower);
    t.check();
}

#[test]
fn a_transfer_whose_target_does_not_win_is_aborted_after_an_election_timeout() {
    let mut t = Transcript::new("transfer_aborted");
    let mut l = leader_of(&mut t, 3);
    for p in [2, 3] {
        l.step(T0, &ok(p, 1, 1));
        t.take(&format!("S1: S{p} acknowledges the no-op"), &mut l);
    }
    l.transfer_leadership(at_ms(10), ServerId(2)).unwrap();
    t.take("S1: transfer leadership to S2 at 10ms", &mut l);
    l.handle_heartbeat_timeout(at_ms(309));
    assert_eq!(
        t.take("S1: heartbeat timeout at 309ms", &mut l),
        vec![heartbeat(2, 1, 1), heartbeat(3, 1, 1), Output::ResetHeartbeatTimer]
    );
    l.handle_heartbeat_timeout(at_ms(310));
    assert_eq!(
        t.take("S1: heartbeat timeout at 310ms", &mut l),
        vec![
            Output::Protocol(ProtocolEvent::TransferAborted { to: ServerId(2) }),
            heartbeat(2, 1, 1),
            heartbeat(3, 1, 1),
            Output::ResetHeartbeatTimer,
        ]
    );
    assert_eq!(l.transfer_target(), None);
    assert_eq!(l.propose(at_ms(310), incr()), Ok(Proposed::Appended(LogIndex(2))));
    t.take("S1: a client request at 310ms", &mut l);
    t.check();
}

#[test]
fn transfer_is_refused_to_itself_to_a_non_voter_and_by_a_follower() {
    let mut t = Transcript::new("transfer_refused");
    let mut l = leader_of(&mut t, 3);
    assert_eq!(l.transfer_leadership(T0, ServerId(1)), Err(TransferError::AlreadyLeader(ServerId(1))));
    assert_eq!(l.transfer_leadership(T0, ServerId(4)), Err(TransferError::NotAVoter(ServerId(4))));
    assert_eq!(t.take("S1: transfer to S1, then to S4", &mut l), vec![]);
    let mut f = node(2, 3);
    assert_eq!(f.transfer_leadership(T0, ServerId(3)), Err(TransferError::NotLeader { leader_hint: None }));
    t.check();
}

#[test]
fn a_leader_being_removed_can_hand_over_to_a_member_of_c_new() {
    let mut t = Transcript::new("transfer_from_a_removed_leader");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ok(2, 1, 1));
    t.take("S1: S2 acknowledges the no-op", &mut l);
    l.propose_membership(T0, ids(&[2, 3])).unwrap();
    t.take("S1: change to {S2, S3}", &mut l);
    assert!(l.configuration().is_joint());
    assert_eq!(l.transfer_leadership(T0, ServerId(1)), Err(TransferError::AlreadyLeader(ServerId(1))));
    l.transfer_leadership(T0, ServerId(3)).unwrap();
    assert_eq!(
        t.take("S1: transfer to S1 (refused), then to S3", &mut l),
        vec![
            Output::Protocol(ProtocolEvent::TransferStarted { to: ServerId(3) }),
            Output::Send(msg(
                1,
                3,
                1,
                append(
                    0,
                    0,
                    vec![
                        Entry { term: Term(1), payload: Payload::Noop },
                        Entry {
                            term: Term(1),
                            payload: Payload::Config(Configuration::Joint { old: ids(&[1, 2, 3]), new: ids(&[2, 3]) })
                        },
                    ],
                    1
                )
            )),
        ]
    );
    l.step(T0, &ok(3, 1, 2));
    let out = t.take("S1: S3 acknowledges both entries", &mut l);
    assert_eq!(
        out[..2],
        [
            Output::Protocol(ProtocolEvent::TimeoutNowSent { to: ServerId(3) }),
            Output::Send(msg(1, 3, 1, MessageBody::TimeoutNow)),
        ]
    );
    // C_old,new commits while the transfer is on: the leader holds C_new back, so S3 stays
    // as up to date as any voter and its election can win.
    l.step(T0, &ok(2, 1, 2));
    let out = t.take("S1: S2 acknowledges both entries: C_old,new committed", &mut l);
    assert!(out.contains(&Output::Membership(MembershipEvent::JointCommitted { index: LogIndex(2) })));
    assert!(!out.iter().any(|o| matches!(o, Output::Membership(MembershipEvent::NewAppended { .. }))), "{out:?}");
    assert_eq!(l.log().last_index(), LogIndex(2));
    // S3 never wins (its TimeoutNow was lost): the transfer is aborted, and then S1
    // appends the C_new it held back.
    let window = NodeConfig::default().election_timeout_max;
    l.handle_heartbeat_timeout(Time(window.0 + 1));
    let out = t.take("S1: heartbeat after the transfer's window", &mut l);
    assert_eq!(out[0], Output::Protocol(ProtocolEvent::TransferAborted { to: ServerId(3) }));
    assert!(out.contains(&Output::Membership(MembershipEvent::NewAppended { index: LogIndex(3) })), "{out:?}");
    t.check();
}
