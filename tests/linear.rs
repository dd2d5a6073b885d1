//! Linear cost (issue 12): a long run costs no more per event than a short one. The
//! simulator's own bookkeeping is counted ([`Sim::work`]), not timed; the timings are in
//! docs/performance.md ("Long runs").

use raft_playground::raft::{BreakSwitches, Duration, ProtocolOptions};
use raft_playground::sim::workload::{check_seed_sim, CheckOptions};
use raft_playground::sim::{Sim, SimConfig};

/// One seed of the randomized sweep with the paper's Raft.
fn sweep_run(seed: u64, events: u64, snapshot_every: Option<u64>) -> Sim {
    let breaks = BreakSwitches::default();
    let opts = CheckOptions { seed, events, servers: 5, breaks, options: ProtocolOptions::default(), snapshot_every };
    let (report, sim) = check_seed_sim(&opts);
    assert!(report.ok(), "seed {seed}: {:?}", report.violations);
    sim
}

/// The checker keeps a prefix hash per log entry and compares each applied entry with the
/// first one applied at its index: one hash per entry written, one comparison and one
/// client-session lookup per entry applied, one record per index committed (written
/// first). So its steps are at most twice the entries the servers wrote and applied,
/// however long the run, and though without snapshots every restart re-applies the whole
/// log (the paper's Raft: lastApplied is volatile).
#[test]
fn the_checker_does_a_constant_amount_of_work_per_entry_written_or_applied() {
    for snapshot_every in [None, Some(5)] {
        let sim = sweep_run(3, 200_000, snapshot_every);
        let work = sim.work().checker;
        assert!(work.entries > 5_000, "a run long enough to tell: {work:?}");
        assert!(work.steps <= 2 * work.entries, "snapshots {snapshot_every:?}: {work:?}");
    }
}

/// A long sweep keeps removed servers running until it shuts them down, hundreds of them
/// by two million events; the liveness watch judges every 10 ms of simulated time whether
/// a group of connected servers lacks a leader. A group that has one is passed over by
/// looking at its leader alone, not at each of its servers.
#[test]
fn the_liveness_watch_looks_only_at_the_leader_of_a_group_that_has_one() {
    let config = SimConfig { servers: 101, checkpoint_every_ms: 0, ..SimConfig::default() };
    let mut sim = Sim::new_large(config).expect("a valid configuration");
    let leader = sim.run_until_leader(Duration::from_ms(10_000)).expect("a leader is elected");
    sim.run_for(Duration::from_ms(1_000));
    let before = sim.work();
    sim.run_for(Duration::from_ms(10_000));
    let after = sim.work();
    assert_eq!(sim.leaders(), vec![leader], "one leader throughout");
    let groups = after.liveness_groups - before.liveness_groups;
    // A check at most every 10 ms, on an event: at least one per heartbeat (every 50 ms).
    assert!(groups >= 200, "at least a check per heartbeat: {groups}");
    assert_eq!(after.liveness_visits - before.liveness_visits, groups, "one server looked at per check, of 101");
}

/// Where a long run's events go up, the watch's work per event does not follow the
/// number of servers: at 200,000 events a sweep seed runs several times as many servers
/// as at 20,000, yet the watch looks at fewer than two servers per event.
#[test]
fn a_long_sweep_run_costs_the_liveness_watch_a_few_servers_per_event() {
    let short = sweep_run(3, 20_000, None);
    let long = sweep_run(3, 200_000, None);
    let live = |sim: &Sim| sim.servers().iter().filter(|s| s.alive).count();
    assert!(live(&long) >= 4 * live(&short), "the long run keeps more servers: {} and {}", live(&short), live(&long));
    for sim in [&short, &long] {
        let work = sim.work();
        assert!(work.liveness_visits < 2 * work.events, "{work:?}");
    }
}
