//! The one owner of the simulator. It holds the `Sim`, runs the single animation loop,
//! turns user commands into [`Action`]s, and hands plain-data snapshots (`view::model`)
//! to thin components with `PartialEq` props.

use super::controls::{
    self as controls, membership_progress, status_line, toasts, MembershipProps, ServerPanel, ServerPanelInfo,
    StatusLineProps, ToastsProps,
};
use super::export::{embed_bar, EmbedBarProps, Export};
use super::inside::{
    self, inspector, message_detail, quorum_panel, BreaksProps, InspectorProps, MessageDetailProps, QuorumProps,
    ViolationInfo,
};
use super::legend::{Legend, ShortcutsDialog};
use super::logs::{LogPanel, SimHandle};
use super::ring::Ring;
use super::teach::{teach_toolbar, welcome, Teach, TeachMsg};
use super::timeline::{self, Diagram};

mod teach_glue;
use crate::raft::{Op, RoleKind, ServerId};
use crate::scenario::ServerRef;
use crate::sim::{Action, ActionError, MessageId, Sim, SimConfig, MAX_SERVERS};
use crate::view::explain;
use crate::view::format::{self, PageParams};
use crate::view::guide;
use crate::view::i18n::{t, tf, K};
use crate::view::inspect;
use crate::view::intent::{self, Intent, Refusal, ServerAction};
use crate::view::model;
use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// At most this much wall time counts for one frame, so that a tab coming back from the
/// background (or a slow frame) does not jump the cluster forward.
const MAX_FRAME_MS: f64 = 100.0;
/// How long a transient message stays, in milliseconds.
const TOAST_MS: u32 = 4_500;

/// Everything a component can ask the owner to do.
pub enum Msg {
    Frame(f64),
    Visibility(bool),
    TogglePlay,
    Step,
    SetSpeed(f64),
    Select(Option<ServerId>),
    Act(Action),
    /// What a click means, planned by `view::intent` from the cluster as it is.
    Intent(Intent),
    DropMessage(u64),
    RequestText(String),
    SendRequest(Option<ServerId>),
    PartitionText(String),
    ApplyPartition,
    SetLoss(f64),
    LatencyText(String, String),
    ApplyLatency,
    SeedText(String),
    SetServers(u32),
    Reset,
    Key(KeyInput),
    ToggleHelp,
    CloseOverlays,
    DismissToast(u64),
    /// After acting in the past: swap back to the run that action replaced.
    BackToLeftRun,
    /// The explain mode on or off (`view::explain`).
    ToggleExplain,
    /// Time travel: go to this simulated time (µs), or one event back.
    Seek(u64),
    StepBack,
    /// A message hovered (in the ring or the diagram), or picked to see its fields.
    HoverMessage(Option<u64>),
    PickMessage(Option<u64>),
    /// Load the scenario that shows what breaking this rule does.
    ShowMe(crate::raft::BreakSwitch),
    /// Share links, language, scenarios, exercises and lessons (`teach_glue`).
    Teach(TeachMsg),
}

/// A key press, as far as the shortcuts care.
pub struct KeyInput {
    pub key: String,
    pub event: web_sys::KeyboardEvent,
}

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    pub params: PageParams,
}

/// The page's start: whether it plays, and the `?scenario=` (with `?autoplay`) it loads.
struct PageStart {
    play: bool,
    scenario: Option<String>,
    autoplay: bool,
}

/// While playing, the space-time diagram is redrawn at most this often (wall time).
const DIAGRAM_REFRESH_MS: f64 = 100.0;

pub struct App {
    sim: Rc<RefCell<Sim>>,
    servers: u32,
    seed: u64,
    seed_text: String,
    seed_error: Option<String>,
    speed: f64,
    playing: bool,
    hidden: bool,
    /// The (time, events, wall ms) the space-time diagram last drew; while playing it is
    /// redrawn at most every [`DIAGRAM_REFRESH_MS`], the costliest view on the page.
    diagram_clock: std::cell::Cell<(u64, u64, f64)>,
    raf: Option<AnimationFrame>,
    last_wall_ms: Option<f64>,
    /// Fractions of a simulated microsecond not yet run.
    carry_us: f64,
    frames: u64,
    /// The largest one-way latency ever set, in µs: how far back a message in flight
    /// can have been sent.
    scan_back_us: u64,
    selected: Option<ServerId>,
    request_text: String,
    request_error: Option<String>,
    partition_text: String,
    partition_error: Option<String>,
    latency_text: (String, String),
    latency_error: Option<String>,
    last_event: Option<String>,
    toasts: Vec<(u64, String)>,
    next_toast: u64,
    help_open: bool,
    /// See inside: the message hovered and the one picked, and how many violations the
    /// play loop has already stopped for.
    hot_message: Option<u64>,
    picked_message: Option<u64>,
    seen_violations: usize,
    teach: Teach,
    /// The run an action in the past replaced, future included: "Back to the run you
    /// left" swaps it back (and keeps the fork in its place, to swap again).
    left_run: Option<Box<Sim>>,
    /// The explain mode: play pauses at a moment that matters. On in the tour.
    pub(super) explain: bool,
    /// The moment it last paused at, until play goes on.
    explained: Option<explain::Moment>,
    /// `?embed=1`: the compact layout for an `<iframe>` (docs/embedding.md).
    embed: bool,
    /// What the page does once the link it opened with has been read (see
    /// `teach_glue::link_settled`).
    page_start: Option<PageStart>,
    /// The link being opened, a slice at a time (`teach_glue`).
    opening: Option<Box<teach_glue::LinkOpening>>,
    dispatch: Callback<Msg>,
    _listeners: Vec<EventListener>,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let params = &ctx.props().params;
        let seed = params.seed.unwrap_or(1);
        let servers = params.servers.unwrap_or(5);
        let sim = new_sim(seed, servers);
        let latency = sim.config().network.clone();
        let link = ctx.link().clone();
        let document = gloo::utils::document();
        let mut listeners = Vec::new();
        {
            let link = link.clone();
            listeners.push(EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                link.send_message(Msg::Teach(TeachMsg::HashChanged));
            }));
        }
        {
            let link = link.clone();
            let doc = document.clone();
            listeners.push(EventListener::new(&document, "visibilitychange", move |_| {
                link.send_message(Msg::Visibility(doc.hidden()));
            }));
        }
        {
            let link = link.clone();
            let options = EventListenerOptions::enable_prevent_default();
            listeners.push(EventListener::new_with_options(&document, "keydown", options, move |event| {
                if let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() {
                    link.send_message(Msg::Key(KeyInput { key: event.key(), event: event.clone() }));
                }
            }));
        }
        let still = prefers_reduced_motion();
        // An author's `speed` lets the full page play anyway; `autoplay` never overrides the reader.
        let reduced_motion = (params.speed.is_none() || params.autoplay) && still;
        let mut app = App {
            sim: Rc::new(RefCell::new(sim)),
            servers,
            seed,
            seed_text: seed.to_string(),
            seed_error: None,
            speed: params.speed.unwrap_or(format::DEFAULT_SPEED),
            // Until the link in the address bar (if any) has opened, the page holds still.
            playing: false,
            diagram_clock: std::cell::Cell::new((0, 0, f64::NEG_INFINITY)),
            hidden: document.hidden(),
            raf: None,
            last_wall_ms: None,
            carry_us: 0.0,
            frames: 0,
            scan_back_us: latency.latency_max_ms * 1000,
            selected: None,
            request_text: String::new(),
            request_error: None,
            partition_text: String::new(),
            partition_error: None,
            latency_text: (latency.latency_min_ms.to_string(), latency.latency_max_ms.to_string()),
            latency_error: None,
            last_event: None,
            toasts: Vec::new(),
            next_toast: 0,
            help_open: false,
            hot_message: None,
            picked_message: None,
            seen_violations: 0,
            teach: Teach::default(),
            left_run: None,
            explain: false,
            explained: None,
            embed: params.embed,
            page_start: Some(PageStart {
                play: !reduced_motion && (!params.embed || params.autoplay),
                scenario: params.scenario.clone(),
                autoplay: params.autoplay && !still,
            }),
            opening: None,
            dispatch: link.callback(|m: Msg| m),
            _listeners: listeners,
        };
        for problem in &params.problems {
            app.toast(ctx, tf(K::ErrParam, &[&format::param_problem(problem)]));
        }
        if reduced_motion {
            app.toast(ctx, t(K::ReducedMotion).to_string());
        }
        app.open_fragment(ctx);
        app.publish_frames();
        app.schedule_frame(ctx);
        app
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        self.observe_goal(ctx);
        self.store_tour_mark();
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(wall_ms) => return self.frame(ctx, wall_ms),
            Msg::Visibility(hidden) => {
                self.hidden = hidden;
                self.last_wall_ms = None;
                if hidden {
                    self.raf = None;
                } else {
                    self.schedule_frame(ctx);
                }
                return false;
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                self.last_wall_ms = None;
                if self.playing {
                    self.last_event = None;
                    self.explained = None;
                    self.schedule_frame(ctx);
                } else {
                    self.raf = None;
                    // Pausing a lesson's Watch ends it: Play later plays on freely.
                    self.teach.playing_to = None;
                }
            }
            Msg::Step => {
                self.pause();
                let event = self.sim.borrow_mut().step();
                if let Some(e) = event {
                    self.last_event = Some(tf(K::LastEvent, &[&e.index, &format::step_kind(&e.kind)]));
                }
            }
            Msg::SetSpeed(speed) => self.speed = format::clamp_speed(speed),
            Msg::Select(id) => self.selected = if self.selected == id { None } else { id },
            Msg::Act(action) => self.act(ctx, action),
            Msg::Intent(intent) => self.perform(ctx, intent),
            Msg::DropMessage(id) => self.act(ctx, Action::DropMessage { id: MessageId(id) }),
            Msg::RequestText(text) => {
                self.request_text = text;
                self.request_error = None;
            }
            Msg::SendRequest(via) => match Op::parse(&self.request_text) {
                Ok(op) => {
                    self.request_error = None;
                    let intent = match via {
                        Some(via) => Intent::Server(ServerRef::Id(via), ServerAction::Request(op)),
                        None => Intent::Request(op),
                    };
                    self.perform(ctx, intent);
                }
                Err(e) => {
                    let e = format::op_error(&e);
                    // From a server's panel the request box may be out of sight: say it here too.
                    if via.is_some() {
                        self.toast(ctx, e.clone());
                    }
                    self.request_error = Some(e);
                }
            },
            Msg::PartitionText(text) => {
                self.partition_text = text;
                self.partition_error = None;
            }
            Msg::ApplyPartition => {
                let text = if self.partition_text.trim().is_empty() {
                    self.suggested_partition()
                } else {
                    self.partition_text.clone()
                };
                match format::parse_partition(&text) {
                    Ok(groups) => {
                        self.partition_text = format::format_partition(&groups);
                        self.partition_error = None;
                        self.act(ctx, Action::Partition { groups });
                    }
                    Err(e) => {
                        self.partition_error = Some(match e {
                            format::PartitionError::NotAServer(w) => tf(K::PartNotAServer, &[&w]),
                            format::PartitionError::NamedTwice(id) => tf(K::PartNamedTwice, &[&id]),
                            format::PartitionError::EmptyGroup(g) => tf(K::PartEmptyGroup, &[&g]),
                            format::PartitionError::OneGroup => t(K::PartOneGroup).to_string(),
                        })
                    }
                }
            }
            Msg::SetLoss(loss) => self.act(ctx, Action::SetLoss { loss }),
            Msg::LatencyText(min, max) => {
                self.latency_text = (min, max);
                self.latency_error = None;
            }
            Msg::ApplyLatency => {
                let (min, max) = &self.latency_text;
                match (min.trim().parse::<u64>(), max.trim().parse::<u64>()) {
                    (Ok(min_ms), Ok(max_ms)) => {
                        let before = self.sim.borrow().actions().len();
                        self.act(ctx, Action::SetLatency { min_ms, max_ms });
                        if self.sim.borrow().actions().len() > before {
                            self.scan_back_us = self.scan_back_us.max(max_ms * 1000);
                            self.latency_error = None;
                        }
                    }
                    _ => self.latency_error = Some(t(K::LatencyInvalid).to_string()),
                }
            }
            Msg::SeedText(text) => {
                self.seed_text = text;
                self.seed_error = None;
            }
            Msg::SetServers(n) => {
                self.servers = n.clamp(1, MAX_SERVERS);
                self.reset(ctx);
            }
            Msg::Reset => self.reset(ctx),
            Msg::Key(input) => return self.key(ctx, input),
            Msg::ToggleHelp => self.help_open = !self.help_open,
            Msg::CloseOverlays => {
                self.help_open = false;
                self.selected = None;
            }
            Msg::DismissToast(id) => self.toasts.retain(|(i, _)| *i != id),
            Msg::ToggleExplain => {
                self.explain = !self.explain;
                self.explained = None;
            }
            Msg::BackToLeftRun => {
                if let Some(left) = self.left_run.take() {
                    self.pause();
                    let fork = std::mem::replace(&mut *self.sim.borrow_mut(), *left);
                    self.left_run = Some(Box::new(fork));
                    self.seen_violations = self.sim.borrow().violations().len();
                    self.selected = None;
                    self.picked_message = None;
                }
            }
            Msg::Seek(us) => {
                self.pause();
                self.sim.borrow_mut().seek(crate::raft::Time(us));
                self.seen_violations = self.sim.borrow().violations().len();
            }
            Msg::StepBack => {
                self.pause();
                let events = self.sim.borrow().events();
                self.sim.borrow_mut().seek_event(events.saturating_sub(1));
                self.seen_violations = self.sim.borrow().violations().len();
            }
            Msg::HoverMessage(id) => self.hot_message = id,
            Msg::PickMessage(id) => self.picked_message = id,
            Msg::ShowMe(switch) => self.show_me(ctx, switch),
            Msg::Teach(m) => return self.teach_update(ctx, m),
        }
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let (diagram_now, diagram_events) = self.diagram_frame();
        let sim = self.sim.borrow();
        let servers = Rc::new(model::servers(&sim));
        let messages = Rc::new(model::messages(&sim, self.scan_back_us));
        let status = model::status(&sim);
        let membership = model::membership(&sim);
        let clients = model::clients(&sim, 4);
        let dispatch = self.dispatch.clone();
        let active = sim.active_servers().count() as u32;
        let next_id = ServerId(sim.servers().len() as u32 + 1);
        let network = &sim.config().network;
        let focus = inspect::focus(&sim);
        let involved = Rc::new(
            focus.map(|v| (v.servers.clone(), v.indices.iter().map(|i| i.0).collect::<Vec<u64>>())).unwrap_or_default(),
        );
        let violation = focus.map(|v| {
            let list = |v: Vec<String>| v.join(t(K::ListSeparator));
            ViolationInfo {
                property: v.property,
                time_us: v.time.0,
                servers: list(v.servers.iter().map(|s| s.to_string()).collect()),
                terms: list(v.terms.iter().map(|t| t.to_string()).collect()),
                indices: list(v.indices.iter().map(|i| i.to_string()).collect()),
                detail: format::violation_detail(&v.detail),
                why: inspect::explain(v.property, sim.breaks()),
            }
        });
        let hot = self.hot_message.or(self.picked_message);
        let picked = self
            .picked_message
            .and_then(|id| sim.history().messages.get(id as usize))
            .map(|m| (m.id.0, inspect::message_fields(m, sim.now())));
        let detail = self.selected.and_then(|id| inspect::server_detail(&sim, id));
        let breaks: Vec<_> = sim.breaks().active().collect();
        let count = servers.len();
        let panel = self
            .selected
            .and_then(|id| servers.iter().enumerate().find(|(_, s)| s.id == id))
            .map(|(i, s)| (s, crate::view::geometry::server_percent(i, count)));
        let panel = panel.map(|(s, at)| ServerPanelInfo {
            at,
            id: s.id,
            role: s.role,
            term: s.term,
            alive: s.alive,
            retired: s.retired,
            voter: s.voter,
            transferring_to: sim.server(s.id).and_then(|slot| slot.node.transfer_target()),
        });
        let quick_lesson = self.teach.quick_lesson();
        html! {
            <div class={classes!("app", self.embed.then_some("app--embed"))} key={crate::view::i18n::lang().code()}>
                if !self.embed {
                <header class="topbar">
                    <div class="brand">
                        <h1 class="brand__title">{ t(K::Title) }</h1>
                        if !breaks.is_empty() {
                            <span class="badge badge--modified" title={t(K::ModifiedTitle)} data-modified="true">{ t(K::Modified) }</span>
                        }
                        <p class="brand__tagline">{ t(K::Tagline) }</p>
                    </div>
                    { status_line(&StatusLineProps { status: status.clone() }) }
                    <button class="btn guide-button" title={t(K::GuideButtonTitle)} aria-expanded={self.teach.welcome.to_string()}
                        onclick={dispatch.reform(|_| Msg::Teach(TeachMsg::ShowWelcome))}>{ t(K::GuideButton) }</button>
                    <button class="btn btn--icon help-button" aria-label={t(K::ShortcutsButton)}
                        title={t(K::ShortcutsButton)} onclick={dispatch.reform(|_| Msg::ToggleHelp)}>{ "?" }</button>
                </header>
                <nav class="toolbar" aria-label={t(K::ToolbarLabel)}>
                    { teach_toolbar(crate::view::i18n::lang(), &self.teach.link, &dispatch.reform(Msg::Teach)) }
                    <Export sim={SimHandle(self.sim.clone())} seed={self.seed} servers={self.servers}
                        scenario={self.library_file()} />
                    { controls::run_controls(&controls::RunProps { seed_text: self.seed_text.clone(), seed_error: self.seed_error.clone(), servers: self.servers, dispatch: dispatch.clone() }) }
                </nav>
                }
                <main class="layout">
                    if self.embed {
                        <h1 class="visually-hidden">{ t(K::Title) }</h1>
                    }
                    <div class="main-col">
                    <section class="stage" aria-label={t(K::RingLabel)}>
                        { controls::playback_bar(&controls::PlaybackProps { playing: self.playing, speed: self.speed, last_event: self.last_event.clone(), lesson: quick_lesson, fork_back: self.left_run.is_some(), explain: self.explain, dispatch: dispatch.clone() }) }
                        if let Some((file, title)) = self.teach.fetching_title() {
                            <p class="stage__loading" role="status" data-loading={file}>{ tf(K::ScenarioFetching, &[&title]) }</p>
                        }
                        { self.opening_view() }
                        if self.embed {
                            { embed_bar(&EmbedBarProps { reset: dispatch.reform(|_| Msg::Teach(TeachMsg::LoadPicked)) }) }
                            if let Some(error) = &self.teach.error {
                                <p class="embed-error" role="alert" data-link-error="true">{ error.clone() }</p>
                            }
                            // The caption: who leads in which term, and what the scenario says now.
                            <div class="embed__caption">
                                { status_line(&StatusLineProps { status }) }
                                if let Some(text) = self.teach.step_text_at(sim.now()) {
                                    <p class="embed__step" data-embed-step="true">{ text }</p>
                                }
                            </div>
                        } else {
                        { timeline::time_bar(&timeline::TimeBarProps { now_us: sim.now().0, horizon_us: sim.horizon().0, reach_us: sim.reach().0, dispatch: dispatch.clone() }) }
                        }
                        if let Some(m) = self.explained {
                            <p class="explain__line" role="status" data-explain={explain::slug(m)}>{ explain::text(m) }</p>
                        }
                        <div class="ring-box">
                            <Ring servers={servers.clone()} messages={messages} selected={self.selected}
                                dispatch={dispatch.clone()} involved={involved.0.clone()} hot={hot} />
                            if let Some(info) = panel {
                                <ServerPanel info={info} dispatch={dispatch.clone()} />
                            }
                        </div>
                        if let Some(detail) = detail {
                            { inspector(&InspectorProps { detail }) }
                        }
                        if let Some(m) = membership {
                            { membership_progress(&MembershipProps { membership: m }) }
                        }
                    </section>
                    if !self.embed {
                        <LogPanel sim={SimHandle(self.sim.clone())} version={model::logs_signature(&sim)} involved={involved.clone()} />
                    }
                    </div>
                    if !self.embed {
                    <div class="guide">
                        if self.teach.welcome {
                            { welcome(self.teach.resume.as_ref().and_then(|m| guide::tour_place(m.file)), &dispatch.reform(Msg::Teach)) }
                        }
                        { self.teach_panel(&sim) }
                    </div>
                    <aside class="controls">
                        { controls::cluster_controls(&controls::ClusterProps { can_add: active < MAX_SERVERS, next_id, dispatch: dispatch.clone(), options: sim.options(), contacts: crate::view::protocol::contacts(&sim), snapshot_every: sim.config().snapshot_every }) }
                        { controls::request_box(&controls::RequestBoxProps { text: self.request_text.clone(), error: self.request_error.clone(), clients, dispatch: dispatch.clone() }) }
                        { controls::network_controls(&controls::NetworkProps { partition_text: self.partition_text.clone(), partition_placeholder: self.suggested_partition(), partition_now: model::partition_in_force(&sim).map(|g| format::format_partition(&g)), partition_error: self.partition_error.clone(), partitioned: sim.topology().is_partitioned(), loss_percent: (network.loss * 100.0).round() as u32, latency_text: self.latency_text.clone(), latency_error: self.latency_error.clone(), dispatch: dispatch.clone() }) }
                        <Legend />
                    </aside>
                    <div class="inside">
                        <Diagram sim={SimHandle(self.sim.clone())} now_us={diagram_now} events={diagram_events}
                            actions={sim.applied_actions().len()} scan_back_us={self.scan_back_us} hot={hot} dispatch={dispatch.clone()} />
                        if let Some((id, fields)) = picked {
                            { message_detail(&MessageDetailProps { id, fields, dispatch: dispatch.clone() }) }
                        }
                        <div class="inside__panels">
                            { inside::monitor(&inside::MonitorProps { statuses: inspect::monitor(&sim), focus: violation }) }
                            if let Some(q) = inspect::quorum(&sim) {
                                { quorum_panel(&QuorumProps { quorum: q }) }
                            }
                            { inside::breaks(&BreaksProps { on: breaks, dispatch: dispatch.clone() }) }
                        </div>
                    </div>
                    }
                </main>
                { toasts(&ToastsProps { toasts: self.toasts.clone(), dispatch: dispatch.clone() }) }
                if self.help_open {
                    <ShortcutsDialog dispatch={dispatch} />
                }
            </div>
        }
    }
}

impl App {
    /// The time and event count the diagram shows: the current ones, except while playing,
    /// when they advance at most every [`DIAGRAM_REFRESH_MS`].
    fn diagram_frame(&self) -> (u64, u64) {
        let sim = self.sim.borrow();
        let (now, events) = (sim.now().0, sim.events());
        let wall = gloo::utils::window().performance().map_or(0.0, |p| p.now());
        let (shown_now, shown_events, at) = self.diagram_clock.get();
        if self.playing && wall - at < DIAGRAM_REFRESH_MS && shown_now <= now {
            return (shown_now, shown_events);
        }
        self.diagram_clock.set((now, events, wall));
        (now, events)
    }

    /// One animation frame: advance simulated time by the wall time since the last frame
    /// times the speed, then ask for the next frame only if still playing and visible.
    fn frame(&mut self, ctx: &Context<Self>, wall_ms: f64) -> bool {
        self.raf = None;
        self.frames += 1;
        self.publish_frames();
        if !self.playing || self.hidden {
            self.last_wall_ms = None;
            return false;
        }
        let elapsed = self.last_wall_ms.map_or(0.0, |last| (wall_ms - last).clamp(0.0, MAX_FRAME_MS));
        self.last_wall_ms = Some(wall_ms);
        self.carry_us += elapsed * 1000.0 * self.speed;
        let whole = self.carry_us.floor();
        self.carry_us -= whole;
        if whole >= 1.0 {
            // A lesson playing on by itself stops exactly at its next step.
            let stop = self.teach.playing_to.and_then(|s| Some((s, self.teach.lesson_time(s)?)));
            let (stopped, arrived) = {
                let mut sim = self.sim.borrow_mut();
                if let Some(bytes) = super::test_memory_budget() {
                    sim.set_memory_budget(bytes);
                }
                let mut target = crate::raft::Time(sim.now().0 + whole as u64);
                if let Some((_, at)) = stop {
                    target = target.min(at);
                }
                let stopped = if self.explain {
                    explain::run_until(&mut sim, target, self.seen_violations)
                } else if inspect::run_until_violation(&mut sim, target, self.seen_violations) {
                    explain::Stop::Violation
                } else {
                    explain::Stop::Time
                };
                (stopped, stop.filter(|(_, at)| sim.now() >= *at))
            };
            match stopped {
                explain::Stop::Violation => {
                    self.stop_at_violation(ctx);
                    return true;
                }
                explain::Stop::Moment(m) => {
                    self.pause();
                    self.explained = Some(m);
                    return true;
                }
                explain::Stop::Time => {}
            }
            if let Some((step, _)) = arrived {
                self.pause();
                self.teach.arrive(step);
                return true;
            }
        }
        self.schedule_frame(ctx);
        true
    }

    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        if self.raf.is_none() && self.playing && !self.hidden {
            let link = ctx.link().clone();
            self.raf = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
        }
    }

    /// The library scenario on show, for the embed snippet and the teach panel's `data-file`.
    fn library_file(&self) -> Option<AttrValue> {
        match self.teach.source()? {
            crate::share::ScenarioSource::Library(file) => Some(file.into()),
            _ => None,
        }
    }

    fn pause(&mut self) {
        self.playing = false;
        self.raf = None;
        self.last_wall_ms = None;
    }

    /// Tests read `window.__rafCount`: how many animation frames ran.
    fn publish_frames(&self) {
        let window = gloo::utils::window();
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__rafCount"), &JsValue::from_f64(self.frames as f64));
    }

    fn act(&mut self, ctx: &Context<Self>, action: Action) {
        let (now, in_past) = {
            let sim = self.sim.borrow();
            (sim.now().0, sim.now() < sim.horizon())
        };
        // Acting in the past replaces the future: keep that run, to come back to.
        let before = in_past.then(|| Box::new(self.sim.borrow().clone()));
        let result = self.sim.borrow_mut().act(action);
        match result {
            Err(e) => self.refuse(ctx, e),
            Ok(()) if in_past => {
                self.left_run = before;
                self.toast(ctx, tf(K::Forked, &[&format::format_sim_time(now)]));
            }
            Ok(()) => {}
        }
    }

    /// Carries out `intent` on the cluster as it is now, or says why it does nothing.
    fn perform(&mut self, ctx: &Context<Self>, intent: Intent) {
        let planned = intent::plan(&self.sim.borrow(), &intent);
        match planned {
            Ok(actions) => {
                for action in actions {
                    self.act(ctx, action);
                }
            }
            Err(Refusal::Action(e)) => self.refuse(ctx, e),
            Err(Refusal::NothingToRevive) => self.toast(ctx, t(K::NothingToRevive).to_string()),
            Err(Refusal::NoOneToSplit) => self.toast(ctx, t(K::SplitVoteNone).to_string()),
            // The page names servers by id or as the leader, never by a scenario's `let` name.
            Err(Refusal::Unbound(_)) => {}
        }
    }

    /// The play loop reached a new violation: pause on it and say so.
    fn stop_at_violation(&mut self, ctx: &Context<Self>) {
        self.pause();
        let (count, property) = {
            let sim = self.sim.borrow();
            (sim.violations().len(), sim.violations().last().map(|v| v.property))
        };
        self.seen_violations = count;
        if let Some(p) = property {
            self.toast(ctx, tf(K::ViolationPaused, &[&inside::property_name(p)]));
        }
    }

    /// Loads the library scenario for `switch`, run to its end, and shows the moment of its
    /// first violation (Play goes on from there; the timeline reaches the end).
    fn show_me(&mut self, ctx: &Context<Self>, switch: crate::raft::BreakSwitch) {
        let file = inside::show_me_file(switch).to_string();
        self.open_library(ctx, file, super::teach::Opening::ShowMe(switch));
    }

    /// [`Self::show_me`], once the scenario's text is here.
    fn show_me_now(&mut self, ctx: &Context<Self>, switch: crate::raft::BreakSwitch) {
        let file = inside::show_me_file(switch);
        let loaded = crate::scenario::library_scenario(file)
            .and_then(|s| s.ok())
            .and_then(|s| crate::scenario::run_to_end(&s).ok().map(|(sim, report)| (s, report, sim)));
        let Some((scenario, report, mut sim)) = loaded else { return };
        if let Some(v) = sim.violations().first() {
            let event = v.event;
            sim.seek_event(event);
        }
        self.pause();
        // The page now shows this scenario: its title, a link that names it, no stale lesson.
        self.teach.picked = file.to_string();
        let title =
            scenario.title.as_deref().map(|en| super::teach::pick(en, scenario.title_zh.as_deref()).to_string());
        let source = crate::share::ScenarioSource::Library(file.to_string());
        self.teach.remember(source, scenario, report.narration, report.end_time, &sim);
        self.swap_sim(sim);
        self.last_event = None;
        self.toast(ctx, tf(K::ScenarioLoaded, &[&title.unwrap_or_else(|| file.to_string())]));
    }

    /// A refused action is shown for a moment; nothing changed.
    fn refuse(&mut self, ctx: &Context<Self>, error: ActionError) {
        self.toast(ctx, format::action_error(&error));
    }

    fn toast(&mut self, ctx: &Context<Self>, text: String) {
        let id = self.next_toast;
        self.next_toast += 1;
        self.toasts.push((id, text));
        if self.toasts.len() > 3 {
            self.toasts.remove(0);
        }
        let link = ctx.link().clone();
        Timeout::new(TOAST_MS, move || link.send_message(Msg::DismissToast(id))).forget();
    }

    fn suggested_partition(&self) -> String {
        let sim = self.sim.borrow();
        let ids: Vec<ServerId> = sim.active_servers().map(|s| s.node.id()).collect();
        format::format_partition(&format::suggest_partition(&ids, sim.leader()))
    }

    fn reset(&mut self, ctx: &Context<Self>) {
        let Ok(seed) = self.seed_text.trim().parse::<u64>() else {
            self.seed_error = Some(t(K::SeedInvalid).to_string());
            return;
        };
        self.seed = seed;
        self.seed_error = None;
        *self.sim.borrow_mut() = new_sim(seed, self.servers);
        let network = self.sim.borrow().config().network.clone();
        self.latency_text = (network.latency_min_ms.to_string(), network.latency_max_ms.to_string());
        self.latency_error = None;
        self.scan_back_us = network.latency_max_ms * 1000;
        self.partition_text.clear();
        self.partition_error = None;
        self.selected = None;
        self.last_event = None;
        self.carry_us = 0.0;
        self.seen_violations = 0;
        self.picked_message = None;
        self.left_run = None;
        let query = format::format_query(self.seed, self.servers, self.speed);
        // An embed keeps its address: `embed=1` and its scenario must survive a reload.
        if let Some(history) = gloo::utils::window().history().ok().filter(|_| !self.embed) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&query));
        }
        self.schedule_frame(ctx);
    }

    /// The keyboard shortcuts (listed in the `?` dialog). Keys typed into a field are
    /// the field's; Space and Enter on a button press the button.
    fn key(&mut self, ctx: &Context<Self>, input: KeyInput) -> bool {
        let e = &input.event;
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return false;
        }
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let tag = target.as_ref().map(|t| t.tag_name().to_ascii_lowercase()).unwrap_or_default();
        let in_field = matches!(tag.as_str(), "input" | "textarea" | "select");
        let on_button =
            tag == "button" || target.as_ref().and_then(|t| t.get_attribute("role")).as_deref() == Some("button");
        if input.key == "Escape" {
            if in_field {
                if let Some(t) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = t.blur();
                }
            }
            return Component::update(self, ctx, Msg::CloseOverlays);
        }
        if in_field {
            return false;
        }
        let msg = match input.key.as_str() {
            " " | "k" if !(on_button && input.key == " ") => Msg::TogglePlay,
            "." | "n" => Msg::Step,
            "l" => Msg::Intent(Intent::Server(ServerRef::Leader, ServerAction::Crash)),
            "r" => Msg::Intent(Intent::ReviveAll),
            "v" => Msg::Intent(Intent::SplitVote),
            "t" => Msg::Intent(Intent::SpreadTimers),
            "a" => Msg::Intent(Intent::AddServer),
            "h" => Msg::Intent(Intent::Heal),
            "+" | "=" => Msg::SetSpeed(format::speed_step(self.speed, true)),
            "-" | "_" => Msg::SetSpeed(format::speed_step(self.speed, false)),
            "?" => Msg::ToggleHelp,
            d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() && d != "0" => {
                Msg::Select(Some(ServerId(d.parse().unwrap_or(1))))
            }
            _ => return false,
        };
        e.prevent_default();
        Component::update(self, ctx, msg)
    }
}

fn new_sim(seed: u64, servers: u32) -> Sim {
    let config = SimConfig { seed, servers: servers.clamp(1, MAX_SERVERS), ..SimConfig::default() };
    // Not `expect`: it would bring `ConfigError`'s `Debug` into the wasm (docs/performance.md).
    Sim::new(config)
        .or_else(|_| Sim::new(SimConfig::default()))
        .unwrap_or_else(|_| unreachable!("the default configuration is valid"))
}

fn prefers_reduced_motion() -> bool {
    gloo::utils::window().match_media("(prefers-reduced-motion: reduce)").ok().flatten().is_some_and(|m| m.matches())
}

/// The role as the page names it, for labels.
pub fn role_name(role: RoleKind, alive: bool, retired: bool, voter: bool) -> &'static str {
    if retired {
        t(K::RoleRemoved)
    } else if !alive {
        t(K::RoleDown)
    } else {
        match role {
            RoleKind::Leader => t(K::RoleLeader),
            RoleKind::Candidate => t(K::RoleCandidate),
            RoleKind::PreCandidate => t(K::RolePreCandidate),
            RoleKind::Follower if !voter => t(K::RoleCatchingUp),
            RoleKind::Follower => t(K::RoleFollower),
        }
    }
}
