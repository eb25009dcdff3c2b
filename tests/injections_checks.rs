//! Injected outside events across the library: one of each kind changes the run's hash and
//! the same injections give the same run; bad injections are refused, saying what and where.

use crate::common::builtin;
use crate::common::injections::{config, inject, run};
use racelab::engine::compile;
use racelab::engine::scenario::{Injection, OutsideEvent, PeopleSelector};

// ---- hashes and determinism ------------------------------------------------------------

/// One injection of every kind the built-in scenarios support, with its scenario and
/// variant.
fn one_of_each() -> Vec<(&'static str, &'static str, Injection)> {
    vec![
        (
            "alert-before-owner",
            "naive",
            inject(
                60_000,
                PeopleSelector::One(2),
                OutsideEvent::FillsOutForm("Fast Track".into()),
            ),
        ),
        (
            "alert-before-owner",
            "naive",
            inject(
                60_000,
                PeopleSelector::One(2),
                OutsideEvent::AssignOwnerInCrm("Bob Stone".into()),
            ),
        ),
        (
            "list-queue",
            "naive",
            inject(
                1_000_000,
                PeopleSelector::None,
                OutsideEvent::RunBatchCampaign("Drain Queue (hourly)".into()),
            ),
        ),
        (
            "job-checkpoint",
            "naive",
            inject(
                7_300_000,
                PeopleSelector::None,
                OutsideEvent::RunJobNow("Subscription import".into()),
            ),
        ),
        (
            "replica-cascade",
            "naive",
            inject(
                20_000,
                PeopleSelector::One(4),
                OutsideEvent::ChangeEventArrives {
                    field: "region".into(),
                },
            ),
        ),
        (
            "replica-cascade",
            "naive",
            inject(
                200_000,
                PeopleSelector::One(4),
                OutsideEvent::ChangeEventRedelivered,
            ),
        ),
        (
            "sync-before-enrichment",
            "fixed",
            inject(
                0,
                PeopleSelector::One(5),
                OutsideEvent::DelayWebhook {
                    webhook: "Enrichment".into(),
                    extra_ms: 90_000,
                },
            ),
        ),
        (
            "lock-storm",
            "fixed",
            inject(
                10_000,
                PeopleSelector::None,
                OutsideEvent::ResponsesArrive { count: 50 },
            ),
        ),
    ]
}

#[test]
fn injections_change_the_hash_and_the_same_injections_give_the_same_run() {
    for (id, variant, injection) in one_of_each() {
        let s = builtin(id);
        let what = format!("{id}/{variant}: {}", injection.event.summary());
        let plain = run(&s, &config(variant, vec![]), 7);
        let c = config(variant, vec![injection.clone()]);
        let a = run(&s, &c, 7);
        let b = run(&s, &c, 7);
        assert_ne!(a.trace_hash, plain.trace_hash, "{what}");
        assert_eq!(a.trace_hash, b.trace_hash, "{what}");
        assert_eq!(a.rows, b.rows, "{what}");
        // The same injection given twice is a different run again, still reproducible.
        let twice = config(variant, vec![injection.clone(), injection]);
        let t1 = run(&s, &twice, 7);
        assert_ne!(t1.trace_hash, a.trace_hash, "{what}");
        assert_eq!(t1.trace_hash, run(&s, &twice, 7).trace_hash, "{what}");
        // Every row, the injected ones included, sits in a lane of the run.
        for row in &a.rows {
            assert!(
                a.lanes.iter().any(|l| l.name == row.lane),
                "{what}: {}",
                row.lane
            );
        }
    }
}

// ---- validation ------------------------------------------------------------------------

fn error(id: &str, variant: &str, injection: Injection) -> String {
    compile(&builtin(id), &config(variant, vec![injection]))
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_injections_say_what_and_where() {
    let e = error(
        "job-checkpoint",
        "naive",
        inject(
            60_000,
            PeopleSelector::None,
            OutsideEvent::RunJobNow("Nightly".into()),
        ),
    );
    assert_eq!(
        e,
        "injection 1 (job \"Nightly\" fires now at 1 min): unknown job `Nightly` (known: Implemented Product import, Subscription import)"
    );
    let e = error(
        "alert-before-owner",
        "naive",
        inject(
            60_000,
            PeopleSelector::None,
            OutsideEvent::RunJobNow("Nightly".into()),
        ),
    );
    assert!(
        e.ends_with("unknown job `Nightly` (the scenario has no jobs)"),
        "{e}"
    );
    let e = error(
        "replica-cascade",
        "naive",
        inject(
            1_000,
            PeopleSelector::One(1),
            OutsideEvent::ChangeEventArrives {
                field: "email".into(),
            },
        ),
    );
    assert!(
        e.contains("the change feed does not publish `email` (it publishes: region)"),
        "{e}"
    );
    let e = error(
        "list-queue",
        "naive",
        inject(
            1_000,
            PeopleSelector::One(1),
            OutsideEvent::ChangeEventRedelivered,
        ),
    );
    assert!(e.contains("needs a `change_feed`"), "{e}");
    let e = error(
        "sync-before-enrichment",
        "naive",
        inject(
            1_000,
            PeopleSelector::One(1),
            OutsideEvent::DelayWebhook {
                webhook: "Enrich".into(),
                extra_ms: 1_000,
            },
        ),
    );
    assert!(
        e.contains("unknown webhook `Enrich` (known: Enrichment)"),
        "{e}"
    );
    let e = error(
        "sync-before-enrichment",
        "naive",
        inject(
            1_000,
            PeopleSelector::One(1),
            OutsideEvent::DelayWebhook {
                webhook: "Enrichment".into(),
                extra_ms: 0,
            },
        ),
    );
    assert!(
        e.contains("extra delay must be between 1 ms and 400 days"),
        "{e}"
    );
    let e = error(
        "alert-before-owner",
        "naive",
        inject(
            1_000,
            PeopleSelector::None,
            OutsideEvent::ResponsesArrive { count: 5 },
        ),
    );
    assert!(
        e.contains("needs a `response_feed`") || e.contains("`response_feed`"),
        "{e}"
    );
    let e = error(
        "lock-storm",
        "naive",
        inject(
            1_000,
            PeopleSelector::None,
            OutsideEvent::ResponsesArrive { count: 0 },
        ),
    );
    assert!(e.contains("count = 0"), "{e}");
    let e = error(
        "alert-before-owner",
        "naive",
        inject(
            60_000,
            PeopleSelector::One(25),
            OutsideEvent::FillsOutForm("Fast Track".into()),
        ),
    );
    assert_eq!(
        e,
        "injection 1 (form fill \"Fast Track\" at 1 min): person 25 does not exist (the scenario has 20, numbered from 1)"
    );
    let e = error(
        "alert-before-owner",
        "naive",
        inject(
            60_000,
            PeopleSelector::None,
            OutsideEvent::FillsOutForm("Fast Track".into()),
        ),
    );
    assert!(e.contains("happens to a person"), "{e}");
    let e = error(
        "alert-before-owner",
        "naive",
        inject(
            86_400_000,
            PeopleSelector::One(1),
            OutsideEvent::FillsOutForm("Fast Track".into()),
        ),
    );
    assert!(e.contains("the run ends at 3 h, before this time"), "{e}");
    // The second of two injections is named as such.
    let c = config(
        "naive",
        vec![
            inject(
                1_000,
                PeopleSelector::One(1),
                OutsideEvent::FillsOutForm("Fast Track".into()),
            ),
            inject(
                2_000,
                PeopleSelector::One(1),
                OutsideEvent::AddToList("Nope".into()),
            ),
        ],
    );
    let e = compile(&builtin("alert-before-owner"), &c)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("injection 2 (added to list \"Nope\" at 2 s): unknown list `Nope`"),
        "{e}"
    );
}
