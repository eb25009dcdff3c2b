//! Small view pieces many places share (buttons, labels, options, paragraphs, SVG text) and
//! one change handler that reads any input or select.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, Dispatch};

/// A change handler for an input or select: `f` gets the field's value; what it returns, if
/// anything, is written back into an input (to put back a refused value).
pub fn on_value(f: impl Fn(String) -> Option<String> + 'static) -> Callback<Event> {
    Callback::from(move |e: Event| field_changed(&e, &f))
}

fn field_changed(e: &Event, f: &dyn Fn(String) -> Option<String>) {
    let Some(target) = e.target() else { return };
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        if let Some(back) = f(input.value()) {
            input.set_value(&back);
        }
    } else if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        f(select.value());
    }
}

/// A handler that dispatches `action` to the app on every event.
pub fn send<E: 'static>(to: &Dispatch, action: Action) -> Callback<E> {
    let to = to.clone();
    Callback::from(move |_| to.dispatch(action.clone()))
}

/// A button: `id` and `title` are left out when empty.
pub fn button(
    id: &'static str,
    title: &'static str,
    text: impl Into<AttrValue>,
    disabled: bool,
    onclick: Callback<MouseEvent>,
) -> Html {
    let id = (!id.is_empty()).then_some(id);
    let title = (!title.is_empty()).then_some(title);
    html! { <button {id} {title} {disabled} {onclick}>{ text.into() }</button> }
}

/// Element ids of a [`pager`]: the row, its "Showing 1–50 of 9,300" text, and its Previous
/// and Next buttons.
pub struct PagerIds {
    pub row: &'static str,
    pub shown: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
}

/// "Showing 51–100 of 9,300" with Previous and Next buttons, for page `at` (0-based) of
/// `count` items shown `per_page` at a time (`what` follows the count: "affected people");
/// `go(page)` is what a button does. Nothing when everything fits on one page.
pub fn pager(
    ids: PagerIds,
    at: usize,
    per_page: usize,
    count: usize,
    what: &str,
    go: impl Fn(usize) -> Callback<MouseEvent>,
) -> Html {
    let pages = count.div_ceil(per_page).max(1);
    if pages <= 1 {
        return html! {};
    }
    let first = at * per_page;
    let last = (first + per_page).min(count);
    let th = |n: usize| crate::api::thousands(n as u64);
    let what = if what.is_empty() {
        String::new()
    } else {
        format!(" {what}")
    };
    html! {
        <div class="row pager" id={ids.row}>
            <span class="hint" id={ids.shown}>{ format!(
                "Showing {}\u{2013}{} of {}{what}", th(first + 1), th(last), th(count)
            ) }</span>
            { button(ids.prev, "", format!("Previous {per_page}"), at == 0, go(at.saturating_sub(1))) }
            { button(ids.next, "", format!("Next {per_page}"), at + 1 >= pages, go(at + 1)) }
        </div>
    }
}

/// A paragraph of text of class `class`.
pub fn para(class: &'static str, text: impl Into<AttrValue>) -> Html {
    html! { <p class={classes!(class)}>{ text.into() }</p> }
}

/// One `<li>` (of class `class`, if not empty) per item, to go in a list.
pub fn items(list: &[String], class: &'static str) -> Html {
    let class = (!class.is_empty()).then_some(class);
    list.iter()
        .map(|i| html! { <li class={classes!(class)}>{ i.clone() }</li> })
        .collect()
}

/// An option of a select; without a `value` the option's value is its text.
pub fn option(value: Option<AttrValue>, selected: bool, text: impl Into<AttrValue>) -> Html {
    html! { <option {value} {selected}>{ text.into() }</option> }
}

/// A label for the field `id`.
pub fn label(id: impl Into<AttrValue>, text: &'static str) -> Html {
    html! { <label for={id.into()}>{ text }</label> }
}

/// SVG text at (`x`, `y`) of `size` px, anchored `anchor` ("start" is left out), in `fill`.
pub fn svg_text(
    x: String,
    y: String,
    size: &'static str,
    anchor: &'static str,
    fill: &'static str,
    text: impl Into<AttrValue>,
) -> Html {
    let anchor = (anchor != "start").then_some(anchor);
    html! {
        <text {x} {y} font-size={size} text-anchor={anchor} {fill}>{ text.into() }</text>
    }
}
