//! What a user (or a scenario) can do to a running cluster: [`Action`], why one is
//! refused ([`ActionError`]), and how the simulator applies one.

use super::history::{DropReason, MessageId, Note, NoteKind};
use super::{ClientRequestState, ClientStatus, ConfigError, Sim, StepKind, Timer, MAX_SERVERS};
use crate::raft::{
    BreakSwitch, ChangeError, ChangeMethod, ClientId, Configuration, Duration, Node, Op, ProtocolOption, ServerId,
    TransferError,
};
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Everything a user (or a scenario) can do to a running cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Crash {
        server: ServerId,
    },
    /// The server crashes right after it sends its next message (Figure 2: the writes
    /// it asked for before that message are on disk, the rest are lost): a crash between
    /// persisting and sending.
    CrashAfterSending {
        server: ServerId,
    },
    /// Shuts down for good a server that a committed C_new left out (until then it keeps
    /// running).
    Shutdown {
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
    /// A membership change: new servers are created and caught up, then C_old,new and
    /// C_new (joint consensus, §6), or C_new at once (one server, dissertation §4.1).
    ChangeMembership {
        add: Vec<ServerId>,
        remove: Vec<ServerId>,
        /// Absent in actions written before single-server changes: joint consensus.
        #[serde(default)]
        method: ChangeMethod,
    },
    /// Servers in different groups cannot talk. Servers not named join the first group.
    Partition {
        groups: Vec<Vec<ServerId>>,
    },
    /// Removes every partition and cut link, and cancels every pending crash after
    /// sending ([`Action::CrashAfterSending`]): the end of every fault.
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
    /// Turns PreVote or CheckQuorum on or off on every server from now on.
    SetOption {
        option: ProtocolOption,
        on: bool,
    },
    /// Log compaction (§7) after every `every` applied entries on every server from now
    /// on (`None`: no more snapshots; the ones taken stay).
    SetSnapshots {
        every: Option<u64>,
    },
    /// Dissertation §3.10: the leader hands leadership over to `to`.
    TransferLeadership {
        to: ServerId,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[ServerId]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ");
        match self {
            Action::Crash { server } => write!(f, "crash {server}"),
            Action::CrashAfterSending { server } => write!(f, "crash {server} after sending"),
            Action::Shutdown { server } => write!(f, "shutdown {server}"),
            Action::Restart { server } => write!(f, "restart {server}"),
            Action::ForceTimeout { server } => write!(f, "timeout {server}"),
            Action::AlignTimers { servers } => write!(f, "align-timers {}", list(servers)),
            Action::SpreadTimers => write!(f, "spread-timers"),
            Action::ClientRequest { via, op } => write!(f, "request {via} {op}"),
            Action::ChangeMembership { add, remove, method } => {
                write!(f, "membership")?;
                if !add.is_empty() {
                    write!(f, " add {}", list(add))?;
                }
                if !remove.is_empty() {
                    write!(f, " remove {}", list(remove))?;
                }
                // Joint consensus is the default and is not written, so old links read the same.
                if *method != ChangeMethod::Joint {
                    write!(f, " {method}")?;
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
            Action::SetOption { option, on } => write!(f, "option {option} {}", if *on { "on" } else { "off" }),
            Action::SetSnapshots { every: Some(n) } => write!(f, "option snapshots {n}"),
            Action::SetSnapshots { every: None } => f.write_str("option snapshots off"),
            Action::TransferLeadership { to } => write!(f, "transfer {to}"),
        }
    }
}

/// Why an action was refused. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ActionError {
    #[error("there is no server {0}")]
    NoSuchServer(ServerId),
    #[error("{0} was removed from the cluster and shut down")]
    Retired(ServerId),
    #[error("{0} is in the cluster; only a server a committed C_new left out can be shut down")]
    NotRemoved(ServerId),
    #[error("{0} is already down")]
    AlreadyDown(ServerId),
    #[error("{0} is already running")]
    AlreadyUp(ServerId),
    #[error("{0} is the leader and has no election timer")]
    IsLeader(ServerId),
    #[error("there is no leader to ask; wait for an election")]
    NoLeader,
    /// The leader refused the change (the reason is part of the message).
    #[error("membership change refused: {0}")]
    Membership(ChangeError),
    /// Adding would make the cluster larger than [`MAX_SERVERS`].
    #[error("the cluster would have {0} servers; at most {MAX_SERVERS} are allowed")]
    TooManyServers(usize),
    #[error("{0} is not a member of the configuration")]
    NotAMember(ServerId),
    #[error("message {} is not in flight", .0.0)]
    NotInFlight(MessageId),
    /// `align-timers` with no server whose timer could be aligned.
    #[error("name at least one server whose timer to align")]
    NothingToAlign,
    /// A partition into fewer than two groups.
    #[error("a partition needs at least two groups")]
    OneGroup,
    /// A server named in two groups of a partition.
    #[error("{0} is named in two groups")]
    NamedTwice(ServerId),
    /// A link from a server to itself.
    #[error("a link joins two different servers, not {0} to itself")]
    SelfLink(ServerId),
    /// Adding a server that is already a member of the configuration (shown).
    #[error("{0} is already a member of {1}")]
    AlreadyMember(ServerId, Configuration),
    /// New servers take the next id: `next`, not `found`.
    #[error("new servers are numbered in order: the next one is {next}, not {found}")]
    NotNext { next: ServerId, found: ServerId },
    /// A network setting (or the snapshot interval) out of range.
    #[error(transparent)]
    Network(ConfigError),
    /// The leader refused a leadership transfer.
    #[error("leadership transfer refused: {0}")]
    Transfer(TransferError),
}

impl Sim {
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

    pub(super) fn existing(&self, id: ServerId) -> Result<usize, ActionError> {
        let slot = self.slot(id).ok_or(ActionError::NoSuchServer(id))?;
        if slot.retired {
            return Err(ActionError::Retired(id));
        }
        Ok(id.0 as usize - 1)
    }

    /// Takes server `i` down: it loses its volatile state (§5.1: a crash keeps only the
    /// persistent state) and its timers, and the checker and the history hear of it.
    /// Used by a crash and by retiring a server C_new left out.
    pub(super) fn shut_down(&mut self, i: usize, note: NoteKind) {
        let now = self.world.now;
        let slot = &mut self.world.servers[i];
        let id = slot.node.id();
        slot.node.crash(&slot.stable);
        slot.crash_after_send = false;
        slot.alive = false;
        slot.disarm_timers();
        self.world.leaders.remove(&id);
        self.world.checker.observe_crash(&self.world.servers[i].node);
        self.history.notes.push(Note { time: now, server: id, kind: note });
        self.world.liveness.groups = None;
        self.check_change_lost(i);
    }

    pub(super) fn apply_action(&mut self, action: &Action) -> Result<(), ActionError> {
        let now = self.world.now;
        self.world.current_event = Some(StepKind::Action { action: action.to_string() });
        match action {
            Action::Crash { server } => {
                let i = self.live_index(*server)?;
                self.shut_down(i, NoteKind::Crashed);
            }
            Action::Shutdown { server } => self.shut_down_removed(*server)?,
            Action::CrashAfterSending { server } => {
                let i = self.live_index(*server)?;
                self.world.servers[i].crash_after_send = true;
            }
            Action::Restart { server } => {
                let i = self.existing(*server)?;
                if self.world.servers[i].alive {
                    return Err(ActionError::AlreadyUp(*server));
                }
                self.world.servers[i].alive = true;
                self.history.notes.push(Note { time: now, server: *server, kind: NoteKind::Restarted });
                self.drive(i, Node::restart);
                self.world.liveness.groups = None;
            }
            Action::ForceTimeout { server } => {
                let i = self.live_index(*server)?;
                if self.world.servers[i].node.is_leader() {
                    return Err(ActionError::IsLeader(*server));
                }
                self.world.servers[i].disarm(Timer::Election);
                self.drive(i, |node| node.handle_election_timeout(now));
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
                    self.arm_timer(i, Timer::Election, at);
                }
            }
            Action::SpreadTimers => {
                for i in 0..self.world.servers.len() {
                    let s = &self.world.servers[i];
                    if s.alive && !s.node.is_leader() {
                        self.world.servers[i].pinned_deadline = None;
                        let d = self.draw_election_timeout();
                        self.arm_timer(i, Timer::Election, now + d);
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
            Action::ChangeMembership { add, remove, method } => self.change_membership(add, remove, *method)?,
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
                for slot in &mut self.world.servers {
                    slot.crash_after_send = false;
                }
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
            Action::SetOption { option, on } => {
                self.world.config.options.set(*option, *on);
                let options = self.world.config.options;
                for s in &mut self.world.servers {
                    s.node.set_options(options);
                }
            }
            Action::SetSnapshots { every } => {
                if let Some(n) = every {
                    super::limits::Setting::SnapshotEvery.check(*n).map_err(ActionError::Network)?;
                }
                self.world.config.snapshot_every = *every;
                for s in &mut self.world.servers {
                    s.node.set_snapshot_every(*every);
                }
            }
            Action::TransferLeadership { to } => {
                self.existing(*to)?;
                let leader = self.leader().ok_or(ActionError::NoLeader)?;
                let i = leader.0 as usize - 1;
                self.drive(i, |node| node.transfer_leadership(now, *to)).map_err(ActionError::Transfer)?;
            }
        }
        Ok(())
    }
}
