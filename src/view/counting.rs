//! The counting Raft does, as plain data: which configurations are in force, a
//! candidate's tally of votes, and the leader's count of who holds the entry it is
//! committing. Each count is weighed against one configuration; during C_old,new both
//! halves count (§6), and a server still catching up counts in neither.

use super::i18n::{t, tf, K};
use crate::raft::{Configuration, LogIndex, Role, ServerId};
use crate::sim::Sim;
use crate::sorted::SortedSet;

/// Which configuration a count is weighed against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Half {
    /// No membership change is in progress: the one configuration.
    Only,
    /// C_old, while it alone is in force (new servers catching up) or as half of C_old,new.
    Old,
    /// C_new, as half of C_old,new or once it alone is in force.
    New,
}

impl Half {
    pub fn slug(self) -> &'static str {
        match self {
            Half::Only => "only",
            Half::Old => "old",
            Half::New => "new",
        }
    }
}

/// The configurations a server weighs its counts against, given its own configuration
/// and the target of the membership change in progress (if any). A target that is not
/// yet in the log is not in force: its new servers are learners and count nowhere.
pub fn in_force(
    config: &Configuration,
    change_target: Option<&SortedSet<ServerId>>,
) -> Vec<(Half, SortedSet<ServerId>)> {
    match config {
        Configuration::Joint { old, new } => vec![(Half::Old, old.clone()), (Half::New, new.clone())],
        Configuration::Simple { voters } => match change_target {
            None => vec![(Half::Only, voters.clone())],
            Some(target) if target == voters => vec![(Half::New, voters.clone())],
            Some(_) => vec![(Half::Old, voters.clone())],
        },
    }
}

/// A count against one configuration: each member, whether it counts, and how many must.
#[derive(Clone, Debug, PartialEq)]
pub struct Count {
    pub half: Half,
    /// Each member with whether it counts (granted its vote, or holds the entry).
    pub members: Vec<(ServerId, bool)>,
    /// A majority of the members.
    pub need: usize,
}

impl Count {
    pub fn new(half: Half, set: &SortedSet<ServerId>, counts: impl Fn(ServerId) -> bool) -> Count {
        Count { half, members: set.iter().map(|s| (*s, counts(*s))).collect(), need: set.len() / 2 + 1 }
    }
    pub fn have(&self) -> usize {
        self.members.iter().filter(|(_, c)| *c).count()
    }
    pub fn reached(&self) -> bool {
        self.have() >= self.need
    }
}

/// The target of the membership change in progress.
pub fn change_target(sim: &Sim) -> Option<&SortedSet<ServerId>> {
    sim.membership().filter(|m| !m.finished).map(|m| &m.target)
}

/// A candidate's (or pre-candidate's) tally: granted votes against each configuration in
/// force. Empty for a server that is not a live candidate.
pub fn tally(sim: &Sim, id: ServerId) -> Vec<Count> {
    let Some(slot) = sim.server(id).filter(|s| s.alive) else { return Vec::new() };
    let (Role::Candidate { votes } | Role::PreCandidate { votes }) = slot.node.role() else { return Vec::new() };
    let granted = |s: ServerId| votes.get(&s) == Some(&true);
    in_force(slot.node.configuration(), change_target(sim))
        .iter()
        .map(|(half, set)| Count::new(*half, set, granted))
        .collect()
}

/// The entry a leader is counting replicas of, and the count per configuration in force.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryCount {
    pub leader: ServerId,
    pub index: u64,
    pub counts: Vec<Count>,
}

/// The counts for a leader's entry `index`: the leader holds what is in its log; a
/// follower holds what its matchIndex reaches.
pub fn entry_count(sim: &Sim, leader: ServerId, index: u64) -> Option<EntryCount> {
    let node = &sim.server(leader).filter(|s| s.alive)?.node;
    let state = node.leader_state()?;
    let last = node.log().last_index().0;
    let holds = |s: ServerId| {
        if s == leader {
            last >= index
        } else {
            state.progress.get(&s).is_some_and(|p| p.match_index >= LogIndex(index))
        }
    };
    let counts =
        in_force(node.configuration(), change_target(sim)).iter().map(|(h, set)| Count::new(*h, set, holds)).collect();
    Some(EntryCount { leader, index, counts })
}

/// The entry a leader is counting: the oldest it has not committed, else its newest.
pub fn counted_index(sim: &Sim, leader: ServerId) -> Option<u64> {
    let node = &sim.server(leader)?.node;
    let (commit, last) = (node.commit_index().0, node.log().last_index().0);
    (last > 0).then(|| (commit + 1).min(last))
}

/// The meters drawn beside a leader on the ring while a membership change is in progress:
/// its count of the entry it is committing, against each configuration in force. `None`
/// outside a change, or without a live leader.
pub fn ring_meters(sim: &Sim) -> Option<EntryCount> {
    change_target(sim)?;
    let leader = sim.leader()?;
    entry_count(sim, leader, counted_index(sim, leader)?)
}

/// Servers that the change in progress adds but that no configuration in force counts
/// yet: learners, catching up.
pub fn learners(sim: &Sim) -> Vec<ServerId> {
    let Some(target) = change_target(sim) else { return Vec::new() };
    let counted: SortedSet<ServerId> = match sim.leader().and_then(|l| sim.server(l)) {
        Some(slot) => slot.node.configuration().members(),
        None => return Vec::new(),
    };
    target.iter().copied().filter(|s| !counted.contains(s)).collect()
}

/// A count's name: C_old, C_new, or, outside a change, "Majority".
pub fn half_name(h: Half) -> &'static str {
    t(match h {
        Half::Only => K::MeterOnly,
        Half::Old => K::QuorumOld,
        Half::New => K::QuorumNew,
    })
}

/// "2 of 5, 3 needed".
pub fn count_text(c: &Count) -> String {
    tf(K::QuorumCount, &[&c.have(), &c.members.len(), &c.need])
}

/// One line of a count as the ring shows it: the bare count outside a change, else
/// prefixed with the configuration it is weighed against ("C_old 2 of 5, 3 needed").
pub fn count_line(c: &Count) -> String {
    match c.half {
        Half::Only => count_text(c),
        h => format!("{} {}", half_name(h), count_text(c)),
    }
}

/// A candidate's tally in words, for its accessible name: one clause per configuration.
/// `pre`: a pre-candidate's, whose grants are pre-votes (§9.6).
pub fn tally_label(counts: &[Count], pre: bool) -> String {
    let key = if pre { K::PreTallyLabel } else { K::TallyLabel };
    let parts: Vec<String> =
        counts.iter().map(|c| tf(key, &[&half_name(c.half), &c.have(), &c.members.len(), &c.need])).collect();
    parts.join(t(K::ClauseSeparator))
}

/// A leader's count of one entry in words: one clause per configuration.
pub fn meter_label(m: &EntryCount) -> String {
    let parts: Vec<String> = m
        .counts
        .iter()
        .map(|c| tf(K::MeterLabel, &[&half_name(c.half), &m.index, &c.have(), &c.members.len(), &c.need]))
        .collect();
    parts.join(t(K::ClauseSeparator))
}

/// Who voted for whom, for one vote pip on a candidate (`pre`: a pre-candidate, §9.6).
pub fn vote_label(voter: ServerId, candidate: ServerId, vote: Option<bool>, pre: bool) -> String {
    let key = match (vote, pre) {
        (Some(true), false) => K::VoteGrantedBy,
        (Some(false), false) => K::VoteRefusedBy,
        (Some(true), true) => K::PreVoteGrantedBy,
        (Some(false), true) => K::PreVoteRefusedBy,
        (None, _) => K::VoteWaitingFor,
    };
    tf(key, &[&voter, &candidate])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ChangeMethod, Duration, RoleKind};
    use crate::sim::{elected, Action, SimConfig};

    fn ids(v: &[u32]) -> SortedSet<ServerId> {
        v.iter().map(|i| ServerId(*i)).collect()
    }

    #[test]
    fn only_the_configurations_in_the_log_are_in_force() {
        let old = ids(&[1, 2, 3]);
        let new = ids(&[1, 2, 3, 4]);
        let simple = Configuration::Simple { voters: old.clone() };
        assert_eq!(in_force(&simple, None), vec![(Half::Only, old.clone())]);
        // The new server is catching up: C_new is not in anyone's log, so only C_old counts.
        assert_eq!(in_force(&simple, Some(&new)), vec![(Half::Old, old.clone())]);
        let joint = Configuration::Joint { old: old.clone(), new: new.clone() };
        assert_eq!(in_force(&joint, Some(&new)), vec![(Half::Old, old.clone()), (Half::New, new.clone())]);
        let done = Configuration::Simple { voters: new.clone() };
        assert_eq!(in_force(&done, Some(&new)), vec![(Half::New, new)]);
    }

    #[test]
    fn a_candidate_tallies_its_votes_against_a_majority() {
        let mut sim = Sim::new(SimConfig::default()).unwrap();
        sim.act(Action::ForceTimeout { server: ServerId(2) }).unwrap();
        let tally = tally(&sim, ServerId(2));
        let members: Vec<(ServerId, bool)> = (1..=5).map(|i| (ServerId(i), i == 2)).collect();
        assert_eq!(tally, vec![Count { half: Half::Only, members, need: 3 }]);
        assert_eq!((tally[0].have(), tally[0].reached()), (1, false));
        assert_eq!(super::tally(&sim, ServerId(1)), vec![], "a follower has no tally");
    }

    #[test]
    fn while_the_learner_catches_up_only_c_old_counts_then_both_then_c_new() {
        let mut sim = elected(11);
        let leader = sim.leader().unwrap();
        assert_eq!(ring_meters(&sim), None, "no meters outside a change");
        sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint })
            .unwrap();
        let m = ring_meters(&sim).expect("meters while S6 catches up");
        assert_eq!(m.leader, leader);
        let halves: Vec<(Half, usize, usize)> = m.counts.iter().map(|c| (c.half, c.members.len(), c.need)).collect();
        assert_eq!(halves, vec![(Half::Old, 5, 3)], "S6 is not counted: {m:?}");
        assert_eq!(learners(&sim), vec![ServerId(6)]);
        let mut seen = Vec::new();
        for _ in 0..20_000 {
            if sim.step().is_none() {
                break;
            }
            if let Some(m) = ring_meters(&sim) {
                let shape: Vec<(Half, usize)> = m.counts.iter().map(|c| (c.half, c.members.len())).collect();
                if seen.last() != Some(&shape) {
                    seen.push(shape);
                }
                if m.counts.len() == 2 {
                    assert_eq!(learners(&sim), vec![], "S6 counts in C_new once C_old,new is in force");
                }
            } else if sim.membership().is_some_and(|m| m.finished) {
                break;
            }
        }
        assert_eq!(seen, vec![vec![(Half::Old, 5)], vec![(Half::Old, 5), (Half::New, 6)], vec![(Half::New, 6)],]);
        sim.run_for(Duration::from_ms(500));
        assert_eq!(ring_meters(&sim), None);
        assert!(sim.servers().iter().all(|s| s.node.role_kind() != RoleKind::Candidate || !s.alive));
    }

    #[test]
    fn counts_are_put_in_words_per_configuration() {
        let set = ids(&[1, 2, 3, 4, 5]);
        let only = Count::new(Half::Only, &set, |s| s.0 <= 2);
        assert_eq!(count_line(&only), "2 of 5, 3 needed");
        let old = Count::new(Half::Old, &ids(&[1, 2, 3]), |s| s.0 != 3);
        let new = Count::new(Half::New, &ids(&[1, 2, 3, 4]), |s| s.0 == 1);
        assert_eq!(count_line(&old), "C_old 2 of 3, 2 needed");
        assert_eq!(count_line(&new), "C_new 1 of 4, 3 needed");
        assert_eq!(tally_label(std::slice::from_ref(&only), false), "Majority: 2 of 5 votes, 3 needed");
        assert_eq!(tally_label(&[only], true), "Majority: 2 of 5 pre-votes, 3 needed");
        let m = EntryCount { leader: ServerId(1), index: 7, counts: vec![old, new] };
        assert_eq!(meter_label(&m), "C_old holds entry 7: 2 of 3, 2 needed; C_new holds entry 7: 1 of 4, 3 needed");
        assert_eq!(vote_label(ServerId(3), ServerId(2), Some(true), false), "S3 voted for S2");
        assert_eq!(vote_label(ServerId(3), ServerId(2), None, false), "S3 has not answered S2 yet");
        assert_eq!(vote_label(ServerId(3), ServerId(2), Some(true), true), "S3 would vote for S2 (pre-vote)");
        assert_eq!(vote_label(ServerId(3), ServerId(2), Some(false), true), "S3 refused a pre-vote to S2");
        crate::view::i18n::set_lang(crate::view::i18n::Lang::Chinese);
        let line = count_line(&Count::new(Half::Only, &set, |s| s.0 <= 2));
        crate::view::i18n::set_lang(crate::view::i18n::Lang::English);
        assert_eq!(line, "5 中有 2，需要 3");
    }
}
