//! What the page draws, as plain data read from the simulator: one snapshot per frame for
//! the ring and the status line, and windows of the logs. Everything here is `PartialEq`,
//! so that a component whose part did not change is not drawn again.

use super::counting::{self, Count, EntryCount};
use super::geometry::timer_remaining;
use crate::raft::{Configuration, MembershipEvent, MessageKind, Payload, Role, RoleKind, ServerId};
use crate::sim::checker::Property;
use crate::sim::{ClientStatus, Sim};

/// How long, in simulated microseconds, a dropped message stays drawn (fading) at the
/// point where it was lost.
pub const DROP_FADE_US: u64 = 40_000;

/// Timer fractions are rounded to this many steps, so that a server is not redrawn for a
/// change no one could see.
const TIMER_STEPS: f64 = 400.0;

/// One server in the ring.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerView {
    pub id: ServerId,
    /// Its place in the ring (id order, retired servers included).
    pub index: usize,
    pub role: RoleKind,
    pub term: u64,
    pub alive: bool,
    pub retired: bool,
    /// A voter in its own current configuration (a new server catching up is not yet).
    pub voter: bool,
    /// For a candidate: every voter of its configuration, with the vote received (`None`:
    /// no answer yet).
    pub votes: Vec<(ServerId, Option<bool>)>,
    /// For a candidate: its tally against each configuration in force.
    pub tally: Vec<Count>,
    /// A server the membership change in progress adds, that no configuration in force
    /// counts yet (a learner, catching up).
    pub learner: bool,
    /// On the leader during a membership change: its count of the entry it is committing,
    /// against each configuration in force.
    pub meters: Option<EntryCount>,
    /// What is left of the election timer, 1 to 0; `None` when it is not running.
    pub timer: Option<f64>,
    /// The partition group, when the network is partitioned.
    pub group: Option<u32>,
    pub commit_index: u64,
    pub last_index: u64,
}

impl ServerView {
    pub fn granted_votes(&self) -> usize {
        self.votes.iter().filter(|(_, v)| *v == Some(true)).count()
    }
}

/// One message in flight, or one just dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub id: u64,
    pub from_index: usize,
    pub to_index: usize,
    pub kind: MessageKind,
    /// 0 at the sender, 1 at the receiver; for a dropped one, where it was lost.
    pub progress: f64,
    /// Dropped: how far it has faded, 0 (just lost) to 1 (gone).
    pub dropped: Option<f64>,
    pub summary: String,
}

/// The status line.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusView {
    pub term: u64,
    /// The leader of the newest term (`term`), if that term has one.
    pub leader: Option<ServerId>,
    /// Live leaders of older terms, with their term: each still believes it leads, but a
    /// majority has moved on (§5.1).
    pub stale_leaders: Vec<(ServerId, u64)>,
    /// The leader's commit index, or the highest of any live server without a leader.
    pub commit_index: u64,
    pub now_us: u64,
    pub events: u64,
    /// The first safety property violated, with its account.
    pub safety: Option<(Property, crate::sim::checker::ViolationDetail)>,
    /// Set when the liveness watch fired.
    pub liveness: Option<crate::sim::checker::ViolationDetail>,
}

/// The phases of a membership change: the core's one phase type (the page shows its
/// `STEPS`; a leader stepping down is a flag of its own, not a step).
pub use crate::raft::Phase;

/// Where the latest membership change stands.
#[derive(Clone, Debug, PartialEq)]
pub struct MembershipView {
    pub target: Vec<ServerId>,
    /// Each phase reached, with the simulated time (µs) it was first reported.
    pub reached: Vec<(Phase, u64)>,
    pub finished: bool,
    pub leader_stepped_down: bool,
    /// §4.2.1: the servers that did not catch up in time, when the leader abandoned the
    /// change for them (it ended before C_old,new).
    pub abandoned: Option<Vec<ServerId>>,
}

impl MembershipView {
    /// The furthest phase reached.
    pub fn current(&self) -> Option<Phase> {
        self.reached.iter().map(|(p, _)| *p).max()
    }
}

/// One client request, for the requests list.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    pub client: u32,
    pub op: String,
    pub attempts: usize,
    pub status: ClientState,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClientState {
    Pending,
    Done { by: ServerId, result: String },
    GaveUp,
}

/// One log entry as a cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    pub index: u64,
    pub term: u64,
    pub kind: EntryKind,
    pub committed: bool,
    /// The entry in words, for its tooltip and accessible name.
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Noop,
    Command,
    /// C_old,new
    Joint,
    /// C_new (or any simple configuration)
    NewConfig,
}

/// One server's row in the logs, for the cells `first..first + count`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRowView {
    pub id: ServerId,
    pub role: RoleKind,
    pub alive: bool,
    pub retired: bool,
    pub last_index: u64,
    pub commit_index: u64,
    /// The cells of the window after the snapshot, if any: the entries still in the log.
    pub cells: Vec<CellView>,
    /// The prefix a snapshot replaced (§7), drawn as one block.
    pub snapshot: Option<super::snapshot::SnapshotBlock>,
    /// When this server is a follower of the current leader: (nextIndex, matchIndex).
    pub progress: Option<(u64, u64)>,
    /// The applied key-value state, `key=value` in key order.
    pub kv: Vec<(String, String)>,
}

/// The ring's servers at the simulator's current time.
pub fn servers(sim: &Sim) -> Vec<ServerView> {
    let now = sim.now().0;
    let topology = sim.topology();
    let partitioned = topology.is_partitioned();
    let learners = counting::learners(sim);
    let meters = counting::ring_meters(sim);
    sim.servers()
        .iter()
        .enumerate()
        .map(|(index, slot)| {
            let node = &slot.node;
            let config = node.configuration();
            let votes = match node.role() {
                Role::Candidate { votes } | Role::PreCandidate { votes } => {
                    config.members().into_iter().map(|v| (v, votes.get(&v).copied())).collect()
                }
                _ => Vec::new(),
            };
            let timer = match (slot.alive, slot.election_deadline) {
                (true, Some(deadline)) if !node.is_leader() => {
                    let f = timer_remaining(slot.election_started.0, deadline.0, now);
                    Some((f * TIMER_STEPS).round() / TIMER_STEPS)
                }
                _ => None,
            };
            ServerView {
                id: node.id(),
                index,
                role: if slot.alive { node.role_kind() } else { RoleKind::Follower },
                term: node.term().0,
                alive: slot.alive,
                retired: slot.retired,
                voter: config.contains(node.id()),
                votes,
                tally: counting::tally(sim, node.id()),
                learner: learners.contains(&node.id()),
                meters: meters.as_ref().filter(|m| m.leader == node.id()).cloned(),
                timer,
                group: partitioned.then(|| topology.group_of(node.id())),
                commit_index: node.commit_index().0,
                last_index: node.log().last_index().0,
            }
        })
        .collect()
}

/// Messages in flight at the current time, and those dropped within the last
/// [`DROP_FADE_US`]. `scan_back_us` bounds how long any message can have been on the wire
/// (the largest latency ever set).
pub fn messages(sim: &Sim, scan_back_us: u64) -> Vec<MessageView> {
    let now = sim.now();
    let all = &sim.history().messages;
    let horizon = scan_back_us + DROP_FADE_US;
    let start = all.partition_point(|m| m.sent_at.0 + horizon < now.0);
    let index_of = |id: ServerId| id.0.saturating_sub(1) as usize;
    all.iter_from(start)
        .filter_map(|m| {
            if m.sent_at > now {
                return None;
            }
            let dropped = match m.dropped {
                Some((at, _)) if at <= now => {
                    let age = now.0 - at.0;
                    if age >= DROP_FADE_US {
                        return None;
                    }
                    Some(age as f64 / DROP_FADE_US as f64)
                }
                _ => {
                    if !m.in_flight_at(now) {
                        return None;
                    }
                    None
                }
            };
            let at = match (dropped, m.dropped) {
                (Some(_), Some((when, _))) => when,
                _ => now,
            };
            Some(MessageView {
                id: m.id.0,
                from_index: index_of(m.message.from),
                to_index: index_of(m.message.to),
                kind: m.kind(),
                progress: m.progress_at(at),
                dropped,
                summary: super::format::message_summary(&m.message),
            })
        })
        .collect()
}

pub fn status(sim: &Sim) -> StatusView {
    let term = sim.max_term().0;
    let leaders: Vec<(ServerId, u64)> =
        sim.leaders().into_iter().filter_map(|l| sim.server(l).map(|s| (l, s.node.term().0))).collect();
    let leader = leaders.iter().find(|(_, t)| *t == term).map(|(l, _)| *l);
    let stale_leaders = leaders.into_iter().filter(|(_, t)| *t < term).collect();
    let commit_index = match leader.and_then(|l| sim.server(l)) {
        Some(slot) => slot.node.commit_index().0,
        None => sim.servers().iter().filter(|s| s.alive).map(|s| s.node.commit_index().0).max().unwrap_or(0),
    };
    let safety = sim.safety_violations().next().map(|v| (v.property, v.detail.clone()));
    let liveness = sim.violations().iter().find(|v| v.property == Property::Liveness).map(|v| v.detail.clone());
    StatusView {
        term,
        leader,
        stale_leaders,
        commit_index,
        now_us: sim.now().0,
        events: sim.events(),
        safety,
        liveness,
    }
}

pub fn membership(sim: &Sim) -> Option<MembershipView> {
    let status = sim.membership()?;
    let mut reached: Vec<(Phase, u64)> = Vec::new();
    let mut leader_stepped_down = false;
    let mut abandoned = None;
    for (time, _, event) in &status.phases {
        if let MembershipEvent::CatchUpAborted { servers } = event {
            abandoned = Some(servers.iter().copied().collect());
        }
        match event.phase() {
            Phase::LeaderSteppedDown => leader_stepped_down = true,
            // Each phase once, kept in phase order.
            p if !reached.iter().any(|(q, _)| *q == p) => {
                reached.insert(reached.partition_point(|(q, _)| *q < p), (p, time.0))
            }
            _ => {}
        }
    }
    Some(MembershipView {
        target: status.target.iter().copied().collect(),
        reached,
        finished: status.finished,
        leader_stepped_down,
        abandoned,
    })
}

/// The partition in force, as groups of the active servers (in group order), or `None`
/// when every server can reach every other.
pub fn partition_in_force(sim: &Sim) -> Option<Vec<Vec<ServerId>>> {
    let topology = sim.topology();
    if !topology.is_partitioned() {
        return None;
    }
    let ids: Vec<(u32, ServerId)> =
        sim.active_servers().map(|s| (topology.group_of(s.node.id()), s.node.id())).collect();
    // Group numbers are small (one per group the user named): gather each in turn, in order.
    let last = ids.iter().map(|(g, _)| *g).max().unwrap_or(0);
    let groups = (0..=last)
        .map(|g| ids.iter().filter(|(k, _)| *k == g).map(|(_, id)| *id).collect::<Vec<_>>())
        .filter(|members| !members.is_empty())
        .collect();
    Some(groups)
}

/// The latest `limit` client requests, newest first.
pub fn clients(sim: &Sim, limit: usize) -> Vec<ClientView> {
    sim.clients()
        .iter()
        .rev()
        .take(limit)
        .map(|c| ClientView {
            client: c.client.0,
            op: c.op.to_string(),
            attempts: c.attempts.len(),
            status: match &c.status {
                ClientStatus::Pending => ClientState::Pending,
                ClientStatus::Done { by, result, .. } => ClientState::Done { by: *by, result: result.to_string() },
                ClientStatus::GaveUp => ClientState::GaveUp,
            },
        })
        .collect()
}

/// The longest log of any server: the logs panel is this many cells wide.
pub fn longest_log(sim: &Sim) -> u64 {
    sim.servers().iter().map(|s| s.node.log().last_index().0).max().unwrap_or(0)
}

/// A fingerprint of everything the logs panel shows: each server's log length and last
/// term, commit and applied indices, role and liveness, and the leader's nextIndex and
/// matchIndex. The panel is redrawn only when it changes, not on every heartbeat.
pub fn logs_signature(sim: &Sim) -> u64 {
    let mut bytes: Vec<u8> = Vec::with_capacity(sim.servers().len() * 40 + 64);
    let mut put = |v: u64| bytes.extend_from_slice(&v.to_le_bytes());
    for slot in sim.servers() {
        let node = &slot.node;
        put(node.log().last_index().0);
        put(node.log().last_term().0);
        put(node.log().snapshot_index().0);
        put(node.commit_index().0);
        put(node.last_applied().0);
        put(node.role_kind() as u64 | (slot.alive as u64) << 8 | (slot.retired as u64) << 9);
    }
    if let Some(l) = sim.leader().and_then(|l| sim.server(l)).and_then(|s| s.node.leader_state()) {
        put(sim.leader().map_or(0, |l| l.0 as u64));
        for (id, p) in &l.progress {
            put(id.0 as u64);
            put(p.next_index.0);
            put(p.match_index.0);
        }
    }
    crate::sim::fnv1a(&bytes)
}

/// Every server's log row, with the cells from index `first + 1` (cells are 0-based,
/// indices 1-based) for `count` cells.
pub fn log_rows(sim: &Sim, first: usize, count: usize) -> Vec<LogRowView> {
    let leader_progress = sim.leader().and_then(|l| sim.server(l)).and_then(|s| s.node.leader_state().cloned());
    sim.servers()
        .iter()
        .map(|slot| {
            let node = &slot.node;
            let log = node.log();
            let commit = node.commit_index().0;
            // Cell k shows index k + 1; the log holds the entries after its snapshot.
            let (offset, entries) = (log.snapshot_index().0 as usize, log.entries());
            let start = first.max(offset);
            let end = (first + count).min(offset + entries.len());
            let cells = entries
                .get(start.min(end) - offset..end.max(start) - offset)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(k, entry)| {
                    let index = (start + k + 1) as u64;
                    let kind = match &entry.payload {
                        Payload::Noop => EntryKind::Noop,
                        Payload::Command(_) => EntryKind::Command,
                        Payload::Config(Configuration::Joint { .. }) => EntryKind::Joint,
                        Payload::Config(_) => EntryKind::NewConfig,
                    };
                    CellView {
                        index,
                        term: entry.term.0,
                        kind,
                        committed: index <= commit,
                        text: format!("{index}: {entry}"),
                    }
                })
                .collect();
            let progress = leader_progress
                .as_ref()
                .and_then(|l| l.progress.get(&node.id()))
                .map(|p| (p.next_index.0, p.match_index.0));
            LogRowView {
                id: node.id(),
                role: if slot.alive { node.role_kind() } else { RoleKind::Follower },
                alive: slot.alive,
                retired: slot.retired,
                last_index: log.last_index().0,
                commit_index: commit,
                cells,
                snapshot: super::snapshot::SnapshotBlock::of(node),
                progress,
                kv: node.kv().data.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Duration, Op};
    use crate::sim::{Action, SimConfig};

    use crate::sim::elected;

    #[test]
    fn the_ring_shows_one_leader_and_running_timers_on_the_others() {
        let sim = elected(3);
        let servers = servers(&sim);
        assert_eq!(servers.len(), 5);
        let leaders: Vec<_> = servers.iter().filter(|s| s.role == RoleKind::Leader).collect();
        assert_eq!(leaders.len(), 1);
        assert_eq!(leaders[0].timer, None, "a leader has no election timer");
        for s in servers.iter().filter(|s| s.role == RoleKind::Follower) {
            let t = s.timer.expect("a follower's timer runs");
            assert!((0.0..=1.0).contains(&t));
        }
        assert!(servers.iter().all(|s| s.alive && s.voter && s.group.is_none()));
    }

    #[test]
    fn a_candidate_shows_its_votes() {
        let mut sim = Sim::new(SimConfig::default()).unwrap();
        sim.act(Action::ForceTimeout { server: ServerId(2) }).unwrap();
        let s2 = servers(&sim).into_iter().find(|s| s.id == ServerId(2)).unwrap();
        assert_eq!(s2.role, RoleKind::Candidate);
        assert_eq!(s2.votes.len(), 5);
        assert_eq!(s2.granted_votes(), 1, "it votes for itself");
    }

    #[test]
    fn messages_are_in_flight_between_sender_and_receiver_and_fade_once_dropped() {
        let mut sim = elected(5);
        let leader = sim.leader().unwrap();
        // Let the leader's next heartbeat leave.
        let t = sim.now();
        sim.run_until(t + Duration::from_ms(60));
        let mut views = messages(&sim, 20_000);
        if views.is_empty() {
            sim.run_until(sim.now() + Duration::from_ms(5));
            views = messages(&sim, 20_000);
        }
        assert!(!views.is_empty(), "something is in flight");
        assert!(views.iter().all(|m| (0.0..=1.0).contains(&m.progress) && m.dropped.is_none()));
        let heartbeat = views.iter().find(|m| m.kind == MessageKind::Heartbeat);
        if let Some(h) = heartbeat {
            assert_eq!(h.from_index, leader.0 as usize - 1);
        }
        let id = views[0].id;
        sim.act(Action::DropMessage { id: crate::sim::MessageId(id) }).unwrap();
        let dropped = messages(&sim, 20_000).into_iter().find(|m| m.id == id).expect("still drawn, fading");
        assert_eq!(dropped.dropped, Some(0.0));
        sim.run_until(sim.now() + Duration(DROP_FADE_US));
        assert!(messages(&sim, 20_000).iter().all(|m| m.id != id), "gone after the fade");
    }

    #[test]
    fn logs_show_terms_commits_progress_and_state() {
        let mut sim = elected(7);
        let leader = sim.leader().unwrap();
        sim.act(Action::ClientRequest { via: leader, op: Op::parse("set x 3").unwrap() }).unwrap();
        sim.run_until(sim.now() + Duration::from_ms(300));
        let rows = log_rows(&sim, 0, 100);
        assert_eq!(rows.len(), 5);
        for row in &rows {
            assert_eq!(row.cells.len() as u64, row.last_index);
            assert_eq!(row.cells[0].kind, EntryKind::Noop);
            assert!(row.cells.iter().any(|c| c.kind == EntryKind::Command && c.committed));
            assert_eq!(row.kv, vec![("x".to_string(), "3".to_string())]);
            assert_eq!(row.progress.is_some(), row.id != leader, "nextIndex/matchIndex for followers");
        }
        let window = log_rows(&sim, 1, 1);
        assert!(window.iter().all(|r| r.cells.len() == 1 && r.cells[0].index == 2));
        assert!(log_rows(&sim, 50, 10).iter().all(|r| r.cells.is_empty()));
        let clients = clients(&sim, 5);
        assert!(matches!(clients[0].status, ClientState::Done { .. }));
        let st = status(&sim);
        assert_eq!(st.leader, Some(leader));
        assert!(st.commit_index >= 2 && st.safety.is_none());
    }

    #[test]
    fn the_logs_signature_changes_with_the_logs_and_not_with_heartbeats() {
        let mut sim = elected(9);
        let leader = sim.leader().unwrap();
        // Let replication settle, then heartbeats alone leave the logs as they are.
        sim.run_until(sim.now() + Duration::from_ms(200));
        let settled = logs_signature(&sim);
        sim.run_until(sim.now() + Duration::from_ms(200));
        assert_eq!(logs_signature(&sim), settled);
        sim.act(Action::ClientRequest { via: leader, op: Op::parse("set y 1").unwrap() }).unwrap();
        assert_ne!(logs_signature(&sim), settled, "an appended entry changes it");
        sim.act(Action::Crash { server: leader }).unwrap();
        let crashed = logs_signature(&sim);
        sim.act(Action::Restart { server: leader }).unwrap();
        assert_ne!(logs_signature(&sim), crashed);
    }

    /// §4.2.1: the panel must not show "Catching up ✓" for a change abandoned there.
    #[test]
    fn an_abandoned_catch_up_is_reported_with_the_servers_left_behind() {
        let mut sim = elected(11);
        sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![] }).unwrap();
        sim.act(Action::Crash { server: ServerId(6) }).unwrap();
        sim.run_until(sim.now() + Duration::from_ms(1_000));
        let m = membership(&sim).unwrap();
        assert_eq!((m.finished, m.abandoned.clone()), (false, None), "still catching up after 1s: {m:?}");
        assert_eq!(m.current(), Some(Phase::CatchingUp));
        sim.run_until(sim.now() + Duration::from_ms(1_000));
        let m = membership(&sim).unwrap();
        assert_eq!(m.abandoned, Some(vec![ServerId(6)]), "{m:?}");
        assert!(m.finished);
        let phases: Vec<Phase> = m.reached.iter().map(|(p, _)| *p).collect();
        assert_eq!(phases, vec![Phase::CatchingUp, Phase::CatchUpAborted]);
        assert_eq!(servers(&sim).len(), 6, "S6 stays, outside the configuration, and can be added again");
    }

    #[test]
    fn a_membership_change_passes_through_its_phases() {
        let mut sim = elected(11);
        assert_eq!(membership(&sim), None);
        sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![] }).unwrap();
        sim.run_until(sim.now() + Duration::from_ms(2_000));
        let m = membership(&sim).unwrap();
        assert!(m.finished, "{m:?}");
        assert_eq!(m.current(), Some(Phase::NewCommitted));
        let phases: Vec<Phase> = m.reached.iter().map(|(p, _)| *p).collect();
        assert!(phases.contains(&Phase::JointCommitted) && phases.contains(&Phase::NewAppended));
        let rows = log_rows(&sim, 0, 100);
        assert!(rows.iter().any(|r| r.cells.iter().any(|c| c.kind == EntryKind::Joint)));
        assert!(rows.iter().any(|r| r.cells.iter().any(|c| c.kind == EntryKind::NewConfig)));
        assert_eq!(servers(&sim).len(), 6);
    }

    #[test]
    fn the_status_pairs_the_newest_term_with_its_leader_and_marks_a_stale_one() {
        let mut sim = elected(13);
        let old = sim.leader().unwrap();
        let old_term = sim.server(old).unwrap().node.term().0;
        let st = status(&sim);
        assert_eq!((st.term, st.leader, st.stale_leaders.clone()), (old_term, Some(old), vec![]));
        // Cut the leader off with one follower: the majority elects a new leader in a newer
        // term, while the old one still believes it leads.
        let others: Vec<ServerId> = sim.servers().iter().map(|s| s.node.id()).filter(|id| *id != old).collect();
        sim.act(Action::Partition { groups: vec![vec![old, others[0]], others[1..].to_vec()] }).unwrap();
        sim.run_for(Duration::from_ms(3_000));
        let st = status(&sim);
        let new = sim.leaders().into_iter().find(|l| *l != old).expect("the majority elected a leader");
        let new_term = sim.server(new).unwrap().node.term().0;
        assert!(new_term > old_term);
        assert_eq!((st.term, st.leader, st.stale_leaders), (new_term, Some(new), vec![(old, old_term)]));
        // The majority side's candidates raise the term with no leader yet: none, and stale.
        sim.act(Action::Crash { server: new }).unwrap();
        sim.act(Action::ForceTimeout { server: others[1..].iter().copied().find(|s| *s != new).unwrap() }).unwrap();
        let st = status(&sim);
        assert_eq!((st.leader, st.stale_leaders), (None, vec![(old, old_term)]));
    }

    #[test]
    fn the_partition_in_force_is_read_from_the_network() {
        let mut sim = elected(3);
        assert_eq!(partition_in_force(&sim), None);
        let ids = |v: &[u32]| v.iter().map(|i| ServerId(*i)).collect::<Vec<_>>();
        sim.act(Action::Partition { groups: vec![ids(&[4, 5]), ids(&[1, 2, 3])] }).unwrap();
        let groups = partition_in_force(&sim).unwrap();
        let mut sorted = groups.clone();
        sorted.sort();
        assert_eq!(sorted, vec![ids(&[1, 2, 3]), ids(&[4, 5])]);
        sim.act(Action::Heal).unwrap();
        assert_eq!(partition_in_force(&sim), None);
    }
}
