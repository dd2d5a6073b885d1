//! The quorum rule's tests: etcd's `quorum/testdata` cases (majority and joint commit,
//! majority and joint vote) as tables of data, plus the edges of an empty configuration.
//!
//! A case names the voters of each half as `"1,2,3"` (`""` for an empty half), and one
//! value per voter of the union, in id order: an acknowledged index (`_` for none) or a
//! vote (`y`, `n`, `_` for no answer yet). As etcd's harness does, every joint case is
//! also checked with its halves swapped, and every majority case also as a joint
//! configuration with an empty half and with itself.

use super::*;

fn ids(v: &[u32]) -> SortedSet<ServerId> {
    v.iter().map(|&n| ServerId(n)).collect()
}

/// `"1,2,3"` as a set; `""` is the empty set.
fn set(s: &str) -> SortedSet<ServerId> {
    s.split(',').filter(|t| !t.trim().is_empty()).map(|t| ServerId(t.trim().parse().expect("an id"))).collect()
}

/// The voters of both halves, in id order, each with its value from `values`.
fn per_voter<'a>(a: &SortedSet<ServerId>, b: &SortedSet<ServerId>, values: &'a str) -> Vec<(ServerId, &'a str)> {
    let voters = a.union(b);
    let values: Vec<&str> = values.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
    assert_eq!(voters.len(), values.len(), "one value per voter of {voters:?}: {values:?}");
    voters.into_iter().zip(values).collect()
}

fn acked<'a>(values: &'a [(ServerId, &'a str)]) -> impl Fn(ServerId) -> Option<LogIndex> + Copy + 'a {
    move |id| {
        let (_, v) = values.iter().find(|(s, _)| *s == id)?;
        (*v != "_").then(|| LogIndex(v.parse().expect("an index")))
    }
}

fn voted<'a>(values: &'a [(ServerId, &'a str)]) -> impl Fn(ServerId) -> Option<bool> + Copy + 'a {
    move |id| match values.iter().find(|(s, _)| *s == id)?.1 {
        "y" => Some(true),
        "n" => Some(false),
        "_" => None,
        other => panic!("a vote is y, n or _, not {other}"),
    }
}

const EVERYTHING: u64 = u64::MAX;

/// etcd's `majority_commit.txt`: voters, acknowledged indexes, expected commit index.
const MAJORITY_COMMIT: &[(&str, &str, u64)] = &[
    // The empty quorum commits "everything", so that it never limits a joint one.
    ("", "", EVERYTHING),
    // A single voter: nothing known, nothing committed; then its index.
    ("1", "_", 0),
    ("1", "12", 12),
    // Two voters: both are needed, and the smaller index wins.
    ("1,2", "_,_", 0),
    ("1,2", "12,_", 0),
    ("1,2", "12,5", 5),
    // Three voters.
    ("1,2,3", "_,_,_", 0),
    ("1,2,3", "12,_,_", 0),
    ("1,2,3", "12,5,_", 5),
    ("1,2,3", "12,5,6", 6),
    ("1,2,3", "12,5,4", 5),
    ("1,2,3", "5,5,_", 5),
    ("1,2,3", "5,5,12", 5),
    ("1,2,3", "100,101,103", 101),
    // Five voters.
    ("1,2,3,4,5", "101,104,103,103,_", 103),
    ("1,2,3,4,5", "101,102,103,103,_", 102),
];

/// etcd's `joint_commit.txt`: incoming voters, outgoing voters, acknowledged indexes of
/// the union in id order, expected commit index.
const JOINT_COMMIT: &[(&str, &str, &str, u64)] = &[
    // A simple majority joint with an empty one is just the majority.
    ("1,2,3", "", "100,101,99", 100),
    // Both halves empty: everything, as etcd.
    ("", "", "", EVERYTHING),
    // Non-overlapping singletons.
    ("1", "2", "_,_", 0),
    ("1", "2", "100,_", 0),
    ("1", "2", "13,100", 13),
    // Identical singletons.
    ("1", "1", "_", 0),
    ("1", "1", "100", 100),
    // Two voters joint with a disjoint single voter.
    ("1,3", "2", "_,_,_", 0),
    ("1,3", "2", "100,_,_", 0),
    ("1,3", "2", "100,_,50", 0),
    ("1,3", "2", "100,45,50", 45),
    // Two voters joint with one of them.
    ("1,2", "2", "_,_", 0),
    ("1,2", "2", "100,_", 0),
    ("1,2", "2", "_,100", 0),
    ("1,2", "2", "50,100", 50),
    ("1,2", "2", "100,50", 50),
    // Disjoint pairs.
    ("1,2", "3,4", "50,_,_,_", 0),
    ("1,2", "3,4", "50,_,49,_", 0),
    ("1,2", "3,4", "50,48,49,_", 0),
    ("1,2", "3,4", "50,48,49,47", 47),
    // Overlapping pairs.
    ("1,2", "2,3", "_,_,_", 0),
    ("1,2", "2,3", "100,_,_", 0),
    ("1,2", "2,3", "_,100,_", 0),
    ("1,2", "2,3", "_,100,99", 0),
    ("1,2", "2,3", "101,100,99", 99),
    // Identical pairs.
    ("1,2", "1,2", "_,_", 0),
    ("1,2", "1,2", "_,40", 0),
    ("1,2", "1,2", "41,40", 40),
    // Disjoint triples.
    ("1,2,3", "4,5,6", "_,_,_,_,_,_", 0),
    ("1,2,3", "4,5,6", "100,_,_,_,_,_", 0),
    ("1,2,3", "4,5,6", "100,_,_,90,_,_", 0),
    ("1,2,3", "4,5,6", "100,99,_,_,_,_", 0),
    ("1,2,3", "4,5,6", "_,99,90,97,95,_", 90),
    ("1,2,3", "4,5,6", "92,99,90,97,95,_", 92),
    ("1,2,3", "4,5,6", "92,99,90,97,95,77", 92),
    // Triples overlapping in one voter.
    ("1,2,3", "1,4,5", "_,_,_,_,_", 0),
    ("1,2,3", "1,4,5", "100,_,_,_,_", 0),
    ("1,2,3", "1,4,5", "100,101,_,_,_", 0),
    ("1,2,3", "1,4,5", "100,101,100,_,_", 0),
    ("1,2,3", "1,4,5", "_,100,_,99,98", 0),
    ("1,2,3", "1,4,5", "_,100,99,99,98", 98),
    ("1,2,3", "1,4,5", "1,100,99,99,98", 98),
    ("1,2,3", "1,4,5", "100,100,99,99,98", 99),
    // Triples overlapping in two voters.
    ("1,2,3", "2,3,4", "_,_,_,_", 0),
    ("1,2,3", "2,3,4", "_,100,99,_", 99),
    ("1,2,3", "2,3,4", "98,100,99,_", 99),
    ("1,2,3", "2,3,4", "100,100,99,_", 99),
    ("1,2,3", "2,3,4", "100,100,99,98", 99),
    ("1,2,3", "2,3,4", "100,_,_,101", 0),
    ("1,2,3", "2,3,4", "100,99,_,101", 99),
    // Identical triples.
    ("1,2,3", "1,2,3", "50,45,_", 45),
];

/// etcd's majority vote cases: voters, votes, expected result.
const MAJORITY_VOTE: &[(&str, &str, VoteResult)] = &[
    // The empty configuration always wins.
    ("", "", VoteResult::Won),
    ("1", "_", VoteResult::Pending),
    ("1", "n", VoteResult::Lost),
    ("123", "y", VoteResult::Won),
    ("4,8", "_,_", VoteResult::Pending),
    // With two voters, one refusal loses.
    ("4,8", "n,_", VoteResult::Lost),
    ("4,8", "y,_", VoteResult::Pending),
    ("4,8", "n,y", VoteResult::Lost),
    ("4,8", "y,y", VoteResult::Won),
    ("2,4,7", "_,_,_", VoteResult::Pending),
    ("2,4,7", "n,_,_", VoteResult::Pending),
    ("2,4,7", "y,_,_", VoteResult::Pending),
    ("2,4,7", "n,n,_", VoteResult::Lost),
    ("2,4,7", "n,y,_", VoteResult::Pending),
    ("2,4,7", "y,y,_", VoteResult::Won),
    ("2,4,7", "y,y,n", VoteResult::Won),
    ("2,4,7", "n,y,n", VoteResult::Lost),
    // Seven voters.
    ("1,2,3,4,5,6,7", "y,y,n,y,_,_,_", VoteResult::Pending),
    ("1,2,3,4,5,6,7", "_,y,y,_,n,y,n", VoteResult::Pending),
    ("1,2,3,4,5,6,7", "y,y,n,y,_,n,y", VoteResult::Won),
    ("1,2,3,4,5,6,7", "y,y,_,n,y,n,n", VoteResult::Pending),
    ("1,2,3,4,5,6,7", "y,y,n,y,n,n,n", VoteResult::Lost),
];

/// etcd's joint vote cases: incoming voters, outgoing voters, votes of the union in id
/// order, expected result.
const JOINT_VOTE: &[(&str, &str, &str, VoteResult)] = &[
    // Both halves empty: won, as etcd (never used by the node: see the module doc).
    ("", "", "", VoteResult::Won),
    // A single voter joint with an empty half.
    ("1", "", "_", VoteResult::Pending),
    ("1", "", "y", VoteResult::Won),
    ("1", "", "n", VoteResult::Lost),
    // Identical singletons.
    ("1", "1", "_", VoteResult::Pending),
    ("1", "1", "n", VoteResult::Lost),
    ("1", "1", "y", VoteResult::Won),
    // Disjoint singletons.
    ("1", "2", "_,_", VoteResult::Pending),
    ("1", "2", "n,_", VoteResult::Lost),
    ("1", "2", "y,_", VoteResult::Pending),
    ("1", "2", "n,n", VoteResult::Lost),
    ("1", "2", "y,y", VoteResult::Won),
    ("1", "2", "n,y", VoteResult::Lost),
    ("1", "2", "y,n", VoteResult::Lost),
    // Disjoint pairs.
    ("1,2", "3,4", "_,_,_,_", VoteResult::Pending),
    ("1,2", "3,4", "y,_,_,_", VoteResult::Pending),
    ("1,2", "3,4", "y,y,_,_", VoteResult::Pending),
    ("1,2", "3,4", "y,y,n,_", VoteResult::Lost),
    ("1,2", "3,4", "y,y,n,n", VoteResult::Lost),
    ("1,2", "3,4", "y,y,y,n", VoteResult::Lost),
    ("1,2", "3,4", "y,y,y,y", VoteResult::Won),
    // Overlapping pairs.
    ("1,2", "2,3", "_,_,_", VoteResult::Pending),
    ("1,2", "2,3", "_,n,_", VoteResult::Lost),
    ("1,2", "2,3", "y,y,_", VoteResult::Pending),
    ("1,2", "2,3", "y,y,n", VoteResult::Lost),
    ("1,2", "2,3", "y,y,y", VoteResult::Won),
    // Identical pairs.
    ("1,2", "1,2", "_,_", VoteResult::Pending),
    ("1,2", "1,2", "y,_", VoteResult::Pending),
    ("1,2", "1,2", "y,n", VoteResult::Lost),
    ("1,2", "1,2", "n,_", VoteResult::Lost),
    ("1,2", "1,2", "n,n", VoteResult::Lost),
    // Overlapping triples.
    ("1,2,3", "2,3,4", "_,_,_,_", VoteResult::Pending),
    ("1,2,3", "2,3,4", "_,n,_,_", VoteResult::Pending),
    ("1,2,3", "2,3,4", "_,n,n,_", VoteResult::Lost),
    ("1,2,3", "2,3,4", "_,y,y,_", VoteResult::Won),
    ("1,2,3", "2,3,4", "y,y,_,_", VoteResult::Pending),
    ("1,2,3", "2,3,4", "y,y,n,_", VoteResult::Pending),
    ("1,2,3", "2,3,4", "y,y,n,n", VoteResult::Lost),
    ("1,2,3", "2,3,4", "y,y,n,y", VoteResult::Won),
];

#[test]
fn majority_commit_cases() {
    for &(voters, idx, expected) in MAJORITY_COMMIT {
        let voters = set(voters);
        let values = per_voter(&voters, &SortedSet::new(), idx);
        let majority = MajorityConfig(&voters);
        let case = format!("cfg=({voters:?}) idx=({idx})");
        assert_eq!(majority.committed_index(acked(&values)), LogIndex(expected), "{case}");
        // Joint with an empty half, and with itself: the same.
        let with_empty = JointConfig { incoming: majority, outgoing: MajorityConfig::empty() };
        assert_eq!(with_empty.committed_index(acked(&values)), LogIndex(expected), "{case} joint with empty");
        let with_itself = JointConfig { incoming: majority, outgoing: majority };
        assert_eq!(with_itself.committed_index(acked(&values)), LogIndex(expected), "{case} joint with itself");
    }
}

#[test]
fn joint_commit_cases() {
    for &(incoming, outgoing, idx, expected) in JOINT_COMMIT {
        let (a, b) = (set(incoming), set(outgoing));
        let values = per_voter(&a, &b, idx);
        let case = format!("cfg=({incoming}) cfgj=({outgoing}) idx=({idx})");
        let joint = JointConfig { incoming: MajorityConfig(&a), outgoing: MajorityConfig(&b) };
        assert_eq!(joint.committed_index(acked(&values)), LogIndex(expected), "{case}");
        let swapped = JointConfig { incoming: MajorityConfig(&b), outgoing: MajorityConfig(&a) };
        assert_eq!(swapped.committed_index(acked(&values)), LogIndex(expected), "{case} swapped");
    }
}

#[test]
fn majority_vote_cases() {
    for &(voters, votes, expected) in MAJORITY_VOTE {
        let voters = set(voters);
        let values = per_voter(&voters, &SortedSet::new(), votes);
        let majority = MajorityConfig(&voters);
        let case = format!("cfg=({voters:?}) votes=({votes})");
        assert_eq!(majority.vote_result(voted(&values)), expected, "{case}");
        let with_empty = JointConfig { incoming: majority, outgoing: MajorityConfig::empty() };
        assert_eq!(with_empty.vote_result(voted(&values)), expected, "{case} joint with empty");
        let with_itself = JointConfig { incoming: majority, outgoing: majority };
        assert_eq!(with_itself.vote_result(voted(&values)), expected, "{case} joint with itself");
    }
}

#[test]
fn joint_vote_cases() {
    for &(incoming, outgoing, votes, expected) in JOINT_VOTE {
        let (a, b) = (set(incoming), set(outgoing));
        let values = per_voter(&a, &b, votes);
        let case = format!("cfg=({incoming}) cfgj=({outgoing}) votes=({votes})");
        let joint = JointConfig { incoming: MajorityConfig(&a), outgoing: MajorityConfig(&b) };
        assert_eq!(joint.vote_result(voted(&values)), expected, "{case}");
        let swapped = JointConfig { incoming: MajorityConfig(&b), outgoing: MajorityConfig(&a) };
        assert_eq!(swapped.vote_result(voted(&values)), expected, "{case} swapped");
    }
}

/// The configuration a case stands for: C_new alone when the outgoing half is empty,
/// else C_old,new. With its two halves, C_new first.
fn config_of(incoming: &str, outgoing: &str) -> (Configuration, SortedSet<ServerId>, SortedSet<ServerId>) {
    let (new, old) = (set(incoming), set(outgoing));
    let config = if old.is_empty() {
        Configuration::Simple { voters: new.clone() }
    } else {
        Configuration::Joint { old: old.clone(), new: new.clone() }
    };
    (config, new, old)
}

/// `Configuration` is what the node calls: it must give the table's answers too, with
/// C_new as the incoming half and C_old as the outgoing one.
#[test]
fn configuration_delegates_to_the_joint_rule() {
    for &(incoming, outgoing, idx, expected) in JOINT_COMMIT {
        let (config, new, old) = config_of(incoming, outgoing);
        let values = per_voter(&new, &old, idx);
        let quorum = config.quorum();
        assert_eq!((quorum.incoming.0, quorum.outgoing.0), (&new, &old), "{config}");
        assert_eq!(config.committed_index(acked(&values)), LogIndex(expected), "{config} idx=({idx})");
    }
    for &(incoming, outgoing, votes, expected) in JOINT_VOTE {
        let (config, new, old) = config_of(incoming, outgoing);
        let values = per_voter(&new, &old, votes);
        assert_eq!(config.vote_result(voted(&values)), expected, "{config} votes=({votes})");
    }
}

/// The empty configuration (a brand-new server's) wins and commits everything, as in
/// etcd; the node relies on never asking it (see the module doc).
#[test]
fn the_empty_configuration_wins_and_commits_everything() {
    let empty = Configuration::empty();
    assert_eq!(empty.vote_result(|_| Some(false)), VoteResult::Won);
    assert_eq!(empty.committed_index(|_| None), LogIndex(u64::MAX));
    let half_empty = Configuration::Joint { old: SortedSet::new(), new: ids(&[1]) };
    assert_eq!(half_empty.vote_result(|_| None), VoteResult::Pending);
    assert_eq!(half_empty.committed_index(|_| Some(LogIndex(7))), LogIndex(7));
}

#[test]
fn majority_vote_counts() {
    let five = ids(&[1, 2, 3, 4, 5]);
    let c = MajorityConfig(&five);
    assert_eq!(c.vote_result(|id| (id.0 <= 3).then_some(true)), VoteResult::Won);
    assert_eq!(c.vote_result(|id| (id.0 <= 2).then_some(true)), VoteResult::Pending);
    assert_eq!(c.vote_result(|id| Some(id.0 <= 2)), VoteResult::Lost);
    assert_eq!(MajorityConfig::empty().vote_result(|_| None), VoteResult::Won);
}

#[test]
fn majority_commit_index_is_the_median_of_matches() {
    let (five, four) = (ids(&[1, 2, 3, 4, 5]), ids(&[1, 2, 3, 4]));
    let c = MajorityConfig(&five);
    let m = [0, 9, 7, 5, 3, 1];
    assert_eq!(c.committed_index(|id| Some(LogIndex(m[id.0 as usize]))), LogIndex(5));
    let c4 = MajorityConfig(&four);
    assert_eq!(c4.committed_index(|id| Some(LogIndex(m[id.0 as usize]))), LogIndex(5));
    // A voter that is not counted (None) counts as holding nothing.
    assert_eq!(c.committed_index(|id| (id.0 != 1).then(|| LogIndex(m[id.0 as usize]))), LogIndex(3));
}

#[test]
fn majority_commit_index_above_sixteen_voters() {
    // More voters than the allocation-free path holds: the same median rule.
    let many: SortedSet<ServerId> = (1..=20).map(ServerId).collect();
    let c = MajorityConfig(&many);
    assert_eq!(c.quorum_size(), 11);
    assert_eq!(c.committed_index(|id| Some(LogIndex(u64::from(id.0)))), LogIndex(10));
}

#[test]
fn joint_needs_both_majorities() {
    let config = Configuration::Joint { old: ids(&[1, 2, 3]), new: ids(&[3, 4, 5]) };
    let joint = config.quorum();
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

proptest::proptest! {
    /// The commit rule's own sort orders as the standard library's does, largest first.
    #[test]
    fn sort_descending_is_a_descending_sort(mut v in proptest::collection::vec(0u64..20, 0..40)) {
        let mut want = v.clone();
        want.sort_unstable_by(|a, b| b.cmp(a));
        sort_descending(&mut v);
        proptest::prop_assert_eq!(v, want);
    }

    /// Up to 16 voters the commit index is found without sorting: it is still the
    /// quorum-th largest match index (`None`, a voter not counted, as 0), ties included.
    #[test]
    fn the_unsorted_commit_index_is_the_quorum_th_largest(
        matches in proptest::collection::vec(proptest::option::of(0u64..6), 1..=16),
    ) {
        let voters: SortedSet<ServerId> = (1..=matches.len() as u32).map(ServerId).collect();
        let c = MajorityConfig(&voters);
        let mut want: Vec<u64> = matches.iter().map(|m| m.unwrap_or(0)).collect();
        want.sort_unstable_by(|a, b| b.cmp(a));
        let got = c.committed_index(|id| matches[id.0 as usize - 1].map(LogIndex));
        proptest::prop_assert_eq!(got, LogIndex(want[c.quorum_size() - 1]));
    }
}
