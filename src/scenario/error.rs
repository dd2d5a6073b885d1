//! The one error type of the scenario boundary: where in the text, and what to write
//! instead. What went wrong is data ([`Expected`], [`Invalid`]), so that the page can say
//! it in the reader's language (`view::format::scenario_error`); `Display` is the English
//! that the command line prints.

use super::ast::{Expectation, Phase, Pick, Refusal};
use super::seen::Seen;
use crate::raft::{BreakSwitch, Duration, OpParseError, ProtocolOption, ServerId, Time};
use crate::sim::checker::Property;
use crate::sim::{ActionError, ConfigError};
use std::fmt;

/// Why a scenario text was refused. Lines and columns count from 1; a column counts
/// characters, not bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// A word or number was not what the grammar allows here. `found` is the word as
    /// written, `None` at the end of the line.
    Expected { line: usize, column: usize, expected: Expected, found: Option<String> },
    /// The statement is well formed but cannot be used as written.
    Invalid { line: usize, column: usize, reason: Invalid },
}

impl ScenarioError {
    pub fn line(&self) -> usize {
        match self {
            ScenarioError::Expected { line, .. } | ScenarioError::Invalid { line, .. } => *line,
        }
    }
    pub fn column(&self) -> usize {
        match self {
            ScenarioError::Expected { column, .. } | ScenarioError::Invalid { column, .. } => *column,
        }
    }
    /// The message without its position, for a caller that shows the position its own way
    /// (`file.scn:3:7: ...`).
    pub fn message(&self) -> String {
        match self {
            ScenarioError::Expected { expected, found: Some(w), .. } => format!("expected {expected}, found `{w}`"),
            ScenarioError::Expected { expected, found: None, .. } => format!("expected {expected}, found end of line"),
            ScenarioError::Invalid { reason, .. } => reason.to_string(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line(), self.column(), self.message())
    }
}

impl std::error::Error for ScenarioError {}

/// What the grammar allows where a scenario went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A keyword or symbol of the grammar: `->`, `=`, `leader`.
    Word(&'static str),
    EndOfLine,
    Server,
    /// A server, `leader` or a `let` name.
    ServerRef,
    AllOrServerRef,
    Duration,
    Range,
    Probability,
    BreakSwitch,
    /// `prevote` or `check-quorum`.
    ProtocolOption,
    OnOff,
    Arrow,
    Request,
    /// Text after the metadata key written (`title`).
    MetadataText(String),
    MetadataKey,
    AfterAt,
    Statement,
    Name,
    Key,
    ValueOrNone,
    Result,
    CommandAfterColon,
    /// A key for the operation written (`get`).
    KeyFor(String),
    /// A value for the operation written (`set`).
    ValueFor(String),
    EventCount,
    ServerCount,
    Seed,
    EntryCount,
    Term,
    MessageNumber,
    LeaderCount,
    UpCount,
    LogTerm,
    LogIndex,
    RequestNumber,
    Membership,
    PartitionBar,
    DropWhat,
    LogEntry,
    LogOp,
    TimeOrCondition,
    RunSpec,
    Condition,
    GoalRest,
    Role,
    Phase,
    Property,
    /// `follower` or `random live server` after `a`.
    Pick,
    /// An action after `expect refused`.
    Action,
    /// A kind of refusal after `because`: one of [`Refusal::ALL`].
    Refusal,
    /// How many times a `repeat` block runs.
    RepeatCount,
}

impl Expected {
    /// The names to choose from, for the kinds that list them (`Phase`, `Property`,
    /// `BreakSwitch`): `` `a`, `b`, `c` ``. Empty for the others.
    pub fn choices(&self) -> String {
        self.choices_with(", ")
    }

    /// [`Expected::choices`] with another list separator (`、` in Chinese).
    pub fn choices_with(&self, separator: &str) -> String {
        let names: Vec<&str> = match self {
            Expected::BreakSwitch => BreakSwitch::ALL.iter().map(|b| b.name()).collect(),
            Expected::ProtocolOption => ProtocolOption::ALL.iter().map(|o| o.name()).chain(["snapshots"]).collect(),
            Expected::Phase => Phase::ALL.iter().map(|p| p.name()).chain(["lost"]).collect(),
            Expected::Property => Property::SAFETY.iter().chain(&[Property::Liveness]).map(|p| p.slug()).collect(),
            Expected::Refusal => Refusal::ALL.iter().map(|r| r.word()).collect(),
            _ => Vec::new(),
        };
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(separator)
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Expected::*;
        const SERVER_REF: &str = "a server such as S1, `leader`, or a name bound by `let`";
        const CONDITION: &str = "a condition such as `leader S1`, `one leader`, `committed 3 on all` or `safe`";
        let text = match self {
            Word(w) => return write!(f, "`{w}`"),
            MetadataText(key) => return write!(f, "some text after `{key}:`"),
            KeyFor(op) => return write!(f, "a key for `{op}`"),
            ValueFor(op) => return write!(f, "a value for `{op}`"),
            AllOrServerRef => return write!(f, "`all` or {SERVER_REF}"),
            TimeOrCondition => return write!(f, "a time such as 2s, or {CONDITION}"),
            BreakSwitch => return write!(f, "a break-switch: one of {}", self.choices()),
            ProtocolOption => return write!(f, "a protocol option: one of {}", self.choices()),
            Phase => return write!(f, "a membership phase: one of {}", self.choices()),
            Property => return write!(f, "a property: one of {}", self.choices()),
            Refusal => return write!(f, "a kind of refusal: one of {}", self.choices()),
            EndOfLine => "end of line",
            Server => "a server such as S1",
            ServerRef => SERVER_REF,
            Duration => "a duration such as 150ms or 2s",
            Range => "a range such as 150ms..300ms",
            Probability => "a probability such as 0.1 or 10%",
            OnOff => "`on` or `off`",
            Arrow => "`->` (one way) or `<->` (both ways)",
            Request => "a request: `set KEY VALUE`, `get KEY`, `del KEY` or `incr KEY`",
            MetadataKey => {
                "`title:`, `description:`, `step:`, `question:`, `answer:` or `goal:` (or one of them with `-zh`)"
            }
            AfterAt => "an action or an expectation after `at TIME`",
            Statement => "a statement such as `crash S1`, `run 500ms`, `expect leader S1` or `title: ...`",
            Name => "a name",
            Key => "a key",
            ValueOrNone => "a value, or `none` for a missing key",
            Result => "a result such as ok or 3",
            CommandAfterColon => "a command after `:`, such as `set x 1`",
            EventCount => "a number of events",
            ServerCount => "a number of servers",
            Seed => "a seed (a whole number)",
            EntryCount => "a number of entries",
            Term => "a term (a whole number)",
            MessageNumber => "a message number",
            LeaderCount => "a number of leaders",
            UpCount => "a number of servers, as in `up 3`",
            LogTerm => "the term of a log entry",
            LogIndex => "a log index",
            RequestNumber => "the number of a request (1 for the first)",
            Membership => "`add` or `remove`, as in `membership add S6` or `membership remove S1`",
            PartitionBar => "`|` between groups, as in `partition S1 S2 | S3 S4 S5`",
            DropWhat => "`message N`, `next S1 -> S2` or `all S1 -> S2`",
            LogEntry => "a log entry: its term (such as 2), or TERM:COMMAND (such as 2:set x 1)",
            LogOp => "`noop`, `set`, `get`, `del` or `incr`",
            RunSpec => "a duration such as 500ms, or `until`",
            Condition => CONDITION,
            GoalRest => "`and` and another condition, `for` and a duration, or the end of the line",
            Role => "`leader`, `follower`, `candidate`, `pre-candidate`, `down`, `up`, `removed` or `retired`",
            Pick => "`follower` or `random live server`, as in `crash a follower`",
            Action => "an action such as `crash S1` after `expect refused`",
            RepeatCount => "how many times to repeat, as in `repeat 10`",
        };
        f.write_str(text)
    }
}

/// A number outside its range: what the grammar expected there, the number as written,
/// and the range's ends as the documentation writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfRange {
    pub what: Expected,
    pub found: String,
    pub min: String,
    pub max: String,
}

/// Why a well-formed statement cannot be used. The strings are the words as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// A number too large for 64 bits.
    TooLarge(String),
    /// A word shaped like a server (`S12`) beyond the largest cluster.
    NoServer(String),
    /// A server range written backwards (`S3..S1`): the range, its low and high ends.
    ServerRangeBackwards(String, ServerId, ServerId),
    NotWholeMs(String),
    /// A range of durations written backwards (`300ms..150ms`).
    RangeBackwards(String),
    NotAProbability(String),
    /// A number with no unit (`500`).
    NeedsUnit(String),
    /// The unit, and the duration it ends.
    UnknownUnit(String, String),
    NotANumber(String),
    FinerThanMicrosecond(String),
    /// A client request that does not parse.
    Op(OpParseError),
    /// A set-up keyword after the set-up ended.
    SetupAfterStart(String),
    AtBeforeRun,
    NotAName(String),
    NameTaken(String),
    ClusterSize(u64),
    EntriesPerAppend(u64),
    LogTwice(ServerId),
    /// The settings as a whole are refused.
    Config(ConfigError),
    /// A server set up beyond `servers N`: the server, N.
    BeyondCluster(ServerId, u32),
    /// A server's term below its last entry's: the server, its term, the entry's term.
    TermBelowLog(ServerId, u64, u64),
    /// A vote for a server beyond `servers N`: the voter, the vote, N.
    VoteBeyond(ServerId, ServerId, u32),
    /// Log terms decrease: the entry's index, its term, the previous entry's term.
    TermsDecrease(u64, u64, u64),
    /// A metadata key given twice (the key as written).
    MetadataTwice(String),
    /// A key that belongs to a `step:`, with none before it.
    NeedsStep(String),
    /// `goal-zh:` before any `goal:`.
    NeedsGoal,
    /// A step's `question:` or `answer:` given twice.
    StepHasTwo(String),
    /// Not one action with its servers written out (a share link's action line).
    NotOneAction(String),
    /// A number outside the range documented for what it counts
    /// ([`super::limits`]).
    OutOfRange(Box<OutOfRange>),
    /// A control character (escaped) in the text.
    ControlCharacter(String),
    /// A word longer than the longest allowed (quoted, cut), and that length.
    WordTooLong(String, usize),
    /// The simulated time the statements so far can reach, beyond the cap (both written
    /// as durations).
    TimeCap(String, String),
    /// The events the `step`s so far ask for, beyond the cap.
    EventCap(u64, u64),
    /// `end` with no `repeat` open.
    EndWithoutRepeat,
    /// A `repeat` with no `end` (reported at the `repeat`).
    RepeatNotEnded,
    /// The statements a `repeat` block unrolls to, beyond the cap.
    StatementCap(u64, u64),
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Invalid::*;
        match self {
            TooLarge(n) => write!(f, "`{n}` is too large"),
            NoServer(s) => write!(f, "there is no server {s}: servers are S1 to S{}", crate::sim::MAX_SERVERS),
            ServerRangeBackwards(r, lo, hi) => write!(f, "the range {r} runs backwards: write {lo}..{hi}"),
            NotWholeMs(d) => write!(f, "{d} is not a whole number of milliseconds"),
            RangeBackwards(r) => write!(f, "the range {r} runs backwards: the minimum comes first"),
            NotAProbability(p) => write!(f, "`{p}` is not between 0 and 1 (or 0% and 100%)"),
            NeedsUnit(n) => write!(f, "`{n}` needs a unit: write {n}ms or {n}s"),
            UnknownUnit(unit, d) => write!(f, "unknown unit `{unit}` in `{d}`: use us, ms, s or min"),
            NotANumber(d) => write!(f, "`{d}` is not a number with a unit"),
            FinerThanMicrosecond(d) => write!(f, "`{d}` is finer than a microsecond, the simulator's smallest step"),
            Op(e) => e.fmt(f),
            SetupAfterStart(k) => {
                write!(f, "`{k}` sets up the cluster, so it must come before the first action, run or expectation")
            }
            AtBeforeRun => f.write_str("`at` goes before an action or an expectation, not before `run` or `step`"),
            NotAName(n) => {
                write!(f, "`{n}` is not a name: use letters, digits, `_` and `-`, starting with a letter")
            }
            NameTaken(n) => write!(f, "`{n}` already means something here; choose another name"),
            ClusterSize(n) => write!(f, "a cluster has 1 to {} servers, not {n}", crate::sim::MAX_SERVERS),
            EntriesPerAppend(n) => {
                let r = crate::sim::limits::Setting::MaxEntriesPerAppend.range();
                write!(f, "max entries per append must be from {} to {}, not {n}", r.min, r.max)
            }
            LogTwice(s) => write!(f, "{s}'s log was already given"),
            Config(e) => e.fmt(f),
            BeyondCluster(s, n) => {
                write!(f, "there is no {s}: the cluster has {n} servers (write `servers {}` to have more)", s.0)
            }
            TermBelowLog(s, term, last) => {
                write!(f, "{s}'s term {term} is below the term {last} of its last log entry")
            }
            VoteBeyond(s, v, n) => write!(f, "{s} voted for {v}, but the cluster has {n} servers"),
            TermsDecrease(index, term, prev) => {
                write!(f, "log terms never decrease: entry {index} has term {term} after term {prev}")
            }
            MetadataTwice(k) => write!(f, "a scenario has one `{k}:` line; this is the second"),
            NeedsStep(k) => write!(f, "`{k}:` belongs to a `step:`: write it on the lines right after one"),
            NeedsGoal => write!(f, "`goal-zh:` says a `goal:` in Chinese: write it after the `goal:` line"),
            StepHasTwo(k) => write!(f, "this step already has a `{k}:`"),
            NotOneAction(a) => write!(f, "`{a}` is not one action with its servers written out"),
            ControlCharacter(c) => {
                write!(f, "control character `{c}` in the text: only printable text and tabs are allowed")
            }
            WordTooLong(w, n) => write!(f, "`{w}` is too long: a word has at most {n} characters"),
            TimeCap(t, cap) => {
                write!(f, "the run could reach {t} of simulated time here, beyond the {cap} a run may last")
            }
            EventCap(n, cap) => write!(f, "the steps so far ask for {n} events, beyond the {cap} a run may process"),
            EndWithoutRepeat => f.write_str("`end` closes a `repeat` block, but none is open"),
            RepeatNotEnded => f.write_str("this `repeat` block has no `end`"),
            StatementCap(n, cap) => {
                write!(f, "the repeated statements come to {n}, beyond the {cap} statements a scenario may run")
            }
            OutOfRange(r) => write!(f, "`{}` is out of range for {}: from {} to {}", r.found, r.what, r.min, r.max),
        }
    }
}

impl std::error::Error for Invalid {}

/// Why a statement of a parsed scenario failed when it ran: a server it names cannot be
/// found, the simulator refused its action, or what it expected was not so. The run goes
/// on; the report keeps each with its line ([`crate::scenario::CheckResult`]). `Display`
/// is the English that `raftsim run` prints.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// `leader` was named while there is none.
    #[error("there is no leader now")]
    NoLeader,
    /// A `let` name used before its `let`.
    #[error("`{0}` is not bound yet")]
    Unbound(String),
    #[error("there is no server {0}")]
    NoServer(ServerId),
    /// `isolate` in a cluster of one.
    #[error("{0} is the only server; there is nothing to isolate it from")]
    NothingToIsolateFrom(ServerId),
    /// `drop next`/`drop all` with no message on its way.
    #[error("no message is in flight from {from} to {to}")]
    NothingInFlight { from: ServerId, to: ServerId },
    /// The simulator refused the action.
    #[error("{0}")]
    Refused(ActionError),
    /// `at TIME` before the run's clock.
    #[error("`at {at}` is in the past: the run is already at {now}")]
    AtInThePast { at: Time, now: Time },
    /// `run until TIME` before the run's clock.
    #[error("{until} is in the past: the run is already at {now}")]
    UntilInThePast { until: Time, now: Time },
    /// An expectation did not hold: what it expected, and what was found instead.
    #[error("{found}")]
    NotSo { expected: Box<Expectation>, found: Seen },
    /// `expect not …` held: what it expected not to hold, and what was found.
    #[error("it holds ({found})")]
    Holds { expected: Box<Expectation>, found: Seen },
    /// `a follower` or `a random live server` found no server to draw from.
    #[error("there is no server for `{}` to name", .0.words())]
    NoTarget(Pick),
    /// `expect refused ACTION`: the action was accepted (and took effect).
    #[error("the action was accepted")]
    Accepted,
    /// `expect refused ACTION because KIND`: it was refused for another reason.
    #[error("it was refused because {found} ({error}), not because {wanted}")]
    RefusedOtherwise { wanted: Refusal, found: Refusal, error: Box<RunError> },
    /// `run until CONDITION` did not come true within its time.
    #[error("{error} after waiting {within}")]
    NotWithin { error: Box<RunError>, within: Duration },
    /// The run processed as many events as a run may ([`super::limits::MAX_EVENTS`]) and
    /// stopped; the statements after it did not run.
    #[error("the run stopped after {0} events, the most a run may process; the statements after this one did not run")]
    EventCap(u64),
    /// An exercise run with its solution did not meet its goal.
    #[error("the goal was not met by {by}")]
    GoalNotMet { by: Time },
    /// An exercise's own statements already meet its goal.
    #[error("the exercise's own statements already meet it at {at}: nothing is left for the reader to do")]
    GoalMetWithoutTheReader { at: Time },
}
