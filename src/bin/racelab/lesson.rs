//! `racelab link --lesson [N]`: a lesson link, which the app plays up to the race on violation
//! N of the run and explains (see `racelab::spec::Lesson`). The lesson teaches the scenario's
//! race variant unless a variant is named, and its seed is one whose run shows violation N:
//! the one given, or else the first from the link's (else 1) that does.

use racelab::api;
use racelab::spec::{Lesson, RunSpec};

/// Seeds tried, from the first, for a run that shows the violation: race variants show it in
/// at least 5% of runs, so this is far more than any of them needs.
const SEEDS_TRIED: u64 = 1_000;

/// Makes `spec` a lesson on violation `n` (1-based). `variant_given`: keep the spec's
/// variant (else the scenario's race variant, if it has one); `seed_given`: keep its seed.
pub fn teach(
    spec: &mut RunSpec,
    n: u32,
    fix: Option<String>,
    variant_given: bool,
    seed_given: bool,
) -> Result<(), String> {
    let (scenario, _) = spec.resolve()?;
    if !variant_given {
        if let Some(race) = api::lesson_race(&scenario) {
            spec.variant = race.to_string();
        }
    }
    if let Some(f) = &fix {
        if !scenario.variants.iter().any(|v| &v.name == f) {
            return Err(format!(
                "--fix: the scenario has no variant `{f}` (it has {})",
                names(&scenario)
            ));
        }
    }
    let what = match n {
        1 => "a violation".to_string(),
        n => format!("{n} violations"),
    };
    let shows = |seed: u64| -> Result<bool, String> {
        let run = api::run_view(&scenario, &spec.config(&spec.variant), seed, &spec.schedule)?;
        Ok(run.violations.len() >= n as usize)
    };
    if seed_given {
        if !shows(spec.seed)? {
            return Err(format!(
                "the run of {} with seed {} does not show {what}, so there is no violation {n} \
                 to teach; leave out --seed and racelab picks a seed that shows it",
                spec.variant, spec.seed
            ));
        }
    } else {
        let first = spec.seed;
        let mut found = None;
        for seed in first..first.saturating_add(SEEDS_TRIED) {
            if shows(seed)? {
                found = Some(seed);
                break;
            }
        }
        spec.seed = found.ok_or_else(|| {
            format!(
                "no run of {} with seeds {first} to {} shows {what}: there is no race to \
                 teach (is it a fix?)",
                spec.variant,
                first.saturating_add(SEEDS_TRIED - 1)
            )
        })?;
    }
    spec.view.lesson = Some(Lesson {
        violation: n - 1,
        fix,
    });
    Ok(())
}

/// `naive, fixed, …`.
fn names(scenario: &racelab::engine::Scenario) -> String {
    let all: Vec<&str> = scenario.variants.iter().map(|v| v.name.as_str()).collect();
    all.join(", ")
}
