//! "Does any ordering from here break it?": every ordering of a run that starts with a
//! hand-picked schedule (the choices a person made in the scheduler), bounded, with the
//! breaking one if there is one.
//!
//! The schedule (answer values at every chooser call, as share links carry it) is read back
//! as the explorer's decisions ([`decisions_of`]); those are forced, and the
//! [`fewest`](super::fewest) search tries every branch after them (no reduction, so every
//! ordering counts, with states met again worked out once). The report says when a bound
//! cut it short: then "none breaks" proves nothing.

use super::super::chooser::{Choice, Chooser, ReplayThenSeed};
use super::super::model::Model;
use super::super::sim::Sim;
use super::fewest::{fewest, FewestConfig};
use super::schedule::{option_at, option_count};
use super::{counterexample, Counterexample};

/// Bounds of an [`explore_from`] search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FromConfig {
    /// The most states to work out.
    pub max_states: usize,
    /// The most decisions after the forced ones on one ordering.
    pub max_decisions: usize,
}

impl Default for FromConfig {
    fn default() -> Self {
        FromConfig {
            max_states: 200_000,
            max_decisions: 400,
        }
    }
}

/// What an [`explore_from`] search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromReport {
    /// The decisions the schedule fixed.
    pub forced: usize,
    /// Orderings tried from there to the end of the run.
    pub orderings: u64,
    pub states: u64,
    /// A bound cut the search short.
    pub cut: bool,
    /// A breaking ordering (the fewest decisions, then the fewest switches), forced
    /// decisions included.
    pub breaking: Option<Counterexample>,
}

/// Answers from a schedule and notes, for each decision among its calls, the index of its
/// answer among the representative ones (or that it is not one of them).
struct Reading<'s> {
    inner: ReplayThenSeed,
    schedule: &'s [u32],
    calls: usize,
    decisions: Vec<u32>,
    off: Option<usize>,
}

impl Chooser for Reading<'_> {
    fn choose(&mut self, choice: &Choice) -> u64 {
        let a = self.inner.choose(choice);
        let n = option_count(choice);
        if self.calls < self.schedule.len() && n > 1 {
            match (0..n).find(|&i| option_at(choice, i) == a) {
                Some(i) => self.decisions.push(i as u32),
                None => {
                    self.off.get_or_insert(self.calls);
                }
            }
        }
        self.calls += 1;
        a
    }
}

/// The explorer's decisions (answer indexes) along `schedule`: one per decision among its
/// calls. Fails when the schedule answers a decision with a value the explorer does not
/// try (a seeded delay, not one of the scheduler's options).
pub fn decisions_of(model: &Model, schedule: &[u32]) -> Result<Vec<u32>, String> {
    let answers = schedule.iter().map(|&a| a as u64).collect();
    let mut ch = Reading {
        inner: ReplayThenSeed::new(answers, 0),
        schedule,
        calls: 0,
        decisions: Vec::new(),
        off: None,
    };
    Sim::new(model).run(&mut ch).map_err(|e| e.to_string())?;
    match ch.off {
        Some(call) => Err(format!(
            "answer {} of the schedule is not one of the options the scheduler offers",
            call + 1
        )),
        None => Ok(ch.decisions),
    }
}

/// Every ordering of `model` after `schedule`, within `cfg`'s bounds.
pub fn explore_from(
    model: &Model,
    schedule: &[u32],
    cfg: FromConfig,
) -> Result<FromReport, String> {
    let forced = decisions_of(model, schedule)?;
    let report = fewest(
        model,
        FewestConfig {
            max_decisions: forced.len() + cfg.max_decisions,
            max_states: cfg.max_states,
            forced: forced.clone(),
        },
    )
    .map_err(|e| e.to_string())?;
    let cut = report.cut_by_states || report.cut_by_decisions;
    let breaking = match report.best {
        Some(b) => Some(counterexample(model, b.decisions)?),
        None => None,
    };
    Ok(FromReport {
        forced: forced.len(),
        orderings: report.orderings,
        states: report.states,
        cut,
        breaking,
    })
}
