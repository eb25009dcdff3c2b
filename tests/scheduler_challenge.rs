//! The scheduler challenge: every race scenario has a challenge set-up of one or two people
//! whose race variant can be broken in at most six choices a trainee can click (found by
//! the search the hints use, and by following the hints), its fix by no ordering at all; the
//! choices name campaigns, steps and people; the win is read from the violations; the
//! shortest counterexample is the fewest decisions, then the fewest switches.

use crate::common::{builtin, config_with};
use racelab::api::challenge::{self, find_win, next_hint, MAX_CLICKS};
use racelab::api::{explore_from_summary, model_scheduler_view, run_view, FROM_HERE_MAX_STATES};
use racelab::engine::explore::fewest::{count_switches, decision_actors};
use racelab::engine::explore::{explore, ExploreConfig};
use racelab::engine::scenario::VariantRole;
use racelab::engine::{compile, Model};

/// The race scenarios (every built-in that is not a control case): each has a challenge.
fn race_scenarios() -> Vec<&'static str> {
    let ids: Vec<&str> = racelab::scenarios::cards()
        .filter(|c| !c.control)
        .map(|c| c.id)
        .collect();
    assert!(ids.len() >= 12, "{ids:?}");
    ids
}

fn model(id: &str, variant: &str) -> Model {
    let c = challenge::setup(id).unwrap();
    compile(&builtin(id), &config_with(variant, c.knobs)).unwrap()
}

/// The variant scenario `id`'s challenge is played on.
fn played(id: &str) -> String {
    let s = builtin(id);
    let v = challenge::challenge_variant(&s).expect("a variant to play");
    let role = s.variants.iter().find(|x| x.name == v).unwrap().role;
    assert_eq!(role, VariantRole::Race, "{id}/{v}");
    v.to_string()
}

#[test]
fn every_race_scenario_has_a_challenge_won_in_at_most_six_choices_and_its_fix_never_breaks() {
    for id in race_scenarios() {
        let s = builtin(id);
        let c = challenge::setup(id).unwrap_or_else(|| panic!("{id}: no challenge"));
        let race = played(id);
        let m = model(id, &race);
        // A small set-up: one or two people.
        assert!(m.people.len() <= 2, "{id}: {} people", m.people.len());
        // Not won before any choice: the trainee has to cause it.
        let seeded = run_view(&s, &config_with(&race, c.knobs), c.seed, &[]).unwrap();
        assert!(
            seeded.violations.is_empty(),
            "{id}/{race}: breaks by itself"
        );
        let win = find_win(&m, c.seed, &[], MAX_CLICKS)
            .unwrap_or_else(|| panic!("{id}/{race}: no win in {MAX_CLICKS} choices"));
        // The win is a path of scheduler options, one click each, at most six.
        let view = model_scheduler_view(&m, c.seed, &win).unwrap();
        assert!(!view.past.is_empty(), "{id}");
        assert!(view.past.len() <= MAX_CLICKS, "{id}: {}", view.past.len());
        assert!(view.past.iter().all(|d| d.chosen.is_some()), "{id}");
        let run = run_view(&s, &config_with(&race, c.knobs), c.seed, &win).unwrap();
        assert!(!run.violations.is_empty(), "{id}");
        let message = challenge::win_message(&s, &run.violations).unwrap();
        assert!(message.contains("you caused the race"), "{message}");
        assert!(
            message.contains(&run.violations[0].message[1..]),
            "{message}"
        );
        // The fix: "Try every ordering from here", from the start, as the app asks it: the
        // whole search, and no ordering breaks it.
        let fix = challenge::fix_variant(&s).expect("a fix");
        let cfg = config_with(fix, c.knobs);
        let from = explore_from_summary(&s, &cfg, &[], FROM_HERE_MAX_STATES).unwrap();
        assert!(!from.cut, "{id}/{fix}: {from:?}");
        assert!(from.breaking.is_none(), "{id}/{fix} breaks: {from:?}");
        assert!(from.orderings > 1, "{id}/{fix}: {from:?}");
        assert!(find_win(&model(id, fix), c.seed, &[], MAX_CLICKS).is_none());
    }
}

#[test]
fn control_cases_have_no_challenge() {
    for card in racelab::scenarios::cards().filter(|c| c.control) {
        assert!(challenge::setup(card.id).is_none(), "{}", card.id);
    }
}

#[test]
fn the_alert_challenges_are_played_on_the_wait_variant() {
    for id in ["alert-before-owner", "owner-alert-tactics"] {
        let c = challenge::setup(id).unwrap();
        assert_eq!(c.variant, Some("wait"), "{id}");
        assert_eq!(challenge::challenge_variant(&builtin(id)), Some("wait"));
        // Their naive variant sends the alert before any owner can arrive: with the same
        // set-up it breaks with no choice made, so there would be nothing to play.
        let naive = run_view(&builtin(id), &config_with("naive", c.knobs), c.seed, &[]).unwrap();
        assert!(!naive.violations.is_empty(), "{id}");
        assert!(c.goal.contains("go to no one"), "{}", c.goal);
    }
}

#[test]
fn the_list_queue_win_says_who_got_two_task_emails_and_names_the_fix() {
    let s = builtin("list-queue");
    let c = challenge::setup("list-queue").unwrap();
    assert!(c.goal.contains("two Task Emails"), "{}", c.goal);
    let m = model("list-queue", "naive");
    // Not won before any choice: the trainee has to cause it.
    let cfg = config_with("naive", c.knobs);
    assert!(run_view(&s, &cfg, c.seed, &[])
        .unwrap()
        .violations
        .is_empty());
    let win = find_win(&m, c.seed, &[], MAX_CLICKS).unwrap();
    let run = run_view(&s, &cfg, c.seed, &win).unwrap();
    let message = challenge::win_message(&s, &run.violations).unwrap();
    assert!(
        message.starts_with("Person 1 got \"Task Email\" twice"),
        "{message}"
    );
    assert!(message.ends_with("Now try `fixed`."), "{message}");
}

#[test]
fn hints_come_one_at_a_time_and_following_them_wins_every_challenge() {
    for id in race_scenarios() {
        let s = builtin(id);
        let c = challenge::setup(id).unwrap();
        let race = played(id);
        let m = model(id, &race);
        let mut schedule: Vec<u32> = Vec::new();
        let mut clicks = 0;
        while run_view(&s, &config_with(&race, c.knobs), c.seed, &schedule)
            .unwrap()
            .violations
            .is_empty()
        {
            assert!(
                clicks < MAX_CLICKS,
                "{id}: the hints did not win in {MAX_CLICKS}"
            );
            let hint = next_hint(&m, c.seed, &schedule);
            let pick = hint.strip_prefix("Pick: ").expect(&hint);
            let view = model_scheduler_view(&m, c.seed, &schedule).unwrap();
            let next = view.next.unwrap();
            let i = next.options.iter().position(|o| o == pick).expect(pick);
            schedule = view.prefix.clone();
            schedule.push(next.answers[i]);
            clicks += 1;
        }
        assert!(clicks >= 1, "{id}");
    }
}

#[test]
fn choices_name_campaign_step_and_person_without_internal_ids() {
    let m = model("list-queue", "naive");
    let c = challenge::setup("list-queue").unwrap();
    let win = find_win(&m, c.seed, &[], MAX_CLICKS).unwrap();
    let view = model_scheduler_view(&m, c.seed, &win).unwrap();
    let all: Vec<&String> = view.past.iter().flat_map(|d| &d.options).collect();
    assert!(all
        .iter()
        .any(|o| o.starts_with("Add to Work Queue — Add to List: Work Queue, person 1")));
    assert!(all.iter().any(|o| o.starts_with("Drain Queue (hourly) — ")));
    for o in &all {
        assert!(
            o.contains(" — ") && o.contains("person 1") || o.contains("batch run"),
            "{o}"
        );
        for raw in [
            "step 1",
            "run 0",
            "seq",
            "Pending",
            "campaign 0",
            "a delay of",
        ] {
            assert!(!o.contains(raw), "{o}");
        }
    }
    // The start's delay is asked as an ordering of named steps, each option distinct.
    let first = &view.past[0].options;
    assert!(
        first
            .iter()
            .all(|o| [", at the same moment as ", ", before ", ", after "]
                .iter()
                .any(|w| o.contains(w))),
        "{first:?}"
    );
    let distinct: std::collections::BTreeSet<&String> = first.iter().collect();
    assert_eq!(distinct.len(), first.len(), "{first:?}");
}

#[test]
fn the_shortest_counterexample_has_the_fewest_decisions_then_the_fewest_switches() {
    let m = model("list-queue", "naive");
    let r = explore(&m, &ExploreConfig::default()).unwrap();
    let c = r.shortest.expect("naive violates");
    let n = c.decisions.len();
    let (actors, violates) = decision_actors(&m, &c.decisions).unwrap();
    assert!(violates);
    assert_eq!(actors.len(), n);
    let found = count_switches(&actors);
    // Brute force over every answer index at each of the n decisions (at most 3 options
    // each): no violating run of n decisions switches less, and none is shorter.
    let mut best = u32::MAX;
    let mut idx = vec![0u32; n];
    loop {
        let (a, v) = decision_actors(&m, &idx).unwrap();
        if v && a.len() == n {
            best = best.min(count_switches(&a));
        }
        assert!(!(v && a.len() < n), "a shorter violating run: {idx:?}");
        let Some(i) = (0..n).rev().find(|&i| idx[i] < 2) else {
            break;
        };
        idx[i] += 1;
        idx[i + 1..].iter_mut().for_each(|x| *x = 0);
    }
    assert_eq!(found, best);
    // Deterministic: the same schedule every time.
    let again = explore(&m, &ExploreConfig::default())
        .unwrap()
        .shortest
        .unwrap();
    assert_eq!(again.schedule, c.schedule);
}

#[test]
fn every_ordering_from_here_none_breaks_the_fix_and_one_breaks_naive() {
    let s = builtin("list-queue");
    let c = challenge::setup("list-queue").unwrap();
    let budget = 500_000;
    // The fix, from the empty prefix: the whole search, nothing breaks.
    let fixed = explore_from_summary(&s, &config_with("fixed", c.knobs), &[], budget).unwrap();
    assert!(!fixed.cut, "{fixed:?}");
    assert!(
        fixed.breaking.is_none() && fixed.broken.is_none(),
        "{fixed:?}"
    );
    assert!(fixed.orderings > 1, "{fixed:?}");
    assert_eq!(fixed.choices_made, 0);
    // In a trainer's words: none breaks; the explorer's count of orderings is not said.
    assert_eq!(
        fixed.message(),
        "No order breaks the rule: Race Lab tried every order the steps could run in."
    );
    assert!(
        !fixed
            .message()
            .contains(&racelab::api::thousands(fixed.orderings)),
        "{}",
        fixed.message()
    );
    // Naive, from the empty prefix: a breaking ordering, which violates when replayed.
    let cfg = config_with("naive", c.knobs);
    let naive = explore_from_summary(&s, &cfg, &[], budget).unwrap();
    let breaking = naive.breaking.clone().expect("naive breaks");
    let run = run_view(&s, &cfg, c.seed, &breaking).unwrap();
    assert!(!run.violations.is_empty());
    assert_eq!(naive.broken.as_deref(), Some(&*run.violations[0].message));
    assert!(naive
        .message()
        .starts_with("One order of the steps breaks the rule: "));
    // From the choices of the win: kept as they are (the breaking ordering starts with
    // them), and fewer orderings are left than from the start.
    let m = model("list-queue", "naive");
    let win = find_win(&m, c.seed, &[], MAX_CLICKS).unwrap();
    let made = &win[..win.len() - 1];
    let from = explore_from_summary(&s, &cfg, made, budget).unwrap();
    let view = model_scheduler_view(&m, c.seed, made).unwrap();
    assert_eq!(from.choices_made as usize, view.past.len());
    let b = from.breaking.clone().expect("one more choice wins");
    assert_eq!(&b[..made.len()], made);
    assert!(from.orderings < naive.orderings, "{from:?} {naive:?}");
    // The fix, after two choices (the last option each time): still none breaks.
    let fm = model("list-queue", "fixed");
    let mut picked: Vec<u32> = Vec::new();
    for _ in 0..2 {
        let v = model_scheduler_view(&fm, c.seed, &picked).unwrap();
        let d = v.next.expect("a decision");
        picked = v.prefix;
        picked.push(*d.answers.last().unwrap());
    }
    let f = explore_from_summary(&s, &config_with("fixed", c.knobs), &picked, budget).unwrap();
    assert_eq!(f.choices_made, 2);
    assert!(f.breaking.is_none() && !f.cut, "{f:?}");
    assert!(f.orderings < fixed.orderings, "{f:?}");
    assert_eq!(
        f.message(),
        "No order breaks the rule: Race Lab tried every order the steps could run in after your \
         choices."
    );
}

#[test]
fn a_search_cut_short_by_its_budget_says_so() {
    let s = builtin("list-queue");
    let c = challenge::setup("list-queue").unwrap();
    let r = explore_from_summary(&s, &config_with("fixed", c.knobs), &[], 3).unwrap();
    assert!(r.cut && r.breaking.is_none(), "{r:?}");
    assert!(
        r.message().contains("too many to try them all") && r.message().contains("does not prove"),
        "{}",
        r.message()
    );
}
