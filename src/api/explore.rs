//! Every ordering of a run, as the app's Explore tab reports it: how many orderings and
//! states the search met, how many end in violation, and the shortest violating schedule.

use serde::{Deserialize, Serialize};

use crate::engine::explore::fewest::{count_switches, decision_actors};
use crate::engine::explore::from::{explore_from, FromConfig};
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

/// What trying every ordering from the scheduler's current point found ("every ordering
/// from here").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FromSummary {
    /// The choices already made (kept as they are).
    pub choices_made: u32,
    /// Orderings tried from there to the end of the run.
    pub orderings: u64,
    pub states: u64,
    /// A bound cut the search short: "none breaks" then proves nothing.
    pub cut: bool,
    /// A breaking ordering as a schedule (the choices made, then the fewest more
    /// decisions), replayable with any seed.
    pub breaking: Option<Vec<u32>>,
    /// What it breaks, in words (the first violation's message).
    pub broken: Option<String>,
}

impl FromSummary {
    /// The verdict in a trainer's words: that no order breaks the rule (the number of
    /// orderings the explorer counted says nothing more to a trainee, and runs to trillions),
    /// or what a breaking one does, or that the search stopped before it had tried them all.
    pub fn message(&self) -> String {
        let after = if self.choices_made > 0 {
            " after your choices"
        } else {
            ""
        };
        match (&self.broken, self.cut) {
            (Some(what), _) => format!(
                "One order of the steps{after} breaks the rule: {what}. Show it to see which \
                 steps raced."
            ),
            (None, false) => format!(
                "No order breaks the rule: Race Lab tried every order the steps could run \
                 in{after}."
            ),
            (None, true) => format!(
                "None of the orders Race Lab tried{after} breaks the rule, but there are too \
                 many to try them all, so this does not prove that none does. Make more choices \
                 first, or use a smaller set-up."
            ),
        }
    }
}

/// The most states "Try every ordering from here" works out in the app (every challenge's
/// fix is tried to the end within it).
pub const FROM_HERE_MAX_STATES: usize = 500_000;

/// Tries every ordering of `scenario` run with `config` after the choices of `schedule`,
/// working out at most `max_states` states.
pub fn explore_from_summary(
    scenario: &Scenario,
    config: &RunConfig,
    schedule: &[u32],
    max_states: usize,
) -> Result<FromSummary, String> {
    let model = compile(scenario, config)?;
    let cfg = FromConfig {
        max_states,
        ..FromConfig::default()
    };
    let r = explore_from(&model, schedule, cfg)?;
    let broken = r
        .breaking
        .as_ref()
        .and_then(|c| c.violations.first())
        .map(|v| v.message.clone());
    Ok(FromSummary {
        choices_made: r.forced as u32,
        orderings: r.orderings,
        states: r.states,
        cut: r.cut,
        breaking: r.breaking.map(|c| c.schedule),
        broken,
    })
}
