//! What a click means, as plain Rust: [`plan`] turns what the reader asked for (an
//! [`Intent`]: "crash the leader", "split the vote", S3's menu's "cut it off") into the
//! simulator [`Action`]s that do it, from the cluster as it is now. The page only applies
//! them; this runs and is tested natively. Servers are named as scenarios name them
//! ([`ServerRef`]: `S3` or `leader`).

use crate::raft::{ChangeMethod, Op, ServerId};
use crate::scenario::ServerRef;
use crate::sim::{Action, ActionError, Sim};

/// Something the reader asked the cluster to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    /// Restart every server that is down (and still in the cluster).
    ReviveAll,
    /// Crash the leader, if any, then let every other live server time out at once.
    SplitVote,
    SpreadTimers,
    /// Add the next server to the cluster, by joint consensus (§6) or one server at a
    /// time (dissertation §4.1).
    AddServer(ChangeMethod),
    Heal,
    /// A client request, through the leader (or else the first live server, which
    /// redirects the client).
    Request(Op),
    /// One server's action, from its menu on the ring (or `leader`, as "Kill leader").
    Server(ServerRef, ServerAction),
}

/// The actions of a server's menu.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerAction {
    Crash,
    Restart,
    /// Its election timer fires now.
    TimeOut,
    /// A client request sent to this server.
    Request(Op),
    /// Remove it from the cluster, by joint consensus (§6) or one server at a time (§4.1).
    Remove(ChangeMethod),
    /// Partition it from every other server.
    CutOff,
}

/// Why an intent does nothing. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The simulator would refuse it (for example: no leader to crash).
    Action(ActionError),
    NothingToRevive,
    /// "Split vote" with no live server left to time out.
    NoOneToSplit,
    /// A name the page does not bind (only scenarios `let` names).
    Unbound(String),
}

impl From<ActionError> for Refusal {
    fn from(e: ActionError) -> Refusal {
        Refusal::Action(e)
    }
}

/// The server `r` names in `sim` now.
pub fn resolve(sim: &Sim, r: &ServerRef) -> Result<ServerId, Refusal> {
    match r {
        ServerRef::Id(id) => Ok(*id),
        ServerRef::Leader => sim.leader().ok_or(Refusal::Action(ActionError::NoLeader)),
        ServerRef::Name(n) => Err(Refusal::Unbound(n.clone())),
        // Only scenarios draw servers (`a follower`); the page names its servers.
        ServerRef::Pick(p) => Err(Refusal::Unbound(p.words().into())),
    }
}

/// The actions that carry out `intent` on `sim` as it is now, in order.
pub fn plan(sim: &Sim, intent: &Intent) -> Result<Vec<Action>, Refusal> {
    let up = |s: &&crate::sim::ServerSlot| s.alive && !s.retired;
    Ok(match intent {
        Intent::ReviveAll => {
            let down: Vec<Action> =
                sim.active_servers().filter(|s| !s.alive).map(|s| Action::Restart { server: s.node.id() }).collect();
            if down.is_empty() {
                return Err(Refusal::NothingToRevive);
            }
            down
        }
        Intent::SplitVote => {
            let leader = sim.leader();
            let others: Vec<ServerId> = sim
                .servers()
                .iter()
                .filter(up)
                .filter(|s| !s.node.is_leader() && Some(s.node.id()) != leader)
                .map(|s| s.node.id())
                .collect();
            if others.is_empty() {
                return Err(Refusal::NoOneToSplit);
            }
            let crash = leader.map(|server| Action::Crash { server });
            crash.into_iter().chain([Action::AlignTimers { servers: others }]).collect()
        }
        Intent::SpreadTimers => vec![Action::SpreadTimers],
        Intent::AddServer(method) => {
            vec![Action::ChangeMembership {
                add: vec![ServerId(sim.servers().len() as u32 + 1)],
                remove: vec![],
                method: *method,
            }]
        }
        Intent::Heal => vec![Action::Heal],
        Intent::Request(op) => {
            let via = sim.leader().or_else(|| sim.servers().iter().find(up).map(|s| s.node.id()));
            vec![Action::ClientRequest { via: via.ok_or(ActionError::NoLeader)?, op: op.clone() }]
        }
        Intent::Server(r, action) => {
            let server = resolve(sim, r)?;
            vec![match action {
                ServerAction::Crash => Action::Crash { server },
                ServerAction::Restart => Action::Restart { server },
                ServerAction::TimeOut => Action::ForceTimeout { server },
                ServerAction::Request(op) => Action::ClientRequest { via: server, op: op.clone() },
                ServerAction::Remove(method) => {
                    Action::ChangeMembership { add: vec![], remove: vec![server], method: *method }
                }
                ServerAction::CutOff => {
                    let rest: Vec<ServerId> =
                        sim.active_servers().map(|s| s.node.id()).filter(|id| *id != server).collect();
                    Action::Partition { groups: vec![vec![server], rest] }
                }
            }]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Duration;
    use crate::sim::SimConfig;

    fn with_leader() -> (Sim, ServerId) {
        let mut sim = Sim::new(SimConfig { seed: 1, servers: 5, ..SimConfig::default() }).unwrap();
        let leader = sim.run_until_leader(Duration::from_ms(3_000)).expect("a leader within 3 s");
        (sim, leader)
    }

    fn ids(v: &[u32]) -> Vec<ServerId> {
        v.iter().map(|i| ServerId(*i)).collect()
    }

    #[test]
    fn kill_leader_names_the_leader_as_a_scenario_does() {
        let (sim, leader) = with_leader();
        let kill = Intent::Server(ServerRef::Leader, ServerAction::Crash);
        assert_eq!(plan(&sim, &kill), Ok(vec![Action::Crash { server: leader }]));
        let fresh = Sim::new(SimConfig::default()).unwrap();
        assert_eq!(plan(&fresh, &kill), Err(Refusal::Action(ActionError::NoLeader)));
        let named = Intent::Server(ServerRef::Name("old".into()), ServerAction::Crash);
        assert_eq!(plan(&sim, &named), Err(Refusal::Unbound("old".into())));
    }

    #[test]
    fn split_vote_crashes_the_leader_and_aligns_every_other_live_server() {
        let (mut sim, leader) = with_leader();
        let others: Vec<ServerId> = (1..=5).map(ServerId).filter(|s| *s != leader).collect();
        assert_eq!(
            plan(&sim, &Intent::SplitVote),
            Ok(vec![Action::Crash { server: leader }, Action::AlignTimers { servers: others.clone() }])
        );
        // With the leader already down, only the live followers are aligned.
        sim.act(Action::Crash { server: leader }).unwrap();
        sim.act(Action::Crash { server: others[0] }).unwrap();
        assert_eq!(plan(&sim, &Intent::SplitVote), Ok(vec![Action::AlignTimers { servers: others[1..].to_vec() }]));
        for s in &others[1..] {
            sim.act(Action::Crash { server: *s }).unwrap();
        }
        assert_eq!(plan(&sim, &Intent::SplitVote), Err(Refusal::NoOneToSplit));
        // Revive all restarts exactly the servers that are down, in order.
        let mut down = others.clone();
        down.push(leader);
        down.sort();
        assert_eq!(
            plan(&sim, &Intent::ReviveAll),
            Ok(down.into_iter().map(|server| Action::Restart { server }).collect())
        );
    }

    #[test]
    fn a_server_menu_acts_on_that_server() {
        let (sim, leader) = with_leader();
        let s3 = ServerRef::Id(ServerId(3));
        let op = Op::parse("set x 1").unwrap();
        let menu = |a: ServerAction| plan(&sim, &Intent::Server(s3.clone(), a));
        assert_eq!(menu(ServerAction::Crash), Ok(vec![Action::Crash { server: ServerId(3) }]));
        assert_eq!(menu(ServerAction::Restart), Ok(vec![Action::Restart { server: ServerId(3) }]));
        assert_eq!(menu(ServerAction::TimeOut), Ok(vec![Action::ForceTimeout { server: ServerId(3) }]));
        assert_eq!(
            menu(ServerAction::Request(op.clone())),
            Ok(vec![Action::ClientRequest { via: ServerId(3), op: op.clone() }])
        );
        for method in ChangeMethod::ALL {
            assert_eq!(
                menu(ServerAction::Remove(method)),
                Ok(vec![Action::ChangeMembership { add: vec![], remove: vec![ServerId(3)], method }])
            );
        }
        assert_eq!(
            menu(ServerAction::CutOff),
            Ok(vec![Action::Partition { groups: vec![ids(&[3]), ids(&[1, 2, 4, 5])] }])
        );
        assert_eq!(plan(&sim, &Intent::Request(op.clone())), Ok(vec![Action::ClientRequest { via: leader, op }]));
        for method in ChangeMethod::ALL {
            assert_eq!(
                plan(&sim, &Intent::AddServer(method)),
                Ok(vec![Action::ChangeMembership { add: ids(&[6]), remove: vec![], method }])
            );
        }
    }

    #[test]
    fn planned_actions_apply_to_the_simulator() {
        let (mut sim, _) = with_leader();
        let cut = plan(&sim, &Intent::Server(ServerRef::Leader, ServerAction::CutOff)).unwrap();
        for a in cut {
            sim.act(a).unwrap();
        }
        assert!(sim.topology().is_partitioned());
        for a in plan(&sim, &Intent::Heal).unwrap() {
            sim.act(a).unwrap();
        }
        assert!(!sim.topology().is_partitioned());
    }
}
