//! The trace: every event of a run with its time, person, actor, kind and cause, plus a
//! platform-independent hash so that identical runs can be recognised anywhere.

use super::model::*;
use super::value::{Sym, Value};
use std::hash::{Hash, Hasher};

pub type EventId = u32;

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The outside world: a form fill, an API call, a sales rep.
    Outside,
    Campaign(CampaignId),
    Crm,
    Webhook(WebhookId),
    /// A scheduled serverless job (index into the model's jobs).
    Job(u16),
    /// The integration inserting responses (the response feed).
    Integration,
    /// The CRM campaign record and its response processing.
    CrmCampaign,
    /// The change feed: primary store, replica and queue.
    ChangeFeed,
    /// A change-feed consumer worker.
    Consumer(u16),
}

/// A checkpoint call a job makes through the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestOp {
    /// GET the checkpoint record.
    ReadMark,
    /// createOnly a claim record keyed by the mark read.
    Claim,
    /// createOrUpdate the checkpoint with the new mark.
    WriteMark,
    /// Compare-and-set the mark on the version read.
    CasMark,
}

/// How a job run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobOutcome {
    Imported,
    /// The mark was already at or past the run's start.
    NothingToImport,
    /// Another run had created the claim.
    ClaimSkipped,
    /// The compare-and-set lost to another run (re-read, then stopped).
    CasConflict,
    /// A REST call failed `max_attempts` times.
    GaveUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceEvent {
    pub id: EventId,
    pub time: u64,
    pub person: Option<PersonId>,
    pub actor: Actor,
    pub kind: EventKind,
    /// The event that caused this one.
    pub cause: Option<EventId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    PersonCreated,
    FilledOutForm(Sym),
    /// The person entered the campaign's flow.
    Qualified,
    /// The person met the smart list but already ran through the flow (qualification rule).
    NotQualified,
    BatchStarted {
        members: u32,
    },
    FieldChanged {
        field: FieldId,
        old: Value,
        new: Value,
    },
    AddedToList {
        list: ListId,
        entry: u32,
    },
    RemovedFromList {
        list: ListId,
    },
    StatusChanged {
        program: ProgramId,
        from: Option<u16>,
        to: u16,
    },
    /// The Marketo API's 1037: already in or past this status.
    StatusRefused {
        program: ProgramId,
        current: u16,
        requested: u16,
    },
    CampaignRequested {
        target: CampaignId,
    },
    /// The per-person Request Campaign cap stopped a request (a loop).
    RequestCapReached {
        target: CampaignId,
    },
    ExecutedCampaign {
        target: CampaignId,
    },
    WaitStarted {
        until: u64,
    },
    EmailSent {
        email: Sym,
    },
    /// A batch send skipped an address it already sent to.
    EmailDeduplicated {
        email: Sym,
    },
    AlertSent {
        alert: Sym,
        recipient: Value,
    },
    RemovedFromFlow,
    WebhookCalled {
        webhook: WebhookId,
    },
    /// The service acted (for a key-value store: `ok` tells whether the operation applied).
    WebhookServed {
        webhook: WebhookId,
        ok: bool,
        value: Value,
    },
    WebhookResponded {
        webhook: WebhookId,
    },
    WebhookFailed {
        webhook: WebhookId,
    },
    WebhookTimedOut {
        webhook: WebhookId,
    },
    CrmPushed,
    /// The record reached the CRM; `created` on first arrival (assignment rules run).
    CrmReceived {
        created: bool,
    },
    OwnerAssigned {
        owner: Sym,
        queue: Sym,
    },
    // ---- jobs (race 5) ----
    /// An invocation starts; `overlapping` other runs of the job are still going.
    JobStarted {
        invocation: u32,
        cold: bool,
        overlapping: u32,
    },
    /// The REST API admitted a call.
    RestCalled {
        op: RestOp,
    },
    /// The REST API refused a call (606 rate, 615 concurrency, 607 daily quota).
    RestRejected {
        op: RestOp,
        code: u16,
    },
    /// Exponential backoff before retry number `attempt`.
    Backoff {
        attempt: u32,
        delay_ms: u64,
    },
    /// The checkpoint as read (`cached`: a warm instance's memory, no call made).
    MarkRead {
        checkpoint: u16,
        mark: Option<u64>,
        version: u64,
        cached: bool,
    },
    ClaimResult {
        checkpoint: u16,
        mark: u64,
        created: bool,
    },
    CasResult {
        checkpoint: u16,
        expected: u64,
        ok: bool,
    },
    ImportStarted {
        checkpoint: u16,
        from: u64,
        to: u64,
    },
    /// Source records with modstamps in (from, to] were imported.
    RecordsImported {
        checkpoint: u16,
        from: u64,
        to: u64,
        count: u64,
    },
    /// The checkpoint now holds `mark`; `previous` is what it held before the write.
    MarkWritten {
        checkpoint: u16,
        mark: u64,
        previous: Option<u64>,
    },
    JobFinished {
        invocation: u32,
        outcome: JobOutcome,
    },
    // ---- response feed (race 6) ----
    /// The integration inserts a batch of responses (attempt 0 is the first try).
    ResponseInsert {
        batch: u32,
        records: u32,
        attempt: u32,
    },
    LockGranted {
        records: u32,
        wait_ms: u64,
        hold_ms: u64,
    },
    /// UNABLE_TO_LOCK_ROW: the lock wait ran past the timeout.
    LockTimedOut {
        records: u32,
        waited_ms: u64,
    },
    CpuLimitExceeded {
        records: u32,
        cpu_ms: u64,
        limit_ms: u64,
    },
    /// User-based async scoring held the batch; the merged batch is due at `due_at`.
    ResponsesDelayed {
        records: u32,
        due_at: u64,
        pending: u32,
    },
    ResponsesMerged {
        records: u32,
        parts: u32,
    },
    /// A batch above the batch size went asynchronous, in `chunks`.
    ResponsesAsync {
        records: u32,
        chunks: u32,
    },
    ResponsesProcessed {
        records: u32,
    },
    ResponsesLost {
        records: u32,
    },
    // ---- change feed (race 7) ----
    /// A change committed on the primary (person version `version`) and was queued.
    ChangePublished {
        field: FieldId,
        version: u64,
        message: u64,
    },
    /// The read replica now shows this version of the person.
    ReplicaApplied {
        version: u64,
    },
    MessageDelivered {
        message: u64,
        delivery: u32,
    },
    /// A consumer read the person (version `version`; the primary had `primary_version`)
    /// and decided on `value` of `field`.
    ConsumerDecided {
        message: u64,
        field: FieldId,
        value: Value,
        version: u64,
        primary_version: u64,
        from_primary: bool,
    },
    /// The idempotency log already held the message id.
    DuplicateSkipped {
        message: u64,
    },
    /// The consumer's per-message action ran.
    ConsumerActed {
        message: u64,
    },
    MessageAcked {
        message: u64,
    },
    /// The ack was lost: the queue delivers the message again at `visible_at`.
    AckLost {
        message: u64,
        visible_at: u64,
    },
    // ---- injected outside events (kept last: earlier kinds keep their hash) ----
    /// Injected: the job fires now, outside its schedule.
    JobFiredByHand {
        job: u16,
    },
    /// Injected: an upstream system publishes a change event for the person's `field`.
    ChangeEventInjected {
        field: FieldId,
    },
    /// Injected: the queue delivers the person's latest change event, `message`, again
    /// (`None`: the person has no change event to deliver again).
    RedeliveryForced {
        message: Option<u64>,
    },
    /// Injected: the person's next call of `webhook` will take `extra_ms` longer.
    WebhookDelayInjected {
        webhook: WebhookId,
        extra_ms: u64,
    },
    /// A webhook call slowed by an injected delay.
    WebhookSlowed {
        webhook: WebhookId,
        extra_ms: u64,
    },
    /// Injected: a burst of `records` responses reaches the integration.
    ResponseBurst {
        records: u32,
    },
    /// After Marketo stopped waiting, the vendor wrote its answer to the person through the
    /// REST API (the mapped fields change). Last, so that the hashes of earlier kinds stay.
    WebhookWroteBack {
        webhook: WebhookId,
    },
    /// An admin resets the checkpoint's epoch: the imported object is dropped and the mark
    /// goes back to the start (kept last: earlier kinds keep their hash).
    EpochReset {
        checkpoint: u16,
    },
    // ---- person creation and CRM automations (kept last: earlier kinds keep their hash) --
    /// A submission looked the person's email up: the record found, if any.
    LookedUpByEmail {
        via: Via,
        found: Option<PersonId>,
    },
    /// An API client sent the person (Sync Leads, lookupField email); `attempt` from 1.
    ApiSyncSent {
        client: u16,
        attempt: u32,
    },
    /// The API call updated the record found, or `created` it.
    ApiSynced {
        client: u16,
        created: bool,
    },
    /// An update-only call found no record: "skipped, lead not found".
    ApiSkipped {
        client: u16,
        retry: bool,
    },
    /// A CRM automation set `field` to `value` on the CRM record (`changed`: it differed).
    CrmAutomationRan {
        automation: u16,
        field: FieldId,
        value: Value,
        changed: bool,
    },
    /// The sync found `field` changed on both sides since the last exchange and kept
    /// Marketo's value `kept` (the CRM record takes it).
    CrmConflict {
        field: FieldId,
        kept: Value,
    },
}

impl EventKind {
    /// A short stable name (used in JSON output and the UI).
    pub fn name(&self) -> &'static str {
        use EventKind::*;
        match self {
            PersonCreated => "person-created",
            FilledOutForm(_) => "filled-out-form",
            Qualified => "qualified",
            NotQualified => "not-qualified",
            BatchStarted { .. } => "batch-started",
            FieldChanged { .. } => "field-changed",
            AddedToList { .. } => "added-to-list",
            RemovedFromList { .. } => "removed-from-list",
            StatusChanged { .. } => "status-changed",
            StatusRefused { .. } => "status-refused",
            CampaignRequested { .. } => "campaign-requested",
            RequestCapReached { .. } => "request-cap-reached",
            ExecutedCampaign { .. } => "executed-campaign",
            WaitStarted { .. } => "wait-started",
            EmailSent { .. } => "email-sent",
            EmailDeduplicated { .. } => "email-deduplicated",
            AlertSent { .. } => "alert-sent",
            RemovedFromFlow => "removed-from-flow",
            WebhookCalled { .. } => "webhook-called",
            WebhookServed { .. } => "webhook-served",
            WebhookResponded { .. } => "webhook-responded",
            WebhookFailed { .. } => "webhook-failed",
            WebhookTimedOut { .. } => "webhook-timed-out",
            WebhookWroteBack { .. } => "webhook-wrote-back",
            CrmPushed => "crm-pushed",
            CrmReceived { .. } => "crm-received",
            OwnerAssigned { .. } => "owner-assigned",
            JobStarted { .. } => "job-started",
            RestCalled { .. } => "rest-called",
            RestRejected { .. } => "rest-rejected",
            Backoff { .. } => "backoff",
            MarkRead { .. } => "mark-read",
            ClaimResult { .. } => "claim-result",
            CasResult { .. } => "cas-result",
            ImportStarted { .. } => "import-started",
            RecordsImported { .. } => "records-imported",
            MarkWritten { .. } => "mark-written",
            JobFinished { .. } => "job-finished",
            ResponseInsert { .. } => "response-insert",
            LockGranted { .. } => "lock-granted",
            LockTimedOut { .. } => "unable-to-lock-row",
            CpuLimitExceeded { .. } => "cpu-limit-exceeded",
            ResponsesDelayed { .. } => "responses-delayed",
            ResponsesMerged { .. } => "responses-merged",
            ResponsesAsync { .. } => "responses-async",
            ResponsesProcessed { .. } => "responses-processed",
            ResponsesLost { .. } => "responses-lost",
            ChangePublished { .. } => "change-published",
            ReplicaApplied { .. } => "replica-applied",
            MessageDelivered { .. } => "message-delivered",
            ConsumerDecided { .. } => "consumer-decided",
            DuplicateSkipped { .. } => "duplicate-skipped",
            ConsumerActed { .. } => "consumer-acted",
            MessageAcked { .. } => "message-acked",
            AckLost { .. } => "ack-lost",
            JobFiredByHand { .. } => "job-fired-by-hand",
            ChangeEventInjected { .. } => "change-event-injected",
            RedeliveryForced { .. } => "redelivery-forced",
            WebhookDelayInjected { .. } => "webhook-delay-injected",
            WebhookSlowed { .. } => "webhook-slowed",
            ResponseBurst { .. } => "response-burst",
            EpochReset { .. } => "epoch-reset",
            LookedUpByEmail { .. } => "looked-up-by-email",
            ApiSyncSent { .. } => "api-sync-sent",
            ApiSynced { .. } => "api-synced",
            ApiSkipped { .. } => "api-skipped",
            CrmAutomationRan { .. } => "crm-automation-ran",
            CrmConflict { .. } => "crm-conflict",
        }
    }
}

/// A 64-bit hash whose output depends only on the values written, not on the platform:
/// sizes are always written as 64 bits, integers little-endian (FxHash-style word mixing).
#[derive(Debug, Clone)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl StableHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        // Final avalanche so that nearby inputs give far-apart hashes.
        let mut z = self.0;
        z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        z ^ (z >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.mix(i as u64)
    }
    fn write_u16(&mut self, i: u16) {
        self.mix(i as u64)
    }
    fn write_u32(&mut self, i: u32) {
        self.mix(i as u64)
    }
    fn write_u64(&mut self, i: u64) {
        self.mix(i)
    }
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64)
    }
    fn write_i64(&mut self, i: i64) {
        self.mix(i as u64)
    }
    fn write_isize(&mut self, i: isize) {
        self.mix(i as i64 as u64)
    }
}

/// The hash of a whole trace.
pub fn trace_hash(events: &[TraceEvent]) -> u64 {
    let mut h = StableHasher::default();
    for e in events {
        e.hash(&mut h);
    }
    h.finish()
}
