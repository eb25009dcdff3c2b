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
        .filter_map(|(_, src)| from_json(src).ok())
        .collect()
}

/// Parses built-in scenario `id`, or `None` if there is no such scenario.
pub fn builtin(id: &str) -> Option<Scenario> {
    let (_, src) = BUILT_IN.iter().find(|(i, _)| *i == id)?;
    Some(parse(src).unwrap_or_else(|e| panic!("built-in scenario {id} is invalid: {e}")))
}

/// Parses scenario JSON text (see [`from_json`]) and keeps the JSON it read
/// ([`Scenario::written`]: variant patches apply to it).
pub fn parse(json: &str) -> Result<Scenario, serde_json::Error> {
    let value: serde_json::Value;
    let mut scenario: Scenario = if cfg!(target_arch = "wasm32") {
        value = serde_json::from_str(json)?;
        crate::engine::scenario::value_de::from_value(&value)?
    } else {
        // Straight from the text first, so that an error names its line and column.
        let scenario = serde_json::from_str(json)?;
        value = serde_json::from_str(json)?;
        scenario
    };
    scenario.written = crate::engine::scenario::WrittenJson::new(value);
    Ok(scenario)
}

/// Reads a scenario, or a part of one (a card, an outside event), from JSON text: natively
/// straight from the text, so that any error names its line and column; in the browser through
/// [`via_value`]. Code built into the web app should read scenario JSON only this way: one
/// `serde_json::from_str` of a scenario type compiles all its deserialisers a second time, for
/// JSON text (about 50 KB of gzipped wasm for a whole scenario).
pub fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    if cfg!(target_arch = "wasm32") {
        via_value(json)
    } else {
        serde_json::from_str(json)
    }
}

/// Reads JSON text into a JSON value first, then a `T` from that value with
/// [`crate::engine::scenario::value_de`], whose deserialisers the engine's variant patches use
/// too. The result is the same; a syntax error still names its line and column, a wrong field
/// does not.
pub fn via_value<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    crate::engine::scenario::value_de::from_value(&serde_json::from_str(json)?)
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

    #[test]
    fn parsing_through_a_json_value_gives_the_same_scenario() {
        for id in ids() {
            let src = source(id).unwrap();
            assert_eq!(
                via_value::<Scenario>(src).unwrap(),
                builtin(id).unwrap(),
                "{id}"
            );
            let card: CardInfo = via_value(src).unwrap();
            assert_eq!(card, serde_json::from_str::<CardInfo>(src).unwrap(), "{id}");
        }
        let syntax = via_value::<Scenario>("{\n  \"id\": \"x\",\n  oops\n}").unwrap_err();
        assert_eq!(
            syntax.to_string(),
            "key must be a string at line 3 column 3"
        );
        let field = via_value::<Scenario>(r#"{"id": "x", "title": "t", "colour": 1}"#).unwrap_err();
        assert!(
            field.to_string().contains("unknown field `colour`"),
            "{field}"
        );
    }
}
