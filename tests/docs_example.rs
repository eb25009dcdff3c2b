//! The complete example in docs/scenario-format.md stays valid: it parses, validates, its naive
//! variant shows the race and its fix holds, and the CLI runs it from a file.

use crate::common::cli::{ok, temp_file};
use crate::common::config;
use racelab::engine::{validate, Scenario};

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
        racelab::api::sweep(&s, &config(variant), 0, 300)
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
    let path = temp_file("doc-example.json", &example_json());
    let text = ok(&[
        "run",
        path.to_str().unwrap(),
        "--variant",
        "fixed",
        "--seed",
        "3",
    ]);
    std::fs::remove_file(&path).ok();
    assert!(
        text.contains("trial-signup / fixed / seed 3") && text.contains("no violations"),
        "{text}"
    );
}
