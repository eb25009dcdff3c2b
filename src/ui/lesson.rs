//! The lesson panel on the Run tab (a lesson link's explanation, see
//! [`super::state::LessonRun`]): while the run plays up to the race it says what to watch;
//! paused at the first of the two steps that clash, it explains the race in campaign words
//! (the violation's title, the step it paused on, the story's sentences up to there) and
//! offers "Show the story" and "Show the fix side by side" (Compare with the same seed).
//! "Copy lesson link" buttons (beside each violation) make such links.

use yew::prelude::*;

use super::parts::{para, send};
use super::state::{Action, App, Dispatch, LessonPhase, LessonRun, RunKey};
use super::web;
use crate::api::{self, LessonStop, StoryOf};
use crate::spec::{Lesson, RunSpec, Tab};

/// A run with more trace rows than this does not tell its story in the lesson panel (it is
/// computed on the page): the panel gives the paused step's sentence only.
const STORY_ROWS: usize = 20_000;
/// The story's last sentences the panel shows (the story view tells them all).
const SENTENCES: usize = 5;

/// The lesson panel (nothing without a lesson).
pub fn lesson(app: &App) -> Html {
    let Some(lesson) = &app.lesson else {
        return html! {};
    };
    let dispatch = app.dispatcher();
    let violation = app
        .run
        .as_ref()
        .ok()
        .and_then(|r| r.violations.get(lesson.violation));
    let title = match violation {
        Some(v) => match v.person {
            Some(p) => format!("Lesson: {}, person {p}", v.title),
            None => format!("Lesson: {}", v.title),
        },
        None => "Lesson".to_string(),
    };
    let (phase, body) = match &lesson.phase {
        LessonPhase::Waiting => (
            "waiting",
            para(
                "hint",
                "The run is being computed; then it plays up to the race and pauses there.",
            ),
        ),
        LessonPhase::Playing(stop) => (
            "playing",
            para(
                "lesson-watch",
                format!(
                    "Watch the run: it pauses at {} on the first of the two steps that clash.",
                    api::clock(stop.time_ms)
                ),
            ),
        ),
        LessonPhase::Paused(stop) => ("paused", paused(app, lesson, stop)),
        LessonPhase::Missing => (
            "missing",
            para(
                "hint",
                format!(
                    "This run has no violation {}, so there is no race to pause on. Open the \
                     lesson link again, or try another seed.",
                    lesson.violation + 1
                ),
            ),
        ),
    };
    // A marker the end-to-end test reads: the story this lesson asked for is open.
    let story = (app.story == Some(StoryOf::Violation(lesson.violation)))
        .then(|| format!("violation-{}", lesson.violation));
    html! {
        <section class="panel lesson-panel" id="lesson-panel" aria-label="Lesson" data-phase={phase}
            data-story={story}>
            <div class="lesson-head">
                <h2 id="lesson-title">{ title }</h2>
                <button class="link-button" id="lesson-close" title="Close the lesson"
                    onclick={send(&dispatch, Action::Lesson(None))}>{ "Close" }</button>
            </div>
            { body }
        </section>
    }
}

/// The explanation at the pause, and its two buttons.
fn paused(app: &App, lesson: &LessonRun, stop: &LessonStop) -> Html {
    let dispatch = app.dispatcher();
    let i = lesson.violation;
    let message = app
        .run
        .as_ref()
        .ok()
        .and_then(|r| r.violations.get(i))
        .map(|v| v.message.clone());
    let at = if stop.lane.is_empty() {
        String::new()
    } else {
        format!(" {}:", stop.lane)
    };
    let story = app.shown_key().map(|(run_key, _)| {
        let small = app.run.as_ref().is_ok_and(|r| r.rows.len() <= STORY_ROWS);
        html! { <LessonStory {run_key} violation={i} event={stop.event} {small} /> }
    });
    let fix = lesson.fix.clone().map(|fix| {
        let (d, name) = (dispatch.clone(), fix.clone());
        let onclick = Callback::from(move |_| {
            d.dispatch(Action::Compare(Some(name.clone())));
            d.dispatch(Action::Tab(Tab::Compare));
        });
        html! {
            <button id="lesson-fix" class="primary" {onclick}
                title={format!("Compare with {fix}, the same seed")}>
                { "Show the fix side by side" }
            </button>
        }
    });
    html! {
        <>
            <p class="lesson-stop" id="lesson-stop">
                <strong>{ format!("Paused at {}, where the race starts.", api::clock(stop.time_ms)) }</strong>
                { format!("{at} {}", stop.sentence) }
            </p>
            { for story }
            if let Some(m) = message {
                <p class="lesson-outcome" id="lesson-outcome">{ format!("What goes wrong: {m}") }</p>
            }
            <div class="lesson-actions">
                <button id="lesson-story" class="primary"
                    onclick={send(&dispatch, Action::Story(Some(StoryOf::Violation(i))))}>
                    { "Show the story" }
                </button>
                { for fix }
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct LessonStoryProps {
    /// The run on screen.
    run_key: RunKey,
    violation: usize,
    /// The step the lesson paused on.
    event: Option<u32>,
    /// Whether the run is small enough to tell its story here.
    small: bool,
}

/// The story's sentences up to the pause (its last few), computed from the run on screen.
#[function_component(LessonStory)]
fn lesson_story(props: &LessonStoryProps) -> Html {
    let lines = use_memo(
        (
            props.run_key.clone(),
            props.violation,
            props.event,
            props.small,
        ),
        |(key, i, event, small)| {
            let scenario = key.scenario.as_ref().filter(|_| *small)?;
            let story = api::story(
                scenario,
                &key.config(),
                key.seed,
                &key.schedule,
                StoryOf::Violation(*i),
            )
            .ok()?;
            Some(api::lesson_sentences(&story, *event))
        },
    );
    let Some(lines) = lines.as_ref().as_ref().filter(|l| !l.is_empty()) else {
        return html! {};
    };
    let skipped = lines.len().saturating_sub(SENTENCES);
    html! {
        <div class="lesson-sentences" id="lesson-sentences">
            <h3>{ "What happened so far" }</h3>
            if skipped > 0 {
                { para("hint", format!("{skipped} earlier steps: see the story.")) }
            }
            <ol>{ for lines[skipped..].iter().map(|l| html! { <li>{ l.clone() }</li> }) }</ol>
        </div>
    }
}

/// The set-up of the run on screen as a lesson link on violation `violation` (0-based): it
/// opens on the Run tab at the start, whatever the view now.
pub fn lesson_spec(spec: &RunSpec, violation: usize) -> RunSpec {
    let mut spec = spec.clone();
    spec.view = crate::spec::View {
        tab: Tab::Run,
        presentation: spec.view.presentation,
        lesson: Some(Lesson {
            violation: violation as u32,
            fix: None,
        }),
        ..Default::default()
    };
    spec
}

/// A "Copy lesson link" button for violation `violation` of the run on screen: it copies the
/// link and says so (or why there is none), showing the link in the message too.
pub fn copy_lesson_button(spec: &RunSpec, dispatch: &Dispatch, violation: usize) -> Html {
    let (spec, dispatch) = (spec.clone(), dispatch.clone());
    let onclick = Callback::from(move |_| {
        let message = match crate::codec::encode_checked(&lesson_spec(&spec, violation)) {
            Ok(code) => {
                let url = format!("{}#{code}", web::base_url());
                web::copy_to_clipboard(&url);
                format!("Lesson link for violation {} copied: {url}", violation + 1)
            }
            Err(e) => format!("This run cannot be shared as a lesson link: {e}"),
        };
        dispatch.dispatch(Action::Notice(Some(message)));
    });
    html! {
        <button class="copy-lesson" id={format!("copy-lesson-{violation}")} {onclick}
            title="Copy a link that plays this run up to the race and explains it">
            { "Copy lesson link" }
        </button>
    }
}
