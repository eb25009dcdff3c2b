//! The integration systems' feeds: the response feed (race 6, lock errors in a storm, retries,
//! async scoring, the CPU limit) and the change feed (race 7, stale replica reads, redelivery,
//! the visibility timeout), each failing in its naive form and holding in its fixed form.

use crate::common::systems::{
    change_scenario, count, feed_scenario, lag_feed, run, storm, storm_of, sweep, violated,
};
use racelab::engine::trace::{Actor, EventKind, TraceEvent};
use serde_json::json;

// ---- response feed (race 6) -----------------------------------------------------------

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
