//! Rules of the simulated systems around the campaign engine (see the team's domain.md
//! §1): webhooks, the key-value service and the CRM, and the causes recorded in the trace.
//!
//! Every scenario is small and uses fixed delays, so the expected times follow from the
//! rules (one worker, 100 ms per step unless stated).

use crate::common::*;
use racelab::engine::sim::state::KvEntry;
use racelab::engine::trace::{Actor, EventKind};
use racelab::engine::value::Value;
use racelab::engine::ScriptedChooser;
use serde_json::{json, Value as Json};

// ---- webhooks ------------------------------------------------------------------------------

fn enrich_scenario(failure: Json, knobs: Json) -> Json {
    json!({
        "fields": text_fields(&["email", "company", "mirror"]),
        "people": [{ "fields": { "email": "a@x.com" } }],
        "knobs": knobs,
        "campaigns": [
            on_form("Enrich Lead", json!([{ "call_webhook": "Enrich" }, { "send_email": "Hi" }])),
            { "name": "Company Set", "flow": ["do_nothing"],
              "smart_list": { "triggers": [{ "data_value_changes":
                  { "field": "company", "new_value": { "is": ["Acme"] } } }] } },
        ],
        "systems": { "webhooks": [{
            "name": "Enrich", "latency": { "fixed": 1000 }, "failure": failure,
            "service": { "respond": { "company": "Acme", "copy": { "from_field": "email" } } },
            "response_mappings": { "company": "company", "copy": "mirror" } }] },
        "script": [fill("Enrich Lead", 1, 0)],
    })
}

#[test]
fn webhook_response_mappings_write_fields_and_fire_data_value_changes() {
    let d = run_json(enrich_scenario(json!(0), json!([])));
    assert_eq!(d.times("webhook-called", 1), vec![100]);
    assert_eq!(
        d.times("webhook-served", 1),
        vec![600],
        "the service acts halfway"
    );
    assert_eq!(d.times("webhook-responded", 1), vec![1100]);
    assert_eq!(d.changes(1, "company"), vec![(1100, "Acme".to_string())]);
    assert_eq!(d.changes(1, "mirror"), vec![(1100, "a@x.com".to_string())]);
    let hook = Actor::Webhook(0);
    assert!(d
        .events_of("field-changed", 1)
        .iter()
        .all(|e| e.actor == hook));
    assert_eq!(d.qualified_times("Company Set"), vec![1100]);
    assert_eq!(d.emails(), vec![(1200, 1, "Hi".to_string())]);
}

#[test]
fn a_webhook_with_no_latency_still_answers() {
    let mut j = enrich_scenario(json!(0), json!([]));
    j["systems"]["webhooks"][0]["latency"] = json!({ "fixed": 0 });
    let s = scenario(j);
    for seed in 0..20 {
        let d = run(&s, seed);
        assert!(d.events("webhook-failed").is_empty(), "seed {seed}");
        assert_eq!(d.times("webhook-served", 1), vec![100], "seed {seed}");
        assert_eq!(d.times("webhook-responded", 1), vec![100], "seed {seed}");
        assert_eq!(d.changes(1, "company"), vec![(100, "Acme".to_string())]);
    }
}

#[test]
fn a_failed_webhook_maps_nothing_and_the_flow_goes_on() {
    let percent =
        json!([{ "name": "fail", "unit": "percent", "default": 100, "min": 0, "max": 100 }]);
    for (failure, knobs) in [(json!(1_000_000), json!([])), (json!("fail"), percent)] {
        let d = run_json(enrich_scenario(failure.clone(), knobs));
        assert!(d.events("webhook-served").is_empty(), "{failure}");
        assert_eq!(d.times("webhook-failed", 1), vec![1100]);
        assert!(d.changes(1, "company").is_empty());
        assert!(d.qualified("Company Set").is_empty());
        assert_eq!(d.emails(), vec![(1200, 1, "Hi".to_string())]);
    }
}

#[test]
fn a_webhook_slower_than_its_timeout_times_out_but_the_service_still_acts() {
    let d = run_json(json!({
        "fields": [{ "name": "acked", "type": "bool" }],
        "people": [{ "count": 1 }],
        "campaigns": [on_form("Call", json!([{ "call_webhook": "Slow" }, { "send_email": "After" }]))],
        "systems": { "webhooks": [{
            "name": "Slow", "latency": { "fixed": 100_000 },
            "service": { "key_value": { "set": { "key": "k:{person}", "value": "done" } } },
            "response_mappings": { "ok": "acked" } }] },
        "script": [fill("Call", 1, 0)],
    }));
    // Default timeout 30 s: the flow goes on at 30.1 s; the service acts at 50.1 s.
    assert_eq!(d.times("webhook-timed-out", 1), vec![30_100]);
    assert_eq!(d.emails(), vec![(30_200, 1, "After".to_string())]);
    assert_eq!(d.times("webhook-served", 1), vec![50_100]);
    assert!(d.events("webhook-responded").is_empty());
    assert!(
        d.changes(1, "acked").is_empty(),
        "no response mapping after a timeout"
    );
    let done = Value::Text(d.sym("done"));
    assert_eq!(d.kv().get("k:1"), Some(&KvEntry::Value(done)));
}

// ---- the key-value service -----------------------------------------------------------------

fn served_ok(d: &Done) -> Vec<bool> {
    (d.events("webhook-served").iter())
        .map(|e| match e.kind {
            EventKind::WebhookServed { ok, .. } => ok,
            _ => unreachable!(),
        })
        .collect()
}

#[test]
fn compare_and_swap_succeeds_once_per_key() {
    let d = run_json(json!({
        "fields": [{ "name": "email", "type": "text" }, { "name": "won", "type": "bool" }],
        "people": [
            { "fields": { "email": "a@x.com" } }, { "fields": { "email": "a@x.com" } },
            { "fields": { "email": "c@x.com" } },
        ],
        "campaigns": [on_form("Claim", json!([{ "call_webhook": "Claim" }]))],
        "systems": { "webhooks": [{
            "name": "Claim", "latency": { "fixed": 200 },
            "service": { "key_value": { "cas": { "key": "claim:{field:email}", "expected": null, "new": "mine" } } },
            "response_mappings": { "ok": "won" } }] },
        "script": [fill("Claim", 1, 0), fill("Claim", 2, 5000), fill("Claim", 3, 10_000)],
    }));
    assert_eq!(served_ok(&d), vec![true, false, true]);
    assert_eq!(d.value(1, "won"), "true");
    assert_eq!(d.value(2, "won"), "false");
    assert_eq!(d.value(3, "won"), "true");
    let mine = KvEntry::Value(Value::Text(d.sym("mine")));
    let kv = d.kv();
    let keys: Vec<(&str, &KvEntry)> = kv.iter().map(|(k, v)| (k.as_str(), v)).collect();
    assert_eq!(
        keys,
        vec![("claim:a@x.com", &mine), ("claim:c@x.com", &mine)]
    );
}

#[test]
fn lead_tokens_in_keys_make_each_stamped_entry_claimable_once() {
    // Each queueing stamps an entry ID on the person (as a list-queue fix must: no Marketo
    // token counts list entries); the key uses the tokens {{lead.Id}} and {{lead.<label>}}.
    let drain = |name: &str, hook: &str| {
        json!({ "name": name, "qualification": "every_time",
                "smart_list": { "triggers": [{ "added_to_list": "Q" }] },
                "flow": [{ "call_webhook": hook }, { "remove_from_list": "Q" }] })
    };
    let claim = |name: &str, field: &str| {
        json!({ "name": name, "latency": { "fixed": 200 },
                "service": { "key_value": { "cas": { "key": "c:{{lead.Id}}:{{lead.Queue Entry ID}}", "expected": null, "new": "x" } } },
                "response_mappings": { "ok": field } })
    };
    let d = run_json(json!({
        "fields": [{ "name": "won_a", "type": "bool" }, { "name": "won_b", "type": "bool" },
                   { "name": "entry_id", "label": "Queue Entry ID", "type": "number" }],
        "people": [{ "count": 1 }],
        "lists": ["Q"],
        "campaigns": [drain("Drain A", "Claim A"), drain("Drain B", "Claim B")],
        "systems": { "webhooks": [claim("Claim A", "won_a"), claim("Claim B", "won_b")] },
        "script": [
            outside(cdv("entry_id", 1), 1, 0),
            outside(json!({ "add_to_list": "Q" }), 1, 0),
            outside(cdv("entry_id", 2), 1, 10_000),
            outside(json!({ "add_to_list": "Q" }), 1, 10_000),
        ],
    }));
    let kv = d.kv();
    let keys: Vec<&str> = kv.keys().map(|k| k.as_str()).collect();
    assert_eq!(keys, vec!["c:1:1", "c:1:2"]);
    let ok = served_ok(&d);
    let times: Vec<u64> = d.events("webhook-served").iter().map(|e| e.time).collect();
    assert_eq!(ok.len(), 4);
    for entry in [0..10_000, 10_000..u64::MAX] {
        let wins = (ok.iter().zip(&times))
            .filter(|(ok, t)| **ok && entry.contains(*t))
            .count();
        assert_eq!(wins, 1, "exactly one claim per entry ({entry:?})");
    }
}

fn stack_scenario(pop_latency: u64) -> Json {
    json!({
        "fields": [{ "name": "got", "type": "text" }],
        "people": [{ "count": 3 }],
        "campaigns": [
            on_form("Produce", json!([{ "call_webhook": "Push" }])),
            on_form("Consume", json!([{ "call_webhook": "Pop" }])),
        ],
        "systems": { "webhooks": [
            { "name": "Push", "latency": { "fixed": 100 },
              "service": { "key_value": { "push": { "key": "stack", "value": "item" } } } },
            { "name": "Pop", "latency": { "fixed": pop_latency },
              "service": { "key_value": { "pop": { "key": "stack" } } },
              "response_mappings": { "value": "got" } },
        ] },
        "script": [fill("Produce", 1, 0), fill("Consume", 2, 5000), fill("Consume", 3, 6000)],
    })
}

#[test]
fn pop_is_at_most_once_a_popped_item_is_gone() {
    let d = run_json(stack_scenario(100));
    assert_eq!(
        served_ok(&d),
        vec![true, true, false],
        "push, pop, pop of nothing"
    );
    assert_eq!(d.value(2, "got"), "item");
    assert_eq!(d.value(3, "got"), "(empty)");
    assert_eq!(d.kv().get("stack"), Some(&KvEntry::Stack(vec![])));
}

#[test]
fn a_pop_whose_response_times_out_loses_the_item() {
    let d = run_json(stack_scenario(100_000));
    // Both pops time out; the first one still took the item: nobody has it now.
    assert_eq!(d.events("webhook-timed-out").len(), 2);
    assert_eq!(served_ok(&d), vec![true, true, false]);
    assert_eq!(d.value(2, "got"), "(empty)");
    assert_eq!(d.kv().get("stack"), Some(&KvEntry::Stack(vec![])));
}

// ---- the CRM -------------------------------------------------------------------------------

#[test]
fn crm_assigns_from_the_pushed_snapshot_and_the_owner_arrives_on_the_next_sync() {
    let region_is = |r: &str| json!([{ "field": { "field": "region", "test": { "is": [r] } } }]);
    let s = scenario(json!({
        "fields": text_fields(&["region", "owner"]),
        "people": [{ "fields": { "region": "EMEA" } }, { "fields": { "region": "APAC" } }],
        "campaigns": [
            on_form("Sync", json!(["sync_person_to_crm"])),
            { "name": "Owner Watch", "qualification": "every_time", "flow": ["do_nothing"],
              "smart_list": { "triggers": [{ "data_value_changes": { "field": "owner", "new_value": "is_not_empty" } }] } },
        ],
        "systems": { "crm": {
            "push_latency": { "fixed": 5000 }, "sync_interval": 60_000,
            "assignment_rules": [
                { "when": region_is("EMEA"), "owner": "Alice", "queue": "EMEA Sales" },
                { "when": region_is("US"), "owner": "Bob", "queue": "US Sales" } ],
            "default_owner": "Desk" } },
        "script": [
            fill("Sync", 1, 0), fill("Sync", 2, 0),
            outside(cdv("region", "US"), 1, 1000),
            fill("Sync", 1, 100_000),
        ],
        "horizon": 200_000,
    }));
    // An empty script answers every choice with its minimum: the sync cycle runs at 0, 60 s, …
    let d = run_with(&s, &mut ScriptedChooser::new(vec![]));
    assert_eq!(d.times("crm-pushed", 1), vec![100, 100_100]);
    let received: Vec<(u64, EventKind)> = (d.events_of("crm-received", 1).iter())
        .map(|e| (e.time, e.kind))
        .collect();
    assert_eq!(
        received,
        vec![
            (5100, EventKind::CrmReceived { created: true }),
            (105_100, EventKind::CrmReceived { created: false }),
        ]
    );
    // The region changed to US at 1 s, but the record arrived with EMEA: Alice, once.
    let owners: Vec<(u64, u32, String)> = (d.events("owner-assigned").iter())
        .map(|e| match e.kind {
            EventKind::OwnerAssigned { owner, .. } => (
                e.time,
                e.person.unwrap() + 1,
                d.syms.text(owner).to_string(),
            ),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        owners,
        vec![
            (5100, 1, "Alice".to_string()),
            (5200, 2, "Desk".to_string())
        ]
    );
    // Written back only by the sync cycle at 60 s, firing Data Value Changes.
    assert_eq!(d.changes(1, "owner"), vec![(60_000, "Alice".to_string())]);
    assert_eq!(d.changes(2, "owner"), vec![(60_000, "Desk".to_string())]);
    assert!(d
        .events("field-changed")
        .iter()
        .filter(|e| e.time == 60_000)
        .all(|e| e.actor == Actor::Crm));
    assert_eq!(d.qualified_times("Owner Watch"), vec![60_000, 60_000]);
}

#[test]
fn the_crm_wins_a_conflict_on_the_owner_field() {
    let s = scenario(json!({
        "fields": text_fields(&["owner"]),
        "people": [{ "count": 1 }],
        "campaigns": [on_form("Sync", json!(["sync_person_to_crm"]))],
        "systems": { "crm": { "push_latency": { "fixed": 1000 }, "sync_interval": 60_000,
                              "default_owner": "Desk" } },
        "script": [
            fill("Sync", 1, 0),
            outside(cdv("owner", "Zed"), 1, 10_000),
        ],
        "horizon": 100_000,
    }));
    let d = run_with(&s, &mut ScriptedChooser::new(vec![]));
    // Marketing set Zed at 10 s; the CRM assigned Desk at 1.1 s: the sync at 60 s brings Desk.
    assert_eq!(
        d.changes(1, "owner"),
        vec![(10_000, "Zed".to_string()), (60_000, "Desk".to_string())]
    );
}

// ---- the trace -------------------------------------------------------------------------

#[test]
fn every_event_points_back_to_its_cause() {
    let d = run_json(enrich_scenario(json!(0), json!([])));
    for e in &d.trace {
        if let Some(c) = e.cause {
            assert!(c < e.id, "event {} is caused by a later event {c}", e.id);
            assert!(d.trace[c as usize].time <= e.time);
        }
    }
    // The e-mail leads back, cause by cause, to the form fill.
    let email = d.events("email-sent")[0];
    let mut chain = vec![email.kind.name()];
    let mut at = email.cause;
    while let Some(c) = at {
        chain.push(d.trace[c as usize].kind.name());
        at = d.trace[c as usize].cause;
    }
    assert_eq!(
        chain,
        vec![
            "email-sent",
            "webhook-responded",
            "webhook-called",
            "qualified",
            "filled-out-form"
        ]
    );
}
