//! "See inside" as plain data: the safety monitor, the quorum meters of a membership
//! change, one server's full state, and every field of one message.

/// One count of a quorum meter: see [`counting::Count`].
pub use super::counting::Count as Meter;
use super::counting::{self, Half};
use super::i18n::K;
use crate::raft::{BreakSwitch, BreakSwitches, MessageBody, Role, ServerId, Time};
use crate::sim::checker::{Property, Violation};
use crate::sim::{MessageRecord, Sim};

/// The safety properties of the paper's Figure 3, as the monitor lists them.
pub const FIGURE_3: [Property; 5] = [
    Property::ElectionSafety,
    Property::LeaderAppendOnly,
    Property::LogMatching,
    Property::LeaderCompleteness,
    Property::StateMachineSafety,
];

/// One line of the monitor: `None` while the property holds, else when it broke.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyStatus {
    pub property: Property,
    pub violated_at_us: Option<u64>,
}

/// The monitor: Figure 3's safety properties, and apart from them the simulator's
/// liveness watch (not a Figure 3 property: Raft promises it only under timing assumptions).
#[derive(Clone, Debug, PartialEq)]
pub struct MonitorView {
    pub safety: Vec<PropertyStatus>,
    pub liveness: PropertyStatus,
}

pub fn monitor(sim: &Sim) -> MonitorView {
    let status = |p: Property| PropertyStatus {
        property: p,
        violated_at_us: sim.violations().iter().find(|v| v.property == p).map(|v| v.time.0),
    };
    MonitorView { safety: FIGURE_3.iter().map(|p| status(*p)).collect(), liveness: status(Property::Liveness) }
}

/// The violation to show: the first safety violation, else liveness.
pub fn focus(sim: &Sim) -> Option<&Violation> {
    sim.safety_violations().next().or_else(|| sim.violations().first())
}

/// What a property's violation means and which rule normally prevents it.
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

/// Makes [`break_switch_cause`] from the break-switch table.
macro_rules! break_switch_causes {
    ($([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident $cause:ident [$($harm:ident),*]])*) => {
        /// What breaking `switch` does, as a catalogue key: its row of the break-switch
        /// table (`src/raft/breaks.rs`).
        pub(crate) fn break_switch_cause(switch: BreakSwitch) -> K {
            match switch {
                $(BreakSwitch::$variant => K::$cause,)*
            }
        }
    };
}
crate::raft::breaks::break_switches!(break_switch_causes);

/// How breaking `switch` can lead to a violation of `p`, if it can (the table's `harms`):
/// the account of what was actually broken.
fn cause(switch: BreakSwitch, p: Property) -> Option<K> {
    Property::harmed_by(switch).contains(&p).then(|| break_switch_cause(switch))
}

/// The monitor's explanation of a violation of `p` with `breaks` on: for each active
/// break-switch that accounts for it, what breaking that rule did; when none does (or
/// none is on), what the property means and which rule normally prevents its violation.
/// Each comes with what it names: the break-switch's stable name, or the property's slug.
pub fn explain(p: Property, breaks: BreakSwitches) -> Vec<(K, &'static str)> {
    let causes: Vec<(K, &'static str)> =
        BreakSwitch::ALL.iter().filter(|b| breaks.is_on(**b)).filter_map(|b| Some((cause(*b, p)?, b.name()))).collect();
    if causes.is_empty() {
        vec![(explanation(p), p.slug())]
    } else {
        causes
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

/// A vote or an entry, weighed against each configuration in force.
#[derive(Clone, Debug, PartialEq)]
pub struct JointMeter {
    /// The candidate (for a vote) or the leader (for an entry).
    pub server: ServerId,
    /// For an entry, its index; `None` for a vote.
    pub index: Option<u64>,
    /// One count per configuration in force: C_old alone while new servers catch up,
    /// C_old and C_new during C_old,new, then C_new alone.
    pub counts: Vec<Meter>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuorumView {
    /// The configurations in force, as the leader (or, without one, the change) has them.
    pub in_force: Vec<(Half, Vec<ServerId>)>,
    /// Servers the change adds that no configuration in force counts yet.
    pub learners: Vec<ServerId>,
    pub votes: Vec<JointMeter>,
    pub entries: Vec<JointMeter>,
    /// Each server's configuration, as it stands in its own log.
    pub configs: Vec<(ServerId, String)>,
}

/// The quorum meters, while a membership change is in progress (`None` otherwise).
pub fn quorum(sim: &Sim) -> Option<QuorumView> {
    let target = counting::change_target(sim)?;
    let mut votes = Vec::new();
    let mut entries = Vec::new();
    for slot in sim.servers().iter().filter(|s| s.alive && !s.retired) {
        let id = slot.node.id();
        match slot.node.role() {
            Role::Candidate { .. } => {
                votes.push(JointMeter { server: id, index: None, counts: counting::tally(sim, id) });
            }
            Role::Leader(_) => {
                let node = &slot.node;
                let last = node.log().last_index().0;
                // The entries still being counted, oldest first; or the last one, settled.
                let first = (node.commit_index().0 + 1).min(last.max(1));
                for i in (first..=last).take(4) {
                    if let Some(c) = counting::entry_count(sim, id, i) {
                        entries.push(JointMeter { server: id, index: Some(i), counts: c.counts });
                    }
                }
            }
            Role::Follower | Role::PreCandidate { .. } => {}
        }
    }
    // The leader's configuration; without a leader, that of the most up-to-date live server.
    let config = sim.leader().and_then(|l| sim.server(l)).or_else(|| {
        sim.servers()
            .iter()
            .filter(|s| s.alive && !s.retired)
            .max_by_key(|s| (s.node.term(), s.node.log().last_index()))
    })?;
    let config = config.node.configuration().clone();
    let in_force =
        counting::in_force(&config, Some(target)).into_iter().map(|(h, set)| (h, set.into_iter().collect())).collect();
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
    Some(QuorumView { in_force, learners: counting::learners(sim), votes, entries, configs })
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
    /// The snapshot that replaced the log's prefix (§7), described.
    pub snapshot: Option<String>,
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
        log_tail: entries
            .iter()
            .enumerate()
            .skip(skip)
            .map(|(i, e)| format!("{}: {e}", node.log().first_index().0 + i as u64))
            .collect(),
        snapshot: super::snapshot::SnapshotBlock::of(node).map(|b| b.description()),
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
        MessageBody::RequestVote { last_log_index, last_log_term, transfer } => {
            f.push((K::FieldLastLogIndex, last_log_index.to_string()));
            f.push((K::FieldLastLogTerm, last_log_term.to_string()));
            if *transfer {
                f.push((K::FieldTransfer, transfer.to_string()));
            }
        }
        MessageBody::PreVote { last_log_index, last_log_term } => {
            f.push((K::FieldLastLogIndex, last_log_index.to_string()));
            f.push((K::FieldLastLogTerm, last_log_term.to_string()));
        }
        MessageBody::RequestVoteReply { granted } | MessageBody::PreVoteReply { granted } => {
            f.push((K::FieldGranted, granted.to_string()))
        }
        MessageBody::TimeoutNow => {}
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
        MessageBody::InstallSnapshot { snapshot } => {
            f.push((K::FieldLastIncludedIndex, snapshot.last_index.to_string()));
            f.push((K::FieldLastIncludedTerm, snapshot.last_term.to_string()));
            f.push((K::FieldSnapshotConfig, snapshot.config.to_string()));
            let data: Vec<String> = snapshot.kv.data.iter().map(|(k, v)| format!("{k}={v}")).collect();
            f.push((K::FieldSnapshotData, format!("{{{}}}", data.join(", "))));
        }
        MessageBody::InstallSnapshotReply { last_index } => {
            f.push((K::FieldLastIncludedIndex, last_index.to_string()));
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ChangeMethod, Duration};
    use crate::sim::Action;

    use crate::sim::elected;

    #[test]
    fn an_add_server_change_counts_only_the_configurations_in_force() {
        let mut sim = elected(11);
        assert_eq!(quorum(&sim), None, "no meters outside a change");
        let leader = sim.leader().unwrap();
        sim.act(Action::ChangeMembership { add: vec![ServerId(6)], remove: vec![], method: ChangeMethod::Joint })
            .unwrap();
        let q = quorum(&sim).expect("meters while S6 catches up");
        let five: Vec<ServerId> = (1..=5).map(ServerId).collect();
        // S6 catches up as a learner: every server still runs C_old, and only C_old counts.
        assert_eq!(q.in_force, vec![(Half::Old, five.clone())]);
        assert_eq!(q.learners, vec![ServerId(6)]);
        assert!(!q.entries.is_empty());
        for m in &q.entries {
            assert_eq!(m.server, leader);
            let halves: Vec<(Half, usize)> = m.counts.iter().map(|c| (c.half, c.need)).collect();
            assert_eq!(halves, vec![(Half::Old, 3)], "{m:?}");
        }
        // Step until the joint configuration is in the leader's log: both halves count.
        let mut saw_joint = false;
        for _ in 0..2_000 {
            sim.step();
            if sim.server(leader).unwrap().node.configuration().is_joint() {
                saw_joint = true;
                let q = quorum(&sim).unwrap();
                let six: Vec<ServerId> = (1..=6).map(ServerId).collect();
                assert_eq!(q.in_force, vec![(Half::Old, five), (Half::New, six)]);
                assert_eq!(q.learners, vec![]);
                assert!(q.entries.iter().all(|m| m.counts.iter().map(|c| c.need).collect::<Vec<_>>() == [3, 4]));
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
        assert!(m.safety.iter().any(|p| p.property == Property::StateMachineSafety && p.violated_at_us.is_some()));
        assert!(m.safety.iter().any(|p| p.property == Property::ElectionSafety && p.violated_at_us.is_none()));
        assert_eq!(m.liveness, PropertyStatus { property: Property::Liveness, violated_at_us: None });
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

    #[test]
    fn liveness_stands_apart_from_figure_3() {
        let m = monitor(&elected(3));
        let listed: Vec<Property> = m.safety.iter().map(|s| s.property).collect();
        assert_eq!(listed, FIGURE_3.to_vec());
        assert!(!listed.contains(&Property::Liveness));
        assert_eq!(m.liveness.property, Property::Liveness);
    }

    /// Each break-switch's "Show me" scenario, run to its first violation: the monitor's
    /// explanation names the rule that was broken there and cites the section of the paper
    /// its row of the table gives, and no other switch's section.
    #[test]
    fn each_show_me_violation_is_explained_by_the_rule_it_broke() {
        use crate::view::i18n::{break_switch_text, t};
        // Sections an explanation cites besides its switch's own.
        let also: &[(BreakSwitch, &str)] =
            &[(BreakSwitch::CommitOldTerms, "Figure 8"), (BreakSwitch::SingleStepMembership, "§4.3")];
        for switch in BreakSwitch::ALL {
            let name = break_switch_text(switch).0;
            let cites: Vec<&str> = std::iter::once(switch.section())
                .chain(also.iter().filter(|(s, _)| *s == switch).map(|(_, c)| *c))
                .collect();
            let not: Vec<&str> =
                BreakSwitch::ALL.iter().map(|s| s.section()).filter(|c| *c != switch.section()).collect();
            let file = switch.show_me();
            let scenario = crate::scenario::library_scenario(file).unwrap().unwrap();
            let (sim, _) = crate::scenario::run_to_end(&scenario).unwrap();
            assert_eq!(sim.breaks().active().collect::<Vec<_>>(), vec![switch], "{file}");
            let v = focus(&sim).unwrap_or_else(|| panic!("{file}: no violation"));
            let why = explain(v.property, sim.breaks());
            assert_eq!(why.len(), 1, "{file}: {why:?}");
            assert_eq!(why[0].1, switch.name());
            let text = t(why[0].0);
            assert!(text.contains(t(name)), "{file}: the explanation names the broken rule: {text}");
            for c in cites {
                assert!(text.contains(c), "{file}: cites {c}: {text}");
            }
            for c in not {
                assert!(!text.contains(c), "{file}: cites {c}, which was not broken: {text}");
            }
        }
    }

    #[test]
    fn without_a_break_switch_a_violation_is_explained_by_its_property() {
        let none = BreakSwitches::default();
        assert_eq!(
            explain(Property::LeaderCompleteness, none),
            vec![(K::ExplainLeaderCompleteness, "leader-completeness")]
        );
        let mut on = BreakSwitches::default();
        on.set(BreakSwitch::EqualTimeouts, true);
        // A switch that cannot cause this violation does not explain it.
        assert_eq!(explain(Property::ElectionSafety, on), vec![(K::ExplainElectionSafety, "election-safety")]);
        on.set(BreakSwitch::SingleStepMembership, true);
        on.set(BreakSwitch::VolatileVotedFor, true);
        assert_eq!(
            explain(Property::ElectionSafety, on),
            vec![
                (K::CauseSingleStepMembership, "single-step-membership"),
                (K::CauseVolatileVotedFor, "volatile-voted-for")
            ]
        );
    }
}
