//! CRM automations (a Salesforce flow setting a field on every new lead), the sync that
//! brings their values back, the collision rule when both systems changed the field, and
//! the `marketo_value_kept` invariant.
//!
//! One worker, 100 ms per step, pushes take 1 s, and the empty scripted chooser puts the
//! sync cycle at 0, 60 s, 120 s, … so every time follows from the rules.

use crate::common::*;
use racelab::engine::trace::{Actor, EventKind};
use racelab::engine::ScriptedChooser;
use serde_json::{json, Value as Json};

/// "Sync" pushes the person; "MQL" sets Status = MQL and pushes; "Set" only sets it. The CRM
/// flow sets Status = Open `flow_ms` after the record is created.
fn crm_scenario(flow_ms: u64, winner: &str, script: Json) -> Json {
    json!({
        "fields": text_fields(&["email", "status", "owner"]),
        "people": [{ "fields": { "email": "a@x.com" } }],
        "campaigns": [
            on_form("Sync", json!(["sync_person_to_crm"])),
            on_form("MQL", json!([cdv("status", "MQL"), "sync_person_to_crm"])),
            on_form("Set", json!([cdv("status", "MQL")])),
        ],
        "systems": { "crm": {
            "push_latency": { "fixed": 1000 }, "sync_interval": 60_000,
            "conflict_winner": winner,
            "automations": [{ "name": "Flow", "field": "status", "value": "Open",
                              "delay": { "fixed": flow_ms } }] } },
        "script": script,
        "invariants": [{ "marketo_value_kept": { "field": "status" } }],
        "horizon": 100_000,
    })
}

fn run_scripted(j: Json) -> Done {
    run_with(&scenario(j), &mut ScriptedChooser::new(vec![]))
}

/// The CRM record's current value of the automated field, as text.
fn crm_status(d: &Done) -> String {
    let record = d.state.crm.record(0).expect("the person reached the CRM");
    d.show(record.automated[0].value)
}

#[test]
fn a_flow_that_runs_after_marketos_value_arrived_wins_on_the_next_sync() {
    // Created in the CRM at 1.1 s, MQL arrives at 1.4 s, the flow runs at 6.1 s.
    let d = run_scripted(crm_scenario(
        5000,
        "marketo",
        json!([fill("Sync", 1, 0), fill("MQL", 1, 200)]),
    ));
    let ran: Vec<(u64, EventKind)> = (d.events_of("crm-automation-ran", 1).iter())
        .map(|e| (e.time, e.kind))
        .collect();
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].0, 6100);
    assert!(matches!(
        ran[0].1,
        EventKind::CrmAutomationRan { changed: true, .. }
    ));
    assert_eq!(
        d.changes(1, "status"),
        vec![(300, "MQL".to_string()), (60_000, "Open".to_string())]
    );
    let back = d
        .events_of("field-changed", 1)
        .into_iter()
        .find(|e| e.time == 60_000)
        .unwrap();
    assert_eq!(back.actor, Actor::Crm);
    assert_eq!(d.out.violations.len(), 1);
    let v = &d.out.violations[0];
    assert_eq!(
        (v.invariant.as_str(), v.time_ms, v.person),
        ("marketo-value-kept", 60_000, Some(1))
    );
    assert!(
        v.message.contains("\"MQL\"") && v.message.contains("\"Flow\""),
        "{}",
        v.message
    );
    let set_mql = d.events_of("field-changed", 1)[0].id;
    assert!(
        v.witness.contains(&set_mql) && v.witness.contains(&ran_id(&d)),
        "{:?}",
        v.witness
    );
}

fn ran_id(d: &Done) -> u32 {
    d.events_of("crm-automation-ran", 1)[0].id
}

#[test]
fn a_push_after_the_flow_overwrites_the_crm_value_and_nothing_comes_back() {
    // The flow runs at 1.6 s; MQL is set at 5.1 s and reaches the CRM at 6.2 s.
    let d = run_scripted(crm_scenario(
        500,
        "marketo",
        json!([fill("Sync", 1, 0), fill("MQL", 1, 5000)]),
    ));
    assert_eq!(d.times("crm-automation-ran", 1), vec![1600]);
    assert_eq!(d.changes(1, "status"), vec![(5100, "MQL".to_string())]);
    assert_eq!(crm_status(&d), "MQL");
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}

#[test]
fn a_collision_keeps_marketos_value_when_marketo_wins() {
    // The flow sets Open at 1.6 s; a campaign sets MQL at 5.1 s without a push: both systems
    // changed the field before the sync at 60 s.
    let script = json!([fill("Sync", 1, 0), fill("Set", 1, 5000)]);
    let d = run_scripted(crm_scenario(500, "marketo", script.clone()));
    assert_eq!(d.changes(1, "status"), vec![(5100, "MQL".to_string())]);
    assert_eq!(d.times("crm-conflict", 1), vec![60_000]);
    assert_eq!(crm_status(&d), "MQL", "the CRM takes Marketo's value");
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);

    let d = run_scripted(crm_scenario(500, "crm", script));
    assert_eq!(
        d.changes(1, "status"),
        vec![(5100, "MQL".to_string()), (60_000, "Open".to_string())]
    );
    assert!(d.times("crm-conflict", 1).is_empty());
    assert_eq!(
        d.out.violations.len(),
        1,
        "the CRM won over a campaign's value"
    );
}

#[test]
fn a_flow_value_synced_back_before_marketo_sets_its_own_is_no_loss() {
    // The flow's Open comes back at 60 s; MQL set at 70.1 s is the latest change and stays.
    let d = run_scripted(crm_scenario(
        500,
        "marketo",
        json!([fill("Sync", 1, 0), fill("MQL", 1, 70_000)]),
    ));
    assert_eq!(
        d.changes(1, "status"),
        vec![(60_000, "Open".to_string()), (70_100, "MQL".to_string())]
    );
    assert_eq!(crm_status(&d), "MQL");
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}

#[test]
fn marketo_value_kept_needs_a_field_an_automation_sets() {
    let mut j = crm_scenario(500, "marketo", json!([]));
    j["invariants"] = json!([{ "marketo_value_kept": { "field": "owner" } }]);
    let e = compile_error(j);
    assert!(e.contains("no CRM automation sets"), "{e}");
}

#[test]
fn a_flow_that_runs_only_when_empty_leaves_marketos_value_alone() {
    // As in the first test, MQL reaches the CRM at 1.4 s and the flow runs at 6.1 s, but
    // the flow's entry condition is "Status is empty".
    let mut j = crm_scenario(
        5000,
        "marketo",
        json!([fill("Sync", 1, 0), fill("MQL", 1, 200)]),
    );
    j["systems"]["crm"]["automations"][0]["only_if_empty"] = json!(true);
    let d = run_scripted(j);
    let ran = d.events_of("crm-automation-ran", 1);
    assert_eq!(ran.len(), 1);
    assert!(matches!(
        ran[0].kind,
        EventKind::CrmAutomationRan { changed: false, .. }
    ));
    assert_eq!(d.changes(1, "status"), vec![(300, "MQL".to_string())]);
    assert_eq!(crm_status(&d), "MQL");
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}
