//! State machines for the integration systems around the campaign engine (domain §2).
//!
//! Each component is pure and deterministic: time comes in as `now` (simulated ms), every
//! nondeterministic decision (does a call fail, is a start cold, how long is the lag or
//! the hold) is an argument the simulator draws through its chooser, and the results are
//! outcome values the simulator turns into trace events. State uses ordered collections
//! only, so states hash and compare for exploration.
//!
//! | module | models | defaults | serves race |
//! |---|---|---|---|
//! | [`rest_api`] | Marketo REST limits and backoff | 100 calls / 20 s (606), 10 in flight (615), 50,000 / day (607) | 5 overlapping job runs (the job's calls), retries in general |
//! | [`custom_objects`] | Marketo custom objects: read by filter, createOnly / updateOnly / createOrUpdate, versions; CAS store behind a webhook | 300 records and 1 MB per call | 5 overlapping job runs (lost checkpoint; claim with createOnly; CAS on a version) |
//! | [`campaign_lock`] | Salesforce parent-campaign record lock for CampaignMember inserts | lock wait timeout 10 s (UNABLE_TO_LOCK_ROW) | 6 lock storm |
//! | [`response_processor`] | response handling / scoring / resolution: sync, async, manual, user-based async, batch-size switch | sync CPU 10 s, async CPU 60 s, 50 ms per record, batch size 200, small batch ≤ 1, delay 5 min | 6 lock storm (fix: delay-and-batch, async above batch size) |
//! | [`message_queue`] | at-least-once queue with visibility timeout and redelivery; idempotency log; at-most-once stack | visibility timeout set by the scenario | 4 list as task queue (atomic pop / claim), 7 replica lag cascade (duplicates on redelivery) |
//! | [`replica`] | primary with per-key versions and a lagging read replica, replayed in commit order | lag per write, drawn by the caller | 7 replica lag cascade (stale membership; version check) |
//! | [`serverless_job`] | scheduled serverless job: cold / warm instances with a cache, overlapping runs | schedule set by the scenario | 5 overlapping job runs |

pub mod campaign_lock;
pub mod custom_objects;
pub mod message_queue;
pub mod replica;
pub mod response_processor;
pub mod rest_api;
pub mod serverless_job;

pub use campaign_lock::{
    CampaignLock, LockOutcome, LockStats, DEFAULT_LOCK_WAIT_TIMEOUT_MS, UNABLE_TO_LOCK_ROW,
};
pub use custom_objects::{
    payload_bytes, CasError, CoLimits, CoStats, CoValue, CustomObjectStore, DedupeBy, Fields,
    Record, SkipReason, WriteAction, WriteError, WriteStatus, GUID_FIELD,
};
pub use message_queue::{
    Delivery, IdempotencyLog, Message, MessageId, MessageQueue, QueueStats, Stack,
};
pub use replica::{ReplicatedStore, VersionedValue};
pub use response_processor::{
    chunk_sizes, AsyncReason, MergedBatch, PendingBatch, ResponseConfig, ResponseProcessor,
    ResponseStats, ScoringMode, SubmitOutcome,
};
pub use rest_api::{backoff_ms, ApiError, CallTicket, RestApi, RestLimits, RestStats, DAY_MS};
pub use serverless_job::{
    InstanceId, Invocation, InvocationId, JobSchedule, JobStats, ServerlessJob,
};
