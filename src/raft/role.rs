//! What a node is and may be: its settings ([`NodeConfig`]), its role with the state only
//! that role has ([`Role`]: a candidate's votes, a leader's progress and pending change).

use super::breaks::BreakSwitches;
use super::node::{ChangeMethod, Transfer};
use super::options::ProtocolOptions;
use super::types::{Duration, LogIndex, ServerId, Time};
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Settings of one node that do not change during a run (but break-switches may).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeConfig {
    /// The minimum election timeout. Used for §6's rule that a server ignores RequestVote
    /// within this long of hearing from a current leader.
    pub election_timeout_min: Duration,
    /// The maximum election timeout: how long CheckQuorum waits for a quorum, and a
    /// leadership transfer for its target to win.
    #[serde(default = "default_election_timeout_max")]
    pub election_timeout_max: Duration,
    /// At most this many entries travel in one AppendEntries.
    pub max_entries_per_append: usize,
    pub breaks: BreakSwitches,
    #[serde(default)]
    pub options: ProtocolOptions,
    /// Log compaction (§7): take a snapshot after every this many applied entries.
    /// `None` (the default, the paper's Figure 2): the log is never compacted.
    #[serde(default)]
    pub snapshot_every: Option<u64>,
}

fn default_election_timeout_max() -> Duration {
    Duration::from_ms(300)
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            election_timeout_min: Duration::from_ms(150),
            election_timeout_max: default_election_timeout_max(),
            max_entries_per_append: 64,
            breaks: BreakSwitches::default(),
            options: ProtocolOptions::default(),
            snapshot_every: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleKind {
    Follower,
    Candidate,
    Leader,
    /// Dissertation §9.6: asking for pre-votes, in its old term (PreVote on).
    #[serde(rename = "pre-candidate")]
    PreCandidate,
}

impl RoleKind {
    pub fn name(self) -> &'static str {
        match self {
            RoleKind::Follower => "follower",
            RoleKind::Candidate => "candidate",
            RoleKind::Leader => "leader",
            RoleKind::PreCandidate => "pre-candidate",
        }
    }
}

impl fmt::Display for RoleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A leader's view of one peer's log (Figure 2, "Volatile state on leaders").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Progress {
    /// The next entry to send. Invariant: `match_index < next_index`.
    pub next_index: LogIndex,
    /// The highest entry known to be replicated on the peer.
    pub match_index: LogIndex,
}

/// A membership change the leader has accepted but not yet put in the log: the new
/// servers are catching up as non-voting members, learners (§6, §4.2.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PendingChange {
    pub target: SortedSet<ServerId>,
    /// Joint consensus (§6) or one server at a time (dissertation §4.1): what the leader
    /// appends once the new servers have caught up.
    #[serde(default)]
    pub method: ChangeMethod,
    /// The current round's goal (§4.2.1): the new servers count as caught up once they hold
    /// the log up to here, the leader's last index when the round began.
    pub catch_up_index: LogIndex,
    /// When the change was asked for: past [`CATCH_UP_TIMEOUTS`](super::output::CATCH_UP_TIMEOUTS)
    /// election timeouts from here, the leader abandons it.
    pub started_at: Time,
    /// When the current round began; a round that takes longer than an election timeout
    /// is followed by another, to the end of the log as it then is.
    pub round_started_at: Time,
    /// 1 for the first round.
    pub round: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeaderState {
    /// One entry per replication target: every member of the configuration but the
    /// leader, plus servers catching up.
    pub progress: SortedMap<ServerId, Progress>,
    pub change: Option<PendingChange>,
    /// When this server became leader.
    pub since: Time,
    /// When the leader last heard from each server in its term (for CheckQuorum).
    pub contacts: SortedMap<ServerId, Time>,
    /// A leadership transfer in progress (dissertation §3.10).
    pub transfer: Option<Transfer>,
}

/// State that only one role has lives inside that role. Only `become_*` change it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Follower,
    /// Votes received so far in this term: `true` for granted, `false` for refused.
    Candidate {
        votes: SortedMap<ServerId, bool>,
    },
    Leader(LeaderState),
    /// Pre-votes received so far (dissertation §9.6), in the current term.
    PreCandidate {
        votes: SortedMap<ServerId, bool>,
    },
}

impl Role {
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Follower => RoleKind::Follower,
            Role::Candidate { .. } => RoleKind::Candidate,
            Role::Leader(_) => RoleKind::Leader,
            Role::PreCandidate { .. } => RoleKind::PreCandidate,
        }
    }
}
