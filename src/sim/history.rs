//! What happened in a run, kept so that the view can draw it and time travel can restore
//! any point: every message with its send time and its fate, role changes, crashes,
//! commits and membership phases, and the user's actions.

use super::Action;
use crate::raft::{LogIndex, MembershipEvent, Message, MessageKind, RoleKind, ServerId, Term, Time};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(pub u64);

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// Lost at random (the loss rate).
    Loss,
    /// The link was cut, or the two servers were in different partition groups.
    Partition,
    /// The receiver was down when it arrived.
    ReceiverDown,
    /// The user dropped it.
    User,
}

/// One message, from send to delivery or drop. Drawing a message in flight is
/// interpolation between `sent_at` and `deliver_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    pub id: MessageId,
    pub message: Message,
    pub sent_at: Time,
    /// When it arrives, unless it is dropped first.
    pub deliver_at: Time,
    /// Set when it was dropped, and when.
    pub dropped: Option<(Time, DropReason)>,
    /// Set once it was delivered.
    pub delivered: bool,
    /// This copy is a duplicate made by the network.
    pub duplicate: bool,
}

impl MessageRecord {
    pub fn kind(&self) -> MessageKind {
        self.message.kind()
    }
    /// Is it on the wire at time `t`?
    pub fn in_flight_at(&self, t: Time) -> bool {
        self.sent_at <= t && t < self.deliver_at && self.dropped.is_none_or(|(at, _)| at > t)
    }
    /// Where it is along its line at time `t`, from 0 (sender) to 1 (receiver).
    pub fn progress_at(&self, t: Time) -> f64 {
        let span = self.deliver_at.0.saturating_sub(self.sent_at.0).max(1) as f64;
        (t.0.saturating_sub(self.sent_at.0) as f64 / span).clamp(0.0, 1.0)
    }
}

/// Something worth drawing or telling that is not a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "kebab-case")]
pub enum NoteKind {
    Role { role: RoleKind, term: Term },
    Crashed,
    Restarted,
    Added,
    Retired,
    Committed { index: LogIndex },
    Membership { event: MembershipEvent },
    ClientReply { client: u32, result: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub time: Time,
    pub server: ServerId,
    pub kind: NoteKind,
}

/// A user action with where it happened in the run: after `at_event` events, at `time`.
/// Replaying the same seed with the same records gives the same run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionRecord {
    pub at_event: u64,
    pub time: Time,
    pub action: Action,
}

/// The append-only logs of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub messages: Vec<MessageRecord>,
    pub notes: Vec<Note>,
}

/// A place in the history to return to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryMark {
    messages: usize,
    notes: usize,
    time: Time,
}

impl History {
    pub fn mark(&self, time: Time) -> HistoryMark {
        HistoryMark { messages: self.messages.len(), notes: self.notes.len(), time }
    }

    /// Forgets everything after `mark`: later records go, and fates decided after it are
    /// undone for the messages that were still in flight then.
    pub fn truncate(&mut self, mark: HistoryMark) {
        self.messages.truncate(mark.messages);
        self.notes.truncate(mark.notes);
        for record in self.messages.iter_mut().rev() {
            if record.sent_at.0 + MAX_SCAN_BACK_US < mark.time.0 {
                break; // settled long before the mark, and so is everything older
            }
            if record.dropped.is_some_and(|(at, _)| at > mark.time) {
                record.dropped = None;
            }
            if record.deliver_at > mark.time {
                record.delivered = false;
            }
        }
    }

    /// Messages in flight at `t`, newest last.
    pub fn in_flight_at(&self, t: Time) -> impl Iterator<Item = &MessageRecord> {
        // Records are in send order; only the recent ones can still be in flight.
        let start = self.messages.partition_point(|m| m.sent_at.0 + MAX_SCAN_BACK_US < t.0);
        self.messages[start..].iter().filter(move |m| m.in_flight_at(t))
    }
}

/// No message stays in flight longer than this (the latency limit is 10 s).
pub const MAX_SCAN_BACK_US: u64 = 10_000_000;
