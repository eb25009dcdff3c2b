//! "You are the scheduler" in campaign words, for every built-in scenario: the choices met
//! along a few paths through each variant (at the scenario's defaults, its Explore set-up and
//! its challenge set-up) read apart, and a delay asked as an ordering names steps, not times.

use crate::common::{builtin, config_with};
use racelab::api::{challenge, scheduler_view, Decision};

/// Decisions met along two paths (always the first option, always the last) of each
/// variant of `id`, with where they were met.
fn decisions(id: &str) -> Vec<(String, Decision)> {
    let s = builtin(id);
    let mut setups: Vec<(&str, Vec<(&str, i64)>, u64)> = vec![("defaults", Vec::new(), 1)];
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
                    schedule.push(if last { *d.answers.last().unwrap() } else { d.answers[0] });
                    out.push((format!("{id} {} ({name})", v.name), d));
                }
            }
        }
    }
    out
}

#[test]
fn print_every_choice() {
    for id in racelab::scenarios::ids() {
        let mut seen = std::collections::BTreeSet::new();
        for (at, d) in decisions(id) {
            let key = d.options.join("\n");
            if seen.insert(key) {
                println!("== {at} @ {} ms", d.time_ms);
                for o in &d.options {
                    println!("   - {o}");
                }
            }
        }
    }
}
