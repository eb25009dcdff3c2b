//! The Marketo REST API gate: the three limits every integration call passes through.
//!
//! Real-world behaviour modelled (Marketo Engage developer docs):
//! - at most 100 calls in any sliding 20-second window, else error **606**
//!   ("Max rate limit exceeded");
//! - at most 10 calls in flight at once, else error **615** ("Concurrent access limit
//!   reached");
//! - at most 50,000 calls per day, else error **607** ("Daily quota reached"). The quota
//!   resets at each simulated midnight (multiples of [`DAY_MS`]).
//!
//! Clients are expected to back off exponentially: [`backoff_ms`] gives the capped delay
//! without jitter (jitter is a draw the caller makes through its chooser).
//!
//! Checks run in the order 607, 606, 615; a rejected call consumes no quota, no rate slot
//! and no concurrency slot. Time is `now` in simulated milliseconds and must not go back.

use serde::Serialize;
use std::collections::{BTreeSet, VecDeque};
use std::fmt;

/// Length of the quota day in milliseconds.
pub const DAY_MS: u64 = 86_400_000;

/// The configurable limits. [`Default`] gives Marketo's published numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct RestLimits {
    /// Calls allowed per sliding window (default 100).
    pub rate_limit: u32,
    /// Length of the sliding window in ms (default 20,000).
    pub rate_window_ms: u64,
    /// Calls allowed in flight at once (default 10).
    pub max_concurrent: u32,
    /// Calls allowed per [`DAY_MS`] day (default 50,000).
    pub daily_quota: u32,
}

impl Default for RestLimits {
    fn default() -> Self {
        RestLimits {
            rate_limit: 100,
            rate_window_ms: 20_000,
            max_concurrent: 10,
            daily_quota: 50_000,
        }
    }
}

/// Why a call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ApiError {
    /// Too many calls in the sliding window (606).
    RateLimited606,
    /// Too many calls in flight (615).
    Concurrency615,
    /// The day's quota is used up (607).
    DailyQuota607,
}

impl ApiError {
    /// The Marketo error code.
    pub fn code(self) -> u16 {
        match self {
            ApiError::RateLimited606 => 606,
            ApiError::Concurrency615 => 615,
            ApiError::DailyQuota607 => 607,
        }
    }

    /// The error message, worded like Marketo's.
    pub fn message(self) -> &'static str {
        match self {
            ApiError::RateLimited606 => "Max rate limit exceeded within the rate window",
            ApiError::Concurrency615 => "Concurrent access limit reached",
            ApiError::DailyQuota607 => "Daily quota reached",
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.message())
    }
}

impl std::error::Error for ApiError {}

/// Proof that a call was admitted; hand it back to [`RestApi::end_call`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CallTicket {
    pub id: u64,
    pub started_at: u64,
}

/// Running totals for the trace and the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct RestStats {
    pub accepted: u64,
    pub rejected_606: u64,
    pub rejected_615: u64,
    pub rejected_607: u64,
}

/// The gate's state: admitted-call start times in the window, calls in flight, the day's count.
/// [`Default`] is a gate with Marketo's published limits and no calls yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct RestApi {
    limits: RestLimits,
    /// Start times of admitted calls still inside the sliding window, oldest first.
    window: VecDeque<u64>,
    /// Ids of admitted calls not yet ended.
    in_flight: BTreeSet<u64>,
    /// Index of the day `calls_today` belongs to (`now / DAY_MS`).
    day: u64,
    calls_today: u32,
    next_ticket: u64,
    stats: RestStats,
}

impl RestApi {
    pub fn new(limits: RestLimits) -> Self {
        RestApi {
            limits,
            window: VecDeque::new(),
            in_flight: BTreeSet::new(),
            day: 0,
            calls_today: 0,
            next_ticket: 0,
            stats: RestStats::default(),
        }
    }

    pub fn limits(&self) -> &RestLimits {
        &self.limits
    }

    pub fn stats(&self) -> &RestStats {
        &self.stats
    }

    /// Admit a call starting at `now`, or refuse it with the first limit it breaks.
    pub fn begin_call(&mut self, now: u64) -> Result<CallTicket, ApiError> {
        self.advance(now);
        let refusal = if self.calls_today >= self.limits.daily_quota {
            Some(ApiError::DailyQuota607)
        } else if self.window.len() >= self.limits.rate_limit as usize {
            Some(ApiError::RateLimited606)
        } else if self.in_flight.len() >= self.limits.max_concurrent as usize {
            Some(ApiError::Concurrency615)
        } else {
            None
        };
        if let Some(err) = refusal {
            match err {
                ApiError::RateLimited606 => self.stats.rejected_606 += 1,
                ApiError::Concurrency615 => self.stats.rejected_615 += 1,
                ApiError::DailyQuota607 => self.stats.rejected_607 += 1,
            }
            return Err(err);
        }
        let ticket = CallTicket {
            id: self.next_ticket,
            started_at: now,
        };
        self.next_ticket += 1;
        self.window.push_back(now);
        self.in_flight.insert(ticket.id);
        self.calls_today += 1;
        self.stats.accepted += 1;
        Ok(ticket)
    }

    /// Finish a call, freeing its concurrency slot. Returns the call's duration, or `None`
    /// if the ticket was not in flight (already ended or never issued).
    pub fn end_call(&mut self, ticket: CallTicket, now: u64) -> Option<u64> {
        if self.in_flight.remove(&ticket.id) {
            Some(now.saturating_sub(ticket.started_at))
        } else {
            None
        }
    }

    /// Calls currently in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Admitted calls inside the sliding window ending at `now`.
    pub fn calls_in_window(&self, now: u64) -> usize {
        self.window
            .iter()
            .filter(|&&t| self.in_window(t, now))
            .count()
    }

    /// Admitted calls during the day containing `now`.
    pub fn calls_today(&self, now: u64) -> u32 {
        if now / DAY_MS == self.day {
            self.calls_today
        } else {
            0
        }
    }

    /// The earliest time at or after `now` when the window has a free slot
    /// (ignores concurrency and quota), or `None` if the rate limit is 0. Lets the
    /// simulator schedule a retry exactly.
    pub fn next_rate_slot(&self, now: u64) -> Option<u64> {
        let limit = self.limits.rate_limit as usize;
        if limit == 0 {
            return None;
        }
        let live: Vec<u64> = self
            .window
            .iter()
            .copied()
            .filter(|&t| self.in_window(t, now))
            .collect();
        if live.len() < limit {
            return Some(now);
        }
        // The call that must leave the window for one slot to open.
        let blocking = live[live.len() - limit];
        Some(blocking.saturating_add(self.limits.rate_window_ms))
    }

    /// The start of the next quota day after `now`.
    pub fn next_day_start(now: u64) -> u64 {
        (now / DAY_MS + 1) * DAY_MS
    }

    /// Whether a call admitted at `t` still counts in the window ending at `now`.
    fn in_window(&self, t: u64, now: u64) -> bool {
        t.saturating_add(self.limits.rate_window_ms) > now
    }

    fn advance(&mut self, now: u64) {
        let day = now / DAY_MS;
        if day != self.day {
            self.day = day;
            self.calls_today = 0;
        }
        while let Some(&t) = self.window.front() {
            if self.in_window(t, now) {
                break;
            }
            self.window.pop_front();
        }
    }
}

/// Exponential backoff delay for retry number `attempt` (0 = the first retry):
/// `base_ms * 2^attempt`, capped at `max_ms`. No jitter.
pub fn backoff_ms(attempt: u32, base_ms: u64, max_ms: u64) -> u64 {
    1u64.checked_shl(attempt)
        .and_then(|factor| base_ms.checked_mul(factor))
        .map_or(max_ms, |d| d.min(max_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(rate: u32, window: u64, conc: u32, quota: u32) -> RestApi {
        RestApi::new(RestLimits {
            rate_limit: rate,
            rate_window_ms: window,
            max_concurrent: conc,
            daily_quota: quota,
        })
    }

    #[test]
    fn defaults_are_marketos_numbers() {
        let l = RestLimits::default();
        assert_eq!(l.rate_limit, 100);
        assert_eq!(l.rate_window_ms, 20_000);
        assert_eq!(l.max_concurrent, 10);
        assert_eq!(l.daily_quota, 50_000);
    }

    #[test]
    fn error_codes_and_messages() {
        assert_eq!(ApiError::RateLimited606.code(), 606);
        assert_eq!(ApiError::Concurrency615.code(), 615);
        assert_eq!(ApiError::DailyQuota607.code(), 607);
        assert_eq!(
            ApiError::Concurrency615.to_string(),
            "615 Concurrent access limit reached"
        );
        assert!(ApiError::DailyQuota607.message().contains("quota"));
    }

    #[test]
    fn eleventh_concurrent_call_gets_615_until_one_ends() {
        let mut api = RestApi::new(RestLimits::default());
        let tickets: Vec<_> = (0..10).map(|_| api.begin_call(5).unwrap()).collect();
        assert_eq!(api.in_flight(), 10);
        assert_eq!(api.begin_call(5), Err(ApiError::Concurrency615));
        assert_eq!(api.end_call(tickets[3], 80), Some(75));
        assert!(api.begin_call(80).is_ok());
        assert_eq!(api.stats().rejected_615, 1);
        assert_eq!(api.stats().accepted, 11);
    }

    #[test]
    fn ending_a_ticket_twice_is_ignored() {
        let mut api = RestApi::new(RestLimits::default());
        let t = api.begin_call(0).unwrap();
        assert_eq!(api.end_call(t, 10), Some(10));
        assert_eq!(api.end_call(t, 20), None);
        assert_eq!(api.in_flight(), 0);
    }

    #[test]
    fn hundred_and_first_call_in_20s_gets_606_and_window_slides() {
        let mut api = RestApi::new(RestLimits::default());
        for i in 0..100u64 {
            let t = api.begin_call(i * 100).unwrap();
            api.end_call(t, i * 100 + 1);
        }
        // Calls were at 0, 100, ..., 9_900.
        assert_eq!(api.begin_call(19_999), Err(ApiError::RateLimited606));
        assert_eq!(api.next_rate_slot(19_999), Some(20_000));
        // At 20_000 the call made at 0 has left the window.
        assert!(api.begin_call(20_000).is_ok());
        assert_eq!(api.begin_call(20_050), Err(ApiError::RateLimited606));
        assert_eq!(api.next_rate_slot(20_050), Some(20_100));
        assert!(api.begin_call(20_100).is_ok());
        assert_eq!(api.stats().rejected_606, 2);
        assert_eq!(api.calls_in_window(20_100), 100);
    }

    #[test]
    fn calls_at_time_zero_count_in_the_first_window() {
        let mut api = small(2, 1_000, 10, 100);
        api.begin_call(0).unwrap();
        api.begin_call(0).unwrap();
        assert_eq!(api.begin_call(999), Err(ApiError::RateLimited606));
        assert!(api.begin_call(1_000).is_ok());
    }

    #[test]
    fn rejected_calls_consume_nothing() {
        let mut api = small(1, 1_000, 10, 100);
        api.begin_call(0).unwrap();
        for t in 1..10 {
            assert_eq!(api.begin_call(t), Err(ApiError::RateLimited606));
        }
        assert_eq!(api.calls_today(10), 1);
        assert_eq!(api.calls_in_window(10), 1);
        assert!(api.begin_call(1_000).is_ok());
    }

    #[test]
    fn daily_quota_gives_607_and_resets_at_midnight() {
        let mut api = small(1_000, 1_000, 10, 3);
        for i in 0..3 {
            let t = api.begin_call(i * 2_000).unwrap();
            api.end_call(t, i * 2_000 + 1);
        }
        assert_eq!(api.begin_call(50_000), Err(ApiError::DailyQuota607));
        assert_eq!(api.calls_today(50_000), 3);
        assert_eq!(RestApi::next_day_start(50_000), DAY_MS);
        assert_eq!(api.calls_today(DAY_MS), 0);
        assert!(api.begin_call(DAY_MS).is_ok());
        assert_eq!(api.stats().rejected_607, 1);
    }

    #[test]
    fn quota_is_checked_before_rate_and_rate_before_concurrency() {
        let mut api = small(1, 1_000, 1, 1);
        api.begin_call(0).unwrap();
        // All three limits are broken: the quota wins.
        assert_eq!(api.begin_call(1), Err(ApiError::DailyQuota607));
        let mut api = small(1, 1_000, 1, 10);
        api.begin_call(0).unwrap();
        // Rate and concurrency broken: rate wins.
        assert_eq!(api.begin_call(1), Err(ApiError::RateLimited606));
    }

    #[test]
    fn zero_rate_limit_never_opens() {
        let mut api = small(0, 1_000, 10, 10);
        assert_eq!(api.begin_call(0), Err(ApiError::RateLimited606));
        assert_eq!(api.next_rate_slot(0), None);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(0, 1_000, 60_000), 1_000);
        assert_eq!(backoff_ms(1, 1_000, 60_000), 2_000);
        assert_eq!(backoff_ms(5, 1_000, 60_000), 32_000);
        assert_eq!(backoff_ms(6, 1_000, 60_000), 60_000);
        assert_eq!(backoff_ms(63, 1_000, 60_000), 60_000);
        assert_eq!(backoff_ms(64, 1_000, 60_000), 60_000);
        assert_eq!(backoff_ms(u32::MAX, 1, u64::MAX), u64::MAX);
        assert_eq!(backoff_ms(3, 0, 60_000), 0);
    }
}
