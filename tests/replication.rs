//! Replication details that a sweep alone would not pin down.

use raft_playground::raft::{
    Configuration, Entry, LogIndex, Message, MessageBody, Node, NodeConfig, Payload, Role, ServerId, Term, Time,
};

fn next_index(node: &Node, peer: ServerId) -> LogIndex {
    match node.role() {
        Role::Leader(l) => l.progress.get(&peer).expect("a peer").next_index,
        other => panic!("not a leader: {other:?}"),
    }
}

#[test]
fn duplicated_refusals_back_next_index_off_once() {
    let (s1, s2, s3) = (ServerId(1), ServerId(2), ServerId(3));
    let log: Vec<Entry> = [1, 2, 2, 2, 2].iter().map(|t| Entry { term: Term(*t), payload: Payload::Noop }).collect();
    let voters = Configuration::simple([s1, s2, s3]);
    let mut leader = Node::with_state(s1, voters, NodeConfig::default(), Term(2), None, log);
    leader.handle_election_timeout(Time(1));
    let term = leader.term();
    leader.step(Time(2), Message { from: s2, to: s1, term, body: MessageBody::RequestVoteReply { granted: true } });
    assert!(leader.is_leader());
    let next = next_index(&leader, s3);
    // S3 refuses the probe whose prevLogIndex is next - 1 (its entry there differs): its
    // hint is the index before. The network delivers the refusal four times.
    let refusal = MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(next.0 - 2) };
    let mut seen = Vec::new();
    for k in 0..4 {
        leader.step(Time(3 + k), Message { from: s3, to: s1, term, body: refusal.clone() });
        seen.push(next_index(&leader, s3).0);
    }
    assert_eq!(seen, vec![next.0 - 1; 4], "from {next}");
    // The refusal of the next probe backs off once more.
    let refusal = MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(next.0 - 3) };
    leader.step(Time(9), Message { from: s3, to: s1, term, body: refusal });
    assert_eq!(next_index(&leader, s3).0, next.0 - 2);
}
