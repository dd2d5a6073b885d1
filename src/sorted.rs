//! Small ordered collections: a set and a map kept as one sorted `Vec`.
//!
//! They stand in for `BTreeSet` and `BTreeMap` wherever the core, the simulator and the
//! scenario format keep a few keys in order: the servers of a configuration, a
//! candidate's votes, a leader's progress, the names of a scenario. Iteration is in key
//! order and every key appears once, exactly as with the B-trees, and they serialize the
//! same way (a set as a sequence, a map as a map), so [`crate::sim::Sim::state_hash`] is
//! unchanged. Why not the B-trees: each key type instantiated the whole B-tree (nodes,
//! balancing, removal, cloning) again, ~45 KB of the page's WebAssembly over a dozen types,
//! for collections of at most a few dozen keys. A sorted vector is a binary search and a
//! `Vec::insert`; for such sizes it is also faster. The tests check both against the
//! B-trees they replace, operation by operation and byte by byte.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

mod shared;
pub use shared::SharedMap;

/// A set of ordered values, iterated in order.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedSet<T>(Vec<T>);

impl<T> SortedSet<T> {
    pub const fn new() -> Self {
        SortedSet(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values, smallest first.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.0.last()
    }

    /// The values, smallest first, as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep)
    }

    pub fn clear(&mut self) {
        self.0.clear()
    }
}

impl<T: Ord> SortedSet<T> {
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.0.binary_search_by(|v| v.borrow().cmp(value))
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    /// Adds `value`; false if it was there already (and then the set is unchanged).
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, value);
                true
            }
        }
    }

    /// Removes `value`; false if it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.find(value) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// The values of `self` that are not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a SortedSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.0.iter().filter(move |v| !other.contains(*v))
    }

    /// The values in both, in order.
    pub fn intersection<'a>(&'a self, other: &'a SortedSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.0.iter().filter(move |v| other.contains(*v))
    }

    /// The values in either.
    pub fn union(&self, other: &SortedSet<T>) -> SortedSet<T>
    where
        T: Clone,
    {
        let mut all = self.clone();
        all.extend(other.iter().cloned());
        all
    }

    pub fn is_subset(&self, other: &SortedSet<T>) -> bool {
        self.0.iter().all(|v| other.contains(v))
    }
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet::new()
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, values: I) {
        for v in values {
            self.insert(v);
        }
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut set = SortedSet::new();
        set.extend(values);
        set
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(values: [T; N]) -> Self {
        values.into_iter().collect()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.0).finish()
    }
}

/// As a sequence, like `BTreeSet`.
impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(&self.0)
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(SortedSet::from_iter)
    }
}

/// A map with ordered keys, iterated in key order.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V>(Vec<(K, V)>);

type Pair<'a, K, V> = (&'a K, &'a V);
/// The iterator of `SortedMap::iter`: a named type, so `IntoIterator for &SortedMap` can name it.
pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&(K, V)) -> Pair<'_, K, V>>;

impl<K, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries, smallest key first.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The `i`-th smallest key.
    pub fn key_at(&self, i: usize) -> Option<&K> {
        self.0.get(i).map(|(k, _)| k)
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl Iterator<Item = V> {
        self.0.into_iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.0.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.0.last().map(|(k, v)| (k, v))
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v))
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &self.0[at].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &mut self.0[at].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it had before, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, value)),
            Err(at) => {
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    /// Takes `key` out; the value it had, if any.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| self.0.remove(at).1)
    }

    /// The value at `key`, put there by `make` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let at = match self.find(&key) {
            Ok(at) => at,
            Err(at) => {
                self.0.insert(at, (key, make()));
                at
            }
        };
        &mut self.0[at].1
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k, v);
        }
    }
}

/// A key given twice keeps its last value, as with `BTreeMap`.
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(entries);
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for this key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As a map, like `BTreeMap`.
impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = SortedMap::new();
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Clone, Debug)]
    enum SetOp {
        Insert(u8),
        Remove(u8),
        Retain(u8),
    }

    fn set_op() -> impl Strategy<Value = SetOp> {
        prop_oneof![
            (0u8..40).prop_map(SetOp::Insert),
            (0u8..40).prop_map(SetOp::Remove),
            (2u8..5).prop_map(SetOp::Retain),
        ]
    }

    #[derive(Clone, Debug)]
    enum MapOp {
        Insert(u8, u16),
        Remove(u8),
        GetOrInsert(u8, u16),
        Bump(u8),
        Retain(u8),
    }

    fn map_op() -> impl Strategy<Value = MapOp> {
        prop_oneof![
            (0u8..40, any::<u16>()).prop_map(|(k, v)| MapOp::Insert(k, v)),
            (0u8..40).prop_map(MapOp::Remove),
            (0u8..40, any::<u16>()).prop_map(|(k, v)| MapOp::GetOrInsert(k, v)),
            (0u8..40).prop_map(MapOp::Bump),
            (2u8..5).prop_map(MapOp::Retain),
        ]
    }

    proptest! {
        /// Every operation answers as `BTreeSet`'s does, and afterwards the two hold the
        /// same values in the same order and serialize to the same bytes.
        #[test]
        fn a_set_behaves_as_a_btree_set(ops in proptest::collection::vec(set_op(), 0..120), other in proptest::collection::vec(0u8..40, 0..20)) {
            let (mut ours, mut model) = (SortedSet::new(), BTreeSet::new());
            for op in ops {
                match op {
                    SetOp::Insert(v) => prop_assert_eq!(ours.insert(v), model.insert(v)),
                    SetOp::Remove(v) => prop_assert_eq!(ours.remove(&v), model.remove(&v)),
                    SetOp::Retain(m) => {
                        ours.retain(|v| v % m != 0);
                        model.retain(|v| v % m != 0);
                    }
                }
                prop_assert_eq!(ours.iter().collect::<Vec<_>>(), model.iter().collect::<Vec<_>>());
            }
            prop_assert_eq!(ours.len(), model.len());
            prop_assert_eq!(ours.first(), model.first());
            prop_assert_eq!(ours.last(), model.last());
            prop_assert_eq!(postcard::to_allocvec(&ours).unwrap(), postcard::to_allocvec(&model).unwrap());
            prop_assert_eq!(format!("{ours:?}"), format!("{model:?}"));
            let (o, m): (SortedSet<u8>, BTreeSet<u8>) = (other.iter().copied().collect(), other.iter().copied().collect());
            prop_assert_eq!(o.iter().collect::<Vec<_>>(), m.iter().collect::<Vec<_>>());
            prop_assert_eq!(ours.difference(&o).collect::<Vec<_>>(), model.difference(&m).collect::<Vec<_>>());
            prop_assert_eq!(ours.intersection(&o).collect::<Vec<_>>(), model.intersection(&m).collect::<Vec<_>>());
            prop_assert_eq!(ours.union(&o).into_iter().collect::<Vec<_>>(), model.union(&m).copied().collect::<Vec<_>>());
            prop_assert_eq!(ours.is_subset(&o), model.is_subset(&m));
            for v in 0..40 {
                prop_assert_eq!(ours.contains(&v), model.contains(&v));
            }
            let back: SortedSet<u8> = postcard::from_bytes(&postcard::to_allocvec(&ours).unwrap()).unwrap();
            prop_assert_eq!(back, ours);
        }

        /// The same for the map against `BTreeMap`.
        #[test]
        fn a_map_behaves_as_a_btree_map(ops in proptest::collection::vec(map_op(), 0..120)) {
            let (mut ours, mut model) = (SortedMap::new(), BTreeMap::new());
            for op in ops {
                match op {
                    MapOp::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), model.insert(k, v)),
                    MapOp::Remove(k) => prop_assert_eq!(ours.remove(&k), model.remove(&k)),
                    MapOp::GetOrInsert(k, v) => prop_assert_eq!(*ours.get_or_insert_with(k, || v), *model.entry(k).or_insert(v)),
                    MapOp::Bump(k) => {
                        if let (Some(a), Some(b)) = (ours.get_mut(&k), model.get_mut(&k)) {
                            *a = a.wrapping_add(1);
                            *b = b.wrapping_add(1);
                        }
                    }
                    MapOp::Retain(m) => {
                        ours.retain(|k, _| k % m != 0);
                        model.retain(|k, _| k % m != 0);
                    }
                }
                prop_assert_eq!(ours.iter().collect::<Vec<_>>(), model.iter().collect::<Vec<_>>());
            }
            for k in 0..40 {
                prop_assert_eq!(ours.get(&k), model.get(&k));
                prop_assert_eq!(ours.contains_key(&k), model.contains_key(&k));
            }
            prop_assert_eq!(ours.first_key_value(), model.first_key_value());
            prop_assert_eq!(ours.last_key_value(), model.last_key_value());
            prop_assert_eq!(ours.keys().collect::<Vec<_>>(), model.keys().collect::<Vec<_>>());
            let by_position: Vec<&u8> = (0..=ours.len()).map_while(|i| ours.key_at(i)).collect();
            prop_assert_eq!(by_position, model.keys().collect::<Vec<_>>());
            prop_assert_eq!(ours.values().collect::<Vec<_>>(), model.values().collect::<Vec<_>>());
            prop_assert_eq!(postcard::to_allocvec(&ours).unwrap(), postcard::to_allocvec(&model).unwrap());
            prop_assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&model).unwrap());
            prop_assert_eq!(format!("{ours:?}"), format!("{model:?}"));
            let back: SortedMap<u8, u16> = serde_json::from_str(&serde_json::to_string(&ours).unwrap()).unwrap();
            prop_assert_eq!(back, ours);
        }
    }

    #[test]
    fn building_from_values_sorts_them_and_keeps_each_once() {
        let set = SortedSet::from([5, 1, 3, 1, 5]);
        assert_eq!(set.as_slice(), &[1, 3, 5]);
        let map = SortedMap::from([("b", 1), ("a", 2), ("b", 3)]);
        assert_eq!(map.iter().collect::<Vec<_>>(), vec![(&"a", &2), (&"b", &3)], "the last value of a key wins");
        assert_eq!(map["b"], 3);
        let strings: SortedMap<String, u8> = SortedMap::from([("x".to_string(), 1)]);
        assert_eq!(strings.get("x"), Some(&1), "looked up by a borrowed key");
    }
}
