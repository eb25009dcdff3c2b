//! The integration systems wired into the simulator: scheduled import jobs (race 5), shown
//! failing in their naive form and holding in their fixed forms, with small JSON scenarios;
//! then validation, determinism and JSON round trips of scenarios with every system. The
//! response feed (race 6) and the change feed (race 7) are in `systems_feeds`.

use crate::common::systems::{
    change_scenario, count, lag_feed, run, scenario, storm, sweep, violated,
};
use racelab::engine::trace::{EventKind, JobOutcome, RestOp, TraceEvent};
use racelab::engine::{validate, Scenario};
use serde_json::{json, Value as Json};

// ---- jobs (race 5) -------------------------------------------------------------------

const HOUR: u64 = 3_600_000;

fn job(name: &str, strategy: &str, run_time: Json, cold: i64) -> Json {
    json!({
        "name": name,
        "schedule": { "at": HOUR, "every": HOUR },
        "run_time": run_time,
        "cold_start": cold,
        "source": { "record_every": 60_000 },
        "checkpoint": {
            "object": "customObjectSyncMetadata_c",
            "key": format!("{name}_c"),
            "field": "highWaterMarkDT"
        },
        "strategy": strategy
    })
}

fn jobs_scenario(run_time: Json, cold: i64) -> Scenario {
    scenario(json!({
        "id": "overlapping-jobs",
        "title": "Overlapping import runs",
        "systems": { "jobs": [job("implementedProduct", "read_then_write", run_time, cold)] },
        "invariants": ["checkpoint_monotonic", "no_duplicate_import"],
        "variants": [
            { "name": "claim", "jobs": [{ "name": "implementedProduct", "strategy": "claim_create_only" }] },
            { "name": "cas", "jobs": [{ "name": "implementedProduct", "strategy": "version_cas" }] }
        ],
        "horizon": 12 * HOUR
    }))
}

/// Runs of 10 minutes or 100 minutes: a slow run overlaps the next hourly one.
fn slow_or_fast() -> Json {
    json!({ "empirical": [600_000, 6_000_000] })
}

#[test]
fn slow_read_then_write_run_imports_duplicates() {
    // Every run takes 90 minutes: each run reads the mark before its predecessor writes.
    let s = jobs_scenario(json!({ "fixed": 5_400_000 }), 1_000_000);
    let (trace, v) = run(&s, None, 1);
    assert!(violated(&v, "no-duplicate-import") > 0, "{v:#?}");
    let overlapped = trace
        .iter()
        .any(|e| matches!(e.kind, EventKind::JobStarted { overlapping, .. } if overlapping > 0));
    assert!(overlapped, "runs overlap");
    // The witness of a duplicate points at the earlier import.
    let dup = v
        .iter()
        .find(|x| x.invariant == "no-duplicate-import")
        .unwrap();
    assert!(dup.witness.len() >= 2);
    let first = &trace[dup.witness[0] as usize];
    assert!(matches!(first.kind, EventKind::RecordsImported { .. }));
}

#[test]
fn read_then_write_loses_the_mark_and_both_fixes_hold() {
    let s = jobs_scenario(slow_or_fast(), 1_000_000);
    let names = ["checkpoint-monotonic", "no-duplicate-import"];
    let naive = sweep(&s, None, 300, &names);
    assert!(naive[0] > 0, "mark moved back in some run: {naive:?}");
    assert!(naive[1] > 0, "duplicates in some run: {naive:?}");
    for fix in ["claim", "cas"] {
        assert_eq!(
            sweep(&s, Some(fix), 300, &names),
            vec![0, 0],
            "variant {fix}"
        );
    }
}

#[test]
fn stale_warm_caches_break_read_then_write_but_not_the_fixes() {
    // Half the invocations are warm and reuse the mark their instance cached.
    let s = jobs_scenario(slow_or_fast(), 500_000);
    let names = ["checkpoint-monotonic", "no-duplicate-import"];
    assert!(sweep(&s, None, 300, &names)[1] > 0);
    for fix in ["claim", "cas"] {
        assert_eq!(
            sweep(&s, Some(fix), 300, &names),
            vec![0, 0],
            "variant {fix}"
        );
    }
}

#[test]
fn the_fixes_still_import_every_record_eventually() {
    // With short runs nothing overlaps, and every strategy imports records 1..=k once.
    let s = jobs_scenario(json!({ "fixed": 600_000 }), 1_000_000);
    for variant in [None, Some("claim"), Some("cas")] {
        let (trace, v) = run(&s, variant, 3);
        assert!(v.is_empty(), "{variant:?}: {v:#?}");
        let imported: u64 = trace
            .iter()
            .map(|e| match e.kind {
                EventKind::RecordsImported { count, .. } => count,
                _ => 0,
            })
            .sum();
        // Runs at 1 h .. 11 h import up to their start: 11 h of records, one a minute.
        assert_eq!(imported, 11 * 60, "{variant:?}");
    }
}

#[test]
fn claim_and_cas_losers_stop_without_importing() {
    let s = jobs_scenario(json!({ "fixed": 5_400_000 }), 1_000_000);
    let (trace, _) = run(&s, Some("claim"), 1);
    assert!(
        count(&trace, |k| matches!(
            k,
            EventKind::ClaimResult { created: false, .. }
        )) > 0
    );
    assert!(
        count(&trace, |k| matches!(
            k,
            EventKind::JobFinished {
                outcome: JobOutcome::ClaimSkipped,
                ..
            }
        )) > 0
    );
}

#[test]
fn cas_conflict_rereads_once_and_stops() {
    // Two jobs share one checkpoint and start together: both read version 0, one CAS wins.
    let mut a = job(
        "shared",
        "version_cas",
        json!({ "fixed": 60_000 }),
        1_000_000,
    );
    let mut b = a.clone();
    a["name"] = json!("A");
    b["name"] = json!("B");
    let s = scenario(json!({
        "id": "cas-conflict",
        "title": "Two jobs, one checkpoint",
        "systems": { "jobs": [a, b] },
        "invariants": ["checkpoint_monotonic", "no_duplicate_import"],
        "horizon": HOUR + 600_000
    }));
    for seed in 0..20 {
        let (trace, v) = run(&s, None, seed);
        assert!(v.is_empty(), "{v:#?}");
        assert_eq!(
            count(&trace, |k| matches!(
                k,
                EventKind::CasResult { ok: true, .. }
            )),
            1
        );
        assert_eq!(
            count(&trace, |k| matches!(
                k,
                EventKind::CasResult { ok: false, .. }
            )),
            1
        );
        assert_eq!(
            count(&trace, |k| matches!(
                k,
                EventKind::JobFinished {
                    outcome: JobOutcome::CasConflict,
                    ..
                }
            )),
            1
        );
        // The loser re-read: three reads in all (two first reads, one re-read).
        assert_eq!(
            count(&trace, |k| matches!(k, EventKind::MarkRead { .. })),
            3
        );
    }
}

#[test]
fn rate_and_concurrency_limits_refuse_calls_and_jobs_back_off() {
    let jobs: Vec<Json> = (0..4)
        .map(|i| {
            let mut j = job(
                &format!("object{i}"),
                "read_then_write",
                json!({ "fixed": 1_000 }),
                1_000_000,
            );
            j["max_attempts"] = json!(10);
            j
        })
        .collect();
    let s = scenario(json!({
        "id": "rest-limits",
        "title": "Four jobs at once against tight REST limits",
        "systems": {
            "rest_api": { "rate_limit": 3, "rate_window": 20_000, "max_concurrent": 2, "latency": { "fixed": 5_000 } },
            "jobs": jobs
        },
        "horizon": HOUR + 10 * 60_000
    }));
    let (trace, v) = run(&s, None, 7);
    assert!(v.is_empty());
    let rejected = |code: u16| {
        count(
            &trace,
            |k| matches!(k, EventKind::RestRejected { code: c, .. } if *c == code),
        )
    };
    assert!(rejected(615) > 0, "concurrency limit hit");
    assert!(rejected(606) > 0, "rate limit hit");
    let backoffs: Vec<(u32, u64)> = trace
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Backoff { attempt, delay_ms } => Some((attempt, delay_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(
        backoffs.len(),
        rejected(615) + rejected(606) - gave_up(&trace)
    );
    // Exponential: 1 s, 2 s, 4 s, ... for attempts 1, 2, 3, ...
    for (attempt, delay) in &backoffs {
        assert_eq!(*delay, (1_000u64 << (attempt - 1)).min(60_000));
    }
    assert!(
        backoffs.iter().any(|(a, _)| *a >= 2),
        "some call backed off twice"
    );
    // Every backoff is followed by a retry of the same call.
    assert_eq!(gave_up(&trace), 0);
    let calls = count(&trace, |k| matches!(k, EventKind::RestCalled { .. }));
    assert_eq!(calls, 4 * 2, "each job read and wrote its mark");
    let imported = count(&trace, |k| {
        matches!(
            k,
            EventKind::JobFinished {
                outcome: JobOutcome::Imported,
                ..
            }
        )
    });
    assert_eq!(imported, 4);
}

fn gave_up(trace: &[TraceEvent]) -> usize {
    count(trace, |k| {
        matches!(
            k,
            EventKind::JobFinished {
                outcome: JobOutcome::GaveUp,
                ..
            }
        )
    })
}

#[test]
fn a_job_gives_up_after_max_attempts() {
    let mut a = job("a", "read_then_write", json!({ "fixed": 1_000 }), 1_000_000);
    a["max_attempts"] = json!(2);
    let mut b = a.clone();
    b["name"] = json!("b");
    let s = scenario(json!({
        "id": "give-up",
        "title": "Concurrency 1, slow calls",
        "systems": {
            "rest_api": { "max_concurrent": 1, "latency": { "fixed": 60_000 } },
            "jobs": [a, b]
        },
        "horizon": HOUR + 10_000
    }));
    let (trace, _) = run(&s, None, 0);
    assert_eq!(gave_up(&trace), 1);
    assert_eq!(
        count(&trace, |k| matches!(
            k,
            EventKind::RestRejected { code: 615, .. }
        )),
        2
    );
}

#[test]
fn cold_starts_read_the_mark_and_warm_starts_use_the_cache() {
    // Ten minute runs, one an hour: never overlapping, so a warm instance is always idle.
    let reads = |cold: i64| {
        let s = jobs_scenario(json!({ "fixed": 600_000 }), cold);
        let (trace, _) = run(&s, None, 5);
        let started: Vec<bool> = trace
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::JobStarted { cold, .. } => Some(cold),
                _ => None,
            })
            .collect();
        let cached = count(&trace, |k| {
            matches!(k, EventKind::MarkRead { cached: true, .. })
        });
        let called = count(&trace, |k| {
            matches!(
                k,
                EventKind::RestCalled {
                    op: RestOp::ReadMark
                }
            )
        });
        (started, cached, called)
    };
    let (started, cached, called) = reads(1_000_000);
    assert!(started.iter().all(|&c| c));
    assert_eq!((cached, called), (0, started.len()));
    let (started, cached, called) = reads(0);
    assert!(started[0], "the first invocation has no instance to reuse");
    assert!(started[1..].iter().all(|&c| !c));
    assert_eq!((cached, called), (started.len() - 1, 1));
}

// ---- validation and determinism -------------------------------------------------------

#[test]
fn validation_errors_say_what_and_where() {
    let err = |j: Json| validate(&scenario(j)).unwrap_err().to_string();
    let base = |systems: Json, invariants: Json| {
        json!({
            "id": "bad", "title": "bad",
            "fields": [{ "name": "region", "type": "text" }],
            "lists": ["West"],
            "systems": systems, "invariants": invariants, "horizon": 1000
        })
    };
    let e = err(base(json!({}), json!(["no_response_lost"])));
    assert!(
        e.contains("invariant 1") && e.contains("response_feed"),
        "{e}"
    );
    let e = err(base(json!({}), json!(["checkpoint_monotonic"])));
    assert!(e.contains("invariant 1") && e.contains("jobs"), "{e}");
    let mut j = job("x", "version_cas", json!({ "fixed": 1 }), 0);
    j["cold_start"] = json!("missing_knob");
    let e = err(base(json!({ "jobs": [j] }), json!([])));
    assert!(e.contains("job `x`") && e.contains("missing_knob"), "{e}");
    let mut j = job("x", "version_cas", json!({ "fixed": 1 }), 0);
    j["schedule"]["every"] = json!(1000);
    let e = err(base(json!({ "jobs": [j] }), json!([])));
    assert!(e.contains("job `x`") && e.contains("schedule every"), "{e}");
    let feed = json!({ "fields": ["regoin"], "replica_lag": { "fixed": 0 } });
    let e = err(base(json!({ "change_feed": feed }), json!([])));
    assert!(e.contains("change_feed") && e.contains("regoin"), "{e}");
    let feed = json!({ "fields": ["region"], "replica_lag": { "fixed": 0 },
        "lists": [{ "list": "East", "when": [] }] });
    let e = err(base(json!({ "change_feed": feed }), json!([])));
    assert!(e.contains("lists entry 1") && e.contains("East"), "{e}");
    let feed = json!({ "campaign": "C", "count": 0, "window": { "fixed": 0 } });
    let e = err(base(json!({ "response_feed": feed }), json!([])));
    assert!(e.contains("response_feed") && e.contains("count"), "{e}");
    let mut s = base(json!({}), json!([]));
    s["variants"] = json!([{ "name": "v", "jobs": [{ "strategy": "version_cas" }] }]);
    let e = err(s);
    assert!(e.contains("variant `v`") && e.contains("name"), "{e}");
}

#[test]
fn same_seed_same_trace() {
    use racelab::engine::trace::trace_hash;
    for s in [
        jobs_scenario(slow_or_fast(), 500_000),
        storm(),
        change_scenario(lag_feed(), json!([])),
    ] {
        let (a, _) = run(&s, None, 11);
        let (b, _) = run(&s, None, 11);
        assert_eq!(trace_hash(&a), trace_hash(&b));
    }
}

#[test]
fn scenarios_with_systems_round_trip_through_json() {
    for s in [
        jobs_scenario(slow_or_fast(), 500_000),
        storm(),
        change_scenario(
            lag_feed(),
            json!([{ "name": "v", "change_feed": { "idempotent": true } }]),
        ),
    ] {
        let text = serde_json::to_string(&s).unwrap();
        let back = racelab::scenarios::parse(&text).unwrap();
        assert_eq!(back, s);
        validate(&back).unwrap();
    }
}
