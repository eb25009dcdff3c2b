//! Where a new scenario starts: blank (a list of people, a queue, no campaigns yet), or a small
//! template of a common race ("trigger + batch on one list", "form fill + CRM owner",
//! "webhook enrichment + sync"). Every template is valid and runs.

use crate::engine::scenario::Scenario;
use serde_json::{json, Value as Json};

/// The starting points: (key, what the menu says).
pub const TEMPLATES: [(&str, &str); 4] = [
    ("blank", "Blank scenario"),
    ("trigger-batch-list", "Trigger + batch on one list"),
    ("form-crm-owner", "Form fill + CRM owner"),
    ("webhook-enrichment-sync", "Webhook enrichment + sync"),
];

/// The parts every template shares: an email field, `people` people, a campaign queue with a
/// trigger queue delay knob, one variant.
fn base(id: &str, title: &str) -> Json {
    json!({
        "id": id,
        "title": title,
        "fields": [{ "name": "email", "label": "Email Address", "type": "text" }],
        "people": [{ "count": "people", "fields": { "email": "person{n}@example.com" } }],
        "lists": [],
        "campaigns": [],
        "systems": { "queue": {
            "trigger_workers": 2,
            "batch_workers": 1,
            "step_time": { "exponential": { "mean": 200 } },
            "trigger_delay": { "exponential": { "mean": "trigger_delay_s" } },
            "request_cap": 100
        } },
        "knobs": [
            { "name": "trigger_delay_s", "label": "Trigger queue delay", "unit": "seconds",
              "default": 60, "min": 0, "max": 3600, "main": true,
              "sweep": [0, 15, 60, 180, 600],
              "description": "Mean time from a trigger to the campaign's first step (queue load)." },
            { "name": "people", "label": "People", "unit": "count", "default": 20,
              "min": 1, "max": 10000, "description": "How many people." }
        ],
        "variants": [{ "name": "naive", "role": "race", "description": "As built." }],
        "horizon": 28800000
    })
}

fn merged(mut j: Json, extra: Json) -> Json {
    if let (Some(a), Json::Object(b)) = (j.as_object_mut(), extra) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
    j
}

/// The template `key` as JSON (`None`: no such template).
pub fn template_json(key: &str) -> Option<Json> {
    let drain = || json!([{ "remove_from_list": "Work Queue" }, { "send_email": "Task Email" }]);
    Some(match key {
        "blank" => base("my-scenario", "My scenario"),
        "trigger-batch-list" => merged(
            base("trigger-batch-list", "Trigger + batch on one list"),
            json!({
                "lists": ["Work Queue"],
                "campaigns": [
                    { "name": "Drain Queue (trigger)",
                      "smart_list": { "triggers": [{ "added_to_list": "Work Queue" }] },
                      "qualification": "every_time", "flow": drain() },
                    { "name": "Drain Queue (hourly)",
                      "smart_list": { "filters": [{ "member_of_list": { "list": "Work Queue", "member": true } }] },
                      "schedule": { "at": 3600000, "every": 3600000 },
                      "qualification": "every_time", "flow": drain() }
                ],
                "script": [{ "label": "queued", "at": { "uniform": { "min": 0, "max": 7200000 } },
                             "people": "all", "event": { "add_to_list": "Work Queue" } }],
                "invariants": [{ "one_email_per_entry": { "list": "Work Queue", "email": "Task Email" } }]
            }),
        ),
        "form-crm-owner" => merged(
            base("form-crm-owner", "Form fill + CRM owner"),
            json!({
                "fields": [
                    { "name": "email", "label": "Email Address", "type": "text" },
                    { "name": "owner", "label": "Lead Owner", "type": "text" },
                    { "name": "region", "label": "Region", "type": "text" }
                ],
                "people": [{ "count": "people", "unborn": true,
                             "fields": { "email": "person{n}@example.com", "region": "EMEA" } }],
                "campaigns": [
                    { "name": "Sync New Lead",
                      "smart_list": { "triggers": [{ "fills_out_form": { "form": "Contact Us" } }] },
                      "flow": ["sync_person_to_crm"] },
                    { "name": "Alert Owner",
                      "smart_list": { "triggers": [{ "fills_out_form": { "form": "Contact Us" } }] },
                      "flow": [{ "send_alert": "New Lead Alert" }] }
                ],
                "systems": {
                    "queue": base("", "")["systems"]["queue"].clone(),
                    "crm": {
                        "push_latency": { "exponential": { "mean": 20000 } },
                        "sync_interval": 300000,
                        "assignment_rules": [{ "when": [{ "field": { "field": "region", "test": { "is": ["EMEA"] } } }],
                                               "owner": "Alice Martin", "queue": "EMEA Sales" }],
                        "default_owner": "Lead Desk"
                    }
                },
                "script": [{ "label": "fills out Contact Us", "at": { "uniform": { "min": 0, "max": 3600000 } },
                             "people": "all", "event": { "fills_out_form": "Contact Us" } }],
                "invariants": ["alert_has_recipient"]
            }),
        ),
        "webhook-enrichment-sync" => merged(
            base("webhook-enrichment-sync", "Webhook enrichment + sync"),
            json!({
                "fields": [
                    { "name": "email", "label": "Email Address", "type": "text" },
                    { "name": "region", "label": "Region", "type": "text" },
                    { "name": "enrichment_status", "label": "Enrichment Status", "type": "text" },
                    { "name": "owner", "label": "Lead Owner", "type": "text" }
                ],
                "people": [{ "count": "people", "unborn": true, "fields": { "email": "trial{n}@example.com" } }],
                "campaigns": [
                    { "name": "Enrich New Lead",
                      "smart_list": { "triggers": ["person_is_created"] },
                      "flow": [{ "call_webhook": "Enrichment Vendor" }] },
                    { "name": "Sync to CRM",
                      "smart_list": { "triggers": ["person_is_created"] },
                      "flow": ["sync_person_to_crm"] }
                ],
                "systems": {
                    "queue": base("", "")["systems"]["queue"].clone(),
                    "crm": {
                        "push_latency": { "exponential": { "mean": 20000 } },
                        "sync_interval": 300000,
                        "assignment_rules": [{ "when": [{ "field": { "field": "region", "test": { "is": ["EMEA"] } } }],
                                               "owner": "Alice Martin", "queue": "EMEA Sales" }],
                        "default_owner": "Lead Desk"
                    },
                    "webhooks": [{
                        "name": "Enrichment Vendor",
                        "latency": { "uniform": { "min": 2000, "max": 20000 } },
                        "service": { "respond": { "region": "EMEA", "status": "enriched" } },
                        "response_mappings": { "region": "region", "status": "enrichment_status" }
                    }]
                },
                "script": [{ "label": "signs up", "at": { "uniform": { "min": 0, "max": 3600000 } },
                             "people": "all", "event": { "fills_out_form": "Trial Sign-up" } }],
                "invariants": [{ "crm_sync_after": { "field": "enrichment_status" } }]
            }),
        ),
        _ => return None,
    })
}

/// The template `key` as a scenario.
pub fn template(key: &str) -> Option<Scenario> {
    let j = template_json(key)?;
    crate::scenarios::parse(&j.to_string()).ok()
}
