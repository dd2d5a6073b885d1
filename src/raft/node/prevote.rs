//! PreVote (Raft dissertation §9.6), with etcd's rules. A server whose election timer
//! fires first asks the others whether they would vote for it, in a PreVote carrying the
//! term it would campaign in (its own plus one), without raising its term. A voter grants
//! a pre-vote only if the candidate's log is at least as up-to-date as its own (§5.4.1)
//! and it has not heard from a leader within the minimum election timeout (§6), and it
//! changes nothing on receiving one: not its term, not its vote, not its timer. Only a
//! pre-candidate that a quorum would vote for starts a real election, so a server that
//! was cut off and rejoins cannot depose a healthy leader with its high term.

use super::*;

impl Node {
    /// §9.6: asks every other member of the configuration for a pre-vote in the next term.
    pub(super) fn become_pre_candidate(&mut self, now: Time) {
        let was = self.role.kind();
        self.leader = None;
        self.role = Role::PreCandidate { votes: SortedMap::from([(self.id, true)]) };
        if was != RoleKind::PreCandidate {
            self.outputs.push(Output::RoleChanged { role: RoleKind::PreCandidate, term: self.current_term });
        }
        self.outputs.push(Output::ResetElectionTimer);
        let body = MessageBody::PreVote { last_log_index: self.log.last_index(), last_log_term: self.log.last_term() };
        let term = self.current_term.next();
        for peer in self.configuration().members() {
            if peer != self.id {
                self.send_with_term(peer, term, body.clone());
            }
        }
        self.check_pre_election(now);
    }

    /// Pre-votes and their replies. Neither moves this server's term forward, except a
    /// refusal from a server in a later term, which is news like any later term (§5.1).
    pub(super) fn step_pre_vote(&mut self, now: Time, msg: &Message) {
        match msg.body {
            MessageBody::PreVote { last_log_index, last_log_term } => {
                // §6's lease: a server that heard from a current leader recently refuses.
                let in_lease = self.in_leader_lease(now) && self.leader != Some(msg.from);
                let granted = !in_lease
                    && msg.term > self.current_term
                    && self.candidate_up_to_date(last_log_index, last_log_term);
                // etcd: a grant carries the term asked about, a refusal the voter's own.
                let term = if granted { msg.term } else { self.current_term };
                self.send_with_term(msg.from, term, MessageBody::PreVoteReply { granted });
            }
            MessageBody::PreVoteReply { granted } => {
                if !granted && msg.term > self.current_term {
                    self.become_follower(msg.term, None);
                    return;
                }
                // A grant is for the term after ours; any other is from an earlier round.
                if granted && msg.term != self.current_term.next() {
                    return;
                }
                let Role::PreCandidate { votes } = &mut self.role else { return };
                votes.insert(msg.from, granted);
                self.check_pre_election(now);
            }
            _ => {}
        }
    }

    /// With a quorum of pre-votes (of both halves of a joint configuration) the real
    /// election starts; once a quorum refuses, the server waits as a follower (etcd).
    fn check_pre_election(&mut self, now: Time) {
        let Role::PreCandidate { votes } = &self.role else { return };
        match self.configuration().vote_result(|id| votes.get(&id).copied()) {
            VoteResult::Won => self.become_candidate(now, false),
            VoteResult::Lost => self.become_follower(self.current_term, None),
            VoteResult::Pending => {}
        }
    }
}
