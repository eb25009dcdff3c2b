//! The fuzzer: a deterministic generator (fixed seeds) feeds more than a million generated
//! and mutated share links and scenario files to the decoder, the validator and a bounded
//! run. Nothing may panic or hang, no run may take 10 s or be estimated over 1 GB, and every
//! refusal is a clear message: not empty, and without Rust's debug notation.
//!
//! Most cases exercise decoding and validation (cheap); a few thousand compile with
//! absurd but in-range knob values, and a few hundred of those run. Every knob of every
//! built-in variant at its minimum and maximum (and all knobs at once) must run in bounds,
//! with the size estimate within its stated factor of the real event count.
// Each case's wall time is measured: no case may take 10 s (the brief of these tests).
#![allow(clippy::disallowed_methods)]

use crate::common::codec::Gen;
use racelab::codec;
use racelab::engine::bounds::{self, ESTIMATE_FACTOR, ESTIMATE_SLACK, MAX_RUN_BYTES};
use racelab::engine::{compile, validate, RunConfig, Scenario, SeededChooser, Sim};
use racelab::spec::{RunSpec, ScenarioSource};
use serde_json::{json, Value as Json};
use std::time::{Duration, Instant};

/// The longest any one case may take.
const CASE_LIMIT: Duration = Duration::from_secs(10);
/// All knobs at their maxima (or minima) at once: the estimate may be this many times the
/// real count (arrival windows longer than the horizon leave most events for after it).
const ALL_KNOBS_FACTOR: u64 = 100;
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A refusal must read as a sentence for a Marketo admin, not as Rust.
fn assert_clear(message: &str, input: &str) {
    let short: String = input.chars().take(120).collect();
    assert!(!message.trim().is_empty(), "empty message for {short:?}");
    for noise in [
        "Some(",
        "None)",
        "Err(",
        "Ok(",
        "panicked",
        "unwrap",
        "RunError",
        "ScenarioError",
        "LinkError",
        "Invalid {",
        "TooLarge",
    ] {
        assert!(
            !message.contains(noise),
            "debug noise `{noise}` in {message:?} for {short:?}"
        );
    }
}

/// A link through the whole pipeline: decode, then (when it opens) resolve and compile. A
/// compile that fits is run only when `run` says so and it is small. Returns whether it ran.
fn through_pipeline(link: &str, run: bool) -> bool {
    let start = Instant::now();
    let spec = match codec::decode(link) {
        Ok(spec) => spec,
        Err(e) => {
            assert_clear(&e.to_string(), link);
            return false;
        }
    };
    let ran = compile_and_maybe_run(&spec, run, link);
    assert!(
        start.elapsed() < CASE_LIMIT,
        "{link:?} took {:?}",
        start.elapsed()
    );
    ran
}

fn compile_and_maybe_run(spec: &RunSpec, run: bool, input: &str) -> bool {
    let (scenario, config) = match spec.resolve() {
        Ok(x) => x,
        Err(e) => {
            assert_clear(&e, input);
            return false;
        }
    };
    let model = match compile(&scenario, &config) {
        Ok(m) => m,
        Err(e) => {
            assert_clear(&e.to_string(), input);
            return false;
        }
    };
    let est = bounds::estimate(&model);
    assert!(
        est.over().is_none() && est.bytes <= MAX_RUN_BYTES,
        "{est:?}"
    );
    if !run || est.events > 200_000 {
        return false;
    }
    let start = Instant::now();
    let mut sim = Sim::new(&model);
    if let Err(e) = sim.run(&mut SeededChooser::new(spec.seed)) {
        assert_clear(&e.to_string(), input);
    }
    assert!(
        start.elapsed() < CASE_LIMIT,
        "{input:?}: run took {:?}",
        start.elapsed()
    );
    true
}

/// One mutation of `link`: truncated, a character replaced, inserted or deleted, or a bit of
/// one character's value flipped.
fn mutate(g: &mut Gen, link: &str) -> String {
    let mut bytes = link.as_bytes().to_vec();
    let i = g.below(bytes.len() as u64 + 1) as usize;
    match g.below(5) {
        0 => bytes.truncate(i),
        1 if i < bytes.len() => bytes[i] = BASE64[g.below(64) as usize],
        2 => bytes.insert(i, BASE64[g.below(64) as usize]),
        3 if i < bytes.len() => {
            bytes.remove(i);
        }
        _ if i < bytes.len() => bytes[i] ^= 1 << g.below(7),
        _ => bytes.push(b'A'),
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A link to a built-in variant with every knob at an absurd but in-range value.
fn absurd_spec(g: &mut Gen) -> RunSpec {
    let ids: Vec<&str> = racelab::scenarios::ids().collect();
    let id = ids[g.below(ids.len() as u64) as usize];
    let s = racelab::scenarios::builtin(id).unwrap();
    let mut spec = RunSpec::builtin(id);
    spec.variant = s.variants[g.below(s.variants.len() as u64) as usize]
        .name
        .clone();
    for k in &s.knobs {
        let v = match g.below(4) {
            0 => k.min,
            1 => k.max,
            2 => k.default,
            _ => k.min + g.below((k.max - k.min) as u64 + 1) as i64,
        };
        spec.knobs.insert(k.name.clone(), v);
    }
    spec.seed = g.u64();
    spec
}

#[test]
fn a_million_links_and_scenario_files() {
    let start = Instant::now();
    let mut g = Gen::new(16);
    let (mut cases, mut runs) = (0u64, 0u64);
    // Real links: the golden ones, built-in runs, and runs with absurd in-range knobs.
    let mut links: Vec<String> = crate::common::codec::golden()
        .into_iter()
        .map(|(_, link)| link.to_string())
        .collect();
    for _ in 0..400 {
        let spec = absurd_spec(&mut g);
        links.push(codec::encode(&spec));
        cases += 1;
        runs += u64::from(compile_and_maybe_run(&spec, runs < 300, "absurd knobs"));
    }
    for _ in 0..200 {
        links.push(codec::encode(&g.spec()));
    }
    // Mutations of the real links: each goes through the pipeline (a mutation that still
    // opens is compiled, rarely run).
    while cases < 1_000_000 {
        let base = &links[g.below(links.len() as u64) as usize];
        let mut link = mutate(&mut g, base);
        for _ in 0..g.below(3) {
            link = mutate(&mut g, &link);
        }
        runs += u64::from(through_pipeline(&link, runs < 400 && g.chance(50)));
        cases += 1;
    }
    // Generated links, mostly unlike any real one.
    for _ in 0..20_000 {
        let text = match g.below(3) {
            0 => format!("1.{}", g.string(200)),
            1 => g.string(60),
            _ => format!("https://x/#{}.{}", g.below(20), g.string(40)),
        };
        through_pipeline(&text, false);
        cases += 1;
    }
    cases += scenario_files(&mut g);
    let took = start.elapsed();
    eprintln!("fuzz: {cases} cases, {runs} runs, {took:?}");
    assert!(
        cases >= 1_000_000 && runs >= 100,
        "{cases} cases, {runs} runs"
    );
}

/// Mutated and hostile scenario files through parsing and validation; returns the count.
fn scenario_files(g: &mut Gen) -> u64 {
    let mut cases = 0;
    let sources: Vec<&str> = racelab::scenarios::ids()
        .filter_map(racelab::scenarios::source)
        .collect();
    for _ in 0..3_000 {
        let src = sources[g.below(sources.len() as u64) as usize];
        let mut bytes = src.as_bytes().to_vec();
        for _ in 0..=g.below(3) {
            let i = g.below(bytes.len() as u64) as usize;
            match g.below(3) {
                0 => bytes.truncate(i.max(1)),
                1 => bytes[i] = b"0123456789{}[]\",:"[g.below(17) as usize],
                _ => bytes[i] ^= 1 << g.below(7),
            }
        }
        file_case(&String::from_utf8_lossy(&bytes));
        cases += 1;
    }
    for text in hostile_files() {
        file_case(&text);
        cases += 1;
    }
    cases
}

/// One file: parse, validate, and (when it is valid) compile and run it bounded.
fn file_case(text: &str) {
    let start = Instant::now();
    match racelab::scenarios::parse(text) {
        Err(e) => assert_clear(&e.to_string(), text),
        Ok(s) => match validate(&s) {
            Err(e) => assert_clear(&e.to_string(), text),
            Ok(()) => {
                let spec = RunSpec {
                    scenario: ScenarioSource::Custom(text.to_string()),
                    ..RunSpec::builtin("list-queue")
                };
                run_scenario(&s, &spec, text);
            }
        },
    }
    assert!(
        start.elapsed() < CASE_LIMIT,
        "a file took {:?}",
        start.elapsed()
    );
}

fn run_scenario(s: &Scenario, spec: &RunSpec, text: &str) {
    let model = match compile(s, &RunConfig::default()) {
        Ok(m) => m,
        Err(e) => return assert_clear(&e.to_string(), text),
    };
    if bounds::estimate(&model).events <= 200_000 {
        let mut sim = Sim::new(&model);
        if let Err(e) = sim.run(&mut SeededChooser::new(spec.seed)) {
            assert_clear(&e.to_string(), text);
        }
    }
}

/// Deep nesting, request loops, huge strings and counts.
fn hostile_files() -> Vec<String> {
    let base = || -> Json {
        json!({
            "id": "hostile", "title": "hostile", "horizon": 86_400_000,
            "fields": [{ "name": "note", "type": "text" }],
            "people": [{ "count": 10 }],
            "systems": { "queue": { "trigger_workers": 1, "batch_workers": 1,
                "step_time": { "fixed": 100 }, "trigger_delay": { "fixed": 0 },
                "request_cap": 100 } },
            "campaigns": [],
        })
    };
    let mut out = Vec::new();
    // JSON nested far past any real scenario.
    for depth in [100, 1_000, 100_000] {
        out.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        out.push(format!(
            "{{\"id\": {}1{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        ));
    }
    // Choices nested in choices.
    for depth in [5, 20, 60] {
        let mut action = json!("do_nothing");
        for _ in 0..depth {
            action = json!({ "choice": { "branches": [
                { "when": [{ "field": { "field": "note", "test": "is_empty" } }], "then": action }
            ] } });
        }
        let mut s = base();
        s["campaigns"] = json!([{ "name": "C", "qualification": "every_time",
            "smart_list": { "triggers": [{ "campaign_is_requested": {} }] },
            "flow": [action] }]);
        s["script"] = json!([{ "at": { "fixed": 0 }, "people": "all",
            "event": { "request_campaign": "C" } }]);
        out.push(s.to_string());
    }
    // Request Campaign loops, with small and absurd caps.
    for cap in [1u64, 100, 1_000_000, u32::MAX as u64] {
        let ping = |name: &str, other: &str| {
            json!({ "name": name, "qualification": "every_time",
                    "smart_list": { "triggers": [{ "campaign_is_requested": {} }] },
                    "flow": [{ "request_campaign": other }] })
        };
        let mut s = base();
        s["systems"]["queue"]["request_cap"] = json!(cap);
        s["campaigns"] = json!([ping("Ping", "Pong"), ping("Pong", "Ping")]);
        s["script"] = json!([{ "at": { "fixed": 0 }, "people": "all",
            "event": { "request_campaign": "Ping" } }]);
        out.push(s.to_string());
    }
    // Execute Campaign chains deeper than Marketo allows.
    let mut s = base();
    let chain: Vec<Json> = (0..50)
        .map(|i| json!({ "name": format!("E{i}"), "flow": [{ "execute_campaign": format!("E{}", i + 1) }] }))
        .chain([json!({ "name": "E50", "flow": [] })])
        .collect();
    s["campaigns"] = Json::Array(chain);
    out.push(s.to_string());
    // Huge strings and counts.
    let mut s = base();
    s["title"] = json!("t".repeat(5 << 20));
    out.push(s.to_string());
    let mut s = base();
    s["people"] = json!([{ "count": 100_000, "fields": { "note": "{n}".repeat(10_000) } }]);
    out.push(s.to_string());
    let mut s = base();
    s["people"] = json!([{ "count": i64::MAX }]);
    out.push(s.to_string());
    let mut s = base();
    s["campaigns"] = Json::Array(
        (0..1_000)
            .map(|i| json!({ "name": format!("C{i}") }))
            .collect(),
    );
    out.push(s.to_string());
    out
}

/// A knob setting to try: its name, the knob values, and the estimate's allowed factor.
type Setting = (String, Vec<(String, i64)>, u64);

#[test]
fn every_knob_of_every_variant_at_min_and_max_runs_within_bounds() {
    let mut cases = 0;
    for id in racelab::scenarios::ids() {
        let s = racelab::scenarios::builtin(id).unwrap();
        for v in &s.variants {
            let mut settings: Vec<Setting> = Vec::new();
            for k in &s.knobs {
                for (end, value) in [("min", k.min), ("max", k.max)] {
                    let name = format!("{}={end}", k.name);
                    settings.push((name, vec![(k.name.clone(), value)], ESTIMATE_FACTOR));
                }
            }
            for (name, pick) in [("all at min", true), ("all at max", false)] {
                let all = (s.knobs.iter())
                    .map(|k| (k.name.clone(), if pick { k.min } else { k.max }))
                    .collect();
                settings.push((name.to_string(), all, ALL_KNOBS_FACTOR));
            }
            for (name, knobs, factor) in settings {
                let what = format!("{id}/{} {name}", v.name);
                let config = RunConfig {
                    variant: Some(v.name.clone()),
                    knobs: knobs.into_iter().collect(),
                    ..RunConfig::default()
                };
                let start = Instant::now();
                let model = compile(&s, &config)
                    .unwrap_or_else(|e| panic!("{what} is refused, but in range: {e}"));
                let est = bounds::estimate(&model);
                assert!(est.over().is_none(), "{what}: {est:?}");
                let mut sim = Sim::new(&model);
                sim.run(&mut SeededChooser::new(0))
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                let real = sim.trace.len() as u64;
                assert!(
                    start.elapsed() < CASE_LIMIT,
                    "{what}: {:?}",
                    start.elapsed()
                );
                assert!(
                    real <= 2 * est.events,
                    "{what}: {real} events, estimate {est:?}"
                );
                assert!(
                    est.events <= factor * real + ESTIMATE_SLACK,
                    "{what}: {real} events, estimate {est:?}"
                );
                cases += 1;
            }
        }
    }
    assert!(cases > 1_000, "{cases}");
}
