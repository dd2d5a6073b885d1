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

/// The number of the narration step a run at `now` is in ([`step_at`]): the last that has
/// begun. A lesson in the page stands by [`lesson_stop_at`] instead, which tells apart
/// steps that begin at one time.
pub fn step_index_at(narration: &[Narration], now: Time) -> Option<usize> {
    narration.iter().rposition(|n| n.time <= now)
}

/// Where a lesson stands with its run at `now`: the step the run is in, or
/// `narration.len()` (the lesson is over) once the run is at its end (`end`), past its last
/// step. Stops that begin at the same time are all where the run is at that time: of them,
/// the one nearest `current`, the stop the lesson was at (itself if it is one; coming
/// from before, the first; from after, the last). `None` before the first step: the
/// scenario's set-up is on show.
pub fn lesson_stop_at(narration: &[Narration], end: Time, now: Time, current: usize) -> Option<usize> {
    let begins = |i: usize| narration.get(i).map_or(end, |n| n.time);
    if begins(0) > now {
        return None;
    }
    // The first and last stop that begin at the latest time reached (stops begin in order).
    let (mut first, mut last) = (0, 0);
    for i in (0..=narration.len()).take_while(|i| begins(*i) <= now) {
        if begins(i) != begins(last) {
            first = i;
        }
        last = i;
    }
    Some(current.max(first).min(last))
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

    /// Steps at `times` (µs), in order.
    fn steps(times: &[u64]) -> Vec<Narration> {
        let step = |(line, t): (usize, &u64)| Narration {
            line,
            time: Time(*t),
            text: String::new(),
            zh: None,
            question: None,
            answer: None,
        };
        times.iter().enumerate().map(step).collect()
    }

    #[test]
    fn a_lesson_stands_at_the_step_its_run_is_in_wherever_the_run_moves() {
        // Steps at 100, 200, 200 (two at one time) and 300 µs; the run ends at 400 µs (stop 4:
        // the lesson is over).
        let n = steps(&[100, 200, 200, 300]);
        let end = Time(400);
        // (now, the stop the lesson was at) -> the stop it stands at (`None`: the set-up).
        let cases: [(u64, usize, Option<usize>); 19] = [
            (0, 2, None),      // at the run's start, before the first step: the set-up
            (99, 0, None),     // one µs before step 0 begins
            (100, 3, Some(0)), // exactly at step 0's time, from later on
            (199, 2, Some(0)), // back from the second of two steps at one time, to before them
            (200, 0, Some(1)), // forward onto two steps at one time: the first
            (200, 4, Some(2)), // back onto them from the end: the last
            (200, 2, Some(2)), // at the second already: it stays
            (250, 1, Some(1)), // between them and the next step: whichever of the two it was at
            (250, 2, Some(2)),
            (250, 3, Some(2)), // back from step 3: the nearer of the two
            (250, 9, Some(2)), // a stop the lesson does not have: as if from after
            (299, 3, Some(2)), // one µs before step 3
            (300, 1, Some(3)), // exactly at step 3's time
            (399, 4, Some(3)), // back from the end: the last step, not over
            (400, 3, Some(4)), // at the run's end: over
            (500, 3, Some(4)), // past it (Play went on)
            (400, 4, Some(4)),
            (300, 3, Some(3)),
            (150, 0, Some(0)),
        ];
        let got: Vec<(u64, usize, Option<usize>)> =
            cases.iter().map(|&(now, at, _)| (now, at, lesson_stop_at(&n, end, Time(now), at))).collect();
        assert_eq!(got, cases.to_vec());
        // A run that ends where its last step begins: the last step and the end are both
        // there; either stays, and from before it is the last step.
        let short = steps(&[100, 200]);
        let at = |now: u64, from: usize| lesson_stop_at(&short, Time(200), Time(now), from);
        assert_eq!([at(200, 1), at(200, 2), at(200, 0), at(150, 2)], [Some(1), Some(2), Some(1), Some(0)]);
        assert_eq!(lesson_stop_at(&[], Time(50), Time(60), 0), Some(0), "no steps: the end");
        assert_eq!(lesson_stop_at(&[], Time(50), Time(10), 0), None);
    }

    #[test]
    fn each_tour_lesson_stands_at_each_step_from_its_own_time() {
        for file in TOUR {
            let parsed = scenario::library_scenario(file).unwrap().unwrap();
            let (_, report) = scenario::run_to_end(&parsed).unwrap();
            let (n, end) = (&report.narration, report.end_time);
            let stop = |now: Time, from: usize| lesson_stop_at(n, end, now, from);
            for (i, s) in n.iter().enumerate() {
                // The steps that begin when step i does (stale-leader.scn has two).
                let first = n.iter().position(|m| m.time == s.time).unwrap();
                let last = n.iter().rposition(|m| m.time == s.time).unwrap();
                // At its own time: itself; landed on from the run's end (the reader scrubs
                // back) the last of its time, from step 0 the first.
                let got = (stop(s.time, i), stop(s.time, n.len()), stop(s.time, 0));
                assert_eq!(got, (Some(i), Some(last), Some(first)), "{file} step {i}");
                // One µs before: the step before, or the set-up before the first.
                if let Some(earlier) = s.time.0.checked_sub(1) {
                    let before = stop(Time(earlier), i);
                    assert_eq!(before, first.checked_sub(1), "{file}: one µs before step {i} begins");
                }
            }
            let last = n.len() - 1;
            assert!(n[last].time < end, "{file}: the run goes on past its last step");
            assert_eq!((stop(end, last), stop(Time(end.0 - 1), n.len())), (Some(n.len()), Some(last)), "{file}");
            let set_up = if n[0].time > Time::ZERO { None } else { Some(0) };
            assert_eq!(stop(Time::ZERO, last), set_up, "{file}: its set-up, if any, comes first");
        }
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
