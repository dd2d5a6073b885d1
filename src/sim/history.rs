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
    /// Left out of a committed C_new; it keeps running until shut down.
    Removed,
    /// Shut down after its removal.
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
///
/// Positions are absolute (a record's position is its `MessageId`) even after the oldest
/// chunks were dropped to keep the history within its memory budget
/// ([`MessageLog::drop_oldest_chunk`]): the records before [`MessageLog::first`] are gone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageLog {
    /// Invariant: every chunk but the last is full, and no chunk is empty.
    chunks: Vec<Vec<MessageRecord>>,
    /// The position of the first record kept (a multiple of `CHUNK`).
    first: usize,
    /// The position after the last record: every record ever pushed, kept or not.
    len: usize,
}

impl MessageLog {
    /// The position after the last record (the number of records ever pushed).
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when no record is kept.
    pub fn is_empty(&self) -> bool {
        self.len == self.first
    }
    /// The position of the oldest record kept.
    pub fn first(&self) -> usize {
        self.first
    }
    /// The oldest full chunk's last record, if there is a chunk after it.
    fn oldest_chunk_last(&self) -> Option<&MessageRecord> {
        (self.chunks.len() > 1).then(|| self.chunks[0].last()).flatten()
    }
    /// Forgets the oldest chunk of records (never the one being filled).
    fn drop_oldest_chunk(&mut self) {
        if self.chunks.len() > 1 {
            self.chunks.remove(0);
            self.first += CHUNK;
        }
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
        let i = i.checked_sub(self.first)?;
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }
    pub fn get_mut(&mut self, i: usize) -> Option<&mut MessageRecord> {
        let i = i.checked_sub(self.first)?;
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }
    pub fn last(&self) -> Option<&MessageRecord> {
        self.chunks.last()?.last()
    }
    /// Keeps the records before position `len` (and never fewer than are dropped).
    pub fn truncate(&mut self, len: usize) {
        let len = len.max(self.first);
        if len >= self.len {
            return;
        }
        let kept = len - self.first;
        self.chunks.truncate(kept.div_ceil(CHUNK));
        if let Some(c) = self.chunks.last_mut() {
            c.truncate(kept - (kept - 1) / CHUNK * CHUNK);
        }
        self.len = len;
    }
    /// Like `slice::partition_point`: the first position where `pred` is false, for a
    /// `pred` that is true for a prefix.
    pub fn partition_point(&self, pred: impl Fn(&MessageRecord) -> bool) -> usize {
        let c = self.chunks.partition_point(|c| c.last().is_some_and(&pred));
        match self.chunks.get(c) {
            Some(chunk) => self.first + c * CHUNK + chunk.partition_point(&pred),
            None => self.len,
        }
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &MessageRecord> {
        self.chunks.iter().flatten()
    }
    /// The records from position `start` on.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &MessageRecord> {
        let start = start.saturating_sub(self.first);
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
        let i = i - self.first;
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl std::ops::IndexMut<usize> for MessageLog {
    fn index_mut(&mut self, i: usize) -> &mut MessageRecord {
        let i = i - self.first;
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

/// The append-only logs of a run. Within the memory budget of docs/limits.md
/// ([`History::drop_before`]): past it the oldest records go, and [`History::reach`] says
/// from when on the history is whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub messages: MessageLog,
    /// The notes from [`History::reach`] on, in time order.
    pub notes: Vec<Note>,
    /// How many notes were dropped before `notes[0]`.
    #[serde(skip)]
    notes_dropped: usize,
    /// From this time on, every message and note is kept (zero until the budget is met).
    #[serde(skip)]
    reach: Time,
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
        HistoryMark { messages: self.messages.len(), notes: self.notes_dropped + self.notes.len(), time }
    }

    /// From this time on the history is whole: every message sent and every note. Zero
    /// unless older records were dropped to stay within the memory budget.
    pub fn reach(&self) -> Time {
        self.reach
    }

    /// Bytes held by the records (an estimate: what messages and notes point to is not
    /// counted).
    pub fn heap_bytes(&self) -> usize {
        self.messages.heap_bytes() + self.notes.capacity() * std::mem::size_of::<Note>()
    }

    /// The send time of the first message kept if the oldest chunk of messages went, when
    /// there is a chunk that can go (never the one being filled).
    pub(super) fn after_oldest_chunk(&self) -> Option<Time> {
        self.messages.oldest_chunk_last().map(|m| m.sent_at)
    }

    /// Drops the notes before `reach`, which becomes the time from which the history is
    /// whole, and the oldest chunk of messages if `chunk`. The caller makes sure that no
    /// message of the dropped chunk is in flight at `reach` or later.
    pub(super) fn drop_before(&mut self, reach: Time, chunk: bool) {
        if chunk {
            self.messages.drop_oldest_chunk();
        }
        let n = self.notes.partition_point(|n| n.time < reach);
        self.notes.drain(..n);
        self.notes_dropped += n;
        self.reach = reach;
    }

    /// Forgets everything after `mark`: later records go, and fates decided after it are
    /// undone for the messages that were still in flight then.
    pub fn truncate(&mut self, mark: HistoryMark) {
        self.messages.truncate(mark.messages);
        self.notes.truncate(mark.notes.saturating_sub(self.notes_dropped));
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
        // Dropping the oldest chunk keeps every position: a record's position is its id.
        let mut dropped = log.clone();
        dropped.drop_oldest_chunk();
        assert_eq!((dropped.first(), dropped.len(), dropped.iter().count()), (CHUNK, n, n - CHUNK));
        assert_eq!((dropped.get(CHUNK - 1), dropped.get(CHUNK).map(|r| r.id.0)), (None, Some(CHUNK as u64)));
        assert_eq!(dropped[n - 1].id.0, n as u64 - 1);
        assert_eq!(dropped.iter_from(0).next().unwrap().id.0, CHUNK as u64);
        assert_eq!(dropped.iter_from(CHUNK + 2).next().unwrap().id.0, CHUNK as u64 + 2);
        for probe in [CHUNK, CHUNK + 1, 2 * CHUNK, n - 1, n] {
            assert_eq!(dropped.partition_point(|r| (r.id.0 as usize) < probe), probe);
        }
        dropped.truncate(3);
        assert_eq!((dropped.first(), dropped.len()), (CHUNK, CHUNK), "never below what was dropped");
        assert!(dropped.is_empty() && dropped.get(CHUNK).is_none());
        dropped.push(record(CHUNK as u64));
        assert_eq!(dropped[CHUNK].id.0, CHUNK as u64);
        // The chunk being filled never goes.
        dropped.drop_oldest_chunk();
        assert_eq!((dropped.first(), dropped.len()), (CHUNK, CHUNK + 1));

        log.truncate(CHUNK);
        assert_eq!((log.len(), log.chunks.len(), log.last().unwrap().id.0), (CHUNK, 1, CHUNK as u64 - 1));
        log.push(record(CHUNK as u64));
        assert_eq!(log[CHUNK].id.0, CHUNK as u64);
        log.truncate(0);
        assert!(log.is_empty() && log.get(0).is_none());
    }
}
