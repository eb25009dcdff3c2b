//! Hostile input is refused with a message, never a crash: a scenario file or a share link
//! whose sizes would drive the engine past the stack or memory gets a clear refusal (exit
//! code 2 on the command line) before any work starts.

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
