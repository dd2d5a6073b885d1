//! CheckQuorum, as etcd does it: a leader that has not heard from a quorum of its
//! configuration (of both halves of a joint one) within an election timeout steps down.
//! Without it, a leader whose followers' replies are all lost stays in office for ever,
//! committing nothing, while the followers keep hearing its heartbeats and never elect
//! another. The leader uses the maximum election timeout, so that a healthy follower is
//! never given up on before its own timer could have fired.

use super::*;

/// The servers a leader heard from within the last (maximum) election timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentContacts {
    /// The members of the configuration heard from, in order, the leader itself included
    /// when it is a member.
    pub heard: Vec<ServerId>,
    /// Whether they make a quorum of the configuration (of both halves of a joint one).
    pub quorum: bool,
}

impl Node {
    /// A leader notes when it last heard from each server in its term, whatever the
    /// message.
    pub(super) fn note_contact(&mut self, now: Time, msg: &Message) {
        if msg.term != self.current_term {
            return;
        }
        if let Role::Leader(leader) = &mut self.role {
            leader.contacts.insert(msg.from, now);
        }
    }

    /// The members this leader heard from within the last maximum election timeout
    /// (`None` if it is not leader).
    pub fn recent_contacts(&self, now: Time) -> Option<RecentContacts> {
        let Role::Leader(leader) = &self.role else { return None };
        let config = self.configuration();
        let window = self.config.election_timeout_max;
        let recent =
            |id: &ServerId| *id == self.id || leader.contacts.get(id).is_some_and(|at| now.since(*at) < window);
        let heard: Vec<ServerId> = config.members().into_iter().filter(recent).collect();
        let quorum = config.vote_result(|id| Some(heard.contains(&id))) == VoteResult::Won;
        Some(RecentContacts { heard, quorum })
    }

    /// With CheckQuorum on, a leader of at least one election timeout that has not heard
    /// from a quorum within the last one steps down. Returns whether it did.
    pub(super) fn check_quorum(&mut self, now: Time) -> bool {
        if !self.config.options.is_on(ProtocolOption::CheckQuorum) {
            return false;
        }
        let (Some(recent), Some(leader)) = (self.recent_contacts(now), self.leader_state()) else { return false };
        if recent.quorum || now.since(leader.since) < self.config.election_timeout_max {
            return false;
        }
        self.outputs.push(Output::Protocol(ProtocolEvent::QuorumLost { heard: recent.heard }));
        self.become_follower(self.current_term, None);
        true
    }
}
