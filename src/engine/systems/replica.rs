//! A primary database with a lagging read replica (seed 002, race 7 "replica lag cascade").
//!
//! Real-world behaviour modelled: high-volume automation sends its reads to read replicas
//! to spare the primary. Every write commits on the primary at once and reaches the
//! replica some time later (replication lag), so a decision made on a replica read can use
//! stale data, e.g. list membership from before the change that triggered the decision.
//!
//! Each write's lag is given by the caller (drawn through its chooser). Replication
//! replays writes in commit order, so a write never becomes visible on the replica before
//! an earlier one: its apply time is `max(now + lag, previous apply time)`.
//!
//! Keys are of any ordered type (the change feed keys its store by person, so a write
//! neither allocates nor compares text); versions are per key: 1 for the first write, +1
//! for each later one; 0 means "absent".
//! [`ReplicatedStore::is_stale`] says whether a replica read would miss a newer primary
//! version (the "no decision on stale data" invariant); the fixes read the primary or
//! demand a minimum version ([`ReplicatedStore::read_replica_at_least`]).

use serde::Serialize;
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::ops::Bound;

/// One committed version of a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct VersionedValue<V> {
    pub version: u64,
    pub value: V,
    /// Commit time on the primary.
    pub written_at: u64,
    /// Time the replica shows this version.
    pub applied_at: u64,
}

/// The primary and one replica, as the history of every key.
///
/// The stored versions are also counted by apply time, so [`ReplicatedStore::next_apply_time`]
/// is O(log n) rather than a scan of every key's history. The count is derived from the
/// histories: equality and hashing leave it out.
#[derive(Debug, Clone, Serialize)]
pub struct ReplicatedStore<K, V> {
    /// Versions of each key, oldest first.
    keys: BTreeMap<K, Vec<VersionedValue<V>>>,
    /// Stored versions by apply time: how many apply at each time.
    #[serde(skip)]
    applies: BTreeMap<u64, u32>,
    /// Apply time of the latest write (replication is in commit order).
    last_applied_at: u64,
    writes: u64,
}

impl<K, V> Default for ReplicatedStore<K, V> {
    fn default() -> Self {
        ReplicatedStore {
            keys: BTreeMap::new(),
            applies: BTreeMap::new(),
            last_applied_at: 0,
            writes: 0,
        }
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for ReplicatedStore<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys
            && self.last_applied_at == other.last_applied_at
            && self.writes == other.writes
    }
}

impl<K: Eq, V: Eq> Eq for ReplicatedStore<K, V> {}

impl<K: Hash, V: Hash> Hash for ReplicatedStore<K, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.keys.hash(state);
        self.last_applied_at.hash(state);
        self.writes.hash(state);
    }
}

impl<K: Ord, V> ReplicatedStore<K, V> {
    pub fn new() -> Self {
        ReplicatedStore::default()
    }

    /// Writes committed so far.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Commit `value` for `key` on the primary at `now`; the replica shows it `lag_ms`
    /// later (or later still, after earlier writes). Returns the new version.
    pub fn write(&mut self, now: u64, key: K, value: V, lag_ms: u64) -> u64 {
        let applied_at = now.saturating_add(lag_ms).max(self.last_applied_at);
        self.last_applied_at = applied_at;
        let history = self.keys.entry(key).or_default();
        let version = history.last().map_or(1, |v| v.version + 1);
        history.push(VersionedValue {
            version,
            value,
            written_at: now,
            applied_at,
        });
        *self.applies.entry(applied_at).or_default() += 1;
        self.writes += 1;
        version
    }

    /// The primary's current value and version.
    pub fn read_primary<Q>(&self, key: &Q) -> Option<(&V, u64)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.keys.get(key)?.last().map(|v| (&v.value, v.version))
    }

    /// What the replica shows at `now`: the newest version applied by then.
    pub fn read_replica<Q>(&self, now: u64, key: &Q) -> Option<(&V, u64)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.replica_entry(now, key).map(|v| (&v.value, v.version))
    }

    /// The replica's read if it has at least `min_version`, else `None` (the caller
    /// retries later or reads the primary): the read-your-writes / version-check fix.
    pub fn read_replica_at_least<Q>(&self, now: u64, key: &Q, min_version: u64) -> Option<(&V, u64)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        if self.replica_version(now, key) < min_version {
            return None;
        }
        self.read_replica(now, key)
    }

    /// The primary's version of `key` (0 if never written).
    pub fn primary_version<Q>(&self, key: &Q) -> u64
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.keys
            .get(key)
            .and_then(|h| h.last())
            .map_or(0, |v| v.version)
    }

    /// The version the replica shows at `now` (0 if none yet).
    pub fn replica_version<Q>(&self, now: u64, key: &Q) -> u64
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.replica_entry(now, key).map_or(0, |v| v.version)
    }

    /// Whether a replica read of `key` at `now` would miss a newer primary version.
    pub fn is_stale<Q>(&self, now: u64, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.replica_version(now, key) < self.primary_version(key)
    }

    /// When the replica will show the primary's current version of `key`.
    pub fn caught_up_at<Q>(&self, key: &Q) -> Option<u64>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.keys.get(key)?.last().map(|v| v.applied_at)
    }

    /// The earliest time after `now` when some write reaches the replica.
    pub fn next_apply_time(&self, now: u64) -> Option<u64> {
        self.applies
            .range((Bound::Excluded(now), Bound::Unbounded))
            .next()
            .map(|(&t, _)| t)
    }

    /// Keys ever written, in order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.keys.keys()
    }

    /// Drop versions no read at or after `now` can see: those older than the newest
    /// version already applied. Assumes reads never go back before `now`.
    pub fn compact(&mut self, now: u64) {
        for history in self.keys.values_mut() {
            if let Some(i) = history.iter().rposition(|v| v.applied_at <= now) {
                for dropped in history.drain(..i) {
                    let count = self
                        .applies
                        .get_mut(&dropped.applied_at)
                        .expect("every stored version is counted");
                    *count -= 1;
                    if *count == 0 {
                        self.applies.remove(&dropped.applied_at);
                    }
                }
            }
        }
    }

    fn replica_entry<Q>(&self, now: u64, key: &Q) -> Option<&VersionedValue<V>>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.keys
            .get(key)?
            .iter()
            .rev()
            .find(|v| v.applied_at <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_sees_writes_at_once_and_replica_after_the_lag() {
        let mut db = ReplicatedStore::new();
        assert_eq!(db.write(100, "lead:7:list:west", true, 500), 1);
        assert_eq!(db.read_primary("lead:7:list:west"), Some((&true, 1)));
        assert_eq!(db.read_replica(599, "lead:7:list:west"), None);
        assert!(db.is_stale(599, "lead:7:list:west"));
        assert_eq!(db.read_replica(600, "lead:7:list:west"), Some((&true, 1)));
        assert!(!db.is_stale(600, "lead:7:list:west"));
        assert_eq!(db.caught_up_at("lead:7:list:west"), Some(600));
    }

    #[test]
    fn versions_count_per_key() {
        let mut db = ReplicatedStore::new();
        assert_eq!(db.write(0, "a", 1, 0), 1);
        assert_eq!(db.write(0, "b", 1, 0), 1);
        assert_eq!(db.write(1, "a", 2, 0), 2);
        assert_eq!(db.primary_version("a"), 2);
        assert_eq!(db.primary_version("b"), 1);
        assert_eq!(db.primary_version("c"), 0);
        assert_eq!(db.keys().collect::<Vec<_>>(), vec![&"a", &"b"]);
        // Keyed by number, a write neither allocates nor compares text.
        let mut by_person = ReplicatedStore::<u32, _>::new();
        assert_eq!(by_person.write(0, 10, 'x', 0), 1);
        assert_eq!(by_person.write(0, 2, 'y', 0), 1);
        assert_eq!(by_person.write(5, 10, 'z', 0), 2);
        assert_eq!(by_person.primary_version(&10), 2);
        assert_eq!(by_person.keys().collect::<Vec<_>>(), vec![&2, &10]);
    }

    #[test]
    fn stale_read_returns_the_old_value_during_the_lag() {
        // Race 7: the lead moves West -> East; a decision reads the replica too early.
        let mut db = ReplicatedStore::new();
        db.write(0, "region", "West", 0);
        db.write(1_000, "region", "East", 2_000);
        assert_eq!(db.read_replica(1_500, "region"), Some((&"West", 1)));
        assert!(db.is_stale(1_500, "region"));
        assert_eq!(db.read_primary("region"), Some((&"East", 2)));
        assert_eq!(db.read_replica(3_000, "region"), Some((&"East", 2)));
        assert!(!db.is_stale(3_000, "region"));
        assert_eq!(db.writes(), 2);
    }

    #[test]
    fn replication_applies_in_commit_order() {
        let mut db = ReplicatedStore::new();
        db.write(0, "x", 'a', 5_000);
        // A later write with a short lag still waits for the earlier one.
        db.write(10, "y", 'b', 10);
        assert_eq!(db.caught_up_at("y"), Some(5_000));
        assert_eq!(db.read_replica(100, "y"), None);
        assert_eq!(db.next_apply_time(0), Some(5_000));
        assert_eq!(db.next_apply_time(5_000), None);
    }

    #[test]
    fn version_check_refuses_a_replica_that_is_behind() {
        let mut db = ReplicatedStore::new();
        db.write(0, "k", 10, 0);
        let mine = db.write(100, "k", 20, 1_000);
        assert_eq!(db.read_replica_at_least(200, "k", mine), None);
        assert_eq!(db.read_replica_at_least(200, "k", 1), Some((&10, 1)));
        assert_eq!(db.read_replica_at_least(1_100, "k", mine), Some((&20, 2)));
    }

    /// The apply-time count answers what a scan of every history answers.
    #[test]
    fn next_apply_time_agrees_with_a_scan() {
        let mut db = ReplicatedStore::new();
        let mut x: u64 = 3;
        let mut now = 0;
        for i in 0..1_000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = x >> 40;
            now += r % 20;
            db.write(now, format!("k{}", r % 7), i, r % 300);
            if i % 50 == 0 {
                db.compact(now);
            }
            for probe in [now, now.saturating_sub(100), now + 150] {
                let scan = db
                    .keys
                    .values()
                    .flatten()
                    .map(|v| v.applied_at)
                    .filter(|&t| t > probe)
                    .min();
                assert_eq!(db.next_apply_time(probe), scan);
            }
        }
    }

    #[test]
    fn compact_keeps_what_reads_can_still_see() {
        let mut db = ReplicatedStore::new();
        db.write(0, "k", 1, 0);
        db.write(10, "k", 2, 0);
        db.write(20, "k", 3, 100);
        db.compact(50);
        assert_eq!(db.next_apply_time(0), Some(10));
        assert_eq!(db.next_apply_time(10), Some(120));
        assert_eq!(db.read_replica(50, "k"), Some((&2, 2)));
        assert_eq!(db.read_replica(120, "k"), Some((&3, 3)));
        assert_eq!(db.keys["k"].len(), 2);
    }
}
