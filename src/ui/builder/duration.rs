//! The builder's duration editor, used for every duration (see
//! [`crate::builder::duration`]): a menu of the kinds ("exactly", "between … and …", "about …
//! on average", "one of …"), then each amount as a number with a unit (ms, seconds, minutes,
//! hours, days) or one of the scenario's time knobs. [`AmountEditor`] is one such amount
//! alone (a schedule's first run, a sync interval). A number that cannot be read shows its
//! error at the field and changes nothing, so the scenario is never lost.

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

use super::super::parts::on_value;
use super::widgets::on_pick;
use crate::builder::duration::{self as model, Kind, UNITS};
use crate::engine::dist::Dist;
use crate::engine::knobs::{Param, Unit};

/// The time knobs a duration can use: (name, label with unit).
pub type Knobs = Rc<Vec<(String, String)>>;

#[derive(Properties, PartialEq)]
pub struct DurationProps {
    /// The fieldset's id; its controls are `{id}-kind`, `{id}-1`, `{id}-1-unit` …
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: Dist,
    pub knobs: Knobs,
    pub on_change: Callback<Dist>,
}

/// A whole duration: its kind and its amounts.
#[function_component(DurationEditor)]
pub fn duration_editor(p: &DurationProps) -> Html {
    let error = use_state(|| None::<String>);
    let units = use_state(BTreeMap::<usize, Unit>::new);
    {
        let error = error.clone();
        use_effect_with(p.value.clone(), move |_| error.set(None));
    }
    let id = p.id.to_string();
    let kind = Kind::of(&p.value);
    let on_kind = {
        let (value, f) = (p.value.clone(), p.on_change.clone());
        on_pick(move |k| {
            if let Some(k) = Kind::from_key(&k) {
                f.emit(model::with_kind(&value, k))
            }
        })
    };
    let amounts = model::amounts(&p.value);
    let count = amounts.len();
    let slots = amounts.into_iter().enumerate().map(|(i, (words, amount))| {
        let set = {
            let (value, f) = (p.value.clone(), p.on_change.clone());
            Callback::from(move |a: Option<Param>| f.emit(model::with_amount(&value, i, a)))
        };
        let remove = (kind == Kind::OneOf && count > 1).then(|| {
            let (value, f) = (p.value.clone(), p.on_change.clone());
            let onclick = Callback::from(move |_| f.emit(model::with_amount(&value, i, None)));
            let name = format!("Take away amount {}", i + 1);
            html! {
                <button id={format!("{id}-{}-remove", i + 1)} class="small" aria-label={name.clone()}
                    title={name} {onclick}>{ "\u{2715}" }</button>
            }
        });
        let cap = kind == Kind::About && i == 1;
        let slot = Slot {
            id: format!("{id}-{}", i + 1),
            words,
            amount,
            unit: units.get(&i).copied(),
            knobs: &p.knobs,
            optional: cap,
            error: &error,
        };
        html! { <span class="bdur-amount">{ slot.view(set, units_setter(&units, i)) }{ for remove }</span> }
    });
    let add = (kind == Kind::OneOf).then(|| {
        let (value, f) = (p.value.clone(), p.on_change.clone());
        let last = model::amounts(&value).last().and_then(|(_, a)| a.clone());
        let onclick = Callback::from(move |_| {
            f.emit(model::with_amount(&value, count, Some(last.clone().unwrap_or(Param::Literal(0)))))
        });
        html! { <button id={format!("{id}-add")} class="small" {onclick}>{ "+ another time" }</button> }
    });
    html! {
        <fieldset class="bdur" id={id.clone()}>
            <legend>{ p.label.clone() }</legend>
            <label class="bfield">
                <span class="blabel">{ "How long" }</span>
                <select id={format!("{id}-kind")} onchange={on_kind}
                    title="exactly; between: any time in between, equally likely; about: usually shorter, sometimes much longer; one of: each equally likely">
                    { for Kind::ALL.iter().map(|k| html! {
                        <option value={k.key()} selected={*k == kind}>{ k.words() }</option>
                    }) }
                </select>
            </label>
            { for slots }
            { for add }
            { error_line(&id, &error) }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
pub struct AmountProps {
    /// The amount's id; its unit menu is `{id}-unit`.
    pub id: AttrValue,
    pub label: AttrValue,
    /// `None`: empty (allowed only when `optional`).
    pub value: Option<Param>,
    pub knobs: Knobs,
    /// Whether the field may be left empty ("run once").
    #[prop_or_default]
    pub optional: bool,
    pub on_change: Callback<Option<Param>>,
}

/// One amount of time alone: a number with a unit, or a knob.
#[function_component(AmountEditor)]
pub fn amount_editor(p: &AmountProps) -> Html {
    let error = use_state(|| None::<String>);
    let units = use_state(BTreeMap::<usize, Unit>::new);
    {
        let error = error.clone();
        use_effect_with(p.value.clone(), move |_| error.set(None));
    }
    let id = p.id.to_string();
    let label: &str = &p.label;
    let slot = Slot {
        id: id.clone(),
        words: label,
        amount: p.value.clone(),
        unit: units.get(&0).copied(),
        knobs: &p.knobs,
        optional: p.optional,
        error: &error,
    };
    html! {
        <span class="bdur bdur-one">
            { slot.view(p.on_change.clone(), units_setter(&units, 0)) }
            { error_line(&id, &error) }
        </span>
    }
}

fn units_setter(units: &UseStateHandle<BTreeMap<usize, Unit>>, i: usize) -> Callback<Unit> {
    let units = units.clone();
    Callback::from(move |u| {
        let mut m = (*units).clone();
        m.insert(i, u);
        units.set(m);
    })
}

fn error_line(id: &str, error: &UseStateHandle<Option<String>>) -> Html {
    match error.as_ref() {
        Some(e) => {
            html! { <p class="berror" role="alert" id={format!("{id}-error")}>{ e.clone() }</p> }
        }
        None => html! {},
    }
}

/// One amount's controls.
struct Slot<'a> {
    id: String,
    words: &'a str,
    amount: Option<Param>,
    /// The unit last chosen for this amount.
    unit: Option<Unit>,
    knobs: &'a [(String, String)],
    /// Whether it may be empty (no cap, run once).
    optional: bool,
    error: &'a UseStateHandle<Option<String>>,
}

impl Slot<'_> {
    fn view(&self, set: Callback<Option<Param>>, on_unit: Callback<Unit>) -> Html {
        let id = &self.id;
        let (number, unit) = match &self.amount {
            Some(Param::Literal(ms)) => {
                let (n, u) = model::shown(*ms, self.unit);
                (n, Some(u))
            }
            Some(Param::Knob(_)) => (String::new(), None),
            None => (String::new(), Some(self.unit.unwrap_or(Unit::Seconds))),
        };
        let knob = self
            .amount
            .as_ref()
            .and_then(|a| a.knob_name().map(str::to_string));
        let on_number = {
            let (set, error, optional) = (set.clone(), self.error.clone(), self.optional);
            let unit = unit.unwrap_or(Unit::Seconds);
            on_value(move |t| {
                if optional && t.trim().is_empty() {
                    error.set(None);
                    set.emit(None);
                    return None;
                }
                match model::parse_amount(&t, unit) {
                    Ok(ms) => {
                        error.set(None);
                        set.emit(Some(Param::Literal(ms)));
                    }
                    Err(why) => error.set(Some(why)),
                }
                None
            })
        };
        let on_choice = {
            let (set, amount, shown) = (set, self.amount.clone(), number.clone());
            on_pick(move |v| {
                if let Some(k) = v.strip_prefix("knob:") {
                    return set.emit(Some(Param::Knob(k.to_string())));
                }
                let Some(u) = UNITS.into_iter().find(|u| u.label() == v) else {
                    return;
                };
                on_unit.emit(u);
                let n = shown.parse::<i64>().unwrap_or(0);
                match amount {
                    Some(Param::Literal(_)) => {
                        set.emit(Some(Param::Literal(n * u.ms_factor().unwrap_or(1))))
                    }
                    Some(Param::Knob(_)) => set.emit(Some(Param::Literal(0))),
                    None => {}
                }
            })
        };
        let invalid = self.error.is_some();
        let unknown = knob
            .as_ref()
            .filter(|k| !self.knobs.iter().any(|(n, _)| n == *k));
        let placeholder = if self.optional { "none" } else { "" };
        html! { <>
            if knob.is_none() {
                <label class="bfield">
                    <span class="blabel">{ self.words.to_string() }</span>
                    <input id={id.clone()} type="text" inputmode="decimal" size="6" value={number}
                        placeholder={placeholder} aria-invalid={invalid.to_string()}
                        aria-describedby={invalid.then(|| format!("{}-error", self.id))}
                        onchange={on_number} />
                </label>
            }
            <label class="bfield">
                <span class="blabel">{ if knob.is_some() { format!("{} (a knob)", self.words) } else { "unit".to_string() } }</span>
                <select id={format!("{id}-unit")} class={knob.is_some().then_some("knob")} aria-label={format!("{}: unit or knob", self.words)} onchange={on_choice}>
                    { for UNITS.iter().map(|u| html! {
                        <option value={u.label()} selected={knob.is_none() && Some(*u) == unit}>{ model::unit_words(*u) }</option>
                    }) }
                    <optgroup label="Knobs">
                        if let Some(k) = unknown {
                            <option value={format!("knob:{k}")} selected=true>{ format!("{k} (not defined)") }</option>
                        }
                        { for self.knobs.iter().map(|(n, l)| html! {
                            <option value={format!("knob:{n}")} selected={knob.as_deref() == Some(n.as_str())}>{ l.clone() }</option>
                        }) }
                    </optgroup>
                </select>
            </label>
        </> }
    }
}
