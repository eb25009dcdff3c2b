#![cfg(not(target_arch = "wasm32"))]
//! The complete example in docs/scenario-format.md stays valid: it parses, validates, its naive
//! variant shows the race and its fix holds, and the CLI runs it from a file.

use racelab::engine::{validate, RunConfig, Scenario};

fn example_json() -> String {
    let doc = include_str!("../docs/scenario-format.md");
    let start = doc.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("closed");
    doc[start..end].to_string()
}

#[test]
fn the_documented_example_is_a_working_scenario() {
    let s: Scenario = racelab::scenarios::parse(&example_json()).expect("parses");
    validate(&s).expect("validates");
    let rate = |variant: &str| {
        let config = RunConfig {
            variant: Some(variant.into()),
            ..RunConfig::default()
        };
        racelab::api::sweep(&s, &config, 0, 300)
            .unwrap()
            .violation_rate
    };
    assert!(
        rate("naive") > 0.5,
        "the naive build routes before enrichment"
    );
    assert_eq!(rate("fixed"), 0.0, "the chained build never does");
}

#[test]
fn the_cli_runs_the_example_from_a_file() {
    let path =
        std::env::temp_dir().join(format!("racelab-doc-example-{}.json", std::process::id()));
    std::fs::write(&path, example_json()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args([
            "run",
            path.to_str().unwrap(),
            "--variant",
            "fixed",
            "--seed",
            "3",
        ])
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("trial-signup / fixed / seed 3") && text.contains("no violations"),
        "{text}"
    );
}
