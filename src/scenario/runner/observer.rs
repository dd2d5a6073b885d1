//! Reading conditions off a simulator ([`Observer`]) and following an exercise's goal
//! over a run ([`GoalTracker`]).

use crate::english::{native, NATIVE};
use crate::raft::{OpResult, ServerId, Time};
use crate::scenario::ast::*;
use crate::scenario::error::RunError;
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
            ServerRef::Leader => self.sim.leader().ok_or(RunError::NoLeader),
            ServerRef::Name(n) => self.names.get(n).copied().ok_or_else(|| RunError::Unbound(n.clone())),
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

    /// Checks an expectation: what was seen when it holds, why not when it does not.
    /// What was seen is English for `raftsim` and the tests: empty in the page's wasm
    /// ([`crate::english`]), which says why a check failed in its own words.
    pub fn check(&self, e: &Expectation) -> Result<String, RunError> {
        // A reference that cannot be resolved (no leader to name) fails either way.
        let (held, found) = self.condition(&e.condition)?;
        match (held, e.negated) {
            (true, false) | (false, true) => Ok(found),
            (false, false) => Err(RunError::NotSo { found }),
            (true, true) => Err(RunError::Holds { found }),
        }
    }

    fn condition(&self, c: &Condition) -> Result<(bool, String), RunError> {
        let sim = &self.sim;
        let leaders = || fmt_ids(&sim.leaders());
        Ok(match c {
            Condition::Leader { server: None } => {
                let l = sim.leader();
                (l.is_some(), native(|| l.map_or_else(|| "no leader".into(), |l| format!("leader {l}"))))
            }
            Condition::Leader { server: Some(r) } => {
                let want = self.resolve(r)?;
                let l = sim.leader();
                (l == Some(want), native(|| l.map_or_else(|| "no leader".into(), |l| format!("leader {l}"))))
            }
            Condition::LeaderCount { count } => {
                let n = sim.leaders().len() as u64;
                (n == *count, native(|| format!("{n} leaders ({})", leaders())))
            }
            Condition::UpCount { at_least } => {
                let up: Vec<ServerId> = sim.active_servers().filter(|s| s.alive).map(|s| s.node.id()).collect();
                (up.len() as u64 >= *at_least, native(|| format!("{} up ({})", up.len(), fmt_ids(&up))))
            }
            Condition::OneLeader => {
                let n = sim.leaders().len();
                (n == 1, native(|| format!("{n} leaders ({})", leaders())))
            }
            Condition::NoLeader => {
                let n = sim.leaders().len();
                (n == 0, native(|| if n == 0 { "no leader".into() } else { format!("leaders {}", leaders()) }))
            }
            Condition::Leaders { servers } => {
                let want: SortedSet<ServerId> = self.resolve_all(servers)?.into_iter().collect();
                (sim.leaders() == want.as_slice(), native(|| format!("leaders {}", leaders())))
            }
            Condition::Term { server, cmp, term } => {
                let (found, whose_id) = match server {
                    None => (sim.max_term().0, None),
                    Some(r) => {
                        let id = self.resolve(r)?;
                        (self.slot(id)?.node.term().0, Some(id))
                    }
                };
                let whose =
                    |id: Option<ServerId>| id.map_or_else(|| "the highest term".into(), |id| format!("{id}'s term"));
                (cmp.holds(found, *term), native(|| format!("{} is {found}", whose(whose_id))))
            }
            Condition::Role { server, state } => {
                let id = self.resolve(server)?;
                let s = self.slot(id)?;
                let now = if s.retired {
                    "retired"
                } else if !s.alive {
                    "down"
                } else {
                    s.node.role_kind().name()
                };
                let held = match state {
                    RoleState::Role(k) => s.alive && !s.retired && s.node.role_kind() == *k,
                    RoleState::Down => !s.alive && !s.retired,
                    RoleState::Up => s.alive,
                    RoleState::Retired => s.retired,
                };
                (held, native(|| format!("{id} is {now}")))
            }
            Condition::Snapshot { server, cmp, index } => {
                let id = self.resolve(server)?;
                let found = self.slot(id)?.node.log().snapshot_index().0;
                (cmp.holds(found, *index), native(|| format!("{id}'s snapshot ends at {found}")))
            }
            Condition::Log { server, terms } => {
                let id = self.resolve(server)?;
                let found: Vec<u64> = self.slot(id)?.node.log().entries().iter().map(|e| e.term.0).collect();
                (&found == terms, native(|| format!("{id}'s log has terms {}", fmt_terms(&found))))
            }
            Condition::SameLog { on } => {
                let ids = self.resolve_set(on)?;
                let mut logs = Vec::new();
                for id in &ids {
                    logs.push((*id, self.slot(*id)?.node.log().entries()));
                }
                let same = logs.windows(2).all(|w| w[0].1 == w[1].1);
                let seen = || {
                    logs.iter()
                        .map(|(id, l)| format!("{id}: {}", fmt_terms(&l.iter().map(|e| e.term.0).collect::<Vec<_>>())))
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                (same, native(seen))
            }
            Condition::Committed { index, on } | Condition::Applied { index, on } => {
                let committed = matches!(c, Condition::Committed { .. });
                let ids = self.resolve_set(on)?;
                let mut held = !ids.is_empty();
                let mut seen = Vec::new();
                for id in ids {
                    let s = self.slot(id)?;
                    let n = if committed { s.node.commit_index() } else { s.node.last_applied() };
                    held &= n.0 >= *index;
                    if NATIVE {
                        seen.push(format!("{id} {}", if s.alive { n.to_string() } else { format!("{n} (down)") }));
                    }
                }
                let what = if committed { "commit index" } else { "last applied" };
                (held, native(|| format!("{what}: {}", seen.join(", "))))
            }
            Condition::Value { key, value, on } => {
                let ids = self.resolve_set(on)?;
                let mut held = !ids.is_empty();
                let mut seen = Vec::new();
                for id in ids {
                    let s = self.slot(id)?;
                    let v = s.node.kv().data.get(key);
                    held &= v == value.as_ref();
                    if NATIVE {
                        seen.push(format!("{id} {}", v.map_or("none", |v| v.as_str())));
                    }
                }
                (held, native(|| format!("{key}: {}", seen.join(", "))))
            }
            Condition::Reply { request, result } => {
                let clients = sim.clients();
                let Some(req) = (*request as usize).checked_sub(1).and_then(|i| clients.get(i)) else {
                    return Ok((false, native(|| format!("only {} requests were sent", clients.len()))));
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
                        (held, native(|| format!("request {request} answered `{r}` by {by}")))
                    }
                    ClientStatus::Pending => (false, native(|| format!("request {request} still pending"))),
                    ClientStatus::GaveUp => (false, native(|| format!("request {request} gave up"))),
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
                let mut held = !ids.is_empty();
                let mut seen = Vec::new();
                for id in ids {
                    let conf = self.slot(id)?.node.configuration();
                    held &= *conf == want;
                    if NATIVE {
                        seen.push(format!("{id} {conf}"));
                    }
                }
                (held, native(|| format!("configurations: {}", seen.join(", "))))
            }
            Condition::Membership { phase } => {
                let Some(m) = sim.membership() else { return Ok((false, native(|| "no membership change".into()))) };
                let seen: Vec<&str> = m.phases.iter().map(|(_, _, e)| e.phase().name()).collect();
                (
                    seen.contains(&phase.name()),
                    native(|| format!("phases {}", if seen.is_empty() { "none".into() } else { seen.join(", ") })),
                )
            }
            Condition::Safe => {
                let found = || {
                    let v: Vec<String> = sim.safety_violations().map(|v| v.to_string()).collect();
                    if v.is_empty() {
                        "no safety violation".into()
                    } else {
                        v.join("; ")
                    }
                };
                (sim.safety_violations().next().is_none(), native(found))
            }
            Condition::Violated { any_of } => {
                let held = any_of.iter().any(|p| sim.violated(*p));
                let found = || {
                    let v: Vec<String> = sim.violations().iter().map(|v| v.to_string()).collect();
                    if v.is_empty() {
                        "no violation".into()
                    } else {
                        v.join("; ")
                    }
                };
                (held, native(found))
            }
        })
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
        if !self.goal.all_of.iter().all(|e| observer.check(e).is_ok()) {
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

fn fmt_ids(ids: &[ServerId]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ")
}

fn fmt_terms(terms: &[u64]) -> String {
    if terms.is_empty() {
        return "(empty)".into();
    }
    terms.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")
}
