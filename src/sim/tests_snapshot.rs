//! Log compaction and InstallSnapshot (§7) in a running cluster: a follower that was down
//! while the others compacted their logs is brought up to date by a snapshot, a restart
//! restores from the snapshot, and the checker stays quiet throughout.

use super::*;
use crate::raft::{Duration, MessageKind, Op, ServerId};

fn compacting(every: u64) -> Sim {
    let config = SimConfig { servers: 3, seed: 11, snapshot_every: Some(every), ..SimConfig::default() };
    Sim::new(config).unwrap()
}

/// Sends `count` requests through the leader, 20 ms apart.
fn requests(s: &mut Sim, from: u32, count: u32) {
    for n in from..from + count {
        let via = s.leader().expect("a leader");
        s.act(Action::ClientRequest { via, op: Op::Set { key: format!("k{}", n % 4), value: n.to_string() } }).unwrap();
        s.run_for(Duration::from_ms(20));
    }
}

fn installs_to(s: &Sim, to: ServerId) -> usize {
    s.history()
        .messages
        .iter()
        .filter(|m| m.message.to == to && m.kind() == MessageKind::InstallSnapshot && m.delivered)
        .count()
}

#[test]
fn a_follower_far_behind_is_sent_the_snapshot_and_a_restart_starts_from_it() {
    let mut s = compacting(5);
    let leader = s.run_until_leader(Duration::from_ms(2000)).unwrap();
    let f = s.servers().iter().map(|x| x.node.id()).find(|id| *id != leader).unwrap();
    requests(&mut s, 0, 3);
    s.act(Action::Crash { server: f }).unwrap();
    requests(&mut s, 3, 20);
    let l = &s.server(leader).unwrap().node;
    assert!(l.log().snapshot_index() > s.server(f).unwrap().node.log().last_index(), "F needs a compacted entry");
    assert_eq!(installs_to(&s, f), 0);
    s.act(Action::Restart { server: f }).unwrap();
    s.run_for(Duration::from_ms(500));
    assert!(installs_to(&s, f) >= 1, "the leader sent F its snapshot");
    let (l, fl) = (&s.server(leader).unwrap().node, &s.server(f).unwrap().node);
    assert_eq!(fl.kv().data, l.kv().data, "F's state machine caught up");
    assert_eq!(fl.last_applied(), l.last_applied());
    let snap = fl.snapshot().expect("F holds a snapshot").clone();
    assert!(snap.last_index.0 >= 5);
    // A restart starts from the snapshot: nothing to apply again up to its last index.
    s.act(Action::Crash { server: f }).unwrap();
    let fl = &s.server(f).unwrap().node;
    assert_eq!((fl.commit_index(), fl.last_applied()), (snap.last_index, snap.last_index));
    assert_eq!(fl.kv(), &*snap.kv);
    s.act(Action::Restart { server: f }).unwrap();
    s.run_for(Duration::from_ms(300));
    assert_eq!(s.server(f).unwrap().node.kv().data, s.server(leader).unwrap().node.kv().data);
    assert!(s.violations().is_empty(), "{:?}", s.violations());
}

#[test]
fn without_snapshots_the_follower_is_sent_entries_and_a_restart_applies_from_the_first() {
    let mut s = Sim::new(SimConfig { servers: 3, seed: 11, ..SimConfig::default() }).unwrap();
    let leader = s.run_until_leader(Duration::from_ms(2000)).unwrap();
    let f = s.servers().iter().map(|x| x.node.id()).find(|id| *id != leader).unwrap();
    s.act(Action::Crash { server: f }).unwrap();
    requests(&mut s, 0, 20);
    s.act(Action::Restart { server: f }).unwrap();
    s.run_for(Duration::from_ms(500));
    assert_eq!(installs_to(&s, f), 0);
    assert_eq!(s.server(f).unwrap().node.kv().data, s.server(leader).unwrap().node.kv().data);
    s.act(Action::Crash { server: f }).unwrap();
    let fl = &s.server(f).unwrap().node;
    assert_eq!((fl.last_applied(), fl.log().snapshot_index()), (LogIndex(0), LogIndex(0)));
    assert!(fl.kv().data.is_empty());
}

#[test]
fn snapshots_switched_on_mid_run_compact_from_then_on_and_out_of_range_is_refused() {
    let mut s = Sim::new(SimConfig { servers: 3, seed: 11, ..SimConfig::default() }).unwrap();
    let leader = s.run_until_leader(Duration::from_ms(2000)).unwrap();
    requests(&mut s, 0, 6);
    assert_eq!(s.server(leader).unwrap().node.log().snapshot_index(), LogIndex(0));
    let refused = s.act(Action::SetSnapshots { every: Some(0) }).unwrap_err();
    assert_eq!(
        refused,
        ActionError::Network(ConfigError::OutOfRange { setting: limits::Setting::SnapshotEvery, found: 0 })
    );
    s.act(Action::SetSnapshots { every: Some(3) }).unwrap();
    assert_eq!(s.config().snapshot_every, Some(3));
    requests(&mut s, 6, 6);
    assert!(s.servers().iter().all(|x| x.node.log().snapshot_index() > LogIndex(0)));
    s.act(Action::SetSnapshots { every: None }).unwrap();
    let before: Vec<LogIndex> = s.servers().iter().map(|x| x.node.log().snapshot_index()).collect();
    requests(&mut s, 12, 10);
    let after: Vec<LogIndex> = s.servers().iter().map(|x| x.node.log().snapshot_index()).collect();
    assert_eq!(before, after, "no snapshots once switched off");
    assert!(s.violations().is_empty(), "{:?}", s.violations());
}
