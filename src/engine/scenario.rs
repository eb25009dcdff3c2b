//! The scenario format: serde data (JSON on disk) describing people, lists, programs,
//! smart campaigns, the systems around them, knobs, scripted events, invariants and variants.
//!
//! Everything here refers to other things by name; [`super::compile`] resolves the names,
//! checks limits and turns a scenario plus a variant and knob values into a runnable model.

use super::dist::Dist;
use super::knobs::{Knob, Param};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A JSON scalar as written in a scenario: text, number, bool or null (empty).
pub type Json = serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable id (lowercase words joined by dashes).
    pub id: String,
    pub title: String,
    /// One line for a library card.
    #[serde(default)]
    pub summary: String,
    /// Which race of the source documents this reproduces (e.g. "alert before owner").
    #[serde(default)]
    pub race: String,
    /// The lesson, in plain words, for marketing-operations people.
    #[serde(default)]
    pub lesson: String,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub people: Vec<PeopleGroup>,
    #[serde(default)]
    pub lists: Vec<String>,
    #[serde(default)]
    pub programs: Vec<ProgramDef>,
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    #[serde(default)]
    pub systems: Systems,
    #[serde(default)]
    pub knobs: Vec<Knob>,
    /// Events from outside the engine: form fills, list adds by API, CRM changes.
    #[serde(default)]
    pub script: Vec<ScriptedEvent>,
    #[serde(default)]
    pub invariants: Vec<Invariant>,
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// Simulated time after which the run stops (ms, or a knob).
    pub horizon: Param,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    Bool,
    /// Milliseconds of simulated time.
    DateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
}

/// `count` people with the same initial field values. A field value may contain `{n}`,
/// replaced by the person's number (1-based), e.g. `"person{n}@example.com"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleGroup {
    #[serde(default = "one")]
    pub count: Param,
    #[serde(default)]
    pub fields: BTreeMap<String, Json>,
    /// People who do not exist yet: a scripted form fill creates them.
    #[serde(default)]
    pub unborn: bool,
}

fn one() -> Param {
    Param::Literal(1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramDef {
    pub name: String,
    pub channel: String,
    /// Channel statuses in order; progression only to a higher step.
    pub statuses: Vec<StatusDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusDef {
    pub name: String,
    pub step: u32,
}

/// A smart campaign: a smart list (triggers and filters), a flow, a qualification rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub smart_list: SmartList,
    /// Present for a batch campaign: when it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    #[serde(default)]
    pub qualification: Qualification,
    pub flow: Vec<Action>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmartList {
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// "all" (default), "any", or advanced logic over filter numbers: "1 and (2 or 3)".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
}

/// When a batch campaign runs: at `at`, then every `every` (if set) until the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub at: Param,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Param>,
}

/// How often one person may run through the flow.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    #[default]
    Once,
    EveryTime,
    /// Once every N (a duration: days, weeks as 7 days, months as 30 days).
    OnceEvery(Param),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestSource {
    FlowAction,
    WebServiceApi,
    #[default]
    Any,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    PersonIsCreated,
    FillsOutForm {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<String>,
    },
    DataValueChanges {
        field: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_value: Option<FieldTest>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous_value: Option<FieldTest>,
    },
    AddedToList(String),
    RemovedFromList(String),
    CampaignIsRequested {
        #[serde(default)]
        source: RequestSource,
    },
    ProgramStatusIsChanged {
        program: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_status: Option<String>,
    },
    ScoreIsChanged(String),
}

/// A test on one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldTest {
    Is(Vec<Json>),
    IsNot(Vec<Json>),
    IsEmpty,
    IsNotEmpty,
    GreaterThan(Json),
    LessThan(Json),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Filter {
    Field {
        field: String,
        test: FieldTest,
    },
    MemberOfList {
        list: String,
        member: bool,
    },
    ProgramStatus {
        program: String,
        status: String,
        is: bool,
    },
    MemberOfCampaign {
        campaign: String,
        member: bool,
    },
}

/// A flow step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    ChangeDataValue {
        field: String,
        value: Json,
    },
    ChangeScore {
        field: String,
        change: Param,
    },
    AddToList(String),
    RemoveFromList(String),
    ChangeProgramStatus {
        program: String,
        status: String,
    },
    /// Starts the campaign in parallel (a separate queue item).
    RequestCampaign(String),
    /// Runs the campaign's flow in series, inside this one (at most 3 deep).
    ExecuteCampaign(String),
    Wait(Dist),
    SendEmail(String),
    /// Sent to the person's owner; with no owner it goes to no one.
    SendAlert(String),
    CallWebhook(String),
    SyncPersonToCrm,
    /// Leaves this flow (and the caller's, inside an executed campaign).
    RemoveFromFlow,
    DoNothing,
    /// "If filter then this step, else the default" (the first matching branch wins).
    Choice {
        branches: Vec<Branch>,
        #[serde(default = "do_nothing")]
        default: Box<Action>,
    },
}

fn do_nothing() -> Box<Action> {
    Box::new(Action::DoNothing)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    pub when: Vec<Filter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
    pub then: Action,
}

/// The systems around the campaign engine.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Systems {
    #[serde(default)]
    pub queue: QueueConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm: Option<CrmConfig>,
    #[serde(default)]
    pub webhooks: Vec<WebhookDef>,
    /// The Marketo REST API limits every job call passes through (defaults when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_api: Option<RestApiConfig>,
    /// Scheduled serverless import jobs that keep a checkpoint in a custom object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<JobDef>,
    /// An integration inserting campaign responses into one CRM campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_feed: Option<ResponseFeedDef>,
    /// Change events about people, replicated and queued to consumers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_feed: Option<ChangeFeedDef>,
}

/// The campaign queue: separate trigger and batch queues, each with workers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    pub trigger_workers: Param,
    pub batch_workers: Param,
    /// Time a worker spends on one flow step.
    pub step_time: Dist,
    /// Time between an activity and its trigger campaign's first step becoming ready.
    pub trigger_delay: Dist,
    /// Cap on Request Campaign per person (stops request loops; a hit is reported).
    pub request_cap: Param,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            trigger_workers: Param::Literal(2),
            batch_workers: Param::Literal(1),
            step_time: Dist::fixed_ms(100),
            trigger_delay: Dist::fixed_ms(0),
            request_cap: Param::Literal(100),
        }
    }
}

/// A Salesforce-like CRM: pushes, a background sync cycle and owner assignment rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmConfig {
    /// Time for a "Sync Person to CRM" push to reach the CRM.
    pub push_latency: Dist,
    /// The background sync cycle that brings CRM changes (owners) back.
    pub sync_interval: Param,
    /// Time the CRM takes to run assignment rules after a record arrives.
    #[serde(default = "instant")]
    pub assignment_delay: Dist,
    /// First matching rule assigns the owner.
    #[serde(default)]
    pub assignment_rules: Vec<AssignmentRule>,
    /// Owner when no rule matches (none: the record stays unassigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_owner: Option<String>,
    /// The marketing-database field that holds the owner.
    #[serde(default = "owner_field")]
    pub owner_field: String,
}

fn instant() -> Dist {
    Dist::fixed_ms(0)
}

fn owner_field() -> String {
    "owner".to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRule {
    /// Conditions on the fields the CRM received (all must hold).
    pub when: Vec<Filter>,
    pub owner: String,
    /// The queue or territory the rule routes to (recorded in the trace).
    #[serde(default)]
    pub queue: String,
}

/// A webhook: a call to an outside service whose response maps into person fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookDef {
    pub name: String,
    /// Round-trip time; the service acts halfway.
    pub latency: Dist,
    /// Probability (percent knob, or ppm literal) that the call fails.
    #[serde(default = "zero")]
    pub failure: Param,
    /// Marketo gives up after 30 s: no response mapping, the flow goes on.
    #[serde(default = "thirty_seconds")]
    pub timeout: Param,
    pub service: Service,
    /// Response attribute → person field.
    #[serde(default)]
    pub response_mappings: BTreeMap<String, String>,
}

fn zero() -> Param {
    Param::Literal(0)
}

fn thirty_seconds() -> Param {
    Param::Literal(30_000)
}

/// What the service behind a webhook does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Service {
    /// Answers fixed attributes; a value `{"from_field": "x"}` copies the person's field x.
    Respond(BTreeMap<String, Json>),
    /// A key-value store. Keys are templates: `{person}`, `{field:NAME}`, `{list_entry:LIST}`
    /// (the number of the person's current entry in that list). Response: `ok`, `value`.
    KeyValue(KvOp),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum KvOp {
    Get {
        key: String,
    },
    Set {
        key: String,
        value: Json,
    },
    /// Sets `new` only if the current value equals `expected` (null: absent). Atomic.
    Cas {
        key: String,
        expected: Json,
        new: Json,
    },
    /// Pushes a value on the stack at `key`.
    Push {
        key: String,
        value: Json,
    },
    /// At-most-once: removes and returns the top of the stack at `key`.
    Pop {
        key: String,
    },
}

/// An event from outside: `at` (a delay distribution from t=0), for `people`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedEvent {
    /// A short label shown in the UI ("form fill by person 3").
    #[serde(default)]
    pub label: String,
    pub at: Dist,
    #[serde(default)]
    pub people: PeopleSelector,
    pub event: OutsideEvent,
}

/// Which people a scripted event applies to (1-based person numbers).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeopleSelector {
    #[default]
    All,
    One(u32),
    Range {
        first: u32,
        last: u32,
    },
    /// No person: the event is about a campaign or system.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OutsideEvent {
    /// Fills out a form; creates the person first if they do not exist yet.
    FillsOutForm(String),
    /// An API or list import adds the person to a static list.
    AddToList(String),
    /// A field changes from outside (an import, a sales rep, an API call).
    ChangeDataValue { field: String, value: Json },
    /// The web service API requests a campaign for the person.
    RequestCampaign(String),
    /// A batch campaign runs now (in addition to its schedule).
    RunBatchCampaign(String),
    /// A sales rep assigns an owner in the CRM (arrives on a later sync).
    AssignOwnerInCrm(String),
}

/// A property that must hold throughout the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Invariant {
    /// At most one `email` per person per entry into `list` (a queue entry).
    OneEmailPerEntry { list: String, email: String },
    /// Every entry into `list` gets its `email` by the end of the run.
    NoEntryLost { list: String, email: String },
    /// An alert has a recipient (the person has an owner when it is sent).
    AlertHasRecipient,
    /// The CRM only receives a person once `field` is filled (enrichment completed).
    CrmSyncAfter { field: String },
    /// `field` moves only forward through `order`.
    StageNeverRegresses { field: String, order: Vec<String> },
    /// A job never writes a checkpoint lower than the one written before.
    CheckpointMonotonic,
    /// No source record is imported twice.
    NoDuplicateImport,
    /// Every response of the response feed is processed.
    NoResponseLost,
    /// No consumer decides on a replica read older than the primary.
    NoStaleDecision,
    /// A consumer's action runs at most once per message.
    NoDuplicateAction,
}

/// A named set of changes to the scenario (e.g. `naive`, `fixed`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Campaigns added, or replacing the campaign of the same name.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// Campaigns switched off in this variant.
    #[serde(default)]
    pub deactivate: Vec<String>,
    /// Webhooks added, or replacing the webhook of the same name.
    #[serde(default)]
    pub webhooks: Vec<WebhookDef>,
    /// Knob defaults for this variant.
    #[serde(default)]
    pub knobs: BTreeMap<String, i64>,
    /// Job changes: each entry is merged (JSON merge patch: only the keys given change)
    /// into the job of the same `name`, or added as a new job.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<Json>,
    /// Merged into `systems.rest_api` (JSON merge patch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_api: Option<Json>,
    /// Merged into `systems.response_feed` (JSON merge patch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_feed: Option<Json>,
    /// Merged into `systems.change_feed` (JSON merge patch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_feed: Option<Json>,
}

// ---- integration systems (domain §2; races 5, 6 and 7) ------------------------------

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

/// How a job guards its checkpoint against an overlapping run (race 5).
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
    pub strategy: JobStrategy,
    /// First retry delay after a 606/615/607; doubles on each retry, up to `max_backoff_ms`.
    #[serde(default = "one_second")]
    pub backoff_ms: Param,
    #[serde(default = "one_minute")]
    pub max_backoff_ms: Param,
    /// Attempts per REST call before the run gives up.
    #[serde(default = "five")]
    pub max_attempts: Param,
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

/// How the integration's inserts are processed on the CRM side (race 6).
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
    /// Process a batch above `batch_size` asynchronously instead of synchronously.
    #[serde(default)]
    pub async_above_batch_size: bool,
    /// CPU budget of a synchronous (trigger) transaction.
    #[serde(default = "ten_seconds")]
    pub sync_cpu_limit: Param,
    /// CPU budget of an asynchronous context.
    #[serde(default = "sixty_seconds")]
    pub async_cpu_limit: Param,
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
    /// Read-your-writes: when the replica is older than the message, read the primary.
    #[serde(default, alias = "read_your_writes")]
    pub version_check: bool,
    /// Claim each message id in an idempotency log before acting; skip duplicates.
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
