//! Sampled search for runs too big to explore exhaustively: many seeded schedules.
//!
//! - `random`: every decision takes one of its representative answers uniformly at random.
//! - `pct`: a PCT-style scheduler (probabilistic concurrency testing, Burckhardt et al.):
//!   every owner of ready work (a person, or a system for work without a person) gets a
//!   random priority when first seen, and ties between ready items go to the owner with the
//!   highest priority. At `depth - 1` change points, drawn at random among the run's tie
//!   decisions, the owner about to run is demoted below every other, so the other side of
//!   a race runs first. Other decisions (delays, failures) are random as above.
//!
//! Run `i` of a sample with seed `s` uses its own generator seeded with `s + i`, so one run
//! can be reproduced alone; every finding also carries its schedule, which replays with
//! [`ReplayThenSeed`](super::super::chooser::ReplayThenSeed) (`racelab run --schedule`).

use super::super::chooser::{Choice, Chooser};
use super::super::invariants::Violation;
use super::super::model::Model;
use super::super::rng::SplitMix64;
use super::super::sim::state::{Agendum, Pending};
use super::super::sim::{RunError, Sim};
use super::schedule::{only_answer, option_at, option_count};
use serde::Serialize;
use std::collections::HashMap;

/// How schedules are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    Random,
    /// PCT with this depth (`depth - 1` priority change points per run).
    Pct {
        depth: u32,
    },
}

impl Strategy {
    pub fn name(&self) -> String {
        match self {
            Strategy::Random => "random".to_string(),
            Strategy::Pct { depth } => format!("pct (depth {depth})"),
        }
    }
}

/// What to sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleConfig {
    pub strategy: Strategy,
    pub runs: u64,
    pub seed: u64,
}

/// A violating sampled run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Its number in the sample (0-based).
    pub run: u64,
    /// The seed of its own generator (`seed + run`).
    pub run_seed: u64,
    /// The answer at each decision, as an index among its representative answers.
    pub decisions: Vec<u32>,
    /// The same run as a schedule (see [`super::to_schedule`]): replays exactly.
    pub schedule: Vec<u32>,
    pub violations: Vec<Violation>,
}

/// What a sample found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleReport {
    pub scenario: String,
    pub variant: String,
    pub strategy: Strategy,
    pub seed: u64,
    pub runs: u64,
    pub violating_runs: u64,
    /// Decisions over all runs.
    pub decisions: u64,
    /// Trace events over all runs.
    pub events: u64,
    /// The first violating run.
    pub first: Option<Finding>,
    /// The violating run with the fewest decisions.
    pub shortest: Option<Finding>,
}

/// Random answers, recorded.
struct RandomChooser {
    rng: SplitMix64,
    /// The answer a tie decision must take next (PCT), if any.
    forced: Option<u32>,
    taken: Vec<u32>,
}

impl Chooser for RandomChooser {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let n = option_count(choice);
        if n <= 1 {
            return only_answer(choice);
        }
        let i = match (self.forced.take(), choice) {
            (Some(i), Choice::Ready { .. }) => i,
            _ => self.rng.below(n as u64) as u32,
        };
        self.taken.push(i);
        option_at(choice, i as usize)
    }
}

/// Who owns a ready item, for PCT priorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Person(u32),
    System(u8, u32),
}

fn owner(sim: &Sim, a: &Agendum) -> Owner {
    let run_person = |r| sim.state.runs.get(r).map(|x| x.person);
    let person = match &a.what {
        Pending::Scripted { person, .. } => *person,
        Pending::Enqueue(r)
        | Pending::StepDone(r, _)
        | Pending::WaitOver(r)
        | Pending::WebhookReturn(r, _)
        | Pending::WebhookTimeout(r, _) => run_person(*r),
        Pending::WebhookServe(c) | Pending::WebhookWriteBack(c) => Some(c.person),
        Pending::CrmReceive { person, .. } | Pending::CrmAssign { person, .. } => Some(*person),
        _ => None,
    };
    match (person, &a.what) {
        (Some(p), _) => Owner::Person(p),
        (None, Pending::BatchRun { campaign, .. }) => Owner::System(0, *campaign as u32),
        (None, Pending::Job { job, .. }) => Owner::System(1, *job as u32),
        (None, Pending::CrmCycle) => Owner::System(2, 0),
        (None, Pending::Response(_)) => Owner::System(3, 0),
        (None, Pending::Change(_)) => Owner::System(4, 0),
        (None, _) => Owner::System(5, 0),
    }
}

/// PCT's state within one run.
struct Pct {
    depth: u32,
    priorities: HashMap<Owner, u64>,
    /// Tie decisions at which the owner about to run is demoted (sorted).
    change_points: Vec<u64>,
    ties: u64,
}

impl Pct {
    /// Picks among the ready items (sorted as the simulator numbers them).
    fn pick(&mut self, sim: &Sim, tied: &[&Agendum], rng: &mut SplitMix64) -> u32 {
        let owners: Vec<Owner> = tied.iter().map(|a| owner(sim, a)).collect();
        for o in &owners {
            let depth = self.depth as u64;
            self.priorities
                .entry(*o)
                .or_insert_with(|| depth + rng.below(1 << 40));
        }
        let top = |p: &HashMap<Owner, u64>| {
            (0..owners.len())
                .max_by_key(|&i| (p[&owners[i]], std::cmp::Reverse(i)))
                .unwrap_or(0)
        };
        let mut i = top(&self.priorities);
        if let Some(k) = self.change_points.iter().position(|&c| c == self.ties) {
            // Demote below every initial priority (change point k gets priority k).
            self.priorities.insert(owners[i], k as u64);
            i = top(&self.priorities);
        }
        self.ties += 1;
        i as u32
    }
}

/// One sampled run: (decisions, violations, events, tie decisions).
type Sampled = (Vec<u32>, Vec<Violation>, usize, u64);

fn one_run(
    model: &Model,
    strategy: Strategy,
    seed: u64,
    ties_hint: u64,
) -> Result<Sampled, RunError> {
    let mut sim = Sim::new(model);
    let mut ch = RandomChooser {
        rng: SplitMix64::new(seed),
        forced: None,
        taken: Vec::new(),
    };
    let out = match strategy {
        Strategy::Random => sim.run(&mut ch)?,
        Strategy::Pct { depth } => {
            let mut pct = Pct {
                depth,
                priorities: HashMap::new(),
                change_points: (1..depth).map(|_| ch.rng.below(ties_hint.max(1))).collect(),
                ties: 0,
            };
            // The first step starts the run (its decisions are random).
            let mut started = false;
            loop {
                if started && sim.is_done() {
                    break;
                }
                if started {
                    let tied = sim.state.agenda.ready_now();
                    if tied.len() >= 2 {
                        ch.forced = Some(pct.pick(&sim, &tied, &mut ch.rng));
                    }
                }
                sim.step(&mut ch)?;
                ch.forced = None;
                started = true;
            }
            let ties = pct.ties;
            let out = sim.run(&mut ch)?;
            return Ok((ch.taken, out.violations, out.events, ties));
        }
    };
    Ok((ch.taken, out.violations, out.events, 0))
}

/// Samples `config.runs` schedules of `model`.
pub fn sample(model: &Model, config: &SampleConfig) -> Result<SampleReport, String> {
    sample_watched(model, config, &mut |_, _| true)
}

/// [`sample`], calling `watch` before each run with the runs done and the violating runs so
/// far: when it returns false the sampling stops there and reports the runs done (`runs` is
/// then fewer than asked).
pub fn sample_watched(
    model: &Model,
    config: &SampleConfig,
    watch: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<SampleReport, String> {
    let mut report = SampleReport {
        scenario: model.scenario_id.clone(),
        variant: model.variant.clone(),
        strategy: config.strategy,
        seed: config.seed,
        runs: config.runs,
        violating_runs: 0,
        decisions: 0,
        events: 0,
        first: None,
        shortest: None,
    };
    // PCT draws its change points among the tie decisions of a typical run: count them in
    // a first run without change points.
    let ties_hint = match config.strategy {
        Strategy::Pct { .. } => {
            one_run(model, Strategy::Pct { depth: 1 }, config.seed, 1)
                .map_err(|e| e.to_string())?
                .3
        }
        Strategy::Random => 0,
    };
    for run in 0..config.runs {
        if !watch(run, report.violating_runs) {
            report.runs = run;
            break;
        }
        let run_seed = config.seed.wrapping_add(run);
        let (schedule, violations, events, _) =
            one_run(model, config.strategy, run_seed, ties_hint)
                .map_err(|e| format!("run {run} (seed {run_seed}): {e}"))?;
        report.decisions += schedule.len() as u64;
        report.events += events as u64;
        if violations.is_empty() {
            continue;
        }
        report.violating_runs += 1;
        let finding = Finding {
            run,
            run_seed,
            decisions: schedule,
            schedule: Vec::new(),
            violations,
        };
        if report
            .shortest
            .as_ref()
            .is_none_or(|s| finding.decisions.len() < s.decisions.len())
        {
            report.shortest = Some(finding.clone());
        }
        report.first.get_or_insert(finding);
    }
    for f in report.first.iter_mut().chain(report.shortest.iter_mut()) {
        f.schedule = super::to_schedule(model, &f.decisions)?;
    }
    Ok(report)
}

/// Reproduces sampled run `run_seed` alone: its decisions (what [`sample`] recorded).
pub fn sampled_decisions(
    model: &Model,
    strategy: Strategy,
    sample_seed: u64,
    run_seed: u64,
) -> Result<Vec<u32>, RunError> {
    let ties_hint = match strategy {
        Strategy::Pct { .. } => one_run(model, Strategy::Pct { depth: 1 }, sample_seed, 1)?.3,
        Strategy::Random => 0,
    };
    Ok(one_run(model, strategy, run_seed, ties_hint)?.0)
}
