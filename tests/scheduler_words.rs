//! "You are the scheduler" in campaign words, for every built-in scenario: the choices met
//! along a few paths through each variant (at the scenario's defaults, its Explore set-up and
//! its challenge set-up) read apart, and a delay asked as an ordering names steps, not times.

use crate::common::{builtin, config_with};
use racelab::api::{challenge, scheduler_view, Decision};

/// A set-up to play: its name, its knob settings and its seed.
type Setup = (&'static str, Vec<(&'static str, i64)>, u64);

/// Decisions met along two paths (always the first option, always the last) of each
/// variant of `id`, with where they were met.
fn decisions(id: &str) -> Vec<(String, Decision)> {
    let s = builtin(id);
    let mut setups: Vec<Setup> = vec![("defaults", Vec::new(), 1)];
    let explore = racelab::scenarios::explore_setup(id);
    if !explore.is_empty() {
        setups.push(("explore set-up", explore.to_vec(), 1));
    }
    if let Some(c) = challenge::setup(id) {
        setups.push(("challenge set-up", c.knobs.to_vec(), c.seed));
    }
    let mut out = Vec::new();
    for v in &s.variants {
        for (name, knobs, seed) in &setups {
            let config = config_with(&v.name, knobs);
            for last in [false, true] {
                let mut schedule = Vec::new();
                for _ in 0..12 {
                    let view = scheduler_view(&s, &config, *seed, &schedule).unwrap();
                    let Some(d) = view.next else { break };
                    schedule = view.prefix.clone();
                    schedule.push(if last {
                        *d.answers.last().unwrap()
                    } else {
                        d.answers[0]
                    });
                    out.push((format!("{id} {} ({name})", v.name), d));
                }
            }
        }
    }
    out
}

#[test]
fn every_choice_of_every_builtin_reads_apart_in_campaign_words() {
    let mut seen = 0;
    for id in racelab::scenarios::ids() {
        for (at, d) in decisions(id) {
            seen += 1;
            // `cargo test … scheduler_words -- --nocapture` prints every choice to read.
            println!("== {at} at {}", racelab::api::clock(d.time_ms));
            for o in &d.options {
                println!("   - {o}");
            }
            for (i, o) in d.options.iter().enumerate() {
                assert!(
                    !d.options[..i].contains(o),
                    "{at}: two options read \"{o}\": {:?}",
                    d.options
                );
                // Orderings of named steps, not raw times or nameless steps.
                for raw in [
                    "after the start",
                    "it takes",
                    "its next step",
                    "listed value",
                ] {
                    assert!(!o.contains(raw), "{at}: \"{o}\" says \"{raw}\"");
                }
                assert!(!o.trim().is_empty(), "{at}: an empty option");
            }
        }
    }
    assert!(seen > 300, "only {seen} choices met");
}

#[test]
fn a_delay_before_or_after_a_step_is_asked_as_that_order() {
    // list-queue's Explore set-up: when person 1 is queued again decides whether the hourly
    // batch run that takes the list comes at the same moment or later.
    let knobs = racelab::scenarios::explore_setup("list-queue");
    let s = builtin("list-queue");
    let view = scheduler_view(&s, &config_with("naive", knobs), 1, &[]).unwrap();
    let d = view.next.expect("a first decision");
    let batch = "Drain Queue (hourly) — the batch run starts";
    assert!(
        d.options
            .iter()
            .all(|o| o.starts_with("Outside — queued again later") && o.contains(batch)),
        "{:?}",
        d.options
    );
    assert!(d
        .options
        .iter()
        .any(|o| o.contains("at the same moment as")));
    assert!(d
        .options
        .iter()
        .any(|o| o.contains(", before ") || o.contains(", after ")));
}

#[test]
fn the_part_options_share_is_cut_at_a_clause() {
    let d = Decision {
        call: 0,
        time_ms: 0,
        options: vec![
            "Outside — queued again later, person 1, before the batch run".to_string(),
            "Outside — queued again later, person 1, after the batch run".to_string(),
        ],
        answers: vec![0, 1],
        chosen: None,
    };
    assert_eq!(
        &d.options[0][..d.shared_start()],
        "Outside — queued again later, person 1, "
    );
    let short = Decision {
        options: vec![
            "Drain Queue (hourly) — the batch run starts".to_string(),
            "Drain Queue (trigger) — Send Email: Task Email, person 1".to_string(),
        ],
        ..d
    };
    assert_eq!(short.shared_start(), 0);
}
