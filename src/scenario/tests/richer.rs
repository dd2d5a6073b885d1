//! Issue 12's richer format: `expect refused`, `run until A and B`, `leader among`,
//! `voted`, term comparisons, drawn servers and `repeat`. Each parses to a whole AST, each
//! passes when true and fails with its typed error when false; and the table of action
//! statements agrees with the parser and with `docs/scenarios.md`.

use super::*;
use crate::scenario::actions::{Verb, ACTIONS};
use crate::scenario::ast::{Pick, Refusal};
use crate::sim::ActionError;

fn id(n: u32) -> ServerRef {
    ServerRef::Id(ServerId(n))
}

fn expect(condition: Condition) -> Expectation {
    Expectation { negated: false, condition }
}

/// The statements of `text` (after `servers 3`), as (line, kind).
fn kinds(text: &str) -> Vec<(usize, StatementKind)> {
    parse(&format!("servers 3\n{text}")).unwrap().statements.into_iter().map(|s| (s.line, s.kind)).collect()
}

fn act(command: Command) -> StatementKind {
    StatementKind::Act { command }
}

/// The outcome of every check of a run, by line.
fn outcomes(text: &str) -> Vec<(usize, Result<(), RunError>)> {
    run_text(text).results.into_iter().map(|r| (r.line, r.outcome.map(|_| ()))).collect()
}

// ---- Parsing ---------------------------------------------------------------------------

#[test]
fn each_new_statement_parses_to_its_whole_ast() {
    let text = "expect refused crash S1 because down\n\
                expect refused timeout leader\n\
                run until leader and committed 2 on all within 3s\n\
                expect leader among S1 S2 S3\n\
                expect voted S2 for S1 in term 3\n\
                expect term S1 > term S2\n\
                expect term S3 >= 4\n\
                expect not term <= term leader\n\
                crash a follower\n\
                restart a random live server\n\
                timeout the leader if any\n\
                let v = a follower\n\
                request the leader set x 1\n";
    let leader = |negated| Expectation { negated, condition: Condition::Leader { server: None } };
    assert_eq!(
        kinds(text),
        vec![
            (
                2,
                StatementKind::ExpectRefused {
                    command: Command::Crash { server: id(1) },
                    because: Some(Refusal::Down)
                }
            ),
            (
                3,
                StatementKind::ExpectRefused { command: Command::Timeout { server: ServerRef::Leader }, because: None }
            ),
            (
                4,
                StatementKind::Run {
                    run: RunSpec::Until {
                        all_of: vec![leader(false), expect(Condition::Committed { index: 2, on: ServerSet::All }),],
                        within: Duration::from_ms(3000),
                    }
                }
            ),
            (
                5,
                StatementKind::Expect {
                    expectation: expect(Condition::LeaderAmong { servers: vec![id(1), id(2), id(3)] })
                }
            ),
            (
                6,
                StatementKind::Expect {
                    expectation: expect(Condition::Voted { voter: id(2), candidate: id(1), term: 3 })
                }
            ),
            (
                7,
                StatementKind::Expect {
                    expectation: expect(Condition::Term {
                        server: Some(id(1)),
                        cmp: Cmp::Gt,
                        term: TermOperand::TermOf(id(2))
                    })
                }
            ),
            (
                8,
                StatementKind::Expect {
                    expectation: expect(Condition::Term {
                        server: Some(id(3)),
                        cmp: Cmp::Ge,
                        term: TermOperand::Number(4)
                    })
                }
            ),
            (
                9,
                StatementKind::Expect {
                    expectation: Expectation {
                        negated: true,
                        condition: Condition::Term {
                            server: None,
                            cmp: Cmp::Le,
                            term: TermOperand::TermOf(ServerRef::Leader)
                        }
                    }
                }
            ),
            (10, act(Command::Crash { server: ServerRef::Pick(Pick::Follower) })),
            (11, act(Command::Restart { server: ServerRef::Pick(Pick::Live) })),
            (12, act(Command::Timeout { server: ServerRef::Pick(Pick::LeaderIfAny) })),
            (13, StatementKind::Let { name: "v".into(), server: ServerRef::Pick(Pick::Follower) }),
            (14, act(Command::Request { via: ServerRef::Leader, op: Op::Set { key: "x".into(), value: "1".into() } })),
        ]
    );
}

#[test]
fn a_repeat_block_is_unrolled_with_each_statement_on_its_own_line() {
    let crash = (3, act(Command::Crash { server: id(1) }));
    let run = (4, StatementKind::Run { run: RunSpec::For { duration: Duration::from_ms(10) } });
    assert_eq!(kinds("repeat 2\n  crash S1\n  run 10ms\nend\n"), vec![crash.clone(), run.clone(), crash, run]);
    // Blocks nest: 2 × (heal + 3 × step).
    let nested = kinds("repeat 2\nheal\nrepeat 3\nstep\nend\nend\nexpect safe\n");
    let lines: Vec<usize> = nested.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [3, 5, 5, 5, 3, 5, 5, 5, 8]);
}

#[test]
fn errors_in_the_new_statements_name_their_line_and_column() {
    let e = |text: &str| expected(&format!("servers 3\n{text}"));
    assert_eq!(e("expect refused frobnicate S1"), (2, 16, Expected::Action, Some("frobnicate".into())));
    assert_eq!(e("expect refused crash S1 because sleepy"), (2, 33, Expected::Refusal, Some("sleepy".into())));
    assert_eq!(e("expect refused"), (2, 15, Expected::Action, None));
    assert_eq!(e("crash a dog"), (2, 9, Expected::Pick, Some("dog".into())));
    assert_eq!(e("crash the follower"), (2, 11, Expected::Word("leader"), Some("follower".into())));
    assert_eq!(e("expect voted S2 for S1 term 3"), (2, 24, Expected::Word("in"), Some("term".into())));
    assert_eq!(e("expect term S1 > term"), (2, 22, Expected::ServerRef, None));
    // A drawn server stands only where an action or a `let` takes one.
    assert_eq!(e("expect role a follower"), (2, 13, Expected::ServerRef, Some("a".into())));
    assert_eq!(e("expect leader among"), (2, 20, Expected::ServerRef, None));
    let i = |text: &str| invalid(&format!("servers 3\n{text}"));
    assert_eq!(i("step\nend\n"), (3, 1, Invalid::EndWithoutRepeat));
    assert_eq!(i("step\n  repeat 3\nstep\n"), (3, 3, Invalid::RepeatNotEnded));
    assert!(matches!(i("repeat 0\nend"), (2, 8, Invalid::OutOfRange(r)) if r.min == "1" && r.max == "10000"));
    assert!(matches!(i("repeat 10001\nend"), (2, 8, Invalid::OutOfRange(r)) if r.found == "10001"));
    // The cap on statements is checked when the outer block ends, before it is unrolled.
    assert_eq!(i("repeat 10000\nrepeat 10000\nheal\nend\nend\n"), (2, 1, Invalid::StatementCap(100_000_000, 100_000)));
    // The caps on time count every round.
    assert!(matches!(i("repeat 400\nrun 10s\nend\n"), (3, 1, Invalid::TimeCap(..))));
    assert_eq!(i("let a = S1"), (2, 5, Invalid::NameTaken("a".into())));
}

/// The one table of action statements, the parser and the Actions table of
/// `docs/scenarios.md` agree: every example parses to its row's verb, every keyword
/// starts an action, and the docs list every keyword and no other.
#[test]
fn the_action_table_the_parser_and_the_docs_agree() {
    for row in ACTIONS {
        let s = parse(&format!("servers 9\nheal\n{}\n", row.example)).unwrap();
        let Some(Statement { kind: StatementKind::Act { command }, .. }) = s.statements.last() else {
            panic!("{} is not an action", row.example)
        };
        assert_eq!(command.verb(), row.verb, "{}", row.example);
        assert_eq!(row.verb.statement().verb, row.verb);
        for k in row.keywords {
            assert_eq!(Verb::from_keyword(k), Some(row.verb));
        }
        // In the set-up, a set-up verb sets the cluster up and is no statement.
        let in_setup = parse(&format!("servers 9\n{}\n", row.example)).unwrap();
        assert_eq!(in_setup.statements.is_empty(), row.in_setup, "{}", row.example);
    }
    let docs = include_str!("../../../docs/scenarios.md");
    let section = docs.split("\n## Actions\n").nth(1).expect("an Actions section");
    let table = section.lines().skip_while(|l| !l.starts_with("| Statement")).take_while(|l| !l.is_empty());
    let mut documented: Vec<&str> = Vec::new();
    for line in table.filter(|l| l.starts_with("| `")) {
        let first_cell = line.split(" | ").next().unwrap();
        for span in first_cell.split('`').skip(1).step_by(2) {
            documented.push(span.split_whitespace().next().unwrap());
        }
    }
    let mut keywords: Vec<&str> = ACTIONS.iter().flat_map(|a| a.keywords.iter().copied()).collect();
    documented.sort();
    documented.dedup();
    keywords.sort();
    assert_eq!(documented, keywords);
}

/// The table of refusal kinds in `docs/scenarios.md` lists every kind, in order.
#[test]
fn the_refusal_kinds_and_the_docs_agree() {
    let docs = include_str!("../../../docs/scenarios.md");
    let table = docs.split("| Kind | The action was refused because |").nth(1).expect("the kinds' table");
    let documented: Vec<&str> = table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .map(|l| l.trim_start_matches("| `").split('`').next().unwrap())
        .collect();
    let kinds: Vec<&str> = Refusal::ALL.iter().map(|r| r.word()).collect();
    assert_eq!(documented, kinds);
}

// ---- Running ---------------------------------------------------------------------------

/// S1 leads term 1 (it timed out first, with a fixed latency): the start of the tests
/// below.
const S1_LEADS: &str = "servers 3\nlatency 10ms\ntimeout S1\nrun until leader S1 within 1s\n";

#[test]
fn expect_refused_passes_on_a_refusal_and_fails_typed_otherwise() {
    let r = outcomes(&format!(
        "{S1_LEADS}crash S3\n\
         expect refused crash S3 because down\n\
         expect refused crash S3\n\
         expect refused crash S2\n\
         expect refused crash S3 because up\n\
         expect refused timeout S1 because leader\n\
         expect refused crash a follower\n\
         expect role S2 down\n"
    ));
    let down = ActionError::AlreadyDown(ServerId(3));
    assert_eq!(
        r,
        vec![
            (4, Ok(())),
            (6, Ok(())),
            (7, Ok(())),
            // Accepted: S2 crashed.
            (8, Err(RunError::Accepted)),
            (
                9,
                Err(RunError::RefusedOtherwise {
                    wanted: Refusal::Up,
                    found: Refusal::Down,
                    error: Box::new(RunError::Refused(down))
                })
            ),
            (10, Ok(())),
            // No live follower is left to draw.
            (11, Ok(())),
            (12, Ok(())),
        ]
    );
    let no_follower =
        outcomes(&format!("{S1_LEADS}crash S2\ncrash S3\nexpect refused crash a follower because down\n"));
    assert_eq!(
        no_follower[1],
        (
            7,
            Err(RunError::RefusedOtherwise {
                wanted: Refusal::Down,
                found: Refusal::NoTarget,
                error: Box::new(RunError::NoTarget(Pick::Follower))
            })
        )
    );
}

#[test]
fn run_until_every_condition_waits_for_all_of_them_at_once() {
    let r = outcomes(&format!(
        "{S1_LEADS}request S1 set x 1\n\
         run until committed 2 on all and value x = 1 on all within 1s\n\
         expect applied 2 on all\n\
         run until leader S1 and no leader within 200ms\n"
    ));
    assert_eq!(r[..3], [(4, Ok(())), (6, Ok(())), (7, Ok(()))]);
    let no_leader = Box::new(expect(Condition::NoLeader));
    let not_so = RunError::NotSo { expected: no_leader, found: Seen::Leaders(vec![ServerId(1)]) };
    assert_eq!(r[3], (8, Err(RunError::NotWithin { error: Box::new(not_so), within: Duration::from_ms(200) })));
}

#[test]
fn leader_among_holds_only_for_a_set_with_the_leader() {
    let r = outcomes(&format!(
        "{S1_LEADS}expect leader among S1 S2\nexpect leader among S2 S3\nexpect not leader among S2 S3\ncrash S1\nexpect leader among S1 S2 S3\n"
    ));
    let among = |servers: Vec<ServerRef>| Box::new(expect(Condition::LeaderAmong { servers }));
    assert_eq!(
        r[1..],
        [
            (5, Ok(())),
            (6, Err(RunError::NotSo { expected: among(vec![id(2), id(3)]), found: Seen::Leader(Some(ServerId(1))) })),
            (7, Ok(())),
            (9, Err(RunError::NotSo { expected: among(vec![id(1), id(2), id(3)]), found: Seen::Leader(None) })),
        ]
    );
}

#[test]
fn voted_reads_the_current_vote_and_the_votes_of_past_terms() {
    let r = outcomes(&format!(
        "{S1_LEADS}expect voted S1 for S1 in term 1\n\
         expect voted S2 for S1 in term 1\n\
         crash S1\n\
         run until leader within 3s\n\
         expect term S2 >= 2\n\
         expect voted S3 for S1 in term 1\n\
         expect voted S2 for S2 in term 1\n\
         expect voted S3 for S1 in term 7\n"
    ));
    assert_eq!(r[1..6], [(5, Ok(())), (6, Ok(())), (8, Ok(())), (9, Ok(())), (10, Ok(()))]);
    let voted = |voter, candidate, term| {
        Box::new(expect(Condition::Voted { voter: id(voter), candidate: id(candidate), term }))
    };
    let s = ServerId;
    assert_eq!(
        r[6..],
        [
            (
                11,
                Err(RunError::NotSo {
                    expected: voted(2, 2, 1),
                    found: Seen::Vote { voter: s(2), term: 1, voted_for: Some(s(1)) }
                })
            ),
            (
                12,
                Err(RunError::NotSo {
                    expected: voted(3, 1, 7),
                    found: Seen::Vote { voter: s(3), term: 7, voted_for: None }
                })
            ),
        ]
    );
}

#[test]
fn terms_compare_with_numbers_and_with_other_servers() {
    let r = outcomes(
        "servers 3\nlatency 10ms\ncrash S3\ntimeout S1\nrun until leader S1 within 1s\n\
         expect term S1 > term S3\nexpect term S1 = term S2\nexpect term >= term S1\nexpect term S3 >= 1\nexpect term S3 > term S1\n",
    );
    let term = |server: Option<u32>, cmp, term| Box::new(expect(Condition::Term { server: server.map(id), cmp, term }));
    let s = ServerId;
    assert_eq!(
        r[1..],
        [
            (6, Ok(())),
            (7, Ok(())),
            (8, Ok(())),
            (
                9,
                Err(RunError::NotSo {
                    expected: term(Some(3), Cmp::Ge, TermOperand::Number(1)),
                    found: Seen::Term { server: Some(s(3)), term: 0 }
                })
            ),
            (
                10,
                Err(RunError::NotSo {
                    expected: term(Some(3), Cmp::Gt, TermOperand::TermOf(id(1))),
                    found: Seen::Terms { server: Some(s(3)), term: 0, other: s(1), other_term: 1 }
                })
            ),
        ]
    );
}

#[test]
fn drawn_servers_follow_the_seed_and_the_leader_if_any_may_be_none() {
    let text = "servers 5\nseed 9\nrun until leader within 2s\nlet v = a follower\ncrash v\nexpect role v down\n\
                let w = a random live server\nexpect role w up\nexpect not leader among v\n";
    let report = run_text(text);
    assert!(report.passed(), "{:#?}", report.failures().collect::<Vec<_>>());
    // The same file draws the same servers: the runs are the same, event for event.
    let (a, _) = run_to_end(&parse(text).unwrap()).unwrap();
    let (b, _) = run_to_end(&parse(text).unwrap()).unwrap();
    assert_eq!(a.state_hash(), b.state_hash());
    assert_eq!(a.actions(), b.actions());
    // Another seed draws otherwise at least once in a few tries.
    let drawn = |seed: u64| {
        let (sim, _) = run_to_end(&parse(&text.replace("seed 9", &format!("seed {seed}"))).unwrap()).unwrap();
        sim.actions().iter().map(|a| a.action.to_string()).collect::<Vec<_>>()
    };
    let firsts: Vec<_> = (1..=6).map(drawn).collect();
    assert!(firsts.iter().any(|d| *d != firsts[0]), "{firsts:?}");
    // `the leader if any`: nothing happens without a leader, the leader otherwise.
    let r = outcomes(&format!("{S1_LEADS}crash S1\ncrash the leader if any\nrestart S1\ntimeout the leader if any\n"));
    assert_eq!(r[1..], []);
    let r = outcomes(&format!(
        "{S1_LEADS}timeout the leader if any\ncrash a follower\ncrash a follower\ncrash a follower\n"
    ));
    assert_eq!(
        r[1..],
        [(5, Err(RunError::Refused(ActionError::IsLeader(ServerId(1))))), (8, Err(RunError::NoTarget(Pick::Follower))),]
    );
}

#[test]
fn a_repeat_block_runs_its_statements_each_time() {
    let r = run_text(&format!(
        "{S1_LEADS}repeat 3\nrequest S1 incr n\nrun 100ms\nend\nexpect value n = 3 on all\nexpect reply 3 = 3\n"
    ));
    assert!(r.passed(), "{:#?}", r.failures().collect::<Vec<_>>());
    assert_eq!(r.results.len(), 3);
}

/// The library's hand-written 6.824-style test: ten rounds, three random crashes of seven
/// each, one leader among the four left each time. It passes, its rounds crash different
/// servers, and it replays exactly.
#[test]
fn ten_rounds_of_three_random_crashes_keep_one_leader_among_the_live() {
    let text = library_text("random-crashes.scn").unwrap();
    let scenario = parse(&text).unwrap();
    let report = run(&scenario, RunOptions::default()).unwrap();
    assert!(report.passed(), "{:#?}", report.failures().collect::<Vec<_>>());
    let among: Vec<&CheckResult> =
        report.results.iter().filter(|r| r.source == "expect not leader among x y z").collect();
    assert_eq!(among.len(), 10, "one check per round");
    let (sim, _) = run_to_end(&scenario).unwrap();
    let crashes: Vec<String> = sim
        .actions()
        .iter()
        .filter(|a| matches!(a.action, crate::sim::Action::Crash { .. }))
        .map(|a| a.action.to_string())
        .collect();
    assert_eq!(crashes.len(), 30);
    let rounds: Vec<&[String]> = crashes.chunks(3).collect();
    assert!(rounds.iter().any(|r| *r != rounds[0]), "the rounds draw different servers");
    let (again, _) = run_to_end(&scenario).unwrap();
    assert_eq!(sim.state_hash(), again.state_hash());
}
