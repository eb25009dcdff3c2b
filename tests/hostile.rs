//! Hostile input is refused with a message, never a crash: a scenario file or a share link
//! whose sizes would drive the engine past the stack or memory gets a clear refusal (exit
//! code 2 on the command line) before any work starts.
// Each case's wall time is measured: no case may take 10 s (the brief of these tests).
#![allow(clippy::disallowed_methods)]

use crate::common::cli::{fails, temp_file};
use racelab::engine::logic::MAX_LOGIC_DEPTH;
use serde_json::Value as Json;

/// `list-queue` with its first campaign's smart-list logic replaced by `logic`.
fn with_logic(logic: &str) -> String {
    let mut scenario: Json =
        serde_json::from_str(racelab::scenarios::source("list-queue").unwrap()).unwrap();
    let campaigns = scenario["campaigns"].as_array_mut().unwrap();
    let drain = (campaigns.iter_mut())
        .find(|c| c["name"] == "Drain Queue (hourly)")
        .unwrap();
    drain["smart_list"]["logic"] = Json::String(logic.to_string());
    scenario.to_string()
}

#[test]
fn deeply_nested_filter_logic_is_refused_not_a_stack_overflow() {
    let cases = [
        (
            "deep-parens",
            format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000)),
            "too long",
        ),
        (
            "deep-nots",
            format!("{}1", "not ".repeat(MAX_LOGIC_DEPTH + 1)),
            "too deep",
        ),
    ];
    for (name, logic, why) in cases {
        let file = temp_file(&format!("{name}.json"), &with_logic(&logic));
        let stderr = fails(&["run", file.to_str().unwrap()]);
        assert!(stderr.contains("filter logic"), "{name}: {stderr}");
        assert!(stderr.contains(why), "{name}: {stderr}");
        assert!(
            stderr.contains("Drain Queue"),
            "{name} names the campaign: {stderr}"
        );
    }
}

/// A small scenario around `campaigns`, `people` and `script`, as a file's text.
fn file_with(campaigns: Json, people: Json, script: Json, request_cap: u64) -> String {
    serde_json::json!({
        "id": "hostile", "title": "hostile", "horizon": 86_400_000,
        "fields": [{ "name": "note", "type": "text" }],
        "people": people,
        "systems": { "queue": { "trigger_workers": 1, "batch_workers": 1,
            "step_time": { "fixed": 100 }, "trigger_delay": { "fixed": 0 },
            "request_cap": request_cap } },
        "campaigns": campaigns,
        "script": script,
    })
    .to_string()
}

/// Runs the CLI on `text` as a file; it must refuse within two seconds. Returns stderr.
fn refused_quickly(name: &str, text: &str) -> String {
    let file = temp_file(&format!("{name}.json"), text);
    let start = std::time::Instant::now();
    let stderr = fails(&["run", file.to_str().unwrap()]);
    assert!(
        start.elapsed().as_secs() < 2,
        "{name}: {:?}",
        start.elapsed()
    );
    stderr
}

#[test]
fn json_nested_past_any_scenario_is_refused_not_a_stack_overflow() {
    for depth in [200, 100_000] {
        let text = format!("{{\"id\": {}1{}}}", "[".repeat(depth), "]".repeat(depth));
        let stderr = refused_quickly(&format!("deep-json-{depth}"), &text);
        assert!(stderr.contains("recursion limit"), "{stderr}");
    }
}

#[test]
fn a_request_campaign_loop_is_bounded_before_it_runs() {
    let ping = |name: &str, other: &str| {
        serde_json::json!({ "name": name, "qualification": "every_time",
            "smart_list": { "triggers": [{ "campaign_is_requested": {} }] },
            "flow": [{ "request_campaign": other }] })
    };
    let all = serde_json::json!([{ "at": { "fixed": 0 }, "people": "all",
        "event": { "request_campaign": "Ping" } }]);
    let campaigns = serde_json::json!([ping("Ping", "Pong"), ping("Pong", "Ping")]);
    let text = file_with(
        campaigns,
        serde_json::json!([{ "count": 100_000 }]),
        all,
        1000,
    );
    let stderr = refused_quickly("request-loop", &text);
    assert!(stderr.contains("This run would have about"), "{stderr}");
    assert!(
        stderr.contains("the browser can hold 5 million"),
        "{stderr}"
    );
}

#[test]
fn a_text_template_that_expands_per_person_is_refused_before_it_grows() {
    let people = serde_json::json!([{ "count": 100_000,
        "fields": { "note": "{n}".repeat(50_000) } }]);
    let text = file_with(serde_json::json!([]), people, serde_json::json!([]), 100);
    let stderr = refused_quickly("template", &text);
    assert!(stderr.contains("field `note`"), "{stderr}");
    assert!(stderr.contains("at most 4096"), "{stderr}");
}
