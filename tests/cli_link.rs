//! `racelab link` and `racelab run --link`: a share link made on the command line opens to
//! the same run as the options it was made from (a scenario file and a schedule travel inside
//! it), uses the app's defaults, and a bad link exits with code 2 and says why.

use crate::common::cli::{fails, ok, ok_json, temp_file};
use serde_json::Value as Json;

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
    // The app's defaults, opened on the scenario's run rather than the library.
    assert_eq!(
        spec,
        racelab::spec::RunSpec::builtin("list-queue").opened_from_link()
    );
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

// ---- Lesson links: `racelab link … --lesson [N]` ----

#[test]
fn a_lesson_link_teaches_a_violation_the_run_shows() {
    use racelab::spec::{Lesson, Tab};
    // The race variant and the first seed (from 1) whose run shows the violation.
    for (id, args, violation, fix) in [
        ("list-queue", vec!["--lesson"], 0, None),
        (
            "list-queue",
            vec!["--lesson", "2", "--fix", "fenced"],
            1,
            Some("fenced"),
        ),
        ("free-trial", vec!["--lesson"], 0, None),
    ] {
        let l = link(&[&[id][..], &args].concat());
        let spec = racelab::codec::decode(&l).unwrap();
        assert_eq!(spec.view.tab, Tab::Run, "{l}");
        assert_eq!(
            spec.view.lesson,
            Some(Lesson {
                violation,
                fix: fix.map(str::to_string),
            })
        );
        let scenario = racelab::scenarios::builtin(id).unwrap();
        assert_eq!(spec.variant, racelab::api::lesson_race(&scenario).unwrap());
        let run = ok_json(&["run", "--link", &l, "--json"]);
        let shown = run["violations"].as_array().unwrap().len();
        assert!(shown > violation as usize, "{id}: {shown} violations");
        // No earlier seed shows it.
        for seed in 1..spec.seed {
            let other = ok_json(&[
                "run",
                id,
                "--variant",
                &spec.variant,
                "--seed",
                &seed.to_string(),
                "--json",
            ]);
            assert!(other["violations"].as_array().unwrap().len() <= violation as usize);
        }
    }
    // A seed given is kept, and must show the violation.
    let l = link(&["list-queue", "--lesson", "--seed", "1"]);
    assert_eq!(racelab::codec::decode(&l).unwrap().seed, 1);
    let err = fails(&["link", "list-queue", "--lesson", "999", "--seed", "1"]);
    assert!(err.contains("does not show 999 violations"), "{err}");
    let err = fails(&["link", "list-queue", "--variant", "fixed", "--lesson"]);
    assert!(err.contains("no race to teach"), "{err}");
    let err = fails(&["link", "list-queue", "--lesson", "--fix", "nope"]);
    assert!(
        err.contains("--fix: the scenario has no variant `nope`"),
        "{err}"
    );
    assert!(fails(&["link", "list-queue", "--fix", "fixed"]).contains("--lesson"));
    assert!(fails(&["link", "list-queue", "--lesson", "0"]).contains("0"));
    // Without --lesson, no lesson.
    let plain = racelab::codec::decode(&link(&["list-queue"])).unwrap();
    assert_eq!(plain.view.lesson, None);
}
