//! The builder's webhooks panel: each webhook's latency, failure chance, the service behind
//! it (a key-value store or a fixed answer) and its response mappings (any number: response
//! attribute to field). Outside events are in `events`, checks in `checks`.

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

use super::data::{param_of, param_text};
use super::duration::{AmountEditor, DurationEditor, Knobs};
use super::widgets::{adder, menu, select, small, text};
use super::{BuildState, To};
use crate::builder::duration::{time_knobs, Timing};
use crate::builder::Edit;
use crate::engine::dist::Dist;
use crate::engine::knobs::Param;
use crate::engine::scenario::{KvOp, Service, WebhookDef};

/// Changes one part of an item from what was typed.
type Change<T> = Box<dyn Fn(&mut T, String)>;

use super::widgets::{click, send as edit};

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
    let knobs: Knobs = Rc::new(time_knobs(d));
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
        let latency = {
            let to = to.clone();
            Callback::from(move |v| edit(&to, Edit::Duration(Timing::WebhookLatency(i), v)))
        };
        let timeout = {
            let (to, w) = (to.clone(), w.clone());
            Callback::from(move |p: Option<Param>| {
                let mut w = w.clone();
                w.timeout = p.unwrap_or(Param::Literal(0));
                edit(&to, Edit::SetWebhook(i, w));
            })
        };
        let (op, key) = match &w.service {
            Service::KeyValue(KvOp::Cas { key, .. }) => ("cas", key.clone()),
            Service::KeyValue(KvOp::Set { key, .. }) => ("set", key.clone()),
            Service::KeyValue(KvOp::Get { key }) => ("get", key.clone()),
            Service::KeyValue(_) => ("other", String::new()),
            Service::Respond(_) => ("respond", String::new()),
        };
        let mappings = w.response_mappings.iter().enumerate().map(|(k, (attr, field))| {
            let mid = format!("{id}-map-{}", k + 1);
            let old = attr.clone();
            let (a1, a2) = (attr.clone(), attr.clone());
            html! {
                <li class="bfield-row mapping">
                    { text(format!("{mid}-attribute"), "Response attribute", attr, with(Box::new(move |w, v| {
                        let v = v.trim().to_string();
                        if !v.is_empty() && !w.response_mappings.contains_key(&v) {
                            if let Some(f) = w.response_mappings.remove(&old) {
                                w.response_mappings.insert(v, f);
                            }
                        }
                    }))) }
                    { select(format!("{mid}-field"), "maps to field", &fields, field, with(Box::new(move |w, v| {
                        w.response_mappings.insert(a1.clone(), v);
                    }))) }
                    { small(format!("{mid}-remove"), "\u{2715}", format!("Delete the mapping of {attr}"),
                        Callback::from({
                            let (to, mut w) = (to.clone(), w.clone());
                            w.response_mappings.remove(&a2);
                            move |_| edit(&to, Edit::SetWebhook(i, w.clone()))
                        })) }
                </li>
            }
        });
        let first_field = fields.first().map(|(f, _)| f.clone()).unwrap_or_default();
        let add_mapping = with(Box::new(move |w, v| {
            w.response_mappings.entry(v).or_insert_with(|| first_field.clone());
        }));
        html! {
            <li class="bfield-row">
                { text(format!("{id}-name"), "Webhook", &w.name, with(Box::new(|w, v| w.name = v))) }
                <DurationEditor id={format!("{id}-latency")} label={Timing::WebhookLatency(i).label()}
                    value={w.latency.clone()} knobs={knobs.clone()} on_change={latency} />
                <AmountEditor id={format!("{id}-timeout")} label="Marketo gives up waiting after"
                    value={Some(w.timeout.clone())} knobs={knobs.clone()} on_change={timeout} /><br/>
                { text(format!("{id}-failure"), "Failure chance (parts per million, or a knob)", &param_text(&w.failure),
                    with(Box::new(|w, v| w.failure = param_of(&v)))) }
                { select(format!("{id}-service"), "Service", &menu(&OPS), op, with(Box::new(|w, v| w.service = service(&v, &w.service)))) }
                if op != "respond" {
                    { text(format!("{id}-key"), "Key ({{lead.Id}}, {{lead.Field Name}})", &key,
                        with(Box::new(|w, v| w.service = with_key(&w.service, v)))) }
                }
                <h4>{ "Response mappings" }</h4>
                <ul class="bitems mappings">{ for mappings }</ul>
                { adder(format!("{id}-add-mapping"), "Map a response attribute", "attribute (e.g. ok), then Enter", add_mapping) }
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
