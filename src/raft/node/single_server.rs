//! Single-server membership changes (Raft dissertation §4.1), the method etcd and most
//! deployments use, chosen per change as an alternative to joint consensus (§6): the
//! leader adds or removes exactly one server by appending C_new straight after C_old.
//! Any majority of C_old and any majority of C_new then overlap, so no joint phase is
//! needed. New servers first catch up as learners (§4.2.1), as they do for joint
//! consensus; C_new takes effect on each server as soon as it is in its log.
//!
//! The rule found in 2015 (Ongaro, raft-dev, "bug in single-server membership changes"):
//! a leader may not start a change until it has committed an entry of its current term.
//! Without it, two changes begun by leaders of different terms can each be appended to
//! a different configuration and their majorities need not overlap: a committed entry
//! can be lost. The `change-before-term-commit` break-switch drops the rule.

use super::super::breaks::BreakSwitch;
use super::super::types::ServerId;
use super::{ChangeError, Configuration, Node, Phase};
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a membership change moves from C_old to C_new.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeMethod {
    /// §6: C_old,new, then C_new; any number of servers at once.
    #[default]
    Joint,
    /// Dissertation §4.1: exactly one server added or removed, C_new at once.
    Single,
}

impl ChangeMethod {
    pub const ALL: [ChangeMethod; 2] = [ChangeMethod::Joint, ChangeMethod::Single];

    /// The stable name: the scenario language's `membership add S4 single`, share links
    /// and traces.
    pub fn name(self) -> &'static str {
        match self {
            ChangeMethod::Joint => "joint",
            ChangeMethod::Single => "single",
        }
    }

    pub fn from_name(name: &str) -> Option<ChangeMethod> {
        ChangeMethod::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The steps a change by this method goes through, in order (§6; §4.1 has no joint
    /// phases: catching up, when it adds a server, then C_new appended and committed).
    pub fn steps(self) -> &'static [Phase] {
        match self {
            ChangeMethod::Joint => &Phase::STEPS,
            ChangeMethod::Single => &[Phase::CatchingUp, Phase::NewAppended, Phase::NewCommitted],
        }
    }
}

impl fmt::Display for ChangeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Node {
    /// Dissertation §4.1: the checks a single-server change adds to those every change
    /// passes (leader, one change at a time, a real change): `target` differs from the
    /// configuration in force by exactly one server, and (the 2015 fix) this leader has
    /// committed an entry of its current term.
    pub(super) fn check_single_server_change(
        &self,
        config: &Configuration,
        target: &SortedSet<ServerId>,
    ) -> Result<(), ChangeError> {
        let current = config.target();
        let added: Vec<ServerId> = target.difference(current).copied().collect();
        let removed: Vec<ServerId> = current.difference(target).copied().collect();
        if added.len() + removed.len() != 1 {
            return Err(ChangeError::NotOneServer { added, removed });
        }
        let term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
        if !term_committed && !self.config.breaks.is_on(BreakSwitch::ChangeBeforeTermCommit) {
            return Err(ChangeError::NoEntryOfTermCommitted { term: self.current_term });
        }
        Ok(())
    }
}
