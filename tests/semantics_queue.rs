//! Rules of the simulated campaign engine (see the team's domain.md §1) about when work
//! runs: the campaign queue and its priorities, batch snapshots and schedules,
//! qualification rules, long waits and the horizon.
//!
//! Every scenario is small and uses fixed delays, so the expected times follow from the
//! rules (one worker, 100 ms per step unless stated).

use crate::common::*;
use racelab::engine::trace::{Actor, EventKind};
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

// ---- the campaign queue ---------------------------------------------------------------

#[test]
fn one_trigger_worker_runs_ready_steps_by_priority_class_then_arrival() {
    // (campaign, flow, when its person fills out the form). "Blocker" keeps the only
    // worker busy until t=100; everything else is ready by then and waits.
    let plan: Vec<(&str, Json, u64)> = vec![
        ("Blocker", json!([cdv("f", "x")]), 0),
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
        ("Data", json!([cdv("f", "y")]), 45),
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
            batch("Blocker", 0, cdv("f", "x")),
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
    let d = run_json(json!({
        "fields": [{ "name": "f", "type": "text" }, { "name": "g", "type": "text" }],
        "campaigns": [
            on_form("Trigger", json!([cdv("f", "a"), cdv("f", "b")])),
            { "name": "Batch", "schedule": { "at": 0 },
              "smart_list": { "filters": [{ "field": { "field": "g", "test": { "is": ["go"] } } }] },
              "flow": [cdv("f", "batch")] },
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
    let change = |v: &str, at: u64| outside(cdv("stage", v), 1, at);
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
    let change = |v: &str, at: u64| outside(cdv("stage", v), 1, at);
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
