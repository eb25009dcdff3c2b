//! Runs with injected outside events, as the injection tests set them up: a run config with
//! a variant and injections, one injection, and the run as the app's timeline shows it.

use racelab::api::{self, RunView};
use racelab::engine::scenario::{Injection, OutsideEvent, PeopleSelector};
use racelab::engine::{RunConfig, Scenario};

/// Variant `variant` at default knobs, with `injections`.
pub fn config(variant: &str, injections: Vec<Injection>) -> RunConfig {
    RunConfig {
        injections,
        ..crate::common::config(variant)
    }
}

pub fn inject(at_ms: u64, people: PeopleSelector, event: OutsideEvent) -> Injection {
    Injection {
        at_ms,
        people,
        event,
    }
}

pub fn run(s: &Scenario, c: &RunConfig, seed: u64) -> RunView {
    api::run_view(s, c, seed, &[]).unwrap_or_else(|e| panic!("{}: {e}", s.id))
}
