//! The `racelab` command line, run as a process: `list`, `describe`, `run` (built-in id or
//! a scenario file), `sweep`, help, and bad input (exit code 2, a message on stderr, no
//! panic). Share links (`link`, `--link`) are in `cli_link`.

use crate::common::cli::{fails, ok, ok_json, temp_file};
use racelab::engine::RunConfig;
use serde_json::json;

#[test]
fn list_shows_every_built_in_scenario() {
    let out = ok(&["list"]);
    for id in racelab::scenarios::ids() {
        assert!(
            out.lines().any(|l| l.starts_with(id)),
            "{id} missing from {out}"
        );
    }
    assert!(out.contains("alert-before-owner") && out.contains("list-queue"));
}

#[test]
fn describe_json_has_variants_knobs_and_invariants() {
    let d = ok_json(&["describe", "list-queue", "--json"]);
    assert_eq!(d["id"], "list-queue");
    let variants: Vec<&str> = (d["variants"].as_array().unwrap().iter())
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    let declared: Vec<String> = racelab::scenarios::builtin("list-queue")
        .unwrap()
        .variants
        .iter()
        .map(|v| v.name.clone())
        .collect();
    assert_eq!(variants, declared);
    assert!(variants.contains(&"naive") && variants.contains(&"fixed"));
    let roles: Vec<&str> = (d["variants"].as_array().unwrap().iter())
        .map(|v| v["role"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"race") && roles.contains(&"fix"),
        "{roles:?}"
    );
    let knobs = d["knobs"].as_array().unwrap();
    assert!(!knobs.is_empty());
    for k in knobs {
        assert!(k["name"].is_string() && k["unit"].is_string(), "{k}");
        let (min, default, max) = (k["min"].as_i64(), k["default"].as_i64(), k["max"].as_i64());
        let (min, default, max) = (min.unwrap(), default.unwrap(), max.unwrap());
        assert!(min <= default && default <= max, "{k}");
    }
    let delay = knobs
        .iter()
        .find(|k| k["name"] == "trigger_delay_s")
        .unwrap();
    assert_eq!(delay["unit"], "seconds");
    assert_eq!(
        d["invariants"],
        json!(["one-email-per-entry", "no-entry-lost"])
    );
    // The human form names the same things.
    let text = ok(&["describe", "list-queue"]);
    assert!(text.contains("naive") && text.contains("trigger_delay_s"));
}

#[test]
fn run_json_reports_the_run_exactly_as_the_library_does() {
    let r = ok_json(&[
        "run",
        "list-queue",
        "--variant",
        "naive",
        "--seed",
        "1",
        "--json",
    ]);
    assert_eq!(r["scenario"], "list-queue");
    assert_eq!(r["variant"], "naive");
    assert_eq!(r["seed"], 1);
    assert!(r["events"].as_u64().unwrap() > 0);
    let hash = r["trace_hash"].as_str().unwrap();
    assert_eq!(hash.len(), 16);
    assert!(hash
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert!(r["violations"].is_array());
    assert!(r["invariants"]["one-email-per-entry"].is_u64());
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        ..RunConfig::default()
    };
    let lib = racelab::api::run(&s, &config, 1).unwrap();
    assert_eq!(r, serde_json::to_value(&lib).unwrap());
}

#[test]
fn run_json_lists_violations_with_their_witnesses() {
    // Find a violating seed through the library, then ask the command line about it.
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        ..RunConfig::default()
    };
    let sweep = racelab::api::sweep(&s, &config, 0, 200).unwrap();
    let seed = sweep
        .first_violating_seed
        .expect("the naive list queue races")
        .to_string();
    let r = ok_json(&[
        "run",
        "list-queue",
        "--variant",
        "naive",
        "--seed",
        &seed,
        "--json",
    ]);
    let violations = r["violations"].as_array().unwrap();
    assert!(!violations.is_empty());
    for v in violations {
        assert_eq!(v["invariant"], "one-email-per-entry");
        assert!(v["time_ms"].is_u64() && v["person"].is_u64(), "{v}");
        assert!(v["message"].as_str().unwrap().contains("twice"), "{v}");
        assert!(!v["witness"].as_array().unwrap().is_empty(), "{v}");
    }
    assert_eq!(r["invariants"]["one-email-per-entry"], violations.len());
    // The text form says VIOLATION for each.
    let text = ok(&["run", "list-queue", "--variant", "naive", "--seed", &seed]);
    assert_eq!(text.matches("VIOLATION").count(), violations.len());
}

#[test]
fn set_changes_a_knob() {
    let base = ok_json(&["run", "list-queue", "--seed", "2", "--json"]);
    let set = ok_json(&[
        "run",
        "list-queue",
        "--seed",
        "2",
        "--set",
        "people=3",
        "--json",
    ]);
    assert_ne!(base["trace_hash"], set["trace_hash"]);
    assert!(set["events"].as_u64() < base["events"].as_u64());
}

#[test]
fn run_accepts_a_scenario_file() {
    let scenario = json!({
        "id": "file-scenario", "title": "From a file", "horizon": 10_000,
        "fields": [{ "name": "email", "type": "text" }],
        "people": [{ "count": 2, "fields": { "email": "p{n}@x.com" } }],
        "campaigns": [{ "name": "Welcome",
            "smart_list": { "triggers": [{ "fills_out_form": {} }] },
            "flow": [{ "send_email": "Welcome" }] }],
        "script": [{ "at": { "fixed": 0 }, "event": { "fills_out_form": "Signup" } }],
    });
    let path = temp_file("scenario.json", &scenario.to_string());
    let r = ok_json(&["run", path.to_str().unwrap(), "--seed", "4", "--json"]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(r["scenario"], "file-scenario");
    assert_eq!(r["variant"], "base");
    let s = racelab::scenarios::parse(&scenario.to_string()).unwrap();
    let lib = racelab::api::run(&s, &RunConfig::default(), 4).unwrap();
    assert_eq!(r, serde_json::to_value(&lib).unwrap());
    assert!(lib.outcome.contains("2 emails sent"), "{}", lib.outcome);
}

#[test]
fn sweep_json_counts_runs_and_violations() {
    let r = ok_json(&[
        "sweep",
        "list-queue",
        "--variant",
        "naive",
        "--seeds",
        "50",
        "--json",
    ]);
    assert_eq!(r["runs"], 50);
    let violating = r["violating_runs"].as_u64().unwrap();
    assert!(violating <= 50);
    let rate = r["violation_rate"].as_f64().unwrap();
    assert!((rate - violating as f64 / 50.0).abs() < 1e-9);
    assert!(r["events"].as_u64().unwrap() > 0);
    assert!(r["elapsed_ms"].is_u64());
    // The same as the library's sweep.
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        ..RunConfig::default()
    };
    let lib = racelab::api::sweep(&s, &config, 0, 50).unwrap();
    assert_eq!(violating, lib.violating_runs);
    assert_eq!(r["events"], lib.events);
    // The fix holds on the same seeds.
    let fixed = ok_json(&[
        "sweep",
        "list-queue",
        "--variant",
        "fixed",
        "--seeds",
        "50",
        "--json",
    ]);
    assert_eq!(fixed["violating_runs"], 0);
}

#[test]
fn bad_input_exits_with_code_2_and_says_why() {
    let bad_json = temp_file("bad.json", "{ \"id\": \"broken\", ");
    let bad_path = bad_json.to_str().unwrap().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", "no-such-scenario"], "no-such-scenario"),
        (vec!["run", "list-queue", "--set", "people"], "knob=value"),
        (
            vec!["run", "list-queue", "--set", "people=lots"],
            "not a whole number",
        ),
        (
            vec!["run", "list-queue", "--set", "people=0"],
            "outside its range",
        ),
        (
            vec!["run", "list-queue", "--set", "warp=1"],
            "unknown knob `warp`",
        ),
        (
            vec!["run", "list-queue", "--variant", "clever"],
            "unknown variant `clever`",
        ),
        (
            vec!["run", "list-queue", "--frobnicate"],
            "unexpected argument '--frobnicate'",
        ),
        (vec!["run", "list-queue", "--seed", "-1"], "--seed"),
        (
            vec!["run", "list-queue", "--seed"],
            "a value is required for '--seed <N>'",
        ),
        (vec!["run", &bad_path], "not a valid scenario"),
        (vec!["sweep", "list-queue"], "--seeds"),
        (vec!["sweep", "list-queue", "--seeds", "0"], "--seeds"),
        (
            vec!["run"],
            "the following required arguments were not provided:\n  <SCENARIO>",
        ),
        (vec!["teleport"], "unrecognized subcommand 'teleport'"),
    ];
    for (args, says) in cases {
        let stderr = fails(&args);
        assert!(
            stderr.contains(says),
            "racelab {args:?}: {stderr:?} should say {says:?}"
        );
    }
    let _ = std::fs::remove_file(&bad_json);
    // No arguments at all: the usage, on stderr.
    assert!(fails(&[]).contains("Usage: racelab list"));
}

#[test]
fn an_invalid_scenario_file_is_refused_with_the_reason() {
    let scenario = json!({
        "id": "bad-ref", "title": "Bad reference", "horizon": 1000,
        "campaigns": [{ "name": "A", "flow": [{ "add_to_list": "Nowhere" }] }],
    });
    let path = temp_file("bad-ref.json", &scenario.to_string());
    let stderr = fails(&["run", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert!(stderr.contains("unknown list `Nowhere`"), "{stderr}");
}

#[test]
fn trace_prints_one_line_per_event() {
    let r = ok_json(&["run", "list-queue", "--seed", "3", "--json"]);
    let text = ok(&["run", "list-queue", "--seed", "3", "--trace"]);
    let lines = text.lines().filter(|l| l.starts_with('#')).count();
    assert_eq!(lines as u64, r["events"].as_u64().unwrap());
    assert!(text.contains(r["trace_hash"].as_str().unwrap()));
}

#[test]
fn sweep_starts_at_the_first_seed() {
    let r = ok_json(&[
        "sweep",
        "alert-before-owner",
        "--seeds",
        "10",
        "--first-seed",
        "5",
        "--json",
    ]);
    assert_eq!(r["first_seed"], 5);
    assert_eq!(r["runs"], 10);
    let s = racelab::scenarios::builtin("alert-before-owner").unwrap();
    let lib = racelab::api::sweep(&s, &RunConfig::default(), 5, 10).unwrap();
    assert_eq!(r["events"], lib.events);
    assert_eq!(r["violating_runs"], lib.violating_runs);
}

#[test]
fn help_prints_the_usage_and_succeeds() {
    let out = ok(&["--help"]);
    for command in [
        "list", "describe", "run", "sweep", "explore", "scale", "table", "link",
    ] {
        assert!(out.contains(&format!("racelab {command}")), "{out}");
    }
    assert_eq!(ok(&["help"]), out);
}

/// Every command and its options: `racelab <command> --help` (and `racelab help <command>`)
/// names each one, and an option the command does not have is refused with code 2.
#[test]
fn every_command_has_help_and_refuses_an_unknown_option() {
    let source = "[SCENARIO], --link <URL>, --variant <V>, --seed <N>, --set <KNOB=VALUE>, ";
    let explore = "--max-decisions <N>, --max-states <N>, --time-limit <S>, --no-reduction, \
                   --no-dedup, --sample <STRATEGY>, --runs <N>, --pct-depth <D>, --quiet, --json";
    for (command, options) in [
        ("list", String::new()),
        ("describe", format!("{source}--json")),
        (
            "run",
            format!("{source}--json, --trace, --schedule <0,1,0,2>"),
        ),
        (
            "sweep",
            format!("{source}--seeds <N>, --first-seed <S>, --jobs <N>, --quiet, --json"),
        ),
        (
            "scale",
            format!("{source}--rate <N>, --seconds <S>, --jobs <N>, --quiet, --json"),
        ),
        ("explore", format!("{source}{explore}")),
        ("table", "--seeds <N>".to_string()),
        ("link", format!("{source}--compare <V2>, --base <URL>")),
    ] {
        let help = ok(&[command, "--help"]);
        assert!(
            help.contains(&format!("Usage: racelab {command}")),
            "{help}"
        );
        for option in options.split(", ").filter(|o| !o.is_empty()) {
            assert!(
                help.contains(option),
                "{command} --help lacks {option}:\n{help}"
            );
        }
        assert_eq!(ok(&["help", command]), help);
        let err = fails(&[command, "--no-such-option"]);
        assert!(
            err.contains("unexpected argument '--no-such-option'"),
            "{err}"
        );
        assert!(err.contains(&format!("Usage: racelab {command}")), "{err}");
    }
    // An option of another command is refused too.
    assert!(fails(&["run", "list-queue", "--seeds", "5"]).contains("unexpected argument"));
    assert!(fails(&["table", "--json"]).contains("unexpected argument '--json'"));
}

#[test]
fn run_json_with_trace_lists_every_event_with_its_cause() {
    let r = ok_json(&[
        "run",
        "alert-before-owner",
        "--variant",
        "naive",
        "--seed",
        "2",
        "--json",
        "--trace",
    ]);
    let trace = r["trace"].as_array().expect("a trace array");
    assert_eq!(trace.len() as u64, r["events"].as_u64().unwrap());
    for (i, e) in trace.iter().enumerate() {
        assert_eq!(e["id"], i as u64);
        assert!(
            e["time_ms"].is_u64() && e["lane"].is_string() && e["kind"].is_string(),
            "{e}"
        );
        assert!(!e["details"].as_str().unwrap().is_empty(), "{e}");
        if let Some(c) = e["cause"].as_u64() {
            assert!((c as usize) < i, "a cause comes before its effect: {e}");
        }
    }
    // Every violation's witnesses are events of the trace, and the alert sent to no one is one.
    for v in r["violations"].as_array().unwrap() {
        let last = v["witness"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_u64()
            .unwrap();
        assert_eq!(trace[last as usize]["kind"], "alert-sent");
    }
}
