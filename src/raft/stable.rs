//! Stable storage: Figure 2's "persistent state on all servers" as a server has written
//! it. A node asks for each write with [`Output::SaveHardState`], [`Output::SaveLog`],
//! [`Output::SnapshotTaken`] or [`Output::SnapshotInstalled`]; its host carries the writes
//! out ([`Stable::write`]) and, after a crash, gives the node back what was written
//! ([`Node::crash`]): nothing the node did not ask to save survives.

use super::log::RaftLog;
use super::node::{Node, Output};
use super::snapshot::Snapshot;
use super::types::{LogIndex, ServerId, Term};

/// What one server has on disk: currentTerm, votedFor, the log, and its snapshot (§7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stable {
    pub term: Term,
    pub voted_for: Option<ServerId>,
    pub log: RaftLog,
    pub snapshot: Option<Snapshot>,
}

impl Output {
    /// A write to stable storage.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Output::SaveHardState { .. }
                | Output::SaveLog { .. }
                | Output::SnapshotTaken { .. }
                | Output::SnapshotInstalled { .. }
        )
    }
}

impl Stable {
    /// Carries out one write `output` asks for, reading the entries and the snapshot from
    /// `node` (as it is when the host acts). Returns false for an output that is not a
    /// write.
    pub fn write(&mut self, output: &Output, node: &Node) -> bool {
        match output {
            Output::SaveHardState { term, voted_for } => {
                self.term = *term;
                self.voted_for = *voted_for;
            }
            Output::SaveLog { from, last } => {
                let log = node.log();
                self.log.truncate_from(*from);
                for i in from.0..=last.0 {
                    match log.entry(LogIndex(i)) {
                        Some(entry) if self.log.last_index().0 + 1 == i => {
                            self.log.push(entry.clone());
                        }
                        _ => break,
                    }
                }
            }
            Output::SnapshotTaken { last_index, .. } => {
                self.snapshot = node.snapshot().cloned();
                self.log.compact(*last_index);
            }
            Output::SnapshotInstalled { last_index, last_term } => {
                self.snapshot = node.snapshot().cloned();
                self.log.install(*last_index, *last_term);
            }
            _ => return false,
        }
        true
    }
}

impl Node {
    /// Everything this server holds in its persistent state: the disk of a server that
    /// has written all it was asked to (a server set up from given state starts so).
    pub fn stable(&self) -> Stable {
        Stable {
            term: self.term(),
            voted_for: self.voted_for(),
            log: self.log().clone(),
            snapshot: self.snapshot().cloned(),
        }
    }
}
