//! "You are the scheduler": the decisions a person can take by hand are described in words,
//! picking one extends the schedule, and the schedule replays.

use crate::common::{builtin, config_with};
use racelab::api::{challenge, run_view, scheduler_view, scheduler_view_kept, KnownDelays};
use racelab::engine::{RunConfig, Scenario};

/// list-queue with 2 people and its delays collapsed, so that work is often ready at the same
/// millisecond and the order is the person's to choose.
fn setup(variant: &str) -> (Scenario, RunConfig) {
    let knobs = racelab::scenarios::explore_setup("list-queue");
    (builtin("list-queue"), config_with(variant, knobs))
}

#[test]
fn the_next_decision_lists_what_is_ready_in_words_and_a_pick_extends_the_schedule() {
    let (s, c) = setup("naive");
    let view = scheduler_view(&s, &c, 1, &[]).unwrap();
    assert!(view.past.is_empty());
    let next = view.next.expect("the small set-up has decisions");
    assert!(next.options.len() >= 2);
    assert_eq!(next.options.len(), next.answers.len());
    assert!(
        next.options
            .iter()
            .all(|o| o.contains(" — ") && o.contains("person ")),
        "{:?}",
        next.options
    );
    let mut picked = view.prefix.clone();
    picked.push(next.answers[1]);
    let after = scheduler_view(&s, &c, 1, &picked).unwrap();
    assert!(!after.past.is_empty());
    assert_eq!(after.past.last().unwrap().chosen, Some(1));
    let taken = after.past.last().unwrap();
    assert_eq!(taken.options, next.options);
    assert_eq!(taken.call, view.prefix.len());
    // Forking at that decision (dropping the pick) gives the first view back.
    let fork = scheduler_view(&s, &c, 1, &picked[..taken.call]).unwrap();
    assert_eq!(fork.next.unwrap().options, next.options);
}

#[test]
fn a_hand_picked_schedule_replays_exactly() {
    let (s, c) = setup("naive");
    let view = scheduler_view(&s, &c, 1, &[]).unwrap();
    let next = view.next.unwrap();
    let mut schedule = view.prefix.clone();
    schedule.push(next.answers[1]);
    let a = run_view(&s, &c, 1, &schedule).unwrap();
    let b = run_view(&s, &c, 1, &schedule).unwrap();
    assert_eq!(a.trace_hash, b.trace_hash);
    schedule.pop();
    schedule.push(next.answers[0]);
    let other = run_view(&s, &c, 1, &schedule).unwrap();
    assert_eq!(other.clamped, 0);
}

/// The shortest violating schedule the exhaustive search finds for `variant`, if any.
fn counterexample(variant: &str) -> Option<Vec<u32>> {
    let (s, c) = setup(variant);
    let model = racelab::engine::compile(&s, &c).unwrap();
    let report = racelab::engine::explore::explore(&model, &Default::default()).expect("explores");
    assert!(!report.truncated());
    report.shortest.map(|x| x.schedule)
}

#[test]
fn the_challenge_can_be_met_by_picking_options_and_not_for_the_fixed_variant() {
    // "Make the naive variant send two e-mails": the search's shortest violating schedule is
    // a sequence of options the scheduler mode offers, one decision at a time.
    let schedule = counterexample("naive").expect("naive has a violating order");
    let (s, c) = setup("naive");
    let mut taken = Vec::new();
    while taken.len() < schedule.len() {
        let view = scheduler_view(&s, &c, 1, &taken).unwrap();
        let next = view.next.expect("a decision is offered");
        taken = view.prefix.clone();
        let want = schedule[taken.len()];
        assert!(
            next.answers.contains(&want),
            "option {want} offered at decision {}: {:?}",
            next.call,
            next.answers
        );
        taken.push(want);
    }
    assert!(!run_view(&s, &c, 1, &taken).unwrap().violations.is_empty());
    // "Now try the fixed one": no order of its work violates.
    assert_eq!(counterexample("fixed"), None);
}

/// A delay's options are worked out once per decision point of a run: taking decisions,
/// going back to earlier ones (undo, fork) and taking them again finds the options kept,
/// and a kept view reads exactly as one worked out afresh.
#[test]
fn each_delay_decision_is_worked_out_once_per_run() {
    let mut delays = 0;
    for id in racelab::scenarios::ids() {
        let Some(setup) = challenge::setup(id) else {
            continue;
        };
        let s = builtin(id);
        for v in &s.variants {
            let c = config_with(&v.name, setup.knobs);
            let mut known = KnownDelays::default();
            // The schedules viewed, each the last one's next decision taken.
            let mut schedules: Vec<Vec<u32>> = Vec::new();
            let mut schedule = Vec::new();
            for _ in 0..6 {
                let kept = scheduler_view_kept(&s, &c, setup.seed, &schedule, &mut known).unwrap();
                let fresh = scheduler_view(&s, &c, setup.seed, &schedule).unwrap();
                assert_eq!(kept, fresh, "{id} {}", v.name);
                schedules.push(schedule);
                let Some(d) = kept.next else { break };
                schedule = kept.prefix.clone();
                schedule.push(*d.answers.last().unwrap());
            }
            let worked_out = known.worked_out();
            delays += worked_out;
            // Back to each earlier decision and forward again: nothing new to work out.
            for schedule in schedules.iter().rev().chain(&schedules) {
                scheduler_view_kept(&s, &c, setup.seed, schedule, &mut known).unwrap();
            }
            assert_eq!(known.worked_out(), worked_out, "{id} {}", v.name);
        }
    }
    assert!(delays > 0, "no challenge set-up met a delay decision");
}
