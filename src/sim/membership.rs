//! Membership changes as the simulator hosts them (§6): asking the leader, creating the
//! new servers, following the change's phases, and retiring the servers C_new left out.

use super::history::{Note, NoteKind};
use super::{ActionError, ServerSlot, Sim, MAX_SERVERS};
use crate::raft::{
    ChangeMethod, Configuration, Entry, LogIndex, MembershipEvent, Node, Payload, Phase, ServerId, Term, Time,
};
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};

/// Where a membership change stands, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipStatus {
    pub target: SortedSet<ServerId>,
    /// Joint consensus (§6) or one server at a time (dissertation §4.1).
    #[serde(default)]
    pub method: ChangeMethod,
    pub started_at: Time,
    /// Every phase seen so far, with when and which leader reported it.
    pub phases: Vec<(Time, ServerId, MembershipEvent)>,
    pub finished: bool,
    /// The leader asked for the change, and its term then: while new servers catch up, the
    /// change lives only in this leader's memory.
    #[serde(default)]
    pub leader: Option<(ServerId, Term)>,
    /// The change's first configuration entry (C_old,new, or C_new for a single-server
    /// change) once appended: until it commits, the change lives in the logs holding it.
    #[serde(default)]
    pub entry: Option<(LogIndex, Term)>,
    /// The change ended without the core saying so: see [`ChangeLost`].
    #[serde(default)]
    pub lost: Option<ChangeLost>,
}

/// How a change can end without any leader reporting it: nothing left in the cluster
/// carries it on, so the configuration before it stays in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "lost", rename_all = "kebab-case")]
pub enum ChangeLost {
    /// The leader catching the new servers up stopped leading (or crashed) before the
    /// change's first configuration entry: the catch-up was only in its memory, and no
    /// other server knows of the change.
    LeaderGone { leader: ServerId },
    /// The change's first configuration entry, not yet committed, is in no server's log any
    /// more: a leader that never had it overwrote it (§5.3).
    Overwritten { index: LogIndex },
}

impl MembershipStatus {
    fn new(target: SortedSet<ServerId>, method: ChangeMethod, now: Time, leader: (ServerId, Term)) -> Self {
        MembershipStatus {
            target,
            method,
            started_at: now,
            phases: Vec::new(),
            finished: false,
            leader: Some(leader),
            entry: None,
            lost: None,
        }
    }

    /// Whether the change's first configuration entry has committed (after which no
    /// correct cluster loses it).
    fn entry_committed(&self) -> bool {
        self.phases.iter().any(|(_, _, e)| matches!(e.phase(), Phase::JointCommitted | Phase::NewCommitted))
    }
}

impl Sim {
    /// §6: once C_new is committed, servers outside it are no longer in the cluster. They
    /// keep running (a removed server that does not learn of C_new's commit times out and
    /// campaigns: what the §6 rule of ignoring RequestVote is for) until shut down.
    pub(super) fn remove_all_but(&mut self, keep: &SortedSet<ServerId>) {
        let now = self.world.now;
        for slot in &mut self.world.servers {
            let id = slot.node.id();
            if slot.retired || slot.removed || keep.contains(&id) {
                continue;
            }
            slot.removed = true;
            self.history.notes.push(Note { time: now, server: id, kind: NoteKind::Removed });
        }
        self.world.liveness.groups = None;
    }

    /// Shuts a removed server down for good.
    pub(super) fn shut_down_removed(&mut self, id: ServerId) -> Result<(), ActionError> {
        let i = self.existing(id)?;
        if !self.world.servers[i].removed {
            return Err(ActionError::NotRemoved(id));
        }
        self.world.servers[i].retired = true;
        if self.world.servers[i].alive {
            self.shut_down(i, NoteKind::Retired);
        } else {
            self.history.notes.push(Note { time: self.world.now, server: id, kind: NoteKind::Retired });
        }
        Ok(())
    }

    /// Records a membership event that server `i` (a leader) reported, in the history and
    /// in the change's status. When it is C_new's commit, returns C_new's members: the
    /// servers to keep.
    pub(super) fn record_membership(&mut self, i: usize, event: MembershipEvent) -> Option<SortedSet<ServerId>> {
        let (now, id) = (self.world.now, self.world.servers[i].node.id());
        let keep = match &event {
            MembershipEvent::NewCommitted { index } => match self.world.servers[i].node.log().entry(*index) {
                Some(Entry { payload: Payload::Config(c), .. }) => Some(c.members()),
                _ => None,
            },
            _ => None,
        };
        self.history.notes.push(Note { time: now, server: id, kind: NoteKind::Membership { event: event.clone() } });
        let term = self.world.servers[i].node.term();
        let status = self
            .world
            .membership
            .get_or_insert_with(|| MembershipStatus::new(SortedSet::new(), ChangeMethod::Joint, now, (id, term)));
        if matches!(event.phase(), Phase::NewCommitted | Phase::CatchUpAborted) {
            status.finished = true;
        }
        if let (None, MembershipEvent::JointAppended { index } | MembershipEvent::NewAppended { index }) =
            (status.entry, &event)
        {
            status.entry = self.world.servers[i].node.log().term_at(*index).map(|t| (*index, t));
        }
        status.phases.push((now, id, event));
        keep
    }

    /// Ends the change in progress as lost when nothing in the cluster carries it on any
    /// more: called after server `i` acted or crashed, the only moments that can happen.
    /// Before its first configuration entry, the change is the asked leader's alone; after
    /// it and until that entry commits, it is in the logs that hold the entry.
    pub(super) fn check_change_lost(&mut self, i: usize) {
        let Some(status) = &self.world.membership else { return };
        if status.finished {
            return;
        }
        let lost = match (status.entry, status.leader) {
            (None, Some((leader, term))) if leader.0 as usize == i + 1 => {
                let slot = &self.world.servers[i];
                let leads = slot.alive && slot.node.is_leader() && slot.node.term() == term;
                (!leads).then_some(ChangeLost::LeaderGone { leader })
            }
            (Some((index, term)), _) if !status.entry_committed() => {
                let held = self.world.servers.iter().any(|s| {
                    !s.retired && (s.node.log().term_at(index) == Some(term) || index <= s.node.log().snapshot_index())
                });
                (!held).then_some(ChangeLost::Overwritten { index })
            }
            _ => None,
        };
        if let (Some(lost), Some(status)) = (lost, &mut self.world.membership) {
            status.lost = Some(lost);
            status.finished = true;
        }
    }

    pub(super) fn change_membership(
        &mut self,
        add: &[ServerId],
        remove: &[ServerId],
        method: ChangeMethod,
    ) -> Result<(), ActionError> {
        let leader = self.leader().ok_or(ActionError::NoLeader)?;
        let li = leader.0 as usize - 1;
        let current = self.world.servers[li].node.configuration().target().clone();
        let members = self.world.servers[li].node.configuration().members();
        let mut target = current.clone();
        let mut next_id = self.world.servers.len() as u32 + 1;
        let mut created = Vec::new();
        for id in add {
            match self.slot(*id) {
                // A server left behind by an abandoned change, or removed and not shut down,
                // can be added again.
                Some(slot) if !slot.retired && !members.contains(id) => {}
                Some(_) if members.contains(id) => {
                    return Err(ActionError::AlreadyMember(*id, Configuration::Simple { voters: current }))
                }
                Some(_) => return Err(ActionError::Retired(*id)),
                None if id.0 == next_id => {
                    created.push(*id);
                    next_id += 1;
                }
                None => return Err(ActionError::NotNext { next: ServerId(next_id), found: *id }),
            }
            target.insert(*id);
        }
        for id in remove {
            if !target.remove(id) {
                return Err(ActionError::NotAMember(*id));
            }
        }
        let active_after = self.active_servers().count() + created.len();
        if active_after > MAX_SERVERS as usize {
            return Err(ActionError::TooManyServers(active_after));
        }
        // Ask the leader first, so a refusal changes nothing (no new server is created).
        let now = self.world.now;
        self.world.servers[li].node.check_change(&target, method).map_err(ActionError::Membership)?;
        for id in add {
            if let Some(slot) = self.world.servers.get_mut(id.0 as usize - 1) {
                slot.removed = false;
            }
        }
        // Create the new servers: empty logs, no configuration until the leader's arrives.
        let node_config = self.world.config.node_config();
        for id in &created {
            let node = Node::new(*id, Configuration::empty(), node_config.clone());
            self.world.checker.add_server(&node);
            self.world.servers.push(ServerSlot::new(node));
            let i = self.world.servers.len() - 1;
            self.history.notes.push(Note { time: now, server: *id, kind: NoteKind::Added });
            self.drive(i, Node::start);
        }
        let term = self.world.servers[li].node.term();
        self.world.membership = Some(MembershipStatus::new(target.clone(), method, now, (leader, term)));
        self.drive(li, |node| node.propose_change(now, target, method)).map_err(ActionError::Membership)?;
        self.world.liveness.groups = None;
        Ok(())
    }
}
