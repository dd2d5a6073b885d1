//! Teaching: share links, the language switch, the scenario picker, exercises that check
//! themselves and guided lessons. The state lives in [`Teach`], owned by the app (the one
//! owner of the `Sim`); [`TeachPanel`] is a thin component over plain props.

use crate::raft::Time;
use crate::scenario::{self, GoalTracker, Narration, Scenario};
use crate::share::{ScenarioSource, ShareError};
use crate::sim::limits::Setting;
use crate::sim::Sim;
use crate::view::format;
use crate::view::guide::{self, Group, TourMark};
use crate::view::i18n::{self, lang, t, tf, Lang, K};

mod browser;
mod panel;

pub use browser::*;
pub use panel::*;

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
        then: AfterLoad,
        text: Result<String, super::fetch::FetchError>,
    },
}

/// What to do with a library scenario once its text is here (see `App::open_library`),
/// and with a scenario once it has run to its end.
pub enum AfterLoad {
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
    /// A scenario pasted or read from a file: show it once it has run.
    Text,
}

/// One library scenario as the picker lists it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    pub file: &'static str,
    /// Its place in `scenario::library()`.
    pub index: usize,
    pub group: Group,
}

impl Entry {
    /// Its title in the page's language.
    pub fn title(&self) -> &'static str {
        i18n::library_header(self.index)[0]
    }

    /// Its description in the page's language.
    pub fn description(&self) -> &'static str {
        i18n::library_header(self.index)[1]
    }
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

/// A message the teaching panel shows until it is dismissed, with the limit it names, if
/// it names one (`data-limit`, which tests look for).
#[derive(Clone, Debug, PartialEq)]
pub struct PageError {
    pub text: String,
    pub limit: Option<Setting>,
}

impl From<String> for PageError {
    fn from(text: String) -> PageError {
        PageError { text, limit: None }
    }
}

/// Reads a scenario's text and gets ready to run it (the app runs it a slice at a time).
pub fn start_loading(source: &ScenarioSource) -> Result<scenario::Loading, PageError> {
    let text = source.text().map_err(|e| share_error(&e))?;
    scenario::Loading::new(&text).map_err(|e| load_error(&e))
}

/// Why a scenario did not load, in the page's words.
pub fn load_error(e: &scenario::LoadError) -> PageError {
    let limit = match e {
        scenario::LoadError::OverBudget { limit, .. } => Some(*limit),
        scenario::LoadError::Scenario(_) => None,
    };
    PageError { text: crate::view::limits::load_error(e), limit }
}

/// The teaching state, owned by the app.
pub struct Teach {
    pub entries: Vec<Entry>,
    pub picked: String,
    pub text: String,
    pub link: String,
    pub error: Option<PageError>,
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
    /// The run is before the lesson's first step (the reader took it back there): the
    /// scenario's set-up is on show, and Next goes to the first step.
    pub before: bool,
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
            .enumerate()
            .map(|(index, s)| Entry { file: s.file, index, group: guide::group(s.file) })
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
            before: false,
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
        Some((file, e.title().to_string()))
    }

    /// A scenario has run to its end ([`start_loading`]): the cluster to show, and what to
    /// remember of it. An exercise stays at the end of its set-up; a lesson goes to its
    /// first step; any other scenario goes back to its start and plays (its actions replay
    /// as it runs).
    pub fn show_loaded(&mut self, source: ScenarioSource, loaded: scenario::Loaded) -> Sim {
        let scenario::Loaded { scenario: parsed, mut sim, report } = loaded;
        self.goal = parsed.goal.clone().map(GoalTracker::new);
        if let Some(goal) = &mut self.goal {
            goal.observe(&sim);
        } else if let Some(first) = report.narration.first() {
            // Back from the end: from the last checkpoint before, at most one interval.
            sim.seek(first.time);
        } else {
            sim.seek(Time::ZERO);
        }
        self.error = None;
        self.loaded = Some(Loaded { source, scenario: parsed, narration: report.narration, end: report.end_time });
        // The first step, unless its history was dropped (a run past the memory budget):
        // then the step the oldest history kept is in.
        self.place(sim.now());
        sim
    }

    /// After a shared link replayed: remember its scenario (for the title, goal and lesson),
    /// with its run to the end (`ran`), which the link's opening made; without it (the
    /// scenario's run is past the page's budget) the lesson has no steps.
    pub fn adopt(&mut self, source: Option<ScenarioSource>, ran: Option<(Scenario, scenario::Report)>, sim: &Sim) {
        self.loaded = None;
        self.goal = None;
        let Some(source) = source else { return };
        let (parsed, narration, end) = match ran {
            Some((parsed, report)) => (parsed, report.narration, report.end_time),
            None => {
                let Ok(text) = source.text() else { return };
                let Ok(parsed) = scenario::parse(&text) else { return };
                (parsed, Vec::new(), Time::ZERO)
            }
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
        self.loaded = Some(Loaded { source, scenario: parsed, narration, end });
        self.place(sim.now());
    }

    /// Puts a lesson just opened at the stop its run at `now` is in, as if arriving from
    /// its start ([`guide::lesson_stop_at`]): of steps that begin at one time the first, so
    /// that no step's narration is passed over (three library lessons begin with two steps
    /// at one time); before the first step if the run is. An exercise shows its goal.
    fn place(&mut self, now: Time) {
        self.start_lesson(0);
        if self.narration().is_some() {
            self.before = true;
            self.settle(now, false);
        }
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
        self.before = false;
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
        (!self.ended).then_some(self.step + usize::from(!self.before)).filter(|s| *s <= narration.len())
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
        self.before = false;
        self.ended = stop > last;
        self.step = stop.min(last);
    }

    /// The run is at `now`, moved by anything but a lesson's own move to a step arriving
    /// there (the reader's timeline, one event back or on, a jump, Play running on; or a
    /// lesson's move cancelled, or short of a step older than the history kept): the
    /// lesson shows the stop the run is in ([`guide::lesson_stop_at`]), or that it is
    /// before the first step; at a new stop, that stop's question, with nothing predicted
    /// or answered: the run to it was not watched from the step before. Except when it
    /// was: `ran` (Play, one event on) from a step into the next answers the step left
    /// behind, as Watch does ([`Self::arrive`]).
    pub fn settle(&mut self, now: Time, ran: bool) {
        let Some(loaded) = self.loaded.as_ref().filter(|_| self.narration().is_some()) else { return };
        let len = loaded.narration.len();
        let at = (!self.before).then_some(if self.ended { len } else { self.step });
        let stop = guide::lesson_stop_at(&loaded.narration, loaded.end, now, at.unwrap_or(0));
        if stop == at {
            return;
        }
        match stop {
            Some(stop) if ran && at.is_some_and(|at| stop == at + 1) => self.arrive(stop),
            _ => {
                self.start_lesson(stop.unwrap_or(0).min(len - 1));
                self.ended = stop == Some(len);
                self.before = stop.is_none();
            }
        }
    }
}

/// [`share_error_text`], with the limit it names.
pub fn share_error(e: &ShareError) -> PageError {
    let limit = match e {
        ShareError::OverBudget(limit) => Some(*limit),
        _ => None,
    };
    PageError { text: share_error_text(e), limit }
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
