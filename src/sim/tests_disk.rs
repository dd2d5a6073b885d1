//! The servers' disks: what a crash keeps is what the node asked to write, and a crash
//! between persisting and sending ([`Action::CrashAfterSending`]) is safe in correct Raft
//! and caught with the `reply-before-persisting` switch.

use super::checker::{Property, ViolationDetail};
use super::workload::{check_seed_sim, CheckOptions};
use super::*;
use crate::raft::{BreakSwitch, Duration, MessageKind, ServerId, Term};

/// S1 campaigns in term 1; S3 is armed to crash right after its next message (its vote).
fn vote_then_crash(breaks: BreakSwitches) -> Sim {
    let mut s = Sim::new(SimConfig { seed: 1, breaks, ..SimConfig::default() }).unwrap();
    s.act(Action::CrashAfterSending { server: ServerId(3) }).unwrap();
    s.act(Action::ForceTimeout { server: ServerId(1) }).unwrap();
    while s.server(ServerId(3)).unwrap().alive {
        s.step().expect("the run goes on");
    }
    s
}

fn votes_sent_by(s: &Sim, voter: ServerId) -> Vec<(ServerId, Term)> {
    let messages = &s.history().messages;
    messages
        .iter()
        .filter(|m| m.message.from == voter && m.kind() == MessageKind::VoteGranted)
        .map(|m| (m.message.to, m.message.term))
        .collect()
}

#[test]
fn a_crash_after_sending_keeps_the_writes_asked_for_before_the_message() {
    let mut s = vote_then_crash(BreakSwitches::default());
    // The one message sent is the vote; the vote and its term were written first.
    assert_eq!(votes_sent_by(&s, ServerId(3)), vec![(ServerId(1), Term(1))]);
    let slot = s.server(ServerId(3)).unwrap();
    assert_eq!((slot.stable.term, slot.stable.voted_for), (Term(1), Some(ServerId(1))));
    assert_eq!(slot.node.stable(), slot.stable, "the crash kept exactly the disk");
    s.act(Action::Restart { server: ServerId(3) }).unwrap();
    s.run_for(Duration::from_ms(1_000));
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    assert_eq!(s.server(ServerId(3)).unwrap().node.voted_for(), Some(ServerId(1)));
}

#[test]
fn replying_before_persisting_forgets_what_was_told_and_the_checker_sees_it() {
    let s = vote_then_crash(BreakSwitches::default().with(BreakSwitch::ReplyBeforePersisting));
    assert_eq!(votes_sent_by(&s, ServerId(3)), vec![(ServerId(1), Term(1))]);
    let slot = s.server(ServerId(3)).unwrap();
    assert_eq!((slot.stable.term, slot.stable.voted_for), (Term(0), None), "sent, never written");
    assert_eq!((slot.node.term(), slot.node.voted_for()), (Term(0), None));
    let v: Vec<(Property, &ViolationDetail)> = s.violations().iter().map(|v| (v.property, &v.detail)).collect();
    assert_eq!(
        v,
        vec![(
            Property::ElectionSafety,
            &ViolationDetail::TermDecreased { server: ServerId(3), from: Term(1), to: Term(0) }
        )]
    );
}

#[test]
fn after_runs_with_every_fault_each_disk_holds_what_its_server_holds() {
    // The core asks for every write it needs: a missing SaveHardState or SaveLog would
    // leave some server's memory ahead of its disk at the end of a long run.
    for seed in 1..=5 {
        let opts = CheckOptions {
            seed,
            events: 5_000,
            servers: 5,
            breaks: BreakSwitches::default(),
            options: crate::raft::ProtocolOptions::default(),
            // Odd seeds with snapshots every 3 entries: taken and installed ones are written too.
            snapshot_every: (seed % 2 == 1).then_some(3),
        };
        let (report, sim) = check_seed_sim(&opts);
        assert!(report.violations.is_empty(), "seed {seed}: {:?}", report.violations);
        assert!(sim.events() >= 5_000, "seed {seed} ran {} events", sim.events());
        if seed % 2 == 1 {
            assert!(sim.servers().iter().any(|s| s.stable.snapshot.is_some()), "seed {seed}: a snapshot on some disk");
        }
        for slot in sim.servers().iter().filter(|s| s.alive) {
            assert_eq!(slot.node.stable(), slot.stable, "seed {seed}, {}", slot.node.id());
        }
    }
}
