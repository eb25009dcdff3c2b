//! The integration systems wired into the simulator: scheduled import jobs (race 5), the
//! response feed (race 6) and the change feed (race 7), each shown failing in its naive
//! form and holding in its fixed form, with small JSON scenarios.

use crate::common::run_config;
use racelab::engine::scenario::from_value;
use racelab::engine::trace::{Actor, EventKind, JobOutcome, RestOp, TraceEvent};
use racelab::engine::{validate, RunConfig, Scenario, SeededChooser, Violation};
use serde_json::{json, Value as Json};

fn scenario(j: Json) -> Scenario {
    from_value::<Scenario>(&j).expect("scenario JSON")
}

fn config(variant: Option<&str>) -> RunConfig {
    RunConfig {
        variant: variant.map(str::to_string),
        ..RunConfig::default()
    }
}

/// One run: its trace and violations.
fn run(s: &Scenario, variant: Option<&str>, seed: u64) -> (Vec<TraceEvent>, Vec<Violation>) {
    let run = run_config(s, &config(variant), &mut SeededChooser::new(seed));
    (run.trace, run.out.violations)
}

fn count(trace: &[TraceEvent], f: impl Fn(&EventKind) -> bool) -> usize {
    trace.iter().filter(|e| f(&e.kind)).count()
}

fn violated(v: &[Violation], name: &str) -> usize {
    v.iter().filter(|x| x.invariant == name).count()
}

/// Seeds 0..n: how many runs violated each of `names`.
fn sweep(s: &Scenario, variant: Option<&str>, n: u64, names: &[&str]) -> Vec<usize> {
    let mut hits = vec![0; names.len()];
    for seed in 0..n {
        let (_, v) = run(s, variant, seed);
        for (i, name) in names.iter().enumerate() {
            hits[i] += (violated(&v, name) > 0) as usize;
        }
    }
    hits
}

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

// ---- response feed (race 6) -----------------------------------------------------------

fn feed_scenario(feed: Json, variants: Json) -> Scenario {
    scenario(json!({
        "id": "lock-storm",
        "title": "Responses inserted into one campaign",
        "systems": { "response_feed": feed },
        "invariants": ["no_response_lost"],
        "variants": variants,
        "horizon": 3_600_000
    }))
}

fn storm() -> Scenario {
    storm_of(1000, 20_000)
}

/// `count` single responses arriving uniformly over `window_ms`, 50 ms of lock each.
fn storm_of(count: u32, window_ms: u64) -> Scenario {
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

fn lost(trace: &[TraceEvent]) -> u64 {
    trace
        .iter()
        .map(|e| match e.kind {
            EventKind::ResponsesLost { records } => records as u64,
            _ => 0,
        })
        .sum()
}

fn processed(trace: &[TraceEvent]) -> u64 {
    trace
        .iter()
        .map(|e| match e.kind {
            EventKind::ResponsesProcessed { records } => records as u64,
            _ => 0,
        })
        .sum()
}

#[test]
fn synchronous_storm_loses_responses_to_lock_errors() {
    let s = storm();
    let (trace, v) = run(&s, None, 1);
    let timeouts = count(&trace, |k| matches!(k, EventKind::LockTimedOut { .. }));
    assert!(timeouts > 0);
    assert!(lost(&trace) > 0);
    assert_eq!(lost(&trace) + processed(&trace), 1000);
    assert_eq!(violated(&v, "no-response-lost") as u64, lost(&trace));
    // Each loss is witnessed by the UNABLE_TO_LOCK_ROW that caused it.
    for x in &v {
        let w = &trace[x.witness[0] as usize];
        assert!(matches!(
            w.kind,
            EventKind::LockTimedOut {
                waited_ms: 10_000,
                ..
            }
        ));
    }
}

#[test]
fn retries_back_off_but_a_sustained_storm_still_loses_some() {
    // 3000 responses in a minute: 150 s of lock time.
    let s = storm_of(3000, 60_000);
    let (trace, _) = run(&s, None, 1);
    let sync_lost = lost(&trace);
    let (trace, v) = run(&s, Some("retry"), 1);
    assert!(count(&trace, |k| matches!(k, EventKind::Backoff { .. })) > 0);
    let retried = count(
        &trace,
        |k| matches!(k, EventKind::ResponseInsert { attempt, .. } if *attempt > 0),
    );
    assert!(retried > 0);
    assert_eq!(lost(&trace) + processed(&trace), 3000);
    assert!(
        lost(&trace) > 0 && lost(&trace) < sync_lost,
        "{} vs {sync_lost}",
        lost(&trace)
    );
    assert_eq!(violated(&v, "no-response-lost") as u64, lost(&trace));
    let (trace, v) = run(&s, Some("user_async"), 1);
    assert!(v.is_empty());
    assert_eq!(processed(&trace), 3000);
}

#[test]
fn user_async_scoring_delays_merges_and_loses_nothing() {
    let s = storm();
    for seed in 0..20 {
        let (trace, v) = run(&s, Some("user_async"), seed);
        assert!(v.is_empty(), "seed {seed}: {v:#?}");
        assert_eq!(processed(&trace), 1000);
        assert_eq!(
            count(&trace, |k| matches!(k, EventKind::LockTimedOut { .. })),
            0
        );
        assert_eq!(
            count(&trace, |k| matches!(k, EventKind::ResponsesDelayed { .. })),
            1000
        );
        let merged: Vec<(u32, u32)> = trace
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::ResponsesMerged { records, parts } => Some((records, parts)),
                _ => None,
            })
            .collect();
        // Everything arrived within 20 s of the first response: one merged batch.
        assert_eq!(merged, vec![(1000, 1000)]);
    }
}

#[test]
fn a_big_synchronous_batch_fails_the_cpu_limit_unless_it_goes_async() {
    let s = feed_scenario(
        json!({
            "campaign": "Trade Show Upload",
            "count": 1000,
            "window": { "fixed": 1_000 },
            "batch_records": 1000,
            "mode": "synchronous"
        }),
        json!([{ "name": "async", "response_feed": { "async_above_batch_size": true } }]),
    );
    let (trace, v) = run(&s, None, 0);
    assert_eq!(
        count(&trace, |k| matches!(
            k,
            EventKind::CpuLimitExceeded {
                records: 1000,
                cpu_ms: 50_000,
                limit_ms: 10_000
            }
        )),
        1
    );
    assert_eq!(lost(&trace), 1000);
    assert_eq!(violated(&v, "no-response-lost"), 1);
    let (trace, v) = run(&s, Some("async"), 0);
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(
        count(&trace, |k| matches!(
            k,
            EventKind::ResponsesAsync {
                records: 1000,
                chunks: 5
            }
        )),
        1
    );
    assert_eq!(processed(&trace), 1000);
}

#[test]
fn unprocessed_responses_are_flagged_at_the_end() {
    // The merged batch falls due after the horizon.
    let mut s = storm();
    s.horizon = racelab::engine::knobs::Param::Literal(60_000);
    let (_, v) = run(&s, Some("user_async"), 0);
    assert_eq!(violated(&v, "no-response-lost"), 1);
    assert!(v[0].message.contains("never processed"), "{}", v[0].message);
}

// ---- change feed (race 7) -------------------------------------------------------------

fn region_list(list: &str, region: &str) -> Json {
    json!({ "list": list, "when": [{ "field": { "field": "region", "test": { "is": [region] } } }] })
}

fn change_scenario(feed: Json, variants: Json) -> Scenario {
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

fn lag_feed() -> Json {
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

#[test]
fn stale_replica_reads_are_flagged_and_the_version_check_is_not() {
    let s = change_scenario(
        lag_feed(),
        json!([{ "name": "checked", "change_feed": { "version_check": true } }]),
    );
    let (trace, v) = run(&s, None, 2);
    let stale = violated(&v, "no-stale-decision");
    assert!(stale > 0);
    // A stale decision keeps the person out of the East lists (wrong membership).
    let east_adds = count(&trace, |k| {
        matches!(k, EventKind::AddedToList { list: 2, .. })
    });
    assert_eq!(east_adds, 20 - stale);
    let (trace, v) = run(&s, Some("checked"), 2);
    assert!(v.is_empty(), "{v:#?}");
    assert!(
        count(&trace, |k| matches!(
            k,
            EventKind::ConsumerDecided {
                from_primary: true,
                ..
            }
        )) > 0
    );
    // Everyone moved: added to both East lists, removed from West Nurture, and the
    // Added to List trigger sent the series' first email.
    assert_eq!(
        count(&trace, |k| matches!(
            k,
            EventKind::AddedToList { list: 2 | 3, .. }
        )),
        40
    );
    assert_eq!(
        count(&trace, |k| matches!(
            k,
            EventKind::RemovedFromList { list: 0 }
        )),
        20
    );
    let series = trace.iter().filter(|e| {
        matches!(e.actor, Actor::Campaign(_)) && matches!(e.kind, EventKind::EmailSent { .. })
    });
    assert_eq!(series.count(), 20);
    // And every message was delivered, decided and acked once.
    assert_eq!(
        count(&trace, |k| matches!(k, EventKind::MessageAcked { .. })),
        20
    );
}

#[test]
fn the_version_check_holds_over_many_seeds() {
    let s = change_scenario(
        lag_feed(),
        json!([{ "name": "checked", "change_feed": { "version_check": true } }]),
    );
    let names = ["no-stale-decision", "no-duplicate-action"];
    assert!(sweep(&s, None, 100, &names)[0] > 0);
    assert_eq!(sweep(&s, Some("checked"), 100, &names), vec![0, 0]);
}

#[test]
fn redelivery_duplicates_the_action_unless_the_consumer_is_idempotent() {
    let mut feed = lag_feed();
    feed["version_check"] = json!(true);
    feed["redelivery"] = json!(500_000);
    let s = change_scenario(
        feed,
        json!([{ "name": "idempotent", "change_feed": { "idempotent": true } }]),
    );
    let (trace, v) = run(&s, None, 4);
    let dups = violated(&v, "no-duplicate-action");
    assert!(dups > 0);
    assert!(count(&trace, |k| matches!(k, EventKind::AckLost { .. })) > 0);
    assert!(
        count(&trace, |k| matches!(
            k,
            EventKind::MessageDelivered { delivery: 2.., .. }
        )) > 0
    );
    let welcome = count(&trace, |k| matches!(k, EventKind::EmailSent { .. })) - 20; // the campaign's series emails
    assert_eq!(welcome, 20 + dups);
    let names = ["no-stale-decision", "no-duplicate-action"];
    assert_eq!(sweep(&s, Some("idempotent"), 100, &names), vec![0, 0]);
    let (trace, _) = run(&s, Some("idempotent"), 4);
    assert!(count(&trace, |k| matches!(k, EventKind::DuplicateSkipped { .. })) > 0);
}

#[test]
fn a_slow_consumer_past_the_visibility_timeout_gets_a_second_delivery() {
    let mut feed = lag_feed();
    feed["version_check"] = json!(true);
    feed["visibility_timeout"] = json!(1_000);
    feed["processing_time"] = json!({ "fixed": 1_500 });
    let s = change_scenario(feed, json!([]));
    let (trace, v) = run(&s, None, 0);
    assert!(
        count(&trace, |k| matches!(
            k,
            EventKind::MessageDelivered { delivery: 2.., .. }
        )) > 0
    );
    assert!(violated(&v, "no-duplicate-action") > 0);
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
