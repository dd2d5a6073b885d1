//! Workloads that drive the simulator: the randomized fault sweep behind `raftsim check`
//! and the tests, and the standard benchmark workload behind `raftsim bench` and the
//! page's `?bench=sim`.
//!
//! Both are deterministic given their seed. Neither reads a clock: callers that want
//! wall time measure it themselves (natively with `Instant`, in the browser with
//! `performance.now()`).

use super::checker::{Property, Violation, ViolationDetail};
use super::{Action, ClientStatus, Sim, SimConfig, MAX_SERVERS};
use crate::raft::{
    BreakSwitch, BreakSwitches, ChangeMethod, Duration, Op, ProtocolOption, ProtocolOptions, ServerId, Time,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

mod patterns;
mod single_server;
use patterns::{cluster_restart, figure_8, leader_with_a_minority, membership_under_partition, split_vote_with_bounce};
use single_server::{overlapping_single_server_changes, single_server_change};

/// One randomized run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOptions {
    pub seed: u64,
    /// Stop injecting faults once this many events have been processed.
    pub events: u64,
    /// The cluster size at the start (membership changes move it between 1 and 9).
    pub servers: u32,
    pub breaks: BreakSwitches,
    /// PreVote and CheckQuorum (the sweep draws a set per seed: [`drawn_options`]).
    #[serde(default)]
    pub options: ProtocolOptions,
    /// Log compaction (§7) after every this many applied entries, or none (the sweep
    /// draws it per seed: [`drawn_snapshots`]).
    #[serde(default)]
    pub snapshot_every: Option<u64>,
}

/// The protocol options seed `seed` runs with in the randomized sweep: every set of
/// options, each for about as many seeds, mixed by a hash of the seed.
pub fn drawn_options(seed: u64) -> ProtocolOptions {
    let mixed = (seed ^ 0x5851_f42d_4c95_7f2d).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ProtocolOptions::from_bits((mixed >> 56) as u32)
}

/// Log compaction for seed `seed`: in correct Raft, half of the seeds snapshot after every
/// 2 to 9 applied entries (small, so that followers that fall behind need InstallSnapshot),
/// the others never. A hunt for a broken rule runs without snapshots, except the hunt for
/// `snapshot-uncommitted`, which needs them: every 4 applied entries.
pub fn drawn_snapshots(seed: u64, breaks: BreakSwitches) -> Option<u64> {
    if !breaks.is_correct_raft() {
        return breaks.is_on(BreakSwitch::SnapshotUncommitted).then_some(4);
    }
    let mixed = (seed ^ 0x2d35_8dcc_aa6c_78a5).wrapping_mul(0x8bb8_4b93_962e_acc9);
    let draw = mixed >> 59;
    (draw & 1 == 0).then_some(2 + (draw >> 1) % 8)
}

impl CheckOptions {
    /// The command that replays exactly this run.
    pub fn replay_command(&self) -> String {
        let mut cmd = format!(
            "raftsim check --seeds 1 --first-seed {} --events {} --servers {}",
            self.seed, self.events, self.servers
        );
        for b in self.breaks.active() {
            cmd.push_str(&format!(" --break {b}"));
        }
        for o in self.options.active() {
            cmd.push_str(&format!(" --{o}"));
        }
        if self.options == ProtocolOptions::default() {
            cmd.push_str(" --paper");
        }
        match self.snapshot_every {
            Some(n) => cmd.push_str(&format!(" --snapshots {n}")),
            None => cmd.push_str(" --snapshots off"),
        }
        cmd
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    pub seed: u64,
    pub events: u64,
    pub sim_time: Time,
    /// Safety violations found by the checker during the run, liveness violations found
    /// by its watch, and a liveness violation if the healed cluster failed to elect a
    /// leader or to apply a request everywhere at the end.
    pub violations: Vec<Violation>,
    /// The final state hash (for determinism checks).
    pub state_hash: u64,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.violations.is_empty()
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        Some(items[rng.random_range(0..items.len() as u32) as usize])
    }
}

/// Runs one seed with every fault mixed in: crashes and restarts (also quick ones), the
/// leader crashed right after a request, partitions, cut links, loss, duplication,
/// reordering through latency, forced and aligned timeouts, and membership changes
/// between 1 and 9 servers. After `opts.events` events, every fault is healed and every
/// server restarted, and the cluster must elect a leader and apply a new request on
/// every live server.
pub fn check_seed(opts: &CheckOptions) -> CheckReport {
    check_seed_sim(opts).0
}

/// Like [`check_seed`], also returning the simulator at the end, to inspect a failure.
pub fn check_seed_sim(opts: &CheckOptions) -> (CheckReport, Sim) {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed ^ 0x9e37_79b9_7f4a_7c15);
    let config = SimConfig {
        servers: opts.servers.clamp(1, MAX_SERVERS),
        seed: opts.seed,
        breaks: opts.breaks,
        options: opts.options,
        snapshot_every: opts.snapshot_every,
        // Small batches make the paper's interleavings (Figure 8) reachable.
        max_entries_per_append: 1,
        checkpoint_every_ms: 0,
        ..SimConfig::default()
    };
    let mut sim = Sim::new(config).expect("valid configuration");
    let mut key_counter = 0u32;
    // Leadership transfers and options switched mid-run come from a second generator,
    // and only in correct Raft: a hunt for a broken rule runs the same faults as before
    // these mechanisms existed, so the seed that catches it stays the same.
    // The one exception is the rule these faults exist to test (single-server changes'
    // 2015 rule), whose hunt needs them.
    let protocol_faults = opts.breaks.active().all(|b| b == BreakSwitch::ChangeBeforeTermCommit);
    let mut extra = protocol_faults.then(|| ChaCha8Rng::seed_from_u64(opts.seed ^ 0x2545_f491_4f6c_dd1d));
    while sim.events() < opts.events {
        let gap = Duration::from_ms(rng.random_range(5..=400u64));
        run_bounded(&mut sim, gap, opts.events);
        if sim.events() >= opts.events {
            break;
        }
        inject_fault(&mut sim, &mut rng, &mut key_counter);
        if let Some(extra) = &mut extra {
            inject_protocol_fault(&mut sim, extra, &mut key_counter);
        }
    }
    let mut violations: Vec<Violation> = sim.violations().to_vec();
    if let Some(v) = heal_and_check_progress(&mut sim) {
        violations.push(v);
    }
    let report = CheckReport {
        seed: opts.seed,
        events: sim.events(),
        sim_time: sim.now(),
        violations,
        state_hash: sim.state_hash(),
    };
    (report, sim)
}

/// Runs for `d`, or until `max_events` events have been processed.
fn run_bounded(sim: &mut Sim, d: Duration, max_events: u64) {
    let end = sim.now() + d;
    while sim.events() < max_events {
        if sim.step_until(end).is_none() {
            break;
        }
    }
    if sim.events() < max_events {
        sim.run_until(end);
    }
}

fn inject_fault(sim: &mut Sim, rng: &mut ChaCha8Rng, key_counter: &mut u32) {
    let active: Vec<ServerId> = sim.active_servers().map(|s| s.node.id()).collect();
    let live: Vec<ServerId> = sim.active_servers().filter(|s| s.alive).map(|s| s.node.id()).collect();
    let down: Vec<ServerId> = sim.active_servers().filter(|s| !s.alive).map(|s| s.node.id()).collect();
    let roll = rng.random_range(0..144u32);
    let request = |rng: &mut ChaCha8Rng, key_counter: &mut u32| {
        *key_counter += 1;
        let key = format!("k{}", rng.random_range(0..4u32));
        if rng.random_bool(0.5) {
            Op::Incr { key }
        } else {
            Op::Set { key, value: key_counter.to_string() }
        }
    };
    let action = match roll {
        0..=21 => pick(rng, &active).map(|via| Action::ClientRequest { via, op: request(rng, key_counter) }),
        22..=31 => pick(rng, &live).map(|server| Action::Crash { server }),
        32..=43 => pick(rng, &down).map(|server| Action::Restart { server }),
        44..=47 => sim.leader().map(|server| Action::Crash { server }),
        // A crash between persisting and sending: right after the server's next message.
        136..=139 => pick(rng, &live).map(|server| Action::CrashAfterSending { server }),
        // A removed server (still running, perhaps campaigning) is shut down.
        140..=143 => {
            let removed: Vec<ServerId> = sim.removed_servers().map(|s| s.node.id()).collect();
            pick(rng, &removed).map(|server| Action::Shutdown { server })
        }
        48..=51 => {
            // The leader crashes just after taking a request.
            if let Some(leader) = sim.leader() {
                let _ = sim.act(Action::ClientRequest { via: leader, op: request(rng, key_counter) });
                let d = Duration::from_ms(rng.random_range(1..=40u64));
                sim.run_for(d);
                if sim.server(leader).is_some_and(|s| s.alive) {
                    let _ = sim.act(Action::Crash { server: leader });
                }
            }
            None
        }
        52..=55 => {
            // A quick crash and restart, in the middle of whatever was going on.
            if let Some(server) = pick(rng, &live) {
                let _ = sim.act(Action::Crash { server });
                sim.run_for(Duration::from_ms(rng.random_range(1..=60u64)));
                let _ = sim.act(Action::Restart { server });
            }
            None
        }
        56..=61 => {
            let mut groups = vec![Vec::new(), Vec::new()];
            for s in &active {
                groups[rng.random_range(0..2u32) as usize].push(*s);
            }
            (!groups[0].is_empty() && !groups[1].is_empty()).then_some(Action::Partition { groups })
        }
        62..=69 => Some(Action::Heal),
        70..=73 => match (pick(rng, &active), pick(rng, &active)) {
            (Some(from), Some(to)) if from != to => Some(Action::CutLink { from, to, both: rng.random_bool(0.5) }),
            _ => None,
        },
        74..=76 => match (pick(rng, &active), pick(rng, &active)) {
            (Some(from), Some(to)) if from != to => Some(Action::RestoreLink { from, to, both: true }),
            _ => None,
        },
        77..=79 => {
            let loss = if rng.random_bool(0.5) { 0.0 } else { rng.random_range(0..=30u32) as f64 / 100.0 };
            Some(Action::SetLoss { loss })
        }
        80..=81 => {
            let duplication = if rng.random_bool(0.5) { 0.0 } else { rng.random_range(0..=20u32) as f64 / 100.0 };
            Some(Action::SetDuplication { duplication })
        }
        82..=83 => {
            let min_ms = rng.random_range(1..=30u64);
            let max_ms = min_ms + rng.random_range(0..=50u64);
            Some(Action::SetLatency { min_ms, max_ms })
        }
        84..=89 => {
            // Membership: add one or two servers and/or remove one or two.
            let next = sim.servers().len() as u32 + 1;
            let add_n = if active.len() < MAX_SERVERS as usize { rng.random_range(0..=2u32) } else { 0 };
            let add_n = add_n.min(MAX_SERVERS - active.len() as u32);
            let add: Vec<ServerId> = (0..add_n).map(|k| ServerId(next + k)).collect();
            let mut remove = Vec::new();
            let remove_n = rng.random_range(0..=2u32) as usize;
            for _ in 0..remove_n {
                if let Some(s) = pick(rng, &active) {
                    if !remove.contains(&s) && active.len() + add.len() > remove.len() + 1 {
                        remove.push(s);
                    }
                }
            }
            (!add.is_empty() || !remove.is_empty()).then_some(Action::ChangeMembership {
                add,
                remove,
                method: ChangeMethod::Joint,
            })
        }
        90..=93 => pick(rng, &live).map(|server| Action::ForceTimeout { server }),
        94..=96 => {
            let servers: Vec<ServerId> = live
                .iter()
                .copied()
                .filter(|s| sim.server(*s).is_some_and(|x| !x.node.is_leader()) && rng.random_bool(0.7))
                .collect();
            (!servers.is_empty()).then_some(Action::AlignTimers { servers })
        }
        97..=99 => Some(Action::SpreadTimers),
        100..=105 => {
            split_vote_with_bounce(sim, rng);
            None
        }
        106..=108 => {
            figure_8(sim, rng, key_counter);
            None
        }
        112..=117 | 132..=135 => {
            membership_under_partition(sim, rng, key_counter);
            None
        }
        118..=123 => {
            figure_8(sim, rng, key_counter);
            None
        }
        124..=127 => {
            cluster_restart(sim);
            None
        }
        128..=131 => {
            leader_with_a_minority(sim, rng, key_counter);
            None
        }
        _ => {
            // Leader churn: requests taken by short-lived leaders, and servers coming
            // back with old logs (the shape of the paper's Figure 8).
            for _ in 0..rng.random_range(2..=5u32) {
                if let Some(leader) = sim.leader() {
                    let _ = sim.act(Action::ClientRequest { via: leader, op: request(rng, key_counter) });
                    sim.run_for(Duration::from_ms(rng.random_range(1..=25u64)));
                    let _ = sim.act(Action::Crash { server: leader });
                }
                sim.run_for(Duration::from_ms(rng.random_range(0..=30u64)));
                let down: Vec<ServerId> = sim.active_servers().filter(|s| !s.alive).map(|s| s.node.id()).collect();
                if let Some(server) = pick(rng, &down) {
                    let _ = sim.act(Action::Restart { server });
                }
                sim.run_for(Duration::from_ms(rng.random_range(150..=400u64)));
            }
            None
        }
    };
    if let Some(action) = action {
        // Refused actions (a crashed server asked to time out, no leader for a
        // membership change, …) change nothing; the run goes on.
        let _ = sim.act(action);
    }
}

/// Now and then (one fault in twenty) a leadership transfer to any server (§3.10;
/// refused for the leader itself), or PreVote or CheckQuorum switched on or off; as often,
/// a single-server membership change (dissertation §4.1), and one time in forty the
/// interleaving of its 2015 bug.
fn inject_protocol_fault(sim: &mut Sim, rng: &mut ChaCha8Rng, key_counter: &mut u32) {
    let active: Vec<ServerId> = sim.active_servers().map(|s| s.node.id()).collect();
    let action = match rng.random_range(0..40u32) {
        0 | 1 => pick(rng, &active).map(|to| Action::TransferLeadership { to }),
        2 => {
            let option = pick(rng, &ProtocolOption::ALL).expect("options exist");
            Some(Action::SetOption { option, on: !sim.options().is_on(option) })
        }
        3 | 4 => {
            single_server_change(sim, rng);
            None
        }
        5 => {
            overlapping_single_server_changes(sim, rng, key_counter);
            None
        }
        _ => None,
    };
    if let Some(action) = action {
        let _ = sim.act(action);
    }
}

/// Restarts every server of the cluster that is down, in the order of their ids.
fn restart_every_down_server(sim: &mut Sim) {
    let down: Vec<ServerId> = sim.active_servers().filter(|s| !s.alive).map(|s| s.node.id()).collect();
    for server in down {
        let _ = sim.act(Action::Restart { server });
    }
}

/// Heals every fault, restarts every server and checks that the cluster elects a leader
/// and applies a new request on every live server. Returns a liveness violation if not.
fn heal_and_check_progress(sim: &mut Sim) -> Option<Violation> {
    let _ = sim.act(Action::Heal);
    let _ = sim.act(Action::SetLoss { loss: 0.0 });
    let _ = sim.act(Action::SetDuplication { duplication: 0.0 });
    let _ = sim.act(Action::SetLatency { min_ms: 10, max_ms: 20 });
    restart_every_down_server(sim);
    let max_timeout = Duration::from_ms(sim.config().election_timeout_max_ms);
    let limit = Duration(max_timeout.0 * super::LIVENESS_TIMEOUTS);
    let start = sim.now();
    let fail = |sim: &Sim, detail: ViolationDetail| Violation {
        property: Property::Liveness,
        time: sim.now(),
        event: sim.events(),
        event_description: "after healing every fault".into(),
        servers: sim.active_servers().map(|s| s.node.id()).collect(),
        terms: vec![sim.max_term()],
        indices: vec![],
        detail,
    };
    let Some(leader) = sim.run_until_leader(limit) else {
        return Some(fail(sim, ViolationDetail::NoLeaderAfterHealing { waited: Duration(sim.now().0 - start.0) }));
    };
    // Let a pending membership change finish before asking: it may retire servers.
    sim.run_for(Duration::from_ms(500));
    let Some(via) = sim.run_until_leader(limit) else {
        return Some(fail(sim, ViolationDetail::NoLeaderAfterChange { leader }));
    };
    let marker = format!("final-{}", sim.events());
    if sim.act(Action::ClientRequest { via, op: Op::Set { key: "final".into(), value: marker.clone() } }).is_err() {
        return Some(fail(sim, ViolationDetail::FinalRequestNotSent));
    }
    // The request must be applied on every member, and the servers that lack it must not
    // stand still for `limit`: a follower far behind catches up one batch per round trip
    // (the sweep sends one entry per AppendEntries), so the deadline moves on while the
    // missing servers keep applying or receiving entries, up to a hard cap of ten windows.
    let cap = sim.now() + Duration(limit.0 * 10);
    let mut deadline = sim.now() + limit;
    let mut applied_by_missing = 0;
    loop {
        // The servers that must have it: the live members of the leader's configuration
        // (a server added by a change that was abandoned is not one).
        let members =
            sim.leader().and_then(|l| sim.server(l)).map(|l| l.node.configuration().members()).unwrap_or_default();
        let missing: Vec<ServerId> = sim
            .active_servers()
            .filter(|s| s.alive && members.contains(&s.node.id()))
            .filter(|s| s.node.kv().data.get("final") != Some(&marker))
            .map(|s| s.node.id())
            .collect();
        let done = matches!(sim.clients().last().map(|c| &c.status), Some(ClientStatus::Done { .. }));
        if done && missing.is_empty() && !members.is_empty() {
            return None;
        }
        // Progress: entries applied, or entries received by a follower still catching up
        // (a leader cannot commit an entry of its term before a majority holds it, so
        // nothing is applied while the one follower it needs catches up).
        let applied: u64 = missing
            .iter()
            .filter_map(|&id| sim.server(id))
            .map(|s| s.node.last_applied().0 + if s.node.is_leader() { 0 } else { s.node.log().last_index().0 })
            .sum();
        if applied > applied_by_missing {
            applied_by_missing = applied;
            deadline = (sim.now() + limit).min(cap);
        }
        if sim.now() >= deadline {
            let client = format!("{:?}", sim.clients().last().map(|c| &c.status));
            return Some(fail(sim, ViolationDetail::FinalRequestNotApplied { missing, within: limit, client }));
        }
        sim.run_for(Duration::from_ms(50));
    }
}

/// The result of the standard workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    pub servers: u32,
    pub events: u64,
    pub sim_seconds: f64,
    /// Messages sent during the run.
    pub messages: u64,
    /// [`Sim::state_hash`] at the end: the same on every platform, or the run is not
    /// deterministic.
    pub state_hash: u64,
}

/// The standard workload: `servers` servers with the default timings, a client request
/// every 100 ms, the leader crashed every 5 s and restarted 1 s later, for 600 simulated
/// seconds. The checker runs after every event and the message history is kept, as in
/// the page; checkpoints for time travel are off.
pub fn standard_workload(servers: u32) -> BenchReport {
    standard_workload_for(servers, Duration::from_ms(600_000))
}

/// The standard workload for a chosen length of simulated time.
pub fn standard_workload_for(servers: u32, length: Duration) -> BenchReport {
    BenchReport::of(&run_standard_workload(servers, length))
}

impl BenchReport {
    /// The figures of a finished run.
    pub fn of(sim: &Sim) -> BenchReport {
        BenchReport {
            servers: sim.servers().len() as u32,
            events: sim.events(),
            sim_seconds: sim.now().0 as f64 / 1e6,
            messages: sim.history().messages.len() as u64,
            state_hash: sim.state_hash(),
        }
    }
}

/// Runs the standard workload and returns the simulator at the end; time this call
/// alone to measure the simulator (the report and dropping the run are not part of it).
pub fn run_standard_workload(servers: u32, length: Duration) -> Sim {
    run_standard_workload_with(servers, length, None)
}

/// [`run_standard_workload`] with log compaction (§7) after every `snapshot_every`
/// applied entries, or none.
pub fn run_standard_workload_with(servers: u32, length: Duration, snapshot_every: Option<u64>) -> Sim {
    let config = SimConfig { servers, seed: 42, checkpoint_every_ms: 0, snapshot_every, ..SimConfig::default() };
    // Not `expect`: it would bring `ConfigError`'s `Debug` into the page (docs/performance.md).
    let mut sim =
        Sim::new_large(config).unwrap_or_else(|_| panic!("the benchmark runs 1 to 1000 servers, not {servers}"));
    let end = Time(length.0);
    let mut next_request = Time::from_ms(100);
    let mut next_crash = Time::from_ms(5000);
    let mut pending_restart: Option<(Time, ServerId)> = None;
    let mut n = 0u64;
    while sim.now() < end {
        let mut t = next_request.min(next_crash).min(end);
        if let Some((at, _)) = pending_restart {
            t = t.min(at);
        }
        sim.run_until(t);
        if let Some((at, server)) = pending_restart {
            if sim.now() >= at {
                let _ = sim.act(Action::Restart { server });
                pending_restart = None;
            }
        }
        if sim.now() >= next_request {
            n += 1;
            let via = sim.leader().unwrap_or(ServerId(1));
            let _ = sim
                .act(Action::ClientRequest { via, op: Op::Set { key: format!("k{}", n % 16), value: n.to_string() } });
            next_request = Time(next_request.0 + 100_000);
        }
        if sim.now() >= next_crash {
            if let Some(leader) = sim.leader() {
                if sim.act(Action::Crash { server: leader }).is_ok() {
                    pending_restart = Some((Time(sim.now().0 + 1_000_000), leader));
                }
            }
            next_crash = Time(next_crash.0 + 5_000_000);
        }
    }
    sim
}
