//! The RPCs of Figure 2, as plain data.

use super::log::Entry;
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
    /// §5.2: a candidate asks for a vote.
    RequestVote {
        last_log_index: LogIndex,
        last_log_term: Term,
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
        }
    }

    /// A one-line summary for traces and tooltips.
    pub fn summary(&self) -> String {
        let head = format!("{}→{} t{}", self.from, self.to, self.term);
        match &self.body {
            MessageBody::RequestVote { last_log_index, last_log_term } => {
                format!("{head} RequestVote lastLog=({last_log_index},t{last_log_term})")
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
        }
    }
}
