//! Lessons: a lesson link plays a run up to the race on one of its violations, pauses at the
//! first of the two conflicting steps and explains it (see [`crate::spec::Lesson`]). This
//! module answers, as plain data, where that pause is ([`lesson_stop`], from the run alone, so
//! that it works on a run computed in a worker), which variants a lesson shows by default
//! ([`lesson_race`], [`lesson_fix`]) and the story's sentences up to the pause
//! ([`lesson_sentences`]).

use super::story::Story;
use super::view::RunView;
use crate::engine::scenario::VariantRole;
use crate::engine::Scenario;

/// Where a lesson pauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonStop {
    /// The violation taught (0-based, as in [`RunView::violations`]).
    pub violation: usize,
    /// The trace event of the first conflicting step (the one selected at the pause), if the
    /// violation has any witness.
    pub event: Option<u32>,
    /// When it happened: the playhead stops here.
    pub time_ms: u64,
    /// The campaign or system that took that step (its timeline lane).
    pub lane: String,
    /// The trace's sentence for that step, in campaign words.
    pub sentence: String,
    /// Distinct event times after the start of the run, up to and including the pause: the
    /// steps playback takes to get there.
    pub steps: usize,
}

/// Where a lesson on violation `violation` of `run` pauses: at the first of its two
/// conflicting steps (known in a run made by [`super::lesson_view`] for that violation;
/// otherwise, or when the story finds none, its earliest witness; with no witness at all, the
/// violation itself). `None` when the run has no such violation.
pub fn lesson_stop(run: &RunView, violation: usize) -> Option<LessonStop> {
    let v = run.violations.get(violation)?;
    let first_witness = || {
        v.witness
            .iter()
            .filter_map(|&w| run.row(w))
            .min_by_key(|r| (r.time_ms, r.id))
            .map(|r| r.id)
    };
    let event = v.conflict.map(|(first, _)| first).or_else(first_witness);
    let row = event.and_then(|id| run.row(id));
    let time_ms = row.map_or(v.time_ms, |r| r.time_ms);
    let mut times: Vec<u64> = run
        .rows
        .iter()
        .map(|r| r.time_ms)
        .filter(|&t| t > 0 && t <= time_ms)
        .collect();
    times.dedup();
    Some(LessonStop {
        violation,
        event,
        time_ms,
        lane: row.map_or_else(String::new, |r| r.lane.to_string()),
        sentence: row.map_or_else(|| v.message.clone(), |r| r.details.to_string()),
        steps: times.len(),
    })
}

/// The variant a lesson teaches by default: the scenario's first `race` variant.
pub fn lesson_race(scenario: &Scenario) -> Option<&str> {
    scenario
        .variants
        .iter()
        .find(|v| v.role == VariantRole::Race)
        .map(|v| v.name.as_str())
}

/// The fix a lesson shows beside the race by default: the scenario's `fix` variant named
/// `fixed`, else its first `fix` variant (never `race` itself). `None` when it has none.
pub fn lesson_fix(scenario: &Scenario, race: &str) -> Option<String> {
    let fixes = || {
        scenario
            .variants
            .iter()
            .filter(|v| v.role == VariantRole::Fix && v.name != race)
    };
    fixes()
        .find(|v| v.name == "fixed")
        .or_else(|| fixes().next())
        .map(|v| v.name.clone())
}

/// The story's numbered sentences up to the lesson's pause: every sentence before the one that
/// tells step `event` (the first conflicting step), and that one. All of them when the story
/// does not have that step.
pub fn lesson_sentences(story: &Story, event: Option<u32>) -> Vec<String> {
    let upto = event
        .and_then(|id| story.step_of(id))
        .map_or(story.sentences.len(), |s| story.steps[s].sentence + 1);
    story.sentences[..upto.min(story.sentences.len())]
        .iter()
        .map(|s| s.line())
        .collect()
}
