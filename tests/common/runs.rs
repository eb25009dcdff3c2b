//! Runs of the built-in scenarios as most tests set them up: a scenario from the library by
//! id, every (scenario, variant) of the library, a run config naming a variant and, where the
//! test needs them, knob values, and the knob set-up the app's Explore tab uses.

use racelab::engine::{RunConfig, Scenario};

/// Built-in scenario `id` (panics if the library has none).
pub fn builtin(id: &str) -> Scenario {
    racelab::scenarios::builtin(id).unwrap_or_else(|| panic!("no built-in scenario {id}"))
}

/// Variant `variant` with every knob at its default.
pub fn config(variant: &str) -> RunConfig {
    config_with::<&str>(variant, &[])
}

/// Variant `variant` with the knobs in `knobs` set and the others at their defaults.
pub fn config_with<K: AsRef<str>>(variant: &str, knobs: &[(K, i64)]) -> RunConfig {
    RunConfig {
        variant: Some(variant.to_string()),
        knobs: knobs
            .iter()
            .map(|(k, v)| (k.as_ref().to_string(), *v))
            .collect(),
        ..RunConfig::default()
    }
}

/// Every (scenario, variant) of the library.
pub fn every_variant() -> Vec<(Scenario, String)> {
    racelab::scenarios::all()
        .into_iter()
        .flat_map(|s| {
            let names: Vec<String> = s.variants.iter().map(|v| v.name.clone()).collect();
            names.into_iter().map(move |v| (s.clone(), v))
        })
        .collect()
}

/// list-queue with its two drain campaigns and 2 people, every delay but the re-queue time
/// collapsed to one value (the races then come from ties at the same millisecond), the
/// hourly batch every 2 hours: the set-up the app's Explore tab uses.
pub const SETUP: &[(&str, i64)] = &[
    ("people", 2),
    ("step_time_ms", 0),
    ("trigger_delay_s", 0),
    ("webhook_ms", 100),
    ("queue_window_h", 0),
    ("batch_every_min", 120),
];
