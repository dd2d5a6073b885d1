//! The guided visit, as plain data: how the scenario library is grouped in the picker,
//! the tour (a chain of lessons from an election to a membership change), and the mark
//! that remembers where a reader stopped in it.

use crate::raft::{BreakSwitch, Time};
use crate::scenario::Narration;

/// The picker's groups, in the order it lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// The guided tour's lessons.
    Lessons,
    /// Narrated runs that go deeper (the paper's figures, retries, removing the leader,
    /// PreVote, CheckQuorum, leadership transfer, rounds of random crashes).
    Scenarios,
    /// A goal the reader reaches by acting on the cluster; the page checks it.
    Exercises,
    /// Raft with one rule switched off, and the violation that follows: each break-switch's
    /// "Show me" scenario, from the break-switch table.
    BrokenRules,
}

impl Group {
    pub const ALL: [Group; 4] = [Group::Lessons, Group::Scenarios, Group::Exercises, Group::BrokenRules];
}

/// The guided tour: about ten minutes, from an election to a membership change.
pub const TOUR: &[&str] =
    &["leader-crash.scn", "split-vote.scn", "stale-leader.scn", "partition-3-2.scn", "membership-add.scn"];

/// The group a library file belongs to.
pub fn group(file: &str) -> Group {
    if TOUR.contains(&file) {
        Group::Lessons
    } else if file.starts_with("exercise-") {
        Group::Exercises
    } else if BreakSwitch::ALL.iter().any(|s| s.show_me() == file) {
        Group::BrokenRules
    } else {
        Group::Scenarios
    }
}

/// The tour's lesson after `file`, if `file` is on the tour and not its last.
pub fn next_in_tour(file: &str) -> Option<&'static str> {
    let at = TOUR.iter().position(|f| *f == file)?;
    TOUR.get(at + 1).copied()
}

/// `file`'s place on the tour: (1-based position, number of lessons).
pub fn tour_place(file: &str) -> Option<(usize, usize)> {
    TOUR.iter().position(|f| *f == file).map(|at| (at + 1, TOUR.len()))
}

/// The narration step a run at `now` is in: the last one that has begun (an embed's
/// caption follows the run with it).
pub fn step_at(narration: &[Narration], now: Time) -> Option<&Narration> {
    step_index_at(narration, now).map(|i| &narration[i])
}

/// The number of the narration step a run at `now` is in ([`step_at`]): where a lesson
/// stands when its run is not at a step's own point (a link, a move to a step cancelled on
/// the way, a step older than the history kept).
pub fn step_index_at(narration: &[Narration], now: Time) -> Option<usize> {
    narration.iter().rposition(|n| n.time <= now)
}

/// Where a reader stopped in the tour: a lesson and its step. Stored as `file step`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourMark {
    pub file: &'static str,
    pub step: usize,
}

impl TourMark {
    pub fn to_text(&self) -> String {
        format!("{} {}", self.file, self.step)
    }

    /// Reads a stored mark; anything that does not name a tour lesson is no mark.
    pub fn parse(text: &str) -> Option<TourMark> {
        let (file, step) = text.trim().split_once(' ')?;
        let file = TOUR.iter().copied().find(|f| *f == file)?;
        Some(TourMark { file, step: step.parse().ok()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    #[test]
    fn every_library_scenario_is_in_one_group_and_the_tour_is_lessons() {
        let files: Vec<&str> = scenario::library().iter().map(|s| s.file).collect();
        for file in TOUR {
            assert!(files.contains(file), "{file} is in the library");
            let parsed = scenario::library_scenario(file).unwrap().unwrap();
            let (_, report) = scenario::run_to_end(&parsed).unwrap();
            assert!(report.narration.len() >= 2, "{file} is a narrated lesson");
            assert!(parsed.goal.is_none(), "{file} is not an exercise");
        }
        // Each group holds what it says, read from the files and the tables, not counted
        // by hand: the tour's lessons, the scenarios with a goal, each break-switch's "Show
        // me", and the rest; none is empty.
        let in_group = |g: Group| files.iter().copied().filter(|f| group(f) == g).collect::<Vec<_>>();
        assert_eq!(in_group(Group::Lessons), TOUR.to_vec());
        let has_goal = |f: &str| scenario::library_scenario(f).unwrap().unwrap().goal.is_some();
        let goals: Vec<&str> = files.iter().copied().filter(|f| has_goal(f)).collect();
        assert_eq!(in_group(Group::Exercises), goals);
        let mut show_me: Vec<&str> = BreakSwitch::ALL.iter().map(|s| s.show_me()).collect();
        let mut broken = in_group(Group::BrokenRules);
        show_me.sort_unstable();
        broken.sort_unstable();
        assert_eq!(broken, show_me, "one Show me each, each in the library");
        for file in in_group(Group::Scenarios) {
            let parsed = scenario::library_scenario(file).unwrap().unwrap();
            assert!(parsed.config.breaks.is_correct_raft(), "{file} breaks a rule: is it a switch's Show me?");
        }
        for g in Group::ALL {
            assert!(!in_group(g).is_empty(), "{g:?} is empty");
        }
    }

    #[test]
    fn the_tour_runs_from_an_election_to_a_membership_change() {
        assert_eq!(TOUR.first(), Some(&"leader-crash.scn"));
        assert_eq!(next_in_tour("leader-crash.scn"), Some("split-vote.scn"));
        assert_eq!(next_in_tour("membership-add.scn"), None);
        assert_eq!(next_in_tour("figure-8.scn"), None);
        assert_eq!(tour_place("stale-leader.scn"), Some((3, 5)));
        assert_eq!(tour_place("figure-7.scn"), None);
    }

    #[test]
    fn an_embed_caption_and_a_lesson_follow_the_run_through_the_lesson_steps() {
        let parsed = scenario::library_scenario("leader-crash.scn").unwrap().unwrap();
        let (_, report) = scenario::run_to_end(&parsed).unwrap();
        let n = &report.narration;
        assert!(n[0].time < n[1].time, "{n:?}");
        let at = |t: Time| step_at(n, t).map(|s| s.line);
        let lines: Vec<Option<usize>> =
            [n[0].time, Time(n[1].time.0 - 1), n[1].time, report.end_time].into_iter().map(at).collect();
        assert_eq!(lines, [Some(n[0].line), Some(n[0].line), Some(n[1].line), Some(n[n.len() - 1].line)]);
        if n[0].time.0 > 0 {
            assert_eq!(at(Time(0)), None, "nothing before the first step");
        }
        assert_eq!(step_at(&[], Time(5)), None);
        let steps: Vec<Option<usize>> = [n[0].time, Time(n[1].time.0 - 1), n[1].time, report.end_time]
            .into_iter()
            .map(|t| step_index_at(n, t))
            .collect();
        assert_eq!(steps, [Some(0), Some(0), Some(1), Some(n.len() - 1)]);
    }

    #[test]
    fn a_tour_mark_reads_back_what_was_stored_and_nothing_else() {
        let mark = TourMark { file: "split-vote.scn", step: 2 };
        assert_eq!(TourMark::parse(&mark.to_text()), Some(mark));
        assert_eq!(TourMark::parse("figure-7.scn 1"), None, "not on the tour");
        assert_eq!(TourMark::parse("split-vote.scn x"), None);
        assert_eq!(TourMark::parse(""), None);
    }
}
