//! The run a user has set up, as one value: which scenario, variant and knobs, the seed, the
//! injected events, a chosen schedule, and how it is being viewed. The browser app keeps its
//! state in this shape, a share link encodes exactly this ([`crate::codec`]), and the CLI can
//! rebuild the same run from it ([`RunSpec::resolve`]).

use crate::engine::scenario::Injection;
use crate::engine::{RunConfig, Scenario};
use std::collections::BTreeMap;

/// Where the scenario comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioSource {
    /// A built-in scenario, by its stable id.
    Builtin(String),
    /// A full scenario given as JSON text (imported from a file or from a link).
    Custom(String),
}

/// Which part of the app is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// The scenario library (cards).
    #[default]
    Library,
    /// One run: campaigns, timeline, inspector.
    Run,
    /// Two variants side by side.
    Compare,
    /// Many seeds, or one knob over a range.
    Sweep,
    /// Every ordering (exhaustive search) or the user as the scheduler.
    Explore,
    /// The campaign builder: the user builds their own scenario.
    Build,
}

/// How the run is being looked at: restored by a link so that a trainer's view is shared.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    pub tab: Tab,
    /// Simulated time shown by the playhead, in milliseconds.
    pub playhead_ms: u64,
    /// Visible time window of the timeline, `[start, end)` in milliseconds (0, 0 = fit all).
    pub window_start_ms: u64,
    pub window_end_ms: u64,
    /// The person the inspector shows (1-based), if any.
    pub person: Option<u32>,
    /// The selected trace event id, if any.
    pub event: Option<u32>,
    /// Larger type for projectors.
    pub presentation: bool,
    /// The lesson a lesson link teaches: the app plays the run up to the race and explains
    /// it. Opening the set-up takes it out of the view (see [`RunSpec::opened_from_link`]'s
    /// callers), so it travels in links only.
    pub lesson: Option<Lesson>,
}

/// A lesson on one violation of the run: the run plays up to the first of its two
/// conflicting steps, pauses there and explains the race, offering its story and the fix
/// side by side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lesson {
    /// The violation to teach, 0-based in the run's order (0: the first).
    pub violation: u32,
    /// The variant to show beside it as the fix (`None`: the scenario's recommended fix, see
    /// [`crate::api::lesson_fix`]).
    pub fix: Option<String>,
}

/// Everything needed to reproduce one run and its view.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    pub scenario: ScenarioSource,
    pub variant: String,
    /// The second variant shown in the Compare tab.
    pub compare: Option<String>,
    /// Knob overrides (name → value in the knob's unit).
    pub knobs: BTreeMap<String, i64>,
    pub seed: u64,
    /// Outside events the user injected, at fixed times.
    pub injections: Vec<Injection>,
    /// A schedule chosen by hand ("you are the scheduler"): the answer at each decision point,
    /// in order; decisions past its end fall back to the seed. Empty: the seed decides all.
    pub schedule: Vec<u32>,
    pub view: View,
}

impl RunSpec {
    /// The set-up as a link opens it: a link names a scenario, so it opens on that
    /// scenario's run rather than the library (links saved with the library tab, as
    /// `racelab link` printed them before, keep opening: on the run).
    pub fn opened_from_link(mut self) -> Self {
        if self.view.tab == Tab::Library {
            self.view.tab = Tab::Run;
        }
        self
    }

    /// A fresh set-up for built-in scenario `id`: variant `naive`, default knobs, seed 1.
    pub fn builtin(id: &str) -> Self {
        RunSpec {
            scenario: ScenarioSource::Builtin(id.to_string()),
            variant: "naive".to_string(),
            compare: Some("fixed".to_string()),
            knobs: BTreeMap::new(),
            seed: 1,
            injections: Vec::new(),
            schedule: Vec::new(),
            view: View::default(),
        }
    }

    /// Loads the scenario (parsing custom JSON) and builds the run configuration for
    /// `variant`, or says clearly why not.
    pub fn resolve_variant(&self, variant: &str) -> Result<(Scenario, RunConfig), String> {
        let scenario = match &self.scenario {
            ScenarioSource::Builtin(id) => crate::scenarios::builtin(id)
                .ok_or_else(|| format!("there is no built-in scenario `{id}`"))?,
            ScenarioSource::Custom(json) => crate::scenarios::parse(json)
                .map_err(|e| format!("the scenario is not valid JSON for Race Lab: {e}"))?,
        };
        Ok((scenario, self.config(variant)))
    }

    /// The run configuration of `variant` with this set-up's knobs and injections.
    pub fn config(&self, variant: &str) -> RunConfig {
        RunConfig {
            variant: Some(variant.to_string()),
            knobs: self.knobs.clone(),
            injections: self.injections.clone(),
        }
    }

    /// [`Self::resolve_variant`] for the main variant.
    pub fn resolve(&self) -> Result<(Scenario, RunConfig), String> {
        self.resolve_variant(&self.variant)
    }
}
