//! Webhook services as the sources describe them: an enrichment vendor that answers after
//! Marketo's 30-second timeout by writing the data back through the REST API; leases with
//! fencing tokens and the fenced commit of a key-value store; and the CRM routing check of
//! `crm_sync_after` (a lead routed to a queue its data does not call for, however it got
//! there).
//!
//! Small scenarios with fixed delays: one worker, 100 ms per step, no trigger delay.

use crate::common::*;
use racelab::engine::sim::state::KvEntry;
use racelab::engine::trace::EventKind;
use racelab::engine::value::Value;
use serde_json::{json, Value as Json};

// ---- a vendor that writes back late ---------------------------------------------------------

fn vendor(latency: u64, writes_back_late: bool, failure: u32) -> Json {
    json!({
        "fields": text_fields(&["region", "status"]),
        "people": [{ "count": 1 }],
        "campaigns": [
            on_form("Enrich", json!([{ "call_webhook": "Vendor" }, { "send_email": "After" }])),
            { "name": "Enriched", "qualification": "every_time", "flow": [{ "send_email": "Route" }],
              "smart_list": { "triggers": [{ "data_value_changes":
                  { "field": "status", "new_value": "is_not_empty" } }] } },
        ],
        "systems": { "webhooks": [{
            "name": "Vendor", "latency": { "fixed": latency }, "timeout": 30_000,
            "failure": failure,
            "service": { "respond": { "region": "EMEA", "status": "enriched" } },
            "writes_back_late": writes_back_late,
            "response_mappings": { "region": "region", "status": "status" } }] },
        "script": [fill("Enrich", 1, 0)],
    })
}

#[test]
fn a_late_vendor_writes_its_answer_through_the_api_after_the_timeout() {
    let d = run_json(vendor(60_000, true, 0));
    // Marketo gives up at 30 s (after the 100 ms step): no mapping, the flow goes on.
    assert_eq!(d.times("webhook-timed-out", 1), vec![30_100]);
    assert!(d.events("webhook-responded").is_empty());
    // The vendor finishes its round trip at 60 s and writes the fields then.
    assert_eq!(d.times("webhook-wrote-back", 1), vec![60_100]);
    assert_eq!(d.changes(1, "region"), vec![(60_100, "EMEA".to_string())]);
    assert_eq!(
        d.changes(1, "status"),
        vec![(60_100, "enriched".to_string())]
    );
    // The write-back is a data value change like any other: its trigger fires.
    let sent: Vec<String> = d.emails().into_iter().map(|(_, _, e)| e).collect();
    assert_eq!(sent, vec!["After".to_string(), "Route".to_string()]);
}

#[test]
fn without_write_back_a_timed_out_answer_is_lost_and_in_time_answers_map_as_usual() {
    let d = run_json(vendor(60_000, false, 0));
    assert_eq!(d.events("webhook-timed-out").len(), 1);
    assert!(d.events("webhook-wrote-back").is_empty());
    assert!(d.changes(1, "status").is_empty());
    // In time, the response maps and nothing is written back later.
    let d = run_json(vendor(10_000, true, 0));
    assert_eq!(d.times("webhook-responded", 1), vec![10_100]);
    assert!(d.events("webhook-wrote-back").is_empty());
    assert_eq!(
        d.changes(1, "status"),
        vec![(10_100, "enriched".to_string())]
    );
}

#[test]
fn a_call_that_never_reached_the_vendor_is_never_written_back() {
    let d = run_json(vendor(60_000, true, 1_000_000));
    assert!(d.events("webhook-wrote-back").is_empty());
    assert!(d.changes(1, "status").is_empty());
}

#[test]
fn only_a_vendor_that_answers_with_data_can_write_back() {
    let e = compile_error(json!({
        "fields": text_fields(&["x"]),
        "systems": { "webhooks": [{
            "name": "Store", "latency": { "fixed": 100 }, "writes_back_late": true,
            "service": { "key_value": { "get": { "key": "k" } } } }] },
    }));
    assert!(
        e.contains("writes_back_late") && e.contains("respond"),
        "{e}"
    );
}

// ---- leases, fencing tokens and the fenced commit ---------------------------------------------

/// Person 1 leases at 0 and commits at `commit_at`; person 2 leases at `second_at`. Both use
/// the same key; the lease lasts 10 s.
fn lease_scenario(second_at: u64, commit_at: u64) -> Json {
    let hook = |name: &str, service: Json, maps: Json| {
        json!({ "name": name, "latency": { "fixed": 200 }, "service": { "key_value": service },
                "response_mappings": maps })
    };
    json!({
        "fields": [
            { "name": "won", "type": "bool" }, { "name": "token", "type": "number" },
            { "name": "committed", "type": "bool" },
        ],
        "people": [{ "count": 2 }],
        "campaigns": [
            on_form("Lease", json!([{ "call_webhook": "Lease" }])),
            on_form("Commit", json!([{ "call_webhook": "Commit" }])),
        ],
        "systems": { "webhooks": [
            hook("Lease", json!({ "claim": { "key": "entry", "lease": 10_000 } }),
                 json!({ "ok": "won", "value": "token" })),
            hook("Commit", json!({ "commit": { "key": "entry", "token": "token", "value": "done" } }),
                 json!({ "ok": "committed" })),
        ] },
        "script": [fill("Lease", 1, 0), fill("Lease", 2, second_at), fill("Commit", 1, commit_at)],
    })
}

fn served(d: &Done) -> Vec<(u64, bool, String)> {
    (d.events("webhook-served").iter())
        .map(|e| match e.kind {
            EventKind::WebhookServed { ok, value, .. } => (e.time, ok, d.show(value)),
            _ => unreachable!(),
        })
        .collect()
}

#[test]
fn a_lease_answers_a_fencing_token_that_grows_with_each_lease() {
    // Person 2 asks while person 1's lease holds: refused. Person 1 commits in time.
    let d = run_json(lease_scenario(5_000, 8_000));
    assert_eq!(
        served(&d),
        vec![
            (200, true, "1".to_string()),
            (5_200, false, "(empty)".to_string()),
            (8_200, true, "done".to_string()),
        ]
    );
    assert_eq!(d.value(1, "token"), "1");
    assert_eq!(d.value(1, "committed"), "true");
    let done = Value::Text(d.sym("done"));
    assert_eq!(d.kv().get("entry"), Some(&KvEntry::Value(done)));
}

#[test]
fn a_holder_whose_lease_was_taken_over_cannot_commit() {
    // Person 1's lease runs out at 10.2 s; person 2 leases at 15 s (token 2); person 1's
    // commit at 20 s carries token 1 and is refused.
    let d = run_json(lease_scenario(15_000, 20_000));
    assert_eq!(
        served(&d),
        vec![
            (200, true, "1".to_string()),
            (15_200, true, "2".to_string()),
            (20_200, false, "(empty)".to_string()),
        ]
    );
    assert_eq!(d.value(2, "token"), "2");
    assert_eq!(d.value(1, "committed"), "false");
    assert!(matches!(
        d.kv().get("entry"),
        Some(KvEntry::Lease { token: 2, .. })
    ));
}

#[test]
fn a_holder_whose_lease_ran_out_may_commit_if_nobody_took_over() {
    // The lease ran out at 10.2 s but nobody leased since: token 1 is still the last one.
    let d = run_json(lease_scenario(30_000, 20_000));
    assert_eq!(d.value(1, "committed"), "true");
    // After the commit the key is done: a later lease is refused.
    assert_eq!(served(&d)[2], (30_200, false, "done".to_string()));
}

#[test]
fn a_commit_token_must_be_a_number_field() {
    let e = compile_error(json!({
        "fields": text_fields(&["token"]),
        "systems": { "webhooks": [{
            "name": "Commit", "latency": { "fixed": 100 },
            "service": { "key_value": { "commit": { "key": "k", "token": "token", "value": "done" } } } }] },
    }));
    assert!(e.contains("token") && e.contains("number field"), "{e}");
}

// ---- routed to the queue its data calls for ---------------------------------------------------

/// Two people synced to the CRM at once with no region (routed to the Lead Desk); person 1's
/// region is filled in later, person 2's never.
fn routing_scenario(later_region: Json) -> Json {
    json!({
        "fields": text_fields(&["region", "status", "owner"]),
        "people": [{ "count": 2, "fields": { "status": "sent" } }],
        "campaigns": [on_form("Sync", json!(["sync_person_to_crm"]))],
        "systems": { "crm": {
            "push_latency": { "fixed": 1000 }, "sync_interval": 300_000,
            "assignment_delay": { "fixed": 1000 },
            "assignment_rules": [{
                "when": [{ "field": { "field": "region", "test": { "is": ["EMEA"] } } }],
                "owner": "Greta", "queue": "EMEA Sales" }],
            "default_owner": "Lead Desk" } },
        "invariants": [{ "crm_sync_after": { "field": "status" } }],
        "script": [
            fill("Sync", 1, 0), fill("Sync", 2, 0),
            outside(cdv("region", later_region), 1, 60_000),
        ],
    })
}

#[test]
fn a_lead_whose_data_calls_for_another_queue_is_misrouted() {
    let d = run_json(routing_scenario(json!("EMEA")));
    let v = &d.out.violations;
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].person, Some(1));
    assert_eq!(v[0].invariant, "crm-sync-after-enrichment");
    assert!(
        v[0].message.contains("\"Lead Desk\"") && v[0].message.contains("\"EMEA Sales\""),
        "{}",
        v[0].message
    );
}

#[test]
fn a_lead_routed_as_its_data_calls_for_is_not_misrouted() {
    let d = run_json(routing_scenario(json!("APAC")));
    assert!(d.out.violations.is_empty(), "{:?}", d.out.violations);
}
