//! The page's view of a single-server membership change (dissertation §4.1), at the moments
//! where it is easy to get wrong: while the new server catches up (one configuration in
//! force, the learner not counted), once C_new is appended (in force at once, no
//! C_old,new) and once it commits; the panel's steps, the explain mode's pauses and the
//! names of the phases in both languages.

use super::counting::{learners, ring_meters, Half};
use super::explain::{self, phase_text, Moment};
use super::i18n::{set_lang, t, tf, Lang, K};
use super::inspect::quorum;
use super::model::{membership, Phase};
use crate::raft::{ChangeMethod, Duration, ServerId};
use crate::sim::{elected, Action, Sim};

/// A five-server cluster whose leader has committed its no-op: a single-server change
/// waits for that (the 2015 rule).
fn settled() -> Sim {
    let mut sim = elected(11);
    sim.run_for(Duration::from_ms(300));
    sim
}

fn add_s6_single(sim: &mut Sim) {
    let add = Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Single };
    sim.act(add).unwrap();
}

/// The shape of the leader's ring meters: each count's configuration, size and need.
fn meters(sim: &Sim) -> Vec<(Half, usize, usize)> {
    ring_meters(sim).map_or(Vec::new(), |m| m.counts.iter().map(|c| (c.half, c.members.len(), c.need)).collect())
}

#[test]
fn a_single_server_add_counts_one_configuration_at_every_moment() {
    let mut sim = settled();
    add_s6_single(&mut sim);
    // Catching up: the configuration in force is the leader's, {S1..S5}; S6 is a learner.
    assert_eq!(meters(&sim), vec![(Half::Old, 5, 3)]);
    assert_eq!(learners(&sim), vec![ServerId(6)]);
    let q = quorum(&sim).expect("the panel while the change is in progress");
    assert_eq!(q.in_force, vec![(Half::Old, (1..=5).map(ServerId).collect())]);
    assert_eq!(q.learners, vec![ServerId(6)]);
    let m = membership(&sim).unwrap();
    assert_eq!((m.method, m.current()), (ChangeMethod::Single, Some(Phase::CatchingUp)));
    assert_eq!(m.method.steps(), &[Phase::CatchingUp, Phase::NewAppended, Phase::NewCommitted]);
    // Every later moment: one count only, never C_old,new on any server.
    let mut shapes: Vec<Vec<(Half, usize, usize)>> = vec![meters(&sim)];
    while sim.membership().is_some_and(|m| !m.finished) && sim.step().is_some() {
        assert!(sim.servers().iter().all(|s| !s.node.configuration().is_joint()), "no C_old,new at {}", sim.now());
        let shape = meters(&sim);
        if !shape.is_empty() && shapes.last() != Some(&shape) {
            shapes.push(shape);
        }
        if membership(&sim).unwrap().current() == Some(Phase::NewAppended) {
            // Appended: C_new {S1..S6} is in force at once, S6 counts, 4 of 6 needed.
            assert_eq!(learners(&sim), vec![]);
            assert_eq!(quorum(&sim).unwrap().in_force, vec![(Half::New, (1..=6).map(ServerId).collect())]);
        }
    }
    assert_eq!(shapes, vec![vec![(Half::Old, 5, 3)], vec![(Half::New, 6, 4)]]);
    let m = membership(&sim).unwrap();
    let reached: Vec<Phase> = m.reached.iter().map(|(p, _)| *p).collect();
    assert_eq!(reached, vec![Phase::CatchingUp, Phase::NewAppended, Phase::NewCommitted]);
    assert!(m.finished);
    assert_eq!(meters(&sim), vec![], "no meters once the change is done");
}

#[test]
fn a_single_server_removal_has_no_catching_up_and_c_new_counts_at_once() {
    let mut sim = settled();
    let leader = sim.leader().unwrap();
    let gone = if leader == ServerId(5) { ServerId(4) } else { ServerId(5) };
    let remove = Action::ChangeMembership { add: vec![], remove: vec![gone], method: ChangeMethod::Single };
    sim.act(remove).unwrap();
    let m = membership(&sim).unwrap();
    assert_eq!(m.current(), Some(Phase::NewAppended));
    assert_eq!(meters(&sim), vec![(Half::New, 4, 3)]);
    assert_eq!(learners(&sim), vec![]);
}

/// The explain mode pauses when C_new is appended, named as a single-server step; its
/// commit pauses as the leader's commit of that entry (a commit in the same event as a
/// phase is told as the commit, for either method).
#[test]
fn the_explain_mode_names_the_single_server_phases() {
    let mut sim = settled();
    let leader = sim.leader().unwrap();
    add_s6_single(&mut sim);
    let end = crate::raft::Time(sim.now().0 + 3_000_000);
    let mut seen = Vec::new();
    while let explain::Stop::Moment(m) = explain::run_until(&mut sim, end, 0) {
        seen.push(m);
    }
    let c_new = sim.server(leader).unwrap().node.configuration_index().0;
    assert_eq!(seen, vec![Moment::Phase(Phase::NewAppended, ChangeMethod::Single), Moment::Committed(leader, c_new)]);
    assert_eq!(explain::text(seen[0]), tf(K::ExplainPhase, &[&t(K::PhaseSingleAppended)]));
}

#[test]
fn single_server_phases_are_named_as_such_in_both_languages() {
    for lang in Lang::ALL {
        set_lang(lang);
        let single: Vec<&str> =
            ChangeMethod::Single.steps().iter().map(|p| phase_text(*p, ChangeMethod::Single)).collect();
        let keys = [K::PhaseSingleCatchingUp, K::PhaseSingleAppended, K::PhaseSingleCommitted];
        assert_eq!(single, keys.map(t), "{lang:?}");
        // A learner is named by the glossary's word; no step mentions C_old,new.
        assert!(single[0].contains(t(K::GlossLearner)), "{lang:?}: {}", single[0]);
        assert!(single.iter().all(|s| !s.contains("C_old,new")), "{lang:?}: {single:?}");
        // Joint consensus keeps its own names.
        assert_eq!(phase_text(Phase::NewAppended, ChangeMethod::Joint), t(K::PhaseNewAppended));
        assert!(t(K::MethodSingle).contains("§4.1") && t(K::MethodJoint).contains("§6"), "{lang:?}");
    }
    set_lang(Lang::English);
}

/// The page says each refusal of a single-server change with its details, in the reader's
/// language, through the catalogue.
#[test]
fn single_server_refusals_are_said_in_both_languages() {
    use crate::raft::{ChangeError, Term};
    use crate::sim::ActionError;
    use crate::view::format::{action_error, server_list};
    let two =
        ActionError::Membership(ChangeError::NotOneServer { added: vec![ServerId(4), ServerId(5)], removed: vec![] });
    let early = ActionError::Membership(ChangeError::NoEntryOfTermCommitted { term: Term(2) });
    for lang in Lang::ALL {
        set_lang(lang);
        let servers = server_list(&[ServerId(4), ServerId(5)]);
        let why = tf(K::ErrNotOneServer, &[&servers, &t(K::ServersNone)]);
        assert_eq!(action_error(&two), tf(K::ErrMembership, &[&why]), "{lang:?}");
        let why = tf(K::ErrNoEntryOfTermCommitted, &[&2]);
        assert_eq!(action_error(&early), tf(K::ErrMembership, &[&why]), "{lang:?}");
        assert!(action_error(&early).contains("§4.1"), "{lang:?}");
    }
    set_lang(Lang::English);
}
