//! Break-switches: each one turns off exactly one rule of Raft, for teaching and to prove
//! that the safety checker has teeth. All are off by default.

use serde::{Deserialize, Serialize};

/// The break-switch table: the one place a break-switch is declared. Each row gives the
/// variant (its doc comment cites the rule's section of the paper), the stable `name`
/// used in scenarios, share links and `raftsim check --break NAME`, the paper `section`,
/// the library scenario the page's "Show me" button loads, the three message-catalogue
/// keys (`src/view/i18n.rs`, `src/view/i18n_zh.rs`) that name it, explain the rule and
/// say what breaking it did (`cause`), and the checker's properties (`harms`,
/// [`crate::sim::checker::Property`]) whose violation the broken rule accounts for.
///
/// Everything else reads this table: `break_switches!(some_macro)` calls `some_macro!`
/// with the rows, each as `[#[doc] Variant "name" "section" "show-me.scn" LabelKey
/// ExplanationKey CauseKey [Property, …]]` (see [`break_switch_rows`]). [`BreakSwitch`]
/// and its methods are made from it here; the catalogue's keys in
/// `view::i18n::break_switch_text` and `view::inspect::break_switch_cause`; the library's
/// "Show me" scenarios in `scenario::library()`; the checker's `Property::harmed_by`.
/// Through those, the page's list, monitor and picker group (`view::guide::group`), the
/// glossary's terms (`view::glossary::glossary`), `raftsim check --list-breaks`, and the
/// tests that a switch is complete. The order of the rows is the order of
/// [`BreakSwitch::ALL`]: the page's list and `--list-breaks`. A new row goes last: it
/// takes the next bit of [`BreakSwitches`] (at most 32, `flags::MAX_FLAGS`; share links
/// write switches by name, so a new one changes no old link).
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
                cause: CauseEqualTimeouts,
                harms: [Liveness],
            },
            /// §5.4.1: a voter grants its vote without checking that the candidate's log is at
            /// least as up-to-date as its own.
            NoElectionRestriction {
                name: "no-election-restriction",
                section: "§5.4.1",
                show_me: "break-no-election-restriction.scn",
                label: BreakNoElectionRestriction,
                explanation: ExplainNoElectionRestriction,
                cause: CauseNoElectionRestriction,
                harms: [LeaderCompleteness, StateMachineSafety],
            },
            /// §5.4.2 / Figure 8: a leader commits entries of earlier terms by counting replicas.
            CommitOldTerms {
                name: "commit-old-terms",
                section: "§5.4.2",
                show_me: "figure-8-broken.scn",
                label: BreakCommitOldTerms,
                explanation: ExplainCommitOldTerms,
                cause: CauseCommitOldTerms,
                harms: [LeaderCompleteness, StateMachineSafety, LogMatching],
            },
            /// §6: membership changes go straight from C_old to C_new, with no joint phase.
            SingleStepMembership {
                name: "single-step-membership",
                section: "§6",
                show_me: "break-single-step-membership.scn",
                label: BreakSingleStepMembership,
                explanation: ExplainSingleStepMembership,
                cause: CauseSingleStepMembership,
                harms: [ElectionSafety, LeaderCompleteness, StateMachineSafety],
            },
            /// Figure 2 ("Persistent state"): votedFor is not persisted, so a restarted server may
            /// vote twice in one term.
            VolatileVotedFor {
                name: "volatile-voted-for",
                section: "Figure 2",
                show_me: "break-volatile-voted-for.scn",
                label: BreakVolatileVotedFor,
                explanation: ExplainVolatileVotedFor,
                cause: CauseVolatileVotedFor,
                harms: [ElectionSafety, LeaderCompleteness, StateMachineSafety],
            },
            /// Figure 2 ("Updated on stable storage before responding to RPCs"): a server
            /// sends its messages before it writes its term, vote and log, so a crash in
            /// between forgets what the others were told.
            ReplyBeforePersisting {
                name: "reply-before-persisting",
                section: "Figure 2",
                show_me: "break-reply-before-persisting.scn",
                label: BreakReplyBeforePersisting,
                explanation: ExplainReplyBeforePersisting,
                cause: CauseReplyBeforePersisting,
                harms: [ElectionSafety, LeaderCompleteness, StateMachineSafety],
            },
            /// Dissertation §4.1 and its 2015 fix: a leader starts a single-server change
            /// before it has committed an entry of its current term.
            ChangeBeforeTermCommit {
                name: "change-before-term-commit",
                section: "§4.1",
                show_me: "break-change-before-term-commit.scn",
                label: BreakChangeBeforeTermCommit,
                explanation: ExplainChangeBeforeTermCommit,
                cause: CauseChangeBeforeTermCommit,
                harms: [LeaderCompleteness, StateMachineSafety, LogMatching],
            },
            /// §7: a server's snapshot covers only committed entries (what its state machine
            /// has applied); broken, it snapshots its whole log, uncommitted entries included.
            SnapshotUncommitted {
                name: "snapshot-uncommitted",
                section: "§7",
                show_me: "break-snapshot-uncommitted.scn",
                label: BreakSnapshotUncommitted,
                explanation: ExplainSnapshotUncommitted,
                cause: CauseSnapshotUncommitted,
                harms: [LeaderCompleteness, StateMachineSafety],
            },
        }
    };
}
pub(crate) use break_switches;

/// Reads the table's named fields once, and hands each row to `$then!` in brackets, in the
/// fields' order, so that a macro reading the table matches
/// `$([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident $cause:ident [$($harm:ident),*]])*`.
macro_rules! break_switch_rows {
    ($then:ident; $($(#[$doc:meta])* $variant:ident {
        name: $name:literal,
        section: $section:literal,
        // `tt`, not `literal`: `scenario::library()` matches each file name against the
        // `library_header!` that build.rs generates, and a forwarded `literal` cannot match.
        show_me: $show_me:tt,
        label: $label:ident,
        explanation: $explanation:ident,
        cause: $cause:ident,
        harms: [$($harm:ident),* $(,)?] $(,)?
    },)*) => {
        $then! { $([$(#[$doc])* $variant $name $section $show_me $label $explanation $cause [$($harm),*]])* }
    };
}
pub(crate) use break_switch_rows;

/// Makes [`BreakSwitch`] from the table.
macro_rules! define_break_switch {
    ($([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident $cause:ident [$($harm:ident),*]])*) => {
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

super::flags::named_flag!(BreakSwitch);

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
