//! The scenario text format: a line-oriented language in which teachers and bloggers
//! write a cluster's set-up, faults, client requests and expectations by hand (see
//! `docs/scenarios.md`). The AST ([`ast`]), its parser ([`parser`]) and its runner
//! ([`runner`]) are kept apart, so the page can parse a scenario and step through it.
//!
//! This module compiles for wasm32 too: no files, processes or clocks here.

pub mod ast;
pub mod error;
pub mod parser;
pub mod runner;

#[cfg(test)]
mod tests;

pub use ast::{Command, Condition, Expectation, RunSpec, Scenario, ServerRef, ServerSet, Statement, StatementKind};
pub use error::ScenarioError;
pub use parser::{parse, parse_action};
pub use runner::{
    run, run_to_end, CheckKind, CheckResult, GoalTracker, Narration, Observer, Report, RunOptions, Runner, TraceLine,
};

/// A scenario shipped with the playground.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LibraryScenario {
    /// The file name in `src/scenario/library/`, such as `leader-crash.scn`.
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! library {
    ($($file:literal),* $(,)?) => {
        &[$(LibraryScenario { file: $file, text: include_str!(concat!("library/", $file)) }),*]
    };
}

/// The scenario library, in the order the page's picker lists it.
pub fn library() -> &'static [LibraryScenario] {
    const LIBRARY: &[LibraryScenario] = library![
        "leader-crash.scn",
        "split-vote.scn",
        "stale-leader.scn",
        "partition-3-2.scn",
        "client-retry.scn",
        "membership-add.scn",
        "membership-remove-leader.scn",
        "figure-7.scn",
        "figure-8.scn",
        "figure-8-broken.scn",
        "break-equal-timeouts.scn",
        "break-no-election-restriction.scn",
        "break-single-step-membership.scn",
        "break-volatile-voted-for.scn",
        "exercise-no-quorum.scn",
        "exercise-commit-cut-off.scn",
        "exercise-two-leaders.scn",
        "exercise-grow.scn",
        "exercise-figure-8.scn",
    ];
    LIBRARY
}

/// Parses one library scenario by file name.
pub fn library_scenario(file: &str) -> Option<Result<Scenario, ScenarioError>> {
    library().iter().find(|s| s.file == file).map(|s| parse(s.text))
}
