//! Membership changes as the simulator hosts them (§6): asking the leader, creating the
//! new servers, following the change's phases, and retiring the servers C_new left out.

use super::history::{Note, NoteKind};
use super::{ActionError, ServerSlot, Sim, MAX_SERVERS};
use crate::raft::{Configuration, MembershipEvent, Node, ServerId, Time};
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};

/// Where a membership change stands, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipStatus {
    pub target: SortedSet<ServerId>,
    pub started_at: Time,
    /// Every phase seen so far, with when and which leader reported it.
    pub phases: Vec<(Time, ServerId, MembershipEvent)>,
    pub finished: bool,
}

impl Sim {
    /// §6: once C_new is committed, servers outside it are shut down.
    pub(super) fn retire_all_but(&mut self, keep: &SortedSet<ServerId>) {
        let now = self.world.now;
        for slot in self.world.servers.iter_mut() {
            let id = slot.node.id();
            if slot.retired || keep.contains(&id) {
                continue;
            }
            slot.node.crash();
            slot.alive = false;
            slot.retired = true;
            slot.election_deadline = None;
            slot.heartbeat_deadline = None;
            slot.election_gen = slot.election_gen.wrapping_add(1);
            slot.heartbeat_gen = slot.heartbeat_gen.wrapping_add(1);
            self.world.checker.observe_crash(id);
            self.history.notes.push(Note { time: now, server: id, kind: NoteKind::Retired });
        }
        self.world.liveness.groups = None;
    }

    pub(super) fn change_membership(&mut self, add: &[ServerId], remove: &[ServerId]) -> Result<(), ActionError> {
        let leader = self.leader().ok_or(ActionError::NoLeader)?;
        let li = leader.0 as usize - 1;
        let current = self.world.servers[li].node.configuration().target().clone();
        let members = self.world.servers[li].node.configuration().members();
        let mut target = current.clone();
        let mut next_id = self.world.servers.len() as u32 + 1;
        let mut created = Vec::new();
        for id in add {
            match self.slot(*id) {
                // A server left behind by an abandoned change can be added again.
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
        // Ask the leader first, against a copy, so a refusal changes nothing.
        let now = self.world.now;
        let mut probe = self.world.servers[li].node.clone();
        probe.propose_membership(now, target.clone()).map_err(ActionError::Membership)?;
        // Create the new servers: empty logs, no configuration until the leader's arrives.
        let node_config = self.world.config.node_config();
        for id in &created {
            let mut node = Node::new(*id, Configuration::empty(), node_config.clone());
            node.start();
            self.world.checker.add_server(&node);
            self.world.servers.push(ServerSlot::new(node));
            let i = self.world.servers.len() - 1;
            self.history.notes.push(Note { time: now, server: *id, kind: NoteKind::Added });
            self.process_outputs(i, None);
        }
        self.world.membership =
            Some(MembershipStatus { target: target.clone(), started_at: now, phases: Vec::new(), finished: false });
        let before = self.leader_term(li);
        self.world.servers[li].node.propose_membership(now, target).map_err(ActionError::Membership)?;
        self.process_outputs(li, before);
        self.world.liveness.groups = None;
        Ok(())
    }
}
