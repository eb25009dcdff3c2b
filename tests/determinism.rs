//! Determinism: a run is a pure function of scenario, variant, knobs and the chooser's
//! answers. Same seed ⇒ same trace; a recorded run replays; a cloned simulation continues
//! identically; stopping and resuming changes nothing; how the scenario was made (read from
//! JSON or built in code) and texts no run uses change nothing either.

use crate::common::{builtin, config, config_with};
use racelab::engine::scenario::from_value;
use racelab::engine::scenario::Injection;
use racelab::engine::sim::SimState;
use racelab::engine::trace::trace_hash;
use racelab::engine::value::RUNTIME_WORDS;
use racelab::engine::{
    compile, Model, Recorder, RunConfig, Scenario, ScriptedChooser, SeededChooser, Sim,
};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Both built-in scenarios in both variants; knobs turned so that runs are busy.
fn configs() -> Vec<(&'static str, RunConfig)> {
    let mut out = Vec::new();
    for id in ["alert-before-owner", "list-queue"] {
        for variant in ["naive", "fixed"] {
            out.push((id, config_with(variant, &[("people", 30)])));
        }
    }
    out
}

fn model(id: &str, config: &RunConfig) -> Model {
    compile(&builtin(id), config).expect("compiles")
}

fn std_hash(state: &SimState) -> u64 {
    let mut h = DefaultHasher::new();
    state.hash(&mut h);
    h.finish()
}

#[test]
fn same_inputs_give_the_same_trace_and_hash() {
    for (id, config) in configs() {
        let m = model(id, &config);
        let mut a = Sim::new(&m);
        let mut b = Sim::new(&m);
        let out_a = a.run(&mut SeededChooser::new(7)).unwrap();
        let out_b = b.run(&mut SeededChooser::new(7)).unwrap();
        assert!(a.trace.len() > 50, "{id}: a busy run");
        assert_eq!(a.trace, b.trace, "{id} {:?}", config.variant);
        assert_eq!(out_a, out_b);
        assert_eq!(out_a.trace_hash, Some(trace_hash(&a.trace)));
        assert_eq!(a.state, b.state);
        // The facade gives the same run.
        let s = builtin(id);
        let report = racelab::api::run(&s, &config, 7).unwrap();
        assert_eq!(report.trace_hash, out_a.trace_hash_hex());
        assert_eq!(report.events, a.trace.len());
        assert_eq!(report, racelab::api::run(&s, &config, 7).unwrap());
        // As does the summary the web page shows.
        let variant = config.variant.as_deref().unwrap();
        let summary = racelab::api::run_builtin(id, variant, 7).unwrap();
        let defaults = racelab::api::run(
            &s,
            &RunConfig {
                knobs: Default::default(),
                ..config.clone()
            },
            7,
        )
        .unwrap();
        assert_eq!(summary.trace_hash_hex(), defaults.trace_hash);
    }
}

#[test]
fn different_seeds_give_different_runs() {
    for (id, config) in configs() {
        let s = builtin(id);
        let hashes: std::collections::BTreeSet<String> = (1..=5)
            .map(|seed| racelab::api::run(&s, &config, seed).unwrap().trace_hash)
            .collect();
        assert_eq!(
            hashes.len(),
            5,
            "{id} {:?}: five seeds, five runs",
            config.variant
        );
    }
}

#[test]
fn knobs_change_the_run() {
    let s = builtin("list-queue");
    let mut config = config("naive");
    let base = racelab::api::run(&s, &config, 3).unwrap();
    config.knobs.insert("trigger_delay_s".into(), 600);
    let slower = racelab::api::run(&s, &config, 3).unwrap();
    assert_ne!(base.trace_hash, slower.trace_hash);
}

#[test]
fn a_recorded_run_replays_through_a_scripted_chooser() {
    for (id, config) in configs() {
        let m = model(id, &config);
        let mut rec = Recorder::new(SeededChooser::new(11));
        let mut first = Sim::new(&m);
        let out = first.run(&mut rec).unwrap();
        assert!(!rec.log.is_empty(), "{id}: the run made choices");
        let mut replay = ScriptedChooser::new(rec.answers());
        let mut second = Sim::new(&m);
        let out2 = second.run(&mut replay).unwrap();
        assert_eq!(first.trace, second.trace, "{id} {:?}", config.variant);
        assert_eq!(out, out2);
        assert!(replay.exhausted(), "every recorded answer was used");
        assert_eq!(replay.clamped, 0);
    }
}

#[test]
fn a_cloned_simulation_continues_identically() {
    for (id, config) in configs() {
        let m = model(id, &config);
        let mut a = Sim::new(&m);
        let mut ch_a = SeededChooser::new(5);
        for _ in 0..200 {
            assert!(
                a.step(&mut ch_a).unwrap(),
                "{id}: still running after 200 steps"
            );
        }
        let mut b = a.clone();
        let mut ch_b = ch_a.clone();
        assert_eq!(a.state, b.state);
        assert_eq!(std_hash(&a.state), std_hash(&b.state));
        let out_a = a.run(&mut ch_a).unwrap();
        let out_b = b.run(&mut ch_b).unwrap();
        assert_eq!(a.trace, b.trace, "{id} {:?}", config.variant);
        assert_eq!(out_a, out_b);
        assert_eq!(a.state, b.state);
        assert_eq!(std_hash(&a.state), std_hash(&b.state));
        // And both equal a run that was never cloned.
        let mut c = Sim::new(&m);
        c.run(&mut SeededChooser::new(5)).unwrap();
        assert_eq!(c.trace, a.trace);
        assert_eq!(c.state, a.state);
    }
}

#[test]
fn states_differ_when_runs_differ() {
    let (id, config) = &configs()[2];
    let m = model(id, config);
    let mut a = Sim::new(&m);
    let mut b = Sim::new(&m);
    a.run(&mut SeededChooser::new(1)).unwrap();
    b.run(&mut SeededChooser::new(2)).unwrap();
    assert_ne!(a.state, b.state);
    assert_ne!(std_hash(&a.state), std_hash(&b.state));
}

#[test]
fn stopping_and_resuming_equals_one_uninterrupted_run() {
    for (id, config) in configs() {
        let m = model(id, &config);
        let mut whole = Sim::new(&m);
        let out = whole.run(&mut SeededChooser::new(9)).unwrap();
        let mut parts = Sim::new(&m);
        let mut ch = SeededChooser::new(9);
        // Stop halfway through the trace, then resume in uneven slices.
        let half = whole.trace[whole.trace.len() / 2].time;
        let left = parts.run_until(half, &mut ch).unwrap();
        assert!(left, "{id}: something is left after the first half");
        assert!(parts.trace.iter().all(|e| e.time <= half));
        assert!(parts.trace.len() < whole.trace.len());
        let mut t = half;
        while parts.run_until(t, &mut ch).unwrap() {
            t += m.horizon / 7;
        }
        assert!(parts.is_done());
        let out2 = parts.run(&mut ch).unwrap();
        assert_eq!(whole.trace, parts.trace, "{id} {:?}", config.variant);
        assert_eq!(out, out2);
        assert_eq!(whole.state, parts.state);
    }
}

/// Every variant of `s` (and the scenario as written), with its first scripted event
/// injected again at one second.
fn every_variant(s: &Scenario) -> Vec<RunConfig> {
    let injections: Vec<Injection> = s
        .script
        .first()
        .map(|e| Injection {
            at_ms: 1_000,
            people: e.people.clone(),
            event: e.event.clone(),
        })
        .into_iter()
        .collect();
    let variants = s.variants.iter().map(|v| Some(v.name.clone()));
    variants
        .chain([None])
        .map(|variant| RunConfig {
            variant,
            injections: injections.clone(),
            ..RunConfig::default()
        })
        .collect()
}

/// A scenario read from JSON patches its systems as written; the same scenario serialised
/// and read back (as code builds one, without its JSON) patches a serialisation of them.
/// Both run the same in every built-in scenario and variant.
#[test]
fn a_scenario_read_from_json_runs_as_the_same_scenario_built_in_code() {
    for id in racelab::scenarios::ids() {
        let s = builtin(id);
        let plain = from_value::<Scenario>(&serde_json::to_value(&s).unwrap()).unwrap();
        assert!(s.written.json().is_some() && plain.written.json().is_none());
        for config in every_variant(&s) {
            let (a, b) = (
                compile(&s, &config).unwrap(),
                compile(&plain, &config).unwrap(),
            );
            assert_eq!(a.syms, b.syms);
            for seed in [1, 2] {
                let (mut x, mut y) = (Sim::new(&a), Sim::new(&b));
                let out = x.run(&mut SeededChooser::new(seed)).unwrap();
                assert_eq!(out, y.run(&mut SeededChooser::new(seed)).unwrap());
                assert_eq!(x.trace, y.trace, "{id} {:?} seed {seed}", config.variant);
            }
        }
    }
}

/// Text ids follow the order of the texts a model uses (the simulator's own words first),
/// so texts no run uses, such as the lesson or a variant's description, leave every id and
/// every trace hash as it is.
#[test]
fn text_ids_depend_only_on_the_texts_a_model_uses() {
    for id in racelab::scenarios::ids() {
        let s = builtin(id);
        let mut reworded = s.clone();
        reworded.lesson = "A lesson rewritten from scratch.".into();
        reworded.summary = "000 first in any sorted order".into();
        for v in &mut reworded.variants {
            v.description = format!("~ {}", v.description);
        }
        for config in every_variant(&s) {
            let m = compile(&s, &config).unwrap();
            let texts: Vec<&str> = (0..m.syms.len()).map(|i| m.syms.text(i as u32)).collect();
            let (words, rest) = texts.split_at(RUNTIME_WORDS.len());
            assert_eq!(words, RUNTIME_WORDS);
            assert!(rest.windows(2).all(|w| w[0] < w[1]), "{id}: {rest:?}");
            assert_eq!(compile(&reworded, &config).unwrap().syms, m.syms);
            let run = |s: &Scenario| racelab::api::run(s, &config, 3).unwrap().trace_hash;
            assert_eq!(run(&reworded), run(&s), "{id} {:?}", config.variant);
        }
    }
}

#[test]
fn a_reset_run_is_the_run_a_new_sim_makes() {
    for (id, config) in configs() {
        let m = model(id, &config);
        // One Sim, reset between seeds (as a sweep does), against a new Sim per seed.
        let mut reused = Sim::new(&m);
        for seed in 0..12 {
            reused.reset();
            assert_eq!(
                reused.state,
                SimState::new(&m),
                "{id}: reset before seed {seed}"
            );
            let again = reused.run(&mut SeededChooser::new(seed)).expect("runs");
            let mut fresh = Sim::new(&m);
            let first = fresh.run(&mut SeededChooser::new(seed)).expect("runs");
            assert_eq!(again.trace_hash, first.trace_hash, "{id} seed {seed}");
            assert_eq!(again.violations, first.violations, "{id} seed {seed}");
            assert_eq!(reused.trace, fresh.trace, "{id} seed {seed}");
            assert_eq!(reused.state, fresh.state, "{id} seed {seed}");
        }
    }
}
