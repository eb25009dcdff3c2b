//! Every ordering of a run, as the app's Explore tab reports it: how many orderings and
//! states the search met, how many end in violation, and the shortest violating schedule.

use serde::{Deserialize, Serialize};

use crate::engine::explore::fewest::{count_switches, decision_actors};
use crate::engine::explore::{explore_watched, ExploreConfig, Progress};
use crate::engine::{compile, RunConfig, Scenario};

/// What an exhaustive search found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExploreSummary {
    /// Schedules followed to the end of the run ("orderings").
    pub schedules: u64,
    pub states: u64,
    pub end_states: u64,
    pub violating_end_states: u64,
    /// A bound cut the search short: "no violation" then proves nothing.
    pub truncated: bool,
    /// The shortest violating schedule (the fewest decisions, then the fewest switches
    /// between campaigns), replayable with any seed.
    pub shortest: Option<Vec<u32>>,
    /// Its number of decisions (the scheduler's choices; `shortest` also holds the answers
    /// of calls with a single option).
    #[serde(default)]
    pub shortest_decisions: u32,
    /// Its switches: consecutive decisions that pick different campaigns or systems.
    #[serde(default)]
    pub shortest_switches: u32,
}

/// Explores every ordering of `scenario` run with `config`, following at most
/// `max_decisions` decisions per schedule and `max_states` distinct states.
pub fn explore_summary(
    scenario: &Scenario,
    config: &RunConfig,
    max_decisions: usize,
    max_states: usize,
) -> Result<ExploreSummary, String> {
    explore_summary_watched(scenario, config, max_decisions, max_states, &mut |_| {})
}

/// [`explore_summary`], showing `watch` how far the search has got every few thousand steps
/// (the Explore tab's live figures).
pub fn explore_summary_watched(
    scenario: &Scenario,
    config: &RunConfig,
    max_decisions: usize,
    max_states: usize,
    watch: &mut dyn FnMut(&Progress),
) -> Result<ExploreSummary, String> {
    let model = compile(scenario, config)?;
    let report = explore_watched(
        &model,
        &ExploreConfig {
            max_decisions,
            max_states,
            ..Default::default()
        },
        Box::new(|p: &Progress| {
            watch(p);
            true
        }),
    )?;
    let (decisions, switches) = match &report.shortest {
        Some(c) => {
            let (actors, _) = decision_actors(&model, &c.decisions).map_err(|e| e.to_string())?;
            (c.decisions.len() as u32, count_switches(&actors))
        }
        None => (0, 0),
    };
    Ok(ExploreSummary {
        shortest_decisions: decisions,
        shortest_switches: switches,
        truncated: report.truncated(),
        schedules: report.schedules,
        states: report.states,
        end_states: report.end_states,
        violating_end_states: report.violating_end_states,
        shortest: report.shortest.map(|c| c.schedule),
    })
}
