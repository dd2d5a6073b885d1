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

use super::breaks::{BreakSwitch, BreakSwitches};
use super::kv::{Applied, ClientRequest, KvStore, OpResult};
use super::log::{Entry, Payload, RaftLog};
use super::message::{Message, MessageBody};
use super::quorum::{Configuration, VoteResult};
use super::types::{ClientId, Duration, LogIndex, ServerId, Term, Time};
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Settings of one node that do not change during a run (but break-switches may).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeConfig {
    /// The minimum election timeout. Used for §6's rule that a server ignores RequestVote
    /// within this long of hearing from a current leader.
    pub election_timeout_min: Duration,
    /// At most this many entries travel in one AppendEntries.
    pub max_entries_per_append: usize,
    pub breaks: BreakSwitches,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            election_timeout_min: Duration::from_ms(150),
            max_entries_per_append: 64,
            breaks: BreakSwitches::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleKind {
    Follower,
    Candidate,
    Leader,
}

impl RoleKind {
    pub fn name(self) -> &'static str {
        match self {
            RoleKind::Follower => "follower",
            RoleKind::Candidate => "candidate",
            RoleKind::Leader => "leader",
        }
    }
}

impl fmt::Display for RoleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A leader's view of one peer's log (Figure 2, "Volatile state on leaders").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Progress {
    /// The next entry to send. Invariant: `match_index < next_index`.
    pub next_index: LogIndex,
    /// The highest entry known to be replicated on the peer.
    pub match_index: LogIndex,
}

/// A membership change the leader has accepted but not yet put in the log: the new
/// servers are catching up as non-voting members (§6).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PendingChange {
    pub target: SortedSet<ServerId>,
    /// The new servers count as caught up once they hold the log up to here.
    pub catch_up_index: LogIndex,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeaderState {
    /// One entry per replication target: every member of the configuration but the
    /// leader, plus servers catching up.
    pub progress: SortedMap<ServerId, Progress>,
    pub change: Option<PendingChange>,
}

/// State that only one role has lives inside that role. Only `become_*` change it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Follower,
    /// Votes received so far in this term: `true` for granted, `false` for refused.
    Candidate {
        votes: SortedMap<ServerId, bool>,
    },
    Leader(LeaderState),
}

impl Role {
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Follower => RoleKind::Follower,
            Role::Candidate { .. } => RoleKind::Candidate,
            Role::Leader(_) => RoleKind::Leader,
        }
    }
}

/// The phases of a membership change, as the leader drives it (§6).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "kebab-case")]
pub enum MembershipEvent {
    CatchingUp {
        servers: SortedSet<ServerId>,
    },
    JointAppended {
        index: LogIndex,
    },
    JointCommitted {
        index: LogIndex,
    },
    NewAppended {
        index: LogIndex,
    },
    NewCommitted {
        index: LogIndex,
    },
    /// The leader was not in C_new and stepped down once C_new committed.
    LeaderSteppedDown,
}

/// What a node asks its host to do, or tells it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    Send(Message),
    /// currentTerm and votedFor were written to stable storage.
    SaveHardState {
        term: Term,
        voted_for: Option<ServerId>,
    },
    /// Log entries from `from` on were written; anything after `last` is gone.
    SaveLog {
        from: LogIndex,
        last: LogIndex,
    },
    /// Start (or restart) the election timer with a fresh randomized timeout.
    ResetElectionTimer,
    /// Stop the election timer (a leader has none).
    StopElectionTimer,
    /// Start (or restart) the heartbeat timer.
    ResetHeartbeatTimer,
    RoleChanged {
        role: RoleKind,
        term: Term,
    },
    /// The commit index advanced to `index`.
    Committed {
        index: LogIndex,
    },
    /// The entries `first..=last` were applied to the state machine, in order.
    Applied {
        first: LogIndex,
        last: LogIndex,
    },
    /// A reply to a client, from the leader that applied its request.
    ClientReply {
        client: ClientId,
        seq: u64,
        result: OpResult,
    },
    Membership(MembershipEvent),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposeError {
    /// The lecture's client protocol: a follower redirects to the leader it knows.
    NotLeader { leader_hint: Option<ServerId> },
}

impl fmt::Display for ProposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProposeError::NotLeader { leader_hint: Some(l) } => write!(f, "not the leader; try {l}"),
            ProposeError::NotLeader { leader_hint: None } => write!(f, "not the leader, and no leader is known"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proposed {
    /// Appended at this index; the reply comes when it is applied.
    Appended(LogIndex),
    /// A retry of a request that was already applied: answered at once, not appended.
    AlreadyApplied(OpResult),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeError {
    NotLeader {
        leader_hint: Option<ServerId>,
    },
    /// §6: only one change is in flight at a time.
    ChangeInProgress {
        reason: InProgress,
    },
    EmptyConfiguration,
    NoChange,
}

/// Why the change in flight is not finished, so that a new one must wait (§6). Data, so
/// that the page can say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InProgress {
    /// New servers are still catching up as non-voting members.
    CatchingUp(Vec<ServerId>),
    /// The joint configuration C_old,new (shown) is in force: C_new is not committed yet.
    Joint(Configuration),
    /// The latest configuration entry, at this index, is not committed yet.
    Uncommitted(LogIndex),
}

impl fmt::Display for InProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InProgress::CatchingUp(servers) => {
                let servers: Vec<String> = servers.iter().map(|s| s.to_string()).collect();
                write!(f, "{} catching up", servers.join(", "))
            }
            InProgress::Joint(config) => write!(f, "C_old,new {config} is in force"),
            InProgress::Uncommitted(index) => write!(f, "configuration entry {index} is not committed yet"),
        }
    }
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::NotLeader { leader_hint } => ProposeError::NotLeader { leader_hint: *leader_hint }.fmt(f),
            ChangeError::ChangeInProgress { reason } => {
                write!(f, "a membership change is already in progress: {reason}")
            }
            ChangeError::EmptyConfiguration => f.write_str("the new configuration must keep at least one server"),
            ChangeError::NoChange => f.write_str("the new configuration is the same as the current one"),
        }
    }
}

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
        self.log.latest_config().map_or(&self.bootstrap, |(_, c)| c)
    }

    /// The index of the configuration entry in force (0 for the bootstrap one).
    pub fn configuration_index(&self) -> LogIndex {
        self.log.latest_config().map_or(LogIndex(0), |(i, _)| i)
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

    /// Moves the pending outputs onto the end of `into`, in the order they happened.
    pub fn take_outputs(&mut self, into: &mut Vec<Output>) {
        into.append(&mut self.outputs);
    }

    // ---- Lifecycle ---------------------------------------------------------------------

    /// Starts a server for the first time: a follower with a running election timer.
    pub fn start(&mut self) {
        self.outputs.push(Output::ResetElectionTimer);
    }

    /// A crash loses everything but the persistent state: role, commitIndex, lastApplied,
    /// nextIndex, matchIndex and the state machine. (RaftScope keeps commitIndex; that is
    /// wrong.) With the `volatile-voted-for` break-switch, votedFor is lost too.
    pub fn crash(&mut self) {
        self.role = Role::Follower;
        self.leader = None;
        self.commit_index = LogIndex(0);
        self.last_applied = LogIndex(0);
        self.kv = KvStore::default();
        self.last_leader_contact = None;
        self.outputs.clear();
        if self.config.breaks.is_on(BreakSwitch::VolatileVotedFor) {
            self.voted_for = None;
        }
    }

    /// After a crash the server comes back as a follower and rebuilds its state machine as
    /// it learns the commit index again.
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
            None => &self.bootstrap,
        };
        previous.contains(self.id)
    }

    /// §5.2: a follower or candidate that hears nothing for an election timeout starts an
    /// election, if it [can campaign](Node::can_campaign).
    pub fn handle_election_timeout(&mut self, now: Time) {
        if self.is_leader() {
            return;
        }
        if !self.can_campaign() {
            self.outputs.push(Output::ResetElectionTimer);
            return;
        }
        self.become_candidate(now);
    }

    /// §5.2: a leader sends heartbeats (AppendEntries, empty when the follower is up to
    /// date) to keep its authority.
    pub fn handle_heartbeat_timeout(&mut self, _now: Time) {
        if !self.is_leader() {
            return;
        }
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
        if let Some(result) = self.kv.cached(&req).cloned() {
            self.outputs.push(Output::ClientReply { client: req.client, seq: req.seq, result: result.clone() });
            return Ok(Proposed::AlreadyApplied(result));
        }
        let index = self.append_as_leader(Payload::Command(req));
        self.broadcast_append();
        self.maybe_commit(now);
        Ok(Proposed::Appended(index))
    }

    /// §6: asks the leader to move to the configuration whose voters are `target`, adding
    /// and removing any number of servers. New servers first catch up as non-voting
    /// members; then the leader appends C_old,new, and once that commits, C_new.
    pub fn propose_membership(&mut self, now: Time, target: SortedSet<ServerId>) -> Result<(), ChangeError> {
        let last_index = self.log.last_index();
        let commit_index = self.commit_index;
        let (config_index, config) = (self.configuration_index(), self.configuration().clone());
        let single_step = self.config.breaks.is_on(BreakSwitch::SingleStepMembership);
        let Role::Leader(leader) = &mut self.role else {
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
            return Err(ChangeError::ChangeInProgress { reason: InProgress::Joint(config) });
        }
        if config_index > commit_index {
            return Err(ChangeError::ChangeInProgress { reason: InProgress::Uncommitted(config_index) });
        }
        if config.target() == &target {
            return Err(ChangeError::NoChange);
        }
        if single_step {
            // Broken on purpose: C_old → C_new directly.
            let index = self.append_as_leader(Payload::Config(Configuration::Simple { voters: target }));
            self.outputs.push(Output::Membership(MembershipEvent::NewAppended { index }));
            self.broadcast_append();
            self.maybe_commit(now);
            return Ok(());
        }
        let new_servers: SortedSet<ServerId> = target.difference(&config.members()).copied().collect();
        for id in &new_servers {
            leader
                .progress
                .get_or_insert_with(*id, || Progress { next_index: last_index.next(), match_index: LogIndex(0) });
        }
        leader.change = Some(PendingChange { target, catch_up_index: last_index });
        if !new_servers.is_empty() {
            self.outputs.push(Output::Membership(MembershipEvent::CatchingUp { servers: new_servers }));
        }
        self.maybe_finish_catch_up();
        self.broadcast_append();
        self.maybe_commit(now);
        Ok(())
    }

    // ---- Messages ----------------------------------------------------------------------

    pub fn step(&mut self, now: Time, msg: Message) {
        if let MessageBody::RequestVote { .. } = msg.body {
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
            let leader = matches!(msg.body, MessageBody::AppendEntries { .. }).then_some(msg.from);
            self.become_follower(msg.term, leader);
        }
        match msg.body {
            MessageBody::RequestVote { last_log_index, last_log_term } => {
                self.handle_request_vote(msg.from, msg.term, last_log_index, last_log_term)
            }
            MessageBody::RequestVoteReply { granted } => self.handle_vote_reply(now, msg.from, msg.term, granted),
            MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit } => self
                .handle_append_entries(now, msg.from, msg.term, prev_log_index, prev_log_term, entries, leader_commit),
            MessageBody::AppendEntriesReply { success, match_index } => {
                self.handle_append_reply(now, msg.from, msg.term, success, match_index)
            }
        }
    }

    fn in_leader_lease(&self, now: Time) -> bool {
        self.is_leader() || self.last_leader_contact.is_some_and(|t| now.since(t) < self.config.election_timeout_min)
    }

    /// §5.2, §5.4.1: grant at most one vote per term, and only to a candidate whose log is
    /// at least as up-to-date as ours.
    fn handle_request_vote(&mut self, candidate: ServerId, term: Term, last_log_index: LogIndex, last_log_term: Term) {
        let up_to_date = self.config.breaks.is_on(BreakSwitch::NoElectionRestriction)
            || self.log.is_up_to_date(last_log_index, last_log_term);
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

    fn check_election(&mut self, now: Time) {
        let Role::Candidate { votes } = &self.role else { return };
        // §6: in C_old,new a candidate needs a majority of C_old and of C_new.
        let result = self.configuration().vote_result(|id| votes.get(&id).copied());
        if result == VoteResult::Won {
            self.become_leader(now);
        }
    }

    /// §5.3: the consistency check, truncation of conflicting suffixes, and the commit
    /// index carried from the leader.
    #[allow(clippy::too_many_arguments)]
    fn handle_append_entries(
        &mut self,
        now: Time,
        leader: ServerId,
        term: Term,
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: LogIndex,
    ) {
        if term < self.current_term {
            // A stale leader: the reply carries our term, which makes it step down.
            let hint = self.log.last_index();
            self.send(leader, MessageBody::AppendEntriesReply { success: false, match_index: hint });
            return;
        }
        // term == current_term. §5.2: a candidate steps down when a leader of its term
        // appears. (Two leaders in one term only happen with a rule broken on purpose.)
        if !matches!(self.role, Role::Follower) {
            self.become_follower(term, Some(leader));
        }
        self.leader = Some(leader);
        self.last_leader_contact = Some(now);
        self.outputs.push(Output::ResetElectionTimer);

        if self.log.term_at(prev_log_index) != Some(prev_log_term) {
            // §5.3: reply false if the log has no entry at prevLogIndex whose term matches.
            let hint = prev_log_index.prev().min(self.log.last_index());
            self.send(leader, MessageBody::AppendEntriesReply { success: false, match_index: hint });
            return;
        }
        let last_new = LogIndex(prev_log_index.0 + entries.len() as u64);
        let mut first_written: Option<LogIndex> = None;
        for (offset, entry) in entries.into_iter().enumerate() {
            let index = LogIndex(prev_log_index.0 + 1 + offset as u64);
            match self.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    // §5.3: an existing entry conflicts with a new one: delete it and all
                    // that follow it.
                    self.log.truncate_from(index);
                    self.log.push(entry);
                }
                None => {
                    self.log.push(entry);
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

    /// §5.3: on success, advance matchIndex and nextIndex; on failure, back nextIndex off
    /// and retry.
    fn handle_append_reply(&mut self, now: Time, from: ServerId, term: Term, success: bool, match_index: LogIndex) {
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
            self.maybe_finish_catch_up();
            self.maybe_commit(now);
            if more && self.is_leader() {
                self.send_append(from);
            }
        } else {
            // Back off by one, or straight past the end of the follower's log; never below
            // what is known to match. (A stale or duplicated refusal changes nothing.)
            let backed_off = progress.next_index.prev().min(match_index.next()).max(progress.match_index.next());
            if backed_off < progress.next_index {
                progress.next_index = backed_off;
                self.send_append(from);
            }
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
    /// other server for its vote.
    fn become_candidate(&mut self, now: Time) {
        self.current_term = self.current_term.next();
        self.voted_for = Some(self.id);
        self.leader = None;
        self.save_hard_state();
        self.role = Role::Candidate { votes: SortedMap::from([(self.id, true)]) };
        self.outputs.push(Output::RoleChanged { role: RoleKind::Candidate, term: self.current_term });
        self.outputs.push(Output::ResetElectionTimer);
        let body =
            MessageBody::RequestVote { last_log_index: self.log.last_index(), last_log_term: self.log.last_term() };
        for peer in self.configuration().members() {
            if peer != self.id {
                self.send(peer, body.clone());
            }
        }
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
        self.role = Role::Leader(LeaderState { progress, change: None });
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

    // ---- Leader internals --------------------------------------------------------------

    fn append_as_leader(&mut self, payload: Payload) -> LogIndex {
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

    fn broadcast_append(&mut self) {
        let Role::Leader(leader) = &self.role else { return };
        let peers: Vec<ServerId> = leader.progress.keys().copied().collect();
        for peer in peers {
            self.send_append(peer);
        }
    }

    fn send_append(&mut self, peer: ServerId) {
        let Role::Leader(leader) = &self.role else { return };
        let Some(progress) = leader.progress.get(&peer) else { return };
        let prev_log_index = progress.next_index.prev();
        let prev_log_term = self.log.term_at(prev_log_index).unwrap_or(Term(0));
        let entries = self.log.slice_from(progress.next_index, self.config.max_entries_per_append).to_vec();
        let body =
            MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit: self.commit_index };
        self.send(peer, body);
    }

    /// §6: once every new server holds the log up to where it stood when the change was
    /// asked for, append C_old,new.
    fn maybe_finish_catch_up(&mut self) {
        if !matches!(&self.role, Role::Leader(LeaderState { change: Some(_), .. })) {
            return;
        }
        let config = self.configuration().clone();
        let Role::Leader(leader) = &mut self.role else { return };
        let Some(change) = &leader.change else { return };
        let caught_up = change
            .target
            .iter()
            .filter(|id| !config.members().contains(id) && **id != self.id)
            .all(|id| leader.progress.get(id).is_some_and(|p| p.match_index >= change.catch_up_index));
        if !caught_up {
            return;
        }
        let change = leader.change.take().expect("checked above");
        let joint = Configuration::Joint { old: config.target().clone(), new: change.target };
        let index = self.append_as_leader(Payload::Config(joint));
        self.outputs.push(Output::Membership(MembershipEvent::JointAppended { index }));
        self.broadcast_append();
    }

    /// §5.3, §5.4.2: the leader commits the highest index that a majority holds (in
    /// C_old,new, a majority of each half), but only by counting replicas of an entry
    /// of its current term; entries of earlier terms commit indirectly (Figure 8).
    /// A leader that is not a member of a half does not count itself in it.
    fn maybe_commit(&mut self, now: Time) {
        let Role::Leader(leader) = &self.role else { return };
        let last_index = self.log.last_index();
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
    /// that is not in it steps down.
    fn advance_membership(&mut self, now: Time, old_commit: LogIndex) {
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

    // ---- Shared internals --------------------------------------------------------------

    /// Figure 2: apply entries up to commitIndex to the state machine, in order.
    fn apply_committed(&mut self) {
        let first = self.last_applied.next();
        while self.last_applied < self.commit_index {
            let index = self.last_applied.next();
            let Some(entry) = self.log.entry(index) else { break };
            self.last_applied = index;
            if let Payload::Command(req) = &entry.payload {
                let applied = self.kv.apply(req);
                if matches!(self.role, Role::Leader(_)) {
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

    fn save_hard_state(&mut self) {
        self.outputs.push(Output::SaveHardState { term: self.current_term, voted_for: self.voted_for });
    }

    fn send(&mut self, to: ServerId, body: MessageBody) {
        self.outputs.push(Output::Send(Message { from: self.id, to, term: self.current_term, body }));
    }
}
