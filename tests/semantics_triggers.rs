//! Rules of the simulated campaign engine (see the team's domain.md §1) about who enters
//! a campaign: triggers, filters and smart-list logic, and program statuses.
//!
//! Every scenario is small and uses fixed delays, so the expected times follow from the
//! rules (one worker, 100 ms per step unless stated).

use crate::common::*;
use racelab::engine::trace::{Actor, EventKind};
use racelab::engine::{RunConfig, SeededChooser};
use serde_json::{json, Value as Json};

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort();
    v
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
    let change = |v: &str, at: u64| outside(cdv("stage", v), 1, at);
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
        .map(|e| (e.time, e.kind))
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
            outside(cdv("score", 42), 1, 1000),
        ],
    }));
    // +5 at 100 fires; +0 changes nothing; `other` is another score; the import at 1000 fires.
    assert_eq!(d.qualified_times("Score Watch"), vec![100, 1000]);
    assert_eq!(d.value(1, "score"), "42");
    assert_eq!(d.value(1, "other"), "3");
}

#[test]
fn change_score_with_set_makes_the_score_that_number_and_needs_one_of_change_or_set() {
    let set = |n: i64| json!({ "change_score": { "field": "score", "set": n } });
    let add = |n: i64| json!({ "change_score": { "field": "score", "change": n } });
    let d = run_json(json!({
        "fields": [{ "name": "score", "type": "number" }],
        "people": [{ "count": 1, "fields": { "score": 130 } }],
        "campaigns": [on_form("Reset", json!([add(10), set(0), set(0), add(-5)]))],
        "script": [fill("Reset", 1, 0)],
    }));
    // 130 +10 = 140 (at 100), =0 (at 200), =0 again is no change, -5 (at 400).
    let changes: Vec<(u64, String)> = (d.events("field-changed").into_iter())
        .map(|e| match e.kind {
            EventKind::FieldChanged { new, .. } => (e.time, d.show(new)),
            _ => unreachable!(),
        })
        .collect();
    let want = [(100, "140"), (200, "0"), (400, "-5")].map(|(t, v)| (t, v.to_string()));
    assert_eq!(changes, want);
    for both in [
        json!({ "field": "score" }),
        json!({ "field": "score", "change": 1, "set": 0 }),
    ] {
        let err = compile_error(json!({
            "fields": [{ "name": "score", "type": "number" }],
            "campaigns": [on_form("Reset", json!([{ "change_score": both }]))],
        }));
        assert!(
            err.contains("either `change` (+5, -5) or `set` (=5)"),
            "{err}"
        );
    }
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
        .map(|e| e.kind)
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

#[test]
fn status_never_moves_catches_a_sideways_move_between_statuses_that_share_a_step() {
    let status =
        |s: &str| json!({ "change_program_status": { "program": "Lead Scoring", "status": s } });
    let d = run_json(json!({
        "people": [{ "count": 1 }],
        "programs": [{ "name": "Lead Scoring", "channel": "Operational", "statuses": [
            { "name": "Scoring", "step": 1 }, { "name": "Reached Threshold", "step": 1 },
            { "name": "Recycled - Holding", "step": 1 } ] }],
        "campaigns": [on_form("Moves", json!([
            status("Reached Threshold"), status("Recycled - Holding"), status("Reached Threshold"),
            status("Recycled - Holding"), status("Scoring"), status("Reached Threshold")
        ]))],
        "invariants": [{ "status_never_moves": { "program": "Lead Scoring",
            "from": "Recycled - Holding", "to": "Reached Threshold" } }],
        "script": [fill("Moves", 1, 0)],
    }));
    // Every move is allowed (one step number), but only the third leaves the holding status
    // for "Reached Threshold"; the last one comes from "Scoring".
    let changes = d.trace.iter().filter(|e| e.kind.name() == "status-changed");
    assert_eq!(changes.count(), 6);
    let v = &d.out.violations;
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].invariant, "status-never-moves");
    assert_eq!(v[0].time_ms, 300);
    assert_eq!(v[0].person, Some(1));
    assert_eq!(
        v[0].message,
        "person 1 moved from \"Recycled - Holding\" to \"Reached Threshold\" in program \"Lead Scoring\""
    );
    let unknown = compile_error(json!({
        "programs": [{ "name": "P", "channel": "c", "statuses": [{ "name": "A", "step": 1 }] }],
        "invariants": [{ "status_never_moves": { "program": "P", "from": "A", "to": "B" } }],
    }));
    assert!(
        unknown.contains("invariant 1") && unknown.contains("`B`"),
        "{unknown}"
    );
}

#[test]
fn a_variant_replaces_a_program_and_its_step_numbers_decide_what_is_refused() {
    let status =
        |s: &str| json!({ "change_program_status": { "program": "Scoring", "status": s } });
    let program = |held: u32| {
        json!({ "name": "Scoring", "channel": "Operational", "statuses": [
        { "name": "Scoring", "step": 1 }, { "name": "Holding", "step": held } ] })
    };
    let s = scenario(json!({
        "people": [{ "count": 1 }],
        "programs": [program(1)],
        "campaigns": [on_form("Cycle", json!([status("Holding"), status("Scoring")]))],
        "script": [fill("Cycle", 1, 0)],
        "variants": [{ "name": "numbered", "programs": [program(2)] }],
    }));
    let names = |d: &Done| -> Vec<&'static str> {
        (d.trace.iter())
            .filter(|e| e.kind.name().starts_with("status-"))
            .map(|e| e.kind.name())
            .collect()
    };
    let shared = run(&s, 1);
    assert_eq!(names(&shared), ["status-changed", "status-changed"]);
    let config = RunConfig {
        variant: Some("numbered".into()),
        ..RunConfig::default()
    };
    let numbered = run_config(&s, &config, &mut SeededChooser::new(1));
    assert_eq!(names(&numbered), ["status-changed", "status-refused"]);
}
