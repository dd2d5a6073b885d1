//! Time travel: checkpoints of the world, seeking back and forth, forking the run by
//! acting in the past, and replaying a recorded run ([`ReplayError`]).

use super::history::{ActionRecord, HistoryMark, MAX_SCAN_BACK_US};
use super::{Action, ActionError, ConfigError, InitialState, Sim, SimConfig, World};
use crate::raft::Time;

/// Why a recorded run could not be replayed. Actions count from 1; `text` is the action as
/// written. Data, so that the page can say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The run's settings are refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The action's time is earlier than the event it is recorded after.
    #[error("action {action} (`{text}`) is timed before the event it follows")]
    TimedBeforeEvent { action: usize, text: String },
    /// The simulator refused the action (the reason is part of the message).
    #[error("action {action} (`{text}`) failed: {error}")]
    Failed { action: usize, text: String, error: ActionError },
    /// The action is timed after the time the run ends at.
    #[error("action {action} comes after the end of the run")]
    AfterEnd { action: usize },
}

/// Where a seek goes: a time (the scrubber, a lesson's step), or just after an event
/// (one event back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekTo {
    Time(Time),
    Event(u64),
}

impl SeekTo {
    /// Whether the seek can run forward from `world`: `world` is at or before where it goes.
    fn reachable_from(self, world: &World) -> bool {
        match self {
            SeekTo::Time(t) => world.now <= t,
            SeekTo::Event(n) => world.events <= n,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Checkpoint {
    pub(super) world: World,
    pub(super) mark: HistoryMark,
    pub(super) next_action: usize,
}

impl Sim {
    /// Travels to time `t`, back or forward. Going back restores the latest checkpoint
    /// at or before `t` and replays; recorded actions ahead are kept and replay too.
    /// Not before [`Sim::reach`]: a time earlier than that goes there.
    pub fn seek(&mut self, t: Time) {
        self.seek_whole(SeekTo::Time(t));
    }

    /// Travels back to just after event number `n` (or forward to it).
    /// Not before [`Sim::reach`] either.
    pub fn seek_event(&mut self, n: u64) {
        self.seek_whole(SeekTo::Event(n));
    }

    /// A seek done at once: [`Sim::seek_begin`], then [`Sim::seek_advance`] to the end.
    fn seek_whole(&mut self, to: SeekTo) {
        if let Some(to) = self.seek_begin(to) {
            while !self.seek_advance(to, u64::MAX) {}
        }
    }

    /// A seek in slices, for the page: does the part that is bounded (going back to the
    /// latest checkpoint that `to` is not behind) and returns where the run is still to go
    /// forward to, not before [`Sim::reach`], which [`Sim::seek_advance`] reaches a slice
    /// at a time; `None` if the seek does nothing (no checkpoint reaches back that far).
    /// Begin, then advance until it returns true: exactly [`Sim::seek`] or
    /// [`Sim::seek_event`].
    pub fn seek_begin(&mut self, to: SeekTo) -> Option<SeekTo> {
        let to = match to {
            SeekTo::Time(t) => SeekTo::Time(t.max(self.history.reach())),
            SeekTo::Event(n) if self.history.reach() > Time::ZERO => {
                SeekTo::Event(n.max(self.checkpoints.first().map_or(0, |c| c.world.events)))
            }
            SeekTo::Event(n) => SeekTo::Event(n),
        };
        (to.reachable_from(&self.world) || self.restore_checkpoint(|w| to.reachable_from(w))).then_some(to)
    }

    /// Runs at most `events` more events towards `to` (from [`Sim::seek_begin`]); true
    /// once there: at a time, as [`Sim::run_until`] leaves the run; after an event, once
    /// that many events have run (or nothing is left to run).
    pub fn seek_advance(&mut self, to: SeekTo, events: u64) -> bool {
        for _ in 0..events {
            match to {
                SeekTo::Time(t) => {
                    if self.step_until(t).is_none() {
                        self.arrive_at(t);
                        return true;
                    }
                }
                SeekTo::Event(n) => {
                    if self.world.events >= n || self.step().is_none() {
                        return true;
                    }
                }
            }
        }
        matches!(to, SeekTo::Event(n) if self.world.events >= n)
    }

    /// The one way back in time: restores the latest checkpoint whose world `reached`
    /// accepts, with the history and the actions applied as they were then. False (and
    /// nothing changes) if there is none.
    fn restore_checkpoint(&mut self, reached: impl Fn(&World) -> bool) -> bool {
        let Some(i) = self.checkpoints.iter().rposition(|c| reached(&c.world)) else { return false };
        let cp = self.checkpoints[i].clone();
        self.history.truncate(cp.mark);
        self.world = cp.world;
        self.next_action = cp.next_action;
        true
    }

    /// Applies a user action now and records it. Acting while in the past forks the run:
    /// the recorded future is discarded.
    pub fn act(&mut self, action: Action) -> Result<(), ActionError> {
        self.apply_action(&action)?;
        // Behind the horizon the recorded future (actions, and checkpoints taken ahead of
        // now) no longer follows from the present: drop it.
        if self.next_action < self.actions.len() || self.world.now < self.horizon {
            self.actions.truncate(self.next_action);
            let now = self.world.now;
            self.checkpoints.retain(|c| c.world.now <= now);
            self.horizon = now;
        }
        self.actions.push(ActionRecord { at_event: self.world.events, time: self.world.now, action });
        self.next_action = self.actions.len();
        Ok(())
    }

    /// Replays a recorded list of actions from the start: the run ends where the last
    /// action was applied, or at `until` if later.
    pub fn replay(
        config: SimConfig,
        initial: Option<Vec<InitialState>>,
        actions: &[ActionRecord],
        until: Time,
    ) -> Result<Sim, ReplayError> {
        // All at once: the page replays a link in slices with the same `Replayer`.
        let mut replayer = super::replay::Replayer::new(config, initial, actions.to_vec(), until, None)?;
        while !replayer.advance(u64::MAX)? {}
        Ok(replayer.into_sim())
    }

    pub(super) fn take_checkpoint(&mut self) {
        if self.checkpoints.last().is_some_and(|c| c.world.events >= self.world.events) {
            return;
        }
        self.checkpoints.push(Checkpoint {
            world: self.world.clone(),
            mark: self.history.mark(self.world.now),
            next_action: self.next_action,
        });
        if self.checkpoints.len() > self.world.config.max_checkpoints.max(2) {
            // Thin out: keep every other checkpoint (the first always), and take them half
            // as often from now on. Memory stays bounded; a seek replays at most one
            // interval.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.checkpoint_interval_us *= 2;
        }
        self.keep_within_budget();
    }

    /// Past the memory budget, drops the oldest history a chunk of messages at a time,
    /// with the checkpoints before the new reach: the first checkpoint kept is one at
    /// least [`MAX_SCAN_BACK_US`] after the last dropped message was sent (so none of them
    /// is in flight from it on). From there on the history is whole and time travel
    /// exact; earlier the page cannot go. When no chunk can go (long logs make the
    /// checkpoints, each a copy of every log, the larger part), the oldest checkpoints go
    /// instead, down to two, and the reach moves up to the first one kept.
    fn keep_within_budget(&mut self) {
        while self.memory_bytes() > self.memory_budget {
            let settled = self.history.after_oldest_chunk().map(|t| Time(t.0.saturating_add(MAX_SCAN_BACK_US)));
            match settled.and_then(|s| self.checkpoints.iter().position(|c| c.world.now >= s)) {
                Some(i) => {
                    self.checkpoints.drain(..i);
                    self.history.drop_before(self.checkpoints[0].world.now, true);
                }
                None if self.checkpoints.len() > 2 => {
                    self.checkpoints.remove(0);
                    self.history.drop_before(self.checkpoints[0].world.now, false);
                }
                None => return,
            }
        }
    }
}
