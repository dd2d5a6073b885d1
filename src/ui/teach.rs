//! Teaching: share links, the language switch, the scenario picker, exercises that check
//! themselves and guided lessons. The state lives in [`Teach`], owned by the app (the one
//! owner of the `Sim`); [`TeachPanel`] is a thin component over plain props.

use crate::raft::Time;
use crate::scenario::{self, GoalTracker, Narration, Scenario};
use crate::share::{ScenarioSource, ShareError};
use crate::sim::Sim;
use crate::view::format;
use crate::view::guide::{self, Group, TourMark};
use crate::view::i18n::{self, lang, set_lang, t, tf, Lang, K};
use crate::view::i18n_file;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

const LANG_KEY: &str = "raft-playground.lang";
/// Set once the reader has answered the welcome: it is not shown again by itself.
const WELCOMED_KEY: &str = "raft-playground.welcomed";
/// Where the reader stopped in the guided tour ([`TourMark`]).
const TOUR_KEY: &str = "raft-playground.tour";

/// The welcome's three ways in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// The guided tour, from where the reader stopped (or its first lesson).
    Tour,
    Free,
    Exercises,
}

impl Start {
    /// The name tests find it by (`data-start`).
    fn slug(self) -> &'static str {
        match self {
            Start::Tour => "tour",
            Start::Free => "free",
            Start::Exercises => "exercises",
        }
    }
}

/// What the teaching panel asks the app to do.
pub enum TeachMsg {
    CopyLink,
    SetLang(Lang),
    /// The language's catalogue file, fetched for a switch to it: installed, or why not.
    LangLoaded(Lang, Result<(), String>),
    Pick(String),
    LoadPicked,
    /// An embed's Replay: the picked scenario again from its start, playing.
    Replay,
    Text(String),
    LoadText,
    /// A file's text, read.
    LoadFile(String),
    /// Go to this step's exact state at once (Back, Next, Skip).
    LessonGo(usize),
    /// Play the run on from here, at the page's speed, and stop at the next step (or at
    /// the run's end after the last one).
    LessonWatch,
    /// The reader's prediction for the step's question, as typed.
    Predict(String),
    DismissError,
    HashChanged,
    /// The browser compressed the run "Copy link" asked for: the link, or nothing if it
    /// could not.
    LinkMade(Option<String>),
    /// The browser decompressed the data of the link in the address bar (`hash`).
    LinkRead {
        hash: String,
        version: crate::share::Version,
        payload: Result<Vec<u8>, super::zlib::ZlibError>,
    },
    /// The clipboard answered: written or not.
    Copied(bool),
    /// Nothing to change; render again (the goal was just met).
    Refresh,
    /// The welcome's answer.
    Start(Start),
    /// Open the welcome again (the toolbar's "Start here").
    ShowWelcome,
    /// Load this lesson as the tour's next.
    NextLesson(&'static str),
    LeaveTour,
    /// A library scenario's text arrived, or did not, for the opening numbered `ticket`.
    Fetched {
        ticket: u32,
        file: String,
        then: Opening,
        text: Result<String, super::fetch::FetchError>,
    },
    /// Replay the next slice of the link being opened.
    OpenSlice,
    /// Stop opening the link; keep the cluster on show.
    CancelOpening,
}

/// What to do with a library scenario once its text is here (see `App::open_library`).
pub enum Opening {
    /// Load it from its start (the picker, `?scenario=`); then play or pause as `play` says,
    /// if it says.
    Load { file: String, play: Option<bool> },
    /// Show a break-switch's first violation in its "Show me" scenario.
    ShowMe(crate::raft::BreakSwitch),
    /// Read the link `hash` again (its decompressed data, `payload`): its run starts from
    /// this scenario.
    Link { hash: String, version: crate::share::Version, payload: Vec<u8> },
    /// A lesson of the guided tour: once it opens, it is the tour's, shown at the stored
    /// step, with the explain mode on.
    Tour(TourMark),
}

/// One library scenario as the picker lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub file: &'static str,
    pub title: String,
    pub title_zh: Option<String>,
    pub description: String,
    pub description_zh: Option<String>,
    pub group: Group,
}

/// Where a lesson's Watch and Next go (in the lesson, and in the phone's bottom bar).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuickLesson {
    /// The next stop, if any.
    pub next: Option<usize>,
    /// They go to the end of the run (or it is over).
    pub to_end: bool,
    /// The lesson is playing on by itself to this stop: Watch becomes Skip.
    pub playing_to: Option<usize>,
}

/// A scenario loaded into the page.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub source: ScenarioSource,
    pub scenario: Scenario,
    pub narration: Vec<Narration>,
    /// Where the scenario's run ends: a lesson's last step runs on to here.
    pub end: Time,
}

/// The teaching state, owned by the app.
pub struct Teach {
    pub entries: Vec<Entry>,
    pub picked: String,
    pub text: String,
    pub link: String,
    pub error: Option<String>,
    pub loaded: Option<Loaded>,
    pub goal: Option<GoalTracker>,
    pub step: usize,
    /// The reader's prediction for the current step's question.
    pub prediction: String,
    /// A step whose question the run has answered since: the reader went on from it.
    /// Its answer is shown, with what the reader predicted.
    pub answered: Option<(usize, String)>,
    /// While a lesson plays on by itself: the step it stops at (`narration.len()` for
    /// the end of the run).
    pub playing_to: Option<usize>,
    /// The library scenario being fetched, with its opening's ticket: a later opening takes
    /// a new ticket, and an answer for an older one is ignored.
    pub fetching: Option<(u32, &'static str)>,
    pub tickets: u32,
    /// The lesson has run on to the end of its run after its last step.
    pub ended: bool,
    /// The welcome is open.
    pub welcome: bool,
    /// The lesson on show is the guided tour's.
    pub tour: bool,
    /// The tour mark in storage, so that it is written only when it changes.
    pub stored_mark: Option<TourMark>,
    /// Where "Continue the tour" goes: the last place on the tour.
    pub resume: Option<TourMark>,
}

impl Default for Teach {
    fn default() -> Self {
        let entries = scenario::library()
            .iter()
            .map(|s| {
                let h = s.header;
                let own = |t: Option<&str>| t.map(str::to_string);
                Entry {
                    file: s.file,
                    title: h.title.unwrap_or(s.file).to_string(),
                    title_zh: own(h.title_zh),
                    description: h.description.unwrap_or_default().to_string(),
                    description_zh: own(h.description_zh),
                    group: guide::group(s.file),
                }
            })
            .collect();
        Teach {
            entries,
            picked: String::new(),
            text: String::new(),
            link: String::new(),
            error: None,
            loaded: None,
            goal: None,
            step: 0,
            prediction: String::new(),
            answered: None,
            playing_to: None,
            fetching: None,
            tickets: 0,
            ended: false,
            welcome: false,
            tour: false,
            stored_mark: stored_tour_mark(),
            resume: stored_tour_mark(),
        }
    }
}

/// Picks the language in `localized` (English when there is no Chinese).
pub fn pick<'a>(en: &'a str, zh: Option<&'a str>) -> &'a str {
    match (lang(), zh) {
        (Lang::Chinese, Some(zh)) => zh,
        _ => en,
    }
}

impl Teach {
    /// A new opening: any answer for an earlier one is stale from now on.
    pub fn ticket(&mut self) -> u32 {
        self.fetching = None;
        self.tickets = self.tickets.wrapping_add(1);
        self.tickets
    }

    /// The title of the library scenario being fetched, in the page's language, with its file.
    pub fn fetching_title(&self) -> Option<(&'static str, String)> {
        let (_, file) = self.fetching?;
        let e = self.entries.iter().find(|e| e.file == file)?;
        Some((file, pick(&e.title, e.title_zh.as_deref()).to_string()))
    }

    /// Parses and runs a scenario: the cluster to show and what to remember of it.
    /// An exercise stays at the end of its set-up; a lesson goes to its first step; any
    /// other scenario goes back to its start and plays (its actions replay as it runs).
    pub fn load(&mut self, source: ScenarioSource) -> Result<Sim, String> {
        let text = source.text().map_err(|e| share_error_text(&e))?;
        let error = |e| tf(K::ScenarioParseError, &[&format::scenario_error(&e)]);
        let parsed = scenario::parse(&text).map_err(error)?;
        let (mut sim, report) = scenario::run_to_end(&parsed).map_err(error)?;
        self.goal = parsed.goal.clone().map(GoalTracker::new);
        if let Some(goal) = &mut self.goal {
            goal.observe(&sim);
        } else if let Some(first) = report.narration.first() {
            sim.seek(first.time);
        } else {
            sim.seek(Time::ZERO);
        }
        self.start_lesson(0);
        self.error = None;
        self.loaded = Some(Loaded { source, scenario: parsed, narration: report.narration, end: report.end_time });
        Ok(sim)
    }

    /// After a shared link replayed: remember its scenario (for the title, goal and lesson).
    pub fn adopt(&mut self, source: Option<ScenarioSource>, sim: &Sim) {
        self.loaded = None;
        self.goal = None;
        let Some(source) = source else { return };
        let Ok(text) = source.text() else { return };
        let Ok(parsed) = scenario::parse(&text) else { return };
        let (narration, end) = match scenario::run_to_end(&parsed) {
            Ok((_, report)) => (report.narration, report.end_time),
            Err(_) => (Vec::new(), Time::ZERO),
        };
        self.remember(source, parsed, narration, end, sim);
    }

    /// Remembers a scenario already parsed and run to its end (`narration`, `end`), with
    /// `sim` somewhere in that run: its goal as met there, its lesson at the step reached.
    pub fn remember(
        &mut self,
        source: ScenarioSource,
        parsed: Scenario,
        narration: Vec<Narration>,
        end: Time,
        sim: &Sim,
    ) {
        self.goal = parsed.goal.clone().map(GoalTracker::new);
        if let Some(goal) = &mut self.goal {
            goal.observe(sim);
        }
        self.start_lesson(narration.iter().rposition(|n| n.time <= sim.now()).unwrap_or(0));
        self.loaded = Some(Loaded { source, scenario: parsed, narration, end });
    }

    pub fn source(&self) -> Option<ScenarioSource> {
        self.loaded.as_ref().map(|l| l.source.clone())
    }

    /// Checks the goal against the cluster now. True when it has just been met.
    pub fn observe(&mut self, sim: &Sim) -> bool {
        let Some(goal) = &mut self.goal else { return false };
        let before = goal.met_at;
        goal.observe(sim);
        before.is_none() && goal.met_at.is_some()
    }

    /// Shows `step` with nothing answered yet.
    fn start_lesson(&mut self, step: usize) {
        self.step = step;
        self.prediction.clear();
        self.answered = None;
        self.playing_to = None;
        self.ended = false;
    }

    /// The library file on show, if any.
    pub fn library_file(&self) -> Option<&str> {
        match &self.loaded.as_ref()?.source {
            ScenarioSource::Library(file) => Some(file),
            _ => None,
        }
    }

    /// Where the reader is in the tour now, if on it.
    pub fn tour_mark(&self) -> Option<TourMark> {
        let file = self.library_file().filter(|_| self.tour && self.narration().is_some())?;
        let file = guide::TOUR.iter().copied().find(|f| *f == file)?;
        Some(TourMark { file, step: self.step })
    }

    /// The text of the narration step the run is in at `now`, in the reader's language
    /// (an embed's caption).
    pub fn step_text_at(&self, now: crate::raft::Time) -> Option<String> {
        let n = guide::step_at(&self.loaded.as_ref()?.narration, now)?;
        Some(pick(&n.text, n.zh.as_deref()).to_string())
    }

    /// Watch and Next for the phone's bottom bar, while a lesson is on show.
    pub fn quick_lesson(&self) -> Option<QuickLesson> {
        let narration = self.narration()?;
        let next = self.next_stop();
        Some(QuickLesson { next, to_end: self.ended || next == Some(narration.len()), playing_to: self.playing_to })
    }

    /// The lesson's steps, when the scenario on show is a lesson (narrated, no goal).
    fn narration(&self) -> Option<&[Narration]> {
        let loaded = self.loaded.as_ref().filter(|_| self.goal.is_none())?;
        Some(&loaded.narration).filter(|n| !n.is_empty()).map(|n| n.as_slice())
    }

    /// The point in the run where step `step` begins; `narration.len()` is the run's end.
    pub fn lesson_time(&self, step: usize) -> Option<Time> {
        let narration = self.narration()?;
        match narration.get(step) {
            Some(n) => Some(n.time),
            None if step == narration.len() => self.loaded.as_ref().map(|l| l.end),
            None => None,
        }
    }

    /// Where "Watch" and "Next" go from the current step: the next step, or the run's end
    /// after the last step (so its payoff plays, and its question is answered). `None` when
    /// the lesson is over.
    pub fn next_stop(&self) -> Option<usize> {
        let narration = self.narration()?;
        (!self.ended).then_some(self.step + 1).filter(|s| *s <= narration.len())
    }

    /// The lesson has run on to the end of its run after its last step.
    pub fn at_run_end(&self) -> bool {
        self.ended
    }

    /// The lesson has arrived at `stop` (a step, or `narration.len()` for the run's end):
    /// the step left behind, if it asked a question, is answered now that its run happened.
    /// Going back answers nothing: the run from there has not happened yet.
    pub fn arrive(&mut self, stop: usize) {
        let Some(narration) = self.narration() else { return };
        let last = narration.len() - 1;
        let from = self.step;
        let asked = narration.get(from).is_some_and(|n| n.question.is_some());
        let prediction = std::mem::take(&mut self.prediction);
        self.playing_to = None;
        self.answered = (stop == from + 1 && asked).then_some((from, prediction));
        self.ended = stop > last;
        self.step = stop.min(last);
    }
}

/// The page's message for a link that does not open.
pub fn share_error_text(e: &ShareError) -> String {
    let what = match e {
        ShareError::Empty => t(K::ShareEmpty).to_string(),
        ShareError::NoVersion => t(K::ShareNoVersion).to_string(),
        ShareError::UnknownVersion(v) => tf(K::ShareUnknownVersion, &[v]),
        ShareError::BadBase64 { position, found } => tf(K::ShareBadBase64, &[position, found]),
        ShareError::Truncated => t(K::ShareTruncated).to_string(),
        ShareError::Corrupt(_) => t(K::ShareCorrupt).to_string(),
        ShareError::TooLarge(_) => t(K::ShareTooLarge).to_string(),
        ShareError::BadLine { line, text } => tf(K::ShareBadLine, &[line, text]),
        ShareError::BadAction { line, error } => tf(K::ShareBadAction, &[line, &format::scenario_error(error)]),
        ShareError::Missing(what) => tf(K::ShareMissing, &[what]),
        ShareError::UnknownScenario(n) => tf(K::ShareUnknownScenario, &[n]),
        ShareError::Scenario(e) => tf(K::ShareScenario, &[&format::scenario_error(e)]),
        ShareError::Replay(e) => tf(K::ShareReplay, &[&format::replay_error(e)]),
        ShareError::Diverged => t(K::ShareDiverged).to_string(),
        ShareError::OverBudget(limit) => tf(K::ShareOverBudget, &[&crate::view::limits::budget(*limit)]),
        ShareError::StartNotShareable => return t(K::LinkNotShareable).to_string(),
    };
    tf(K::LinkFailed, &[&what])
}

// ---- The browser side: storage, language, clipboard ------------------------------------

/// localStorage, if the page may use it (a sandboxed iframe may not: reading the
/// property throws there).
fn storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

/// The language to start in: the one chosen before, else the browser's.
pub fn initial_lang() -> Lang {
    let saved = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    let code = saved.or_else(|| gloo::utils::window().navigator().language()).unwrap_or_default();
    Lang::from_code(&code)
}

/// Makes `lang`'s text available to [`t`]: fetches and checks its catalogue file the
/// first time (`cache: no-cache`, so that a file cached from an older page is never paired
/// with this one). The error names the file and what went wrong.
pub async fn load_text(lang: Lang) -> Result<(), String> {
    if i18n::has_text(lang) {
        return Ok(());
    }
    let file = lang.catalogue_file();
    let text = fetch_text(&file).await.map_err(|e| format!("{file}: {e}"))?;
    let messages = i18n_file::parse(lang, &text).map_err(|e| e.to_string())?;
    i18n::install(lang, messages);
    Ok(())
}

/// The body of `url` as text, or why not (the network's error, or the HTTP status).
async fn fetch_text(url: &str) -> Result<String, String> {
    let js_error =
        |e: JsValue| e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()));
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response = JsFuture::from(gloo::utils::window().fetch_with_str_and_init(url, &init)).await.map_err(js_error)?;
    let response: web_sys::Response = response.dyn_into().map_err(js_error)?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(js_error)?).await.map_err(js_error)?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

pub fn apply_lang(l: Lang) {
    set_lang(l);
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", l.code());
    }
    gloo::utils::document().set_title(t(K::Title));
}

/// The language switch on the page (none in the embed mode).
fn lang_switch() -> Option<web_sys::HtmlSelectElement> {
    gloo::utils::document().query_selector(".teach__lang").ok().flatten()?.dyn_into().ok()
}

/// Whether the switch still shows `l` (the reader has not picked another since), or
/// there is no switch.
pub fn switch_shows(l: Lang) -> bool {
    lang_switch().is_none_or(|switch| switch.value() == l.code())
}

/// Puts the switch back on the page's language: a switch whose file could not be had.
pub fn reset_switch() {
    if let Some(switch) = lang_switch() {
        switch.set_value(lang().code());
    }
}

/// The reader has answered the welcome before.
pub fn welcomed() -> bool {
    storage().and_then(|s| s.get_item(WELCOMED_KEY).ok().flatten()).is_some()
}

pub fn remember_welcomed() {
    if let Some(s) = storage() {
        let _ = s.set_item(WELCOMED_KEY, "1");
    }
}

/// Where the reader stopped in the tour, as stored.
pub fn stored_tour_mark() -> Option<TourMark> {
    TourMark::parse(&storage()?.get_item(TOUR_KEY).ok().flatten()?)
}

pub fn store_tour_mark(mark: Option<&TourMark>) {
    if let Some(s) = storage() {
        let _ = match mark {
            Some(m) => s.set_item(TOUR_KEY, &m.to_text()),
            None => s.remove_item(TOUR_KEY),
        };
    }
}

pub fn remember_lang(l: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, l.code());
    }
}

/// Writes `text` to the clipboard; `done(true)` once written, `done(false)` if the
/// browser refuses (no permission, no clipboard API, an insecure page).
pub fn copy_to_clipboard(text: &str, done: Callback<bool>) {
    let navigator = gloo::utils::window().navigator();
    let clipboard =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok().filter(|c| !c.is_undefined());
    let write = clipboard.as_ref().and_then(|c| {
        let f = js_sys::Reflect::get(c, &JsValue::from_str("writeText")).ok()?.dyn_into::<js_sys::Function>().ok()?;
        f.call1(c, &JsValue::from_str(text)).ok()?.dyn_into::<js_sys::Promise>().ok()
    });
    let Some(promise) = write else {
        done.emit(false);
        return;
    };
    use wasm_bindgen::closure::Closure;
    let ok = {
        let done = done.clone();
        Closure::once(move |_: JsValue| done.emit(true))
    };
    let err = Closure::once(move |_: JsValue| done.emit(false));
    let _ = promise.then2(&ok, &err);
    // Each runs at most once, when the promise settles; they must outlive this call.
    ok.forget();
    err.forget();
}

// ---- The panel ------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct GoalView {
    pub source: String,
    pub met_at: Option<Time>,
    pub holding: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonView {
    pub step: usize,
    pub count: usize,
    pub text: String,
    /// The step's question, while the run has not answered it yet.
    pub question: Option<String>,
    pub prediction: String,
    /// A question the run has answered: (question, what the reader predicted, the
    /// scenario's answer, if it gives one).
    pub answered: Option<(String, String, Option<String>)>,
    /// Where Watch and Next go (`count` for the run's end), if anywhere.
    pub quick: QuickLesson,
    /// Where Back goes, if anywhere.
    pub back: Option<usize>,
    /// The lesson has played to its end.
    pub done: bool,
    /// The tour's next lesson: (file, title).
    pub next_lesson: Option<(&'static str, String)>,
    /// On the tour: (lesson, of how many).
    pub tour: Option<(usize, usize)>,
}

pub struct TeachPanelProps {
    pub entries: Vec<Entry>,
    pub picked: String,
    pub text: String,
    pub error: Option<String>,
    pub title: Option<(String, String)>,
    /// The library file on show, if it is one (`data-file`: tests wait for it).
    pub file: Option<AttrValue>,
    pub goal: Option<GoalView>,
    pub lesson: Option<LessonView>,
    /// `Sim::state_hash` while paused (tests compare runs with it).
    pub state_hash: Option<String>,
    pub dispatch: Callback<TeachMsg>,
}

pub fn teach_panel(p: &TeachPanelProps) -> Html {
    let d = &p.dispatch;
    let on_pick = d.reform(|e: Event| TeachMsg::Pick(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()));
    let on_text =
        d.reform(|e: InputEvent| TeachMsg::Text(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value()));
    let on_file = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let d = d.clone();
            let file = gloo::file::File::from(file);
            let reader = gloo::file::callbacks::read_as_text(&file, move |text| {
                if let Ok(text) = text {
                    d.emit(TeachMsg::LoadFile(text));
                }
            });
            // The read finishes on its own; keep the reader alive until then.
            std::mem::forget(reader);
        })
    };
    // The picked scenario's description, until it is the one loaded (shown below then).
    let picked_description = p
        .entries
        .iter()
        .find(|e| e.file == p.picked)
        .filter(|e| p.title.as_ref().is_none_or(|(title, _)| title != pick(&e.title, e.title_zh.as_deref())))
        .map(|e| pick(&e.description, e.description_zh.as_deref()).to_string());
    html! {
        <section class="panel teach" aria-label={t(K::ScenariosHeading)} data-state-hash={p.state_hash.clone()}>
            if let Some(error) = &p.error {
                <p class="teach__error" role="alert" data-link-error="true">
                    { error.clone() }
                    <button class="btn btn--small" onclick={d.reform(|_| TeachMsg::DismissError)}>{ t(K::Close) }</button>
                </p>
            }
            <h2 class="panel__title">{ t(K::ScenariosHeading) }</h2>
            <div class="teach__row">
                <select aria-label={t(K::ScenarioPick)} onchange={on_pick} class="input teach__picker">
                    <option value="" selected={p.picked.is_empty()}>{ t(K::ScenarioFree) }</option>
                    { for Group::ALL.iter().map(|g| html! {
                        <optgroup key={group_name(*g)} label={group_name(*g)}>
                            { for p.entries.iter().filter(|e| e.group == *g).map(|e| html! {
                                <option key={e.file} value={e.file} selected={e.file == p.picked}
                                    title={pick(&e.description, e.description_zh.as_deref()).to_string()}>
                                    { pick(&e.title, e.title_zh.as_deref()).to_string() }
                                </option>
                            }) }
                        </optgroup>
                    }) }
                </select>
                <button class="btn" onclick={d.reform(|_| TeachMsg::LoadPicked)}>{ t(K::ScenarioLoad) }</button>
            </div>
            if let Some(desc) = picked_description {
                <p class="teach__description">{ desc }</p>
            }
            <details class="teach__custom">
                <summary>{ t(K::ScenarioText) }</summary>
                <textarea class="input" aria-label={t(K::ScenarioText)} placeholder={t(K::ScenarioTextPlaceholder)}
                    value={p.text.clone()} oninput={on_text} rows="5"></textarea>
                <div class="teach__row">
                    <button class="btn" onclick={d.reform(|_| TeachMsg::LoadText)}>{ t(K::ScenarioLoadText) }</button>
                    <label class="btn teach__file">
                        { t(K::ScenarioFile) }
                        <input type="file" accept=".scn,.txt,text/plain" onchange={on_file} aria-label={t(K::ScenarioFile)} />
                    </label>
                </div>
            </details>
            if let Some((title, description)) = &p.title {
                <div class="teach__loaded" data-file={p.file.clone()}>
                    <h3 class="teach__title">{ title.clone() }</h3>
                    <p class="teach__description">{ description.clone() }</p>
                </div>
            }
            if let Some(goal) = &p.goal {
                <div class={classes!("goal", goal.met_at.map(|_| "goal--met"))} role="status"
                    data-goal={if goal.met_at.is_some() { "met" } else { "pending" }}>
                    <p class="goal__text">{ tf(K::GoalLabel, &[&goal.source]) }</p>
                    <p class="goal__status">{
                        match (&goal.met_at, &goal.holding) {
                            (Some(at), _) => tf(K::GoalMet, &[&format::format_sim_time(at.0)]),
                            (None, Some((held, need))) => tf(K::GoalHolding, &[held, need]),
                            (None, None) => t(K::GoalNotYet).to_string(),
                        }
                    }</p>
                </div>
            }
            if let Some(lesson) = &p.lesson {
                <div class="lesson" data-step={lesson.step.to_string()} data-steps={lesson.count.to_string()} data-done={lesson.done.then_some("true")}
                    data-playing-to={lesson.quick.playing_to.map(|s| s.to_string())}>
                    if let Some((n, of)) = lesson.tour {
                        <p class="lesson__tour" data-tour-lesson={n.to_string()}>
                            { tf(K::TourPlace, &[&n, &of]) }
                            <button class="btn btn--quiet btn--small" onclick={d.reform(|_| TeachMsg::LeaveTour)}>{ t(K::TourLeave) }</button>
                        </p>
                    }
                    <p class="lesson__count">{ tf(K::LessonStep, &[&(lesson.step + 1), &lesson.count]) }</p>
                    if let Some((question, prediction, answer)) = &lesson.answered {
                        <div class="lesson__answer" role="status">
                            <p class="lesson__asked">{ tf(K::LessonAsked, &[question]) }</p>
                            if !prediction.trim().is_empty() {
                                <p class="lesson__predicted">{ tf(K::LessonYouPredicted, &[&prediction.trim()]) }</p>
                            }
                            if let Some(answer) = answer {
                                <p class="lesson__answer-text">{ tf(K::LessonAnswer, &[answer]) }</p>
                            }
                        </div>
                    }
                    <p class="lesson__text">{ lesson.text.clone() }</p>
                    if let Some(q) = &lesson.question {
                        <p class="lesson__question">{ tf(K::LessonPredict, &[q]) }</p>
                        <input class="input lesson__prediction" type="text" aria-label={t(K::LessonPrediction)}
                            placeholder={t(K::LessonPredictionPlaceholder)} value={lesson.prediction.clone()}
                            oninput={d.reform(|e: InputEvent| TeachMsg::Predict(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} />
                        <p class="lesson__hint">{ t(K::LessonAnswerAfterRun) }</p>
                    }
                    <div class="teach__row">
                        <button class="btn" disabled={lesson.back.is_none()}
                            onclick={let b = lesson.back.unwrap_or(0); d.reform(move |_| TeachMsg::LessonGo(b))}>{ t(K::LessonBack) }</button>
                        { watch_next(lesson.quick, d) }
                    </div>
                    if lesson.done {
                        <div class="lesson__done" role="status">
                            <p>{ t(K::LessonDone) }{ " " }{ lesson.next_lesson.is_none().then(|| t(K::TourDone)) }</p>
                            if let Some((file, title)) = &lesson.next_lesson {
                                <button class="btn btn--primary" data-next-lesson={*file}
                                    onclick={let f = *file; d.reform(move |_| TeachMsg::NextLesson(f))}>{ tf(K::LessonNextLesson, &[title]) }</button>
                            } else {
                                <button class="btn" onclick={d.reform(|_| TeachMsg::Start(Start::Exercises))}>{ t(K::TourExercises) }</button>
                            }
                        </div>
                    }
                </div>
            }
        </section>
    }
}

/// A lesson's Watch (Skip while it plays on by itself) and Next: in the lesson, and in the
/// phone's bottom bar.
pub fn watch_next(l: QuickLesson, d: &Callback<TeachMsg>) -> Html {
    let n = l.next.unwrap_or(0);
    html! {
        <>
            if let Some(to) = l.playing_to {
                <button class="btn" title={t(K::LessonSkipTitle)}
                    onclick={d.reform(move |_| TeachMsg::LessonGo(to))}>{ t(K::LessonSkip) }</button>
            } else {
                <button class="btn" disabled={l.next.is_none()} title={t(K::LessonWatchTitle)} data-lesson-watch="true"
                    onclick={d.reform(|_| TeachMsg::LessonWatch)}>{ t(if l.to_end { K::LessonWatchEnd } else { K::LessonWatch }) }</button>
            }
            <button class="btn btn--primary" disabled={l.next.is_none()} title={t(K::LessonNextTitle)} data-lesson-next="true"
                onclick={d.reform(move |_| TeachMsg::LessonGo(n))}>{ t(if l.to_end { K::LessonToEnd } else { K::LessonNext }) }</button>
        </>
    }
}

fn group_name(g: Group) -> &'static str {
    t(match g {
        Group::Lessons => K::GroupLessons,
        Group::Scenarios => K::GroupScenarios,
        Group::Exercises => K::GroupExercises,
        Group::BrokenRules => K::GroupBrokenRules,
    })
}

/// The first visit's welcome: three ways in, each a button with one line on what it is.
///
/// `resume`: the tour lesson the reader stopped at: (lesson, of how many).
pub fn welcome(resume: Option<(usize, usize)>, d: &Callback<TeachMsg>) -> Html {
    let tour = resume.map_or_else(|| t(K::WelcomeTour).to_string(), |(n, of)| tf(K::WelcomeTourResume, &[&n, &of]));
    let choices = [
        (Start::Tour, tour, K::WelcomeTourText),
        (Start::Free, t(K::WelcomeFree).to_string(), K::WelcomeFreeText),
        (Start::Exercises, t(K::WelcomeExercises).to_string(), K::WelcomeExercisesText),
    ];
    html! {
        <section class="panel welcome" aria-labelledby="welcome-heading" data-welcome="true">
            <h2 id="welcome-heading" class="welcome__title">{ t(K::WelcomeHeading) }</h2>
            <p>{ t(K::WelcomeIntro) }</p>
            <ul class="welcome__choices">
                { for choices.into_iter().map(|(start, label, text)| html! {
                    <li>
                        <button class={classes!("btn", (start == Start::Tour).then_some("btn--primary"))}
                            data-start={start.slug()}
                            onclick={d.reform(move |_| TeachMsg::Start(start))}>{ label }</button>
                        <span class="welcome__text">{ t(text) }</span>
                    </li>
                }) }
            </ul>
        </section>
    }
}

/// The toolbar's part of teaching: the language and the share link.
pub fn teach_toolbar(lang: Lang, link: &str, d: &Callback<TeachMsg>) -> Html {
    let on_lang = d.reform(|e: Event| {
        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        TeachMsg::SetLang(Lang::from_code(&v))
    });
    html! {
        <>
            <select aria-label={t(K::Language)} title={t(K::Language)} onchange={on_lang} class="input teach__lang">
                { for Lang::ALL.iter().map(|l| html! {
                    <option value={l.code()} selected={*l == lang}>{ l.native_name() }</option>
                }) }
            </select>
            <div class="teach__row toolbar__share" role="group" aria-label={t(K::TeachHeading)}>
                <button class="btn" title={t(K::CopyLinkTitle)} onclick={d.reform(|_| TeachMsg::CopyLink)}>{ t(K::CopyLink) }</button>
                <input class="input teach__link" readonly=true aria-label={t(K::LinkLabel)} value={link.to_string()}
                    placeholder={t(K::LinkLabel)} />
            </div>
        </>
    }
}
