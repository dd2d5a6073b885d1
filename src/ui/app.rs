//! The one owner of the simulator. It holds the `Sim`, runs the single animation loop,
//! turns user commands into [`Action`]s, and hands plain-data snapshots (`view::model`)
//! to thin components with `PartialEq` props.

use super::teach::{Teach, TeachMsg};

mod busy;
mod commands;
mod pace;
mod play;
mod teach_glue;
mod view;
use crate::raft::{Op, RoleKind, ServerId};
use crate::scenario::ServerRef;
use crate::sim::{Action, MessageId, Sim, SimConfig, MAX_SERVERS};
use crate::view::explain;
use crate::view::format::{self, PageParams};
use crate::view::i18n::{t, tf, K};
use crate::view::intent::{Intent, ServerAction};
use crate::view::model::Standing;
use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::AnimationFrame;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long a transient message stays, in milliseconds.
const TOAST_MS: u32 = 4_500;

/// Everything a component can ask the owner to do.
pub enum Msg {
    Frame(f64),
    /// The wait between two drawn frames is over: ask for an animation frame.
    Wake,
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
    /// Fast-forward on or off, in an exercise (`pace`).
    FastForward,
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
    /// Run the next slice of the work under way (`busy`: a link, a scenario, a seek).
    WorkSlice,
    /// Stop the work under way (`busy::App::cancel_busy` says what stays).
    CancelWork,
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
    /// The wait before asking for the next animation frame, while playing (`play`), and
    /// whether the frame asked for came after it.
    wait: Option<Timeout>,
    waited: bool,
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
    /// Fast-forward is on (`view::pace`): until the exercise's goal is met, or a pause.
    fast_forward: bool,
    /// `?embed=1`: the compact layout for an `<iframe>` (docs/embedding.md).
    embed: bool,
    /// What the page does once the link it opened with has been read (see
    /// `teach_glue::link_settled`).
    page_start: Option<PageStart>,
    /// The link being opened, the scenario being loaded or a long seek, a slice at a time (`busy`).
    busy: Option<Box<busy::Busy>>,
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
            wait: None,
            waited: false,
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
            fast_forward: false,
            embed: params.embed,
            page_start: Some(PageStart {
                play: !reduced_motion && (!params.embed || params.autoplay),
                scenario: params.scenario.clone(),
                autoplay: params.autoplay && !still,
            }),
            busy: None,
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
        // However the message moves the run, the lesson follows it (`follow_lesson`).
        let played = matches!(msg, Msg::Frame(_));
        let ran = played || matches!(msg, Msg::Step);
        let before = self.clock();
        let render = self.handle(ctx, msg);
        self.follow_lesson(before, played, ran);
        render
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        self.page()
    }
}

impl App {
    fn handle(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(wall_ms) => return self.frame(ctx, wall_ms),
            Msg::Wake => {
                self.wait = None;
                self.waited = true;
                self.schedule_frame(ctx);
                return false;
            }
            Msg::Visibility(hidden) => {
                self.hidden = hidden;
                self.last_wall_ms = None;
                if hidden {
                    self.raf = None;
                    self.wait = None;
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
                    self.wait = None;
                    self.fast_forward = false;
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
                self.free_play(ctx);
            }
            Msg::Reset => self.free_play(ctx),
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
            Msg::FastForward => self.toggle_fast_forward(ctx),
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
            Msg::Seek(us) => self.start_seek(ctx, |sim| busy::Work::seek(sim, crate::raft::Time(us), None)),
            // One event back replays from the last checkpoint, which can be far back.
            Msg::StepBack => self.start_seek(ctx, |sim| {
                let back = sim.events().saturating_sub(1);
                busy::Work::seek_event(sim, back)
            }),
            Msg::HoverMessage(id) => self.hot_message = id,
            Msg::PickMessage(id) => self.picked_message = id,
            Msg::ShowMe(switch) => self.show_me(ctx, switch),
            Msg::Teach(m) => return self.teach_update(ctx, m),
            Msg::WorkSlice => self.busy_slice(ctx),
            Msg::CancelWork => self.cancel_busy(ctx),
        }
        true
    }

    /// The library scenario on show, for the embed snippet and the teach panel's `data-file`.
    fn library_file(&self) -> Option<AttrValue> {
        match self.teach.source()? {
            crate::share::ScenarioSource::Library(file) => Some(file.into()),
            _ => None,
        }
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
pub fn role_name(role: RoleKind, alive: bool, standing: Standing) -> &'static str {
    t(crate::view::model::role_key(role, alive, standing))
}
