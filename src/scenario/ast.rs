//! The parsed form of a scenario: its set-up (a [`SimConfig`] and each server's initial
//! persistent state) and a list of statements, each with the line it came from. The
//! parser builds it; the runner executes it. Server references stay symbolic (`leader`,
//! a `let` name) until the runner resolves them against the running cluster.

use crate::raft::{BreakSwitch, ChangeMethod, Duration, Op, ProtocolOption, RoleKind, ServerId, Time};
use crate::sim::checker::Property;
use crate::sim::{Action, InitialState, MessageId, SimConfig};
use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// From `title: ...`; shown in the page's picker.
    pub title: Option<String>,
    /// From `description: ...`; one line.
    pub description: Option<String>,
    /// `title-zh:` and `description-zh:`: the same in 简体中文.
    #[serde(default)]
    pub title_zh: Option<String>,
    #[serde(default)]
    pub description_zh: Option<String>,
    /// From `goal: ...`: the scenario is an exercise, solved when the goal is met.
    #[serde(default)]
    pub goal: Option<Goal>,
    /// `goal-zh:`: the goal said in 简体中文, shown in its place when the page is in
    /// Chinese (the goal itself is checked as `goal:` writes it).
    #[serde(default)]
    pub goal_zh: Option<String>,
    /// Cluster size, seed, timings, network and break-switches as set up before the first
    /// action.
    pub config: SimConfig,
    /// Each server's starting term, vote and log (one per server, S1 first). All default
    /// (term 0, empty log) unless `log`, `term` or `voted` lines say otherwise.
    pub initial: Vec<InitialState>,
    /// Everything after the set-up, in file order.
    pub statements: Vec<Statement>,
}

/// One statement with where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// 1-based line number in the file.
    pub line: usize,
    /// The statement's text, trimmed, without its comment: what a report quotes.
    pub source: String,
    /// `at 300ms ...`: run until this simulated time first.
    pub at: Option<Time>,
    pub kind: StatementKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "statement", rename_all = "kebab-case")]
pub enum StatementKind {
    /// `step: text`: a narrated step. The runner records it with the time it was reached.
    Narrate {
        text: String,
        /// `step-zh:` right after: the same in 简体中文.
        #[serde(default)]
        zh: Option<String>,
        /// `question:` after the step: the reader predicts before going on.
        #[serde(default)]
        question: Option<Localized>,
        /// `answer:`: revealed when the reader asks.
        #[serde(default)]
        answer: Option<Localized>,
    },
    /// `let NAME = SERVER`: binds a name to the server a reference resolves to now.
    Let {
        name: String,
        server: ServerRef,
    },
    Act {
        command: Command,
    },
    Run {
        run: RunSpec,
    },
    Expect {
        expectation: Expectation,
    },
    /// `expect refused ACTION [because KIND]`: the action must be refused (for that
    /// reason, when given); an action that is accepted takes effect and fails the check.
    ExpectRefused {
        command: Command,
        because: Option<Refusal>,
    },
}

pub use super::refusal::Refusal;

/// A text in English, and in 简体中文 when the file gives it (`question-zh:`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub en: String,
    pub zh: Option<String>,
}

/// An exercise's goal: `goal: no leader and role S1 up for 3s`. It is met once every
/// condition has held at the same time for `hold_for` of simulated time (at one instant
/// when `hold_for` is zero). The page checks it after every event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub line: usize,
    /// The goal as written, after `goal:`.
    pub source: String,
    pub all_of: Vec<Expectation>,
    pub hold_for: Duration,
}

/// A server, named directly or resolved when the statement runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ref", content = "value", rename_all = "kebab-case")]
pub enum ServerRef {
    Id(ServerId),
    /// The current leader (the live leader of the highest term).
    Leader,
    /// A name bound by `let`.
    Name(String),
    /// A server drawn when the statement runs (`a follower`, `a random live server`, `the
    /// leader if any`): only where an action or a `let` takes one server.
    Pick(Pick),
}

/// How a server is drawn when a statement runs. The draws come from the run's own seeded
/// generator ([`crate::scenario::runner`]), so the same file replays the same run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pick {
    /// `a follower`: one of the live followers, at random.
    Follower,
    /// `a random live server`: one of the servers that are up and in the cluster.
    Live,
    /// `the leader if any`: the leader, or, when there is none, the statement does nothing.
    LeaderIfAny,
}

impl Pick {
    /// The words a scenario writes.
    pub fn words(self) -> &'static str {
        match self {
            Pick::Follower => "a follower",
            Pick::Live => "a random live server",
            Pick::LeaderIfAny => "the leader if any",
        }
    }
}

/// A set of servers for expectations and timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "set", content = "servers", rename_all = "kebab-case")]
pub enum ServerSet {
    /// Every server that is up and still in the cluster.
    All,
    List(Vec<ServerRef>),
}

/// Actions. They map onto [`crate::sim::Action`] once their servers are resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Command {
    Crash {
        server: ServerRef,
    },
    /// `shutdown S4`: shuts down a server a committed C_new left out.
    Shutdown {
        server: ServerRef,
    },
    /// `crash S3 after sending`: S3 crashes right after the next message it sends.
    CrashAfterSending {
        server: ServerRef,
    },
    Restart {
        server: ServerRef,
    },
    Timeout {
        server: ServerRef,
    },
    AlignTimers {
        servers: ServerSet,
    },
    SpreadTimers,
    Request {
        via: ServerRef,
        op: Op,
    },
    Membership {
        add: Vec<ServerId>,
        remove: Vec<ServerRef>,
        /// `single` (dissertation §4.1) or `joint` (§6, the default).
        method: ChangeMethod,
    },
    Partition {
        groups: Vec<Vec<ServerRef>>,
    },
    /// `isolate S1`: S1 alone in one group, everyone else in the other.
    Isolate {
        server: ServerRef,
    },
    Heal,
    Cut {
        from: ServerRef,
        to: ServerRef,
        both: bool,
    },
    Restore {
        from: ServerRef,
        to: ServerRef,
        both: bool,
    },
    DropMessage {
        id: u64,
    },
    /// `drop next S1 -> S3` (the in-flight message from S1 to S3 that would arrive
    /// first) or `drop all S1 -> S3` (every one in flight).
    DropBetween {
        from: ServerRef,
        to: ServerRef,
        all: bool,
    },
    Loss {
        loss: f64,
    },
    Duplication {
        duplication: f64,
    },
    Latency {
        min_ms: u64,
        max_ms: u64,
    },
    Break {
        switch: BreakSwitch,
        on: bool,
    },
    /// `option prevote on`: PreVote or CheckQuorum on or off.
    Option {
        option: ProtocolOption,
        on: bool,
    },
    /// `option snapshots 50` / `option snapshots off`: log compaction (§7) after every
    /// this many applied entries, or none.
    Snapshots {
        every: Option<u64>,
    },
    /// `transfer S3`: the leader hands leadership over to S3 (§3.10).
    Transfer {
        to: ServerRef,
    },
}

impl Command {
    /// The one server a command acts on, for those that take one: where a draw (`crash a
    /// follower`) may stand.
    pub fn target_mut(&mut self) -> Option<&mut ServerRef> {
        match self {
            Command::Crash { server }
            | Command::CrashAfterSending { server }
            | Command::Shutdown { server }
            | Command::Restart { server }
            | Command::Timeout { server }
            | Command::Isolate { server } => Some(server),
            Command::Request { via, .. } => Some(via),
            Command::Transfer { to } => Some(to),
            _ => None,
        }
    }

    /// The one action this command is, with `server` resolving each server reference.
    /// `None` for the commands that need the running cluster to become actions:
    /// `align-timers all`, `isolate` and `drop next`/`drop all` (the runner handles them).
    pub fn action<E>(&self, server: impl Fn(&ServerRef) -> Result<ServerId, E>) -> Option<Result<Action, E>> {
        let all = |refs: &[ServerRef]| refs.iter().map(&server).collect::<Result<Vec<_>, E>>();
        let action = || -> Result<Option<Action>, E> {
            Ok(Some(match self {
                Command::Crash { server: s } => Action::Crash { server: server(s)? },
                Command::CrashAfterSending { server: s } => Action::CrashAfterSending { server: server(s)? },
                Command::Shutdown { server: s } => Action::Shutdown { server: server(s)? },
                Command::Restart { server: s } => Action::Restart { server: server(s)? },
                Command::Timeout { server: s } => Action::ForceTimeout { server: server(s)? },
                Command::AlignTimers { servers: ServerSet::List(list) } => Action::AlignTimers { servers: all(list)? },
                Command::SpreadTimers => Action::SpreadTimers,
                Command::Request { via, op } => Action::ClientRequest { via: server(via)?, op: op.clone() },
                Command::Membership { add, remove, method } => {
                    Action::ChangeMembership { add: add.clone(), remove: all(remove)?, method: *method }
                }
                Command::Partition { groups } => {
                    Action::Partition { groups: groups.iter().map(|g| all(g)).collect::<Result<_, E>>()? }
                }
                Command::Heal => Action::Heal,
                Command::Cut { from, to, both } => {
                    Action::CutLink { from: server(from)?, to: server(to)?, both: *both }
                }
                Command::Restore { from, to, both } => {
                    Action::RestoreLink { from: server(from)?, to: server(to)?, both: *both }
                }
                Command::DropMessage { id } => Action::DropMessage { id: MessageId(*id) },
                Command::Loss { loss } => Action::SetLoss { loss: *loss },
                Command::Duplication { duplication } => Action::SetDuplication { duplication: *duplication },
                Command::Latency { min_ms, max_ms } => Action::SetLatency { min_ms: *min_ms, max_ms: *max_ms },
                Command::Break { switch, on } => Action::SetBreak { switch: *switch, on: *on },
                Command::Option { option, on } => Action::SetOption { option: *option, on: *on },
                Command::Snapshots { every } => Action::SetSnapshots { every: *every },
                Command::Transfer { to } => Action::TransferLeadership { to: server(to)? },
                Command::AlignTimers { servers: ServerSet::All }
                | Command::Isolate { .. }
                | Command::DropBetween { .. } => return Ok(None),
            }))
        };
        action().transpose()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "run", rename_all = "kebab-case")]
pub enum RunSpec {
    /// `run 500ms`
    For { duration: Duration },
    /// `run until 2s`
    UntilTime { time: Time },
    /// `run until leader and committed 2 on all within 3s`: events one at a time until
    /// every condition holds at once.
    Until { all_of: Vec<Expectation>, within: Duration },
    /// `step` / `step 10`: that many simulator events.
    Steps { count: u64 },
}

/// How long `run until CONDITION` waits when no `within` is given.
pub const DEFAULT_WITHIN: Duration = Duration(10_000_000);

/// A condition on the cluster, possibly negated (`expect not leader S1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    pub negated: bool,
    pub condition: Condition,
}

/// What `expect term` compares a term with: a number, or another server's term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", content = "value", rename_all = "kebab-case")]
pub enum TermOperand {
    Number(u64),
    /// `term S2`
    TermOf(ServerRef),
}

/// A comparison for `expect term`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn holds(self, found: u64, wanted: u64) -> bool {
        match self {
            Cmp::Eq => found == wanted,
            Cmp::Lt => found < wanted,
            Cmp::Le => found <= wanted,
            Cmp::Gt => found > wanted,
            Cmp::Ge => found >= wanted,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// What `expect role` can ask for: a role, or whether the server runs at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleState {
    Role(RoleKind),
    /// Crashed (and not restarted).
    Down,
    /// Up, whatever its role.
    Up,
    /// Left out of a committed C_new and not shut down (running or crashed).
    Removed,
    /// Shut down after its removal.
    Retired,
}

/// The membership phases a scenario can name (`membership phase joint-committed`): the
/// core's one phase type.
pub use crate::raft::Phase;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "condition", rename_all = "kebab-case")]
pub enum Condition {
    /// `leader`: some server leads; `leader S1`: S1 is the leader.
    Leader {
        server: Option<ServerRef>,
    },
    /// Exactly one live leader.
    OneLeader,
    NoLeader,
    /// Exactly these servers are live leaders (a partition can have two).
    Leaders {
        servers: Vec<ServerRef>,
    },
    /// `leaders 2`: exactly this many live servers believe they lead.
    LeaderCount {
        count: u64,
    },
    /// `up 3`: at least this many servers are running and in the cluster.
    UpCount {
        at_least: u64,
    },
    /// A server's term, or the highest term of any server when `server` is `None`,
    /// compared with a number or another server's term.
    Term {
        server: Option<ServerRef>,
        cmp: Cmp,
        term: TermOperand,
    },
    /// `leader among S1 S2 S3`: there is a leader, and it is one of these servers.
    LeaderAmong {
        servers: Vec<ServerRef>,
    },
    /// `voted S2 for S1 in term 3`: S2 granted its vote in term 3 to S1 (itself, when
    /// they are the same server).
    Voted {
        voter: ServerRef,
        candidate: ServerRef,
        term: u64,
    },
    Role {
        server: ServerRef,
        state: RoleState,
    },
    /// The last index a server's snapshot replaced (§7), 0 for none, compared so.
    Snapshot {
        server: ServerRef,
        cmp: Cmp,
        index: u64,
    },
    /// The terms of a server's log, entry by entry.
    Log {
        server: ServerRef,
        terms: Vec<u64>,
    },
    /// Every server in the set holds an identical log.
    SameLog {
        on: ServerSet,
    },
    /// commitIndex >= index on each server.
    Committed {
        index: u64,
        on: ServerSet,
    },
    /// lastApplied >= index on each server.
    Applied {
        index: u64,
        on: ServerSet,
    },
    /// A key's value in each server's state machine; `None` means absent.
    Value {
        key: String,
        value: Option<String>,
        on: ServerSet,
    },
    /// The Nth client request of the run (from 1) was answered, with this result if given.
    Reply {
        request: u64,
        result: Option<String>,
    },
    /// The configuration in force on each server: `new` alone, or C_old,new.
    Config {
        old: Option<Vec<ServerId>>,
        new: Vec<ServerId>,
        on: ServerSet,
    },
    /// The current membership change has reached this phase.
    Membership {
        phase: Phase,
    },
    /// The current membership change was lost: nothing in the cluster carries it on (the
    /// leader catching up its new servers stopped leading, or its uncommitted
    /// configuration entry was overwritten everywhere).
    MembershipLost,
    /// No safety property has been violated.
    Safe,
    /// At least one of these properties has been violated.
    Violated {
        any_of: Vec<Property>,
    },
}
