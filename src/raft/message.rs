//! The RPCs of Figure 2, as plain data.

use super::log::Entry;
use super::snapshot::Snapshot;
use super::types::{LogIndex, ServerId, Term};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    pub from: ServerId,
    pub to: ServerId,
    /// The sender's currentTerm (Figure 2: every RPC and reply carries it).
    pub term: Term,
    pub body: MessageBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum MessageBody {
    /// §5.2: a candidate asks for a vote. `transfer` marks the election a TimeoutNow
    /// started (dissertation §3.10, §4.2.3): voters disregard the §6 lease for it.
    RequestVote {
        last_log_index: LogIndex,
        last_log_term: Term,
        #[serde(default)]
        transfer: bool,
    },
    RequestVoteReply {
        granted: bool,
    },
    /// §5.3: replicate entries; with no entries it is a heartbeat.
    AppendEntries {
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: LogIndex,
    },
    /// On success, `match_index` is the last index the follower now shares with the
    /// leader. On failure it is a hint: the follower's log is no longer than this, so the
    /// leader may back nextIndex off past it at once.
    AppendEntriesReply {
        success: bool,
        match_index: LogIndex,
    },
    /// Dissertation §9.6: a pre-candidate asks whether it could win an election. The
    /// message's term is the term it would campaign in (its own plus one); the voter
    /// changes nothing on receiving it.
    PreVote {
        last_log_index: LogIndex,
        last_log_term: Term,
    },
    /// A granted pre-vote carries the term asked about; a refused one the voter's term.
    PreVoteReply {
        granted: bool,
    },
    /// Dissertation §3.10: the leader tells an up-to-date server to start an election now.
    TimeoutNow,
    /// §7, Figure 13: the leader sends its snapshot to a follower that needs an entry the
    /// leader has already compacted away (in one chunk: `offset` 0, `done` true).
    InstallSnapshot {
        snapshot: Box<Snapshot>,
    },
    /// Figure 13's reply carries only the term; this one also names the snapshot's last
    /// index, which the follower now holds, so that the leader can advance matchIndex.
    InstallSnapshotReply {
        last_index: LogIndex,
    },
}

impl MessageBody {
    /// A pre-vote or its reply (dissertation §9.6): it only asks about a term, so it
    /// changes no term, neither the sender's nor the receiver's. `Node::step` hands these to
    /// the pre-vote rules, and the checker does not count their terms as terms taken.
    pub fn is_pre_vote(&self) -> bool {
        matches!(self, MessageBody::PreVote { .. } | MessageBody::PreVoteReply { .. })
    }
}

/// The kind of a message, for drawing and counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    RequestVote,
    VoteGranted,
    VoteRefused,
    AppendEntries,
    Heartbeat,
    AppendOk,
    AppendFailed,
    PreVote,
    PreVoteGranted,
    PreVoteRefused,
    TimeoutNow,
    InstallSnapshot,
    SnapshotInstalled,
}

impl MessageKind {
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::VoteGranted => "vote granted",
            MessageKind::VoteRefused => "vote refused",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::AppendOk => "append ok",
            MessageKind::AppendFailed => "append failed",
            MessageKind::PreVote => "PreVote",
            MessageKind::PreVoteGranted => "pre-vote granted",
            MessageKind::PreVoteRefused => "pre-vote refused",
            MessageKind::TimeoutNow => "TimeoutNow",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::SnapshotInstalled => "snapshot installed",
        }
    }
    pub fn css_class(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "request-vote",
            MessageKind::VoteGranted => "vote-granted",
            MessageKind::VoteRefused => "vote-refused",
            MessageKind::AppendEntries => "append-entries",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::AppendOk => "append-ok",
            MessageKind::AppendFailed => "append-failed",
            MessageKind::PreVote => "pre-vote",
            MessageKind::PreVoteGranted => "pre-vote-granted",
            MessageKind::PreVoteRefused => "pre-vote-refused",
            MessageKind::TimeoutNow => "timeout-now",
            MessageKind::InstallSnapshot => "install-snapshot",
            MessageKind::SnapshotInstalled => "snapshot-installed",
        }
    }
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match &self.body {
            MessageBody::RequestVote { .. } => MessageKind::RequestVote,
            MessageBody::RequestVoteReply { granted: true } => MessageKind::VoteGranted,
            MessageBody::RequestVoteReply { granted: false } => MessageKind::VoteRefused,
            MessageBody::AppendEntries { entries, .. } if entries.is_empty() => MessageKind::Heartbeat,
            MessageBody::AppendEntries { .. } => MessageKind::AppendEntries,
            MessageBody::AppendEntriesReply { success: true, .. } => MessageKind::AppendOk,
            MessageBody::AppendEntriesReply { success: false, .. } => MessageKind::AppendFailed,
            MessageBody::PreVote { .. } => MessageKind::PreVote,
            MessageBody::PreVoteReply { granted: true } => MessageKind::PreVoteGranted,
            MessageBody::PreVoteReply { granted: false } => MessageKind::PreVoteRefused,
            MessageBody::TimeoutNow => MessageKind::TimeoutNow,
            MessageBody::InstallSnapshot { .. } => MessageKind::InstallSnapshot,
            MessageBody::InstallSnapshotReply { .. } => MessageKind::SnapshotInstalled,
        }
    }

    /// A one-line summary for traces and tooltips.
    pub fn summary(&self) -> String {
        let head = format!("{}→{} t{}", self.from, self.to, self.term);
        match &self.body {
            MessageBody::RequestVote { last_log_index, last_log_term, transfer } => {
                let transfer = if *transfer { " transfer" } else { "" };
                format!("{head} RequestVote lastLog=({last_log_index},t{last_log_term}){transfer}")
            }
            MessageBody::RequestVoteReply { granted } => {
                format!("{head} vote {}", if *granted { "granted" } else { "refused" })
            }
            MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit } => format!(
                "{head} AppendEntries prev=({prev_log_index},t{prev_log_term}) entries={} commit={leader_commit}",
                entries.len()
            ),
            MessageBody::AppendEntriesReply { success, match_index } => {
                format!("{head} append {} match={match_index}", if *success { "ok" } else { "failed" })
            }
            MessageBody::PreVote { last_log_index, last_log_term } => {
                format!("{head} PreVote lastLog=({last_log_index},t{last_log_term})")
            }
            MessageBody::PreVoteReply { granted } => {
                format!("{head} pre-vote {}", if *granted { "granted" } else { "refused" })
            }
            MessageBody::TimeoutNow => format!("{head} TimeoutNow"),
            MessageBody::InstallSnapshot { snapshot: s } => format!(
                "{head} InstallSnapshot last=({},t{}) config={} keys={}",
                s.last_index,
                s.last_term,
                s.config,
                s.kv.data.len()
            ),
            MessageBody::InstallSnapshotReply { last_index } => format!("{head} snapshot installed last={last_index}"),
        }
    }
}
