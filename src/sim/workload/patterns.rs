//! The staged fault patterns of the randomized sweep ([`super::check_seed`]): each sets up
//! one interleaving the paper warns about (a split vote with a voter that bounces, Figure
//! 8, a power cut, a leader cut off with a minority, a membership change under a
//! partition) with whatever servers the run has, and lets the checker watch.

use super::super::{Action, Sim, MAX_SERVERS};
use super::{pick, restart_every_down_server};
use crate::raft::{ChangeMethod, Duration, Op, ServerId};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A split vote on demand (the leader crashes, two servers' timers fire together), and
/// a voter that crashes and restarts right after granting a vote, or (half the time) in
/// the very step that sends it, between its writes and its messages: with votedFor
/// persisted before the vote is sent it cannot vote twice in the term.
pub(super) fn split_vote_with_bounce(sim: &mut Sim, rng: &mut ChaCha8Rng) {
    let _ = sim.act(Action::Heal);
    let _ = sim.act(Action::SetLoss { loss: 0.0 });
    if let Some(leader) = sim.leader() {
        let _ = sim.act(Action::Crash { server: leader });
    }
    let live: Vec<ServerId> = sim.active_servers().filter(|s| s.alive).map(|s| s.node.id()).collect();
    let Some(a) = pick(rng, &live) else { return };
    let rest: Vec<ServerId> = live.iter().copied().filter(|s| *s != a).collect();
    let Some(b) = pick(rng, &rest) else { return };
    let candidates = vec![a, b];
    if sim.act(Action::AlignTimers { servers: candidates.clone() }).is_err() {
        return;
    }
    let voters: Vec<ServerId> = live.iter().copied().filter(|s| !candidates.contains(s)).collect();
    let Some(voter) = pick(rng, &voters) else { return };
    let limit = Duration::from_ms(sim.config().election_timeout_max_ms * 2);
    if rng.random_bool(0.5) && sim.act(Action::CrashAfterSending { server: voter }).is_ok() {
        run_while(sim, limit, |sim| sim.server(voter).is_some_and(|s| s.alive));
        let _ = sim.act(Action::Restart { server: voter });
        return;
    }
    let seen = sim.history().messages.len();
    let voted = run_while(sim, limit, |sim| {
        !sim.history()
            .messages
            .iter_from(seen)
            .any(|m| m.message.from == voter && m.kind() == crate::raft::MessageKind::VoteGranted)
    });
    if voted && sim.act(Action::Crash { server: voter }).is_ok() {
        let _ = sim.act(Action::Restart { server: voter });
    }
}

/// Steps while `cond` holds, for at most `limit`. Returns true if `cond` became false.
pub(super) fn run_while(sim: &mut Sim, limit: Duration, cond: impl Fn(&Sim) -> bool) -> bool {
    let end = sim.now() + limit;
    while cond(sim) {
        if sim.step_until(end).is_none() {
            return false;
        }
    }
    true
}

/// Heals the network, restarts every server and waits for a leader: the calm start of a
/// staged pattern. Returns the leader and the members of its (simple) configuration.
pub(super) fn calm(sim: &mut Sim) -> Option<(ServerId, Vec<ServerId>)> {
    let _ = sim.act(Action::Heal);
    let _ = sim.act(Action::SetLoss { loss: 0.0 });
    let _ = sim.act(Action::SetDuplication { duplication: 0.0 });
    restart_every_down_server(sim);
    let leader = sim.run_until_leader(Duration::from_ms(sim.config().election_timeout_max_ms * 6))?;
    let config = sim.server(leader)?.node.configuration().clone();
    if config.is_joint() {
        return None;
    }
    Some((leader, config.members().into_iter().collect()))
}

/// The interleaving of the paper's Figure 8, staged with whatever servers are there (at
/// least five): (a) a leader l1's entry reaches one follower f only; (b) a second leader
/// l2 is elected without it and cut off at once, its own entry of the new term on its
/// log only; (c) l1 comes back, is elected, and spreads its old entry to the others but
/// not to f (one entry per message lets it reach a majority before the new term's no-op),
/// and crashes as soon as its commit index reaches the old entry; (d) every server that
/// holds an entry of l1's new term is down, and l2 returns and campaigns. Correct Raft
/// never commits the old entry by counting, so nothing is lost.
pub(super) fn figure_8(sim: &mut Sim, rng: &mut ChaCha8Rng, key_counter: &mut u32) {
    let Some((l1, members)) = calm(sim) else { return };
    if members.len() < 5 || !members.contains(&l1) {
        return;
    }
    let others: Vec<ServerId> = members.iter().copied().filter(|s| *s != l1).collect();
    let Some(f) = pick(rng, &others) else { return };
    let rest: Vec<ServerId> = others.iter().copied().filter(|s| *s != f).collect();
    // (a)
    if sim.act(Action::Partition { groups: vec![rest.clone(), vec![l1, f]] }).is_err() {
        return;
    }
    *key_counter += 1;
    let _ =
        sim.act(Action::ClientRequest { via: l1, op: Op::Set { key: "f8".into(), value: key_counter.to_string() } });
    let Some(index) = sim.server(l1).map(|s| s.node.log().last_index()) else { return };
    sim.run_for(Duration::from_ms(40));
    let _ = sim.act(Action::Crash { server: l1 });
    // (b)
    let limit = Duration::from_ms(sim.config().election_timeout_max_ms * 4);
    let elected = run_while(sim, limit, |sim| !sim.leaders().iter().any(|l| rest.contains(l)));
    let Some(l2) = sim.leaders().into_iter().find(|l| rest.contains(l)) else { return };
    if !elected {
        return;
    }
    // Cut l2 off before its no-op arrives anywhere, and keep it cut off while it is down.
    let everyone_else: Vec<ServerId> = members.iter().copied().filter(|s| *s != l2).collect();
    let _ = sim.act(Action::Partition { groups: vec![everyone_else, vec![l2]] });
    let _ = sim.act(Action::Crash { server: l2 });
    // (c)
    let _ = sim.act(Action::Restart { server: l1 });
    if !campaign(sim, l1) {
        return;
    }
    let Some(t3) = sim.server(l1).map(|s| s.node.term()) else { return };
    let _ = sim.act(Action::CutLink { from: l1, to: f, both: true });
    run_while(sim, limit, |sim| {
        sim.server(l1).is_some_and(|s| s.alive && s.node.is_leader() && s.node.commit_index() < index)
    });
    // l1 crashes, and what it had in flight is lost with it (as in the paper).
    let _ = sim.act(Action::Crash { server: l1 });
    let all_but_l1: Vec<ServerId> = members.iter().copied().filter(|s| *s != l1).collect();
    let _ = sim.act(Action::Partition { groups: vec![all_but_l1, vec![l1]] });
    // (d)
    for s in &members {
        let holds_new_term = sim.server(*s).is_some_and(|x| x.alive && x.node.log().last_term() >= t3);
        if holds_new_term {
            let _ = sim.act(Action::Crash { server: *s });
        }
    }
    let _ = sim.act(Action::Restart { server: l2 });
    campaign(sim, l2);
    sim.run_for(Duration::from_ms(500));
    let _ = sim.act(Action::Heal);
    restart_every_down_server(sim);
}

/// Every server loses power at once and comes back at once, and nothing else happens
/// for longer than the liveness watch waits: randomized election timeouts must elect a
/// leader although every timer starts at the same moment (§5.2).
pub(super) fn cluster_restart(sim: &mut Sim) {
    let live: Vec<ServerId> = sim.active_servers().filter(|s| s.alive).map(|s| s.node.id()).collect();
    for server in &live {
        let _ = sim.act(Action::Crash { server: *server });
    }
    let _ = sim.act(Action::Heal);
    restart_every_down_server(sim);
    let max_timeout = sim.config().election_timeout_max_ms;
    sim.run_for(Duration::from_ms(max_timeout * (super::super::LIVENESS_TIMEOUTS + 2)));
}

/// The leader and a minority are cut off from the majority, and both sides take client
/// requests: the majority elects a new leader and commits; the old leader, still leading
/// its minority, cannot commit; the sides are joined again.
pub(super) fn leader_with_a_minority(sim: &mut Sim, rng: &mut ChaCha8Rng, key_counter: &mut u32) {
    let Some((leader, members)) = calm(sim) else { return };
    let mut others: Vec<ServerId> = members.iter().copied().filter(|s| *s != leader).collect();
    let mut minority = vec![leader];
    let k = rng.random_range(0..=(members.len() as u32 - 1) / 2) as usize;
    while minority.len() < k.max(1) && !others.is_empty() {
        let i = rng.random_range(0..others.len() as u32) as usize;
        minority.push(others.remove(i));
    }
    if others.is_empty() || sim.act(Action::Partition { groups: vec![others, minority] }).is_err() {
        return;
    }
    for round in 0..rng.random_range(2..=6u32) {
        for l in sim.leaders() {
            *key_counter += 1;
            let op = if rng.random_bool(0.5) {
                Op::Incr { key: format!("p{round}") }
            } else {
                Op::Set { key: format!("p{round}"), value: key_counter.to_string() }
            };
            let _ = sim.act(Action::ClientRequest { via: l, op });
        }
        sim.run_for(Duration::from_ms(rng.random_range(50..=400u64)));
    }
    let _ = sim.act(Action::Heal);
}

/// A membership change that adds two servers, with the network split at once so that
/// the leader, the new servers and just enough old ones form a majority of C_new, and the
/// other old servers a majority of C_old. With joint consensus the leader's side cannot
/// commit C_old,new (it lacks a majority of C_old); without it, both sides commit.
pub(super) fn membership_under_partition(sim: &mut Sim, rng: &mut ChaCha8Rng, key_counter: &mut u32) {
    let Some((leader, _)) = calm(sim) else { return };
    let Some(old) = sim.server(leader).map(|s| s.node.configuration().clone()) else { return };
    if old.is_joint() {
        return;
    }
    let old: Vec<ServerId> = old.members().into_iter().collect();
    let (n, k) = (old.len() as u32, 2u32);
    let active = sim.active_servers().count() as u32;
    if active + k > MAX_SERVERS || !old.contains(&leader) {
        return;
    }
    let next = sim.servers().len() as u32 + 1;
    let new: Vec<ServerId> = (0..k).map(|i| ServerId(next + i)).collect();
    if sim.act(Action::ChangeMembership { add: new.clone(), remove: vec![], method: ChangeMethod::Joint }).is_err() {
        return;
    }
    // Side A: the leader, the new servers and x old ones, with 1 + k + x a majority of
    // n + k; side B: the other old servers.
    let x = ((n + k) / 2 + 1).saturating_sub(1 + k) as usize;
    let mut others: Vec<ServerId> = old.iter().copied().filter(|s| *s != leader).collect();
    let mut side_a = vec![leader];
    side_a.extend(new.iter().copied());
    for _ in 0..x {
        if others.is_empty() {
            return;
        }
        let i = rng.random_range(0..others.len() as u32) as usize;
        side_a.push(others.remove(i));
    }
    let _ = sim.act(Action::Partition { groups: vec![others.clone(), side_a] });
    for round in 0..6 {
        sim.run_for(Duration::from_ms(300));
        for l in sim.leaders() {
            *key_counter += 1;
            let _ = sim.act(Action::ClientRequest {
                via: l,
                op: Op::Set { key: format!("m{round}"), value: key_counter.to_string() },
            });
        }
    }
    let _ = sim.act(Action::Heal);
}

/// Makes `server` campaign until it wins or has tried a few times (its first term may
/// be too low). Returns whether it became leader.
/// Voters that heard from a leader within the minimum election timeout ignore it (§6),
/// so it keeps trying for a while, with a higher term each time.
pub(super) fn campaign(sim: &mut Sim, server: ServerId) -> bool {
    for _ in 0..16 {
        let _ = sim.act(Action::ForceTimeout { server });
        if run_while(sim, Duration::from_ms(25), |sim| sim.leader() != Some(server)) {
            return true;
        }
    }
    false
}
