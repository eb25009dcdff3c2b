//! The panels under the timeline: the violations of the run (a click jumps to the witnessing
//! events; "Show the story" opens its story; "Copy lesson link" makes a link that teaches it) and the inspector (the selected event, and at the playhead the selected person's
//! fields, lists and programs and what sits in each queue and system).

use yew::prelude::*;

use std::rc::Rc;

use super::parts::{self, label, on_value, para, send};
use super::state::{Action, App, Dispatch, RunKey};
use crate::api::clock;
use crate::api::{thousands, RunView, StoryOf};
use crate::spec::RunSpec;

/// Violations listed at once: a big run's panel shows a page of them, with a count and buttons
/// to page on (its cost does not grow with the run).
pub const VIOLATIONS_PER_PAGE: usize = 50;

/// The violations of the main run.
pub fn violations(app: &App) -> Html {
    let Ok(run) = app.run.as_ref() else {
        return html! {};
    };
    let shown = app.shown_key().map(|(_, spec)| spec);
    html! { <Violations run={run.clone()} {shown} dispatch={app.dispatcher()} /> }
}

#[derive(Properties, PartialEq)]
pub struct ViolationsProps {
    pub run: Rc<RunView>,
    /// The set-up of the run on screen (what a lesson link carries).
    pub shown: Option<RunSpec>,
    pub dispatch: Dispatch,
}

/// The violations panel: the outcome line, then [`VIOLATIONS_PER_PAGE`] violations at a time
/// (a click jumps to the witnessing events), "Showing 51–100 of 9,300" and Previous/Next.
#[function_component(Violations)]
fn violations_panel(props: &ViolationsProps) -> Html {
    let run = &props.run;
    // The page shown, for the run it was chosen on (a new run starts at the first page).
    let page = use_state(|| (run.trace_hash.clone(), 0usize));
    let count = run.violations.len();
    let pages = count.div_ceil(VIOLATIONS_PER_PAGE).max(1);
    let at = if page.0 == run.trace_hash {
        page.1.min(pages - 1)
    } else {
        0
    };
    let first = at * VIOLATIONS_PER_PAGE;
    let shown = &run.violations[first..(first + VIOLATIONS_PER_PAGE).min(count)];
    let items = shown.iter().enumerate().map(|(k, v)| {
        let i = first + k;
        let jump = send(&props.dispatch, Action::SelectViolation(i));
        let who = v.person.map_or(String::new(), |p| format!(" · person {p}"));
        let story = send(&props.dispatch, Action::Story(Some(StoryOf::Violation(i))));
        let lesson = props
            .shown
            .as_ref()
            .map(|spec| super::lesson::copy_lesson_button(spec, &props.dispatch, i));
        html! {
            <li class="violation-item">
                <button class="violation" id={format!("violation-{i}")} onclick={jump}
                    title={format!("Check: {}", v.invariant)}>
                    <span class="vmark" aria-hidden="true">{ "▲" }</span>
                    <strong>{ v.title.clone() }</strong>
                    { format!(" at {}{who}: {}", clock(v.time_ms), v.message) }
                </button>
                <div class="violation-actions">
                    <button class="story-open" id={format!("story-violation-{i}")} onclick={story}
                        aria-label={format!("Show the story of violation {}", i + 1)}>
                        { "Show the story" }
                    </button>
                    { for lesson }
                </div>
            </li>
        }
    });
    let go = |to: usize| {
        let (page, hash) = (page.clone(), run.trace_hash.clone());
        Callback::from(move |_| page.set((hash.clone(), to)))
    };
    let ids = parts::PagerIds {
        row: "violations-pager",
        shown: "violations-shown",
        prev: "violations-prev",
        next: "violations-next",
    };
    let pager = parts::pager(ids, at, VIOLATIONS_PER_PAGE, count, "", go);
    html! {
        <section class="panel violations-panel" id="violations" aria-label="Violations"
            data-count={count.to_string()} data-trace-hash={run.trace_hash.clone()}>
            <h2>{ format!("Violations ({})", thousands(count as u64)) }</h2>
            <p class="outcome" id="outcome">{ run.outcome.clone() }</p>
            if count == 0 {
                <p class="clean" id="no-violations">{ "No invariant was violated in this run." }</p>
            } else {
                <ol class="vlist" start={(first + 1).to_string()}>{ for items }</ol>
                { pager }
            }
        </section>
    }
}

/// The inspector of the main run (nothing when the run failed).
pub fn inspector(app: &App) -> Html {
    let Ok(run) = &app.run else {
        return html! {};
    };
    let v = &app.spec.view;
    // The set-up of the run on screen (not of one still being computed).
    let Some((run_key, spec)) = app.shown_key() else {
        return html! {};
    };
    html! {
        <Inspector run={run.clone()} {run_key} {spec} off_main={app.off_main}
            playhead={v.playhead_ms} person={v.person} event={v.event} dispatch={app.dispatcher()} />
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub run: Rc<RunView>,
    /// What the run depends on (the inspector replays it up to the playhead).
    pub run_key: RunKey,
    /// The same set-up, for a worker to replay (its view left out).
    pub spec: RunSpec,
    /// Whether the replay is computed off the main thread.
    pub off_main: bool,
    pub playhead: u64,
    pub person: Option<u32>,
    /// The selected event.
    pub event: Option<u32>,
    pub dispatch: Dispatch,
}

#[function_component(Inspector)]
fn inspector_view(props: &InspectorProps) -> Html {
    let snapshot = super::inspection::use_snapshot(
        &props.run_key,
        &props.spec,
        props.playhead,
        props.person,
        props.off_main,
    );
    let (run, dispatch) = (&props.run, &props.dispatch);
    let person = props.person;
    // A number typed in, not a menu of every person: it costs the same for 10,000 people.
    let pick = {
        let (dispatch, people) = (dispatch.clone(), run.people);
        on_value(move |v| match person_number(&v, people) {
            Ok(p) => {
                dispatch.dispatch(Action::Person(p));
                None
            }
            Err(why) => {
                dispatch.dispatch(Action::Notice(Some(why)));
                Some(person.map_or_else(String::new, |p| p.to_string()))
            }
        })
    };
    let selected = props
        .event
        .and_then(|id| run.row(id))
        .map(|r| {
            let cause = r.cause.map(|c| {
                let go = send(dispatch, Action::SelectEvent(Some(c)));
                html! { <button class="link-button" onclick={go}>{ format!("caused by #{c}") }</button> }
            });
            html! {
                <div class="event-detail" id="selected-event">
                    <strong>{ format!("#{} · {} · {}", r.id, clock(r.time_ms), r.lane) }</strong>
                    <p>{ r.details.to_string() }</p>
                    { for cause }
                </div>
            }
        });
    let body = match snapshot.as_deref() {
        None => para("hint", "Replaying the run up to the playhead\u{2026}"),
        Some(Ok(snap)) => html! {
            <>
                if let Some(p) = &snap.person {
                    <dl class="fields">
                        { for p.fields.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
                    </dl>
                    { items("Lists", &p.lists, "in no static list") }
                    if !p.exists {
                        { para("hint", "This person does not exist yet at this moment.") }
                    }
                    { items("Program statuses", &p.programs, "no program status") }
                    { items("Campaigns", &p.campaigns, "in no campaign's flow") }
                }
                { for snap.systems.iter().map(system) }
            </>
        },
        Some(Err(e)) if e.is_empty() => html! {},
        Some(Err(e)) => para("error", e.clone()),
    };
    html! {
        <section class="panel inspector" id="inspector" aria-label="Inspector">
            <h2>{ format!("At {}", clock(props.playhead)) }</h2>
            { for selected }
            <div class="field">
                { label("inspect-person", "Person") }
                <input id="inspect-person" class="num" type="search" inputmode="numeric"
                    placeholder={format!("1 to {}", run.people)} autocomplete="off"
                    title="Type a person's number (empty: no person)"
                    value={person.map_or_else(String::new, |p| p.to_string())} onchange={pick} />
            </div>
            { body }
        </section>
    }
}

/// The person a typed value names (`None` for an empty field), or why there is none.
fn person_number(text: &str, people: u32) -> Result<Option<u32>, String> {
    let text = text.trim().trim_start_matches("person").trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(p) if (1..=people).contains(&p) => Ok(Some(p)),
        _ => Err(format!(
            "Person \u{201c}{text}\u{201d} does not exist: this run has people 1 to {people}."
        )),
    }
}

/// A queue or system: its lines, and how many more it holds than are listed.
fn system(s: &crate::api::SystemSnapshot) -> Html {
    let more = (s.more > 0).then(|| {
        para(
            "hint",
            format!(
                "and {} more (type a person's number above to see where they are)",
                thousands(s.more as u64)
            ),
        )
    });
    html! { <>{ items(s.name.clone(), &s.items, "empty") }{ for more }</> }
}

/// A heading `title` over the items of `list`, or the hint `empty` when there are none.
fn items(title: impl Into<AttrValue>, list: &[String], empty: &'static str) -> Html {
    let list = if list.is_empty() {
        para("hint", empty)
    } else {
        html! { <ul>{ parts::items(list, "") }</ul> }
    };
    html! { <><h3>{ title.into() }</h3>{ list }</> }
}
