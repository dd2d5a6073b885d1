//! Log compaction (§7 of the paper, chapter 5 of the dissertation): a snapshot of the
//! state machine replaces the log up to its last included entry.

use super::kv::KvStore;
use super::quorum::Configuration;
use super::types::{LogIndex, Term};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A snapshot, as a server keeps it in stable storage and as InstallSnapshot carries it
/// (whole: the playground's state machines are small, so it is sent in one chunk).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    /// Figure 13: the index of the last entry the snapshot replaces...
    pub last_index: LogIndex,
    /// ...and its term, for the consistency check of the entry after it (§5.3).
    pub last_term: Term,
    /// §7: the latest configuration in the prefix it replaces (the bootstrap one when the
    /// prefix held none), so that membership survives compaction...
    pub config: Configuration,
    /// ...and the index of that configuration's entry (0 for the bootstrap one).
    pub config_index: LogIndex,
    /// The state machine after applying every entry up to `last_index`. Shared: the
    /// InstallSnapshot messages that carry it (and the history that keeps them) do not copy
    /// it.
    pub kv: Arc<KvStore>,
}
