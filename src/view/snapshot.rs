//! Log compaction (§7) as the page shows it: the prefix a snapshot replaced is one block
//! in a server's log row, labelled with its last included index and term and the
//! configuration it carries.

use super::i18n::{tf, K};
use crate::raft::Node;

/// The block that stands for a server's compacted prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotBlock {
    /// The last index the snapshot replaced: the block covers 1 to here.
    pub last_index: u64,
    /// That entry's term.
    pub last_term: u64,
    /// The configuration the snapshot carries (the latest one in the prefix).
    pub config: String,
}

impl SnapshotBlock {
    /// The block of `node`'s log, if it compacted any of it.
    pub fn of(node: &Node) -> Option<SnapshotBlock> {
        let log = node.log();
        let last_index = log.snapshot_index().0;
        if last_index == 0 {
            return None;
        }
        let config = node.snapshot().map(|s| s.config.to_string()).unwrap_or_default();
        Some(SnapshotBlock { last_index, last_term: log.snapshot_term().0, config })
    }

    /// The block's short label: `≤12 t3`.
    pub fn label(&self) -> String {
        tf(K::SnapshotBlockShort, &[&self.last_index, &self.last_term])
    }

    /// What the block is, in full: its last included index and term, and configuration.
    pub fn description(&self) -> String {
        tf(K::SnapshotBlockTitle, &[&self.last_index, &self.last_term, &self.config])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Duration, Op};
    use crate::sim::{Action, Sim, SimConfig};
    use crate::view::i18n::{set_lang, Lang};

    #[test]
    fn the_block_names_the_snapshots_last_entry_and_configuration_in_both_languages() {
        let config = SimConfig { servers: 3, seed: 4, snapshot_every: Some(2), ..SimConfig::default() };
        let mut sim = Sim::new(config).unwrap();
        let leader = sim.run_until_leader(Duration::from_ms(2000)).unwrap();
        assert_eq!(SnapshotBlock::of(&sim.server(leader).unwrap().node), None, "nothing compacted yet");
        for n in 0..5 {
            sim.act(Action::ClientRequest { via: leader, op: Op::Incr { key: format!("k{n}") } }).unwrap();
            sim.run_for(Duration::from_ms(40));
        }
        let node = &sim.server(leader).unwrap().node;
        let block = SnapshotBlock::of(node).expect("compacted");
        assert_eq!(block.last_index, node.log().snapshot_index().0);
        assert_eq!(block.last_term, node.term().0);
        assert_eq!(block.config, "{S1,S2,S3}");
        let (i, t) = (block.last_index.to_string(), block.last_term.to_string());
        for lang in Lang::ALL {
            set_lang(lang);
            for text in [block.label(), block.description()] {
                assert!(text.contains(&i) && text.contains(&t), "{lang:?}: {text}");
            }
            assert!(block.description().contains("{S1,S2,S3}"));
        }
        set_lang(Lang::English);
        // The log row: the block, then a cell for each entry still in the log, numbered
        // by its index in the log (not its place after the snapshot).
        let rows = crate::view::model::log_rows(&sim, 0, 100);
        let row = rows.iter().find(|r| r.id == leader).unwrap();
        assert_eq!(row.snapshot, Some(block.clone()));
        let indices: Vec<u64> = row.cells.iter().map(|c| c.index).collect();
        let expected: Vec<u64> = (block.last_index + 1..=node.log().last_index().0).collect();
        assert_eq!(indices, expected);
        assert!(row.cells.iter().all(|c| c.text.starts_with(&format!("{}: ", c.index))));
        // A window that starts inside the block has only the cells after it; one that
        // ends inside it has none.
        let later = crate::view::model::log_rows(&sim, 1, 100);
        assert_eq!(later.iter().find(|r| r.id == leader).unwrap().cells, row.cells);
        let early = crate::view::model::log_rows(&sim, 0, block.last_index as usize);
        assert!(early.iter().find(|r| r.id == leader).unwrap().cells.is_empty());
        // The inspector lists the newest entries by their indices, and the snapshot.
        let detail = crate::view::inspect::server_detail(&sim, leader).unwrap();
        assert_eq!(
            detail.log_tail.last().unwrap(),
            &format!("{}: {}", expected.last().unwrap(), node.log().entries().last().unwrap())
        );
        assert_eq!(detail.snapshot, Some(block.description()));
    }
}
