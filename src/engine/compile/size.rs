//! The size check every compiled run passes: a model whose estimated size (see
//! [`crate::engine::bounds`]) is over a limit is refused with a message that says which
//! limit, and which knob to lower and to what, in the words of the knob's label:
//! "This run would have about 12 million events; the browser can hold 5 million. Lower
//! People (now 10,000) to 4,000 or less."

use super::super::bounds::{estimate, thousands, Estimate};
use super::super::knobs::Knob;
use super::*;

/// Refuses `model` (compiled from `scenario` with `config`) if it is over a limit.
pub(super) fn check_size(
    model: &Model,
    scenario: &Scenario,
    config: &RunConfig,
) -> Result<(), ScenarioError> {
    let est = estimate(model);
    let Some(over) = est.over() else {
        return Ok(());
    };
    let knobs = variant_applied(scenario, config.variant.as_deref())?.knobs;
    let mut message = est.describe(over);
    match lower_knob(scenario, config, &knobs, model) {
        Some((knob, now, ok)) => message.push_str(&format!(
            " Lower {} (now {}) to {} or less.",
            knob.display_name(),
            thousands(now as u64),
            thousands(ok as u64)
        )),
        None => message.push_str(
            " No knob brings it within the limit: use fewer people, scripted events or \
             campaigns in the scenario, or a shorter horizon.",
        ),
    }
    Err(message.into())
}

/// The estimate of `scenario` with knob `name` at `value` (no size check), if it compiles.
fn estimate_with(
    scenario: &Scenario,
    config: &RunConfig,
    name: &str,
    value: i64,
) -> Option<Estimate> {
    let mut config = config.clone();
    config.knobs.insert(name.to_string(), value);
    compile_unchecked(scenario, &config)
        .ok()
        .map(|m| estimate(&m))
}

/// The knob to lower and the largest value that fits: among the knobs whose minimum fits,
/// the one that can stay closest to its current value.
fn lower_knob<'k>(
    scenario: &Scenario,
    config: &RunConfig,
    knobs: &'k [Knob],
    model: &Model,
) -> Option<(&'k Knob, i64, i64)> {
    let mut best: Option<(&Knob, i64, i64)> = None;
    for k in knobs {
        let Some(now) = model.knobs.raw(&k.name) else {
            continue;
        };
        let fits = |v: i64| {
            estimate_with(scenario, config, &k.name, v).is_some_and(|e| e.over().is_none())
        };
        if now <= k.min || !fits(k.min) {
            continue;
        }
        // The largest value that fits, by bisection between the minimum (fits) and now.
        let (mut lo, mut hi) = (k.min, now);
        for _ in 0..24 {
            if hi - lo <= 1 {
                break;
            }
            let mid = lo + (hi - lo) / 2;
            if fits(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let ok = round_down(lo).max(k.min);
        let share = |v: i64, n: i64| v as f64 / n.max(1) as f64;
        if best.is_none_or(|(_, n, v)| share(ok, now) > share(v, n)) {
            best = Some((k, now, ok));
        }
    }
    best
}

/// Two significant digits, rounded down: 4,321 → 4,300.
fn round_down(v: i64) -> i64 {
    let mut unit = 1;
    while v / unit >= 100 {
        unit *= 10;
    }
    v / unit * unit
}
