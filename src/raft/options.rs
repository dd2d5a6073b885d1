//! Protocol options: the mechanisms production Rafts add to the paper's (etcd, TiKV,
//! openraft). Each is a choice of the cluster, off by default, so that the default run is
//! the Raft of the paper's Figure 2 and §6.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One optional mechanism. The names are stable: scenarios (`option prevote on`), share
/// links and `raftsim` flags use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProtocolOption {
    /// Raft dissertation §9.6: a server first asks whether it could win an election,
    /// without raising its term, so that a server that rejoins cannot depose a healthy
    /// leader.
    PreVote,
    /// etcd's CheckQuorum: a leader that has not heard from a quorum within an election
    /// timeout steps down.
    CheckQuorum,
}

impl ProtocolOption {
    pub const ALL: [ProtocolOption; 2] = [ProtocolOption::PreVote, ProtocolOption::CheckQuorum];

    /// The stable name used in scenarios, links and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            ProtocolOption::PreVote => "prevote",
            ProtocolOption::CheckQuorum => "check-quorum",
        }
    }

    pub fn from_name(name: &str) -> Option<ProtocolOption> {
        ProtocolOption::ALL.into_iter().find(|o| o.name() == name)
    }
}

impl fmt::Display for ProtocolOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The set of options that are on. `Default` is all off: the paper's Raft.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProtocolOptions {
    bits: u8,
}

impl ProtocolOptions {
    pub fn is_on(self, option: ProtocolOption) -> bool {
        self.bits & (1 << option as u8) != 0
    }
    pub fn set(&mut self, option: ProtocolOption, on: bool) {
        let bit = 1 << option as u8;
        self.bits = if on { self.bits | bit } else { self.bits & !bit };
    }
    pub fn with(mut self, option: ProtocolOption) -> Self {
        self.set(option, true);
        self
    }
    pub fn active(self) -> impl Iterator<Item = ProtocolOption> {
        ProtocolOption::ALL.into_iter().filter(move |o| self.is_on(*o))
    }
    /// The options whose bits are set in `bits` (one bit per [`ProtocolOption::ALL`]
    /// entry, in order): how the randomized sweep draws a set.
    pub fn from_bits(bits: u8) -> Self {
        ProtocolOptions { bits: bits & ((1 << ProtocolOption::ALL.len()) - 1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_options_are_independent() {
        for o in ProtocolOption::ALL {
            assert_eq!(ProtocolOption::from_name(o.name()), Some(o));
        }
        assert_eq!(ProtocolOption::from_name("pre-vote"), None);
        let mut s = ProtocolOptions::default().with(ProtocolOption::CheckQuorum);
        assert_eq!(s.active().collect::<Vec<_>>(), vec![ProtocolOption::CheckQuorum]);
        s.set(ProtocolOption::PreVote, true);
        s.set(ProtocolOption::CheckQuorum, false);
        assert_eq!(s.active().collect::<Vec<_>>(), vec![ProtocolOption::PreVote]);
        assert_eq!(ProtocolOptions::from_bits(0xff).active().count(), ProtocolOption::ALL.len());
        assert_eq!(ProtocolOptions::from_bits(0), ProtocolOptions::default());
    }
}
