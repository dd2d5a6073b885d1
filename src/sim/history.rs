//! What happened in a run, kept so that the view can draw it and time travel can restore
//! any point: every message with its send time and its fate, role changes, crashes,
//! commits and membership phases, and the user's actions.

use super::Action;
use crate::raft::{LogIndex, MembershipEvent, Message, MessageKind, ProtocolEvent, RoleKind, ServerId, Term, Time};
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

impl DropReason {
    /// In words, for traces: `loss`, `partition`, `receiver down`, `user`.
    pub fn words(self) -> &'static str {
        match self {
            DropReason::Loss => "loss",
            DropReason::Partition => "partition",
            DropReason::ReceiverDown => "receiver down",
            DropReason::User => "user",
        }
    }
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
    Role {
        role: RoleKind,
        term: Term,
    },
    Crashed,
    Restarted,
    Added,
    Retired,
    Committed {
        index: LogIndex,
    },
    Membership {
        event: MembershipEvent,
    },
    ClientReply {
        client: u32,
        result: String,
    },
    /// PreVote, CheckQuorum or a leadership transfer did something worth telling.
    Protocol {
        event: ProtocolEvent,
    },
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

/// Records per chunk of a [`MessageLog`]: about 450 KB.
const CHUNK: usize = 4096;

/// Every message of a run, in send order (`MessageId` is the position), stored in
/// fixed-size chunks. A `Vec` that doubles would, at an hour of heartbeats (~580,000
/// records), hold up to twice what it uses and need old plus new at once while it grows,
/// which wasm's linear memory never gives back; chunks keep memory at what is used plus
/// one chunk. See `docs/performance.md`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageLog {
    /// Invariant: every chunk but the last is full, and no chunk is empty.
    chunks: Vec<Vec<MessageRecord>>,
    len: usize,
}

impl MessageLog {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn push(&mut self, record: MessageRecord) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(record),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(record);
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }
    pub fn get(&self, i: usize) -> Option<&MessageRecord> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }
    pub fn get_mut(&mut self, i: usize) -> Option<&mut MessageRecord> {
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }
    pub fn last(&self) -> Option<&MessageRecord> {
        self.chunks.last()?.last()
    }
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.chunks.truncate(len.div_ceil(CHUNK));
        if let Some(c) = self.chunks.last_mut() {
            c.truncate(len - (len - 1) / CHUNK * CHUNK);
        }
        self.len = len;
    }
    /// Like `slice::partition_point`: the first position where `pred` is false, for a
    /// `pred` that is true for a prefix.
    pub fn partition_point(&self, pred: impl Fn(&MessageRecord) -> bool) -> usize {
        let c = self.chunks.partition_point(|c| c.last().is_some_and(&pred));
        match self.chunks.get(c) {
            Some(chunk) => c * CHUNK + chunk.partition_point(&pred),
            None => self.len,
        }
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &MessageRecord> {
        self.chunks.iter().flatten()
    }
    /// The records from position `start` on.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &MessageRecord> {
        let (c, k) = (start / CHUNK, start % CHUNK);
        self.chunks
            .get(c)
            .map(|chunk| &chunk[k..])
            .into_iter()
            .flatten()
            .chain(self.chunks.iter().skip(c + 1).flatten())
    }
    /// The records in `range`.
    pub fn range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &MessageRecord> {
        self.iter_from(range.start).take(range.end.saturating_sub(range.start))
    }
    fn iter_mut_rev(&mut self) -> impl Iterator<Item = &mut MessageRecord> {
        self.chunks.iter_mut().rev().flat_map(|c| c.iter_mut().rev())
    }
    /// Bytes held by the records (not counting what their messages point to).
    pub fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.capacity()).sum::<usize>() * std::mem::size_of::<MessageRecord>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<MessageRecord>>()
    }
}

impl std::ops::Index<usize> for MessageLog {
    type Output = MessageRecord;
    fn index(&self, i: usize) -> &MessageRecord {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl std::ops::IndexMut<usize> for MessageLog {
    fn index_mut(&mut self, i: usize) -> &mut MessageRecord {
        &mut self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl Serialize for MessageLog {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for MessageLog {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut log = MessageLog::default();
        for r in Vec::<MessageRecord>::deserialize(d)? {
            log.push(r);
        }
        Ok(log)
    }
}

/// The append-only logs of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub messages: MessageLog,
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
        for record in self.messages.iter_mut_rev() {
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
        self.messages.iter_from(start).filter(move |m| m.in_flight_at(t))
    }
}

/// No message stays in flight longer than this (the latency limit is 10 s).
pub const MAX_SCAN_BACK_US: u64 = 10_000_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Message, MessageBody, ServerId, Term};

    fn record(i: u64) -> MessageRecord {
        let message = Message {
            from: ServerId(1),
            to: ServerId(2),
            term: Term(1),
            body: MessageBody::RequestVoteReply { granted: true },
        };
        MessageRecord {
            id: MessageId(i),
            message,
            sent_at: Time(i * 10),
            deliver_at: Time(i * 10 + 5),
            dropped: None,
            delivered: false,
            duplicate: false,
        }
    }

    #[test]
    fn the_chunked_log_indexes_searches_and_truncates_across_chunks() {
        let mut log = MessageLog::default();
        let n = CHUNK * 2 + 17;
        for i in 0..n as u64 {
            log.push(record(i));
        }
        assert_eq!(log.len(), n);
        assert_eq!(log[CHUNK + 3].id, MessageId(CHUNK as u64 + 3));
        assert_eq!(log.iter().count(), n);
        assert_eq!(log.iter_from(CHUNK - 1).next().unwrap().id.0, CHUNK as u64 - 1);
        assert_eq!(log.iter_from(CHUNK - 1).count(), n - CHUNK + 1);
        assert_eq!(log.range(5..9).map(|r| r.id.0).collect::<Vec<_>>(), vec![5, 6, 7, 8]);
        for probe in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, n - 1, n] {
            assert_eq!(log.partition_point(|r| (r.id.0 as usize) < probe), probe);
        }
        log.truncate(CHUNK);
        assert_eq!((log.len(), log.chunks.len(), log.last().unwrap().id.0), (CHUNK, 1, CHUNK as u64 - 1));
        log.push(record(CHUNK as u64));
        assert_eq!(log[CHUNK].id.0, CHUNK as u64);
        log.truncate(0);
        assert!(log.is_empty() && log.get(0).is_none());
    }
}
