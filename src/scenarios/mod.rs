//! The built-in scenarios: data (JSON files beside this module, which double as examples of
//! the scenario format) plus their lesson text. Ids are stable: links and scripts use them.

use crate::engine::Scenario;

/// (id, JSON source) of every built-in scenario, in library order.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "alert-before-owner",
        include_str!("alert-before-owner.json"),
    ),
    (
        "sync-before-enrichment",
        include_str!("sync-before-enrichment.json"),
    ),
    (
        "lifecycle-overwrite",
        include_str!("lifecycle-overwrite.json"),
    ),
    ("list-queue", include_str!("list-queue.json")),
    ("job-checkpoint", include_str!("job-checkpoint.json")),
    ("lock-storm", include_str!("lock-storm.json")),
    ("replica-cascade", include_str!("replica-cascade.json")),
    (
        "form-autoresponder",
        include_str!("form-autoresponder.json"),
    ),
    ("free-trial", include_str!("free-trial.json")),
];

/// The ids of the built-in scenarios.
pub fn ids() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(id, _)| *id)
}

/// The JSON text of built-in scenario `id` (what "Export" downloads).
pub fn source(id: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(i, _)| *i == id).map(|(_, src)| *src)
}

/// What a library card shows of a scenario (read without parsing the whole scenario).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct CardInfo {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub race: String,
    #[serde(default)]
    pub control: bool,
}

/// The card of every built-in scenario, in library order.
pub fn cards() -> Vec<CardInfo> {
    BUILT_IN
        .iter()
        .filter_map(|(_, src)| serde_json::from_str(src).ok())
        .collect()
}

/// Parses built-in scenario `id`, or `None` if there is no such scenario.
pub fn builtin(id: &str) -> Option<Scenario> {
    let (_, src) = BUILT_IN.iter().find(|(i, _)| *i == id)?;
    Some(
        serde_json::from_str(src)
            .unwrap_or_else(|e| panic!("built-in scenario {id} is invalid: {e}")),
    )
}

/// Knob settings small enough to explore every ordering of a built-in scenario (few people,
/// delays collapsed so that work is often ready at the same millisecond); empty when none is
/// known. The Explore tab offers them; `racelab explore` takes them as `--set`.
pub fn explore_setup(id: &str) -> &'static [(&'static str, i64)] {
    match id {
        "list-queue" => &[
            ("people", 3),
            ("step_time_ms", 0),
            ("trigger_delay_s", 0),
            ("webhook_ms", 100),
            ("queue_window_h", 0),
            ("batch_every_min", 120),
        ],
        _ => &[],
    }
}

/// Every built-in scenario.
pub fn all() -> Vec<Scenario> {
    ids().filter_map(builtin).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_validates_and_keeps_its_id() {
        for id in ids() {
            let s = builtin(id).unwrap();
            assert_eq!(s.id, id);
            crate::engine::validate(&s).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(s.variants.iter().any(|v| v.name == "naive"));
            assert!(s.variants.iter().any(|v| v.name == "fixed"));
            assert_eq!(
                s.knobs.iter().filter(|k| k.main).count(),
                1,
                "{id}: one main knob"
            );
        }
    }
}
