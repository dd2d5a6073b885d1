//! The ranges of the numbers a scenario can write, checked when it is parsed (the table
//! in `docs/scenarios.md`, "Numbers"). They keep every number far from where arithmetic
//! would wrap, and every run within the caps on simulated time and events.

use super::error::Expected;
use crate::raft::Duration;
use crate::sim::limits::Setting;
use crate::sim::MAX_SERVERS;

/// The largest term a scenario can write (`term S1 N`, a log entry's term, `expect term`).
/// A run adds at most one term per election to it, far below where a 64-bit term would
/// wrap.
pub const MAX_TERM: u64 = 1_000_000_000;

/// The most events one scenario run processes (`step N`, and every `run` together): the
/// `run-events` limit of [`crate::sim::limits`].
pub const MAX_EVENTS: u64 = Setting::RunEvents.range().max;

/// The most simulated time one scenario run covers, and the longest duration a scenario
/// can write: one hour, as for a share link's replay (the `run-time` limit).
pub const MAX_SIM_TIME: Duration = Duration(Setting::RunTime.max_time().0);

/// The largest log index a scenario can name (`expect committed N`): a run cannot append
/// more entries than it has events.
pub const MAX_LOG_INDEX: u64 = MAX_EVENTS;

/// The largest request number (`expect reply N`) and message number (`drop message N`): a
/// run cannot send more of either than it has events (messages: per server).
pub const MAX_REQUEST: u64 = MAX_EVENTS;
pub const MAX_MESSAGE: u64 = MAX_EVENTS * MAX_SERVERS as u64;

/// The most times a `repeat` block runs.
pub const MAX_REPEAT: u64 = 10_000;

/// The most statements a scenario may hold once its `repeat` blocks are unrolled.
pub const MAX_STATEMENTS: u64 = 100_000;

/// The inclusive range of the whole numbers written where the grammar expects `what`, if
/// it has one of its own (the cluster size and entries per append say theirs in their own
/// words; a seed is any 64-bit number).
pub fn range(what: &Expected) -> Option<(u64, u64)> {
    Some(match what {
        Expected::Term => (0, MAX_TERM),
        Expected::LogTerm => (1, MAX_TERM),
        Expected::LogIndex => (0, MAX_LOG_INDEX),
        Expected::RequestNumber => (1, MAX_REQUEST),
        Expected::MessageNumber => (0, MAX_MESSAGE),
        Expected::EventCount => (1, MAX_EVENTS),
        Expected::LeaderCount | Expected::UpCount => (0, MAX_SERVERS as u64),
        Expected::RepeatCount => (1, MAX_REPEAT),
        _ => return None,
    })
}

/// Checks, before a scenario runs, what can be known of its length: the simulated time
/// its statements can reach at most (every `run`, `at`, `run until TIME` and the longest
/// wait of every `run until CONDITION within …`) and the events its `step`s ask for. The
/// error names the first statement beyond a cap. Events of timed runs cannot be known
/// before; the runner stops at [`MAX_EVENTS`] with an error.
pub fn check_caps(statements: &[super::Statement]) -> Result<(), super::ScenarioError> {
    use super::{error::Invalid, ScenarioError};
    let mut reach = Reach::default();
    for s in statements {
        reach.add(s);
        let beyond = if reach.time > MAX_SIM_TIME.0 {
            Some(Invalid::TimeCap(seconds(reach.time), seconds(MAX_SIM_TIME.0)))
        } else if reach.steps > MAX_EVENTS {
            Some(Invalid::EventCap(reach.steps, MAX_EVENTS))
        } else {
            None
        };
        if let Some(reason) = beyond {
            return Err(ScenarioError::Invalid { line: s.line, column: 1, reason });
        }
    }
    Ok(())
}

/// The simulated time (µs) `statements` can reach at most, and the events their `step`s
/// ask for: what [`check_caps`] checks, and what a loading page measures its progress by.
pub fn extent(statements: &[super::Statement]) -> (u64, u64) {
    let mut reach = Reach::default();
    statements.iter().for_each(|s| reach.add(s));
    (reach.time, reach.steps)
}

/// How far the statements so far can take a run.
#[derive(Default)]
struct Reach {
    time: u64,
    steps: u64,
}

impl Reach {
    fn add(&mut self, s: &super::Statement) {
        use super::{RunSpec, StatementKind};
        if let Some(at) = s.at {
            self.time = self.time.max(at.0);
        }
        if let StatementKind::Run { run } = &s.kind {
            match run {
                RunSpec::For { duration } => self.time = self.time.saturating_add(duration.0),
                RunSpec::UntilTime { time } => self.time = self.time.max(time.0),
                RunSpec::Until { within, .. } => self.time = self.time.saturating_add(within.0),
                RunSpec::Steps { count } => self.steps = self.steps.saturating_add(*count),
            }
        }
    }
}

/// Microseconds as seconds, as the caps are documented: `3600s`, `3600.000001s`.
pub fn seconds(us: u64) -> String {
    let (s, frac) = (us / 1_000_000, us % 1_000_000);
    if frac == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{frac:06}").trim_end_matches('0'))
    }
}
