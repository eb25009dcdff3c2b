//! Runs at scale give exactly the results of the engine before its scale indexes: the
//! tie list (items due at one millisecond, kept in `seq` order with a counting tree once a
//! tie has 16 or more), the change feed queue's visibility index, and the batch campaigns'
//! member index (from 512 people). Small scenarios, as in the golden traces, never reach
//! these paths, so each case here is large enough to, and its trace hash was pinned with
//! the engine that popped every tie, scanned every message and scanned every person.
//! (How long they take is measured by `cargo bench --bench scale`, not tested.)

use racelab::engine::{compile, RunConfig, RunOutcome, Scenario, SeededChooser, Sim};

fn scenario(id: &str) -> Scenario {
    let text = match id {
        "signups" => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/scenarios/signups.json"
        )),
        "movers" => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/scenarios/movers.json"
        )),
        "batch-nobody" => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/scenarios/batch-nobody.json"
        )),
        builtin => return racelab::scenarios::builtin(builtin).expect("built in"),
    };
    racelab::scenarios::parse(text).expect("the scenario reads")
}

fn trace_hash(id: &str, variant: Option<&str>, knobs: &[(&str, i64)], seed: u64) -> String {
    let config = RunConfig {
        variant: variant.map(str::to_string),
        knobs: knobs.iter().map(|&(k, v)| (k.to_string(), v)).collect(),
        ..RunConfig::default()
    };
    let model = compile(&scenario(id), &config).expect("compiles");
    let outcome = Sim::new(&model)
        .run(&mut SeededChooser::new(seed))
        .expect("runs");
    outcome.trace_hash_hex()
}

#[test]
fn thousands_of_people_at_one_millisecond_run_as_before() {
    // 2,000 sign-ups at 0 ms: one tie the chooser orders 2,000 times.
    let knobs = [("people", 2_000), ("window_ms", 0)];
    assert_eq!(trace_hash("signups", None, &knobs, 1), "8f0d7e4534f6dc3d");
    assert_eq!(trace_hash("signups", None, &knobs, 2), "87ec25c2fa920dcd");
}

#[test]
fn replica_cascade_at_scale_runs_as_before() {
    // 8 list additions per person, one a millisecond from 0 ms (8 ties of 2,000), then a
    // backlog of change events on the queue.
    let naive = [("people", 2_000)];
    assert_eq!(
        trace_hash("replica-cascade", Some("naive"), &naive, 1),
        "7ed1f29d70d0f6ba"
    );
    assert_eq!(
        trace_hash("replica-cascade", Some("naive"), &naive, 2),
        "d6b486d1e1672eff"
    );
    let fixed = [("people", 1_000)];
    assert_eq!(
        trace_hash("replica-cascade", Some("fixed"), &fixed, 1),
        "5f11f453b2c28d39"
    );
}

#[test]
fn batch_campaigns_over_an_index_find_the_same_people() {
    // People move East and back, are created by a form, join and leave a list outside the
    // batch campaign: every kind of change the index must see before the next batch run.
    let movers = [("people", 1_000)];
    assert_eq!(trace_hash("movers", None, &movers, 1), "74c903ceea669aa8");
    assert_eq!(trace_hash("movers", None, &movers, 2), "e617875981c11bd7");
    let queue = [("people", 1_000), ("batch_every_min", 5)];
    assert_eq!(
        trace_hash("list-queue", Some("naive"), &queue, 1),
        "7f29255602100d53"
    );
    assert_eq!(
        trace_hash("list-queue", Some("fixed"), &queue, 1),
        "0f4f7fc2b465126e"
    );
}

#[test]
fn a_batch_campaign_that_matches_nobody_finds_nobody() {
    let config = RunConfig {
        knobs: [("people".to_string(), 2_000)].into_iter().collect(),
        ..RunConfig::default()
    };
    let model = compile(&scenario("batch-nobody"), &config).expect("compiles");
    let outcome = Sim::new(&model)
        .run(&mut SeededChooser::new(1))
        .expect("runs");
    // One "batch started, 0 members" event a minute for a day, and nothing else.
    assert_eq!(outcome.events, 1_440);
    assert_eq!(outcome.trace_hash_hex(), "e1180f333bb36013");
}

/// Scale mode runs its slices without keeping their traces: each outcome (events,
/// violations) is the one the traced run gives, without a trace hash, seed after seed on a
/// run reset between them, and checks that read the trace back keep it.
#[test]
fn a_run_that_keeps_no_trace_has_the_same_outcome() {
    let config = RunConfig {
        variant: Some("naive".to_string()),
        // One second of 2,000 moves on a scaled-up queue, lost acks common enough to show
        // both invariants.
        knobs: [
            ("people", 2_000),
            ("move_window_s", 2),
            ("consumers", 1_000),
            ("redelivery_ppm", 100_000),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        ..RunConfig::default()
    };
    let model = compile(&scenario("replica-cascade"), &config).expect("compiles");
    let mut traced = Sim::new(&model);
    let mut counted = Sim::new(&model);
    assert!(counted.without_trace());
    for seed in 1..=3 {
        traced.reset();
        counted.reset();
        let a = traced.run(&mut SeededChooser::new(seed)).expect("runs");
        let b = counted.run(&mut SeededChooser::new(seed)).expect("runs");
        assert!(a.trace_hash.is_some() && b.trace_hash.is_none());
        let hashed = RunOutcome {
            trace_hash: a.trace_hash,
            ..b
        };
        assert_eq!(a, hashed);
        let names: std::collections::BTreeSet<&str> =
            a.violations.iter().map(|v| v.invariant.as_str()).collect();
        assert_eq!(names.len(), 2, "both invariants broken at seed {seed}");
        assert_eq!(traced.trace.len(), a.events);
        assert_eq!(counted.events(), a.events);
        assert!(counted.trace.is_empty());
    }
    let alerts =
        compile(&scenario("owner-alert-tactics"), &RunConfig::default()).expect("compiles");
    let mut sim = Sim::new(&alerts);
    assert!(!sim.without_trace());
    let out = sim.run(&mut SeededChooser::new(1)).expect("runs");
    assert_eq!(sim.trace.len(), out.events);
}
