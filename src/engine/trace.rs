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
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraceEvent {
    pub id: EventId,
    pub time: u64,
    pub person: Option<PersonId>,
    pub actor: Actor,
    pub kind: EventKind,
    /// The event that caused this one.
    pub cause: Option<EventId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
            CrmPushed => "crm-pushed",
            CrmReceived { .. } => "crm-received",
            OwnerAssigned { .. } => "owner-assigned",
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
