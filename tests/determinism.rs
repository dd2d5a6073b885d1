//! The standard workload ends in the same state on every platform. The expected hash is
//! kept in `tests/fixtures/standard-workload.hash`; the browser test (`?bench=sim`)
//! compares the wasm build's hash with the same file, so native and wasm must agree.

use raft_playground::sim::workload::standard_workload;

#[test]
fn the_standard_workload_ends_in_the_recorded_state() {
    let fixture = include_str!("fixtures/standard-workload.hash").trim();
    let report = standard_workload(5);
    let hash = format!("{:016x}", report.state_hash);
    assert_eq!(
        hash, fixture,
        "the standard workload's final state changed; if the protocol or simulator changed on purpose, \
         write {hash} into tests/fixtures/standard-workload.hash"
    );
    assert_eq!(standard_workload(5).state_hash, report.state_hash, "twice in one process");
}

/// The same workload with a snapshot every 50 applied entries (`raftsim bench --snapshots
/// 50`, `?bench=sim&snapshots=50`): the speed work on snapshots (docs/performance.md) must
/// not change what the run does. Recorded before that work, on main at 854b0b7, and again
/// when leaders stopped answering requests of earlier terms (issue 12).
#[test]
fn the_standard_workload_with_snapshots_ends_in_the_recorded_state() {
    use raft_playground::sim::workload::{run_standard_workload_with, BenchReport};
    let fixture = include_str!("fixtures/standard-workload-snapshots.hash").trim();
    let sim = run_standard_workload_with(5, raft_playground::raft::Duration::from_ms(600_000), Some(50));
    let report = BenchReport::of(&sim);
    assert_eq!(format!("{:016x}", report.state_hash), fixture, "the run with snapshots changed");
    assert_eq!((report.events, report.messages), (152_050, 139_662), "events and messages as recorded");
    assert!(sim.servers().iter().all(|s| s.node.snapshot().is_some()), "every server took or installed a snapshot");
}
