//! `racelab`: the native command line over the Race Lab engine.
//!
//! Commands: `list`, `describe`, `run`, `sweep`, `explore`, `table`. A scenario is a built-in
//! id or a path to a scenario JSON file. Bad input prints what is wrong on stderr and exits
//! with code 2.

use racelab::api;
use racelab::engine::explore::{format_schedule, parse_schedule};
use racelab::engine::knobs::parse_assignment;
use racelab::engine::{RunConfig, Scenario};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
racelab: simulate marketing-automation races deterministically

usage:
  racelab list
  racelab describe <scenario> [--json]
  racelab run <scenario> [--variant V] [--seed N] [--set knob=value]... [--json] [--trace]
                [--schedule 0,1,0,2]
                (--trace lists every event; with --json as a `trace` array; --schedule gives
                 the answers at the first decisions (chooser calls), then the seed decides:
                 what `explore` prints for a violating schedule)
  racelab sweep <scenario> [--variant V] --seeds N [--first-seed S] [--set knob=value]... [--json]
  racelab explore <scenario> [--variant V] [--set knob=value]... [--max-decisions N]
                [--max-states N] [--no-reduction] [--json]
                (every schedule: orderings of ready work, representative delays, failures)
  racelab explore <scenario> --sample random|pct [--runs N] [--seed S] [--pct-depth D] ...
                (N seeded schedules, random or PCT-style; default 1000 runs, depth 3)
  racelab table [--seeds N]     (markdown: every built-in scenario and variant, violation rate)

<scenario> is a built-in id (see `racelab list`) or a path to a scenario JSON file.";

#[path = "racelab/explore.rs"]
mod explore;

/// Parsed options shared by the commands.
#[derive(Default)]
pub(crate) struct Options {
    scenario: Option<String>,
    variant: Option<String>,
    seed: u64,
    seeds: Option<u64>,
    first_seed: u64,
    knobs: Vec<(String, i64)>,
    json: bool,
    trace: bool,
    schedule: Option<Vec<u32>>,
    max_decisions: Option<u64>,
    max_states: Option<u64>,
    no_reduction: bool,
    no_dedup: bool,
    sample: Option<String>,
    runs: Option<u64>,
    pct_depth: Option<u64>,
    seed_given: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} `{v}` is not a whole number ≥ 0"))
        };
        match a.as_str() {
            "--variant" => o.variant = Some(value("--variant")?),
            "--seed" => {
                o.seed = number("--seed", value("--seed")?)?;
                o.seed_given = true;
            }
            "--schedule" => o.schedule = Some(parse_schedule(&value("--schedule")?)?),
            "--max-decisions" => {
                o.max_decisions = Some(number("--max-decisions", value("--max-decisions")?)?)
            }
            "--max-states" => o.max_states = Some(number("--max-states", value("--max-states")?)?),
            "--no-reduction" => o.no_reduction = true,
            "--no-dedup" => o.no_dedup = true,
            "--sample" => o.sample = Some(value("--sample")?),
            "--runs" => o.runs = Some(number("--runs", value("--runs")?)?),
            "--pct-depth" => o.pct_depth = Some(number("--pct-depth", value("--pct-depth")?)?),
            "--seeds" => o.seeds = Some(number("--seeds", value("--seeds")?)?),
            "--first-seed" => o.first_seed = number("--first-seed", value("--first-seed")?)?,
            "--set" => o.knobs.push(parse_assignment(&value("--set")?)?),
            "--json" => o.json = true,
            "--trace" => o.trace = true,
            s if s.starts_with("--") => return Err(format!("unknown option `{s}`")),
            s if o.scenario.is_none() => o.scenario = Some(s.to_string()),
            s => return Err(format!("unexpected argument `{s}`")),
        }
    }
    Ok(o)
}

/// A built-in id, or else a path to a scenario JSON file.
fn load_scenario(arg: &str) -> Result<Scenario, String> {
    if let Some(s) = racelab::scenarios::builtin(arg) {
        return Ok(s);
    }
    let text = std::fs::read_to_string(arg).map_err(|e| {
        let ids: Vec<&str> = racelab::scenarios::ids().collect();
        format!(
            "`{arg}` is neither a built-in scenario ({}) nor a readable file: {e}",
            ids.join(", ")
        )
    })?;
    serde_json::from_str(&text).map_err(|e| format!("{arg}: not a valid scenario: {e}"))
}

fn config(o: &Options) -> RunConfig {
    RunConfig {
        variant: o.variant.clone(),
        knobs: o.knobs.iter().cloned().collect(),
        ..RunConfig::default()
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("reports serialise")
}

fn run_command(command: &str, o: &Options) -> Result<String, String> {
    let scenario = || -> Result<Scenario, String> {
        load_scenario(o.scenario.as_deref().ok_or("missing <scenario>")?)
    };
    match command {
        "list" => Ok(racelab::scenarios::all()
            .iter()
            .map(|s| format!("{:<22} {}", s.id, s.title))
            .collect::<Vec<_>>()
            .join("\n")),
        "describe" => {
            let d = api::describe_scenario(&scenario()?)?;
            if o.json {
                return Ok(to_json(&d));
            }
            let mut out = format!("{} — {}\n{}\n\nvariants:\n", d.id, d.title, d.summary);
            for v in &d.variants {
                out += &format!("  {:<12} {}\n", v.name, v.description);
            }
            out += "knobs:\n";
            for k in &d.knobs {
                out += &format!(
                    "  {:<20} default {} {} (range {}..={}){}  {}\n",
                    k.name,
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
        "run" => {
            let s = scenario()?;
            if let Some(schedule) = &o.schedule {
                return run_scheduled(&s, o, schedule);
            }
            let r = api::run(&s, &config(o), o.seed)?;
            if o.json {
                let mut v = serde_json::to_value(&r).expect("serialises");
                if o.trace {
                    v["trace"] = serde_json::to_value(api::trace(&s, &config(o), o.seed)?)
                        .expect("serialises");
                }
                return Ok(serde_json::to_string_pretty(&v).expect("serialises"));
            }
            let mut out = String::new();
            if o.trace {
                let rows = api::trace(&s, &config(o), o.seed)?;
                out += &rows
                    .iter()
                    .map(api::TraceRow::line)
                    .collect::<Vec<_>>()
                    .join("\n");
                out += "\n\n";
            }
            out += &format!(
                "{} / {} / seed {}: {} events, trace {}\n{}",
                r.scenario, r.variant, r.seed, r.events, r.trace_hash, r.outcome
            );
            for v in &r.violations {
                out += &format!(
                    "\n  VIOLATION {} at {}: {} (witness events {:?})",
                    v.invariant,
                    racelab::engine::describe::fmt_ms(v.time_ms),
                    v.message,
                    v.witness
                );
            }
            Ok(out)
        }
        "sweep" => {
            let s = scenario()?;
            let seeds = o.seeds.ok_or("sweep needs --seeds N")?;
            if seeds == 0 || seeds > 10_000_000 {
                return Err("--seeds must be between 1 and 10,000,000".into());
            }
            let start = Instant::now();
            let r = api::sweep(&s, &config(o), o.first_seed, seeds)?;
            let elapsed_ms = start.elapsed().as_millis() as u64;
            if o.json {
                let mut v = serde_json::to_value(&r).expect("serialises");
                v["elapsed_ms"] = elapsed_ms.into();
                return Ok(serde_json::to_string_pretty(&v).expect("serialises"));
            }
            Ok(format!(
                "{} / {}: {} of {} runs violated ({:.2}%), {} events in {} ms{}",
                r.scenario,
                r.variant,
                r.violating_runs,
                r.runs,
                100.0 * r.violation_rate,
                r.events,
                elapsed_ms,
                r.first_violating_seed
                    .map_or(String::new(), |s| format!("; first violating seed {s}"))
            ))
        }
        "explore" => explore::command(&scenario()?, &config(o), o),
        "table" => table(o.seeds.unwrap_or(10_000)),
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// `run --schedule`: the schedule's answers at the first chooser calls, then the seed (as the
/// app replays a schedule, and as `explore` prints a violating one).
fn run_scheduled(s: &Scenario, o: &Options, schedule: &[u32]) -> Result<String, String> {
    let model = racelab::engine::compile(s, &config(o))?;
    let v = api::run_model_view(&model, o.seed, schedule)?;
    let events = v.rows.len();
    if o.json {
        let violations: Vec<serde_json::Value> = v
            .violations
            .iter()
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
            "scenario": model.scenario_id,
            "variant": model.variant,
            "seed": o.seed,
            "schedule": schedule,
            "clamped": v.clamped,
            "events": events,
            "trace_hash": v.trace_hash,
            "end_time_ms": v.end_time_ms,
            "violations": violations,
            "outcome": v.outcome,
        });
        if o.trace {
            j["trace"] = serde_json::to_value(&v.rows).expect("serialises");
        }
        return Ok(serde_json::to_string_pretty(&j).expect("serialises"));
    }
    let mut out = String::new();
    if o.trace {
        out += &v
            .rows
            .iter()
            .map(api::TraceRow::line)
            .collect::<Vec<_>>()
            .join("\n");
        out += "\n\n";
    }
    out += &format!(
        "{} / {} / seed {} / schedule {}: {} events, trace {}\n{}",
        model.scenario_id,
        model.variant,
        o.seed,
        format_schedule(schedule),
        events,
        v.trace_hash,
        v.outcome
    );
    if v.clamped > 0 {
        out += &format!(
            "\n  ({} answers of the schedule did not fit their decision and were clamped)",
            v.clamped
        );
    }
    for x in &v.violations {
        out += &format!(
            "\n  VIOLATION {} at {}: {} (witness events {:?})",
            x.invariant,
            racelab::engine::describe::fmt_ms(x.time_ms),
            x.message,
            x.witness
        );
    }
    Ok(out)
}

/// The README's table: every built-in scenario and variant at default knobs.
fn table(seeds: u64) -> Result<String, String> {
    if seeds == 0 || seeds > 1_000_000 {
        return Err("--seeds must be between 1 and 1,000,000".into());
    }
    let mut out = format!(
        "| scenario | variant | role | violating runs ({seeds} seeds) | rate |\n| --- | --- | --- | --- | --- |\n"
    );
    for s in racelab::scenarios::all() {
        for v in &s.variants {
            let config = RunConfig {
                variant: Some(v.name.clone()),
                ..RunConfig::default()
            };
            let r = api::sweep(&s, &config, 0, seeds)?;
            let role = serde_json::to_value(v.role).expect("serialises");
            out += &format!(
                "| `{}` | `{}` | {} | {} | {:.2}% |\n",
                s.id,
                v.name,
                role.as_str().unwrap_or(""),
                r.violating_runs,
                100.0 * r.violation_rate
            );
        }
    }
    Ok(out.trim_end().to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if command == "--help" || command == "-h" || command == "help" {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let result = parse_options(&args[1..]).and_then(|o| run_command(command, &o));
    match result {
        Ok(out) => {
            // A closed pipe (`racelab run … --trace | head`) is not an error worth a panic.
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("racelab: {e}");
            ExitCode::from(2)
        }
    }
}
