//! Programs and smart campaigns: smart lists (triggers, filters, logic), batch schedules,
//! qualification rules and flow steps.

use super::Json;
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use serde::{Deserialize, Serialize};

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
    /// Marketo's Change Score: `change` adds (or, negative, subtracts); `set` makes the score
    /// exactly that number (Marketo's `=0`). One of the two.
    ChangeScore {
        field: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        change: Option<Param>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        set: Option<Param>,
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
