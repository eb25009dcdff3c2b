//! Labelled inputs and selects for the builder. Each control carries its own label (a
//! `<label>` around it) and reports a finished change (on `change`: Enter, leaving the field,
//! or a choice), so that a run is computed once per change, not per keystroke.

use yew::prelude::*;

use super::super::parts::on_value;

/// A handler for a select: `f` gets the chosen value.
pub fn on_pick(f: impl Fn(String) + 'static) -> Callback<Event> {
    on_value(move |v| {
        f(v);
        None
    })
}

/// A handler for a text input: `f` gets the text.
pub fn on_text(f: impl Fn(String) + 'static) -> Callback<Event> {
    on_pick(f)
}

/// A labelled select of `(value, text)` options. A current value missing from the options is
/// shown too (marked), so that what the scenario says is never hidden.
pub fn select(
    id: String,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    f: impl Fn(String) + 'static,
) -> Html {
    let missing = !options.iter().any(|(v, _)| v == selected);
    html! {
        <label class="bfield">
            <span class="blabel">{ label.to_string() }</span>
            <select {id} onchange={on_pick(f)}>
                if missing {
                    <option value={selected.to_string()} selected=true>
                        { if selected.is_empty() { "(choose)".to_string() } else { format!("{selected} (not defined)") } }
                    </option>
                }
                { for options.iter().map(|(v, t)| html! {
                    <option value={v.clone()} selected={v == selected}>{ t.clone() }</option>
                }) }
            </select>
        </label>
    }
}

/// A labelled text input.
pub fn text(id: String, label: &str, value: &str, f: impl Fn(String) + 'static) -> Html {
    html! {
        <label class="bfield">
            <span class="blabel">{ label.to_string() }</span>
            <input {id} type="text" value={value.to_string()} onchange={on_text(f)} />
        </label>
    }
}

/// A labelled input that adds something: `f` gets the text, and the field empties.
pub fn adder(id: String, label: &str, placeholder: &str, f: impl Fn(String) + 'static) -> Html {
    let onchange = on_value(move |v| {
        if v.trim().is_empty() {
            return None;
        }
        f(v.trim().to_string());
        Some(String::new())
    });
    html! {
        <label class="bfield adder">
            <span class="blabel">{ label.to_string() }</span>
            <input {id} type="text" placeholder={placeholder.to_string()} {onchange} />
        </label>
    }
}

/// A small button with an accessible name.
pub fn small(id: String, text: &str, name: String, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <button {id} class="small" aria-label={name.clone()} title={name} {onclick}>
            { text.to_string() }
        </button>
    }
}

/// `(value, text)` options where both are the same names.
pub fn names<'a>(items: impl IntoIterator<Item = &'a String>) -> Vec<(String, String)> {
    items.into_iter().map(|n| (n.clone(), n.clone())).collect()
}

/// `(key, Marketo's name)` menu entries as options.
pub fn menu(entries: &[(&str, &str)]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|(k, t)| (k.to_string(), t.to_string()))
        .collect()
}

/// A handler for a menu that adds or starts something: `f` gets the chosen value, and the
/// menu goes back to "choose…", so the same entry can be chosen again.
pub fn on_menu(f: impl Fn(String) + 'static) -> Callback<Event> {
    Callback::from(move |e: Event| {
        if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
            let v = select.value();
            select.set_value("");
            if !v.is_empty() {
                f(v);
            }
        }
    })
}

/// Sends an edit to the builder.
pub fn send(to: &super::To, e: crate::builder::Edit) {
    to.dispatch(super::Msg::Edit(e));
}

/// A click handler that sends an edit.
pub fn click(to: &super::To, e: crate::builder::Edit) -> Callback<MouseEvent> {
    let to = to.clone();
    Callback::from(move |_| send(&to, e.clone()))
}

/// A handler for a text field that changes a copy of `item` with `f` and sends the edit
/// `make` builds from it (`Edit::SetWebhook(i, _)`, `Edit::SetProgram(i, _)` …).
pub fn changer<T: Clone + 'static>(
    to: &super::To,
    item: &T,
    make: impl Fn(T) -> crate::builder::Edit + 'static,
    f: impl Fn(&mut T, String) + 'static,
) -> impl Fn(String) + 'static {
    let (to, item) = (to.clone(), item.clone());
    move |v: String| {
        let mut item = item.clone();
        f(&mut item, v);
        send(&to, make(item));
    }
}

/// Changes one part of an item from what was typed.
pub type Change<T> = std::rc::Rc<dyn Fn(&mut T, String)>;
