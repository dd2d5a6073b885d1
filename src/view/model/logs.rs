//! The logs panel: one row per server with its cells, and a fingerprint of what the
//! panel shows so that it is redrawn only when that changes.

use crate::raft::{Configuration, Payload, RoleKind, ServerId};
use crate::sim::Sim;

/// One log entry as a cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    pub index: u64,
    pub term: u64,
    pub kind: EntryKind,
    pub committed: bool,
    /// The entry in words, for its tooltip and accessible name.
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Noop,
    Command,
    /// C_old,new
    Joint,
    /// C_new (or any simple configuration)
    NewConfig,
}

/// One server's row in the logs, for the cells `first..first + count`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRowView {
    pub id: ServerId,
    pub role: RoleKind,
    pub alive: bool,
    pub retired: bool,
    /// Where it stands towards the cluster, for its label (as on the ring).
    pub standing: super::Standing,
    pub last_index: u64,
    pub commit_index: u64,
    /// The cells of the window after the snapshot, if any: the entries still in the log.
    pub cells: Vec<CellView>,
    /// The prefix a snapshot replaced (§7), drawn as one block.
    pub snapshot: Option<crate::view::snapshot::SnapshotBlock>,
    /// When this server is a follower of the current leader: (nextIndex, matchIndex).
    pub progress: Option<(u64, u64)>,
    /// The applied key-value state, `key=value` in key order.
    pub kv: Vec<(String, String)>,
}

/// The longest log of any server: the logs panel is this many cells wide.
pub fn longest_log(sim: &Sim) -> u64 {
    sim.servers().iter().map(|s| s.node.log().last_index().0).max().unwrap_or(0)
}

/// A fingerprint of everything the logs panel shows: each server's log length and last
/// term, commit and applied indices, role and liveness, and the leader's nextIndex and
/// matchIndex. The panel is redrawn only when it changes, not on every heartbeat.
pub fn logs_signature(sim: &Sim) -> u64 {
    let mut bytes: Vec<u8> = Vec::with_capacity(sim.servers().len() * 48 + 64);
    let mut put = |v: u64| bytes.extend_from_slice(&v.to_le_bytes());
    let standings = super::Standings::of(sim);
    for slot in sim.servers() {
        put(standings.standing(slot) as u64);
        let node = &slot.node;
        put(node.log().last_index().0);
        put(node.log().last_term().0);
        put(node.log().snapshot_index().0);
        put(node.commit_index().0);
        put(node.last_applied().0);
        // The standing above covers `retired`.
        put(node.role_kind() as u64 | (slot.alive as u64) << 8);
    }
    if let Some(l) = sim.leader().and_then(|l| sim.server(l)).and_then(|s| s.node.leader_state()) {
        put(sim.leader().map_or(0, |l| l.0 as u64));
        for (id, p) in &l.progress {
            put(id.0 as u64);
            put(p.next_index.0);
            put(p.match_index.0);
        }
    }
    crate::sim::fnv1a(&bytes)
}

/// Every server's log row, with the cells from index `first + 1` (cells are 0-based,
/// indices 1-based) for `count` cells.
pub fn log_rows(sim: &Sim, first: usize, count: usize) -> Vec<LogRowView> {
    let leader_progress = sim.leader().and_then(|l| sim.server(l)).and_then(|s| s.node.leader_state().cloned());
    let standings = super::Standings::of(sim);
    sim.servers()
        .iter()
        .map(|slot| {
            let node = &slot.node;
            let log = node.log();
            let commit = node.commit_index().0;
            // Cell k shows index k + 1; the log holds the entries after its snapshot.
            let (offset, entries) = (log.snapshot_index().0 as usize, log.entries());
            let start = first.max(offset);
            let end = (first + count).min(offset + entries.len());
            let cells = entries
                .get(start.min(end) - offset..end.max(start) - offset)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(k, entry)| {
                    let index = (start + k + 1) as u64;
                    let kind = match &entry.payload {
                        Payload::Noop => EntryKind::Noop,
                        Payload::Command(_) => EntryKind::Command,
                        Payload::Config(Configuration::Joint { .. }) => EntryKind::Joint,
                        Payload::Config(_) => EntryKind::NewConfig,
                    };
                    CellView {
                        index,
                        term: entry.term.0,
                        kind,
                        committed: index <= commit,
                        text: format!("{index}: {entry}"),
                    }
                })
                .collect();
            let progress = leader_progress
                .as_ref()
                .and_then(|l| l.progress.get(&node.id()))
                .map(|p| (p.next_index.0, p.match_index.0));
            LogRowView {
                id: node.id(),
                role: if slot.alive { node.role_kind() } else { RoleKind::Follower },
                alive: slot.alive,
                retired: slot.retired,
                standing: standings.standing(slot),
                last_index: log.last_index().0,
                commit_index: commit,
                cells,
                snapshot: crate::view::snapshot::SnapshotBlock::of(node),
                progress,
                kv: node.kv().data.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            }
        })
        .collect()
}
