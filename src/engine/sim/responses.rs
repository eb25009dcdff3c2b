//! The response feed (seed 003, race 6 "lock storm"): an integration inserts campaign
//! responses into one CRM campaign, whose record every insert's processing locks.
//!
//! Responses arrive at drawn times and are sent one by one or in batches. The response
//! processor decides per batch: synchronous (hold the campaign lock for the batch's CPU
//! time; a wait past the lock timeout fails with UNABLE_TO_LOCK_ROW, a batch over the CPU
//! budget fails), asynchronous above the batch size, or (user-based async scoring) delayed
//! and merged. Async chunks are processed one at a time by one async worker, which waits
//! for the lock rather than failing. Response prompts are always synchronous. A failed
//! insert is retried with backoff when the feed has the retry step; a response that is
//! never processed is lost, and recorded as such.

use super::super::chooser::Chooser;
use super::super::model::*;
use super::super::scenario::steps::ProcessorStep;
use super::super::systems::{
    backoff_ms, chunk_sizes, CampaignLock, LockOutcome, ResponseProcessor, SubmitOutcome,
};
use super::super::trace::{Actor, EventId, EventKind};
use super::state::Pending;
use super::Sim;
use std::collections::VecDeque;

/// Insert batches of the second writer are numbered from here (one response each).
pub const OTHER_WRITER_BATCH: u32 = 1 << 30;

/// The CRM side of the response feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResponsesState {
    pub processor: ResponseProcessor,
    pub lock: CampaignLock,
    /// Async chunks (records, cause) waiting for the async worker.
    pub async_queue: VecDeque<(u32, Option<EventId>)>,
    /// The async worker is processing a chunk or waiting for the lock.
    pub async_busy: bool,
    /// Insert batches numbered so far (the scheduled ones, then injected bursts).
    pub batches: u32,
}

impl ResponsesState {
    pub fn new(model: &Model) -> Option<Self> {
        let feed = model.integrations.responses.as_ref()?;
        Some(ResponsesState {
            processor: ResponseProcessor::new(feed.processor.clone()),
            lock: CampaignLock::new(feed.lock_wait_timeout_ms),
            async_queue: VecDeque::new(),
            async_busy: false,
            batches: 0,
        })
    }
}

/// What happens next in the response feed (on the agenda).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseStep {
    /// The integration inserts batch `batch` (attempt 0 first, then retries).
    Insert {
        batch: u32,
        records: u32,
        attempt: u32,
    },
    /// A synchronous transaction ends (`cpu_fail`: it ran out of CPU time).
    SyncDone {
        batch: u32,
        records: u32,
        cpu_fail: bool,
    },
    /// The lock wait of an insert ran out.
    LockFailed {
        batch: u32,
        records: u32,
        attempt: u32,
    },
    /// User-based async scoring: merged batches fall due.
    MergeDue,
    /// The async worker tries again for the lock.
    AsyncRetry,
    AsyncDone {
        records: u32,
    },
}

impl Sim<'_> {
    fn feed(&self) -> &ResponseFeedModel {
        self.model
            .integrations
            .responses
            .as_ref()
            .expect("response feed in the model")
    }

    fn responses(&mut self) -> &mut ResponsesState {
        self.state
            .responses
            .as_mut()
            .expect("response feed in the state")
    }

    /// Draws every arrival time and schedules the inserts (batches of `batch_records`,
    /// each sent when its last response has arrived).
    pub(super) fn start_responses(&mut self, ch: &mut dyn Chooser) {
        let Some(feed) = self.model.integrations.responses.as_ref() else {
            return;
        };
        let mut times: Vec<u64> = (0..feed.count).map(|_| feed.window.draw(ch)).collect();
        times.sort_unstable();
        let batches = times.chunks(feed.batch_records as usize).len() as u32;
        self.responses().batches = batches;
        for (b, chunk) in times.chunks(feed.batch_records as usize).enumerate() {
            let step = ResponseStep::Insert {
                batch: b as u32,
                records: chunk.len() as u32,
                attempt: 0,
            };
            let at = *chunk.last().expect("chunks are not empty");
            self.state.schedule(at, None, Pending::Response(step));
        }
        if let Some((_, count, window)) = &feed.second_writer {
            let mut times: Vec<u64> = (0..*count).map(|_| window.draw(ch)).collect();
            times.sort_unstable();
            self.state.monitor.extra_responses += u64::from(*count);
            for (k, at) in times.into_iter().enumerate() {
                let step = ResponseStep::Insert {
                    batch: OTHER_WRITER_BATCH + k as u32,
                    records: 1,
                    attempt: 0,
                };
                self.state.schedule(at, None, Pending::Response(step));
            }
        }
    }

    /// An injected burst: `records` more responses reach the integration now and are
    /// inserted at once, `batch_records` at a time.
    pub(super) fn response_burst(&mut self, records: u32) {
        let kind = EventKind::ResponseBurst { records };
        let id = self.record(None, Actor::Outside, kind, None);
        self.state.monitor.extra_responses += records as u64;
        let per = self.feed().batch_records.max(1);
        let now = self.state.now;
        let mut left = records;
        while left > 0 {
            let n = left.min(per);
            left -= n;
            let st = self.responses();
            let batch = st.batches;
            st.batches += 1;
            let step = ResponseStep::Insert {
                batch,
                records: n,
                attempt: 0,
            };
            self.state.schedule(now, Some(id), Pending::Response(step));
        }
    }

    pub(super) fn response_step(&mut self, step: ResponseStep, cause: Option<EventId>) {
        match step {
            ResponseStep::Insert {
                batch,
                records,
                attempt,
            } => self.response_insert(batch, records, attempt, cause),
            ResponseStep::SyncDone {
                records, cpu_fail, ..
            } => {
                if cpu_fail {
                    let p = &self.feed().processor;
                    let kind = EventKind::CpuLimitExceeded {
                        records,
                        cpu_ms: records as u64 * p.cpu_per_record_ms,
                        limit_ms: p.sync_cpu_limit_ms,
                    };
                    let id = self.record(None, Actor::CrmCampaign, kind, cause);
                    self.record(
                        None,
                        Actor::CrmCampaign,
                        EventKind::ResponsesLost { records },
                        Some(id),
                    );
                } else {
                    let kind = EventKind::ResponsesProcessed { records };
                    self.record(None, Actor::CrmCampaign, kind, cause);
                }
            }
            ResponseStep::LockFailed {
                batch,
                records,
                attempt,
            } => self.response_lock_failed(batch, records, attempt, cause),
            ResponseStep::MergeDue => {
                let now = self.state.now;
                for m in self.responses().processor.due(now) {
                    let kind = EventKind::ResponsesMerged {
                        records: m.records,
                        parts: m.parts,
                    };
                    let id = self.record(None, Actor::CrmCampaign, kind, cause);
                    let q = &mut self.responses().async_queue;
                    q.extend(m.chunks.iter().map(|&c| (c, Some(id))));
                }
                self.async_next();
            }
            ResponseStep::AsyncRetry => {
                self.responses().async_busy = false;
                self.async_next();
            }
            ResponseStep::AsyncDone { records } => {
                let kind = EventKind::ResponsesProcessed { records };
                self.record(None, Actor::CrmCampaign, kind, cause);
                self.responses().async_busy = false;
                self.async_next();
            }
        }
    }

    fn response_insert(&mut self, batch: u32, records: u32, attempt: u32, cause: Option<EventId>) {
        let kind = EventKind::ResponseInsert {
            batch,
            records,
            attempt,
        };
        // The second writer's inserts come from outside the integration, as its user.
        let feed = self.feed();
        let (actor, user, prompts) = match &feed.second_writer {
            Some((name, _, _)) if batch >= OTHER_WRITER_BATCH => {
                (Actor::Outside, name.clone(), false)
            }
            _ => (
                Actor::Integration,
                feed.user.clone(),
                feed.steps.first() == Some(&ProcessorStep::InsertResponsePrompts),
            ),
        };
        let id = self.record(None, actor, kind, cause);
        let now = self.state.now;
        let processor = &mut self.responses().processor;
        let outcome = if prompts {
            processor.submit_prompts(records)
        } else {
            processor.submit(now, &user, records)
        };
        match outcome {
            SubmitOutcome::Synchronous { cpu_ms, .. } => {
                self.take_lock(batch, records, attempt, cpu_ms, false, id)
            }
            SubmitOutcome::CpuLimitExceeded { limit_ms, .. } => {
                // The transaction burns its whole budget holding the lock, then fails.
                self.take_lock(batch, records, attempt, limit_ms, true, id)
            }
            SubmitOutcome::Asynchronous { chunks, .. } => {
                let kind = EventKind::ResponsesAsync {
                    records,
                    chunks: chunks.len() as u32,
                };
                let id = self.record(None, Actor::CrmCampaign, kind, Some(id));
                let q = &mut self.responses().async_queue;
                q.extend(chunks.iter().map(|&c| (c, Some(id))));
                self.async_next();
            }
            SubmitOutcome::Delayed {
                due_at,
                pending_records,
            } => {
                let kind = EventKind::ResponsesDelayed {
                    records,
                    due_at,
                    pending: pending_records,
                };
                let id = self.record(None, Actor::CrmCampaign, kind, Some(id));
                if pending_records == records {
                    let step = Pending::Response(ResponseStep::MergeDue);
                    self.state.schedule(due_at, Some(id), step);
                }
            }
            SubmitOutcome::AwaitingFlag { records } => {
                // Manual scoring is not configurable here; process like async.
                let size = self.feed().processor.batch_size;
                let q = &mut self.responses().async_queue;
                q.extend(
                    chunk_sizes(records, size)
                        .into_iter()
                        .map(|c| (c, Some(id))),
                );
                self.async_next();
            }
        }
    }

    /// A synchronous transaction asks for the campaign lock for `hold_ms`.
    fn take_lock(
        &mut self,
        batch: u32,
        records: u32,
        attempt: u32,
        hold_ms: u64,
        cpu_fail: bool,
        cause: EventId,
    ) {
        let now = self.state.now;
        match self.responses().lock.request(now, hold_ms) {
            LockOutcome::Granted { start, end } => {
                let kind = EventKind::LockGranted {
                    records,
                    wait_ms: start - now,
                    hold_ms,
                };
                let id = self.record(None, Actor::CrmCampaign, kind, Some(cause));
                let step = ResponseStep::SyncDone {
                    batch,
                    records,
                    cpu_fail,
                };
                self.state.schedule(end, Some(id), Pending::Response(step));
            }
            LockOutcome::TimedOut { waited_ms } => {
                let step = ResponseStep::LockFailed {
                    batch,
                    records,
                    attempt,
                };
                let at = now + waited_ms;
                self.state
                    .schedule(at, Some(cause), Pending::Response(step));
            }
        }
    }

    /// UNABLE_TO_LOCK_ROW: retry after backoff (retry mode, attempts left) or lose the batch.
    fn response_lock_failed(
        &mut self,
        batch: u32,
        records: u32,
        attempt: u32,
        cause: Option<EventId>,
    ) {
        let feed = self.feed();
        // The second writer does not retry.
        let other = batch >= OTHER_WRITER_BATCH;
        let retry = !other && feed.steps.contains(&ProcessorStep::RetryLockErrors);
        let max_attempts = feed.max_attempts;
        let (base, cap) = (feed.backoff_ms, feed.max_backoff_ms);
        let waited_ms = feed.lock_wait_timeout_ms;
        let kind = EventKind::LockTimedOut { records, waited_ms };
        let id = self.record(None, Actor::CrmCampaign, kind, cause);
        if retry && attempt + 1 < max_attempts {
            let delay_ms = backoff_ms(attempt, base, cap);
            let attempt = attempt + 1;
            let kind = EventKind::Backoff { attempt, delay_ms };
            let id = self.record(None, Actor::Integration, kind, Some(id));
            let step = ResponseStep::Insert {
                batch,
                records,
                attempt,
            };
            let at = self.state.now + delay_ms;
            self.state.schedule(at, Some(id), Pending::Response(step));
        } else {
            let kind = EventKind::ResponsesLost { records };
            let actor = if other {
                Actor::Outside
            } else {
                Actor::Integration
            };
            self.record(None, actor, kind, Some(id));
        }
    }

    /// The async worker takes the next chunk, one at a time, waiting for the lock.
    fn async_next(&mut self) {
        let now = self.state.now;
        loop {
            let st = self.responses();
            if st.async_busy {
                return;
            }
            let Some((records, cause)) = st.async_queue.pop_front() else {
                return;
            };
            let cpu_ms = st.processor.cpu_ms(records);
            if !st.processor.fits_async_budget(records) {
                let limit_ms = st.processor.config().async_cpu_limit_ms;
                let kind = EventKind::CpuLimitExceeded {
                    records,
                    cpu_ms,
                    limit_ms,
                };
                let id = self.record(None, Actor::CrmCampaign, kind, cause);
                let kind = EventKind::ResponsesLost { records };
                self.record(None, Actor::CrmCampaign, kind, Some(id));
                continue;
            }
            match st.lock.request(now, cpu_ms) {
                LockOutcome::Granted { start, end } => {
                    st.async_busy = true;
                    let kind = EventKind::LockGranted {
                        records,
                        wait_ms: start - now,
                        hold_ms: cpu_ms,
                    };
                    let id = self.record(None, Actor::CrmCampaign, kind, cause);
                    let step = Pending::Response(ResponseStep::AsyncDone { records });
                    self.state.schedule(end, Some(id), step);
                }
                LockOutcome::TimedOut { .. } => {
                    // An async context waits for its turn instead of failing.
                    st.async_busy = true;
                    st.async_queue.push_front((records, cause));
                    let at = st.lock.busy_until().unwrap_or(now).max(now + 1);
                    let step = Pending::Response(ResponseStep::AsyncRetry);
                    self.state.schedule(at, cause, step);
                }
            }
            return;
        }
    }
}
