//! The builder's problems read in a Marketo user's words: for every kind of problem the
//! builder can run into (a name that does not exist, a step Marketo does not allow there, a
//! time that cannot be, a number out of range …), the message and its place have no
//! backticks and no keys of the scenario format (`push_latency`), and say what is wrong.

use crate::builder::list_queue_pair;
use racelab::builder::duration::Timing;
use racelab::builder::{Builder, CampaignEdit, Edit};
use racelab::engine::dist::Dist;
use racelab::engine::knobs::Param;
use racelab::engine::scenario::{Action, Filter, Schedule, Trigger};
use serde_json::json;

const TRIGGER: &str = "Drain Queue (trigger)";
const HOURLY: &str = "Drain Queue (hourly)";

fn step(c: &str, i: usize, a: Action) -> Edit {
    Edit::Campaign(c.into(), CampaignEdit::SetStep(i, a))
}

fn action(v: serde_json::Value) -> Action {
    serde_json::from_value(v).unwrap()
}

fn webhook(v: serde_json::Value) -> Edit {
    let mut w = json!({"name": "Claim Entry", "latency": {"fixed": 100},
        "service": {"key_value": {"cas": {"key": "entry:{{lead.Id}}", "expected": null, "new": "claimed"}}},
        "response_mappings": {}});
    for (k, x) in v.as_object().unwrap() {
        w[k] = x.clone();
    }
    Edit::AddWebhook(serde_json::from_value(w).unwrap())
}

fn knob(name: &str, unit: &str) -> Edit {
    Edit::AddKnob(
        serde_json::from_value(json!({"name": name, "label": "Queue delay", "unit": unit,
            "default": 5, "min": 0, "max": 10}))
        .unwrap(),
    )
}

fn wait(d: Dist) -> Vec<Edit> {
    vec![
        step(TRIGGER, 1, Action::Wait(Dist::fixed_ms(60_000))),
        Edit::Duration(
            Timing::Wait {
                campaign: TRIGGER.into(),
                step: 1,
            },
            d,
        ),
    ]
}

fn crm(v: serde_json::Value) -> Edit {
    let mut c = json!({"push_latency": {"fixed": 1000}, "sync_interval": 300000,
        "owner_field": "email"});
    for (k, x) in v.as_object().unwrap() {
        c[k] = x.clone();
    }
    Edit::Crm(Some(Box::new(serde_json::from_value(c).unwrap())))
}

/// Each kind of problem: the edits that cause it, and words its message must have.
fn cases() -> Vec<(&'static str, Vec<Edit>, &'static str)> {
    let number_field = Edit::AddField(
        serde_json::from_value(json!({"name": "score", "label": "Score", "type": "number"}))
            .unwrap(),
    );
    vec![
        ("a trigger on a list that does not exist", vec![Edit::Campaign(TRIGGER.into(),
            CampaignEdit::SetTrigger(0, Trigger::AddedToList("Old Queue".into())))],
            "The trigger uses the list \u{201c}Old Queue\u{201d}, which does not exist. Create the list or choose another."),
        ("a filter on a list that does not exist", vec![Edit::Campaign(HOURLY.into(),
            CampaignEdit::SetFilter(0, Filter::MemberOfList { list: "Old Queue".into(), member: true }))],
            "The filter uses the list \u{201c}Old Queue\u{201d}, which does not exist"),
        ("a step on a list that does not exist", vec![step(TRIGGER, 0, Action::RemoveFromList("Old Queue".into()))],
            "Drain Queue (trigger), flow step 1: The step uses the list \u{201c}Old Queue\u{201d}"),
        ("a choice's filter on a list that does not exist", vec![step(TRIGGER, 0, action(json!({"choice": {
            "branches": [{"when": [{"member_of_list": {"list": "Old Queue", "member": true}}], "then": "do_nothing"}],
            "default": "do_nothing"}})))],
            "flow step 1, choice 1, filter 1: The filter uses the list \u{201c}Old Queue\u{201d}"),
        ("a field that does not exist", vec![step(TRIGGER, 0, action(json!({"change_data_value": {"field": "Lead Stage", "value": "MQL"}})))],
            "uses the field \u{201c}Lead Stage\u{201d}, which does not exist"),
        ("a program that does not exist", vec![step(TRIGGER, 0, action(json!({"change_program_status": {"program": "Webinar", "status": "Attended"}})))],
            "uses the program \u{201c}Webinar\u{201d}, which does not exist"),
        ("a status the program does not have", vec![
            Edit::AddProgram(serde_json::from_value(json!({"name": "Webinar", "channel": "Webinar",
                "statuses": [{"name": "Invited", "step": 0}]})).unwrap()),
            step(TRIGGER, 0, action(json!({"change_program_status": {"program": "Webinar", "status": "Attended"}})))],
            "the program \u{201c}Webinar\u{201d} has no status \u{201c}Attended\u{201d}"),
        ("a campaign that does not exist", vec![step(TRIGGER, 0, Action::RequestCampaign("Nurture".into()))],
            "uses the smart campaign \u{201c}Nurture\u{201d}, which does not exist"),
        ("a webhook that does not exist", vec![step(TRIGGER, 0, Action::CallWebhook("Enrich".into()))],
            "uses the webhook \u{201c}Enrich\u{201d}, which does not exist"),
        ("Call Webhook in a batch campaign", vec![webhook(json!({})), step(HOURLY, 0, Action::CallWebhook("Claim Entry".into()))],
            "Marketo allows Call Webhook only in trigger campaigns"),
        ("a webhook waiting more than 30 s", vec![webhook(json!({"timeout": 60000})), step(TRIGGER, 0, Action::CallWebhook("Claim Entry".into()))],
            "at most 30 s"),
        ("a webhook key with a token Marketo does not have", vec![
            webhook(json!({"service": {"key_value": {"get": {"key": "entry:{{lead.Region}}"}}}})),
            step(TRIGGER, 0, Action::CallWebhook("Claim Entry".into()))],
            "names no person field"),
        ("a failure chance over 100%", vec![webhook(json!({"failure": 2000000})), step(TRIGGER, 0, Action::CallWebhook("Claim Entry".into()))],
            "not between 0 and 100%"),
        ("Sync Person to SFDC without a CRM", vec![step(TRIGGER, 0, Action::SyncPersonToCrm)],
            "Sync Person to SFDC needs a CRM, and the scenario has none"),
        ("a CRM owner field that is not text", vec![number_field.clone(), crm(json!({"owner_field": "score"}))],
            "owner field \u{201c}score\u{201d} must be a text field"),
        ("a CRM sync faster than a second", vec![crm(json!({"sync_interval": 10}))],
            "the sync interval must be at least one second"),
        ("a Wait on a knob that does not exist", wait(Dist::Fixed(Param::Knob("Queue Delay".into()))),
            "uses the knob \u{201c}Queue Delay\u{201d}, which does not exist"),
        ("a Wait on a knob that is not a time", [vec![knob("queue_size", "count")], wait(Dist::Fixed(Param::Knob("queue_size".into())))].concat(),
            "the knob \u{201c}Queue delay\u{201d} is not a time"),
        ("a negative Wait", wait(Dist::Fixed(Param::Literal(-5))), "a time cannot be negative"),
        ("an empty list of times", wait(Dist::Empirical(Vec::new())), "empirical distribution"),
        ("a requested campaign without its trigger", vec![step(TRIGGER, 0, Action::RequestCampaign(HOURLY.into()))],
            "Campaign is Requested"),
        ("Execute Campaign of a trigger campaign", vec![step(HOURLY, 0, Action::ExecuteCampaign(TRIGGER.into()))],
            "executable campaigns"),
        ("a choice without choices", vec![step(TRIGGER, 0, action(json!({"choice": {"branches": [], "default": "do_nothing"}})))],
            "a choice needs at least one branch"),
        ("a choice inside a choice", vec![step(TRIGGER, 0, action(json!({"choice": {"branches": [{"when": [],
            "then": {"choice": {"branches": [], "default": "do_nothing"}}}], "default": "do_nothing"}})))],
            "cannot contain another choice"),
        ("a batch campaign recurring every second", vec![Edit::Campaign(HOURLY.into(), CampaignEdit::Schedule(Some(Schedule {
            at: Param::Literal(0), every: Some(Param::Literal(1000)) })))],
            "the minimum is one minute"),
        ("two fields with one name", vec![Edit::AddField(serde_json::from_value(json!({"name": "email", "type": "text"})).unwrap())],
            "two fields are named \u{201c}email\u{201d}"),
        ("Change Score on a text field", vec![step(TRIGGER, 0, action(json!({"change_score": {"field": "email", "change": 5}})))],
            "is not a number field"),
        ("an outside event for people who are not there", vec![
            Edit::AddEvent(serde_json::from_value(json!({"at": {"fixed": 0}, "event": {"add_to_list": "Work Queue"},
                "people": {"range": {"first": 15, "last": 500}}})).unwrap())],
            "Outside event 1: People 15 to 500 do not exist (the scenario has 20 people)."),
        ("running a trigger campaign as a batch", vec![
            Edit::AddEvent(serde_json::from_value(json!({"label": "Run it", "at": {"fixed": 0}, "event": {"run_batch_campaign": TRIGGER}, "people": "none"})).unwrap())],
            "Outside event 1 (Run it): “Drain Queue (trigger)” is not a batch campaign."),
        ("a run of no length", vec![Edit::Horizon(Param::Literal(0))], "The run length (0 ms) must be between 1 ms and 400 days."),
    ]
}

/// A key of the scenario format or a programmer's name: words joined by `_`.
fn snake_case_word(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| w.contains('_'))
        .map(str::to_string)
}

#[test]
fn every_kind_of_problem_reads_in_marketo_words_at_its_place() {
    for (name, edits, expected) in cases() {
        let mut b = list_queue_pair();
        assert!(b.issues().is_empty(), "{name}: the starting point is valid");
        for e in edits {
            b.apply(e).unwrap_or_else(|why| panic!("{name}: {why}"));
        }
        let issues = b.issues();
        assert!(!issues.is_empty(), "{name}: no problem found");
        for i in &issues {
            for text in [&i.message, &i.text] {
                assert!(!text.contains('`'), "{name}: a backtick in {text:?}");
                assert_eq!(snake_case_word(text), None, "{name}: an id in {text:?}");
                assert!(text.ends_with('.'), "{name}: a sentence: {text:?}");
            }
            assert!(
                i.text.ends_with(&i.message),
                "{name}: {:?} ends with {:?}",
                i.text,
                i.message
            );
        }
        assert!(
            issues
                .iter()
                .any(|i| i.text.to_lowercase().contains(&expected.to_lowercase())),
            "{name}: {expected:?} not in {:#?}",
            issues.iter().map(|i| &i.text).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_problem_keeps_its_place_so_it_shows_at_its_step() {
    let mut b = list_queue_pair();
    b.apply(step(TRIGGER, 1, Action::AddToList("Old Queue".into())))
        .unwrap();
    let issue = b.issue().unwrap();
    assert!(issue.at_step(TRIGGER, 1), "{issue:?}");
    assert_eq!(
        issue.text,
        "Drain Queue (trigger), flow step 2: The step uses the list \u{201c}Old Queue\u{201d}, \
         which does not exist. Create the list or choose another."
    );
    assert!(issue.message.starts_with("The step uses the list"));
}

#[test]
fn the_engine_keeps_its_own_wording_for_the_command_line() {
    let mut b = list_queue_pair();
    b.apply(step(TRIGGER, 0, Action::RemoveFromList("Old Queue".into())))
        .unwrap();
    let e = racelab::engine::validate(b.draft()).unwrap_err();
    assert!(e.to_string().contains("unknown list `Old Queue`"), "{e}");
}

#[test]
fn a_knob_is_named_by_its_label() {
    let mut b = Builder::new(b_with_knob());
    b.apply(Edit::Campaign(
        TRIGGER.into(),
        CampaignEdit::AddStep(Action::Wait(Dist::Fixed(Param::Knob("queue_size".into())))),
    ))
    .unwrap();
    let text = &b.issue().unwrap().text;
    assert!(text.contains("\u{201c}Queue delay\u{201d}"), "{text}");
    assert!(!text.contains("queue_size"), "{text}");
}

fn b_with_knob() -> racelab::engine::Scenario {
    let mut b = list_queue_pair();
    b.apply(knob("queue_size", "count")).unwrap();
    b.draft().clone()
}
