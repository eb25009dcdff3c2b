//! Programs and smart campaigns: smart lists (triggers, filters, logic), batch schedules,
//! qualification rules and flow steps.

use super::read::{fields, unit_variant, variants, Fields, FromJson, ReadError};
use super::Json;
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramDef {
    pub name: String,
    pub channel: String,
    /// Channel statuses in order; progression only to a higher step.
    pub statuses: Vec<StatusDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusDef {
    pub name: String,
    pub step: u32,
}

/// A smart campaign: a smart list (triggers and filters), a flow, a qualification rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub name: String,
    pub description: String,
    pub active: bool,
    pub smart_list: SmartList,
    /// Present for a batch campaign: when it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    pub qualification: Qualification,
    pub flow: Vec<Action>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SmartList {
    pub triggers: Vec<Trigger>,
    pub filters: Vec<Filter>,
    /// "all" (default), "any", or advanced logic over filter numbers: "1 and (2 or 3)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
}

/// When a batch campaign runs: at `at`, then every `every` (if set) until the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub at: Param,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<Param>,
}

/// How often one person may run through the flow.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    #[default]
    Once,
    EveryTime,
    /// Once every N (a duration: days, weeks as 7 days, months as 30 days).
    OnceEvery(Param),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestSource {
    FlowAction,
    WebServiceApi,
    #[default]
    Any,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    PersonIsCreated,
    FillsOutForm {
        #[serde(skip_serializing_if = "Option::is_none")]
        form: Option<String>,
    },
    DataValueChanges {
        field: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        new_value: Option<FieldTest>,
        #[serde(skip_serializing_if = "Option::is_none")]
        previous_value: Option<FieldTest>,
    },
    AddedToList(String),
    RemovedFromList(String),
    CampaignIsRequested {
        source: RequestSource,
    },
    ProgramStatusIsChanged {
        program: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        new_status: Option<String>,
    },
    ScoreIsChanged(String),
}

/// A test on one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldTest {
    Is(Vec<Json>),
    IsNot(Vec<Json>),
    IsEmpty,
    IsNotEmpty,
    GreaterThan(Json),
    LessThan(Json),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
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
        default: Box<Action>,
    },
}

fn do_nothing() -> Box<Action> {
    Box::new(Action::DoNothing)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branch {
    pub when: Vec<Filter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
    pub then: Action,
}

impl FromJson for ProgramDef {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(
            fields!(Fields::of(v, "struct ProgramDef")?, deny ProgramDef {
                name: req,
                channel: req,
                statuses: req,
            }),
        )
    }
}

impl FromJson for StatusDef {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct StatusDef")?, deny StatusDef { name: req, step: req }))
    }
}

impl FromJson for Campaign {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct Campaign")?, deny Campaign {
            name: req,
            description: or_default,
            active: or(yes),
            smart_list: or_default,
            schedule: or_default,
            qualification: or_default,
            flow: req,
        }))
    }
}

impl FromJson for SmartList {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct SmartList")?, deny SmartList {
            triggers: or_default,
            filters: or_default,
            logic: or_default,
        }))
    }
}

impl FromJson for Schedule {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct Schedule")?, deny Schedule { at: req, every: or_default }))
    }
}

impl FromJson for Qualification {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(variants!(v, t {
            "once" => t.unit(Qualification::Once)?,
            "every_time" => t.unit(Qualification::EveryTime)?,
            "once_every" => Qualification::OnceEvery(t.newtype()?),
        }))
    }
}

impl FromJson for RequestSource {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        use RequestSource::*;
        let names = ["flow_action", "web_service_api", "any"];
        unit_variant(v, &names, &[FlowAction, WebServiceApi, Any])
    }
}

impl FromJson for Trigger {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(variants!(v, t {
            "person_is_created" => t.unit(Trigger::PersonIsCreated)?,
            "fills_out_form" => fields!(t.fields()?, deny Trigger::FillsOutForm { form: or_default }),
            "data_value_changes" => fields!(t.fields()?, deny Trigger::DataValueChanges {
                field: req,
                new_value: or_default,
                previous_value: or_default,
            }),
            "added_to_list" => Trigger::AddedToList(t.newtype()?),
            "removed_from_list" => Trigger::RemovedFromList(t.newtype()?),
            "campaign_is_requested" => fields!(t.fields()?, deny Trigger::CampaignIsRequested {
                source: or_default,
            }),
            "program_status_is_changed" => fields!(t.fields()?, deny Trigger::ProgramStatusIsChanged {
                program: req,
                new_status: or_default,
            }),
            "score_is_changed" => Trigger::ScoreIsChanged(t.newtype()?),
        }))
    }
}

impl FromJson for FieldTest {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(variants!(v, t {
            "is" => FieldTest::Is(t.newtype()?),
            "is_not" => FieldTest::IsNot(t.newtype()?),
            "is_empty" => t.unit(FieldTest::IsEmpty)?,
            "is_not_empty" => t.unit(FieldTest::IsNotEmpty)?,
            "greater_than" => FieldTest::GreaterThan(t.newtype()?),
            "less_than" => FieldTest::LessThan(t.newtype()?),
        }))
    }
}

impl FromJson for Filter {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(variants!(v, t {
            "field" => fields!(t.fields()?, deny Filter::Field { field: req, test: req }),
            "member_of_list" => fields!(t.fields()?, deny Filter::MemberOfList { list: req, member: req }),
            "program_status" => fields!(t.fields()?, deny Filter::ProgramStatus {
                program: req,
                status: req,
                is: req,
            }),
            "member_of_campaign" => fields!(t.fields()?, deny Filter::MemberOfCampaign {
                campaign: req,
                member: req,
            }),
        }))
    }
}

impl FromJson for Action {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(variants!(v, t {
            "change_data_value" => fields!(t.fields()?, deny Action::ChangeDataValue { field: req, value: req }),
            "change_score" => fields!(t.fields()?, deny Action::ChangeScore { field: req, change: req }),
            "add_to_list" => Action::AddToList(t.newtype()?),
            "remove_from_list" => Action::RemoveFromList(t.newtype()?),
            "change_program_status" => fields!(t.fields()?, deny Action::ChangeProgramStatus {
                program: req,
                status: req,
            }),
            "request_campaign" => Action::RequestCampaign(t.newtype()?),
            "execute_campaign" => Action::ExecuteCampaign(t.newtype()?),
            "wait" => Action::Wait(t.newtype()?),
            "send_email" => Action::SendEmail(t.newtype()?),
            "send_alert" => Action::SendAlert(t.newtype()?),
            "call_webhook" => Action::CallWebhook(t.newtype()?),
            "sync_person_to_crm" => t.unit(Action::SyncPersonToCrm)?,
            "remove_from_flow" => t.unit(Action::RemoveFromFlow)?,
            "do_nothing" => t.unit(Action::DoNothing)?,
            "choice" => fields!(t.fields()?, deny Action::Choice { branches: req, default: or(do_nothing) }),
        }))
    }
}

impl FromJson for Branch {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(fields!(Fields::of(v, "struct Branch")?, deny Branch {
            when: req,
            logic: or_default,
            then: req,
        }))
    }
}
