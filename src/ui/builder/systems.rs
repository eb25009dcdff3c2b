//! The builder's panels for what happens around the campaigns: outside events (the
//! scenario's script: who is added to a list, fills out a form or gets a new field value,
//! and when), the checks (invariants) a run is judged by, and webhooks (latency, failure
//! chance, the service behind them: a key-value store or a fixed answer, and the response
//! mappings into fields). Anything the panels do not edit is still shown, as text.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::data::{param_of, param_text};
use super::widgets::{adder, menu, minutes, minutes_param, names, on_menu, select, small, text};
use super::{BuildState, Msg, To};
use crate::builder::menus::{key_of, typed_value, value_text};
use crate::builder::Edit;
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use crate::engine::scenario::{
    Invariant, KvOp, OutsideEvent, PeopleSelector, ScriptedEvent, Service, WebhookDef,
};

/// Changes one part of an item from what was typed.
type Change<T> = Box<dyn Fn(&mut T, String)>;

fn edit(to: &To, e: Edit) {
    to.dispatch(Msg::Edit(e));
}

fn click(to: &To, e: Edit) -> Callback<MouseEvent> {
    let to = to.clone();
    Callback::from(move |_| edit(&to, e.clone()))
}

/// The outside events: what happens to everyone, uniformly between two times.
pub fn events(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let lists = names(&d.lists);
    let fields: Vec<(String, String)> = (d.fields.iter())
        .map(|f| (f.name.clone(), f.display_name().to_string()))
        .collect();
    let items = d.script.iter().enumerate().map(|(i, ev)| {
        let id = format!("event-{}", i + 1);
        let with = |f: Change<ScriptedEvent>| {
            let (to, ev) = (to.clone(), ev.clone());
            move |v: String| {
                let mut ev = ev.clone();
                f(&mut ev, v);
                edit(&to, Edit::SetEvent(i, ev));
            }
        };
        let (from, until) = match &ev.at {
            Dist::Uniform { min, max } => (minutes(min), minutes(max)),
            Dist::Fixed(p) => (minutes(p), minutes(p)),
            _ => (String::new(), String::new()),
        };
        let what = match &ev.event {
            OutsideEvent::AddToList(l) => select(format!("{id}-list"), "Added to list", &lists, l,
                with(Box::new(|e, v| e.event = OutsideEvent::AddToList(v)))),
            OutsideEvent::FillsOutForm(f) => text(format!("{id}-form"), "Fills out form", f,
                with(Box::new(|e, v| e.event = OutsideEvent::FillsOutForm(v)))),
            OutsideEvent::ChangeDataValue { field, value } => {
                let (v0, f0) = (value.clone(), field.clone());
                html! { <>
                    { select(format!("{id}-field"), "Field changes", &fields, field,
                        with(Box::new(move |e, v| e.event = OutsideEvent::ChangeDataValue { field: v, value: v0.clone() }))) }
                    { text(format!("{id}-value"), "to", &value_text(value),
                        with(Box::new(move |e, v| e.event = OutsideEvent::ChangeDataValue { field: f0.clone(), value: typed_value(&v) }))) }
                </> }
            }
            other => html! { <span class="hint">{ serde_json::to_string(other).unwrap_or_default() }</span> },
        };
        let at = |first: bool| {
            with(Box::new(move |e, v| {
                let (mut a, mut b) = match &e.at {
                    Dist::Uniform { min, max } => (min.clone(), max.clone()),
                    Dist::Fixed(p) => (p.clone(), p.clone()),
                    _ => (Param::Literal(0), Param::Literal(0)),
                };
                if first { a = minutes_param(&v) } else { b = minutes_param(&v) }
                e.at = Dist::Uniform { min: a, max: b };
            }))
        };
        html! {
            <li class="bfield-row">
                { text(format!("{id}-label"), "Event", &ev.label, with(Box::new(|e, v| e.label = v))) }
                { what }
                { text(format!("{id}-from"), "for everyone, between minute", &from, at(true)) }
                { text(format!("{id}-until"), "and minute", &until, at(false)) }
                { small(format!("remove-{id}"), "\u{2715}", format!("Delete event {}", i + 1), click(to, Edit::RemoveEvent(i))) }
            </li>
        }
    });
    let add = {
        let (to, list, field) = (
            to.clone(),
            d.lists.first().cloned(),
            d.fields.first().map(|f| f.name.clone()),
        );
        on_menu(move |k: String| {
            let event = match k.as_str() {
                "add_to_list" => OutsideEvent::AddToList(list.clone().unwrap_or_default()),
                "fills_out_form" => OutsideEvent::FillsOutForm("Contact Us".into()),
                "change_data_value" => OutsideEvent::ChangeDataValue {
                    field: field.clone().unwrap_or_default(),
                    value: serde_json::Value::Null,
                },
                _ => return,
            };
            edit(
                &to,
                Edit::AddEvent(ScriptedEvent {
                    label: String::new(),
                    at: Dist::Uniform {
                        min: Param::Literal(0),
                        max: Param::Literal(7_200_000),
                    },
                    after: None,
                    people: PeopleSelector::All,
                    event,
                }),
            );
        })
    };
    let kinds = menu(&[
        ("", "choose\u{2026}"),
        ("add_to_list", "Added to a list (API, import)"),
        ("fills_out_form", "Fills out a form"),
        ("change_data_value", "A field changes (API, import)"),
    ]);
    html! {
        <section class="bpanel" aria-labelledby="build-events-h">
            <h3 id="build-events-h">{ "Outside events" }</h3>
            <ul class="bitems">{ for items }</ul>
            <label class="bfield add-menu"><span class="blabel">{ "Add an outside event" }</span>
                <select id="add-event" onchange={add}>
                    { for kinds.iter().map(|(v, t)| html! { <option value={v.clone()} selected={v.is_empty()}>{ t.clone() }</option> }) }
                </select>
            </label>
        </section>
    }
}

const CHECKS: [(&str, &str); 4] = [
    ("one_email_per_entry", "One email per list entry"),
    ("no_entry_lost", "No list entry lost"),
    ("alert_has_recipient", "Alert has a recipient"),
    ("everyone_reaches_crm", "Everyone reaches the CRM"),
];

/// The checks a run is judged by.
pub fn checks(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let lists = names(&d.lists);
    let items = d.invariants.iter().enumerate().map(|(i, inv)| {
        let id = format!("check-{}", i + 1);
        let key = key_of(inv);
        let title = CHECKS.iter().find(|(k, _)| *k == key).map_or(key.clone(), |(_, t)| t.to_string());
        let params = match inv.clone() {
            Invariant::OneEmailPerEntry { list, email } | Invariant::NoEntryLost { list, email } => {
                let one = matches!(inv, Invariant::OneEmailPerEntry { .. });
                let make = move |list: String, email: String| if one {
                    Invariant::OneEmailPerEntry { list, email }
                } else {
                    Invariant::NoEntryLost { list, email }
                };
                let (t1, t2, e1, l2) = (to.clone(), to.clone(), email.clone(), list.clone());
                html! { <>
                    { select(format!("{id}-list"), "List", &lists, &list,
                        move |v| edit(&t1, Edit::SetInvariant(i, make(v, e1.clone())))) }
                    { text(format!("{id}-email"), "Email", &email,
                        move |v| edit(&t2, Edit::SetInvariant(i, make(l2.clone(), v)))) }
                </> }
            }
            Invariant::AlertHasRecipient | Invariant::EveryoneReachesCrm => html! {},
            other => html! { <span class="hint">{ serde_json::to_string(&other).unwrap_or_default() }</span> },
        };
        html! {
            <li class="bfield-row">
                <strong>{ title }</strong>
                { params }
                { small(format!("remove-{id}"), "\u{2715}", format!("Delete check {}", i + 1), click(to, Edit::RemoveInvariant(i))) }
            </li>
        }
    });
    let add = {
        let (to, list) = (to.clone(), d.lists.first().cloned().unwrap_or_default());
        on_menu(move |k: String| {
            let (list, email) = (list.clone(), "Email".to_string());
            let inv = match k.as_str() {
                "one_email_per_entry" => Invariant::OneEmailPerEntry { list, email },
                "no_entry_lost" => Invariant::NoEntryLost { list, email },
                "alert_has_recipient" => Invariant::AlertHasRecipient,
                "everyone_reaches_crm" => Invariant::EveryoneReachesCrm,
                _ => return,
            };
            edit(&to, Edit::AddInvariant(inv));
        })
    };
    html! {
        <section class="bpanel" aria-labelledby="build-checks-h">
            <h3 id="build-checks-h">{ "Checks" }</h3>
            <ul class="bitems">{ for items }</ul>
            <label class="bfield add-menu"><span class="blabel">{ "Add a check" }</span>
                <select id="add-check" onchange={add}>
                    <option value="" selected=true>{ "choose\u{2026}" }</option>
                    { for CHECKS.iter().map(|(v, t)| html! { <option value={*v}>{ *t }</option> }) }
                </select>
            </label>
        </section>
    }
}

const OPS: [(&str, &str); 4] = [
    ("cas", "Key-value store: compare-and-swap (set if empty)"),
    ("set", "Key-value store: set"),
    ("get", "Key-value store: get"),
    ("respond", "Fixed answer"),
];

/// Webhooks: latency, failure chance, the service, response mappings.
pub fn webhooks(s: &BuildState, to: &To) -> Html {
    let d = s.b.draft();
    let fields: Vec<(String, String)> = (d.fields.iter())
        .map(|f| (f.name.clone(), f.display_name().to_string()))
        .collect();
    let items = d.systems.webhooks.iter().enumerate().map(|(i, w)| {
        let id = format!("webhook-{}", i + 1);
        let with = |f: Change<WebhookDef>| {
            let (to, w) = (to.clone(), w.clone());
            move |v: String| {
                let mut w = w.clone();
                f(&mut w, v);
                edit(&to, Edit::SetWebhook(i, w));
            }
        };
        let latency = match &w.latency {
            Dist::Uniform { max, .. } => param_text(max),
            Dist::Fixed(p) => param_text(p),
            other => serde_json::to_string(other).unwrap_or_default(),
        };
        let (op, key) = match &w.service {
            Service::KeyValue(KvOp::Cas { key, .. }) => ("cas", key.clone()),
            Service::KeyValue(KvOp::Set { key, .. }) => ("set", key.clone()),
            Service::KeyValue(KvOp::Get { key }) => ("get", key.clone()),
            Service::KeyValue(_) => ("other", String::new()),
            Service::Respond(_) => ("respond", String::new()),
        };
        let ok_field = w.response_mappings.get("ok").cloned().unwrap_or_default();
        let mut map_fields = vec![(String::new(), "(none)".to_string())];
        map_fields.extend(fields.iter().cloned());
        html! {
            <li class="bfield-row">
                { text(format!("{id}-name"), "Webhook", &w.name, with(Box::new(|w, v| w.name = v))) }
                { text(format!("{id}-latency"), "Slowest round trip (ms)", &latency,
                    with(Box::new(|w, v| w.latency = Dist::Uniform { min: Param::Literal(100), max: param_of(&v) }))) }
                { text(format!("{id}-failure"), "Failure chance (parts per million, or a knob)", &param_text(&w.failure),
                    with(Box::new(|w, v| w.failure = param_of(&v)))) }
                { select(format!("{id}-service"), "Service", &menu(&OPS), op, with(Box::new(|w, v| w.service = service(&v, &w.service)))) }
                if op != "respond" {
                    { text(format!("{id}-key"), "Key ({{lead.Id}}, {{lead.Field Name}})", &key,
                        with(Box::new(|w, v| w.service = with_key(&w.service, v)))) }
                }
                { select(format!("{id}-ok"), "Response \u{201c}ok\u{201d} maps to", &map_fields, &ok_field,
                    with(Box::new(|w, v| { if v.is_empty() { w.response_mappings.remove("ok"); } else { w.response_mappings.insert("ok".into(), v); } }))) }
                { small(format!("remove-{id}"), "\u{2715}", format!("Delete webhook {}", w.name), click(to, Edit::RemoveWebhook(i))) }
            </li>
        }
    });
    let add = {
        let to = to.clone();
        move |name: String| {
            edit(
                &to,
                Edit::AddWebhook(WebhookDef {
                    name,
                    latency: Dist::Uniform {
                        min: Param::Literal(100),
                        max: Param::Literal(800),
                    },
                    failure: Param::Literal(0),
                    response_loss: Param::Literal(0),
                    timeout: Param::Literal(30_000),
                    service: service("cas", &Service::Respond(BTreeMap::new())),
                    writes_back_late: false,
                    response_mappings: BTreeMap::new(),
                }),
            )
        }
    };
    html! {
        <section class="bpanel" aria-labelledby="build-webhooks-h">
            <h3 id="build-webhooks-h">{ "Webhooks" }</h3>
            <ul class="bitems">{ for items }</ul>
            { adder("add-webhook".into(), "New webhook", "name, then Enter", add) }
        </section>
    }
}

fn key_in(s: &Service) -> String {
    match s {
        Service::KeyValue(KvOp::Cas { key, .. } | KvOp::Set { key, .. } | KvOp::Get { key }) => {
            key.clone()
        }
        _ => "entry:{{lead.Id}}".into(),
    }
}

fn service(op: &str, old: &Service) -> Service {
    let key = key_in(old);
    match op {
        "cas" => Service::KeyValue(KvOp::Cas {
            key,
            expected: serde_json::Value::Null,
            new: "claimed".into(),
        }),
        "set" => Service::KeyValue(KvOp::Set {
            key,
            value: "done".into(),
        }),
        "get" => Service::KeyValue(KvOp::Get { key }),
        _ => Service::Respond(BTreeMap::new()),
    }
}

fn with_key(s: &Service, key: String) -> Service {
    match s.clone() {
        Service::KeyValue(KvOp::Cas { expected, new, .. }) => {
            Service::KeyValue(KvOp::Cas { key, expected, new })
        }
        Service::KeyValue(KvOp::Set { value, .. }) => Service::KeyValue(KvOp::Set { key, value }),
        Service::KeyValue(KvOp::Get { .. }) => Service::KeyValue(KvOp::Get { key }),
        other => other,
    }
}
