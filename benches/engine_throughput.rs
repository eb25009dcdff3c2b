//! Engine throughput: simulated trace events per second on `list-queue` scaled to 10,000
//! people (run with `cargo bench`), one run reset between seeds as `racelab sweep` runs
//! them. A figure to report, not a pass/fail test. Both the thread's CPU time (what the
//! engine costs, whatever else the machine runs) and the wall time are reported.

// Measures elapsed wall time for its reports (clippy.toml keeps clocks out of the engine).
#![allow(clippy::disallowed_methods)]

use racelab::engine::{compile, RunConfig, SeededChooser, Sim};
use std::time::Instant;

#[path = "common/cpu.rs"]
mod cpu;

fn main() {
    let scenario = racelab::scenarios::builtin("list-queue").expect("built in");
    for variant in ["naive", "fixed"] {
        let config = RunConfig {
            variant: Some(variant.to_string()),
            knobs: [("people".to_string(), 10_000)].into_iter().collect(),
            ..RunConfig::default()
        };
        let model = compile(&scenario, &config).expect("compiles");
        // Warm up once, then measure several seeds on one run reset between seeds, as a
        // sweep runs them (its memory is reused).
        let mut sim = Sim::new(&model);
        sim.run(&mut SeededChooser::new(0)).expect("runs");
        let (start, cpu_start) = (Instant::now(), cpu::cpu_seconds());
        let mut events = 0usize;
        let seeds = 10;
        for seed in 1..=seeds {
            sim.reset();
            events += sim.run(&mut SeededChooser::new(seed)).expect("runs").events;
        }
        let secs = start.elapsed().as_secs_f64();
        let cpu = match (cpu_start, cpu::cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => secs,
        };
        println!(
            "list-queue/{variant} at 10,000 people: {} events per run, {:.1} million events/s of CPU time ({:.1} ms per run); wall time {:.1} million events/s",
            events / seeds as usize,
            events as f64 / cpu / 1e6,
            cpu * 1000.0 / seeds as f64,
            events as f64 / secs / 1e6,
        );
    }
}
