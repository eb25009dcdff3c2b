//! A facade over the engine for the CLI, the web page and the tests: run, sweep and
//! describe a scenario, with results as plain serialisable data.
//!
//! What the browser app needs beyond that lives in topic files, re-exported here: `view`
//! (one run for the timeline: rows, lanes, violations, outcome, decisions), `inspect` (the
//! state of people and systems at a moment), `reader` (campaigns and systems in Marketo
//! words), `inject` (the outside events a user can add to a run), `scheduler` (the user as
//! the scheduler), `sweep_points` (a sweep's points as the chart draws them), `explore`
//! (every ordering of a run, summed up), `lesson` (where a lesson link pauses) and `glossary` (the technical words the lessons use,
//! explained).

pub mod challenge;
mod explore;
pub mod glossary;
mod inject;
mod inspect;
mod lanes;
mod lesson;
mod marks;
mod outcomes;
mod reader;
mod scheduler;
mod steps;
mod story;
mod sweep_points;
mod text;
mod view;
mod words;

pub use explore::{
    explore_from_summary, explore_summary, explore_summary_watched, ExploreSummary, FromSummary,
    FROM_HERE_MAX_STATES,
};
pub use inject::{inject_options, InjectOption};
pub use inspect::{
    inspect_at, inspect_model_at, PersonSnapshot, Snapshot, SystemSnapshot, SYSTEM_LINES,
};
pub use lanes::{invariant_lanes, step_name, InvariantInfo, InvariantLane, StepNames};
pub use lesson::{lesson_fix, lesson_race, lesson_sentences, lesson_stop, LessonStop};
pub use marks::{lane_index, Grouping, IndexedLane, LaneIndex, Mark, NO_PERSON};
pub use outcomes::{
    lead_counts, lead_unit, outcomes, AlertOutcome, ChangeOutcome, CrmOutcome, EntryOutcome,
    FieldValue, Outcomes, PersonOutcome, PersonViolation, LIST_EVERYONE_UP_TO,
};
pub use reader::{
    campaign_views, campaign_views_for, CampaignView, FlowStepView, SystemView, Views,
};
pub use scheduler::{
    model_scheduler_view, model_scheduler_view_kept, scheduler_view, scheduler_view_kept, Decision,
    KnownDelays, SchedulerView,
};
pub use story::{
    model_story, story, violation_story_of, Arrow, AsSeen, SeenValue, Sentence, Story, StoryOf,
    StoryStep,
};
pub use sweep_points::{
    projected_affected, projection, sweep_axis, sweep_points, sweep_series, sweep_values,
    thousands, SweepPoint, MCAE_LEADS_PER_DAY,
};
pub use text::Text;
pub use view::{
    lanes, lesson_view, run_model_view, run_view, LaneInfo, LaneKind, RowPart, RunView,
    ViolationView,
};
pub use words::{clock, invariant_title, knob_title};

// The engine's types and checks the front ends name: through here, `api` is their one door.
pub use crate::engine::knobs::Knob;
pub use crate::engine::scenario::{Injection, PeopleSelector, VariantRole};
pub use crate::engine::{validate, Place, RunConfig, Scenario, ScenarioError};

use crate::engine::trace::EventKind;
use crate::engine::{compile, Model, RunOutcome, SeededChooser, Sim, Violation};
use serde::Serialize;

// The integration systems' steps and what differs between two variants' flows.
use std::collections::{BTreeMap, BTreeSet};
pub use steps::{
    variant_differences, variant_differences_for, views_differences, FlowDiff, StepChange,
    StepChangeKind,
};

/// What one run produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub scenario: String,
    pub variant: String,
    pub seed: u64,
    /// Number of trace events.
    pub events: usize,
    /// Hash of the whole trace as 16 hex digits; equal hashes mean identical runs.
    pub trace_hash: String,
    pub end_time_ms: u64,
    pub violations: Vec<Violation>,
    /// Violations per invariant (every declared invariant is listed, zeros included).
    pub invariants: BTreeMap<String, usize>,
    /// Request Campaign calls stopped by the per-person cap (a request loop).
    pub capped_requests: u32,
    /// One line for people: "20 alerts sent, 3 to no one".
    pub outcome: String,
    /// What happened to each lead: `lead_unit`, `leads`, `affected_leads`, `people` (one
    /// entry per person) and `items` (for a scenario without people).
    #[serde(flatten)]
    pub outcomes: Outcomes,
}

/// A run's estimated size, for a front end to check before it starts the run (on the main
/// thread: it compiles, never runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RunSize {
    /// Trace events, estimated (an upper bound in practice; see docs/limits.md).
    pub events: u64,
    /// Memory in bytes, estimated.
    pub bytes: u64,
}

/// The estimated size of the run `config` asks of `scenario`, or why it cannot run: the
/// message a user reads ("This run would have about 12 million events; the browser can hold
/// 5 million. Lower People (now 10,000) to 4,000 or less."). [`run`] refuses the same runs.
pub fn run_size(scenario: &Scenario, config: &RunConfig) -> Result<RunSize, String> {
    let model = compile(scenario, config)?;
    let e = crate::engine::bounds::estimate(&model);
    Ok(RunSize {
        events: e.events,
        bytes: e.bytes,
    })
}

/// Runs `scenario` once with `config` and `seed`.
pub fn run(scenario: &Scenario, config: &RunConfig, seed: u64) -> Result<RunReport, String> {
    let model = compile(scenario, config)?;
    run_model(&model, seed)
}

/// Runs an already compiled model (sweeps compile once).
pub fn run_model(model: &Model, seed: u64) -> Result<RunReport, String> {
    let mut sim = Sim::new(model);
    let out = sim
        .run(&mut SeededChooser::new(seed))
        .map_err(|e| e.to_string())?;
    Ok(report_of(model, &sim, seed, out))
}

/// Runs `scenario` once, like [`run`] and [`trace`] together, and hands `f` the report and
/// the trace's rows, each made as it is read: a long trace is written out without ever
/// holding every row in memory.
pub fn run_streamed<R>(
    scenario: &Scenario,
    config: &RunConfig,
    seed: u64,
    f: impl FnOnce(&RunReport, &mut dyn Iterator<Item = TraceRow>) -> R,
) -> Result<R, String> {
    let model = compile(scenario, config)?;
    let mut sim = Sim::new(&model);
    let out = sim
        .run(&mut SeededChooser::new(seed))
        .map_err(|e| e.to_string())?;
    let report = report_of(&model, &sim, seed, out);
    let mut rows = sim.trace.iter().map(|e| view::row(&model, &sim.syms, e));
    Ok(f(&report, &mut rows))
}

/// The report of a finished run.
fn report_of(model: &Model, sim: &Sim, seed: u64, out: RunOutcome) -> RunReport {
    let mut invariants: BTreeMap<String, usize> = model
        .invariants
        .iter()
        .map(|i| (i.name().to_string(), 0))
        .collect();
    for v in &out.violations {
        *invariants.entry(v.invariant.clone()).or_default() += 1;
    }
    RunReport {
        scenario: model.scenario_id.clone(),
        variant: model.variant.clone(),
        seed,
        events: out.events,
        trace_hash: out.trace_hash_hex(),
        end_time_ms: out.end_time,
        outcome: outcome_line(sim),
        outcomes: outcomes(sim),
        violations: out.violations,
        invariants,
        capped_requests: out.capped_requests,
    }
}

/// Counts what people care about: e-mails, alerts (and those sent to no one), violations.
fn outcome_line(sim: &Sim) -> String {
    let (mut emails, mut alerts, mut nobody) = (0, 0, 0);
    for e in &sim.trace {
        match &e.kind {
            EventKind::EmailSent { .. } => emails += 1,
            EventKind::AlertSent { recipient, .. } => {
                alerts += 1;
                nobody += recipient.is_empty() as usize;
            }
            _ => {}
        }
    }
    let mut parts = Vec::new();
    if emails > 0 {
        parts.push(format!("{emails} emails sent"));
    }
    if alerts > 0 {
        parts.push(format!("{alerts} alerts sent, {nobody} to no one"));
    }
    let v = sim.state.monitor.violations.len();
    parts.push(match v {
        0 => "no violations".to_string(),
        1 => "1 violation".to_string(),
        n => format!("{n} violations"),
    });
    parts.join("; ")
}

/// The seed "New seed" picks after `seed`: derived from it (so a test can predict it), and
/// short enough to read out.
pub fn next_seed(seed: u64) -> u64 {
    crate::engine::rng::SplitMix64::new(seed).next_u64() % 1_000_000
}

/// Many seeds of one scenario and variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepReport {
    pub scenario: String,
    pub variant: String,
    pub first_seed: u64,
    pub runs: u64,
    pub violating_runs: u64,
    pub violation_rate: f64,
    /// Violations over all runs (a run may have several).
    pub violations: u64,
    /// What one lead is here (`people`, or the items of a scenario without people).
    pub lead_unit: String,
    /// Leads over all runs, and those a violation touched.
    pub leads: u64,
    pub affected_leads: u64,
    /// `affected_leads / leads`: the share of leads a violation touched.
    pub lead_rate: f64,
    /// Trace events over all runs.
    pub events: u64,
    /// Runs with at least one violation of each invariant.
    pub invariants: BTreeMap<String, u64>,
    /// The first seed that violated, to replay with `run --seed`.
    pub first_violating_seed: Option<u64>,
}

/// Runs seeds `first_seed .. first_seed + runs`.
pub fn sweep(
    scenario: &Scenario,
    config: &RunConfig,
    first_seed: u64,
    runs: u64,
) -> Result<SweepReport, String> {
    let model = compile(scenario, config)?;
    sweep_model(&model, first_seed, runs, &mut |_| true)
}

/// Runs seeds `first_seed .. first_seed + runs` of a compiled model, calling `watch` with
/// the seed before each run: when it returns false the sweep stops there and reports the
/// runs done (`runs` is then fewer than asked). Reports of consecutive seed ranges
/// [`merge`](SweepReport::merge) into the report of the whole range.
pub fn sweep_model(
    model: &Model,
    first_seed: u64,
    runs: u64,
    watch: &mut dyn FnMut(u64) -> bool,
) -> Result<SweepReport, String> {
    let mut sim = Sim::new(model);
    // A sweep counts runs and never reads one's trace back (see `Sim::without_trace`).
    sim.without_trace();
    sweep_on(&mut sim, first_seed, runs, watch)
}

/// [`sweep_model`] on a run kept by the caller (of the model to sweep) and reset for each
/// seed: a worker that sweeps chunk after chunk reuses one run's memory for all of them.
pub fn sweep_on(
    sim: &mut Sim,
    first_seed: u64,
    runs: u64,
    watch: &mut dyn FnMut(u64) -> bool,
) -> Result<SweepReport, String> {
    let model = sim.model;
    let mut report = SweepReport {
        scenario: model.scenario_id.clone(),
        variant: model.variant.clone(),
        first_seed,
        runs,
        violating_runs: 0,
        violation_rate: 0.0,
        violations: 0,
        lead_unit: lead_unit(model).into(),
        leads: 0,
        affected_leads: 0,
        lead_rate: 0.0,
        events: 0,
        invariants: model
            .invariants
            .iter()
            .map(|i| (i.name().to_string(), 0))
            .collect(),
        first_violating_seed: None,
    };
    // One run, reset for each seed: its memory is reused.
    for seed in first_seed..first_seed.saturating_add(runs) {
        if !watch(seed) {
            report.runs = seed - first_seed;
            break;
        }
        sim.reset();
        let out = sim
            .run(&mut SeededChooser::new(seed))
            .map_err(|e| format!("seed {seed}: {e}"))?;
        report.events += out.events as u64;
        report.violations += out.violations.len() as u64;
        let (leads, affected) = lead_counts(sim);
        report.leads += leads;
        report.affected_leads += affected;
        if !out.violations.is_empty() {
            report.violating_runs += 1;
            report.first_violating_seed.get_or_insert(seed);
            let names: BTreeSet<&str> = out
                .violations
                .iter()
                .map(|v| v.invariant.as_str())
                .collect();
            for n in names {
                *report.invariants.entry(n.to_string()).or_default() += 1;
            }
        }
    }
    report.rates();
    Ok(report)
}

impl SweepReport {
    /// Works out the rates from the counts.
    fn rates(&mut self) {
        self.violation_rate = ratio(self.violating_runs, self.runs);
        self.lead_rate = ratio(self.affected_leads, self.leads);
    }

    /// Adds the report of the seeds that come right after this one's: the report of both
    /// ranges together, as one sweep over them would make it.
    pub fn merge(&mut self, next: &SweepReport) {
        self.runs += next.runs;
        self.violating_runs += next.violating_runs;
        self.violations += next.violations;
        self.leads += next.leads;
        self.affected_leads += next.affected_leads;
        self.events += next.events;
        for (name, n) in &next.invariants {
            *self.invariants.entry(name.clone()).or_default() += n;
        }
        if self.first_violating_seed.is_none() {
            self.first_violating_seed = next.first_violating_seed;
        }
        self.rates();
    }
}

/// `part / whole`, 0 when `whole` is 0.
pub fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// What a scenario offers: variants, knobs and invariants.
#[derive(Debug, Clone, Serialize)]
pub struct Description {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub race: String,
    /// The lesson, in plain words.
    pub lesson: String,
    /// The source document the lesson is built on (empty when the scenario names none).
    pub source: String,
    pub variants: Vec<VariantInfo>,
    pub knobs: Vec<Knob>,
    pub invariants: Vec<String>,
    pub campaigns: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantInfo {
    pub name: String,
    pub description: String,
    /// race, fix or other.
    pub role: VariantRole,
}

pub fn describe_scenario(s: &Scenario) -> Result<Description, String> {
    let model = compile(s, &RunConfig::default())?;
    Ok(Description {
        id: s.id.clone(),
        title: s.title.clone(),
        summary: s.summary.clone(),
        race: s.race.clone(),
        lesson: s.lesson.clone(),
        source: s.source.clone(),
        variants: s
            .variants
            .iter()
            .map(|v| VariantInfo {
                name: v.name.clone(),
                description: v.description.clone(),
                role: v.role,
            })
            .collect(),
        knobs: s.knobs.clone(),
        invariants: model
            .invariants
            .iter()
            .map(|i| i.name().to_string())
            .collect(),
        campaigns: s.campaigns.iter().map(|c| c.name.clone()).collect(),
    })
}

/// One trace event as data: what every front end shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TraceRow {
    pub id: u32,
    pub time_ms: u64,
    /// 1-based person number.
    pub person: Option<u32>,
    /// The swimlane: a campaign's name or a system ("CRM", "Webhook: …", "Job: …").
    pub lane: Text,
    /// A stable kind name, e.g. `email-sent`.
    #[serde(deserialize_with = "kind_name")]
    pub kind: KindName,
    /// One sentence in the vocabulary of campaign builders.
    pub details: Text,
    /// The event that caused this one.
    pub cause: Option<u32>,
}

impl TraceRow {
    /// `#12     4 min 3.2 s  person 3   Fast Track Alert   alert … sent  (after #9)`.
    pub fn line(&self) -> String {
        format!(
            "#{:<5} {:>14}  {:<10} {:<28} {}{}",
            self.id,
            crate::engine::describe::fmt_ms(self.time_ms),
            self.person.map_or(String::new(), |p| format!("person {p}")),
            self.lane,
            self.details,
            self.cause
                .map_or(String::new(), |c| format!("  (after #{c})"))
        )
    }
}

/// Every event of one run, as data.
pub fn trace(scenario: &Scenario, config: &RunConfig, seed: u64) -> Result<Vec<TraceRow>, String> {
    let model = compile(scenario, config)?;
    let mut sim = Sim::new(&model);
    sim.run(&mut SeededChooser::new(seed))
        .map_err(|e| e.to_string())?;
    Ok(view::rows(&model, &sim))
}

/// What the minimal web page prints for one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    pub variant: String,
    pub seed: u64,
    pub events: usize,
    pub trace_hash: u64,
    pub violations: Vec<String>,
    pub outcome: String,
}

impl RunSummary {
    /// The trace hash as 16 lowercase hex digits (the form the CLI prints).
    pub fn trace_hash_hex(&self) -> String {
        format!("{:016x}", self.trace_hash)
    }
}

/// Runs built-in scenario `id`, variant `variant`, at default knobs with `seed`.
pub fn run_builtin(id: &str, variant: &str, seed: u64) -> Result<RunSummary, String> {
    let scenario =
        crate::scenarios::builtin(id).ok_or_else(|| format!("no built-in scenario `{id}`"))?;
    let config = RunConfig {
        variant: Some(variant.to_string()),
        ..RunConfig::default()
    };
    let r = run(&scenario, &config, seed)?;
    Ok(RunSummary {
        scenario: r.scenario,
        variant: r.variant,
        seed,
        events: r.events,
        trace_hash: u64::from_str_radix(&r.trace_hash, 16).unwrap_or(0),
        violations: r
            .violations
            .iter()
            .map(|v| {
                format!(
                    "{} at {}: {}",
                    v.invariant,
                    crate::engine::describe::fmt_ms(v.time_ms),
                    v.message
                )
            })
            .collect(),
        outcome: r.outcome,
    })
}

/// A trace row's kind name (spelled as an alias so that reading one back does not borrow
/// from the input: see [`kind_name`]).
pub type KindName = &'static str;

/// Reads a trace row's kind name back (from a worker, see [`crate::work::wire`]) as the one
/// `&'static str` of that name ([`kind_named`]).
fn kind_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    use serde::Deserialize;
    let name = std::borrow::Cow::<str>::deserialize(d)?;
    Ok(kind_named(&name))
}

/// The one `&'static str` of the trace row kind named `name`: the names are a small fixed
/// set, each kept once (past more distinct names than any trace has, a name reads as `event`).
pub fn kind_named(name: &str) -> &'static str {
    thread_local! {
        static NAMES: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    /// More distinct names than any trace has.
    const MOST: usize = 512;
    NAMES.with_borrow_mut(|names| {
        if let Some(n) = names.iter().find(|n| **n == name) {
            return *n;
        }
        if names.len() >= MOST {
            return "event";
        }
        let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
        names.push(kept);
        kept
    })
}
