//! `racelab`: the native command line over the Race Lab engine.
//!
//! Commands: `list`, `describe`, `run`, `sweep`, `explore`, `table`, `link`. A scenario is a
//! built-in id or a path to a scenario JSON file, or comes from a share link (`--link URL`).
//! Bad input (a bad link included) prints what is wrong on stderr and exits with code 2.

use racelab::api;
use racelab::engine::explore::parse_schedule;
use racelab::engine::knobs::parse_assignment;
use racelab::engine::{RunConfig, Scenario};
use racelab::spec::{RunSpec, ScenarioSource};
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
  racelab link <scenario> [--variant V] [--compare V2] [--set knob=value]... [--seed N]
               [--base URL]
                (prints a share link <base>#<code>; defaults as in the app: variant naive,
                 compare fixed, seed 1; base http://127.0.0.1:8080/, what ./scripts/serve
                 serves; a file's JSON travels inside the link)

<scenario> is a built-in id (see `racelab list`) or a path to a scenario JSON file.
`--link URL` may replace <scenario> in describe, run, sweep, explore and link: the link's scenario,
variant, knobs, seed and injections are used, and options given explicitly override them
(sweep starts at the link's seed unless --first-seed is given).";

/// Where `racelab link` points by default: the app as `./scripts/serve` serves it.
const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

#[path = "racelab/explore.rs"]
mod explore;

/// Parsed options shared by the commands.
#[derive(Default)]
pub(crate) struct Options {
    scenario: Option<String>,
    variant: Option<String>,
    seed: Option<u64>,
    seeds: Option<u64>,
    first_seed: Option<u64>,
    knobs: Vec<(String, i64)>,
    json: bool,
    trace: bool,
    /// `--link URL`: a share link in place of <scenario>.
    link: Option<String>,
    /// `link --compare V2`.
    compare: Option<String>,
    /// `link --base URL`.
    base: Option<String>,
    /// `run --schedule`: answers at the first decisions (overrides a link's schedule).
    schedule: Option<Vec<u32>>,
    max_decisions: Option<u64>,
    max_states: Option<u64>,
    no_reduction: bool,
    no_dedup: bool,
    sample: Option<String>,
    runs: Option<u64>,
    pct_depth: Option<u64>,
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
            "--seed" => o.seed = Some(number("--seed", value("--seed")?)?),
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
            "--first-seed" => o.first_seed = Some(number("--first-seed", value("--first-seed")?)?),
            "--set" => o.knobs.push(parse_assignment(&value("--set")?)?),
            "--json" => o.json = true,
            "--trace" => o.trace = true,
            "--link" => o.link = Some(value("--link")?),
            "--compare" => o.compare = Some(value("--compare")?),
            "--base" => o.base = Some(value("--base")?),
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
    racelab::scenarios::parse(&text).map_err(|e| format!("{arg}: not a valid scenario: {e}"))
}

fn config(o: &Options) -> RunConfig {
    RunConfig {
        variant: o.variant.clone(),
        knobs: o.knobs.iter().cloned().collect(),
        ..RunConfig::default()
    }
}

/// What a command runs: from `<scenario>` and the options, or from `--link` with the options
/// given explicitly overriding the link's settings.
struct Setup {
    scenario: Scenario,
    config: RunConfig,
    seed: u64,
    /// The decoded link, when there was one.
    link: Option<RunSpec>,
}

fn setup(o: &Options) -> Result<Setup, String> {
    let Some(spec) = link_spec(o)? else {
        return Ok(Setup {
            scenario: load_scenario(o.scenario.as_deref().ok_or("missing <scenario>")?)?,
            config: config(o),
            seed: o.seed.unwrap_or(0),
            link: None,
        });
    };
    let (scenario, mut config) = spec.resolve()?;
    if let Some(v) = &o.variant {
        config.variant = Some(v.clone());
    }
    config.knobs.extend(o.knobs.iter().cloned());
    Ok(Setup {
        scenario,
        config,
        seed: o.seed.unwrap_or(spec.seed),
        link: Some(spec),
    })
}

/// The run spec of `--link`, if given (and then no <scenario>).
fn link_spec(o: &Options) -> Result<Option<RunSpec>, String> {
    let Some(link) = &o.link else {
        return Ok(None);
    };
    if let Some(s) = &o.scenario {
        return Err(format!(
            "give either <scenario> (`{s}`) or --link, not both"
        ));
    }
    racelab::codec::decode(link)
        .map(Some)
        .map_err(|e| format!("--link: {e}"))
}

/// `racelab link`: the run spec from <scenario> or `--link` and the options, as a share link.
fn link_command(o: &Options) -> Result<String, String> {
    let mut spec = match (link_spec(o)?, o.scenario.as_deref()) {
        (Some(spec), _) => spec,
        (None, None) => return Err("missing <scenario>".into()),
        (None, Some(id)) if racelab::scenarios::builtin(id).is_some() => RunSpec::builtin(id),
        (None, Some(path)) => {
            let scenario = load_scenario(path)?;
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let has = |name: &str| scenario.variants.iter().any(|v| v.name == name);
            let variant = match scenario.variants.first() {
                _ if has("naive") => "naive".to_string(),
                Some(first) => first.name.clone(),
                None => {
                    return Err(format!(
                        "{path}: the scenario has no variants, and a link names one"
                    ))
                }
            };
            RunSpec {
                scenario: ScenarioSource::Custom(text),
                compare: (has("fixed") && variant != "fixed").then(|| "fixed".to_string()),
                variant,
                ..RunSpec::builtin(path)
            }
        }
    };
    if let Some(v) = &o.variant {
        spec.variant = v.clone();
    }
    if let Some(c) = &o.compare {
        spec.compare = Some(c.clone());
    }
    spec.knobs.extend(o.knobs.iter().cloned());
    if let Some(seed) = o.seed {
        spec.seed = seed;
    }
    // Refuse a link that would not open: unknown variants or knobs, values out of range.
    let (scenario, config) = spec.resolve()?;
    racelab::engine::compile(&scenario, &config)?;
    if let Some(c) = &spec.compare {
        let (scenario, config) = spec.resolve_variant(c)?;
        racelab::engine::compile(&scenario, &config).map_err(|e| format!("--compare: {e}"))?;
    }
    let code = racelab::codec::encode_checked(&spec).map_err(|e| e.to_string())?;
    let base = o.base.as_deref().unwrap_or(DEFAULT_BASE);
    let base = base.split_once('#').map_or(base, |(b, _)| b);
    Ok(format!("{base}#{code}"))
}

/// `run` with a hand-chosen schedule (`--schedule`, or a link that carries one): replayed as
/// the app does (the schedule's answers at the first decisions, then the seed), so the trace
/// hash is the one the app shows; `explore` prints violating schedules in this form.
fn run_scheduled(
    s: &Scenario,
    cfg: &RunConfig,
    seed: u64,
    schedule: &[u32],
    o: &Options,
) -> Result<String, String> {
    let v = api::run_view(s, cfg, seed, schedule)?;
    let variant = cfg.variant.as_deref().unwrap_or("base");
    if o.json {
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
        if o.trace {
            j["trace"] = serde_json::to_value(&v.rows).expect("serialises");
        }
        return Ok(to_json(&j));
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
        "{} / {variant} / seed {seed} after a schedule of {} choices: {} events, trace {}\n{}",
        s.id,
        schedule.len(),
        v.rows.len(),
        v.trace_hash,
        v.outcome
    );
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

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("reports serialise")
}

fn run_command(command: &str, o: &Options) -> Result<String, String> {
    match command {
        "list" => Ok(racelab::scenarios::all()
            .iter()
            .map(|s| format!("{:<22} {}", s.id, s.title))
            .collect::<Vec<_>>()
            .join("\n")),
        "describe" => {
            let st = setup(o)?;
            let d = api::describe_scenario(&st.scenario)?;
            if o.json {
                let mut v = serde_json::to_value(&d).expect("serialises");
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
            let mut out = format!("{} — {}\n{}\n\n", d.id, d.title, d.summary);
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
            let Setup {
                scenario: s,
                config: cfg,
                seed,
                link,
            } = setup(o)?;
            let schedule = o
                .schedule
                .clone()
                .or_else(|| link.map(|l| l.schedule).filter(|s| !s.is_empty()));
            if let Some(schedule) = schedule {
                return run_scheduled(&s, &cfg, seed, &schedule, o);
            }
            let r = api::run(&s, &cfg, seed)?;
            if o.json {
                let mut v = serde_json::to_value(&r).expect("serialises");
                if o.trace {
                    v["trace"] =
                        serde_json::to_value(api::trace(&s, &cfg, seed)?).expect("serialises");
                }
                return Ok(serde_json::to_string_pretty(&v).expect("serialises"));
            }
            let mut out = String::new();
            if o.trace {
                let rows = api::trace(&s, &cfg, seed)?;
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
            let st = setup(o)?;
            let first_seed = o
                .first_seed
                .unwrap_or(if st.link.is_some() { st.seed } else { 0 });
            let seeds = o.seeds.ok_or("sweep needs --seeds N")?;
            if seeds == 0 || seeds > 10_000_000 {
                return Err("--seeds must be between 1 and 10,000,000".into());
            }
            let start = Instant::now();
            let r = api::sweep(&st.scenario, &st.config, first_seed, seeds)?;
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
        "explore" => explore::command(&setup(o)?, o),
        "table" => table(o.seeds.unwrap_or(10_000)),
        "link" => link_command(o),
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
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
