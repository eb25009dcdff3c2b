//! Salesforce-side campaign-response processing and its scoring modes (seed 003, race 6).
//!
//! Real-world behaviour modelled (a response-management package on Salesforce):
//! - a response passes through *handling*, *scoring* and *resolution*;
//! - **synchronous** mode does all three in the inserting transaction, whose CPU-time
//!   budget is small (10 s): a batch whose `records × cpu_per_record` exceeds it fails
//!   with a CPU time limit error and the whole batch is lost;
//! - **asynchronous** mode does handling now and scoring/resolution later in their own
//!   execution context (budget 60 s), in chunks of the scoring batch size;
//! - **manual** mode does handling now and waits for an external flag before scoring;
//! - **user-based async scoring** (the lock-storm fix): small batches (at most
//!   `small_batch_threshold` records, default 1) from configured users are delayed
//!   (default 5 minutes) and merged per user into one batch, processed one at a time;
//! - **batch-size switch** (release 1.37.6): a batch above `batch_size` (default 200) is
//!   processed asynchronously even in synchronous mode.
//! - **response prompts** are always processed synchronously.
//!
//! The processor only decides; the simulator takes the campaign lock
//! ([`super::campaign_lock::CampaignLock`]) for the inserts, schedules async work, and asks
//! [`ResponseProcessor::next_due_time`] / [`ResponseProcessor::due`] for merged batches.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The default scoring mode (the scoring settings page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ScoringMode {
    /// "Evaluate score immediately": all three stages in the inserting transaction.
    Synchronous,
    /// "Evaluate score asynchronously": scoring in its own context, soon after.
    Asynchronous,
    /// Neither box set: scoring waits for the "Do Pending Scoring" flag.
    Manual,
}

/// Processing settings. [`Default`] gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ResponseConfig {
    /// Default mode (default Synchronous).
    pub default_mode: ScoringMode,
    /// CPU budget of a synchronous (trigger) context in ms (default 10,000).
    pub sync_cpu_limit_ms: u64,
    /// CPU budget of an asynchronous context in ms (default 60,000).
    pub async_cpu_limit_ms: u64,
    /// CPU cost of handling + scoring + resolving one response in ms (default 50, so a
    /// batch of 200 just fits the synchronous budget and 201 does not).
    pub cpu_per_record_ms: u64,
    /// Scoring batch size (default 200): async chunk size and the switch threshold.
    pub batch_size: u32,
    /// Switch to async above `batch_size` (default true, release 1.37.6 and later).
    pub async_above_batch_size: bool,
    /// Users configured for user-based async scoring (default none).
    pub async_users: BTreeSet<String>,
    /// Largest batch that counts as small for those users (default 1).
    pub small_batch_threshold: u32,
    /// Delay before a user's merged small batches are processed (default 300,000 ms).
    pub async_delay_ms: u64,
}

impl Default for ResponseConfig {
    fn default() -> Self {
        ResponseConfig {
            default_mode: ScoringMode::Synchronous,
            sync_cpu_limit_ms: 10_000,
            async_cpu_limit_ms: 60_000,
            cpu_per_record_ms: 50,
            batch_size: 200,
            async_above_batch_size: true,
            async_users: BTreeSet::new(),
            small_batch_threshold: 1,
            async_delay_ms: 300_000,
        }
    }
}

/// Why a batch went asynchronous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum AsyncReason {
    /// The default mode is asynchronous.
    DefaultMode,
    /// The batch exceeded `batch_size` (the 1.37.6 switch).
    AboveBatchSize,
}

/// What happened to a submitted batch of responses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum SubmitOutcome {
    /// Handled, scored and resolved now, using `cpu_ms` of the synchronous budget.
    Synchronous { records: u32, cpu_ms: u64 },
    /// The synchronous transaction ran out of CPU time: the whole batch failed.
    CpuLimitExceeded {
        records: u32,
        cpu_ms: u64,
        limit_ms: u64,
    },
    /// Handled now; scoring/resolution to be scheduled later in these chunk sizes.
    Asynchronous {
        records: u32,
        reason: AsyncReason,
        chunks: Vec<u32>,
    },
    /// Held for merging: the user's pending batch (now `pending_records` records) is due
    /// at `due_at`.
    Delayed { due_at: u64, pending_records: u32 },
    /// Handled now; scoring waits for the external flag (manual mode).
    AwaitingFlag { records: u32 },
}

/// A user's small batches waiting to be merged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PendingBatch {
    pub opened_at: u64,
    pub due_at: u64,
    pub records: u32,
    /// How many submissions were merged.
    pub parts: u32,
}

/// A merged batch that is due: process it alone, asynchronously, in `chunks`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MergedBatch {
    pub user: String,
    pub opened_at: u64,
    pub due_at: u64,
    pub records: u32,
    pub parts: u32,
    pub chunks: Vec<u32>,
}

/// Running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ResponseStats {
    pub submitted_batches: u64,
    pub submitted_records: u64,
    pub sync_batches: u64,
    pub cpu_failures: u64,
    pub failed_records: u64,
    pub async_batches: u64,
    pub delayed_submissions: u64,
    pub merged_batches: u64,
    pub manual_batches: u64,
}

/// The response processor's state: its settings and the per-user pending batches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ResponseProcessor {
    config: ResponseConfig,
    pending: BTreeMap<String, PendingBatch>,
    stats: ResponseStats,
}

/// Split `records` into chunks of at most `size` (a size of 0 is treated as 1).
pub fn chunk_sizes(records: u32, size: u32) -> Vec<u32> {
    let size = size.max(1);
    let mut out = Vec::new();
    let mut left = records;
    while left > 0 {
        let c = left.min(size);
        out.push(c);
        left -= c;
    }
    out
}

impl ResponseProcessor {
    pub fn new(config: ResponseConfig) -> Self {
        ResponseProcessor {
            config,
            pending: BTreeMap::new(),
            stats: ResponseStats::default(),
        }
    }

    pub fn config(&self) -> &ResponseConfig {
        &self.config
    }

    pub fn stats(&self) -> &ResponseStats {
        &self.stats
    }

    /// CPU time (ms) to fully process `records` responses.
    pub fn cpu_ms(&self, records: u32) -> u64 {
        u64::from(records).saturating_mul(self.config.cpu_per_record_ms)
    }

    /// Whether `records` responses fit one asynchronous context's budget.
    pub fn fits_async_budget(&self, records: u32) -> bool {
        self.cpu_ms(records) <= self.config.async_cpu_limit_ms
    }

    /// A batch of `records` responses inserted by `user` at `now`.
    pub fn submit(&mut self, now: u64, user: &str, records: u32) -> SubmitOutcome {
        self.stats.submitted_batches += 1;
        self.stats.submitted_records += u64::from(records);
        let cfg = &self.config;
        if records > 0 && records <= cfg.small_batch_threshold && cfg.async_users.contains(user) {
            let due_at = now.saturating_add(cfg.async_delay_ms);
            let p = self
                .pending
                .entry(user.to_string())
                .or_insert_with(|| PendingBatch {
                    opened_at: now,
                    due_at,
                    records: 0,
                    parts: 0,
                });
            p.records += records;
            p.parts += 1;
            self.stats.delayed_submissions += 1;
            return SubmitOutcome::Delayed {
                due_at: p.due_at,
                pending_records: p.records,
            };
        }
        let too_big = cfg.async_above_batch_size && records > cfg.batch_size;
        match (cfg.default_mode, too_big) {
            (ScoringMode::Manual, _) => {
                self.stats.manual_batches += 1;
                SubmitOutcome::AwaitingFlag { records }
            }
            (ScoringMode::Asynchronous, _) => self.go_async(records, AsyncReason::DefaultMode),
            (ScoringMode::Synchronous, true) => self.go_async(records, AsyncReason::AboveBatchSize),
            (ScoringMode::Synchronous, false) => self.synchronous(records),
        }
    }

    /// A batch of `records` response prompts: always processed synchronously, whatever the
    /// scoring mode, user-based async scoring or batch size say.
    pub fn submit_prompts(&mut self, records: u32) -> SubmitOutcome {
        self.stats.submitted_batches += 1;
        self.stats.submitted_records += u64::from(records);
        self.synchronous(records)
    }

    /// In the inserting transaction, within the synchronous CPU budget or failing.
    fn synchronous(&mut self, records: u32) -> SubmitOutcome {
        let cpu_ms = self.cpu_ms(records);
        let limit_ms = self.config.sync_cpu_limit_ms;
        if cpu_ms > limit_ms {
            self.stats.cpu_failures += 1;
            self.stats.failed_records += u64::from(records);
            SubmitOutcome::CpuLimitExceeded {
                records,
                cpu_ms,
                limit_ms,
            }
        } else {
            self.stats.sync_batches += 1;
            SubmitOutcome::Synchronous { records, cpu_ms }
        }
    }

    /// The earliest time a pending merged batch falls due.
    pub fn next_due_time(&self) -> Option<u64> {
        self.pending.values().map(|p| p.due_at).min()
    }

    /// Take every pending batch due at or before `now`, in due order (ties by user name).
    /// They are to be processed one at a time.
    pub fn due(&mut self, now: u64) -> Vec<MergedBatch> {
        let mut ready: Vec<(u64, String)> = self
            .pending
            .iter()
            .filter(|(_, p)| p.due_at <= now)
            .map(|(u, p)| (p.due_at, u.clone()))
            .collect();
        ready.sort_unstable();
        ready
            .into_iter()
            .map(|(_, user)| {
                let p = self.pending.remove(&user).expect("pending batch");
                self.stats.merged_batches += 1;
                MergedBatch {
                    chunks: chunk_sizes(p.records, self.config.batch_size),
                    user,
                    opened_at: p.opened_at,
                    due_at: p.due_at,
                    records: p.records,
                    parts: p.parts,
                }
            })
            .collect()
    }

    /// The user's batch still waiting to be merged.
    pub fn pending(&self, user: &str) -> Option<&PendingBatch> {
        self.pending.get(user)
    }

    /// Records held in pending batches.
    pub fn pending_records(&self) -> u32 {
        self.pending.values().map(|p| p.records).sum()
    }

    fn go_async(&mut self, records: u32, reason: AsyncReason) -> SubmitOutcome {
        self.stats.async_batches += 1;
        SubmitOutcome::Asynchronous {
            records,
            reason,
            chunks: chunk_sizes(records, self.config.batch_size),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_user(user: &str) -> ResponseProcessor {
        let mut cfg = ResponseConfig::default();
        cfg.async_users.insert(user.to_string());
        ResponseProcessor::new(cfg)
    }

    #[test]
    fn defaults_match_the_documented_numbers() {
        let c = ResponseConfig::default();
        assert_eq!(c.default_mode, ScoringMode::Synchronous);
        assert_eq!(c.batch_size, 200);
        assert_eq!(c.small_batch_threshold, 1);
        assert_eq!(c.async_delay_ms, 300_000);
        assert_eq!(c.sync_cpu_limit_ms, 10_000);
        assert!(c.async_above_batch_size);
        assert!(c.async_users.is_empty());
    }

    #[test]
    fn synchronous_batch_within_budget_is_processed_now() {
        let mut rp = ResponseProcessor::new(ResponseConfig::default());
        assert_eq!(
            rp.submit(0, "marketo", 200),
            SubmitOutcome::Synchronous {
                records: 200,
                cpu_ms: 10_000
            }
        );
        assert_eq!(rp.stats().sync_batches, 1);
    }

    #[test]
    fn synchronous_batch_over_cpu_budget_fails_without_the_switch() {
        let cfg = ResponseConfig {
            async_above_batch_size: false,
            ..ResponseConfig::default()
        };
        let mut rp = ResponseProcessor::new(cfg);
        assert_eq!(
            rp.submit(0, "loader", 201),
            SubmitOutcome::CpuLimitExceeded {
                records: 201,
                cpu_ms: 10_050,
                limit_ms: 10_000
            }
        );
        assert_eq!(rp.stats().cpu_failures, 1);
        assert_eq!(rp.stats().failed_records, 201);
    }

    #[test]
    fn batch_above_batch_size_switches_to_async_in_chunks() {
        let mut rp = ResponseProcessor::new(ResponseConfig::default());
        assert_eq!(
            rp.submit(0, "loader", 450),
            SubmitOutcome::Asynchronous {
                records: 450,
                reason: AsyncReason::AboveBatchSize,
                chunks: vec![200, 200, 50]
            }
        );
        assert!(rp.fits_async_budget(200));
        assert_eq!(rp.stats().cpu_failures, 0);
    }

    #[test]
    fn asynchronous_and_manual_modes() {
        let mut rp = ResponseProcessor::new(ResponseConfig {
            default_mode: ScoringMode::Asynchronous,
            ..ResponseConfig::default()
        });
        assert_eq!(
            rp.submit(0, "u", 3),
            SubmitOutcome::Asynchronous {
                records: 3,
                reason: AsyncReason::DefaultMode,
                chunks: vec![3]
            }
        );
        let mut rp = ResponseProcessor::new(ResponseConfig {
            default_mode: ScoringMode::Manual,
            ..ResponseConfig::default()
        });
        assert_eq!(
            rp.submit(0, "u", 3),
            SubmitOutcome::AwaitingFlag { records: 3 }
        );
    }

    #[test]
    fn small_batches_from_configured_user_are_delayed_and_merged() {
        let mut rp = with_user("marketo");
        assert_eq!(
            rp.submit(1_000, "marketo", 1),
            SubmitOutcome::Delayed {
                due_at: 301_000,
                pending_records: 1
            }
        );
        // Later singles join the same batch and keep its due time.
        for t in [2_000, 3_000, 250_000] {
            assert!(matches!(
                rp.submit(t, "marketo", 1),
                SubmitOutcome::Delayed {
                    due_at: 301_000,
                    ..
                }
            ));
        }
        assert_eq!(rp.next_due_time(), Some(301_000));
        assert!(rp.due(300_999).is_empty());
        let merged = rp.due(301_000);
        assert_eq!(
            merged,
            vec![MergedBatch {
                user: "marketo".into(),
                opened_at: 1_000,
                due_at: 301_000,
                records: 4,
                parts: 4,
                chunks: vec![4]
            }]
        );
        assert_eq!(rp.next_due_time(), None);
        assert_eq!(rp.stats().merged_batches, 1);
        // The next single opens a new window.
        assert_eq!(
            rp.submit(302_000, "marketo", 1),
            SubmitOutcome::Delayed {
                due_at: 602_000,
                pending_records: 1
            }
        );
    }

    #[test]
    fn other_users_and_larger_batches_are_not_delayed() {
        let mut rp = with_user("marketo");
        assert!(matches!(
            rp.submit(0, "someone", 1),
            SubmitOutcome::Synchronous { .. }
        ));
        assert!(matches!(
            rp.submit(0, "marketo", 2),
            SubmitOutcome::Synchronous { records: 2, .. }
        ));
        assert!(matches!(
            rp.submit(0, "marketo", 0),
            SubmitOutcome::Synchronous { records: 0, .. }
        ));
        assert_eq!(rp.pending_records(), 0);
    }

    #[test]
    fn due_batches_come_out_in_due_order_per_user() {
        let mut cfg = ResponseConfig::default();
        cfg.async_users.insert("b".into());
        cfg.async_users.insert("a".into());
        cfg.small_batch_threshold = 5;
        let mut rp = ResponseProcessor::new(cfg);
        rp.submit(10, "b", 5);
        rp.submit(20, "a", 3);
        rp.submit(30, "b", 2);
        assert_eq!(rp.pending("b").map(|p| p.records), Some(7));
        assert_eq!(rp.pending_records(), 10);
        let out = rp.due(1_000_000);
        let users: Vec<_> = out.iter().map(|m| m.user.as_str()).collect();
        assert_eq!(users, vec!["b", "a"]);
        assert_eq!(out[0].records, 7);
        assert_eq!(out[0].parts, 2);
    }

    #[test]
    fn chunking() {
        assert_eq!(chunk_sizes(0, 200), Vec::<u32>::new());
        assert_eq!(chunk_sizes(200, 200), vec![200]);
        assert_eq!(chunk_sizes(401, 200), vec![200, 200, 1]);
        assert_eq!(chunk_sizes(2, 0), vec![1, 1]);
    }
}
