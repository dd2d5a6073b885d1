//! Clients: each request's attempts and status, where a client sends it next, and its
//! retries after a redirect, a down server or a timeout.

use super::history::{Note, NoteKind};
use super::{EventKind, Sim};
use crate::raft::{ClientId, ClientRequest, Duration, LogIndex, Op, OpResult, ProposeError, Proposed, ServerId, Time};
use serde::{Deserialize, Serialize};

/// The state of one client request, with every attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRequestState {
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    pub submitted_at: Time,
    pub attempts: Vec<ClientAttempt>,
    pub status: ClientStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientAttempt {
    pub at: Time,
    pub server: ServerId,
    pub outcome: AttemptOutcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum AttemptOutcome {
    Redirected { leader: Option<ServerId> },
    ServerDown,
    Appended { index: LogIndex },
    AlreadyApplied,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ClientStatus {
    Pending,
    Done { at: Time, by: ServerId, result: OpResult },
    GaveUp,
}

/// A client retries at most this many times.
const MAX_CLIENT_ATTEMPTS: usize = 30;

impl Sim {
    pub(super) fn submit(&mut self, index: usize, target: ServerId) {
        let now = self.world.now;
        let request = {
            let c = &self.world.clients[index];
            ClientRequest { client: c.client, seq: c.seq, op: c.op.clone() }
        };
        let alive = self.slot(target).is_some_and(|s| s.alive);
        let outcome = if !alive {
            AttemptOutcome::ServerDown
        } else {
            let result = self.drive(target.0 as usize - 1, |node| node.propose(now, request));
            match result {
                Err(ProposeError::NotLeader { leader_hint }) => AttemptOutcome::Redirected { leader: leader_hint },
                // §3.10: a leader handing over sends the client on to its successor.
                Err(ProposeError::Transferring { to }) => AttemptOutcome::Redirected { leader: Some(to) },
                Ok(Proposed::Appended(index)) => AttemptOutcome::Appended { index },
                Ok(Proposed::AlreadyApplied(_)) => AttemptOutcome::AlreadyApplied,
            }
        };
        self.world.clients[index].attempts.push(ClientAttempt { at: now, server: target, outcome: outcome.clone() });
        let client = &mut self.world.clients[index];
        if client.status != ClientStatus::Pending {
            return;
        }
        if client.attempts.len() >= MAX_CLIENT_ATTEMPTS {
            client.status = ClientStatus::GaveUp;
            return;
        }
        let attempt = client.attempts.len() as u32;
        let delay = match outcome {
            // A redirect costs a round trip; then the client asks the hinted leader.
            AttemptOutcome::Redirected { leader: Some(_) } => {
                Duration::from_ms(self.world.config.network.latency_max_ms.max(1))
            }
            AttemptOutcome::Redirected { leader: None } | AttemptOutcome::ServerDown => {
                Duration::from_ms(self.world.config.election_timeout_min_ms)
            }
            AttemptOutcome::Appended { .. } | AttemptOutcome::AlreadyApplied => {
                Duration::from_ms(self.world.config.client_timeout_ms)
            }
        };
        self.schedule(now + delay, EventKind::ClientRetry(index as u32, attempt));
    }

    /// Where a client sends its next attempt: the leader it was told of, else the next
    /// server in turn (the last one tried again when no server is in the cluster, which a
    /// membership rule broken on purpose can bring about).
    pub(super) fn next_client_target(&self, index: usize) -> ServerId {
        let c = &self.world.clients[index];
        if let Some(ClientAttempt { outcome: AttemptOutcome::Redirected { leader: Some(l) }, .. }) = c.attempts.last() {
            return *l;
        }
        let active: Vec<ServerId> = self.active_servers().map(|s| s.node.id()).collect();
        let last = c.attempts.last().map(|a| a.server).unwrap_or(ServerId(1));
        let pos = active.iter().position(|s| *s == last).unwrap_or(0);
        active.get((pos + 1) % active.len().max(1)).copied().unwrap_or(last)
    }

    pub(super) fn client_reply(&mut self, from: ServerId, client: ClientId, seq: u64, result: OpResult) {
        let now = self.world.now;
        // Client `n` is the n-th request (`Action::ClientRequest` numbers them so): found at
        // once, not by a search (leaders re-send a reply for every command they re-apply).
        let found = client.0.checked_sub(1).and_then(|i| self.world.clients.get_mut(i as usize));
        if let Some(c) = found.filter(|c| c.client == client && c.seq == seq) {
            if c.status == ClientStatus::Pending {
                self.history.notes.push(Note {
                    time: now,
                    server: from,
                    kind: NoteKind::ClientReply { client: client.0, result: result.to_string() },
                });
                c.status = ClientStatus::Done { at: now, by: from, result };
            }
        }
    }
}
