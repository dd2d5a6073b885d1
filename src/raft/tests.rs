//! Engine tests in the openraft style: feed one node inputs and assert the outputs it
//! emits, so each test reads like a rule of the paper. Every input's full list of outputs
//! is also recorded in a golden transcript (`testdata/<test>.txt`, see [`super::golden`]).

use super::golden::Transcript;
use super::*;
use crate::sorted::SortedSet;

/// PreVote, CheckQuorum and leadership transfer.
mod membership;
mod protocol;
/// Single-server membership changes (dissertation §4.1).
mod single_server;
/// Log compaction and InstallSnapshot (§7).
mod snapshot;
mod stable;

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
        MessageBody::RequestVote {
            last_log_index: LogIndex(last_index),
            last_log_term: Term(last_term),
            transfer: false,
        },
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

/// Elects node 1 of an `n`-server cluster leader in term 1, recording every step.
fn leader_of(t: &mut Transcript, n: u32) -> Node {
    let mut l = node(1, n);
    l.handle_election_timeout(T0);
    t.take("S1: election timeout", &mut l);
    for peer in 2..=n {
        l.step(T0, &grant(peer, 1, 1));
        t.take(&format!("S1: S{peer} grants its vote in t1"), &mut l);
    }
    assert!(l.is_leader());
    l
}

/// An AppendEntries reply from `from` to S1 in `term`.
fn ack(from: u32, term: u64, success: bool, match_index: u64) -> Message {
    msg(from, 1, term, MessageBody::AppendEntriesReply { success, match_index: LogIndex(match_index) })
}

#[test]
fn election_timeout_makes_a_candidate_that_votes_for_itself_and_asks_everyone() {
    let mut t = Transcript::new("election_timeout");
    let mut n = node(1, 3);
    n.handle_election_timeout(T0);
    let out = t.take("S1: election timeout", &mut n);
    assert_eq!(out, s1_campaigns_in_term_1_of_3());
    t.check();
}

/// What S1 of a fresh 3-server cluster emits when it starts an election (§5.2).
fn s1_campaigns_in_term_1_of_3() -> Vec<Output> {
    vec![
        Output::SaveHardState { term: Term(1), voted_for: Some(ServerId(1)) },
        Output::RoleChanged { role: RoleKind::Candidate, term: Term(1) },
        Output::ResetElectionTimer,
        Output::Send(vote_req(1, 2, 1, 0, 0)),
        Output::Send(vote_req(1, 3, 1, 0, 0)),
    ]
}

#[test]
fn a_majority_of_votes_makes_a_leader_that_appends_a_noop_and_replicates_it() {
    let mut t = Transcript::new("majority_makes_a_leader");
    let mut n = node(1, 3);
    n.handle_election_timeout(T0);
    t.take("S1: election timeout", &mut n);
    n.step(T0, &grant(2, 1, 1));
    let out = t.take("S1: S2 grants its vote in t1", &mut n);
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
    t.check();
}

#[test]
fn one_vote_per_term_and_the_vote_is_persisted_before_the_reply() {
    let mut t = Transcript::new("one_vote_per_term");
    let mut n = node(3, 3);
    n.step(T0, &vote_req(1, 3, 1, 0, 0));
    let out = t.take("S3: RequestVote from S1 in t1", &mut n);
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
    n.step(T0, &vote_req(2, 3, 1, 0, 0));
    let out = t.take("S3: RequestVote from S2 in t1", &mut n);
    assert_eq!(sent(&out), vec![msg(3, 2, 1, MessageBody::RequestVoteReply { granted: false })]);
    // The first candidate asking again (a retransmission) gets the vote again.
    n.step(T0, &vote_req(1, 3, 1, 0, 0));
    let out = t.take("S3: RequestVote from S1 in t1 again", &mut n);
    assert_eq!(sent(&out), vec![grant(3, 1, 1)]);
    t.check();
}

#[test]
fn election_restriction_compares_last_term_then_length() {
    let mut t = Transcript::new("election_restriction");
    // The voter's log ends with term 3 at index 2.
    let mut n = node_with_log(3, 3, 3, &[1, 3]);
    n.step(T0, &vote_req(1, 3, 4, 5, 2)); // longer, but an older last term
    let out = t.take("S3 (log t1 t3): RequestVote from S1 t4, last (5, t2)", &mut n);
    assert_eq!(sent(&out)[0].body, MessageBody::RequestVoteReply { granted: false });
    n.step(T0, &vote_req(2, 3, 5, 1, 3)); // same last term, shorter
    let out = t.take("S3: RequestVote from S2 t5, last (1, t3)", &mut n);
    assert_eq!(sent(&out)[0].body, MessageBody::RequestVoteReply { granted: false });
    n.step(T0, &vote_req(2, 3, 6, 2, 3)); // as up to date
    let out = t.take("S3: RequestVote from S2 t6, last (2, t3)", &mut n);
    assert_eq!(sent(&out)[0].body, MessageBody::RequestVoteReply { granted: true });
    t.check();
}

#[test]
fn the_no_election_restriction_switch_grants_stale_candidates() {
    let mut t = Transcript::new("no_election_restriction");
    let mut n = node_with_log(3, 3, 3, &[1, 3]);
    n.set_breaks(BreakSwitches::default().with(BreakSwitch::NoElectionRestriction));
    n.step(T0, &vote_req(1, 3, 4, 0, 0));
    let out = t.take("S3 (log t1 t3, restriction off): RequestVote from S1 t4, empty log", &mut n);
    assert_eq!(sent(&out)[0].body, MessageBody::RequestVoteReply { granted: true });
    t.check();
}

#[test]
fn a_higher_term_turns_a_leader_into_a_follower() {
    let mut t = Transcript::new("higher_term_demotes_a_leader");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ack(2, 7, false, 0));
    let out = t.take("S1: a refusal from S2 in t7", &mut l);
    assert_eq!(l.role_kind(), RoleKind::Follower);
    assert_eq!(l.term(), Term(7));
    assert_eq!(l.voted_for(), None);
    assert!(out.contains(&Output::SaveHardState { term: Term(7), voted_for: None }));
    assert!(out.contains(&Output::ResetElectionTimer));
    t.check();
}

#[test]
fn a_candidate_steps_down_for_a_leader_of_its_term() {
    let mut t = Transcript::new("candidate_steps_down");
    let mut c = node(2, 3);
    c.handle_election_timeout(T0);
    t.take("S2: election timeout", &mut c);
    let ae = append(0, 0, vec![], 0);
    c.step(T0, &msg(1, 2, 1, ae));
    t.take("S2: heartbeat from S1 in t1", &mut c);
    assert_eq!(c.role_kind(), RoleKind::Follower);
    assert_eq!(c.leader(), Some(ServerId(1)));
    t.check();
}

#[test]
fn consistency_check_fails_where_logs_differ_and_conflicts_are_truncated() {
    let mut t = Transcript::new("consistency_check");
    let mut f = node_with_log(2, 3, 3, &[1, 1, 2, 2]);
    // prevLogIndex 3 with term 3: the follower has term 2 there.
    let bad = append(3, 3, vec![], 0);
    f.step(T0, &msg(1, 2, 3, bad));
    let out = t.take("S2 (log t1 t1 t2 t2): AppendEntries from S1 t3, prev (3, t3)", &mut f);
    assert_eq!(sent(&out)[0].body, MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(2) });
    // Matching at 2; the new entry of term 3 at index 3 replaces the two of term 2.
    let good = append(2, 1, vec![Entry { term: Term(3), payload: Payload::Noop }], 3);
    f.step(T0, &msg(1, 2, 3, good));
    let out = t.take("S2: AppendEntries from S1 t3, prev (2, t1), [t3 noop], commit 3", &mut f);
    assert!(out.contains(&Output::SaveLog { from: LogIndex(3), last: LogIndex(3) }));
    assert_eq!(f.log().entries().iter().map(|e| e.term.0).collect::<Vec<_>>(), vec![1, 1, 3]);
    // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
    assert_eq!(f.commit_index(), LogIndex(3));
    assert_eq!(
        sent(&out).last().unwrap().body,
        MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(3) }
    );
    t.check();
}

#[test]
fn a_reordered_old_append_does_not_truncate_newer_entries() {
    let mut t = Transcript::new("reordered_old_append");
    let mut f = node_with_log(2, 3, 1, &[1, 1, 1]);
    let old = append(0, 0, vec![Entry { term: Term(1), payload: Payload::Noop }], 0);
    f.step(T0, &msg(1, 2, 1, old));
    t.take("S2 (log t1 t1 t1): an old AppendEntries from S1 t1, prev (0, t0), [t1 noop]", &mut f);
    assert_eq!(f.log().last_index(), LogIndex(3));
    t.check();
}

#[test]
fn next_index_backs_off_and_match_index_advances() {
    let mut t = Transcript::new("next_index_backs_off");
    let mut l = leader_of(&mut t, 3);
    // The leader's log is [noop]; follower 2 refuses, hinting it has nothing.
    l.step(T0, &ack(2, 1, false, 0));
    let out = t.take("S1: S2 refuses, match hint 0", &mut l);
    // nextIndex was already 1: nothing lower to try, no resend.
    assert!(sent(&out).is_empty());
    l.step(T0, &ack(2, 1, true, 1));
    t.take("S1: S2 acknowledges index 1", &mut l);
    let p = l.leader_state().unwrap().progress[&ServerId(2)];
    assert_eq!((p.match_index, p.next_index), (LogIndex(1), LogIndex(2)));
    // A majority (1 and 2) has the noop of the current term: committed.
    assert_eq!(l.commit_index(), LogIndex(1));
    t.check();
}

/// A refusal names the entry before the prevLogIndex it refused; a copy of it (duplicated
/// by the network, or overtaken by the next probe) must not back nextIndex off again.
#[test]
fn a_duplicated_refusal_does_not_back_next_index_off_twice() {
    let mut t = Transcript::new("duplicate_refusal");
    let log: Vec<Entry> = (0..4).map(|_| Entry { term: Term(1), payload: Payload::Noop }).collect();
    let mut l = Node::with_state(
        ServerId(1),
        Configuration::simple((1..=3).map(ServerId)),
        NodeConfig::default(),
        Term(1),
        None,
        log,
    );
    l.handle_election_timeout(T0);
    t.take("S1 (t1, log of 4 t1 entries): election timeout", &mut l);
    for p in 2..=3 {
        l.step(T0, &grant(p, 1, 2));
        t.take(&format!("S1: S{p} grants its vote in t2"), &mut l);
    }
    let next = |l: &Node| l.leader_state().unwrap().progress[&ServerId(2)].next_index;
    // The leader's log is 4 entries of t1 and its no-op at 5; it probed S2 with prev = 4.
    assert_eq!(next(&l), LogIndex(5));
    l.step(T0, &ack(2, 2, false, 3));
    let out = t.take("S1: S2 refuses prev 4 (hint 3)", &mut l);
    assert_eq!(next(&l), LogIndex(4));
    assert_eq!(sent(&out).len(), 1, "one probe, with prev = 3");
    l.step(T0, &ack(2, 2, false, 3));
    let out = t.take("S1: a copy of the same refusal", &mut l);
    assert_eq!(next(&l), LogIndex(4), "unchanged by the copy");
    assert_eq!(out, vec![]);
    l.step(T0, &ack(2, 2, false, 2));
    let out = t.take("S1: S2 refuses prev 3 (hint 2)", &mut l);
    assert_eq!(next(&l), LogIndex(3));
    assert_eq!(sent(&out).len(), 1, "one probe, with prev = 2");
    l.step(T0, &ack(2, 2, false, 0));
    t.take("S1: S2 refuses prev 2, its log is empty (hint 0)", &mut l);
    assert_eq!(next(&l), LogIndex(1), "straight past the end of S2's empty log");
    t.check();
}

#[test]
fn figure_8_old_term_entries_are_not_committed_by_counting() {
    // S1 leads term 4 with an entry of term 2 at index 2 that it replicates to a majority.
    let build = |name: &'static str, breaks: BreakSwitches| {
        let mut t = Transcript::new(name);
        let cfg = NodeConfig { breaks, ..NodeConfig::default() };
        let log =
            vec![Entry { term: Term(1), payload: Payload::Noop }, Entry { term: Term(2), payload: Payload::Noop }];
        let mut l =
            Node::with_state(ServerId(1), Configuration::simple((1..=5).map(ServerId)), cfg, Term(3), None, log);
        l.handle_election_timeout(T0);
        t.take("S1 (t3, log t1 t2): election timeout", &mut l);
        for p in 2..=3 {
            l.step(T0, &grant(p, 1, 4));
            t.take(&format!("S1: S{p} grants its vote in t4"), &mut l);
        }
        assert!(l.is_leader());
        // S2 and S3 acknowledge index 2 only (not the leader's no-op at index 3).
        for p in 2..=3 {
            l.step(T0, &ack(p, 4, true, 2));
            t.take(&format!("S1: S{p} acknowledges index 2"), &mut l);
        }
        t.check();
        l.commit_index()
    };
    assert_eq!(build("figure_8", BreakSwitches::default()), LogIndex(0), "§5.4.2: never by counting");
    assert_eq!(
        build("figure_8_commit_old_terms", BreakSwitches::default().with(BreakSwitch::CommitOldTerms)),
        LogIndex(2),
        "the broken rule commits"
    );
}

#[test]
fn a_crash_keeps_term_vote_and_log_and_loses_everything_else() {
    let mut t = Transcript::new("crash");
    let mut l = leader_of(&mut t, 3);
    l.step(T0, &ack(2, 1, true, 1));
    t.take("S1: S2 acknowledges index 1", &mut l);
    l.propose(T0, ClientRequest { client: ClientId(1), seq: 1, op: Op::Set { key: "x".into(), value: "1".into() } })
        .unwrap();
    t.take("S1: client 1 proposes set x 1", &mut l);
    l.step(T0, &ack(2, 1, true, 2));
    t.take("S1: S2 acknowledges index 2", &mut l);
    assert_eq!(l.kv().data.get("x").map(String::as_str), Some("1"));
    let disk = l.stable();
    l.crash(&disk);
    assert_eq!(t.take("S1: crash", &mut l), vec![]);
    assert_eq!(l.term(), Term(1));
    assert_eq!(l.voted_for(), Some(ServerId(1)));
    assert_eq!(l.log().last_index(), LogIndex(2));
    assert_eq!(l.role_kind(), RoleKind::Follower);
    assert_eq!(l.commit_index(), LogIndex(0));
    assert_eq!(l.last_applied(), LogIndex(0));
    assert!(l.kv().data.is_empty());
    assert!(l.leader_state().is_none());
    l.restart();
    let out = t.take("S1: restart", &mut l);
    assert_eq!(out, vec![Output::RoleChanged { role: RoleKind::Follower, term: Term(1) }, Output::ResetElectionTimer]);
    t.check();
}

#[test]
fn volatile_voted_for_switch_forgets_the_vote_in_a_crash() {
    let mut t = Transcript::new("volatile_voted_for");
    let mut n = node(3, 3);
    n.set_breaks(BreakSwitches::default().with(BreakSwitch::VolatileVotedFor));
    n.step(T0, &vote_req(1, 3, 1, 0, 0));
    t.take("S3 (votedFor volatile): RequestVote from S1 in t1", &mut n);
    let disk = n.stable();
    n.crash(&disk);
    t.take("S3: crash", &mut n);
    assert_eq!(n.voted_for(), None);
    n.step(T0, &vote_req(2, 3, 1, 0, 0));
    let out = t.take("S3: RequestVote from S2 in t1", &mut n);
    assert_eq!(sent(&out)[0].body, MessageBody::RequestVoteReply { granted: true }, "votes twice in term 1");
    t.check();
}

#[test]
fn followers_redirect_clients_to_the_leader_they_know() {
    let mut t = Transcript::new("followers_redirect");
    let mut f = node(2, 3);
    assert_eq!(
        f.propose(T0, ClientRequest { client: ClientId(1), seq: 1, op: Op::Get { key: "x".into() } }),
        Err(ProposeError::NotLeader { leader_hint: None })
    );
    t.take("S2: client 1 proposes get x", &mut f);
    let hb = append(0, 0, vec![], 0);
    f.step(T0, &msg(1, 2, 1, hb));
    t.take("S2: heartbeat from S1 in t1", &mut f);
    assert_eq!(
        f.propose(T0, ClientRequest { client: ClientId(1), seq: 1, op: Op::Get { key: "x".into() } }),
        Err(ProposeError::NotLeader { leader_hint: Some(ServerId(1)) })
    );
    t.take("S2: client 1 proposes get x again", &mut f);
    t.check();
}

#[test]
fn a_retry_of_an_applied_request_is_answered_without_appending() {
    let mut t = Transcript::new("retry_of_an_applied_request");
    let mut l = leader_of(&mut t, 3);
    let req = ClientRequest { client: ClientId(9), seq: 1, op: Op::Incr { key: "n".into() } };
    l.propose(T0, req.clone()).unwrap();
    t.take("S1: client 9 proposes incr n", &mut l);
    l.step(T0, &ack(2, 1, true, 2));
    let out = t.take("S1: S2 acknowledges index 2", &mut l);
    assert!(out.contains(&Output::ClientReply {
        client: ClientId(9),
        seq: 1,
        result: OpResult::Value(Some("1".into()))
    }));
    let len = l.log().last_index();
    assert_eq!(l.propose(T0, req), Ok(Proposed::AlreadyApplied(OpResult::Value(Some("1".into())))));
    t.take("S1: client 9 retries incr n", &mut l);
    assert_eq!(l.log().last_index(), len);
    assert_eq!(l.kv().data["n"], "1");
    t.check();
}

#[test]
fn requests_are_ignored_within_the_minimum_election_timeout_of_a_leader() {
    let mut t = Transcript::new("leader_lease");
    let mut f = node(2, 3);
    let hb = append(0, 0, vec![], 0);
    f.step(Time::from_ms(1000), &msg(1, 2, 1, hb));
    t.take("S2 at 1000ms: heartbeat from S1 in t1", &mut f);
    // 100 ms later a removed server asks for votes in a higher term: ignored.
    f.step(Time::from_ms(1100), &vote_req(3, 2, 5, 0, 0));
    let out = t.take("S2 at 1100ms: RequestVote from S3 in t5", &mut f);
    assert_eq!(f.term(), Term(1));
    assert_eq!(sent(&out)[0].body, MessageBody::RequestVoteReply { granted: false });
    // After the minimum election timeout it is heard.
    f.step(Time::from_ms(1200), &vote_req(3, 2, 5, 0, 0));
    let out = t.take("S2 at 1200ms: RequestVote from S3 in t5", &mut f);
    assert_eq!(f.term(), Term(5));
    assert_eq!(sent(&out)[0].body, MessageBody::RequestVoteReply { granted: true });
    t.check();
}

fn outputs(n: &mut Node) -> Vec<Output> {
    let mut out = Vec::new();
    n.take_outputs(&mut out);
    out
}

/// Only the leader that took a request answers it. A new leader applying entries of an
/// earlier term (after a restart it re-applies its whole log) sends no reply: the clients
/// of those entries waited on an earlier leader (§6.3). An entry of its own term is
/// answered when it applies.
#[test]
fn a_leader_answers_only_the_requests_of_its_own_term() {
    let incr = |client: u32| ClientRequest { client: ClientId(client), seq: 1, op: Op::Incr { key: "n".into() } };
    let old = vec![
        Entry { term: Term(1), payload: Payload::Noop },
        Entry { term: Term(1), payload: Payload::Command(incr(9).into()) },
    ];
    let mut l = Node::with_state(
        ServerId(1),
        Configuration::simple(ids(&[1, 2, 3])),
        NodeConfig::default(),
        Term(1),
        None,
        old,
    );
    l.handle_election_timeout(T0);
    l.step(T0, &grant(2, 1, 2));
    assert!(l.is_leader());
    outputs(&mut l);
    // S2 holds the whole log, the new no-op included: index 3 commits, and with it 1 and 2.
    l.step(T0, &ack(2, 2, true, 3));
    let out: Vec<Output> = outputs(&mut l).into_iter().filter(|o| !matches!(o, Output::Send(_))).collect();
    assert_eq!(
        out,
        vec![Output::Committed { index: LogIndex(3) }, Output::Applied { first: LogIndex(1), last: LogIndex(3) }],
        "no reply for client 9's entry of term 1"
    );
    assert_eq!(l.kv().data["n"], "1", "applied all the same");
    l.propose(T0, incr(10)).unwrap();
    l.step(T0, &ack(2, 2, true, 4));
    let out: Vec<Output> = outputs(&mut l).into_iter().filter(|o| !matches!(o, Output::Send(_))).collect();
    assert_eq!(
        out,
        vec![
            Output::SaveLog { from: LogIndex(4), last: LogIndex(4) },
            Output::Committed { index: LogIndex(4) },
            Output::ClientReply { client: ClientId(10), seq: 1, result: OpResult::Value(Some("2".into())) },
            Output::Applied { first: LogIndex(4), last: LogIndex(4) }
        ]
    );
}
