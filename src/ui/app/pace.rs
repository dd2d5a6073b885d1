//! The app's pacing (`view::pace`): slow motion while an election's votes are on the wire,
//! fast-forward in exercises, and an embedded scenario that stops at its end with a Replay
//! button. None of it changes the run, only how fast it plays and where play stops.

use super::{App, Msg};
use crate::raft::Time;
use crate::ui::teach::TeachMsg;
use crate::view::i18n::{t, K};
use crate::view::pace::{self, Pace};
use yew::prelude::*;

impl App {
    /// The pace to play the next frame at.
    pub(super) fn pace(&self) -> Pace {
        pace::pace(&self.sim.borrow(), self.speed, self.fast_forward)
    }

    /// Fast-forward on (playing, if paused) or off. Only while an exercise is on show.
    pub(super) fn toggle_fast_forward(&mut self, ctx: &Context<Self>) {
        if self.exercise_open().is_none() {
            self.fast_forward = false;
            return;
        }
        self.fast_forward = !self.fast_forward;
        if self.fast_forward && !self.playing {
            Component::update(self, ctx, Msg::TogglePlay);
        }
    }

    /// `Some(fast-forward is on)` while an exercise whose goal is not met yet is on show.
    pub(super) fn exercise_open(&self) -> Option<bool> {
        let goal = self.teach.goal.as_ref()?;
        goal.met_at.is_none().then_some(self.fast_forward)
    }

    /// In an embed, where the scenario on show ends, while the run is before it: play stops
    /// there and offers a replay. Played on past it (Play again), it runs on freely.
    pub(super) fn embed_end(&self) -> Option<Time> {
        let end = self.teach.loaded.as_ref().filter(|_| self.embed)?.end;
        (self.sim.borrow().now() < end).then_some(end)
    }

    /// Over the ring's corner while an election plays in slow motion (no layout moves).
    pub(super) fn pace_badge(&self) -> Html {
        if !self.playing || self.pace() != Pace::Election {
            return html! {};
        }
        html! {
            <p class="pace-badge" data-pace="election">{ t(K::PaceElection) }</p>
        }
    }

    /// An embed at (or past) its scenario's end: Replay, with the state hash of the run's
    /// end (the same every time, which tests compare).
    pub(super) fn replay_view(&self) -> Html {
        let Some(loaded) = self.teach.loaded.as_ref().filter(|_| self.embed) else { return html! {} };
        let sim = self.sim.borrow();
        if sim.now() < loaded.end {
            return html! {};
        }
        let hash = (!self.playing).then(|| sim.state_hash().to_string());
        html! {
            <button class="btn btn--primary embed__replay" data-replay="true" data-state-hash={hash}
                onclick={self.dispatch.reform(|_| Msg::Teach(TeachMsg::Replay))}>
                { t(K::Replay) }
            </button>
        }
    }
}
