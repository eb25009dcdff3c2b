//! How the app's state opens a set-up and gets its runs: parse and check the scenario, then
//! compute the run and the comparison (off the main thread when the app can, see
//! [`super::super::runner`]), keep the run on screen until the new one arrives, and go back to
//! it on Cancel.

use std::rc::Rc;

use super::*;

impl AppState {
    /// Opens `spec`: parses its scenario, checks its variant and knobs, runs it. A built-in
    /// scenario not at hand yet makes `spec` pending instead, until it has been fetched.
    pub(super) fn load(&mut self, spec: RunSpec) {
        self.playing = false;
        self.pending = None;
        if let ScenarioSource::Builtin(id) = &spec.scenario {
            if crate::scenarios::source(id).is_none() && crate::scenarios::card(id).is_some() {
                self.pending = Some(spec);
                return;
            }
        }
        let (scenario, source) = match load_scenario(&spec.scenario) {
            Ok(x) => x,
            Err(e) => return self.apply(Action::Fail(e)),
        };
        // A built-in scenario is valid (the library's tests check it): only others are checked
        // here, so that opening a link to one does less on the page.
        let builtin = matches!(spec.scenario, ScenarioSource::Builtin(_));
        let checked = if builtin {
            Ok(())
        } else {
            api::validate(&scenario)
        };
        if let Err(e) = checked {
            return self.apply(Action::Fail(format!("This scenario is not valid: {e}")));
        }
        let mut spec = spec;
        let lesson = spec.view.lesson.take();
        if !scenario.variants.iter().any(|v| v.name == spec.variant) {
            spec.variant = scenario
                .variants
                .first()
                .map_or_else(String::new, |v| v.name.clone());
        }
        if let Some(c) = &spec.compare {
            if !scenario.variants.iter().any(|v| &v.name == c) {
                spec.compare = None;
            }
        }
        self.loaded = Some(Loaded {
            scenario: Rc::new(scenario),
            source,
        });
        self.spec = spec;
        self.begin_lesson(lesson);
        self.rerun();
    }

    /// Recomputes the runs after a change to anything that shapes them: here, or (off the
    /// main thread) by asking for them with a new id, which also drops any answer still on its
    /// way for an older one.
    pub(super) fn rerun(&mut self) {
        self.playing = false;
        let Some(loaded) = &self.loaded else { return };
        if self.off_main {
            self.run_id += 1;
            self.computing = Some(self.run_id);
            return;
        }
        let lesson = self.lesson_asked();
        let run_of = |variant: &str, schedule: &[u32], lesson: Option<usize>| -> RunResult {
            let config = self.spec.config(variant);
            let (s, seed) = (&loaded.scenario, self.spec.seed);
            match lesson {
                Some(v) => api::lesson_view(s, &config, seed, schedule, v),
                None => api::run_view(s, &config, seed, schedule),
            }
            .map(Rc::new)
        };
        let run = run_of(&self.spec.variant, &self.spec.schedule, lesson);
        let compare = self.spec.compare.as_deref().map(|v| run_of(v, &[], None));
        self.show(run, compare);
    }

    /// The violation whose conflicting steps the next run must find: the one a lesson waiting
    /// for its run teaches (a run finds them only when a lesson asks, see
    /// [`api::lesson_view`]).
    pub fn lesson_asked(&self) -> Option<usize> {
        self.lesson
            .as_ref()
            .filter(|l| l.phase == LessonPhase::Waiting)
            .map(|l| l.violation)
    }

    /// What a worker is asked to compute run `id` of the current set-up (see
    /// [`super::super::runner`]).
    pub fn run_request(&self, id: u64) -> crate::work::Request {
        crate::work::run_request(&self.spec, id, self.lesson_asked())
    }

    /// The inspector's question about the run being computed, when it is known before the
    /// run arrives: the set-up (view left out), the playhead and the person, as the inspector
    /// will ask once the run is shown. `None` when the Run tab will not show the inspector
    /// (another tab, a story) or a lesson will move the playhead once the run arrives.
    pub fn inspector_question_ahead(&self) -> Option<(RunSpec, u64, Option<u32>)> {
        let v = &self.spec.view;
        if v.tab != Tab::Run || self.story.is_some() || self.lesson.is_some() {
            return None;
        }
        let spec = RunSpec {
            view: Default::default(),
            ..self.spec.clone()
        };
        Some((spec, v.playhead_ms, v.person))
    }

    /// Shows the runs of the current set-up.
    pub(super) fn show(&mut self, run: RunResult, compare: Option<RunResult>) {
        self.computing = None;
        // The runs replaced are let go in later tasks: freeing a big run takes a while.
        super::super::runner::let_go(std::mem::replace(&mut self.run, run));
        if let Some(old) = std::mem::replace(&mut self.compare_run, compare) {
            super::super::runner::let_go(old);
        }
        if let (Ok(_), Some(loaded)) = (&self.run, &self.loaded) {
            self.shown = Some((loaded.clone(), self.spec.clone()));
        }
        self.fit_view_to_run();
        self.lesson_on_run();
    }

    /// Keeps the view inside the run on screen: its person and its playhead.
    pub(super) fn fit_view_to_run(&mut self) {
        // A set-up with fewer people (a smaller knob, the small set-up) drops a chosen person
        // who no longer exists, rather than leaving the inspector on an error.
        if let (Ok(run), Some(p)) = (&self.run, self.spec.view.person) {
            if p > run.people {
                self.spec.view.person = None;
            }
        }
        // A story of a violation or a person this run does not have closes.
        if let (Ok(run), Some(of)) = (&self.run, self.story) {
            let exists = match of {
                api::StoryOf::Violation(i) => i < run.violations.len(),
                api::StoryOf::Person(p) => (1..=run.people).contains(&p),
            };
            if !exists {
                self.story = None;
            }
        }
        let end = self.end_time();
        if self.spec.view.playhead_ms > end {
            self.spec.view.playhead_ms = end;
        }
    }

    /// Stops the run in flight: the set-up goes back to that of the run on screen (the view,
    /// the tab and presentation mode stay), or, when nothing has run yet, the run says it was
    /// cancelled.
    pub(super) fn cancel_run(&mut self) {
        if self.computing.take().is_none() {
            return;
        }
        match self.shown.clone() {
            Some((loaded, spec)) => {
                let view = std::mem::take(&mut self.spec.view);
                self.loaded = Some(loaded);
                self.spec = RunSpec { view, ..spec };
                self.notice = Some("Run cancelled: the previous run is shown.".into());
                self.fit_view_to_run();
            }
            None => {
                self.run = Err(
                    "The run was cancelled. Lower a knob (such as the number of \
                     people) or change the seed to run it again."
                        .into(),
                );
                self.compare_run = None;
            }
        }
    }

    /// The open scenario, for memo dependencies.
    pub fn scenario_ref(&self) -> ScenarioRef {
        ScenarioRef(self.loaded.as_ref().map(|l| l.scenario.clone()))
    }

    /// What the set-up depends on, seed and schedule aside (they are left out, as zero and
    /// empty): the campaigns shown, the events offered, an exploration's result.
    pub fn setup_key(&self) -> RunKey {
        RunKey {
            seed: 0,
            schedule: Vec::new(),
            ..self.run_key()
        }
    }

    /// What the run on screen depends on, and its set-up (view left out): a run still being
    /// computed is not on screen yet.
    pub fn shown_key(&self) -> Option<(RunKey, RunSpec)> {
        let (loaded, spec) = self.shown.as_ref()?;
        let key = RunKey {
            scenario: ScenarioRef(Some(loaded.scenario.clone())),
            variant: spec.variant.clone(),
            knobs: spec.knobs.clone(),
            injections: spec.injections.clone(),
            seed: spec.seed,
            schedule: spec.schedule.clone(),
        };
        let spec = RunSpec {
            view: Default::default(),
            ..spec.clone()
        };
        Some((key, spec))
    }

    /// What the main run depends on, for memo dependencies.
    pub fn run_key(&self) -> RunKey {
        RunKey {
            scenario: self.scenario_ref(),
            variant: self.spec.variant.clone(),
            knobs: self.spec.knobs.clone(),
            injections: self.spec.injections.clone(),
            seed: self.spec.seed,
            schedule: self.spec.schedule.clone(),
        }
    }
}

/// Parses the scenario a spec names (a built-in one must be at hand).
pub(super) fn load_scenario(source: &ScenarioSource) -> Result<(Scenario, Rc<str>), String> {
    let json = match source {
        ScenarioSource::Builtin(id) => crate::scenarios::source(id)
            .ok_or_else(|| format!("There is no built-in scenario \u{201c}{id}\u{201d}."))?,
        ScenarioSource::Custom(json) => json.as_str(),
    };
    let s = crate::scenarios::parse(json)
        .map_err(|e| format!("The scenario could not be read: {e}"))?;
    Ok((s, Rc::from(json)))
}
