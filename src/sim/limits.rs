//! The one table of limits: every number a link, a URL parameter or a scenario can set,
//! with the range it must lie in, checked before anything is allocated or run.
//!
//! The page, share links, the scenario format and `raftsim` all read these (the
//! scenario parser's caps on a run, `crate::scenario::limits`, are this table's
//! `run-time` and `run-events`), and docs/limits.md lists them (a test keeps that list in
//! step with [`Setting::ALL`]).
//! They keep a run small enough to finish and to fit in memory: an election timeout of
//! 2^63 ms overflows the microsecond clock, `servers 4294967295` asks for 171 GB, and a
//! 1 ms heartbeat with 2 ms election timeouts makes millions of events a minute.

use super::{ConfigError, SimConfig};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The memory the history and the time-travel checkpoints of a run may hold (an
/// estimate: see [`super::Sim::memory_bytes`]). Past it the oldest history is dropped, and
/// the page can travel back only as far as [`super::Sim::reach`] (docs/limits.md).
pub const MEMORY_BUDGET_BYTES: usize = 64 << 20;

/// A setting with a range. Durations are in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setting {
    /// Either end of the election timeout's range (§5.2).
    ElectionTimeout,
    /// How often a leader sends AppendEntries.
    Heartbeat,
    /// Either end of the one-way latency's range.
    Latency,
    MaxEntriesPerAppend,
    ClientTimeout,
    /// How often a checkpoint for time travel is taken (0: never).
    CheckpointEvery,
    /// How many checkpoints are kept at most.
    Checkpoints,
    /// The simulated time a run may reach: a link's end, a scenario's `run` and `at`, a
    /// run the page starts by itself.
    RunTime,
    /// How many events a run the page starts by itself may process (opening a link,
    /// loading a scenario, seeking).
    RunEvents,
    /// How many user actions a run (a link) may hold.
    Actions,
    /// Log compaction (§7): a snapshot after every this many applied entries.
    SnapshotEvery,
}

/// A range of accepted values, both ends included, and its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub min: u64,
    pub max: u64,
    pub unit: Unit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Ms,
    Count,
}

impl Setting {
    pub const ALL: &'static [Setting] = &[
        Setting::ElectionTimeout,
        Setting::Heartbeat,
        Setting::Latency,
        Setting::MaxEntriesPerAppend,
        Setting::ClientTimeout,
        Setting::CheckpointEvery,
        Setting::Checkpoints,
        Setting::RunTime,
        Setting::RunEvents,
        Setting::Actions,
        Setting::SnapshotEvery,
    ];

    /// The table: each setting's accepted range.
    pub const fn range(self) -> Range {
        use Unit::*;
        let (min, max, unit) = match self {
            Setting::ElectionTimeout => (10, 60_000, Ms),
            Setting::Heartbeat => (5, 10_000, Ms),
            Setting::Latency => (0, super::network::MAX_LATENCY_MS, Ms),
            Setting::MaxEntriesPerAppend => (1, 1_000_000, Count),
            Setting::ClientTimeout => (10, 600_000, Ms),
            Setting::CheckpointEvery => (0, 3_600_000, Ms),
            Setting::Checkpoints => (2, 1_024, Count),
            Setting::RunTime => (0, 3_600_000, Ms),
            Setting::RunEvents => (0, 2_000_000, Count),
            Setting::Actions => (0, 20_000, Count),
            Setting::SnapshotEvery => (1, 100_000, Count),
        };
        Range { min, max, unit }
    }

    /// The setting's name as the scenario format and share links write it.
    pub fn name(self) -> &'static str {
        match self {
            Setting::ElectionTimeout => "election-timeout",
            Setting::Heartbeat => "heartbeat",
            Setting::Latency => "latency",
            Setting::MaxEntriesPerAppend => "max-entries-per-append",
            Setting::ClientTimeout => "client-timeout",
            Setting::CheckpointEvery => "checkpoint-every",
            Setting::Checkpoints => "checkpoints",
            Setting::RunTime => "run-time",
            Setting::RunEvents => "run-events",
            Setting::Actions => "actions",
            Setting::SnapshotEvery => "snapshots",
        }
    }

    /// `Ok` if `found` is in range, else the error that names the setting and its range.
    pub fn check(self, found: u64) -> Result<(), ConfigError> {
        if self.contains(found) {
            Ok(())
        } else {
            Err(ConfigError::OutOfRange { setting: self, found })
        }
    }

    /// The message of [`ConfigError::OutOfRange`]: the setting, its range and the value.
    pub fn out_of_range(self, found: u64) -> String {
        let r = self.range();
        format!("`{self}` must be from {} to {}, found {}", r.with_unit(r.min), r.with_unit(r.max), r.with_unit(found))
    }

    /// Whether `n` is in range.
    pub const fn contains(self, n: u64) -> bool {
        let r = self.range();
        r.min <= n && n <= r.max
    }

    /// The largest value, as a simulated time.
    pub const fn max_time(self) -> crate::raft::Time {
        crate::raft::Time(self.range().max * 1_000)
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Range {
    /// `n` written with this range's unit: `150ms`, `9`.
    pub fn with_unit(&self, n: u64) -> String {
        let unit = if self.unit == Unit::Ms { "ms" } else { "" };
        format!("{n}{unit}")
    }
}

/// Checks every ranged setting of `config` (the cluster size is checked by the caller:
/// benchmarks allow larger clusters).
pub fn check(config: &SimConfig) -> Result<(), ConfigError> {
    for (setting, value) in [
        (Setting::ElectionTimeout, config.election_timeout_min_ms),
        (Setting::ElectionTimeout, config.election_timeout_max_ms),
        (Setting::Heartbeat, config.heartbeat_ms),
        // Latency: `NetworkConfig::validate` checks it, with its own message.
        (Setting::MaxEntriesPerAppend, config.max_entries_per_append as u64),
        (Setting::ClientTimeout, config.client_timeout_ms),
        (Setting::CheckpointEvery, config.checkpoint_every_ms),
        (Setting::Checkpoints, config.max_checkpoints as u64),
    ] {
        setting.check(value)?;
    }
    if let Some(every) = config.snapshot_every {
        Setting::SnapshotEvery.check(every)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Sim;

    #[test]
    fn every_setting_is_in_the_table_and_the_docs() {
        let docs = include_str!("../../docs/limits.md");
        for s in Setting::ALL {
            let r = s.range();
            assert!(r.min <= r.max, "{s}");
            let row = format!("| `{}` | {} | {} |", s.name(), r.min, r.max);
            assert!(docs.contains(&row), "docs/limits.md lacks the row {row}");
        }
    }

    #[test]
    fn the_default_configuration_is_within_the_limits() {
        assert_eq!(check(&SimConfig::default()), Ok(()));
    }

    #[test]
    fn known_killers_are_refused_before_anything_is_built() {
        let huge_timeout =
            SimConfig { election_timeout_min_ms: 1 << 63, election_timeout_max_ms: 1 << 63, ..SimConfig::default() };
        assert_eq!(
            Sim::new(huge_timeout).err(),
            Some(ConfigError::OutOfRange { setting: Setting::ElectionTimeout, found: 1 << 63 })
        );
        // Once a panic ("capacity overflow"), or 171 GB natively.
        let servers = SimConfig { servers: u32::MAX, ..SimConfig::default() };
        assert_eq!(Sim::new(servers).err(), Some(ConfigError::Servers { max: 9, found: u32::MAX }));
        // The 4 GiB link: 1 ms heartbeat, 2..3 ms election timeouts, zero latency.
        let mut storm = SimConfig {
            servers: 9,
            heartbeat_ms: 1,
            election_timeout_min_ms: 2,
            election_timeout_max_ms: 3,
            ..SimConfig::default()
        };
        storm.network.latency_min_ms = 0;
        storm.network.latency_max_ms = 0;
        assert_eq!(
            Sim::new(storm).err(),
            Some(ConfigError::OutOfRange { setting: Setting::ElectionTimeout, found: 2 })
        );
        let client = SimConfig { client_timeout_ms: u64::MAX, ..SimConfig::default() };
        assert_eq!(
            Sim::new(client).err(),
            Some(ConfigError::OutOfRange { setting: Setting::ClientTimeout, found: u64::MAX })
        );
    }

    #[test]
    fn both_ends_of_each_range_are_accepted_and_one_past_refused() {
        for s in Setting::ALL {
            let r = s.range();
            assert_eq!(s.check(r.min), Ok(()));
            assert_eq!(s.check(r.max), Ok(()));
            assert_eq!(s.check(r.max + 1), Err(ConfigError::OutOfRange { setting: *s, found: r.max + 1 }));
            if r.min > 0 {
                assert_eq!(s.check(r.min - 1), Err(ConfigError::OutOfRange { setting: *s, found: r.min - 1 }));
            }
        }
    }
}
