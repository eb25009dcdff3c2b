//! A lesson on screen (from a lesson link, see [`crate::spec::Lesson`]): the run opens on the
//! Run tab, and once it is on screen (computed here or arriving from a worker as
//! [`Action::Ran`]) it plays from the start at a readable speed, pauses at the first
//! conflicting step of the violation taught ([`api::lesson_stop`]) and the lesson panel
//! explains it. The lesson travels in links only: opening the set-up takes it out of the
//! spec, so the address and the saved work no longer carry it, and changing what shapes the
//! run ends it.

use super::*;
use crate::api::LessonStop;
use crate::spec::Lesson;

/// Where a lesson is.
#[derive(Debug, Clone, PartialEq)]
pub enum LessonPhase {
    /// The run is not on screen yet (it may be computed in a worker).
    Waiting,
    /// Playing up to the pause.
    Playing(LessonStop),
    /// Paused at the first conflicting step: the explanation shows.
    Paused(LessonStop),
    /// The run has no such violation (the set-up was changed, or the seed does not show it).
    Missing,
}

/// The lesson being taught.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonRun {
    /// The violation taught, 0-based.
    pub violation: usize,
    /// The variant "Show the fix side by side" compares with (`None`: the scenario has none).
    pub fix: Option<String>,
    pub phase: LessonPhase,
}

/// Playback reaches the pause in about this many seconds at most (a run with more steps
/// before it starts later than 0, see [`AppState::lesson_on_run`]).
const PLAY_SECONDS: usize = 10;
/// The slowest speed a lesson plays at: two steps a second, slow enough to follow.
const SLOWEST: usize = 1;

impl AppState {
    /// Starts teaching `lesson` on the set-up just opened (`None` ends any lesson): the Run
    /// tab, the whole run in view, the playhead at the start. Playback starts when the run is
    /// on screen.
    pub(super) fn begin_lesson(&mut self, lesson: Option<Lesson>) {
        self.lesson = None;
        let (Some(lesson), Some(loaded)) = (lesson, &self.loaded) else {
            return;
        };
        // The lesson tells the race from the start: a story left open would hide it.
        self.story = None;
        let scenario = &loaded.scenario;
        let fix = lesson
            .fix
            .filter(|f| scenario.variants.iter().any(|v| &v.name == f))
            .or_else(|| api::lesson_fix(scenario, &self.spec.variant));
        let v = &mut self.spec.view;
        v.tab = Tab::Run;
        (v.playhead_ms, v.window_start_ms, v.window_end_ms, v.event) = (0, 0, 0, None);
        self.lesson = Some(LessonRun {
            violation: lesson.violation as usize,
            fix,
            phase: LessonPhase::Waiting,
        });
    }

    /// The run is on screen: a lesson waiting for it plays from the start (or from late
    /// enough to reach the pause in [`PLAY_SECONDS`] at the fastest speed) at the slowest
    /// speed that gets there in that time.
    pub(super) fn lesson_on_run(&mut self) {
        let Some(lesson) = &mut self.lesson else {
            return;
        };
        let Ok(run) = &self.run else { return };
        if lesson.phase != LessonPhase::Waiting {
            return;
        }
        let Some(stop) = api::lesson_stop(run, lesson.violation) else {
            lesson.phase = LessonPhase::Missing;
            return;
        };
        let speed = (SLOWEST..SPEEDS.len())
            .find(|&i| stop.steps <= SPEEDS[i] as usize * PLAY_SECONDS)
            .unwrap_or(SPEEDS.len() - 1);
        // Too many steps even at the fastest speed: start at the step that leaves enough.
        let budget = SPEEDS[speed] as usize * PLAY_SECONDS;
        let start = if stop.steps > budget {
            let mut times: Vec<u64> = run.rows.iter().map(|r| r.time_ms).collect();
            times.retain(|&t| t > 0 && t <= stop.time_ms);
            times.dedup();
            times[times.len() - budget - 1]
        } else {
            0
        };
        lesson.phase = LessonPhase::Playing(stop);
        self.speed = speed;
        self.spec.view.playhead_ms = start;
        self.playing = true;
    }

    /// One playback step forward to `next` (the next event time, if any): a lesson playing
    /// up to its pause stops there instead of going past it. Returns whether it did.
    pub(super) fn lesson_step(&mut self, next: Option<u64>) -> bool {
        let Some(LessonRun {
            phase: LessonPhase::Playing(stop),
            ..
        }) = &self.lesson
        else {
            return false;
        };
        let here = self.spec.view.playhead_ms;
        if here >= stop.time_ms || next.is_some_and(|t| t < stop.time_ms) {
            return false;
        }
        let stop = stop.clone();
        self.playing = false;
        if let Ok(run) = &self.run {
            if let Some(v) = run.violations.get(stop.violation) {
                // The window shows both sides of the race; the first one is selected.
                let second = v.conflict.and_then(|(_, b)| run.row(b));
                let to = second.map_or(v.time_ms, |r| r.time_ms.max(v.time_ms));
                let from = v.first_witness_ms.min(stop.time_ms);
                let pad = ((to - from) / 5).max(2_000);
                self.apply(Action::Window(from.saturating_sub(pad), to + pad));
            }
        }
        self.apply(Action::SelectEvent(stop.event));
        self.spec.view.playhead_ms = stop.time_ms;
        if let Some(l) = &mut self.lesson {
            l.phase = LessonPhase::Paused(stop);
        }
        true
    }
}

/// Whether `action` changes what shapes the run, ending a lesson (its violation may no
/// longer be the one it names).
pub(super) fn ends_lesson(action: &Action) -> bool {
    matches!(
        action,
        Action::OpenBuiltin(_)
            | Action::Import(_)
            | Action::Built(_)
            | Action::Variant(_)
            | Action::Knob(..)
            | Action::ResetKnobs
            | Action::Seed(_)
            | Action::NewSeed
            | Action::Inject(_)
            | Action::RemoveInjection(_)
            | Action::ClearSchedule
            | Action::SetSchedule(_)
    )
}
