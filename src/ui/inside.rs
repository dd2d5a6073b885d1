//! "See inside": the safety monitor, the break-switches, the joint-consensus quorum
//! meters, the state inspector and the selected message's fields.

use super::app::Msg;
use crate::raft::BreakSwitch;
use crate::sim::checker::Property;
use crate::view::format::format_sim_time;
use crate::view::i18n::{break_switch_text, t, tf, K};
use crate::view::inspect::{JointMeter, Meter, PropertyStatus, QuorumView, ServerDetail};
use yew::prelude::*;

use crate::view::counting::half_name;
use crate::view::inspect::MonitorView;

pub fn property_name(p: Property) -> &'static str {
    t(match p {
        Property::ElectionSafety => K::PropElectionSafety,
        Property::LeaderAppendOnly => K::PropLeaderAppendOnly,
        Property::LogMatching => K::PropLogMatching,
        Property::LeaderCompleteness => K::PropLeaderCompleteness,
        Property::StateMachineSafety => K::PropStateMachineSafety,
        Property::SingleConfigChange => K::PropSingleConfigChange,
        Property::Liveness => K::PropLiveness,
    })
}

/// The scenario that shows what breaking `switch` does, from the library.
pub fn show_me_file(switch: BreakSwitch) -> &'static str {
    switch.show_me()
}

fn switch_text(switch: BreakSwitch) -> (&'static str, &'static str) {
    let (name, why) = break_switch_text(switch);
    (t(name), t(why))
}

// ---- Safety monitor -----------------------------------------------------------------------

/// The violation on show, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationInfo {
    pub property: Property,
    pub time_us: u64,
    pub servers: String,
    pub terms: String,
    pub indices: String,
    pub detail: String,
    /// The explanation: what was broken (`inspect::explain`).
    pub why: Vec<(K, &'static str)>,
}

pub struct MonitorProps {
    pub statuses: MonitorView,
    pub focus: Option<ViolationInfo>,
}

fn property_row(s: &PropertyStatus) -> Html {
    let (class, text) = match s.violated_at_us {
        None => ("prop--ok", t(K::PropOk).to_string()),
        Some(at) => ("prop--bad", tf(K::PropViolatedAt, &[&format_sim_time(at)])),
    };
    html! {
        <li class={classes!("prop", class)} data-property={s.property.slug()}
            data-status={if s.violated_at_us.is_some() { "violated" } else { "ok" }}>
            <span class="prop__name">{ property_name(s.property) }</span>
            <span class="prop__status">{ text }</span>
        </li>
    }
}

pub fn monitor(props: &MonitorProps) -> Html {
    html! {
        <section class="panel monitor" aria-labelledby="monitor-heading">
            <h2 id="monitor-heading" class="panel__title">{ t(K::MonitorHeading) }</h2>
            <h3 class="monitor__group">{ t(K::MonitorSafety) }</h3>
            <ul class="monitor__list" data-monitor="safety">
                { for props.statuses.safety.iter().map(property_row) }
            </ul>
            <h3 class="monitor__group">{ t(K::MonitorLiveness) }</h3>
            <ul class="monitor__list monitor__list--liveness" data-monitor="liveness">
                { property_row(&props.statuses.liveness) }
            </ul>
            if let Some(v) = &props.focus {
                <div class="violation" role="alert" data-violation={v.property.slug()}>
                    <h3 class="violation__title">{ tf(K::ViolationHeading, &[&property_name(v.property), &format_sim_time(v.time_us)]) }</h3>
                    <p class="violation__detail">{ &v.detail }</p>
                    <p class="violation__involved">{ tf(K::ViolationInvolved, &[&v.servers, &v.terms, &v.indices]) }</p>
                    { for v.why.iter().map(|(k, slug)| html! { <p class="violation__why" data-why={*slug}>{ t(*k) }</p> }) }
                </div>
            }
        </section>
    }
}

// ---- Break-switches -----------------------------------------------------------------------

pub struct BreaksProps {
    pub on: Vec<BreakSwitch>,
    pub dispatch: Callback<Msg>,
}

pub fn breaks(props: &BreaksProps) -> Html {
    let d = &props.dispatch;
    html! {
        <section class="panel breaks" aria-labelledby="breaks-heading">
            <h2 id="breaks-heading" class="panel__title">{ t(K::BreaksHeading) }</h2>
            <p class="field-help">{ t(K::BreaksHelp) }</p>
            <ul class="breaks__list">
                { for BreakSwitch::ALL.iter().map(|&s| {
                    let on = props.on.contains(&s);
                    let (name, why) = switch_text(s);
                    let id = format!("break-{}", s.name());
                    html! {
                        <li key={s.name()} class={classes!("break", on.then_some("break--on"))} data-break={s.name()}>
                            <label class="break__toggle">
                                <input type="checkbox" role="switch" id={id} checked={on}
                                    onchange={d.reform(move |_| Msg::Act(crate::sim::Action::SetBreak { switch: s, on: !on }))} />
                                <span class="break__name">{ name }</span>
                            </label>
                            <button class="btn btn--small" title={t(K::ShowMeTitle)} aria-label={format!("{} — {name}", t(K::ShowMe))}
                                onclick={d.reform(move |_| Msg::ShowMe(s))}>{ t(K::ShowMe) }</button>
                            <p class="break__why">{ why }</p>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

// ---- Joint consensus ----------------------------------------------------------------------

pub struct QuorumProps {
    pub quorum: QuorumView,
}

fn meter(m: &Meter) -> Html {
    let half = m.half.slug();
    html! {
        <div class={classes!("meter", format!("meter--{half}"), m.reached().then_some("meter--reached"))} data-meter={half}
            data-have={m.have().to_string()} data-need={m.need.to_string()}>
            <span class="meter__label">{ half_name(m.half) }</span>
            <span class="meter__pips" aria-hidden="true">
                { for m.members.iter().map(|(id, yes)| html! {
                    <span class={classes!("meter__pip", yes.then_some("meter__pip--yes"))} title={id.to_string()}>{ id.0 }</span>
                }) }
            </span>
            <span class="meter__count">{ tf(K::QuorumCount, &[&m.have(), &m.members.len(), &m.need]) }</span>
        </div>
    }
}

fn joint_row(title: String, j: &JointMeter) -> Html {
    html! {
        <li class="joint">
            <span class="joint__title">{ title }</span>
            { for j.counts.iter().map(meter) }
        </li>
    }
}

fn server_set(v: &[crate::raft::ServerId]) -> String {
    format!("{{{}}}", v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(","))
}

pub fn quorum_panel(props: &QuorumProps) -> Html {
    let q = &props.quorum;
    html! {
        <section class="panel quorum" aria-labelledby="quorum-heading" data-quorum="true">
            <h2 id="quorum-heading" class="panel__title">{ t(K::QuorumHeading) }</h2>
            <p class="quorum__sets" data-in-force={q.in_force.iter().map(|(h, _)| h.slug()).collect::<Vec<_>>().join(" ")}>
                { t(K::QuorumInForce) }
                { for q.in_force.iter().map(|(h, set)| html! {
                    <>{ " " }<span class={classes!("meter__label", format!("meter__label--{}", h.slug()))}>{ half_name(*h) }</span>{ " " }{ server_set(set) }</>
                }) }
            </p>
            if !q.learners.is_empty() {
                <p class="quorum__learners" data-learners={server_set(&q.learners)}>
                    { tf(K::QuorumLearners, &[&server_set(&q.learners)]) }
                </p>
            }
            <ul class="joint__list">
                { for q.votes.iter().map(|j| joint_row(tf(K::QuorumVote, &[&j.server]), j)) }
                { for q.entries.iter().map(|j| joint_row(tf(K::QuorumEntry, &[&j.index.unwrap_or(0)]), j)) }
            </ul>
            <h3 class="panel__subtitle">{ t(K::ConfigsHeading) }</h3>
            <ul class="configs">
                { for q.configs.iter().map(|(id, c)| html! {
                    <li data-config-server={id.to_string()}><span class="kv__id">{ id.to_string() }</span><code>{ c }</code></li>
                }) }
            </ul>
        </section>
    }
}

// ---- State inspector -----------------------------------------------------------------------

pub struct InspectorProps {
    pub detail: ServerDetail,
}

pub fn inspector(props: &InspectorProps) -> Html {
    let s = &props.detail;
    let none = || t(K::StateNone).to_string();
    let time = |t: Option<u64>| t.map_or_else(none, format_sim_time);
    let row = |k: K, v: String| html! { <div class="inspector__row"><dt>{ t(k) }</dt><dd>{ v }</dd></div> };
    html! {
        <section class="inspector" aria-label={tf(K::InspectorHeading, &[&s.id])} data-inspector={s.id.to_string()}>
            <h3 class="panel__subtitle">{ tf(K::InspectorHeading, &[&s.id]) }</h3>
            <dl class="inspector__grid">
                { row(K::StateTerm, s.term.to_string()) }
                { row(K::StateVotedFor, s.voted_for.map_or_else(none, |v| v.to_string())) }
                { row(K::StateCommit, s.commit_index.to_string()) }
                { row(K::StateApplied, s.last_applied.to_string()) }
                { row(K::StateConfig, s.configuration.clone()) }
                { for s.snapshot.iter().map(|d| row(K::InspectorSnapshot, d.clone())) }
                { row(K::StateElection, time(s.election_deadline_us)) }
                { row(K::StateHeartbeat, time(s.heartbeat_deadline_us)) }
            </dl>
            <p class="inspector__label">{ tf(K::StateLog, &[&s.log_len]) }</p>
            <ol class="inspector__log">
                { for s.log_tail.iter().map(|e| html! { <li><code>{ e }</code></li> }) }
            </ol>
            if !s.progress.is_empty() {
                <p class="inspector__label">{ t(K::StateProgress) }</p>
                <ul class="inspector__progress">
                    { for s.progress.iter().map(|(p, next, matched)| html! {
                        <li data-peer={p.to_string()}>{ format!("{p}: {next} / {matched}") }</li>
                    }) }
                </ul>
            }
        </section>
    }
}

// ---- One message -------------------------------------------------------------------------------

pub struct MessageDetailProps {
    pub id: u64,
    pub fields: Vec<(K, String)>,
    pub dispatch: Callback<Msg>,
}

pub fn message_detail(props: &MessageDetailProps) -> Html {
    html! {
        <section class="panel message-detail" aria-label={tf(K::MessageHeading, &[&props.id])} data-message-detail={props.id.to_string()}>
            <div class="server-panel__head">
                <h3 class="panel__subtitle">{ tf(K::MessageHeading, &[&props.id]) }</h3>
                <button class="btn btn--quiet btn--icon" aria-label={t(K::Close)}
                    onclick={props.dispatch.reform(|_| Msg::PickMessage(None))}>{ "✕" }</button>
            </div>
            <dl class="inspector__grid">
                { for props.fields.iter().map(|(k, v)| html! {
                    <div class="inspector__row"><dt>{ t(*k) }</dt><dd>{ v }</dd></div>
                }) }
            </dl>
        </section>
    }
}
