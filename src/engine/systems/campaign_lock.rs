//! The Salesforce-side lock on a parent Campaign record (seed 003, race 6 "lock storm").
//!
//! Real-world behaviour modelled: inserting a CampaignMember locks its parent Campaign
//! record for the length of the transaction. Concurrent inserts on the same campaign wait
//! for the lock in arrival order; a request that would wait longer than the lock-wait
//! timeout (about 10 s) fails with `UNABLE_TO_LOCK_ROW` and the response is lost unless the
//! sender retries.
//!
//! Because waiters are served first come first served and each holder's hold time is known
//! when it asks (the caller draws it), the outcome of a request is computed at request time
//! from the queue of granted holders: it starts when the last holder ends. A request that
//! times out never holds the lock, so it delays no one.

use serde::Serialize;
use std::collections::VecDeque;

/// The Salesforce error name for a lock-wait timeout.
pub const UNABLE_TO_LOCK_ROW: &str = "UNABLE_TO_LOCK_ROW";

/// Default lock-wait timeout (ms).
pub const DEFAULT_LOCK_WAIT_TIMEOUT_MS: u64 = 10_000;

/// What a lock request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum LockOutcome {
    /// The lock is held from `start` to `end` (`start - now` is the wait).
    Granted { start: u64, end: u64 },
    /// The request waited `waited_ms` (the timeout) and failed with UNABLE_TO_LOCK_ROW at
    /// `now + waited_ms`.
    TimedOut { waited_ms: u64 },
}

/// Running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct LockStats {
    pub granted: u64,
    pub timed_out: u64,
    /// Granted requests that had to wait at all.
    pub contended: u64,
    /// Sum of waits of granted requests (ms).
    pub total_wait_ms: u64,
    /// Longest wait of a granted request (ms).
    pub max_wait_ms: u64,
}

/// The lock on one Campaign record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CampaignLock {
    lock_wait_timeout_ms: u64,
    /// Granted holds `(start, end)` not yet over, in grant order (so in time order).
    holders: VecDeque<(u64, u64)>,
    stats: LockStats,
}

impl Default for CampaignLock {
    fn default() -> Self {
        CampaignLock::new(DEFAULT_LOCK_WAIT_TIMEOUT_MS)
    }
}

impl CampaignLock {
    pub fn new(lock_wait_timeout_ms: u64) -> Self {
        CampaignLock {
            lock_wait_timeout_ms,
            holders: VecDeque::new(),
            stats: LockStats::default(),
        }
    }

    pub fn lock_wait_timeout_ms(&self) -> u64 {
        self.lock_wait_timeout_ms
    }

    pub fn stats(&self) -> &LockStats {
        &self.stats
    }

    /// Ask for the lock at `now` for `hold_ms`. Granted if the wait behind the current
    /// holders is at most the timeout, else timed out.
    pub fn request(&mut self, now: u64, hold_ms: u64) -> LockOutcome {
        self.prune(now);
        let wait = self.wait_if_requested(now);
        if wait > self.lock_wait_timeout_ms {
            self.stats.timed_out += 1;
            return LockOutcome::TimedOut {
                waited_ms: self.lock_wait_timeout_ms,
            };
        }
        let start = now + wait;
        let end = start.saturating_add(hold_ms);
        self.holders.push_back((start, end));
        self.stats.granted += 1;
        if wait > 0 {
            self.stats.contended += 1;
        }
        self.stats.total_wait_ms += wait;
        self.stats.max_wait_ms = self.stats.max_wait_ms.max(wait);
        LockOutcome::Granted { start, end }
    }

    /// How long a request made at `now` would wait (0 if the lock is free).
    pub fn wait_if_requested(&self, now: u64) -> u64 {
        self.busy_until().map_or(0, |end| end.saturating_sub(now))
    }

    /// When the last granted hold ends, if any was ever granted.
    pub fn busy_until(&self) -> Option<u64> {
        self.holders.back().map(|&(_, end)| end)
    }

    /// Granted holds still holding or waiting to hold at `now`.
    pub fn queue_len(&self, now: u64) -> usize {
        self.holders.iter().filter(|&&(_, end)| end > now).count()
    }

    /// Whether someone holds the lock at `now`.
    pub fn is_held(&self, now: u64) -> bool {
        self.holders
            .iter()
            .any(|&(start, end)| start <= now && now < end)
    }

    /// Forget holds that ended at or before `now`, keeping the last one (it fixes
    /// `busy_until`).
    fn prune(&mut self, now: u64) {
        while self.holders.len() > 1 && self.holders.front().is_some_and(|&(_, end)| end <= now) {
            self.holders.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_timeout_is_10_seconds() {
        assert_eq!(CampaignLock::default().lock_wait_timeout_ms(), 10_000);
        assert_eq!(UNABLE_TO_LOCK_ROW, "UNABLE_TO_LOCK_ROW");
    }

    #[test]
    fn free_lock_is_granted_at_once() {
        let mut lock = CampaignLock::default();
        assert_eq!(
            lock.request(100, 500),
            LockOutcome::Granted {
                start: 100,
                end: 600
            }
        );
        assert!(lock.is_held(100));
        assert!(lock.is_held(599));
        assert!(!lock.is_held(600));
        assert_eq!(lock.stats().contended, 0);
    }

    #[test]
    fn waiters_are_served_in_arrival_order() {
        let mut lock = CampaignLock::default();
        lock.request(0, 3_000);
        assert_eq!(
            lock.request(10, 3_000),
            LockOutcome::Granted {
                start: 3_000,
                end: 6_000
            }
        );
        assert_eq!(
            lock.request(20, 1_000),
            LockOutcome::Granted {
                start: 6_000,
                end: 7_000
            }
        );
        assert_eq!(lock.queue_len(20), 3);
        assert_eq!(lock.queue_len(6_500), 1);
        assert_eq!(lock.stats().contended, 2);
        assert_eq!(lock.stats().total_wait_ms, 2_990 + 5_980);
        assert_eq!(lock.stats().max_wait_ms, 5_980);
    }

    #[test]
    fn a_wait_longer_than_the_timeout_fails_with_unable_to_lock_row() {
        let mut lock = CampaignLock::default();
        for _ in 0..4 {
            lock.request(0, 3_000);
        }
        // Busy until 12_000: a request at 1_000 would wait 11_000 > 10_000.
        assert_eq!(lock.wait_if_requested(1_000), 11_000);
        assert_eq!(
            lock.request(1_000, 3_000),
            LockOutcome::TimedOut { waited_ms: 10_000 }
        );
        // The failed request did not extend the queue.
        assert_eq!(lock.busy_until(), Some(12_000));
        // Exactly the timeout is still granted.
        assert_eq!(
            lock.request(2_000, 3_000),
            LockOutcome::Granted {
                start: 12_000,
                end: 15_000
            }
        );
        assert_eq!(lock.stats().timed_out, 1);
        assert_eq!(lock.stats().granted, 5);
    }

    #[test]
    fn storm_of_single_inserts_loses_some_and_spacing_them_out_loses_none() {
        // 20 single inserts arriving 100 ms apart, each holding 1 s.
        let mut storm = CampaignLock::default();
        let lost = (0..20u64)
            .filter(|i| matches!(storm.request(i * 100, 1_000), LockOutcome::TimedOut { .. }))
            .count();
        // Request i would start at 1_000 * i and wait 900 * i: i = 12..=19 wait > 10 s.
        assert_eq!(lost, 8);
        // The same 20 inserts 1 s apart never wait.
        let mut calm = CampaignLock::default();
        for i in 0..20u64 {
            assert!(matches!(
                calm.request(i * 1_000, 1_000),
                LockOutcome::Granted { .. }
            ));
        }
        assert_eq!(calm.stats().contended, 0);
    }

    #[test]
    fn lock_frees_after_the_last_hold() {
        let mut lock = CampaignLock::new(0);
        lock.request(0, 1_000);
        assert!(matches!(
            lock.request(500, 10),
            LockOutcome::TimedOut { waited_ms: 0 }
        ));
        assert_eq!(
            lock.request(1_000, 10),
            LockOutcome::Granted {
                start: 1_000,
                end: 1_010
            }
        );
        assert_eq!(lock.wait_if_requested(5_000), 0);
        assert_eq!(lock.queue_len(5_000), 0);
    }
}
