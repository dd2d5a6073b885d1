//! Log replication (§5.3) and what rides on it: the follower's consistency check, the
//! leader's progress, sending entries, commitment (§5.4.2), catching up new servers and
//! the steps of a membership change (§6).

use super::super::breaks::BreakSwitch;
use super::super::kv::{Applied, OpResult};
use super::super::log::{Entry, Payload};
use super::super::message::MessageBody;
use super::{
    ChangeMethod, Configuration, LeaderState, MembershipEvent, Node, Output, Progress, Role, CATCH_UP_TIMEOUTS,
};
use crate::raft::types::{LogIndex, ServerId, Term, Time};
use crate::sorted::SortedSet;

impl Node {
    /// §5.3: the consistency check, truncation of conflicting suffixes, and the commit
    /// index carried from the leader.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_append_entries(
        &mut self,
        now: Time,
        leader: ServerId,
        term: Term,
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: &[Entry],
        leader_commit: LogIndex,
    ) {
        if term < self.current_term {
            // A stale leader: the reply carries our term, which makes it step down.
            let hint = self.log.last_index();
            self.send(leader, MessageBody::AppendEntriesReply { success: false, match_index: hint });
            return;
        }
        self.follow(now, leader, term);
        let (mut prev_log_index, mut prev_log_term, mut entries) = (prev_log_index, prev_log_term, entries);
        let snapshot_index = self.log.snapshot_index();
        if prev_log_index < snapshot_index {
            // §7: the entries up to the snapshot are committed, so they match the leader's:
            // check from the snapshot's last entry on.
            let covered = (snapshot_index.0 - prev_log_index.0).min(entries.len() as u64);
            entries = &entries[covered as usize..];
            prev_log_index = LogIndex(prev_log_index.0 + covered);
            if prev_log_index < snapshot_index {
                // Everything sent is inside the snapshot: nothing left to check.
                self.send(leader, MessageBody::AppendEntriesReply { success: true, match_index: prev_log_index });
                return;
            }
            prev_log_term = self.log.snapshot_term();
        }

        if self.log.term_at(prev_log_index) != Some(prev_log_term) {
            // §5.3: reply false if the log has no entry at prevLogIndex whose term matches.
            let hint = prev_log_index.prev().min(self.log.last_index());
            self.send(leader, MessageBody::AppendEntriesReply { success: false, match_index: hint });
            return;
        }
        let last_new = LogIndex(prev_log_index.0 + entries.len() as u64);
        let mut first_written: Option<LogIndex> = None;
        for (offset, entry) in entries.iter().enumerate() {
            let index = LogIndex(prev_log_index.0 + 1 + offset as u64);
            match self.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    // §5.3: an existing entry conflicts with a new one: delete it and all
                    // that follow it.
                    self.log.truncate_from(index);
                    self.log.push(entry.clone());
                }
                None => {
                    self.log.push(entry.clone());
                }
            }
            first_written.get_or_insert(index);
        }
        if let Some(from) = first_written {
            // Only reachable below the commit index when a rule is broken on purpose.
            self.commit_index = self.commit_index.min(self.log.last_index());
            self.outputs.push(Output::SaveLog { from, last: self.log.last_index() });
        }
        // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
        if leader_commit > self.commit_index {
            let new_commit = leader_commit.min(last_new);
            if new_commit > self.commit_index {
                self.commit_index = new_commit;
                self.outputs.push(Output::Committed { index: new_commit });
                self.apply_committed();
            }
        }
        self.send(leader, MessageBody::AppendEntriesReply { success: true, match_index: last_new });
    }

    /// term == current_term. §5.2: a candidate steps down when a leader of its term
    /// appears. (Two leaders in one term only happen with a rule broken on purpose.)
    pub(super) fn follow(&mut self, now: Time, leader: ServerId, term: Term) {
        if !matches!(self.role, Role::Follower) {
            self.become_follower(term, Some(leader));
        }
        self.leader = Some(leader);
        self.last_leader_contact = Some(now);
        self.outputs.push(Output::ResetElectionTimer);
    }

    /// §5.3: on success, advance matchIndex and nextIndex; on failure, back nextIndex off
    /// and retry.
    pub(super) fn handle_append_reply(
        &mut self,
        now: Time,
        from: ServerId,
        term: Term,
        success: bool,
        match_index: LogIndex,
    ) {
        if term != self.current_term {
            return;
        }
        let last_index = self.log.last_index();
        let Role::Leader(leader) = &mut self.role else { return };
        let Some(progress) = leader.progress.get_mut(&from) else { return };
        if success {
            // Only a reply that moves matchIndex forward sends more at once; a stale or
            // duplicated one does not, so the entries in flight to a follower stay a
            // single chain (the heartbeat retransmits anything lost).
            let advanced = match_index > progress.match_index;
            if advanced {
                progress.match_index = match_index;
            }
            progress.next_index = progress.next_index.max(progress.match_index.next());
            let more = advanced && progress.next_index <= last_index;
            self.maybe_send_timeout_now(from);
            self.maybe_finish_catch_up(now);
            self.maybe_commit(now);
            if more && self.is_leader() {
                self.send_append(from);
            }
        } else {
            // The refusal's hint is the entry before the refused prevLogIndex (or the end of
            // a shorter log): try from there next, never below what is known to match. A
            // copy of a refusal already acted on (a duplicate, or one overtaken by a later
            // probe) names the same or a later index, so it changes nothing.
            let backed_off = progress.next_index.min(match_index.next()).max(progress.match_index.next());
            if backed_off < progress.next_index {
                progress.next_index = backed_off;
                self.send_append(from);
            }
        }
    }

    // ---- Leader internals --------------------------------------------------------------

    pub(super) fn append_as_leader(&mut self, payload: Payload) -> LogIndex {
        let is_config = matches!(payload, Payload::Config(_));
        let index = self.log.push(Entry { term: self.current_term, payload });
        self.outputs.push(Output::SaveLog { from: index, last: index });
        if is_config {
            self.refresh_progress();
        }
        index
    }

    /// Keeps one Progress per replication target after the configuration changed: every
    /// member but the leader, plus servers still catching up.
    fn refresh_progress(&mut self) {
        let mut targets = self.configuration().members();
        let next = self.log.last_index().next();
        let Role::Leader(leader) = &mut self.role else { return };
        if let Some(change) = &leader.change {
            targets.extend(change.target.iter().copied());
        }
        targets.remove(&self.id);
        leader.progress.retain(|id, _| targets.contains(id));
        for id in targets {
            leader.progress.get_or_insert_with(id, || Progress { next_index: next, match_index: LogIndex(0) });
        }
    }

    pub(super) fn broadcast_append(&mut self) {
        // By position rather than a copy of the keys (one allocation per heartbeat): sending
        // changes no leader's peer list.
        let peer_at = |node: &Self, k: usize| node.leader_state().and_then(|l| l.progress.key_at(k).copied());
        let mut k = 0;
        while let Some(peer) = peer_at(self, k) {
            self.send_append(peer);
            k += 1;
        }
    }

    pub(super) fn send_append(&mut self, peer: ServerId) {
        let Role::Leader(leader) = &self.role else { return };
        let Some(progress) = leader.progress.get(&peer) else { return };
        if progress.next_index <= self.log.snapshot_index() {
            // §7: the entries the follower needs next are compacted away.
            return self.send_snapshot(peer);
        }
        let prev_log_index = progress.next_index.prev();
        let prev_log_term = self.log.term_at(prev_log_index).unwrap_or(Term(0));
        let entries = self.log.slice_from(progress.next_index, self.config.max_entries_per_append).to_vec();
        let body =
            MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit: self.commit_index };
        self.send(peer, body);
    }

    /// §6, §4.2.1: once every new server holds the log up to the current round's goal,
    /// append C_old,new (C_new for a single-server change, §4.1), unless the round took longer than an election timeout and the log
    /// grew meanwhile: then another round begins, to the end of the log as it now is (a
    /// server still that far behind could keep the cluster from committing for longer
    /// than an election timeout once it votes).
    pub(super) fn maybe_finish_catch_up(&mut self, now: Time) {
        if !matches!(&self.role, Role::Leader(LeaderState { change: Some(_), .. })) {
            return;
        }
        let config = self.configuration().clone();
        let last_index = self.log.last_index();
        let round_limit = self.config.election_timeout_min;
        let Role::Leader(leader) = &mut self.role else { return };
        let Some(change) = &mut leader.change else { return };
        let caught_up = change
            .target
            .iter()
            .filter(|id| !config.members().contains(id) && **id != self.id)
            .all(|id| leader.progress.get(id).is_some_and(|p| p.match_index >= change.catch_up_index));
        if !caught_up {
            return;
        }
        if leader.transfer.is_some() {
            // Handing over (§3.10): nothing is appended until the transfer ends.
            return;
        }
        if now.since(change.round_started_at) > round_limit && last_index > change.catch_up_index {
            change.catch_up_index = last_index;
            change.round_started_at = now;
            change.round += 1;
            return;
        }
        let Some(change) = leader.change.take() else { return };
        // §6: C_old,new first; dissertation §4.1: one server at a time goes to C_new at once.
        let (next, event): (_, fn(LogIndex) -> MembershipEvent) = match change.method {
            ChangeMethod::Joint => {
                (Configuration::Joint { old: config.target().clone(), new: change.target }, |index| {
                    MembershipEvent::JointAppended { index }
                })
            }
            ChangeMethod::Single => {
                (Configuration::Simple { voters: change.target }, |index| MembershipEvent::NewAppended { index })
            }
        };
        let index = self.append_as_leader(Payload::Config(next));
        self.outputs.push(Output::Membership(event(index)));
        self.broadcast_append();
    }

    /// §4.2.1: abandons the change in flight if its new servers have been catching up for
    /// [`CATCH_UP_TIMEOUTS`] election timeouts (a new server that is down or too slow
    /// would otherwise block every later change for as long as this leader leads).
    pub(super) fn maybe_abort_catch_up(&mut self, now: Time) {
        let limit = self.config.election_timeout_min.0 * CATCH_UP_TIMEOUTS;
        let Some(change) = self.leader_state().and_then(|l| l.change.as_ref()) else { return };
        if now.since(change.started_at).0 < limit {
            return;
        }
        // Only now, at most once per change: the common heartbeat allocates nothing.
        let members = self.configuration().members();
        let Role::Leader(leader) = &mut self.role else { return };
        let Some(change) = leader.change.take() else { return };
        let servers: SortedSet<ServerId> = change.target.difference(&members).copied().collect();
        self.refresh_progress();
        self.outputs.push(Output::Membership(MembershipEvent::CatchUpAborted { servers }));
    }

    /// §5.3, §5.4.2: the leader commits the highest index that a majority holds (in
    /// C_old,new, a majority of each half), but only by counting replicas of an entry
    /// of its current term; entries of earlier terms commit indirectly (Figure 8).
    /// A leader that is not a member of a half does not count itself in it.
    pub(super) fn maybe_commit(&mut self, now: Time) {
        let Role::Leader(leader) = &self.role else { return };
        let last_index = self.log.last_index();
        if last_index <= self.commit_index {
            // Nothing left to commit (the usual heartbeat reply): no count needed.
            return;
        }
        let me = self.id;
        let committed = self.configuration().committed_index(|id| {
            if id == me {
                Some(last_index)
            } else {
                leader.progress.get(&id).map(|p| p.match_index)
            }
        });
        if committed <= self.commit_index || committed > last_index {
            return;
        }
        let current_term_entry = self.log.term_at(committed) == Some(self.current_term);
        if !current_term_entry && !self.config.breaks.is_on(BreakSwitch::CommitOldTerms) {
            return;
        }
        let old_commit = self.commit_index;
        self.commit_index = committed;
        self.outputs.push(Output::Committed { index: committed });
        self.apply_committed();
        self.advance_membership(now, old_commit);
    }

    /// §6: when C_old,new commits the leader appends C_new; when C_new commits, a leader
    /// that is not in it steps down. A leader handing over (§3.10) appends nothing, C_new
    /// included: the server it hands over to must stay as up to date as the voters, or
    /// its election fails. The new leader appends C_new (it inherits a committed
    /// C_old,new); if the transfer is aborted, this leader does.
    pub(super) fn advance_membership(&mut self, now: Time, old_commit: LogIndex) {
        let Some((index, config)) = self.log.latest_config() else { return };
        if index > self.commit_index {
            return;
        }
        let newly_committed = index > old_commit;
        match config.clone() {
            Configuration::Joint { new, .. } => {
                // Also reached by a new leader that inherits a committed C_old,new.
                if newly_committed {
                    self.outputs.push(Output::Membership(MembershipEvent::JointCommitted { index }));
                }
                if self.transfer_target().is_some() {
                    return;
                }
                let index = self.append_as_leader(Payload::Config(Configuration::Simple { voters: new }));
                self.outputs.push(Output::Membership(MembershipEvent::NewAppended { index }));
                self.broadcast_append();
                self.maybe_commit(now);
            }
            Configuration::Simple { voters } => {
                if newly_committed {
                    self.outputs.push(Output::Membership(MembershipEvent::NewCommitted { index }));
                }
                if !voters.contains(&self.id) {
                    // Tell the others the commit index before leaving.
                    self.broadcast_append();
                    self.outputs.push(Output::Membership(MembershipEvent::LeaderSteppedDown));
                    self.become_follower(self.current_term, None);
                }
            }
        }
    }

    /// Figure 2: apply entries up to commitIndex to the state machine, in order.
    pub(super) fn apply_committed(&mut self) {
        if self.commit_index > self.last_applied {
            self.maybe_snapshot();
        }
        let first = self.last_applied.next();
        while self.last_applied < self.commit_index {
            let index = self.last_applied.next();
            let Some(entry) = self.log.entry(index) else { break };
            self.last_applied = index;
            if let Payload::Command(req) = &entry.payload {
                let applied = self.kv.apply(req);
                // Only the leader that took the request answers it: an entry of its own
                // term. Older entries it re-applies (after a restart, or inherited) were
                // taken by an earlier leader, whose waiting clients are gone with it; a
                // client still waiting retries and gets the cached result (§6.3).
                if matches!(self.role, Role::Leader(_)) && entry.term == self.current_term {
                    let result = match applied {
                        Applied::Fresh(r) | Applied::Duplicate(r) => r,
                        Applied::Stale => OpResult::Error("stale request: a newer one was applied".into()),
                    };
                    let (client, seq) = (req.client, req.seq);
                    self.outputs.push(Output::ClientReply { client, seq, result });
                }
            }
        }
        if self.last_applied >= first {
            self.outputs.push(Output::Applied { first, last: self.last_applied });
        }
    }
}
