//! Runs a parsed [`Scenario`] against the simulator, one statement at a time, and reports
//! every expectation with its line: passed, or what was expected and what was found.
//!
//! A failed expectation or a refused action does not stop the run: the report lists
//! every failure, so a teacher fixing a scenario sees them all at once.

use super::ast::*;
use super::error::{RunError, ScenarioError};
use super::seen::Seen;
use crate::english::native;
use crate::raft::{ServerId, Time};
use crate::sim::{Sim, StepEvent};
use crate::sorted::SortedMap;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

mod act;
mod observer;

pub use observer::{GoalTracker, Observer};

/// How to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Keep a trace of every simulator event, action and check (natively: the trace is
    /// English for `raftsim`, and the page's wasm never keeps one, [`crate::english`]).
    pub trace: bool,
    /// For an exercise: the statements include a solution, so the goal must be met.
    /// Without it, an exercise whose own statements already meet its goal fails: the
    /// reader would have nothing left to do.
    pub solved: bool,
}

/// What a checked statement was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    Expect,
    /// `run until CONDITION`: the condition must come true in time.
    RunUntil,
    /// An action the simulator refused, or `at` a time already past.
    Action,
}

/// The outcome of one statement that can fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub line: usize,
    pub kind: CheckKind,
    /// The statement as written.
    pub source: String,
    /// Simulated time when it was checked.
    pub time: Time,
    /// For a pass: what was seen. For a failure: why.
    pub outcome: Result<String, RunError>,
}

impl CheckResult {
    pub fn passed(&self) -> bool {
        self.outcome.is_ok()
    }

    /// What happened, without the line number.
    pub fn message(&self) -> String {
        match (&self.outcome, self.kind) {
            (Ok(_), _) => format!("ok at {}: {}", self.time, self.source),
            (Err(e), CheckKind::Action) => format!("`{}` failed at {}: {e}", self.source, self.time),
            (Err(e), _) => format!("expected `{}` at {}, but found {e}", self.source, self.time),
        }
    }
}

impl fmt::Display for CheckResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message())
    }
}

/// A narrated step, with when the run reached it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narration {
    pub line: usize,
    pub time: Time,
    pub text: String,
    /// The step in 简体中文, its question and its answer, when the file gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Localized>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Localized>,
}

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceLine {
    pub time: Time,
    /// The simulator's event number, for events.
    pub event: Option<u64>,
    /// The scenario line, for actions and checks.
    pub line: Option<usize>,
    pub text: String,
}

impl fmt::Display for TraceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = format!("{:>10}ms", crate::decimal::micros_as_millis(self.time.0));
        match (self.event, self.line) {
            (Some(e), _) => write!(f, "{at}  #{e:<6} {}", self.text),
            (None, Some(l)) => write!(f, "{at}  line {l:<3} {}", self.text),
            (None, None) => write!(f, "{at}  {}", self.text),
        }
    }
}

/// What a run found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub title: Option<String>,
    pub results: Vec<CheckResult>,
    pub narration: Vec<Narration>,
    /// Empty unless [`RunOptions::trace`] was set.
    pub trace: Vec<TraceLine>,
    pub end_time: Time,
    pub events: u64,
    /// For an exercise: when its goal was met during the run, if it was.
    pub goal_met: Option<Time>,
}

impl Report {
    /// True when every expectation held and every action was accepted.
    pub fn passed(&self) -> bool {
        self.results.iter().all(CheckResult::passed)
    }
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.results.iter().filter(|r| !r.passed())
    }
}

/// Runs a whole scenario.
pub fn run(scenario: &Scenario, options: RunOptions) -> Result<Report, ScenarioError> {
    let mut runner = Runner::new(scenario, options)?;
    while runner.step_statement() {}
    let (sim, mut report) = runner.finish();
    if let Some(goal) = &scenario.goal {
        let outcome = match (report.goal_met, options.solved) {
            (Some(t), true) => Ok(format!("met at {t}")),
            (None, true) => Err(RunError::GoalNotMet { by: sim.now() }),
            (Some(at), false) => Err(RunError::GoalMetWithoutTheReader { at }),
            (None, false) => Ok("not met by the set-up: the reader has work to do".into()),
        };
        let kind = CheckKind::Expect;
        let source = format!("goal: {}", goal.source);
        report.results.push(CheckResult { line: goal.line, kind, source, time: sim.now(), outcome });
    }
    Ok(report)
}

/// Runs a whole scenario and keeps its simulator, with every action recorded, so that a
/// page can show the run and travel through it.
pub fn run_to_end(scenario: &Scenario) -> Result<(Sim, Report), ScenarioError> {
    let mut runner = Runner::new(scenario, RunOptions::default())?;
    while runner.step_statement() {}
    Ok(runner.finish())
}

/// Runs a scenario statement by statement, so that a page can narrate it step by step,
/// or a slice of events at a time ([`Runner::advance`]), so that a page can load a long
/// run without freezing. Slicing never changes the run: the same statements run the same
/// events in the same order, whatever the slices.
pub struct Runner {
    /// Shared, so that a statement can be read while the runner changes.
    scenario: Rc<Scenario>,
    sim: Sim,
    next: usize,
    /// The statement running now (`next - 1`), and how far into it the run is.
    current: usize,
    phase: Phase,
    names: SortedMap<String, ServerId>,
    report: Report,
    options: RunOptions,
    goal: Option<GoalTracker>,
    /// The run reached [`super::limits::MAX_EVENTS`].
    capped: bool,
    /// Draws the servers of `a follower` and `a random live server`. Seeded from the
    /// scenario's seed, so the same file replays the same run; kept apart from the
    /// simulator's generator, so that a draw changes no timeout or latency, and time
    /// travel (which replays the recorded actions, with the servers drawn) stays exact.
    picks: ChaCha8Rng,
}

/// Mixed into the scenario's seed for [`Runner`]'s draws.
const PICK_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// How far the runner is into its current statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Between statements.
    Idle,
    /// Running to the statement's `at` time; then its body.
    At(Time),
    /// The statement's body, not begun.
    Body,
    /// `run for` or `run until TIME`: running every event up to this time.
    RunTo(Time),
    /// `step N`: this many steps left.
    Steps(u64),
    /// `run until CONDITION within D`: stepping until the condition holds, or this deadline.
    Until(Time),
    /// The statement has run; its end is recorded next.
    End,
}

impl Runner {
    pub fn new(scenario: &Scenario, options: RunOptions) -> Result<Runner, ScenarioError> {
        Runner::owning(Rc::new(scenario.clone()), options)
    }

    /// A runner of a scenario it shares ([`super::Loading`] keeps it to give back).
    pub fn owning(scenario: Rc<Scenario>, options: RunOptions) -> Result<Runner, ScenarioError> {
        let sim = Sim::with_initial_state(scenario.config.clone(), scenario.initial.clone())
            .map_err(|e| ScenarioError::Invalid { line: 1, column: 1, reason: super::error::Invalid::Config(e) })?;
        let report = Report { title: scenario.title.clone(), ..Report::default() };
        let goal = scenario.goal.clone().map(GoalTracker::new);
        let picks = ChaCha8Rng::seed_from_u64(scenario.config.seed ^ PICK_SEED);
        Ok(Runner {
            scenario,
            sim,
            next: 0,
            current: 0,
            phase: Phase::Idle,
            names: SortedMap::new(),
            report,
            options,
            goal,
            capped: false,
            picks,
        })
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }
    pub fn report(&self) -> &Report {
        &self.report
    }
    /// The run stopped at [`super::limits::MAX_EVENTS`]: the report says where.
    pub fn capped(&self) -> bool {
        self.capped
    }
    /// The statement that runs next (or is running, between slices), if any.
    pub fn next_statement(&self) -> Option<&Statement> {
        let i = if self.phase == Phase::Idle { self.next } else { self.current };
        self.scenario.statements.get(i)
    }
    pub fn finish(mut self) -> (Sim, Report) {
        self.report.end_time = self.sim.now();
        self.report.events = self.sim.events();
        (self.sim, self.report)
    }

    /// Runs the next statement (or the rest of the one a slice left unfinished). Returns
    /// false when there is none left.
    pub fn step_statement(&mut self) -> bool {
        if self.phase == Phase::Idle && self.next >= self.scenario.statements.len() {
            return false;
        }
        loop {
            self.run_phase(u64::MAX);
            if self.phase == Phase::Idle {
                return true;
            }
        }
    }

    /// Runs on until at most `max_events` more events have been processed (at least one
    /// step of progress), pausing anywhere, even inside a statement. True once every
    /// statement has run.
    pub fn advance(&mut self, max_events: u64) -> bool {
        let stop = self.sim.events().saturating_add(max_events.max(1));
        loop {
            if self.phase == Phase::Idle && self.next >= self.scenario.statements.len() {
                return true;
            }
            if !self.run_phase(stop) {
                return false;
            }
        }
    }

    /// Runs the current phase of the statement, or starts the next statement. False when
    /// it paused because the run has processed `stop` events.
    fn run_phase(&mut self, stop: u64) -> bool {
        let scenario = Rc::clone(&self.scenario);
        if self.phase == Phase::Idle {
            let Some(stmt) = scenario.statements.get(self.next) else { return true };
            self.current = self.next;
            self.next += 1;
            self.phase = match stmt.at {
                Some(at) if at < self.sim.now() => {
                    self.record(stmt, CheckKind::Action, Err(RunError::AtInThePast { at, now: self.sim.now() }));
                    Phase::Body
                }
                Some(at) => Phase::At(at),
                None => Phase::Body,
            };
            return true;
        }
        let stmt = &scenario.statements[self.current];
        match self.phase {
            Phase::Idle => {}
            Phase::At(t) => {
                if !self.run_to(t, stop) {
                    return false;
                }
                self.phase = Phase::Body;
            }
            Phase::Body => self.phase = self.body(stmt),
            Phase::RunTo(t) => {
                if !self.run_to(t, stop) {
                    return false;
                }
                self.phase = Phase::End;
            }
            Phase::Steps(mut left) => {
                while left > 0 {
                    if self.sim.events() >= stop {
                        self.phase = Phase::Steps(left);
                        return false;
                    }
                    if !self.step_one(Time(u64::MAX)) {
                        break;
                    }
                    left -= 1;
                }
                self.phase = Phase::End;
            }
            Phase::Until(deadline) => {
                if !self.run_until_condition(stmt, deadline, stop) {
                    return false;
                }
                self.phase = Phase::End;
            }
            Phase::End => {
                if self.capped {
                    self.record(stmt, CheckKind::Action, Err(RunError::EventCap(self.sim.events())));
                    self.next = self.scenario.statements.len();
                }
                self.observe_goal();
                self.report.end_time = self.sim.now();
                self.report.events = self.sim.events();
                self.phase = Phase::Idle;
            }
        }
        true
    }

    /// Does what the statement says, at once; a `run` or `step` returns the phase that
    /// runs it.
    fn body(&mut self, stmt: &Statement) -> Phase {
        match &stmt.kind {
            StatementKind::Narrate { text, zh, question, answer } => {
                self.report.narration.push(Narration {
                    line: stmt.line,
                    time: self.sim.now(),
                    text: text.clone(),
                    zh: zh.clone(),
                    question: question.clone(),
                    answer: answer.clone(),
                });
                self.trace_line(stmt.line, || format!("step: {text}"));
            }
            StatementKind::Let { name, server } => match self.resolve_target(server) {
                Ok(Some(id)) => {
                    self.names.insert(name.clone(), id);
                    self.trace_line(stmt.line, || format!("let {name} = {id}"));
                }
                Ok(None) => self.trace_line(stmt.line, || format!("let {name}: no leader, nothing bound")),
                Err(e) => self.record(stmt, CheckKind::Action, Err(e)),
            },
            StatementKind::Act { command } => {
                if let Err(e) = self.act(stmt, command) {
                    self.record(stmt, CheckKind::Action, Err(e));
                }
            }
            StatementKind::Run { run } => match run {
                RunSpec::For { duration } => return Phase::RunTo(self.sim.now() + *duration),
                RunSpec::UntilTime { time } if *time < self.sim.now() => {
                    let error = RunError::UntilInThePast { until: *time, now: self.sim.now() };
                    self.record(stmt, CheckKind::RunUntil, Err(error));
                }
                RunSpec::UntilTime { time } => return Phase::RunTo(*time),
                RunSpec::Steps { count } => return Phase::Steps(*count),
                RunSpec::Until { within, .. } => return Phase::Until(self.sim.now() + *within),
            },
            StatementKind::Expect { expectation } => {
                let outcome = self.check(expectation);
                self.record(stmt, CheckKind::Expect, outcome.map(|seen| native(|| seen.to_string())));
            }
            StatementKind::ExpectRefused { command, because } => {
                let outcome = self.expect_refused(stmt, command, *because);
                self.record(stmt, CheckKind::Expect, outcome);
            }
        }
        Phase::End
    }

    fn observe_goal(&mut self) {
        if let Some(goal) = &mut self.goal {
            if let Some(t) = goal.observe(&self.sim) {
                self.report.goal_met.get_or_insert(t);
            }
        }
    }

    fn record(&mut self, stmt: &Statement, kind: CheckKind, outcome: Result<String, RunError>) {
        let result = CheckResult { line: stmt.line, kind, source: stmt.source.clone(), time: self.sim.now(), outcome };
        if self.tracing() {
            let text = if result.passed() { format!("ok: {}", stmt.source) } else { format!("FAILED: {result}") };
            self.trace_line(stmt.line, || text);
        }
        self.report.results.push(result);
    }

    /// Whether to keep a trace: as [`RunOptions::trace`] asks, and never in the page's wasm,
    /// which has no use for its English ([`crate::english`]).
    fn tracing(&self) -> bool {
        crate::english::NATIVE && self.options.trace
    }

    fn trace_line(&mut self, line: usize, text: impl FnOnce() -> String) {
        if self.tracing() {
            let text = text();
            self.report.trace.push(TraceLine { time: self.sim.now(), event: None, line: Some(line), text });
        }
    }

    fn trace_event(trace: &mut Vec<TraceLine>, sim: &Sim, e: &StepEvent) {
        let text = sim.describe(&e.kind);
        trace.push(TraceLine { time: e.time, event: Some(e.index), line: None, text });
    }

    /// Runs every event up to and including `t`, then sets the clock to `t`. False when it
    /// paused first, the run having processed `stop` events.
    fn run_to(&mut self, t: Time, stop: u64) -> bool {
        loop {
            if self.sim.events() >= stop {
                return false;
            }
            if !self.step_one(t) {
                break;
            }
        }
        if !self.capped {
            // Nothing is left at or before `t`: this only moves the clock.
            self.sim.run_until(t);
            self.observe_goal();
        }
        true
    }

    /// Processes the next event if it is due by `limit`, unless the run has processed as
    /// many events as a run may: then the scenario ends here.
    fn step_one(&mut self, limit: Time) -> bool {
        if self.sim.events() >= super::limits::MAX_EVENTS {
            self.capped = true;
            return false;
        }
        match self.sim.step_until(limit) {
            Some(e) => {
                if self.tracing() {
                    Self::trace_event(&mut self.report.trace, &self.sim, &e);
                }
                self.observe_goal();
                true
            }
            None => false,
        }
    }

    /// `run until CONDITION within …`: steps until the condition holds or no event is due
    /// by `deadline`, and records which. False when it paused first, at `stop` events.
    fn run_until_condition(&mut self, stmt: &Statement, deadline: Time, stop: u64) -> bool {
        let StatementKind::Run { run: RunSpec::Until { all_of, within } } = &stmt.kind else { return true };
        let seen = |seen: Vec<Seen>| native(|| seen.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("; "));
        loop {
            if let Ok(found) = self.observer().check_all(all_of) {
                self.record(stmt, CheckKind::RunUntil, Ok(seen(found)));
                return true;
            }
            if self.sim.events() >= stop {
                return false;
            }
            if !self.step_one(deadline) {
                // No event is due by the deadline (or the run is capped): only the clock moves.
                self.run_to(deadline, u64::MAX);
                let outcome = self
                    .observer()
                    .check_all(all_of)
                    .map(seen)
                    .map_err(|error| RunError::NotWithin { error: Box::new(error), within: *within });
                self.record(stmt, CheckKind::RunUntil, outcome);
                return true;
            }
        }
    }

    fn observer(&self) -> Observer<'_> {
        Observer { sim: &self.sim, names: &self.names }
    }
    fn resolve(&self, r: &ServerRef) -> Result<ServerId, RunError> {
        self.observer().resolve(r)
    }
    /// Checks an expectation: what was seen when it holds, why not when it does not.
    pub fn check(&self, e: &Expectation) -> Result<Seen, RunError> {
        self.observer().check(e)
    }
}
