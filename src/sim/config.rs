//! The settings of a run ([`SimConfig`]), why one is refused ([`ConfigError`]), and the
//! persistent state a server may start from ([`InitialState`]).

use super::network::{self, NetworkConfig};
use super::MAX_SERVERS;
use crate::raft::{BreakSwitches, Duration, Entry, NodeConfig, ProtocolOptions, ServerId, Term};
use serde::{Deserialize, Serialize};

/// Everything that defines a run before any user action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// How many servers the cluster starts with (S1..Sn), 1 to 9.
    pub servers: u32,
    /// The seed of the one RNG all randomness comes from.
    pub seed: u64,
    /// Election timeouts are drawn uniformly from this range, in milliseconds (§5.2).
    pub election_timeout_min_ms: u64,
    pub election_timeout_max_ms: u64,
    /// How often a leader sends AppendEntries, in milliseconds.
    pub heartbeat_ms: u64,
    pub network: NetworkConfig,
    pub breaks: BreakSwitches,
    /// PreVote and CheckQuorum: off by default, for the paper's Raft.
    pub options: ProtocolOptions,
    /// Log compaction (§7): every server snapshots its state machine after every this many
    /// applied entries (1 to [`super::limits::Setting::SnapshotEvery`]'s maximum). `None`,
    /// the default: the log is never compacted.
    pub snapshot_every: Option<u64>,
    /// At most this many entries travel in one AppendEntries.
    pub max_entries_per_append: usize,
    /// A client that has no answer after this long retries, in milliseconds.
    pub client_timeout_ms: u64,
    /// Take a checkpoint for time travel every this many simulated milliseconds (the
    /// interval doubles as the run grows, to keep at most `max_checkpoints`). 0: none.
    pub checkpoint_every_ms: u64,
    pub max_checkpoints: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            servers: 5,
            seed: 1,
            election_timeout_min_ms: 150,
            election_timeout_max_ms: 300,
            heartbeat_ms: 50,
            network: NetworkConfig::default(),
            breaks: BreakSwitches::default(),
            options: ProtocolOptions::default(),
            snapshot_every: None,
            max_entries_per_append: 64,
            client_timeout_ms: 1000,
            checkpoint_every_ms: 1000,
            max_checkpoints: 128,
        }
    }
}

impl SimConfig {
    /// Checks the settings; the error names the field and the accepted range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=MAX_SERVERS).contains(&self.servers) {
            return Err(ConfigError::Servers { max: MAX_SERVERS, found: self.servers });
        }
        self.validate_timing()
    }

    pub(super) fn validate_timing(&self) -> Result<(), ConfigError> {
        let (min_ms, max_ms) = (self.election_timeout_min_ms, self.election_timeout_max_ms);
        if min_ms == 0 || min_ms > max_ms {
            return Err(ConfigError::ElectionTimeout { min_ms, max_ms });
        }
        if self.heartbeat_ms == 0 || self.heartbeat_ms >= min_ms {
            return Err(ConfigError::Heartbeat { election_min_ms: min_ms, found_ms: self.heartbeat_ms });
        }
        if self.max_entries_per_append == 0 {
            return Err(ConfigError::MaxEntriesPerAppend);
        }
        self.network.validate()?;
        super::limits::check(self)
    }

    pub(super) fn node_config(&self) -> NodeConfig {
        NodeConfig {
            election_timeout_min: Duration::from_ms(self.election_timeout_min_ms),
            election_timeout_max: Duration::from_ms(self.election_timeout_max_ms),
            max_entries_per_append: self.max_entries_per_append,
            breaks: self.breaks,
            options: self.options,
            snapshot_every: self.snapshot_every,
        }
    }
}

/// Why a configuration was refused: the setting, the range it accepts and what it got.
/// Data, so that the page can say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ConfigError {
    #[error("servers must be between 1 and {max}, found {found}")]
    Servers { max: u32, found: u32 },
    #[error("election timeout must be a range like 150..300 with 0 < min <= max, found {min_ms}..{max_ms}")]
    ElectionTimeout { min_ms: u64, max_ms: u64 },
    #[error(
        "heartbeat must be above 0 and below the minimum election timeout ({election_min_ms}ms), found {found_ms}ms"
    )]
    Heartbeat { election_min_ms: u64, found_ms: u64 },
    #[error("max entries per append must be at least 1")]
    MaxEntriesPerAppend,
    /// A probability out of range, written as a number (an `f64` field would make the
    /// error lose `Eq`, and NaN is one of the values refused).
    #[error("loss must be between 0 and 1, found {0}")]
    Loss(String),
    #[error("duplication must be between 0 and 1, found {0}")]
    Duplication(String),
    #[error("latency minimum {min_ms}ms is above its maximum {max_ms}ms")]
    LatencyOrder { min_ms: u64, max_ms: u64 },
    /// The latency's maximum is above [`network::MAX_LATENCY_MS`].
    #[error("latency {0}ms is above the {limit}ms limit", limit = network::MAX_LATENCY_MS)]
    LatencyLimit(u64),
    /// A setting outside its range in the table of [`super::limits`].
    #[error("{}", setting.out_of_range(*found))]
    OutOfRange { setting: super::limits::Setting, found: u64 },
    /// Not one initial state per server.
    #[error("{given} initial states given for {servers} servers")]
    InitialStates { given: usize, servers: u32 },
    /// A server's initial term, or a term in its initial log, is the largest a term can
    /// be ([`crate::raft::Term::MAX`]), so the cluster could never elect past it.
    #[error("{server}'s initial term is the largest a term can be ({max}): no election could follow it", max = crate::raft::Term::MAX)]
    TermAtMaximum { server: ServerId },
}

impl From<ConfigError> for String {
    fn from(e: ConfigError) -> String {
        e.to_string()
    }
}

/// The persistent state a server starts with, to set up the paper's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitialState {
    pub term: Term,
    pub voted_for: Option<ServerId>,
    pub log: Vec<Entry>,
}
