//! The parser: good input, bad input with exact positions, and random input that must
//! not panic.

use super::*;

// ---- Good input --------------------------------------------------------------------------

#[test]
fn a_full_set_up_is_read_into_the_config_and_initial_state() {
    let s = parse(
        "title: Demo\n\
         description: One line.\n\
         # a comment\n\
         \n\
         servers 3\n\
         seed 42\n\
         election-timeout 200ms..400ms\n\
         heartbeat 20ms   # trailing comment\n\
         latency 5..15ms\n\
         loss 10%\n\
         duplication 0.05\n\
         max-entries-per-append 1\n\
         client-timeout 1.5s\n\
         break commit-old-terms\n\
         log S1 1 1:set x 1 2: incr n 2:noop\n\
         term S1 4\n\
         voted S1 S2\n\
         log S2 1\n",
    )
    .unwrap();
    assert_eq!(s.title.as_deref(), Some("Demo"));
    assert_eq!(s.description.as_deref(), Some("One line."));
    let c = &s.config;
    assert_eq!((c.servers, c.seed), (3, 42));
    assert_eq!((c.election_timeout_min_ms, c.election_timeout_max_ms, c.heartbeat_ms), (200, 400, 20));
    assert_eq!((c.network.latency_min_ms, c.network.latency_max_ms), (5, 15));
    assert!((c.network.loss - 0.1).abs() < 1e-12);
    assert!((c.network.duplication - 0.05).abs() < 1e-12);
    assert_eq!((c.max_entries_per_append, c.client_timeout_ms), (1, 1500));
    assert!(c.breaks.is_on(BreakSwitch::CommitOldTerms));
    assert_eq!(s.initial.len(), 3);
    let s1 = &s.initial[0];
    assert_eq!((s1.term, s1.voted_for), (Term(4), Some(ServerId(2))));
    let terms: Vec<u64> = s1.log.iter().map(|e| e.term.0).collect();
    assert_eq!(terms, [1, 1, 2, 2]);
    assert_eq!(s1.log[0].payload, Payload::Noop);
    assert!(
        matches!(&s1.log[1].payload, Payload::Command(r) if r.op == Op::Set { key: "x".into(), value: "1".into() })
    );
    assert!(matches!(&s1.log[2].payload, Payload::Command(r) if r.op == Op::Incr { key: "n".into() }));
    assert_eq!(s1.log[3].payload, Payload::Noop);
    // With no `term` line, a server's term is its last entry's.
    assert_eq!(s.initial[1].term, Term(1));
    assert_eq!(s.initial[2].term, Term(0));
    assert!(s.statements.is_empty());
}

#[test]
fn statements_keep_their_line_source_and_time() {
    let s = parse("servers 3\n\nat 1.5s crash S1 # boom\nrun until leader within 3s\nstep 10\nexpect not leader S1\n")
        .unwrap();
    assert_eq!(s.statements.len(), 4);
    let crash = &s.statements[0];
    assert_eq!((crash.line, crash.source.as_str(), crash.at), (3, "at 1.5s crash S1", Some(Time(1_500_000))));
    assert_eq!(crash.kind, StatementKind::Act { command: Command::Crash { server: ServerRef::Id(ServerId(1)) } });
    assert!(matches!(
        &s.statements[1].kind,
        StatementKind::Run { run: RunSpec::Until { within, all_of } }
            if *within == Duration(3_000_000)
                && *all_of == [Expectation { negated: false, condition: Condition::Leader { server: None } }]
    ));
    assert_eq!(s.statements[2].kind, StatementKind::Run { run: RunSpec::Steps { count: 10 } });
    assert!(matches!(&s.statements[3].kind, StatementKind::Expect { expectation } if expectation.negated));
}

#[test]
fn every_action_parses() {
    let text = "servers 5\n\
        crash S1\nkill leader\nrestart S1\ntimeout S2\nalign-timers S1..S3\nalign-timers all\nspread-timers\n\
        request S2 set x 3\nrequest leader get x\nrequest S1 del x\nrequest S1 incr n\n\
        membership add S6 S7\nmembership remove S1\nmembership add S6 remove S2\n\
        partition S1 S2 | S3 S4 S5\nisolate leader\nheal\ncut S1 -> S2\ncut S1 <-> S2\nrestore S1 -> S2\n\
        drop message 12\ndrop next S1 -> S3\ndrop all S1 -> S3\nloss 0.2\nduplication 1%\nlatency 10ms..40ms\n\
        break equal-timeouts on\nbreak equal-timeouts off\nlet old = leader\ncrash old\n";
    let s = parse(text).unwrap();
    assert_eq!(s.statements.len(), 30);
    assert!(s.statements.iter().all(|st| matches!(st.kind, StatementKind::Act { .. } | StatementKind::Let { .. })));
    assert_eq!(
        s.statements[4].kind,
        StatementKind::Act {
            command: Command::AlignTimers {
                servers: ServerSet::List((1..=3).map(|n| ServerRef::Id(ServerId(n))).collect())
            }
        }
    );
    assert_eq!(
        s.statements[29].kind,
        StatementKind::Act { command: Command::Crash { server: ServerRef::Name("old".into()) } }
    );
}

#[test]
fn every_expectation_parses() {
    let text = "servers 5\n\
        expect leader\nexpect leader S1\nexpect one leader\nexpect no leader\nexpect leaders S1 S4\n\
        expect term 3\nexpect term S1 >= 3\nexpect term leader < 9\nexpect role S1 follower\nexpect role S2 down\n\
        expect log S3 1 1 4 4\nexpect log S3 empty\nexpect same log on all\nexpect same log\n\
        expect committed 3 on S1 S2 S3\nexpect applied 2\nexpect value x = 3 on all\nexpect value y = none on S1\n\
        expect reply 1 = ok\nexpect reply 2\nexpect config S1..S5 -> S1..S7 on S1\nexpect config S1 S2 S3\n\
        expect membership joint-committed\nexpect safe\nexpect violated leader-completeness or state-machine-safety\n\
        expect not safe\n";
    let s = parse(text).unwrap();
    assert_eq!(s.statements.len(), 26);
    let cond = |i: usize| match &s.statements[i].kind {
        StatementKind::Expect { expectation } => expectation.condition.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        cond(6),
        Condition::Term { server: Some(ServerRef::Id(ServerId(1))), cmp: Cmp::Ge, term: TermOperand::Number(3) }
    );
    assert_eq!(cond(11), Condition::Log { server: ServerRef::Id(ServerId(3)), terms: vec![] });
    assert_eq!(
        cond(17),
        Condition::Value { key: "y".into(), value: None, on: ServerSet::List(vec![ServerRef::Id(ServerId(1))]) }
    );
    assert_eq!(
        cond(20),
        Condition::Config {
            old: Some((1..=5).map(ServerId).collect()),
            new: (1..=7).map(ServerId).collect(),
            on: ServerSet::List(vec![ServerRef::Id(ServerId(1))])
        }
    );
    assert_eq!(
        cond(24),
        Condition::Violated { any_of: vec![Property::LeaderCompleteness, Property::StateMachineSafety] }
    );
}

#[test]
fn durations_are_exact() {
    let s = parse("run 1.5s\nrun 250us\nrun 0.001ms\nrun 2min\nrun until 12.25ms\n").unwrap();
    let d: Vec<RunSpec> = s
        .statements
        .iter()
        .map(|st| match &st.kind {
            StatementKind::Run { run } => run.clone(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(d[0], RunSpec::For { duration: Duration(1_500_000) });
    assert_eq!(d[1], RunSpec::For { duration: Duration(250) });
    assert_eq!(d[2], RunSpec::For { duration: Duration(1) });
    assert_eq!(d[3], RunSpec::For { duration: Duration(120_000_000) });
    assert_eq!(d[4], RunSpec::UntilTime { time: Time(12_250) });
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_are_accepted() {
    let s = parse("\u{feff}servers 3\r\ncrash S1\r\n").unwrap();
    assert_eq!(s.config.servers, 3);
    assert_eq!(s.statements[0].source, "crash S1");
}

// ---- Bad input: exact positions ------------------------------------------------------------

#[test]
fn errors_name_the_line_and_column() {
    assert_eq!(expected("servers 3\ncrash X1\n"), (2, 7, Expected::ServerRef, Some("X1".into())));

    assert_eq!(expected("frobnicate S1"), (1, 1, Expected::Statement, Some("frobnicate".into())));

    assert_eq!(expected("expect leader S1 S2"), (1, 18, Expected::EndOfLine, Some("S2".into())));

    assert_eq!(invalid("servers 12"), (1, 9, Invalid::ClusterSize(12)));

    assert_eq!(invalid("run 500"), (1, 5, Invalid::NeedsUnit("500".into())));

    assert_eq!(invalid("run 5 parsecs"), (1, 5, Invalid::NeedsUnit("5".into())));

    assert_eq!(invalid("run 3h"), (1, 5, Invalid::UnknownUnit("h".into(), "3h".into())));

    assert_eq!(invalid("run 0.0001ms"), (1, 5, Invalid::FinerThanMicrosecond("0.0001ms".into())));

    assert_eq!(expected("partition S1 S2"), (1, 16, Expected::PartitionBar, None));

    assert_eq!(expected("\tcut S1 S2"), (1, 9, Expected::Arrow, Some("S2".into())));

    assert_eq!(expected("break nope"), (1, 7, Expected::BreakSwitch, Some("nope".into())));
    assert!(Expected::BreakSwitch.choices().contains("commit-old-terms"));

    assert_eq!(expected("expect violated safety"), (1, 17, Expected::Property, Some("safety".into())));
    assert!(Expected::Property.choices().contains("leader-completeness"));

    assert_eq!(invalid("request S1 put x 3"), (1, 12, Invalid::Op(OpParseError::Unknown("put".into()))));

    assert_eq!(invalid("loss 1.5"), (1, 6, Invalid::NotAProbability("1.5".into())));

    assert_eq!(expected("title:   "), (1, 7, Expected::MetadataText("title".into()), None));

    assert_eq!(invalid("title: a\ntitle: b"), (2, 1, Invalid::MetadataTwice("title".into())));

    assert_eq!(expected("hint: win"), (1, 1, Expected::MetadataKey, Some("hint:".into())));

    assert_eq!(expected("goal: win"), (1, 7, Expected::Condition, Some("win".into())));

    // Columns count characters, not bytes.
    assert_eq!(at("expect value é = 1 on S0"), (1, 23));
}

#[test]
fn set_up_errors_point_at_the_line_that_caused_them() {
    assert_eq!(invalid("servers 3\nrun 1s\nseed 4\n"), (3, 1, Invalid::SetupAfterStart("seed".into())));

    assert_eq!(invalid("log S1 1 4 2\n"), (1, 12, Invalid::TermsDecrease(3, 2, 4)));

    assert_eq!(expected("log S1 1 x\n"), (1, 10, Expected::LogEntry, Some("x".into())));

    assert_eq!(expected("log S1 1 2:set x\n"), (1, 17, Expected::ValueFor("set".into()), None));

    assert_eq!(expected("log S1 1 2:put x\n"), (1, 12, Expected::LogOp, Some("put".into())));

    assert_eq!(invalid("log S1 1 3\nterm S1 2\n"), (2, 9, Invalid::TermBelowLog(ServerId(1), 2, 3)));

    assert_eq!(invalid("servers 3\nlog S5 1\n"), (2, 5, Invalid::BeyondCluster(ServerId(5), 3)));

    assert_eq!(
        invalid("servers 3\nheartbeat 500ms\ncrash S1\n"),
        (2, 1, Invalid::Config(ConfigError::Heartbeat { election_min_ms: 150, found_ms: 500 }))
    );

    assert_eq!(invalid("election-timeout 300ms..150ms"), (1, 18, Invalid::RangeBackwards("300ms..150ms".into())));

    assert_eq!(expected("crash old\n"), (1, 7, Expected::ServerRef, Some("old".into())));

    assert_eq!(invalid("let leader = S1\n"), (1, 5, Invalid::NameTaken("leader".into())));

    assert_eq!(invalid("at 1s run 2s\n"), (1, 7, Invalid::AtBeforeRun));
}

// ---- Random input never panics -------------------------------------------------------------

const VOCABULARY: &[&str] = &[
    "servers",
    "seed",
    "log",
    "term",
    "voted",
    "election-timeout",
    "heartbeat",
    "latency",
    "loss",
    "duplication",
    "break",
    "max-entries-per-append",
    "client-timeout",
    "at",
    "run",
    "until",
    "within",
    "step",
    "expect",
    "not",
    "leader",
    "leaders",
    "one",
    "no",
    "role",
    "same",
    "committed",
    "applied",
    "value",
    "reply",
    "config",
    "membership",
    "safe",
    "violated",
    "or",
    "crash",
    "kill",
    "restart",
    "shutdown",
    "after",
    "sending",
    "removed",
    "timeout",
    "align-timers",
    "spread-timers",
    "request",
    "set",
    "get",
    "del",
    "incr",
    "add",
    "remove",
    "partition",
    "isolate",
    "heal",
    "cut",
    "restore",
    "drop",
    "next",
    "all",
    "message",
    "let",
    "=",
    "->",
    "<->",
    "|",
    ">=",
    "on",
    "S1",
    "S0",
    "S9",
    "S10",
    "s3",
    "S1..S5",
    "S5..S1",
    "x",
    "1",
    "0",
    "2:set",
    "3:",
    "1:noop",
    "150ms",
    "1.5s",
    "1..2ms",
    "0.5",
    "50%",
    "9999999999999999999999",
    "1e9",
    "-1",
    "title:",
    "step:",
    "description:",
    "#",
    "é",
    "equal-timeouts",
    "leader-completeness",
    "joint-committed",
    "on",
    "off",
    "none",
    "empty",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn arbitrary_statements_never_panic(
        lines in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(VOCABULARY), 0..8), 0..12)
    ) {
        let text = lines.iter().map(|l| l.join(" ")).collect::<Vec<_>>().join("\n");
        if let Err(e) = parse(&text) {
            // Every error points inside the text (or just past a line's end).
            prop_assert!(e.line() >= 1 && e.line() <= lines.len().max(1));
            prop_assert!(e.column() >= 1);
        }
    }
}
