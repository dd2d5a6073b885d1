//! The kinds of refusal `expect refused ACTION because KIND` can name: one per reason the
//! simulator or the runner turns an action down, each with the word a scenario writes.

use super::error::RunError;
use crate::sim::ActionError;
use serde::{Deserialize, Serialize};

/// Declares [`Refusal`] with each kind's word, in one list.
macro_rules! refusals {
    ($($(#[$doc:meta])* $variant:ident $word:literal,)*) => {
        /// Why an action was turned down, as `expect refused … because KIND` names it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Refusal {
            $($(#[$doc])* $variant,)*
        }

        impl Refusal {
            pub const ALL: &'static [Refusal] = &[$(Refusal::$variant),*];

            /// The word a scenario writes after `because`.
            pub fn word(self) -> &'static str {
                match self {
                    $(Refusal::$variant => $word,)*
                }
            }
        }
    };
}

refusals! {
    /// The server does not exist.
    NoSuchServer "no-server",
    /// The server was removed from the cluster by a committed C_new and shut down.
    Retired "retired",
    /// The server is in the cluster, so it cannot be shut down (shutdown).
    Member "member",
    /// The server is down (crash, timeout, request, …).
    Down "down",
    /// The server is already running (restart).
    Up "up",
    /// The server is the leader and has no election timer (timeout).
    Leader "leader",
    /// There is no leader (a statement naming `leader`, a request, a membership change, a
    /// transfer).
    NoLeader "no-leader",
    /// The leader refused the membership change (one is in progress, …).
    Membership "membership",
    /// The cluster would grow beyond nine servers.
    TooManyServers "too-many-servers",
    /// The server is not in the configuration.
    NotAMember "not-a-member",
    /// No such message is in flight (`drop`).
    NotInFlight "not-in-flight",
    /// No timer to align.
    NothingToAlign "nothing-to-align",
    /// A partition of fewer than two groups, or `isolate` in a cluster of one.
    OneGroup "one-group",
    /// A server named in two groups of a partition.
    NamedTwice "named-twice",
    /// A link from a server to itself.
    SelfLink "self-link",
    /// The server to add is already a member.
    AlreadyMember "already-member",
    /// New servers take the next unused number.
    NotNext "not-next",
    /// A network setting out of range.
    Network "network",
    /// The leader refused the leadership transfer.
    Transfer "transfer",
    /// `a follower` or `a random live server` found no server to draw.
    NoTarget "no-target",
}

impl Refusal {
    pub fn from_word(word: &str) -> Option<Refusal> {
        Refusal::ALL.iter().copied().find(|r| r.word() == word)
    }

    /// The kind of refusal `e` is, when it is one (a failed expectation is not).
    pub fn of(e: &RunError) -> Option<Refusal> {
        Some(match e {
            RunError::Refused(a) => Refusal::of_action(a),
            RunError::NoLeader => Refusal::NoLeader,
            RunError::NoServer(_) => Refusal::NoSuchServer,
            RunError::NothingToIsolateFrom(_) => Refusal::OneGroup,
            RunError::NothingInFlight { .. } => Refusal::NotInFlight,
            RunError::NoTarget(_) => Refusal::NoTarget,
            _ => return None,
        })
    }

    fn of_action(e: &ActionError) -> Refusal {
        match e {
            ActionError::NoSuchServer(_) => Refusal::NoSuchServer,
            ActionError::Retired(_) => Refusal::Retired,
            ActionError::NotRemoved(_) => Refusal::Member,
            ActionError::AlreadyDown(_) => Refusal::Down,
            ActionError::AlreadyUp(_) => Refusal::Up,
            ActionError::IsLeader(_) => Refusal::Leader,
            ActionError::NoLeader => Refusal::NoLeader,
            ActionError::Membership(_) => Refusal::Membership,
            ActionError::TooManyServers(_) => Refusal::TooManyServers,
            ActionError::NotAMember(_) => Refusal::NotAMember,
            ActionError::NotInFlight(_) => Refusal::NotInFlight,
            ActionError::NothingToAlign => Refusal::NothingToAlign,
            ActionError::OneGroup => Refusal::OneGroup,
            ActionError::NamedTwice(_) => Refusal::NamedTwice,
            ActionError::SelfLink(_) => Refusal::SelfLink,
            ActionError::AlreadyMember(..) => Refusal::AlreadyMember,
            ActionError::NotNext { .. } => Refusal::NotNext,
            ActionError::Network(_) => Refusal::Network,
            ActionError::Transfer(_) => Refusal::Transfer,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}
