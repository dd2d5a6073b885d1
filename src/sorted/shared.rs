//! A sorted map whose clones share their entries: the sessions of the key-value state
//! machine (one per client that ever wrote, so thousands in a long run), which every
//! snapshot (§7) copies.
//!
//! The entries are kept in order in chunks of at most [`CHUNK`], each behind an `Arc`.
//! Cloning the map copies only the list of chunks; a change copies the one chunk it
//! touches if a clone still shares it (`Arc::make_mut`). So a snapshot of a state machine
//! with n sessions costs n / [`CHUNK`] reference counts instead of n entries, and the next
//! request applied copies one chunk. It reads, compares, hashes and serializes exactly as
//! [`SortedMap`] does, so the state hash does not depend on which of the two holds the
//! entries.

use super::SortedMap;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The most entries a chunk holds.
const CHUNK: usize = 64;

/// A map with ordered keys, iterated in key order, cheap to clone (see the module).
// Invariant: no chunk is empty, none holds more than `CHUNK` entries, and the keys
// increase strictly from the first entry of the first chunk to the last of the last.
#[derive(Clone)]
pub struct SharedMap<K, V> {
    chunks: Vec<Arc<Vec<(K, V)>>>,
    len: usize,
}

impl<K, V> SharedMap<K, V> {
    pub const fn new() -> Self {
        SharedMap { chunks: Vec::new(), len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries, smallest key first.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> + Clone {
        self.chunks.iter().flat_map(|c| c.iter()).map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> SharedMap<K, V> {
    /// The chunk that holds `key` or would take it (the last one for a key past every
    /// other), and where in that chunk: `Ok` at the key, `Err` where it would go.
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(usize, Result<usize, usize>)>
    where
        K: Borrow<Q>,
    {
        let last = self.chunks.len().checked_sub(1)?;
        let c = self.chunks.partition_point(|c| c.last().is_some_and(|(k, _)| k.borrow() < key)).min(last);
        Some((c, self.chunks[c].binary_search_by(|(k, _)| k.borrow().cmp(key))))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        match self.find(key)? {
            (c, Ok(at)) => Some(&self.chunks[c][at].1),
            _ => None,
        }
    }
}

impl<K: Ord + Clone, V: Clone> SharedMap<K, V> {
    /// Sets `key` to `value`; the value it had before, if any. Copies the chunk it changes
    /// if a clone shares it.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let Some((c, found)) = self.find(&key) else {
            self.chunks.push(Arc::new(vec![(key, value)]));
            self.len = 1;
            return None;
        };
        let at = match found {
            Ok(at) => return Some(std::mem::replace(&mut Arc::make_mut(&mut self.chunks[c])[at].1, value)),
            Err(at) => at,
        };
        self.len += 1;
        let full = self.chunks[c].len() == CHUNK;
        if full && at == CHUNK && c + 1 == self.chunks.len() {
            // Past the end of a full last chunk (keys that only grow, as clients'
            // numbers do): a new chunk, so that the full ones stay full and shared.
            self.chunks.push(Arc::new(vec![(key, value)]));
            return None;
        }
        let chunk = Arc::make_mut(&mut self.chunks[c]);
        chunk.insert(at, (key, value));
        if full {
            let upper = chunk.split_off(CHUNK / 2);
            self.chunks.insert(c + 1, Arc::new(upper));
        }
        None
    }
}

impl<K, V> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap::new()
    }
}

impl<K: Ord + Clone, V: Clone> FromIterator<(K, V)> for SharedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = SharedMap::new();
        for (k, v) in entries {
            map.insert(k, v);
        }
        map
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for SharedMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: Eq, V: Eq> Eq for SharedMap<K, V> {}

/// As [`SortedMap`]'s (a slice of pairs): the length, then each key and value.
impl<K: Hash, V: Hash> Hash for SharedMap<K, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len);
        for (k, v) in self.iter() {
            k.hash(state);
            v.hash(state);
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SharedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As a map, like [`SortedMap`] and `BTreeMap`.
impl<K: Serialize, V: Serialize> Serialize for SharedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Not `collect_map`: the chunks' iterator does not know its length, and postcard
        // writes the length first.
        let mut map = serializer.serialize_map(Some(self.len))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, K: Ord + Clone + Deserialize<'de>, V: Clone + Deserialize<'de>> Deserialize<'de> for SharedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SortedMap::<K, V>::deserialize(deserializer).map(|m| m.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Inserts (at random keys, and at keys that only grow, as clients' numbers do)
        /// answer as `BTreeMap`'s; the map then holds the same entries in the same order,
        /// compares, hashes and serializes as a `SortedMap` of them, and a clone taken
        /// along the way still holds what the map held then.
        #[test]
        fn a_shared_map_behaves_as_a_btree_map_and_its_clones_do_not_change(
            ops in proptest::collection::vec((0u16..400, any::<u8>(), any::<bool>()), 0..600),
            clone_at in 0usize..600,
        ) {
            let (mut ours, mut model) = (SharedMap::new(), BTreeMap::new());
            let mut taken = None;
            for (i, (key, value, ascending)) in ops.iter().copied().enumerate() {
                let key = if ascending { 400 + i as u16 } else { key };
                if i == clone_at {
                    taken = Some((ours.clone(), model.clone()));
                }
                prop_assert_eq!(ours.insert(key, value), model.insert(key, value));
                prop_assert_eq!(ours.len(), model.len());
            }
            prop_assert_eq!(ours.iter().collect::<Vec<_>>(), model.iter().collect::<Vec<_>>());
            prop_assert!(ours.chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK));
            for k in 0..1000u16 {
                prop_assert_eq!(ours.get(&k), model.get(&k));
            }
            let sorted: SortedMap<u16, u8> = model.iter().map(|(k, v)| (*k, *v)).collect();
            let hash = |h: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
                let mut s = std::collections::hash_map::DefaultHasher::new();
                h(&mut s);
                s.finish()
            };
            prop_assert_eq!(hash(&|s| ours.hash(s)), hash(&|s| sorted.hash(s)));
            prop_assert_eq!(postcard::to_allocvec(&ours).unwrap(), postcard::to_allocvec(&sorted).unwrap());
            prop_assert_eq!(format!("{ours:?}"), format!("{sorted:?}"));
            let back: SharedMap<u16, u8> = postcard::from_bytes(&postcard::to_allocvec(&ours).unwrap()).unwrap();
            prop_assert_eq!(&back, &ours);
            if let Some((then, model_then)) = taken {
                prop_assert_eq!(then.iter().collect::<Vec<_>>(), model_then.iter().collect::<Vec<_>>());
                prop_assert_eq!(then == ours, model_then == model);
            }
        }
    }

    #[test]
    fn a_clone_shares_every_chunk_until_one_is_changed() {
        let mut map: SharedMap<u32, u32> = (0..1000).map(|k| (k, k)).collect();
        let snapshot = map.clone();
        let shared = |a: &SharedMap<u32, u32>, b: &SharedMap<u32, u32>| {
            a.chunks.iter().zip(&b.chunks).filter(|(x, y)| Arc::ptr_eq(x, y)).count()
        };
        let chunks = map.chunks.len();
        assert_eq!(chunks, 1000usize.div_ceil(CHUNK), "keys that only grow fill each chunk");
        assert_eq!(shared(&map, &snapshot), chunks);
        map.insert(1000, 0);
        map.insert(500, 7);
        assert_eq!(shared(&map, &snapshot), chunks - 2, "the last chunk and the one holding 500 were copied");
        assert_eq!((snapshot.get(&500), snapshot.get(&1000), snapshot.len()), (Some(&500), None, 1000));
        assert_eq!((map.get(&500), map.get(&1000), map.len()), (Some(&7), Some(&0), 1001));
    }
}
