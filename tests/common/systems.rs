//! Small JSON scenarios with integration systems, as the systems tests run them: the scenario
//! from JSON, one seeded run (trace and violations), counts over the trace, a seed sweep, and
//! the response-feed and change-feed scenarios that the feed tests and the validation tests
//! both build.

use crate::common::run_config;
use racelab::engine::scenario::from_value;
use racelab::engine::trace::{EventKind, TraceEvent};
use racelab::engine::{RunConfig, Scenario, SeededChooser, Violation};
use serde_json::{json, Value as Json};

/// A scenario from its JSON (panics if it does not parse).
pub fn scenario(j: Json) -> Scenario {
    from_value::<Scenario>(&j).expect("scenario JSON")
}

/// A run config naming `variant` (or none), knobs at their defaults.
pub fn config(variant: Option<&str>) -> RunConfig {
    RunConfig {
        variant: variant.map(str::to_string),
        ..RunConfig::default()
    }
}

/// One run: its trace and violations.
pub fn run(s: &Scenario, variant: Option<&str>, seed: u64) -> (Vec<TraceEvent>, Vec<Violation>) {
    let run = run_config(s, &config(variant), &mut SeededChooser::new(seed));
    (run.trace, run.out.violations)
}

/// How many events of `trace` match `f`.
pub fn count(trace: &[TraceEvent], f: impl Fn(&EventKind) -> bool) -> usize {
    trace.iter().filter(|e| f(&e.kind)).count()
}

/// How many of `v` are violations of invariant `name`.
pub fn violated(v: &[Violation], name: &str) -> usize {
    v.iter().filter(|x| x.invariant == name).count()
}

/// Seeds 0..n: how many runs violated each of `names`.
pub fn sweep(s: &Scenario, variant: Option<&str>, n: u64, names: &[&str]) -> Vec<usize> {
    let mut hits = vec![0; names.len()];
    for seed in 0..n {
        let (_, v) = run(s, variant, seed);
        for (i, name) in names.iter().enumerate() {
            hits[i] += (violated(&v, name) > 0) as usize;
        }
    }
    hits
}

/// A response-feed scenario (race 6) with `feed` and `variants`.
pub fn feed_scenario(feed: Json, variants: Json) -> Scenario {
    scenario(json!({
        "id": "lock-storm",
        "title": "Responses inserted into one campaign",
        "systems": { "response_feed": feed },
        "invariants": ["no_response_lost"],
        "variants": variants,
        "horizon": 3_600_000
    }))
}

/// The standard storm: 1000 responses over 20 s.
pub fn storm() -> Scenario {
    storm_of(1000, 20_000)
}

/// `count` single responses arriving uniformly over `window_ms`, 50 ms of lock each.
pub fn storm_of(count: u32, window_ms: u64) -> Scenario {
    feed_scenario(
        json!({
            "campaign": "Webinar 2024",
            "count": count,
            "window": { "uniform": { "min": 0, "max": window_ms } },
            "cpu_per_record": 50,
            "mode": "synchronous"
        }),
        json!([
            { "name": "retry", "response_feed": { "mode": "retry" } },
            { "name": "user_async", "response_feed": { "mode": "user_async" } }
        ]),
    )
}

/// A smart list of the people whose region is `region` (change feed, race 7).
pub fn region_list(list: &str, region: &str) -> Json {
    json!({ "list": list, "when": [{ "field": { "field": "region", "test": { "is": [region] } } }] })
}

/// A change-feed scenario (race 7, replica lag) with `feed` and `variants`.
pub fn change_scenario(feed: Json, variants: Json) -> Scenario {
    scenario(json!({
        "id": "replica-lag",
        "title": "A lead moves from West to East",
        "fields": [{ "name": "region", "type": "text" }, { "name": "email", "type": "text" }],
        "people": [{ "count": 20, "fields": { "region": "West", "email": "p{n}@example.com" } }],
        "lists": ["West Nurture", "West Events", "East Nurture", "East Events"],
        "campaigns": [{
            "name": "East Welcome Series",
            "smart_list": { "triggers": [{ "added_to_list": "East Nurture" }] },
            "flow": [{ "send_email": "East Series 1" }]
        }],
        "systems": { "change_feed": feed },
        "script": [
            { "label": "in the West lists", "at": { "fixed": 0 }, "people": "all",
              "event": { "add_to_list": "West Nurture" } },
            { "label": "moves East", "at": { "uniform": { "min": 1_000, "max": 5_000 } },
              "people": "all", "event": { "change_data_value": { "field": "region", "value": "East" } } }
        ],
        "invariants": ["no_stale_decision", "no_duplicate_action"],
        "variants": variants,
        "horizon": 600_000
    }))
}

/// The change feed the replica-lag tests share.
pub fn lag_feed() -> Json {
    json!({
        "fields": ["region"],
        "replica_lag": { "uniform": { "min": 0, "max": 3_000 } },
        "consumers": 4,
        "processing_time": { "fixed": 100 },
        "lists": [
            region_list("West Nurture", "West"),
            region_list("West Events", "West"),
            region_list("East Nurture", "East"),
            region_list("East Events", "East")
        ],
        "action": {
            "when": [{ "field": { "field": "region", "test": { "is": ["East"] } } }],
            "then": { "send_email": "Welcome East" }
        }
    })
}
