//! The campaign builder's renames and its list of problems (`racelab::builder`): renaming a
//! list, field, smart campaign, webhook, program or knob carries every reference along (each
//! built-in stays valid and races the same after every rename), a taken or empty name is
//! refused in Marketo's words, every problem shows at once at its own step, and the campaign
//! list never says "(trigger)" twice.

use racelab::api::{self, RunConfig};
use racelab::builder::menus::new_step;
use racelab::builder::{campaign_label, Builder, CampaignEdit, Edit};
use racelab::engine::scenario::{Action, Filter, Scenario};

use super::builder::list_queue_pair;

fn config(variant: &str) -> RunConfig {
    RunConfig {
        variant: Some(variant.to_string()),
        ..RunConfig::default()
    }
}

/// The edit that renames the first item of one kind to `new`, if the scenario has one.
fn rename_first(s: &Scenario, kind: &str, new: &str) -> Option<Edit> {
    let new = new.to_string();
    Some(match kind {
        "list" => {
            s.lists.first()?;
            Edit::RenameList(0, new)
        }
        "field" => {
            let i = s.fields.iter().position(|f| f.name != "email")?;
            let mut f = s.fields[i].clone();
            f.name = new;
            return Some(Edit::SetField(i, f));
        }
        "email" => {
            let i = s.fields.iter().position(|f| f.name == "email")?;
            let mut f = s.fields[i].clone();
            f.name = new;
            Edit::SetField(i, f)
        }
        "campaign" => Edit::Campaign(s.campaigns.first()?.name.clone(), CampaignEdit::Rename(new)),
        "webhook" => {
            let mut w = s.systems.webhooks.first()?.clone();
            w.name = new;
            Edit::SetWebhook(0, w)
        }
        "program" => {
            let mut p = s.programs.first()?.clone();
            p.name = new;
            Edit::SetProgram(0, p)
        }
        "knob" => {
            let mut k = s.knobs.first()?.clone();
            k.name = new;
            Edit::SetKnob(0, k)
        }
        _ => return None,
    })
}

#[test]
fn renaming_anything_in_a_built_in_keeps_it_valid_and_racing_the_same() {
    let mut renames = 0;
    for id in racelab::scenarios::ids() {
        let original = racelab::scenarios::builtin(id).unwrap();
        for kind in [
            "list", "field", "email", "campaign", "webhook", "program", "knob",
        ] {
            let mut b = Builder::open(racelab::scenarios::source(id).unwrap()).unwrap();
            let Some(edit) = rename_first(&original, kind, "renamed_by_builder") else {
                continue;
            };
            if kind == "email" {
                let why = b.apply(edit).unwrap_err();
                assert!(why.contains("looked up"), "{id}: {why}");
                continue;
            }
            b.apply(edit)
                .unwrap_or_else(|e| panic!("{id}: rename {kind}: {e}"));
            assert!(
                b.issues().is_empty(),
                "{id}: after renaming the first {kind}: {:?}",
                b.issues()
            );
            let saved = racelab::scenarios::parse(&b.save()).unwrap();
            for v in &original.variants {
                let before = api::run(&original, &config(&v.name), 3).unwrap();
                let after = api::run(&saved, &config(&v.name), 3).unwrap();
                assert_eq!(
                    (before.events, before.violations.len()),
                    (after.events, after.violations.len()),
                    "{id}/{}: renaming the first {kind} changes nothing but the name",
                    v.name
                );
            }
            renames += 1;
        }
    }
    assert!(renames > 40, "renamed in many built-ins ({renames})");
}

#[test]
fn renaming_a_list_follows_every_reference_and_undo_takes_it_back() {
    let mut b = list_queue_pair();
    let inv = serde_json::from_value(serde_json::json!(
        {"one_email_per_entry": {"list": "Work Queue", "email": "Task Email"}}))
    .unwrap();
    b.apply(Edit::AddInvariant(inv)).unwrap();
    let choice = Action::Choice {
        branches: vec![racelab::engine::scenario::Branch {
            when: vec![Filter::MemberOfList {
                list: "Work Queue".into(),
                member: true,
            }],
            logic: None,
            then: Action::AddToList("Work Queue".into()),
        }],
        default: Box::new(Action::DoNothing),
    };
    let add = CampaignEdit::AddStep(choice);
    b.apply(Edit::Campaign("Drain Queue (trigger)".into(), add))
        .unwrap();
    b.apply(Edit::RenameList(0, "Task Queue".into())).unwrap();
    let json = b.save();
    assert!(
        !json.contains("Work Queue"),
        "every reference follows: {json}"
    );
    // The list, the trigger, the batch filter, both Remove from List steps, the choice's
    // condition and its Add to List step, and the check.
    assert_eq!(json.matches("Task Queue").count(), 8, "{json}");
    assert!(b.issues().is_empty(), "{:?}", b.issues());
    assert!(b.undo());
    assert!(!b.save().contains("Task Queue"));
    assert_eq!(b.draft().lists, ["Work Queue"]);
}

#[test]
fn a_taken_or_empty_name_is_refused_in_marketo_words() {
    let mut b = list_queue_pair();
    b.apply(Edit::AddList("Done".into())).unwrap();
    let taken = b.apply(Edit::RenameList(1, "Work Queue".into()));
    assert_eq!(
        taken.unwrap_err(),
        "There is already a static list \u{201c}Work Queue\u{201d}; choose another name."
    );
    assert!(b.apply(Edit::AddList("Done".into())).is_err());
    let empty = b.apply(Edit::RenameList(1, " ".into())).unwrap_err();
    assert_eq!(empty, "A static list needs a name.");
    let clash = CampaignEdit::Rename("Drain Queue (hourly)".into());
    let err = b
        .apply(Edit::Campaign("Drain Queue (trigger)".into(), clash))
        .unwrap_err();
    assert!(err.contains("already a smart campaign"), "{err}");
    assert_eq!(b.draft().lists, ["Work Queue", "Done"], "nothing changed");
}

#[test]
fn renaming_a_campaign_or_webhook_follows_the_steps_that_call_it() {
    let mut b = list_queue_pair();
    let request = Action::RequestCampaign("Drain Queue (hourly)".into());
    let add = CampaignEdit::AddStep(request);
    b.apply(Edit::Campaign("Drain Queue (trigger)".into(), add))
        .unwrap();
    let rename = CampaignEdit::Rename("Hourly Drain".into());
    b.apply(Edit::Campaign("Drain Queue (hourly)".into(), rename))
        .unwrap();
    let flow = &b.draft().campaigns[0].flow;
    assert_eq!(flow[2], Action::RequestCampaign("Hourly Drain".into()));
    assert_eq!(b.draft().campaigns[1].name, "Hourly Drain");
}

#[test]
fn every_problem_shows_at_once_each_at_its_own_step() {
    let mut b = list_queue_pair();
    let webhook = serde_json::from_value(serde_json::json!(
        {"name": "Claim Entry", "latency": {"fixed": 100},
         "service": {"key_value": {"get": {"key": "entry:{{lead.Id}}"}}},
         "response_mappings": {}}))
    .unwrap();
    b.apply(Edit::AddWebhook(webhook)).unwrap();
    let call = new_step(b.draft(), "call_webhook").unwrap();
    let hourly = Edit::Campaign(
        "Drain Queue (hourly)".into(),
        CampaignEdit::InsertStep(1, call),
    );
    b.apply(hourly).unwrap();
    let unknown = CampaignEdit::SetStep(0, Action::RemoveFromList("No Such List".into()));
    b.apply(Edit::Campaign("Drain Queue (trigger)".into(), unknown))
        .unwrap();
    let issues = b.issues();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert_eq!(Some(issues[0].clone()), b.issue(), "the first comes first");
    assert!(issues
        .iter()
        .any(|i| i.at_step("Drain Queue (trigger)", 0) && i.message.contains("No Such List")));
    assert!(issues
        .iter()
        .any(|i| i.at_step("Drain Queue (hourly)", 1) && i.message.contains("batch")));
    b.undo();
    assert_eq!(b.issues().len(), 1);
    b.undo();
    assert!(b.issues().is_empty());
}

#[test]
fn the_campaign_list_never_says_trigger_twice() {
    let b = list_queue_pair();
    let seen = b.campaigns();
    assert_eq!(campaign_label(&seen[0].0, false), "Drain Queue (trigger)");
    assert_eq!(
        campaign_label(&seen[1].0, false),
        "Drain Queue (hourly) (batch)"
    );
    assert_eq!(
        campaign_label(&seen[0].0, true),
        "Drain Queue (trigger) (not active)"
    );
    let plain = racelab::builder::new_campaign("Welcome".into());
    assert_eq!(campaign_label(&plain, false), "Welcome (trigger)");
    let triggered = racelab::builder::new_campaign("Retriggered Welcome".into());
    assert_eq!(
        campaign_label(&triggered, false),
        "Retriggered Welcome (trigger)",
        "a word that only contains \u{201c}trigger\u{201d} does not count"
    );
}
