//! `racelab list`, `describe`, `run` and `table`: each returns what it prints on
//! stdout (text, or JSON with `--json`), or what is wrong.

use super::args::{DescribeArgs, RunArgs};
use super::source::Setup;
use racelab::api;
use racelab::engine::describe::fmt_ms;
use racelab::engine::{RunConfig, Scenario};
use std::fmt::Debug;

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("reports serialise")
}

fn to_value<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("reports serialise")
}

/// The trace as one line per event.
fn trace_lines(rows: &[api::TraceRow]) -> String {
    let lines: Vec<String> = rows.iter().map(api::TraceRow::line).collect();
    lines.join("\n") + "\n\n"
}

/// A violation's line, after the run's summary.
fn violation_line(invariant: &str, time_ms: u64, message: &str, witness: &impl Debug) -> String {
    format!(
        "\n  VIOLATION {invariant} at {}: {message} (witness events {witness:?})",
        fmt_ms(time_ms)
    )
}

pub fn list() -> String {
    racelab::scenarios::all()
        .iter()
        .map(|s| format!("{:<22} {}", s.id, s.title))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn describe(a: &DescribeArgs) -> Result<String, String> {
    let st = a.source.setup()?;
    let d = api::describe_scenario(&st.scenario)?;
    if a.json {
        let mut v = to_value(&d);
        if st.link.is_some() {
            v["link"] = serde_json::json!({
                "variant": st.config.variant,
                "seed": st.seed,
                "knobs": st.config.knobs,
                "injections": st.config.injections,
            });
        }
        return Ok(to_json(&v));
    }
    let mut out = format!("{} — {}\n{}\n", d.id, d.title, d.summary);
    if !d.source.is_empty() {
        out += &format!("Source: {}\n", d.source);
    }
    out += "\n";
    if st.link.is_some() {
        out += &format!(
            "link: variant {}, seed {}, knobs {:?}, {} injected events\n\n",
            st.config.variant.as_deref().unwrap_or("(none)"),
            st.seed,
            st.config.knobs,
            st.config.injections.len()
        );
    }
    out += "variants:\n";
    for v in &d.variants {
        out += &format!("  {:<12} {}\n", v.name, v.description);
    }
    out += "knobs (set one with --set NAME=VALUE):\n";
    for k in &d.knobs {
        out += &format!(
            "  {:<20} {}: default {} {} (range {}..={}){}  {}\n",
            k.name,
            api::knob_title(k),
            k.default,
            k.unit.label(),
            k.min,
            k.max,
            if k.main { " [main]" } else { "" },
            k.description
        );
    }
    out += &format!("invariants: {}", d.invariants.join(", "));
    Ok(out)
}

pub fn run(a: &RunArgs) -> Result<String, String> {
    let Setup {
        scenario: s,
        config: cfg,
        seed,
        link,
    } = a.source.setup()?;
    let schedule = a
        .schedule
        .clone()
        .or_else(|| link.map(|l| l.schedule).filter(|s| !s.is_empty()));
    if let Some(schedule) = schedule {
        return run_scheduled(&s, &cfg, seed, &schedule, a);
    }
    if a.trace {
        return super::stream::run_traced(&s, &cfg, seed, a.json, summary);
    }
    let r = api::run(&s, &cfg, seed)?;
    if a.json {
        return Ok(to_json(&to_value(&r)));
    }
    Ok(summary(&r))
}

/// A run's summary: its events and trace hash, what happened, who was affected, and each
/// violation.
fn summary(r: &api::RunReport) -> String {
    let mut out = format!(
        "{} / {} / seed {}: {} events, trace {}\n{}\n{}",
        r.scenario,
        r.variant,
        r.seed,
        r.events,
        r.trace_hash,
        r.outcome,
        leads_line(&r.outcomes)
    );
    for x in &r.violations {
        out += &violation_line(&x.invariant, x.time_ms, &x.message, &x.witness);
    }
    out
}

/// "3 of 20 people affected: people 2, 5 and 9" (at most 12 listed).
fn leads_line(o: &api::Outcomes) -> String {
    let affected: Vec<String> = (o.people.iter())
        .filter(|p| p.affected)
        .map(|p| p.person.to_string())
        .collect();
    let mut line = format!(
        "{} of {} {} affected",
        o.affected_leads, o.leads, o.lead_unit
    );
    if !affected.is_empty() {
        let shown = affected.len().min(12);
        line += &format!(": {}", affected[..shown].join(", "));
        if affected.len() > shown {
            line += &format!(" and {} more", affected.len() - shown);
        }
    }
    line
}

/// `run` with a hand-chosen schedule (`--schedule`, or a link that carries one): replayed as
/// the app does (the schedule's answers at the first decisions, then the seed), so the trace
/// hash is the one the app shows; `explore` prints violating schedules in this form.
fn run_scheduled(
    s: &Scenario,
    cfg: &RunConfig,
    seed: u64,
    schedule: &[u32],
    a: &RunArgs,
) -> Result<String, String> {
    let v = api::run_view(s, cfg, seed, schedule)?;
    let variant = cfg.variant.as_deref().unwrap_or("base");
    if a.json {
        let violations: Vec<_> = (v.violations.iter())
            .map(|x| {
                serde_json::json!({
                    "invariant": x.invariant,
                    "time_ms": x.time_ms,
                    "person": x.person,
                    "message": x.message,
                    "witness": x.witness,
                })
            })
            .collect();
        let mut j = serde_json::json!({
            "scenario": s.id,
            "variant": variant,
            "seed": seed,
            "schedule": schedule.len(),
            "clamped": v.clamped,
            "events": v.rows.len(),
            "trace_hash": v.trace_hash,
            "violations": violations,
            "outcome": v.outcome,
        });
        for (k, x) in to_value(&*v.outcomes).as_object().into_iter().flatten() {
            j[k] = x.clone();
        }
        if a.trace {
            j["trace"] = to_value(&v.rows);
        }
        return Ok(to_json(&j));
    }
    let mut out = String::new();
    if a.trace {
        out += &trace_lines(&v.rows);
    }
    out += &format!(
        "{} / {variant} / seed {seed} after a schedule of {} choices: {} events, trace {}\n{}",
        s.id,
        schedule.len(),
        v.rows.len(),
        v.trace_hash,
        v.outcome
    );
    for x in &v.violations {
        out += &violation_line(&x.invariant, x.time_ms, &x.message, &x.witness);
    }
    Ok(out)
}

/// The README's table: every built-in scenario and variant at default knobs, with the share
/// of runs that violate and the share of leads affected.
pub fn table(seeds: u64) -> Result<String, String> {
    let mut out = format!(
        "| scenario | variant | role | runs with a violation ({seeds} seeds) | per run | \
         leads affected | per lead |\n| --- | --- | --- | --- | --- | --- | --- |\n"
    );
    for s in racelab::scenarios::all() {
        for v in &s.variants {
            let config = RunConfig {
                variant: Some(v.name.clone()),
                ..RunConfig::default()
            };
            let r = api::sweep(&s, &config, 0, seeds)?;
            let role = to_value(&v.role);
            out += &format!(
                "| `{}` | `{}` | {} | {} | {:.2}% | {} of {} {} | {} |\n",
                s.id,
                v.name,
                role.as_str().unwrap_or(""),
                r.violating_runs,
                100.0 * r.violation_rate,
                r.affected_leads,
                r.leads,
                r.lead_unit,
                percent(r.lead_rate)
            );
        }
    }
    Ok(out.trim_end().to_string())
}

/// A rate as a percentage precise enough for rare races: "12.34%", "0.0040%".
fn percent(rate: f64) -> String {
    if rate == 0.0 || rate >= 0.01 {
        format!("{:.2}%", 100.0 * rate)
    } else {
        format!("{:.4}%", 100.0 * rate)
    }
}
