//! What the page draws, as plain data read from the simulator: one snapshot per frame for
//! the ring and the status line, and windows of the logs. Everything here is `PartialEq`,
//! so that a component whose part did not change is not drawn again.

use super::counting::{self, Count, EntryCount};
use super::geometry::timer_remaining;
use crate::raft::{ChangeMethod, MembershipEvent, MessageKind, Role, RoleKind, ServerId};
use crate::sim::checker::Property;
use crate::sim::{ChangeLost, ClientStatus, Sim};

mod logs;
pub use logs::{log_rows, logs_signature, longest_log, CellView, EntryKind, LogRowView};

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
    /// Left out of a committed C_new and not shut down: out of the cluster, still running.
    pub removed: bool,
    /// Counted by the configuration in force: the leader's when there is a live leader
    /// (a new server counts once the leader's log holds a configuration with it, before
    /// the entry reaches the server), else the server's own.
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

    pub fn standing(&self) -> Standing {
        Standing::of(self.retired, self.removed, self.learner, self.voter)
    }
}

/// Where a server stands towards the cluster, as its label says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Counted by the configuration in force.
    Member,
    /// Added by the change in progress and not counted yet: a learner, catching up.
    Learner,
    /// In no configuration in force and not being added: left behind by a change that
    /// was abandoned or lost.
    Outside,
    /// Left out of a committed C_new, still there (§6).
    Removed,
    /// Shut down for good after its removal.
    Retired,
}

/// What the ring and the logs need to say where each server stands: the configuration in
/// force (the live leader's) and the learners of the change in progress.
pub(crate) struct Standings {
    in_force: Option<crate::raft::Configuration>,
    learners: Vec<ServerId>,
}

impl Standings {
    pub(crate) fn of(sim: &Sim) -> Self {
        let in_force = sim.leader().and_then(|l| sim.server(l)).map(|slot| slot.node.configuration().clone());
        Standings { in_force, learners: counting::learners(sim) }
    }

    /// Counted by the configuration in force: the leader's, else the server's own.
    fn voter(&self, slot: &crate::sim::ServerSlot) -> bool {
        self.in_force.as_ref().unwrap_or(slot.node.configuration()).contains(slot.node.id())
    }

    fn learner(&self, slot: &crate::sim::ServerSlot) -> bool {
        self.learners.contains(&slot.node.id())
    }

    pub(crate) fn standing(&self, slot: &crate::sim::ServerSlot) -> Standing {
        Standing::of(slot.retired, slot.removed, self.learner(slot), self.voter(slot))
    }
}

/// The catalogue key of a server's role as the page labels it.
pub fn role_key(role: RoleKind, alive: bool, standing: Standing) -> crate::view::i18n::K {
    use crate::view::i18n::K;
    match standing {
        Standing::Retired => K::RoleRemoved,
        // Out of the cluster but running (§6): its role still matters (it may campaign).
        Standing::Removed if alive => match role {
            RoleKind::Candidate | RoleKind::PreCandidate => K::RoleRemovedCampaigning,
            _ => K::RoleRemovedRunning,
        },
        _ if !alive => K::RoleDown,
        _ => match role {
            RoleKind::Leader => K::RoleLeader,
            RoleKind::Candidate => K::RoleCandidate,
            RoleKind::PreCandidate => K::RolePreCandidate,
            RoleKind::Follower if standing == Standing::Learner => K::RoleCatchingUp,
            RoleKind::Follower if standing == Standing::Outside => K::RoleNotMember,
            RoleKind::Follower => K::RoleFollower,
        },
    }
}

impl Standing {
    pub fn of(retired: bool, removed: bool, learner: bool, voter: bool) -> Standing {
        match () {
            _ if retired => Standing::Retired,
            _ if removed => Standing::Removed,
            _ if learner => Standing::Learner,
            _ if voter => Standing::Member,
            _ => Standing::Outside,
        }
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
    /// Joint consensus (§6) or one server at a time (dissertation §4.1): which steps the
    /// change goes through ([`ChangeMethod::steps`]).
    pub method: ChangeMethod,
    /// Each phase reached, with the simulated time (µs) it was first reported.
    pub reached: Vec<(Phase, u64)>,
    pub finished: bool,
    pub leader_stepped_down: bool,
    /// §4.2.1: the servers that did not catch up in time, when the leader abandoned the
    /// change for them (it ended before C_old,new).
    pub abandoned: Option<Vec<ServerId>>,
    /// The change ended without a leader reporting it: nothing in the cluster carries it on.
    pub lost: Option<ChangeLost>,
}

impl MembershipView {
    /// The furthest phase reached.
    pub fn current(&self) -> Option<Phase> {
        self.reached.iter().map(|(p, _)| *p).max()
    }

    /// The step the change failed at, marked as failed: catching up, for a change
    /// abandoned there (§4.2.1) or lost with the leader that was catching up; for a change
    /// whose configuration entry was overwritten, the step after the furthest it reached
    /// (the entry's commit).
    pub fn failed_step(&self) -> Option<Phase> {
        match (&self.lost, &self.abandoned) {
            (Some(ChangeLost::LeaderGone { .. }), _) | (None, Some(_)) => Some(Phase::CatchingUp),
            (Some(ChangeLost::Overwritten { .. }), _) => {
                self.method.steps().iter().copied().find(|p| self.current().is_some_and(|c| *p > c))
            }
            (None, None) => None,
        }
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

/// The ring's servers at the simulator's current time.
pub fn servers(sim: &Sim) -> Vec<ServerView> {
    let now = sim.now().0;
    let topology = sim.topology();
    let partitioned = topology.is_partitioned();
    let standings = Standings::of(sim);
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
                removed: slot.removed && !slot.retired,
                voter: standings.voter(slot),
                votes,
                tally: counting::tally(sim, node.id()),
                learner: standings.learner(slot),
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
        method: status.method,
        reached,
        finished: status.finished,
        leader_stepped_down,
        abandoned,
        lost: status.lost.clone(),
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

#[cfg(test)]
mod tests;
