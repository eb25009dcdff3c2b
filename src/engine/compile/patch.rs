//! Variant patches: a variant changes a job, `rest_api`, `response_feed`, `change_feed`,
//! `crm` or `person_creation`
//! with a JSON merge patch (RFC 7386), applied to that system's JSON as the scenario wrote
//! it (see [`WrittenJson`]) and read back.
//!
//! Patching the JSON as written keeps what the author wrote (a default left out stays left out,
//! so a patch may replace it with a value of another kind). A scenario built in code, or
//! changed in code after it was read, has no such JSON for the system: its system is
//! serialised instead (for every built-in scenario and variant, a test checks that both give
//! the same systems).

use crate::engine::scenario::{from_value, Json, WrittenJson};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a patched system needs: reading from JSON, comparing with what its written JSON reads
/// back as, and serialising (for a scenario built or changed in code).
pub trait Patchable: DeserializeOwned + PartialEq + Serialize {}
impl<T: DeserializeOwned + PartialEq + Serialize> Patchable for T {}

/// `base` (none: a system the scenario does not have yet) with `patch` merged in: objects
/// merge key by key, `null` removes a key, anything else replaces. `written` is the JSON of
/// `base` as written, if any. Gives the patched system and its JSON.
pub fn patched<T: Patchable>(
    base: Option<&T>,
    written: Option<&Json>,
    patch: &Json,
) -> Result<(T, Json), String> {
    let mut json = match base {
        Some(b) => base_json(b, written)?,
        None => Json::Null,
    };
    merge(&mut json, patch);
    let system = from_value::<T>(&json).map_err(|e| e.to_string())?;
    Ok((system, json))
}

/// The JSON of `base`: as written, if that still reads back as `base` (code may have changed
/// the scenario after reading it), or else serialised.
fn base_json<T: Patchable>(base: &T, written: Option<&Json>) -> Result<Json, String> {
    match written {
        Some(json) if from_value::<T>(json).is_ok_and(|w| w == *base) => Ok(json.clone()),
        _ => serde_json::to_value(base).map_err(|e| e.to_string()),
    }
}

/// `system` (the scenario's `systems.<key>`; `written` is the scenario's JSON) with `patch`
/// applied, if the variant has one. A system the scenario does not have is patched from
/// nothing: every field the patch leaves out takes its default.
pub fn patch_system<T: Patchable>(
    system: &mut Option<T>,
    written: &WrittenJson,
    key: &str,
    patch: Option<&Json>,
) -> Result<(), String> {
    if let Some(patch) = patch {
        let written = written_at(written, &format!("/systems/{key}"));
        let (patched, _) =
            patched(system.as_ref(), written, patch).map_err(|e| format!("{key}: {e}"))?;
        *system = Some(patched);
    }
    Ok(())
}

/// RFC 7386 on JSON values.
fn merge(target: &mut Json, patch: &Json) {
    let Json::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Json::Object(Default::default());
    }
    let Json::Object(t) = target else { return };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge(t.entry(k.clone()).or_insert(Json::Null), v);
        }
    }
}

/// What `written` (a scenario's JSON) holds at `pointer` (e.g. `/systems/rest_api`).
pub fn written_at<'w>(written: &'w WrittenJson, pointer: &str) -> Option<&'w Json> {
    written.json()?.pointer(pointer)
}

/// The job named `name` among `jobs` (JSON objects).
pub fn job_named<'j>(jobs: impl IntoIterator<Item = &'j Json>, name: &str) -> Option<&'j Json> {
    jobs.into_iter()
        .find(|j| j.get("name").and_then(Json::as_str) == Some(name))
}

#[cfg(test)]
mod tests {
    use crate::engine::compile::variant_applied;
    use crate::engine::knobs::Param;
    use crate::engine::scenario::RestApiConfig;
    use crate::engine::Scenario;
    use crate::scenarios;
    use serde_json::json;

    /// The same scenario without its written JSON: its systems are serialised.
    fn reserialised(s: &Scenario) -> Scenario {
        let plain: Scenario = serde_json::from_value(serde_json::to_value(s).unwrap()).unwrap();
        assert!(plain.written.json().is_none());
        plain
    }

    /// Every system a variant patches, in full (a scenario's equality ignores its JSON).
    fn systems(s: &Scenario, variant: &str) -> serde_json::Value {
        serde_json::to_value(&variant_applied(s, Some(variant)).unwrap().systems).unwrap()
    }

    #[test]
    fn patches_of_the_written_json_give_what_patches_of_a_serialisation_gave() {
        let mut patched = 0;
        for id in scenarios::ids() {
            let s = scenarios::builtin(id).unwrap();
            assert!(s.written.json().is_some(), "{id}");
            let plain = reserialised(&s);
            for v in &s.variants {
                patched += v.jobs.len()
                    + [&v.rest_api, &v.response_feed, &v.change_feed]
                        .iter()
                        .filter(|p| p.is_some())
                        .count();
                assert_eq!(
                    systems(&s, &v.name),
                    systems(&plain, &v.name),
                    "{id} {}",
                    v.name
                );
            }
        }
        assert!(patched >= 10, "{patched} patches");
    }

    #[test]
    fn the_written_json_is_the_base_while_it_reads_back_as_the_system() {
        let written = json!({"rate_limit": 5});
        let mut api = RestApiConfig {
            rate_limit: Param::Literal(5),
            ..RestApiConfig::default()
        };
        // As written: a patch sees no `latency`, so it may give one of another kind.
        assert_eq!(super::base_json(&api, Some(&written)).unwrap(), written);
        let patch = json!({"latency": {"uniform": {"min": 1, "max": 2}}});
        assert!(super::patched(Some(&api), Some(&written), &patch).is_ok());
        api.rate_limit = Param::Literal(6);
        assert_eq!(
            super::base_json(&api, Some(&written)).unwrap(),
            serde_json::to_value(&api).unwrap()
        );
    }

    #[test]
    fn a_job_changed_after_reading_is_patched_as_it_is_now() {
        let mut s = scenarios::builtin("job-checkpoint").unwrap();
        s.systems.jobs[0].backoff_ms = Param::Literal(123);
        s.variants[1]
            .jobs
            .push(json!({"name": "Implemented Product import", "max_attempts": 9}));
        let job = &variant_applied(&s, Some("fixed")).unwrap().systems.jobs[0];
        assert_eq!(job.backoff_ms, Param::Literal(123));
        assert_eq!(job.max_attempts, Param::Literal(9), "a job patched twice");
        assert_eq!(systems(&s, "fixed"), systems(&reserialised(&s), "fixed"));
    }

    #[test]
    fn a_variant_adds_a_system_the_scenario_does_not_have() {
        let s = scenarios::parse(
            &json!({
                "id": "x", "title": "x", "horizon": 1000,
                "variants": [{"name": "v",
                    "rest_api": {"rate_limit": 5},
                    "jobs": [{"name": "j", "schedule": {"at": 0, "every": 100},
                        "run_time": {"fixed": 5}, "source": {"record_every": 10},
                        "checkpoint": {"object": "o", "key": "k"},
                        "strategy": "read_then_write"}]}]
            })
            .to_string(),
        )
        .unwrap();
        let applied = variant_applied(&s, Some("v")).unwrap();
        let api = RestApiConfig {
            rate_limit: Param::Literal(5),
            ..RestApiConfig::default()
        };
        assert_eq!(applied.systems.rest_api, Some(api));
        assert_eq!(applied.systems.jobs[0].max_attempts, Param::Literal(5));
        assert_eq!(systems(&s, "v"), systems(&reserialised(&s), "v"));
    }
}
