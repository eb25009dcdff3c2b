//! The integration systems (domain §2; races 5, 6 and 7): the REST API limits, scheduled
//! import jobs with their checkpoints, the response feed and the change feed.

use super::steps::{ConsumerStep, JobStepDef, ProcessorStep};
use super::{one, thirty_seconds, zero, Branch, Filter, Schedule};
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use serde::{Deserialize, Serialize};

/// The Marketo REST API limits (errors 606, 615, 607) and the latency of one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApiConfig {
    /// Calls per sliding window (error 606 beyond).
    #[serde(default = "hundred")]
    pub rate_limit: Param,
    #[serde(default = "twenty_seconds")]
    pub rate_window: Param,
    /// Calls in flight at once (error 615 beyond).
    #[serde(default = "ten")]
    pub max_concurrent: Param,
    /// Calls per simulated day (error 607 beyond).
    #[serde(default = "fifty_thousand")]
    pub daily_quota: Param,
    /// Round trip of one call.
    #[serde(default = "two_hundred_ms")]
    pub latency: Dist,
}

impl Default for RestApiConfig {
    fn default() -> Self {
        Self {
            rate_limit: hundred(),
            rate_window: twenty_seconds(),
            max_concurrent: ten(),
            daily_quota: fifty_thousand(),
            latency: two_hundred_ms(),
        }
    }
}

fn hundred() -> Param {
    Param::Literal(100)
}
fn twenty_seconds() -> Param {
    Param::Literal(20_000)
}
fn ten() -> Param {
    Param::Literal(10)
}
fn fifty_thousand() -> Param {
    Param::Literal(50_000)
}
fn two_hundred_ms() -> Dist {
    Dist::fixed_ms(200)
}

/// How a job guards its checkpoint against an overlapping run (race 5): the older way to
/// choose a job's steps (see [`JobStepDef::legacy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStrategy {
    /// Read the mark, import (mark, start], write mark = start with createOrUpdate.
    ReadThenWrite,
    /// Read the mark, createOnly a claim record keyed by it; only the creator imports.
    ClaimCreateOnly,
    /// Read mark and version, compare-and-set the mark to start first; import on success.
    VersionCas,
}

/// A scheduled serverless import job (seed 001). Each run imports the source records with
/// modstamps in (mark, run start] and moves the high-water mark to its start time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobDef {
    pub name: String,
    /// First invocation and period; a slow run overlaps the next.
    pub schedule: Schedule,
    /// Duration of the import itself.
    pub run_time: Dist,
    /// Probability that an invocation starts cold (as webhook `failure`: a percent knob or a
    /// literal in parts per million). A warm one reuses the mark cached by its last run.
    #[serde(default = "always")]
    pub cold_start: Param,
    pub source: RecordSource,
    pub checkpoint: CheckpointDef,
    /// What each run does, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<JobStepDef>>,
    /// Older files: the steps as one switch (read as its step list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<JobStrategy>,
    /// First retry delay after a 606/615/607; doubles on each retry, up to `max_backoff_ms`.
    #[serde(default = "one_second")]
    pub backoff_ms: Param,
    #[serde(default = "one_minute")]
    pub max_backoff_ms: Param,
    /// Attempts per REST call before the run gives up.
    #[serde(default = "five")]
    pub max_attempts: Param,
    /// An admin resets the epoch once, at this time: the imported object is dropped and
    /// the checkpoint's mark goes back to the start, so that everything is imported again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch_reset: Option<Dist>,
}

fn always() -> Param {
    Param::Literal(1_000_000)
}
fn one_second() -> Param {
    Param::Literal(1_000)
}
fn one_minute() -> Param {
    Param::Literal(60_000)
}
fn five() -> Param {
    Param::Literal(5)
}

/// The records a job imports: record k (k = 1, 2, ...) has modstamp k × `record_every`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSource {
    pub record_every: Param,
}

/// Where the high-water mark lives: a standalone custom object record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointDef {
    /// Custom object API name, e.g. `customObjectSyncMetadata_c`.
    pub object: String,
    #[serde(default = "api_name")]
    pub dedupe_field: String,
    /// The dedupe value of the checkpoint record (the imported object's name).
    pub key: String,
    /// The field that holds the mark.
    #[serde(default = "high_water_mark")]
    pub field: String,
}

fn api_name() -> String {
    "apiName".to_string()
}
fn high_water_mark() -> String {
    "highWaterMark".to_string()
}

/// How the integration's inserts are processed on the CRM side (race 6): the older way to
/// choose the feed's steps (see [`ProcessorStep::legacy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    /// Each insert is processed at once, holding the campaign lock.
    #[default]
    Synchronous,
    /// As synchronous, but a lock failure is retried with exponential backoff.
    Retry,
    /// User-based async scoring: small batches wait `async_delay` and are merged.
    UserAsync,
}

/// An integration inserting campaign responses (CampaignMembers) into one CRM campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseFeedDef {
    /// The integration user (lane name; user-based async scoring is configured for it).
    #[serde(default = "integration_user")]
    pub name: String,
    /// The CRM campaign whose record every insert locks.
    pub campaign: String,
    /// Number of responses.
    pub count: Param,
    /// Arrival time of each response (one draw per response).
    pub window: Dist,
    /// Lock hold / CPU time to process one response.
    #[serde(default = "fifty_ms")]
    pub cpu_per_record: Param,
    /// Longest wait for the campaign lock before UNABLE_TO_LOCK_ROW.
    #[serde(default = "ten_seconds")]
    pub lock_wait_timeout: Param,
    /// What happens to each insert, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<ProcessorStep>>,
    /// Older files: part of the steps as a switch.
    #[serde(default)]
    pub mode: ResponseMode,
    /// `retry`: attempts per insert, first backoff, backoff cap.
    #[serde(default = "five")]
    pub max_attempts: Param,
    #[serde(default = "one_second")]
    pub backoff_ms: Param,
    #[serde(default = "one_minute")]
    pub max_backoff_ms: Param,
    /// `user_async`: delay before merged small batches are processed.
    #[serde(default = "five_minutes")]
    pub async_delay: Param,
    /// `user_async`: the largest batch that counts as small.
    #[serde(default = "one")]
    pub small_batch: Param,
    /// Responses per insert call (1: one by one).
    #[serde(default = "one")]
    pub batch_records: Param,
    /// Scoring batch size: async chunk size and the switch threshold.
    #[serde(default = "two_hundred")]
    pub batch_size: Param,
    /// Older files: the `async_above_batch_size` step as a switch.
    #[serde(default)]
    pub async_above_batch_size: bool,
    /// CPU budget of a synchronous (trigger) transaction.
    #[serde(default = "ten_seconds")]
    pub sync_cpu_limit: Param,
    /// CPU budget of an asynchronous context.
    #[serde(default = "sixty_seconds")]
    pub async_cpu_limit: Param,
    /// Another writer inserting responses into the same CRM campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_writer: Option<SecondWriterDef>,
}

/// Another writer of campaign responses into the feed's CRM campaign (a second
/// integration, a sales rep's import): not an async-scoring user, so each of its inserts
/// is processed synchronously, contends for the campaign lock and is lost on a lock error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondWriterDef {
    pub name: String,
    /// Responses it inserts, one at a time.
    pub count: Param,
    /// Arrival time of each (one draw per response).
    pub window: Dist,
}

fn integration_user() -> String {
    "Marketo Integration".to_string()
}
fn fifty_ms() -> Param {
    Param::Literal(50)
}
fn ten_seconds() -> Param {
    Param::Literal(10_000)
}
fn sixty_seconds() -> Param {
    Param::Literal(60_000)
}
fn five_minutes() -> Param {
    Param::Literal(300_000)
}
fn two_hundred() -> Param {
    Param::Literal(200)
}

/// A dynamic list a consumer keeps up to date: members are the people `when` holds for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamicList {
    pub list: String,
    pub when: Vec<Filter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
}

/// Change events about people (seed 002, race 7): a change of a published field commits
/// on the primary store (the replica shows it after `replica_lag`) and goes onto an
/// at-least-once queue; consumers re-read the person, recompute dynamic lists and act.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeFeedDef {
    #[serde(default = "change_feed_name")]
    pub name: String,
    /// Fields whose scripted outside changes are published.
    pub fields: Vec<String>,
    /// Time for a write to reach the read replica.
    pub replica_lag: Dist,
    /// A received message not acked in this time is delivered again.
    #[serde(default = "thirty_seconds")]
    pub visibility_timeout: Param,
    /// Probability that a processed message is delivered again (its ack is lost): a
    /// percent knob or a literal in parts per million.
    #[serde(default = "zero")]
    pub redelivery: Param,
    /// Consumer workers.
    #[serde(default = "one")]
    pub consumers: Param,
    /// Time from receiving a message to reading, deciding and acting.
    #[serde(default = "fifty_ms_dist")]
    pub processing_time: Dist,
    /// What a consumer does with each message, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<ConsumerStep>>,
    /// Older files: the `read_primary_if_stale` step as a switch (read-your-writes).
    #[serde(default, alias = "read_your_writes")]
    pub version_check: bool,
    /// Older files: the `skip_if_seen` step as a switch.
    #[serde(default)]
    pub idempotent: bool,
    /// Lists recomputed on every message (Add to List / Remove from List).
    #[serde(default)]
    pub lists: Vec<DynamicList>,
    /// Done once per message when its `when` holds (send_email, send_alert or
    /// request_campaign).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Branch>,
}

fn change_feed_name() -> String {
    "change feed".to_string()
}
fn fifty_ms_dist() -> Dist {
    Dist::fixed_ms(50)
}
