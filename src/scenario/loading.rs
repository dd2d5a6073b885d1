//! Loading a scenario a slice at a time: the page's way to run a scenario to its end
//! without freezing the tab (as [`crate::share::Opening`] replays a link). The run is
//! exactly [`super::run_to_end`]'s, whatever the slices; within the budget of
//! docs/limits.md (`run-time` is checked when the text is parsed, `run-events` as it runs).

use super::error::{RunError, ScenarioError};
use super::runner::{Report, RunOptions, Runner};
use super::Scenario;
use crate::sim::limits::Setting;
use crate::sim::Sim;
use std::rc::Rc;
use thiserror::Error;

/// Why a scenario could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LoadError {
    /// The text does not parse, or its settings are out of range (with line and column).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The run reached a budget of the runs the page starts by itself, at statement `line`.
    #[error("line {line}: the run reached the `{limit}` limit ({} {limit}) of a run the page starts by itself", .limit.range().max)]
    OverBudget { line: usize, limit: Setting },
}

/// A scenario being run to its end, a slice at a time.
pub struct Loading {
    scenario: Rc<Scenario>,
    runner: Runner,
    /// The simulated time its statements can reach at most, and the events its `step`s ask for.
    extent: (u64, u64),
}

/// A scenario run to its end: the scenario, its cluster at the end, and what the run found.
#[derive(Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub sim: Sim,
    pub report: Report,
}

impl Loading {
    /// Parses `text` and gets ready to run it.
    pub fn new(text: &str) -> Result<Loading, LoadError> {
        Ok(Loading::of(super::parse(text)?)?)
    }

    /// Gets ready to run a parsed scenario.
    pub fn of(scenario: Scenario) -> Result<Loading, ScenarioError> {
        let extent = super::limits::extent(&scenario.statements);
        let scenario = Rc::new(scenario);
        let runner = Runner::owning(Rc::clone(&scenario), RunOptions::default())?;
        Ok(Loading { scenario, runner, extent })
    }

    /// Runs at most `max_events` more events; `Ok(true)` once the scenario has run to its
    /// end. Past the `run-events` budget: [`LoadError::OverBudget`], naming the statement.
    pub fn advance(&mut self, max_events: u64) -> Result<bool, LoadError> {
        let done = self.runner.advance(max_events);
        if self.runner.capped() {
            let capped = |r: &&super::CheckResult| matches!(r.outcome, Err(RunError::EventCap(_)));
            let line = self.runner.report().results.iter().rev().find(capped).map_or(0, |r| r.line);
            return Err(LoadError::OverBudget { line, limit: Setting::RunEvents });
        }
        Ok(done)
    }

    /// How far the run is, from 0 to 1: of the time its statements can reach, of the
    /// events its `step`s ask for, or of the event budget, whichever is furthest.
    pub fn progress(&self) -> f64 {
        let sim = self.runner.sim();
        let part = |done: u64, of: u64| if of == 0 { 0.0 } else { done as f64 / of as f64 };
        let (time, steps) = self.extent;
        let budget = Setting::RunEvents.range().max;
        part(sim.now().0, time).max(part(sim.events(), steps)).max(part(sim.events(), budget)).min(1.0)
    }

    /// How many events the run has processed so far.
    pub fn events(&self) -> u64 {
        self.runner.sim().events()
    }

    /// The scenario, and its run to the end.
    pub fn finish(self) -> Loaded {
        let Loading { scenario, runner, .. } = self;
        let (sim, report) = runner.finish();
        let scenario = Rc::try_unwrap(scenario).unwrap_or_else(|shared| (*shared).clone());
        Loaded { scenario, sim, report }
    }
}
