//! The story view: the story of a violation or a person ([`crate::api::story`]) over the Run
//! tab's main area, with the sequence diagram ([`diagram`]) and beside it the numbered
//! sentences. Hovering or focusing a sentence lights its boxes, and a box lights its
//! sentence; clicking either selects the step, which is the selected event of the run (the
//! timeline below shows it too). A selected step that read data shows "As the step saw it":
//! what it read, what the record held at that moment, and a button to the write that made
//! them differ. Close (or Escape) goes back to the run. Every word of a story is drawn as
//! text, never as markup.
//!
//! The story is told for the run on screen; [`compute`] says where and keeps told stories.

pub mod compute;
pub mod diagram;

use yew::prelude::*;

use super::parts::{para, send};
use super::state::{Action, App, Dispatch, RunKey};
use crate::api::{AsSeen, Story, StoryOf};
use crate::spec::RunSpec;
use diagram::{Dims, Marks, CONFLICT_FILL, CONFLICT_STROKE, READ_DOT, VIOLATING};

/// The story view, when a story is open and the run on screen is ready (nothing otherwise).
pub fn story_view(app: &App) -> Html {
    let Some(of) = app.story else {
        return html! {};
    };
    let dispatch = app.dispatcher();
    let waiting = app.computing.is_some();
    let shown = app.shown_key();
    let (Some((run_key, spec)), Ok(run), false) = (shown, &app.run, waiting) else {
        let text = if waiting {
            "Waiting for the run before telling its story\u{2026}".to_string()
        } else {
            match &app.run {
                Err(e) => format!("There is no run to tell the story of: {e}"),
                Ok(_) => "There is no run to tell the story of yet.".to_string(),
            }
        };
        return frame(&dispatch, "The story", para("hint", text), None);
    };
    html! {
        <StoryView {run_key} {spec} {of} events={run.rows.len()} off_main={app.off_main}
            presentation={app.spec.view.presentation} event={app.spec.view.event} {dispatch} />
    }
}

/// The story panel around `body`: its heading (focused when it opens, for keyboards) and
/// Close; Escape closes too.
fn frame(dispatch: &Dispatch, title: &str, body: Html, heading: Option<NodeRef>) -> Html {
    let close = send(dispatch, Action::Story(None));
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                dispatch.dispatch(Action::Story(None));
            }
        })
    };
    html! {
        <section class="panel story" id="story" aria-labelledby="story-title" {onkeydown}>
            <div class="story-head">
                <h2 id="story-title" tabindex="-1" ref={heading.unwrap_or_default()}>
                    { title.to_string() }
                </h2>
                <button id="story-close" onclick={close} aria-label="Close the story"
                    title="Close the story (Escape)">{ "Close" }</button>
            </div>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StoryProps {
    /// The run on screen.
    pub run_key: RunKey,
    /// The same set-up, for a worker.
    pub spec: RunSpec,
    pub of: StoryOf,
    /// The run's trace events (a big run's story is told by a worker).
    pub events: usize,
    pub off_main: bool,
    pub presentation: bool,
    /// The run's selected event: its step is the selected one.
    pub event: Option<u32>,
    pub dispatch: Dispatch,
}

#[function_component(StoryView)]
fn story_view_component(props: &StoryProps) -> Html {
    let told = compute::use_story(
        &props.run_key,
        &props.spec,
        props.of,
        props.events,
        props.off_main,
    );
    let hover = use_state(|| None::<usize>);
    let heading = use_node_ref();
    use_effect_with(props.event, |_| bring_into_view("story-step"));
    {
        let heading = heading.clone();
        use_effect_with(props.of, move |_| {
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    {
        // Once told, the two conflicting steps are brought into view (after the heading's
        // focus above, which scrolls to the heading).
        let told_ok = matches!(told.as_deref(), Some(Ok(_)));
        use_effect_with((props.of, told_ok), |&(_, told_ok)| {
            if told_ok {
                bring_conflict_into_view();
            }
        });
    }
    let dispatch = &props.dispatch;
    let whose = match props.of {
        StoryOf::Violation(i) => format!("The story of violation {}", i + 1),
        StoryOf::Person(p) => format!("The story of person {p}"),
    };
    let (title, body) = match told.as_deref() {
        None => (
            whose,
            para(
                "hint",
                "Telling the story: the run is replayed in the background\u{2026}",
            ),
        ),
        Some(Err(e)) => (
            whose,
            html! {
                <p class="error" id="story-error" role="alert">
                    { format!("The story could not be told: {e}.") }
                </p>
            },
        ),
        Some(Ok(story)) => (story.title.clone(), told_story(story, props, &hover)),
    };
    frame(dispatch, &title, body, Some(heading))
}

/// Scrolls the page just enough to show all of the element `id` (when it is there), as a
/// selected step's details appear under the diagram.
fn bring_into_view(id: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    if let Some(el) = el {
        show_span(&el, &el);
    }
}

/// Scrolls the page just enough to show the story's two conflicting steps (in presentation
/// mode at 1280×720 they can fall below the fold), never past the first of them.
fn bring_conflict_into_view() {
    use wasm_bindgen::JsCast;
    let boxes = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("#story-svg .story-box.conflict").ok());
    let Some(boxes) = boxes else {
        return;
    };
    let at = |i: u32| {
        boxes
            .get(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
    };
    if let (Some(first), Some(last)) = (at(0), at(boxes.length().saturating_sub(1))) {
        show_span(&first, &last);
    }
}

/// Scrolls down just enough for `last`'s bottom to show, but never so far that `first`'s top
/// leaves the window.
fn show_span(first: &web_sys::Element, last: &web_sys::Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(height) = window.inner_height().ok().and_then(|h| h.as_f64()) else {
        return;
    };
    let below = last.get_bounding_client_rect().bottom() - height + 8.0;
    if below > 0.0 {
        let top = first.get_bounding_client_rect().top();
        window.scroll_by_with_x_and_y(0.0, below.min(top - 8.0).max(0.0));
    }
}

/// The diagram, the sentences and the selected step of a told story.
fn told_story(story: &Story, props: &StoryProps, hover: &UseStateHandle<Option<usize>>) -> Html {
    let dispatch = &props.dispatch;
    let selected = props.event.and_then(|e| story.step_of(e));
    let lit = (**hover).or(selected.map(|i| story.steps[i].sentence));
    let pick = {
        let (dispatch, events) = (dispatch.clone(), story.steps.iter().map(|s| s.event));
        let events: Vec<u32> = events.collect();
        Callback::from(move |i: usize| {
            dispatch.dispatch(Action::SelectEvent(events.get(i).copied()));
        })
    };
    let on_hover = {
        let hover = hover.clone();
        Callback::from(move |s: Option<usize>| hover.set(s))
    };
    let marks = Marks {
        lit,
        selected,
        pick: &pick,
        hover: &on_hover,
    };
    let svg = diagram::diagram(story, &Dims::new(props.presentation), marks);
    let left_out = (story.left_out > 0).then(|| {
        para(
            "hint",
            format!(
                "{} other {} of this person did not affect it and {} left out.",
                story.left_out,
                if story.left_out == 1 { "step" } else { "steps" },
                if story.left_out == 1 { "is" } else { "are" }
            ),
        )
    });
    html! {
        <>
            if !story.message.is_empty() {
                <p class="story-message" id="story-message">{ story.message.clone() }</p>
            }
            { legend(story) }
            <div class="story-body">
                <div class="story-main">
                    <figure class="story-diagram">{ svg }</figure>
                    { for selected.map(|i| step_detail(story, i, dispatch)) }
                </div>
                <div class="story-side">
                    { sentences(story, lit, &pick, &on_hover) }
                    { for left_out }
                </div>
            </div>
        </>
    }
}

/// What the marks of the diagram mean (only those it uses).
fn legend(story: &Story) -> Html {
    let swatch = |fill: &'static str, stroke: &'static str| {
        html! {
            <svg class="swatch" viewBox="0 0 20 14" aria-hidden="true">
                <rect x="1" y="1" width="18" height="12" rx="3" {fill} {stroke} stroke-width="2" />
            </svg>
        }
    };
    let any_read = story.steps.iter().any(|s| s.seen.is_some());
    let violating = story.steps.iter().any(|s| s.violating);
    html! {
        <ul class="story-legend" id="story-legend" aria-label="Legend">
            if story.conflict.is_some() {
                <li>{ swatch(CONFLICT_FILL, CONFLICT_STROKE) }{ "The two steps that conflict" }</li>
            }
            if violating {
                <li>
                    <svg class="swatch" viewBox="0 0 14 14" aria-hidden="true">
                        <path d="M0 13 L7 1 L14 13 z" fill={VIOLATING} />
                    </svg>
                    { "The step that broke the rule" }
                </li>
            }
            if any_read {
                <li>
                    <svg class="swatch" viewBox="0 0 14 14" aria-hidden="true">
                        <circle cx="7" cy="7" r="5" fill={READ_DOT} />
                    </svg>
                    { "Read data: select it to see what it read" }
                </li>
            }
            <li>{ "→ caused" }</li>
            <li class="hint">{ "Time goes down" }</li>
        </ul>
    }
}

/// The numbered sentences, each a button that selects its step.
fn sentences(
    story: &Story,
    lit: Option<usize>,
    pick: &Callback<usize>,
    hover: &Callback<Option<usize>>,
) -> Html {
    let items = story.sentences.iter().enumerate().map(|(k, s)| {
        // The step a sentence stands for: a conflicting one, else one that read, else its first.
        let main = s
            .steps
            .iter()
            .copied()
            .find(|&i| story.steps[i].conflict)
            .or_else(|| {
                s.steps
                    .iter()
                    .copied()
                    .find(|&i| story.steps[i].seen.is_some())
            })
            .or_else(|| s.steps.first().copied());
        let onclick = {
            let pick = pick.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(i) = main {
                    pick.emit(i)
                }
            })
        };
        let (h1, h2, h3, h4) = (hover.clone(), hover.clone(), hover.clone(), hover.clone());
        let class = classes!(
            "sentence",
            s.conflict.then_some("conflict"),
            (lit == Some(k)).then_some("lit")
        );
        let steps: Vec<String> = s.steps.iter().map(|i| i.to_string()).collect();
        html! {
            <li {class} data-steps={steps.join(" ")}>
                <button class="sentence-button" id={format!("story-sentence-{}", s.number)}
                    {onclick} aria-pressed={(lit == Some(k)).to_string()}
                    onmouseenter={Callback::from(move |_: MouseEvent| h1.emit(Some(k)))}
                    onmouseleave={Callback::from(move |_: MouseEvent| h2.emit(None))}
                    onfocus={Callback::from(move |_: FocusEvent| h3.emit(Some(k)))}
                    onblur={Callback::from(move |_: FocusEvent| h4.emit(None))}>
                    <span class="sentence-number">{ format!("{}. ", s.number) }</span>
                    <span class="sentence-clock">{ format!("{} ", s.clock) }</span>
                    <span class="sentence-text">{ s.text.clone() }</span>
                </button>
            </li>
        }
    });
    html! {
        <ol class="story-sentences" id="story-sentences" aria-label="The story in sentences">
            { for items }
        </ol>
    }
}

/// The selected step: its details and, when it read data, what it saw.
fn step_detail(story: &Story, i: usize, dispatch: &Dispatch) -> Html {
    let s = &story.steps[i];
    let column = story.columns.get(s.column).cloned().unwrap_or_default();
    html! {
        <section class="story-step" id="story-step" aria-live="polite"
            aria-label="The selected step" data-step={i.to_string()}>
            <h3>{ format!("{} · {column}", s.clock) }</h3>
            <p class="story-step-label">{ s.label.clone() }</p>
            <p class="hint">{ s.details.clone() }</p>
            { for s.seen.as_ref().map(|seen| as_seen(story, seen, dispatch)) }
        </section>
    }
}

/// "As the step saw it": each value it read, the value at that moment, and the write that
/// made them differ (a button that selects it).
fn as_seen(story: &Story, seen: &AsSeen, dispatch: &Dispatch) -> Html {
    let rows = seen.values.iter().map(|v| {
        let differs = v.differs();
        let write = v.changed_by.map(|w| {
            let name = match story.step_of(w) {
                Some(k) => format!("{} {}", story.steps[k].clock, story.steps[k].label),
                None => format!("event #{w}"),
            };
            let go = send(dispatch, Action::SelectEvent(Some(w)));
            html! {
                <button class="link-button story-write" onclick={go} data-event={w.to_string()}
                    aria-label={format!("Go to the write that changed it: {name}")}>
                    { name }
                </button>
            }
        });
        html! {
            <tr class={classes!(differs.then_some("differs"))}>
                <th scope="row">{ v.name.clone() }</th>
                <td class="seen-read">{ v.read.clone() }</td>
                <td class="seen-current">{ v.current.clone() }</td>
                <td>{ for write }</td>
            </tr>
        }
    });
    let verdict = if seen.stale() {
        para(
            "bad",
            "The step worked from a view that was no longer true: a value it read had changed.",
        )
    } else {
        para("good", "What the step read was still true at that moment.")
    };
    html! {
        <div class="as-seen" id="story-seen">
            <h4>{ "As the step saw it" }</h4>
            <p class="hint">
                { format!("It read {}; \u{201c}At that moment\u{201d} is {}.", seen.source, seen.current) }
            </p>
            <table class="seen-table">
                <thead><tr>
                    <th scope="col">{ "Value" }</th>
                    <th scope="col">{ "It read" }</th>
                    <th scope="col">{ "At that moment" }</th>
                    <th scope="col">{ "Changed by" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            { verdict }
        </div>
    }
}
