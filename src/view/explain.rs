//! The explain mode: while it is on, play pauses right after an event that matters, with
//! one line on what the protocol did: a server starts an election, a candidate wins, a
//! leader commits, a leader learns of a higher term and steps down, a membership phase
//! begins. Found by comparing a few numbers of the cluster from one event to the next.

use crate::raft::{ChangeMethod, Phase, RoleKind, ServerId, Time};
use crate::sim::Sim;
use crate::view::i18n::{t, tf, K};

/// What the explain mode compares from one event to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watch {
    /// Each server: id, role, term, alive, commit index.
    servers: Vec<(ServerId, RoleKind, u64, bool, u64)>,
    /// Membership phases reported so far, and the last one, with the change's method.
    phases: (usize, Option<Phase>, ChangeMethod),
}

/// A moment worth a pause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// The server timed out and became a candidate for this term.
    Campaign(ServerId, u64),
    /// The server won the election for this term.
    Won(ServerId, u64),
    /// The leader advanced its commit index to this entry.
    Committed(ServerId, u64),
    /// The leader learned of this higher term and became a follower.
    SteppedDown(ServerId, u64),
    /// The membership change (by this method) reached this phase.
    Phase(Phase, ChangeMethod),
}

pub fn watch(sim: &Sim) -> Watch {
    Watch {
        servers: sim
            .servers()
            .iter()
            .map(|s| (s.node.id(), s.node.role_kind(), s.node.term().0, s.alive, s.node.commit_index().0))
            .collect(),
        phases: sim.membership().map_or((0, None, ChangeMethod::Joint), |m| {
            (m.phases.len(), m.phases.last().map(|p| p.2.phase()), m.method)
        }),
    }
}

/// The moment between two watches one event apart, if any.
pub fn moment(before: &Watch, after: &Watch) -> Option<Moment> {
    use RoleKind::{Candidate, Leader};
    for (b, a) in before.servers.iter().zip(&after.servers) {
        let (id, role, term, alive, commit) = *a;
        if !alive {
            continue;
        }
        if role == Candidate && (b.1 != Candidate || term > b.2) {
            return Some(Moment::Campaign(id, term));
        }
        if role == Leader && b.1 != Leader {
            return Some(Moment::Won(id, term));
        }
        if b.3 && b.1 == Leader && role != Leader && term > b.2 {
            return Some(Moment::SteppedDown(id, term));
        }
        if role == Leader && commit > b.4 {
            return Some(Moment::Committed(id, commit));
        }
    }
    match after.phases {
        (n, Some(p), method) if n > before.phases.0 => Some(Moment::Phase(p, method)),
        _ => None,
    }
}

/// Why [`run_until`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It reached the time asked for.
    Time,
    /// A violation beyond the first `seen` (as `inspect::run_until_violation`).
    Violation,
    Moment(Moment),
}

/// Runs to `t` like [`Sim::run_until`], but stops right after an event that adds a
/// violation beyond the first `seen`, or makes a [`Moment`].
pub fn run_until(sim: &mut Sim, t: Time, seen: usize) -> Stop {
    let mut before = watch(sim);
    while sim.step_until(t).is_some() {
        if sim.violations().len() > seen {
            return Stop::Violation;
        }
        let after = watch(sim);
        if let Some(m) = moment(&before, &after) {
            return Stop::Moment(m);
        }
        before = after;
    }
    sim.run_until(t);
    Stop::Time
}

/// The moment's line, in the reader's language.
pub fn text(m: Moment) -> String {
    match m {
        Moment::Campaign(s, term) => tf(K::ExplainCampaign, &[&s, &term]),
        Moment::Won(s, term) => tf(K::ExplainWon, &[&s, &term]),
        Moment::Committed(s, index) => tf(K::ExplainCommitted, &[&s, &index]),
        Moment::SteppedDown(s, term) => tf(K::ExplainSteppedDown, &[&s, &term]),
        Moment::Phase(p, method) => tf(K::ExplainPhase, &[&phase_text(p, method)]),
    }
}

/// A membership phase of a change by `method`, as the page names it: one server at a
/// time (§4.1) has no C_old,new, and its C_new is in force as soon as it is appended.
pub fn phase_text(p: Phase, method: ChangeMethod) -> &'static str {
    t(match (p, method) {
        (Phase::CatchingUp, ChangeMethod::Single) => K::PhaseSingleCatchingUp,
        (Phase::NewAppended, ChangeMethod::Single) => K::PhaseSingleAppended,
        (Phase::NewCommitted, ChangeMethod::Single) => K::PhaseSingleCommitted,
        _ => phase_key(p),
    })
}

fn phase_key(p: Phase) -> K {
    match p {
        Phase::CatchingUp => K::PhaseCatchingUp,
        Phase::JointAppended => K::PhaseJointAppended,
        Phase::JointCommitted => K::PhaseJointCommitted,
        Phase::NewAppended => K::PhaseNewAppended,
        Phase::NewCommitted => K::PhaseNewCommitted,
        Phase::LeaderSteppedDown => K::LeaderSteppedDown,
        Phase::CatchUpAborted => K::PhaseCatchUpAborted,
    }
}

/// The name tests find a moment by (`data-explain`).
pub fn slug(m: Moment) -> &'static str {
    match m {
        Moment::Campaign(..) => "campaign",
        Moment::Won(..) => "won",
        Moment::Committed(..) => "committed",
        Moment::SteppedDown(..) => "stepped-down",
        Moment::Phase(..) => "phase",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Duration;
    use crate::sim::{Action, SimConfig};

    /// Plays `sim` with the explain mode on for up to `ms` of simulated time: every pause.
    fn pauses(sim: &mut Sim, ms: u64) -> Vec<Moment> {
        let end = Time(sim.now().0 + ms * 1000);
        let mut seen = Vec::new();
        while let Stop::Moment(m) = run_until(sim, end, 0) {
            seen.push(m);
        }
        seen
    }

    #[test]
    fn an_election_pauses_when_a_candidate_starts_and_when_it_wins_then_at_its_no_op() {
        let mut sim = Sim::new(SimConfig { seed: 1, servers: 5, ..SimConfig::default() }).unwrap();
        let first = pauses(&mut sim, 2_000);
        let leader = sim.leader().expect("a leader");
        let term = sim.servers()[leader.0 as usize - 1].node.term().0;
        let won = first.iter().position(|m| matches!(m, Moment::Won(..))).expect("a win");
        assert_eq!(first[won], Moment::Won(leader, term), "{first:?}");
        assert!(first[..won].contains(&Moment::Campaign(leader, term)), "the winner campaigned first: {first:?}");
        // The leader's no-op commits next (§8); then the cluster is quiet: nothing else pauses.
        assert_eq!(first[won + 1..], [Moment::Committed(leader, 1)], "{first:?}");
        assert_eq!(pauses(&mut sim, 1_000), []);
    }

    #[test]
    fn a_leader_that_learns_a_higher_term_steps_down() {
        let mut sim = Sim::new(SimConfig { seed: 2, servers: 3, ..SimConfig::default() }).unwrap();
        let old = sim.run_until_leader(Duration::from_ms(3_000)).unwrap();
        sim.act(Action::Partition {
            groups: vec![vec![old], sim.active_servers().map(|s| s.node.id()).filter(|s| *s != old).collect()],
        })
        .unwrap();
        sim.run_until(Time(sim.now().0 + 2_000_000));
        let new = sim.leader().filter(|l| *l != old).expect("the majority elected another leader");
        let new_term = sim.servers()[new.0 as usize - 1].node.term().0;
        sim.act(Action::Heal).unwrap();
        let seen = pauses(&mut sim, 1_000);
        assert!(seen.contains(&Moment::SteppedDown(old, new_term)), "{seen:?}");
        assert!(!text(Moment::SteppedDown(old, new_term)).is_empty());
    }

    #[test]
    fn nothing_moves_nothing_pauses() {
        let a = watch(&Sim::new(SimConfig::default()).unwrap());
        assert_eq!(moment(&a, &a), None);
    }
}
