//! Many-seed randomized runs with every fault mixed in, the safety properties checked
//! after every event; the checker's teeth (every break-switch is caught); liveness after
//! healing; determinism.

use raft_playground::raft::{BreakSwitch, BreakSwitches};
use raft_playground::sim::checker::Property;
use raft_playground::sim::workload::{check_seed, CheckOptions, CheckReport};
use std::thread;

/// Runs seeds `first..first + count` on every core; reports in seed order.
fn sweep(first: u64, count: u64, events: u64, breaks: BreakSwitches) -> Vec<CheckReport> {
    let cores = thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let handles: Vec<_> = (0..cores)
        .map(|k| {
            thread::spawn(move || {
                (first..first + count)
                    .filter(|s| s % cores == k)
                    .map(|seed| check_seed(&CheckOptions { seed, events, servers: 5, breaks }))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<CheckReport> = handles.into_iter().flat_map(|h| h.join().expect("no panic")).collect();
    all.sort_by_key(|r| r.seed);
    all
}

#[test]
fn a_thousand_seeds_of_ten_thousand_events_with_every_fault_are_safe_and_live() {
    let reports = sweep(0, 1000, 10_000, BreakSwitches::default());
    assert_eq!(reports.len(), 1000);
    let total: u64 = reports.iter().map(|r| r.events).sum();
    assert!(total >= 1000 * 10_000, "every seed ran its events ({total})");
    let failures: Vec<String> = reports
        .iter()
        .filter(|r| !r.ok())
        .map(|r| {
            let opts = CheckOptions { seed: r.seed, events: 10_000, servers: 5, breaks: BreakSwitches::default() };
            format!("seed {}: {:?}\n  replay: {}", r.seed, r.violations, opts.replay_command())
        })
        .collect();
    assert!(failures.is_empty(), "{} seeds failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_break_switch_is_caught_within_a_hundred_seeds() {
    for switch in BreakSwitch::ALL {
        let breaks = BreakSwitches::default().with(switch);
        let caught = (0..100u64).find_map(|seed| {
            let r = check_seed(&CheckOptions { seed, events: 10_000, servers: 5, breaks });
            (!r.ok()).then_some((seed, r.violations))
        });
        let Some((seed, violations)) = caught else {
            panic!("{switch} was not caught in 100 seeds");
        };
        let properties: Vec<Property> = violations.iter().map(|v| v.property).collect();
        // The harm each broken rule does is the one the checker names.
        let expected: &[Property] = match switch {
            BreakSwitch::EqualTimeouts => &[Property::Liveness],
            _ => &Property::SAFETY,
        };
        assert!(
            properties.iter().any(|p| expected.contains(p)),
            "{switch} caught at seed {seed} but as {properties:?}"
        );
        eprintln!("{switch}: caught at seed {seed} as {properties:?}");
    }
}

#[test]
fn the_same_seed_replays_byte_for_byte() {
    let opts = CheckOptions { seed: 77, events: 5_000, servers: 5, breaks: BreakSwitches::default() };
    let a = check_seed(&opts);
    let b = check_seed(&opts);
    assert_eq!(a, b);
    let c = check_seed(&CheckOptions { seed: 78, ..opts });
    assert_ne!(a.state_hash, c.state_hash, "different seeds differ");
}
