//! Majority and joint-majority maths, as small pure functions (after etcd's `quorum`
//! package). Raft §6: while the cluster is in C_old,new, an election and a commit each
//! need a separate majority of C_old and of C_new.

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

/// A plain majority configuration: a set of voters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MajorityConfig(pub SortedSet<ServerId>);

impl MajorityConfig {
    pub fn quorum_size(&self) -> usize {
        self.0.len() / 2 + 1
    }

    /// Counts votes: `vote(id)` is `Some(true)` for a grant, `Some(false)` for a refusal and
    /// `None` for no answer yet. An empty configuration wins every vote, so that the empty
    /// half of a joint configuration never blocks the other (etcd's convention).
    pub fn vote_result(&self, vote: impl Fn(ServerId) -> Option<bool>) -> VoteResult {
        majority_vote(&self.0, vote)
    }

    /// The largest index that a majority has: `matched(id)` is what each voter is known to
    /// hold (`None` counts as 0, for a voter that is not counted, such as a leader that is
    /// not itself a member). An empty configuration returns `u64::MAX`, so that `min` over
    /// a joint configuration ignores it.
    pub fn committed_index(&self, matched: impl Fn(ServerId) -> Option<LogIndex>) -> LogIndex {
        majority_committed(&self.0, matched)
    }
}

/// Counts votes over a set of voters (see [`MajorityConfig::vote_result`]).
fn majority_vote(voters: &SortedSet<ServerId>, vote: impl Fn(ServerId) -> Option<bool>) -> VoteResult {
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
    let q = voters.len() / 2 + 1;
    if yes >= q {
        VoteResult::Won
    } else if yes + missing >= q {
        VoteResult::Pending
    } else {
        VoteResult::Lost
    }
}

/// The largest index a majority of `voters` holds (see [`MajorityConfig::committed_index`]).
/// Allocation-free for up to 16 voters: it runs on every AppendEntries reply.
fn majority_committed(voters: &SortedSet<ServerId>, matched: impl Fn(ServerId) -> Option<LogIndex>) -> LogIndex {
    if voters.is_empty() {
        return LogIndex(u64::MAX);
    }
    let q = voters.len() / 2 + 1;
    let mut small = [0u64; 16];
    let mut large = Vec::new();
    let indices: &mut [u64] = if voters.len() <= small.len() {
        for (slot, id) in small.iter_mut().zip(voters) {
            *slot = matched(*id).map_or(0, |i| i.0);
        }
        &mut small[..voters.len()]
    } else {
        large.extend(voters.iter().map(|id| matched(*id).map_or(0, |i| i.0)));
        &mut large
    };
    indices.sort_unstable_by(|a, b| b.cmp(a));
    LogIndex(indices[q - 1])
}

/// A joint configuration: two majority configurations that must both agree. Outside a
/// change, `outgoing` is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JointConfig {
    pub incoming: MajorityConfig,
    pub outgoing: MajorityConfig,
}

impl JointConfig {
    pub fn vote_result(&self, vote: impl Fn(ServerId) -> Option<bool> + Copy) -> VoteResult {
        match (self.incoming.vote_result(vote), self.outgoing.vote_result(vote)) {
            (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
            (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
            _ => VoteResult::Pending,
        }
    }

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

    /// §6: an election in C_old,new needs a majority of each half.
    pub fn vote_result(&self, vote: impl Fn(ServerId) -> Option<bool> + Copy) -> VoteResult {
        match self {
            Configuration::Simple { voters } => majority_vote(voters, vote),
            Configuration::Joint { old, new } => match (majority_vote(new, vote), majority_vote(old, vote)) {
                (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
                (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
                _ => VoteResult::Pending,
            },
        }
    }

    /// §6: a commit in C_old,new needs a majority of each half.
    pub fn committed_index(&self, matched: impl Fn(ServerId) -> Option<LogIndex> + Copy) -> LogIndex {
        match self {
            Configuration::Simple { voters } => majority_committed(voters, matched),
            Configuration::Joint { old, new } => majority_committed(new, matched).min(majority_committed(old, matched)),
        }
    }

    pub fn quorum(&self) -> JointConfig {
        match self {
            Configuration::Simple { voters } => {
                JointConfig { incoming: MajorityConfig(voters.clone()), outgoing: MajorityConfig::default() }
            }
            Configuration::Joint { old, new } => {
                JointConfig { incoming: MajorityConfig(new.clone()), outgoing: MajorityConfig(old.clone()) }
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
mod tests {
    use super::*;

    fn ids(v: &[u32]) -> SortedSet<ServerId> {
        v.iter().map(|&n| ServerId(n)).collect()
    }

    #[test]
    fn majority_vote_counts() {
        let c = MajorityConfig(ids(&[1, 2, 3, 4, 5]));
        assert_eq!(c.vote_result(|id| (id.0 <= 3).then_some(true)), VoteResult::Won);
        assert_eq!(c.vote_result(|id| (id.0 <= 2).then_some(true)), VoteResult::Pending);
        assert_eq!(c.vote_result(|id| Some(id.0 <= 2)), VoteResult::Lost);
        assert_eq!(MajorityConfig::default().vote_result(|_| None), VoteResult::Won);
    }

    #[test]
    fn majority_commit_index_is_the_median_of_matches() {
        let c = MajorityConfig(ids(&[1, 2, 3, 4, 5]));
        let m = [0, 9, 7, 5, 3, 1];
        assert_eq!(c.committed_index(|id| Some(LogIndex(m[id.0 as usize]))), LogIndex(5));
        let c4 = MajorityConfig(ids(&[1, 2, 3, 4]));
        assert_eq!(c4.committed_index(|id| Some(LogIndex(m[id.0 as usize]))), LogIndex(5));
        // A voter that is not counted (None) counts as holding nothing.
        assert_eq!(c.committed_index(|id| (id.0 != 1).then(|| LogIndex(m[id.0 as usize]))), LogIndex(3));
    }

    #[test]
    fn joint_needs_both_majorities() {
        let joint = Configuration::Joint { old: ids(&[1, 2, 3]), new: ids(&[3, 4, 5]) }.quorum();
        // S1, S2 (old majority) alone do not win.
        assert_eq!(joint.vote_result(|id| (id.0 <= 2).then_some(true)), VoteResult::Pending);
        // S2, S3, S4: a majority of each.
        assert_eq!(joint.vote_result(|id| (2..=4).contains(&id.0).then_some(true)), VoteResult::Won);
        // A refusal by two of the new half loses.
        assert_eq!(joint.vote_result(|id| if id.0 >= 4 { Some(false) } else { Some(true) }), VoteResult::Lost);
        let m = [0, 10, 10, 2, 2, 2];
        assert_eq!(joint.committed_index(|id| Some(LogIndex(m[id.0 as usize]))), LogIndex(2));
    }

    #[test]
    fn configuration_display_and_members() {
        let c = Configuration::Joint { old: ids(&[1, 2]), new: ids(&[2, 3]) };
        assert_eq!(c.to_string(), "{S1,S2}+{S2,S3}");
        assert_eq!(c.members(), ids(&[1, 2, 3]));
        assert!(c.contains(ServerId(1)) && c.contains(ServerId(3)) && !c.contains(ServerId(4)));
        assert!(!Configuration::empty().contains(ServerId(1)));
    }
}
