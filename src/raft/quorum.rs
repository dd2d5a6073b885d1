//! Majority and joint-majority maths, as small pure functions (after etcd's `quorum`
//! package). Raft §6: while the cluster is in C_old,new, an election and a commit each
//! need a separate majority of C_old and of C_new.
//!
//! There is one implementation of the rule: [`JointConfig`], two borrowed
//! [`MajorityConfig`]s. A [`Configuration`] (what a log entry stores) lends its voters to
//! one with [`Configuration::quorum`] and delegates its `vote_result` and
//! `committed_index` to it.
//!
//! The empty configuration, as in etcd: an empty majority wins every vote and commits
//! "everything" (`u64::MAX`), so that the empty half of a joint configuration never
//! blocks the other. A configuration with no voter at all therefore also wins and
//! commits everything. Deliberately so, and harmless in the node: a server whose
//! configuration is empty (a brand-new one) never campaigns ([`crate::raft::Node::can_campaign`]),
//! a leader never commits past its own last index (`maybe_commit` ignores a commit index
//! above it), and a change to an empty configuration is refused
//! ([`crate::raft::ChangeError::EmptyConfiguration`]). The table tests below pin these edges.

use super::types::{LogIndex, ServerId};
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The outcome of counting votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    Won,
    Lost,
    Pending,
}

/// No voter: the other half of a configuration that is not joint.
static NO_VOTERS: SortedSet<ServerId> = SortedSet::new();

/// A plain majority configuration: a borrowed set of voters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MajorityConfig<'a>(pub &'a SortedSet<ServerId>);

impl MajorityConfig<'_> {
    /// No voter at all: wins every vote and commits everything.
    pub fn empty() -> MajorityConfig<'static> {
        MajorityConfig(&NO_VOTERS)
    }

    pub fn quorum_size(&self) -> usize {
        self.0.len() / 2 + 1
    }

    /// Counts votes: `vote(id)` is `Some(true)` for a grant, `Some(false)` for a refusal and
    /// `None` for no answer yet. An empty configuration wins every vote, so that the empty
    /// half of a joint configuration never blocks the other (etcd's convention).
    pub fn vote_result(&self, vote: impl Fn(ServerId) -> Option<bool>) -> VoteResult {
        let voters = self.0;
        if voters.is_empty() {
            return VoteResult::Won;
        }
        let (mut yes, mut missing) = (0, 0);
        for id in voters {
            match vote(*id) {
                Some(true) => yes += 1,
                Some(false) => {}
                None => missing += 1,
            }
        }
        let q = self.quorum_size();
        if yes >= q {
            VoteResult::Won
        } else if yes + missing >= q {
            VoteResult::Pending
        } else {
            VoteResult::Lost
        }
    }

    /// The largest index that a majority has: `matched(id)` is what each voter is known to
    /// hold (`None` counts as 0, for a voter that is not counted, such as a leader that is
    /// not itself a member). An empty configuration returns `u64::MAX`, so that `min` over
    /// a joint configuration ignores it. For up to 16 voters it neither allocates nor
    /// sorts (it runs on every AppendEntries reply; docs/performance.md, "Snapshots in the
    /// browser"): the answer is the largest index that at least a quorum of voters reach.
    pub fn committed_index(&self, matched: impl Fn(ServerId) -> Option<LogIndex>) -> LogIndex {
        let voters = self.0;
        if voters.is_empty() {
            return LogIndex(u64::MAX);
        }
        let q = self.quorum_size();
        let index_of = |id: &ServerId| matched(*id).map_or(0, |i| i.0);
        let mut small = [0u64; 16];
        if voters.len() <= small.len() {
            let indices = &mut small[..voters.len()];
            for (slot, id) in indices.iter_mut().zip(voters) {
                *slot = index_of(id);
            }
            let indices = &*indices;
            let reached_by_quorum = |v: &u64| indices.iter().filter(|w| *w >= v).count() >= q;
            // Never empty: the smallest index is reached by every voter.
            return LogIndex(indices.iter().copied().filter(reached_by_quorum).max().unwrap_or(0));
        }
        let mut large: Vec<u64> = voters.iter().map(index_of).collect();
        sort_descending(&mut large);
        LogIndex(large[q - 1])
    }
}

/// Sorts `v` from largest to smallest: a heapsort of a few lines, in place of the standard
/// library's sort, which is 3 KB of the page's wasm for this one call (docs/performance.md).
/// O(n log n) in place, so the thousand-server benchmark stays fast.
fn sort_descending(v: &mut [u64]) {
    /// Restores the min-heap below `root` (each parent no larger than its children).
    fn sift_down(v: &mut [u64], mut root: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= v.len() {
                return;
            }
            if child + 1 < v.len() && v[child + 1] < v[child] {
                child += 1;
            }
            if v[root] <= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    for root in (0..v.len() / 2).rev() {
        sift_down(v, root);
    }
    // The smallest left goes to the end of what is left, so the slice ends up descending.
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(&mut v[..end], 0);
    }
}

/// A joint configuration: two majority configurations that must both agree (§6). Outside
/// a change, `outgoing` is empty. Borrowed from a [`Configuration`] by
/// [`Configuration::quorum`]: the only place the joint rule is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JointConfig<'a> {
    /// C_new (or the only configuration).
    pub incoming: MajorityConfig<'a>,
    /// C_old during a change; empty otherwise.
    pub outgoing: MajorityConfig<'a>,
}

impl JointConfig<'_> {
    /// §6: an election in C_old,new needs a majority of each half. A refusal by either
    /// half loses; otherwise it is pending until both have won.
    pub fn vote_result(&self, vote: impl Fn(ServerId) -> Option<bool> + Copy) -> VoteResult {
        match (self.incoming.vote_result(vote), self.outgoing.vote_result(vote)) {
            (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
            (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
            _ => VoteResult::Pending,
        }
    }

    /// §6: a commit in C_old,new needs a majority of each half: the lower of the two.
    pub fn committed_index(&self, matched: impl Fn(ServerId) -> Option<LogIndex> + Copy) -> LogIndex {
        self.incoming.committed_index(matched).min(self.outgoing.committed_index(matched))
    }
}

/// A cluster configuration as it is stored in a log entry (§6).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Configuration {
    /// A single configuration: C_old or C_new.
    Simple { voters: SortedSet<ServerId> },
    /// The transitional configuration C_old,new.
    Joint { old: SortedSet<ServerId>, new: SortedSet<ServerId> },
}

impl Configuration {
    pub fn simple(voters: impl IntoIterator<Item = ServerId>) -> Self {
        Configuration::Simple { voters: voters.into_iter().collect() }
    }

    /// The configuration a brand-new server starts with before it has any log: it is a
    /// member of nothing, so it never campaigns until it learns a configuration.
    pub fn empty() -> Self {
        Configuration::Simple { voters: SortedSet::new() }
    }

    pub fn is_joint(&self) -> bool {
        matches!(self, Configuration::Joint { .. })
    }

    /// Whether `id` is a voter in either half.
    pub fn contains(&self, id: ServerId) -> bool {
        match self {
            Configuration::Simple { voters } => voters.contains(&id),
            Configuration::Joint { old, new } => old.contains(&id) || new.contains(&id),
        }
    }

    /// Every voter of either half, in order.
    pub fn members(&self) -> SortedSet<ServerId> {
        match self {
            Configuration::Simple { voters } => voters.clone(),
            Configuration::Joint { old, new } => old.union(new),
        }
    }

    /// The configuration this one is heading for: C_new for a joint one, itself otherwise.
    pub fn target(&self) -> &SortedSet<ServerId> {
        match self {
            Configuration::Simple { voters } => voters,
            Configuration::Joint { new, .. } => new,
        }
    }

    /// §6: an election in C_old,new needs a majority of each half (see [`JointConfig`]).
    pub fn vote_result(&self, vote: impl Fn(ServerId) -> Option<bool> + Copy) -> VoteResult {
        self.quorum().vote_result(vote)
    }

    /// §6: a commit in C_old,new needs a majority of each half (see [`JointConfig`]).
    pub fn committed_index(&self, matched: impl Fn(ServerId) -> Option<LogIndex> + Copy) -> LogIndex {
        self.quorum().committed_index(matched)
    }

    /// The quorum rule over this configuration's voters: C_new (or the only
    /// configuration) incoming, C_old outgoing.
    pub fn quorum(&self) -> JointConfig<'_> {
        match self {
            Configuration::Simple { voters } => {
                JointConfig { incoming: MajorityConfig(voters), outgoing: MajorityConfig::empty() }
            }
            Configuration::Joint { old, new } => {
                JointConfig { incoming: MajorityConfig(new), outgoing: MajorityConfig(old) }
            }
        }
    }
}

fn write_set(f: &mut fmt::Formatter<'_>, set: &SortedSet<ServerId>) -> fmt::Result {
    f.write_str("{")?;
    for (i, id) in set.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{id}")?;
    }
    f.write_str("}")
}

impl fmt::Display for Configuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Configuration::Simple { voters } => write_set(f, voters),
            Configuration::Joint { old, new } => {
                write_set(f, old)?;
                f.write_str("+")?;
                write_set(f, new)
            }
        }
    }
}

#[cfg(test)]
mod tests;
