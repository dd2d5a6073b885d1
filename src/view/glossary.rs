//! One glossary of Raft terms in both languages. Each term is a catalogue key, so its
//! English and 简体中文 are the catalogue's: the terms below (`K::Gloss*`), and each
//! break-switch's name, from the break-switch table (`src/raft/breaks.rs`); beside each,
//! the other ways the term has been written, which nothing may use. A student matches a
//! "Show me" card to its picker entry, a button to its lesson, only if each is named one
//! way.

use super::i18n::{break_switch_text, K};
use crate::raft::BreakSwitch;

/// A term, and the spellings of it that are not ours.
#[derive(Clone, Copy)]
pub struct GlossaryEntry {
    pub term: K,
    pub not_en: &'static [&'static str],
    pub not_zh: &'static [&'static str],
}

const fn entry(term: K, not_en: &'static [&'static str], not_zh: &'static [&'static str]) -> GlossaryEntry {
    GlossaryEntry { term, not_en, not_zh }
}

/// The terms that are not a break-switch's name.
pub const TERMS: &[GlossaryEntry] = &[
    entry(K::GlossLeader, &[], &["领袖", "主节点"]),
    entry(K::GlossFollower, &[], &["追随者", "从节点"]),
    entry(K::GlossCandidate, &[], &["候选者"]),
    entry(K::GlossTerm, &[], &["任期号"]),
    entry(K::GlossMajority, &[], &["大多数"]),
    entry(K::GlossSplitVote, &["split election"], &["分裂投票", "分裂选票", "投票分裂"]),
    entry(K::GlossElectionRestriction, &[], &["取消选举限制", "选举约束"]),
    entry(K::GlossMembershipChange, &[], &["成员关系变更", "成员资格变更"]),
    entry(K::GlossJointConsensus, &[], &["联合一致", "共同共识"]),
    entry(K::GlossCatchingUp, &[], &[]),
    entry(K::GlossNoop, &["noop entry"], &["空条目"]),
    entry(K::GlossHeartbeat, &["heart beat"], &[]),
    entry(K::GlossCommitted, &[], &[]),
    entry(K::GlossSingleServerChange, &["single-node change", "one-server change"], &["单节点变更", "单成员变更"]),
    entry(K::GlossLearner, &["non-voter"], &["学习器", "观察者"]),
];

/// Spellings of a break-switch's name that are not ours. A switch without a row has none
/// yet; its name is a term all the same ([`glossary`]).
const NOT_SWITCH_NAMES: &[(BreakSwitch, &[&str], &[&str])] = &[
    (BreakSwitch::EqualTimeouts, &["identical election timeouts"], &["选举超时相同"]),
    (BreakSwitch::NoElectionRestriction, &["without the election restriction"], &["取消选举限制"]),
    (BreakSwitch::SingleStepMembership, &["one-step membership"], &["一步完成的成员变更"]),
    (BreakSwitch::VolatileVotedFor, &["votedFor forgotten"], &["崩溃时丢失 votedFor"]),
    (BreakSwitch::ReplyBeforePersisting, &["persist after replying"], &["先回复后持久化"]),
    (BreakSwitch::SnapshotUncommitted, &[], &["快照未提交条目"]),
];

/// Every term: [`TERMS`], then each break-switch's name (its card's label), in the order
/// of the break-switch table.
pub fn glossary() -> impl Iterator<Item = GlossaryEntry> {
    let switches = BreakSwitch::ALL.into_iter().map(|s| {
        let (not_en, not_zh) =
            NOT_SWITCH_NAMES.iter().find(|(n, ..)| *n == s).map_or((&[][..], &[][..]), |(_, en, zh)| (*en, *zh));
        entry(break_switch_text(s).0, not_en, not_zh)
    });
    TERMS.iter().copied().chain(switches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::BreakSwitch;
    use crate::scenario::library;
    use crate::view::i18n::{set_lang, t, Lang};

    /// Every string the page can show in `lang`: the catalogue (buttons, picker groups,
    /// cards, break-switch names, explanations), and the library's scenarios, lessons and
    /// exercises (titles, descriptions, steps, questions) as written in their files.
    fn corpus(lang: Lang) -> Vec<(String, String)> {
        set_lang(lang);
        let mut all: Vec<(String, String)> = K::ALL
            .iter()
            .filter(|k| !format!("{k:?}").starts_with("Gloss"))
            .map(|k| (format!("{k:?}"), t(*k).to_string()))
            .collect();
        for s in library() {
            for line in s.text.lines() {
                let is_zh = line.split(':').next().is_some_and(|key| key.ends_with("-zh"));
                if is_zh == (lang == Lang::Chinese) {
                    all.push((s.file.to_string(), line.to_string()));
                }
            }
        }
        set_lang(Lang::English);
        all
    }

    fn term(k: K, lang: Lang) -> String {
        set_lang(lang);
        let text = t(k).to_lowercase();
        set_lang(Lang::English);
        text
    }

    #[test]
    fn each_glossary_term_is_written_one_way_everywhere() {
        for lang in Lang::ALL {
            let corpus = corpus(lang);
            for e in glossary() {
                let others = if lang == Lang::Chinese { e.not_zh } else { e.not_en };
                for other in others {
                    let other = other.to_lowercase();
                    let found: Vec<&(String, String)> =
                        corpus.iter().filter(|(_, text)| text.to_lowercase().contains(&other)).collect();
                    assert!(found.is_empty(), "{:?} ({lang:?}) is written “{other}” in {found:?}", e.term);
                }
            }
        }
    }

    /// The names that must use a glossary term: each break-switch's "Show me" scenario in
    /// the picker names the switch as its card does, and the buttons and lessons that name
    /// a term.
    #[test]
    fn cards_buttons_and_lessons_name_a_term_by_the_glossary() {
        // Catalogue strings that name a term.
        let named: &[(K, K)] = &[
            (K::SplitVote, K::GlossSplitVote),
            (K::KeySplitVote, K::GlossSplitVote),
            (K::SplitVoteTitle, K::GlossLeader),
            (K::RoleCatchingUp, K::GlossCatchingUp),
            (K::NoopGlyph, K::GlossNoop),
            (K::LegendNoop, K::GlossNoop),
            (K::AddServerTitle, K::GlossJointConsensus),
            (K::CauseNoElectionRestriction, K::GlossElectionRestriction),
            (K::QuorumHeading, K::GlossMembershipChange),
            (K::PhaseSingleCatchingUp, K::GlossLearner),
            (K::AddServerSingleTitle, K::GlossSingleServerChange),
            (K::RemoveServerSingleTitle, K::GlossSingleServerChange),
        ];
        // Library files whose title names a term.
        let titled: &[(&str, K)] = &[("split-vote.scn", K::GlossSplitVote)];
        for lang in Lang::ALL {
            for s in BreakSwitch::ALL {
                let name = break_switch_text(s).0;
                let scenario = crate::scenario::library_scenario(s.show_me()).unwrap().unwrap();
                let (title, description) = match lang {
                    Lang::English => (scenario.title, scenario.description),
                    Lang::Chinese => (scenario.title_zh, scenario.description_zh),
                };
                let shown = format!("{} {}", title.unwrap_or_default(), description.unwrap_or_default()).to_lowercase();
                assert!(shown.contains(&term(name, lang)), "{s}'s Show me ({lang:?}) says “{shown}”");
            }
            for (key, gloss) in named {
                assert!(term(*key, lang).contains(&term(*gloss, lang)), "{key:?} ({lang:?})");
            }
            for (file, gloss) in titled {
                let scenario = crate::scenario::library_scenario(file).unwrap().unwrap();
                let title = match lang {
                    Lang::English => scenario.title,
                    Lang::Chinese => scenario.title_zh,
                };
                assert!(title.unwrap_or_default().to_lowercase().contains(&term(*gloss, lang)), "{file} ({lang:?})");
            }
        }
    }
}
