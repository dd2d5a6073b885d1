//! The runner's actions: the server a reference names now (drawing `a follower` and `a
//! random live server`), a command made into the simulator's actions (some need the
//! running cluster: `align timers`, `isolate`, `drop`), and `expect refused`.

use super::Runner;
use crate::english::native;
use crate::raft::{RoleKind, ServerId, Time};
use crate::scenario::ast::*;
use crate::scenario::error::RunError;
use crate::sim::Action;
use crate::sorted::SortedSet;
use rand::Rng;

impl Runner {
    /// The server a reference names now, drawing it for `a follower` and `a random live
    /// server`; `None` for `the leader if any` when there is no leader.
    pub(super) fn resolve_target(&mut self, r: &ServerRef) -> Result<Option<ServerId>, RunError> {
        let ServerRef::Pick(pick) = r else { return self.resolve(r).map(Some) };
        let live = self.sim.active_servers().filter(|s| s.alive);
        let candidates: Vec<ServerId> = match pick {
            Pick::LeaderIfAny => return Ok(self.sim.leader()),
            Pick::Follower => live.filter(|s| s.node.role_kind() == RoleKind::Follower).map(|s| s.node.id()).collect(),
            Pick::Live => live.map(|s| s.node.id()).collect(),
        };
        if candidates.is_empty() {
            return Err(RunError::NoTarget(*pick));
        }
        Ok(Some(candidates[self.picks.random_range(0..candidates.len() as u32) as usize]))
    }

    /// `expect refused ACTION [because KIND]`: passes when the action is refused (for
    /// that reason, if given).
    pub(super) fn expect_refused(
        &mut self,
        stmt: &Statement,
        command: &Command,
        because: Option<Refusal>,
    ) -> Result<String, RunError> {
        let Err(error) = self.act(stmt, command) else { return Err(RunError::Accepted) };
        match (Refusal::of(&error), because) {
            (Some(found), Some(wanted)) if found != wanted => {
                Err(RunError::RefusedOtherwise { wanted, found, error: Box::new(error) })
            }
            (Some(_), _) => Ok(native(|| format!("refused: {error}"))),
            (None, _) => Err(error),
        }
    }

    pub(super) fn act(&mut self, stmt: &Statement, command: &Command) -> Result<(), RunError> {
        let mut command = command.clone();
        if let Some(target) = command.target_mut() {
            match self.resolve_target(target)? {
                Some(id) => *target = ServerRef::Id(id),
                None => {
                    self.trace_line(stmt.line, || "no leader: nothing to do".into());
                    return Ok(());
                }
            }
        }
        let actions = self.actions_for(&command)?;
        for action in actions {
            self.trace_line(stmt.line, || format!("{action}"));
            self.sim.act(action).map_err(RunError::Refused)?;
        }
        Ok(())
    }

    fn actions_for(&self, command: &Command) -> Result<Vec<Action>, RunError> {
        if let Some(action) = command.action(|r| self.resolve(r)) {
            return Ok(vec![action?]);
        }
        // The commands that need the running cluster to become actions.
        match command {
            Command::AlignTimers { .. } => {
                let servers =
                    self.sim.active_servers().filter(|s| s.alive && !s.node.is_leader()).map(|s| s.node.id()).collect();
                Ok(vec![Action::AlignTimers { servers }])
            }
            Command::Isolate { server } => {
                let id = self.resolve(server)?;
                let rest: Vec<ServerId> = self.sim.active_servers().map(|s| s.node.id()).filter(|s| *s != id).collect();
                if rest.is_empty() {
                    return Err(RunError::NothingToIsolateFrom(id));
                }
                Ok(vec![Action::Partition { groups: vec![rest, vec![id]] }])
            }
            Command::DropBetween { from, to, all } => {
                let (from, to) = (self.resolve(from)?, self.resolve(to)?);
                let now = self.sim.now();
                // The soonest to arrive first.
                let in_flight: SortedSet<(Time, crate::sim::MessageId)> = self
                    .sim
                    .history()
                    .in_flight_at(now)
                    .filter(|m| m.message.from == from && m.message.to == to)
                    .map(|m| (m.deliver_at, m.id))
                    .collect();
                if in_flight.is_empty() {
                    return Err(RunError::NothingInFlight { from, to });
                }
                let take = if *all { in_flight.len() } else { 1 };
                Ok(in_flight.into_iter().take(take).map(|(_, id)| Action::DropMessage { id }).collect())
            }
            _ => unreachable!("Command::action covers every other command"),
        }
    }
}
