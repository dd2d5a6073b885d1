//! What a node hands its host ([`Output`], membership events and their [`Phase`]), and
//! what a proposal returns ([`Proposed`], [`ProposeError`], [`ChangeError`]).

use super::kv::OpResult;
use super::message::Message;
use super::quorum::Configuration;
use super::types::{ClientId, LogIndex, ServerId, Term};
use super::RoleKind;
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The phases of a membership change, as the leader drives it (§6).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "kebab-case")]
pub enum MembershipEvent {
    CatchingUp {
        servers: SortedSet<ServerId>,
    },
    JointAppended {
        index: LogIndex,
    },
    JointCommitted {
        index: LogIndex,
    },
    NewAppended {
        index: LogIndex,
    },
    NewCommitted {
        index: LogIndex,
    },
    /// The leader was not in C_new and stepped down once C_new committed.
    LeaderSteppedDown,
    /// §4.2.1: `servers` did not catch up within [`CATCH_UP_TIMEOUTS`] election timeouts,
    /// so the leader abandoned the change before C_old,new; the configuration stays C_old.
    CatchUpAborted {
        servers: SortedSet<ServerId>,
    },
}

/// §4.2.1: a leader abandons a change whose new servers have not caught up within this
/// many minimum election timeouts (the dissertation's fixed number of rounds: each round
/// that takes longer than an election timeout is followed by another).
pub const CATCH_UP_TIMEOUTS: u64 = 10;

impl MembershipEvent {
    /// Which phase this event reports.
    pub fn phase(&self) -> Phase {
        match self {
            MembershipEvent::CatchingUp { .. } => Phase::CatchingUp,
            MembershipEvent::JointAppended { .. } => Phase::JointAppended,
            MembershipEvent::JointCommitted { .. } => Phase::JointCommitted,
            MembershipEvent::NewAppended { .. } => Phase::NewAppended,
            MembershipEvent::NewCommitted { .. } => Phase::NewCommitted,
            MembershipEvent::LeaderSteppedDown => Phase::LeaderSteppedDown,
            MembershipEvent::CatchUpAborted { .. } => Phase::CatchUpAborted,
        }
    }
}

/// The phases of a membership change by name, in the order a change goes through them
/// (§6): the one type for them, reached through [`MembershipEvent::phase`]. Its names
/// are the `phase` tags of a [`MembershipEvent`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    CatchingUp,
    JointAppended,
    JointCommitted,
    NewAppended,
    NewCommitted,
    /// Only when the leader was not in C_new.
    LeaderSteppedDown,
    /// Only when the new servers did not catch up in time (§4.2.1): the change ends here.
    CatchUpAborted,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Phase::CatchingUp,
        Phase::JointAppended,
        Phase::JointCommitted,
        Phase::NewAppended,
        Phase::NewCommitted,
        Phase::LeaderSteppedDown,
        Phase::CatchUpAborted,
    ];
    /// The steps every change goes through, in order (a leader steps down only when the
    /// change removed it).
    pub const STEPS: [Phase; 5] =
        [Phase::CatchingUp, Phase::JointAppended, Phase::JointCommitted, Phase::NewAppended, Phase::NewCommitted];

    pub fn name(self) -> &'static str {
        match self {
            Phase::CatchingUp => "catching-up",
            Phase::JointAppended => "joint-appended",
            Phase::JointCommitted => "joint-committed",
            Phase::NewAppended => "new-appended",
            Phase::NewCommitted => "new-committed",
            Phase::LeaderSteppedDown => "leader-stepped-down",
            Phase::CatchUpAborted => "catch-up-aborted",
        }
    }
}

/// What a node asks its host to do, or tells it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    Send(Message),
    /// currentTerm and votedFor were written to stable storage.
    SaveHardState {
        term: Term,
        voted_for: Option<ServerId>,
    },
    /// Log entries from `from` on were written; anything after `last` is gone.
    SaveLog {
        from: LogIndex,
        last: LogIndex,
    },
    /// §7: the server saved a snapshot of its own state machine up to `last_index` (whose
    /// entry has term `last_term`), and compacted its log to the entries after it.
    SnapshotTaken {
        last_index: LogIndex,
        last_term: Term,
    },
    /// Figure 13: the server saved a snapshot from the leader, ending at `last_index`, and
    /// reset its state machine to it; its log is what follows that entry, if it had it.
    SnapshotInstalled {
        last_index: LogIndex,
        last_term: Term,
    },
    /// Start (or restart) the election timer with a fresh randomized timeout.
    ResetElectionTimer,
    /// Stop the election timer (a leader has none).
    StopElectionTimer,
    /// Start (or restart) the heartbeat timer.
    ResetHeartbeatTimer,
    RoleChanged {
        role: RoleKind,
        term: Term,
    },
    /// The commit index advanced to `index`.
    Committed {
        index: LogIndex,
    },
    /// The entries `first..=last` were applied to the state machine, in order.
    Applied {
        first: LogIndex,
        last: LogIndex,
    },
    /// A reply to a client, from the leader that applied its request.
    ClientReply {
        client: ClientId,
        seq: u64,
        result: OpResult,
    },
    Membership(MembershipEvent),
    /// PreVote, CheckQuorum and leadership transfer tell what they did.
    Protocol(super::node::ProtocolEvent),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ProposeError {
    /// The lecture's client protocol: a follower redirects to the leader it knows.
    #[error("{}", NotLeader(*.leader_hint))]
    NotLeader { leader_hint: Option<ServerId> },
    /// Dissertation §3.10: a leader handing over to `to` accepts no new requests.
    #[error("handing leadership over to {to}; try {to}")]
    Transferring { to: ServerId },
}

/// "Not the leader", with the leader to try when one is known: said the same way by a
/// refused proposal and a refused membership change.
pub(crate) struct NotLeader(pub(crate) Option<ServerId>);

impl fmt::Display for NotLeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(l) => write!(f, "not the leader; try {l}"),
            None => f.write_str("not the leader, and no leader is known"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proposed {
    /// Appended at this index; the reply comes when it is applied.
    Appended(LogIndex),
    /// A retry of a request that was already applied: answered at once, not appended.
    AlreadyApplied(OpResult),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChangeError {
    #[error("{}", NotLeader(*.leader_hint))]
    NotLeader { leader_hint: Option<ServerId> },
    /// §6: only one change is in flight at a time.
    #[error("a membership change is already in progress: {reason}")]
    ChangeInProgress { reason: InProgress },
    #[error("the new configuration must keep at least one server")]
    EmptyConfiguration,
    #[error("the new configuration is the same as the current one")]
    NoChange,
    /// Dissertation §4.1: a single-server change adds or removes exactly one server.
    #[error("a single-server change adds or removes exactly one server (this adds {}, removes {})", Servers(.added), Servers(.removed))]
    NotOneServer { added: Vec<ServerId>, removed: Vec<ServerId> },
    /// The 2015 fix to §4.1: a leader starts a single-server change only once it has
    /// committed an entry of its current term.
    #[error("the leader has not yet committed an entry of its term {term}")]
    NoEntryOfTermCommitted { term: Term },
}

/// A list of servers, `S4, S5`, or `none`.
struct Servers<'a>(&'a [ServerId]);

impl fmt::Display for Servers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let servers: Vec<String> = self.0.iter().map(|s| s.to_string()).collect();
        f.write_str(&servers.join(", "))
    }
}

/// Why the change in flight is not finished, so that a new one must wait (§6). Data, so
/// that the page can say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InProgress {
    /// New servers are still catching up as non-voting members.
    CatchingUp(Vec<ServerId>),
    /// The joint configuration C_old,new (shown) is in force: C_new is not committed yet.
    Joint(Configuration),
    /// The latest configuration entry, at this index, is not committed yet.
    Uncommitted(LogIndex),
}

impl fmt::Display for InProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InProgress::CatchingUp(servers) => write!(f, "{} catching up", Servers(servers)),
            InProgress::Joint(config) => write!(f, "C_old,new {config} is in force"),
            InProgress::Uncommitted(index) => write!(f, "configuration entry {index} is not committed yet"),
        }
    }
}
