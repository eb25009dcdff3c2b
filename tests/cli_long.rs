//! The command line on long work, run as a process: progress lines on stderr (never on
//! stdout, none with `--quiet`), the exhaustive search's time limit, Ctrl-C (SIGINT sent to
//! the child: what was found so far, marked as interrupted, exit code 130), `sweep --jobs`
//! (the same figures on any number of threads) and `run --trace` written as it is formatted
//! (the same bytes as the trace built whole).

use crate::common::cli::{ok, ok_json, racelab};
use racelab::api;
use racelab::engine::RunConfig;
use serde_json::Value as Json;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// An exhaustive search far too big to finish: `list-queue` at default knobs.
const BIG_EXPLORE: &[&str] = &["explore", "list-queue", "--variant", "recheck"];

/// `args` with more arguments after them.
fn with(args: &[&'static str], more: &[&'static str]) -> Vec<&'static str> {
    args.iter().chain(more).copied().collect()
}

/// Runs `racelab args`, sends it SIGINT (Ctrl-C) once its first progress line is out, and
/// returns its exit code, stdout and stderr.
fn interrupted(args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the racelab binary runs");
    let mut err = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let mut first = String::new();
    err.read_line(&mut first).expect("stderr is readable");
    assert!(first.contains("s/s"), "not a progress line: {first:?}");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut rest = String::new();
    err.read_to_string(&mut rest).expect("stderr is readable");
    let out = child.wait_with_output().expect("racelab ends");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    (out.status.code(), stdout, first + &rest)
}

#[test]
fn a_long_explore_shows_progress_on_stderr_and_stops_at_its_time_limit() {
    let out = racelab(&with(BIG_EXPLORE, &["--time-limit", "2"]));
    assert!(out.status.success());
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    let progress: Vec<&str> = stderr.lines().collect();
    assert!(!progress.is_empty(), "no progress: {stderr:?}");
    for line in &progress {
        for part in [
            "exploring… ",
            " states (",
            " states/s, depth ",
            "orderings",
            "violating so far",
        ] {
            assert!(line.contains(part), "{part:?} missing from {line:?}");
        }
    }
    // Throttled: about two a second, the first after a second.
    assert!(progress.len() <= 4, "{progress:?}");
    assert!(!stdout.contains("exploring…"), "{stdout}");
    for part in [
        "distinct states:",
        "search stopped at its time limit of 2 s (--time-limit S to change it, 0 for none)",
        "try the small set-up",
        "racelab explore list-queue --variant recheck --set people=2 --set step_time_ms=0",
    ] {
        assert!(stdout.contains(part), "{part:?} missing from {stdout}");
    }
}

#[test]
fn quiet_hides_the_progress_and_json_says_what_stopped_the_search() {
    let out = racelab(&with(
        BIG_EXPLORE,
        &["--time-limit", "2", "--quiet", "--json"],
    ));
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Json = serde_json::from_slice(&out.stdout).expect("stdout is pure JSON");
    assert_eq!(v["stopped_by"], "time-limit");
    assert_eq!(v["stopped"], true);
    assert_eq!(v["truncated"], true);
    assert!(v["states"].as_u64().unwrap() > 100, "{v}");
    assert!(v["elapsed_ms"].as_u64().unwrap() >= 2000, "{v}");
    // A search that finishes in time is not stopped, and a quick one shows no progress.
    let setup: Vec<String> = racelab::scenarios::explore_setup("list-queue")
        .iter()
        .flat_map(|(k, v)| ["--set".to_string(), format!("{k}={v}")])
        .collect();
    let mut args = vec!["explore", "list-queue", "--variant", "recheck", "--json"];
    args.extend(setup.iter().map(|s| s.as_str()));
    let out = racelab(&args);
    assert!(out.status.success() && out.stderr.is_empty());
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stopped_by"], Json::Null);
    assert_eq!(v["stopped"], false);
}

#[test]
fn ctrl_c_stops_explore_with_what_it_found_so_far() {
    let (code, stdout, stderr) = interrupted(&with(BIG_EXPLORE, &["--time-limit", "0"]));
    assert_eq!(code, Some(130), "{stdout}\n{stderr}");
    for part in [
        "list-queue / recheck: exhaustive search",
        "distinct states:",
        "search interrupted (Ctrl-C): not every state was explored",
    ] {
        assert!(stdout.contains(part), "{part:?} missing from {stdout}");
    }
    assert!(!stdout.contains("time limit"), "{stdout}");
    let (code, stdout, _) = interrupted(&[
        "explore",
        "list-queue",
        "--sample",
        "random",
        "--runs",
        "10000000",
        "--json",
    ]);
    assert_eq!(code, Some(130));
    let v: Json = serde_json::from_str(&stdout).expect("stdout is pure JSON");
    assert_eq!(v["interrupted"], true);
    let runs = v["runs"].as_u64().unwrap();
    assert!(runs > 0 && runs < 10_000_000, "{v}");
}

#[test]
fn ctrl_c_stops_a_sweep_with_the_figures_of_the_seeds_run() {
    let (code, stdout, stderr) = interrupted(&[
        "sweep",
        "list-queue",
        "--seeds",
        "10000000",
        "--first-seed",
        "3",
        "--json",
    ]);
    assert_eq!(code, Some(130), "{stdout}\n{stderr}");
    assert!(stderr.contains("sweeping… "), "{stderr}");
    let v: Json = serde_json::from_str(&stdout).expect("stdout is pure JSON");
    assert_eq!(v["interrupted"], true);
    assert_eq!(v["runs_asked"], 10_000_000);
    let runs = v["runs"].as_u64().unwrap();
    assert!(runs > 0 && runs < 10_000_000, "{v}");
    // The figures are those of seeds 3 .. 3 + runs, without a gap.
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let lib = api::sweep(&s, &RunConfig::default(), 3, runs).unwrap();
    assert_eq!(v["violating_runs"], lib.violating_runs);
    assert_eq!(v["events"], lib.events);
    assert_eq!(v["affected_leads"], lib.affected_leads);
}

#[test]
fn sweep_gives_the_same_figures_on_any_number_of_threads() {
    let sweep = |jobs: &'static str| {
        let mut v = ok_json(&[
            "sweep",
            "list-queue",
            "--variant",
            "naive",
            "--seeds",
            "700",
            "--first-seed",
            "11",
            "--jobs",
            jobs,
            "--json",
        ]);
        v.as_object_mut().unwrap().remove("elapsed_ms");
        v
    };
    let one = sweep("1");
    assert_eq!(one, sweep("3"));
    assert_eq!(one, sweep("64"));
    assert_eq!(one["runs"], 700);
    assert!(one["violating_runs"].as_u64().unwrap() > 0, "{one}");
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        ..RunConfig::default()
    };
    let lib = api::sweep(&s, &config, 11, 700).unwrap();
    assert_eq!(
        one["first_violating_seed"],
        lib.first_violating_seed.unwrap()
    );
    assert_eq!(
        one["invariants"],
        serde_json::to_value(&lib.invariants).unwrap()
    );
}

#[test]
fn a_long_sweep_shows_progress_on_stderr_unless_quiet() {
    // About 2.5 s of one core's work: long enough for progress lines on any machine.
    let args = [
        "sweep",
        "list-queue",
        "--set",
        "people=100",
        "--seeds",
        "12000",
        "--jobs",
        "1",
    ];
    let out = racelab(&args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success());
    let line = stderr
        .lines()
        .next()
        .unwrap_or_else(|| panic!("no progress"));
    assert!(
        line.starts_with("sweeping… ")
            && line.contains(" of 12,000 runs (")
            && line.ends_with(" runs/s)"),
        "{line:?}"
    );
    assert!(!String::from_utf8(out.stdout).unwrap().contains("sweeping"));
    let out = racelab(&with(&args, &["--quiet"]));
    assert!(out.status.success() && out.stderr.is_empty());
}

#[test]
fn a_trace_written_as_it_is_formatted_is_the_trace_built_whole() {
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let config = RunConfig {
        variant: Some("fixed".into()),
        knobs: [("people".to_string(), 30)].into_iter().collect(),
        ..RunConfig::default()
    };
    let rows = api::trace(&s, &config, 7).unwrap();
    let report = api::run(&s, &config, 7).unwrap();
    let args = [
        "run",
        "list-queue",
        "--variant",
        "fixed",
        "--set",
        "people=30",
        "--seed",
        "7",
    ];
    // JSON: the report with every row in `trace`, byte for byte as one value printed whole.
    let mut whole = serde_json::to_value(&report).unwrap();
    whole["trace"] = serde_json::to_value(&rows).unwrap();
    let json = ok(&with(&args, &["--trace", "--json"]));
    assert_eq!(json, serde_json::to_string_pretty(&whole).unwrap() + "\n");
    // Text: a line per event, a blank line, then the run's summary as without --trace.
    let text = ok(&with(&args, &["--trace"]));
    let lines: Vec<String> = rows.iter().map(api::TraceRow::line).collect();
    let summary = ok(&args);
    assert_eq!(text, lines.join("\n") + "\n\n" + &summary);
    assert!(rows.len() > 100 && summary.contains(&report.trace_hash));
}

#[test]
fn scale_runs_one_second_slices_and_counts_every_violation() {
    let scale = |variant: &'static str, jobs: &'static str| {
        let mut v = ok_json(&[
            "scale",
            "replica-cascade",
            "--variant",
            variant,
            "--rate",
            "300",
            "--seconds",
            "4",
            "--seed",
            "5",
            "--jobs",
            jobs,
            "--json",
        ]);
        for k in ["elapsed_ms", "events_per_s", "jobs"] {
            v.as_object_mut().unwrap().remove(k);
        }
        v
    };
    let naive = scale("naive", "2");
    assert_eq!(naive, scale("naive", "1"));
    assert_eq!(naive["changes"], 1200);
    assert_eq!(naive["simulated_s"], 4);
    assert_eq!(naive["knobs"]["people"], 300);
    // Each slice is the scenario with the scale set-up, one seed after another.
    let s = racelab::scenarios::builtin("replica-cascade").unwrap();
    let config = RunConfig {
        variant: Some("naive".into()),
        knobs: [("people", 300), ("move_window_s", 2), ("consumers", 1000)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        ..RunConfig::default()
    };
    let lib = api::sweep(&s, &config, 5, 4).unwrap();
    let mut violations = 0;
    for seed in 5..9 {
        violations += api::run(&s, &config, seed).unwrap().violations.len() as u64;
    }
    assert!(violations > 0);
    assert_eq!(naive["violations"], violations);
    assert_eq!(naive["affected_leads"], lib.affected_leads);
    assert_eq!(naive["leads"], 1200);
    assert_eq!(naive["events"], lib.events);
    let fixed = scale("fixed", "2");
    assert_eq!(fixed["violations"], 0);
    assert_eq!(fixed["lead_rate"], 0.0);
    // The text says the same in words.
    let text = ok(&[
        "scale",
        "replica-cascade",
        "--rate",
        "300",
        "--seconds",
        "4",
        "--seed",
        "5",
    ]);
    for part in [
        "replica-cascade / naive: 300 changes a second for 4 s (4 one-second slices, seeds 5 to 8)",
        "changes:         1,200",
        &format!("violations:      {violations} ("),
        "at 500,000,000 leads a day, about",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }
}

#[test]
fn scale_refuses_what_it_cannot_run() {
    let out = racelab(&["scale", "list-queue"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no scale set-up"));
    let out = racelab(&["scale", "replica-cascade", "--set", "people=3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rate sets the changes a second"));
}
