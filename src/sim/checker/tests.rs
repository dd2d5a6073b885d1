//! Unit tests of the checker's own checks, each fed the violation it must catch.

use super::*;
use crate::raft::{Configuration, NodeConfig};

fn node(id: u32, term: u64, voted_for: Option<u32>) -> Node {
    let voters = (1..=3).map(ServerId);
    Node::with_state(
        ServerId(id),
        Configuration::simple(voters),
        NodeConfig::default(),
        Term(term),
        voted_for.map(ServerId),
        Vec::new(),
    )
}

/// Feeds the checker one step of `n` that wrote its term and vote.
fn saved(c: &mut Checker, n: &Node, event: u64) {
    let outputs = [Output::SaveHardState { term: n.term(), voted_for: n.voted_for() }];
    c.observe(n, &n.stable(), None, &outputs, Time(event), event, &|| format!("event {event}"));
}

#[test]
fn a_term_that_goes_down_is_caught() {
    let mut c = Checker::default();
    saved(&mut c, &node(2, 5, None), 1);
    saved(&mut c, &node(2, 6, None), 2);
    assert!(c.violations.is_empty());
    saved(&mut c, &node(2, 0, None), 3);
    assert_eq!(c.violations.len(), 1);
    let v = &c.violations[0];
    assert_eq!(
        (v.property, v.event, &v.detail),
        (
            Property::ElectionSafety,
            3,
            &ViolationDetail::TermDecreased { server: ServerId(2), from: Term(6), to: Term(0) }
        )
    );
}

#[test]
fn a_second_vote_in_one_term_is_caught_across_a_crash() {
    let mut c = Checker::default();
    saved(&mut c, &node(3, 4, None), 1);
    saved(&mut c, &node(3, 4, Some(1)), 2);
    // The same vote again, and a new vote in a later term, are fine.
    saved(&mut c, &node(3, 4, Some(1)), 3);
    c.observe_crash(&node(3, 4, None));
    // A crash that forgets the vote is not a second vote yet.
    saved(&mut c, &node(3, 4, None), 4);
    assert!(c.violations.is_empty());
    saved(&mut c, &node(3, 4, Some(2)), 5);
    assert_eq!(
        c.violations.iter().map(|v| (v.property, v.event, v.detail.clone())).collect::<Vec<_>>(),
        vec![(
            Property::ElectionSafety,
            5,
            ViolationDetail::VotedTwice { voter: ServerId(3), term: Term(4), first: ServerId(1), second: ServerId(2) }
        )]
    );
    let mut c = Checker::default();
    saved(&mut c, &node(3, 4, Some(1)), 1);
    saved(&mut c, &node(3, 5, Some(2)), 2);
    assert!(c.violations.is_empty(), "{:?}", c.violations);
}

#[test]
fn a_request_carried_out_twice_is_caught() {
    let n = node(1, 2, None);
    let (a, b) = (ClientId(7), ClientId(8));
    let mut c = Checker::default();
    let mut found = Vec::new();
    // A retry in the log (a7#1 twice) and an older request after a newer one (b8#1
    // after b8#2) are answered from the session: three requests carried out.
    c.record_requests(&n, &[(a, 1), (b, 2), (a, 1)], 2, &mut found);
    c.record_requests(&n, &[(b, 1), (a, 2)], 3, &mut found);
    assert!(found.is_empty());
    // After a crash the state machine starts again: the same requests are new.
    c.observe_crash(&n);
    c.record_requests(&n, &[(a, 1)], 1, &mut found);
    assert!(found.is_empty());
    // A state machine that carried out a retry again.
    c.record_requests(&n, &[(b, 2), (a, 1)], 3, &mut found);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].property, Property::StateMachineSafety);
    assert_eq!(found[0].detail, ViolationDetail::AppliedTwice { server: ServerId(1), client: a, seq: 1 });
}

/// A pre-vote asks about the next term without taking it (dissertation §9.6): the
/// sender's term stays where it was, so sending one is not a term that later goes down.
/// A RequestVote carries a term the sender has taken: one lower afterwards is caught.
#[test]
fn a_pre_vote_term_is_only_asked_about() {
    use crate::raft::{Message, MessageBody};
    let ask = |body: MessageBody| {
        let n = node(1, 3, None);
        let msg = Message { from: ServerId(1), to: ServerId(2), term: Term(4), body };
        let mut c = Checker::default();
        c.observe(&n, &n.stable(), None, &[Output::Send(msg)], Time(1), 1, &|| "event 1".into());
        saved(&mut c, &n, 2);
        c.violations.iter().map(|v| (v.property, v.detail.clone())).collect::<Vec<_>>()
    };
    let last = (LogIndex(0), Term(0));
    assert_eq!(ask(MessageBody::PreVote { last_log_index: last.0, last_log_term: last.1 }), vec![]);
    assert_eq!(ask(MessageBody::PreVoteReply { granted: true }), vec![]);
    let decreased = ViolationDetail::TermDecreased { server: ServerId(1), from: Term(4), to: Term(3) };
    assert_eq!(
        ask(MessageBody::RequestVote { last_log_index: last.0, last_log_term: last.1, transfer: false }),
        vec![(Property::ElectionSafety, decreased)]
    );
}
