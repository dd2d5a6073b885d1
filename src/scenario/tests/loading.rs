//! Loading a scenario in slices ([`Loading`]): the same run as [`run_to_end`], whatever
//! the slices; the event budget stops it with a typed error naming the statement.

use super::*;
use crate::sim::limits::Setting;
use crate::sim::Sim;

/// Every kind of statement that runs events, and some that pause between them.
const EVERY_PHASE: &str = "servers 5\nseed 4\n\
    step: Wait for a leader.\n\
    run until leader within 5s\n\
    let l = leader\n\
    at 2s crash l\n\
    run 800ms\n\
    step 37\n\
    step: The rest elect another.\n\
    run until leader within 10s\n\
    at 6s restart l\n\
    request leader set x 1\n\
    run until 9s\n\
    expect committed 1\n";

/// Runs `scenario` to its end in slices of `slice` events, checking that no slice goes
/// past it: the end, as `run_to_end` gives it.
fn in_slices(scenario: &Scenario, slice: u64) -> (Sim, Report) {
    let mut loading = Loading::of(scenario.clone()).expect("valid");
    let mut before = 0;
    while !loading.advance(slice).expect("within the budget") {
        assert!((0.0..=1.0).contains(&loading.progress()));
        let events = loading.events();
        assert!(events > before && events - before <= slice, "{before} then {events}, slices of {slice}");
        before = events;
    }
    let loaded = loading.finish();
    assert_eq!(&loaded.scenario, scenario);
    (loaded.sim, loaded.report)
}

#[test]
fn a_scenario_loaded_in_slices_ends_exactly_where_run_to_end_does() {
    let mut scenarios = vec![parse(EVERY_PHASE).expect("parses")];
    scenarios.extend(library().iter().map(|s| parse(s.text).expect("a library scenario parses")));
    for scenario in &scenarios {
        let (sim, report) = run_to_end(scenario).expect("runs");
        for slice in [1, 7, 1_000, u64::MAX] {
            let (sliced, sliced_report) = in_slices(scenario, slice);
            let title = &report.title;
            assert_eq!(sliced.state_hash(), sim.state_hash(), "{title:?} in slices of {slice}");
            assert_eq!((sliced.now(), sliced.events()), (sim.now(), sim.events()), "{title:?} in slices of {slice}");
            assert_eq!(sliced_report, report, "{title:?} in slices of {slice}");
            assert_eq!(sliced.applied_actions(), sim.applied_actions());
        }
    }
    // The hand-written one did what it says, so the phases above were all exercised.
    let report = run_to_end(&scenarios[0]).expect("runs").1;
    assert!(report.passed(), "{:#?}", report.failures().collect::<Vec<_>>());
    assert_eq!(report.narration.len(), 2);
}

#[test]
fn a_run_past_the_event_budget_stops_with_the_limit_and_its_line() {
    // The storm of issue 15 at the smallest timings the limits allow: millions of events
    // within the hour a scenario may last.
    let text = "servers 9\nheartbeat 5ms\nelection-timeout 10ms..20ms\nlatency 0ms\nrun 1s\nrun 3599s\n";
    let mut loading = Loading::new(text).expect("within the parser's caps");
    let mut slices = 0;
    let error = loop {
        slices += 1;
        match loading.advance(100_000) {
            Ok(done) => assert!(!done, "the storm ended within the budget"),
            Err(e) => break e,
        }
    };
    assert_eq!(error, LoadError::OverBudget { line: 6, limit: Setting::RunEvents });
    assert_eq!(loading.events(), Setting::RunEvents.range().max);
    // Twenty full slices reach the budget; the next finds it spent.
    assert_eq!(slices, 21);
    // run_to_end (raftsim, the tests) keeps going to the report, which says the same.
    let (_, report) = run_to_end(&parse(text).unwrap()).unwrap();
    let last = report.results.last().expect("the cap is reported");
    assert_eq!((last.line, &last.outcome), (6, &Err(RunError::EventCap(Setting::RunEvents.range().max))));
}

#[test]
fn a_scenario_that_does_not_parse_keeps_its_line_and_column() {
    let Err(LoadError::Scenario(e)) = Loading::new("servers 3\nrun 1s\ncrash S10\n") else { panic!("loads") };
    assert_eq!((e.line(), e.column()), (3, 7));
    // Beyond the time a run may last: refused before it runs, at the statement.
    let Err(LoadError::Scenario(e)) = Loading::new("servers 3\nrun 10s\nrun 3599s\n") else { panic!("loads") };
    assert!(matches!(e, ScenarioError::Invalid { line: 3, reason: Invalid::TimeCap(..), .. }), "{e:?}");
}

#[test]
fn progress_grows_to_one() {
    let mut loading = Loading::new("servers 3\nrun 2s\nstep 10\nrun 2s\n").unwrap();
    let mut last = loading.progress();
    assert_eq!(last, 0.0);
    while !loading.advance(50).unwrap() {
        let p = loading.progress();
        assert!(p >= last && p <= 1.0, "{last} then {p}");
        last = p;
    }
    assert_eq!(loading.progress(), 1.0);
}

#[test]
fn each_lesson_step_reached_in_slices_from_the_step_before_or_after_is_the_same_state() {
    // The page's Next and Back (and the tour's stored step) travel the loaded run to a
    // step's time in slices (`Sim::seek_begin`, `Sim::seek_advance`), from wherever the
    // lesson is: a step's state must not depend on the way there. The reference: the run
    // at its end, taken back to the step at once (as the page shows a lesson's first step).
    let mut lessons = 0;
    for entry in library() {
        let scenario = parse(entry.text).expect("parses");
        let (mut sim, report) = run_to_end(&scenario).expect("runs");
        let n = report.narration.len();
        lessons += usize::from(n > 0);
        let at = |s: &Sim| (s.now(), s.events(), s.state_hash());
        let reference: Vec<_> = report
            .narration
            .iter()
            .map(|step| {
                let mut end = sim.clone();
                end.seek(step.time);
                at(&end)
            })
            .collect();
        // Every step forward from the first, then every step back.
        for k in (0..n).chain((0..n).rev()) {
            let to =
                sim.seek_begin(crate::sim::SeekTo::Time(report.narration[k].time)).expect("a checkpoint before it");
            while !sim.seek_advance(to, 7) {}
            assert_eq!(at(&sim), reference[k], "{}: step {k}", entry.file);
        }
    }
    assert!(lessons >= 5, "{lessons} lessons");
}
