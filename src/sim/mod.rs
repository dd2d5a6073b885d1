//! The world around the Raft core: a deterministic discrete-event simulator.
//!
//! Every random choice (election timeouts, latencies, loss, duplication) comes from one
//! ChaCha8 generator seeded by a `u64`, in event order, so one seed and one list of user
//! actions replay a whole run exactly, natively and in wasm. Time is simulated: the caller
//! advances it with [`Sim::run_until`] or [`Sim::step`].
//!
//! The simulator is the only host of [`Node`]s: it owns their timers, carries their
//! messages, crashes and restarts them, and drives clients. It keeps a [`History`] of
//! everything drawn, checkpoints for time travel, and runs the [`checker::Checker`] after
//! every event.

pub mod checker;
pub mod history;
pub mod network;
pub mod workload;

#[cfg(test)]
mod tests;

/// A default cluster with the given seed, run until it has a leader (for tests).
#[cfg(test)]
pub(crate) fn elected(seed: u64) -> Sim {
    let mut sim = Sim::new(SimConfig { seed, ..SimConfig::default() }).unwrap();
    sim.run_until_leader(Duration::from_ms(5_000)).expect("a leader");
    sim
}

use crate::raft::{
    BreakSwitch, BreakSwitches, ChangeError, ClientId, ClientRequest, Configuration, Duration, Entry, LogIndex,
    MembershipEvent, Message, Node, NodeConfig, Op, OpResult, Output, ProposeError, Proposed, RoleKind, ServerId, Term,
    Time,
};
use crate::sorted::SortedSet;
use checker::{Checker, Property, Violation, ViolationDetail};
pub use history::{
    ActionRecord, DropReason, History, HistoryMark, MessageId, MessageLog, MessageRecord, Note, NoteKind,
};
pub use network::{NetworkConfig, Topology};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

/// The largest cluster the page and scenarios allow.
pub const MAX_SERVERS: u32 = 9;

/// Everything that defines a run before any user action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// How many servers the cluster starts with (S1..Sn), 1 to 9.
    pub servers: u32,
    /// The seed of the one RNG all randomness comes from.
    pub seed: u64,
    /// Election timeouts are drawn uniformly from this range, in milliseconds (§5.2).
    pub election_timeout_min_ms: u64,
    pub election_timeout_max_ms: u64,
    /// How often a leader sends AppendEntries, in milliseconds.
    pub heartbeat_ms: u64,
    pub network: NetworkConfig,
    pub breaks: BreakSwitches,
    /// At most this many entries travel in one AppendEntries.
    pub max_entries_per_append: usize,
    /// A client that has no answer after this long retries, in milliseconds.
    pub client_timeout_ms: u64,
    /// Take a checkpoint for time travel every this many simulated milliseconds (the
    /// interval doubles as the run grows, to keep at most `max_checkpoints`). 0: none.
    pub checkpoint_every_ms: u64,
    pub max_checkpoints: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            servers: 5,
            seed: 1,
            election_timeout_min_ms: 150,
            election_timeout_max_ms: 300,
            heartbeat_ms: 50,
            network: NetworkConfig::default(),
            breaks: BreakSwitches::default(),
            max_entries_per_append: 64,
            client_timeout_ms: 1000,
            checkpoint_every_ms: 1000,
            max_checkpoints: 128,
        }
    }
}

impl SimConfig {
    /// Checks the settings; the error names the field and the accepted range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=MAX_SERVERS).contains(&self.servers) {
            return Err(ConfigError::Servers { max: MAX_SERVERS, found: self.servers });
        }
        self.validate_timing()
    }

    fn validate_timing(&self) -> Result<(), ConfigError> {
        let (min_ms, max_ms) = (self.election_timeout_min_ms, self.election_timeout_max_ms);
        if min_ms == 0 || min_ms > max_ms {
            return Err(ConfigError::ElectionTimeout { min_ms, max_ms });
        }
        if self.heartbeat_ms == 0 || self.heartbeat_ms >= min_ms {
            return Err(ConfigError::Heartbeat { election_min_ms: min_ms, found_ms: self.heartbeat_ms });
        }
        if self.max_entries_per_append == 0 {
            return Err(ConfigError::MaxEntriesPerAppend);
        }
        self.network.validate()
    }

    fn node_config(&self) -> NodeConfig {
        NodeConfig {
            election_timeout_min: Duration::from_ms(self.election_timeout_min_ms),
            max_entries_per_append: self.max_entries_per_append,
            breaks: self.breaks,
        }
    }
}

/// Why a configuration was refused: the setting, the range it accepts and what it got.
/// Data, so that the page can say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfigError {
    Servers {
        max: u32,
        found: u32,
    },
    ElectionTimeout {
        min_ms: u64,
        max_ms: u64,
    },
    Heartbeat {
        election_min_ms: u64,
        found_ms: u64,
    },
    MaxEntriesPerAppend,
    /// A probability out of range, written as a number (an `f64` field would make the
    /// error lose `Eq`, and NaN is one of the values refused).
    Loss(String),
    Duplication(String),
    LatencyOrder {
        min_ms: u64,
        max_ms: u64,
    },
    /// The latency's maximum is above [`network::MAX_LATENCY_MS`].
    LatencyLimit(u64),
    /// Not one initial state per server.
    InitialStates {
        given: usize,
        servers: u32,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Servers { max, found } => write!(f, "servers must be between 1 and {max}, found {found}"),
            ConfigError::ElectionTimeout { min_ms, max_ms } => write!(
                f,
                "election timeout must be a range like 150..300 with 0 < min <= max, found {min_ms}..{max_ms}"
            ),
            ConfigError::Heartbeat { election_min_ms, found_ms } => write!(
                f,
                "heartbeat must be above 0 and below the minimum election timeout ({election_min_ms}ms), \
                 found {found_ms}ms"
            ),
            ConfigError::MaxEntriesPerAppend => f.write_str("max entries per append must be at least 1"),
            ConfigError::Loss(p) => write!(f, "loss must be between 0 and 1, found {p}"),
            ConfigError::Duplication(p) => write!(f, "duplication must be between 0 and 1, found {p}"),
            ConfigError::LatencyOrder { min_ms, max_ms } => {
                write!(f, "latency minimum {min_ms}ms is above its maximum {max_ms}ms")
            }
            ConfigError::LatencyLimit(ms) => {
                write!(f, "latency {ms}ms is above the {}ms limit", network::MAX_LATENCY_MS)
            }
            ConfigError::InitialStates { given, servers } => {
                write!(f, "{given} initial states given for {servers} servers")
            }
        }
    }
}

impl From<ConfigError> for String {
    fn from(e: ConfigError) -> String {
        e.to_string()
    }
}

/// The persistent state a server starts with, to set up the paper's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitialState {
    pub term: Term,
    pub voted_for: Option<ServerId>,
    pub log: Vec<Entry>,
}

/// Everything a user (or a scenario) can do to a running cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Crash {
        server: ServerId,
    },
    Restart {
        server: ServerId,
    },
    /// The server's election timer fires now.
    ForceTimeout {
        server: ServerId,
    },
    /// These servers' election timers fire together, one minimum election timeout from
    /// now, even if a message resets them before: a split vote on demand.
    AlignTimers {
        servers: Vec<ServerId>,
    },
    /// Every follower and candidate draws a fresh random election timeout.
    SpreadTimers,
    /// A client request sent to `via`, which redirects it if it is not the leader.
    ClientRequest {
        via: ServerId,
        op: Op,
    },
    /// A membership change through joint consensus: new servers are created and caught
    /// up, then C_old,new, then C_new.
    ChangeMembership {
        add: Vec<ServerId>,
        remove: Vec<ServerId>,
    },
    /// Servers in different groups cannot talk. Servers not named join the first group.
    Partition {
        groups: Vec<Vec<ServerId>>,
    },
    /// Removes every partition and cut link.
    Heal,
    CutLink {
        from: ServerId,
        to: ServerId,
        both: bool,
    },
    RestoreLink {
        from: ServerId,
        to: ServerId,
        both: bool,
    },
    DropMessage {
        id: MessageId,
    },
    SetLoss {
        loss: f64,
    },
    SetDuplication {
        duplication: f64,
    },
    SetLatency {
        min_ms: u64,
        max_ms: u64,
    },
    SetBreak {
        switch: BreakSwitch,
        on: bool,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[ServerId]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ");
        match self {
            Action::Crash { server } => write!(f, "crash {server}"),
            Action::Restart { server } => write!(f, "restart {server}"),
            Action::ForceTimeout { server } => write!(f, "timeout {server}"),
            Action::AlignTimers { servers } => write!(f, "align-timers {}", list(servers)),
            Action::SpreadTimers => write!(f, "spread-timers"),
            Action::ClientRequest { via, op } => write!(f, "request {via} {op}"),
            Action::ChangeMembership { add, remove } => {
                write!(f, "membership")?;
                if !add.is_empty() {
                    write!(f, " add {}", list(add))?;
                }
                if !remove.is_empty() {
                    write!(f, " remove {}", list(remove))?;
                }
                Ok(())
            }
            Action::Partition { groups } => {
                write!(f, "partition {}", groups.iter().map(|g| list(g)).collect::<Vec<_>>().join(" | "))
            }
            Action::Heal => write!(f, "heal"),
            Action::CutLink { from, to, both } => write!(f, "cut {from} {} {to}", if *both { "<->" } else { "->" }),
            Action::RestoreLink { from, to, both } => {
                write!(f, "restore {from} {} {to}", if *both { "<->" } else { "->" })
            }
            Action::DropMessage { id } => write!(f, "drop message {}", id.0),
            Action::SetLoss { loss } => write!(f, "loss {}", crate::decimal::shortest(*loss)),
            Action::SetDuplication { duplication } => {
                write!(f, "duplication {}", crate::decimal::shortest(*duplication))
            }
            Action::SetLatency { min_ms, max_ms } => write!(f, "latency {min_ms}..{max_ms}ms"),
            Action::SetBreak { switch, on } => write!(f, "break {switch} {}", if *on { "on" } else { "off" }),
        }
    }
}

/// Why an action was refused. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionError {
    NoSuchServer(ServerId),
    Retired(ServerId),
    AlreadyDown(ServerId),
    AlreadyUp(ServerId),
    IsLeader(ServerId),
    NoLeader,
    Membership(ChangeError),
    /// Adding would make the cluster larger than [`MAX_SERVERS`].
    TooManyServers(usize),
    NotAMember(ServerId),
    NotInFlight(MessageId),
    /// `align-timers` with no server whose timer could be aligned.
    NothingToAlign,
    /// A partition into fewer than two groups.
    OneGroup,
    /// A server named in two groups of a partition.
    NamedTwice(ServerId),
    /// A link from a server to itself.
    SelfLink(ServerId),
    /// Adding a server that is already a member of the configuration (shown).
    AlreadyMember(ServerId, Configuration),
    /// New servers take the next id: `next`, not `found`.
    NotNext {
        next: ServerId,
        found: ServerId,
    },
    /// A network setting out of range.
    Network(ConfigError),
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::NoSuchServer(s) => write!(f, "there is no server {s}"),
            ActionError::Retired(s) => write!(f, "{s} was removed from the cluster"),
            ActionError::AlreadyDown(s) => write!(f, "{s} is already down"),
            ActionError::AlreadyUp(s) => write!(f, "{s} is already running"),
            ActionError::IsLeader(s) => write!(f, "{s} is the leader and has no election timer"),
            ActionError::NoLeader => write!(f, "there is no leader to ask; wait for an election"),
            ActionError::Membership(m) => write!(f, "membership change refused: {m}"),
            ActionError::TooManyServers(n) => {
                write!(f, "the cluster would have {n} servers; at most {MAX_SERVERS} are allowed")
            }
            ActionError::NotAMember(id) => write!(f, "{id} is not a member of the configuration"),
            ActionError::NotInFlight(id) => write!(f, "message {} is not in flight", id.0),
            ActionError::NothingToAlign => f.write_str("name at least one server whose timer to align"),
            ActionError::OneGroup => f.write_str("a partition needs at least two groups"),
            ActionError::NamedTwice(s) => write!(f, "{s} is named in two groups"),
            ActionError::SelfLink(s) => write!(f, "a link joins two different servers, not {s} to itself"),
            ActionError::AlreadyMember(s, config) => write!(f, "{s} is already a member of {config}"),
            ActionError::NotNext { next, found } => {
                write!(f, "new servers are numbered in order: the next one is {next}, not {found}")
            }
            ActionError::Network(e) => e.fmt(f),
        }
    }
}

/// Why a recorded run could not be replayed. Actions count from 1; `text` is the action as
/// written. Data, so that the page can say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The run's settings are refused.
    Config(ConfigError),
    /// The action's time is earlier than the event it is recorded after.
    TimedBeforeEvent { action: usize, text: String },
    /// The simulator refused the action.
    Failed { action: usize, text: String, error: ActionError },
    /// The action is timed after the time the run ends at.
    AfterEnd { action: usize },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Config(e) => e.fmt(f),
            ReplayError::TimedBeforeEvent { action, text } => {
                write!(f, "action {action} (`{text}`) is timed before the event it follows")
            }
            ReplayError::Failed { action, text, error } => write!(f, "action {action} (`{text}`) failed: {error}"),
            ReplayError::AfterEnd { action } => write!(f, "action {action} comes after the end of the run"),
        }
    }
}

impl From<ConfigError> for ReplayError {
    fn from(e: ConfigError) -> ReplayError {
        ReplayError::Config(e)
    }
}

/// One server as the simulator hosts it.
#[derive(Clone, Debug)]
pub struct ServerSlot {
    pub node: Node,
    pub alive: bool,
    /// Removed from the cluster by a committed C_new; it will not run again.
    pub retired: bool,
    pub election_deadline: Option<Time>,
    /// When the current election timer was started, for drawing it draining.
    pub election_started: Time,
    pub heartbeat_deadline: Option<Time>,
    /// Set by [`Action::AlignTimers`]: the election timer fires at this instant even if
    /// it is reset before (by a heartbeat still in flight, say).
    pub pinned_deadline: Option<Time>,
    election_gen: u32,
    heartbeat_gen: u32,
}

/// The state of one client request, with every attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRequestState {
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    pub submitted_at: Time,
    pub attempts: Vec<ClientAttempt>,
    pub status: ClientStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientAttempt {
    pub at: Time,
    pub server: ServerId,
    pub outcome: AttemptOutcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum AttemptOutcome {
    Redirected { leader: Option<ServerId> },
    ServerDown,
    Appended { index: LogIndex },
    AlreadyApplied,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ClientStatus {
    Pending,
    Done { at: Time, by: ServerId, result: OpResult },
    GaveUp,
}

/// A client retries at most this many times.
const MAX_CLIENT_ATTEMPTS: usize = 30;

/// Where a membership change stands, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipStatus {
    pub target: SortedSet<ServerId>,
    pub started_at: Time,
    /// Every phase seen so far, with when and which leader reported it.
    pub phases: Vec<(Time, ServerId, MembershipEvent)>,
    pub finished: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum EventKind {
    Deliver(MessageId),
    ElectionTimeout(ServerId, u32),
    HeartbeatTimeout(ServerId, u32),
    ClientRetry(u32, u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Queued {
    time: Time,
    seq: u64,
    kind: EventKind,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepEvent {
    /// 1 for the first event of the run.
    pub index: u64,
    pub time: Time,
    pub kind: StepKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum StepKind {
    Delivered { id: MessageId },
    Dropped { id: MessageId, reason: DropReason },
    ElectionTimeout { server: ServerId },
    Heartbeat { server: ServerId },
    ClientRetry { client: ClientId },
    Action { action: String },
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepKind::Delivered { id } => write!(f, "deliver message {}", id.0),
            StepKind::Dropped { id, reason } => write!(f, "drop message {} ({})", id.0, reason.words()),
            StepKind::ElectionTimeout { server } => write!(f, "election timeout on {server}"),
            StepKind::Heartbeat { server } => write!(f, "heartbeat timer on {server}"),
            StepKind::ClientRetry { client } => write!(f, "client {client} retries"),
            StepKind::Action { action } => write!(f, "action: {action}"),
        }
    }
}

/// The liveness watch: how long the cluster has gone without a leader while it could
/// have elected one.
#[derive(Clone, Debug, Default)]
struct LivenessWatch {
    next_check: Time,
    leaderless_since: Option<Time>,
    /// The quorum candidates (sets of live, pairwise connected servers that no outsider
    /// can reach); recomputed when servers or links change.
    groups: Option<Vec<Vec<ServerId>>>,
}

/// How often liveness is checked, in simulated microseconds.
const LIVENESS_CHECK_US: u64 = 10_000;
/// No leader for this many maximum election timeouts, while one could be elected, is a
/// liveness violation.
pub const LIVENESS_TIMEOUTS: u64 = 20;
/// Above this loss rate the liveness watch does not judge.
pub const LIVENESS_MAX_LOSS: f64 = 0.1;

/// The part of the simulator that is restored from a checkpoint.
#[derive(Clone, Debug)]
struct World {
    config: SimConfig,
    now: Time,
    rng: ChaCha8Rng,
    servers: Vec<ServerSlot>,
    queue: BinaryHeap<Reverse<Queued>>,
    next_seq: u64,
    events: u64,
    topology: Topology,
    clients: Vec<ClientRequestState>,
    membership: Option<MembershipStatus>,
    checker: Checker,
    liveness: LivenessWatch,
    current_event: Option<StepKind>,
}

#[derive(Clone, Debug)]
struct Checkpoint {
    world: World,
    mark: HistoryMark,
    next_action: usize,
}

/// The simulator. See the module documentation.
#[derive(Clone, Debug)]
pub struct Sim {
    world: World,
    history: History,
    /// Every user action of the run, in order, including those ahead of `now` after
    /// travelling back in time.
    actions: Vec<ActionRecord>,
    /// How many of `actions` have been applied.
    next_action: usize,
    checkpoints: Vec<Checkpoint>,
    checkpoint_interval_us: u64,
    /// The furthest point the run has reached.
    horizon: Time,
    outputs: Vec<Output>,
    /// The configuration and persistent state the run started from (before any action
    /// changed the network or a break-switch): with `actions`, what replays the run.
    origin: std::sync::Arc<(SimConfig, Vec<InitialState>)>,
}

impl Sim {
    /// A new cluster of `config.servers` servers with empty logs, all followers.
    pub fn new(config: SimConfig) -> Result<Sim, ConfigError> {
        let initial = vec![InitialState::default(); config.servers as usize];
        Sim::with_initial_state(config, initial)
    }

    /// A cluster whose servers start from the given persistent state (one per server).
    pub fn with_initial_state(config: SimConfig, initial: Vec<InitialState>) -> Result<Sim, ConfigError> {
        config.validate()?;
        Sim::build(config, initial)
    }

    /// Like [`Sim::new`] but allows clusters larger than the page's limit (for benchmarks).
    pub fn new_large(config: SimConfig) -> Result<Sim, ConfigError> {
        if config.servers == 0 || config.servers > 1000 {
            return Err(ConfigError::Servers { max: 1000, found: config.servers });
        }
        config.validate_timing()?;
        let initial = vec![InitialState::default(); config.servers as usize];
        Sim::build(config, initial)
    }

    fn build(config: SimConfig, initial: Vec<InitialState>) -> Result<Sim, ConfigError> {
        if initial.len() != config.servers as usize {
            return Err(ConfigError::InitialStates { given: initial.len(), servers: config.servers });
        }
        let origin = std::sync::Arc::new((config.clone(), initial.clone()));
        let voters = Configuration::simple((1..=config.servers).map(ServerId));
        let node_config = config.node_config();
        let servers: Vec<ServerSlot> = initial
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let id = ServerId(i as u32 + 1);
                let node = Node::with_state(id, voters.clone(), node_config.clone(), s.term, s.voted_for, s.log);
                ServerSlot::new(node)
            })
            .collect();
        let mut checker = Checker::default();
        for s in &servers {
            checker.add_server(&s.node);
        }
        let checkpoint_interval_us = config.checkpoint_every_ms * 1000;
        let world = World {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            config,
            now: Time::ZERO,
            servers,
            queue: BinaryHeap::new(),
            next_seq: 0,
            events: 0,
            topology: Topology::default(),
            clients: Vec::new(),
            membership: None,
            checker,
            liveness: LivenessWatch::default(),
            current_event: None,
        };
        let mut sim = Sim {
            world,
            history: History::default(),
            actions: Vec::new(),
            next_action: 0,
            checkpoints: Vec::new(),
            checkpoint_interval_us,
            horizon: Time::ZERO,
            outputs: Vec::new(),
            origin,
        };
        for i in 0..sim.world.servers.len() {
            sim.world.servers[i].node.start();
            sim.process_outputs(i, None);
        }
        sim.take_checkpoint();
        Ok(sim)
    }

    // ---- Reading ----------------------------------------------------------------------

    pub fn config(&self) -> &SimConfig {
        &self.world.config
    }
    /// The configuration the run started from; [`Sim::config`] follows later actions
    /// (`latency`, `loss`, `break`). With [`Sim::initial_state`] and the applied actions,
    /// it is what [`Sim::replay`] needs.
    pub fn initial_config(&self) -> &SimConfig {
        &self.origin.0
    }
    /// Each server's persistent state at the start of the run.
    pub fn initial_state(&self) -> &[InitialState] {
        &self.origin.1
    }
    pub fn now(&self) -> Time {
        self.world.now
    }
    /// How many events have been processed.
    pub fn events(&self) -> u64 {
        self.world.events
    }
    /// The furthest time the run has reached (ahead of `now` after travelling back).
    pub fn horizon(&self) -> Time {
        self.horizon.max(self.world.now)
    }
    /// Every server ever in the run, retired ones included, by id order.
    pub fn servers(&self) -> &[ServerSlot] {
        &self.world.servers
    }
    pub fn server(&self, id: ServerId) -> Option<&ServerSlot> {
        self.world.servers.get((id.0 as usize).checked_sub(1)?)
    }
    /// Servers that are part of the cluster now (not retired).
    pub fn active_servers(&self) -> impl Iterator<Item = &ServerSlot> {
        self.world.servers.iter().filter(|s| !s.retired)
    }
    /// The live leader with the highest term, if any.
    pub fn leader(&self) -> Option<ServerId> {
        self.world
            .servers
            .iter()
            .filter(|s| s.alive && s.node.is_leader())
            .max_by_key(|s| s.node.term())
            .map(|s| s.node.id())
    }
    /// Every live leader (more than one during a partition, or with a broken rule).
    pub fn leaders(&self) -> Vec<ServerId> {
        self.world.servers.iter().filter(|s| s.alive && s.node.is_leader()).map(|s| s.node.id()).collect()
    }
    /// The highest term of any server.
    pub fn max_term(&self) -> Term {
        self.world.servers.iter().map(|s| s.node.term()).max().unwrap_or(Term(0))
    }
    pub fn history(&self) -> &History {
        &self.history
    }
    pub fn actions(&self) -> &[ActionRecord] {
        &self.actions
    }
    /// The actions applied so far (those at or before `now`).
    pub fn applied_actions(&self) -> &[ActionRecord] {
        &self.actions[..self.next_action]
    }
    pub fn topology(&self) -> &Topology {
        &self.world.topology
    }
    pub fn clients(&self) -> &[ClientRequestState] {
        &self.world.clients
    }
    pub fn membership(&self) -> Option<&MembershipStatus> {
        self.world.membership.as_ref()
    }
    pub fn violations(&self) -> &[Violation] {
        &self.world.checker.violations
    }
    pub fn safety_violations(&self) -> impl Iterator<Item = &Violation> {
        self.violations().iter().filter(|v| v.property.is_safety())
    }
    pub fn violated(&self, p: Property) -> bool {
        self.world.checker.violated(p)
    }
    pub fn breaks(&self) -> BreakSwitches {
        self.world.config.breaks
    }
    /// The time of the next pending event, if any.
    pub fn next_event_time(&self) -> Option<Time> {
        self.world.queue.peek().map(|Reverse(q)| q.time)
    }
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// A hash of everything observable about the cluster, stable across platforms: equal
    /// hashes mean the same roles, terms, votes, logs, commit indices and states.
    pub fn state_hash(&self) -> u64 {
        /// One server: id, alive, retired, role, term, votedFor, log, commit, applied, state.
        type ServerView<'a> = (
            ServerId,
            bool,
            bool,
            RoleKind,
            Term,
            Option<ServerId>,
            &'a [Entry],
            LogIndex,
            LogIndex,
            &'a crate::raft::KvStore,
        );
        #[derive(Serialize)]
        struct View<'a> {
            now: Time,
            events: u64,
            servers: Vec<ServerView<'a>>,
        }
        let view = View {
            now: self.world.now,
            events: self.world.events,
            servers: self
                .world
                .servers
                .iter()
                .map(|s| {
                    let n = &s.node;
                    (
                        n.id(),
                        s.alive,
                        s.retired,
                        n.role_kind(),
                        n.term(),
                        n.voted_for(),
                        n.log().entries(),
                        n.commit_index(),
                        n.last_applied(),
                        n.kv(),
                    )
                })
                .collect(),
        };
        let bytes = postcard::to_allocvec(&view).expect("plain data serializes");
        fnv1a(&bytes)
    }

    /// What a step did, in words, with the message's contents for deliveries and drops.
    pub fn describe(&self, kind: &StepKind) -> String {
        describe_step(&self.history, Some(kind))
    }

    // ---- Running ----------------------------------------------------------------------

    /// Processes one event (applying any recorded action that comes first). Returns what
    /// happened, or `None` if nothing is scheduled.
    pub fn step(&mut self) -> Option<StepEvent> {
        self.step_until(Time(u64::MAX))
    }

    /// Like [`Sim::step`], but never processes an event later than `limit`: stale queue
    /// entries (timers since reset, messages since dropped) at or before `limit` are
    /// discarded on the way. `None` once nothing is left at or before `limit`.
    /// (`step` skips stale entries too, so after one it may process an event past a
    /// caller's limit.)
    pub fn step_until(&mut self, limit: Time) -> Option<StepEvent> {
        self.apply_due_actions(Some(limit));
        loop {
            let Reverse(q) = *self.world.queue.peek()?;
            if q.time > limit {
                return None;
            }
            self.world.queue.pop();
            if let Some(kind) = self.process(q) {
                self.after_event();
                return Some(StepEvent { index: self.world.events, time: self.world.now, kind });
            }
        }
    }

    /// Runs every event up to and including time `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        self.run_until_observed(t, |_| {});
    }

    /// Like [`Sim::run_until`], calling `observe` after every event.
    pub fn run_until_observed(&mut self, t: Time, mut observe: impl FnMut(&StepEvent)) {
        while let Some(e) = self.step_until(t) {
            observe(&e);
        }
        if t > self.world.now {
            self.world.now = t;
        }
        self.apply_due_actions(Some(t));
        self.horizon = self.horizon.max(self.world.now);
    }

    /// Runs `d` of simulated time.
    pub fn run_for(&mut self, d: Duration) {
        let t = self.world.now + d;
        self.run_until(t);
    }

    /// Runs until some live server is leader, for at most `limit`. Returns the leader.
    pub fn run_until_leader(&mut self, limit: Duration) -> Option<ServerId> {
        let end = self.world.now + limit;
        loop {
            if let Some(l) = self.leader() {
                return Some(l);
            }
            if self.step_until(end).is_none() {
                self.run_until(end);
                return self.leader();
            }
        }
    }

    /// Travels to time `t`, back or forward. Going back restores the latest checkpoint
    /// at or before `t` and replays; recorded actions ahead are kept and replay too.
    pub fn seek(&mut self, t: Time) {
        if t < self.world.now {
            let Some(i) = self.checkpoints.iter().rposition(|c| c.world.now <= t) else { return };
            let cp = self.checkpoints[i].clone();
            self.history.truncate(cp.mark);
            self.world = cp.world;
            self.next_action = cp.next_action;
        }
        self.run_until(t);
    }

    /// Travels back to just after event number `n` (or forward to it).
    pub fn seek_event(&mut self, n: u64) {
        if n < self.world.events {
            let Some(i) = self.checkpoints.iter().rposition(|c| c.world.events <= n) else { return };
            let cp = self.checkpoints[i].clone();
            self.history.truncate(cp.mark);
            self.world = cp.world;
            self.next_action = cp.next_action;
        }
        while self.world.events < n {
            if self.step().is_none() {
                break;
            }
        }
    }

    /// Applies a user action now and records it. Acting while in the past forks the run:
    /// the recorded future is discarded.
    pub fn act(&mut self, action: Action) -> Result<(), ActionError> {
        self.apply_action(&action)?;
        // Behind the horizon the recorded future (actions, and checkpoints taken ahead of
        // now) no longer follows from the present: drop it.
        if self.next_action < self.actions.len() || self.world.now < self.horizon {
            self.actions.truncate(self.next_action);
            let now = self.world.now;
            self.checkpoints.retain(|c| c.world.now <= now);
            self.horizon = now;
        }
        self.actions.push(ActionRecord { at_event: self.world.events, time: self.world.now, action });
        self.next_action = self.actions.len();
        Ok(())
    }

    /// Replays a recorded list of actions from the start: the run ends where the last
    /// action was applied, or at `until` if later.
    pub fn replay(
        config: SimConfig,
        initial: Option<Vec<InitialState>>,
        actions: &[ActionRecord],
        until: Time,
    ) -> Result<Sim, ReplayError> {
        let mut sim = match initial {
            Some(i) => Sim::with_initial_state(config, i)?,
            None => Sim::new(config)?,
        };
        for (n, record) in actions.iter().enumerate() {
            while sim.world.events < record.at_event {
                if sim.step().is_none() {
                    break;
                }
            }
            if record.time < sim.world.now {
                return Err(ReplayError::TimedBeforeEvent { action: n + 1, text: record.action.to_string() });
            }
            sim.world.now = record.time;
            sim.act(record.action.clone()).map_err(|error| ReplayError::Failed {
                action: n + 1,
                text: record.action.to_string(),
                error,
            })?;
        }
        sim.run_until(until.max(sim.now()));
        Ok(sim)
    }

    fn apply_due_actions(&mut self, limit: Option<Time>) {
        while let Some(record) = self.actions.get(self.next_action) {
            if record.at_event != self.world.events || limit.is_some_and(|t| record.time > t) {
                break;
            }
            let record = record.clone();
            self.world.now = self.world.now.max(record.time);
            // A recorded action succeeded when it was first applied, and the run is
            // deterministic, so it succeeds again.
            let _ = self.apply_action(&record.action);
            self.next_action += 1;
        }
    }

    fn after_event(&mut self) {
        self.horizon = self.horizon.max(self.world.now);
        if self.world.now >= self.world.liveness.next_check {
            self.check_liveness();
            self.world.liveness.next_check = Time(self.world.now.0 + LIVENESS_CHECK_US);
        }
        if self.checkpoint_interval_us > 0 {
            let last = self.checkpoints.last().map_or(0, |c| c.world.now.0);
            if self.world.now.0 >= last + self.checkpoint_interval_us {
                self.take_checkpoint();
            }
        }
    }

    fn take_checkpoint(&mut self) {
        if self.checkpoints.last().is_some_and(|c| c.world.events >= self.world.events) {
            return;
        }
        self.checkpoints.push(Checkpoint {
            world: self.world.clone(),
            mark: self.history.mark(self.world.now),
            next_action: self.next_action,
        });
        if self.checkpoints.len() > self.world.config.max_checkpoints.max(2) {
            // Thin out: keep every other checkpoint (the first always), and take them half
            // as often from now on. Memory stays bounded; a seek replays at most one
            // interval.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.checkpoint_interval_us *= 2;
        }
    }

    // ---- Events -----------------------------------------------------------------------

    fn schedule(&mut self, time: Time, kind: EventKind) {
        let seq = self.world.next_seq;
        self.world.next_seq += 1;
        self.world.queue.push(Reverse(Queued { time, seq, kind }));
    }

    /// Processes one queued event; `None` if it was stale (a timer since reset, a
    /// message already dropped), which does not count as an event.
    fn process(&mut self, q: Queued) -> Option<StepKind> {
        match q.kind {
            EventKind::Deliver(id) => {
                let record = &self.history.messages[id.0 as usize];
                if record.dropped.is_some() {
                    return None;
                }
                let (to, from) = (record.message.to, record.message.from);
                self.world.now = q.time;
                self.world.events += 1;
                let alive = self.slot(to).is_some_and(|s| s.alive);
                let reason = if !alive {
                    Some(DropReason::ReceiverDown)
                } else if !self.world.topology.can_send(from, to) {
                    Some(DropReason::Partition)
                } else {
                    None
                };
                let record = &mut self.history.messages[id.0 as usize];
                if let Some(reason) = reason {
                    record.dropped = Some((q.time, reason));
                    return Some(StepKind::Dropped { id, reason });
                }
                record.delivered = true;
                let msg = record.message.clone();
                let kind = StepKind::Delivered { id };
                self.world.current_event = Some(kind.clone());
                let i = to.0 as usize - 1;
                let before = self.leader_term(i);
                self.world.servers[i].node.step(q.time, msg);
                self.process_outputs(i, before);
                Some(kind)
            }
            EventKind::ElectionTimeout(server, gen) => {
                let i = server.0 as usize - 1;
                let slot = &self.world.servers[i];
                if !slot.alive || slot.election_gen != gen {
                    return None;
                }
                self.world.now = q.time;
                self.world.events += 1;
                self.world.servers[i].election_deadline = None;
                self.world.servers[i].pinned_deadline = None;
                let kind = StepKind::ElectionTimeout { server };
                self.world.current_event = Some(kind.clone());
                let before = self.leader_term(i);
                self.world.servers[i].node.handle_election_timeout(q.time);
                self.process_outputs(i, before);
                Some(kind)
            }
            EventKind::HeartbeatTimeout(server, gen) => {
                let i = server.0 as usize - 1;
                let slot = &self.world.servers[i];
                if !slot.alive || slot.heartbeat_gen != gen {
                    return None;
                }
                self.world.now = q.time;
                self.world.events += 1;
                self.world.servers[i].heartbeat_deadline = None;
                let kind = StepKind::Heartbeat { server };
                self.world.current_event = Some(kind.clone());
                let before = self.leader_term(i);
                self.world.servers[i].node.handle_heartbeat_timeout(q.time);
                self.process_outputs(i, before);
                Some(kind)
            }
            EventKind::ClientRetry(index, attempt) => {
                let client = self.world.clients.get(index as usize)?;
                if client.status != ClientStatus::Pending || client.attempts.len() as u32 != attempt {
                    return None;
                }
                self.world.now = q.time;
                self.world.events += 1;
                let kind = StepKind::ClientRetry { client: client.client };
                self.world.current_event = Some(kind.clone());
                let target = self.next_client_target(index as usize);
                self.submit(index as usize, target);
                Some(kind)
            }
        }
    }

    fn slot(&self, id: ServerId) -> Option<&ServerSlot> {
        self.world.servers.get((id.0 as usize).checked_sub(1)?)
    }

    fn leader_term(&self, i: usize) -> Option<Term> {
        let n = &self.world.servers[i].node;
        n.is_leader().then(|| n.term())
    }

    /// Acts on what server `i` asked for, after the checker has seen it.
    fn process_outputs(&mut self, i: usize, was_leader: Option<Term>) {
        let mut outputs = std::mem::take(&mut self.outputs);
        self.world.servers[i].node.take_outputs(&mut outputs);
        if outputs.is_empty() {
            self.outputs = outputs;
            return;
        }
        {
            let world = &mut self.world;
            let history = &self.history;
            let current = world.current_event.as_ref();
            let describe = || describe_step(history, current);
            world.checker.observe(&world.servers[i].node, was_leader, &outputs, world.now, world.events, &describe);
        }
        let id = ServerId(i as u32 + 1);
        let now = self.world.now;
        let mut retire: Option<SortedSet<ServerId>> = None;
        for output in outputs.drain(..) {
            match output {
                Output::Send(msg) => self.send(msg),
                Output::ResetElectionTimer => match self.world.servers[i].pinned_deadline {
                    Some(at) if at > now => self.set_election_deadline(i, at),
                    _ => {
                        let timeout = self.draw_election_timeout();
                        self.set_election_deadline(i, now + timeout);
                    }
                },
                Output::StopElectionTimer => {
                    let slot = &mut self.world.servers[i];
                    slot.election_gen = slot.election_gen.wrapping_add(1);
                    slot.election_deadline = None;
                }
                Output::ResetHeartbeatTimer => {
                    let slot = &mut self.world.servers[i];
                    slot.heartbeat_gen = slot.heartbeat_gen.wrapping_add(1);
                    let at = now + Duration::from_ms(self.world.config.heartbeat_ms);
                    slot.heartbeat_deadline = Some(at);
                    let gen = slot.heartbeat_gen;
                    self.schedule(at, EventKind::HeartbeatTimeout(id, gen));
                }
                Output::RoleChanged { role, term } => {
                    self.history.notes.push(Note { time: now, server: id, kind: NoteKind::Role { role, term } });
                }
                Output::ClientReply { client, seq, result } => self.client_reply(id, client, seq, result),
                Output::Membership(event) => {
                    if let MembershipEvent::NewCommitted { index } = &event {
                        if let Some(crate::raft::Payload::Config(c)) =
                            self.world.servers[i].node.log().entry(*index).map(|e| &e.payload)
                        {
                            retire = Some(c.members());
                        }
                    }
                    self.history.notes.push(Note {
                        time: now,
                        server: id,
                        kind: NoteKind::Membership { event: event.clone() },
                    });
                    let status = self.world.membership.get_or_insert_with(|| MembershipStatus {
                        target: SortedSet::new(),
                        started_at: now,
                        phases: Vec::new(),
                        finished: false,
                    });
                    if matches!(event, MembershipEvent::NewCommitted { .. }) {
                        status.finished = true;
                    }
                    status.phases.push((now, id, event));
                }
                Output::SaveHardState { .. }
                | Output::SaveLog { .. }
                | Output::Committed { .. }
                | Output::Applied { .. } => {}
            }
        }
        self.outputs = outputs;
        if let Some(keep) = retire {
            self.retire_all_but(&keep);
        }
    }

    /// §6: once C_new is committed, servers outside it are shut down.
    fn retire_all_but(&mut self, keep: &SortedSet<ServerId>) {
        let now = self.world.now;
        for slot in self.world.servers.iter_mut() {
            let id = slot.node.id();
            if slot.retired || keep.contains(&id) {
                continue;
            }
            slot.node.crash();
            slot.alive = false;
            slot.retired = true;
            slot.election_deadline = None;
            slot.heartbeat_deadline = None;
            slot.election_gen = slot.election_gen.wrapping_add(1);
            slot.heartbeat_gen = slot.heartbeat_gen.wrapping_add(1);
            self.world.checker.observe_crash(id);
            self.history.notes.push(Note { time: now, server: id, kind: NoteKind::Retired });
        }
        self.world.liveness.groups = None;
    }

    fn draw_election_timeout(&mut self) -> Duration {
        let c = &self.world.config;
        let (min, max) = (c.election_timeout_min_ms * 1000, c.election_timeout_max_ms * 1000);
        if c.breaks.is_on(BreakSwitch::EqualTimeouts) || min == max {
            return Duration(min);
        }
        Duration(self.world.rng.random_range(min..=max))
    }

    fn set_election_deadline(&mut self, i: usize, at: Time) {
        let now = self.world.now;
        let slot = &mut self.world.servers[i];
        slot.election_gen = slot.election_gen.wrapping_add(1);
        slot.election_deadline = Some(at);
        slot.election_started = now;
        let (id, gen) = (slot.node.id(), slot.election_gen);
        self.schedule(at, EventKind::ElectionTimeout(id, gen));
    }

    fn draw_latency(&mut self) -> Duration {
        let n = &self.world.config.network;
        let (min, max) = (n.latency_min_ms * 1000, n.latency_max_ms * 1000);
        if min == max {
            return Duration(min);
        }
        Duration(self.world.rng.random_range(min..=max))
    }

    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.world.rng.random::<f64>() < p
    }

    fn send(&mut self, message: Message) {
        let now = self.world.now;
        let copies = if self.chance(self.world.config.network.duplication) { 2 } else { 1 };
        for copy in 0..copies {
            let latency = self.draw_latency();
            let deliver_at = now + latency;
            let halfway = Time(now.0 + latency.0 / 2);
            let dropped = if !self.world.topology.can_send(message.from, message.to) {
                Some((halfway, DropReason::Partition))
            } else if self.chance(self.world.config.network.loss) {
                Some((halfway, DropReason::Loss))
            } else {
                None
            };
            let id = MessageId(self.history.messages.len() as u64);
            if dropped.is_none() {
                self.schedule(deliver_at, EventKind::Deliver(id));
            }
            self.history.messages.push(MessageRecord {
                id,
                message: message.clone(),
                sent_at: now,
                deliver_at,
                dropped,
                delivered: false,
                duplicate: copy == 1,
            });
        }
    }

    // ---- Clients ----------------------------------------------------------------------

    fn submit(&mut self, index: usize, target: ServerId) {
        let now = self.world.now;
        let request = {
            let c = &self.world.clients[index];
            ClientRequest { client: c.client, seq: c.seq, op: c.op.clone() }
        };
        let alive = self.slot(target).is_some_and(|s| s.alive);
        let outcome = if !alive {
            AttemptOutcome::ServerDown
        } else {
            let i = target.0 as usize - 1;
            let before = self.leader_term(i);
            let result = self.world.servers[i].node.propose(now, request);
            let outcome = match result {
                Err(ProposeError::NotLeader { leader_hint }) => AttemptOutcome::Redirected { leader: leader_hint },
                Ok(Proposed::Appended(index)) => AttemptOutcome::Appended { index },
                Ok(Proposed::AlreadyApplied(_)) => AttemptOutcome::AlreadyApplied,
            };
            self.world.clients[index].attempts.push(ClientAttempt {
                at: now,
                server: target,
                outcome: outcome.clone(),
            });
            self.process_outputs(i, before);
            outcome
        };
        if outcome == AttemptOutcome::ServerDown {
            self.world.clients[index].attempts.push(ClientAttempt {
                at: now,
                server: target,
                outcome: outcome.clone(),
            });
        }
        let client = &mut self.world.clients[index];
        if client.status != ClientStatus::Pending {
            return;
        }
        if client.attempts.len() >= MAX_CLIENT_ATTEMPTS {
            client.status = ClientStatus::GaveUp;
            return;
        }
        let attempt = client.attempts.len() as u32;
        let delay = match outcome {
            // A redirect costs a round trip; then the client asks the hinted leader.
            AttemptOutcome::Redirected { leader: Some(_) } => {
                Duration::from_ms(self.world.config.network.latency_max_ms.max(1))
            }
            AttemptOutcome::Redirected { leader: None } | AttemptOutcome::ServerDown => {
                Duration::from_ms(self.world.config.election_timeout_min_ms)
            }
            AttemptOutcome::Appended { .. } | AttemptOutcome::AlreadyApplied => {
                Duration::from_ms(self.world.config.client_timeout_ms)
            }
        };
        self.schedule(now + delay, EventKind::ClientRetry(index as u32, attempt));
    }

    /// Where a client sends its next attempt: the leader it was told of, else the next
    /// server in turn.
    fn next_client_target(&self, index: usize) -> ServerId {
        let c = &self.world.clients[index];
        if let Some(ClientAttempt { outcome: AttemptOutcome::Redirected { leader: Some(l) }, .. }) = c.attempts.last() {
            return *l;
        }
        let active: Vec<ServerId> = self.active_servers().map(|s| s.node.id()).collect();
        let last = c.attempts.last().map(|a| a.server).unwrap_or(ServerId(1));
        let pos = active.iter().position(|s| *s == last).unwrap_or(0);
        active[(pos + 1) % active.len().max(1)]
    }

    fn client_reply(&mut self, from: ServerId, client: ClientId, seq: u64, result: OpResult) {
        let now = self.world.now;
        if let Some(c) = self.world.clients.iter_mut().find(|c| c.client == client && c.seq == seq) {
            if c.status == ClientStatus::Pending {
                self.history.notes.push(Note {
                    time: now,
                    server: from,
                    kind: NoteKind::ClientReply { client: client.0, result: result.to_string() },
                });
                c.status = ClientStatus::Done { at: now, by: from, result };
            }
        }
    }

    // ---- Actions ----------------------------------------------------------------------

    fn live_index(&self, id: ServerId) -> Result<usize, ActionError> {
        let slot = self.slot(id).ok_or(ActionError::NoSuchServer(id))?;
        if slot.retired {
            return Err(ActionError::Retired(id));
        }
        if !slot.alive {
            return Err(ActionError::AlreadyDown(id));
        }
        Ok(id.0 as usize - 1)
    }

    fn existing(&self, id: ServerId) -> Result<usize, ActionError> {
        let slot = self.slot(id).ok_or(ActionError::NoSuchServer(id))?;
        if slot.retired {
            return Err(ActionError::Retired(id));
        }
        Ok(id.0 as usize - 1)
    }

    fn apply_action(&mut self, action: &Action) -> Result<(), ActionError> {
        let now = self.world.now;
        self.world.current_event = Some(StepKind::Action { action: action.to_string() });
        match action {
            Action::Crash { server } => {
                let i = self.live_index(*server)?;
                let slot = &mut self.world.servers[i];
                slot.node.crash();
                slot.alive = false;
                slot.election_deadline = None;
                slot.heartbeat_deadline = None;
                slot.pinned_deadline = None;
                slot.election_gen = slot.election_gen.wrapping_add(1);
                slot.heartbeat_gen = slot.heartbeat_gen.wrapping_add(1);
                self.world.checker.observe_crash(*server);
                self.history.notes.push(Note { time: now, server: *server, kind: NoteKind::Crashed });
                self.world.liveness.groups = None;
            }
            Action::Restart { server } => {
                let i = self.existing(*server)?;
                if self.world.servers[i].alive {
                    return Err(ActionError::AlreadyUp(*server));
                }
                self.world.servers[i].alive = true;
                self.world.servers[i].node.restart();
                self.history.notes.push(Note { time: now, server: *server, kind: NoteKind::Restarted });
                self.process_outputs(i, None);
                self.world.liveness.groups = None;
            }
            Action::ForceTimeout { server } => {
                let i = self.live_index(*server)?;
                if self.world.servers[i].node.is_leader() {
                    return Err(ActionError::IsLeader(*server));
                }
                self.world.servers[i].election_deadline = None;
                self.world.servers[i].election_gen = self.world.servers[i].election_gen.wrapping_add(1);
                self.world.servers[i].node.handle_election_timeout(now);
                self.process_outputs(i, None);
            }
            Action::AlignTimers { servers } => {
                let mut indices = Vec::new();
                for s in servers {
                    let i = self.live_index(*s)?;
                    if self.world.servers[i].node.is_leader() {
                        return Err(ActionError::IsLeader(*s));
                    }
                    indices.push(i);
                }
                if indices.is_empty() {
                    return Err(ActionError::NothingToAlign);
                }
                let at = now + Duration::from_ms(self.world.config.election_timeout_min_ms);
                for i in indices {
                    self.world.servers[i].pinned_deadline = Some(at);
                    self.set_election_deadline(i, at);
                }
            }
            Action::SpreadTimers => {
                for i in 0..self.world.servers.len() {
                    let s = &self.world.servers[i];
                    if s.alive && !s.node.is_leader() {
                        self.world.servers[i].pinned_deadline = None;
                        let d = self.draw_election_timeout();
                        self.set_election_deadline(i, now + d);
                    }
                }
            }
            Action::ClientRequest { via, op } => {
                self.existing(*via)?;
                let index = self.world.clients.len();
                self.world.clients.push(ClientRequestState {
                    client: ClientId(index as u32 + 1),
                    seq: 1,
                    op: op.clone(),
                    submitted_at: now,
                    attempts: Vec::new(),
                    status: ClientStatus::Pending,
                });
                self.submit(index, *via);
            }
            Action::ChangeMembership { add, remove } => self.change_membership(add, remove)?,
            Action::Partition { groups } => {
                if groups.len() < 2 {
                    return Err(ActionError::OneGroup);
                }
                let mut seen = SortedSet::new();
                for s in groups.iter().flatten() {
                    self.existing(*s)?;
                    if !seen.insert(*s) {
                        return Err(ActionError::NamedTwice(*s));
                    }
                }
                self.world.topology.partition(groups);
                self.world.liveness.groups = None;
            }
            Action::Heal => {
                self.world.topology.heal();
                self.world.liveness.groups = None;
            }
            Action::CutLink { from, to, both } | Action::RestoreLink { from, to, both } => {
                self.existing(*from)?;
                self.existing(*to)?;
                if from == to {
                    return Err(ActionError::SelfLink(*from));
                }
                let cut = matches!(action, Action::CutLink { .. });
                let t = &mut self.world.topology;
                let mut apply = |a, b| if cut { t.cut(a, b) } else { t.restore(a, b) };
                apply(*from, *to);
                if *both {
                    apply(*to, *from);
                }
                self.world.liveness.groups = None;
            }
            Action::DropMessage { id } => {
                let record = self.history.messages.get_mut(id.0 as usize).ok_or(ActionError::NotInFlight(*id))?;
                if !record.in_flight_at(now) {
                    return Err(ActionError::NotInFlight(*id));
                }
                record.dropped = Some((now, DropReason::User));
            }
            Action::SetLoss { loss } => {
                let mut n = self.world.config.network.clone();
                n.loss = *loss;
                n.validate().map_err(ActionError::Network)?;
                self.world.config.network = n;
            }
            Action::SetDuplication { duplication } => {
                let mut n = self.world.config.network.clone();
                n.duplication = *duplication;
                n.validate().map_err(ActionError::Network)?;
                self.world.config.network = n;
            }
            Action::SetLatency { min_ms, max_ms } => {
                let mut n = self.world.config.network.clone();
                n.latency_min_ms = *min_ms;
                n.latency_max_ms = *max_ms;
                n.validate().map_err(ActionError::Network)?;
                self.world.config.network = n;
            }
            Action::SetBreak { switch, on } => {
                self.world.config.breaks.set(*switch, *on);
                let breaks = self.world.config.breaks;
                for s in &mut self.world.servers {
                    s.node.set_breaks(breaks);
                }
            }
        }
        Ok(())
    }

    fn change_membership(&mut self, add: &[ServerId], remove: &[ServerId]) -> Result<(), ActionError> {
        let leader = self.leader().ok_or(ActionError::NoLeader)?;
        let li = leader.0 as usize - 1;
        let current = self.world.servers[li].node.configuration().target().clone();
        let members = self.world.servers[li].node.configuration().members();
        let mut target = current.clone();
        let mut next_id = self.world.servers.len() as u32 + 1;
        let mut created = Vec::new();
        for id in add {
            match self.slot(*id) {
                // A server left behind by an abandoned change can be added again.
                Some(slot) if !slot.retired && !members.contains(id) => {}
                Some(_) if members.contains(id) => {
                    return Err(ActionError::AlreadyMember(*id, Configuration::Simple { voters: current }))
                }
                Some(_) => return Err(ActionError::Retired(*id)),
                None if id.0 == next_id => {
                    created.push(*id);
                    next_id += 1;
                }
                None => return Err(ActionError::NotNext { next: ServerId(next_id), found: *id }),
            }
            target.insert(*id);
        }
        for id in remove {
            if !target.remove(id) {
                return Err(ActionError::NotAMember(*id));
            }
        }
        let active_after = self.active_servers().count() + created.len();
        if active_after > MAX_SERVERS as usize {
            return Err(ActionError::TooManyServers(active_after));
        }
        // Ask the leader first, against a copy, so a refusal changes nothing.
        let now = self.world.now;
        let mut probe = self.world.servers[li].node.clone();
        probe.propose_membership(now, target.clone()).map_err(ActionError::Membership)?;
        // Create the new servers: empty logs, no configuration until the leader's arrives.
        let node_config = self.world.config.node_config();
        for id in &created {
            let mut node = Node::new(*id, Configuration::empty(), node_config.clone());
            node.start();
            self.world.checker.add_server(&node);
            self.world.servers.push(ServerSlot::new(node));
            let i = self.world.servers.len() - 1;
            self.history.notes.push(Note { time: now, server: *id, kind: NoteKind::Added });
            self.process_outputs(i, None);
        }
        self.world.membership =
            Some(MembershipStatus { target: target.clone(), started_at: now, phases: Vec::new(), finished: false });
        let before = self.leader_term(li);
        self.world.servers[li].node.propose_membership(now, target).map_err(ActionError::Membership)?;
        self.process_outputs(li, before);
        self.world.liveness.groups = None;
        Ok(())
    }

    // ---- Liveness ---------------------------------------------------------------------

    /// Liveness is judged only while a leader could be elected: loss at most
    /// [`LIVENESS_MAX_LOSS`], a round trip shorter than the minimum election timeout, and
    /// some set Q of live servers that are connected to each other in both directions and
    /// that no other live server can reach, where the most up-to-date member of Q is a
    /// voter and Q holds a quorum of that member's configuration (both halves of a joint
    /// one). Then a leader must appear in Q within [`LIVENESS_TIMEOUTS`] maximum election
    /// timeouts.
    fn check_liveness(&mut self) {
        let c = &self.world.config;
        let judged = c.network.loss <= LIVENESS_MAX_LOSS && 2 * c.network.latency_max_ms < c.election_timeout_min_ms;
        let limit = LIVENESS_TIMEOUTS * c.election_timeout_max_ms * 1000;
        let stuck = judged && self.leaderless_quorum().is_some();
        let now = self.world.now;
        if !stuck {
            self.world.liveness.leaderless_since = None;
            return;
        }
        let since = *self.world.liveness.leaderless_since.get_or_insert(now);
        if now.0 - since.0 > limit && !self.world.checker.violated(Property::Liveness) {
            let q = self.leaderless_quorum().unwrap_or_default();
            let terms = q.iter().filter_map(|s| self.slot(*s)).map(|s| s.node.term()).collect::<SortedSet<_>>();
            let detail = ViolationDetail::NoLeader {
                servers: q.iter().copied().collect(),
                waited: Duration(now.0 - since.0),
                timeouts: LIVENESS_TIMEOUTS,
            };
            let event = describe_step(&self.history, self.world.current_event.as_ref());
            self.world.checker.report(Violation {
                property: Property::Liveness,
                time: now,
                event: self.world.events,
                event_description: event,
                servers: q,
                terms: terms.into_iter().collect(),
                indices: vec![],
                detail,
            });
        }
    }

    /// A quorum group (see [`Sim::check_liveness`]) that has no leader, if there is one.
    fn leaderless_quorum(&mut self) -> Option<Vec<ServerId>> {
        if self.world.liveness.groups.is_none() {
            self.world.liveness.groups = Some(self.isolated_groups());
        }
        let groups = self.world.liveness.groups.as_ref().expect("just computed");
        for q in groups {
            let members: SortedSet<ServerId> = q.iter().copied().collect();
            if q.iter().any(|s| self.slot(*s).is_some_and(|s| s.node.is_leader())) {
                continue;
            }
            let best = q
                .iter()
                .filter_map(|s| self.slot(*s))
                .map(|s| (s.node.log().last_term(), s.node.log().last_index()))
                .max();
            let electable = q.iter().filter_map(|s| self.slot(*s)).any(|s| {
                let n = &s.node;
                Some((n.log().last_term(), n.log().last_index())) == best
                    && n.can_campaign()
                    && n.configuration().vote_result(|id| Some(members.contains(&id))) == crate::raft::VoteResult::Won
            });
            if electable {
                return Some(q.clone());
            }
        }
        None
    }

    /// Sets of live servers, pairwise connected both ways, that no other live server can
    /// send to.
    fn isolated_groups(&self) -> Vec<Vec<ServerId>> {
        let live: Vec<ServerId> = self.world.servers.iter().filter(|s| s.alive).map(|s| s.node.id()).collect();
        let t = &self.world.topology;
        let isolated = |q: &[ServerId]| {
            q.iter().all(|a| q.iter().all(|b| a == b || t.connected(*a, *b)))
                && live.iter().filter(|o| !q.contains(o)).all(|o| q.iter().all(|m| !t.can_send(*o, *m)))
        };
        let mut groups: Vec<Vec<ServerId>> = Vec::new();
        if t.cut_links().is_empty() {
            // Partition groups alone: each group's live members.
            let mut by_group: crate::sorted::SortedMap<u32, Vec<ServerId>> = Default::default();
            for s in &live {
                by_group.get_or_insert_with(t.group_of(*s), Vec::new).push(*s);
            }
            groups.extend(by_group.into_values());
        } else if live.len() <= 12 {
            for mask in 1u32..(1 << live.len()) {
                let q: Vec<ServerId> = (0..live.len()).filter(|b| mask & (1 << b) != 0).map(|b| live[b]).collect();
                if isolated(&q) {
                    groups.push(q);
                }
            }
        }
        groups
    }
}

impl ServerSlot {
    fn new(node: Node) -> ServerSlot {
        ServerSlot {
            node,
            alive: true,
            retired: false,
            election_deadline: None,
            election_started: Time::ZERO,
            heartbeat_deadline: None,
            pinned_deadline: None,
            election_gen: 0,
            heartbeat_gen: 0,
        }
    }
}

/// An event in words (`start` before the first), with the message's contents for a
/// delivery or a drop: `deliver message 12: S1→S3 t2 AppendEntries …`.
fn describe_step(history: &History, kind: Option<&StepKind>) -> String {
    match kind {
        None => "start".to_string(),
        Some(k @ (StepKind::Delivered { id } | StepKind::Dropped { id, .. })) => {
            let summary = history.messages.get(id.0 as usize).map(|m| m.message.summary());
            format!("{k}: {}", summary.unwrap_or_default())
        }
        Some(other) => other.to_string(),
    }
}

/// FNV-1a: a tiny hash that gives the same answer on every platform.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
