//! The app's state and its reducer: every user action is an [`Action`]; components only draw
//! [`AppState`] and dispatch actions. Whenever something that shapes the run changes, the runs
//! are computed again by the engine (through [`crate::api`]), so components never decide
//! domain facts: in the app, off the main thread (the reducer only records the run it wants,
//! [`AppState::computing`], and [`super::runner`] has a worker compute it, keeping the last
//! good run on screen until the new one arrives as [`Action::Ran`]); in tests and in a browser
//! without workers, right here in the reducer.
//!
//! The root component holds the state ([`App`]); the parts of the page it draws as plain
//! functions read it whole, while components get only the values they show (props that
//! derive `PartialEq`, so a change renders again only what depends on it) and a
//! [`Dispatch`] to send actions with.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

mod lesson;
mod run;
pub use lesson::{LessonPhase, LessonRun};
use run::load_scenario;

use crate::api::{self, Injection, Knob, RunConfig, RunView, Scenario};
use crate::spec::{RunSpec, ScenarioSource, Tab};
use std::collections::BTreeMap;

/// The app's state handle, held by the root component.
pub type App = UseReducerHandle<AppState>;

/// Sends actions to the app's state. It stays the same for the app's lifetime, so a component
/// given one renders again only when its other props change.
pub type Dispatch = UseReducerDispatcher<AppState>;

/// Playback speeds offered, in trace events per second.
pub const SPEEDS: [u32; 6] = [1, 2, 5, 10, 25, 100];

/// The scenario currently open, parsed once.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Rc<Scenario>,
    /// The JSON text the scenario came from (exported as is).
    pub source: Rc<str>,
}

/// Equal when it is the same parse: a scenario opened again is a new parse anyway, so
/// comparing the two pointers is enough, and it costs nothing on a render.
impl PartialEq for Loaded {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &other.scenario) && Rc::ptr_eq(&self.source, &other.source)
    }
}

/// The open scenario as a memo dependency: equal when it is the same parse (as [`Loaded`]), so
/// a memo never compares two scenarios field by field.
#[derive(Clone)]
pub struct ScenarioRef(pub Option<Rc<Scenario>>);

impl PartialEq for ScenarioRef {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

impl std::ops::Deref for ScenarioRef {
    type Target = Option<Rc<Scenario>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// What the main run depends on: the memo dependency of views that ask the engine about it
/// again, and the props of components that draw it.
#[derive(Clone, PartialEq)]
pub struct RunKey {
    pub scenario: ScenarioRef,
    pub variant: String,
    pub knobs: BTreeMap<String, i64>,
    pub injections: Vec<Injection>,
    pub seed: u64,
    pub schedule: Vec<u32>,
}

impl RunKey {
    /// The run configuration of the main variant.
    pub fn config(&self) -> RunConfig {
        RunConfig {
            variant: Some(self.variant.clone()),
            knobs: self.knobs.clone(),
            injections: self.injections.clone(),
        }
    }
}

/// A run of one variant, or why it could not run.
pub type RunResult = Result<Rc<RunView>, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub spec: RunSpec,
    pub loaded: Option<Loaded>,
    /// The run of `spec.variant`.
    pub run: RunResult,
    /// The run of `spec.compare` (same seed, knobs and injections).
    pub compare_run: Option<RunResult>,
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// A message for the user (a bad link, a refused knob value, an import error).
    pub notice: Option<String>,
    /// The set-up to open once its built-in scenario, not at hand yet, has been fetched (see
    /// [`AppState::fetching`]).
    pub pending: Option<RunSpec>,
    /// The timeline shows one lane per person instead of one per campaign and system.
    pub lanes_by_person: bool,
    /// The story on screen (a violation's or a person's), if any: the story view draws it.
    pub story: Option<crate::api::StoryOf>,
    /// The lesson being taught (opened from a lesson link), if any.
    pub lesson: Option<LessonRun>,
    /// Whether runs are computed off the main thread (see the module doc).
    pub off_main: bool,
    /// The id of the run being computed off the main thread, if any: its answer is
    /// [`Action::Ran`] with this id (an answer with an older id is dropped).
    pub computing: Option<u64>,
    /// The last id given to a run.
    pub run_id: u64,
    /// The scenario and set-up of the run on screen: what Cancel goes back to.
    pub shown: Option<(Loaded, RunSpec)>,
}

thread_local! {
    /// Whether new states compute their runs off the main thread (see [`compute_off_main`]).
    static OFF_MAIN: Cell<bool> = const { Cell::new(false) };
}

/// Makes every state made from now on compute its runs off the main thread (`true`: the app,
/// once it knows it can start workers) or in the reducer (`false`, the default).
pub fn compute_off_main(on: bool) {
    OFF_MAIN.set(on);
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            spec: RunSpec::builtin("alert-before-owner"),
            loaded: None,
            run: Err("no scenario open".into()),
            compare_run: None,
            playing: false,
            speed: 2,
            notice: None,
            pending: None,
            lanes_by_person: false,
            story: None,
            lesson: None,
            off_main: OFF_MAIN.get(),
            computing: None,
            run_id: 0,
            shown: None,
        }
    }
}

#[derive(Clone)]
pub enum Action {
    /// Opens a built-in scenario with a fresh set-up.
    OpenBuiltin(String),
    /// Opens a scenario from imported JSON text.
    Import(String),
    /// Opens the (valid) scenario the builder made, staying on the current tab; the set-up
    /// keeps its seed and, if the scenario still has it, its variant.
    Built(String),
    /// Replaces the whole set-up (a link or the autosaved state).
    Load(RunSpec),
    /// Shows the library with a message (e.g. a link that could not be read).
    Fail(String),
    /// The answer to fetching built-in scenario `id`: its JSON text, or why there is none.
    Fetched(String, Result<String, String>),
    Tab(Tab),
    Variant(String),
    Compare(Option<String>),
    Knob(String, i64),
    ResetKnobs,
    Seed(u64),
    /// A new seed derived from the current one (deterministic, so tests can predict it).
    NewSeed,
    Inject(Injection),
    RemoveInjection(usize),
    /// Drops a hand-picked schedule (back to the seed deciding everything).
    ClearSchedule,
    SetSchedule(Vec<u32>),
    TogglePlay,
    Pause,
    Speed(usize),
    /// Moves the playhead to a time.
    Seek(u64),
    /// Moves the playhead to the next (+1) or previous (-1) event time.
    Step(i32),
    /// Back to the start (playhead 0, paused).
    Rewind,
    Person(Option<u32>),
    /// Picks a person in the outcomes table: selects them, and the event of the first
    /// violation that touched them, if any (the playhead moves there).
    PersonOutcome(u32),
    SelectEvent(Option<u32>),
    /// Selects violation `i` of the main run, as clicking it does: the window shows it and
    /// its violating event is selected (nothing when there is no such violation).
    SelectViolation(usize),
    Window(u64, u64),
    Presentation(bool),
    /// One timeline lane per person (true) or per campaign and system.
    LanesByPerson(bool),
    /// Opens the story of a violation or a person (`None` closes it).
    Story(Option<crate::api::StoryOf>),
    /// Teaches a lesson on the run as it is set up (played again from the start), or
    /// (`None`) closes the lesson.
    Lesson(Option<crate::spec::Lesson>),
    Notice(Option<String>),
    /// A worker's answer to run `id`: the main run and the compare run (if one was asked for).
    Ran(u64, RunResult, Option<RunResult>),
    /// Stops the run being computed and goes back to the set-up of the run on screen.
    CancelRun,
    /// Whether runs are computed off the main thread from now on (`false` after the worker
    /// could not start: the run in flight is then computed here).
    OffMain(bool),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl AppState {
    /// A state opened on `spec` (used at start-up and by tests).
    pub fn from_spec(spec: RunSpec) -> Self {
        let mut s = AppState::default();
        s.apply(Action::Load(spec));
        s
    }

    fn apply(&mut self, action: Action) {
        if lesson::ends_lesson(&action) {
            self.lesson = None;
        }
        match action {
            Action::OpenBuiltin(id) => {
                self.notice = None;
                let mut spec = RunSpec::builtin(&id);
                spec.view.tab = Tab::Run;
                self.load(spec);
            }
            Action::Import(json) => {
                let checked =
                    load_scenario(&ScenarioSource::Custom(json.clone())).and_then(|(s, _)| {
                        api::validate(&s).map_err(|e| format!("This scenario is not valid: {e}"))
                    });
                if let Err(e) = checked {
                    // A bad file leaves the current work as it is.
                    self.notice = Some(format!("Import failed. {e}"));
                    return;
                }
                let mut spec = RunSpec::builtin("");
                spec.scenario = ScenarioSource::Custom(json);
                spec.view.tab = Tab::Run;
                self.load(spec);
                if self.loaded.is_some() {
                    self.notice = Some("Scenario imported.".into());
                }
            }
            Action::Built(json) => {
                let mut spec = self.spec.clone();
                spec.scenario = ScenarioSource::Custom(json);
                spec.knobs.clear();
                spec.injections.clear();
                spec.schedule.clear();
                spec.compare = None;
                self.load(spec);
            }
            Action::Load(spec) => {
                self.notice = None;
                self.load(spec);
            }
            Action::Fail(msg) => {
                self.notice = Some(msg);
                self.spec.view.tab = Tab::Library;
                self.playing = false;
                self.pending = None;
            }
            Action::Fetched(id, text) => {
                let registered = text.and_then(|t| crate::scenarios::register(&id, t));
                // An answer nobody waits for any more is only kept (if it is fine).
                if self.fetching() != Some(&id) {
                    return;
                }
                let Some(spec) = self.pending.take() else {
                    return;
                };
                match registered {
                    Ok(()) => self.load(spec),
                    Err(why) => self.apply(Action::Fail(format!(
                        "\u{201c}{}\u{201d} could not be loaded: {why}. Check your connection, \
                         then open it again.",
                        crate::scenarios::card(&id).map_or(id.as_str(), |c| c.title)
                    ))),
                }
            }
            Action::Tab(t) => {
                self.pending = None;
                if matches!(t, Tab::Library | Tab::Build) || self.loaded.is_some() {
                    self.spec.view.tab = t;
                }
            }
            Action::Variant(v) => {
                self.fit();
                self.spec.variant = v;
                self.spec.schedule.clear();
                self.rerun();
            }
            Action::Compare(v) => {
                self.spec.compare = v;
                self.rerun();
            }
            Action::Knob(name, value) => match self.knob(&name) {
                Some(k) if value < k.min || value > k.max => {
                    self.notice = Some(format!(
                        "{} must be between {} and {} {}; {value} was not applied.",
                        k.display_name(),
                        k.min,
                        k.max,
                        k.unit.label()
                    ));
                }
                Some(k) => {
                    if value == k.default {
                        self.spec.knobs.remove(&name);
                    } else {
                        self.spec.knobs.insert(name, value);
                    }
                    self.notice = None;
                    self.fit();
                    self.rerun();
                }
                None => self.notice = Some(format!("This scenario has no knob `{name}`.")),
            },
            Action::ResetKnobs => {
                self.spec.knobs.clear();
                self.rerun();
            }
            Action::Seed(seed) => {
                self.fit();
                self.spec.seed = seed;
                self.rerun();
            }
            Action::NewSeed => {
                self.fit();
                self.spec.seed = api::next_seed(self.spec.seed);
                self.rerun();
            }
            Action::Inject(inj) => {
                self.spec.injections.push(inj);
                self.rerun();
            }
            Action::RemoveInjection(i) => {
                if i < self.spec.injections.len() {
                    self.spec.injections.remove(i);
                    self.rerun();
                }
            }
            Action::ClearSchedule => {
                self.spec.schedule.clear();
                self.rerun();
            }
            Action::SetSchedule(schedule) => {
                self.spec.schedule = schedule;
                self.rerun();
            }
            Action::TogglePlay => {
                if !self.playing && self.next_time(1).is_none() {
                    self.spec.view.playhead_ms = 0;
                }
                self.playing = !self.playing && self.run.is_ok();
            }
            Action::Pause => self.playing = false,
            Action::Speed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Action::Seek(t) => self.spec.view.playhead_ms = t.min(self.end_time()),
            Action::Step(dir) if dir > 0 && self.lesson_step(self.next_time(dir)) => {}
            Action::Step(dir) => match self.next_time(dir) {
                Some(t) => {
                    self.spec.view.playhead_ms = t;
                    self.follow_playhead();
                }
                None => self.playing = false,
            },
            Action::Rewind => {
                self.playing = false;
                self.spec.view.playhead_ms = 0;
            }
            Action::Person(p) => self.spec.view.person = p,
            Action::PersonOutcome(p) => {
                let event = self.run.as_ref().ok().and_then(|run| {
                    let v = run.violations.iter().find(|v| v.person == Some(p))?;
                    v.witness.last().copied()
                });
                if event.is_some() {
                    self.apply(Action::SelectEvent(event));
                }
                self.spec.view.person = Some(p);
            }
            Action::SelectEvent(e) => {
                self.spec.view.event = e;
                if let (Some(id), Ok(run)) = (e, &self.run) {
                    if let Some(row) = run.row(id) {
                        self.spec.view.playhead_ms = row.time_ms;
                        if row.person.is_some() {
                            self.spec.view.person = row.person;
                        }
                    }
                }
            }
            Action::SelectViolation(i) => {
                let found = self.run.as_ref().ok().and_then(|r| r.violations.get(i));
                if let Some(v) = found {
                    let (from, t) = (v.first_witness_ms, v.time_ms);
                    let last = v.witness.last().copied();
                    let pad = ((t - from) / 5).max(2_000);
                    self.apply(Action::Window(from.saturating_sub(pad), t + pad));
                    self.apply(Action::SelectEvent(last));
                }
            }
            Action::Window(a, b) => {
                self.spec.view.window_start_ms = a;
                self.spec.view.window_end_ms = b;
            }
            Action::Presentation(on) => self.spec.view.presentation = on,
            Action::LanesByPerson(on) => self.lanes_by_person = on,
            Action::Story(of) => self.story = of,
            Action::Lesson(lesson) => {
                self.playing = false;
                let teach = lesson.is_some();
                self.begin_lesson(lesson);
                // A lesson's run finds its violation's conflicting steps: the run is made again.
                if teach {
                    self.rerun();
                }
            }
            Action::Notice(n) => self.notice = n,
            Action::Ran(id, run, compare) => {
                if self.computing == Some(id) {
                    self.show(run, compare);
                }
            }
            Action::CancelRun => self.cancel_run(),
            Action::OffMain(on) => {
                self.off_main = on;
                if !on && self.computing.take().is_some() {
                    self.rerun();
                }
            }
        }
    }

    /// Shows the whole run again (after a change that makes a different run).
    fn fit(&mut self) {
        self.spec.view.window_start_ms = 0;
        self.spec.view.window_end_ms = 0;
        self.spec.view.event = None;
    }

    /// Moves a zoomed-in window along when a step takes the playhead out of it.
    fn follow_playhead(&mut self) {
        let v = &mut self.spec.view;
        let (a, b, t) = (v.window_start_ms, v.window_end_ms, v.playhead_ms);
        if b > a && (t < a || t > b) {
            let span = b - a;
            v.window_start_ms = t.saturating_sub(span / 10);
            v.window_end_ms = v.window_start_ms + span;
        }
    }

    /// The built-in scenario being fetched for the set-up to open next, if any.
    pub fn fetching(&self) -> Option<&str> {
        match &self.pending.as_ref()?.scenario {
            ScenarioSource::Builtin(id) => Some(id),
            ScenarioSource::Custom(_) => None,
        }
    }

    pub fn knob(&self, name: &str) -> Option<&Knob> {
        self.loaded
            .as_ref()?
            .scenario
            .knobs
            .iter()
            .find(|k| k.name == name)
    }

    /// The value a knob has in this set-up (override or default).
    pub fn knob_value(&self, k: &Knob) -> i64 {
        self.spec.knobs.get(&k.name).copied().unwrap_or(k.default)
    }

    /// The value of the knob called `name` (0 if there is none).
    pub fn knob_value_by_name(&self, name: &str) -> i64 {
        self.knob(name).map_or(0, |k| self.knob_value(k))
    }

    /// The end of the run (0 if it failed).
    pub fn end_time(&self) -> u64 {
        let main = self.run.as_ref().map_or(0, |r| r.end_time_ms);
        let other = self
            .compare_run
            .as_ref()
            .and_then(|r| r.as_ref().ok().map(|r| r.end_time_ms))
            .unwrap_or(0);
        main.max(other)
    }

    /// The time of the next event after the playhead (`dir` > 0) or the last one before it
    /// (a trace is in time order: found by bisection, not by a walk through a big run).
    fn next_time(&self, dir: i32) -> Option<u64> {
        let rows = &self.run.as_ref().ok()?.rows;
        let t = self.spec.view.playhead_ms;
        if dir > 0 {
            rows.get(rows.partition_point(|r| r.time_ms <= t))
        } else {
            let before = rows.partition_point(|r| r.time_ms < t);
            before.checked_sub(1).map(|i| &rows[i])
        }
        .map(|r| r.time_ms)
    }
}
