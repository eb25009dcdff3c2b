//! Rules of the simulated campaign engine (see the team's domain.md §1) about flows:
//! Request vs Execute Campaign, the request cap, choices, alerts, e-mail, the trigger delay
//! and variants.
//!
//! Every scenario is small and uses fixed delays, so the expected times follow from the
//! rules (one worker, 100 ms per step unless stated).

use crate::common::*;
use racelab::engine::trace::EventKind;
use racelab::engine::RunConfig;
use serde_json::{json, Value as Json};

// ---- Request Campaign vs Execute Campaign ---------------------------------------------------

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
            outside(cdv("tier", "gold"), 4, 500),
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
