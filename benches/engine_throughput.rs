//! Engine throughput: simulated trace events per second on `list-queue` scaled to 10,000
//! people (run with `cargo bench`). A figure to report, not a pass/fail test.

// Measures elapsed wall time for its reports (clippy.toml keeps clocks out of the engine).
#![allow(clippy::disallowed_methods)]

use racelab::engine::{compile, RunConfig, SeededChooser, Sim};
use std::time::Instant;

fn main() {
    let scenario = racelab::scenarios::builtin("list-queue").expect("built in");
    for variant in ["naive", "fixed"] {
        let config = RunConfig {
            variant: Some(variant.to_string()),
            knobs: [("people".to_string(), 10_000)].into_iter().collect(),
            ..RunConfig::default()
        };
        let model = compile(&scenario, &config).expect("compiles");
        // Warm up once, then measure several seeds.
        Sim::new(&model)
            .run(&mut SeededChooser::new(0))
            .expect("runs");
        let start = Instant::now();
        let mut events = 0usize;
        let seeds = 10;
        for seed in 1..=seeds {
            events += Sim::new(&model)
                .run(&mut SeededChooser::new(seed))
                .expect("runs")
                .events;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "list-queue/{variant} at 10,000 people: {} events per run, {:.1} million events/s ({:.1} ms per run)",
            events / seeds as usize,
            events as f64 / secs / 1e6,
            secs * 1000.0 / seeds as f64
        );
    }
}
