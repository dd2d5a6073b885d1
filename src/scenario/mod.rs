//! The scenario text format: a line-oriented language in which teachers and bloggers
//! write a cluster's set-up, faults, client requests and expectations by hand (see
//! `docs/scenarios.md`). The AST ([`ast`]), its parser ([`parser`]) and its runner
//! ([`runner`]) are kept apart, so the page can parse a scenario and step through it.
//!
//! This module compiles for wasm32 too: no files, processes or clocks here.

pub mod ast;
pub mod error;
pub mod limits;
pub mod parser;
pub mod runner;
pub mod text;

#[cfg(test)]
mod tests;

pub use ast::{Command, Condition, Expectation, RunSpec, Scenario, ServerRef, ServerSet, Statement, StatementKind};
pub use error::{RunError, ScenarioError};
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

/// The "Show me" scenarios of the break-switch table (`src/raft/breaks.rs`), in its order.
macro_rules! show_me_scenarios {
    ($([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident])*) => {
        library![$($show_me),*]
    };
}

/// The stories, before the break-switches' scenarios.
const STORIES: &[LibraryScenario] = library![
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
    "prevote.scn",
    "check-quorum.scn",
    "transfer.scn",
];

/// Each break-switch's "Show me" scenario; one that is already a story (`figure-8-broken.scn`)
/// stays where the stories list it.
const SHOW_ME: &[LibraryScenario] = crate::raft::breaks::break_switches!(show_me_scenarios);

const EXERCISES: &[LibraryScenario] = library![
    "exercise-no-quorum.scn",
    "exercise-commit-cut-off.scn",
    "exercise-two-leaders.scn",
    "exercise-grow.scn",
    "exercise-figure-8.scn",
];

const fn is_story(file: &str) -> bool {
    let mut i = 0;
    while i < STORIES.len() {
        let (a, b) = (STORIES[i].file.as_bytes(), file.as_bytes());
        let mut same = a.len() == b.len();
        let mut k = 0;
        while same && k < a.len() {
            same = a[k] == b[k];
            k += 1;
        }
        if same {
            return true;
        }
        i += 1;
    }
    false
}

const LIBRARY_LEN: usize = {
    let (mut n, mut i) = (STORIES.len() + EXERCISES.len(), 0);
    while i < SHOW_ME.len() {
        n += !is_story(SHOW_ME[i].file) as usize;
        i += 1;
    }
    n
};

/// The stories, the break-switches' scenarios that are not stories, then the exercises:
/// put together at compile time.
const LIBRARY: [LibraryScenario; LIBRARY_LEN] = {
    let mut out = [STORIES[0]; LIBRARY_LEN];
    let mut n = 0;
    let mut i = 0;
    while i < STORIES.len() {
        out[n] = STORIES[i];
        n += 1;
        i += 1;
    }
    i = 0;
    while i < SHOW_ME.len() {
        if !is_story(SHOW_ME[i].file) {
            out[n] = SHOW_ME[i];
            n += 1;
        }
        i += 1;
    }
    i = 0;
    while i < EXERCISES.len() {
        out[n] = EXERCISES[i];
        n += 1;
        i += 1;
    }
    out
};

/// The scenario library, in the order the page's picker lists it. A scenario is a file in
/// `src/scenario/library/` named here, or a break-switch's "Show me" scenario named in its
/// table (a test checks that the directory and this list agree).
pub fn library() -> &'static [LibraryScenario] {
    &LIBRARY
}

/// Parses one library scenario by file name.
pub fn library_scenario(file: &str) -> Option<Result<Scenario, ScenarioError>> {
    library().iter().find(|s| s.file == file).map(|s| parse(s.text))
}
