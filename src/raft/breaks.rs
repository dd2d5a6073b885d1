//! Break-switches: each one turns off exactly one rule of Raft, for teaching and to prove
//! that the safety checker has teeth. All are off by default.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The break-switch table: the one place a break-switch is declared. Each row gives the
/// variant (its doc comment cites the rule's section of the paper), the stable `name`
/// used in scenarios, share links and `raftsim check --break NAME`, the paper `section`,
/// the library scenario the page's "Show me" button loads, and the two message-catalogue
/// keys (`src/view/i18n.rs`, `src/view/i18n_zh.rs`) that name and explain it.
///
/// Everything else reads this table: `break_switches!(some_macro)` calls `some_macro!`
/// with the rows, each as `[#[doc] Variant "name" "section" "show-me.scn" LabelKey
/// ExplanationKey]` (see [`break_switch_rows`]). [`BreakSwitch`] and its methods are made from it here, the catalogue's
/// keys in `view::i18n::break_switch_text`, the library's "Show me" scenarios in
/// `scenario::library()`, and the table in `docs/scenarios.md` (checked by a test). The
/// order of the rows is the order of [`BreakSwitch::ALL`]: the page's list and
/// `--list-breaks`.
macro_rules! break_switches {
    ($then:ident) => {
        $crate::raft::breaks::break_switch_rows! { $then;
            /// §5.2: every server draws the same election timeout, so split votes repeat forever.
            EqualTimeouts {
                name: "equal-timeouts",
                section: "§5.2",
                show_me: "break-equal-timeouts.scn",
                label: BreakEqualTimeouts,
                explanation: ExplainEqualTimeouts,
            },
            /// §5.4.1: a voter grants its vote without checking that the candidate's log is at
            /// least as up-to-date as its own.
            NoElectionRestriction {
                name: "no-election-restriction",
                section: "§5.4.1",
                show_me: "break-no-election-restriction.scn",
                label: BreakNoElectionRestriction,
                explanation: ExplainNoElectionRestriction,
            },
            /// §5.4.2 / Figure 8: a leader commits entries of earlier terms by counting replicas.
            CommitOldTerms {
                name: "commit-old-terms",
                section: "§5.4.2",
                show_me: "figure-8-broken.scn",
                label: BreakCommitOldTerms,
                explanation: ExplainCommitOldTerms,
            },
            /// §6: membership changes go straight from C_old to C_new, with no joint phase.
            SingleStepMembership {
                name: "single-step-membership",
                section: "§6",
                show_me: "break-single-step-membership.scn",
                label: BreakSingleStepMembership,
                explanation: ExplainSingleStepMembership,
            },
            /// Figure 2 ("Persistent state"): votedFor is not persisted, so a restarted server may
            /// vote twice in one term.
            VolatileVotedFor {
                name: "volatile-voted-for",
                section: "Figure 2",
                show_me: "break-volatile-voted-for.scn",
                label: BreakVolatileVotedFor,
                explanation: ExplainVolatileVotedFor,
            },
            /// §7: a server's snapshot covers only committed entries (what its state machine
            /// has applied); broken, it snapshots its whole log, uncommitted entries included.
            SnapshotUncommitted {
                name: "snapshot-uncommitted",
                section: "§7",
                show_me: "break-snapshot-uncommitted.scn",
                label: BreakSnapshotUncommitted,
                explanation: ExplainSnapshotUncommitted,
            },
        }
    };
}
pub(crate) use break_switches;

/// Reads the table's named fields once, and hands each row to `$then!` in brackets, in the
/// fields' order, so that a macro reading the table matches
/// `$([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident])*`.
macro_rules! break_switch_rows {
    ($then:ident; $($(#[$doc:meta])* $variant:ident {
        name: $name:literal,
        section: $section:literal,
        // `tt`, not `literal`: `scenario::library()` matches each file name against the
        // `library_header!` that build.rs generates, and a forwarded `literal` cannot match.
        show_me: $show_me:tt,
        label: $label:ident,
        explanation: $explanation:ident $(,)?
    },)*) => {
        $then! { $([$(#[$doc])* $variant $name $section $show_me $label $explanation])* }
    };
}
pub(crate) use break_switch_rows;

/// Makes [`BreakSwitch`] from the table.
macro_rules! define_break_switch {
    ($([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident])*) => {
        /// One rule of Raft that can be switched off. Declared in [`break_switches`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum BreakSwitch {
            $($(#[$doc])* $variant,)*
        }

        impl BreakSwitch {
            pub const ALL: [BreakSwitch; [$($name),*].len()] = [$(BreakSwitch::$variant),*];

            /// The stable name used in scenarios, links and the CLI.
            pub fn name(self) -> &'static str {
                match self {
                    $(BreakSwitch::$variant => $name,)*
                }
            }

            /// The section of the Raft paper the rule comes from (`§5.2`, `Figure 2`).
            pub fn section(self) -> &'static str {
                match self {
                    $(BreakSwitch::$variant => $section,)*
                }
            }

            /// The library scenario (a file in `src/scenario/library/`) that shows what
            /// breaking the rule does: the page's "Show me".
            pub fn show_me(self) -> &'static str {
                match self {
                    $(BreakSwitch::$variant => $show_me,)*
                }
            }
        }
    };
}
break_switches!(define_break_switch);

impl BreakSwitch {
    pub fn from_name(name: &str) -> Option<BreakSwitch> {
        BreakSwitch::ALL.into_iter().find(|b| b.name() == name)
    }
}

impl fmt::Display for BreakSwitch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl super::flags::Flag for BreakSwitch {
    const ALL: &'static [BreakSwitch] = &BreakSwitch::ALL;
    fn bit(self) -> u8 {
        self as u8
    }
}

/// The set of switches that are on. `Default` is all off: correct Raft.
pub type BreakSwitches = super::flags::Flags<BreakSwitch>;

impl BreakSwitches {
    /// True when every rule is intact.
    pub fn is_correct_raft(self) -> bool {
        self.is_empty()
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
