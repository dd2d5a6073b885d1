//! The simulated network: latency, loss, duplication, partitions and cut links. Every
//! random choice comes from the simulator's one seeded RNG.

use super::ConfigError;
use crate::raft::{Duration, ServerId};
use crate::sorted::SortedSet;
use serde::{Deserialize, Serialize};

/// The largest one-way latency a run may set, in milliseconds.
pub const MAX_LATENCY_MS: u64 = 10_000;

/// Network settings that a user can change during a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Smallest one-way latency, in milliseconds.
    pub latency_min_ms: u64,
    /// Largest one-way latency, in milliseconds. Latencies are drawn uniformly in between,
    /// so messages may be reordered.
    pub latency_max_ms: u64,
    /// Probability that a message is lost in flight, from 0 to 1.
    pub loss: f64,
    /// Probability that a message is delivered twice, from 0 to 1.
    pub duplication: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig { latency_min_ms: 10, latency_max_ms: 20, loss: 0.0, duplication: 0.0 }
    }
}

impl NetworkConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(0.0..=1.0).contains(&self.loss) || self.loss.is_nan() {
            return Err(ConfigError::Loss(crate::decimal::shortest(self.loss)));
        }
        if !(0.0..=1.0).contains(&self.duplication) || self.duplication.is_nan() {
            return Err(ConfigError::Duplication(crate::decimal::shortest(self.duplication)));
        }
        let (min_ms, max_ms) = (self.latency_min_ms, self.latency_max_ms);
        if min_ms > max_ms {
            return Err(ConfigError::LatencyOrder { min_ms, max_ms });
        }
        if max_ms > MAX_LATENCY_MS {
            return Err(ConfigError::LatencyLimit(max_ms));
        }
        Ok(())
    }
    pub fn latency_min(&self) -> Duration {
        Duration::from_ms(self.latency_min_ms)
    }
    pub fn latency_max(&self) -> Duration {
        Duration::from_ms(self.latency_max_ms)
    }
}

/// Who can talk to whom.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    /// The partition group of each server, by id; servers not listed are in group 0.
    /// Messages only cross between servers of the same group.
    groups: Vec<u32>,
    /// Directed links that are cut: (from, to).
    cut: SortedSet<(ServerId, ServerId)>,
}

impl Topology {
    fn group(&self, id: ServerId) -> u32 {
        self.groups.get(id.0 as usize).copied().unwrap_or(0)
    }

    pub fn can_send(&self, from: ServerId, to: ServerId) -> bool {
        self.group(from) == self.group(to) && (self.cut.is_empty() || !self.cut.contains(&(from, to)))
    }

    pub fn is_partitioned(&self) -> bool {
        self.groups.iter().any(|g| *g != 0)
    }

    pub fn cut_links(&self) -> &SortedSet<(ServerId, ServerId)> {
        &self.cut
    }

    /// Groups as given by the user; every server not named joins group 0 (the first).
    pub fn partition(&mut self, groups: &[Vec<ServerId>]) {
        self.groups.clear();
        for (g, members) in groups.iter().enumerate() {
            for id in members {
                let i = id.0 as usize;
                if self.groups.len() <= i {
                    self.groups.resize(i + 1, 0);
                }
                self.groups[i] = g as u32;
            }
        }
    }

    pub fn group_of(&self, id: ServerId) -> u32 {
        self.group(id)
    }

    pub fn cut(&mut self, from: ServerId, to: ServerId) {
        self.cut.insert((from, to));
    }

    pub fn restore(&mut self, from: ServerId, to: ServerId) {
        self.cut.remove(&(from, to));
    }

    /// Removes every partition and every cut link.
    pub fn heal(&mut self) {
        self.groups.clear();
        self.cut.clear();
    }

    /// Are `a` and `b` connected in both directions?
    pub fn connected(&self, a: ServerId, b: ServerId) -> bool {
        self.can_send(a, b) && self.can_send(b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_and_cuts() {
        let s = |n| ServerId(n);
        let mut t = Topology::default();
        assert!(t.can_send(s(1), s(2)));
        t.partition(&[vec![s(1), s(2)], vec![s(3)]]);
        assert!(t.can_send(s(1), s(2)));
        assert!(!t.can_send(s(1), s(3)));
        // S4 was not named: it joins the first group.
        assert!(t.can_send(s(4), s(1)));
        t.heal();
        t.cut(s(1), s(2));
        assert!(!t.can_send(s(1), s(2)));
        assert!(t.can_send(s(2), s(1)));
        assert!(!t.connected(s(1), s(2)));
        t.restore(s(1), s(2));
        assert!(t.connected(s(1), s(2)));
    }

    #[test]
    fn validation_names_the_bad_field() {
        let mut n = NetworkConfig::default();
        assert!(n.validate().is_ok());
        n.loss = 1.5;
        assert_eq!(n.validate(), Err(ConfigError::Loss("1.5".into())));
        n.loss = 0.0;
        n.latency_min_ms = 30;
        let max_ms = n.latency_max_ms;
        assert_eq!(n.validate(), Err(ConfigError::LatencyOrder { min_ms: 30, max_ms }));
    }
}
