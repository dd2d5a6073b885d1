//! Single-server membership changes in the randomized sweep (dissertation §4.1): drawn
//! among the protocol faults, and the adversarial interleaving of the bug found in 2015
//! (Ongaro, raft-dev), which only the rule "commit an entry of your term before a change"
//! prevents.

use super::super::{Action, Sim, MAX_SERVERS};
use super::patterns::{calm, campaign, run_while};
use super::pick;
use crate::raft::{ChangeMethod, Duration, LogIndex, Op, ServerId};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// One server added (the next number) or removed (any member), one server at a time,
/// keeping the configuration between three and seven servers when it can. Refused while
/// another change is in flight, or before the leader has committed an entry of its term;
/// the run goes on.
pub(super) fn single_server_change(sim: &mut Sim, rng: &mut ChaCha8Rng) {
    let Some(leader) = sim.leader() else { return };
    let Some(members) = sim.server(leader).map(|s| s.node.configuration().members()) else { return };
    let members: Vec<ServerId> = members.into_iter().collect();
    let add = match members.len() {
        0..=2 => true,
        8.. => false,
        _ => rng.random_bool(0.5),
    };
    let action = one_server(sim, rng, &members, add);
    let _ = sim.act(action);
}

/// The action that adds the next server, or removes one of `members`.
fn one_server(sim: &Sim, rng: &mut ChaCha8Rng, members: &[ServerId], add: bool) -> Action {
    let can_add = (sim.active_servers().count() as u32) < MAX_SERVERS;
    match pick(rng, members) {
        Some(gone) if !add || !can_add => {
            Action::ChangeMembership { add: vec![], remove: vec![gone], method: ChangeMethod::Single }
        }
        _ => {
            let next = ServerId(sim.servers().len() as u32 + 1);
            Action::ChangeMembership { add: vec![next], remove: vec![], method: ChangeMethod::Single }
        }
    }
}

/// Calms the cluster and brings its configuration to an even size of at least four, one
/// server at a time (removing a follower when it can: a new server catching up a long
/// log one entry per message takes long): the shape the 2015 bug needs. A change still
/// in flight is waited for. Returns the leader and the members.
fn even_configuration(sim: &mut Sim, rng: &mut ChaCha8Rng) -> Option<(ServerId, Vec<ServerId>)> {
    let limit = Duration::from_ms(sim.config().election_timeout_max_ms * 4);
    for _ in 0..6 {
        let (leader, members) = calm(sim)?;
        let n = members.len();
        if n >= 4 && n % 2 == 0 {
            return Some((leader, members));
        }
        let followers: Vec<ServerId> = members.iter().copied().filter(|s| *s != leader).collect();
        let action = one_server(sim, rng, &followers, n < 4);
        if sim.act(action).is_err() {
            sim.run_for(limit);
            continue;
        }
        run_while(sim, limit, |sim| sim.membership().is_some_and(|m| !m.finished));
    }
    None
}

/// The 2015 bug, staged with whatever servers are there. Two single-server changes of an
/// even-sized configuration M (n servers) can have disjoint majorities: C1 = M − R needs
/// n/2 servers, C2 = M + N needs n/2 + 1, and n/2 + (n/2 + 1) = |M ∪ {N}|.
///
/// (a) The leader L removes R; C1 is in force on L alone, which is cut off at once.
/// (b) The others elect X in a new term (some of side A vote for it). Side A, L and n/2 − 1
///     others, is then cut off from side B, the other n/2 servers (R and X among them),
///     before X's entries of the new term reach it.
/// (c) X adds N. Correct Raft refuses: X has not committed an entry of its term (it cannot
///     without side A). Without the rule C2 is in force at once and side B with N, n/2 + 1
///     of C2, commits C2 and a request.
/// (d) The sides swap: side A is a majority of C1, and L, whose log is longer than
///     side A's, is elected without the entry side B committed, and overwrites it.
pub(super) fn overlapping_single_server_changes(sim: &mut Sim, rng: &mut ChaCha8Rng, key_counter: &mut u32) {
    // Short messages, so that a new server catches up a long log in time (§4.2.1).
    let _ = sim.act(Action::SetLatency { min_ms: 1, max_ms: 2 });
    let Some((leader, members)) = even_configuration(sim, rng) else { return };
    // Every member learns that the configuration is committed (the next heartbeats carry
    // the commit index): a leader-to-be that does not know it would refuse (c) for that.
    let committed = sim.server(leader).map_or(LogIndex(0), |s| s.node.commit_index());
    let limit = Duration::from_ms(sim.config().election_timeout_max_ms * 6);
    run_while(sim, limit, |sim| {
        members.iter().any(|m| sim.server(*m).is_some_and(|s| s.alive && s.node.commit_index() < committed))
    });
    let n = members.len();
    if sim.active_servers().count() as u32 >= MAX_SERVERS {
        return;
    }
    let others: Vec<ServerId> = members.iter().copied().filter(|s| *s != leader).collect();
    let Some(removed) = pick(rng, &others) else { return };
    // (a)
    let remove = Action::ChangeMembership { add: vec![], remove: vec![removed], method: ChangeMethod::Single };
    if sim.act(remove).is_err() {
        return;
    }
    let rest: Vec<ServerId> = sim.active_servers().map(|s| s.node.id()).filter(|s| *s != leader).collect();
    if sim.act(Action::Partition { groups: vec![rest, vec![leader]] }).is_err() {
        return;
    }
    // (b)
    let old_term = sim.server(leader).map_or(0, |s| s.node.term().0);
    let elected =
        |sim: &Sim| sim.leader().filter(|x| *x != leader && sim.server(*x).is_some_and(|s| s.node.term().0 > old_term));
    if !run_while(sim, limit, |sim| elected(sim).is_none()) {
        return;
    }
    let Some(x) = elected(sim) else { return };
    let mut candidates: Vec<ServerId> = others.iter().copied().filter(|s| *s != removed && *s != x).collect();
    let mut side_a = vec![leader];
    while side_a.len() < n / 2 && !candidates.is_empty() {
        let i = rng.random_range(0..candidates.len() as u32) as usize;
        side_a.push(candidates.remove(i));
    }
    let mut side_b: Vec<ServerId> = members.iter().copied().filter(|s| !side_a.contains(s)).collect();
    // L stays alone until (d), so that it is elected only after side B has committed.
    let groups = vec![side_b.clone(), side_a[1..].to_vec(), vec![leader]];
    if sim.act(Action::Partition { groups }).is_err() {
        return;
    }
    // (c) A refusal (correct Raft) changes nothing; the dance goes on all the same. The
    // new server joins the first group, side B.
    let added = ServerId(sim.servers().len() as u32 + 1);
    let change = Action::ChangeMembership { add: vec![added], remove: vec![], method: ChangeMethod::Single };
    if sim.act(change).is_ok() {
        side_b.push(added);
        // Until C2 commits (or the catch-up is abandoned).
        run_while(sim, limit, |sim| sim.membership().is_some_and(|m| !m.finished));
    }
    *key_counter += 1;
    let _ = sim.act(Action::ClientRequest { via: x, op: Op::Set { key: "s".into(), value: key_counter.to_string() } });
    sim.run_for(Duration::from_ms(300));
    // (d)
    let _ = sim.act(Action::Partition { groups: vec![side_b, side_a] });
    campaign(sim, leader);
    sim.run_for(Duration::from_ms(200));
    let _ = sim.act(Action::Heal);
    let _ = sim.act(Action::SetLatency { min_ms: 10, max_ms: 20 });
}
