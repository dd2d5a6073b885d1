//! Log compaction and InstallSnapshot (§7 of the paper, Figure 13; dissertation chapter 5):
//! a server snapshots its state machine after every `snapshot_every` applied entries and
//! drops the log up to there; a leader whose follower needs a compacted entry sends it
//! the snapshot instead; a restarted server starts from its snapshot.

use super::super::breaks::BreakSwitch;
use super::super::kv::KvStore;
use super::super::log::Payload;
use super::super::message::MessageBody;
use super::super::snapshot::Snapshot;
use super::{Node, Output};
use crate::raft::types::{LogIndex, ServerId, Term, Time};
use std::sync::Arc;

impl Node {
    /// The snapshot in stable storage, if the server has taken or installed one.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }

    /// §7: once `snapshot_every` entries were applied since the last snapshot, snapshot
    /// the state machine and compact the log up to the last applied entry. Called before
    /// newly committed entries are applied, so that the state machine is exactly the
    /// snapshot's. Entries named by an [`Output::Applied`] or [`Output::SaveLog`] that the
    /// host has not taken yet stay in the log, so that the host can still read what was
    /// written and applied: then the snapshot waits for a later step.
    pub(super) fn maybe_snapshot(&mut self) {
        let Some(every) = self.config.snapshot_every else { return };
        let keep_after = self.last_applied;
        let unseen = self.outputs.iter().any(|o| match o {
            Output::Applied { .. } => true,
            Output::SaveLog { from, .. } => *from <= keep_after,
            _ => false,
        });
        if unseen || keep_after.0 < self.log.snapshot_index().0 + every.max(1) {
            return;
        }
        let mut upto = keep_after;
        let mut kv = self.kv.clone();
        if self.config.breaks.is_on(BreakSwitch::SnapshotUncommitted) {
            // Broken on purpose: the snapshot runs to the end of the log, as if every
            // entry were committed, and the server takes it for its applied state.
            upto = self.log.last_index();
            for i in self.last_applied.next().0..=upto.0 {
                if let Some(Payload::Command(req)) = self.log.entry(LogIndex(i)).map(|e| &e.payload) {
                    kv.apply(req);
                }
            }
            self.kv = kv.clone();
            self.last_applied = upto;
            self.commit_index = self.commit_index.max(upto);
        }
        let Some(last_term) = self.log.term_at(upto) else { return };
        let (config_index, config) = self.configuration_at(upto);
        self.snapshot = Some(Snapshot { last_index: upto, last_term, config, config_index, kv: Arc::new(kv) });
        self.log.compact(upto.min(keep_after));
        self.outputs.push(Output::SnapshotTaken { last_index: upto, last_term });
    }

    /// The configuration in force at `index` (in the log or in the snapshot), with the
    /// index of its entry.
    fn configuration_at(&self, index: LogIndex) -> (LogIndex, crate::raft::Configuration) {
        let in_log = self.log.config_indices().iter().rev().find(|i| **i <= index);
        match in_log.and_then(|i| self.log.entry(*i).map(|e| (*i, &e.payload))) {
            Some((i, Payload::Config(c))) => (i, c.clone()),
            _ => (self.base_configuration_index(), self.base_configuration().clone()),
        }
    }

    /// Figure 13: the leader sends its whole snapshot to `peer`.
    pub(super) fn send_snapshot(&mut self, peer: ServerId) {
        let Some(snapshot) = self.snapshot.clone() else { return };
        self.send(peer, MessageBody::InstallSnapshot { snapshot: Box::new(snapshot) });
    }

    /// Figure 13, receiver: reply at once if the term is stale; otherwise save the
    /// snapshot, keep the log entries after it if the log holds its last entry (rule 6) or
    /// discard the log (rule 7), and reset the state machine to it (rule 8).
    pub(super) fn handle_install_snapshot(&mut self, now: Time, leader: ServerId, term: Term, snapshot: &Snapshot) {
        if term < self.current_term {
            let last_index = self.log.last_index();
            self.send(leader, MessageBody::InstallSnapshotReply { last_index });
            return;
        }
        self.follow(now, leader, term);
        let (last_index, last_term) = (snapshot.last_index, snapshot.last_term);
        if last_index <= self.commit_index {
            // An old or duplicated snapshot: the committed prefix already holds it.
            self.send(leader, MessageBody::InstallSnapshotReply { last_index });
            return;
        }
        self.log.install(last_index, last_term);
        self.kv = KvStore::clone(&snapshot.kv);
        self.snapshot = Some(snapshot.clone());
        self.commit_index = last_index;
        self.last_applied = last_index;
        self.outputs.push(Output::SnapshotInstalled { last_index, last_term });
        self.outputs.push(Output::Committed { index: last_index });
        self.send(leader, MessageBody::InstallSnapshotReply { last_index });
    }

    /// The leader learns that `from` holds everything up to `last_index`: to the leader,
    /// the same as a successful AppendEntries up to there.
    pub(super) fn handle_install_snapshot_reply(
        &mut self,
        now: Time,
        from: ServerId,
        term: Term,
        last_index: LogIndex,
    ) {
        self.handle_append_reply(now, from, term, true, last_index);
    }

    /// A crash keeps the snapshot: the server restarts with its state machine, commit
    /// index and last applied index as the snapshot left them.
    pub(super) fn restore_snapshot(&mut self) {
        if let Some(s) = &self.snapshot {
            self.kv = KvStore::clone(&s.kv);
            self.commit_index = s.last_index;
            self.last_applied = s.last_index;
        }
    }
}
