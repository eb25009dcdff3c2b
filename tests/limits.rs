//! The limits of one run (docs/limits.md): a run's size is estimated before it starts and a
//! run over a limit is refused with a message that names the limit and the knob to lower;
//! the estimate stays within its stated factor of the real event count; each size a file
//! or link can drive is bounded with a message of its own.
// Each case's wall time is measured: no case may take 10 s (the brief of these tests).
#![allow(clippy::disallowed_methods)]

use crate::common::cli::{fails, temp_file};
use crate::common::{scenario, text_fields};
use racelab::codec::{self, LinkError, MAX_TIME_MS};
use racelab::engine::bounds::{self, Estimate, Over, ESTIMATE_FACTOR, ESTIMATE_SLACK};
use racelab::engine::model::limits;
use racelab::engine::{compile, RunConfig, RunError, SeededChooser, Sim};
use racelab::spec::{RunSpec, ScenarioSource, Tab, View};
use serde_json::{json, Value as Json};

/// `list-queue` with its People queued knob allowed up to 100,000 (its range stops at
/// 20,000 so that every value in range fits).
fn list_queue_with_people_up_to_100000() -> String {
    let mut s: Json =
        serde_json::from_str(racelab::scenarios::source("list-queue").unwrap()).unwrap();
    let knobs = s["knobs"].as_array_mut().unwrap();
    let people = knobs.iter_mut().find(|k| k["name"] == "people").unwrap();
    people["max"] = json!(100_000);
    s.to_string()
}

fn config(variant: &str, knobs: &[(&str, i64)]) -> RunConfig {
    RunConfig {
        variant: Some(variant.into()),
        knobs: knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..RunConfig::default()
    }
}

/// The number after `to ` in "Lower People queued (now 100,000) to 22,000 or less."
fn suggested(message: &str) -> i64 {
    let after = message.split(") to ").nth(1).expect("a suggested value");
    let digits: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    digits.parse().expect("a number")
}

#[test]
fn a_run_too_large_is_refused_before_it_starts_with_the_knob_to_lower() {
    let text = list_queue_with_people_up_to_100000();
    let s = racelab::scenarios::parse(&text).unwrap();
    let err = compile(&s, &config("fenced", &[("people", 100_000)]))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("This run would have about "), "{err}");
    assert!(
        err.contains("million events; the browser can hold 5 million."),
        "{err}"
    );
    assert!(
        err.contains("Lower People queued (now 100,000) to "),
        "{err}"
    );
    assert!(err.ends_with(" or less."), "{err}");
    // The suggestion is right: that many people fit, and the run under it stays in bounds.
    let ok = suggested(&err);
    assert!((1_000..100_000).contains(&ok), "{err}");
    let model = compile(&s, &config("fenced", &[("people", ok)])).expect("the suggestion fits");
    let est = bounds::estimate(&model);
    assert!(est.over().is_none(), "{est:?}");
    // Twice as many does not.
    assert!(compile(&s, &config("fenced", &[("people", ok * 2)])).is_err());

    // The front ends' door says the same before any run starts.
    let api_err = racelab::api::run_size(&s, &config("fenced", &[("people", 100_000)]));
    assert_eq!(api_err, Err(err.clone()));
    let size = racelab::api::run_size(&s, &config("fenced", &[("people", ok)])).unwrap();
    assert!(size.events <= bounds::MAX_EVENTS as u64 && size.bytes <= bounds::MAX_RUN_BYTES);

    // The command line says the same and exits with code 2.
    let file = temp_file("limits-people.json", &text);
    let file = file.to_str().unwrap();
    let args = ["run", file, "--variant", "fenced", "--set", "people=100000"];
    let stderr = fails(&args);
    assert!(
        stderr.contains("Lower People queued (now 100,000) to "),
        "{stderr}"
    );
}

#[test]
fn a_run_no_knob_can_shrink_says_what_to_change_in_the_scenario() {
    // A request loop at the highest cap (1,000 requests per person), with no knobs at all.
    let ping = |name: &str, other: &str| {
        json!({ "name": name, "qualification": "every_time",
                "smart_list": { "triggers": [{ "campaign_is_requested": {} }] },
                "flow": [{ "request_campaign": other }] })
    };
    let s = scenario(json!({
        "people": [{ "count": 5000 }],
        "campaigns": [ping("Ping", "Pong"), ping("Pong", "Ping")],
        "systems": { "queue": { "request_cap": 1000 } },
        "script": [{ "at": { "fixed": 0 }, "people": "all",
                     "event": { "request_campaign": "Ping" } }],
    }));
    let err = compile(&s, &RunConfig::default()).unwrap_err().to_string();
    assert!(err.starts_with("This run would have about "), "{err}");
    assert!(err.contains("No knob brings it within the limit"), "{err}");
    assert!(err.contains("fewer people"), "{err}");
}

#[test]
fn the_memory_limit_has_its_own_message() {
    let est = Estimate {
        events: 1_000,
        bytes: 3 << 30,
    };
    assert_eq!(est.over(), Some(Over::Memory));
    let text = est.describe(Over::Memory);
    assert_eq!(
        text,
        "This run would need about 3.0 GB of memory; the browser can give a run 1.0 GB."
    );
    let est = Estimate {
        events: 12_000_000,
        bytes: 1,
    };
    assert_eq!(est.over(), Some(Over::Events));
    assert_eq!(
        est.describe(Over::Events),
        "This run would have about 12 million events; the browser can hold 5 million."
    );
    assert_eq!(bounds::about(1_230_000), "1.3 million");
    assert_eq!(bounds::about(340_000), "340,000");
    assert_eq!(bounds::MAX_EVENTS, 5_000_000);
    assert_eq!(bounds::MAX_RUN_BYTES, 1 << 30);
}

#[test]
fn the_event_limit_still_stops_a_run_and_says_so_in_plain_words() {
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let model = compile(&s, &config("naive", &[])).unwrap();
    let err = Sim::new(&model)
        .with_event_limit(10)
        .run(&mut SeededChooser::new(1))
        .unwrap_err();
    assert_eq!(err, RunError::TooManyEvents(10));
    let text = err.to_string();
    assert!(text.starts_with("This run passed 10 events"), "{text}");
    assert!(!text.contains("TooManyEvents"), "{text}");
}

#[test]
fn the_estimate_is_within_its_factor_at_defaults() {
    // Every knob at its minimum and maximum is checked in `fuzz::every_knob_of_every_variant`.
    for id in racelab::scenarios::ids() {
        let s = racelab::scenarios::builtin(id).unwrap();
        for v in &s.variants {
            let model = compile(&s, &config(&v.name, &[])).unwrap();
            let est = bounds::estimate(&model).events;
            let mut sim = Sim::new(&model);
            sim.run(&mut SeededChooser::new(0)).unwrap();
            let real = sim.trace.len() as u64;
            assert!(
                real <= 2 * est,
                "{id}/{}: {real} events, estimate {est}",
                v.name
            );
            assert!(
                est <= ESTIMATE_FACTOR * real + ESTIMATE_SLACK,
                "{id}/{}: {real} events, estimate {est}",
                v.name
            );
        }
    }
}

fn spec_with_view(start: u64, end: u64, playhead: u64) -> RunSpec {
    RunSpec {
        scenario: ScenarioSource::Builtin("list-queue".into()),
        variant: "naive".into(),
        compare: None,
        knobs: Default::default(),
        seed: 1,
        injections: vec![],
        schedule: vec![],
        view: View {
            tab: Tab::Run,
            playhead_ms: playhead,
            window_start_ms: start,
            window_end_ms: end,
            person: None,
            event: None,
            presentation: false,
            lesson: None,
        },
    }
}

#[test]
fn link_times_past_the_limit_are_refused_with_a_message_not_a_freeze() {
    let cases = [
        (spec_with_view(0, u64::MAX, 0), "view window end"),
        (spec_with_view(0, 1000, u64::MAX), "view playhead"),
        (
            spec_with_view(MAX_TIME_MS + 1, u64::MAX, 0),
            "view window start",
        ),
        (spec_with_view(5000, 1000, 0), "view window"),
    ];
    for (spec, field) in cases {
        let link = codec::encode(&spec);
        match codec::decode(&link) {
            Err(e @ LinkError::Invalid { .. }) => {
                let text = e.to_string();
                assert!(text.contains(field), "{text}");
                assert!(
                    text.contains("days") || text.contains("ends before it starts"),
                    "{text}"
                );
                let stderr = fails(&["run", "--link", &link]);
                assert!(stderr.contains(field), "{stderr}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // The largest time and a whole window still open.
    let spec = spec_with_view(0, MAX_TIME_MS, MAX_TIME_MS);
    assert_eq!(codec::decode(&codec::encode(&spec)), Ok(spec));
}

/// A scenario of `people` people with one text field whose template is `text`.
fn people_with_text(people: usize, text: &str) -> Json {
    json!({
        "fields": text_fields(&["note"]),
        "people": [{ "count": people, "fields": { "note": text } }],
    })
}

#[test]
fn person_text_templates_are_bounded_before_they_expand() {
    let cases = [
        // One person's text after {n} is filled in.
        (
            people_with_text(100_000, &"{n}".repeat(2_000)),
            "at most 4096",
        ),
        // Everyone's texts together.
        (
            people_with_text(100_000, &"x".repeat(1_000)),
            "add up to more than 64 MB",
        ),
    ];
    for (j, why) in cases {
        let s = scenario(j);
        let t = std::time::Instant::now();
        let err = compile(&s, &RunConfig::default()).unwrap_err().to_string();
        assert!(err.contains(why), "{err}");
        assert!(
            err.contains("field `note`") || err.contains("people"),
            "{err}"
        );
        assert!(t.elapsed().as_secs() < 2, "refused before the work");
    }
    // Within the limits, {n} still numbers the people.
    let s = scenario(people_with_text(3, "lead-{n}"));
    assert!(compile(&s, &RunConfig::default()).is_ok());
}

#[test]
fn fields_and_people_times_fields_are_bounded() {
    let names: Vec<String> = (0..=limits::MAX_FIELDS).map(|i| format!("f{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let s = scenario(json!({ "fields": text_fields(&refs), "people": [{ "count": 1 }] }));
    let err = compile(&s, &RunConfig::default()).unwrap_err().to_string();
    assert!(err.contains("1001 person fields: at most 1000"), "{err}");

    let s = scenario(json!({
        "fields": text_fields(&refs[..500]),
        "people": [{ "count": 100_000 }],
    }));
    let err = compile(&s, &RunConfig::default()).unwrap_err().to_string();
    assert!(err.contains("100000 people with 500 fields"), "{err}");
}

#[test]
fn a_scenario_text_over_the_limit_is_refused_before_it_is_read() {
    let text = format!("{{\"id\": \"{}\"}}", "x".repeat(limits::MAX_SCENARIO_BYTES));
    let err = racelab::scenarios::parse(&text).unwrap_err().to_string();
    assert!(
        err.contains("the scenario is 17 MB of text: at most 16 MB"),
        "{err}"
    );
}
