//! `racelab scale`: a change feed at the scale of its source. The MCAE source ("updating
//! 500M+ marketing leads daily") handles about 5,800 lead updates a second; `replica-cascade`
//! is its change feed. One simulated hour at that rate is 20.9 million changes, run as
//! consecutive one-second slices: slice n is a run of the scenario at seed `seed + n` with
//! `rate` people who move within that second (each change its own lead, as at the source)
//! and the queue platform scaled to its most consumers. The slices run on every core
//! through `sweep`'s workers; a slice's run keeps no trace (its events are numbered
//! and checked as they happen) and its state is reset for the next slice once it is
//! counted: memory is that of one slice per thread, whatever the length of the run.

use super::args::ScaleArgs;
use super::progress::{self, Ticker};
use super::sweep;
use racelab::api::{self, thousands, MCAE_LEADS_PER_DAY};
use racelab::engine::compile;
use std::time::Instant;

/// A scenario's scale set-up: the knob that counts the changes of one slice, and the knobs
/// that make a slice one second of changes with the platform scaled up (the user's `--set`
/// overrides these).
struct ScaleSetup {
    id: &'static str,
    changes: &'static str,
    knobs: &'static [(&'static str, i64)],
}

const SETUPS: &[ScaleSetup] = &[ScaleSetup {
    id: "replica-cascade",
    changes: "people",
    // The moves arrive uniformly between 1 s and 2 s: one second of changes.
    knobs: &[("move_window_s", 2), ("consumers", 1000)],
}];

pub fn command(a: &ScaleArgs) -> Result<String, String> {
    let mut st = a.source.setup()?;
    let Some(setup) = SETUPS.iter().find(|s| s.id == st.scenario.id) else {
        let ids: Vec<&str> = SETUPS.iter().map(|s| s.id).collect();
        return Err(format!(
            "`{}` has no scale set-up; scale runs {}",
            st.scenario.id,
            ids.join(", ")
        ));
    };
    if a.source.knobs.iter().any(|(k, _)| k == setup.changes) {
        return Err(format!(
            "--rate sets the changes a second (the knob `{}`); do not --set it",
            setup.changes
        ));
    }
    st.config.variant.get_or_insert_with(|| "naive".to_string());
    for (k, v) in setup.knobs {
        st.config.knobs.entry(k.to_string()).or_insert(*v);
    }
    st.config
        .knobs
        .insert(setup.changes.to_string(), a.rate as i64);
    let model = compile(&st.scenario, &st.config)?;
    let jobs = a.jobs.map_or_else(sweep::cores, |j| j as usize);
    progress::catch_ctrl_c();
    let start = Instant::now();
    let mut ticker = Ticker::new(a.quiet);
    let what = ("simulating", "seconds");
    // No slice's trace is kept: its events are counted and checked as they happen.
    let r = sweep::parallel(&model, st.seed, a.seconds, jobs, what, &mut ticker)?;
    ticker.done();
    let elapsed = start.elapsed().as_secs_f64();
    let changes = r.runs * a.rate;
    let simulated = duration(r.runs);
    let interrupted = r.runs < a.seconds;
    if a.json {
        let mut v = serde_json::to_value(&r).expect("reports serialise");
        v["rate_per_s"] = a.rate.into();
        v["simulated_s"] = r.runs.into();
        v["changes"] = changes.into();
        v["jobs"] = jobs.into();
        v["elapsed_ms"] = ((elapsed * 1000.0).round() as u64).into();
        v["events_per_s"] = ((r.events as f64 / elapsed.max(1e-9)).round() as u64).into();
        v["knobs"] = serde_json::to_value(&st.config.knobs).expect("knobs serialise");
        v["projection"] = serde_json::json!({
            "leads_per_day": MCAE_LEADS_PER_DAY,
            "affected_per_day": api::projected_affected(r.lead_rate, MCAE_LEADS_PER_DAY),
        });
        if interrupted {
            v["interrupted"] = true.into();
        }
        return Ok(serde_json::to_string_pretty(&v).expect("reports serialise"));
    }
    let per_invariant: Vec<String> = (r.invariants.iter())
        .map(|(name, n)| format!("{name} in {} slices", thousands(*n)))
        .collect();
    let mut out = format!(
        "{} / {}: {} changes a second for {simulated} ({} one-second slices, seeds {} to {})\n",
        r.scenario,
        r.variant,
        thousands(a.rate),
        thousands(r.runs),
        r.first_seed,
        (r.first_seed + r.runs).saturating_sub(1)
    );
    out += &format!(
        "  changes:         {} (each a lead who moves, in its own slice)\n",
        thousands(changes)
    );
    out += &format!(
        "  events:          {} in {elapsed:.1} s ({} events/s on {jobs} threads)\n",
        thousands(r.events),
        progress::rate(r.events, elapsed)
    );
    out += &format!(
        "  violations:      {} ({})\n",
        thousands(r.violations),
        per_invariant.join(", ")
    );
    out += &format!(
        "  leads affected:  {} of {} ({:.2}%): {}",
        thousands(r.affected_leads),
        thousands(r.leads),
        100.0 * r.lead_rate,
        api::projection(r.lead_rate, MCAE_LEADS_PER_DAY)
    );
    if interrupted {
        out += &format!(
            "\n  interrupted (Ctrl-C) after {simulated} of the {} asked: the figures are for \
             those slices",
            duration(a.seconds)
        );
    }
    Ok(out)
}

/// Simulated seconds in words: "1 h", "1 h 30 min", "2 min 5 s", "20 s".
fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let parts: Vec<String> = [(h, "h"), (m, "min"), (s, "s")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() {
        "0 s".to_string()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(3600), "1 h");
        assert_eq!(duration(5400), "1 h 30 min");
        assert_eq!(duration(125), "2 min 5 s");
        assert_eq!(duration(20), "20 s");
    }
}
