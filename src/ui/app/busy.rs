//! Long work the page starts by itself (opening a link, loading a scenario, a seek forward
//! through a long run), run a slice at a time so that the tab keeps answering, under one
//! progress line with one Cancel button. Opening and loading are bounded by the budget of
//! docs/limits.md; past it, or on Cancel, the cluster on show stays as it was: the work
//! builds its own and swaps it in only once it is done. A seek moves the run on show: on
//! Cancel it stays where the seek had got to, its recorded future kept; a lesson's move to
//! a step arrives at the step only once the run is there, and on Cancel shows the step the
//! run is in (the one it was on, going forward).

use super::{App, Msg};
use crate::raft::Time;
use crate::scenario::{self, Loading, Report, Scenario};
use crate::share::{self, ScenarioSource, SharedRun};
use crate::sim::{SeekTo, Sim};
use crate::ui::teach::{self, AfterLoad, PageError};
use crate::view::i18n::{t, tf, K};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// One slice lasts about this long (wall time), then the browser paints and takes clicks.
const SLICE_MS: f64 = 25.0;
/// Events run between looks at the clock within a slice.
const EVENTS_PER_LOOK: u64 = 500;

/// The work under way, its progress (0 to 1) and the timer of its next slice.
pub(super) struct Busy {
    work: Work,
    progress: f64,
    _next: Option<Timeout>,
}

impl Busy {
    /// Whether the work is a seek (which a new seek replaces).
    pub(super) fn seeking(&self) -> bool {
        matches!(self.work, Work::Seek { .. })
    }

    /// Whether the work is a lesson's move to a step, which arrives there by itself.
    pub(super) fn moving_lesson(&self) -> bool {
        matches!(self.work, Work::Seek { lesson: Some(_), .. })
    }
}

/// What the page is busy with. (One at a time, boxed in `App::busy`: the size of its
/// variants does not matter.)
#[allow(clippy::large_enum_variant)]
pub(super) enum Work {
    /// A link being opened. Its scenario, if it has one, runs to its end first (for the
    /// lesson's steps and the goal); when the link's run is that very run up to some point
    /// (a link made from a scenario as loaded), that is the cluster shown, and the link's
    /// run is not replayed. Otherwise the link's run is replayed.
    Link {
        run: SharedRun,
        hash: String,
        opening: share::Opening,
        scenario: Option<Loading>,
        ran: Option<(Scenario, Report)>,
        reached: Option<Sim>,
    },
    /// A scenario being run to its end, then shown as `then` says, unless another opening
    /// (a later `Teach::ticket`) has replaced it meanwhile.
    Scenario { source: ScenarioSource, loading: Loading, then: AfterLoad, ticket: u32 },
    /// The run on show travelling to `to` (`Sim::seek_begin`), from `from`. It ends
    /// early if anything else moves the run meanwhile (Play, an action, another run):
    /// `at` is where it left the run ([`position`]); `reached` once it is at `to`. A
    /// lesson's move to step `lesson` (Next, Back, Skip, the tour's stored step) arrives
    /// there only once the run has (`App::lesson_moved`).
    Seek { from: (Time, u64), to: SeekTo, at: (Time, u64, usize, Time), reached: bool, lesson: Option<usize> },
}

/// Where a run is, to tell whether anything but the seek has moved it: its time, events,
/// actions and horizon (an action in the past may leave as many actions as before).
fn position(sim: &Sim) -> (Time, u64, usize, Time) {
    (sim.now(), sim.events(), sim.actions().len(), sim.horizon())
}

impl Work {
    /// Starts opening a link, with its scenario's run if it has a scenario that loads.
    pub(super) fn link(run: SharedRun, hash: String, opening: share::Opening) -> Work {
        let scenario = run.scenario.as_ref().and_then(|s| teach::start_loading(s).ok());
        Work::Link { run, hash, opening, scenario, ran: None, reached: None }
    }

    /// A seek of the run on show to `t` (for a lesson's move to step `lesson`): the part
    /// that is bounded (going back) done now.
    pub(super) fn seek(sim: &mut Sim, t: Time, lesson: Option<usize>) -> Option<Work> {
        let to = sim.seek_begin(SeekTo::Time(t))?;
        Some(Work::Seek { from: (sim.now(), sim.events()), to, at: position(sim), reached: false, lesson })
    }

    /// A seek of the run on show to just after event `n` (`Sim::seek_begin`): one
    /// event back replays from the last checkpoint, which can be far once checkpoints are
    /// thinned.
    pub(super) fn seek_event(sim: &mut Sim, n: u64) -> Option<Work> {
        let to = sim.seek_begin(SeekTo::Event(n))?;
        Some(Work::Seek { from: (sim.now(), sim.events()), to, at: position(sim), reached: false, lesson: None })
    }

    /// Runs at most `events` more events; `Ok(true)` once done.
    fn advance(&mut self, sim: &mut Sim, events: u64) -> Result<bool, PageError> {
        match self {
            Work::Seek { to, at, reached, .. } => {
                if *at != position(sim) {
                    return Ok(true);
                }
                *reached = sim.seek_advance(*to, events);
                *at = position(sim);
                Ok(*reached)
            }
            Work::Scenario { loading, .. } => loading.advance(events).map_err(|e| teach::load_error(&e)),
            Work::Link { run, opening, scenario, ran, reached, .. } => {
                if let Some(loading) = scenario {
                    match loading.advance(events) {
                        Ok(false) => return Ok(false),
                        Ok(true) => {
                            let Some(loading) = scenario.take() else { return Ok(false) };
                            let scenario::Loaded { scenario, mut sim, report } = loading.finish();
                            match run.until_events {
                                Some(n) => sim.seek_event(n),
                                None => sim.seek(run.until),
                            }
                            if run.is_run_of(&sim) {
                                *reached = Some(sim);
                            }
                            *ran = Some((scenario, report));
                            return Ok(reached.is_some());
                        }
                        // Past the budget: the link opens without its lesson's steps.
                        Err(_) => *scenario = None,
                    }
                }
                opening.advance(events).map_err(|e| teach::share_error(&e))
            }
        }
    }

    fn progress(&self, sim: &Sim) -> f64 {
        match self {
            Work::Seek { from, to, .. } => {
                let (done, whole) = match *to {
                    SeekTo::Time(t) => (sim.now().0.saturating_sub(from.0 .0), t.0.saturating_sub(from.0 .0)),
                    SeekTo::Event(n) => (sim.events().saturating_sub(from.1), n.saturating_sub(from.1)),
                };
                done as f64 / whole.max(1) as f64
            }
            Work::Scenario { loading, .. } => loading.progress(),
            // The scenario's run, then the link's: half each.
            Work::Link { scenario: Some(loading), .. } => loading.progress() / 2.0,
            Work::Link { opening, ran: Some(_), .. } => 0.5 + opening.progress() / 2.0,
            Work::Link { opening, .. } => opening.progress(),
        }
    }
}

impl App {
    /// Pauses and starts a seek that `begin` sets up on the run on show (its bounded part
    /// done at once), in slices; the first may finish it. While a link or a scenario opens,
    /// its run replaces this one: no seek.
    pub(super) fn start_seek(&mut self, ctx: &Context<Self>, begin: impl FnOnce(&mut Sim) -> Option<Work>) {
        self.pause();
        // The moment the explain mode paused at is behind: its line would speak of a cluster
        // no longer on show.
        self.explained = None;
        if self.busy.as_ref().is_none_or(|b| b.seeking()) {
            let work = begin(&mut self.sim.borrow_mut());
            match work {
                Some(work) => self.start_busy(ctx, work),
                None => self.busy = None,
            }
        }
    }

    /// Starts `work`, in place of any work under way.
    pub(super) fn start_busy(&mut self, ctx: &Context<Self>, work: Work) {
        self.busy = Some(Box::new(Busy { work, progress: 0.0, _next: None }));
        self.busy_slice(ctx);
    }

    /// Runs the work under way for about [`SLICE_MS`] of wall time, then lets the browser
    /// breathe (paint the progress, take a click on Cancel) before the next slice.
    pub(super) fn busy_slice(&mut self, ctx: &Context<Self>) {
        let stale = |w: &Work| matches!(w, Work::Scenario { ticket, .. } if *ticket != self.teach.tickets);
        if self.busy.as_ref().is_some_and(|b| stale(&b.work)) {
            self.busy = None;
        }
        let Some(b) = self.busy.as_mut() else { return };
        let mut sim = self.sim.borrow_mut();
        let performance = gloo::utils::window().performance();
        let started = performance.as_ref().map_or(0.0, |p| p.now());
        let result = loop {
            match b.work.advance(&mut sim, EVENTS_PER_LOOK) {
                Ok(false) if performance.as_ref().is_some_and(|p| p.now() - started < SLICE_MS) => {}
                Ok(false) => break None,
                Ok(true) => break Some(Ok(())),
                Err(e) => break Some(Err(e)),
            }
        };
        let Some(result) = result else {
            b.progress = b.work.progress(&sim);
            let link = ctx.link().clone();
            b._next = Some(Timeout::new(0, move || link.send_message(Msg::WorkSlice)));
            return;
        };
        drop(sim);
        let Some(b) = self.busy.take() else { return };
        match (b.work, result) {
            (Work::Seek { reached, lesson, .. }, _) => {
                self.seen_violations = self.sim.borrow().violations().len();
                if let Some(stop) = lesson {
                    self.lesson_moved(ctx, stop, reached);
                }
            }
            (Work::Link { run, hash, opening, ran, reached, .. }, Ok(())) => {
                match reached.map_or_else(|| opening.finish(&run), Ok) {
                    Ok(sim) => self.link_opened(ctx, run, &hash, ran, sim),
                    Err(e) => self.link_failed(ctx, teach::share_error(&e)),
                }
            }
            (Work::Link { .. }, Err(e)) => self.link_failed(ctx, e),
            (Work::Scenario { source, loading, then, .. }, Ok(())) => {
                self.scenario_loaded(ctx, source, loading.finish(), then)
            }
            (Work::Scenario { .. }, Err(e)) => self.teach.error = Some(e),
        }
    }

    /// Cancel: the work stops, and the cluster on show stays.
    pub(super) fn cancel_busy(&mut self, ctx: &Context<Self>) {
        let Some(b) = self.busy.take() else { return };
        match b.work {
            Work::Link { .. } => {
                self.toast(ctx, t(K::BudgetCancelled).to_string());
                self.link_settled(ctx, false);
            }
            Work::Scenario { .. } => self.toast(ctx, t(K::BudgetLoadCancelled).to_string()),
            Work::Seek { lesson: Some(_), .. } => {
                self.seen_violations = self.sim.borrow().violations().len();
                self.lesson_settle(false);
                self.toast(ctx, tf(K::BudgetLessonCancelled, &[&(self.teach.step + 1)]));
            }
            Work::Seek { .. } => {
                self.seen_violations = self.sim.borrow().violations().len();
                let now = crate::view::format::format_sim_time(self.sim.borrow().now().0);
                self.toast(ctx, tf(K::BudgetSeekCancelled, &[&now]));
            }
        }
    }

    /// While work is under way: what it is, how far, and a Cancel button.
    pub(super) fn busy_view(&self) -> Html {
        let Some(b) = &self.busy else { return html! {} };
        let (what, text) = match b.work {
            Work::Link { .. } => ("link", K::BudgetRunning),
            Work::Scenario { .. } => ("scenario", K::BudgetLoading),
            Work::Seek { lesson: Some(_), .. } => ("lesson", K::BudgetLessonSeeking),
            Work::Seek { .. } => ("seek", K::BudgetSeeking),
        };
        let cancel = self.dispatch.reform(|_| Msg::CancelWork);
        html! {
            <div class="busy" role="status" data-opening={what}>
                <span>{ t(text) }</span>
                // Per mille, an integer: formatting an f64 would pull float printing into the wasm.
                <progress max="1000" value={((b.progress * 1000.0) as u32).to_string()} />
                <button class="btn btn--small" data-action="cancel-opening" onclick={cancel}>{ t(K::BudgetCancel) }</button>
            </div>
        }
    }
}
