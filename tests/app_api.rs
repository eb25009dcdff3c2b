//! What the browser app asks of the engine through `racelab::api`: the full run for the
//! timeline (`run_view`, `lanes`), replayable schedules, the outcome and the inspector
//! (`inspect_at`). The campaign reader and the inject menu are in `app_api_reader`.

use crate::common::{builtin, config, every_variant};
use racelab::api::{self, LaneKind};

// ---- run_view and lanes --------------------------------------------------------------

#[test]
fn run_view_without_schedule_is_the_seeded_run() {
    for (s, v) in every_variant() {
        for seed in [1, 2] {
            let c = config(&v);
            let view = api::run_view(&s, &c, seed, &[]).expect("runs");
            let report = api::run(&s, &c, seed).expect("runs");
            assert_eq!(
                view.trace_hash, report.trace_hash,
                "{}/{v} seed {seed}",
                s.id
            );
            assert_eq!(view.end_time_ms, report.end_time_ms);
            assert_eq!(view.rows, api::trace(&s, &c, seed).expect("runs"));
            assert_eq!(view.violations.len(), report.violations.len());
            assert_eq!(view.clamped, 0);
            assert!(!view.outcome.is_empty() && !view.outcome.contains('\n'));
        }
    }
}

#[test]
fn every_trace_row_has_its_lane() {
    for (s, v) in every_variant() {
        for seed in [1, 2, 3] {
            let view = api::run_view(&s, &config(&v), seed, &[]).expect("runs");
            let names: Vec<&str> = view.lanes.iter().map(|l| l.name.as_str()).collect();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{}/{v}: duplicate lanes", s.id);
            for row in &view.rows {
                assert!(
                    names.contains(&row.lane.as_str()),
                    "{}/{v} seed {seed}: row #{} in lane `{}` missing from {names:?}",
                    s.id,
                    row.id,
                    row.lane
                );
            }
        }
    }
}

#[test]
fn lanes_are_stable_and_typed() {
    let s = builtin("alert-before-owner");
    let model = racelab::engine::compile(&s, &config("fixed")).unwrap();
    let lanes = api::lanes(&model);
    let shown: Vec<(&str, LaneKind)> = lanes.iter().map(|l| (l.name.as_str(), l.kind)).collect();
    assert_eq!(
        shown,
        vec![
            ("Outside", LaneKind::Outside),
            ("New Lead Sync", LaneKind::Campaign),
            ("Fast Track Alert", LaneKind::Campaign),
            ("Send Owner Alert", LaneKind::Campaign),
            ("CRM", LaneKind::System),
        ]
    );
    assert_eq!(lanes, api::lanes(&model));
    // Webhooks no campaign of the variant calls get no lane.
    let s = builtin("list-queue");
    let naive = racelab::engine::compile(&s, &config("naive")).unwrap();
    assert!(api::lanes(&naive)
        .iter()
        .all(|l| !l.name.starts_with("Webhook")));
    let fixed = racelab::engine::compile(&s, &config("fixed")).unwrap();
    assert!(api::lanes(&fixed)
        .iter()
        .any(|l| l.name.starts_with("Webhook")));
}

/// The recorded answers of a run as a schedule (every answer of these runs fits in u32).
fn schedule_of(view: &api::RunView) -> Vec<u32> {
    view.decisions
        .iter()
        .map(|(_, a)| u32::try_from(*a).expect("answer fits a schedule"))
        .collect()
}

#[test]
fn a_recorded_schedule_replays_the_run_whatever_the_seed() {
    for id in [
        "alert-before-owner",
        "list-queue",
        "job-checkpoint",
        "replica-cascade",
    ] {
        let s = builtin(id);
        let c = config("naive");
        let original = api::run_view(&s, &c, 5, &[]).unwrap();
        let schedule = schedule_of(&original);
        assert!(!schedule.is_empty(), "{id} makes decisions");
        let replay = api::run_view(&s, &c, 999, &schedule).unwrap();
        assert_eq!(replay.trace_hash, original.trace_hash, "{id}");
        assert_eq!(replay.rows, original.rows);
        assert_eq!(replay.decisions, original.decisions);
        // A prefix of the seeded run's own answers is the seeded run too.
        let prefix = api::run_view(&s, &c, 5, &schedule[..schedule.len() / 2]).unwrap();
        assert_eq!(prefix.trace_hash, original.trace_hash, "{id}");
    }
}

#[test]
fn a_hand_picked_answer_forks_the_run_reproducibly() {
    let s = builtin("replica-cascade");
    let c = config("naive");
    let original = api::run_view(&s, &c, 3, &[]).unwrap();
    let mut schedule = schedule_of(&original);
    // Answer the first decision between several ready items differently.
    let k = original
        .decisions
        .iter()
        .position(|(ch, _)| matches!(ch, racelab::engine::Choice::Ready { n } if *n >= 2))
        .expect("a tie between ready items");
    let racelab::engine::Choice::Ready { n } = original.decisions[k].0 else {
        unreachable!()
    };
    schedule[k] = (schedule[k] + 1) % n;
    schedule.truncate(k + 1);
    let forked = api::run_view(&s, &c, 3, &schedule).unwrap();
    assert_ne!(forked.trace_hash, original.trace_hash);
    assert_eq!(forked.decisions[..k], original.decisions[..k]);
    assert_eq!(forked.decisions[k].1, schedule[k] as u64);
    let again = api::run_view(&s, &c, 3, &schedule).unwrap();
    assert_eq!(again.trace_hash, forked.trace_hash);
    // An answer a decision cannot take is clamped, and counted.
    let mut wild = schedule_of(&original);
    wild[k] = 1_000;
    let clamped = api::run_view(&s, &c, 3, &wild[..=k]).unwrap();
    assert_eq!(clamped.clamped, 1);
    assert_eq!(clamped.decisions[k].1, n as u64 - 1);
}

#[test]
fn outcome_names_the_people_and_the_duplicates() {
    let s = builtin("alert-before-owner");
    let naive = api::run_view(&s, &config("naive"), 1, &[]).unwrap();
    assert!(
        naive.outcome.contains("to no one (people"),
        "{}",
        naive.outcome
    );
    let fixed = api::run_view(&s, &config("fixed"), 1, &[]).unwrap();
    assert!(
        fixed
            .outcome
            .contains("1 \"New fast-track lead\" alert each"),
        "{}",
        fixed.outcome
    );
    assert!(fixed.outcome.ends_with("no violations"));
    // list-queue naive: find a seed with a duplicate; the outcome names the person.
    let s = builtin("list-queue");
    let (view, person) = (1..50)
        .find_map(|seed| {
            let v = api::run_view(&s, &config("naive"), seed, &[]).unwrap();
            let p = v
                .violations
                .iter()
                .find(|x| x.invariant == "one-email-per-entry")?
                .person?;
            Some((v, p))
        })
        .expect("a duplicate within 50 seeds");
    assert!(
        view.outcome.contains("twice for one queue entry")
            && view.outcome.contains(&format!("{person}")),
        "{}",
        view.outcome
    );
    let fixed = api::run_view(&s, &config("fixed"), 1, &[]).unwrap();
    assert!(
        fixed.outcome.contains("at most 1 \"Task Email\" per entry"),
        "{}",
        fixed.outcome
    );
    let s = builtin("lock-storm");
    let naive = api::run_view(&s, &config("naive"), 1, &[]).unwrap();
    assert!(
        naive.outcome.contains("of 1000 responses lost"),
        "{}",
        naive.outcome
    );
}

// ---- inspector -----------------------------------------------------------------------

#[test]
fn inspect_shows_a_queue_entry_then_its_removal() {
    let s = builtin("list-queue");
    let c = config("naive");
    let view = api::run_view(&s, &c, 1, &[]).unwrap();
    let added = view
        .rows
        .iter()
        .find(|r| r.kind == "added-to-list")
        .expect("someone is queued");
    let p = added.person.expect("a person");
    let at = api::inspect_at(&s, &c, 1, &[], added.time_ms, Some(p)).unwrap();
    let person = at.person.expect("person snapshot");
    assert_eq!(person.person, p);
    assert!(
        person.lists.iter().any(|l| l.starts_with("Work Queue")),
        "{:?}",
        person.lists
    );
    let end = api::inspect_at(&s, &c, 1, &[], view.end_time_ms, Some(p)).unwrap();
    let person = end.person.expect("person snapshot");
    assert!(person.lists.iter().all(|l| !l.starts_with("Work Queue")));
    assert!(person
        .campaigns
        .iter()
        .any(|c| c.contains("has run through the flow")));
    assert_eq!(end.events, view.rows.len());
    assert!(end.done);
    // At t=0 nobody has been drained yet.
    let start = api::inspect_at(&s, &c, 1, &[], 0, Some(p)).unwrap();
    assert!(start.events < end.events);
    assert!(!start.done);
}

#[test]
fn inspect_shows_flows_queues_and_the_crm() {
    let s = builtin("alert-before-owner");
    let c = config("wait");
    let view = api::run_view(&s, &c, 2, &[]).unwrap();
    // The first person to fill out the form, right after the fill.
    let fill = view
        .rows
        .iter()
        .find(|r| r.kind == "filled-out-form")
        .unwrap();
    let p = fill.person.unwrap();
    let before = api::inspect_at(&s, &c, 2, &[], fill.time_ms.saturating_sub(1), Some(p)).unwrap();
    assert!(!before.person.unwrap().exists);
    // While the alert flow waits, the inspector says so, in the person and in the systems.
    let wait = view
        .rows
        .iter()
        .find(|r| r.kind == "wait-started" && r.person == Some(p))
        .unwrap();
    let snap = api::inspect_at(&s, &c, 2, &[], wait.time_ms, Some(p)).unwrap();
    let person = snap.person.clone().unwrap();
    assert!(person.exists);
    assert!(
        person
            .campaigns
            .iter()
            .any(|l| l.starts_with("Fast Track Alert: step 1 of 2 (Wait 5 min), waiting until")),
        "{:?}",
        person.campaigns
    );
    let waiting = snap
        .systems
        .iter()
        .find(|x| x.name == "Waiting flows")
        .unwrap();
    assert!(waiting
        .items
        .iter()
        .any(|i| i.starts_with(&format!("person {p} · Fast Track Alert"))));
    assert!(snap.systems.iter().any(|x| x.name == "CRM"));
    // At the end the owner is back from the CRM.
    let end = api::inspect_at(&s, &c, 2, &[], view.end_time_ms, Some(p)).unwrap();
    let person = end.person.unwrap();
    let owner = person
        .fields
        .iter()
        .find(|(f, _)| f == "Lead Owner")
        .unwrap();
    assert_ne!(owner.1, "(empty)");
    assert!(person
        .campaigns
        .iter()
        .any(|l| l.starts_with("In the CRM: owner")));
}

#[test]
fn inspect_covers_the_integration_systems() {
    let names = |id: &str, t: u64| -> Vec<String> {
        let s = builtin(id);
        let snap = api::inspect_at(&s, &config("naive"), 1, &[], t, None).unwrap();
        assert!(snap.person.is_none());
        snap.systems.into_iter().map(|x| x.name).collect()
    };
    let jobs = names("job-checkpoint", 7_300_000);
    assert!(jobs.contains(&"Job: Implemented Product import".to_string()));
    assert!(jobs.contains(&"Custom object: customObjectSyncMetadata_c".to_string()));
    assert!(jobs.contains(&"REST API".to_string()));
    let storm = names("lock-storm", 30_000);
    assert!(storm.contains(&"CRM campaign: Webinar 2024".to_string()));
    let feed = names("replica-cascade", 5_000);
    assert!(feed.contains(&"Change feed: list automation".to_string()));
    let kv = {
        let s = builtin("list-queue");
        let snap = api::inspect_at(&s, &config("fixed"), 1, &[], 3_000_000, None).unwrap();
        snap.systems
            .into_iter()
            .find(|x| x.name == "Key-value store")
    };
    assert!(kv.is_some());
}

#[test]
fn inspect_refuses_people_who_do_not_exist() {
    let s = builtin("alert-before-owner");
    let c = config("naive");
    for p in [0, 21] {
        let e = api::inspect_at(&s, &c, 1, &[], 0, Some(p)).unwrap_err();
        assert!(e.contains(&format!("person {p} does not exist")), "{e}");
    }
    let e = api::inspect_at(&s, &config("nope"), 1, &[], 0, None).unwrap_err();
    assert!(e.contains("unknown variant `nope`"), "{e}");
}

#[test]
fn inspect_works_at_every_event_time_of_every_scenario() {
    for (s, v) in every_variant() {
        let c = config(&v);
        let view = api::run_view(&s, &c, 1, &[]).unwrap();
        let model = racelab::engine::compile(&s, &c).unwrap();
        let step = (view.rows.len() / 8).max(1);
        for row in view.rows.iter().step_by(step) {
            let person = row.person.or((view.people > 0).then_some(1));
            let snap = api::inspect_model_at(&model, 1, &[], row.time_ms, person).unwrap();
            assert!(snap.events > row.id as usize, "{}/{v}", s.id);
        }
    }
}

/// Every run's rows are in time order (playback finds the next event time by bisection).
#[test]
fn every_runs_rows_are_in_time_order() {
    for (s, v) in every_variant() {
        for seed in 1..4 {
            let view = api::run_view(&s, &config(&v), seed, &[]).unwrap();
            assert!(
                view.rows.windows(2).all(|w| w[0].time_ms <= w[1].time_ms),
                "{}/{v} seed {seed}",
                s.id
            );
        }
    }
}
