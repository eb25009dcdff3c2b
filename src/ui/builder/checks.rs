//! The builder's checks panel: which of the engine's invariants a run is judged by, each
//! with its parameters (the list and email of a queue, the field of a sync, the statuses of
//! a program, the conditions an email may only be sent under), in Marketo's words.

use std::rc::Rc;

use yew::prelude::*;

use super::campaign::{Names, Set};
use super::smart_list::filter_editor;
use super::widgets::{click, menu, on_menu, select, send, small, text, Change};
use super::{BuildState, To};
use crate::builder::menus::{self, key_of, new_filter};
use crate::builder::Edit;
use crate::engine::scenario::{Filter, Invariant, Scenario};

/// Every check the engine knows: (key, what it says).
pub const CHECKS: [(&str, &str); 16] = [
    ("one_email_per_entry", "One email per list entry"),
    ("no_entry_lost", "No list entry lost"),
    ("alert_has_recipient", "Every alert has a recipient"),
    ("everyone_reaches_crm", "Everyone reaches the CRM"),
    ("one_alert_per_person", "One alert per person"),
    (
        "crm_sync_after",
        "Synced to the CRM only once a field is filled",
    ),
    (
        "stage_never_regresses",
        "A stage field never goes backwards",
    ),
    (
        "status_never_moves",
        "A program status never moves from … to …",
    ),
    (
        "email_only_when",
        "An email goes only to people who qualify",
    ),
    ("one_person_per_email", "One person per email address"),
    (
        "marketo_value_kept",
        "A value Marketo set is kept by the CRM sync",
    ),
    (
        "checkpoint_monotonic",
        "An integration's checkpoint never goes back",
    ),
    ("no_duplicate_import", "No record imported twice"),
    ("no_response_lost", "No webhook response lost"),
    ("no_stale_decision", "No decision on stale data"),
    (
        "no_duplicate_action",
        "No action done twice for one message",
    ),
];

/// A new check of kind `key`, filled in with the scenario's first list, field and program.
pub fn new_check(s: &Scenario, key: &str) -> Option<Invariant> {
    let list = s.lists.first().cloned().unwrap_or_default();
    let field = s.fields.first().map(|f| f.name.clone()).unwrap_or_default();
    let program = s.programs.first();
    let status = |k: usize| {
        program
            .and_then(|p| p.statuses.get(k))
            .map(|st| st.name.clone())
            .unwrap_or_default()
    };
    let email = "Email".to_string();
    Some(match key {
        "one_email_per_entry" => Invariant::OneEmailPerEntry { list, email },
        "no_entry_lost" => Invariant::NoEntryLost { list, email },
        "alert_has_recipient" => Invariant::AlertHasRecipient,
        "everyone_reaches_crm" => Invariant::EveryoneReachesCrm,
        "one_alert_per_person" => Invariant::OneAlertPerPerson {
            alert: "Alert".into(),
        },
        "crm_sync_after" => Invariant::CrmSyncAfter { field },
        "stage_never_regresses" => Invariant::StageNeverRegresses {
            field,
            order: Vec::new(),
        },
        "status_never_moves" => Invariant::StatusNeverMoves {
            program: program.map(|p| p.name.clone()).unwrap_or_default(),
            from: status(0),
            to: status(1),
        },
        "email_only_when" => Invariant::EmailOnlyWhen {
            email,
            when: new_filter(s, "field").into_iter().collect(),
            logic: None,
        },
        "one_person_per_email" => Invariant::OnePersonPerEmail,
        "marketo_value_kept" => Invariant::MarketoValueKept { field },
        "checkpoint_monotonic" => Invariant::CheckpointMonotonic,
        "no_duplicate_import" => Invariant::NoDuplicateImport,
        "no_response_lost" => Invariant::NoResponseLost,
        "no_stale_decision" => Invariant::NoStaleDecision,
        "no_duplicate_action" => Invariant::NoDuplicateAction,
        _ => return None,
    })
}

/// The checks a run is judged by.
pub fn checks(s: &BuildState, to: &To, n: &Names) -> Html {
    let d = s.b.draft();
    let programs: Vec<(String, String)> = (d.programs.iter())
        .map(|p| (p.name.clone(), p.name.clone()))
        .collect();
    let items = d.invariants.iter().enumerate().map(|(i, inv)| {
        let id = format!("check-{}", i + 1);
        let key = key_of(inv);
        let title = CHECKS.iter().find(|(k, _)| *k == key).map_or(key.clone(), |(_, t)| t.to_string());
        let with = |f: Change<Invariant>| {
            let (to, inv) = (to.clone(), inv.clone());
            move |v: String| {
                let mut inv = inv.clone();
                f(&mut inv, v);
                send(&to, Edit::SetInvariant(i, inv));
            }
        };
        let params = match inv {
            Invariant::OneEmailPerEntry { list, email } | Invariant::NoEntryLost { list, email } => html! { <>
                { select(format!("{id}-list"), "List", &n.lists, list, with(Rc::new(|inv, v| {
                    if let Invariant::OneEmailPerEntry { list, .. } | Invariant::NoEntryLost { list, .. } = inv { *list = v }
                }))) }
                { text(format!("{id}-email"), "Email", email, with(Rc::new(|inv, v| {
                    if let Invariant::OneEmailPerEntry { email, .. } | Invariant::NoEntryLost { email, .. } = inv { *email = v }
                }))) }
            </> },
            Invariant::CrmSyncAfter { field } | Invariant::MarketoValueKept { field } => {
                select(format!("{id}-field"), "Field", &n.fields, field, with(Rc::new(|inv, v| {
                    if let Invariant::CrmSyncAfter { field } | Invariant::MarketoValueKept { field } = inv { *field = v }
                })))
            }
            Invariant::StageNeverRegresses { field, order } => html! { <>
                { select(format!("{id}-field"), "Field", &n.fields, field, with(Rc::new(|inv, v| {
                    if let Invariant::StageNeverRegresses { field, .. } = inv { *field = v }
                }))) }
                { text(format!("{id}-order"), "Stages in order (comma between)", &order.join(", "), with(Rc::new(|inv, v| {
                    if let Invariant::StageNeverRegresses { order, .. } = inv {
                        *order = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                    }
                }))) }
            </> },
            Invariant::OneAlertPerPerson { alert } => text(format!("{id}-alert"), "Alert", alert, with(Rc::new(|inv, v| {
                if let Invariant::OneAlertPerPerson { alert } = inv { *alert = v }
            }))),
            Invariant::StatusNeverMoves { program, from, to: dest } => html! { <>
                { select(format!("{id}-program"), "Program", &programs, program, with(Rc::new(|inv, v| {
                    if let Invariant::StatusNeverMoves { program, .. } = inv { *program = v }
                }))) }
                { text(format!("{id}-from"), "from status", from, with(Rc::new(|inv, v| {
                    if let Invariant::StatusNeverMoves { from, .. } = inv { *from = v }
                }))) }
                { text(format!("{id}-to"), "to status", dest, with(Rc::new(|inv, v| {
                    if let Invariant::StatusNeverMoves { to, .. } = inv { *to = v }
                }))) }
            </> },
            Invariant::EmailOnlyWhen { email, when, .. } => email_only_when(to, i, inv, email, when, n),
            _ => html! {},
        };
        html! {
            <li class="bfield-row" id={id.clone()}>
                <strong>{ title }</strong>
                { params }
                { small(format!("remove-{id}"), "\u{2715}", format!("Delete check {}", i + 1), click(to, Edit::RemoveInvariant(i))) }
            </li>
        }
    });
    let add = {
        let (to, stub) = (to.clone(), d.clone());
        on_menu(move |k: String| {
            if let Some(inv) = new_check(&stub, &k) {
                send(&to, Edit::AddInvariant(inv));
            }
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

/// Changes the conditions of a check.
type Conditions = Rc<dyn Fn(&mut Vec<Filter>)>;

/// "Email … goes only to people who meet all of: …".
fn email_only_when(
    to: &To,
    i: usize,
    inv: &Invariant,
    email: &str,
    when: &[Filter],
    n: &Names,
) -> Html {
    let id = format!("check-{}", i + 1);
    let changed = |f: Conditions| {
        let (to, inv) = (to.clone(), inv.clone());
        Rc::new(move || {
            let mut inv = inv.clone();
            if let Invariant::EmailOnlyWhen { when, .. } = &mut inv {
                f(when);
            }
            send(&to, Edit::SetInvariant(i, inv));
        })
    };
    let conditions = when.iter().enumerate().map(|(k, f)| {
        let set: Set<Filter> = {
            let (to, inv) = (to.clone(), inv.clone());
            Rc::new(move |f| {
                let mut inv = inv.clone();
                if let Invariant::EmailOnlyWhen { when, .. } = &mut inv {
                    when[k] = f;
                }
                send(&to, Edit::SetInvariant(i, inv));
            })
        };
        let remove = changed(Rc::new(move |w| {
            w.remove(k);
        }));
        html! {
            <li class="condition">
                { filter_editor(&format!("{id}-if-{}", k + 1), f, n, set) }
                { small(format!("{id}-if-{}-remove", k + 1), "\u{2715}", format!("Delete condition {}", k + 1),
                    Callback::from(move |_| remove())) }
            </li>
        }
    });
    let set_email = {
        let (to, inv) = (to.clone(), inv.clone());
        move |v: String| {
            let mut inv = inv.clone();
            if let Invariant::EmailOnlyWhen { email, .. } = &mut inv {
                *email = v;
            }
            send(&to, Edit::SetInvariant(i, inv));
        }
    };
    let add = {
        let (to, inv, stub) = (to.clone(), inv.clone(), n.scenario_stub());
        on_menu(move |k| {
            let mut inv = inv.clone();
            if let (Some(f), Invariant::EmailOnlyWhen { when, .. }) =
                (new_filter(&stub, &k), &mut inv)
            {
                when.push(f);
                send(&to, Edit::SetInvariant(i, inv));
            }
        })
    };
    html! { <>
        { text(format!("{id}-email"), "Email", email, set_email) }
        <span class="kw">{ "only to people who meet all of" }</span>
        <ol class="conditions">{ for conditions }</ol>
        <label class="bfield add-menu">
            <span class="blabel">{ "Add a condition" }</span>
            <select id={format!("{id}-add-condition")} onchange={add}>
                <option value="" selected=true>{ "choose\u{2026}" }</option>
                { for menu(&menus::FILTERS).into_iter().map(|(v, t)| html! { <option value={v}>{ t }</option> }) }
            </select>
        </label>
    </> }
}
