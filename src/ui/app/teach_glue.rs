//! The app's side of teaching (`super::super::teach`): it swaps the simulator when a
//! scenario or a shared link is loaded, and moves through a lesson by time travel.

use super::busy::Work;
use super::{App, Msg};
use crate::scenario::{Loaded, Report, Scenario};
use crate::share::{self, SharedRun};
use crate::sim::Sim;
use crate::ui::fetch::{self, FetchError};
use crate::ui::teach::{self, AfterLoad, Entry, GoalView, LessonView, PageError, Start, TeachMsg, TeachPanelProps};
use crate::ui::zlib::{self, ZlibError};
use crate::view::format;
use crate::view::guide::{self, Group, TourMark};
use crate::view::i18n::{self, t, tf, K};
use wasm_bindgen::JsValue;
use yew::prelude::*;

impl App {
    pub(super) fn teach_update(&mut self, ctx: &Context<Self>, msg: TeachMsg) -> bool {
        match msg {
            TeachMsg::CopyLink => {
                let run = SharedRun::from_sim(&self.sim.borrow(), self.teach.source());
                let text = match share::run_text(&run) {
                    Ok(text) => text,
                    Err(e) => {
                        self.toast(ctx, teach::share_error_text(&e));
                        return true;
                    }
                };
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let made = zlib::compress(text.as_bytes()).await.ok().map(|z| share::wrap(&z));
                    link.send_message(Msg::Teach(TeachMsg::LinkMade(made)));
                });
                return false;
            }
            TeachMsg::LinkMade(None) => {
                self.toast(ctx, t(K::LinkNotMade).to_string());
            }
            TeachMsg::LinkMade(Some(link)) => {
                set_fragment(&link);
                self.teach.link = page_url_with(&link);
                let link_cb = ctx.link().callback(|ok: bool| Msg::Teach(TeachMsg::Copied(ok)));
                teach::copy_to_clipboard(&self.teach.link, link_cb);
            }
            TeachMsg::LinkRead { hash, version, payload } => self.link_read(ctx, hash, version, payload),
            TeachMsg::Copied(ok) => {
                self.toast(ctx, t(if ok { K::LinkCopied } else { K::LinkNotCopied }).to_string());
            }
            TeachMsg::SetLang(l) if !i18n::has_text(l) => {
                // The page stays in its language until the other one's text has arrived.
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = teach::load_text(l).await;
                    link.send_message(Msg::Teach(TeachMsg::LangLoaded(l, loaded)));
                });
                return false;
            }
            TeachMsg::SetLang(l) => {
                teach::apply_lang(l);
                teach::remember_lang(l);
            }
            // Only if the reader has not picked another language while it was on its way.
            TeachMsg::LangLoaded(l, Ok(())) if teach::switch_shows(l) => {
                return self.teach_update(ctx, TeachMsg::SetLang(l));
            }
            TeachMsg::LangLoaded(_, Ok(())) => return false,
            TeachMsg::LangLoaded(l, Err(problem)) => {
                teach::reset_switch();
                self.toast(ctx, tf(K::LangNotLoaded, &[&l.native_name(), &problem]));
            }
            TeachMsg::Pick(file) => self.teach.picked = file,
            TeachMsg::LoadPicked => self.load_picked(ctx, None),
            TeachMsg::Replay => self.load_picked(ctx, Some(true)),
            TeachMsg::Text(text) => self.teach.text = text,
            TeachMsg::LoadText => {
                let source = share::ScenarioSource::Text(self.teach.text.clone());
                self.load_scenario(ctx, source, AfterLoad::Text);
            }
            TeachMsg::LoadFile(text) => {
                self.teach.text = text.clone();
                self.load_scenario(ctx, share::ScenarioSource::Text(text), AfterLoad::Text);
            }
            // In slices, as a seek (`busy`): the lesson arrives once the run is there.
            TeachMsg::LessonGo(stop) => {
                if let Some(time) = self.teach.lesson_time(stop) {
                    self.start_seek(ctx, |sim| Work::seek(sim, time, Some(stop)));
                }
            }
            TeachMsg::LessonWatch => {
                if let Some(stop) = self.teach.next_stop() {
                    self.teach.playing_to = Some(stop);
                    if !self.playing {
                        Component::update(self, ctx, Msg::TogglePlay);
                    }
                }
            }
            TeachMsg::Predict(text) => self.teach.prediction = text,
            TeachMsg::DismissError => self.teach.error = None,
            TeachMsg::HashChanged => self.open_fragment(ctx),
            TeachMsg::Refresh => {}
            TeachMsg::Fetched { ticket, file, then, text } => self.fetched(ctx, ticket, &file, then, text),
            TeachMsg::ShowWelcome => self.teach.welcome = !self.teach.welcome,
            TeachMsg::Start(start) => {
                self.teach.welcome = false;
                teach::remember_welcomed();
                match start {
                    Start::Tour => {
                        let mark = self.teach.resume.clone().unwrap_or(TourMark { file: guide::TOUR[0], step: 0 });
                        self.open_tour_lesson(ctx, mark);
                    }
                    Start::Free => {}
                    Start::Exercises => {
                        if let Some(e) = self.teach.entries.iter().find(|e| e.group == Group::Exercises) {
                            self.teach.picked = e.file.to_string();
                            self.load_picked(ctx, None);
                        }
                    }
                }
            }
            TeachMsg::NextLesson(file) => self.open_tour_lesson(ctx, TourMark { file, step: 0 }),
            TeachMsg::LeaveTour => self.teach.tour = false,
        }
        true
    }

    /// A lesson's move to `stop` has ended: at the step's own point in the run it arrives
    /// there; short of it (something else moved the run) or elsewhere (the step is older
    /// than the history kept: the seek went only as far back as that) the lesson shows
    /// the step the run is in.
    pub(super) fn lesson_moved(&mut self, ctx: &Context<Self>, stop: usize, reached: bool) {
        let now = self.sim.borrow().now();
        if reached && self.teach.lesson_time(stop) == Some(now) {
            self.teach.arrive(stop);
            return;
        }
        self.lesson_settle(false);
        let reach = self.sim.borrow().reach();
        if reached && reach == now {
            self.toast(ctx, tf(K::LessonHistoryDropped, &[&format::format_sim_time(reach.0), &(self.teach.step + 1)]));
        }
    }

    /// A lesson's move ended short of its step, or elsewhere: the lesson shows the step
    /// the run is in ([`teach::Teach::settle`]). A Watch that was playing when the move
    /// began (Skip) is over, unless the reader has pressed Watch or Play since.
    pub(super) fn lesson_settle(&mut self, ran: bool) {
        self.teach.settle(self.sim.borrow().now(), ran);
        if !self.playing {
            self.teach.playing_to = None;
        }
    }

    /// After every message: if it moved the run (from `before`: time, events), the lesson
    /// shows the step the run is in, however it moved (the timeline, one event back or on,
    /// a shortcut, a jump to a violation, Play running on, back to the run left). A Watch
    /// is over once the reader has moved the run by hand (`played`: Play moved it, which
    /// may have paused at a moment on the way: Play goes on with the Watch). A lesson's
    /// own move to a step is left to arrive ([`Self::lesson_moved`]).
    pub(super) fn follow_lesson(&mut self, before: (crate::raft::Time, u64), played: bool, ran: bool) {
        let now = self.clock();
        if now == before || self.busy.as_ref().is_some_and(|b| b.moving_lesson()) {
            return;
        }
        if played {
            self.teach.settle(now.0, true);
        } else {
            self.lesson_settle(ran);
        }
    }

    /// Where the run on show is: its time and events.
    pub(super) fn clock(&self) -> (crate::raft::Time, u64) {
        let sim = self.sim.borrow();
        (sim.now(), sim.events())
    }

    /// Loads the picked library scenario (or, for "Free play", a fresh cluster); then
    /// plays or pauses as `play` says, if it says.
    pub(super) fn load_picked(&mut self, ctx: &Context<Self>, play: Option<bool>) {
        // The reader has chosen what to see: the welcome's question is answered for now.
        self.teach.welcome = false;
        if self.teach.picked.is_empty() {
            self.free_play(ctx);
        } else {
            let file = self.teach.picked.clone();
            self.open_library(ctx, file.clone(), AfterLoad::Load { file, play });
        }
    }

    /// Opens library scenario `file` as `then` says: at once when its text is here (always,
    /// natively), else once fetched from `scenarios/<file>`. Meanwhile the run on show stays
    /// and the page says what it is loading. A file the library does not list is not fetched:
    /// opening it says the playground has no such scenario.
    pub(super) fn open_library(&mut self, ctx: &Context<Self>, file: String, then: AfterLoad) {
        let ticket = self.teach.ticket();
        let listed = crate::scenario::library().iter().find(|s| s.file == file).map(|s| s.file);
        let Some(listed) = listed.filter(|_| crate::scenario::library_text(&file).is_none()) else {
            self.opened(ctx, then);
            return;
        };
        self.teach.fetching = Some((ticket, listed));
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = fetch::library_text(&file).await;
            link.send_message(Msg::Teach(TeachMsg::Fetched { ticket, file, then, text }));
        });
    }

    /// A library file arrived (or did not). An answer for an opening since replaced is
    /// ignored; one that failed leaves the run as it is and says which file and why.
    fn fetched(
        &mut self,
        ctx: &Context<Self>,
        ticket: u32,
        file: &str,
        then: AfterLoad,
        text: Result<String, FetchError>,
    ) {
        if self.teach.fetching.is_none_or(|(t, _)| t != ticket) {
            return;
        }
        self.teach.fetching = None;
        let why = match text {
            Err(FetchError::Network) => t(K::FetchOffline).to_string(),
            Err(FetchError::Status(status)) => tf(K::FetchStatus, &[&status]),
            Ok(text) => match crate::scenario::add_fetched(file, &text) {
                Some(Err(e)) => tf(K::FetchParse, &[&format::scenario_error(&e)]),
                // Kept: the text is here now.
                _ => return self.opened(ctx, then),
            },
        };
        let message = tf(K::ScenarioFetchFailed, &[&fetch::library_url(file), &why]);
        self.teach.error = Some(message.clone().into());
        self.toast(ctx, message);
        if matches!(then, AfterLoad::Link { .. }) {
            self.link_settled(ctx, false);
        }
    }

    /// A library scenario's text is here: open it as `then` says.
    fn opened(&mut self, ctx: &Context<Self>, then: AfterLoad) {
        let file = match &then {
            AfterLoad::Load { file, .. } => file.clone(),
            AfterLoad::ShowMe(switch) => crate::ui::inside::show_me_file(*switch).to_string(),
            AfterLoad::Tour(mark) => mark.file.to_string(),
            AfterLoad::Link { hash, version, payload } => {
                return self.link_read(ctx, hash.clone(), *version, Ok(payload.clone()));
            }
            AfterLoad::Text => return,
        };
        self.load_scenario(ctx, share::ScenarioSource::Library(file), then);
    }

    /// A scenario has run to its end: show it as `then` says.
    pub(super) fn scenario_loaded(
        &mut self,
        ctx: &Context<Self>,
        source: share::ScenarioSource,
        loaded: Loaded,
        then: AfterLoad,
    ) {
        if let AfterLoad::ShowMe(switch) = then {
            return self.show_me_loaded(ctx, switch, loaded);
        }
        self.show_scenario(ctx, source, loaded);
        match then {
            AfterLoad::Load { play, .. } => {
                if play.is_some_and(|p| p != self.playing) {
                    Component::update(self, ctx, Msg::TogglePlay);
                }
            }
            AfterLoad::Tour(mark) => {
                self.teach.picked = mark.file.to_string();
                if self.teach.library_file() != Some(mark.file) {
                    return;
                }
                // A lesson explains as it plays (`load_scenario`): Watch pauses at each moment.
                self.teach.tour = true;
                if mark.step > 0 {
                    self.teach_update(ctx, TeachMsg::LessonGo(mark.step));
                }
            }
            AfterLoad::ShowMe(_) | AfterLoad::Link { .. } | AfterLoad::Text => {}
        }
    }

    fn open_tour_lesson(&mut self, ctx: &Context<Self>, mark: TourMark) {
        // The ring first: on a phone the welcome and the done card are below it.
        gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
        self.open_library(ctx, mark.file.to_string(), AfterLoad::Tour(mark));
    }

    /// After every render: store where the reader is in the tour, when that changed. Off
    /// the tour nothing is stored, so a reload opens what the reader chose instead.
    pub(super) fn store_tour_mark(&mut self) {
        let mark = self.teach.tour_mark();
        if mark != self.teach.stored_mark {
            teach::store_tour_mark(mark.as_ref());
            self.teach.stored_mark = mark.clone();
        }
        if mark.is_some() {
            self.teach.resume = mark;
        }
    }

    /// Starts loading a scenario: it runs to its end a slice at a time (`busy`), and the
    /// run on show stays until then; `then` says what to do with it once loaded.
    fn load_scenario(&mut self, ctx: &Context<Self>, source: share::ScenarioSource, then: AfterLoad) {
        if matches!(source, share::ScenarioSource::Text(_)) {
            self.teach.ticket();
            self.teach.welcome = false;
        }
        match teach::start_loading(&source) {
            Ok(loading) => {
                let ticket = self.teach.tickets;
                self.start_busy(ctx, Work::Scenario { source, loading, then, ticket });
            }
            Err(e) => self.teach.error = Some(e),
        }
    }

    /// Shows a scenario run to its end, as [`teach::Teach::show_loaded`] places it.
    fn show_scenario(&mut self, ctx: &Context<Self>, source: share::ScenarioSource, loaded: Loaded) {
        let sim = self.teach.show_loaded(source, loaded);
        self.teach.tour = false;
        let lesson = self.teach.goal.is_none() && self.teach.loaded.as_ref().is_some_and(|l| !l.narration.is_empty());
        let exercise = self.teach.goal.is_some();
        let title = self.teach.loaded.as_ref().and_then(|l| {
            l.scenario.title.as_deref().map(|en| teach::pick(en, l.scenario.title_zh.as_deref()).to_string())
        });
        self.swap_sim(sim);
        // Lessons explain as they play (the tour's too); elsewhere it is the reader's
        // toggle. An embed plays its lesson through.
        if lesson && !self.embed {
            self.explain = true;
        }
        if lesson || exercise {
            self.pause();
        } else if !self.playing {
            Component::update(self, ctx, Msg::TogglePlay);
        }
        // An embed's caption says what is on show; a toast would cover its small ring.
        if !self.embed {
            let loaded = match title {
                Some(title) => tf(K::ScenarioLoaded, &[&title]),
                None => t(K::ScenarioLoadedUntitled).to_string(),
            };
            self.toast(ctx, loaded);
        }
    }

    /// Puts `sim` on the page in place of the current one.
    pub(super) fn swap_sim(&mut self, sim: Sim) {
        self.scan_back_us = self.scan_back_us.max(sim.config().network.latency_max_ms * 1000);
        self.seen_violations = sim.violations().len();
        self.selected = None;
        self.picked_message = None;
        self.left_run = None;
        self.fast_forward = false;
        self.servers = sim.config().servers;
        self.seed = sim.config().seed;
        self.seed_text = self.seed.to_string();
        *self.sim.borrow_mut() = sim;
    }

    /// Opens the run in the address bar's fragment, if there is one: the browser
    /// decompresses its data, then [`TeachMsg::LinkRead`] replays it. A link that does
    /// not open leaves the cluster as it is and says what is wrong with the link.
    pub(super) fn open_fragment(&mut self, ctx: &Context<Self>) {
        let hash = gloo::utils::window().location().hash().unwrap_or_default();
        if hash.len() <= 1 {
            self.link_settled(ctx, false);
            return;
        }
        let packed = match share::unwrap(&hash) {
            Ok(packed) => packed,
            Err(e) => {
                self.teach.error = Some(teach::share_error(&e));
                self.link_settled(ctx, false);
                return;
            }
        };
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let payload = zlib::decompress(&packed.zlib, share::MAX_PAYLOAD_BYTES).await;
            link.send_message(Msg::Teach(TeachMsg::LinkRead { hash, version: packed.version, payload }));
        });
    }

    fn link_read(
        &mut self,
        ctx: &Context<Self>,
        hash: String,
        version: share::Version,
        payload: Result<Vec<u8>, ZlibError>,
    ) {
        if gloo::utils::window().location().hash().unwrap_or_default() != hash {
            // The address changed meanwhile: the newer link is being read.
            return;
        }
        let failed = |e: share::ShareError| teach::share_error(&e);
        let started = match payload {
            Ok(payload) => {
                match share::read(version, payload.clone()).and_then(|run| Ok((share::start_opening(&run)?, run))) {
                    // The run starts from a library scenario not fetched yet: read the link
                    // again once it is here.
                    Err(share::ShareError::UnknownScenario(file)) if not_fetched(&file) => {
                        return self.open_library(ctx, file, AfterLoad::Link { hash, version, payload });
                    }
                    started => started.map_err(failed),
                }
            }
            Err(ZlibError::Failed) => Err(failed(share::ShareError::Corrupt(share::Damage::NotZlib))),
            Err(ZlibError::TooLarge) => Err(failed(share::ShareError::TooLarge(share::MAX_PAYLOAD_BYTES))),
            Err(ZlibError::Unsupported) => Err(tf(K::LinkFailed, &[&t(K::ShareNoZlib)]).into()),
        };
        self.teach.ticket();
        match started {
            Ok((opening, run)) => self.start_busy(ctx, Work::link(run, hash, opening)),
            Err(text) => self.link_failed(ctx, text),
        }
    }

    /// A link has opened to `sim`: show it, with its scenario's title, goal and lesson
    /// (`ran`: the scenario's run to its end, made while the link opened).
    pub(super) fn link_opened(
        &mut self,
        ctx: &Context<Self>,
        run: SharedRun,
        hash: &str,
        ran: Option<(Scenario, Report)>,
        sim: Sim,
    ) {
        self.teach.error = None;
        self.teach.adopt(run.scenario.clone(), ran, &sim);
        let at = format::format_sim_time(sim.now().0);
        self.swap_sim(sim);
        self.pause();
        self.teach.link = page_url_with(hash.trim_start_matches('#'));
        self.toast(ctx, tf(K::LinkOpened, &[&at]));
        self.link_settled(ctx, true);
    }

    pub(super) fn link_failed(&mut self, ctx: &Context<Self>, error: PageError) {
        self.teach.error = Some(error);
        self.link_settled(ctx, false);
    }

    /// The page's own start waits for the link it opened with, if any: once that has
    /// opened, it stays paused on the link's run; otherwise it plays and loads
    /// `?scenario=` as it would have without a link.
    pub(super) fn link_settled(&mut self, ctx: &Context<Self>, opened: bool) {
        let Some(start) = self.page_start.take() else { return };
        if opened {
            return;
        }
        if start.play != self.playing {
            Component::update(self, ctx, Msg::TogglePlay);
        }
        if start.scenario.is_none() && !self.embed {
            if self.teach.stored_mark.is_some() {
                // The reader was on the tour when they left: go back to where they stopped.
                self.teach_update(ctx, TeachMsg::Start(Start::Tour));
            } else {
                self.teach.welcome = !teach::welcomed();
            }
        }
        if let Some(file) = start.scenario {
            self.teach.picked = file;
            self.load_picked(ctx, (start.autoplay || self.embed).then_some(start.autoplay));
        }
    }

    /// After every render: check an exercise's goal against the cluster now.
    pub(super) fn observe_goal(&mut self, ctx: &Context<Self>) {
        let met = self.teach.observe(&self.sim.borrow());
        if met {
            self.pause();
            ctx.link().send_message(Msg::Teach(TeachMsg::Refresh));
        }
    }

    pub(super) fn teach_panel(&self, sim: &Sim) -> Html {
        let loaded = self.teach.loaded.as_ref();
        let title = loaded.and_then(|l| {
            let s = &l.scenario;
            let title = teach::pick(s.title.as_deref()?, s.title_zh.as_deref()).to_string();
            let desc = s.description.as_deref().map(|d| teach::pick(d, s.description_zh.as_deref()).to_string());
            Some((title, desc.unwrap_or_default()))
        });
        let goal = self.teach.goal.as_ref().map(|g| GoalView {
            source: {
                let zh = self.teach.loaded.as_ref().and_then(|l| l.scenario.goal_zh.as_deref());
                teach::pick(&g.goal.source, zh).to_string()
            },
            met_at: g.met_at,
            holding: g
                .holding_for()
                .filter(|_| g.goal.hold_for.0 > 0)
                .map(|h| (format::format_sim_time(h.0), format::format_sim_time(g.goal.hold_for.0))),
        });
        let lesson = loaded.filter(|l| self.teach.goal.is_none() && !l.narration.is_empty()).and_then(|l| {
            let step = self.teach.step.min(l.narration.len() - 1);
            let n = &l.narration[step];
            let said = |text: &crate::scenario::ast::Localized| teach::pick(&text.en, text.zh.as_deref()).to_string();
            let answered = self.teach.answered.as_ref().and_then(|(asked, prediction)| {
                let asked = &l.narration[*asked];
                Some((said(asked.question.as_ref()?), prediction.clone(), asked.answer.as_ref().map(said)))
            });
            let at_end = self.teach.at_run_end();
            let before = self.teach.before;
            Some(LessonView {
                step,
                count: l.narration.len(),
                // Before the first step: when it begins, not what it says.
                text: if before {
                    tf(K::LessonBefore, &[&format::format_sim_time(n.time.0)])
                } else {
                    teach::pick(&n.text, n.zh.as_deref()).to_string()
                },
                question: n.question.as_ref().filter(|_| !at_end && !before).map(said),
                before,
                prediction: self.teach.prediction.clone(),
                answered,
                quick: self.teach.quick_lesson()?,
                back: if at_end { Some(step) } else { step.checked_sub(1) },
                done: at_end,
                next_lesson: self.teach.library_file().and_then(guide::next_in_tour).map(|file| {
                    let e = self.teach.entries.iter().find(|e| e.file == file);
                    (file, e.map_or(file, Entry::title).to_string())
                }),
                tour: self.teach.tour_mark().and_then(|m| guide::tour_place(m.file)),
            })
        });
        html! {
            { teach::teach_panel(&TeachPanelProps { entries: self.teach.entries.clone(), picked: self.teach.picked.clone(),
                text: self.teach.text.clone(), error: self.teach.error.clone(),
                title, file: self.library_file(), goal, lesson,
                state_hash: (!self.playing).then(|| sim.state_hash().to_string()),
                dispatch: self.dispatch.reform(Msg::Teach) }) }
        }
    }
}

/// `file` is in the library but its text has not been fetched yet.
fn not_fetched(file: &str) -> bool {
    crate::scenario::library().iter().any(|s| s.file == file) && crate::scenario::library_text(file).is_none()
}

/// Sets the address bar's fragment without reloading or adding a history entry.
fn set_fragment(link: &str) {
    if let Ok(history) = gloo::utils::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{link}")));
    }
}

/// The page's address with `#link` as its fragment.
fn page_url_with(link: &str) -> String {
    let href = gloo::utils::window().location().href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#{link}")
}
