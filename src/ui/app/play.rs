//! The single animation loop: it advances the simulated time by the wall time times the
//! speed, and stops at a violation, a moment that matters (explain mode) or a lesson's step.

use super::{App, Msg};
use crate::view::explain;
use crate::view::inspect;
use crate::view::pace;
use gloo::render::request_animation_frame;
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// At most this much wall time counts for one frame, so that a tab coming back from the
/// background (or a slow frame) does not jump the cluster forward.
const MAX_FRAME_MS: f64 = 100.0;
/// While playing, the page draws at most about 24 times a second (fewer while nothing is on
/// the wire: `view::pace::frame_gap_ms`). Drawing at 60 Hz cost twice the main-thread time
/// for motion that reads the same (docs/performance.md).
///
/// After a drawn frame the page waits (a timer, not animation frames it would skip) until
/// [`FRAME_LEAD_MS`] before the next one is due, then asks for an animation frame: each
/// skipped wake-up at 60 Hz cost about 0.3 ms of main-thread time (a trace).
const FRAME_LEAD_MS: f64 = 8.0;
/// An animation frame sooner than this after the last one drawn is skipped (its wall time
/// counts in the next), unless it was asked for after the wait: Chromium stamps a frame
/// with the time it began, which can be before the page asked for it.
const MIN_FRAME_MS: f64 = pace::MOVING_FRAME_MS - 4.0;

impl App {
    /// One animation frame: advance simulated time by the wall time since the last frame
    /// times the speed, then ask for the next frame only if still playing and visible.
    pub(super) fn frame(&mut self, ctx: &Context<Self>, wall_ms: f64) -> bool {
        self.raf = None;
        self.wait = None;
        self.frames += 1;
        self.publish_frames();
        if !self.playing || self.hidden {
            self.last_wall_ms = None;
            return false;
        }
        let waited = std::mem::take(&mut self.waited);
        if !waited && self.last_wall_ms.is_some_and(|last| wall_ms - last < MIN_FRAME_MS) {
            self.schedule_frame(ctx);
            return false;
        }
        let elapsed = self.last_wall_ms.map_or(0.0, |last| (wall_ms - last).clamp(0.0, MAX_FRAME_MS));
        self.last_wall_ms = Some(wall_ms);
        self.carry_us += elapsed * 1000.0 * self.pace().speed(self.speed);
        let whole = self.carry_us.floor();
        self.carry_us -= whole;
        if whole >= 1.0 {
            // A lesson playing on by itself stops exactly at its next step.
            let stop = self.teach.playing_to.and_then(|s| Some((s, self.teach.lesson_time(s)?)));
            // An embedded scenario stops at its end, with Replay (`pace`).
            let end = self.embed_end();
            let (stopped, arrived, ended) = {
                let mut sim = self.sim.borrow_mut();
                if let Some(bytes) = crate::ui::test_memory_budget() {
                    sim.set_memory_budget(bytes);
                }
                let mut target = crate::raft::Time(sim.now().0 + whole as u64);
                if let Some((_, at)) = stop {
                    target = target.min(at);
                }
                if let Some(end) = end {
                    target = target.min(end);
                }
                let stopped = if self.explain {
                    explain::run_until(&mut sim, target, self.seen_violations)
                } else if inspect::run_until_violation(&mut sim, target, self.seen_violations) {
                    explain::Stop::Violation
                } else {
                    explain::Stop::Time
                };
                (stopped, stop.filter(|(_, at)| sim.now() >= *at), end.is_some_and(|end| sim.now() >= end))
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
            if ended {
                self.pause();
                return true;
            }
        }
        let gap = pace::frame_gap_ms(&self.sim.borrow(), self.pace().speed(self.speed));
        let link = ctx.link().clone();
        self.wait = Some(Timeout::new((gap - FRAME_LEAD_MS).max(0.0) as u32, move || link.send_message(Msg::Wake)));
        true
    }

    pub(super) fn schedule_frame(&mut self, ctx: &Context<Self>) {
        if self.raf.is_none() && self.wait.is_none() && self.playing && !self.hidden {
            let link = ctx.link().clone();
            self.raf = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
        }
    }

    pub(super) fn pause(&mut self) {
        self.playing = false;
        self.fast_forward = false;
        self.raf = None;
        self.wait = None;
        self.last_wall_ms = None;
    }

    /// Tests read `window.__rafCount`: how many animation frames ran.
    pub(super) fn publish_frames(&self) {
        let window = gloo::utils::window();
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__rafCount"), &JsValue::from_f64(self.frames as f64));
    }
}
