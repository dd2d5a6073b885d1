//! One Raft server as a pure state machine (after etcd's raft and openraft's engine).
//!
//! Inputs: [`Node::step`] (a message), [`Node::handle_election_timeout`],
//! [`Node::handle_heartbeat_timeout`], [`Node::propose`], [`Node::propose_membership`],
//! [`Node::crash`] and [`Node::restart`]. Each takes `now` from its host; the node reads no
//! clock and draws no random number: the host owns the timers and draws the randomized
//! election timeout whenever the node asks for [`Output::ResetElectionTimer`].
//!
//! Outputs are data, drained with [`Node::take_outputs`]: messages to send, state that was
//! persisted, timers to reset, entries applied, role changes and client replies.
//!
//! Persistence model: `current_term`, `voted_for` and the log are the node's stable
//! storage. They are written (and [`Output::SaveHardState`] / [`Output::SaveLog`] emitted)
//! before any message that depends on them is emitted, and they survive [`Node::crash`];
//! everything else is volatile and lost.

mod check_quorum;
mod prevote;
mod replication;
mod single_server;
mod snapshot;
mod transfer;

pub use check_quorum::RecentContacts;
pub use single_server::ChangeMethod;
pub use transfer::{ProtocolEvent, Transfer, TransferError};

use super::breaks::{BreakSwitch, BreakSwitches};
use super::kv::{ClientRequest, KvStore};
use super::log::{Entry, Payload, RaftLog};
use super::message::{Message, MessageBody};
use super::options::{ProtocolOption, ProtocolOptions};
pub use super::output::{
    ChangeError, InProgress, MembershipEvent, Output, Phase, ProposeError, Proposed, CATCH_UP_TIMEOUTS,
};
use super::quorum::{Configuration, VoteResult};
pub use super::role::{LeaderState, NodeConfig, PendingChange, Progress, Role, RoleKind};
use super::snapshot::Snapshot;
use super::stable::Stable;
use super::types::{LogIndex, ServerId, Term, Time};
use crate::sorted::{SortedMap, SortedSet};

#[derive(Clone, Debug)]
pub struct Node {
    id: ServerId,
    config: NodeConfig,

    // Persistent state on all servers (Figure 2).
    current_term: Term,
    voted_for: Option<ServerId>,
    log: RaftLog,
    /// The configuration in force while the log holds no configuration entry.
    bootstrap: Configuration,
    /// §7: the snapshot that replaced the log's prefix, if any.
    snapshot: Option<Snapshot>,

    // Volatile state on all servers (Figure 2). Invariant: last_applied <= commit_index
    // in correct Raft; commit_index <= log.last_index().
    commit_index: LogIndex,
    last_applied: LogIndex,
    role: Role,
    leader: Option<ServerId>,
    kv: KvStore,
    /// When this server last heard from a leader of its current term.
    last_leader_contact: Option<Time>,
    /// Outputs not yet taken by the host, in order.
    outputs: Vec<Output>,
}

impl Node {
    /// A fresh server with an empty log. `bootstrap` is the cluster's first configuration
    /// (empty for a server that is about to be added: it learns its configuration from
    /// the leader).
    pub fn new(id: ServerId, bootstrap: Configuration, config: NodeConfig) -> Node {
        Node::with_state(id, bootstrap, config, Term(0), None, Vec::new())
    }

    /// A server that starts from given persistent state, to set up the paper's figures.
    pub fn with_state(
        id: ServerId,
        bootstrap: Configuration,
        config: NodeConfig,
        current_term: Term,
        voted_for: Option<ServerId>,
        log: Vec<Entry>,
    ) -> Node {
        Node {
            id,
            config,
            current_term,
            voted_for,
            log: RaftLog::from_entries(log),
            bootstrap,
            snapshot: None,
            commit_index: LogIndex(0),
            last_applied: LogIndex(0),
            role: Role::Follower,
            leader: None,
            kv: KvStore::default(),
            last_leader_contact: None,
            outputs: Vec::new(),
        }
    }

    // ---- Reading the state -------------------------------------------------------------

    pub fn id(&self) -> ServerId {
        self.id
    }
    pub fn term(&self) -> Term {
        self.current_term
    }
    pub fn voted_for(&self) -> Option<ServerId> {
        self.voted_for
    }
    pub fn log(&self) -> &RaftLog {
        &self.log
    }
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }
    pub fn last_applied(&self) -> LogIndex {
        self.last_applied
    }
    pub fn role(&self) -> &Role {
        &self.role
    }
    pub fn role_kind(&self) -> RoleKind {
        self.role.kind()
    }
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }
    /// The leader this server knows of in its current term.
    pub fn leader(&self) -> Option<ServerId> {
        self.leader
    }
    pub fn kv(&self) -> &KvStore {
        &self.kv
    }
    pub fn node_config(&self) -> &NodeConfig {
        &self.config
    }
    pub fn last_leader_contact(&self) -> Option<Time> {
        self.last_leader_contact
    }

    /// §6: the configuration in force is the latest one in the log, committed or not.
    pub fn configuration(&self) -> &Configuration {
        self.log.latest_config().map_or_else(|| self.base_configuration(), |(_, c)| c)
    }

    /// The index of the configuration entry in force (0 for the bootstrap one).
    pub fn configuration_index(&self) -> LogIndex {
        self.log.latest_config().map_or_else(|| self.base_configuration_index(), |(i, _)| i)
    }

    /// The configuration in force before the log's first configuration entry: the
    /// snapshot's (§7), or the bootstrap one.
    fn base_configuration(&self) -> &Configuration {
        self.snapshot.as_ref().map_or(&self.bootstrap, |s| &s.config)
    }

    fn base_configuration_index(&self) -> LogIndex {
        self.snapshot.as_ref().map_or(LogIndex(0), |s| s.config_index)
    }

    pub fn leader_state(&self) -> Option<&LeaderState> {
        match &self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    pub fn set_breaks(&mut self, breaks: BreakSwitches) {
        self.config.breaks = breaks;
    }

    pub fn set_options(&mut self, options: ProtocolOptions) {
        self.config.options = options;
    }

    /// Log compaction (§7) after every `every` applied entries from now on, or none.
    pub fn set_snapshot_every(&mut self, every: Option<u64>) {
        self.config.snapshot_every = every;
    }

    /// Moves the pending outputs onto the end of `into`, in the order they happened.
    pub fn take_outputs(&mut self, into: &mut Vec<Output>) {
        if self.config.breaks.is_on(BreakSwitch::ReplyBeforePersisting) {
            // Broken: the writes go last, after the messages that depend on them.
            let (writes, rest): (Vec<Output>, Vec<Output>) = self.outputs.drain(..).partition(Output::is_write);
            into.extend(rest);
            into.extend(writes);
            return;
        }
        into.append(&mut self.outputs);
    }

    // ---- Lifecycle ---------------------------------------------------------------------

    /// Starts a server for the first time: a follower with a running election timer.
    pub fn start(&mut self) {
        self.outputs.push(Output::ResetElectionTimer);
    }

    /// A crash loses everything but what was written to stable storage (`stable`): role,
    /// commitIndex, lastApplied, nextIndex, matchIndex and the state machine go, and the
    /// term, vote and log are what the server had saved. (RaftScope keeps commitIndex;
    /// that is wrong.) With the `volatile-voted-for` break-switch, votedFor is lost too.
    pub fn crash(&mut self, stable: &Stable) {
        self.current_term = stable.term;
        self.voted_for = stable.voted_for;
        // What was in memory is lost; the disk's log is what remains. It is usually the
        // same as the log in memory (unless a crash tore writes off, or a broken rule
        // skipped them): comparing is much cheaper than copying a long log.
        if self.log != stable.log {
            self.log = stable.log.clone();
        }
        self.snapshot = stable.snapshot.clone();
        self.role = Role::Follower;
        self.leader = None;
        self.commit_index = LogIndex(0);
        self.last_applied = LogIndex(0);
        self.kv = KvStore::default();
        self.restore_snapshot();
        self.last_leader_contact = None;
        self.outputs.clear();
        if self.config.breaks.is_on(BreakSwitch::VolatileVotedFor) {
            self.voted_for = None;
        }
    }

    /// After a crash the server comes back as a follower and rebuilds its state machine as
    /// it learns the commit index again (from its snapshot on, if it has one).
    pub fn restart(&mut self) {
        self.outputs.push(Output::RoleChanged { role: RoleKind::Follower, term: self.current_term });
        self.outputs.push(Output::ResetElectionTimer);
    }

    // ---- Timers ------------------------------------------------------------------------

    /// Whether this server may start an election: it is a voter in its configuration,
    /// or (§6, and the Raft dissertation §4.2.2) its latest configuration removed it but
    /// is not known to be committed, so it may still be needed to elect a leader: it
    /// may hold the only up-to-date copy of C_new. A brand-new server that has learned
    /// no configuration never campaigns.
    pub fn can_campaign(&self) -> bool {
        if self.configuration().contains(self.id) {
            return true;
        }
        let indices = self.log.config_indices();
        let Some((&latest, earlier)) = indices.split_last() else { return false };
        if latest <= self.commit_index {
            return false;
        }
        let previous = match earlier.last() {
            Some(&i) => match self.log.entry(i).map(|e| &e.payload) {
                Some(Payload::Config(c)) => c,
                _ => return false,
            },
            None => self.base_configuration(),
        };
        previous.contains(self.id)
    }

    /// §5.2: a follower or candidate that hears nothing for an election timeout starts an
    /// election, if it [can campaign](Node::can_campaign).
    pub fn handle_election_timeout(&mut self, now: Time) {
        if self.is_leader() {
            return;
        }
        // At the largest term there is no next one to campaign in: it waits for a leader.
        if !self.can_campaign() || self.current_term == Term::MAX {
            self.outputs.push(Output::ResetElectionTimer);
            return;
        }
        if self.config.options.is_on(ProtocolOption::PreVote) {
            self.become_pre_candidate(now);
        } else {
            self.become_candidate(now, false);
        }
    }

    /// §5.2: a leader sends heartbeats (AppendEntries, empty when the follower is up to
    /// date) to keep its authority. §4.2.1: it also abandons a change whose new servers
    /// have been catching up for too long.
    pub fn handle_heartbeat_timeout(&mut self, now: Time) {
        if !self.is_leader() || self.check_quorum(now) {
            return;
        }
        self.expire_transfer(now);
        self.maybe_abort_catch_up(now);
        self.broadcast_append();
        self.outputs.push(Output::ResetHeartbeatTimer);
    }

    // ---- Client commands ---------------------------------------------------------------

    /// A client command. A follower redirects to the leader it knows. A retry of a request
    /// already applied is answered with its first result and not appended again.
    pub fn propose(&mut self, now: Time, req: ClientRequest) -> Result<Proposed, ProposeError> {
        if !self.is_leader() {
            return Err(ProposeError::NotLeader { leader_hint: self.leader });
        }
        if let Some(to) = self.transfer_target() {
            return Err(ProposeError::Transferring { to });
        }
        if let Some(result) = self.kv.cached(&req).cloned() {
            self.outputs.push(Output::ClientReply { client: req.client, seq: req.seq, result: result.clone() });
            return Ok(Proposed::AlreadyApplied(result));
        }
        let index = self.append_as_leader(Payload::Command(req.into()));
        self.broadcast_append();
        self.maybe_commit(now);
        Ok(Proposed::Appended(index))
    }

    /// §6: asks the leader to move to the configuration whose voters are `target`, adding
    /// and removing any number of servers. New servers first catch up as non-voting
    /// members; then the leader appends C_old,new, and once that commits, C_new.
    pub fn propose_membership(&mut self, now: Time, target: SortedSet<ServerId>) -> Result<(), ChangeError> {
        self.propose_change(now, target, ChangeMethod::Joint)
    }

    /// Whether the leader would accept a change to `target` by `method` now
    /// ([`Node::propose_change`] refuses with this error, and changes nothing).
    pub fn check_change(&self, target: &SortedSet<ServerId>, method: ChangeMethod) -> Result<(), ChangeError> {
        let (config_index, config) = (self.configuration_index(), self.configuration());
        let Role::Leader(leader) = &self.role else {
            return Err(ChangeError::NotLeader { leader_hint: self.leader });
        };
        if target.is_empty() {
            return Err(ChangeError::EmptyConfiguration);
        }
        if let Some(change) = &leader.change {
            let waiting = change.target.difference(&config.members()).copied().collect();
            return Err(ChangeError::ChangeInProgress { reason: InProgress::CatchingUp(waiting) });
        }
        if config.is_joint() {
            return Err(ChangeError::ChangeInProgress { reason: InProgress::Joint(config.clone()) });
        }
        if config_index > self.commit_index {
            return Err(ChangeError::ChangeInProgress { reason: InProgress::Uncommitted(config_index) });
        }
        if config.target() == target {
            return Err(ChangeError::NoChange);
        }
        if method == ChangeMethod::Single {
            self.check_single_server_change(config, target)?;
        }
        Ok(())
    }

    /// Asks the leader to move to the configuration whose voters are `target` by `method`:
    /// joint consensus (§6, [`Node::propose_membership`]) or one server at a time
    /// (dissertation §4.1: new servers catch up, then C_new is appended and in force at
    /// once). Either way one change is in flight at a time.
    pub fn propose_change(
        &mut self,
        now: Time,
        target: SortedSet<ServerId>,
        method: ChangeMethod,
    ) -> Result<(), ChangeError> {
        self.check_change(&target, method)?;
        let last_index = self.log.last_index();
        let single_step = self.config.breaks.is_on(BreakSwitch::SingleStepMembership) && method == ChangeMethod::Joint;
        if single_step {
            // Broken on purpose: C_old → C_new directly.
            let index = self.append_as_leader(Payload::Config(Configuration::Simple { voters: target }));
            self.outputs.push(Output::Membership(MembershipEvent::NewAppended { index }));
            self.broadcast_append();
            self.maybe_commit(now);
            return Ok(());
        }
        let new_servers: SortedSet<ServerId> = target.difference(&self.configuration().members()).copied().collect();
        if let Role::Leader(leader) = &mut self.role {
            for id in &new_servers {
                leader
                    .progress
                    .get_or_insert_with(*id, || Progress { next_index: last_index.next(), match_index: LogIndex(0) });
            }
            leader.change = Some(PendingChange {
                target,
                method,
                catch_up_index: last_index,
                started_at: now,
                round_started_at: now,
                round: 1,
            });
        }
        if !new_servers.is_empty() {
            self.outputs.push(Output::Membership(MembershipEvent::CatchingUp { servers: new_servers }));
        }
        self.maybe_finish_catch_up(now);
        // Appending C_old,new or C_new (no new server to wait for) already sent it to everyone.
        if self.leader_state().is_some_and(|l| l.change.is_some()) {
            self.broadcast_append();
        }
        self.maybe_commit(now);
        Ok(())
    }

    // ---- Messages ----------------------------------------------------------------------

    /// Handles a message. It is borrowed: the simulator keeps every message in its history
    /// and hands the node the record's copy (the node clones only the entries it appends;
    /// docs/performance.md, "Snapshots in the browser").
    pub fn step(&mut self, now: Time, msg: &Message) {
        if msg.body.is_pre_vote() {
            // Pre-votes never change a term by themselves (dissertation §9.6).
            return self.step_pre_vote(now, msg);
        }
        self.note_contact(now, msg);
        if let MessageBody::RequestVote { transfer: false, .. } = msg.body {
            // §6: a server that heard from a current leader within the minimum election
            // timeout ignores RequestVote: it neither updates its term nor grants the vote.
            // This keeps removed servers (and partitioned ones) from disrupting the cluster.
            if self.in_leader_lease(now) && msg.term >= self.current_term && self.leader != Some(msg.from) {
                self.send(msg.from, MessageBody::RequestVoteReply { granted: false });
                return;
            }
        }
        // §5.1: any message with a higher term turns the receiver into a follower.
        if msg.term > self.current_term {
            let leader = matches!(msg.body, MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. })
                .then_some(msg.from);
            self.become_follower(msg.term, leader);
        }
        match &msg.body {
            MessageBody::RequestVote { last_log_index, last_log_term, .. } => {
                self.handle_request_vote(msg.from, msg.term, *last_log_index, *last_log_term)
            }
            MessageBody::RequestVoteReply { granted } => self.handle_vote_reply(now, msg.from, msg.term, *granted),
            MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit } => self
                .handle_append_entries(
                    now,
                    msg.from,
                    msg.term,
                    *prev_log_index,
                    *prev_log_term,
                    entries,
                    *leader_commit,
                ),
            MessageBody::AppendEntriesReply { success, match_index } => {
                self.handle_append_reply(now, msg.from, msg.term, *success, *match_index)
            }
            MessageBody::TimeoutNow => self.handle_timeout_now(now, msg.term),
            MessageBody::InstallSnapshot { snapshot } => {
                self.handle_install_snapshot(now, msg.from, msg.term, snapshot)
            }
            MessageBody::InstallSnapshotReply { last_index } => {
                self.handle_install_snapshot_reply(now, msg.from, msg.term, *last_index)
            }
            MessageBody::PreVote { .. } | MessageBody::PreVoteReply { .. } => {}
        }
    }

    fn in_leader_lease(&self, now: Time) -> bool {
        self.is_leader() || self.last_leader_contact.is_some_and(|t| now.since(t) < self.config.election_timeout_min)
    }

    /// §5.2, §5.4.1: grant at most one vote per term, and only to a candidate whose log is
    /// at least as up-to-date as ours.
    fn handle_request_vote(&mut self, candidate: ServerId, term: Term, last_log_index: LogIndex, last_log_term: Term) {
        let up_to_date = self.candidate_up_to_date(last_log_index, last_log_term);
        let granted = term == self.current_term && self.voted_for.is_none_or(|v| v == candidate) && up_to_date;
        if granted {
            self.voted_for = Some(candidate);
            self.save_hard_state();
            self.outputs.push(Output::ResetElectionTimer);
        }
        self.send(candidate, MessageBody::RequestVoteReply { granted });
    }

    fn handle_vote_reply(&mut self, now: Time, from: ServerId, term: Term, granted: bool) {
        if term != self.current_term {
            return;
        }
        let Role::Candidate { votes } = &mut self.role else { return };
        votes.insert(from, granted);
        self.check_election(now);
    }

    /// §5.4.1: the candidate's log is at least as up-to-date as ours (unless the rule is
    /// broken on purpose).
    fn candidate_up_to_date(&self, last_log_index: LogIndex, last_log_term: Term) -> bool {
        self.config.breaks.is_on(BreakSwitch::NoElectionRestriction)
            || self.log.is_up_to_date(last_log_index, last_log_term)
    }

    fn check_election(&mut self, now: Time) {
        let Role::Candidate { votes } = &self.role else { return };
        // §6: in C_old,new a candidate needs a majority of C_old and of C_new.
        let result = self.configuration().vote_result(|id| votes.get(&id).copied());
        if result == VoteResult::Won {
            self.become_leader(now);
        }
    }

    // ---- Role changes ------------------------------------------------------------------

    fn become_follower(&mut self, term: Term, leader: Option<ServerId>) {
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.save_hard_state();
        }
        let was = self.role.kind();
        self.role = Role::Follower;
        self.leader = leader;
        if was != RoleKind::Follower {
            self.outputs.push(Output::RoleChanged { role: RoleKind::Follower, term: self.current_term });
            self.outputs.push(Output::ResetElectionTimer);
        }
    }

    /// §5.2: increment currentTerm, vote for self, reset the election timer and ask every
    /// other server for its vote. `transfer`: the election a TimeoutNow started (§3.10).
    fn become_candidate(&mut self, now: Time, transfer: bool) {
        self.current_term = self.current_term.next();
        self.voted_for = Some(self.id);
        self.leader = None;
        self.save_hard_state();
        self.role = Role::Candidate { votes: SortedMap::from([(self.id, true)]) };
        self.outputs.push(Output::RoleChanged { role: RoleKind::Candidate, term: self.current_term });
        self.outputs.push(Output::ResetElectionTimer);
        let body = MessageBody::RequestVote {
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            transfer,
        };
        self.send_to_voters(body);
        self.check_election(now);
    }

    fn become_leader(&mut self, now: Time) {
        let next = self.log.last_index().next();
        let progress = self
            .configuration()
            .members()
            .into_iter()
            .filter(|id| *id != self.id)
            .map(|id| (id, Progress { next_index: next, match_index: LogIndex(0) }))
            .collect();
        self.role = Role::Leader(LeaderState {
            progress,
            change: None,
            since: now,
            contacts: SortedMap::new(),
            transfer: None,
        });
        self.leader = Some(self.id);
        self.outputs.push(Output::RoleChanged { role: RoleKind::Leader, term: self.current_term });
        self.outputs.push(Output::StopElectionTimer);
        // §8: a new leader commits a blank no-op entry at the start of its term; with it,
        // entries of earlier terms commit indirectly (§5.4.2).
        self.append_as_leader(Payload::Noop);
        self.broadcast_append();
        self.outputs.push(Output::ResetHeartbeatTimer);
        self.maybe_commit(now);
    }

    // ---- Shared internals --------------------------------------------------------------

    fn save_hard_state(&mut self) {
        self.outputs.push(Output::SaveHardState { term: self.current_term, voted_for: self.voted_for });
    }

    fn send(&mut self, to: ServerId, body: MessageBody) {
        self.send_with_term(to, self.current_term, body);
    }

    fn send_with_term(&mut self, to: ServerId, term: Term, body: MessageBody) {
        self.outputs.push(Output::Send(Message { from: self.id, to, term, body }));
    }

    /// Sends `body` to every other member of the configuration (both halves of a joint one).
    fn send_to_voters(&mut self, body: MessageBody) {
        for peer in self.configuration().members() {
            if peer != self.id {
                self.send(peer, body.clone());
            }
        }
    }
}
