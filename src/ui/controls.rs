//! The set-up and playback controls: variant, knobs (slider plus number, with unit and range),
//! seed, injected events, and play / pause / step / speed / rewind.

use yew::prelude::*;

use super::app::App;
use super::state::{Action, SPEEDS};
use super::{fmt_time, inject};
use crate::engine::knobs::Knob;
use crate::engine::scenario::VariantRole;

/// The set-up column of the Run tab.
pub fn controls(app: &App) -> Html {
    let Some(loaded) = &app.loaded else {
        return html! {};
    };
    let knobs = loaded.scenario.knobs.iter().map(|k| knob_row(app, k));
    let reset = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::ResetKnobs))
    };
    html! {
        <section class="controls" aria-label="Set-up">
            { variant_picker(app, "variant", "Variant", false) }
            <fieldset class="knobs">
                <legend>{ "Knobs" }</legend>
                { for knobs }
                <button id="reset-knobs" onclick={reset}>{ "Default knobs" }</button>
            </fieldset>
            { seed_field(app) }
            <inject::Inject app={app.clone()} />
        </section>
    }
}

/// A select of the scenario's variants (`id`, labelled `label`), with the chosen variant's
/// description; `compare` picks the compared variant instead of the main one.
pub fn variant_picker(app: &App, id: &'static str, label: &'static str, compare: bool) -> Html {
    let Some(loaded) = &app.loaded else {
        return html! {};
    };
    let current = if compare {
        app.spec.compare.clone().unwrap_or_default()
    } else {
        app.spec.variant.clone()
    };
    let onchange = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let v = sel.value();
                app.dispatch(if compare {
                    Action::Compare((!v.is_empty()).then_some(v))
                } else {
                    Action::Variant(v)
                });
            }
        })
    };
    let variants = &loaded.scenario.variants;
    let options = variants.iter().map(|v| {
        let role = match v.role {
            VariantRole::Race => "race",
            VariantRole::Fix => "fix",
            VariantRole::Other => "other",
        };
        html! {
            <option value={v.name.clone()} selected={v.name == current}>
                { format!("{} ({role})", v.name) }
            </option>
        }
    });
    let description = variants
        .iter()
        .find(|v| v.name == current)
        .map(|v| v.description.clone())
        .unwrap_or_default();
    html! {
        <div class="field">
            <label for={id}>{ label }</label>
            <select {id} {onchange}>
                if compare {
                    <option value="" selected={current.is_empty()}>{ "(none)" }</option>
                }
                { for options }
            </select>
            <p class="hint">{ description }</p>
        </div>
    }
}

fn knob_row(app: &App, k: &Knob) -> Html {
    let value = app.knob_value(k);
    let id = format!("knob-{}", k.name);
    let set = |app: &App, name: &str| {
        let (app, name) = (app.clone(), name.to_string());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            match input.value().trim().parse::<i64>() {
                Ok(v) => app.dispatch(Action::Knob(name.clone(), v)),
                Err(_) => {
                    input.set_value(&app.knob_value_by_name(&name).to_string());
                    app.dispatch(Action::Notice(Some(format!(
                        "{name}: \u{201c}{}\u{201d} is not a whole number.",
                        input.value()
                    ))));
                }
            }
        })
    };
    let unit = k.unit.label();
    let main = k
        .main
        .then(|| html! { <span class="badge">{ "main" }</span> });
    html! {
        <div class="knob">
            <label for={id.clone()}>{ k.name.clone() } { main }</label>
            <div class="knob-inputs">
                <input type="range" aria-label={format!("{} slider", k.name)}
                    min={k.min.to_string()} max={k.max.to_string()} value={value.to_string()}
                    onchange={set(app, &k.name)} />
                <input type="number" id={id} class="num" value={value.to_string()}
                    min={k.min.to_string()} max={k.max.to_string()} onchange={set(app, &k.name)} />
                <span class="unit">{ unit }</span>
            </div>
            <p class="hint">{ format!("{} ({}–{} {unit})", k.description, k.min, k.max) }</p>
        </div>
    }
}

fn seed_field(app: &App) -> Html {
    let onchange = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                match input.value().trim().parse::<u64>() {
                    Ok(s) => app.dispatch(Action::Seed(s)),
                    Err(_) => {
                        input.set_value(&app.spec.seed.to_string());
                        app.dispatch(Action::Notice(Some(
                            "The seed must be a whole number from 0 to 18446744073709551615."
                                .into(),
                        )));
                    }
                }
            }
        })
    };
    let new_seed = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::NewSeed))
    };
    html! {
        <div class="field seed">
            <label for="seed">{ "Seed" }</label>
            <input id="seed" class="num" inputmode="numeric" value={app.spec.seed.to_string()}
                {onchange} />
            <button id="new-seed" onclick={new_seed}>{ "New seed" }</button>
        </div>
    }
}

/// Play / pause, step, rewind, speed and the playhead's time.
pub fn playback(app: &App) -> Html {
    let send = |a: fn() -> Action| {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(a()))
    };
    let speed = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                app.dispatch(Action::Speed(sel.selected_index().max(0) as usize));
            }
        })
    };
    let speeds = SPEEDS.iter().enumerate().map(|(i, s)| {
        html! { <option selected={i == app.speed}>{ format!("{s} events/s") }</option> }
    });
    let play_label = if app.playing { "Pause" } else { "Play" };
    html! {
        <div class="playback" role="toolbar" aria-label="Playback">
            <button id="rewind" onclick={send(|| Action::Rewind)} title="Back to the start">
                { "Reset" }
            </button>
            <button id="step-back" onclick={send(|| Action::Step(-1))} title="Previous event (←)">
                { "◀ Step" }
            </button>
            <button id="play" onclick={send(|| Action::TogglePlay)} title="Play or pause (space)"
                aria-pressed={app.playing.to_string()}>
                { play_label }
            </button>
            <button id="step" onclick={send(|| Action::Step(1))} title="Next event (→)">
                { "Step ▶" }
            </button>
            <label for="speed">{ "Speed" }</label>
            <select id="speed" onchange={speed}>{ for speeds }</select>
            <span class="clock" id="playhead-time" aria-live="polite">
                { format!("t = {}", fmt_time(app.spec.view.playhead_ms)) }
            </span>
            if !app.spec.schedule.is_empty() {
                <span class="badge">{ format!("hand-picked schedule: {} decisions", app.spec.schedule.len()) }</span>
            }
        </div>
    }
}
