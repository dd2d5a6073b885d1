//! `option snapshots N|off` (log compaction, §7) and `expect snapshot`: read in the
//! set-up and as an action, range-checked with the line and column, and run.

use super::*;
use crate::sim::limits::Setting;
use crate::sim::Action;

#[test]
fn option_snapshots_in_the_set_up_sets_the_interval_and_off_clears_it() {
    let s = parse("servers 3\noption snapshots 50\n").unwrap();
    assert_eq!(s.config.snapshot_every, Some(50));
    let s = parse("option snapshots 50\noption snapshots off\n").unwrap();
    assert_eq!(s.config.snapshot_every, None);
    assert_eq!(parse("servers 3\n").unwrap().config.snapshot_every, None, "off by default");
}

#[test]
fn option_snapshots_after_the_set_up_is_an_action_that_reads_back() {
    let s = parse("run 10ms\noption snapshots 7\noption snapshots off\n").unwrap();
    let actions: Vec<Action> = s
        .statements
        .iter()
        .filter_map(|st| match &st.kind {
            StatementKind::Act { command, .. } => command.action(|_| Ok::<_, ()>(ServerId(1))),
            _ => None,
        })
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions, vec![Action::SetSnapshots { every: Some(7) }, Action::SetSnapshots { every: None }]);
    for a in actions {
        assert_eq!(parse_action(&a.to_string()).unwrap(), a);
    }
}

#[test]
fn a_snapshot_interval_out_of_range_or_missing_is_refused_where_it_is() {
    let (line, column, reason) = invalid("servers 3\noption snapshots 0\n");
    assert_eq!((line, column), (2, 18));
    assert_eq!(reason, Invalid::Config(ConfigError::OutOfRange { setting: Setting::SnapshotEvery, found: 0 }));
    let (line, column, reason) = invalid("run 1s\noption snapshots 100001\n");
    assert_eq!((line, column), (2, 18));
    assert_eq!(reason, Invalid::Config(ConfigError::OutOfRange { setting: Setting::SnapshotEvery, found: 100_001 }));
    assert_eq!(expected("option snapshots often\n"), (1, 18, Expected::EntryCount, Some("often".into())));
    assert_eq!(expected("option snapshots\n"), (1, 17, Expected::EntryCount, None));
    // The list of options names `snapshots` too.
    let (_, _, what, _) = expected("option compaction on\n");
    assert!(what.choices().contains("snapshots"), "{}", what.choices());
}

#[test]
fn expect_snapshot_compares_the_last_index_the_snapshot_replaced() {
    let report = run_text(
        "servers 3\nlatency 10ms\noption snapshots 2\ntimeout S1\nrun until leader S1 within 1s\n\
         request S1 set a 1\nrequest S1 set b 2\nrequest S1 set c 3\nrun 200ms\n\
         expect snapshot S1 >= 2\nexpect snapshot S2 > 0\nexpect snapshot S1 = 0\n",
    );
    let held: Vec<(usize, bool)> = report.results.iter().map(|c| (c.line, c.passed())).collect();
    assert_eq!(held, vec![(5, true), (10, true), (11, true), (12, false)]);
}
