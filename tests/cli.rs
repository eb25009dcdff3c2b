//! The `racelab` command line, run as a process: `list`, `describe`, `run` (built-in id or
//! a scenario file), `sweep`, and bad input (exit code 2, a message on stderr, no panic).

use crate::common::cli::{fails, ok, ok_json, temp_file};
use racelab::engine::RunConfig;
use serde_json::{json, Value as Json};

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
        "list", "describe", "run", "sweep", "explore", "table", "link",
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
    let explore = "--max-decisions <N>, --max-states <N>, --no-reduction, --no-dedup, \
                   --sample <STRATEGY>, --runs <N>, --pct-depth <D>, --json";
    for (command, options) in [
        ("list", String::new()),
        ("describe", format!("{source}--json")),
        (
            "run",
            format!("{source}--json, --trace, --schedule <0,1,0,2>"),
        ),
        (
            "sweep",
            format!("{source}--seeds <N>, --first-seed <S>, --json"),
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

// ---- Share links: `racelab link` and `--link URL` in place of <scenario> ----

/// `racelab link …`: one line, the link.
fn link(args: &[&str]) -> String {
    let mut all = vec!["link"];
    all.extend_from_slice(args);
    let out = ok(&all);
    assert_eq!(out.lines().count(), 1, "{out}");
    out.trim().to_string()
}

/// A `--json` report without the wall-clock field.
fn without_elapsed(mut v: Json) -> Json {
    v.as_object_mut().unwrap().remove("elapsed_ms");
    v
}

#[test]
fn a_link_runs_exactly_like_the_options_it_was_made_from() {
    for (id, variant, seed, set) in [
        ("list-queue", "naive", "7", "trigger_delay_s=60"),
        ("alert-before-owner", "wait", "3", "alert_wait_min=5"),
        (
            "lock-storm",
            "fixed",
            "18446744073709551615",
            "responses=200",
        ),
    ] {
        let l = link(&[id, "--variant", variant, "--seed", seed, "--set", set]);
        assert!(l.starts_with("http://127.0.0.1:8080/#1."), "{l}");
        let direct = ok_json(&[
            "run",
            id,
            "--variant",
            variant,
            "--seed",
            seed,
            "--set",
            set,
            "--json",
        ]);
        let linked = ok_json(&["run", "--link", &l, "--json"]);
        assert_eq!(linked, direct, "{id}");
        // The text form shows the same trace hash.
        let text = ok(&["run", "--link", &l]);
        assert!(
            text.contains(direct["trace_hash"].as_str().unwrap()),
            "{text}"
        );
        // Options given explicitly override the link's.
        let other = ok_json(&[
            "run",
            id,
            "--variant",
            "fixed",
            "--seed",
            "99",
            "--set",
            set,
            "--json",
        ]);
        let overridden = ok_json(&[
            "run",
            "--link",
            &l,
            "--variant",
            "fixed",
            "--seed",
            "99",
            "--json",
        ]);
        assert_eq!(overridden, other, "{id}");
        // sweep starts at the link's seed; describe shows the link's settings.
        if seed != "18446744073709551615" {
            let a = ok_json(&["sweep", "--link", &l, "--seeds", "20", "--json"]);
            let b = ok_json(&[
                "sweep",
                id,
                "--variant",
                variant,
                "--set",
                set,
                "--seeds",
                "20",
                "--first-seed",
                seed,
                "--json",
            ]);
            assert_eq!(without_elapsed(a), without_elapsed(b), "{id}");
        }
        let d = ok_json(&["describe", "--link", &l, "--json"]);
        assert_eq!(d["id"], id);
        assert_eq!(d["link"]["variant"], variant);
        assert_eq!(d["link"]["seed"].to_string(), seed);
    }
}

#[test]
fn link_uses_the_apps_defaults_and_the_given_base() {
    let l = link(&["list-queue"]);
    let spec = racelab::codec::decode(&l).unwrap();
    assert_eq!(spec, racelab::spec::RunSpec::builtin("list-queue"));
    let l = link(&[
        "list-queue",
        "--compare",
        "recheck",
        "--base",
        "https://racelab.example/app/#an-old-fragment",
    ]);
    assert!(l.starts_with("https://racelab.example/app/#1."), "{l}");
    assert_eq!(
        racelab::codec::decode(&l).unwrap().compare.as_deref(),
        Some("recheck")
    );
    // Re-linking keeps what the link had and applies the new options.
    let again = link(&["--link", &l, "--seed", "5"]);
    let spec = racelab::codec::decode(&again).unwrap();
    assert_eq!((spec.seed, spec.compare.as_deref()), (5, Some("recheck")));
    assert!(again.starts_with("http://127.0.0.1:8080/#1."));
    assert!(ok(&["--help"]).contains("racelab link <scenario>"));
}

#[test]
fn a_bad_link_exits_with_code_2_and_says_why() {
    let l = link(&["list-queue", "--seed", "4"]);
    let truncated = &l[..l.len() - 4];
    for args in [
        &["run"][..],
        &["describe"],
        &["sweep", "--seeds", "5"],
        &["link"],
        &["explore"],
    ] {
        let err = fails(&[args, &["--link", truncated]].concat());
        assert!(err.contains("truncated or damaged"), "{args:?}: {err}");
    }
    let (base, code) = l.split_once("#1.").unwrap();
    let mut flipped: Vec<char> = code.chars().collect();
    let i = flipped.len() / 2;
    flipped[i] = if flipped[i] == 'A' { 'B' } else { 'A' };
    let flipped = format!("{base}#1.{}", flipped.iter().collect::<String>());
    assert!(fails(&["run", "--link", &flipped]).contains("truncated or damaged"));
    let newer = format!("{base}#7.{code}");
    assert!(fails(&["run", "--link", &newer]).contains("version 7, made by a newer Race Lab"));
    assert!(fails(&["run", "--link", "http://127.0.0.1:8080/"]).contains("not a Race Lab link"));
    assert!(fails(&["run", "--link", "1.a%b"]).contains("not a Race Lab link"));
    assert!(fails(&["run", "list-queue", "--link", &l])
        .contains("the argument '[SCENARIO]' cannot be used with '--link <URL>'"));
    assert!(fails(&["link", "list-queue", "--variant", "nope"]).contains("unknown variant `nope`"));
    assert!(fails(&["link", "list-queue", "--compare", "nope"]).contains("--compare"));
    assert!(
        fails(&["link", "list-queue", "--set", "trigger_delay_s=-5"]).contains("trigger_delay_s")
    );
    // A link whose built-in scenario this build does not have.
    let mut spec = racelab::spec::RunSpec::builtin("list-queue");
    spec.scenario = racelab::spec::ScenarioSource::Builtin("from-the-future".into());
    let unknown = racelab::codec::encode(&spec);
    assert!(fails(&["run", "--link", &unknown]).contains("from-the-future"));
}

#[test]
fn a_scenario_file_travels_inside_its_link() {
    let text = racelab::scenarios::source("alert-before-owner")
        .unwrap()
        .replace("\"alert-before-owner\"", "\"my-alert-copy\"");
    let path = temp_file("linked.json", &text);
    let p = path.to_str().unwrap();
    let l = link(&[p, "--variant", "wait", "--seed", "11"]);
    let direct = ok_json(&["run", p, "--variant", "wait", "--seed", "11", "--json"]);
    std::fs::remove_file(&path).unwrap();
    // The file is gone: the link carries its JSON text, byte for byte.
    let spec = racelab::codec::decode(&l).unwrap();
    assert_eq!(spec.scenario, racelab::spec::ScenarioSource::Custom(text));
    assert_eq!(spec.compare.as_deref(), Some("fixed"));
    let linked = ok_json(&["run", "--link", &l, "--json"]);
    assert_eq!(linked, direct);
    assert_eq!(linked["scenario"], "my-alert-copy");
}

#[test]
fn a_link_with_a_schedule_replays_it_as_the_app_does() {
    let scenario = racelab::scenarios::builtin("list-queue").unwrap();
    let mut spec = racelab::spec::RunSpec::builtin("list-queue");
    spec.seed = 3;
    let (_, config) = spec.resolve().unwrap();
    let seeded = racelab::api::run_view(&scenario, &config, 3, &[]).unwrap();
    // Every decision answered 0 (clamped where a decision does not take 0).
    spec.schedule = vec![0; seeded.decisions.len()];
    let scheduled = racelab::api::run_view(&scenario, &config, 3, &spec.schedule).unwrap();
    assert_ne!(scheduled.trace_hash, seeded.trace_hash);
    let l = format!("#{}", racelab::codec::encode(&spec));
    let r = ok_json(&["run", "--link", &l, "--json"]);
    assert_eq!(r["trace_hash"], scheduled.trace_hash.as_str());
    assert_eq!(r["events"], scheduled.rows.len());
    assert_eq!(r["schedule"], spec.schedule.len());
    let text = ok(&["run", "--link", &l]);
    assert!(text.contains(&scheduled.trace_hash), "{text}");
    // The seeded run's own answers as a schedule give the seeded run.
    spec.schedule = seeded.decisions.iter().map(|&(_, a)| a as u32).collect();
    let l = racelab::codec::encode(&spec);
    let plain = ok_json(&[
        "run",
        "list-queue",
        "--variant",
        "naive",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!(
        ok_json(&["run", "--link", &l, "--json"])["trace_hash"],
        plain["trace_hash"]
    );
}
