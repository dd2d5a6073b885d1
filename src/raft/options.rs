//! Protocol options: the mechanisms production Rafts add to the paper's (etcd, TiKV,
//! openraft). Each is a choice of the cluster, off by default, so that the default run is
//! the Raft of the paper's Figure 2 and §6.

use serde::{Deserialize, Serialize};

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
}

super::flags::named_flag!(ProtocolOption);

/// The set of options that are on. `Default` is all off: the paper's Raft.
pub type ProtocolOptions = super::flags::Flags<ProtocolOption>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_independent() {
        let mut s = ProtocolOptions::default().with(ProtocolOption::CheckQuorum);
        assert_eq!(s.active().collect::<Vec<_>>(), vec![ProtocolOption::CheckQuorum]);
        s.set(ProtocolOption::PreVote, true);
        s.set(ProtocolOption::CheckQuorum, false);
        assert_eq!(s.active().collect::<Vec<_>>(), vec![ProtocolOption::PreVote]);
        assert_eq!(ProtocolOptions::from_bits(0xff).active().count(), ProtocolOption::ALL.len());
        assert_eq!(ProtocolOptions::from_bits(0), ProtocolOptions::default());
    }
}
