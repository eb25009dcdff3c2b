//! Validation: every mistake a scenario author can make is refused with a message that names
//! the problem and where it is; limits are enforced; a runaway run stops at the event limit.

use crate::common;

use common::*;
use racelab::engine::scenario::from_value;
use racelab::engine::{
    compile, validate, Place, RunConfig, RunError, Scenario, SeededChooser, Sim,
};
use racelab::scenarios::parse;
use serde_json::{json, Value as Json};

/// A valid scenario that every test breaks in one place.
fn base() -> Json {
    json!({
        "fields": [{ "name": "email", "type": "text" }, { "name": "score", "type": "number" }],
        "people": [{ "count": 2 }],
        "lists": ["L"],
        "programs": [{ "name": "P", "channel": "webinar",
                       "statuses": [{ "name": "Invited", "step": 10 }, { "name": "Attended", "step": 20 }] }],
        "knobs": [
            { "name": "wait_min", "unit": "minutes", "default": 5, "min": 0, "max": 60 },
            { "name": "n", "unit": "count", "default": 2, "min": 1, "max": 10 }
        ],
        "campaigns": [on_form("A", json!([{ "send_email": "Hi" }]))],
        "systems": { "webhooks": [{ "name": "W", "latency": { "fixed": 10 }, "service": { "respond": {} } }] },
        "variants": [{ "name": "naive" }, { "name": "fixed" }],
    })
}

/// `base()` with campaign A's flow replaced by `flow`.
fn with_flow(flow: Json) -> Json {
    let mut j = base();
    j["campaigns"][0]["flow"] = flow;
    j
}

/// `base()` with `campaigns` added.
fn with_campaigns(extra: Json) -> Json {
    let mut j = base();
    let list = j["campaigns"].as_array_mut().unwrap();
    list.extend(extra.as_array().unwrap().iter().cloned());
    j
}

fn assert_mentions(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "error {err:?} should mention {p:?}");
    }
}

fn compile_with(j: Json, variant: Option<&str>, knobs: &[(&str, i64)]) -> Result<(), String> {
    let config = RunConfig {
        variant: variant.map(str::to_string),
        knobs: knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..RunConfig::default()
    };
    compile(&scenario(j), &config)
        .map(|_| ())
        .map_err(String::from)
}

#[test]
fn the_base_scenario_is_valid() {
    compile_with(base(), None, &[]).unwrap();
    validate(&scenario(base())).unwrap();
}

#[test]
fn unknown_references_are_named_with_their_place() {
    let cases: Vec<(Json, Vec<&str>)> = vec![
        (
            json!([{ "change_data_value": { "field": "nope", "value": 1 } }]),
            vec![
                "campaign `A`",
                "flow step 1",
                "unknown field `nope`",
                "email",
            ],
        ),
        (
            json!([{ "add_to_list": "Ghost List" }]),
            vec!["unknown list `Ghost List`"],
        ),
        (
            json!([{ "request_campaign": "Ghost" }]),
            vec!["unknown campaign `Ghost`"],
        ),
        (
            json!([{ "change_program_status": { "program": "Q", "status": "Invited" } }]),
            vec!["unknown program `Q`"],
        ),
        (
            json!([{ "change_program_status": { "program": "P", "status": "Bogus" } }]),
            vec!["program `P`", "no status `Bogus`"],
        ),
        (
            json!([{ "call_webhook": "Nope" }]),
            vec!["unknown webhook `Nope`"],
        ),
        (
            json!([{ "wait": { "fixed": "no_such_knob" } }]),
            vec!["unknown knob `no_such_knob`"],
        ),
    ];
    for (flow, parts) in cases {
        let err = compile_with(with_flow(flow), None, &[]).unwrap_err();
        assert_mentions(&err, &parts);
    }
}

#[test]
fn unknown_references_in_smart_lists_and_invariants() {
    let mut j = base();
    j["campaigns"][0]["smart_list"]["filters"] =
        json!([{ "member_of_campaign": { "campaign": "Nobody", "member": true } }]);
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(
        &err,
        &["campaign `A`", "filter 1", "unknown campaign `Nobody`"],
    );

    let mut j = base();
    j["invariants"] = json!([{ "one_email_per_entry": { "list": "Missing", "email": "Hi" } }]);
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["invariant 1", "unknown list `Missing`"]);
}

#[test]
fn unknown_variant_lists_the_known_ones() {
    let err = compile_with(base(), Some("clever"), &[]).unwrap_err();
    assert_mentions(&err, &["unknown variant `clever`", "naive", "fixed"]);
}

#[test]
fn a_bad_variant_is_reported_by_validate_with_its_name() {
    let mut j = base();
    j["variants"] = json!([{ "name": "broken", "deactivate": ["Ghost"] }]);
    compile_with(j.clone(), None, &[]).unwrap();
    let err = validate(&scenario(j)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "variant `broken`: variant `broken` deactivates unknown campaign `Ghost`"
    );
    // What is wrong, and where: checking variant `broken`, in what it changes.
    assert_eq!(
        err.place,
        [
            Place::Variant("broken".into()),
            Place::VariantChange("broken".into())
        ]
    );
    assert_eq!(err.what, "deactivates unknown campaign `Ghost`");
}

#[test]
fn a_compile_error_is_typed_with_its_place() {
    let err = compile(
        &scenario(with_flow(json!([{ "add_to_list": "Nowhere" }]))),
        &RunConfig::default(),
    )
    .unwrap_err();
    assert_eq!(err.place, [Place::Campaign("A".into()), Place::FlowStep(1)]);
    assert!(err.what.starts_with("unknown list `Nowhere`"), "{err}");
    assert!(
        err.to_string()
            .starts_with("campaign `A`: flow step 1: unknown list `Nowhere`"),
        "{err}"
    );
}

#[test]
fn knob_overrides_must_exist_and_be_in_range() {
    compile_with(base(), None, &[("wait_min", 60)]).unwrap();
    let err = compile_with(base(), None, &[("wait_min", 61)]).unwrap_err();
    assert_mentions(&err, &["knob `wait_min`", "61", "0..=60"]);
    let err = compile_with(base(), None, &[("zzz", 1)]).unwrap_err();
    assert_mentions(&err, &["unknown knob `zzz`", "wait_min"]);
}

#[test]
fn a_count_knob_cannot_be_a_duration() {
    let err =
        compile_with(with_flow(json!([{ "wait": { "fixed": "n" } }])), None, &[]).unwrap_err();
    assert_mentions(&err, &["knob `n`", "Count", "does not fit"]);
    // A duration knob is fine there.
    compile_with(
        with_flow(json!([{ "wait": { "fixed": "wait_min" } }])),
        None,
        &[],
    )
    .unwrap();
}

fn executes(name: &str, target: Option<&str>) -> Json {
    let flow = match target {
        Some(t) => json!([{ "execute_campaign": t }]),
        None => json!(["do_nothing"]),
    };
    json!({ "name": name, "flow": flow })
}

#[test]
fn execute_campaign_nests_at_most_three_deep() {
    let chain = |names: &[&str]| -> Json {
        let v: Vec<Json> = (0..names.len())
            .map(|i| executes(names[i], names.get(i + 1).copied()))
            .collect();
        with_campaigns(Json::Array(v))
    };
    // B → C → D → E is three levels of Execute Campaign: allowed.
    compile_with(chain(&["B", "C", "D", "E"]), None, &[]).unwrap();
    let err = compile_with(chain(&["B", "C", "D", "E", "F"]), None, &[]).unwrap_err();
    assert_mentions(
        &err,
        &[
            "campaign `B`",
            "flow step 1",
            "4 levels deep",
            "at most 3 levels",
        ],
    );
}

#[test]
fn an_execute_loop_is_refused() {
    let j = with_campaigns(json!([executes("B", Some("C")), executes("C", Some("B"))]));
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["Execute Campaign", "loop"]);
    let j = with_campaigns(json!([executes("Self", Some("Self"))]));
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["`Self`", "loop"]);
}

#[test]
fn an_executed_campaign_cannot_wait_or_call_a_webhook() {
    for step in [
        json!({ "wait": { "fixed": 1000 } }),
        json!({ "call_webhook": "W" }),
    ] {
        let j = with_campaigns(json!([
            executes("Caller", Some("Sub")),
            { "name": "Sub", "flow": [step] },
        ]));
        let err = compile_with(j, None, &[]).unwrap_err();
        assert_mentions(
            &err,
            &[
                "campaign `Sub`",
                "flow step 1",
                "run by Execute Campaign (from `Caller`)",
                "never allows Wait or Call Webhook",
            ],
        );
    }
}

#[test]
fn a_batch_campaign_cannot_have_triggers() {
    let j = with_campaigns(json!([{ "name": "Batch", "schedule": { "at": 0 },
        "smart_list": { "triggers": ["person_is_created"] }, "flow": ["do_nothing"] }]));
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(
        &err,
        &["campaign `Batch`", "batch campaign cannot have triggers"],
    );
}

#[test]
fn bad_filter_logic_is_explained() {
    let is = json!({ "field": { "field": "email", "test": "is_empty" } });
    for (logic, says) in [
        ("1 and 4", "filter 4 does not exist"),
        ("(1 or 2", "`)`"),
        ("1 ; 2", "unexpected character `;`"),
        ("1 and", "ends too early"),
        ("1 2", "unexpected `2`"),
    ] {
        let mut j = base();
        j["campaigns"][0]["smart_list"]["filters"] = json!([is, is, is]);
        j["campaigns"][0]["smart_list"]["logic"] = json!(logic);
        let err = compile_with(j, None, &[]).unwrap_err();
        assert_mentions(&err, &["campaign `A`", says]);
    }
}

#[test]
fn at_most_100000_people() {
    let mut j = base();
    j["people"] = json!([{ "count": 60_000 }, { "count": 40_000 }]);
    compile_with(j.clone(), None, &[]).unwrap();
    j["people"][1]["count"] = json!(40_001);
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["too many people", "100000"]);
}

#[test]
fn the_horizon_is_at_most_400_days() {
    const DAY: i64 = 86_400_000;
    let mut j = base();
    j["horizon"] = json!(400 * DAY);
    compile_with(j.clone(), None, &[]).unwrap();
    j["horizon"] = json!(400 * DAY + 1);
    let err = compile_with(j.clone(), None, &[]).unwrap_err();
    assert_mentions(&err, &["horizon", "400 days"]);
    j["horizon"] = json!(0);
    assert_mentions(&compile_with(j, None, &[]).unwrap_err(), &["horizon"]);
}

#[test]
fn a_batch_recurs_at_most_once_a_minute() {
    let batch = |every: i64| {
        with_campaigns(
            json!([{ "name": "Batch", "schedule": { "at": 0, "every": every },
                                "flow": ["do_nothing"] }]),
        )
    };
    compile_with(batch(60_000), None, &[]).unwrap();
    let err = compile_with(batch(59_999), None, &[]).unwrap_err();
    assert_mentions(&err, &["campaign `Batch`", "59999", "one minute"]);
}

#[test]
fn scripted_events_must_name_existing_people() {
    let mut j = base();
    j["script"] = json!([fill("A", 3, 0)]);
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["scripted event 1", "3..3", "has 2"]);
}

#[test]
fn malformed_json_is_refused_with_its_place() {
    let err = parse("{ \"id\": \"x\", ").unwrap_err().to_string();
    assert_mentions(&err, &["EOF while parsing", "line 1 column 13"]);
    let mut j = base();
    j["id"] = json!("x");
    j["title"] = json!("x");
    j["horizon"] = json!(1000);
    j["campaigns"][0]["flw"] = json!([]);
    let err = from_value::<Scenario>(&j).unwrap_err().to_string();
    assert_mentions(&err, &["campaigns[0].flw: unknown field `flw`"]);
    let err = from_value::<Scenario>(&json!({ "id": "x", "title": "x" }))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "missing field `horizon`");
    let err = from_value::<Scenario>(&json!({ "id": "x", "title": "x", "horizon": 1,
        "campaigns": [{ "name": "A", "flow": [{ "teleport": "Mars" }] }] }))
    .unwrap_err()
    .to_string();
    assert_mentions(&err, &["campaigns[0].flow[0]: unknown variant `teleport`"]);
}

#[test]
fn the_event_limit_stops_a_busy_run() {
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        ..RunConfig::default()
    };
    let model = compile(&s, &config).unwrap();
    let err = Sim::new(&model)
        .with_event_limit(100)
        .run(&mut SeededChooser::new(1))
        .unwrap_err();
    assert_eq!(err, RunError::TooManyEvents(100));
    assert!(err.to_string().contains("100 events"), "{err}");
    // Without the lowered limit the same run finishes.
    let out = Sim::new(&model).run(&mut SeededChooser::new(1)).unwrap();
    assert!(out.events > 100);
}

#[test]
fn duplicate_names_are_refused() {
    let j = with_campaigns(json!([on_form("A", json!(["do_nothing"]))]));
    assert_mentions(
        &compile_with(j, None, &[]).unwrap_err(),
        &["two campaigns", "`A`"],
    );
    let mut j = base();
    j["lists"] = json!(["L", "L"]);
    assert_mentions(
        &compile_with(j, None, &[]).unwrap_err(),
        &["two lists", "`L`"],
    );
}

#[test]
fn values_must_fit_their_field_type() {
    let mut j = base();
    j["people"] = json!([{ "fields": { "score": "lots" } }]);
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["people group 1", "field `score`", "lots"]);
    let flow = json!([{ "change_score": { "field": "email", "change": 5 } }]);
    let err = compile_with(with_flow(flow), None, &[]).unwrap_err();
    assert_mentions(&err, &["campaign `A`", "`email`", "not a number field"]);
}

#[test]
fn knob_declarations_and_the_scenario_id_are_checked() {
    let mut j = base();
    j["knobs"][0]["default"] = json!(61);
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["knob `wait_min`", "default 61"]);
    let mut j = base();
    j["id"] = json!("Not An Id");
    let err = compile_with(j, None, &[]).unwrap_err();
    assert_mentions(&err, &["scenario id `Not An Id`", "lowercase"]);
}
