//! What the builder's menus offer, by Marketo's names: the triggers and filters of a smart
//! list, the flow steps, the qualification rules. Each entry has a stable key (the scenario
//! format's name) and makes a new item filled in with the scenario's first list, field,
//! campaign or webhook, so that a fresh choice is as close to valid as it can be.

use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use crate::engine::scenario::{
    Action, Branch, FieldTest, Filter, RequestSource, Scenario, Trigger,
};
use serde_json::Value as Json;

/// The triggers menu: (key, Marketo's name).
pub const TRIGGERS: [(&str, &str); 8] = [
    ("person_is_created", "Person is Created"),
    ("fills_out_form", "Fills Out Form"),
    ("data_value_changes", "Data Value Changes"),
    ("added_to_list", "Added to List"),
    ("removed_from_list", "Removed from List"),
    ("campaign_is_requested", "Campaign is Requested"),
    ("program_status_is_changed", "Program Status is Changed"),
    ("score_is_changed", "Score is Changed"),
];

/// The filters menu.
pub const FILTERS: [(&str, &str); 4] = [
    ("field", "Field value (Email Address, Lead Owner …)"),
    ("member_of_list", "Member of List"),
    ("program_status", "Program Status"),
    ("member_of_campaign", "Member of Smart Campaign"),
];

/// The flow actions menu.
pub const STEPS: [(&str, &str); 15] = [
    ("add_to_list", "Add to List"),
    ("remove_from_list", "Remove from List"),
    ("change_data_value", "Change Data Value"),
    ("change_score", "Change Score"),
    ("change_program_status", "Change Program Status"),
    ("send_email", "Send Email"),
    ("send_alert", "Send Alert"),
    ("call_webhook", "Call Webhook"),
    ("sync_person_to_crm", "Sync Person to SFDC"),
    ("request_campaign", "Request Campaign"),
    ("execute_campaign", "Execute Campaign"),
    ("wait", "Wait"),
    ("remove_from_flow", "Remove from Flow"),
    ("do_nothing", "Do Nothing"),
    (
        "choice",
        "Choice: if \u{2026} then \u{2026}, default \u{2026}",
    ),
];

/// Field tests, as Marketo's operators read.
pub const TESTS: [(&str, &str); 6] = [
    ("is", "is"),
    ("is_not", "is not"),
    ("is_empty", "is empty"),
    ("is_not_empty", "is not empty"),
    ("greater_than", "greater than"),
    ("less_than", "less than"),
];

/// The key an item has in the scenario format (`"added_to_list"`).
pub fn key_of<T: serde::Serialize>(item: &T) -> String {
    match serde_json::to_value(item) {
        Ok(Json::String(s)) => s,
        Ok(Json::Object(m)) => m.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Marketo's name for a menu key.
pub fn label(menu: &[(&str, &'static str)], key: &str) -> &'static str {
    menu.iter().find(|(k, _)| *k == key).map_or("", |(_, l)| l)
}

fn first_list(s: &Scenario) -> String {
    s.lists.first().cloned().unwrap_or_default()
}

fn first_field(s: &Scenario) -> String {
    s.fields.first().map(|f| f.name.clone()).unwrap_or_default()
}

fn first_program(s: &Scenario) -> (String, String) {
    s.programs.first().map_or_else(Default::default, |p| {
        let status = p
            .statuses
            .first()
            .map(|x| x.name.clone())
            .unwrap_or_default();
        (p.name.clone(), status)
    })
}

/// A new trigger of kind `key`.
pub fn new_trigger(s: &Scenario, key: &str) -> Option<Trigger> {
    Some(match key {
        "person_is_created" => Trigger::PersonIsCreated,
        "fills_out_form" => Trigger::FillsOutForm { form: None },
        "data_value_changes" => Trigger::DataValueChanges {
            field: first_field(s),
            new_value: None,
            previous_value: None,
        },
        "added_to_list" => Trigger::AddedToList(first_list(s)),
        "removed_from_list" => Trigger::RemovedFromList(first_list(s)),
        "campaign_is_requested" => Trigger::CampaignIsRequested {
            source: RequestSource::FlowAction,
        },
        "program_status_is_changed" => Trigger::ProgramStatusIsChanged {
            program: first_program(s).0,
            new_status: None,
        },
        "score_is_changed" => Trigger::ScoreIsChanged(first_field(s)),
        _ => return None,
    })
}

/// A new filter of kind `key`.
pub fn new_filter(s: &Scenario, key: &str) -> Option<Filter> {
    Some(match key {
        "field" => Filter::Field {
            field: first_field(s),
            test: FieldTest::IsNotEmpty,
        },
        "member_of_list" => Filter::MemberOfList {
            list: first_list(s),
            member: true,
        },
        "program_status" => {
            let (program, status) = first_program(s);
            Filter::ProgramStatus {
                program,
                status,
                is: true,
            }
        }
        "member_of_campaign" => Filter::MemberOfCampaign {
            campaign: s
                .campaigns
                .first()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            member: true,
        },
        _ => return None,
    })
}

/// A new flow step of kind `key`.
pub fn new_step(s: &Scenario, key: &str) -> Option<Action> {
    let campaign = || {
        s.campaigns
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    Some(match key {
        "add_to_list" => Action::AddToList(first_list(s)),
        "remove_from_list" => Action::RemoveFromList(first_list(s)),
        "change_data_value" => Action::ChangeDataValue {
            field: first_field(s),
            value: Json::Null,
        },
        "change_score" => Action::ChangeScore {
            field: first_field(s),
            change: Some(Param::Literal(1)),
            set: None,
        },
        "change_program_status" => {
            let (program, status) = first_program(s);
            Action::ChangeProgramStatus { program, status }
        }
        "send_email" => Action::SendEmail("Email".into()),
        "send_alert" => Action::SendAlert("Alert".into()),
        "call_webhook" => Action::CallWebhook(
            (s.systems.webhooks.first())
                .map(|w| w.name.clone())
                .unwrap_or_default(),
        ),
        "sync_person_to_crm" => Action::SyncPersonToCrm,
        "request_campaign" => Action::RequestCampaign(campaign()),
        "execute_campaign" => Action::ExecuteCampaign(campaign()),
        "wait" => Action::Wait(Dist::fixed_ms(300_000)),
        "remove_from_flow" => Action::RemoveFromFlow,
        "do_nothing" => Action::DoNothing,
        "choice" => Action::Choice {
            branches: vec![Branch {
                when: vec![new_filter(s, "field")?],
                logic: None,
                then: Action::RemoveFromFlow,
            }],
            default: Box::new(Action::DoNothing),
        },
        _ => return None,
    })
}

/// A field test of kind `key`, keeping the values of `old` where it had any.
pub fn new_test(key: &str, old: &FieldTest) -> Option<FieldTest> {
    let values = match old {
        FieldTest::Is(v) | FieldTest::IsNot(v) => v.clone(),
        FieldTest::GreaterThan(v) | FieldTest::LessThan(v) => vec![v.clone()],
        _ => Vec::new(),
    };
    let one = || values.first().cloned().unwrap_or(Json::from(0));
    Some(match key {
        "is" => FieldTest::Is(values),
        "is_not" => FieldTest::IsNot(values),
        "is_empty" => FieldTest::IsEmpty,
        "is_not_empty" => FieldTest::IsNotEmpty,
        "greater_than" => FieldTest::GreaterThan(one()),
        "less_than" => FieldTest::LessThan(one()),
        _ => return None,
    })
}

/// A value typed in a text box, as a field value: `true`/`false`, a whole number, empty
/// (`null`), or text.
pub fn typed_value(text: &str) -> Json {
    let t = text.trim();
    match t {
        "" => Json::Null,
        "true" => Json::Bool(true),
        "false" => Json::Bool(false),
        _ => t
            .parse::<i64>()
            .map(Json::from)
            .unwrap_or_else(|_| Json::String(t.to_string())),
    }
}

/// A field value as it is typed (the reverse of [`typed_value`]).
pub fn value_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}
