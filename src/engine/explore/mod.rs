//! Exploring interleavings: every schedule of a small run, or many sampled schedules of a
//! big one, to show whether some ordering breaks an invariant and to replay the one that
//! does.
//!
//! What varies between schedules is every decision the chooser makes (see
//! [`schedule`]): which of several items ready at the same millisecond runs first, the
//! value of a delay among its distribution's representative values
//! ([`Choice::finite_answers`](super::chooser::Choice::finite_answers): ends and middle of a
//! uniform range, 0, the mean and three times the mean of an exponential, every listed
//! value), and whether a failure happens.
//!
//! - [`explore`]: exhaustive, depth first, with state de-duplication and a partial-order
//!   reduction ([`exhaustive`], [`independence`]), under bounds.
//! - [`sample`]: random schedules or a PCT-style scheduler, seeded.
//! - [`to_schedule`] writes a found path as a schedule that
//!   [`ReplayThenSeed`](super::chooser::ReplayThenSeed) replays (answers at the first
//!   chooser calls, then a seed): what share links and `racelab run --schedule` carry.
//!
//! Pure: no clocks (the caller measures elapsed time), no threads, no global state.

pub mod exhaustive;
pub mod fewest;
pub mod from;
pub mod independence;
mod pool;
mod report;
pub mod sample;
pub mod schedule;
pub mod state_key;

pub use report::{ExploreConfig, ExploreReport, Progress, Watch};
pub use sample::{sample, sample_watched, Finding, SampleConfig, SampleReport, Strategy};
pub use schedule::{
    format_schedule, is_decision, option_at, option_count, parse_schedule, to_schedule,
};

use super::chooser::ReplayThenSeed;
use super::invariants::Violation;
use super::model::Model;
use super::sim::{RunError, RunOutcome, Sim};
use serde::Serialize;

/// One violation as a verdict sees it: (invariant, 1-based person, time in ms, message).
/// Event ids are left out: they number events, they do not say what happened.
pub type VerdictItem = (String, Option<u32>, u64, String);

/// What an end state is judged to be: its violations, sorted. Equal verdicts mean the same
/// invariants broke for the same people at the same times in the same way.
pub type Verdict = Vec<VerdictItem>;

/// The verdict of a run's violations.
pub fn verdict(violations: &[Violation]) -> Verdict {
    let mut sorted = violations.to_vec();
    sort_violations(&mut sorted);
    sorted
        .into_iter()
        .map(|x| (x.invariant, x.person, x.time_ms, x.message))
        .collect()
}

/// Sorts violations in verdict order: invariant, person, time, message. (Violations equal in
/// these may differ only in their witnesses, which verdicts leave out.)
pub(crate) fn sort_violations(violations: &mut [Violation]) {
    violations.sort_unstable_by(|a, b| {
        (&a.invariant, a.person, a.time_ms, &a.message).cmp(&(
            &b.invariant,
            b.person,
            b.time_ms,
            &b.message,
        ))
    });
}

/// A violating schedule and what it does when replayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counterexample {
    /// The explorer's form: the answer at each decision, as an index among that decision's
    /// representative answers. Its length is the number of decisions.
    pub decisions: Vec<u32>,
    /// The same run as a schedule: the answer at every chooser call up to the last
    /// decision; [`ReplayThenSeed`] replays it exactly with any seed.
    pub schedule: Vec<u32>,
    /// Events in the replayed run.
    pub events: usize,
    /// The replayed run's trace hash, 16 hex digits.
    pub trace_hash: String,
    pub violations: Vec<Violation>,
}

/// Runs `model` along `schedule` (then `seed`), as share links and `run --schedule` do.
pub fn replay<'m>(
    model: &'m Model,
    schedule: &[u32],
    seed: u64,
) -> Result<(Sim<'m>, RunOutcome), RunError> {
    let mut sim = Sim::new(model);
    let answers = schedule.iter().map(|&a| a as u64).collect();
    let out = sim.run(&mut ReplayThenSeed::new(answers, seed))?;
    Ok((sim, out))
}

/// Among the violating schedules with as many decisions as `shortest`, the one with the
/// fewest switches between campaigns ([`fewest::fewest`]); `shortest` itself when that
/// search would visit more than a few times the `states` the exploration met (bounded by
/// `max_states`), or finds nothing better.
fn fewest_switches(model: &Model, shortest: Vec<u32>, states: u64, max_states: usize) -> Vec<u32> {
    let cfg = fewest::FewestConfig {
        max_decisions: shortest.len(),
        max_states: (states as usize)
            .saturating_add(64)
            .saturating_mul(8)
            .min(max_states),
        forced: Vec::new(),
    };
    match fewest::fewest(model, cfg) {
        Ok(r) if !r.cut_by_states => match r.best {
            Some(b) if b.decisions.len() == shortest.len() => b.decisions,
            _ => shortest,
        },
        _ => shortest,
    }
}

/// Writes the run that takes `decisions` as a schedule and replays it.
pub fn counterexample(model: &Model, decisions: Vec<u32>) -> Result<Counterexample, String> {
    let schedule = to_schedule(model, &decisions)?;
    let (_, out) = replay(model, &schedule, 0).map_err(|e| e.to_string())?;
    Ok(Counterexample {
        decisions,
        schedule,
        events: out.events,
        trace_hash: out.trace_hash_hex(),
        violations: out.violations,
    })
}

/// Explores every schedule of `model` within `config`'s bounds; the shortest violating
/// schedule (the fewest decisions, then the fewest switches between campaigns: see
/// [`fewest`]) is replayed to describe it.
pub fn explore(model: &Model, config: &ExploreConfig) -> Result<ExploreReport, String> {
    explore_watched(model, config, Box::new(|_| true))
}

/// [`explore`], showing `watch` the progress every few thousand steps: when it returns
/// false the search stops there (`stopped` in the report) and reports what it found so far.
pub fn explore_watched<'m>(
    model: &'m Model,
    config: &ExploreConfig,
    watch: Box<Watch<'m>>,
) -> Result<ExploreReport, String> {
    let mut search = exhaustive::Search::new(model, config.clone()).with_watch(watch);
    search.run().map_err(|e| e.to_string())?;
    let mut report = search.report;
    let best = search
        .best
        .map(|d| fewest_switches(model, d, report.states, config.max_states));
    report.shortest = match best {
        Some(decisions) => {
            let c = counterexample(model, decisions)?;
            if c.violations.is_empty() {
                return Err(format!(
                    "internal error: the violating schedule found ({}) does not violate when replayed",
                    format_schedule(&c.schedule)
                ));
            }
            Some(c)
        }
        None => None,
    };
    Ok(report)
}
