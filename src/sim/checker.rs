//! The safety checker. It runs after every event and checks the five properties of the
//! Raft paper's Figure 3 over the whole run, plus "at most one configuration change in
//! flight". Liveness is watched apart (see [`super::Sim`]).
//!
//! It keeps, for every server, a hash of each prefix of its log, so that comparing two
//! logs up to an index is comparing two numbers.

use crate::raft::{
    ClientId, Configuration, Duration, Entry, LogIndex, Node, Output, Payload, RoleKind, ServerId, Term, Time,
};
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The properties the checker watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    /// At most one leader can be elected in a given term (§5.2).
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log; it only appends (§5.3).
    LeaderAppendOnly,
    /// If two logs contain an entry with the same index and term, the logs are identical
    /// in all entries up through that index (§5.3).
    LogMatching,
    /// If an entry is committed in a term, it is present in the logs of the leaders of all
    /// higher terms (§5.4).
    LeaderCompleteness,
    /// If a server has applied an entry at an index, no other server ever applies a
    /// different entry at that index (§5.4.3).
    StateMachineSafety,
    /// At most one configuration change is in flight at a time (§6).
    SingleConfigChange,
    /// Not a safety property: a leader is elected while a quorum is up and connected.
    Liveness,
}

impl Property {
    pub const SAFETY: [Property; 6] = [
        Property::ElectionSafety,
        Property::LeaderAppendOnly,
        Property::LogMatching,
        Property::LeaderCompleteness,
        Property::StateMachineSafety,
        Property::SingleConfigChange,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
            Property::SingleConfigChange => "Single Config Change",
            Property::Liveness => "Liveness",
        }
    }

    /// The stable kebab-case name used in scenarios.
    pub fn slug(self) -> &'static str {
        match self {
            Property::ElectionSafety => "election-safety",
            Property::LeaderAppendOnly => "leader-append-only",
            Property::LogMatching => "log-matching",
            Property::LeaderCompleteness => "leader-completeness",
            Property::StateMachineSafety => "state-machine-safety",
            Property::SingleConfigChange => "single-config-change",
            Property::Liveness => "liveness",
        }
    }

    pub fn from_slug(s: &str) -> Option<Property> {
        Property::SAFETY.into_iter().chain([Property::Liveness]).find(|p| p.slug() == s)
    }

    pub fn is_safety(self) -> bool {
        self != Property::Liveness
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken property, with what is needed to show it: the servers, terms and indices
/// involved, and when and in which event it was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub property: Property,
    pub time: Time,
    /// The number of the event after which it was seen (1 is the first event).
    pub event: u64,
    /// What that event was, in words.
    pub event_description: String,
    pub servers: Vec<ServerId>,
    pub terms: Vec<Term>,
    pub indices: Vec<LogIndex>,
    /// A plain-language account of what went wrong (its `Display` is the English text;
    /// the page says it in the reader's language with `view::format::violation_detail`).
    pub detail: ViolationDetail,
}

/// What went wrong, as data: one variant per kind of finding, with the servers, terms and
/// indices it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ViolationDetail {
    /// Leader Append-Only: a leader wrote over its own log.
    LeaderRewroteLog { leader: ServerId, term: Term, from: LogIndex },
    /// Leader Append-Only: a leader's log no longer holds what it held.
    LeaderLostEntries { leader: ServerId, term: Term, up_to: LogIndex },
    /// Election Safety: `second` was elected in a term `first` had already won.
    TwoLeaders { first: ServerId, second: ServerId, term: Term },
    /// Single Config Change: a leader holds `count` uncommitted configuration entries.
    UncommittedConfigs { leader: ServerId, count: usize },
    /// Log Matching: two logs agree at (`index`, `term`) but differ before it.
    LogsDiffer { first: ServerId, second: ServerId, term: Term, index: LogIndex },
    /// Leader Completeness: a new leader lacks a committed entry.
    LeaderMissingCommitted { leader: ServerId, term: Term, index: LogIndex, by: ServerId, committed_term: Term },
    /// Leader Completeness: a server committed over an entry that someone else committed.
    CommittedDifferent {
        server: ServerId,
        up_to: LogIndex,
        term: Term,
        index: LogIndex,
        by: ServerId,
        committed_term: Term,
    },
    /// State Machine Safety: `server` applied another entry at `index` than `by` did.
    AppliedDifferent { server: ServerId, index: LogIndex, by: ServerId },
    /// Election Safety: a server's current term went down from `from` to `to` (terms are
    /// the logical clock that tells elections apart; one going back reopens an old one).
    TermDecreased { server: ServerId, from: Term, to: Term },
    /// Election Safety: `voter` voted for `first` and later for `second` in one term
    /// (votedFor is persistent so that a crash cannot make a server vote twice, §5.2).
    VotedTwice { voter: ServerId, term: Term, first: ServerId, second: ServerId },
    /// State Machine Safety: `server`'s state machine carried out request `seq` of
    /// `client` twice (a retry must be answered from the session, not applied again, §8).
    AppliedTwice { server: ServerId, client: ClientId, seq: u64 },
    /// Liveness (the simulator's watch): a connected quorum stayed without a leader.
    NoLeader { servers: SortedSet<ServerId>, waited: Duration, timeouts: u64 },
    /// Liveness (the seed check): no leader after every fault was healed.
    NoLeaderAfterHealing { waited: Duration },
    /// Liveness (the seed check): no leader after the membership change that followed
    /// `leader`'s election.
    NoLeaderAfterChange { leader: ServerId },
    /// Liveness (the seed check): the final request could not be sent.
    FinalRequestNotSent,
    /// Liveness (the seed check): the final request was not applied on `missing` (none:
    /// on the leader) within `within`; `client` is the client's status as `{:?}` writes it.
    FinalRequestNotApplied { missing: Vec<ServerId>, within: Duration, client: String },
}

impl fmt::Display for ViolationDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ViolationDetail::*;
        match self {
            LeaderRewroteLog { leader, term, from } => {
                write!(f, "leader {leader} of term {term} rewrote its log from index {from}")
            }
            LeaderLostEntries { leader, term, up_to } => {
                write!(f, "leader {leader} of term {term} lost or changed entries up to index {up_to}")
            }
            TwoLeaders { first, second, term } => write!(f, "{first} and {second} were both elected leader in term {term}"),
            UncommittedConfigs { leader, count } => {
                write!(f, "leader {leader} has {count} uncommitted configuration entries")
            }
            LogsDiffer { first, second, term, index } => write!(
                f,
                "{first} and {second} both hold an entry of term {term} at index {index}, but their logs differ before it"
            ),
            LeaderMissingCommitted { leader, term, index, by, committed_term } => write!(
                f,
                "{leader} became leader of term {term} without the entry at index {index}, which {by} had committed in term {committed_term}"
            ),
            CommittedDifferent { server, up_to, term, index, by, committed_term } => write!(
                f,
                "{server} committed up to index {up_to} in term {term}, but its entry at index {index} is not the one {by} committed in term {committed_term}"
            ),
            AppliedDifferent { server, index, by } => {
                write!(f, "{server} applied a different entry at index {index} than {by} did")
            }
            TermDecreased { server, from, to } => write!(f, "the current term of {server} went down from {from} to {to}"),
            VotedTwice { voter, term, first, second } => {
                write!(f, "{voter} voted for {first} and then for {second} in term {term}")
            }
            AppliedTwice { server, client, seq } => {
                write!(f, "{server} carried out request {seq} of {client} twice")
            }
            NoLeader { servers, waited, timeouts } => write!(
                f,
                "no leader among {} for {waited} ({timeouts} maximum election timeouts) although they are up, connected and a quorum",
                Configuration::Simple { voters: servers.clone() }
            ),
            NoLeaderAfterHealing { waited } => write!(f, "no leader {waited} after every fault was healed"),
            NoLeaderAfterChange { leader } => {
                write!(f, "no leader after the membership change that followed {leader}'s election")
            }
            FinalRequestNotSent => f.write_str("the final request could not be sent"),
            FinalRequestNotApplied { missing, within, client } => {
                let on = if missing.is_empty() {
                    "the leader".to_string()
                } else {
                    missing.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
                };
                write!(f, "a request sent after healing was not applied on {on} within {within} (client: {client})")
            }
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} violated at {} (event {}: {}): {}",
            self.property, self.time, self.event, self.event_description, self.detail
        )
    }
}

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
    /// prefix[s][i-1] = hash of server s's log entries 1..=i.
    prefix: SortedMap<ServerId, Vec<u64>>,
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
    sessions: SortedMap<ServerId, (SortedMap<ClientId, u64>, u64)>,
    pub violations: Vec<Violation>,
    /// Which properties have been violated (each is reported once).
    reported: Vec<Property>,
}

/// The most violations a run keeps.
const MAX_VIOLATIONS: usize = 64;

impl Checker {
    fn prefix_hash(&self, s: ServerId, index: LogIndex) -> Option<u64> {
        if index.0 == 0 {
            return Some(0);
        }
        self.prefix.get(&s)?.get(index.0 as usize - 1).copied()
    }

    /// Starts tracking a server whose log may already hold entries (a scenario's set-up).
    pub fn add_server(&mut self, node: &Node) {
        self.prefix.insert(node.id(), Vec::new());
        let mut found = Vec::new();
        self.record_hard_state(node.id(), node.term(), node.voted_for(), &mut found);
        self.rehash(node, LogIndex(1), &mut found);
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

    /// Checks what one server's step produced. `was_leader` is its role and term before.
    pub fn observe(
        &mut self,
        node: &Node,
        was_leader: Option<Term>,
        outputs: &[Output],
        time: Time,
        event: u64,
        describe: &dyn Fn() -> String,
    ) {
        let id = node.id();
        let mut found = Vec::new();
        // 0. Terms only grow, and one vote per term.
        for o in outputs {
            if let Output::SaveHardState { term, voted_for } = o {
                self.record_hard_state(id, *term, *voted_for, &mut found);
            }
        }
        self.record_hard_state(id, node.term(), node.voted_for(), &mut found);
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
        // 2. Role changes: Election Safety and Leader Completeness; what was applied.
        let mut requests = Vec::new();
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
        }
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

    /// A crash does not change the log; the leader bookkeeping goes, and the state
    /// machine starts again from nothing.
    pub fn observe_crash(&mut self, id: ServerId) {
        self.leader_logs.remove(&id);
        self.sessions.remove(&id);
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
        let (last, count) = self.sessions.get_or_insert_with(id, || (SortedMap::new(), 0));
        let mut repeated = None;
        for &(client, seq) in requests {
            match last.get_mut(&client) {
                Some(s) if *s >= seq => repeated = Some((client, seq)),
                Some(s) => {
                    *s = seq;
                    *count += 1;
                }
                None => {
                    last.insert(client, seq);
                    *count += 1;
                }
            }
        }
        if carried_out > *count {
            *count = carried_out;
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
        let prefix = self.prefix.get_or_insert_with(id, Vec::new);
        let keep = from.0.saturating_sub(1) as usize;
        prefix.truncate(keep.min(prefix.len()));
        let mut prev = prefix.last().copied().unwrap_or(0);
        let start = prefix.len() as u64 + 1;
        for i in start..=log.last_index().0 {
            let index = LogIndex(i);
            let entry = log.entry(index).expect("index within the log");
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
        for i in c + 1..=index.0 {
            let h = self.prefix_hash(id, LogIndex(i)).unwrap_or(hash);
            self.committed.push((h, id, node.term()));
        }
    }

    fn record_apply(&mut self, node: &Node, index: LogIndex, found: &mut Vec<Found>) {
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
mod tests {
    use super::*;
    use crate::raft::NodeConfig;

    fn node(id: u32, term: u64, voted_for: Option<u32>) -> Node {
        let voters = (1..=3).map(ServerId);
        Node::with_state(
            ServerId(id),
            Configuration::simple(voters),
            NodeConfig::default(),
            Term(term),
            voted_for.map(ServerId),
            Vec::new(),
        )
    }

    /// Feeds the checker one step of `n` that wrote its term and vote.
    fn saved(c: &mut Checker, n: &Node, event: u64) {
        let outputs = [Output::SaveHardState { term: n.term(), voted_for: n.voted_for() }];
        c.observe(n, None, &outputs, Time(event), event, &|| format!("event {event}"));
    }

    #[test]
    fn a_term_that_goes_down_is_caught() {
        let mut c = Checker::default();
        saved(&mut c, &node(2, 5, None), 1);
        saved(&mut c, &node(2, 6, None), 2);
        assert!(c.violations.is_empty());
        saved(&mut c, &node(2, 0, None), 3);
        assert_eq!(c.violations.len(), 1);
        let v = &c.violations[0];
        assert_eq!(
            (v.property, v.event, &v.detail),
            (
                Property::ElectionSafety,
                3,
                &ViolationDetail::TermDecreased { server: ServerId(2), from: Term(6), to: Term(0) }
            )
        );
        assert_eq!(v.detail.to_string(), "the current term of S2 went down from 6 to 0");
    }

    #[test]
    fn a_second_vote_in_one_term_is_caught_across_a_crash() {
        let mut c = Checker::default();
        saved(&mut c, &node(3, 4, None), 1);
        saved(&mut c, &node(3, 4, Some(1)), 2);
        // The same vote again, and a new vote in a later term, are fine.
        saved(&mut c, &node(3, 4, Some(1)), 3);
        c.observe_crash(ServerId(3));
        // A crash that forgets the vote is not a second vote yet.
        saved(&mut c, &node(3, 4, None), 4);
        assert!(c.violations.is_empty());
        saved(&mut c, &node(3, 4, Some(2)), 5);
        assert_eq!(
            c.violations.iter().map(|v| (v.property, v.event, v.detail.clone())).collect::<Vec<_>>(),
            vec![(
                Property::ElectionSafety,
                5,
                ViolationDetail::VotedTwice {
                    voter: ServerId(3),
                    term: Term(4),
                    first: ServerId(1),
                    second: ServerId(2)
                }
            )]
        );
        let mut c = Checker::default();
        saved(&mut c, &node(3, 4, Some(1)), 1);
        saved(&mut c, &node(3, 5, Some(2)), 2);
        assert!(c.violations.is_empty(), "{:?}", c.violations);
    }

    #[test]
    fn a_request_carried_out_twice_is_caught() {
        let n = node(1, 2, None);
        let (a, b) = (ClientId(7), ClientId(8));
        let mut c = Checker::default();
        let mut found = Vec::new();
        // A retry in the log (a7#1 twice) and an older request after a newer one (b8#1
        // after b8#2) are answered from the session: three requests carried out.
        c.record_requests(&n, &[(a, 1), (b, 2), (a, 1)], 2, &mut found);
        c.record_requests(&n, &[(b, 1), (a, 2)], 3, &mut found);
        assert!(found.is_empty());
        // After a crash the state machine starts again: the same requests are new.
        c.observe_crash(n.id());
        c.record_requests(&n, &[(a, 1)], 1, &mut found);
        assert!(found.is_empty());
        // A state machine that carried out a retry again.
        c.record_requests(&n, &[(b, 2), (a, 1)], 3, &mut found);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].property, Property::StateMachineSafety);
        assert_eq!(found[0].detail, ViolationDetail::AppliedTwice { server: ServerId(1), client: a, seq: 1 });
        assert_eq!(found[0].detail.to_string(), "S1 carried out request 1 of C7 twice");
    }
}
