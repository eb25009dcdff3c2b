//! The systems around the campaign engine: the campaign queue, the CRM, webhooks and the
//! key-value service a webhook can call.

use super::{thirty_seconds, zero, Filter, Json};
use super::{ChangeFeedDef, JobDef, ResponseFeedDef, RestApiConfig};
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// How new people are created: looked up by email, then inserted after a gap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_creation: Option<PersonCreationDef>,
}

/// Person creation by email: a form fill or an API call for an email not yet known looks the
/// email up, then inserts a new person `insert_gap` later. A second submission for the same
/// email inside that gap does not see the first and creates a second person (a duplicate).
/// Each person who does not exist yet gets one spare record for such a duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonCreationDef {
    /// Time from the lookup by email to the insert of the new person.
    pub insert_gap: Dist,
    /// Integrations that send people through the REST API (Sync Leads, lookupField email).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_clients: Vec<ApiClientDef>,
}

/// An integration sending people to Marketo through the REST API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiClientDef {
    pub name: String,
    /// `create_or_update` (creates a person whose email is not found) or `update_only`
    /// (skips them: "skipped, lead not found", and tries again later).
    #[serde(default)]
    pub action: SyncAction,
    /// With `update_only`: the wait before trying a skipped person again.
    #[serde(default = "one_minute")]
    pub retry_after: Param,
    /// With `update_only`: tries in all, the first included.
    #[serde(default = "three")]
    pub attempts: Param,
}

/// The `action` of a REST API Sync Leads call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncAction {
    #[default]
    CreateOrUpdate,
    UpdateOnly,
}

fn one_minute() -> Param {
    Param::Literal(60_000)
}

fn three() -> Param {
    Param::Literal(3)
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
    /// CRM-side automations (a flow, a trigger) that set a field when a record is created
    /// in the CRM. The CRM's value comes back on the next sync cycle and wins over a value
    /// changed in Marketo meanwhile (the CRM wins sync conflicts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub automations: Vec<CrmAutomationDef>,
    /// Who wins when the sync finds a field the automations set changed in both systems
    /// since the last sync. Adobe documents Marketo winning for leads and Salesforce for
    /// contacts.
    #[serde(default, skip_serializing_if = "ConflictWinner::is_crm")]
    pub conflict_winner: ConflictWinner,
}

/// The side whose value a sync collision keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictWinner {
    #[default]
    Crm,
    Marketo,
}

impl ConflictWinner {
    fn is_crm(&self) -> bool {
        *self == ConflictWinner::Crm
    }
}

/// A CRM automation run when a record is created in the CRM: it sets `field` to `value`
/// `delay` after the insert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmAutomationDef {
    /// What CRM users call it ("Lead Status on new leads", a Salesforce flow).
    pub name: String,
    pub field: String,
    pub value: Json,
    /// Time from the insert to the automation's update.
    #[serde(default = "instant")]
    pub delay: Dist,
    /// The automation's entry condition "the field is empty": it leaves a value that is
    /// already there (e.g. one Marketo sent) alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub only_if_empty: bool,
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
    /// Probability that the service acts but its response is lost on the way back (the
    /// caller crashed, the connection dropped): the flow sees a failure.
    #[serde(default = "zero")]
    pub response_loss: Param,
    /// Marketo gives up after this, at most 30 s: no response mapping, the flow goes on.
    #[serde(default = "thirty_seconds")]
    pub timeout: Param,
    pub service: Service,
    /// The vendor answers late through the REST API: when Marketo stops waiting (the
    /// timeout), the service still finishes its work and, at the end of its round trip,
    /// writes the mapped response attributes to the person with a REST update, as
    /// enrichment vendors do. Only for a `respond` service.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub writes_back_late: bool,
    /// Response attribute → person field.
    #[serde(default)]
    pub response_mappings: BTreeMap<String, String>,
}

/// What the service behind a webhook does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Service {
    /// Answers fixed attributes; a value `{"from_field": "x"}` copies the person's field x.
    Respond(BTreeMap<String, Json>),
    /// A key-value store. Keys are templates with the tokens a Marketo webhook can send:
    /// `{{lead.Id}}` and `{{lead.FIELD}}` (API name or label); the earlier `{person}` and
    /// `{field:NAME}` read as the same tokens. Response: `ok`, `value`.
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
    /// Takes a lease on `key` for `lease` (a duration): succeeds when the key is free or its
    /// previous lease has run out (a crashed holder's claim expires); fails while another
    /// lease holds or once the key has been `set` (e.g. to "done"). On success `value` is the
    /// lease's fencing token: 1 for the key's first lease, one more for each later one.
    Claim {
        key: String,
        lease: Param,
    },
    /// Fenced commit: sets `value` only if the last lease granted on `key` has the token
    /// held in the person's field `token` (no newer lease was granted since, even if this one
    /// ran out); fails once a newer lease was granted or the key was already set. Atomic.
    Commit {
        key: String,
        token: String,
        value: Json,
    },
}
