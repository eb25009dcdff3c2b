//! Marketo's own rules (`docs/marketo-rules.md`): each one refuses a small scenario with a
//! message that names the campaign, the flow step and what Marketo allows, and accepts the
//! nearest valid design; the command line refuses with exit code 2. Also: the tokens webhook
//! keys may use, and the two built-ins that are exempt until they are rebuilt.

use crate::common::cli::{fails, temp_file};
use crate::common::*;
use racelab::engine::{compile, validate, RunConfig};
use serde_json::{json, Value as Json};

/// Trigger campaign `name` (requested from a flow or the API) with `flow`.
fn requested(name: &str, flow: Json) -> Json {
    json!({ "name": name, "qualification": "every_time", "flow": flow,
            "smart_list": { "triggers": [{ "campaign_is_requested": { "source": "any" } }] } })
}

/// Batch campaign `name` (scheduled at 0) with `flow`.
fn batch(name: &str, flow: Json) -> Json {
    json!({ "name": name, "schedule": { "at": 0 }, "flow": flow })
}

/// Executable campaign `name` (no triggers, no schedule) with `flow`.
fn executable(name: &str, flow: Json) -> Json {
    json!({ "name": name, "flow": flow })
}

/// A scenario with `campaigns`, one webhook `W` with `timeout`, and `knobs`.
fn with(campaigns: Json, timeout: Json, knobs: Json) -> Json {
    json!({
        "fields": [{ "name": "email", "label": "Email Address", "type": "text" },
                   { "name": "status", "type": "text" }],
        "people": [{ "count": 2, "fields": { "email": "p{n}@example.com" } }],
        "lists": ["L"],
        "campaigns": campaigns,
        "knobs": knobs,
        "systems": { "webhooks": [{ "name": "W", "latency": { "fixed": 10 }, "timeout": timeout,
            "service": { "respond": { "s": "ok" } }, "response_mappings": { "s": "status" } }] },
    })
}

fn campaigns(campaigns: Json) -> Json {
    with(campaigns, json!(30_000), json!([]))
}

fn refused(j: Json, parts: &[&str]) {
    let err = String::from(validate(&scenario(j)).expect_err("Marketo would refuse this"));
    for p in parts {
        assert!(err.contains(p), "error {err:?} should mention {p:?}");
    }
}

fn accepted(j: Json) {
    validate(&scenario(j)).unwrap_or_else(|e| panic!("Marketo allows this: {e}"));
}

#[test]
fn call_webhook_only_in_trigger_campaigns() {
    let webhook = json!([{ "call_webhook": "W" }]);
    let only_trigger = "Marketo allows Call Webhook only in trigger campaigns";
    refused(
        campaigns(json!([batch("Drain Queue (hourly)", webhook.clone())])),
        &[
            "campaign `Drain Queue (hourly)`",
            "flow step 1",
            "Call Webhook `W`",
            "has a schedule",
            only_trigger,
        ],
    );
    // A campaign without triggers is a batch campaign too.
    let mut no_triggers = executable("Nightly", webhook.clone());
    no_triggers["qualification"] = json!("every_time");
    refused(
        campaigns(json!([no_triggers])),
        &["campaign `Nightly`", "has no triggers", only_trigger],
    );
    // Inside a choice: a branch or the default.
    let choice = |branch: Json, default: Json| {
        json!([{ "send_email": "Hi" }, { "choice": {
            "branches": [{ "when": [{ "member_of_list": { "list": "L", "member": true } }],
                           "then": branch }],
            "default": default } }])
    };
    refused(
        campaigns(json!([batch(
            "Batch",
            choice(json!({ "call_webhook": "W" }), json!("do_nothing"))
        )])),
        &["campaign `Batch`", "flow step 2", "choice 1", only_trigger],
    );
    refused(
        campaigns(json!([batch(
            "Batch",
            choice(json!("do_nothing"), json!({ "call_webhook": "W" }))
        )])),
        &["campaign `Batch`", "flow step 2", only_trigger],
    );
    // The nearest valid design: the batch campaign requests a trigger campaign that calls it.
    accepted(campaigns(json!([
        batch(
            "Drain Queue (hourly)",
            json!([{ "request_campaign": "Call Vendor" }])
        ),
        requested("Call Vendor", webhook.clone()),
        on_form("Form", webhook),
    ])));
}

#[test]
fn a_webhook_waits_at_most_30_seconds() {
    let caller = json!([on_form("Enrich", json!([{ "call_webhook": "W" }]))]);
    refused(
        with(caller.clone(), json!(60_000), json!([])),
        &[
            "campaign `Enrich`",
            "flow step 1",
            "Call Webhook `W` waits 60 s",
            "Marketo waits at most 30 s",
        ],
    );
    accepted(with(caller.clone(), json!(30_000), json!([])));
    // A webhook no campaign calls is checked on its own.
    refused(
        with(json!([]), json!(45_000), json!([])),
        &["webhook `W`", "waits 45 s", "at most 30 s"],
    );
    // A knob that sets the timeout may not allow more than 30 s, even at a lower default.
    let knob = |max: i64| {
        json!([{ "name": "timeout_s", "label": "Webhook timeout", "unit": "seconds",
                 "default": 20, "min": 1, "max": max }])
    };
    refused(
        with(caller.clone(), json!("timeout_s"), knob(60)),
        &[
            "webhook `W`",
            "knob `Webhook timeout`",
            "up to 60 s",
            "at most 30 s",
        ],
    );
    let fine = with(caller, json!("timeout_s"), knob(30));
    accepted(fine.clone());
    let config = RunConfig {
        knobs: [("timeout_s".to_string(), 30)].into(),
        ..RunConfig::default()
    };
    compile(&scenario(fine), &config).expect("30 s is allowed");
}

#[test]
fn no_wait_or_webhook_in_a_campaign_run_by_execute_campaign() {
    let never = "Marketo never allows Wait or Call Webhook steps in an executable campaign";
    for step in [
        json!({ "wait": { "fixed": 1000 } }),
        json!({ "call_webhook": "W" }),
    ] {
        // Nested: the form campaign executes Route, which executes Score.
        refused(
            campaigns(json!([
                on_form("Form", json!([{ "execute_campaign": "Route" }])),
                executable("Route", json!([{ "execute_campaign": "Score" }])),
                executable("Score", json!([{ "send_email": "Scored" }, step])),
            ])),
            &["campaign `Score`", "flow step 2", "(from `Route`)", never],
        );
    }
    // The nearest valid design: Request Campaign starts a trigger campaign that may wait.
    accepted(campaigns(json!([
        on_form("Form", json!([{ "request_campaign": "Score" }])),
        requested(
            "Score",
            json!([{ "wait": { "fixed": 1000 } }, { "call_webhook": "W" }])
        ),
    ])));
}

#[test]
fn execute_campaign_runs_only_executable_campaigns() {
    let caller = on_form("Form", json!([{ "execute_campaign": "Route" }]));
    refused(
        campaigns(json!([
            caller.clone(),
            on_form("Route", json!(["do_nothing"]))
        ])),
        &[
            "campaign `Form`",
            "flow step 1",
            "Execute Campaign `Route`",
            "has triggers",
            "only executable campaigns",
        ],
    );
    refused(
        campaigns(json!([
            caller.clone(),
            batch("Route", json!(["do_nothing"]))
        ])),
        &[
            "campaign `Form`",
            "Execute Campaign `Route`",
            "has a schedule",
        ],
    );
    accepted(campaigns(json!([
        caller,
        executable("Route", json!(["do_nothing"]))
    ])));
}

#[test]
fn request_campaign_needs_a_campaign_is_requested_trigger() {
    let caller = on_form(
        "Form",
        json!([{ "send_email": "Hi" }, { "request_campaign": "Route" }]),
    );
    refused(
        campaigns(json!([
            caller.clone(),
            on_form("Route", json!(["do_nothing"]))
        ])),
        &[
            "campaign `Form`",
            "flow step 2",
            "Request Campaign `Route`",
            "no \"Campaign is Requested\" trigger",
            "Marketo Flow Action",
        ],
    );
    accepted(campaigns(json!([
        caller,
        requested("Route", json!(["do_nothing"]))
    ])));
    // A request through the API too.
    let api = |target: Json| {
        let mut j = campaigns(json!([target]));
        j["script"] = json!([{ "label": "the API requests it", "at": { "fixed": 0 },
                               "event": { "request_campaign": "Route" } }]);
        j
    };
    refused(
        api(executable("Route", json!(["do_nothing"]))),
        &[
            "scripted event 1 (the API requests it)",
            "Request Campaign through the API",
            "Web Service API",
        ],
    );
    accepted(api(requested("Route", json!(["do_nothing"]))));
}

/// A scenario whose webhook is a key-value `get` on key `key`, called by a form campaign.
fn keyed(key: &str) -> Json {
    json!({
        "fields": [{ "name": "email", "label": "Email Address", "type": "text" },
                   { "name": "got", "type": "text" }],
        "people": [{ "count": 2, "fields": { "email": "p{n}@example.com" } }],
        "lists": ["L"],
        "campaigns": [on_form("Form", json!([{ "call_webhook": "K" }]))],
        "systems": { "webhooks": [{ "name": "K", "latency": { "fixed": 10 },
            "service": { "key_value": { "set": { "key": key, "value": "x" } } } }] },
        "script": [fill("Form", 1, 0), fill("Form", 2, 1000)],
    })
}

#[test]
fn webhook_keys_use_marketo_tokens_and_the_old_forms_read_as_the_same_tokens() {
    let keys = |key: &str| -> Vec<String> { run_json(keyed(key)).kv().into_keys().collect() };
    let expected = vec!["k:1:p1@example.com", "k:2:p2@example.com"];
    assert_eq!(keys("k:{{lead.Id}}:{{lead.Email Address}}"), expected);
    assert_eq!(keys("k:{{lead.Id}}:{{lead.email}}"), expected);
    // Old links keep opening: `{person}` and `{field:F}` are the same tokens.
    assert_eq!(keys("k:{person}:{field:email}"), expected);
    refused(
        keyed("k:{{lead.Nope}}"),
        &[
            "webhook `K`",
            "{{lead.Nope}} names no person field",
            "Email Address",
        ],
    );
    refused(
        keyed("k:{{my.token}}"),
        &["`{{my.token}}` is not a token Marketo has", "{{lead.Id}}"],
    );
    refused(
        keyed("k:{{lead.Id}"),
        &["key `k:{{lead.Id}`", "missing `}}`"],
    );
    refused(
        keyed("entry:{person}:{list_entry:L}"),
        &[
            "webhook `K`",
            "`{list_entry:L}`",
            "no Marketo token gives such a counter",
            "Stamp an ID on the person",
        ],
    );
}

/// A scenario file with one campaign, `campaign`, and the webhook `Enrichment` with `timeout`.
fn file(name: &str, campaign: Json, timeout: i64) -> std::path::PathBuf {
    let j = json!({
        "id": "cli-rule", "title": "A rule Marketo enforces", "horizon": 3_600_000,
        "fields": [{ "name": "status", "type": "text" }],
        "people": [{ "count": 1 }],
        "campaigns": [campaign],
        "systems": { "webhooks": [{ "name": "Enrichment", "latency": { "fixed": 10 },
            "timeout": timeout, "service": { "respond": { "s": "ok" } },
            "response_mappings": { "s": "status" } }] },
    });
    temp_file(name, &j.to_string())
}

#[test]
fn the_cli_refuses_a_webhook_in_a_batch_campaign_and_a_60_second_timeout() {
    let webhook = json!([{ "call_webhook": "Enrichment" }]);
    let path = file(
        "batch-webhook.json",
        batch("Nightly Enrichment", webhook.clone()),
        30_000,
    );
    let err = fails(&["run", path.to_str().unwrap()]);
    for part in [
        "campaign `Nightly Enrichment`",
        "flow step 1",
        "Call Webhook `Enrichment` is in a batch campaign",
        "Marketo allows Call Webhook only in trigger campaigns",
    ] {
        assert!(err.contains(part), "{err:?} should mention {part:?}");
    }
    let path = file("slow-webhook.json", on_form("Enrich", webhook), 60_000);
    let err = fails(&["run", path.to_str().unwrap()]);
    for part in [
        "campaign `Enrich`",
        "flow step 1",
        "Call Webhook `Enrichment` waits 60 s",
        "Marketo waits at most 30 s",
    ] {
        assert!(err.contains(part), "{err:?} should mention {part:?}");
    }
}
