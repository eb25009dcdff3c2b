//! `racelab explore`: the exhaustive search (or a sample) of one scenario's schedules, with
//! the shortest violating schedule, its trace, and how to replay it.
//!
//! Progress goes to stderr (see [`super::progress`]). The exhaustive search stops at its
//! time limit (`--time-limit`, 60 s by default) and says so, with the small set-up to try;
//! Ctrl-C stops either kind of search with what it found so far.

use super::args::{ExploreArgs, Sample, APP_URL};
use super::progress::{self, Ticker};
use super::source::Setup;
use clap::ValueEnum;
use racelab::api;
use racelab::engine::describe::fmt_ms;
use racelab::engine::explore::{
    self, format_schedule, ExploreConfig, ExploreReport, Progress, SampleConfig, SampleReport,
    Strategy,
};
use racelab::engine::{compile, Model, Violation};
use racelab::spec::{RunSpec, ScenarioSource, Tab, View};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// What stopped an exhaustive search before it was done.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    TimeLimit,
    Interrupted,
}

pub fn command(o: &ExploreArgs) -> Result<String, String> {
    let st = o.source.setup()?;
    let model = compile(&st.scenario, &st.config)?;
    progress::catch_ctrl_c();
    let link = |schedule: &[u32]| share_link(&st, &model, o, schedule);
    match o.sample {
        Some(sample) => sampled(&model, sample, st.seed, o, &link),
        None => exhaustive(&model, o, &link),
    }
}

/// The app's link to the run along `schedule` (seed 0), or why there is none.
fn share_link(
    st: &Setup,
    model: &Model,
    o: &ExploreArgs,
    schedule: &[u32],
) -> Result<String, String> {
    let (source, compare) = match (&st.link, o.source.scenario.as_deref()) {
        (Some(l), _) => (l.scenario.clone(), l.compare.clone()),
        (None, Some(id)) if racelab::scenarios::builtin(id).is_some() => (
            ScenarioSource::Builtin(id.to_string()),
            RunSpec::builtin(id).compare,
        ),
        _ => (
            ScenarioSource::Custom(
                serde_json::to_string(&st.scenario)
                    .map_err(|e| format!("scenario as JSON: {e}"))?,
            ),
            None,
        ),
    };
    let spec = RunSpec {
        scenario: source,
        variant: model.variant.clone(),
        compare,
        knobs: st.config.knobs.clone(),
        seed: 0,
        injections: st.config.injections.clone(),
        schedule: schedule.to_vec(),
        view: View {
            tab: Tab::Run,
            ..View::default()
        },
    };
    racelab::codec::encode_checked(&spec)
        .map(|code| format!("{APP_URL}#{code}"))
        .map_err(|e| e.to_string())
}

/// A line with the share link (or why there is none).
fn link_line(link: Result<String, String>) -> String {
    match link {
        Ok(url) => format!("  open in the app: {url}\n"),
        Err(e) => format!("  (no share link: {e})\n"),
    }
}

/// The command that replays `schedule` (for people to copy).
fn replay_line(model: &Model, o: &ExploreArgs, schedule: &[u32]) -> String {
    let source = match (&o.source.scenario, &o.source.link) {
        (Some(s), _) => s.clone(),
        (None, Some(link)) => format!("--link '{link}'"),
        (None, None) => model.scenario_id.clone(),
    };
    let mut line = format!("racelab run {source} --variant {}", model.variant);
    for (k, v) in &o.source.knobs {
        line += &format!(" --set {k}={v}");
    }
    line + &format!(" --schedule {} --trace", format_schedule(schedule))
}

fn violation_lines(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| {
            format!(
                "\n    VIOLATION {} at {}: {}",
                v.invariant,
                fmt_ms(v.time_ms),
                v.message
            )
        })
        .collect()
}

fn trace_text(model: &Model, schedule: &[u32]) -> Result<String, String> {
    Ok(api::run_model_view(model, 0, schedule, None)?
        .rows
        .iter()
        .map(|r| format!("    {}", r.line()))
        .collect::<Vec<_>>()
        .join("\n"))
}

type LinkFn<'a> = dyn Fn(&[u32]) -> Result<String, String> + 'a;

fn exhaustive(model: &Model, o: &ExploreArgs, link: &LinkFn) -> Result<String, String> {
    let config = ExploreConfig {
        max_decisions: o.max_decisions as usize,
        max_states: o.max_states as usize,
        reduction: !o.no_reduction,
        dedup: !o.no_dedup,
    };
    let limit = (o.time_limit > 0).then(|| Duration::from_secs(o.time_limit));
    let stop = Cell::new(None);
    let start = Instant::now();
    let mut ticker = Ticker::new(o.quiet);
    let watch = |p: &Progress| {
        ticker.tick(|s| {
            format!(
                "exploring… {s:.1} s: {} states ({} states/s, depth {}), {} orderings run to \
                 the end, {} violating so far",
                api::thousands(p.states),
                progress::rate(p.states, s),
                p.depth,
                api::thousands(p.schedules),
                api::thousands(p.violating_end_states)
            )
        });
        if progress::interrupted() {
            stop.set(Some(Stop::Interrupted));
        } else if limit.is_some_and(|l| start.elapsed() >= l) {
            stop.set(Some(Stop::TimeLimit));
        }
        stop.get().is_none()
    };
    let r = explore::explore_watched(model, &config, Box::new(watch))?;
    ticker.done();
    let elapsed = start.elapsed().as_secs_f64();
    let per_s = r.states as f64 / elapsed.max(1e-9);
    let stop = stop.get();
    if o.json {
        let mut v = serde_json::to_value(&r).expect("serialises");
        v["elapsed_ms"] = ((elapsed * 1000.0).round() as u64).into();
        v["states_per_s"] = (per_s.round() as u64).into();
        v["truncated"] = r.truncated().into();
        v["stopped_by"] = match stop {
            Some(Stop::TimeLimit) => "time-limit".into(),
            Some(Stop::Interrupted) => "interrupted".into(),
            None => serde_json::Value::Null,
        };
        if let Some(c) = &r.shortest {
            v["shortest"]["decision_count"] = c.decisions.len().into();
            v["shortest"]["replay"] = replay_line(model, o, &c.schedule).into();
            v["shortest"]["link"] = link(&c.schedule).ok().into();
            v["shortest"]["trace"] =
                serde_json::to_value(api::run_model_view(model, 0, &c.schedule, None)?.rows)
                    .expect("serialises");
        }
        return Ok(serde_json::to_string_pretty(&v).expect("serialises"));
    }
    let mut out = exhaustive_text(model, o, &r, elapsed, per_s, link)?;
    match stop {
        Some(Stop::TimeLimit) => {
            out += &format!(
                "\n  search stopped at its time limit of {} s (--time-limit S to change it, 0 for \
                 none): not every state was explored\n{}",
                o.time_limit,
                smaller_setup(model, o)
            )
        }
        Some(Stop::Interrupted) => {
            out += "\n  search interrupted (Ctrl-C): not every state was explored, the figures \
                    above are what it found so far"
        }
        None => {}
    }
    Ok(out)
}

/// What to try for a search that takes too long: the scenario's small set-up, if known.
fn smaller_setup(model: &Model, o: &ExploreArgs) -> String {
    let setup = racelab::scenarios::explore_setup(&model.scenario_id);
    let builtin = o
        .source
        .scenario
        .as_deref()
        .is_some_and(|s| racelab::scenarios::builtin(s).is_some());
    if setup.is_empty() || !builtin {
        return "  fewer people and shorter delays make the search smaller; or sample schedules \
                with --sample random"
            .to_string();
    }
    let mut line = format!(
        "  try the small set-up (a few people, delays collapsed), which the app's Explore tab \
         also offers:\n    racelab explore {} --variant {}",
        model.scenario_id, model.variant
    );
    for (k, v) in setup {
        line += &format!(" --set {k}={v}");
    }
    line
}

fn exhaustive_text(
    model: &Model,
    o: &ExploreArgs,
    r: &ExploreReport,
    elapsed: f64,
    per_s: f64,
    link: &LinkFn,
) -> Result<String, String> {
    let mut out = format!(
        "{} / {}: exhaustive search{}\n",
        r.scenario,
        r.variant,
        match (r.reduction, r.dedup) {
            (true, true) => "",
            (false, true) => " without the reduction",
            (true, false) => " without de-duplication",
            (false, false) => " without the reduction or de-duplication",
        }
    );
    out += &format!("  schedules explored:     {}\n", r.schedules);
    out += &format!("  distinct states:        {}\n", r.states);
    out += &format!("  distinct end states:    {}\n", r.end_states);
    out += &format!("  violating end states:   {}\n", r.violating_end_states);
    out += &format!(
        "  decision points:        {} visited, {} met again, {} branches cut by the reduction\n",
        r.visits, r.revisits, r.pruned
    );
    out += &format!(
        "  elapsed:                {:.3} s ({:.0} states/s, {} steps)\n",
        elapsed, per_s, r.steps
    );
    if r.truncated_by_decisions {
        out += "  search cut short by --max-decisions (raise it): some schedule needs more decisions\n";
    }
    if r.truncated_by_states {
        out += "  search cut short by --max-states (raise it): not every state was explored\n";
    }
    match &r.shortest {
        None if r.truncated() => out += "  no violating schedule found within the bounds\n",
        None => out += "  no schedule violates an invariant\n",
        Some(c) => {
            out += &format!(
                "  shortest violating schedule: {} decisions{}, {} answers:\n    {}\n",
                c.decisions.len(),
                if r.truncated() {
                    " (the fewest found)"
                } else {
                    " (none has fewer)"
                },
                c.schedule.len(),
                format_schedule(&c.schedule)
            );
            out += &format!("  its violations:{}\n", violation_lines(&c.violations));
            out += &format!("  replay: {}\n", replay_line(model, o, &c.schedule));
            out += &link_line(link(&c.schedule));
            out += &format!(
                "  its trace ({} events, trace {}):\n{}\n",
                c.events,
                c.trace_hash,
                trace_text(model, &c.schedule)?
            );
        }
    }
    Ok(out.trim_end().to_string())
}

fn sampled(
    model: &Model,
    sample: Sample,
    seed: u64,
    o: &ExploreArgs,
    link: &LinkFn,
) -> Result<String, String> {
    let strategy = match sample {
        Sample::Random if o.pct_depth.is_some() => {
            return Err("--pct-depth goes with --sample pct".to_string())
        }
        Sample::Random => Strategy::Random,
        Sample::Pct => Strategy::Pct {
            depth: o.pct_depth.unwrap_or(3),
        },
    };
    let config = SampleConfig {
        strategy,
        runs: o.runs,
        seed,
    };
    let start = Instant::now();
    let mut ticker = Ticker::new(o.quiet);
    let r = explore::sample_watched(model, &config, &mut |runs, violating| {
        ticker.tick(|s| {
            format!(
                "sampling… {} of {} runs ({} runs/s), {} violating so far",
                api::thousands(runs),
                api::thousands(o.runs),
                progress::rate(runs, s),
                api::thousands(violating)
            )
        });
        !progress::interrupted()
    })?;
    ticker.done();
    let elapsed = start.elapsed().as_secs_f64();
    let runs_per_s = r.runs as f64 / elapsed.max(1e-9);
    let interrupted = r.runs < o.runs;
    if o.json {
        let mut v = serde_json::to_value(&r).expect("serialises");
        v["elapsed_ms"] = ((elapsed * 1000.0).round() as u64).into();
        v["runs_per_s"] = (runs_per_s.round() as u64).into();
        if interrupted {
            v["interrupted"] = true.into();
            v["runs_asked"] = o.runs.into();
        }
        if let Some(f) = &r.shortest {
            v["shortest"]["replay"] = replay_line(model, o, &f.schedule).into();
            v["shortest"]["link"] = link(&f.schedule).ok().into();
        }
        return Ok(serde_json::to_string_pretty(&v).expect("serialises"));
    }
    let mut out = sampled_text(model, sample, o, &r, elapsed, runs_per_s, link)?;
    if interrupted {
        out += &format!(
            "\n  interrupted (Ctrl-C) after {} of {} runs: the figures are for those runs",
            r.runs, o.runs
        );
    }
    Ok(out)
}

fn sampled_text(
    model: &Model,
    sample: Sample,
    o: &ExploreArgs,
    r: &SampleReport,
    elapsed: f64,
    runs_per_s: f64,
    link: &LinkFn,
) -> Result<String, String> {
    let mut out = format!(
        "{} / {}: {} sampled schedules, strategy {}, seed {}\n",
        r.scenario,
        r.variant,
        r.runs,
        r.strategy.name(),
        r.seed
    );
    out += &format!(
        "  violating runs:         {} of {} ({:.2}%)\n",
        r.violating_runs,
        r.runs,
        100.0 * r.violating_runs as f64 / r.runs.max(1) as f64
    );
    out += &format!(
        "  elapsed:                {:.3} s ({:.0} runs/s, {} decisions, {} events)\n",
        elapsed, runs_per_s, r.decisions, r.events
    );
    let (Some(first), Some(short)) = (&r.first, &r.shortest) else {
        out += "  no sampled schedule violates an invariant";
        return Ok(out);
    };
    out += &format!(
        "  first violating run:    run {} (run seed {}), {} decisions\n",
        first.run,
        first.run_seed,
        first.decisions.len()
    );
    out += &format!(
        "  shortest violating run: run {} (run seed {}), {} decisions, {} answers:\n    {}\n",
        short.run,
        short.run_seed,
        short.decisions.len(),
        short.schedule.len(),
        format_schedule(&short.schedule)
    );
    out += &format!("  its violations:{}\n", violation_lines(&short.violations));
    out += &format!(
        "  replay: {}\n    (or sample again: --sample {} --seed {} --runs {})\n",
        replay_line(model, o, &short.schedule),
        sample
            .to_possible_value()
            .expect("every strategy has a name")
            .get_name(),
        r.seed,
        short.run + 1
    );
    out += &link_line(link(&short.schedule));
    out += &format!("  its trace:\n{}", trace_text(model, &short.schedule)?);
    Ok(out)
}
