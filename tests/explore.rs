//! Exploring interleavings: the exhaustive search (verdicts, de-duplication, the reduction,
//! bounds, the shortest violating schedule and its replay) and the sampled search. The
//! `explore` and `run --schedule` commands are in `explore_cli`.

use crate::common::{builtin, config_with, SETUP};
use racelab::engine::explore::{
    self, sample, ExploreConfig, ExploreReport, SampleConfig, Strategy,
};
use racelab::engine::{compile, Model};

#[test]
fn the_set_up_is_the_one_the_app_offers() {
    assert_eq!(racelab::scenarios::explore_setup("list-queue"), SETUP);
}

fn model(id: &str, variant: &str, knobs: &[(&str, i64)]) -> Model {
    compile(&builtin(id), &config_with(variant, knobs)).expect("compiles")
}

fn search(m: &Model, reduction: bool, dedup: bool) -> ExploreReport {
    let config = ExploreConfig {
        reduction,
        dedup,
        max_states: 5_000_000,
        ..ExploreConfig::default()
    };
    let r = explore::explore(m, &config).expect("explores");
    assert!(!r.truncated(), "{}/{}: truncated", r.scenario, r.variant);
    r
}

/// A scenario id, a variant and knob settings.
type Case = (&'static str, &'static str, Vec<(&'static str, i64)>);

/// Small set-ups of several scenarios, each race next to its fix.
fn small_cases() -> Vec<Case> {
    let lq = vec![
        ("people", 2),
        ("step_time_ms", 0),
        ("trigger_delay_s", 0),
        ("webhook_ms", 100),
        ("queue_window_h", 0),
    ];
    let mut cases = Vec::new();
    for v in ["naive", "recheck", "fixed"] {
        cases.push(("list-queue", v, lq.clone()));
    }
    // One person, so that crashes (failure decisions) stay small.
    let crash = vec![
        ("people", 1),
        ("step_time_ms", 0),
        ("trigger_delay_s", 0),
        ("webhook_ms", 100),
        ("queue_window_h", 0),
    ];
    cases.push(("list-queue", "at-most-once-crash", crash));
    let alert = vec![
        ("people", 2),
        ("step_time_ms", 0),
        ("trigger_delay_s", 0),
        ("arrival_window_min", 0),
    ];
    for v in ["naive", "fixed"] {
        cases.push(("alert-before-owner", v, alert.clone()));
    }
    let lifecycle = vec![
        ("people", 2),
        ("step_time_ms", 0),
        ("trigger_delay_s", 0),
        ("followup_gap_s", 0),
    ];
    for v in ["naive", "fixed"] {
        cases.push(("lifecycle-overwrite", v, lifecycle.clone()));
    }
    let replica = vec![("people", 1), ("consumers", 1), ("redelivery_ppm", 0)];
    for v in ["naive", "fixed"] {
        cases.push(("replica-cascade", v, replica.clone()));
    }
    cases
}

#[test]
fn list_queue_recheck_still_violates_and_fixed_never_does() {
    let naive = search(&model("list-queue", "naive", SETUP), true, true);
    let recheck = search(&model("list-queue", "recheck", SETUP), true, true);
    let fixed = search(&model("list-queue", "fixed", SETUP), true, true);
    for r in [&naive, &recheck] {
        assert!(r.violating_end_states > 0, "{}: no violation", r.variant);
        let c = r.shortest.as_ref().expect("a counterexample");
        assert!(c
            .violations
            .iter()
            .any(|v| v.invariant == "one-email-per-entry"));
    }
    assert_eq!(fixed.violating_end_states, 0);
    assert!(fixed.shortest.is_none());
    assert!(fixed.end_states > 1 && fixed.schedules >= fixed.end_states);
    // The fix is no luck of one ordering: the same decisions exist in every variant.
    assert!(fixed.states > 0 && fixed.end_states >= recheck.end_states);
    println!(
        "list-queue 2 drainers x 2 people: naive {} states, recheck {} states, fixed {} states",
        naive.states, recheck.states, fixed.states
    );
}

#[test]
fn other_scenarios_race_only_without_their_fix() {
    for (id, variant, knobs) in small_cases() {
        let r = search(&model(id, variant, &knobs), true, true);
        let fix = matches!(variant, "fixed" | "fixed-request");
        assert_eq!(
            r.violating_end_states == 0,
            fix,
            "{id}/{variant}: {} violating end states",
            r.violating_end_states
        );
    }
}

#[test]
fn shortest_counterexample_replays_with_any_seed() {
    for variant in ["naive", "recheck"] {
        let m = model("list-queue", variant, SETUP);
        let r = search(&m, true, true);
        let c = r.shortest.expect("a counterexample");
        assert!(!c.violations.is_empty());
        assert!(c.schedule.len() >= c.decisions.len());
        for seed in [0, 1, 12345] {
            let (_, out) = explore::replay(&m, &c.schedule, seed).expect("replays");
            assert_eq!(out.trace_hash_hex(), c.trace_hash, "seed {seed}");
            assert_eq!(out.violations, c.violations);
        }
        // The decisions write out to the same schedule.
        assert_eq!(
            explore::to_schedule(&m, &c.decisions).expect("fits"),
            c.schedule
        );
    }
}

/// Every schedule with at most `max_decisions` decisions: no de-duplication, no reduction.
fn brute_force(m: &Model, max_decisions: usize) -> ExploreReport {
    let config = ExploreConfig {
        max_decisions,
        max_states: 5_000_000,
        reduction: false,
        dedup: false,
    };
    let r = explore::explore(m, &config).expect("explores");
    assert!(!r.truncated_by_states);
    r
}

#[test]
fn shortest_counterexample_is_minimal_by_brute_force() {
    let one = |extra: (&'static str, i64)| {
        vec![
            ("people", 1),
            ("step_time_ms", 0),
            ("trigger_delay_s", 0),
            extra,
        ]
    };
    // Small enough to try every schedule.
    let tiny = [
        ("list-queue", "naive", one(("queue_window_h", 0))),
        ("list-queue", "recheck", one(("queue_window_h", 0))),
        (
            "alert-before-owner",
            "naive",
            one(("arrival_window_min", 0)),
        ),
        ("lifecycle-overwrite", "naive", one(("followup_gap_s", 0))),
    ];
    for (id, variant, knobs) in tiny {
        let m = model(id, variant, &knobs);
        let brute = brute_force(&m, usize::MAX);
        assert!(!brute.truncated());
        let fast = search(&m, true, true);
        let b = brute.shortest.expect("brute force finds a violation");
        let f = fast.shortest.expect("the search finds a violation");
        assert_eq!(
            f.decisions.len(),
            b.decisions.len(),
            "{id}/{variant}: fewest decisions"
        );
        assert_eq!(brute.verdicts, fast.verdicts, "{id}/{variant}: verdicts");
        assert!(brute.schedules > fast.schedules);
    }
    // Two people: every schedule with fewer decisions than the shortest is tried and none
    // violates; with as many, one does.
    let two = [
        ("people", 2),
        ("step_time_ms", 0),
        ("trigger_delay_s", 0),
        ("queue_window_h", 0),
        ("batch_every_min", 120),
    ];
    for variant in ["naive", "recheck"] {
        let m = model("list-queue", variant, &two);
        let fewest = search(&m, true, true)
            .shortest
            .expect("violates")
            .decisions
            .len();
        let below = brute_force(&m, fewest - 1);
        assert!(below.truncated_by_decisions && below.shortest.is_none());
        assert_eq!(below.violating_end_states, 0, "{variant}");
        let at = brute_force(&m, fewest);
        assert_eq!(at.shortest.map(|c| c.decisions.len()), Some(fewest));
    }
}

#[test]
fn reduction_keeps_every_verdict_and_explores_less() {
    let mut cases = small_cases();
    cases.push(("list-queue", "recheck", SETUP.to_vec()));
    let (mut steps_reduced, mut steps_full) = (0, 0);
    for (id, variant, knobs) in cases {
        let m = model(id, variant, &knobs);
        let reduced = search(&m, true, true);
        let full = search(&m, false, true);
        assert_eq!(reduced.verdicts, full.verdicts, "{id}/{variant}: verdicts");
        assert_eq!(
            reduced.violating_end_states, full.violating_end_states,
            "{id}/{variant}"
        );
        assert_eq!(reduced.end_states, full.end_states, "{id}/{variant}");
        assert_eq!(
            reduced.shortest.as_ref().map(|c| c.decisions.len()),
            full.shortest.as_ref().map(|c| c.decisions.len()),
            "{id}/{variant}: shortest"
        );
        assert!(reduced.states <= full.states, "{id}/{variant}: states");
        println!(
            "{id}/{variant}: states {} / {} without the reduction, steps {} / {}",
            reduced.states, full.states, reduced.steps, full.steps
        );
        steps_reduced += reduced.steps;
        steps_full += full.steps;
    }
    assert!(steps_reduced < steps_full);
    // On the 3-person set-up it is a real saving.
    let m = model("list-queue", "fixed", SETUP);
    let (reduced, full) = (search(&m, true, true), search(&m, false, true));
    assert!(reduced.pruned > 0);
    assert!(reduced.visits < full.visits && reduced.steps < full.steps);
    assert!(reduced.states < full.states);
}

#[test]
fn deduplication_merges_states_without_losing_verdicts() {
    let cases = [
        ("list-queue", "naive", ("queue_window_h", 0)),
        ("list-queue", "recheck", ("queue_window_h", 0)),
        ("list-queue", "fixed", ("queue_window_h", 0)),
        ("alert-before-owner", "naive", ("arrival_window_min", 0)),
    ];
    for (id, variant, window) in cases {
        let knobs = [
            ("people", 1),
            ("step_time_ms", 0),
            ("trigger_delay_s", 0),
            window,
        ];
        let m = model(id, variant, &knobs);
        for reduction in [false, true] {
            let with = search(&m, reduction, true);
            let without = search(&m, reduction, false);
            assert!(with.revisits > 0, "{id}/{variant}");
            assert_eq!(without.revisits, 0);
            assert_eq!(with.end_states, without.end_states, "{id}/{variant}");
            assert_eq!(with.verdicts, without.verdicts, "{id}/{variant}");
            assert!(without.visits > with.visits, "{id}/{variant}");
            assert!(without.schedules > with.schedules, "{id}/{variant}");
            if !reduction {
                // Every state is reached either way; with de-duplication each is explored
                // once and every other visit is a revisit.
                assert_eq!(with.states, without.states, "{id}/{variant}");
                assert_eq!(with.visits, with.states + with.revisits, "{id}/{variant}");
            }
        }
    }
}

#[test]
fn bounds_say_when_they_cut_the_search() {
    let m = model("list-queue", "naive", SETUP);
    let tight = ExploreConfig {
        max_decisions: 5,
        ..ExploreConfig::default()
    };
    let r = explore::explore(&m, &tight).expect("explores");
    assert!(r.truncated_by_decisions && r.truncated());
    assert!(!r.truncated_by_states);
    assert!(r.shortest.is_none(), "no violation within 5 decisions");

    let few = ExploreConfig {
        max_states: 100,
        ..ExploreConfig::default()
    };
    let r = explore::explore(&m, &few).expect("explores");
    assert!(r.truncated_by_states && r.truncated());
    assert!(r.states <= 101);

    let whole = search(&m, true, true);
    assert!(!whole.truncated());
    let enough = ExploreConfig {
        max_decisions: whole.shortest.as_ref().expect("violates").decisions.len(),
        ..ExploreConfig::default()
    };
    let r = explore::explore(&m, &enough).expect("explores");
    assert_eq!(
        r.shortest.map(|c| c.decisions.len()),
        whole.shortest.map(|c| c.decisions.len())
    );
}

#[test]
fn sampled_search_finds_the_naive_race_and_replays_by_seed() {
    let m = model("list-queue", "naive", &[]);
    for strategy in [Strategy::Random, Strategy::Pct { depth: 3 }] {
        let config = SampleConfig {
            strategy,
            runs: 40,
            seed: 7,
        };
        let r = sample(&m, &config).expect("samples");
        assert!(r.violating_runs > 0, "{strategy:?} found nothing");
        let first = r.first.as_ref().expect("a finding");
        let shortest = r.shortest.as_ref().expect("a finding");
        assert!(shortest.decisions.len() <= first.decisions.len());
        for f in [first, shortest] {
            assert_eq!(f.run_seed, 7 + f.run);
            let (_, out) = explore::replay(&m, &f.schedule, 99).expect("replays");
            assert_eq!(out.violations, f.violations);
            // The seed and the strategy alone give the same run again.
            let again =
                explore::sample::sampled_decisions(&m, strategy, 7, f.run_seed).expect("runs");
            assert_eq!(again, f.decisions);
        }
        assert_eq!(sample(&m, &config).expect("samples"), r, "deterministic");
    }
    // The fix holds under sampling too.
    let fixed = model("list-queue", "fixed", &[]);
    for strategy in [Strategy::Random, Strategy::Pct { depth: 3 }] {
        let config = SampleConfig {
            strategy,
            runs: 20,
            seed: 1,
        };
        assert_eq!(sample(&fixed, &config).expect("samples").violating_runs, 0);
    }
}

/// Norris's tactics, explored at the small set-up the app offers: every `race` variant has an
/// ordering that violates, no `fix` variant has one.
#[test]
fn the_order_of_operations_scenarios_race_in_some_ordering_and_their_fixes_in_none() {
    use racelab::engine::scenario::VariantRole;
    for id in ["owner-alert-tactics", "central-mql", "score-recycle"] {
        let setup = racelab::scenarios::explore_setup(id);
        assert!(!setup.is_empty(), "{id}: an explore set-up");
        for v in &builtin(id).variants {
            let r = search(&model(id, &v.name, setup), true, true);
            match v.role {
                VariantRole::Race => assert!(r.violating_end_states > 0, "{id}/{}", v.name),
                VariantRole::Fix => assert_eq!(r.violating_end_states, 0, "{id}/{}", v.name),
                VariantRole::Other => {}
            }
        }
    }
}
