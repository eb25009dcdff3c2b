//! Inject concurrent outside events into the run: pick one of the events the scenario offers
//! (the engine lists them), a time (the playhead or typed in) and a person; the injection
//! becomes part of the run's set-up and of its share link.

use yew::prelude::*;

use super::parts::{button, label, on_value, option, para, send};
use super::state::{Action, App, Dispatch, RunKey};
use crate::api::clock;
use crate::api::PeopleSelector;

/// The inject form of the open set-up.
pub fn inject(app: &App) -> Html {
    html! {
        <Inject setup={app.setup_key()} people={app.run.as_ref().map_or(1, |r| r.people.max(1))}
            playhead={app.spec.view.playhead_ms} dispatch={app.dispatcher()} />
    }
}

#[derive(Properties, PartialEq)]
pub struct InjectProps {
    /// The set-up: the events offered depend on its scenario and variant, and it holds the
    /// injections made so far.
    pub setup: RunKey,
    /// People in the run (at least 1).
    pub people: u32,
    pub playhead: u64,
    pub dispatch: Dispatch,
}

#[function_component(Inject)]
fn inject_view(props: &InjectProps) -> Html {
    let dispatch = &props.dispatch;
    let choice = use_state(|| 0usize);
    let time_s = use_state(|| None::<String>);
    let person = use_state(|| 1u32);
    let deps = (props.setup.scenario.clone(), props.setup.variant.clone());
    let options = use_memo(deps, |(s, v)| {
        s.as_ref()
            .and_then(|s| crate::api::inject_options(s, v).ok())
            .unwrap_or_default()
    });
    let (people, playhead) = (props.people, props.playhead);
    let at_text = (*time_s).clone().unwrap_or_else(|| seconds_text(playhead));

    let pick = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                choice.set(sel.selected_index().max(0) as usize);
            }
        })
    };
    let set_time = {
        let time_s = time_s.clone();
        on_value(move |v| {
            time_s.set(Some(v));
            None
        })
    };
    let at_playhead = {
        let time_s = time_s.clone();
        Callback::from(move |_| time_s.set(None))
    };
    let set_person = {
        let person = person.clone();
        on_value(move |v| {
            person.set(v.trim().parse().unwrap_or(1));
            None
        })
    };
    let add = {
        let (dispatch, options, choice, person) =
            (dispatch.clone(), options.clone(), *choice, *person);
        let at_text = at_text.clone();
        Callback::from(move |_| {
            let Some(opt) = options.get(choice) else {
                return;
            };
            let at_ms = match at_text.trim().parse::<f64>() {
                Ok(s) if s.is_finite() && (0.0..=1e9).contains(&s) => (s * 1000.0).round() as u64,
                _ => {
                    return dispatch.dispatch(Action::Notice(Some(format!(
                        "Inject at: \u{201c}{at_text}\u{201d} is not a time in seconds (0 to 1,000,000,000)."
                    ))))
                }
            };
            if opt.needs_person && (person == 0 || person > people) {
                return dispatch.dispatch(Action::Notice(Some(format!(
                    "Person {person} does not exist: this run has people 1 to {people}."
                ))));
            }
            dispatch.dispatch(Action::Inject(opt.injection(at_ms, person)));
        })
    };

    let needs_person = options.get(*choice).is_some_and(|o| o.needs_person);
    let list = props.setup.injections.iter().enumerate().map(|(i, inj)| {
        let remove = send(dispatch, Action::RemoveInjection(i));
        let who = match inj.people {
            PeopleSelector::One(p) => format!(", person {p}"),
            _ => String::new(),
        };
        let label = options
            .iter()
            .find(|o| o.event == inj.event)
            .map_or_else(|| "an injected event".to_string(), |o| o.label.clone());
        html! {
            <li>
                { format!("{label} at {}{who}", clock(inj.at_ms)) }
                <button onclick={remove} aria-label={format!("Remove injection {}", i + 1)}>{ "×" }</button>
            </li>
        }
    });
    html! {
        <fieldset class="inject">
            <legend>{ "Inject an event" }</legend>
            if options.is_empty() {
                { para("hint", "This scenario offers no events to inject.") }
            } else {
                <div class="field">
                    { label("inject-event", "Event") }
                    <select id="inject-event" onchange={pick}>
                        { for options.iter().enumerate().map(|(i, o)| option(None, i == *choice, o.label.clone())) }
                    </select>
                </div>
                <div class="field row">
                    { label("inject-at", "At (s)") }
                    <input id="inject-at" class="num" value={at_text} onchange={set_time} />
                    { button("", "Use the playhead's time", "Playhead", false, at_playhead) }
                    if needs_person {
                        { label("inject-person", "Person") }
                        <input id="inject-person" class="num" type="number" min="1"
                            max={people.to_string()} value={person.to_string()} onchange={set_person} />
                    }
                </div>
                { button("inject-add", "", "Inject", false, add) }
            }
            <ul class="injections" id="injections">{ for list }</ul>
        </fieldset>
    }
}

/// A time in milliseconds as seconds for the time field: `61500` is `61.5`, `2000` is `2`.
fn seconds_text(ms: u64) -> String {
    let frac = format!("{:03}", ms % 1000);
    match frac.trim_end_matches('0') {
        "" => format!("{}", ms / 1000),
        f => format!("{}.{f}", ms / 1000),
    }
}
