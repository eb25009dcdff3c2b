//! Exploration speed (run with `cargo bench --bench explore`): the exhaustive search of
//! `list-queue` with its two drain campaigns and 3 people (the set-up of `docs/explore.md`),
//! with and without the reduction; the cost of stopping at a decision point by copying the
//! run versus re-running it from the start; sampled runs per second. Figures to report, not
//! pass/fail tests.

// Measures elapsed wall time for its reports (clippy.toml keeps clocks out of the engine).
#![allow(clippy::disallowed_methods)]

use racelab::engine::explore::{self, ExploreConfig, SampleConfig, Strategy};
use racelab::engine::{compile, Model, ReplayThenSeed, RunConfig, Sim};
use std::time::Instant;

fn model(variant: &str, knobs: &[(&str, i64)]) -> Model {
    let scenario = racelab::scenarios::builtin("list-queue").expect("built in");
    let config = RunConfig {
        variant: Some(variant.to_string()),
        knobs: knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..RunConfig::default()
    };
    compile(&scenario, &config).expect("compiles")
}

/// The fastest of `n` timings of `f`, in seconds.
fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..n {
        let start = Instant::now();
        let r = f();
        best = best.min(start.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("ran"))
}

fn exhaustive() {
    println!("exhaustive search, list-queue, 2 drain campaigns x 3 people (best of 3):");
    for variant in ["naive", "recheck", "fixed"] {
        let m = model(variant, racelab::scenarios::explore_setup("list-queue"));
        for reduction in [true, false] {
            let config = ExploreConfig {
                reduction,
                ..ExploreConfig::default()
            };
            let (secs, r) = best_of(3, || explore::explore(&m, &config).expect("explores"));
            println!(
                "  {variant:<8} reduction {:<3}: {:>6} states, {:>6} visits, {:>6} steps, {:>5} end states ({} violating), {:>7.3} s, {:>7.0} states/s",
                if reduction { "on" } else { "off" },
                r.states,
                r.visits,
                r.steps,
                r.end_states,
                r.violating_end_states,
                secs,
                r.states as f64 / secs
            );
        }
    }
}

/// Copying a run at a decision point versus re-running it from the start to that point.
fn copy_versus_rerun() {
    let m = model("fixed", racelab::scenarios::explore_setup("list-queue"));
    // One whole run's schedule (every decision's answer), to re-run any prefix of it.
    let mut sim = Sim::new(&m);
    let mut rec = racelab::engine::Recorder::new(ReplayThenSeed::new(Vec::new(), 3));
    let mut steps = 0;
    while sim.step(&mut rec).expect("steps") {
        steps += 1;
    }
    let answers = rec.answers();
    // Time both at every step of the run.
    let reps = 200;
    let (mut copy_secs, mut rerun_secs, mut step_secs) = (0.0, 0.0, 0.0);
    let mut sim = Sim::new(&m);
    let mut ch = ReplayThenSeed::new(answers.clone(), 3);
    for k in 0..steps {
        let start = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(sim.clone());
        }
        copy_secs += start.elapsed().as_secs_f64() / reps as f64;
        let start = Instant::now();
        for _ in 0..reps / 20 {
            let mut again = Sim::new(&m);
            let mut c = ReplayThenSeed::new(answers.clone(), 3);
            for _ in 0..k {
                again.step(&mut c).expect("steps");
            }
            std::hint::black_box(again);
        }
        rerun_secs += start.elapsed().as_secs_f64() / (reps / 20) as f64;
        let start = Instant::now();
        sim.step(&mut ch).expect("steps");
        step_secs += start.elapsed().as_secs_f64();
    }
    let n = steps as f64;
    println!(
        "stopping at a decision point (list-queue/fixed, one run of {steps} steps, averaged over its steps):"
    );
    println!(
        "  copy the run: {:.2} us; re-run from the start: {:.2} us; one step: {:.2} us",
        copy_secs / n * 1e6,
        rerun_secs / n * 1e6,
        step_secs / n * 1e6
    );
}

fn sampled() {
    let m = model("naive", &[]);
    println!("sampled search, list-queue/naive at default knobs (20 people):");
    for strategy in [Strategy::Random, Strategy::Pct { depth: 3 }] {
        let config = SampleConfig {
            strategy,
            runs: 2000,
            seed: 1,
        };
        let (secs, r) = best_of(3, || explore::sample(&m, &config).expect("samples"));
        println!(
            "  {:<14} {} runs, {} violating, {:.3} s, {:.0} runs/s",
            strategy.name(),
            r.runs,
            r.violating_runs,
            secs,
            r.runs as f64 / secs
        );
    }
}

fn main() {
    exhaustive();
    copy_versus_rerun();
    sampled();
}
