//! Replaying a recorded run to an exact position, a slice at a time.
//!
//! A position is a time and the number of events processed: several events can share
//! one instant (zero latency, or a Step), so a time alone does not say which of them
//! had happened. [`Replayer::advance`] runs at most a given number of events per call, so
//! that the page can replay a long run in slices, show its progress and stop it.

use super::{ActionRecord, InitialState, ReplayError, Sim, SimConfig};
use crate::raft::Time;

/// A run being replayed from its start. See the module documentation.
#[derive(Debug)]
pub struct Replayer {
    sim: Sim,
    actions: Vec<ActionRecord>,
    next: usize,
    until: Time,
    /// The number of events at `until`, when the run recorded it (links made before it
    /// did run every event at `until`).
    until_events: Option<u64>,
}

impl Replayer {
    /// A replay of `actions` from the start, to `until` (and `until_events` events, if
    /// given). The configuration is checked before anything is built.
    pub fn new(
        config: SimConfig,
        initial: Option<Vec<InitialState>>,
        actions: Vec<ActionRecord>,
        until: Time,
        until_events: Option<u64>,
    ) -> Result<Replayer, ReplayError> {
        let sim = match initial {
            Some(i) => Sim::with_initial_state(config, i)?,
            None => Sim::new(config)?,
        };
        Ok(Replayer { sim, actions, next: 0, until, until_events })
    }

    /// The run so far.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The time the replay ends at.
    pub fn until(&self) -> Time {
        self.until
    }

    /// Processes at most `max_events` more events. `Ok(true)` once the run has reached its
    /// recorded position.
    pub fn advance(&mut self, max_events: u64) -> Result<bool, ReplayError> {
        let stop_at = self.sim.world.events.saturating_add(max_events);
        loop {
            if let Some(record) = self.actions.get(self.next) {
                // As `Sim::replay`: step to the event the action was applied after.
                if self.sim.world.events < record.at_event {
                    if self.sim.world.events >= stop_at {
                        return Ok(false);
                    }
                    if self.sim.step_until(Time(u64::MAX)).is_some() {
                        continue;
                    }
                }
                let n = self.next + 1;
                let text = || record.action.to_string();
                if record.time < self.sim.world.now {
                    return Err(ReplayError::TimedBeforeEvent { action: n, text: text() });
                }
                self.sim.world.now = record.time;
                let action = record.action.clone();
                self.sim.act(action).map_err(|error| ReplayError::Failed { action: n, text: text(), error })?;
                self.next += 1;
                continue;
            }
            if self.sim.world.events >= stop_at {
                return Ok(false);
            }
            let more = match self.until_events {
                Some(n) => self.sim.world.events < n && self.sim.step_until(self.until).is_some(),
                None => self.sim.step_until(self.until).is_some(),
            };
            if !more {
                // Set the clock without running the events still due at `until`: with
                // `until_events`, they had not happened when the run was recorded.
                let until = self.until.max(self.sim.world.now);
                self.sim.world.now = until;
                self.sim.horizon = self.sim.horizon.max(until);
                return Ok(true);
            }
        }
    }

    /// The replayed run.
    pub fn into_sim(self) -> Sim {
        self.sim
    }
}
