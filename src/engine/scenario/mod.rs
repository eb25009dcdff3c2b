//! The scenario format: data (JSON on disk) describing people, lists, programs, smart
//! campaigns, the systems around them, knobs, scripted events, invariants and variants. Each
//! type is read and written by serde's derived `Deserialize` and `Serialize`; read scenario JSON
//! with [`from_value`] (or [`crate::scenarios::parse`]) so that an error names its path.
//!
//! Everything here refers to other things by name; [`super::compile`] resolves the names,
//! checks limits and turns a scenario plus a variant and knob values into a runnable model.
//!
//! This file holds the scenario itself, its fields, people and variants; the other parts
//! live in topic files and are re-exported here: `campaign` (programs, smart campaigns,
//! triggers, filters, flow steps), `systems` (queue, CRM, webhooks, key-value service),
//! `integrations` (REST API, jobs, response feed, change feed), `steps` (what the jobs, the
//! consumers and the response processing do, in order) and `script` (scripted
//! outside events, invariants).

mod campaign;
mod integrations;
pub mod reading;
mod script;
pub mod steps;
mod systems;

pub use campaign::{
    Action, Branch, Campaign, FieldTest, Filter, ProgramDef, Qualification, RequestSource,
    Schedule, SmartList, StatusDef, Trigger,
};
pub use integrations::{
    ChangeFeedDef, CheckpointDef, DynamicList, JobDef, JobStrategy, RecordSource, ResponseFeedDef,
    ResponseMode, RestApiConfig, SecondWriterDef,
};
pub use script::{Injection, Invariant, OutsideEvent, PeopleSelector, ScriptedEvent};
pub use systems::{
    ApiClientDef, AssignmentRule, ConflictWinner, CrmAutomationDef, CrmConfig, KvOp,
    PersonCreationDef, QueueConfig, Service, SyncAction, Systems, WebhookDef,
};

use super::knobs::{Knob, Param};
pub use reading::{from_value, ReadError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

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
    /// Where the lesson comes from: the source document (author, title) it is built on.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// A control case: no variant may violate at any knob setting.
    #[serde(default)]
    pub control: bool,
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
    /// The JSON the scenario was read from, if it was ([`crate::scenarios::parse`]).
    #[serde(skip)]
    pub written: WrittenJson,
}

/// The JSON a scenario was read from, kept so that a variant's JSON merge patches apply to
/// the systems as written (see [`super::compile`]'s patches). It takes no part in
/// comparisons: a scenario read from JSON equals the same scenario built in code.
#[derive(Clone, Default)]
pub struct WrittenJson(Option<Arc<Json>>);

impl WrittenJson {
    pub fn new(json: Json) -> Self {
        WrittenJson(Some(Arc::new(json)))
    }

    pub fn json(&self) -> Option<&Json> {
        self.0.as_deref()
    }
}

impl PartialEq for WrittenJson {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for WrittenJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = if self.0.is_some() { "kept" } else { "none" };
        write!(f, "WrittenJson({kept})")
    }
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
    /// The field's API name, as scenarios refer to it (`owner`).
    pub name: String,
    /// The name Marketo shows ("Lead Owner"); the API name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: FieldType,
}

impl FieldDef {
    /// The name a user reads: the label, or the API name when there is none.
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantRole {
    Race,
    Fix,
    #[default]
    Other,
}

/// A named set of changes to the scenario (e.g. `naive`, `fixed`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// What the variant is for: `race` (what people build first: it must show the race),
    /// `fix` (a recommended fix: it must never violate), or `other` (a partial fix, a
    /// failure mode to demonstrate).
    #[serde(default)]
    pub role: VariantRole,
    /// Campaigns added, or replacing the campaign of the same name.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// Campaigns switched off in this variant.
    #[serde(default)]
    pub deactivate: Vec<String>,
    /// Webhooks added, or replacing the webhook of the same name.
    #[serde(default)]
    pub webhooks: Vec<WebhookDef>,
    /// Programs added, or replacing the program of the same name (e.g. the same statuses with
    /// other step numbers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<ProgramDef>,
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
    /// Merged into `systems.crm` (JSON merge patch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm: Option<Json>,
    /// Merged into `systems.person_creation` (JSON merge patch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_creation: Option<Json>,
}

// ---- defaults used by more than one file --------------------------------------

fn one() -> Param {
    Param::Literal(1)
}

fn zero() -> Param {
    Param::Literal(0)
}

fn thirty_seconds() -> Param {
    Param::Literal(30_000)
}
