//! The safety checker. It runs after every event and checks the five properties of the
//! Raft paper's Figure 3 over the whole run, plus "at most one configuration change in
//! flight". Liveness is watched apart (see [`super::Sim`]).
//!
//! It keeps, for every server, a hash of each prefix of its log, so that comparing two
//! logs up to an index is comparing two numbers.

mod violation;
pub use violation::{Property, Violation, ViolationDetail};

use crate::raft::{
    ClientId, Entry, KvStore, LogIndex, MessageKind, Node, Output, Payload, RoleKind, ServerId, Stable, Term, Time,
};
use crate::sorted::SortedMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

fn entry_hash(prev: u64, index: LogIndex, entry: &Entry) -> u64 {
    let mut h = DefaultHasher::new();
    prev.hash(&mut h);
    index.hash(&mut h);
    entry.hash(&mut h);
    h.finish()
}

/// What was violated, before the checker adds when and where.
struct Found {
    property: Property,
    servers: Vec<ServerId>,
    terms: Vec<Term>,
    indices: Vec<LogIndex>,
    detail: ViolationDetail,
}

#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// The hash of each prefix of each server's log (see [`Prefixes`]).
    prefix: SortedMap<ServerId, Prefixes>,
    /// (index, term) → the prefix hash first seen for it (Log Matching).
    seen: SortedMap<(LogIndex, Term), (u64, ServerId)>,
    /// The committed prefix: committed[i-1] = prefix hash, and who committed it first.
    committed: Vec<(u64, ServerId, Term)>,
    /// applied[i-1] = prefix hash of the first entry applied at i, and by whom.
    applied: Vec<(u64, ServerId)>,
    leaders: SortedMap<Term, ServerId>,
    /// Each current leader's term, last index and the prefix hash there (Append-Only).
    leader_logs: SortedMap<ServerId, (Term, LogIndex, u64)>,
    /// Each server's highest current term seen, and its vote in that term (once it voted):
    /// terms never go down, and a server votes at most once per term, across crashes.
    hard_state: SortedMap<ServerId, (Term, Option<ServerId>)>,
    /// Each server's state machine since it last started: the highest request number
    /// applied per client, and how many requests it has carried out
    /// ([`crate::raft::KvStore::applied_commands`]).
    sessions: SortedMap<ServerId, Sessions>,
    pub violations: Vec<Violation>,
    /// Which properties have been violated (each is reported once).
    reported: Vec<Property>,
    work: CheckerWork,
    /// Scratch for [`Checker::observe`]: the requests one step applied. Empty between
    /// steps; kept so that a step allocates nothing for them.
    requests: Vec<(ClientId, u64)>,
}

/// What the checker has done against what the servers have done, since the run started.
/// Its bookkeeping is a constant amount per entry a server writes or applies (a prefix
/// hash, a comparison with the committed or applied prefix, a client session), never a
/// scan of a log or of the run's history, so a long run costs no more per event than a
/// short one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckerWork {
    /// Entries the servers wrote (each `SaveLog` range) and applied (each `Applied` range).
    pub entries: u64,
    /// Entries the checker looked at: prefix hashes computed, committed and applied
    /// entries recorded or compared, applied requests matched to their client's session
    /// (and not the search for where a log departs from the committed prefix, made once
    /// such a violation is found).
    pub steps: u64,
}

/// The hash of each prefix of one server's log: of entries 1..=i for each i. Up to `base`,
/// the index of the last snapshot it installed (§7), they are the committed prefix's (the
/// one at `base` is `base_hash`), so that an install costs nothing however long the log.
#[derive(Clone, Debug, Default)]
struct Prefixes {
    base: u64,
    base_hash: u64,
    /// hashes[k] = the hash of entries 1..=base + 1 + k.
    hashes: Vec<u64>,
}

/// One server's state machine as the checker follows it since the server last started:
/// the snapshot it started from (§7), if any, shared rather than copied; the highest
/// request number applied per client since; and how many requests it has carried out.
#[derive(Clone, Debug, Default)]
struct Sessions {
    base: Option<Arc<KvStore>>,
    last: SortedMap<ClientId, u64>,
    count: u64,
}

impl Sessions {
    fn last_seq(&self, client: ClientId) -> Option<u64> {
        self.last.get(&client).copied().or_else(|| self.base.as_ref()?.sessions.get(&client).map(|s| s.seq))
    }
}

/// The most violations a run keeps.
const MAX_VIOLATIONS: usize = 64;

impl Checker {
    fn prefix_hash(&self, s: ServerId, index: LogIndex) -> Option<u64> {
        if index.0 == 0 {
            return Some(0);
        }
        let p = self.prefix.get(&s)?;
        match index.0.cmp(&p.base) {
            std::cmp::Ordering::Less => self.committed.get(index.0 as usize - 1).map(|c| c.0),
            std::cmp::Ordering::Equal => Some(p.base_hash),
            std::cmp::Ordering::Greater => p.hashes.get((index.0 - p.base - 1) as usize).copied(),
        }
    }

    /// Starts tracking a server whose log may already hold entries (a scenario's set-up).
    pub fn add_server(&mut self, node: &Node) {
        self.prefix.insert(node.id(), Prefixes::default());
        let mut found = Vec::new();
        self.record_hard_state(node.id(), node.term(), node.voted_for(), &mut found);
        self.rehash(node, LogIndex(1), &mut found);
    }

    /// What the checker has done so far (see [`CheckerWork`]).
    pub fn work(&self) -> CheckerWork {
        self.work
    }

    pub fn violated(&self, p: Property) -> bool {
        self.reported.contains(&p)
    }

    /// Record a liveness (or other externally found) violation.
    /// Each property is reported once per run: the first time it breaks.
    pub fn report(&mut self, v: Violation) {
        if self.reported.contains(&v.property) {
            return;
        }
        self.reported.push(v.property);
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(v);
        }
    }

    /// Checks what one server's step produced. `was_leader` is its role and term before;
    /// `stable` is what it has on disk after the step's writes.
    #[allow(clippy::too_many_arguments)] // the step's facts, each read once; a struct would only rename them
    pub fn observe(
        &mut self,
        node: &Node,
        stable: &Stable,
        was_leader: Option<Term>,
        outputs: &[Output],
        time: Time,
        event: u64,
        describe: &dyn Fn() -> String,
    ) {
        let id = node.id();
        let mut found = Vec::new();
        // 0. Terms only grow, and one vote per term: as written to disk, and as told to
        // others (every message carries the sender's term; a granted vote names its
        // candidate). A pre-vote's term is only asked about. (And the entries written,
        // counted for [`CheckerWork`].)
        // Recording the same (term, vote) twice with nothing recorded between changes
        // nothing and finds nothing new, so a broadcast's messages are recorded once.
        let mut last_sent = None;
        for o in outputs {
            match o {
                Output::SaveHardState { term, voted_for } => {
                    last_sent = None;
                    self.record_hard_state(id, *term, *voted_for, &mut found)
                }
                Output::Send(msg) if !msg.body.is_pre_vote() => {
                    let vote = (msg.kind() == MessageKind::VoteGranted).then_some(msg.to);
                    if last_sent.replace((msg.term, vote)) != Some((msg.term, vote)) {
                        self.record_hard_state(id, msg.term, vote, &mut found);
                    }
                }
                Output::SaveLog { from, last } => self.work.entries += (last.0 + 1).saturating_sub(from.0),
                _ => {}
            }
        }
        self.record_hard_state(id, stable.term, stable.voted_for, &mut found);
        // 1. The log changed: recompute prefix hashes from the first written index.
        let first_written =
            outputs.iter().filter_map(|o| if let Output::SaveLog { from, .. } = o { Some(*from) } else { None }).min();
        if let Some(from) = first_written {
            if let Some((term, last, hash)) = self.leader_logs.get(&id).copied() {
                if was_leader == Some(term) && node.is_leader() && node.term() == term && from <= last {
                    found.push(Found {
                        property: Property::LeaderAppendOnly,
                        servers: vec![id],
                        terms: vec![term],
                        indices: vec![from],
                        detail: ViolationDetail::LeaderRewroteLog { leader: id, term, from },
                    });
                }
                let _ = hash;
            }
            self.rehash(node, from, &mut found);
        }
        // A snapshot replaced a prefix of the log (§7).
        for o in outputs {
            match o {
                Output::SnapshotTaken { last_index, .. } => self.record_snapshot(node, *last_index, None, &mut found),
                Output::SnapshotInstalled { last_index, last_term } => {
                    self.record_snapshot(node, *last_index, Some(*last_term), &mut found)
                }
                _ => {}
            }
        }
        // 2. Role changes: Election Safety and Leader Completeness; what was applied.
        let mut requests = std::mem::take(&mut self.requests);
        for o in outputs {
            match o {
                Output::RoleChanged { role: RoleKind::Leader, term } => {
                    if let Some(other) = self.leaders.get(term).copied() {
                        if other != id {
                            found.push(Found {
                                property: Property::ElectionSafety,
                                servers: vec![other, id],
                                terms: vec![*term],
                                indices: vec![],
                                detail: ViolationDetail::TwoLeaders { first: other, second: id, term: *term },
                            });
                        }
                    } else {
                        self.leaders.insert(*term, id);
                    }
                    self.check_completeness(node, *term, &mut found);
                }
                Output::Committed { index } => self.record_commit(node, *index, &mut found),
                Output::Applied { first, last } => {
                    self.work.entries += (last.0 + 1).saturating_sub(first.0);
                    for i in first.0..=last.0 {
                        self.record_apply(node, LogIndex(i), &mut found);
                    }
                    requests.extend((first.0..=last.0).filter_map(|i| match node.log().entry(LogIndex(i)) {
                        Some(Entry { payload: Payload::Command(req), .. }) => Some((req.client, req.seq)),
                        _ => None,
                    }));
                }
                _ => {}
            }
        }
        if !requests.is_empty() {
            self.record_requests(node, &requests, node.kv().applied_commands, &mut found);
            requests.clear();
        }
        self.requests = requests;
        // 3. Append-only bookkeeping and one configuration change at a time, for leaders.
        if node.is_leader() {
            let last = node.log().last_index();
            let hash = self.prefix_hash(id, last).unwrap_or(0);
            if let Some((term, prev_last, prev_hash)) = self.leader_logs.get(&id).copied() {
                if term == node.term() && (last < prev_last || self.prefix_hash(id, prev_last) != Some(prev_hash)) {
                    found.push(Found {
                        property: Property::LeaderAppendOnly,
                        servers: vec![id],
                        terms: vec![term],
                        indices: vec![prev_last],
                        detail: ViolationDetail::LeaderLostEntries { leader: id, term, up_to: prev_last },
                    });
                }
            }
            self.leader_logs.insert(id, (node.term(), last, hash));
            // Committed as far as anyone knows: a restarted leader's own commit index may
            // lag behind.
            let committed = node.commit_index().max(LogIndex(self.committed.len() as u64));
            let uncommitted: Vec<LogIndex> =
                node.log().config_indices().iter().copied().filter(|i| *i > committed).collect();
            let uncommitted_configs = uncommitted.len();
            if uncommitted_configs > 1 {
                found.push(Found {
                    property: Property::SingleConfigChange,
                    servers: vec![id],
                    terms: vec![node.term()],
                    indices: uncommitted,
                    detail: ViolationDetail::UncommittedConfigs { leader: id, count: uncommitted_configs },
                });
            }
        } else {
            self.leader_logs.remove(&id);
        }
        if !found.is_empty() {
            let description = describe();
            for f in found {
                self.report(Violation {
                    property: f.property,
                    time,
                    event,
                    event_description: description.clone(),
                    servers: f.servers,
                    terms: f.terms,
                    indices: f.indices,
                    detail: f.detail,
                });
            }
        }
    }

    /// A crash does not change the log or the snapshot; the leader bookkeeping goes, and
    /// the state machine starts again from the snapshot (or from nothing).
    pub fn observe_crash(&mut self, node: &Node) {
        self.leader_logs.remove(&node.id());
        self.restart_sessions(node);
    }

    /// The server's state machine was reset (a crash, an installed snapshot): its requests
    /// are now those of its state machine.
    fn restart_sessions(&mut self, node: &Node) {
        // Its state machine is the snapshot's (or empty): see `Node::crash` and
        // `Node::handle_install_snapshot`.
        let base = node.snapshot().map(|s| s.kv.clone());
        let count = node.kv().applied_commands;
        self.sessions.insert(node.id(), Sessions { base, last: SortedMap::new(), count });
    }

    /// §7: a snapshot replaces only committed entries, so its last included entry, and
    /// everything before it, must be the committed prefix (State Machine Safety: the
    /// snapshot is a state machine that applied them). An installed snapshot (`installed`:
    /// its last term) becomes the server's log prefix: the committed prefix's hashes, found
    /// by the (index, term) of its last entry (Log Matching).
    fn record_snapshot(&mut self, node: &Node, last_index: LogIndex, installed: Option<Term>, found: &mut Vec<Found>) {
        let id = node.id();
        let hash = match installed {
            None => self.prefix_hash(id, last_index),
            Some(term) => self.seen.get(&(last_index, term)).map(|(h, _)| *h),
        };
        let c = self.committed.len() as u64;
        let i = last_index.0 as usize;
        if i == 0 || last_index.0 > c || hash != Some(self.committed[i - 1].0) {
            found.push(Found {
                property: Property::StateMachineSafety,
                servers: vec![id],
                terms: vec![node.term()],
                indices: vec![last_index],
                detail: ViolationDetail::SnapshotUncommitted { server: id, last_index, committed: c },
            });
        }
        if installed.is_none() {
            return;
        }
        // Below the snapshot's last index the log is the committed prefix (past it only
        // when a rule is broken on purpose, and then reported above).
        let hash = hash.unwrap_or(0);
        self.prefix.insert(id, Prefixes { base: last_index.0, base_hash: hash, hashes: Vec::new() });
        self.rehash(node, last_index.next(), found);
        self.restart_sessions(node);
    }

    /// A server's current term and (when it voted) its vote in that term: the term may not
    /// go down, and a vote once cast in a term may not change.
    fn record_hard_state(&mut self, id: ServerId, term: Term, voted_for: Option<ServerId>, found: &mut Vec<Found>) {
        let (seen_term, seen_vote) = self.hard_state.get(&id).copied().unwrap_or((Term(0), None));
        if term < seen_term {
            found.push(Found {
                property: Property::ElectionSafety,
                servers: vec![id],
                terms: vec![seen_term, term],
                indices: vec![],
                detail: ViolationDetail::TermDecreased { server: id, from: seen_term, to: term },
            });
            // Follow the server from here, so that one fault is reported once.
            self.hard_state.insert(id, (term, voted_for));
            return;
        }
        if term > seen_term {
            self.hard_state.insert(id, (term, voted_for));
            return;
        }
        match (seen_vote, voted_for) {
            (Some(first), Some(second)) if first != second => found.push(Found {
                property: Property::ElectionSafety,
                servers: vec![id, first, second],
                terms: vec![term],
                indices: vec![],
                detail: ViolationDetail::VotedTwice { voter: id, term, first, second },
            }),
            (None, Some(vote)) => {
                self.hard_state.insert(id, (term, Some(vote)));
            }
            _ => {}
        }
    }

    /// The requests (client, sequence number) a server's state machine just applied, in
    /// order, and how many requests it has carried out since it started (`carried_out`,
    /// [`crate::raft::KvStore::applied_commands`]). A request is new when its number is
    /// above the client's last one (as the client protocol's sessions decide, §8); the
    /// count may grow by the new ones only.
    fn record_requests(&mut self, node: &Node, requests: &[(ClientId, u64)], carried_out: u64, found: &mut Vec<Found>) {
        let id = node.id();
        let sessions = self.sessions.get_or_insert_with(id, Sessions::default);
        let mut repeated = None;
        self.work.steps += requests.len() as u64;
        for &(client, seq) in requests {
            if sessions.last_seq(client).is_some_and(|s| s >= seq) {
                repeated = Some((client, seq));
            } else {
                sessions.last.insert(client, seq);
                sessions.count += 1;
            }
        }
        if carried_out > sessions.count {
            sessions.count = carried_out;
            let (client, seq) = repeated.unwrap_or(requests[requests.len() - 1]);
            found.push(Found {
                property: Property::StateMachineSafety,
                servers: vec![id],
                terms: vec![node.term()],
                indices: vec![],
                detail: ViolationDetail::AppliedTwice { server: id, client, seq },
            });
        }
    }

    fn rehash(&mut self, node: &Node, from: LogIndex, found: &mut Vec<Found>) {
        let id = node.id();
        let log = node.log();
        let p = self.prefix.get_or_insert_with(id, Prefixes::default);
        let keep = from.0.saturating_sub(1).saturating_sub(p.base) as usize;
        p.hashes.truncate(keep.min(p.hashes.len()));
        let mut prev = p.hashes.last().copied().unwrap_or(p.base_hash);
        let start = p.base + p.hashes.len() as u64 + 1;
        let prefix = &mut p.hashes;
        for i in start..=log.last_index().0 {
            let index = LogIndex(i);
            // Always in the log: a snapshot's prefix hashes are kept or filled in.
            let Some(entry) = log.entry(index) else { break };
            self.work.steps += 1;
            prev = entry_hash(prev, index, entry);
            prefix.push(prev);
            match self.seen.get(&(index, entry.term)) {
                Some((h, other)) if *h != prev => found.push(Found {
                    property: Property::LogMatching,
                    servers: vec![*other, id],
                    terms: vec![entry.term],
                    indices: vec![index],
                    detail: ViolationDetail::LogsDiffer { first: *other, second: id, term: entry.term, index },
                }),
                Some(_) => {}
                None => {
                    self.seen.insert((index, entry.term), (prev, id));
                }
            }
        }
    }

    /// If server `id`'s log differs from the committed prefix up to index `up_to`, the
    /// first committed index it lacks (one prefix-hash comparison when it does not).
    fn first_missing_committed(&self, id: ServerId, up_to: u64) -> Option<u64> {
        let committed = |i: u64| Some(self.committed[i as usize - 1].0);
        if up_to == 0 || self.prefix_hash(id, LogIndex(up_to)) == committed(up_to) {
            return None;
        }
        (1..=up_to).find(|i| self.prefix_hash(id, LogIndex(*i)) != committed(*i))
    }

    fn check_completeness(&self, node: &Node, term: Term, found: &mut Vec<Found>) {
        let c = self.committed.len() as u64;
        if c == 0 {
            return;
        }
        let id = node.id();
        if let Some(missing) = self.first_missing_committed(id, c) {
            let (_, by, committed_term) = self.committed[missing as usize - 1];
            found.push(Found {
                property: Property::LeaderCompleteness,
                servers: vec![id, by],
                terms: vec![term, committed_term],
                indices: vec![LogIndex(missing)],
                detail: ViolationDetail::LeaderMissingCommitted {
                    leader: id,
                    term,
                    index: LogIndex(missing),
                    by,
                    committed_term,
                },
            });
        }
    }

    fn record_commit(&mut self, node: &Node, index: LogIndex, found: &mut Vec<Found>) {
        let id = node.id();
        let Some(hash) = self.prefix_hash(id, index) else { return };
        let c = self.committed.len() as u64;
        if let Some(missing) = self.first_missing_committed(id, index.0.min(c)) {
            let (_, by, committed_term) = self.committed[missing as usize - 1];
            found.push(Found {
                property: Property::LeaderCompleteness,
                servers: vec![id, by],
                terms: vec![node.term(), committed_term],
                indices: vec![LogIndex(missing)],
                detail: ViolationDetail::CommittedDifferent {
                    server: id,
                    up_to: index,
                    term: node.term(),
                    index: LogIndex(missing),
                    by,
                    committed_term,
                },
            });
            return;
        }
        self.work.steps += (index.0 + 1).saturating_sub(c + 1);
        for i in c + 1..=index.0 {
            let h = self.prefix_hash(id, LogIndex(i)).unwrap_or(hash);
            self.committed.push((h, id, node.term()));
        }
    }

    fn record_apply(&mut self, node: &Node, index: LogIndex, found: &mut Vec<Found>) {
        self.work.steps += 1;
        let id = node.id();
        let Some(hash) = self.prefix_hash(id, index) else { return };
        let i = index.0 as usize;
        if i <= self.applied.len() {
            let (first, by) = self.applied[i - 1];
            if first != hash {
                let term = node.log().term_at(index).unwrap_or(Term(0));
                found.push(Found {
                    property: Property::StateMachineSafety,
                    servers: vec![by, id],
                    terms: vec![term],
                    indices: vec![index],
                    detail: ViolationDetail::AppliedDifferent { server: id, index, by },
                });
            }
        } else if i == self.applied.len() + 1 {
            self.applied.push((hash, id));
        }
    }
}

#[cfg(test)]
mod tests;
