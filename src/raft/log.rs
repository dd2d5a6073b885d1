//! Log entries and the log itself.

use super::kv::ClientRequest;
use super::quorum::Configuration;
use super::types::{LogIndex, Term};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// What an entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Payload {
    /// The blank entry a new leader appends at the start of its term (§8), so that it can
    /// commit entries of earlier terms indirectly (§5.4.2).
    Noop,
    /// Shared: the copies of an entry in the logs, on the disks and in the messages that
    /// carry it are one request (cloning an entry allocates nothing; docs/performance.md,
    /// "Snapshots in the browser"). It serializes, compares and hashes as the request.
    Command(Arc<ClientRequest>),
    /// A configuration entry (§6). It takes effect as soon as a server appends it.
    Config(Configuration),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub term: Term,
    pub payload: Payload,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.payload {
            Payload::Noop => write!(f, "t{} noop", self.term),
            Payload::Command(r) => write!(f, "t{} {}", self.term, r.op),
            Payload::Config(c) if c.is_joint() => write!(f, "t{} C_old,new {c}", self.term),
            Payload::Config(c) => write!(f, "t{} C_new {c}", self.term),
        }
    }
}

/// The log. Indices start at 1. After log compaction (§7) a snapshot replaces a prefix:
/// the log keeps only the entries after the snapshot's last included index (`offset`),
/// and remembers that entry's term for the consistency check.
///
/// Invariants: `entries[k]` is the entry at index `offset + 1 + k`; `config_indices`
/// lists, in order, the index of every configuration entry still in the log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RaftLog {
    entries: Vec<Entry>,
    config_indices: Vec<LogIndex>,
    /// The last index a snapshot replaced (0: nothing compacted).
    #[serde(default)]
    offset: LogIndex,
    /// The term of the entry at `offset` (0 when nothing was compacted).
    #[serde(default)]
    offset_term: Term,
}

impl RaftLog {
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        let mut log = RaftLog::default();
        for e in entries {
            log.push(e);
        }
        log
    }

    pub fn last_index(&self) -> LogIndex {
        LogIndex(self.offset.0 + self.entries.len() as u64)
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.offset_term, |e| e.term)
    }

    /// The last index a snapshot replaced: entries up to here are no longer in the log
    /// (0 when nothing was compacted).
    pub fn snapshot_index(&self) -> LogIndex {
        self.offset
    }

    /// The term of the entry at [`RaftLog::snapshot_index`].
    pub fn snapshot_term(&self) -> Term {
        self.offset_term
    }

    /// The index of [`RaftLog::entries`]' first element.
    pub fn first_index(&self) -> LogIndex {
        self.offset.next()
    }

    /// The position in `entries` of `index`, if it is after the snapshot.
    fn position(&self, index: LogIndex) -> Option<usize> {
        index.0.checked_sub(self.offset.0 + 1).map(|k| k as usize)
    }

    /// The term of the entry at `index`; index 0 has term 0, and the snapshot's last index
    /// its last term; `None` past the end or inside the snapshot.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.offset {
            return Some(self.offset_term);
        }
        self.entries.get(self.position(index)?).map(|e| e.term)
    }

    /// The entry at `index`; `None` for index 0, past the end or inside the snapshot.
    pub fn entry(&self, index: LogIndex) -> Option<&Entry> {
        self.entries.get(self.position(index)?)
    }

    /// The entries still in the log, from [`RaftLog::first_index`] on.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entries from `from` (inclusive, after the snapshot), at most `max` of them.
    pub fn slice_from(&self, from: LogIndex, max: usize) -> &[Entry] {
        let start = self.position(from.max(self.first_index())).unwrap_or(0);
        if start >= self.entries.len() {
            return &[];
        }
        let end = (start + max).min(self.entries.len());
        &self.entries[start..end]
    }

    pub fn push(&mut self, entry: Entry) -> LogIndex {
        self.entries.push(entry);
        let index = self.last_index();
        if matches!(self.entries.last().map(|e| &e.payload), Some(Payload::Config(_))) {
            self.config_indices.push(index);
        }
        index
    }

    /// Removes every entry from `from` on (never the snapshot: it holds only committed
    /// entries).
    pub fn truncate_from(&mut self, from: LogIndex) {
        let keep = self.position(from.max(self.first_index())).unwrap_or(0);
        self.entries.truncate(keep);
        while self.config_indices.last().is_some_and(|i| *i >= from) {
            self.config_indices.pop();
        }
    }

    /// §7: a snapshot now holds every entry up to `upto` (which is in the log): they
    /// leave the log.
    pub fn compact(&mut self, upto: LogIndex) {
        let Some(term) = self.term_at(upto) else { return };
        if upto <= self.offset {
            return;
        }
        let drop = self.position(upto).map_or(0, |k| k + 1);
        self.entries.drain(..drop);
        self.config_indices.retain(|i| *i > upto);
        self.offset = upto;
        self.offset_term = term;
    }

    /// §7, Figure 13: a snapshot ending at (`last_index`, `last_term`) was installed. If the
    /// log holds that entry, the entries after it are kept; otherwise the whole log is
    /// discarded.
    pub fn install(&mut self, last_index: LogIndex, last_term: Term) {
        if last_index > self.offset && self.term_at(last_index) == Some(last_term) {
            self.compact(last_index);
            return;
        }
        self.entries.clear();
        self.config_indices.clear();
        self.offset = last_index;
        self.offset_term = last_term;
    }

    /// The index of every configuration entry, in order.
    pub fn config_indices(&self) -> &[LogIndex] {
        &self.config_indices
    }

    /// The latest configuration entry in the log, committed or not, with its index.
    pub fn latest_config(&self) -> Option<(LogIndex, &Configuration)> {
        let index = *self.config_indices.last()?;
        match &self.entry(index)?.payload {
            Payload::Config(c) => Some((index, c)),
            _ => None,
        }
    }

    /// §5.4.1: is a log ending at (`last_term`, `last_index`) at least as up-to-date as
    /// this one? Compare last terms first, then lengths.
    pub fn is_up_to_date(&self, last_index: LogIndex, last_term: Term) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(term: u64) -> Entry {
        Entry { term: Term(term), payload: Payload::Noop }
    }

    #[test]
    fn terms_and_slices() {
        let log = RaftLog::from_entries(vec![e(1), e(1), e(2)]);
        assert_eq!(log.last_index(), LogIndex(3));
        assert_eq!(log.last_term(), Term(2));
        assert_eq!(log.term_at(LogIndex(0)), Some(Term(0)));
        assert_eq!(log.term_at(LogIndex(3)), Some(Term(2)));
        assert_eq!(log.term_at(LogIndex(4)), None);
        assert_eq!(log.slice_from(LogIndex(2), 10).len(), 2);
        assert_eq!(log.slice_from(LogIndex(2), 1).len(), 1);
        assert!(log.slice_from(LogIndex(4), 10).is_empty());
    }

    #[test]
    fn truncation_forgets_later_configurations() {
        let c = |n: u32| Entry {
            term: Term(1),
            payload: Payload::Config(Configuration::simple((1..=n).map(crate::raft::ServerId))),
        };
        let mut log = RaftLog::from_entries(vec![c(3), e(1), c(5)]);
        assert_eq!(log.latest_config().unwrap().0, LogIndex(3));
        log.truncate_from(LogIndex(3));
        let (i, conf) = log.latest_config().unwrap();
        assert_eq!(i, LogIndex(1));
        assert_eq!(conf.members().len(), 3);
        log.truncate_from(LogIndex(1));
        assert!(log.latest_config().is_none());
    }

    #[test]
    fn up_to_date_compares_term_then_length() {
        let log = RaftLog::from_entries(vec![e(1), e(2)]);
        assert!(log.is_up_to_date(LogIndex(1), Term(3)));
        assert!(!log.is_up_to_date(LogIndex(5), Term(1)));
        assert!(log.is_up_to_date(LogIndex(2), Term(2)));
        assert!(!log.is_up_to_date(LogIndex(1), Term(2)));
    }
}
