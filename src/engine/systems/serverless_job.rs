//! A scheduled serverless integration job (seed 001, race 5 "overlapping job runs").
//!
//! Real-world behaviour modelled (e.g. AWS Lambda fired by a scheduler or a webhook):
//! - the job fires at scheduled times (`first_at + k × interval_ms`);
//! - each invocation runs on an instance. A **cold** start gets a fresh instance with no
//!   memory; a **warm** start reuses an idle instance and finds the globals (here: one
//!   cache value, such as the last checkpoint seen) left by the previous invocation on that
//!   instance. Whether a start is cold is the caller's decision (a chooser draw); a warm
//!   request with no idle instance is cold anyway;
//! - the scheduler does not wait: when a run is slower than the interval, the next
//!   invocation starts while it is still running, so two runs overlap and can both read
//!   the same checkpoint (the lost update of race 5);
//! - a failed invocation's instance is discarded; the platform may also spin down idle
//!   instances at any time ([`ServerlessJob::evict_idle`]).

use serde::Serialize;
use std::collections::BTreeMap;

/// One invocation, unique per job, in start order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct InvocationId(pub u64);

/// One instance (execution environment), in creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct InstanceId(pub u64);

/// When the job fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct JobSchedule {
    pub first_at: u64,
    /// 0 means the job fires once, at `first_at`.
    pub interval_ms: u64,
}

impl JobSchedule {
    /// The first fire time at or after `now`, if any.
    pub fn next_fire_at_or_after(&self, now: u64) -> Option<u64> {
        if now <= self.first_at {
            return Some(self.first_at);
        }
        if self.interval_ms == 0 {
            return None;
        }
        let k = (now - self.first_at).div_ceil(self.interval_ms);
        k.checked_mul(self.interval_ms)?.checked_add(self.first_at)
    }
}

/// A running invocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Invocation<C> {
    pub id: InvocationId,
    pub instance: InstanceId,
    pub started_at: u64,
    /// Whether it actually started cold.
    pub cold: bool,
    /// What the instance remembered at start (always `None` when cold).
    pub cache: Option<C>,
    /// Whether another invocation was running when this one started.
    pub overlapped_at_start: bool,
}

/// An instance waiting for the next invocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct IdleInstance<C> {
    finished_at: u64,
    cache: Option<C>,
}

/// Running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct JobStats {
    pub started: u64,
    pub cold_starts: u64,
    pub warm_starts: u64,
    /// Starts that happened while another invocation was running.
    pub overlapped_starts: u64,
    /// Most invocations running at once.
    pub max_running: u64,
    pub finished: u64,
    pub failed: u64,
}

/// The job: its schedule, running invocations and idle warm instances.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ServerlessJob<C> {
    schedule: JobSchedule,
    running: BTreeMap<InvocationId, Invocation<C>>,
    idle: BTreeMap<InstanceId, IdleInstance<C>>,
    next_invocation: u64,
    next_instance: u64,
    stats: JobStats,
}

impl<C: Clone> ServerlessJob<C> {
    pub fn new(schedule: JobSchedule) -> Self {
        ServerlessJob {
            schedule,
            running: BTreeMap::new(),
            idle: BTreeMap::new(),
            next_invocation: 0,
            next_instance: 0,
            stats: JobStats::default(),
        }
    }

    pub fn schedule(&self) -> &JobSchedule {
        &self.schedule
    }

    pub fn stats(&self) -> &JobStats {
        &self.stats
    }

    /// The next scheduled fire time at or after `now`.
    pub fn next_fire(&self, now: u64) -> Option<u64> {
        self.schedule.next_fire_at_or_after(now)
    }

    /// Start an invocation at `now`. `cold` is the caller's draw; a warm start takes the
    /// most recently idled instance (and its cache), or is cold if none is idle.
    pub fn start(&mut self, now: u64, cold: bool) -> InvocationId {
        let warm = if cold {
            None
        } else {
            self.idle
                .iter()
                .max_by_key(|(id, i)| (i.finished_at, **id))
                .map(|(id, _)| *id)
        };
        let (instance, cache) = match warm {
            Some(id) => {
                let inst = self.idle.remove(&id).expect("idle instance");
                self.stats.warm_starts += 1;
                (id, inst.cache)
            }
            None => {
                let id = InstanceId(self.next_instance);
                self.next_instance += 1;
                self.stats.cold_starts += 1;
                (id, None)
            }
        };
        let id = InvocationId(self.next_invocation);
        self.next_invocation += 1;
        let overlapped_at_start = !self.running.is_empty();
        if overlapped_at_start {
            self.stats.overlapped_starts += 1;
        }
        self.running.insert(
            id,
            Invocation {
                id,
                instance,
                started_at: now,
                cold: warm.is_none(),
                cache,
                overlapped_at_start,
            },
        );
        self.stats.started += 1;
        self.stats.max_running = self.stats.max_running.max(self.running.len() as u64);
        id
    }

    /// What the invocation's instance remembered when it started.
    pub fn cache(&self, inv: InvocationId) -> Option<&C> {
        self.running.get(&inv)?.cache.as_ref()
    }

    /// The running invocation.
    pub fn invocation(&self, inv: InvocationId) -> Option<&Invocation<C>> {
        self.running.get(&inv)
    }

    /// Finish the invocation at `now`; its instance goes idle remembering `cache_value`.
    /// Returns the run's duration, or `None` if it was not running.
    pub fn finish(&mut self, inv: InvocationId, now: u64, cache_value: Option<C>) -> Option<u64> {
        let run = self.running.remove(&inv)?;
        self.idle.insert(
            run.instance,
            IdleInstance {
                finished_at: now,
                cache: cache_value,
            },
        );
        self.stats.finished += 1;
        Some(now.saturating_sub(run.started_at))
    }

    /// The invocation crashed at `now`: its instance and memory are gone. Returns the
    /// run's duration, or `None` if it was not running.
    pub fn fail(&mut self, inv: InvocationId, now: u64) -> Option<u64> {
        let run = self.running.remove(&inv)?;
        self.stats.failed += 1;
        Some(now.saturating_sub(run.started_at))
    }

    /// The platform spins down every idle instance; the next start is cold.
    pub fn evict_idle(&mut self) {
        self.idle.clear();
    }

    /// Running invocations, in start order.
    pub fn running(&self) -> Vec<InvocationId> {
        self.running.keys().copied().collect()
    }

    /// Invocations running beyond the first (0 when at most one runs).
    pub fn overlapping(&self) -> usize {
        self.running.len().saturating_sub(1)
    }

    /// Idle instances available for a warm start.
    pub fn idle_instances(&self) -> usize {
        self.idle.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3_600_000;

    fn hourly() -> ServerlessJob<u64> {
        ServerlessJob::new(JobSchedule {
            first_at: 0,
            interval_ms: HOUR,
        })
    }

    #[test]
    fn schedule_fires_on_the_grid() {
        let s = JobSchedule {
            first_at: 1_000,
            interval_ms: HOUR,
        };
        assert_eq!(s.next_fire_at_or_after(0), Some(1_000));
        assert_eq!(s.next_fire_at_or_after(1_000), Some(1_000));
        assert_eq!(s.next_fire_at_or_after(1_001), Some(1_000 + HOUR));
        assert_eq!(s.next_fire_at_or_after(1_000 + HOUR), Some(1_000 + HOUR));
        let once = JobSchedule {
            first_at: 5,
            interval_ms: 0,
        };
        assert_eq!(once.next_fire_at_or_after(5), Some(5));
        assert_eq!(once.next_fire_at_or_after(6), None);
        assert_eq!(hourly().next_fire(1), Some(HOUR));
    }

    #[test]
    fn cold_start_has_no_cache() {
        let mut job = hourly();
        let a = job.start(0, true);
        assert_eq!(job.cache(a), None);
        assert!(job.invocation(a).unwrap().cold);
        assert_eq!(job.finish(a, 60_000, Some(42)), Some(60_000));
        // Even with a warm instance idle, a cold start ignores it.
        let b = job.start(HOUR, true);
        assert_eq!(job.cache(b), None);
        assert_eq!(job.stats().cold_starts, 2);
        assert_eq!(job.idle_instances(), 1);
    }

    #[test]
    fn warm_start_sees_the_previous_runs_cache() {
        let mut job = hourly();
        let a = job.start(0, true);
        job.finish(a, 60_000, Some(42));
        let b = job.start(HOUR, false);
        assert_eq!(job.cache(b), Some(&42));
        let inv = job.invocation(b).unwrap();
        assert!(!inv.cold);
        assert_eq!(inv.instance, InstanceId(0));
        assert_eq!(job.idle_instances(), 0);
        assert_eq!(job.stats().warm_starts, 1);
    }

    #[test]
    fn warm_request_without_idle_instance_is_cold() {
        let mut job = hourly();
        let a = job.start(0, false);
        assert!(job.invocation(a).unwrap().cold);
        assert_eq!(job.cache(a), None);
        job.finish(a, 10, Some(1));
        job.evict_idle();
        let b = job.start(HOUR, false);
        assert!(job.invocation(b).unwrap().cold);
        assert_eq!(job.stats().cold_starts, 2);
    }

    #[test]
    fn warm_start_takes_the_most_recently_idled_instance() {
        let mut job = hourly();
        let a = job.start(0, true);
        let b = job.start(10, true);
        job.finish(b, 20, Some(2));
        job.finish(a, 30, Some(1));
        let c = job.start(40, false);
        assert_eq!(job.cache(c), Some(&1));
        let d = job.start(50, false);
        assert_eq!(job.cache(d), Some(&2));
    }

    #[test]
    fn slow_run_overlaps_the_next_invocation() {
        let mut job = hourly();
        let a = job.start(0, true);
        assert_eq!(job.overlapping(), 0);
        // Run `a` takes 90 minutes; the scheduler fires again at 1 h.
        let b = job.start(HOUR, false);
        assert!(job.invocation(b).unwrap().overlapped_at_start);
        assert!(job.invocation(b).unwrap().cold, "a's instance is busy");
        assert_eq!(job.running(), vec![a, b]);
        assert_eq!(job.overlapping(), 1);
        job.finish(a, HOUR * 3 / 2, Some(7));
        assert_eq!(job.overlapping(), 0);
        assert_eq!(job.running(), vec![b]);
        assert_eq!(job.stats().overlapped_starts, 1);
        assert_eq!(job.stats().max_running, 2);
    }

    #[test]
    fn failed_run_loses_its_instance_and_memory() {
        let mut job = hourly();
        let a = job.start(0, true);
        assert_eq!(job.fail(a, 5), Some(5));
        assert_eq!(job.fail(a, 6), None);
        assert_eq!(job.finish(a, 6, Some(1)), None);
        assert_eq!(job.idle_instances(), 0);
        let b = job.start(HOUR, false);
        assert!(job.invocation(b).unwrap().cold);
        assert_eq!(job.stats().failed, 1);
    }

    #[test]
    fn finish_without_cache_leaves_a_warm_but_empty_instance() {
        let mut job = hourly();
        let a = job.start(0, true);
        job.finish(a, 5, None);
        let b = job.start(HOUR, false);
        assert!(!job.invocation(b).unwrap().cold);
        assert_eq!(job.cache(b), None);
    }
}
