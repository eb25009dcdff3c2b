//! The builder's outside events (the scenario's script): what happens from outside
//! Marketo's campaigns, to whom and when: a person is added to a list by the API or an
//! import, fills out a form, gets a new field value, a campaign is requested by the API, a
//! batch campaign is run now, the CRM assigns an owner, a person is synced by the API. Each
//! happens to everyone, one person or a range of people, at a time picked uniformly between
//! two times (or exactly at one, or as the duration editor allows). An event kind the panel does not edit is shown as text.

use std::rc::Rc;

use yew::prelude::*;

use super::campaign::Names;
use super::duration::{DurationEditor, Knobs};
use super::widgets::{click, menu, on_menu, select, send, text};
use super::{BuildState, To};
use crate::builder::duration::{time_knobs, Timing};
use crate::builder::menus::{key_of, typed_value, value_text};
use crate::builder::Edit;
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use crate::engine::scenario::{OutsideEvent, PeopleSelector, ScriptedEvent};

/// Changes one part of an event from what was typed.
type Change = Box<dyn Fn(&mut ScriptedEvent, String)>;

/// The kinds the panel adds: (key, Marketo's words).
const KINDS: [(&str, &str); 7] = [
    ("add_to_list", "Added to a list (API, import)"),
    ("fills_out_form", "Fills out a form"),
    ("change_data_value", "A field changes (API, import)"),
    ("request_campaign", "Campaign is requested (API)"),
    ("run_batch_campaign", "A batch campaign is run now"),
    ("assign_owner_in_crm", "The CRM assigns an owner"),
    ("sync_person_by_api", "A person is synced by the API"),
];

/// Who an event happens to.
const WHO: [(&str, &str); 4] = [
    ("all", "everyone"),
    ("one", "one person"),
    ("range", "people from … to …"),
    ("none", "no one (a campaign or system event)"),
];

fn new_event(key: &str, n: &Names) -> Option<OutsideEvent> {
    let first = |v: &[(String, String)]| v.first().map(|(k, _)| k.clone()).unwrap_or_default();
    Some(match key {
        "add_to_list" => OutsideEvent::AddToList(first(&n.lists)),
        "fills_out_form" => OutsideEvent::FillsOutForm("Contact Us".into()),
        "change_data_value" => OutsideEvent::ChangeDataValue {
            field: first(&n.fields),
            value: serde_json::Value::Null,
        },
        "request_campaign" => OutsideEvent::RequestCampaign(first(&n.campaigns)),
        "run_batch_campaign" => OutsideEvent::RunBatchCampaign(first(&n.campaigns)),
        "assign_owner_in_crm" => OutsideEvent::AssignOwnerInCrm("Owner".into()),
        "sync_person_by_api" => OutsideEvent::SyncPersonByApi("Integration".into()),
        _ => return None,
    })
}

/// The outside events.
pub fn events(s: &BuildState, to: &To, n: &Names) -> Html {
    let d = s.b.draft();
    let knobs: Knobs = Rc::new(time_knobs(d));
    let items = d.script.iter().enumerate().map(|(i, ev)| {
        let id = format!("event-{}", i + 1);
        let with = |f: Change| {
            let (to, ev) = (to.clone(), ev.clone());
            move |v: String| {
                let mut ev = ev.clone();
                f(&mut ev, v);
                send(&to, Edit::SetEvent(i, ev));
            }
        };
        let when = {
            let to = to.clone();
            Callback::from(move |v| send(&to, Edit::Duration(Timing::EventTime(i), v)))
        };
        let what = match &ev.event {
            OutsideEvent::AddToList(l) => select(format!("{id}-list"), "Added to list", &n.lists, l,
                with(Box::new(|e, v| e.event = OutsideEvent::AddToList(v)))),
            OutsideEvent::FillsOutForm(f) => text(format!("{id}-form"), "Fills out form", f,
                with(Box::new(|e, v| e.event = OutsideEvent::FillsOutForm(v)))),
            OutsideEvent::ChangeDataValue { field, value } => {
                let (v0, f0) = (value.clone(), field.clone());
                html! { <>
                    { select(format!("{id}-field"), "Field changes", &n.fields, field,
                        with(Box::new(move |e, v| e.event = OutsideEvent::ChangeDataValue { field: v, value: v0.clone() }))) }
                    { text(format!("{id}-value"), "to", &value_text(value),
                        with(Box::new(move |e, v| e.event = OutsideEvent::ChangeDataValue { field: f0.clone(), value: typed_value(&v) }))) }
                </> }
            }
            OutsideEvent::RequestCampaign(c) => select(format!("{id}-campaign"), "Campaign is requested", &n.campaigns, c,
                with(Box::new(|e, v| e.event = OutsideEvent::RequestCampaign(v)))),
            OutsideEvent::RunBatchCampaign(c) => select(format!("{id}-campaign"), "Run batch campaign now", &n.campaigns, c,
                with(Box::new(|e, v| e.event = OutsideEvent::RunBatchCampaign(v)))),
            OutsideEvent::AssignOwnerInCrm(o) => text(format!("{id}-owner"), "The CRM assigns owner", o,
                with(Box::new(|e, v| e.event = OutsideEvent::AssignOwnerInCrm(v)))),
            OutsideEvent::SyncPersonByApi(c) => text(format!("{id}-client"), "Synced by API client", c,
                with(Box::new(|e, v| e.event = OutsideEvent::SyncPersonByApi(v)))),
            other => html! { <span class="hint">{ serde_json::to_string(other).unwrap_or_default() }</span> },
        };
        html! {
            <li class="bfield-row" id={id.clone()}>
                { text(format!("{id}-label"), "Event", &ev.label, with(Box::new(|e, v| e.label = v))) }
                { what }
                { who(&id, &ev.people, Rc::new(with(Box::new(|e, v| e.people = people(&v))))) }
                <DurationEditor id={format!("{id}-at")} label={Timing::EventTime(i).label()}
                    value={ev.at.clone()} knobs={knobs.clone()} on_change={when} />
                { super::widgets::small(format!("remove-{id}"), "\u{2715}", format!("Delete event {}", i + 1), click(to, Edit::RemoveEvent(i))) }
            </li>
        }
    });
    let add = {
        let (to, n) = (to.clone(), n.clone());
        on_menu(move |k: String| {
            let Some(event) = new_event(&k, &n) else {
                return;
            };
            let people = match event {
                OutsideEvent::RequestCampaign(_) | OutsideEvent::RunBatchCampaign(_) => {
                    PeopleSelector::None
                }
                _ => PeopleSelector::All,
            };
            send(
                &to,
                Edit::AddEvent(ScriptedEvent {
                    label: String::new(),
                    at: Dist::Uniform {
                        min: Param::Literal(0),
                        max: Param::Literal(7_200_000),
                    },
                    after: None,
                    people,
                    event,
                }),
            );
        })
    };
    html! {
        <section class="bpanel" aria-labelledby="build-events-h">
            <h3 id="build-events-h">{ "Outside events" }</h3>
            <ul class="bitems">{ for items }</ul>
            <label class="bfield add-menu"><span class="blabel">{ "Add an outside event" }</span>
                <select id="add-event" onchange={add}>
                    <option value="" selected=true>{ "choose\u{2026}" }</option>
                    { for menu(&KINDS).into_iter().map(|(v, t)| html! { <option value={v}>{ t }</option> }) }
                </select>
            </label>
        </section>
    }
}

/// Who: everyone, person N, people N to M, no one. Typed as "all", "3", "2-5" or "none"
/// through a select and a number field.
fn who(id: &str, p: &PeopleSelector, set: Rc<dyn Fn(String)>) -> Html {
    let kind = key_of(p);
    let numbers = match p {
        PeopleSelector::One(n) => n.to_string(),
        PeopleSelector::Range { first, last } => format!("{first}-{last}"),
        _ => String::new(),
    };
    let pick = {
        let set = set.clone();
        move |k: String| {
            set(match k.as_str() {
                "one" => "1".into(),
                "range" => "1-10".into(),
                other => other.to_string(),
            })
        }
    };
    html! { <>
        { select(format!("{id}-who"), "happens to", &menu(&WHO), &kind, pick) }
        if !numbers.is_empty() {
            { text(format!("{id}-people"), "person number (or first-last)", &numbers, move |v| set(v)) }
        }
    </> }
}

/// Reads "all", "none", "3" or "2-5".
fn people(v: &str) -> PeopleSelector {
    let v = v.trim();
    if let Some((a, b)) = v.split_once('-') {
        if let (Ok(first), Ok(last)) = (a.trim().parse(), b.trim().parse()) {
            return PeopleSelector::Range { first, last };
        }
    }
    match v.parse() {
        Ok(n) => PeopleSelector::One(n),
        Err(_) if v == "none" => PeopleSelector::None,
        Err(_) => PeopleSelector::All,
    }
}
