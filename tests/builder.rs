//! The campaign builder's model (`racelab::builder`): every built-in opened and saved without
//! change runs to the same trace hash; edits, undo and redo; validation located at the step,
//! trigger or filter that causes it, in Marketo's words; the templates run; editing a variant
//! leaves the scenario's own campaigns alone.

use racelab::api::{self, RunConfig};
use racelab::builder::menus::{new_filter, new_step, new_trigger};
use racelab::builder::templates::{template, TEMPLATES};
use racelab::builder::{Builder, CampaignEdit, Edit, SmartCampaignTab};
use racelab::engine::knobs::Param;
use racelab::engine::scenario::{Action, Campaign, Qualification, Schedule, SmartList};

fn config(variant: &str) -> RunConfig {
    RunConfig {
        variant: Some(variant.to_string()),
        ..RunConfig::default()
    }
}

#[test]
fn every_builtin_saved_unchanged_runs_to_the_same_trace_hash() {
    let mut runs = 0;
    for id in racelab::scenarios::ids() {
        let original = racelab::scenarios::builtin(id).unwrap();
        let builder = Builder::open(racelab::scenarios::source(id).unwrap()).unwrap();
        assert!(builder.issue().is_none(), "{id}: {:?}", builder.issue());
        let saved = racelab::scenarios::parse(&builder.save()).unwrap();
        assert_eq!(
            saved, original,
            "{id}: the saved scenario reads back the same"
        );
        for v in &original.variants {
            for seed in [1, 7] {
                let a = api::run(&original, &config(&v.name), seed).unwrap();
                let b = api::run(&saved, &config(&v.name), seed).unwrap();
                assert_eq!(a.trace_hash, b.trace_hash, "{id}/{} seed {seed}", v.name);
                assert_eq!(a.violations.len(), b.violations.len());
                runs += 1;
            }
        }
    }
    assert!(runs > 50, "every variant of every built-in ran ({runs})");
}

/// The list-queue naive pair, built from blank as a trainer would.
pub(crate) fn list_queue_pair() -> Builder {
    let mut b = Builder::new(template("blank").unwrap());
    let s = |b: &Builder| b.draft().clone();
    b.apply(Edit::AddList("Work Queue".into())).unwrap();
    for (name, batch) in [
        ("Drain Queue (trigger)", false),
        ("Drain Queue (hourly)", true),
    ] {
        b.apply(Edit::AddCampaign(Campaign {
            name: name.into(),
            description: String::new(),
            active: true,
            smart_list: SmartList::default(),
            schedule: None,
            qualification: Qualification::EveryTime,
            flow: Vec::new(),
        }))
        .unwrap();
        let c = |e| Edit::Campaign(name.into(), e);
        if batch {
            let f = new_filter(&s(&b), "member_of_list").unwrap();
            b.apply(c(CampaignEdit::AddFilter(f))).unwrap();
            let hourly = Schedule {
                at: Param::Literal(3_600_000),
                every: Some(Param::Literal(3_600_000)),
            };
            b.apply(c(CampaignEdit::Schedule(Some(hourly)))).unwrap();
        } else {
            let t = new_trigger(&s(&b), "added_to_list").unwrap();
            b.apply(c(CampaignEdit::AddTrigger(t))).unwrap();
        }
        let remove = new_step(&s(&b), "remove_from_list").unwrap();
        b.apply(c(CampaignEdit::AddStep(remove))).unwrap();
        b.apply(c(CampaignEdit::AddStep(Action::SendEmail(
            "Task Email".into(),
        ))))
        .unwrap();
    }
    b
}

#[test]
fn a_call_webhook_step_in_a_batch_campaign_is_refused_at_that_step_and_undo_takes_it_back() {
    let mut b = list_queue_pair();
    assert_eq!(b.issue(), None);
    let webhook: racelab::engine::scenario::WebhookDef = serde_json::from_value(
        serde_json::json!({"name": "Claim Entry", "latency": {"fixed": 100},
            "service": {"key_value": {"cas": {"key": "entry:{{lead.Id}}", "expected": null, "new": "claimed"}}},
            "response_mappings": {}}),
    )
    .unwrap();
    b.apply(Edit::AddWebhook(webhook)).unwrap();
    let step = new_step(b.draft(), "call_webhook").unwrap();
    assert_eq!(step, Action::CallWebhook("Claim Entry".into()));
    let hourly = || {
        Edit::Campaign(
            "Drain Queue (hourly)".into(),
            CampaignEdit::InsertStep(0, step.clone()),
        )
    };
    b.apply(hourly()).unwrap();
    let issue = b
        .issue()
        .expect("Marketo refuses Call Webhook in a batch campaign");
    assert!(issue.at_step("Drain Queue (hourly)", 0), "{issue:?}");
    assert_eq!(issue.location.tab, Some(SmartCampaignTab::Flow));
    assert!(issue.message.contains("batch"), "{}", issue.message);
    // Never lost: the invalid draft is still there, saved and reopened.
    let reopened = Builder::open(&b.save()).unwrap();
    assert_eq!(reopened.draft().campaigns[1].flow.len(), 3);
    assert!(b.undo());
    assert_eq!(b.issue(), None);
    assert!(b.redo());
    assert!(b.issue().is_some());
    assert!(b.undo() && b.undo(), "the webhook goes too");
    assert!(b.draft().systems.webhooks.is_empty());
}

#[test]
fn a_trigger_on_an_unknown_list_is_located_at_the_trigger_and_a_bad_filter_at_the_filter() {
    let mut b = list_queue_pair();
    let unknown = racelab::engine::scenario::Trigger::AddedToList("Task Queue".into());
    let set = CampaignEdit::SetTrigger(0, unknown);
    b.apply(Edit::Campaign("Drain Queue (trigger)".into(), set))
        .unwrap();
    let issue = b.issue().unwrap();
    assert_eq!(
        issue.location.campaign.as_deref(),
        Some("Drain Queue (trigger)")
    );
    assert_eq!(issue.location.trigger, Some(0));
    assert_eq!(issue.location.tab, Some(SmartCampaignTab::SmartList));
    assert_eq!(
        issue.message,
        "The trigger uses the list \u{201c}Task Queue\u{201d}, which does not exist. Create \
         the list or choose another."
    );
    assert_eq!(
        issue.text,
        format!("Drain Queue (trigger), trigger 1: {}", issue.message)
    );
    b.undo();
    let edit = CampaignEdit::Logic(Some("1 and 2".into()));
    b.apply(Edit::Campaign("Drain Queue (hourly)".into(), edit))
        .unwrap();
    let issue = b.issue().unwrap();
    assert_eq!(
        issue.location.campaign.as_deref(),
        Some("Drain Queue (hourly)")
    );
    assert_eq!(issue.location.tab, Some(SmartCampaignTab::SmartList));
    assert_eq!(issue.location.step, None);
}

#[test]
fn the_naive_pair_built_from_blank_races_and_moving_a_step_changes_the_flow() {
    let mut b = list_queue_pair();
    let ev: racelab::engine::scenario::ScriptedEvent = serde_json::from_value(serde_json::json!(
        {"label": "queued", "at": {"uniform": {"min": 0, "max": 7200000}}, "people": "all",
         "event": {"add_to_list": "Work Queue"}}))
    .unwrap();
    b.apply(Edit::AddEvent(ev)).unwrap();
    let inv = serde_json::from_value(serde_json::json!(
        {"one_email_per_entry": {"list": "Work Queue", "email": "Task Email"}}))
    .unwrap();
    b.apply(Edit::AddInvariant(inv)).unwrap();
    assert_eq!(b.issue(), None);
    let s = racelab::scenarios::parse(&b.save()).unwrap();
    let sweep = api::sweep(&s, &config("naive"), 1, 200).unwrap();
    assert!(sweep.violating_runs > 0, "the pair races: {sweep:?}");
    let name = "Drain Queue (trigger)".to_string();
    b.apply(Edit::Campaign(name.clone(), CampaignEdit::MoveStep(1, 0)))
        .unwrap();
    let flow = &b.draft().campaigns[0].flow;
    assert_eq!(flow[0], Action::SendEmail("Task Email".into()));
    assert!(b
        .apply(Edit::Campaign(name, CampaignEdit::MoveStep(0, 5)))
        .unwrap_err()
        .contains("no flow step 6"));
}

#[test]
fn editing_a_duplicated_variant_changes_only_that_variant() {
    let mut b = Builder::new(template("trigger-batch-list").unwrap());
    b.apply(Edit::DuplicateVariant {
        from: "naive".into(),
        name: "recheck".into(),
    })
    .unwrap();
    b.edit_variant(Some("recheck".into()));
    let step = Action::RemoveFromFlow;
    let e = Edit::Campaign(
        "Drain Queue (hourly)".into(),
        CampaignEdit::InsertStep(0, step.clone()),
    );
    b.apply(e).unwrap();
    assert_eq!(
        b.draft().campaigns[1].flow.len(),
        2,
        "the scenario's own is unchanged"
    );
    let seen = b.campaigns();
    assert_eq!(seen[1].0.flow[0], step);
    assert_eq!(b.draft().variants[1].campaigns.len(), 1);
    b.apply(Edit::Campaign(
        "Drain Queue (trigger)".into(),
        CampaignEdit::Active(false),
    ))
    .unwrap();
    assert_eq!(b.draft().variants[1].deactivate, ["Drain Queue (trigger)"]);
    assert!(b.campaigns()[0].1, "switched off in the variant");
    assert_eq!(b.issue(), None);
}

#[test]
fn every_template_is_valid_and_runs() {
    for (key, _) in TEMPLATES {
        let s = template(key).unwrap_or_else(|| panic!("{key} reads"));
        racelab::engine::validate(&s).unwrap_or_else(|e| panic!("{key}: {e}"));
        let run = api::run(&s, &config("naive"), 1).unwrap();
        assert!(run.events > 0 || key == "blank", "{key} does something");
    }
}
