//! Injected outside events (the app's "Inject" control): each one does what it says, shows in
//! the trace, makes the race it is about happen where the seed alone does not, and leaves the
//! fixes holding. Hashes, reproducibility and bad injections are in `injections_checks`.

use crate::common::builtin;
use crate::common::injections::{config, inject, run};
use racelab::api::{RunView, TraceRow};
use racelab::engine::scenario::{OutsideEvent, PeopleSelector};
use racelab::engine::{RunConfig, Scenario};

/// The first seeds whose run without injections breaks no invariant.
fn clean_seeds(s: &Scenario, c: &RunConfig, n: usize) -> Vec<u64> {
    (1..500)
        .filter(|&seed| run(s, c, seed).violations.is_empty())
        .take(n)
        .collect()
}

fn rows_of<'a>(v: &'a RunView, kind: &str) -> Vec<&'a TraceRow> {
    v.rows.iter().filter(|r| r.kind == kind).collect()
}

fn violated(v: &RunView, invariant: &str) -> bool {
    v.violations.iter().any(|x| x.invariant == invariant)
}

// ---- job fires now ---------------------------------------------------------------------

#[test]
fn a_job_fired_by_hand_overlaps_the_scheduled_run_and_imports_twice() {
    let s = builtin("job-checkpoint");
    let job = "Implemented Product import";
    // One second after the first scheduled run (at 2 h), while it is still importing.
    let by_hand = || {
        vec![inject(
            7_201_000,
            PeopleSelector::None,
            OutsideEvent::RunJobNow(job.into()),
        )]
    };
    let seeds = clean_seeds(&s, &config("naive", vec![]), 5);
    assert_eq!(seeds.len(), 5);
    for seed in seeds {
        let v = run(&s, &config("naive", by_hand()), seed);
        assert!(
            violated(&v, "no-duplicate-import"),
            "seed {seed}: {:?}",
            v.outcome
        );
        let fired = rows_of(&v, "job-fired-by-hand");
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].lane, "Outside");
        assert_eq!(fired[0].time_ms, 7_201_000);
        let started = v
            .rows
            .iter()
            .find(|r| r.kind == "job-started" && r.cause == Some(fired[0].id))
            .expect("the injected invocation starts");
        assert_eq!(started.lane, format!("Job: {job}"));
        assert!(
            started.details.contains("while 1 earlier run(s) still go"),
            "{}",
            started.details
        );
        // The schedule goes on as before: the next scheduled run still fires at 3 h.
        assert!(v
            .rows
            .iter()
            .any(|r| r.kind == "job-started" && r.time_ms == 10_800_000 && r.lane == started.lane));
        // The fixes hold with the same overlapping run.
        for fix in ["fixed", "fixed-claim"] {
            let v = run(&s, &config(fix, by_hand()), seed);
            assert!(v.violations.is_empty(), "{fix} seed {seed}: {}", v.outcome);
            assert_eq!(rows_of(&v, "job-fired-by-hand").len(), 1);
        }
    }
}

// ---- extra delay on one webhook call ---------------------------------------------------

#[test]
fn a_slow_enrichment_call_makes_the_sync_race_happen_and_the_fix_holds() {
    let s = builtin("sync-before-enrichment");
    let slow = |extra_ms| {
        vec![inject(
            0,
            PeopleSelector::One(1),
            OutsideEvent::DelayWebhook {
                webhook: "Enrichment".into(),
                extra_ms,
            },
        )]
    };
    let seeds = clean_seeds(&s, &config("wait", vec![]), 10);
    assert_eq!(seeds.len(), 10);
    let mut raced = 0;
    for &seed in &seeds {
        // Four more minutes: slower than the 2-minute Wait, still within the 5-minute timeout
        // for most draws.
        let v = run(&s, &config("wait", slow(240_000)), seed);
        let injected = rows_of(&v, "webhook-delay-injected");
        assert_eq!(injected.len(), 1);
        assert_eq!(
            (injected[0].lane.as_str(), injected[0].person),
            ("Outside", Some(1))
        );
        let slowed = rows_of(&v, "webhook-slowed");
        assert_eq!(slowed.len(), 1, "only the person's next call is slowed");
        assert_eq!(slowed[0].lane, "Webhook: Enrichment");
        assert_eq!(slowed[0].person, Some(1));
        assert_eq!(slowed[0].cause, Some(injected[0].id));
        let person_1 = v
            .violations
            .iter()
            .any(|x| x.invariant == "crm-sync-after-enrichment" && x.person == Some(1));
        raced += person_1 as usize;
        assert!(
            v.violations.iter().all(|x| x.person == Some(1)),
            "only person 1 is slowed: {:?}",
            v.violations
        );
    }
    assert!(raced >= 9, "the race showed in {raced} of 10 clean seeds");
    // The fix chains on the webhook's answer: a slow answer (or a timeout) changes nothing.
    for &seed in &seeds[..5] {
        for extra in [240_000, 600_000] {
            let v = run(&s, &config("fixed", slow(extra)), seed);
            assert!(
                v.violations.is_empty(),
                "seed {seed} +{extra}: {}",
                v.outcome
            );
            if extra > 300_000 {
                assert!(rows_of(&v, "webhook-timed-out")
                    .iter()
                    .any(|r| r.person == Some(1)));
            }
        }
    }
}

#[test]
fn a_webhook_delay_waits_for_the_persons_next_call() {
    // Injected before the person exists: it applies to the call their form fill leads to.
    let s = builtin("sync-before-enrichment");
    let c = config(
        "naive",
        vec![inject(
            0,
            PeopleSelector::One(3),
            OutsideEvent::DelayWebhook {
                webhook: "Enrichment".into(),
                extra_ms: 60_000,
            },
        )],
    );
    let v = run(&s, &c, 4);
    let called = v
        .rows
        .iter()
        .find(|r| r.kind == "webhook-called" && r.person == Some(3))
        .unwrap();
    let slowed = rows_of(&v, "webhook-slowed")[0];
    assert_eq!(slowed.time_ms, called.time_ms);
    assert!(slowed.time_ms > 0);
}

// ---- change event arrives / delivered again --------------------------------------------

#[test]
fn a_redelivered_change_event_welcomes_twice_unless_the_consumer_is_idempotent() {
    let s = builtin("replica-cascade");
    let again = || {
        vec![inject(
            300_000,
            PeopleSelector::One(1),
            OutsideEvent::ChangeEventRedelivered,
        )]
    };
    let welcomes = |v: &RunView| {
        v.rows
            .iter()
            .filter(|r| {
                r.kind == "email-sent"
                    && r.person == Some(1)
                    && r.details.contains("Welcome to the East team")
            })
            .count()
    };
    let seeds = clean_seeds(&s, &config("naive", vec![]), 5);
    for seed in seeds {
        let base = run(&s, &config("naive", vec![]), seed);
        assert_eq!(welcomes(&base), 1);
        let v = run(&s, &config("naive", again()), seed);
        let forced = rows_of(&v, "redelivery-forced");
        assert_eq!(forced.len(), 1);
        assert_eq!(forced[0].lane, "Outside");
        let delivered = v
            .rows
            .iter()
            .find(|r| r.kind == "message-delivered" && r.cause == Some(forced[0].id))
            .expect("the message is delivered again");
        assert!(
            delivered.details.contains("a redelivery"),
            "{}",
            delivered.details
        );
        assert!(
            v.violations
                .iter()
                .any(|x| x.invariant == "no-duplicate-action" && x.person == Some(1)),
            "seed {seed}: {}",
            v.outcome
        );
        assert_eq!(welcomes(&v), 2);
        // The idempotent consumer skips the duplicate.
        let fixed = run(&s, &config("fixed", again()), seed);
        assert!(fixed.violations.is_empty(), "{}", fixed.outcome);
        assert_eq!(rows_of(&fixed, "duplicate-skipped").len(), 1);
        assert_eq!(welcomes(&fixed), 1);
    }
}

#[test]
fn a_duplicate_of_a_message_still_in_flight_is_delivered_again_at_once() {
    // Person 1's move is processed at some time; inject the duplicate at that very moment
    // (the message is received but not yet acked).
    let s = builtin("replica-cascade");
    let base = run(&s, &config("naive", vec![]), 2);
    let delivered = base
        .rows
        .iter()
        .find(|r| r.kind == "message-delivered" && r.person == Some(1))
        .unwrap();
    let decided = base
        .rows
        .iter()
        .find(|r| r.kind == "consumer-decided" && r.person == Some(1))
        .unwrap();
    assert!(
        decided.time_ms >= delivered.time_ms + 2,
        "processing takes time"
    );
    let v = run(
        &s,
        &config(
            "naive",
            vec![inject(
                (delivered.time_ms + decided.time_ms) / 2,
                PeopleSelector::One(1),
                OutsideEvent::ChangeEventRedelivered,
            )],
        ),
        2,
    );
    assert!(rows_of(&v, "message-delivered")
        .iter()
        .any(|r| r.person == Some(1) && r.details.contains("delivery 2")));
    // Before any change for the person: nothing to deliver again, and the trace says so.
    let v = run(
        &s,
        &config(
            "naive",
            vec![inject(
                0,
                PeopleSelector::One(1),
                OutsideEvent::ChangeEventRedelivered,
            )],
        ),
        2,
    );
    let forced = rows_of(&v, "redelivery-forced");
    assert!(
        forced[0].details.contains("no change event"),
        "{}",
        forced[0].details
    );
}

#[test]
fn an_injected_change_event_publishes_a_new_message() {
    let s = builtin("replica-cascade");
    let c = config(
        "fixed",
        vec![inject(
            300_000,
            PeopleSelector::One(2),
            OutsideEvent::ChangeEventArrives {
                field: "region".into(),
            },
        )],
    );
    let v = run(&s, &c, 1);
    let injected = rows_of(&v, "change-event-injected");
    assert_eq!(injected.len(), 1);
    assert_eq!(injected[0].person, Some(2));
    let published = v
        .rows
        .iter()
        .find(|r| r.kind == "change-published" && r.cause == Some(injected[0].id))
        .expect("a new change is published");
    assert_eq!(published.lane, "Change feed: list automation");
    assert!(v
        .rows
        .iter()
        .any(|r| r.kind == "consumer-decided" && r.person == Some(2) && r.time_ms > 300_000));
    // A new message is a new event, not a duplicate: the fixed consumer acts on it.
    assert!(v.violations.is_empty(), "{}", v.outcome);
    assert!(rows_of(&v, "duplicate-skipped").is_empty());
}

// ---- a burst of responses --------------------------------------------------------------

#[test]
fn a_burst_of_responses_loses_some_to_lock_errors_unless_scoring_is_async() {
    let s = builtin("lock-storm");
    let with = |variant: &str, injections| {
        let mut c = config(variant, injections);
        c.knobs.insert("responses".into(), 100);
        c
    };
    let burst = || {
        vec![inject(
            30_000,
            PeopleSelector::None,
            OutsideEvent::ResponsesArrive { count: 300 },
        )]
    };
    let seeds = clean_seeds(&s, &with("naive", vec![]), 3);
    assert_eq!(seeds.len(), 3);
    for seed in seeds {
        let v = run(&s, &with("naive", burst()), seed);
        assert!(
            violated(&v, "no-response-lost"),
            "seed {seed}: {}",
            v.outcome
        );
        assert!(v.outcome.contains("of 400 responses lost"), "{}", v.outcome);
        let b = rows_of(&v, "response-burst");
        assert_eq!((b.len(), b[0].lane.as_str()), (1, "Outside"));
        let inserts = v
            .rows
            .iter()
            .filter(|r| r.kind == "response-insert" && r.cause == Some(b[0].id))
            .count();
        assert_eq!(inserts, 300);
        let fixed = run(&s, &with("fixed", burst()), seed);
        assert!(fixed.violations.is_empty(), "{}", fixed.outcome);
        assert!(
            fixed.outcome.contains("all 400 responses processed"),
            "{}",
            fixed.outcome
        );
    }
}
