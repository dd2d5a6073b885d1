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
//!
//! The parts: this file holds the [`Sim`], its world and its reading side; `config` the
//! settings; `events` the event loop and the hosting of each node's outputs; `actions`
//! what a user can do; `clients` the client requests; `membership` the hosting of §6's
//! changes; `liveness` the liveness watch; `travel` checkpoints, seeking and replay.

mod actions;
pub mod checker;
mod clients;
mod config;
mod events;
pub mod history;
pub mod limits;
mod liveness;
mod membership;
pub mod network;
pub mod replay;
mod travel;
mod work;
pub mod workload;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_disk;
#[cfg(test)]
mod tests_lost;
#[cfg(test)]
mod tests_removed;
#[cfg(test)]
mod tests_snapshot;

/// A default cluster with the given seed, run until it has a leader (for tests).
#[cfg(test)]
pub(crate) fn elected(seed: u64) -> Sim {
    let mut sim = Sim::new(SimConfig { seed, ..SimConfig::default() }).unwrap();
    sim.run_until_leader(crate::raft::Duration::from_ms(5_000)).expect("a leader");
    sim
}

pub use actions::{Action, ActionError};
pub use clients::{AttemptOutcome, ClientAttempt, ClientRequestState, ClientStatus};
pub use config::{ConfigError, InitialState, SimConfig};
use events::{EventKind, Queued, Timer};
pub use events::{StepEvent, StepKind};
pub use history::{
    ActionRecord, DropReason, History, HistoryMark, MessageId, MessageLog, MessageRecord, Note, NoteKind,
};
use liveness::LivenessWatch;
pub use liveness::{LIVENESS_MAX_LOSS, LIVENESS_TIMEOUTS};
pub use membership::{ChangeLost, MembershipStatus};
pub use network::{NetworkConfig, Topology};
use travel::Checkpoint;
pub use travel::{ReplayError, SeekTo};
pub use work::Work;

use crate::raft::{
    BreakSwitches, Configuration, Entry, LogIndex, Node, Output, ProtocolOptions, RoleKind, ServerId, Stable, Term,
    Time,
};
use crate::sorted::SortedSet;
use checker::{Checker, Property, Violation};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The largest cluster the page and scenarios allow.
pub const MAX_SERVERS: u32 = 9;

/// One server as the simulator hosts it.
#[derive(Clone, Debug)]
pub struct ServerSlot {
    pub node: Node,
    pub alive: bool,
    /// Left out of a committed C_new (§6): no longer in the cluster, but still running
    /// (timing out, campaigning) until it is shut down.
    pub removed: bool,
    /// Shut down after its removal ([`Action::Shutdown`]); it will not run again.
    pub retired: bool,
    pub election_deadline: Option<Time>,
    /// When the current election timer was started, for drawing it draining.
    pub election_started: Time,
    pub heartbeat_deadline: Option<Time>,
    /// What the server has written to stable storage: the writes its node asked for
    /// (`SaveHardState`, `SaveLog`), carried out in order. A crash keeps this and nothing
    /// else.
    pub stable: Stable,
    /// Set by [`Action::CrashAfterSending`]: the server crashes right after the first
    /// message of its next step that sends one; what it asked for after that message
    /// (writes included) is lost.
    pub crash_after_send: bool,
    /// Set by [`Action::AlignTimers`]: the election timer fires at this instant even if
    /// it is reset before (by a heartbeat still in flight, say).
    pub pinned_deadline: Option<Time>,
    /// When the queued firing of the current election generation is due: a reset to a
    /// later deadline leaves it queued, and it queues itself again at the deadline when
    /// it comes (a follower resets the timer at every heartbeat: no heap push for each).
    election_queued: Option<Time>,
    election_gen: u32,
    heartbeat_gen: u32,
}

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
    /// The live servers that are leaders, kept from their `RoleChanged` outputs and their
    /// crashes, so that finding the leader does not scan every server ever run (a long
    /// sweep keeps hundreds of removed servers running).
    leaders: SortedSet<ServerId>,
}

impl World {
    /// About how many bytes a copy of this world holds: the structure, the servers and
    /// their logs, the event queue and the client requests.
    fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        // Each log twice: in memory and on the server's disk.
        let logs: usize =
            self.servers.iter().map(|s| (s.node.log().last_index().0 + s.stable.log.last_index().0) as usize).sum();
        size_of::<World>()
            + self.servers.len() * size_of::<ServerSlot>()
            + logs * size_of::<Entry>()
            + self.queue.len() * size_of::<Queued>()
            + self.clients.len() * size_of::<ClientRequestState>()
    }
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
    /// The memory the history and the checkpoints may hold, in bytes (see
    /// [`limits::MEMORY_BUDGET_BYTES`] and `travel::keep_within_budget`).
    memory_budget: usize,
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
        config.validate()?; // before allocating one slot per server
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
        let at_max = |s: &InitialState| s.term == Term::MAX || s.log.iter().any(|e| e.term == Term::MAX);
        if let Some(i) = initial.iter().position(at_max) {
            return Err(ConfigError::TermAtMaximum { server: ServerId(i as u32 + 1) });
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
            leaders: SortedSet::new(),
        };
        let mut sim = Sim {
            world,
            history: History::default(),
            actions: Vec::new(),
            next_action: 0,
            checkpoints: Vec::new(),
            checkpoint_interval_us,
            memory_budget: limits::MEMORY_BUDGET_BYTES,
            horizon: Time::ZERO,
            outputs: Vec::new(),
            origin,
        };
        for i in 0..sim.world.servers.len() {
            sim.drive(i, Node::start);
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
    /// Servers that are part of the cluster now: not removed by a committed C_new (nor
    /// shut down after it).
    pub fn active_servers(&self) -> impl Iterator<Item = &ServerSlot> {
        self.world.servers.iter().filter(|s| !s.retired && !s.removed)
    }
    /// Servers a committed C_new left out that still run (or are down but not shut down).
    pub fn removed_servers(&self) -> impl Iterator<Item = &ServerSlot> {
        self.world.servers.iter().filter(|s| s.removed && !s.retired)
    }
    /// The live leader with the highest term, if any.
    pub fn leader(&self) -> Option<ServerId> {
        self.live_leaders().iter().filter_map(|id| self.server(*id)).max_by_key(|s| s.node.term()).map(|s| s.node.id())
    }
    /// Every live leader (more than one during a partition, or with a broken rule).
    pub fn leaders(&self) -> Vec<ServerId> {
        self.live_leaders().iter().copied().collect()
    }
    /// The live leaders, in id order.
    fn live_leaders(&self) -> &SortedSet<ServerId> {
        debug_assert!(
            self.world.leaders.iter().copied().eq(self
                .world
                .servers
                .iter()
                .filter(|s| s.alive && s.node.is_leader())
                .map(|s| s.node.id())),
            "the set of leaders follows every role change"
        );
        &self.world.leaders
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
    pub fn options(&self) -> ProtocolOptions {
        self.world.config.options
    }
    /// The time of the next pending event, if any.
    pub fn next_event_time(&self) -> Option<Time> {
        self.world.queue.peek().map(|Reverse(q)| q.time)
    }
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The earliest time the page can travel back to: the start, unless older history
    /// was dropped to stay within the memory budget ([`History::reach`]).
    pub fn reach(&self) -> Time {
        self.history.reach()
    }

    /// An estimate of the bytes the history and the checkpoints hold (what the memory
    /// budget counts).
    pub fn memory_bytes(&self) -> usize {
        self.history.heap_bytes() + self.checkpoints.iter().map(|c| c.world.approx_bytes()).sum::<usize>()
    }

    /// Sets the memory budget of the history and the checkpoints (tests use small ones;
    /// the default is [`limits::MEMORY_BUDGET_BYTES`]).
    pub fn set_memory_budget(&mut self, bytes: usize) {
        self.memory_budget = bytes;
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
}

impl ServerSlot {
    /// The generation of `timer`: a queued firing of another generation is stale.
    fn timer_gen(&self, timer: Timer) -> u32 {
        match timer {
            Timer::Election => self.election_gen,
            Timer::Heartbeat => self.heartbeat_gen,
        }
    }

    /// Stops `timer`: a firing already queued becomes stale.
    fn disarm(&mut self, timer: Timer) {
        match timer {
            Timer::Election => {
                self.election_gen = self.election_gen.wrapping_add(1);
                self.election_deadline = None;
                self.election_queued = None;
            }
            Timer::Heartbeat => {
                self.heartbeat_gen = self.heartbeat_gen.wrapping_add(1);
                self.heartbeat_deadline = None;
            }
        }
    }

    /// Stops both timers and forgets an aligned deadline: the one way a server that goes
    /// down (crashed or retired) loses its timers.
    fn disarm_timers(&mut self) {
        self.disarm(Timer::Election);
        self.disarm(Timer::Heartbeat);
        self.pinned_deadline = None;
    }

    fn new(node: Node) -> ServerSlot {
        ServerSlot {
            stable: node.stable(),
            crash_after_send: false,
            node,
            alive: true,
            removed: false,
            retired: false,
            election_deadline: None,
            election_started: Time::ZERO,
            heartbeat_deadline: None,
            pinned_deadline: None,
            election_queued: None,
            election_gen: 0,
            heartbeat_gen: 0,
        }
    }
}

/// An event in words (`start` before the first), with the message's contents for a
/// delivery or a drop: `deliver message 12: S1→S3 t2 AppendEntries …`. English for
/// `raftsim` and the tests: empty in the page's wasm ([`crate::english`]).
fn describe_step(history: &History, kind: Option<&StepKind>) -> String {
    if !crate::english::NATIVE {
        return String::new();
    }
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
