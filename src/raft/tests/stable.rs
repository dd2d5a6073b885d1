//! Stable storage (Figure 2): the writes a node asks for, carried out on a [`Stable`] in
//! order, hold exactly its persistent state (no write is missing), and a crash gives back
//! what was written and nothing else.

use super::*;

/// Steps `node` through `inputs`, writing each output to `disk` as a host would, and
/// checks after every step that the disk holds the node's persistent state.
fn drive(node: &mut Node, disk: &mut Stable, inputs: Vec<Message>) {
    for m in inputs {
        node.step(T0, &m);
        let mut out = Vec::new();
        node.take_outputs(&mut out);
        for o in &out {
            disk.write(o, node);
        }
        assert_eq!(*disk, node.stable(), "after {out:?}");
    }
}

fn noop(term: u64) -> Entry {
    Entry { term: Term(term), payload: Payload::Noop }
}

#[test]
fn the_writes_a_node_asks_for_hold_all_its_persistent_state() {
    // A follower with a stale tail votes, takes entries, has its tail overwritten by a
    // leader of a later term, and moves to a higher term on a refusal.
    let mut n = node_with_log(3, 3, 1, &[1, 1, 1]);
    let mut disk = n.stable();
    drive(
        &mut n,
        &mut disk,
        vec![
            vote_req(1, 3, 2, 3, 1),
            msg(1, 3, 2, append(3, 1, vec![noop(2)], 0)),
            msg(2, 3, 3, append(1, 1, vec![noop(3), noop(3)], 1)),
            msg(1, 3, 4, MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(0) }),
        ],
    );
    assert_eq!(disk.term, Term(4));
    assert_eq!(disk.log.entries().iter().map(|e| e.term.0).collect::<Vec<_>>(), vec![1, 3, 3]);
    // A leader's own writes: its candidacy, its no-op and a client's command.
    let mut l = node(1, 3);
    let mut disk = l.stable();
    let mut out = Vec::new();
    l.handle_election_timeout(T0);
    l.step(T0, &grant(2, 1, 1));
    l.propose(T0, ClientRequest { client: ClientId(1), seq: 1, op: Op::Set { key: "x".into(), value: "1".into() } })
        .unwrap();
    l.take_outputs(&mut out);
    for o in &out {
        disk.write(o, &l);
    }
    assert!(l.is_leader());
    assert_eq!(disk, l.stable());
    assert_eq!(disk.log.last_index(), LogIndex(2));
}

#[test]
fn a_crash_keeps_what_was_written_and_nothing_else() {
    let mut n = node(3, 3);
    let before = n.stable();
    n.step(T0, &vote_req(1, 3, 1, 0, 0));
    let mut out = Vec::new();
    n.take_outputs(&mut out);
    assert_eq!(n.voted_for(), Some(ServerId(1)));
    // The server crashed before its write reached the disk.
    n.crash(&before);
    assert_eq!((n.term(), n.voted_for(), n.log().last_index()), (Term(0), None, LogIndex(0)));
    // It did write: it keeps term 1 and its vote.
    let mut disk = before.clone();
    for o in &out {
        disk.write(o, &n);
    }
    n.crash(&disk);
    assert_eq!((n.term(), n.voted_for()), (Term(1), Some(ServerId(1))));
}

#[test]
fn correct_raft_writes_before_it_sends_and_the_switch_sends_first() {
    let is_write = |o: &Output| o.is_write();
    for broken in [false, true] {
        let mut n = node(3, 3);
        if broken {
            n.set_breaks(BreakSwitches::default().with(BreakSwitch::ReplyBeforePersisting));
        }
        n.step(T0, &vote_req(1, 3, 1, 0, 0));
        let mut out = Vec::new();
        n.take_outputs(&mut out);
        let write = Output::SaveHardState { term: Term(1), voted_for: Some(ServerId(1)) };
        let vote = Output::Send(grant(3, 1, 1));
        let first_send = out.iter().position(|o| matches!(o, Output::Send(_))).unwrap();
        let last_write = out.iter().rposition(is_write).unwrap();
        assert_eq!(out.iter().filter(|o| **o == write || **o == vote).count(), 2, "{out:?}");
        assert_eq!(last_write > first_send, broken, "{out:?}");
    }
}
