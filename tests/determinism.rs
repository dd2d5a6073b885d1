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
