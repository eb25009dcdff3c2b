//! The scenario format: data (JSON on disk) describing people, lists, programs, smart
//! campaigns, the systems around them, knobs, scripted events, invariants and variants. Each
//! type is read from JSON by its [`read::FromJson`] impl, next to its definition, and written
//! by serde's `Serialize`.
//!
//! Everything here refers to other things by name; [`super::compile`] resolves the names,
//! checks limits and turns a scenario plus a variant and knob values into a runnable model.
//!
//! This file holds the scenario itself, its fields, people and variants; the other parts
//! live in topic files and are re-exported here: `campaign` (programs, smart campaigns,
//! triggers, filters, flow steps), `systems` (queue, CRM, webhooks, key-value service),
//! `integrations` (REST API, jobs, response feed, change feed) and `script` (scripted
//! outside events, invariants).

mod campaign;
mod integrations;
pub mod read;
mod script;
mod systems;

pub use campaign::{
    Action, Branch, Campaign, FieldTest, Filter, ProgramDef, Qualification, RequestSource,
    Schedule, SmartList, StatusDef, Trigger,
};
pub use integrations::{
    ChangeFeedDef, CheckpointDef, DynamicList, JobDef, JobStrategy, RecordSource, ResponseFeedDef,
    ResponseMode, RestApiConfig,
};
pub use script::{Injection, Invariant, OutsideEvent, PeopleSelector, ScriptedEvent};
pub use systems::{AssignmentRule, CrmConfig, KvOp, QueueConfig, Service, Systems, WebhookDef};

use super::knobs::{Knob, Param};
use super::vec_map::VecMap;
use read::{fields, unit_variant, Fields, FromJson, ReadError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A JSON scalar as written in a scenario: text, number, bool or null (empty).
pub type Json = serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Stable id (lowercase words joined by dashes).
    pub id: String,
    pub title: String,
    /// One line for a library card.
    pub summary: String,
    /// Which race of the source documents this reproduces (e.g. "alert before owner").
    pub race: String,
    /// The lesson, in plain words, for marketing-operations people.
    pub lesson: String,
    /// A control case: no variant may violate at any knob setting.
    pub control: bool,
    pub fields: Vec<FieldDef>,
    pub people: Vec<PeopleGroup>,
    pub lists: Vec<String>,
    pub programs: Vec<ProgramDef>,
    pub campaigns: Vec<Campaign>,
    pub systems: Systems,
    pub knobs: Vec<Knob>,
    /// Events from outside the engine: form fills, list adds by API, CRM changes.
    pub script: Vec<ScriptedEvent>,
    pub invariants: Vec<Invariant>,
    pub variants: Vec<Variant>,
    /// Simulated time after which the run stops (ms, or a knob).
    pub horizon: Param,
    /// The JSON the scenario was read from, if it was ([`crate::scenarios::parse`]).
    #[serde(skip)]
    pub written: WrittenJson,
}

/// The JSON a scenario was read from, kept so that a variant's JSON merge patches apply to
/// the systems as written (the web app compiles no serialiser). It takes no part in
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    Bool,
    /// Milliseconds of simulated time.
    DateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
}

/// `count` people with the same initial field values. A field value may contain `{n}`,
/// replaced by the person's number (1-based), e.g. `"person{n}@example.com"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeopleGroup {
    pub count: Param,
    pub fields: BTreeMap<String, Json>,
    /// People who do not exist yet: a scripted form fill creates them.
    pub unborn: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantRole {
    Race,
    Fix,
    #[default]
    Other,
}

/// A named set of changes to the scenario (e.g. `naive`, `fixed`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Variant {
    pub name: String,
    pub description: String,
    /// What the variant is for: `race` (what people build first: it must show the race),
    /// `fix` (a recommended fix: it must never violate), or `other` (a partial fix, a
    /// failure mode to demonstrate).
    pub role: VariantRole,
    /// Campaigns added, or replacing the campaign of the same name.
    pub campaigns: Vec<Campaign>,
    /// Campaigns switched off in this variant.
    pub deactivate: Vec<String>,
    /// Webhooks added, or replacing the webhook of the same name.
    pub webhooks: Vec<WebhookDef>,
    /// Knob defaults for this variant.
    pub knobs: VecMap<String, i64>,
    /// Job changes: each entry is merged (JSON merge patch: only the keys given change)
    /// into the job of the same `name`, or added as a new job.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<Json>,
    /// Merged into `systems.rest_api` (JSON merge patch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rest_api: Option<Json>,
    /// Merged into `systems.response_feed` (JSON merge patch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_feed: Option<Json>,
    /// Merged into `systems.change_feed` (JSON merge patch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_feed: Option<Json>,
}

impl FromJson for Scenario {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct Scenario")?, deny Scenario {
            id: req,
            title: req,
            summary: or_default,
            race: or_default,
            lesson: or_default,
            control: or_default,
            fields: or_default,
            people: or_default,
            lists: or_default,
            programs: or_default,
            campaigns: or_default,
            systems: or_default,
            knobs: or_default,
            script: or_default,
            invariants: or_default,
            variants: or_default,
            horizon: req;
            written: WrittenJson::default(),
        }))
    }
}

impl FromJson for FieldType {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        use FieldType::*;
        unit_variant(
            v,
            &["text", "number", "bool", "date_time"],
            &[Text, Number, Bool, DateTime],
        )
    }
}

impl FromJson for FieldDef {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct FieldDef")?, deny FieldDef {
            name: req,
            kind as "type": req,
        }))
    }
}

impl FromJson for PeopleGroup {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(
            fields!(Fields::of(v, "struct PeopleGroup")?, deny PeopleGroup {
                count: or(one),
                fields: or_default,
                unborn: or_default,
            }),
        )
    }
}

impl FromJson for VariantRole {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        use VariantRole::*;
        unit_variant(v, &["race", "fix", "other"], &[Race, Fix, Other])
    }
}

impl FromJson for Variant {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct Variant")?, deny Variant {
            name: req,
            description: or_default,
            role: or_default,
            campaigns: or_default,
            deactivate: or_default,
            webhooks: or_default,
            knobs: or_default,
            jobs: or_default,
            rest_api: or_default,
            response_feed: or_default,
            change_feed: or_default,
        }))
    }
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
