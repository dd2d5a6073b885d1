//! What the checker reports: the properties it watches and the violations it finds,
//! with their details as data (the page says them in the reader's language).

use crate::raft::{ClientId, Configuration, Duration, LogIndex, ServerId, Term, Time};
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};
use std::fmt;

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

/// Makes [`Property::harmed_by`] from the break-switch table.
macro_rules! break_switch_harms {
    ($([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident $cause:ident [$($harm:ident),*]])*) => {
        impl Property {
            /// The properties whose violation breaking `switch` accounts for: its row of
            /// the break-switch table (`src/raft/breaks.rs`). The sweep must catch the
            /// switch as one of them, and the page explains such a violation by the rule.
            pub fn harmed_by(switch: crate::raft::BreakSwitch) -> &'static [Property] {
                match switch {
                    $(crate::raft::BreakSwitch::$variant => &[$(Property::$harm),*],)*
                }
            }
        }
    };
}
crate::raft::breaks::break_switches!(break_switch_harms);

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
    /// State Machine Safety (§7): a snapshot holds entries up to `last_index`, but only
    /// `committed` entries were committed (or the committed ones differ).
    SnapshotUncommitted { server: ServerId, last_index: LogIndex, committed: u64 },
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
    /// on the leader), which neither applied nor received anything new for `within` (or were
    /// still not done after ten times that); `client` is the client's status as `{:?}`
    /// writes it.
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
            SnapshotUncommitted { server, last_index, committed } => write!(
                f,
                "{server} took a snapshot up to index {last_index}, but only {committed} entries were committed"
            ),
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
                write!(
                    f,
                    "a request sent after healing was not applied on {on}, which neither applied nor received \
                     anything new for {within} (or ten times that in all) (client: {client})"
                )
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
