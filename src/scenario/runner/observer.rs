//! Reading conditions off a simulator ([`Observer`]) and following an exercise's goal
//! over a run ([`GoalTracker`]).

use crate::raft::{MessageBody, OpResult, ServerId, Time};
use crate::scenario::ast::*;
use crate::scenario::error::RunError;
use crate::scenario::seen::{RoleNow, Seen};
use crate::sim::{ClientStatus, Sim};
use crate::sorted::{SortedMap, SortedSet};

/// Reads conditions off a simulator: what `expect` and `run until` check, and what the
/// page checks live for an exercise's goal.
pub struct Observer<'s> {
    pub sim: &'s Sim,
    /// The names bound by `let` so far.
    pub names: &'s SortedMap<String, ServerId>,
}

impl Observer<'_> {
    pub(super) fn resolve(&self, r: &ServerRef) -> Result<ServerId, RunError> {
        match r {
            ServerRef::Id(id) => Ok(*id),
            ServerRef::Leader | ServerRef::Pick(Pick::LeaderIfAny) => self.sim.leader().ok_or(RunError::NoLeader),
            ServerRef::Name(n) => self.names.get(n).copied().ok_or_else(|| RunError::Unbound(n.clone())),
            // Only the runner draws (the parser allows a draw only where an action or a
            // `let` takes a server).
            ServerRef::Pick(p) => Err(RunError::NoTarget(*p)),
        }
    }

    fn resolve_all(&self, refs: &[ServerRef]) -> Result<Vec<ServerId>, RunError> {
        refs.iter().map(|r| self.resolve(r)).collect()
    }

    /// `all` is every server that is up and in the cluster.
    fn resolve_set(&self, set: &ServerSet) -> Result<Vec<ServerId>, RunError> {
        match set {
            ServerSet::All => Ok(self.sim.active_servers().filter(|s| s.alive).map(|s| s.node.id()).collect()),
            ServerSet::List(refs) => self.resolve_all(refs),
        }
    }

    // ---- Conditions -------------------------------------------------------------------

    /// Checks an expectation: what was seen when it holds; when it does not, what it
    /// expected and what was seen, as data ([`RunError::NotSo`], [`RunError::Holds`]).
    pub fn check(&self, e: &Expectation) -> Result<Seen, RunError> {
        // A reference that cannot be resolved (no leader to name) fails either way.
        let (held, found) = self.condition(&e.condition)?;
        match (held, e.negated) {
            (true, false) | (false, true) => Ok(found),
            (false, false) => Err(RunError::NotSo { expected: Box::new(e.clone()), found }),
            (true, true) => Err(RunError::Holds { expected: Box::new(e.clone()), found }),
        }
    }

    /// Checks every expectation at once: the first that fails says why.
    pub fn check_all(&self, all_of: &[Expectation]) -> Result<Vec<Seen>, RunError> {
        all_of.iter().map(|e| self.check(e)).collect()
    }

    fn up(&self) -> Vec<ServerId> {
        self.sim.active_servers().filter(|s| s.alive).map(|s| s.node.id()).collect()
    }

    fn condition(&self, c: &Condition) -> Result<(bool, Seen), RunError> {
        let sim = &self.sim;
        let leaders = || sim.leaders().to_vec();
        Ok(match c {
            Condition::Leader { server: None } => (sim.leader().is_some(), Seen::Leader(sim.leader())),
            Condition::Leader { server: Some(r) } => {
                let want = self.resolve(r)?;
                (sim.leader() == Some(want), Seen::Leader(sim.leader()))
            }
            Condition::LeaderAmong { servers } => {
                let among = self.resolve_all(servers)?;
                (sim.leader().is_some_and(|l| among.contains(&l)), Seen::Leader(sim.leader()))
            }
            Condition::LeaderCount { count } => (sim.leaders().len() as u64 == *count, Seen::Leaders(leaders())),
            Condition::UpCount { at_least } => {
                let up = self.up();
                (up.len() as u64 >= *at_least, Seen::Up(up))
            }
            Condition::OneLeader => (sim.leaders().len() == 1, Seen::Leaders(leaders())),
            Condition::NoLeader => (sim.leaders().is_empty(), Seen::Leaders(leaders())),
            Condition::Leaders { servers } => {
                let want: SortedSet<ServerId> = self.resolve_all(servers)?.into_iter().collect();
                (sim.leaders() == want.as_slice(), Seen::Leaders(leaders()))
            }
            Condition::Term { server, cmp, term } => {
                let server = server.as_ref().map(|r| self.resolve(r)).transpose()?;
                let found = match server {
                    None => sim.max_term().0,
                    Some(id) => self.slot(id)?.node.term().0,
                };
                match term {
                    TermOperand::Number(n) => (cmp.holds(found, *n), Seen::Term { server, term: found }),
                    TermOperand::TermOf(r) => {
                        let other = self.resolve(r)?;
                        let other_term = self.slot(other)?.node.term().0;
                        (cmp.holds(found, other_term), Seen::Terms { server, term: found, other, other_term })
                    }
                }
            }
            Condition::Voted { voter, candidate, term } => {
                let (voter, candidate) = (self.resolve(voter)?, self.resolve(candidate)?);
                let voted_for = self.vote_in(voter, *term)?;
                (voted_for == Some(candidate), Seen::Vote { voter, term: *term, voted_for })
            }
            Condition::Role { server, state } => {
                let id = self.resolve(server)?;
                let s = self.slot(id)?;
                let now = if s.retired {
                    RoleNow::Retired
                } else if !s.alive {
                    RoleNow::Down
                } else {
                    RoleNow::Role(s.node.role_kind())
                };
                let held = match state {
                    RoleState::Role(k) => now == RoleNow::Role(*k),
                    RoleState::Down => now == RoleNow::Down,
                    RoleState::Up => s.alive,
                    RoleState::Removed => s.removed && !s.retired,
                    RoleState::Retired => s.retired,
                };
                (held, Seen::Role { server: id, now })
            }
            Condition::Snapshot { server, cmp, index } => {
                let id = self.resolve(server)?;
                let found = self.slot(id)?.node.log().snapshot_index().0;
                (cmp.holds(found, *index), Seen::Snapshot { server: id, index: found })
            }
            Condition::Log { server, terms } => {
                let id = self.resolve(server)?;
                let found = self.log_terms(id)?;
                (&found == terms, Seen::Log { server: id, terms: found })
            }
            Condition::SameLog { on } => {
                let ids = self.resolve_set(on)?;
                let mut logs = Vec::new();
                for id in &ids {
                    logs.push((*id, self.slot(*id)?.node.log().entries()));
                }
                let same = logs.windows(2).all(|w| w[0].1 == w[1].1);
                let seen = ids.iter().map(|id| Ok((*id, self.log_terms(*id)?))).collect::<Result<_, RunError>>()?;
                (same, Seen::Logs(seen))
            }
            Condition::Committed { index, on } | Condition::Applied { index, on } => {
                let applied = matches!(c, Condition::Applied { .. });
                let ids = self.resolve_set(on)?;
                let mut of = Vec::new();
                for id in ids {
                    let s = self.slot(id)?;
                    let n = if applied { s.node.last_applied() } else { s.node.commit_index() };
                    of.push((id, n.0, s.alive));
                }
                (!of.is_empty() && of.iter().all(|(_, n, _)| n >= index), Seen::Indexes { applied, of })
            }
            Condition::Value { key, value, on } => {
                let ids = self.resolve_set(on)?;
                let mut of = Vec::new();
                for id in ids {
                    of.push((id, self.slot(id)?.node.kv().data.get(key).cloned()));
                }
                let held = !of.is_empty() && of.iter().all(|(_, v)| v == value);
                (held, Seen::Values { key: key.clone(), of })
            }
            Condition::Reply { request, result } => {
                let clients = sim.clients();
                let Some(req) = (*request as usize).checked_sub(1).and_then(|i| clients.get(i)) else {
                    return Ok((false, Seen::RequestsSent(clients.len())));
                };
                match &req.status {
                    ClientStatus::Done { result: r, by, .. } => {
                        let held = match result {
                            None => true,
                            Some(want) => {
                                r.to_string() == *want
                                    || (want.eq_ignore_ascii_case("none") && *r == OpResult::Value(None))
                                    || (want.eq_ignore_ascii_case("error") && matches!(r, OpResult::Error(_)))
                            }
                        };
                        (held, Seen::Answered { request: *request, result: r.clone(), by: *by })
                    }
                    ClientStatus::Pending => (false, Seen::Pending { request: *request }),
                    ClientStatus::GaveUp => (false, Seen::GaveUp { request: *request }),
                }
            }
            Condition::Config { old, new, on } => {
                let ids = self.resolve_set(on)?;
                let want = match old {
                    None => crate::raft::Configuration::simple(new.iter().copied()),
                    Some(old) => crate::raft::Configuration::Joint {
                        old: old.iter().copied().collect(),
                        new: new.iter().copied().collect(),
                    },
                };
                let mut of = Vec::new();
                for id in ids {
                    of.push((id, self.slot(id)?.node.configuration().clone()));
                }
                (!of.is_empty() && of.iter().all(|(_, c)| *c == want), Seen::Configs(of))
            }
            Condition::Membership { phase } => {
                let Some(m) = sim.membership() else { return Ok((false, Seen::Phases(None))) };
                let seen: Vec<Phase> = m.phases.iter().map(|(_, _, e)| e.phase()).collect();
                (seen.contains(phase), Seen::Phases(Some(seen)))
            }
            Condition::MembershipLost => {
                let Some(m) = sim.membership() else { return Ok((false, Seen::Phases(None))) };
                let seen: Vec<Phase> = m.phases.iter().map(|(_, _, e)| e.phase()).collect();
                (m.lost.is_some(), Seen::Phases(Some(seen)))
            }
            Condition::Safe => {
                let found: Vec<_> = sim.safety_violations().cloned().collect();
                (found.is_empty(), Seen::Violations { safety_only: true, found })
            }
            Condition::Violated { any_of } => {
                let held = any_of.iter().any(|p| sim.violated(*p));
                (held, Seen::Violations { safety_only: false, found: sim.violations().to_vec() })
            }
        })
    }

    fn log_terms(&self, id: ServerId) -> Result<Vec<u64>, RunError> {
        Ok(self.slot(id)?.node.log().entries().iter().map(|e| e.term.0).collect())
    }

    /// Whom `voter` voted for in `term`, as far as the run shows: its vote now, when `term`
    /// is its current term, or else the vote its messages of that term show (a granted
    /// RequestVote reply, or RequestVote requests of its own candidacy: a candidate votes
    /// for itself first, §5.2).
    fn vote_in(&self, voter: ServerId, term: u64) -> Result<Option<ServerId>, RunError> {
        let node = &self.slot(voter)?.node;
        if node.term().0 == term && node.voted_for().is_some() {
            return Ok(node.voted_for());
        }
        Ok(self.sim.history().messages.iter().find_map(|m| {
            let msg = &m.message;
            if msg.from != voter || msg.term.0 != term {
                return None;
            }
            match msg.body {
                MessageBody::RequestVote { .. } => Some(voter),
                MessageBody::RequestVoteReply { granted: true } => Some(msg.to),
                _ => None,
            }
        }))
    }

    fn slot(&self, id: ServerId) -> Result<&crate::sim::ServerSlot, RunError> {
        self.sim.server(id).ok_or(RunError::NoServer(id))
    }
}

/// Follows an exercise's goal event by event: every condition must hold together for
/// `hold_for`. Travelling back in time forgets what came after.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalTracker {
    pub goal: Goal,
    holding_since: Option<Time>,
    last_seen: Time,
    /// When the goal was met, once it has been.
    pub met_at: Option<Time>,
}

impl GoalTracker {
    pub fn new(goal: Goal) -> GoalTracker {
        GoalTracker { goal, holding_since: None, last_seen: Time::ZERO, met_at: None }
    }

    /// Looks at the cluster now; returns when the goal was met, once it is.
    pub fn observe(&mut self, sim: &Sim) -> Option<Time> {
        let now = sim.now();
        if now < self.last_seen {
            self.holding_since = self.holding_since.filter(|t| *t <= now);
            self.met_at = self.met_at.filter(|t| *t <= now);
        }
        self.last_seen = now;
        if self.met_at.is_some() {
            return self.met_at;
        }
        let names = SortedMap::new();
        let observer = Observer { sim, names: &names };
        if observer.check_all(&self.goal.all_of).is_err() {
            self.holding_since = None;
            return None;
        }
        let since = *self.holding_since.get_or_insert(now);
        if now.0 - since.0 >= self.goal.hold_for.0 {
            self.met_at = Some(Time(since.0 + self.goal.hold_for.0));
        }
        self.met_at
    }

    /// How long the goal has held so far, while it is not yet met.
    pub fn holding_for(&self) -> Option<crate::raft::Duration> {
        self.holding_since.map(|t| crate::raft::Duration(self.last_seen.0.saturating_sub(t.0)))
    }
}
