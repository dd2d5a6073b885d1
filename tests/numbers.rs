//! Every number a scenario can write is checked against its documented range when the
//! scenario is parsed (`docs/scenarios.md`, "Numbers"), and the state machine never wraps.

use raft_playground::scenario::{self, RunOptions};

/// The error of parsing a scenario of set-up `head` and one more line `line`, as
/// `line L, column C: message`; "ok" if it parses.
fn parsed(head: &str, line: &str) -> String {
    match scenario::parse(&format!("{head}{line}\n")) {
        Ok(_) => "ok".into(),
        Err(e) => e.to_string(),
    }
}

/// Each case: a line, and what parsing it gives at the largest (or smallest) value that
/// is allowed and at the first one that is not. The scenario has 9 servers; the line is
/// line 2.
#[test]
fn every_number_is_checked_at_its_boundaries() {
    let head = "servers 9\n";
    let cases: &[(&str, &str)] = &[
        ("term S1 1000000000", "ok"),
        ("term S1 1000000001", "line 2, column 9: `1000000001` is out of range for a term (a whole number): from 0 to 1000000000"),
        ("term S1 18446744073709551615", "line 2, column 9: `18446744073709551615` is out of range for a term (a whole number): from 0 to 1000000000"),
        ("term S1 18446744073709551616", "line 2, column 9: `18446744073709551616` is out of range for a term (a whole number): from 0 to 1000000000"),
        ("log S1 1 1000000000", "ok"),
        ("log S1 1 1000000001", "line 2, column 10: `1000000001` is out of range for the term of a log entry: from 1 to 1000000000"),
        ("log S2 0", "line 2, column 8: `0` is out of range for the term of a log entry: from 1 to 1000000000"),
        ("log S2 1000000001:set x 1", "line 2, column 8: `1000000001` is out of range for the term of a log entry: from 1 to 1000000000"),
        ("expect term S1 >= 1000000000", "ok"),
        ("expect term 1000000001", "line 2, column 13: `1000000001` is out of range for a term (a whole number): from 0 to 1000000000"),
        ("expect committed 2000000", "ok"),
        ("expect committed 2000001", "line 2, column 18: `2000001` is out of range for a log index: from 0 to 2000000"),
        ("expect applied 2000001 on S1", "line 2, column 16: `2000001` is out of range for a log index: from 0 to 2000000"),
        ("expect reply 1", "ok"),
        ("expect reply 0", "line 2, column 14: `0` is out of range for the number of a request (1 for the first): from 1 to 2000000"),
        ("expect reply 2000001", "line 2, column 14: `2000001` is out of range for the number of a request (1 for the first): from 1 to 2000000"),
        ("drop message 18000000", "ok"),
        ("drop message 18000001", "line 2, column 14: `18000001` is out of range for a message number: from 0 to 18000000"),
        ("step 2000000", "ok"),
        ("step 0", "line 2, column 6: `0` is out of range for a number of events: from 1 to 2000000"),
        ("step 18446744073709551615", "line 2, column 6: `18446744073709551615` is out of range for a number of events: from 1 to 2000000"),
        ("expect leaders 9", "ok"),
        ("expect leaders 10", "line 2, column 16: `10` is out of range for a number of leaders: from 0 to 9"),
        ("expect up 10", "line 2, column 11: `10` is out of range for a number of servers, as in `up 3`: from 0 to 9"),
        ("run 3600s", "ok"),
        ("run 1h", "line 2, column 5: unknown unit `h` in `1h`: use us, ms, s or min"),
        ("run 60min", "ok"),
        ("run 3600.000001s", "line 2, column 5: `3600.000001s` is out of range for a duration such as 150ms or 2s: from 0s to 3600s"),
        ("run 1000000000s", "line 2, column 5: `1000000000s` is out of range for a duration such as 150ms or 2s: from 0s to 3600s"),
        ("run 99999999999999999999us", "line 2, column 5: `99999999999999999999us` is out of range for a duration such as 150ms or 2s: from 0s to 3600s"),
        ("at 3601s crash S1", "line 2, column 4: `3601s` is out of range for a duration such as 150ms or 2s: from 0s to 3600s"),
        ("run until leader within 3601s", "line 2, column 25: `3601s` is out of range for a duration such as 150ms or 2s: from 0s to 3600s"),
        ("loss 100%", "ok"),
        ("loss 100.1%", "line 2, column 6: `100.1%` is not between 0 and 1 (or 0% and 100%)"),
        ("duplication 1.01", "line 2, column 13: `1.01` is not between 0 and 1 (or 0% and 100%)"),
        ("crash S9", "ok"),
        ("crash S10", "line 2, column 7: there is no server S10: servers are S1 to S9"),
        ("seed 18446744073709551615", "ok"),
        ("seed 18446744073709551616", "line 2, column 6: `18446744073709551616` is too large"),
        ("max-entries-per-append 1000000", "ok"),
        ("max-entries-per-append 1000001", "line 2, column 24: max entries per append must be from 1 to 1000000, not 1000001"),
    ];
    let mut wrong = Vec::new();
    for (line, expected) in cases {
        let got = parsed(head, line);
        if got != *expected {
            wrong.push(format!("{line}\n  expected: {expected}\n  got:      {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The cluster size says its range in its own words.
    assert_eq!(parsed("", "servers 10"), "line 1, column 9: a cluster has 1 to 9 servers, not 10");
}

#[test]
fn incr_at_the_largest_integer_answers_an_error_and_the_value_stays() {
    let text = "servers 3\nrun until leader within 2s\n\
                request leader set n 9223372036854775806\n\
                request leader incr n\n\
                request leader incr n\n\
                run 500ms\n\
                expect reply 2 = 9223372036854775807\n\
                expect reply 3 = error\n\
                expect not reply 2 = error\n\
                expect value n = 9223372036854775807\n\
                expect safe\n";
    let s = scenario::parse(text).expect("parses");
    let report = scenario::run(&s, RunOptions::default()).expect("runs");
    let failures: Vec<String> = report.failures().map(|f| format!("line {}: {}", f.line, f.message())).collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(report.results.len(), 6);
}

#[test]
fn a_server_at_the_largest_term_never_campaigns_and_a_cluster_cannot_start_there() {
    use raft_playground::raft::{Configuration, MessageBody, Node, NodeConfig, Output, RoleKind, ServerId, Term, Time};
    use raft_playground::sim::{ConfigError, InitialState, Sim, SimConfig};
    let voters = Configuration::simple([ServerId(1), ServerId(2), ServerId(3)]);
    for (term, campaigns) in [(Term(u64::MAX - 1), true), (Term::MAX, false)] {
        let mut node = Node::with_state(ServerId(1), voters.clone(), NodeConfig::default(), term, None, Vec::new());
        node.handle_election_timeout(Time(1));
        let mut outputs = Vec::new();
        node.take_outputs(&mut outputs);
        let asked = outputs
            .iter()
            .filter(|o| matches!(o, Output::Send(m) if matches!(m.body, MessageBody::RequestVote { .. })))
            .count();
        assert_eq!((asked, node.role_kind() == RoleKind::Candidate), if campaigns { (2, true) } else { (0, false) });
        assert_eq!(node.term(), if campaigns { Term::MAX } else { term });
        if !campaigns {
            assert_eq!(outputs, vec![Output::ResetElectionTimer]);
        }
    }
    let mut initial = vec![InitialState::default(); 3];
    initial[1].term = Term::MAX;
    let e = Sim::with_initial_state(SimConfig { servers: 3, ..SimConfig::default() }, initial).unwrap_err();
    assert_eq!(e, ConfigError::TermAtMaximum { server: ServerId(2) });
    assert_eq!(
        e.to_string(),
        "S2's initial term is the largest a term can be (18446744073709551615): no election could follow it"
    );
}

/// The line and message of parsing `text`, or "ok".
fn parse_error(text: &str) -> String {
    scenario::parse(text).map_or_else(|e| e.to_string(), |_| "ok".into())
}

#[test]
fn a_run_longer_than_the_caps_is_refused_before_it_starts() {
    assert_eq!(parse_error("servers 9\nrun 3600s\n"), "ok");
    assert_eq!(
        parse_error("servers 9\nrun 1800s\nrun until leader within 1800s\nrun 1us\n"),
        "line 4, column 1: the run could reach 3600.000001s of simulated time here, beyond the 3600s a run may last"
    );
    assert_eq!(
        parse_error("servers 9\nrun 1000s\nat 3600s crash S1\nrun 1s\n"),
        "line 4, column 1: the run could reach 3601s of simulated time here, beyond the 3600s a run may last"
    );
    assert_eq!(parse_error("step 2000000\n"), "ok");
    assert_eq!(
        parse_error("step 1000000\nstep\nstep 1000000\n"),
        "line 3, column 1: the steps so far ask for 2000001 events, beyond the 2000000 a run may process"
    );
}

#[test]
fn a_run_that_reaches_the_event_cap_stops_with_an_error() {
    use raft_playground::scenario::limits::MAX_EVENTS;
    // Nine servers with 5 ms heartbeats and 10 ms election timeouts (the fastest the
    // limits allow): about 6,000 events per simulated second.
    let text = "servers 9\nelection-timeout 10ms..20ms\nheartbeat 5ms\nrun 600s\nexpect leader\n";
    let s = scenario::parse(text).expect("parses");
    let report = scenario::run(&s, RunOptions::default()).expect("runs");
    assert_eq!(report.events, MAX_EVENTS);
    let results: Vec<(usize, String)> =
        report.results.iter().map(|r| (r.line, r.outcome.clone().map_err(|e| e.to_string()).unwrap_err())).collect();
    assert_eq!(
        results,
        vec![(
            4,
            "the run stopped after 2000000 events, the most a run may process; the statements after this one did not run"
                .to_string()
        )]
    );
    assert!(report.end_time.0 < 600_000_000, "stopped before its end: {}", report.end_time);
}
