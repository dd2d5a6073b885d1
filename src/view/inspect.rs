//! "See inside" as plain data: the safety monitor, the quorum meters of a membership
//! change, one server's full state, and every field of one message.

use super::i18n::K;
use crate::raft::{Configuration, LogIndex, MessageBody, Role, ServerId, Time};
use crate::sim::checker::{Property, Violation};
use crate::sim::{MessageRecord, Sim};
use crate::sorted::SortedSet;

/// The properties the monitor lists: Figure 3's five, then liveness.
pub const MONITORED: [Property; 6] = [
    Property::ElectionSafety,
    Property::LeaderAppendOnly,
    Property::LogMatching,
    Property::LeaderCompleteness,
    Property::StateMachineSafety,
    Property::Liveness,
];

/// One line of the monitor: `None` while the property holds, else when it broke.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyStatus {
    pub property: Property,
    pub violated_at_us: Option<u64>,
}

pub fn monitor(sim: &Sim) -> Vec<PropertyStatus> {
    MONITORED
        .iter()
        .map(|p| PropertyStatus {
            property: *p,
            violated_at_us: sim.violations().iter().find(|v| v.property == *p).map(|v| v.time.0),
        })
        .collect()
}

/// The violation to show: the first safety violation, else liveness.
pub fn focus(sim: &Sim) -> Option<&Violation> {
    sim.safety_violations().next().or_else(|| sim.violations().first())
}

/// What went wrong and which rule would have prevented it, per property.
pub fn explanation(p: Property) -> K {
    match p {
        Property::ElectionSafety => K::ExplainElectionSafety,
        Property::LeaderAppendOnly => K::ExplainLeaderAppendOnly,
        Property::LogMatching => K::ExplainLogMatching,
        Property::LeaderCompleteness => K::ExplainLeaderCompleteness,
        Property::StateMachineSafety => K::ExplainStateMachineSafety,
        Property::SingleConfigChange => K::ExplainSingleConfigChange,
        Property::Liveness => K::ExplainLiveness,
    }
}

/// Runs to `t` like [`Sim::run_until`], but stops right after the event that adds a
/// violation beyond the first `seen`. Returns true if it stopped there.
pub fn run_until_violation(sim: &mut Sim, t: Time, seen: usize) -> bool {
    while sim.step_until(t).is_some() {
        if sim.violations().len() > seen {
            return true;
        }
    }
    sim.run_until(t);
    false
}

/// One half of a joint majority: who is counted, and how many are needed.
#[derive(Clone, Debug, PartialEq)]
pub struct Meter {
    /// Each member, with whether it counts (voted yes, or holds the entry).
    pub members: Vec<(ServerId, bool)>,
    pub need: usize,
}

impl Meter {
    fn new(set: &SortedSet<ServerId>, counts: impl Fn(ServerId) -> bool) -> Meter {
        Meter { members: set.iter().map(|s| (*s, counts(*s))).collect(), need: set.len() / 2 + 1 }
    }
    pub fn have(&self) -> usize {
        self.members.iter().filter(|(_, c)| *c).count()
    }
    pub fn reached(&self) -> bool {
        self.have() >= self.need
    }
}

/// A vote or an entry, weighed separately against C_old and C_new.
#[derive(Clone, Debug, PartialEq)]
pub struct JointMeter {
    /// The candidate (for a vote) or the leader (for an entry).
    pub server: ServerId,
    /// For an entry, its index; `None` for a vote.
    pub index: Option<u64>,
    pub old: Meter,
    pub new: Meter,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuorumView {
    pub old: Vec<ServerId>,
    pub new: Vec<ServerId>,
    pub votes: Vec<JointMeter>,
    pub entries: Vec<JointMeter>,
    /// Each server's configuration, as it stands in its own log.
    pub configs: Vec<(ServerId, String)>,
}

/// The two halves a server is weighing: C_old,new from its log, or, on a leader whose new
/// servers are still catching up, its configuration and the target.
fn halves(sim: &Sim, id: ServerId) -> Option<(SortedSet<ServerId>, SortedSet<ServerId>)> {
    let node = &sim.server(id)?.node;
    match node.configuration() {
        Configuration::Joint { old, new } => Some((old.clone(), new.clone())),
        Configuration::Simple { voters } => {
            let change = node.leader_state()?.change.as_ref()?;
            Some((voters.clone(), change.target.clone()))
        }
    }
}

/// The quorum meters, while a membership change is in progress (`None` otherwise).
pub fn quorum(sim: &Sim) -> Option<QuorumView> {
    let live = |s: &&crate::sim::ServerSlot| s.alive && !s.retired;
    let mut votes = Vec::new();
    let mut entries = Vec::new();
    let mut pair = None;
    for slot in sim.servers().iter().filter(live) {
        let node = &slot.node;
        let id = node.id();
        let Some((old, new)) = halves(sim, id) else { continue };
        match node.role() {
            Role::Candidate { votes: got } => {
                let yes = |s: ServerId| got.get(&s) == Some(&true);
                votes.push(JointMeter {
                    server: id,
                    index: None,
                    old: Meter::new(&old, yes),
                    new: Meter::new(&new, yes),
                });
            }
            Role::Leader(state) => {
                let last = node.log().last_index().0;
                let commit = node.commit_index().0;
                let holds = |s: ServerId, i: u64| {
                    if s == id {
                        last >= i
                    } else {
                        state.progress.get(&s).is_some_and(|p| p.match_index >= LogIndex(i))
                    }
                };
                // The entries still being counted, oldest first; or the last one, settled.
                let first = (commit + 1).min(last.max(1));
                for i in (first..=last).take(4) {
                    entries.push(JointMeter {
                        server: id,
                        index: Some(i),
                        old: Meter::new(&old, |s| holds(s, i)),
                        new: Meter::new(&new, |s| holds(s, i)),
                    });
                }
            }
            Role::Follower => {}
        }
        pair.get_or_insert((old, new));
    }
    let in_progress = sim.membership().is_some_and(|m| !m.finished);
    let (old, new) = match pair {
        Some(p) => p,
        None if in_progress => {
            let target = sim.membership()?.target.clone();
            let old = sim.leader().and_then(|l| sim.server(l)).map(|s| s.node.configuration().members())?;
            (old, target)
        }
        None => return None,
    };
    let configs = sim
        .servers()
        .iter()
        .filter(|s| !s.retired)
        .map(|s| {
            let c = s.node.configuration();
            let text = if c.members().is_empty() { "—".to_string() } else { c.to_string() };
            (s.node.id(), text)
        })
        .collect();
    Some(QuorumView { old: old.into_iter().collect(), new: new.into_iter().collect(), votes, entries, configs })
}

/// One server's whole state, for the inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerDetail {
    pub id: ServerId,
    pub term: u64,
    pub voted_for: Option<ServerId>,
    pub commit_index: u64,
    pub last_applied: u64,
    pub configuration: String,
    pub election_deadline_us: Option<u64>,
    pub heartbeat_deadline_us: Option<u64>,
    pub log_len: u64,
    /// The newest entries, `index: entry`, newest last.
    pub log_tail: Vec<String>,
    /// As leader: (peer, nextIndex, matchIndex).
    pub progress: Vec<(ServerId, u64, u64)>,
}

/// How many of the newest log entries the inspector lists.
pub const LOG_TAIL: usize = 12;

pub fn server_detail(sim: &Sim, id: ServerId) -> Option<ServerDetail> {
    let slot = sim.server(id)?;
    let node = &slot.node;
    let entries = node.log().entries();
    let skip = entries.len().saturating_sub(LOG_TAIL);
    Some(ServerDetail {
        id,
        term: node.term().0,
        voted_for: node.voted_for(),
        commit_index: node.commit_index().0,
        last_applied: node.last_applied().0,
        configuration: node.configuration().to_string(),
        election_deadline_us: slot.election_deadline.filter(|_| slot.alive).map(|t| t.0),
        heartbeat_deadline_us: slot.heartbeat_deadline.filter(|_| slot.alive).map(|t| t.0),
        log_len: entries.len() as u64,
        log_tail: entries.iter().enumerate().skip(skip).map(|(i, e)| format!("{}: {e}", i + 1)).collect(),
        progress: node
            .leader_state()
            .map(|l| l.progress.iter().map(|(p, g)| (*p, g.next_index.0, g.match_index.0)).collect())
            .unwrap_or_default(),
    })
}

/// Every field of one message, labelled with catalogue keys; values are plain text.
pub fn message_fields(m: &MessageRecord, now: Time) -> Vec<(K, String)> {
    let us = |t: Time| super::format::format_sim_time(t.0);
    let msg = &m.message;
    let mut f = vec![
        (K::FieldId, m.id.0.to_string()),
        (K::FieldKind, super::format::message_kind(m.kind()).to_string()),
        (K::FieldFrom, msg.from.to_string()),
        (K::FieldTo, msg.to.to_string()),
        (K::FieldTerm, msg.term.to_string()),
        (K::FieldSent, us(m.sent_at)),
        (K::FieldArrives, us(m.deliver_at)),
    ];
    let fate = match m.dropped {
        Some((at, reason)) if at <= now => {
            format!("✕ {} ({})", us(at), super::format::drop_reason(reason))
        }
        _ if m.delivered => "✓".to_string(),
        _ => "→".to_string(),
    };
    f.push((K::FieldFate, fate));
    if m.duplicate {
        f.push((K::FieldDuplicate, "✓".into()));
    }
    match &msg.body {
        MessageBody::RequestVote { last_log_index, last_log_term } => {
            f.push((K::FieldLastLogIndex, last_log_index.to_string()));
            f.push((K::FieldLastLogTerm, last_log_term.to_string()));
        }
        MessageBody::RequestVoteReply { granted } => f.push((K::FieldGranted, granted.to_string())),
        MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit } => {
            f.push((K::FieldPrevLogIndex, prev_log_index.to_string()));
            f.push((K::FieldPrevLogTerm, prev_log_term.to_string()));
            let list = entries
                .iter()
                .enumerate()
                .map(|(k, e)| format!("{}: {e}", prev_log_index.0 + k as u64 + 1))
                .collect::<Vec<_>>()
                .join(", ");
            f.push((K::FieldEntries, if list.is_empty() { "[]".into() } else { list }));
            f.push((K::FieldLeaderCommit, leader_commit.to_string()));
        }
        MessageBody::AppendEntriesReply { success, match_index } => {
            f.push((K::FieldSuccess, success.to_string()));
            f.push((K::FieldMatchIndex, match_index.to_string()));
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{BreakSwitch, Duration};
    use crate::sim::Action;

    use crate::sim::elected;

    #[test]
    fn an_add_server_change_shows_both_majorities_until_it_is_done() {
        let mut sim = elected(11);
        assert_eq!(quorum(&sim), None, "no meters outside a change");
        let leader = sim.leader().unwrap();
        sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![] }).unwrap();
        let q = quorum(&sim).expect("meters while S6 catches up");
        assert_eq!(q.old.len(), 5);
        assert_eq!(q.new.len(), 6);
        assert!(q.new.contains(&ServerId(6)) && !q.old.contains(&ServerId(6)));
        assert!(q.entries.iter().all(|m| m.server == leader && m.old.need == 3 && m.new.need == 4));
        // Step until the joint configuration is in the leader's log.
        let mut saw_joint = false;
        for _ in 0..2_000 {
            sim.step();
            if sim.server(leader).unwrap().node.configuration().is_joint() {
                saw_joint = true;
                let q = quorum(&sim).unwrap();
                assert!(q.configs.iter().any(|(id, _)| *id == leader), "{q:?}");
                break;
            }
        }
        assert!(saw_joint);
        sim.run_for(Duration::from_ms(2_000));
        assert_eq!(quorum(&sim), None, "gone once C_new is committed");
    }

    #[test]
    fn the_monitor_and_the_run_stop_at_the_figure_8_violation() {
        let scenario = crate::scenario::library_scenario("figure-8-broken.scn").unwrap().unwrap();
        let (sim, _) = crate::scenario::run_to_end(&scenario).unwrap();
        assert!(sim.breaks().is_on(BreakSwitch::CommitOldTerms));
        let v = focus(&sim).expect("a violation");
        assert!(!v.servers.is_empty() && !v.indices.is_empty());
        let m = monitor(&sim);
        assert!(m.iter().any(|p| p.property == Property::StateMachineSafety && p.violated_at_us.is_some()));
        assert!(m.iter().any(|p| p.property == Property::ElectionSafety && p.violated_at_us.is_none()));
        // Replaying from the start stops right after the violating event.
        let mut again = sim.clone();
        again.seek(Time::ZERO);
        assert!(run_until_violation(&mut again, sim.now(), 0));
        assert_eq!(again.events(), sim.violations()[0].event);
    }

    #[test]
    fn the_inspector_and_the_message_fields_say_everything() {
        let mut sim = elected(5);
        sim.run_for(Duration::from_ms(100));
        let leader = sim.leader().unwrap();
        let d = server_detail(&sim, leader).unwrap();
        assert_eq!(d.progress.len(), 4);
        assert!(d.heartbeat_deadline_us.is_some() && d.election_deadline_us.is_none());
        assert_eq!(d.log_tail.len() as u64, d.log_len);
        let follower = sim.servers().iter().map(|s| s.node.id()).find(|s| *s != leader).unwrap();
        let f = server_detail(&sim, follower).unwrap();
        assert!(f.voted_for.is_some());
        assert!(f.progress.is_empty() && f.election_deadline_us.is_some());
        let m = sim.history().messages.iter().find(|m| m.kind() == crate::raft::MessageKind::Heartbeat).unwrap();
        let fields = message_fields(m, sim.now());
        for k in [K::FieldFrom, K::FieldTerm, K::FieldPrevLogIndex, K::FieldEntries, K::FieldLeaderCommit] {
            assert!(fields.iter().any(|(f, _)| *f == k), "{k:?}");
        }
    }
}
