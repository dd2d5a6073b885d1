//! Break-switches: each one turns off exactly one rule of Raft, for teaching and to prove
//! that the safety checker has teeth. All are off by default.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One rule of Raft that can be switched off. The names are stable: scenarios, share links
/// and `raftsim check --break NAME` use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakSwitch {
    /// §5.2: every server draws the same election timeout, so split votes repeat forever.
    EqualTimeouts,
    /// §5.4.1: a voter grants its vote without checking that the candidate's log is at
    /// least as up-to-date as its own.
    NoElectionRestriction,
    /// §5.4.2 / Figure 8: a leader commits entries of earlier terms by counting replicas.
    CommitOldTerms,
    /// §6: membership changes go straight from C_old to C_new, with no joint phase.
    SingleStepMembership,
    /// Figure 2 ("Persistent state"): votedFor is not persisted, so a restarted server may
    /// vote twice in one term.
    VolatileVotedFor,
}

impl BreakSwitch {
    pub const ALL: [BreakSwitch; 5] = [
        BreakSwitch::EqualTimeouts,
        BreakSwitch::NoElectionRestriction,
        BreakSwitch::CommitOldTerms,
        BreakSwitch::SingleStepMembership,
        BreakSwitch::VolatileVotedFor,
    ];

    /// The stable name used in scenarios, links and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            BreakSwitch::EqualTimeouts => "equal-timeouts",
            BreakSwitch::NoElectionRestriction => "no-election-restriction",
            BreakSwitch::CommitOldTerms => "commit-old-terms",
            BreakSwitch::SingleStepMembership => "single-step-membership",
            BreakSwitch::VolatileVotedFor => "volatile-voted-for",
        }
    }

    /// One line saying which rule the switch removes.
    pub fn explanation(self) -> &'static str {
        match self {
            BreakSwitch::EqualTimeouts => "All election timeouts are equal, so candidates keep splitting the vote (§5.2).",
            BreakSwitch::NoElectionRestriction => "Voters ignore whether the candidate's log is up to date, so a leader can lack committed entries (§5.4.1).",
            BreakSwitch::CommitOldTerms => "Leaders commit earlier-term entries by counting replicas, which can lose them (§5.4.2, Figure 8).",
            BreakSwitch::SingleStepMembership => "Membership changes skip C_old,new, so two majorities can elect two leaders (§6).",
            BreakSwitch::VolatileVotedFor => "votedFor is lost in a crash, so a server can vote twice in one term (Figure 2).",
        }
    }

    pub fn from_name(name: &str) -> Option<BreakSwitch> {
        BreakSwitch::ALL.into_iter().find(|b| b.name() == name)
    }
}

impl fmt::Display for BreakSwitch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The set of switches that are on. `Default` is all off: correct Raft.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BreakSwitches {
    bits: u8,
}

impl BreakSwitches {
    pub fn is_on(self, switch: BreakSwitch) -> bool {
        self.bits & (1 << switch as u8) != 0
    }
    pub fn set(&mut self, switch: BreakSwitch, on: bool) {
        if on {
            self.bits |= 1 << switch as u8;
        } else {
            self.bits &= !(1 << switch as u8);
        }
    }
    pub fn with(mut self, switch: BreakSwitch) -> Self {
        self.set(switch, true);
        self
    }
    /// True when every rule is intact.
    pub fn is_correct_raft(self) -> bool {
        self.bits == 0
    }
    pub fn active(self) -> impl Iterator<Item = BreakSwitch> {
        BreakSwitch::ALL.into_iter().filter(move |b| self.is_on(*b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for b in BreakSwitch::ALL {
            assert_eq!(BreakSwitch::from_name(b.name()), Some(b));
        }
        assert_eq!(BreakSwitch::from_name("no-such-switch"), None);
    }

    #[test]
    fn switches_are_independent() {
        let mut s = BreakSwitches::default();
        assert!(s.is_correct_raft());
        s.set(BreakSwitch::CommitOldTerms, true);
        assert!(s.is_on(BreakSwitch::CommitOldTerms));
        assert!(!s.is_on(BreakSwitch::EqualTimeouts));
        assert_eq!(s.active().collect::<Vec<_>>(), vec![BreakSwitch::CommitOldTerms]);
        s.set(BreakSwitch::CommitOldTerms, false);
        assert!(s.is_correct_raft());
    }
}
