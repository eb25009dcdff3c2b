//! What an exhaustive search is given (its bounds and switches) and what it reports.

use super::{Counterexample, Verdict};
use serde::Serialize;
use std::collections::BTreeSet;

/// Bounds and switches of an exhaustive search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExploreConfig {
    /// The most decisions one schedule may take; a longer one is cut (and reported).
    pub max_decisions: usize,
    /// The most distinct states (decision points and ends of runs) to visit; beyond it the
    /// search stops (and says so). Without de-duplication every visit counts.
    pub max_states: usize,
    /// Skip orderings of independent ready items (sleep sets).
    pub reduction: bool,
    /// Skip states already explored.
    pub dedup: bool,
}

impl Default for ExploreConfig {
    fn default() -> Self {
        ExploreConfig {
            max_decisions: 400,
            max_states: 2_000_000,
            reduction: true,
            dedup: true,
        }
    }
}

/// What an exhaustive search found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExploreReport {
    pub scenario: String,
    pub variant: String,
    pub reduction: bool,
    pub dedup: bool,
    /// Schedules followed to the end of the run.
    pub schedules: u64,
    /// Distinct states at decision points.
    pub states: u64,
    /// Decision points visited (a state met again counts again).
    pub visits: u64,
    /// Distinct states at the end of a run.
    pub end_states: u64,
    /// Distinct end states with at least one violation.
    pub violating_end_states: u64,
    /// Distinct verdicts among them (which invariants broke, for whom, when, how).
    pub distinct_verdicts: u64,
    /// Paths that met a state already explored.
    pub revisits: u64,
    /// Paths cut by the reduction (every ready item asleep: an earlier branch covers them).
    pub pruned: u64,
    /// Simulator steps run.
    pub steps: u64,
    /// Some schedule needed more than `max_decisions` decisions.
    pub truncated_by_decisions: bool,
    /// More than `max_states` states: the search stopped early.
    pub truncated_by_states: bool,
    /// The caller's watch stopped the search early (a time limit, Ctrl-C).
    pub stopped: bool,
    /// The violating schedule with the fewest decisions (of every schedule, unless the
    /// search was cut short).
    pub shortest: Option<Counterexample>,
    /// The verdicts of the violating end states.
    #[serde(skip)]
    pub verdicts: BTreeSet<Verdict>,
}

impl ExploreReport {
    /// Whether a bound cut the search short (then "no violation" proves nothing).
    pub fn truncated(&self) -> bool {
        self.truncated_by_decisions || self.truncated_by_states || self.stopped
    }
}

/// How far a running search has got: what its watch is shown every few thousand steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Distinct states so far (decision points and ends of runs).
    pub states: u64,
    /// Schedules followed to the end of the run so far.
    pub schedules: u64,
    /// Distinct violating end states so far.
    pub violating_end_states: u64,
    /// Simulator steps run so far.
    pub steps: u64,
    /// Decisions on the schedule being explored now (how deep the search is).
    pub depth: u64,
}

/// Shown the progress every few thousand steps; returns false to stop the search there.
pub type Watch<'w> = dyn FnMut(&Progress) -> bool + 'w;
