//! Log compaction and InstallSnapshot (§7 of the paper, Figure 13): each step with the
//! exact outputs it emits, recorded in golden transcripts like the others.

use super::*;

fn set(seq: u64, key: &str, value: &str) -> ClientRequest {
    ClientRequest { client: ClientId(1), seq, op: Op::Set { key: key.into(), value: value.into() } }
}

fn cmd(term: u64, seq: u64, key: &str, value: &str) -> Entry {
    Entry { term: Term(term), payload: Payload::Command(set(seq, key, value).into()) }
}

fn snapshot_of(last_index: u64, last_term: u64, n: u32, data: &[(&str, &str)]) -> Snapshot {
    let mut kv = KvStore::default();
    for (seq, (k, v)) in data.iter().enumerate() {
        kv.apply(&set(seq as u64 + 1, k, v));
    }
    Snapshot {
        last_index: LogIndex(last_index),
        last_term: Term(last_term),
        config: Configuration::simple((1..=n).map(ServerId)),
        config_index: LogIndex(0),
        kv: std::sync::Arc::new(kv),
    }
}

/// S2 of three in term 1, its log `set x 1`, `set y 2`, `set z 3` (none known committed),
/// snapshotting after every `snapshot_every` applied entries.
fn follower_with_xyz(snapshot_every: Option<u64>) -> Node {
    let log = vec![cmd(1, 1, "x", "1"), cmd(1, 2, "y", "2"), cmd(1, 3, "z", "3")];
    let config = NodeConfig { snapshot_every, ..NodeConfig::default() };
    Node::with_state(ServerId(2), Configuration::simple((1..=3).map(ServerId)), config, Term(1), None, log)
}

fn install(from: u32, to: u32, term: u64, snapshot: Snapshot) -> Message {
    msg(from, to, term, MessageBody::InstallSnapshot { snapshot: Box::new(snapshot) })
}

/// S1 leads a cluster of three with snapshots after every 2 applied entries; S2
/// acknowledges everything, S3 nothing. The no-op and `set x 1`, `set y 2`, `set z 3`,
/// `set w 4` are committed and applied, one step each: entries 1 to 5. A snapshot covers
/// what earlier steps applied: at the third step entries 1 and 2, at the fifth 3 and 4.
fn leader_with_a_snapshot(t: &mut Transcript) -> Node {
    let mut l = leader_of(t, 3);
    l.set_snapshot_every(Some(2));
    for (seq, (k, v)) in [("x", "1"), ("y", "2"), ("z", "3"), ("w", "4")].into_iter().enumerate() {
        let seq = seq as u64 + 1;
        l.propose(T0, set(seq, k, v)).unwrap();
        t.take(&format!("S1: client 1 proposes set {k} {v}"), &mut l);
        l.step(T0, &ack(2, 1, true, seq + 1));
        t.take(&format!("S1: S2 acknowledges index {}", seq + 1), &mut l);
    }
    l
}

#[test]
fn a_leader_snapshots_applied_entries_and_sends_install_snapshot_to_a_follower_that_needs_them() {
    let mut t = Transcript::new("snapshot_install");
    let mut l = leader_with_a_snapshot(&mut t);
    let snap = l.snapshot().expect("a snapshot was taken").clone();
    assert_eq!((snap.last_index, snap.last_term), (LogIndex(4), Term(1)));
    assert_eq!(snap.kv.data.get("z").map(String::as_str), Some("3"));
    assert_eq!(snap.kv.data.get("w"), None);
    assert_eq!(l.log().snapshot_index(), LogIndex(4));
    assert_eq!(l.log().first_index(), LogIndex(5));
    assert_eq!(l.log().last_index(), LogIndex(5));
    assert_eq!(l.log().entries(), &[cmd(1, 4, "w", "4")]);
    assert_eq!(l.log().term_at(LogIndex(4)), Some(Term(1)));
    assert_eq!(l.log().term_at(LogIndex(3)), None, "compacted");
    // S3 has acknowledged nothing: the entries it needs next are compacted, so the
    // heartbeat to it is the snapshot.
    l.handle_heartbeat_timeout(T0);
    let out = t.take("S1: heartbeat timeout", &mut l);
    assert_eq!(
        out,
        vec![
            Output::Send(msg(1, 2, 1, append(5, 1, vec![], 5))),
            Output::Send(install(1, 3, 1, snap.clone())),
            Output::ResetHeartbeatTimer
        ]
    );
    // S3 installed it: the leader sends the rest of its log.
    l.step(T0, &msg(3, 1, 1, MessageBody::InstallSnapshotReply { last_index: LogIndex(4) }));
    let out = t.take("S1: S3 installed the snapshot up to 4", &mut l);
    assert_eq!(out, vec![Output::Send(msg(1, 3, 1, append(4, 1, vec![cmd(1, 4, "w", "4")], 5)))]);
    let progress = &l.leader_state().unwrap().progress[&ServerId(3)];
    assert_eq!((progress.match_index, progress.next_index), (LogIndex(4), LogIndex(5)));
    t.check();
}

#[test]
fn a_follower_installs_a_snapshot_discarding_a_conflicting_log() {
    let mut t = Transcript::new("snapshot_discards_log");
    // S2's log: two entries of term 1, the second never committed anywhere.
    let mut f = node_with_log(2, 3, 1, &[1, 1]);
    f.step(T0, &install(1, 2, 2, snapshot_of(3, 2, 3, &[("x", "1")])));
    let out = t.take("S2: S1 sends its snapshot up to (3, t2)", &mut f);
    assert_eq!(
        out,
        vec![
            Output::SaveHardState { term: Term(2), voted_for: None },
            Output::ResetElectionTimer,
            Output::SnapshotInstalled { last_index: LogIndex(3), last_term: Term(2) },
            Output::Committed { index: LogIndex(3) },
            Output::Send(msg(2, 1, 2, MessageBody::InstallSnapshotReply { last_index: LogIndex(3) })),
        ]
    );
    // Figure 13 rule 7: no entry at (3, t2), so the whole log goes.
    assert!(f.log().entries().is_empty());
    assert_eq!((f.log().last_index(), f.log().last_term()), (LogIndex(3), Term(2)));
    assert_eq!((f.commit_index(), f.last_applied()), (LogIndex(3), LogIndex(3)));
    assert_eq!(f.kv().data.get("x").map(String::as_str), Some("1"));
    assert_eq!(f.leader(), Some(ServerId(1)));
    // The next AppendEntries is checked against the snapshot's last entry.
    f.step(T0, &msg(1, 2, 2, append(3, 2, vec![cmd(2, 2, "y", "2")], 4)));
    let out = t.take("S2: S1 appends entry 4 after (3, t2), commit 4", &mut f);
    assert_eq!(
        out,
        vec![
            Output::ResetElectionTimer,
            Output::SaveLog { from: LogIndex(4), last: LogIndex(4) },
            Output::Committed { index: LogIndex(4) },
            Output::Applied { first: LogIndex(4), last: LogIndex(4) },
            Output::Send(msg(2, 1, 2, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(4) })),
        ]
    );
    assert_eq!(f.kv().data.get("y").map(String::as_str), Some("2"));
    t.check();
}

#[test]
fn a_follower_keeps_the_entries_after_a_snapshot_it_already_holds() {
    let mut t = Transcript::new("snapshot_keeps_suffix");
    let mut f = follower_with_xyz(None);
    f.step(T0, &install(1, 2, 1, snapshot_of(2, 1, 3, &[("x", "1"), ("y", "2")])));
    t.take("S2: S1 sends its snapshot up to (2, t1)", &mut f);
    // Figure 13 rule 6: entry 2 of term 1 is in the log, so entry 3 stays.
    assert_eq!(f.log().entries(), &[cmd(1, 3, "z", "3")]);
    assert_eq!(f.log().first_index(), LogIndex(3));
    assert_eq!(f.commit_index(), LogIndex(2));
    // A stale copy of the same snapshot changes nothing and is acknowledged.
    f.step(T0, &install(1, 2, 1, snapshot_of(2, 1, 3, &[("x", "1"), ("y", "2")])));
    let out = t.take("S2: the same snapshot again", &mut f);
    assert_eq!(
        out,
        vec![
            Output::ResetElectionTimer,
            Output::Send(msg(2, 1, 1, MessageBody::InstallSnapshotReply { last_index: LogIndex(2) })),
        ]
    );
    // An AppendEntries that starts inside the snapshot is checked from its last entry on.
    f.step(T0, &msg(1, 2, 1, append(1, 1, vec![cmd(1, 2, "y", "2"), cmd(1, 3, "z", "3")], 3)));
    let out = t.take("S2: S1 resends entries 2 and 3 after (1, t1), commit 3", &mut f);
    assert_eq!(
        out.last(),
        Some(&Output::Send(msg(2, 1, 1, MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(3) })))
    );
    assert_eq!(f.kv().data.get("z").map(String::as_str), Some("3"));
    // A stale leader's snapshot is refused: the reply carries the current term.
    f.step(T0, &install(3, 2, 0, snapshot_of(1, 1, 3, &[])));
    let out = t.take("S2: a snapshot from term 0", &mut f);
    assert_eq!(out, vec![Output::Send(msg(2, 3, 1, MessageBody::InstallSnapshotReply { last_index: LogIndex(3) }))]);
    t.check();
}

#[test]
fn a_restart_restores_the_state_machine_from_the_snapshot() {
    let mut t = Transcript::new("snapshot_restart");
    let mut l = leader_with_a_snapshot(&mut t);
    let disk = l.stable();
    l.crash(&disk);
    assert_eq!(t.take("S1: crash", &mut l), vec![]);
    // The snapshot and the log after it survive; the state machine is the snapshot's.
    assert_eq!((l.commit_index(), l.last_applied()), (LogIndex(4), LogIndex(4)));
    assert_eq!(l.kv().data.get("z").map(String::as_str), Some("3"));
    assert_eq!(l.kv().data.get("w"), None);
    assert_eq!(l.log().last_index(), LogIndex(5));
    l.restart();
    t.take("S1: restart", &mut l);
    // A leader of term 2 says entry 5 is committed: only entry 5 is applied again.
    l.step(T0, &msg(2, 1, 2, append(5, 1, vec![], 5)));
    let out = t.take("S1: S2, leader of t2, heartbeat with commit 5", &mut l);
    assert!(out.contains(&Output::Applied { first: LogIndex(5), last: LogIndex(5) }), "{out:?}");
    assert_eq!(l.kv().data.get("w").map(String::as_str), Some("4"));
    t.check();
}

#[test]
fn the_snapshot_carries_the_latest_configuration_of_the_prefix() {
    let mut t = Transcript::new("snapshot_configuration");
    let five = Configuration::simple((1..=5).map(ServerId));
    let log = vec![Entry { term: Term(1), payload: Payload::Config(five.clone()) }, cmd(1, 1, "x", "1")];
    let mut f = Node::with_state(
        ServerId(2),
        Configuration::simple((1..=3).map(ServerId)),
        NodeConfig { snapshot_every: Some(1), ..NodeConfig::default() },
        Term(1),
        None,
        log,
    );
    f.step(T0, &msg(1, 2, 1, append(2, 1, vec![], 1)));
    t.take("S2: commit 1", &mut f);
    f.step(T0, &msg(1, 2, 1, append(2, 1, vec![], 2)));
    let out = t.take("S2: commit 2", &mut f);
    assert!(out.contains(&Output::SnapshotTaken { last_index: LogIndex(1), last_term: Term(1) }), "{out:?}");
    // The configuration entry is compacted away; the snapshot holds it.
    assert!(f.log().config_indices().is_empty());
    assert_eq!(f.snapshot().map(|s| (&s.config, s.config_index)), Some((&five, LogIndex(1))));
    assert_eq!(f.configuration(), &five);
    assert_eq!(f.configuration_index(), LogIndex(1));
    // An installed snapshot brings its configuration too.
    let mut g = node(4, 3);
    let mut snap = snapshot_of(5, 1, 5, &[]);
    snap.config_index = LogIndex(1);
    g.step(T0, &install(1, 4, 1, snap));
    t.take("S4: S1 sends a snapshot whose configuration is S1..S5", &mut g);
    assert_eq!(g.configuration(), &five);
    assert!(g.can_campaign());
    t.check();
}

#[test]
fn the_snapshot_uncommitted_switch_snapshots_the_whole_log() {
    let mut t = Transcript::new("snapshot_uncommitted");
    let mut f = follower_with_xyz(Some(1));
    f.set_breaks(BreakSwitches::default().with(BreakSwitch::SnapshotUncommitted));
    f.step(T0, &msg(1, 2, 1, append(3, 1, vec![], 1)));
    t.take("S2: commit 1", &mut f);
    f.step(T0, &msg(1, 2, 1, append(3, 1, vec![], 2)));
    let out = t.take("S2: commit 2", &mut f);
    // Entry 3 is not committed, yet the snapshot (and the state machine) hold it.
    assert!(out.contains(&Output::SnapshotTaken { last_index: LogIndex(3), last_term: Term(1) }), "{out:?}");
    assert_eq!(f.kv().data.get("z").map(String::as_str), Some("3"));
    assert_eq!((f.commit_index(), f.last_applied()), (LogIndex(3), LogIndex(3)));
    t.check();
}
