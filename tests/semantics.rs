#![cfg(not(target_arch = "wasm32"))]
//! One test per rule of the simulated campaign engine (see /work/shared/domain.md §1):
//! queues and priorities, batch snapshots, qualification rules, triggers, filters, program
//! statuses, Request vs Execute Campaign, waits, choices, e-mail, alerts, webhooks, the
//! key-value service and the CRM. Every scenario is small and uses fixed delays, so the
//! expected times follow from the rules (one worker, 100 ms per step unless stated).

mod common;

use common::*;
use racelab::engine::sim::state::KvEntry;
use racelab::engine::trace::{Actor, EventKind};
use racelab::engine::value::Value;
use racelab::engine::{RunConfig, ScriptedChooser};
use serde_json::{json, Value as Json};

/// Time of the first thing campaign `name` did (other than letting someone in).
fn first_work(d: &Done, name: &str) -> u64 {
    let c = d.campaign(name);
    d.trace
        .iter()
        .find(|e| {
            e.actor == Actor::Campaign(c) && !matches!(e.kind.name(), "qualified" | "batch-started")
        })
        .unwrap_or_else(|| panic!("{name} did nothing"))
        .time
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort();
    v
}

// ---- the campaign queue ---------------------------------------------------------------

#[test]
fn one_trigger_worker_runs_ready_steps_by_priority_class_then_arrival() {
    // (campaign, flow, when its person fills out the form). "Blocker" keeps the only
    // worker busy until t=100; everything else is ready by then and waits.
    let plan: Vec<(&str, Json, u64)> = vec![
        (
            "Blocker",
            json!([{ "change_data_value": { "field": "f", "value": "x" } }]),
            0,
        ),
        (
            "Score",
            json!([{ "change_score": { "field": "score", "change": 1 } }]),
            10,
        ),
        ("Long Wait", json!([{ "wait": { "fixed": 300_001 } }]), 15),
        ("List", json!([{ "add_to_list": "Done" }]), 20),
        ("Short Wait", json!([{ "wait": { "fixed": 300_000 } }]), 25),
        ("Email", json!([{ "send_email": "Hello" }]), 30),
        ("Alert", json!([{ "send_alert": "Look" }]), 35),
        ("Webhook", json!([{ "call_webhook": "Ping" }]), 40),
        (
            "Data",
            json!([{ "change_data_value": { "field": "f", "value": "y" } }]),
            45,
        ),
    ];
    let campaigns: Vec<Json> = plan.iter().map(|(n, f, _)| on_form(n, f.clone())).collect();
    let script: Vec<Json> = (plan.iter().enumerate())
        .map(|(i, (n, _, at))| fill(n, i as u32 + 1, *at))
        .collect();
    let d = run_json(json!({
        "fields": [{ "name": "f", "type": "text" }, { "name": "score", "type": "number" }],
        "people": [{ "count": plan.len() }],
        "lists": ["Done"],
        "campaigns": campaigns,
        "systems": { "webhooks": [
            { "name": "Ping", "latency": { "fixed": 10 }, "service": { "respond": {} } }
        ] },
        "script": script,
    }));
    // High (email, alert) by arrival, then medium (list, a Wait of exactly 5 min), then
    // low (score, a Wait over 5 min, webhook, data value), each class by arrival.
    let order = [
        ("Blocker", 100),
        ("Email", 200),
        ("Alert", 300),
        ("List", 400),
        ("Short Wait", 500),
        ("Score", 600),
        ("Long Wait", 700),
        ("Webhook", 800),
        ("Data", 900),
    ];
    for (name, t) in order {
        assert_eq!(first_work(&d, name), t, "{name} ran at the wrong time");
    }
}

#[test]
fn batch_send_email_is_not_high_priority_but_send_alert_is() {
    // Batch campaigns at 0 (keeps the batch worker busy), 10, 20 and 30.
    let batch = |name: &str, at: u64, step: Json| json!({ "name": name, "schedule": { "at": at }, "flow": [step] });
    let d = run_json(json!({
        "fields": [{ "name": "f", "type": "text" }],
        "people": [{ "count": 1 }],
        "lists": ["Done"],
        "campaigns": [
            batch("Blocker", 0, json!({ "change_data_value": { "field": "f", "value": "x" } })),
            batch("List", 10, json!({ "add_to_list": "Done" })),
            batch("Mail", 20, json!({ "send_email": "News" })),
            batch("Alert", 30, json!({ "send_alert": "Look" })),
        ],
    }));
    assert_eq!(first_work(&d, "Blocker"), 100);
    assert_eq!(
        first_work(&d, "Alert"),
        200,
        "Send Alert is high in any queue"
    );
    assert_eq!(first_work(&d, "List"), 300);
    assert_eq!(first_work(&d, "Mail"), 400, "a batch Send Email is medium");
}

#[test]
fn trigger_and_batch_queues_have_their_own_workers() {
    let cdv = |v: &str| json!({ "change_data_value": { "field": "f", "value": v } });
    let d = run_json(json!({
        "fields": [{ "name": "f", "type": "text" }, { "name": "g", "type": "text" }],
        "campaigns": [
            on_form("Trigger", json!([cdv("a"), cdv("b")])),
            { "name": "Batch", "schedule": { "at": 0 },
              "smart_list": { "filters": [{ "field": { "field": "g", "test": { "is": ["go"] } } }] },
              "flow": [{ "change_data_value": { "field": "f", "value": "batch" } }] },
        ],
        "people": [{ "count": 3 }, { "count": 1, "fields": { "g": "go" } }],
        "script": [fill("Trigger", 1, 0), fill("Trigger", 2, 0), fill("Trigger", 3, 0)],
    }));
    // Three trigger runs share one trigger worker; the batch step does not wait for them.
    assert_eq!(d.changes(4, "f"), vec![(100, "batch".to_string())]);
    let mut trigger_times: Vec<u64> = (1..=3)
        .flat_map(|p| d.changes(p, "f"))
        .map(|(t, _)| t)
        .collect();
    trigger_times.sort();
    assert_eq!(trigger_times, vec![100, 200, 300, 400, 500, 600]);
}

#[test]
fn the_number_of_workers_bounds_concurrency() {
    for (workers, expected) in [
        (1, vec![100, 200, 300, 400, 500]),
        (2, vec![100, 100, 200, 200, 300]),
        (5, vec![100, 100, 100, 100, 100]),
    ] {
        let d = run_json(json!({
            "people": [{ "count": 5 }],
            "campaigns": [on_form("Welcome", json!([{ "send_email": "Welcome" }]))],
            "systems": { "queue": { "trigger_workers": workers } },
            "script": [{ "at": { "fixed": 0 }, "people": "all", "event": { "fills_out_form": "Welcome" } }],
        }));
        let mut times: Vec<u64> = d.emails().iter().map(|e| e.0).collect();
        times.sort();
        assert_eq!(times, expected, "with {workers} workers");
    }
}

// ---- batch campaigns -------------------------------------------------------------------

#[test]
fn a_batch_snapshot_is_stale_a_member_who_left_is_still_processed() {
    let d = run_json(json!({
        "people": [{ "count": 4 }],
        "lists": ["Queue"],
        "campaigns": [
            { "name": "Drain", "schedule": { "at": 1000 },
              "smart_list": { "filters": [{ "member_of_list": { "list": "Queue", "member": true } }] },
              "flow": [{ "send_email": "Task" }] },
            on_form("Unqueue", json!([{ "remove_from_list": "Queue" }])),
        ],
        "script": [
            { "at": { "fixed": 0 }, "people": { "range": { "first": 1, "last": 3 } },
              "event": { "add_to_list": "Queue" } },
            fill("Unqueue", 3, 1050),
            outside(json!({ "add_to_list": "Queue" }), 4, 1050),
        ],
    }));
    let started = d.events("batch-started");
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].kind, EventKind::BatchStarted { members: 3 });
    // Person 3 left the list at 1150 but is still e-mailed at 1300 (the snapshot is
    // stale); person 4 joined after the snapshot and is not e-mailed.
    assert_eq!(d.times("removed-from-list", 3), vec![1150]);
    let emails: Vec<(u64, u32)> = d.emails().iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(emails, vec![(1100, 1), (1200, 2), (1300, 3)]);
    assert!(!d.state.people[2].in_list[d.list("Queue") as usize]);
    assert!(d.state.people[3].in_list[d.list("Queue") as usize]);
}

#[test]
fn recurring_batch_runs_repeat_at_their_interval_until_the_horizon() {
    let batch = |name: &str, q: &str| {
        json!({ "name": name, "schedule": { "at": 1000, "every": 60_000 },
                "qualification": q, "flow": ["do_nothing"] })
    };
    let d = run_json(json!({
        "people": [{ "count": 1 }],
        "campaigns": [batch("Every", "every_time"), batch("Once", "once")],
        "script": [{ "at": { "fixed": 30_000 }, "people": "none",
                     "event": { "run_batch_campaign": "Every" } }],
        "horizon": 200_000,
    }));
    let starts = |name: &str| -> Vec<u64> {
        d.by_campaign(name, "batch-started")
            .iter()
            .map(|e| e.time)
            .collect()
    };
    // A run by hand (30 s) comes in addition and does not shift the schedule.
    assert_eq!(
        starts("Every"),
        vec![1000, 30_000, 61_000, 121_000, 181_000]
    );
    assert_eq!(starts("Once"), vec![1000, 61_000, 121_000, 181_000]);
    assert_eq!(d.qualified_times("Every").len(), 5);
    assert_eq!(
        d.qualified("Once"),
        vec![1],
        "`once` lets the person in only once"
    );
    assert_eq!(d.by_campaign("Once", "not-qualified").len(), 3);
}

// ---- qualification rules ---------------------------------------------------------------

#[test]
fn qualification_rules_once_every_time_and_once_every() {
    let watch = |name: &str, q: Json| {
        json!({ "name": name,
                "smart_list": { "triggers": [{ "data_value_changes": { "field": "stage" } }] },
                "qualification": q, "flow": ["do_nothing"] })
    };
    let change = |v: &str, at: u64| {
        outside(
            json!({ "change_data_value": { "field": "stage", "value": v } }),
            1,
            at,
        )
    };
    let d = run_json(json!({
        "fields": [{ "name": "stage", "type": "text" }],
        "people": [{ "count": 1 }],
        "campaigns": [
            watch("Once", json!("once")),
            watch("Every", json!("every_time")),
            watch("Once Every", json!({ "once_every": 1500 })),
        ],
        "script": [change("a", 0), change("b", 1000), change("c", 2000)],
    }));
    assert_eq!(d.qualified_times("Once"), vec![0]);
    assert_eq!(d.by_campaign("Once", "not-qualified").len(), 2);
    assert_eq!(d.qualified_times("Every"), vec![0, 1000, 2000]);
    assert_eq!(d.qualified_times("Once Every"), vec![0, 2000]);
}

#[test]
fn once_every_takes_a_knob_in_days() {
    const HOUR: u64 = 3_600_000;
    let change = |v: &str, at: u64| {
        outside(
            json!({ "change_data_value": { "field": "stage", "value": v } }),
            1,
            at,
        )
    };
    let d = run_json(json!({
        "fields": [{ "name": "stage", "type": "text" }],
        "people": [{ "count": 1 }],
        "knobs": [{ "name": "gap", "unit": "days", "default": 1, "min": 1, "max": 30 }],
        "campaigns": [{ "name": "Daily",
            "smart_list": { "triggers": [{ "data_value_changes": { "field": "stage" } }] },
            "qualification": { "once_every": "gap" }, "flow": ["do_nothing"] }],
        "script": [change("a", 0), change("b", 23 * HOUR), change("c", 24 * HOUR)],
        "horizon": 48 * HOUR,
    }));
    assert_eq!(d.qualified_times("Daily"), vec![0, 24 * HOUR]);
}

#[test]
fn a_person_already_in_a_flow_does_not_enter_it_again() {
    let d = run_json(json!({
        "people": [{ "count": 1 }],
        "campaigns": [on_form("Slow", json!([{ "wait": { "fixed": 10_000 } }]))],
        "script": [fill("Slow", 1, 0), fill("Slow", 1, 1000), fill("Slow", 1, 20_000)],
    }));
    assert_eq!(d.qualified_times("Slow"), vec![0, 20_000]);
    let refused: Vec<u64> = (d.by_campaign("Slow", "not-qualified").iter())
        .map(|e| e.time)
        .collect();
    assert_eq!(refused, vec![1000]);
}

// ---- triggers ----------------------------------------------------------------------------

#[test]
fn a_creating_form_fill_fires_person_is_created_and_fills_out_form() {
    let d = run_json(json!({
        "people": [{ "count": 1, "unborn": true }, { "count": 1 }],
        "campaigns": [
            { "name": "Created", "smart_list": { "triggers": ["person_is_created"] }, "flow": ["do_nothing"] },
            { "name": "Signup", "smart_list": { "triggers": [{ "fills_out_form": { "form": "Signup" } }] }, "flow": ["do_nothing"] },
            { "name": "Any Form", "smart_list": { "triggers": [{ "fills_out_form": {} }] }, "flow": ["do_nothing"] },
            { "name": "Other", "smart_list": { "triggers": [{ "fills_out_form": { "form": "Other" } }] }, "flow": ["do_nothing"] },
        ],
        "script": [fill("Signup", 1, 0), fill("Signup", 2, 0)],
    }));
    assert_eq!(
        d.qualified("Created"),
        vec![1],
        "only the new person is created"
    );
    assert_eq!(sorted(d.qualified("Signup")), vec![1, 2]);
    assert_eq!(sorted(d.qualified("Any Form")), vec![1, 2]);
    assert!(d.qualified("Other").is_empty());
    let created = d.position("created", |e| e.kind == EventKind::PersonCreated);
    let filled = d.position("form fill by 1", |e| {
        e.person == Some(0) && e.kind.name() == "filled-out-form"
    });
    assert!(created < filled);
    assert!(d.state.people[0].exists);
}

#[test]
fn data_value_changes_honours_new_and_previous_value_and_ignores_no_change() {
    let watch = |name: &str, constraints: Json| {
        let mut t = json!({ "field": "stage" });
        for (k, v) in constraints.as_object().unwrap() {
            t[k] = v.clone();
        }
        json!({ "name": name, "qualification": "every_time", "flow": ["do_nothing"],
                "smart_list": { "triggers": [{ "data_value_changes": t }] } })
    };
    let change = |v: &str, at: u64| {
        outside(
            json!({ "change_data_value": { "field": "stage", "value": v } }),
            1,
            at,
        )
    };
    let d = run_json(json!({
        "fields": [{ "name": "stage", "type": "text" }],
        "people": [{ "count": 1 }],
        "campaigns": [
            watch("Any", json!({})),
            watch("To SQL", json!({ "new_value": { "is": ["SQL"] } })),
            watch("From MQL", json!({ "previous_value": { "is": ["MQL"] } })),
            watch("From Empty", json!({ "previous_value": "is_empty" })),
            watch("Back", json!({ "new_value": { "is": ["MQL"] }, "previous_value": { "is": ["SQL"] } })),
        ],
        "script": [change("MQL", 0), change("SQL", 1000), change("SQL", 2000), change("MQL", 3000)],
    }));
    // The change at 2000 sets the value it already had: no activity, no event.
    assert_eq!(d.times("field-changed", 1), vec![0, 1000, 3000]);
    assert_eq!(d.qualified_times("Any"), vec![0, 1000, 3000]);
    assert_eq!(d.qualified_times("To SQL"), vec![1000]);
    assert_eq!(d.qualified_times("From MQL"), vec![1000]);
    assert_eq!(d.qualified_times("From Empty"), vec![0]);
    assert_eq!(d.qualified_times("Back"), vec![3000]);
}

#[test]
fn added_to_and_removed_from_list_fire_and_re_adding_a_member_is_no_activity() {
    let d = run_json(json!({
        "people": [{ "count": 1 }],
        "lists": ["Q"],
        "campaigns": [
            { "name": "On Add", "qualification": "every_time",
              "smart_list": { "triggers": [{ "added_to_list": "Q" }] },
              "flow": [{ "remove_from_list": "Q" }] },
            { "name": "On Remove", "qualification": "every_time",
              "smart_list": { "triggers": [{ "removed_from_list": "Q" }] },
              "flow": ["do_nothing"] },
        ],
        "script": [
            outside(json!({ "add_to_list": "Q" }), 1, 0),
            outside(json!({ "add_to_list": "Q" }), 1, 50),
            outside(json!({ "add_to_list": "Q" }), 1, 1000),
        ],
    }));
    let q = d.list("Q");
    let adds: Vec<(u64, EventKind)> = (d.events_of("added-to-list", 1).iter())
        .map(|e| (e.time, e.kind.clone()))
        .collect();
    assert_eq!(
        adds,
        vec![
            (0, EventKind::AddedToList { list: q, entry: 1 }),
            (1000, EventKind::AddedToList { list: q, entry: 2 }),
        ]
    );
    assert_eq!(d.qualified_times("On Add"), vec![0, 1000]);
    assert_eq!(d.qualified_times("On Remove"), vec![100, 1100]);
    assert_eq!(d.state.people[0].list_entries[q as usize], 2);
    assert!(!d.state.people[0].in_list[q as usize]);
}

#[test]
fn campaign_is_requested_filters_on_the_request_source() {
    let requested = |name: &str, source: &str| {
        json!({ "name": name, "qualification": "every_time", "flow": ["do_nothing"],
                "smart_list": { "triggers": [{ "campaign_is_requested": { "source": source } }] } })
    };
    let api = |c: &str, at: u64| outside(json!({ "request_campaign": c }), 1, at);
    let d = run_json(json!({
        "people": [{ "count": 2 }],
        "campaigns": [
            requested("Via Flow", "flow_action"),
            requested("Via Api", "web_service_api"),
            requested("Via Any", "any"),
            on_form("Caller", json!([
                { "request_campaign": "Via Flow" },
                { "request_campaign": "Via Api" },
                { "request_campaign": "Via Any" },
            ])),
        ],
        "script": [api("Via Flow", 0), api("Via Api", 10), api("Via Any", 20), fill("Caller", 2, 0)],
    }));
    // Person 1 is requested by the API, person 2 by a flow.
    assert_eq!(d.qualified("Via Flow"), vec![2]);
    assert_eq!(d.qualified("Via Api"), vec![1]);
    assert_eq!(sorted(d.qualified("Via Any")), vec![1, 2]);
    assert!(d
        .events_of("campaign-requested", 1)
        .iter()
        .all(|e| e.actor == Actor::Outside));
    let caller = Actor::Campaign(d.campaign("Caller"));
    assert_eq!(d.events_of("campaign-requested", 2).len(), 3);
    assert!(d
        .events_of("campaign-requested", 2)
        .iter()
        .all(|e| e.actor == caller));
}

#[test]
fn score_is_changed_fires_on_every_change_of_that_score() {
    let score = |f: &str, by: i64| json!({ "change_score": { "field": f, "change": by } });
    let d = run_json(json!({
        "fields": [{ "name": "score", "type": "number" }, { "name": "other", "type": "number" }],
        "people": [{ "count": 1 }],
        "campaigns": [
            on_form("Scorer", json!([score("score", 5), score("score", 0), score("other", 3)])),
            { "name": "Score Watch", "qualification": "every_time", "flow": ["do_nothing"],
              "smart_list": { "triggers": [{ "score_is_changed": "score" }] } },
        ],
        "script": [
            fill("Scorer", 1, 0),
            outside(json!({ "change_data_value": { "field": "score", "value": 42 } }), 1, 1000),
        ],
    }));
    // +5 at 100 fires; +0 changes nothing; `other` is another score; the import at 1000 fires.
    assert_eq!(d.qualified_times("Score Watch"), vec![100, 1000]);
    assert_eq!(d.value(1, "score"), "42");
    assert_eq!(d.value(1, "other"), "3");
}

// ---- filters -------------------------------------------------------------------------------

#[test]
fn smart_list_logic_all_any_and_advanced() {
    let is = |f: &str, v: &str| json!({ "field": { "field": f, "test": { "is": [v] } } });
    let filters = json!([is("a", "x"), is("b", "y"), is("c", "z")]);
    let cases = [
        ("All", None, vec![1]),
        ("Any", Some("any"), vec![1, 2, 3]),
        ("Nested", Some("1 and (2 or 3)"), vec![1, 2]),
        ("Not", Some("not 1 and 2"), vec![3]),
        ("Precedence", Some("1 or 2 and not 3"), vec![1, 2]),
    ];
    let campaigns: Vec<Json> = (cases.iter())
        .map(|(name, logic, _)| {
            let mut sl = json!({ "filters": filters });
            if let Some(l) = logic {
                sl["logic"] = json!(l);
            }
            json!({ "name": name, "schedule": { "at": 0 }, "smart_list": sl, "flow": ["do_nothing"] })
        })
        .collect();
    let d = run_json(json!({
        "fields": [{ "name": "a", "type": "text" }, { "name": "b", "type": "text" }, { "name": "c", "type": "text" }],
        "people": [
            { "fields": { "a": "x", "b": "y", "c": "z" } },
            { "fields": { "a": "x", "c": "z" } },
            { "fields": { "b": "y", "c": "z" } },
            { "fields": {} },
        ],
        "campaigns": campaigns,
    }));
    for (name, logic, expected) in cases {
        assert_eq!(sorted(d.qualified(name)), expected, "logic {logic:?}");
    }
}

#[test]
fn filter_kinds_field_tests_list_program_status_and_campaign_membership() {
    let field = |f: &str, test: Json| json!({ "field": { "field": f, "test": test } });
    let cases: Vec<(&str, Json, Vec<u32>)> = vec![
        ("is", field("name", json!({ "is": ["A"] })), vec![1]),
        (
            "is not",
            field("name", json!({ "is_not": ["A"] })),
            vec![2, 3],
        ),
        ("is empty", field("name", json!("is_empty")), vec![2]),
        (
            "is not empty",
            field("name", json!("is_not_empty")),
            vec![1, 3],
        ),
        (
            "greater",
            field("score", json!({ "greater_than": 5 })),
            vec![1, 3],
        ),
        ("less", field("score", json!({ "less_than": 5 })), vec![2]),
        (
            "in list",
            json!({ "member_of_list": { "list": "L", "member": true } }),
            vec![1],
        ),
        (
            "not in list",
            json!({ "member_of_list": { "list": "L", "member": false } }),
            vec![2, 3],
        ),
        (
            "status is",
            json!({ "program_status": { "program": "Webinar", "status": "Registered", "is": true } }),
            vec![2],
        ),
        (
            "status is not",
            json!({ "program_status": { "program": "Webinar", "status": "Registered", "is": false } }),
            vec![1, 3],
        ),
        (
            "in campaign",
            json!({ "member_of_campaign": { "campaign": "Setup", "member": true } }),
            vec![2],
        ),
        (
            "not in campaign",
            json!({ "member_of_campaign": { "campaign": "Setup", "member": false } }),
            vec![1, 3],
        ),
    ];
    let mut campaigns: Vec<Json> = (cases.iter())
        .map(|(name, f, _)| {
            json!({ "name": name, "schedule": { "at": 10_000 },
                    "smart_list": { "filters": [f] }, "flow": ["do_nothing"] })
        })
        .collect();
    campaigns.push(json!({ "name": "Setup",
        "smart_list": { "triggers": [{ "campaign_is_requested": {} }] },
        "flow": [{ "change_program_status": { "program": "Webinar", "status": "Registered" } }] }));
    let d = run_json(json!({
        "fields": [{ "name": "name", "type": "text" }, { "name": "score", "type": "number" }],
        "people": [
            { "fields": { "name": "A", "score": 10 } },
            { "fields": { "score": 3 } },
            { "fields": { "name": "B", "score": 7 } },
        ],
        "lists": ["L"],
        "programs": [{ "name": "Webinar", "channel": "webinar",
                       "statuses": [{ "name": "Invited", "step": 10 }, { "name": "Registered", "step": 20 }] }],
        "campaigns": campaigns,
        "script": [
            outside(json!({ "add_to_list": "L" }), 1, 0),
            outside(json!({ "request_campaign": "Setup" }), 2, 0),
        ],
    }));
    for (name, _, expected) in cases {
        assert_eq!(sorted(d.qualified(name)), expected, "filter `{name}`");
    }
}

// ---- program statuses ---------------------------------------------------------------------

#[test]
fn program_status_progression_is_one_way_except_within_a_step() {
    let status =
        |s: &str| json!({ "change_program_status": { "program": "Webinar", "status": s } });
    let d = run_json(json!({
        "people": [{ "count": 1 }],
        "programs": [{ "name": "Webinar", "channel": "webinar", "statuses": [
            { "name": "Invited", "step": 10 }, { "name": "Registered", "step": 20 },
            { "name": "Waitlisted", "step": 20 }, { "name": "Attended", "step": 30 } ] }],
        "campaigns": [
            on_form("Progress", json!([
                status("Registered"), status("Invited"), status("Registered"),
                status("Waitlisted"), status("Attended")
            ])),
            { "name": "Any Change", "qualification": "every_time", "flow": ["do_nothing"],
              "smart_list": { "triggers": [{ "program_status_is_changed": { "program": "Webinar" } }] } },
            { "name": "Attended", "qualification": "every_time", "flow": ["do_nothing"],
              "smart_list": { "triggers": [{ "program_status_is_changed":
                  { "program": "Webinar", "new_status": "Attended" } }] } },
        ],
        "script": [fill("Progress", 1, 0)],
    }));
    let p = d.program("Webinar");
    let s = |name: &str| d.status("Webinar", name);
    let kinds: Vec<EventKind> = (d.trace.iter())
        .filter(|e| matches!(e.kind.name(), "status-changed" | "status-refused"))
        .map(|e| e.kind.clone())
        .collect();
    let refused = |cur, req| EventKind::StatusRefused {
        program: p,
        current: cur,
        requested: req,
    };
    let changed = |from, to| EventKind::StatusChanged {
        program: p,
        from,
        to,
    };
    assert_eq!(
        kinds,
        vec![
            changed(None, s("Registered")),
            refused(s("Registered"), s("Invited")),
            refused(s("Registered"), s("Registered")),
            changed(Some(s("Registered")), s("Waitlisted")),
            changed(Some(s("Waitlisted")), s("Attended")),
        ]
    );
    assert_eq!(d.state.people[0].status[p as usize], Some(s("Attended")));
    // Three changes are offered to the trigger (the person may still be in its flow, so
    // count refusals by the qualification rule too); the two refused statuses are not.
    let offered =
        d.qualified("Any Change").len() + d.by_campaign("Any Change", "not-qualified").len();
    assert_eq!(offered, 3, "refused statuses are not activities");
    assert_eq!(d.qualified("Attended").len(), 1);
}

// ---- Request Campaign vs Execute Campaign ---------------------------------------------------

fn cdv(field: &str, v: &str) -> Json {
    json!({ "change_data_value": { "field": field, "value": v } })
}

fn text_fields(names: &[&str]) -> Json {
    Json::Array(
        names
            .iter()
            .map(|n| json!({ "name": n, "type": "text" }))
            .collect(),
    )
}

#[test]
fn request_campaign_runs_in_parallel_and_the_caller_goes_on() {
    let d = run_json(json!({
        "fields": text_fields(&["marker", "c"]),
        "people": [{ "count": 1 }],
        "campaigns": [
            on_form("Caller", json!([{ "request_campaign": "Child" }, cdv("marker", "after")])),
            { "name": "Child", "smart_list": { "triggers": [{ "campaign_is_requested": {} }] },
              "flow": [cdv("c", "1"), cdv("c", "2"), cdv("c", "3")] },
        ],
        "systems": { "queue": { "trigger_workers": 2 } },
        "script": [fill("Caller", 1, 0)],
    }));
    assert_eq!(d.changes(1, "marker"), vec![(200, "after".to_string())]);
    let child: Vec<u64> = d.changes(1, "c").iter().map(|c| c.0).collect();
    assert_eq!(
        child,
        vec![200, 300, 400],
        "the child runs beside the caller"
    );
}

#[test]
fn execute_campaign_runs_in_series_and_the_caller_waits() {
    let d = run_json(json!({
        "fields": text_fields(&["marker", "c"]),
        "people": [{ "count": 1 }],
        "campaigns": [
            on_form("Caller", json!([{ "execute_campaign": "Sub" }, cdv("marker", "after")])),
            { "name": "Sub", "flow": [cdv("c", "1"), cdv("c", "2"), cdv("c", "3")] },
        ],
        "systems": { "queue": { "trigger_workers": 2 } },
        "script": [fill("Caller", 1, 0)],
    }));
    assert_eq!(d.times("executed-campaign", 1), vec![100]);
    let sub: Vec<u64> = d.changes(1, "c").iter().map(|c| c.0).collect();
    assert_eq!(sub, vec![200, 300, 400]);
    assert_eq!(d.changes(1, "marker"), vec![(500, "after".to_string())]);
    let sub_id = d.campaign("Sub") as usize;
    assert!(
        d.state.people[0].campaigns[sub_id].member,
        "executed means member"
    );
    assert!(
        d.qualified("Sub").is_empty(),
        "executed, not qualified by a trigger"
    );
}

#[test]
fn remove_from_flow_inside_an_executed_campaign_ends_the_caller_too() {
    let d = run_json(json!({
        "fields": text_fields(&["marker", "a", "b"]),
        "people": [{ "count": 1 }],
        "campaigns": [
            on_form("Caller", json!([{ "execute_campaign": "Sub" }, cdv("marker", "after")])),
            { "name": "Sub", "flow": [cdv("a", "1"), "remove_from_flow", cdv("b", "2")] },
        ],
        "script": [fill("Caller", 1, 0), fill("Caller", 1, 10_000)],
    }));
    assert_eq!(d.events_of("removed-from-flow", 1).len(), 2);
    assert!(d.changes(1, "b").is_empty());
    assert!(
        d.changes(1, "marker").is_empty(),
        "the caller was removed as well"
    );
    // The caller's flow is over, so the person can enter it again.
    assert_eq!(d.qualified_times("Caller"), vec![0, 10_000]);
    assert_eq!(
        d.state.people[0].campaigns[d.campaign("Caller") as usize].in_flow,
        0
    );
}

#[test]
fn the_request_cap_stops_a_request_loop_and_reports_it() {
    for cap in [3u32, 5] {
        let ping = |name: &str, other: &str| {
            json!({ "name": name, "qualification": "every_time",
                    "smart_list": { "triggers": [{ "campaign_is_requested": {} }] },
                    "flow": [{ "request_campaign": other }] })
        };
        let s = scenario(json!({
            "people": [{ "count": 1 }],
            "campaigns": [ping("Ping", "Pong"), ping("Pong", "Ping")],
            "systems": { "queue": { "request_cap": cap } },
            "script": [outside(json!({ "request_campaign": "Ping" }), 1, 0)],
        }));
        let d = run(&s, 1);
        assert_eq!(d.events("campaign-requested").len(), cap as usize);
        assert_eq!(d.events("request-cap-reached").len(), 1);
        assert_eq!(d.out.capped_requests, 1);
        let report = racelab::api::run(&s, &RunConfig::default(), 1).unwrap();
        assert_eq!(report.capped_requests, 1);
        // Nothing happens after the cap stopped the loop.
        let last = d.trace.last().unwrap();
        assert_eq!(last.kind.name(), "request-cap-reached");
    }
}

// ---- time ----------------------------------------------------------------------------------

#[test]
fn a_30_day_wait_costs_a_handful_of_events() {
    const DAY: u64 = 86_400_000;
    let d = run_json(json!({
        "people": [{ "count": 1 }],
        "campaigns": [on_form("Trial", json!([{ "wait": { "fixed": 30 * DAY } }, { "send_email": "Trial over" }]))],
        "script": [fill("Trial", 1, 0)],
        "horizon": 40 * DAY,
    }));
    // Form fill, qualified, wait started, e-mail: no events for the time in between.
    assert!(d.trace.len() <= 6, "{} events", d.trace.len());
    assert_eq!(
        d.emails(),
        vec![(30 * DAY + 200, 1, "Trial over".to_string())]
    );
}

#[test]
fn the_run_ends_at_the_horizon() {
    const DAY: u64 = 86_400_000;
    let s = scenario(json!({
        "people": [{ "count": 1 }],
        "campaigns": [on_form("Trial", json!([{ "wait": { "fixed": 30 * DAY } }, { "send_email": "Trial over" }]))],
        "script": [fill("Trial", 1, 0)],
        "horizon": 10 * DAY,
    }));
    let d = run(&s, 1);
    assert!(
        d.emails().is_empty(),
        "the e-mail would come after the horizon"
    );
    assert!(d.trace.iter().all(|e| e.time <= 10 * DAY));
    assert!(d.out.end_time <= 10 * DAY);
    assert_eq!(d.events("wait-started").len(), 1);
}

// ---- choices, alerts, e-mail -------------------------------------------------------------

#[test]
fn a_choice_takes_the_first_matching_branch_when_the_step_runs() {
    let tier_is = |t: Json| json!([{ "field": { "field": "tier", "test": t } }]);
    let d = run_json(json!({
        "fields": [{ "name": "tier", "type": "text" }],
        "people": [
            { "fields": { "tier": "gold" } }, { "fields": { "tier": "silver" } },
            { "fields": {} }, { "fields": {} },
        ],
        "campaigns": [on_form("Route", json!([
            { "wait": { "fixed": 1000 } },
            { "choice": {
                "branches": [
                    { "when": tier_is(json!({ "is": ["gold"] })), "then": { "send_email": "Gold" } },
                    { "when": tier_is(json!("is_not_empty")), "then": { "send_email": "Any Tier" } },
                ],
                "default": { "send_email": "No Tier" } } },
        ]))],
        "script": [
            { "at": { "fixed": 0 }, "people": "all", "event": { "fills_out_form": "Route" } },
            outside(json!({ "change_data_value": { "field": "tier", "value": "gold" } }), 4, 500),
        ],
    }));
    let mut got: Vec<(u32, String)> = d.emails().into_iter().map(|e| (e.1, e.2)).collect();
    got.sort();
    let want = [(1, "Gold"), (2, "Any Tier"), (3, "No Tier"), (4, "Gold")];
    assert_eq!(got, want.map(|(p, e)| (p, e.to_string())));
}

#[test]
fn send_alert_goes_to_the_owner_and_with_no_owner_to_no_one() {
    let d = run_json(json!({
        "fields": text_fields(&["owner"]),
        "people": [{ "fields": { "owner": "Bob" } }, { "fields": {} }],
        "campaigns": [on_form("Alert", json!([{ "send_alert": "Hot lead" }]))],
        "systems": { "crm": { "push_latency": { "fixed": 0 }, "sync_interval": 60_000 } },
        "script": [fill("Alert", 1, 0), fill("Alert", 2, 0)],
    }));
    let mut recipients: Vec<(u32, String)> = (d.events("alert-sent").iter())
        .map(|e| match e.kind {
            EventKind::AlertSent { recipient, .. } => (e.person.unwrap() + 1, d.show(recipient)),
            _ => unreachable!(),
        })
        .collect();
    recipients.sort();
    assert_eq!(
        recipients,
        vec![(1, "Bob".to_string()), (2, "(empty)".to_string())]
    );
}

#[test]
fn batch_send_email_deduplicates_by_address_per_batch_run_trigger_sends_do_not() {
    let d = run_json(json!({
        "fields": text_fields(&["email"]),
        "people": [
            { "fields": { "email": "same@x.com" } }, { "fields": { "email": "same@x.com" } },
            { "fields": { "email": "other@x.com" } }, { "fields": {} }, { "fields": {} },
        ],
        "campaigns": [
            { "name": "Newsletter", "schedule": { "at": 0, "every": 60_000 },
              "qualification": "every_time", "flow": [{ "send_email": "News" }] },
            on_form("Welcome", json!([{ "send_email": "Welcome" }])),
        ],
        "script": [fill("Welcome", 1, 0), fill("Welcome", 2, 0)],
        "horizon": 100_000,
    }));
    let to = |email: &str| -> Vec<u32> {
        let mut v: Vec<u32> = (d.emails().into_iter())
            .filter(|e| e.2 == email)
            .map(|e| e.1)
            .collect();
        v.sort();
        v
    };
    // Two batch runs; in each, person 2 shares person 1's address and is skipped. People
    // without an address are not de-duplicated against each other.
    assert_eq!(to("News"), vec![1, 1, 3, 3, 4, 4, 5, 5]);
    let skipped: Vec<u32> = (d.events("email-deduplicated").iter())
        .map(|e| e.person.unwrap() + 1)
        .collect();
    assert_eq!(skipped, vec![2, 2]);
    assert_eq!(
        to("Welcome"),
        vec![1, 2],
        "trigger sends are not de-duplicated"
    );
}

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
    assert_eq!(d.state.kv.get("k:1"), Some(&KvEntry::Value(done)));
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
    let keys: Vec<(&str, &KvEntry)> = d.state.kv.iter().map(|(k, v)| (k.as_str(), v)).collect();
    assert_eq!(
        keys,
        vec![("claim:a@x.com", &mine), ("claim:c@x.com", &mine)]
    );
}

#[test]
fn list_entry_keys_make_each_entry_claimable_once() {
    let drain = |name: &str, hook: &str| {
        json!({ "name": name, "qualification": "every_time",
                "smart_list": { "triggers": [{ "added_to_list": "Q" }] },
                "flow": [{ "call_webhook": hook }, { "remove_from_list": "Q" }] })
    };
    let claim = |name: &str, field: &str| {
        json!({ "name": name, "latency": { "fixed": 200 },
                "service": { "key_value": { "cas": { "key": "c:{person}:{list_entry:Q}", "expected": null, "new": "x" } } },
                "response_mappings": { "ok": field } })
    };
    let d = run_json(json!({
        "fields": [{ "name": "won_a", "type": "bool" }, { "name": "won_b", "type": "bool" }],
        "people": [{ "count": 1 }],
        "lists": ["Q"],
        "campaigns": [drain("Drain A", "Claim A"), drain("Drain B", "Claim B")],
        "systems": { "webhooks": [claim("Claim A", "won_a"), claim("Claim B", "won_b")] },
        "script": [
            outside(json!({ "add_to_list": "Q" }), 1, 0),
            outside(json!({ "add_to_list": "Q" }), 1, 10_000),
        ],
    }));
    let keys: Vec<&str> = d.state.kv.keys().map(|k| k.as_str()).collect();
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
    assert_eq!(d.state.kv.get("stack"), Some(&KvEntry::Stack(vec![])));
}

#[test]
fn a_pop_whose_response_times_out_loses_the_item() {
    let d = run_json(stack_scenario(100_000));
    // Both pops time out; the first one still took the item: nobody has it now.
    assert_eq!(d.events("webhook-timed-out").len(), 2);
    assert_eq!(served_ok(&d), vec![true, true, false]);
    assert_eq!(d.value(2, "got"), "(empty)");
    assert_eq!(d.state.kv.get("stack"), Some(&KvEntry::Stack(vec![])));
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
            outside(json!({ "change_data_value": { "field": "region", "value": "US" } }), 1, 1000),
            fill("Sync", 1, 100_000),
        ],
        "horizon": 200_000,
    }));
    // An empty script answers every choice with its minimum: the sync cycle runs at 0, 60 s, …
    let d = run_with(&s, &mut ScriptedChooser::new(vec![]));
    assert_eq!(d.times("crm-pushed", 1), vec![100, 100_100]);
    let received: Vec<(u64, EventKind)> = (d.events_of("crm-received", 1).iter())
        .map(|e| (e.time, e.kind.clone()))
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
            outside(json!({ "change_data_value": { "field": "owner", "value": "Zed" } }), 1, 10_000),
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

// ---- edge cases ------------------------------------------------------------------------

#[test]
fn executing_a_campaign_with_an_empty_flow_returns_to_the_caller() {
    let d = run_json(json!({
        "fields": text_fields(&["marker"]),
        "people": [{ "count": 1 }],
        "campaigns": [
            on_form("Caller", json!([{ "execute_campaign": "Empty" }, cdv("marker", "after")])),
            { "name": "Empty", "flow": [] },
        ],
        "script": [fill("Caller", 1, 0)],
    }));
    assert_eq!(d.times("executed-campaign", 1), vec![100]);
    assert_eq!(d.changes(1, "marker"), vec![(200, "after".to_string())]);
}

#[test]
fn the_trigger_delay_postpones_only_the_first_step() {
    let d = run_json(json!({
        "fields": text_fields(&["f"]),
        "people": [{ "count": 1 }],
        "campaigns": [on_form("Two Steps", json!([cdv("f", "a"), cdv("f", "b")]))],
        "systems": { "queue": { "trigger_delay": { "fixed": 5000 } } },
        "script": [fill("Two Steps", 1, 0)],
    }));
    assert_eq!(d.qualified_times("Two Steps"), vec![0]);
    assert_eq!(
        d.changes(1, "f"),
        vec![(5100, "a".to_string()), (5200, "b".to_string())]
    );
}

// ---- variants ------------------------------------------------------------------------------

#[test]
fn a_variant_replaces_adds_and_deactivates_campaigns_and_sets_knobs() {
    let s = scenario(json!({
        "knobs": [{ "name": "n", "unit": "count", "default": 1, "min": 1, "max": 5 }],
        "people": [{ "count": "n" }],
        "campaigns": [
            on_form("Go", json!([{ "send_email": "A" }])),
            { "name": "Also", "smart_list": { "triggers": [{ "fills_out_form": { "form": "Go" } }] },
              "flow": [{ "send_email": "B" }] },
        ],
        "variants": [{ "name": "other", "knobs": { "n": 2 }, "deactivate": ["Also"],
            "campaigns": [
                on_form("Go", json!([{ "send_email": "A2" }])),
                { "name": "New", "smart_list": { "triggers": [{ "fills_out_form": { "form": "Go" } }] },
                  "flow": [{ "send_email": "C" }] },
            ] }],
        "script": [{ "at": { "fixed": 0 }, "people": "all", "event": { "fills_out_form": "Go" } }],
    }));
    let emails = |config: &RunConfig| -> Vec<(u32, String)> {
        let d = run_config(&s, config, &mut racelab::engine::SeededChooser::new(1));
        let mut v: Vec<(u32, String)> = d.emails().into_iter().map(|e| (e.1, e.2)).collect();
        v.sort();
        v
    };
    let pairs = |v: &[(u32, &str)]| -> Vec<(u32, String)> {
        v.iter().map(|(p, e)| (*p, e.to_string())).collect()
    };
    assert_eq!(emails(&RunConfig::default()), pairs(&[(1, "A"), (1, "B")]));
    let mut config = RunConfig {
        variant: Some("other".into()),
        ..RunConfig::default()
    };
    let want = pairs(&[(1, "A2"), (1, "C"), (2, "A2"), (2, "C")]);
    assert_eq!(emails(&config), want);
    // A knob given for the run wins over the variant's.
    config.knobs.insert("n".into(), 1);
    assert_eq!(emails(&config), pairs(&[(1, "A2"), (1, "C")]));
}
