//! Scale: costs that must grow linearly with the number of people (run with
//! `cargo bench --bench scale`, or `cargo bench --bench scale -- ties` for one case).
//! Each case runs at n and at 4n people (the scenario's first variant, seeds 1 to 5) and
//! prints the CPU time of each and their ratio;
//! linear is a ratio near 4 (the target is at most 5). Figures to report, not a pass/fail
//! test (the machine's load shows in the absolute times, much less in the ratio).
//!
//! - `replica-cascade`: the built-in scenario (every person moves region once; the change
//!   feed's replica, queue and consumers), naive variant, 1,000 and 4,000 people.
//! - `ties`: people whose sign-ups fall on the same millisecond (every scripted event is a
//!   tie the chooser orders), 8,000 and 32,000 people, beside the same people spread out;
//!   then both again at 25,000 and 100,000 people (the most the scenario takes). The spread
//!   case has no ties, so its ratio is what memory alone adds at that size; the tie's cost is
//!   its ratio against that one.
//! - `batch-nobody`: a batch campaign that runs every minute for a day and whose smart list
//!   matches nobody, 25,000 and 100,000 people.

// Measures elapsed wall time for its reports (clippy.toml keeps clocks out of the engine).
#![allow(clippy::disallowed_methods)]

use racelab::engine::{compile, Model, RunConfig, Scenario, SeededChooser, Sim};
use racelab::scenarios::{builtin, parse};
use std::time::Instant;

/// People sign up (a form fill, which triggers a welcome email) at a uniform moment in
/// `0..=window_ms`: with a window of 0 every sign-up is at the same millisecond.
const SIGNUPS: &str = include_str!("scenarios/signups.json");

/// A batch campaign every minute for a day, for people none of whom is in the East.
const BATCH_NOBODY: &str = include_str!("scenarios/batch-nobody.json");

#[path = "common/cpu.rs"]
mod cpu;
use cpu::cpu_seconds;

/// Seeds each figure sums over (a run at 1,000 people can take a few milliseconds).
const SEEDS: u64 = 5;

/// The scenario compiled with `people` and the other knobs (its first variant).
fn model(scenario: &Scenario, people: i64, knobs: &[(&str, i64)]) -> Model {
    let config = RunConfig {
        variant: scenario.variants.first().map(|v| v.name.clone()),
        knobs: [("people", people)]
            .iter()
            .chain(knobs)
            .map(|&(k, v)| (k.to_string(), v))
            .collect(),
        ..RunConfig::default()
    };
    compile(scenario, &config).expect("compiles")
}

/// Seconds one seeded run takes, and its events: `sim` reset and run again, as a sweep
/// runs its seeds.
fn time_run(sim: &mut Sim, seed: u64) -> (f64, usize) {
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    sim.reset();
    let events = sim.run(&mut SeededChooser::new(seed)).expect("runs").events;
    let secs = match (cpu, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => wall.elapsed().as_secs_f64(),
    };
    (secs, events)
}

/// Runs a case at `n` and `4n` people (other knobs as given), seed by seed side by side
/// (so a change in the machine's load falls on both), and prints the ratio.
fn case(name: &str, scenario: &Scenario, n: i64, knobs: &[(&str, i64)]) {
    let (small_model, large_model) = (model(scenario, n, knobs), model(scenario, 4 * n, knobs));
    let (mut small_sim, mut large_sim) = (Sim::new(&small_model), Sim::new(&large_model));
    // A first run of each, not counted, leaves the memory the counted runs reuse.
    time_run(&mut small_sim, 0);
    time_run(&mut large_sim, 0);
    let (mut small, mut large) = (0.0, 0.0);
    let (mut small_events, mut large_events) = (0, 0);
    for seed in 1..=SEEDS {
        let (secs, events) = time_run(&mut small_sim, seed);
        small += secs;
        small_events += events;
        let (secs, events) = time_run(&mut large_sim, seed);
        large += secs;
        large_events += events;
    }
    let extra: Vec<String> = knobs.iter().map(|(k, v)| format!(" {k}={v}")).collect();
    println!(
        "{name}{}: {n} people {small:.3} s ({small_events} events), {} people {large:.3} s ({large_events} events), {SEEDS} seeds; ratio {:.2} (linear: 4, target <= 5)",
        extra.concat(),
        4 * n,
        large / small
    );
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o.as_str()));
    if wanted("replica-cascade") {
        let scenario = builtin("replica-cascade").expect("built in");
        case("replica-cascade", &scenario, 1_000, &[]);
    }
    if wanted("ties") {
        let scenario = parse(SIGNUPS).expect("the sign-up scenario reads");
        case(
            "ties (same millisecond)",
            &scenario,
            8_000,
            &[("window_ms", 0)],
        );
        case(
            "ties (spread over an hour)",
            &scenario,
            8_000,
            &[("window_ms", 3_600_000)],
        );
        // Four times bigger again: both ratios grow with memory (a run's data outgrows the
        // cache), the tie's no more than the spread one's if ties are linear.
        case(
            "ties (same millisecond), bigger",
            &scenario,
            25_000,
            &[("window_ms", 0)],
        );
        case(
            "ties (spread over an hour), bigger",
            &scenario,
            25_000,
            &[("window_ms", 3_600_000)],
        );
    }
    if wanted("batch-nobody") {
        let scenario = parse(BATCH_NOBODY).expect("the batch scenario reads");
        case(
            "batch-nobody (every minute, one day)",
            &scenario,
            25_000,
            &[],
        );
    }
}
