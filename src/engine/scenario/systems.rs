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
