//! The builder's knobs panel: the numbers a trainer turns on the Run tab (a queue delay, a
//! webhook's slowest round trip, how many people), each with its token, the name people
//! read, its unit, default and range, and which one the lesson is about. A number elsewhere
//! in the builder uses a knob by its token, as a Marketo email uses a program's My Token;
//! renaming the token renames those uses too. (The token is the knob's `name` in the
//! scenario file.) The panel spans the builder's columns (style.css): a knob's seven fields
//! then sit on one line, and the panel no longer makes one column much taller than the others.

use yew::prelude::*;

use super::widgets::{adder, changer, click, menu, select, send, small, text};
use super::{BuildState, To};
use crate::builder::Edit;
use crate::engine::knobs::{Knob, Unit};

const UNITS: [(Unit, &str); 7] = [
    (Unit::Ms, "milliseconds"),
    (Unit::Seconds, "seconds"),
    (Unit::Minutes, "minutes"),
    (Unit::Hours, "hours"),
    (Unit::Days, "days"),
    (Unit::Count, "a count (people, workers)"),
    (Unit::Percent, "percent"),
];

fn unit_key(u: Unit) -> String {
    crate::builder::menus::key_of(&u)
}

/// Reads a whole number typed into a knob's field (unchanged when it is not one).
fn number(old: i64, v: &str) -> i64 {
    v.trim().parse().unwrap_or(old)
}

/// Knobs: label, token, unit, default, range, main.
pub fn knobs(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let units: Vec<(String, String)> = (UNITS.iter())
        .map(|(u, l)| (unit_key(*u), l.to_string()))
        .collect();
    let items = d.knobs.iter().enumerate().map(|(i, k)| {
        let id = format!("knob-{}", i + 1);
        let set = |f: fn(&mut Knob, String)| changer(to, k, move |k| Edit::SetKnob(i, k), f);
        html! {
            <li class="bfield-row" id={id.clone()}>
                { text(format!("{id}-label"), "Knob", k.label.as_deref().unwrap_or(""),
                    set(|k, v| k.label = (!v.trim().is_empty()).then_some(v))) }
                { text(format!("{id}-name"), "Token (type it where a number goes)", &k.name, set(|k, v| k.name = v.trim().to_string())) }
                { select(format!("{id}-unit"), "Unit", &units, &unit_key(k.unit), set(|k, v| {
                    if let Some((u, _)) = UNITS.iter().find(|(u, _)| unit_key(*u) == v) {
                        k.unit = *u;
                    }
                })) }
                { text(format!("{id}-default"), "Default", &k.default.to_string(), set(|k, v| k.default = number(k.default, &v))) }
                { text(format!("{id}-min"), "From", &k.min.to_string(), set(|k, v| k.min = number(k.min, &v))) }
                { text(format!("{id}-max"), "To", &k.max.to_string(), set(|k, v| k.max = number(k.max, &v))) }
                { select(format!("{id}-main"), "The lesson is about it", &menu(&[("true", "Yes"), ("false", "No")]),
                    &k.main.to_string(), set(|k, v| k.main = v == "true")) }
                { small(format!("remove-{id}"), "\u{2715}", format!("Delete knob {}", k.display_name()), click(to, Edit::RemoveKnob(i))) }
            </li>
        }
    });
    let add = {
        let to = to.clone();
        move |label: String| {
            let name: String = (label.to_lowercase().chars())
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            send(
                &to,
                Edit::AddKnob(Knob {
                    name,
                    label: Some(label),
                    unit: Unit::Seconds,
                    default: 30,
                    min: 0,
                    max: 600,
                    description: String::new(),
                    main: false,
                    hides_race_at: None,
                    sweep: Vec::new(),
                }),
            )
        }
    };
    html! {
        <section class="bpanel knobs-panel" aria-labelledby="build-knobs-h">
            <h3 id="build-knobs-h">{ "Knobs" }</h3>
            <p class="hint">{ "A number can come from a knob: type the knob's token where the \
                number goes (or pick the knob in a time's unit menu), and the Run tab's slider \
                for the knob sets it." }</p>
            <ul class="bitems">{ for items }</ul>
            { adder("add-knob".into(), "New knob", "what it is, then Enter", add) }
        </section>
    }
}
