//! The set-up and playback controls: variant, knobs (slider plus number, with unit and range),
//! seed, injected events, and play / pause / step / speed / rewind.

use yew::prelude::*;

use super::inject;
use super::parts::{button, label, on_value, option, para, send};
use super::state::{Action, App, SPEEDS};
use crate::api::clock;
use crate::api::{Knob, VariantRole};

/// The set-up column of the Run tab.
pub fn controls(app: &App) -> Html {
    let Some(loaded) = &app.loaded else {
        return html! {};
    };
    let knobs = loaded.scenario.knobs.iter().map(|k| knob_row(app, k));
    html! {
        <section class="controls" aria-label="Set-up">
            { variant_picker(app, "variant", "Variant", false) }
            <fieldset class="knobs">
                <legend>{ "Knobs" }</legend>
                { for knobs }
                { button("reset-knobs", "", "Default knobs", false, send(&app.dispatcher(), Action::ResetKnobs)) }
            </fieldset>
            { seed_field(app) }
            { inject::inject(app) }
        </section>
    }
}

/// A select of the scenario's variants (`id`, labelled `text`), with the chosen variant's
/// description; `compare` picks the compared variant instead of the main one.
pub fn variant_picker(app: &App, id: &'static str, text: &'static str, compare: bool) -> Html {
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
        on_value(move |v| {
            app.dispatch(if compare {
                Action::Compare((!v.is_empty()).then_some(v))
            } else {
                Action::Variant(v)
            });
            None
        })
    };
    let variants = &loaded.scenario.variants;
    let options = variants.iter().map(|v| {
        let role = match v.role {
            VariantRole::Race => "race",
            VariantRole::Fix => "fix",
            VariantRole::Other => "other",
        };
        let text = format!("{} ({role})", v.name);
        option(Some(v.name.clone().into()), v.name == current, text)
    });
    let description = variants
        .iter()
        .find(|v| v.name == current)
        .map(|v| v.description.clone())
        .unwrap_or_default();
    html! {
        <div class="field">
            { label(id, text) }
            <select {id} {onchange}>
                if compare {
                    { option(Some("".into()), current.is_empty(), "(none)") }
                }
                { for options }
            </select>
            { para("hint", description) }
        </div>
    }
}

fn knob_row(app: &App, k: &Knob) -> Html {
    let value = app.knob_value(k);
    let id = format!("knob-{}", k.name);
    let set = |app: &App, name: &str| {
        let (app, name) = (app.clone(), name.to_string());
        let label = k.display_name().to_string();
        on_value(move |text| match text.trim().parse::<i64>() {
            Ok(v) => {
                app.dispatch(Action::Knob(name.clone(), v));
                None
            }
            Err(_) => {
                app.dispatch(Action::Notice(Some(format!(
                    "{label}: \u{201c}{text}\u{201d} is not a whole number."
                ))));
                Some(app.knob_value_by_name(&name).to_string())
            }
        })
    };
    let unit = k.unit.label();
    let title = crate::api::knob_title(k);
    let main = k
        .main
        .then(|| html! { <span class="badge">{ "main" }</span> });
    html! {
        <div class="knob">
            <label for={id.clone()}>{ title.clone() } { main }</label>
            <div class="knob-inputs">
                <input type="range" aria-label={format!("{title} slider")}
                    min={k.min.to_string()} max={k.max.to_string()} value={value.to_string()}
                    onchange={set(app, &k.name)} />
                <input type="number" id={id} class="num" value={value.to_string()}
                    min={k.min.to_string()} max={k.max.to_string()} onchange={set(app, &k.name)} />
                <span class="unit">{ unit }</span>
            </div>
            { para("hint", format!("{} ({}–{} {unit})", k.description, k.min, k.max)) }
        </div>
    }
}

fn seed_field(app: &App) -> Html {
    let onchange = {
        let app = app.clone();
        on_value(move |text| match text.trim().parse::<u64>() {
            Ok(s) => {
                app.dispatch(Action::Seed(s));
                None
            }
            Err(_) => {
                app.dispatch(Action::Notice(Some(
                    "The seed must be a whole number from 0 to 18446744073709551615.".into(),
                )));
                Some(app.spec.seed.to_string())
            }
        })
    };
    html! {
        <div class="field seed">
            { label("seed", "Seed") }
            <input id="seed" class="num" inputmode="numeric" value={app.spec.seed.to_string()}
                {onchange} />
            { button("new-seed", "", "New seed", false, send(&app.dispatcher(), Action::NewSeed)) }
        </div>
    }
}

/// Play / pause, step, rewind, speed and the playhead's time.
pub fn playback(app: &App) -> Html {
    let speed = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                app.dispatch(Action::Speed(sel.selected_index().max(0) as usize));
            }
        })
    };
    let speeds = SPEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| option(None, i == app.speed, format!("{s} events/s")));
    let play_label = if app.playing { "Pause" } else { "Play" };
    html! {
        <div class="playback" role="toolbar" aria-label="Playback">
            { button("rewind", "Back to the start", "Reset", false, send(&app.dispatcher(), Action::Rewind)) }
            { button("step-back", "Previous event (←)", "◀ Step", false, send(&app.dispatcher(), Action::Step(-1))) }
            <button id="play" onclick={send(&app.dispatcher(), Action::TogglePlay)} title="Play or pause (space)"
                aria-pressed={app.playing.to_string()}>
                { play_label }
            </button>
            { button("step", "Next event (→)", "Step ▶", false, send(&app.dispatcher(), Action::Step(1))) }
            { label("speed", "Speed") }
            <select id="speed" onchange={speed}>{ for speeds }</select>
            <span class="clock" id="playhead-time" aria-live="polite">
                { format!("t = {}", clock(app.spec.view.playhead_ms)) }
            </span>
            if !app.spec.schedule.is_empty() {
                <span class="badge">{ format!("hand-picked schedule: {} decisions", app.spec.schedule.len()) }</span>
            }
        </div>
    }
}
