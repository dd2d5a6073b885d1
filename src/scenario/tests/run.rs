//! The runner: refused actions, expectations, narration, the library and its exercises.

use super::*;

/// Parsed scenarios with odd but valid statements must run without panicking: the
/// runner reports refused actions as failures.
#[test]
fn refused_actions_and_unresolvable_servers_are_reported_not_panicked() {
    let r = run_text(
        "servers 3\n\
         crash leader\n\
         restart S1\n\
         crash S2\ncrash S2\n\
         timeout S9\n\
         drop message 99999\n\
         drop next S1 -> S3\n\
         membership add S9\n\
         expect leader S1\n\
         expect reply 4\n\
         run 100ms\n\
         at 50ms heal\n\
         run until 10ms\n\
         step 3\n",
    );
    let failed: Vec<usize> = r.failures().map(|f| f.line).collect();
    assert_eq!(failed, vec![2, 3, 5, 6, 7, 8, 9, 10, 11, 13, 14], "{:#?}", r.results);
    let first = &r.results[0];
    assert_eq!(first.outcome, Err(RunError::NoLeader));
    let at_13 = r.results.iter().find(|f| f.line == 13).expect("line 13");
    assert!(matches!(at_13.outcome, Err(RunError::AtInThePast { .. })), "{at_13:?}");
}

// ---- Running ---------------------------------------------------------------------------------

/// Issue 12's "membership change that never ends": a new server that is down keeps every
/// later change refused only until the leader abandons the catch-up (§4.2.1, ten
/// election timeouts); then another change goes through.
#[test]
fn a_change_whose_new_server_is_down_is_abandoned_and_the_next_one_goes_through() {
    let r = run_text(
        "servers 3\nseed 4\nrun until leader within 2s\n\
         membership add S4\ncrash S4\n\
         run 100ms\n\
         expect membership catching-up\n\
         run until membership catch-up-aborted within 2s\n\
         expect config S1..S3 on all\n\
         membership remove S3\n\
         run until membership new-committed within 2s\n\
         expect config S1 S2 on all\n",
    );
    assert!(r.passed(), "{:#?}", r.failures().collect::<Vec<_>>());
    let lines: Vec<usize> = r.results.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![3, 7, 8, 9, 11, 12], "every run-until and expect ran, and passed");
}

/// A change lost with the leader that was catching its new server up ends: the status says
/// lost, and the next leader takes a new change.
#[test]
fn a_change_lost_with_its_leader_ends_and_the_next_one_goes_through() {
    let r = run_text(
        "servers 3\nseed 4\nrun until leader within 2s\nlet l = leader\n\
         membership add S4\ncrash S4\nrun 100ms\n\
         expect not membership lost\n\
         crash l\n\
         expect membership lost\n\
         run until leader within 3s\n\
         restart S4\n\
         membership add S4\n\
         expect not membership lost\n\
         run until membership new-committed within 3s\n",
    );
    assert!(r.passed(), "{:#?}", r.failures().collect::<Vec<_>>());
    let lines: Vec<usize> = r.results.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![3, 8, 10, 11, 14, 15]);
}

#[test]
fn a_failed_expectation_says_what_was_expected_and_found() {
    let r = run_text(
        "servers 3\nseed 1\nrun until leader within 2s\nlet l = leader\nexpect not leader l\nexpect value x = 3\n",
    );
    assert!(!r.passed());
    let f: Vec<&CheckResult> = r.failures().collect();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].line, 5);
    assert_eq!((f[0].kind, f[0].source.as_str()), (CheckKind::Expect, "expect not leader l"));
    let not_leader_l =
        Expectation { negated: true, condition: Condition::Leader { server: Some(ServerRef::Name("l".into())) } };
    assert!(
        matches!(&f[0].outcome, Err(RunError::Holds { expected, found: Seen::Leader(Some(_)) }) if **expected == not_leader_l),
        "{:?}",
        f[0]
    );
    assert_eq!(f[1].line, 6);
    let x_is_3 = Condition::Value { key: "x".into(), value: Some("3".into()), on: ServerSet::All };
    let none_anywhere = (1..=3).map(|i| (ServerId(i), None)).collect();
    assert_eq!(
        f[1].outcome,
        Err(RunError::NotSo {
            expected: Box::new(Expectation { negated: false, condition: x_is_3 }),
            found: Seen::Values { key: "x".into(), of: none_anywhere },
        })
    );
}

#[test]
fn run_stops_at_the_time_asked_even_past_stale_timers() {
    // A crashed leader leaves stale timers in the queue; `run` must not process an event
    // beyond its end because of them.
    let r = run(
        &parse("servers 3\nseed 5\nlatency 10ms\ntimeout S1\nrun until leader S1 within 1s\nrun 100ms\ncrash S1\nrun 155ms\nexpect term 1\n").unwrap(),
        RunOptions { trace: true, ..Default::default() },
    )
    .unwrap();
    assert!(r.passed(), "{:#?}", r.failures().collect::<Vec<_>>());
    assert_eq!(r.end_time, Time(275_000));
    assert!(r.trace.iter().all(|t| t.time <= Time(275_000)));
}

#[test]
fn run_until_a_condition_fails_after_its_limit() {
    let r = run_text("servers 3\ncrash S1\ncrash S2\nrun until leader within 1s\n");
    let f: Vec<&CheckResult> = r.failures().collect();
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].line, f[0].kind), (4, CheckKind::RunUntil));
    let leader = Expectation { negated: false, condition: Condition::Leader { server: None } };
    let not_so = Box::new(RunError::NotSo { expected: Box::new(leader), found: Seen::Leader(None) });
    assert_eq!(f[0].outcome, Err(RunError::NotWithin { error: not_so, within: Duration::from_ms(1000) }));
    assert_eq!(r.end_time, Time(1_000_000));
}

#[test]
fn narration_is_recorded_with_its_time() {
    let r = run_text("run 1s\nstep: Something happens.\n");
    assert_eq!(
        r.narration,
        vec![Narration {
            line: 2,
            time: Time(1_000_000),
            text: "Something happens.".into(),
            zh: None,
            question: None,
            answer: None
        }]
    );
}

#[test]
fn the_runner_can_step_statement_by_statement() {
    let s = parse("servers 3\nrun until leader within 2s\nexpect one leader\n").unwrap();
    let mut runner = Runner::new(&s, RunOptions::default()).unwrap();
    assert_eq!(runner.next_statement().map(|s| s.line), Some(2));
    assert!(runner.step_statement());
    assert!(runner.sim().leader().is_some());
    assert!(runner.step_statement());
    assert!(!runner.step_statement());
    assert!(runner.report().passed());
}

// ---- The library -----------------------------------------------------------------------------

#[test]
fn every_library_scenario_has_a_title_and_passes() {
    assert!(library().len() >= 10);
    for entry in library() {
        let s = parse(entry.text).unwrap_or_else(|e| panic!("{}: {e}", entry.file));
        assert!(s.title.is_some(), "{} has no title", entry.file);
        let d = s.description.as_deref().unwrap_or_else(|| panic!("{} has no description", entry.file));
        assert!(!d.contains('\n'));
        let report = run(&s, RunOptions::default()).unwrap();
        let failures: Vec<String> = report.failures().map(|f| f.to_string()).collect();
        assert!(failures.is_empty(), "{}:\n{}", entry.file, failures.join("\n"));
        assert!(report.results.iter().any(|r| r.kind == CheckKind::Expect), "{} checks nothing", entry.file);
    }
}

/// The header build.rs reads from each file (what the catalogue files carry for the picker,
/// all the page has of the library until a scenario is opened) is what the parser reads from it.
#[test]
fn every_library_header_is_what_the_parser_reads() {
    for entry in library() {
        let s = parse(entry.text).unwrap_or_else(|e| panic!("{}: {e}", entry.file));
        let h = entry.header;
        let own = |t: Option<&str>| t.map(str::to_string);
        assert_eq!(
            (own(h.title), own(h.title_zh), own(h.description), own(h.description_zh)),
            (s.title, s.title_zh, s.description, s.description_zh),
            "{}",
            entry.file
        );
    }
}

/// Every `.scn` file in `src/scenario/library/` is in `library()` once, and every entry of
/// `library()` is a file there; every break-switch's "Show me" scenario is one of them.
#[test]
fn the_library_list_and_the_library_directory_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenario/library");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("the library directory")
        .map(|e| e.expect("an entry").file_name().into_string().expect("a UTF-8 name"))
        .filter(|name| name.ends_with(".scn"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = library().iter().map(|s| s.file.to_string()).collect();
    listed.sort();
    let before = listed.len();
    listed.dedup();
    assert_eq!(listed.len(), before, "a scenario is listed twice");
    assert_eq!(listed, on_disk, "library() and src/scenario/library/ differ");
    for switch in BreakSwitch::ALL {
        assert!(library().iter().any(|s| s.file == switch.show_me()), "{switch}: {}", switch.show_me());
    }
}

#[test]
fn the_figure_8_scenarios_differ_only_in_the_break_switch() {
    let intact = library_scenario("figure-8.scn").unwrap().unwrap();
    let broken = library_scenario("figure-8-broken.scn").unwrap().unwrap();
    assert!(!intact.config.breaks.is_on(BreakSwitch::CommitOldTerms));
    assert!(broken.config.breaks.is_on(BreakSwitch::CommitOldTerms));
    assert_eq!(intact.initial, broken.initial);
}

// ---- Exercises and lessons -------------------------------------------------------------------

/// Each exercise of the library with a solution: the goal must be met with it, and not
/// without it (the library test above already checks that).
const SOLUTIONS: &[(&str, &str)] = &[
    ("exercise-no-quorum.scn", "crash leader\npartition S1 S2 | S3 S4 | S5\nrun 4s\n"),
    ("exercise-commit-cut-off.scn", "run 1s\nrequest S2 set x 1\nrun 1s\n"),
    ("exercise-two-leaders.scn", "isolate leader\nrun 1s\n"),
    ("exercise-grow.scn", "membership add S4 S5\nrun 3s\n"),
    ("exercise-figure-8.scn", ""),
];

fn solved(file: &str, solution: &str) -> Report {
    let mut text = library().iter().find(|s| s.file == file).unwrap().text.to_string();
    if file == "exercise-figure-8.scn" {
        // The solution is the story of figure-8-broken.scn after its set-up.
        let story = library().iter().find(|s| s.file == "figure-8-broken.scn").unwrap().text;
        text.push_str(&story[story.find("step: (c)").unwrap()..]);
    } else {
        text.push_str(solution);
    }
    let s = parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    run(&s, RunOptions { solved: true, ..Default::default() }).unwrap()
}

#[test]
fn every_exercise_is_solvable_and_not_solved_by_its_set_up() {
    let exercises: Vec<_> = library().iter().filter(|s| parse(s.text).unwrap().goal.is_some()).collect();
    assert!(exercises.len() >= 5);
    for entry in exercises {
        let s = parse(entry.text).unwrap();
        assert!(s.title_zh.is_some() && s.description_zh.is_some(), "{} has no 简体中文 text", entry.file);
        let (_, solution) = SOLUTIONS.iter().find(|(f, _)| *f == entry.file).expect("a solution");
        let report = solved(entry.file, solution);
        assert!(report.goal_met.is_some(), "{}: the solution does not meet the goal", entry.file);
        let failures: Vec<String> = report.failures().map(|f| f.to_string()).collect();
        assert!(failures.is_empty(), "{}:\n{}", entry.file, failures.join("\n"));
    }
}

#[test]
fn an_exercise_solved_by_its_own_statements_fails() {
    let r = run_text("goal: leader\nrun until leader\n");
    let f: Vec<_> = r.failures().collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].line, 1);
    assert!(matches!(f[0].outcome, Err(RunError::GoalMetWithoutTheReader { .. })), "{:?}", f[0]);
}

#[test]
fn a_goal_held_for_a_while_is_met_only_after_that_while() {
    let s = parse("goal: no leader and up 3 for 1s\nservers 3\nseed 1\nrun until leader\ncrash leader\n").unwrap();
    let mut runner = Runner::new(&s, RunOptions::default()).unwrap();
    while runner.step_statement() {}
    let (mut sim, _) = runner.finish();
    // Two of three up: `up 3` fails, so the goal is not met however long we wait.
    let mut tracker = GoalTracker::new(s.goal.clone().unwrap());
    sim.run_for(Duration::from_ms(3000));
    assert_eq!(tracker.observe(&sim), None);
    let s2 = parse("goal: no leader and up 2 for 1s\nservers 3\nseed 1\nrun until leader\n").unwrap();
    let mut runner = Runner::new(&s2, RunOptions::default()).unwrap();
    while runner.step_statement() {}
    let (mut sim, report) = runner.finish();
    assert_eq!(report.goal_met, None);
    let mut tracker = GoalTracker::new(s2.goal.clone().unwrap());
    let leader = sim.leader().unwrap();
    sim.act(crate::sim::Action::Crash { server: leader }).unwrap();
    sim.act(crate::sim::Action::Partition { groups: vec![vec![ServerId(1)], vec![ServerId(2)], vec![ServerId(3)]] })
        .unwrap();
    let start = sim.now();
    let mut met = None;
    while sim.now() < start + Duration::from_ms(2000) {
        let t = sim.now();
        if let Some(at) = tracker.observe(&sim) {
            met = Some((at, t));
            break;
        }
        assert!(t < start + Duration::from_ms(1000), "not met at {t} although held since {start}");
        sim.run_for(Duration::from_ms(10));
    }
    let (at, _) = met.expect("met");
    assert_eq!(at, start + Duration::from_ms(1000));
    // Travelling back before the goal was met forgets it.
    sim.seek(start);
    assert_eq!(tracker.observe(&sim), None);
}

#[test]
fn goals_parse_and_report_their_errors() {
    let s = parse("goal: no leader and up 3 for 3s\n").unwrap();
    let g = s.goal.unwrap();
    assert_eq!(g.all_of.len(), 2);
    assert_eq!(g.hold_for, Duration::from_ms(3000));
    assert_eq!(g.source, "no leader and up 3 for 3s");
    assert_eq!(at("servers 3\ngoal: no leader or 3s\n"), (2, 17));
    assert_eq!(at("goal: leader for 3\n").1, 18);
    assert_eq!(invalid("goal: leader\ngoal: no leader\n"), (2, 1, Invalid::MetadataTwice("goal".into())));
    assert!(parse("goal: leaders 2 and safe # two leaders\n").is_ok());
    // The goal in Chinese: after its `goal:`, once.
    let s = parse("goal: leader\ngoal-zh: 选出领导者\n").unwrap();
    assert_eq!(s.goal_zh.as_deref(), Some("选出领导者"));
    assert_eq!(s.goal.unwrap().source, "leader", "the goal checked is still the one written");
    assert_eq!(invalid("goal-zh: 选出领导者\ngoal: leader\n"), (1, 1, Invalid::NeedsGoal));
    assert_eq!(at("goal: leader\ngoal-zh: 一\ngoal-zh: 二\n").0, 3);
    // Every library exercise says its goal in Chinese too.
    for s in crate::scenario::library() {
        let parsed = parse(s.text).unwrap();
        assert_eq!(parsed.goal.is_some(), parsed.goal_zh.is_some(), "{}: goal-zh", s.file);
    }
}

#[test]
fn steps_take_translations_questions_and_answers() {
    let s = parse(
        "step: One.\nstep-zh: 一。\nquestion: Who wins?\nquestion-zh: 谁赢？\nanswer: S1.\nanswer-zh: S1。\nrun 1s\n",
    )
    .unwrap();
    let StatementKind::Narrate { text, zh, question, answer } = &s.statements[0].kind else { panic!() };
    assert_eq!(text, "One.");
    assert_eq!(zh.as_deref(), Some("一。"));
    assert_eq!(question.as_ref().unwrap().en, "Who wins?");
    assert_eq!(question.as_ref().unwrap().zh.as_deref(), Some("谁赢？"));
    assert_eq!(answer.as_ref().unwrap().zh.as_deref(), Some("S1。"));
    assert_eq!(invalid("run 1s\nquestion: Why?\n"), (2, 1, Invalid::NeedsStep("question".into())));
    let r = run_text("step: One.\nstep-zh: 一。\nanswer: A.\nrun 1s\n");
    assert_eq!(r.narration[0].zh.as_deref(), Some("一。"));
}

#[test]
fn the_lessons_are_in_chinese_too() {
    // Every scenario of the library has a 简体中文 title and description (the picker).
    // The lessons the page offers as stories; every step (and question, answer) has its 简体中文.
    const LESSONS: &[&str] = &[
        "leader-crash.scn",
        "split-vote.scn",
        "figure-7.scn",
        "figure-8.scn",
        "stale-leader.scn",
        "membership-add.scn",
        "membership-remove-leader.scn",
        "membership-single.scn",
        "break-change-before-term-commit.scn",
        "client-retry.scn",
        "snapshots.scn",
    ];
    for entry in library() {
        let s = parse(entry.text).unwrap();
        assert!(s.title_zh.is_some() && s.description_zh.is_some(), "{} has no 简体中文 title", entry.file);
    }
    for file in LESSONS {
        let entry = library().iter().find(|s| s.file == *file).expect(file);
        let s = parse(entry.text).unwrap();
        let mut steps = 0;
        for st in &s.statements {
            if let StatementKind::Narrate { zh, question, answer, .. } = &st.kind {
                steps += 1;
                assert!(zh.is_some(), "{file}:{}: step without step-zh", st.line);
                for l in [question, answer].into_iter().flatten() {
                    assert!(l.zh.is_some(), "{file}:{}: question or answer without -zh", st.line);
                }
            }
        }
        assert!(steps > 0, "{file} is not a lesson");
    }
}

// ---- Random scenarios ------------------------------------------------------------------------

/// Statements a random scenario is made of: faults, requests, membership changes, transfers,
/// options, in any order; `{s}` is a server number from 1 to 9 (some do not exist).
const RANDOM_STATEMENTS: &[&str] = &[
    "crash S{s}",
    "restart S{s}",
    "crash leader",
    "timeout S{s}",
    "isolate S{s}",
    "partition S1 S{s} | S2",
    "cut S{s} -> S1",
    "restore S{s} -> S1",
    "heal",
    "drop next S1 -> S{s}",
    "drop all S{s} -> S2",
    "align-timers all",
    "spread-timers",
    "request S{s} set x {s}",
    "request S{s} incr n",
    "membership add S{s}",
    "membership remove S{s}",
    "transfer S{s}",
    "option prevote on",
    "option check-quorum on",
    "option snapshots {s}",
    "option snapshots off",
    "loss 20%",
    "duplication 10%",
    "latency 5ms..40ms",
    "run {s}0ms",
    "run 300ms",
    "step {s}",
    "run until leader within 1s",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Whatever a scenario does with the rules of Raft intact, the runner never panics and
    /// the checker finds every safety property of Figure 3 kept: a random walk through the
    /// scenario language, with `expect safe` at the end. (It has teeth: with
    /// `break no-election-restriction` and `break commit-old-terms` added to the set-up it
    /// found a violation within 300 cases, shrunk to a scenario of a few lines.)
    #[test]
    fn random_scenarios_run_and_stay_safe(
        servers in 1u32..=7,
        seed in 0u64..1_000,
        picks in proptest::collection::vec((0..RANDOM_STATEMENTS.len(), 1u32..=9), 1..25),
    ) {
        let mut text = format!("servers {servers}\nseed {seed}\nrun until leader within 2s\n");
        for (i, s) in &picks {
            text += &RANDOM_STATEMENTS[*i].replace("{s}", &s.to_string());
            text.push('\n');
        }
        text += "run 2s\nexpect safe\n";
        let scenario = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let report = run(&scenario, RunOptions::default()).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let last = report.results.last().expect("the final expect safe");
        prop_assert_eq!(last.line, text.lines().count(), "the last result is the final `expect safe`");
        prop_assert!(report.end_time >= Time::from_ms(2_000) && report.events > 0, "it ran: {:?}", report.end_time);
        prop_assert!(last.passed(), "{:?}\n{text}", last);
    }
}

/// How one line of a library file is mutated: kept, dropped, doubled, swapped with the next,
/// or with each number in it replaced.
#[derive(Clone, Copy, Debug)]
enum Mutation {
    Keep,
    Drop,
    Double,
    SwapWithNext,
    Number(u64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        40 => Just(Mutation::Keep),
        1 => Just(Mutation::Drop),
        1 => Just(Mutation::Double),
        1 => Just(Mutation::SwapWithNext),
        1 => prop_oneof![Just(0u64), Just(1), Just(9), Just(10), Just(999_999), Just(u64::MAX)].prop_map(Mutation::Number),
    ]
}

/// Replaces every run of digits in `line` with `n`.
fn with_numbers(line: &str, n: u64) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out += &n.to_string();
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Issue 12's fuzzing of the format: the library's own files, mutated line by line
    /// (lines dropped, doubled, swapped, numbers made huge or zero), either parse and run
    /// within the caps or are refused with an error that points into the text; never a
    /// panic or a run past the limits.
    #[test]
    fn mutated_library_files_parse_and_run_or_are_refused(
        which in 0..library().len(),
        mutations in proptest::collection::vec(mutation(), 80),
    ) {
        let lines: Vec<&str> = library()[which].text.lines().collect();
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            match mutations[i % mutations.len()] {
                Mutation::Keep => out.push(lines[i].to_string()),
                Mutation::Drop => {}
                Mutation::Double => out.extend([lines[i].to_string(), lines[i].to_string()]),
                Mutation::SwapWithNext if i + 1 < lines.len() => {
                    out.extend([lines[i + 1].to_string(), lines[i].to_string()]);
                    i += 1;
                }
                Mutation::SwapWithNext => out.push(lines[i].to_string()),
                Mutation::Number(n) => out.push(with_numbers(lines[i], n)),
            }
            i += 1;
        }
        let text = out.join("\n");
        match parse(&text) {
            Err(e) => prop_assert!(e.line() >= 1 && e.line() <= out.len().max(1), "{e}"),
            Ok(scenario) => {
                if let Ok(report) = run(&scenario, RunOptions::default()) {
                    prop_assert!(report.events <= crate::sim::limits::Setting::RunEvents.range().max, "{}", report.events);
                }
            }
        }
    }
}
