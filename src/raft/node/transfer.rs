//! Leadership transfer (Raft dissertation §3.10). The leader stops accepting client
//! requests, brings the target's log up to date, and sends it TimeoutNow; the target
//! starts an election at once, whose RequestVote carries a flag for which voters
//! disregard the §6 lease (§4.2.3), and wins it unless something went wrong. If it has
//! not won within an election timeout, the leader aborts the transfer and takes
//! requests again. PreVote is skipped: the leader itself asked for the election.

use super::*;
use crate::raft::output::NotLeader;
use serde::{Deserialize, Serialize};

/// A leadership transfer in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transfer {
    pub to: ServerId,
    pub started: Time,
    /// TimeoutNow was sent: `to` held the leader's whole log.
    pub timeout_now_sent: bool,
}

/// What PreVote, CheckQuorum and leadership transfer did, for the page and the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum ProtocolEvent {
    /// CheckQuorum: within an election timeout the leader heard only from `heard` (itself
    /// included), not a quorum, so it stepped down.
    QuorumLost { heard: Vec<ServerId> },
    /// The leader started handing over to `to`, and accepts no new requests.
    TransferStarted { to: ServerId },
    /// `to` holds the leader's whole log: the leader sent it TimeoutNow.
    TimeoutNowSent { to: ServerId },
    /// `to` had not won within an election timeout: the leader takes requests again.
    TransferAborted { to: ServerId },
}

/// Why a leadership transfer was refused. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TransferError {
    #[error("{}", NotLeader(*.leader_hint))]
    NotLeader { leader_hint: Option<ServerId> },
    /// The target is the leader itself.
    #[error("{0} is already the leader")]
    AlreadyLeader(ServerId),
    /// The target is not a voter of the configuration the cluster is moving to.
    #[error("{0} is not a voter of the configuration")]
    NotAVoter(ServerId),
}

impl Node {
    /// §3.10: hands leadership over to `to`, a voter of the configuration in force (of
    /// C_new during a joint change, so that a leader being removed can hand over). A
    /// transfer already in progress is replaced.
    pub fn transfer_leadership(&mut self, now: Time, to: ServerId) -> Result<(), TransferError> {
        if !self.is_leader() {
            return Err(TransferError::NotLeader { leader_hint: self.leader });
        }
        if to == self.id {
            return Err(TransferError::AlreadyLeader(to));
        }
        if !self.configuration().target().contains(&to) {
            return Err(TransferError::NotAVoter(to));
        }
        let Role::Leader(leader) = &mut self.role else { return Err(TransferError::NotLeader { leader_hint: None }) };
        leader.transfer = Some(Transfer { to, started: now, timeout_now_sent: false });
        self.outputs.push(Output::Protocol(ProtocolEvent::TransferStarted { to }));
        if !self.maybe_send_timeout_now(to) {
            self.send_append(to);
        }
        Ok(())
    }

    /// The server this leader is handing over to.
    pub fn transfer_target(&self) -> Option<ServerId> {
        self.leader_state()?.transfer.map(|t| t.to)
    }

    /// Sends TimeoutNow once the transfer's target `peer` holds the leader's whole log.
    pub(super) fn maybe_send_timeout_now(&mut self, peer: ServerId) -> bool {
        let last_index = self.log.last_index();
        let Role::Leader(leader) = &mut self.role else { return false };
        let Some(transfer) = &mut leader.transfer else { return false };
        let caught_up = leader.progress.get(&peer).is_some_and(|p| p.match_index >= last_index);
        if transfer.to != peer || transfer.timeout_now_sent || !caught_up {
            return false;
        }
        transfer.timeout_now_sent = true;
        self.outputs.push(Output::Protocol(ProtocolEvent::TimeoutNowSent { to: peer }));
        self.send(peer, MessageBody::TimeoutNow);
        true
    }

    /// Aborts a transfer whose target has not won within the maximum election timeout.
    pub(super) fn expire_transfer(&mut self, now: Time) {
        let window = self.config.election_timeout_max;
        let Role::Leader(leader) = &mut self.role else { return };
        let Some(transfer) = leader.transfer else { return };
        if now.since(transfer.started) < window {
            return;
        }
        leader.transfer = None;
        self.outputs.push(Output::Protocol(ProtocolEvent::TransferAborted { to: transfer.to }));
        // A C_new held back for the transfer (§6) is appended now.
        self.advance_membership(now, self.commit_index);
    }

    /// §3.10: the leader asks this server to start an election now, even within the §6
    /// lease and without PreVote. A TimeoutNow of an earlier term is stale and ignored.
    pub(super) fn handle_timeout_now(&mut self, now: Time, term: Term) {
        if term != self.current_term || self.is_leader() || !self.can_campaign() {
            return;
        }
        self.become_candidate(now, true);
    }
}
