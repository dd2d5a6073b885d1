//! The status line and the controls. Each is a thin component with `PartialEq` props:
//! it draws what it is given and sends [`Msg`]s to the owner.

use super::app::{role_name, Msg};
use super::teach::{watch_next, QuickLesson};
use crate::raft::{ChangeMethod, ProtocolOptions, RoleKind, ServerId};
use crate::scenario::ServerRef;
use crate::sim::MAX_SERVERS;
use crate::view::format::{self, format_sim_time, format_speed};
use crate::view::i18n::{t, tf, K};
use crate::view::intent::{Intent, ServerAction};
use crate::view::model::{ClientState, ClientView, MembershipView, StatusView};
use crate::view::protocol::ContactsView;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub(super) fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn change_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

// ---- Status line ------------------------------------------------------------------------

pub struct StatusLineProps {
    pub status: StatusView,
}

pub fn status_line(props: &StatusLineProps) -> Html {
    let s = &props.status;
    let leader = s.leader.map_or_else(|| t(K::StatusNone).to_string(), |l| l.to_string());
    let (safety_class, safety_text) = match &s.safety {
        None => ("badge badge--ok", t(K::SafetyOk).to_string()),
        Some((p, _)) => ("badge badge--bad", tf(K::SafetyViolated, &[&super::inside::property_name(*p)])),
    };
    let safety_title =
        s.safety.as_ref().map_or_else(|| t(K::SafetyTitle).to_string(), |(_, d)| format::violation_detail(d));
    html! {
        <dl class="status" aria-label={t(K::StatusLabel)} data-term={s.term.to_string()}
            data-leader={s.leader.map(|l| l.to_string()).unwrap_or_default()}
            data-sim-time-us={s.now_us.to_string()} data-events={s.events.to_string()}
            data-safety={if s.safety.is_some() { "violated" } else { "ok" }}>
            <div class="status__item"><dt>{ t(K::StatusTerm) }</dt><dd class="status__term">{ s.term }</dd></div>
            <div class="status__item"><dt>{ t(K::StatusLeader) }</dt><dd class="status__leader">{ leader }</dd>
                { for s.stale_leaders.iter().map(|(id, term)| html! {
                    <dd class="badge badge--stale" title={t(K::StaleLeaderTitle)} data-stale-leader={id.to_string()}
                        data-stale-term={term.to_string()}>{ tf(K::StaleLeader, &[id, term]) }</dd>
                }) }
            </div>
            <div class="status__item"><dt>{ t(K::StatusCommit) }</dt><dd>{ s.commit_index }</dd></div>
            <div class="status__item status__item--time"><dt>{ t(K::StatusTime) }</dt><dd class="status__time">{ format_sim_time(s.now_us) }</dd></div>
            <div class="status__item"><dt>{ t(K::StatusEvents) }</dt><dd class="status__events">{ s.events }</dd></div>
            <div class="status__item status__item--safety">
                <dt class="visually-hidden">{ t(K::StatusSafety) }</dt>
                <dd class={safety_class} title={safety_title}><span role="status">{ safety_text }</span></dd>
            </div>
            if let Some(detail) = &s.liveness {
                <div class="status__item"><dt class="visually-hidden">{ t(K::PropLiveness) }</dt><dd class="badge badge--warn" title={format::violation_detail(detail)}>{ t(K::LivenessStuck) }</dd></div>
            }
        </dl>
    }
}

// ---- Playback -----------------------------------------------------------------------------

pub struct PlaybackProps {
    pub playing: bool,
    pub speed: f64,
    pub last_event: Option<String>,
    /// A lesson's Watch and Next, for the phone's bottom bar.
    pub lesson: Option<QuickLesson>,
    /// An action in the past replaced a run that can be gone back to.
    pub fork_back: bool,
    /// The explain mode is on.
    pub explain: bool,
    /// In an exercise not solved yet: fast-forward, on or off.
    pub fast_forward: Option<bool>,
    pub dispatch: Callback<Msg>,
}

pub fn playback_bar(props: &PlaybackProps) -> Html {
    let d = &props.dispatch;
    let play_label = if props.playing { t(K::Pause) } else { t(K::Play) };
    let icon = if props.playing {
        html! { <svg class="btn__icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><rect x="2" y="1.5" width="3" height="9" rx="0.8" /><rect x="7" y="1.5" width="3" height="9" rx="0.8" /></svg> }
    } else {
        html! { <svg class="btn__icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M2.5 1.5L10.5 6L2.5 10.5Z" /></svg> }
    };
    let on_speed =
        d.reform(|e: InputEvent| Msg::SetSpeed(format::speed_from_slider(input_value(&e).parse().unwrap_or(0))));
    html! {
        <div class="playback" role="toolbar" aria-label={t(K::PlaybackLabel)}>
            <button class={classes!("btn", "btn--primary", "playback__play", props.playing.then_some("is-playing"))}
                aria-label={play_label} onclick={d.reform(|_| Msg::TogglePlay)}>
                { icon }
                <span class="btn__text">{ play_label }</span>
            </button>
            <button class="btn" aria-label={t(K::Step)} title={t(K::StepTitle)} onclick={d.reform(|_| Msg::Step)}>
                <svg class="btn__icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M1.5 1.5L8 6L1.5 10.5Z" /><rect x="8.5" y="1.5" width="2.2" height="9" rx="0.6" /></svg>
                <span class="btn__text">{ t(K::Step) }</span>
            </button>
            if props.fork_back {
                <button class="btn btn--attention" data-fork-back="true" title={t(K::ForkBackTitle)}
                    onclick={d.reform(|_| Msg::BackToLeftRun)}>{ t(K::ForkBack) }</button>
            }
            <label class="explain-toggle" title={t(K::ExplainTitle)}>
                <input type="checkbox" checked={props.explain} data-explain-toggle="true" onchange={d.reform(|_| Msg::ToggleExplain)} />
                { t(K::Explain) }
            </label>
            <label class="speed" title={t(K::SpeedTitle)}>
                <span class="speed__label">{ t(K::Speed) }</span>
                <input type="range" class="speed__slider" min={format::SLIDER_MIN.to_string()}
                    max={format::SLIDER_MAX.to_string()} step="1"
                    value={format::slider_from_speed(props.speed).to_string()}
                    aria-label={t(K::Speed)} aria-valuetext={format_speed(props.speed)} oninput={on_speed} />
                <output class="speed__value">{ format_speed(props.speed) }</output>
            </label>
            if let Some(on) = props.fast_forward {
                <button class="btn fast-forward" aria-pressed={on.to_string()} title={t(K::FastForwardTitle)}
                    onclick={d.reform(|_| Msg::FastForward)}>{ t(K::FastForward) }</button>
            }
            if let Some(e) = &props.last_event {
                <p class="playback__event" aria-live="polite">{ e }</p>
            }
            // On a phone this bar sticks to the bottom with the actions a reader needs most;
            // elsewhere these stay hidden (their twins are beside the ring and in the lesson).
            <span class="playback__quick">
                { leader_buttons(d) }
                if let Some(l) = props.lesson {
                    { watch_next(l, &d.reform(Msg::Teach)) }
                }
            </span>
        </div>
    }
}

// ---- Cluster actions ------------------------------------------------------------------------

/// Kill leader and Split vote (which says that it crashes the leader first): beside the
/// ring, and again in the phone's bottom bar.
fn leader_buttons(d: &Callback<Msg>) -> Html {
    html! {
        <>
            <button class="btn btn--danger" data-quick="true" onclick={d.reform(|_| Msg::Intent(Intent::Server(ServerRef::Leader, ServerAction::Crash)))}>{ t(K::KillLeader) }</button>
            <button class="btn" data-quick="true" title={t(K::SplitVoteTitle)} onclick={d.reform(|_| Msg::Intent(Intent::SplitVote))}>
                { t(K::SplitVote) }<span class="btn__note">{ " " }{ t(K::SplitVoteNote) }</span>
            </button>
        </>
    }
}

pub struct ClusterProps {
    pub can_add: bool,
    pub next_id: ServerId,
    pub dispatch: Callback<Msg>,
    /// The protocol options, and CheckQuorum's count on the leader while it is on.
    pub options: ProtocolOptions,
    pub contacts: Option<ContactsView>,
    /// Log compaction (§7): a snapshot after every this many applied entries, or none.
    pub snapshot_every: Option<u64>,
}

pub fn cluster_controls(props: &ClusterProps) -> Html {
    let d = &props.dispatch;
    let add_title =
        if props.can_add { tf(K::AddServerTitle, &[&props.next_id]) } else { t(K::AddServerFull).to_string() };
    html! {
        <section class="panel cluster" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading" class="panel__title">{ t(K::ClusterHeading) }</h2>
            <div class="button-grid">
                { leader_buttons(d) }
                <button class="btn" onclick={d.reform(|_| Msg::Intent(Intent::ReviveAll))}>{ t(K::ReviveAll) }</button>
                <button class="btn" title={t(K::SpreadTimersTitle)}
                    onclick={d.reform(|_| Msg::Intent(Intent::SpreadTimers))}>{ t(K::SpreadTimers) }</button>
                <button class="btn" title={add_title} disabled={!props.can_add}
                    onclick={d.reform(|_| Msg::Intent(Intent::AddServer(ChangeMethod::Joint)))}>{ t(K::AddServer) }</button>
                { super::method::add_single_button(props.can_add, props.next_id, d) }
            </div>
            { super::protocol::toggles(props.options, props.contacts.as_ref(), d) }
            { super::snapshots::toggle(props.snapshot_every, d) }
        </section>
    }
}

// ---- One server's actions ---------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct ServerPanelInfo {
    /// Where the server is on the ring, in percent of its width and height: the menu opens there.
    pub at: (u32, u32),
    pub id: ServerId,
    pub role: RoleKind,
    pub term: u64,
    pub alive: bool,
    pub retired: bool,
    pub removed: bool,
    pub voter: bool,
    pub standing: crate::view::model::Standing,
    /// A leader handing leadership over: to whom (§3.10).
    pub transferring_to: Option<ServerId>,
}

#[derive(Properties, PartialEq)]
pub struct ServerPanelProps {
    pub info: ServerPanelInfo,
    pub dispatch: Callback<Msg>,
}

#[function_component(ServerPanel)]
pub fn server_panel(props: &ServerPanelProps) -> Html {
    let s = &props.info;
    let id = s.id;
    let d = &props.dispatch;
    let name = id.to_string();
    let role = role_name(s.role, s.alive, s.standing);
    let is_leader = s.alive && s.role == RoleKind::Leader;
    let menu = |a: ServerAction| d.reform(move |_| Msg::Intent(Intent::Server(ServerRef::Id(id), a.clone())));
    // Placed where the server is through the CSSOM, not a `style` attribute: the strict
    // Content-Security-Policy (`style-src 'self'`) refuses inline style attributes.
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(s.at, move |&(x, y)| {
            if let Some(el) = node.cast::<web_sys::HtmlElement>() {
                let style = el.style();
                let _ = style.set_property("--x", &format!("{x}%"));
                let _ = style.set_property("--y", &format!("{y}%"));
            }
        });
    }
    html! {
        <section class={classes!("server-panel", format!("server-panel--{}", if s.alive { s.role.name() } else { "down" }),
                (s.at.1 > 50).then_some("server-panel--above"))}
            ref={node}
            aria-label={tf(K::ServerPanelLabel, &[&name])} data-panel={name.clone()}>
            <div class="server-panel__head">
                <h2 class="server-panel__title">{ tf(K::ServerSummary, &[&name, &role, &s.term]) }</h2>
                <button class="btn btn--quiet btn--icon" aria-label={t(K::Close)} onclick={d.reform(|_| Msg::Select(None))}>{ "✕" }</button>
            </div>
            <div class="button-row">
                <button class="btn btn--danger" disabled={!s.alive || s.retired}
                    onclick={menu(ServerAction::Crash)}>{ tf(K::CrashServer, &[&name]) }</button>
                <button class="btn" disabled={s.alive || s.retired}
                    onclick={menu(ServerAction::Restart)}>{ tf(K::RestartServer, &[&name]) }</button>
                <button class="btn" disabled={!s.alive || is_leader || s.retired}
                    onclick={menu(ServerAction::TimeOut)}>{ tf(K::ForceTimeout, &[&name]) }</button>
                <button class="btn" disabled={s.retired}
                    onclick={d.reform(move |_| Msg::SendRequest(Some(id)))}>{ tf(K::RequestVia, &[&name]) }</button>
                <button class="btn" disabled={s.retired || !s.voter}
                    onclick={menu(ServerAction::Remove(ChangeMethod::Joint))}>{ tf(K::RemoveServer, &[&name]) }</button>
                { super::method::remove_single_button(id, s.retired || !s.voter, d) }
                <button class="btn" disabled={s.retired} data-cut-off={name.clone()}
                    onclick={menu(ServerAction::CutOff)}>{ tf(K::CutOff, &[&name]) }</button>
                <button class="btn" disabled={!s.alive || is_leader || s.retired || !s.voter} data-transfer={name.clone()}
                    title={tf(K::TransferTitle, &[&name])}
                    onclick={d.reform(move |_| Msg::Act(crate::sim::Action::TransferLeadership { to: id }))}>{ tf(K::TransferTo, &[&name]) }</button>
                if s.removed {
                    <button class="btn btn--danger" data-shutdown={name.clone()}
                        title={t(K::ShutDownTitle)}
                        onclick={d.reform(move |_| Msg::Act(crate::sim::Action::Shutdown { server: id }))}>{ tf(K::ShutDownServer, &[&name]) }</button>
                }
            </div>
            if let Some(to) = s.transferring_to {
                <p class="field-help" data-transferring={to.to_string()}>{ tf(K::Transferring, &[&to]) }</p>
            }
        </section>
    }
}

// ---- Membership progress -------------------------------------------------------------------------

pub struct MembershipProps {
    pub membership: MembershipView,
}

use crate::view::explain::phase_text;

pub fn membership_progress(props: &MembershipProps) -> Html {
    let m = &props.membership;
    let target = format!("{{{}}}", m.target.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(","));
    let current = m.current();
    html! {
        <section class="membership" aria-label={t(K::MembershipLabel)}
            data-phase={current.map(|p| p.name()).unwrap_or("started")} data-finished={m.finished.to_string()}>
            <h2 class="membership__title">{ tf(K::MembershipTarget, &[&target]) }</h2>
            { super::method::method_line(m.method) }
            <ol class="phases">
                { for m.method.steps().iter().map(|p| {
                    let reached = m.reached.iter().find(|(q, _)| q == p);
                    let failed = m.failed_step() == Some(*p);
                    let state = match (reached, current) {
                        _ if failed => "phase--failed",
                        (Some(_), Some(c)) if c == *p && !m.finished => "phase--current",
                        (Some(_), _) => "phase--done",
                        _ => "phase--pending",
                    };
                    html! {
                        <li class={classes!("phase", state)} data-phase-step={p.name()}>
                            <span class="phase__mark" aria-hidden="true">{ if failed { "✗" } else if reached.is_some() { "✓" } else { "·" } }</span>
                            <span class="phase__name">{ phase_text(*p, m.method) }</span>
                            if let Some((_, at)) = reached {
                                <span class="phase__time">{ format_sim_time(*at) }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if m.leader_stepped_down {
                <p class="membership__note">{ t(K::LeaderSteppedDown) }</p>
            }
            if let Some(lost) = &m.lost {
                <p class="membership__note" data-note="change-lost">{ format::change_lost(lost) }</p>
            }
            if let Some(servers) = &m.abandoned {
                <p class="membership__note" data-note="catch-up-aborted">
                    { format::catch_up_aborted(servers) }
                </p>
            }
        </section>
    }
}

// ---- Client requests ---------------------------------------------------------------------------

pub struct RequestBoxProps {
    pub text: String,
    pub error: Option<String>,
    pub clients: Vec<ClientView>,
    pub dispatch: Callback<Msg>,
}

pub fn request_box(props: &RequestBoxProps) -> Html {
    let d = &props.dispatch;
    let onsubmit = d.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::SendRequest(None)
    });
    html! {
        <section class="panel" aria-labelledby="client-heading">
            <h2 id="client-heading" class="panel__title">{ t(K::ClientHeading) }</h2>
            <form class="field-row" {onsubmit}>
                <label class="visually-hidden" for="request-input">{ t(K::ClientLabel) }</label>
                <input id="request-input" class={classes!("input", props.error.is_some().then_some("input--bad"))}
                    type="text" autocomplete="off" spellcheck="false" placeholder={t(K::ClientPlaceholder)}
                    value={props.text.clone()} aria-invalid={props.error.is_some().to_string()}
                    aria-describedby="request-help" oninput={d.reform(|e: InputEvent| Msg::RequestText(input_value(&e)))} />
                <button class="btn btn--primary" type="submit">{ t(K::Send) }</button>
            </form>
            if let Some(e) = &props.error {
                <p class="field-error" id="request-help" role="alert">{ e }</p>
            } else {
                <p class="field-help" id="request-help">{ t(K::ClientHelp) }</p>
            }
            if !props.clients.is_empty() {
                <ul class="requests">
                    { for props.clients.iter().map(|c| {
                        let (class, text) = match &c.status {
                            ClientState::Pending => ("request--pending", t(K::ClientPending).to_string()),
                            ClientState::Done { by, result } => ("request--done", tf(K::ClientDone, &[result, by])),
                            ClientState::GaveUp => ("request--gaveup", t(K::ClientGaveUp).to_string()),
                        };
                        html! {
                            <li key={c.client} class={classes!("request", class)}>
                                <code class="request__op">{ &c.op }</code>
                                <span class="request__status">{ text }</span>
                                if c.attempts > 1 {
                                    <span class="request__tries">{ tf(K::ClientAttempts, &[&c.attempts]) }</span>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

// ---- Network ------------------------------------------------------------------------------------

pub struct NetworkProps {
    pub partition_text: String,
    pub partition_placeholder: String,
    /// The partition in force, as groups; `None` when the network is whole.
    pub partition_now: Option<String>,
    pub partition_error: Option<String>,
    pub partitioned: bool,
    pub loss_percent: u32,
    pub latency_text: (String, String),
    pub latency_error: Option<String>,
    pub dispatch: Callback<Msg>,
}

pub fn network_controls(props: &NetworkProps) -> Html {
    let d = &props.dispatch;
    let onsubmit = d.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::ApplyPartition
    });
    let (min_text, max_text) = props.latency_text.clone();
    let on_min = {
        let max_text = max_text.clone();
        d.reform(move |e: InputEvent| Msg::LatencyText(input_value(&e), max_text.clone()))
    };
    let on_max = {
        let min_text = min_text.clone();
        d.reform(move |e: InputEvent| Msg::LatencyText(min_text.clone(), input_value(&e)))
    };
    let on_latency = d.reform(|_: Event| Msg::ApplyLatency);
    let on_loss = d.reform(|e: Event| Msg::SetLoss(crate::decimal::parse(&change_value(&e)).unwrap_or(0.0) / 100.0));
    html! {
        <section class="panel" aria-labelledby="network-heading">
            <h2 id="network-heading" class="panel__title">{ t(K::NetworkHeading) }</h2>
            <form class="field-row" {onsubmit}>
                <label class="visually-hidden" for="partition-input">{ t(K::PartitionLabel) }</label>
                <input id="partition-input" class={classes!("input", props.partition_error.is_some().then_some("input--bad"))}
                    type="text" autocomplete="off" spellcheck="false" placeholder={props.partition_placeholder.clone()}
                    value={props.partition_text.clone()} aria-invalid={props.partition_error.is_some().to_string()}
                    aria-describedby="partition-help"
                    oninput={d.reform(|e: InputEvent| Msg::PartitionText(input_value(&e)))} />
                <button class="btn" type="submit" title={t(K::PartitionTitle)}>{ t(K::Partition) }</button>
                <button class={classes!("btn", props.partitioned.then_some("btn--attention"))} type="button"
                    title={t(K::HealTitle)} onclick={d.reform(|_| Msg::Intent(Intent::Heal))}>{ t(K::Heal) }</button>
            </form>
            if let Some(e) = &props.partition_error {
                <p class="field-error" id="partition-help" role="alert">{ e }</p>
            } else {
                <p class="field-help" id="partition-help">
                    <span class="partition__now" data-partition-now={props.partition_now.clone().unwrap_or_default()}>
                        { props.partition_now.as_ref().map_or_else(|| t(K::PartitionNowNone).to_string(), |g| tf(K::PartitionNow, &[g])) }
                    </span>
                    { " · " }<span class="partition__example">{ t(K::PartitionExample) }<code>{ &props.partition_placeholder }</code></span>
                </p>
            }
            <div class="field-grid">
                <label class="field">
                    <span class="field__label">{ t(K::Loss) }{ " " }<output>{ tf(K::LossValue, &[&props.loss_percent]) }</output></span>
                    <input type="range" min="0" max="50" step="1" value={props.loss_percent.to_string()}
                        aria-label={t(K::Loss)} aria-valuetext={tf(K::LossValue, &[&props.loss_percent])} onchange={on_loss} />
                </label>
                <label class="field">
                    <span class="field__label">{ t(K::LatencyMin) }</span>
                    <input class={classes!("input", "input--number", props.latency_error.is_some().then_some("input--bad"))}
                        type="number" min="0" max="10000" inputmode="numeric" value={min_text}
                        oninput={on_min} onchange={on_latency.clone()} />
                </label>
                <label class="field">
                    <span class="field__label">{ t(K::LatencyMax) }</span>
                    <input class={classes!("input", "input--number", props.latency_error.is_some().then_some("input--bad"))}
                        type="number" min="0" max="10000" inputmode="numeric" value={max_text}
                        oninput={on_max} onchange={on_latency} />
                </label>
            </div>
            if let Some(e) = &props.latency_error {
                <p class="field-error" role="alert">{ e }</p>
            }
        </section>
    }
}

// ---- Run settings -------------------------------------------------------------------------------

pub struct RunProps {
    pub seed_text: String,
    pub seed_error: Option<String>,
    pub servers: u32,
    pub dispatch: Callback<Msg>,
}

pub fn run_controls(props: &RunProps) -> Html {
    let d = &props.dispatch;
    let onsubmit = d.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::Reset
    });
    let on_servers = d.reform(|e: Event| Msg::SetServers(change_value(&e).parse().unwrap_or(5)));
    html! {
        <section class="panel" aria-labelledby="run-heading">
            <h2 id="run-heading" class="panel__title">{ t(K::RunHeading) }</h2>
            <form class="field-grid field-grid--run" {onsubmit}>
                <label class="field">
                    <span class="field__label">{ t(K::Seed) }</span>
                    <input class={classes!("input", props.seed_error.is_some().then_some("input--bad"))} type="text"
                        inputmode="numeric" autocomplete="off" value={props.seed_text.clone()}
                        aria-invalid={props.seed_error.is_some().to_string()}
                        oninput={d.reform(|e: InputEvent| Msg::SeedText(input_value(&e)))} />
                </label>
                <label class="field">
                    <span class="field__label">{ t(K::ClusterSize) }</span>
                    <select class="input" onchange={on_servers}>
                        { for (1..=MAX_SERVERS).map(|n| html! {
                            <option value={n.to_string()} selected={n == props.servers}>{ n }</option>
                        }) }
                    </select>
                </label>
                <button class="btn" type="submit" title={t(K::ResetTitle)}>{ t(K::Reset) }</button>
            </form>
            if let Some(e) = &props.seed_error {
                <p class="field-error" role="alert">{ e }</p>
            }
        </section>
    }
}

// ---- Transient messages -----------------------------------------------------------------------

pub struct ToastsProps {
    pub toasts: Vec<(u64, String)>,
    pub dispatch: Callback<Msg>,
}

pub fn toasts(props: &ToastsProps) -> Html {
    html! {
        <div class="toasts" role="status" aria-live="polite">
            { for props.toasts.iter().map(|(id, text)| {
                let id = *id;
                html! {
                    <div key={id} class="toast">
                        <span>{ text }</span>
                        <button class="btn btn--quiet toast__close" aria-label={t(K::Close)}
                            onclick={props.dispatch.reform(move |_| Msg::DismissToast(id))}>{ "✕" }</button>
                    </div>
                }
            }) }
        </div>
    }
}
