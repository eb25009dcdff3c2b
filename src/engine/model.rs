//! The compiled, runnable form of a scenario: names resolved to indices, knobs applied,
//! values interned. Built by [`super::compile`]; read (never changed) by the simulator.

use super::dist::Delay;
use super::knobs::KnobValues;
use super::logic::Logic;
use super::scenario::steps::{ConsumerStep, JobStepDef, ProcessorStep};
use super::scenario::{FieldDef, FieldType, KvOp, RequestSource};
use super::systems::{ResponseConfig, RestLimits};
use super::value::{Sym, Symbols, Test, Value};

pub type FieldId = u16;
pub type ListId = u16;
pub type CampaignId = u16;
pub type ProgramId = u16;
pub type WebhookId = u16;
pub type PersonId = u32;

/// Hard limits of one run (documented in docs/limits.md); exceeding one is an error.
pub mod limits {
    /// People in a scenario.
    pub const MAX_PEOPLE: usize = 100_000;
    /// Trace events in one run.
    pub const MAX_EVENTS: usize = 5_000_000;
    /// Smart campaigns in a scenario.
    pub const MAX_CAMPAIGNS: usize = 200;
    /// Steps in one flow.
    pub const MAX_FLOW_STEPS: usize = 100;
    /// How deep Execute Campaign may nest.
    pub const MAX_EXECUTE_DEPTH: usize = 3;
    /// The longest simulated horizon: 400 days.
    pub const MAX_HORIZON_MS: u64 = 400 * 86_400_000;
    /// The shortest batch recurrence: one minute.
    pub const MIN_RECURRENCE_MS: u64 = 60_000;
    /// Scripted events after expansion over people.
    pub const MAX_SCRIPTED: usize = 1_000_000;
    /// Person fields in a scenario.
    pub const MAX_FIELDS: usize = 1_000;
    /// Field values of all people together (people times fields).
    pub const MAX_PERSON_VALUES: usize = 10_000_000;
    /// One person's text value after `{n}` is filled in, in bytes.
    pub const MAX_TEXT_BYTES: usize = 4_096;
    /// All people's text values after `{n}` is filled in, in bytes.
    pub const MAX_PEOPLE_TEXT_BYTES: usize = 64 << 20;
    /// A scenario file's text, in bytes.
    pub const MAX_SCENARIO_BYTES: usize = 16 << 20;
}

#[derive(Debug, Clone)]
pub struct Model {
    pub scenario_id: String,
    pub title: String,
    pub variant: String,
    pub knobs: KnobValues,
    pub syms: Symbols,
    pub fields: Vec<FieldDef>,
    pub people: Vec<PersonInit>,
    pub lists: Vec<String>,
    pub programs: Vec<Program>,
    pub campaigns: Vec<CampaignModel>,
    pub webhooks: Vec<Webhook>,
    pub crm: Option<Crm>,
    pub queue: Queue,
    pub script: Vec<Scripted>,
    pub invariants: Vec<InvariantModel>,
    pub horizon: u64,
    /// The `email` field, if any: batch sends de-duplicate by it.
    pub email_field: Option<FieldId>,
    /// Whether any `email_only_when` invariant is declared (checked on every send).
    pub checks_email_conditions: bool,
    /// Who receives Send Alert: the CRM's owner field, else a field named `owner`.
    pub owner_field: Option<FieldId>,
    /// Integration systems (absent or empty when the scenario does not use them).
    pub integrations: Integrations,
    /// Person creation by email lookup, then insert (absent: a form fill creates at once).
    pub creation: Option<PersonCreation>,
}

/// Person creation by email: lookup, a gap, then the insert (see `PersonCreationDef`).
#[derive(Debug, Clone)]
pub struct PersonCreation {
    pub insert_gap: Delay,
    pub clients: Vec<ApiClient>,
    /// The records of one email address: each person's group (index into `groups`).
    pub group_of: Vec<u32>,
    /// People (records) by email address, the declared person first, then its spare.
    pub groups: Vec<Vec<PersonId>>,
}

impl PersonCreation {
    /// The records that share person `p`'s email address (`p` among them).
    pub fn records_of(&self, p: PersonId) -> &[PersonId] {
        &self.groups[self.group_of[p as usize] as usize]
    }
}

/// How a submission reached Marketo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// A form fill (the form's name).
    Form(Sym),
    /// An API client (index into `PersonCreation::clients`).
    Api(u16),
}

#[derive(Debug, Clone)]
pub struct ApiClient {
    pub name: String,
    pub update_only: bool,
    pub retry_after_ms: u64,
    pub attempts: u32,
}

impl Model {
    pub fn field_type(&self, f: FieldId) -> FieldType {
        self.fields[f as usize].kind
    }
}

#[derive(Debug, Clone)]
pub struct PersonInit {
    pub exists: bool,
    pub fields: Vec<Value>,
    /// A spare record: the second record of this declared person's email, created only by
    /// a duplicate submission (see [`PersonCreation`]).
    pub spare_of: Option<PersonId>,
}

#[derive(Debug, Clone)]
pub struct Program {
    pub name: String,
    /// (status name, step number).
    pub statuses: Vec<(String, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueueKind {
    Trigger = 0,
    Batch = 1,
}

/// Priority class in the campaign queue (lower runs first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    High = 0,
    Medium = 1,
    Low = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualification {
    Once,
    EveryTime,
    EveryMs(u64),
}

#[derive(Debug, Clone)]
pub struct CampaignModel {
    pub name: String,
    pub active: bool,
    pub triggers: Vec<TriggerModel>,
    pub filters: Vec<FilterModel>,
    pub logic: Logic,
    /// Batch campaigns: first run and recurrence.
    pub schedule: Option<(u64, Option<u64>)>,
    pub qualification: Qualification,
    pub flow: Vec<StepModel>,
}

impl CampaignModel {
    pub fn queue(&self) -> QueueKind {
        if self.schedule.is_some() {
            QueueKind::Batch
        } else {
            QueueKind::Trigger
        }
    }
}

#[derive(Debug, Clone)]
pub enum TriggerModel {
    PersonIsCreated,
    FillsOutForm(Option<Sym>),
    DataValueChanges {
        field: FieldId,
        new_value: Option<Test>,
        previous_value: Option<Test>,
    },
    AddedToList(ListId),
    RemovedFromList(ListId),
    CampaignIsRequested(RequestSource),
    ProgramStatusIsChanged {
        program: ProgramId,
        status: Option<u16>,
    },
    ScoreIsChanged(FieldId),
}

#[derive(Debug, Clone)]
pub enum FilterModel {
    Field(FieldId, Test),
    MemberOfList(ListId, bool),
    ProgramStatus(ProgramId, u16, bool),
    MemberOfCampaign(CampaignId, bool),
}

/// A flow step with its queue priority in a trigger and in a batch campaign.
#[derive(Debug, Clone)]
pub struct StepModel {
    pub action: ActionModel,
    pub priority: Priority,
}

/// What a Change Score step does to the score: `+5` / `-5` (by) or `=5` (to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreChange {
    By(i64),
    To(i64),
}

impl ScoreChange {
    /// The new score from the old one.
    pub fn apply(self, old: i64) -> i64 {
        match self {
            ScoreChange::By(d) => old.saturating_add(d),
            ScoreChange::To(n) => n,
        }
    }
}

impl std::fmt::Display for ScoreChange {
    /// As Marketo's Change Score step writes it: `+40`, `-5`, `=0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScoreChange::By(d) => write!(f, "{d:+}"),
            ScoreChange::To(n) => write!(f, "={n}"),
        }
    }
}

#[derive(Debug, Clone)]
pub enum ActionModel {
    ChangeDataValue(FieldId, Value),
    ChangeScore(FieldId, ScoreChange),
    AddToList(ListId),
    RemoveFromList(ListId),
    ChangeProgramStatus(ProgramId, u16),
    RequestCampaign(CampaignId),
    ExecuteCampaign(CampaignId),
    Wait(Delay),
    SendEmail(Sym),
    SendAlert(Sym),
    CallWebhook(WebhookId),
    SyncPersonToCrm,
    RemoveFromFlow,
    DoNothing,
    Choice {
        branches: Vec<(Vec<FilterModel>, Logic, ActionModel)>,
        default: Box<ActionModel>,
    },
}

#[derive(Debug, Clone)]
pub struct Webhook {
    pub name: String,
    pub latency: Delay,
    pub failure_ppm: u32,
    pub response_loss_ppm: u32,
    pub timeout_ms: u64,
    pub service: ServiceModel,
    /// A timed-out call's answer is written to the person later (a REST update).
    pub writes_back_late: bool,
    /// (response attribute, field).
    pub mappings: Vec<(Sym, FieldId)>,
}

#[derive(Debug, Clone)]
pub enum ServiceModel {
    /// (attribute, value or copied field).
    Respond(Vec<(Sym, Source)>),
    KeyValue(KvOpModel),
}

#[derive(Debug, Clone)]
pub enum Source {
    Value(Value),
    Field(FieldId),
}

#[derive(Debug, Clone)]
pub enum KeyPart {
    Text(Sym),
    Person,
    Field(FieldId),
}

#[derive(Debug, Clone)]
pub struct KvOpModel {
    pub op: KvOp,
    /// For a claim: how long the lease lasts.
    pub lease_ms: u64,
    pub key: Vec<KeyPart>,
    /// For a commit: the field holding the caller's fencing token.
    pub token: Option<FieldId>,
    pub expected: Value,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct Crm {
    pub push_latency: Delay,
    pub sync_interval_ms: u64,
    pub assignment_delay: Delay,
    /// (conditions, owner, queue).
    pub rules: Vec<(Vec<FilterModel>, Sym, Sym)>,
    pub default_owner: Option<Sym>,
    pub owner_field: FieldId,
    pub automations: Vec<CrmAutomation>,
    /// When the sync finds an automated field changed on both sides, Marketo's value wins
    /// (else the CRM's).
    pub marketo_wins_conflicts: bool,
    /// The fields the automations set, in order: a CRM record keeps these values.
    pub automated_fields: Vec<FieldId>,
}

#[derive(Debug, Clone)]
pub struct CrmAutomation {
    pub name: String,
    /// Index into `Crm::automated_fields`.
    pub slot: u16,
    pub field: FieldId,
    pub value: Value,
    pub delay: Delay,
    pub only_if_empty: bool,
}

#[derive(Debug, Clone)]
pub struct Queue {
    pub workers: [u32; 2],
    pub step_time: Delay,
    pub trigger_delay: Delay,
    pub request_cap: u32,
}

#[derive(Debug, Clone)]
pub struct Scripted {
    pub label: String,
    pub at: Delay,
    /// An earlier scripted event (index) that `at` counts from, per person.
    pub after: Option<u32>,
    /// 0-based people, or none.
    pub people: Option<(PersonId, PersonId)>,
    pub event: OutsideModel,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OutsideModel {
    FillsOutForm(Sym),
    AddToList(ListId),
    ChangeDataValue(FieldId, Value),
    RequestCampaign(CampaignId),
    RunBatchCampaign(CampaignId),
    AssignOwnerInCrm(Sym),
    /// A job (index into the model's jobs) fires now.
    RunJobNow(u16),
    /// A change event for this published field.
    ChangeEventArrives(FieldId),
    ChangeEventRedelivered,
    /// (webhook, extra milliseconds for the person's next call).
    DelayWebhook(WebhookId, u64),
    /// Extra responses arriving at the response feed.
    ResponsesArrive(u32),
    /// An API client (index into `PersonCreation::clients`) sends the person.
    SyncPersonByApi(u16),
}

#[derive(Debug, Clone)]
pub enum InvariantModel {
    OneEmailPerEntry {
        list: ListId,
        email: Sym,
    },
    NoEntryLost {
        list: ListId,
        email: Sym,
    },
    AlertHasRecipient,
    CrmSyncAfter {
        field: FieldId,
    },
    StageNeverRegresses {
        field: FieldId,
        order: Vec<Value>,
    },
    CheckpointMonotonic,
    NoDuplicateImport,
    NoResponseLost,
    NoStaleDecision,
    NoDuplicateAction,
    EmailOnlyWhen {
        email: Sym,
        when: Vec<FilterModel>,
        logic: Logic,
    },
    EveryoneReachesCrm,
    OneAlertPerPerson {
        alert: Sym,
    },
    StatusNeverMoves {
        program: ProgramId,
        from: u16,
        to: u16,
    },
    OnePersonPerEmail {
        email: FieldId,
    },
    MarketoValueKept {
        field: FieldId,
    },
}

impl InvariantModel {
    pub fn name(&self) -> &'static str {
        match self {
            InvariantModel::OneEmailPerEntry { .. } => "one-email-per-entry",
            InvariantModel::NoEntryLost { .. } => "no-entry-lost",
            InvariantModel::AlertHasRecipient => "alert-has-recipient",
            InvariantModel::CrmSyncAfter { .. } => "crm-sync-after-enrichment",
            InvariantModel::StageNeverRegresses { .. } => "stage-never-regresses",
            InvariantModel::CheckpointMonotonic => "checkpoint-monotonic",
            InvariantModel::NoDuplicateImport => "no-duplicate-import",
            InvariantModel::NoResponseLost => "no-response-lost",
            InvariantModel::NoStaleDecision => "no-stale-decision",
            InvariantModel::NoDuplicateAction => "no-duplicate-action",
            InvariantModel::EmailOnlyWhen { .. } => "email-only-when",
            InvariantModel::EveryoneReachesCrm => "everyone-reaches-crm",
            InvariantModel::OneAlertPerPerson { .. } => "one-alert-per-person",
            InvariantModel::StatusNeverMoves { .. } => "status-never-moves",
            InvariantModel::OnePersonPerEmail { .. } => "one-person-per-email",
            InvariantModel::MarketoValueKept { .. } => "marketo-value-kept",
        }
    }
}

// ---- integration systems --------------------------------------------------------------

/// The compiled integration systems.
#[derive(Debug, Clone, Default)]
pub struct Integrations {
    pub rest: RestModel,
    /// Custom objects the jobs use: (API name, dedupe field).
    pub objects: Vec<(String, String)>,
    pub checkpoints: Vec<CheckpointModel>,
    pub jobs: Vec<JobModel>,
    pub responses: Option<ResponseFeedModel>,
    pub changes: Option<ChangeFeedModel>,
}

#[derive(Debug, Clone)]
pub struct RestModel {
    pub limits: RestLimits,
    pub latency: Delay,
}

impl Default for RestModel {
    fn default() -> Self {
        RestModel {
            limits: RestLimits::default(),
            latency: Delay::Fixed(200),
        }
    }
}

/// One checkpoint record: (object, key) shared by the jobs that name it.
#[derive(Debug, Clone)]
pub struct CheckpointModel {
    pub object: u16,
    pub key: String,
    pub field: String,
    /// Milliseconds between source records (record k has modstamp k × this).
    pub record_every: u64,
}

#[derive(Debug, Clone)]
pub struct JobModel {
    pub name: String,
    pub at: u64,
    pub every: Option<u64>,
    pub run_time: Delay,
    pub cold_ppm: u32,
    pub checkpoint: u16,
    /// What each run does, in order (checked: GET first, one import).
    pub steps: Vec<JobStepDef>,
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
    pub max_attempts: u32,
    /// When an admin resets the checkpoint's epoch (once), if ever.
    pub epoch_reset: Option<Delay>,
}

#[derive(Debug, Clone)]
pub struct ResponseFeedModel {
    pub user: String,
    pub campaign: String,
    pub count: u32,
    pub window: Delay,
    pub batch_records: u32,
    /// What happens to each insert (checked: an insert step first).
    pub steps: Vec<ProcessorStep>,
    pub lock_wait_timeout_ms: u64,
    pub max_attempts: u32,
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
    /// The processor's settings (CPU costs and limits, batch size, user-based async).
    pub processor: ResponseConfig,
    /// Another writer into the same campaign: its name, responses and arrival times.
    pub second_writer: Option<(String, u32, Delay)>,
}

#[derive(Debug, Clone)]
pub struct ChangeFeedModel {
    pub name: String,
    /// Published fields; the replica stores these values per person, in this order.
    pub fields: Vec<FieldId>,
    pub replica_lag: Delay,
    pub visibility_timeout_ms: u64,
    pub redelivery_ppm: u32,
    pub consumers: u32,
    pub processing_time: Delay,
    /// What a consumer does with each message, in order (checked: one read, before the
    /// list updates and the action).
    pub steps: Vec<ConsumerStep>,
    pub lists: Vec<(ListId, Vec<FilterModel>, Logic)>,
    pub action: Option<(Vec<FilterModel>, Logic, ActionModel)>,
}
