//! Every number a scenario can write is checked against its documented range when the
//! scenario is parsed (`docs/scenarios.md`, "Numbers"), and the state machine never wraps.

use raft_playground::scenario::error::{Expected, Invalid, OutOfRange};
use raft_playground::scenario::{self, RunError, RunOptions, ScenarioError};

/// Parsing a scenario of set-up `head` and one more line `line`: `Ok` if it parses, else
/// the line, the column and why.
fn parsed(head: &str, line: &str) -> Result<(), (usize, usize, Invalid)> {
    match scenario::parse(&format!("{head}{line}\n")) {
        Ok(_) => Ok(()),
        Err(ScenarioError::Invalid { line, column, reason }) => Err((line, column, reason)),
        Err(e) => panic!("{line}: not a refused number: {e:?}"),
    }
}

/// Parsing one line of line 2: `Ok`, or the column and why not.
type Outcome = Result<(), (usize, Invalid)>;

/// A number outside its range, at column `column` of line 2.
fn out_of_range(column: usize, what: Expected, found: &str, min: &str, max: &str) -> Outcome {
    let (found, min, max) = (found.into(), min.into(), max.into());
    Err((column, Invalid::OutOfRange(Box::new(OutOfRange { what, found, min, max }))))
}

/// Each case: a line, and what parsing it gives at the largest (or smallest) value that
/// is allowed and at the first one that is not. The scenario has 9 servers; the line is
/// line 2.
#[test]
fn every_number_is_checked_at_its_boundaries() {
    let head = "servers 9\n";
    let cases: &[(&str, Outcome)] = &[
        ("term S1 1000000000", Ok(())),
        ("term S1 1000000001", out_of_range(9, Expected::Term, "1000000001", "0", "1000000000")),
        ("term S1 18446744073709551615", out_of_range(9, Expected::Term, "18446744073709551615", "0", "1000000000")),
        ("term S1 18446744073709551616", out_of_range(9, Expected::Term, "18446744073709551616", "0", "1000000000")),
        ("log S1 1 1000000000", Ok(())),
        ("log S1 1 1000000001", out_of_range(10, Expected::LogTerm, "1000000001", "1", "1000000000")),
        ("log S2 0", out_of_range(8, Expected::LogTerm, "0", "1", "1000000000")),
        ("log S2 1000000001:set x 1", out_of_range(8, Expected::LogTerm, "1000000001", "1", "1000000000")),
        ("expect term S1 >= 1000000000", Ok(())),
        ("expect term 1000000001", out_of_range(13, Expected::Term, "1000000001", "0", "1000000000")),
        ("expect committed 2000000", Ok(())),
        ("expect committed 2000001", out_of_range(18, Expected::LogIndex, "2000001", "0", "2000000")),
        ("expect applied 2000001 on S1", out_of_range(16, Expected::LogIndex, "2000001", "0", "2000000")),
        ("expect reply 1", Ok(())),
        ("expect reply 0", out_of_range(14, Expected::RequestNumber, "0", "1", "2000000")),
        ("expect reply 2000001", out_of_range(14, Expected::RequestNumber, "2000001", "1", "2000000")),
        ("drop message 18000000", Ok(())),
        ("drop message 18000001", out_of_range(14, Expected::MessageNumber, "18000001", "0", "18000000")),
        ("step 2000000", Ok(())),
        ("step 0", out_of_range(6, Expected::EventCount, "0", "1", "2000000")),
        ("step 18446744073709551615", out_of_range(6, Expected::EventCount, "18446744073709551615", "1", "2000000")),
        ("expect leaders 9", Ok(())),
        ("expect leaders 10", out_of_range(16, Expected::LeaderCount, "10", "0", "9")),
        ("expect up 10", out_of_range(11, Expected::UpCount, "10", "0", "9")),
        ("run 3600s", Ok(())),
        ("run 1h", Err((5, Invalid::UnknownUnit("h".into(), "1h".into())))),
        ("run 60min", Ok(())),
        ("run 3600.000001s", out_of_range(5, Expected::Duration, "3600.000001s", "0s", "3600s")),
        ("run 1000000000s", out_of_range(5, Expected::Duration, "1000000000s", "0s", "3600s")),
        ("run 99999999999999999999us", out_of_range(5, Expected::Duration, "99999999999999999999us", "0s", "3600s")),
        ("at 3601s crash S1", out_of_range(4, Expected::Duration, "3601s", "0s", "3600s")),
        ("run until leader within 3601s", out_of_range(25, Expected::Duration, "3601s", "0s", "3600s")),
        ("loss 100%", Ok(())),
        ("loss 100.1%", Err((6, Invalid::NotAProbability("100.1%".into())))),
        ("duplication 1.01", Err((13, Invalid::NotAProbability("1.01".into())))),
        ("crash S9", Ok(())),
        ("crash S10", Err((7, Invalid::NoServer("S10".into())))),
        ("seed 18446744073709551615", Ok(())),
        ("seed 18446744073709551616", Err((6, Invalid::TooLarge("18446744073709551616".into())))),
        ("max-entries-per-append 1000000", Ok(())),
        ("max-entries-per-append 1000001", Err((24, Invalid::EntriesPerAppend(1000001)))),
    ];
    let mut wrong = Vec::new();
    for (line, expected) in cases {
        let got = parsed(head, line).map_err(|(l, column, reason)| {
            assert_eq!(l, 2, "{line}");
            (column, reason)
        });
        if got != *expected {
            wrong.push(format!("{line}\n  expected: {expected:?}\n  got:      {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The cluster size says its range in its own words.
    assert_eq!(parsed("", "servers 10"), Err((1, 9, Invalid::ClusterSize(10))));
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
}

/// Parsing `text`: `Ok`, or the line, the column and why.
fn parse_error(text: &str) -> Result<(), (usize, usize, Invalid)> {
    parsed("", text.trim_end())
}

#[test]
fn a_run_longer_than_the_caps_is_refused_before_it_starts() {
    let time_cap = |t: &str| Invalid::TimeCap(t.into(), "3600s".into());
    assert_eq!(parse_error("servers 9\nrun 3600s\n"), Ok(()));
    assert_eq!(
        parse_error("servers 9\nrun 1800s\nrun until leader within 1800s\nrun 1us\n"),
        Err((4, 1, time_cap("3600.000001s")))
    );
    assert_eq!(parse_error("servers 9\nrun 1000s\nat 3600s crash S1\nrun 1s\n"), Err((4, 1, time_cap("3601s"))));
    assert_eq!(parse_error("step 2000000\n"), Ok(()));
    assert_eq!(parse_error("step 1000000\nstep\nstep 1000000\n"), Err((3, 1, Invalid::EventCap(2_000_001, 2_000_000))));
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
    let results: Vec<(usize, Result<String, RunError>)> =
        report.results.iter().map(|r| (r.line, r.outcome.clone())).collect();
    assert_eq!(results, vec![(4, Err(RunError::EventCap(MAX_EVENTS)))]);
    assert!(report.end_time.0 < 600_000_000, "stopped before its end: {}", report.end_time);
}
