//! Reading scenario JSON (serde's derived `Deserialize` through `engine::scenario::from_value`
//! and `scenarios::from_json`): every built-in scenario reads, what serialising writes reads
//! back, absent fields take their defaults, unknown keys are refused or ignored as each type
//! says, aliases are read, and an error says what is wrong in serde's words and where, as a path
//! into the document.

use racelab::engine::dist::Dist;
use racelab::engine::knobs::{Knob, Param};
use racelab::engine::scenario::from_value;
use racelab::engine::scenario::{
    Action, ChangeFeedDef, CheckpointDef, OutsideEvent, Qualification, RestApiConfig, WebhookDef,
};
use racelab::engine::Scenario;
use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};

/// The error message of reading `v` as a `T`, with its path.
fn error<T: DeserializeOwned + std::fmt::Debug>(v: Json) -> String {
    from_value::<T>(&v).unwrap_err().to_string()
}

/// A scenario with one campaign whose flow is `flow`.
fn with_flow(flow: Json) -> Json {
    json!({"id": "x", "title": "x", "horizon": 1000,
        "campaigns": [{"name": "A", "flow": flow}]})
}

#[test]
fn every_builtin_scenario_reads_back_what_it_serialises() {
    for id in racelab::scenarios::ids() {
        let s = racelab::scenarios::builtin(id).unwrap();
        let written = serde_json::to_value(&s).unwrap();
        assert_eq!(from_value::<Scenario>(&written).unwrap(), s, "{id}");
    }
}

/// Every value a built-in file writes survives reading: it is in what the scenario serialises
/// to, unless it is a default value that serialising leaves out. (The round trip above alone
/// would still pass if the reader dropped a field.)
#[test]
fn every_value_a_builtin_file_writes_is_read() {
    fn is_default(v: &Json) -> bool {
        match v {
            Json::Null => true,
            Json::Bool(b) => !b,
            Json::String(s) => s.is_empty(),
            Json::Array(a) => a.is_empty(),
            Json::Object(m) => m.is_empty(),
            Json::Number(_) => false,
        }
    }
    fn lost(source: &Json, read: Option<&Json>, path: String, out: &mut Vec<String>) {
        match (source, read) {
            (Json::Object(src), Some(Json::Object(got))) => {
                for (k, v) in src {
                    lost(v, got.get(k), format!("{path}.{k}"), out);
                }
            }
            (Json::Array(src), Some(Json::Array(got))) if src.len() == got.len() => {
                for (i, (v, g)) in src.iter().zip(got).enumerate() {
                    lost(v, Some(g), format!("{path}[{i}]"), out);
                }
            }
            (v, None) if is_default(v) => {}
            (v, Some(g)) if v == g => {}
            _ => out.push(path),
        }
    }
    for id in racelab::scenarios::ids() {
        let text = racelab::scenarios::source(id).unwrap();
        let source: Json = serde_json::from_str(text).unwrap();
        let read = serde_json::to_value(racelab::scenarios::builtin(id).unwrap()).unwrap();
        let mut missing = Vec::new();
        lost(&source, Some(&read), String::new(), &mut missing);
        assert!(missing.is_empty(), "{id}: not read: {missing:?}");
    }
}

#[test]
fn absent_fields_take_their_defaults() {
    let s = from_value::<Scenario>(&with_flow(json!(["do_nothing"]))).unwrap();
    assert_eq!((s.summary.as_str(), s.control), ("", false));
    assert!(s.variants.is_empty() && s.systems.webhooks.is_empty());
    let c = &s.campaigns[0];
    assert!(c.active && c.schedule.is_none() && c.description.is_empty());
    assert_eq!(c.qualification, Qualification::Once);
    assert_eq!(
        from_value::<RestApiConfig>(&json!({})).unwrap(),
        RestApiConfig::default()
    );
    let w = from_value::<WebhookDef>(&json!({"name": "w", "latency": {"fixed": 5},
        "service": {"respond": {}}}))
    .unwrap();
    assert_eq!(
        (w.failure, w.timeout),
        (Param::Literal(0), Param::Literal(30_000))
    );
    let c = from_value::<CheckpointDef>(&json!({"object": "o", "key": "k"})).unwrap();
    assert_eq!((&*c.dedupe_field, &*c.field), ("apiName", "highWaterMark"));
    let choice = from_value::<Action>(&json!({"choice": {"branches": []}})).unwrap();
    assert_eq!(
        choice,
        Action::Choice {
            branches: vec![],
            default: Box::new(Action::DoNothing)
        }
    );
}

#[test]
fn unknown_keys_are_refused_where_serde_denied_them_and_ignored_elsewhere() {
    assert_eq!(
        error::<Scenario>(json!({"id": "x", "title": "x", "horizon": 1, "colour": 1})),
        "colour: unknown field `colour`, expected one of `id`, `title`, `summary`, `race`, `lesson`, `source`, \
         `control`, `fields`, `people`, `lists`, `programs`, `campaigns`, `systems`, `knobs`, \
         `script`, `invariants`, `variants`, `horizon`"
    );
    assert_eq!(
        error::<Scenario>(with_flow(json!([{"choice": {"branches": [], "els": 1}}]))),
        "campaigns[0].flow[0].choice.els: unknown field `els`, expected `branches` or `default`"
    );
    // A knob and a distribution's parameters ignore what they do not know.
    let knob = from_value::<Knob>(&json!({"name": "k", "unit": "ms", "default": 1, "min": 0,
        "max": 2, "colour": "red"}))
    .unwrap();
    assert_eq!(knob.name, "k");
    assert_eq!(
        from_value::<Dist>(&json!({"uniform": {"min": 1, "max": 2, "mode": 1}})).unwrap(),
        Dist::Uniform {
            min: Param::Literal(1),
            max: Param::Literal(2)
        }
    );
}

#[test]
fn read_your_writes_is_another_name_for_version_check() {
    let feed = |extra: Json| {
        let mut v = json!({"fields": ["stage"], "replica_lag": {"fixed": 10}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let read = |extra| from_value::<ChangeFeedDef>(&feed(extra)).map(|f| f.version_check);
    assert_eq!(read(json!({})), Ok(false));
    assert_eq!(read(json!({"read_your_writes": true})), Ok(true));
    assert_eq!(read(json!({"version_check": true})), Ok(true));
    let both = read(json!({"version_check": true, "read_your_writes": true}));
    assert_eq!(
        both.unwrap_err().to_string(),
        "duplicate field `version_check`"
    );
    let unknown = error::<ChangeFeedDef>(feed(json!({"versions": 1})));
    assert!(
        unknown.contains("`read_your_writes`, `version_check`"),
        "{unknown}"
    );
}

#[test]
fn a_parameter_is_a_whole_number_or_a_knob_name() {
    assert_eq!(from_value::<Param>(&json!(-5)), Ok(Param::Literal(-5)));
    assert_eq!(
        from_value::<Param>(&json!("k")),
        Ok(Param::Knob("k".into()))
    );
    for wrong in [
        json!(1.5),
        json!(true),
        json!(null),
        json!(18446744073709551615u64),
    ] {
        assert_eq!(
            error::<Param>(wrong),
            "data did not match any variant of untagged enum Param"
        );
    }
}

#[test]
fn wrong_types_are_refused_in_serdes_words() {
    let cases = [
        (
            json!({"id": 5, "title": "x", "horizon": 1}),
            "id: invalid type: integer `5`, expected a string",
        ),
        (
            json!({"id": "x", "title": "x", "horizon": 1, "control": "yes"}),
            "control: invalid type: string \"yes\", expected a boolean",
        ),
        (
            json!({"id": "x", "title": "x", "horizon": 1, "programs": [{"name": "p",
                "channel": "c", "statuses": [{"name": "s", "step": -1}]}]}),
            "programs[0].statuses[0].step: invalid value: integer `-1`, expected u32",
        ),
        (
            json!({"id": "x", "title": "x", "horizon": 1, "lists": {}}),
            "lists: invalid type: map, expected a sequence",
        ),
        (
            json!({"id": "x", "title": "x", "horizon": 1, "systems": "none"}),
            "systems: invalid type: string \"none\", expected struct Systems",
        ),
        (
            with_flow(json!(["add_to_list"])),
            "campaigns[0].flow[0].add_to_list: invalid type: unit variant, expected newtype variant",
        ),
        (
            with_flow(json!([{"do_nothing": 1}])),
            "campaigns[0].flow[0].do_nothing: invalid type: integer `1`, expected unit",
        ),
        (
            with_flow(json!([{"wait": {"fixed": 1}, "send_email": "x"}])),
            "campaigns[0].flow[0]: invalid value: map, expected map with a single key",
        ),
        (
            with_flow(json!([7])),
            "campaigns[0].flow[0]: invalid type: integer `7`, expected string or map",
        ),
    ];
    let wrong: Vec<(String, &str)> = cases
        .into_iter()
        .map(|(v, message)| (error::<Scenario>(v), message))
        .filter(|(got, message)| got != message)
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn an_error_names_its_place_in_the_document() {
    let err = from_value::<Scenario>(&with_flow(json!(["do_nothing", {"teleport": "Mars"}])))
        .unwrap_err();
    assert_eq!(err.path(), "campaigns[0].flow[1]");
    assert!(err.message().starts_with(
        "unknown variant `teleport`, expected one of `change_data_value`, `change_score`, "
    ));
    let missing = error::<Scenario>(with_flow(json!([{"change_score": {"field": "s"}}])));
    assert_eq!(
        missing,
        "campaigns[0].flow[0].change_score: missing field `change`"
    );
    // A map key that is not a plain word is quoted.
    let knobs = json!({"id": "x", "title": "x", "horizon": 1,
        "variants": [{"name": "v", "knobs": {"wait time": "long"}}]});
    assert_eq!(
        error::<Scenario>(knobs),
        "variants[0].knobs[\"wait time\"]: invalid type: string \"long\", expected i64"
    );
}

#[test]
fn text_reads_with_its_syntax_errors_placed_by_line_and_column() {
    let event: OutsideEvent =
        racelab::scenarios::from_json(r#"{"delay_webhook": {"webhook": "w", "extra_ms": 5}}"#)
            .unwrap();
    assert_eq!(
        event,
        OutsideEvent::DelayWebhook {
            webhook: "w".into(),
            extra_ms: 5
        }
    );
    let syntax = racelab::scenarios::from_json::<OutsideEvent>("{\"run_job_now\": }").unwrap_err();
    assert_eq!(
        (syntax.path(), syntax.message()),
        ("", "expected value at line 1 column 17")
    );
    let content =
        racelab::scenarios::from_json::<OutsideEvent>(r#"{"delay_webhook": {"webhook": "w"}}"#)
            .unwrap_err();
    assert_eq!(
        content.to_string(),
        "delay_webhook: missing field `extra_ms`"
    );
}

#[test]
fn a_map_reads_in_key_order_and_the_last_of_a_repeated_key_wins() {
    let text = r#"{"id": "x", "title": "x", "horizon": 1,
        "variants": [{"name": "v", "knobs": {"b": 2, "a": 1, "b": 3}}]}"#;
    let s = racelab::scenarios::parse(text).unwrap();
    let knobs: Vec<(&str, i64)> = s.variants[0]
        .knobs
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(knobs, [("a", 1), ("b", 3)]);
}
