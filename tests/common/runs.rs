//! Runs of the built-in scenarios as most tests set them up: a scenario from the library by
//! id, and a run config naming a variant and, where the test needs them, knob values.

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
