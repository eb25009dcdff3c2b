//! The `explore` and `run --schedule` commands, run as a process: the counts and a replayable
//! counterexample, the fixed variant, the reduction switch, bounds and sampling, and bad input.

use crate::common::cli::{fails, ok};
use crate::common::SETUP;

/// `--set k=v` for every knob of the set-up.
fn setup_args() -> Vec<String> {
    SETUP
        .iter()
        .flat_map(|(k, v)| ["--set".to_string(), format!("{k}={v}")])
        .collect()
}

fn with_setup<'a>(head: &[&'a str], setup: &'a [String]) -> Vec<&'a str> {
    head.iter()
        .copied()
        .chain(setup.iter().map(|s| s.as_str()))
        .collect()
}

#[test]
fn cli_explore_prints_counts_and_a_replayable_counterexample() {
    let setup = setup_args();
    let text = ok(&with_setup(
        &["explore", "list-queue", "--variant", "recheck"],
        &setup,
    ));
    for part in [
        "schedules explored:",
        "distinct states:",
        "distinct end states:",
        "violating end states:",
        "states/s",
        "shortest violating schedule:",
        "none has fewer",
        "VIOLATION one-email-per-entry",
        "--schedule ",
        "open in the app: http://127.0.0.1:8080/#1.",
        "email \"Task Email\" sent",
    ] {
        assert!(text.contains(part), "missing `{part}` in:\n{text}");
    }
    assert!(!text.contains("cut short"));

    let json: serde_json::Value = serde_json::from_str(&ok(&with_setup(
        &["explore", "list-queue", "--variant", "recheck", "--json"],
        &setup,
    )))
    .expect("json");
    for field in [
        "schedules",
        "states",
        "end_states",
        "violating_end_states",
        "elapsed_ms",
        "states_per_s",
        "truncated",
    ] {
        assert!(json.get(field).is_some(), "missing {field}: {json}");
    }
    assert_eq!(json["truncated"], false);
    let short = &json["shortest"];
    let schedule: Vec<String> = short["schedule"]
        .as_array()
        .expect("schedule")
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert!(short["trace"].as_array().is_some_and(|t| !t.is_empty()));
    // The share link opens the same run in the app.
    let link = short["link"].as_str().expect("a share link");
    assert!(link.starts_with("http://127.0.0.1:8080/#1."), "{link}");
    let spec = racelab::codec::decode(link).expect("the link decodes");
    let numbers: Vec<u32> = short["schedule"]
        .as_array()
        .expect("schedule")
        .iter()
        .map(|v| v.as_u64().expect("number") as u32)
        .collect();
    assert_eq!(spec.schedule, numbers);
    assert_eq!(spec.variant, "recheck");
    assert_eq!(spec.view.tab, racelab::spec::Tab::Run);
    assert_eq!(spec.knobs.len(), SETUP.len());
    let (scenario, config) = spec.resolve().expect("resolves");
    let view = racelab::api::run_view(&scenario, &config, spec.seed, &spec.schedule).expect("runs");
    assert_eq!(serde_json::json!(view.trace_hash), short["trace_hash"]);

    // `run --schedule` replays it: same trace, same violation, whatever the seed.
    let schedule = schedule.join(",");
    let run: serde_json::Value = serde_json::from_str(&ok(&with_setup(
        &[
            "run",
            "list-queue",
            "--variant",
            "recheck",
            "--seed",
            "42",
            "--schedule",
            &schedule,
            "--json",
        ],
        &setup,
    )))
    .expect("json");
    assert_eq!(run["trace_hash"], short["trace_hash"]);
    assert_eq!(run["clamped"], 0);
    assert_eq!(
        run["violations"][0]["invariant"],
        serde_json::json!("one-email-per-entry")
    );
    let text = ok(&with_setup(
        &[
            "run",
            "list-queue",
            "--variant",
            "recheck",
            "--schedule",
            &schedule,
            "--trace",
        ],
        &setup,
    ));
    assert!(text.contains("VIOLATION one-email-per-entry"));
    assert!(text.contains(short["trace_hash"].as_str().expect("hash")));
}

#[test]
fn cli_explore_fixed_reduction_switch_bounds_and_sampling() {
    let setup = setup_args();
    let text = ok(&with_setup(
        &["explore", "list-queue", "--variant", "fixed"],
        &setup,
    ));
    assert!(text.contains("violating end states:   0"), "{text}");
    assert!(text.contains("no schedule violates an invariant"), "{text}");
    let text = ok(&with_setup(
        &[
            "explore",
            "list-queue",
            "--variant",
            "fixed",
            "--no-reduction",
        ],
        &setup,
    ));
    assert!(text.contains("without the reduction"), "{text}");

    let text = ok(&with_setup(
        &["explore", "list-queue", "--max-states", "50"],
        &setup,
    ));
    assert!(
        text.contains("search cut short by --max-states (raise it)"),
        "{text}"
    );
    let text = ok(&with_setup(
        &["explore", "list-queue", "--max-decisions", "4"],
        &setup,
    ));
    assert!(
        text.contains("search cut short by --max-decisions (raise it)"),
        "{text}"
    );

    // A share link in place of <scenario>: its knobs come with it.
    let link = ok(&with_setup(
        &["link", "list-queue", "--variant", "recheck"],
        &setup,
    ));
    let text = ok(&["explore", "--link", link.trim()]);
    assert!(
        text.contains("list-queue / recheck: exhaustive search"),
        "{text}"
    );
    assert!(text.contains("VIOLATION one-email-per-entry"), "{text}");

    let text = ok(&[
        "explore",
        "list-queue",
        "--sample",
        "pct",
        "--runs",
        "30",
        "--seed",
        "3",
    ]);
    for part in [
        "strategy pct",
        "seed 3",
        "violating runs:",
        "run seed",
        "--schedule ",
    ] {
        assert!(text.contains(part), "missing `{part}` in:\n{text}");
    }
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "explore",
        "list-queue",
        "--sample",
        "random",
        "--runs",
        "30",
        "--seed",
        "3",
        "--json",
    ]))
    .expect("json");
    assert_eq!(json["runs"], 30);
    assert!(json["violating_runs"].as_u64().expect("count") > 0);
}

#[test]
fn cli_explore_and_schedule_refuse_bad_input() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["explore"],
            "the following required arguments were not provided:\n  <SCENARIO>",
        ),
        (
            &["explore", "no-such-scenario"],
            "neither a built-in scenario",
        ),
        (
            &["explore", "list-queue", "--max-states", "0"],
            "--max-states",
        ),
        (
            &["explore", "list-queue", "--max-decisions", "x"],
            "--max-decisions",
        ),
        (
            &["explore", "list-queue", "--sample", "bfs"],
            "invalid value 'bfs' for '--sample <STRATEGY>'\n  [possible values: random, pct]",
        ),
        (&["explore", "list-queue", "--runs", "5"], "--sample"),
        (&["explore", "list-queue", "--seed", "5"], "--sample"),
        (
            &[
                "explore",
                "list-queue",
                "--sample",
                "random",
                "--pct-depth",
                "2",
            ],
            "--pct-depth goes with --sample pct",
        ),
        (
            &[
                "explore",
                "list-queue",
                "--sample",
                "pct",
                "--max-states",
                "9",
            ],
            "cannot be used with '--max-states <N>'",
        ),
        (
            &["explore", "list-queue", "--sample", "random", "--runs", "0"],
            "--runs",
        ),
        (
            &[
                "explore",
                "list-queue",
                "--sample",
                "random",
                "--no-reduction",
            ],
            "the argument '--sample <STRATEGY>' cannot be used with '--no-reduction'",
        ),
        (
            &["explore", "list-queue", "--set", "people=0"],
            "outside its range",
        ),
        (
            &["run", "list-queue", "--schedule", "0,x,1"],
            "schedule answer",
        ),
        (
            &["run", "list-queue", "--schedule"],
            "a value is required for '--schedule",
        ),
    ];
    for (args, want) in cases {
        let err = fails(args);
        assert!(
            err.contains(want),
            "racelab {args:?}: `{err}` lacks `{want}`"
        );
    }
}
